#!/bin/sh
# Windows' packet loggers in .etl files (issue 12): pktmon captures (PktMon
# events 160, 170, 20) and netsh trace captures (NDIS-PacketCapture 1001).
#   - the real pktmon capture of ../shared/corpus: flows counts each packet
#     once, and the count equals the distinct (PktGroupId, PktNumber) of its
#     event 160 records whose frame is IP, computed here by a reading of
#     the raw payloads (python3, struct) written apart from offtrace's
#     decoder, from the published FramePayload layout;
#   - dump names the providers and prints appearances as packets;
#   - every gen scenario written as pktmon and as netsh captures gives the
#     report its truth file holds, as its pcap does; drops are evidence in
#     the objects' history and counted in the report and in flows;
#   - --appearances and --component.
. tests/lib.sh

cmp=$BUILD/tests/truthcmp
PKTMON_GUID=4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac	# microsoft/NetMon_Parsers_for_PacketMon

# count.py MODE COMPONENT < dump --format jsonl --payload: the event 160
# records' packets, by the layout of microsoft/NetMon_Parsers_for_PacketMon
# (u64 PktGroupId, u16 PktNumber, AppearanceCount, DirTag, PacketType,
# ComponentId, EdgeId, FilterId, u32 DropReason, DropLocation, u16
# OriginalPayloadSize, LoggedPayloadSize, then the payload at 34).
# MODE first: distinct (group, number) with an IP frame; all: IP frames.
cat > "$TMP/count.py" <<'EOF'
import json, struct, sys

mode, comp = sys.argv[1], int(sys.argv[2])
guid = sys.argv[3]

def is_ip(ptype, f):
    if ptype == 1:                      # Ethernet: skip 802.1Q/802.1ad tags
        if len(f) < 14:
            return False
        et, o = struct.unpack('>H', f[12:14])[0], 14
        while et in (0x8100, 0x88a8) and len(f) >= o + 4:
            et, o = struct.unpack('>H', f[o + 2:o + 4])[0], o + 4
        if et not in (0x0800, 0x86dd):
            return False
        ip = f[o:]
    elif ptype == 3:                    # raw IP
        ip = f
    else:
        return False
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        return (ip[0] & 15) * 4 >= 20 and len(ip) >= (ip[0] & 15) * 4
    return len(ip) >= 40 and ip[0] >> 4 == 6

keys, n = set(), 0
for line in sys.stdin:
    r = json.loads(line)
    # a record dumped as a packet carries its record in "record"
    r = r.get('record', r)
    if r.get('provider') != guid or r.get('id') != 160 or 'payload' not in r:
        continue
    p = bytes.fromhex(r['payload'])
    if len(p) < 34:
        continue
    group, number = struct.unpack_from('<QH', p, 0)
    ptype, component = struct.unpack_from('<HH', p, 14)
    logged = struct.unpack_from('<H', p, 32)[0]
    if comp >= 0 and component != comp:
        continue
    if not is_ip(ptype, p[34:34 + logged]):
        continue
    n += 1
    keys.add((group, number))
print(len(keys) if mode == 'first' else n)
EOF

# flows' packet count from its summary line
packets() { sed -n 's/^offtrace: flows: \([0-9]*\) packets,.*/\1/p' "$1"; }

corpus=$SHARED/corpus/pktmon/demikernel-PktMon.etl
if [ ! -f "$corpus" ]; then
	skip "pktmon/corpus: $corpus not present"
elif ! command -v python3 > /dev/null 2>&1; then
	skip "pktmon/corpus: python3 not installed (the independent count needs it)"
else
	"$PROG" dump --format jsonl --payload "$corpus" > "$TMP/c.jsonl" 2> "$TMP/err" ||
		fail "pktmon/corpus/dump: $(cat "$TMP/err")"
	"$PROG" flows "$corpus" > "$TMP/c.csv" 2> "$TMP/c.err"
	want=$(python3 "$TMP/count.py" first -1 $PKTMON_GUID < "$TMP/c.jsonl")
	got=$(packets "$TMP/c.err")
	if [ -n "$want" ] && [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then
		pass "pktmon/corpus/flows counts each packet once ($got)"
	else
		fail "pktmon/corpus/flows: $got packets, want $want: $(cat "$TMP/c.err")"
	fi
	ok "pktmon/corpus/flows says what pktmon held" \
		grep -q "^offtrace: flows: pktmon: 114 appearances of $want packets counted once each" "$TMP/c.err"
	ok "pktmon/corpus/flows drops" grep -q '^offtrace: flows: pktmon: 0 dropped packets$' "$TMP/c.err"
	"$PROG" flows --appearances all "$corpus" > /dev/null 2> "$TMP/a.err"
	want=$(python3 "$TMP/count.py" all -1 $PKTMON_GUID < "$TMP/c.jsonl")
	ok "pktmon/corpus/appearances-all ($want)" test "$(packets "$TMP/a.err")" = "$want"
	"$PROG" flows --component 61 "$corpus" > /dev/null 2> "$TMP/a.err"
	want=$(python3 "$TMP/count.py" all 61 $PKTMON_GUID < "$TMP/c.jsonl")
	ok "pktmon/corpus/component-61 ($want)" test "$(packets "$TMP/a.err")" = "$want"
	# dump: providers by name, appearances as packets with their component
	"$PROG" dump "$corpus" > "$TMP/c.txt" 2> "$TMP/err"
	ok "pktmon/corpus/dump-names-pktmon" grep -q ' Microsoft-Windows-PktMon/ComponentInfo id=20 ' "$TMP/c.txt"
	ok "pktmon/corpus/dump-names-sysconfigex" grep -q ' SystemConfigEx id=0 ' "$TMP/c.txt"
	ok "pktmon/corpus/dump-names-eventmetadata" grep -q ' EventMetadata id=0 ' "$TMP/c.txt"
	ok "pktmon/corpus/dump-no-bare-guid" sh -c "! grep -q '4d4f80d9-\\|9b79ee91-\\|bbccf6c1-' '$TMP/c.txt'"
	ok "pktmon/corpus/dump-packet" grep -q '^    21 2024-06-10T20:18:35.489172100Z comp=59 "Microsoft Hyper-V Network Adapter #3 (netvsc.sys)" edge=1 Rx Ethernet 98/98 group=1071654 pkt=1 app=1 filter=1 | ethernet 10.9.1.14 > 10.9.1.22 proto=1$' "$TMP/c.txt"
	ok "pktmon/corpus/dump-jsonl-packet" grep -q '"pktmon":{"group":1071655,"number":1,"appearance":3,"component":50,"component_name":"NETVSCVFPP (NULL)","edge":1' "$TMP/c.jsonl"
	# an analysis of the capture alone: its packets, no events
	rm -f "$TMP/c.db"
	"$PROG" ingest -q --db "$TMP/c.db" "$corpus" 2> "$TMP/err"
	ok "pktmon/corpus/ingest" test "$("$PROG" query "$TMP/c.db" "SELECT value FROM meta WHERE key = 'capture_packets'" | tail -n 1 | tr -d '"')" = 38
fi

# every scenario as a pktmon and as a netsh capture: the report its truth
# file holds, as its pcap gives
if [ ! -x "$cmp" ]; then
	fail "pktmon: $cmp not built"
	exit 0
fi
"$PROG" gen --list > "$TMP/list" || fail "pktmon/gen --list"
for sc in $(cut -d' ' -f1 "$TMP/list"); do
	args=""
	if [ "$sc" = scale ]; then
		# scale streams its pcap as it goes and keeps no connections to
		# write an .etl capture from afterwards: a usage error, said so
		"$PROG" gen scale --objects 300 -o "$TMP/sc.jsonl" --pktmon "$TMP/sc.etl" 2> "$TMP/err"
		if [ $? = 2 ] && grep -q 'not --pktmon or --netsh' "$TMP/err"; then
			pass "pktmon/gen/scale-refused"
		else
			fail "pktmon/gen/scale-refused: $(cat "$TMP/err")"
		fi
		continue
	fi
	if ! "$PROG" gen "$sc" $args -o "$TMP/$sc.jsonl" --pcap "$TMP/$sc.pcap" \
	     --pktmon "$TMP/$sc.pm.etl" --netsh "$TMP/$sc.ns.etl" 2> "$TMP/err"; then
		fail "pktmon/gen/$sc: $(cat "$TMP/err")"
		continue
	fi
	for cap in pm.etl ns.etl; do
		"$PROG" analyze -q --format json "$TMP/$sc.jsonl" "$TMP/$sc.$cap" > "$TMP/r.json" 2> "$TMP/err"
		if "$cmp" "$TMP/r.json" "$TMP/$sc.jsonl.truth.json" > "$TMP/diff" 2>&1; then
			pass "pktmon/gen/$sc/$cap"
		else
			fail "pktmon/gen/$sc/$cap: report differs from truth: $(cat "$TMP/err") $(head -c 1500 "$TMP/diff")"
		fi
	done
	"$PROG" flows "$TMP/$sc.pcap" > "$TMP/p.csv" 2> /dev/null
	"$PROG" flows "$TMP/$sc.pm.etl" > "$TMP/m.csv" 2> /dev/null
	"$PROG" flows "$TMP/$sc.ns.etl" > "$TMP/n.csv" 2> /dev/null
	ok "pktmon/gen/$sc/flows-as-pcap" sh -c "cmp -s '$TMP/p.csv' '$TMP/m.csv' && cmp -s '$TMP/p.csv' '$TMP/n.csv'"
done

# wire-close: the drops of received packets inside the offload windows
w=$TMP/wire-close
rm -f "$TMP/w.db"
"$PROG" ingest -q --db "$TMP/w.db" "$w.jsonl" "$w.pm.etl" 2> "$TMP/err" || fail "pktmon/drops/ingest: $(cat "$TMP/err")"
q() { "$PROG" query "$TMP/w.db" "$1" | tail -n +2 | tr -d '"'; }
ok "pktmon/drops/stored" test "$(q 'SELECT count(*) FROM drops')" = 3
ok "pktmon/drops/fields" test "$(q "SELECT component, component_name, dir, reason, reason_name, location, src, sport, dst, dport, flow_id FROM drops WHERE id = 1")" = "2,offtrace gen filter (genlwf.sys),Rx,8,Filtered,234881025,192.168.13.59,445,10.1.0.13,49263,1"
ok "pktmon/drops/objects" test "$(q "SELECT group_concat(drop_id || ':' || object_id) FROM drop_objects")" = "1:3,2:3,3:4"
"$PROG" report "$TMP/w.db" | tr -s ' \n' '  ' > "$TMP/r.txt"
ok "pktmon/drops/report" grep -q '\.pm\.etl (etl): 0 events from 31 records, 3 dropped packets (reason 8 Filtered at 0x0e000001: 3)' "$TMP/r.txt"
"$PROG" report --format json "$TMP/w.db" > "$TMP/r.json"
ok "pktmon/drops/report-json" grep -q '"drops": { "count": 3, "kinds": \[ { "reason": 8, "reason_name": "Filtered", "location": 234881025, "count": 3 } \] }' "$TMP/r.json"
slot=$(q 'SELECT ot_hex(slot) FROM objects WHERE id = 3')
"$PROG" show object "$slot" "$TMP/w.db" > "$TMP/so" 2> "$TMP/err"
ok "pktmon/drops/show-object" grep -q '^  2023-11-14T22:13:20.002692107Z component 2 (offtrace gen filter (genlwf.sys)) Rx reason 8 (Filtered) location 0x0e000001: 192.168.13.59:445 -> 10.1.0.13:49263 flow 1  (.*\.pm\.etl)$' "$TMP/so"
"$PROG" show flow 2 "$TMP/w.db" > "$TMP/sf" 2> "$TMP/err"
ok "pktmon/drops/show-flow" sh -c "grep -q '^packet drops:' '$TMP/sf' && test \$(grep -c ' reason 8 ' '$TMP/sf') = 1"
# an object without drops shows no drop section; the netsh capture has none
"$PROG" show object "$(q 'SELECT ot_hex(slot) FROM objects WHERE id = 1')" "$TMP/w.db" > "$TMP/so" 2> "$TMP/err"
ok "pktmon/drops/none-shown" sh -c "! grep -q 'packet drops' '$TMP/so'"
"$PROG" flows "$w.pm.etl" > /dev/null 2> "$TMP/f.err"
ok "pktmon/drops/flows-summary" grep -q '^offtrace: flows: pktmon: 3 dropped packets: reason 8 (Filtered) at location 0x0e000001: 3$' "$TMP/f.err"
"$PROG" dump "$w.pm.etl" > "$TMP/d.txt"
ok "pktmon/drops/dump" grep -q ' comp=2 "offtrace gen filter (genlwf.sys)" edge=1 Rx Ethernet 54/54 DROP reason=8 (Filtered) location=0x0e000001 group=' "$TMP/d.txt"
"$PROG" dump --format jsonl "$w.pm.etl" > "$TMP/d.jsonl"
ok "pktmon/drops/dump-jsonl" test "$(grep -c '"drop":true,"drop_reason":8,"drop_reason_name":"Filtered","drop_location":234881025' "$TMP/d.jsonl")" = 3

# --appearances all counts every appearance (7 packets at three
# components, the 3 dropped ones at the NIC only); --component 1 (the NIC)
# sees each packet once, as the pcap does (200 ns later when sent)
"$PROG" flows --appearances all "$w.pm.etl" > /dev/null 2> "$TMP/f.err"
ok "pktmon/appearances-all" test "$(packets "$TMP/f.err")" = 24
"$PROG" flows --component 1 "$w.pm.etl" 2> /dev/null | cut -d, -f1-8 > "$TMP/c1.csv"
"$PROG" flows "$w.pcap" 2> /dev/null | cut -d, -f1-8 > "$TMP/p.csv"
ok "pktmon/component-nic-as-pcap" cmp -s "$TMP/c1.csv" "$TMP/p.csv"
"$PROG" flows --component 3 "$w.pm.etl" > /dev/null 2> "$TMP/f.err"
ok "pktmon/component-tcpip" grep -q '^offtrace: flows: 7 packets, .*$' "$TMP/f.err"
ok "pktmon/component-tcpip-summary" grep -q '^offtrace: flows: pktmon: 24 appearances, 7 at component 3 counted, 17 at other components$' "$TMP/f.err"

# bad values are usage errors
for c in "flows --appearances some" "flows --component -1" "flows --component 65536" \
	 "analyze --appearances x" "check --component y"; do
	"$PROG" $c "$w.pm.etl" > /dev/null 2> "$TMP/err"
	rc=$?
	if [ $rc = 2 ] && grep -q "bad --" "$TMP/err"; then pass "pktmon/usage/$c"; else fail "pktmon/usage/$c: exit $rc $(cat "$TMP/err")"; fi
done
exit 0
