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


/* ---- sized stores for reports, worklists and growth ---- */

/* The stores' clock: a fixed moment, so that follow-ups fall where the
 * worklist expects them. The worklist is asked for the day BENCH_WL_DAY. */
#define BENCH_T0 ((lc_time)1793000000)
#define BENCH_DAY ((lc_time)86400)
#define BENCH_WL_DAY (BENCH_T0 + 3 * BENCH_DAY)

/* 100 agents share the leads round-robin. The first BENCH_ACTIVE leads are the
 * live pipeline: per agent, 20 overdue follow-ups, 20 due on BENCH_WL_DAY and
 * 10 never worked (50 on each worklist, the seed's daily quota); every other
 * lead was worked once and has no follow-up. So a worklist holds the same 50
 * leads at every store size, and only the store around it grows. */
#define BENCH_AGENTS 100
#define BENCH_ACTIVE 10000

static inline lc_time bench_clock(void *ud)
{
	(void)ud;
	return BENCH_T0;
}

/* Role of a lead: 0 overdue, 1 due, 2 never worked, 3 worked. */
static inline int bench_role(lc_id id)
{
	if (id > BENCH_ACTIVE)
		return 3;
	int64_t r = ((id - 1) / BENCH_AGENTS) % 100;
	return r < 20 ? 0 : r < 40 ? 1 : r < 50 ? 2 : 3;
}

/* Whether a lead is one that growth may apply to without changing any worklist. */
static inline int bench_worked(lc_id id)
{
	return bench_role(id) == 3;
}

/* Stage of a new lead: live leads sit in the open stages (enquiry .. surveyed),
 * the rest spread over every stage, closed ones included. */
static inline size_t bench_stage_of(lc_id id, size_t nstages)
{
	return id <= BENCH_ACTIVE ? (size_t)(id % 8) : (size_t)((id * 7) % (int64_t)nstages);
}

/* Add leads until the store holds `to`, in transactions of 10,000. */
static inline void bench_populate(lc_db *db, int64_t from, int64_t to)
{
	const lc_model *m = lc_db_model(db);
	size_t nstages = lc_model_value_count(m, LC_AXIS_STAGE);
	lc_state *st = NULL;
	lc_lead *lead = NULL;
	lc_disposition *plain = NULL, *fu = NULL;
	BENCH_CHECK(lc_state_new(&st, m));
	BENCH_CHECK(lc_lead_new(&lead));
	BENCH_CHECK(lc_disposition_new(&plain, m));
	BENCH_CHECK(lc_disposition_set(plain, LC_AXIS_ACTION, "lead_update"));
	BENCH_CHECK(lc_disposition_set_outcome(plain, LC_OUTCOME_NO_CHANGE));
	BENCH_CHECK(lc_disposition_new(&fu, m));
	BENCH_CHECK(lc_disposition_set(fu, LC_AXIS_ACTION, "lead_update"));
	BENCH_CHECK(lc_disposition_set_outcome(fu, LC_OUTCOME_NO_CHANGE));
	char phone[32];
	for (int64_t i = from; i < to; i++) {
		lc_id want = i + 1;
		if ((i - from) % 10000 == 0)
			BENCH_CHECK(lc_db_begin(db));
		lc_lead_reset(lead);
		BENCH_CHECK(lc_lead_bind(lead, m));
		BENCH_CHECK(lc_state_set(st, LC_AXIS_STAGE,
					 lc_model_value_key(m, LC_AXIS_STAGE, bench_stage_of(want, nstages))));
		BENCH_CHECK(lc_lead_set_state(lead, st));
		snprintf(phone, sizeof phone, "+44 20 7946 %04lld", (long long)(want % 10000));
		BENCH_CHECK(lc_lead_set_text(lead, LC_LEAD_PHONE, phone));
		BENCH_CHECK(lc_lead_set_agent(lead, 1 + (want - 1) % BENCH_AGENTS));
		lc_id id = 0;
		BENCH_CHECK(lc_db_lead_create(db, lead, &id));
		if (id != want)
			BENCH_FAIL("populate: expected lead id %" PRId64 ", got %" PRId64, want, id);
		switch (bench_role(id)) {
		case 0:
			BENCH_CHECK(lc_disposition_set_follow_up(fu, BENCH_T0 + BENCH_DAY));
			BENCH_CHECK(lc_db_apply(db, id, fu, -1, NULL, NULL));
			break;
		case 1:
			BENCH_CHECK(lc_disposition_set_follow_up(fu, BENCH_WL_DAY + 3600));
			BENCH_CHECK(lc_db_apply(db, id, fu, -1, NULL, NULL));
			break;
		case 2:
			break;
		default:
			BENCH_CHECK(lc_db_apply(db, id, plain, -1, NULL, NULL));
		}
		if ((i - from) % 10000 == 9999 || i == to - 1)
			BENCH_CHECK(lc_db_commit(db));
	}
	lc_disposition_free(fu);
	lc_disposition_free(plain);
	lc_lead_free(lead);
	lc_state_free(st);
}

/* Open the store of `size` leads under --dir, reusing one a previous program
 * left (scripts/bench.sh --keep, or growth before worklist and report) when
 * it holds exactly that many leads; otherwise make it. */
static inline lc_db *bench_sized_store(const bench_args *a, int64_t size, double *populate_s)
{
	char name[64], path[4096], uri[4200];
	snprintf(name, sizeof name, "bench-store-%lld.db", (long long)size);
	snprintf(path, sizeof path, "%s/%s", a->dir ? a->dir : ".", name);
	snprintf(uri, sizeof uri, "sqlite:%s", path);
	lc_db_options o = LC_DB_OPTIONS_INIT;
	o.clock = bench_clock;
	lc_db *db = NULL;
	*populate_s = 0;
	FILE *f = fopen(path, "rb");
	if (f) {
		fclose(f);
		size_t count = SIZE_MAX;
		o.flags = 0;
		if (lc_db_open(&db, uri, &o) == 0 && lc_db_model(db) && lc_db_count(db, NULL, &count) == 0 &&
		    count == (size_t)size)
			return db;
		lc_db_close(db);
		db = NULL;
		o.flags = LC_DB_CREATE;
	}
	bench_path(path, sizeof path, a, name);
	BENCH_CHECK(lc_db_open(&db, uri, &o));
	lc_model *preset = NULL;
	BENCH_CHECK(lc_model_preset(&preset, "particle"));
	BENCH_CHECK(lc_db_install_model(db, preset, NULL));
	lc_model_free(preset);
	char agent[32];
	for (int i = 1; i <= BENCH_AGENTS; i++) {
		snprintf(agent, sizeof agent, "agent %03d", i);
		BENCH_CHECK(lc_db_agent_add(db, agent, NULL));
	}
	double t0 = bench_now();
	bench_populate(db, 0, size);
	*populate_s = bench_now() - t0;
	return db;
}

#endif
