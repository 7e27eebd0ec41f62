/*
 * The particle stage cycle that every peer runs (tests/bench/peers/
 * particle_cycle.json holds the same steps for Python and Node; the peers'
 * results must agree with leadcore's: report.py compares them).
 *
 * From Enquiry: forward, forward with a skip, back, a refused backward
 * "progressing", forward with a skip, forward, a repeatable stage entered
 * twice (counted), out to a closed stage through a reason, and back to
 * Enquiry from the closed stage. Ten attempts, nine accepted.
 */
#ifndef LC_BENCH_PARTICLE_CYCLE_H
#define LC_BENCH_PARTICLE_CYCLE_H

#include <leadcore/leadcore.h>

typedef struct bench_step {
	const char *action;
	lc_outcome outcome;
	const char *stage;  /* NULL: the reason chooses it */
	const char *reason; /* NULL: none */
} bench_step;

static const bench_step bench_particle_cycle[] = {
	{"call", LC_OUTCOME_PROGRESSING, "contact", NULL},
	{"meeting", LC_OUTCOME_PROGRESSING, "selected", NULL},
	{"call", LC_OUTCOME_GO_BACK, "engaged", NULL},
	{"email", LC_OUTCOME_PROGRESSING, "enquiry", NULL}, /* refused: backwards */
	{"meeting", LC_OUTCOME_PROGRESSING, "contracted", NULL},
	{"lead_update", LC_OUTCOME_PROGRESSING, "settled", NULL},
	{"call", LC_OUTCOME_PROGRESSING, "periodic_check_in", NULL},
	{"call", LC_OUTCOME_PROGRESSING, "periodic_check_in", NULL},
	{"email", LC_OUTCOME_EXITING, NULL, "still_comparing"},
	{"call", LC_OUTCOME_GO_BACK, "enquiry", NULL},
};

#define BENCH_PARTICLE_STEPS (sizeof bench_particle_cycle / sizeof bench_particle_cycle[0])

#endif
