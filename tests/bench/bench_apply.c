/*
 * DESIGN §7, apply rows:
 *  - memory:  lc_db_apply() through the memory backend (target >= 2 M/s);
 *  - sqlite_batched: 1,000 applies per transaction (lc_db_begin/commit);
 *  - sqlite_per_tx:  one transaction per lc_db_apply();
 * each SQLite case against a hand-written loop issuing the statements that
 * the SQLite backend issues for an apply (src/store/sqlite/sqlite.c:
 * SQ_BEGIN_WRITE, SQ_LEAD_GET, SQ_EVENT_INSERT, the state UPDATE of the
 * columns that changed (update_stmt()), SQ_COMMIT), on a store that leadcore created (so the schema and the
 * pragmas are the same), in the same run, A B A B ... (target >= 0.8 x).
 *
 * The work is the particle cycle without its refused step, round-robin over
 * L leads; both sides end with the same rows (checked).
 */
#include <sqlite3.h>
#include <time.h>

#include "bench_store.h"

#define LEADS 1000
#define BATCH 1000

/* ---- the hand-written side ---- */

/* The lead columns the backend selects (its LEAD_COLS), so the read costs the same. */
#define RAW_LEAD_COLS                                                                        \
	"id, external_id, version, created_at, touched_at, recycled, name, email, phone, " \
	"company, type, category, priority, importance, source, lost_reason, owner_group, "  \
	"segment, probability, amount, currency, start_date, expected_completion, "          \
	"actual_completion, unit_id, agent_id, do_not_call, do_not_email, "                  \
	"automation_stopped, milestone, status, phase, stage, lifecycle, follow_up, "         \
	"stage_counts, item_count, note_count"
enum { RC_VERSION = 2, RC_TOUCHED = 4, RC_PHASE = 31, RC_STAGE = 32, RC_COUNTS = 35 };

static const char raw_get_sql[] = "SELECT " RAW_LEAD_COLS " FROM leads WHERE id = ?1";
static const char raw_event_sql[] =
	"INSERT INTO events (lead_id, seq, at, kind, actor, model_version, action, "
	"milestone, status, stage, reason, outcome, follow_up, note, rule, "
	"before_milestone, before_status, before_phase, before_stage, before_lifecycle, "
	"before_follow_up, before_completed_at, before_flags, before_stage_counts, "
	"after_milestone, after_status, after_phase, after_stage, after_lifecycle, "
	"after_follow_up, after_completed_at, after_flags, after_stage_counts) VALUES (?1, "
	"?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
	"?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)";
/* The backend sets only the state columns that changed (update_stmt() in
 * sqlite.c, same text and parameter numbers); in this cycle those can be
 * touched_at, phase, stage and stage_counts. */
enum { RU_TOUCHED = 1, RU_PHASE = 2, RU_STAGE = 4, RU_COUNTS = 8, RU_VARIANTS = 16 };
static const char *const raw_update_set[] = { ", touched_at = ?4", ", phase = ?7", ", stage = ?8",
					      ", stage_counts = ?12" };

typedef struct raw_step {
	const char *action, *stage, *reason, *outcome; /* what the event records */
	char after_stage[64], after_phase[64];
	int counts; /* entering the repeatable stage adds one to its count */
} raw_step;

typedef struct raw {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *get, *event, *update[RU_VARIANTS];
	raw_step step[BENCH_APPLY_STEPS];
} raw;

static void raw_exec(raw *r, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(r->db, sql, NULL, NULL, &err) != SQLITE_OK)
		BENCH_FAIL("raw: %s: %s", sql, err ? err : "?");
}

static sqlite3_stmt *raw_prepare(raw *r, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		BENCH_FAIL("raw: prepare: %s", sqlite3_errmsg(r->db));
	return st;
}

static void raw_step_run(raw *r, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		BENCH_FAIL("raw: step: %s", sqlite3_errmsg(r->db));
	sqlite3_reset(st);
}

/* The targets of each step, computed once with the engine: the hand-written
 * loop writes them as constants, as a program that knows its flow would. */
static void raw_steps(raw *r, const lc_model *m, bench_cycle *c)
{
	lc_state *st = NULL;
	BENCH_CHECK(lc_state_new(&st, m));
	BENCH_CHECK(lc_state_set(st, LC_AXIS_STAGE, "enquiry"));
	for (size_t k = 0; k < BENCH_APPLY_STEPS; k++) {
		raw_step *s = &r->step[k];
		size_t before = lc_state_stage_entries(st, "periodic_check_in");
		BENCH_CHECK(lc_transition(m, st, c->d[k], 0, st, NULL));
		s->action = c->step[k]->action;
		s->stage = c->step[k]->stage;
		s->reason = c->step[k]->reason;
		s->outcome = lc_outcome_name(c->step[k]->outcome);
		snprintf(s->after_stage, sizeof s->after_stage, "%s", lc_state_get(st, LC_AXIS_STAGE));
		snprintf(s->after_phase, sizeof s->after_phase, "%s", lc_state_get(st, LC_AXIS_PHASE));
		s->counts = lc_state_stage_entries(st, "periodic_check_in") != before;
	}
	lc_state_free(st);
}

static void raw_open(raw *r, const char *path, const lc_model *m, bench_cycle *c)
{
	memset(r, 0, sizeof *r);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		BENCH_FAIL("raw: open %s: %s", path, sqlite3_errmsg(r->db));
	/* The backend's connection settings. */
	sqlite3_busy_timeout(r->db, 5000);
	raw_exec(r, "PRAGMA foreign_keys = ON");
	raw_exec(r, "PRAGMA journal_mode = WAL");
	raw_exec(r, "PRAGMA synchronous = NORMAL");
	r->begin = raw_prepare(r, "BEGIN IMMEDIATE");
	r->commit = raw_prepare(r, "COMMIT");
	r->get = raw_prepare(r, raw_get_sql);
	r->event = raw_prepare(r, raw_event_sql);
	raw_steps(r, m, c);
}

static void raw_close(raw *r)
{
	sqlite3_finalize(r->begin);
	sqlite3_finalize(r->commit);
	sqlite3_finalize(r->get);
	sqlite3_finalize(r->event);
	for (int i = 0; i < RU_VARIANTS; i++)
		sqlite3_finalize(r->update[i]);
	sqlite3_close(r->db);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static sqlite3_stmt *raw_update(raw *r, unsigned cols)
{
	char sql[200] = "UPDATE leads SET version = ?2";
	if (!r->update[cols]) {
		for (int i = 0; i < 4; i++)
			if (cols & 1u << i)
				strcat(sql, raw_update_set[i]);
		strcat(sql, " WHERE id = ?1");
		r->update[cols] = raw_prepare(r, sql);
	}
	return r->update[cols];
}

/* One apply: read the lead, append the event, write the new state. */
static void raw_apply(raw *r, lc_id id, size_t k, int64_t now)
{
	const raw_step *s = &r->step[k];
	char before_stage[64], before_phase[64], before_counts[64], after_counts[64];
	int64_t version, touched;

	sqlite3_bind_int64(r->get, 1, id);
	if (sqlite3_step(r->get) != SQLITE_ROW)
		BENCH_FAIL("raw: lead %" PRId64 ": %s", id, sqlite3_errmsg(r->db));
	version = sqlite3_column_int64(r->get, RC_VERSION);
	touched = sqlite3_column_type(r->get, RC_TOUCHED) == SQLITE_NULL
			  ? INT64_MIN
			  : sqlite3_column_int64(r->get, RC_TOUCHED);
	const char *t = (const char *)sqlite3_column_text(r->get, RC_STAGE);
	snprintf(before_stage, sizeof before_stage, "%s", t ? t : "");
	t = (const char *)sqlite3_column_text(r->get, RC_PHASE);
	snprintf(before_phase, sizeof before_phase, "%s", t ? t : "");
	t = (const char *)sqlite3_column_text(r->get, RC_COUNTS);
	snprintf(before_counts, sizeof before_counts, "%s", t ? t : "");
	sqlite3_reset(r->get);

	/* Stage counts are "key=n"; only periodic_check_in counts in this cycle. */
	unsigned count = 0;
	sscanf(before_counts, "periodic_check_in=%u", &count);
	if (s->counts)
		count++;
	if (count)
		snprintf(after_counts, sizeof after_counts, "periodic_check_in=%u", count);

	sqlite3_stmt *e = r->event;
	sqlite3_bind_int64(e, 1, id);
	sqlite3_bind_int64(e, 2, version + 1);
	sqlite3_bind_int64(e, 3, now);
	sqlite3_bind_text(e, 4, "disposition", -1, SQLITE_STATIC);
	sqlite3_bind_null(e, 5);
	sqlite3_bind_int64(e, 6, 1);
	bind_text(e, 7, s->action);
	sqlite3_bind_null(e, 8);
	sqlite3_bind_null(e, 9);
	bind_text(e, 10, s->stage);
	bind_text(e, 11, s->reason);
	bind_text(e, 12, s->outcome);
	for (int i = 13; i <= 15; i++)
		sqlite3_bind_null(e, i);
	/* before: milestone, status, phase, stage, lifecycle, follow-up, completed, flags, counts */
	sqlite3_bind_null(e, 16);
	sqlite3_bind_null(e, 17);
	bind_text(e, 18, before_phase[0] ? before_phase : NULL);
	bind_text(e, 19, before_stage[0] ? before_stage : NULL);
	sqlite3_bind_null(e, 20);
	sqlite3_bind_null(e, 21);
	sqlite3_bind_null(e, 22);
	sqlite3_bind_int64(e, 23, 0);
	bind_text(e, 24, before_counts[0] ? before_counts : NULL);
	sqlite3_bind_null(e, 25);
	sqlite3_bind_null(e, 26);
	bind_text(e, 27, s->after_phase);
	bind_text(e, 28, s->after_stage);
	sqlite3_bind_null(e, 29);
	sqlite3_bind_null(e, 30);
	sqlite3_bind_null(e, 31);
	sqlite3_bind_int64(e, 32, 0);
	bind_text(e, 33, count ? after_counts : NULL);
	raw_step_run(r, e);

	unsigned cols = (touched != now ? RU_TOUCHED : 0) |
			(strcmp(before_phase, s->after_phase) ? RU_PHASE : 0) |
			(strcmp(before_stage, s->after_stage) ? RU_STAGE : 0) |
			(strcmp(before_counts, count ? after_counts : "") ? RU_COUNTS : 0);
	sqlite3_stmt *u = raw_update(r, cols);
	sqlite3_bind_int64(u, 1, id);
	sqlite3_bind_int64(u, 2, version + 1);
	if (cols & RU_TOUCHED)
		sqlite3_bind_int64(u, 4, now);
	if (cols & RU_PHASE)
		bind_text(u, 7, s->after_phase);
	if (cols & RU_STAGE)
		bind_text(u, 8, s->after_stage);
	if (cols & RU_COUNTS)
		bind_text(u, 12, count ? after_counts : NULL);
	raw_step_run(r, u);
	if (sqlite3_changes(r->db) != 1)
		BENCH_FAIL("raw: lead %" PRId64 " was not updated", id);
}

/* ---- the runs ---- */

/* Apply operations [from, from + n) of the round-robin schedule. */
static double lc_run(lc_db *db, bench_cycle *c, int64_t from, int64_t n, int batch)
{
	double t0 = bench_now();
	for (int64_t i = from; i < from + n; i++) {
		if (batch && (i - from) % BATCH == 0)
			BENCH_CHECK(lc_db_begin(db));
		lc_id id = 1 + i % LEADS;
		size_t k = (size_t)((i / LEADS) % (int64_t)BENCH_APPLY_STEPS);
		BENCH_CHECK(lc_db_apply(db, id, c->d[k], -1, NULL, NULL));
		if (batch && ((i - from) % BATCH == BATCH - 1 || i == from + n - 1))
			BENCH_CHECK(lc_db_commit(db));
	}
	return bench_now() - t0;
}

static double raw_run(raw *r, int64_t from, int64_t n, int batch)
{
	double t0 = bench_now();
	for (int64_t i = from; i < from + n; i++) {
		if (!batch || (i - from) % BATCH == 0)
			raw_step_run(r, r->begin);
		lc_id id = 1 + i % LEADS;
		size_t k = (size_t)((i / LEADS) % (int64_t)BENCH_APPLY_STEPS);
		raw_apply(r, id, k, (int64_t)time(NULL));
		if (!batch || (i - from) % BATCH == BATCH - 1 || i == from + n - 1)
			raw_step_run(r, r->commit);
	}
	return bench_now() - t0;
}

/* Both stores must hold the same leads and the same number of events. */
static void check_same(const char *lc_path, const char *raw_path)
{
	static const char q[] =
		"SELECT (SELECT count(*) FROM events), (SELECT group_concat(x, '|') FROM "
		"(SELECT id || ':' || version || ':' || coalesce(stage, '') || ':' || "
		"coalesce(phase, '') || ':' || coalesce(stage_counts, '') AS x FROM leads ORDER BY id))";
	char *out[2] = {NULL, NULL};
	const char *paths[2] = {lc_path, raw_path};
	for (int s = 0; s < 2; s++) {
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		if (sqlite3_open_v2(paths[s], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
			BENCH_FAIL("check: %s: %s", paths[s], sqlite3_errmsg(db));
		const char *t = (const char *)sqlite3_column_text(st, 1);
		size_t len = strlen(t ? t : "") + 32;
		out[s] = malloc(len);
		snprintf(out[s], len, "%lld/%s", (long long)sqlite3_column_int64(st, 0), t ? t : "");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	if (strcmp(out[0], out[1]) != 0)
		BENCH_FAIL("apply: leadcore's store and the hand-written loop's differ (%s and %s)",
			   lc_path, raw_path);
	free(out[0]);
	free(out[1]);
}

static void bench_sqlite(const bench_args *a, const char *name, int batch)
{
	char lc_path[4096], raw_path[4096], uri[4200];
	char lc_name[64], raw_name[64];
	snprintf(lc_name, sizeof lc_name, "bench-apply-%s-leadcore.db", name);
	snprintf(raw_name, sizeof raw_name, "bench-apply-%s-baseline.db", name);
	bench_path(lc_path, sizeof lc_path, a, lc_name);
	bench_path(raw_path, sizeof raw_path, a, raw_name);

	/* The baseline's store is made by leadcore too: same schema, same leads. */
	snprintf(uri, sizeof uri, "sqlite:%s", raw_path);
	lc_db *seed = bench_store_open(uri, LEADS);
	bench_cycle sc;
	bench_cycle_init(&sc, lc_db_model(seed));
	raw r;
	raw_open(&r, raw_path, lc_db_model(seed), &sc);
	bench_cycle_free(&sc);
	lc_db_close(seed);

	snprintf(uri, sizeof uri, "sqlite:%s", lc_path);
	lc_db *db = bench_store_open(uri, LEADS);
	bench_cycle c;
	bench_cycle_init(&c, lc_db_model(db));

	/* A commit per call costs ~100 x a batched apply: a tenth of the work
	 * keeps the run short and still takes seconds. */
	int64_t n = batch ? a->n : (a->n / 10 > 0 ? a->n / 10 : 1);
	for (int rep = 0; rep < a->reps; rep++) {
		int64_t from = (int64_t)rep * n;
		/* Alternate which side goes first, so neither always has the warm cache. */
		for (int side = 0; side < 2; side++) {
			int lc_side = (side == 0) == (rep % 2 == 0);
			if (lc_side && bench_side(a, "leadcore"))
				bench_emit("apply", name, "leadcore", rep, n, lc_run(db, &c, from, n, batch),
					   NULL);
			else if (!lc_side && bench_side(a, "baseline"))
				bench_emit("apply", name, "baseline", rep, n, raw_run(&r, from, n, batch),
					   NULL);
		}
	}
	bench_cycle_free(&c);
	lc_db_close(db);
	raw_close(&r);
	if (!a->only)
		check_same(lc_path, raw_path);
}

static void bench_memory(const bench_args *a)
{
	lc_db *probe = NULL;
	if (lc_db_open(&probe, "memory:", NULL) != 0) {
		fprintf(stderr, "bench_apply: memory backend not available: %s\n", lc_error_last());
		return;
	}
	lc_db_close(probe);
	lc_db *db = bench_store_open("memory:", LEADS);
	bench_cycle c;
	bench_cycle_init(&c, lc_db_model(db));
	for (int rep = 0; rep < a->reps; rep++)
		bench_emit("apply", "memory", "leadcore", rep, a->n,
			   lc_run(db, &c, (int64_t)rep * a->n, a->n, 0), NULL);
	bench_cycle_free(&c);
	lc_db_close(db);
}

int main(int argc, char **argv)
{
	bench_args a = {.n = 200000, .reps = 5};
	bench_parse(&a, argc, argv,
		    "lc_db_apply() through the memory backend and through SQLite (batched, and one "
		    "transaction per call) against a hand-written SQLite loop. Cases: memory, "
		    "sqlite_batched, sqlite_per_tx (which runs a tenth of --n).");
	if (a.smoke)
		a.n = 2000, a.reps = 2;
	if (bench_case(&a, "memory") && bench_side(&a, "leadcore"))
		bench_memory(&a);
	if (bench_case(&a, "sqlite_batched"))
		bench_sqlite(&a, "sqlite_batched", 1);
	if (bench_case(&a, "sqlite_per_tx"))
		bench_sqlite(&a, "sqlite_per_tx", 0);
	return 0;
}
