#!/bin/sh
# Valgrind memcheck (issue 16): no error and no definitely lost byte on
# analyze of the real corpus (../shared/corpus: every capture in one
# analyze, the .etl files, the tracefmt text) and of a generated scenario
# (with its HTML page), and on dump and flows of a corpus .etl, pcapng
# and pktmon capture.  Not under the sanitizers (their build does not run
# under valgrind), not without valgrind; the corpus runs only when it is
# there.  About a minute: a run costs valgrind's start (seconds) more
# than its input, so the inputs go in few runs.
. tests/lib.sh

if [ "${OT_MODE:-normal}" = sanitize ]; then
	skip "valgrind: the sanitizer build does not run under valgrind"
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	skip "valgrind: not installed (apt-get install valgrind)"
	exit 0
fi
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"

# vg NAME WANT CMD...: offtrace CMD under memcheck: exit WANT (the
# command's own, not 99), no line of valgrind's
vg() {
	n=$1 want=$2
	shift 2
	$VG "$PROG" "$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ $rc = "$want" ] && ! grep -q '^==[0-9]*==' "$TMP/err"; then
		pass "valgrind/$n"
	else
		fail "valgrind/$n: exit $rc (99: memcheck): $(grep '^==' "$TMP/err" | head -n 12)"
	fi
}

# a generated scenario, its report and its HTML page; a database read back
"$PROG" gen late-write -o "$TMP/lw.jsonl" > /dev/null 2>&1 || { fail "valgrind: gen"; exit 0; }
vg analyze-gen 0 analyze -q --html "$TMP/lw.html" "$TMP/lw.jsonl"
vg analyze-gen-db 0 analyze -q --db "$TMP/lw.db" --format json "$TMP/lw.jsonl"
vg report-db 0 report --format csv "$TMP/lw.db"
vg gen-etl 0 gen hw-failure -o "$TMP/hw.etl"
vg analyze-gen-etl 0 analyze -q "$TMP/hw.etl"
# an .etl read from the temporary copy of a compressed file
if gzip -c "$TMP/hw.etl" > "$TMP/hw.etl.gz"; then
	vg info-gz 0 info "$TMP/hw.etl.gz"
fi
# the failure paths of issue 16: a write error, a refused statement
vg report-write-error 2 report --format html -o /dev/full "$TMP/lw.db"
vg query-refused 2 query "$TMP/lw.db" "SELECT 1; VACUUM INTO '$TMP/x.db'"
vg query 0 query --json "$TMP/lw.db" "SELECT * FROM objects; PRAGMA table_info(events)"

C=$SHARED/corpus
if [ ! -d "$C" ]; then
	skip "valgrind/corpus: $C not present"
	exit 0
fi
# every capture with packets, merged by time into one analysis
set --
for f in "$C"/pcap/*.pcap* "$C"/pcapng/*.pcapng "$C"/pktmon/*.etl; do
	[ -e "$f" ] || continue
	case $f in */empty.pcapng) continue ;; esac
	set -- "$@" "$f"
done
[ $# -gt 0 ] && vg analyze-corpus-captures 0 analyze -q "$@"
# the .etl files hold no chimney event: refused, exit 2, with nothing lost
set -- "$C"/etl/*.etl
[ -e "$1" ] && vg analyze-corpus-etl 2 analyze -q "$@"
[ -e "$C/pcap/empty.pcapng" ] && vg analyze-corpus-empty 2 analyze -q "$C/pcap/empty.pcapng"
if [ -e "$C/text/usbip-ude.txt" ]; then
	vg analyze-corpus-text 2 analyze -q --prefix '[%9]%3!04x! %!LEVEL! %!FUNC!:' \
		"$C/text/usbip-ude.txt"
	vg dump-corpus-text 0 dump --prefix '[%9]%3!04x! %!LEVEL! %!FUNC!:' "$C/text/usbip-ude.txt"
fi
[ -e "$C/etl/powershell.etl" ] && vg dump-corpus-etl 0 dump "$C/etl/powershell.etl"
[ -e "$C/etl/gcevents.etl" ] && vg dump-corpus-etl-jsonl 0 dump --format jsonl "$C/etl/gcevents.etl"
[ -e "$C/pcapng/test101.pcapng" ] && vg dump-corpus-pcapng 0 dump "$C/pcapng/test101.pcapng"
set --
for f in "$C"/pcapng/*.pcapng "$C"/pcap/OSPFv2_Capture_FINAL.pcapng; do
	[ -e "$f" ] && set -- "$@" "$f"
done
[ $# -gt 0 ] && vg flows-corpus-pcapng 0 flows -q "$@"
[ -e "$C/pktmon/demikernel-PktMon.etl" ] &&
	vg flows-corpus-pktmon 0 flows -q "$C/pktmon/demikernel-PktMon.etl"
exit 0
