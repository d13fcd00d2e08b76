-- offtrace.sql - the offtrace database schema (the single source of truth).
--
-- Embedded at build time into the binary (tools/embed.sh -> ot_schema_sql)
-- and run by src/store/db.c inside the first ingest transaction, so a
-- failed first ingest leaves an empty file.  The text up to the line
-- "-- @indexes" creates tables and views; the text after it creates the
-- indexes, run after each bulk load (IF NOT EXISTS); those after the line
-- "-- @show-indexes" serve 'offtrace show'.
--
-- Conventions, for every table:
--   * trace_id     the trace (one ingest) the row belongs to; several traces
--                  can share a database and be compared.
--   * times        INTEGER nanoseconds since 1970-01-01 UTC (columns named
--                  ts, t_*, *_ns, since, last_activity); NULL = never.
--   * pointers     INTEGER: the 64-bit value reinterpreted as signed
--                  (0xffffe00100002010 is stored negative); show them with
--                  ot_hex(x).  NULL = absent from the input.
--   * statuses     INTEGER NDIS_STATUS (u32); name them with ot_status_name(x).
--   * ids          object, operation, event and write ids are assigned by
--                  the engine, 1-based and unique within one trace.
--
-- SQL functions registered on every connection opened by offtrace:
--   percentile(x, p)   aggregate, nearest rank: the smallest x with at least
--                      p% of the values at or below it (p in (0, 100])
--   ot_hex(ptr)        '0x' + lowercase hex of the u64
--   ot_time(ns)        RFC 3339 UTC with 9 fractional digits
--   ot_status_name(c)  'NDIS_STATUS_SUCCESS', ..., else '0x' + 8 hex digits

PRAGMA user_version = 4;

-- One row per ingested trace.
CREATE TABLE traces (
	trace_id INTEGER PRIMARY KEY,	-- 1, 2, ... in ingest order
	name TEXT NOT NULL,		-- label (the first input's file name by default)
	start_ns INTEGER,		-- first event ts (or --since)
	end_ns INTEGER,			-- end of trace given to the engine
	events INTEGER NOT NULL DEFAULT 0,	-- rows in events for this trace
	inputs INTEGER NOT NULL DEFAULT 0	-- rows in inputs for this trace
);

-- The input files of a trace.
CREATE TABLE inputs (
	trace_id INTEGER NOT NULL,
	input INTEGER NOT NULL,		-- 0-based index, = events.input
	file TEXT NOT NULL,		-- path as given on the command line
	sha256 TEXT NOT NULL,		-- lowercase hex of the content (duplicate detection)
	format TEXT NOT NULL,		-- 'jsonl', 'etl', 'wpptext', 'pcap', ...
	size INTEGER NOT NULL,		-- bytes
	records INTEGER NOT NULL,	-- lines or raw records read
	events INTEGER NOT NULL,	-- normalized events produced
	unmatched INTEGER NOT NULL,	-- raw records no profile rule matched
	corrupt INTEGER NOT NULL,	-- records that could not be parsed
	lost_events INTEGER NOT NULL DEFAULT 0,	-- events the logger says it lost (ETL EventsLost)
	lost_buffers INTEGER NOT NULL DEFAULT 0,	-- buffers lost (ETL BuffersLost + buffers flagged lost)
	PRIMARY KEY (trace_id, input)
);

-- Every normalized event (DESIGN.md section 2), in merged time order.
-- Optional fields absent from the input are NULL.
-- The rowid eid = trace_id * 2^40 + id keeps the events of a trace in id
-- order on disk, so "the events of trace T between ids A and B" is a rowid
-- range (eid BETWEEN T*2^40+A AND T*2^40+B) and the table needs no index
-- built after the load.
CREATE TABLE events (
	eid INTEGER PRIMARY KEY,	-- trace_id << 40 | id
	trace_id INTEGER NOT NULL,
	id INTEGER NOT NULL,		-- 1-based position in the merged stream
	ts INTEGER NOT NULL,		-- ns UTC
	ev TEXT NOT NULL,		-- 'initiate', ..., 'ctx_write', 'send', 'halt'
	cpu INTEGER,
	pid INTEGER,
	tid INTEGER,
	adapter TEXT NOT NULL,		-- '' when not given
	layer TEXT NOT NULL,		-- 'target', 'im', 'host'
	root INTEGER,			-- root OffloadBlockList pointer
	block INTEGER,			-- this block's pointer
	parent INTEGER,			-- parent block pointer (absent at the root)
	state TEXT,			-- 'neighbor', 'ip4', 'ip6', 'tcp'
	slot INTEGER,			-- &handle->MiniportOffloadContext
	handle INTEGER,			-- NdisOffloadHandle
	value INTEGER,			-- PVOID written (ctx_write) or slot value at request
	status INTEGER,			-- NDIS_STATUS of a completion
	code INTEGER,			-- event / indication code
	reason INTEGER,			-- TCP_UPLOAD_REASON
	src TEXT,			-- 4-tuple of tcp blocks: source address
	sport INTEGER,
	dst TEXT,
	dport INTEGER,
	nbl INTEGER,			-- NET_BUFFER_LIST pointer (I/O)
	input INTEGER NOT NULL,		-- inputs.input of the file it came from
	line INTEGER NOT NULL		-- 1-based line or record number in that input
);

-- Offloaded state objects: one per (slot, epoch) at one layer.
-- oid = trace_id << 40 | id, the rowid: an object is found by id
-- without an index (objects are written when they die, in nearly id order).
CREATE TABLE objects (
	oid INTEGER PRIMARY KEY,	-- trace_id << 40 | id
	trace_id INTEGER NOT NULL,
	id INTEGER NOT NULL,		-- object id
	slot INTEGER NOT NULL,		-- MiniportOffloadContext slot address
	epoch INTEGER NOT NULL,		-- 1 for the first object on this slot
	adapter TEXT NOT NULL,
	layer TEXT NOT NULL,		-- 'target', 'im', 'host'
	state TEXT,			-- 'neighbor', 'ip4', 'ip6', 'tcp'
	handle INTEGER,			-- NdisOffloadHandle, NULL if unknown
	value INTEGER,			-- published PVOID, NULL if never written
	parent_id INTEGER,		-- parent object id, NULL if none or unknown
	src TEXT,			-- tcp objects: 4-tuple, NULL when unknown
	sport INTEGER,
	dst TEXT,
	dport INTEGER,
	t_request INTEGER,		-- initiate request
	t_published INTEGER,		-- first NULL->X context write
	t_offloaded INTEGER,		-- initiate completed with success (or partial)
	t_terminate_req INTEGER,	-- last terminate request
	t_terminated INTEGER,		-- terminate completed with success
	t_last INTEGER,			-- last event that touched the object
	initiate_status INTEGER,	-- initiate block status, NULL if none
	terminate_status INTEGER,	-- terminate block status, NULL if none
	initiate_op INTEGER,		-- operations.id of the creating initiate
	fate TEXT NOT NULL,		-- 'pending', 'failed', 'terminated', 'lost', 'live', 'leaked'
	first_event INTEGER,		-- events.id of the first / last event on it
	last_event INTEGER
);

-- Operations: one request and its completion, per (adapter, layer, kind, root, epoch).
-- opid = trace_id << 40 | id, the rowid, as for objects.
CREATE TABLE operations (
	opid INTEGER PRIMARY KEY,	-- trace_id << 40 | id
	trace_id INTEGER NOT NULL,
	id INTEGER NOT NULL,		-- operation id
	adapter TEXT NOT NULL,
	layer TEXT NOT NULL,
	kind TEXT NOT NULL,		-- 'initiate', 'terminate', 'update', 'invalidate', 'query'
	root INTEGER,			-- root OffloadBlockList pointer
	epoch INTEGER NOT NULL,		-- per (adapter, layer, kind, root)
	t_request INTEGER NOT NULL,	-- first request event
	t_complete INTEGER,		-- last block completion, NULL if never completed
	sync INTEGER NOT NULL,		-- 1: completed inside the request handler (P3)
	nblocks INTEGER NOT NULL,	-- rows in blocks for this operation
	first_event INTEGER,
	last_event INTEGER
);

-- The blocks of each operation (one per request event, or per completion
-- with no request).
CREATE TABLE blocks (
	trace_id INTEGER NOT NULL,
	op_id INTEGER NOT NULL,		-- operations.id
	idx INTEGER NOT NULL,		-- 0-based position in the operation
	block INTEGER,			-- block pointer
	parent INTEGER,			-- parent block pointer, NULL at the top level
	state TEXT,			-- 'neighbor', 'ip4', 'ip6', 'tcp'
	role TEXT NOT NULL,		-- 'placeholder', 'linker', 'new'
	slot INTEGER,
	value INTEGER,			-- slot value at request (linkers)
	handle INTEGER,
	object_id INTEGER,		-- objects.id, NULL if none
	t_request INTEGER,		-- NULL for a completion with no request
	t_complete INTEGER,		-- NULL while open
	latency_ns INTEGER,		-- t_complete - t_request when both known
	status INTEGER,			-- completion status, NULL if not completed
	request_event INTEGER,		-- events.id of the request / completion
	done_event INTEGER
);

-- Context writes (ctx_write events) with their owning operation.
CREATE TABLE ctx_writes (
	trace_id INTEGER NOT NULL,
	id INTEGER NOT NULL,		-- write id
	event_id INTEGER NOT NULL,	-- events.id of the ctx_write
	ts INTEGER NOT NULL,
	adapter TEXT NOT NULL,
	layer TEXT NOT NULL,		-- layer that logged the write
	tid INTEGER,			-- NULL unknown
	slot INTEGER NOT NULL,
	old_value INTEGER NOT NULL,	-- tracked slot value before the write
	new_value INTEGER NOT NULL,
	op_id INTEGER,			-- owning operation, NULL if none
	object_id INTEGER,		-- object on the slot, NULL if none
	pos TEXT NOT NULL		-- 'none', 'inside', 'after', 'before'
);

-- Rule violations (doc/rules.md section 2).  Only violations of rules that
-- were checked are kept.
CREATE TABLE violations (
	trace_id INTEGER NOT NULL,
	id INTEGER NOT NULL,		-- 1-based in the order the engine reported them
	rule TEXT NOT NULL,		-- 'P1' ... 'L4'
	severity TEXT NOT NULL,		-- 'error', 'warning'
	message TEXT NOT NULL,
	ts INTEGER NOT NULL,
	slot INTEGER,			-- NULL if none
	root INTEGER,			-- NULL if none
	object_id INTEGER,		-- NULL if none
	op_id INTEGER			-- NULL if none
);

-- The event ids that prove each violation (at most 8).
CREATE TABLE violation_events (
	trace_id INTEGER NOT NULL,
	violation_id INTEGER NOT NULL,	-- violations.id
	idx INTEGER NOT NULL,		-- 0-based
	event_id INTEGER NOT NULL	-- events.id
);

-- Leaked objects: live at halt, at the end of an upload-all drain, or at
-- the end of the trace (doc/rules.md L1), or not terminated within the
-- grace after their connection closed on the wire (W1).
CREATE TABLE leaks (
	trace_id INTEGER NOT NULL,
	object_id INTEGER NOT NULL,	-- objects.id
	slot INTEGER NOT NULL,
	state TEXT,			-- 'neighbor', 'ip4', 'ip6', 'tcp'
	adapter TEXT NOT NULL,
	layer TEXT NOT NULL,
	since INTEGER,			-- when it became offloaded (or published)
	ts INTEGER NOT NULL,		-- when the leak was established
	last_activity INTEGER,		-- last event on the object
	reason TEXT NOT NULL		-- 'live_at_end', 'halt', 'upload_all',
					-- 'wire_close' (W1: closed on the wire,
					-- not terminated within --grace)
);

-- Per-trace outcome of every rule.
CREATE TABLE rules (
	trace_id INTEGER NOT NULL,
	ord INTEGER NOT NULL,		-- report order, 0 = P1 ... 25 = L4, 26 = W1 ... 28 = W3
	rule TEXT NOT NULL,		-- 'P1' ... 'L4', 'W1' ... 'W3'
	severity TEXT NOT NULL,		-- default severity: 'error', 'warning'
	title TEXT NOT NULL,		-- one line description
	checked INTEGER NOT NULL,	-- 1 checked, 0 not checked
	count INTEGER NOT NULL,		-- violations reported (0 when not checked)
	why_not TEXT,			-- reason when not checked, else NULL
	PRIMARY KEY (trace_id, rule)
);

-- TCP flows of the packet captures (pcap, pcapng, NDIS-PacketCapture
-- events in .etl), one row per connection (src/engine/flows.c).  Side a
-- sent the first SYN, else the first packet seen.  Bytes are frame
-- lengths on the wire, as tshark counts them; IP fragments are counted,
-- not reassembled.  Times are after --pcap-offset.
CREATE TABLE flows (
	trace_id INTEGER NOT NULL,
	id INTEGER NOT NULL,		-- 1-based, in order of the first packet
	family INTEGER NOT NULL,	-- 4 or 6
	a_addr TEXT NOT NULL,		-- IPv4 dotted or IPv6 (RFC 5952) text
	a_port INTEGER NOT NULL,
	b_addr TEXT NOT NULL,
	b_port INTEGER NOT NULL,
	frames_ab INTEGER NOT NULL,	-- a to b
	bytes_ab INTEGER NOT NULL,
	frames_ba INTEGER NOT NULL,	-- b to a
	bytes_ba INTEGER NOT NULL,
	payload_ab INTEGER NOT NULL,	-- TCP payload bytes
	payload_ba INTEGER NOT NULL,
	retrans INTEGER NOT NULL,	-- retransmitted segments, both ways
	ooo INTEGER NOT NULL,		-- out-of-order segments, both ways
	fragments INTEGER NOT NULL,	-- IP fragments counted in the flow
	first_ns INTEGER NOT NULL,
	last_ns INTEGER NOT NULL,
	syn_ns INTEGER,			-- first SYN (without ACK)
	synack_ns INTEGER,
	fin_ab_ns INTEGER,		-- first FIN from a
	fin_ba_ns INTEGER,		-- first FIN from b
	rst_ns INTEGER,			-- first RST
	close_ns INTEGER,		-- closed on the wire: the RST, or the second FIN
	state TEXT NOT NULL,		-- at the last packet: 'syn_sent', 'syn_received',
					-- 'established', 'midstream', 'fin_wait',
					-- 'closed', 'reset'
	PRIMARY KEY (trace_id, id)
);

-- Flows joined to TCP state objects (doc/rules.md section 5): by the
-- 4-tuple of the object's tcp blocks (either direction) while both are
-- alive, or, for a host object without a tuple, by time.
CREATE TABLE flow_objects (
	trace_id INTEGER NOT NULL,
	flow_id INTEGER NOT NULL,	-- flows.id
	object_id INTEGER NOT NULL,	-- objects.id
	layer TEXT NOT NULL,		-- the object's layer; W1-W3 judge target and host
	syn_to_offload_ns INTEGER,	-- W3: initiate done - SYN; NULL if not both
	inside_frames INTEGER NOT NULL,	-- W2: frames inside the offload window
	inside_bytes INTEGER NOT NULL,
	wire_close_leak INTEGER NOT NULL	-- 1: W1 found (a wire_close leak)
);

-- Packets a component dropped (pktmon event 170 in an .etl), one row per
-- drop, in time order: where, why, its addresses when the frame is IP
-- and its connection when it is TCP.  Reason and location are PktMon's
-- DropReason and DropLocation codes.
CREATE TABLE drops (
	trace_id INTEGER NOT NULL,
	id INTEGER NOT NULL,		-- 1-based, in time order
	input INTEGER NOT NULL,		-- inputs.input
	ts INTEGER NOT NULL,
	component INTEGER NOT NULL,	-- pktmon ComponentId
	component_name TEXT,		-- as the trace's component events name it
	dir TEXT,			-- the component's direction tag: 'Rx', 'Tx', 'In', ...
	reason INTEGER NOT NULL,	-- DropReason
	reason_name TEXT,		-- its name, when offtrace knows it
	location INTEGER NOT NULL,	-- DropLocation
	family INTEGER,			-- 4 or 6; NULL when the frame is not IP
	proto INTEGER,			-- IP protocol
	src TEXT,
	sport INTEGER,			-- TCP ports; NULL otherwise
	dst TEXT,
	dport INTEGER,
	flow_id INTEGER,		-- flows.id of its TCP connection, if seen
	PRIMARY KEY (trace_id, id)
);

-- Drops of the packets of offloaded connections: evidence in the history
-- of the TCP objects that were offloaded at the time of the drop (by the
-- object's tuple, or the flow joined to it).
CREATE TABLE drop_objects (
	trace_id INTEGER NOT NULL,
	drop_id INTEGER NOT NULL,	-- drops.id
	object_id INTEGER NOT NULL	-- objects.id
);

-- Free-form key/value facts about a trace (schema version, options, stats).
CREATE TABLE meta (
	trace_id INTEGER NOT NULL,
	key TEXT NOT NULL,
	value TEXT,
	PRIMARY KEY (trace_id, key)
);

-- Latency of every completed operation (doc/rules.md section 4).
CREATE VIEW latency AS
	SELECT trace_id,
	       id AS op_id,
	       kind,			-- 'initiate', ...
	       adapter,
	       layer,
	       root,
	       t_request AS ts,		-- request time
	       t_complete - t_request AS latency_ns
	FROM operations
	WHERE t_complete IS NOT NULL;

-- SYN-to-offload delay of every joined object (W3), like latency.
CREATE VIEW syn_to_offload AS
	SELECT trace_id, flow_id, object_id, layer,
	       syn_to_offload_ns AS latency_ns
	FROM flow_objects
	WHERE syn_to_offload_ns IS NOT NULL;

-- @indexes
-- Created after each bulk load (src/store/db.c splits the text here), for
-- the reports and the duplicate check.  Events, objects and operations are
-- found by id through their rowids and need none.
CREATE INDEX IF NOT EXISTS inputs_sha256 ON inputs (sha256);
CREATE INDEX IF NOT EXISTS violations_ts ON violations (trace_id, ts);
CREATE INDEX IF NOT EXISTS violation_events_id ON violation_events (trace_id, violation_id);
CREATE INDEX IF NOT EXISTS leaks_trace ON leaks (trace_id, since);
CREATE INDEX IF NOT EXISTS flow_objects_object ON flow_objects (trace_id, object_id);
CREATE INDEX IF NOT EXISTS drop_objects_object ON drop_objects (trace_id, object_id);

-- @show-indexes
-- Only 'offtrace show' needs these (objects by slot, operations by root,
-- the blocks of an operation or of an object, the writes to a slot).  They
-- cost about a sixth of a large ingest, but a reader must never take the
-- write lock (several offtrace jobs share one database), so the ingest
-- builds them.
CREATE INDEX IF NOT EXISTS objects_slot ON objects (trace_id, slot);
CREATE INDEX IF NOT EXISTS operations_root ON operations (trace_id, root);
CREATE INDEX IF NOT EXISTS blocks_op ON blocks (trace_id, op_id);
CREATE INDEX IF NOT EXISTS blocks_object ON blocks (trace_id, object_id);
CREATE INDEX IF NOT EXISTS ctx_writes_slot ON ctx_writes (trace_id, slot);
