#!/bin/sh
# SIGKILL during ingest: the database holds all of the new trace or nothing
# of it, and PRAGMA integrity_check says ok.
. tests/lib.sh

if [ "$OT_MODE" = sanitize ]; then
	skip "kill: run in the normal build only (timing-driven)"
	exit 0
fi
db=$TMP/kill.db
"$PROG" gen clean -o "$TMP/base.jsonl" >/dev/null 2>&1
"$PROG" ingest -q --db "$db" "$TMP/base.jsonl" || { fail "kill: setup"; exit 0; }
base_events=$("$PROG" query "$db" "select count(*) from events" | tail -n 1)
"$PROG" gen scale --objects 60000 -o "$TMP/big.jsonl" >/dev/null 2>&1
big_events=$(wc -l < "$TMP/big.jsonl")

for delay in 0.05 0.2 0.5 0.9 1.4 2.0; do
	cp "$db" "$TMP/k.db"
	"$PROG" ingest -q --db "$TMP/k.db" "$TMP/big.jsonl" 2>/dev/null &
	pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	integ=$("$PROG" query "$TMP/k.db" "PRAGMA integrity_check" | tail -n 1)
	n=$("$PROG" query "$TMP/k.db" "select count(*) from events" | tail -n 1)
	tr=$("$PROG" query "$TMP/k.db" "select count(*) from traces" | tail -n 1)
	if [ "$integ" != ok ]; then
		fail "kill/$delay: integrity_check: $integ"
	elif [ "$n" = "$base_events" ] && [ "$tr" = 1 ]; then
		pass "kill/$delay (nothing of the new trace)"
	elif [ "$n" = $((base_events + big_events)) ] && [ "$tr" = 2 ]; then
		pass "kill/$delay (all of the new trace)"
	else
		fail "kill/$delay: $n events, $tr traces: partial trace"
	fi
done
exit 0
