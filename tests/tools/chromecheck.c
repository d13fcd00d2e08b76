/*
 * chromecheck.c - structural check of a Chrome trace-event JSON file:
 * a "traceEvents" array whose every event has name (string), ph (string),
 * ts (number), pid and tid (numbers); X events a dur >= 0; async begins
 * (ph b) and ends (ph e) pair up by (cat, id, name), an end never before
 * its begin.  Prints "N events" and exits 0, or prints what is wrong and
 * exits 1.
 *
 *   chromecheck trace.json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "offtrace/util.h"

struct open_slice {
	char *key;
	double ts;
	int open;
};

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (n + 65536 > cap) {
			cap = (n + 65536) * 2;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
cmp_key(const void *a, const void *b)
{
	const struct open_slice *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->open < y->open ? 1 : x->open > y->open ? -1 : 0;	/* b first */
}

int
main(int argc, char **argv)
{
	cJSON *root = NULL, *evs, *e;
	struct open_slice *sl = NULL;
	size_t nsl = 0, cap = 0, len, i, nev = 0;
	char *text;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: chromecheck trace.json\n");
		return 2;
	}
	if ((text = read_all(argv[1], &len)) == NULL) {
		fprintf(stderr, "chromecheck: cannot read '%s'\n", argv[1]);
		return 2;
	}
	root = cJSON_ParseWithLength(text, len);
	free(text);
	if (root == NULL) {
		printf("not JSON\n");
		return 1;
	}
	evs = cJSON_GetObjectItemCaseSensitive(root, "traceEvents");
	if (!cJSON_IsArray(evs)) {
		printf("no traceEvents array\n");
		cJSON_Delete(root);
		return 1;
	}
	cJSON_ArrayForEach(e, evs) {
		cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
		cJSON *ph = cJSON_GetObjectItemCaseSensitive(e, "ph");
		cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "ts");
		cJSON *pid = cJSON_GetObjectItemCaseSensitive(e, "pid");
		cJSON *tid = cJSON_GetObjectItemCaseSensitive(e, "tid");

		nev++;
		if (!cJSON_IsString(name) || !cJSON_IsString(ph) || !cJSON_IsNumber(ts) ||
		    !cJSON_IsNumber(pid) || !cJSON_IsNumber(tid)) {
			if (bad++ < 10)
				printf("event %zu: missing name, ph, ts, pid or tid\n", nev);
			continue;
		}
		if (strcmp(ph->valuestring, "X") == 0) {
			cJSON *dur = cJSON_GetObjectItemCaseSensitive(e, "dur");

			if (!cJSON_IsNumber(dur) || dur->valuedouble < 0) {
				if (bad++ < 10)
					printf("event %zu: X without a dur >= 0\n", nev);
			}
		} else if (strcmp(ph->valuestring, "b") == 0 || strcmp(ph->valuestring, "e") == 0) {
			cJSON *cat = cJSON_GetObjectItemCaseSensitive(e, "cat");
			cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
			char key[512];

			if (!cJSON_IsString(id)) {
				if (bad++ < 10)
					printf("event %zu: async event without a string id\n", nev);
				continue;
			}
			snprintf(key, sizeof(key), "%s|%s|%s", cJSON_IsString(cat) ? cat->valuestring : "",
				 id->valuestring, name->valuestring);
			if (nsl == cap) {
				cap = cap ? cap * 2 : 1024;
				sl = xrealloc(sl, cap * sizeof(*sl));
			}
			sl[nsl].key = xstrdup(key);
			sl[nsl].ts = ts->valuedouble;
			sl[nsl].open = ph->valuestring[0] == 'b';
			nsl++;
		} else if (strcmp(ph->valuestring, "i") && strcmp(ph->valuestring, "M")) {
			if (bad++ < 10)
				printf("event %zu: unexpected ph '%s'\n", nev, ph->valuestring);
		}
	}
	/* each key: exactly one b then one e, e not before b */
	qsort(sl, nsl, sizeof(*sl), cmp_key);
	for (i = 0; i < nsl; i += 2) {
		if (i + 1 >= nsl || strcmp(sl[i].key, sl[i + 1].key) != 0 || !sl[i].open ||
		    sl[i + 1].open || sl[i + 1].ts < sl[i].ts ||
		    (i + 2 < nsl && strcmp(sl[i + 2].key, sl[i].key) == 0)) {
			if (bad++ < 10)
				printf("async slice '%s': begin and end do not pair up\n", sl[i].key);
			i--;	/* resync on the next entry */
		}
	}
	for (i = 0; i < nsl; i++)
		free(sl[i].key);
	free(sl);
	cJSON_Delete(root);
	printf("%zu events, %zu async slices%s\n", nev, nsl / 2, bad ? ", BAD" : "");
	return bad ? 1 : 0;
}
