#!/bin/sh
# Every JSON output validates against its schema in schemas/, by an
# independent validator (python3-jsonschema, Debian's; .ci/run installs it):
# the JSON report, the gen truth files, flows/dump/tmf/profile stats jsonl,
# query --json, export --format chrome, and the normalized events gen
# writes and testdata holds -- of the samples, of every gen scenario (with
# and without its capture, and as .etl, WPP and text) and of the corpus
# (../shared/corpus, when present).  Then outputs broken on purpose, one
# documented fact at a time (a field dropped, a wrong type, a key too
# many), must be refused: a schema that accepts anything fails here.
. tests/lib.sh

PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	skip "schemas: python3-jsonschema not installed (apt-get install python3-jsonschema)"
	exit 0
fi

L=$TMP/list
D=$TMP/out
mkdir -p "$D"
: > "$L"
tab=$(printf '\t')
# want NAME valid|invalid SCHEMA MODE FILE [OP PATH [VALUE]]; an empty
# jsonl output (a capture without TCP has no flows) has nothing to check
want() {
	case $4 in jsonl*) [ -s "$5" ] || [ "$2" = invalid ] || return 0 ;; esac
	( IFS=$tab; printf '%s\n' "$*" ) >> "$L"
}
# run NAME CMD...: CMD's stdout to $D/NAME; a failing command is a failure
run() {
	n=$1; shift
	"$@" > "$D/$n" 2> "$D/$n.err"
	rc=$?
	[ $rc -eq 0 ] && return 0
	fail "schemas/run/$n: exit $rc from $*: $(head -c 300 "$D/$n.err" | tr '\n' ' ')"
	return 1
}

S=schemas
for s in $S/*.json $S/profiles/*.json; do
	want "schemas/meta/$(basename "$s")" valid - json "$s"
done
# the profiles and the events offtrace reads
for p in $S/profiles/*.json testdata/profiles/*.json; do
	want "schemas/profile/$p" valid $S/profile.schema.json json "$p"
done
for f in testdata/samples/*.jsonl testdata/rules/*.jsonl testdata/profiles/acme.jsonl; do
	want "schemas/event/$f" valid $S/event.schema.json jsonl "$f"
done
# bad inputs whose fault is one the schema states (the others -- time
# order, a NUL byte, an empty file, 1.7e18 as a float -- are not its to see)
for b in bad-backtick bad-hex bad-layer bad-rfc3339 bad-status bad-tuple hex-too-long \
	 invalid-json missing-ts not-an-object unknown-ev nul-in-adapter; do
	want "schemas/event-refused/$b" invalid $S/event.schema.json jsonl "testdata/bad/$b.jsonl"
done

# the samples: report, database report, query, chrome export
run samples.report.json "$PROG" analyze -q --format json testdata/samples/*.jsonl &&
	want schemas/report/samples valid $S/report.schema.json json "$D/samples.report.json"
"$PROG" ingest -q --db "$TMP/s.db" testdata/samples/*.jsonl 2> "$TMP/err" ||
	fail "schemas/run/ingest samples: $(head -c 300 "$TMP/err" | tr '\n' ' ')"
run db.report.json "$PROG" report --format json "$TMP/s.db" &&
	want schemas/report/db valid $S/report.schema.json json "$D/db.report.json"
run query.json "$PROG" query --json "$TMP/s.db" \
	"SELECT adapter, layer, kind, count(*) AS n, percentile(latency_ns, 99) AS p99, ot_hex(root) AS root FROM latency GROUP BY adapter, layer, kind" &&
	want schemas/query/latency valid $S/query.schema.json json "$D/query.json"
run query-empty.json "$PROG" query --json "$TMP/s.db" "SELECT * FROM leaks" &&
	want schemas/query/empty valid $S/query.schema.json json "$D/query-empty.json"
run samples.chrome.json "$PROG" export -q --format chrome -o - "$TMP/s.db" &&
	want schemas/chrome/samples valid $S/chrome.schema.json json "$D/samples.chrome.json"

# every gen scenario: its events, truth, report and chrome export, then
# again with its capture (flows and dump of the capture too)
"$PROG" gen --list > "$TMP/list.txt" || fail "schemas/gen --list"
nsc=0
for sc in $(cut -d' ' -f1 "$TMP/list.txt"); do
	nsc=$((nsc + 1))
	args=
	[ "$sc" = scale ] && args="--objects 100"
	for cap in none pcap pcapng; do
		g=$sc.$cap
		capargs=
		[ $cap != none ] && capargs="--$cap $D/$g.cap"
		# shellcheck disable=SC2086
		run "$g.gen" "$PROG" gen "$sc" $args -o "$D/$g.jsonl" $capargs || continue
		# with a capture the events are the same (tests/cli/gen.sh), and
		# a pcapng capture holds the packets of the pcap one: what differs
		# is what is read from the capture itself
		if [ $cap != pcapng ]; then
			[ $cap = none ] &&
				want "schemas/event/gen/$g" valid $S/event.schema.json jsonl-bytes "$D/$g.jsonl"
			want "schemas/truth/$g" valid $S/truth.schema.json json "$D/$g.jsonl.truth.json"
			ins="$D/$g.jsonl"
			[ $cap != none ] && ins="$ins $D/$g.cap"
			# shellcheck disable=SC2086
			run "$g.report.json" "$PROG" analyze -q --format json $ins &&
				want "schemas/report/gen/$g" valid $S/report.schema.json json "$D/$g.report.json"
			# shellcheck disable=SC2086
			run "$g.chrome.json" "$PROG" export -q -o - $ins &&
				want "schemas/chrome/gen/$g" valid $S/chrome.schema.json json "$D/$g.chrome.json"
		fi
		[ $cap = none ] && continue
		run "$g.flows.jsonl" "$PROG" flows -q --format jsonl "$D/$g.cap" &&
			want "schemas/flows/gen/$g" valid $S/flows.schema.json jsonl "$D/$g.flows.jsonl"
		run "$g.dump.jsonl" "$PROG" dump --format jsonl "$D/$g.cap" &&
			want "schemas/dump/gen/$g" valid "$S/dump.schema.json#/\$defs/packet" jsonl "$D/$g.dump.jsonl"
	done
done
# the other trace formats gen writes, read back: .etl (chimney), binary WPP
# with its TMF, tracefmt text, and TCPIP 1099
for f in etl wpp text; do
	ext=etl
	[ $f = text ] && ext=txt
	g=late-write.$f
	run "$g.gen" "$PROG" gen late-write --format $f -o "$D/$g.$ext" || continue
	want "schemas/truth/$g" valid $S/truth.schema.json json "$D/$g.$ext.truth.json"
	tmf=
	[ $f = wpp ] && tmf="--tmf $D/$g.$ext.tmf"
	# shellcheck disable=SC2086
	run "$g.report.json" "$PROG" analyze -q --format json $tmf "$D/$g.$ext" &&
		want "schemas/report/gen/$g" valid $S/report.schema.json json "$D/$g.report.json"
	run "$g.dump.jsonl" "$PROG" dump --format jsonl "$D/$g.$ext" &&
		want "schemas/dump/gen/$g" valid $S/dump.schema.json jsonl "$D/$g.dump.jsonl"
done
run hw.gen "$PROG" gen hw-failure -o "$D/hw.etl" &&
	run hw.dump.jsonl "$PROG" dump --format jsonl --payload "$D/hw.etl" &&
	want schemas/dump/gen/hw-failure.etl-payload valid "$S/dump.schema.json#/\$defs/etl_record" jsonl "$D/hw.dump.jsonl"
run host.gen "$PROG" gen host-tcpip -o "$D/host.etl" &&
	run host.dump.jsonl "$PROG" dump --format jsonl --payload "$D/host.etl" &&
	want schemas/dump/gen/host-tcpip.etl-payload valid "$S/dump.schema.json#/\$defs/etl_record" jsonl "$D/host.dump.jsonl"
run host.chrome.json "$PROG" export -q -o - "$D/host.etl" &&
	want schemas/chrome/gen/host-tcpip.etl valid $S/chrome.schema.json json "$D/host.chrome.json"
if [ -d "$D/late-write.wpp.etl.tmf" ]; then
	run wpp.tmf.dump.jsonl "$PROG" dump --format jsonl --tmf "$D/late-write.wpp.etl.tmf" "$D/late-write.wpp.etl" &&
		want schemas/dump/gen/late-write.wpp-tmf valid $S/dump.schema.json jsonl "$D/wpp.tmf.dump.jsonl"
	grep -q '"hdr":"wpp","guid"' "$D/wpp.tmf.dump.jsonl" 2>/dev/null
	ok "schemas/dump/gen/late-write.wpp-tmf has decoded messages" [ $? = 0 ]
	for t in "$D"/late-write.wpp.etl.tmf/*.tmf; do
		run gen.tmf.jsonl "$PROG" tmf --format jsonl "$t" &&
			want "schemas/tmf/gen/$(basename "$t")" valid $S/tmf.schema.json jsonl "$D/gen.tmf.jsonl"
	done
else
	fail "schemas/gen wpp: no TMF directory $D/late-write.wpp.etl.tmf"
fi
run text.dump.jsonl "$PROG" dump --format jsonl testdata/wpp/tracefmt.txt &&
	want schemas/dump/testdata/tracefmt.txt valid "$S/dump.schema.json#/\$defs/text_message" jsonl "$D/text.dump.jsonl"
run tmf.jsonl "$PROG" tmf --format jsonl testdata/wpp/*.tmf &&
	want schemas/tmf/testdata valid $S/tmf.schema.json jsonl "$D/tmf.jsonl"
run stats.jsonl "$PROG" profile stats --format jsonl --profile testdata/profiles/acme.json testdata/profiles/acme.txt &&
	want schemas/profile-stats/acme valid $S/profile-stats.schema.json jsonl "$D/stats.jsonl"

# the corpus: real captures, .etl files, TMF and tracefmt text
nco=0
if [ -d "$SHARED/corpus" ]; then
	for f in "$SHARED"/corpus/pcap/*.pcap* "$SHARED"/corpus/pcapng/*.pcapng "$SHARED"/corpus/pktmon/*.etl; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		nco=$((nco + 1))
		run "corpus.$b.dump.jsonl" "$PROG" dump --format jsonl "$f" &&
			want "schemas/dump/corpus/$b" valid $S/dump.schema.json jsonl "$D/corpus.$b.dump.jsonl"
		run "corpus.$b.flows.jsonl" "$PROG" flows -q --format jsonl "$f" &&
			want "schemas/flows/corpus/$b" valid $S/flows.schema.json jsonl "$D/corpus.$b.flows.jsonl"
	done
	for f in "$SHARED"/corpus/etl/*.etl; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		nco=$((nco + 1))
		run "corpus.$b.dump.jsonl" "$PROG" dump --format jsonl --payload "$f" &&
			want "schemas/dump/corpus/$b" valid "$S/dump.schema.json#/\$defs/etl_record" jsonl "$D/corpus.$b.dump.jsonl"
	done
	for f in "$SHARED"/corpus/tmf/*.tmf; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		nco=$((nco + 1))
		run "corpus.$b.jsonl" "$PROG" tmf --format jsonl "$f" &&
			want "schemas/tmf/corpus/$b" valid $S/tmf.schema.json jsonl "$D/corpus.$b.jsonl"
	done
	for f in "$SHARED"/corpus/text/*.txt; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		nco=$((nco + 1))
		run "corpus.$b.dump.jsonl" "$PROG" dump --format jsonl --prefix '[%9!d!]%3!04x! %!LEVEL! %!FUNC!:' "$f" &&
			want "schemas/dump/corpus/$b" valid "$S/dump.schema.json#/\$defs/text_message" jsonl "$D/corpus.$b.dump.jsonl"
	done
else
	skip "schemas/corpus: $SHARED/corpus not present"
fi

# Broken on purpose: each must be refused.  What is broken is a fact the
# documents state (doc/report-json.md, man offtrace, README).
R=$D/samples.report.json
T=$D/wire-close.pcap.jsonl.truth.json
bad() { want "schemas/refuses/$1" invalid "$2" "$3" "$4" "$5" "$6" "$7"; }
bad report/28-rules $S/report.schema.json json "$R" del /rules/28
bad report/rules-out-of-order $S/report.schema.json json "$R" set /rules/0/id '"P2"'
bad report/count-as-string $S/report.schema.json json "$R" set /summary/objects '"57"'
bad report/no-capture $S/report.schema.json json "$R" del /capture
bad report/no-syn_to_offload $S/report.schema.json json "$R" del /latency/syn_to_offload
bad report/unknown-key $S/report.schema.json json "$R" add /bogus 1
bad report/bad-sha256 $S/report.schema.json json "$R" set /trace/files/0/sha256 '"6C79"'
bad report/slot-without-0x $S/report.schema.json json "$R" set /violations/0/slot '"ffffe0212a4c33b8"'
bad report/rule-reason-when-checked $S/report.schema.json json "$R" set /rules/0/reason '"no requests"'
bad report/latency-null-with-count $S/report.schema.json json "$R" set /latency/initiate/p50_ns null
bad report/leak-reason $S/report.schema.json json "$D/leak-end.none.report.json" set /leaks/0/reason '"end"'
bad truth/no-summary-key $S/truth.schema.json json "$T" del /summary/leaked
bad truth/unknown-rule $S/truth.schema.json json "$T" set /violations/0/rule '"Z9"'
bad truth/capture-without-syn $S/truth.schema.json json "$T" del /latency/syn_to_offload
bad truth/seed-as-string $S/truth.schema.json json "$T" set /seed '"1"'
bad flows/port-as-string $S/flows.schema.json jsonl "$D/wire-close.pcap.flows.jsonl" set /a_port '"49263"'
bad flows/no-state $S/flows.schema.json jsonl "$D/wire-close.pcap.flows.jsonl" del /state
bad flows/unknown-state $S/flows.schema.json jsonl "$D/wire-close.pcap.flows.jsonl" set /state '"open"'
bad flows/absent-time-as-empty $S/flows.schema.json jsonl "$D/wire-close.pcap.flows.jsonl" set /rst_ns '""'
bad flows/unknown-key $S/flows.schema.json jsonl "$D/wire-close.pcap.flows.jsonl" add /bogus 1
bad flows/bad-address $S/flows.schema.json jsonl "$D/wire-close.pcap.flows.jsonl" set /a_addr '"10.1.0.300"'
bad dump/etl-bad-hdr $S/dump.schema.json jsonl "$D/hw.dump.jsonl" set /hdr '"bogus"'
bad dump/etl-no-cpu $S/dump.schema.json jsonl "$D/hw.dump.jsonl" del /cpu
bad dump/etl-rel_ms-as-string $S/dump.schema.json jsonl "$D/hw.dump.jsonl" set /rel_ms '"0.0"'
bad dump/etl-braced-guid $S/dump.schema.json jsonl "$D/hw.dump.jsonl" set /provider '"{68fdd900-4a3e-11d1-84f4-0000f80464e3}"'
bad dump/packet-n-as-string $S/dump.schema.json jsonl "$D/wire-close.pcap.dump.jsonl" set /n '"1"'
bad dump/packet-no-caplen $S/dump.schema.json jsonl "$D/wire-close.pcap.dump.jsonl" del /caplen
bad dump/packet-port-without-tuple $S/dump.schema.json jsonl "$D/wire-close.pcap.dump.jsonl" del /seq
bad dump/packet-bad-dir $S/dump.schema.json jsonl "$D/wire-close.pcap.dump.jsonl" set /dir '"inbound"'
bad dump/text-seq-as-string $S/dump.schema.json jsonl "$D/text.dump.jsonl" set /seq '"1"'
bad dump/text-no-text $S/dump.schema.json jsonl "$D/text.dump.jsonl" del /text
bad dump/wpp-no-guid $S/dump.schema.json jsonl "$D/wpp.tmf.dump.jsonl" del /guid
bad tmf/args-not-array $S/tmf.schema.json jsonl "$D/tmf.jsonl" set /args '"ItemPtr"'
bad tmf/no-line $S/tmf.schema.json jsonl "$D/tmf.jsonl" del /line
bad tmf/negative-number $S/tmf.schema.json jsonl "$D/tmf.jsonl" set /number -1
bad chrome/no-ph $S/chrome.schema.json json "$D/samples.chrome.json" del /traceEvents/0/ph
bad chrome/X-without-dur $S/chrome.schema.json json "$D/samples.chrome.json" del '/traceEvents/?ph=X/dur'
bad chrome/ts-as-string $S/chrome.schema.json json "$D/samples.chrome.json" set '/traceEvents/?ph=X/ts' '"0.5"'
bad chrome/violation-without-rule $S/chrome.schema.json json "$D/samples.chrome.json" del '/traceEvents/?ph=i/args/rule'
bad chrome/slice-without-id $S/chrome.schema.json json "$D/samples.chrome.json" del '/traceEvents/?ph=b/id'
bad chrome/no-traceEvents $S/chrome.schema.json json "$D/samples.chrome.json" del /traceEvents
bad profile-stats/count-as-string $S/profile-stats.schema.json jsonl "$D/stats.jsonl" set /count '"2"'
bad profile-stats/bad-kind $S/profile-stats.schema.json jsonl "$D/stats.jsonl" set /kind '"wpp"'
bad query/object-value $S/query.schema.json json "$D/query.json" set /0/n '{"a":1}'
bad event/ts-as-float-string $S/event.schema.json jsonl testdata/samples/nic2.jsonl set /ts '"1.5"'
bad event/bad-state $S/event.schema.json jsonl testdata/samples/nic2.jsonl set /state '"udp"'

"$PY" tests/tools/schemacheck.py "$L" > "$TMP/res" 2> "$TMP/pyerr"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$TMP/res" ]; then
	fail "schemas: the validator failed (exit $rc): $(head -c 500 "$TMP/pyerr" | tr '\n' ' ')"
	exit 0
fi
cat "$TMP/res" >> "$RESULTS"
grep '^fail' "$TMP/res" | sed 's/^fail /FAIL: /' >&2
nchk=$(wc -l < "$L")
nres=$(wc -l < "$TMP/res")
ok "schemas/every check reported ($nres of $nchk; $nsc scenarios, $nco corpus files)" [ "$nres" = "$nchk" ]
exit 0
