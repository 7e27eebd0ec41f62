/*
 * Export: canonical JSON (fixed member order, 2-space indent, every key
 * written, trailing newline; written by hand so that the bytes never depend
 * on a JSON library's formatting). Graphviz DOT is dot.c's.
 */
#include <string.h>

#include "model/model_priv.h"

static void indent(lc_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		lc__buf_puts(b, "  ");
}

/* Writes `"name": [ "a", "b" ]` on one line from the set bits of `bits`. */
static void put_names(lc_buf *b, int ind, const char *name, uint32_t bits,
		      const char *const *names, int n)
{
	bool first = true;
	lc__buf_puts(b, ",\n");
	indent(b, ind);
	lc__buf_printf(b, "\"%s\": [", name);
	for (int i = 0; i < n; i++) {
		if (!(bits & (1u << i)))
			continue;
		lc__buf_printf(b, "%s\"%s\"", first ? "" : ", ", names[i]);
		first = false;
	}
	lc__buf_putc(b, ']');
}

/* A type's attributes, one {"key", "default"} a line. */
static void put_attributes(lc_buf *b, const lc_value *v)
{
	lc__buf_puts(b, ",\n");
	indent(b, 3);
	lc__buf_puts(b, "\"attributes\": [");
	for (uint32_t k = 0; k < v->nattrs; k++) {
		lc__buf_puts(b, k ? ",\n" : "\n");
		indent(b, 4);
		lc__buf_puts(b, "{\"key\": ");
		lc__buf_put_json_string(b, v->attrs[k].key);
		if (v->attrs[k].def) {
			lc__buf_puts(b, ", \"default\": ");
			lc__buf_put_json_string(b, v->attrs[k].def);
		}
		lc__buf_putc(b, '}');
	}
	if (v->nattrs) {
		lc__buf_putc(b, '\n');
		indent(b, 3);
	}
	lc__buf_putc(b, ']');
}

static void put_value(lc_buf *b, const lc_model *m, lc_axis a, const lc_value *v)
{
	indent(b, 2);
	lc__buf_puts(b, "{\n");
	indent(b, 3);
	lc__buf_puts(b, "\"key\": ");
	lc__buf_put_json_string(b, v->key);
	lc__buf_puts(b, ",\n");
	indent(b, 3);
	lc__buf_puts(b, "\"label\": ");
	lc__buf_put_json_string(b, v->label);
	if (v->naliases) {
		lc__buf_puts(b, ",\n");
		indent(b, 3);
		lc__buf_puts(b, "\"aliases\": [");
		for (uint32_t k = 0; k < v->naliases; k++) {
			if (k)
				lc__buf_puts(b, ", ");
			lc__buf_put_json_string(b, v->aliases[k]);
		}
		lc__buf_putc(b, ']');
	}
	if (*v->description) {
		lc__buf_puts(b, ",\n");
		indent(b, 3);
		lc__buf_puts(b, "\"description\": ");
		lc__buf_put_json_string(b, v->description);
	}
	/* A closed value writes its kind as "closed"; won and lost stay flags of
	 * life-cycle states only. */
	uint32_t kind = a == LC_AXIS_LIFECYCLE ? 0 : v->flags & (LC_FLAG_WON | LC_FLAG_LOST);
	uint32_t flags = a == LC_AXIS_LIFECYCLE ? v->flags : v->flags & ~(uint32_t)(LC_FLAG_CLOSED | kind);
	if (flags)
		put_names(b, 3, "flags", flags, lc__flag_names, LC__FLAG_COUNT);
	if (kind) {
		lc__buf_puts(b, ",\n");
		indent(b, 3);
		lc__buf_printf(b, "\"closed\": \"%s\"", kind == LC_FLAG_WON ? "won" : "lost");
	}
	if (v->requires)
		put_names(b, 3, "requires", v->requires, lc__require_names, 3);
	if (v->blocks) {
		bool first = true;
		lc__buf_puts(b, ",\n");
		indent(b, 3);
		lc__buf_puts(b, "\"blocks\": [");
		for (uint32_t i = 0; i < m->axes[LC_AXIS_ACTION].n; i++) {
			if (!(v->blocks & ((uint64_t)1 << i)))
				continue;
			lc__buf_printf(b, "%s\"%s\"", first ? "" : ", ", m->axes[LC_AXIS_ACTION].v[i].key);
			first = false;
		}
		lc__buf_putc(b, ']');
	}
	if (v->parent >= 0) {
		static const lc_axis parent_axis[LC_AXIS_COUNT] = {
			[LC_AXIS_STAGE] = LC_AXIS_PHASE,
			[LC_AXIS_STATUS] = LC_AXIS_LIFECYCLE,
			[LC_AXIS_REASON] = LC_AXIS_STAGE,
		};
		lc__buf_puts(b, ",\n");
		indent(b, 3);
		lc__buf_printf(b, "\"%s\": \"%s\"", lc_axis_name(parent_axis[a]),
			       m->axes[parent_axis[a]].v[v->parent].key);
	}
	if (v->lifecycles) {
		bool first = true;
		lc__buf_puts(b, ",\n");
		indent(b, 3);
		lc__buf_puts(b, "\"lifecycles\": [");
		for (uint32_t l = 0; l < m->axes[LC_AXIS_LIFECYCLE].n && l < LC_MAX_TIED_LIFECYCLES; l++) {
			if (!(v->lifecycles & ((uint64_t)1 << l)))
				continue;
			lc__buf_printf(b, "%s\"%s\"", first ? "" : ", ", m->axes[LC_AXIS_LIFECYCLE].v[l].key);
			first = false;
		}
		lc__buf_putc(b, ']');
	}
	if (v->reason_outcomes) {
		bool first = true;
		lc__buf_puts(b, ",\n");
		indent(b, 3);
		lc__buf_puts(b, "\"outcomes\": [");
		for (int o = 1; o <= LC_OUTCOME_NO_CONTACT; o++) {
			if (!(v->reason_outcomes & (1u << o)))
				continue;
			lc__buf_printf(b, "%s\"%s\"", first ? "" : ", ", lc_outcome_name((lc_outcome)o));
			first = false;
		}
		lc__buf_putc(b, ']');
	}
	if (v->lost_reason) {
		lc__buf_puts(b, ",\n");
		indent(b, 3);
		lc__buf_puts(b, "\"lost\": true");
	}
	if (v->has_attrs)
		put_attributes(b, v);
	lc__buf_putc(b, '\n');
	indent(b, 2);
	lc__buf_putc(b, '}');
}

int lc_model_to_json(const lc_model *m, char **out, size_t *len)
{
	lc_buf b;
	uint32_t nm, ns;
	bool first;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(m, "model");
	nm = m->axes[LC_AXIS_MILESTONE].n;
	ns = m->axes[LC_AXIS_STATUS].n;
	lc__buf_init(&b);
	lc__buf_puts(&b, "{\n  \"format\": 1,\n  \"name\": ");
	lc__buf_put_json_string(&b, m->name);
	lc__buf_printf(&b, ",\n  \"version\": %lld,\n  \"description\": ", (long long)m->version);
	lc__buf_put_json_string(&b, m->description);
	for (int a = 0; a < LC__AXIS_SLOTS; a++) {
		if (!m->axes[a].n)
			continue;
		lc__buf_printf(&b, ",\n  \"%s\": [\n", lc__axis_plural[a]);
		for (uint32_t i = 0; i < m->axes[a].n; i++) {
			put_value(&b, m, (lc_axis)a, &m->axes[a].v[i]);
			lc__buf_puts(&b, i + 1 < m->axes[a].n ? ",\n" : "\n");
		}
		lc__buf_puts(&b, "  ]");
	}
	first = true;
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++) {
		if (!(m->required_fields & (1u << f)))
			continue;
		lc__buf_printf(&b, "%s\"%s\"", first ? ",\n  \"required\": [" : ", ",
			       lc__lead_text_keys[f]);
		first = false;
	}
	if (!first)
		lc__buf_putc(&b, ']');
	first = true;
	for (uint32_t i = 0; i < nm; i++) {
		bool f2 = true;
		if (!m->linked || !m->linked[i])
			continue;
		lc__buf_puts(&b, first ? ",\n  \"links\": {\n" : ",\n");
		first = false;
		lc__buf_printf(&b, "    \"%s\": [", m->axes[LC_AXIS_MILESTONE].v[i].key);
		for (uint32_t s = 0; s < ns; s++) {
			if (!m->links[(size_t)i * ns + s])
				continue;
			lc__buf_printf(&b, "%s\"%s\"", f2 ? "" : ", ", m->axes[LC_AXIS_STATUS].v[s].key);
			f2 = false;
		}
		lc__buf_putc(&b, ']');
	}
	if (!first)
		lc__buf_puts(&b, "\n  }");
	if (m->ncrossings) {
		lc__buf_puts(&b, ",\n  \"crossings\": [\n");
		for (uint32_t x = 0; x < m->ncrossings; x++) {
			const lc_crossing *c = &m->crossings[x];
			lc__buf_printf(&b, "    {\"action\": \"%s\", \"from\": \"%s\", \"to\": \"%s\"}%s\n",
				       m->axes[LC_AXIS_ACTION].v[c->action].key,
				       c->from < 0 ? "*" : m->axes[LC_AXIS_LIFECYCLE].v[c->from].key,
				       c->to < 0 ? "*" : m->axes[LC_AXIS_LIFECYCLE].v[c->to].key,
				       x + 1 < m->ncrossings ? "," : "");
		}
		lc__buf_puts(&b, "  ]");
	}
	if (m->outcome_axis >= 0) {
		lc__buf_printf(&b, ",\n  \"outcomes\": {\n    \"axis\": \"%s\",\n    \"max_skip\": ",
			       lc_axis_name((lc_axis)m->outcome_axis));
		if (m->max_skip < 0)
			lc__buf_puts(&b, "null");
		else
			lc__buf_printf(&b, "%d", m->max_skip);
		lc__buf_printf(&b, ",\n    \"required\": %s\n  }",
			       m->outcome_required ? "true" : "false");
	}
	first = true;
	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		const lc_axis_values *ax = &m->axes[a];
		bool f2 = true;
		if (!ax->transitions)
			continue;
		lc__buf_puts(&b, first ? ",\n  \"transitions\": {\n" : ",\n");
		first = false;
		lc__buf_printf(&b, "    \"%s\": [", lc_axis_name((lc_axis)a));
		for (uint32_t f = 0; f < ax->n; f++)
			for (uint32_t t = 0; t < ax->n; t++) {
				if (!ax->transitions[(size_t)f * ax->n + t])
					continue;
				lc__buf_printf(&b, "%s\n      [\"%s\", \"%s\"]", f2 ? "" : ",",
					       ax->v[f].key, ax->v[t].key);
				f2 = false;
			}
		lc__buf_puts(&b, "\n    ]");
	}
	if (!first)
		lc__buf_puts(&b, "\n  }");
	lc__buf_puts(&b, "\n}\n");
	return lc__buf_take(&b, out, len);
}
