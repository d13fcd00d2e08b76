#!/bin/sh
# tests/fuzz/long.sh - the long libFuzzer runs: every harness (or those
# named), each for SECONDS of wall time, seeded by tests/fuzz/seed.sh and
# given its dictionary (tests/fuzz/dict/NAME.dict), JOBS at a time at
# nice 19.  The corpus each run grows is kept in build/fuzz/long/, so a
# second run starts where the first stopped.  One line per harness goes
# to build/fuzz/long/results.tsv: seconds, executions, coverage (cov and
# ft as libFuzzer counts them), corpus size, CPU seconds used, result.
#
#   make fuzz && sh tests/fuzz/long.sh [-t SECONDS] [-j JOBS] [NAME...]
#
# FUZZ_DIR names another directory of harnesses (a copy, so that a
# rebuild does not replace them under a long run), FUZZ_OUT the output.
T=1800 J=2
while getopts t:j: o; do
	case $o in
	t) T=$OPTARG ;;
	j) J=$OPTARG ;;
	*) echo "usage: long.sh [-t SECONDS] [-j JOBS] [NAME...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
FZ=${FUZZ_DIR:-build/fuzz}
OUT=${FUZZ_OUT:-$FZ/long}
PROG=${PROG:-./offtrace}
mkdir -p "$OUT"
[ -x "$PROG" ] || { echo "long.sh: build $PROG first (make)" >&2; exit 2; }
if [ $# -eq 0 ]; then
	set -- $(cd "$FZ" && ls fuzz_* 2>/dev/null | grep -v '\.')
fi
[ $# -gt 0 ] || { echo "long.sh: no harnesses (make fuzz)" >&2; exit 2; }
[ -f "$OUT/results.tsv" ] ||
	printf 'harness\tseconds\texecs\tcov\tft\tcorpus\tcpu_s\tresult\n' > "$OUT/results.tsv"

one() {
	n=$1
	c="$OUT/corpus-$n"
	sh tests/fuzz/seed.sh "$n" "$c" "$PROG" "${OT_SHARED:-../shared}"
	extra=
	[ "$n" = fuzz_db ] && extra="-close_fd_mask=2"
	start=$(date +%s)
	# CPU seconds from the kernel's own count of the child (times(1)
	# via /usr/bin/time when present, else none)
	if command -v /usr/bin/time > /dev/null 2>&1; then
		tm="/usr/bin/time -f %U+%S -o $OUT/$n.cpu"
	else
		tm=
	fi
	nice -n 19 $tm "$FZ/$n" -max_total_time="$T" -max_len=65536 \
		-rss_limit_mb=2048 -timeout=60 -print_final_stats=1 \
		-dict="tests/fuzz/dict/$n.dict" -artifact_prefix="$OUT/$n-" \
		$extra "$c" > "$OUT/$n.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$n.log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$OUT/$n.log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	files=$(ls "$c" | wc -l)
	cpu=$( [ -f "$OUT/$n.cpu" ] && tail -n 1 "$OUT/$n.cpu" |
		awk -F+ '{ printf "%.2f", $1 + $2 }')
	if [ $rc -eq 0 ]; then res=clean; else res="FAILED rc=$rc (see $OUT/$n.log)"; fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$secs" "${execs:-?}" \
		"${cov:-?}" "${ft:-?}" "$files" "${cpu:-?}" "$res" >> "$OUT/results.tsv"
	echo "$n: $res, $secs s, ${execs:-?} execs, cov ${cov:-?}"
}

# JOBS at a time: start one, and when JOBS run, wait for the oldest
pids=
for n in "$@"; do
	[ -x "$FZ/$n" ] || { echo "long.sh: no $FZ/$n" >&2; continue; }
	one "$n" &
	pids="$pids $!"
	set -- $pids
	if [ $# -ge "$J" ]; then
		wait "$1"
		shift
		pids="$*"
	fi
done
wait
cat "$OUT/results.tsv"
