/*
 * DESIGN §7, worklist row: one agent's worklist over a store of 1 M leads
 * (target <= 1 ms). Each measurement asks for every agent's list in turn
 * (100 calls) and reports the time per call. The baseline is one
 * hand-written SELECT returning the same leads (overdue, due, never worked,
 * callable) from the same table, for scale.
 */
#include <sqlite3.h>

#include "bench_store.h"

/* The same rows as lc_worklist_get() for the day [?2, ?3): informational. */
static const char wl_sql[] =
	"SELECT id, follow_up FROM leads WHERE agent_id = ?1 AND recycled = 0 AND do_not_call = 0 "
	"AND phone IS NOT NULL AND coalesce(stage, '') NOT IN ('problem', 'archive') AND "
	"(follow_up < ?3 OR (follow_up IS NULL AND touched_at IS NULL)) "
	"ORDER BY CASE WHEN follow_up < ?2 THEN 1 WHEN follow_up < ?3 THEN 2 ELSE 3 END, "
	"follow_up, id";

static size_t raw_worklist(sqlite3_stmt *st, lc_id agent)
{
	size_t n = 0;
	sqlite3_bind_int64(st, 1, agent);
	sqlite3_bind_int64(st, 2, BENCH_WL_DAY);
	sqlite3_bind_int64(st, 3, BENCH_WL_DAY + BENCH_DAY);
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_reset(st);
	return n;
}

int main(int argc, char **argv)
{
	bench_args a = {.n = BENCH_AGENTS, .reps = 5, .sizes = "1m"};
	bench_parse(&a, argc, argv,
		    "One agent's worklist (lc_worklist_get) over a store of each size, against a "
		    "hand-written SELECT of the same rows.");
	if (a.smoke)
		a.sizes = "2000", a.reps = 1;
	const char *cur = a.sizes;
	int64_t size;
	while (bench_next_size(&cur, &size, argv[0])) {
		double pop_s;
		lc_db *db = bench_sized_store(&a, size, &pop_s);
		char path[4096];
		snprintf(path, sizeof path, "%s/bench-store-%lld.db", a.dir ? a.dir : ".",
			 (long long)size);
		sqlite3 *raw = NULL;
		sqlite3_stmt *st = NULL;
		if (sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(raw, wl_sql, -1, &st, NULL) != SQLITE_OK)
			BENCH_FAIL("raw: %s", sqlite3_errmsg(raw));

		char extra[128];
		for (int rep = 0; rep < a.reps; rep++) {
			size_t items = 0, raw_items = 0;
			for (int side = 0; side < 2; side++) {
				int lc_side = (side == 0) == (rep % 2 == 0);
				double t0 = bench_now();
				for (int64_t i = 0; i < a.n; i++) {
					lc_id agent = 1 + i % BENCH_AGENTS;
					if (lc_side) {
						lc_table *w = NULL;
						BENCH_CHECK(lc_worklist_get(db, agent, BENCH_WL_DAY, &w));
						items += lc_table_row_count(w);
						lc_table_free(w);
					} else {
						raw_items += raw_worklist(st, agent);
					}
				}
				double secs = bench_now() - t0;
				snprintf(extra, sizeof extra, "\"size\":%" PRId64 ",\"items_per_list\":%.1f",
					 size, (double)(lc_side ? items : raw_items) / (double)a.n);
				if (lc_side ? bench_side(&a, "leadcore") : bench_side(&a, "baseline"))
					bench_emit("worklist", "worklist", lc_side ? "leadcore" : "baseline", rep,
						   a.n, secs, extra);
			}
			if (items != raw_items)
				fprintf(stderr, "bench_worklist: leadcore listed %zu leads, the SELECT %zu\n",
					items, raw_items);
		}
		if (pop_s > 0) {
			snprintf(extra, sizeof extra, "\"size\":%" PRId64, size);
			bench_emit("worklist", "populate", "leadcore", 0, size, pop_s, extra);
		}
		sqlite3_finalize(st);
		sqlite3_close(raw);
		lc_db_close(db);
	}
	return 0;
}
