/* lc_state: a lead's current values, resolved to indexes once when set. */
#include <string.h>

#include "engine_internal.h"

static const char *const axis_names[LC_AXIS_COUNT] = {
	"action", "milestone", "status", "phase", "stage", "lifecycle", "reason",
};

const char *lc__engine_axis_name(lc_axis axis)
{
	if ((unsigned)axis < LC_AXIS_COUNT)
		return axis_names[axis];
	return "value";
}

int32_t lc__engine_find(const lc_model *m, lc_axis axis, const char *text)
{
	const lc_axis_values *ax;

	if (m->index)
		return lc__model_find(m, axis, text);
	/* Models built by hand (tests) have no hash: scan. */
	ax = &m->axes[axis];
	for (uint32_t i = 0; i < ax->n; i++)
		if (lc__streq_nocase(ax->v[i].key, text) ||
		    (ax->v[i].label && lc__streq_nocase(ax->v[i].label, text)))
			return (int32_t)i;
	return -1;
}

void lc__state_reset(lc_state *s)
{
	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		s->idx[a] = -1;
		s->raw[a][0] = '\0';
	}
	s->follow_up = LC_TIME_NONE;
	s->completed_at = LC_TIME_NONE;
	s->flags = 0;
	if (s->nstages)
		memset(s->counts, 0, s->nstages * sizeof *s->counts);
	s->nforeign = 0;
}

int lc_state_new(lc_state **out, const lc_model *model)
{
	lc_state *s;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(model, "model");
	s = lc__calloc(1, sizeof *s);
	if (!s)
		return LC_ENOMEM;
	s->model = model;
	s->nstages = model->axes[LC_AXIS_STAGE].n;
	/* One counter per stage, allocated once so that transitions never allocate. */
	if (s->nstages) {
		s->counts = lc__calloc(s->nstages, sizeof *s->counts);
		if (!s->counts) {
			lc__free(s);
			return LC_ENOMEM;
		}
	}
	lc__state_reset(s);
	*out = s;
	return 0;
}

void lc_state_free(lc_state *state)
{
	if (!state)
		return;
	lc__free(state->counts);
	lc__free(state);
}

int lc_state_copy(lc_state *dst, const lc_state *src)
{
	LC__ARG(dst, "dst");
	LC__ARG(src, "src");
	if (dst->model != src->model)
		return lc__error(LC_EINVAL,
				 "lc_state_copy: the states are bound to different models; "
				 "copy only between states of the same model");
	if (dst == src)
		return 0;
	memcpy(dst->idx, src->idx, sizeof dst->idx);
	memcpy(dst->raw, src->raw, sizeof dst->raw);
	dst->follow_up = src->follow_up;
	dst->completed_at = src->completed_at;
	dst->flags = src->flags;
	if (dst->nstages)
		memcpy(dst->counts, src->counts, dst->nstages * sizeof *dst->counts);
	dst->nforeign = src->nforeign;
	if (src->nforeign)
		memcpy(dst->foreign, src->foreign, src->nforeign * sizeof *src->foreign);
	return 0;
}

static const struct lc_foreign_count *foreign_find(const lc_state *s, const char *key)
{
	for (uint32_t i = 0; i < s->nforeign; i++)
		if (strcmp(s->foreign[i].key, key) == 0)
			return &s->foreign[i];
	return NULL;
}

int lc_state_equal(const lc_state *a, const lc_state *b)
{
	if (!a || !b)
		return a == b; /* a question, not a call that fails: NULL is only NULL */
	return lc__state_same(a, b, true) ? 1 : 0;
}

bool lc__state_same(const lc_state *a, const lc_state *b, bool flags)
{
	if (a == b)
		return true;
	if (a->model != b->model)
		return false;
	for (int x = 0; x < LC_AXIS_COUNT; x++) {
		if (a->idx[x] != b->idx[x])
			return false;
		if (a->idx[x] < 0 && strcmp(a->raw[x], b->raw[x]) != 0)
			return false;
	}
	if (a->follow_up != b->follow_up || a->completed_at != b->completed_at ||
	    (flags && a->flags != b->flags))
		return false;
	if (a->nstages && memcmp(a->counts, b->counts, a->nstages * sizeof *a->counts) != 0)
		return false;
	/* Unknown stages' counters: the same set, in any order. */
	if (a->nforeign != b->nforeign)
		return false;
	for (uint32_t i = 0; i < a->nforeign; i++) {
		const struct lc_foreign_count *f = foreign_find(b, a->foreign[i].key);
		if (!f || f->count != a->foreign[i].count)
			return false;
	}
	return true;
}

static int check_state_axis(lc_axis axis, const char *fn)
{
	if (!LC__STATE_AXIS(axis))
		return lc__error(LC_EINVAL,
				 "%s: a state holds milestone, status, stage, phase and lifecycle, "
				 "not %s",
				 fn, lc__engine_axis_name(axis));
	return 0;
}

/* Set one axis by index (or -1), with no derived axis. */
static void put(lc_state *s, lc_axis axis, int32_t i)
{
	s->idx[axis] = i;
	s->raw[axis][0] = '\0';
}

int lc_state_set(lc_state *state, lc_axis axis, const char *key_or_label)
{
	int rc;
	int32_t i;

	LC__ARG(state, "state");
	rc = check_state_axis(axis, "lc_state_set");
	if (rc)
		return rc;
	if (!key_or_label) {
		put(state, axis, -1);
		/* A derived axis goes with the value it came from. */
		if (axis == LC_AXIS_STAGE)
			put(state, LC_AXIS_PHASE, -1);
		else if (axis == LC_AXIS_STATUS)
			put(state, LC_AXIS_LIFECYCLE, -1);
		return 0;
	}
	rc = lc__check_text(key_or_label, LC_TEXT_MAX, "the value", false);
	if (rc)
		return rc;
	i = lc__engine_find(state->model, axis, key_or_label);
	if (i < 0)
		return lc__model_not_found(state->model, axis, key_or_label);
	put(state, axis, i);
	if (axis == LC_AXIS_STAGE)
		put(state, LC_AXIS_PHASE, state->model->axes[LC_AXIS_STAGE].v[i].parent);
	else if (axis == LC_AXIS_STATUS)
		put(state, LC_AXIS_LIFECYCLE, state->model->axes[LC_AXIS_STATUS].v[i].parent);
	return 0;
}

int lc__state_set_raw(lc_state *state, lc_axis axis, const char *key)
{
	int rc;
	int32_t i;

	/* Reached with NULL only through lc_state_set_stored (backends). */
	LC__ARG_IN("lc_state_set_stored", state, "state");
	rc = check_state_axis(axis, "lc__state_set_raw");
	if (rc)
		return rc;
	if (!key) {
		put(state, axis, -1);
		return 0;
	}
	rc = lc__check_text(key, LC_KEY_MAX, "the stored key", false);
	if (rc)
		return rc;
	if (!key[0])
		return lc__error(LC_EINVAL, "the stored %s key is empty; pass NULL to clear it",
				 lc__engine_axis_name(axis));
	i = lc__engine_find(state->model, axis, key);
	put(state, axis, i);
	if (i < 0)
		memcpy(state->raw[axis], key, strlen(key) + 1);
	return 0;
}

int32_t lc__state_index(const lc_state *state, lc_axis axis)
{
	return state->idx[axis];
}

const char *lc_state_get(const lc_state *state, lc_axis axis)
{
	int32_t i;

	if (!state || !LC__STATE_AXIS(axis))
		return NULL;
	i = state->idx[axis];
	if (i >= 0)
		return state->model->axes[axis].v[i].key;
	return state->raw[axis][0] ? state->raw[axis] : NULL;
}

/* The field behind an lc_state_time_field, or NULL for an unknown one. */
static lc_time *time_slot(lc_state *state, lc_state_time_field field)
{
	switch (field) {
	case LC_STATE_TIME_FOLLOW_UP:
		return &state->follow_up;
	case LC_STATE_TIME_COMPLETED_AT:
		return &state->completed_at;
	}
	return NULL;
}

int lc_state_set_time(lc_state *state, lc_state_time_field field, lc_time t)
{
	lc_time *slot;
	LC__ARG(state, "state");
	if (!(slot = time_slot(state, field)))
		return lc__error(LC_EINVAL, "lc_state_set_time: %d is not an lc_state_time_field",
				 (int)field);
	if (lc__time_check(t, true, "lc_state_set_time"))
		return LC_ERANGE;
	*slot = t;
	return 0;
}

lc_time lc_state_time(const lc_state *state, lc_state_time_field field)
{
	const lc_time *slot = state ? time_slot((lc_state *)state, field) : NULL;
	return slot ? *slot : LC_TIME_NONE;
}

int lc_state_set_flags(lc_state *state, uint32_t flags)
{
	const uint32_t known = LC_STATE_DO_NOT_CALL | LC_STATE_DO_NOT_EMAIL;

	LC__ARG(state, "state");
	if (flags & ~known)
		return lc__error(LC_EINVAL,
				 "lc_state_set_flags: unknown flag bits 0x%x; use LC_STATE_DO_NOT_CALL "
				 "and LC_STATE_DO_NOT_EMAIL",
				 (unsigned)(flags & ~known));
	state->flags = flags;
	return 0;
}

uint32_t lc_state_flags(const lc_state *state)
{
	return state ? state->flags : 0;
}

size_t lc_state_stage_entries(const lc_state *state, const char *stage_key)
{
	int32_t i;

	if (!state || !stage_key || !state->nstages)
		return 0;
	if (!lc__utf8_valid(stage_key, strnlen(stage_key, LC_TEXT_MAX + 1)))
		return 0;
	i = lc__engine_find(state->model, LC_AXIS_STAGE, stage_key);
	return i < 0 ? 0 : state->counts[i];
}

int lc_state_set_stage_entries(lc_state *state, const char *stage_key, size_t entries)
{
	int rc;
	int32_t i;

	LC__ARG(state, "state");
	LC__ARG(stage_key, "stage_key");
	rc = lc__check_text(stage_key, LC_TEXT_MAX, "the stage", false);
	if (rc)
		return rc;
	if ((rc = lc__state_entries_check(entries, "lc_state_set_stage_entries")))
		return rc;
	i = lc__engine_find(state->model, LC_AXIS_STAGE, stage_key);
	if (i < 0)
		return lc__model_not_found(state->model, LC_AXIS_STAGE, stage_key);
	if (!(state->model->axes[LC_AXIS_STAGE].v[i].flags & LC_FLAG_REPEATABLE))
		return lc__error(LC_EINVAL,
				 "stage '%s' is not repeatable, so it has no entries; only repeatable "
				 "stages are counted",
				 state->model->axes[LC_AXIS_STAGE].v[i].key);
	state->counts[i] = (uint32_t)entries;
	return 0;
}

/* Put the initial milestone, status and stage (with their phase and
 * life-cycle state) on the state; with `only_unset`, only on an axis that
 * holds nothing. */
static void set_initial(lc_state *state, bool only_unset)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE };

	for (size_t k = 0; k < LC_ARRAY_LEN(axes); k++) {
		const lc_axis_values *ax = &state->model->axes[axes[k]];
		if (only_unset && (state->idx[axes[k]] >= 0 || state->raw[axes[k]][0]))
			continue;
		for (uint32_t i = 0; i < ax->n; i++) {
			if (!(ax->v[i].flags & LC_FLAG_INITIAL))
				continue;
			put(state, axes[k], (int32_t)i);
			if (axes[k] == LC_AXIS_STAGE)
				put(state, LC_AXIS_PHASE, ax->v[i].parent);
			else if (axes[k] == LC_AXIS_STATUS)
				put(state, LC_AXIS_LIFECYCLE, ax->v[i].parent);
			break;
		}
	}
}

int lc_state_set_initial(lc_state *state)
{
	LC__ARG(state, "state");
	set_initial(state, false);
	return 0;
}

void lc__state_fill_initial(lc_state *state)
{
	set_initial(state, true);
}

int lc__state_entries_check(size_t entries, const char *fn)
{
	if (entries > UINT32_MAX)
		return lc__error(LC_ERANGE, "%s: %zu entries into a stage; a state counts at most "
					    "%lu", fn, entries, (unsigned long)UINT32_MAX);
	return 0;
}

int lc__state_set_stored_entries(lc_state *state, const char *stage_key, uint32_t count)
{
	struct lc_foreign_count *f;
	size_t n;
	int32_t i;

	if (!state || !stage_key)
		return lc__error(LC_EINVAL, "a stored stage counter needs a state and a stage key");
	i = lc__engine_find(state->model, LC_AXIS_STAGE, stage_key);
	if (i >= 0) {
		state->counts[i] = count;
		return 0;
	}
	n = strnlen(stage_key, LC_KEY_MAX + 1);
	if (n == 0 || n > LC_KEY_MAX || !lc__utf8_valid(stage_key, n))
		return lc__error(LC_ERANGE, "a stored stage key is empty, not UTF-8 or longer than %d "
					    "bytes", LC_KEY_MAX);
	f = (struct lc_foreign_count *)foreign_find(state, stage_key);
	if (!f && count) {
		if (state->nforeign >= LC_STATE_FOREIGN_COUNTS)
			return lc__error(LC_ERANGE,
					 "a stored state counts more than %d stages the model does not "
					 "know; migrate the leads to the model's stages",
					 LC_STATE_FOREIGN_COUNTS);
		f = &state->foreign[state->nforeign++];
		memcpy(f->key, stage_key, n + 1);
	}
	if (f && count) {
		f->count = count;
	} else if (f) { /* 0 clears: keep the list dense */
		*f = state->foreign[--state->nforeign];
	}
	return 0;
}

bool lc__state_entries_at(const lc_state *state, size_t i, const char **key, uint32_t *count)
{
	for (uint32_t k = 0; k < state->nstages; k++) {
		if (!state->counts[k])
			continue;
		if (i-- == 0) {
			*key = state->model->axes[LC_AXIS_STAGE].v[k].key;
			*count = state->counts[k];
			return true;
		}
	}
	if (i < state->nforeign) {
		*key = state->foreign[i].key;
		*count = state->foreign[i].count;
		return true;
	}
	return false;
}

bool lc__state_has_flag(const lc_state *s, uint32_t flag)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
					LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };

	for (size_t a = 0; a < LC_ARRAY_LEN(axes); a++) {
		int32_t i = s->idx[axes[a]];
		if (i >= 0 && (s->model->axes[axes[a]].v[i].flags & flag))
			return true;
	}
	return false;
}

bool lc__state_closed_lost(const lc_state *s)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE };
	const lc_model *m = s->model;
	int32_t l = s->idx[LC_AXIS_LIFECYCLE];

	for (size_t a = 0; a < LC_ARRAY_LEN(axes); a++)
		if (s->idx[axes[a]] >= 0 &&
		    lc__closed_kind(m, axes[a], s->idx[axes[a]]) == LC_FLAG_LOST)
			return true;
	return l >= 0 && (m->axes[LC_AXIS_LIFECYCLE].v[l].flags & LC_FLAG_LOST);
}

bool lc__state_has_unknown(const lc_state *s)
{
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		if (s->idx[a] < 0 && s->raw[a][0])
			return true;
	return false;
}
