/*
 * The workflow module's insides: the parsed rule set, condition and effect
 * evaluation, and the glue to the store (install, the apply hook). Nothing
 * here is exported. The module works through the public lc_db API plus the
 * internal writers of store/db_internal.h, so that every effect joins the
 * transaction of the lead it acts on.
 */
#ifndef LC_WORKFLOW_INTERNAL_H
#define LC_WORKFLOW_INTERNAL_H

#include <stdbool.h>

#include "core/core.h"
#include "core/table.h"
#include "leadcore/workflow.h"

/* A list of strings; `has_null` when the JSON list held null ("unset"). */
typedef struct wf_strs {
	char **v;
	size_t n;
	bool has_null;
	bool present;
} wf_strs;

/* A tri-state test: -1 not tested, 0 must be false, 1 must be true. */
typedef struct wf_cond {
	int64_t min_age, max_age, min_idle, max_idle; /* -1 when absent */
	int assigned, contactable, callable, emailable, worked, follow_up, overdue;
	wf_strs source, segment, milestone, status, stage;
	struct wf_cond *any; /* any of these (OR) */
	size_t nany;
	struct wf_cond *not; /* none of this */
} wf_cond;

typedef enum wf_effect_kind {
	WF_SET = 1,
	WF_RECYCLE,
	WF_ASSIGN,
	WF_FOLLOW_UP,
	WF_SEGMENT,
	WF_STOP_AUTOMATION
} wf_effect_kind;

typedef struct wf_effect {
	wf_effect_kind kind;
	char *action;    /* WF_SET, WF_FOLLOW_UP: the disposition's action (NULL: lead_update) */
	char *milestone; /* WF_SET */
	char *status;
	char *stage;
	char *note;      /* WF_SET, WF_FOLLOW_UP */
	int64_t offset;  /* WF_FOLLOW_UP: seconds after now */
	char *segment;   /* WF_SEGMENT: NULL clears */
	char *unit;      /* WF_ASSIGN: NULL = every active agent */
	int64_t quota;   /* WF_ASSIGN: the day's call list length to top up to; -1: none */
} wf_effect;

typedef struct wf_rule {
	char *name;
	char *group; /* first matching rule of a group wins; NULL: no group */
	bool event;
	/* Event rules: which disposition values trigger it (ANDed across axes). */
	wf_strs on_action, on_milestone, on_status, on_stage;
	wf_cond cond;
	wf_effect *effects;
	size_t neffects;
} wf_rule;

struct lc_ruleset {
	char *name;
	int64_t version;
	char *json;
	wf_rule *rules;
	size_t nrules;
	/* "segments": the ranked segments, best first; every other segment, and
	 * none, ranks `other_rank` (the list's null, else after the list). */
	char **segments;
	size_t nsegments;
	size_t other_rank;
};

/* The most leads a day one agent may be topped up to (lc_assign's quota). */
#define WF_QUOTA_MAX 100000

/* A segment's rank in a rule set, 0 best (0 for every lead without one). */
size_t lc__wf_segment_rank(const lc_ruleset *rs, const char *segment);

/* Effect names, indexed by wf_effect_kind. */
const char *lc__wf_effect_name(wf_effect_kind k);

/* Check every value a rule set names against the store's model and units. */
int lc__wf_check_against(lc_db *db, const lc_ruleset *rs);

/* The rule set in force, parsed (NULL with 0 when none is installed). The
 * caller frees it. */
int lc__wf_load_current(lc_db *db, lc_ruleset **out, int64_t *version);

/* Attach the event-rule hook to a store (idempotent), and make it read the
 * rule set in force again at the next apply. */
void lc__wf_attach(lc_db *db);
/* The store plugin's on_open (src/plugins.c): a store with a rule set runs
 * its event rules from the start. */
void lc__wf_db_open(lc_db *db);
/* The store plugin's verify: every stored rule set version loads. */
typedef struct lc__verify lc__verify;
int lc__wf_verify(lc_db *db, lc__verify *v, int64_t *count);
void lc__wf_refresh(lc_db *db);

/* Contactability of a lead under its model. */
bool lc__wf_callable(const lc_lead *lead);
/* Automation is stopped for the lead: its record's flag, a value of its state
 * flagged automation_stopped (Lead to Review), or a value the model does not
 * know (which never unblocks anything). Recycled leads count as stopped. */
bool lc__wf_stopped(const lc_lead *lead);
bool lc__wf_emailable(const lc_lead *lead);

/* Evaluate a condition on a lead at `now`. */
bool lc__wf_cond_match(const wf_cond *c, const lc_lead *lead, lc_time now);

/* Within one sweep, the assign effects that found every agent at its quota,
 * so that the leads after them do not count every list again. A list that a
 * later rule shortens waits for the next sweep: the safe side of a quota. */
typedef struct wf_full {
	const wf_effect *e[8];
	size_t n;
} wf_full;

/* Run one rule's effects on a lead inside the caller's write transaction.
 * `lead` is re-read after each effect. `row` is called for each effect that
 * changed something (may be NULL); `full` may be NULL. */
typedef void (*wf_row_fn)(void *ud, lc_id lead, const char *rule, wf_effect_kind k);
int lc__wf_run_effects(lc_db *db, const wf_rule *r, lc_lead *lead, lc_time now, wf_full *full,
		       wf_row_fn row, void *ud, wf_effect_kind *failed);

/* Whether a lead belongs on a call list for the day that ends at `day_end`:
 * it can be called and was never worked, or has a follow-up before then. */
bool lc__wf_listable(const lc_lead *lead, lc_time day_end);

/* An agent's load: the length of its call list for the day containing `now`,
 * inside the caller's transaction. */
int lc__wf_day_load(lc_db *db, lc_id agent, lc_time now, int64_t *load);

/* Round-robin pick of an active agent of a unit (NULL: every agent), advancing
 * the cursor kept in the store's metadata, skipping agents whose call list at
 * `now` holds `quota` leads or more (quota < 0: no limit). *agent is 0 when
 * every active agent is full; LC_ESTATE when nobody is active. */
int lc__wf_round_robin(lc_db *db, const char *unit, int64_t quota, lc_time now, lc_id *agent);

/* Assign a lead to an agent inside the caller's transaction, naming the rule. */
int lc__wf_assign_lead(lc_db *db, lc_lead *lead, lc_id agent, const char *actor,
		       const char *rule);

#endif
