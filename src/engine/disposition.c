/* lc_disposition: one event, its values resolved against the model when set. */
#include <string.h>

#include "engine_internal.h"

/* Longest actor accepted, in bytes. */
#define LC_ACTOR_MAX 256

static void disposition_clear(lc_disposition *d)
{
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		d->idx[a] = -1;
	d->outcome = LC_OUTCOME_NONE;
	d->follow_up = LC_TIME_NONE;
	d->has_note = false;
	d->has_actor = false;
}

int lc_disposition_new(lc_disposition **out, const lc_model *model)
{
	lc_disposition *d;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(model, "model");
	d = lc__calloc(1, sizeof *d);
	if (!d)
		return LC_ENOMEM;
	d->model = model;
	disposition_clear(d);
	*out = d;
	return 0;
}

void lc_disposition_free(lc_disposition *d)
{
	if (!d)
		return;
	lc__free(d->note);
	lc__free(d->actor);
	lc__free(d);
}

void lc_disposition_reset(lc_disposition *d)
{
	if (d)
		disposition_clear(d);
}

static int check_axis(lc_axis axis, const char *fn)
{
	if (!LC__DISPOSITION_AXIS(axis))
		return lc__error(LC_EINVAL,
				 "%s: a disposition sets action, milestone, status, stage or reason, "
				 "not %s (it follows from the stage or status)",
				 fn, lc__engine_axis_name(axis));
	return 0;
}

int lc_disposition_set(lc_disposition *d, lc_axis axis, const char *key_or_label)
{
	int rc;
	int32_t i;

	LC__ARG(d, "d");
	rc = check_axis(axis, "lc_disposition_set");
	if (rc)
		return rc;
	if (!key_or_label) {
		d->idx[axis] = -1;
		return 0;
	}
	rc = lc__check_text(key_or_label, LC_TEXT_MAX, "the value", false);
	if (rc)
		return rc;
	i = lc__engine_find(d->model, axis, key_or_label);
	if (i < 0)
		return lc__model_not_found(d->model, axis, key_or_label);
	d->idx[axis] = i;
	return 0;
}

int lc_disposition_set_index(lc_disposition *d, lc_axis axis, size_t index)
{
	int rc;

	LC__ARG(d, "d");
	rc = check_axis(axis, "lc_disposition_set_index");
	if (rc)
		return rc;
	if (index >= d->model->axes[axis].n)
		return lc__error(LC_ERANGE,
				 "lc_disposition_set_index: %s index %zu is out of range; model %s "
				 "has %u",
				 lc__engine_axis_name(axis), index,
				 d->model->name ? d->model->name : "", d->model->axes[axis].n);
	d->idx[axis] = (int32_t)index;
	return 0;
}

const char *lc_disposition_get(const lc_disposition *d, lc_axis axis)
{
	if (!d || !LC__DISPOSITION_AXIS(axis) || d->idx[axis] < 0)
		return NULL;
	return d->model->axes[axis].v[d->idx[axis]].key;
}

int lc_disposition_set_outcome(lc_disposition *d, lc_outcome outcome)
{
	LC__ARG(d, "d");
	if ((unsigned)outcome > LC_OUTCOME_NO_CONTACT)
		return lc__error(LC_EINVAL, "lc_disposition_set_outcome: %d is not an outcome",
				 (int)outcome);
	if (outcome != LC_OUTCOME_NONE && d->model->outcome_axis < 0)
		return lc__error(LC_EINVAL,
				 "model %s has no outcomes; leave the outcome out and set the stage "
				 "or milestone directly",
				 d->model->name ? d->model->name : "");
	d->outcome = outcome;
	return 0;
}

lc_outcome lc_disposition_outcome(const lc_disposition *d)
{
	return d ? d->outcome : LC_OUTCOME_NONE;
}

int lc_disposition_set_follow_up(lc_disposition *d, lc_time t)
{
	LC__ARG(d, "d");
	if (lc__time_check(t, true, "lc_disposition_set_follow_up"))
		return LC_ERANGE;
	d->follow_up = t;
	return 0;
}

lc_time lc_disposition_follow_up(const lc_disposition *d)
{
	return d ? d->follow_up : LC_TIME_NONE;
}

/* Copy text into a buffer the disposition keeps across resets. */
static int keep_text(char **buf, size_t *cap, bool *has, const char *text, size_t max,
		     const char *what)
{
	size_t len;
	int rc;

	rc = lc__check_text(text, max, what, true);
	if (rc)
		return rc;
	if (!text) {
		*has = false;
		return 0;
	}
	len = strlen(text);
	if (len + 1 > *cap) {
		char *p = lc__realloc(*buf, len + 1);
		if (!p)
			return LC_ENOMEM;
		*buf = p;
		*cap = len + 1;
	}
	memcpy(*buf, text, len + 1);
	*has = true;
	return 0;
}

int lc_disposition_set_note(lc_disposition *d, const char *note)
{
	LC__ARG(d, "d");
	return keep_text(&d->note, &d->note_cap, &d->has_note, note, LC_TEXT_MAX, "the note");
}

const char *lc_disposition_note(const lc_disposition *d)
{
	return d && d->has_note ? d->note : NULL;
}

int lc_disposition_set_actor(lc_disposition *d, const char *actor)
{
	LC__ARG(d, "d");
	return keep_text(&d->actor, &d->actor_cap, &d->has_actor, actor, LC_ACTOR_MAX,
			 "the actor");
}

const char *lc_disposition_actor(const lc_disposition *d)
{
	return d && d->has_actor ? d->actor : NULL;
}
