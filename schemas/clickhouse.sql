-- clickhouse.sql - the fleet tables in ClickHouse (the single source of truth).
--
-- Written for ClickHouse 18.16 (Debian bookworm's clickhouse-server) and
-- nothing newer.  Embedded at build time into the binary (tools/embed.sh ->
-- ot_clickhouse_sql) and applied by 'offtrace fleet init', statement by
-- statement (each ends with a line that ends in ';').
--
-- Every statement here creates one shard-local table NAME_local.  init then
-- creates, on every server it is given, the table NAME that reads and writes
-- the data of all the servers:
--   * with --cluster C:  CREATE TABLE NAME AS NAME_local
--                        ENGINE = Distributed(C, DB, NAME_local, cityHash64(run_id))
--     so every row of a run lands on the same shard, and a query on NAME
--     that joins NAME_local of the same run on each shard is exact;
--   * without a cluster: CREATE TABLE NAME AS NAME_local
--                        ENGINE = Merge(DB, '^NAME_local$')   (push writes NAME_local)
-- and the table offtrace_schema (version, cluster), which push reads before
-- writing and refuses a version other than its own.
--
-- Atomicity.  push writes a run's rows with one push_id (a random 64-bit
-- number per attempt) in every table, and the run's row in runs last.  A
-- row counts only when runs holds a row with its run_id and push_id; when a
-- run was pushed more than once (--force, or a retry after the server
-- failed while the runs row was on the wire), the runs row with the
-- greatest pushed_ns wins, and rows of the other attempts are never seen:
--     SELECT ... FROM objects ANY INNER JOIN
--         (SELECT run_id, push_id FROM runs_local
--          ORDER BY pushed_ns DESC LIMIT 1 BY run_id) USING (run_id, push_id)
-- (runs_local on the right: the subquery runs on each shard, where all of
-- the run's rows are).  Rows of a push that died are garbage no query
-- sees; 'ALTER TABLE NAME_local DELETE WHERE (run_id, push_id) NOT IN
-- (SELECT run_id, push_id FROM runs_local)' on each shard removes them.
--
-- Conventions, for every table (as in schemas/offtrace.sql):
--   * run_id       lowercase hex SHA-256 of the run's inputs' SHA-256s (hex,
--                  one per line, in input order): the same trace files give
--                  the same run, whoever pushes them.
--   * push_id      the attempt that wrote the row (see above).
--   * run_date     UTC day of the run's first event (1970-01-01 when
--                  unknown); every table is partitioned by its month.
--   * times        Int64 nanoseconds since 1970-01-01 UTC; NULL = never.
--   * pointers     UInt64 (SQLite stores them as signed 64-bit; push
--                  reinterprets them); NULL = absent from the input.
--   * ids          object, operation, event, write and violation ids of
--                  the run's SQLite database (1-based within the trace).
--   * statuses     UInt32 NDIS_STATUS.
-- No Nullable column is in a sorting key (18.16 does not allow it).

-- @version 1

-- One row per run: what the run report's summary says, and its labels.
-- The row is written last: it makes the rest of the run visible.
CREATE TABLE IF NOT EXISTS runs_local (
	run_id String,
	push_id UInt64,
	pushed_ns Int64,		-- when push wrote the row: the greatest wins
	run_date Date,
	name String,			-- the trace's name (traces.name)
	label_keys Array(String),	-- --label KEY=VALUE and OFFTRACE_LABELS, in order
	label_values Array(String),	-- (label_values[i] belongs to label_keys[i])
	start_ns Nullable(Int64),	-- first event (traces.start_ns)
	end_ns Nullable(Int64),		-- end of trace (traces.end_ns)
	events UInt64,			-- normalized events of the trace
	inputs UInt32,			-- input files
	objects UInt64,			-- the run report's summary (doc/rules.md 3)
	offloaded UInt64,
	failed UInt64,
	terminated UInt64,
	lost UInt64,
	live_at_end UInt64,
	leaked UInt64,			-- every leak, of any reason
	errors UInt64,			-- violations of checked rules, by severity
	warnings UInt64,
	operations UInt64,		-- rows pushed to each table for this run
	blocks UInt64,
	ctx_writes UInt64,
	violations UInt64,
	leaks UInt64,
	flows UInt64,
	flow_objects UInt64,
	pushed_events UInt64,		-- rows in events (0 unless push --events)
	offtrace_version String		-- the offtrace that pushed it
) ENGINE = ReplacingMergeTree(pushed_ns)
PARTITION BY toYYYYMM(run_date)
ORDER BY run_id;

-- The input files of a run (SQLite inputs).
CREATE TABLE IF NOT EXISTS inputs_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	input UInt32,			-- 0-based index in the run
	file String,			-- path as given to ingest
	sha256 String,			-- lowercase hex of the content
	format String,			-- 'jsonl', 'etl', 'wpptext', 'pcap', ...
	size UInt64,
	records UInt64,
	events UInt64,
	unmatched UInt64,
	corrupt UInt64,
	lost_events UInt64,
	lost_buffers UInt64
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, input);

-- Offloaded state objects (SQLite objects), one per (slot, epoch) at a layer.
CREATE TABLE IF NOT EXISTS objects_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	id UInt64,			-- object id
	slot UInt64,			-- MiniportOffloadContext slot address
	epoch UInt32,
	adapter String,
	layer String,			-- 'target', 'im', 'host'
	state Nullable(String),		-- 'neighbor', 'ip4', 'ip6', 'tcp'
	handle Nullable(UInt64),
	value Nullable(UInt64),		-- published PVOID
	parent_id Nullable(UInt64),
	src Nullable(String),		-- tcp objects: 4-tuple
	sport Nullable(UInt16),
	dst Nullable(String),
	dport Nullable(UInt16),
	t_request Nullable(Int64),
	t_published Nullable(Int64),
	t_offloaded Nullable(Int64),
	t_terminate_req Nullable(Int64),
	t_terminated Nullable(Int64),
	t_last Nullable(Int64),
	initiate_status Nullable(UInt32),
	terminate_status Nullable(UInt32),
	initiate_op Nullable(UInt64),	-- operations.id of the creating initiate
	fate String,			-- 'pending', 'failed', 'terminated', 'lost', 'live', 'leaked'
	first_event Nullable(UInt64),
	last_event Nullable(UInt64)
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, id);

-- Operations (SQLite operations) with their latency.
CREATE TABLE IF NOT EXISTS operations_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	id UInt64,			-- operation id
	adapter String,
	layer String,
	kind String,			-- 'initiate', 'terminate', 'update', 'invalidate', 'query'
	root Nullable(UInt64),		-- root OffloadBlockList pointer
	epoch UInt32,
	t_request Int64,
	t_complete Nullable(Int64),	-- NULL: never completed
	latency_ns Nullable(Int64),	-- t_complete - t_request (the latency view)
	sync UInt8,			-- 1: completed inside the request handler
	nblocks UInt32,
	first_event Nullable(UInt64),
	last_event Nullable(UInt64)
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, kind, id);

-- The blocks of each operation (SQLite blocks), with their latency.
CREATE TABLE IF NOT EXISTS blocks_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	op_id UInt64,			-- operations.id
	idx UInt32,			-- 0-based position in the operation
	block Nullable(UInt64),
	parent Nullable(UInt64),
	state Nullable(String),
	role String,			-- 'placeholder', 'linker', 'new'
	slot Nullable(UInt64),
	value Nullable(UInt64),
	handle Nullable(UInt64),
	object_id Nullable(UInt64),
	t_request Nullable(Int64),
	t_complete Nullable(Int64),
	latency_ns Nullable(Int64),
	status Nullable(UInt32),
	request_event Nullable(UInt64),
	done_event Nullable(UInt64)
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, op_id, idx);

-- Context writes (SQLite ctx_writes) with their owning operation.
CREATE TABLE IF NOT EXISTS ctx_writes_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	id UInt64,			-- write id
	event_id UInt64,
	ts Int64,
	adapter String,
	layer String,
	tid Nullable(Int64),
	slot UInt64,
	old_value UInt64,
	new_value UInt64,
	op_id Nullable(UInt64),
	object_id Nullable(UInt64),
	pos String			-- 'none', 'inside', 'after', 'before'
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, id);

-- Rule violations (SQLite violations) with the event ids that prove them
-- (SQLite violation_events, in order).
CREATE TABLE IF NOT EXISTS violations_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	id UInt64,
	rule String,			-- 'P1' ... 'W3'
	severity String,		-- 'error', 'warning'
	message String,
	ts Int64,
	slot Nullable(UInt64),
	root Nullable(UInt64),
	object_id Nullable(UInt64),
	op_id Nullable(UInt64),
	evidence Array(UInt64)		-- events.id of the evidence, at most 8
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, rule, id);

-- Leaked objects (SQLite leaks).
CREATE TABLE IF NOT EXISTS leaks_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	object_id UInt64,
	slot UInt64,
	state Nullable(String),
	adapter String,
	layer String,
	since Nullable(Int64),		-- when it became offloaded (or published)
	ts Int64,			-- when the leak was established
	last_activity Nullable(Int64),
	reason String			-- 'live_at_end', 'halt', 'upload_all', 'wire_close'
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, reason, object_id);

-- The outcome of every rule in the run (SQLite rules).
CREATE TABLE IF NOT EXISTS rules_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	ord UInt16,			-- report order
	rule String,
	severity String,
	title String,
	checked UInt8,			-- 1 checked, 0 not checked
	count UInt64,			-- violations (0 when not checked)
	why_not Nullable(String)	-- reason when not checked
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, ord);

-- TCP flows of the run's packet captures (SQLite flows).
CREATE TABLE IF NOT EXISTS flows_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	id UInt64,
	family UInt8,			-- 4 or 6
	a_addr String,
	a_port UInt16,
	b_addr String,
	b_port UInt16,
	frames_ab UInt64,
	bytes_ab UInt64,
	frames_ba UInt64,
	bytes_ba UInt64,
	payload_ab UInt64,
	payload_ba UInt64,
	retrans UInt64,
	ooo UInt64,
	fragments UInt64,
	first_ns Int64,
	last_ns Int64,
	syn_ns Nullable(Int64),
	synack_ns Nullable(Int64),
	fin_ab_ns Nullable(Int64),
	fin_ba_ns Nullable(Int64),
	rst_ns Nullable(Int64),
	close_ns Nullable(Int64),
	state String
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, id);

-- Flows joined to TCP objects (SQLite flow_objects).
CREATE TABLE IF NOT EXISTS flow_objects_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	flow_id UInt64,
	object_id UInt64,
	layer String,
	syn_to_offload_ns Nullable(Int64),	-- W3
	inside_frames UInt64,		-- W2
	inside_bytes UInt64,
	wire_close_leak UInt8		-- W1
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, flow_id, object_id);

-- Facts about the run (SQLite meta).
CREATE TABLE IF NOT EXISTS meta_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	key String,
	value Nullable(String)
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, key);

-- Normalized events (SQLite events): only with push --events.
CREATE TABLE IF NOT EXISTS events_local (
	run_id String,
	push_id UInt64,
	run_date Date,
	id UInt64,			-- position in the merged stream
	ts Int64,
	ev String,
	cpu Nullable(Int64),
	pid Nullable(Int64),
	tid Nullable(Int64),
	adapter String,
	layer String,
	root Nullable(UInt64),
	block Nullable(UInt64),
	parent Nullable(UInt64),
	state Nullable(String),
	slot Nullable(UInt64),
	handle Nullable(UInt64),
	value Nullable(UInt64),
	status Nullable(UInt32),
	code Nullable(Int64),
	reason Nullable(Int64),
	src Nullable(String),
	sport Nullable(UInt16),
	dst Nullable(String),
	dport Nullable(UInt16),
	nbl Nullable(UInt64),
	input UInt32,
	line UInt64
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(run_date)
ORDER BY (run_id, push_id, id);
