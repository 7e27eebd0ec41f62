/*
 * The SQLite backend: WAL, synchronous=NORMAL, a busy timeout, BEGIN
 * IMMEDIATE for writes, statements prepared once per handle (SQL is never
 * built from user text: values are always bound), PRAGMA user_version
 * migrations, and a schema a person can read with the sqlite3 shell
 * (docs/storage.md): state values as TEXT keys, times as INTEGER seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sqlite_internal.h"

/* ---- schema ---- */

static const char schema_v1[] =
	"CREATE TABLE meta (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE models (\n"
	"  version INTEGER PRIMARY KEY,\n"
	"  installed_at INTEGER NOT NULL,\n"
	"  json TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE agents (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  active INTEGER NOT NULL DEFAULT 1\n"
	");\n"
	"CREATE TABLE units (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  name TEXT NOT NULL UNIQUE\n"
	");\n"
	"CREATE TABLE unit_members (\n"
	"  unit_id INTEGER NOT NULL REFERENCES units(id),\n"
	"  agent_id INTEGER NOT NULL REFERENCES agents(id),\n"
	"  PRIMARY KEY (unit_id, agent_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX unit_members_agent ON unit_members(agent_id);\n"
	"CREATE TABLE leads (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  external_id TEXT UNIQUE,\n"
	"  version INTEGER NOT NULL,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  touched_at INTEGER,\n"
	"  recycled INTEGER NOT NULL DEFAULT 0,\n"
	"  name TEXT, email TEXT, phone TEXT, company TEXT, type TEXT, category TEXT,\n"
	"  priority TEXT, importance TEXT, source TEXT, lost_reason TEXT, owner_group TEXT,\n"
	"  segment TEXT,\n"
	"  probability INTEGER,\n"
	"  amount INTEGER,\n"
	"  currency TEXT,\n"
	"  start_date INTEGER,\n"
	"  expected_completion INTEGER,\n"
	"  actual_completion INTEGER,\n"
	"  unit_id INTEGER REFERENCES units(id),\n"
	"  agent_id INTEGER REFERENCES agents(id),\n"
	"  do_not_call INTEGER NOT NULL DEFAULT 0,\n"
	"  do_not_email INTEGER NOT NULL DEFAULT 0,\n"
	"  automation_stopped INTEGER NOT NULL DEFAULT 0,\n"
	"  milestone TEXT, status TEXT, phase TEXT, stage TEXT, lifecycle TEXT,\n"
	"  follow_up INTEGER,\n"
	"  stage_counts TEXT,\n"
	"  item_count INTEGER NOT NULL DEFAULT 0,\n"
	"  note_count INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX leads_milestone ON leads(milestone);\n"
	"CREATE INDEX leads_status ON leads(status);\n"
	"CREATE INDEX leads_stage ON leads(stage);\n"
	"CREATE INDEX leads_agent_follow_up ON leads(agent_id, follow_up);\n"
	"CREATE INDEX leads_unit ON leads(unit_id);\n"
	"CREATE INDEX leads_follow_up ON leads(follow_up);\n"
	"CREATE INDEX leads_source ON leads(source);\n"
	"CREATE INDEX leads_created ON leads(created_at);\n"
	"CREATE TABLE lead_items (\n"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),\n"
	"  kind TEXT NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  a TEXT NOT NULL,\n"
	"  b TEXT,\n"
	"  t INTEGER,\n"
	"  PRIMARY KEY (lead_id, kind, pos)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX lead_items_attribute ON lead_items(kind, a, b);\n"
	"CREATE TABLE lead_notes (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),\n"
	"  at INTEGER NOT NULL,\n"
	"  author TEXT,\n"
	"  text TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX lead_notes_lead ON lead_notes(lead_id, id);\n"
	"CREATE TABLE events (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),\n"
	"  seq INTEGER NOT NULL,\n"
	"  at INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  actor TEXT,\n"
	"  model_version INTEGER,\n"
	"  action TEXT, milestone TEXT, status TEXT, stage TEXT, reason TEXT,\n"
	"  outcome TEXT,\n"
	"  follow_up INTEGER,\n"
	"  note TEXT,\n"
	"  rule TEXT,\n"
	"  before_milestone TEXT, before_status TEXT, before_phase TEXT, before_stage TEXT,\n"
	"  before_lifecycle TEXT, before_follow_up INTEGER, before_completed_at INTEGER,\n"
	"  before_flags INTEGER NOT NULL DEFAULT 0, before_stage_counts TEXT,\n"
	"  after_milestone TEXT, after_status TEXT, after_phase TEXT, after_stage TEXT,\n"
	"  after_lifecycle TEXT, after_follow_up INTEGER, after_completed_at INTEGER,\n"
	"  after_flags INTEGER NOT NULL DEFAULT 0, after_stage_counts TEXT,\n"
	"  UNIQUE (lead_id, seq)\n"
	");\n"
	"INSERT INTO meta (key, value) VALUES ('format', 'leadcore');\n"
	"PRAGMA user_version = 1;\n";

/* Version 2: the never-worked leads of an agent, in id order, for the
 * worklist's third part (without it that part reads every lead of the
 * agent, which grows with the store). The predicate is the one SQ_WL_NEW
 * repeats word for word, so that SQLite can use the partial index. */
static const char schema_v2[] =
	"CREATE INDEX IF NOT EXISTS leads_agent_new ON leads(agent_id) "
	"WHERE touched_at IS NULL AND recycled = 0;\n"
	"PRAGMA user_version = 2;\n";

/* Version 3: leads by email, for imports that dedupe by email (one lookup a
 * row; without it each lookup reads the whole table). Partial: most stores
 * have many leads without an email, and `email = ?` implies NOT NULL. */
static const char schema_v3[] =
	"CREATE INDEX IF NOT EXISTS leads_email ON leads(email) WHERE email IS NOT NULL;\n"
	"PRAGMA user_version = 3;\n";

/* Version 4: the account a won lead converted into (LC_LEAD_ACCOUNT). */
static const char schema_v4[] =
	"ALTER TABLE leads ADD COLUMN account TEXT;\n"
	"PRAGMA user_version = 4;\n";

/* The leads columns in the order every lead SELECT returns them. */
#define LEAD_COLS                                                                          \
	"id, external_id, version, created_at, touched_at, recycled, name, email, phone, " \
	"company, type, category, priority, importance, source, lost_reason, owner_group, "  \
	"segment, probability, amount, currency, start_date, expected_completion, "          \
	"actual_completion, unit_id, agent_id, do_not_call, do_not_email, "                  \
	"automation_stopped, milestone, status, phase, stage, lifecycle, follow_up, "         \
	"stage_counts, item_count, note_count, account"

enum {
	C_ID, C_EXTERNAL_ID, C_VERSION, C_CREATED_AT, C_TOUCHED_AT, C_RECYCLED,
	C_TEXT0 = C_EXTERNAL_ID, /* text field f is column C_TEXT0 + f (+4 past external id) */
	C_PROBABILITY = 18, C_AMOUNT, C_CURRENCY, C_START, C_EXPECTED, C_ACTUAL, C_UNIT, C_AGENT,
	C_DNC, C_DNE, C_AUTO, C_MILESTONE, C_STATUS, C_PHASE, C_STAGE, C_LIFECYCLE, C_FOLLOW_UP,
	C_COUNTS, C_ITEM_COUNT, C_NOTE_COUNT, C_ACCOUNT
};

/* Column of a text field in LEAD_COLS. */
static int text_col(int f)
{
	return f == LC_LEAD_EXTERNAL_ID ? C_EXTERNAL_ID : f == LC_LEAD_ACCOUNT ? C_ACCOUNT : 5 + f;
}

#define EVENT_COLS                                                                          \
	"id, lead_id, seq, at, kind, actor, model_version, action, milestone, status, stage, " \
	"reason, outcome, follow_up, note, rule, before_milestone, before_status, "            \
	"before_phase, before_stage, before_lifecycle, before_follow_up, before_completed_at, " \
	"before_flags, before_stage_counts, after_milestone, after_status, after_phase, "      \
	"after_stage, after_lifecycle, after_follow_up, after_completed_at, after_flags, "     \
	"after_stage_counts"

static const char *const sql[SQ_STMT_COUNT] = {
	[SQ_BEGIN_READ] = "BEGIN",
	[SQ_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
	[SQ_SAVEPOINT] = "SAVEPOINT lc_mark",
	[SQ_RELEASE] = "RELEASE lc_mark",
	[SQ_ROLLBACK_TO] = "ROLLBACK TO lc_mark",
	[SQ_LEAD_GET] = "SELECT " LEAD_COLS " FROM leads WHERE id = ?1",
	[SQ_LEAD_GET_EXTERNAL] = "SELECT " LEAD_COLS " FROM leads WHERE external_id = ?1",
	[SQ_ITEMS_GET] = "SELECT kind, a, b, t FROM lead_items WHERE lead_id = ?1 ORDER BY kind, pos",
	[SQ_NOTES_GET] = "SELECT at, author, text FROM lead_notes WHERE lead_id = ?1 ORDER BY id",
	[SQ_LEAD_INSERT] =
		"INSERT INTO leads (external_id, version, created_at, touched_at, recycled, name, "
		"email, phone, company, type, category, priority, importance, source, lost_reason, "
		"owner_group, segment, probability, amount, currency, start_date, "
		"expected_completion, unit_id, agent_id, do_not_call, do_not_email, "
		"automation_stopped, actual_completion, milestone, status, phase, stage, lifecycle, "
		"follow_up, stage_counts, item_count, note_count, account) VALUES (?1, ?2, ?3, ?4, "
		"?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
		"?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38)",
	[SQ_LEAD_UPDATE_META] =
		"UPDATE leads SET version = ?2, recycled = ?3, touched_at = ?4 WHERE id = ?1",
	[SQ_LEAD_UPDATE_STATE] =
		"UPDATE leads SET version = ?2, recycled = ?3, touched_at = ?4, milestone = ?5, "
		"status = ?6, phase = ?7, stage = ?8, lifecycle = ?9, follow_up = ?10, "
		"actual_completion = ?11, stage_counts = ?12 WHERE id = ?1",
	[SQ_LEAD_UPDATE_FIELDS] =
		"UPDATE leads SET version = ?2, recycled = ?3, touched_at = ?4, external_id = ?5, "
		"name = ?6, email = ?7, phone = ?8, company = ?9, type = ?10, category = ?11, "
		"priority = ?12, importance = ?13, source = ?14, lost_reason = ?15, "
		"owner_group = ?16, segment = ?17, probability = ?18, amount = ?19, currency = ?20, "
		"start_date = ?21, expected_completion = ?22, unit_id = ?23, agent_id = ?24, "
		"do_not_call = ?25, do_not_email = ?26, automation_stopped = ?27, account = ?28 "
		"WHERE id = ?1",
	[SQ_ITEMS_DELETE] = "DELETE FROM lead_items WHERE lead_id = ?1",
	[SQ_ITEM_INSERT] =
		"INSERT INTO lead_items (lead_id, kind, pos, a, b, t) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQ_ITEM_COUNT] = "UPDATE leads SET item_count = ?2 WHERE id = ?1",
	[SQ_NOTE_INSERT] = "INSERT INTO lead_notes (lead_id, at, author, text) VALUES (?1, ?2, ?3, ?4)",
	[SQ_NOTE_COUNT] = "UPDATE leads SET note_count = note_count + 1 WHERE id = ?1",
	[SQ_EVENT_INSERT] =
		"INSERT INTO events (lead_id, seq, at, kind, actor, model_version, action, "
		"milestone, status, stage, reason, outcome, follow_up, note, rule, "
		"before_milestone, before_status, before_phase, before_stage, before_lifecycle, "
		"before_follow_up, before_completed_at, before_flags, before_stage_counts, "
		"after_milestone, after_status, after_phase, after_stage, after_lifecycle, "
		"after_follow_up, after_completed_at, after_flags, after_stage_counts) VALUES (?1, "
		"?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
		"?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)",
	[SQ_MODEL_PUT] = "INSERT INTO models (version, installed_at, json) VALUES (?1, ?2, ?3)",
	[SQ_MODEL_GET] = "SELECT json, installed_at FROM models WHERE version = ?1",
	[SQ_MODEL_LATEST] = "SELECT coalesce(max(version), 0) FROM models",
	[SQ_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[SQ_META_SET] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
			"ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[SQ_META_DELETE] = "DELETE FROM meta WHERE key = ?1",
	[SQ_AGENT_INSERT] = "INSERT INTO agents (name, active) VALUES (?1, ?2)",
	[SQ_AGENT_UPDATE] = "UPDATE agents SET name = ?2, active = ?3 WHERE id = ?1",
	[SQ_AGENTS_ALL] = "SELECT id, name, active FROM agents ORDER BY id",
	[SQ_AGENTS_OF_UNIT] = "SELECT a.id, a.name, a.active FROM agents a JOIN unit_members m "
			      "ON m.agent_id = a.id WHERE m.unit_id = ?1 ORDER BY a.id",
	[SQ_AGENT_EXISTS] = "SELECT 1 FROM agents WHERE id = ?1",
	[SQ_UNIT_INSERT] = "INSERT INTO units (name) VALUES (?1)",
	[SQ_UNIT_UPDATE] = "UPDATE units SET name = ?2 WHERE id = ?1",
	[SQ_UNITS_ALL] = "SELECT id, name FROM units ORDER BY id",
	[SQ_UNITS_OF_AGENT] = "SELECT u.id, u.name FROM units u JOIN unit_members m "
			      "ON m.unit_id = u.id WHERE m.agent_id = ?1 ORDER BY u.id",
	[SQ_UNIT_EXISTS] = "SELECT 1 FROM units WHERE id = ?1",
	[SQ_MEMBER_ADD] = "INSERT OR IGNORE INTO unit_members (unit_id, agent_id) VALUES (?1, ?2)",
	[SQ_MEMBER_DELETE] = "DELETE FROM unit_members WHERE unit_id = ?1 AND agent_id = ?2",
	/* Worklists ride two index range scans: overdue and due the
	 * (agent_id, follow_up) index, new leads the partial leads_agent_new
	 * (schema_v2), so their cost follows the list, not the store. */
	[SQ_WL_OVERDUE] = "SELECT id, follow_up FROM leads WHERE agent_id = ?1 AND recycled = 0 "
			  "AND follow_up < ?2 ORDER BY follow_up, id",
	[SQ_WL_DUE] = "SELECT id, follow_up FROM leads WHERE agent_id = ?1 AND recycled = 0 "
		      "AND follow_up >= ?2 AND follow_up < ?3 ORDER BY follow_up, id",
	[SQ_WL_NEW] = "SELECT id, follow_up FROM leads WHERE agent_id = ?1 AND touched_at IS NULL "
		      "AND recycled = 0 AND (follow_up IS NULL OR follow_up >= ?3) ORDER BY id",
};

/* List kinds as stored in lead_items.kind (notes live in lead_notes). */
static const char *const item_kinds[LC_LEAD_NOTES] = {
	"product", "team", "competitor", "activity", "attribute",
};

/* ---- errors and statements ---- */

int lc__sq_error(lc_sq *s, int rc, const char *what)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return lc__error(LC_EBUSY,
				 "%s: the store is busy (another connection held the lock longer "
				 "than the busy timeout): %s; retry later or raise busy_timeout_ms",
				 what, msg);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return lc__error(LC_ECORRUPT, "%s: the store file is damaged or not a database: %s",
				 what, msg);
	case SQLITE_NOMEM:
		return lc__error(LC_ENOMEM, "%s: SQLite ran out of memory", what);
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return lc__error(LC_EEXISTS, "%s: %s", what, msg);
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return lc__error(LC_ENOTFOUND, "%s: it refers to a unit, agent or lead that "
						       "does not exist",
					 what);
		return lc__error(LC_EIO, "%s: %s", what, msg);
	case SQLITE_FULL:
		return lc__error(LC_EIO, "%s: the disk is full: %s", what, msg);
	case SQLITE_READONLY:
		return lc__error(s && s->readonly ? LC_EREADONLY : LC_EIO,
				 "%s: the store cannot be written (%s): %s", what,
				 s && s->readonly ? "it is open read-only: LC_DB_READONLY, or the "
						    "file or its directory is not writable"
						  : "check the file's permissions and the disk",
				 msg);
	default:
		return lc__error(LC_EIO, "%s: %s", what, msg);
	}
}

sqlite3_stmt *lc__sq_stmt(lc_sq *s, lc_sq_stmt which)
{
	sqlite3_stmt **st = &s->stmt[which];
	int rc;

	if (*st) {
		sqlite3_reset(*st);
		return *st;
	}
	rc = sqlite3_prepare_v3(s->db, sql[which], -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc != SQLITE_OK) {
		lc__sq_error(s, rc, "preparing a statement");
		*st = NULL;
	}
	return *st;
}

/* Step a statement that returns no row, then reset it. */
static int run(lc_sq *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return lc__sq_error(s, rc, what);
}

static int exec(lc_sq *s, const char *text, const char *what)
{
	int rc = sqlite3_exec(s->db, text, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : lc__sq_error(s, rc, what);
}

/* ---- binding helpers: "none" values become NULL ---- */

static int b_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int b_time(sqlite3_stmt *st, int i, lc_time t)
{
	return t == LC_TIME_NONE ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, t);
}

static int b_id(sqlite3_stmt *st, int i, lc_id id)
{
	return id ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

static const char *c_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static lc_time c_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? LC_TIME_NONE : sqlite3_column_int64(st, i);
}

/* Stage counters as "key=n;key=n" (non-zero only); NULL when none. Put
 * together by hand: printf costs more than the rest of an apply's binding. */
static const char *counts_format(lc_buf *b, const lc_state *st)
{
	const char *keys[16];
	size_t entries[16];
	size_t total = 1;

	b->len = 0;
	b->failed = false; /* a buffer is reused: forget an earlier failure */
	for (size_t first = 0; first < total; first += LC_ARRAY_LEN(keys)) {
		total = lc_state_sys_entries(st, first, keys, entries, LC_ARRAY_LEN(keys));
		for (size_t i = 0; i < LC_ARRAY_LEN(keys) && first + i < total; i++) {
			size_t n = entries[i];
			char num[24];
			size_t len = sizeof num;
			do
				num[--len] = (char)('0' + n % 10);
			while ((n /= 10) != 0);
			if (first + i)
				lc__buf_putc(b, ';');
			lc__buf_puts(b, keys[i]);
			lc__buf_putc(b, '=');
			lc__buf_put(b, num + len, sizeof num - len);
		}
	}
	return b->len && !b->failed ? b->data : NULL;
}

/* Counters of stages the model does not know are kept by key (a lead read
 * under another model keeps them, so its history still replays). */
static int counts_parse(lc_sq *s, lc_state *st, const char *text)
{
	char key[LC_KEY_MAX + 1];
	size_t k = 0;

	while (text && *text) {
		const char *eq = strchr(text, '=');
		const char *end = strchr(text, ';');
		size_t n;

		if (!end)
			end = text + strlen(text);
		if (!eq || eq > end)
			break;
		n = (size_t)(eq - text);
		if (n <= LC_KEY_MAX) {
			memcpy(key, text, n);
			key[n] = '\0';
			size_t count = (size_t)strtoull(eq + 1, NULL, 10);
			int rc = k < LC_ARRAY_LEN(s->count_hint)
					 ? lc_state_set_stored_entries(st, key, count,
									  &s->count_hint[k++])
					 : lc_state_set_stored_entries(st, key, count, NULL);
			if (rc)
				return rc;
		}
		text = *end ? end + 1 : end;
	}
	return 0;
}

/* ---- open, close, transactions ---- */

static void sq_close(void *be)
{
	lc_sq *s = be;

	if (!s)
		return;
	for (int i = 0; i < SQ_STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	for (size_t i = 0; i < LC_ARRAY_LEN(s->upd); i++)
		sqlite3_finalize(s->upd[i]);
	sqlite3_finalize(s->lead_events);
	if (s->db) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(s->db);
	}
	lc__buf_free(&s->text);
	lc__buf_free(&s->counts[0]);
	lc__buf_free(&s->counts[1]);
	lc__buf_free(&s->row.counts);
	lc__free(s);
}

static int user_version(lc_sq *s, int64_t *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return lc__sq_error(s, rc, "reading the schema version");
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : lc__sq_error(s, rc, "reading the schema version");
}

static int table_count(lc_sq *s, int64_t *n)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return lc__sq_error(s, rc, "reading the store");
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : lc__sq_error(s, rc, "reading the store");
}

/* Refuse what is not a leadcore store before anything writes to it: an
 * empty file unless the caller creates, another SQLite database, a future or
 * impossible schema version. */
static int check_store(lc_sq *s, bool create)
{
	sqlite3_stmt *st;
	int64_t v, tables;
	int rc;

	rc = user_version(s, &v);
	if (rc && (lc_error_last_code() == LC_ECORRUPT || lc_error_last_code() == LC_EIO))
		return lc__error(LC_EFORMAT, "the file is not a leadcore store (%s); give the path "
					     "of a store, or create one with LC_DB_CREATE",
				 lc_error_last());
	if (rc || (rc = table_count(s, &tables)))
		return rc;
	if (v < 0 || v > LC_SQ_SCHEMA_VERSION)
		return lc__error(LC_EVERSION,
				 "the store has schema version %lld, %s this library's %d; %s",
				 (long long)v, v < 0 ? "which no leadcore writes, not" : "newer than",
				 LC_SQ_SCHEMA_VERSION,
				 v < 0 ? "it is not a leadcore store" : "upgrade leadcore to open it");
	if (v == 0 && tables > 0)
		return lc__error(LC_EFORMAT, "the file is an SQLite database but not a leadcore store; "
					     "give another path");
	if (v == 0 && !create)
		return lc__error(LC_EFORMAT, "the file is empty, not a leadcore store; open it with "
					     "LC_DB_CREATE to create a store in it");
	if (v == 0)
		return 0;
	rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'format'", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT &&
				     strcmp((const char *)sqlite3_column_text(st, 0), "leadcore") == 0
			     ? 0
			     : -1;
		sqlite3_finalize(st);
	}
	return rc ? lc__error(LC_EFORMAT, "the file has a schema version but no leadcore format "
					  "mark (meta.format); it is not a leadcore store")
		  : 0;
}

/* Bring the schema to LC_SQ_SCHEMA_VERSION, one step per version. */
static int migrate(lc_sq *s)
{
	int64_t v, tables;
	int rc;

	if ((rc = user_version(s, &v)))
		return rc;
	/* A read-only handle reads an older store as it is rather than refusing
	 * it: versions 2 and 3 only add indexes (reads are slower without
	 * them); the account column of version 4 is read as NULL through a
	 * view of this connection that stands in for the table. */
	if (s->readonly && v < 4)
		return exec(s, "CREATE TEMP VIEW leads AS SELECT *, NULL AS account FROM main.leads",
			    "reading a store of an older schema");
	if (v == LC_SQ_SCHEMA_VERSION || s->readonly)
		return 0;
	if ((rc = exec(s, "BEGIN IMMEDIATE", "creating the store")))
		return rc;
	/* Another process may have created it while we waited for the lock. */
	if ((rc = user_version(s, &v)) || (rc = table_count(s, &tables)))
		goto fail;
	if (v == 0 && tables > 0) {
		rc = lc__error(LC_EFORMAT, "the file is an SQLite database but not a leadcore store; "
					   "give another path");
		goto fail;
	}
	if (v == 0 && (rc = exec(s, schema_v1, "creating the store schema")))
		goto fail;
	if (v < 2 && (rc = exec(s, schema_v2, "upgrading the store schema to version 2")))
		goto fail;
	if (v < 3 && (rc = exec(s, schema_v3, "upgrading the store schema to version 3")))
		goto fail;
	if (v < 4 && (rc = exec(s, schema_v4, "upgrading the store schema to version 4")))
		goto fail;
	return exec(s, "COMMIT", "creating the store");
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Whether leadcore may write next to PATH: the file, and its directory for
 * the -wal and -shm files. A read-only mount or directory opens read-only. */
static bool can_write(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	if (access(path, F_OK) != 0)
		return true; /* not there: creating it reports its own error */
	if (access(path, W_OK) != 0)
		return false;
	if (!slash)
		return access(".", W_OK) == 0;
	if ((size_t)(slash - path) >= sizeof dir)
		return true;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return access(slash == path ? "/" : dir, W_OK) == 0;
}

/* Open PATH read-only without changing it: `mode=ro` reads the WAL when the
 * -shm file can be used; `immutable=1` reads a store whose directory cannot
 * take one (a read-only mount, a snapshot). */
static int open_readonly(lc_sq *s, const char *path, bool immutable)
{
	size_t n = 0;
	char *uri = sqlite3_malloc64(strlen(path) * 3 + 32);
	int rc;

	if (!uri)
		return SQLITE_NOMEM;
	n += (size_t)sprintf(uri, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
			n += (size_t)sprintf(uri + n, "%%%02X", *p);
		else
			uri[n++] = (char)*p;
	}
	strcpy(uri + n, immutable ? "?immutable=1" : "?mode=ro");
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			     NULL);
	sqlite3_free(uri);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc != SQLITE_OK && !immutable && (rc & 0xff) != SQLITE_NOTADB) {
		sqlite3_close_v2(s->db);
		s->db = NULL;
		return open_readonly(s, path, true);
	}
	return rc;
}

static int sq_open(void **out, const char *location, const lc_db_options *opts, void *user_data)
{
	bool memory = strcmp(location, ":memory:") == 0 || !location[0];
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE;
	lc_sq *s;
	int rc;

	(void)user_data;
	*out = NULL;
	s = lc__calloc(1, sizeof *s);
	if (!s)
		return LC_ENOMEM;
	lc__buf_init(&s->text);
	lc__buf_init(&s->counts[0]);
	lc__buf_init(&s->counts[1]);
	lc__buf_init(&s->row.counts);
	s->readonly = !memory && ((opts->flags & LC_DB_READONLY) || !can_write(location));
	if (opts->flags & LC_DB_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	if (s->readonly && access(location, F_OK) != 0)
		rc = SQLITE_CANTOPEN;
	else
		rc = s->readonly ? open_readonly(s, location, false)
				 : sqlite3_open_v2(memory ? ":memory:" : location, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_CANTOPEN)
			rc = lc__error(LC_ENOTFOUND,
				       "cannot open the store '%s': %s%s", location,
				       s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc),
				       (opts->flags & LC_DB_CREATE) ? ""
								    : " (it does not exist; open it "
								      "with LC_DB_CREATE to create it)");
		else if ((rc & 0xff) == SQLITE_NOTADB)
			rc = lc__error(LC_EFORMAT, "'%s' is not a leadcore store (not an SQLite "
						   "database); give the path of a store",
				       location);
		else
			rc = lc__sq_error(s, rc, "opening the store");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, opts->busy_timeout_ms);
	if ((rc = exec(s, "PRAGMA foreign_keys = ON", "configuring the store")) ||
	    (!memory && (rc = check_store(s, (opts->flags & LC_DB_CREATE) != 0))))
		goto fail;
	if (!memory && !s->readonly &&
	    (rc = exec(s, "PRAGMA journal_mode = WAL", "switching the store to WAL")))
		goto fail;
	/* temp_store: savepoints (the importer's one a row) keep the pages
	 * they may undo in memory, not in a temporary file each. */
	if ((!s->readonly && (rc = exec(s, "PRAGMA synchronous = NORMAL", "configuring the store"))) ||
	    (rc = exec(s, "PRAGMA temp_store = MEMORY", "configuring the store")) ||
	    (rc = migrate(s)))
		goto fail;
	*out = s;
	return 0;
fail:
	sq_close(s);
	return rc;
}

static int sq_begin(void *be, int write)
{
	lc_sq *s = be;
	if (write && s->readonly)
		return lc__error(LC_EREADONLY, "the store is open read-only (LC_DB_READONLY, or the "
					    "file or its directory is not writable); it cannot be "
					    "changed through this handle");
	sqlite3_stmt *st = lc__sq_stmt(s, write ? SQ_BEGIN_WRITE : SQ_BEGIN_READ);
	int rc = st ? run(s, st, write ? "starting a write transaction" : "starting a read transaction")
		    : lc_error_last_code();

	/* A row read earlier may have been changed by another connection since. */
	s->row.id = 0;
	s->writing = write && !rc;
	return rc;
}

static int sq_commit(void *be)
{
	lc_sq *s = be;
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_COMMIT);
	int rc = st ? run(s, st, "committing") : lc_error_last_code();

	s->writing = false;
	s->row.id = 0;

	/* The contract: a failed commit leaves no transaction open. */
	if (rc && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int sq_rollback(void *be)
{
	lc_sq *s = be;
	sqlite3_stmt *st;

	s->writing = false;
	s->row.id = 0;
	if (sqlite3_get_autocommit(s->db))
		return 0; /* SQLite already rolled back (after an I/O error, say) */
	st = lc__sq_stmt(s, SQ_ROLLBACK);
	if (st && run(s, st, "rolling back") == 0)
		return 0;
	/* Pending statements can block ROLLBACK; exec resets them. */
	return sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK
		       ? 0
		       : lc__sq_error(s, sqlite3_errcode(s->db), "rolling back");
}

/* One savepoint at a time (the importer's per-row mark), by prepared
 * statements: the importer marks every row. */
static int sq_savepoint(void *be, int op)
{
	lc_sq *s = be;
	sqlite3_stmt *st;
	int rc;

	s->row.id = 0; /* a cached row may be undone */
	switch (op) {
	case LC_STORAGE_SAVEPOINT_BEGIN:
		st = lc__sq_stmt(s, SQ_SAVEPOINT);
		return st ? run(s, st, "marking a savepoint") : lc_error_last_code();
	case LC_STORAGE_SAVEPOINT_RELEASE:
		st = lc__sq_stmt(s, SQ_RELEASE);
		return st ? run(s, st, "releasing a savepoint") : lc_error_last_code();
	case LC_STORAGE_SAVEPOINT_ROLLBACK:
		if (sqlite3_get_autocommit(s->db))
			return lc__error(LC_EIO, "the store rolled the whole transaction back");
		st = lc__sq_stmt(s, SQ_ROLLBACK_TO);
		if ((rc = st ? run(s, st, "rolling back to a savepoint") : lc_error_last_code()))
			return rc;
		st = lc__sq_stmt(s, SQ_RELEASE);
		return st ? run(s, st, "releasing a savepoint") : lc_error_last_code();
	default:
		return lc__error(LC_EINVAL, "savepoint: unknown op %d", op);
	}
}

/* ---- leads: reading ---- */

static int load_items(lc_sq *s, lc_lead *lead)
{
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_ITEMS_GET);
	int rc;

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, lc_lead_number(lead, LC_LEAD_NUM_ID));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = c_text(st, 0);
		const char *a = c_text(st, 1), *b = c_text(st, 2);
		lc_time t = c_time(st, 3);
		int r = 0;

		if (!kind || !a)
			continue;
		if (strcmp(kind, "product") == 0)
			r = lc_lead_product_add(lead, a, b);
		else if (strcmp(kind, "team") == 0)
			r = lc_lead_name_add(lead, LC_LEAD_TEAM, a);
		else if (strcmp(kind, "competitor") == 0)
			r = lc_lead_name_add(lead, LC_LEAD_COMPETITORS, a);
		else if (strcmp(kind, "activity") == 0)
			r = lc_lead_activity_add(lead, a, t, b);
		else if (strcmp(kind, "attribute") == 0)
			r = lc_lead_attr_set(lead, a, b ? b : "");
		if (r) {
			sqlite3_reset(st);
			return r;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : lc__sq_error(s, rc, "reading the lead's lists");
}

static int load_notes(lc_sq *s, lc_lead *lead)
{
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_NOTES_GET);
	int rc;

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, lc_lead_number(lead, LC_LEAD_NUM_ID));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text = c_text(st, 2);
		int r = text ? lc_lead_sys_add_note(lead, c_time(st, 0), c_text(st, 1), text) : 0;
		if (r) {
			sqlite3_reset(st);
			return r;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : lc__sq_error(s, rc, "reading the lead's notes");
}

/* The record's scalar fields from a row of LEAD_COLS. */
static int fill_fields(sqlite3_stmt *st, lc_lead *lead)
{
	static const uint32_t flags[] = { LC_LEAD_DO_NOT_CALL, LC_LEAD_DO_NOT_EMAIL,
					  LC_LEAD_AUTOMATION_STOPPED };
	const char *cur = c_text(st, C_CURRENCY);
	int rc;

	if ((rc = lc_lead_sys_set_meta(lead, sqlite3_column_int64(st, C_ID),
				       sqlite3_column_int64(st, C_VERSION), c_time(st, C_CREATED_AT),
				       c_time(st, C_TOUCHED_AT), sqlite3_column_int(st, C_RECYCLED))))
		return rc;
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if ((rc = lc_lead_set_text(lead, (lc_lead_text_field)f, c_text(st, text_col(f)))))
			return rc;
	if (sqlite3_column_type(st, C_PROBABILITY) != SQLITE_NULL &&
	    (rc = lc_lead_set_probability(lead, sqlite3_column_int(st, C_PROBABILITY))))
		return rc;
	if (cur && strlen(cur) == 3 &&
	    (rc = lc_lead_set_amount(lead, sqlite3_column_int64(st, C_AMOUNT), cur)))
		return rc;
	if ((rc = lc_lead_set_date(lead, LC_LEAD_START, c_time(st, C_START))) ||
	    (rc = lc_lead_set_date(lead, LC_LEAD_EXPECTED_COMPLETION, c_time(st, C_EXPECTED))) ||
	    (rc = lc_lead_set_unit(lead, sqlite3_column_int64(st, C_UNIT))) ||
	    (rc = lc_lead_set_agent(lead, sqlite3_column_int64(st, C_AGENT))))
		return rc;
	for (int i = 0; i < 3; i++)
		if (sqlite3_column_int(st, C_DNC + i) && (rc = lc_lead_set_flag(lead, flags[i], 1)))
			return rc;
	return 0;
}

/* Fill a record (reset and bound by the core) from a row of LEAD_COLS. */
static int fill_lead(lc_sq *s, sqlite3_stmt *st, lc_lead *lead)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
					LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
	lc_state *state = lc_lead_sys_state(lead);
	int rc;

	if ((rc = fill_fields(st, lead)))
		return rc;
	/* Through the record: it keeps the date in its state when bound. */
	if ((rc = lc_lead_set_date(lead, LC_LEAD_ACTUAL_COMPLETION, c_time(st, C_ACTUAL))))
		return rc;
	if (state) {
		for (size_t i = 0; i < LC_ARRAY_LEN(axes); i++)
			if ((rc = lc_state_set_stored(state, axes[i],
							   c_text(st, C_MILESTONE + (int)i),
							   &s->hint[axes[i]])))
				return rc;
		if ((rc = lc_state_set_time(state, LC_STATE_TIME_FOLLOW_UP,
					    c_time(st, C_FOLLOW_UP))) ||
		    (rc = counts_parse(s, state, c_text(st, C_COUNTS))))
			return rc;
	}
	if (sqlite3_column_int64(st, C_ITEM_COUNT) > 0 && (rc = load_items(s, lead)))
		return rc;
	if (sqlite3_column_int64(st, C_NOTE_COUNT) > 0 && (rc = load_notes(s, lead)))
		return rc;
	return 0;
}

/* Keep the state columns of the row `st` is on (see lc_sq_row). A value
 * that cannot be kept is simply not known: its column is always written. */
static void row_remember(lc_sq *s, sqlite3_stmt *st)
{
	lc_sq_row *r = &s->row;

	r->id = sqlite3_column_int64(st, C_ID);
	r->known = 1u << SQ_COL_RECYCLED | 1u << SQ_COL_TOUCHED_AT | 1u << SQ_COL_FOLLOW_UP |
		   1u << SQ_COL_COMPLETED;
	r->num[SQ_COL_RECYCLED] = sqlite3_column_int64(st, C_RECYCLED);
	r->num[SQ_COL_TOUCHED_AT] = c_time(st, C_TOUCHED_AT);
	r->num[SQ_COL_FOLLOW_UP] = c_time(st, C_FOLLOW_UP);
	r->num[SQ_COL_COMPLETED] = c_time(st, C_ACTUAL);
	for (int i = 0; i < 5; i++) {
		const char *v = c_text(st, C_MILESTONE + i);
		size_t n = v ? strlen(v) : 0;
		r->null[SQ_COL_MILESTONE + i] = !v;
		if (n > LC_KEY_MAX)
			continue;
		if (v)
			memcpy(r->key[i], v, n + 1);
		r->known |= 1u << (SQ_COL_MILESTONE + i);
	}
	{
		const char *v = c_text(st, C_COUNTS);
		lc_buf *b = &r->counts;
		b->len = 0;
		b->failed = false;
		r->null[SQ_COL_COUNTS] = !v;
		if (v)
			lc__buf_puts(b, v);
		if (!v || !b->failed)
			r->known |= 1u << SQ_COL_COUNTS;
	}
}

static int get_by(lc_sq *s, lc_sq_stmt which, lc_id id, const char *external, lc_lead *out)
{
	sqlite3_stmt *st = lc__sq_stmt(s, which);
	int rc;

	if (!st)
		return lc_error_last_code();
	if (external)
		sqlite3_bind_text(st, 1, external, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	s->row.id = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		/* An apply reads the lead, then writes it in the same transaction. */
		if (s->writing)
			row_remember(s, st);
		/* Copy the row out before the list queries run. */
		rc = fill_lead(s, st, out);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return LC_ENOTFOUND;
	return lc__sq_error(s, rc, "reading a lead");
}

static int sq_lead_get(void *be, lc_id id, lc_lead *out)
{
	return get_by(be, SQ_LEAD_GET, id, NULL, out);
}

static int sq_lead_find(void *be, const char *external_id, lc_lead *out)
{
	return get_by(be, SQ_LEAD_GET_EXTERNAL, 0, external_id, out);
}

/* ---- leads: writing ---- */

static size_t item_total(const lc_lead *lead)
{
	size_t n = 0;

	for (int l = 0; l < LC_LEAD_NOTES; l++)
		n += lc_lead_list_count(lead, (lc_lead_list)l);
	return n;
}

/* Entry i of list l as the lead_items columns a, b and t. */
static void item_of(const lc_lead *lead, int l, size_t i, const char **a, const char **b,
		    lc_time *t)
{
	lc_lead_entry e = LC_LEAD_ENTRY_INIT;

	lc_lead_list_get(lead, (lc_lead_list)l, i, &e);
	*a = e.text;
	*b = e.detail;
	*t = e.time;
}

static int write_items(lc_sq *s, const lc_lead *lead, bool replace)
{
	lc_id id = lc_lead_number(lead, LC_LEAD_NUM_ID);
	sqlite3_stmt *st;
	int rc;

	if (replace) {
		if (!(st = lc__sq_stmt(s, SQ_ITEMS_DELETE)))
			return lc_error_last_code();
		sqlite3_bind_int64(st, 1, id);
		if ((rc = run(s, st, "replacing the lead's lists")))
			return rc;
		if (!(st = lc__sq_stmt(s, SQ_ITEM_COUNT)))
			return lc_error_last_code();
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)item_total(lead));
		if ((rc = run(s, st, "replacing the lead's lists")))
			return rc;
	}
	for (int l = 0; l < LC_LEAD_NOTES; l++)
		for (size_t i = 0; i < lc_lead_list_count(lead, (lc_lead_list)l); i++) {
			const char *a, *b;
			lc_time t;
			item_of(lead, l, i, &a, &b, &t);
			if (!(st = lc__sq_stmt(s, SQ_ITEM_INSERT)))
				return lc_error_last_code();
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, item_kinds[l], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, (int64_t)i);
			b_text(st, 4, a);
			b_text(st, 5, b);
			b_time(st, 6, t);
			if ((rc = run(s, st, "writing the lead's lists")))
				return rc;
		}
	return 0;
}

/* Bind the scalar fields from parameter `first` on, in LEAD_COLS order from
 * name to automation_stopped, but the actual completion (a state column);
 * the account (added later, last in LEAD_COLS) is bound by the caller. */
static void bind_fields(sqlite3_stmt *st, int first, const lc_lead *lead)
{
	uint32_t flags = (uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS);
	const char *cur = lc_lead_currency(lead);
	int i = first;

	for (int f = 1; f < LC_LEAD_ACCOUNT; f++)
		b_text(st, i++, lc_lead_text(lead, (lc_lead_text_field)f));
	if ((int32_t)lc_lead_number(lead, LC_LEAD_NUM_PROBABILITY) >= 0)
		sqlite3_bind_int(st, i++, (int32_t)lc_lead_number(lead, LC_LEAD_NUM_PROBABILITY));
	else
		sqlite3_bind_null(st, i++);
	if (cur) {
		sqlite3_bind_int64(st, i++, lc_lead_number(lead, LC_LEAD_NUM_AMOUNT));
		sqlite3_bind_text(st, i++, cur, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, i++);
		sqlite3_bind_null(st, i++);
	}
	b_time(st, i++, lc_lead_date(lead, LC_LEAD_START));
	b_time(st, i++, lc_lead_date(lead, LC_LEAD_EXPECTED_COMPLETION));
	b_id(st, i++, lc_lead_number(lead, LC_LEAD_NUM_UNIT));
	b_id(st, i++, lc_lead_number(lead, LC_LEAD_NUM_AGENT));
	sqlite3_bind_int(st, i++, (flags & LC_LEAD_DO_NOT_CALL) != 0);
	sqlite3_bind_int(st, i++, (flags & LC_LEAD_DO_NOT_EMAIL) != 0);
	sqlite3_bind_int(st, i, (flags & LC_LEAD_AUTOMATION_STOPPED) != 0);
}

static int recycled(const lc_lead *lead)
{
	return ((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED) != 0;
}

static int insert_notes(lc_sq *s, const lc_lead *lead)
{
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < lc_lead_list_count(lead, LC_LEAD_NOTES); i++) {
		if (!(st = lc__sq_stmt(s, SQ_NOTE_INSERT)))
			return lc_error_last_code();
		lc_lead_entry e = LC_LEAD_ENTRY_INIT;
		lc_lead_list_get(lead, LC_LEAD_NOTES, i, &e);
		sqlite3_bind_int64(st, 1, lc_lead_number(lead, LC_LEAD_NUM_ID));
		b_time(st, 2, e.time);
		b_text(st, 3, e.detail);
		b_text(st, 4, e.text);
		if ((rc = run(s, st, "storing the lead's notes")))
			return rc;
	}
	return 0;
}

static int sq_lead_insert(void *be, lc_lead *lead)
{
	lc_sq *s = be;
	const lc_state *state = lc_lead_state(lead);
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_LEAD_INSERT);
	int rc;

	if (!st)
		return lc_error_last_code();
	b_text(st, 1, lc_lead_text(lead, LC_LEAD_EXTERNAL_ID));
	sqlite3_bind_int64(st, 2, lc_lead_number(lead, LC_LEAD_NUM_VERSION));
	b_time(st, 3, lc_lead_number(lead, LC_LEAD_NUM_CREATED_AT));
	b_time(st, 4, lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT));
	sqlite3_bind_int(st, 5, recycled(lead));
	bind_fields(st, 6, lead);
	b_time(st, 28, lc_lead_date(lead, LC_LEAD_ACTUAL_COMPLETION));
	b_text(st, 29, lc_state_get(state, LC_AXIS_MILESTONE));
	b_text(st, 30, lc_state_get(state, LC_AXIS_STATUS));
	b_text(st, 31, lc_state_get(state, LC_AXIS_PHASE));
	b_text(st, 32, lc_state_get(state, LC_AXIS_STAGE));
	b_text(st, 33, lc_state_get(state, LC_AXIS_LIFECYCLE));
	b_time(st, 34, lc_state_time(state, LC_STATE_TIME_FOLLOW_UP));
	b_text(st, 35, state ? counts_format(&s->counts[0], state) : NULL);
	sqlite3_bind_int64(st, 36, (int64_t)item_total(lead));
	sqlite3_bind_int64(st, 37, (int64_t)lc_lead_list_count(lead, LC_LEAD_NOTES));
	b_text(st, 38, lc_lead_text(lead, LC_LEAD_ACCOUNT));
	if ((rc = run(s, st, "storing the lead")))
		return rc;
	if ((rc = lc_lead_sys_set_id(lead, sqlite3_last_insert_rowid(s->db))))
		return rc;
	if (item_total(lead) && (rc = write_items(s, lead, false)))
		return rc;
	return insert_notes(s, lead);
}

static void bind_meta(sqlite3_stmt *st, const lc_lead *lead)
{
	sqlite3_bind_int64(st, 1, lc_lead_number(lead, LC_LEAD_NUM_ID));
	sqlite3_bind_int64(st, 2, lc_lead_number(lead, LC_LEAD_NUM_VERSION));
	sqlite3_bind_int(st, 3, recycled(lead));
	b_time(st, 4, lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT));
}

static int changed_one(lc_sq *s, int rc)
{
	if (rc)
		return rc;
	if (sqlite3_changes(s->db) != 1)
		return lc__error(LC_ENOTFOUND, "the lead to update is not in the store");
	return 0;
}

/* The state columns (SQ_COL_* bits) whose stored value differs from what
 * the update writes: every one unless the row was read in this write
 * transaction. */
static unsigned int changed_cols(const lc_sq *s, const lc_lead *lead, const lc_state *state,
				 const char *counts)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
					LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
	const lc_sq_row *r = &s->row;
	unsigned int same = 0;

	if (!s->writing || r->id != lc_lead_number(lead, LC_LEAD_NUM_ID))
		return SQ_COLS_ALL;
	if (r->num[SQ_COL_RECYCLED] == recycled(lead))
		same |= 1u << SQ_COL_RECYCLED;
	if (r->num[SQ_COL_TOUCHED_AT] == lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT))
		same |= 1u << SQ_COL_TOUCHED_AT;
	if (r->num[SQ_COL_FOLLOW_UP] == lc_state_time(state, LC_STATE_TIME_FOLLOW_UP))
		same |= 1u << SQ_COL_FOLLOW_UP;
	if (r->num[SQ_COL_COMPLETED] == lc_state_time(state, LC_STATE_TIME_COMPLETED_AT))
		same |= 1u << SQ_COL_COMPLETED;
	for (int i = 0; i < 5; i++) {
		const char *v = lc_state_get(state, axes[i]);
		if (r->null[SQ_COL_MILESTONE + i] ? !v : v && strcmp(v, r->key[i]) == 0)
			same |= 1u << (SQ_COL_MILESTONE + i);
	}
	if (r->null[SQ_COL_COUNTS] ? !counts : counts && strcmp(counts, r->counts.data) == 0)
		same |= 1u << SQ_COL_COUNTS;
	return SQ_COLS_ALL & ~(same & r->known);
}

/* The state UPDATE that sets version and the columns `cols`, prepared once
 * per set. Parameters keep SQ_LEAD_UPDATE_STATE's numbers. */
static sqlite3_stmt *update_stmt(lc_sq *s, unsigned int cols)
{
	static const char *const set[SQ_COL_COUNT] = {
		", recycled = ?3",   ", touched_at = ?4", ", milestone = ?5",
		", status = ?6",     ", phase = ?7",      ", stage = ?8",
		", lifecycle = ?9",  ", follow_up = ?10", ", actual_completion = ?11",
		", stage_counts = ?12",
	};
	char sql_text[400] = "UPDATE leads SET version = ?2";
	int rc;

	if (s->upd[cols])
		return s->upd[cols];
	for (int i = 0; i < SQ_COL_COUNT; i++)
		if (cols & 1u << i)
			strcat(sql_text, set[i]);
	strcat(sql_text, " WHERE id = ?1");
	rc = sqlite3_prepare_v3(s->db, sql_text, -1, SQLITE_PREPARE_PERSISTENT, &s->upd[cols], NULL);
	if (rc != SQLITE_OK) {
		lc__sq_error(s, rc, "preparing a statement");
		s->upd[cols] = NULL;
	}
	return s->upd[cols];
}

static int sq_lead_update(void *be, const lc_lead *lead, unsigned int parts)
{
	lc_sq *s = be;
	const lc_state *state = lc_lead_state(lead);
	sqlite3_stmt *st;
	int rc;

	if (parts & LC_STORAGE_PART_FIELDS) {
		if (!(st = lc__sq_stmt(s, SQ_LEAD_UPDATE_FIELDS)))
			return lc_error_last_code();
		bind_meta(st, lead);
		b_text(st, 5, lc_lead_text(lead, LC_LEAD_EXTERNAL_ID));
		bind_fields(st, 6, lead);
		b_text(st, 28, lc_lead_text(lead, LC_LEAD_ACCOUNT));
		if ((rc = changed_one(s, run(s, st, "writing the lead"))))
			return rc;
	}
	if ((parts & LC_STORAGE_PART_STATE) && state) {
		static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
						LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
		const char *counts = counts_format(&s->counts[0], state);
		unsigned int cols = changed_cols(s, lead, state, counts);

		s->row.id = 0;
		if (!(st = update_stmt(s, cols)))
			return lc_error_last_code();
		sqlite3_bind_int64(st, 1, lc_lead_number(lead, LC_LEAD_NUM_ID));
		sqlite3_bind_int64(st, 2, lc_lead_number(lead, LC_LEAD_NUM_VERSION));
		if (cols & 1u << SQ_COL_RECYCLED)
			sqlite3_bind_int(st, 3, recycled(lead));
		if (cols & 1u << SQ_COL_TOUCHED_AT)
			b_time(st, 4, lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT));
		for (int i = 0; i < 5; i++)
			if (cols & 1u << (SQ_COL_MILESTONE + i))
				b_text(st, 5 + i, lc_state_get(state, axes[i]));
		if (cols & 1u << SQ_COL_FOLLOW_UP)
			b_time(st, 10, lc_state_time(state, LC_STATE_TIME_FOLLOW_UP));
		if (cols & 1u << SQ_COL_COMPLETED)
			b_time(st, 11, lc_state_time(state, LC_STATE_TIME_COMPLETED_AT));
		if (cols & 1u << SQ_COL_COUNTS)
			b_text(st, 12, counts);
		if ((rc = changed_one(s, run(s, st, "writing the lead's state"))))
			return rc;
	}
	s->row.id = 0;
	if (!(parts & (LC_STORAGE_PART_FIELDS | LC_STORAGE_PART_STATE))) {
		if (!(st = lc__sq_stmt(s, SQ_LEAD_UPDATE_META)))
			return lc_error_last_code();
		bind_meta(st, lead);
		if ((rc = changed_one(s, run(s, st, "writing the lead"))))
			return rc;
	}
	if (parts & LC_STORAGE_PART_LISTS)
		return write_items(s, lead, true);
	return 0;
}

static int sq_note_append(void *be, lc_id lead, lc_time time, const char *author, const char *text)
{
	lc_sq *s = be;
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_NOTE_INSERT);
	int rc;

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, lead);
	b_time(st, 2, time);
	b_text(st, 3, author);
	b_text(st, 4, text);
	if ((rc = run(s, st, "storing the note")))
		return rc;
	if (!(st = lc__sq_stmt(s, SQ_NOTE_COUNT)))
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, lead);
	return changed_one(s, run(s, st, "storing the note"));
}

/* ---- events ---- */

static void bind_state(lc_sq *s, sqlite3_stmt *st, int first, const lc_state *state, int buf)
{
	b_text(st, first, lc_state_get(state, LC_AXIS_MILESTONE));
	b_text(st, first + 1, lc_state_get(state, LC_AXIS_STATUS));
	b_text(st, first + 2, lc_state_get(state, LC_AXIS_PHASE));
	b_text(st, first + 3, lc_state_get(state, LC_AXIS_STAGE));
	b_text(st, first + 4, lc_state_get(state, LC_AXIS_LIFECYCLE));
	b_time(st, first + 5, lc_state_time(state, LC_STATE_TIME_FOLLOW_UP));
	b_time(st, first + 6, lc_state_time(state, LC_STATE_TIME_COMPLETED_AT));
	sqlite3_bind_int64(st, first + 7, lc_state_flags(state));
	b_text(st, first + 8, state ? counts_format(&s->counts[buf], state) : NULL);
}

static int sq_event_append(void *be, lc_event *ev)
{
	static const lc_axis chosen[] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
					  LC_AXIS_STAGE, LC_AXIS_REASON };
	lc_sq *s = be;
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_EVENT_INSERT);
	int rc;

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, lc_event_number(ev, LC_EVENT_NUM_LEAD));
	sqlite3_bind_int64(st, 2, lc_event_number(ev, LC_EVENT_NUM_SEQ));
	sqlite3_bind_int64(st, 3, lc_event_number(ev, LC_EVENT_NUM_TIME));
	sqlite3_bind_text(st, 4, lc_event_kind_name((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND)), -1, SQLITE_STATIC);
	b_text(st, 5, lc_event_text(ev, LC_EVENT_TEXT_ACTOR));
	b_id(st, 6, lc_event_number(ev, LC_EVENT_NUM_MODEL_VERSION));
	for (size_t i = 0; i < LC_ARRAY_LEN(chosen); i++)
		b_text(st, 7 + (int)i, lc_event_value(ev, chosen[i]));
	b_text(st, 12, (lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME) != LC_OUTCOME_NONE
			       ? lc_outcome_name((lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME))
			       : NULL);
	b_time(st, 13, lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP));
	b_text(st, 14, lc_event_text(ev, LC_EVENT_TEXT_NOTE));
	b_text(st, 15, lc_event_text(ev, LC_EVENT_TEXT_RULE));
	bind_state(s, st, 16, lc_event_state(ev, 0), 0);
	bind_state(s, st, 25, lc_event_state(ev, 1), 1);
	if ((rc = run(s, st, "writing the history event")))
		return rc;
	return lc_event_sys_set_id(ev, sqlite3_last_insert_rowid(s->db));
}

typedef struct sq_cursor {
	sqlite3_stmt *st;
	bool lead_events; /* s->lead_events, given back at close */
	/* A step failed (a damaged page, an I/O error): the rows after it
	 * cannot be reached, and stepping again would start over, so the
	 * iterator ends. A row that steps but breaks the library's rules is
	 * skipped instead (the core reports it and asks for the next). */
	bool ended;
} sq_cursor;

/* Steps an iterator's statement: SQLITE_ROW, SQLITE_DONE, or an error after
 * which the cursor has ended. */
static int cursor_step(sq_cursor *c)
{
	int rc;

	if (c->ended)
		return SQLITE_DONE;
	rc = sqlite3_step(c->st);
	if (rc != SQLITE_ROW)
		c->ended = true;
	return rc;
}

static int sq_event_iter_open(void *be, lc_id lead, lc_id after, void **cursor)
{
	lc_sq *s = be;
	sq_cursor *c;
	int rc = SQLITE_OK;

	*cursor = NULL;
	c = lc__calloc(1, sizeof *c);
	if (!c)
		return LC_ENOMEM;
	c->lead_events = lead != 0;
	if (lead && s->lead_events) {
		c->st = s->lead_events;
		s->lead_events = NULL;
	} else
		rc = sqlite3_prepare_v2(s->db,
				lead ? "SELECT " EVENT_COLS " FROM events WHERE lead_id = ?1 AND id > ?2 "
				       "ORDER BY id"
				     : "SELECT " EVENT_COLS " FROM events WHERE id > ?2 ORDER BY id",
				-1, &c->st, NULL);
	if (rc != SQLITE_OK) {
		lc__free(c);
		return lc__sq_error(s, rc, "reading the history");
	}
	if (lead)
		sqlite3_bind_int64(c->st, 1, lead);
	sqlite3_bind_int64(c->st, 2, after);
	*cursor = c;
	return 0;
}

static int read_state(lc_sq *s, sqlite3_stmt *st, int first, lc_state *state)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
					LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
	int rc;

	for (size_t i = 0; i < LC_ARRAY_LEN(axes); i++)
		if ((rc = lc_state_set_stored(state, axes[i], c_text(st, first + (int)i),
						   &s->hint[axes[i]])))
			return rc;
	if ((rc = lc_state_set_time(state, LC_STATE_TIME_FOLLOW_UP, c_time(st, first + 5))) ||
	    (rc = lc_state_set_time(state, LC_STATE_TIME_COMPLETED_AT, c_time(st, first + 6))) ||
	    (rc = lc_state_set_flags(state, (uint32_t)sqlite3_column_int64(st, first + 7))))
		return rc;
	return counts_parse(s, state, c_text(st, first + 8));
}

static int sq_event_iter_next(void *be, void *cursor, lc_event *out)
{
	static const lc_axis chosen[] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
					  LC_AXIS_STAGE, LC_AXIS_REASON };
	lc_sq *s = be;
	sq_cursor *c = cursor;
	lc_event_kind kind = LC_EVENT_SYSTEM;
	lc_outcome outcome = LC_OUTCOME_NONE;
	const char *t;
	int rc = cursor_step(c);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return lc__sq_error(s, rc, "reading the history");
	/* The ids first, so that the core can name a row refused below. */
	if ((rc = lc_event_sys_set_id(out, sqlite3_column_int64(c->st, 0))) ||
	    (rc = lc_event_sys_set_lead(out, sqlite3_column_int64(c->st, 1))))
		return rc;
	if ((t = c_text(c->st, 4)) && lc_event_kind_parse(t, &kind))
		return lc__error(LC_ECORRUPT, "event %lld has an unknown kind '%s'",
				 (long long)sqlite3_column_int64(c->st, 0), t);
	if ((t = c_text(c->st, 12)) && lc_outcome_parse(t, &outcome))
		return lc__error(LC_ECORRUPT, "event %lld has an unknown outcome '%s'",
				 (long long)sqlite3_column_int64(c->st, 0), t);
	if ((rc = lc_event_sys_set_meta(out, sqlite3_column_int64(c->st, 0),
					sqlite3_column_int64(c->st, 1), sqlite3_column_int64(c->st, 2),
					sqlite3_column_int64(c->st, 3), kind,
					sqlite3_column_int64(c->st, 6), outcome, c_time(c->st, 13))) ||
	    (rc = lc_event_sys_set_text(out, LC_EVENT_TEXT_ACTOR, c_text(c->st, 5))) ||
	    (rc = lc_event_sys_set_text(out, LC_EVENT_TEXT_NOTE, c_text(c->st, 14))) ||
	    (rc = lc_event_sys_set_text(out, LC_EVENT_TEXT_RULE, c_text(c->st, 15))))
		return rc;
	for (size_t i = 0; i < LC_ARRAY_LEN(chosen); i++)
		if ((rc = lc_event_sys_set_value(out, chosen[i], c_text(c->st, 7 + (int)i))))
			return rc;
	if ((rc = read_state(s, c->st, 16, lc_event_sys_state(out, 0))) ||
	    (rc = read_state(s, c->st, 25, lc_event_sys_state(out, 1))))
		return rc;
	return 1;
}

static void sq_iter_close(void *be, void *cursor)
{
	lc_sq *s = be;
	sq_cursor *c = cursor;

	if (!c)
		return;
	if (c->lead_events && !s->lead_events && sqlite3_reset(c->st) == SQLITE_OK &&
	    sqlite3_clear_bindings(c->st) == SQLITE_OK)
		s->lead_events = c->st;
	else
		sqlite3_finalize(c->st);
	lc__free(c);
}

/* ---- lead queries ---- */

static const char *const state_cols[LC_AXIS_COUNT] = {
	[LC_AXIS_MILESTONE] = "milestone", [LC_AXIS_STATUS] = "status", [LC_AXIS_PHASE] = "phase",
	[LC_AXIS_STAGE] = "stage",         [LC_AXIS_LIFECYCLE] = "lifecycle",
};

static const char *const text_cols[LC_LEAD_TEXT_COUNT] = {
	"external_id", "name",     "email",  "phone",       "company",     "type",    "category",
	"priority",    "importance", "source", "lost_reason", "owner_group", "segment",
	"account",
};

void lc__sq_where(lc_buf *b, const lc_query *q, const char *alias, bool paging)
{
	lc_time from, to;
	const char *v;

	lc__buf_printf(b, " WHERE %sid > ?", alias);
	switch (lc_query_recycled(q)) {
	case LC_RECYCLED_EXCLUDE: lc__buf_printf(b, " AND %srecycled = 0", alias); break;
	case LC_RECYCLED_ONLY: lc__buf_printf(b, " AND %srecycled = 1", alias); break;
	case LC_RECYCLED_INCLUDE: break;
	}
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		if (state_cols[a] && lc_query_value(q, (lc_axis)a))
			lc__buf_printf(b, " AND %s%s = ?", alias, state_cols[a]);
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if (lc_query_text(q, (lc_lead_text_field)f))
			lc__buf_printf(b, " AND %s%s = ?", alias, text_cols[f]);
	if (lc_query_agent(q) == LC_QUERY_NONE)
		lc__buf_printf(b, " AND %sagent_id IS NULL", alias);
	else if (lc_query_agent(q) > 0)
		lc__buf_printf(b, " AND %sagent_id = ?", alias);
	if (lc_query_unit(q) == LC_QUERY_NONE)
		lc__buf_printf(b, " AND %sunit_id IS NULL", alias);
	else if (lc_query_unit(q) > 0)
		lc__buf_printf(b, " AND %sunit_id = ?", alias);
	if (lc_query_follow_up(q, &from, &to)) {
		if (from != LC_TIME_NONE)
			lc__buf_printf(b, " AND %sfollow_up >= ?", alias);
		if (to != LC_TIME_NONE)
			lc__buf_printf(b, " AND %sfollow_up < ?", alias);
	}
	if (lc_query_created(q, &from, &to)) {
		if (from != LC_TIME_NONE)
			lc__buf_printf(b, " AND %screated_at >= ?", alias);
		if (to != LC_TIME_NONE)
			lc__buf_printf(b, " AND %screated_at < ?", alias);
	}
	if (lc_query_attribute(q, &v))
		lc__buf_printf(b, " AND %sid IN (SELECT lead_id FROM lead_items WHERE kind = "
				  "'attribute' AND a = ? AND b = ?)",
			       alias);
	if (paging) {
		lc__buf_printf(b, " ORDER BY %sid", alias);
		if (lc_query_page(q, NULL))
			lc__buf_puts(b, " LIMIT ?");
	}
}

int lc__sq_bind_where(sqlite3_stmt *st, const lc_query *q, int *idx, bool paging)
{
	lc_time from, to;
	const char *key, *v;
	lc_id after;
	size_t limit = lc_query_page(q, &after);
	int i = *idx;

	sqlite3_bind_int64(st, i++, after);
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		if (state_cols[a] && (v = lc_query_value(q, (lc_axis)a)))
			sqlite3_bind_text(st, i++, v, -1, SQLITE_STATIC);
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if ((v = lc_query_text(q, (lc_lead_text_field)f)))
			sqlite3_bind_text(st, i++, v, -1, SQLITE_STATIC);
	if (lc_query_agent(q) > 0)
		sqlite3_bind_int64(st, i++, lc_query_agent(q));
	if (lc_query_unit(q) > 0)
		sqlite3_bind_int64(st, i++, lc_query_unit(q));
	if (lc_query_follow_up(q, &from, &to)) {
		if (from != LC_TIME_NONE)
			sqlite3_bind_int64(st, i++, from);
		if (to != LC_TIME_NONE)
			sqlite3_bind_int64(st, i++, to);
	}
	if (lc_query_created(q, &from, &to)) {
		if (from != LC_TIME_NONE)
			sqlite3_bind_int64(st, i++, from);
		if (to != LC_TIME_NONE)
			sqlite3_bind_int64(st, i++, to);
	}
	if ((key = lc_query_attribute(q, &v))) {
		sqlite3_bind_text(st, i++, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, i++, v, -1, SQLITE_STATIC);
	}
	if (paging && limit)
		sqlite3_bind_int64(st, i++, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	*idx = i;
	return 0;
}

static int sq_lead_iter_open(void *be, const lc_query *q, void **cursor)
{
	lc_sq *s = be;
	sq_cursor *c;
	lc_buf b;
	int rc, idx = 1;

	*cursor = NULL;
	c = lc__calloc(1, sizeof *c);
	if (!c)
		return LC_ENOMEM;
	/* The bindings point into the query, which lives until iter_close. */
	lc__buf_init(&b);
	lc__buf_puts(&b, "SELECT " LEAD_COLS " FROM leads");
	lc__sq_where(&b, q, "", true);
	if (b.failed) {
		lc__buf_free(&b);
		sq_iter_close(s, c);
		return LC_ENOMEM;
	}
	rc = sqlite3_prepare_v2(s->db, b.data, -1, &c->st, NULL);
	lc__buf_free(&b);
	if (rc != SQLITE_OK) {
		rc = lc__sq_error(s, rc, "querying leads");
		sq_iter_close(s, c);
		return rc;
	}
	lc__sq_bind_where(c->st, q, &idx, true);
	*cursor = c;
	return 0;
}

static int sq_lead_iter_next(void *be, void *cursor, lc_lead *out)
{
	lc_sq *s = be;
	sq_cursor *c = cursor;
	int rc = cursor_step(c);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return lc__sq_error(s, rc, "querying leads");
	rc = fill_lead(s, c->st, out);
	return rc ? rc : 1;
}

/* ---- models and metadata ---- */

static int sq_model_put(void *be, int64_t version, lc_time installed_at, const char *json)
{
	lc_sq *s = be;
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_MODEL_PUT);

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, version);
	sqlite3_bind_int64(st, 2, installed_at);
	sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
	return run(s, st, "storing the model");
}

/* Copy a text column into the handle's buffer, valid until the next call. */
static const char *keep_text(lc_sq *s, const char *t)
{
	s->text.len = 0;
	s->text.failed = false;
	if (s->text.data)
		s->text.data[0] = '\0';
	lc__buf_puts(&s->text, t ? t : "");
	return s->text.failed ? NULL : s->text.data;
}

static int sq_model_get(void *be, int64_t version, const char **json, lc_time *installed_at)
{
	lc_sq *s = be;
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_MODEL_GET);
	int rc;

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*json = keep_text(s, c_text(st, 0));
		if (installed_at)
			*installed_at = sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		return *json ? 0 : LC_ENOMEM;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? LC_ENOTFOUND : lc__sq_error(s, rc, "reading the model");
}

static int sq_model_latest(void *be, int64_t *version)
{
	lc_sq *s = be;
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_MODEL_LATEST);
	int rc;

	if (!st)
		return lc_error_last_code();
	rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : lc__sq_error(s, rc, "reading the model version");
}

static int sq_meta_get(void *be, const char *key, const char **value)
{
	lc_sq *s = be;
	sqlite3_stmt *st = lc__sq_stmt(s, SQ_META_GET);
	int rc;

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*value = keep_text(s, c_text(st, 0));
		sqlite3_reset(st);
		return *value ? 0 : LC_ENOMEM;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? LC_ENOTFOUND : lc__sq_error(s, rc, "reading metadata");
}

static int sq_meta_set(void *be, const char *key, const char *value)
{
	lc_sq *s = be;
	sqlite3_stmt *st = lc__sq_stmt(s, value ? SQ_META_SET : SQ_META_DELETE);

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return run(s, st, "writing metadata");
}

/* ---- agents and units ---- */

static int exists(lc_sq *s, lc_sq_stmt which, lc_id id)
{
	sqlite3_stmt *st = lc__sq_stmt(s, which);
	int rc;

	if (!st)
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? LC_ENOTFOUND : lc__sq_error(s, rc, "reading the store");
}

static int put_named(lc_sq *s, lc_sq_stmt ins, lc_sq_stmt upd, lc_id *id, const char *name,
		     int active, bool has_active)
{
	sqlite3_stmt *st = lc__sq_stmt(s, *id ? upd : ins);
	int rc;

	if (!st)
		return lc_error_last_code();
	if (*id) {
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		if (has_active)
			sqlite3_bind_int(st, 3, active != 0);
		rc = run(s, st, "writing the store");
		if (!rc && sqlite3_changes(s->db) != 1)
			return LC_ENOTFOUND;
		return rc;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (has_active)
		sqlite3_bind_int(st, 2, active != 0);
	rc = run(s, st, "writing the store");
	if (!rc)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int sq_agent_put(void *be, lc_id *id, const char *name, int active)
{
	return put_named(be, SQ_AGENT_INSERT, SQ_AGENT_UPDATE, id, name, active, true);
}

static int sq_unit_put(void *be, lc_id *id, const char *name)
{
	return put_named(be, SQ_UNIT_INSERT, SQ_UNIT_UPDATE, id, name, 1, false);
}

static int sq_agent_list(void *be, lc_id unit, lc_table *out)
{
	lc_sq *s = be;
	sqlite3_stmt *st;
	int rc;

	if (unit && (rc = exists(s, SQ_UNIT_EXISTS, unit)))
		return rc;
	if (!(st = lc__sq_stmt(s, unit ? SQ_AGENTS_OF_UNIT : SQ_AGENTS_ALL)))
		return lc_error_last_code();
	if (unit)
		sqlite3_bind_int64(st, 1, unit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (lc_table_sys_add_agent(out, sqlite3_column_int64(st, 0), c_text(st, 1),
					  sqlite3_column_int(st, 2))) {
			sqlite3_reset(st);
			return LC_ENOMEM;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : lc__sq_error(s, rc, "listing agents");
}

static int sq_unit_list(void *be, lc_id agent, lc_table *out)
{
	lc_sq *s = be;
	sqlite3_stmt *st;
	int rc;

	if (agent && (rc = exists(s, SQ_AGENT_EXISTS, agent)))
		return rc;
	if (!(st = lc__sq_stmt(s, agent ? SQ_UNITS_OF_AGENT : SQ_UNITS_ALL)))
		return lc_error_last_code();
	if (agent)
		sqlite3_bind_int64(st, 1, agent);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (lc_table_sys_add_unit(out, sqlite3_column_int64(st, 0), c_text(st, 1))) {
			sqlite3_reset(st);
			return LC_ENOMEM;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : lc__sq_error(s, rc, "listing units");
}

static int sq_member_set(void *be, lc_id unit, lc_id agent, int member)
{
	lc_sq *s = be;
	sqlite3_stmt *st;
	int rc;

	if ((rc = exists(s, SQ_UNIT_EXISTS, unit)) || (rc = exists(s, SQ_AGENT_EXISTS, agent)))
		return rc;
	if (!(st = lc__sq_stmt(s, member ? SQ_MEMBER_ADD : SQ_MEMBER_DELETE)))
		return lc_error_last_code();
	sqlite3_bind_int64(st, 1, unit);
	sqlite3_bind_int64(st, 2, agent);
	return run(s, st, "changing the unit's members");
}

/* ---- worklists ---- */

static int sq_worklist(void *be, lc_id agent, lc_time day_start, lc_time day_end, size_t limit,
		       lc_worklist_emit_fn emit, void *ud)
{
	static const struct {
		lc_sq_stmt stmt;
		lc_worklist_reason kind;
	} parts[] = { { SQ_WL_OVERDUE, LC_WORKLIST_REASON_OVERDUE },
		      { SQ_WL_DUE, LC_WORKLIST_REASON_DUE },
		      { SQ_WL_NEW, LC_WORKLIST_REASON_NEW } };
	lc_sq *s = be;
	size_t n = 0;

	for (size_t p = 0; p < LC_ARRAY_LEN(parts); p++) {
		sqlite3_stmt *st = lc__sq_stmt(s, parts[p].stmt);
		int rc;

		if (!st)
			return lc_error_last_code();
		sqlite3_bind_int64(st, 1, agent);
		sqlite3_bind_int64(st, 2, day_start);
		if (parts[p].stmt != SQ_WL_OVERDUE)
			sqlite3_bind_int64(st, 3, day_end);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int stop;
			if (limit && n >= limit) {
				sqlite3_reset(st);
				return 0;
			}
			stop = emit(ud, sqlite3_column_int64(st, 0), parts[p].kind, c_time(st, 1));
			n++;
			if (stop) {
				sqlite3_reset(st);
				return stop;
			}
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return lc__sq_error(s, rc, "building the worklist");
	}
	return 0;
}

/* Run a pragma that answers with rows of problems; "ok" alone means none. */
static int pragma_problems(lc_sq *s, const char *pragma, lc_integrity_emit_fn emit, void *ud)
{
	sqlite3_stmt *st = NULL;
	char line[512];
	int rc = sqlite3_prepare_v2(s->db, pragma, -1, &st, NULL), stop = 0;

	if (rc != SQLITE_OK)
		return lc__sq_error(s, rc, "checking the store's integrity");
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		if (sqlite3_column_count(st) == 1) {
			if (a && strcmp(a, "ok") != 0)
				stop = emit(ud, a);
			continue;
		}
		/* foreign_key_check: table, rowid, parent, constraint */
		snprintf(line, sizeof line, "table %s row %lld refers to a missing row of %s",
			 a ? a : "?", (long long)sqlite3_column_int64(st, 1),
			 sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "?");
		stop = emit(ud, line);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : lc__sq_error(s, rc, "checking the store's integrity");
}

/* SQLite's own check of the file (pages, indexes, constraints) and of the
 * foreign keys; both only read. */
static int sq_integrity_check(void *be, lc_integrity_emit_fn emit, void *ud)
{
	lc_sq *s = be;
	int rc = pragma_problems(s, "PRAGMA integrity_check", emit, ud);

	return rc ? rc : pragma_problems(s, "PRAGMA foreign_key_check", emit, ud);
}

const lc_storage lc__storage_sqlite = {
	.version = 2,
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.lead_get = sq_lead_get,
	.lead_find = sq_lead_find,
	.lead_insert = sq_lead_insert,
	.lead_update = sq_lead_update,
	.note_append = sq_note_append,
	.event_append = sq_event_append,
	.event_iter_open = sq_event_iter_open,
	.event_iter_next = sq_event_iter_next,
	.lead_iter_open = sq_lead_iter_open,
	.lead_iter_next = sq_lead_iter_next,
	.iter_close = sq_iter_close,
	.model_put = sq_model_put,
	.model_get = sq_model_get,
	.model_latest = sq_model_latest,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.agent_put = sq_agent_put,
	.agent_list = sq_agent_list,
	.unit_put = sq_unit_put,
	.unit_list = sq_unit_list,
	.member_set = sq_member_set,
	/* Optional slots: grouped counts (report*.c) and worklists; bulk
	 * insert falls back to the core, which issues the same statements. */
	.worklist = sq_worklist,
	.count_grouped = lc__sq_count_grouped,
	.savepoint = sq_savepoint,
	.integrity_check = sq_integrity_check,
};
