/*
 * The in-memory form of a model, shared by src/model (which builds it from
 * JSON or the builder and checks it) and src/engine (which reads it). Built
 * once, immutable after; every index is into the same model's arrays.
 *
 * Nothing here is exported. The engine must never include store headers.
 */
#ifndef LC_MODEL_INTERNAL_H
#define LC_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "leadcore/lead.h"
#include "leadcore/model.h"

/* At most 64 actions, so that "which actions a value blocks" is one word. */
#define LC_MAX_ACTIONS 64
/* At most this many values on any other axis. */
#define LC_MAX_VALUES 1024
/* At most this many aliases a value ("Lost Lead" for Lose Lead). */
#define LC_MAX_ALIASES 8

/* What choosing a value demands of the disposition (lc_value.requires). */
#define LC_REQ_FOLLOW_UP (1u << 0) /* a follow-up time after `now` */
#define LC_REQ_REASON (1u << 1)    /* a reason from the model's list */
#define LC_REQ_NOTE (1u << 2)      /* a non-empty note */

/* The slots of lc_model.axes: indexed by lc_axis, the model axes and the
 * record axes whose values a model may list (source, type, category,
 * priority; docs/model-format.md). Slots of other record axes stay empty. */
#define LC__AXIS_SLOTS (LC_AXIS_PRIORITY + 1)
/* Whether a model holds values on the axis: a model axis or a listed record axis. */
#define LC__AXIS_VALUED(a)                                                                 \
	(((int)(a) >= 0 && (a) < LC_AXIS_COUNT) || (a) == LC_AXIS_SOURCE ||                \
	 (a) == LC_AXIS_TYPE || (a) == LC_AXIS_CATEGORY || (a) == LC_AXIS_PRIORITY)
/* At most this many attributes a type defines. */
#define LC_MAX_TYPE_ATTRS 64

/* An attribute a lead type defines (seed 003: "Type determines the
 * attributes available for leads and their default values"). */
typedef struct lc_type_attr {
	char *key;
	char *def; /* the default value, or NULL for none */
} lc_type_attr;

typedef struct lc_value {
	char *key;         /* lowercase snake_case, unique within the axis */
	char *label;       /* as a person reads it */
	/* Other names a lookup accepts (a seed's own wording); may be NULL. */
	char **aliases;
	uint32_t naliases;
	char *description; /* never NULL ("" when none) */
	uint32_t flags;    /* LC_FLAG_* */
	/* One level up: stage -> phase, status -> life-cycle state,
	 * reason -> the (closed) stage it leads to; -1 when none. */
	int32_t parent;
	uint32_t requires; /* LC_REQ_* */
	/* Bit i set: this value (milestone, status or stage, when it is the
	 * lead's current value or the new one) forbids action i. */
	uint64_t blocks;
	/* Reasons only: which outcomes may use it (bit = 1u << LC_OUTCOME_*),
	 * and whether it serves as a lost reason. */
	uint32_t reason_outcomes;
	bool lost_reason;
	/* Types only: the attributes a lead of this type may have; has_attrs
	 * is false when the model leaves the type's attributes free. */
	lc_type_attr *attrs;
	uint32_t nattrs;
	bool has_attrs;
	/* Stages only: bit i set when the stage may be held in life-cycle state
	 * i ("lifecycles"); 0 when the stage is tied to none. */
	uint64_t lifecycles;
} lc_value;

/* At most this many life-cycle states a stage can be tied to (one word). */
#define LC_MAX_TIED_LIFECYCLES 64

/* A life-cycle crossing: `action` moves a lead from life-cycle state `from`
 * to `to`. from/to -1 mean "any". Crossing without a matching row is refused. */
typedef struct lc_crossing {
	int32_t action;
	int32_t from;
	int32_t to;
} lc_crossing;

typedef struct lc_axis_values {
	lc_value *v;
	uint32_t n;
	/* Optional explicit transition table on this axis: n*n bytes,
	 * table[from*n + to] != 0 when allowed; NULL = no table. */
	uint8_t *transitions;
} lc_axis_values;

struct lc_model {
	char *name;
	char *description;
	int64_t version;
	lc_axis_values axes[LC__AXIS_SLOTS];
	/* The lead record's text fields (LC_LEAD_*) a lead must have: bit f. */
	uint32_t required_fields;

	/* Links: milestone x status. links[m * nstatus + s] != 0 when allowed.
	 * A milestone whose row has no entry in the JSON allows every status
	 * (linked[m] == false and its row is all ones). */
	uint8_t *links;
	bool *linked;

	lc_crossing *crossings;
	uint32_t ncrossings;

	/* Outcomes (seed 001) act on one ordered axis: LC_AXIS_STAGE, or
	 * LC_AXIS_MILESTONE, or -1 when the model has no outcomes. */
	int32_t outcome_axis;
	/* How many values one progressing/go_back step may skip; -1 = no cap. */
	int32_t max_skip;
	/* When true, changing the outcome axis requires an outcome. */
	bool outcome_required;

	/* Rules as sentences, for lc_model_rules(). */
	char **rules;
	uint32_t nrules;

	/* Lookup: open-addressing hash over lowercase keys and labels, per axis. */
	struct lc_model_index *index;
};

/* A closed value carries LC_FLAG_CLOSED and its kind, LC_FLAG_WON or
 * LC_FLAG_LOST. The kind of value i of axis a: its own when it is closed,
 * else (a stage) its phase's; 0 when open. */
static inline uint32_t lc__closed_kind(const lc_model *m, lc_axis a, int32_t i)
{
	const lc_value *v = &m->axes[a].v[i];

	if (!(v->flags & LC_FLAG_CLOSED) && a == LC_AXIS_STAGE && v->parent >= 0)
		v = &m->axes[LC_AXIS_PHASE].v[v->parent];
	if (!(v->flags & LC_FLAG_CLOSED))
		return 0;
	return v->flags & LC_FLAG_WON ? LC_FLAG_WON : LC_FLAG_LOST;
}

/* What a DOT picture shows on its nodes (src/report draws a store's model
 * with them): per axis, one count a value and the invalid leads a value
 * (NULL: none drawn); cells, milestone x status counts (NULL: none). */
typedef struct lc__dot_counts {
	const size_t *value[LC_AXIS_COUNT];
	const size_t *invalid[LC_AXIS_COUNT];
	const size_t *cells;
} lc__dot_counts;

/* The model as a Graphviz digraph that shows its rules (src/model/dot.c);
 * counts may be NULL. Returns 0 or LC_ENOMEM; *out freed with lc_free(). */
int lc__model_dot(const lc_model *m, const lc__dot_counts *counts, char **out, size_t *len);

/* Find a value by key or label, case-insensitively; -1 when absent. Does not
 * set the last error. */
int32_t lc__model_find(const lc_model *m, lc_axis axis, const char *key_or_label);

/* Sets LC_ENOTFOUND with a sentence naming the axis, the text and the first
 * keys of the axis ("status 'Hott' is not in model leadmanager; use one of:
 * new, attempted_contact, ..."), and returns LC_ENOTFOUND. */
int lc__model_not_found(const lc_model *m, lc_axis axis, const char *text);

/* The keys of the lead record's text fields (lc_lead_text_name()): the
 * model names them (required fields), the record spells them. */
extern const char *const lc__lead_text_keys[LC_LEAD_TEXT_COUNT];

#endif
