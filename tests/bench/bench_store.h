/*
 * Store helpers for the benchmarks that write: a store holding the particle
 * preset and L leads at Enquiry, and the particle cycle's dispositions
 * without its refused step, so that every apply writes.
 */
#ifndef LC_BENCH_STORE_H
#define LC_BENCH_STORE_H

#include "bench.h"
#include "particle_cycle.h"

/* The refused step of bench_particle_cycle (progressing backwards). */
#define BENCH_REFUSED_STEP 3
#define BENCH_APPLY_STEPS (BENCH_PARTICLE_STEPS - 1)

typedef struct bench_cycle {
	lc_disposition *d[BENCH_APPLY_STEPS];
	const bench_step *step[BENCH_APPLY_STEPS];
} bench_cycle;

static inline void bench_cycle_init(bench_cycle *c, const lc_model *m)
{
	size_t k = 0;
	for (size_t i = 0; i < BENCH_PARTICLE_STEPS; i++) {
		if (i == BENCH_REFUSED_STEP)
			continue;
		const bench_step *s = &bench_particle_cycle[i];
		c->step[k] = s;
		BENCH_CHECK(lc_disposition_new(&c->d[k], m));
		BENCH_CHECK(lc_disposition_set(c->d[k], LC_AXIS_ACTION, s->action));
		BENCH_CHECK(lc_disposition_set_outcome(c->d[k], s->outcome));
		if (s->stage)
			BENCH_CHECK(lc_disposition_set(c->d[k], LC_AXIS_STAGE, s->stage));
		if (s->reason)
			BENCH_CHECK(lc_disposition_set(c->d[k], LC_AXIS_REASON, s->reason));
		k++;
	}
}

static inline void bench_cycle_free(bench_cycle *c)
{
	for (size_t i = 0; i < BENCH_APPLY_STEPS; i++)
		lc_disposition_free(c->d[i]);
}

/* Open (fresh) a store at `uri`, install the particle preset and create
 * `leads` leads at Enquiry, in one transaction. */
static inline lc_db *bench_store_open(const char *uri, int64_t leads)
{
	lc_db *db = NULL;
	BENCH_CHECK(lc_db_open(&db, uri, NULL));
	lc_model *preset = NULL;
	BENCH_CHECK(lc_model_preset(&preset, "particle"));
	BENCH_CHECK(lc_db_install_model(db, preset, NULL));
	lc_model_free(preset);
	const lc_model *m = lc_db_model(db);
	lc_state *st = NULL;
	BENCH_CHECK(lc_state_new(&st, m));
	BENCH_CHECK(lc_state_set(st, LC_AXIS_STAGE, "enquiry"));
	lc_lead *lead = NULL;
	BENCH_CHECK(lc_lead_new(&lead));
	BENCH_CHECK(lc_db_begin(db));
	for (int64_t i = 0; i < leads; i++) {
		lc_lead_reset(lead);
		BENCH_CHECK(lc_lead_bind(lead, m));
		BENCH_CHECK(lc_lead_set_state(lead, st));
		BENCH_CHECK(lc_db_lead_create(db, lead, NULL));
	}
	BENCH_CHECK(lc_db_commit(db));
	lc_lead_free(lead);
	lc_state_free(st);
	return db;
}

#endif
