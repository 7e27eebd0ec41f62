/*
 * The backend API's record functions (sys/storage.h): how a backend fills
 * and copies the records the core hands it. They live with the store, not
 * with the records, so that the lead and the engine know nothing of storage.
 */
#include <string.h>

#include "engine/engine_internal.h"
#include "store_internal.h"

/* Whether value `at` of an axis of the state's model has exactly this key. */
static bool hint_fits(const lc_state *state, lc_axis axis, const char *key, int32_t at)
{
	const lc_model *m = state->model;

	return at >= 0 && (uint32_t)at < m->axes[axis].n && strcmp(m->axes[axis].v[at].key, key) == 0;
}

int lc_state_set_stored(lc_state *state, lc_axis axis, const char *key, int32_t *hint)
{
	int rc;

	LC__ARG(state, "state");
	if (key && hint && LC__STATE_AXIS(axis) && hint_fits(state, axis, key, *hint)) {
		state->idx[axis] = *hint;
		state->raw[axis][0] = '\0';
		return 0;
	}
	rc = lc__state_set_raw(state, axis, key);
	if (!rc && key && hint)
		*hint = state->idx[axis];
	return rc;
}

int lc_state_set_stored_entries(lc_state *state, const char *stage_key, size_t entries,
				int32_t *hint)
{
	uint32_t count = (uint32_t)entries;
	int32_t at;
	int rc;

	LC__ARG(state, "state");
	LC__ARG(stage_key, "stage_key");
	if ((rc = lc__state_entries_check(entries, "lc_state_set_stored_entries")))
		return rc;
	if (!hint)
		return lc__state_set_stored_entries(state, stage_key, count);
	at = hint_fits(state, LC_AXIS_STAGE, stage_key, *hint)
		     ? *hint
		     : lc__engine_find(state->model, LC_AXIS_STAGE, stage_key);
	if (at < 0) {
		*hint = -1;
		return lc__state_set_stored_entries(state, stage_key, count);
	}
	*hint = at;
	state->counts[at] = count;
	return 0;
}

size_t lc_state_sys_entries(const lc_state *state, size_t first, const char **stage_keys,
			    size_t *entries, size_t max)
{
	size_t n = 0;

	if (!state || (max && (!stage_keys || !entries)))
		return 0;
	for (uint32_t k = 0; k < state->nstages; k++) {
		if (!state->counts[k])
			continue;
		if (n >= first && n - first < max) {
			stage_keys[n - first] = state->model->axes[LC_AXIS_STAGE].v[k].key;
			entries[n - first] = state->counts[k];
		}
		n++;
	}
	for (uint32_t f = 0; f < state->nforeign; f++, n++)
		if (n >= first && n - first < max) {
			stage_keys[n - first] = state->foreign[f].key;
			entries[n - first] = state->foreign[f].count;
		}
	return n;
}

const lc_model *lc_state_sys_model(const lc_state *state)
{
	return state ? state->model : NULL;
}

lc_state *lc_lead_sys_state(lc_lead *lead)
{
	return lead ? lead->state : NULL;
}

int lc_lead_sys_set_id(lc_lead *lead, lc_id id)
{
	LC__ARG(lead, "lead");
	if (id <= 0)
		return lc__error(LC_EINVAL, "lc_lead_sys_set_id: a lead id is > 0");
	lead->id = id;
	return 0;
}

int lc_lead_sys_set_meta(lc_lead *lead, lc_id id, int64_t version, lc_time created_at,
			 lc_time touched_at, int recycled)
{
	LC__ARG(lead, "lead");
	if (id <= 0 || version < 1)
		return lc__error(LC_EINVAL,
				 "lc_lead_sys_set_meta: a stored lead has an id > 0 and a version >= 1");
	lead->id = id; /* first, so that a row refused below can still be named */
	if (version == INT64_MAX)
		return lc__error(LC_ERANGE, "lc_lead_sys_set_meta: version %lld leaves no room for "
					    "another change",
				 (long long)version);
	if (lc__time_check(created_at, false, "lc_lead_sys_set_meta: created_at") ||
	    lc__time_check(touched_at, true, "lc_lead_sys_set_meta: touched_at"))
		return LC_ERANGE;
	lead->version = version;
	lead->created_at = created_at;
	lead->touched_at = touched_at;
	lead->recycled = recycled != 0;
	return 0;
}

int lc_lead_sys_add_note(lc_lead *lead, lc_time time, const char *author, const char *text)
{
	LC__ARG(lead, "lead");
	LC__ARG(text, "text");
	if (lc__time_check(time, false, "lc_lead_sys_add_note"))
		return LC_ERANGE;
	return lc__lead_add_note(lead, time, author, text);
}

int lc_lead_sys_copy(lc_lead *dst, const lc_lead *src, unsigned int parts)
{
	const unsigned int known = LC_STORAGE_PART_ALL | LC_STORAGE_PART_NOTES;
	unsigned int copy = 0;

	LC__ARG(dst, "dst");
	LC__ARG(src, "src");
	if (parts & ~known)
		return lc__error(LC_EINVAL, "lc_lead_sys_copy: unknown parts 0x%x; use "
					    "LC_STORAGE_PART_* bits",
				 parts & ~known);
	if ((parts & LC_STORAGE_PART_STATE) && dst->state && src->state && dst->model != src->model)
		return lc__error(LC_EINVAL, "lc_lead_sys_copy: the records are bound to different "
					    "models; bind them to the same one to copy the state");
	copy |= (parts & LC_STORAGE_PART_FIELDS) ? LC__LEAD_COPY_FIELDS : 0;
	copy |= (parts & LC_STORAGE_PART_LISTS) ? LC__LEAD_COPY_LISTS : 0;
	copy |= (parts & LC_STORAGE_PART_NOTES) ? LC__LEAD_COPY_NOTES : 0;
	copy |= (parts & LC_STORAGE_PART_STATE) ? LC__LEAD_COPY_STATE : 0;
	return lc__lead_copy_parts(dst, src, copy);
}
