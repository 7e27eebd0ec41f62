/* lc_db: opening, transactions, models, metadata, agents and units. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/versioned.h"
#include "engine/engine_internal.h"
#include "store_internal.h"

/* ---- errors ---- */

int lc__store_fail(int rc, const char *what)
{
	if (rc >= 0)
		rc = LC_EIO;
	/* Keep the backend's own message when it set one for this code. */
	if (lc_error_last_code() == rc && lc_error_last()[0])
		return lc__error_prefix(rc, "%s", what);
	return lc__error(rc, "%s: the storage backend failed (%s)", what, lc_strerror(rc));
}

int lc__store_damaged(int rc, const char *what, const char *record)
{
	char why[256];

	if (!record || (rc != LC_EINVAL && rc != LC_ERANGE && rc != LC_EFORMAT && rc != LC_ECORRUPT))
		return lc__store_fail(rc, what);
	snprintf(why, sizeof why, "%s", lc_error_last());
	return lc__error(LC_ECORRUPT,
			 "%s: %s as stored breaks the library's rules (%s); the store is damaged: "
			 "correct the row or restore a backup, then check it with lc_db_verify()",
			 what, record, why);
}

int lc__store_read_fail(int rc, const char *what, lc_id id)
{
	char record[48];

	if (rc == LC_ECORRUPT)
		return lc__store_fail(rc, what);
	snprintf(record, sizeof record, "lead %lld", (long long)id);
	return lc__store_damaged(rc, what, record);
}

/* ---- options ---- */

LC_STRUCT_DESC(db_options_desc, lc_db_options, LC_DB_OPTIONS_VERSION, LC_DB_OPTIONS_INIT,
	       LC_FIELD_END(lc_db_options, flags));

int lc_db_options_init(lc_db_options *opts, unsigned int version)
{
	LC__ARG(opts, "opts");
	return lc__struct_init(&db_options_desc, opts, version, "lc_db_options_init");
}

static int check_options(const lc_db_options *o)
{
	if (o->busy_timeout_ms < 0)
		return lc__error(LC_EINVAL, "busy_timeout_ms is %d; give 0 or more milliseconds",
				 (int)o->busy_timeout_ms);
	if (o->flags & ~(LC_DB_CREATE | LC_DB_READONLY))
		return lc__error(LC_EINVAL, "unknown lc_db_options flags 0x%x; use LC_DB_CREATE and "
					    "LC_DB_READONLY",
				 (unsigned)(o->flags & ~(LC_DB_CREATE | LC_DB_READONLY)));
	return 0;
}

/* ---- opening ---- */

/* Split a URI into a backend and a location. */
static int resolve_uri(const char *uri, lc_storage *vt, const char **location)
{
	const char *colon = strchr(uri, ':');
	size_t n;

	if (strcmp(uri, ":memory:") == 0) {
		*vt = lc__storage_sqlite;
		*location = uri;
		return 0;
	}
	if (colon && colon > uri) {
		n = (size_t)(colon - uri);
		bool scheme = n >= 2 && ((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z'));
		for (size_t i = 0; scheme && i < n; i++) {
			char c = uri[i];
			scheme = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
		}
		/* "C:\..." (one letter) and "./a:b" are paths, not schemes. */
		if (scheme) {
			*location = colon + 1;
			return lc__storage_lookup(uri, n, vt);
		}
	}
	*vt = lc__storage_sqlite;
	*location = uri;
	return 0;
}

/* Load the newest model version, if any. Inside a read transaction. */
static int load_current_model(lc_db *db)
{
	int64_t latest = 0;
	const char *json = NULL;
	lc_time at;
	lc_model *m;
	int rc;

	rc = db->vt.model_latest(db->be, &latest);
	if (rc)
		return lc__store_fail(rc, "reading the store's model version");
	if (latest <= 0)
		return 0;
	rc = db->vt.model_get(db->be, latest, &json, &at);
	if (rc)
		return lc__store_fail(rc, "reading the store's current model");
	rc = lc_model_load_string(&m, json, "stored model");
	if (rc)
		return lc__error_prefix(rc == LC_ENOMEM ? rc : LC_ECORRUPT,
					"the store's model version %lld does not load",
					(long long)latest);
	db->model = m;
	db->model_version = latest;
	return 0;
}

int lc_db_open(lc_db **out, const char *uri, const lc_db_options *opts)
{
	lc_db_options o;
	const char *location;
	lc_db *db;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(uri, "uri");
	if (!uri[0])
		return lc__error(LC_EINVAL, "lc_db_open: give a store: a path, sqlite:PATH, :memory: "
					    "or memory:");
	if ((rc = lc__check_text(uri, 4096, "the store URI", false)))
		return rc;
	if ((rc = lc__struct_copy(&db_options_desc, &o, opts, "lc_db_open")) ||
	    (rc = check_options(&o)))
		return rc;
	db = lc__calloc(1, sizeof *db);
	if (!db)
		return LC_ENOMEM;
	db->opts = o;
	rc = resolve_uri(uri, &db->vt, &location);
	if (rc)
		goto fail;
	rc = db->vt.open(&db->be, location, &db->opts, db->vt.user_data);
	if (rc) {
		rc = lc__store_fail(rc, "opening the store");
		goto fail;
	}
	rc = db->vt.begin(db->be, 0);
	if (rc) {
		rc = lc__store_fail(rc, "reading the store");
		goto fail;
	}
	rc = load_current_model(db);
	if (rc)
		db->vt.rollback(db->be);
	else if ((rc = db->vt.commit(db->be)))
		rc = lc__store_fail(rc, "reading the store");
	if (rc)
		goto fail;
	for (const lc__db_plugin *p = lc__db_plugins; p->on_open; p++)
		p->on_open(db);
	*out = db;
	return 0;
fail:
	lc_db_close(db);
	return rc;
}

static void free_scratch(lc_db *db)
{
	for (int i = 0; i < LC__DB_SCRATCH; i++) {
		lc_lead_free(db->scratch_lead[i]);
		lc__event_free(db->scratch_event[i]);
		lc_state_free(db->scratch_state[i]);
		db->scratch_lead[i] = NULL;
		db->scratch_event[i] = NULL;
		db->scratch_state[i] = NULL;
	}
	lc_violations_free(db->scratch_violations);
	db->scratch_violations = NULL;
}

void lc_db_close(lc_db *db)
{
	if (!db)
		return;
	if (db->be) {
		if (db->depth > 0 && !db->poisoned)
			db->vt.rollback(db->be);
		db->vt.close(db->be);
	}
	free_scratch(db);
	lc__db_set_apply_hook(db, NULL, NULL, NULL);
	lc_model_free(db->model);
	for (size_t i = 0; i < db->nretired; i++)
		lc_model_free(db->retired[i]);
	lc__free(db->retired);
	lc__free(db->actor);
	lc__free(db);
}

lc_time lc_db_now(const lc_db *db)
{
	if (!db)
		return LC_TIME_NONE;
	if (db->opts.clock)
		return db->opts.clock(db->opts.clock_ud);
	return (lc_time)time(NULL);
}

int lc__db_writable(const lc_db *db, const char *fn)
{
	if (!(db->opts.flags & LC_DB_READONLY))
		return 0;
	return lc__error(LC_EREADONLY, "%s: the store is open read-only (LC_DB_READONLY); open it "
				       "again without that flag, on writable media, to change it",
			 fn);
}

int lc__db_clock(const lc_db *db, lc_time *now, const char *fn)
{
	char what[128];

	*now = lc_db_now(db);
	if (lc__time_valid(*now))
		return 0;
	snprintf(what, sizeof what, "%s: the store's clock (lc_db_options.clock)", fn);
	return lc__time_check(*now, false, what);
}

int lc_db_set_actor(lc_db *db, const char *actor)
{
	char *copy = NULL;
	int rc;

	LC__ARG(db, "db");
	if ((rc = lc__check_text(actor, LC_NAME_MAX, "the actor", true)))
		return rc;
	if (actor && actor[0] && !(copy = lc__strdup(actor)))
		return LC_ENOMEM;
	lc__free(db->actor);
	db->actor = copy;
	return 0;
}

int lc_db_set_progress(lc_db *db, lc_progress_fn fn, void *ud)
{
	LC__ARG(db, "db");
	db->progress = fn;
	db->progress_ud = ud;
	return 0;
}

/* ---- scratch objects (reused by every call, one set per nesting level) ---- */

lc_lead *lc__db_scratch_lead(lc_db *db)
{
	int level = db->depth < LC__DB_SCRATCH ? db->depth : LC__DB_SCRATCH - 1;
	lc_lead **slot = &db->scratch_lead[level];

	if (!*slot && lc_lead_new(slot))
		return NULL;
	if (db->model && lc_lead_bind(*slot, db->model))
		return NULL;
	return *slot;
}

lc_event *lc__db_scratch_event(lc_db *db)
{
	int level = db->depth < LC__DB_SCRATCH ? db->depth : LC__DB_SCRATCH - 1;
	lc_event **slot = &db->scratch_event[level];

	if (!*slot && lc__event_new(slot, NULL))
		return NULL;
	if (db->model && lc__event_bind(*slot, db->model))
		return NULL;
	lc__event_reset(*slot);
	return *slot;
}

lc_state *lc__db_scratch_state(lc_db *db)
{
	int level = db->depth < LC__DB_SCRATCH ? db->depth : LC__DB_SCRATCH - 1;
	lc_state **slot = &db->scratch_state[level];

	if (*slot && (*slot)->model != db->model) {
		lc_state_free(*slot);
		*slot = NULL;
	}
	if (!*slot && lc_state_new(slot, db->model))
		return NULL;
	return *slot;
}

lc_violations *lc__db_scratch_violations(lc_db *db)
{
	if (!db->scratch_violations && lc_violations_new(&db->scratch_violations))
		return NULL;
	return db->scratch_violations;
}

/* ---- transactions ---- */

int lc__db_check_poisoned(const lc_db *db)
{
	if (db->poisoned)
		return lc__error(LC_ESTATE,
				 "the explicit transaction was rolled back after an earlier failure; "
				 "call lc_db_rollback() to end it, then start again");
	return 0;
}

/* At the start of every transaction: a model another client installed
 * since becomes the current one (the old one is kept until close). */
static int refresh_model(lc_db *db)
{
	int64_t latest = 0;
	lc_model *old = db->model, **grown;
	int rc;

	if ((rc = db->vt.model_latest(db->be, &latest)))
		return lc__store_fail(rc, "reading the store's model version");
	if (latest == db->model_version || latest <= 0)
		return 0;
	grown = lc__realloc(db->retired, (db->nretired + 1) * sizeof *grown);
	if (!grown)
		return LC_ENOMEM;
	db->retired = grown;
	db->model = NULL;
	if ((rc = load_current_model(db))) {
		db->model = old;
		return rc;
	}
	if (old)
		db->retired[db->nretired++] = old;
	free_scratch(db);
	return 0;
}

int lc__db_txn_begin(lc_db *db, bool write)
{
	int rc;

	if ((rc = lc__db_check_poisoned(db)))
		return rc;
	if (write && (rc = lc__db_writable(db, "writing to the store")))
		return rc;
	if (db->depth > 0) {
		if (write && !db->write)
			return lc__error(LC_ESTATE, "cannot write inside a read transaction");
		if (db->depth >= LC__DB_MAX_DEPTH)
			return lc__error(LC_ESTATE, "calls nest more than %d deep", LC__DB_MAX_DEPTH);
		db->marks[db->depth] = db->writes;
		db->depth++;
		return 0;
	}
	rc = db->vt.begin(db->be, write);
	if (rc)
		return lc__store_fail(rc, write ? "starting a write transaction"
						: "starting a read transaction");
	if ((rc = refresh_model(db))) {
		db->vt.rollback(db->be);
		return rc;
	}
	db->marks[0] = db->writes;
	db->depth = 1;
	db->write = write;
	return 0;
}

int lc__db_txn_end(lc_db *db, int rc)
{
	bool wrote;
	int rc2;

	if (db->depth <= 0)
		return rc;
	db->depth--;
	wrote = db->writes != db->marks[db->depth];
	if (db->depth > 0) {
		/* Joined. A failure that wrote spoils the enclosing transaction:
		 * an explicit one is rolled back at once and stays poisoned. */
		if (rc && wrote && db->explicit_txn && db->depth == 1) {
			db->vt.rollback(db->be);
			db->poisoned = true;
		}
		return rc;
	}
	if (rc) {
		db->vt.rollback(db->be);
		return rc;
	}
	rc2 = db->vt.commit(db->be);
	if (rc2)
		return lc__store_fail(rc2, "committing");
	return 0;
}

int lc__db_savepoint(lc_db *db, int op)
{
	if (!db->vt.savepoint)
		return LC_EUNSUPPORTED;
	if (db->depth <= 0 || !db->write)
		return lc__error(LC_ESTATE, "internal: a savepoint needs an open write transaction");
	return db->vt.savepoint(db->be, op);
}

int lc__db_defer(lc_db *db, int op, size_t leads, size_t events)
{
	int rc;

	if (!db->vt.defer)
		return LC_EUNSUPPORTED;
	if (db->depth <= 0 || !db->write)
		return lc__error(LC_ESTATE, "internal: writing behind needs an open write transaction");
	rc = db->vt.defer(db->be, op, leads, events);
	return rc ? lc__store_fail(rc, "writing behind") : 0;
}

int lc_db_begin(lc_db *db)
{
	int rc;

	LC__ARG(db, "db");
	if ((rc = lc__db_writable(db, "lc_db_begin")))
		return rc;
	if (db->explicit_txn || db->depth > 0)
		return lc__error(LC_ESTATE, "a transaction is already open; commit or roll it back "
					    "first (transactions do not nest)");
	rc = lc__db_txn_begin(db, true);
	if (rc)
		return rc;
	db->explicit_txn = true;
	return 0;
}

int lc_db_commit(lc_db *db)
{
	int rc;

	LC__ARG(db, "db");
	if (!db->explicit_txn)
		return lc__error(LC_ESTATE, "there is no transaction to commit; call lc_db_begin() first");
	db->explicit_txn = false;
	if (db->poisoned) {
		db->poisoned = false;
		db->depth = 0;
		return lc__error(LC_ESTATE, "the transaction was rolled back after an earlier failure; "
					    "nothing was committed");
	}
	db->depth = 0;
	rc = db->vt.commit(db->be);
	if (rc)
		return lc__store_fail(rc, "committing the transaction");
	return 0;
}

int lc_db_rollback(lc_db *db)
{
	int rc = 0;

	LC__ARG(db, "db");
	if (!db->explicit_txn)
		return lc__error(LC_ESTATE, "there is no transaction to roll back");
	if (!db->poisoned)
		rc = db->vt.rollback(db->be);
	db->explicit_txn = false;
	db->poisoned = false;
	db->depth = 0;
	return rc ? lc__store_fail(rc, "rolling back") : 0;
}

/* ---- write wrappers: every backend write is counted, so that a failed call
 * knows whether it left something to undo ---- */

int lc__db_w_lead_insert(lc_db *db, lc_lead *lead)
{
	int rc;
	db->writes++;
	rc = db->vt.lead_insert(db->be, lead);
	return rc ? lc__store_fail(rc, "storing the lead") : 0;
}

int lc__db_w_lead_update(lc_db *db, const lc_lead *lead, unsigned int parts)
{
	int rc;
	db->writes++;
	rc = db->vt.lead_update(db->be, lead, parts);
	return rc ? lc__store_fail(rc, "writing the lead") : 0;
}

int lc__db_w_event_append(lc_db *db, lc_event *ev)
{
	int rc;
	db->writes++;
	rc = db->vt.event_append(db->be, ev);
	return rc ? lc__store_fail(rc, "writing the history event") : 0;
}

/* ---- models ---- */

const lc_model *lc_db_model(const lc_db *db)
{
	return db ? db->model : NULL;
}

int64_t lc_db_model_version(const lc_db *db)
{
	return db ? db->model_version : 0;
}

int lc_db_install_model(lc_db *db, const lc_model *model, int64_t *version)
{
	lc_model *copy = NULL;
	char *json = NULL;
	int64_t latest = 0;
	lc_time now;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(model, "model");
	/* The install time comes from the clock: one no reader accepts is refused. */
	if ((rc = lc__db_writable(db, "lc_db_install_model")) ||
	    (rc = lc__db_clock(db, &now, "lc_db_install_model")))
		return rc;
	if (db->depth > 0)
		return lc__error(LC_ESTATE, "install a model outside a transaction: commit or roll "
					    "back the open one first");
	/* The store keeps its own copy, made from the JSON it stores, so that
	 * the current model is exactly what a later open will load. */
	if ((rc = lc_model_to_json(model, &json, NULL)))
		return rc;
	if ((rc = lc_model_load_string(&copy, json, "installed model"))) {
		lc_free(json);
		return rc;
	}
	rc = lc__db_txn_begin(db, true);
	if (rc)
		goto out;
	rc = db->vt.model_latest(db->be, &latest);
	if (rc)
		rc = lc__store_fail(rc, "reading the store's model version");
	if (!rc) {
		db->writes++;
		rc = db->vt.model_put(db->be, latest + 1, now, json);
		if (rc)
			rc = lc__store_fail(rc, "storing the model");
	}
	rc = lc__db_txn_end(db, rc);
	if (rc)
		goto out;
	/* Objects bound to the old model go with it. */
	free_scratch(db);
	lc_model_free(db->model);
	db->model = copy;
	copy = NULL;
	db->model_version = latest + 1;
	if (version)
		*version = latest + 1;
out:
	lc_model_free(copy);
	lc_free(json);
	return rc;
}

int lc_db_model_get(lc_db *db, int64_t version, lc_model **out, lc_time *installed_at)
{
	const char *json = NULL;
	lc_time at = LC_TIME_NONE;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(db, "db");
	if (version < 1)
		return lc__error(LC_EINVAL, "lc_db_model_get: model versions start at 1");
	rc = lc__db_txn_begin(db, false);
	if (rc)
		return rc;
	rc = db->vt.model_get(db->be, version, &json, &at);
	if (rc == LC_ENOTFOUND)
		rc = lc__error(LC_ENOTFOUND, "the store has no model version %lld (it has 1 to %lld)",
			       (long long)version, (long long)db->model_version);
	else if (rc)
		rc = lc__store_fail(rc, "reading a model version");
	else {
		rc = lc_model_load_string(out, json, "stored model");
		if (rc && rc != LC_ENOMEM)
			rc = lc__error_prefix(LC_ECORRUPT, "stored model version %lld does not load",
					      (long long)version);
	}
	rc = lc__db_txn_end(db, rc);
	if (!rc && installed_at)
		*installed_at = at;
	if (rc) {
		lc_model_free(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- metadata ---- */

int lc__db_meta_get(lc_db *db, const char *key, const char **value)
{
	int rc = lc__db_txn_begin(db, false);

	if (rc)
		return rc;
	rc = db->vt.meta_get(db->be, key, value);
	if (rc && rc != LC_ENOTFOUND)
		rc = lc__store_fail(rc, "reading store metadata");
	return lc__db_txn_end(db, rc);
}

int lc__db_meta_set(lc_db *db, const char *key, const char *value)
{
	int rc = lc__db_txn_begin(db, true);

	if (rc)
		return rc;
	db->writes++;
	rc = db->vt.meta_set(db->be, key, value);
	if (rc)
		rc = lc__store_fail(rc, "writing store metadata");
	return lc__db_txn_end(db, rc);
}

/* ---- agents and units ---- */

static int check_name(const char *name, const char *what)
{
	int rc = lc__check_text(name, LC_NAME_MAX, what, false);

	if (rc)
		return rc;
	if (!name[0])
		return lc__error(LC_EINVAL, "%s is empty; give a name", what);
	return 0;
}

int lc_db_agent_add(lc_db *db, const char *name, lc_id *id)
{
	lc_id new_id = 0;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(name, "name");
	if ((rc = lc__db_writable(db, "lc_db_agent_add")) || (rc = check_name(name, "the agent's name")))
		return rc;
	if ((rc = lc__db_txn_begin(db, true)))
		return rc;
	db->writes++;
	rc = db->vt.agent_put(db->be, &new_id, name, 1);
	if (rc == LC_EEXISTS)
		rc = lc__error(LC_EEXISTS, "an agent named '%s' already exists", name);
	else if (rc)
		rc = lc__store_fail(rc, "adding the agent");
	rc = lc__db_txn_end(db, rc);
	if (!rc && id)
		*id = new_id;
	return rc;
}

int lc_db_unit_add(lc_db *db, const char *name, lc_id *id)
{
	lc_id new_id = 0;
	int rc;

	LC__ARG(db, "db");
	LC__ARG(name, "name");
	if ((rc = lc__db_writable(db, "lc_db_unit_add")) || (rc = check_name(name, "the unit's name")))
		return rc;
	if ((rc = lc__db_txn_begin(db, true)))
		return rc;
	db->writes++;
	rc = db->vt.unit_put(db->be, &new_id, name);
	if (rc == LC_EEXISTS)
		rc = lc__error(LC_EEXISTS, "a unit named '%s' already exists", name);
	else if (rc)
		rc = lc__store_fail(rc, "adding the unit");
	rc = lc__db_txn_end(db, rc);
	if (!rc && id)
		*id = new_id;
	return rc;
}

/* Fill an agents or units table inside the caller's transaction. */
/* Rows the backend filled without a name (lc_table_sys_add_agent() refused
 * it: a damaged store) are left out of *t; LC_ECORRUPT names the first. */
static int parties_drop_damaged(lc_table **t, bool agents)
{
	const char *kind = agents ? "agent" : "unit";
	lc_table *good = NULL;
	lc_id first = 0;
	size_t bad = 0;
	char others[48] = "";
	int rc;

	for (size_t i = 0; i < lc_table_row_count(*t); i++)
		if (!lc_table_text(*t, i, 1) && !bad++)
			first = lc_table_int(*t, i, 0);
	if (!bad)
		return 0;
	if ((rc = lc__parties_new(&good, agents)))
		return rc;
	for (size_t i = 0; i < lc_table_row_count(*t) && !rc; i++)
		if (lc_table_text(*t, i, 1))
			rc = agents ? lc_table_sys_add_agent(good, lc_table_int(*t, i, 0),
							    lc_table_text(*t, i, 1),
							    (int)lc_table_int(*t, i, 2))
				    : lc_table_sys_add_unit(good, lc_table_int(*t, i, 0),
							   lc_table_text(*t, i, 1));
	lc_table_free(*t);
	*t = good;
	if (rc)
		return rc;
	if (bad > 1)
		snprintf(others, sizeof others, " (and %zu other%s)", bad - 1, bad == 2 ? "" : "s");
	return lc__error(LC_ECORRUPT,
			 "listing %ss: %s %lld%s as stored breaks the library's rules (its name is "
			 "empty, longer than %d bytes or not UTF-8); the store is damaged: correct "
			 "the row or restore a backup, then check it with lc_db_verify()",
			 kind, kind, (long long)first, others, LC_NAME_MAX);
}

/* Fill a list inside the caller's transaction. With `partial`, a damaged
 * row is LC_ECORRUPT with the others still in *out; without, *out is NULL
 * on any failure. */
static int parties_in(lc_db *db, bool agents, lc_id of, lc_table **out, bool partial)
{
	int rc = lc__parties_new(out, agents);

	if (rc)
		return rc;
	rc = agents ? db->vt.agent_list(db->be, of, *out) : db->vt.unit_list(db->be, of, *out);
	if (rc == LC_ENOTFOUND)
		rc = lc__error(LC_ENOTFOUND, "there is no %s %lld", agents ? "unit" : "agent",
			       (long long)of);
	else if (rc)
		rc = lc__store_fail(rc, agents ? "listing agents" : "listing units");
	else
		rc = parties_drop_damaged(out, agents);
	if (rc && !(partial && rc == LC_ECORRUPT && *out)) {
		lc_table_free(*out);
		*out = NULL;
	}
	return rc;
}

int lc__db_agents_in(lc_db *db, lc_id unit, lc_table **out)
{
	return parties_in(db, true, unit, out, false);
}

static int parties(lc_db *db, bool agents, lc_id of, lc_table **out)
{
	const char *fn = agents ? "lc_db_agents" : "lc_db_units";
	int rc;

	LC__ARG_IN(fn, out, "out");
	*out = NULL;
	LC__ARG_IN(fn, db, "db");
	if (of < 0)
		return lc__error(LC_EINVAL, "%s: %s", fn, agents ? "unit is >= 0" : "agent is >= 0");
	if ((rc = lc__db_txn_begin(db, false)))
		return rc;
	rc = parties_in(db, agents, of, out, true);
	/* Damaged rows (LC_ECORRUPT with the others in *out) end the read
	 * transaction as a success: nothing failed in it. */
	if (rc == LC_ECORRUPT && *out) {
		int end = lc__db_txn_end(db, 0);
		if (!end)
			return rc;
		rc = end;
	} else {
		rc = lc__db_txn_end(db, rc);
	}
	if (rc) {
		lc_table_free(*out);
		*out = NULL;
	}
	return rc;
}

int lc_db_agents(lc_db *db, lc_id unit, lc_table **out)
{
	return parties(db, true, unit, out);
}

int lc_db_units(lc_db *db, lc_id agent, lc_table **out)
{
	return parties(db, false, agent, out);
}

static int find_by_name(lc_db *db, const char *name, lc_id *id, bool agent)
{
	const char *fn = agent ? "lc_db_agent_find" : "lc_db_unit_find";
	lc_table *all = NULL;
	int rc;

	LC__ARG_IN(fn, db, "db");
	LC__ARG_IN(fn, name, "name");
	LC__ARG_IN(fn, id, "id");
	if ((rc = lc__check_text(name, LC_NAME_MAX, "the name", false)))
		return rc;
	if ((rc = parties(db, agent, 0, &all)))
		return rc;
	rc = lc__error(LC_ENOTFOUND, "there is no %s named '%s'", agent ? "agent" : "unit", name);
	for (size_t i = 0; i < lc_table_row_count(all); i++)
		if (strcmp(lc_table_text(all, i, 1), name) == 0) {
			*id = lc_table_int(all, i, 0);
			rc = 0;
			break;
		}
	lc_table_free(all);
	return rc;
}

int lc_db_agent_find(lc_db *db, const char *name, lc_id *id)
{
	return find_by_name(db, name, id, true);
}

int lc_db_unit_find(lc_db *db, const char *name, lc_id *id)
{
	return find_by_name(db, name, id, false);
}

int lc_db_agent_set_active(lc_db *db, lc_id agent, int active)
{
	lc_table *all = NULL;
	long i;
	int rc;

	LC__ARG(db, "db");
	if (agent <= 0)
		return lc__error(LC_EINVAL, "lc_db_agent_set_active: agent ids are > 0");
	if ((rc = lc__db_writable(db, "lc_db_agent_set_active")) ||
	    (rc = lc__db_txn_begin(db, true)))
		return rc;
	rc = lc__db_agents_in(db, 0, &all);
	if (!rc) {
		i = lc__party_index(all, agent);
		if (i < 0)
			rc = lc__error(LC_ENOTFOUND, "there is no agent %lld", (long long)agent);
		else {
			lc_id id = agent;
			db->writes++;
			rc = db->vt.agent_put(db->be, &id, lc_table_text(all, (size_t)i, 1), active != 0);
			if (rc)
				rc = lc__store_fail(rc, "updating the agent");
		}
	}
	lc_table_free(all);
	return lc__db_txn_end(db, rc);
}

static int membership(lc_db *db, lc_id unit, lc_id agent, bool member)
{
	const char *fn = member ? "lc_db_unit_join" : "lc_db_unit_leave";
	int rc;

	LC__ARG_IN(fn, db, "db");
	if (unit <= 0 || agent <= 0)
		return lc__error(LC_EINVAL, "%s: unit and agent ids are > 0", fn);
	if ((rc = lc__db_writable(db, fn)) ||
	    (rc
 = lc__db_txn_begin(db, true)))
		return rc;
	db->writes++;
	rc = db->vt.member_set(db->be, unit, agent, member);
	if (rc == LC_ENOTFOUND)
		rc = lc__error(LC_ENOTFOUND, "unit %lld or agent %lld does not exist", (long long)unit,
			       (long long)agent);
	else if (rc)
		rc = lc__store_fail(rc, "changing the unit's members");
	return lc__db_txn_end(db, rc);
}

int lc_db_unit_join(lc_db *db, lc_id unit, lc_id agent)
{
	return membership(db, unit, agent, true);
}

int lc_db_unit_leave(lc_db *db, lc_id unit, lc_id agent)
{
	return membership(db, unit, agent, false);
}
