/*
 * textsrc.c - tracefmt text through a profile (textsrc.h).
 */
#include "offtrace/textsrc.h"

#include <stdlib.h>
#include <string.h>

struct ot_textsrc {
	struct ot_wpptext *rd;
	const struct ot_profile *p;
	struct ot_strtab *st;
	const char *none;	/* interned "" */
	struct ot_tally unmatched;
};

struct ot_textsrc *
ot_textsrc_open(const char *path, const struct ot_profile *p,
		const struct ot_wpptext_prefix *pf, int64_t tz_ns,
		struct ot_strtab *st, struct ot_err *err)
{
	struct ot_wpptext *rd = ot_wpptext_open(path, err);

	if (rd == NULL)
		return NULL;
	return ot_textsrc_new(rd, p, pf, tz_ns, st);
}

struct ot_textsrc *
ot_textsrc_new(struct ot_wpptext *rd, const struct ot_profile *p,
	       const struct ot_wpptext_prefix *pf, int64_t tz_ns, struct ot_strtab *st)
{
	struct ot_textsrc *s;

	ot_wpptext_set_prefix(rd, pf);
	ot_wpptext_set_tz(rd, tz_ns);
	s = xcalloc(1, sizeof(*s));
	s->rd = rd;
	s->p = p;
	s->st = st;
	s->none = ot_intern(st, "", 0);
	ot_tally_init(&s->unmatched);
	return s;
}

int
ot_textsrc_next(struct ot_textsrc *s, struct ot_event *ev, struct ot_err *err)
{
	struct ot_wpptext_msg m;
	char key[128];
	size_t klen;
	int rc;

	while ((rc = ot_wpptext_next(s->rd, &m, err)) > 0) {
		memset(ev, 0, sizeof(*ev));
		ev->ts = m.ts_ns;
		ev->cpu = (int32_t)m.cpu;
		ev->pid = (int32_t)m.pid;
		ev->tid = (int32_t)m.tid;
		ev->has = OT_HAS_CPU | OT_HAS_PID | OT_HAS_TID;
		ev->adapter = s->none;
		ev->line = m.line;
		if (m.func != NULL && m.func_len > 0) {
			/* the prefix's %!FUNC! names the message */
			if (ot_profile_match_text_func(s->p, m.friendly, m.friendly_len, m.func,
						       m.func_len, m.text, m.text_len, s->st, ev))
				return 1;
			klen = m.func_len < sizeof(key) - 1 ? m.func_len : sizeof(key) - 1;
			memcpy(key, m.func, klen);
			key[klen] = '\0';
			ot_tally_add(&s->unmatched, key, klen, 1);
			continue;
		}
		if (ot_profile_match_text(s->p, m.friendly, m.friendly_len, m.text, m.text_len,
					  s->st, ev))
			return 1;
		ot_tally_add(&s->unmatched, key,
			     ot_profile_text_key(m.text, m.text_len, key, sizeof(key)), 1);
	}
	return rc;
}

const struct ot_wpptext_stats *
ot_textsrc_stats(const struct ot_textsrc *s)
{
	return ot_wpptext_stats(s->rd);
}

const struct ot_tally *
ot_textsrc_unmatched(struct ot_textsrc *s)
{
	ot_tally_sort(&s->unmatched);
	return &s->unmatched;
}

uint64_t
ot_textsrc_bytes(const struct ot_textsrc *s)
{
	return ot_wpptext_bytes(s->rd);
}

int
ot_textsrc_sha256(const struct ot_textsrc *s, char hex[65])
{
	return ot_wpptext_sha256(s->rd, hex);
}

void
ot_textsrc_close(struct ot_textsrc *s)
{
	if (s == NULL)
		return;
	ot_wpptext_close(s->rd);
	ot_tally_release(&s->unmatched);
	free(s);
}
