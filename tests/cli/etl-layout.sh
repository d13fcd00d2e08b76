#!/bin/sh
# The buffer header's processor before Windows 8 (issue 12): a Windows 7
# logger writes ETW_BUFFER_CONTEXT as UCHAR ProcessorNumber, UCHAR
# Alignment (8), so a 16-bit read gives CPU 2048 + n.  The layout follows
# from the log-file header's VersionDetail (the OS that wrote the file).
#
# Files: testdata/etl/etl-win7-processor-byte.etl and
# etl-win8-processor-index.etl, written byte by byte by
# testdata/etl/make-fixtures.py from the published layouts, and files of
# 'offtrace gen --etl-layout win7'.  Expected values never come from
# offtrace: the processors of every buffer are read by a few lines of
# python3 struct from the same published layout (learn.microsoft.com
# ETW_BUFFER_CONTEXT and TRACE_LOGFILE_HEADER; Geoff Chappell's
# WMI_BUFFER_HEADER and WMI_CLIENT_CONTEXT pages), and every processor
# must be below the header's NumberOfProcessors (acceptance 5).
. tests/lib.sh

D=testdata/etl
have_py=0; command -v python3 >/dev/null 2>&1 && have_py=1

# "NumberOfProcessors major.minor cpu:buffers ..." of a file, by python3:
# the log-file header is buffer 0's first record's payload (0x48 + 0x20);
# each buffer header's ClientContext at 0x28 is (u8 cpu, u8 alignment 8)
# before OS 6.2, else a u16; the walk steps by BufferSize.  It also checks
# the Alignment byte, and says "u16>=2048" when a 16-bit read of every
# buffer would give 2048 or more (the old reading of such a file).
py_cpus() {
	python3 - "$1" <<'EOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
lh = 0x48 + 0x20
major, minor = b[lh + 4], b[lh + 5]
ncpu = struct.unpack_from("<I", b, lh + 0x0C)[0]
one_byte = major in (5, 6) and (major, minor) < (6, 2)
off, cnt, wide = 0, {}, []
while off + 0x48 <= len(b):
    size = struct.unpack_from("<I", b, off)[0]
    wide.append(struct.unpack_from("<H", b, off + 0x28)[0])
    if one_byte:
        cpu, align = b[off + 0x28], b[off + 0x29]
        if align != 8:
            sys.exit("buffer at %d: Alignment %d, not 8" % (off, align))
    else:
        cpu = wide[-1]
    cnt[cpu] = cnt.get(cpu, 0) + 1
    off += size
print(ncpu, "%d.%d" % (major, minor), " ".join("%d:%d" % (c, cnt[c]) for c in sorted(cnt)),
      "u16>=2048" if min(wide) >= 2048 else "")
EOF
}
# processors, version and buffers per cpu as offtrace info prints them
ot_cpus() {
	"$PROG" info "$1" > "$TMP/info" 2>&1 || return 1
	np=$(sed -n 's/^processors  *//p' "$TMP/info")
	v=$(sed -n 's/^version  *[0-9]* (\([0-9.]*\),.*/\1/p' "$TMP/info")
	c=$(sed -n 's/^buffers per cpu  *//p' "$TMP/info")
	echo "$np $v $c"
}
# every processor of info and of dump below NumberOfProcessors
below_ncpu() {
	nproc=$(sed -n 's/^processors  *//p' "$TMP/info")
	bad=$(sed -n 's/^buffers per cpu  *//p' "$TMP/info" | tr ' ' '\n' | awk -F: -v n="$nproc" '$1 >= n' | wc -l)
	bad2=$("$PROG" dump --format jsonl "$1" | sed -n 's/.*"cpu":\([0-9]*\),.*/\1/p' | awk -v n="$nproc" '$1 >= n' | wc -l)
	[ -n "$nproc" ] && [ "$bad" = 0 ] && [ "$bad2" = 0 ]
}

check_file() {	# NAME FILE WANT-ONE-BYTE(yes|no)
	if ! got=$(ot_cpus "$2"); then
		fail "etl-layout/$1: info failed: $(head -c 300 "$TMP/info")"
		return
	fi
	ok "etl-layout/$1: every processor below NumberOfProcessors (info, dump)" below_ncpu "$2"
	if [ "$3" = yes ]; then
		ok "etl-layout/$1: info names the 8-bit processor layout" \
			grep -q '^buffer processor  *8-bit ProcessorNumber (OS 6\.[01], before 6\.2)$' "$TMP/info"
	else
		ok "etl-layout/$1: info names no 8-bit layout" sh -c "! grep -q '^buffer processor' '$TMP/info'"
	fi
	if [ $have_py = 0 ]; then
		skip "etl-layout/$1: python3 not installed, buffer headers not read independently"
		return
	fi
	want=$(py_cpus "$2") || { fail "etl-layout/$1: python3: $want"; return; }
	case $3 in
	yes)	case $want in *u16\>=2048) ;; *) fail "etl-layout/$1: python3 does not see the 2048 reading: $want";; esac ;;
	esac
	want=${want% u16>=2048}
	want=${want% }
	if [ "$got" = "$want" ]; then
		pass "etl-layout/$1: processors, version, buffers per cpu = python3 struct ($want)"
	else
		fail "etl-layout/$1: offtrace '$got', python3 '$want'"
	fi
}

check_file etl-win7-processor-byte "$D/etl-win7-processor-byte.etl" yes
check_file etl-win8-processor-index "$D/etl-win8-processor-index.etl" no

# the fixture's records keep their processors: events of processors 3, 1,
# 0, 2 at 10 * cpu + 1 and + 2 ticks (make-fixtures.py), so in time order
"$PROG" dump --format jsonl "$D/etl-win7-processor-byte.etl" | sed -n 's/.*"cpu":\([0-9]*\),.*/\1/p' | tr '\n' ' ' > "$TMP/c"
ok "etl-layout/etl-win7-processor-byte: record processors 0 0 0 1 1 2 2 3 3" test "$(cat "$TMP/c")" = "0 0 0 1 1 2 2 3 3 "

# gen writes the Windows 7 layout; the analysis does not depend on it
for sc in clean host-tcpip; do
	if ! "$PROG" gen "$sc" -o "$TMP/$sc-7.etl" --etl-layout win7 2> "$TMP/err" ||
	   ! "$PROG" gen "$sc" -o "$TMP/$sc-10.etl" 2>> "$TMP/err"; then
		fail "etl-layout/gen-$sc: $(cat "$TMP/err")"
		continue
	fi
	check_file "gen-$sc-win7" "$TMP/$sc-7.etl" yes
	"$PROG" ingest -q --db "$TMP/$sc-7.db" "$TMP/$sc-7.etl" 2> "$TMP/err" &&
	"$PROG" ingest -q --db "$TMP/$sc-10.db" "$TMP/$sc-10.etl" 2>> "$TMP/err" ||
		fail "etl-layout/gen-$sc: ingest: $(cat "$TMP/err")"
	q="SELECT ts, ev, cpu FROM events ORDER BY id"
	"$PROG" query "$TMP/$sc-7.db" "$q" > "$TMP/q7" 2>&1
	"$PROG" query "$TMP/$sc-10.db" "$q" > "$TMP/q10" 2>&1
	ok "etl-layout/gen-$sc: the events' processors are those of the Windows 10 layout" \
		sh -c "[ \$(wc -l < '$TMP/q7') -gt 2 ] && cmp -s '$TMP/q7' '$TMP/q10'"
done
"$PROG" gen clean -o "$TMP/x.jsonl" --etl-layout win7 > /dev/null 2> "$TMP/err"
ok "etl-layout/gen: --etl-layout without --format etl is a usage error" \
	sh -c "[ $? = 2 ] && grep -q 'applies to --format etl' '$TMP/err'"
"$PROG" gen clean -o "$TMP/x.etl" --etl-layout win8 > /dev/null 2> "$TMP/err"
ok "etl-layout/gen: an unknown layout is a usage error" \
	sh -c "[ $? = 2 ] && grep -q \"unknown --etl-layout 'win8'\" '$TMP/err'"
exit 0
