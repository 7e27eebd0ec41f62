/*
 * The engine's judgement of the lead record's fields the model governs
 * (docs/engine.md, "The record"): values from the model's lists, a type's
 * attributes and the required fields. The engine knows no lc_lead: the
 * store hands it a view of the record.
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

/* The record fields the model may give a list of values, and their lists. */
static const struct {
	lc_lead_text_field field;
	lc_axis axis;
} listed[] = {
	{ LC_LEAD_SOURCE, LC_AXIS_SOURCE },
	{ LC_LEAD_TYPE, LC_AXIS_TYPE },
	{ LC_LEAD_CATEGORY, LC_AXIS_CATEGORY },
	{ LC_LEAD_PRIORITY, LC_AXIS_PRIORITY },
};

/* "a, b, c" into buf: up to a dozen keys of a list, or the attributes of a type. */
static const char *keys(const lc_axis_values *ax, const lc_value *type, char *buf, size_t size)
{
	uint32_t n = type ? type->nattrs : ax->n;
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < n && len + 8 < size; i++) {
		const char *k = type ? type->attrs[i].key : ax->v[i].key;
		if (i == 12 || len + strlen(k) + 8 >= size) {
			snprintf(buf + len, size - len, ", ...");
			break;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", k);
	}
	return buf;
}

static bool unset(const char *s)
{
	return !s || !s[0];
}

int lc__record_listed_axis(lc_lead_text_field field, lc_axis *axis)
{
	for (size_t i = 0; i < LC_ARRAY_LEN(listed); i++)
		if (listed[i].field == field) {
			*axis = listed[i].axis;
			return 1;
		}
	return 0;
}

/* Attributes a lead of its type may not have. */
static size_t check_attributes(const lc_model *m, const lc__record *r, lc_violations *out)
{
	int32_t t = unset(r->text[LC_LEAD_TYPE]) ? -1 : lc__engine_find(m, LC_AXIS_TYPE,
									 r->text[LC_LEAD_TYPE]);
	const lc_value *type = t >= 0 ? &m->axes[LC_AXIS_TYPE].v[t] : NULL;
	char buf[200];
	size_t count = 0;

	if (!type || !type->has_attrs)
		return 0;
	for (size_t i = 0; i < r->nattrs; i++) {
		const char *k = r->attr_key(r->ud, i);
		uint32_t a = 0;
		while (a < type->nattrs && strcmp(type->attrs[a].key, k) != 0)
			a++;
		if (a < type->nattrs)
			continue;
		count++;
		if (type->nattrs)
			lc__violations_add(out, LC_V_FIELD_NOT_ALLOWED, "attributes",
					   "A lead of type %s has no attribute '%.64s'; its attributes "
					   "are: %s.",
					   type->label, k, keys(NULL, type, buf, sizeof buf));
		else
			lc__violations_add(out, LC_V_FIELD_NOT_ALLOWED, "attributes",
					   "A lead of type %s has no attributes; remove '%.64s'.",
					   type->label, k);
	}
	return count;
}

bool lc__record_may_have_account(const lc_model *m, const lc_state *s)
{
	const lc_axis_values *lc = &m->axes[LC_AXIS_LIFECYCLE];
	int32_t l = s ? lc__state_index(s, LC_AXIS_LIFECYCLE) : -1;
	bool has_won = false;

	for (uint32_t i = 0; i < lc->n && !has_won; i++)
		has_won = (lc->v[i].flags & LC_FLAG_WON) != 0;
	return !has_won || (l >= 0 && (lc->v[l].flags & (LC_FLAG_WON | LC_FLAG_COMPLETED)));
}

int lc__validate_record(const lc_model *m, const lc__record *r, lc_violations *out)
{
	char buf[200];
	size_t count = 0;

	for (size_t i = 0; i < LC_ARRAY_LEN(listed); i++) {
		const char *v = r->text[listed[i].field];
		const lc_axis_values *ax = &m->axes[listed[i].axis];
		if (!ax->n || unset(v) || lc__engine_find(m, listed[i].axis, v) >= 0)
			continue;
		count++;
		lc__violations_add(out, LC_V_UNKNOWN_VALUE, lc_axis_name(listed[i].axis),
				   "The %s '%.64s' is not in model %s's list; choose one of: %s.",
				   lc_axis_name(listed[i].axis), v, m->name,
				   keys(ax, NULL, buf, sizeof buf));
	}
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++) {
		if (!(m->required_fields & (1u << f)) || !unset(r->text[f]))
			continue;
		count++;
		lc__violations_add(out, LC_V_FIELD_REQUIRED, lc__lead_text_keys[f],
				   "Model %s requires a lead's %s, and this lead has none; give one.",
				   m->name, lc__lead_text_keys[f]);
	}
	count += check_attributes(m, r, out);
	if (!unset(r->text[LC_LEAD_ACCOUNT]) && !lc__record_may_have_account(m, r->state)) {
		count++;
		lc__violations_add(out, LC_V_FIELD_NOT_ALLOWED, "account",
				   "A lead records the account it converted into only once won; "
				   "this one is not (win it first, then set the account).");
	}
	if (!count)
		return 0;
	return lc__error(LC_EINVALID, "the model does not allow this record (%zu violation%s)",
			 count, count == 1 ? "" : "s");
}
