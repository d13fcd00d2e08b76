#!/bin/sh
# show: the ids the reports print work (show object 9, show op 3, show
# event 21), the slot/root forms stay, an id and a pointer cannot be
# confused, and show object lists every event of the object.  Expected
# values come from sqlite3 over the events table, not from show.
. tests/lib.sh

db=$TMP/samples.db
"$PROG" ingest -q --db "$db" testdata/samples/*.jsonl || { fail "show: cannot ingest the samples"; exit 0; }
if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "show: sqlite3 not installed (apt-get install sqlite3)"
	exit 0
fi
sq() { sqlite3 -batch "$@"; }
ids() { sed -n 's/^  #\([0-9][0-9]*\) .*/\1/p' | tr '\n' ' '; }

# --- ids and pointers name the same thing ------------------------------
# the README's object 9 is the late-written tcp object of nic2
slot=$(sq "$db" "SELECT printf('0x%x', slot) FROM objects WHERE id = 9")
"$PROG" show object 9 "$db" > "$TMP/by-id" 2> "$TMP/err"; rc=$?
"$PROG" show object "$slot" "$db" > "$TMP/by-slot" 2>> "$TMP/err"
"$PROG" show object id:9 "$db" > "$TMP/by-idform" 2>> "$TMP/err"
if [ $rc -eq 0 ] && [ -s "$TMP/by-id" ] && head -n 1 "$TMP/by-id" | grep -q "^object 9: .* slot $slot epoch 1\$" &&
   cmp -s "$TMP/by-id" "$TMP/by-slot" && cmp -s "$TMP/by-id" "$TMP/by-idform"; then
	pass "show/object-id-is-slot"
else
	fail "show/object-id-is-slot: rc $rc, slot $slot: $(head -n 2 "$TMP/by-id") / $(head -n 1 "$TMP/by-slot") $(cat "$TMP/err")"
fi

# op 3: the same as its root's history when the root has one operation
root=$(sq "$db" "SELECT printf('0x%x', root) FROM operations WHERE id = 3")
nroot=$(sq "$db" "SELECT count(*) FROM operations WHERE root = (SELECT root FROM operations WHERE id = 3)")
"$PROG" show op 3 "$db" > "$TMP/op-id" 2> "$TMP/err"; rc=$?
"$PROG" show op "$root" "$db" > "$TMP/op-root" 2>> "$TMP/err"
if [ "$nroot" = 1 ] && [ $rc -eq 0 ] && head -n 1 "$TMP/op-id" | grep -q "^op 3: .* root $root epoch" &&
   cmp -s "$TMP/op-id" "$TMP/op-root"; then
	pass "show/op-id-is-root"
else
	fail "show/op-id-is-root: rc $rc, root $root ($nroot ops): $(head -n 1 "$TMP/op-id") $(cat "$TMP/err")"
fi

# event 21: its kind, time, input line, and the object and op whose block it completes
want=$(sq "$db" "SELECT e.ev || ' (' || i.file || ':' || e.line || ')' FROM events e JOIN inputs i ON i.input = e.input AND i.trace_id = e.trace_id WHERE e.id = 21")
obj=$(sq "$db" "SELECT object_id FROM blocks WHERE done_event = 21 OR request_event = 21")
op=$(sq "$db" "SELECT op_id FROM blocks WHERE done_event = 21 OR request_event = 21")
"$PROG" show event 21 "$db" > "$TMP/ev" 2> "$TMP/err"; rc=$?
got=$(head -n 1 "$TMP/ev" | sed 's/ at [^ ]* / /')
if [ $rc -eq 0 ] && [ "$got" = "event 21: $want" ] && [ -n "$obj" ] &&
   grep -q "^  object $obj " "$TMP/ev" && grep -q "^  op $op " "$TMP/ev"; then
	pass "show/event-id"
else
	fail "show/event-id: rc $rc, want 'event 21: $want', object $obj, op $op: $(cat "$TMP/ev" "$TMP/err")"
fi

# an id and a pointer: digits are an id, 0x or a hex letter a pointer
"$PROG" show object 0x9 "$db" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "show/0x-is-a-pointer" sh -c "[ $rc -eq 2 ] && grep -q 'no object with slot 0x9 ' '$TMP/err'"
"$PROG" show object 1234567890123 "$db" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "show/13-digits-is-a-pointer" sh -c "[ $rc -eq 2 ] && grep -q 'no object with slot 0x1234567890123 ' '$TMP/err'"
"$PROG" show object 123456789012 "$db" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "show/12-digits-is-an-id" sh -c "[ $rc -eq 2 ] && grep -q 'no object 123456789012 in trace' '$TMP/err'"
for bad in "event 0x15" "event ffffe021" "flow 0x1" "object id:x" "object zz" "op id:0"; do
	# shellcheck disable=SC2086
	"$PROG" show $bad "$db" > "$TMP/out" 2> "$TMP/err"; rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l < "$TMP/err")" -eq 2 ]; then
		pass "show/bad-ref/$bad"
	else
		fail "show/bad-ref/$bad: rc $rc: $(cat "$TMP/err")"
	fi
done
"$PROG" show event 99999 "$db" > "$TMP/out" 2> "$TMP/err"; rc=$?
ok "show/event-missing" sh -c "[ $rc -eq 2 ] && [ ! -s '$TMP/out' ] && grep -q 'no event 99999 in trace 1' '$TMP/err'"
# --db instead of the argument
"$PROG" show --db "$db" object 9 > "$TMP/out" 2> "$TMP/err"
ok "show/--db" cmp -s "$TMP/out" "$TMP/by-id"

# --- show object lists every event of the object -------------------------
# Expected, from the events table: the events that name its slot, its
# handle or its published value (a ctx_write names the slot, not the
# value), the completions (no slot, handle or value) of those requests on
# the same adapter and layer, by root and block or by NBL, and the
# evidence of its violations.  Objects that share nothing with another.
expect_events() {	# DB ID
	sq "$1" "WITH o AS (SELECT slot s, handle h, value v FROM objects WHERE id = $2),
	named AS (SELECT e.* FROM events e, o WHERE e.slot = o.s OR (o.h IS NOT NULL AND e.handle = o.h)
		OR (o.v IS NOT NULL AND e.value = o.v AND e.ev <> 'ctx_write'))
	SELECT id FROM named
	UNION SELECT d.id FROM events d WHERE coalesce(d.slot, 0) = 0 AND coalesce(d.handle, 0) = 0
		AND coalesce(d.value, 0) = 0 AND EXISTS (SELECT 1 FROM named r WHERE r.ev || '_done' = d.ev
		AND r.adapter = d.adapter AND r.layer = d.layer AND r.id < d.id
		AND ((r.root = d.root AND r.block = d.block) OR r.nbl = d.nbl))
	UNION SELECT ve.event_id FROM violation_events ve JOIN violations v
		ON v.trace_id = ve.trace_id AND v.id = ve.violation_id WHERE v.object_id = $2
	ORDER BY 1" | tr '\n' ' '
}
single_objects() {	# DB: objects alone on their slot, handle and value
	sq "$1" "SELECT id FROM objects o WHERE (SELECT count(*) FROM objects p WHERE p.slot = o.slot) = 1
	AND (o.handle IS NULL OR (SELECT count(*) FROM objects p WHERE p.handle = o.handle) = 1)
	AND (o.value IS NULL OR (SELECT count(*) FROM objects p WHERE p.value = o.value) = 1) ORDER BY id"
}
check_history() {	# NAME DB
	n=0 bad=""
	for id in $(single_objects "$2"); do
		n=$((n + 1))
		want=$(expect_events "$2" "$id")
		got=$("$PROG" show object "$id" "$2" 2>/dev/null | ids)
		[ "$want" = "$got" ] || bad="$bad object $id: want [$want] got [$got];"
	done
	if [ $n -eq 0 ]; then
		fail "show/history/$1: no object to check"
	elif [ -z "$bad" ]; then
		pass "show/history/$1"
	else
		fail "show/history/$1: $(printf '%s' "$bad" | head -c 1500)"
	fi
}
check_history samples "$db"
for sc in use-after-terminate hw-failure im-stack upload-all clean wire-close scale; do
	args=""
	[ $sc = scale ] && args="--objects 150"
	# shellcheck disable=SC2086
	"$PROG" gen $sc $args -o "$TMP/$sc.jsonl" > /dev/null 2>&1 &&
		"$PROG" ingest -q --db "$TMP/$sc.db" "$TMP/$sc.jsonl" ||
		{ fail "show/history/$sc: setup"; continue; }
	check_history "$sc" "$TMP/$sc.db"
done

# the two the issue names: U2's recv_indicate and the send_done events of
# gen use-after-terminate, in the tcp object's history (awk over the input)
u=$TMP/use-after-terminate
tcp=$(sq "$u.db" "SELECT id FROM objects WHERE state = 'tcp'")
want=$(awk '/"ev":"(send_done|recv_indicate)"/ { printf "%d ", NR }' "$u.jsonl")
got=$("$PROG" show object "$tcp" "$u.db" | grep -E ' (send_done|recv_indicate) ' | ids)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	pass "show/use-after-terminate-evidence"
else
	fail "show/use-after-terminate-evidence: want [$want] got [$got]"
fi
exit 0
