/*
 * gen.h - synthetic traces: each scenario writes normalized events (JSON
 * lines) and a ground-truth JSON of what the analysis must find, derived
 * from how the scenario was built, never from running the engine.
 */
#ifndef OT_GEN_H
#define OT_GEN_H

#include <stdint.h>
#include <stdio.h>

#include "offtrace/util.h"

struct ot_gen_scenario {
	const char *name;
	const char *summary;	/* one line */
};
extern const struct ot_gen_scenario ot_gen_scenarios[];
extern const unsigned ot_gen_nscenarios;

struct ot_gen_opts {
	uint64_t seed;		/* default 1 */
	uint64_t objects;	/* scale: number of TCP objects; others ignore it */
};

/* Write the scenario's events to ev and its ground truth to truth (may be NULL). */
int ot_gen_write(const char *scenario, const struct ot_gen_opts *o, FILE *ev,
		 FILE *truth, struct ot_err *err);

#endif
