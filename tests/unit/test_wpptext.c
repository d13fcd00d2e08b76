/*
 * test_wpptext.c - unit tests of the tracefmt text reader (src/read/wpptext.c):
 * %!FUNC! taking C++ qualified names.
 *
 * Every expected value is written out here by hand (UTF-8 bytes from the
 * Unicode code charts, texts as the lines read), never taken from the
 * reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/wpptext.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/* n bytes at got equal the C string want */
#define CHECK_MEM(got, n, want) do { \
	if ((n) == strlen(want) && memcmp((got), (want), (n)) == 0) { passed++; } else { \
		failed++; fprintf(stderr, "%s:%d: got '%.*s'\n%*swant '%s'\n", __FILE__, \
				  __LINE__, (int)(n), (got), (int)strlen(__FILE__) + 6, "", (want)); } \
} while (0)

/* %!FUNC! followed by ':' takes a C++ qualified name, MSVC's __FUNCTION__ */
static void
test_func(void)
{
	static const struct {
		const char *line, *func, *text;
	} c[] = {
		{ "[6]09ac L usbip::vhci::device_state_changed:10.10.10.10:3240/1-1\\, port 0",
		  "usbip::vhci::device_state_changed", "10.10.10.10:3240/1-1\\, port 0" },
		{ "[6]09ac L `anonymous namespace'::getaddrinfo:0x00000103(STATUS_PENDING)",
		  "`anonymous namespace'::getaddrinfo", "0x00000103(STATUS_PENDING)" },
		{ "[6]31f0 L ``anonymous namespace'::create_endpoint_queue'::`2'::<lambda_1>::<lambda_invoker_cdecl><void:Queue ea684738 cleanup",
		  "``anonymous namespace'::create_endpoint_queue'::`2'::<lambda_1>::<lambda_invoker_cdecl><void",
		  "Queue ea684738 cleanup" },
		{ "[0]0001 L nic::Adapter::~Adapter:gone", "nic::Adapter::~Adapter", "gone" },
		{ "[0]0001 L nic::Adapter::operator ():called", "nic::Adapter::operator ()", "called" },
		{ "[0]0001 L plain:a::b", "plain", "a::b" },
		/* "::" before what no name starts with is the delimiter and the text */
		{ "[0]0001 L Counter::42 items", "Counter", ":42 items" },
		{ "[0]0001 L ns::f:", "ns::f", "" },
	};
	struct ot_wpptext_prefix *pf, *pf2;
	struct ot_wpptext_msg m;
	struct ot_err err;
	size_t i;

	memset(&err, 0, sizeof(err));
	pf = ot_wpptext_prefix_new("[%9]%3!04x! %!LEVEL! %!FUNC!:", &err);
	CHECK(pf != NULL);
	if (pf == NULL)
		return;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int ok = ot_wpptext_parse_prefixed(pf, c[i].line, strlen(c[i].line), &m);

		CHECK(ok == 1);
		if (ok != 1)
			continue;
		CHECK_MEM(m.func, m.func_len, c[i].func);
		CHECK_MEM(m.text, m.text_len, c[i].text);
	}
	/* no ':' after the name: not this prefix */
	CHECK(ot_wpptext_parse_prefixed(pf, "[0]0001 L ns::f", 15, &m) == 0);
	/* a literal "::" after %!FUNC! is the delimiter, as before */
	pf2 = ot_wpptext_prefix_new("%!FUNC!::", &err);
	CHECK(pf2 != NULL && ot_wpptext_parse_prefixed(pf2, "a::b::c", 7, &m) == 1);
	CHECK_MEM(m.func, m.func_len, "a");
	CHECK_MEM(m.text, m.text_len, "b::c");
	/* other string variables stop at the first ':' as they did */
	ot_wpptext_prefix_free(pf2);
	pf2 = ot_wpptext_prefix_new("%2!s!:", &err);
	CHECK(pf2 != NULL && ot_wpptext_parse_prefixed(pf2, "a::b:c", 6, &m) == 1);
	CHECK_MEM(m.text, m.text_len, ":b:c");
	ot_wpptext_prefix_free(pf2);
	ot_wpptext_prefix_free(pf);
}

int
main(void)
{
	test_func();
	printf("test_wpptext: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
