#!/bin/sh
# Every gen scenario written as .etl (chimney provider, per-CPU buffers out
# of order, QPC at 20 MHz) gives the same JSON report as the scenario in
# JSON lines, and matches the ground truth.
. tests/lib.sh

cmp=$BUILD/tests/truthcmp
for sc in $("$PROG" gen --list | cut -d' ' -f1); do
	args="--seed 5"
	[ "$sc" = scale ] && args="$args --objects 3000"
	# shellcheck disable=SC2086
	if ! "$PROG" gen "$sc" $args -o "$TMP/$sc.etl" 2> "$TMP/err" ||
	   ! "$PROG" gen "$sc" $args -o "$TMP/$sc.jsonl" 2>> "$TMP/err"; then
		fail "etl-gen/$sc: gen failed: $(cat "$TMP/err")"
		continue
	fi
	"$PROG" analyze -q --format json "$TMP/$sc.etl" > "$TMP/etl.json" 2> "$TMP/err"
	rc=$?
	"$PROG" analyze -q --format json "$TMP/$sc.jsonl" > "$TMP/jsonl.json" 2>> "$TMP/err"
	# everything but the trace line (file name) must be equal
	grep -v '"trace":' "$TMP/etl.json" > "$TMP/a"
	grep -v '"trace":' "$TMP/jsonl.json" > "$TMP/b"
	if [ $rc -ne 0 ]; then
		fail "etl-gen/$sc: analyze exit $rc: $(head -c 300 "$TMP/err")"
	elif ! diff -u "$TMP/b" "$TMP/a" > "$TMP/diff"; then
		fail "etl-gen/$sc: .etl report differs from JSON lines: $(head -n 20 "$TMP/diff")"
	elif [ -x "$cmp" ] && ! "$cmp" "$TMP/etl.json" "$TMP/$sc.etl.truth.json" > "$TMP/diff" 2>&1; then
		fail "etl-gen/$sc: differs from truth: $(head -c 500 "$TMP/diff")"
	else
		pass "etl-gen/$sc"
	fi
done

# dump decodes the chimney profile's fields
"$PROG" gen late-write -o "$TMP/lw.etl" >/dev/null 2>&1
"$PROG" dump --payload "$TMP/lw.etl" > "$TMP/dump.txt" 2> "$TMP/err"
if grep -q 'offtrace-chimney/ctx_write .*| adapter=nic0 layer=target slot=0xffffe0012a4c33b8 value=0x' "$TMP/dump.txt"; then
	pass "etl-gen/dump-payload-chimney"
else
	fail "etl-gen/dump-payload-chimney: $(grep ctx_write "$TMP/dump.txt" | head -2)"
fi
exit 0
