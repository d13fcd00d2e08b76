#!/bin/sh
# Trace artifacts as they come (issue 15): the sample traces in a .zip, a
# .tar.zst, a .tar.gz with a nested .zip, a .cab (written here with gcab),
# as .gz/.zst/.xz/.bz2/.lz4 single files, as a directory and through a
# pipe each give the same JSON report as the plain files, names aside.
# The archives are written by the system's own tools (zip, tar, zstd,
# gzip, xz, bzip2, lz4, gcab), not by offtrace.  Damaged archives exit 2
# with the archive, member and offset, and leave the database unchanged.
. tests/lib.sh

have() { command -v "$1" > /dev/null 2>&1; }
S=testdata/samples
mkdir -p "$TMP/plain"
cp $S/*.jsonl "$TMP/plain/"

# a report with the names of its inputs taken out (and what was skipped)
norm() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = d["trace"]
t.pop("name", None)
t.pop("skipped", None)
for f in t["files"]:
    f.pop("file", None)
print(json.dumps(d, sort_keys=True, indent=1))' "$1"
}

"$PROG" analyze --db :memory: --format json $S/*.jsonl > "$TMP/want.json" 2>/dev/null
norm "$TMP/want.json" > "$TMP/want.norm" || fail "archives/plain-report"

same() {	# NAME, then the inputs
	name=$1
	shift
	"$PROG" analyze --db :memory: --format json "$@" > "$TMP/got.json" 2> "$TMP/got.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "archives/$name: exit $rc: $(head -c 300 "$TMP/got.err")"
	elif norm "$TMP/got.json" | cmp -s - "$TMP/want.norm"; then
		pass "archives/$name"
	else
		fail "archives/$name: report differs: $(norm "$TMP/got.json" | diff "$TMP/want.norm" - | head -n 8)"
	fi
}

(cd "$TMP/plain" && for f in *.jsonl; do
	gzip -c "$f" > "$f.gz"; done)

if have zip; then
	(cd "$TMP/plain" && zip -q ../s.zip *.jsonl)
	same zip "$TMP/s.zip"
	# the same trace in a .zip and as a plain file is one input
	"$PROG" ingest -q --db "$TMP/dup.db" $S/nic0.jsonl
	"$PROG" ingest -q --db "$TMP/dup.db" --member nic0.jsonl "$TMP/s.zip" 2> "$TMP/dup.err"
	ok "archives/duplicate-by-content" [ $? -eq 2 ]
	ok "archives/duplicate-message" grep -q 'already' "$TMP/dup.err"
	# --member picks members
	"$PROG" analyze --db :memory: --format json --member 'nic*' "$TMP/s.zip" > "$TMP/m.json"
	ok "archives/member-glob" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = [f["file"] for f in d["trace"]["files"]]
sys.exit(0 if names == [sys.argv[2] + ":nic0.jsonl", sys.argv[2] + ":nic1-target.jsonl", sys.argv[2] + ":nic2.jsonl"] else 1)' "$TMP/m.json" "$TMP/s.zip"
	"$PROG" analyze --db :memory: --member 'nothing*' "$TMP/s.zip" > /dev/null 2> "$TMP/none.err"
	ok "archives/member-matches-none" [ $? -eq 2 ]
	ok "archives/member-matches-none-message" grep -q 'no trace or capture in this archive that --member selects' "$TMP/none.err"
else
	skip "archives/zip: zip not installed"
fi

if have zstd; then
	(cd "$TMP/plain" && tar cf - *.jsonl) | zstd -q > "$TMP/s.tar.zst"
	same tar.zst "$TMP/s.tar.zst"
else
	skip "archives/tar.zst: zstd not installed"
fi

if have zip; then
	# a .tar.gz holding a .zip of two traces, a README and the other two
	# (in the samples' order: the order of inputs breaks ties in the merge)
	mkdir -p "$TMP/n"
	cp $S/nic1-target.jsonl $S/nic2.jsonl "$TMP/n/"
	(cd "$TMP/plain" && zip -q "$TMP/n/inner.zip" mux0-im.jsonl nic0.jsonl)
	echo "CI artifacts of build 1234" > "$TMP/n/README.txt"
	(cd "$TMP/n" && tar czf ../nested.tar.gz inner.zip README.txt nic1-target.jsonl nic2.jsonl)
	same tar.gz-nested-zip "$TMP/nested.tar.gz"
	ok "archives/nested-names" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = sys.argv[2]
names = [f["file"] for f in d["trace"]["files"]]
want = [a + ":inner.zip:mux0-im.jsonl", a + ":inner.zip:nic0.jsonl", a + ":nic1-target.jsonl", a + ":nic2.jsonl"]
skipped = d["trace"].get("skipped")
sys.exit(0 if names == want and skipped == [{"file": a + ":README.txt", "kind": "text"}] else 1)' "$TMP/got.json" "$TMP/nested.tar.gz"
	"$PROG" analyze --db :memory: "$TMP/nested.tar.gz" > "$TMP/nested.txt"
	ok "archives/skipped-in-text-report" grep -q 'README.txt (text): skipped' "$TMP/nested.txt"
fi

if have gcab; then
	(cd "$TMP/plain" && gcab -c "$TMP/s.cab" *.jsonl)
	same cab "$TMP/s.cab"
else
	skip "archives/cab: gcab not installed (apt-get install gcab)"
fi

# compressed single files, by content (the names say nothing)
for c in "gzip -c" "zstd -q -c" "xz -c" "bzip2 -c" "lz4 -q -c"; do
	tool=${c%% *}
	if ! have "$tool"; then
		skip "archives/$tool: not installed"
		continue
	fi
	set --
	for f in "$TMP"/plain/*.jsonl; do
		$c "$f" > "$f.$tool.bin"
		set -- "$@" "$f.$tool.bin"
	done
	same "compressed-$tool" "$@"
done

# a directory: every trace below it, sorted by path; others skipped
mkdir -p "$TMP/dir/a" "$TMP/dir/n"
cp $S/mux0-im.jsonl "$TMP/dir/a/"
cp $S/nic0.jsonl $S/nic1-target.jsonl $S/nic2.jsonl "$TMP/dir/n/"
echo "notes" > "$TMP/dir/notes.txt"
same directory "$TMP/dir"
ok "archives/directory-skipped" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["trace"].get("skipped") == [{"file": sys.argv[2] + "/notes.txt", "kind": "text"}] else 1)' "$TMP/got.json" "$TMP/dir"

# a pipe: "-", /dev/stdin, a FIFO; one input each (the samples are four
# files of one trace: their merge is what the plain files give)
"$PROG" analyze --db :memory: --format json $S/nic0.jsonl > "$TMP/one.json"
norm "$TMP/one.json" > "$TMP/one.norm"
pipe_same() {	# NAME FILE-OF-REPORT
	if norm "$2" | cmp -s - "$TMP/one.norm"; then pass "archives/$1"; else fail "archives/$1"; fi
}
"$PROG" analyze --db :memory: --format json - < $S/nic0.jsonl > "$TMP/p1.json"
pipe_same stdin-dash "$TMP/p1.json"
cat $S/nic0.jsonl | "$PROG" analyze --db :memory: --format json /dev/stdin > "$TMP/p2.json"
pipe_same stdin-dev "$TMP/p2.json"
mkfifo "$TMP/fifo"
cat $S/nic0.jsonl > "$TMP/fifo" &
"$PROG" analyze --db :memory: --format json "$TMP/fifo" > "$TMP/p3.json"
wait
pipe_same fifo "$TMP/p3.json"
# the four samples through one pipe, as a .tar.gz
if have zip; then
	cat "$TMP/s.zip" | "$PROG" analyze --db :memory: --format json - > "$TMP/got.json"
	if norm "$TMP/got.json" | cmp -s - "$TMP/want.norm"; then pass "archives/zip-through-pipe"; else fail "archives/zip-through-pipe"; fi
fi
# gzip through a pipe
gzip -c $S/nic0.jsonl | "$PROG" analyze --db :memory: --format json - > "$TMP/p4.json"
pipe_same gzip-through-pipe "$TMP/p4.json"

# acceptance 2: gen into check through a pipe; the late write fails C1
"$PROG" gen late-write -o - 2>/dev/null | "$PROG" check - > "$TMP/check.out" 2>&1
ok "archives/gen-pipe-check-exits-1" [ $? -eq 1 ]
ok "archives/gen-pipe-check-c1" grep -q 'FAIL  rules    C1' "$TMP/check.out"

# .etl (spooled to a temporary file: read out of order), tracefmt text and
# captures, compressed, give the same report as plain
"$PROG" gen late-write -o "$TMP/lw.etl" --pcapng "$TMP/lw.pcapng" > /dev/null 2>&1
"$PROG" gen late-write --format text -o "$TMP/lw.txt" > /dev/null 2>&1
if have zstd; then
	for set in "lw.etl" "lw.txt" "lw.etl lw.pcapng"; do
		a= b=
		for f in $set; do
			zstd -q -f "$TMP/$f" -o "$TMP/$f.zst"
			a="$a $TMP/$f" b="$b $TMP/$f.zst"
		done
		"$PROG" analyze --db :memory: --format json $a > "$TMP/a.json" 2>/dev/null
		"$PROG" analyze --db :memory: --format json $b > "$TMP/b.json" 2> "$TMP/b.err"
		if norm "$TMP/a.json" > "$TMP/a.norm" && norm "$TMP/b.json" | cmp -s - "$TMP/a.norm"; then
			pass "archives/zst-$(echo $set | tr ' ' '+')"
		else
			fail "archives/zst-$(echo $set | tr ' ' '+'): $(head -c 300 "$TMP/b.err")"
		fi
	done
	# .etl through a pipe, and dump/flows of compressed inputs
	zstd -q -c "$TMP/lw.etl" | "$PROG" analyze --db :memory: --format json - > "$TMP/b.json"
	"$PROG" analyze --db :memory: --format json "$TMP/lw.etl" > "$TMP/a.json"
	norm "$TMP/a.json" > "$TMP/a.norm"
	if norm "$TMP/b.json" | cmp -s - "$TMP/a.norm"; then pass "archives/etl-zst-pipe"; else fail "archives/etl-zst-pipe"; fi
	"$PROG" dump "$TMP/lw.etl" > "$TMP/d1"
	"$PROG" dump "$TMP/lw.etl.zst" > "$TMP/d2"
	ok "archives/dump-zst" cmp -s "$TMP/d1" "$TMP/d2"
	# info reads the .etl inside: every line the same but the file's name
	"$PROG" info "$TMP/lw.etl" | sed 1d > "$TMP/i1"
	"$PROG" info "$TMP/lw.etl.zst" > "$TMP/i2"
	ok "archives/info-zst-name" grep -q "^file  *$TMP/lw.etl.zst\$" "$TMP/i2"
	sed 1d "$TMP/i2" | cmp -s - "$TMP/i1"
	ok "archives/info-zst" [ $? -eq 0 ]
	(cd "$TMP" && tar cf info.tar lw.etl lw.pcapng)
	"$PROG" info "$TMP/info.tar" > /dev/null 2> "$TMP/i.err"
	ok "archives/info-tar-two" [ $? -eq 2 ]
	ok "archives/info-tar-two-message" grep -q 'info.tar: holds 2 traces; info reads one: choose it with --member GLOB' "$TMP/i.err"
	"$PROG" info --member '*.etl' "$TMP/info.tar" | sed 1d | cmp -s - "$TMP/i1"
	ok "archives/info-tar-member" [ $? -eq 0 ]
	"$PROG" flows -q "$TMP/lw.pcapng" > "$TMP/f1"
	zstd -q -c "$TMP/lw.pcapng" | "$PROG" flows -q - > "$TMP/f2"
	ok "archives/flows-pipe-zst" cmp -s "$TMP/f1" "$TMP/f2"
fi

# damage: one clear line naming the archive (and member), exit 2, quickly,
# the database unchanged
# an address-space limit (KiB) on what follows; not under ASan, which
# reserves terabytes of address space for its shadow
limit_as() {
	[ "$OT_MODE" = sanitize ] || ulimit -v "$1"
}
damaged() {	# NAME FILE PATTERN
	"$PROG" ingest -q --db "$TMP/keep.db" "$2" > /dev/null 2> "$TMP/dmg.err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l < "$TMP/dmg.err")" -eq 1 ] && grep -q "$3" "$TMP/dmg.err"; then
		pass "archives/damaged-$1"
	else
		fail "archives/damaged-$1: exit $rc: $(head -c 300 "$TMP/dmg.err")"
	fi
	ok "archives/damaged-$1-db-unchanged" [ "$(sha "$TMP/keep.db")" = "$keep_sha" ]
}
"$PROG" ingest -q --db "$TMP/keep.db" $S/nic2.jsonl
keep_sha=$(sha "$TMP/keep.db")
if have zip; then
	head -c 3000 "$TMP/s.zip" > "$TMP/trunc.zip"
	damaged truncated-zip "$TMP/trunc.zip" "trunc.zip:nic0.jsonl: damaged entry: .*phase=archive"
	python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
for i in range(200, len(d) - 200, 997):
    d[i] ^= 0x5a
open(sys.argv[2], "wb").write(d)' "$TMP/s.zip" "$TMP/flip.zip"
	damaged flipped-zip "$TMP/flip.zip" "flip.zip:.*damaged"
	# an encrypted member
	(cd "$TMP/plain" && zip -q -P secret ../enc.zip nic0.jsonl)
	damaged encrypted-zip "$TMP/enc.zip" "enc.zip:nic0.jsonl: encrypted entry"
fi
if have zstd; then
	head -c 3000 "$TMP/s.tar.zst" > "$TMP/trunc.tar.zst"
	damaged truncated-tar-zst "$TMP/trunc.tar.zst" "trunc.tar.zst: damaged archive or compressed file: Truncated zstd input"
fi
head -c 2000 "$TMP/plain/nic0.jsonl.gz" > "$TMP/trunc.jsonl.gz"
damaged truncated-gzip "$TMP/trunc.jsonl.gz" "trunc.jsonl.gz: damaged .*truncated gzip input"
# an entry claiming 100 GiB in a small tar: refused before reading it,
# with memory bounded (a 2 GiB address-space limit would fail any attempt
# to hold it)
python3 -c '
import sys, tarfile
t = tarfile.TarInfo("huge.etl")
t.size = 100 << 30
open(sys.argv[1], "wb").write(t.tobuf(format=tarfile.GNU_FORMAT) + bytes(4096))' "$TMP/claim.tar"
(limit_as 2097152; "$PROG" ingest -q --db "$TMP/keep.db" "$TMP/claim.tar") > /dev/null 2> "$TMP/dmg.err"
ok "archives/claims-100GiB" [ $? -eq 2 ]
ok "archives/claims-100GiB-message" grep -q 'claim.tar:huge.etl: entry claims 107374182400 bytes' "$TMP/dmg.err"
ok "archives/claims-100GiB-db-unchanged" [ "$(sha "$TMP/keep.db")" = "$keep_sha" ]
# a stream that expands beyond the ratio (1000:1 past 64 MiB): zeros after
# a JSON line's start, so that no reader stops first
if have zstd; then
	(head -n 1 $S/nic0.jsonl; yes "$(head -n 1 $S/nic0.jsonl)" | head -c 100000000) |
		zstd -q -19 > "$TMP/bomb.jsonl.zst"
	(limit_as 4194304; "$PROG" ingest -q --db "$TMP/keep.db" "$TMP/bomb.jsonl.zst") > /dev/null 2> "$TMP/dmg.err"
	ok "archives/bomb-ratio" [ $? -eq 2 ]
	ok "archives/bomb-ratio-message" grep -q 'expands beyond 1000 times its compressed size' "$TMP/dmg.err"
fi
# a stream read twice is an error, not a silent empty input
"$PROG" analyze --db :memory: - - < $S/nic0.jsonl > /dev/null 2> "$TMP/twice.err"
ok "archives/stdin-twice" [ $? -eq 2 ]
ok "archives/stdin-twice-message" grep -q 'standard input is read once; it is given twice' "$TMP/twice.err"
exit 0
