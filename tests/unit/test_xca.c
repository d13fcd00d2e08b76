/*
 * test_xca.c - unit tests of src/read/xca.c, the MS-XCA plain LZ77
 * decompressor: the worked examples of [MS-XCA] §3.1, hand-made streams
 * for every length escape and error, round trips through a test-only
 * greedy compressor written from [MS-XCA] §2.3, truncation at every byte,
 * random garbage, short output buffers with a guard region, and the
 * compressed buffers of a real .etl file when the corpus is present.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "offtrace/xca.h"

#define CORPUS_ETL	"/work/shared/corpus/etl/SelfDescribingSingleEvent.etl"
#define GUARD_LEN	64
#define GUARD_BYTE	0xa5

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/* xorshift64*, so every run sees the same "random" data */
static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint32_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * UINT64_C(0x2545f4914f6cdd1d)) >> 32);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "test_xca: out of memory\n");
		exit(3);
	}
	return p;
}

/*
 * Decompress in[0..inlen) from an exactly sized heap copy (so ASan sees
 * any over-read) into a heap buffer of outcap bytes followed by a guard
 * region; check the guard.  Returns the decoder's result; *out is the
 * caller's to free.
 */
static int
decode(const uint8_t *in, size_t inlen, size_t outcap, uint8_t **out,
		size_t *outlen, const char **why)
{
	uint8_t *icopy, *obuf;
	size_t i;
	int ret, guard_ok = 1;

	icopy = xmalloc(inlen);
	if (inlen > 0)
		memcpy(icopy, in, inlen);
	obuf = xmalloc(outcap + GUARD_LEN);
	memset(obuf + outcap, GUARD_BYTE, GUARD_LEN);
	*outlen = (size_t)-1;
	*why = NULL;
	ret = ot_xca_lz77(icopy, inlen, obuf, outcap, outlen, why);
	for (i = 0; i < GUARD_LEN; i++)
		if (obuf[outcap + i] != GUARD_BYTE)
			guard_ok = 0;
	if (!guard_ok || *outlen > outcap || (ret != 0 && ret != -1) ||
	    (ret == -1 && *why == NULL)) {
		failed++;
		fprintf(stderr, "test_xca: contract broken: ret=%d outlen=%zu outcap=%zu guard=%d\n",
		    ret, *outlen, outcap, guard_ok);
	}
	free(icopy);
	*out = obuf;
	return ret;
}

/* Decode and compare with the expected output; 1 when it matches. */
static int
decodes_to(const uint8_t *in, size_t inlen, const uint8_t *want, size_t wantlen)
{
	uint8_t *out;
	size_t outlen;
	const char *why;
	int ret, ok;

	ret = decode(in, inlen, wantlen, &out, &outlen, &why);
	ok = ret == 0 && outlen == wantlen &&
	    (wantlen == 0 || memcmp(out, want, wantlen) == 0);
	if (!ok)
		fprintf(stderr, "test_xca: ret=%d outlen=%zu want=%zu why=%s\n",
		    ret, outlen, wantlen, ret ? why : "-");
	free(out);
	return ok;
}

/* Decode and expect failure with exactly this reason. */
static int
fails_with(const uint8_t *in, size_t inlen, size_t outcap, const char *reason)
{
	uint8_t *out;
	size_t outlen;
	const char *why;
	int ret;

	ret = decode(in, inlen, outcap, &out, &outlen, &why);
	free(out);
	return ret == -1 && strcmp(why, reason) == 0;
}

/* ---- a test-only compressor, from the description in [MS-XCA] §2.3 ---- */

#define ENC_HASH_BITS	15
#define ENC_WINDOW	8192	/* largest distance: 13 bits + 1 (§2.3) */

struct enc {
	uint8_t *out;
	size_t cap, op;
	size_t flagpos;		/* where the current flag word goes */
	uint32_t flags;
	unsigned nflags;
	size_t nibpos;		/* the half-used length byte, if have_nib */
	int have_nib;
};

struct enc_opts {
	size_t max_len;		/* longest match to emit (>= 3) */
	size_t max_dist;	/* farthest match to emit (1..8192) */
	int depth;		/* hash chain search depth */
};

static size_t
enc_bound(size_t n)
{
	return n + 4 * (n / 32 + 2) + 16;
}

static void
enc_put(struct enc *e, uint32_t v, int nbytes)
{
	int i;

	for (i = 0; i < nbytes; i++) {
		if (e->op >= e->cap) {
			fprintf(stderr, "test_xca: encoder bound too small\n");
			exit(3);
		}
		e->out[e->op++] = (uint8_t)(v >> (8 * i));
	}
}

static void
enc_flag(struct enc *e, unsigned bit)
{
	size_t save;

	e->flags = e->flags << 1 | bit;
	if (++e->nflags == 32) {
		save = e->op;
		e->op = e->flagpos;
		enc_put(e, e->flags, 4);
		e->op = save;
		e->flagpos = e->op;
		enc_put(e, 0, 4);	/* reserve the next flag word */
		e->flags = 0;
		e->nflags = 0;
	}
}

static void
enc_match(struct enc *e, size_t len, size_t dist)
{
	size_t l = len - 3, nibble;

	if (l < 7) {
		enc_put(e, (uint32_t)((dist - 1) << 3 | l), 2);
	} else {
		enc_put(e, (uint32_t)((dist - 1) << 3 | 7), 2);
		nibble = l - 7 < 15 ? l - 7 : 15;
		if (!e->have_nib) {
			e->nibpos = e->op;
			enc_put(e, (uint32_t)nibble, 1);
			e->have_nib = 1;
		} else {
			e->out[e->nibpos] |= (uint8_t)(nibble << 4);
			e->have_nib = 0;
		}
		if (l >= 15 + 7) {
			if (l - (15 + 7) < 255) {
				enc_put(e, (uint32_t)(l - (15 + 7)), 1);
			} else {
				enc_put(e, 255, 1);
				if (l < 65536) {
					enc_put(e, (uint32_t)l, 2);
				} else {
					enc_put(e, 0, 2);
					enc_put(e, (uint32_t)l, 4);
				}
			}
		}
	}
	enc_flag(e, 1);
}

static uint32_t
enc_hash(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;

	return (v * UINT32_C(2654435761)) >> (32 - ENC_HASH_BITS);
}

/* Greedy LZ77 with hash chains; returns the compressed size. */
static size_t
enc_lz77(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
		const struct enc_opts *o)
{
	struct enc e;
	size_t *head, *prev, i, j, cand, best_len, best_dist, len, k;
	int d;

	memset(&e, 0, sizeof(e));
	e.out = out;
	e.cap = cap;
	enc_put(&e, 0, 4);	/* the first flag word */
	head = xmalloc(sizeof(*head) << ENC_HASH_BITS);
	prev = xmalloc(sizeof(*prev) * (n ? n : 1));
	for (k = 0; k < (size_t)1 << ENC_HASH_BITS; k++)
		head[k] = (size_t)-1;

	i = 0;
	while (i < n) {
		best_len = 0;
		best_dist = 0;
		if (n - i >= 3) {
			cand = head[enc_hash(in + i)];
			for (d = 0; d < o->depth && cand != (size_t)-1 &&
			    i - cand <= o->max_dist; d++) {
				len = 0;
				while (i + len < n && len < o->max_len &&
				    in[cand + len] == in[i + len])
					len++;
				if (len > best_len) {
					best_len = len;
					best_dist = i - cand;
				}
				cand = prev[cand];
			}
		}
		if (best_len < 3)
			best_len = 1;
		for (j = i; j < i + best_len; j++) {
			if (n - j >= 3) {
				k = enc_hash(in + j);
				prev[j] = head[k];
				head[k] = j;
			}
		}
		if (best_len >= 3) {
			enc_match(&e, best_len, best_dist);
		} else {
			enc_put(&e, in[i], 1);
			enc_flag(&e, 0);
		}
		i += best_len;
	}

	/* §2.3: pad the last flag word with ones; they also end the stream */
	if (e.nflags == 0)
		e.flags = UINT32_C(0xffffffff);
	else
		e.flags = e.flags << (32 - e.nflags) |
		    ((UINT32_C(1) << (32 - e.nflags)) - 1);
	k = e.op;
	e.op = e.flagpos;
	enc_put(&e, e.flags, 4);
	e.op = k;

	free(head);
	free(prev);
	return e.op;
}

static uint8_t *
compress_new(const uint8_t *in, size_t n, const struct enc_opts *o,
		size_t *clen)
{
	size_t cap = enc_bound(n);
	uint8_t *c = xmalloc(cap);

	*clen = enc_lz77(in, n, c, cap, o);
	return c;
}

/* ---- the tests ---- */

/* [MS-XCA] §3.1, the two plain LZ77 examples, byte for byte */
static void
test_spec_examples(void)
{
	static const uint8_t alpha_c[] = {
		0x3f, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
		0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70,
		0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a
	};
	static const uint8_t abc_c[] = {
		0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f,
		0xff, 0x26, 0x01
	};
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz";
	struct enc_opts o = { (size_t)1 << 20, ENC_WINDOW, 8 };
	uint8_t abc[300], *c;
	size_t i, clen;

	for (i = 0; i < sizeof(abc); i++)
		abc[i] = (uint8_t)("abc"[i % 3]);
	CHECK(decodes_to(alpha_c, sizeof(alpha_c), (const uint8_t *)alpha, 26));
	CHECK(decodes_to(abc_c, sizeof(abc_c), abc, sizeof(abc)));

	/* our §2.3 compressor reproduces the spec's bytes exactly */
	c = compress_new((const uint8_t *)alpha, 26, &o, &clen);
	CHECK(clen == sizeof(alpha_c) && memcmp(c, alpha_c, clen) == 0);
	free(c);
	c = compress_new(abc, sizeof(abc), &o, &clen);
	CHECK(clen == sizeof(abc_c) && memcmp(c, abc_c, clen) == 0);
	free(c);
}

/* Hand-made streams for each length escape, the nibble, and the errors. */
static void
test_handmade(void)
{
	/* 300 'a': literal, then distance 1 length 299 (u16 escape = 296) */
	static const uint8_t a300_c[] = {
		0xff, 0xff, 0xff, 0x7f, 0x61, 0x07, 0x00, 0x0f, 0xff, 0x28, 0x01
	};
	/* "abc", then two length-7 codes sharing one nibble byte 0x20 */
	static const uint8_t nib_c[] = {
		0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63,
		0x17, 0x00, 0x20, 0x17, 0x00
	};
	/* 'x', then distance 1 length 104 through the u32 escape */
	static const uint8_t u32_c[] = {
		0xff, 0xff, 0xff, 0x7f, 0x78, 0x07, 0x00, 0x0f, 0xff,
		0x00, 0x00, 0x64, 0x00, 0x00, 0x00
	};
	/* byte escape: 'x', distance 1, length 3 + 7 + 15 + 10 = 35 */
	static const uint8_t byte_c[] = {
		0xff, 0xff, 0xff, 0x7f, 0x78, 0x07, 0x00, 0x0f, 0x0a
	};
	/* the smallest codes: 'q' then length 3 (code 0) and 9 (code 6) */
	static const uint8_t short_c[] = {
		0xff, 0xff, 0xff, 0x7f, 0x71, 0x00, 0x00, 0x06, 0x00
	};
	static const uint8_t empty_c[] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t before_c[] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 };
	static const uint8_t far_c[] = {
		0xff, 0xff, 0xff, 0x3f, 0x61, 0x62, 0x08, 0x00	/* dist 2 ok */
	};
	static const uint8_t far2_c[] = {
		0xff, 0xff, 0xff, 0x3f, 0x61, 0x62, 0x10, 0x00	/* dist 3 */
	};
	static const uint8_t badlen16_c[] = {
		0xff, 0xff, 0xff, 0x7f, 0x78, 0x07, 0x00, 0x0f, 0xff, 0x15, 0x00
	};
	static const uint8_t badlen32_c[] = {
		0xff, 0xff, 0xff, 0x7f, 0x78, 0x07, 0x00, 0x0f, 0xff,
		0x00, 0x00, 0x15, 0x00, 0x00, 0x00
	};
	static const uint8_t huge_c[] = {
		0xff, 0xff, 0xff, 0x7f, 0x78, 0x07, 0x00, 0x0f, 0xff,
		0x00, 0x00, 0xff, 0xff, 0xff, 0xff
	};
	static const uint8_t lit_trunc_c[] = { 0x00, 0x00, 0x00, 0x00, 0x61 };
	uint8_t want[400], *out;
	size_t i, outlen;
	const char *why;
	int ret;

	memset(want, 'a', 300);
	CHECK(decodes_to(a300_c, sizeof(a300_c), want, 300));

	for (i = 0; i < 25; i++)
		want[i] = (uint8_t)("abc"[i % 3]);
	CHECK(decodes_to(nib_c, sizeof(nib_c), want, 3 + 10 + 12));

	memset(want, 'x', 104);
	CHECK(decodes_to(u32_c, sizeof(u32_c), want, 104));
	memset(want, 'x', 36);
	CHECK(decodes_to(byte_c, sizeof(byte_c), want, 36));
	memset(want, 'q', 13);
	CHECK(decodes_to(short_c, sizeof(short_c), want, 13));
	CHECK(decodes_to(empty_c, sizeof(empty_c), want, 0));

	/* a distance that reaches exactly the first byte is fine, one more not */
	memcpy(want, "ababa", 5);
	CHECK(decodes_to(far_c, sizeof(far_c), want, 5));
	CHECK(fails_with(far2_c, sizeof(far2_c), 100,
	    "match before start of output"));
	CHECK(fails_with(before_c, sizeof(before_c), 100,
	    "match before start of output"));

	/* the u16/u32 escapes hold length - 3 and must be >= 22 (§2.4.4) */
	CHECK(fails_with(badlen16_c, sizeof(badlen16_c), 100,
	    "invalid match length"));
	CHECK(fails_with(badlen32_c, sizeof(badlen32_c), 100,
	    "invalid match length"));

	/* a 4 GiB match stops at outcap, writing exactly outcap bytes */
	ret = decode(huge_c, sizeof(huge_c), 1000, &out, &outlen, &why);
	CHECK(ret == -1 && outlen == 1000 && strcmp(why, "output overflow") == 0);
	CHECK(out[0] == 'x' && out[999] == 'x');
	free(out);

	/* no input, short flag word, literal with no byte left */
	CHECK(fails_with(empty_c, 0, 100, "truncated input"));
	CHECK(fails_with(empty_c, 3, 100, "truncated input"));
	ret = decode(lit_trunc_c, sizeof(lit_trunc_c), 100, &out, &outlen, &why);
	CHECK(ret == -1 && outlen == 1 && out[0] == 'a' &&
	    strcmp(why, "truncated input") == 0);
	free(out);

	/* a match code cut after one byte */
	CHECK(fails_with(before_c, 5, 100, "truncated input"));

	/* outcap 0 with a NULL buffer: only the empty stream succeeds */
	outlen = 1;
	CHECK(ot_xca_lz77(empty_c, sizeof(empty_c), NULL, 0, &outlen, &why) == 0 &&
	    outlen == 0);
	CHECK(ot_xca_lz77(a300_c, sizeof(a300_c), NULL, 0, &outlen, &why) == -1 &&
	    outlen == 0 && strcmp(why, "output overflow") == 0);
}

enum gen_kind { GEN_RANDOM, GEN_ZERO, GEN_SMALL_ALPHA, GEN_PERIODIC, GEN_TEXT,
	GEN_RUNS, GEN_COUNT };

static void
gen_data(uint8_t *p, size_t n, enum gen_kind kind)
{
	static const char *words[] = { "event ", "provider ", "thread ",
		"0x0000 ", "Microsoft-Windows-", "ETW ", "\n", "buffer " };
	size_t i, period, w, run;
	uint8_t b;

	switch (kind) {
	case GEN_RANDOM:
		for (i = 0; i < n; i++)
			p[i] = (uint8_t)rnd();
		break;
	case GEN_ZERO:
		memset(p, 0, n);
		break;
	case GEN_SMALL_ALPHA:
		for (i = 0; i < n; i++)
			p[i] = (uint8_t)('a' + rnd() % 3);
		break;
	case GEN_PERIODIC:
		period = 1 + rnd() % 40;
		for (i = 0; i < n; i++)
			p[i] = i < period ? (uint8_t)rnd() : p[i - period];
		break;
	case GEN_TEXT:
		for (i = 0; i < n;) {
			w = rnd() % (sizeof(words) / sizeof(words[0]));
			for (run = 0; words[w][run] != '\0' && i < n; run++)
				p[i++] = (uint8_t)words[w][run];
		}
		break;
	default:
		for (i = 0; i < n;) {
			b = (uint8_t)rnd();
			run = 1 + rnd() % (rnd() % 4 == 0 ? 100000 : 20);
			for (; run > 0 && i < n; run--)
				p[i++] = b;
		}
		break;
	}
}

/* Round trips for many sizes and shapes, with and without spare room. */
static void
test_roundtrip(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 15, 16,
		24, 25, 26, 31, 32, 33, 34, 40, 63, 64, 65, 100, 255, 256, 257,
		300, 1000, 4096, 8191, 8192, 8193, 10000, 65535, 65536, 65538,
		65539, 65540, 100000, 131072, 204800 };
	static const struct enc_opts opts[] = {
		{ (size_t)1 << 30, ENC_WINDOW, 16 },
		{ 9, ENC_WINDOW, 4 },		/* no escapes at all */
		{ 24, 64, 4 },			/* nibble and byte escapes */
		{ 300, ENC_WINDOW, 2 },		/* u16 escape */
	};
	uint8_t *data, *c, *out;
	size_t si, oi, clen, outlen, n;
	const char *why;
	int kind, ret, ok, nok = 0, ntot = 0;

	data = xmalloc(204800);
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		n = sizes[si];
		for (kind = 0; kind < GEN_COUNT; kind++) {
			gen_data(data, n, (enum gen_kind)kind);
			for (oi = 0; oi < sizeof(opts) / sizeof(opts[0]); oi++) {
				if (n > 70000 && oi > 0)
					continue;
				c = compress_new(data, n, &opts[oi], &clen);

				ret = decode(c, clen, n, &out, &outlen, &why);
				ok = ret == 0 && outlen == n &&
				    (n == 0 || memcmp(out, data, n) == 0);
				free(out);

				/* spare room: the stream, not outcap, ends it */
				ret = decode(c, clen, n + 100, &out, &outlen, &why);
				ok = ok && ret == 0 && outlen == n &&
				    (n == 0 || memcmp(out, data, n) == 0);
				free(out);

				/* one byte short: overflow, exactly outcap written */
				if (n > 0) {
					ret = decode(c, clen, n - 1, &out, &outlen, &why);
					ok = ok && ret == -1 && outlen == n - 1 &&
					    strcmp(why, "output overflow") == 0 &&
					    memcmp(out, data, n - 1) == 0;
					free(out);
				}
				if (!ok)
					fprintf(stderr, "test_xca: round trip n=%zu kind=%d opts=%zu\n",
					    n, kind, oi);
				nok += ok;
				ntot++;
				free(c);
			}
		}
	}
	CHECK(nok == ntot);
	free(data);
}

/* Every prefix of a stream: an error or a correct prefix of the output. */
static void
check_truncations(const uint8_t *c, size_t clen, const uint8_t *orig, size_t n)
{
	uint8_t *out;
	size_t k, outlen;
	const char *why;
	int ret, ok = 1;

	for (k = 0; k < clen; k++) {
		ret = decode(c, k, n, &out, &outlen, &why);
		if (ret == 0 && outlen >= n)
			ok = 0;
		if (outlen > n || (outlen > 0 && memcmp(out, orig, outlen) != 0))
			ok = 0;
		free(out);
	}
	CHECK(ok);
}

static void
test_truncation(void)
{
	static const uint8_t abc_c[] = {
		0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f,
		0xff, 0x26, 0x01
	};
	struct enc_opts o = { (size_t)1 << 30, ENC_WINDOW, 8 };
	struct enc_opts o2 = { 40, 512, 4 };
	uint8_t abc[300], *data, *c;
	size_t i, clen, n;
	int kind;

	for (i = 0; i < sizeof(abc); i++)
		abc[i] = (uint8_t)("abc"[i % 3]);
	check_truncations(abc_c, sizeof(abc_c), abc, sizeof(abc));

	n = 6000;
	data = xmalloc(n);
	for (kind = 0; kind < GEN_COUNT; kind++) {
		gen_data(data, n, (enum gen_kind)kind);
		c = compress_new(data, n, kind % 2 ? &o : &o2, &clen);
		check_truncations(c, clen, data, n);
		free(c);
	}
	free(data);
}

/* 10,000 random buffers, some of them mutated valid streams. */
static void
test_garbage(void)
{
	struct enc_opts o = { (size_t)1 << 30, ENC_WINDOW, 4 };
	uint8_t *in, *out, *valid, *data;
	size_t i, j, inlen, outcap, outlen, vlen;
	const char *why;
	int ret, ok = 1, nsucc = 0;

	data = xmalloc(3000);
	gen_data(data, 3000, GEN_TEXT);
	valid = compress_new(data, 3000, &o, &vlen);
	in = xmalloc(4096);
	for (i = 0; i < 10000; i++) {
		if (i % 4 == 3) {
			inlen = vlen;
			memcpy(in, valid, vlen);
			for (j = 1 + rnd() % 4; j > 0; j--)
				in[rnd() % inlen] ^= (uint8_t)(1 + rnd() % 255);
		} else {
			inlen = rnd() % 2048;
			for (j = 0; j < inlen; j++)
				in[j] = (uint8_t)(i % 4 == 1 ? rnd() | 0xf0 : rnd());
		}
		outcap = rnd() % 3 == 0 ? rnd() % 64 : rnd() % 70000;
		ret = decode(in, inlen, outcap, &out, &outlen, &why);
		if (ret != 0 && ret != -1)
			ok = 0;
		nsucc += ret == 0;
		free(out);
	}
	CHECK(ok);
	if (nsucc == 0)
		fprintf(stderr, "test_xca: note: no garbage input decoded\n");
	free(in);
	free(valid);
	free(data);
}

/* Output buffers of every size below the needed one, with a guard region. */
static void
test_short_outcap(void)
{
	struct enc_opts o = { (size_t)1 << 30, ENC_WINDOW, 8 };
	uint8_t *data, *c, *out;
	size_t n = 3000, cap, clen, outlen;
	const char *why;
	int kind, ret, ok = 1;

	data = xmalloc(n);
	for (kind = 0; kind < GEN_COUNT; kind++) {
		gen_data(data, n, (enum gen_kind)kind);
		c = compress_new(data, n, &o, &clen);
		for (cap = 0; cap < n; cap += 1 + cap / 16) {
			ret = decode(c, clen, cap, &out, &outlen, &why);
			if (ret != -1 || outlen != cap ||
			    strcmp(why, "output overflow") != 0 ||
			    (cap > 0 && memcmp(out, data, cap) != 0))
				ok = 0;
			free(out);
		}
		free(c);
	}
	CHECK(ok);
	free(data);
}

static uint32_t
file_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* FORMATS.md §1.2/§1.3: every compressed buffer gives SavedOffset-0x48. */
static void
test_corpus(void)
{
	FILE *f;
	uint8_t *file, *out;
	size_t size, off, bsize, saved, outlen, ncomp = 0;
	const char *why;
	long len;
	int ret, ok = 1;

	f = fopen(CORPUS_ETL, "rb");
	if (f == NULL) {
		printf("test_xca: %s absent, corpus test skipped\n", CORPUS_ETL);
		return;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		CHECK(!"cannot size the corpus file");
		return;
	}
	size = (size_t)len;
	file = xmalloc(size);
	if (fread(file, 1, size, f) != size)
		ok = 0;
	fclose(f);

	for (off = 0; ok && size - off >= 0x48; off += bsize) {
		bsize = file_le32(file + off);
		saved = file_le32(file + off + 4);
		if (bsize < 0x48 || bsize > size - off) {
			ok = 0;
			break;
		}
		if (!(file[off + 0x34] & 0x40))
			continue;
		ncomp++;
		if (saved < 0x48) {
			ok = 0;
			break;
		}
		ret = decode(file + off + 0x48, bsize - 0x48, saved - 0x48, &out,
		    &outlen, &why);
		if (ret != 0 || outlen != saved - 0x48) {
			fprintf(stderr, "test_xca: buffer at 0x%zx: ret=%d outlen=%zu want=%zu why=%s\n",
			    off, ret, outlen, saved - 0x48, ret ? why : "-");
			ok = 0;
		}
		free(out);
		/* with room to spare the stream still ends at the same place */
		ret = decode(file + off + 0x48, bsize - 0x48, 0x10000, &out,
		    &outlen, &why);
		if (ret != 0 || outlen != saved - 0x48)
			ok = 0;
		free(out);
	}
	CHECK(ok);
	CHECK(ncomp > 0);
	printf("test_xca: %zu compressed buffers in %s\n", ncomp, CORPUS_ETL);
	free(file);
}

/* Throughput on simple data; printed, not checked (sanitizers skew it). */
static void
test_speed(void)
{
	struct enc_opts o = { (size_t)1 << 30, ENC_WINDOW, 4 };
	static const char *names[] = { "random", "zero", "alpha3", "periodic",
		"text", "runs" };
	uint8_t *data, *c, *out;
	size_t n = (size_t)1 << 20, clen, outlen, total;
	const char *why;
	clock_t t0, t1;
	double secs;
	int kind, ok = 1;

	data = xmalloc(n);
	out = xmalloc(n);
	for (kind = 0; kind < GEN_COUNT; kind++) {
		gen_data(data, n, (enum gen_kind)kind);
		c = compress_new(data, n, &o, &clen);
		total = 0;
		t0 = clock();
		do {
			if (ot_xca_lz77(c, clen, out, n, &outlen, &why) != 0 ||
			    outlen != n)
				ok = 0;
			total += outlen;
			t1 = clock();
		} while (ok && (double)(t1 - t0) < 0.1 * CLOCKS_PER_SEC);
		secs = (double)(t1 - t0) / CLOCKS_PER_SEC;
		printf("test_xca: speed %-8s ratio %5.3f  %7.0f MB/s\n",
		    names[kind], (double)clen / (double)n,
		    secs > 0 ? (double)total / secs / 1e6 : 0.0);
		free(c);
	}
	CHECK(ok);
	free(out);
	free(data);
}

int
main(void)
{
	test_spec_examples();
	test_handmade();
	test_roundtrip();
	test_truncation();
	test_garbage();
	test_short_outcap();
	test_corpus();
	test_speed();
	printf("test_xca: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
