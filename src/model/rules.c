/* The model's rules as English sentences, for lc_model_rules(), built
 * once when the model is built so that callers get stable pointers. */
#include <string.h>

#include "model/model_priv.h"

typedef struct rules {
	char **v;
	uint32_t n, cap;
	bool nomem;
} rules;

static const char *axis_word(lc_axis a)
{
	static const char *const w[LC_AXIS_COUNT] = {
		"Action", "Milestone", "Status", "Phase", "Stage", "Life-cycle state", "Reason",
	};
	return w[a];
}

/* Takes the buffer's text as the next rule. */
static void push(rules *r, lc_buf *b)
{
	char *s;
	size_t len;
	if (r->nomem || lc__buf_take(b, &s, &len) != 0) {
		lc__buf_free(b);
		r->nomem = true;
		return;
	}
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 16;
		char **v = lc__realloc(r->v, cap * sizeof *v);
		if (!v) {
			lc__free(s);
			r->nomem = true;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = s;
}

static const char *label(const lc_model *m, lc_axis a, int32_t i)
{
	return m->axes[a].v[i].label;
}

static void value_rules(const lc_model *m, rules *r, lc_axis a, uint32_t i)
{
	const lc_value *v = &m->axes[a].v[i];
	static const char *const req[3] = {
		"requires a follow-up in the future",
		"requires a reason from the model's list",
		"requires a non-empty note",
	};
	lc_buf b;

	for (int k = 0; k < 3; k++) {
		if (!(v->requires & (1u << k)))
			continue;
		lc__buf_init(&b);
		lc__buf_printf(&b, "%s %s %s.", axis_word(a), v->label, req[k]);
		push(r, &b);
	}
	if (v->blocks) {
		bool first = true;
		lc__buf_init(&b);
		lc__buf_printf(&b, "%s %s forbids the action%s ", axis_word(a), v->label,
			       (v->blocks & (v->blocks - 1)) ? "s" : "");
		for (uint32_t x = 0; x < m->axes[LC_AXIS_ACTION].n; x++) {
			if (!(v->blocks & ((uint64_t)1 << x)))
				continue;
			if (!first)
				lc__buf_puts(&b, ", ");
			lc__buf_puts(&b, label(m, LC_AXIS_ACTION, (int32_t)x));
			first = false;
		}
		lc__buf_putc(&b, '.');
		push(r, &b);
	}
	if (v->flags & LC_FLAG_DEPRECATED) {
		lc__buf_init(&b);
		lc__buf_printf(&b,
			       "%s %s is deprecated: it stays valid where it stands but cannot be "
			       "chosen anew.",
			       axis_word(a), v->label);
		push(r, &b);
	}
	if (v->flags & LC_FLAG_TERMINAL) {
		lc__buf_init(&b);
		lc__buf_printf(&b, "%s %s is terminal: no disposition may leave it.", axis_word(a),
			       v->label);
		push(r, &b);
	}
	if (a != LC_AXIS_LIFECYCLE && (v->flags & LC_FLAG_CLOSED)) {
		lc__buf_init(&b);
		if (v->flags & LC_FLAG_WON)
			lc__buf_printf(&b, "%s %s is closed won: the sale is made.", axis_word(a),
				       v->label);
		else
			lc__buf_printf(&b, "%s %s is closed lost: reaching it is no progress.",
				       axis_word(a), v->label);
		push(r, &b);
	}
	if (v->lifecycles) {
		bool first = true;
		lc__buf_init(&b);
		lc__buf_printf(&b, "Stage %s is held only in the life-cycle state%s ", v->label,
			       (v->lifecycles & (v->lifecycles - 1)) ? "s" : "");
		for (uint32_t l = 0; l < m->axes[LC_AXIS_LIFECYCLE].n && l < LC_MAX_TIED_LIFECYCLES; l++) {
			if (!(v->lifecycles & ((uint64_t)1 << l)))
				continue;
			lc__buf_puts(&b, first ? "" : ", ");
			lc__buf_puts(&b, label(m, LC_AXIS_LIFECYCLE, (int32_t)l));
			first = false;
		}
		lc__buf_putc(&b, '.');
		push(r, &b);
	}
	if (a == LC_AXIS_REASON && v->parent >= 0) {
		lc__buf_init(&b);
		lc__buf_printf(&b, "Reason %s moves the lead to stage %s.", v->label,
			       label(m, LC_AXIS_STAGE, v->parent));
		push(r, &b);
	}
}

/* The record's lists, a type's attributes and the required fields. */
static void record_rules(const lc_model *m, rules *r)
{
	static const lc_axis lists[] = { LC_AXIS_SOURCE, LC_AXIS_TYPE, LC_AXIS_CATEGORY,
					 LC_AXIS_PRIORITY };
	const lc_axis_values *types = &m->axes[LC_AXIS_TYPE];
	lc_buf b;

	for (size_t k = 0; k < LC_ARRAY_LEN(lists); k++) {
		const lc_axis_values *ax = &m->axes[lists[k]];
		if (!ax->n)
			continue;
		lc__buf_init(&b);
		lc__buf_printf(&b, "A lead's %s is one of: ", lc_axis_name(lists[k]));
		for (uint32_t i = 0; i < ax->n; i++)
			lc__buf_printf(&b, "%s%s", i ? ", " : "", ax->v[i].label);
		lc__buf_putc(&b, '.');
		push(r, &b);
	}
	for (uint32_t i = 0; i < types->n; i++) {
		const lc_value *v = &types->v[i];
		if (!v->has_attrs)
			continue;
		lc__buf_init(&b);
		lc__buf_printf(&b, "A lead of type %s has %s", v->label,
			       v->nattrs ? "only the attributes " : "no attributes");
		for (uint32_t k = 0; k < v->nattrs; k++) {
			lc__buf_printf(&b, "%s%s", k ? ", " : "", v->attrs[k].key);
			if (v->attrs[k].def)
				lc__buf_printf(&b, " (default \"%s\")", v->attrs[k].def);
		}
		lc__buf_putc(&b, '.');
		push(r, &b);
	}
	if (m->required_fields) {
		bool first = true;
		lc__buf_init(&b);
		lc__buf_puts(&b, "A lead must have ");
		for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
			if (m->required_fields & (1u << f)) {
				lc__buf_printf(&b, "%s%s", first ? "" : ", ", lc__lead_text_keys[f]);
				first = false;
			}
		lc__buf_putc(&b, '.');
		push(r, &b);
	}
}

int lc__model_rules_build(lc_model *m)
{
	rules r = { 0 };
	lc_buf b;
	uint32_t nm = m->axes[LC_AXIS_MILESTONE].n, ns = m->axes[LC_AXIS_STATUS].n;

	for (uint32_t i = 0; i < nm; i++) {
		bool first = true;
		if (!m->linked || !m->linked[i])
			continue;
		lc__buf_init(&b);
		lc__buf_printf(&b, "Milestone %s allows the statuses ", label(m, LC_AXIS_MILESTONE,
									  (int32_t)i));
		for (uint32_t s = 0; s < ns; s++) {
			if (!m->links[(size_t)i * ns + s])
				continue;
			if (!first)
				lc__buf_puts(&b, ", ");
			lc__buf_puts(&b, label(m, LC_AXIS_STATUS, (int32_t)s));
			first = false;
		}
		if (first)
			lc__buf_puts(&b, "(none)");
		lc__buf_putc(&b, '.');
		push(&r, &b);
	}
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		for (uint32_t i = 0; i < m->axes[a].n; i++)
			value_rules(m, &r, (lc_axis)a, i);
	for (uint32_t x = 0; x < m->ncrossings; x++) {
		const lc_crossing *c = &m->crossings[x];
		lc__buf_init(&b);
		lc__buf_printf(&b, "Action %s moves a lead from %s%s to %s%s.",
			       label(m, LC_AXIS_ACTION, c->action),
			       c->from < 0 ? "any life-cycle state" : "life-cycle state ",
			       c->from < 0 ? "" : label(m, LC_AXIS_LIFECYCLE, c->from),
			       c->to < 0 ? "any life-cycle state" : "life-cycle state ",
			       c->to < 0 ? "" : label(m, LC_AXIS_LIFECYCLE, c->to));
		push(&r, &b);
	}
	if (m->axes[LC_AXIS_LIFECYCLE].n > 0 && m->ncrossings > 0) {
		lc__buf_init(&b);
		lc__buf_puts(&b, "A status in another life-cycle state is reached only through an "
				 "action that crosses into it.");
		push(&r, &b);
	}
	if (m->outcome_axis >= 0) {
		const char *an = lc_axis_name((lc_axis)m->outcome_axis);
		if (m->max_skip >= 0) {
			lc__buf_init(&b);
			lc__buf_printf(&b,
				       "A progressing or go-back step may skip at most %d %s%s.",
				       m->max_skip, an, m->max_skip == 1 ? "" : "s");
			push(&r, &b);
		}
		if (m->outcome_required) {
			lc__buf_init(&b);
			lc__buf_printf(&b, "Changing the %s requires an outcome.", an);
			push(&r, &b);
		}
	}
	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		const lc_axis_values *ax = &m->axes[a];
		bool first = true;
		if (!ax->transitions)
			continue;
		lc__buf_init(&b);
		lc__buf_printf(&b, "%s changes are limited to: ", axis_word((lc_axis)a));
		for (uint32_t f = 0; f < ax->n; f++)
			for (uint32_t t = 0; t < ax->n; t++) {
				if (!ax->transitions[(size_t)f * ax->n + t])
					continue;
				lc__buf_printf(&b, "%s%s -> %s", first ? "" : ", ", ax->v[f].label,
					       ax->v[t].label);
				first = false;
			}
		lc__buf_putc(&b, '.');
		push(&r, &b);
	}
	record_rules(m, &r);
	if (r.nomem) {
		for (uint32_t i = 0; i < r.n; i++)
			lc__free(r.v[i]);
		lc__free(r.v);
		return LC_ENOMEM;
	}
	m->rules = r.v;
	m->nrules = r.n;
	return 0;
}
