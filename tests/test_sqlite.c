/* The SQLite backend and the vtable dispatch: store files, schema, WAL,
 * read-only and missing stores, foreign files, the busy timeout, registered
 * backends, a failing backend, the sqlite3 shell, and a randomized run of
 * thousands of dispositions whose replay must equal the stored state. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "leadcore/leadcore.h"
#include "leadcore/sys/storage.h"

static char dir[64];
static lc_time now_value = 1767225600;

static lc_time test_clock(void *ud)
{
	(void)ud;
	return now_value;
}

static const char *path(const char *name)
{
	static char buf[8][128];
	static int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof buf[0], "%s/%s", dir, name);
	return b;
}

static lc_db *open_with(const char *uri, uint32_t flags, int32_t busy_ms)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;

	o.clock = test_clock;
	o.flags = flags;
	o.busy_timeout_ms = busy_ms;
	assert_int_equal(lc_db_open(&db, uri, &o), 0);
	return db;
}

static void install(lc_db *db, const char *preset)
{
	lc_model *m;

	assert_int_equal(lc_model_preset(&m, preset), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
}

static lc_id add_lead(lc_db *db, const char *name)
{
	lc_lead *l;
	lc_id id;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, name), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);
	return id;
}

static void hot(lc_disposition *d, lc_time follow_up)
{
	lc_disposition_reset(d);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, "call"), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_MILESTONE, "contacted"), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc_disposition_set_follow_up(d, follow_up), 0);
}

static int64_t sql_int(const char *file, const char *query)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* ---- files ---- */

static void test_file_store_persists(void **state)
{
	const char *file = path("persist.db");
	char uri[160];
	lc_db *db;
	lc_lead *l;
	lc_disposition *d;
	lc_id id;

	(void)state;
	db = open_with(file, LC_DB_CREATE, 5000);
	install(db, "leadmanager");
	id = add_lead(db, "Persisted");
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	hot(d, now_value + 3600);
	assert_int_equal(lc_db_apply(db, id, d, 1, NULL, NULL), 0);
	lc_disposition_free(d);
	lc_db_close(db);

	/* Reopened (through sqlite:PATH): the model and the lead are back. */
	snprintf(uri, sizeof uri, "sqlite:%s", file);
	db = open_with(uri, 0, 5000);
	assert_int_equal(lc_db_model_version(db), 1);
	assert_string_equal(lc_model_name(lc_db_model(db)), "leadmanager");
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_NAME), "Persisted");
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "hot");
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 2);
	lc_lead_free(l);
	lc_db_close(db);

	assert_int_equal(sql_int(file, "PRAGMA user_version"), 4);
	assert_int_equal(sql_int(file, "SELECT count(*) FROM events"), 2);
	assert_int_equal(sql_int(file, "SELECT count(*) FROM leads WHERE status = 'hot'"), 1);
	{
		sqlite3 *raw;
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_open(file, &raw), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
		sqlite3_close(raw);
	}
}

static void test_missing_readonly_foreign(void **state)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_lead *l;
	FILE *f;
	sqlite3 *raw;

	(void)state;
	/* Missing without LC_DB_CREATE, or read-only: not found, nothing created. */
	o.flags = 0;
	assert_int_equal(lc_db_open(&db, path("missing.db"), &o), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "LC_DB_CREATE"));
	o.flags = LC_DB_READONLY;
	assert_int_equal(lc_db_open(&db, path("missing.db"), &o), LC_ENOTFOUND);
	assert_int_not_equal(access(path("missing.db"), F_OK), 0);

	/* A file that is not a database. */
	f = fopen(path("junk.db"), "wb");
	for (int i = 0; i < 512; i++)
		fputs("this is not sqlite ", f);
	fclose(f);
	assert_int_equal(lc_db_open(&db, path("junk.db"), NULL), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "not a leadcore store"));
	assert_null(db);

	/* An SQLite database that is not a leadcore store. */
	assert_int_equal(sqlite3_open(path("other.db"), &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(lc_db_open(&db, path("other.db"), NULL), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "not a leadcore store"));

	/* A newer schema than this library knows. */
	db = open_with(path("newer.db"), LC_DB_CREATE, 5000);
	lc_db_close(db);
	assert_int_equal(sqlite3_open(path("newer.db"), &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(lc_db_open(&db, path("newer.db"), NULL), LC_EVERSION);

	/* Read-only: reads work, writes are refused. */
	db = open_with(path("ro.db"), LC_DB_CREATE, 5000);
	install(db, "crm");
	add_lead(db, "Reader");
	lc_db_close(db);
	db = open_with(path("ro.db"), LC_DB_READONLY, 5000);
	assert_int_equal(lc_db_lead_get(db, 1, &l), 0);
	lc_lead_free(l);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_db_lead_create(db, l, NULL), LC_EREADONLY);
	assert_non_null(strstr(lc_error_last(), "read-only"));
	assert_int_equal(lc_db_agent_add(db, "x", NULL), LC_EREADONLY);
	assert_int_equal(lc_db_begin(db), LC_EREADONLY);
	lc_lead_free(l);
	lc_db_close(db);
}


/* The bytes of a file (at most 64 KiB), to show that a refused open left it as it was. */
static size_t slurp(const char *file, char *buf, size_t max)
{
	FILE *f = fopen(file, "rb");
	size_t n = f ? fread(buf, 1, max, f) : 0;

	if (f)
		fclose(f);
	return n;
}

static void raw_exec(const char *file, const char *sql)
{
	sqlite3 *raw;

	assert_int_equal(sqlite3_open(file, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
}

/* Opening the FILE (with FLAGS) fails with CODE and leaves it byte for byte
 * as it was, with no -wal or -shm beside it. */
static void refused_untouched(const char *file, uint32_t flags, int code, const char *words)
{
	static char before[65536], after[65536];
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	char side[160];
	size_t nb = slurp(file, before, sizeof before);

	o.flags = flags;
	assert_int_equal(lc_db_open(&db, file, &o), code);
	assert_null(db);
	assert_non_null(strstr(lc_error_last(), words));
	assert_int_equal(slurp(file, after, sizeof after), nb);
	assert_memory_equal(before, after, nb);
	snprintf(side, sizeof side, "%s-wal", file);
	assert_int_not_equal(access(side, F_OK), 0);
}

/* Only a caller that creates makes a store: an empty file, another SQLite
 * database, an impossible or future version, a foreign format mark are
 * refused with a message and left untouched (not even switched to WAL). */
static void test_open_refuses_untouched(void **state)
{
	lc_db *db;
	FILE *f;

	(void)state;
	f = fopen(path("empty.db"), "wb");
	fclose(f);
	refused_untouched(path("empty.db"), 0, LC_EFORMAT, "LC_DB_CREATE");
	refused_untouched(path("empty.db"), LC_DB_READONLY, LC_EFORMAT, "empty");
	/* The caller that creates gets its store in the empty file. */
	db = open_with(path("empty.db"), LC_DB_CREATE, 5000);
	lc_db_close(db);
	assert_int_equal(sql_int(path("empty.db"), "PRAGMA user_version"), 4);

	raw_exec(path("other2.db"), "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
	refused_untouched(path("other2.db"), LC_DB_CREATE, LC_EFORMAT, "not a leadcore store");

	db = open_with(path("minus.db"), LC_DB_CREATE, 5000);
	lc_db_close(db);
	raw_exec(path("minus.db"), "PRAGMA journal_mode = DELETE; PRAGMA user_version = -1");
	refused_untouched(path("minus.db"), LC_DB_CREATE, LC_EVERSION, "-1");
	raw_exec(path("minus.db"), "PRAGMA user_version = 5");
	refused_untouched(path("minus.db"), 0, LC_EVERSION, "upgrade leadcore");
	refused_untouched(path("minus.db"), LC_DB_READONLY, LC_EVERSION, "upgrade leadcore");

	raw_exec(path("minus.db"), "PRAGMA user_version = 4; UPDATE meta SET value = 'other' "
				   "WHERE key = 'format'");
	refused_untouched(path("minus.db"), LC_DB_CREATE, LC_EFORMAT, "meta.format");
	raw_exec(path("minus.db"), "DROP TABLE meta");
	refused_untouched(path("minus.db"), LC_DB_CREATE, LC_EFORMAT, "meta.format");
}

/* In a child that cannot write DIR (as root, it becomes nobody): a store
 * whose directory is read-only opens for reading, with any flags, and
 * refuses writes with LC_EREADONLY. Returns the child's exit status. */
static int read_in_readonly_dir(const char *file, uint32_t flags)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		lc_db_options o = LC_DB_OPTIONS_INIT;
		lc_db *db = NULL;
		lc_lead *l = NULL;
		size_t n = 0;

		if (geteuid() == 0 && setuid(65534) != 0)
			_exit(10);
		o.flags = flags;
		if (lc_db_open(&db, file, &o) != 0) {
			fprintf(stderr, "open: %s\n", lc_error_last());
			_exit(11);
		}
		if (lc_db_count(db, NULL, &n) != 0 || n != 1 || lc_db_lead_get(db, 1, &l) != 0)
			_exit(12);
		lc_lead_free(l);
		if (lc_db_agent_add(db, "x", NULL) != LC_EREADONLY || !strstr(lc_error_last(), "read-only"))
			_exit(13);
		lc_db_close(db);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

/* A WAL store in a directory that cannot be written and has no -wal or -shm
 * file (a backup, a snapshot, a read-only mount) is readable, with or
 * without LC_DB_READONLY, and its journal mode is not changed. */
static void test_readonly_media(void **state)
{
	char sub[160];
	const char *file;
	lc_db *db;

	(void)state;
	snprintf(sub, sizeof sub, "%s/ro", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	file = path("ro/store.db");
	db = open_with(file, LC_DB_CREATE, 5000);
	install(db, "crm");
	add_lead(db, "On a snapshot");
	lc_db_close(db);
	assert_int_not_equal(access(path("ro/store.db-wal"), F_OK), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(file, 0444), 0);
	assert_int_equal(chmod(sub, 0555), 0);
	assert_int_equal(read_in_readonly_dir(file, LC_DB_READONLY), 0);
	assert_int_equal(read_in_readonly_dir(file, 0), 0);
	assert_int_equal(read_in_readonly_dir(file, LC_DB_CREATE), 0);
	assert_int_not_equal(access(path("ro/store.db-shm"), F_OK), 0);
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chmod(file, 0644), 0);
	assert_int_equal(sql_int(file, "SELECT count(*) FROM leads"), 1);
	/* A writable copy opened with LC_DB_READONLY keeps its journal mode too. */
	raw_exec(file, "PRAGMA journal_mode = DELETE");
	db = open_with(file, LC_DB_READONLY, 5000);
	lc_db_close(db);
	assert_int_equal(sql_int(file, "SELECT count(*) FROM pragma_journal_mode WHERE "
				       "journal_mode = 'delete'"),
			 1);
}

/* Rows that the library's setters would refuse (bad UTF-8, a key or a text
 * over its limit) were not written by it: reading them is LC_ECORRUPT naming
 * the lead, and a query still yields every other lead. */
static void test_damaged_rows(void **state)
{
	static const char *damage[] = {
		"name = X'41FF42'",
		"status = printf('%.100c', 'x')",
		"phone = printf('%.5000c', '5')",
	};
	const char *file = path("damaged.db");
	char sql[160];
	lc_db *db = open_with(file, LC_DB_CREATE, 5000);
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	lc_lead *one = NULL;
	int rc, ok = 0, bad = 0;

	(void)state;
	install(db, "leadmanager");
	for (int i = 0; i < 7; i++)
		add_lead(db, "Lead");
	lc_db_close(db);
	for (int i = 0; i < 3; i++) {
		snprintf(sql, sizeof sql, "UPDATE leads SET %s WHERE id = %d", damage[i], 2 * i + 2);
		raw_exec(file, sql);
	}
	db = open_with(file, 0, 5000);
	for (int i = 0; i < 3; i++) {
		char want[32];
		snprintf(want, sizeof want, "lead %d ", 2 * i + 2);
		assert_int_equal(lc_db_lead_get(db, 2 * i + 2, &one), LC_ECORRUPT);
		assert_non_null(strstr(lc_error_last(), want));
		assert_non_null(strstr(lc_error_last(), "damaged"));
	}
	assert_int_equal(lc_db_lead_get(db, 3, &one), 0);
	lc_lead_free(one);
	assert_int_equal(lc_db_query(db, NULL, &it), 0);
	while ((rc = lc_lead_iter_next(it, &l)) != 0) {
		if (rc == 1) {
			assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID) % 2, 1);
			ok++;
		} else {
			assert_int_equal(rc, LC_ECORRUPT);
			assert_non_null(strstr(lc_error_last(), "lead "));
			bad++;
		}
	}
	lc_lead_iter_free(it);
	assert_int_equal(ok, 4);
	assert_int_equal(bad, 3);
	lc_db_close(db);
}

/* Events, agents and units that the library's rules refuse (bad UTF-8, a key
 * over 64 bytes, a time after year 9999, an unknown kind), written behind its
 * back, read back as LC_ECORRUPT naming the record, and do not stop the
 * others from being listed; a stored version of INT64_MAX is damage too. */
static void test_damaged_records(void **state)
{
	static const char *damage[] = {
		"UPDATE events SET actor = X'41FF42' WHERE id = 2",
		"UPDATE events SET at = 253402300800 WHERE id = 3",
		"UPDATE events SET status = printf('%.100c', 'x') WHERE id = 4",
		"UPDATE events SET kind = 'nonsense' WHERE id = 5",
		"UPDATE agents SET name = X'FF41' WHERE id = 2",
		"UPDATE agents SET name = printf('%.300c', 'a') WHERE id = 3",
		"UPDATE units SET name = X'C0AF' WHERE id = 1",
		"UPDATE leads SET version = 9223372036854775807 WHERE id = 2",
	};
	const char *file = path("damaged_records.db");
	lc_db *db = open_with(file, LC_DB_CREATE, 5000);
	lc_event_iter *it = NULL;
	const lc_event *ev;
	lc_table *t = NULL;
	lc_disposition *d = NULL;
	lc_id lead;
	int rc, ok = 0, bad = 0;

	(void)state;
	install(db, "leadmanager");
	lead = add_lead(db, "Lead");
	for (int i = 0; i < 5; i++)
		assert_int_equal(lc_db_lead_note(db, lead, "amy", "a note"), 0);
	add_lead(db, "Other");
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof name, "a%d", i);
		assert_int_equal(lc_db_agent_add(db, name, NULL), 0);
		assert_int_equal(lc_db_unit_add(db, name, NULL), 0);
	}
	lc_db_close(db);
	for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++)
		raw_exec(file, damage[i]);
	db = open_with(file, 0, 5000);

	assert_int_equal(lc_db_history(db, lead, &it), 0);
	while ((rc = lc_event_iter_next(it, &ev)) != 0) {
		if (rc == 1) {
			ok++;
			continue;
		}
		assert_int_equal(rc, LC_ECORRUPT);
		bad++;
		{
			char want[32];
			snprintf(want, sizeof want, "event %d ", bad + 1);
			if (!strstr(lc_error_last(), want))
				fail_msg("'%s' does not name %s", lc_error_last(), want);
		}
		assert_non_null(strstr(lc_error_last(), "damaged"));
		assert_true(bad < 100);
	}
	lc_event_iter_free(it);
	assert_int_equal(bad, 4);
	assert_int_equal(ok, 2);

	/* The lists hold the others and answer LC_ECORRUPT naming the damage. */
	assert_int_equal(lc_db_agents(db, 0, &t), LC_ECORRUPT);
	assert_non_null(strstr(lc_error_last(), "agent 2"));
	assert_non_null(strstr(lc_error_last(), "1 other"));
	assert_non_null(t);
	assert_int_equal(lc_table_row_count(t), 2);
	assert_int_equal(lc_table_int(t, 0, 0), 1);
	assert_int_equal(lc_table_int(t, 1, 0), 4);
	lc_table_free(t);
	assert_int_equal(lc_db_units(db, 0, &t), LC_ECORRUPT);
	assert_non_null(strstr(lc_error_last(), "unit 1 "));
	assert_int_equal(lc_table_row_count(t), 3);
	lc_table_free(t);

	/* The next write to a lead stored at version INT64_MAX does not wrap. */
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, "call"), 0);
	assert_int_equal(lc_db_apply(db, 2, d, -1, NULL, NULL), LC_ECORRUPT);
	assert_non_null(strstr(lc_error_last(), "lead 2"));
	lc_disposition_free(d);
	/* A query names it too (the id is known before the version is refused). */
	{
		lc_lead_iter *li = NULL;
		const lc_lead *l;
		assert_int_equal(lc_db_query(db, NULL, &li), 0);
		assert_int_equal(lc_lead_iter_next(li, &l), 1);
		assert_int_equal(lc_lead_iter_next(li, &l), LC_ECORRUPT);
		assert_non_null(strstr(lc_error_last(), "lead 2 "));
		assert_int_equal(lc_lead_iter_next(li, &l), 0);
		lc_lead_iter_free(li);
	}
	lc_db_close(db);
}

/* ---- schema migrations ---- */

/* Leads on agent `agent`'s list for the day that starts at `day`, in order. */
static size_t worklist_ids(lc_db *db, lc_id agent, lc_time day, lc_id *ids, size_t max)
{
	lc_table *w = NULL;
	size_t n;

	assert_int_equal(lc_worklist_get(db, agent, day, &w), 0);
	n = lc_table_row_count(w);
	assert_true(n <= max);
	for (size_t i = 0; i < n; i++)
		ids[i] = lc_table_int_named(w, i, "lead");
	lc_table_free(w);
	return n;
}

/* The plan SQLite picks for the worklist's never-worked part, as the shell
 * prints it. */
static bool new_part_uses_index(const char *file)
{
	sqlite3 *raw;
	sqlite3_stmt *st;
	bool uses = false;

	assert_int_equal(sqlite3_open_v2(file, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw,
					    "EXPLAIN QUERY PLAN SELECT id, follow_up FROM leads "
					    "WHERE agent_id = 1 AND touched_at IS NULL AND recycled = 0 "
					    "AND (follow_up IS NULL OR follow_up >= 0) ORDER BY id",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(st, 3), "leads_agent_new"))
			uses = true;
	sqlite3_finalize(st);
	sqlite3_close(raw);
	return uses;
}

/* Whether SQLite looks a lead up by email through the leads_email index. */
static bool email_uses_index(const char *file)
{
	sqlite3 *raw;
	sqlite3_stmt *st;
	bool uses = false;

	assert_int_equal(sqlite3_open_v2(file, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw,
					    "EXPLAIN QUERY PLAN SELECT id FROM leads WHERE id > 0 "
					    "AND recycled = 0 AND email = 'a@example.com'",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(st, 3), "leads_email"))
			uses = true;
	sqlite3_finalize(st);
	sqlite3_close(raw);
	return uses;
}

/* A version 1 store (no index for never-worked leads) is read as it is by a
 * read-only handle and upgraded to the current version (the never-worked
 * index of version 2, the email index of version 3) by the first writable open;
 * worklists are the same before and after, and the index follows recycling. */
static void test_migration_v1_to_current(void **state)
{
	const char *file = path("v1.db");
	lc_id agent, ids[8], before[8], after[8];
	size_t nb, na;
	lc_disposition *d;
	lc_db *db;
	sqlite3 *raw;

	(void)state;
	db = open_with(file, LC_DB_CREATE, 5000);
	install(db, "leadmanager");
	assert_int_equal(lc_db_agent_add(db, "ann", &agent), 0);
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	for (int i = 0; i < 6; i++) {
		lc_lead *l;
		assert_int_equal(lc_lead_new(&l), 0);
		assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, "lead"), 0);
		assert_int_equal(lc_lead_set_text(l, LC_LEAD_PHONE, "+1 555 0100"), 0);
		assert_int_equal(lc_lead_set_agent(l, agent), 0);
		assert_int_equal(lc_db_lead_create(db, l, &ids[i]), 0);
		lc_lead_free(l);
	}
	/* ids[0] due today, ids[1] worked without a list entry... */
	hot(d, now_value + 3600);
	assert_int_equal(lc_db_apply(db, ids[0], d, -1, NULL, NULL), 0);
	hot(d, now_value + 30 * 86400);
	assert_int_equal(lc_db_apply(db, ids[1], d, -1, NULL, NULL), 0);
	/* ...and ids[2] in the recycle bin: ids[3..5] are new. */
	assert_int_equal(lc_db_lead_recycle(db, ids[2]), 0);
	lc_disposition_free(d);
	lc_db_close(db);
	assert_int_equal(sql_int(file, "PRAGMA user_version"), 4);
	assert_true(new_part_uses_index(file));
	assert_true(email_uses_index(file));

	/* Make it a version 1 store, as an older library left it. */
	assert_int_equal(sqlite3_open(file, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "DROP INDEX leads_agent_new; DROP INDEX leads_email; "
					   "ALTER TABLE leads DROP COLUMN account; "
					   "PRAGMA user_version = 1",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);
	assert_false(new_part_uses_index(file));
	assert_false(email_uses_index(file));

	/* Read-only: no upgrade, the same list from a slower plan. */
	db = open_with(file, LC_DB_READONLY, 5000);
	nb = worklist_ids(db, agent, now_value - now_value % 86400, before, 8);
	lc_db_close(db);
	assert_int_equal(sql_int(file, "PRAGMA user_version"), 1);
	assert_int_equal(nb, 4);
	assert_int_equal(before[0], ids[0]);
	assert_int_equal(before[1], ids[3]);
	assert_int_equal(before[3], ids[5]);

	/* Writable: upgraded once, same list. */
	db = open_with(file, 0, 5000);
	assert_int_equal(sql_int(file, "PRAGMA user_version"), 4);
	assert_true(new_part_uses_index(file));
	assert_true(email_uses_index(file));
	na = worklist_ids(db, agent, now_value - now_value % 86400, after, 8);
	assert_int_equal(na, nb);
	assert_memory_equal(after, before, nb * sizeof before[0]);

	/* The partial index follows the bin both ways. */
	assert_int_equal(lc_db_lead_recycle(db, ids[4]), 0);
	assert_int_equal(lc_db_lead_restore(db, ids[2]), 0);
	na = worklist_ids(db, agent, now_value - now_value % 86400, after, 8);
	assert_int_equal(na, 4);
	assert_int_equal(after[1], ids[2]);
	assert_int_equal(after[2], ids[3]);
	assert_int_equal(after[3], ids[5]);
	lc_db_close(db);
	assert_int_equal(sql_int(file, "PRAGMA user_version"), 4);
}

/* An apply sets only the state columns that changed: SQLite fires an
 * "UPDATE OF column" trigger only for a column in the SET list, so
 * triggers added to the file count what each apply wrote. */
static void test_update_sets_changed_columns(void **state)
{
	const char *file = path("columns.db");
	lc_disposition *d;
	lc_id id;
	lc_db *db;
	sqlite3 *raw;

	(void)state;
	db = open_with(file, LC_DB_CREATE, 5000);
	install(db, "leadmanager");
	id = add_lead(db, "Columns");
	lc_db_close(db);
	assert_int_equal(sqlite3_open(file, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw,
				      "CREATE TABLE col_log (col TEXT);"
				      "CREATE TRIGGER log_m AFTER UPDATE OF milestone ON leads "
				      "BEGIN INSERT INTO col_log VALUES ('milestone'); END;"
				      "CREATE TRIGGER log_s AFTER UPDATE OF status ON leads "
				      "BEGIN INSERT INTO col_log VALUES ('status'); END;"
				      "CREATE TRIGGER log_f AFTER UPDATE OF follow_up ON leads "
				      "BEGIN INSERT INTO col_log VALUES ('follow_up'); END;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);

	db = open_with(file, 0, 5000);
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	/* Milestone, status and follow-up change. */
	hot(d, now_value + 3600);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	/* Only the follow-up changes. */
	hot(d, now_value + 7200);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	/* Inside one transaction too, twice on the same lead. */
	assert_int_equal(lc_db_begin(db), 0);
	hot(d, now_value + 9000);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	hot(d, now_value + 9000);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	assert_int_equal(lc_db_commit(db), 0);
	lc_disposition_free(d);
	lc_db_close(db);

	assert_int_equal(sql_int(file, "SELECT count(*) FROM col_log WHERE col = 'milestone'"), 1);
	assert_int_equal(sql_int(file, "SELECT count(*) FROM col_log WHERE col = 'status'"), 1);
	assert_int_equal(sql_int(file, "SELECT count(*) FROM col_log WHERE col = 'follow_up'"), 3);
	/* And the row holds the last values. */
	assert_int_equal(sql_int(file, "SELECT follow_up FROM leads"), now_value + 9000);
	assert_int_equal(sql_int(file, "SELECT count(*) FROM leads WHERE status = 'hot' AND "
				       "milestone = 'contacted' AND version = 5"),
			 1);
}

/* ---- the sqlite3 shell reads a store ---- */

static void test_sqlite3_shell(void **state)
{
	char cmd[512], line[256] = "";
	lc_db *db;
	FILE *p;

	(void)state;
	if (system("command -v sqlite3 >/dev/null 2>&1") != 0) {
		print_message("skipped: the sqlite3 shell is not installed\n");
		skip();
	}
	db = open_with(path("shell.db"), LC_DB_CREATE, 5000);
	install(db, "leadmanager");
	add_lead(db, "Shell O'Reader");
	lc_db_close(db);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"SELECT name || '|' || version FROM leads\"",
		 path("shell.db"));
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof line, p));
	pclose(p);
	assert_string_equal(line, "Shell O'Reader|1\n");
}

/* ---- busy ---- */

typedef struct holder {
	lc_db *db;
	useconds_t hold_us;
} holder;

static void *hold_then_commit(void *arg)
{
	holder *h = arg;

	usleep(h->hold_us);
	assert_int_equal(lc_db_commit(h->db), 0);
	return NULL;
}

static void test_busy_timeout(void **state)
{
	lc_db *a, *b;
	lc_disposition *d;
	lc_id id;
	pthread_t t;
	holder h;

	(void)state;
	a = open_with(path("busy.db"), LC_DB_CREATE, 5000);
	install(a, "leadmanager");
	id = add_lead(a, "Busy");
	b = open_with(path("busy.db"), LC_DB_CREATE, 100);
	assert_int_equal(lc_disposition_new(&d, lc_db_model(b)), 0);
	hot(d, now_value + 60);

	/* A holds the write lock longer than B's timeout: B gets LC_EBUSY,
	 * and nothing of B's is written. */
	assert_int_equal(lc_db_begin(a), 0);
	assert_int_equal(lc_db_apply(b, id, d, -1, NULL, NULL), LC_EBUSY);
	assert_non_null(strstr(lc_error_last(), "busy"));
	assert_int_equal(lc_db_rollback(a), 0);
	assert_int_equal(lc_db_apply(b, id, d, 1, NULL, NULL), 0);
	lc_disposition_free(d);
	lc_db_close(b);

	/* Within the timeout, B waits and goes through. */
	b = open_with(path("busy.db"), LC_DB_CREATE, 5000);
	assert_int_equal(lc_disposition_new(&d, lc_db_model(b)), 0);
	hot(d, now_value + 60);
	assert_int_equal(lc_db_begin(a), 0);
	h.db = a;
	h.hold_us = 200 * 1000;
	assert_int_equal(pthread_create(&t, NULL, hold_then_commit, &h), 0);
	assert_int_equal(lc_db_apply(b, id, d, -1, NULL, NULL), 0);
	pthread_join(t, NULL);
	/* A stale write from the other handle: conflict. */
	lc_disposition_free(d);
	assert_int_equal(lc_disposition_new(&d, lc_db_model(a)), 0);
	hot(d, now_value + 60);
	assert_int_equal(lc_db_apply(a, id, d, 1, NULL, NULL), LC_ECONFLICT);
	assert_int_equal(lc_db_apply(a, id, d, 3, NULL, NULL), 0);
	lc_disposition_free(d);
	lc_db_close(a);
	lc_db_close(b);
}

/* ---- registered backends ---- */

static struct {
	const lc_storage *inner;
	int calls;
	int fail_at; /* fail the Nth write slot call (1-based); 0: never */
	int writes;
} wrap;

static int w_open(void **be, const char *location, const lc_db_options *o, void *ud)
{
	(void)ud;
	wrap.calls++;
	return wrap.inner->open(be, location, o, wrap.inner->user_data);
}
static void w_close(void *be) { wrap.inner->close(be); }
static int w_begin(void *be, int write) { wrap.calls++; return wrap.inner->begin(be, write); }
static int w_commit(void *be) { return wrap.inner->commit(be); }
static int w_rollback(void *be) { return wrap.inner->rollback(be); }
static int w_lead_get(void *be, lc_id id, lc_lead *out) { wrap.calls++; return wrap.inner->lead_get(be, id, out); }
static int w_lead_find(void *be, const char *x, lc_lead *out) { return wrap.inner->lead_find(be, x, out); }

static int fail_now(void)
{
	return wrap.fail_at && ++wrap.writes == wrap.fail_at;
}

static int w_lead_insert(void *be, lc_lead *l) { return fail_now() ? LC_EIO : wrap.inner->lead_insert(be, l); }
static int w_lead_update(void *be, const lc_lead *l, unsigned int parts) { return fail_now() ? LC_EIO : wrap.inner->lead_update(be, l, parts); }
static int w_note_append(void *be, lc_id lead, lc_time t, const char *a, const char *x) { return fail_now() ? LC_EIO : wrap.inner->note_append(be, lead, t, a, x); }
static int w_event_append(void *be, lc_event *ev) { return fail_now() ? LC_EIO : wrap.inner->event_append(be, ev); }
static int w_event_iter_open(void *be, lc_id lead, lc_id after, void **c) { return wrap.inner->event_iter_open(be, lead, after, c); }
static int w_event_iter_next(void *be, void *c, lc_event *out) { return wrap.inner->event_iter_next(be, c, out); }
static int w_lead_iter_open(void *be, const lc_query *q, void **c) { return wrap.inner->lead_iter_open(be, q, c); }
static int w_lead_iter_next(void *be, void *c, lc_lead *out) { return wrap.inner->lead_iter_next(be, c, out); }
static void w_iter_close(void *be, void *c) { wrap.inner->iter_close(be, c); }
static int w_model_put(void *be, int64_t v, lc_time t, const char *j) { return wrap.inner->model_put(be, v, t, j); }
static int w_model_get(void *be, int64_t v, const char **j, lc_time *t) { return wrap.inner->model_get(be, v, j, t); }
static int w_model_latest(void *be, int64_t *v) { return wrap.inner->model_latest(be, v); }
static int w_meta_get(void *be, const char *k, const char **v) { return wrap.inner->meta_get(be, k, v); }
static int w_meta_set(void *be, const char *k, const char *v) { return wrap.inner->meta_set(be, k, v); }
static int w_agent_put(void *be, lc_id *id, const char *n, int a) { return wrap.inner->agent_put(be, id, n, a); }
static int w_agent_list(void *be, lc_id u, lc_table *out) { return wrap.inner->agent_list(be, u, out); }
static int w_unit_put(void *be, lc_id *id, const char *n) { return wrap.inner->unit_put(be, id, n); }
static int w_unit_list(void *be, lc_id a, lc_table *out) { return wrap.inner->unit_list(be, a, out); }
static int w_member_set(void *be, lc_id u, lc_id a, int m) { return wrap.inner->member_set(be, u, a, m); }

static void make_wrapper(lc_storage *st)
{
	assert_int_equal(lc_storage_init(st, LC_STORAGE_VERSION), 0);
	st->open = w_open;
	st->close = w_close;
	st->begin = w_begin;
	st->commit = w_commit;
	st->rollback = w_rollback;
	st->lead_get = w_lead_get;
	st->lead_find = w_lead_find;
	st->lead_insert = w_lead_insert;
	st->lead_update = w_lead_update;
	st->note_append = w_note_append;
	st->event_append = w_event_append;
	st->event_iter_open = w_event_iter_open;
	st->event_iter_next = w_event_iter_next;
	st->lead_iter_open = w_lead_iter_open;
	st->lead_iter_next = w_lead_iter_next;
	st->iter_close = w_iter_close;
	st->model_put = w_model_put;
	st->model_get = w_model_get;
	st->model_latest = w_model_latest;
	st->meta_get = w_meta_get;
	st->meta_set = w_meta_set;
	st->agent_put = w_agent_put;
	st->agent_list = w_agent_list;
	st->unit_put = w_unit_put;
	st->unit_list = w_unit_list;
	st->member_set = w_member_set;
}

static void test_register_checks(void **state)
{
	lc_storage st;

	(void)state;
	wrap.inner = lc_storage_get("sqlite");
	assert_non_null(wrap.inner);
	assert_null(lc_storage_get("nope"));
	assert_null(lc_storage_get(NULL));
	assert_int_equal(lc_storage_init(&st, 0), LC_EVERSION);
	assert_int_equal(lc_storage_init(&st, LC_STORAGE_VERSION + 1), LC_EVERSION);
	assert_int_equal(lc_storage_init(NULL, 1), LC_EINVAL);
	make_wrapper(&st);
	st.version = 0;
	assert_int_equal(lc_storage_register("wrap", &st), LC_EVERSION);
	st.version = LC_STORAGE_VERSION + 1;
	assert_int_equal(lc_storage_register("wrap", &st), LC_EVERSION);
	st.version = LC_STORAGE_VERSION;
	st.event_append = NULL;
	assert_int_equal(lc_storage_register("wrap", &st), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "event_append"));
	st.event_append = w_event_append;
	assert_int_equal(lc_storage_register("sqlite", &st), LC_EEXISTS);
	assert_int_equal(lc_storage_register("memory", &st), LC_EEXISTS);
	assert_int_equal(lc_storage_register("9bad", &st), LC_EINVAL);
	assert_int_equal(lc_storage_register("has space", &st), LC_EINVAL);
	assert_int_equal(lc_storage_register("", &st), LC_EINVAL);
	assert_int_equal(lc_storage_register("wrap", NULL), LC_EINVAL);
	assert_int_equal(lc_storage_register("wrap", &st), 0);
	assert_int_equal(lc_storage_register("wrap", &st), LC_EEXISTS);
	assert_non_null(lc_storage_get("wrap"));
	assert_int_equal(lc_storage_unregister("wrap"), 0);
	assert_int_equal(lc_storage_unregister("wrap"), LC_ENOTFOUND);
	assert_int_equal(lc_storage_unregister("sqlite"), LC_EINVAL);
	assert_null(lc_storage_get("wrap"));
}

/* The open slot receives the user_data of the registration it came from. */
static void *opened_with;

static int ud_open(void **be, const char *location, const lc_db_options *o, void *ud)
{
	opened_with = ud;
	return wrap.inner->open(be, location, o, wrap.inner->user_data);
}

static void test_register_user_data(void **state)
{
	int a = 1, b = 2;
	lc_storage st;
	lc_db *db;

	(void)state;
	wrap.inner = lc_storage_get("sqlite");
	make_wrapper(&st);
	st.open = ud_open;
	st.user_data = &a;
	assert_int_equal(lc_storage_register("ud-a", &st), 0);
	st.user_data = &b;
	assert_int_equal(lc_storage_register("ud-b", &st), 0);
	assert_ptr_equal(lc_storage_get("ud-a")->user_data, &a);
	assert_ptr_equal(lc_storage_get("ud-b")->user_data, &b);
	db = open_with("ud-b::memory:", LC_DB_CREATE, 0);
	assert_ptr_equal(opened_with, &b);
	lc_db_close(db);
	db = open_with("ud-a::memory:", LC_DB_CREATE, 0);
	assert_ptr_equal(opened_with, &a);
	lc_db_close(db);
	assert_int_equal(lc_storage_unregister("ud-a"), 0);
	assert_int_equal(lc_storage_unregister("ud-b"), 0);
}

static void test_registered_backend_and_faults(void **state)
{
	lc_storage st;
	lc_db *db;
	lc_disposition *d;
	lc_lead *l;
	lc_id id;
	int failures = 0;

	(void)state;
	wrap.inner = lc_storage_get("sqlite");
	make_wrapper(&st);
	assert_int_equal(lc_storage_register("wrap", &st), 0);
	wrap.calls = 0;
	db = open_with("wrap::memory:", LC_DB_CREATE, 5000);
	install(db, "leadmanager");
	id = add_lead(db, "Wrapped");
	assert_true(wrap.calls > 0);
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);

	/* Fail each write of an apply in turn: an error, and the store as it was. */
	for (int n = 1; n <= 8; n++) {
		int rc;
		wrap.writes = 0;
		wrap.fail_at = n;
		hot(d, now_value + 100 + n);
		rc = lc_db_apply(db, id, d, -1, NULL, NULL);
		wrap.fail_at = 0;
		if (wrap.writes < n) {
			/* Fewer writes than n: this apply was not interrupted. */
			assert_int_equal(rc, 0);
			break;
		}
		assert_int_equal(rc, LC_EIO);
		failures++;
		assert_int_equal(lc_db_lead_get(db, id, &l), 0);
		assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 1);
		assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "new");
		lc_lead_free(l);
	}
	assert_true(failures >= 2); /* the event and the lead */
	/* Inside an explicit transaction a failed write rolls it all back. */
	assert_int_equal(lc_db_begin(db), 0);
	assert_int_equal(lc_db_lead_note(db, id, "a", "kept?"), 0);
	wrap.writes = 0;
	wrap.fail_at = 1;
	assert_int_equal(lc_db_lead_note(db, id, "a", "fails"), LC_EIO);
	wrap.fail_at = 0;
	assert_int_equal(lc_db_lead_note(db, id, "a", "after"), LC_ESTATE);
	assert_int_equal(lc_db_commit(db), LC_ESTATE);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_lead_list_count(l, LC_LEAD_NOTES), 0);
	lc_lead_free(l);
	/* The handle works again after that. */
	assert_int_equal(lc_db_lead_note(db, id, "a", "works"), 0);

	lc_disposition_free(d);
	lc_db_close(db);
	assert_int_equal(lc_storage_unregister("wrap"), 0);
}

/* ---- randomized replay ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static void random_disposition(const lc_model *m, lc_disposition *d)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE,
					LC_AXIS_REASON };

	lc_disposition_reset(d);
	assert_int_equal(lc_disposition_set_index(d, LC_AXIS_ACTION,
						  rnd((uint32_t)lc_model_value_count(m, LC_AXIS_ACTION))),
			 0);
	for (size_t i = 0; i < sizeof axes / sizeof axes[0]; i++) {
		size_t n = lc_model_value_count(m, axes[i]);
		if (n && rnd(3) != 0)
			assert_int_equal(lc_disposition_set_index(d, axes[i], rnd((uint32_t)n)), 0);
	}
	if (rnd(2))
		lc_disposition_set_outcome(d, (lc_outcome)(1 + rnd(6)));
	if (rnd(5) != 0)
		lc_disposition_set_follow_up(d, now_value + 3600 * (1 + (lc_time)rnd(24 * 30)));
	if (rnd(2))
		lc_disposition_set_note(d, "a note");
}

static void random_run(const char *preset, int nleads, int napplies)
{
	lc_db *db = open_with(path(preset), LC_DB_CREATE, 5000);
	lc_id *ids = calloc((size_t)nleads, sizeof *ids);
	lc_disposition *d;
	lc_violations *v;
	lc_state *s;
	int valid = 0;

	install(db, preset);
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	assert_int_equal(lc_violations_new(&v), 0);
	for (int i = 0; i < nleads; i++)
		ids[i] = add_lead(db, "random");
	assert_int_equal(lc_db_begin(db), 0);
	for (int i = 0; i < napplies; i++) {
		int rc;
		if (i % 500 == 499) {
			assert_int_equal(lc_db_commit(db), 0);
			assert_int_equal(lc_db_begin(db), 0);
		}
		now_value += rnd(7200);
		random_disposition(lc_db_model(db), d);
		rc = lc_db_apply(db, ids[rnd((uint32_t)nleads)], d, -1, v, NULL);
		assert_true(rc == 0 || rc == LC_EINVALID);
		if (rc == LC_EINVALID)
			assert_true(lc_table_row_count(lc_violations_table(v)) > 0);
		valid += rc == 0;
	}
	assert_int_equal(lc_db_commit(db), 0);
	print_message("%s: %d of %d random dispositions were valid\n", preset, valid, napplies);
	assert_true(valid > napplies / 50);

	assert_int_equal(lc_state_new(&s, lc_db_model(db)), 0);
	for (int i = 0; i < nleads; i++) {
		lc_lead *l;
		assert_int_equal(lc_db_replay(db, ids[i], s), 0);
		assert_int_equal(lc_db_lead_get(db, ids[i], &l), 0);
		assert_int_equal(lc_state_equal(s, lc_lead_state(l)), 1);
		lc_lead_free(l);
	}
	lc_state_free(s);
	lc_violations_free(v);
	lc_disposition_free(d);
	free(ids);
	lc_db_close(db);
}

static void test_random_replay(void **state)
{
	const char *seed = getenv("LC_TEST_SEED");

	(void)state;
	rng_state = seed ? strtoull(seed, NULL, 10) : 0x2545f4914f6cdd1dULL;
	if (!rng_state)
		rng_state = 1;
	print_message("seed %llu (set LC_TEST_SEED to repeat another run)\n",
		      (unsigned long long)rng_state);
	random_run("leadmanager", 40, 4000);
	random_run("particle", 40, 4000);
	random_run("crm", 20, 2000);
}

/* A history that does not add up is reported, not papered over. */
static void test_replay_detects_tampering(void **state)
{
	const char *file = path("tamper.db");
	lc_db *db;
	lc_disposition *d;
	lc_state *s;
	sqlite3 *raw;
	lc_id id;

	(void)state;
	db = open_with(file, LC_DB_CREATE, 5000);
	install(db, "leadmanager");
	id = add_lead(db, "Tampered");
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	hot(d, now_value + 3600);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	hot(d, now_value + 7200);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	lc_disposition_free(d);
	assert_int_equal(lc_state_new(&s, lc_db_model(db)), 0);
	assert_int_equal(lc_db_replay(db, id, s), 0);
	lc_db_close(db);
	lc_state_free(s);

	/* The recorded outcome of a disposition no longer follows from it. */
	assert_int_equal(sqlite3_open(file, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "UPDATE events SET after_status = 'requote' WHERE seq = 2",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);
	db = open_with(file, 0, 5000);
	assert_int_equal(lc_state_new(&s, lc_db_model(db)), 0);
	assert_int_equal(lc_db_replay(db, id, s), LC_ECORRUPT);
	assert_non_null(strstr(lc_error_last(), "disposition 2"));
	lc_db_close(db);
	lc_state_free(s);

	/* A gap in the sequence. */
	assert_int_equal(sqlite3_open(file, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "DELETE FROM events WHERE seq = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	db = open_with(file, 0, 5000);
	assert_int_equal(lc_state_new(&s, lc_db_model(db)), 0);
	assert_int_equal(lc_db_replay(db, id, s), LC_ECORRUPT);
	assert_non_null(strstr(lc_error_last(), "jumps"));
	lc_db_close(db);
	lc_state_free(s);
}

/* ---- lc_db_verify() ---- */

static int64_t summary(const lc_table *t, const char *col)
{
	return lc_table_int_named(lc_table_summary(t), 0, col);
}

/* The row of kind `kind` naming lead `lead` (and event `event` when > 0):
 * its message, which must name the lead. Fails when there is none. */
static const char *problem(const lc_table *t, const char *kind, lc_id lead, lc_id event)
{
	char want[32];

	snprintf(want, sizeof want, "lead %lld", (long long)lead);
	for (size_t i = 0; i < lc_table_row_count(t); i++)
		if (!strcmp(lc_table_text_named(t, i, "kind"), kind) &&
		    lc_table_int_named(t, i, "lead") == lead &&
		    (event <= 0 || lc_table_int_named(t, i, "event") == event)) {
			assert_non_null(strstr(lc_table_text_named(t, i, "message"), want));
			return lc_table_text_named(t, i, "message");
		}
	fail_msg("no %s problem names lead %lld", kind, (long long)lead);
	return NULL;
}

static void on_verify_progress(void *ud, const char *what, uint64_t done, uint64_t total)
{
	uint64_t *last = ud;

	assert_string_equal(what, "verify");
	assert_true(done <= total);
	last[0] = done;
	last[1] = total;
}

/* Verify a store file read-only and read-write: the same problems. */
static lc_table *verify_file(const char *file)
{
	lc_table *t = NULL, *ro = NULL;
	uint64_t seen[2] = { 0, 0 };
	lc_db *db = open_with(file, 0, 5000);

	assert_int_equal(lc_db_set_progress(db, on_verify_progress, seen), 0);
	assert_int_equal(lc_db_verify(db, &t), 0);
	assert_string_equal(lc_table_kind(t), "verify");
	assert_int_equal((int64_t)seen[0], summary(t, "leads"));
	assert_int_equal((int64_t)seen[1], summary(t, "leads"));
	lc_db_close(db);
	db = open_with(file, LC_DB_READONLY, 5000);
	assert_int_equal(lc_db_verify(db, &ro), 0);
	assert_int_equal(lc_table_row_count(ro), lc_table_row_count(t));
	assert_int_equal(summary(ro, "problems"), summary(t, "problems"));
	lc_table_free(ro);
	lc_db_close(db);
	return t;
}

/* Each kind of damage made behind the library's back is reported, naming
 * the record; a clean store verifies clean, read-only as well. */
static void test_verify_damage(void **state)
{
	const char *file = path("verify.db");
	char sql[256];
	lc_disposition *d;
	lc_table *t;
	lc_db *db;
	lc_id a, b, c, e;

	(void)state;
	db = open_with(file, LC_DB_CREATE, 5000);
	install(db, "leadmanager");
	a = add_lead(db, "Edited");
	b = add_lead(db, "Gap");
	c = add_lead(db, "Unknown");
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	hot(d, now_value + 3600);
	assert_int_equal(lc_db_apply(db, a, d, -1, NULL, NULL), 0);
	assert_int_equal(lc_db_apply(db, b, d, -1, NULL, NULL), 0);
	hot(d, now_value + 7200);
	assert_int_equal(lc_db_apply(db, b, d, -1, NULL, NULL), 0);
	assert_int_equal(lc_db_apply(db, c, d, -1, NULL, &e), 0);
	lc_disposition_free(d);
	assert_int_equal(lc_db_lead_recycle(db, a), 0);
	assert_int_equal(lc_db_agent_add(db, "amy", NULL), 0);
	install(db, "crm"); /* version 2: the old versions' values stay valid history */
	lc_db_close(db);

	t = verify_file(file);
	assert_int_equal(lc_table_row_count(t), 0);
	assert_int_equal(summary(t, "problems"), 0);
	assert_int_equal(summary(t, "leads"), 3);
	assert_int_equal(summary(t, "events"), 8);
	assert_int_equal(summary(t, "agents"), 1);
	assert_int_equal(summary(t, "units"), 0);
	assert_int_equal(summary(t, "models"), 2);
	assert_int_equal(summary(t, "rule_sets"), 0);
	lc_table_free(t);

	/* A lead row edited: it no longer equals the replay of its history. */
	raw_exec(file, "UPDATE leads SET status = 'requote' WHERE name = 'Edited'");
	/* An event deleted: the history has a gap. */
	snprintf(sql, sizeof sql, "DELETE FROM events WHERE lead_id = %lld AND seq = 2", (long long)b);
	raw_exec(file, sql);
	/* A value the model version that recorded it never had, in the row and
	 * its history alike (so that only the value is wrong). */
	snprintf(sql, sizeof sql,
		 "UPDATE leads SET status = 'bogus' WHERE id = %lld; UPDATE events SET "
		 "after_status = 'bogus' WHERE id = %lld",
		 (long long)c, (long long)e);
	raw_exec(file, sql);
	t = verify_file(file);
	assert_non_null(strstr(problem(t, "replay", a, 0), "status is 'requote'"));
	assert_non_null(strstr(problem(t, "history", b, 0), "jumps from event 1 to 3"));
	assert_non_null(strstr(problem(t, "value", c, e), "status 'bogus'"));
	assert_int_equal(summary(t, "problems"), 3);
	assert_int_equal(summary(t, "problems_replay"), 1);
	assert_int_equal(summary(t, "problems_history"), 1);
	assert_int_equal(summary(t, "problems_value"), 1);
	lc_table_free(t);

	/* A stored model that does not parse (an old version: the current one
	 * must load for the store to open; the values it recorded can then no
	 * longer be checked), a rule set that does not, and an event whose lead
	 * does not exist (SQLite's foreign key check). */
	raw_exec(file, "UPDATE models SET json = '{\"format\": 1,' WHERE version = 1;"
		       "INSERT INTO meta VALUES ('workflow.ruleset.latest', '1'),"
		       " ('workflow.ruleset.1', '{\"rules\": 7}');"
		       "INSERT INTO events (lead_id, seq, at, kind) VALUES (999, 1, 0, 'create')");

	t = verify_file(file);
	assert_int_equal(summary(t, "problems_value"), 0);
	assert_int_equal(summary(t, "problems_model"), 1);
	assert_int_equal(summary(t, "problems_rule_set"), 1);
	assert_int_equal(summary(t, "problems_integrity"), 1);
	assert_int_equal(summary(t, "rule_sets"), 1);
	for (size_t i = 0; i < lc_table_row_count(t); i++) {
		const char *kind = lc_table_text_named(t, i, "kind");
		const char *rec = lc_table_text_named(t, i, "record");
		if (!strcmp(kind, "model"))
			assert_string_equal(rec, "model version 1");
		else if (!strcmp(kind, "rule_set"))
			assert_string_equal(rec, "rule set 1");
		else if (!strcmp(kind, "integrity"))
			assert_non_null(strstr(lc_table_text_named(t, i, "message"), "events"));
	}
	assert_int_equal(summary(t, "problems"), 5);
	assert_int_equal((int64_t)lc_table_row_count(t), 5);
	lc_table_free(t);

	/* Bad arguments. */
	assert_int_equal(lc_db_verify(NULL, &t), LC_EINVAL);
	assert_null(t);
	db = open_with(file, LC_DB_READONLY, 5000);
	assert_int_equal(lc_db_verify(db, NULL), LC_EINVAL);
	lc_db_close(db);
}

static int w_integrity(void *be, lc_integrity_emit_fn emit, void *ud)
{
	(void)be;
	return emit(ud, "page 7: made-up problem");
}

/* The integrity slot is version 2's: a version-1 backend is never asked
 * (whatever lies past its version), a version-2 one is, and its problems
 * are rows of kind "integrity" naming the store. */
static void test_verify_integrity_slot(void **state)
{
	static const char *const schemes[] = { "wrap-v1", "wrap-v2" };
	lc_storage st;
	lc_table *t;
	lc_db *db;

	(void)state;
	wrap.inner = lc_storage_get("sqlite");
	for (int v = 1; v <= 2; v++) {
		make_wrapper(&st);
		st.version = (unsigned)v;
		st.integrity_check = w_integrity;
		assert_int_equal(lc_storage_register(schemes[v - 1], &st), 0);
		assert_true(v == 2 || lc_storage_get(schemes[v - 1])->integrity_check == NULL);
		char uri[32];
		snprintf(uri, sizeof uri, "%s::memory:", schemes[v - 1]);
		db = open_with(uri, LC_DB_CREATE, 0);
		install(db, "leadmanager");
		add_lead(db, "Checked");
		assert_int_equal(lc_db_verify(db, &t), 0);
		assert_int_equal(summary(t, "problems_integrity"), v == 2);
		assert_int_equal(summary(t, "leads"), 1);
		if (v == 2) {
			assert_string_equal(lc_table_text_named(t, 0, "record"), "store");
			assert_string_equal(lc_table_text_named(t, 0, "message"), "page 7: made-up problem");
		}
		lc_table_free(t);
		lc_db_close(db);
		assert_int_equal(lc_storage_unregister(schemes[v - 1]), 0);
	}
}

/* A deleted last event leaves the lead ahead of its history. */
static void test_verify_lost_last_event(void **state)
{
	const char *file = path("verify-last.db");
	lc_disposition *d;
	lc_table *t;
	lc_db *db;
	lc_id id;

	(void)state;
	db = open_with(file, LC_DB_CREATE, 5000);
	install(db, "leadmanager");
	id = add_lead(db, "Ahead");
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	hot(d, now_value + 3600);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	lc_disposition_free(d);
	lc_db_close(db);
	raw_exec(file, "DELETE FROM events WHERE seq = 2");
	t = verify_file(file);
	assert_non_null(strstr(problem(t, "history", id, 0), "at version 2 but its history ends at event 1"));
	assert_int_equal(summary(t, "problems"), 1);
	lc_table_free(t);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/lc_test_sqlite_XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_store_persists),
		cmocka_unit_test(test_missing_readonly_foreign),
		cmocka_unit_test(test_open_refuses_untouched),
		cmocka_unit_test(test_readonly_media),
		cmocka_unit_test(test_damaged_rows),
		cmocka_unit_test(test_damaged_records),
		cmocka_unit_test(test_migration_v1_to_current),
		cmocka_unit_test(test_update_sets_changed_columns),
		cmocka_unit_test(test_sqlite3_shell),
		cmocka_unit_test(test_busy_timeout),
		cmocka_unit_test(test_register_checks),
		cmocka_unit_test(test_register_user_data),
		cmocka_unit_test(test_registered_backend_and_faults),
		cmocka_unit_test(test_replay_detects_tampering),
		cmocka_unit_test(test_verify_damage),
		cmocka_unit_test(test_verify_lost_last_event),
		cmocka_unit_test(test_verify_integrity_slot),
		cmocka_unit_test(test_random_replay),
	};
	return cmocka_run_group_tests_name("sqlite", tests, group_setup, group_teardown);
}
