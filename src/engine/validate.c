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
} plan;

/* Violations counted always, formatted only when the caller wants them. */
typedef struct judge {
	const lc_model *m;
	lc_violations *out;
	size_t count;
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

	if (!m || !cur || !d)
		return lc__error(LC_EINVAL, "%s: the %s is NULL", fn,
				 !m ? "model" : !cur ? "state" : "disposition");
	rc = check_bound(m, cur->model, "state", fn);
	if (!rc)
		rc = check_bound(m, d->model, "disposition", fn);
	return rc;
}

static bool is_exit(lc_outcome o)
{
	return o == LC_OUTCOME_EXITING || o == LC_OUTCOME_PROBLEM;
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

/* Is value j of the outcome axis closed (itself, or through its phase)? */
static bool is_closed(const lc_model *m, lc_axis ax, int32_t j)
{
	const lc_value *v = val(m, ax, j);

	if (v->flags & LC_FLAG_CLOSED)
		return true;
	return ax == LC_AXIS_STAGE && v->parent >= 0 &&
	       (val(m, LC_AXIS_PHASE, v->parent)->flags & LC_FLAG_CLOSED);
}

static void check_outcome(judge *j, const lc_state *c, const lc_disposition *d, const plan *p,
			  bool *need_reason, const char **reason_cause)
{
	const lc_model *m = j->m;
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
			if (!*need_reason)
				*reason_cause = outcome_names[o];
			*need_reason = true;
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

/* The judge itself; fills *p with the plan that lc_transition() applies. */
static size_t run(const lc_model *m, const lc_state *c, const lc_disposition *d, lc_time now,
		  lc_violations *out, plan *p)
{
	judge jj = { m, out, 0 };
	judge *j = &jj;
	const int32_t a = d->idx[LC_AXIS_ACTION];
	const int32_t r = d->idx[LC_AXIS_REASON];
	const lc_value *av = a >= 0 ? val(m, LC_AXIS_ACTION, a) : NULL;
	uint32_t req = 0;
	bool need_reason = false;
	const char *reason_cause = NULL;
	bool exits;
	char keys[160];

	lc__violations_clear(out);
	make_plan(m, c, d, p);
	exits = m->outcome_axis >= 0 && is_exit(d->outcome);

	/* 1. An action says how the touch was made. */
	if (!av && m->axes[LC_AXIS_ACTION].n)
		ADD(j, ACTION_REQUIRED, "action", "Choose an action; model %s has: %s.",
		    model_name(m), key_list(m, LC_AXIS_ACTION, false, keys, sizeof keys));

	/* 2. Legacy values stay where they are but are not chosen anew. Actions
	 * and reasons have no current value, so choosing them is always anew. */
	if (av && (av->flags & LC_FLAG_DEPRECATED))
		ADD(j, DEPRECATED, "action",
		    "The action %s is a legacy value and can no longer be chosen; choose a "
		    "current action.",
		    label(m, LC_AXIS_ACTION, a));
	for (int k = 0; k < 3; k++) {
		lc_axis ax = state_axes[k];
		int32_t n = p->n[ax];
		if (p->set[ax] && n != c->idx[ax] && (val(m, ax, n)->flags & LC_FLAG_DEPRECATED))
			ADD(j, DEPRECATED, lc__engine_axis_name(ax),
			    "The %s %s is a legacy value: leads that have it keep it, but it can no "
			    "longer be chosen; choose a current %s.",
			    lc__engine_axis_name(ax), label(m, ax, n), lc__engine_axis_name(ax));
	}
	if (r >= 0 && (val(m, LC_AXIS_REASON, r)->flags & LC_FLAG_DEPRECATED))
		ADD(j, DEPRECATED, "reason",
		    "The reason %s is a legacy value and can no longer be chosen; choose a "
		    "current reason.",
		    label(m, LC_AXIS_REASON, r));

	/* 3. The links allow the new milestone with the new status. */
	{
		int32_t ms = p->n[LC_AXIS_MILESTONE], st = p->n[LC_AXIS_STATUS];
		if (ms >= 0 && st >= 0 && m->links &&
		    !m->links[(size_t)ms * m->axes[LC_AXIS_STATUS].n + (size_t)st])
			ADD(j, COMBINATION, d->idx[LC_AXIS_STATUS] >= 0 ? "status" : "milestone",
			    "The status %s is not allowed with the milestone %s; choose a status "
			    "linked to %s or another milestone.",
			    label(m, LC_AXIS_STATUS, st), label(m, LC_AXIS_MILESTONE, ms),
			    label(m, LC_AXIS_MILESTONE, ms));
	}

	/* 4. What each chosen value demands of the disposition. */
	{
		const char *why_fu = NULL, *why_note = NULL;
		if (av) {
			req |= av->requires;
			if (av->requires & LC_REQ_FOLLOW_UP)
				why_fu = label(m, LC_AXIS_ACTION, a);
			if (av->requires & LC_REQ_NOTE)
				why_note = label(m, LC_AXIS_ACTION, a);
			if (av->requires & LC_REQ_REASON)
				reason_cause = label(m, LC_AXIS_ACTION, a);
		}
		for (int k = 0; k < 3; k++) {
			lc_axis ax = state_axes[k];
			uint32_t rq;
			if (!p->set[ax])
				continue;
			rq = val(m, ax, p->n[ax])->requires;
			if ((rq & LC_REQ_FOLLOW_UP) && !why_fu)
				why_fu = label(m, ax, p->n[ax]);
			if ((rq & LC_REQ_NOTE) && !why_note)
				why_note = label(m, ax, p->n[ax]);
			if ((rq & LC_REQ_REASON) && !reason_cause)
				reason_cause = label(m, ax, p->n[ax]);
			req |= rq;
		}
		if (r >= 0) {
			/* A reason may ask for more ("Other" needs a note). */
			uint32_t rq = val(m, LC_AXIS_REASON, r)->requires & ~LC_REQ_REASON;
			if ((rq & LC_REQ_FOLLOW_UP) && !why_fu)
				why_fu = label(m, LC_AXIS_REASON, r);
			if ((rq & LC_REQ_NOTE) && !why_note)
				why_note = label(m, LC_AXIS_REASON, r);
			req |= rq;
		}
		if (req & LC_REQ_FOLLOW_UP) {
			if (d->follow_up == LC_TIME_NONE)
				ADD(j, FOLLOW_UP_REQUIRED, "follow_up",
				    "%s requires a follow-up time; set one in the future.", why_fu);
			else if (d->follow_up <= now)
				ADD(j, FOLLOW_UP_PAST, "follow_up",
				    "%s requires a follow-up in the future, and the one given is not "
				    "after the time of the event; set a later time.",
				    why_fu);
		}
		if ((req & LC_REQ_NOTE) && (!d->has_note || !d->note[0]))
			ADD(j, NOTE_REQUIRED, "note", "%s requires a note; write what happened.",
			    why_note);
		if (req & LC_REQ_REASON)
			need_reason = true;
	}

	/* 5. Values and the lead's flags that forbid the action. */
	if (av) {
		uint64_t bit = (uint64_t)1 << (a & 63);
		int32_t by_ax = -1, by = -1;
		for (int k = 0; k < 5 && by < 0; k++) {
			lc_axis ax = state_axes[k];
			int32_t i = c->idx[ax];
			if (i >= 0 && (val(m, ax, i)->blocks & bit)) {
				by_ax = ax;
				by = i;
			}
		}
		for (int k = 0; k < 5 && by < 0; k++) {
			lc_axis ax = state_axes[k];
			int32_t n = p->n[ax];
			if (n >= 0 && n != c->idx[ax] && (val(m, ax, n)->blocks & bit)) {
				by_ax = ax;
				by = n;
			}
		}
		if (by >= 0)
			ADD(j, ACTION_BLOCKED, "action",
			    "The %s %s forbids the action %s; record another action.",
			    lc__engine_axis_name((lc_axis)by_ax), label(m, (lc_axis)by_ax, by),
			    label(m, LC_AXIS_ACTION, a));
		else if ((c->flags & LC_STATE_DO_NOT_CALL) && (av->flags & LC_FLAG_PHONE))
			ADD(j, ACTION_BLOCKED, "action",
			    "The lead must not be called or texted (do not call), so %s is not "
			    "allowed; record another action.",
			    label(m, LC_AXIS_ACTION, a));
		else if ((c->flags & LC_STATE_DO_NOT_EMAIL) && (av->flags & LC_FLAG_EMAIL))
			ADD(j, ACTION_BLOCKED, "action",
			    "The lead must not be emailed (do not email), so %s is not allowed; "
			    "record another action.",
			    label(m, LC_AXIS_ACTION, a));
		if (av->flags & LC_FLAG_CONTACT) {
			for (int k = 0; k < 5; k++) {
				lc_axis ax = state_axes[k];
				int32_t i = c->idx[ax];
				if (i >= 0 && (val(m, ax, i)->flags & LC_FLAG_ENDS_CONTACT)) {
					ADD(j, CONTACT_ENDED, "action",
					    "The %s %s ends all contact with the lead, so the contact "
					    "action %s is not allowed; record a non-contact action.",
					    lc__engine_axis_name(ax), label(m, ax, i),
					    label(m, LC_AXIS_ACTION, a));
					break;
				}
			}
		}
	}

	/* 6. Terminal values are final, unless this action crosses out of the
	 * lead's life-cycle state (reopen). */
	{
		int32_t cl = c->idx[LC_AXIS_LIFECYCLE], nl = p->n[LC_AXIS_LIFECYCLE];
		int leaves = -1; /* computed on first need */
		for (int k = 0; k < 5; k++) {
			lc_axis ax = state_axes[k];
			int32_t i = c->idx[ax];
			if (i < 0 || p->n[ax] == i || !(val(m, ax, i)->flags & LC_FLAG_TERMINAL))
				continue;
			if (leaves < 0)
				leaves = a >= 0 && cl >= 0 && nl != cl &&
					 crossing_allows(m, a, cl, nl);
			if (!leaves)
				ADD(j, TERMINAL, lc__engine_axis_name(ax),
				    "The %s %s is final; a disposition cannot change it.",
				    lc__engine_axis_name(ax), label(m, ax, i));
		}
	}

	/* 7. Outcomes on the ordered axis. */
	if (m->outcome_axis >= 0)
		check_outcome(j, c, d, p, &need_reason, &reason_cause);

	/* 8. Life cycle: crossings and lost reasons. */
	{
		int32_t cl = c->idx[LC_AXIS_LIFECYCLE], nl = p->n[LC_AXIS_LIFECYCLE];
		bool lost = nl >= 0 && (val(m, LC_AXIS_LIFECYCLE, nl)->flags & LC_FLAG_LOST);

		if (cl >= 0 && nl >= 0 && nl != cl && !crossing_allows(m, a, cl, nl)) {
			int32_t hint = -1;
			for (uint32_t k = 0; k < m->ncrossings && hint < 0; k++) {
				const lc_crossing *x = &m->crossings[k];
				if ((x->from == cl || x->from < 0) && (x->to == nl || x->to < 0))
					hint = x->action;
			}
			if (hint >= 0)
				ADD(j, LIFECYCLE_CROSSING, "action",
				    "Moving from %s to %s needs the action %s; use --action %s.",
				    label(m, LC_AXIS_LIFECYCLE, cl), label(m, LC_AXIS_LIFECYCLE, nl),
				    label(m, LC_AXIS_ACTION, hint), val(m, LC_AXIS_ACTION, hint)->key);
			else
				ADD(j, LIFECYCLE_CROSSING, "status",
				    "No action moves a lead from %s to %s; choose a status in %s.",
				    label(m, LC_AXIS_LIFECYCLE, cl), label(m, LC_AXIS_LIFECYCLE, nl),
				    label(m, LC_AXIS_LIFECYCLE, cl));
		}
		if (r >= 0) {
			if (lost && !val(m, LC_AXIS_REASON, r)->lost_reason)
				ADD(j, REASON_NOT_ALLOWED, "reason",
				    "The reason %s is not a lost reason; choose one of: %s.",
				    label(m, LC_AXIS_REASON, r),
				    key_list(m, LC_AXIS_REASON, true, keys, sizeof keys));
			else if (!lost && !exits && !(req & LC_REQ_REASON))
				ADD(j, REASON_NOT_ALLOWED, "reason",
				    "A reason is given, but the lead is neither lost nor exiting; leave "
				    "the reason out or choose a lost status.");
		}
		if (lost && p->set[LC_AXIS_STATUS]) {
			if (!need_reason)
				reason_cause = label(m, LC_AXIS_LIFECYCLE, nl);
			need_reason = true;
		}
		if (need_reason && r < 0)
			ADD(j, REASON_REQUIRED, "reason", "%s needs a reason; choose one of: %s.",
			    reason_cause ? reason_cause : "This disposition",
			    key_list(m, LC_AXIS_REASON, lost, keys, sizeof keys));
	}

	/* 9. Explicit transition tables. */
	for (int k = 0; k < 5; k++) {
		lc_axis ax = state_axes[k];
		const uint8_t *t = m->axes[ax].transitions;
		int32_t i = c->idx[ax], n = p->n[ax];
		if (t && i >= 0 && n >= 0 && n != i &&
		    !t[(size_t)i * m->axes[ax].n + (size_t)n])
			ADD(j, TRANSITION, lc__engine_axis_name(ax),
			    "The model does not allow moving the %s from %s to %s.",
			    lc__engine_axis_name(ax), label(m, ax, i), label(m, ax, n));
	}
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
	plan p;
	size_t count;
	int rc = check_args(model, current, d, "lc_validate");

	if (rc) {
		lc__violations_clear(out);
		return rc;
	}
	count = run(model, current, d, now, out, &p);
	return count ? invalid(count, "lc_validate") : 0;
}

int lc_validate_state(const lc_model *model, const lc_state *state, lc_violations *out)
{
	judge jj = { model, out, 0 };
	judge *j = &jj;
	char keys[160];
	int32_t ms, st;

	lc__violations_clear(out);
	if (!model || !state)
		return lc__error(LC_EINVAL, "lc_validate_state: the %s is NULL",
				 model ? "state" : "model");
	if (check_bound(model, state->model, "state", "lc_validate_state"))
		return LC_EINVAL;
	for (int k = 0; k < 5; k++) {
		lc_axis ax = state_axes[k];
		if (state->idx[ax] < 0 && state->raw[ax][0])
			ADD(j, UNKNOWN_VALUE, lc__engine_axis_name(ax),
			    "The %s '%s' is not in model %s; choose one of: %s.",
			    lc__engine_axis_name(ax), state->raw[ax], model_name(model),
			    key_list(model, ax, false, keys, sizeof keys));
	}
	ms = state->idx[LC_AXIS_MILESTONE];
	st = state->idx[LC_AXIS_STATUS];
	if (ms >= 0 && st >= 0 && model->links &&
	    !model->links[(size_t)ms * model->axes[LC_AXIS_STATUS].n + (size_t)st])
		ADD(j, COMBINATION, "status",
		    "The status %s is not allowed with the milestone %s; choose a status linked "
		    "to %s.",
		    label(model, LC_AXIS_STATUS, st), label(model, LC_AXIS_MILESTONE, ms),
		    label(model, LC_AXIS_MILESTONE, ms));
	return j->count ? invalid(j->count, "lc_validate_state") : 0;
}

int lc_transition(const lc_model *model, const lc_state *current, const lc_disposition *d,
		  lc_time now, lc_state *next, lc_violations *out)
{
	plan p;
	size_t count;
	int32_t cl, nl, s;
	bool bump = false, keep_fu = false;
	lc_time fu, done;
	int rc = check_args(model, current, d, "lc_transition");

	if (!rc && !next)
		rc = lc__error(LC_EINVAL, "lc_transition: next is NULL; pass a state to receive "
					  "the result (it may be the current one)");
	if (!rc)
		rc = check_bound(model, next->model, "next state", "lc_transition");
	if (rc) {
		lc__violations_clear(out);
		return rc;
	}
	count = run(model, current, d, now, out, &p);
	if (count)
		return invalid(count, "lc_transition");

	/* Decide everything from `current` before writing: next may alias it. */
	s = p.n[LC_AXIS_STAGE];
	if (p.set[LC_AXIS_STAGE] && s >= 0 &&
	    (val(model, LC_AXIS_STAGE, s)->flags & LC_FLAG_REPEATABLE))
		bump = s != current->idx[LC_AXIS_STAGE] || d->outcome == LC_OUTCOME_PROGRESSING;
	for (int k = 0; k < 3; k++) {
		lc_axis ax = state_axes[k];
		if (p.n[ax] >= 0 && (val(model, ax, p.n[ax])->requires & LC_REQ_FOLLOW_UP))
			keep_fu = true;
	}
	fu = d->follow_up != LC_TIME_NONE ? d->follow_up
					  : keep_fu ? current->follow_up : LC_TIME_NONE;
	cl = current->idx[LC_AXIS_LIFECYCLE];
	nl = p.n[LC_AXIS_LIFECYCLE];
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
		if (p.set[ax]) {
			next->idx[ax] = p.n[ax];
			next->raw[ax][0] = '\0';
		}
	}
	if (bump && next->counts[s] < UINT32_MAX)
		next->counts[s]++;
	next->follow_up = fu;
	next->completed_at = done;
	return 0;
}
