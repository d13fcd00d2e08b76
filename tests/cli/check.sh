#!/bin/sh
# offtrace check: exit 0 pass, 1 fail, 2 usage/input; JUnit passes xmllint.
. tests/lib.sh

"$PROG" gen clean -o "$TMP/clean.jsonl" >/dev/null 2>&1
"$PROG" gen late-write -o "$TMP/late.jsonl" >/dev/null 2>&1
"$PROG" gen leak-end -o "$TMP/leak.jsonl" >/dev/null 2>&1
"$PROG" gen scale --objects 500 -o "$TMP/scale.jsonl" >/dev/null 2>&1

t() {	# name want-exit args...
	n=$1 want=$2
	shift 2
	"$PROG" check -q "$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ $rc -eq "$want" ]; then pass "check/$n"; else fail "check/$n: exit $rc, want $want: $(cat "$TMP/err")"; fi
}
t clean-passes 0 "$TMP/clean.jsonl"
t violation-fails 1 "$TMP/late.jsonl"
t max-errors-allows 0 --max-errors 5 "$TMP/late.jsonl"
t fail-on-rule 1 --max-errors 5 --fail-on C1 "$TMP/late.jsonl"
t fail-on-other-rule 0 --max-errors 5 --fail-on P1,T3 "$TMP/late.jsonl"
t leaks-allowed-by-default 0 "$TMP/leak.jsonl"
t max-leaks-0 1 --max-leaks 0 "$TMP/leak.jsonl"
t latency-budget-ok 0 --latency 'initiate:p99<=10s' "$TMP/scale.jsonl"
t latency-budget-fails 1 --latency 'initiate:p50<=1ns' "$TMP/scale.jsonl"
t latency-p999 0 --latency 'terminate:p99.9<=10s' --latency 'initiate:p999<=10s' "$TMP/scale.jsonl"
t bad-budget 2 --latency 'initiate:p99<2ms' "$TMP/scale.jsonl"
t bad-rule 2 --fail-on Z9 "$TMP/clean.jsonl"
t bad-input 2 testdata/bad/unknown-ev.jsonl
t no-args 2
"$PROG" ingest -q -o "$TMP/db" "$TMP/late.jsonl"
t on-database 1 "$TMP/db"
t on-database-allowed 0 --max-errors 9 "$TMP/db"

"$PROG" check -q --max-errors 0 --latency 'initiate:p50<=1ns' --junit "$TMP/junit.xml" "$TMP/late.jsonl" >/dev/null
if [ ! -s "$TMP/junit.xml" ]; then
	fail "check/junit-written"
elif command -v xmllint >/dev/null 2>&1; then
	ok "check/junit-xmllint" xmllint --noout "$TMP/junit.xml"
	ok "check/junit-has-failure" grep -q '<failure' "$TMP/junit.xml"
	ok "check/junit-case-per-rule" test "$(grep -c '<testcase[^>]*classname="rules"' "$TMP/junit.xml")" -eq 26
else
	skip "check/junit-xmllint: xmllint not installed (apt-get install libxml2-utils)"
fi
exit 0
