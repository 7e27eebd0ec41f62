/*
 * lc_db's insides, for the store dispatch and for modules built on top of it
 * (workflow, report, import). Nothing here is exported.
 *
 * Transactions: every public write runs inside lc__db_txn_begin(db, true) /
 * lc__db_txn_end(db, rc). Inside an explicit transaction (lc_db_begin()) or
 * inside another write (a workflow hook running within an apply) these join
 * the open transaction instead of nesting.
 */
#ifndef LC_STORE_DB_INTERNAL_H
#define LC_STORE_DB_INTERNAL_H

#include <stdbool.h>

#include "core/core.h"
#include "leadcore/db.h"
#include "leadcore/sys/storage.h"

/* Called by lc_db_apply() inside its transaction, after the event is written
 * and the lead updated (its version raised), with the lead as now stored, the
 * event and the new state. The hook may change the lead through the internal
 * writers below (they join the transaction). A non-zero return rolls the
 * whole apply back and is returned by lc_db_apply(); set a message with
 * lc__error(). */
typedef int (*lc__apply_hook_fn)(lc_db *db, lc_lead *lead, const lc_event *ev,
				 const lc_state *new_state, void *ud);

/* Nesting levels with their own scratch objects, and the deepest nesting. */
#define LC__DB_SCRATCH 4
#define LC__DB_MAX_DEPTH 16

struct lc_db {
	lc_storage vt; /* the backend's vtable, copied at open */
	void *be;      /* the backend's handle */
	lc_db_options opts;

	lc_model *model;       /* current model, owned; NULL before the first install */
	int64_t model_version; /* its store version; 0 when none */
	/* Models replaced by one another client installed, kept until close:
	 * the caller's records and dispositions may still point at them. */
	lc_model **retired;
	size_t nretired;
	char *actor;           /* lc_db_set_actor() */

	/* Transactions. depth counts joined begins (0: none open); explicit_txn
	 * is lc_db_begin(); poisoned is set when a call failed after writing
	 * inside an explicit transaction (which was then rolled back). writes
	 * counts backend writes; marks[d] is its value when level d began, so a
	 * failing call knows whether it wrote. */
	int depth;
	bool write;
	bool explicit_txn;
	bool poisoned;
	uint64_t writes;
	uint64_t marks[LC__DB_MAX_DEPTH];

	/* Objects reused by every call, one per nesting level, so that the hot
	 * path allocates nothing and a hook's nested call does not clobber the
	 * record its caller holds. Bound to the current model. */
	lc_lead *scratch_lead[LC__DB_SCRATCH];
	lc_event *scratch_event[LC__DB_SCRATCH];
	lc_state *scratch_state[LC__DB_SCRATCH];
	lc_violations *scratch_violations;

	/* The apply hook a module set (NULL: none), its data, and what frees
	 * that data when the hook is replaced or the db closes. */
	lc__apply_hook_fn apply_hook;
	void *apply_hook_ud;
	void (*apply_hook_free)(void *ud);
	/* lc_db_set_progress(): told as long work goes on (lc__db_progress). */
	lc_progress_fn progress;
	void *progress_ud;
	/* The violations list of the apply whose hook is running (NULL: none),
	 * where a rule's refused effect reports why (lc__db_refusal). */
	lc_violations *refusals;
};

/* Tell the handle's progress callback, if any, how far long work has got. */
static inline void lc__db_progress(lc_db *db, const char *what, size_t done, size_t total)
{
	if (db->progress)
		db->progress(db->progress_ud, what, done, total);
}

/* Scratch objects for the current nesting level (NULL: out of memory).
 * The event comes back reset. */
lc_lead *lc__db_scratch_lead(lc_db *db);
lc_event *lc__db_scratch_event(lc_db *db);
lc_state *lc__db_scratch_state(lc_db *db);
lc_violations *lc__db_scratch_violations(lc_db *db);

/* Judge a stored lead's state as it stands (lc_validate_state()). Returns 0
 * when valid, LC_EINVALID with *why set to the first violation's message
 * (owned by the store's scratch list), or LC_ENOMEM. With skip_unknown,
 * values the model does not know are not counted. */
int lc__db_state_invalid(lc_db *db, const lc_state *s, bool skip_unknown, const char **why);

/* The record fields that follow the state (docs/engine.md, "The record"):
 * after the state changed, the lost reason is d's reason when the lead is
 * lost (else the one it had while it stays lost, else none), and the account
 * goes with a lead that leaves the won or completed state. d may be NULL (a
 * migration). Sets *changed when a field changed. */
int lc__db_record_follow_state(lc_db *db, lc_lead *lead, const lc_disposition *d, bool *changed);

/* Backend writes, counted (see struct lc_db.writes), with messages. */
int lc__db_w_lead_insert(lc_db *db, lc_lead *lead);
int lc__db_w_lead_update(lc_db *db, const lc_lead *lead, unsigned int parts);
int lc__db_w_event_append(lc_db *db, lc_event *ev);

/* Agent and unit lists inside the caller's transaction. */
int lc__db_agents_in(lc_db *db, lc_id unit, lc_table **out);
/* The row of the agent or unit @p id in an "agents" or "units" table, or -1. */
long lc__party_index(const lc_table *t, lc_id id);

/* A rule's effect was refused with violations V inside the running apply:
 * copy them, naming the rule, into that apply's violations list. */
void lc__db_refusal(lc_db *db, const char *rule, const lc_violations *v);

/* Set or clear the apply hook (one hook per db). `free_ud` (may be NULL)
 * releases `ud` when the hook is replaced or cleared and when the db closes,
 * so that the store never calls into the module that set it. */
void lc__db_set_apply_hook(lc_db *db, lc__apply_hook_fn fn, void *ud, void (*free_ud)(void *ud));

/* Modules above the store that plug into every lc_db: lc_db_open() calls
 * each on_open once the store and its model are loaded (to set an apply
 * hook; a failure stays the module's to report later). The list, ended by
 * a NULL on_open, is the library's assembly (src/plugins.c): the store
 * knows the interface, never the modules. */
typedef struct lc__verify lc__verify;
typedef struct lc__db_plugin {
	const char *name;
	void (*on_open)(lc_db *db);
	/* lc_db_verify(), inside its read transaction: check the records the
	 * module keeps in the store, report each problem with
	 * lc__verify_problem(v, problem_kind, ...) and their number in *count
	 * (the summary's column count_name; problems_name counts the problems).
	 * NULL: the module keeps nothing to check. */
	int (*verify)(lc_db *db, lc__verify *v, int64_t *count);
	const char *count_name;
	const char *problem_kind;
	const char *problems_name;
} lc__db_plugin;

/* Report one problem lc_db_verify() found: its kind (a static key: a
 * built-in one or a plugin's problem_kind), the record it names ("lead 4",
 * "rule set 2", "store"), the lead and event ids it concerns (0: none) and a
 * message. Returns 0 or LC_ENOMEM. */
int lc__verify_problem(lc__verify *v, const char *kind, const char *record, lc_id lead,
		       lc_id event, const char *fmt, ...) LC_PRINTF(6, 7);

extern const lc__db_plugin lc__db_plugins[];

/* Open a transaction, or join the open one. A write begin inside a read
 * transaction is an error (LC_ESTATE). */
int lc__db_txn_begin(lc_db *db, bool write);
/* Close what lc__db_txn_begin() opened: commit when rc == 0 and this is the
 * outermost level, roll back (or poison the explicit transaction) when rc != 0.
 * Returns rc, or the commit's error. */
int lc__db_txn_end(lc_db *db, int rc);

/* A savepoint inside the open write transaction (the backend's optional
 * slot; LC_STORAGE_SAVEPOINT_* ops): LC_EUNSUPPORTED, with no message, when
 * the backend has none. */
int lc__db_savepoint(lc_db *db, int op);

/* Write-behind around a batch of writes (the backend's optional defer slot,
 * LC_STORAGE_DEFER_* ops, inside the open write transaction): between BEGIN
 * and END a write may fail late, at a later call or at END, which then
 * undoes everything since BEGIN. LC_EUNSUPPORTED, with no message, when the
 * backend has none. */
int lc__db_defer(lc_db *db, int op, size_t leads, size_t events);

/* Look many leads up by external id or email in one call (the backend's
 * optional lead_find_many slot): ids[i] is the smallest id whose field is
 * keys[i], or 0. LC_EUNSUPPORTED, with no message, when the backend has
 * none: then look the keys up one by one. */
int lc__db_lead_find_many(lc_db *db, lc_lead_text_field field, const char *const *keys,
			  size_t n, lc_id *ids);

/* Whether an update from `old` to `new_` would change any field, list or
 * flag (what lc_db_lead_update() records as "changed: ..."). */
bool lc__db_lead_differs(const lc_lead *old, const lc_lead *new_);

/* Read a lead into a record that the caller owns (reset and bound here). */
int lc__db_lead_read(lc_db *db, lc_id id, lc_lead *out);

/* LC_ESTATE while an explicit transaction is poisoned (a call failed after
 * writing): every call, reads and iterators included, refuses until
 * lc_db_rollback(), so that no backend answers from a half-undone batch. */
int lc__db_check_poisoned(const lc_db *db);

/* lc_db_apply() for a workflow: the same steps, with the rule's name stored
 * on the event (lc_event_rule()). NULL rule is lc_db_apply() itself. */
int lc__db_apply_rule(lc_db *db, lc_id lead_id, const lc_disposition *d,
		      int64_t expected_version, lc_violations *violations, lc_id *event_id,
		      const char *rule);

/* Write a lead that the caller changed, inside a write transaction: raises its
 * version, writes `parts` (LC_STORAGE_PART_*) and appends an event of `kind`
 * (actor NULL: the db's actor; rule: a workflow rule's name or NULL; note may
 * be NULL). `before` is the state before the change (NULL: unchanged). */
/* Whether axis is a record axis the model may list values of (source,
 * type, category, priority), with its text field in *field (may be NULL). */
bool lc__db_record_axis_field(lc_axis axis, lc_lead_text_field *field);

/* Once judged: listed values stored by key, and a lead that is new
 * (cur NULL) or changes type from cur's gets the type's default attributes
 * it lacks. */
int lc__db_settle_record(lc_db *db, lc_lead *lead, const lc_lead *cur);

int lc__db_lead_write(lc_db *db, lc_lead *lead, unsigned int parts, lc_event_kind kind,
		      const char *actor, const char *rule, const char *note,
		      const lc_state *before);

/* Recycle or restore inside the caller's transaction, naming the rule. */
int lc__db_lead_set_recycled(lc_db *db, lc_id lead_id, bool recycled, const char *actor,
			     const char *rule);

/* LC_ESTATE with the one message for a store that has no model yet, naming
 * @p fn (the public call); 0 when it has one. */
int lc__db_need_model(const lc_db *db, const char *fn);
/* LC_EREADONLY naming @p fn when the store is open read-only: every public
 * call that writes asks first, before it looks at the model or a record. */
int lc__db_writable(const lc_db *db, const char *fn);
/* *now = the store's clock; LC_ERANGE naming `fn` when it reads a time
 * outside the valid times (nothing may be computed from it then). */
int lc__db_clock(const lc_db *db, lc_time *now, const char *fn);
/* Grouped counts and worklists: the backend's optional slot when it has one,
 * else the core iterates. Recycled leads follow the query's filter. */
int lc__db_count_grouped(lc_db *db, const lc_query *q, const lc_axis *keys, size_t nkeys,
			 lc_group_emit_fn emit, void *ud);
/* As lc__db_count_grouped(), always by iterating, with the lead's currency
 * (NULL: no amount) as one more value after the keys, and the sum of the
 * group's amounts in minor units (LC_ERANGE when it overflows). */
typedef int (*lc__group_sum_fn)(void *ud, const char *const *values, size_t count, int64_t sum);
int lc__db_sum_grouped(lc_db *db, const lc_query *q, const lc_axis *keys, size_t nkeys,
		       lc__group_sum_fn emit, void *ud);
/* Seed 001's "check-in 3" in grouped counts: for the leads the query keeps
 * that are in a repeatable stage, their entries into it (lc_state_stage_entries)
 * summed per group, emitted as the sum (with the currency as one more value
 * when `currency`). Reads only the leads in repeatable stages. */
int lc__db_stage_entries(lc_db *db, const lc_query *q, const lc_axis *keys, size_t nkeys,
			 bool currency, lc__group_sum_fn emit, void *ud);
/* Copy a query's conditions and paging into another (for modules that add
 * their own conditions to a caller's filter). */
int lc__query_copy(lc_query *dst, const lc_query *src);
/* Turn the query's values (keys, labels or aliases) into the model's keys,
 * as lc_db_query() does; a value the model does not know is LC_ENOTFOUND,
 * the message prefixed with `what` ("CALL: the query's condition"). */
int lc__query_resolve(lc_query *q, const lc_model *m, const char *what);
/* Take the query's values as stored keys, matched as they are (a matrix
 * cell of a value an older model had). */
void lc__query_stored_values(lc_query *q);
int lc__db_worklist(lc_db *db, lc_id agent, lc_time day_start, lc_time day_end, size_t limit,
		    lc_worklist_emit_fn emit, void *ud);

/* Insert many new leads (each with its create event) in the caller's
 * transaction: the backend's bulk_insert when it has one, else one by one. */
int lc__db_bulk_insert(lc_db *db, lc_lead *const *leads, size_t n);

/* Metadata (key/value text) for modules that keep small settings in the
 * store. *value is owned by the db, valid until its next call. */
int lc__db_meta_get(lc_db *db, const char *key, const char **value);
int lc__db_meta_set(lc_db *db, const char *key, const char *value);

#endif
