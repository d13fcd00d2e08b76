/*
 * schema.c - the fleet tables on the servers: 'offtrace fleet init' and the
 * version check push makes before writing.  The tables are those of
 * schemas/clickhouse.sql (embedded as ot_clickhouse_sql); its header says
 * what init adds over them.
 */
#include "offtrace/fleet.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SHARDS 256

int
ot_fleet_schema_version(void)
{
	const char *p = strstr(ot_clickhouse_sql, "\n-- @version ");
	int64_t v;
	size_t n = 0;

	if (p == NULL)
		return -1;
	p += 13;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	if (n == 0 || ot_parse_i64(p, n, &v) < 0 || v > 1000000)
		return -1;
	return (int)v;
}

/*
 * The next statement of the schema text from *pos: the lines up to one
 * that ends in ';' (without it), comments and blank lines included.  *name
 * gets the local table it creates.  0 at the end.
 */
static int
next_statement(size_t *pos, char **stmt, char *name, size_t namelen)
{
	const char *s = ot_clickhouse_sql;
	size_t p = *pos, start, end, n;
	const char *c, *k = "CREATE TABLE IF NOT EXISTS ";

	for (;;) {
		int code = 0, last = 0;

		start = p;
		if (s[p] == '\0')
			return 0;
		while (s[p] != '\0' && !last) {
			size_t ls = p, le;

			while (s[p] != '\0' && s[p] != '\n')
				p++;
			le = p;
			if (s[p] == '\n')
				p++;
			while (le > ls && (s[le - 1] == ' ' || s[le - 1] == '\t'))
				le--;
			if (le == ls || strncmp(s + ls, "--", 2) == 0)
				continue;	/* blank or comment line */
			if (!code)
				start = ls;	/* the statement starts at its first code line */
			code = 1;
			if (s[le - 1] == ';')
				last = 1;
		}
		end = p;
		if (!code)
			continue;	/* comments only: the file's header */
		*pos = p;
		while (end > start && s[end - 1] != ';')
			end--;
		*stmt = xmalloc(end - start + 1);
		memcpy(*stmt, s + start, end - start);
		(*stmt)[end - start > 0 ? end - start - 1 : 0] = '\0';	/* drop ';' */
		name[0] = '\0';
		if ((c = strstr(*stmt, k)) != NULL) {
			c += strlen(k);
			n = strcspn(c, " \t\n(");
			if (n < namelen)
				snprintf(name, namelen, "%.*s", (int)n, c);
		}
		return 1;
	}
}

/* A name fit to stand in SQL unquoted. */
static int
ident_ok(const char *s)
{
	size_t i;

	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i < 128;
}

/* 1 when the table exists, 0 not, -1 error. */
static int
table_exists(struct ot_ch *ch, const char *table, struct ot_err *err)
{
	char sql[256], *out = NULL;
	int v;

	snprintf(sql, sizeof(sql), "EXISTS TABLE %s FORMAT TabSeparated", table);
	if (ot_ch_query(ch, sql, &out, NULL, err) < 0)
		return -1;
	v = out[0] == '1';
	free(out);
	return v;
}

/*
 * The version and cluster of offtrace_schema: 1 read, 0 no table, -1
 * error.
 */
static int
read_schema(struct ot_ch *ch, int64_t *version, char *cluster, size_t len,
	    struct ot_err *err)
{
	char *out = NULL, *f[2];
	size_t pos = 0, n, olen = 0;
	int e;

	if ((e = table_exists(ch, "offtrace_schema", err)) <= 0)
		return e;
	if (ot_ch_query(ch, "SELECT version, cluster FROM offtrace_schema"
			" ORDER BY created_ns DESC LIMIT 1 FORMAT TabSeparated",
			&out, &olen, err) < 0)
		return -1;
	n = ot_tsv_next_row(out, olen, &pos, f, 2);
	if (n != 2 || f[0] == NULL ||
	    ot_parse_i64(f[0], strlen(f[0]), version) < 0) {
		free(out);
		return ot_errorf(err, OT_EINPUT, "%s: offtrace_schema has no version"
				 " row (run 'offtrace fleet init')", ot_ch_name(ch));
	}
	snprintf(cluster, len, "%s", f[1] ? f[1] : "");
	free(out);
	return 1;
}

int
ot_fleet_check_schema(struct ot_ch *ch, char *cluster, size_t len,
		      struct ot_err *err)
{
	int64_t v;
	int e, want = ot_fleet_schema_version();

	if ((e = read_schema(ch, &v, cluster, len, err)) < 0)
		return -1;
	if (e == 0)
		return ot_errorf(err, OT_EINPUT, "%s: no fleet tables in database '%s'"
				 " (run 'offtrace fleet init')", ot_ch_name(ch),
				 ot_ch_database(ch));
	if (v != want)
		return ot_errorf(err, OT_EINPUT, "%s: schema mismatch: the fleet tables"
				 " are version %" PRId64 ", this offtrace writes version %d",
				 ot_ch_name(ch), v, want);
	return 0;
}

static int
exec(struct ot_ch *ch, const char *sql, struct ot_err *err)
{
	return ot_ch_query(ch, sql, NULL, NULL, err);
}

/* The shard this server is in cluster: its number, 0 when none, -1 error. */
static int
local_shard(struct ot_ch *ch, const char *cluster, struct ot_err *err)
{
	char sql[256], *out = NULL, *f[1];
	size_t pos = 0, olen = 0;
	int64_t v = 0;

	snprintf(sql, sizeof(sql), "SELECT shard_num FROM system.clusters WHERE"
		 " cluster = '%s' AND is_local ORDER BY shard_num LIMIT 1"
		 " FORMAT TabSeparated", cluster);
	if (ot_ch_query(ch, sql, &out, &olen, err) < 0)
		return -1;
	if (ot_tsv_next_row(out, olen, &pos, f, 1) == 1 && f[0])
		ot_parse_i64(f[0], strlen(f[0]), &v);
	free(out);
	return (int)v;
}

/* Every shard of cluster is one of the servers: 0, or -1 with err. */
static int
check_shards(struct ot_ch **servers, size_t n, const char *cluster,
	     struct ot_err *err)
{
	char sql[320], *out = NULL, *f[3];
	size_t pos = 0, olen = 0, i, nf;
	int have[MAX_SHARDS + 1], s, ret = -1, any = 0;

	memset(have, 0, sizeof(have));
	for (i = 0; i < n; i++) {
		if ((s = local_shard(servers[i], cluster, err)) < 0)
			return -1;
		if (s == 0)
			return ot_errorf(err, OT_EINPUT, "%s: not a server of cluster '%s'"
					 " (no such cluster in its remote_servers, or none"
					 " of its entries is this server)",
					 ot_ch_name(servers[i]), cluster);
		if (s <= MAX_SHARDS)
			have[s] = 1;
	}
	snprintf(sql, sizeof(sql), "SELECT shard_num, host_name, port FROM"
		 " system.clusters WHERE cluster = '%s' ORDER BY shard_num"
		 " FORMAT TabSeparated", cluster);
	if (ot_ch_query(servers[0], sql, &out, &olen, err) < 0)
		return -1;
	while ((nf = ot_tsv_next_row(out, olen, &pos, f, 3)) > 0) {
		int64_t v;

		if (nf != 3 || !f[0] || ot_parse_i64(f[0], strlen(f[0]), &v) < 0)
			continue;
		any = 1;
		if (v < 1 || v > MAX_SHARDS || !have[v]) {
			ot_errorf(err, OT_EUSAGE, "shard %" PRId64 " of cluster '%s' (%s:%s)"
				  " is not among the --clickhouse servers: give one URL"
				  " per shard", v, cluster, f[1] ? f[1] : "?",
				  f[2] ? f[2] : "?");
			goto out;
		}
	}
	if (!any) {
		ot_errorf(err, OT_EINPUT, "%s: no cluster '%s' in remote_servers",
			  ot_ch_name(servers[0]), cluster);
		goto out;
	}
	ret = 0;
out:
	free(out);
	return ret;
}

static int
init_one(struct ot_ch *ch, const char *cluster, FILE *log, struct ot_err *err)
{
	char *stmt = NULL, name[128], sql[512], have[128];
	const char *db = ot_ch_database(ch);
	size_t pos = 0;
	int64_t v;
	int e, want = ot_fleet_schema_version(), ntables = 0;

	if ((e = read_schema(ch, &v, have, sizeof(have), err)) < 0)
		return -1;
	if (e == 1 && v != want)
		return ot_errorf(err, OT_EINPUT, "%s: schema mismatch: the fleet tables"
				 " are version %" PRId64 ", this offtrace writes version %d"
				 " (drop them, or use another database)", ot_ch_name(ch), v,
				 want);
	if (e == 1 && strcmp(have, cluster) != 0)
		return ot_errorf(err, OT_EINPUT, "%s: the fleet tables were made %s%s%s,"
				 " not %s%s%s", ot_ch_name(ch),
				 *have ? "for cluster '" : "without a cluster", have,
				 *have ? "'" : "", *cluster ? "for cluster '" : "without a cluster",
				 cluster, *cluster ? "'" : "");
	while (next_statement(&pos, &stmt, name, sizeof(name))) {
		size_t nl = strlen(name);

		if (nl < 7 || strcmp(name + nl - 6, "_local") != 0) {
			free(stmt);
			return ot_errorf(err, OT_EINTERNAL, "schemas/clickhouse.sql: a"
					 " statement that creates no NAME_local table");
		}
		if (exec(ch, stmt, err) < 0) {
			free(stmt);
			return -1;
		}
		free(stmt);
		stmt = NULL;
		if (*cluster)
			snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS %.*s AS %s"
				 " ENGINE = Distributed(%s, %s, %s, cityHash64(run_id))",
				 (int)(nl - 6), name, name, cluster, db, name);
		else
			snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS %.*s AS %s"
				 " ENGINE = Merge(%s, '^%s$')", (int)(nl - 6), name, name,
				 db, name);
		if (exec(ch, sql, err) < 0)
			return -1;
		ntables++;
	}
	if (e == 0) {
		/* last: a server whose init was cut short is initialised again */
		if (exec(ch, "CREATE TABLE IF NOT EXISTS offtrace_schema (version UInt32,"
			 " cluster String, created_ns Int64) ENGINE = TinyLog", err) < 0)
			return -1;
		snprintf(sql, sizeof(sql), "INSERT INTO offtrace_schema VALUES (%d, '%s',"
			 " %" PRId64 ")", want, cluster, (int64_t)time(NULL) * 1000000000);
		if (exec(ch, sql, err) < 0)
			return -1;
	}
	if (log)
		fprintf(log, "offtrace: %s: %d fleet tables, schema version %d%s%s%s\n",
			ot_ch_name(ch), ntables, want, *cluster ? ", cluster '" : "",
			cluster, *cluster ? "'" : "");
	return 0;
}

int
ot_fleet_init(struct ot_ch **servers, size_t n, const char *cluster,
	      FILE *log, struct ot_err *err)
{
	size_t i;

	if (cluster == NULL)
		cluster = "";
	if (*cluster && !ident_ok(cluster))
		return ot_errorf(err, OT_EUSAGE, "bad cluster name '%s' (letters, digits,"
				 " '_')", cluster);
	if (ot_fleet_schema_version() < 0)
		return ot_errorf(err, OT_EINTERNAL, "schemas/clickhouse.sql has no"
				 " '-- @version N' line");
	for (i = 0; i < n; i++)
		if (strcmp(ot_ch_database(servers[i]), "default") != 0 &&
		    ot_ch_create_database(servers[i], err) < 0)
			return -1;
	if (*cluster && check_shards(servers, n, cluster, err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (init_one(servers[i], cluster, log, err) < 0)
			return -1;
	return 0;
}
