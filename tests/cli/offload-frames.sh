#!/bin/sh
# Offload-sized frames (issue 12): a capture taken above the miniport sees
# the stack's large sends before segmentation.  IPv4 Total Length 0 (TSO,
# BIG TCP), IPv6 Payload Length 0 (BIG TCP) and IPv6 jumbograms (RFC 2675)
# take their length from the frame or the Jumbo Payload option, count in
# their flow with their bytes, and dump says where the length came from.
#
# Expected values never come from offtrace: for the fixtures of
# testdata/pcap/ from tshark's and tcpdump's decodings saved beside them
# (X.tshark, X.out; compared with the installed tools' when there are), and
# for the IPv6 BIG TCP one, which neither tool decodes, from what its
# writer built (X.expect, testdata/pcap/make-fixtures.py); for the corpus
# files from tcpdump's own .out beside them.
. tests/lib.sh

D=testdata/pcap
F="-e frame.number -e frame.len -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e ip.len -e ipv6.plen -e ipv6.opt.jumbo -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e tcp.ack_raw -e tcp.len"
have_tshark=0; command -v tshark >/dev/null 2>&1 && have_tshark=1
have_tcpdump=0; command -v tcpdump >/dev/null 2>&1 && have_tcpdump=1

# per TCP frame "n frame_len sport dport seq ack tcp_len" of a reference
ref_frames() {
	awk -F'\t' 'NR > 1 && $10 != "" { print $1, $2, $10, $11, $12, $13, $14 }' "$1"
}
# the same from offtrace dump --format jsonl
ot_frames() {
	"$PROG" dump --format jsonl "$1" | sed -n 's/^{"n":\([0-9]*\),.*"len":\([0-9]*\),.*"sport":\([0-9]*\),"dport":\([0-9]*\),.*"seq":\([0-9]*\),"ack":\([0-9]*\),"payload":\([0-9]*\).*/\1 \2 \3 \4 \5 \6 \7/p'
}
# "n real_length" of the offload-sized frames, by the reference: IPv4
# packets longer than the 1500-byte Ethernet MTU (RFC 894), the fixtures'
# TSO sends, with tshark's ip.len (its "presumed TSO" length); IPv6 with a
# Jumbo Payload option the option plus the 40-byte IPv6 header (RFC 2675:
# the option counts the packet without it); IPv6 Payload Length 0 without
# one the frame less its 14-byte Ethernet II header
ref_real() {
	awk -F'\t' 'NR > 1 && $9 != "" { print $1, $9 + 40; next }
		NR > 1 && $8 == "0" { print $1, $2 - 14; next }
		NR > 1 && $7 != "" && $7 > 1500 { print $1, $7 }' "$1"
}
ot_real() {
	"$PROG" dump --format jsonl "$1" | sed -n 's/^{"n":\([0-9]*\),.*"real_len":\([0-9]*\),.*/\1 \2/p'
}
# flows as "a b frames_ab bytes_ab frames_ba bytes_ba", a the first sender
ref_flows() {
	awk -F'\t' 'NR > 1 && $10 != "" {
		s = ($3 != "" ? $3 : $5) ":" $10; d = ($4 != "" ? $4 : $6) ":" $11
		k = s < d ? s " " d : d " " s
		if (!(k in first)) { first[k] = s; order[++n] = k }
		if (s == first[k]) { fab[k]++; bab[k] += $2 } else { fba[k]++; bba[k] += $2 }
	} END {
		for (i = 1; i <= n; i++) {
			k = order[i]; split(k, e, " "); a = first[k]; b = (e[1] == a ? e[2] : e[1])
			print a, b, fab[k] + 0, bab[k] + 0, fba[k] + 0, bba[k] + 0
		}
	}' "$1" | sort
}
ot_flows() {
	"$PROG" flows -q "$1" | awk -F, 'NR > 1 { print $1 ":" $2, $3 ":" $4, $5, $6, $7, $8 }' | sort
}

check_fixture() {	# NAME REF-FILE OFFLOAD-FRAMES
	f=$D/$1.pcap
	ref_frames "$2" > "$TMP/rf"
	ot_frames "$f" > "$TMP/of"
	if [ -s "$TMP/rf" ] && cmp -s "$TMP/rf" "$TMP/of"; then
		pass "offload/$1: every TCP frame's length, ports, seq, ack, payload = $(basename "$2")"
	else
		fail "offload/$1: frames: reference [$(tr '\n' ';' < "$TMP/rf")] offtrace [$(tr '\n' ';' < "$TMP/of")]"
	fi
	ref_real "$2" > "$TMP/rr"
	ot_real "$f" > "$TMP/or"
	if [ "$(wc -l < "$TMP/rr")" = "$3" ] && cmp -s "$TMP/rr" "$TMP/or"; then
		pass "offload/$1: real lengths of the $3 offload-sized frames"
	else
		fail "offload/$1: real lengths: reference [$(tr '\n' ';' < "$TMP/rr")] offtrace [$(tr '\n' ';' < "$TMP/or")]"
	fi
	ref_flows "$2" > "$TMP/rfl"
	ot_flows "$f" > "$TMP/ofl"
	if [ -s "$TMP/rfl" ] && cmp -s "$TMP/rfl" "$TMP/ofl"; then
		pass "offload/$1: flows ($(wc -l < "$TMP/ofl"), frames and bytes each way)"
	else
		fail "offload/$1: flows: reference [$(tr '\n' ';' < "$TMP/rfl")] offtrace [$(tr '\n' ';' < "$TMP/ofl")]"
	fi
	"$PROG" flows "$f" 2> "$TMP/err" > /dev/null
	ok "offload/$1: no frame counted bad" grep -q ', 0 truncated, 0 bad$' "$TMP/err"
}

# --- fixtures (testdata/pcap, regressions named after the cause) --------
for n in ipv4-tso-total-length-0 ipv6-jumbo-tcp; do
	if [ $have_tshark = 1 ]; then
		tshark -r "$D/$n.pcap" -T fields -E header=y $F > "$TMP/live" 2>/dev/null
		ok "offload/$n: the saved tshark decoding is the installed tshark's" cmp -s "$TMP/live" "$D/$n.tshark"
	else
		skip "offload/$n: tshark not installed, the saved decoding is used"
	fi
done
check_fixture ipv4-tso-total-length-0 "$D/ipv4-tso-total-length-0.tshark" 2
check_fixture ipv6-jumbo-tcp "$D/ipv6-jumbo-tcp.tshark" 1
check_fixture ipv6-bigtcp-payload-length-0 "$D/ipv6-bigtcp-payload-length-0.expect" 1

# what dump says, in tcpdump's words: IPv4 "presumed TSO" up to 65535
# bytes, "presumed BIG TCP" past (tcpdump(1), IPv4 Packets); IPv6 Payload
# Length 0 "presumed BIG TCP" (tcpdump's bigtcp-ipv6.out); the jumbo
# length as tcpdump prints it ("HBH (jumbo: N)" in ipv6-jumbo-tcp.out)
"$PROG" dump "$D/ipv4-tso-total-length-0.pcap" > "$TMP/d"
ok "offload/ipv4-tso: dump says presumed TSO" grep -q '^     4 .* 4054/4054 .* len=4000 \[real length 4040, presumed TSO\]$' "$TMP/d"
ok "offload/ipv4-bigtcp: dump says presumed BIG TCP, snapped frame" grep -q '^     9 .* 128/70054 .* len=70000 \[real length 70040, presumed BIG TCP\]$' "$TMP/d"
"$PROG" dump "$D/ipv6-bigtcp-payload-length-0.pcap" > "$TMP/d"
ok "offload/ipv6-bigtcp: dump says presumed BIG TCP" grep -q '^     4 .* 128/90074 .* len=90000 \[real length 90060, presumed BIG TCP\]$' "$TMP/d"
jumbo=$(sed -n 's/.*HBH (jumbo: \([0-9]*\)).*/\1/p' "$D/ipv6-jumbo-tcp.out")
if [ $have_tcpdump = 1 ]; then
	tcpdump -nn -v -e -r "$D/ipv6-jumbo-tcp.pcap" > "$TMP/live" 2>/dev/null
	ok "offload/ipv6-jumbo: the saved tcpdump decoding is the installed tcpdump's" cmp -s "$TMP/live" "$D/ipv6-jumbo-tcp.out"
fi
"$PROG" dump "$D/ipv6-jumbo-tcp.pcap" > "$TMP/d"
ok "offload/ipv6-jumbo: dump gives tcpdump's jumbo length ($jumbo)" \
	grep -q "^     4 .* TCP P\\. .* \\[real length $((jumbo + 40)), jumbo $jumbo\\]\$" "$TMP/d"

# --- the corpus: tcpdump's own decoding in the .out beside each file -----
C=$SHARED/corpus/pcap
if [ ! -e "$C/bigtcp-ipv6.pcap" ] || [ ! -e "$C/bigtcp-ipv6.out" ]; then
	skip "offload/corpus: $C/bigtcp-ipv6.pcap not present"
	exit 0
fi
# "... payload length 0) [real length R, presumed BIG TCP] A.P > B.Q: Flags [P.], ...,
#  seq S:E, ack K, ..., length L"
o=$(cat "$C/bigtcp-ipv6.out")
real=$(printf '%s\n' "$o" | sed -n 's/.*\[real length \([0-9]*\), presumed BIG TCP\].*/\1/p')
ends=$(printf '%s\n' "$o" | sed -n 's/.*BIG TCP\] \([0-9a-f:]*\)\.\([0-9]*\) > \([0-9a-f:]*\)\.\([0-9]*\): Flags \[\([^]]*\)\].* seq \([0-9]*\):[0-9]*, ack \([0-9]*\),.* length \([0-9]*\)$/[\1]:\2 > [\3]:\4 TCP \5 seq=\6 ack=\7 len=\8/p')
"$PROG" dump "$C/bigtcp-ipv6.pcap" > "$TMP/d" 2> "$TMP/err"
if [ -n "$real" ] && [ -n "$ends" ] && grep -qF " $ends [real length $real, presumed BIG TCP]" "$TMP/d"; then
	pass "offload/corpus/bigtcp-ipv6: dump = tcpdump's .out ($ends, real length $real)"
else
	fail "offload/corpus/bigtcp-ipv6: dump [$(cat "$TMP/d")], tcpdump's .out gives '$ends' real length '$real'"
fi
# in its flow with its bytes: the frame is the real IPv6 length plus the
# 14-byte Ethernet II header (tcpdump -e prints the frame length too)
frame=$((real + 14))
if [ $have_tcpdump = 1 ]; then
	frame=$(tcpdump -nn -e -r "$C/bigtcp-ipv6.pcap" 2>/dev/null | sed -n 's/.*, length \([0-9]*\): .*/\1/p')
fi
a=$(printf '%s\n' "$o" | sed -n 's/.*BIG TCP\] \([0-9a-f:]*\)\.\([0-9]*\) > \([0-9a-f:]*\)\.\([0-9]*\):.*/\1,\2,\3,\4/p')
"$PROG" flows -q "$C/bigtcp-ipv6.pcap" > "$TMP/f"
ok "offload/corpus/bigtcp-ipv6: flows counts it ($a, 1 frame, $frame bytes)" \
	test "$(tail -n +2 "$TMP/f" | cut -d, -f1-8)" = "$a,1,$frame,0,0"
"$PROG" flows "$C/bigtcp-ipv6.pcap" 2> "$TMP/err" > /dev/null
ok "offload/corpus/bigtcp-ipv6: not counted bad" grep -q ' 1 TCP, 1 flows .*, 0 bad$' "$TMP/err"

# "... length F: (..., payload length 0) A > B: HBH (jumbo: J)  ... ICMP6, ..."
o=$(cat "$C/ipv6_jumbogram_1.out")
frame=$(printf '%s\n' "$o" | sed -n 's/.*ethertype IPv6 (0x86dd), length \([0-9]*\):.*/\1/p')
jumbo=$(printf '%s\n' "$o" | sed -n 's/.*HBH (jumbo: \([0-9]*\)).*/\1/p')
ends=$(printf '%s\n' "$o" | sed -n 's/.*payload length 0) \([0-9a-f:]*\) > \([0-9a-f:]*\): HBH.*ICMP6.*/\1 > \2/p')
"$PROG" dump "$C/ipv6_jumbogram_1.pcap" > "$TMP/d"
# ICMPv6 is IP protocol 58 (IANA protocol numbers)
if [ -n "$jumbo" ] && [ -n "$ends" ] &&
   grep -qF " $frame/$frame $ends proto=58 [real length $((jumbo + 40)), jumbo $jumbo]" "$TMP/d"; then
	pass "offload/corpus/ipv6_jumbogram_1: dump = tcpdump's .out (jumbo $jumbo, frame $frame)"
else
	fail "offload/corpus/ipv6_jumbogram_1: dump [$(cat "$TMP/d")], tcpdump's .out gives '$ends' jumbo '$jumbo' frame '$frame'"
fi
# an ICMPv6 echo request: IP, but no TCP flow to count it in
"$PROG" flows "$C/ipv6_jumbogram_1.pcap" 2> "$TMP/err" > /dev/null
ok "offload/corpus/ipv6_jumbogram_1: counted as other IP, not bad" grep -q ' 1 other IP, .*, 0 bad$' "$TMP/err"
exit 0
