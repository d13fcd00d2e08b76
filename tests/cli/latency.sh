#!/bin/sh
# A performance report by adapter and layer (issue 13): the per-(adapter,
# layer, kind) latency of the JSON report, the CSV tables and the text
# report against an independent reference (tests/tools/latref.sh: awk and
# sort over the events, sharing no code with offtrace), and check's scoped
# --latency budgets at the reference's exact percentiles.
. tests/lib.sh

ref() { sh tests/tools/latref.sh "$@"; }
# offtrace's rows as the reference prints them: per group, then overall
# as adapter and layer "*"
ours_csv() {	# DB
	"$PROG" report --format csv --table latency_by_adapter "$1" | tr -d '\r' | tail -n +2
	"$PROG" report --format csv --table latency "$1" | tr -d '\r' | tail -n +2 |
		awk -F, '$2 > 0 { print "*,*," $0 }'
}
# the JSON report's latency_by_adapter entries as CSV rows
ours_json() {	# DB
	"$PROG" report --format json "$1" | sed -n '/^  "latency_by_adapter": \[$/,/^  \],$/p' |
		grep '^    {' | sed 's/^    { //; s/ },*$//; s/"[a-z0-9_]*": //g; s/"//g; s/, /,/g'
}
# the text report's latency tables as CSV rows, durations as printed
ours_text() {	# DB
	"$PROG" report --color=never "$1" | awk '
		/^latency \(completed operations, all adapters and layers\)$/ { ad = "*"; ly = "*"; on = 1; next }
		/^latency of adapter / {
			s = $0; sub(/^latency of adapter \047/, "", s)
			ly = s; sub(/.*\047 at layer /, "", ly)
			ad = s; sub(/\047 at layer [a-z]*$/, "", ad)
			on = 1; next
		}
		/^[a-z]/ { on = 0; next }
		on && $1 ~ /^(initiate|terminate|update|invalidate|query)$/ && $2 > 0 {
			printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", ad, ly, $1, $2, $3, $4, $5, $6, $7, $8
		}'
}
# the reference's durations as the text report prints them
as_text() {
	awk -F, 'function d(ns) {
			if (ns < 1000) return sprintf("%dns", ns)
			if (ns < 1000000) return sprintf("%.1fus", ns / 1e3)
			if (ns < 1000000000) return sprintf("%.2fms", ns / 1e6)
			return sprintf("%.3fs", ns / 1e9)
		}
		{ printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", $1, $2, $3, $4, d($5), d($6), d($7), d($8), d($9), d($10) }'
}
same() {	# NAME EXPECTED ACTUAL
	LC_ALL=C sort "$2" > "$2.s"
	LC_ALL=C sort "$3" > "$3.s"
	if [ ! -s "$2.s" ]; then
		fail "$1: empty reference"
	elif diff -u "$2.s" "$3.s" > "$TMP/diff"; then
		pass "$1"
	else
		fail "$1: $(head -n 20 "$TMP/diff")"
	fi
}
# a reference value: FIELD (5 p50 .. 10 mean, 4 count) of ADAPTER,LAYER,KIND
val() {	# REF ADAPTER LAYER KIND FIELD
	awk -F, -v a="$2" -v l="$3" -v k="$4" -v f="$5" '$1 == a && $2 == l && $3 == k { print $f }' "$1"
}

# fixtures: the four samples (mux0 im over nic0, nic1, nic2); gen im-stack;
# three scale traces as adapter nicA (target), nicB (im) and the default
# adapter "" (target), merged
S=testdata/samples
set -- "$S/mux0-im.jsonl" "$S/nic0.jsonl" "$S/nic1-target.jsonl" "$S/nic2.jsonl"
ref "$@" > "$TMP/samples.ref"
"$PROG" ingest -q --db "$TMP/samples.db" "$@" 2> "$TMP/err" || fail "latency/samples-ingest: $(cat "$TMP/err")"
"$PROG" gen im-stack -o "$TMP/im.jsonl" > /dev/null 2>&1
ref "$TMP/im.jsonl" > "$TMP/im.ref"
"$PROG" ingest -q --db "$TMP/im.db" "$TMP/im.jsonl" 2> "$TMP/err" || fail "latency/im-ingest: $(cat "$TMP/err")"
for seed in 3 5 9; do
	"$PROG" gen scale --objects 300 --seed $seed -o "$TMP/s$seed.jsonl" > /dev/null 2>&1
done
sed 's/"adapter":"nic0","layer":"target"/"adapter":"nicA","layer":"target"/' "$TMP/s3.jsonl" > "$TMP/a.jsonl"
sed 's/"adapter":"nic0","layer":"target"/"adapter":"nicB","layer":"im"/' "$TMP/s5.jsonl" > "$TMP/b.jsonl"
sed 's/"adapter":"nic0","layer":"target",//' "$TMP/s9.jsonl" > "$TMP/c.jsonl"
ref "$TMP/a.jsonl" "$TMP/b.jsonl" "$TMP/c.jsonl" > "$TMP/multi.ref"
"$PROG" ingest -q --db "$TMP/multi.db" "$TMP/a.jsonl" "$TMP/b.jsonl" "$TMP/c.jsonl" 2> "$TMP/err" ||
	fail "latency/multi-ingest: $(cat "$TMP/err")"
ok "latency/multi-ref-has-3-groups" test "$(grep -c '^[^*].*,initiate,' "$TMP/multi.ref")" -eq 3

for fx in samples im multi; do
	ours_csv "$TMP/$fx.db" > "$TMP/$fx.csv"
	same "latency/$fx-csv" "$TMP/$fx.ref" "$TMP/$fx.csv"
	ours_json "$TMP/$fx.db" > "$TMP/$fx.json.rows"
	grep -v '^\*' "$TMP/$fx.ref" > "$TMP/$fx.ref.groups"
	same "latency/$fx-json" "$TMP/$fx.ref.groups" "$TMP/$fx.json.rows"
	ours_text "$TMP/$fx.db" > "$TMP/$fx.text.rows"
	as_text < "$TMP/$fx.ref" > "$TMP/$fx.ref.text"
	same "latency/$fx-text" "$TMP/$fx.ref.text" "$TMP/$fx.text.rows"
done
# the text: the overall table, then one per adapter/layer in order
"$PROG" report --color=never "$TMP/samples.db" | grep '^latency' > "$TMP/heads"
printf '%s\n' 'latency (completed operations, all adapters and layers)' \
	"latency of adapter 'mux0' at layer im" "latency of adapter 'nic0' at layer target" \
	"latency of adapter 'nic1' at layer target" "latency of adapter 'nic2' at layer target" \
	'latency histograms (log buckets, bar length = operations)' > "$TMP/heads.want"
ok "latency/text-tables-in-order" cmp -s "$TMP/heads.want" "$TMP/heads"
# ... and only the overall one when there is one adapter and layer
"$PROG" gen clean -o "$TMP/clean.jsonl" > /dev/null 2>&1
"$PROG" analyze -q --color=never "$TMP/clean.jsonl" > "$TMP/clean.txt"
ok "latency/text-one-group-one-table" test "$(grep -c '^latency' "$TMP/clean.txt")" -eq 2
ok "latency/text-one-group-no-adapter-table" sh -c "! grep -q '^latency of adapter' '$TMP/clean.txt'"
"$PROG" analyze -q --format json "$TMP/clean.jsonl" > "$TMP/clean.json"
ok "latency/json-one-group-still-listed" test "$(grep -c '^    { "adapter": "nic0", "layer": "target", "kind": ' "$TMP/clean.json")" -eq 2
# the histograms per adapter/layer: each row's buckets add up to its count
"$PROG" report --format csv --table histogram_by_adapter "$TMP/samples.db" | tr -d '\r' |
	awk -F, 'NR > 1 { n[$1 "," $2 "," $3] += $6 } END { for (g in n) print g "," n[g] }' > "$TMP/hist.sum"
cut -d, -f1-4 "$TMP/samples.ref.groups" > "$TMP/hist.want"
same "latency/histogram-by-adapter-counts" "$TMP/hist.want" "$TMP/hist.sum"
# hostile adapter names: escaped in JSON, '?' for control characters in text
"$PROG" gen hostile -o "$TMP/h.jsonl" > /dev/null 2>&1
"$PROG" analyze -q --color=never "$TMP/h.jsonl" > "$TMP/h.txt"
"$PROG" analyze -q --format json "$TMP/h.jsonl" > "$TMP/h.json"
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$TMP/h.txt"; then
	fail "latency/hostile-text-no-control"
else
	pass "latency/hostile-text-no-control"
fi
if command -v jq > /dev/null 2>&1; then
	ok "latency/hostile-json-valid" jq -e '.latency_by_adapter | length > 0' "$TMP/h.json" > /dev/null
fi

# the reports with latency_by_adapter stay valid against the schema
if python3 -c 'import jsonschema' > /dev/null 2>&1; then
	for fx in samples multi; do
		"$PROG" report --format json "$TMP/$fx.db" > "$TMP/$fx.json"
	done
	ok "latency/json-schema-valid" python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), schema)
' schemas/report.schema.json "$TMP/samples.json" "$TMP/multi.json" "$TMP/clean.json" "$TMP/h.json"
else
	skip "latency/json-schema-valid: python3 jsonschema not installed"
fi

# check: scoped budgets at the reference's exact percentiles
c() {	# NAME WANT-EXIT BUDGET DB: text in $TMP/out
	n=$1 want=$2
	"$PROG" check -q --max-errors 1000000 --max-leaks 1000000 --latency "$3" "$4" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ $rc -eq "$want" ]; then pass "latency/check-$n"; else fail "latency/check-$n: exit $rc, want $want: $(cat "$TMP/err") $(grep latency "$TMP/out")"; fi
}
R=$TMP/samples.ref
p99=$(val "$R" nic0 target initiate 7)
c exact-passes 0 "nic0/target/initiate:p99<=${p99}ns" "$TMP/samples.db"
ok "latency/check-exact-ok-line" grep -q "^  ok    latency  nic0/target/initiate:p99<=${p99}ns: nic0/target/initiate p99 = " "$TMP/out"
c one-below-fails 1 "nic0/target/initiate:p99<=$((p99 - 1))ns" "$TMP/samples.db"
ok "latency/check-one-below-line" grep -q "^  FAIL  latency  nic0/target/initiate:p99<=$((p99 - 1))ns: nic0/target/initiate p99 = .* > limit .* ($(val "$R" nic0 target initiate 4) operations, " "$TMP/out"
im50=$(val "$R" mux0 im initiate 5)
c im-glob-passes 0 "*/im/initiate:p50<=${im50}ns" "$TMP/samples.db"
c im-glob-fails 1 "*/im/initiate:p50<=$((im50 - 1))ns" "$TMP/samples.db"
# every adapter/layer's terminate p90 on its own: the slowest decides
worst=$(awk -F, '$1 != "*" && $3 == "terminate" && $6 > m { m = $6; g = $1 "/" $2 } END { print g " " m }' "$R")
wg=${worst% *} wv=${worst#* }
c all-groups-pass 0 "*/*/terminate:p90<=${wv}ns" "$TMP/samples.db"
ok "latency/check-all-groups-count" grep -q "^  ok    latency  \*/\*/terminate:p90<=${wv}ns: $(grep -c '^[^*][^,]*,[^,]*,terminate,' "$R") adapter/layer/kind groups, 0 over the limit; slowest $wg/terminate p90 = " "$TMP/out"
c all-groups-worst-fails 1 "*/*/terminate:p90<=$((wv - 1))ns" "$TMP/samples.db"
ok "latency/check-all-groups-worst-named" grep -q "^  FAIL  latency  \*/\*/terminate:p90<=$((wv - 1))ns: [0-9]* adapter/layer/kind groups, 1 over the limit; worst $wg/terminate p90 = " "$TMP/out"
# the scope is per group, not over the union: the union's p90 of
# terminate passes a limit that its slowest adapter fails
all90=$(val "$R" '*' '*' terminate 6)
if [ "$all90" -lt "$wv" ]; then
	c union-passes 0 "terminate:p90<=${all90}ns" "$TMP/samples.db"
	c per-group-fails 1 "*/*/terminate:p90<=${all90}ns" "$TMP/samples.db"
else
	fail "latency/check-union-vs-group: the samples' union p90 ($all90) is not below the slowest group's ($wv)"
fi
# globs, the default adapter "", and any kind
M=$TMP/multi.ref
ab=$(awk -F, '($1 == "nicA" || $1 == "nicB") && $3 == "initiate" && $6 > m { m = $6 } END { print m }' "$M")
c glob-class-passes 0 "nic[AB]/*/initiate:p90<=${ab}ns" "$TMP/multi.db"
ok "latency/check-glob-class-two" grep -q ': 2 adapter/layer/kind groups, 0 over' "$TMP/out"
c glob-class-fails 1 "nic[AB]/*/initiate:p90<=$((ab - 1))ns" "$TMP/multi.db"
d99=$(val "$M" '' target initiate 7)
c default-adapter-passes 0 "/target/initiate:p99<=${d99}ns" "$TMP/multi.db"
ok "latency/check-default-adapter-line" grep -q "^  ok    latency  /target/initiate:p99<=${d99}ns: /target/initiate p99 = " "$TMP/out"
c default-adapter-fails 1 "/target/initiate:p99<=$((d99 - 1))ns" "$TMP/multi.db"
bmax=$(awk -F, '$1 == "nicB" && $9 > m { m = $9 } END { print m }' "$M")
c any-kind-passes 0 "nicB/im/*:p100<=${bmax}ns" "$TMP/multi.db"
c any-kind-fails 1 "nicB/im/*:p100<=$((bmax - 1))ns" "$TMP/multi.db"
# nothing matches: skipped as not checked, never ok
c no-adapter-skips 0 'nic9/target/initiate:p99<=1ms' "$TMP/samples.db"
ok "latency/check-no-match-line" grep -q "^  skip  latency  nic9/target/initiate:p99<=1ms: not checked: no completed operations of adapter 'nic9', layer target, kind initiate$" "$TMP/out"
c no-layer-skips 0 'nic0/host/*:p99<=1ms' "$TMP/samples.db"
ok "latency/check-no-layer-line" grep -q '^  skip  latency  nic0/host/\*:p99<=1ms: not checked: ' "$TMP/out"
c no-kind-skips 0 'nic0/target/update:p99<=1ms' "$TMP/samples.db"
"$PROG" check -q --max-errors 99 --latency 'nic9/target/initiate:p99<=1ms' --latency "nic0/target/initiate:p99<=$((p99 - 1))ns" \
	--junit "$TMP/b.xml" "$TMP/samples.db" > /dev/null 2>&1
ok "latency/check-junit-skip" sh -c "grep -A1 'classname=\"latency\" name=\"nic9/target/initiate' '$TMP/b.xml' | grep -q '<skipped message=\"not checked: no completed operations'"
ok "latency/check-junit-failure" sh -c "grep -A1 'classname=\"latency\" name=\"nic0/target/initiate' '$TMP/b.xml' | grep -q '<failure message=\"nic0/target/initiate p99 = '"
# malformed budgets are usage errors
for b in 'nic0/initiate:p99<=1ms' 'nic0/bogus/initiate:p99<=1ms' 'nic0/target/frob:p99<=1ms' \
	'nic0/target/initiate:p99<1ms' 'nic0/target/initiate:99<=1ms' 'nic0/target/initiate:p0<=1ms' \
	'nic0/target/initiate:p99<=1parsec' 'nic0/target/syn_to_offload:p99<=1ms' '*:p99<=1ms' \
	'nic0/target/initiate' '/initiate:p99<=1ms'; do
	"$PROG" check -q --latency "$b" "$TMP/samples.db" > /dev/null 2> "$TMP/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "bad --latency" "$TMP/err"; then
		pass "latency/check-bad-budget $b"
	else
		fail "latency/check-bad-budget $b: exit $rc $(cat "$TMP/err")"
	fi
done
exit 0
