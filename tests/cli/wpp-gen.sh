#!/bin/sh
# Every gen scenario (seeds 1 and 7) written in the chimney WPP vocabulary,
# as binary WPP in an .etl with its generated TMF directory and as
# tracefmt text, gives the same JSON report as the scenario in JSON lines,
# and matches the ground truth.  Acceptance point 2 of issue 4.
. tests/lib.sh

cmp=$BUILD/tests/truthcmp
for seed in 1 7; do
	for sc in $("$PROG" gen --list | cut -d' ' -f1); do
		args="--seed $seed"
		[ "$sc" = scale ] && args="$args --objects 500"
		t=wpp-gen/$sc/$seed
		# shellcheck disable=SC2086
		if ! "$PROG" gen "$sc" $args -o "$TMP/$sc.jsonl" 2> "$TMP/err" ||
		   ! "$PROG" gen "$sc" $args --format wpp -o "$TMP/$sc.etl" 2>> "$TMP/err" ||
		   ! "$PROG" gen "$sc" $args --format text -o "$TMP/$sc.txt" 2>> "$TMP/err"; then
			fail "$t: gen failed: $(cat "$TMP/err")"
			continue
		fi
		if [ ! -f "$TMP/$sc.etl.tmf/c4a1f3e2-7b6d-4f58-8e21-3d9a0b7c5e64.tmf" ]; then
			fail "$t: no generated TMF"
			continue
		fi
		"$PROG" analyze -q --format json --db :memory: "$TMP/$sc.jsonl" > "$TMP/jsonl.json" 2> "$TMP/err"
		"$PROG" analyze -q --format json --db :memory: --tmf "$TMP/$sc.etl.tmf" "$TMP/$sc.etl" \
			> "$TMP/wpp.json" 2>> "$TMP/err"
		rc1=$?
		"$PROG" analyze -q --format json --db :memory: "$TMP/$sc.txt" > "$TMP/text.json" 2>> "$TMP/err"
		rc2=$?
		# everything but the trace line (file names, formats, counts) must be equal
		grep -v '"trace":' "$TMP/jsonl.json" > "$TMP/a"
		grep -v '"trace":' "$TMP/wpp.json" > "$TMP/b"
		grep -v '"trace":' "$TMP/text.json" > "$TMP/c"
		if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ]; then
			fail "$t: analyze exit $rc1/$rc2: $(head -c 300 "$TMP/err")"
		elif [ ! -s "$TMP/a" ]; then
			fail "$t: empty JSON-lines report"
		elif ! diff -u "$TMP/a" "$TMP/b" > "$TMP/diff"; then
			fail "$t: binary WPP report differs from JSON lines: $(head -n 20 "$TMP/diff")"
		elif ! diff -u "$TMP/a" "$TMP/c" > "$TMP/diff"; then
			fail "$t: tracefmt text report differs from JSON lines: $(head -n 20 "$TMP/diff")"
		elif [ -x "$cmp" ] && ! "$cmp" "$TMP/wpp.json" "$TMP/$sc.etl.truth.json" > "$TMP/diff" 2>&1; then
			fail "$t: binary WPP differs from truth: $(head -c 500 "$TMP/diff")"
		elif [ -x "$cmp" ] && ! "$cmp" "$TMP/text.json" "$TMP/$sc.txt.truth.json" > "$TMP/diff" 2>&1; then
			fail "$t: text differs from truth: $(head -c 500 "$TMP/diff")"
		else
			pass "$t"
		fi
	done
done

# every message of the vocabulary matched: nothing counted as unmatched
"$PROG" gen hw-failure -o "$TMP/hw.txt" 2>/dev/null
"$PROG" ingest -q --db "$TMP/hw.db" "$TMP/hw.txt" 2> "$TMP/err"
n=$("$PROG" query "$TMP/hw.db" "SELECT unmatched FROM inputs" 2>/dev/null | tail -n 1)
if [ "$n" = 0 ]; then pass "wpp-gen/text-all-matched"; else fail "wpp-gen/text-all-matched: $n $(cat "$TMP/err")"; fi
# the text's sha256 is taken while it is read: it must be the file's
h=$("$PROG" query "$TMP/hw.db" "SELECT sha256 FROM inputs" 2>/dev/null | tail -n 1 | tr -d '"')
ok "wpp-gen/text-sha256-while-read" test "$h" = "$(sha "$TMP/hw.txt")"

# without --tmf the WPP messages are unmatched: no events, exit 2, and the
# message says so
"$PROG" gen clean --format wpp -o "$TMP/c.etl" 2>/dev/null
"$PROG" analyze -q --db :memory: "$TMP/c.etl" > /dev/null 2> "$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q 'no events' "$TMP/err"; then pass "wpp-gen/needs-tmf"; else fail "wpp-gen/needs-tmf: $rc $(cat "$TMP/err")"; fi

# the binary messages render like tracefmt's text of the same scenario
"$PROG" gen clean -o "$TMP/c.txt" 2>/dev/null
"$PROG" dump --tmf "$TMP/c.etl.tmf" "$TMP/c.etl" 2>/dev/null | sed -n 2p | sed 's/^.*\[chimney\]//' > "$TMP/x"
sed -n 2p "$TMP/c.txt" | sed 's/^.*\[chimney\]//' > "$TMP/y"
if [ -s "$TMP/x" ] && cmp -s "$TMP/x" "$TMP/y"; then pass "wpp-gen/same-text"; else fail "wpp-gen/same-text: $(cat "$TMP/x") / $(cat "$TMP/y")"; fi
exit 0
