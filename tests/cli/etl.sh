#!/bin/sh
# The native .etl reader on real files (../shared/corpus/etl): every file
# read to the end with no unparsed record; gcevents.etl and
# primitive-types.etl against PerfView's baselines (header fields, and for
# every EVENT line a record with equal ms since start, PID, TID, processor
# and payload length); the compressed SelfDescribingSingleEvent.etl; and
# truncated or byte-flipped copies never crash or hang, and name the file,
# buffer and offset of the damage.
. tests/lib.sh

dir=$SHARED/corpus/etl
if [ ! -d "$dir" ]; then
	skip "etl: $dir not present"
	exit 0
fi
# the sanitizer build is slower: fewer flips there
if [ "$OT_MODE" = sanitize ]; then flips=60; else flips=200; fi

for f in "$dir"/*.etl; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	"$PROG" dump --count "$f" > "$TMP/count" 2> "$TMP/err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$TMP/err" ]; then
		fail "etl/$b: dump --count exit $rc: $(head -c 300 "$TMP/err")"
	elif ! grep -q '^[1-9][0-9]* records$' "$TMP/count"; then
		fail "etl/$b: dump --count printed: $(cat "$TMP/count")"
	else
		pass "etl/$b: read to the end ($(cat "$TMP/count"))"
	fi
	"$PROG" info "$f" > "$TMP/info" 2> "$TMP/err"
	rc=$?
	if [ $rc -ne 0 ] || ! grep -q '^unparsed records *0$' "$TMP/info"; then
		fail "etl/$b: info exit $rc: $(head -c 300 "$TMP/err")"
	else
		pass "etl/$b: info"
	fi
	"$PROG" dump --format jsonl --payload "$f" > "$TMP/j" 2> "$TMP/err"
	rc=$?
	n=$(wc -l < "$TMP/j")
	if [ $rc -ne 0 ] || ! grep -q "^$n records\$" "$TMP/count"; then
		fail "etl/$b: dump --format jsonl --payload exit $rc, $n lines"
	else
		pass "etl/$b: dump jsonl --payload"
	fi
done

# jsonl keys of the stable interface (issue 3), on every line
f=$dir/primitive-types.etl
if [ -e "$f" ]; then
	"$PROG" dump --format jsonl "$f" > "$TMP/j" 2>&1
	bad=0
	for k in ts_ns rel_ms hdr provider name id version opcode task level keyword pid tid cpu len; do
		if [ "$(grep -c "\"$k\":" "$TMP/j")" != "$(wc -l < "$TMP/j")" ]; then
			bad=1
			fail "etl/jsonl: key $k missing from some lines"
		fi
	done
	[ $bad = 0 ] && pass "etl/jsonl: every key on every line"
	if head -n 1 "$TMP/j" | grep -q '"hdr":"system".*"rel_ms":0.000000\|"rel_ms":0.000000,"hdr":"system"'; then
		pass "etl/jsonl: the header record is the first"
	else
		fail "etl/jsonl: first record is not the log-file header: $(head -n 1 "$TMP/j")"
	fi
fi

# value of "Name=1,234;" in a baseline line, without separators
bl_field() {
	printf '%s\n' "$1" | tr ';' '\n' | sed -n "s/^ *$2=//p" | head -n 1 | tr -d ','
}
# value of an info line: its first number (decimal in parentheses for the mode)
info_field() {
	sed -n "s/^$1  *//p" "$TMP/info" | head -n 1 | sed 's/^0x[0-9a-f]* (\([0-9]*\)).*/\1/; s/ .*//'
}

for name in gcevents primitive-types; do
	f=$dir/$name.etl
	base=$dir/$name.baseline.txt
	if [ ! -e "$f" ] || [ ! -e "$base" ]; then
		skip "etl/baseline-$name: file or baseline missing"
		continue
	fi
	"$PROG" info "$f" > "$TMP/info" 2>&1
	first=$(head -n 1 "$base")
	for pair in "BufferSize:buffer size" "Version:version" "ProviderVersion:provider version" \
		"NumberOfProcessors:processors" "TimerResolution:timer resolution" \
		"LogFileMode:log-file mode" "BuffersWritten:buffers written" \
		"PointerSize:pointer size" "EventsLost:events lost" "CPUSpeed:cpu speed" \
		"PerfFreq:perf frequency" "ReservedFlags:clock type" \
		"UtcOffsetMinutes:utc offset"; do
		bk=${pair%%:*}
		ik=${pair#*:}
		want=$(bl_field "$first" "$bk")
		got=$(info_field "$ik")
		if [ -n "$want" ] && [ "$want" = "$got" ]; then
			pass "etl/baseline-$name: header $bk"
		else
			fail "etl/baseline-$name: header $bk: baseline '$want', offtrace '$got'"
		fi
	done
	# one key per record: ms (3 decimals, rounded) pid tid cpu len
	grep '^EVENT ' "$base" | sed 's/^EVENT \([0-9,.-]*\):.* PID=\([0-9]*\);.* TID=\([0-9]*\);.* ProceNum=\([0-9]*\);.* DataLen=\([0-9]*\);.*/\1 \2 \3 \4 \5/' |
		tr -d ',' | awk '{ printf "%.3f %s %s %s %s\n", $1, $2, $3, $4, $5 }' | sort > "$TMP/want"
	"$PROG" dump --format jsonl "$f" 2>/dev/null | sed 's/.*"rel_ms":\(-\{0,1\}\)\([0-9]*\)\.\([0-9]*\),.*"pid":\([0-9a-z]*\),"tid":\([0-9a-z]*\),"cpu":\([0-9]*\),"len":\([0-9]*\).*/s\1 \2 \3 \4 \5 \6 \7/' |
		awk '{ us = $2 * 1000 + int($3 / 1000); if ($3 % 1000 >= 500) us++;
		       printf "%s%d.%03d %s %s %s %s\n", substr($1, 2), int(us / 1000), us % 1000, $4, $5, $6, $7 }' |
		sort > "$TMP/got"
	nwant=$(wc -l < "$TMP/want")
	comm -23 "$TMP/want" "$TMP/got" > "$TMP/missing"
	nmiss=$(wc -l < "$TMP/missing")
	if [ "$nwant" -gt 0 ] && [ "$nmiss" = 0 ]; then
		pass "etl/baseline-$name: all $nwant EVENT lines matched (ms, PID, TID, CPU, DataLen)"
	else
		fail "etl/baseline-$name: $nmiss of $nwant EVENT lines without a record, e.g. $(head -n 3 "$TMP/missing" | tr '\n' '|')"
	fi
done

# the compressed file decodes every record, the TraceLogging one by name
f=$dir/SelfDescribingSingleEvent.etl
if [ -e "$f" ]; then
	"$PROG" info "$f" > "$TMP/info" 2>&1
	"$PROG" dump --payload "$f" > "$TMP/d" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^compression  *3 ' "$TMP/info" &&
	    grep -q '^unparsed records *0$' "$TMP/info" && grep -q 'MySource/TestEvent' "$TMP/d" &&
	    ! grep -q 'rest=' "$TMP/d"; then
		pass "etl/compressed: SelfDescribingSingleEvent.etl decodes every record"
	else
		fail "etl/compressed: exit $rc: $(head -c 300 "$TMP/d")"
	fi
fi

# damage: every 4 KiB truncation and random byte flips (fixed seed)
check_damaged() {	# FILE LABEL
	timeout 20 "$PROG" dump --format jsonl --payload "$1" > /dev/null 2> "$TMP/derr"
	drc=$?
	if [ $drc -ne 0 ] && [ $drc -ne 2 ]; then
		fail "etl/damage $2: exit $drc (crash or hang): $(head -c 300 "$TMP/derr")"
		return 1
	fi
	if [ $drc -eq 2 ] && ! { grep -qF "$1" "$TMP/derr" && grep -q 'buffer [0-9]' "$TMP/derr" &&
	    grep -q 'offset[= ][0-9]' "$TMP/derr"; }; then
		fail "etl/damage $2: message lacks file, buffer or offset: $(head -c 300 "$TMP/derr")"
		return 1
	fi
	return 0
}

for f in "$dir"/*.etl; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	size=$(wc -c < "$f")
	ok=1 n=0
	cut=4096
	while [ $cut -lt "$size" ]; do
		head -c $cut "$f" > "$TMP/t.etl"
		check_damaged "$TMP/t.etl" "$b@$cut" || ok=0
		n=$((n + 1))
		cut=$((cut + 4096))
	done
	# small files: cut inside the first buffers too
	for cut in 1 71 72 100 200 400 500 1000 2000; do
		[ $cut -lt "$size" ] || continue
		head -c $cut "$f" > "$TMP/t.etl"
		check_damaged "$TMP/t.etl" "$b@$cut" || ok=0
		n=$((n + 1))
	done
	[ $ok = 1 ] && pass "etl/truncate $b: $n cuts, no crash, damage named"
	awk -v n="$flips" -v size="$size" -v seed="$(printf '%s' "$b" | cksum | cut -d' ' -f1)" \
		'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%d %d %d\n", int(rand() * size), int(rand() * 256), int(rand() * size) }' > "$TMP/flips"
	ok=1
	while read -r off byte off2; do
		cp "$f" "$TMP/x.etl"
		chmod u+w "$TMP/x.etl"
		# shellcheck disable=SC2059
		printf "$(printf '\\%03o' "$byte")" | dd of="$TMP/x.etl" bs=1 seek="$off" conv=notrunc 2>/dev/null
		printf '\377' | dd of="$TMP/x.etl" bs=1 seek="$off2" conv=notrunc 2>/dev/null
		check_damaged "$TMP/x.etl" "$b flip@$off,$off2" || ok=0
	done < "$TMP/flips"
	[ $ok = 1 ] && pass "etl/flip $b: $flips copies with 2 changed bytes, no crash, damage named"
done
exit 0
