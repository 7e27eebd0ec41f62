/* The store's small objects: events, queries, agent and unit lists,
 * upgrade reports and migration maps. */
#include <stdlib.h>
#include <string.h>

#include "core/versioned.h"
#include "engine/engine_internal.h"
#include "store_internal.h"

/* ---- event kinds ---- */

static const char *const kind_names[] = {
	NULL,     "disposition", "system",  "create",  "update",  "assign",
	"accept", "recycle",     "restore", "note",    "migrate", "workflow",
};

const char *lc_event_kind_name(lc_event_kind kind)
{
	if (kind < LC_EVENT_DISPOSITION || kind > LC_EVENT_WORKFLOW)
		return NULL;
	return kind_names[kind];
}

int lc_event_kind_parse(const char *name, lc_event_kind *out)
{
	LC__ARG(name, "name");
	LC__ARG(out, "out");
	for (int k = LC_EVENT_DISPOSITION; k <= LC_EVENT_WORKFLOW; k++)
		if (lc__streq_nocase(name, kind_names[k])) {
			*out = (lc_event_kind)k;
			return 0;
		}
	return lc__error(LC_ENOTFOUND,
			 "'%.64s' is not an event kind; use disposition, system, create, update, "
			 "assign, accept, recycle, restore, note, migrate or workflow",
			 name);
}

/* ---- events ---- */

static void event_clear(lc_event *ev)
{
	ev->id = 0;
	ev->lead = 0;
	ev->seq = 0;
	ev->time = LC_TIME_NONE;
	ev->kind = LC_EVENT_SYSTEM;
	ev->model_version = 0;
	ev->outcome = LC_OUTCOME_NONE;
	ev->follow_up = LC_TIME_NONE;
	for (int i = 0; i < 3; i++)
		lc__str_clear(&ev->text[i]);
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		ev->value[a][0] = '\0';
}


int lc__event_new(lc_event **out, const lc_model *model)
{
	lc_event *ev = lc__calloc(1, sizeof *ev);

	*out = NULL;
	if (!ev)
		return LC_ENOMEM;
	event_clear(ev);
	if (model) {
		int rc = lc__event_bind(ev, model);
		if (rc) {
			lc__free(ev);
			return rc;
		}
	}
	*out = ev;
	return 0;
}

int lc__event_bind(lc_event *ev, const lc_model *model)
{
	lc_state *b, *a;
	int rc;

	if (ev->model == model && ev->before)
		return 0;
	rc = lc_state_new(&b, model);
	if (rc)
		return rc;
	rc = lc_state_new(&a, model);
	if (rc) {
		lc_state_free(b);
		return rc;
	}
	lc_state_free(ev->before);
	lc_state_free(ev->after);
	ev->before = b;
	ev->after = a;
	ev->model = model;
	return 0;
}

void lc__event_reset(lc_event *ev)
{
	event_clear(ev);
	if (ev->before)
		lc__state_reset(ev->before);
	if (ev->after)
		lc__state_reset(ev->after);
}

void lc__event_free(lc_event *ev)
{
	if (!ev)
		return;
	for (int i = 0; i < 3; i++)
		lc__str_free(&ev->text[i]);
	lc_state_free(ev->before);
	lc_state_free(ev->after);
	lc__free(ev);
}

/* lc_event_number()'s fields, in the order of lc_event_number_field. */
static const lc__number_field event_numbers[] = {
	[LC_EVENT_NUM_ID] = LC_NUMBER_FIELD(lc_event, id, true, 0),
	[LC_EVENT_NUM_LEAD] = LC_NUMBER_FIELD(lc_event, lead, true, 0),
	[LC_EVENT_NUM_SEQ] = LC_NUMBER_FIELD(lc_event, seq, true, 0),
	[LC_EVENT_NUM_TIME] = LC_NUMBER_FIELD(lc_event, time, true, LC_TIME_NONE),
	[LC_EVENT_NUM_KIND] = LC_NUMBER_FIELD(lc_event, kind, true, LC_EVENT_SYSTEM),
	[LC_EVENT_NUM_OUTCOME] = LC_NUMBER_FIELD(lc_event, outcome, true, LC_OUTCOME_NONE),
	[LC_EVENT_NUM_FOLLOW_UP] = LC_NUMBER_FIELD(lc_event, follow_up, true, LC_TIME_NONE),
	[LC_EVENT_NUM_MODEL_VERSION] = LC_NUMBER_FIELD(lc_event, model_version, true, 0),
};
_Static_assert(LC_ARRAY_LEN(event_numbers) == LC_EVENT_NUM_MODEL_VERSION + 1, "one entry a field");

int64_t lc_event_number(const lc_event *ev, lc_event_number_field field)
{
	return lc__number_read(ev, event_numbers, LC_ARRAY_LEN(event_numbers), field);
}

const char *lc_event_text(const lc_event *ev, lc_event_text_field field)
{
	if (!ev || (unsigned)field > LC_EVENT_TEXT_RULE)
		return NULL;
	return lc__str_get(&ev->text[field]);
}

const char *lc_event_value(const lc_event *ev, lc_axis axis)
{
	if (!ev || !LC__DISPOSITION_AXIS(axis) || !ev->value[axis][0])
		return NULL;
	return ev->value[axis];
}

const lc_state *lc_event_state(const lc_event *ev, int after)
{
	if (!ev)
		return NULL;
	return after ? ev->after : ev->before;
}

int lc_event_sys_set_id(lc_event *ev, lc_id id)
{
	LC__ARG(ev, "ev");
	if (id <= 0)
		return lc__error(LC_EINVAL, "lc_event_sys_set_id: an event id is > 0");
	ev->id = id;
	return 0;
}

int lc_event_sys_set_lead(lc_event *ev, lc_id lead)
{
	LC__ARG(ev, "ev");
	if (lead <= 0)
		return lc__error(LC_EINVAL, "lc_event_sys_set_lead: a lead id is > 0");
	ev->lead = lead;
	return 0;
}

int lc_event_sys_set_meta(lc_event *ev, lc_id id, lc_id lead, int64_t seq, lc_time time,
			  lc_event_kind kind, int64_t model_version, lc_outcome outcome,
			  lc_time follow_up)
{
	LC__ARG(ev, "ev");
	/* First, so that a row refused below can still be named. */
	ev->id = id;
	ev->lead = lead;
	if (!lc_event_kind_name(kind))
		return lc__error(LC_EINVAL, "lc_event_sys_set_meta: %d is not an event kind", (int)kind);
	if (lc__time_check(time, false, "lc_event_sys_set_meta: the event's time") ||
	    lc__time_check(follow_up, true, "lc_event_sys_set_meta: the follow-up"))
		return LC_ERANGE;
	if (!lc_outcome_name(outcome))
		return lc__error(LC_EINVAL, "lc_event_sys_set_meta: %d is not an outcome", (int)outcome);
	ev->seq = seq;
	ev->time = time;
	ev->kind = kind;
	ev->model_version = model_version;
	ev->outcome = outcome;
	ev->follow_up = follow_up;
	return 0;
}

int lc_event_sys_set_text(lc_event *ev, lc_event_text_field field, const char *text)
{
	static const char *const what[] = { "the event's actor", "the event's note",
					    "the event's rule" };
	int rc;

	LC__ARG(ev, "ev");
	if ((unsigned)field > LC_EVENT_TEXT_RULE)
		return lc__error(LC_EINVAL, "lc_event_sys_set_text: unknown field");
	/* What the library writes: UTF-8, an actor of at most LC_NAME_MAX bytes. */
	if ((rc = lc__check_text(text, field == LC_EVENT_TEXT_ACTOR ? LC_NAME_MAX : LC_TEXT_MAX,
				 what[field], true)))
		return rc;
	return lc__str_set(&ev->text[field], text);
}

int lc_event_sys_set_value(lc_event *ev, lc_axis axis, const char *key)
{
	size_t n;

	LC__ARG(ev, "ev");
	if (!LC__DISPOSITION_AXIS(axis))
		return lc__error(LC_EINVAL,
				 "lc_event_sys_set_value: an event holds action, milestone, status, stage "
				 "and reason");
	if (!key) {
		ev->value[axis][0] = '\0';
		return 0;
	}
	n = strlen(key);
	if (n > LC_KEY_MAX)
		return lc__error(LC_ERANGE, "the stored %s key is longer than %d bytes",
				 lc_axis_name(axis), LC_KEY_MAX);
	if (!lc__utf8_valid(key, n))
		return lc__error(LC_EFORMAT, "the stored %s key is not valid UTF-8",
				 lc_axis_name(axis));
	memcpy(ev->value[axis], key, n + 1);
	return 0;
}

lc_state *lc_event_sys_state(lc_event *ev, int after)
{
	if (!ev)
		return NULL;
	return after ? ev->after : ev->before;
}

/* ---- queries ---- */

int lc_query_new(lc_query **out)
{
	lc_query *q;

	LC__ARG(out, "out");
	q = lc__calloc(1, sizeof *q);
	*out = q;
	if (!q)
		return LC_ENOMEM;
	q->follow_up_from = q->follow_up_to = LC_TIME_NONE;
	q->created_from = q->created_to = LC_TIME_NONE;
	return 0;
}

void lc_query_free(lc_query *q)
{
	if (!q)
		return;
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		lc__str_free(&q->value[a]);
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		lc__str_free(&q->text[f]);
	lc__str_free(&q->attr_key);
	lc__str_free(&q->attr_value);
	lc__free(q);
}

int lc__query_copy(lc_query *dst, const lc_query *src)
{
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		if (lc__str_set(&dst->value[a], lc__str_get(&src->value[a])))
			return LC_ENOMEM;
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if (lc__str_set(&dst->text[f], lc__str_get(&src->text[f])))
			return LC_ENOMEM;
	if (lc__str_set(&dst->attr_key, lc__str_get(&src->attr_key)) ||
	    lc__str_set(&dst->attr_value, lc__str_get(&src->attr_value)))
		return LC_ENOMEM;
	dst->agent = src->agent;
	dst->unit = src->unit;
	dst->has_follow_up = src->has_follow_up;
	dst->follow_up_from = src->follow_up_from;
	dst->follow_up_to = src->follow_up_to;
	dst->has_created = src->has_created;
	dst->created_from = src->created_from;
	dst->created_to = src->created_to;
	dst->recycled = src->recycled;
	dst->invalid = src->invalid;
	dst->stored_values = src->stored_values;
	dst->value_flags = src->value_flags;
	dst->after = src->after;
	dst->limit = src->limit;
	return 0;
}

int lc_query_set_value(lc_query *q, lc_axis axis, const char *key)
{
	int rc;

	LC__ARG(q, "q");
	if (!LC__STATE_AXIS(axis))
		return lc__error(LC_EINVAL,
				 "lc_query_set_value: filter on milestone, status, stage, phase or lifecycle");
	if ((rc = lc__check_text(key, LC_KEY_MAX, "the value", true)))
		return rc;
	return lc__str_set(&q->value[axis], key);
}

int lc__query_resolve(lc_query *q, const lc_model *m, const char *what)
{
	for (int a = 0; a < LC_AXIS_COUNT && !q->stored_values; a++) {
		const char *text = lc__str_get(&q->value[a]);
		int32_t i = text ? lc__model_find(m, (lc_axis)a, text) : 0;
		const char *key;
		if (!text)
			continue;
		if (i < 0) {
			lc__model_not_found(m, (lc_axis)a, text);
			return lc__error_prefix(LC_ENOTFOUND, "%s", what);
		}
		key = lc_model_value_key(m, (lc_axis)a, (size_t)i);
		if (strcmp(key, text) != 0 && lc__str_set(&q->value[a], key))
			return LC_ENOMEM;
	}
	return 0;
}

void lc__query_stored_values(lc_query *q)
{
	q->stored_values = true;
}

int lc_query_set_text(lc_query *q, lc_lead_text_field field, const char *value)
{
	int rc;

	LC__ARG(q, "q");
	if ((unsigned)field >= LC_LEAD_TEXT_COUNT)
		return lc__error(LC_EINVAL, "lc_query_set_text: unknown text field");
	if ((rc = lc__check_text(value, LC_LEAD_TEXT_MAX, lc_lead_text_name(field), true)))
		return rc;
	return lc__str_set(&q->text[field], value);
}

int lc_query_set_agent(lc_query *q, lc_id agent)
{
	LC__ARG(q, "q");
	if (agent < 0 && agent != LC_QUERY_NONE)
		return lc__error(LC_EINVAL,
				 "lc_query_set_agent: give an agent id, LC_QUERY_NONE or 0");
	q->agent = agent;
	return 0;
}

int lc_query_set_unit(lc_query *q, lc_id unit)
{
	LC__ARG(q, "q");
	if (unit < 0 && unit != LC_QUERY_NONE)
		return lc__error(LC_EINVAL,
				 "lc_query_set_unit: give a unit id, LC_QUERY_NONE or 0");
	q->unit = unit;
	return 0;
}

static int set_window(lc_query *q, lc_time from, lc_time to, bool *has, lc_time *f, lc_time *t,
		      const char *fn)
{
	LC__ARG_IN(fn, q, "q");
	if (lc__time_check(from, true, fn) || lc__time_check(to, true, fn))
		return LC_ERANGE;
	if (from != LC_TIME_NONE && to != LC_TIME_NONE && from >= to)
		return lc__error(LC_EINVAL, "%s: the window [from, to) is empty; from must be before to",
				 fn);
	*has = from != LC_TIME_NONE || to != LC_TIME_NONE;
	*f = from;
	*t = to;
	return 0;
}

int lc_query_set_follow_up(lc_query *q, lc_time from, lc_time to)
{
	return set_window(q, from, to, q ? &q->has_follow_up : NULL, q ? &q->follow_up_from : NULL,
			  q ? &q->follow_up_to : NULL, "lc_query_set_follow_up");
}

int lc_query_set_created(lc_query *q, lc_time from, lc_time to)
{
	return set_window(q, from, to, q ? &q->has_created : NULL, q ? &q->created_from : NULL,
			  q ? &q->created_to : NULL, "lc_query_set_created");
}

int lc_query_set_recycled(lc_query *q, lc_recycled_filter filter)
{
	LC__ARG(q, "q");
	if ((unsigned)filter > LC_RECYCLED_ONLY)
		return lc__error(LC_EINVAL,
				 "lc_query_set_recycled: use LC_RECYCLED_EXCLUDE, _INCLUDE or _ONLY");
	q->recycled = filter;
	return 0;
}

int lc_query_set_attribute(lc_query *q, const char *key, const char *value)
{
	int rc;

	LC__ARG(q, "q");
	if (!key) {
		lc__str_clear(&q->attr_key);
		lc__str_clear(&q->attr_value);
		return 0;
	}
	LC__ARG(value, "value");
	if ((rc = lc__check_text(key, LC_LEAD_ATTR_KEY_MAX, "the attribute key", false)) ||
	    (rc = lc__check_text(value, LC_LEAD_TEXT_MAX, "the attribute value", false)))
		return rc;
	if (lc__str_set(&q->attr_key, key) || lc__str_set(&q->attr_value, value)) {
		lc__str_clear(&q->attr_key);
		return LC_ENOMEM;
	}
	return 0;
}

int lc_query_set_invalid(lc_query *q, int only_invalid)
{
	LC__ARG(q, "q");
	q->invalid = only_invalid != 0;
	return 0;
}

/* The flags a query may ask for: what a value says about the lead now. */
#define VALUE_FLAGS_QUERYABLE                                                              \
	(LC_FLAG_READY_FOR_CONTACT | LC_FLAG_AUTOMATION_STOPPED | LC_FLAG_REENGAGE_ELIGIBLE | \
	 LC_FLAG_ENDS_CONTACT | LC_FLAG_NOT_REPORTABLE | LC_FLAG_CLOSED | LC_FLAG_TERMINAL |  \
	 LC_FLAG_DEPRECATED | LC_FLAG_WON | LC_FLAG_LOST | LC_FLAG_COMPLETED)

int lc_query_set_value_flags(lc_query *q, uint32_t flags)
{
	LC__ARG(q, "q");
	if (flags & ~(uint32_t)VALUE_FLAGS_QUERYABLE)
		return lc__error(LC_EINVAL,
				 "lc_query_set_value_flags: 0x%x holds flags no lead state carries "
				 "(action flags, initial or repeatable)",
				 (unsigned)(flags & ~(uint32_t)VALUE_FLAGS_QUERYABLE));
	q->value_flags = flags;
	return 0;
}

uint32_t lc_query_value_flags(const lc_query *q)
{
	return q ? q->value_flags : 0;
}

int lc_query_set_page(lc_query *q, lc_id after, size_t limit)
{
	LC__ARG(q, "q");
	if (after < 0)
		return lc__error(LC_EINVAL, "lc_query_set_page: the cursor is a lead id >= 0");
	q->after = after;
	q->limit = limit;
	return 0;
}

const char *lc_query_value(const lc_query *q, lc_axis axis)
{
	if (!q || (unsigned)axis >= LC_AXIS_COUNT)
		return NULL;
	return lc__str_get(&q->value[axis]);
}

const char *lc_query_text(const lc_query *q, lc_lead_text_field field)
{
	if (!q || (unsigned)field >= LC_LEAD_TEXT_COUNT)
		return NULL;
	return lc__str_get(&q->text[field]);
}

lc_id lc_query_agent(const lc_query *q)
{
	return q ? q->agent : 0;
}

lc_id lc_query_unit(const lc_query *q)
{
	return q ? q->unit : 0;
}

int lc_query_follow_up(const lc_query *q, lc_time *from, lc_time *to)
{
	if (from)
		*from = q ? q->follow_up_from : LC_TIME_NONE;
	if (to)
		*to = q ? q->follow_up_to : LC_TIME_NONE;
	return q && q->has_follow_up;
}

int lc_query_created(const lc_query *q, lc_time *from, lc_time *to)
{
	if (from)
		*from = q ? q->created_from : LC_TIME_NONE;
	if (to)
		*to = q ? q->created_to : LC_TIME_NONE;
	return q && q->has_created;
}

lc_recycled_filter lc_query_recycled(const lc_query *q)
{
	return q ? q->recycled : LC_RECYCLED_EXCLUDE;
}

const char *lc_query_attribute(const lc_query *q, const char **value)
{
	if (value)
		*value = q ? lc__str_get(&q->attr_value) : NULL;
	return q ? lc__str_get(&q->attr_key) : NULL;
}

int lc_query_invalid(const lc_query *q)
{
	return q && q->invalid;
}

size_t lc_query_page(const lc_query *q, lc_id *after)
{
	if (after)
		*after = q ? q->after : 0;
	return q ? q->limit : 0;
}

static bool text_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool id_match(lc_id want, lc_id have)
{
	if (want == 0)
		return true;
	if (want == LC_QUERY_NONE)
		return have == 0;
	return want == have;
}

static bool in_window(lc_time t, lc_time from, lc_time to)
{
	if (t == LC_TIME_NONE)
		return false;
	return (from == LC_TIME_NONE || t >= from) && (to == LC_TIME_NONE || t < to);
}

bool lc__query_match(const lc_query *q, const lc_lead *lead)
{
	const lc_state *s = lc_lead_state(lead);

	if (!q)
		return !lead->recycled;
	if ((q->recycled == LC_RECYCLED_EXCLUDE && lead->recycled) ||
	    (q->recycled == LC_RECYCLED_ONLY && !lead->recycled))
		return false;
	if (q->after > 0 && lead->id <= q->after)
		return false;
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		if (q->value[a].set && !text_eq(q->value[a].p, s ? lc_state_get(s, (lc_axis)a) : NULL))
			return false;
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if (q->text[f].set && !text_eq(q->text[f].p, lc__str_get(&lead->text[f])))
			return false;
	if (!id_match(q->agent, lead->agent) || !id_match(q->unit, lead->unit))
		return false;
	if (q->has_follow_up &&
	    !in_window(lc_state_time(s, LC_STATE_TIME_FOLLOW_UP), q->follow_up_from,
		       q->follow_up_to))
		return false;
	if (q->has_created && !in_window(lead->created_at, q->created_from, q->created_to))
		return false;
	if (q->attr_key.set && !text_eq(q->attr_value.p, lc_lead_attr_get(lead, q->attr_key.p)))
		return false;
	return true;
}

/* ---- agent and unit tables ---- */

static const lc__column agent_cols[] = { { "id", LC_COLUMN_ID },
					 { "name", LC_COLUMN_TEXT },
					 { "active", LC_COLUMN_INT } };

int lc__parties_new(lc_table **out, bool agents)
{
	return lc__table_new(out, agents ? "agents" : "units", agent_cols, agents ? 3 : 2);
}

long lc__party_index(const lc_table *t, lc_id id)
{
	for (size_t i = 0; i < lc_table_row_count(t); i++)
		if (lc_table_int(t, i, 0) == id)
			return (long)i;
	return -1;
}

static int party_add(lc_table *t, bool agent, lc_id id, const char *name, int active)
{
	const char *fn = agent ? "lc_table_sys_add_agent" : "lc_table_sys_add_unit";

	LC__ARG_IN(fn, t, "t");
	LC__ARG_IN(fn, name, "name");
	if (id <= 0)
		return lc__error(LC_EINVAL, "%s: ids are > 0", fn);
	if (strcmp(t->kind, agent ? "agents" : "units") != 0)
		return lc__error(LC_EINVAL, "%s: the table is of kind '%s'", fn, t->kind);
	/* A name the library would not have written (a damaged store) is kept
	 * as a row without a name, which the core reports and leaves out; the
	 * backend goes on with the other rows. */
	lc__table_row(t);
	lc__table_put_int(t, 0, id);
	lc__table_put_text(t, 1, lc__check_text(name, LC_NAME_MAX, "the stored name", false)
					 ? NULL
					 : name);
	lc__table_put_int(t, 2, active != 0);
	return lc__table_failed(t);
}

int lc_table_sys_add_agent(lc_table *t, lc_id id, const char *name, int active)
{
	return party_add(t, true, id, name, active);
}

int lc_table_sys_add_unit(lc_table *t, lc_id id, const char *name)
{
	return party_add(t, false, id, name, 1);
}

/* ---- upgrade reports ---- */

int lc__report_new(lc__upgrade **out)
{
	*out = lc__calloc(1, sizeof **out);
	return *out ? 0 : LC_ENOMEM;
}

int lc__report_add(lc__upgrade *r, int code, const char *field, const char *value)
{
	lc__report_row *row;

	for (size_t i = 0; i < r->n; i++)
		if (r->rows[i].code == code && strcmp(r->rows[i].field, field) == 0 &&
		    strcmp(r->rows[i].value, value) == 0) {
			r->rows[i].leads++;
			return 0;
		}
	if (r->n == r->cap) {
		lc__report_row *nv = lc__grow(r->rows, &r->cap, sizeof *nv, 8);
		if (!nv)
			return LC_ENOMEM;
		r->rows = nv;
	}
	row = &r->rows[r->n];
	row->field = lc__strdup(field);
	row->value = lc__strdup(value);
	if (!row->field || !row->value) {
		lc__free(row->field);
		lc__free(row->value);
		return LC_ENOMEM;
	}
	row->code = code;
	row->leads = 1;
	r->n++;
	return 0;
}

void lc__report_free(lc__upgrade *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		lc__free(r->rows[i].field);
		lc__free(r->rows[i].value);
	}
	lc__free(r->rows);
	lc__free(r);
}

int lc__report_table(const lc__upgrade *r, lc_table **out)
{
	static const lc__column cols[] = { { "code", LC_COLUMN_INT },
					   { "violation", LC_COLUMN_TEXT },
					   { "field", LC_COLUMN_TEXT },
					   { "value", LC_COLUMN_TEXT },
					   { "leads", LC_COLUMN_INT } };
	static const lc__column sums[] = { { "checked", LC_COLUMN_INT },
					   { "invalid", LC_COLUMN_INT } };
	lc_table *t;
	int rc;

	if ((rc = lc__table_new(&t, "upgrade", cols, LC_ARRAY_LEN(cols))))
		return rc;
	for (size_t i = 0; i < r->n; i++) {
		lc__table_row(t);
		lc__table_put_int(t, 0, r->rows[i].code);
		lc__table_put_text(t, 1, lc__violation_key(r->rows[i].code));
		lc__table_put_text(t, 2, r->rows[i].field);
		lc__table_put_text(t, 3, r->rows[i].value);
		lc__table_put_int(t, 4, r->rows[i].leads);
	}
	lc__table_add_summary(t, sums, LC_ARRAY_LEN(sums));
	if (t->summary) {
		lc__table_put_int(t->summary, 0, r->checked);
		lc__table_put_int(t->summary, 1, r->invalid);
	}
	return lc__table_finish(t, out);
}

/* ---- migration maps ---- */

int lc_migration_new(lc_migration **out)
{
	LC__ARG(out, "out");
	*out = lc__calloc(1, sizeof **out);
	return *out ? 0 : LC_ENOMEM;
}

void lc_migration_free(lc_migration *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		lc__free(m->rules[i].from);
		lc__free(m->rules[i].to);
	}
	lc__free(m->rules);
	lc__free(m);
}

int lc_migration_add(lc_migration *m, lc_axis axis, const char *from, const char *to)
{
	lc__migration_rule *r;
	int rc;

	LC__ARG(m, "m");
	if (axis != LC_AXIS_MILESTONE && axis != LC_AXIS_STATUS && axis != LC_AXIS_STAGE &&
	    !lc__db_record_axis_field(axis, NULL))
		return lc__error(LC_EINVAL, "lc_migration_add: a migration moves milestones, "
					    "statuses, stages, sources, types, categories or "
					    "priorities, not %s",
				 lc_axis_name(axis) ? lc_axis_name(axis) : "that axis");
	LC__ARG(from, "from");
	LC__ARG(to, "to");
	if ((rc = lc__check_text(from, LC_KEY_MAX, "the old value", false)) ||
	    (rc = lc__check_text(to, LC_TEXT_MAX, "the new value", false)))
		return rc;
	if (!from[0])
		return lc__error(LC_EINVAL, "lc_migration_add: the old value is non-empty");
	/* An empty new value clears a state axis (one the model may no longer
	 * have); a record field keeps a value from its list. */
	if (!to[0] && lc__db_record_axis_field(axis, NULL))
		return lc__error(LC_EINVAL, "lc_migration_add: the new %s is non-empty (only a "
					    "milestone, status or stage can be cleared)",
				 lc_axis_name(axis));
	for (size_t i = 0; i < m->n; i++)
		if (m->rules[i].axis == axis && strcmp(m->rules[i].from, from) == 0)
			return lc__error(LC_EEXISTS, "%s '%s' is already mapped to '%s'",
					 lc_axis_name(axis), from, m->rules[i].to);
	if (m->n == m->cap) {
		lc__migration_rule *nv = lc__grow(m->rules, &m->cap, sizeof *nv, 4);
		if (!nv)
			return LC_ENOMEM;
		m->rules = nv;
	}
	r = &m->rules[m->n];
	r->axis = axis;
	r->from = lc__strdup(from);
	r->to = lc__strdup(to);
	if (!r->from || !r->to) {
		lc__free(r->from);
		lc__free(r->to);
		return LC_ENOMEM;
	}
	m->n++;
	return 0;
}
