/*
 * DESIGN §7, report row: the pipeline report (leads per stage) over a store
 * of 1 M leads, against a raw `GROUP BY` on the same table, interleaved
 * (target: leadcore <= 1.5 x the GROUP BY's time). Both must count the same
 * leads per stage (the report leaves out Archive, flagged not_reportable).
 */
#include <sqlite3.h>

#include "bench_store.h"

static const char group_sql[] =
	"SELECT stage, count(*) FROM leads WHERE recycled = 0 GROUP BY stage";

int main(int argc, char **argv)
{
	bench_args a = {.n = 1, .reps = 5, .sizes = "1m"};
	bench_parse(&a, argc, argv,
		    "The pipeline report by stage over a store of each size, against a raw GROUP BY.");
	if (a.smoke)
		a.sizes = "2000", a.reps = 1;
	const char *cur = a.sizes;
	int64_t size;
	char extra[128];
	while (bench_next_size(&cur, &size, argv[0])) {
		double pop_s;
		lc_db *db = bench_sized_store(&a, size, &pop_s);
		char path[4096];
		snprintf(path, sizeof path, "%s/bench-store-%lld.db", a.dir ? a.dir : ".",
			 (long long)size);
		sqlite3 *raw = NULL;
		sqlite3_stmt *st = NULL;
		if (sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(raw, group_sql, -1, &st, NULL) != SQLITE_OK)
			BENCH_FAIL("raw: %s", sqlite3_errmsg(raw));
		snprintf(extra, sizeof extra, "\"size\":%" PRId64, size);
		const lc_axis axis = LC_AXIS_STAGE;

		for (int rep = 0; rep < a.reps; rep++) {
			int64_t lc_total = 0, raw_total = 0;
			for (int side = 0; side < 2; side++) {
				int lc_side = (side == 0) == (rep % 2 == 0);
				double t0 = bench_now();
				for (int64_t i = 0; i < a.n; i++) {
					if (lc_side) {
						lc_table *r = NULL;
						BENCH_CHECK(lc_report_pipeline(db, &axis, 1, NULL, &r));
						for (size_t row = 0; row < lc_table_row_count(r); row++)
							lc_total += lc_table_int_named(r, row, "count");
						lc_table_free(r);
					} else {
						while (sqlite3_step(st) == SQLITE_ROW) {
							const char *stage = (const char *)sqlite3_column_text(st, 0);
							/* What the report leaves out. */
							if (!stage || strcmp(stage, "archive") != 0)
								raw_total += sqlite3_column_int64(st, 1);
						}
						sqlite3_reset(st);
					}
				}
				double secs = bench_now() - t0;
				if (lc_side ? bench_side(&a, "leadcore") : bench_side(&a, "baseline"))
					bench_emit("report", "pipeline", lc_side ? "leadcore" : "baseline", rep,
						   a.n, secs, extra);
			}
			if (!a.only && lc_total != raw_total)
				BENCH_FAIL("report: leadcore counted %" PRId64 " leads, the GROUP BY %" PRId64,
					   lc_total, raw_total);
		}
		if (pop_s > 0)
			bench_emit("report", "populate", "leadcore", 0, size, pop_s, extra);
		sqlite3_finalize(st);
		sqlite3_close(raw);
		lc_db_close(db);
	}
	return 0;
}
