/*
 * The store's objects (events, queries, lists, reports, migration maps) and
 * the backend registry. Nothing here is exported.
 *
 * Built-in backends define `const lc_storage lc__storage_<name>`; the memory
 * backend (src/store/memory/) is compiled in when its folder exists.
 */
#ifndef LC_STORE_INTERNAL_H
#define LC_STORE_INTERNAL_H

#include <stdbool.h>

#include "core/core.h"
#include "core/table.h"
#include "db_internal.h"
#include "lead/lead_internal.h"
#include "leadcore/sys/storage.h"

extern const lc_storage lc__storage_sqlite;
#ifdef LC_HAVE_MEMORY_BACKEND
extern const lc_storage lc__storage_memory;
#endif
#ifdef LC_HAVE_POSTGRES_BACKEND
extern const lc_storage lc__storage_postgres;
#endif

/* Longest actor or agent/unit name. */
#define LC_NAME_MAX 256

struct lc_event {
	lc_id id;
	lc_id lead;
	int64_t seq;
	lc_time time;
	lc_event_kind kind;
	int64_t model_version;
	lc_outcome outcome;
	lc_time follow_up;
	lc__str text[3]; /* lc_event_text: actor, note, rule */
	/* What the disposition chose, per axis (action, milestone, status,
	 * stage, reason); "" when unset. Inline: no allocation per event. */
	char value[LC_AXIS_COUNT][LC_KEY_MAX + 1];
	const lc_model *model;
	lc_state *before;
	lc_state *after;
};

/* Events: new (bound to model), reset (keeps binding and buffers), free,
 * rebind to another model (states emptied). */
int lc__event_new(lc_event **out, const lc_model *model);
void lc__event_reset(lc_event *ev);
void lc__event_free(lc_event *ev);
int lc__event_bind(lc_event *ev, const lc_model *model);

struct lc_query {
	lc__str value[LC_AXIS_COUNT];
	lc__str text[LC_LEAD_TEXT_COUNT];
	lc_id agent;
	lc_id unit;
	bool has_follow_up;
	lc_time follow_up_from, follow_up_to;
	bool has_created;
	lc_time created_from, created_to;
	lc_recycled_filter recycled;
	lc__str attr_key;
	lc__str attr_value;
	bool invalid;
	bool stored_values; /* values are stored keys, matched as they are */
	uint32_t value_flags; /* LC_FLAG_* a value of the state must carry */
	lc_id after;
	size_t limit;
};

/* Conditions the core applies after the backend's query: only invalid
 * leads, or leads with a value flagged so. Backends ignore them. */
#define LC__QUERY_CORE_FILTER(q) ((q)->invalid || (q)->value_flags)

int lc__query_copy(lc_query *dst, const lc_query *src);
/* Whether a record matches every condition of q but `invalid` and paging
 * (the core's fallback for optional slots, and the memory backend's filter). */
bool lc__query_match(const lc_query *q, const lc_lead *lead);

/* An empty "agents" (id, name, active) or "units" (id, name) table, which
 * the backends fill with lc_table_sys_add_agent/unit(). */
int lc__parties_new(lc_table **out, bool agents);

typedef struct lc__report_row {
	int code;
	char *field;
	char *value;
	int64_t leads;
} lc__report_row;

typedef struct lc__upgrade {
	int64_t checked;
	int64_t invalid;
	lc__report_row *rows;
	size_t n, cap;
} lc__upgrade;

int lc__report_new(lc__upgrade **out);
void lc__report_free(lc__upgrade *r);
/* The report as the table lc_db_model_dry_run() gives. */
int lc__report_table(const lc__upgrade *r, lc_table **out);
/* Count one more lead under (code, field, value), adding a row when new. */
int lc__report_add(lc__upgrade *r, int code, const char *field, const char *value);

typedef struct lc__migration_rule {
	lc_axis axis;
	char *from;
	char *to;
} lc__migration_rule;

struct lc_migration {
	lc__migration_rule *rules;
	size_t n, cap;
};

/* The backend registered under a scheme (builtins included), copied into
 * *out; LC_ENOTFOUND when none. */
int lc__storage_lookup(const char *scheme, size_t len, lc_storage *out);

/* Map a backend slot's failure to a message when it set none. */
int lc__store_fail(int rc, const char *what);
/* A record read back from the store that the library's own setters refuse
 * (LC_EINVAL, LC_ERANGE, LC_EFORMAT: bad UTF-8, too long, out of range) was
 * not written by the library: LC_ECORRUPT naming lead ID. Other codes go
 * through lc__store_fail(). */
int lc__store_read_fail(int rc, const char *what, lc_id id);
/* As lc__store_read_fail() for any record, named by `record` ("event 7 of
 * lead 2"; NULL when unknown), and for a backend's own LC_ECORRUPT too. */
int lc__store_damaged(int rc, const char *what, const char *record);

/* Replaying a lead's history event by event (lc_db_replay(), lc_db_verify()).
 * `state` is where the replay has got to; `problem` names what a failure
 * found: "history" (a gap, an event that does not start where the previous
 * one ended) or "replay" (a disposition that does not give what it recorded). */
typedef struct lc__replay {
	int64_t seq;
	lc_state *state;
	lc_disposition *d;
	lc_state *next;
	const char *problem;
} lc__replay;

/* Start a replay into `out` (bound to the current model), emptied. */
int lc__replay_init(lc_db *db, lc__replay *r, lc_state *out);
/* The next event of the lead: LC_ECORRUPT (with a message naming the lead and
 * the event, and r->problem set) when the history is broken there. */
int lc__replay_event(lc_db *db, lc__replay *r, const lc_event *ev);
void lc__replay_free(lc__replay *r);

/* The id of the lead the iterator read last (one that failed included). */
lc_id lc__lead_iter_id(const lc_lead_iter *it);

#endif
