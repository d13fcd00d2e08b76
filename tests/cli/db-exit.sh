#!/bin/sh
# Exit codes of a database that cannot be used agree with the README's
# table (issue 16): 2 and one line naming the file, for every command that
# opens one, and the file is left as it was.  One case per cause found:
# user_version -1 once passed the version check (report exit 0, ingest
# exit 3), a newer schema gave ingest exit 3, a random file and a file
# with an SQLite header but garbage after it gave report 2 and 3.  (A lock
# held too long: tests/cli/concurrency.sh; a full disk, exit 3:
# tests/cli/diskfull.sh.)
. tests/lib.sh

if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "db-exit: no sqlite3 shell to make the fixtures"
	exit 0
fi
"$PROG" gen clean -o "$TMP/c.jsonl" > /dev/null 2>&1 || { fail "db-exit: gen"; exit 0; }
"$PROG" gen partial -o "$TMP/p.jsonl" > /dev/null 2>&1
"$PROG" ingest -q --db "$TMP/good.db" "$TMP/c.jsonl" || { fail "db-exit: ingest"; exit 0; }

# the version this offtrace writes, as SQLite reads it from its database
v=$(sqlite3 "$TMP/good.db" 'PRAGMA user_version')

# fixtures, named after the cause
cp "$TMP/good.db" "$TMP/user-version-negative.db"
sqlite3 "$TMP/user-version-negative.db" 'PRAGMA user_version = -1'
cp "$TMP/good.db" "$TMP/user-version-newer.db"
sqlite3 "$TMP/user-version-newer.db" 'PRAGMA user_version = 99'
head -c 8192 /dev/urandom > "$TMP/random-bytes.db"
{ printf 'SQLite format 3\000'; head -c 8176 /dev/urandom; } > "$TMP/sqlite-header-garbage.db"

# each NAME WANT: every command that opens a database, on $TMP/NAME.db
each() {
	name=$1 want=$2 db=$TMP/$1.db
	before=$(sha "$db")
	for c in "ingest -q --db @ $TMP/p.jsonl" "report @" "query @ select(1)" \
		 "show object 1 @" "check --db @" "export -o $TMP/x.json --db @"; do
		# shellcheck disable=SC2046
		"$PROG" $(printf '%s' "$c" | sed "s#@#$db#") > "$TMP/out" 2> "$TMP/err"
		rc=$?
		if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] &&
		   [ "$(cat "$TMP/err")" = "offtrace: $db: $want" ]; then
			pass "db-exit/$name/${c%% *}"
		else
			fail "db-exit/$name/${c%% *}: rc $rc: $(head -c 300 "$TMP/err")"
		fi
	done
	ok "db-exit/$name: unchanged" test "$(sha "$db")" = "$before"
}

each user-version-negative "schema version -1, not one offtrace writes (this one writes $v)"
each user-version-newer "schema version 99, newer than this offtrace supports (this one writes $v)"
each random-bytes "not an offtrace database (not an SQLite file)"
each sqlite-header-garbage "not an offtrace database (not an SQLite file)"
exit 0
