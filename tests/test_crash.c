/*
 * Crash (issue 3 §7): a writer process applies dispositions to a SQLite file
 * in a loop and reports each acknowledged apply (its event id) through a
 * pipe; it is killed with SIGKILL mid-run. Afterwards every acknowledged
 * apply must be in the history, `PRAGMA integrity_check` (through sqlite3
 * directly) must say ok, and every lead must equal the replay of its events.
 *
 * Slow (several writer runs): listed in lc_slow_suites.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/store_files.h"
#include "support/verify_check.h"
#ifdef LC_TEST_HAVE_LIBPQ
#include "support/pg_test.h"
#endif
#include <sqlite3.h>

#include "leadcore/leadcore.h"

static const char model_json[] =
	"{\"format\": 1, \"name\": \"crash\", \"version\": 1,"
	" \"actions\": [{\"label\": \"Call\"}, {\"label\": \"Meeting\"}],"
	" \"milestones\": [{\"label\": \"New\"}, {\"label\": \"Contacted\"}, {\"label\": \"Qualified\"}],"
	" \"statuses\": [{\"label\": \"Open\", \"lifecycle\": \"open\"},"
	"   {\"label\": \"Nurturing\", \"lifecycle\": \"open\"}],"
	" \"phases\": [{\"label\": \"Lead\"}, {\"label\": \"Customer\"}],"
	" \"stages\": [{\"label\": \"Enquiry\", \"phase\": \"lead\"},"
	"   {\"label\": \"Check-in\", \"phase\": \"customer\", \"flags\": [\"repeatable\"]}],"
	" \"lifecycles\": [{\"label\": \"Open\"}]}";

#define NLEADS 8
#define RUNS 8

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

static int apply_step(lc_db *db, long i, lc_id *ev)
{
	static const char *const ms[] = { "new", "contacted", "qualified" };
	static const char *const st[] = { "open", "nurturing" };
	static const char *const sg[] = { "enquiry", "check_in" };
	lc_disposition *d = NULL;
	char note[64];
	int rc = lc_disposition_new(&d, lc_db_model(db));

	snprintf(note, sizeof note, "step %ld", i);
	if (!rc)
		rc = lc_disposition_set(d, LC_AXIS_ACTION, i % 2 ? "call" : "meeting");
	if (!rc)
		rc = lc_disposition_set(d, LC_AXIS_MILESTONE, ms[i % 3]);
	if (!rc)
		rc = lc_disposition_set(d, LC_AXIS_STATUS, st[(i / 3) % 2]);
	if (!rc)
		rc = lc_disposition_set(d, LC_AXIS_STAGE, sg[(i / 2) % 2]);
	if (!rc)
		rc = lc_disposition_set_note(d, note);
	if (!rc)
		rc = lc_db_apply(db, 1 + (i * 5) % NLEADS, d, -1, NULL, ev);
	lc_disposition_free(d);
	return rc;
}

static void ack(int fd, lc_id ev)
{
	int64_t v = ev;
	ssize_t n;

	do
		n = write(fd, &v, sizeof v);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof v)
		_exit(5);
}

/* The writer: never returns; the parent kills it. An apply is acknowledged
 * only after it (or its batch) committed. */
static void writer(int fd, long seed)
{
	lc_db *db = NULL;
	lc_id batch[3];

	if (lc_db_open(&db, path, NULL))
		_exit(2);
	for (long i = seed;; i++) {
		int rc;
		if (i % 10 == 0) {
			int ok = lc_db_begin(db) == 0;
			for (int j = 0; j < 3 && ok; j++)
				ok = apply_step(db, i * 3 + j, &batch[j]) == 0;
			if (ok && lc_db_commit(db) == 0) {
				for (int j = 0; j < 3; j++)
					ack(fd, batch[j]);
			} else {
				lc_db_rollback(db);
			}
			continue;
		}
		rc = apply_step(db, i, &batch[0]);
		if (rc == 0)
			ack(fd, batch[0]);
		else if (rc != LC_EBUSY)
			_exit(3);
	}
}

static int cmp_id(const void *a, const void *b)
{
	lc_id x = *(const lc_id *)a, y = *(const lc_id *)b;
	return (x > y) - (x < y);
}

/* SQLite's own check of the file; a PostgreSQL server keeps its own
 * (the replay below checks what the store holds on both). */
static void check_integrity(void)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;

	if (on_postgres)
		return;

	assert_int_equal(sqlite3_open_v2(path + strlen("sqlite:"), &s, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(s);
}

static void test_crash(void **state)
{
	long total_acks = 0;
	int64_t total_events = 0, verified = 0;

	(void)state;
	for (int run = 0; run < RUNS; run++) {
		int fds[2];
		pid_t pid;
		lc_id *acks = NULL;
		size_t nacks = 0, cap = 0, want = 40 + (size_t)run * 53;
		int64_t v;
		ssize_t n;
		int status;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			writer(fds[1], run * 1000L);
		}
		close(fds[1]);
		/* Read acknowledgements until enough, then kill mid-run and
		 * take in what was acknowledged before the kill. */
		for (int killed = 0;;) {
			n = read(fds[0], &v, sizeof v);
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0)
				break;
			assert_int_equal(n, (ssize_t)sizeof v);
			if (nacks == cap) {
				cap = cap ? cap * 2 : 256;
				acks = realloc(acks, cap * sizeof *acks);
				assert_non_null(acks);
			}
			acks[nacks++] = v;
			if (!killed && nacks >= want) {
				kill(pid, SIGKILL);
				killed = 1;
			}
		}
		close(fds[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		/* Killed by us, not exited on an error. */
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);

		check_integrity();

		lc_db *db = NULL;
		lc_event_iter *it = NULL;
		const lc_event *ev;
		lc_id *ids = NULL;
		size_t nids = 0, icap = 0;
		int rc;
		OK(lc_db_open(&db, path, NULL));
		OK(lc_db_history(db, 0, &it));
		while ((rc = lc_event_iter_next(it, &ev)) == 1) {
			if (nids == icap) {
				icap = icap ? icap * 2 : 1024;
				ids = realloc(ids, icap * sizeof *ids);
				assert_non_null(ids);
			}
			ids[nids++] = lc_event_number(ev, LC_EVENT_NUM_ID);
		}
		OK(rc);
		lc_event_iter_free(it);
		for (size_t i = 0; i < nacks; i++)
			if (!bsearch(&acks[i], ids, nids, sizeof *ids, cmp_id)) {
				print_error("run %d: acknowledged event %lld is missing\n", run,
					    (long long)acks[i]);
				fail();
			}
		for (lc_id id = 1; id <= NLEADS; id++) {
			lc_lead *l = NULL;
			lc_state *s = NULL;
			OK(lc_db_lead_get(db, id, &l));
			OK(lc_state_new(&s, lc_db_model(db)));
			OK(lc_db_replay(db, id, s));
			assert_int_equal(lc_state_equal(s, lc_lead_state(l)), 1);
			lc_state_free(s);
			lc_lead_free(l);
		}
		/* The whole store checks clean: integrity, models, every history. */
		assert_int_equal(verify_check(db, &verified), 0);
		assert_int_equal(verified, NLEADS);
		lc_db_close(db);
		total_acks += (long)nacks;
		total_events = (int64_t)nids;
		free(ids);
		free(acks);
	}
	print_message("figures: crash: %d writer runs killed with SIGKILL, %ld acknowledged applies "
		      "all found, %lld events in the store, integrity_check %s, %d leads replayed "
		      "and lc_db_verify() clean after each run\n",
		      RUNS, total_acks, (long long)total_events, on_postgres ? "n/a (a server)" : "ok", NLEADS);
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	lc_db *db = NULL;
	lc_model *m = NULL;

	(void)state;
	if (on_postgres) {
#ifdef LC_TEST_HAVE_LIBPQ
		if (pg_test_store_uri(path, sizeof path, "crash"))
			return -1;
#endif
	} else {
		snprintf(tmpdir, sizeof tmpdir, "%s/leadcore-crash-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
		if (!mkdtemp(tmpdir))
			return -1;
		snprintf(path, sizeof path, "sqlite:%s/crash.db", tmpdir);
	}
	if (lc_db_open(&db, path, NULL) || lc_model_load_string(&m, model_json, "crash") ||
	    lc_db_install_model(db, m, NULL))
		return -1;
	lc_model_free(m);
	for (int i = 0; i < NLEADS; i++) {
		lc_lead *l = NULL;
		if (lc_lead_new(&l) || lc_lead_set_text(l, LC_LEAD_NAME, "crash") ||
		    lc_db_lead_create(db, l, NULL))
			return -1;
		lc_lead_free(l);
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
			return pg_test_skip("crash-postgres");
		on_postgres = true;
	}
#else
	(void)argc;
	(void)argv;
#endif
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
