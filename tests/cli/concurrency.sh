#!/bin/sh
# Several offtrace processes on one database at once (issue 16): writers
# wait for each other (--wait, default: as long as the others hold it)
# instead of giving up after SQLite's 5 s; readers never see a
# half-created database or a half-ingested trace and never take the write
# lock; every trace is there at the end.
. tests/lib.sh

if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "concurrency: no sqlite3 shell to hold the write lock"
	exit 0
fi
nw=4
i=1
while [ $i -le $nw ]; do
	"$PROG" gen scale --objects 20000 --seed $i -o "$TMP/t$i.jsonl" >/dev/null 2>&1 ||
		{ fail "concurrency: gen"; exit 0; }
	i=$((i + 1))
done

# Readers loop until the writers are done: each may find no database yet,
# or one holding fewer traces, but never a half-created file, a trace
# without its events or a lock error.
reader() {	# reader N DB
	: > "$TMP/r$1.bad"
	while [ ! -e "$TMP/done" ]; do
		out=$("$PROG" query "$2" "select coalesce(sum(events != (select count(*) from events e where e.eid between t.trace_id * 1099511627776 and t.trace_id * 1099511627776 + 1099511627775)), 0) from traces t" 2>&1)
		rc=$?
		case $rc:$out in
		2:*"cannot read: No such file"*) ;;
		0:*) [ "$(echo "$out" | tail -n 1)" = 0 ] || echo "half trace: $out" >> "$TMP/r$1.bad" ;;
		*) echo "rc $rc: $out" >> "$TMP/r$1.bad" ;;
		esac
	done
}

# 1. Four writers create one database together, four readers watch.
db=$TMP/c.db
rm -f "$TMP/done"
i=1
while [ $i -le $nw ]; do
	reader $i "$db" &
	i=$((i + 1))
done
pids=
i=1
while [ $i -le $nw ]; do
	"$PROG" ingest -q --db "$db" "$TMP/t$i.jsonl" 2> "$TMP/w$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
wrc=0
for p in $pids; do
	wait $p || wrc=$?
done
touch "$TMP/done"
wait
if [ $wrc != 0 ]; then
	fail "concurrency/create: a writer failed: $(cat "$TMP"/w*.err)"
else
	pass "concurrency/create: $nw writers on a new database"
fi
bad=$(cat "$TMP"/r*.bad)
if [ -n "$bad" ]; then
	fail "concurrency/create readers: $(echo "$bad" | head -n 3)"
else
	pass "concurrency/create readers: never a half-created database or trace"
fi
tr=$("$PROG" query "$db" "select count(*) from traces" | tail -n 1)
evs=$("$PROG" query "$db" "select count(*) from events" | tail -n 1)
integ=$("$PROG" query "$db" "PRAGMA integrity_check" | tail -n 1)
want=0
i=1
while [ $i -le $nw ]; do
	want=$((want + $(wc -l < "$TMP/t$i.jsonl")))
	i=$((i + 1))
done
if [ "$tr" = $nw ] && [ "$evs" = $want ] && [ "$integ" = ok ]; then
	pass "concurrency/create: all $nw traces, every event"
else
	fail "concurrency/create: $tr traces, $evs events (want $nw, $want), $integ"
fi
left=$(ls "$TMP" | grep -c -e '\.new$' -e '-journal$')
ok "concurrency/create: no temporary file or journal left" [ "$left" = 0 ]

# 2. A writer holds the database 8 s, longer than SQLite's old 5 s busy
# timeout: the ingests wait it out; readers and show are not held up.
db2=$TMP/held.db
"$PROG" gen clean -o "$TMP/base.jsonl" >/dev/null 2>&1
"$PROG" ingest -q --db "$db2" "$TMP/base.jsonl" || { fail "concurrency: setup"; exit 0; }
{ echo "BEGIN IMMEDIATE;"; echo "UPDATE traces SET name = name;"; sleep 8; echo "COMMIT;"; } |
	sqlite3 "$db2" &
holder=$!
sleep 0.5
pids=
i=1
while [ $i -le $nw ]; do
	"$PROG" ingest -q --db "$db2" "$TMP/t$i.jsonl" 2> "$TMP/h$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
"$PROG" ingest -q --wait 1s --db "$db2" "$TMP/base.jsonl" 2> "$TMP/short.err"
src=$?
msg=$(cat "$TMP/short.err")
case $src:$msg in
2:"offtrace: $db2: locked by another process for longer than --wait 1.000s; nothing was written")
	pass "concurrency/--wait 1s: exit 2, names the database" ;;
*)	fail "concurrency/--wait 1s: exit $src: $msg" ;;
esac
# done while the holder still holds the lock: they did not wait for it
if "$PROG" report "$db2" > /dev/null 2> "$TMP/rep.err" &&
   "$PROG" show object 1 "$db2" > /dev/null 2> "$TMP/show.err" &&
   kill -0 $holder 2>/dev/null; then
	pass "concurrency/readers: report and show while a writer holds the lock"
else
	fail "concurrency/readers held up: $(cat "$TMP/rep.err" "$TMP/show.err")"
fi
wrc=0
for p in $pids; do
	wait $p || wrc=$?
done
wait $holder
tr=$("$PROG" query "$db2" "select count(*) from traces" | tail -n 1)
if [ $wrc = 0 ] && [ "$tr" = $((nw + 1)) ]; then
	pass "concurrency/held: $nw writers waited past 5 s, $tr traces"
else
	fail "concurrency/held: exit $wrc, $tr traces: $(cat "$TMP"/h*.err)"
fi

# 3. The first ingest into a new database fails (a bad last line) while a
# second waits for it: the first removes the database it created, and
# the second, on getting the lock, opens the path again and keeps its
# trace.
cp "$TMP/t1.jsonl" "$TMP/bad.jsonl"
echo '{"ts": garbage' >> "$TMP/bad.jsonl"
"$PROG" gen clean --seed 9 -o "$TMP/good.jsonl" >/dev/null 2>&1
db3=$TMP/race.db
"$PROG" ingest -q --db "$db3" "$TMP/bad.jsonl" 2>/dev/null &
first=$!
i=0
while [ ! -e "$db3" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
"$PROG" ingest -q --db "$db3" "$TMP/good.jsonl" 2> "$TMP/second.err"
src=$?
wait $first
frc=$?
names=$("$PROG" query "$db3" "select name from traces" 2>&1 | tail -n +2 | tr '\n' ' ')
if [ $frc = 2 ] && [ $src = 0 ] && [ "$names" = "good.jsonl " ]; then
	pass "concurrency/first-fails: the waiting ingest keeps its trace"
else
	fail "concurrency/first-fails: exit $frc and $src, traces: $names $(cat "$TMP/second.err")"
fi

# 4. A reader whose --wait runs out in the middle of its work (issue 16):
# a writer takes the lock between two of its queries, and holds it past
# --wait.  The reader said "html report: objects: database is locked"
# (exit 3), or "query: database is locked"; it says what an open says:
# the database, the lock and --wait, exit 2.  The holder asks for the
# lock while the reader reads (it gets PENDING: no new reader), and gets
# it between two queries.
db4=$TMP/mid.db
"$PROG" ingest -q --db "$db4" "$TMP/t1.jsonl" || { fail "concurrency: setup 4"; exit 0; }
# hold DB SECONDS: ask for the write lock now and keep it SECONDS once
# it is had (the shell says so in $TMP/held): a reader may make it wait
# for long on a loaded machine
hold() {
	rm -f "$TMP/held"
	{
		echo ".timeout 120000"
		echo "BEGIN EXCLUSIVE;"
		echo ".output $TMP/held"
		echo "SELECT 'held';"
		echo ".output stdout"
		i=0
		while [ ! -s "$TMP/held" ] && [ $i -lt 2400 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		sleep "$2"
		echo "COMMIT;"
	} | sqlite3 "$1"
}
# midway NAME DELAY CMD...: CMD started, the holder DELAY s later; 0 when
# CMD failed as it should, 1 when it failed otherwise, 2 when it was
# done before the holder asked (a loaded machine): try again, longer
midway() {
	n=$1 delay=$2
	shift 2
	rm -f "$TMP/mid.html"
	"$@" > /dev/null 2> "$TMP/mid.err" &
	reader=$!
	sleep "$delay"
	hold "$db4" 4 &
	h=$!
	wait $reader
	rc=$?
	wait $h
	msg=$(cat "$TMP/mid.err")
	case $rc:$msg in
	"2:offtrace: $db4: locked by another process for longer than --wait 300.00ms")
		return 0 ;;
	0:) return 2 ;;
	esac
	echo "exit $rc: $msg" > "$TMP/mid.why"
	return 1
}
# tries NAME CMD...: midway up to 3 times, $rows (the first query's
# length) doubled each time
tries() {
	n=$1
	shift
	rows=4000000
	for t in 1 2 3; do
		midway "$n" "$@"
		r=$?
		[ $r = 2 ] || break
		rows=$((rows * 2))
	done
	case $r in
	0) pass "concurrency/mid-$n: exit 2, names the database and --wait" ;;
	1) fail "concurrency/mid-$n: $(cat "$TMP/mid.why")" ;;
	*) fail "concurrency/mid-$n: 3 tries, each done before the lock was taken" ;;
	esac
}
# the first statement reads for a while (the holder's request comes
# meanwhile), the second meets the lock
midquery() {
	"$PROG" query --wait 300ms "$db4" "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $rows) SELECT count(*) FROM c, traces; SELECT count(*) FROM events"
}
tries query 0.5 midquery
# the HTML page runs one query after another for a while
tries report-html 0.1 "$PROG" report --format html --wait 300ms -o "$TMP/mid.html" "$db4"
ok "concurrency/mid-report-html: no page left" [ ! -e "$TMP/mid.html" ]

# 5. A writer killed while it created a database leaves DB.PID.new and
# its journal beside the path: the next writer removes those of a
# process that is gone, and not those of one that runs.
sh -c 'exit 0' & dead=$!
wait $dead
sleep 60 & live=$!
db5=$TMP/stale.db
: > "$db5.$dead.new"
: > "$db5.$dead.new-journal"
: > "$db5.$live.new"
"$PROG" ingest -q --db "$db5" "$TMP/base.jsonl" 2> "$TMP/stale.err"
rc=$?
if [ $rc = 0 ] && [ ! -e "$db5.$dead.new" ] && [ ! -e "$db5.$dead.new-journal" ] &&
   [ -e "$db5.$live.new" ]; then
	pass "concurrency/killed-create: a dead writer's DB.PID.new removed by the next"
else
	fail "concurrency/killed-create: exit $rc $(cat "$TMP/stale.err") $(ls "$TMP" | grep stale)"
fi
kill $live 2>/dev/null
wait $live 2>/dev/null
exit 0
