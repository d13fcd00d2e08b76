#!/bin/sh
# Run every test suite with one offtrace binary; results go to RESULTS.
#   sh tests/run-all.sh PROG BUILD RESULTS MODE   (MODE: normal | sanitize)
PROG=$1 BUILD=$2 RESULTS=$3 MODE=$4
mkdir -p "$(dirname "$RESULTS")"
echo "== offtrace tests ($MODE build: $PROG)"
# unit tests: each program prints "NAME: N passed, M failed" last
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out=$("$t" 2>&1); rc=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	p=$(printf '%s\n' "$last" | sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p')
	f=$(printf '%s\n' "$last" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
	[ -n "$p" ] || p=0
	[ -n "$f" ] || f=0
	if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
	i=0; while [ $i -lt "$p" ]; do echo "pass $name.$i" >> "$RESULTS"; i=$((i+1)); done
	i=0; while [ $i -lt "$f" ]; do echo "fail $name.$i" >> "$RESULTS"; i=$((i+1)); done
	if [ "$f" != 0 ]; then printf '%s\n' "$out" | grep -iv '^ok' | tail -n 30 >&2; fi
	echo "   $name: $p passed, $f failed"
done
for s in tests/cli/*.sh; do
	before=$(wc -l < "$RESULTS" 2>/dev/null || echo 0)
	OT_MODE=$MODE sh "$s" "$PROG" "$BUILD" "$RESULTS"
	after=$(wc -l < "$RESULTS")
	np=$(tail -n $((after - before)) "$RESULTS" | grep -c '^pass')
	nf=$(tail -n $((after - before)) "$RESULTS" | grep -c '^fail')
	ns=$(tail -n $((after - before)) "$RESULTS" | grep -c '^skip')
	echo "   $(basename "$s" .sh): $np passed, $nf failed, $ns skipped"
done
exit 0
