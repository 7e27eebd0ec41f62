/*
 * The PostgreSQL backend on a real server (LC_TEST_PG_URI; scripts/test.sh
 * starts one), for what the conformance suite cannot show:
 * - a connection lost mid-transaction is LC_EIO and nothing of the
 *   transaction is written; the handle connects again at its next call;
 * - opening: bad URIs, a missing database, an empty schema without
 *   LC_DB_CREATE, a schema of foreign tables, a newer schema version, and
 *   no password ever in a message;
 * - a model another client installs is seen without reopening;
 * - a deadlock between two batches is LC_EBUSY for one of them, and the
 *   other commits;
 * - the schema is readable with plain SQL (schema_version, leads, events);
 * - an import written behind (the defer slot) gives the leads, ids and
 *   histories the same import gives on SQLite, first and again, and with
 *   rows repeated within a batch; a row whose
 *   write fails late (a trigger, another connection taking its external id
 *   mid-batch) is rejected alone with its line; a connection lost mid-batch
 *   is LC_EIO with nothing written.
 * Usage: test_pg_postgres postgres (skips without LC_TEST_PG_URI).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/pg_test.h"

#include "leadcore/leadcore.h"

static const char model_json[] =
	"{\"format\": 1, \"name\": \"pg\", \"version\": 1,"
	" \"actions\": [{\"label\": \"Call\"}, {\"label\": \"Meeting\"}],"
	" \"milestones\": [{\"label\": \"New\"}, {\"label\": \"Contacted\"}],"
	" \"statuses\": [{\"label\": \"Open\", \"lifecycle\": \"open\"},"
	"   {\"label\": \"Nurturing\", \"lifecycle\": \"open\"}],"
	" \"lifecycles\": [{\"label\": \"Open\"}]}";

static char uri[700];  /* this run's store */
static char app[64];   /* its connections' application_name */
static char schema[96];

static void ok_at(int rc, const char *expr, const char *file, int line)
{
	if (rc != 0) {
		print_error("%s:%d: %s returned %s: %s\n", file, line, expr, lc_error_name(rc),
			    lc_error_last());
		_fail(file, line);
	}
}
#define OK(x) ok_at((x), #x, __FILE__, __LINE__)

static lc_db *open_store(int32_t busy_ms)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;

	o.busy_timeout_ms = busy_ms;
	OK(lc_db_open(&db, uri, &o));
	return db;
}

static int apply(lc_db *db, lc_id lead, long i)
{
	lc_disposition *d = NULL;
	int rc = lc_disposition_new(&d, lc_db_model(db));

	if (!rc)
		rc = lc_disposition_set(d, LC_AXIS_ACTION, i % 2 ? "call" : "meeting");
	if (!rc)
		rc = lc_disposition_set(d, LC_AXIS_MILESTONE, i % 3 ? "contacted" : "new");
	if (!rc)
		rc = lc_disposition_set(d, LC_AXIS_STATUS, i % 2 ? "open" : "nurturing");
	if (!rc)
		rc = lc_db_apply(db, lead, d, -1, NULL, NULL);
	lc_disposition_free(d);
	return rc;
}

static int64_t count_leads(lc_db *db)
{
	lc_query *q = NULL;
	size_t n = SIZE_MAX;

	OK(lc_query_new(&q));
	OK(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE));
	OK(lc_db_count(db, q, &n));
	lc_query_free(q);
	return n;
}

static int64_t version_of(lc_db *db, lc_id lead)
{
	lc_lead *l = NULL;
	int64_t v;

	OK(lc_db_lead_get(db, lead, &l));
	v = lc_lead_number(l, LC_LEAD_NUM_VERSION);
	lc_lead_free(l);
	return v;
}

/* Cut this run's connections from the server side. */
static void kill_connections(void)
{
	char sql[200];

	snprintf(sql, sizeof sql,
		 "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
		 "WHERE application_name = '%s'",
		 app);
	assert_true(pg_test_exec(sql) >= 1);
	usleep(100 * 1000);
}

static void test_connection_lost(void **state)
{
	lc_db *db = open_store(2000);
	lc_lead *l = NULL;
	int64_t leads = count_leads(db), v = version_of(db, 1);
	int rc;

	(void)state;
	/* Mid-transaction: the batch's writes are gone with the connection. */
	OK(lc_db_begin(db));
	OK(lc_lead_new(&l));
	OK(lc_lead_set_text(l, LC_LEAD_NAME, "half-written"));
	OK(lc_db_lead_create(db, l, NULL));
	OK(apply(db, 1, 7));
	kill_connections();
	rc = apply(db, 1, 8);
	assert_int_equal(rc, LC_EIO);
	assert_non_null(strstr(lc_error_last(), "connection"));
	assert_null(strstr(lc_error_last(), "password"));
	OK(lc_db_rollback(db));
	/* The next call connects again, and finds nothing of the batch. */
	assert_int_equal(count_leads(db), leads);
	assert_int_equal(version_of(db, 1), v);
	/* Between calls, the loss is invisible: the next call reconnects. */
	kill_connections();
	OK(apply(db, 1, 9));
	assert_int_equal(version_of(db, 1), v + 1);
	lc_lead_free(l);
	lc_db_close(db);
}

static void test_open_errors(void **state)
{
	const char *base = pg_test_uri();
	const char *host = strstr(base, "host=");
	lc_db_options o = LC_DB_OPTIONS_INIT;
	char u[2000];
	lc_db *db = NULL;
	long long n;

	(void)state;
	assert_int_equal(lc_db_open(&db, "postgresql:leadcore", NULL), LC_EINVAL);
	assert_int_equal(lc_db_open(&db, "postgres://x/y?schema=Bad-Name", NULL), LC_EINVAL);
	/* A database that does not exist: named, with the password masked. */
	assert_non_null(host);
	snprintf(u, sizeof u, "postgresql://leadcore:s3cret-pw@/no_such_db_here?%.*s", (int)strcspn(host, "&"),
		 host);
	assert_int_equal(lc_db_open(&db, u, NULL), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "no_such_db_here"));
	assert_null(strstr(lc_error_last(), "s3cret-pw"));
	snprintf(u, sizeof u, "postgresql://leadcore@/leadcore_test?host=/nonexistent-dir&password=s3cret-pw");
	assert_int_equal(lc_db_open(&db, u, NULL), LC_EIO);
	assert_null(strstr(lc_error_last(), "s3cret-pw"));
	/* An empty schema is not created without LC_DB_CREATE, nor read-only. */
	snprintf(u, sizeof u, "%s&schema=%s_empty", uri, schema);
	o.flags = 0;
	assert_int_equal(lc_db_open(&db, u, &o), LC_ENOTFOUND);
	o.flags = LC_DB_READONLY;
	assert_int_equal(lc_db_open(&db, u, &o), LC_ENOTFOUND);
	/* A schema of someone else's tables is not taken over. */
	snprintf(u, sizeof u, "CREATE SCHEMA %s_foreign; CREATE TABLE %s_foreign.orders (id int)",
		 schema, schema);
	assert_true(pg_test_exec(u) >= 0);
	snprintf(u, sizeof u, "%s&schema=%s_foreign", uri, schema);
	assert_int_equal(lc_db_open(&db, u, NULL), LC_EFORMAT);
	/* A store written by a newer leadcore. */
	snprintf(u, sizeof u,
		 "CREATE SCHEMA %s_newer; CREATE TABLE %s_newer.schema_version (version int); "
		 "INSERT INTO %s_newer.schema_version VALUES (99)",
		 schema, schema, schema);
	assert_true(pg_test_exec(u) >= 0);
	snprintf(u, sizeof u, "%s&schema=%s_newer", uri, schema);
	assert_int_equal(lc_db_open(&db, u, NULL), LC_EVERSION);
	/* The store's own schema says what it is, to psql as well. */
	snprintf(u, sizeof u, "SELECT max(version) FROM %s.schema_version", schema);
	n = pg_test_exec(u);
	assert_int_equal(n, 2);
	snprintf(u, sizeof u, "SELECT count(*) FROM %s.events WHERE lead_id = 1", schema);
	assert_true(pg_test_exec(u) >= 1);
	/* A version 1 store (before the account column) is upgraded by the
	 * first writable open; a read-only one says so. */
	snprintf(u, sizeof u,
		 "ALTER TABLE %s.leads DROP COLUMN account; "
		 "DELETE FROM %s.schema_version WHERE version = 2",
		 schema, schema);
	assert_true(pg_test_exec(u) >= 0);
	snprintf(u, sizeof u, "%s&schema=%s", uri, schema);
	o.flags = LC_DB_READONLY;
	assert_int_equal(lc_db_open(&db, u, &o), LC_EVERSION);
	assert_non_null(strstr(lc_error_last(), "open it once for writing"));
	o.flags = 0;
	assert_int_equal(lc_db_open(&db, u, &o), 0);
	lc_db_close(db);
	snprintf(u, sizeof u, "SELECT count(*) FROM %s.leads WHERE account IS NULL", schema);
	assert_true(pg_test_exec(u) >= 1);
}

static void test_model_seen_without_reopening(void **state)
{
	lc_db *a = open_store(2000), *b = open_store(2000);
	lc_model *m = NULL;
	int64_t v = lc_db_model_version(a), installed = 0;

	(void)state;
	assert_int_equal(lc_db_model_version(b), v);
	OK(lc_model_load_string(&m, model_json, "pg"));
	OK(lc_db_install_model(a, m, &installed));
	assert_int_equal(installed, v + 1);
	/* b has not reopened: its next call finds the new version. */
	(void)version_of(b, 1);
	assert_int_equal(lc_db_model_version(b), v + 1);
	OK(apply(b, 1, 3));
	lc_model_free(m);
	lc_db_close(a);
	lc_db_close(b);
}

typedef struct batch {
	lc_db *db;
	lc_id first, second;
	int rc;
} batch;

static void *run_second(void *arg)
{
	batch *b = arg;

	b->rc = apply(b->db, b->second, 2);
	return NULL;
}

static void test_deadlock(void **state)
{
	batch a = { open_store(20000), 1, 2, -1 }, b = { open_store(20000), 2, 1, -1 };
	int64_t v1, v2;
	pthread_t th;

	(void)state;
	v1 = version_of(a.db, 1);
	v2 = version_of(a.db, 2);
	OK(lc_db_begin(a.db));
	OK(lc_db_begin(b.db));
	OK(apply(a.db, a.first, 1));
	OK(apply(b.db, b.first, 1));
	/* a waits for lead 2 (b's) while b asks for lead 1 (a's): the server
	 * breaks the cycle by aborting one of them, and only the other's two
	 * applies are stored. */
	assert_int_equal(pthread_create(&th, NULL, run_second, &a), 0);
	usleep(200 * 1000);
	b.rc = apply(b.db, b.second, 2);
	if (b.rc == LC_EBUSY) {
		assert_non_null(strstr(lc_error_last(), "retry"));
		OK(lc_db_rollback(b.db));
		assert_int_equal(pthread_join(th, NULL), 0);
		OK(a.rc);
		OK(lc_db_commit(a.db));
		assert_int_equal(version_of(b.db, 1), v1 + 1);
		assert_int_equal(version_of(b.db, 2), v2 + 1);
	} else {
		assert_int_equal(pthread_join(th, NULL), 0);
		assert_int_equal(a.rc, LC_EBUSY);
		OK(b.rc);
		OK(lc_db_rollback(a.db));
		OK(lc_db_commit(b.db));
		assert_int_equal(version_of(a.db, 1), v1 + 1);
		assert_int_equal(version_of(a.db, 2), v2 + 1);
	}
	lc_db_close(a.db);
	lc_db_close(b.db);
}

/* ---- imports written behind ---- */

#define T_IMPORT 1780304400 /* 2026-06-01T09:00:00Z */

static const char import_map[] =
	"{\"format\": 1, \"dedupe\": \"external_id\","
	" \"fields\": {\"external_id\": \"Id\", \"name\": \"Name\"},"
	" \"attributes\": {\"city\": \"City\", \"visits\": \"Visits\"},"
	" \"dispositions\": ["
	"  {\"action\": {\"column\": \"Act\", \"values\": {\"c\": \"call\", \"m\": \"meeting\"}},"
	"   \"milestone\": \"contacted\","
	"   \"status\": {\"column\": \"St\", \"values\": {\"o\": \"open\", \"n\": \"nurturing\"}}},"
	"  {\"when\": {\"column\": \"Again\", \"values\": [\"1\"]}, \"action\": \"meeting\","
	"   \"status\": \"nurturing\"}]}";

/* The same mapping without a dedupe key: a taken external id is a bad row. */
static const char import_map_plain[] =
	"{\"format\": 1, \"fields\": {\"external_id\": \"Id\", \"name\": \"Name\"},"
	" \"dispositions\": [{\"action\": \"call\", \"status\": \"nurturing\"}]}";

static lc_time fixed_clock(void *ud)
{
	(void)ud;
	return T_IMPORT;
}

/* A CSV of n rows (ids PREFIX-0000 ...), about a third with a second
 * disposition. Freed by the caller. */
static char *import_csv(const char *prefix, int n, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	fprintf(f, "Id,Name,City,Visits,Act,St,Again\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "%s-%04d,Lead %d,%s,%d,%s,%s,%d\n", prefix, i, i,
			i % 5 ? "Pune" : "Delhi", i % 7, i % 2 ? "c" : "m", i % 3 ? "o" : "n",
			i % 3 == 0);
	fclose(f);
	return buf;
}

static lc_db *open_with_clock(const char *where)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;

	o.clock = fixed_clock;
	o.busy_timeout_ms = 5000;
	OK(lc_db_open(&db, where, &o));
	OK(lc_model_load_string(&m, model_json, "pg"));
	OK(lc_db_install_model(db, m, NULL));
	lc_model_free(m);
	return db;
}

static lc_table *run_import(lc_db *db, const char *csv, size_t len, const char *map_json,
			    lc_import_progress_fn progress, void *ud, int want)
{
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_mapping *m = NULL;
	lc_table *r = NULL;

	o.flags = LC_IMPORT_SKIP_BAD_ROWS;
	o.at = T_IMPORT;
	o.progress = progress;
	o.progress_ud = ud;
	o.progress_every = 1;
	OK(lc_mapping_load_string(&m, map_json, "test"));
	assert_int_equal(lc_import_buffer(db, csv, len, m, &o, &r), want);
	lc_mapping_free(m);
	return r;
}

static int64_t summary(const lc_table *r, const char *col)
{
	return lc_table_int_named(lc_table_summary(r), 0, col);
}

/* Every lead (ids, fields, state) and its history, as text. Freed by the caller. */
static char *dump(lc_db *db)
{
	static const lc_axis axes[] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS };
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	assert_non_null(f);
	OK(lc_query_new(&q));
	OK(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE));
	OK(lc_db_query(db, q, &it));
	while ((rc = lc_lead_iter_next(it, &l)) == 1) {
		lc_id id = lc_lead_number(l, LC_LEAD_NUM_ID);
		lc_event_iter *h = NULL;
		const lc_event *ev;
		fprintf(f, "lead %lld %s %s v%lld %s/%s city=%s visits=%s touched=%lld\n",
			(long long)id, lc_lead_text(l, LC_LEAD_EXTERNAL_ID),
			lc_lead_text(l, LC_LEAD_NAME), (long long)lc_lead_number(l, LC_LEAD_NUM_VERSION),
			lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE),
			lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), lc_lead_attr_get(l, "city"),
			lc_lead_attr_get(l, "visits"),
			(long long)lc_lead_number(l, LC_LEAD_NUM_TOUCHED_AT));
		OK(lc_db_history(db, id, &h));
		while ((rc = lc_event_iter_next(h, &ev)) == 1) {
			fprintf(f, "  event %lld seq %lld at %lld kind %lld", (long long)lc_event_number(ev, LC_EVENT_NUM_ID),
				(long long)lc_event_number(ev, LC_EVENT_NUM_SEQ),
				(long long)lc_event_number(ev, LC_EVENT_NUM_TIME),
				(long long)lc_event_number(ev, LC_EVENT_NUM_KIND));
			for (size_t a = 0; a < sizeof axes / sizeof axes[0]; a++)
				fprintf(f, " %s", lc_event_value(ev, axes[a]) ? lc_event_value(ev, axes[a]) : "-");
			fprintf(f, " by %s\n", lc_event_text(ev, LC_EVENT_TEXT_ACTOR) ? lc_event_text(ev, LC_EVENT_TEXT_ACTOR) : "-");
		}
		assert_int_equal(rc, 0);
		lc_event_iter_free(h);
	}
	assert_int_equal(rc, 0);
	lc_lead_iter_free(it);
	lc_query_free(q);
	fclose(f);
	return buf;
}

static void assert_clean(lc_db *db)
{
	lc_table *v = NULL;

	OK(lc_db_verify(db, &v));
	if (lc_table_row_count(v))
		print_error("verify: %s\n", lc_table_text_named(v, 0, "message"));
	assert_int_equal(lc_table_row_count(v), 0);
	lc_table_free(v);
}

static void store_uri(char *buf, size_t size, const char *tag)
{
	char base[600];

	assert_int_equal(pg_test_store_uri(base, sizeof base, tag), 0);
	snprintf(buf, size, "%s&application_name=%s", base, app);
}

/* Three batches and a half, first and again (a no-op), on both backends. */
static void test_import_behind_same_as_sqlite(void **state)
{
	char where[700];
	size_t len;
	char *csv = import_csv("x", 700, &len);
	lc_db *pg, *lite;
	char *a, *b;
	lc_table *r;

	(void)state;
	store_uri(where, sizeof where, "pgimp");
	pg = open_with_clock(where);
	lite = open_with_clock(":memory:");
	for (int round = 0; round < 2; round++) {
		r = run_import(pg, csv, len, import_map, NULL, NULL, 0);
		assert_int_equal(summary(r, "rows"), 700);
		assert_int_equal(summary(r, round ? "unchanged" : "imported"), 700);
		assert_int_equal(summary(r, "dispositions"), round ? 0 : 700 + 234);
		assert_int_equal(summary(r, "rejected"), 0);
		lc_table_free(r);
		lc_table_free(run_import(lite, csv, len, import_map, NULL, NULL, 0));
		a = dump(lite);
		b = dump(pg);
		if (strcmp(a, b) != 0)
			print_error("SQLite:\n%.600s\nPostgreSQL:\n%.600s\n", a, b);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	assert_clean(pg);
	lc_db_close(lite);
	lc_db_close(pg);
	pg_test_drop(where);
	free(csv);
}

/* Rows that come back in the same batch (the lead written a few rows
 * before, held back): the same leads, histories and counts as on SQLite. */
static void test_import_behind_repeated_rows(void **state)
{
	static const char *const cols[] = { "rows", "imported", "updated", "unchanged",
					    "dispositions", "repeats", "rejected" };
	char where[700], *csv = NULL, *a, *b;
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);
	lc_db *pg, *lite;
	lc_table *rp, *rl;

	(void)state;
	fprintf(f, "Id,Name,City,Visits,Act,St,Again\n");
	for (int i = 0; i < 400; i++) {
		int id = i % 10 == 9 ? i - 5 : i; /* a tenth repeat a row 5 before */
		fprintf(f, "r-%04d,Name %d,%s,%d,%s,%s,%d\n", id, i, i % 4 ? "Pune" : "Goa", i % 9,
			i % 2 ? "c" : "m", i % 3 ? "n" : "o", i % 4 == 0);
	}
	fclose(f);
	store_uri(where, sizeof where, "pgimp");
	pg = open_with_clock(where);
	lite = open_with_clock(":memory:");
	rp = run_import(pg, csv, len, import_map, NULL, NULL, 0);
	rl = run_import(lite, csv, len, import_map, NULL, NULL, 0);
	assert_int_equal(summary(rp, "updated"), 40);
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		assert_int_equal(summary(rp, cols[i]), summary(rl, cols[i]));
	a = dump(lite);
	b = dump(pg);
	assert_string_equal(a, b);
	free(a);
	free(b);
	assert_clean(pg);
	lc_table_free(rp);
	lc_table_free(rl);
	lc_db_close(lite);
	lc_db_close(pg);
	pg_test_drop(where);
	free(csv);
}

/* A write that fails on the server (a trigger refuses one external id):
 * that row alone is left out, with its line. */
static void test_import_behind_late_failure(void **state)
{
	char where[700], sql[1200];
	size_t len;
	char *csv = import_csv("late", 600, &len);
	const char *sch;
	lc_db *db;
	lc_lead *l = NULL;
	lc_table *r;

	(void)state;
	store_uri(where, sizeof where, "pgimp");
	db = open_with_clock(where);
	sch = strstr(where, "schema=") + 7;
	snprintf(sql, sizeof sql,
		 "CREATE FUNCTION %.*s.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
		 "IF NEW.external_id = 'late-0300' THEN RAISE EXCEPTION 'refused by a trigger' "
		 "USING ERRCODE = 'unique_violation'; END IF; RETURN NEW; END $$; "
		 "CREATE TRIGGER refuse BEFORE INSERT ON %.*s.leads FOR EACH ROW "
		 "EXECUTE FUNCTION %.*s.refuse(); SELECT 1",
		 (int)strcspn(sch, "&"), sch, (int)strcspn(sch, "&"), sch, (int)strcspn(sch, "&"), sch);
	assert_int_equal(pg_test_exec(sql), 1);
	r = run_import(db, csv, len, import_map, NULL, NULL, 0);
	assert_int_equal(summary(r, "imported"), 599);
	assert_int_equal(summary(r, "rejected"), 1);
	assert_int_equal(summary(r, "dispositions"), 599 + 199);
	assert_int_equal(lc_table_row_count(r), 1);
	assert_int_equal(lc_table_int_named(r, 0, "line"), 302);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "late-0300"));
	lc_table_free(r);
	assert_int_equal(count_leads(db), 599);
	assert_int_equal(lc_db_lead_find(db, "late-0300", &l), LC_ENOTFOUND);
	OK(lc_db_lead_find(db, "late-0301", &l));
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 2);
	lc_lead_free(l);
	assert_clean(db);
	lc_db_close(db);
	pg_test_drop(where);
	free(csv);
}

typedef struct other_conn {
	const char *where;
	uint64_t at;
	const char *external_id;
} other_conn;

/* At row `at`, another connection creates a lead with an external id a
 * later row of the same batch brings. */
static int take_external_id(void *ud, uint64_t rows, uint64_t bytes, uint64_t total)
{
	other_conn *o = ud;
	lc_db *db;
	lc_lead *l = NULL;

	(void)bytes;
	(void)total;
	if (rows != o->at)
		return 0;
	db = open_store(5000);
	OK(lc_lead_new(&l));
	OK(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, o->external_id));
	OK(lc_db_lead_create(db, l, NULL));
	lc_lead_free(l);
	lc_db_close(db);
	return 0;
}

static void test_import_behind_concurrent_insert(void **state)
{
	size_t len;
	char *csv = import_csv("conc", 300, &len);
	other_conn o = { uri, 10, "conc-0020" };
	lc_db *db = open_store(5000);
	int64_t before = count_leads(db);
	lc_table *r;

	(void)state;
	r = run_import(db, csv, len, import_map_plain, take_external_id, &o, 0);
	assert_int_equal(summary(r, "imported"), 299);
	assert_int_equal(summary(r, "rejected"), 1);
	assert_int_equal(lc_table_int_named(r, 0, "line"), 22);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "conc-0020"));
	lc_table_free(r);
	assert_int_equal(count_leads(db), before + 300);
	assert_clean(db);
	lc_db_close(db);	free(csv);
}

static int kill_at(void *ud, uint64_t rows, uint64_t bytes, uint64_t total)
{
	(void)bytes;
	(void)total;
	if (rows == *(uint64_t *)ud)
		kill_connections();
	return 0;
}

static void test_import_behind_connection_lost(void **state)
{
	size_t len;
	char *csv = import_csv("lost", 400, &len);
	uint64_t at = 300;
	lc_db *db = open_store(5000);
	int64_t before = count_leads(db);
	lc_table *r;

	(void)state;
	r = run_import(db, csv, len, import_map, kill_at, &at, LC_EIO);
	assert_non_null(strstr(lc_error_last(), "connection"));
	lc_table_free(r);
	assert_int_equal(count_leads(db), before);
	lc_db_close(db);
	free(csv);
}

static int group_setup(void **state)
{
	lc_db *db = NULL;
	lc_model *m = NULL;
	char base[600];
	const char *s;

	(void)state;
	snprintf(app, sizeof app, "lctest_%ld", (long)getpid());
	if (pg_test_store_uri(base, sizeof base, "pgtest"))
		return -1;
	s = strstr(base, "schema=") + 7;
	snprintf(schema, sizeof schema, "%s", s);
	snprintf(uri, sizeof uri, "%s&application_name=%s", base, app);
	if (lc_db_open(&db, uri, NULL) || lc_model_load_string(&m, model_json, "pg") ||
	    lc_db_install_model(db, m, NULL))
		return -1;
	lc_model_free(m);
	for (int i = 0; i < 3; i++) {
		lc_lead *l = NULL;
		if (lc_lead_new(&l) || lc_db_lead_create(db, l, NULL) || apply(db, i + 1, 0))
			return -1;
		lc_lead_free(l);
	}
	lc_db_close(db);
	return 0;
}

static int group_teardown(void **state)
{
	char sql[400];

	(void)state;
	pg_test_drop(uri);
	snprintf(sql, sizeof sql,
		 "DROP SCHEMA IF EXISTS %s_empty, %s_foreign, %s_newer CASCADE", schema, schema,
		 schema);
	pg_test_exec(sql);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connection_lost),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_model_seen_without_reopening),
		cmocka_unit_test(test_deadlock),
		cmocka_unit_test(test_import_behind_same_as_sqlite),
		cmocka_unit_test(test_import_behind_repeated_rows),
		cmocka_unit_test(test_import_behind_late_failure),
		cmocka_unit_test(test_import_behind_concurrent_insert),
		cmocka_unit_test(test_import_behind_connection_lost),
	};

	(void)argc;
	(void)argv;
	if (!pg_test_uri())
		return pg_test_skip("pg-postgres");
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
