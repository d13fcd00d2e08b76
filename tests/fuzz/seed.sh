#!/bin/sh
# tests/fuzz/seed.sh - fill DIR with the seed inputs of one libFuzzer
# harness: the samples in testdata/, the real files of ../shared/corpus/
# when it is there, and what this offtrace's gen writes.  Shared by the
# short runs of `make check` / `make fuzz-smoke` (tests/cli/fuzz.sh) and
# the long ones (tests/fuzz/long.sh), so both start from the same inputs.
#
#   sh tests/fuzz/seed.sh NAME DIR PROG [SHARED]
NAME=${1:?usage: seed.sh NAME DIR PROG [SHARED]}
DIR=${2:?}
PROG=${3:?}
SHARED=${4:-../shared}
mkdir -p "$DIR" || exit 1
TMPS=$(mktemp -d "${TMPDIR:-/tmp}/offtrace-seed.XXXXXX") || exit 1
trap 'rm -rf "$TMPS"' EXIT INT TERM

case $NAME in
fuzz_etl|fuzz_xca)
	# the real .etl files (a pktmon capture among them) and gen's own
	cp "$SHARED"/corpus/etl/*.etl "$SHARED"/corpus/pktmon/*.etl \
		testdata/etl/*.etl "$DIR/" 2>/dev/null
	"$PROG" gen clean -o "$DIR/clean.etl" >/dev/null 2>&1
	"$PROG" gen hw-failure -o "$DIR/hw.etl" >/dev/null 2>&1
	rm -f "$DIR"/*.truth.json ;;
fuzz_wpptext)
	cp testdata/profiles/*.txt testdata/wpp/*.txt \
		"$SHARED"/corpus/text/*.txt "$DIR/" 2>/dev/null
	"$PROG" gen late-write --format text -o "$DIR/late.txt" >/dev/null 2>&1
	rm -f "$DIR"/*.truth.json ;;
fuzz_tmf)
	cp "$SHARED"/corpus/tmf/*.tmf testdata/wpp/*.tmf "$DIR/" 2>/dev/null ;;
fuzz_db)
	# a small database of every table (tests/fuzz/seeds/db), and the
	# same made by this offtrace, in 512-byte pages when the sqlite3
	# shell is there to shrink it
	cp tests/fuzz/seeds/db/*.db "$DIR/" 2>/dev/null
	"$PROG" gen wire-close --objects 2 -o "$TMPS/w.jsonl" --pktmon "$TMPS/w.etl" \
		> /dev/null 2>&1 &&
		"$PROG" ingest -q --db "$DIR/fresh.db" "$TMPS/w.jsonl" "$TMPS/w.etl" &&
		if command -v sqlite3 > /dev/null 2>&1; then
			sqlite3 "$DIR/fresh.db" "PRAGMA page_size = 512; VACUUM"
		fi ;;
fuzz_pktmon)
	# the records of gen wire-close --pktmon/--netsh in the harness's form
	cp tests/fuzz/seeds/pktmon/* "$DIR/" 2>/dev/null ;;
fuzz_archive)
	# small archives and compressed files of a sample, written by the
	# system's tools where they are installed
	cp testdata/samples/nic2.jsonl "$TMPS/s.jsonl"
	(cd "$TMPS" && {
		gzip -c s.jsonl > s.gz; zstd -q -c s.jsonl > s.zst 2>/dev/null
		xz -c s.jsonl > s.xz 2>/dev/null; bzip2 -c s.jsonl > s.bz2 2>/dev/null
		tar czf s.tar.gz s.jsonl; zip -q s.zip s.jsonl s.gz 2>/dev/null
		gcab -c s.cab s.jsonl 2>/dev/null; tar cf n.tar s.zip 2>/dev/null
		rm -f s.jsonl; })
	cp "$TMPS"/* "$DIR/" 2>/dev/null
	cp tests/fuzz/seeds/archive/* "$DIR/" 2>/dev/null ;;
fuzz_pcapng|fuzz_packet|fuzz_flows)
	cp "$SHARED"/corpus/pcapng/*.pcapng "$SHARED"/corpus/pcap/*.pcap* \
		testdata/pcap/*.pcap testdata/rules/*.pcap "$DIR/" 2>/dev/null ;;
*)
	cp testdata/samples/* testdata/rules/*.jsonl testdata/bad/*.jsonl \
		"$DIR/" 2>/dev/null ;;
esac
# never an empty directory: libFuzzer then starts from nothing, which
# is allowed, but say so
[ -n "$(ls "$DIR")" ] || echo "seed.sh: no seeds for $NAME" >&2
exit 0
