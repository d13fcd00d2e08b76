#!/bin/sh
# compare-binaries.sh OLD NEW [WORKDIR]
#
# Runs every command of two offtrace binaries on every input this checkout
# has (testdata/, the generated scenarios in every format, and
# ../shared/corpus/ when present), and diffs what they print: stdout,
# stderr and exit status of each run, and every file a run writes.  Used to
# show that a refactoring changed no output (issue 11, acceptance 1).
# Exits 0 when the two agree byte for byte, 1 with the differing runs.
#
# Inputs are generated once, with OLD, so both binaries read the same
# bytes; `gen` itself is compared separately (its outputs are diffed).
set -u
old=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
new=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
work=${3:-$(mktemp -d /tmp/otcmp.XXXXXX)}
corpus=$root/../shared/corpus
mkdir -p "$work/in" "$work/old" "$work/new"
cd "$work/in" || exit 2

# --- inputs -----------------------------------------------------------
scen=$("$old" gen --list | awk '{print $1}')
for s in $scen; do
	extra=""
	[ "$s" = scale ] && extra="--objects 300"
	"$old" gen $s $extra -o $s.jsonl --pcap $s.pcap --pcapng $s.pcapng >/dev/null 2>&1 ||
		"$old" gen $s $extra -o $s.jsonl >/dev/null 2>&1
	"$old" gen $s $extra -o $s.etl >/dev/null 2>&1
	"$old" gen $s $extra --format wpp -o $s.wpp.etl >/dev/null 2>&1
	"$old" gen $s $extra --format text -o $s.txt >/dev/null 2>&1
done
rm -f -- *.truth.json

traces=""
for f in "$root"/testdata/samples/*.jsonl "$root"/testdata/rules/* \
	 "$root"/testdata/bad/*.jsonl "$root"/testdata/wpp/tracefmt.txt \
	 "$root"/testdata/profiles/acme.txt "$root"/testdata/profiles/acme.jsonl \
	 "$work"/in/*.jsonl "$work"/in/*.etl "$work"/in/*.txt "$work"/in/*.pcap \
	 "$work"/in/*.pcapng; do
	[ -f "$f" ] && traces="$traces $f"
done
corp=""
if [ -d "$corpus" ]; then
	for f in "$corpus"/*/*; do
		case $f in *.md|*.txt.golden|*.out|*.baseline.txt|*.tmf) continue ;; esac
		corp="$corp $f"
	done
fi

# --- runs -------------------------------------------------------------
n=0
# run NAME ARGS...: in $work/{old,new}/NAME/, stdout, stderr, status and
# every file written there ("@OUT" in ARGS is a file in that directory)
run() {
	name=$1
	shift
	n=$((n + 1))
	for side in old new; do
		eval bin=\$$side
		d=$work/$side/$name
		mkdir -p "$d"
		args=""
		for a in "$@"; do
			case $a in
			@*) a=$d/${a#@} ;;
			esac
			args="$args '$(printf %s "$a" | sed "s/'/'\\\\''/g")'"
		done
		(cd "$d" && eval "\"$bin\" $args" >"$d/.stdout" 2>"$d/.stderr" </dev/null
		 echo $? >"$d/.status")
		# the path of the side's directory is printed by some errors
		sed -i "s#$d#@#g" "$d/.stdout" "$d/.stderr"
	done
}

safe() { printf %s "$1" | tr '/.' '__'; }

run help --help
for c in analyze ingest report check show query gen info dump export flows tmf profile; do
	run help-$c $c --help
done
run gen-list gen --list
for s in $scen; do
	extra=""
	[ "$s" = scale ] && extra="--objects 300"
	run gen-$s gen $s $extra -o @t.jsonl --pcap @t.pcap --pcapng @t.pcapng
	run gen-$s-etl gen $s $extra -o @t.etl
	run gen-$s-wpp gen $s $extra --format wpp -o @t.etl
	run gen-$s-text gen $s $extra --format text -o @t.txt
done

samples="$root/testdata/samples/mux0-im.jsonl $root/testdata/samples/nic0.jsonl $root/testdata/samples/nic1-target.jsonl $root/testdata/samples/nic2.jsonl"
run analyze-samples analyze $samples
run analyze-samples-json analyze --format json $samples
run analyze-samples-csv analyze --format csv $samples
run analyze-samples-html analyze -q --html @r.html $samples
run check-samples check --junit @j.xml $samples
run check-samples-gh check --format github --latency 'initiate:p99<=500us' $samples

for f in $traces $corp; do
	b=$(safe "${f##*/}")
	run an-$b analyze -q $f
	run an-json-$b analyze -q --format json $f
	run an-csv-$b analyze -q --format csv $f
	run an-html-$b analyze -q --html @r.html $f
	run check-$b check -q --junit @j.xml --max-leaks 0 $f
	run check-gh-$b check -q --format github $f
	run export-$b export -q -o @t.json $f
	run dump-$b dump $f
	run dump-jsonl-$b dump --format jsonl --payload $f
	run dump-count-$b dump --count $f
	run info-$b info $f
	run flows-$b flows $f
	run flows-jsonl-$b flows --format jsonl $f
	run pstats-$b profile stats $f
	run pstats-acme-$b profile stats --profile "$root/testdata/profiles/acme.json" $f
done
for f in "$work"/in/*.wpp.etl; do
	b=$(safe "${f##*/}")
	run an-tmf-$b analyze -q --format json --tmf "$f.tmf" $f
	run dump-tmf-$b dump --tmf "$f.tmf" $f
	run dump-tmf-jsonl-$b dump --format jsonl --tmf "$f.tmf" $f
	run tmf-$b tmf "$f.tmf"/*.tmf
done
if [ -d "$corpus/tmf" ]; then
	for t in "$corpus"/tmf/*.tmf; do
		run tmf-$(safe "${t##*/}") tmf $t
		run tmf-jsonl-$(safe "${t##*/}") tmf --format jsonl $t
	done
	[ -f "$corpus/text/usbip-ude.txt" ] &&
		run usbip-prefix dump --prefix '[%9]%3!04x! %!LEVEL! %!FUNC!:' "$corpus/text/usbip-ude.txt"
fi
run acme analyze -q --format json --profile "$root/testdata/profiles/acme.json" --tz-offset +02:00 "$root/testdata/profiles/acme.txt"
for p in "$root"/testdata/profiles/*.json "$root"/testdata/profiles/bad/*.json; do
	run pcheck-$(safe "${p##*/}") profile check $p
done
run join-offset analyze -q --format json --pcap-offset -1.5s --grace 500ms \
	"$work/in/wire-close.jsonl" "$work/in/wire-close.pcap"
run join-ng analyze -q --format json "$work/in/syn-delay.jsonl" "$work/in/syn-delay.pcapng"
run join-etl analyze -q --format json "$work/in/wire-close.etl" "$work/in/wire-close.pcap"

# database commands: one database per side, built by each binary
for side in old new; do
	eval bin=\$$side
	rm -f "$work/$side.db"
	"$bin" ingest -q -o "$work/$side.db" $samples >/dev/null 2>&1
	"$bin" ingest -q -o "$work/$side.db" "$work/in/use-after-terminate.jsonl" >/dev/null 2>&1
	"$bin" ingest -q -o "$work/$side.db" "$work/in/wire-close.jsonl" "$work/in/wire-close.pcap" >/dev/null 2>&1
done
dbrun() {
	name=$1
	shift
	n=$((n + 1))
	for side in old new; do
		eval bin=\$$side
		d=$work/$side/$name
		mkdir -p "$d"
		(cd "$d" && "$bin" "$@" "$work/$side.db" >"$d/.stdout" 2>"$d/.stderr" </dev/null
		 echo $? >"$d/.status")
		sed -i "s#$work/$side.db#@DB#g" "$d/.stdout" "$d/.stderr"
	done
}
dbrun db-report report
dbrun db-report-json report --format json
dbrun db-report-csv report --format csv
dbrun db-report-html report --format html -o r.html
dbrun db-report-t1 report --trace 1
dbrun db-check check --latency 'initiate:p99<=500us' --junit j.xml
dbrun db-check-t3 check --trace 3 --fail-on W1
dbrun db-export export --format chrome -o t.json
dbrun db-show-slot show object 0xffffe0212a4c33b8
dbrun db-show-root show op 0xffffe0213b100000
dbrun db-show-flow show flow 1
for t in objects operations blocks ctx_writes violations leaks rules flows flow_objects inputs traces; do
	dbrun db-q-$t query "SELECT * FROM $t ORDER BY 1, 2"
done
dbrun db-q-latency query --json "SELECT adapter, layer, kind, count(*), percentile(latency_ns, 99) FROM latency GROUP BY 1, 2, 3"

# --- diff -------------------------------------------------------------
# The databases hold ingest times; every other byte is compared.
if diff -r "$work/old" "$work/new" >"$work/diff" 2>&1; then
	echo "compare: $n runs, old and new agree byte for byte ($work)"
	exit 0
fi
echo "compare: $n runs, outputs differ (diff in $work/diff):"
grep '^diff\|^Only' "$work/diff" | head -40
exit 1
