#!/bin/sh
# dump's text columns quote or escape names (issue 12): a provider or event
# name that is empty or holds a space, a control character, a double quote
# or a backslash is printed in double quotes with \" and \\ escaped and
# control characters as \xNN, so the columns split at spaces as they do for
# plain names.  The file, testdata/etl/dump-names-with-spaces.etl, is
# written by testdata/etl/make-fixtures.py (TraceLogging provider "Contoso
# Offload Provider", events "Offload Done" and say "hi"\path<TAB>x, and a
# plain Contoso-Plain/Plain); the expected lines are written here by hand
# from that rule.
. tests/lib.sh

f=testdata/etl/dump-names-with-spaces.etl
"$PROG" dump "$f" > "$TMP/d" 2> "$TMP/err"
ok "dump-names: exit 0, nothing on stderr" sh -c "[ $? = 0 ] && [ ! -s '$TMP/err' ]"
ok "dump-names: a name with spaces is quoted" \
	grep -qF ' event    "Contoso Offload Provider"/"Offload Done" id=1 v=0 ' "$TMP/d"
ok "dump-names: quote, backslash and tab are escaped" \
	grep -qF ' event    "Contoso Offload Provider"/"say \"hi\"\\path\x09x" id=2 v=0 ' "$TMP/d"
ok "dump-names: a plain name is left as it is" \
	grep -qF ' event    Contoso-Plain/Plain id=3 v=0 ' "$TMP/d"
ok "dump-names: no raw tab in the text" sh -c "! grep -q '	' '$TMP/d'"
# the columns: split as a shell splits words (quotes and backslashes
# honoured), every event line has as many as the plain one
if command -v python3 >/dev/null 2>&1; then
	python3 -c '
import shlex, sys
n = set(len(shlex.split(l)) for l in open(sys.argv[1]) if " event " in l)
sys.exit(0 if len(n) == 1 else 1)' "$TMP/d"
	ok "dump-names: every event line splits into the same columns" test $? = 0
else
	skip "dump-names: python3 not installed, columns not split"
fi
# JSON lines carry the names as JSON strings, unchanged
"$PROG" dump --format jsonl "$f" > "$TMP/j"
ok "dump-names: jsonl names unchanged" \
	grep -qF '"name":"Contoso Offload Provider","event":"say \"hi\"\\path\tx"' "$TMP/j"
exit 0
