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
 * - the schema is readable with plain SQL (schema_version, leads, events).
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
	int64_t n = -1;

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
	};

	(void)argc;
	(void)argv;
	if (!pg_test_uri())
		return pg_test_skip("pg-postgres");
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
