# tests/tools/chserver.sh - private ClickHouse servers from Debian's
# clickhouse-server package, for the fleet tests (tests/cli/fleet.sh) and
# the fleet row of the benchmark (bench/bench.sh).  Sourced, not run.
#
# Each server has its own config, data, logs and pid file in a directory
# of the caller, listens on loopback only, on ports chosen free at start,
# and is started and stopped by the caller:
#
#   ch_find || skip...          CH_SERVER, CH_CLIENT (1: not installed)
#   set -- $(ch_ports 3)        free loopback ports, held together while chosen
#   ch_users FILE               the users: default (no password) and
#                               fleet (password s3cret), loopback only
#   ch_conf DIR HTTP TCP USERS [REMOTE]
#                               DIR/config.xml; REMOTE: the text of a
#                               <remote_servers> element (clusters), if any
#   ch_start DIR HTTP OFFTRACE  start, wait for an answer (30 s at most)
#   ch_stop DIR...              stop (TERM, then KILL after 10 s)
#
# The servers' messages go to DIR/log/; ch_start prints their last lines
# when a server does not start.

ch_find() {
	CH_SERVER=
	for c in clickhouse-server /usr/sbin/clickhouse-server /usr/bin/clickhouse-server; do
		if command -v "$c" >/dev/null 2>&1; then CH_SERVER=$(command -v "$c"); break; fi
	done
	CH_CLIENT=$(command -v clickhouse-client 2>/dev/null || true)
	[ -n "$CH_SERVER" ] && [ -n "$CH_CLIENT" ]
}

ch_ports() {	# N
	python3 -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

ch_users() {	# FILE
	cat >"$1" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile><quota>default</quota></default>
    <fleet><password>s3cret</password><networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile><quota>default</quota></fleet>
  </users>
  <quotas><default></default></quotas>
</yandex>
EOF
}

ch_conf() {	# DIR HTTP TCP USERS [REMOTE]
	mkdir -p "$1/data" "$1/tmp" "$1/log" "$1/user_files" "$1/format_schemas"
	cat >"$1/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$1/log/server.log</log>
    <errorlog>$1/log/err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>$2</http_port>
  <tcp_port>$3</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$1/data/</path>
  <tmp_path>$1/tmp/</tmp_path>
  <user_files_path>$1/user_files/</user_files_path>
  <format_schema_path>$1/format_schemas/</format_schema_path>
  <users_config>$4</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>104857600</mark_cache_size>
  <uncompressed_cache_size>104857600</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
${5:-}
</yandex>
EOF
}

ch_start() {	# DIR HTTP OFFTRACE
	(cd "$1" && exec "$CH_SERVER" --config-file="$1/config.xml" >"$1/log/stdout" 2>&1) &
	echo $! >"$1/pid"
	_ch_i=0
	while [ $_ch_i -lt 300 ]; do
		if "$3" fleet query --retries 0 --clickhouse "http://127.0.0.1:$2/" 'SELECT 1' \
			>/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$(cat "$1/pid")" 2>/dev/null || break
		sleep 0.1
		_ch_i=$((_ch_i + 1))
	done
	echo "clickhouse: the server in $1 did not start:" >&2
	tail -n 5 "$1/log/err.log" "$1/log/stdout" >&2 2>/dev/null
	return 1
}

ch_stop() {	# DIR...
	for _ch_d in "$@"; do
		[ -f "$_ch_d/pid" ] || continue
		_ch_p=$(cat "$_ch_d/pid")
		kill "$_ch_p" 2>/dev/null || true
		_ch_i=0
		while kill -0 "$_ch_p" 2>/dev/null && [ $_ch_i -lt 100 ]; do
			sleep 0.1
			_ch_i=$((_ch_i + 1))
		done
		kill -9 "$_ch_p" 2>/dev/null || true
		rm -f "$_ch_d/pid"
	done
}
