/*
 * The lead record's insides. Text buffers and list entries keep their memory
 * across lc_lead_reset(), so that a store reading lead after lead into one
 * record (the apply hot path, iterators) stops allocating once warm.
 *
 * Nothing here is exported. The record knows nothing of storage.
 */
#ifndef LC_LEAD_INTERNAL_H
#define LC_LEAD_INTERNAL_H

#include <stdbool.h>

#include "core/core.h"
#include "leadcore/lead.h"

/* A reusable string: p has cap bytes; set says whether it holds a value. */
typedef struct lc__str {
	char *p;
	size_t cap;
	bool set;
} lc__str;

/* One list entry. products: a = name, b = note; team, competitors: a;
 * activities: a = what, b = who, t = when; attributes: a = key, b = value;
 * notes: a = text, b = author, t = time. */
typedef struct lc__entry {
	lc__str a;
	lc__str b;
	lc_time t;
} lc__entry;

/* Entries [0, n) are live; [n, cap) keep their buffers for reuse. */
typedef struct lc__list {
	lc__entry *v;
	size_t n;
	size_t cap;
} lc__list;

/* The model's judgement of a lead's governed fields (lc__validate_record)
 * under model m, with state (bound to m) standing for the lead's own: the
 * violations are appended to out (may be NULL). 0 or LC_EINVALID. */
int lc__lead_judge_record(const lc_model *m, const lc_lead *lead, const lc_state *state,
			  lc_violations *out);

/* Flags a caller may set on the record. */
#define LC__LEAD_SETTABLE_FLAGS (LC_LEAD_DO_NOT_CALL | LC_LEAD_DO_NOT_EMAIL | LC_LEAD_AUTOMATION_STOPPED)
/* Flags mirrored into the state, where the engine reads them. */
#define LC__LEAD_STATE_FLAGS (LC_LEAD_DO_NOT_CALL | LC_LEAD_DO_NOT_EMAIL)

struct lc_lead {
	lc_id id;
	int64_t version;
	lc_time created_at;
	lc_time touched_at;
	bool recycled;

	lc__str text[LC_LEAD_TEXT_COUNT];
	int32_t probability; /* -1 unset */
	int64_t amount;
	char currency[4]; /* "" when no amount */
	/* Key dates; the actual completion lives in the state while bound. */
	lc_time dates[LC_LEAD_DATE_COUNT];
	lc_id unit;
	lc_id agent;
	uint32_t flags; /* LC__LEAD_SETTABLE_FLAGS only */

	lc__list lists[LC_LEAD_LIST_COUNT];

	const lc_model *model;
	lc_state *state; /* NULL while unbound */
};

/* Reusable strings, shared with the store's event object. */
int lc__str_set(lc__str *s, const char *text);
void lc__str_clear(lc__str *s);
void lc__str_free(lc__str *s);
static inline const char *lc__str_get(const lc__str *s)
{
	return s->set ? s->p : NULL;
}

/* Append a note without the checks of a public setter (the store checked). */
int lc__lead_add_note(lc_lead *lead, lc_time time, const char *author, const char *text);

/* Copy every field, list and the state from src into dst (dst keeps its
 * buffers), binding dst to src's model when src is bound. */
int lc__lead_copy(lc_lead *dst, const lc_lead *src);

/* Parts for lc__lead_copy_parts(); the bookkeeping always goes along. */
#define LC__LEAD_COPY_FIELDS (1u << 0) /* text, amount, dates but the actual completion, ownership, flags */
#define LC__LEAD_COPY_LISTS (1u << 1)  /* every list but the notes */
#define LC__LEAD_COPY_NOTES (1u << 2)
#define LC__LEAD_COPY_STATE (1u << 3) /* the state (same model), or the actual completion */
#define LC__LEAD_COPY_ALL 0xfu

/* Copy parts of src into dst without rebinding: states are copied only
 * when both are bound (to the same model). */
int lc__lead_copy_parts(lc_lead *dst, const lc_lead *src, unsigned int parts);

/* Whether two bound records hold the same state (values, follow-up,
 * completion, counters), flags aside. */
bool lc__lead_state_same(const lc_state *a, const lc_state *b);

#endif
