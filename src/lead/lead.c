/* lc_lead: the lead record (seed 003). Plain data; no storage here. */
#include <string.h>

#include "core/versioned.h"
#include "engine/engine_internal.h"
#include "lead_internal.h"

static const char *const list_names[LC_LEAD_LIST_COUNT] = {
	"products", "team", "competitors", "activities", "attributes", "notes",
};

/* ---- reusable strings ---- */

int lc__str_set(lc__str *s, const char *text)
{
	size_t len;

	if (!text) {
		s->set = false;
		return 0;
	}
	len = strlen(text);
	if (len + 1 > s->cap) {
		/* Grow geometrically so that a field that keeps growing settles. */
		size_t cap = s->cap ? s->cap : 16;
		char *p;
		while (cap < len + 1)
			cap *= 2;
		p = lc__realloc(s->p, cap);
		if (!p)
			return LC_ENOMEM;
		s->p = p;
		s->cap = cap;
	}
	memcpy(s->p, text, len + 1);
	s->set = true;
	return 0;
}

void lc__str_clear(lc__str *s)
{
	s->set = false;
}

void lc__str_free(lc__str *s)
{
	lc__free(s->p);
	s->p = NULL;
	s->cap = 0;
	s->set = false;
}

/* ---- lists ---- */

static lc__entry *list_push(lc__list *l)
{
	lc__entry *e;

	if (l->n == l->cap) {
		lc__entry *v = lc__grow(l->v, &l->cap, sizeof *v, 4);
		if (!v)
			return NULL;
		l->v = v;
	}
	e = &l->v[l->n];
	lc__str_clear(&e->a);
	lc__str_clear(&e->b);
	e->t = LC_TIME_NONE;
	return e;
}

/* Fill a pushed entry; on failure the list is unchanged (n not raised). */
static int list_append(lc__list *l, const char *a, const char *b, lc_time t)
{
	lc__entry *e = list_push(l);

	if (!e)
		return LC_ENOMEM;
	if (lc__str_set(&e->a, a) || lc__str_set(&e->b, b))
		return LC_ENOMEM;
	e->t = t;
	l->n++;
	return 0;
}

static void list_remove(lc__list *l, size_t i)
{
	/* Keep the removed entry's buffers at the end for reuse. */
	lc__entry gone = l->v[i];
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
	l->v[l->n - 1] = gone;
	l->n--;
}

static void list_free(lc__list *l)
{
	for (size_t i = 0; i < l->cap; i++) {
		lc__str_free(&l->v[i].a);
		lc__str_free(&l->v[i].b);
	}
	lc__free(l->v);
	memset(l, 0, sizeof *l);
}

static const lc__entry *entry(const lc_lead *lead, lc_lead_list which, size_t i)
{
	if (!lead || (unsigned)which >= LC_LEAD_LIST_COUNT || i >= lead->lists[which].n)
		return NULL;
	return &lead->lists[which].v[i];
}

/* ---- life ---- */

static void clear_fields(lc_lead *lead)
{
	lead->id = 0;
	lead->version = 0;
	lead->created_at = LC_TIME_NONE;
	lead->touched_at = LC_TIME_NONE;
	lead->recycled = false;
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		lc__str_clear(&lead->text[f]);
	lead->probability = -1;
	lead->amount = 0;
	lead->currency[0] = '\0';
	for (int d = 0; d < LC_LEAD_DATE_COUNT; d++)
		lead->dates[d] = LC_TIME_NONE;
	lead->unit = 0;
	lead->agent = 0;
	lead->flags = 0;
	for (int l = 0; l < LC_LEAD_LIST_COUNT; l++)
		lead->lists[l].n = 0;
}


int lc_lead_new(lc_lead **out)
{
	lc_lead *lead;

	LC__ARG(out, "out");
	*out = NULL;
	lead = lc__calloc(1, sizeof *lead);
	if (!lead)
		return LC_ENOMEM;
	clear_fields(lead);
	*out = lead;
	return 0;
}

void lc_lead_free(lc_lead *lead)
{
	if (!lead)
		return;
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		lc__str_free(&lead->text[f]);
	for (int l = 0; l < LC_LEAD_LIST_COUNT; l++)
		list_free(&lead->lists[l]);
	lc_state_free(lead->state);
	lc__free(lead);
}

void lc_lead_reset(lc_lead *lead)
{
	if (!lead)
		return;
	clear_fields(lead);
	if (lead->state)
		lc__state_reset(lead->state);
}

static void mirror_flags(lc_lead *lead)
{
	if (lead->state)
		lead->state->flags = (lead->state->flags & ~LC__LEAD_STATE_FLAGS) |
				     (lead->flags & LC__LEAD_STATE_FLAGS);
}

static int copy_fields(lc_lead *dst, const lc_lead *src)
{
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if (lc__str_set(&dst->text[f], lc__str_get(&src->text[f])))
			return LC_ENOMEM;
	dst->probability = src->probability;
	dst->amount = src->amount;
	memcpy(dst->currency, src->currency, sizeof dst->currency);
	dst->dates[LC_LEAD_START] = src->dates[LC_LEAD_START];
	dst->dates[LC_LEAD_EXPECTED_COMPLETION] = src->dates[LC_LEAD_EXPECTED_COMPLETION];
	dst->unit = src->unit;
	dst->agent = src->agent;
	dst->flags = src->flags;
	return 0;
}

static int copy_list(lc__list *dst, const lc__list *src)
{
	dst->n = 0;
	for (size_t i = 0; i < src->n; i++)
		if (list_append(dst, lc__str_get(&src->v[i].a), lc__str_get(&src->v[i].b), src->v[i].t))
			return LC_ENOMEM;
	return 0;
}

/* The state, or the actual completion date that stands for it in an
 * unbound record. */
static int copy_state(lc_lead *dst, const lc_lead *src)
{
	if (src->state && dst->state)
		return lc_state_copy(dst->state, src->state);
	if (dst->state) {
		lc__state_reset(dst->state);
		dst->state->completed_at = src->dates[LC_LEAD_ACTUAL_COMPLETION];
	} else {
		dst->dates[LC_LEAD_ACTUAL_COMPLETION] =
			lc_lead_date(src, LC_LEAD_ACTUAL_COMPLETION);
	}
	return 0;
}

int lc__lead_copy_parts(lc_lead *dst, const lc_lead *src, unsigned int parts)
{
	int rc;

	if (dst == src)
		return 0;
	dst->id = src->id;
	dst->version = src->version;
	dst->created_at = src->created_at;
	dst->touched_at = src->touched_at;
	dst->recycled = src->recycled;
	if ((parts & LC__LEAD_COPY_FIELDS) && (rc = copy_fields(dst, src)))
		return rc;
	for (int l = 0; l < LC_LEAD_LIST_COUNT; l++) {
		unsigned int part = l == LC_LEAD_NOTES ? LC__LEAD_COPY_NOTES : LC__LEAD_COPY_LISTS;
		if ((parts & part) && (rc = copy_list(&dst->lists[l], &src->lists[l])))
			return rc;
	}
	if ((parts & LC__LEAD_COPY_STATE) && (rc = copy_state(dst, src)))
		return rc;
	mirror_flags(dst);
	return 0;
}

int lc__lead_copy(lc_lead *dst, const lc_lead *src)
{
	int rc;

	if (dst == src)
		return 0;
	if (src->state && dst->model != src->model) {
		rc = lc_lead_bind(dst, src->model);
		if (rc)
			return rc;
	}
	return lc__lead_copy_parts(dst, src, LC__LEAD_COPY_ALL);
}

int lc_lead_clone(lc_lead **out, const lc_lead *src)
{
	lc_lead *lead;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(src, "src");
	rc = lc_lead_new(&lead);
	if (rc)
		return rc;
	rc = lc__lead_copy(lead, src);
	if (rc) {
		lc_lead_free(lead);
		return rc;
	}
	*out = lead;
	return 0;
}

/* ---- identity ---- */

/* lc_lead_number()'s fields, in the order of lc_lead_number_field. */
static const lc__number_field lead_numbers[] = {
	[LC_LEAD_NUM_ID] = LC_NUMBER_FIELD(lc_lead, id, true, 0),
	[LC_LEAD_NUM_VERSION] = LC_NUMBER_FIELD(lc_lead, version, true, 0),
	[LC_LEAD_NUM_CREATED_AT] = LC_NUMBER_FIELD(lc_lead, created_at, true, LC_TIME_NONE),
	[LC_LEAD_NUM_TOUCHED_AT] = LC_NUMBER_FIELD(lc_lead, touched_at, true, LC_TIME_NONE),
	[LC_LEAD_NUM_UNIT] = LC_NUMBER_FIELD(lc_lead, unit, true, 0),
	[LC_LEAD_NUM_AGENT] = LC_NUMBER_FIELD(lc_lead, agent, true, 0),
	[LC_LEAD_NUM_PROBABILITY] = LC_NUMBER_FIELD(lc_lead, probability, true, -1),
	[LC_LEAD_NUM_AMOUNT] = LC_NUMBER_FIELD(lc_lead, amount, true, 0),
	[LC_LEAD_NUM_FLAGS] = LC_NUMBER_FIELD(lc_lead, flags, false, 0),
};
_Static_assert(LC_ARRAY_LEN(lead_numbers) == LC_LEAD_NUM_FLAGS + 1, "one entry a field");

int64_t lc_lead_number(const lc_lead *lead, lc_lead_number_field field)
{
	int64_t n = lc__number_read(lead, lead_numbers, LC_ARRAY_LEN(lead_numbers), field);
	/* The recycle bin is kept apart from the settable flags, and read with them. */
	if (field == LC_LEAD_NUM_FLAGS && lead && lead->recycled)
		n |= LC_LEAD_RECYCLED;
	return n;
}

/* ---- text fields ---- */

const char *lc_lead_text_name(lc_lead_text_field field)
{
	if ((unsigned)field >= LC_LEAD_TEXT_COUNT)
		return NULL;
	return lc__lead_text_keys[field];
}

int lc_lead_text_parse(const char *name, lc_lead_text_field *out)
{
	char buf[32];
	size_t n;

	LC__ARG(name, "name");
	LC__ARG(out, "out");
	n = strlen(name);
	if (n < sizeof buf) {
		for (size_t i = 0; i <= n; i++)
			buf[i] = name[i] == '-' ? '_' : name[i];
		for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
			if (lc__streq_nocase(buf, lc__lead_text_keys[f])) {
				*out = (lc_lead_text_field)f;
				return 0;
			}
	}
	return lc__error(LC_ENOTFOUND,
			 "'%.64s' is not a lead text field; use one of external_id, name, email, "
			 "phone, company, type, category, priority, importance, source, "
			 "lost_reason, owner_group, segment, account",
			 name);
}

int lc_lead_set_text(lc_lead *lead, lc_lead_text_field field, const char *value)
{
	size_t max;
	int rc;

	LC__ARG(lead, "lead");
	if ((unsigned)field >= LC_LEAD_TEXT_COUNT)
		return lc__error(LC_EINVAL, "lc_lead_set_text: %d is not a text field", (int)field);
	max = field == LC_LEAD_EXTERNAL_ID ? LC_LEAD_EXTERNAL_ID_MAX : LC_LEAD_TEXT_MAX;
	if (!value || !value[0]) {
		lc__str_clear(&lead->text[field]);
		return 0;
	}
	rc = lc__check_text(value, max, lc__lead_text_keys[field], true);
	if (rc)
		return rc;
	return lc__str_set(&lead->text[field], value);
}

const char *lc_lead_text(const lc_lead *lead, lc_lead_text_field field)
{
	if (!lead || (unsigned)field >= LC_LEAD_TEXT_COUNT)
		return NULL;
	return lc__str_get(&lead->text[field]);
}

/* ---- commercial fields ---- */

int lc_lead_set_probability(lc_lead *lead, int32_t percent)
{
	LC__ARG(lead, "lead");
	if (percent < -1 || percent > 100)
		return lc__error(LC_ERANGE,
				 "probability %d is out of range; give a percentage from 0 to 100 "
				 "(or -1 to clear it)",
				 (int)percent);
	lead->probability = percent;
	return 0;
}

int lc_lead_set_amount(lc_lead *lead, int64_t minor_units, const char *currency)
{
	LC__ARG(lead, "lead");
	if (!currency) {
		lead->amount = 0;
		lead->currency[0] = '\0';
		return 0;
	}
	for (int i = 0; i < 3; i++)
		if (currency[i] < 'A' || currency[i] > 'Z')
			goto bad;
	if (currency[3] != '\0')
		goto bad;
	if (minor_units < 0)
		return lc__error(LC_ERANGE,
				 "the target amount %lld is negative; give it in minor units >= 0",
				 (long long)minor_units);
	lead->amount = minor_units;
	memcpy(lead->currency, currency, 4);
	return 0;
bad:
	return lc__error(LC_EINVAL,
			 "the currency must be an ISO 4217 code of three upper-case letters, "
			 "such as EUR or USD");
}

const char *lc_lead_currency(const lc_lead *lead)
{
	return lead && lead->currency[0] ? lead->currency : NULL;
}

/* ---- key dates ---- */

int lc_lead_set_date(lc_lead *lead, lc_lead_date_field which, lc_time t)
{
	LC__ARG(lead, "lead");
	if ((unsigned)which >= LC_LEAD_DATE_COUNT)
		return lc__error(LC_EINVAL, "lc_lead_set_date: %d is not a key date", (int)which);
	if (lc__time_check(t, true, "lc_lead_set_date"))
		return LC_ERANGE;
	lead->dates[which] = t;
	if (which == LC_LEAD_ACTUAL_COMPLETION && lead->state)
		lead->state->completed_at = t;
	return 0;
}

lc_time lc_lead_date(const lc_lead *lead, lc_lead_date_field which)
{
	if (!lead || (unsigned)which >= LC_LEAD_DATE_COUNT)
		return LC_TIME_NONE;
	if (which == LC_LEAD_ACTUAL_COMPLETION && lead->state)
		return lead->state->completed_at;
	return lead->dates[which];
}

static int64_t time_to_completion(const lc_lead *lead, lc_time now)
{
	lc_time expected = lc_lead_date(lead, LC_LEAD_EXPECTED_COMPLETION);

	if (expected == LC_TIME_NONE)
		return LC_TIME_NONE;
	if (!lc__time_valid(now))
		return 0; /* dates are valid times; a `now` outside them has no answer */
	if (lc_lead_date(lead, LC_LEAD_ACTUAL_COMPLETION) != LC_TIME_NONE || now >= expected)
		return 0;
	return expected - now;
}

static int64_t estimated_completion_time(const lc_lead *lead)
{
	lc_time start = lc_lead_date(lead, LC_LEAD_START);
	lc_time expected = lc_lead_date(lead, LC_LEAD_EXPECTED_COMPLETION);

	if (start == LC_TIME_NONE || expected == LC_TIME_NONE)
		return LC_TIME_NONE;
	return expected - start;
}

static int64_t time_overdue(const lc_lead *lead, lc_time now)
{
	lc_time expected = lc_lead_date(lead, LC_LEAD_EXPECTED_COMPLETION);
	lc_time actual = lc_lead_date(lead, LC_LEAD_ACTUAL_COMPLETION);
	lc_time ref = actual != LC_TIME_NONE ? actual : now;

	if (expected == LC_TIME_NONE)
		return LC_TIME_NONE;
	if (!lc__time_valid(ref))
		return 0;
	return ref > expected ? ref - expected : 0;
}

int64_t lc_lead_duration(const lc_lead *lead, lc_lead_duration_field which, lc_time now)
{
	if (!lead)
		return LC_TIME_NONE;
	switch (which) {
	case LC_LEAD_TIME_TO_COMPLETION:
		return time_to_completion(lead, now);
	case LC_LEAD_ESTIMATED_COMPLETION_TIME:
		return estimated_completion_time(lead);
	case LC_LEAD_TIME_OVERDUE:
		return time_overdue(lead, now);
	}
	return LC_TIME_NONE;
}

/* ---- ownership and flags ---- */

int lc_lead_set_unit(lc_lead *lead, lc_id unit)
{
	LC__ARG(lead, "lead");
	if (unit < 0)
		return lc__error(LC_EINVAL, "lc_lead_set_unit: a unit id is > 0 (or 0 for none)");
	lead->unit = unit;
	return 0;
}

int lc_lead_set_agent(lc_lead *lead, lc_id agent)
{
	LC__ARG(lead, "lead");
	if (agent < 0)
		return lc__error(LC_EINVAL, "lc_lead_set_agent: an agent id is > 0 (or 0 for none)");
	lead->agent = agent;
	return 0;
}

int lc_lead_set_flag(lc_lead *lead, uint32_t flag, int on)
{
	LC__ARG(lead, "lead");
	if (flag == LC_LEAD_RECYCLED)
		return lc__error(LC_EINVAL, "the recycled flag is read-only; use lc_db_lead_recycle() "
					    "or lc_db_lead_restore()");
	if (!(flag & LC__LEAD_SETTABLE_FLAGS) || (flag & (flag - 1)))
		return lc__error(LC_EINVAL,
				 "lc_lead_set_flag: give exactly one of LC_LEAD_DO_NOT_CALL, "
				 "LC_LEAD_DO_NOT_EMAIL, LC_LEAD_AUTOMATION_STOPPED");
	if (on)
		lead->flags |= flag;
	else
		lead->flags &= ~flag;
	mirror_flags(lead);
	return 0;
}

/* ---- lists ---- */

size_t lc_lead_list_count(const lc_lead *lead, lc_lead_list which)
{
	if (!lead || (unsigned)which >= LC_LEAD_LIST_COUNT)
		return 0;
	return lead->lists[which].n;
}

/* lc_lead_entry is filled, never read, so it has no _init(): callers use the macro. */
static const size_t entry_sizes[] = { LC_FIELD_END(lc_lead_entry, time) };
static const lc_lead_entry entry_defaults = LC_LEAD_ENTRY_INIT;
static const lc__struct_desc entry_desc = { "lc_lead_entry", "LC_LEAD_ENTRY_INIT", entry_sizes,
					    LC_LEAD_ENTRY_VERSION, &entry_defaults,
					    sizeof(lc_lead_entry) };

int lc_lead_list_get(const lc_lead *lead, lc_lead_list which, size_t i, lc_lead_entry *out)
{
	const lc__entry *e;
	lc_lead_entry got;
	size_t size;

	LC__ARG(lead, "lead");
	LC__ARG(out, "entry");
	if ((unsigned)which >= LC_LEAD_LIST_COUNT)
		return lc__error(LC_EINVAL, "lc_lead_list_get: %d is not a list", (int)which);
	if (!(size = lc__struct_size(&entry_desc, out->version, "lc_lead_list_get")))
		return LC_EVERSION;
	if (!(e = entry(lead, which, i)))
		return lc__error(LC_ERANGE, "the %s list has %zu entries; there is no entry %zu",
				 list_names[which], lead->lists[which].n, i);
	got = (lc_lead_entry){ out->version, lc__str_get(&e->a), lc__str_get(&e->b), e->t };
	memcpy(out, &got, size);
	return 0;
}

static int check_editable_list(const lc_lead *lead, lc_lead_list which, const char *fn)
{
	LC__ARG_IN(fn, lead, "lead");
	if ((unsigned)which >= LC_LEAD_LIST_COUNT)
		return lc__error(LC_EINVAL, "%s: %d is not a list", fn, (int)which);
	if (which == LC_LEAD_NOTES)
		return lc__error(LC_EINVAL, "%s: shared notes are append-only; add one with "
					    "lc_db_lead_note()",
				 fn);
	return 0;
}

int lc_lead_list_remove(lc_lead *lead, lc_lead_list which, size_t i)
{
	int rc = check_editable_list(lead, which, "lc_lead_list_remove");

	if (rc)
		return rc;
	if (i >= lead->lists[which].n)
		return lc__error(LC_ERANGE, "the %s list has %zu entries; there is no entry %zu",
				 list_names[which], lead->lists[which].n, i);
	list_remove(&lead->lists[which], i);
	return 0;
}

int lc_lead_list_clear(lc_lead *lead, lc_lead_list which)
{
	int rc = check_editable_list(lead, which, "lc_lead_list_clear");

	if (rc)
		return rc;
	lead->lists[which].n = 0;
	return 0;
}

/* A required entry text: non-empty, bounded, UTF-8. */
static int check_entry(const char *s, size_t max, const char *what, bool may_be_null)
{
	int rc = lc__check_text(s, max, what, may_be_null);

	if (rc)
		return rc;
	if (s && !s[0] && !may_be_null)
		return lc__error(LC_EINVAL, "%s is empty; give some text", what);
	return 0;
}

int lc_lead_product_add(lc_lead *lead, const char *name, const char *note)
{
	int rc;

	LC__ARG(lead, "lead");
	LC__ARG(name, "name");
	if ((rc = check_entry(name, LC_LEAD_TEXT_MAX, "the product name", false)) ||
	    (rc = check_entry(note, LC_LEAD_TEXT_MAX, "the product note", true)))
		return rc;
	return list_append(&lead->lists[LC_LEAD_PRODUCTS], name, note && note[0] ? note : NULL,
			   LC_TIME_NONE);
}

int lc_lead_name_add(lc_lead *lead, lc_lead_list which, const char *name)
{
	int rc;

	LC__ARG(lead, "lead");
	if (which != LC_LEAD_TEAM && which != LC_LEAD_COMPETITORS)
		return lc__error(LC_EINVAL,
				 "lc_lead_name_add: names go to LC_LEAD_TEAM or LC_LEAD_COMPETITORS");
	LC__ARG(name, "name");
	rc = check_entry(name, LC_LEAD_TEXT_MAX, which == LC_LEAD_TEAM ? "the team member"
								       : "the competitor",
			 false);
	if (rc)
		return rc;
	return list_append(&lead->lists[which], name, NULL, LC_TIME_NONE);
}

int lc_lead_activity_add(lc_lead *lead, const char *what, lc_time when, const char *who)
{
	int rc;

	LC__ARG(lead, "lead");
	if (lc__time_check(when, true, "lc_lead_activity_add"))
		return LC_ERANGE;
	LC__ARG(what, "what");
	if ((rc = check_entry(what, LC_LEAD_TEXT_MAX, "the activity", false)) ||
	    (rc = check_entry(who, LC_LEAD_TEXT_MAX, "the activity's owner", true)))
		return rc;
	return list_append(&lead->lists[LC_LEAD_ACTIVITIES], what, who && who[0] ? who : NULL,
			   when);
}

static long attr_find(const lc_lead *lead, const char *key)
{
	const lc__list *l = &lead->lists[LC_LEAD_ATTRIBUTES];

	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].a.p, key) == 0)
			return (long)i;
	return -1;
}

int lc_lead_attr_set(lc_lead *lead, const char *key, const char *value)
{
	long i;
	int rc;

	LC__ARG(lead, "lead");
	LC__ARG(key, "key");
	if ((rc = check_entry(key, LC_LEAD_ATTR_KEY_MAX, "the attribute key", false)) ||
	    (rc = check_entry(value, LC_LEAD_TEXT_MAX, "the attribute value", true)))
		return rc;
	i = attr_find(lead, key);
	if (!value) {
		if (i >= 0)
			list_remove(&lead->lists[LC_LEAD_ATTRIBUTES], (size_t)i);
		return 0;
	}
	if (i >= 0)
		return lc__str_set(&lead->lists[LC_LEAD_ATTRIBUTES].v[i].b, value);
	return list_append(&lead->lists[LC_LEAD_ATTRIBUTES], key, value, LC_TIME_NONE);
}

const char *lc_lead_attr_get(const lc_lead *lead, const char *key)
{
	long i;

	if (!lead || !key)
		return NULL;
	i = attr_find(lead, key);
	return i >= 0 ? lc__str_get(&lead->lists[LC_LEAD_ATTRIBUTES].v[i].b) : NULL;
}

int lc__lead_add_note(lc_lead *lead, lc_time time, const char *author, const char *text)
{
	return list_append(&lead->lists[LC_LEAD_NOTES], text, author, time);
}

/* ---- state ---- */

int lc_lead_bind(lc_lead *lead, const lc_model *model)
{
	lc_state *s, *old;
	int rc;

	LC__ARG(lead, "lead");
	LC__ARG(model, "model");
	if (lead->model == model && lead->state)
		return 0;
	rc = lc_state_new(&s, model);
	if (rc)
		return rc;
	old = lead->state;
	if (old) {
		/* Carry the values over by key; unknown ones stay as text. */
		static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
						LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
		for (size_t i = 0; i < LC_ARRAY_LEN(axes); i++) {
			rc = lc__state_set_raw(s, axes[i], lc_state_get(old, axes[i]));
			if (rc) {
				lc_state_free(s);
				return rc;
			}
		}
		s->follow_up = old->follow_up;
		s->completed_at = old->completed_at;
		/* Counters too, by key; those of stages the new model lacks are kept. */
		{
			const char *key;
			uint32_t n;
			for (size_t i = 0; !rc && lc__state_entries_at(old, i, &key, &n); i++)
				rc = lc__state_set_stored_entries(s, key, n);
		}
		lc_state_free(old);
		if (rc) {
			lc_state_free(s);
			return rc;
		}
	} else {
		s->completed_at = lead->dates[LC_LEAD_ACTUAL_COMPLETION];
	}
	lead->state = s;
	lead->model = model;
	mirror_flags(lead);
	return 0;
}

const lc_model *lc_lead_model(const lc_lead *lead)
{
	return lead ? lead->model : NULL;
}

/* ---- the model's judgement ---- */

static const char *attr_key_of(const void *lead, size_t i)
{
	const lc__list *l = &((const lc_lead *)lead)->lists[LC_LEAD_ATTRIBUTES];
	return i < l->n ? l->v[i].a.p : NULL;
}

int lc__lead_judge_record(const lc_model *m, const lc_lead *lead, const lc_state *state,
			  lc_violations *out)
{
	lc__record r = { .state = state,
			 .nattrs = lc_lead_list_count(lead, LC_LEAD_ATTRIBUTES),
			 .attr_key = attr_key_of,
			 .ud = lead };

	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		r.text[f] = lc_lead_text(lead, (lc_lead_text_field)f);
	return lc__validate_record(m, &r, out);
}

int lc_lead_validate(const lc_lead *lead, lc_violations *out)
{
	int state_rc, record_rc;

	LC__ARG(lead, "lead");
	if (!lead->model)
		return lc__error(LC_EINVAL, "lc_lead_validate: the record is not bound to a model; "
					    "lc_lead_bind() it first");
	state_rc = lc_validate_state(lead->model, lead->state, out);
	if (state_rc && state_rc != LC_EINVALID)
		return state_rc;
	record_rc = lc__lead_judge_record(lead->model, lead, lead->state, out);
	if (!state_rc && !record_rc)
		return 0;
	if (!out) /* only the verdict: the violations were not counted */
		return lc__error(LC_EINVALID, "lc_lead_validate: model %s does not allow this lead",
				 lc_model_name(lead->model));
	return lc__error(LC_EINVALID,
			 "lc_lead_validate: model %s does not allow this lead (%zu violation%s)",
			 lc_model_name(lead->model), out->n + out->dropped,
			 out->n + out->dropped == 1 ? "" : "s");
}

const lc_state *lc_lead_state(const lc_lead *lead)
{
	return lead ? lead->state : NULL;
}

int lc_lead_set_state(lc_lead *lead, const lc_state *state)
{
	int rc;

	LC__ARG(lead, "lead");
	LC__ARG(state, "state");
	if (!lead->state)
		return lc__error(LC_EINVAL, "lc_lead_set_state: the record is not bound to a model; "
					    "call lc_lead_bind() with the state's model first");
	rc = lc_state_copy(lead->state, state);
	if (rc)
		return rc;
	mirror_flags(lead);
	return 0;
}

bool lc__lead_state_same(const lc_state *a, const lc_state *b)
{
	/* lc_state_equal() with the flags aside: the record owns those. */
	if (!a || !b)
		return a == b;
	return lc__state_same(a, b, false);
}
