/* lc_db: queries, history, replay, model upgrades, and the core's fallbacks
 * for the optional vtable slots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "store_internal.h"

/* ---- lead iterators ---- */

struct lc_lead_iter {
	lc_db *db;
	lc_query *q;    /* the caller's query, copied */
	lc_query *bq;   /* what the backend sees (no limit when the core filters) */
	void *cursor;
	lc_lead *lead;
	size_t returned;
	bool done;
};

static int open_leads(lc_db *db, const lc_query *q, lc_lead_iter **out)
{
	lc_lead_iter *it;
	int rc;

	*out = NULL;
	if ((rc = lc__db_need_model(db, "lc_db_query")))
		return rc;
	if ((rc = lc__db_check_poisoned(db)))
		return rc;
	it = lc__calloc(1, sizeof *it);
	if (!it)
		return LC_ENOMEM;
	it->db = db;
	rc = lc_query_new(&it->q);
	if (!rc && q)
		rc = lc__query_copy(it->q, q);
	if (!rc)
		rc = lc__query_resolve(it->q, db->model, "lc_db_query: the query's condition");
	if (!rc)
		rc = lc_query_new(&it->bq);
	if (!rc)
		rc = lc__query_copy(it->bq, it->q);
	if (!rc && LC__QUERY_CORE_FILTER(it->q))
		it->bq->limit = 0;
	if (!rc)
		rc = lc_lead_new(&it->lead);
	if (!rc)
		rc = lc_lead_bind(it->lead, db->model);
	if (!rc) {
		rc = db->vt.lead_iter_open(db->be, it->bq, &it->cursor);
		if (rc)
			rc = lc__store_fail(rc, "querying leads");
	}
	if (rc) {
		lc_lead_iter_free(it);
		return rc;
	}
	*out = it;
	return 0;
}

int lc_db_query(lc_db *db, const lc_query *q, lc_lead_iter **out)
{
	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(db, "db");
	return open_leads(db, q, out);
}

/* Every flag of `flags` carried by some value of the state (a flag on the
 * status, another on the stage, counts). */
static bool has_value_flags(const lc_state *s, uint32_t flags)
{
	for (uint32_t bit = 1; bit && bit <= flags; bit <<= 1)
		if ((flags & bit) && !lc__state_has_flag(s, bit))
			return false;
	return true;
}

int lc_lead_iter_next(lc_lead_iter *it, const lc_lead **lead)
{
	lc_db *db;
	int rc;

	if (lead)
		*lead = NULL;
	LC__ARG(it, "it");
	LC__ARG(lead, "lead");
	db = it->db;
	if (it->done)
		return 0;
	if (it->lead->model != db->model)
		return lc__error(LC_ESTATE, "the store's model changed while iterating; query again");
	for (;;) {
		if (it->q->limit && it->returned >= it->q->limit) {
			it->done = true;
			return 0;
		}
		lc_lead_reset(it->lead);
		rc = db->vt.lead_iter_next(db->be, it->cursor, it->lead);
		/* A damaged row is reported; the next call goes on after it. */
		if (rc < 0)
			return lc__store_read_fail(rc, "reading the next lead", it->lead->id);
		if (rc == 0) {
			it->done = true;
			return 0;
		}
		it->lead->state->flags = (it->lead->state->flags & ~LC__LEAD_STATE_FLAGS) |
					 (it->lead->flags & LC__LEAD_STATE_FLAGS);
		/* Invalid: the model refuses the state or the record's fields. */
		if (it->q->invalid && lc_validate_state(db->model, it->lead->state, NULL) == 0 &&
		    lc__lead_judge_record(db->model, it->lead, it->lead->state, NULL) == 0)
			continue;
		if (it->q->value_flags && !has_value_flags(it->lead->state, it->q->value_flags))
			continue;
		it->returned++;
		*lead = it->lead;
		return 1;
	}
}

lc_id lc__lead_iter_id(const lc_lead_iter *it)
{
	return it->lead->id;
}

void lc_lead_iter_free(lc_lead_iter *it)
{
	if (!it)
		return;
	if (it->cursor)
		it->db->vt.iter_close(it->db->be, it->cursor);
	lc_lead_free(it->lead);
	lc_query_free(it->q);
	lc_query_free(it->bq);
	lc__free(it);
}

/* Run fn over every lead a query matches (inside the caller's transaction or
 * none). fn returns 0 to go on. */
typedef int (*lead_fn)(lc_db *db, const lc_lead *lead, void *ud);

static int each_lead(lc_db *db, const lc_query *q, lead_fn fn, void *ud)
{
	lc_lead_iter *it;
	const lc_lead *lead;
	int rc;

	if ((rc = open_leads(db, q, &it)))
		return rc;
	while ((rc = lc_lead_iter_next(it, &lead)) == 1)
		if ((rc = fn(db, lead, ud)))
			break;
	lc_lead_iter_free(it);
	return rc < 0 || rc > 1 ? rc : 0;
}

static int count_one(lc_db *db, const lc_lead *lead, void *ud)
{
	(void)db;
	(void)lead;
	(*(size_t *)ud)++;
	return 0;
}

static int emit_total(void *ud, const char *const *values, size_t count)
{
	(void)values;
	*(size_t *)ud += count;
	return 0;
}

int lc_db_count(lc_db *db, const lc_query *q, size_t *out)
{
	lc_query *copy = NULL;
	size_t n = 0;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(out, "out");
	if ((rc = lc__db_need_model(db, "lc_db_count")))
		return rc;
	if ((rc = lc_query_new(&copy)) || (q && (rc = lc__query_copy(copy, q)))) {
		lc_query_free(copy);
		return rc;
	}
	copy->limit = 0;
	copy->after = 0;
	if ((rc = lc__query_resolve(copy, db->model, "lc_db_count: the query's condition"))) {
		lc_query_free(copy);
		return rc;
	}
	if (!LC__QUERY_CORE_FILTER(copy) && db->vt.count_grouped) {
		if (!(rc = lc__db_txn_begin(db, false))) {
			rc = db->vt.count_grouped(db->be, copy, NULL, 0, emit_total, &n);
			if (rc)
				rc = lc__store_fail(rc, "counting leads");
			rc = lc__db_txn_end(db, rc);
		}
	} else {
		rc = each_lead(db, copy, count_one, &n);
	}
	lc_query_free(copy);
	if (!rc)
		*out = n;
	return rc;
}

/* ---- grouped counts: the fallback ---- */

typedef struct group {
	char *key; /* values joined by '\x1f'; unset as '\x1e' */
	size_t count;
	int64_t sum; /* of the amounts, when summing */
} group;

typedef struct group_acc {
	const lc_axis *keys;
	size_t nkeys;
	bool sum; /* the currency is one more key, and amounts are added up */
	group *g;
	size_t n, cap;
	lc_buf buf;
	/* Set: the sum is of the lead's entries into this repeatable stage
	 * (lc_state_stage_entries), not of its amount. */
	const char *entries_stage;
} group_acc;

/* What a lead adds to its group's sum: its amount, or its entries. */
static int64_t group_measure(const group_acc *acc, const lc_lead *lead)
{
	if (acc->entries_stage)
		return (int64_t)lc_state_stage_entries(lead->state, acc->entries_stage);
	return lc_lead_number(lead, LC_LEAD_NUM_AMOUNT);
}

static const char *group_value(const lc_lead *lead, lc_axis k, char *num)
{
	const lc_state *s = lead->state;

	switch (k) {
	case LC_AXIS_MILESTONE:
	case LC_AXIS_STATUS:
	case LC_AXIS_PHASE:
	case LC_AXIS_STAGE:
	case LC_AXIS_LIFECYCLE: return lc_state_get(s, k);
	case LC_AXIS_SOURCE: return lc_lead_text(lead, LC_LEAD_SOURCE);
	case LC_AXIS_OWNER_GROUP: return lc_lead_text(lead, LC_LEAD_OWNER_GROUP);
	case LC_AXIS_SEGMENT: return lc_lead_text(lead, LC_LEAD_SEGMENT);
	case LC_AXIS_TYPE: return lc_lead_text(lead, LC_LEAD_TYPE);
	case LC_AXIS_CATEGORY: return lc_lead_text(lead, LC_LEAD_CATEGORY);
	case LC_AXIS_PRIORITY: return lc_lead_text(lead, LC_LEAD_PRIORITY);
	case LC_AXIS_OWNER:
		if (!lead->agent)
			return NULL;
		snprintf(num, 24, "%lld", (long long)lead->agent);
		return num;
	case LC_AXIS_UNIT:
		if (!lead->unit)
			return NULL;
		snprintf(num, 24, "%lld", (long long)lead->unit);
		return num;
	default: return NULL;
	}
}

static int group_one(lc_db *db, const lc_lead *lead, void *ud)
{
	group_acc *acc = ud;
	char num[24];

	(void)db;
	acc->buf.len = 0;
	acc->buf.failed = false;
	if (acc->buf.data)
		acc->buf.data[0] = '\0';
	for (size_t i = 0; i < acc->nkeys; i++) {
		const char *v = group_value(lead, acc->keys[i], num);
		if (i)
			lc__buf_putc(&acc->buf, '\x1f');
		lc__buf_puts(&acc->buf, v ? v : "\x1e");
	}
	if (acc->sum) {
		const char *cur = lc_lead_currency(lead);
		if (acc->nkeys)
			lc__buf_putc(&acc->buf, '\x1f');
		lc__buf_puts(&acc->buf, cur ? cur : "\x1e");
	}
	if (acc->buf.failed)
		return LC_ENOMEM;
	for (size_t i = 0; i < acc->n; i++)
		if (strcmp(acc->g[i].key, acc->buf.data ? acc->buf.data : "") == 0) {
			acc->g[i].count++;
			if (__builtin_add_overflow(acc->g[i].sum, group_measure(acc, lead),
						   &acc->g[i].sum))
				return lc__error(LC_ERANGE, "the sum of the amounts in %s overflows",
						 lc_lead_currency(lead));
			return 0;
		}
	if (acc->n == acc->cap) {
		group *ng = lc__grow(acc->g, &acc->cap, sizeof *ng, 16);
		if (!ng)
			return LC_ENOMEM;
		acc->g = ng;
	}
	acc->g[acc->n].key = lc__strdup(acc->buf.data ? acc->buf.data : "");
	if (!acc->g[acc->n].key)
		return LC_ENOMEM;
	acc->g[acc->n].count = 1;
	acc->g[acc->n].sum = group_measure(acc, lead);
	acc->n++;
	return 0;
}

static int check_group_keys(const lc_axis *keys, size_t nkeys)
{
	for (size_t i = 0; i < nkeys; i++)
		if (!((keys[i] >= LC_AXIS_MILESTONE && keys[i] <= LC_AXIS_LIFECYCLE) ||
		      (keys[i] >= LC_AXIS_OWNER && keys[i] <= LC_AXIS_PRIORITY)))
			return lc__error(LC_EINVAL, "grouped count: axis %d is neither a state nor a "
						    "record axis", (int)keys[i]);
	return 0;
}

/* Group by iterating the leads; emit with the count, or the count and sum. */
static int grouped_by_iterating(lc_db *db, const lc_query *q, group_acc *acc,
				lc_group_emit_fn emit, lc__group_sum_fn emit_sum, void *ud)
{
	size_t nvalues = acc->nkeys + acc->sum;
	const char **values = NULL;
	int rc;

	lc__buf_init(&acc->buf);
	rc = each_lead(db, q, group_one, acc);
	values = lc__calloc(nvalues ? nvalues : 1, sizeof *values);
	if (!rc && !values)
		rc = LC_ENOMEM;
	for (size_t i = 0; !rc && i < acc->n; i++) {
		char *p = acc->g[i].key;
		for (size_t k = 0; k < nvalues; k++) {
			char *sep = strchr(p, '\x1f');
			if (sep)
				*sep = '\0';
			values[k] = strcmp(p, "\x1e") == 0 ? NULL : p;
			p = sep ? sep + 1 : p + strlen(p);
		}
		rc = emit_sum ? emit_sum(ud, values, acc->g[i].count, acc->g[i].sum)
			      : emit(ud, values, acc->g[i].count);
	}
	for (size_t i = 0; i < acc->n; i++)
		lc__free(acc->g[i].key);
	lc__free(acc->g);
	lc__free(values);
	lc__buf_free(&acc->buf);
	return rc;
}

/* A copy of the query without paging (NULL: every lead not recycled), its
 * values the model's keys. */
static int unpaged(lc_db *db, const lc_query *q, lc_query **copy)
{
	int rc;
	if ((rc = lc_query_new(copy)) || (q && (rc = lc__query_copy(*copy, q))))
		return rc;
	(*copy)->limit = 0;
	(*copy)->after = 0;
	return lc__query_resolve(*copy, db->model, "the report's condition");
}

int lc__db_count_grouped(lc_db *db, const lc_query *q, const lc_axis *keys, size_t nkeys,
			 lc_group_emit_fn emit, void *ud)
{
	group_acc acc = { keys, nkeys, false, NULL, 0, 0, { 0 }, NULL };
	lc_query *copy = NULL;
	int rc;

	if (!db || !emit || (nkeys && !keys))
		return lc__error(LC_EINVAL, "grouped count: bad arguments");
	if ((rc = check_group_keys(keys, nkeys)) || (rc = unpaged(db, q, &copy)))
		goto out;
	if (!LC__QUERY_CORE_FILTER(copy) && db->vt.count_grouped) {
		if (!(rc = lc__db_txn_begin(db, false))) {
			rc = db->vt.count_grouped(db->be, copy, keys, nkeys, emit, ud);
			if (rc < 0)
				rc = lc__store_fail(rc, "counting leads");
			rc = lc__db_txn_end(db, rc);
		}
		goto out;
	}
	rc = grouped_by_iterating(db, copy, &acc, emit, NULL, ud);
out:
	lc_query_free(copy);
	return rc;
}

int lc__db_sum_grouped(lc_db *db, const lc_query *q, const lc_axis *keys, size_t nkeys,
		       lc__group_sum_fn emit, void *ud)
{
	group_acc acc = { keys, nkeys, true, NULL, 0, 0, { 0 }, NULL };
	lc_query *copy = NULL;
	int rc;

	if (!db || !emit || (nkeys && !keys))
		return lc__error(LC_EINVAL, "grouped sum: bad arguments");
	if (!(rc = check_group_keys(keys, nkeys)) && !(rc = unpaged(db, q, &copy)))
		rc = grouped_by_iterating(db, copy, &acc, NULL, emit, ud);
	lc_query_free(copy);
	return rc;
}

int lc__db_stage_entries(lc_db *db, const lc_query *q, const lc_axis *keys, size_t nkeys,
			 bool currency, lc__group_sum_fn emit, void *ud)
{
	const lc_model *m = db->model;
	int rc = check_group_keys(keys, nkeys);

	for (size_t i = 0; !rc && i < lc_model_value_count(m, LC_AXIS_STAGE); i++) {
		const char *stage = lc_model_value_key(m, LC_AXIS_STAGE, i);
		group_acc acc = { keys, nkeys, currency, NULL, 0, 0, { 0 }, stage };
		lc_query *copy = NULL;
		const char *want;
		if (!(lc_model_value_flags(m, LC_AXIS_STAGE, i) & LC_FLAG_REPEATABLE))
			continue;
		/* Only the leads in this stage: none when the query wants another. */
		if (!(rc = unpaged(db, q, &copy)) &&
		    (!(want = lc_query_value(copy, LC_AXIS_STAGE)) || strcmp(want, stage) == 0) &&
		    !(rc = lc_query_set_value(copy, LC_AXIS_STAGE, stage)))
			rc = grouped_by_iterating(db, copy, &acc, NULL, emit, ud);
		lc_query_free(copy);
	}
	return rc;
}

/* ---- worklists: the fallback ---- */

typedef struct wl_item {
	lc_id id;
	lc_worklist_reason kind;
	lc_time follow_up;
} wl_item;

typedef struct wl_acc {
	lc_time day_start, day_end;
	wl_item *v;
	size_t n, cap;
} wl_acc;

static int wl_one(lc_db *db, const lc_lead *lead, void *ud)
{
	wl_acc *acc = ud;
	lc_time fu = lc_state_time(lead->state, LC_STATE_TIME_FOLLOW_UP);
	lc_worklist_reason kind;

	(void)db;
	if (fu != LC_TIME_NONE && fu < acc->day_start)
		kind = LC_WORKLIST_REASON_OVERDUE;
	else if (fu != LC_TIME_NONE && fu < acc->day_end)
		kind = LC_WORKLIST_REASON_DUE;
	else if (lead->touched_at == LC_TIME_NONE)
		kind = LC_WORKLIST_REASON_NEW;
	else
		return 0;
	if (acc->n == acc->cap) {
		wl_item *nv = lc__grow(acc->v, &acc->cap, sizeof *nv, 64);
		if (!nv)
			return LC_ENOMEM;
		acc->v = nv;
	}
	acc->v[acc->n++] = (wl_item){ lead->id, kind, fu };
	return 0;
}

static int wl_cmp(const void *pa, const void *pb)
{
	const wl_item *a = pa, *b = pb;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind != LC_WORKLIST_REASON_NEW && a->follow_up != b->follow_up)
		return a->follow_up < b->follow_up ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

int lc__db_worklist(lc_db *db, lc_id agent, lc_time day_start, lc_time day_end, size_t limit,
		    lc_worklist_emit_fn emit, void *ud)
{
	wl_acc acc = { day_start, day_end, NULL, 0, 0 };
	lc_query *q = NULL;
	int rc;

	if (!db || !emit || agent <= 0 || day_start >= day_end)
		return lc__error(LC_EINVAL, "worklist: give an agent id > 0, a day [start, end) and "
					    "an emit function");
	if (db->vt.worklist) {
		if ((rc = lc__db_txn_begin(db, false)))
			return rc;
		rc = db->vt.worklist(db->be, agent, day_start, day_end, limit, emit, ud);
		if (rc < 0)
			rc = lc__store_fail(rc, "building the worklist");
		return lc__db_txn_end(db, rc);
	}
	if ((rc = lc_query_new(&q)) || (rc = lc_query_set_agent(q, agent)))
		goto out;
	if ((rc = each_lead(db, q, wl_one, &acc)))
		goto out;
	if (acc.n) /* qsort(NULL, 0, ...) is undefined behaviour */
		qsort(acc.v, acc.n, sizeof *acc.v, wl_cmp);
	for (size_t i = 0; i < acc.n && (!limit || i < limit) && !rc; i++)
		rc = emit(ud, acc.v[i].id, acc.v[i].kind, acc.v[i].follow_up);
out:
	lc__free(acc.v);
	lc_query_free(q);
	return rc;
}

/* ---- history ---- */

struct lc_event_iter {
	lc_db *db;
	void *cursor;
	lc_event *ev;
	bool done;
};

int lc_db_history(lc_db *db, lc_id lead_id, lc_event_iter **out)
{
	lc_event_iter *it;
	lc_lead *lead;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(db, "db");
	if (lead_id < 0)
		return lc__error(LC_EINVAL, "lc_db_history: give a lead id, or 0 for every lead");
	if ((rc = lc__db_need_model(db, "lc_db_history")))
		return rc;
	if ((rc = lc__db_check_poisoned(db)))
		return rc;
	if (lead_id > 0) {
		/* A missing lead is an error, not an empty history. */
		if ((rc = lc__db_txn_begin(db, false)))
			return rc;
		lead = lc__db_scratch_lead(db);
		rc = lead ? lc__db_lead_read(db, lead_id, lead) : LC_ENOMEM;
		if ((rc = lc__db_txn_end(db, rc)))
			return rc;
	}
	it = lc__calloc(1, sizeof *it);
	if (!it)
		return LC_ENOMEM;
	it->db = db;
	rc = lc__event_new(&it->ev, db->model);
	if (!rc) {
		rc = db->vt.event_iter_open(db->be, lead_id, 0, &it->cursor);
		if (rc)
			rc = lc__store_fail(rc, "reading the history");
	}
	if (rc) {
		lc_event_iter_free(it);
		return rc;
	}
	*out = it;
	return 0;
}

int lc_event_iter_next(lc_event_iter *it, const lc_event **ev)
{
	int rc;

	if (ev)
		*ev = NULL;
	LC__ARG(it, "it");
	LC__ARG(ev, "ev");
	if (it->done)
		return 0;
	if (it->ev->model != it->db->model)
		return lc__error(LC_ESTATE, "the store's model changed while iterating; start again");
	lc__event_reset(it->ev);
	rc = it->db->vt.event_iter_next(it->db->be, it->cursor, it->ev);
	/* A damaged row is reported; the next call goes on after it. */
	if (rc < 0) {
		char record[64];
		if (!it->ev->id)
			return lc__store_damaged(rc, "reading the next event", NULL);
		snprintf(record, sizeof record, "event %lld of lead %lld", (long long)it->ev->id,
			 (long long)it->ev->lead);
		return lc__store_damaged(rc, "reading the next event", record);
	}
	if (rc == 0) {
		it->done = true;
		return 0;
	}
	*ev = it->ev;
	return 1;
}

void lc_event_iter_free(lc_event_iter *it)
{
	if (!it)
		return;
	if (it->cursor)
		it->db->vt.iter_close(it->db->be, it->cursor);
	lc__event_free(it->ev);
	lc__free(it);
}

/* ---- replay ---- */

/* Rebuild the disposition an event recorded. */
static int event_disposition(const lc_event *ev, lc_disposition *d)
{
	int rc;

	lc_disposition_reset(d);
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		if (LC__DISPOSITION_AXIS(a) && ev->value[a][0] &&
		    (rc = lc_disposition_set(d, (lc_axis)a, ev->value[a])))
			return rc;
	if ((rc = lc_disposition_set_outcome(d, ev->outcome)) ||
	    (rc = lc_disposition_set_follow_up(d, ev->follow_up)) ||
	    (rc = lc_disposition_set_note(d, lc__str_get(&ev->text[LC_EVENT_TEXT_NOTE]))) ||
	    (rc = lc_disposition_set_actor(d, lc__str_get(&ev->text[LC_EVENT_TEXT_ACTOR]))))
		return rc;
	return 0;
}

int lc__replay_event(lc_db *db, lc__replay *r, const lc_event *ev)
{
	int rc;

	if (ev->seq != r->seq + 1) {
		r->problem = "history";
		return lc__error(LC_ECORRUPT, "lead %lld: history jumps from event %lld to %lld",
				 (long long)ev->lead, (long long)r->seq, (long long)ev->seq);
	}
	r->seq = ev->seq;
	if (lc_state_equal(ev->before, r->state) != 1) {
		r->problem = "history";
		return lc__error(LC_ECORRUPT,
				 "lead %lld: event %lld does not start where event %lld ended",
				 (long long)ev->lead, (long long)r->seq, (long long)(r->seq - 1));
	}
	if (ev->kind == LC_EVENT_DISPOSITION && ev->model_version == db->model_version) {
		/* Judge it again: the recorded disposition must give the recorded state. */
		rc = event_disposition(ev, r->d);
		if (!rc)
			rc = lc_transition(db->model, r->state, r->d, ev->time, r->next, NULL);
		if (rc == LC_ENOMEM)
			return rc;
		if (rc || lc_state_equal(r->next, ev->after) != 1) {
			r->problem = "replay";
			return lc__error(LC_ECORRUPT,
					 "lead %lld: replaying disposition %lld does not give the "
					 "state it recorded",
					 (long long)ev->lead, (long long)r->seq);
		}
	}
	return lc_state_copy(r->state, ev->after);
}

int lc__replay_init(lc_db *db, lc__replay *r, lc_state *out)
{
	int rc;

	*r = (lc__replay){ 0, out, NULL, NULL, NULL };
	if ((rc = lc_disposition_new(&r->d, db->model)) || (rc = lc_state_new(&r->next, db->model)))
		return rc;
	/* Start from the empty state a lead has before its creation. */
	return lc_state_copy(out, r->next);
}

void lc__replay_free(lc__replay *r)
{
	lc_disposition_free(r->d);
	lc_state_free(r->next);
	r->d = NULL;
	r->next = NULL;
}

int lc_db_replay(lc_db *db, lc_id lead_id, lc_state *out)
{
	lc_event_iter *it = NULL;
	lc__replay r = { 0 };
	const lc_event *ev;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(out, "out");
	if (lead_id <= 0)
		return lc__error(LC_EINVAL, "lc_db_replay: lead ids are > 0");
	if (!db->model || out->model != db->model)
		return lc__error(db->model ? LC_EINVAL : LC_ESTATE,
				 "lc_db_replay: the state must be bound to the store's current model");
	if ((rc = lc_db_history(db, lead_id, &it)) || (rc = lc__replay_init(db, &r, out)))
		goto out;
	while ((rc = lc_event_iter_next(it, &ev)) == 1)
		if ((rc = lc__replay_event(db, &r, ev)))
			goto out;
	if (rc == 0 && r.seq == 0)
		rc = lc__error(LC_ECORRUPT, "lead %lld has no history", (long long)lead_id);
out:
	lc_event_iter_free(it);
	lc__replay_free(&r);
	return rc < 0 ? rc : 0;
}

/* ---- model upgrades ---- */

/* Copy a state into one bound to another model, keeping unknown values. */
static int state_rebind(lc_state *dst, const lc_state *src)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
					LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
	int rc;

	for (size_t i = 0; i < LC_ARRAY_LEN(axes); i++)
		if ((rc = lc__state_set_raw(dst, axes[i], lc_state_get(src, axes[i]))))
			return rc;
	dst->follow_up = src->follow_up;
	dst->completed_at = src->completed_at;
	dst->flags = src->flags;
	for (uint32_t i = 0; i < dst->nstages; i++)
		dst->counts[i] = lc_state_stage_entries(src, dst->model->axes[LC_AXIS_STAGE].v[i].key);
	return 0;
}

typedef struct dry_acc {
	const lc_model *model;
	lc_state *state;
	lc_violations *v;
	lc__upgrade *r;
	lc_buf buf;
	size_t total; /* leads to check, for the progress callback */
} dry_acc;

/* Leads the current model keeps from a contact action (a blocking value,
 * do-not-call, ends contact): the new model must not let them be contacted
 * (issue 11: a renamed Do Not Call Number made a lead callable). Rows:
 * "unblocks" = ACTION, leads the new model would let be contacted by it;
 * "kept_from_contact" = AXIS:KEY, such leads holding a value the new model
 * removes, which keeps them from every contact until they get a current one. */
static int dry_contact(lc_db *db, const lc_lead *lead, dry_acc *acc)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE };
	const lc_model *old = db->model;
	bool kept = false;
	int rc;

	for (uint32_t a = 0; a < old->axes[LC_AXIS_ACTION].n; a++) {
		const lc_value *av = &old->axes[LC_AXIS_ACTION].v[a];
		int32_t na;
		if (!(av->flags & LC_FLAG_CONTACT) || !lc__engine_forbids(old, lead->state, (int32_t)a))
			continue;
		na = lc__engine_find(acc->model, LC_AXIS_ACTION, av->key);
		if (na < 0)
			continue;
		if (!lc__engine_forbids(acc->model, acc->state, na)) {
			if ((rc = lc__report_add(acc->r, LC_V_ACTION_BLOCKED, "unblocks", av->key)))
				return rc;
		} else {
			kept = true;
		}
	}
	for (size_t k = 0; kept && k < LC_ARRAY_LEN(axes); k++) {
		const char *key = lc_state_get(acc->state, axes[k]);
		if (!key || lc__state_index(acc->state, axes[k]) >= 0)
			continue;
		acc->buf.len = 0;
		acc->buf.failed = false;
		lc__buf_printf(&acc->buf, "%s:%s", lc__engine_axis_name(axes[k]), key);
		if (acc->buf.failed)
			return LC_ENOMEM;
		if ((rc = lc__report_add(acc->r, LC_V_ACTION_BLOCKED, "kept_from_contact",
					 acc->buf.data)))
			return rc;
	}
	return 0;
}

static int dry_one(lc_db *db, const lc_lead *lead, void *ud)
{
	dry_acc *acc = ud;
	lc_axis axis;
	size_t state_n;
	int rc, record_rc;

	acc->r->checked++;
	lc__db_progress(db, "dry_run", (size_t)acc->r->checked, acc->total);
	if ((rc = state_rebind(acc->state, lead->state)) || (rc = dry_contact(db, lead, acc)))
		return rc;
	rc = lc_validate_state(acc->model, acc->state, acc->v);
	if (rc && rc != LC_EINVALID)
		return rc;
	state_n = acc->v->n;
	record_rc = lc__lead_judge_record(acc->model, lead, acc->state, acc->v);
	if (!rc && !record_rc)
		return 0;
	acc->r->invalid++;
	for (size_t i = 0; i < acc->v->n; i++) {
		int code = acc->v->v[i].code;
		const char *field = acc->v->v[i].field;
		const char *value;
		lc_lead_text_field text;

		if (i >= state_n) {
			/* the record's: its value of the field, if the field is one */
			value = field && lc_lead_text_parse(field, &text) == 0
					? lc_lead_text(lead, text)
					: NULL;
			value = value ? value : "";
		} else if (code == LC_V_COMBINATION) {
			/* a refused pair: milestone and status (links), or a stage
			 * and the life-cycle state it is not tied to */
			bool tie = field && strcmp(field, "stage") == 0;
			const char *m = lc_state_get(acc->state, tie ? LC_AXIS_STAGE : LC_AXIS_MILESTONE);
			const char *s = lc_state_get(acc->state, tie ? LC_AXIS_LIFECYCLE : LC_AXIS_STATUS);
			acc->buf.len = 0;
			acc->buf.failed = false;
			lc__buf_printf(&acc->buf, "%s+%s", m ? m : "(none)", s ? s : "(none)");
			if (acc->buf.failed)
				return LC_ENOMEM;
			field = tie ? "stage+lifecycle" : "milestone+status";
			value = acc->buf.data;
		} else if (field && lc_axis_parse(field, &axis) == 0 &&
			   (value = lc_state_get(acc->state, axis))) {
			/* value set */
		} else {
			value = "";
		}
		if ((rc = lc__report_add(acc->r, code, field ? field : "state", value)))
			return rc;
	}
	return 0;
}

/* The leads a dry run will check, counted only when someone watches. */
static int dry_total(lc_db *db, const lc_query *q, dry_acc *acc)
{
	size_t n = 0;
	int rc = db->progress ? lc_db_count(db, q, &n) : 0;
	acc->total = n;
	if (!rc)
		lc__db_progress(db, "dry_run", 0, acc->total);
	return rc;
}

int lc_db_model_dry_run(lc_db *db, const lc_model *new_model, lc_table **out)
{
	dry_acc acc = { new_model, NULL, NULL, NULL, { 0 }, 0 };
	lc_query *q = NULL;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(db, "db");
	LC__ARG(new_model, "new_model");
	lc__buf_init(&acc.buf);
	if ((rc = lc__report_new(&acc.r)))
		return rc;
	if (db->model) {
		if (!(rc = lc_state_new(&acc.state, new_model)) && !(rc = lc_violations_new(&acc.v)) &&
		    !(rc = lc_query_new(&q)) && !(rc = lc_query_set_recycled(q, LC_RECYCLED_INCLUDE)) &&
		    !(rc = dry_total(db, q, &acc)))
			rc = each_lead(db, q, dry_one, &acc);
	}
	lc_state_free(acc.state);
	lc_violations_free(acc.v);
	lc_query_free(q);
	lc__buf_free(&acc.buf);
	if (!rc)
		rc = lc__report_table(acc.r, out);
	lc__report_free(acc.r);
	return rc;
}

int lc_db_count_invalid(lc_db *db, size_t *out)
{
	lc_query *q = NULL;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(out, "out");
	if ((rc = lc__db_need_model(db, "lc_db_count_invalid")))
		return rc;
	rc = lc_query_new(&q);
	if (!rc)
		rc = lc_query_set_invalid(q, 1);
	if (!rc)
		rc = lc_db_count(db, q, out);
	lc_query_free(q);
	return rc;
}

typedef struct ids {
	lc_id *v;
	size_t n, cap;
	const lc_migration *map;
} ids;

/* The lead's value on a migration rule's axis: its state's, or its record's
 * (a source, type, category or priority). */
static const char *migrated_value(const lc_lead *lead, lc_axis axis)
{
	lc_lead_text_field f;

	if (lc__db_record_axis_field(axis, &f))
		return lc_lead_text(lead, f);
	return lc_state_get(lead->state, axis);
}

static bool migration_matches(const lc_migration *m, const lc_lead *lead)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *cur = migrated_value(lead, m->rules[i].axis);
		if (cur && strcmp(cur, m->rules[i].from) == 0)
			return true;
	}
	return false;
}

/* Move a record field to the model's key for `to` (resolved beforehand). */
static int move_record_value(lc_db *db, lc_lead *lead, lc_axis axis, const char *to)
{
	lc_lead_text_field f;
	size_t idx;
	int rc;

	lc__db_record_axis_field(axis, &f);
	if ((rc = lc_model_value_find(db->model, axis, to, &idx)))
		return rc;
	return lc_lead_set_text(lead, f, lc_model_value_key(db->model, axis, idx));
}

static int collect_id(lc_db *db, const lc_lead *lead, void *ud)
{
	ids *acc = ud;

	(void)db;
	if (!migration_matches(acc->map, lead))
		return 0;
	if (acc->n == acc->cap) {
		lc_id *nv = lc__grow(acc->v, &acc->cap, sizeof *nv, 64);
		if (!nv)
			return LC_ENOMEM;
		acc->v = nv;
	}
	acc->v[acc->n++] = lead->id;
	return 0;
}

/* The engine judges where a migration puts a lead: the move may fix a
 * removed value but must not break a link or a requirement, and a lead
 * moved to another type must fit that type's attributes (the one record
 * violation a move can cause: moved fields get known values). Values the map
 * leaves unknown, and what the record lacked before, stay as they are
 * (reported, not refused). */
static int migrated_valid(lc_db *db, const lc_lead *lead, bool type_moved)
{
	lc_violations *v = lc__db_scratch_violations(db);
	const char *why = NULL;
	int rc = lc__db_state_invalid(db, lead->state, true, &why);

	if (!rc && type_moved) {
		if (!v)
			return LC_ENOMEM;
		lc__violations_clear(v);
		lc__lead_judge_record(db->model, lead, lead->state, v);
		for (size_t i = 0; i < v->n && !why; i++)
			if (v->v[i].field && strcmp(v->v[i].field, "attributes") == 0)
				why = v->v[i].message;
		rc = why ? LC_EINVALID : 0;
	}
	if (rc == LC_EINVALID)
		return lc__error(LC_EINVALID,
				 "lc_db_migrate: lead %lld would be invalid after the move: %s; "
				 "nothing moved",
				 (long long)lead->id, why);
	return rc;
}

int lc_db_migrate(lc_db *db, const lc_migration *map, size_t *moved)
{
	ids acc = { NULL, 0, 0, map };
	lc_query *q = NULL;
	lc_state *before = NULL;
	lc_buf note;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(map, "map");
	if ((rc = lc__db_writable(db, "lc_db_migrate")) || (rc = lc__db_need_model(db, "lc_db_migrate")))
		return rc;
	/* Every target must exist before anything moves. */
	for (size_t i = 0; i < map->n; i++) {
		size_t idx;
		if (map->rules[i].to[0] &&
		    (rc = lc_model_value_find(db->model, map->rules[i].axis, map->rules[i].to, &idx)))
			return lc__error_prefix(rc, "migration target %s '%s'",
						lc_axis_name(map->rules[i].axis), map->rules[i].to);
	}
	lc__buf_init(&note);
	if ((rc = lc__db_txn_begin(db, true)))
		return rc;
	if (!(rc = lc_query_new(&q)) && !(rc = lc_query_set_recycled(q, LC_RECYCLED_INCLUDE)))
		rc = each_lead(db, q, collect_id, &acc);
	if (!rc)
		rc = lc_state_new(&before, db->model);
	lc__db_progress(db, "migrate", 0, acc.n);
	for (size_t i = 0; i < acc.n && !rc; lc__db_progress(db, "migrate", ++i, acc.n)) {
		lc_lead *lead = lc__db_scratch_lead(db);
		bool record_changed = false, fields_moved = false, type_moved = false;
		if (!lead) {
			rc = LC_ENOMEM;
			break;
		}
		if ((rc = lc__db_lead_read(db, acc.v[i], lead)) ||
		    (rc = lc_state_copy(before, lead->state)))
			break;
		note.len = 0;
		note.failed = false;
		if (note.data)
			note.data[0] = '\0';
		lc__buf_puts(&note, "migrated");
		for (size_t r = 0; r < map->n && !rc; r++) {
			lc_axis axis = map->rules[r].axis;
			const char *cur = migrated_value(lead, axis);
			if (!cur || strcmp(cur, map->rules[r].from) != 0)
				continue;
			lc__buf_printf(&note, " %s %s -> ", lc_axis_name(axis), cur);
			if (lc__db_record_axis_field(axis, NULL)) {
				rc = move_record_value(db, lead, axis, map->rules[r].to);
				fields_moved = true;
				type_moved |= axis == LC_AXIS_TYPE;
			} else {
				rc = lc_state_set(lead->state, axis,
						  map->rules[r].to[0] ? map->rules[r].to : NULL);
			}
			if (!rc)
				lc__buf_puts(&note, migrated_value(lead, axis) ? migrated_value(lead, axis)
									      : "(none)");
		}
		/* A lead moved to another type gets its default attributes. */
		if (!rc && type_moved)
			rc = lc__db_settle_record(db, lead, NULL);
		if (!rc)
			rc = lc__db_record_follow_state(db, lead, NULL, &record_changed);
		if (!rc && record_changed)
			lc__buf_puts(&note, "; the lost reason and account follow the new state");
		if (!rc && note.failed)
			rc = LC_ENOMEM;
		if (!rc)
			rc = migrated_valid(db, lead, type_moved);
		if (!rc)
			rc = lc__db_lead_write(db, lead,
					       LC_STORAGE_PART_STATE |
						       (record_changed || fields_moved
								? LC_STORAGE_PART_FIELDS
								: 0) |
						       (type_moved ? LC_STORAGE_PART_LISTS : 0),
					       LC_EVENT_MIGRATE, NULL, NULL, note.data, before);
	}
	rc = lc__db_txn_end(db, rc);
	if (!rc && moved)
		*moved = acc.n;
	lc__free(acc.v);
	lc_query_free(q);
	lc_state_free(before);
	lc__buf_free(&note);
	return rc;
}
