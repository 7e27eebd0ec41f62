/*
 * DESIGN §7, engine rows:
 *  - validate a disposition in memory (target: >= 20 M/s on one core, no
 *    allocation per call; allocations are counted through lc_set_allocator);
 *  - the particle stage cycle through lc_transition(), leadcore's side of the
 *    peer comparison with pytransitions and XState (tests/bench/peers/).
 */
#include "bench.h"
#include "particle_cycle.h"

static uint64_t allocs;

static void *count_malloc(size_t size, void *ud)
{
	(void)ud;
	allocs++;
	return malloc(size);
}

static void *count_realloc(void *ptr, size_t size, void *ud)
{
	(void)ud;
	allocs++;
	return realloc(ptr, size);
}

static void count_free(void *ptr, void *ud)
{
	(void)ud;
	free(ptr);
}

#define NOW ((lc_time)1795000000)

/* Four valid leadmanager dispositions, judged against one state in turn. */
static void bench_validate(const bench_args *a)
{
	lc_model *m = NULL;
	BENCH_CHECK(lc_model_preset(&m, "leadmanager"));
	lc_state *st = NULL;
	BENCH_CHECK(lc_state_new(&st, m));
	BENCH_CHECK(lc_state_set(st, LC_AXIS_MILESTONE, "contacted"));
	BENCH_CHECK(lc_state_set(st, LC_AXIS_STATUS, "requote"));

	static const struct {
		const char *action, *milestone, *status;
		lc_time follow_up;
	} spec[] = {
		{"call", "contacted", "hot", NOW + 86400},
		{"email", "quoted", "follow_up", NOW + 3600},
		{"meeting", "quoted", "requote", LC_TIME_NONE},
		{"text", "contacted", "requote", LC_TIME_NONE},
	};
	enum { ND = sizeof spec / sizeof spec[0] };
	lc_disposition *d[ND];
	for (size_t i = 0; i < ND; i++) {
		BENCH_CHECK(lc_disposition_new(&d[i], m));
		BENCH_CHECK(lc_disposition_set(d[i], LC_AXIS_ACTION, spec[i].action));
		BENCH_CHECK(lc_disposition_set(d[i], LC_AXIS_MILESTONE, spec[i].milestone));
		BENCH_CHECK(lc_disposition_set(d[i], LC_AXIS_STATUS, spec[i].status));
		BENCH_CHECK(lc_disposition_set_follow_up(d[i], spec[i].follow_up));
	}
	lc_violations *v = NULL;
	BENCH_CHECK(lc_violations_new(&v));
	for (size_t i = 0; i < ND; i++)
		if (lc_validate(m, st, d[i], NOW, v) != 0)
			BENCH_FAIL("validate: disposition %zu is refused (%s); the benchmark expects it "
				   "valid", i, lc_table_text(lc_violations_table(v), 0, 3));

	int64_t n = a->n;
	for (int rep = 0; rep < a->reps; rep++) {
		uint64_t before = allocs;
		int64_t bad = 0;
		double t0 = bench_now();
		for (int64_t i = 0; i < n; i++)
			bad += lc_validate(m, st, d[i & (ND - 1)], NOW, v) != 0;
		double secs = bench_now() - t0;
		if (bad)
			BENCH_FAIL("validate: %" PRId64 " refusals in the timed loop", bad);
		char extra[64];
		snprintf(extra, sizeof extra, "\"allocs_per_call\":%.6f",
			 (double)(allocs - before) / (double)n);
		bench_emit("engine", "validate", "leadcore", rep, n, secs, extra);
	}
	lc_violations_free(v);
	for (size_t i = 0; i < ND; i++)
		lc_disposition_free(d[i]);
	lc_state_free(st);
	lc_model_free(m);
}

/* With `explain`, refusals fill a violation list (a message formatted per
 * violation); without, the caller only learns yes or no, as from the peers'
 * guards. Both set the last error on a refusal. */
static void bench_particle(const bench_args *a, int explain)
{
	const char *name = explain ? "particle_transitions_explained" : "particle_transitions";
	lc_model *m = NULL;
	BENCH_CHECK(lc_model_preset(&m, "particle"));
	lc_disposition *d[BENCH_PARTICLE_STEPS];
	for (size_t i = 0; i < BENCH_PARTICLE_STEPS; i++) {
		const bench_step *s = &bench_particle_cycle[i];
		BENCH_CHECK(lc_disposition_new(&d[i], m));
		BENCH_CHECK(lc_disposition_set(d[i], LC_AXIS_ACTION, s->action));
		BENCH_CHECK(lc_disposition_set_outcome(d[i], s->outcome));
		if (s->stage)
			BENCH_CHECK(lc_disposition_set(d[i], LC_AXIS_STAGE, s->stage));
		if (s->reason)
			BENCH_CHECK(lc_disposition_set(d[i], LC_AXIS_REASON, s->reason));
	}
	lc_state *st = NULL;
	lc_violations *v = NULL;
	BENCH_CHECK(lc_state_new(&st, m));
	BENCH_CHECK(lc_violations_new(&v));
	lc_violations *list = explain ? v : NULL;

	/* Whole cycles, so every side ends where it started. */
	int64_t n = a->n - a->n % (int64_t)BENCH_PARTICLE_STEPS;
	if (n == 0)
		n = BENCH_PARTICLE_STEPS;
	/* Warm-up (untimed, whole cycles), as the peers do. */
	BENCH_CHECK(lc_state_set(st, LC_AXIS_STAGE, "enquiry"));
	for (int64_t i = 0, w = n / 10 - n / 10 % (int64_t)BENCH_PARTICLE_STEPS; i < w; i++)
		(void)lc_transition(m, st, d[i % (int64_t)BENCH_PARTICLE_STEPS], NOW, st, v);
	for (int rep = 0; rep < a->reps; rep++) {
		BENCH_CHECK(lc_state_set(st, LC_AXIS_STAGE, "enquiry"));
		BENCH_CHECK(lc_state_set_stage_entries(st, "periodic_check_in", 0));
		int64_t accepted = 0, refused = 0;
		size_t k = 0;
		uint64_t before = allocs;
		double t0 = bench_now();
		for (int64_t i = 0; i < n; i++) {
			int rc = lc_transition(m, st, d[k], NOW, st, list);
			if (rc == 0)
				accepted++;
			else if (rc == LC_EINVALID)
				refused++;
			else
				BENCH_FAIL("particle: lc_transition: %d %s", rc, lc_error_last());
			if (++k == BENCH_PARTICLE_STEPS)
				k = 0;
		}
		double secs = bench_now() - t0;
		char extra[256];
		snprintf(extra, sizeof extra,
			 "\"accepted\":%" PRId64 ",\"refused\":%" PRId64
			 ",\"final_stage\":\"%s\",\"check_ins\":%zu,\"allocs_per_call\":%.6f",
			 accepted, refused, lc_state_get(st, LC_AXIS_STAGE),
			 lc_state_stage_entries(st, "periodic_check_in"),
			 (double)(allocs - before) / (double)n);
		bench_emit("peers", name, "leadcore", rep, n, secs, extra);
	}
	lc_violations_free(v);
	lc_state_free(st);
	for (size_t i = 0; i < BENCH_PARTICLE_STEPS; i++)
		lc_disposition_free(d[i]);
	lc_model_free(m);
}

int main(int argc, char **argv)
{
	bench_args a = {.n = 20000000, .reps = 5};
	bench_parse(&a, argc, argv,
		    "Validation in memory (leadmanager) and the particle stage cycle through "
		    "lc_transition(). Cases: validate, particle, particle_explained.");
	if (a.smoke)
		a.n = 1000, a.reps = 1;
	lc_allocator al = LC_ALLOCATOR_INIT;
	al.malloc_fn = count_malloc;
	al.realloc_fn = count_realloc;
	al.free_fn = count_free;
	BENCH_CHECK(lc_set_allocator(&al));

	if (bench_case(&a, "validate"))
		bench_validate(&a);
	if (bench_case(&a, "particle"))
		bench_particle(&a, 0);
	if (bench_case(&a, "particle_explained"))
		bench_particle(&a, 1);
	return 0;
}
