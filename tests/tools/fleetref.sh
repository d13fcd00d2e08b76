#!/bin/sh
# fleetref.sh - an independent reference for 'offtrace fleet report' (issue
# 14): the same numbers computed from the runs' SQLite databases with the
# sqlite3 shell, sort and awk only, sharing no code with offtrace.
#   sh tests/tools/fleetref.sh MANIFEST
# MANIFEST has one line per run: GROUP<TAB>DATABASE (one trace each).  The
# output is one line per fact, sorted, in the form tests/tools/fleetjson.py
# prints a fleet report's JSON:
#   GROUP runs N
#   GROUP summary objects|offloaded|failed|terminated|lost|live_at_end|leaked|error|warning N
#   GROUP leak_rate R                    (leaked / objects, %.6f; 0 without objects)
#   GROUP leaks REASON N R               (every reason offtrace knows)
#   GROUP rule RULE VIOLATIONS CHECKED NOT_CHECKED   (runs)
#   GROUP latency KIND N P50 P90 P99 P999 MAX MEAN   (KIND also syn_to_offload)
#   GROUP latency_by ADAPTER LAYER KIND N P50 P90 P99 P999 MAX MEAN
#       (only adapters named with letters, digits, '_', '.', '-': the others
#        cannot travel through these text columns; "-" stands for "")
# Percentiles are nearest rank: the value at rank ceil(p/100 n) of the
# sorted values; the mean is truncated toward zero.
set -eu
manifest=${1:?usage: fleetref.sh MANIFEST}
tab=$(printf '\t')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

q() { sqlite3 -batch -noheader -separator "$tab" "$1" "$2"; }

while IFS="$tab" read -r g db; do
	q "$db" "SELECT count(*), count(t_offloaded), coalesce(sum(fate = 'failed'), 0),
		coalesce(sum(fate = 'terminated'), 0), coalesce(sum(fate = 'lost'), 0)
		FROM objects" | sed "s/^/$g$tab/" >>"$tmp/objects"
	q "$db" "SELECT (SELECT count(*) FROM leaks),
		(SELECT count(*) FROM leaks WHERE reason = 'live_at_end'),
		(SELECT count(*) FROM violations WHERE severity = 'error'),
		(SELECT count(*) FROM violations WHERE severity = 'warning')" |
		sed "s/^/$g$tab/" >>"$tmp/counts"
	q "$db" "SELECT reason, count(*) FROM leaks GROUP BY reason" |
		sed "s/^/$g$tab/" >>"$tmp/leaks"
	q "$db" "SELECT rule, checked, count FROM rules" | sed "s/^/$g$tab/" >>"$tmp/rules"
	q "$db" "SELECT kind, t_complete - t_request FROM operations
		WHERE t_complete IS NOT NULL" | sed "s/^/$g$tab/" >>"$tmp/lat"
	q "$db" "SELECT 'syn_to_offload', syn_to_offload_ns FROM flow_objects
		WHERE syn_to_offload_ns IS NOT NULL" | sed "s/^/$g$tab/" >>"$tmp/lat"
	q "$db" "SELECT CASE adapter WHEN '' THEN '-' ELSE adapter END || ' ' || layer
		|| ' ' || kind, t_complete - t_request FROM operations
		WHERE t_complete IS NOT NULL AND layer IN ('target', 'im', 'host')
		AND adapter NOT GLOB '*[^A-Za-z0-9_.-]*'" | sed "s/^/$g$tab/" >>"$tmp/latby"
	printf '%s\n' "$g" >>"$tmp/groups"
done <"$manifest"
touch "$tmp/objects" "$tmp/counts" "$tmp/leaks" "$tmp/rules" "$tmp/lat" "$tmp/latby" "$tmp/groups"

{
	sort "$tmp/groups" | uniq -c | awk '{ print $2 " runs " $1 }'
	awk -F "$tab" -v counts="$tmp/counts" '
	{ o[$1] += $2; off[$1] += $3; fa[$1] += $4; te[$1] += $5; lo[$1] += $6; g[$1] = 1 }
	END {
		while ((getline l < counts) > 0) {
			split(l, f, "\t")
			lk[f[1]] += f[2]; le[f[1]] += f[3]; er[f[1]] += f[4]; wa[f[1]] += f[5]
		}
		for (k in g) {
			print k " summary objects " o[k]
			print k " summary offloaded " off[k]
			print k " summary failed " fa[k]
			print k " summary terminated " te[k]
			print k " summary lost " lo[k]
			print k " summary live_at_end " le[k] + 0
			print k " summary leaked " lk[k] + 0
			print k " summary error " er[k] + 0
			print k " summary warning " wa[k] + 0
			printf "%s leak_rate %.6f\n", k, o[k] ? (lk[k] + 0) / o[k] : 0
			n = split("live_at_end halt upload_all wire_close", rs, " ")
			for (i = 1; i <= n; i++)
				print k "\tLEAK\t" rs[i] "\t" o[k]
		}
	}' "$tmp/objects" >"$tmp/sum"
	grep -v "$tab" "$tmp/sum" || true
	# leaks by reason: every reason, with its rate over the group's objects
	grep "$tab" "$tmp/sum" | awk -F "$tab" -v leaks="$tmp/leaks" '
	BEGIN { while ((getline l < leaks) > 0) { split(l, f, "\t"); n[f[1] "\t" f[2]] += f[3] } }
	{ c = n[$1 "\t" $3] + 0; printf "%s leaks %s %d %.6f\n", $1, $3, c, $4 ? c / $4 : 0 }'
	awk -F "$tab" '
	{ k = $1 " rule " $2; v[k] += ($3 == 1 ? $4 : 0); ch[k] += ($3 == 1); nc[k] += ($3 != 1) }
	END { for (k in v) print k, v[k], ch[k], nc[k] }' "$tmp/rules"
	# nearest rank over values sorted per key
	for f in lat latby; do
		word=latency
		[ $f = latby ] && word=latency_by
		sort -t "$tab" -k1,1 -k2,2 -k3,3n "$tmp/$f" | awk -F "$tab" -v word="$word" '
		function flush(   r, p, i, s) {
			if (n == 0) return
			split("50000 90000 99000 99900", p, " ")
			s = ""
			for (i = 1; i <= 4; i++) {
				r = int((n * p[i] + 99999) / 100000)
				if (r < 1) r = 1
				s = s " " v[r]
			}
			printf "%s %s %s %d%s %s %d\n", g, word, key, n, s, v[n], sum / n
		}
		{
			if ($1 != g || $2 != key) { flush(); g = $1; key = $2; n = 0; sum = 0 }
			v[++n] = $3; sum += $3
		}
		END { flush() }'
	done
} | LC_ALL=C sort
