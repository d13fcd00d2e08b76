#!/bin/sh
# Short, count-bounded libFuzzer runs of every reader harness (no timing:
# -runs is a count).  Needs clang and libclang-rt; skipped without them.
. tests/lib.sh

if [ "$OT_MODE" = sanitize ]; then
	skip "fuzz: the harnesses carry their own sanitizers; run once"
	exit 0
fi
if ! command -v clang >/dev/null 2>&1; then
	skip "fuzz: clang not installed (apt-get install clang libclang-rt-14-dev)"
	exit 0
fi
if ! make -s fuzz > "$TMP/build.log" 2>&1; then
	if grep -q 'libclang_rt.fuzzer\|fuzzer.*not found\|cannot find' "$TMP/build.log"; then
		skip "fuzz: libFuzzer runtime missing (apt-get install libclang-rt-14-dev)"
	else
		fail "fuzz: harnesses do not build: $(tail -n 5 "$TMP/build.log")"
	fi
	exit 0
fi
for h in build/fuzz/fuzz_*; do
	[ -x "$h" ] || continue
	name=$(basename "$h")
	mkdir -p "$TMP/corpus-$name"
	case $name in
	fuzz_etl|fuzz_xca)
		# seeds: the real .etl files when present, and gen's own
		cp "$SHARED"/corpus/etl/*.etl "$TMP/corpus-$name/" 2>/dev/null
		"$PROG" gen clean -o "$TMP/corpus-$name/clean.etl" >/dev/null 2>&1
		"$PROG" gen hw-failure -o "$TMP/corpus-$name/hw.etl" >/dev/null 2>&1
		rm -f "$TMP/corpus-$name"/*.truth.json ;;
	fuzz_wpptext)
		cp testdata/profiles/*.txt testdata/wpp/*.txt "$TMP/corpus-$name/" 2>/dev/null
		"$PROG" gen late-write --format text -o "$TMP/corpus-$name/late.txt" >/dev/null 2>&1
		rm -f "$TMP/corpus-$name"/*.truth.json ;;
	fuzz_db)
		# a small database of every table (tests/fuzz/seeds/db), and the
		# same made by this offtrace, in 512-byte pages when the sqlite3
		# shell is there to shrink it
		cp tests/fuzz/seeds/db/*.db "$TMP/corpus-$name/" 2>/dev/null
		"$PROG" gen wire-close --objects 2 -o "$TMP/w.jsonl" --pktmon "$TMP/w.etl" \
			> /dev/null 2>&1 &&
			"$PROG" ingest -q --db "$TMP/corpus-$name/fresh.db" "$TMP/w.jsonl" "$TMP/w.etl" &&
			if command -v sqlite3 > /dev/null 2>&1; then
				sqlite3 "$TMP/corpus-$name/fresh.db" "PRAGMA page_size = 512; VACUUM"
			fi ;;
	fuzz_pktmon)
		# the records of gen wire-close --pktmon/--netsh in the harness's form
		cp tests/fuzz/seeds/pktmon/* "$TMP/corpus-$name/" 2>/dev/null ;;
	fuzz_archive)
		# small archives and compressed files of a sample, written by
		# the system's tools where they are installed
		d="$TMP/corpus-$name"
		cp testdata/samples/nic2.jsonl "$d/s.jsonl"
		(cd "$d" && {
			gzip -c s.jsonl > s.gz; zstd -q -c s.jsonl > s.zst 2>/dev/null
			xz -c s.jsonl > s.xz 2>/dev/null; bzip2 -c s.jsonl > s.bz2 2>/dev/null
			tar czf s.tar.gz s.jsonl; zip -q s.zip s.jsonl s.gz 2>/dev/null
			gcab -c s.cab s.jsonl 2>/dev/null; tar cf n.tar s.zip 2>/dev/null
			rm -f s.jsonl; })
		cp tests/fuzz/seeds/archive/* "$d/" 2>/dev/null ;;
	fuzz_pcapng|fuzz_packet|fuzz_flows)
		cp "$SHARED"/corpus/pcapng/*.pcapng testdata/rules/*.pcap "$TMP/corpus-$name/" 2>/dev/null ;;
	*)
		cp testdata/samples/* testdata/rules/*.jsonl testdata/bad/*.jsonl "$TMP/corpus-$name/" 2>/dev/null ;;
	esac
	# fuzz_db opens and reads a whole database a run (some 40 runs a
	# second): fewer runs; its show prints to stderr (-close_fd_mask=2
	# keeps the sanitizers' reports)
	runs=30000 extra=
	[ "$name" = fuzz_db ] && runs=1000 extra="-close_fd_mask=2 -timeout=60"
	if "$h" -runs=$runs -seed=1 -max_len=65536 $extra "$TMP/corpus-$name" \
		> "$TMP/$name.log" 2>&1; then
		pass "fuzz/$name ($runs runs)"
	else
		fail "fuzz/$name: $(grep -m 3 'ERROR\|SUMMARY' "$TMP/$name.log")"
	fi
done
exit 0
