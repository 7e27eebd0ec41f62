/* Time rules: conditions, effects and the sweep. Effects are written through
 * lc_db_apply() (system dispositions, which the engine validates) or the
 * store's internal lead writer, always inside the lead's transaction and
 * always as an event that names the rule. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "model/model_internal.h"
#include "store/db_internal.h"
#include "workflow/workflow_internal.h"

#define DAY 86400

/* ---- contactability ---- */

/* The model's phone (or email) contact action: the one keyed "call" ("email")
 * when there is one, else the first contact action with the flag; -1 none. */
static int32_t contact_action(const lc_model *m, uint32_t flag, const char *prefer)
{
	int32_t first = -1;
	size_t n = lc_model_value_count(m, LC_AXIS_ACTION);

	for (size_t i = 0; i < n; i++) {
		uint32_t f = lc_model_value_flags(m, LC_AXIS_ACTION, i);
		if (!(f & flag) || !(f & LC_FLAG_CONTACT))
			continue;
		if (!strcmp(lc_model_value_key(m, LC_AXIS_ACTION, i), prefer))
			return (int32_t)i;
		if (first < 0)
			first = (int32_t)i;
	}
	return first;
}

/* Whether the lead's state forbids an action, as the engine judges it. */
static bool blocked(const lc_lead *lead, int32_t action)
{
	const lc_model *m = lc_lead_model(lead);
	const lc_state *s = lc_lead_state(lead);

	return m && s && action >= 0 && lc__engine_forbids(m, s, action);
}

static bool present(const char *s)
{
	return !lc__text_blank(s);
}

bool lc__wf_callable(const lc_lead *lead)
{
	const lc_model *m = lc_lead_model(lead);

	if (!present(lc_lead_text(lead, LC_LEAD_PHONE)) ||
	    ((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_CALL))
		return false;
	return !blocked(lead, m ? contact_action(m, LC_FLAG_PHONE, "call") : -1);
}

bool lc__wf_stopped(const lc_lead *lead)
{
	const lc_state *s = lc_lead_state(lead);

	if ((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & (LC_LEAD_RECYCLED | LC_LEAD_AUTOMATION_STOPPED))
		return true;
	return s && (lc__state_has_flag(s, LC_FLAG_AUTOMATION_STOPPED) || lc__state_has_unknown(s));
}

bool lc__wf_emailable(const lc_lead *lead)
{
	const lc_model *m = lc_lead_model(lead);

	if (!present(lc_lead_text(lead, LC_LEAD_EMAIL)) ||
	    ((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_EMAIL))
		return false;
	return !blocked(lead, m ? contact_action(m, LC_FLAG_EMAIL, "email") : -1);
}

/* ---- conditions ---- */

static bool text_in(const wf_strs *s, const char *value)
{
	if (!s->present)
		return true;
	if (!value || !value[0])
		return s->has_null;
	for (size_t i = 0; i < s->n; i++)
		if (lc__streq_nocase(s->v[i], value))
			return true;
	return false;
}

static bool value_in(const wf_strs *s, const lc_lead *lead, lc_axis axis)
{
	const lc_model *m = lc_lead_model(lead);
	const char *key;

	if (!s->present)
		return true;
	key = lc_state_get(lc_lead_state(lead), axis);
	if (!key)
		return s->has_null;
	for (size_t i = 0; i < s->n; i++) {
		int32_t want = lc__model_find(m, axis, s->v[i]);
		if (want >= 0 && !strcmp(lc_model_value_key(m, axis, (size_t)want), key))
			return true;
	}
	return false;
}

static bool tri(int want, bool have)
{
	return want < 0 || (want ? have : !have);
}

bool lc__wf_cond_match(const wf_cond *c, const lc_lead *lead, lc_time now)
{
	lc_time created = lc_lead_number(lead, LC_LEAD_NUM_CREATED_AT);
	lc_time touched = lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT);
	lc_time follow = lc_state_time(lc_lead_state(lead), LC_STATE_TIME_FOLLOW_UP);
	int64_t age = now - created;
	int64_t idle = now - (touched != LC_TIME_NONE ? touched : created);
	bool callable, emailable;

	if ((c->min_age >= 0 && age < c->min_age) || (c->max_age >= 0 && age > c->max_age) ||
	    (c->min_idle >= 0 && idle < c->min_idle) || (c->max_idle >= 0 && idle > c->max_idle))
		return false;
	if (!tri(c->assigned, lc_lead_number(lead, LC_LEAD_NUM_AGENT) != 0) ||
	    !tri(c->worked, touched != LC_TIME_NONE) ||
	    !tri(c->follow_up, follow != LC_TIME_NONE && follow >= now) ||
	    !tri(c->overdue, follow != LC_TIME_NONE && follow < now))
		return false;
	if (c->contactable >= 0 || c->callable >= 0 || c->emailable >= 0) {
		callable = lc__wf_callable(lead);
		emailable = lc__wf_emailable(lead);
		if (!tri(c->contactable, callable || emailable) || !tri(c->callable, callable) ||
		    !tri(c->emailable, emailable))
			return false;
	}
	if (!text_in(&c->source, lc_lead_text(lead, LC_LEAD_SOURCE)) ||
	    !text_in(&c->segment, lc_lead_text(lead, LC_LEAD_SEGMENT)) ||
	    !value_in(&c->milestone, lead, LC_AXIS_MILESTONE) ||
	    !value_in(&c->status, lead, LC_AXIS_STATUS) || !value_in(&c->stage, lead, LC_AXIS_STAGE))
		return false;
	if (c->nany) {
		bool any = false;
		for (size_t i = 0; i < c->nany && !any; i++)
			any = lc__wf_cond_match(&c->any[i], lead, now);
		if (!any)
			return false;
	}
	return !(c->not && lc__wf_cond_match(c->not, lead, now));
}

/* ---- effects ---- */

int lc__wf_round_robin(lc_db *db, const char *unit, int64_t quota, lc_time now, lc_id *agent)
{
	lc_table *l = NULL;
	lc_id unit_id = 0, last = 0, pick = 0;
	size_t n, start = 0, active = 0;
	char key[64], num[32];
	const char *v = NULL;
	int rc;

	*agent = 0;
	if (unit && (rc = lc_db_unit_find(db, unit, &unit_id)))
		return rc;
	if ((rc = lc__db_agents_in(db, unit_id, &l)))
		return rc;
	snprintf(key, sizeof key, "workflow.round_robin.%" PRId64, unit_id);
	rc = lc__db_meta_get(db, key, &v);
	if (rc == LC_ENOTFOUND) {
		lc_error_clear();
		rc = 0;
	} else if (!rc) {
		last = strtoll(v, NULL, 10);
	}
	/* In id order from the one after the cursor, round to the start: the
	 * first active agent whose list is short of the quota. */
	n = lc_table_row_count(l);
	while (start < n && lc_table_int(l, start, 0) <= last)
		start++;
	for (size_t k = 0; !rc && !pick && k < n; k++) {
		size_t i = (start + k) % n;
		int64_t load = 0;
		if (!lc_table_int(l, i, 2))
			continue;
		active++;
		if (quota >= 0 && (rc = lc__wf_day_load(db, lc_table_int(l, i, 0), now, &load)))
			break;
		if (quota < 0 || load < quota)
			pick = lc_table_int(l, i, 0);
	}
	lc_table_free(l);
	if (rc)
		return rc;
	if (!active)
		return lc__error(LC_ESTATE, "no active agent%s%s to assign leads to; activate one "
					    "(lc_db_agent_set_active)",
				 unit ? " in unit " : "", unit ? unit : "");
	if (!pick)
		return 0;
	snprintf(num, sizeof num, "%" PRId64, pick);
	if ((rc = lc__db_meta_set(db, key, num)))
		return rc;
	*agent = pick;
	return 0;
}

int lc__wf_assign_lead(lc_db *db, lc_lead *lead, lc_id agent, const char *actor, const char *rule)
{
	int rc = lc_lead_set_agent(lead, agent);

	if (rc)
		return rc;
	return lc__db_lead_write(db, lead, LC_STORAGE_PART_FIELDS, LC_EVENT_ASSIGN, actor, rule,
				 NULL, NULL);
}

/* A system disposition: the effect's values and follow-up, validated by the
 * engine through lc_db_apply(), with actor "workflow:RULE" and the rule
 * named on the event (lc_event_rule()). */
static int system_disposition(lc_db *db, const wf_rule *r, const wf_effect *e, lc_lead *lead,
			      lc_time follow_up, const char *actor)
{
	const lc_model *m = lc_db_model(db);
	lc_disposition *d = NULL;
	lc_violations *v = NULL;
	int rc;

	if ((rc = lc_disposition_new(&d, m)) || (rc = lc_violations_new(&v)))
		goto out;
	if ((rc = lc_disposition_set(d, LC_AXIS_ACTION, e->action ? e->action : "lead_update")) ||
	    (e->milestone && (rc = lc_disposition_set(d, LC_AXIS_MILESTONE, e->milestone))) ||
	    (e->status && (rc = lc_disposition_set(d, LC_AXIS_STATUS, e->status))) ||
	    (e->stage && (rc = lc_disposition_set(d, LC_AXIS_STAGE, e->stage))) ||
	    (e->note && (rc = lc_disposition_set_note(d, e->note))) ||
	    (rc = lc_disposition_set_actor(d, actor)) ||
	    (follow_up != LC_TIME_NONE && (rc = lc_disposition_set_follow_up(d, follow_up))))
		goto out;
	rc = lc__db_apply_rule(db, lc_lead_number(lead, LC_LEAD_NUM_ID), d, -1, v, NULL, r->name);
	if (rc == LC_EINVALID)
		lc__db_refusal(db, r->name, v);
	if (rc == LC_EINVALID)
		rc = lc__error(LC_EINVALID, "rule %s: the model refuses its disposition on lead %" PRId64
					    ": %s",
			       r->name, lc_lead_number(lead, LC_LEAD_NUM_ID),
			       v->n ? v->v[0].message : lc_error_last());
out:
	lc_violations_free(v);
	lc_disposition_free(d);
	return rc;
}

static bool same_value(const lc_lead *lead, lc_axis axis, const char *want)
{
	const lc_model *m = lc_lead_model(lead);
	const char *key = lc_state_get(lc_lead_state(lead), axis);
	int32_t i;

	if (!want)
		return true;
	i = lc__model_find(m, axis, want);
	return key && i >= 0 && !strcmp(lc_model_value_key(m, axis, (size_t)i), key);
}

static bool same_text(const char *a, const char *b)
{
	if (!a || !a[0] || !b || !b[0])
		return (!a || !a[0]) && (!b || !b[0]);
	return strcmp(a, b) == 0;
}

/* Whether an effect would change the lead as it is (the same tests that
 * lc__wf_run_effects() makes before writing). */
static bool would_change(const wf_effect *e, const lc_lead *lead, lc_time now)
{
	lc_time fu;

	switch (e->kind) {
	case WF_SET:
		return !(same_value(lead, LC_AXIS_MILESTONE, e->milestone) &&
			 same_value(lead, LC_AXIS_STATUS, e->status) &&
			 same_value(lead, LC_AXIS_STAGE, e->stage));
	case WF_FOLLOW_UP:
		/* A sum outside the valid times changes it: writing then reports why. */
		return lc__time_add(now, e->offset, &fu, "follow_up") != 0 ||
		       lc_state_time(lc_lead_state(lead), LC_STATE_TIME_FOLLOW_UP) != fu;
	case WF_RECYCLE:
		return true;
	case WF_ASSIGN:
		/* With a quota it tops up call lists: only a lead that will be on one. */
		return lc_lead_number(lead, LC_LEAD_NUM_AGENT) == 0 &&
		       (e->quota < 0 || lc__wf_listable(lead, lc__day_start(now) + DAY));
	case WF_SEGMENT:
		return !same_text(lc_lead_text(lead, LC_LEAD_SEGMENT), e->segment);
	case WF_STOP_AUTOMATION:
		return !((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & LC_LEAD_AUTOMATION_STOPPED);
	}
	return true;
}

static bool is_full(const wf_full *full, const wf_effect *e)
{
	for (size_t i = 0; full && i < full->n; i++)
		if (full->e[i] == e)
			return true;
	return false;
}

/* The assign effect: round-robin among the unit's active agents short of the
 * quota. *dealt is false when every one is full. */
static int assign_effect(lc_db *db, const wf_rule *r, const wf_effect *e, lc_lead *lead,
			 lc_time now, wf_full *full, const char *actor, bool *dealt)
{
	lc_id agent = 0, unit = 0;
	int rc;

	*dealt = false;
	if (is_full(full, e))
		return 0;
	if ((rc = lc__wf_round_robin(db, e->unit, e->quota, now, &agent)))
		return rc;
	if (!agent) {
		if (full && full->n < LC_ARRAY_LEN(full->e))
			full->e[full->n++] = e;
		return 0;
	}
	if (e->unit && ((rc = lc_db_unit_find(db, e->unit, &unit)) ||
			(rc = lc_lead_set_unit(lead, unit))))
		return rc;
	*dealt = true;
	return lc__wf_assign_lead(db, lead, agent, actor, r->name);
}

int lc__wf_run_effects(lc_db *db, const wf_rule *r, lc_lead *lead, lc_time now, wf_full *full,
		       wf_row_fn row, void *ud, wf_effect_kind *failed)
{
	char actor[LC_KEY_MAX + 16];
	lc_id id = lc_lead_number(lead, LC_LEAD_NUM_ID);
	lc_time fu;
	int rc = 0;

	snprintf(actor, sizeof actor, "workflow:%s", r->name);
	for (size_t i = 0; i < r->neffects && !rc; i++) {
		const wf_effect *e = &r->effects[i];
		bool changed = true;

		if ((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED)
			break;
		/* An effect that changes nothing writes nothing: sweeps stay idempotent. */
		if (!would_change(e, lead, now))
			continue;
		switch (e->kind) {
		case WF_SET:
			rc = system_disposition(db, r, e, lead, LC_TIME_NONE, actor);
			break;
		case WF_FOLLOW_UP:
			rc = lc__time_add(now, e->offset, &fu, "follow_up");
			if (!rc)
				rc = system_disposition(db, r, e, lead, fu, actor);
			break;
		case WF_RECYCLE:
			rc = lc__db_lead_set_recycled(db, id, true, actor, r->name);
			break;
		case WF_ASSIGN:
			rc = assign_effect(db, r, e, lead, now, full, actor, &changed);
			break;
		case WF_SEGMENT:
			rc = lc_lead_set_text(lead, LC_LEAD_SEGMENT, e->segment);
			if (!rc)
				rc = lc__db_lead_write(db, lead, LC_STORAGE_PART_FIELDS,
						       LC_EVENT_WORKFLOW, actor, r->name, NULL, NULL);
			break;
		case WF_STOP_AUTOMATION:
			rc = lc_lead_set_flag(lead, LC_LEAD_AUTOMATION_STOPPED, 1);
			if (!rc)
				rc = lc__db_lead_write(db, lead, LC_STORAGE_PART_FIELDS,
						       LC_EVENT_WORKFLOW, actor, r->name, NULL, NULL);
			break;
		}
		if (rc && failed)
			*failed = e->kind;
		if (!rc && changed) {
			if (row)
				row(ud, id, r->name, e->kind);
			/* Later effects and rules see the lead as it now is. */
			rc = lc__db_lead_read(db, id, lead);
		}
	}
	return rc;
}

/* ---- the sweep ---- */

typedef struct sweep_row {
	lc_id lead;
	char rule[LC_KEY_MAX + 1];
	wf_effect_kind effect;
	int code;
	char *message;
} sweep_row;

typedef struct sweep_acc {
	sweep_row *rows;
	size_t n, cap;
	bool failed; /* an allocation for a row failed */
	int64_t checked;
	size_t failures;
} sweep_acc;

static sweep_row *add_row(sweep_acc *r)
{
	if (r->n == r->cap) {
		sweep_row *rows = lc__grow(r->rows, &r->cap, sizeof *rows, 16);
		if (!rows) {
			r->failed = true;
			return NULL;
		}
		r->rows = rows;
	}
	memset(&r->rows[r->n], 0, sizeof r->rows[0]);
	return &r->rows[r->n++];
}

static void on_row(void *ud, lc_id lead, const char *rule, wf_effect_kind k)
{
	sweep_row *row = add_row(ud);

	if (row) {
		row->lead = lead;
		snprintf(row->rule, sizeof row->rule, "%s", rule);
		row->effect = k;
	}
}

static void acc_free(sweep_acc *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		lc__free(r->rows[i].message);
	lc__free(r->rows);
	lc__free(r);
}

/* Whether the time rules would change anything on a lead. When no matching
 * rule's effect changes the lead as it is, running them changes nothing
 * (each sees the same lead), so the sweep skips the lead's write
 * transaction: most leads on most days. */
static bool needs_work(const lc_ruleset *rs, const lc_lead *lead, lc_time now)
{
	const char *groups[32];
	size_t ngroups = 0;

	if (lc__wf_stopped(lead))
		return false;
	for (size_t i = 0; i < rs->nrules; i++) {
		const wf_rule *r = &rs->rules[i];
		bool skip = false;
		if (r->event)
			continue;
		for (size_t g = 0; r->group && g < ngroups; g++)
			if (!strcmp(groups[g], r->group))
				skip = true;
		if (skip || !lc__wf_cond_match(&r->cond, lead, now))
			continue;
		if (r->group && ngroups < LC_ARRAY_LEN(groups))
			groups[ngroups++] = r->group;
		for (size_t j = 0; j < r->neffects; j++)
			if (would_change(&r->effects[j], lead, now))
				return true;
	}
	return false;
}

/* Collect, in increasing order, the ids of the leads (not recycled) that the
 * rules would change; count every lead looked at. */
static int collect_ids(lc_db *db, const lc_ruleset *rs, lc_time now, lc_id **ids, size_t *n,
		       int64_t *checked)
{
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = lc_db_query(db, NULL, &it)))
		return rc;
	while ((rc = lc_lead_iter_next(it, &l)) == 1) {
		(*checked)++;
		if (!needs_work(rs, l, now))
			continue;
		if (*n == cap) {
			lc_id *p = lc__grow(*ids, &cap, sizeof *p, 256);
			if (!p) {
				rc = LC_ENOMEM;
				break;
			}
			*ids = p;
		}
		(*ids)[(*n)++] = lc_lead_number(l, LC_LEAD_NUM_ID);
	}
	lc_lead_iter_free(it);
	if (rc < 0) {
		lc__free(*ids);
		*ids = NULL;
		*n = 0;
		return rc;
	}
	return 0;
}

/* The time rules of a rule set on one lead, inside its transaction. */
static int sweep_lead(lc_db *db, const lc_ruleset *rs, lc_lead *lead, lc_time now,
		      wf_full *full, sweep_acc *res, const char **failed_rule,
		      wf_effect_kind *failed_effect)
{
	const char *groups[32];
	size_t ngroups = 0;
	int rc = 0;

	for (size_t i = 0; i < rs->nrules && !rc; i++) {
		const wf_rule *r = &rs->rules[i];
		bool skip = false;
		if (r->event)
			continue;
		if (lc__wf_stopped(lead))
			break;
		for (size_t g = 0; r->group && g < ngroups; g++)
			if (!strcmp(groups[g], r->group))
				skip = true;
		if (skip || !lc__wf_cond_match(&r->cond, lead, now))
			continue;
		if (r->group && ngroups < LC_ARRAY_LEN(groups))
			groups[ngroups++] = r->group;
		*failed_rule = r->name;
		rc = lc__wf_run_effects(db, r, lead, now, full, on_row, res, failed_effect);
	}
	return rc;
}

/* The result as a table: a row per effect written or lead rolled back. */
static int to_table(const sweep_acc *r, lc_table **out)
{
	static const lc__column cols[] = { { "lead", LC_COLUMN_ID },
					   { "rule", LC_COLUMN_TEXT },
					   { "effect", LC_COLUMN_TEXT },
					   { "code", LC_COLUMN_INT },
					   { "message", LC_COLUMN_TEXT } };
	static const lc__column sums[] = { { "checked", LC_COLUMN_INT },
					   { "failures", LC_COLUMN_INT } };
	lc_table *t;
	int rc;

	if ((rc = lc__table_new(&t, "sweep", cols, LC_ARRAY_LEN(cols))))
		return rc;
	for (size_t i = 0; i < r->n; i++) {
		lc__table_row(t);
		lc__table_put_int(t, 0, r->rows[i].lead);
		lc__table_put_text(t, 1, r->rows[i].rule);
		lc__table_put_text(t, 2, lc__wf_effect_name(r->rows[i].effect));
		lc__table_put_int(t, 3, r->rows[i].code);
		lc__table_put_text(t, 4, r->rows[i].message ? r->rows[i].message : "");
	}
	lc__table_add_summary(t, sums, LC_ARRAY_LEN(sums));
	lc__table_put_int(t->summary, 0, r->checked);
	lc__table_put_int(t->summary, 1, (int64_t)r->failures);
	return lc__table_finish(t, out);
}

int lc_workflow_sweep(lc_db *db, lc_time now, lc_table **out)
{
	sweep_acc *res = NULL;
	wf_full full = { { 0 }, 0 };
	lc_ruleset *rs = NULL;
	lc_lead *lead = NULL;
	lc_id *ids = NULL;
	size_t nids = 0;
	int rc;

	if (out)
		*out = NULL;
	LC__ARG(db, "db");
	if ((rc = lc__db_writable(db, "lc_workflow_sweep")) ||
	    (rc = lc__time_check(now, true, "lc_workflow_sweep: now")) ||
	    (rc = lc__db_need_model(db, "lc_workflow_sweep")))
		return rc;
	if (db->explicit_txn)
		return lc__error(LC_ESTATE, "lc_workflow_sweep runs one transaction per lead; call it "
					    "outside lc_db_begin()/lc_db_commit()");
	if (now == LC_TIME_NONE && (rc = lc__db_clock(db, &now, "lc_workflow_sweep")))
		return rc;
	if ((rc = lc__wf_load_current(db, &rs, NULL)))
		return rc;
	if (!rs)
		return lc__error(LC_ESTATE, "lc_workflow_sweep: the store has no rule set; install one "
					    "with lc_db_ruleset_install()");
	/* The rule set may have come from another handle: event rules follow it. */
	lc__wf_attach(db);
	lc__wf_refresh(db);
	if (!(res = lc__calloc(1, sizeof *res)) || (rc = lc_lead_new(&lead)) ||
	    (rc = collect_ids(db, rs, now, &ids, &nids, &res->checked))) {
		rc = rc ? rc : LC_ENOMEM;
		goto out;
	}
	lc__db_progress(db, "sweep", 0, nids);
	for (size_t k = 0; k < nids; lc__db_progress(db, "sweep", ++k, nids)) {
		size_t mark = res->n;
		const char *failed_rule = NULL;
		wf_effect_kind failed_effect = WF_SET;

		if ((rc = lc__db_txn_begin(db, true)))
			goto fail_lead;
		rc = lc__db_lead_read(db, ids[k], lead);
		if (rc == LC_ENOTFOUND) {
			/* Gone since the ids were read (another handle): nothing to do. */
			lc_error_clear();
			rc = lc__db_txn_end(db, 0);
			continue;
		}
		if (!rc)
			rc = sweep_lead(db, rs, lead, now, &full, res, &failed_rule, &failed_effect);
		if (!rc && res->failed)
			rc = LC_ENOMEM;
		rc = lc__db_txn_end(db, rc);
		if (!rc)
			continue;
	fail_lead:
		/* The lead's changes were rolled back: so are its rows. */
		for (size_t i = mark; i < res->n; i++)
			lc__free(res->rows[i].message);
		res->n = mark;
		res->failed = false;
		if (rc == LC_ENOMEM)
			goto out;
		{
			sweep_row *row = add_row(res);
			if (!row || !(row->message = lc__strdup(lc_error_last()))) {
				rc = LC_ENOMEM;
				goto out;
			}
			row->lead = ids[k];
			snprintf(row->rule, sizeof row->rule, "%s", failed_rule ? failed_rule : "");
			row->effect = failed_effect;
			row->code = rc;
			res->failures++;
		}
		rc = 0;
	}
	rc = 0;
out:
	lc__free(ids);
	lc_lead_free(lead);
	lc_ruleset_free(rs);
	if (!rc && res && res->failed)
		rc = LC_ENOMEM;
	if (!rc && out)
		rc = to_table(res, out);
	acc_free(res);
	return rc;
}
