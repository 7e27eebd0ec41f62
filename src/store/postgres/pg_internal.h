/*
 * The PostgreSQL backend's handle, statements and helpers, shared by its
 * files (pg.c: connection, schema, transactions, models, metadata, agents
 * and units; pg_lead.c: leads, events, queries, bulk insert). It is written
 * against the public backend API (leadcore/sys/storage.h and the public
 * headers) plus the core's text buffer and error helpers, as a third-party
 * backend would be. Nothing here is exported.
 */
#ifndef LC_STORE_PG_INTERNAL_H
#define LC_STORE_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "leadcore/leadcore.h"
#include "leadcore/sys/storage.h"

/* The schema version this library writes (table schema_version). */
#define LC_PG_SCHEMA_VERSION 2

/* The leads columns in the order every lead SELECT returns them. */
#define PG_LEAD_COLS                                                                          \
	"id, external_id, version, created_at, touched_at, recycled, name, email, phone, " \
	"company, type, category, priority, importance, source, lost_reason, owner_group, "  \
	"segment, probability, amount, currency, start_date, expected_completion, "          \
	"actual_completion, unit_id, agent_id, do_not_call, do_not_email, "                  \
	"automation_stopped, milestone, status, phase, stage, lifecycle, follow_up, "         \
	"stage_counts, item_count, note_count, account"

/* Statements prepared once per connection, on first use. */
typedef enum lc_pg_stmt {
	PG_LEAD_GET,
	PG_LEAD_GET_LOCK,
	PG_LEAD_GET_EXTERNAL,
	PG_LEAD_GET_EXTERNAL_LOCK,
	PG_ITEMS_GET,
	PG_NOTES_GET,
	PG_ITEMS_OF,
	PG_NOTES_OF,
	PG_LEAD_INSERT,
	PG_LEAD_INSERT_ID,
	PG_LEAD_IDS,
	PG_EVENT_IDS,
	PG_LEADS_GET_LOCK,
	PG_LEAD_UPDATE_META,
	PG_LEAD_UPDATE_STATE,
	PG_LEAD_UPDATE_FIELDS,
	PG_LEAD_PROBE,
	PG_LEAD_FIND_EXTERNAL,
	PG_LEAD_FIND_EMAIL,
	PG_ITEMS_DELETE,
	PG_ITEM_INSERT,
	PG_NOTE_INSERT,
	PG_NOTE_APPEND,
	PG_EVENT_INSERT,
	PG_EVENT_INSERT_ID,
	PG_LEADS_INSERT,
	PG_EVENTS_INSERT,
	PG_EVENTS_OF,
	PG_EVENTS_OF_LEAD,
	PG_EVENTS_ALL,
	PG_MODEL_PUT,
	PG_MODEL_GET,
	PG_MODEL_LATEST,
	PG_META_GET,
	PG_META_SET,
	PG_META_DELETE,
	PG_AGENT_INSERT,
	PG_AGENT_UPDATE,
	PG_AGENTS_ALL,
	PG_AGENTS_OF_UNIT,
	PG_AGENT_EXISTS,
	PG_UNIT_INSERT,
	PG_UNIT_UPDATE,
	PG_UNITS_ALL,
	PG_UNITS_OF_AGENT,
	PG_UNIT_EXISTS,
	PG_MEMBER_ADD,
	PG_MEMBER_DELETE,
	PG_WL_OVERDUE,
	PG_WL_DUE,
	PG_WL_NEW,
	PG_STMT_COUNT
} lc_pg_stmt;

/* Statements built from fixed fragments (lead queries, grouped counts),
 * prepared once per connection and shape; past this many shapes they are
 * prepared unnamed at each use. */
#define PG_DYN_MAX 64

/* Bound values, as text ("none" is NULL). */
#define PG_MAXP 48
typedef struct lc_pg_params {
	int n;
	const char *v[PG_MAXP];
	char num[PG_MAXP][24];
} lc_pg_params;

typedef int (*lc_pg_result_fn)(void *ud, const PGresult *r);

/* Savepoint commands owed to the server, in this order. */
#define PG_SP_RELEASE 1u /* RELEASE SAVEPOINT of the mark before */
#define PG_SP_MARK 2u    /* SAVEPOINT */

/* Statements in flight in a pipeline before their results are read:
 * bounded, so that neither side's socket buffer fills while the other waits. */
#define PG_BATCH_MAX 256

/* What a delayed write's answer must be (write-behind, pg_defer.c). */
enum { PG_CHECK_NONE, PG_CHECK_ROW, PG_CHECK_CHANGED };

/* Ids reserved from a sequence, used in order (write-behind). */
typedef struct lc_pg_ids {
	int64_t *v;
	size_t n, next, cap;
	size_t taken; /* by the current write-behind */
} lc_pg_ids;

/* A lead the write-behind knows: written by it (rec, as stored) or read by
 * lead_find_many() (rows of the prefetch results). */
typedef struct lc_pg_cached {
	lc_id id;
	bool written;
	lc_lead *rec;      /* kept between batches: reused, not freed */
	lc_time completed; /* the actual_completion column of a written lead */
	const PGresult *rows, *items, *notes, *events;
	int row, item0, nitems, note0, nnotes, ev0, nev;
	bool history;      /* events holds its whole history */
	/* Its row is held back: an INSERT, or an UPDATE of `parts` of the row
	 * at version `replaced`, sent with the record's last version. */
	bool dirty, inserted;
	unsigned parts;
	int64_t replaced;
} lc_pg_cached;

/* A statement held back behind the rows of write-behind; its values are in
 * lc_pg.held (a flag byte, then the text and its NUL, each). */
typedef struct lc_pg_held {
	lc_pg_stmt which;
	int n;
	size_t off;
	int64_t lead;
} lc_pg_held;

typedef struct lc_pg {
	PGconn *conn;
	char *conninfo;   /* the libpq URI, without our own parameters */
	char *shown;      /* the URI for messages: the password masked */
	char schema[64];
	bool readonly;
	int busy_ms;
	bool writing;     /* inside a write transaction */
	bool latest_ok;   /* latest is the newest model version in this transaction */
	int64_t latest;
	bool prepared[PG_STMT_COUNT];
	char *dyn[PG_DYN_MAX];
	lc_buf text;      /* text handed back by model_get and meta_get */
	lc_buf counts[2]; /* stage counters formatted for binding */
	/* Many rows in one statement (lc__pg_rows_*): a column's array literal each. */
	lc_buf cols[PG_MAXP];
	int rows_cols;
	long rows_n;
	/* The importer's savepoint, sent lazily: `owed` are the savepoint
	 * commands (PG_SP_*) not sent yet, which go out in front of the next
	 * statement, in its round trip. */
	unsigned owed;
	/* A pipeline being filled (lc__pg_batch_*). */
	int batch_n;
	int batch_rc;
	struct {
		lc_pg_result_fn on;
		void *ud;
		PGresult **keep; /* receives the result (the caller clears it) */
		int check;       /* PG_CHECK_* of a delayed write */
		int64_t lead;    /* the lead it writes, for the message */
		long want;       /* the rows it must store or change */
	} batch_q[PG_BATCH_MAX];
	/* Write-behind (pg_defer.c): writes go into an open pipeline (`wb_open`)
	 * and are answered at the next read, when PG_BATCH_MAX are in flight,
	 * or at its end; the first failure stays in `wb_rc`. */
	bool wb;
	bool wb_open;
	int wb_rc;
	unsigned wb_gen;   /* counts write-behinds: a cursor on the cache checks it */
	size_t wb_hint[2]; /* leads and events the batch may create */
	lc_pg_ids ids[2];  /* reserved lead and event ids */
	lc_pg_cached *cache;
	size_t ncache, capcache;
	PGresult **res;    /* the prefetch results the cache points into */
	size_t nres, capres;
	size_t ndirty;     /* cache entries whose rows are held back */
	lc_pg_held *heldq; /* events held back behind those rows */
	size_t nheld, capheld;
	lc_buf held;
	bool emitting;
} lc_pg;

/* ---- pg.c ---- */

void lc__pg_p_text(lc_pg_params *p, const char *s);
void lc__pg_p_i64(lc_pg_params *p, int64_t v);
void lc__pg_p_time(lc_pg_params *p, lc_time t); /* LC_TIME_NONE: NULL */
void lc__pg_p_id(lc_pg_params *p, lc_id id);    /* 0: NULL */
void lc__pg_p_bool(lc_pg_params *p, bool b);

const char *lc__pg_text(const PGresult *r, int row, int col); /* NULL for NULL */
int64_t lc__pg_i64(const PGresult *r, int row, int col);      /* 0 for NULL */
lc_time lc__pg_time(const PGresult *r, int row, int col);     /* LC_TIME_NONE for NULL */
bool lc__pg_bool(const PGresult *r, int row, int col);

/* Map a failed result (or the connection's state) to an LC_E code with a
 * message naming `what`. A lost connection is LC_EIO. */
int lc__pg_fail(lc_pg *s, const PGresult *r, const char *what);

/* Run a cached statement. On success *out (when given) receives the result,
 * which the caller clears. Returns 0 or an LC_E code with a message. */
int lc__pg_exec(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, const char *what,
		PGresult **out);
/* Run a cached statement that writes; *changed receives the rows it changed. */
int lc__pg_exec_changed(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, const char *what,
			long *changed);
/* The same for SQL assembled from fixed fragments (never from user text). */
int lc__pg_exec_sql(lc_pg *s, const char *sql, const lc_pg_params *p, const char *what,
		    PGresult **out);

/* A pipeline: statements sent without waiting, their results read at
 * lc__pg_batch_end() (or every few hundred statements), so that many
 * inserts cost one round trip. `on` (may be NULL) sees each successful
 * result in the order sent; the first failure is returned. */
int lc__pg_batch_begin(lc_pg *s);
int lc__pg_batch_send(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, lc_pg_result_fn on,
		      void *ud);
int lc__pg_batch_end(lc_pg *s, const char *what);
/* As lc__pg_batch_send(), with the result kept in *keep (NULL on failure). */
int lc__pg_batch_keep(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, PGresult **keep);
/* Queue a delayed write: its answer is checked as `check` (PG_CHECK_*). */
int lc__pg_batch_check(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, int check,
		       int64_t lead, long want);
/* Many rows in one statement over unnest() of arrays: begin with the number
 * of columns, add each row's values, then take the arrays as the values. */
void lc__pg_rows_begin(lc_pg *s, int ncols);
void lc__pg_rows_add(lc_pg *s, const lc_pg_params *p);
int lc__pg_rows_params(lc_pg *s, lc_pg_params *p);
/* Queue SQL text without parameters (savepoint commands). */
int lc__pg_batch_text(lc_pg *s, const char *text);
/* Run SQL text outside a pipeline (the pending delayed writes are read first). */
int lc__pg_exec_text(lc_pg *s, const char *text, const char *what);

/* Texts as a text[] literal ({"a","b",NULL}) for a bound parameter; and
 * one element appended to a literal begun with '{' (closed by the caller). */
const char *lc__pg_text_array(lc_buf *b, const char *const *v, size_t n);
void lc__pg_array_add(lc_buf *b, const char *v);

/* Stage counters as "key=n;key=n" (non-zero only), NULL when none; and back. */
const char *lc__pg_counts_format(lc_buf *b, const lc_state *st);
int lc__pg_counts_parse(lc_state *st, const char *text);

/* ---- pg_defer.c: write-behind ---- */

int lc__pg_defer(void *be, int op, size_t leads, size_t events);
/* Queue a delayed write (opening the pipeline); 0 or the first failure. */
int lc__pg_wb_send(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, int check, int64_t lead);
/* The same for a statement of many rows: `want` must come back or change. */
int lc__pg_wb_send_rows(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, int check,
			long want);
/* Read every delayed write's answer and close the pipeline: 0 or the first failure. */
int lc__pg_wb_flush(lc_pg *s);
/* Leave write-behind at once (a transaction ends): answers read and dropped. */
void lc__pg_wb_reset(lc_pg *s);
/* Free the cache's records and the id blocks (the handle closes). */
void lc__pg_wb_free(lc_pg *s);
/* A new id from the reserved block `which` (0: leads, 1: events). */
int lc__pg_wb_take_id(lc_pg *s, int which, lc_id *id);
/* Forget the reserved ids of `which` (a write outside write-behind took one). */
void lc__pg_wb_drop_ids(lc_pg *s, int which);
/* Fill `out` from the cache: 0, 1 when the lead is not cached, or an error. */
int lc__pg_wb_lead_get(lc_pg *s, lc_id id, lc_lead *out);
/* A write of a lead: kept in the cache, its row held back (0), or 1 when
 * the lead is not cached (send it now). Inserted: the whole record. */
int lc__pg_wb_wrote(lc_pg *s, const lc_lead *lead, unsigned parts, bool inserted);
/* Send an event (bound, its id last), or hold it behind its lead's row. */
int lc__pg_wb_event(lc_pg *s, lc_id lead, const lc_pg_params *p);
/* Send the rows held back and the events behind them. */
int lc__pg_wb_emit(lc_pg *s);
void lc__pg_wb_forget(lc_pg *s, lc_id id);
/* Read the leads found by lead_find_many() whole into the cache. */
int lc__pg_wb_prefetch(lc_pg *s, const lc_id *ids, size_t n);
/* The cached history of a lead, or NULL: rows [*first, *first + *n) of the result. */
const PGresult *lc__pg_wb_history(lc_pg *s, lc_id lead, int *first, int *n);

/* ---- pg_lead.c: the lead, event and query slots ---- */

int lc__pg_fill_lead(const PGresult *r, int row, lc_lead *lead);
int lc__pg_add_item(lc_lead *lead, const PGresult *r, int i);
int lc__pg_add_note(lc_lead *lead, const PGresult *r, int i);
int lc__pg_fill_event(const PGresult *r, int row, lc_event *out);
/* Send a new lead's row (its id set) and lists; `parts` of a lead's row.
 * Bind a new lead's row with its id (PG_LEAD_INSERT_ID's values); add a
 * lead's list entries to the rows of PG_ITEM_INSERT (lc__pg_rows_begin(s, 6)). */
int lc__pg_send_insert(lc_pg *s, const lc_lead *lead);
void lc__pg_bind_new_lead(lc_pg *s, lc_pg_params *p, const lc_lead *lead);
void lc__pg_add_list_rows(lc_pg *s, const lc_lead *lead);
int lc__pg_send_notes(lc_pg *s, const lc_lead *lead);
int lc__pg_send_update(lc_pg *s, const lc_lead *lead, unsigned parts, int64_t replaced);


int lc__pg_lead_get(void *be, lc_id id, lc_lead *out);
int lc__pg_lead_find(void *be, const char *external_id, lc_lead *out);
int lc__pg_lead_find_many(void *be, lc_lead_text_field field, const char *const *keys, size_t n,
			  lc_id *ids);
int lc__pg_lead_insert(void *be, lc_lead *lead);
int lc__pg_lead_update(void *be, const lc_lead *lead, unsigned int parts);
int lc__pg_note_append(void *be, lc_id lead, lc_time time, const char *author, const char *text);
int lc__pg_event_append(void *be, lc_event *ev);
int lc__pg_event_iter_open(void *be, lc_id lead, lc_id after, void **cursor);
int lc__pg_event_iter_next(void *be, void *cursor, lc_event *out);
int lc__pg_lead_iter_open(void *be, const lc_query *q, void **cursor);
int lc__pg_lead_iter_next(void *be, void *cursor, lc_lead *out);
void lc__pg_iter_close(void *be, void *cursor);
int lc__pg_count_grouped(void *be, const lc_query *q, const lc_axis *keys, size_t nkeys,
			 lc_group_emit_fn emit, void *ud);
int lc__pg_worklist(void *be, lc_id agent, lc_time day_start, lc_time day_end, size_t limit,
		    lc_worklist_emit_fn emit, void *ud);
int lc__pg_bulk_insert(void *be, lc_lead *const *leads, lc_event *const *events, size_t n);

#endif
