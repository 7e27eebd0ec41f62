/*
 * The engine: judge a disposition against a lead's state, and compute the
 * next state. Pure functions over model + state + disposition; nothing is
 * allocated and nothing is formatted unless there is a violation.
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

/* The axes a state holds, in the order violations are reported. */
static const lc_axis state_axes[] = {
	LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE, LC_AXIS_PHASE, LC_AXIS_LIFECYCLE,
};

static const char *const outcome_names[] = {
	"none", "progressing", "go_back", "exiting", "problem", "no_change", "no_contact",
};

/* What a disposition would make of a state: the new value of each axis, and
 * whether the disposition chose it (a stage chosen through an exiting
 * reason counts as chosen). */
typedef struct plan {
	int32_t n[LC_AXIS_COUNT];
	bool set[LC_AXIS_COUNT];
	/* A crossing action given without a status (Win Lead): the life-cycle
	 * state it leads to, and how many statuses that state has (1: the plan
	 * chose it; 0: the action leads nowhere from here; more: ambiguous).
	 * target -1 when the rule does not apply. */
	int32_t target;
	uint32_t target_statuses;
} plan;

/* The judge: the model, the lead's state, the disposition and the plan, and
 * what the steps learn on the way (the requirements in force, whether a
 * reason is needed and why). Violations are counted always and formatted
 * only when the caller wants them. */
typedef struct judge {
	const lc_model *m;
	lc_violations *out;
	size_t count;
	const lc_state *c;
	const lc_disposition *d;
	lc_time now;
	plan p;
	int32_t a, r;          /* the disposition's action and reason, or -1 */
	const lc_value *av;    /* the action, or NULL */
	uint32_t req;          /* LC_REQ_* asked for by the chosen values */
	bool need_reason;
	const char *reason_cause;
	bool exits;            /* the outcome is exiting or problem */
} judge;

#define ADD(j, code, field, ...)                                                  \
	do {                                                                      \
		(j)->count++;                                                     \
		if ((j)->out)                                                     \
			lc__violations_add((j)->out, LC_V_##code, field, __VA_ARGS__); \
	} while (0)

static inline const lc_value *val(const lc_model *m, lc_axis ax, int32_t i)
{
	return &m->axes[ax].v[i];
}

static const char *label(const lc_model *m, lc_axis ax, int32_t i)
{
	const lc_value *v;

	if (i < 0)
		return "(none)";
	v = val(m, ax, i);
	return v->label && v->label[0] ? v->label : v->key;
}

static const char *model_name(const lc_model *m)
{
	return m->name ? m->name : "";
}

/* "a, b, c, ..." into buf: the keys of an axis (or only lost reasons). */
static const char *key_list(const lc_model *m, lc_axis ax, bool lost_only, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < m->axes[ax].n; i++) {
		const lc_value *v = val(m, ax, (int32_t)i);
		size_t k = strlen(v->key);
		if (lost_only && !v->lost_reason)
			continue;
		if (len + k + 8 >= size) {
			snprintf(buf + len, size - len, "%s...", len ? ", " : "");
			break;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", v->key);
	}
	return buf;
}

static int check_bound(const lc_model *m, const lc_model *bound, const char *what,
		       const char *fn)
{
	if (bound != m)
		return lc__error(LC_EINVAL,
				 "%s: the %s is bound to model '%s', not to '%s'; create it with "
				 "the model that judges it",
				 fn, what, model_name(bound), model_name(m));
	return 0;
}

static int check_args(const lc_model *m, const lc_state *cur, const lc_disposition *d,
		      const char *fn)
{
	int rc;

	LC__ARG_IN(fn, m, "model");
	LC__ARG_IN(fn, cur, "current");
	LC__ARG_IN(fn, d, "d");
	rc = check_bound(m, cur->model, "state", fn);
	if (!rc)
		rc = check_bound(m, d->model, "disposition", fn);
	return rc;
}

static bool is_exit(lc_outcome o)
{
	return o == LC_OUTCOME_EXITING || o == LC_OUTCOME_PROBLEM;
}

/* A crossing action given without a status moves the lead to the one
 * status of the life-cycle state its crossing leads to (seed 003: Win Lead
 * makes the lead Won). Several statuses there, or no crossing of the action
 * out of the lead's state, are refused by check_crossing(). */
static void plan_crossing(const lc_model *m, const lc_state *c, const lc_disposition *d,
			  plan *p)
{
	int32_t a = d->idx[LC_AXIS_ACTION], cl = c->idx[LC_AXIS_LIFECYCLE], to = -1, pick = -1;
	bool crosses = false;

	p->target = -1;
	p->target_statuses = 0;
	if (a < 0 || d->idx[LC_AXIS_STATUS] >= 0 || !m->axes[LC_AXIS_LIFECYCLE].n)
		return;
	for (uint32_t k = 0; k < m->ncrossings; k++) {
		const lc_crossing *x = &m->crossings[k];
		if (x->action != a)
			continue;
		crosses = true;
		if ((x->from == cl || x->from < 0) && x->to >= 0 && x->to != cl && to < 0)
			to = x->to;
	}
	if (!crosses)
		return;
	p->target = to < 0 ? cl : to;
	if (to < 0)
		return;
	for (uint32_t i = 0; i < m->axes[LC_AXIS_STATUS].n; i++) {
		const lc_value *v = val(m, LC_AXIS_STATUS, (int32_t)i);
		if (v->parent == to && !(v->flags & LC_FLAG_DEPRECATED)) {
			p->target_statuses++;
			pick = (int32_t)i;
		}
	}
	if (p->target_statuses == 1) {
		p->n[LC_AXIS_STATUS] = pick;
		p->n[LC_AXIS_LIFECYCLE] = to;
		p->set[LC_AXIS_STATUS] = p->set[LC_AXIS_LIFECYCLE] = true;
	}
}

static void make_plan(const lc_model *m, const lc_state *c, const lc_disposition *d, plan *p)
{
	int32_t stage = d->idx[LC_AXIS_STAGE];
	int32_t r = d->idx[LC_AXIS_REASON];

	/* An exiting reason that leads to a closed stage chooses that stage. */
	if (stage < 0 && r >= 0 && is_exit(d->outcome)) {
		int32_t to = val(m, LC_AXIS_REASON, r)->parent;
		if (to >= 0 && (uint32_t)to < m->axes[LC_AXIS_STAGE].n)
			stage = to;
	}
	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		p->n[a] = c->idx[a];
		p->set[a] = false;
	}
	if (d->idx[LC_AXIS_MILESTONE] >= 0) {
		p->n[LC_AXIS_MILESTONE] = d->idx[LC_AXIS_MILESTONE];
		p->set[LC_AXIS_MILESTONE] = true;
	}
	if (d->idx[LC_AXIS_STATUS] >= 0) {
		p->n[LC_AXIS_STATUS] = d->idx[LC_AXIS_STATUS];
		p->n[LC_AXIS_LIFECYCLE] = val(m, LC_AXIS_STATUS, d->idx[LC_AXIS_STATUS])->parent;
		p->set[LC_AXIS_STATUS] = p->set[LC_AXIS_LIFECYCLE] = true;
	}
	if (stage >= 0) {
		p->n[LC_AXIS_STAGE] = stage;
		p->n[LC_AXIS_PHASE] = val(m, LC_AXIS_STAGE, stage)->parent;
		p->set[LC_AXIS_STAGE] = p->set[LC_AXIS_PHASE] = true;
	}
	plan_crossing(m, c, d, p);
}

/* Does a crossing row let `action` move the lead from life-cycle state
 * `from` to `to` (-1 in a row means any)? */
static bool crossing_allows(const lc_model *m, int32_t action, int32_t from, int32_t to)
{
	for (uint32_t k = 0; k < m->ncrossings; k++) {
		const lc_crossing *x = &m->crossings[k];
		if (x->action == action && (x->from == from || x->from < 0) &&
		    (x->to == to || x->to < 0))
			return true;
	}
	return false;
}

/* Is value j of the outcome axis closed lost (itself, or a stage through its
 * phase)? Exits lead there; a closed won value is the end of the order. */
static bool is_closed(const lc_model *m, lc_axis ax, int32_t j)
{
	return lc__closed_kind(m, ax, j) == LC_FLAG_LOST;
}

/* Step 7: outcomes on the ordered axis. */
static void check_outcome(judge *j)
{
	const lc_model *m = j->m;
	const lc_state *c = j->c;
	const lc_disposition *d = j->d;
	const plan *p = &j->p;
	lc_axis ax = (lc_axis)m->outcome_axis;
	const char *f = lc__engine_axis_name(ax);
	int32_t i = c->idx[ax], n = p->n[ax];
	lc_outcome o = d->outcome;

	switch (o) {
	case LC_OUTCOME_NONE:
		if (i >= 0 && n != i && m->outcome_required)
			ADD(j, OUTCOME_REQUIRED, "outcome",
			    "Changing the %s from %s to %s needs an outcome; set progressing, "
			    "go_back, exiting or problem.",
			    f, label(m, ax, i), label(m, ax, n));
		break;
	case LC_OUTCOME_PROGRESSING:
	case LC_OUTCOME_GO_BACK: {
		bool fwd = o == LC_OUTCOME_PROGRESSING;
		if (n < 0 || (!fwd && i < 0)) {
			ADD(j, OUTCOME_DIRECTION, f, "The outcome %s needs the %s the lead moves to%s.",
			    outcome_names[o], f, fwd ? "; set one" : ", and an earlier one to go back to");
		} else if (is_closed(m, ax, n)) {
			/* Closed values are reached by exiting or problem, with a reason. */
			ADD(j, OUTCOME_DIRECTION, f,
			    "The %s %s is closed; use the outcome exiting or problem, with a reason, "
			    "to move the lead there.",
			    f, label(m, ax, n));
		} else if (i < 0 || is_closed(m, ax, i)) {
			/* A first value, or a lead coming back from a closed value: the
			 * order says nothing about the direction. */
		} else if (fwd && (n < i || (n == i && !(val(m, ax, n)->flags & LC_FLAG_REPEATABLE)))) {
			ADD(j, OUTCOME_DIRECTION, f,
			    "Progressing moves the %s forward from %s, but %s is not later; "
			    "choose a later %s or use go_back.",
			    f, label(m, ax, i), label(m, ax, n), f);
		} else if (fwd && m->max_skip >= 0 && n - i - 1 > m->max_skip) {
			ADD(j, SKIP_TOO_FAR, f,
			    "Moving from %s to %s skips %d %s values; model %s allows at most %d "
			    "in one step, so choose a nearer %s.",
			    label(m, ax, i), label(m, ax, n), (int)(n - i - 1), f, model_name(m),
			    (int)m->max_skip, f);
		} else if (!fwd && n >= i) {
			ADD(j, OUTCOME_DIRECTION, f,
			    "Going back moves the %s backward from %s, but %s is not earlier; "
			    "choose an earlier %s or use progressing.",
			    f, label(m, ax, i), label(m, ax, n), f);
		}
		break;
	}
	case LC_OUTCOME_EXITING:
	case LC_OUTCOME_PROBLEM:
		if (n < 0 || !is_closed(m, ax, n))
			ADD(j, OUTCOME_DIRECTION, f,
			    "The outcome %s moves the lead to a closed %s, and %s is not one; "
			    "choose a closed %s or a reason that leads to one.",
			    outcome_names[o], f, label(m, ax, n), f);
		if (d->idx[LC_AXIS_REASON] < 0) {
			if (!j->need_reason)
				j->reason_cause = outcome_names[o];
			j->need_reason = true;
		} else {
			int32_t r = d->idx[LC_AXIS_REASON];
			const lc_value *rv = val(m, LC_AXIS_REASON, r);
			if (!(rv->reason_outcomes & (1u << o)))
				ADD(j, REASON_NOT_ALLOWED, "reason",
				    "The reason %s cannot be used with the outcome %s; choose a "
				    "reason meant for %s.",
				    label(m, LC_AXIS_REASON, r), outcome_names[o], outcome_names[o]);
			else if (rv->parent >= 0 && p->n[LC_AXIS_STAGE] != rv->parent)
				ADD(j, REASON_NOT_ALLOWED, "reason",
				    "The reason %s leads to the stage %s, not %s; leave the stage "
				    "out or choose a matching reason.",
				    label(m, LC_AXIS_REASON, r), label(m, LC_AXIS_STAGE, rv->parent),
				    label(m, LC_AXIS_STAGE, p->n[LC_AXIS_STAGE]));
		}
		break;
	case LC_OUTCOME_NO_CHANGE:
	case LC_OUTCOME_NO_CONTACT:
		if (n != i)
			ADD(j, OUTCOME_UNCHANGED, f,
			    "The outcome %s keeps the %s at %s; leave the %s out, or use "
			    "progressing or go_back to change it.",
			    outcome_names[o], f, label(m, ax, i), f);
		break;
	}
}

/* The axis a disposition sets to replace a value of `ax`: a phase goes with
 * its stage, a life-cycle state with its status. */
static lc_axis owner_axis(lc_axis ax)
{
	return ax == LC_AXIS_PHASE ? LC_AXIS_STAGE : ax == LC_AXIS_LIFECYCLE ? LC_AXIS_STATUS : ax;
}

/* Step 1: an action says how the touch was made. */
static void check_action(judge *j)
{
	char keys[160];

	if (!j->av && j->m->axes[LC_AXIS_ACTION].n)
		ADD(j, ACTION_REQUIRED, "action", "Choose an action; model %s has: %s.",
		    model_name(j->m), key_list(j->m, LC_AXIS_ACTION, false, keys, sizeof keys));
}

/* Step 2: a value the model does not know (a newer version removed or
 * renamed it) never stands in a new event: the disposition must replace it
 * (seed 000: no new history note until a correct combination is chosen). */
static void check_unknown(judge *j)
{
	char keys[160];

	for (int k = 0; k < 5; k++) {
		lc_axis ax = state_axes[k], own = owner_axis(ax);
		if (j->c->idx[ax] >= 0 || !j->c->raw[ax][0] || j->p.set[ax])
			continue;
		if (!j->m->axes[own].n) {
			ADD(j, UNKNOWN_VALUE, lc__engine_axis_name(own),
			    "The lead's %s '%s' is not in model %s, which has no %s values, so no "
			    "disposition can replace it; clear it with lc_db_migrate() (a rule to "
			    "\"\"), or install a model version that has them.",
			    lc__engine_axis_name(ax), j->c->raw[ax], model_name(j->m),
			    lc__engine_axis_name(own));
			continue;
		}
		ADD(j, UNKNOWN_VALUE, lc__engine_axis_name(own),
		    "The lead's %s '%s' is not in model %s (it was removed or renamed); choose a "
		    "current %s in this disposition: %s.",
		    lc__engine_axis_name(ax), j->c->raw[ax], model_name(j->m),
		    lc__engine_axis_name(own), key_list(j->m, own, false, keys, sizeof keys));
	}
}

/* Step 3: legacy values stay where they are but are not chosen anew. Actions
 * and reasons have no current value, so choosing them is always anew. */
static void check_deprecated(judge *j)
{
	const lc_model *m = j->m;

	if (j->av && (j->av->flags & LC_FLAG_DEPRECATED))
		ADD(j, DEPRECATED, "action",
		    "The action %s is a legacy value and can no longer be chosen; choose a "
		    "current action.",
		    label(m, LC_AXIS_ACTION, j->a));
	for (int k = 0; k < 3; k++) {
		lc_axis ax = state_axes[k];
		int32_t n = j->p.n[ax];
		if (j->p.set[ax] && n != j->c->idx[ax] && (val(m, ax, n)->flags & LC_FLAG_DEPRECATED))
			ADD(j, DEPRECATED, lc__engine_axis_name(ax),
			    "The %s %s is a legacy value: leads that have it keep it, but it can no "
			    "longer be chosen; choose a current %s.",
			    lc__engine_axis_name(ax), label(m, ax, n), lc__engine_axis_name(ax));
	}
	if (j->r >= 0 && (val(m, LC_AXIS_REASON, j->r)->flags & LC_FLAG_DEPRECATED))
		ADD(j, DEPRECATED, "reason",
		    "The reason %s is a legacy value and can no longer be chosen; choose a "
		    "current reason.",
		    label(m, LC_AXIS_REASON, j->r));
}

static bool linked(const lc_model *m, int32_t ms, int32_t st)
{
	return ms < 0 || st < 0 || !m->links ||
	       m->links[(size_t)ms * m->axes[LC_AXIS_STATUS].n + (size_t)st];
}

/* A stage tied to life-cycle states ("lifecycles") is held only in one of
 * them; an unknown life-cycle state is reported as such, not here. */
static bool stage_fits(const lc_model *m, int32_t stage, int32_t lc, bool lc_unknown)
{
	uint64_t tie = stage >= 0 ? val(m, LC_AXIS_STAGE, stage)->lifecycles : 0;

	return !tie || lc_unknown || (lc >= 0 && lc < LC_MAX_TIED_LIFECYCLES && (tie & ((uint64_t)1 << lc)));
}

/* The action that takes a lead from life-cycle state `from` into one the
 * stage may be held in; -1 when none does. */
static int32_t tie_action(const lc_model *m, int32_t stage, int32_t from)
{
	uint64_t tie = val(m, LC_AXIS_STAGE, stage)->lifecycles;

	for (uint32_t k = 0; k < m->ncrossings; k++) {
		const lc_crossing *x = &m->crossings[k];
		if ((x->from == from || x->from < 0) && x->to >= 0 && x->to < LC_MAX_TIED_LIFECYCLES &&
		    (tie & ((uint64_t)1 << x->to)))
			return x->action;
	}
	return -1;
}

static void add_tie(judge *j, const char *field, int32_t stage, int32_t lc, int32_t from)
{
	const lc_model *m = j->m;
	int32_t a = from >= 0 ? tie_action(m, stage, from) : -1;

	if (a >= 0)
		ADD(j, COMBINATION, field,
		    "The stage %s is held only in the life-cycle states it lists (\"lifecycles\"), "
		    "and the lead would be in %s; reach it with the action %s (key %s) and its "
		    "status, or choose another stage.",
		    label(m, LC_AXIS_STAGE, stage), label(m, LC_AXIS_LIFECYCLE, lc),
		    label(m, LC_AXIS_ACTION, a), val(m, LC_AXIS_ACTION, a)->key);
	else
		ADD(j, COMBINATION, field,
		    "The stage %s is held only in the life-cycle states it lists (\"lifecycles\"), "
		    "and the lead would be in %s; choose another stage or a status of one of "
		    "those states.",
		    label(m, LC_AXIS_STAGE, stage), label(m, LC_AXIS_LIFECYCLE, lc));
}

/* Step 4: the links allow the new milestone with the new status, and the new
 * stage allows the new life-cycle state. */
static void check_links(judge *j)
{
	const lc_model *m = j->m;
	int32_t ms = j->p.n[LC_AXIS_MILESTONE], st = j->p.n[LC_AXIS_STATUS];
	int32_t sg = j->p.n[LC_AXIS_STAGE], lc = j->p.n[LC_AXIS_LIFECYCLE];

	if (!linked(m, ms, st))
		ADD(j, COMBINATION, j->d->idx[LC_AXIS_STATUS] >= 0 ? "status" : "milestone",
		    "The status %s is not allowed with the milestone %s; choose a status "
		    "linked to %s or another milestone.",
		    label(m, LC_AXIS_STATUS, st), label(m, LC_AXIS_MILESTONE, ms),
		    label(m, LC_AXIS_MILESTONE, ms));
	/* the field is what d changed to break the tie: its status alone, else the stage */
	if (!stage_fits(m, sg, lc, !j->p.set[LC_AXIS_LIFECYCLE] && j->c->raw[LC_AXIS_LIFECYCLE][0]))
		add_tie(j, j->p.set[LC_AXIS_STATUS] && !j->p.set[LC_AXIS_STAGE] ? "status" : "stage",
			sg, lc, j->c->idx[LC_AXIS_LIFECYCLE]);
}

/* Add what value i of `ax` asks of the disposition to j->req, naming the
 * first value that asks for each requirement. */
static void demand(judge *j, lc_axis ax, int32_t i, uint32_t mask, const char **why_fu,
		   const char **why_note)
{
	uint32_t rq = val(j->m, ax, i)->requires & mask;

	if ((rq & LC_REQ_FOLLOW_UP) && !*why_fu)
		*why_fu = label(j->m, ax, i);
	if ((rq & LC_REQ_NOTE) && !*why_note)
		*why_note = label(j->m, ax, i);
	if ((rq & LC_REQ_REASON) && !j->reason_cause)
		j->reason_cause = label(j->m, ax, i);
	j->req |= rq;
}

/* A value the lead keeps that needs a future follow-up (seed 000: Hot leads
 * "should always have a future follow up scheduled"); -1 when none. */
static int32_t kept_follow_up_value(const judge *j, lc_axis *ax)
{
	for (int k = 0; k < 3; k++) {
		*ax = state_axes[k];
		int32_t n = j->p.n[*ax];
		if (n >= 0 && !j->p.set[*ax] && (val(j->m, *ax, n)->requires & LC_REQ_FOLLOW_UP))
			return n;
	}
	return -1;
}

/* Step 5: what each chosen value demands of the disposition, and the
 * follow-up the resulting state needs for the values it keeps. */
static void check_requires(judge *j)
{
	const char *why_fu = NULL, *why_note = NULL;
	const lc_disposition *d = j->d;
	lc_axis kax;
	int32_t kept;

	if (j->av)
		demand(j, LC_AXIS_ACTION, j->a, ~0u, &why_fu, &why_note);
	for (int k = 0; k < 3; k++)
		if (j->p.set[state_axes[k]])
			demand(j, state_axes[k], j->p.n[state_axes[k]], ~0u, &why_fu, &why_note);
	/* A reason may ask for more ("Other" needs a note). */
	if (j->r >= 0)
		demand(j, LC_AXIS_REASON, j->r, ~LC_REQ_REASON, &why_fu, &why_note);
	if (j->req & LC_REQ_FOLLOW_UP) {
		if (d->follow_up == LC_TIME_NONE)
			ADD(j, FOLLOW_UP_REQUIRED, "follow_up",
			    "%s requires a follow-up time; set one in the future.", why_fu);
		else if (d->follow_up <= j->now)
			ADD(j, FOLLOW_UP_PAST, "follow_up",
			    "%s requires a follow-up in the future, and the one given is not "
			    "after the time of the event; set a later time.",
			    why_fu);
	} else if ((kept = kept_follow_up_value(j, &kax)) >= 0) {
		lc_time fu = d->follow_up != LC_TIME_NONE ? d->follow_up : j->c->follow_up;
		if (fu == LC_TIME_NONE)
			ADD(j, FOLLOW_UP_REQUIRED, "follow_up",
			    "The lead stays %s, which requires a follow-up, and it has none; set "
			    "one in the future.",
			    label(j->m, kax, kept));
		else if (fu <= j->now)
			ADD(j, FOLLOW_UP_PAST, "follow_up",
			    "The lead stays %s, which requires a follow-up in the future, and %s "
			    "is not after the time of the event; set a later time.",
			    label(j->m, kax, kept),
			    d->follow_up != LC_TIME_NONE ? "the one given" : "its follow-up");
	}
	if ((j->req & LC_REQ_NOTE) && (!d->has_note || !d->note[0]))
		ADD(j, NOTE_REQUIRED, "note", "%s requires a note; write what happened.", why_note);
	if (j->req & LC_REQ_REASON)
		j->need_reason = true;
}

/* Why the state forbids action a: what kind of block, and (for a value)
 * which axis and value. The engine's step 6 and lc__engine_forbids() share
 * it, so that the worklist and the sweep judge contactability as the
 * engine does. Ends-contact is separate (its own violation). */
enum block_kind { BLOCK_NONE, BLOCK_VALUE, BLOCK_UNKNOWN, BLOCK_NO_CALL, BLOCK_NO_EMAIL };

static enum block_kind blocker(const lc_model *m, const lc_state *c, int32_t a, lc_axis *by_ax,
			       int32_t *by)
{
	const lc_value *av = val(m, LC_AXIS_ACTION, a);
	uint64_t bit = (uint64_t)1 << (a & 63);

	for (int k = 0; k < 5; k++) {
		lc_axis ax = state_axes[k];
		int32_t i = c->idx[ax];
		*by_ax = ax;
		*by = i;
		if (i >= 0 && (val(m, ax, i)->blocks & bit))
			return BLOCK_VALUE;
		/* What a removed value forbade is not known: it blocks every contact. */
		if (i < 0 && c->raw[ax][0] && (av->flags & LC_FLAG_CONTACT))
			return BLOCK_UNKNOWN;
	}
	if ((c->flags & LC_STATE_DO_NOT_CALL) && (av->flags & LC_FLAG_PHONE))
		return BLOCK_NO_CALL;
	if ((c->flags & LC_STATE_DO_NOT_EMAIL) && (av->flags & LC_FLAG_EMAIL))
		return BLOCK_NO_EMAIL;
	return BLOCK_NONE;
}

/* The first value of the state flagged ends_contact; -1 when none. */
static int32_t contact_ender(const lc_model *m, const lc_state *c, lc_axis *by_ax)
{
	for (int k = 0; k < 5; k++) {
		*by_ax = state_axes[k];
		int32_t i = c->idx[*by_ax];
		if (i >= 0 && (val(m, *by_ax, i)->flags & LC_FLAG_ENDS_CONTACT))
			return i;
	}
	return -1;
}

bool lc__engine_forbids(const lc_model *m, const lc_state *s, int32_t action)
{
	lc_axis ax;
	int32_t i;

	if (action < 0 || (uint32_t)action >= m->axes[LC_AXIS_ACTION].n)
		return false;
	if (blocker(m, s, action, &ax, &i) != BLOCK_NONE)
		return true;
	return (val(m, LC_AXIS_ACTION, action)->flags & LC_FLAG_CONTACT) &&
	       contact_ender(m, s, &ax) >= 0;
}

/* Step 6: what the lead's current state forbids. A status that blocks an
 * action blocks the next contact, not the disposition that records it
 * (seed 000: "the line is dead" is recorded with the Call that found it). */
static void check_blocks(judge *j)
{
	const lc_model *m = j->m;
	const char *act;
	lc_axis ax;
	int32_t i;

	if (!j->av)
		return;
	act = label(m, LC_AXIS_ACTION, j->a);
	switch (blocker(m, j->c, j->a, &ax, &i)) {
	case BLOCK_VALUE:
		ADD(j, ACTION_BLOCKED, "action", "The %s %s forbids the action %s; record another action.",
		    lc__engine_axis_name(ax), label(m, ax, i), act);
		break;
	case BLOCK_UNKNOWN:
		ADD(j, ACTION_BLOCKED, "action",
		    "The lead's %s '%s' is not in model %s, and what it forbade is not known, so "
		    "the contact action %s is not allowed; give the lead a current %s with a "
		    "non-contact action first.",
		    lc__engine_axis_name(ax), j->c->raw[ax], model_name(m), act,
		    lc__engine_axis_name(owner_axis(ax)));
		break;
	case BLOCK_NO_CALL:
		ADD(j, ACTION_BLOCKED, "action",
		    "The lead must not be called or texted (do not call), so %s is not "
		    "allowed; record another action.",
		    act);
		break;
	case BLOCK_NO_EMAIL:
		ADD(j, ACTION_BLOCKED, "action",
		    "The lead must not be emailed (do not email), so %s is not allowed; "
		    "record another action.",
		    act);
		break;
	case BLOCK_NONE:
		break;
	}
	if ((j->av->flags & LC_FLAG_CONTACT) && (i = contact_ender(m, j->c, &ax)) >= 0)
		ADD(j, CONTACT_ENDED, "action",
		    "The %s %s ends all contact with the lead, so the contact action %s is not "
		    "allowed; record a non-contact action.",
		    lc__engine_axis_name(ax), label(m, ax, i), act);
}

/* Step 7: terminal values are final, unless this action crosses out of the
 * lead's life-cycle state (reopen). */
static void check_terminal(judge *j)
{
	const lc_model *m = j->m;
	int32_t cl = j->c->idx[LC_AXIS_LIFECYCLE], nl = j->p.n[LC_AXIS_LIFECYCLE];
	int leaves = -1; /* computed on first need */

	for (int k = 0; k < 5; k++) {
		lc_axis ax = state_axes[k];
		int32_t i = j->c->idx[ax];
		if (i < 0 || j->p.n[ax] == i || !(val(m, ax, i)->flags & LC_FLAG_TERMINAL))
			continue;
		if (leaves < 0)
			leaves = j->a >= 0 && cl >= 0 && nl != cl && crossing_allows(m, j->a, cl, nl);
		if (!leaves)
			ADD(j, TERMINAL, lc__engine_axis_name(ax),
			    "The %s %s is final; a disposition cannot change it.",
			    lc__engine_axis_name(ax), label(m, ax, i));
	}
}

/* A crossing action without a status whose target has not one status. */
static void check_crossing_target(judge *j)
{
	const lc_model *m = j->m;
	int32_t to = j->p.target;
	char keys[160];
	size_t len = 0;

	if (to < 0 || j->p.target_statuses == 1)
		return;
	if (j->p.target_statuses == 0 || to == j->c->idx[LC_AXIS_LIFECYCLE]) {
		ADD(j, LIFECYCLE_CROSSING, "action",
		    "The action %s moves no lead out of %s; choose another action.",
		    label(m, LC_AXIS_ACTION, j->a), label(m, LC_AXIS_LIFECYCLE, to));
		return;
	}
	keys[0] = '\0';
	for (uint32_t i = 0; i < m->axes[LC_AXIS_STATUS].n && len + 70 < sizeof keys; i++)
		if (val(m, LC_AXIS_STATUS, (int32_t)i)->parent == to)
			len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s", len ? ", " : "",
						val(m, LC_AXIS_STATUS, (int32_t)i)->key);
	ADD(j, LIFECYCLE_CROSSING, "status",
	    "The action %s moves the lead to %s, which has several statuses; choose one: %s.",
	    label(m, LC_AXIS_ACTION, j->a), label(m, LC_AXIS_LIFECYCLE, to), keys);
}

/* Step 9a: moving between life-cycle states needs a crossing. */
static void check_crossing(judge *j)
{
	const lc_model *m = j->m;
	int32_t cl = j->c->idx[LC_AXIS_LIFECYCLE], nl = j->p.n[LC_AXIS_LIFECYCLE];
	int32_t hint = -1;

	check_crossing_target(j);
	if (cl < 0 || nl < 0 || nl == cl || crossing_allows(m, j->a, cl, nl))
		return;
	for (uint32_t k = 0; k < m->ncrossings && hint < 0; k++) {
		const lc_crossing *x = &m->crossings[k];
		if ((x->from == cl || x->from < 0) && (x->to == nl || x->to < 0))
			hint = x->action;
	}
	if (hint >= 0)
		ADD(j, LIFECYCLE_CROSSING, "action",
		    "Moving from %s to %s needs the action %s (key %s).",
		    label(m, LC_AXIS_LIFECYCLE, cl), label(m, LC_AXIS_LIFECYCLE, nl),
		    label(m, LC_AXIS_ACTION, hint), val(m, LC_AXIS_ACTION, hint)->key);
	else
		ADD(j, LIFECYCLE_CROSSING, "status",
		    "No action moves a lead from %s to %s; choose a status in %s.",
		    label(m, LC_AXIS_LIFECYCLE, cl), label(m, LC_AXIS_LIFECYCLE, nl),
		    label(m, LC_AXIS_LIFECYCLE, cl));
}

/* Step 9b: reasons are given where something asks for one, and a lost
 * state takes a lost reason. */
static void check_reasons(judge *j)
{
	const lc_model *m = j->m;
	int32_t nl = j->p.n[LC_AXIS_LIFECYCLE];
	bool lost = nl >= 0 && (val(m, LC_AXIS_LIFECYCLE, nl)->flags & LC_FLAG_LOST);
	char keys[160];

	if (j->r >= 0) {
		if (lost && !val(m, LC_AXIS_REASON, j->r)->lost_reason)
			ADD(j, REASON_NOT_ALLOWED, "reason",
			    "The reason %s is not a lost reason; choose one of: %s.",
			    label(m, LC_AXIS_REASON, j->r),
			    key_list(m, LC_AXIS_REASON, true, keys, sizeof keys));
		else if (!lost && !j->exits && !(j->req & LC_REQ_REASON))
			ADD(j, REASON_NOT_ALLOWED, "reason",
			    "A reason is given, but the lead is neither lost nor exiting; leave "
			    "the reason out or choose a lost status.");
	}
	if (lost && j->p.set[LC_AXIS_STATUS]) {
		if (!j->need_reason)
			j->reason_cause = label(m, LC_AXIS_LIFECYCLE, nl);
		j->need_reason = true;
	}
	if (j->need_reason && j->r < 0)
		ADD(j, REASON_REQUIRED, "reason", "%s needs a reason; choose one of: %s.",
		    j->reason_cause ? j->reason_cause : "This disposition",
		    key_list(m, LC_AXIS_REASON, lost, keys, sizeof keys));
}

/* Step 10: explicit transition tables. */
static void check_transitions(judge *j)
{
	const lc_model *m = j->m;

	for (int k = 0; k < 5; k++) {
		lc_axis ax = state_axes[k];
		const uint8_t *t = m->axes[ax].transitions;
		int32_t i = j->c->idx[ax], n = j->p.n[ax];
		if (t && i >= 0 && n >= 0 && n != i && !t[(size_t)i * m->axes[ax].n + (size_t)n])
			ADD(j, TRANSITION, lc__engine_axis_name(ax),
			    "The model does not allow moving the %s from %s to %s.",
			    lc__engine_axis_name(ax), label(m, ax, i), label(m, ax, n));
	}
}

/* The judge: every step in the order docs/engine.md lists the rules. Fills
 * j->p with the plan that lc_transition() applies. Returns the count. */
static size_t run(judge *j, const lc_model *m, const lc_state *c, const lc_disposition *d,
		  lc_time now, lc_violations *out)
{
	memset(j, 0, sizeof *j);
	j->m = m;
	j->out = out;
	j->c = c;
	j->d = d;
	j->now = now;
	j->a = d->idx[LC_AXIS_ACTION];
	j->r = d->idx[LC_AXIS_REASON];
	j->av = j->a >= 0 ? val(m, LC_AXIS_ACTION, j->a) : NULL;
	lc__violations_clear(out);
	make_plan(m, c, d, &j->p);
	j->exits = m->outcome_axis >= 0 && is_exit(d->outcome);

	check_action(j);
	check_unknown(j);
	check_deprecated(j);
	check_links(j);
	check_requires(j);
	check_blocks(j);
	check_terminal(j);
	if (m->outcome_axis >= 0)
		check_outcome(j);
	check_crossing(j);
	check_reasons(j);
	check_transitions(j);
	return j->count;
}

static int invalid(size_t count, const char *fn)
{
	return lc__error(LC_EINVALID,
			 "%s: the model does not allow this disposition (%zu violation%s); see the "
			 "violation list",
			 fn, count, count == 1 ? "" : "s");
}

int lc_validate(const lc_model *model, const lc_state *current, const lc_disposition *d,
		lc_time now, lc_violations *out)
{
	judge j;
	int rc = check_args(model, current, d, "lc_validate");

	if (!rc)
		rc = lc__time_check(now, true, "lc_validate: now");
	if (rc) {
		lc__violations_clear(out);
		return rc;
	}
	return run(&j, model, current, d, now, out) ? invalid(j.count, "lc_validate") : 0;
}

/* The rules a state must meet on its own: known values, linked milestone and
 * status, a follow-up where a value requires one (after `now` unless it is
 * LC_TIME_NONE) and, for a state chosen anew (`fresh`), no legacy value. */
static size_t judge_state(judge *j, const lc_model *m, const lc_state *s, lc_time now, bool fresh,
			  lc_violations *out)
{
	char keys[160];
	lc_axis fax = LC_AXIS_STATUS;
	int32_t fv = -1;

	memset(j, 0, sizeof *j);
	j->m = m;
	j->out = out;
	lc__violations_clear(out);
	for (int k = 0; k < 5; k++) {
		lc_axis ax = state_axes[k];
		int32_t i = s->idx[ax];
		if (i < 0 && s->raw[ax][0])
			ADD(j, UNKNOWN_VALUE, lc__engine_axis_name(ax),
			    "The %s '%s' is not in model %s; choose one of: %s.",
			    lc__engine_axis_name(ax), s->raw[ax], model_name(m),
			    key_list(m, ax, false, keys, sizeof keys));
		if (i < 0 || k >= 3)
			continue;
		if (fresh && (val(m, ax, i)->flags & LC_FLAG_DEPRECATED))
			ADD(j, DEPRECATED, lc__engine_axis_name(ax),
			    "The %s %s is a legacy value and can no longer be chosen; choose a "
			    "current %s.",
			    lc__engine_axis_name(ax), label(m, ax, i), lc__engine_axis_name(ax));
		if (fv < 0 && (val(m, ax, i)->requires & LC_REQ_FOLLOW_UP)) {
			fax = ax;
			fv = i;
		}
	}
	if (!linked(m, s->idx[LC_AXIS_MILESTONE], s->idx[LC_AXIS_STATUS]))
		ADD(j, COMBINATION, "status",
		    "The status %s is not allowed with the milestone %s; choose a status linked "
		    "to %s.",
		    label(m, LC_AXIS_STATUS, s->idx[LC_AXIS_STATUS]),
		    label(m, LC_AXIS_MILESTONE, s->idx[LC_AXIS_MILESTONE]),
		    label(m, LC_AXIS_MILESTONE, s->idx[LC_AXIS_MILESTONE]));
	if (!stage_fits(m, s->idx[LC_AXIS_STAGE], s->idx[LC_AXIS_LIFECYCLE],
			s->raw[LC_AXIS_LIFECYCLE][0] != '\0'))
		add_tie(j, "stage", s->idx[LC_AXIS_STAGE], s->idx[LC_AXIS_LIFECYCLE],
			s->idx[LC_AXIS_LIFECYCLE]);
	if (fv >= 0 && s->follow_up == LC_TIME_NONE)
		ADD(j, FOLLOW_UP_REQUIRED, "follow_up",
		    "%s requires a follow-up time, and the lead has none; set one in the future.",
		    label(m, fax, fv));
	else if (fv >= 0 && now != LC_TIME_NONE && s->follow_up <= now)
		ADD(j, FOLLOW_UP_PAST, "follow_up",
		    "%s requires a follow-up in the future, and the lead's is not after now; set a "
		    "later time.",
		    label(m, fax, fv));
	return j->count;
}

int lc_validate_state(const lc_model *model, const lc_state *state, lc_violations *out)
{
	judge j;

	lc__violations_clear(out);
	LC__ARG(model, "model");
	LC__ARG(state, "state");
	if (check_bound(model, state->model, "state", "lc_validate_state"))
		return LC_EINVAL;
	return judge_state(&j, model, state, LC_TIME_NONE, false, out)
		       ? invalid(j.count, "lc_validate_state")
		       : 0;
}

int lc__validate_new_state(const lc_model *model, const lc_state *state, lc_time now,
			   lc_violations *out)
{
	judge j;

	if (check_bound(model, state->model, "state", "lc__validate_new_state")) {
		lc__violations_clear(out);
		return LC_EINVAL;
	}
	return judge_state(&j, model, state, now, true, out)
		       ? lc__error(LC_EINVALID, "the model does not allow this state (%zu violation%s)",
				   j.count, j.count == 1 ? "" : "s")
		       : 0;
}

int lc_transition(const lc_model *model, const lc_state *current, const lc_disposition *d,
		  lc_time now, lc_state *next, lc_violations *out)
{
	judge j;
	const plan *pp = &j.p;
	int32_t cl, nl, s;
	bool bump = false, keep_fu = false;
	lc_time fu, done;
	int rc = check_args(model, current, d, "lc_transition");

	if (!rc && !next)
		rc = lc__arg_null(__func__, "next");
	if (!rc)
		rc = check_bound(model, next->model, "next state", "lc_transition");
	if (!rc)
		rc = lc__time_check(now, true, "lc_transition: now");
	if (rc) {
		lc__violations_clear(out);
		return rc;
	}
	if (run(&j, model, current, d, now, out))
		return invalid(j.count, "lc_transition");

	/* Decide everything from `current` before writing: next may alias it. */
	s = pp->n[LC_AXIS_STAGE];
	if (pp->set[LC_AXIS_STAGE] && s >= 0 &&
	    (val(model, LC_AXIS_STAGE, s)->flags & LC_FLAG_REPEATABLE))
		bump = s != current->idx[LC_AXIS_STAGE] || d->outcome == LC_OUTCOME_PROGRESSING;
	for (int k = 0; k < 3; k++) {
		lc_axis ax = state_axes[k];
		if (pp->n[ax] >= 0 && (val(model, ax, pp->n[ax])->requires & LC_REQ_FOLLOW_UP))
			keep_fu = true;
	}
	fu = d->follow_up != LC_TIME_NONE ? d->follow_up
					  : keep_fu ? current->follow_up : LC_TIME_NONE;
	cl = current->idx[LC_AXIS_LIFECYCLE];
	nl = pp->n[LC_AXIS_LIFECYCLE];
	done = current->completed_at;
	if (nl != cl) {
		bool was = cl >= 0 && (val(model, LC_AXIS_LIFECYCLE, cl)->flags & LC_FLAG_COMPLETED);
		bool is = nl >= 0 && (val(model, LC_AXIS_LIFECYCLE, nl)->flags & LC_FLAG_COMPLETED);
		if (is && !was)
			done = now;
		else if (was && !is)
			done = LC_TIME_NONE;
	}

	if (next != current)
		lc_state_copy(next, current);
	for (int k = 0; k < 5; k++) {
		lc_axis ax = state_axes[k];
		if (pp->set[ax]) {
			next->idx[ax] = pp->n[ax];
			next->raw[ax][0] = '\0';
		}
	}
	if (bump && next->counts[s] < UINT32_MAX)
		next->counts[s]++;
	next->follow_up = fu;
	next->completed_at = done;
	return 0;
}
