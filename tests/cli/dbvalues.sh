#!/bin/sh
# Databases that hold what offtrace never writes, one fixture per cause
# found (testdata/db/EXPECT): the limits of 64-bit integers where it
# writes times, NULL where it writes none, markup and terminal escapes in
# names, rows that refer to nothing.  Each command exits as EXPECT says,
# prints what it says, and leaves no sanitizer report and no raw ESC on
# stdout (the suite's second pass runs this under ASan and UBSan).
. tests/lib.sh

if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "dbvalues: no sqlite3 shell to make the fixtures"
	exit 0
fi
"$PROG" gen wire-close --objects 4 -o "$TMP/w.jsonl" --pktmon "$TMP/w.etl" \
	> /dev/null 2>&1 || { fail "dbvalues: gen"; exit 0; }
"$PROG" ingest -q --db "$TMP/base.db" "$TMP/w.jsonl" "$TMP/w.etl" ||
	{ fail "dbvalues: ingest"; exit 0; }
# NULL may go where offtrace writes none, as in a damaged file
sqlite3 "$TMP/base.db" "PRAGMA writable_schema = ON;
	UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table';
	PRAGMA writable_schema = RESET;" || { fail "dbvalues: schema"; exit 0; }
esc=$(printf '\033')

grep -v '^#' testdata/db/EXPECT | while IFS='	' read -r fx want cmd what; do
	[ -n "$fx" ] || continue
	name="dbvalues/${fx%.*}: $cmd"
	case $fx in
	*.sql)
		in=$TMP/${fx%.sql}.db
		if [ ! -f "$in" ]; then
			cp "$TMP/base.db" "$in"
			sqlite3 "$in" < "testdata/db/$fx" || { fail "$name: the fixture"; continue; }
		fi ;;
	*)
		in=testdata/db/$fx ;;
	esac
	# the words of the command, @ the input; query's SQL is one argument
	case $cmd in
	query*)
		opts=${cmd%%@*}
		sql=${cmd#*@ }
		# shellcheck disable=SC2086
		"$PROG" $opts "$in" "$sql" < /dev/null > "$TMP/out" 2> "$TMP/err" ;;
	*)
		# shellcheck disable=SC2046
		"$PROG" $(printf '%s\n' "$cmd" | sed "s#@#$in#") < /dev/null > "$TMP/out" 2> "$TMP/err" ;;
	esac
	rc=$?
	if [ $rc -ne "$want" ]; then
		fail "$name: exit $rc, want $want: $(head -c 300 "$TMP/err")"
	elif grep -q 'runtime error\|Sanitizer' "$TMP/err"; then
		fail "$name: $(grep -m 1 'runtime error\|ERROR: [A-Za-z]*Sanitizer' "$TMP/err")"
	elif [ "$what" != - ] && [ "${what#!}" = "$what" ] && ! grep -qF -- "$what" "$TMP/out"; then
		fail "$name: stdout lacks '$what': $(head -c 300 "$TMP/out")"
	elif [ "${what#!}" != "$what" ] && grep -qF -- "${what#!}" "$TMP/out"; then
		fail "$name: stdout holds '${what#!}'"
	elif [ "${cmd#*-f html}" = "$cmd" ] && [ "${cmd#*--json}" = "$cmd" ] &&
	     [ "${cmd#export}" = "$cmd" ] && grep -q "$esc" "$TMP/out"; then
		fail "$name: raw ESC on stdout"
	else
		pass "$name"
	fi
done

# the text outputs of a trace too: dump of tracefmt text printed the
# messages raw (BEL, invalid UTF-8 of gen hostile); now \xNN, while the
# tabs and line feeds of continuation lines stay as written
bel=$(printf '\007')
"$PROG" gen hostile -f text -o "$TMP/h.txt" > /dev/null 2>&1
"$PROG" dump "$TMP/h.txt" > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc -eq 0 ] && grep -qF 'adapter=</svg>\x07bell\xff\xfe\x80end' "$TMP/out" &&
   ! grep -q "$bel\|$esc" "$TMP/out" && grep -q "$bel" "$TMP/h.txt"; then
	pass "dbvalues/dump-text-hostile"
else
	fail "dbvalues/dump-text-hostile: exit $rc: $(grep -m 1 adapter= "$TMP/out" | head -c 300)"
fi

# a damaged page (the objects table's, its header overwritten): SQLite's
# integrity_check speaks through check-db, and the checks that cannot run
# say so
cp "$TMP/base.db" "$TMP/damaged.db"
page=$(sqlite3 "$TMP/damaged.db" "PRAGMA page_size")
root=$(sqlite3 "$TMP/damaged.db" "SELECT rootpage FROM sqlite_master WHERE name = 'objects'")
printf 'garbage garbage garbage garbage' | dd of="$TMP/damaged.db" bs=1 \
	seek=$(((root - 1) * page)) conv=notrunc 2> /dev/null
"$PROG" check-db "$TMP/damaged.db" > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -q '^database: integrity_check: \|cannot be checked' "$TMP/out"; then
	pass "dbvalues/damaged-page: check-db"
else
	fail "dbvalues/damaged-page: check-db exit $rc: $(head -c 300 "$TMP/out" "$TMP/err")"
fi
# and a consistent one is said to be, exit 0
"$PROG" gen clean -o "$TMP/c.jsonl" > /dev/null 2>&1
"$PROG" ingest -q --db "$TMP/c.db" "$TMP/c.jsonl"
"$PROG" check-db --db "$TMP/c.db" > "$TMP/out" 2>&1
ok "dbvalues/consistent: check-db" [ $? -eq 0 ] && [ "$(cat "$TMP/out")" = "$TMP/c.db: consistent" ]
exit 0
