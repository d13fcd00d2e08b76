#!/bin/sh
# gen scale --objects N --pcap F writes the packets of every TCP object
# (it used to write a 24-byte header and no packet): the TCP objects are
# counted with awk in the events, the connections with tcpdump and tshark
# when installed, and the analysis of trace and capture equals the truth.
. tests/lib.sh

objs=700
for cap in pcap pcapng; do
	if ! "$PROG" gen scale --objects $objs --seed 3 -o "$TMP/s.jsonl" --$cap "$TMP/s.$cap" 2> "$TMP/err"; then
		fail "scale-pcap/$cap: gen failed: $(cat "$TMP/err")"
		continue
	fi
	# a TCP object is one tcp block of an initiate request
	tcp=$(awk '/"ev":"initiate"/ && /"state":"tcp"/ { n++ } END { print n + 0 }' "$TMP/s.jsonl")
	ok "scale-pcap/$cap/objects" test "$tcp" -eq $objs
	if command -v tcpdump >/dev/null 2>&1; then
		syn=$(tcpdump -nr "$TMP/s.$cap" 'tcp[tcpflags] == tcp-syn' 2>/dev/null | wc -l)
		fin=$(tcpdump -nr "$TMP/s.$cap" 'tcp[tcpflags] & tcp-fin != 0' 2>/dev/null | wc -l)
		# a SYN per connection, a FIN each way when it is closed
		ok "scale-pcap/$cap/tcpdump-syn" test "$syn" -eq "$tcp"
		ok "scale-pcap/$cap/tcpdump-fin" test "$fin" -eq $((2 * tcp))
	else
		skip "scale-pcap/$cap/tcpdump: not installed"
	fi
	if command -v tshark >/dev/null 2>&1; then
		conv=$(tshark -r "$TMP/s.$cap" -q -z conv,tcp 2>/dev/null | grep -c '<->')
		ok "scale-pcap/$cap/tshark-conversations" test "$conv" -eq "$tcp"
	else
		skip "scale-pcap/$cap/tshark: not installed"
	fi
	flows=$(sed -n 's/.*"capture": { "flows": \([0-9]*\), "joined": \([0-9]*\).*/\1 \2/p' "$TMP/s.jsonl.truth.json")
	ok "scale-pcap/$cap/truth-flows" test "$flows" = "$tcp $tcp"
	if [ -x "$BUILD/tests/truthcmp" ]; then
		"$PROG" analyze -q --format json "$TMP/s.jsonl" "$TMP/s.$cap" > "$TMP/r.json" 2> "$TMP/err"
		if "$BUILD/tests/truthcmp" "$TMP/r.json" "$TMP/s.jsonl.truth.json" > "$TMP/diff" 2>&1; then
			pass "scale-pcap/$cap/analysis-is-truth"
		else
			fail "scale-pcap/$cap/analysis-is-truth: $(cat "$TMP/err") $(head -c 1000 "$TMP/diff")"
		fi
	else
		fail "scale-pcap: $BUILD/tests/truthcmp not built"
	fi
done
# the capture does not change the events
"$PROG" gen scale --objects $objs --seed 3 -o "$TMP/t.jsonl" > /dev/null 2>&1
ok "scale-pcap/events-unchanged" cmp -s "$TMP/s.jsonl" "$TMP/t.jsonl"
exit 0
