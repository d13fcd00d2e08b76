#!/bin/sh
# make bench: one table of every path offtrace reads, each against a
# ceiling or a baseline measured in the same run on the same input, so
# that the ratio means something on a loaded or slower machine too.
#
# Rows (each: input size, items, offtrace's time and rate, its peak RSS
# from GNU time, the baseline's time, the ratio and the target if any):
#
#   jsonl ingest       `gen scale` JSON lines (BENCH_EVENTS events)
#   jsonl, live        BENCH_LIVE objects live at once (memory per object)
#   etl ingest         a generated manifest .etl of BENCH_ETL_MB MiB
#   etl dump --count   the same .etl, records counted
#   etl dump jsonl     the same .etl, `dump --format jsonl` > /dev/null
#   etl.zst ingest     the same .etl compressed with zstd, ingested through
#                      libarchive and a temporary copy; baseline: the plain
#                      .etl's ingest; target: peak RSS under 256 MiB
#   wpp dump --count   a binary WPP .etl of BENCH_WPP_MB MiB, --tmf decoded
#   wpp ingest         the same .etl ingested with --tmf
#   text ingest        tracefmt text of BENCH_TEXT_MB MiB
#   pcap flows         mkpcap --repeat, BENCH_CAP_MB MiB: `offtrace flows`
#   pktmon flows       mkpcap --pktmon, BENCH_PKTMON_MB MiB: `offtrace flows`
#   html report        `report --format html` of the jsonl ingest's database
#   scale 1x/4x/16x    jsonl ingest of BENCH_SCALE_EVENTS events times 1, 4, 16
#   push               the jsonl ingest's run (--events, 10M events) to a
#                      private ClickHouse server on loopback, as push sends
#                      it there (RowBinary, uncompressed); then the 1x
#                      scale run the same way (its peak RSS against the big
#                      run's: flat), gzip-compressed (as to another
#                      machine) and as TabSeparated (BENCH_PUSH=0 skips;
#                      skipped with a message without the server)
#
# Ratio = baseline time / offtrace time on the same items (>1: offtrace is
# faster).  The baselines:
#   sqlite3 ceiling    the sqlite3 shell inserting exactly the rows the
#                      ingest stored, every table, into a new database of
#                      the same schema, page size, cache and synchronous
#                      setting, with the same indexes built after the load
#                      (read from the ingest's database, mmap'ed, row by
#                      row: SQLite's transfer optimization that copies
#                      records without decoding them is defeated, so every
#                      row is decoded and inserted).  The ingest rows also
#                      give the issue's measure: the rows stored per second
#                      (every table) against SQLite's rate for the events
#                      table's rows alone, timed apart
#   cat                `cat FILE > /dev/null`, the read bound
#   tcpdump            `tcpdump -r FILE -w /dev/null` (for pktmon: the same
#                      packets as a pcap, mkpcap of the same rounds)
#   tshark             `tshark -q -z conv,tcp -r FILE`
#   sqlite3 scans      the sqlite3 shell running the report's full scans
#                      (summary, latencies sorted, the object list)
#   clickhouse-client  inserting the same rows from files in the same
#                      format into identical tables of the same server
#   scale 1x           the 1x row: ratio = 16 x t(1x) / t(16x) (1.00 is
#                      linear), RSS compared with the 1x row
#
# Environment: BENCH_EVENTS (10000000), BENCH_LIVE (100000), BENCH_ETL_MB
# (1024), BENCH_WPP_MB (512), BENCH_TEXT_MB (1024), BENCH_CAP_MB (512),
# BENCH_PKTMON_MB (512), BENCH_SCALE_EVENTS (250000), BENCH_HTML (1),
# BENCH_PUSH (1), BENCH_PUSH_EVENTS (= BENCH_EVENTS; another count
# generates and ingests a run of that size for the push), BENCH_REPEAT (2:
# runs of each ingest and its ceiling, the fastest kept), BENCH_DIR
# (build/bench).  A size of 0 skips its rows.  The table is printed and
# written to BENCH_DIR/results.tsv (tab-separated, one header line).
# Usage: bench.sh PROG [MKPCAP]
set -eu
PROG=${1:-./offtrace}
MKPCAP=${2:-build/tests/mkpcap}
EVENTS=${BENCH_EVENTS:-10000000}
LIVE=${BENCH_LIVE:-100000}
ETL_MB=${BENCH_ETL_MB:-1024}
WPP_MB=${BENCH_WPP_MB:-512}
TEXT_MB=${BENCH_TEXT_MB:-1024}
CAP_MB=${BENCH_CAP_MB:-512}
PKT_MB=${BENCH_PKTMON_MB:-512}
SCALE=${BENCH_SCALE_EVENTS:-250000}
HTML=${BENCH_HTML:-1}
PUSH=${BENCH_PUSH:-1}
PUSH_EVENTS=${BENCH_PUSH_EVENTS:-$EVENTS}
DIR=${BENCH_DIR:-build/bench}
REPEAT=${BENCH_REPEAT:-2}
export TZ=UTC LC_ALL=C
ROOT=$(pwd)
case $PROG in /*) ;; *) PROG=$ROOT/$PROG ;; esac
case $MKPCAP in /*) ;; *) MKPCAP=$ROOT/$MKPCAP ;; esac

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
DIR=$(cd "$DIR" && pwd)
TSV=$DIR/results.tsv
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
printf 'path\tinput_bytes\titems\tunit\tofftrace_s\trate_per_s\tpeak_rss_kib\tbaseline\tbaseline_s\tratio\ttarget\tverdict\tofftrace_cpu_s\tbaseline_cpu_s\tcpu_ratio\n' >"$TSV"
say() { echo "bench: $*" >&2; }

# measure OUT CMD...: run CMD (stdout to /dev/null) under GNU time: M_S
# (elapsed seconds), M_CPU (user + system seconds, every thread and child)
# and M_KB (peak RSS); a failing CMD stops the bench.  The CPU seconds are
# what a loaded machine moves least: the table gives their ratio too.
measure() {
	_o=$1
	shift
	if ! /usr/bin/time -f '%e %M %U %S' -o "$_o.time" "$@" >/dev/null 2>"$_o.err"; then
		echo "bench: failed: $*" >&2
		tail -n 5 "$_o.err" >&2
		exit 3
	fi
	read -r M_S M_KB _mu _ms <"$_o.time"
	# GNU time has 10 ms resolution: never divide by 0
	M_S=$(awk -v s="$M_S" 'BEGIN { print (s < 0.01 ? 0.01 : s) }')
	M_CPU=$(awk -v u="$_mu" -v s="$_ms" 'BEGIN { c = u + s; print (c < 0.01 ? 0.01 : c) }')
}

# row PATH BYTES ITEMS UNIT OT_S RSS_KIB BASELINE BASE_S TARGET VERDICT
#     [OT_CPU BASE_CPU]
row() {
	awk -v p="$1" -v b="$2" -v n="$3" -v u="$4" -v s="$5" -v kb="$6" -v bl="$7" \
	    -v bs="$8" -v t="$9" -v v="${10}" -v oc="${11:-0}" -v bc="${12:-0}" 'BEGIN {
		OFS = "\t"
		print p, b, n, u, s, (s > 0 ? n / s : 0), kb, bl, bs, (bs > 0 && s > 0 ? bs / s : 0),
		      t, v, oc, bc, (oc > 0 && bc > 0 ? bc / oc : 0)
	}' >>"$TSV"
}

# verdict RATIO MIN: "met" or "NOT met"
verdict() { awk -v r="$1" -v m="$2" 'BEGIN { print (r >= m ? "met" : "NOT met") }'; }
faster() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }	# A B: A < B seconds
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }'; }

# objects N BYTES_PER_MB FORMAT: gen scale objects for about N MiB
objects_for_mb() {
	"$PROG" gen scale --objects 10000 --format "$2" -o "$DIR/probe.$2" >/dev/null
	_per=$(wc -c <"$DIR/probe.$2")
	rm -rf "$DIR/probe.$2" "$DIR/probe.$2.truth.json" "$DIR/probe.$2.tmf"
	awk -v mb="$1" -v per="$_per" 'BEGIN { printf "%d", mb * 1048576 * 10000 / per + 1 }'
}
objects_for_events() {
	"$PROG" gen scale --objects 10000 -o "$DIR/probe.jsonl" >/dev/null
	_per=$(wc -l <"$DIR/probe.jsonl")
	rm -f "$DIR/probe.jsonl" "$DIR/probe.jsonl.truth.json"
	awk -v n="$1" -v per="$_per" 'BEGIN { printf "%d", n * 10000 / per + 1 }'
}

rows_of() {	# DB: every row the ingest stored
	sqlite3 "$1" "SELECT sum(n) FROM (
		SELECT count(*) AS n FROM traces UNION ALL SELECT count(*) FROM inputs
		UNION ALL SELECT count(*) FROM events UNION ALL SELECT count(*) FROM objects
		UNION ALL SELECT count(*) FROM operations UNION ALL SELECT count(*) FROM blocks
		UNION ALL SELECT count(*) FROM ctx_writes UNION ALL SELECT count(*) FROM violations
		UNION ALL SELECT count(*) FROM violation_events UNION ALL SELECT count(*) FROM leaks
		UNION ALL SELECT count(*) FROM rules UNION ALL SELECT count(*) FROM flows
		UNION ALL SELECT count(*) FROM flow_objects UNION ALL SELECT count(*) FROM drops
		UNION ALL SELECT count(*) FROM drop_objects UNION ALL SELECT count(*) FROM meta)"
}

# ceiling SRC: the sqlite3 shell inserting SRC's rows into a new database
# of the same schema (see the head of this file); C_S its time, C_CPU its
# CPU seconds; CE_S of those the events table's rows alone (a first
# transaction: the issue's "SQLite's insert ceiling" per events row)
ceiling() {
	_dst=$DIR/ceiling.db
	rm -f "$_dst" "$_dst-journal"
	{
		echo "PRAGMA page_size = 16384;"
		sqlite3 "$1" "SELECT sql || ';' FROM sqlite_master WHERE type IN ('table', 'view')
			AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
		echo "PRAGMA user_version = $(sqlite3 "$1" 'PRAGMA user_version');"
	} | sqlite3 "$_dst"
	_head="PRAGMA synchronous = OFF; PRAGMA cache_size = -32768; ATTACH '$1' AS src;
PRAGMA src.mmap_size = 17179869184;"
	{
		echo "$_head"
		echo "BEGIN IMMEDIATE;"
		echo "INSERT INTO main.events SELECT * FROM src.events WHERE +rowid <> -1;"
		echo "COMMIT;"
	} >"$DIR/ceiling-events.sql"
	{
		echo "$_head"
		echo "BEGIN IMMEDIATE;"
		for _t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table'
				AND name NOT LIKE 'sqlite_%' AND name <> 'events' ORDER BY rowid"); do
			echo "INSERT INTO main.$_t SELECT * FROM src.$_t WHERE +rowid <> -1;"
		done
		sqlite3 "$1" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index'
			AND sql IS NOT NULL ORDER BY rowid"
		echo "COMMIT;"
	} >"$DIR/ceiling.sql"
	# the schema-only database, copied afresh for each of the REPEAT runs
	mv "$_dst" "$_dst.empty"
	_k=0 C_S=
	while [ $_k -lt "$REPEAT" ]; do
		_k=$((_k + 1))
		rm -f "$_dst" "$_dst-journal"
		cp "$_dst.empty" "$_dst"
		sync
		measure "$DIR/ceiling" sqlite3 "$_dst" ".read $DIR/ceiling-events.sql"
		_ce=$M_S _cc=$M_CPU
		measure "$DIR/ceiling" sqlite3 "$_dst" ".read $DIR/ceiling.sql"
		_cs=$(awk -v a="$_ce" -v b="$M_S" 'BEGIN { print a + b }')
		if [ -z "$C_S" ] || faster "$_cs" "$C_S"; then
			C_S=$_cs CE_S=$_ce
			C_CPU=$(awk -v a="$_cc" -v b="$M_CPU" 'BEGIN { print a + b }')
		fi
	done
	rm -f "$_dst" "$_dst.empty"
}

# ingest_row PATH INPUT [OPTIONS...]: ingest INPUT, its ceiling, one row
# (events/s); keeps the database as $DIR/last.db.  Each is run REPEAT
# times from the same start (no database; the schema only) after a sync,
# and the fastest run of each is kept: this machine's times vary by 10-20%
# from run to run, the fastest least
ingest_row() {
	_p=$1 _in=$2
	shift 2
	cat "$_in" >/dev/null
	_k=0 _s=
	while [ $_k -lt "$REPEAT" ]; do
		_k=$((_k + 1))
		rm -f "$DIR/last.db" "$DIR/last.db-journal"
		sync
		measure "$DIR/ingest" "$PROG" ingest -q --db "$DIR/last.db" "$@" "$_in"
		if [ -z "$_s" ] || faster "$M_S" "$_s"; then
			_s=$M_S _kb=$M_KB _cpu=$M_CPU
		fi
	done
	_ev=$(sqlite3 "$DIR/last.db" "SELECT count(*) FROM events")
	_rows=$(rows_of "$DIR/last.db")
	ceiling "$DIR/last.db"
	_r=$(ratio "$C_S" "$_s")
	# the issue's own measure: every row stored per second against SQLite's
	# rate for the events table's rows
	_rr=$(awk -v rows="$_rows" -v s="$_s" -v ev="$_ev" -v es="$CE_S" 'BEGIN {
		printf "%.2f", (rows / s) / (ev / es) }')
	# and the same measure of the sqlite3 shell storing those rows: the
	# most that measure can be for them (the derived tables' rows and
	# their indexes cost SQLite more per row than an events row)
	_cr=$(awk -v rows="$_rows" -v s="$C_S" -v ev="$_ev" -v es="$CE_S" 'BEGIN {
		printf "%.2f", (rows / s) / (ev / es) }')
	case $_p in
	"jsonl ingest"|"text ingest")
		_t=">=0.85 of ceiling"
		_v="$(verdict "$_r" 0.85); rows/s $_rr of the events-row rate (the sqlite3 shell, same rows: $_cr): $(verdict "$_rr" 0.85)" ;;
	*) _t="rows/s vs events-row rate" _v="$_rr (the sqlite3 shell, same rows: $_cr)" ;;
	esac
	row "$_p" "$(wc -c <"$_in")" "$_ev" events "$_s" "$_kb" \
		"sqlite3 ceiling ($_rows rows)" "$C_S" "$_t" "$_v" "$_cpu" "$C_CPU"
}

cat_s() {	# FILE: seconds of cat FILE > /dev/null (warm)
	cat "$1" >/dev/null
	measure "$DIR/cat" cat "$1"
	CAT_S=$M_S CAT_CPU=$M_CPU
}

# ---- JSON lines ---------------------------------------------------------
if [ "$EVENTS" -gt 0 ]; then
	obj=$(objects_for_events "$EVENTS")
	say "jsonl: generating ~$EVENTS events ($obj objects)..."
	"$PROG" gen scale --objects "$obj" -o "$DIR/events.jsonl" >/dev/null
	rm -f "$DIR/events.jsonl.truth.json"
	say "jsonl: ingest and its sqlite3 ceiling..."
	ingest_row "jsonl ingest" "$DIR/events.jsonl"
	mv "$DIR/last.db" "$DIR/events.db"
	rm -f "$DIR/events.jsonl"

	if [ "$HTML" != 0 ]; then
		say "html: report of $(sqlite3 "$DIR/events.db" 'SELECT count(*) FROM objects') objects..."
		measure "$DIR/html" "$PROG" report --format html -o "$DIR/report.html" "$DIR/events.db"
		h_s=$M_S h_kb=$M_KB h_cpu=$M_CPU
		hobj=$(sqlite3 "$DIR/events.db" "SELECT count(*) FROM objects")
		cat >"$DIR/scans.sql" <<-'EOF'
		SELECT count(*), count(t_offloaded), sum(fate = 'failed'), sum(fate = 'terminated'),
		       sum(fate = 'lost') FROM objects WHERE trace_id = 1;
		SELECT kind, t_complete - t_request AS l, adapter, layer FROM operations
		 WHERE opid BETWEEN 1099511627776 AND 2199023255551 AND t_complete IS NOT NULL
		 ORDER BY kind, l;
		SELECT kind, t_complete - t_request, t_request FROM operations
		 WHERE opid BETWEEN 1099511627776 AND 2199023255551 AND t_complete IS NOT NULL;
		SELECT id, adapter, layer, fate, coalesce(t_request, t_published, t_offloaded, t_last),
		       coalesce(t_terminated, t_last) FROM objects
		 WHERE oid BETWEEN 1099511627776 AND 2199023255551;
		EOF
		measure "$DIR/scans" sqlite3 "$DIR/events.db" ".read $DIR/scans.sql"
		row "html report" "$(wc -c <"$DIR/events.db")" "$hobj" objects "$h_s" "$h_kb" \
			"sqlite3 scans, $(wc -c <"$DIR/report.html") B page" "$M_S" "" "" "$h_cpu" "$M_CPU"
	fi
fi

if [ "$LIVE" -gt 0 ]; then
	say "jsonl: $LIVE objects live at once..."
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
	}' >"$DIR/live.jsonl"
	ingest_row "jsonl, $LIVE live" "$DIR/live.jsonl"
	rm -f "$DIR/live.jsonl" "$DIR/last.db"
fi

# ---- .etl (manifest, the chimney provider) ---------------------------------
if [ "$ETL_MB" -gt 0 ]; then
	obj=$(objects_for_mb "$ETL_MB" etl)
	say "etl: generating a $ETL_MB MiB .etl ($obj objects)..."
	"$PROG" gen scale --objects "$obj" -o "$DIR/big.etl" >/dev/null
	rm -f "$DIR/big.etl.truth.json"
	eb=$(wc -c <"$DIR/big.etl")
	cat_s "$DIR/big.etl"
	measure "$DIR/count" "$PROG" dump --count "$DIR/big.etl"
	recs=$("$PROG" dump --count "$DIR/big.etl" | sed -n 's/^\([0-9]*\) records.*/\1/p')
	row "etl dump --count" "$eb" "$recs" records "$M_S" "$M_KB" "cat" "$CAT_S" "" "" \
		"$M_CPU" "$CAT_CPU"
	say "etl: dump --format jsonl..."
	measure "$DIR/dumpj" "$PROG" dump --format jsonl "$DIR/big.etl"
	dj_rate=$(awk -v n="$recs" -v s="$M_S" 'BEGIN { print n / s }')
	dj_crate=$(awk -v n="$recs" -v s="$M_CPU" 'BEGIN { print n / s }')
	row "etl dump --format jsonl" "$eb" "$recs" records "$M_S" "$M_KB" "cat" "$CAT_S" \
		">=1M records/s" "$(verdict "$dj_rate" 1000000) ($(awk -v r="$dj_crate" \
		'BEGIN { printf "%.2fM", r / 1e6 }') per CPU second)" "$M_CPU" "$CAT_CPU"
	say "etl: ingest and its sqlite3 ceiling..."
	ingest_row "etl ingest" "$DIR/big.etl"
	plain_s=$_s plain_cpu=$_cpu
	# the same .etl compressed with zstd: decompressed through libarchive
	# into a temporary copy (read out of order), memory flat (issue 15)
	if command -v zstd >/dev/null 2>&1; then
		say "etl: the same .etl as .etl.zst..."
		zstd -q -f -T0 "$DIR/big.etl" -o "$DIR/big.etl.zst"
		rm -f "$DIR/last.db"
		measure "$DIR/zst" "$PROG" ingest -q --db "$DIR/last.db" "$DIR/big.etl.zst"
		row "etl.zst ingest" "$eb" "$recs" records "$M_S" "$M_KB" "plain .etl ingest" \
			"$plain_s" "peak RSS < 256 MiB" \
			"$(awk -v kb="$M_KB" 'BEGIN { print (kb < 262144 ? "met" : "NOT met") }')" \
			"$M_CPU" "$plain_cpu"
		rm -f "$DIR/big.etl.zst"
	else
		say "etl: no zstd: the .etl.zst row is skipped (apt-get install zstd)"
	fi
	rm -f "$DIR/big.etl" "$DIR/last.db"
fi

# ---- binary WPP .etl ---------------------------------------------------------
if [ "$WPP_MB" -gt 0 ]; then
	obj=$(objects_for_mb "$WPP_MB" wpp)
	say "wpp: generating a $WPP_MB MiB binary WPP .etl ($obj objects)..."
	rm -rf "$DIR/big-wpp.etl.tmf"
	"$PROG" gen scale --objects "$obj" --format wpp -o "$DIR/big-wpp.etl" >/dev/null
	rm -f "$DIR/big-wpp.etl.truth.json"
	wb=$(wc -c <"$DIR/big-wpp.etl")
	cat_s "$DIR/big-wpp.etl"
	measure "$DIR/wcount" "$PROG" dump --count --tmf "$DIR/big-wpp.etl.tmf" "$DIR/big-wpp.etl"
	w_s=$M_S w_kb=$M_KB w_cpu=$M_CPU
	wmsg=$("$PROG" dump --count --tmf "$DIR/big-wpp.etl.tmf" "$DIR/big-wpp.etl" |
		sed -n 's/.* \([0-9]*\) WPP messages decoded.*/\1/p')
	row "wpp dump --count --tmf" "$wb" "$wmsg" messages "$w_s" "$w_kb" "cat" "$CAT_S" "" "" \
		"$w_cpu" "$CAT_CPU"
	say "wpp: ingest and its sqlite3 ceiling..."
	ingest_row "wpp ingest" "$DIR/big-wpp.etl" --tmf "$DIR/big-wpp.etl.tmf"
	rm -rf "$DIR/big-wpp.etl" "$DIR/big-wpp.etl.tmf" "$DIR/last.db"
fi

# ---- tracefmt text -------------------------------------------------------------
if [ "$TEXT_MB" -gt 0 ]; then
	obj=$(objects_for_mb "$TEXT_MB" text)
	say "text: generating $TEXT_MB MiB of tracefmt text ($obj objects)..."
	"$PROG" gen scale --objects "$obj" --format text -o "$DIR/big.txt" >/dev/null
	rm -f "$DIR/big.txt.truth.json"
	say "text: ingest and its sqlite3 ceiling..."
	ingest_row "text ingest" "$DIR/big.txt"
	rm -f "$DIR/big.txt" "$DIR/last.db"
fi

# ---- captures -------------------------------------------------------------------
flows_run() {	# FILE: FL_S FL_KB FL_PK (packets counted)
	cat "$1" >/dev/null
	measure "$DIR/flows" "$PROG" flows "$1"
	FL_S=$M_S FL_KB=$M_KB FL_CPU=$M_CPU
	FL_PK=$(sed -n 's/^offtrace: flows: \([0-9]*\) packets.*/\1/p' "$DIR/flows.err")
}
tool_s() {	# NAME CMD...: TOOL_S, or empty when NAME is not installed
	TOOL_S=
	command -v "$1" >/dev/null 2>&1 || return 0
	shift
	measure "$DIR/tool" "$@"
	TOOL_S=$M_S TOOL_CPU=$M_CPU
}
if [ "$CAP_MB" -gt 0 ]; then
	# one mkpcap round is 31 packets, 3,472 bytes, new flows each round
	rounds=$(awk -v mb="$CAP_MB" 'BEGIN { printf "%d", mb * 1048576 / 3472 + 1 }')
	say "pcap: $CAP_MB MiB ($rounds mkpcap rounds): flows, tcpdump, tshark..."
	"$MKPCAP" --repeat "$rounds" "$DIR/big.pcap"
	cb=$(wc -c <"$DIR/big.pcap")
	flows_run "$DIR/big.pcap"
	tool_s tcpdump tcpdump -r "$DIR/big.pcap" -w /dev/null
	if [ -n "$TOOL_S" ]; then
		row "pcap flows" "$cb" "$FL_PK" packets "$FL_S" "$FL_KB" "tcpdump -r -w /dev/null" \
			"$TOOL_S" ">=0.5 of tcpdump" "$(verdict "$(ratio "$TOOL_S" "$FL_S")" 0.5)" \
			"$FL_CPU" "$TOOL_CPU"
	else
		say "pcap: tcpdump not installed (Debian package tcpdump): no tcpdump row"
	fi
	tool_s tshark tshark -q -z conv,tcp -r "$DIR/big.pcap"
	if [ -n "$TOOL_S" ]; then
		row "pcap flows" "$cb" "$FL_PK" packets "$FL_S" "$FL_KB" "tshark -q -z conv,tcp" \
			"$TOOL_S" ">=50 x tshark" "$(verdict "$(ratio "$TOOL_S" "$FL_S")" 50)" \
			"$FL_CPU" "$TOOL_CPU"
	else
		say "pcap: tshark not installed (Debian package tshark): no tshark row"
	fi
	rm -f "$DIR/big.pcap"
fi
if [ "$PKT_MB" -gt 0 ]; then
	# one round of mkpcap --pktmon is 93 PktMon records, about 20 KB
	"$MKPCAP" --pktmon --repeat 100 "$DIR/probe-pk.etl"
	per=$(wc -c <"$DIR/probe-pk.etl")
	rounds=$(awk -v mb="$PKT_MB" -v per="$per" 'BEGIN { printf "%d", mb * 1048576 * 100 / per + 1 }')
	rm -f "$DIR/probe-pk.etl"
	say "pktmon: $PKT_MB MiB ($rounds mkpcap rounds): flows, cat, tcpdump of the same packets..."
	"$MKPCAP" --pktmon --repeat "$rounds" "$DIR/big-pk.etl"
	pb=$(wc -c <"$DIR/big-pk.etl")
	flows_run "$DIR/big-pk.etl"
	cat_s "$DIR/big-pk.etl"
	row "pktmon flows" "$pb" "$FL_PK" packets "$FL_S" "$FL_KB" "cat" "$CAT_S" "" "" \
		"$FL_CPU" "$CAT_CPU"
	"$MKPCAP" --repeat "$rounds" "$DIR/same.pcap"
	cat "$DIR/same.pcap" >/dev/null
	tool_s tcpdump tcpdump -r "$DIR/same.pcap" -w /dev/null
	[ -z "$TOOL_S" ] ||
		row "pktmon flows" "$pb" "$FL_PK" packets "$FL_S" "$FL_KB" \
			"tcpdump, same packets as pcap" "$TOOL_S" "" "" "$FL_CPU" "$TOOL_CPU"
	rm -f "$DIR/big-pk.etl" "$DIR/same.pcap"
fi

# ---- scaling: 1x, 4x, 16x ------------------------------------------------------
if [ "$SCALE" -gt 0 ]; then
	obj1=$(objects_for_events "$SCALE")
	for k in 1 4 16; do
		say "scale: jsonl ingest at ${k}x ($((obj1 * k)) objects)..."
		"$PROG" gen scale --objects $((obj1 * k)) -o "$DIR/scale.jsonl" >/dev/null
		rm -f "$DIR/scale.jsonl.truth.json" "$DIR/scale.db" "$DIR/scale.db-journal"
		cat "$DIR/scale.jsonl" >/dev/null
		measure "$DIR/scale" "$PROG" ingest -q --db "$DIR/scale.db" "$DIR/scale.jsonl"
		n=$(sqlite3 "$DIR/scale.db" "SELECT count(*) FROM events")
		if [ $k = 1 ]; then
			s1=$M_S kb1=$M_KB c1=$M_CPU
			row "scale 1x jsonl ingest" "$(wc -c <"$DIR/scale.jsonl")" "$n" events "$M_S" \
				"$M_KB" "" 0 "" "" "$M_CPU" 0
			mv "$DIR/scale.db" "$DIR/scale1.db"
		else
			# time: against k times the 1x; RSS: against the previous size
			# (4x against 1x, 16x against 4x): the bounded caches (SQLite's
			# 32 MiB, the batches) fill during the first sizes, then RSS
			# must stop growing
			lin=$(awk -v a="$s1" -v k=$k 'BEGIN { print a * k }')
			v=$(awk -v a="$s1" -v k=$k -v b="$M_S" -v r1="$kbp" -v r="$M_KB" -v p="$pk" 'BEGIN {
				print ((a * k / b >= 0.8 ? "linear" : "NOT linear") ", RSS " \
				       (r <= 1.25 * r1 ? "flat" : "NOT flat") sprintf(" (%.2fx the %sx RSS)", r / r1, p)) }')
			row "scale ${k}x jsonl ingest" "$(wc -c <"$DIR/scale.jsonl")" "$n" events "$M_S" \
				"$M_KB" "${k} x the 1x time" "$lin" "time linear, RSS flat" "$v" "$M_CPU" \
				"$(awk -v a="$c1" -v k=$k 'BEGIN { print a * k }')"
		fi
		kbp=$M_KB pk=$k
		rm -f "$DIR/scale.jsonl" "$DIR/scale.db"
	done
fi

# ---- the fleet: push to ClickHouse ------------------------------------------
if [ "$PUSH" != 0 ]; then
	. "$ROOT/tests/tools/chserver.sh"
	if ! ch_find; then
		say "push: skipped: clickhouse-server and clickhouse-client are not installed (apt-get install clickhouse-server clickhouse-client)"
	elif ! command -v python3 >/dev/null 2>&1; then
		say "push: skipped: python3 (to choose free ports) is not installed"
	else
		if [ "$PUSH_EVENTS" != "$EVENTS" ] || [ ! -f "$DIR/events.db" ]; then
			obj=$(objects_for_events "$PUSH_EVENTS")
			say "push: generating and ingesting a run of ~$PUSH_EVENTS events..."
			"$PROG" gen scale --objects "$obj" -o "$DIR/push.jsonl" >/dev/null
			rm -f "$DIR/push.db" "$DIR/push.jsonl.truth.json"
			"$PROG" ingest -q --db "$DIR/push.db" "$DIR/push.jsonl"
			rm -f "$DIR/push.jsonl"
			PDB=$DIR/push.db
		else
			PDB=$DIR/events.db
		fi
		CH=$DIR/ch
		rm -rf "$CH"
		mkdir -p "$CH"
		set -- $(ch_ports 2)
		H=$1 T=$2
		ch_users "$CH/users.xml"
		ch_conf "$CH/s" "$H" "$T" "$CH/users.xml"
		trap 'ch_stop "$CH/s"' EXIT
		trap 'exit 1' INT TERM
		if ch_start "$CH/s" "$H" "$PROG"; then
			U=http://127.0.0.1:$H
			chc() { "$CH_CLIENT" --host 127.0.0.1 --port "$T" "$@"; }
			tables=$(chc --query "SELECT 1" >/dev/null &&
				"$PROG" fleet init --clickhouse "$U/probe" 2>/dev/null &&
				chc --query "SELECT name FROM system.tables WHERE database = 'probe'
					AND name LIKE '%\\_local' AND name != 'runs_local' ORDER BY name")
			ev=$(sqlite3 "$PDB" "SELECT count(*) FROM events")
			# push_fmt FORMAT GZIP DB NAME: push DB in FORMAT (gzip-compressed
			# or not) to a new database NAME; P_S, P_KB, P_ROWS (every row
			# the push wrote, the run's row too)
			push_fmt() {
				"$PROG" fleet init --clickhouse "$U/$4" 2>/dev/null
				export OFFTRACE_PUSH_FORMAT=$1 OFFTRACE_PUSH_GZIP=$2
				measure "$DIR/push" "$PROG" push -q --events --clickhouse "$U/$4" "$3"
				unset OFFTRACE_PUSH_FORMAT OFFTRACE_PUSH_GZIP
				P_S=$M_S P_KB=$M_KB P_CPU=$M_CPU
				P_ROWS=$(chc --query "SELECT sum(rows) FROM system.parts
					WHERE database = '$4' AND active")
			}
			# client_fmt FORMAT SRCDB: clickhouse-client inserting the rows of
			# SRCDB's tables, exported in FORMAT, into a new database; CL_S
			client_fmt() {
				_db=c_$(echo "$1" | tr 'A-Z' 'a-z')
				"$PROG" fleet init --clickhouse "$U/$_db" 2>/dev/null
				for _t in $tables runs_local; do
					chc --query "SELECT * FROM $2.$_t FORMAT $1" >"$CH/$_t.data"
				done
				cat "$CH"/*.data >/dev/null
				{
					echo "set -e"
					for _t in $tables runs_local; do
						# an empty table: no request (push sends none either)
						[ -s "$CH/$_t.data" ] &&
							echo "\"$CH_CLIENT\" --host 127.0.0.1 --port $T --query 'INSERT INTO $_db.$_t FORMAT $1' <\"$CH/$_t.data\""
					done
				} >"$CH/client.sh"
				measure "$DIR/client" sh "$CH/client.sh"
				CL_S=$M_S CL_CPU=$M_CPU
				rm -f "$CH"/*.data
				chc --query "DROP DATABASE $_db"
			}
			# push_row PATH FORMAT GZIP DB NAME: one row, against the client
			# of that format (measured once per format and run: CL_*)
			push_row() {
				push_fmt "$2" "$3" "$4" "$5"
				if [ "$3" = 0 ]; then
					client_fmt "$2" "$5"
					eval "cl_s_$2=\$CL_S cl_cpu_$2=\$CL_CPU"
				fi
				eval "_cs=\$cl_s_$2 _cc=\$cl_cpu_$2"
				row "$1" "$(wc -c <"$4")" "$P_ROWS" rows "$P_S" "$P_KB" \
					"clickhouse-client, $2" "$_cs" ">=0.5 of client" \
					"$(verdict "$(ratio "$_cs" "$P_S")" 0.5)" "$P_CPU" "$_cc"
				chc --query "DROP DATABASE $5"
			}
			say "push: the $ev-event run (--events) as push sends it to this machine, and clickhouse-client inserting the same rows..."
			push_row "push --events, RowBinary" RowBinary 0 "$PDB" p_big
			big_kb=$P_KB
			if [ -f "$DIR/scale1.db" ]; then
				S1=$DIR/scale1.db
				sev=$(sqlite3 "$S1" "SELECT count(*) FROM events")
				say "push: the $sev-event run (the 1x scale run): RowBinary, with gzip, TabSeparated..."
				push_row "push small run, RowBinary" RowBinary 0 "$S1" p_small
				row "push, peak RSS small/big" "$(wc -c <"$S1")" "$P_ROWS" rows \
					"$P_S" "$P_KB" "" 0 "RSS flat in the run's size" \
					"$(awk -v a="$big_kb" -v b="$P_KB" 'BEGIN {
						printf "%s (big run %.2fx)", (a <= 1.25 * b ? "flat" : "NOT flat"), a / b }')" \
					"$P_CPU" 0
				push_row "push small run, RowBinary gzip" RowBinary 1 "$S1" p_small_gz
				push_row "push small run, TabSeparated" TabSeparated 0 "$S1" p_small_tsv
			fi
		else
			say "push: skipped: the ClickHouse server did not start (see $CH/s/log)"
		fi
		ch_stop "$CH/s"
		trap - EXIT
		rm -rf "$CH"
	fi
fi
rm -f "$DIR/scale1.db" "$DIR/events.db" "$DIR/push.db" "$DIR/report.html" "$DIR"/*.time "$DIR"/*.err

# ---- the table ------------------------------------------------------------------
awk -F'\t' -v load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" '
function hb(b) { return b >= 1e9 ? sprintf("%.2f GB", b / 1e9) : b >= 1e6 ? sprintf("%.1f MB", b / 1e6) : sprintf("%.1f kB", b / 1e3) }
function hn(n) { return n >= 1e6 ? sprintf("%.2fM", n / 1e6) : n >= 1e3 ? sprintf("%.1fk", n / 1e3) : sprintf("%d", n) }
NR == 1 { next }
{
	r[NR] = sprintf("%-28s %9s %8s %-8s %8.2f %7.2f %9s/s %8.1f  %-36s %8s %8s %6s %6s  %s%s%s",
		$1, hb($2), hn($3), $4, $5, $13, hn($6), $7 / 1024, $8,
		($9 > 0 ? sprintf("%.2f", $9) : ""), ($14 > 0 ? sprintf("%.2f", $14) : ""),
		($10 > 0 ? sprintf("%.2f", $10) : ""), ($15 > 0 ? sprintf("%.2f", $15) : ""),
		$11, ($11 != "" && $12 != "" ? ": " : ""), $12)
}
END {
	printf "\nofftrace bench (load average at the end: %s)\n", load
	printf "%-28s %9s %8s %-8s %8s %7s %11s %8s  %-36s %8s %8s %6s %6s  %s\n", "path", "input",
		"items", "unit", "time s", "cpu s", "rate", "RSS MiB", "baseline (same run, same input)",
		"base s", "base cpu", "ratio", "cpu r", "target"
	for (i = 2; i <= NR; i++) print r[i]
	print "ratio = baseline time / offtrace time on the same items (> 1: offtrace faster);"
	print "cpu r = the same with CPU seconds (user + system, all threads), which a loaded machine moves least"
}' "$TSV"
echo "(tab-separated: $TSV)"

# the same table in Markdown, with the machine it ran on, for
# bench/RESULTS.md (BENCH_DIR/results.md)
{
	echo "**Machine:** $(nproc) CPU ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
	echo "$(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo),"
	echo "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), SQLite $(sqlite3 --version | cut -d' ' -f1);"
	echo "load average before the run: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "| path | input | items | offtrace s | cpu s | rate /s | RSS MiB | baseline (same run) | base s | base cpu s | ratio | cpu ratio | target | verdict |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' 'NR > 1 {
		printf "| %s | %.1f MiB | %d %s | %.2f | %.2f | %d | %.0f | %s | %s | %s | %s | %s | %s | %s |\n",
			$1, $2 / 1048576, $3, $4, $5, $13, $6, $7 / 1024, $8,
			($9 > 0 ? sprintf("%.2f", $9) : ""), ($14 > 0 ? sprintf("%.2f", $14) : ""),
			($10 > 0 ? sprintf("%.2f", $10) : ""), ($15 > 0 ? sprintf("%.2f", $15) : ""), $11, $12
	}' "$TSV"
} > "$DIR/results.md"
echo "(Markdown, with the machine: $DIR/results.md)"
