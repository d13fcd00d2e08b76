#!/bin/sh
# Every gen scenario: the JSON report equals the ground truth, exactly;
# also with the scenario's capture (pcap for seed 1, pcapng for seed 7),
# whose truth then holds the W1-W3 findings; and a capture whose clock is
# skewed joins correctly only with the matching --pcap-offset.
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
		# the same scenario with its capture
		cap=pcap
		[ $seed = 7 ] && cap=pcapng
		if ! "$PROG" gen "$sc" $args -o "$TMP/$sc.c.jsonl" --$cap "$TMP/$sc.$cap" 2> "$TMP/err"; then
			fail "gen/$sc/seed$seed/$cap: gen failed: $(cat "$TMP/err")"
			continue
		fi
		if ! cmp -s "$TMP/$sc.jsonl" "$TMP/$sc.c.jsonl"; then
			fail "gen/$sc/seed$seed/$cap: events differ with a capture"
		fi
		"$PROG" analyze -q --format json "$TMP/$sc.c.jsonl" "$TMP/$sc.$cap" > "$TMP/$sc.c.json" 2> "$TMP/err"
		if ! "$cmp" "$TMP/$sc.c.json" "$TMP/$sc.c.jsonl.truth.json" > "$TMP/diff" 2>&1; then
			fail "gen/$sc/seed$seed/$cap: report differs from truth: $(cat "$TMP/err") $(head -c 2000 "$TMP/diff")"
		else
			pass "gen/$sc/seed$seed/$cap"
		fi
	done
done
# W1-W3 are found only with a capture
for sc in wire-close host-traffic syn-delay; do
	"$PROG" gen "$sc" -o "$TMP/w.jsonl" --pcap "$TMP/w.pcap" 2> "$TMP/err" || fail "gen/$sc: gen failed"
	"$PROG" analyze -q --format json "$TMP/w.jsonl" > "$TMP/w.json" 2> "$TMP/err"
	if "$cmp" "$TMP/w.json" "$TMP/w.jsonl.truth.json" > /dev/null 2>&1; then
		fail "gen/$sc/no-capture: the truth of the capture matched without it"
	else
		pass "gen/$sc/no-capture"
	fi
done
# a capture from another clock: 1.5 s behind, 250 ms ahead
for skew in -1.5s +250ms; do
	case $skew in -*) back=+${skew#-} ;; *) back=-${skew#+} ;; esac
	for sc in syn-delay wire-close; do
		"$PROG" gen "$sc" -o "$TMP/s.jsonl" --pcapng "$TMP/s.pcapng" --pcap-skew "$skew" 2> "$TMP/err" ||
			fail "gen/skew/$sc$skew: gen failed: $(cat "$TMP/err")"
		"$PROG" analyze -q --format json --pcap-offset "$back" "$TMP/s.jsonl" "$TMP/s.pcapng" > "$TMP/s.json" 2> "$TMP/err"
		if "$cmp" "$TMP/s.json" "$TMP/s.jsonl.truth.json" > "$TMP/diff" 2>&1; then
			pass "gen/skew/$sc$skew/offset$back"
		else
			fail "gen/skew/$sc$skew/offset$back: $(cat "$TMP/err") $(head -c 1000 "$TMP/diff")"
		fi
		"$PROG" analyze -q --format json "$TMP/s.jsonl" "$TMP/s.pcapng" > "$TMP/s.json" 2> "$TMP/err"
		if "$cmp" "$TMP/s.json" "$TMP/s.jsonl.truth.json" > /dev/null 2>&1; then
			fail "gen/skew/$sc$skew/no-offset: joined although the clocks differ"
		else
			pass "gen/skew/$sc$skew/no-offset"
		fi
	done
done
exit 0
