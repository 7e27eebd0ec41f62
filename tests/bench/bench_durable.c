/*
 * DESIGN §7, durable peer: leadcore's side of tests/bench/peers/
 * particle_durable.py. The same work: the particle cycle (without its
 * refused step) applied round-robin to L leads in a SQLite file, one
 * transaction per transition (lc_db_apply() on its own), every transition
 * judged by the model and recorded as an event with the state before and
 * after. scripts/bench.sh runs the two programs in turn (A B A B ...).
 */
#include "bench_store.h"

int main(int argc, char **argv)
{
	bench_args a = {.n = 20000, .reps = 1};
	int64_t leads = 100;
	bench_parse(&a, argc, argv,
		    "The particle cycle applied to 100 leads in SQLite, one transaction per "
		    "transition (the durable peer's work).");
	if (a.smoke)
		a.n = 200, a.reps = 1, leads = 10;

	char path[4096], uri[4200];
	for (int rep = 0; rep < a.reps; rep++) {
		bench_path(path, sizeof path, &a, "bench-durable-leadcore.db");
		snprintf(uri, sizeof uri, "sqlite:%s", path);
		lc_db *db = bench_store_open(uri, leads);
		bench_cycle c;
		bench_cycle_init(&c, lc_db_model(db));
		lc_violations *v = NULL;
		BENCH_CHECK(lc_violations_new(&v));

		double t0 = bench_now();
		for (int64_t i = 0; i < a.n; i++) {
			lc_id id = 1 + i % leads;
			size_t k = (size_t)((i / leads) % (int64_t)BENCH_APPLY_STEPS);
			int rc = lc_db_apply(db, id, c.d[k], -1, v, NULL);
			if (rc != 0)
				BENCH_FAIL("durable: apply %" PRId64 " to lead %" PRId64 ": %d %s (%s)", i,
					   id, rc, lc_error_last(),
					   lc_table_row_count(lc_violations_table(v)) ? lc_table_text(lc_violations_table(v), 0, 3) : "");
		}
		double secs = bench_now() - t0;

		lc_lead *one = NULL;
		BENCH_CHECK(lc_db_lead_get(db, 1, &one));
		char extra[256];
		snprintf(extra, sizeof extra,
			 "\"accepted\":%" PRId64 ",\"refused\":0,\"leads\":%" PRId64
			 ",\"final_stage\":\"%s\",\"check_ins\":%zu",
			 a.n, leads, lc_state_get(lc_lead_state(one), LC_AXIS_STAGE),
			 lc_state_stage_entries(lc_lead_state(one), "periodic_check_in"));
		bench_emit("durable", "particle_apply_per_tx", "leadcore", rep, a.n, secs, extra);
		lc_lead_free(one);
		lc_violations_free(v);
		bench_cycle_free(&c);
		lc_db_close(db);
	}
	return 0;
}
