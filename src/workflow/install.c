/* Rule sets in a store: install (checked against the model), read back,
 * and the apply hook that runs event rules inside lc_db_apply().
 *
 * A store keeps rule sets in its metadata, numbered like models:
 *   workflow.ruleset.latest          the version in force ("0" or absent: none)
 *   workflow.ruleset.<N>             its JSON text
 *   workflow.ruleset.<N>.installed   when it was installed (seconds)
 * so that no backend needs a slot of its own for them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"
#include "store/db_internal.h"
#include "workflow/workflow_internal.h"

#define KEY_LATEST "workflow.ruleset.latest"

/* Event rules do not trigger event rules: an effect's own disposition runs
 * the apply hook again, which must then do nothing. */
static _Thread_local int wf_in_hook;

static int check_values(const lc_model *m, lc_axis axis, const wf_strs *s, const char *rule,
			const char *where)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t idx;
		if (lc_model_value_find(m, axis, s->v[i], &idx))
			return lc__error_prefix(LC_ENOTFOUND, "rule %s, %s", rule, where);
	}
	return 0;
}

static int check_cond(const lc_model *m, const wf_cond *c, const char *rule)
{
	int rc;

	if ((rc = check_values(m, LC_AXIS_MILESTONE, &c->milestone, rule, "if.milestone")) ||
	    (rc = check_values(m, LC_AXIS_STATUS, &c->status, rule, "if.status")) ||
	    (rc = check_values(m, LC_AXIS_STAGE, &c->stage, rule, "if.stage")))
		return rc;
	for (size_t i = 0; i < c->nany; i++)
		if ((rc = check_cond(m, &c->any[i], rule)))
			return rc;
	return c->not ? check_cond(m, c->not, rule) : 0;
}

static int check_one(const lc_model *m, lc_axis axis, const char *v, const char *rule,
		     const char *where)
{
	size_t idx;

	if (v && lc_model_value_find(m, axis, v, &idx))
		return lc__error_prefix(LC_ENOTFOUND, "rule %s, %s", rule, where);
	return 0;
}

int lc__wf_check_against(lc_db *db, const lc_ruleset *rs)
{
	const lc_model *m = lc_db_model(db);
	int rc;

	for (size_t i = 0; i < rs->nrules; i++) {
		const wf_rule *r = &rs->rules[i];
		if ((rc = check_values(m, LC_AXIS_ACTION, &r->on_action, r->name, "on.action")) ||
		    (rc = check_values(m, LC_AXIS_MILESTONE, &r->on_milestone, r->name, "on.milestone")) ||
		    (rc = check_values(m, LC_AXIS_STATUS, &r->on_status, r->name, "on.status")) ||
		    (rc = check_values(m, LC_AXIS_STAGE, &r->on_stage, r->name, "on.stage")) ||
		    (rc = check_cond(m, &r->cond, r->name)))
			return rc;
		for (size_t j = 0; j < r->neffects; j++) {
			const wf_effect *e = &r->effects[j];
			if (e->kind == WF_SET || e->kind == WF_FOLLOW_UP) {
				const char *action = e->action ? e->action : "lead_update";
				if ((rc = check_one(m, LC_AXIS_ACTION, action, r->name,
						    e->action ? "the effect's action"
							      : "the default action lead_update (name "
								"an \"action\" in the effect)")) ||
				    (rc = check_one(m, LC_AXIS_MILESTONE, e->milestone, r->name,
						    "set.milestone")) ||
				    (rc = check_one(m, LC_AXIS_STATUS, e->status, r->name, "set.status")) ||
				    (rc = check_one(m, LC_AXIS_STAGE, e->stage, r->name, "set.stage")))
					return rc;
			} else if (e->kind == WF_ASSIGN && e->unit) {
				lc_id unit;
				if ((rc = lc_db_unit_find(db, e->unit, &unit)))
					return lc__error_prefix(rc, "rule %s, assign.unit", r->name);
			}
		}
	}
	return 0;
}

static int meta_int(lc_db *db, const char *key, int64_t *out)
{
	const char *v = NULL;
	char *end;
	int rc = lc__db_meta_get(db, key, &v);

	*out = 0;
	if (rc == LC_ENOTFOUND) {
		lc_error_clear();
		return 0;
	}
	if (rc)
		return rc;
	long long n = strtoll(v, &end, 10);
	if (end == v || *end)
		return lc__error(LC_ECORRUPT, "store metadata %s holds '%.40s', not a number", key, v);
	*out = n;
	return 0;
}

int lc_db_ruleset_latest(lc_db *db, int64_t *version)
{
	LC__ARG(db, "db");
	LC__ARG(version, "version");
	return meta_int(db, KEY_LATEST, version);
}

int lc_db_ruleset_get(lc_db *db, int64_t version, lc_ruleset **out, lc_time *installed_at)
{
	char key[64], name[64];
	const char *text = NULL;
	char *copy;
	int64_t at = 0;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(out, "out");
	*out = NULL;
	if (version < 1)
		return lc__error(LC_EINVAL, "rule set versions start at 1");
	if ((rc = lc__db_txn_begin(db, false)))
		return rc;
	snprintf(key, sizeof key, "workflow.ruleset.%" PRId64, version);
	rc = lc__db_meta_get(db, key, &text);
	if (rc == LC_ENOTFOUND)
		rc = lc__error(LC_ENOTFOUND, "the store has no rule set version %" PRId64, version);
	copy = rc ? NULL : lc__strdup(text);
	if (!rc && !copy)
		rc = LC_ENOMEM;
	snprintf(key, sizeof key, "workflow.ruleset.%" PRId64 ".installed", version);
	if (!rc)
		rc = meta_int(db, key, &at);
	rc = lc__db_txn_end(db, rc);
	if (!rc) {
		snprintf(name, sizeof name, "stored rule set %" PRId64, version);
		rc = lc_ruleset_load_string(out, copy, name);
		char why[256];
		snprintf(why, sizeof why, "%s", lc_error_last());
		/* Whatever the loader refuses in stored text (a format, bad UTF-8,
		 * its size) is damage to the store, not the caller's mistake. */
		if (rc && rc != LC_ENOMEM)
			rc = lc__error(LC_ECORRUPT,
				       "the store's rule set version %" PRId64 " does not parse (%s); "
				       "install a valid rule set with lc_db_ruleset_install(), which "
				       "replaces it",
				       version, why);
	}
	lc__free(copy);
	if (!rc && installed_at)
		*installed_at = at;
	return rc;
}

int lc__wf_load_current(lc_db *db, lc_ruleset **out, int64_t *version)
{
	int64_t v = 0;
	int rc = lc_db_ruleset_latest(db, &v);

	*out = NULL;
	if (version)
		*version = v;
	if (rc || v == 0)
		return rc;
	return lc_db_ruleset_get(db, v, out, NULL);
}

/* lc_db_verify()'s check of the stored rule sets: each version must load. */
int lc__wf_verify(lc_db *db, lc__verify *v, int64_t *count)
{
	lc_ruleset *rs = NULL;
	char rec[48];
	int64_t latest = 0;
	int rc = lc_db_ruleset_latest(db, &latest);

	if (rc == LC_ECORRUPT)
		return lc__verify_problem(v, "rule_set", "store", 0, 0, "%s", lc_error_last());
	*count = latest;
	for (int64_t ver = 1; !rc && ver <= latest; ver++) {
		rc = lc_db_ruleset_get(db, ver, &rs, NULL);
		lc_ruleset_free(rs);
		rs = NULL;
		snprintf(rec, sizeof rec, "rule set %" PRId64, ver);
		if (rc == LC_ECORRUPT || rc == LC_ENOTFOUND)
			rc = lc__verify_problem(v, "rule_set", rec, 0, 0, "%s", lc_error_last());
	}
	return rc;
}

/* What the hook keeps between applies: the rule set in force as this handle
 * knows it. Like the model, it is read when the store opens, and again after
 * an install or a sweep through this handle; an install through another
 * handle takes effect here at the next open or sweep. Checking the store on
 * every apply would cost the apply path a read. While an explicit
 * transaction that installed a rule set is open, the version is checked on
 * each apply, so that a rollback is noticed. */
typedef struct wf_cache {
	bool loaded;
	bool tentative;
	int64_t version;
	lc_ruleset *rs;
} wf_cache;

static void cache_free(void *p)
{
	wf_cache *c = p;

	if (c) {
		lc_ruleset_free(c->rs);
		lc__free(c);
	}
}

/* The rule set in force, owned by the cache (NULL when none). */
static int cached_ruleset(lc_db *db, wf_cache *c, lc_ruleset **rs)
{
	int64_t v = 0;
	int rc;

	*rs = NULL;
	if (!c->loaded || c->tentative) {
		if ((rc = lc_db_ruleset_latest(db, &v)))
			return rc;
		if (!c->loaded || v != c->version) {
			lc_ruleset_free(c->rs);
			c->rs = NULL;
			c->loaded = false;
			if (v && (rc = lc_db_ruleset_get(db, v, &c->rs, NULL)))
				return rc;
			c->version = v;
			c->loaded = true;
		}
		c->tentative = db->explicit_txn;
	}
	*rs = c->rs;
	return 0;
}

/* Make the hook read the rule set again at the next apply. */
static void cache_refresh(lc_db *db, bool tentative)
{
	wf_cache *c = db->apply_hook_ud;

	if (c) {
		c->loaded = false;
		c->tentative = tentative;
	}
}

int lc_db_ruleset_install(lc_db *db, const lc_ruleset *rs, int64_t *version)
{
	char key[64], num[32];
	int64_t v = 0;
	lc_time now;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(rs, "rs");
	if ((rc = lc__db_writable(db, "lc_db_ruleset_install")) ||
	    (rc = lc__db_clock(db, &now, "lc_db_ruleset_install")))
		return rc;
	if (!lc_db_model(db))
		return lc__error(LC_ESTATE, "the store has no model yet; install a model before a "
					    "rule set, whose values are checked against it");
	if ((rc = lc__db_txn_begin(db, true)))
		return rc;
	rc = lc__wf_check_against(db, rs);
	if (!rc)
		rc = meta_int(db, KEY_LATEST, &v);
	if (!rc) {
		v++;
		snprintf(key, sizeof key, "workflow.ruleset.%" PRId64, v);
		rc = lc__db_meta_set(db, key, rs->json);
	}
	if (!rc) {
		snprintf(key, sizeof key, "workflow.ruleset.%" PRId64 ".installed", v);
		snprintf(num, sizeof num, "%" PRId64, now);
		rc = lc__db_meta_set(db, key, num);
	}
	if (!rc) {
		snprintf(num, sizeof num, "%" PRId64, v);
		rc = lc__db_meta_set(db, KEY_LATEST, num);
	}
	rc = lc__db_txn_end(db, rc);
	if (rc)
		return rc;
	lc__wf_attach(db);
	cache_refresh(db, db->explicit_txn);
	if (version)
		*version = v;
	return 0;
}

/* Whether an event's value on an axis is in a trigger list. */
static bool on_match(const lc_model *m, const wf_strs *s, const lc_event *ev, lc_axis axis)
{
	const char *key;
	int32_t want;

	if (!s->present)
		return true;
	key = lc_event_value(ev, axis);
	if (!key)
		return s->has_null;
	for (size_t i = 0; i < s->n; i++) {
		want = lc__model_find(m, axis, s->v[i]);
		if (want >= 0 && !strcmp(lc_model_value_key(m, axis, (size_t)want), key))
			return true;
	}
	return false;
}

static int apply_hook(lc_db *db, lc_lead *applied, const lc_event *ev, const lc_state *st,
		      void *ud)
{
	lc_ruleset *rs = NULL, *owned = NULL;
	lc_lead *lead = NULL;
	const lc_model *m = lc_db_model(db);
	char fired_groups[8][LC_KEY_MAX + 1];
	size_t nfired = 0;
	bool triggered = false;
	lc_time now;
	int rc;

	(void)st;
	if (wf_in_hook || lc__wf_stopped(applied))
		return 0;
	/* Without a cache (out of memory at attach), read it for this apply. */
	rc = ud ? cached_ruleset(db, ud, &rs) : lc__wf_load_current(db, &owned, NULL);
	if (!ud)
		rs = owned;
	if (rc || !rs)
		goto quick;
	/* Most dispositions trigger no rule: decide that before reading anything. */
	for (size_t i = 0; i < rs->nrules && !triggered; i++) {
		const wf_rule *r = &rs->rules[i];
		triggered = r->event && on_match(m, &r->on_action, ev, LC_AXIS_ACTION) &&
			    on_match(m, &r->on_milestone, ev, LC_AXIS_MILESTONE) &&
			    on_match(m, &r->on_status, ev, LC_AXIS_STATUS) &&
			    on_match(m, &r->on_stage, ev, LC_AXIS_STAGE);
	}
	if (!triggered)
		goto quick;
	wf_in_hook++;
	now = lc_db_now(db);
	if ((rc = lc_lead_new(&lead)))
		goto out;
	if ((rc = lc__db_lead_read(db, lc_lead_number(applied, LC_LEAD_NUM_ID), lead)))
		goto out;
	for (size_t i = 0; i < rs->nrules && !rc; i++) {
		const wf_rule *r = &rs->rules[i];
		bool skip = false;
		if (!r->event)
			continue;
		if (lc__wf_stopped(lead))
			break;
		for (size_t g = 0; r->group && g < nfired; g++)
			if (!strcmp(fired_groups[g], r->group))
				skip = true;
		if (skip || !on_match(m, &r->on_action, ev, LC_AXIS_ACTION) ||
		    !on_match(m, &r->on_milestone, ev, LC_AXIS_MILESTONE) ||
		    !on_match(m, &r->on_status, ev, LC_AXIS_STATUS) ||
		    !on_match(m, &r->on_stage, ev, LC_AXIS_STAGE) ||
		    !lc__wf_cond_match(&r->cond, lead, now))
			continue;
		if (r->group && nfired < LC_ARRAY_LEN(fired_groups))
			snprintf(fired_groups[nfired++], sizeof fired_groups[0], "%s", r->group);
		rc = lc__wf_run_effects(db, r, lead, now, NULL, NULL, NULL, NULL);
		if (rc)
			lc__error_prefix(rc, "workflow rule %s", r->name);
	}
out:
	wf_in_hook--;
	lc_lead_free(lead);
quick:
	lc_ruleset_free(owned);
	return rc;
}

void lc__wf_refresh(lc_db *db)
{
	if (db && db->apply_hook == apply_hook)
		cache_refresh(db, false);
}

void lc__wf_attach(lc_db *db)
{
	wf_cache *c;

	if (!db || db->apply_hook == apply_hook)
		return;
	/* Without memory for the cache the hook reads the rule set each time. */
	c = lc__calloc(1, sizeof *c);
	lc__db_set_apply_hook(db, apply_hook, c, cache_free);
}

void lc__wf_db_open(lc_db *db)
{
	int64_t v = 0;

	/* A store without a rule set pays nothing per apply. A failure to read
	 * attaches the hook anyway, so that the next apply reports it. */
	if (lc_db_ruleset_latest(db, &v) || v > 0)
		lc__wf_attach(db);
	lc_error_clear();
}
