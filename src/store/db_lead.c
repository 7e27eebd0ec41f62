/* lc_db: leads. Create, read, update, apply a disposition, accept, assign,
 * recycle, restore and note; every write is one transaction with an event. */
#include <string.h>

#include "engine/engine_internal.h"
#include "store_internal.h"

int lc__db_need_model(const lc_db *db, const char *fn)
{
	if (!db->model)
		return lc__error(LC_ESTATE, "%s: the store has no model yet; install one with "
					    "lc_db_install_model()",
				 fn);
	return 0;
}

static const char *actor_or_default(const lc_db *db, const char *actor)
{
	return actor && actor[0] ? actor : db->actor;
}

void lc__db_set_apply_hook(lc_db *db, lc__apply_hook_fn fn, void *ud, void (*free_ud)(void *ud))
{
	if (db->apply_hook_free && db->apply_hook_ud && db->apply_hook_ud != ud)
		db->apply_hook_free(db->apply_hook_ud);
	db->apply_hook = fn;
	db->apply_hook_ud = fn ? ud : NULL;
	db->apply_hook_free = fn ? free_ud : NULL;
}

/* Read a lead into `out`, reset and bound to the current model. */
int lc__db_lead_read(lc_db *db, lc_id id, lc_lead *out)
{
	int rc;

	lc_lead_reset(out);
	if (db->model && (rc = lc_lead_bind(out, db->model)))
		return rc;
	rc = db->vt.lead_get(db->be, id, out);
	if (rc == LC_ENOTFOUND)
		return lc__error(LC_ENOTFOUND, "there is no lead %lld in the store", (long long)id);
	if (rc)
		return lc__store_read_fail(rc, "reading the lead", id);
	/* The record's contact flags are the truth; the state mirrors them. */
	if (out->state)
		out->state->flags = (out->state->flags & ~LC__LEAD_STATE_FLAGS) |
				    (out->flags & LC__LEAD_STATE_FLAGS);
	return 0;
}

/* Fill an event's common fields for a write of `lead` (version not yet raised). */
static int event_fill(lc_db *db, lc_event *ev, const lc_lead *lead, lc_event_kind kind,
		      lc_time now, const char *actor, const char *rule, const char *note,
		      const lc_state *before, const lc_state *after)
{
	int rc;

	/* Every write's time comes from the store's clock: a clock outside the
	 * valid times would store a time no reader accepts. */
	if ((rc = lc__time_check(now, false, "the store's clock (lc_db_options.clock)")))
		return rc;
	ev->lead = lead->id;
	ev->seq = lead->version + 1;
	ev->time = now;
	ev->kind = kind;
	ev->model_version = db->model_version;
	if (lc__str_set(&ev->text[LC_EVENT_TEXT_ACTOR], actor_or_default(db, actor)) ||
	    lc__str_set(&ev->text[LC_EVENT_TEXT_RULE], rule) ||
	    lc__str_set(&ev->text[LC_EVENT_TEXT_NOTE], note))
		return LC_ENOMEM;
	if (before && (rc = lc_state_copy(ev->before, before)))
		return rc;
	if (after && (rc = lc_state_copy(ev->after, after)))
		return rc;
	return 0;
}

int lc__db_lead_write(lc_db *db, lc_lead *lead, unsigned int parts, lc_event_kind kind,
		      const char *actor, const char *rule, const char *note,
		      const lc_state *before)
{
	lc_event *ev;
	int rc;

	if (db->depth <= 0 || !db->write)
		return lc__error(LC_ESTATE, "internal: a lead write needs an open write transaction");
	ev = lc__db_scratch_event(db);
	if (!ev)
		return LC_ENOMEM;
	rc = event_fill(db, ev, lead, kind, lc_db_now(db), actor, rule, note,
			before ? before : lead->state, lead->state);
	if (rc)
		return rc;
	lead->version++;
	rc = lc__db_w_event_append(db, ev);
	if (!rc)
		rc = lc__db_w_lead_update(db, lead, parts);
	if (rc)
		lead->version--;
	return rc;
}

/* ---- create ---- */

/* ---- the lost reason (seed 003: it lives on the record, and only in a
 * Lost life-cycle state). Governed when the model has a state flagged lost;
 * otherwise the field is the caller's free text. ---- */

static bool model_has_lost(const lc_model *m)
{
	for (uint32_t i = 0; i < m->axes[LC_AXIS_LIFECYCLE].n; i++)
		if (m->axes[LC_AXIS_LIFECYCLE].v[i].flags & LC_FLAG_LOST)
			return true;
	return false;
}

static bool state_lost(const lc_model *m, const lc_state *s)
{
	int32_t l = lc__state_index(s, LC_AXIS_LIFECYCLE);
	return l >= 0 && (m->axes[LC_AXIS_LIFECYCLE].v[l].flags & LC_FLAG_LOST);
}

/* A new lead's lost reason: none unless it starts lost, then a lost reason. */
static int check_new_lost_reason(const lc_db *db, const lc_lead *lead)
{
	const char *r = lc_lead_text(lead, LC_LEAD_LOST_REASON);
	int32_t i;

	if (!r || !model_has_lost(db->model))
		return 0;
	if (!state_lost(db->model, lead->state))
		return lc__error(LC_EINVALID,
				 "the new lead's lost reason '%.64s' is refused: a lead has a lost "
				 "reason only in a lost life-cycle state; leave it out (the "
				 "disposition that loses the lead records it)",
				 r);
	i = lc__engine_find(db->model, LC_AXIS_REASON, r);
	if (i < 0 || !db->model->axes[LC_AXIS_REASON].v[i].lost_reason)
		return lc__error(LC_EINVALID, "the lost reason '%.64s' is not a lost reason of model %s",
				 r, lc_model_name(db->model));
	return 0;
}

int lc__db_record_follow_state(lc_db *db, lc_lead *lead, const lc_disposition *d, bool *changed)
{
	const char *cur = lc_lead_text(lead, LC_LEAD_LOST_REASON), *next = NULL;
	int rc;

	*changed = false;
	if (lc_lead_text(lead, LC_LEAD_ACCOUNT) &&
	    !lc__record_may_have_account(db->model, lead->state)) {
		*changed = true;
		if ((rc = lc_lead_set_text(lead, LC_LEAD_ACCOUNT, NULL)))
			return rc;
	}
	if (!model_has_lost(db->model))
		return 0;
	if (state_lost(db->model, lead->state))
		next = lc_disposition_get(d, LC_AXIS_REASON) ? lc_disposition_get(d, LC_AXIS_REASON)
							       : cur;
	if ((cur == NULL) == (next == NULL) && (!cur || strcmp(cur, next) == 0))
		return 0;
	*changed = true;
	return lc_lead_set_text(lead, LC_LEAD_LOST_REASON, next);
}

/* ---- the record's governed fields (docs/engine.md, "The record"): values
 * from the model's lists, a type's attributes and the required fields. ---- */

/* The engine's judgement of the record as it would be stored. */
static int check_record(lc_db *db, const lc_lead *lead, const char *what)
{
	lc_violations *v = lc__db_scratch_violations(db);
	int rc;

	if (!v)
		return LC_ENOMEM;
	lc__violations_clear(v);
	rc = lc__lead_judge_record(db->model, lead, lead->state, v);
	if (rc == LC_EINVALID)
		return lc__error(LC_EINVALID, "%s: %s", what, v->v[0].message);
	return rc;
}

bool lc__db_record_axis_field(lc_axis axis, lc_lead_text_field *field)
{
	lc_axis ax;

	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if (lc__record_listed_axis((lc_lead_text_field)f, &ax) && ax == axis) {
			if (field)
				*field = (lc_lead_text_field)f;
			return true;
		}
	return false;
}

/* Once judged: a listed value is stored by its key (a label or an alias
 * is accepted, as for state values), and a lead that is new or changes
 * type gets the type's default attributes it lacks. */
int lc__db_settle_record(lc_db *db, lc_lead *lead, const lc_lead *cur)
{
	const lc_model *m = db->model;
	const char *type;
	int32_t t;
	int rc;

	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++) {
		const char *v = lc_lead_text(lead, (lc_lead_text_field)f);
		lc_axis ax;
		int32_t i;
		if (!v || !lc__record_listed_axis((lc_lead_text_field)f, &ax) ||
		    (i = lc__engine_find(m, ax, v)) < 0 || strcmp(v, m->axes[ax].v[i].key) == 0)
			continue;
		if ((rc = lc_lead_set_text(lead, (lc_lead_text_field)f, m->axes[ax].v[i].key)))
			return rc;
	}
	type = lc_lead_text(lead, LC_LEAD_TYPE);
	if (!type || (t = lc__engine_find(m, LC_AXIS_TYPE, type)) < 0 ||
	    (cur && lc_lead_text(cur, LC_LEAD_TYPE) &&
	     strcmp(lc_lead_text(cur, LC_LEAD_TYPE), type) == 0))
		return 0;
	for (uint32_t k = 0; k < m->axes[LC_AXIS_TYPE].v[t].nattrs; k++) {
		const lc_type_attr *a = &m->axes[LC_AXIS_TYPE].v[t].attrs[k];
		if (a->def && !lc_lead_attr_get(lead, a->key) &&
		    (rc = lc_lead_attr_set(lead, a->key, a->def)))
			return rc;
	}
	return 0;
}

/* The engine's judgement of a state as a whole, as the store's error. */
static int check_state_valid(lc_db *db, const lc_state *s, const char *what)
{
	lc_violations *v = lc__db_scratch_violations(db);
	int rc;

	if (!v)
		return LC_ENOMEM;
	rc = lc__validate_new_state(db->model, s, lc_db_now(db), v);
	if (rc == LC_EINVALID)
		return lc__error(LC_EINVALID, "%s: %s", what,
				 v->n ? v->v[0].message
							: "the model does not allow this state");
	return rc;
}

/* Insert one new lead with its create event, inside a write transaction.
 * On failure the record's bookkeeping is restored. */
static int create_in_txn(lc_db *db, lc_lead *lead, lc_time now)
{
	lc_event *ev;
	int rc;

	lead->version = 1;
	lead->created_at = now;
	lead->touched_at = LC_TIME_NONE;
	lead->recycled = false;
	rc = lc__db_w_lead_insert(db, lead);
	if (rc == LC_EEXISTS || (rc && lc_error_last_code() == LC_EEXISTS))
		rc = lc__error(LC_EEXISTS, "a lead with external id '%s' already exists",
			       lc_lead_text(lead, LC_LEAD_EXTERNAL_ID) ? lc_lead_text(lead, LC_LEAD_EXTERNAL_ID)
								       : "");
	if (!rc) {
		ev = lc__db_scratch_event(db);
		if (!ev)
			rc = LC_ENOMEM;
		else {
			/* seq = version after the write = 1. */
			lead->version = 0;
			rc = event_fill(db, ev, lead, LC_EVENT_CREATE, now, NULL, NULL, NULL, NULL,
					lead->state);
			lead->version = 1;
			if (!rc)
				rc = lc__db_w_event_append(db, ev);
		}
	}
	if (rc) {
		lead->id = 0;
		lead->version = 0;
		lead->created_at = LC_TIME_NONE;
	}
	return rc;
}

static int check_new_lead(lc_db *db, lc_lead *lead)
{
	int rc;

	if (lead->id != 0)
		return lc__error(LC_ESTATE, "the record is already stored as lead %lld; change it with "
					    "lc_db_lead_update()",
				 (long long)lead->id);
	if (lead->state && lead->model != db->model)
		return lc__error(LC_EINVAL, "the record is bound to another model than the store's "
					    "current one; bind it to lc_db_model()");
	if (!lead->state && (rc = lc_lead_bind(lead, db->model)))
		return rc;
	/* An axis nobody has placed starts where the model says (No Milestone,
	 * New): seed 000's "No Milestone until the first step is reached". The
	 * engine then judges the state the lead starts in. */
	lc__state_fill_initial(lead->state);
	/* Seed 003: the start date is "the date on which the request was first
	 * saved" unless the caller knows an earlier one. */
	if (lc_lead_date(lead, LC_LEAD_START) == LC_TIME_NONE &&
	    (rc = lc_lead_set_date(lead, LC_LEAD_START, lc_db_now(db))))
		return rc;
	if ((rc = check_state_valid(db, lead->state, "the new lead's state is invalid")) ||
	    (rc = check_new_lost_reason(db, lead)) ||
	    (rc = check_record(db, lead, "the new lead is invalid")))
		return rc;
	return lc__db_settle_record(db, lead, NULL);
}

int lc_db_lead_create(lc_db *db, lc_lead *lead, lc_id *id)
{
	int rc;

	LC__ARG(db, "db");
	LC__ARG(lead, "lead");
	if ((rc = lc__db_writable(db, "lc_db_lead_create")) ||
	    (rc = lc__db_need_model(db, "lc_db_lead_create")) || (rc = check_new_lead(db, lead)))
		return rc;
	if ((rc = lc__db_txn_begin(db, true)))
		return rc;
	rc = create_in_txn(db, lead, lc_db_now(db));
	rc = lc__db_txn_end(db, rc);
	if (rc) {
		lead->id = 0;
		lead->version = 0;
		lead->created_at = LC_TIME_NONE;
		return rc;
	}
	if (id)
		*id = lead->id;
	return 0;
}

int lc__db_bulk_insert(lc_db *db, lc_lead *const *leads, size_t n)
{
	lc_event **events = NULL;
	lc_time now;
	int rc = 0;

	if (!db || (!leads && n))
		return lc__error(LC_EINVAL, "lc__db_bulk_insert: bad arguments");
	if ((rc = lc__db_need_model(db, "bulk insert")))
		return rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = check_new_lead(db, leads[i])))
			return lc__error_prefix(rc, "lead %zu of the batch", i + 1);
	if ((rc = lc__db_txn_begin(db, true)))
		return rc;
	now = lc_db_now(db);
	if (!db->vt.bulk_insert) {
		for (size_t i = 0; i < n && !rc; i++)
			rc = create_in_txn(db, leads[i], now);
		rc = lc__db_txn_end(db, rc);
		/* Rolled back: no record of the batch was stored. */
		for (size_t i = 0; rc && i < n; i++) {
			leads[i]->id = 0;
			leads[i]->version = 0;
			leads[i]->created_at = LC_TIME_NONE;
		}
		return rc;
	}
	events = lc__calloc(n ? n : 1, sizeof *events);
	if (!events)
		rc = LC_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		lc_lead *l = leads[i];
		if ((rc = lc__event_new(&events[i], db->model)))
			break;
		l->version = 0;
		rc = event_fill(db, events[i], l, LC_EVENT_CREATE, now, NULL, NULL, NULL, NULL,
				l->state);
		l->version = 1;
		l->created_at = now;
		l->touched_at = LC_TIME_NONE;
		l->recycled = false;
	}
	if (!rc) {
		db->writes++;
		rc = db->vt.bulk_insert(db->be, leads, events, n);
		if (rc)
			rc = lc__store_fail(rc, "storing the leads");
	}
	for (size_t i = 0; events && i < n; i++)
		lc__event_free(events[i]);
	lc__free(events);
	rc = lc__db_txn_end(db, rc);
	if (rc)
		for (size_t i = 0; i < n; i++) {
			leads[i]->id = 0;
			leads[i]->version = 0;
			leads[i]->created_at = LC_TIME_NONE;
		}
	return rc;
}

/* ---- read ---- */

int lc__db_lead_find_many(lc_db *db, lc_lead_text_field field, const char *const *keys,
			  size_t n, lc_id *ids)
{
	int rc;

	if (!db->vt.lead_find_many)
		return LC_EUNSUPPORTED;
	if (field != LC_LEAD_EXTERNAL_ID && field != LC_LEAD_EMAIL)
		return lc__error(LC_EINVAL, "internal: leads are looked up by external id or email");
	if (n == 0)
		return 0;
	if ((rc = lc__db_txn_begin(db, false)))
		return rc;
	rc = db->vt.lead_find_many(db->be, field, keys, n, ids);
	if (rc)
		rc = lc__store_fail(rc, "looking leads up");
	return lc__db_txn_end(db, rc);
}

static int get_common(lc_db *db, lc_id id, const char *external, lc_lead **out)
{
	lc_lead *lead;
	int rc;

	if ((rc = lc__db_need_model(db, "reading a lead")))
		return rc;
	if ((rc = lc_lead_new(&lead)))
		return rc;
	if ((rc = lc_lead_bind(lead, db->model)) || (rc = lc__db_txn_begin(db, false))) {
		lc_lead_free(lead);
		return rc;
	}
	if (external) {
		rc = db->vt.lead_find(db->be, external, lead);
		if (rc == LC_ENOTFOUND)
			rc = lc__error(LC_ENOTFOUND, "there is no lead with external id '%s'", external);
		else if (rc)
			rc = lc__store_read_fail(rc, "reading the lead", lead->id);
		else if (lead->state)
			lead->state->flags = (lead->state->flags & ~LC__LEAD_STATE_FLAGS) |
					     (lead->flags & LC__LEAD_STATE_FLAGS);
	} else {
		rc = lc__db_lead_read(db, id, lead);
	}
	rc = lc__db_txn_end(db, rc);
	if (rc) {
		lc_lead_free(lead);
		return rc;
	}
	*out = lead;
	return 0;
}

int lc_db_lead_get(lc_db *db, lc_id id, lc_lead **out)
{
	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(db, "db");
	if (id <= 0)
		return lc__error(LC_EINVAL, "lc_db_lead_get: lead ids are > 0");
	return get_common(db, id, NULL, out);
}

int lc_db_lead_find(lc_db *db, const char *external_id, lc_lead **out)
{
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(db, "db");
	LC__ARG(external_id, "external_id");
	if ((rc = lc__check_text(external_id, LC_LEAD_EXTERNAL_ID_MAX, "the external id", false)))
		return rc;
	return get_common(db, 0, external_id, out);
}

/* ---- update ---- */

static bool str_differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static bool list_differs(const lc__list *a, const lc__list *b)
{
	if (a->n != b->n)
		return true;
	for (size_t i = 0; i < a->n; i++)
		if (str_differs(lc__str_get(&a->v[i].a), lc__str_get(&b->v[i].a)) ||
		    str_differs(lc__str_get(&a->v[i].b), lc__str_get(&b->v[i].b)) ||
		    a->v[i].t != b->v[i].t)
			return true;
	return false;
}

/* The update event's note: which fields changed ("changed: phone, team"),
 * so that history says what an edit did. */
static void describe_changes(lc_buf *b, const lc_lead *old, const lc_lead *new_)
{
	static const char *const lists[] = { "products", "team", "competitors", "activities",
					     "attributes" };
	static const char *const dates[] = { "start", "expected_completion", "actual_completion" };
	static const char *const flags[] = { "do_not_call", "do_not_email", "automation_stopped" };
	size_t n0;

	lc__buf_puts(b, "changed:");
	n0 = b->len;
#define ADD(name) lc__buf_printf(b, "%s %s", b->len > n0 ? "," : "", name)
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if (str_differs(lc__str_get(&old->text[f]), lc__str_get(&new_->text[f])))
			ADD(lc_lead_text_name((lc_lead_text_field)f));
	if (old->probability != new_->probability)
		ADD("probability");
	if (old->amount != new_->amount || strcmp(old->currency, new_->currency) != 0)
		ADD("amount");
	for (int d = 0; d < LC_LEAD_DATE_COUNT; d++)
		if (lc_lead_date(old, (lc_lead_date_field)d) != lc_lead_date(new_, (lc_lead_date_field)d))
			ADD(dates[d]);
	if (old->unit != new_->unit)
		ADD("unit");
	if (old->agent != new_->agent)
		ADD("agent");
	for (int i = 0; i < 3; i++)
		if ((old->flags ^ new_->flags) & (1u << i))
			ADD(flags[i]);
	for (int l = 0; l < LC_LEAD_NOTES; l++)
		if (list_differs(&old->lists[l], &new_->lists[l]))
			ADD(lists[l]);
#undef ADD
	if (b->len == n0)
		lc__buf_puts(b, " nothing");
}

bool lc__db_lead_differs(const lc_lead *old, const lc_lead *new_)
{
	lc_buf b;
	bool differs;
	lc__buf_init(&b);
	describe_changes(&b, old, new_);
	/* Out of memory: say it differs, so that the update is written. */
	differs = b.failed || strcmp(b.data, "changed: nothing") != 0;
	lc__buf_free(&b);
	return differs;
}

static int conflict(const lc_lead *stored, int64_t expected)
{
	return lc__error(LC_ECONFLICT,
			 "lead %lld is at version %lld but you read version %lld: someone changed "
			 "it; read it again and retry",
			 (long long)stored->id, (long long)stored->version, (long long)expected);
}

int lc_db_lead_update(lc_db *db, lc_lead *lead, int64_t expected_version)
{
	lc_lead *cur;
	lc_buf changes;
	int64_t old_version;
	bool old_recycled;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(lead, "lead");
	if ((rc = lc__db_writable(db, "lc_db_lead_update")))
		return rc;
	if (lead->id <= 0)
		return lc__error(LC_EINVAL, "the record was never stored; create it with "
					    "lc_db_lead_create()");
	if (expected_version < -1)
		return lc__error(LC_EINVAL, "expected_version is a version >= 0, or -1 not to check");
	if ((rc = lc__db_need_model(db, "lc_db_lead_update")))
		return rc;
	if (lead->model != db->model)
		return lc__error(LC_EINVAL, "the record is bound to another model than the store's "
					    "current one; read the lead again");
	if ((rc = lc__db_txn_begin(db, true)))
		return rc;
	old_version = lead->version;
	old_recycled = lead->recycled;
	cur = lc__db_scratch_lead(db);
	rc = cur ? lc__db_lead_read(db, lead->id, cur) : LC_ENOMEM;
	if (!rc && expected_version >= 0 && cur->version != expected_version)
		rc = conflict(cur, expected_version);
	if (!rc && !lc__lead_state_same(cur->state, lead->state))
		rc = lc__error(LC_ESTATE, "the record's disposition state differs from the stored one; "
					  "the state changes only through lc_db_apply()");
	if (!rc && model_has_lost(db->model) &&
	    str_differs(lc_lead_text(cur, LC_LEAD_LOST_REASON), lc_lead_text(lead, LC_LEAD_LOST_REASON)))
		rc = lc__error(LC_ESTATE, "the lost reason changes only with the disposition that loses "
					  "the lead (lc_db_apply() with a lost reason)");
	if (!rc && !(rc = check_record(db, lead, "lc_db_lead_update: the lead would be invalid")))
		rc = lc__db_settle_record(db, lead, cur);
	if (!rc) {
		/* The store owns the bookkeeping and the recycle flag. */
		lead->version = cur->version;
		lead->created_at = cur->created_at;
		lead->touched_at = cur->touched_at;
		lead->recycled = cur->recycled;
		lc__buf_init(&changes);
		describe_changes(&changes, cur, lead);
		rc = changes.failed ? LC_ENOMEM
				    : lc__db_lead_write(db, lead, LC_STORAGE_PART_ALL, LC_EVENT_UPDATE,
							NULL, NULL, changes.data, cur->state);
		lc__buf_free(&changes);
		if (rc == LC_EEXISTS || (rc && lc_error_last_code() == LC_EEXISTS))
			rc = lc__error(LC_EEXISTS, "another lead already has external id '%s'",
				       lc_lead_text(lead, LC_LEAD_EXTERNAL_ID));
	}
	rc = lc__db_txn_end(db, rc);
	if (rc) {
		lead->version = old_version;
		lead->recycled = old_recycled;
	}
	return rc;
}

/* ---- apply ---- */

int lc_db_apply(lc_db *db, lc_id lead_id, const lc_disposition *d, int64_t expected_version,
		lc_violations *violations, lc_id *event_id)
{
	return lc__db_apply_rule(db, lead_id, d, expected_version, violations, event_id, NULL);
}

int lc__db_apply_rule(lc_db *db, lc_id lead_id, const lc_disposition *d,
		      int64_t expected_version, lc_violations *violations, lc_id *event_id,
		      const char *rule)
{
	lc_lead *lead;
	lc_state *swap;
	lc_event *ev;
	lc_id eid = 0;
	lc_time now;
	bool lost_changed = false;
	int rc;

	if (violations)
		lc__violations_clear(violations);
	LC__ARG_IN("lc_db_apply", db, "db");
	LC__ARG_IN("lc_db_apply", d, "d");
	if (lead_id <= 0)
		return lc__error(LC_EINVAL, "lc_db_apply: lead ids are > 0");
	if (expected_version < -1)
		return lc__error(LC_EINVAL, "expected_version is a version >= 0, or -1 not to check");
	if ((rc = lc__db_writable(db, "lc_db_apply")) || (rc = lc__db_need_model(db, "lc_db_apply")))
		return rc;
	if (d->model != db->model)
		return lc__error(LC_EINVAL, "the disposition is bound to another model than the "
					    "store's current one; build it against lc_db_model()");
	if ((rc = lc__db_txn_begin(db, true)))
		return rc;
	lead = lc__db_scratch_lead(db);
	ev = lc__db_scratch_event(db);
	rc = lead && ev ? lc__db_lead_read(db, lead_id, lead) : LC_ENOMEM;
	if (rc)
		goto out;
	if (expected_version >= 0 && lead->version != expected_version) {
		rc = conflict(lead, expected_version);
		goto out;
	}
	if (lead->recycled) {
		rc = lc__error(LC_ESTATE, "lead %lld is in the recycle bin; restore it before "
					  "recording a disposition",
			       (long long)lead_id);
		goto out;
	}
	now = lc_db_now(db);
	/* The engine writes the new state straight into the event. */
	rc = lc_transition(db->model, lead->state, d, now, ev->after, violations);
	if (rc == LC_EINVALID && violations && violations->n)
		rc = lc__error(LC_EINVALID, "lead %lld: %s", (long long)lead_id,
			       violations->v[0].message);
	if (rc)
		goto out;
	/* The old state moves into the event (a swap, not a copy: the hot path). */
	swap = ev->before;
	ev->before = lead->state;
	lead->state = swap;
	rc = event_fill(db, ev, lead, LC_EVENT_DISPOSITION, now, lc_disposition_actor(d), rule,
			lc_disposition_note(d), NULL, NULL);
	if (rc)
		goto out;
	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		const char *key = LC__DISPOSITION_AXIS(a) ? lc_disposition_get(d, (lc_axis)a) : NULL;
		if (key)
			memcpy(ev->value[a], key, strlen(key) + 1);
	}
	ev->outcome = lc_disposition_outcome(d);
	ev->follow_up = lc_disposition_follow_up(d);
	rc = lc__db_w_event_append(db, ev);
	if (rc)
		goto out;
	eid = ev->id;
	rc = lc_state_copy(lead->state, ev->after);
	if (!rc)
		rc = lc__db_record_follow_state(db, lead, d, &lost_changed);
	if (rc)
		goto out;
	lead->version++;
	lead->touched_at = now;
	rc = lc__db_w_lead_update(db, lead,
				  LC_STORAGE_PART_STATE | (lost_changed ? LC_STORAGE_PART_FIELDS : 0));
	if (!rc && db->apply_hook) {
		lc_violations *outer = db->refusals;
		db->refusals = violations;
		rc = db->apply_hook(db, lead, ev, lead->state, db->apply_hook_ud);
		db->refusals = outer;
	}
out:
	/* Every refusal carries a reason, whoever refused. */
	if (rc == LC_EINVALID && violations && !violations->n)
		lc__violations_add(violations, LC_V_TRANSITION, NULL, "%s", lc_error_last());
	rc = lc__db_txn_end(db, rc);
	if (!rc && event_id)
		*event_id = eid;
	return rc;
}

void lc__db_refusal(lc_db *db, const char *rule, const lc_violations *v)
{
	for (size_t i = 0; db && db->refusals && i < v->n; i++)
		lc__violations_add(db->refusals, v->v[i].code, v->v[i].field,
				   "rule %s: %s", rule, v->v[i].message);
}

/* ---- accept, assign, recycle, restore, note ---- */

/* Begin a write, read the lead into a scratch record. */
static int open_lead(lc_db *db, lc_id lead_id, const char *fn, lc_lead **lead)
{
	int rc;

	LC__ARG_IN(fn, db, "db");
	if (lead_id <= 0)
		return lc__error(LC_EINVAL, "%s: lead ids are > 0", fn);
	if ((rc = lc__db_writable(db, fn)) || (rc = lc__db_need_model(db, fn)) ||
	    (rc = lc__db_txn_begin(db, true)))
		return rc;
	*lead = lc__db_scratch_lead(db);
	rc = *lead ? lc__db_lead_read(db, lead_id, *lead) : LC_ENOMEM;
	if (rc)
		return lc__db_txn_end(db, rc);
	return 0;
}

int lc_db_lead_accept(lc_db *db, lc_id lead_id, lc_id agent)
{
	lc_table *members = NULL, *all = NULL;
	lc_lead *lead = NULL;
	long i;
	int rc;

	if (agent <= 0)
		return lc__error(LC_EINVAL, "lc_db_lead_accept: agent ids are > 0");
	if ((rc = open_lead(db, lead_id, "lc_db_lead_accept", &lead)))
		return rc;
	rc = lc__db_agents_in(db, 0, &all);
	if (!rc && (i = lc__party_index(all, agent)) < 0)
		rc = lc__error(LC_ENOTFOUND, "there is no agent %lld", (long long)agent);
	else if (!rc && lead->recycled)
		rc = lc__error(LC_ESTATE, "lead %lld is in the recycle bin; restore it first",
			       (long long)lead_id);
	else if (!rc && lead->agent != 0)
		rc = lc__error(LC_ESTATE, "lead %lld is already assigned to agent %lld; only an "
					  "unassigned lead can be accepted",
			       (long long)lead_id, (long long)lead->agent);
	else if (!rc && lead->unit == 0)
		rc = lc__error(LC_ESTATE, "lead %lld is in no unit, so nobody can accept it; assign "
					  "it to a unit or an agent instead",
			       (long long)lead_id);
	else if (!rc && !lc_table_int(all, (size_t)i, 2))
		rc = lc__error(LC_ESTATE, "agent '%s' is inactive and cannot accept leads",
			       lc_table_text(all, (size_t)i, 1));
	if (!rc && !(rc = lc__db_agents_in(db, lead->unit, &members)) &&
	    lc__party_index(members, agent) < 0)
		rc = lc__error(LC_ESTATE, "agent '%s' is not a member of unit %lld, which lead %lld "
					  "belongs to; only its members can accept it",
			       lc_table_text(all, (size_t)i, 1), (long long)lead->unit, (long long)lead_id);
	if (!rc) {
		lead->agent = agent;
		rc = lc__db_lead_write(db, lead, LC_STORAGE_PART_FIELDS, LC_EVENT_ACCEPT,
				       lc_table_text(all, (size_t)i, 1), NULL, NULL, NULL);
	}
	lc_table_free(members);
	lc_table_free(all);
	return lc__db_txn_end(db, rc);
}

int lc_db_lead_assign(lc_db *db, lc_id lead_id, lc_id unit, lc_id agent)
{
	lc_table *members = NULL, *all = NULL;
	lc_lead *lead;
	long i = -1;
	int rc;

	if (unit < 0 || agent < 0)
		return lc__error(LC_EINVAL, "lc_db_lead_assign: unit and agent are ids > 0, or 0 for none");
	if ((rc = open_lead(db, lead_id, "lc_db_lead_assign", &lead)))
		return rc;
	if (lead->recycled)
		rc = lc__error(LC_ESTATE, "lead %lld is in the recycle bin; restore it first",
			       (long long)lead_id);
	if (!rc && unit > 0)
		rc = lc__db_agents_in(db, unit, &members);
	if (!rc && agent > 0) {
		rc = lc__db_agents_in(db, 0, &all);
		if (!rc && (i = lc__party_index(all, agent)) < 0)
			rc = lc__error(LC_ENOTFOUND, "there is no agent %lld", (long long)agent);
		else if (!rc && !lc_table_int(all, (size_t)i, 2))
			rc = lc__error(LC_ESTATE, "agent '%s' is inactive and cannot take new leads",
				       lc_table_text(all, (size_t)i, 1));
		else if (!rc && members && lc__party_index(members, agent) < 0)
			rc = lc__error(LC_ESTATE, "agent '%s' is not a member of unit %lld; add them "
						  "to it first",
				       lc_table_text(all, (size_t)i, 1), (long long)unit);
	}
	if (!rc) {
		lead->unit = unit;
		lead->agent = agent;
		rc = lc__db_lead_write(db, lead, LC_STORAGE_PART_FIELDS, LC_EVENT_ASSIGN, NULL, NULL,
				       NULL, NULL);
	}
	lc_table_free(members);
	lc_table_free(all);
	return lc__db_txn_end(db, rc);
}

int lc__db_lead_set_recycled(lc_db *db, lc_id lead_id, bool recycled, const char *actor,
			     const char *rule)
{
	const char *fn = recycled ? "lc_db_lead_recycle" : "lc_db_lead_restore";
	lc_lead *lead = NULL;
	int rc;

	if ((rc = open_lead(db, lead_id, fn, &lead)))
		return rc;
	if (lead->recycled == recycled)
		rc = lc__error(LC_ESTATE, "lead %lld is %s", (long long)lead_id,
			       recycled ? "already in the recycle bin" : "not in the recycle bin");
	if (!rc) {
		lead->recycled = recycled;
		rc = lc__db_lead_write(db, lead, 0, recycled ? LC_EVENT_RECYCLE : LC_EVENT_RESTORE,
				       actor, rule, NULL, NULL);
	}
	return lc__db_txn_end(db, rc);
}

int lc_db_lead_recycle(lc_db *db, lc_id lead_id)
{
	return lc__db_lead_set_recycled(db, lead_id, true, NULL, NULL);
}

int lc_db_lead_restore(lc_db *db, lc_id lead_id)
{
	return lc__db_lead_set_recycled(db, lead_id, false, NULL, NULL);
}

int lc__db_state_invalid(lc_db *db, const lc_state *s, bool skip_unknown, const char **why)
{
	lc_violations *v = lc__db_scratch_violations(db);
	int rc;

	if (!v)
		return LC_ENOMEM;
	rc = lc_validate_state(db->model, s, v);
	for (size_t i = 0; rc == LC_EINVALID && i < v->n; i++)
		if (!skip_unknown || v->v[i].code != LC_V_UNKNOWN_VALUE) {
			*why = v->v[i].message;
			return LC_EINVALID;
		}
	return rc == LC_EINVALID ? 0 : rc;
}

int lc_db_lead_note(lc_db *db, lc_id lead_id, const char *author, const char *text)
{
	const char *why = NULL;
	lc_lead *lead;
	lc_time now;
	int rc;

	LC__ARG(text, "text");
	if ((rc = lc__check_text(author, LC_NAME_MAX, "the note's author", true)) ||
	    (rc = lc__check_text(text, LC_LEAD_NOTE_MAX, "the note", false)))
		return rc;
	if (!text[0])
		return lc__error(LC_EINVAL, "the note is empty; write something");
	if ((rc = open_lead(db, lead_id, "lc_db_lead_note", &lead)))
		return rc;
	/* Seed 000: no new history note on a lead whose state the model no
	 * longer allows, until a disposition gives it a valid one. */
	if ((rc = lc__db_state_invalid(db, lead->state, false, &why)) == LC_EINVALID)
		rc = lc__error(LC_EINVALID,
			       "lead %lld: %s; record a disposition that gives the lead a valid state "
			       "(lc_db_apply()) before adding notes",
			       (long long)lead_id, why);
	if (rc)
		return lc__db_txn_end(db, rc);
	author = actor_or_default(db, author);
	now = lc_db_now(db);
	db->writes++;
	rc = db->vt.note_append(db->be, lead_id, now, author, text);
	if (rc)
		rc = lc__store_fail(rc, "storing the note");
	if (!rc)
		rc = lc__lead_add_note(lead, now, author, text);
	if (!rc)
		rc = lc__db_lead_write(db, lead, 0, LC_EVENT_NOTE, author, NULL, text, NULL);
	return lc__db_txn_end(db, rc);
}
