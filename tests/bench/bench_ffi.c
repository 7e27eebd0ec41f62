/*
 * The C side of the FFI comparison (tests/bench/bench_ffi.py runs the Python
 * side and interleaves the two): N dispositions of the particle cycle,
 * round-robin over 1,000 leads, each made the way the Python package's
 * Store.dispose() makes it: reset one disposition, set the action, the
 * outcome and the stage or reason by key, lc_db_apply() with a violation
 * list. Cases: memory (the memory backend) and sqlite (a store file, 1,000
 * applies per transaction). What the Python side costs on top is the FFI and
 * the interpreter.
 */
#include "bench_store.h"

#define LEADS 1000
#define BATCH 1000

static void run(const bench_args *a, const char *name, const char *uri, int rep)
{
	lc_db *db = bench_store_open(uri, LEADS);
	lc_disposition *d = NULL;
	lc_violations *v = NULL;
	BENCH_CHECK(lc_disposition_new(&d, lc_db_model(db)));
	BENCH_CHECK(lc_violations_new(&v));
	bench_cycle cycle; /* for its list of steps without the refused one */
	bench_cycle_init(&cycle, lc_db_model(db));
	double t0 = bench_now();
	BENCH_CHECK(lc_db_begin(db));
	for (int64_t i = 0; i < a->n; i++) {
		const bench_step *s = cycle.step[(i / LEADS) % BENCH_APPLY_STEPS];
		if (i > 0 && i % BATCH == 0) {
			BENCH_CHECK(lc_db_commit(db));
			BENCH_CHECK(lc_db_begin(db));
		}
		lc_disposition_reset(d);
		BENCH_CHECK(lc_disposition_set(d, LC_AXIS_ACTION, s->action));
		BENCH_CHECK(lc_disposition_set_outcome(d, s->outcome));
		if (s->stage)
			BENCH_CHECK(lc_disposition_set(d, LC_AXIS_STAGE, s->stage));
		if (s->reason)
			BENCH_CHECK(lc_disposition_set(d, LC_AXIS_REASON, s->reason));
		lc_id ev = 0;
		BENCH_CHECK(lc_db_apply(db, 1 + i % LEADS, d, -1, v, &ev));
	}
	BENCH_CHECK(lc_db_commit(db));
	bench_emit("ffi", name, "c", rep, a->n, bench_now() - t0, NULL);
	bench_cycle_free(&cycle);
	lc_violations_free(v);
	lc_disposition_free(d);
	lc_db_close(db);
}

int main(int argc, char **argv)
{
	bench_args a = { .n = 100000, .reps = 1 };
	bench_parse(&a, argc, argv,
		    "Dispositions through the C API, made as the Python package makes them. "
		    "Cases: memory, sqlite.");
	if (a.smoke)
		a.n = 2000;
	char path[4096];
	for (int rep = 0; rep < a.reps; rep++) {
		if (bench_case(&a, "memory"))
			run(&a, "memory", "memory:", rep);
		if (bench_case(&a, "sqlite")) {
			bench_path(path, sizeof path, &a, "bench_ffi.db");
			run(&a, "sqlite", path, rep);
		}
	}
	return 0;
}
