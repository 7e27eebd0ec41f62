/* Daily assignment and worklists. A worklist is a call list: the store's
 * worklist (overdue, due, new) with every lead that must not be called left
 * out, in the order defined here, whatever order the backend gave. An
 * agent's load for a day is the length of that list, and the pool it is
 * topped up from holds only leads that will be on it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/versioned.h"
#include "store/db_internal.h"
#include "workflow/workflow_internal.h"

#define DAY 86400

typedef struct wl_row {
	lc_id lead;
	lc_worklist_reason reason;
	lc_time follow_up;
	size_t rank;     /* new leads: the segment's rank in the rule set */
	lc_time created; /* new leads: their age */
} wl_row;

typedef struct wl_list {
	wl_row *rows;
	size_t n, cap;
} wl_list;

typedef struct wl_ctx {
	wl_list *w;
	int rc;
} wl_ctx;

static int wl_emit(void *ud, lc_id lead, lc_worklist_reason kind, lc_time follow_up)
{
	wl_ctx *c = ud;
	wl_list *w = c->w;

	if (w->n == w->cap) {
		wl_row *rows = lc__grow(w->rows, &w->cap, sizeof *rows, 64);
		if (!rows) {
			c->rc = LC_ENOMEM;
			return LC_ENOMEM;
		}
		w->rows = rows;
	}
	w->rows[w->n] = (wl_row){ lead, kind,
				  kind == LC_WORKLIST_REASON_NEW ? LC_TIME_NONE : follow_up, 0, 0 };
	w->n++;
	return 0;
}

/* The list's order: overdue then due, each by follow-up (oldest first); then
 * new leads by segment rank, then age (oldest first: the lead that has waited
 * longest); ties by id. */
static int wl_cmp(const void *pa, const void *pb)
{
	const wl_row *a = pa, *b = pb;

	if (a->reason != b->reason)
		return a->reason < b->reason ? -1 : 1;
	if (a->reason != LC_WORKLIST_REASON_NEW && a->follow_up != b->follow_up)
		return a->follow_up < b->follow_up ? -1 : 1;
	if (a->reason == LC_WORKLIST_REASON_NEW && a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->reason == LC_WORKLIST_REASON_NEW && a->created != b->created)
		return a->created < b->created ? -1 : 1;
	return (a->lead > b->lead) - (a->lead < b->lead);
}

bool lc__wf_listable(const lc_lead *lead, lc_time day_end)
{
	lc_time fu = lc_state_time(lc_lead_state(lead), LC_STATE_TIME_FOLLOW_UP);

	if ((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED)
		return false;
	if (lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT) != LC_TIME_NONE && (fu == LC_TIME_NONE || fu >= day_end))
		return false;
	return lc__wf_callable(lead);
}

/* The agent's call list for [day_start, day_start + DAY), inside the
 * caller's transaction, in order (`rs` ranks segments; NULL: unsorted);
 * `scratch` is a record to read leads into. */
static int wl_collect(lc_db *db, lc_id agent, lc_time day_start, const lc_ruleset *rs,
		      bool sorted, lc_lead *scratch, wl_list *w)
{
	wl_ctx c = { w, 0 };
	size_t keep = 0;
	int rc;

	w->n = 0;
	rc = lc__db_worklist(db, agent, day_start, day_start + DAY, 0, wl_emit, &c);
	if (c.rc)
		return c.rc;
	if (rc)
		return rc;
	for (size_t i = 0; i < w->n; i++) {
		if ((rc = lc__db_lead_read(db, w->rows[i].lead, scratch)))
			return rc;
		/* Never a lead that must not be called. */
		if (!lc__wf_listable(scratch, day_start + DAY))
			continue;
		w->rows[i].rank = lc__wf_segment_rank(rs, lc_lead_text(scratch, LC_LEAD_SEGMENT));
		w->rows[i].created = lc_lead_number(scratch, LC_LEAD_NUM_CREATED_AT);
		w->rows[keep++] = w->rows[i];
	}
	w->n = keep;
	if (sorted && w->n) /* qsort(NULL, 0, ...) is undefined behaviour */
		qsort(w->rows, w->n, sizeof *w->rows, wl_cmp);
	return 0;
}

int lc__wf_day_load(lc_db *db, lc_id agent, lc_time now, int64_t *load)
{
	wl_list w = { 0 };
	lc_lead *scratch = NULL;
	int rc = lc_lead_new(&scratch);

	if (!rc)
		rc = wl_collect(db, agent, lc__day_start(now), NULL, false, scratch, &w);
	*load = (int64_t)w.n;
	lc_lead_free(scratch);
	lc__free(w.rows);
	return rc;
}

static int agent_exists(lc_db *db, lc_id agent, bool *active)
{
	lc_table *l = NULL;
	long i;
	int rc = lc__db_agents_in(db, 0, &l);

	if (rc)
		return rc;
	i = lc__party_index(l, agent);
	if (i < 0)
		rc = lc__error(LC_ENOTFOUND, "there is no agent %" PRId64 " in the store", agent);
	else if (active)
		*active = lc_table_int(l, (size_t)i, 2) != 0;
	lc_table_free(l);
	return rc;
}

static const char *reason_name(lc_worklist_reason reason)
{
	switch (reason) {
	case LC_WORKLIST_REASON_OVERDUE: return "overdue";
	case LC_WORKLIST_REASON_DUE: return "due";
	case LC_WORKLIST_REASON_NEW: return "new";
	}
	return NULL;
}

static int worklist_table(const wl_list *w, lc_table **out)
{
	static const lc__column cols[] = { { "lead", LC_COLUMN_ID },
					   { "reason", LC_COLUMN_TEXT },
					   { "follow_up", LC_COLUMN_TIME } };
	lc_table *t;
	int rc;

	if ((rc = lc__table_new(&t, "worklist", cols, LC_ARRAY_LEN(cols))))
		return rc;
	for (size_t i = 0; i < w->n; i++) {
		lc__table_row(t);
		lc__table_put_int(t, 0, w->rows[i].lead);
		lc__table_put_text(t, 1, reason_name(w->rows[i].reason));
		lc__table_put_int(t, 2, w->rows[i].follow_up);
	}
	return lc__table_finish(t, out);
}

int lc_worklist_get(lc_db *db, lc_id agent, lc_time now, lc_table **out)
{
	wl_list w = { 0 };
	lc_ruleset *rs = NULL;
	lc_lead *scratch = NULL;
	int rc;

	if (out)
		*out = NULL;
	LC__ARG(db, "db");
	LC__ARG(out, "out");
	if (agent <= 0)
		return lc__error(LC_EINVAL, "lc_worklist_get: agent ids are > 0");
	if ((rc = lc__time_check(now, true, "lc_worklist_get: now")))
		return rc;
	if ((rc = lc__db_need_model(db, "lc_worklist_get")))
		return rc;
	if (now == LC_TIME_NONE && (rc = lc__db_clock(db, &now, "lc_worklist_get")))
		return rc;
	if ((rc = lc_lead_new(&scratch)))
		return rc;
	if ((rc = lc__db_txn_begin(db, false)))
		goto out;
	rc = agent_exists(db, agent, NULL);
	if (!rc)
		rc = lc__wf_load_current(db, &rs, NULL);
	if (!rc)
		rc = wl_collect(db, agent, lc__day_start(now), rs, true, scratch, &w);
	rc = lc__db_txn_end(db, rc);
	if (!rc)
		rc = worklist_table(&w, out);
out:
	lc_ruleset_free(rs);
	lc_lead_free(scratch);
	lc__free(w.rows);
	return rc;
}

/* ---- daily assignment ---- */

typedef struct as_agent {
	lc_id id;
	int64_t load;
	int64_t need;
	int64_t given;
} as_agent;

typedef struct as_acc {
	lc_id *lead;
	lc_id *agent;
	size_t n;
	as_agent *agents;
	size_t nagents;
} as_acc;

LC_STRUCT_DESC(assign_options_desc, lc_assign_options, LC_ASSIGN_OPTIONS_VERSION,
	       LC_ASSIGN_OPTIONS_INIT, LC_FIELD_END(lc_assign_options, nagents));

int lc_assign_options_init(lc_assign_options *opts, unsigned int version)
{
	LC__ARG(opts, "opts");
	return lc__struct_init(&assign_options_desc, opts, version, "lc_assign_options_init");
}

static void acc_free(as_acc *a)
{
	if (!a)
		return;
	lc__free(a->lead);
	lc__free(a->agent);
	lc__free(a->agents);
	lc__free(a);
}

/* The dealt leads (lead, agent) and the agents topped up (agent, load, given). */
static int assignment_tables(const as_acc *a, lc_table **leads, lc_table **agents)
{
	static const lc__column lcols[] = { { "lead", LC_COLUMN_ID }, { "agent", LC_COLUMN_ID } };
	static const lc__column acols[] = { { "agent", LC_COLUMN_ID },
					    { "load", LC_COLUMN_INT },
					    { "given", LC_COLUMN_INT } };
	lc_table *l = NULL, *g = NULL;
	int rc;

	if ((rc = lc__table_new(&l, "assignment", lcols, 2)) ||
	    (rc = lc__table_new(&g, "assignment_agents", acols, 3)))
		goto out;
	for (size_t i = 0; i < a->n; i++) {
		lc__table_row(l);
		lc__table_put_int(l, 0, a->lead[i]);
		lc__table_put_int(l, 1, a->agent[i]);
	}
	for (size_t j = 0; j < a->nagents; j++) {
		lc__table_row(g);
		lc__table_put_int(g, 0, a->agents[j].id);
		lc__table_put_int(g, 1, a->agents[j].load);
		lc__table_put_int(g, 2, a->agents[j].given);
	}
	if ((rc = lc__table_failed(l)) || (rc = lc__table_failed(g)))
		goto out;
	if (leads) {
		*leads = l;
		l = NULL;
	}
	if (agents) {
		*agents = g;
		g = NULL;
	}
out:
	lc_table_free(l);
	lc_table_free(g);
	return rc;
}

static int cmp_id(const void *x, const void *y)
{
	lc_id a = *(const lc_id *)x, b = *(const lc_id *)y;
	return (a > b) - (a < b);
}

/* The agents to top up, in id order: the caller's list (each must exist and
 * be active) or every active agent. */
static int pick_agents(lc_db *db, const lc_assign_options *o, as_acc *a)
{
	lc_table *l = NULL;
	lc_id *ids = NULL;
	size_t n = 0;
	int rc = lc__db_agents_in(db, 0, &l);

	if (rc)
		return rc;
	if (o->agents) {
		if (!(ids = lc__calloc(o->nagents ? o->nagents : 1, sizeof *ids))) {
			rc = LC_ENOMEM;
			goto out;
		}
		memcpy(ids, o->agents, o->nagents * sizeof *ids);
		qsort(ids, o->nagents, sizeof *ids, cmp_id);
		for (size_t i = 0; i < o->nagents; i++) {
			long k = lc__party_index(l, ids[i]);
			if (i && ids[i] == ids[i - 1])
				continue;
			if (k < 0) {
				rc = lc__error(LC_ENOTFOUND, "there is no agent %" PRId64, ids[i]);
				goto out;
			}
			if (!lc_table_int(l, (size_t)k, 2)) {
				rc = lc__error(LC_ESTATE, "agent '%s' is inactive; only active agents "
							  "receive leads",
					       lc_table_text(l, (size_t)k, 1));
				goto out;
			}
			ids[n++] = ids[i];
		}
	} else {
		if (!(ids = lc__calloc(lc_table_row_count(l) + 1, sizeof *ids))) {
			rc = LC_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < lc_table_row_count(l); i++)
			if (lc_table_int(l, i, 2))
				ids[n++] = lc_table_int(l, i, 0);
	}
	if (!(a->agents = lc__calloc(n ? n : 1, sizeof *a->agents))) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		a->agents[i].id = ids[i];
	a->nagents = n;
out:
	lc__free(ids);
	lc_table_free(l);
	return rc;
}

/* Fill `pool` with up to `want` lead ids to deal, best first: the unassigned
 * leads that would be on a call list for the day (`day_end`) and whose
 * automation runs, by segment rank then age (oldest first), as new leads are
 * listed. */
static int build_pool(lc_db *db, const lc_ruleset *rs, lc_time day_end, int64_t want,
		      lc_id *pool, size_t *npool)
{
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	wl_list c = { 0 };
	wl_ctx ctx = { &c, 0 };
	int rc;

	*npool = 0;
	if ((rc = lc_query_new(&q)) || (rc = lc_query_set_agent(q, LC_QUERY_NONE)) ||
	    (rc = lc_db_query(db, q, &it)))
		goto out;
	while ((rc = lc_lead_iter_next(it, &l)) == 1) {
		if (lc__wf_stopped(l) || !lc__wf_listable(l, day_end))
			continue;
		if ((rc = wl_emit(&ctx, lc_lead_number(l, LC_LEAD_NUM_ID), LC_WORKLIST_REASON_NEW, LC_TIME_NONE)))
			break;
		c.rows[c.n - 1].rank = lc__wf_segment_rank(rs, lc_lead_text(l, LC_LEAD_SEGMENT));
		c.rows[c.n - 1].created = lc_lead_number(l, LC_LEAD_NUM_CREATED_AT);
	}
	if (rc > 0)
		rc = 0;
	if (!rc && c.n)
		qsort(c.rows, c.n, sizeof *c.rows, wl_cmp);
	for (size_t i = 0; !rc && i < c.n && (int64_t)*npool < want; i++)
		pool[(*npool)++] = c.rows[i].lead;
out:
	lc__free(c.rows);
	lc_lead_iter_free(it);
	lc_query_free(q);
	return rc;
}

int lc_assign(lc_db *db, lc_time now, const lc_assign_options *opts, lc_table **leads,
	      lc_table **agents)
{
	lc_assign_options copy;
	const lc_assign_options *o = &copy;
	as_acc *a = NULL;
	lc_ruleset *rs = NULL;
	wl_list w = { 0 };
	lc_lead *scratch = NULL;
	lc_id *pool = NULL;
	size_t npool = 0;
	int64_t want = 0;
	int rc;

	if (leads)
		*leads = NULL;
	if (agents)
		*agents = NULL;
	LC__ARG(db, "db");
	if ((rc = lc__db_writable(db, "lc_assign")) ||
	    (rc = lc__time_check(now, true, "lc_assign: now")))
		return rc;
	if ((rc = lc__struct_copy(&assign_options_desc, &copy, opts, "lc_assign")))
		return rc;
	if (o->quota > WF_QUOTA_MAX)
		return lc__error(LC_EINVAL, "a quota of %u leads a day is more than the %d allowed",
				 o->quota, WF_QUOTA_MAX);
	if (o->nagents && !o->agents)
		return lc__error(LC_EINVAL,
				 "lc_assign: nagents is %zu, so lc_assign_options.agents must not be NULL",
				 o->nagents);
	if ((rc = lc__db_need_model(db, "lc_assign")))
		return rc;
	if (now == LC_TIME_NONE && (rc = lc__db_clock(db, &now, "lc_assign")))
		return rc;
	if (!(a = lc__calloc(1, sizeof *a)) || lc_lead_new(&scratch)) {
		lc__free(a);
		return LC_ENOMEM;
	}
	if ((rc = lc__db_txn_begin(db, true)))
		goto out;
	rc = pick_agents(db, o, a);
	if (!rc)
		rc = lc__wf_load_current(db, &rs, NULL);
	for (size_t j = 0; !rc && j < a->nagents; j++) {
		rc = wl_collect(db, a->agents[j].id, lc__day_start(now), NULL, false, scratch, &w);
		a->agents[j].load = (int64_t)w.n;
		a->agents[j].need = a->agents[j].load < (int64_t)o->quota
					    ? (int64_t)o->quota - a->agents[j].load
					    : 0;
		want += a->agents[j].need;
	}
	if (!rc && want > 0) {
		if (!(pool = lc__calloc((size_t)want, sizeof *pool)) ||
		    !(a->lead = lc__calloc((size_t)want, sizeof *a->lead)) ||
		    !(a->agent = lc__calloc((size_t)want, sizeof *a->agent)))
			rc = LC_ENOMEM;
		else
			rc = build_pool(db, rs, lc__day_start(now) + DAY, want, pool, &npool);
	}
	/* Deal one lead at a time to the agent with the fewest so far among those
	 * still short (ties: lowest id), so that shares differ by at most one. */
	lc__db_progress(db, "assign", 0, npool);
	for (size_t p = 0; !rc && p < npool; lc__db_progress(db, "assign", ++p, npool)) {
		as_agent *best = NULL;
		for (size_t j = 0; j < a->nagents; j++) {
			as_agent *g = &a->agents[j];
			if (g->given < g->need && (!best || g->given < best->given))
				best = g;
		}
		if (!best)
			break;
		rc = lc__db_lead_read(db, pool[p], scratch);
		if (!rc)
			rc = lc__wf_assign_lead(db, scratch, best->id, "workflow:daily_assignment",
						NULL);
		if (!rc) {
			a->lead[a->n] = pool[p];
			a->agent[a->n] = best->id;
			a->n++;
			best->given++;
		}
	}
	rc = lc__db_txn_end(db, rc);
out:
	lc_ruleset_free(rs);
	lc__free(w.rows);
	lc__free(pool);
	lc_lead_free(scratch);
	if (!rc && (leads || agents))
		rc = assignment_tables(a, leads, agents);
	acc_free(a);
	return rc;
}
