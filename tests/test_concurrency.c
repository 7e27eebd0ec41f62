/*
 * Concurrency (issue 3 §7) on one SQLite file:
 * - two processes apply to the same lead with expected versions, retrying on
 *   LC_ECONFLICT (and LC_EBUSY): no update is lost;
 * - a stale write gets LC_ECONFLICT and writes nothing;
 * - a writer blocked by another handle's open write transaction is retried
 *   within its busy timeout (and gets LC_EBUSY after a short one);
 * - threads with separate handles on the file lose no update either.
 *
 * Slow (processes, threads, waits): listed in lc_slow_suites. No timing is
 * asserted.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/store_files.h"
#include "support/verify_check.h"
#ifdef LC_TEST_HAVE_LIBPQ
#include "support/pg_test.h"
#endif

#include "leadcore/leadcore.h"

static const char model_json[] =
	"{\"format\": 1, \"name\": \"concurrency\", \"version\": 1,"
	" \"actions\": [{\"label\": \"Call\"}, {\"label\": \"Meeting\"}],"
	" \"milestones\": [{\"label\": \"New\"}, {\"label\": \"Contacted\"}],"
	" \"statuses\": [{\"label\": \"Open\", \"lifecycle\": \"open\"},"
	"   {\"label\": \"Nurturing\", \"lifecycle\": \"open\"}],"
	" \"lifecycles\": [{\"label\": \"Open\"}]}";

#define NLEADS 4
#define PER_PROCESS 150
#define THREADS 4
#define PER_THREAD 100

static char tmpdir[256], path[600];
/* Run against the PostgreSQL server of LC_TEST_PG_URI (argument "postgres"). */
static bool on_postgres;

static void ok_at(int rc, const char *expr, const char *file, int line)
{
	if (rc != 0) {
		print_error("%s:%d: %s returned %s: %s\n", file, line, expr, lc_error_name(rc),
			    lc_error_last());
		_fail(file, line);
	}
}
#define OK(x) ok_at((x), #x, __FILE__, __LINE__)

static int open_with(lc_db **db, int32_t busy_ms)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;

	o.busy_timeout_ms = busy_ms;
	return lc_db_open(db, path, &o);
}

static int apply_v(lc_db *db, lc_id lead, long i, int64_t expected)
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
		rc = lc_db_apply(db, lead, d, expected, NULL, NULL);
	lc_disposition_free(d);
	return rc;
}

typedef struct tally {
	long ok, conflicts, busy;
} tally;

/* `n` applies to `lead`, each against the version just read; a conflict or a
 * busy store is retried. Returns 0, or the unexpected error. */
static int increments(lc_db *db, lc_id lead, long n, tally *t)
{
	while (t->ok < n) {
		lc_lead *l = NULL;
		int rc = lc_db_lead_get(db, lead, &l);
		int64_t v;
		if (rc == LC_EBUSY) {
			t->busy++;
			continue;
		}
		if (rc)
			return rc;
		v = lc_lead_number(l, LC_LEAD_NUM_VERSION);
		lc_lead_free(l);
		rc = apply_v(db, lead, t->ok, v);
		if (rc == 0)
			t->ok++;
		else if (rc == LC_ECONFLICT)
			t->conflicts++;
		else if (rc == LC_EBUSY)
			t->busy++;
		else
			return rc;
	}
	return 0;
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

static int64_t dispositions_of(lc_db *db, lc_id lead)
{
	lc_event_iter *it = NULL;
	const lc_event *ev;
	int64_t n = 0;
	int rc;

	OK(lc_db_history(db, lead, &it));
	while ((rc = lc_event_iter_next(it, &ev)) == 1)
		n += (lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) == LC_EVENT_DISPOSITION;
	OK(rc);
	lc_event_iter_free(it);
	return n;
}

static void replay_matches(lc_db *db, lc_id lead)
{
	lc_lead *l = NULL;
	lc_state *s = NULL;

	OK(lc_db_lead_get(db, lead, &l));
	OK(lc_state_new(&s, lc_db_model(db)));
	OK(lc_db_replay(db, lead, s));
	assert_int_equal(lc_state_equal(s, lc_lead_state(l)), 1);
	lc_state_free(s);
	lc_lead_free(l);
	/* And the whole store checks clean after the race. */
	assert_int_equal(verify_check(db, NULL), 0);
}

static void test_two_processes(void **state)
{
	tally sum = { 0, 0, 0 };
	pid_t pids[2];
	int fds[2][2];
	lc_db *db = NULL;
	int64_t v0, e0;

	(void)state;
	OK(open_with(&db, 5000));
	v0 = version_of(db, 1);
	e0 = dispositions_of(db, 1);
	lc_db_close(db);
	for (int p = 0; p < 2; p++) {
		assert_int_equal(pipe(fds[p]), 0);
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			tally t = { 0, 0, 0 };
			lc_db *cdb = NULL;
			int rc;
			close(fds[p][0]);
			if (open_with(&cdb, 5000))
				_exit(2);
			rc = increments(cdb, 1, PER_PROCESS, &t);
			lc_db_close(cdb);
			if (write(fds[p][1], &t, sizeof t) != (ssize_t)sizeof t)
				_exit(4);
			_exit(rc ? 3 : 0);
		}
		close(fds[p][1]);
	}
	for (int p = 0; p < 2; p++) {
		tally t;
		int status;
		assert_int_equal(read(fds[p][0], &t, sizeof t), (ssize_t)sizeof t);
		close(fds[p][0]);
		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		sum.ok += t.ok;
		sum.conflicts += t.conflicts;
		sum.busy += t.busy;
	}
	OK(open_with(&db, 5000));
	/* Every success is there, and nothing else. */
	assert_int_equal(sum.ok, 2 * PER_PROCESS);
	assert_int_equal(version_of(db, 1), v0 + sum.ok);
	assert_int_equal(dispositions_of(db, 1), e0 + sum.ok);
	replay_matches(db, 1);
	lc_db_close(db);
	print_message("figures: two processes: %ld applies to one lead, %ld stale writes refused "
		      "with LC_ECONFLICT and retried, %ld busy retries\n",
		      sum.ok, sum.conflicts, sum.busy);
}

static void test_stale_write(void **state)
{
	lc_db *a = NULL, *b = NULL;
	lc_lead *la = NULL, *lb = NULL;
	int64_t v, events;

	(void)state;
	OK(open_with(&a, 5000));
	OK(open_with(&b, 5000));
	OK(lc_db_lead_get(a, 2, &la));
	OK(lc_db_lead_get(b, 2, &lb));
	v = lc_lead_number(la, LC_LEAD_NUM_VERSION);
	OK(apply_v(b, 2, 1, v));
	events = dispositions_of(a, 2);
	assert_int_equal(apply_v(a, 2, 2, v), LC_ECONFLICT);
	OK(lc_lead_set_text(la, LC_LEAD_COMPANY, "stale"));
	assert_int_equal(lc_db_lead_update(a, la, v), LC_ECONFLICT);
	assert_int_equal(version_of(b, 2), v + 1);
	assert_int_equal(dispositions_of(b, 2), events);
	lc_lead_free(lb);
	OK(lc_db_lead_get(b, 2, &lb));
	assert_null(lc_lead_text(lb, LC_LEAD_COMPANY));
	lc_lead_free(la);
	lc_lead_free(lb);
	lc_db_close(a);
	lc_db_close(b);
}

typedef struct committer {
	lc_db *db;
	int rc;
} committer;

static void *commit_later(void *arg)
{
	committer *c = arg;
	struct timespec ts = { 0, 300 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	c->rc = lc_db_commit(c->db);
	return NULL;
}

static void test_busy(void **state)
{
	lc_db *a = NULL, *b = NULL, *patient = NULL;
	committer c;
	pthread_t th;
	int64_t v;

	(void)state;
	OK(open_with(&a, 5000));
	OK(open_with(&b, 50));
	OK(open_with(&patient, 10000));
	v = version_of(b, 3);
	/* a holds the write lock. */
	OK(lc_db_begin(a));
	OK(apply_v(a, 3, 1, -1));
	/* A short timeout runs out: LC_EBUSY, nothing written by b. */
	assert_int_equal(apply_v(b, 3, 2, -1), LC_EBUSY);
	assert_true(strlen(lc_error_last()) > 0);
	/* A long one waits until a commits, then succeeds. */
	c.db = a;
	c.rc = -1;
	assert_int_equal(pthread_create(&th, NULL, commit_later, &c), 0);
	OK(apply_v(patient, 3, 3, -1));
	assert_int_equal(pthread_join(th, NULL), 0);
	OK(c.rc);
	assert_int_equal(version_of(b, 3), v + 2);
	replay_matches(b, 3);
	lc_db_close(a);
	lc_db_close(b);
	lc_db_close(patient);
}

typedef struct worker {
	tally t;
	int rc;
} worker;

static void *thread_main(void *arg)
{
	worker *w = arg;
	lc_db *db = NULL;

	w->rc = open_with(&db, 10000);
	if (!w->rc)
		w->rc = increments(db, 4, PER_THREAD, &w->t);
	lc_db_close(db);
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t th[THREADS];
	worker w[THREADS];
	tally sum = { 0, 0, 0 };
	lc_db *db = NULL;
	int64_t v0, e0;

	(void)state;
	OK(open_with(&db, 5000));
	v0 = version_of(db, 4);
	e0 = dispositions_of(db, 4);
	lc_db_close(db);
	memset(w, 0, sizeof w);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, &w[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		if (w[i].rc)
			print_error("thread %d: %s\n", i, lc_error_name(w[i].rc));
		assert_int_equal(w[i].rc, 0);
		sum.ok += w[i].t.ok;
		sum.conflicts += w[i].t.conflicts;
		sum.busy += w[i].t.busy;
	}
	OK(open_with(&db, 5000));
	assert_int_equal(sum.ok, THREADS * PER_THREAD);
	assert_int_equal(version_of(db, 4), v0 + sum.ok);
	assert_int_equal(dispositions_of(db, 4), e0 + sum.ok);
	replay_matches(db, 4);
	lc_db_close(db);
	print_message("figures: %d threads, separate handles: %ld applies to one lead, %ld stale "
		      "writes refused and retried, %ld busy retries\n",
		      THREADS, sum.ok, sum.conflicts, sum.busy);
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	lc_db *db = NULL;
	lc_model *m = NULL;

	(void)state;
	if (on_postgres) {
#ifdef LC_TEST_HAVE_LIBPQ
		if (pg_test_store_uri(path, sizeof path, "concurrency"))
			return -1;
#endif
	} else {
		snprintf(tmpdir, sizeof tmpdir, "%s/leadcore-concurrency-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
		if (!mkdtemp(tmpdir))
			return -1;
		snprintf(path, sizeof path, "sqlite:%s/shared.db", tmpdir);
	}
	if (lc_db_open(&db, path, NULL) || lc_model_load_string(&m, model_json, "concurrency") ||
	    lc_db_install_model(db, m, NULL))
		return -1;
	lc_model_free(m);
	for (int i = 0; i < NLEADS; i++) {
		lc_lead *l = NULL;
		if (lc_lead_new(&l) || lc_db_lead_create(db, l, NULL))
			return -1;
		lc_lead_free(l);
		if (apply_v(db, i + 1, 0, -1))
			return -1;
	}
	lc_db_close(db);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (on_postgres) {
#ifdef LC_TEST_HAVE_LIBPQ
		pg_test_drop(path);
#endif
		return 0;
	}
	remove_store_files(path);
	rmdir(tmpdir);
	return 0;
}

int main(int argc, char **argv)
{
#ifdef LC_TEST_HAVE_LIBPQ
	if (argc > 1 && strcmp(argv[1], "postgres") == 0) {
		if (!pg_test_uri())
			return pg_test_skip("concurrency-postgres");
		on_postgres = true;
	}
#else
	(void)argc;
	(void)argv;
#endif
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_write),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_two_processes),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
