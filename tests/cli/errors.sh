#!/bin/sh
# A database or an input that cannot be used: exit 2 and one line that
# names the file and the problem, with no "(offset=..., phase=...)" where
# no offset means anything; the database is left as it was.  And query:
# several statements all run, a bad one is refused before any output, no
# stray empty line comes before an error, and the connection stays
# read-only.
. tests/lib.sh

"$PROG" gen clean -o "$TMP/c.jsonl" > /dev/null 2>&1 || { fail "errors: gen"; exit 0; }
"$PROG" gen partial -o "$TMP/p.jsonl" > /dev/null 2>&1
"$PROG" ingest -q --db "$TMP/good.db" "$TMP/c.jsonl" || { fail "errors: ingest"; exit 0; }

# one_line NAME WANT CMD...: exit 2, nothing on stdout, exactly the line WANT
one_line() {
	name=$1 want=$2
	shift 2
	"$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && [ "$(cat "$TMP/err")" = "$want" ]; then
		pass "errors/$name"
	else
		fail "errors/$name: rc $rc, want '$want', got: $(head -c 400 "$TMP/err")"
	fi
}

# a directory, as the database and as an input
mkdir "$TMP/dir"
one_line db-is-a-directory "offtrace: $TMP/dir: is a directory" \
	"$PROG" ingest -q --db "$TMP/dir" "$TMP/c.jsonl"
one_line report-db-is-a-directory "offtrace: $TMP/dir: is a directory" \
	"$PROG" report "$TMP/dir"
# (a directory input is the traces below it: this one has none)
one_line input-is-a-directory "offtrace: $TMP/dir: no trace or capture below this directory (offset=0, phase=detect)" \
	"$PROG" analyze -q "$TMP/dir"
one_line ingest-input-is-a-directory "offtrace: $TMP/dir: no trace or capture below this directory (offset=0, phase=detect)" \
	"$PROG" ingest -q --db "$TMP/n.db" "$TMP/dir"
ok "errors/input-is-a-directory-no-db" test ! -e "$TMP/n.db"
# a database that cannot be created
one_line db-cannot-create "offtrace: $TMP/none/x.db: cannot create: No such file or directory" \
	"$PROG" ingest -q --db "$TMP/none/x.db" "$TMP/c.jsonl"
# an SQLite file that is not offtrace's, for the writer and the readers
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$TMP/other.db" 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'
	before=$(sha "$TMP/other.db")
	for c in "ingest -q --db @ $TMP/c.jsonl" "report @" "query @ select" "show object 1 @" \
		 "check @" "export -o $TMP/x.json @"; do
		# shellcheck disable=SC2046
		one_line "foreign-sqlite/${c%% *}" \
			"offtrace: $TMP/other.db: not an offtrace database (no offtrace schema)" \
			"$PROG" $(printf '%s' "$c" | sed "s#@#$TMP/other.db#")
	done
	ok "errors/foreign-sqlite-unchanged" test "$(sha "$TMP/other.db")" = "$before"
	# an empty database: no trace in it, and no offset or phase in the message
	sqlite3 "$TMP/empty.db" 'VACUUM'
	one_line db-no-trace "offtrace: $TMP/empty.db: the database holds no trace" \
		"$PROG" report "$TMP/empty.db"
else
	skip "errors/foreign-sqlite: sqlite3 not installed"
fi
# a file that is not SQLite at all, as the database
one_line db-not-sqlite "offtrace: $TMP/c.jsonl: not an offtrace database (not an SQLite file)" \
	"$PROG" ingest -q --db "$TMP/c.jsonl" "$TMP/p.jsonl"

# a read-only database: refused before anything is read, left as it was
ro_run() { "$PROG" "$@"; }
if [ "$(id -u)" = 0 ]; then
	# root writes read-only files: run as nobody
	if command -v setpriv >/dev/null 2>&1; then
		ro_run() { setpriv --reuid=65534 --regid=65534 --clear-groups "$PROG" "$@"; }
		chmod 755 "$TMP"
	else
		ro_run() { return 99; }
	fi
fi
mkdir "$TMP/ro"
cp "$TMP/good.db" "$TMP/ro/r.db"
chmod 644 "$TMP/c.jsonl" "$TMP/p.jsonl"
chmod 444 "$TMP/ro/r.db"
chmod 755 "$TMP/ro"
before=$(sha "$TMP/ro/r.db")
ro_run ingest -q --db "$TMP/ro/r.db" "$TMP/p.jsonl" > "$TMP/out" 2> "$TMP/err"; rc=$?
if [ $rc -eq 99 ]; then
	skip "errors/db-read-only: running as root without setpriv"
elif [ $rc -eq 2 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] &&
     grep -q "^offtrace: $TMP/ro/r.db: read-only" "$TMP/err" && [ "$(sha "$TMP/ro/r.db")" = "$before" ]; then
	pass "errors/db-read-only"
else
	fail "errors/db-read-only: rc $rc: $(cat "$TMP/err")"
fi
# ... but it can be read
ro_run report --format json "$TMP/ro/r.db" > "$TMP/out" 2> "$TMP/err"; rc=$?
[ $rc -eq 99 ] || ok "errors/db-read-only-readable" sh -c "[ $rc -eq 0 ] && [ -s '$TMP/out' ]"
chmod 700 "$TMP"

# dump of JSON lines: the right command named
one_line dump-jsonl "offtrace: $TMP/c.jsonl: dump reads .etl, text and captures; this is JSON lines: use analyze" \
	"$PROG" dump "$TMP/c.jsonl"

# --- query ---------------------------------------------------------------
db=$TMP/good.db
"$PROG" query "$db" "SELECT 1 AS a; SELECT 2 AS b, 'x' AS c" > "$TMP/out" 2> "$TMP/err"; rc=$?
printf 'a\n1\n\nb,c\n2,x\n' > "$TMP/want"
ok "errors/query-several-statements" sh -c "[ $rc -eq 0 ] && [ ! -s '$TMP/err' ] && cmp -s '$TMP/want' '$TMP/out'"
"$PROG" query --json "$db" "SELECT 1 AS a; SELECT 2 AS b" > "$TMP/out" 2> "$TMP/err"; rc=$?
printf '[\n  {"a": 1}\n]\n[\n  {"b": 2}\n]\n' > "$TMP/want"
ok "errors/query-several-statements-json" sh -c "[ $rc -eq 0 ] && cmp -s '$TMP/want' '$TMP/out'"
# a bad statement anywhere: refused before the first prints anything
"$PROG" query "$db" "SELECT 1; SELECT nope FROM events" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "errors/query-bad-second-statement" sh -c "[ $rc -eq 2 ] && [ ! -s '$TMP/out' ] &&
	[ \"\$(cat '$TMP/err')\" = 'offtrace: query: no such column: nope' ]"
# a statement that fails when run: no stray empty line before the error
"$PROG" query "$db" "DELETE FROM events" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "errors/query-no-stray-line" sh -c "[ $rc -eq 2 ] && [ ! -s '$TMP/out' ] && [ \$(wc -l < '$TMP/err') -eq 1 ]"
# several statements cannot turn the read-only connection writable
before=$(sha "$db")
"$PROG" query "$db" "PRAGMA query_only = 0; DELETE FROM events" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "errors/query-stays-read-only" sh -c "[ $rc -eq 2 ] && [ ! -s '$TMP/out' ] && [ '$(sha "$db")' = '$before' ]"
"$PROG" query "$db" " ; -- nothing" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "errors/query-empty" sh -c "[ $rc -eq 2 ] && grep -q 'empty SQL' '$TMP/err'"
# info of what is no .etl: named, with the command that reads it
"$PROG" gen clean -o "$TMP/info.jsonl" > /dev/null
"$PROG" info "$TMP/info.jsonl" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "errors/info-jsonl" sh -c "[ $rc -eq 2 ] && [ ! -s '$TMP/out' ] &&
	[ \"\$(cat '$TMP/err')\" = 'offtrace: $TMP/info.jsonl: info reads .etl files; this is JSON lines: use analyze' ]"
"$PROG" info testdata/rules/W1-ok-terminated-within-grace.pcap > /dev/null 2> "$TMP/err"; rc=$?
ok "errors/info-pcap" sh -c "[ $rc -eq 2 ] && grep -q 'this is a packet capture: use flows or dump' '$TMP/err'"
exit 0
