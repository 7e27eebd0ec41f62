/**
 * @file db.h
 * @brief lc_db: a store of leads, their history, models, agents and units.
 *
 * Open a store with lc_db_open(): a path or `sqlite:PATH` (the SQLite
 * default backend), `:memory:` (SQLite in memory), `memory:` (the in-memory
 * backend) or `SCHEME:REST` for a backend registered with
 * lc_storage_register() (sys/storage.h).
 *
 * Every write happens in one transaction: a failed call leaves the store as
 * it was. lc_db_apply() validates a disposition with the engine, appends an
 * event that records the state before and after, writes the new state and
 * raises the lead's version, all or nothing. History is append-only, and
 * lc_db_replay() rebuilds a lead's state from it.
 *
 * Time: every function that needs "now" takes it from the store's clock
 * (lc_db_options.clock), so that tests and sweeps are deterministic.
 *
 * Thread safety: an ::lc_db handle is used by one thread at a time. Several
 * handles on the same store file may live in different threads and
 * processes; stale writes are refused with LC_ECONFLICT and a busy store is
 * retried within the busy timeout, then LC_EBUSY.
 *
 * @par Errors every store call may return
 * Besides the codes its own `@return` lists, every function that takes an
 * ::lc_db (here and in report.h, workflow.h and import.h) may return the
 * store's errors: LC_EIO (the backend failed), LC_EBUSY (another writer held
 * the store past the busy timeout), LC_ECORRUPT (a damaged record or schema),
 * LC_ENOMEM, LC_ESTATE (a call inside an explicit transaction that an earlier
 * failure rolled back: see lc_db_begin()), and LC_ERANGE when the call needs
 * "now" and the store's clock (lc_db_options.clock) reads a time outside
 * ::LC_TIME_MIN..::LC_TIME_MAX. The functions' lists name these codes only
 * where they have a meaning of their own there.
 */
#ifndef LEADCORE_DB_H
#define LEADCORE_DB_H

#include "common.h"
#include "disposition.h"
#include "lead.h"
#include "model.h"
#include "state.h"
#include "table.h"
#include "validate.h"

LC_BEGIN_DECL

/** An open store. */
typedef struct lc_db lc_db;
/** A filter over leads, for lc_db_query() and lc_db_count(). */
typedef struct lc_query lc_query;
/** An iterator over leads. */
typedef struct lc_lead_iter lc_lead_iter;
/** One history event. */
typedef struct lc_event lc_event;
/** An iterator over history events. */
typedef struct lc_event_iter lc_event_iter;
/** A migration map: old values to new ones, for lc_db_migrate(). */
typedef struct lc_migration lc_migration;

/** @name Options
 * @{ */

/** Version of ::lc_db_options that these headers know. */
#define LC_DB_OPTIONS_VERSION 1

/** lc_db_options.flags: create the store when it does not exist or is an empty
 *  file (the default). Without it, an empty file is refused with LC_EFORMAT. */
#define LC_DB_CREATE (1u << 0)
/** lc_db_options.flags: open read-only; every call that writes fails with
 *  LC_EREADONLY before it looks at anything else. A
 *  SQLite store is then opened without changing its journal mode (SQLite's
 *  `mode=ro`, or `immutable=1` when its directory cannot take a `-shm` file),
 *  so a backup or a read-only mount can be read. A SQLite store whose file or
 *  directory cannot be written is opened this way without the flag. */
#define LC_DB_READONLY (1u << 1)

/** Options for lc_db_open(). */
typedef struct lc_db_options {
	/** Set to LC_DB_OPTIONS_VERSION. */
	unsigned int version;
	/** The store's clock; NULL means the system clock (UTC seconds). A
	 *  call that needs "now" while it reads a time outside
	 *  ::LC_TIME_MIN..::LC_TIME_MAX returns LC_ERANGE and writes nothing. */
	lc_time (*clock)(void *ud);
	/** Passed to @c clock. */
	void *clock_ud;
	/** How long a busy store is retried before LC_EBUSY, in ms; default 5000. */
	int32_t busy_timeout_ms;
	/** `LC_DB_*` flags; default LC_DB_CREATE. */
	uint32_t flags;
} lc_db_options;

/** Static initialiser for ::lc_db_options with the defaults. */
#define LC_DB_OPTIONS_INIT { LC_DB_OPTIONS_VERSION, NULL, NULL, 5000, LC_DB_CREATE }

/**
 * Initialise ::lc_db_options with the defaults (for FFI callers that cannot
 * use LC_DB_OPTIONS_INIT).
 * @param opts The struct to fill.
 * @param version LC_DB_OPTIONS_VERSION.
 * @return 0, LC_EINVAL (NULL), LC_EVERSION (a version this library does not know).
 */
LC_API int lc_db_options_init(lc_db_options *opts, unsigned int version);

/** @} */

/** @name Opening
 * @{ */

/**
 * Open (and with LC_DB_CREATE, create) a store. The current model, if one
 * was installed, is loaded.
 * @param[out] out Receives the handle; close it with lc_db_close().
 * @param uri A path, `sqlite:PATH`, `:memory:`, `memory:` or `SCHEME:REST`
 *            of a registered backend. A path containing ':' can be written
 *            as `sqlite:PATH`.
 * @param opts Options, or NULL for the defaults.
 * @return 0, LC_EINVAL (NULL, bad options), LC_ERANGE (a URI longer than 4096
 *         bytes), LC_EVERSION (options, or a store
 *         schema newer than this library or impossible), LC_EFORMAT (a file
 *         that is not a leadcore store, or empty without LC_DB_CREATE; it is
 *         left untouched), LC_ENOTFOUND (no such store without LC_DB_CREATE,
 *         or an unknown scheme), LC_EUNSUPPORTED (`memory:` or `postgres:` in
 *         a build without that backend), LC_EIO, LC_ECORRUPT, LC_EBUSY,
 *         LC_ENOMEM.
 */
LC_API int lc_db_open(lc_db **out, const char *uri, const lc_db_options *opts);

/**
 * Close a store; an open explicit transaction is rolled back. Accepts NULL.
 * Iterators and the model from lc_db_model() must not be used afterwards.
 * @param db The store.
 */
LC_API void lc_db_close(lc_db *db);

/**
 * The present, from the store's clock.
 * @param db The store.
 * @return The time; LC_TIME_NONE for NULL.
 */
LC_API lc_time lc_db_now(const lc_db *db);

/**
 * Set the actor recorded on events that do not name one (updates,
 * assignments, recycling, notes without author, migrations). A disposition's
 * own actor always wins.
 * @param db The store.
 * @param actor UTF-8, at most 256 bytes (copied), or NULL for none.
 * @return 0, LC_EINVAL, LC_ERANGE.
 */
LC_API int lc_db_set_actor(lc_db *db, const char *actor);

/**
 * Called as long work on a store goes on, so that a program can show
 * progress: a sweep ("sweep", over the leads it looks at), an assignment
 * ("assign", over the leads it deals), a migration ("migrate", over every
 * lead), a model dry run ("dry_run"). It is called from the thread doing
 * the work, once with @p done 0, then after each item (work that stops
 * early does not reach @p total). It must not call the store.
 * @param ud The pointer given to lc_db_set_progress().
 * @param what What is under way (a static string).
 * @param done Items done so far.
 * @param total Items in all.
 */
typedef void (*lc_progress_fn)(void *ud, const char *what, size_t done, size_t total);

/**
 * Set the progress callback of this handle (NULL clears it). The callback
 * and @p ud are borrowed: they must stay valid while the handle uses them.
 * @param db The store.
 * @param fn The callback, or NULL.
 * @param ud Passed to @p fn.
 * @return 0, LC_EINVAL (NULL db).
 */
LC_API int lc_db_set_progress(lc_db *db, lc_progress_fn fn, void *ud);

/** @} */

/** @name Transactions
 * @{ */

/**
 * Begin an explicit write transaction, to batch many calls (thousands of
 * lc_db_apply()) into one commit. Writes inside it join it. A call that
 * fails before writing (a violation, a stale version, bad input, a missing
 * lead) leaves the transaction as it was. A call that fails while writing
 * (I/O, memory, a workflow rule) rolls the whole transaction back; later
 * calls then fail with LC_ESTATE until lc_db_rollback() (or lc_db_commit(),
 * which reports LC_ESTATE) ends it. Transactions do not nest.
 * @param db The store.
 * @return 0, LC_EINVAL, LC_ESTATE (already in a transaction), LC_EREADONLY.
 */
LC_API int lc_db_begin(lc_db *db);

/**
 * Commit the explicit transaction.
 * @param db The store.
 * @return 0, LC_EINVAL, LC_ESTATE (no transaction). On failure the transaction is rolled
 *         back.
 */
LC_API int lc_db_commit(lc_db *db);

/**
 * Roll the explicit transaction back.
 * @param db The store.
 * @return 0, LC_EINVAL, LC_ESTATE (no transaction).
 */
LC_API int lc_db_rollback(lc_db *db);

/** @} */

/** @name Models
 * @{ */

/**
 * Install a model as the store's current model. Each install is a new store
 * version (1, 2, ...), and the store keeps every version. Existing leads and
 * their history stay exactly as they are; leads the new model finds invalid
 * can be counted (lc_db_count_invalid()), queried (lc_query_set_invalid())
 * or moved (lc_db_migrate()).
 *
 * The model is copied. Dispositions, states and records bound to the
 * previous current model must be rebuilt against the new lc_db_model(), and
 * lead and event iterators opened before must be freed (their next call
 * fails with LC_ESTATE). Other handles on the same store see the new version
 * when they are reopened.
 * @param db The store.
 * @param model The model.
 * @param[out] version Receives the new store version; may be NULL.
 * @return 0, LC_EINVAL, LC_EREADONLY, LC_ESTATE (an explicit transaction is open).
 */
LC_API int lc_db_install_model(lc_db *db, const lc_model *model, int64_t *version);

/**
 * The current model. Owned by the store: it lives until the next
 * lc_db_install_model() or lc_db_close(), whichever comes first. Dispositions
 * handed to lc_db_apply() and states handed to lc_db_replay() must be bound
 * to it.
 * @param db The store.
 * @return The model, or NULL when none was installed.
 */
LC_API const lc_model *lc_db_model(const lc_db *db);

/**
 * The store version of the current model.
 * @param db The store.
 * @return The version (1, 2, ...), or 0 when no model was installed.
 */
LC_API int64_t lc_db_model_version(const lc_db *db);

/**
 * Load a past (or the current) model version. Versions run from 1 to
 * lc_db_model_version().
 * @param db The store.
 * @param version The store version.
 * @param[out] out Receives a new model; free it with lc_model_free().
 * @param[out] installed_at Receives the install time; may be NULL.
 * @return 0, LC_EINVAL, LC_ENOTFOUND, LC_ECORRUPT (the stored JSON does not load).
 */
LC_API int lc_db_model_get(lc_db *db, int64_t version, lc_model **out, lc_time *installed_at);

/**
 * Check every lead (recycled ones included) against @p new_model without
 * installing it, and list how many leads it would make invalid, grouped by
 * violation, field and value (or combination). Leads the current model keeps
 * from a contact action (a blocking value, do not call, ends contact) add
 * LC_V_ACTION_BLOCKED rows: field "unblocks", value the action key, for leads
 * the new model would let be contacted by it; field "kept_from_contact",
 * value "axis:key", for such leads holding a value the new model removes
 * (they stay kept from every contact until given a current value).
 * @param db The store.
 * @param new_model The candidate model.
 * @param[out] out Receives the report: a table of kind "upgrade" with a row
 *                 per (violation, field, value or combination): "code" (an
 *                 `LC_V_*` code), "violation" (its key), "field" (an axis,
 *                 "status", a record field such as "source" or "email",
 *                 or a combination, "milestone+status" or
 *                 "stage+lifecycle" for a stage tied to life-cycle
 *                 states), "value" (a key, "lead_at_risk", the record's
 *                 value of the field, "" for a missing one, or a
 *                 combination, "quoted+new", "won+open")
 *                 and "leads" (how many leads the row concerns); its
 *                 summary has "checked" (leads checked) and "invalid" (leads
 *                 that would be invalid, each counted once). Free it with
 *                 lc_table_free().
 * @return 0, LC_EINVAL.
 */
LC_API int lc_db_model_dry_run(lc_db *db, const lc_model *new_model, lc_table **out);

/**
 * Count the leads (recycled ones excluded) the current model finds invalid,
 * by their state or their governed fields (lc_lead_validate()).
 * @param db The store.
 * @param[out] out Receives the count.
 * @return 0, LC_EINVAL, LC_ESTATE (no model).
 */
LC_API int lc_db_count_invalid(lc_db *db, size_t *out);

/**
 * Create an empty migration map.
 * @param[out] out Receives it; free it with lc_migration_free().
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_migration_new(lc_migration **out);

/**
 * Free a migration map. Accepts NULL.
 * @param m The map.
 */
LC_API void lc_migration_free(lc_migration *m);

/**
 * Add a rule: leads whose @p axis holds @p from move to @p to.
 * @param m The map.
 * @param axis A state axis, LC_AXIS_MILESTONE, LC_AXIS_STATUS or LC_AXIS_STAGE,
 *        or a record field the model may list values of, LC_AXIS_SOURCE,
 *        LC_AXIS_TYPE, LC_AXIS_CATEGORY or LC_AXIS_PRIORITY.
 * @param from The old key (copied; it need not exist in the current model).
 * @param to The new key or label, which lc_db_migrate() resolves in the
 *           current model; or "" to clear a milestone, status or stage (the
 *           way out for leads holding a value on an axis the current model
 *           has no values on, which no disposition can replace).
 * @return 0, LC_EINVAL (NULL, other axis, bad UTF-8, an empty @p from, an empty
 *         @p to on a record field), LC_ERANGE (@p from longer
 *         than 64 bytes, @p to longer than 1 MiB), LC_EEXISTS (@p from is
 *         already mapped on that axis), LC_ENOMEM.
 */
LC_API int lc_migration_add(lc_migration *m, lc_axis axis, const char *from, const char *to);

/**
 * Move leads by the map, in one transaction: each moved lead gets a `migrate`
 * event (state before and after, the store's actor, a note naming each move,
 * record fields included) and its version raised. Recycled leads move too.
 * A lead moved to another type gets that type's default attributes; a rule
 * to "" clears the value.
 * @param db The store.
 * @param map The map.
 * @param[out] moved Receives how many leads moved; may be NULL.
 * @return 0, LC_EINVAL, LC_ESTATE (no model), LC_EREADONLY, LC_ENOTFOUND (a target the
 *         current model does not know: nothing moves), LC_EINVALID (a lead would be
 *         invalid after the move, by its state or by an attribute its new type
 *         does not define: nothing moves).
 */
LC_API int lc_db_migrate(lc_db *db, const lc_migration *map, size_t *moved);

/** @} */

/** @name Leads
 * @{ */

/**
 * Store a new lead. An unbound record is bound to the current model with an
 * empty state; a bound one must be bound to lc_db_model() and its state must
 * pass lc_validate_state(). The model also judges the record's governed
 * fields (docs/engine.md, "The record"): a source, type, category or
 * priority from its lists, the attributes its type allows, its required
 * fields, an account only in a won or completed state. On success the
 * record receives its id, version 1 and creation time, listed values are
 * stored (and set in the record) by key, its type's default attributes are
 * added where missing, and a `create` event is written.
 * @param db The store.
 * @param lead The record (updated on success).
 * @param[out] id Receives the new id; may be NULL.
 * @return 0, LC_EINVAL (NULL, bound to another model), LC_EREADONLY, LC_ESTATE (no
 *         model, a record that already has an id), LC_EINVALID (its state or governed
 *         fields are invalid), LC_EEXISTS (the external id is taken).
 */
LC_API int lc_db_lead_create(lc_db *db, lc_lead *lead, lc_id *id);

/**
 * Read a lead, bound to the current model (values that model does not know
 * are kept as stored).
 * @param db The store.
 * @param id The lead's id.
 * @param[out] out Receives a new record; free it with lc_lead_free().
 * @return 0, LC_EINVAL, LC_ESTATE (no model), LC_ENOTFOUND.
 */
LC_API int lc_db_lead_get(lc_db *db, lc_id id, lc_lead **out);

/**
 * Find a lead by its external id (a key of the caller's, not the store's
 * id). As lc_db_lead_get().
 * @param db The store.
 * @param external_id The external id.
 * @param[out] out Receives a new record; free it with lc_lead_free().
 * @return 0, LC_EINVAL, LC_ERANGE (longer than LC_LEAD_EXTERNAL_ID_MAX bytes),
 *         LC_ESTATE, LC_ENOTFOUND.
 */
LC_API int lc_db_lead_find(lc_db *db, const char *external_id, lc_lead **out);

/**
 * Write a record's fields and lists back (an `update` event, whose note
 * names the fields that changed, is written and the version raised; the
 * record receives the new version). The state, the notes, the recycled flag
 * and the bookkeeping fields are not written: those change through
 * lc_db_apply(), lc_db_lead_note(), lc_db_lead_recycle(). A unit or agent set
 * here must exist but is not checked for membership or activity; use
 * lc_db_lead_assign() for that. The record's governed fields are judged as
 * lc_db_lead_create() judges them, and a changed type adds its default
 * attributes.
 * @param db The store.
 * @param lead A record read from this store.
 * @param expected_version The version the caller read, or -1 not to check.
 * @return 0, LC_EINVAL (NULL, no id, bound to another model), LC_EREADONLY,
 *         LC_ENOTFOUND, LC_ECONFLICT (the stored version differs), LC_ESTATE (no model;
 *         the record's state or lost reason was changed), LC_EINVALID (a governed field
 *         is invalid; nothing is written), LC_EEXISTS (external id taken).
 */
LC_API int lc_db_lead_update(lc_db *db, lc_lead *lead, int64_t expected_version);

/**
 * Apply a disposition to a lead, atomically: validate it against the lead's
 * current state with the current model, then append the event (state before
 * and after, actor, time from the store's clock, model version, note,
 * follow-up, reason, outcome), write the new state and raise the version,
 * run the store's event rules, and commit. A violation, a stale version or
 * any failure writes nothing.
 * @param db The store.
 * @param lead_id The lead.
 * @param d The disposition, bound to lc_db_model().
 * @param expected_version The version the caller read, or -1 not to check.
 * @param violations Cleared, then filled when the disposition is refused; may be NULL.
 * @param[out] event_id Receives the new event's id; may be NULL.
 * @return 0, LC_EINVAL (NULL, bound to another model), LC_EREADONLY, LC_ESTATE (no
 *         model, a recycled lead), LC_ENOTFOUND, LC_ECONFLICT, LC_EINVALID (see
 *         @p violations; also when the model refuses the disposition of a workflow rule
 *         the event triggers), or another error of such a rule (its message names the
 *         rule).
 */
LC_API int lc_db_apply(lc_db *db, lc_id lead_id, const lc_disposition *d, int64_t expected_version,
		       lc_violations *violations, lc_id *event_id);

/**
 * Accept a lead: an unassigned lead in a unit is taken by an active member of
 * that unit (an `accept` event, actor the agent's name).
 * @param db The store.
 * @param lead_id The lead.
 * @param agent The agent.
 * @return 0, LC_EINVAL, LC_EREADONLY, LC_ENOTFOUND (lead or agent), LC_ESTATE (no model;
 *         the lead is already assigned to an agent, has no unit, is recycled; the agent
 *         is inactive or not a member of the lead's unit).
 */
LC_API int lc_db_lead_accept(lc_db *db, lc_id lead_id, lc_id agent);

/**
 * Assign a lead to a unit and/or an agent (an `assign` event). An agent given
 * with a unit must be a member of it.
 * @param db The store.
 * @param lead_id The lead.
 * @param unit The unit, or 0 for none.
 * @param agent The agent, or 0 for none (members of @p unit may then accept it).
 * @return 0, LC_EINVAL, LC_EREADONLY, LC_ENOTFOUND (lead, unit or agent), LC_ESTATE (no
 *         model, inactive agent, not a member, recycled lead).
 */
LC_API int lc_db_lead_assign(lc_db *db, lc_id lead_id, lc_id unit, lc_id agent);

/**
 * Move a lead to the recycle bin (a `recycle` event). It leaves queries,
 * worklists and reports but keeps its history.
 * @param db The store.
 * @param lead_id The lead.
 * @return 0, LC_EINVAL, LC_EREADONLY, LC_ENOTFOUND, LC_ESTATE (no model, already
 *         recycled).
 */
LC_API int lc_db_lead_recycle(lc_db *db, lc_id lead_id);

/**
 * Take a lead out of the recycle bin (a `restore` event).
 * @param db The store.
 * @param lead_id The lead.
 * @return 0, LC_EINVAL, LC_EREADONLY, LC_ENOTFOUND, LC_ESTATE (no model, not recycled).
 */
LC_API int lc_db_lead_restore(lc_db *db, lc_id lead_id);

/**
 * Add a shared note, stamped with the store's time and the author (a `note`
 * event).
 * @param db The store.
 * @param lead_id The lead.
 * @param author Who wrote it (UTF-8, at most 256 bytes), or NULL for the store's actor.
 * @param text The note: non-empty UTF-8, at most LC_LEAD_NOTE_MAX bytes.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_EREADONLY, LC_ENOTFOUND, LC_ESTATE (no model),
 *         LC_EINVALID (the current model finds the lead's state invalid: a disposition
 *         must give it a valid one first).
 */
LC_API int lc_db_lead_note(lc_db *db, lc_id lead_id, const char *author, const char *text);

/**
 * Rebuild a lead's state from its history alone, event by event, and check
 * that each event starts where the previous one ended.
 * @param db The store.
 * @param lead_id The lead.
 * @param out Receives the state; must be bound to lc_db_model().
 * @return 0, LC_EINVAL (NULL, a state bound to another model), LC_ESTATE (no model),
 *         LC_ENOTFOUND, LC_ECORRUPT (no history, a gap, or a disposition that does not
 *         give the recorded state).
 */
LC_API int lc_db_replay(lc_db *db, lc_id lead_id, lc_state *out);

/**
 * Check a store end to end, without writing: the backend's own integrity
 * check where it has one (SQLite: `PRAGMA integrity_check` and
 * `foreign_key_check`), every stored model version and rule set (they must
 * load), and every lead, recycled ones included: each row must read back,
 * its history must have no gap, each event must start where the one before
 * ended, each disposition judged by the current model version must give the
 * state it recorded when judged again, the lead's version must be its last
 * event's and its state (values, follow-up, completion, stage counters,
 * flags) the one its history ends in; every value an event recorded (the
 * disposition's choices and each value of the state it changed) must be
 * known to the model version that wrote it. Works on a store opened
 * read-only. Tells the progress callback ("verify", over the leads).
 *
 * Not checked: a disposition judged by an older model version is not judged
 * again (only its continuity is checked); fields other than the state
 * (names, phones, notes) have no history to compare with.
 * @param db The store.
 * @param[out] out Receives the problems: a table of kind "verify" with a row
 *                 per problem (at most 10,000; the summary counts all):
 *                 "kind" ("integrity", "record" a row that does not read
 *                 back, "history", "replay", "value", "model", "rule_set"),
 *                 "record" (what it names: "lead 4", "event 17", "model
 *                 version 2", "rule set 1", "store"), "lead" and "event"
 *                 (ids, 0 when none) and "message". Its summary counts the
 *                 records checked, "leads", "events", "agents", "units",
 *                 "models", "rule_sets", then "problems" and one column a
 *                 kind, "problems_integrity", "problems_record",
 *                 "problems_history", "problems_replay", "problems_value",
 *                 "problems_model", "problems_rule_set". No rows: the store
 *                 is clean. Free it with lc_table_free().
 * @return 0 when the check ran (whatever it found), LC_EINVAL (NULL), LC_ESTATE (inside
 *         a poisoned transaction). Problems are rows, not errors.
 */
LC_API int lc_db_verify(lc_db *db, lc_table **out);

/** @} */

/** @name Queries
 * @{ */

/** lc_query_set_agent()/lc_query_set_unit(): match leads with no agent (or unit). */
#define LC_QUERY_NONE ((lc_id)-1)

/** Which leads a query sees with respect to the recycle bin. */
typedef enum lc_recycled_filter {
	LC_RECYCLED_EXCLUDE = 0, /**< Leads not recycled (the default). */
	LC_RECYCLED_INCLUDE = 1, /**< All leads. */
	LC_RECYCLED_ONLY = 2     /**< Recycled leads only. */
} lc_recycled_filter;

/**
 * Create a query that matches every lead not recycled, in id order, unpaged.
 * Each setter adds a condition; conditions combine with AND.
 * @param[out] out Receives it; free it with lc_query_free().
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_query_new(lc_query **out);

/**
 * Free a query. Accepts NULL.
 * @param q The query.
 */
LC_API void lc_query_free(lc_query *q);

/**
 * Match leads whose state has this value on an axis. The value is named as
 * everywhere else: its key, label or an alias, in any case. lc_db_query(),
 * lc_db_count() and the reports resolve it against the store's model when
 * they run, and refuse a value the model does not know with LC_ENOTFOUND (a
 * message naming the axis, the value and the model's keys); leads holding a
 * value the model no longer knows are found with lc_query_set_invalid().
 * @param q The query.
 * @param axis LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE, LC_AXIS_PHASE or LC_AXIS_LIFECYCLE.
 * @param key The value's key, label or alias, or NULL to drop the condition.
 * @return 0, LC_EINVAL, LC_ERANGE (too long), LC_ENOMEM.
 */
LC_API int lc_query_set_value(lc_query *q, lc_axis axis, const char *key);

/**
 * Match leads with this text in a text field (owner group, source, segment, ...).
 * @param q The query.
 * @param field The field.
 * @param value The value (matched exactly), or NULL to drop the condition.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_query_set_text(lc_query *q, lc_lead_text_field field, const char *value);

/**
 * Match leads assigned to this agent.
 * @param q The query.
 * @param agent An agent id, LC_QUERY_NONE for unassigned leads, 0 to drop the condition.
 * @return 0, LC_EINVAL.
 */
LC_API int lc_query_set_agent(lc_query *q, lc_id agent);

/**
 * Match leads assigned to this unit.
 * @param q The query.
 * @param unit A unit id, LC_QUERY_NONE for leads in no unit, 0 to drop the condition.
 * @return 0, LC_EINVAL.
 */
LC_API int lc_query_set_unit(lc_query *q, lc_id unit);

/**
 * Match leads whose follow-up falls in [@p from, @p to).
 * @param q The query.
 * @param from The start, or LC_TIME_NONE for no lower bound.
 * @param to The end (excluded), or LC_TIME_NONE for no upper bound. Both
 *           LC_TIME_NONE drops the condition.
 * @return 0, LC_EINVAL (from >= to), LC_ERANGE (a time that is neither
 *         LC_TIME_NONE nor within ::LC_TIME_MIN..::LC_TIME_MAX).
 */
LC_API int lc_query_set_follow_up(lc_query *q, lc_time from, lc_time to);

/**
 * Match leads created in [@p from, @p to).
 * @param q The query.
 * @param from The start, or LC_TIME_NONE.
 * @param to The end (excluded), or LC_TIME_NONE. Both LC_TIME_NONE drops the condition.
 * @return 0, LC_EINVAL (from >= to), LC_ERANGE (a time that is neither
 *         LC_TIME_NONE nor within ::LC_TIME_MIN..::LC_TIME_MAX).
 */
LC_API int lc_query_set_created(lc_query *q, lc_time from, lc_time to);

/**
 * Choose how recycled leads are treated (LC_RECYCLED_EXCLUDE by default).
 * @param q The query.
 * @param filter The filter.
 * @return 0, LC_EINVAL.
 */
LC_API int lc_query_set_recycled(lc_query *q, lc_recycled_filter filter);

/**
 * Match leads with a custom attribute equal to a value.
 * @param q The query.
 * @param key The attribute's key, or NULL to drop the condition.
 * @param value The value (matched exactly).
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_query_set_attribute(lc_query *q, const char *key, const char *value);

/**
 * Match only leads the current model finds invalid (lc_lead_validate()):
 * their state, or a field the model governs (a source outside its list, a
 * required field left empty, ...).
 * @param q The query.
 * @param only_invalid Non-zero to add the condition, 0 to drop it.
 * @return 0, LC_EINVAL.
 */
LC_API int lc_query_set_invalid(lc_query *q, int only_invalid);

/**
 * Match only leads whose current state holds values carrying every flag of
 * @p flags (seed 004's ready_for_contact, reengage_eligible, automation
 * stopped; or won, lost, closed, ...): a flag of the status, the stage, the
 * milestone, the phase or the life-cycle state counts. The core applies this
 * condition; backends ignore it.
 * @param q The query.
 * @param flags `LC_FLAG_*` bits a state's value may carry; 0 drops the
 *        condition.
 * @return 0, LC_EINVAL (NULL, or an action, initial or repeatable flag).
 */
LC_API int lc_query_set_value_flags(lc_query *q, uint32_t flags);

/**
 * Page the results: at most @p limit leads whose id is greater than @p after.
 * Leads always come in increasing id order, so the last id of a page is the
 * cursor of the next.
 * @param q The query.
 * @param after Ids greater than this (0 for the first page).
 * @param limit At most this many leads (0 for no limit).
 * @return 0, LC_EINVAL (negative @p after).
 */
LC_API int lc_query_set_page(lc_query *q, lc_id after, size_t limit);

/**
 * Iterate the leads a query matches, in increasing id order.
 * @param db The store.
 * @param q The query, or NULL for every lead not recycled. Copied: the caller
 *          may free it at once.
 * @param[out] out Receives the iterator; free it with lc_lead_iter_free().
 * @return 0, LC_EINVAL, LC_ENOTFOUND (a value condition the model does not know),
 *         LC_ESTATE (no model).
 */
LC_API int lc_db_query(lc_db *db, const lc_query *q, lc_lead_iter **out);

/**
 * The next lead.
 * @param it The iterator.
 * @param[out] lead Receives the lead, owned by the iterator and valid until
 *                  the next call or lc_lead_iter_free() (lc_lead_clone() to keep it).
 * @return 1 with a lead, 0 at the end, or a negative error: LC_EINVAL (NULL),
 *         LC_ESTATE (a model was installed since the query: query again), or
 *         the store's LC_EIO, LC_EBUSY, LC_ECORRUPT (a damaged row: the next
 *         call goes on after it), LC_ENOMEM.
 */
LC_API int lc_lead_iter_next(lc_lead_iter *it, const lc_lead **lead);

/**
 * Free an iterator. Accepts NULL.
 * @param it The iterator.
 */
LC_API void lc_lead_iter_free(lc_lead_iter *it);

/**
 * Count the leads a query matches (paging ignored).
 * @param db The store.
 * @param q The query, or NULL for every lead not recycled.
 * @param[out] out Receives the count.
 * @return 0, LC_EINVAL, LC_ENOTFOUND (a value condition the model does not know),
 *         LC_ESTATE (no model).
 */
LC_API int lc_db_count(lc_db *db, const lc_query *q, size_t *out);

/** @} */

/** @name History
 * @{ */

/** What made an event. */
typedef enum lc_event_kind {
	LC_EVENT_DISPOSITION = 1, /**< lc_db_apply(). */
	LC_EVENT_SYSTEM = 2,      /**< A change made by the library itself. */
	LC_EVENT_CREATE = 3,      /**< lc_db_lead_create(). */
	LC_EVENT_UPDATE = 4,      /**< lc_db_lead_update(). */
	LC_EVENT_ASSIGN = 5,      /**< lc_db_lead_assign(). */
	LC_EVENT_ACCEPT = 6,      /**< lc_db_lead_accept(). */
	LC_EVENT_RECYCLE = 7,     /**< lc_db_lead_recycle(). */
	LC_EVENT_RESTORE = 8,     /**< lc_db_lead_restore(). */
	LC_EVENT_NOTE = 9,        /**< lc_db_lead_note(). */
	LC_EVENT_MIGRATE = 10,    /**< lc_db_migrate(). */
	LC_EVENT_WORKFLOW = 11    /**< A workflow rule. */
} lc_event_kind;

/**
 * The key of an event kind ("disposition", "create", ...).
 * @param kind The kind.
 * @return A static string, or NULL for a value that is not a kind.
 */
LC_API const char *lc_event_kind_name(lc_event_kind kind);

/**
 * Find an event kind by its key.
 * @param name The key.
 * @param[out] out Receives the kind.
 * @return 0, LC_EINVAL, LC_ENOTFOUND.
 */
LC_API int lc_event_kind_parse(const char *name, lc_event_kind *out);

/**
 * Iterate history events in the order they were written.
 * @param db The store.
 * @param lead_id One lead's events, or 0 for every lead's.
 * @param[out] out Receives the iterator; free it with lc_event_iter_free().
 * @return 0, LC_EINVAL, LC_ESTATE (no model), LC_ENOTFOUND (no such lead).
 */
LC_API int lc_db_history(lc_db *db, lc_id lead_id, lc_event_iter **out);

/**
 * The next event.
 * @param it The iterator.
 * @param[out] ev Receives the event, owned by the iterator and valid until the
 *                next call or lc_event_iter_free().
 * @return 1 with an event, 0 at the end, or a negative error: LC_EINVAL (NULL),
 *         LC_ESTATE (a model was installed since lc_db_history(): start
 *         again), or the store's LC_EIO, LC_EBUSY, LC_ECORRUPT (a damaged row:
 *         the next call goes on after it), LC_ENOMEM.
 */
LC_API int lc_event_iter_next(lc_event_iter *it, const lc_event **ev);

/**
 * Free an iterator. Accepts NULL.
 * @param it The iterator.
 */
LC_API void lc_event_iter_free(lc_event_iter *it);

/** The numeric fields of an event, for lc_event_number(). */
typedef enum lc_event_number_field {
	LC_EVENT_NUM_ID = 0,      /**< Its id (an ::lc_id, increasing in the order events were written). */
	LC_EVENT_NUM_LEAD = 1,    /**< The lead it belongs to (an ::lc_id). */
	LC_EVENT_NUM_SEQ = 2,     /**< Its place in the lead's history: the lead's version after the write that made it (1 for the creation). */
	LC_EVENT_NUM_TIME = 3,    /**< When it happened (an ::lc_time, the store's clock). */
	LC_EVENT_NUM_KIND = 4,    /**< What made it (an ::lc_event_kind). */
	LC_EVENT_NUM_OUTCOME = 5, /**< The disposition's outcome (an ::lc_outcome; LC_OUTCOME_NONE when none). */
	LC_EVENT_NUM_FOLLOW_UP = 6, /**< The disposition's follow-up (an ::lc_time; LC_TIME_NONE when none). */
	LC_EVENT_NUM_MODEL_VERSION = 7 /**< The store version of the model that judged it (0 when none did). */
} lc_event_number_field;

/**
 * A numeric field of the event: its id, lead, sequence number, time, kind,
 * outcome, follow-up or model version. The function never fails.
 * @param ev The event.
 * @param field The field.
 * @return The value; for a NULL event or an unknown field, 0 (LC_TIME_NONE
 *         for the time and the follow-up, LC_OUTCOME_NONE for the outcome,
 *         LC_EVENT_SYSTEM for the kind).
 */
LC_API int64_t lc_event_number(const lc_event *ev, lc_event_number_field field);

/** The text fields of an event, for lc_event_text(). */
typedef enum lc_event_text_field {
	LC_EVENT_TEXT_ACTOR = 0, /**< Who made the event; NULL when unknown. */
	LC_EVENT_TEXT_NOTE = 1,  /**< Its note (a disposition's note, a shared note's text, ...). */
	LC_EVENT_TEXT_RULE = 2   /**< The name of the workflow rule that made it. */
} lc_event_text_field;

/**
 * A text field of the event: its actor, note or rule.
 * @param ev The event.
 * @param field The field.
 * @return Owned by the event; NULL when unset (or for a bad argument).
 */
LC_API const char *lc_event_text(const lc_event *ev, lc_event_text_field field);

/**
 * The value the event's disposition chose on an axis (the action, the new
 * milestone, status or stage, the reason). Unset axes were left unchanged.
 * @param ev The event.
 * @param axis LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE or LC_AXIS_REASON.
 * @return Owned by the event; NULL when unset.
 */
LC_API const char *lc_event_value(const lc_event *ev, lc_axis axis);

/**
 * The lead's state before or after the event, bound to the current model
 * (values it does not know are kept as stored).
 * @param ev The event.
 * @param after 0 for the state before the event, non-zero for the state after.
 * @return Owned by the event; never NULL for an event from an iterator.
 */
LC_API const lc_state *lc_event_state(const lc_event *ev, int after);

/** @} */

/** @name Agents and units
 * @{ */

/**
 * Add an active agent.
 * @param db The store.
 * @param name A unique, non-empty name (UTF-8, at most 256 bytes).
 * @param[out] id Receives the id; may be NULL.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_EEXISTS, LC_EREADONLY.
 */
LC_API int lc_db_agent_add(lc_db *db, const char *name, lc_id *id);

/**
 * Find an agent by name (exact match).
 * @param db The store.
 * @param name The name.
 * @param[out] id Receives the id.
 * @return 0, LC_EINVAL, LC_ERANGE (a name longer than 256 bytes), LC_ENOTFOUND.
 */
LC_API int lc_db_agent_find(lc_db *db, const char *name, lc_id *id);

/**
 * Activate or deactivate an agent. Inactive agents cannot accept leads or
 * be assigned new ones.
 * @param db The store.
 * @param agent The agent.
 * @param active Non-zero for active.
 * @return 0, LC_EINVAL, LC_EREADONLY, LC_ENOTFOUND.
 */
LC_API int lc_db_agent_set_active(lc_db *db, lc_id agent, int active);

/**
 * List agents in id order, as a table of kind "agents" with the columns
 * "id" (an id), "name" (text) and "active" (1 or 0).
 * @param db The store.
 * @param unit Only the members of this unit, or 0 for every agent.
 * @param[out] out Receives the table (NULL on error, but for LC_ECORRUPT);
 *        the caller frees it with lc_table_free().
 * @return 0, LC_EINVAL, LC_ENOTFOUND (no such unit), LC_ECORRUPT (a stored name the
 *         library would refuse: the message names the first such record, and @p out
 *         still holds the others).
 */
LC_API int lc_db_agents(lc_db *db, lc_id unit, lc_table **out);

/**
 * Add a unit.
 * @param db The store.
 * @param name A unique, non-empty name (UTF-8, at most 256 bytes).
 * @param[out] id Receives the id; may be NULL.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_EEXISTS, LC_EREADONLY.
 */
LC_API int lc_db_unit_add(lc_db *db, const char *name, lc_id *id);

/**
 * Find a unit by name (exact match).
 * @param db The store.
 * @param name The name.
 * @param[out] id Receives the id.
 * @return 0, LC_EINVAL, LC_ERANGE (a name longer than 256 bytes), LC_ENOTFOUND.
 */
LC_API int lc_db_unit_find(lc_db *db, const char *name, lc_id *id);

/**
 * Make an agent a member of a unit (no-op when it already is).
 * @param db The store.
 * @param unit The unit.
 * @param agent The agent.
 * @return 0, LC_EINVAL, LC_EREADONLY, LC_ENOTFOUND (unit or agent).
 */
LC_API int lc_db_unit_join(lc_db *db, lc_id unit, lc_id agent);

/**
 * Remove an agent from a unit (no-op when it is not a member).
 * @param db The store.
 * @param unit The unit.
 * @param agent The agent.
 * @return 0, LC_EINVAL, LC_EREADONLY, LC_ENOTFOUND (unit or agent).
 */
LC_API int lc_db_unit_leave(lc_db *db, lc_id unit, lc_id agent);

/**
 * List units in id order, as a table of kind "units" with the columns "id"
 * (an id) and "name" (text).
 * @param db The store.
 * @param agent Only the units this agent belongs to, or 0 for every unit.
 * @param[out] out Receives the table (NULL on error, but for LC_ECORRUPT);
 *        the caller frees it with lc_table_free().
 * @return 0, LC_EINVAL, LC_ENOTFOUND (no such agent), LC_ECORRUPT (a stored name the
 *         library would refuse: the message names the first such record, and @p out
 *         still holds the others).
 */
LC_API int lc_db_units(lc_db *db, lc_id agent, lc_table **out);

/** @} */

LC_END_DECL

#endif
