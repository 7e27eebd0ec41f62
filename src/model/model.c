/* lc_model: axis and outcome names, queries, the lookup index, freeing. */
#include <string.h>

#include "core/table.h"
#include "model/model_priv.h"

static const char *const axis_names[LC_AXIS_COUNT] = {
	"action", "milestone", "status", "phase", "stage", "lifecycle", "reason",
};

const char *const lc__axis_plural[LC__AXIS_SLOTS] = {
	"actions", "milestones", "statuses", "phases", "stages", "lifecycles", "reasons",
	[LC_AXIS_SOURCE] = "sources", [LC_AXIS_TYPE] = "types",
	[LC_AXIS_CATEGORY] = "categories", [LC_AXIS_PRIORITY] = "priorities",
};

const char *const lc__lead_text_keys[LC_LEAD_TEXT_COUNT] = {
	"external_id", "name",       "email",  "phone",       "company",
	"type",        "category",   "priority", "importance", "source",
	"lost_reason", "owner_group", "segment", "account",
};

const char *const lc__flag_names[LC__FLAG_COUNT] = {
	"terminal", "not_reportable", "deprecated", "ready_for_contact", "automation_stopped",
	"reengage_eligible", "repeatable", "ends_contact", "contact", "phone",
	"email", "won", "lost", "completed", "closed", "initial",
};

const char *const lc__require_names[3] = { "follow_up", "reason", "note" };

static const char *const outcome_names[] = {
	"none", "progressing", "go_back", "exiting", "problem", "no_change", "no_contact",
};

/* The record axes, LC_AXIS_OWNER onwards, and other spellings people use. */
static const char *const record_axis_names[] = { "owner",	    "unit", "segment",
						 "source",	    "owner_group", "type",
						 "category", "priority" };
static const struct {
	const char *name;
	lc_axis axis;
} axis_aliases[] = { { "agent", LC_AXIS_OWNER },
		     { "life_cycle", LC_AXIS_LIFECYCLE },
		     { "life-cycle", LC_AXIS_LIFECYCLE },
		     { "owner-group", LC_AXIS_OWNER_GROUP } };

const char *lc_axis_name(lc_axis axis)
{
	if ((int)axis >= 0 && axis < LC_AXIS_COUNT)
		return axis_names[axis];
	if (axis >= LC_AXIS_OWNER && axis <= LC_AXIS_PRIORITY)
		return record_axis_names[axis - LC_AXIS_OWNER];
	return NULL;
}

int lc_axis_parse(const char *name, lc_axis *out)
{
	LC__ARG(name, "name");
	LC__ARG(out, "out");
	for (int i = 0; i < LC_AXIS_COUNT; i++) {
		if (lc__streq_nocase(name, axis_names[i]) || lc__streq_nocase(name, lc__axis_plural[i])) {
			*out = (lc_axis)i;
			return 0;
		}
	}
	for (int i = LC_AXIS_OWNER; i <= LC_AXIS_PRIORITY; i++)
		if (lc__streq_nocase(name, record_axis_names[i - LC_AXIS_OWNER]) ||
		    (lc__axis_plural[i] && lc__streq_nocase(name, lc__axis_plural[i]))) {
			*out = (lc_axis)i;
			return 0;
		}
	for (size_t i = 0; i < LC_ARRAY_LEN(axis_aliases); i++)
		if (lc__streq_nocase(name, axis_aliases[i].name)) {
			*out = axis_aliases[i].axis;
			return 0;
		}
	return lc__error(LC_ENOTFOUND,
			 "'%.64s' is not an axis; use action, milestone, status, phase, stage, "
			 "lifecycle, reason, owner, unit, segment, source, owner_group, type, "
			 "category or priority",
			 name);
}

const char *lc_outcome_name(lc_outcome outcome)
{
	if ((int)outcome < 0 || (size_t)outcome >= LC_ARRAY_LEN(outcome_names))
		return NULL;
	return outcome_names[outcome];
}

/* Compare ignoring ASCII case and treating ' ', '-' and '_' alike, so that
 * "Go back", "go-back" and "go_back" all match. */
static bool outcome_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x == ' ' || x == '-')
			x = '_';
		if (y == ' ' || y == '-')
			y = '_';
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

int lc_outcome_parse(const char *name, lc_outcome *out)
{
	LC__ARG(name, "name");
	LC__ARG(out, "out");
	for (size_t i = 0; i < LC_ARRAY_LEN(outcome_names); i++) {
		if (outcome_eq(name, outcome_names[i])) {
			*out = (lc_outcome)i;
			return 0;
		}
	}
	return lc__error(LC_ENOTFOUND,
			 "'%.64s' is not an outcome; use progressing, go_back, exiting, problem, "
			 "no_change, no_contact or none",
			 name);
}

/* ---- lookup index ---- */

struct lc_model_index {
	uint32_t mask[LC__AXIS_SLOTS];   /* capacity - 1 (capacity a power of two) */
	int32_t *slots[LC__AXIS_SLOTS]; /* (value << 4) | text; -1 empty; NULL: no values */
};

static uint32_t hash_nocase(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		unsigned c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 16777619u;
	}
	return h;
}

/* An entry names a value and one of its texts: 0 the key, 1 the label,
 * 2 + k its alias k. */
#define ENTRY_SHIFT 4

static const char *value_text(const lc_value *v, uint32_t t)
{
	return t == 0 ? v->key : t == 1 ? v->label : v->aliases[t - 2];
}

static const char *entry_text(const lc_model *m, lc_axis axis, int32_t e)
{
	return value_text(&m->axes[axis].v[e >> ENTRY_SHIFT], (uint32_t)e & ((1u << ENTRY_SHIFT) - 1));
}

static void index_insert(lc_model *m, lc_axis axis, int32_t vi, uint32_t t)
{
	struct lc_model_index *ix = m->index;
	const char *text = value_text(&m->axes[axis].v[vi], t);
	uint32_t i;

	if (!text)
		return;
	i = hash_nocase(text) & ix->mask[axis];
	for (;; i = (i + 1) & ix->mask[axis]) {
		int32_t e = ix->slots[axis][i];
		if (e < 0) {
			ix->slots[axis][i] = (int32_t)(((uint32_t)vi << ENTRY_SHIFT) | t);
			return;
		}
		if (lc__streq_nocase(entry_text(m, axis, e), text))
			return; /* first value wins; the reader reports the clash */
	}
}

static void index_free(struct lc_model_index *ix)
{
	if (!ix)
		return;
	for (int a = 0; a < LC__AXIS_SLOTS; a++)
		lc__free(ix->slots[a]);
	lc__free(ix);
}

int lc__model_index_build(lc_model *m)
{
	struct lc_model_index *ix = lc__calloc(1, sizeof *ix);
	if (!ix)
		return LC_ENOMEM;
	index_free(m->index);
	m->index = ix;
	for (int a = 0; a < LC__AXIS_SLOTS; a++) {
		uint32_t n = m->axes[a].n, cap = 8, texts = 2 * n;
		if (!LC__AXIS_VALUED(a))
			continue;
		for (uint32_t i = 0; i < n; i++)
			texts += m->axes[a].v[i].naliases;
		/* at most half full */
		while (cap < 2 * texts)
			cap <<= 1;
		ix->slots[a] = lc__malloc(cap * sizeof(int32_t));
		if (!ix->slots[a])
			return LC_ENOMEM;
		memset(ix->slots[a], 0xff, cap * sizeof(int32_t));
		ix->mask[a] = cap - 1;
		/* keys first, so that a key is never shadowed by another value's label */
		for (uint32_t i = 0; i < n; i++)
			index_insert(m, (lc_axis)a, (int32_t)i, 0);
		for (uint32_t i = 0; i < n; i++)
			index_insert(m, (lc_axis)a, (int32_t)i, 1);
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t k = 0; k < m->axes[a].v[i].naliases; k++)
				index_insert(m, (lc_axis)a, (int32_t)i, 2 + k);
	}
	return 0;
}

int32_t lc__model_find_entry(const lc_model *m, lc_axis axis, const char *text, bool *is_label)
{
	const struct lc_model_index *ix;
	uint32_t i;

	if (!m || !text || !LC__AXIS_VALUED(axis) || !m->index)
		return -1;
	ix = m->index;
	i = hash_nocase(text) & ix->mask[axis];
	for (;; i = (i + 1) & ix->mask[axis]) {
		int32_t e = ix->slots[axis][i];
		if (e < 0)
			return -1;
		if (lc__streq_nocase(entry_text(m, axis, e), text)) {
			if (is_label)
				*is_label = (e & ((1 << ENTRY_SHIFT) - 1)) != 0;
			return e >> ENTRY_SHIFT;
		}
	}
}

int32_t lc__model_find(const lc_model *m, lc_axis axis, const char *key_or_label)
{
	return lc__model_find_entry(m, axis, key_or_label, NULL);
}

int lc__model_not_found(const lc_model *m, lc_axis axis, const char *text)
{
	lc_buf b;
	const char *an = lc_axis_name(axis);
	uint32_t n;

	if (!LC__AXIS_VALUED(axis))
		return lc__error(LC_EINVAL, "axis %d is not a model axis", (int)axis);
	n = m ? m->axes[axis].n : 0;
	if (n == 0)
		return lc__error(LC_ENOTFOUND, "%s '%.80s' is not in model %s: it has no %s", an,
				 text ? text : "(null)", m ? m->name : "(null)", lc__axis_plural[axis]);
	lc__buf_init(&b);
	for (uint32_t i = 0; i < n && i < 12; i++) {
		if (i)
			lc__buf_puts(&b, ", ");
		lc__buf_puts(&b, m->axes[axis].v[i].key);
	}
	if (n > 12)
		lc__buf_puts(&b, ", ...");
	lc__error(LC_ENOTFOUND, "%s '%.80s' is not in model %s; use one of: %s", an,
		  text ? text : "(null)", m->name, b.failed ? "..." : b.data);
	lc__buf_free(&b);
	return LC_ENOTFOUND;
}

/* ---- freeing ---- */

void lc_model_free(lc_model *m)
{
	if (!m)
		return;
	for (int a = 0; a < LC__AXIS_SLOTS; a++) {
		lc_axis_values *ax = &m->axes[a];
		for (uint32_t i = 0; ax->v && i < ax->n; i++) {
			for (uint32_t k = 0; k < ax->v[i].nattrs; k++) {
				lc__free(ax->v[i].attrs[k].key);
				lc__free(ax->v[i].attrs[k].def);
			}
			lc__free(ax->v[i].attrs);
			lc__free(ax->v[i].key);
			lc__free(ax->v[i].label);
			lc__free(ax->v[i].description);
			for (uint32_t k = 0; k < ax->v[i].naliases; k++)
				lc__free(ax->v[i].aliases[k]);
			lc__free(ax->v[i].aliases);
		}
		lc__free(ax->v);
		lc__free(ax->transitions);
	}
	for (uint32_t i = 0; m->rules && i < m->nrules; i++)
		lc__free(m->rules[i]);
	lc__free(m->rules);
	lc__free(m->links);
	lc__free(m->linked);
	lc__free(m->crossings);
	index_free(m->index);
	lc__free(m->name);
	lc__free(m->description);
	lc__free(m);
}

/* ---- queries ---- */

static bool axis_ok(lc_axis axis)
{
	return LC__AXIS_VALUED(axis);
}

const char *lc_model_name(const lc_model *m)
{
	return m ? m->name : NULL;
}

int64_t lc_model_version(const lc_model *m)
{
	return m ? m->version : 0;
}

const char *lc_model_description(const lc_model *m)
{
	return m ? m->description : NULL;
}

size_t lc_model_value_count(const lc_model *m, lc_axis axis)
{
	return (m && axis_ok(axis)) ? m->axes[axis].n : 0;
}

static const lc_value *value_at(const lc_model *m, lc_axis axis, size_t i)
{
	if (!m || !axis_ok(axis) || i >= m->axes[axis].n)
		return NULL;
	return &m->axes[axis].v[i];
}

const char *lc_model_value_key(const lc_model *m, lc_axis axis, size_t i)
{
	const lc_value *v = value_at(m, axis, i);
	return v ? v->key : NULL;
}

const char *lc_model_value_label(const lc_model *m, lc_axis axis, size_t i)
{
	const lc_value *v = value_at(m, axis, i);
	return v ? v->label : NULL;
}

const char *lc_model_value_description(const lc_model *m, lc_axis axis, size_t i)
{
	const lc_value *v = value_at(m, axis, i);
	return v ? v->description : NULL;
}

uint32_t lc_model_value_flags(const lc_model *m, lc_axis axis, size_t i)
{
	const lc_value *v = value_at(m, axis, i);
	return v ? v->flags : 0;
}

int lc_model_value_parent(const lc_model *m, lc_axis axis, size_t i, size_t *parent)
{
	const lc_value *v;

	LC__ARG(m, "model");
	LC__ARG(parent, "parent");
	if (axis != LC_AXIS_STAGE && axis != LC_AXIS_STATUS)
		return lc__error(LC_EINVAL,
				 "lc_model_value_parent: only stages (phase) and statuses "
				 "(life-cycle state) have a parent, not axis %d",
				 (int)axis);
	v = value_at(m, axis, i);
	if (!v)
		return lc__error(LC_EINVAL, "lc_model_value_parent: %s %zu is out of range (%u values)",
				 lc_axis_name(axis), i, m->axes[axis].n);
	if (v->parent < 0)
		return lc__error(LC_ENOTFOUND, "%s '%s' has no %s", lc_axis_name(axis), v->key,
				 axis == LC_AXIS_STAGE ? "phase" : "life-cycle state");
	*parent = (size_t)v->parent;
	return 0;
}

/* Whether a progressing step may go from value i to a later value n: not
 * closed lost (exits lead there), not deprecated, allowed by the transition
 * table, within the skip cap. */
static bool next_allowed(const lc_model *m, lc_axis axis, uint32_t i, uint32_t n)
{
	const uint8_t *t = m->axes[axis].transitions;

	if (lc__closed_kind(m, axis, (int32_t)n) == LC_FLAG_LOST ||
	    (m->axes[axis].v[n].flags & LC_FLAG_DEPRECATED))
		return false;
	if (t && n != i && !t[(size_t)i * m->axes[axis].n + n])
		return false;
	return m->outcome_axis != (int32_t)axis || m->max_skip < 0 || n <= i ||
	       n - i - 1 <= (uint32_t)m->max_skip;
}

int lc_model_value_next(const lc_model *m, lc_axis axis, size_t i, size_t *next)
{
	const lc_value *v;
	uint32_t n;

	LC__ARG(m, "model");
	LC__ARG(next, "next");
	if (axis != LC_AXIS_STAGE && axis != LC_AXIS_MILESTONE)
		return lc__error(LC_EINVAL, "lc_model_value_next: only stages and milestones are "
					    "ordered steps, not axis %d", (int)axis);
	v = value_at(m, axis, i);
	if (!v)
		return lc__error(LC_EINVAL, "lc_model_value_next: %s %zu is out of range (%u values)",
				 lc_axis_name(axis), i, m->axes[axis].n);
	/* A repeatable value is entered again (check-in 3 after check-in 2). */
	n = (v->flags & LC_FLAG_REPEATABLE) ? (uint32_t)i : (uint32_t)i + 1;
	if (!(v->flags & LC_FLAG_TERMINAL) && !lc__closed_kind(m, axis, (int32_t)i))
		for (; n < m->axes[axis].n; n++)
			if (next_allowed(m, axis, (uint32_t)i, n)) {
				*next = n;
				return 0;
			}
	return lc__error(LC_ENOTFOUND, "%s '%s' of model %s has no next %s: %s", lc_axis_name(axis),
			 v->key, m->name, lc_axis_name(axis),
			 (v->flags & LC_FLAG_TERMINAL) ? "it is terminal"
			 : lc__closed_kind(m, axis, (int32_t)i)
				 ? "it is closed, and the order says nothing about where a lead goes on"
				 : "no later value is open to a step forward");
}

int lc_model_value_find(const lc_model *m, lc_axis axis, const char *key_or_label, size_t *index)
{
	int32_t i;
	int rc;

	LC__ARG(m, "model");
	LC__ARG(index, "index");
	if (!axis_ok(axis))
		return lc__error(LC_EINVAL, "lc_model_value_find: %d is not an axis", (int)axis);
	LC__ARG(key_or_label, "key_or_label");
	rc = lc__check_text(key_or_label, LC_MODEL_LABEL_MAX, "the key or label", false);
	if (rc)
		return rc;
	i = lc__model_find(m, axis, key_or_label);
	if (i < 0)
		return lc__model_not_found(m, axis, key_or_label);
	*index = (size_t)i;
	return 0;
}

int lc_model_link_allowed(const lc_model *m, size_t milestone, size_t status, int *allowed)
{
	size_t nm, ns;

	LC__ARG(m, "model");
	LC__ARG(allowed, "allowed");
	*allowed = 0;
	nm = m->axes[LC_AXIS_MILESTONE].n;
	ns = m->axes[LC_AXIS_STATUS].n;
	if (milestone >= nm || status >= ns)
		return lc__error(LC_EINVAL,
				 "lc_model_link_allowed: milestone %zu / status %zu out of range "
				 "(model %s has %zu milestones, %zu statuses)",
				 milestone, status, m->name, nm, ns);
	*allowed = m->links[milestone * ns + status] ? 1 : 0;
	return 0;
}

int lc_model_rules(const lc_model *m, lc_table **out)
{
	static const lc__column cols[] = { { "text", LC_COLUMN_TEXT } };
	lc_table *t;
	int rc;

	LC__ARG(m, "model");
	LC__ARG(out, "out");
	*out = NULL;
	if ((rc = lc__table_new(&t, "rules", cols, 1)))
		return rc;
	for (size_t i = 0; i < m->nrules; i++) {
		lc__table_row(t);
		lc__table_put_text(t, 0, m->rules[i]);
	}
	return lc__table_finish(t, out);
}

/* ---- presets ---- */

int lc_model_presets(lc_table **out)
{
	static const lc__column cols[] = { { "name", LC_COLUMN_TEXT } };
	lc_table *t;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	if ((rc = lc__table_new(&t, "presets", cols, 1)))
		return rc;
	for (size_t i = 0; i < lc__npresets; i++) {
		lc__table_row(t);
		lc__table_put_text(t, 0, lc__presets[i].name);
	}
	return lc__table_finish(t, out);
}
