#!/bin/sh
# make bench: ingest speed and memory, against the SQLite bound in the same run.
#
# 1. 10 million events from `offtrace gen scale`: offtrace ingest (JSON lines
#    -> engine -> SQLite) vs the sqlite3 shell importing the same events as
#    CSV into an identical events table (.import).  Ratio = offtrace / sqlite3.
# 2. Peak RSS with 100,000 objects live at once (all initiated, then all
#    terminated), from GNU time.
#
# 3. A generated .etl of at least 1 GiB (BENCH_ETL_MB): records/s of a
#    count-only pass and of dump --format jsonl, and ingest events/s against
#    the sqlite3 shell loading the same rows.
#
# 4. The HTML report of a 1,000,000-object scale trace (BENCH_HTML_OBJECTS):
#    the time of `report --format html` alone (ingest not counted) and the
#    size of the page; targets < 10 s and < 20 MiB.
#
# 5. A generated pcap of at least 1 GiB (BENCH_CAP_MB, written by
#    tests/tools/mkpcap --repeat): packets/s of `offtrace flows` (flow
#    tracking, CSV to /dev/null) against `tcpdump -r FILE -w /dev/null` (the
#    read bound) and `tshark -q -z conv,tcp` in the same run.  Without
#    tcpdump or tshark their lines say so.
# 6. WPP (BENCH_WPP_MB, default 1100): a generated tracefmt text file of the
#    scale scenario in the chimney vocabulary: ingest lines/s end to end
#    (text -> profile -> engine -> SQLite) against the sqlite3 shell loading
#    the same event rows (.import) and against SQLite's ceiling for the
#    events table (the shell inserting as many rows from generate_series,
#    nothing to parse), and `profile stats` (read + match, no store); a
#    binary WPP .etl of the same size: `dump --count --tmf` messages/s
#    (headers and arguments decoded with the TMF, nothing rendered).
#
# Environment: BENCH_EVENTS (default 10000000), BENCH_LIVE (default 100000),
# BENCH_ETL_MB (default 1100; 0 skips the .etl part), BENCH_HTML_OBJECTS
# (default 1000000; 0 skips the HTML part), BENCH_CAP_MB (default 1100; 0
# skips the capture part), BENCH_WPP_MB (default 1100; 0 skips part 6).
# Usage: bench.sh PROG [MKPCAP]
set -eu
PROG=${1:-./offtrace}
MKPCAP=${2:-build/tests/mkpcap}
CAP_MB=${BENCH_CAP_MB:-1100}
WPP_MB=${BENCH_WPP_MB:-1100}
EVENTS=${BENCH_EVENTS:-10000000}
LIVE=${BENCH_LIVE:-100000}
ETL_MB=${BENCH_ETL_MB:-1100}
HTML_OBJ=${BENCH_HTML_OBJECTS:-1000000}
DIR=${BENCH_DIR:-build/bench}
export TZ=UTC LC_ALL=C

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; }
	fi
	command -v "$1" >/dev/null 2>&1 || { echo "bench: needs $1 (apt-get install $2)" >&2; exit 2; }
}
need sqlite3 sqlite3
need /usr/bin/time time

mkdir -p "$DIR"
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l 2>/dev/null || awk "BEGIN{print $2 - $1}"; }

# -- 1. throughput --------------------------------------------------------
# scale the object count so the trace holds about $EVENTS events
"$PROG" gen scale --objects 10000 -o "$DIR/probe.jsonl" >/dev/null
per=$(wc -l < "$DIR/probe.jsonl")
objects=$(awk "BEGIN{printf \"%d\", $EVENTS * 10000 / $per}")
echo "bench: generating ~$EVENTS events (scale, $objects objects)..."
"$PROG" gen scale --objects "$objects" -o "$DIR/events.jsonl" >/dev/null
n=$(wc -l < "$DIR/events.jsonl")
bytes=$(wc -c < "$DIR/events.jsonl")
cat "$DIR/events.jsonl" > /dev/null	# warm the page cache for both runs

rm -f "$DIR/ot.db" "$DIR/ot.db-journal"
/usr/bin/time -f '%e %M' -o "$DIR/ot.time" "$PROG" ingest -q --db "$DIR/ot.db" "$DIR/events.jsonl"
read -r ot_s ot_kb < "$DIR/ot.time"

# the same events as CSV, the identical table, the sqlite3 shell's .import
sqlite3 "$DIR/ot.db" "SELECT sql FROM sqlite_master WHERE name = 'events'" > "$DIR/events.sql"
sqlite3 -csv "$DIR/ot.db" "SELECT * FROM events" > "$DIR/events.csv"
rm -f "$DIR/sq.db"
sqlite3 "$DIR/sq.db" < "$DIR/events.sql"
/usr/bin/time -f '%e %M' -o "$DIR/sq.time" sqlite3 "$DIR/sq.db" \
	"PRAGMA synchronous=OFF" ".mode csv" ".import $DIR/events.csv events"
read -r sq_s sq_kb < "$DIR/sq.time"
sq_n=$(sqlite3 "$DIR/sq.db" "SELECT count(*) FROM events")

# -- 2. memory with LIVE objects live at once -------------------------------
awk -v n="$LIVE" 'BEGIN {
	t = 1700000000000000000
	printf "{\"ts\":%d,\"ev\":\"initiate\",\"adapter\":\"nic0\",\"root\":\"0xffffe00010000000\",\"block\":\"0xffffe00010000000\",\"state\":\"neighbor\",\"slot\":\"0xffffe00020000000\"}\n", t
	printf "{\"ts\":%d,\"ev\":\"initiate\",\"adapter\":\"nic0\",\"root\":\"0xffffe00010000000\",\"block\":\"0xffffe00010000100\",\"parent\":\"0xffffe00010000000\",\"state\":\"ip4\",\"slot\":\"0xffffe00020000100\"}\n", t
	printf "{\"ts\":%d,\"ev\":\"ctx_write\",\"adapter\":\"nic0\",\"slot\":\"0xffffe00020000000\",\"value\":\"0xffffc00020000000\"}\n", t + 100
	printf "{\"ts\":%d,\"ev\":\"ctx_write\",\"adapter\":\"nic0\",\"slot\":\"0xffffe00020000100\",\"value\":\"0xffffc00020000100\"}\n", t + 100
	printf "{\"ts\":%d,\"ev\":\"initiate_done\",\"adapter\":\"nic0\",\"root\":\"0xffffe00010000000\",\"block\":\"0xffffe00010000000\",\"status\":\"0x0\"}\n", t + 200
	printf "{\"ts\":%d,\"ev\":\"initiate_done\",\"adapter\":\"nic0\",\"root\":\"0xffffe00010000000\",\"block\":\"0xffffe00010000100\",\"status\":\"0x0\"}\n", t + 200
	t += 1000
	for (i = 0; i < n; i++) {
		root = sprintf("0xffffe003%07x0", i); blk = sprintf("0xffffe004%07x0", i)
		slot = sprintf("0xffffe005%07x0", i); val = sprintf("0xffffc005%07x0", i)
		printf "{\"ts\":%d,\"ev\":\"initiate\",\"adapter\":\"nic0\",\"root\":\"%s\",\"block\":\"%s\",\"state\":\"ip4\",\"slot\":\"0xffffe00020000100\",\"value\":\"0xffffc00020000100\"}\n", t, root, root
		printf "{\"ts\":%d,\"ev\":\"initiate\",\"adapter\":\"nic0\",\"root\":\"%s\",\"block\":\"%s\",\"parent\":\"%s\",\"state\":\"tcp\",\"slot\":\"%s\",\"tuple\":{\"src\":\"10.0.0.1\",\"sport\":%d,\"dst\":\"10.0.0.2\",\"dport\":445}}\n", t, root, blk, root, slot, 1024 + i % 60000
		printf "{\"ts\":%d,\"ev\":\"ctx_write\",\"adapter\":\"nic0\",\"slot\":\"%s\",\"value\":\"%s\"}\n", t + 50, slot, val
		printf "{\"ts\":%d,\"ev\":\"initiate_done\",\"adapter\":\"nic0\",\"root\":\"%s\",\"block\":\"%s\",\"status\":\"0x0\"}\n", t + 90, root, blk
		printf "{\"ts\":%d,\"ev\":\"initiate_done\",\"adapter\":\"nic0\",\"root\":\"%s\",\"block\":\"%s\",\"status\":\"0x0\"}\n", t + 90, root, root
		t += 1000
	}
	for (i = 0; i < n; i++) {
		root = sprintf("0xffffe006%07x0", i); slot = sprintf("0xffffe005%07x0", i)
		printf "{\"ts\":%d,\"ev\":\"terminate\",\"adapter\":\"nic0\",\"root\":\"%s\",\"block\":\"%s\",\"state\":\"tcp\",\"slot\":\"%s\",\"value\":\"%s\"}\n", t, root, root, slot, sprintf("0xffffc005%07x0", i)
		printf "{\"ts\":%d,\"ev\":\"terminate_done\",\"adapter\":\"nic0\",\"root\":\"%s\",\"block\":\"%s\",\"status\":\"0x0\"}\n", t + 80, root, root
		printf "{\"ts\":%d,\"ev\":\"ctx_write\",\"adapter\":\"nic0\",\"slot\":\"%s\",\"value\":\"0x0\"}\n", t + 90, slot
		t += 1000
	}
}' > "$DIR/live.jsonl"
rm -f "$DIR/live.db" "$DIR/live.db-journal"
/usr/bin/time -f '%e %M' -o "$DIR/live.time" "$PROG" ingest -q --db "$DIR/live.db" "$DIR/live.jsonl"
read -r live_s live_kb < "$DIR/live.time"
peak_live=$(sqlite3 "$DIR/live.db" "SELECT value FROM meta WHERE key = 'peak_live_objects'" 2>/dev/null || echo "?")

# -- 3. a large .etl ---------------------------------------------------------
if [ "$ETL_MB" -gt 0 ]; then
	# about 150 bytes per record in the .etl: scale objects to the size asked
	"$PROG" gen scale --objects 10000 -o "$DIR/probe.etl" >/dev/null
	per=$(wc -c < "$DIR/probe.etl")
	eobj=$(awk "BEGIN{printf \"%d\", $ETL_MB * 1048576 * 10000 / $per + 1}")
	echo "bench: generating a ${ETL_MB} MB .etl (scale, $eobj objects)..."
	"$PROG" gen scale --objects "$eobj" -o "$DIR/big.etl" >/dev/null
	ebytes=$(wc -c < "$DIR/big.etl")
	cat "$DIR/big.etl" > /dev/null
	/usr/bin/time -f '%e %M' -o "$DIR/cnt.time" "$PROG" dump --count "$DIR/big.etl" > "$DIR/cnt.out"
	read -r cnt_s cnt_kb < "$DIR/cnt.time"
	erec=$(grep -o '[0-9][0-9]*' "$DIR/cnt.out" | head -n 1)
	/usr/bin/time -f '%e %M' -o "$DIR/dj.time" sh -c "\"$PROG\" dump --format jsonl \"$DIR/big.etl\" > /dev/null"
	read -r dj_s dj_kb < "$DIR/dj.time"
	rm -f "$DIR/etl.db" "$DIR/etl.db-journal"
	/usr/bin/time -f '%e %M' -o "$DIR/ei.time" "$PROG" ingest -q --db "$DIR/etl.db" "$DIR/big.etl"
	read -r ei_s ei_kb < "$DIR/ei.time"
	een=$(sqlite3 "$DIR/etl.db" "SELECT count(*) FROM events")
	sqlite3 -csv "$DIR/etl.db" "SELECT * FROM events" > "$DIR/etl-events.csv"
	rm -f "$DIR/sq2.db"
	sqlite3 "$DIR/sq2.db" < "$DIR/events.sql"
	/usr/bin/time -f '%e %M' -o "$DIR/sq2.time" sqlite3 "$DIR/sq2.db" \
		"PRAGMA synchronous=OFF" ".mode csv" ".import $DIR/etl-events.csv events"
	read -r sq2_s sq2_kb < "$DIR/sq2.time"
	rm -f "$DIR/etl-events.csv" "$DIR/sq2.db"
fi

awk -v n="$n" -v bytes="$bytes" -v ot="$ot_s" -v sq="$sq_s" -v sqn="$sq_n" \
    -v otkb="$ot_kb" -v sqkb="$sq_kb" -v live="$LIVE" -v lkb="$live_kb" -v ls="$live_s" \
    -v peak="$peak_live" 'BEGIN {
	printf "\nofftrace bench (%s events, %.0f MB of JSON lines)\n", n, bytes / 1e6
	printf "  offtrace ingest (jsonl -> engine -> SQLite): %7.2f s  %9.0f events/s  peak RSS %6.1f MiB\n", ot, n / ot, otkb / 1024
	printf "  sqlite3 shell .import of the same rows (CSV): %7.2f s  %9.0f rows/s    peak RSS %6.1f MiB  (%s rows)\n", sq, sqn / sq, sqkb / 1024, sqn
	printf "  ratio offtrace / sqlite3 import: %.2f (1.00 = as fast as SQLite bulk import alone)\n", ot / sq
	printf "  %d objects live at once (peak_live_objects %s): peak RSS %.1f MiB in %.2f s\n", live, peak, lkb / 1024, ls
	printf "  targets: >= 500000 events/s: %s; < 256 MiB with %d live objects: %s\n", \
		(n / ot >= 500000 ? "met" : "NOT met"), live, (lkb / 1024 < 256 ? "met" : "NOT met")
}'
if [ "$ETL_MB" -gt 0 ]; then
	awk -v eb="$ebytes" -v er="$erec" -v cs="$cnt_s" -v ckb="$cnt_kb" -v ds="$dj_s" \
	    -v es="$ei_s" -v ekb="$ei_kb" -v en="$een" -v qs="$sq2_s" 'BEGIN {
		printf "\n.etl (%.0f MiB, %s records, chimney provider, 4 CPUs, 8 KiB buffers)\n", eb / 1048576, er
		printf "  dump --count:                 %7.2f s  %10.0f records/s  peak RSS %6.1f MiB\n", cs, er / cs, ckb / 1024
		printf "  dump --format jsonl >/dev/null: %5.2f s  %10.0f records/s\n", ds, er / ds
		printf "  ingest (etl -> engine -> SQLite): %5.2f s  %10.0f events/s   peak RSS %6.1f MiB\n", es, en / es, ekb / 1024
		printf "  sqlite3 shell .import of the same %s rows: %.2f s\n", en, qs
		printf "  ratio ingest / sqlite3 import: %.2f\n", es / qs
		printf "  targets: count-only >= 5M records/s: %s; ingest within 1.5x of sqlite3: %s\n", \
			(er / cs >= 5000000 ? "met" : "NOT met"), (es / qs <= 1.5 ? "met" : "NOT met")
	}'
fi

# -- 4. the HTML report of a large trace -------------------------------------
if [ "$HTML_OBJ" -gt 0 ]; then
	echo "bench: HTML report of $HTML_OBJ objects (generating and ingesting first)..."
	"$PROG" gen scale --objects "$HTML_OBJ" -o "$DIR/html.jsonl" >/dev/null
	rm -f "$DIR/html.db" "$DIR/html.db-journal"
	"$PROG" ingest -q --db "$DIR/html.db" "$DIR/html.jsonl"
	rm -f "$DIR/html.jsonl"
	/usr/bin/time -f '%e %M' -o "$DIR/html.time" "$PROG" report --format html \
		-o "$DIR/report.html" "$DIR/html.db"
	read -r h_s h_kb < "$DIR/html.time"
	h_bytes=$(wc -c < "$DIR/report.html")
	awk -v n="$HTML_OBJ" -v s="$h_s" -v kb="$h_kb" -v b="$h_bytes" 'BEGIN {
		printf "\nHTML report of %d objects: %.2f s, %.2f MiB (peak RSS %.1f MiB)\n", n, s, b / 1048576, kb / 1024
		printf "  targets: < 10 s: %s; < 20 MiB: %s\n", (s < 10 ? "met" : "NOT met"), (b < 20 * 1048576 ? "met" : "NOT met")
	}'
fi

# -- 5. a large capture --------------------------------------------------------
if [ "$CAP_MB" -gt 0 ]; then
	# one mkpcap round is 31 packets, 3,472 bytes: new addresses and ports
	# each round, so every round adds its flows
	rounds=$(awk "BEGIN{printf \"%d\", $CAP_MB * 1048576 / 3472 + 1}")
	echo "bench: generating a ${CAP_MB} MB pcap ($rounds mkpcap rounds)..."
	"$MKPCAP" --repeat "$rounds" "$DIR/big.pcap"
	cbytes=$(wc -c < "$DIR/big.pcap")
	cat "$DIR/big.pcap" > /dev/null
	/usr/bin/time -f '%e %M' -o "$DIR/fl.time" sh -c \
		"\"$PROG\" flows \"$DIR/big.pcap\" > /dev/null 2> \"$DIR/fl.err\""
	read -r fl_s fl_kb < "$DIR/fl.time"
	pk=$(sed -n 's/^offtrace: flows: \([0-9]*\) packets.*/\1/p' "$DIR/fl.err")
	nfl=$(sed -n 's/.* \([0-9]*\) flows (.*/\1/p' "$DIR/fl.err")
	td_s=0 ts_s=0
	if command -v tcpdump >/dev/null 2>&1; then
		/usr/bin/time -f '%e' -o "$DIR/td.time" sh -c \
			"tcpdump -r \"$DIR/big.pcap\" -w /dev/null 2>/dev/null"
		read -r td_s < "$DIR/td.time"
	fi
	if command -v tshark >/dev/null 2>&1; then
		/usr/bin/time -f '%e' -o "$DIR/ts.time" sh -c \
			"tshark -q -z conv,tcp -r \"$DIR/big.pcap\" > /dev/null 2>&1"
		read -r ts_s < "$DIR/ts.time"
	fi
	awk -v b="$cbytes" -v p="$pk" -v nf="$nfl" -v s="$fl_s" -v kb="$fl_kb" -v td="$td_s" \
	    -v ts="$ts_s" 'BEGIN {
		printf "\npcap (%.0f MiB, %s packets, %s TCP flows)\n", b / 1048576, p, nf
		printf "  offtrace flows (CSV > /dev/null):        %7.2f s  %10.0f packets/s  peak RSS %.1f MiB\n", s, p / s, kb / 1024
		if (td > 0)
			printf "  tcpdump -r FILE -w /dev/null:            %7.2f s  %10.0f packets/s  (offtrace / tcpdump time: %.2f)\n", td, p / td, s / td
		else
			print "  tcpdump: not installed (Debian package tcpdump)"
		if (ts > 0)
			printf "  tshark -q -z conv,tcp:                   %7.2f s  %10.0f packets/s  (offtrace is %.1fx tshark)\n", ts, p / ts, ts / s
		else
			print "  tshark: not installed (Debian package tshark)"
		printf "  targets: >= 3M packets/s: %s; >= 50x tshark: %s; within 2x of tcpdump: %s\n", \
			(p / s >= 3000000 ? "met" : "NOT met"), \
			(ts > 0 ? (ts / s >= 50 ? "met" : "NOT met") : "not measured"), \
			(td > 0 ? (s / td <= 2 ? "met" : "NOT met") : "not measured")
	}'
	rm -f "$DIR/big.pcap"
fi

# -- 6. WPP: tracefmt text and binary ------------------------------------------
if [ "$WPP_MB" -gt 0 ]; then
	"$PROG" gen scale --objects 10000 --format text -o "$DIR/probe.txt" >/dev/null
	per=$(wc -c < "$DIR/probe.txt")
	tobj=$(awk "BEGIN{printf \"%d\", $WPP_MB * 1048576 * 10000 / $per + 1}")
	echo "bench: generating a ${WPP_MB} MB tracefmt text file (scale, $tobj objects)..."
	"$PROG" gen scale --objects "$tobj" --format text -o "$DIR/big.txt" >/dev/null
	tlines=$(wc -l < "$DIR/big.txt")
	tbytes=$(wc -c < "$DIR/big.txt")
	cat "$DIR/big.txt" > /dev/null
	/usr/bin/time -f '%e %M' -o "$DIR/tst.time" "$PROG" profile stats "$DIR/big.txt" > /dev/null
	read -r tst_s tst_kb < "$DIR/tst.time"
	rm -f "$DIR/txt.db" "$DIR/txt.db-journal"
	/usr/bin/time -f '%e %M' -o "$DIR/ti.time" "$PROG" ingest -q --db "$DIR/txt.db" "$DIR/big.txt"
	read -r ti_s ti_kb < "$DIR/ti.time"
	ten=$(sqlite3 "$DIR/txt.db" "SELECT count(*) FROM events")
	# every row the ingest stored: events, and what the engine derived
	trows=$(sqlite3 "$DIR/txt.db" "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM objects)
		+ (SELECT count(*) FROM operations) + (SELECT count(*) FROM blocks)
		+ (SELECT count(*) FROM ctx_writes) + (SELECT count(*) FROM violations)
		+ (SELECT count(*) FROM violation_events) + (SELECT count(*) FROM leaks)")
	sqlite3 -csv "$DIR/txt.db" "SELECT * FROM events" > "$DIR/txt-events.csv"
	rm -f "$DIR/sq3.db" "$DIR/txt.db" "$DIR/big.txt"
	sqlite3 "$DIR/sq3.db" < "$DIR/events.sql"
	/usr/bin/time -f '%e' -o "$DIR/sq3.time" sqlite3 "$DIR/sq3.db" \
		"PRAGMA synchronous=OFF" ".mode csv" ".import $DIR/txt-events.csv events"
	read -r sq3_s < "$DIR/sq3.time"
	rm -f "$DIR/txt-events.csv" "$DIR/sq3.db"
	# SQLite's own ceiling for this table: the shell inserting as many
	# rows shaped like an initiate event, made by generate_series (no
	# text to parse, no binding), into a new file with offtrace's page
	# size, cache and synchronous setting
	{ echo "PRAGMA page_size = 16384;"; cat "$DIR/events.sql"; echo ";"; } | sqlite3 "$DIR/sq4.db"
	/usr/bin/time -f '%e' -o "$DIR/sq4.time" sqlite3 "$DIR/sq4.db" \
		"PRAGMA synchronous=OFF" "PRAGMA cache_size=-32768" \
		"INSERT INTO events SELECT 1099511627776 + value, 1, value, 1700000000000000000 + value * 100,
		 'initiate', 1, 4, 3120, 'nic0', 'target', -8796093022208 + value * 256,
		 -8796093022208 + value * 256 + 160, -8796093022208 + value * 256, 'tcp',
		 -8796093022208 + value * 16 + 8, -8796093022208 + value * 16,
		 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, value + 1
		 FROM generate_series(1, $ten)"
	read -r sq4_s < "$DIR/sq4.time"
	rm -f "$DIR/sq4.db"

	"$PROG" gen scale --objects 10000 --format wpp -o "$DIR/probe-wpp.etl" >/dev/null
	per=$(wc -c < "$DIR/probe-wpp.etl")
	wobj=$(awk "BEGIN{printf \"%d\", $WPP_MB * 1048576 * 10000 / $per + 1}")
	echo "bench: generating a ${WPP_MB} MB binary WPP .etl (scale, $wobj objects)..."
	rm -rf "$DIR/big-wpp.etl.tmf"
	"$PROG" gen scale --objects "$wobj" --format wpp -o "$DIR/big-wpp.etl" >/dev/null
	wbytes=$(wc -c < "$DIR/big-wpp.etl")
	cat "$DIR/big-wpp.etl" > /dev/null
	/usr/bin/time -f '%e %M' -o "$DIR/wc.time" "$PROG" dump --count --tmf "$DIR/big-wpp.etl.tmf" \
		"$DIR/big-wpp.etl" > "$DIR/wc.out"
	read -r wc_s wc_kb < "$DIR/wc.time"
	wmsg=$(sed -n 's/.* \([0-9]*\) WPP messages decoded/\1/p' "$DIR/wc.out")
	rm -f "$DIR/big-wpp.etl"
	awk -v tl="$tlines" -v tb="$tbytes" -v ts="$tst_s" -v is="$ti_s" -v ikb="$ti_kb" \
	    -v en="$ten" -v tr="$trows" -v qs="$sq3_s" -v cs="$sq4_s" -v wb="$wbytes" -v wm="$wmsg" -v ws="$wc_s" \
	    -v wkb="$wc_kb" 'BEGIN {
		printf "\ntracefmt text (%.0f MiB, %d lines, chimney vocabulary)\n", tb / 1048576, tl
		printf "  profile stats (read + match, no store): %7.2f s  %10.0f lines/s\n", ts, tl / ts
		printf "  ingest (text -> engine -> SQLite):       %7.2f s  %10.0f lines/s  peak RSS %.1f MiB\n", is, tl / is, ikb / 1024
		printf "  sqlite3 shell .import of the same %d event rows: %.2f s (ratio ingest / import %.2f)\n", en, qs, is / qs
		printf "  rows stored by the ingest: %d (%d events, %d derived: objects, operations, blocks, ...) = %.0f rows/s\n", tr, en, tr - en, tr / is
		printf "  sqlite3 shell INSERT of %d rows from generate_series (SQLite'"'"'s ceiling for events, nothing parsed): %.2f s  %10.0f rows/s\n", en, cs, en / cs
		printf "  at that ceiling, storing %.2f rows per line allows at most %.0f lines/s; ingest reaches %.0f%% of it\n", tr / tl, (en / cs) / (tr / tl), 100 * (tr / is) / (en / cs)
		printf "binary WPP .etl (%.0f MiB, %d messages)\n", wb / 1048576, wm
		printf "  dump --count --tmf (decode, no render):  %7.2f s  %10.0f messages/s  peak RSS %.1f MiB\n", ws, wm / ws, wkb / 1024
		printf "  targets: text ingest >= 1M lines/s: %s; WPP decode >= 3M messages/s: %s\n", \
			(tl / is >= 1000000 ? "met" : "NOT met"), (wm / ws >= 3000000 ? "met" : "NOT met")
	}'
fi
