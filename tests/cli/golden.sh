#!/bin/sh
# Golden CLI tests from testdata/TESTLIST, plus exact-input checks.
#   TESTLIST line: NAME<TAB>EXIT<TAB>ARG<TAB>ARG... (tabs separate the
#   arguments, so they may hold spaces); @DB@ stands for a database of the
#   samples.  Expected stdout in testdata/golden/NAME.out; run
#   tests/update-golden.sh to rewrite them after a deliberate change.
. tests/lib.sh

db=$TMP/samples.db
"$PROG" ingest -q --db "$db" testdata/samples/*.jsonl || fail "golden: cannot ingest the samples"
tab=$(printf '\t')
grep -v '^#' testdata/TESTLIST | while IFS= read -r line; do
	[ -n "$line" ] || continue
	# NAME<TAB>EXIT<TAB>ARG<TAB>ARG...; @DB@ is the samples' database
	set -f
	old_ifs=$IFS
	IFS=$tab
	# shellcheck disable=SC2086
	set -- $line
	IFS=$old_ifs
	set +f
	name=$1 want=$2
	shift 2
	for a in "$@"; do
		shift
		[ "$a" = @DB@ ] && a=$db
		set -- "$@" "$a"
	done
	"$PROG" "$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "golden/$name: exit $rc, want $want: $(head -c 500 "$TMP/err")"
	elif ! diff -u "testdata/golden/$name.out" "$TMP/out" > "$TMP/diff"; then
		fail "golden/$name: output differs: $(head -n 30 "$TMP/diff")"
	else
		pass "golden/$name"
	fi
done

# ts as integer ns survives exactly (cJSON's doubles could not hold it)
q() { "$PROG" query "$@" | tail -n +2; }
printf '%s\n' '{"ts":1700000000000000001,"ev":"halt","adapter":"nic0"}' \
	'{"ts":"2023-11-14T22:13:20.000000003Z","ev":"halt","adapter":"nic0"}' \
	'{"ts":"2023-11-15T00:13:20.000000005+02:00","ev":"halt","adapter":"nic0"}' \
	'{"ts":"2023-11-14T22:13:20.7Z","ev":"halt","adapter":"nic0"}' > "$TMP/ts.jsonl"
"$PROG" ingest -q --db "$TMP/ts.db" "$TMP/ts.jsonl"
got=$(q "$TMP/ts.db" "select group_concat(ts, ' ') from (select ts from events order by id)")
if [ "$got" = "1700000000000000001 1700000000000000003 1700000000000000005 1700000000700000000" ]; then
	pass "input/ts-exact"
else
	fail "input/ts-exact: got '$got'"
fi

# hex pointers: 0x or not, any case, WinDbg backtick
printf '%s\n' '{"ts":1,"ev":"ctx_write","slot":"0xFFFFE00123456789","value":"ffffe0019abcdef0"}' \
	'{"ts":2,"ev":"ctx_write","slot":"ffffe001`23456789","value":"0"}' \
	'{"ts":3,"ev":"ctx_write","slot":"FfFfE00123456789","value":"0X1"}' > "$TMP/hex.jsonl"
"$PROG" ingest -q --db "$TMP/hex.db" "$TMP/hex.jsonl"
got=$(q "$TMP/hex.db" "select count(distinct slot) || ' ' || ot_hex(min(slot)) from events")
if [ "$got" = "1 0xffffe00123456789" ]; then pass "input/hex-forms"; else fail "input/hex-forms: got '$got'"; fi

# several files merge by time; ties keep input order
printf '%s\n' '{"ts":10,"ev":"halt","adapter":"a1"}' '{"ts":30,"ev":"halt","adapter":"a1"}' > "$TMP/m1.jsonl"
printf '%s\n' '{"ts":10,"ev":"halt","adapter":"b1"}' '{"ts":20,"ev":"halt","adapter":"b1"}' > "$TMP/m2.jsonl"
"$PROG" ingest -q --db "$TMP/m.db" "$TMP/m2.jsonl" "$TMP/m1.jsonl"
got=$(q "$TMP/m.db" "select group_concat(adapter || ts, ' ') from (select * from events order by id)")
if [ "$got" = "b110 a110 b120 a130" ]; then pass "input/merge-by-time"; else fail "input/merge-by-time: got '$got'"; fi
exit 0
