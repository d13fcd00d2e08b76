#!/bin/sh
# Compressed inputs (issue 15): a generated .etl of BENCH_ZST_MB (default
# 1100) MB compressed with zstd, ingested through libarchive and a
# temporary copy, against the plain file in the same run; peak RSS of both
# (GNU time) and zstd's own decompression to /dev/null as the ceiling of
# reading the compressed file.  Prints tab-separated rows:
#   path  input_MB  offtrace_MB/s  baseline  baseline_MB/s  ratio  peak_RSS_MB
# Usage: archive.sh PROG DIR
set -eu
PROG=$1
DIR=$2
MB=${BENCH_ZST_MB:-1100}
[ "$MB" -gt 0 ] || exit 0
command -v zstd >/dev/null 2>&1 || { echo "bench: archive rows need zstd (apt-get install zstd)" >&2; exit 0; }
mkdir -p "$DIR"
now() { date +%s.%N; }
etl=$DIR/zst.etl
if [ ! -s "$etl" ]; then
	"$PROG" gen scale --objects 10000 -o "$DIR/zprobe.etl" >/dev/null
	per=$(stat -c %s "$DIR/zprobe.etl")
	obj=$(awk "BEGIN{printf \"%d\", $MB * 1048576 * 10000 / $per + 1}")
	echo "bench: generating a ${MB} MB .etl for the compressed rows ($obj objects)..." >&2
	"$PROG" gen scale --objects "$obj" -o "$etl" >/dev/null
	rm -f "$DIR/zprobe.etl" "$DIR"/zprobe.etl.truth.json "$etl.truth.json"
fi
zstd -q -f -T0 "$etl" -o "$etl.zst"
size=$(stat -c %s "$etl")
mb=$(awk "BEGIN{printf \"%.0f\", $size / 1048576}")

run() {	# FILE -> "seconds rss_kb"
	rm -f "$DIR/z.db"
	t0=$(now)
	/usr/bin/time -f "%M" -o "$DIR/z.time" "$PROG" ingest -q --db "$DIR/z.db" "$1" >/dev/null
	t1=$(now)
	echo "$(awk "BEGIN{print $t1 - $t0}") $(cat "$DIR/z.time")"
}
set -- $(run "$etl")
tp=$1 rp=$2
set -- $(run "$etl.zst")
tz=$1 rz=$2
t0=$(now)
zstd -q -d -c "$etl.zst" > /dev/null
tc=$(awk "BEGIN{print $(now) - $t0}")
rm -f "$DIR/z.db"
awk -v mb="$mb" -v tp="$tp" -v tz="$tz" -v tc="$tc" -v rp="$rp" -v rz="$rz" 'BEGIN {
	printf "etl ingest (plain)\t%d\t%.1f\t-\t-\t-\t%.0f\n", mb, mb / tp, rp / 1024
	printf "etl.zst ingest\t%d\t%.1f\tplain .etl ingest\t%.1f\t%.2f\t%.0f\n", mb, mb / tz, mb / tp, tp / tz, rz / 1024
	printf "etl.zst ingest\t%d\t%.1f\tzstd -d to /dev/null\t%.1f\t%.3f\t%.0f\n", mb, mb / tz, mb / tc, tc / tz, rz / 1024
}'
