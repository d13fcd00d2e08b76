/*
 * junit.c - the CI gate as JUnit XML (testsuites / testsuite / testcase,
 * with failure, skipped and system-out), which CI systems display.
 *
 * A case is failed, skipped (a rule not checked, a budget with nothing
 * to measure, or with a "warning:" message a rule whose violations do
 * not gate the run) or passed.
 *
 * Every string is escaped (& < > " ') and made well-formed XML 1.0:
 * invalid UTF-8 and the code points XML forbids (U+FFFE, U+FFFF) become
 * U+FFFD, control characters other than tab, LF and CR become the text
 * "\xNN", and in attributes tab, LF and CR are character references so
 * they survive attribute normalization.  No timestamps or durations are
 * written, so the output depends only on the database.
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <string.h>

static void
put_xml(FILE *out, const char *str, int attr)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), i = 0, k;

	while (i < n) {
		unsigned c = s[i];

		switch (c) {
		case '&':
			fputs("&amp;", out);
			i++;
			continue;
		case '<':
			fputs("&lt;", out);
			i++;
			continue;
		case '>':
			fputs("&gt;", out);
			i++;
			continue;
		case '"':
			fputs("&quot;", out);
			i++;
			continue;
		case '\'':
			fputs("&apos;", out);
			i++;
			continue;
		case '\t':
		case '\n':
		case '\r':
			if (attr)
				fprintf(out, "&#%u;", c);
			else
				fputc((int)c, out);
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20) {
			fprintf(out, "\\x%02x", c);
			i++;
		} else if ((k = ot_utf8_len(s + i, n - i)) == 0 ||
			   (k == 3 && c == 0xef && s[i + 1] == 0xbf && s[i + 2] >= 0xbe)) {
			/* invalid UTF-8, or U+FFFE/U+FFFF, which XML forbids */
			fputs("&#xFFFD;", out);
			i++;
		} else {
			fwrite(s + i, 1, k, out);
			i += k;
		}
	}
}

int
ot_check_junit(const struct ot_check_result *res, const struct ot_report *r,
	       FILE *out)
{
	size_t i, nfail = 0, nskip = 0;
	char suite[320];

	for (i = 0; i < res->ncases; i++) {
		nfail += res->cases[i].failed != 0;
		nskip += !res->cases[i].failed &&
			 (res->cases[i].skipped || res->cases[i].warned);
	}
	if (r != NULL)
		snprintf(suite, sizeof(suite), "offtrace check: trace %" PRId64
			 " %s", r->trace_id, r->name);
	else
		snprintf(suite, sizeof(suite), "offtrace check");

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"offtrace check\" tests=\"%zu\""
		" failures=\"%zu\" skipped=\"%zu\" errors=\"0\">\n",
		res->ncases, nfail, nskip);
	fputs("  <testsuite name=\"", out);
	put_xml(out, suite, 1);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\""
		" errors=\"0\">\n", res->ncases, nfail, nskip);
	for (i = 0; i < res->ncases; i++) {
		const struct ot_check_case *c = &res->cases[i];

		fputs("    <testcase classname=\"", out);
		put_xml(out, c->classname, 1);
		fputs("\" name=\"", out);
		put_xml(out, c->name, 1);
		fputs("\"", out);
		if (c->failed) {
			fputs(">\n      <failure message=\"", out);
			put_xml(out, c->message, 1);
			fprintf(out, "\" type=\"%s\">", c->classname);
			put_xml(out, c->details ? c->details : c->message, 0);
			fputs("</failure>\n    </testcase>\n", out);
		} else if (c->warned || c->skipped) {
			/*
			 * JUnit has no warning: a violated rule that does not
			 * gate the run is skipped with a "warning:" message and
			 * its violations, never passed (nor failed, which some
			 * CI reporters turn into a failed run).
			 */
			fputs(">\n      <skipped message=\"", out);
			if (c->warned)
				fputs("warning: ", out);
			put_xml(out, c->message, 1);
			fputs("\"/>\n", out);
			if (c->warned && c->details != NULL) {
				fputs("      <system-out>", out);
				put_xml(out, c->details, 0);
				fputs("</system-out>\n", out);
			}
			fputs("    </testcase>\n", out);
		} else if (c->details != NULL) {
			fputs(">\n      <system-out>", out);
			put_xml(out, c->message, 0);
			fputc('\n', out);
			put_xml(out, c->details, 0);
			fputs("</system-out>\n    </testcase>\n", out);
		} else {
			fputs("/>\n", out);
		}
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	return ferror(out) ? -1 : 0;
}
