#!/bin/sh
# Captures in an analysis (issue 5): flows stored and joined to tcp objects,
# --pcap-offset shifts pcap/pcapng packets but never the packets of an .etl,
# --grace decides W1, check --fail-on W1/W2/W3, the report's capture lines.
. tests/lib.sh

MKPCAP=$BUILD/tests/mkpcap
q() { "$PROG" query "$1" "$2" | tail -n +2 | tr -d '"'; }

"$PROG" gen wire-close -o "$TMP/w.jsonl" --pcap "$TMP/w.pcap" 2> "$TMP/err" || fail "join/gen: $(cat "$TMP/err")"
"$PROG" ingest -q --db "$TMP/w.db" "$TMP/w.jsonl" "$TMP/w.pcap" 2> "$TMP/err" || fail "join/ingest: $(cat "$TMP/err")"
ok "join/flows-stored" test "$(q "$TMP/w.db" 'SELECT count(*) FROM flows')" = 2
ok "join/flow-objects" test "$(q "$TMP/w.db" 'SELECT count(*) FROM flow_objects')" = 2
ok "join/wire-close-leak" test "$(q "$TMP/w.db" "SELECT count(*) FROM leaks WHERE reason = 'wire_close'")" = 1
ok "join/flow-object-w1" test "$(q "$TMP/w.db" 'SELECT sum(wire_close_leak) FROM flow_objects')" = 1
ok "join/closed-flows" test "$(q "$TMP/w.db" "SELECT group_concat(state) FROM (SELECT state FROM flows ORDER BY id)")" = "closed,reset"
ok "join/joined-by-tuple" test "$(q "$TMP/w.db" "SELECT count(*) FROM flow_objects j JOIN objects o ON o.trace_id = j.trace_id AND o.id = j.object_id JOIN flows f ON f.trace_id = j.trace_id AND f.id = j.flow_id WHERE o.state = 'tcp' AND ((o.src = f.a_addr AND o.sport = f.a_port AND o.dst = f.b_addr AND o.dport = f.b_port) OR (o.src = f.b_addr AND o.sport = f.b_port AND o.dst = f.a_addr AND o.dport = f.a_port))")" = 2
"$PROG" report "$TMP/w.db" > "$TMP/r.txt"
ok "join/report-capture" grep -q 'packets 10  flows 2  joined 2  unjoined 0' "$TMP/r.txt"
ok "join/report-w2-capture-point" grep -q 'below the miniport' "$TMP/r.txt"

# show flow: the wire facts of one flow, the object joined to it, its W rules
"$PROG" show flow 1 "$TMP/w.db" > "$TMP/sf" 2> "$TMP/err" || fail "join/show-flow: $(cat "$TMP/err")"
ok "join/show-flow-header" grep -q '^flow 1: 10\.1\.0\.13:49263 -> 192\.168\.13\.59:445, closed$' "$TMP/sf"
ok "join/show-flow-counts" grep -q '^  a to b      3 frames, 162 bytes, 0 payload bytes$' "$TMP/sf"
ok "join/show-flow-rst-absent" grep -q '^  RST         -$' "$TMP/sf"
ok "join/show-flow-object" grep -q 'SYN to offload 1.91ms; inside the offload window 3 frames, 162 bytes; wire-close leak yes$' "$TMP/sf"
ok "join/show-flow-w1" grep -q ' W1 error .*not terminated 2.000s after the wire close$' "$TMP/sf"
"$PROG" show flow 2 "$TMP/w.db" > "$TMP/sf" 2> "$TMP/err"
ok "join/show-flow-reset" grep -q '^  RST         .*(+12.48ms)$' "$TMP/sf"
ok "join/show-flow-no-w1" sh -c "! grep -q ' W1 ' '$TMP/sf'"
"$PROG" show flow 3 "$TMP/w.db" > /dev/null 2> "$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q 'no flow 3 in trace 1' "$TMP/err"; then pass "join/show-flow-missing"; else fail "join/show-flow-missing: exit $rc $(cat "$TMP/err")"; fi
"$PROG" show flow 0x1 "$TMP/w.db" > /dev/null 2>&1
ok "join/show-flow-bad-id" test $? = 2

# check --latency syn_to_offload: W3's delays as a budget (1.91 ms each)
"$PROG" check --max-errors 9 --max-leaks 9 --latency 'syn_to_offload:p99<=1ms' "$TMP/w.db" > "$TMP/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q 'FAIL  latency  syn_to_offload:p99<=1ms: syn_to_offload p99 = 1.91ms > limit 1.00ms (2 objects, 2 over the limit)' "$TMP/out" &&
   grep -q 'flow 1 10.1.0.13:49263 <-> 192.168.13.59:445: object 3 (target) offloaded 1.91ms after the SYN' "$TMP/out"; then
	pass "join/check-syn-budget-fails"
else
	fail "join/check-syn-budget-fails: exit $rc $(head -c 600 "$TMP/out")"
fi
"$PROG" check --max-errors 9 --max-leaks 9 --latency 'syn_to_offload:p50<=2ms' "$TMP/w.db" > "$TMP/out" 2>&1
ok "join/check-syn-budget-passes" test $? = 0
"$PROG" check -q --max-errors 9 --max-leaks 9 --latency 'syn_to_offload:p99<=1ms' "$TMP/w.jsonl" > "$TMP/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q 'skip  latency  syn_to_offload:p99<=1ms: no SYN-to-offload delays' "$TMP/out"; then
	pass "join/check-syn-budget-skipped-without-capture"
else
	fail "join/check-syn-budget-skipped-without-capture: exit $rc $(head -c 400 "$TMP/out")"
fi

# check: W1 fails the gate, W3 has nothing; without a capture W1 is not
# checked, and --fail-on W1 then fails the gate (fail safe) unless
# --allow-unchecked W1 accepts it
"$PROG" check -q --max-errors 1000 --max-leaks 1000 --fail-on W1 "$TMP/w.jsonl" "$TMP/w.pcap" > "$TMP/out" 2>&1
ok "join/check-fail-on-W1" test $? = 1
"$PROG" check -q --max-errors 1000 --max-leaks 1000 --max-warnings 1000 --fail-on W3 "$TMP/w.jsonl" "$TMP/w.pcap" > "$TMP/out" 2>&1
ok "join/check-W3-passes" test $? = 0
"$PROG" check -q --max-errors 1000 --max-leaks 1000 --fail-on W1 "$TMP/w.jsonl" > "$TMP/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q '^  FAIL  rules    W1 .*: not checked: no packet capture among the inputs (--fail-on W1' "$TMP/out"; then
	pass "join/check-W1-not-checked-fails"
else
	fail "join/check-W1-not-checked-fails: exit $rc $(head -c 400 "$TMP/out")"
fi
"$PROG" check -q --max-errors 1000 --max-leaks 1000 --fail-on W1 --allow-unchecked W1 "$TMP/w.jsonl" > "$TMP/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^  skip  rules    W1 .*: not checked: no packet capture' "$TMP/out"; then
	pass "join/check-W1-allow-unchecked"
else
	fail "join/check-W1-allow-unchecked: exit $rc $(head -c 400 "$TMP/out")"
fi
"$PROG" check -q --allow-unchecked W9 "$TMP/w.jsonl" > /dev/null 2>&1
ok "join/check-allow-unchecked-bad-rule" test $? = 2

# The gate fails safe (issue 13): the capture shifted 1.5 s early joins no
# flow (analyze says joined 0 unjoined 2), so W1 is not checked and
# --fail-on W1 fails, with the reason, in the text, JUnit and GitHub output
"$PROG" analyze -q --pcap-offset -1.5s "$TMP/w.jsonl" "$TMP/w.pcap" > "$TMP/a.txt" 2>&1
ok "join/offset-joins-nothing" grep -q 'joined 0  unjoined 2' "$TMP/a.txt"
"$PROG" check -q --fail-on W1 --pcap-offset -1.5s --junit "$TMP/w1.xml" "$TMP/w.jsonl" "$TMP/w.pcap" > "$TMP/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q '^offtrace check: FAIL' "$TMP/out" &&
   grep -q '^  FAIL  rules    W1 .*: not checked: no flow of the captures joined to a tcp or host object' "$TMP/out" &&
   ! grep -q 'W1 .*: no violations' "$TMP/out"; then
	pass "join/offset-W1-not-checked-fails"
else
	fail "join/offset-W1-not-checked-fails: exit $rc $(head -c 600 "$TMP/out")"
fi
for r in W2 W3; do
	ok "join/offset-$r-not-checked" grep -q "^  skip  rules    $r .*: not checked: no flow of the captures joined" "$TMP/out"
done
ok "join/offset-W1-junit-failure" sh -c "grep -A1 'name=\"W1 ' '$TMP/w1.xml' | grep -q '<failure message=\"not checked: no flow of the captures joined'"
"$PROG" check -q --format github --fail-on W1 --pcap-offset -1.5s "$TMP/w.jsonl" "$TMP/w.pcap" > "$TMP/gh" 2>&1
ok "join/offset-W1-github-error" grep -q '^::error title=rules W1 [^:]*::not checked: no flow of the captures joined' "$TMP/gh"

# a capture that stops before the offload began (only the handshake): the
# connection is joined, but the capture does not cover the offload window,
# so W1 and W2 are not checked; W3 has the SYN and is
head -c $((24 + 3 * 70)) testdata/rules/W2-ok-gap-while-offloaded.pcap > "$TMP/hs.pcap"
"$PROG" analyze -q --format json testdata/rules/W2-ok-gap-while-offloaded.jsonl "$TMP/hs.pcap" > "$TMP/hs.json" 2> "$TMP/err"
ok "join/handshake-only-joined" grep -q '"capture": { "packets": 3, "flows": 1, "joined": 1, "unjoined": 0 }' "$TMP/hs.json"
for r in W1 W2; do
	ok "join/handshake-only-$r-not-checked" grep -q "\"id\": \"$r\".*\"status\": \"not_checked\".*\"reason\": \"no packet of the captures after a joined object's offload began" "$TMP/hs.json"
done
ok "join/handshake-only-W3-checked" grep -q '"id": "W3".*"status": "checked", "count": 0' "$TMP/hs.json"
"$PROG" analyze -q --format json testdata/rules/W2-ok-gap-while-offloaded.jsonl testdata/rules/W2-ok-gap-while-offloaded.pcap > "$TMP/full.json" 2> "$TMP/err"
ok "join/full-capture-W2-checked" grep -q '"id": "W2".*"status": "checked", "count": 0' "$TMP/full.json"
# a capture that began after the connection opened (no SYN): W3 not checked
dd if=testdata/rules/W2-ok-gap-while-offloaded.pcap of="$TMP/nosyn.body" bs=1 skip=$((24 + 2 * 70)) 2> /dev/null
{ head -c 24 testdata/rules/W2-ok-gap-while-offloaded.pcap; cat "$TMP/nosyn.body"; } > "$TMP/nosyn.pcap"
"$PROG" analyze -q --format json testdata/rules/W2-ok-gap-while-offloaded.jsonl "$TMP/nosyn.pcap" > "$TMP/ns.json" 2> "$TMP/err"
ok "join/no-syn-W3-not-checked" grep -q '"id": "W3".*"status": "not_checked".*"reason": "no syn of a joined connection' "$TMP/ns.json"
ok "join/no-syn-W2-checked" grep -q '"id": "W2".*"status": "checked"' "$TMP/ns.json"

# --grace: a longer grace than the 2 s the scenario allows finds no W1
"$PROG" analyze -q --format json --grace 10s "$TMP/w.jsonl" "$TMP/w.pcap" > "$TMP/g.json" 2> "$TMP/err"
ok "join/grace-10s-no-W1" grep -q '"id": "W1".*"checked", "count": 0' "$TMP/g.json"
"$PROG" analyze -q --format json --grace 1500ms "$TMP/w.jsonl" "$TMP/w.pcap" > "$TMP/g.json" 2> "$TMP/err"
ok "join/grace-1.5s-two-W1" grep -q '"id": "W1".*"checked", "count": 2' "$TMP/g.json"
"$PROG" analyze -q --grace soon "$TMP/w.jsonl" > /dev/null 2>&1
ok "join/bad-grace" test $? = 2
"$PROG" analyze -q --pcap-offset 1.5 "$TMP/w.jsonl" > /dev/null 2>&1
ok "join/bad-pcap-offset" test $? = 2

# --pcap-offset moves pcap packets by exactly the offset
"$PROG" ingest -q --db "$TMP/o.db" --pcap-offset -1.25s "$TMP/w.jsonl" "$TMP/w.pcap" 2> "$TMP/err" || fail "join/offset-ingest: $(cat "$TMP/err")"
a=$(q "$TMP/w.db" 'SELECT min(first_ns) FROM flows')
b=$(q "$TMP/o.db" 'SELECT min(first_ns) FROM flows')
ok "join/pcap-offset-shifts" test "$((a - b))" = 1250000000
ok "join/pcap-offset-unjoins" test "$(q "$TMP/o.db" 'SELECT count(*) FROM flow_objects')" = 0

# packets inside an .etl (NDIS-PacketCapture 1001): flows, never shifted
if [ -x "$MKPCAP" ] && "$MKPCAP" --etl "$TMP/p.etl" && "$MKPCAP" "$TMP/p.pcap"; then
	"$PROG" flows -q "$TMP/p.pcap" > "$TMP/f1"
	"$PROG" flows -q "$TMP/p.etl" > "$TMP/f2"
	ok "join/etl-packets-flows" cmp -s "$TMP/f1" "$TMP/f2"
	"$PROG" dump "$TMP/p.etl" > "$TMP/d"
	ok "join/etl-packets-dump" grep -q ' if=12 out ethernet 60/60 10.0.0.1:40000 > 10.0.0.2:80 TCP S seq=1000 .*pid=4 tid=88$' "$TMP/d"
	"$PROG" ingest -q --db "$TMP/e1.db" "$TMP/p.etl" 2> "$TMP/err" || fail "join/etl-ingest: $(cat "$TMP/err")"
	"$PROG" ingest -q --db "$TMP/e2.db" --pcap-offset +3600s "$TMP/p.etl" 2> "$TMP/err" || fail "join/etl-ingest-offset: $(cat "$TMP/err")"
	a=$(q "$TMP/e1.db" 'SELECT group_concat(first_ns) FROM flows')
	b=$(q "$TMP/e2.db" 'SELECT group_concat(first_ns) FROM flows')
	ok "join/etl-packets-not-shifted" test -n "$a" -a "$a" = "$b"
	ok "join/etl-packets-counted" test "$(q "$TMP/e1.db" "SELECT value FROM meta WHERE key = 'capture_packets'")" = 31
else
	fail "join/mkpcap --etl"
fi
# the trace as .etl (TCPIP 1099 host objects join by time) with its capture
for sc in host-tcpip im-stack wire-close; do
	"$PROG" gen "$sc" -o "$TMP/$sc.etl" --pcapng "$TMP/$sc.pcapng" 2> "$TMP/err" || fail "join/etl/$sc: gen: $(cat "$TMP/err")"
	"$PROG" analyze -q --format json "$TMP/$sc.etl" "$TMP/$sc.pcapng" > "$TMP/$sc.json" 2> "$TMP/err"
	if "$BUILD/tests/truthcmp" "$TMP/$sc.json" "$TMP/$sc.etl.truth.json" > "$TMP/diff" 2>&1; then
		pass "join/etl/$sc"
	else
		fail "join/etl/$sc: $(cat "$TMP/err") $(head -c 1000 "$TMP/diff")"
	fi
done
exit 0
