#!/bin/sh
# latref.sh - an independent reference for the latency tables (issue 13):
# pairs the requests and completions of normalized-event files (JSON lines,
# integer ts) as doc/rules.md section 1 says, with awk and sort only, and
# prints one CSV row per (adapter, layer, kind) with completed operations,
# then one per kind over all of them with adapter and layer "*":
#   adapter,layer,kind,count,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,mean_ns
# Percentiles are nearest rank (rank ceil(p/100 n)), the mean truncated.
# It shares no code with offtrace: tests compare the two.
#   sh tests/tools/latref.sh FILE.jsonl...	(several files merge by time,
#						 ties in the order given)
set -eu
tab=$(printf '\t')
# 1. every event as "ts<TAB>file<TAB>line<TAB>json", merged by time (a
#    stable sort: ties keep the file order, then the line order)
i=0
for f in "$@"; do
	i=$((i + 1))
	awk -v file="$i" '{
		if (!match($0, /"ts":-?[0-9]+/)) { print "latref: no integer ts: " FILENAME > "/dev/stderr"; exit 2 }
		ts = substr($0, RSTART + 5, RLENGTH - 5)
		printf "%s\t%d\t%d\t%s\n", ts, file, NR, $0
	}' "$f"
done | sort -s -t "$tab" -k1,1n |
# 2. operations: key (adapter, layer, kind, root); a request opens one
#    (or adds a block while none of its blocks completed), a completion
#    completes a block; done when every block is, latency = last
#    completion - first request.  Times are split in two so that awk's
#    doubles stay exact.
awk -F "$tab" '
function field(name,   s, re) {
	re = "\"" name "\":"
	if (!match(json, re))
		return ""
	s = substr(json, RSTART + RLENGTH)
	if (substr(s, 1, 1) == "\"") {
		s = substr(s, 2)
		return substr(s, 1, index(s, "\"") - 1)
	}
	match(s, /^-?[0-9]+/)
	return substr(s, 1, RLENGTH)
}
# ns relative to the first event: (high digits - base) * 1e12 + low 12 digits
function rel(ts,   n, hi, lo) {
	n = length(ts)
	if (n <= 12)
		return ts + 0
	hi = substr(ts, 1, n - 12) + 0
	lo = substr(ts, n - 11) + 0
	if (!based) {
		base = hi
		based = 1
	}
	return (hi - base) * 1000000000000 + lo
}
{
	json = $4
	ev = field("ev")
	kind = ev
	done = sub(/_done$/, "", kind)
	if (kind !~ /^(initiate|terminate|update|invalidate|query)$/)
		next
	t = rel($1)
	ad = field("adapter")
	ly = field("layer")
	if (ly == "")
		ly = "target"
	root = field("root")
	blk = field("block")
	if (root == "")
		root = blk
	if (blk == "")
		blk = root
	key = ad SUBSEP ly SUBSEP kind SUBSEP root
	if (!done) {
		if (!(key in open) || ndone[key] > 0) {
			open[key] = 1
			gen[key]++
			treq[key] = t
			nblk[key] = 0
			ndone[key] = 0
		}
	} else if (!(key in open)) {
		next	# orphan completion
	}
	bk = key SUBSEP gen[key] SUBSEP blk
	if (!(bk in inop)) {
		inop[bk] = 1
		nblk[key]++
	}
	if (done && !(bk in isdone)) {
		isdone[bk] = 1
		ndone[key]++
	}
	if (done && ndone[key] == nblk[key]) {
		printf "%s\t%s\t%s\t%d\n", ad, ly, kind, t - treq[key]
		printf "*\t*\t%s\t%d\n", kind, t - treq[key]
		delete open[key]
	}
}' | sort -t "$tab" -k1,1 -k2,2 -k3,3 -k4,4n |
# 3. nearest-rank percentiles per (adapter, layer, kind)
awk -F "$tab" '
function rank(p, n) {	# ceil(p / 100000 * n), p in thousandths of a percent
	return int((p * n + 99999) / 100000)
}
function flush() {
	if (n == 0)
		return
	printf "%s,%s,%s,%d,%d,%d,%d,%d,%d,%d\n", g1, g2, g3, n, v[rank(50000, n)],
	       v[rank(90000, n)], v[rank(99000, n)], v[rank(99900, n)], v[n], int(sum / n)
	n = 0
	sum = 0
}
{
	if (n > 0 && ($1 != g1 || $2 != g2 || $3 != g3))
		flush()
	g1 = $1; g2 = $2; g3 = $3
	v[++n] = $4
	sum += $4
}
END { flush() }'
