/*
 * fuzz_wpp.c - libFuzzer harness for the binary WPP decoder
 * (src/read/wpp.c): the input is one MESSAGE record (header options and
 * packed arguments).  It is parsed with 4- and 8-byte default pointers
 * and rendered by every message of a fixed TMF that uses each argument
 * type the TMF parser knows, into output buffers of several sizes, so a
 * record whose arguments overrun it, strings without a terminator and
 * counted strings that lie meet every decoder; the argument decoder used
 * by profile matching (ot_wpp_args, ot_wpp_render) is run on its own too.  The record is copied to
 * a buffer of its exact size so ASan sees any read past its end.
 *
 *   make fuzz && build/fuzz/fuzz_wpp -max_total_time=600
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/tmf.h"
#include "offtrace/wpp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One message per argument type, then a few that mix them. */
static const char tmf_text[] =
	"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d fuzzdrv // SRC=fuzz.c\n"
	"#typev fuzz_c1 10 \"%0 %10!c! %11!c! %12!d! %13!d!\" //   LEVEL=1 FLAGS=F FUNC=A\n"
	"{\nA, ItemChar -- 10\nB, ItemUChar -- 11\nC, ItemCharSign -- 12\nD, ItemCharShort -- 13\n}\n"
	"#typev fuzz_c2 11 \"%0 %10!hd! %11!hu! %12!d! %13!u! %14!08X!\" //   FUNC=B\n"
	"{\nA, ItemShort -- 10\nB, ItemUShort -- 11\nC, ItemLong -- 12\nD, ItemULong -- 13\nE, ItemULongX -- 14\n}\n"
	"#typev fuzz_c3 12 \"%0 %10!I64d! %11!I64u! %12!I64x! %13!I64X! %14!I64x! %15!f!\" //   FUNC=C\n"
	"{\nA, ItemLongLong -- 10\nB, ItemULongLong -- 11\nC, ItemLongLongX -- 12\nD, ItemLongLongXX -- 13\nE, ItemULongLongX -- 14\nF, ItemDouble -- 15\n}\n"
	"#typev fuzz_c4 13 \"%0 %10!p! %11!s! %12!s! %13!s! %14!s! %15!s! %16!s! %17!s! %18!s!\" //   FUNC=D\n"
	"{\nA, ItemPtr -- 10\nB, ItemNTSTATUS -- 11\nC, ItemHRESULT -- 12\nD, ItemWINERROR -- 13\nE, ItemNTerror -- 14\nF, ItemMerror -- 15\nG, ItemNETEVENT -- 16\nH, ItemEnum -- 17\nI, ItemBool -- 18\n}\n"
	"#typev fuzz_c5 14 \"%0 %10!s! %11!s! %12!s! %13!s! %14!s! %15!s! %16!s!\" //   FUNC=E\n"
	"{\nA, ItemChar4 -- 10\nB, ItemString -- 11\nC, ItemWString -- 12\nD, ItemRString -- 13\nE, ItemRWString -- 14\nF, ItemPString -- 15\nG, ItemPWString -- 16\n}\n"
	"#typev fuzz_c6 15 \"%0 %10!s! %11!s! %12!s! %13!s! %14!s! %15!s! %16!s! %17!s!\" //   FUNC=F\n"
	"{\nA, ItemGuid -- 10\nB, ItemCLSID -- 11\nC, ItemLIBID -- 12\nD, ItemIID -- 13\nE, ItemIPAddr -- 14\nF, ItemIPV6Addr -- 15\nG, ItemMACAddr -- 16\nH, ItemPort -- 17\n}\n"
	"#typev fuzz_c7 16 \"%0 %10!s! %11!s! %12!s! %13!s! %14!s! %15!s!\" //   FUNC=G\n"
	"{\nA, ItemListLong(Idle,Offloading,Offloaded) -- 10\nB, ItemListShort(a,b) -- 11\nC, ItemListByte(x) -- 12\n"
	"D, ItemSetLong(Push,Urgent,Fin) -- 13\nE, ItemSetShort(p,q) -- 14\nF, ItemSetByte(z) -- 15\n}\n"
	"#typev fuzz_c8 17 \"%0 %10!s! %11!s! %12!s! %13!s! %14!s!\" //   FUNC=H\n"
	"{\nA, ItemTimestamp -- 10\nB, ItemWaitTime -- 11\nC, ItemTimeDelta -- 12\nD, ItemSid -- 13\nE, ItemHexDump -- 14\n}\n"
	"#typev fuzz_c9 18 \"%0 [%!FUNC!] %!LEVEL! %!FLAGS! %10!s! %11!p! %10!s! %12!d! %% %13!s!\" //   LEVEL=TRACE_LEVEL_ERROR FLAGS=X FUNC=I\n"
	"{\nA, ItemWString -- 10\nB, ItemPtr -- 11\nC, ItemLong -- 12\nD, ItemString -- 13\n}\n"
	"#typev fuzz_c10 19 \"%0 no arguments at all\" //   FUNC=J\n"
	"{\n}\n";

static struct ot_tmf tmf;
static int loaded;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 1, 7, 64, 512, OT_WPP_MAX_TEXT };
	struct ot_wpp_msg m;
	struct ot_wpp_where w;
	char *out;
	uint8_t *rec;
	const char *why;
	unsigned ptr;
	size_t i, c;

	if (!loaded) {
		struct ot_err err;

		memset(&err, 0, sizeof(err));
		if (ot_tmf_parse(tmf_text, sizeof(tmf_text) - 1, "fuzz.tmf", &tmf, &err) < 0)
			abort();
		loaded = 1;
	}
	rec = malloc(size ? size : 1);
	out = malloc(OT_WPP_MAX_TEXT);
	if (rec == NULL || out == NULL) {
		free(rec);
		free(out);
		return 0;
	}
	memcpy(rec, data, size);
	for (ptr = 4; ptr <= 8; ptr += 4) {
		if (ot_wpp_parse(rec, size, ptr, &m, NULL) < 0)
			continue;
		if (m.args_len > size || (m.args_len > 0 &&
		    (m.args < rec || m.args + m.args_len > rec + size)))
			abort();
		if (m.ptr_size != 4 && m.ptr_size != 8)
			abort();
		w.cpu = 1;
		w.ts_ns = (int64_t)(m.ts & 0x3fffffffffffffffull);
		for (i = 0; i < tmf.nmsgs; i++) {
			struct ot_wpp_val v[OT_TMF_MAX_ARGS];
			unsigned k;

			/* the argument decoder alone: every value inside the record */
			why = NULL;
			if (ot_wpp_args(&tmf.msgs[i], &m, v, &why) < 0 && why == NULL)
				abort();
			for (k = 0; k < tmf.msgs[i].nargs; k++)
				if (v[k].ok && v[k].n > 0 &&
				    (v[k].p < rec || v[k].p + v[k].n > rec + size))
					abort();
			/* the rendering profiles match against */
			why = NULL;
			(void)ot_wpp_render(&tmf.msgs[i], &m, &w, OT_WPP_NO_PREFIX | OT_WPP_RAW_STRINGS,
					    out, 512, &why);
			if (memchr(out, '\0', 512) == NULL)
				abort();
		}
		for (i = 0; i < tmf.nmsgs; i++)
			for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
				why = NULL;
				memset(out, 'Z', caps[c]);
				if (ot_wpp_format(&tmf.msgs[i], &m, &w, out, caps[c], &why) < 0 &&
				    why == NULL)
					abort();
				/* always terminated inside the buffer */
				if (memchr(out, '\0', caps[c]) == NULL)
					abort();
			}
	}
	free(rec);
	free(out);
	return 0;
}
