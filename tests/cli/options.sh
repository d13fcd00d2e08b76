#!/bin/sh
# The command line speaks one language: --db names the database and -o the
# written file everywhere (the old -o DB still works, with one deprecation
# line); analyze --format html; --table only with --format csv, checked at
# once; --color WHEN as getopt users write it; offtrace help CMD; an
# unknown option is one line and the hint.
. tests/lib.sh

"$PROG" gen late-write -o "$TMP/lw.jsonl" > /dev/null 2>&1 || { fail "options: gen"; exit 0; }
t=$TMP/lw.jsonl
q() { "$PROG" query "$@" 2>/dev/null | tail -n +2; }

# --- --db everywhere; -o DB deprecated -----------------------------------
"$PROG" ingest -q --db "$TMP/a.db" "$t" 2> "$TMP/err"; rc=$?
ok "options/ingest--db" sh -c "[ $rc -eq 0 ] && [ ! -s '$TMP/err' ] && [ -s '$TMP/a.db' ]"
for spelling in -o --output; do
	"$PROG" ingest -q $spelling "$TMP/b$spelling.db" "$t" 2> "$TMP/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] &&
	   grep -q "^offtrace: ingest: -o/--output DB is deprecated, use --db DB" "$TMP/err" &&
	   [ "$(q "$TMP/b$spelling.db" 'SELECT count(*) FROM events')" = "$(q "$TMP/a.db" 'SELECT count(*) FROM events')" ]; then
		pass "options/ingest$spelling-deprecated"
	else
		fail "options/ingest$spelling-deprecated: rc $rc: $(cat "$TMP/err")"
	fi
done
"$PROG" analyze -q -o "$TMP/c.db" --format json "$t" > "$TMP/old.json" 2> "$TMP/err"; rc=$?
"$PROG" analyze -q --db "$TMP/d.db" --format json "$t" > "$TMP/new.json" 2>> "$TMP/err"
ok "options/analyze-o-deprecated" sh -c "[ $rc -eq 0 ] && [ \$(grep -c deprecated '$TMP/err') -eq 1 ] &&
	cmp -s '$TMP/old.json' '$TMP/new.json' && [ -s '$TMP/c.db' ] && [ -s '$TMP/d.db' ]"
"$PROG" check -q -o "$TMP/e.db" "$t" > /dev/null 2> "$TMP/err"; rc=$?
ok "options/check-o-deprecated" sh -c "[ $rc -eq 1 ] && grep -q '^offtrace: check: -o/--output DB is deprecated' '$TMP/err' && [ -s '$TMP/e.db' ]"
# the readers take --db instead of the argument, with the same output
"$PROG" report --format json "$TMP/a.db" > "$TMP/r1" 2>&1
"$PROG" report --format json --db "$TMP/a.db" > "$TMP/r2" 2>&1
ok "options/report--db" sh -c "[ -s '$TMP/r1' ] && cmp -s '$TMP/r1' '$TMP/r2'"
"$PROG" check "$TMP/a.db" > "$TMP/c1" 2>&1; rc1=$?
"$PROG" check --db "$TMP/a.db" > "$TMP/c2" 2>&1; rc2=$?
ok "options/check--db" sh -c "[ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && cmp -s '$TMP/c1' '$TMP/c2'"
"$PROG" query --db "$TMP/a.db" 'SELECT count(*) FROM events' > "$TMP/q1" 2>&1
"$PROG" query "$TMP/a.db" 'SELECT count(*) FROM events' > "$TMP/q2" 2>&1
ok "options/query--db" sh -c "[ -s '$TMP/q1' ] && cmp -s '$TMP/q1' '$TMP/q2'"
"$PROG" export -o "$TMP/x1.json" "$TMP/a.db" 2>/dev/null
"$PROG" export -o "$TMP/x2.json" --db "$TMP/a.db" 2>/dev/null
ok "options/export--db" sh -c "[ -s '$TMP/x1.json' ] && cmp -s '$TMP/x1.json' '$TMP/x2.json'"
# -o is the written file of report, export and gen
"$PROG" report -o "$TMP/rep.txt" "$TMP/a.db" > "$TMP/out" 2>&1
ok "options/report-o-is-output" sh -c "[ ! -s '$TMP/out' ] && grep -q '^offtrace report: trace 1' '$TMP/rep.txt'"

# --- analyze --format html -----------------------------------------------
"$PROG" analyze -q --format html "$t" > "$TMP/a.html" 2> "$TMP/err"; rc=$?
"$PROG" report --format html "$TMP/a.db" > "$TMP/r.html" 2>> "$TMP/err"
"$PROG" analyze -q --html "$TMP/h.html" "$t" > /dev/null 2>> "$TMP/err"
if [ $rc -eq 0 ] && head -n 1 "$TMP/a.html" | grep -q '^<!DOCTYPE html>' &&
   cmp -s "$TMP/a.html" "$TMP/r.html" && cmp -s "$TMP/a.html" "$TMP/h.html"; then
	pass "options/analyze-format-html"
else
	fail "options/analyze-format-html: rc $rc: $(head -c 300 "$TMP/err")"
fi
"$PROG" analyze -q --format html -w "$TMP/w.html" "$t" > "$TMP/out" 2>&1
ok "options/analyze-format-html-w" sh -c "[ ! -s '$TMP/out' ] && cmp -s '$TMP/a.html' '$TMP/w.html'"

# --- --table: only with --format csv, checked before anything is read ----
usage_once() {	# NAME WANT-IN-STDERR CMD...: exit 2, no stdout, one line + hint
	name=$1 want=$2
	shift 2
	"$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l < "$TMP/err")" -eq 2 ] &&
	   head -n 1 "$TMP/err" | grep -q -- "$want" && sed -n 2p "$TMP/err" | grep -q "^Try 'offtrace "; then
		pass "options/$name"
	else
		fail "options/$name: rc $rc, want '$want': $(cat "$TMP/err")"
	fi
}
usage_once report-table-without-csv "^offtrace: --table is for --format csv" \
	"$PROG" report --table latency "$TMP/a.db"
usage_once report-table-with-json "^offtrace: --table is for --format csv" \
	"$PROG" report --table latency --format json "$TMP/a.db"
usage_once report-table-unknown "^offtrace: unknown --table 'nope'" \
	"$PROG" report --format csv --table nope "$TMP/a.db"
# at once: before the traces are ingested into the database
usage_once analyze-table-without-csv "^offtrace: --table is for --format csv" \
	"$PROG" analyze -q --db "$TMP/t1.db" --table latency "$t"
ok "options/analyze-table-at-once" test ! -e "$TMP/t1.db"
usage_once analyze-table-unknown "^offtrace: unknown --table 'nope'" \
	"$PROG" analyze -q --db "$TMP/t2.db" --format csv --table nope "$t"
ok "options/analyze-table-unknown-at-once" test ! -e "$TMP/t2.db"
"$PROG" report --format csv --table latency "$TMP/a.db" > "$TMP/out" 2>&1
ok "options/table-with-csv" grep -q '^kind,' "$TMP/out"

# --- --color WHEN --------------------------------------------------------
esc=$(printf '\033')
for c in analyze report check; do
	case $c in analyze) in=$t ;; *) in=$TMP/a.db ;; esac
	"$PROG" $c --color always "$in" > "$TMP/col" 2> "$TMP/err"; rc=$?
	"$PROG" $c --color=always "$in" > "$TMP/col2" 2>> "$TMP/err"
	"$PROG" $c --color never "$in" > "$TMP/nocol" 2>> "$TMP/err"
	if [ $rc -le 1 ] && grep -q "$esc" "$TMP/col" && cmp -s "$TMP/col" "$TMP/col2" &&
	   ! grep -q "$esc" "$TMP/nocol" && [ -s "$TMP/nocol" ]; then
		pass "options/color-space/$c"
	else
		fail "options/color-space/$c: rc $rc: $(head -c 300 "$TMP/err")"
	fi
done
# a bare --color followed by a trace still means always
"$PROG" analyze -q --color "$t" > "$TMP/col" 2> "$TMP/err"
ok "options/color-bare" grep -q "$esc" "$TMP/col"

# --- help CMD, and an unknown option -------------------------------------
for c in analyze ingest report check show query gen info dump export flows tmf profile; do
	"$PROG" help $c > "$TMP/h1" 2>&1; rc=$?
	"$PROG" $c --help > "$TMP/h2" 2>&1
	if [ $rc -eq 0 ] && [ -s "$TMP/h1" ] && cmp -s "$TMP/h1" "$TMP/h2"; then
		pass "options/help-$c"
	else
		fail "options/help-$c: rc $rc"
	fi
	sub=""
	[ $c = profile ] && sub=stats
	# shellcheck disable=SC2086
	usage_once "unknown-option-$c" "^offtrace: $c: unrecognized option '--no-such-option'\$" \
		"$PROG" $c $sub --no-such-option x
done
usage_once help-unknown "^offtrace: unknown command 'nope'" "$PROG" help nope
usage_once missing-argument "^offtrace: analyze: option '--format' requires an argument" \
	"$PROG" analyze --format
usage_once bad-short-option "^offtrace: report: invalid option -- 'z'" "$PROG" report -z x
exit 0
