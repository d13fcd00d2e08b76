#!/bin/sh
# Write errors (issue 16): every command that writes, given a full device
# (stdout redirected to /dev/full, and -o /dev/full where there is -o),
# or a closed stdout, fails with one line naming the output and why,
# "offtrace: NAME: cannot write: REASON", and exit status 2 (an output
# that cannot be written, as the README's table says) -- not 0, and not
# another command's message.  A file size limit (ulimit -f, its signal
# not ignored by the shell: offtrace itself turns it into EFBIG) in the
# middle of an -o file leaves the file as it was before (or none), and no
# temporary file beside it.
. tests/lib.sh

S=testdata/samples
D=testdata/profiles
FULL="No space left on device"
"$PROG" ingest -q --db "$TMP/run.db" $S/*.jsonl || { fail "write-errors: setup"; exit 0; }
"$PROG" gen hw-failure -o "$TMP/hw.etl" >/dev/null 2>&1 &&
"$PROG" gen clean -o "$TMP/c.jsonl" --pcap "$TMP/c.pcap" --pcapng "$TMP/c.pcapng" \
	>/dev/null 2>&1 || { fail "write-errors: gen setup"; exit 0; }
TMF=$(ls testdata/wpp/*.tmf | head -n 1)

# expect NAME WHO WHY CMD...: CMD's stderr is exactly "offtrace: WHO:
# cannot write: WHY" and its exit status 2
expect() {
	n=$1 who=$2 why=$3
	shift 3
	"$@" 2> "$TMP/err"
	rc=$?
	msg=$(cat "$TMP/err")
	if [ $rc = 2 ] && [ "$msg" = "offtrace: $who: cannot write: $why" ]; then
		pass "write-errors/$n"
	else
		fail "write-errors/$n: exit $rc: $(head -c 300 "$TMP/err")"
	fi
}
# to_full NAME CMD...: stdout is /dev/full
to_full() { n=$1; shift; expect "stdout/$n" stdout "$FULL" run_full "$@"; }
run_full() { "$@" > /dev/full; }
# closed NAME CMD...: stdout is closed
closed() { n=$1; shift; expect "closed/$n" stdout "Bad file descriptor" run_closed "$@"; }
run_closed() { "$@" >&-; }

# 1. stdout is a full device, every command that prints
to_full query "$PROG" query "$TMP/run.db" "SELECT * FROM events"
to_full query-json "$PROG" query --json "$TMP/run.db" "SELECT * FROM events"
to_full show-object "$PROG" show object 0xffffe0212a4c33b8 "$TMP/run.db"
to_full show-op "$PROG" show op 1 "$TMP/run.db"
to_full show-event "$PROG" show event 1 "$TMP/run.db"
to_full info "$PROG" info "$TMP/hw.etl"
to_full gen "$PROG" gen late-write -o -
to_full gen-text "$PROG" gen late-write --format text -o -
to_full gen-list "$PROG" gen --list
to_full dump "$PROG" dump "$TMP/hw.etl"
to_full dump-jsonl "$PROG" dump --format jsonl "$TMP/hw.etl"
to_full dump-pcap "$PROG" dump "$TMP/c.pcap"
to_full flows "$PROG" flows -q "$TMP/c.pcap"
to_full flows-jsonl "$PROG" flows -q --format jsonl "$TMP/c.pcapng"
to_full export "$PROG" export -o - "$TMP/run.db"
for f in text json csv html; do
	to_full report-$f "$PROG" report --format $f "$TMP/run.db"
	to_full analyze-$f "$PROG" analyze -q --format $f $S/nic0.jsonl
done
to_full report-csv-table "$PROG" report --format csv --table violations "$TMP/run.db"
to_full check "$PROG" check "$TMP/run.db"
to_full check-github "$PROG" check --format github "$TMP/run.db"
to_full check-junit-stdout "$PROG" check --junit - "$TMP/run.db"
to_full tmf "$PROG" tmf "$TMF"
to_full tmf-jsonl "$PROG" tmf --format jsonl "$TMF"
to_full profile-check "$PROG" profile check "$D/acme.json"
to_full profile-stats "$PROG" profile stats --profile "$D/acme.json" "$D/acme.txt"
to_full help "$PROG" --help
to_full help-report "$PROG" report --help
to_full version "$PROG" --version

# 2. -o (and --junit, --html) a full device; stdout is fine
out_full() { n=$1; shift; expect "o/$n" /dev/full "$FULL" run_quiet "$@"; }
run_quiet() { "$@" > "$TMP/stdout"; }
for f in text json csv html; do
	out_full report-$f "$PROG" report --format $f -o /dev/full "$TMP/run.db"
done
out_full export "$PROG" export -o /dev/full "$TMP/run.db"
out_full export-traces "$PROG" export -q -o /dev/full $S/nic0.jsonl
out_full analyze-html "$PROG" analyze -q --html /dev/full $S/nic0.jsonl
out_full check-junit "$PROG" check --junit /dev/full "$TMP/run.db"
# gen -o /dev/full would put its truth file in /dev: -o - and --pcap
out_full gen-pcap "$PROG" gen clean -o "$TMP/g.jsonl" --pcap /dev/full
ok "write-errors/o/gen-pcap: no trace without its capture" \
	[ ! -e "$TMP/g.jsonl" ] && [ ! -e "$TMP/g.jsonl.truth.json" ]

# 3. a closed stdout: the same line, with its reason
closed query "$PROG" query "$TMP/run.db" "SELECT 1"
closed show "$PROG" show object 0xffffe0212a4c33b8 "$TMP/run.db"
closed gen "$PROG" gen late-write -o -
closed report "$PROG" report "$TMP/run.db"
closed help "$PROG" --help

# 4. A file size limit in the middle of an -o file: the file as it was
# (or none), nothing beside it.  The limit is in 512-byte blocks (dash).
limited() { (ulimit -f 8; "$@" > /dev/null); }
# partial NAME FILE WHO CMD...: FILE held "before"; CMD fails on it
partial() {
	n=$1 file=$2 who=$3
	shift 3
	echo before > "$file"
	expect "ulimit/$n" "$who" "File too large" limited "$@"
	if [ "$(cat "$file" 2>/dev/null)" = before ]; then
		pass "write-errors/ulimit/$n: the file is as it was"
	else
		fail "write-errors/ulimit/$n: the file changed ($(wc -c < "$file") bytes)"
	fi
	left=$(ls "$TMP/lim" | grep -v '^prev\.' | tr '\n' ' ')
	ok "write-errors/ulimit/$n: nothing left beside it ($left)" [ -z "$left" ]
}
mkdir "$TMP/lim"
L=$TMP/lim
partial report-html "$L/prev.html" "$L/prev.html" \
	"$PROG" report --format html -o "$L/prev.html" "$TMP/run.db"
partial report-json "$L/prev.json" "$L/prev.json" \
	"$PROG" report --format json -o "$L/prev.json" "$TMP/run.db"
partial export "$L/prev.trace.json" "$L/prev.trace.json" \
	"$PROG" export -o "$L/prev.trace.json" "$TMP/run.db"
partial analyze-html "$L/prev.page.html" "$L/prev.page.html" \
	"$PROG" analyze -q --html "$L/prev.page.html" $S/nic0.jsonl
partial gen "$L/prev.jsonl" "$L/prev.jsonl" \
	"$PROG" gen scale --objects 200 -o "$L/prev.jsonl"
ok "write-errors/ulimit/gen: no truth file" [ ! -e "$L/prev.jsonl.truth.json" ]
# a new file: none at all afterwards
expect "ulimit/new-file" "$L/new.html" "File too large" \
	limited "$PROG" report --format html -o "$L/new.html" "$TMP/run.db"
ok "write-errors/ulimit/new-file: no file" [ -z "$(ls "$L" | grep -v '^prev\.')" ]

# 5. what succeeds is whole: the file replaced, its mode kept, a
# symbolic link written through, not replaced
echo before > "$L/prev.html"
chmod 640 "$L/prev.html"
ln -s prev.html "$L/link.html"
"$PROG" report --format html -o "$L/link.html" "$TMP/run.db" 2> "$TMP/err"
rc=$?
if [ $rc = 0 ] && [ -L "$L/link.html" ] && grep -q '</html>' "$L/prev.html" &&
   [ "$(stat -c %a "$L/prev.html")" = 640 ]; then
	pass "write-errors/replace: complete, through the link, mode kept"
else
	fail "write-errors/replace: exit $rc $(cat "$TMP/err") $(ls -l "$L")"
fi
rm -f "$L/link.html"

# 6. a temporary file of a killed offtrace (its process gone) is removed
# by the next one to write the same output; a live process's stays
sh -c 'exit 0' & dead=$!
wait $dead
sleep 60 & live=$!
echo partial > "$L/prev.html.$dead.new"
echo partial > "$L/prev.html.$live.new"
"$PROG" report --format html -o "$L/prev.html" "$TMP/run.db" 2> "$TMP/err"
if [ ! -e "$L/prev.html.$dead.new" ] && [ -e "$L/prev.html.$live.new" ]; then
	pass "write-errors/stale-temporary-removed"
else
	fail "write-errors/stale-temporary-removed: $(ls "$L")"
fi
kill $live 2>/dev/null
wait $live 2>/dev/null
exit 0
