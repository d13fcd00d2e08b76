#!/bin/sh
# Real traces and captures written by others (../shared/corpus): ingest
# reads normalized events only, so each must be refused cleanly (exit 2,
# file named, no crash, no database left), never misread.  The .etl files
# are read by dump and info, and tests/cli/etl.sh checks them.
. tests/lib.sh

if [ ! -d "$SHARED/corpus" ]; then
	skip "corpus: $SHARED/corpus not present"
	exit 0
fi
for f in "$SHARED"/corpus/pcap/*.pcap* "$SHARED"/corpus/pcapng/*.pcapng \
	"$SHARED"/corpus/tmf/*.tmf; do
	[ -e "$f" ] || continue
	"$PROG" ingest -q -o "$TMP/c.db" "$f" > /dev/null 2> "$TMP/err"
	rc=$?
	name=corpus/$(basename "$f")
	if [ $rc -ne 2 ]; then
		fail "$name: exit $rc, want 2"
	elif ! grep -qF "offtrace: $f:" "$TMP/err"; then
		fail "$name: message does not name the file: $(cat "$TMP/err")"
	elif [ -e "$TMP/c.db" ]; then
		fail "$name: database left behind"
	else
		pass "$name"
	fi
done
exit 0
