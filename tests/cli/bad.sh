#!/bin/sh
# Bad input: exit 2, "offtrace: FILE:LINE: what" on stderr, database unchanged.
. tests/lib.sh

db=$TMP/bad.db
"$PROG" gen clean -o "$TMP/good.jsonl" >/dev/null 2>&1
if ! "$PROG" ingest -q --db "$db" "$TMP/good.jsonl"; then
	fail "bad: setup ingest"
	exit 0
fi
before=$(sha "$db")

check_bad() {	# name file line substring
	"$PROG" ingest -q --db "$db" "$2" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ $rc -ne 2 ]; then
		fail "bad/$1: exit $rc, want 2"
	elif ! grep -qF "offtrace: $2:$3: " "$TMP/err"; then
		fail "bad/$1: stderr lacks '$2:$3:': $(cat "$TMP/err")"
	elif ! grep -qF -- "$4" "$TMP/err"; then
		fail "bad/$1: stderr lacks '$4': $(cat "$TMP/err")"
	elif [ "$(sha "$db")" != "$before" ]; then
		fail "bad/$1: database changed"
	else
		pass "bad/$1"
	fi
}

grep -v '^#' testdata/bad/EXPECT | while IFS='	' read -r f line msg; do
	[ -n "$f" ] && check_bad "$f" "testdata/bad/$f" "$line" "$msg"
done

# a line over the documented maximum (65536 bytes)
{
	echo '{"ts":1700000000000000000,"ev":"halt"}'
	printf '{"ts":1700000000000000001,"ev":"halt","adapter":"'
	head -c 70000 /dev/zero | tr '\0' a
	echo '"}'
} > "$TMP/long-line.jsonl"
check_bad long-line "$TMP/long-line.jsonl" 2 "line longer than 65536 bytes"

# a binary file
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000' > "$TMP/binary.bin"
head -c 4096 /dev/urandom >> "$TMP/binary.bin"
check_bad binary "$TMP/binary.bin" 1 "not a recognized trace format"

# a good file followed by a bad one: nothing of either is kept
check_bad_pair() {
	"$PROG" ingest -q --db "$db" "$TMP/good2.jsonl" testdata/bad/unknown-ev.jsonl 2> "$TMP/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(sha "$db")" = "$before" ]; then
		pass "bad/good-then-bad"
	else
		fail "bad/good-then-bad: exit $rc or database changed"
	fi
}
"$PROG" gen partial -o "$TMP/good2.jsonl" >/dev/null 2>&1
check_bad_pair

# a pcapng timestamp past 64-bit nanoseconds (high word 0x80000000) wrapped
# into 1677 and overflowed the flow tracker's ages: now named, exit 2, in
# ingest, dump and flows alike
for c in "ingest -q --db $db" dump flows; do
	# shellcheck disable=SC2086
	"$PROG" $c testdata/bad/pcapng-ts-high-bit.pcapng > /dev/null 2> "$TMP/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -qF "testdata/bad/pcapng-ts-high-bit.pcapng: timestamp 0x8000000000000000 is out of range" "$TMP/err" &&
	   ! grep -q 'runtime error' "$TMP/err" && [ "$(sha "$db")" = "$before" ]; then
		pass "bad/pcapng-ts-high-bit/${c%% *}"
	else
		fail "bad/pcapng-ts-high-bit/${c%% *}: exit $rc: $(head -c 300 "$TMP/err")"
	fi
done

# a failed first ingest leaves no database behind
"$PROG" ingest -q --db "$TMP/new.db" testdata/bad/unknown-ev.jsonl 2>/dev/null
ok "bad/no-db-after-failed-first-ingest" test ! -e "$TMP/new.db"

# the same input twice is refused, --force takes it
"$PROG" ingest -q --db "$db" "$TMP/good.jsonl" 2> "$TMP/err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'already' "$TMP/err" && [ "$(sha "$db")" = "$before" ]; then
	pass "bad/duplicate-refused"
else
	fail "bad/duplicate-refused: exit $rc: $(cat "$TMP/err")"
fi
ok "bad/duplicate-force" "$PROG" ingest -q --force --db "$db" "$TMP/good.jsonl"

# usage errors: exit 2
"$PROG" analyze --no-such-option x 2>/dev/null; ok "usage/bad-option" test $? -eq 2
"$PROG" nosuchcommand 2>/dev/null; ok "usage/bad-command" test $? -eq 2
"$PROG" analyze /nonexistent/file.jsonl 2>/dev/null; ok "usage/missing-file" test $? -eq 2
"$PROG" report "$TMP/good.jsonl" 2>/dev/null; ok "usage/report-not-a-db" test $? -eq 2
exit 0
