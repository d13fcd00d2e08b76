#!/bin/sh
# The ingest progress bar: on a pseudo-terminal (util-linux script) it
# appears (file name, bytes, events/s, ETA) and is cleared at the end; with
# stderr to a file or a pipe, with -q or --no-progress, it never appears.
# Pass/fail does not depend on timing: the bar is drawn at least once on a
# terminal however fast the ingest.
. tests/lib.sh

"$PROG" gen scale --objects 20000 -o "$TMP/big.jsonl" > /dev/null 2>&1 ||
	fail "progress/gen"

# no terminal: nothing but the summary line, whatever the options
"$PROG" ingest --db "$TMP/f.db" "$TMP/big.jsonl" 2> "$TMP/err-file"
ok "progress/file-ingest-ok" [ $? -eq 0 ]
no_bar() {	# NAME FILE
	if grep -q 'reading' "$2" || [ "$(tr -cd '\r' < "$2" | wc -c)" -ne 0 ]; then
		fail "progress/$1: $(od -c "$2" | head -n 5)"
	else
		pass "progress/$1"
	fi
}
no_bar stderr-file "$TMP/err-file"
ok "progress/stderr-file-summary" grep -q 'trace 1: .* events from 1 input' "$TMP/err-file"
"$PROG" ingest --db "$TMP/p.db" "$TMP/big.jsonl" 2>&1 >/dev/null | cat > "$TMP/err-pipe"
no_bar stderr-pipe "$TMP/err-pipe"
"$PROG" analyze "$TMP/big.jsonl" 2> "$TMP/err-analyze" > /dev/null
no_bar analyze-stderr-file "$TMP/err-analyze"

if ! command -v script > /dev/null 2>&1; then
	skip "progress/tty: util-linux script not installed"
	exit 0
fi
tty_run() {	# OUT CMD: CMD on a pty of 100 columns, what it wrote in OUT
	out=$1; shift
	script -qc "stty cols 100; $*" /dev/null < /dev/null > "$out" 2>&1
}
tty_run "$TMP/tty" "'$PROG' ingest --db '$TMP/t.db' '$TMP/big.jsonl'"
ok "progress/tty-bar" grep -q 'reading big.jsonl' "$TMP/tty"
ok "progress/tty-bar-fields" grep -q 'MiB.*%.*ev/s ETA' "$TMP/tty"
ok "progress/tty-carriage-return" [ "$(tr -cd '\r' < "$TMP/tty" | wc -c)" -gt 0 ]
# cleared before the summary: the summary starts right after spaces and \r
ok "progress/tty-cleared" grep -q "$(printf ' \r')offtrace: $TMP/t.db: trace 1" "$TMP/tty"
# no drawing is wider than the terminal (99 columns, the last kept free)
w=$(tr '\r' '\n' < "$TMP/tty" | awk '/reading/ { if (length($0) > m) m = length($0) } END { print m + 0 }')
ok "progress/tty-width ($w)" test "$w" -gt 0 -a "$w" -le 99
tty_run "$TMP/tty-q" "'$PROG' ingest -q --db '$TMP/q.db' '$TMP/big.jsonl'"
if grep -q 'reading' "$TMP/tty-q"; then fail "progress/tty-quiet"; else pass "progress/tty-quiet"; fi
tty_run "$TMP/tty-np" "'$PROG' ingest --no-progress --db '$TMP/np.db' '$TMP/big.jsonl'"
if grep -q 'reading' "$TMP/tty-np"; then fail "progress/tty-no-progress"; else pass "progress/tty-no-progress"; fi
ok "progress/tty-no-progress-summary" grep -q 'trace 1:' "$TMP/tty-np"
# stderr to a file while stdout is the terminal: still no bar
tty_run "$TMP/tty-2f" "'$PROG' ingest --db '$TMP/f2.db' '$TMP/big.jsonl' 2> '$TMP/err2'"
no_bar tty-stderr-file "$TMP/err2"
# several inputs: the first named, with the count of the others
"$PROG" gen clean -o "$TMP/small.jsonl" > /dev/null 2>&1
tty_run "$TMP/tty-2" "'$PROG' ingest --db '$TMP/two.db' '$TMP/big.jsonl' '$TMP/small.jsonl'"
ok "progress/tty-several-inputs" grep -q 'reading big.jsonl +1' "$TMP/tty-2"
# an archive: its base name and the member being read
mkdir -p "$TMP/ci/logs"
cp "$TMP/big.jsonl" "$TMP/small.jsonl" "$TMP/ci/logs/"
(cd "$TMP/ci" && tar czf "$TMP/artifacts.tar.gz" logs)
tty_run "$TMP/tty-ar" "'$PROG' ingest --db '$TMP/ar.db' '$TMP/artifacts.tar.gz'"
ok "progress/tty-archive-member" grep -q 'reading .*gz:logs/[a-z]*.jsonl +1' "$TMP/tty-ar"
exit 0
