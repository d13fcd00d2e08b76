#!/bin/sh
# The terminal report: colour only when asked or on a terminal (NO_COLOR,
# TERM=dumb and pipes turn it off), width from the terminal or $COLUMNS,
# histogram bars that follow the width, and no line longer than the width.
. tests/lib.sh

unset NO_COLOR COLUMNS
esc=$(printf '\033[')

"$PROG" gen late-write -o "$TMP/late.jsonl" > /dev/null 2>&1
"$PROG" gen scale --objects 300 -o "$TMP/scale.jsonl" > /dev/null 2>&1
"$PROG" ingest -q --db "$TMP/late.db" "$TMP/late.jsonl"
"$PROG" ingest -q --db "$TMP/scale.db" "$TMP/scale.jsonl"

has_esc() { grep -qF "$esc" "$1"; }

# --color=always: SGR sequences even into a pipe; never/auto into a pipe: none
"$PROG" report --color=always "$TMP/late.db" > "$TMP/always" 2> "$TMP/err"
ok "term/color-always-report" has_esc "$TMP/always"
"$PROG" analyze -q --color=always "$TMP/late.jsonl" > "$TMP/o" 2> "$TMP/err"
ok "term/color-always-analyze" has_esc "$TMP/o"
"$PROG" check -q --color=always "$TMP/late.jsonl" > "$TMP/o" 2> "$TMP/err"
ok "term/color-always-check" has_esc "$TMP/o"
"$PROG" report --color "$TMP/late.db" > "$TMP/o" 2> "$TMP/err"
ok "term/color-bare-is-always" has_esc "$TMP/o"
for w in never auto; do
	"$PROG" report --color=$w "$TMP/late.db" > "$TMP/o" 2> "$TMP/err"
	if has_esc "$TMP/o"; then fail "term/color-$w-pipe"; else pass "term/color-$w-pipe"; fi
done
"$PROG" report "$TMP/late.db" | cat > "$TMP/o"
if has_esc "$TMP/o"; then fail "term/default-pipe"; else pass "term/default-pipe"; fi
"$PROG" check -q --color=never "$TMP/late.jsonl" > "$TMP/o"
if has_esc "$TMP/o"; then fail "term/color-never-check"; else pass "term/color-never-check"; fi
# colour changes nothing but the escapes
sed "s/$(printf '\033')\[[0-9;]*m//g" "$TMP/always" > "$TMP/stripped"
"$PROG" report --color=never "$TMP/late.db" > "$TMP/never"
ok "term/color-only-adds-escapes" cmp -s "$TMP/stripped" "$TMP/never"
"$PROG" report --color=sometimes "$TMP/late.db" > /dev/null 2>&1
ok "term/color-bad-value" [ $? -eq 2 ]

# the width: $COLUMNS when not a terminal, 80 by default
longest() { awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$1"; }
barlen() { grep -o '##*' "$1" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'; }
for c in 40 60 80 120; do
	COLUMNS=$c "$PROG" report "$TMP/scale.db" > "$TMP/w$c" 2> "$TMP/err"
	COLUMNS=$c "$PROG" report "$TMP/late.db" >> "$TMP/w$c" 2> "$TMP/err"
	n=$(longest "$TMP/w$c")
	ok "term/width-$c-respected (longest $n)" [ "$n" -le "$c" ]
done
"$PROG" report "$TMP/scale.db" > "$TMP/wdef"
COLUMNS=80 "$PROG" report "$TMP/scale.db" > "$TMP/w80s"
COLUMNS=100 "$PROG" report "$TMP/scale.db" > "$TMP/w100s"
ok "term/width-default-80" cmp -s "$TMP/wdef" "$TMP/w80s"
if cmp -s "$TMP/wdef" "$TMP/w100s"; then fail "term/width-columns-used"; else pass "term/width-columns-used"; fi
b60=$(barlen "$TMP/w60") b120=$(barlen "$TMP/w120")
ok "term/bars-follow-width ($b60 at 60, $b120 at 120)" test "$b60" -gt 0 -a "$b120" -gt $((b60 + 40))
ok "term/histogram-marks" grep -q '  p50' "$TMP/w80"
# the latency table drops columns rather than overflow
ok "term/table-all-columns-at-120" grep -q 'p99.9.*mean' "$TMP/w120"
if grep -q 'mean' "$TMP/w40"; then fail "term/table-narrow-drops-mean"; else pass "term/table-narrow-drops-mean"; fi

# On a pseudo-terminal: auto colours, NO_COLOR and TERM=dumb do not, and
# the width is the terminal's.
if ! command -v script > /dev/null 2>&1; then
	skip "term/tty: util-linux script not installed"
	exit 0
fi
tty_run() {	# OUT CMD: run CMD on a pty, its output in OUT
	out=$1; shift
	TERM=${TERM_FOR_TEST:-xterm} script -qc "$*" /dev/null < /dev/null > "$out" 2>&1
}
tty_run "$TMP/t-auto" "$PROG report '$TMP/late.db'"
ok "term/tty-auto-colours" has_esc "$TMP/t-auto"
tty_run "$TMP/t-nc" "NO_COLOR=1 $PROG report '$TMP/late.db'"
if has_esc "$TMP/t-nc"; then fail "term/tty-no-color"; else pass "term/tty-no-color"; fi
tty_run "$TMP/t-nc0" "NO_COLOR= $PROG report '$TMP/late.db'"
ok "term/tty-no-color-empty-ignored" has_esc "$TMP/t-nc0"
tty_run "$TMP/t-nca" "NO_COLOR=1 $PROG report --color=always '$TMP/late.db'"
ok "term/tty-always-beats-no-color" has_esc "$TMP/t-nca"
TERM_FOR_TEST=dumb tty_run "$TMP/t-dumb" "$PROG report '$TMP/late.db'"
if has_esc "$TMP/t-dumb"; then fail "term/tty-term-dumb"; else pass "term/tty-term-dumb"; fi
tty_run "$TMP/t-never" "$PROG report --color=never '$TMP/late.db'"
if has_esc "$TMP/t-never"; then fail "term/tty-never"; else pass "term/tty-never"; fi
tty_run "$TMP/t-check" "$PROG check -q '$TMP/late.jsonl'"
ok "term/tty-check-colours" has_esc "$TMP/t-check"
# the terminal's width wins over $COLUMNS
tty_run "$TMP/t-70" "stty cols 70; COLUMNS=200 LC_ALL=C $PROG report --color=never '$TMP/scale.db'"
tr -d '\r' < "$TMP/t-70" > "$TMP/t-70n"
n=$(longest "$TMP/t-70n")
ok "term/tty-width-from-terminal (longest $n)" test "$n" -le 70 -a "$n" -ge 60
# block characters on a UTF-8 terminal, '#' elsewhere
tty_run "$TMP/t-utf8" "LC_ALL=C.UTF-8 $PROG report --color=never '$TMP/scale.db'"
ok "term/tty-utf8-blocks" grep -q "$(printf '\342\226\210')" "$TMP/t-utf8"
if grep -q "$(printf '\342\226')" "$TMP/w80"; then fail "term/pipe-ascii-bars"; else pass "term/pipe-ascii-bars"; fi
exit 0
