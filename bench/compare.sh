#!/bin/sh
# bench/compare.sh OLD NEW [MKPCAP]: two offtrace binaries on the paths
# `make bench` measures, in one run, alternating old and new so that both
# see the same machine; prints the median wall and CPU (user + system)
# time of each and new/old ratios.  A refactoring must not be slower
# (issue 11, acceptance 4).  The spread (max - min over the runs of one
# binary) says how much of a difference is noise.
#
# Environment: CMP_RUNS (default 3), CMP_EVENTS (default 2000000),
# CMP_MB (size of the .etl, text and capture inputs; default 300),
# CMP_HTML_OBJECTS (default 300000), CMP_DIR (default build/bench-cmp).
set -eu
OLD=$1 NEW=$2 MKPCAP=${3:-build/tests/mkpcap}
RUNS=${CMP_RUNS:-3}
EVENTS=${CMP_EVENTS:-2000000}
MB=${CMP_MB:-300}
HTML_OBJ=${CMP_HTML_OBJECTS:-300000}
DIR=${CMP_DIR:-build/bench-cmp}
export TZ=UTC LC_ALL=C
command -v /usr/bin/time >/dev/null 2>&1 || { echo "compare: needs GNU time (apt-get install time)" >&2; exit 2; }
mkdir -p "$DIR"

echo "compare: generating inputs in $DIR (made by OLD, read by both)..."
# gen scale writes about 10 events per object
objs=$((EVENTS / 10))
"$OLD" gen scale --objects "$objs" --seed 3 -o "$DIR/s.jsonl" >/dev/null
# .etl and text of about MB MiB: a scale object is about 1.8 KiB of .etl
# and 1.9 KiB of text
"$OLD" gen scale --objects $((MB * 575)) --seed 3 -o "$DIR/s.etl" >/dev/null
"$OLD" gen scale --objects $((MB * 547)) --seed 3 --format text -o "$DIR/s.txt" >/dev/null
"$OLD" gen scale --objects "$HTML_OBJ" --seed 3 -o "$DIR/h.jsonl" >/dev/null
rm -f "$DIR/h.db"
"$OLD" ingest -q -o "$DIR/h.db" "$DIR/h.jsonl" >/dev/null
[ -x "$MKPCAP" ] && "$MKPCAP" --repeat $((MB * 1048576 / 3472 + 1)) "$DIR/s.pcap"

# one measure: NAME CMD (with @ for the binary); the database it may write
# is removed first
measure() {
	name=$1
	shift
	i=0
	while [ $i -lt "$RUNS" ]; do
		for side in old new; do
			eval bin=\$"$(echo $side | tr a-z A-Z)"
			rm -f "$DIR/out.db" "$DIR/out.html"
			cmd=$(printf '%s' "$*" | sed "s#@#$bin#")
			/usr/bin/time -f '%e %U %S' -o "$DIR/t" sh -c "$cmd" >/dev/null 2>&1 ||
				echo "compare: $name ($side) failed: $cmd" >&2
			read -r e u s < "$DIR/t"
			echo "$name $side $e $(echo "$u + $s" | bc -l)" >> "$DIR/times"
		done
		i=$((i + 1))
	done
}

rm -f "$DIR/times"
measure ingest-jsonl "@ ingest -q -o $DIR/out.db $DIR/s.jsonl"
measure etl-count "@ dump --count $DIR/s.etl"
measure etl-jsonl "@ dump --format jsonl $DIR/s.etl > /dev/null"
measure etl-ingest "@ ingest -q -o $DIR/out.db $DIR/s.etl"
measure text-stats "@ profile stats $DIR/s.txt"
measure text-ingest "@ ingest -q -o $DIR/out.db $DIR/s.txt"
[ -f "$DIR/s.pcap" ] && measure pcap-flows "@ flows $DIR/s.pcap"
measure html-report "@ report --format html -o $DIR/out.html $DIR/h.db"

echo
echo "median of $RUNS runs each, old and new alternating (seconds; cpu = user + system)"
awk '
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	k = $1 SUBSEP $2
	n[k]++
	w[k, n[k]] = $3
	c[k, n[k]] = $4
	if (!(k in lo) || $3 < lo[k]) lo[k] = $3
	if (!(k in hi) || $3 > hi[k]) hi[k] = $3
	if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 }
}
END {
	printf "%-13s %9s %9s %8s %8s %8s %8s %11s\n", "path", "old wall", "new wall", "new/old", "old cpu", "new cpu", "new/old", "wall spread"
	for (i = 1; i <= m; i++) {
		p = order[i]
		for (s = 0; s < 2; s++) {
			side = s ? "new" : "old"
			k = p SUBSEP side
			for (j = 1; j <= n[k]; j++) { ww[j] = w[k, j]; cc[j] = c[k, j] }
			mw[side] = median(ww, n[k])
			mc[side] = median(cc, n[k])
			sp[side] = hi[k] - lo[k]
		}
		printf "%-13s %9.2f %9.2f %8.3f %8.2f %8.2f %8.3f %5.2f/%5.2f\n", p, mw["old"], mw["new"], \
			mw["new"] / mw["old"], mc["old"], mc["new"], mc["new"] / mc["old"], sp["old"], sp["new"]
	}
}' "$DIR/times"
rm -f "$DIR/out.db" "$DIR/out.html"
