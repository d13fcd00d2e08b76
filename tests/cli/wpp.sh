#!/bin/sh
# offtrace dump FILE.txt (tracefmt text) and dump FILE.etl --tmf DIR: binary WPP messages of a synthetic .etl
# (written by test_wpp --write-etl with ot_etlw_raw) decoded with the TMF in
# testdata/wpp and printed as tracefmt does; messages without a TMF dumped
# raw and counted; arguments that overrun their record give exit 2.
. tests/lib.sh

# tracefmt text: default prefix, -seq, pktmon, EventTrace, No Format lines
T2=testdata/wpp/tracefmt.txt
"$PROG" dump "$T2" > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc = 0 ]; then pass "wpptext/exit"; else fail "wpptext/exit: $rc $(cat "$TMP/err")"; fi
n=$(wc -l < "$TMP/out")
if [ "$n" = 6 ]; then pass "wpptext/messages"; else fail "wpptext/messages: $n"; fi
ok "wpptext/counts" grep -q '10 lines: 6 messages, 2 "No Format Information found.", 1 EventTrace, 1 other lines skipped' "$TMP/err"
# tracefmt's local time, of no known zone: printed as written, without Z
ok "wpptext/default" grep -qx '2003-10-23T12:27:40.173000000 line=2 cpu=0 pid=0x0888 tid=0x0D60 \[tracedrv\] IOCTL = 1' "$TMP/out"
ok "wpptext/seq" grep -q '^2003-07-25T13:55:39.998000000 line=3 .* seq=00004ea4 \[tracedrv\] IOCTL = 1$' "$TMP/out"
ok "wpptext/fraction" grep -q '^2020-05-31T16:46:30.355123000 line=5 cpu=0 pid=0x44D8 tid=0x44D0 ' "$TMP/out"
ok "wpptext/pktmon" grep -q '^2026-09-26T03:52:57.290944700 line=8 cpu=9 ' "$TMP/out"
"$PROG" dump --format jsonl "$T2" > "$TMP/out.jsonl" 2>/dev/null
ok "wpptext/jsonl" grep -q '^{"line":3,"ts_ns":1059141339998000000,"time":"2003-07-25T13:55:39.998000000",.*"seq":20132,"friendly":"tracedrv","text":"IOCTL = 1"}$' "$TMP/out.jsonl"
# with --tz-offset the times are converted, and then they are UTC
"$PROG" dump --tz-offset +02:00 "$T2" > "$TMP/out" 2>/dev/null
ok "wpptext/tz-utc" grep -qx '2003-10-23T10:27:40.173000000Z line=2 cpu=0 pid=0x0888 tid=0x0D60 \[tracedrv\] IOCTL = 1' "$TMP/out"
"$PROG" dump --format jsonl --tz-offset -05:30 "$T2" > "$TMP/out.jsonl" 2>/dev/null
ok "wpptext/tz-utc-jsonl" grep -q '^{"line":2,"ts_ns":1066931860173000000,"time":"2003-10-23T17:57:40.173000000Z",' "$TMP/out.jsonl"
if command -v jq >/dev/null 2>&1; then
	ok "wpptext/jsonl-valid" jq -e . "$TMP/out.jsonl" > /dev/null
fi
n=$("$PROG" dump --count "$T2" 2>/dev/null)
if [ "$n" = "6 records" ]; then pass "wpptext/count"; else fail "wpptext/count: $n"; fi
# a 1 MiB line is read; a line over the limit is an error with its line
{ printf 'EventTrace\n[0]0004.0008::01/02/2024-03:04:05.006 [big]'; head -c 1048576 /dev/zero | tr '\0' x; printf '\n'; } > "$TMP/big.txt"
n=$("$PROG" dump --format jsonl "$TMP/big.txt" 2>/dev/null | wc -c)
if [ "$n" -gt 1048576 ]; then pass "wpptext/1mib-line"; else fail "wpptext/1mib-line: $n bytes"; fi
{ printf 'EventTrace\n[0]0004.0008::01/02/2024-03:04:05.006 [big]'; head -c 3000000 /dev/zero | tr '\0' x; printf '\n'; } > "$TMP/huge.txt"
"$PROG" dump "$TMP/huge.txt" > /dev/null 2> "$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q 'huge.txt:2: line longer than' "$TMP/err"; then pass "wpptext/overlong"; else fail "wpptext/overlong: $rc $(cat "$TMP/err")"; fi

T=$BUILD/tests/test_wpp
if [ ! -x "$T" ]; then
	skip "wpp: $T not built"
	exit 0
fi
"$T" --write-etl "$TMP/w.etl" || { fail "wpp: cannot write the synthetic .etl"; exit 0; }
"$T" --write-etl "$TMP/bad.etl" --bad || { fail "wpp: cannot write the bad .etl"; exit 0; }

"$PROG" dump --tmf testdata/wpp "$TMP/w.etl" > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc = 0 ]; then pass "wpp/dump-exit"; else fail "wpp/dump-exit: $rc $(cat "$TMP/err")"; fi
cat > "$TMP/want" <<'END'
[0]0AF4.0C64::11/14/2023-22:13:20.001 [ofdrv] [MiniportInitiateOffload] --> Entry
[1]0AF4.0C64::11/14/2023-22:13:20.002 [ofdrv] [MiniportInitiateOffload] offload block FFFFE0012A4C33B8 context 0000000000000000 status 0x00000103(STATUS_PENDING)
[0]0AF4.0C64::11/14/2023-22:13:20.003 [ofdrv] count=-5 hex=0000ABCD u=7 big=1234567890 c=A s=-2
[1]0AF4.0C64::11/14/2023-22:13:20.004 [ofdrv] [OffloadState] name=eth0 wname=wä state=Offloaded flags=Push|Fin addr=192.168.1.10:8080 hr=0x00000000(S_OK)
[0]0AF4.0C64::11/14/2023-22:13:20.005 [ofdrv] guid=6b1c4a8e-2f3d-4e5a-9b7c-0d1e2f3a4b5c level=TRACE_LEVEL_WARNING flags=TRACE_OFFLOAD 100% done
END
grep '^\[' "$TMP/out" > "$TMP/got"
if cmp -s "$TMP/want" "$TMP/got"; then pass "wpp/tracefmt-lines"; else fail "wpp/tracefmt-lines: $(diff "$TMP/want" "$TMP/got" | head -n 6)"; fi
n=$(grep -c ' wpp .* id=99 ' "$TMP/out")
if [ "$n" = 2 ]; then pass "wpp/no-tmf-dumped-raw"; else fail "wpp/no-tmf-dumped-raw: $n lines"; fi
ok "wpp/no-tmf-counted" grep -q '5 WPP messages decoded, 2 without a TMF' "$TMP/err"
ok "wpp/no-tmf-per-number" grep -q '6b1c4a8e-2f3d-4e5a-9b7c-0d1e2f3a4b5c #99: 2' "$TMP/err"

# jsonl: one object per decoded message with the rendered text
"$PROG" dump --tmf testdata/wpp --format jsonl "$TMP/w.etl" > "$TMP/out.jsonl" 2>/dev/null
n=$(grep -c '"hdr":"wpp","guid":"6b1c4a8e-2f3d-4e5a-9b7c-0d1e2f3a4b5c","number":1[0-4],.*"text":"\[' "$TMP/out.jsonl")
if [ "$n" = 5 ]; then pass "wpp/jsonl"; else fail "wpp/jsonl: $n objects"; fi
if command -v jq >/dev/null 2>&1; then
	ok "wpp/jsonl-valid" jq -e . "$TMP/out.jsonl" > /dev/null
fi

# without --tmf every WPP record is dumped raw
n=$("$PROG" dump "$TMP/w.etl" 2>/dev/null | grep -c ' wpp ')
if [ "$n" = 7 ]; then pass "wpp/raw-without-tmf"; else fail "wpp/raw-without-tmf: $n"; fi

# arguments overrunning their record: rendered with <?>, named, exit 2
"$PROG" dump --tmf testdata/wpp "$TMP/bad.etl" > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q 'context <?> status <?>' "$TMP/out" &&
   grep -q 'offset [0-9]*: WPP arguments overrun the record' "$TMP/err"; then
	pass "wpp/overrun"
else
	fail "wpp/overrun: exit $rc $(cat "$TMP/err")"
fi

# a bad --tmf directory or file: exit 2 with file:line
"$PROG" dump --tmf "$TMP/none" "$TMP/w.etl" > /dev/null 2> "$TMP/err"
rc=$?
if [ $rc = 2 ]; then pass "wpp/tmf-dir-missing"; else fail "wpp/tmf-dir-missing: $rc"; fi
mkdir "$TMP/badtmf"
printf '6b1c4a8e-2f3d-4e5a-9b7c-0d1e2f3a4b5c x\n#typev a_c1 1 "x"\n{\nv, ItemNope -- 10\n}\n' > "$TMP/badtmf/6b1c4a8e-2f3d-4e5a-9b7c-0d1e2f3a4b5c.tmf"
"$PROG" dump --tmf "$TMP/badtmf" "$TMP/w.etl" > /dev/null 2> "$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q 'c.tmf:4: unknown argument type' "$TMP/err"; then
	pass "wpp/tmf-dir-bad-file"
else
	fail "wpp/tmf-dir-bad-file: $rc $(cat "$TMP/err")"
fi

# regression (friendly-name-null-prefix): a --prefix without %1 leaves the
# friendly name NULL; dump --format jsonl copied from it (UB, stopped the
# sanitizer build)
if "$PROG" dump --format jsonl --prefix '[%9!d!]%8!04X!.%3!04X!::%4!s! ' testdata/wpp/tracefmt.txt \
	> "$TMP/nofriendly.jsonl" 2>/dev/null &&
   grep -q '"friendly":"","text":"\[tracedrv\]IOCTL = 1"' "$TMP/nofriendly.jsonl"; then
	pass "wpp/friendly-name-null-prefix"
else
	fail "wpp/friendly-name-null-prefix"
fi
exit 0
