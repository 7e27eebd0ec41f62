/*
 * The engine's objects: a state, a disposition and a violation list. Values
 * are held as indexes resolved against the bound model when they are set, so
 * that validation and transitions do no lookups and no allocation.
 *
 * Nothing here is exported. The engine includes only core/ and model/.
 */
#ifndef LC_ENGINE_INTERNAL_H
#define LC_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "core/table.h"
#include "leadcore/disposition.h"
#include "leadcore/state.h"
#include "leadcore/validate.h"
#include "model/model_internal.h"

/* A violation list holds at most this many entries; more are counted in
 * `dropped` so that validating never allocates. */
#define LC_VIOLATIONS_MAX 32
/* Bytes of one violation's message, the NUL included. */
#define LC_VIOLATION_MESSAGE_MAX 256

/* The axes a state holds a value on. */
#define LC__STATE_AXIS(a)                                                                  \
	((a) == LC_AXIS_MILESTONE || (a) == LC_AXIS_STATUS || (a) == LC_AXIS_STAGE ||      \
	 (a) == LC_AXIS_PHASE || (a) == LC_AXIS_LIFECYCLE)
/* The axes a disposition sets. */
#define LC__DISPOSITION_AXIS(a)                                                            \
	((a) == LC_AXIS_ACTION || (a) == LC_AXIS_MILESTONE || (a) == LC_AXIS_STATUS ||     \
	 (a) == LC_AXIS_STAGE || (a) == LC_AXIS_REASON)

/* How many counters of unknown stages a state keeps. */
#define LC_STATE_FOREIGN_COUNTS 16

struct lc_state {
	const lc_model *model;
	/* Per axis (indexed by lc_axis; action and reason stay -1): the value's
	 * index, or -1 when unset or unknown to the model. */
	int32_t idx[LC_AXIS_COUNT];
	/* The key of a value the model does not know (read back from a store
	 * under an older model); "" otherwise. Inline so that copying a state
	 * in lc_transition() never allocates. */
	char raw[LC_AXIS_COUNT][LC_KEY_MAX + 1];
	lc_time follow_up;
	lc_time completed_at;
	uint32_t flags;
	/* Entries per stage of the model (counts of repeatable stages). */
	uint32_t *counts;
	uint32_t nstages;
	/* Counters of stages the model does not know, kept from a store as the
	 * raw keys are, so that a lead read under another model keeps them
	 * (and its history still replays). Inline: copying never allocates. */
	struct lc_foreign_count {
		char key[LC_KEY_MAX + 1];
		uint32_t count;
	} foreign[LC_STATE_FOREIGN_COUNTS];
	uint32_t nforeign;
};

struct lc_disposition {
	const lc_model *model;
	int32_t idx[LC_AXIS_COUNT]; /* -1 when unset; phase and lifecycle stay -1 */
	lc_outcome outcome;
	lc_time follow_up;
	/* The note buffer is kept across lc_disposition_reset(). */
	char *note;
	size_t note_cap;
	bool has_note;
	char *actor;
	size_t actor_cap;
	bool has_actor;
};

typedef struct lc_violation {
	int code;
	const char *field; /* a static string */
	char message[LC_VIOLATION_MESSAGE_MAX];
} lc_violation;

struct lc_violations {
	size_t n;
	size_t dropped;
	lc_violation v[LC_VIOLATIONS_MAX];
	/* lc_violations_table(): views of the list, so reading allocates nothing. */
	lc_table table, summary;
};

/* Keep a value a store read back: resolved when the model knows it, else kept
 * as text with index -1 (lc_validate_state() reports it as unknown). Unlike
 * lc_state_set() it sets only @p axis, never the phase or life-cycle state,
 * because a store restores every axis itself. NULL clears the axis.
 * Returns 0, LC_EINVAL (NULL state, an axis a state does not hold, bad
 * UTF-8), LC_ERANGE (a key longer than LC_KEY_MAX). */
int lc__state_set_raw(lc_state *state, lc_axis axis, const char *key);

/* LC_ERANGE (naming fn) for more entries into a stage than a state keeps
 * (UINT32_MAX); 0 otherwise. */
int lc__state_entries_check(size_t entries, const char *fn);

/* Restore a stage counter read from a store: a stage the model knows gets
 * its counter (repeatable or not: the store's word is kept), another is kept
 * by key. 0 clears. LC_ERANGE past LC_STATE_FOREIGN_COUNTS unknown stages. */
int lc__state_set_stored_entries(lc_state *state, const char *stage_key, uint32_t count);

/* Counter i of a state, over the non-zero ones: the model's stages in order,
 * then the unknown ones as stored. Returns false past the last. */
bool lc__state_entries_at(const lc_state *state, size_t i, const char **key, uint32_t *count);

/* lc_state_equal() as a bool; with flags false the contact flags are left
 * aside (a lead record owns those). */
bool lc__state_same(const lc_state *a, const lc_state *b, bool flags);

/* Empty a state (as lc_state_new() leaves it), keeping its model and memory.
 * For modules that reuse states: use this rather than touching the fields. */
void lc__state_reset(lc_state *state);

/* The index of an axis's value, or -1 (unset or unknown). */
int32_t lc__state_index(const lc_state *state, lc_axis axis);

/* Find a value by key or label, case-insensitively: the model's hash when it
 * has one, else a scan (for models built by hand in tests). -1 when absent. */
int32_t lc__engine_find(const lc_model *m, lc_axis axis, const char *text);

/* The key of an axis ("status"); "value" for anything else. */
const char *lc__engine_axis_name(lc_axis axis);

/* Put the model's initial value on each of milestone, status and stage that
 * the state leaves unset (a new lead given only a status still starts at the
 * initial milestone, and is judged there). */
void lc__state_fill_initial(lc_state *state);

/* Judge a state a lead is created in (or given whole): lc_validate_state()'s
 * rules, a follow-up after `now` where a value requires one, and no legacy
 * (deprecated) value, since it is chosen anew. 0, LC_EINVALID (see out),
 * LC_EINVAL (a state bound to another model). */
int lc__validate_new_state(const lc_model *model, const lc_state *state, lc_time now,
			   lc_violations *out);

/* Whether the state forbids action `action` (an index of the model's
 * actions) as the engine would judge it: a value that blocks it, a value the
 * model does not know (for a contact action), the lead's do-not-call or
 * do-not-email flag, or a value that ends contact. */
bool lc__engine_forbids(const lc_model *m, const lc_state *s, int32_t action);

/* Whether a known value of the state (milestone, status, stage, phase or
 * life-cycle state) carries `flag` (LC_FLAG_*). */
bool lc__state_has_flag(const lc_state *s, uint32_t flag);

/* Whether the state says the sale is lost: a milestone, status or stage
 * closed lost (a stage through its phase too), or a life-cycle state flagged
 * lost. The funnel counts no progress into such a state. */
bool lc__state_closed_lost(const lc_state *s);

/* Whether the state holds a value its model does not know. */
bool lc__state_has_unknown(const lc_state *s);

/* The lead record's fields as the engine judges them (the engine knows no
 * lc_lead): its text fields (NULL when unset) and its attribute keys. */
typedef struct lc__record {
	const lc_state *state; /* the lead's state (bound to the judging model) */
	const char *text[LC_LEAD_TEXT_COUNT];
	size_t nattrs;
	const char *(*attr_key)(const void *ud, size_t i);
	const void *ud;
} lc__record;

/* Judge a record's governed fields (docs/engine.md, "The record"): a value
 * outside the model's list (LC_V_UNKNOWN_VALUE, field "source", "type",
 * "category" or "priority"), a required field left empty
 * (LC_V_FIELD_REQUIRED), an attribute the lead's type does not define
 * (LC_V_FIELD_NOT_ALLOWED, field "attributes") and an account on a lead
 * that is not won (LC_V_FIELD_NOT_ALLOWED, field "account"). 0 or
 * LC_EINVALID (error set; the violations are appended to out, which may be
 * NULL, after what it holds: the state's, when the whole lead is judged). */
int lc__validate_record(const lc_model *m, const lc__record *r, lc_violations *out);

/* Whether a lead in state s may hold an account (seed 003: "the account
 * details of contact that became a customer through a won lead"): always
 * in a model without a life-cycle state flagged won, else only while its
 * life-cycle state is flagged won or completed. */
bool lc__record_may_have_account(const lc_model *m, const lc_state *s);

/* Whether the model may list the values of a text field: 1 with its axis
 * in *axis (LC_LEAD_SOURCE -> LC_AXIS_SOURCE, ...), else 0. */
int lc__record_listed_axis(lc_lead_text_field field, lc_axis *axis);

/* Append a violation; beyond LC_VIOLATIONS_MAX it is only counted. The
 * message is formatted only here, on the violation path. v may be NULL. */
void lc__violations_clear(lc_violations *v);
/* The key of a violation code ("combination_not_allowed"; "unknown"). */
const char *lc__violation_key(int code);
void lc__violations_add(lc_violations *v, int code, const char *field, const char *fmt, ...)
	LC_PRINTF(4, 5);

#endif
