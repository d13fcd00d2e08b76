#!/bin/sh
# offtrace query never changes the database nor creates a file (issue 16):
# query_only let through VACUUM INTO (a 0-byte file left), PRAGMA
# journal_mode = WAL (the database's header rewritten), and ran the first
# of "SELECT 1; DELETE ..." before the second failed.  Every statement
# that would write is refused before anything runs: one line naming it,
# exit 2, nothing on stdout, the database byte for byte as it was and no
# new file beside it.  What only reads still works.
. tests/lib.sh

db=$TMP/q/run.db
mkdir "$TMP/q"
"$PROG" ingest -q --db "$db" testdata/samples/*.jsonl || { fail "query-readonly: setup"; exit 0; }
before=$(sha "$db")
files=$(ls -a "$TMP/q" | tr '\n' ' ')

# refused NAME SQL WHAT: refused, naming WHAT
refused() {
	n=$1 sql=$2 what=$3
	"$PROG" query "$db" "$sql" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	msg=$(cat "$TMP/err")
	if [ $rc = 2 ] && [ "$msg" = "offtrace: query: refused (query is read-only): $what" ] &&
	   [ ! -s "$TMP/out" ]; then
		pass "query-readonly/$n"
	else
		fail "query-readonly/$n: exit $rc: $msg $(head -c 200 "$TMP/out")"
	fi
	now=$(ls -a "$TMP/q" | tr '\n' ' ')
	if [ "$(sha "$db")" = "$before" ] && [ "$now" = "$files" ] && [ ! -e "$TMP/x.db" ]; then
		pass "query-readonly/$n: nothing changed, no file"
	else
		fail "query-readonly/$n: the database or its directory changed: $now"
		"$PROG" ingest -q --db "$db" --force testdata/samples/nic0.jsonl >/dev/null 2>&1
		rm -f "$TMP/x.db"
		before=$(sha "$db")
		files=$(ls -a "$TMP/q" | tr '\n' ' ')
	fi
}
refused vacuum-into-creates-a-file "VACUUM INTO '$TMP/x.db'" "VACUUM INTO '$TMP/x.db'"
refused vacuum "VACUUM" "VACUUM"
refused attach-creates-a-file "ATTACH '$TMP/x.db' AS x" "ATTACH '$TMP/x.db'"
refused attach-memory "ATTACH ':memory:' AS m" "ATTACH ':memory:'"
refused detach "DETACH main" "DETACH main"
refused journal-mode-wal-rewrites-the-header "PRAGMA journal_mode = WAL" "PRAGMA journal_mode = WAL"
refused writable-schema "PRAGMA writable_schema = 1" "PRAGMA writable_schema = 1"
refused user-version "PRAGMA user_version = 7" "PRAGMA user_version = 7"
refused query-only-off "PRAGMA query_only = 0" "PRAGMA query_only = 0"
refused optimize-analyzes "PRAGMA optimize" "PRAGMA optimize"
refused load-extension "SELECT load_extension('$TMP/nope.so')" "load_extension()"
refused create "CREATE TABLE t(a)" "CREATE TABLE t(a)"
refused create-temp "CREATE TEMP TABLE t(a)" "CREATE TEMP TABLE t(a)"
refused insert "INSERT INTO traces DEFAULT VALUES" "INSERT INTO traces DEFAULT VALUES"
refused analyze "ANALYZE" "ANALYZE"
refused begin-immediate-takes-the-write-lock "BEGIN IMMEDIATE" "BEGIN IMMEDIATE"
# the second statement writes: the first does not run either
refused second-statement-writes "SELECT 1; DELETE FROM events" "DELETE FROM events"

# reads NAME SQL WANT: runs, exit 0, its last line WANT
reads() {
	n=$1 sql=$2 want=$3
	got=$("$PROG" query "$db" "$sql" 2> "$TMP/err" | tail -n 1)
	if [ "$got" = "$want" ] && [ ! -s "$TMP/err" ]; then
		pass "query-readonly/reads/$n"
	else
		fail "query-readonly/reads/$n: got '$got' $(cat "$TMP/err")"
	fi
}
reads select "SELECT count(*) FROM events" 467
reads user-version "PRAGMA user_version" 4
reads table-info "PRAGMA table_info(traces)" "$("$PROG" query "$db" \
	"SELECT * FROM pragma_table_info('traces')" | tail -n 1)"
reads integrity "PRAGMA integrity_check" ok
reads transaction "BEGIN; SELECT count(*) FROM traces; COMMIT" 1
reads recursive "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) SELECT max(x) FROM c" 3
ok "query-readonly/reads: nothing changed" [ "$(sha "$db")" = "$before" ]
exit 0
