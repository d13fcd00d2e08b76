#!/bin/sh
# Every gen scenario: the JSON report equals the ground truth, exactly.
. tests/lib.sh

cmp=$BUILD/tests/truthcmp
if [ ! -x "$cmp" ]; then
	fail "gen: $cmp not built"
	exit 0
fi
"$PROG" gen --list > "$TMP/list" || fail "gen/--list"
for sc in $(cut -d' ' -f1 "$TMP/list"); do
	for seed in 1 7; do
		args="--seed $seed"
		[ "$sc" = scale ] && args="$args --objects 2000"
		if ! "$PROG" gen "$sc" $args -o "$TMP/$sc.jsonl" 2> "$TMP/err"; then
			fail "gen/$sc/seed$seed: gen failed: $(cat "$TMP/err")"
			continue
		fi
		"$PROG" analyze -q --format json "$TMP/$sc.jsonl" > "$TMP/$sc.report.json" 2> "$TMP/err"
		if ! "$cmp" "$TMP/$sc.report.json" "$TMP/$sc.jsonl.truth.json" > "$TMP/diff" 2>&1; then
			fail "gen/$sc/seed$seed: report differs from truth: $(head -c 2000 "$TMP/diff")"
		else
			pass "gen/$sc/seed$seed"
		fi
	done
done
exit 0
