/*
 * The SQLite backend's handle and statement cache, shared by its files
 * (sqlite.c: schema, leads, events, models; report*.c: grouped counts).
 * Nothing here is exported; the core reaches the backend only through
 * lc__storage_sqlite.
 */
#ifndef LC_STORE_SQLITE_INTERNAL_H
#define LC_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "core/core.h"
#include "leadcore/sys/storage.h"

/* The schema version this library writes (PRAGMA user_version). */
#define LC_SQ_SCHEMA_VERSION 4

/* Cached statements, prepared on first use. */
typedef enum lc_sq_stmt {
	SQ_BEGIN_READ,
	SQ_BEGIN_WRITE,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_SAVEPOINT,
	SQ_RELEASE,
	SQ_ROLLBACK_TO,
	SQ_LEAD_GET,
	SQ_LEAD_GET_EXTERNAL,
	SQ_ITEMS_GET,
	SQ_NOTES_GET,
	SQ_LEAD_INSERT,
	SQ_LEAD_UPDATE_META,
	SQ_LEAD_UPDATE_STATE,
	SQ_LEAD_UPDATE_FIELDS,
	SQ_ITEMS_DELETE,
	SQ_ITEM_INSERT,
	SQ_ITEM_COUNT,
	SQ_NOTE_INSERT,
	SQ_NOTE_COUNT,
	SQ_EVENT_INSERT,
	SQ_MODEL_PUT,
	SQ_MODEL_GET,
	SQ_MODEL_LATEST,
	SQ_META_GET,
	SQ_META_SET,
	SQ_META_DELETE,
	SQ_AGENT_INSERT,
	SQ_AGENT_UPDATE,
	SQ_AGENTS_ALL,
	SQ_AGENTS_OF_UNIT,
	SQ_AGENT_EXISTS,
	SQ_UNIT_INSERT,
	SQ_UNIT_UPDATE,
	SQ_UNITS_ALL,
	SQ_UNITS_OF_AGENT,
	SQ_UNIT_EXISTS,
	SQ_MEMBER_ADD,
	SQ_MEMBER_DELETE,
	SQ_WL_OVERDUE,
	SQ_WL_DUE,
	SQ_WL_NEW,
	SQ_STMT_COUNT
} lc_sq_stmt;

/* The state columns a lead update may set, one bit each (lc_sq.upd). */
enum {
	SQ_COL_RECYCLED,
	SQ_COL_TOUCHED_AT,
	SQ_COL_MILESTONE,
	SQ_COL_STATUS,
	SQ_COL_PHASE,
	SQ_COL_STAGE,
	SQ_COL_LIFECYCLE,
	SQ_COL_FOLLOW_UP,
	SQ_COL_COMPLETED,
	SQ_COL_COUNTS,
	SQ_COL_COUNT
};
#define SQ_COLS_ALL ((1u << SQ_COL_COUNT) - 1)

/* The state columns of the lead last read inside this write transaction,
 * as stored, so that its update sets only the columns that changed (SQLite
 * rewrites an index entry for every column set, changed or not). */
typedef struct lc_sq_row {
	lc_id id;         /* 0: none */
	unsigned int known; /* SQ_COL_* bits whose value below is valid */
	bool null[SQ_COL_COUNT];
	char key[5][LC_KEY_MAX + 1]; /* milestone .. lifecycle */
	int64_t num[SQ_COL_COUNT];   /* recycled, touched_at, follow_up, completed */
	lc_buf counts;
} lc_sq_row;

typedef struct lc_sq {
	sqlite3 *db;
	sqlite3_stmt *stmt[SQ_STMT_COUNT];
	sqlite3_stmt *upd[SQ_COLS_ALL + 1]; /* state updates by changed columns, prepared on use */
	lc_buf text;     /* text handed back by model_get and meta_get */
	lc_buf counts[2]; /* stage counters formatted for binding */
	bool readonly;
	bool writing; /* inside a write transaction */
	lc_sq_row row;
	/* Where the last keys restored sat in the model, per axis and per
	 * stage counter (lc_state_set_stored()). */
	int32_t hint[LC_AXIS_COUNT];
	int32_t count_hint[4];
	/* One lead's history query, kept between iterators (a replay or a
	 * verify opens one a lead; preparing it each time cost more than
	 * reading the events). NULL while an iterator uses it. */
	sqlite3_stmt *lead_events;
} lc_sq;

/* The built-in registration (src/store/registry.c). */
extern const lc_storage lc__storage_sqlite;

/* A cached statement, reset and ready to bind (NULL: error set). */
sqlite3_stmt *lc__sq_stmt(lc_sq *s, lc_sq_stmt which);

/* Map an SQLite result code to an LC_E code with a message naming `what`. */
int lc__sq_error(lc_sq *s, int rc, const char *what);

/* The WHERE clause (" WHERE ...") for an lc_query's conditions, built from
 * fixed fragments only, and the binding of its values from parameter *idx
 * on. Conditions on the lead table `alias` ("" or "l."). Paging included
 * when `paging` is set. */
void lc__sq_where(lc_buf *sql, const lc_query *q, const char *alias, bool paging);
int lc__sq_bind_where(sqlite3_stmt *st, const lc_query *q, int *idx, bool paging);

/* report.c: the count_grouped slot, one GROUP BY over the leads table. */
int lc__sq_count_grouped(void *be, const lc_query *q, const lc_axis *keys, size_t nkeys,
			 lc_group_emit_fn emit, void *ud);

#endif
