#!/bin/sh
# Packet captures: dump and flows against tcpdump and tshark on the corpus
# (../shared/corpus, skipped when absent) and on a capture written by
# tests/tools/mkpcap; damaged captures exit 2 naming file and offset.
. tests/lib.sh

MKPCAP=$BUILD/tests/mkpcap
have_tcpdump=0; command -v tcpdump >/dev/null 2>&1 && have_tcpdump=1
have_tshark=0; command -v tshark >/dev/null 2>&1 && have_tshark=1

# ns timestamps of every packet, by offtrace and by the reference
ot_times() { "$PROG" dump --format jsonl "$1" 2>/dev/null | sed -n 's/.*"ts_ns":\([0-9]*\).*/\1/p'; }
td_times() { tcpdump -r "$1" -tt --nano -n 2>/dev/null | awk '{ sub(/\./, "", $1); sub(/^0+/, "", $1); print ($1 == "" ? 0 : $1) }'; }
ts_times() { tshark -r "$1" -T fields -e frame.time_epoch 2>/dev/null | awk '{ sub(/\./, "", $1); sub(/^0+/, "", $1); print ($1 == "" ? 0 : $1) }'; }

# count, first, last of a list of times
summ() { awk 'NR == 1 { f = $1 } { l = $1 } END { print NR, f, l }'; }

check_read() {	# NAME FILE REF(tcpdump|tshark)
	ot_times "$2" | summ > "$TMP/ot"
	if [ "$3" = tcpdump ]; then td_times "$2" | summ > "$TMP/ref"; else ts_times "$2" | summ > "$TMP/ref"; fi
	if cmp -s "$TMP/ot" "$TMP/ref"; then
		pass "pcap/read/$1 ($(cat "$TMP/ot") = $3)"
	else
		fail "pcap/read/$1: offtrace $(cat "$TMP/ot"), $3 $(cat "$TMP/ref")"
	fi
}

# flows normalized to "lo hi frames_lohi bytes_lohi frames_hilo bytes_hilo"
ot_conv() {
	"$PROG" flows -q "$1" | awk -F, 'NR > 1 {
		a = $1 ":" $2; b = $3 ":" $4
		if (a < b) print a, b, $5, $6, $7, $8; else print b, a, $7, $8, $5, $6 }' | sort
}
ts_conv() {
	tshark -q -z conv,tcp -r "$1" 2>/dev/null | awk '$2 == "<->" {
		# A <-> B  fr_ba by_ba "bytes" fr_ab by_ab "bytes" ...
		a = $1; b = $3; fba = $4; bba = $5; fab = $7; bab = $8
		if (a < b) print a, b, fab, bab, fba, bba; else print b, a, fba, bba, fab, bab }' | sort
}
check_flows() {	# NAME FILE
	ot_conv "$2" > "$TMP/ot.conv"
	ts_conv "$2" > "$TMP/ts.conv"
	if [ ! -s "$TMP/ts.conv" ] && [ ! -s "$TMP/ot.conv" ]; then
		pass "pcap/flows/$1 (no TCP, both)"
	elif cmp -s "$TMP/ot.conv" "$TMP/ts.conv"; then
		pass "pcap/flows/$1 ($(wc -l < "$TMP/ot.conv") flows = tshark)"
	else
		fail "pcap/flows/$1: offtrace [$(tr '\n' ';' < "$TMP/ot.conv")] tshark [$(tr '\n' ';' < "$TMP/ts.conv")]"
	fi
}

# bad input: exit 2, file and offset named, no crash
check_bad() {	# NAME FILE [CMD]
	cmd=${3:-dump}
	"$PROG" $cmd "$2" > /dev/null 2> "$TMP/err"
	rc=$?
	if [ $rc -ne 2 ]; then
		fail "pcap/bad/$1: exit $rc, want 2: $(head -c 300 "$TMP/err")"
	elif ! grep -qF "offtrace: $2:" "$TMP/err" || ! grep -q 'offset=[0-9]' "$TMP/err"; then
		fail "pcap/bad/$1: message lacks file or offset: $(cat "$TMP/err")"
	else
		pass "pcap/bad/$1"
	fi
}

# --- generated captures -------------------------------------------------
if [ ! -x "$MKPCAP" ]; then
	fail "pcap: $MKPCAP not built"
	exit 0
fi
"$MKPCAP" "$TMP/g.pcap" && "$MKPCAP" --ng "$TMP/g.pcapng" || { fail "pcap: mkpcap"; exit 0; }
ok "pcap/gen-count" test "$("$PROG" dump --count "$TMP/g.pcap")" = "31 packets"
ok "pcap/gen-ng-count" test "$("$PROG" dump --count "$TMP/g.pcapng")" = "31 packets"
"$PROG" flows -q "$TMP/g.pcap" > "$TMP/f1"
"$PROG" flows -q "$TMP/g.pcapng" > "$TMP/f2"
ok "pcap/gen-pcap-pcapng-same-flows" cmp -s "$TMP/f1" "$TMP/f2"
ok "pcap/gen-4-flows" test "$(wc -l < "$TMP/f1")" = 5
ok "pcap/gen-retrans" grep -q '^10.0.0.1,40000,10.0.0.2,80,5,394,5,688,.*,0,1,0,0,closed$' "$TMP/f1"
ok "pcap/gen-ooo-ipv6-qinq" grep -q '^2001:db8::1,40002,2001:db8::2,22,6,562,3,546,.*,0,0,1,0,closed$' "$TMP/f1"
ok "pcap/gen-rst-vlan" grep -q '^10.0.1.1,40001,10.0.1.2,443,.*,reset$' "$TMP/f1"
ok "pcap/gen-midstream" grep -q '^192.168.1.9,5001,192.168.1.1,6001,2,138,1,60,.*,midstream$' "$TMP/f1"
"$PROG" flows -q --format jsonl "$TMP/g.pcap" > "$TMP/f.jsonl"
ok "pcap/flows-jsonl" test "$(grep -c '^{"a_addr":.*"state":"[a-z_]*"}$' "$TMP/f.jsonl")" = 4
"$PROG" dump "$TMP/g.pcapng" > "$TMP/d"
ok "pcap/gen-ng-comment-dir" grep -q ' in  ethernet 60/60 10.0.0.1:40000 > 10.0.0.2:80 TCP S seq=1000 .*# packet 3$' "$TMP/d"
if [ $have_tcpdump = 1 ]; then
	check_read gen.pcap "$TMP/g.pcap" tcpdump
	check_read gen.pcapng "$TMP/g.pcapng" tcpdump
else
	skip "pcap/read/gen: tcpdump not installed (apt-get install tcpdump)"
fi
if [ $have_tshark = 1 ]; then
	check_flows gen.pcap "$TMP/g.pcap"
	check_flows gen.pcapng "$TMP/g.pcapng"
else
	skip "pcap/flows/gen: tshark not installed (apt-get install tshark)"
fi

# --- captures written by offtrace gen ---------------------------------
for sc in clean partial im-stack host-tcpip wire-close syn-delay; do
	if ! "$PROG" gen "$sc" -o "$TMP/$sc.jsonl" --pcap "$TMP/$sc.pcap" --pcapng "$TMP/$sc.pcapng" 2> "$TMP/err"; then
		fail "pcap/gen/$sc: $(cat "$TMP/err")"
		continue
	fi
	"$PROG" flows -q "$TMP/$sc.pcap" > "$TMP/f1"
	"$PROG" flows -q "$TMP/$sc.pcapng" > "$TMP/f2"
	ok "pcap/gen/$sc/pcap-pcapng-same-flows" cmp -s "$TMP/f1" "$TMP/f2"
	if [ $have_tshark = 1 ]; then
		check_flows "gen-$sc.pcap" "$TMP/$sc.pcap"
		check_flows "gen-$sc.pcapng" "$TMP/$sc.pcapng"
	fi
	if [ $have_tcpdump = 1 ]; then
		check_read "gen-$sc.pcapng" "$TMP/$sc.pcapng" tcpdump
	fi
	# the flows an ingest stores are the flows 'offtrace flows' lists
	"$PROG" ingest -q --db "$TMP/$sc.db" "$TMP/$sc.jsonl" "$TMP/$sc.pcap" 2> "$TMP/err" ||
		fail "pcap/gen/$sc/ingest: $(cat "$TMP/err")"
	"$PROG" query "$TMP/$sc.db" "SELECT a_addr, a_port, b_addr, b_port, frames_ab, bytes_ab, frames_ba, bytes_ba FROM flows ORDER BY id" |
		tail -n +2 | tr -d '"' > "$TMP/q"
	tail -n +2 "$TMP/f1" | cut -d, -f1-8 > "$TMP/c"
	ok "pcap/gen/$sc/stored-flows" cmp -s "$TMP/q" "$TMP/c"
done
[ $have_tshark = 1 ] || skip "pcap/flows/gen-scenarios: tshark not installed (apt-get install tshark)"
# a capture alone is an analysis too: flows, nothing joined, W1-W3 not checked
"$PROG" analyze -q --format json "$TMP/clean.pcap" > "$TMP/a.json" 2> "$TMP/err"
ok "pcap/analyze-capture-only" grep -q '"capture": { "packets": 8, "flows": 1, "joined": 0, "unjoined": 1 }' "$TMP/a.json"
ok "pcap/analyze-capture-only-W-not-checked" grep -q '"id": "W1".*"not_checked"' "$TMP/a.json"

# --- damaged captures ---------------------------------------------------
sz=$(wc -c < "$TMP/g.pcap")
head -c $((sz - 10)) "$TMP/g.pcap" > "$TMP/trunc.pcap"
check_bad truncated-record "$TMP/trunc.pcap"
head -c 30 "$TMP/g.pcap" > "$TMP/trunc-hdr.pcap"
check_bad truncated-record-header "$TMP/trunc-hdr.pcap" flows
head -c 20 "$TMP/g.pcap" > "$TMP/short.pcap"
check_bad truncated-file-header "$TMP/short.pcap"
sz=$(wc -c < "$TMP/g.pcapng")
head -c $((sz - 10)) "$TMP/g.pcapng" > "$TMP/trunc.pcapng"
check_bad truncated-block "$TMP/trunc.pcapng"
head -c 70 "$TMP/g.pcapng" > "$TMP/trunc2.pcapng"
check_bad truncated-block-header "$TMP/trunc2.pcapng" flows
"$MKPCAP" --bad snaplen "$TMP/snap.pcap" && check_bad caplen-over-snaplen "$TMP/snap.pcap"
"$MKPCAP" --ng --bad blocklen "$TMP/bl.pcapng" && check_bad block-length-not-4 "$TMP/bl.pcapng"
"$MKPCAP" --ng --bad huge "$TMP/huge.pcapng" && check_bad block-length-2^32-1 "$TMP/huge.pcapng" flows
"$MKPCAP" --ng --bad tail "$TMP/tail.pcapng" && check_bad block-trailer-differs "$TMP/tail.pcapng"
# random byte flips: exit 0 or 2, never a crash; 2 names file and offset
bad=0
for f in g.pcap g.pcapng; do
	sz=$(wc -c < "$TMP/$f")
	i=1
	while [ $i -le 40 ]; do
		cp "$TMP/$f" "$TMP/flip"
		j=0
		while [ $j -lt 4 ]; do
			pos=$(( (i * 7919 + j * 104729) % sz ))
			val=$(( (i * 31 + j * 17) % 256 ))
			printf "$(printf '\\%03o' $val)" | dd of="$TMP/flip" bs=1 seek=$pos conv=notrunc 2>/dev/null
			j=$((j + 1))
		done
		for cmd in dump flows; do
			"$PROG" $cmd "$TMP/flip" > /dev/null 2> "$TMP/err"
			rc=$?
			if [ $rc -ne 0 ] && { [ $rc -ne 2 ] || ! grep -q 'offset=' "$TMP/err"; }; then
				bad=$((bad + 1))
				echo "flip $f $i $cmd: rc=$rc $(head -c 300 "$TMP/err")" >&2
			fi
		done
		i=$((i + 1))
	done
done
ok "pcap/bad/random-flips (160 runs)" test $bad = 0

# --- the corpus ---------------------------------------------------------
C=$SHARED/corpus
if [ ! -d "$C/pcap" ] || [ ! -d "$C/pcapng" ]; then
	skip "pcap/corpus: $C not present"
	exit 0
fi
for f in "$C"/pcap/*.pcap* "$C"/pcapng/*.pcapng; do
	[ -e "$f" ] || continue
	name=$(basename "$f")
	case $name in
	test006.pcapng|test101.pcapng)
		# libpcap (so tcpdump) refuses these: count from the generator's
		# description, times from tshark
		want=$(awk '$1 == "EPB:" || $1 == "SPB:" { n += $2 } END { print n + 0 }' "${f%.pcapng}.txt")
		ok "pcap/walker/$name ($want packets)" test "$("$PROG" dump --count "$f")" = "$want packets"
		if [ $have_tshark = 1 ]; then check_read "$name" "$f" tshark; else skip "pcap/read/$name: no tshark"; fi
		;;
	*)
		if [ $have_tcpdump = 1 ]; then check_read "$name" "$f" tcpdump; else skip "pcap/read/$name: no tcpdump"; fi
		;;
	esac
	if [ "$name" = bigtcp-ipv6.pcap ]; then
		# IPv6 Payload Length 0: tshark 4.0 does not decode BIG TCP and
		# finds no TCP; tests/cli/offload-frames.sh checks the flow
		# against tcpdump's .out
		skip "pcap/flows/$name: tshark does not decode BIG TCP (offload-frames.sh checks it)"
	elif [ $have_tshark = 1 ]; then check_flows "$name" "$f"; else skip "pcap/flows/$name: no tshark"; fi
done
"$PROG" dump "$C/pcapng/test009.pcapng" > "$TMP/d9"
ok "pcap/test009-comment" grep -q '# test009-1$' "$TMP/d9"
ok "pcap/test009-flags" grep -q 'flags=0x48000000 # test009-2$' "$TMP/d9"
exit 0
