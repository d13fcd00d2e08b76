#!/bin/sh
# Real traces and captures written by others (../shared/corpus): captures
# are ingested as flows; TMF files are not traces, so each must be refused
# cleanly (exit 2, file named, no crash, no database left), never misread.  The .etl files
# are read by dump and info, and tests/cli/etl.sh checks them.
. tests/lib.sh

if [ ! -d "$SHARED/corpus" ]; then
	skip "corpus: $SHARED/corpus not present"
	exit 0
fi
# captures are read (issue 5): an ingest stores the flows 'offtrace flows'
# lists; a capture without packets is refused, naming the file
for f in "$SHARED"/corpus/pcap/*.pcap* "$SHARED"/corpus/pcapng/*.pcapng; do
	[ -e "$f" ] || continue
	rm -f "$TMP/c.db"
	name=corpus/ingest/$(basename "$f")
	"$PROG" ingest -q --db "$TMP/c.db" "$f" > /dev/null 2> "$TMP/err"
	rc=$?
	nf=$("$PROG" flows -q "$f" 2> /dev/null | tail -n +2 | wc -l)
	if [ $rc -eq 0 ]; then
		nd=$("$PROG" query "$TMP/c.db" "SELECT count(*) FROM flows" | tail -n 1)
		if [ "$nd" = "$nf" ]; then pass "$name ($nf flows)"; else fail "$name: $nd flows stored, flows lists $nf"; fi
	elif [ $rc -eq 2 ] && grep -qF "offtrace: $f:" "$TMP/err" && [ ! -e "$TMP/c.db" ]; then
		pass "$name (refused: $(head -c 100 "$TMP/err"))"
	else
		fail "$name: exit $rc: $(head -c 300 "$TMP/err")"
	fi
done
rm -f "$TMP/c.db"
for f in "$SHARED"/corpus/tmf/*.tmf; do
	[ -e "$f" ] || continue
	"$PROG" ingest -q --db "$TMP/c.db" "$f" > /dev/null 2> "$TMP/err"
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
