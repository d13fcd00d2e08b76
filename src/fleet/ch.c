/*
 * ch.c - a ClickHouse server over its HTTP interface (libcurl): the URL,
 * authentication (HTTP basic), queries with retries, streamed inserts
 * (gzip-compressed to a server on another machine), and the one-line errors
 * with the code that gives the exit status.  The rows' format is the
 * caller's (push.c: RowBinary, and why).
 *
 * Written for what ClickHouse 18.16 speaks: POST with the query in the body
 * or in ?query=, ?database=, settings as URL parameters, a response status
 * of 200 or an error body "Code: N, e.displayText() = DB::Exception: ...",
 * Content-Encoding: gzip request bodies, enable_http_compression=1 for
 * compressed responses.
 */
#include "offtrace/fleet.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <zlib.h>

#define CH_DEFAULT_RETRIES 5
#define CH_CHUNK 65536		/* rows made per fill, bytes */
#define CH_MAX_ERRBODY 4096	/* bytes of an error response kept */
#define CH_MAX_DBNAME 128

struct ot_ch {
	char *base;		/* "http://host:port/" */
	char *name;		/* URL without the password */
	char *user, *password;
	char database[CH_MAX_DBNAME];
	int retries;
	int contacted;		/* a response came once: refusals are failures now */
	int nodb;		/* the database may not exist yet: use default */
	int gzip;		/* compress insert bodies (see ot_ch_open) */
	CURL *curl;		/* for queries; kept alive between them */
	void (*on_retry)(void *ctx, const char *why, int attempt, int of);
	void *retry_ctx;
};

/* ---- buffers and TSV ---- */

void
ot_buf_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 256;

		while (c < *len + n + 1)
			c = st_mult(c, 2);
		*buf = xrealloc(*buf, c);
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

void
ot_buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		ot_buf_append(buf, len, cap, tmp, (size_t)n);
		return;
	}
	ot_buf_append(buf, len, cap, "", 0);	/* make room: n + 1 more */
	if (*len + (size_t)n + 1 > *cap) {
		*cap = *len + (size_t)n + 1;
		*buf = xrealloc(*buf, *cap);
	}
	va_start(ap, fmt);
	vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
}

/*
 * TabSeparated escapes backslash, tab, line feed, carriage return and NUL;
 * inside a quoted element (quote), the quote too.
 */
static void
tsv_escape(char **buf, size_t *len, size_t *cap, const char *s, size_t n, int quote)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *e;

		switch (s[i]) {
		case '\\': e = "\\\\"; break;
		case '\'':
			if (!quote)
				continue;
			e = "\\'";
			break;
		case '\t': e = "\\t"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\0': e = "\\0"; break;
		default: continue;
		}
		ot_buf_append(buf, len, cap, s + start, i - start);
		ot_buf_append(buf, len, cap, e, 2);
		start = i + 1;
	}
	ot_buf_append(buf, len, cap, s + start, n - start);
}

void
ot_tsv_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	tsv_escape(buf, len, cap, s, n, 0);
}

/* An element of an Array(String) in TSV: 'text' with \' and the above. */
void
ot_tsv_append_quoted(char **buf, size_t *len, size_t *cap, const char *s,
		     size_t n)
{
	ot_buf_append(buf, len, cap, "'", 1);
	tsv_escape(buf, len, cap, s, n, 1);
	ot_buf_append(buf, len, cap, "'", 1);
}

/* Unescape a TSV field in place; NULL for \N. */
static char *
tsv_field(char *s, size_t n)
{
	size_t i, o = 0;

	if (n == 2 && s[0] == '\\' && s[1] == 'N')
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 == n) {
			s[o++] = s[i];
			continue;
		}
		switch (s[++i]) {
		case 't': s[o++] = '\t'; break;
		case 'n': s[o++] = '\n'; break;
		case 'r': s[o++] = '\r'; break;
		case '0': s[o++] = '\0'; break;
		case 'b': s[o++] = '\b'; break;
		case 'f': s[o++] = '\f'; break;
		default: s[o++] = s[i]; break;
		}
	}
	s[o] = '\0';
	return s;
}

size_t
ot_tsv_next_row(char *text, size_t len, size_t *pos, char **fields, size_t nmax)
{
	size_t p = *pos, end, start, nf = 0;

	if (p >= len)
		return 0;
	for (end = p; end < len && text[end] != '\n'; end++)
		;
	*pos = end < len ? end + 1 : len;
	start = p;
	for (; p <= end; p++) {
		if (p < end && text[p] != '\t')
			continue;
		if (nf < nmax)
			fields[nf++] = tsv_field(text + start, p - start);
		start = p + 1;
	}
	return nf;
}

/* ---- the connection ---- */

static int
curl_ready(void)
{
	static int done;

	if (!done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return -1;
		done = 1;
	}
	return 0;
}

static int
url_error(struct ot_err *err, const char *url, const char *why)
{
	/* never echo a password: only the scheme and what follows the '@' */
	const char *at = strchr(url, '@'), *sep = strstr(url, "://");

	if (at && sep && at > sep)
		return ot_errorf(err, OT_EUSAGE, "bad --clickhouse URL '%.*s//...%s': %s",
				 (int)(sep - url + 1), url, at, why);
	return ot_errorf(err, OT_EUSAGE, "bad --clickhouse URL '%s': %s", url, why);
}

/*
 * Insert bodies are gzip-compressed (level 1) unless the server is on this
 * machine (localhost, 127.0.0.0/8, ::1), where compression buys no
 * bandwidth and costs CPU on both sides of the one machine: pushing the
 * same 1M-event run (1.7M rows, RowBinary) to a loopback server took 5.0 s
 * of push's CPU and 12.7 s in all compressed, 2.8 s and 6.6 s not (2
 * cores, bench/RESULTS.md).  OFFTRACE_PUSH_GZIP=1 or 0 overrides, for the
 * benchmark's comparison.
 */
static int
want_gzip(const char *host)
{
	const char *e = getenv("OFFTRACE_PUSH_GZIP");

	if (e != NULL && (strcmp(e, "0") == 0 || strcmp(e, "1") == 0))
		return e[0] == '1';
	return !(strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
		 strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0);
}

int
ot_ch_open(const char *url, struct ot_ch **out, struct ot_err *err)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *user = NULL, *pass = NULL, *query = NULL;
	const char *env, *db;
	struct ot_ch *ch = NULL;
	char *b = NULL, *nm = NULL;
	size_t bl = 0, bc = 0, nl = 0, nc = 0, i;
	int ret = -1;

	*out = NULL;
	if (curl_ready() < 0)
		return ot_errorf(err, OT_EINTERNAL, "cannot initialise libcurl");
	if (strstr(url, "://") == NULL)
		return url_error(err, url, "want http://HOST[:PORT][/DATABASE]");
	if ((u = curl_url()) == NULL)
		return ot_errorf(err, OT_EINTERNAL, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		url_error(err, url, "not a URL");
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (scheme == NULL || (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
		url_error(err, url, "the scheme must be http or https");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host) {
		url_error(err, url, "no host");
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE);
	curl_url_get(u, CURLUPART_USER, &user, CURLU_URLDECODE);
	curl_url_get(u, CURLUPART_PASSWORD, &pass, CURLU_URLDECODE);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	if (query != NULL) {
		url_error(err, url, "no '?' part (the database is the path: /DATABASE)");
		goto out;
	}
	db = path && path[0] == '/' ? path + 1 : "";
	if (*db == '\0')
		db = "default";
	for (i = 0; db[i]; i++)
		if (!((db[i] >= 'a' && db[i] <= 'z') || (db[i] >= 'A' && db[i] <= 'Z') ||
		      (db[i] >= '0' && db[i] <= '9') || db[i] == '_'))
			break;
	if (db[i] || i >= CH_MAX_DBNAME || (db[0] >= '0' && db[0] <= '9')) {
		url_error(err, url, "the path must be a database name (letters, digits, '_')");
		goto out;
	}
	ch = xcalloc(1, sizeof(*ch));
	snprintf(ch->database, sizeof(ch->database), "%s", db);
	ot_buf_printf(&b, &bl, &bc, "%s://%s%s%s:%s/", scheme, strchr(host, ':') ? "[" : "",
		      host, strchr(host, ':') ? "]" : "",
		      port ? port : strcmp(scheme, "https") == 0 ? "8443" : "8123");
	ot_buf_printf(&nm, &nl, &nc, "%s://%s%s%s%s%s:%s/%s", scheme, user ? user : "",
		      user ? "@" : "", strchr(host, ':') ? "[" : "", host,
		      strchr(host, ':') ? "]" : "",
		      port ? port : strcmp(scheme, "https") == 0 ? "8443" : "8123", db);
	ch->base = b;
	ch->name = nm;
	ch->user = xstrdup(user && *user ? user : "default");
	env = getenv("OFFTRACE_CLICKHOUSE_PASSWORD");
	ch->password = xstrdup(pass ? pass : env ? env : "");
	ch->retries = CH_DEFAULT_RETRIES;
	ch->gzip = want_gzip(host);
	*out = ch;
	ch = NULL;
	ret = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(user);
	if (pass)
		memset(pass, 0, strlen(pass));
	curl_free(pass);
	curl_free(query);
	curl_url_cleanup(u);
	return ret;
}

void
ot_ch_close(struct ot_ch *ch)
{
	if (ch == NULL)
		return;
	if (ch->curl)
		curl_easy_cleanup(ch->curl);
	free(ch->base);
	free(ch->name);
	free(ch->user);
	if (ch->password)
		memset(ch->password, 0, strlen(ch->password));
	free(ch->password);
	free(ch);
}

const char *
ot_ch_name(const struct ot_ch *ch)
{
	return ch->name;
}

const char *
ot_ch_database(const struct ot_ch *ch)
{
	return ch->database;
}

void
ot_ch_set_retries(struct ot_ch *ch, int retries)
{
	ch->retries = retries < 0 ? 0 : retries;
}

int
ot_ch_retries(const struct ot_ch *ch)
{
	return ch->retries;
}

void
ot_ch_on_retry(struct ot_ch *ch,
	       void (*fn)(void *ctx, const char *why, int attempt, int of),
	       void *ctx)
{
	ch->on_retry = fn;
	ch->retry_ctx = ctx;
}

void
ot_ch_retrying(struct ot_ch *ch, const char *why, int attempt)
{
	if (ch->on_retry)
		ch->on_retry(ch->retry_ctx, why, attempt, ch->retries);
}

void
ot_ch_backoff(const struct ot_ch *ch, int attempt)
{
	long ms = 200;
	struct timespec ts;
	int i;

	(void)ch;
	for (i = 1; i < attempt && ms < 5000; i++)
		ms *= 2;
	if (ms > 5000)
		ms = 5000;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- one request ---- */

struct resp {
	char *body;
	size_t len, cap;
	int (*sink)(void *ctx, const char *p, size_t n);
	void *sink_ctx;
	long status;		/* HTTP status, read when headers end */
	CURL *curl;
	int sunk;		/* the sink got data */
	int sink_failed;
};

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct resp *r = ud;
	size_t n = size * nmemb;

	if (r->status == 0)
		curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->sink && r->status == 200) {
		r->sunk = 1;
		if (r->sink(r->sink_ctx, p, n) < 0) {
			r->sink_failed = 1;
			return 0;
		}
		return n;
	}
	if (r->sink == NULL || r->len < CH_MAX_ERRBODY)
		ot_buf_append(&r->body, &r->len, &r->cap, p, n);
	return n;
}

/* The "Code: N" of a ClickHouse error body, or -1. */
static int
ch_code(const char *body)
{
	int64_t v;
	size_t n = 0;

	if (body == NULL || strncmp(body, "Code: ", 6) != 0)
		return -1;
	while (body[6 + n] >= '0' && body[6 + n] <= '9')
		n++;
	if (n == 0 || ot_parse_i64(body + 6, n, &v) < 0 || v > 100000)
		return -1;
	return (int)v;
}

/* The first line of an error body, without ClickHouse's wrapping. */
static void
ch_message(const char *body, char *msg, size_t len)
{
	const char *s = body ? body : "", *p;
	size_t n;

	if ((p = strstr(s, "DB::Exception: ")) != NULL && ch_code(s) >= 0)
		s = p + 15;
	else if ((p = strstr(s, "e.displayText() = ")) != NULL)
		s = p + 18;
	n = strcspn(s, "\r\n");
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '.' || s[n - 1] == ','))
		n--;
	if (n > 22 && strncmp(s + n - 22, ", e.what() = DB::Excep", 22) == 0)
		n -= 22;
	if ((p = strstr(s, ", e.what() = ")) != NULL && (size_t)(p - s) < n)
		n = (size_t)(p - s);
	if (n == 0) {
		snprintf(msg, len, "(no message)");
		return;
	}
	snprintf(msg, len, "%.*s", (int)n, s);
}

/* Exception codes a retry may cure: the network between servers, load. */
static int
code_transient(int code)
{
	switch (code) {
	case 3:		/* UNEXPECTED_END_OF_FILE: our body was cut */
	case 159:	/* TIMEOUT_EXCEEDED */
	case 202:	/* TOO_MUCH_SIMULTANEOUS_QUERIES */
	case 209:	/* SOCKET_TIMEOUT */
	case 210:	/* NETWORK_ERROR */
	case 236:	/* ABORTED */
	case 241:	/* MEMORY_LIMIT_EXCEEDED */
	case 242:	/* TABLE_IS_READ_ONLY */
	case 252:	/* TOO_MANY_PARTS */
	case 279:	/* ALL_CONNECTION_TRIES_FAILED */
	case 1000:	/* POCO_EXCEPTION: a connection reset, mostly */
		return 1;
	}
	return 0;
}

static int
code_auth(int code)
{
	return code == 192 || code == 193 || code == 194 || code == 195 ||
	       code == 516;
}

static int
code_schema(int code)
{
	return code == 16 || code == 60 || code == 81;
}

enum { J_OK, J_RETRY, J_FAIL };

/*
 * Judge a finished request: J_OK, J_RETRY (err filled, OT_EDB) or J_FAIL
 * (err filled with its final code).
 */
static int
judge(struct ot_ch *ch, CURLcode cc, const char *cerr, struct resp *r,
      struct ot_err *err)
{
	char msg[400];
	int code;

	if (cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && r->sink_failed)) {
		if (r->status == 0)
			curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &r->status);
	}
	if (cc != CURLE_OK) {
		if (r->sink_failed) {
			ot_errorf(err, OT_EINTERNAL, "cannot write the response");
			return J_FAIL;
		}
		switch (cc) {
		case CURLE_COULDNT_RESOLVE_HOST:
			ot_errorf(err, OT_EINPUT, "%s: cannot resolve the host: %s",
				  ch->name, cerr);
			return J_FAIL;
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_URL_MALFORMAT:
			ot_errorf(err, OT_EUSAGE, "%s: %s", ch->name, cerr);
			return J_FAIL;
		case CURLE_COULDNT_CONNECT:
			if (!ch->contacted) {
				ot_errorf(err, OT_EINPUT, "%s: cannot connect: %s",
					  ch->name, cerr);
				return J_FAIL;
			}
			break;
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_PEER_FAILED_VERIFICATION:
			ot_errorf(err, OT_EINPUT, "%s: TLS: %s", ch->name, cerr);
			return J_FAIL;
		default:
			break;
		}
		ot_errorf(err, OT_EDB, "%s: %s", ch->name, cerr);
		return J_RETRY;
	}
	ch->contacted = 1;
	if (r->status == 200)
		return J_OK;
	code = ch_code(r->body);
	ch_message(r->body, msg, sizeof(msg));
	if (r->status == 401 || r->status == 403 || code_auth(code)) {
		ot_errorf(err, OT_EINPUT, "%s: authentication failed for user '%s': %s",
			  ch->name, ch->user, msg);
		return J_FAIL;
	}
	if (code_schema(code)) {
		ot_errorf(err, OT_EINPUT, "%s: schema mismatch: %s (run 'offtrace fleet init')",
			  ch->name, msg);
		return J_FAIL;
	}
	if (code_transient(code) || (code < 0 && r->status >= 500)) {
		ot_errorf(err, OT_EDB, "%s: server error (HTTP %ld): %s", ch->name,
			  r->status, msg);
		return J_RETRY;
	}
	ot_errorf(err, r->status >= 500 ? OT_EINTERNAL : OT_EINPUT,
		  "%s: the server refused the query (HTTP %ld): %s", ch->name, r->status,
		  msg);
	return J_FAIL;
}

static void
set_common(struct ot_ch *ch, CURL *c, char *cerr)
{
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_USERNAME, ch->user);
	curl_easy_setopt(c, CURLOPT_PASSWORD, ch->password);
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	/* a server that stops answering: give up after a minute of silence */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "offtrace");
}

/* base + "?database=DB&" + params (already escaped) */
static char *
make_url(struct ot_ch *ch, const char *params)
{
	char *b = NULL;
	size_t l = 0, c = 0;

	ot_buf_printf(&b, &l, &c, "%s?database=%s&enable_http_compression=1%s%s",
		      ch->base, ch->nodb ? "default" : ch->database,
		      params && *params ? "&" : "", params ? params : "");
	return b;
}

static int
query_once(struct ot_ch *ch, const char *sql, const char *params,
	   struct resp *r, struct ot_err *err)
{
	char cerr[CURL_ERROR_SIZE];
	char *url = make_url(ch, params);
	CURLcode cc;
	int v;

	if (ch->curl == NULL && (ch->curl = curl_easy_init()) == NULL) {
		free(url);
		ot_errorf(err, OT_EINTERNAL, "cannot initialise libcurl");
		return J_FAIL;
	}
	curl_easy_reset(ch->curl);
	cerr[0] = '\0';
	set_common(ch, ch->curl, cerr);
	curl_easy_setopt(ch->curl, CURLOPT_URL, url);
	curl_easy_setopt(ch->curl, CURLOPT_POSTFIELDS, sql);
	curl_easy_setopt(ch->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(sql));
	curl_easy_setopt(ch->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(ch->curl, CURLOPT_WRITEDATA, r);
	r->curl = ch->curl;
	cc = curl_easy_perform(ch->curl);
	if (cerr[0] == '\0')
		snprintf(cerr, sizeof(cerr), "%s", curl_easy_strerror(cc));
	v = judge(ch, cc, cerr, r, err);
	free(url);
	return v;
}

static int
query_retry(struct ot_ch *ch, const char *sql, const char *params,
	    int (*sink)(void *ctx, const char *p, size_t n), void *ctx,
	    char **out, size_t *outlen, struct ot_err *err)
{
	struct resp r;
	int attempt, v = J_FAIL;

	for (attempt = 0;; attempt++) {
		memset(&r, 0, sizeof(r));
		r.sink = sink;
		r.sink_ctx = ctx;
		v = query_once(ch, sql, params, &r, err);
		if (v != J_RETRY || attempt >= ch->retries || r.sunk)
			break;
		free(r.body);
		if (ch->on_retry)
			ch->on_retry(ch->retry_ctx, err->msg, attempt + 1, ch->retries);
		ot_ch_backoff(ch, attempt + 1);
	}
	if (v == J_OK) {
		if (out) {
			if (r.body == NULL)
				ot_buf_append(&r.body, &r.len, &r.cap, "", 0);
			*out = r.body;
			if (outlen)
				*outlen = r.len;
			return 0;
		}
		free(r.body);
		return 0;
	}
	free(r.body);
	if (v == J_RETRY && ch->retries > 0)
		snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
			 " (after %d retries)", ch->retries);
	return -1;
}

int
ot_ch_query(struct ot_ch *ch, const char *sql, char **out, size_t *outlen,
	    struct ot_err *err)
{
	/* the whole result before the status: errors are never a 200 */
	return query_retry(ch, sql, "wait_end_of_query=1", NULL, NULL, out,
			   outlen, err);
}

int
ot_ch_create_database(struct ot_ch *ch, struct ot_err *err)
{
	char sql[CH_MAX_DBNAME + 64];
	int r;

	snprintf(sql, sizeof(sql), "CREATE DATABASE IF NOT EXISTS %s", ch->database);
	ch->nodb = 1;
	r = ot_ch_query(ch, sql, NULL, NULL, err);
	ch->nodb = 0;
	return r;
}

int
ot_ch_query_sink(struct ot_ch *ch, const char *sql, const char *format,
		 int (*sink)(void *ctx, const char *p, size_t n), void *ctx,
		 struct ot_err *err)
{
	char params[96];

	snprintf(params, sizeof(params), "wait_end_of_query=1&default_format=%s",
		 format);
	return query_retry(ch, sql, params, sink, ctx, NULL, NULL, err);
}

/* ---- streamed inserts ---- */

struct body {
	const struct ot_ch_rows *rows;
	struct ot_err *err;
	z_stream z;
	int gzip;
	char *buf;		/* rows not yet compressed (or sent) */
	size_t len, cap;
	size_t off;		/* uncompressed: bytes of buf sent */
	int eof, finished, failed;
	int sent;		/* bytes went out: no rewind */
};

/* Rows into b->buf, CH_CHUNK bytes or so: 0, or -1 (b->failed). */
static int
fill_chunk(struct body *b)
{
	int rc;

	b->len = 0;
	do {
		rc = b->rows->fill(b->rows->ctx, &b->buf, &b->len, &b->cap, b->err);
	} while (rc == 1 && b->len < CH_CHUNK);
	if (rc < 0) {
		b->failed = 1;
		return -1;
	}
	if (rc == 0)
		b->eof = 1;
	return 0;
}

/* The body without compression. */
static size_t
on_read_plain(struct body *b, char *p, size_t avail)
{
	size_t n;

	while (b->off == b->len) {
		if (b->eof) {
			b->finished = 1;
			return 0;
		}
		b->off = 0;
		if (fill_chunk(b) < 0)
			return CURL_READFUNC_ABORT;
	}
	n = b->len - b->off < avail ? b->len - b->off : avail;
	memcpy(p, b->buf + b->off, n);
	b->off += n;
	b->sent = 1;
	return n;
}

static size_t
on_read(char *p, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t avail = size * nmemb;
	int zr;

	if (b->finished || b->failed)
		return 0;
	if (!b->gzip)
		return on_read_plain(b, p, avail);
	b->z.next_out = (Bytef *)p;
	b->z.avail_out = (uInt)(avail > 0x7fffffff ? 0x7fffffff : avail);
	while (b->z.avail_out > 0 && !b->finished) {
		if (b->z.avail_in == 0 && !b->eof) {
			if (fill_chunk(b) < 0)
				return CURL_READFUNC_ABORT;
			b->z.next_in = (Bytef *)b->buf;
			b->z.avail_in = (uInt)b->len;
		}
		zr = deflate(&b->z, b->eof ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			b->finished = 1;
		else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			ot_errorf(b->err, OT_EINTERNAL, "gzip: %s",
				  b->z.msg ? b->z.msg : "deflate failed");
			b->failed = 1;
			return CURL_READFUNC_ABORT;
		}
	}
	avail -= b->z.avail_out;
	if (avail)
		b->sent = 1;
	return avail;
}

/* libcurl wants to send the body again (a reused connection died): only
 * while nothing went out, so no row is ever sent twice. */
static int
on_seek(void *ud, curl_off_t off, int origin)
{
	struct body *b = ud;

	if (off == 0 && origin == SEEK_SET && !b->sent)
		return CURL_SEEKFUNC_OK;
	return CURL_SEEKFUNC_CANTSEEK;
}

int
ot_ch_insert(struct ot_ch *ch, const char *insert_sql,
	     const struct ot_ch_rows *rows, int *retryable, struct ot_err *err)
{
	char cerr[CURL_ERROR_SIZE];
	struct curl_slist *hdr = NULL;
	struct body b;
	struct resp r;
	char *params = NULL, *url = NULL, *q;
	size_t pl = 0, pc = 0;
	CURL *c = NULL;
	CURLcode cc;
	int v, ret = -1;

	*retryable = 0;
	memset(&b, 0, sizeof(b));
	memset(&r, 0, sizeof(r));
	b.rows = rows;
	b.err = err;
	b.gzip = ch->gzip;
	if (deflateInit2(&b.z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return ot_errorf(err, OT_EINTERNAL, "gzip: cannot initialise");
	if ((c = curl_easy_init()) == NULL) {
		ot_errorf(err, OT_EINTERNAL, "cannot initialise libcurl");
		goto out;
	}
	q = curl_easy_escape(c, insert_sql, 0);
	/* the insert into a Distributed table returns once every shard has its rows */
	ot_buf_printf(&params, &pl, &pc, "insert_distributed_sync=1&query=%s", q);
	curl_free(q);
	url = make_url(ch, params);
	cerr[0] = '\0';
	set_common(ch, c, cerr);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &b);
	curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
	curl_easy_setopt(c, CURLOPT_SEEKDATA, &b);
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	if (b.gzip)
		hdr = curl_slist_append(hdr, "Content-Encoding: gzip");
	hdr = curl_slist_append(hdr, "Transfer-Encoding: chunked");
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	r.curl = c;
	cc = curl_easy_perform(c);
	if (b.failed)
		goto out;	/* err filled by fill() or deflate */
	if (cerr[0] == '\0')
		snprintf(cerr, sizeof(cerr), "%s", curl_easy_strerror(cc));
	v = judge(ch, cc, cerr, &r, err);
	if (v == J_RETRY)
		*retryable = 1;
	else if (v == J_OK)
		ret = 0;
out:
	deflateEnd(&b.z);
	free(b.buf);
	free(r.body);
	free(url);
	free(params);
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	return ret;
}
