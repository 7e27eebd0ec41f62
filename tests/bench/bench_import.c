/*
 * DESIGN §7, import row: lc_import_file() of a CSV of N leads against a
 * hand-written loop that reads the same file and runs the statements the
 * SQLite backend runs for each new lead (src/store/sqlite/sqlite.c:
 * SQ_LEAD_INSERT and SQ_EVENT_INSERT of the `create` event), prepared once,
 * in one transaction, on a store leadcore created (same schema, same
 * pragmas). Interleaved A B A B ... (target >= 0.7 x).
 *
 * Case `rss` imports once (one side under --only) so that the process's
 * peak RSS is the import's (target: 1 M rows within 64 MiB).
 *
 * Case `crm` (issue 12): a CRM opportunities export, every row a deal with
 * its agent, product, account, amount and two dated dispositions (engaged,
 * then won or lost), imported in one pass with examples/mappings/crm-deals.json
 * into the deals model, against a hand-written loop over the library's API
 * issuing the same calls for each row (look the deal up by its id, find the
 * agent, create the lead, apply the two dispositions at their dates) in one
 * transaction.
 */
#include <sqlite3.h>
#include <time.h>

#include "bench_store.h"

static const char mapping_json[] =
	"{\"format\": 1, \"description\": \"bench: five lead fields, no dispositions\","
	" \"fields\": {\"external_id\": \"Lead Id\", \"name\": \"Name\", \"email\": \"Email\","
	" \"phone\": \"Phone\", \"source\": \"Source\"}}";

/* A CSV in the shape of a lead export. */
static void write_csv(const char *path, int64_t n)
{
	static const char *const sources[] = {"Google", "Direct Traffic", "Olark Chat",
					      "Organic Search", "Reference", "Welingak Website"};
	FILE *f = fopen(path, "w");
	if (!f)
		BENCH_FAIL("cannot write %s", path);
	fputs("Lead Id,Name,Email,Phone,Source\n", f);
	for (int64_t i = 1; i <= n; i++)
		fprintf(f, "L%08lld,Lead %lld,lead%lld@example.com,+44 20 7946 %04lld,%s\n",
			(long long)i, (long long)i, (long long)i, (long long)(i % 10000),
			sources[i % 6]);
	if (fclose(f) != 0)
		BENCH_FAIL("cannot write %s", path);
}

/* ---- the hand-written side ---- */

static const char lead_insert_sql[] =
	"INSERT INTO leads (external_id, version, created_at, touched_at, recycled, name, "
	"email, phone, company, type, category, priority, importance, source, lost_reason, "
	"owner_group, segment, probability, amount, currency, start_date, "
	"expected_completion, actual_completion, unit_id, agent_id, do_not_call, "
	"do_not_email, automation_stopped, milestone, status, phase, stage, lifecycle, "
	"follow_up, stage_counts, item_count, note_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, "
	"?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37)";
static const char event_insert_sql[] =
	"INSERT INTO events (lead_id, seq, at, kind, actor, model_version, action, "
	"milestone, status, stage, reason, outcome, follow_up, note, rule, "
	"before_milestone, before_status, before_phase, before_stage, before_lifecycle, "
	"before_follow_up, before_completed_at, before_flags, before_stage_counts, "
	"after_milestone, after_status, after_phase, after_stage, after_lifecycle, "
	"after_follow_up, after_completed_at, after_flags, after_stage_counts) VALUES (?1, "
	"?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
	"?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)";

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		BENCH_FAIL("raw: %s: %s", sql, err ? err : "?");
}

static int64_t raw_import(const char *db_path, const char *csv_path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *li = NULL, *ei = NULL;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		BENCH_FAIL("raw: open %s", db_path);
	sqlite3_busy_timeout(db, 5000);
	raw_exec(db, "PRAGMA foreign_keys = ON");
	raw_exec(db, "PRAGMA journal_mode = WAL");
	raw_exec(db, "PRAGMA synchronous = NORMAL");
	if (sqlite3_prepare_v2(db, lead_insert_sql, -1, &li, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, event_insert_sql, -1, &ei, NULL) != SQLITE_OK)
		BENCH_FAIL("raw: prepare: %s", sqlite3_errmsg(db));
	FILE *f = fopen(csv_path, "r");
	if (!f)
		BENCH_FAIL("raw: cannot read %s", csv_path);
	char line[1024];
	int64_t rows = 0;
	int64_t now = (int64_t)time(NULL);
	raw_exec(db, "BEGIN IMMEDIATE");
	if (!fgets(line, sizeof line, f)) /* the header */
		BENCH_FAIL("raw: %s is empty", csv_path);
	while (fgets(line, sizeof line, f)) {
		/* The generated file has no quoted fields: split at commas. */
		char *field[5];
		int nf = 0;
		char *p = line;
		line[strcspn(line, "\r\n")] = '\0';
		while (nf < 5) {
			field[nf++] = p;
			char *comma = strchr(p, ',');
			if (!comma)
				break;
			*comma = '\0';
			p = comma + 1;
		}
		if (nf != 5)
			BENCH_FAIL("raw: line %lld has %d fields", (long long)rows + 2, nf);
		for (int i = 1; i <= 37; i++)
			sqlite3_bind_null(li, i);
		sqlite3_bind_text(li, 1, field[0], -1, SQLITE_STATIC);
		sqlite3_bind_int64(li, 2, 1);
		sqlite3_bind_int64(li, 3, now);
		sqlite3_bind_int(li, 5, 0);
		sqlite3_bind_text(li, 6, field[1], -1, SQLITE_STATIC);
		sqlite3_bind_text(li, 7, field[2], -1, SQLITE_STATIC);
		sqlite3_bind_text(li, 8, field[3], -1, SQLITE_STATIC);
		sqlite3_bind_text(li, 14, field[4], -1, SQLITE_STATIC);
		for (int i = 26; i <= 28; i++)
			sqlite3_bind_int(li, i, 0);
		sqlite3_bind_int64(li, 36, 0);
		sqlite3_bind_int64(li, 37, 0);
		if (sqlite3_step(li) != SQLITE_DONE)
			BENCH_FAIL("raw: insert: %s", sqlite3_errmsg(db));
		sqlite3_reset(li);
		int64_t id = sqlite3_last_insert_rowid(db);

		for (int i = 1; i <= 33; i++)
			sqlite3_bind_null(ei, i);
		sqlite3_bind_int64(ei, 1, id);
		sqlite3_bind_int64(ei, 2, 1);
		sqlite3_bind_int64(ei, 3, now);
		sqlite3_bind_text(ei, 4, "create", -1, SQLITE_STATIC);
		sqlite3_bind_int64(ei, 6, 1);
		sqlite3_bind_int64(ei, 23, 0);
		sqlite3_bind_int64(ei, 32, 0);
		if (sqlite3_step(ei) != SQLITE_DONE)
			BENCH_FAIL("raw: event: %s", sqlite3_errmsg(db));
		sqlite3_reset(ei);
		rows++;
	}
	raw_exec(db, "COMMIT");
	fclose(f);
	sqlite3_finalize(li);
	sqlite3_finalize(ei);
	sqlite3_close(db);
	return rows;
}

/* ---- case crm: a CRM export with two dispositions a row ---- */

static const char *const crm_agents[] = { "Anna Snelling", "Darcel Schlecht", "Moses Frase",
					  "Versie Hillebrand", "Kary Hendrixson" };

static void write_crm_csv(const char *path, int64_t n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		BENCH_FAIL("cannot write %s", path);
	fputs("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,"
	      "close_value\n", f);
	for (int64_t i = 1; i <= n; i++) {
		int won = i % 3 != 0;
		fprintf(f, "D%08lld,%s,GTX Pro,Account %lld,%s,%02d/%02d/2036,%02d/%02d/2037,%s\n",
			(long long)i, crm_agents[i % 5], (long long)(i % 85), won ? "Won" : "Lost",
			(int)(1 + i % 12), (int)(1 + i % 28), (int)(1 + i % 12), (int)(1 + (i + 7) % 28),
			won ? "1054" : "0");
	}
	if (fclose(f) != 0)
		BENCH_FAIL("cannot write %s", path);
}

static lc_time crm_now;

static lc_time crm_clock(void *ud)
{
	(void)ud;
	return crm_now;
}

static char *source_file(const char *rel, char *buf, size_t n)
{
	const char *root = getenv("LC_SOURCE_ROOT");
	snprintf(buf, n, "%s/%s", root ? root : ".", rel);
	return buf;
}

/* A fresh store with the deals model at `path`, opened with the bench clock. */
static lc_db *crm_store(const bench_args *a, char *path, size_t size, const char *name)
{
	char uri[4200], model_path[4096];
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_model *m = NULL;
	lc_db *db = NULL;
	bench_path(path, size, a, name);
	remove(path);
	snprintf(uri, sizeof uri, "sqlite:%s", path);
	o.clock = crm_clock;
	BENCH_CHECK(lc_db_open(&db, uri, &o));
	BENCH_CHECK(lc_model_load(&m, source_file("examples/models/deals.json", model_path,
						   sizeof model_path)));
	BENCH_CHECK(lc_db_install_model(db, m, NULL));
	lc_model_free(m);
	return db;
}

static lc_time us_date(const char *s)
{
	char iso[16];
	lc_time t;
	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", s + 6, s, s + 3);
	BENCH_CHECK(lc_time_parse(iso, &t));
	return t;
}

static void crm_apply(lc_db *db, lc_id id, lc_disposition *d, lc_time at)
{
	crm_now = at;
	BENCH_CHECK(lc_db_apply(db, id, d, -1, NULL, NULL));
}

/* The hand-written side: the same calls, row by row, in one transaction. */
static int64_t crm_by_hand(lc_db *db, const char *csv_path)
{
	FILE *f = fopen(csv_path, "r");
	const lc_model *m = lc_db_model(db);
	lc_disposition *engage = NULL, *won = NULL, *lost = NULL;
	lc_lead *l = NULL;
	char line[512];
	int64_t rows = 0;
	if (!f || !fgets(line, sizeof line, f))
		BENCH_FAIL("crm: cannot read %s", csv_path);
	BENCH_CHECK(lc_disposition_new(&engage, m));
	BENCH_CHECK(lc_disposition_new(&won, m));
	BENCH_CHECK(lc_disposition_new(&lost, m));
	BENCH_CHECK(lc_disposition_set(engage, LC_AXIS_ACTION, "engage"));
	BENCH_CHECK(lc_disposition_set(engage, LC_AXIS_STAGE, "engaging"));
	BENCH_CHECK(lc_disposition_set(won, LC_AXIS_ACTION, "win_lead"));
	BENCH_CHECK(lc_disposition_set(won, LC_AXIS_STAGE, "won"));
	BENCH_CHECK(lc_disposition_set(won, LC_AXIS_STATUS, "won"));
	BENCH_CHECK(lc_disposition_set(lost, LC_AXIS_ACTION, "lose_lead"));
	BENCH_CHECK(lc_disposition_set(lost, LC_AXIS_STAGE, "lost"));
	BENCH_CHECK(lc_disposition_set(lost, LC_AXIS_STATUS, "lost"));
	BENCH_CHECK(lc_disposition_set(lost, LC_AXIS_REASON, "not_recorded"));
	BENCH_CHECK(lc_lead_new(&l));
	BENCH_CHECK(lc_lead_bind(l, m));
	BENCH_CHECK(lc_db_begin(db));
	while (fgets(line, sizeof line, f)) {
		char *fld[8], *p = line;
		lc_lead *found = NULL;
		lc_id agent, id;
		line[strcspn(line, "\r\n")] = '\0';
		for (int k = 0; k < 8; k++) {
			fld[k] = p;
			p += strcspn(p, ",");
			if (*p)
				*p++ = '\0';
		}
		lc_lead_reset(l);
		/* As the mapping's dedupe: is the deal there already? */
		if (lc_db_lead_find(db, fld[0], &found) != LC_ENOTFOUND)
			BENCH_FAIL("crm: %s is there already", fld[0]);
		if (lc_db_agent_find(db, fld[1], &agent) == LC_ENOTFOUND)
			BENCH_CHECK(lc_db_agent_add(db, fld[1], &agent));
		BENCH_CHECK(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, fld[0]));
		BENCH_CHECK(lc_lead_set_text(l, LC_LEAD_COMPANY, fld[3]));
		BENCH_CHECK(lc_lead_product_add(l, fld[2], NULL));
		BENCH_CHECK(lc_lead_set_amount(l, atoll(fld[7]) * 100, "USD"));
		BENCH_CHECK(lc_lead_set_agent(l, agent));
		crm_now = us_date(fld[5]);
		BENCH_CHECK(lc_db_lead_create(db, l, &id));
		crm_apply(db, id, engage, us_date(fld[5]));
		crm_apply(db, id, strcmp(fld[4], "Won") == 0 ? won : lost, us_date(fld[6]));
		rows++;
	}
	BENCH_CHECK(lc_db_commit(db));
	lc_lead_free(l);
	lc_disposition_free(engage);
	lc_disposition_free(won);
	lc_disposition_free(lost);
	fclose(f);
	return rows;
}

static int64_t crm_import(lc_db *db, const char *csv_path)
{
	char map_path[4096];
	lc_mapping *map = NULL;
	lc_table *r = NULL;
	int64_t rows;
	BENCH_CHECK(lc_mapping_load_file(&map, source_file("examples/mappings/crm-deals.json", map_path,
							   sizeof map_path)));
	if (lc_import_file(db, csv_path, map, NULL, &r) != 0)
		BENCH_FAIL("crm import: %s", lc_error_last());
	rows = lc_table_int_named(lc_table_summary(r), 0, "imported");
	if (lc_table_int_named(lc_table_summary(r), 0, "dispositions") != 2 * rows)
		BENCH_FAIL("crm import: not two dispositions a row");
	lc_table_free(r);
	lc_mapping_free(map);
	return rows;
}

static void crm_case(const bench_args *a)
{
	char csv[4096], path[4096], extra[64];
	snprintf(csv, sizeof csv, "%s/bench-import-crm-%lld.csv", a->dir ? a->dir : ".", (long long)a->n);
	write_crm_csv(csv, a->n);
	snprintf(extra, sizeof extra, "\"rows\":%" PRId64 ",\"dispositions_per_row\":2", a->n);
	for (int rep = 0; rep < a->reps; rep++)
		for (int side = 0; side < 2; side++) {
			int lc_side = (side == 0) == (rep % 2 == 0);
			const char *who = lc_side ? "leadcore" : "baseline";
			if (!bench_side(a, who))
				continue;
			lc_db *db = crm_store(a, path, sizeof path, lc_side ? "bench-import-crm-leadcore.db"
									  : "bench-import-crm-baseline.db");
			double t0 = bench_now();
			int64_t rows = lc_side ? crm_import(db, csv) : crm_by_hand(db, csv);
			double secs = bench_now() - t0;
			if (rows != a->n)
				BENCH_FAIL("crm %s: %" PRId64 " of %" PRId64 " rows", who, rows, a->n);
			bench_emit("import", "crm", who, rep, a->n, secs, extra);
			lc_db_close(db);
			remove(path);
		}
	remove(csv);
}

/* ---- leadcore's side ---- */

static int64_t lc_import(const char *db_path, const char *csv_path, const lc_mapping *map)
{
	char uri[4200];
	snprintf(uri, sizeof uri, "sqlite:%s", db_path);
	lc_db *db = NULL;
	BENCH_CHECK(lc_db_open(&db, uri, NULL));
	lc_table *r = NULL;
	int rc = lc_import_file(db, csv_path, map, NULL, &r);
	if (rc != 0)
		BENCH_FAIL("import: %d %s (first bad row: line %llu: %s)", rc, lc_error_last(),
			   (unsigned long long)(uint64_t)lc_table_int_named(r, 0, "line"),
			   lc_table_text_named(r, 0, "reason") ? lc_table_text_named(r, 0, "reason")
								 : "none");
	int64_t rows = (int64_t)(uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported");
	lc_table_free(r);
	lc_db_close(db);
	return rows;
}

/* A fresh store with the particle model and no leads, at `path`. */
static void fresh_store(const bench_args *a, char *path, size_t size, const char *name)
{
	char uri[4200];
	bench_path(path, size, a, name);
	snprintf(uri, sizeof uri, "sqlite:%s", path);
	lc_db *db = bench_store_open(uri, 0);
	lc_db_close(db);
}

int main(int argc, char **argv)
{
	bench_args a = {.n = 1000000, .reps = 5};
	bench_parse(&a, argc, argv,
		    "lc_import_file() of a CSV of N leads against a hand-written prepared-insert "
		    "loop. Cases: csv (interleaved), rss (one import; use --only), crm (a CRM export, "
		    "two dispositions a row, against the same calls by hand).");
	if (a.smoke)
		a.n = 2000, a.reps = 1;
	char csv[4096], lc_path[4096], raw_path[4096];
	char csv_name[64];
	snprintf(csv_name, sizeof csv_name, "bench-import-%lld.csv", (long long)a.n);
	snprintf(csv, sizeof csv, "%s/%s", a.dir ? a.dir : ".", csv_name);
	write_csv(csv, a.n);
	lc_mapping *map = NULL;
	BENCH_CHECK(lc_mapping_load_string(&map, mapping_json, "bench mapping"));
	char extra[64];
	snprintf(extra, sizeof extra, "\"rows\":%" PRId64, a.n);

	if (!a.only_case || strcmp(a.only_case, "csv") == 0) {
		for (int rep = 0; rep < a.reps; rep++) {
			for (int side = 0; side < 2; side++) {
				int lc_side = (side == 0) == (rep % 2 == 0);
				if (lc_side && bench_side(&a, "leadcore")) {
					fresh_store(&a, lc_path, sizeof lc_path, "bench-import-leadcore.db");
					double t0 = bench_now();
					int64_t rows = lc_import(lc_path, csv, map);
					double secs = bench_now() - t0;
					if (rows != a.n)
						BENCH_FAIL("import: %" PRId64 " of %" PRId64 " rows", rows, a.n);
					bench_emit("import", "csv", "leadcore", rep, a.n, secs, extra);
				} else if (!lc_side && bench_side(&a, "baseline")) {
					fresh_store(&a, raw_path, sizeof raw_path, "bench-import-baseline.db");
					double t0 = bench_now();
					int64_t rows = raw_import(raw_path, csv);
					double secs = bench_now() - t0;
					if (rows != a.n)
						BENCH_FAIL("raw import: %" PRId64 " of %" PRId64 " rows", rows, a.n);
					bench_emit("import", "csv", "baseline", rep, a.n, secs, extra);
				}
			}
		}
	}
	if (!a.only_case || strcmp(a.only_case, "crm") == 0)
		crm_case(&a);
	if (a.only_case && strcmp(a.only_case, "rss") == 0) {
		/* One import in this process: its peak RSS is the import's. */
		int lc_side = bench_side(&a, "leadcore");
		fresh_store(&a, lc_path, sizeof lc_path,
			    lc_side ? "bench-import-leadcore.db" : "bench-import-baseline.db");
		double t0 = bench_now();
		int64_t rows = lc_side ? lc_import(lc_path, csv, map) : raw_import(lc_path, csv);
		double secs = bench_now() - t0;
		if (rows != a.n)
			BENCH_FAIL("import: %" PRId64 " of %" PRId64 " rows", rows, a.n);
		bench_emit("import", "csv_rss", lc_side ? "leadcore" : "baseline", 0, a.n, secs, extra);
	}
	lc_mapping_free(map);
	remove(csv);
	return 0;
}
