/*
 * DESIGN §7, growth row: apply latency and worklist latency as the store
 * grows (10 k, 100 k, 1 M leads by default; 10 M with --sizes ...,10m).
 * Target: both stay flat, within 2 x of the smallest store.
 *
 * At each size: n applies (one transaction each) to worked leads spread over
 * the whole store (a stride through the ids, so the B-trees are read where
 * they are cold), and one worklist per agent. The stores are those of
 * bench_store.h: every agent's worklist holds the same 50 leads at any size.
 */
#include "bench_store.h"

int main(int argc, char **argv)
{
	bench_args a = {.n = 2000, .reps = 5, .sizes = "10k,100k,1m"};
	bench_parse(&a, argc, argv,
		    "Apply and worklist latency at each store size. Cases: apply, worklist.");
	if (a.smoke)
		a.n = 50, a.reps = 1, a.sizes = "10500,11000";

	lc_disposition *d = NULL;
	const char *cur = a.sizes;
	int64_t size;
	char extra[128];
	while (bench_next_size(&cur, &size, argv[0])) {
		double pop_s;
		lc_db *db = bench_sized_store(&a, size, &pop_s);
		snprintf(extra, sizeof extra, "\"size\":%" PRId64, size);
		if (pop_s > 0)
			bench_emit("growth", "populate", "leadcore", 0, size, pop_s, extra);
		BENCH_CHECK(lc_disposition_new(&d, lc_db_model(db)));
		BENCH_CHECK(lc_disposition_set(d, LC_AXIS_ACTION, "lead_update"));
		BENCH_CHECK(lc_disposition_set_outcome(d, LC_OUTCOME_NO_CHANGE));
		/* A stride coprime with the size visits leads all over the store. */
		int64_t stride = 7919, next = 0;
		for (int rep = 0; rep < a.reps; rep++) {
			if (bench_case(&a, "apply")) {
				double t0 = bench_now();
				for (int64_t i = 0; i < a.n; i++) {
					lc_id id;
					int64_t tries = 0;
					do {
						if (++tries > size)
							BENCH_FAIL("growth: no worked lead in a store of %" PRId64,
								   size);
						next = (next + stride) % size;
						id = 1 + next;
					} while (!bench_worked(id));
					BENCH_CHECK(lc_db_apply(db, id, d, -1, NULL, NULL));
				}
				bench_emit("growth", "apply", "leadcore", rep, a.n, bench_now() - t0, extra);
			}
			if (bench_case(&a, "worklist")) {
				size_t items = 0;
				double t0 = bench_now();
				for (int64_t i = 0; i < BENCH_AGENTS; i++) {
					lc_table *w = NULL;
					BENCH_CHECK(lc_worklist_get(db, 1 + i, BENCH_WL_DAY, &w));
					items += lc_table_row_count(w);
					lc_table_free(w);
				}
				double secs = bench_now() - t0;
				snprintf(extra, sizeof extra, "\"size\":%" PRId64 ",\"items_per_list\":%.1f", size,
					 (double)items / BENCH_AGENTS);
				bench_emit("growth", "worklist", "leadcore", rep, BENCH_AGENTS, secs, extra);
				snprintf(extra, sizeof extra, "\"size\":%" PRId64, size);
			}
		}
		lc_disposition_free(d);
		lc_db_close(db);
	}
	return 0;
}
