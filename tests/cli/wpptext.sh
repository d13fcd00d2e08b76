#!/bin/sh
# Real tracefmt text (issue 12): UTF-16 text is read as its UTF-8 form and
# never taken for an .etl; text no prefix matches is told about --prefix;
# %!FUNC! takes C++ qualified names; continuation lines stay with their
# message; times without a zone are not called UTC.  Every expectation
# comes from the files themselves (iconv, grep, awk, sha256sum, wc) or is
# written out by hand, never from offtrace's own output.
. tests/lib.sh

T=testdata/wpp/tracefmt.txt
C=testdata/wpp/continuation-tab.txt
F=testdata/wpp/func-cpp-qualified.txt
FP='[%9!d!]%8!04X!.%3!04X!::%4!s! [%1!s!]%!FUNC!:'
U=$SHARED/corpus/text/usbip-ude.txt
UP='[%9]%3!04x! %!LEVEL! %!FUNC!:'

# FILE ENC [nobom]: FILE in UTF-16 (ENC le or be), with a byte-order mark
# unless told otherwise
utf16() {
	if [ "$2" = le ]; then
		[ "$3" = nobom ] || printf '\377\376'
		iconv -f UTF-8 -t UTF-16LE "$1"
	else
		[ "$3" = nobom ] || printf '\376\377'
		iconv -f UTF-8 -t UTF-16BE "$1"
	fi
}

if ! command -v jq > /dev/null 2>&1; then
	skip "wpptext: jq not installed (apt-get install jq)"
	exit 0
fi
if ! command -v iconv > /dev/null 2>&1; then
	skip "wpptext/utf16: iconv not installed"
else
	# dump of UTF-16 text: the messages and counts of its UTF-8 form, both formats
	"$PROG" dump "$T" > "$TMP/u8.out" 2> "$TMP/u8.err"
	"$PROG" dump --format jsonl "$T" > "$TMP/u8.jsonl" 2> /dev/null
	for v in "le bom" "be bom" "le nobom" "be nobom"; do
		set -- $v
		name=utf16$1-$2
		utf16 "$T" $1 $2 > "$TMP/$name.txt"
		"$PROG" dump "$TMP/$name.txt" > "$TMP/out" 2> "$TMP/err"
		rc=$?
		"$PROG" dump --format jsonl "$TMP/$name.txt" > "$TMP/out.jsonl" 2> /dev/null
		sed "s#$TMP/$name.txt#$T#" "$TMP/err" > "$TMP/err2"
		if [ $rc = 0 ] && [ -s "$TMP/u8.out" ] && cmp -s "$TMP/u8.out" "$TMP/out" &&
		   cmp -s "$TMP/u8.jsonl" "$TMP/out.jsonl" && cmp -s "$TMP/u8.err" "$TMP/err2"; then
			pass "wpptext/dump-$name"
		else
			fail "wpptext/dump-$name: exit $rc $(diff "$TMP/u8.out" "$TMP/out" | head -n 4) $(cat "$TMP/err")"
		fi
	done

	# analyze of UTF-16 text: the report of its UTF-8 form; the input's
	# hash and size are those of the bytes as stored
	D=testdata/profiles
	utf16 "$D/acme.txt" le bom > "$TMP/acme16.txt"
	"$PROG" analyze -q --db :memory: --format json --profile "$D/acme.json" --tz-offset +02:00 \
		"$D/acme.txt" > "$TMP/a8.json" 2> "$TMP/err"
	"$PROG" analyze -q --db :memory: --format json --profile "$D/acme.json" --tz-offset +02:00 \
		"$TMP/acme16.txt" > "$TMP/a16.json" 2>> "$TMP/err"
	rc=$?
	grep -v '"trace":' "$TMP/a8.json" > "$TMP/a"
	grep -v '"trace":' "$TMP/a16.json" > "$TMP/b"
	if [ $rc = 0 ] && [ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b"; then
		pass "wpptext/analyze-utf16le-bom"
	else
		fail "wpptext/analyze-utf16le-bom: exit $rc $(diff "$TMP/a" "$TMP/b" | head -n 6) $(cat "$TMP/err")"
	fi
	ok "wpptext/utf16-sha256-as-stored" grep -q "\"sha256\": \"$(sha "$TMP/acme16.txt")\", \"size\": $(wc -c < "$TMP/acme16.txt" | tr -d ' ')," "$TMP/a16.json"
	ok "wpptext/utf16-counts" grep -q '"records": 20, "events": 17, "unmatched": 3' "$TMP/a16.json"

	# a generated scenario in UTF-16BE without a byte-order mark
	"$PROG" gen late-write --format text -o "$TMP/late.txt" > /dev/null 2>&1
	utf16 "$TMP/late.txt" be nobom > "$TMP/late16.txt"
	"$PROG" analyze -q --db :memory: --format json "$TMP/late.txt" 2> /dev/null | grep -v '"trace":' > "$TMP/a"
	"$PROG" analyze -q --db :memory: --format json "$TMP/late16.txt" 2> "$TMP/err" | grep -v '"trace":' > "$TMP/b"
	if [ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b"; then
		pass "wpptext/analyze-utf16be-nobom"
	else
		fail "wpptext/analyze-utf16be-nobom: $(diff "$TMP/a" "$TMP/b" | head -n 6) $(cat "$TMP/err")"
	fi

	# the real driver's log in UTF-16LE: the same messages as in UTF-8
	if [ -f "$U" ]; then
		utf16 "$U" le bom > "$TMP/usbip16.txt"
		"$PROG" dump --prefix "$UP" "$U" > "$TMP/a" 2> /dev/null
		"$PROG" dump --prefix "$UP" "$TMP/usbip16.txt" > "$TMP/b" 2> /dev/null
		rc=$?
		if [ $rc = 0 ] && [ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b"; then
			pass "wpptext/corpus-usbip-utf16le-bom"
		else
			fail "wpptext/corpus-usbip-utf16le-bom: exit $rc $(diff "$TMP/a" "$TMP/b" | head -n 4)"
		fi
		# without its prefix: the --prefix hint, never an ETL error
		"$PROG" dump "$TMP/usbip16.txt" > /dev/null 2> "$TMP/err"
		rc=$?
		if [ $rc = 2 ] && grep -q -- "--prefix" "$TMP/err" && ! grep -q 'ETL' "$TMP/err"; then
			pass "wpptext/corpus-usbip-utf16-no-prefix"
		else
			fail "wpptext/corpus-usbip-utf16-no-prefix: exit $rc $(cat "$TMP/err")"
		fi
	else
		skip "wpptext/corpus-usbip-utf16: $U not present"
	fi

	# UTF-16 text no prefix matches: text, not binary, never an .etl
	printf 'hello\r\nworld\r\n' > "$TMP/hello.txt"
	utf16 "$TMP/hello.txt" le bom > "$TMP/hello16.txt"
	"$PROG" analyze -q --db :memory: "$TMP/hello16.txt" > /dev/null 2> "$TMP/err"
	rc=$?
	if [ $rc = 2 ] && grep -q 'not a recognized trace format (text data;.*see --prefix' "$TMP/err"; then
		pass "wpptext/analyze-utf16-text"
	else
		fail "wpptext/analyze-utf16-text: exit $rc $(cat "$TMP/err")"
	fi
	printf '\377\376\r\000\n\000' > "$TMP/bom-only.txt"
	"$PROG" analyze -q --db :memory: "$TMP/bom-only.txt" > /dev/null 2> "$TMP/err"
	rc=$?
	if [ $rc = 2 ] && grep -q 'empty input' "$TMP/err"; then
		pass "wpptext/analyze-utf16-empty"
	else
		fail "wpptext/analyze-utf16-empty: exit $rc $(cat "$TMP/err")"
	fi
fi

# dump of text no known prefix matches: a text error pointing at --prefix,
# exit 2, no ETL error; bytes that are no text still get the ETL reader's
printf 'hello\r\nworld\r\n' > "$TMP/hello.txt"
"$PROG" dump "$TMP/hello.txt" > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -q "hello.txt:1: text, but its first line has no tracefmt prefix .*--prefix '" "$TMP/err" &&
   ! grep -q 'ETL' "$TMP/err"; then
	pass "wpptext/dump-text-prefix-hint"
else
	fail "wpptext/dump-text-prefix-hint: exit $rc $(cat "$TMP/err")"
fi
printf '\001\002\003\000binary' > "$TMP/bin.dat"
"$PROG" dump "$TMP/bin.dat" > /dev/null 2> "$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q 'not an ETL file' "$TMP/err"; then
	pass "wpptext/dump-binary-etl-error"
else
	fail "wpptext/dump-binary-etl-error: exit $rc $(cat "$TMP/err")"
fi
# with --prefix, text is read as tracefmt (no hint) even when nothing matches
"$PROG" dump --prefix "$FP" "$TMP/hello.txt" > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc = 0 ] && [ ! -s "$TMP/out" ] && grep -q '2 lines: 0 messages, .* 2 other lines skipped' "$TMP/err"; then
	pass "wpptext/dump-prefix-no-match"
else
	fail "wpptext/dump-prefix-no-match: exit $rc $(cat "$TMP/err")"
fi

# continuation lines (testdata/wpp/continuation-tab.txt): the texts awk
# builds from the file (an indented line after a message joins it; after
# a "No Format" line, EventTrace or other text it does not) are the texts
# of the messages, and the count matches
awk '
	{ sub(/\r$/, "") }
	/^\[[0-9]+\][0-9A-F]+\.[0-9A-F]+::/ {
		t = $0
		sub(/^\[[0-9]+\][0-9A-F]+\.[0-9A-F]+::[0-9\/:. -]+ \[[^]]*\]/, "", t)
		if (t ~ /No Format Information found/) { inmsg = 0; next }
		print t; inmsg = 1; next
	}
	/^[ \t]/ { if (inmsg) { print; n++ } ; next }
	{ inmsg = 0 }
	END { print n > "/dev/stderr" }' "$C" > "$TMP/want" 2> "$TMP/want.n"
"$PROG" dump --format jsonl "$C" > "$TMP/out.jsonl" 2> "$TMP/err"
rc=$?
jq -r '.text' "$TMP/out.jsonl" > "$TMP/got" 2>/dev/null
if [ $rc = 0 ] && [ "$(cat "$TMP/want.n")" -gt 0 ] && cmp -s "$TMP/want" "$TMP/got"; then
	pass "wpptext/continuation-tab-texts"
else
	fail "wpptext/continuation-tab-texts: exit $rc $(diff "$TMP/want" "$TMP/got" | head -n 6)"
fi
ok "wpptext/continuation-tab-count" grep -q "(with $(cat "$TMP/want.n") continuation lines)" "$TMP/err"
# the text form prints them after their message, as written
"$PROG" dump "$C" > "$TMP/out" 2> /dev/null
tr -d '\r' < "$C" | grep '^[	 ]' | grep -v 'DEADBEEF\|after a garbage' > "$TMP/want"
grep '^[	 ]' "$TMP/out" > "$TMP/got"
if [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got"; then
	pass "wpptext/continuation-tab-text-form"
else
	fail "wpptext/continuation-tab-text-form: $(diff "$TMP/want" "$TMP/got" | head -n 6)"
fi

# %!FUNC! with C++ names (testdata/wpp/func-cpp-qualified.txt): the
# function of each line as written there, by hand
cat > "$TMP/want" <<'END'
nic::Adapter::Halt
`anonymous namespace'::getaddrinfo
``anonymous namespace'::create_endpoint_queue'::`2'::<lambda_1>::<lambda_invoker_cdecl><void
nic::Adapter::~Adapter
plain_c_function
nic::Adapter::operator ()
Counter
nic::Adapter::Halt
END
"$PROG" dump --format jsonl --prefix "$FP" "$F" > "$TMP/out.jsonl" 2> /dev/null
jq -r '.func' "$TMP/out.jsonl" > "$TMP/got" 2>/dev/null
if cmp -s "$TMP/want" "$TMP/got"; then pass "wpptext/func-cpp-qualified"; else fail "wpptext/func-cpp-qualified: $(diff "$TMP/want" "$TMP/got" | head -n 6)"; fi
ok "wpptext/func-cpp-text" grep -q '"func":"plain_c_function","text":"peer 10.0.0.1:445"}$' "$TMP/out.jsonl"
"$PROG" dump --prefix "$FP" "$F" 2> /dev/null | sed -n 3p > "$TMP/got"
ok "wpptext/func-cpp-text-form" grep -qF "[nic] \`\`anonymous namespace'::create_endpoint_queue'::\`2'::<lambda_1>::<lambda_invoker_cdecl><void: Queue ea684738 cleanup" "$TMP/got"
# a profile rule of a qualified function matches its messages; the others
# are counted under their whole function names
n=$(grep -c 'nic::Adapter::Halt:' "$F")
"$PROG" analyze -q --db :memory: --format json --prefix "$FP" --profile testdata/wpp/func-cpp-qualified.json "$F" > "$TMP/out.json" 2> "$TMP/err"
rc=$?
if [ $rc = 0 ] && grep -q "\"records\": 8, \"events\": $n, \"unmatched\": $((8 - n))," "$TMP/out.json"; then
	pass "wpptext/func-cpp-profile-rule"
else
	fail "wpptext/func-cpp-profile-rule: exit $rc $(grep '"trace"' "$TMP/out.json") $(cat "$TMP/err")"
fi
"$PROG" profile stats --prefix "$FP" "$F" > "$TMP/out" 2> /dev/null
ok "wpptext/func-cpp-stats-key" grep -q "^ *1  \`anonymous namespace'::getaddrinfo\$" "$TMP/out"

# the real driver's log (../shared/corpus/text/usbip-ude.txt): with its
# prefix, every function name whole (awk: up to the first ':' that is not
# part of a '::') and every tab-indented continuation line kept
if [ -f "$U" ]; then
	awk '
		{ sub(/\r$/, "") }
		/^\[[0-9]+\][0-9a-f]+ [A-Z_]+ / {
			s = $0
			sub(/^\[[0-9]+\][0-9a-f]+ [A-Z_]+ /, "", s)
			if (match(s, /^([^:]|::)*:/)) print substr(s, 1, RLENGTH - 1); else print "?"
		}' "$U" > "$TMP/want"
	"$PROG" dump --format jsonl --prefix "$UP" "$U" > "$TMP/out.jsonl" 2> /dev/null
	jq -r '.func' "$TMP/out.jsonl" > "$TMP/got" 2>/dev/null
	ncpp=$(grep -c '::' "$TMP/want")
	if [ "$ncpp" -gt 0 ] && cmp -s "$TMP/want" "$TMP/got"; then
		pass "wpptext/corpus-usbip-func ($ncpp C++ names of $(wc -l < "$TMP/want"))"
	else
		fail "wpptext/corpus-usbip-func: $(diff "$TMP/want" "$TMP/got" | head -n 6)"
	fi
	"$PROG" dump --prefix "$UP" "$U" > "$TMP/out" 2> "$TMP/err"
	tr -d '\r' < "$U" | grep '^	' > "$TMP/want"
	grep '^	' "$TMP/out" > "$TMP/got"
	nc=$(wc -l < "$TMP/want" | tr -d ' ')
	nm=$(grep -c '^\[' "$U")
	if [ "$nc" -gt 0 ] && cmp -s "$TMP/want" "$TMP/got" &&
	   [ "$(grep -vc '^	' "$TMP/out")" = "$nm" ] &&
	   grep -q "$(wc -l < "$U" | tr -d ' ') lines: $nm messages (with $nc continuation lines), .* 0 other lines skipped" "$TMP/err"; then
		pass "wpptext/corpus-usbip-continuation ($nc lines)"
	else
		fail "wpptext/corpus-usbip-continuation: $(diff "$TMP/want" "$TMP/got" | head -n 4) $(cat "$TMP/err")"
	fi
else
	skip "wpptext/corpus-usbip: $U not present"
fi

# the HTML report says local too, and then its times have no Z
"$PROG" analyze -q --db :memory: --html "$TMP/r.html" --prefix "$FP" \
	--profile testdata/wpp/func-cpp-qualified.json "$F" > /dev/null 2>&1
"$PROG" analyze -q --db :memory: --html "$TMP/r2.html" --tz-offset +02:00 --prefix "$FP" \
	--profile testdata/wpp/func-cpp-qualified.json "$F" > /dev/null 2>&1
if grep -q '<p>span 2024-03-05T14:00:00.000000000 \.\. 2024-03-05T14:00:00.007000000 ([0-9.]*ms), local time, zone unknown' "$TMP/r.html" &&
   ! grep -q '2024-03-05T[0-9:.]*Z' "$TMP/r.html" &&
   grep -q '<p>span 2024-03-05T12:00:00.000000000Z \.\. 2024-03-05T12:00:00.007000000Z ([0-9.]*ms), [0-9]* events' "$TMP/r2.html"; then
	pass "wpptext/report-html-local"
else
	fail "wpptext/report-html-local: $(grep -o '<p>span[^<]*' "$TMP/r.html" "$TMP/r2.html")"
fi

# the JSON report stays valid against its schema, times local or not
if python3 -c 'import jsonschema' 2> /dev/null; then
	for tz in "" "--tz-offset +02:00"; do
		# shellcheck disable=SC2086
		"$PROG" analyze -q --db :memory: --format json $tz --prefix "$FP" \
			--profile testdata/wpp/func-cpp-qualified.json "$F" > "$TMP/r.json" 2> /dev/null
		if [ -z "$tz" ]; then local=1; else local=0; fi
		if python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
			"$TMP/r.json" schemas/report.schema.json 2> "$TMP/err" &&
		   [ "$(grep -c '"times": "local"' "$TMP/r.json")" = $local ]; then
			pass "wpptext/report-schema${tz:+-tz}"
		else
			fail "wpptext/report-schema${tz:+-tz}: $(tail -n 3 "$TMP/err") $(grep '"trace"' "$TMP/r.json")"
		fi
	done
else
	skip "wpptext/report-schema: python3 jsonschema not installed"
fi
exit 0
