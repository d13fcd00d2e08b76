#!/bin/sh
# Each rule fixture through the CLI: *-flag-* must fail `check --fail-on RULE`,
# *-ok-* must pass it with the rule checked (leaks and other errors allowed:
# the fixtures are about one rule).  A capture beside a fixture
# (same name, .pcap: rules W1-W3) is analyzed with it.
. tests/lib.sh

n=0
for f in testdata/rules/*-flag-*.jsonl testdata/rules/*-ok-*.jsonl; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	base=$(basename "$f" .jsonl)
	rule=${base%%-*}
	cap=
	case $base in *capacity*) cap="--capacity 1" ;; esac
	pcap=
	[ -e "${f%.jsonl}.pcap" ] && pcap=${f%.jsonl}.pcap
	# shellcheck disable=SC2086
	"$PROG" check -q $cap --max-errors 1000000 --max-leaks 1000000 --fail-on "$rule" "$f" $pcap > "$TMP/out" 2> "$TMP/err"
	rc=$?
	case $base in
	*-flag-*) want=1 ;;
	*) want=0 ;;
	esac
	if [ $rc -ne $want ]; then
		fail "rules/$base: check exit $rc, want $want: $(cat "$TMP/err") $(grep -i "$rule" "$TMP/out" | head -5)"
	elif grep -q "^ *skip .* $rule .*not checked" "$TMP/out"; then
		fail "rules/$base: $rule not checked"
	else
		pass "rules/$base"
	fi
done
[ $n -gt 0 ] || fail "rules: no fixtures in testdata/rules"
# every rule has a flag and a near miss
for r in P1 P2 P3 S1 S2 S3 C1 C2 C3 C4 T1 T2 T3 T4 T5 U1 U2 U3 U4 E1 E2 E3 L1 L2 L3 L4 W1 W2 W3; do
	set -- testdata/rules/$r-flag-*.jsonl
	a=$1
	set -- testdata/rules/$r-ok-*.jsonl
	if [ -e "$a" ] && [ -e "$1" ]; then pass "rules/$r-has-fixtures"; else fail "rules/$r-has-fixtures"; fi
done
exit 0
