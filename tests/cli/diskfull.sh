#!/bin/sh
# An ingest that runs out of space (issue 16): one line naming the
# database and saying it is unchanged, exit 3 (a database failure, as the
# README's table says), the database byte for byte as it was and usable,
# and no journal, no database and no temporary file left where there was
# none.  Out of space is a small tmpfs when the test runs as root, and a
# file size limit (ulimit -f) in any case.
. tests/lib.sh

MNT=
cleanup() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

"$PROG" gen clean -o "$TMP/small.jsonl" >/dev/null 2>&1
"$PROG" gen scale --objects 20000 -o "$TMP/big.jsonl" >/dev/null 2>&1 ||
	{ fail "diskfull: gen"; exit 0; }

# what the directory holds besides the database and its copy
leftovers() {
	ls -a "$1" | grep -v -e '^\.$' -e '^\.\.$' -e '^full$' \
		-e '^before\.db$' | tr '\n' ' '
}

# check NAME DIR RUNNER WHY: an ingest of big.jsonl into DIR/keep.db
# (holding small.jsonl) and one into DIR/new.db fail as they should
check() {
	name=$1 dir=$2 run=$3 why=$4
	rm -f "$dir/keep.db" "$dir/new.db"
	"$PROG" ingest -q --db "$dir/keep.db" "$TMP/small.jsonl" ||
		{ fail "$name: setup"; return; }
	cp "$dir/keep.db" "$TMP/before.db"
	$run "$PROG" ingest -q --db "$dir/keep.db" "$TMP/big.jsonl" 2> "$TMP/err"
	rc=$?
	msg=$(cat "$TMP/err")
	case $rc:$msg in
	"3:offtrace: $dir/keep.db: "*": $why; nothing was written, the database is unchanged")
		pass "$name: exit 3, one line naming the database" ;;
	*)	fail "$name: exit $rc: $msg" ;;
	esac
	if cmp -s "$dir/keep.db" "$TMP/before.db"; then
		pass "$name: the database is byte for byte as it was"
	else
		fail "$name: the database changed"
	fi
	left=$(leftovers "$dir")
	if [ "$left" = "keep.db " ]; then
		pass "$name: no journal left"
	else
		fail "$name: left $left"
	fi
	n=$("$PROG" query "$dir/keep.db" "select count(*) from traces" 2>&1 | tail -n 1)
	ok "$name: the database is usable" [ "$n" = 1 ]

	$run "$PROG" ingest -q --db "$dir/new.db" "$TMP/big.jsonl" 2> "$TMP/err"
	rc=$?
	msg=$(cat "$TMP/err")
	case $rc:$msg in
	"3:offtrace: $dir/new.db: "*": $why; nothing was written, no database was created")
		pass "$name/new: exit 3, one line naming the database" ;;
	*)	fail "$name/new: exit $rc: $msg" ;;
	esac
	left=$(leftovers "$dir")
	if [ "$left" = "keep.db " ]; then
		pass "$name/new: no database, journal or temporary file left"
	else
		fail "$name/new: left $left"
	fi
}

# 1. A file size limit (the signal ignored, so write() fails with EFBIG).
limited() { (trap '' XFSZ; ulimit -f 2048; "$@"); }
mkdir "$TMP/lim"
check diskfull/ulimit "$TMP/lim" limited "disk I/O error"

# 2. A full filesystem.
if [ "$(id -u)" != 0 ]; then
	skip "diskfull/tmpfs: not root (no tmpfs mount)"
	exit 0
fi
mkdir "$TMP/fs"
if ! mount -t tmpfs -o size=3m tmpfs "$TMP/fs" 2>/dev/null; then
	skip "diskfull/tmpfs: cannot mount a tmpfs here"
	exit 0
fi
MNT=$TMP/fs
check diskfull/tmpfs "$MNT" "" "database or disk is full"

# 3. So full that not even the schema of a new database fits.
rm -f "$MNT/keep.db"
dd if=/dev/zero of="$MNT/full" bs=4096 2>/dev/null
"$PROG" ingest -q --db "$MNT/new.db" "$TMP/small.jsonl" 2> "$TMP/err"
rc=$?
msg=$(cat "$TMP/err")
case $rc:$msg in
"3:offtrace: $MNT/new.db: cannot create: database or disk is full; no database was created")
	pass "diskfull/create: exit 3, one line naming the database" ;;
*)	fail "diskfull/create: exit $rc: $msg" ;;
esac
left=$(leftovers "$MNT")
if [ -z "$left" ]; then
	pass "diskfull/create: nothing left"
else
	fail "diskfull/create: left $left"
fi
exit 0
