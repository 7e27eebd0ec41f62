/**
 * @file sys/storage.h
 * @brief The storage vtable, for backend authors only.
 *
 * A backend is a ::lc_storage: a version number followed by function
 * pointers, grouped by the version that added them and only ever appended
 * (like SQLite's `sqlite3_io_methods`). Register it under a scheme with
 * lc_storage_register(); `lc_db_open(&db, "myscheme:whatever", opts)` then
 * calls its `open` slot with "whatever" and the registration's `user_data`.
 *
 * A backend keeps everything it needs in the handle its `open` returns and in
 * `user_data` (SQLite's `pAppData`), never in static variables, so that it can
 * be registered twice under two schemes with two configurations.
 *
 * The core (lc_db) owns transactions: every call that writes happens between
 * `begin(be, 1)` and `commit` or `rollback`, and every read between
 * `begin(be, 0)` and `commit`, or inside a write transaction. A slot that
 * fails returns a negative `LC_E...` code, sets a message with the library's
 * error functions where it can (otherwise the core sets a generic one), and
 * need not undo its own partial writes: the core rolls the transaction back.
 * A slot never commits on its own.
 *
 * Records cross the vtable as the public objects (::lc_lead, ::lc_event,
 * ::lc_query): a backend reads them with their public getters and fills
 * them with the public setters plus the `lc_*_sys_*` functions below. The
 * core hands a backend records already bound to the current model; a backend
 * restores stored state values with lc_state_set_stored(), which keeps values
 * that the current model does not know.
 *
 * Iterators return 1 when they filled the record, 0 at the end, or a negative
 * error, and are closed with `iter_close` whether or not they reached the end.
 *
 * Backends see every write as a whole record (the core computes the new
 * state and version); they enforce only uniqueness (external ids, agent and
 * unit names) and referential integrity.
 */
#ifndef LEADCORE_SYS_STORAGE_H
#define LEADCORE_SYS_STORAGE_H

#include "../common.h"
#include "../db.h"
#include "../lead.h"
#include "../model.h"
#include "query.h"
#include "../state.h"
#include "../workflow.h"

LC_BEGIN_DECL

/** The newest version of ::lc_storage that these headers know. */
#define LC_STORAGE_VERSION 2

/** lead_update() parts: the state columns (values, follow-up, completion, counters, flags). */
#define LC_STORAGE_PART_STATE (1u << 0)
/** lead_update() parts: the scalar fields (text, amount, dates, ownership, flags, touched_at). */
#define LC_STORAGE_PART_FIELDS (1u << 1)
/** lead_update() parts: the lists (products, team, competitors, activities, attributes). */
#define LC_STORAGE_PART_LISTS (1u << 2)
/** lead_update() parts: everything but the notes (which are only appended). */
#define LC_STORAGE_PART_ALL (LC_STORAGE_PART_STATE | LC_STORAGE_PART_FIELDS | LC_STORAGE_PART_LISTS)
/** lc_lead_sys_copy() only: the shared notes (never passed to lead_update()). */
#define LC_STORAGE_PART_NOTES (1u << 3)

/**
 * Receives one group of a grouped count.
 * @param ud The caller's pointer.
 * @param values One value per axis, in the order asked; NULL where unset.
 *               Valid during the call only.
 * @param count How many leads are in the group (> 0).
 * @return 0 to go on; anything else stops the count and is returned by it.
 */
typedef int (*lc_group_emit_fn)(void *ud, const char *const *values, size_t count);

/**
 * Receives one lead of a worklist.
 * @param ud The caller's pointer.
 * @param lead The lead's id.
 * @param kind Why it is on the list.
 * @param follow_up Its follow-up time, or LC_TIME_NONE.
 * @return 0 to go on; anything else stops and is returned.
 */
typedef int (*lc_worklist_emit_fn)(void *ud, lc_id lead, lc_worklist_reason kind,
				   lc_time follow_up);

/**
 * Receives one problem a backend's own integrity check found.
 * @param ud The caller's pointer.
 * @param problem What is wrong, as the check says it (UTF-8; copied).
 * @return 0 to go on; anything else stops the check and is returned by it.
 */
typedef int (*lc_integrity_emit_fn)(void *ud, const char *problem);

/** A storage backend. Fill it with LC_STORAGE_INIT or lc_storage_init(). */
typedef struct lc_storage {
	/** LC_STORAGE_VERSION at the time the backend was written (>= 1). */
	unsigned int version;

	/**
	 * The backend's own data, handed to every `open` (SQLite's `pAppData`):
	 * its configuration, or the backend a wrapper forwards to. The library
	 * copies the pointer and never dereferences it; the registrant owns
	 * what it points to and keeps it alive while the scheme is registered
	 * and stores opened with it are open.
	 */
	void *user_data;

	/* ---- version 1, required ---- */

	/**
	 * Open a store. @p location is the URI without "SCHEME:". Honour
	 * `opts->flags` (LC_DB_CREATE, LC_DB_READONLY) and `busy_timeout_ms`.
	 * @p user_data is the vtable's `user_data`. Return LC_ENOTFOUND when
	 * the store is missing and may not be created, LC_EVERSION when it was
	 * written by a newer library.
	 */
	int (*open)(void **be, const char *location, const lc_db_options *opts, void *user_data);
	/** Close a store; roll back an open transaction. @p be may be NULL. */
	void (*close)(void *be);

	/**
	 * Begin a transaction; @p write non-zero for a write transaction, which
	 * must take the write lock at once (BEGIN IMMEDIATE), retrying a busy
	 * store within the busy timeout, then LC_EBUSY. Never nested.
	 */
	int (*begin)(void *be, int write);
	/** Commit. On failure the transaction is rolled back; return LC_EBUSY or LC_EIO. */
	int (*commit)(void *be);
	/** Roll back. Must succeed on a transaction in any state. */
	int (*rollback)(void *be);

	/**
	 * Read lead @p id into @p out (reset and bound by the core): every
	 * field, list, note, the state (lc_lead_sys_state() and
	 * lc_state_set_stored()) and the bookkeeping (lc_lead_sys_set_meta()).
	 * LC_ENOTFOUND when there is none.
	 */
	int (*lead_get)(void *be, lc_id id, lc_lead *out);
	/** As lead_get(), by external id. */
	int (*lead_find)(void *be, const char *external_id, lc_lead *out);
	/**
	 * Insert a new lead with everything it holds (its version and
	 * timestamps set by the core), choose its id (> 0, never reused) and
	 * give it with lc_lead_sys_set_id(). LC_EEXISTS when its external id
	 * is taken.
	 */
	int (*lead_insert)(void *be, lc_lead *lead);
	/**
	 * Overwrite the given parts (`LC_STORAGE_PART_*`) of an existing lead,
	 * and always its version, recycled flag and touched_at. LC_ENOTFOUND when it does
	 * not exist, LC_EEXISTS when a new external id is taken.
	 */
	int (*lead_update)(void *be, const lc_lead *lead, unsigned int parts);
	/** Append a shared note to a lead. */
	int (*note_append)(void *be, lc_id lead, lc_time time, const char *author, const char *text);

	/**
	 * Append an event (its lead, seq and content set by the core); choose
	 * its id (> 0, increasing) and give it with lc_event_sys_set_id().
	 */
	int (*event_append)(void *be, lc_event *ev);
	/**
	 * Start iterating events of lead @p lead (0: every lead) whose id is
	 * greater than @p after, in increasing id order. Iterators may be
	 * opened outside a transaction and stay open while the same handle
	 * writes in later transactions; they must not fail because of that.
	 */
	int (*event_iter_open)(void *be, lc_id lead, lc_id after, void **cursor);
	/** Fill @p out (reset and bound by the core) with the next event. */
	int (*event_iter_next)(void *be, void *cursor, lc_event *out);

	/**
	 * Start iterating the leads a query matches in increasing id order.
	 * Apply every condition the lc_query getters report except
	 * lc_query_invalid() (the core applies that one and may pass a copy
	 * with no limit). The query lives until iter_close.
	 */
	int (*lead_iter_open)(void *be, const lc_query *q, void **cursor);
	/** Fill @p out (reset and bound by the core) with the next lead. */
	int (*lead_iter_next)(void *be, void *cursor, lc_lead *out);
	/** Close an event or lead iterator. */
	void (*iter_close)(void *be, void *cursor);

	/**
	 * Store model version @p version (1, 2, ... in order) as JSON text.
	 * LC_EEXISTS when that version exists.
	 */
	int (*model_put)(void *be, int64_t version, lc_time installed_at, const char *json);
	/**
	 * Read model version @p version: @p json receives text owned by the
	 * backend, valid until its next call. LC_ENOTFOUND when absent.
	 */
	int (*model_get)(void *be, int64_t version, const char **json, lc_time *installed_at);
	/** The newest model version stored, or 0 when none. */
	int (*model_latest)(void *be, int64_t *version);

	/**
	 * Read a metadata value: @p value receives text owned by the backend,
	 * valid until its next call. LC_ENOTFOUND when absent.
	 */
	int (*meta_get)(void *be, const char *key, const char **value);
	/** Write a metadata value (insert or replace); NULL deletes it. */
	int (*meta_set)(void *be, const char *key, const char *value);

	/**
	 * Insert (*id == 0: choose the id and store it in *id) or update an
	 * agent. LC_EEXISTS when the name is taken, LC_ENOTFOUND for an
	 * unknown id.
	 */
	int (*agent_put)(void *be, lc_id *id, const char *name, int active);
	/**
	 * Fill @p out (an empty "agents" table) with agents in id order
	 * (lc_table_sys_add_agent()): every agent when @p unit is 0, else the
	 * unit's members (LC_ENOTFOUND for an unknown unit).
	 */
	int (*agent_list)(void *be, lc_id unit, lc_table *out);
	/** Insert (*id == 0) or rename a unit. As agent_put(). */
	int (*unit_put)(void *be, lc_id *id, const char *name);
	/**
	 * Fill @p out (an empty "units" table) with units in id order
	 * (lc_table_sys_add_unit()): every unit when @p agent is 0, else the
	 * agent's units.
	 */
	int (*unit_list)(void *be, lc_id agent, lc_table *out);
	/**
	 * Make @p agent a member of @p unit (@p member non-zero) or not.
	 * Idempotent. LC_ENOTFOUND for an unknown unit or agent.
	 */
	int (*member_set)(void *be, lc_id unit, lc_id agent, int member);

	/* ---- version 1, optional (NULL: the core iterates) ---- */

	/**
	 * Count the leads a query matches (every condition but
	 * lc_query_invalid(), which the core never passes here; paging
	 * ignored), grouped by @p keys (none: one group), calling @p emit once
	 * per non-empty group in any order. A key is a state axis
	 * (LC_AXIS_MILESTONE, _STATUS, _PHASE, _STAGE, _LIFECYCLE: the state's
	 * key) or a record axis (LC_AXIS_OWNER and LC_AXIS_UNIT: the id as
	 * decimal text; LC_AXIS_SEGMENT, _SOURCE, _OWNER_GROUP, _TYPE,
	 * _CATEGORY, _PRIORITY: the field).
	 */
	int (*count_grouped)(void *be, const lc_query *q, const lc_axis *keys, size_t nkeys,
			     lc_group_emit_fn emit, void *ud);
	/**
	 * An agent's worklist for the day [@p day_start, @p day_end): the
	 * agent's leads, not recycled, overdue follow-ups first (oldest first),
	 * then follow-ups due (earliest first), then new leads (oldest id
	 * first), at most @p limit in all (0: no limit).
	 */
	int (*worklist)(void *be, lc_id agent, lc_time day_start, lc_time day_end, size_t limit,
			lc_worklist_emit_fn emit, void *ud);
	/**
	 * Insert @p n new leads, as lead_insert() each, and append each lead's
	 * creation event @p events[i] after setting its lead with
	 * lc_event_sys_set_lead(). All inside the core's transaction.
	 */
	int (*bulk_insert)(void *be, lc_lead *const *leads, lc_event *const *events, size_t n);
	/**
	 * A savepoint inside the core's write transaction (never nested):
	 * LC_STORAGE_SAVEPOINT_BEGIN marks the present, LC_STORAGE_SAVEPOINT_RELEASE
	 * forgets the mark (what was written since stays in the transaction),
	 * LC_STORAGE_SAVEPOINT_ROLLBACK undoes every write since the mark and
	 * forgets it. The importer marks each row, so that a row whose write
	 * fails is left out alone; without this slot such a failure ends the
	 * whole import.
	 */
	int (*savepoint)(void *be, int op);

	/* ---- version 2, optional (NULL: the core looks keys up one by one;
	 * the backend has no integrity check of its own; every write waits for
	 * its answer) ---- */

	/**
	 * Look many leads up by a text field at once (the importer's dedupe):
	 * @p ids[i] receives the smallest id of the leads, recycled or not,
	 * whose @p field is exactly @p keys[i] (byte for byte), or 0 when there
	 * is none; a NULL key finds none. @p field is LC_LEAD_EXTERNAL_ID or
	 * LC_LEAD_EMAIL. Sees the transaction's own writes.
	 */
	int (*lead_find_many)(void *be, lc_lead_text_field field, const char *const *keys, size_t n,
			      lc_id *ids);

	/**
	 * Run the backend's own integrity check (SQLite's `PRAGMA
	 * integrity_check` and `foreign_key_check`) inside the core's read
	 * transaction, calling @p emit once per problem found. Never writes.
	 * lc_db_verify() calls it before checking the records themselves.
	 * @return 0 when the check ran (whether or not it found problems), a
	 *         negative `LC_E...` when it could not run, or what @p emit returned.
	 */
	int (*integrity_check)(void *be, lc_integrity_emit_fn emit, void *ud);

	/**
	 * Write-behind, inside the core's write transaction (never nested, never
	 * around a savepoint): between LC_STORAGE_DEFER_BEGIN and _END the
	 * backend may send writes without waiting for their answers, give new
	 * leads and events their ids from blocks it reserved, and answer reads
	 * of what it wrote (or what lead_find_many() found) from memory. Reads
	 * still see every write. A write that fails late makes a later slot or
	 * _END fail (never with LC_ENOTFOUND, which a read would take for an
	 * answer), and then every write since _BEGIN is undone. The importer
	 * turns it on around a batch of rows and, on any failure, writes the
	 * batch again without it, row by row.
	 *
	 * @p op LC_STORAGE_DEFER_BEGIN marks the present; @p leads and
	 * @p events say how many of each the batch may create at most (to size
	 * id blocks; a hint). _END sends what is left, reads every answer and
	 * returns 0, or the late failure with everything since the mark undone.
	 * _ABORT undoes everything since the mark (the core saw a failure).
	 * Ids reserved and not used are a gap, as a rolled-back insert leaves.
	 */
	int (*defer)(void *be, int op, size_t leads, size_t events);
} lc_storage;

/** defer() op: start writing behind; mark the present. */
#define LC_STORAGE_DEFER_BEGIN 0
/** defer() op: send and check every delayed write; on failure undo to the mark. */
#define LC_STORAGE_DEFER_END 1
/** defer() op: undo every write since the mark and stop writing behind. */
#define LC_STORAGE_DEFER_ABORT 2

/** savepoint() op: mark the present. */
#define LC_STORAGE_SAVEPOINT_BEGIN 0
/** savepoint() op: keep what was written since the mark, forget the mark. */
#define LC_STORAGE_SAVEPOINT_RELEASE 1
/** savepoint() op: undo what was written since the mark, forget the mark. */
#define LC_STORAGE_SAVEPOINT_ROLLBACK 2

/** Static initialiser: version LC_STORAGE_VERSION, every slot NULL. */
#define LC_STORAGE_INIT { .version = LC_STORAGE_VERSION }

/**
 * Initialise a vtable for a given version: every slot NULL.
 * @param st The vtable.
 * @param version 1 .. LC_STORAGE_VERSION.
 * @return 0, LC_EINVAL (NULL), LC_EVERSION (0 or newer than this library).
 */
LC_API int lc_storage_init(lc_storage *st, unsigned int version);

/**
 * Register a backend under a URI scheme. The vtable is copied (as far as its
 * version reaches). Built-in schemes ("sqlite", "memory") cannot be replaced.
 * Thread-safe.
 * @param scheme Letters, digits, '+', '-' and '.', starting with a letter, at most 32 bytes.
 * @param vtable The backend.
 * @return 0, LC_EINVAL (bad scheme, NULL, a required slot NULL; the message
 *         names it), LC_EVERSION (version 0 or newer than this library),
 *         LC_EEXISTS (the scheme is taken), LC_ENOMEM.
 */
LC_API int lc_storage_register(const char *scheme, const lc_storage *vtable);

/**
 * Remove a registered backend. Stores already open with it keep working.
 * @param scheme The scheme.
 * @return 0, LC_EINVAL (NULL, a built-in scheme), LC_ENOTFOUND.
 */
LC_API int lc_storage_unregister(const char *scheme);

/**
 * The backend registered under a scheme, built-ins included, so that a
 * wrapper (logging, fault injection) can delegate to it.
 * @param scheme The scheme.
 * @return The library's copy of the vtable (valid until the scheme is
 *         unregistered; built-ins forever), or NULL when there is none.
 */
LC_API const lc_storage *lc_storage_get(const char *scheme);

/** @name Filling records (backends only)
 * @{ */

/**
 * Restore a state value read from a store: unlike lc_state_set(), a value
 * the state's model does not know is kept as text (and reported by
 * lc_validate_state()), and no other axis is derived.
 *
 * Backends that restore the same keys again and again pass @p hint, the
 * position @p key had in the state's model the last time (any value when
 * unknown). When the model's value at that position has exactly that key it
 * is used without a lookup; otherwise the key is looked up and @p hint
 * receives its position (-1 when the model does not know it). A hint is
 * checked before use, so a stale one (another model) only costs the lookup.
 * @param state The state.
 * @param axis LC_AXIS_MILESTONE, _STATUS, _STAGE, _PHASE or _LIFECYCLE.
 * @param key The stored key, or NULL to clear (@p hint is left alone).
 * @param[in,out] hint The remembered position, or NULL for none.
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes).
 */
LC_API int lc_state_set_stored(lc_state *state, lc_axis axis, const char *key, int32_t *hint);

/**
 * Restore a stage's entries read from a store. A stage the state's model
 * knows gets its entries; a stage it does not know (the lead was counted
 * under another model) is kept by key, as lc_state_set_stored() keeps
 * values, so that the lead and its history stay as they were. @p hint
 * remembers the stage's position as lc_state_set_stored()'s does (-1 when
 * the model does not know the stage, whose entries are then kept by key).
 * @param state The state.
 * @param stage_key The stored stage key.
 * @param entries The entries into the stage; 0 clears them.
 * @param[in,out] hint The remembered position, or NULL for none.
 * @return 0, LC_EINVAL (NULL), LC_ERANGE (a bad key, more than 16 unknown
 *         stages, more than 4294967295 entries).
 */
LC_API int lc_state_set_stored_entries(lc_state *state, const char *stage_key, size_t entries,
				       int32_t *hint);

/**
 * A state's stages with entries (non-zero), for a backend to store: the
 * model's stages in order, then those kept by lc_state_set_stored_entries().
 * A state has at most one per stage of its model and 16 more; a backend
 * reads them with a small array, @p first advancing by @p max until it
 * reaches the returned total.
 * @param state The state.
 * @param first The position of the first stage to give (0 for the first).
 * @param[out] stage_keys Receives up to @p max stage keys (positions @p first,
 *   @p first + 1, ...), owned by the state or its model.
 * @param[out] entries Receives their entries.
 * @param max Room in both arrays (0: only count).
 * @return How many stages with entries the state has in all (from its
 *   first, whatever @p first); 0 for a NULL state or NULL arrays with a @p max.
 */
LC_API size_t lc_state_sys_entries(const lc_state *state, size_t first, const char **stage_keys,
				   size_t *entries, size_t max);

/**
 * The model a state is bound to (to enumerate its stages' entries with
 * lc_state_stage_entries() and restore them with lc_state_set_stage_entries()).
 * @param state The state.
 * @return The model, or NULL for NULL.
 */
LC_API const lc_model *lc_state_sys_model(const lc_state *state);

/**
 * A record's state, writable, for a backend to restore.
 * @param lead The record (bound by the core).
 * @return The state, owned by the record; NULL when the record is unbound.
 */
LC_API lc_state *lc_lead_sys_state(lc_lead *lead);

/**
 * Give a new lead its id (lead_insert()).
 * @param lead The record.
 * @param id The id (> 0).
 * @return 0, LC_EINVAL.
 */
LC_API int lc_lead_sys_set_id(lc_lead *lead, lc_id id);

/**
 * Restore a record's bookkeeping.
 * @param lead The record.
 * @param id Its id (> 0).
 * @param version Its version (>= 1).
 * @param created_at Creation time.
 * @param touched_at Time of the last disposition, or LC_TIME_NONE.
 * @param recycled Non-zero when in the recycle bin.
 * @return 0, LC_EINVAL, LC_ERANGE (a time outside ::LC_TIME_MIN..::LC_TIME_MAX, or
 *         a version of INT64_MAX, which leaves no room for another change).
 */
LC_API int lc_lead_sys_set_meta(lc_lead *lead, lc_id id, int64_t version, lc_time created_at,
				lc_time touched_at, int recycled);

/**
 * Copy parts of one record into another, keeping the buffers @p dst already
 * has (a backend that keeps records in memory stops allocating once warm).
 * The bookkeeping (id, version, times, recycled) is copied with any part.
 * @param dst The record to fill.
 * @param src The record to copy.
 * @param parts `LC_STORAGE_PART_FIELDS` (text, amount, probability, start and
 *        expected completion dates, ownership, flags), `_LISTS` (every list
 *        but the notes), `_NOTES`, `_STATE` (the state, when both records
 *        are bound to the same model; the actual completion date when
 *        @p src is unbound), in any combination.
 * @return 0, LC_EINVAL (NULL, unknown parts, states bound to different
 *         models), LC_ENOMEM (@p dst keeps what was copied so far).
 */
LC_API int lc_lead_sys_copy(lc_lead *dst, const lc_lead *src, unsigned int parts);

/**
 * Append a shared note to a record being restored (oldest first).
 * @param lead The record.
 * @param time When it was written.
 * @param author Who wrote it, or NULL.
 * @param text The note.
 * @return 0, LC_EINVAL, LC_ERANGE (a time outside ::LC_TIME_MIN..::LC_TIME_MAX),
 *         LC_ENOMEM.
 */
LC_API int lc_lead_sys_add_note(lc_lead *lead, lc_time time, const char *author, const char *text);

/**
 * Give a new event its id (event_append()).
 * @param ev The event.
 * @param id The id (> 0).
 * @return 0, LC_EINVAL.
 */
LC_API int lc_event_sys_set_id(lc_event *ev, lc_id id);

/**
 * Set the lead of an event (bulk_insert()).
 * @param ev The event.
 * @param lead The lead's id (> 0).
 * @return 0, LC_EINVAL.
 */
LC_API int lc_event_sys_set_lead(lc_event *ev, lc_id lead);

/**
 * Restore an event's scalar fields (event_iter_next()).
 * @param ev The event (reset by the core).
 * @param id Its id.
 * @param lead Its lead.
 * @param seq Its place in the lead's history.
 * @param time When it happened.
 * @param kind What made it.
 * @param model_version The store version of the model that judged it, or 0.
 * @param outcome The disposition's outcome.
 * @param follow_up The disposition's follow-up, or LC_TIME_NONE.
 * @return 0, LC_EINVAL, LC_ERANGE (a time outside ::LC_TIME_MIN..::LC_TIME_MAX).
 */
LC_API int lc_event_sys_set_meta(lc_event *ev, lc_id id, lc_id lead, int64_t seq, lc_time time,
				 lc_event_kind kind, int64_t model_version, lc_outcome outcome,
				 lc_time follow_up);

/**
 * Restore a text field of an event.
 * @param ev The event.
 * @param field The field.
 * @param text The text (copied), or NULL.
 * @return 0, LC_EINVAL (also: not UTF-8), LC_ERANGE (an actor over 256
 *         bytes, another text over 1 MiB), LC_ENOMEM. A backend returns such a
 *         refusal from event_iter_next(): the core reports it as LC_ECORRUPT
 *         naming the event, and the next call goes on after it.
 */
LC_API int lc_event_sys_set_text(lc_event *ev, lc_event_text_field field, const char *text);

/**
 * Restore a value the event's disposition chose (lc_event_value()), kept as
 * text whether or not the current model knows it.
 * @param ev The event.
 * @param axis LC_AXIS_ACTION, _MILESTONE, _STATUS, _STAGE or _REASON.
 * @param key The key, or NULL.
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes), LC_EFORMAT (a
 *         key that is not valid UTF-8).
 */
LC_API int lc_event_sys_set_value(lc_event *ev, lc_axis axis, const char *key);

/**
 * The event's state before (@p after == 0) or after, writable, for a backend
 * to restore with lc_state_set_stored() and the lc_state setters.
 * @param ev The event (bound by the core).
 * @param after 0 for the state before, non-zero for the state after.
 * @return The state, owned by the event; NULL for NULL.
 */
LC_API lc_state *lc_event_sys_state(lc_event *ev, int after);

/**
 * Append an agent to the "agents" table agent_list() fills.
 * @param t The table the core passed to agent_list().
 * @param id The agent's id.
 * @param name Its name (copied into the table). A name the library refuses
 *        (empty, over 256 bytes, not UTF-8: a damaged store) is recorded as
 *        damage and 0 returned, so that the backend goes on with the other
 *        rows; lc_db_agents() reports it as LC_ECORRUPT.
 * @param active Non-zero when active.
 * @return 0, LC_EINVAL (NULL, id <= 0, a table of another kind), LC_ENOMEM.
 */
LC_API int lc_table_sys_add_agent(lc_table *t, lc_id id, const char *name, int active);

/**
 * Append a unit to the "units" table unit_list() fills.
 * @param t The table the core passed to unit_list().
 * @param id The unit's id.
 * @param name Its name (copied into the table); as lc_table_sys_add_agent().
 * @return 0, LC_EINVAL (NULL, id <= 0, a table of another kind), LC_ENOMEM.
 */
LC_API int lc_table_sys_add_unit(lc_table *t, lc_id id, const char *name);

/** @} */

LC_END_DECL

#endif
