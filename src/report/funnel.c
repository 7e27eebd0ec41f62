/*
 * The funnel, from history: one pass over every event in write order,
 * tracking per lead its current stage, when it entered it, and which stages
 * it has reached. With a window [from, to): an entry counts when it happens
 * inside it, and a stay's length counts when the stay began inside it
 * (wherever it ended); docs/reports.md states it. Memory grows with the number of leads (a few words each)
 * and with the number of stays that ended (one int64 each, for the
 * percentiles), never with the events' text.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

typedef struct fn_lead {
	int32_t cur;     /* index of the current stage, -1 none */
	bool in;         /* the filter keeps it and it is reportable */
	lc_time entered; /* when it entered cur */
} fn_lead;

typedef struct fn_durations {
	int64_t *v;
	size_t n, cap;
} fn_durations;

typedef struct fn_ctx {
	size_t nvalues, words;
	lc_time from, to; /* the window */
	fn_lead *leads;  /* by lead id */
	uint64_t *reached;  /* leads x words */
	uint64_t *advanced; /* leads x words */
	size_t nleads;      /* capacity, in ids */
	fn_durations *dur;  /* per value */
	bool *closed;       /* per value: closed, won or lost (nothing beyond) */
	bool *lost;         /* per value: closed lost (reaching it is no progress) */
} fn_ctx;

static int grow_leads(fn_ctx *c, lc_id id)
{
	size_t want = (size_t)id + 1, cap = c->nleads ? c->nleads : 1024;
	fn_lead *l;
	uint64_t *r, *a;
	if (want <= c->nleads)
		return 0;
	while (cap < want)
		cap *= 2;
	l = lc__realloc(c->leads, cap * sizeof *l);
	if (!l)
		return LC_ENOMEM;
	c->leads = l;
	r = lc__realloc(c->reached, cap * c->words * sizeof *r);
	if (!r)
		return LC_ENOMEM;
	c->reached = r;
	a = lc__realloc(c->advanced, cap * c->words * sizeof *a);
	if (!a)
		return LC_ENOMEM;
	c->advanced = a;
	for (size_t i = c->nleads; i < cap; i++) {
		l[i].cur = -1;
		l[i].in = false;
		l[i].entered = LC_TIME_NONE;
	}
	memset(r + c->nleads * c->words, 0, (cap - c->nleads) * c->words * sizeof *r);
	memset(a + c->nleads * c->words, 0, (cap - c->nleads) * c->words * sizeof *a);
	c->nleads = cap;
	return 0;
}

static int dur_add(fn_durations *d, int64_t v)
{
	if (d->n == d->cap) {
		int64_t *nv = lc__grow(d->v, &d->cap, sizeof *nv, 64);
		if (!nv)
			return LC_ENOMEM;
		d->v = nv;
	}
	d->v[d->n++] = v;
	return 0;
}

static int cmp_i64(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return (a > b) - (a < b);
}

/* The nearest-rank percentile of sorted values: the smallest value with at
 * least p% of the values at or below it. */
static int64_t percentile(const int64_t *v, size_t n, unsigned p)
{
	size_t rank;
	if (n == 0)
		return LC_TABLE_NONE;
	rank = (n * p + 99) / 100;
	if (rank == 0)
		rank = 1;
	return v[rank - 1];
}

/* The lead enters value j at time t, into a state that is lost or not;
 * inside says whether t is inside the window. The stay it leaves counts when
 * it began inside the window. */
static int enter(fn_ctx *c, lc_id id, int32_t j, lc_time t, bool inside, bool lost)
{
	fn_lead *l = &c->leads[id];
	uint64_t *reached = c->reached + (size_t)id * c->words;
	uint64_t *adv = c->advanced + (size_t)id * c->words;
	int rc;

	if (l->cur == j)
		return 0;
	if (l->cur >= 0 && l->entered != LC_TIME_NONE && t >= l->entered &&
	    l->entered >= c->from && l->entered < c->to &&
	    (rc = dur_add(&c->dur[l->cur], t - l->entered)) != 0)
		return rc;
	l->cur = j;
	l->entered = t;
	if (j < 0 || !inside)
		return 0;
	/* Reaching a value that is not closed lost, into a state that is not
	 * lost, advances every earlier value already reached. */
	if (!c->lost[j] && !lost)
		for (int32_t i = 0; i < j; i++)
			if (reached[i / 64] & ((uint64_t)1 << (i % 64)))
				adv[i / 64] |= (uint64_t)1 << (i % 64);
	reached[j / 64] |= (uint64_t)1 << (j % 64);
	return 0;
}

/* Mark the leads the report is about: those the filter keeps that are not
 * out of reporting (a test lead in Archive). */
static int mark_leads(fn_ctx *c, lc_db *db, const lc_model *m, const lc_report_options *o)
{
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	const lc_lead *lead;
	int rc;
	if ((rc = lc__report_query(o, &q)) == 0 && (rc = lc_db_query(db, q, &it)) == 0)
		while ((rc = lc_lead_iter_next(it, &lead)) == 1) {
			lc_id id = lc_lead_number(lead, LC_LEAD_NUM_ID);
			if (lc__state_has_flag(lc_lead_state(lead), LC_FLAG_NOT_REPORTABLE))
				continue;
			if ((rc = grow_leads(c, id)) != 0)
				break;
			c->leads[id].in = true;
		}
	lc_lead_iter_free(it);
	lc_query_free(q);
	return rc < 0 ? rc : 0;
}

int lc_report_funnel(lc_db *db, const lc_report_options *opts, lc_table **out)
{
	static const char *const meas[] = { "advanced", "median_seconds", "p90_seconds" };
	const lc_model *m;
	const char *cols[1];
	lc_axis axis;
	lc_event_iter *eit = NULL;
	lc_table *r = NULL;
	const lc_event *ev;
	lc_report_options o;
	lc_time from, to;
	fn_ctx c;
	int rc;

	rc = lc__report_begin(db, opts, &o, out, "lc_report_funnel", &m);
	if (rc)
		return rc;
	axis = lc_model_value_count(m, LC_AXIS_STAGE) ? LC_AXIS_STAGE : LC_AXIS_MILESTONE;
	cols[0] = axis == LC_AXIS_STAGE ? "stage" : "milestone";
	from = o.from != LC_TIME_NONE ? o.from : INT64_MIN;
	to = o.to != LC_TIME_NONE ? o.to : INT64_MAX;
	if (to <= from)
		return lc__error(LC_EINVAL, "lc_report_funnel: the window's end must be after its start");
	memset(&c, 0, sizeof c);
	c.nvalues = lc_model_value_count(m, axis);
	if (c.nvalues == 0)
		return lc__error(LC_EUNSUPPORTED,
				 "lc_report_funnel: model '%s' has neither stages nor milestones",
				 lc_model_name(m));
	c.words = (c.nvalues + 63) / 64;
	c.dur = lc__calloc(c.nvalues, sizeof *c.dur);
	c.closed = lc__calloc(c.nvalues, sizeof *c.closed);
	c.lost = lc__calloc(c.nvalues, sizeof *c.lost);
	if (!c.dur || !c.closed || !c.lost) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c.nvalues; i++) {
		uint32_t kind = lc__closed_kind(m, axis, (int32_t)i);
		c.closed[i] = kind != 0;
		c.lost[i] = kind == LC_FLAG_LOST;
	}

	c.from = from;
	c.to = to;
	if ((rc = mark_leads(&c, db, m, &o)) != 0)
		goto out;
	if ((rc = lc_db_history(db, 0, &eit)) != 0)
		goto out;
	while ((rc = lc_event_iter_next(eit, &ev)) == 1) {
		lc_id id = lc_event_number(ev, LC_EVENT_NUM_LEAD);
		lc_time t = lc_event_number(ev, LC_EVENT_NUM_TIME);
		const lc_state *after = lc_event_state(ev, 1);
		long j;
		if (id <= 0 || !after || (size_t)id >= c.nleads || !c.leads[id].in)
			continue;
		j = lc__report_value_index(m, axis, lc_state_get(after, axis));
		if ((rc = enter(&c, id, (int32_t)j, t, t >= from && t < to,
				lc__state_closed_lost(after))) != 0)
			goto out;
	}
	if (rc < 0)
		goto out;

	if ((rc = lc__rreport_new(&r, "funnel", cols, 1, meas, 3)) != 0)
		goto out;
	for (size_t i = 0; i < c.nvalues; i++) {
		int64_t reached = 0, advanced = 0, ms[3];
		const char *k = lc_model_value_key(m, axis, i);
		const char *l = lc_model_value_label(m, axis, i);
		if (lc_model_value_flags(m, axis, i) & LC_FLAG_NOT_REPORTABLE)
			continue; /* no row for a value out of reporting (Archive) */
		for (size_t id = 0; id < c.nleads; id++) {
			uint64_t bit = (uint64_t)1 << (i % 64);
			reached += (c.reached[id * c.words + i / 64] & bit) != 0;
			advanced += (c.advanced[id * c.words + i / 64] & bit) != 0;
		}
		if (c.dur[i].n)
			qsort(c.dur[i].v, c.dur[i].n, sizeof(int64_t), cmp_i64);
		ms[0] = c.closed[i] ? LC_TABLE_NONE : advanced;
		ms[1] = percentile(c.dur[i].v, c.dur[i].n, 50);
		ms[2] = percentile(c.dur[i].v, c.dur[i].n, 90);
		if ((rc = lc__rreport_add(r, &k, &l, reached, 0, ms)) != 0)
			goto out;
	}
	rc = 0;
	*out = r;
	r = NULL;
out:
	if (rc == LC_ENOMEM)
		lc__error(LC_ENOMEM, "lc_report_funnel: out of memory");
	lc_table_free(r);
	lc_event_iter_free(eit);
	if (c.dur)
		for (size_t i = 0; i < c.nvalues; i++)
			lc__free(c.dur[i].v);
	lc__free(c.dur);
	lc__free(c.closed);
	lc__free(c.lost);
	lc__free(c.leads);
	lc__free(c.reached);
	lc__free(c.advanced);
	return rc;
}
