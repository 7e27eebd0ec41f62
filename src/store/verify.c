/* lc_db_verify(): a store checked end to end in one read transaction,
 * writing nothing. Problems are rows of the result, not errors: only a
 * failure to read (I/O, memory, a busy store) stops the check. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "model/model_internal.h"
#include "store_internal.h"

/* Rows kept; the summary counts every problem. */
#define MAX_ROWS 10000
#define MAX_PLUGINS 4

enum { K_INTEGRITY, K_RECORD, K_HISTORY, K_REPLAY, K_VALUE, K_MODEL, K_BUILTIN };
static const char *const kind_key[K_BUILTIN] = { "integrity", "record", "history",
						 "replay",    "value",  "model" };
static const char *const kind_col[K_BUILTIN] = { "problems_integrity", "problems_record",
						 "problems_history",   "problems_replay",
						 "problems_value",     "problems_model" };

/* Records counted, in the summary's order. */
enum { C_LEADS, C_EVENTS, C_AGENTS, C_UNITS, C_MODELS, C_BUILTIN };
static const char *const count_col[C_BUILTIN] = { "leads", "events", "agents", "units", "models" };

struct lc__verify {
	lc_db *db;
	lc_table *t;
	lc_model **models; /* models[v - 1]; NULL where version v does not load */
	int64_t nmodels;
	int64_t counts[C_BUILTIN + MAX_PLUGINS];
	int64_t problems[K_BUILTIN + MAX_PLUGINS];
	int64_t total;
	char msg[1024];
};

static const lc__db_plugin *plugin_at(size_t i)
{
	size_t n = 0;

	for (const lc__db_plugin *p = lc__db_plugins; p->on_open; p++)
		if (p->verify && n++ == i)
			return p;
	return NULL;
}

static long kind_index(const char *kind)
{
	const lc__db_plugin *p;

	for (long i = 0; i < K_BUILTIN; i++)
		if (strcmp(kind, kind_key[i]) == 0)
			return i;
	for (size_t i = 0; i < MAX_PLUGINS && (p = plugin_at(i)); i++)
		if (strcmp(kind, p->problem_kind) == 0)
			return K_BUILTIN + (long)i;
	return -1;
}

int lc__verify_problem(lc__verify *v, const char *kind, const char *record, lc_id lead,
		       lc_id event, const char *fmt, ...)
{
	long k = kind_index(kind);
	va_list ap;

	if (k < 0)
		return lc__error(LC_EINVAL, "internal: unknown verify problem kind '%s'", kind);
	v->problems[k]++;
	if (v->total++ >= MAX_ROWS)
		return 0;
	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof v->msg, fmt, ap);
	va_end(ap);
	lc__table_row(v->t);
	lc__table_put_text(v->t, 0, kind);
	lc__table_put_text(v->t, 1, record);
	lc__table_put_int(v->t, 2, lead);
	lc__table_put_int(v->t, 3, event);
	lc__table_put_text(v->t, 4, v->msg);
	return lc__table_failed(v->t);
}

/* ---- the backend's own check ---- */

static int on_integrity(void *ud, const char *problem)
{
	return lc__verify_problem(ud, "integrity", "store", 0, 0, "%s", problem);
}

static int check_integrity(lc__verify *v)
{
	lc_db *db = v->db;
	int rc;

	if (db->vt.version < 2 || !db->vt.integrity_check)
		return 0;
	rc = db->vt.integrity_check(db->be, on_integrity, v);
	return rc < 0 && rc != LC_ENOMEM ? lc__store_fail(rc, "checking the store's integrity") : rc;
}

/* ---- models ---- */

/* A failure that stops the check (anything but damage the check reports). */
static bool fatal(int rc)
{
	return rc == LC_ENOMEM || rc == LC_EIO || rc == LC_EBUSY || rc == LC_ESTATE;
}

static int check_models(lc__verify *v)
{
	lc_db *db = v->db;
	const char *json = NULL;
	char name[48], why[512];
	lc_time at;
	int64_t latest = 0;
	int rc;

	if ((rc = db->vt.model_latest(db->be, &latest)))
		return lc__store_fail(rc, "reading the store's model version");
	if (latest <= 0)
		return 0;
	if (!(v->models = lc__calloc((size_t)latest, sizeof *v->models)))
		return LC_ENOMEM;
	v->nmodels = latest;
	v->counts[C_MODELS] = latest;
	for (int64_t ver = 1; ver <= latest; ver++) {
		snprintf(name, sizeof name, "model version %lld", (long long)ver);
		rc = db->vt.model_get(db->be, ver, &json, &at);
		if (rc == LC_ENOTFOUND) {
			rc = lc__verify_problem(v, "model", name, 0, 0,
						"the store's models run to version %lld but version "
						"%lld is missing",
						(long long)latest, (long long)ver);
		} else if (rc) {
			return lc__store_fail(rc, "reading a model version");
		} else if ((rc = lc_model_load_string(&v->models[ver - 1], json, name))) {
			if (rc == LC_ENOMEM)
				return rc;
			snprintf(why, sizeof why, "%s", lc_error_last());
			rc = lc__verify_problem(v, "model", name, 0, 0, "the stored model does not load: %s",
						why);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* The model version an event names: NULL when the store does not have it
 * (a problem, reported once per event) or it does not load (reported once,
 * as the model's own problem). */
static const lc_model *event_model(lc__verify *v, const lc_event *ev, int *rc)
{
	char rec[40];

	*rc = 0;
	if (ev->model_version >= 1 && ev->model_version <= v->nmodels)
		return v->models[ev->model_version - 1];
	snprintf(rec, sizeof rec, "event %lld", (long long)ev->id);
	*rc = lc__verify_problem(v, "value", rec, ev->lead, ev->id,
				 "lead %lld, event %lld was judged by model version %lld, which the "
				 "store does not have",
				 (long long)ev->lead, (long long)ev->id, (long long)ev->model_version);
	return NULL;
}

static bool model_knows(const lc_model *m, lc_axis axis, const char *key)
{
	int32_t i = lc__engine_find(m, axis, key);
	return i >= 0 && strcmp(m->axes[axis].v[i].key, key) == 0;
}

static int unknown_value(lc__verify *v, const lc_event *ev, const lc_model *m, lc_axis axis,
			 const char *key)
{
	char rec[40];

	snprintf(rec, sizeof rec, "event %lld", (long long)ev->id);
	return lc__verify_problem(v, "value", rec, ev->lead, ev->id,
				  "lead %lld, event %lld: %s '%s' is not a value of model version "
				  "%lld (%s), which recorded it",
				  (long long)ev->lead, (long long)ev->id, lc_axis_name(axis), key,
				  (long long)ev->model_version, lc_model_name(m));
}

/* Every value an event recorded (the disposition's choices, each value of the
 * state it changed) is known to the model version that judged it. Events
 * that name no model (version 0) are left alone. */
static int check_event_values(lc__verify *v, const lc_event *ev)
{
	static const lc_axis state_axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
					      LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
	const lc_model *m = NULL;
	int rc = 0;

	if (ev->model_version == 0)
		return 0;
	for (int a = 0; a < LC_AXIS_COUNT && !rc; a++) {
		if (!ev->value[a][0])
			continue;
		if (!m && !(m = event_model(v, ev, &rc)))
			return rc;
		if (!model_knows(m, (lc_axis)a, ev->value[a]))
			rc = unknown_value(v, ev, m, (lc_axis)a, ev->value[a]);
	}
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes) && !rc; i++) {
		const char *after = lc_state_get(ev->after, state_axes[i]);
		const char *before = lc_state_get(ev->before, state_axes[i]);
		if (!after || (before && strcmp(before, after) == 0))
			continue;
		if (!m && !(m = event_model(v, ev, &rc)))
			return rc;
		if (!model_knows(m, state_axes[i], after))
			rc = unknown_value(v, ev, m, state_axes[i], after);
	}
	return rc;
}

/* ---- leads ---- */

/* What differs between a lead's stored state and its replay, for a person. */
static void describe_difference(char *b, size_t size, const lc_state *stored,
				const lc_state *replayed)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
					LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
	const char *what = "stage counters";

	for (size_t i = 0; i < LC_ARRAY_LEN(axes); i++) {
		const char *s = lc_state_get(stored, axes[i]), *r = lc_state_get(replayed, axes[i]);
		if ((s == NULL) != (r == NULL) || (s && strcmp(s, r) != 0)) {
			snprintf(b, size, "its %s is '%s' but its history gives '%s'",
				 lc_axis_name(axes[i]), s ? s : "", r ? r : "");
			return;
		}
	}
	if (stored->follow_up != replayed->follow_up)
		what = "follow-up";
	else if (stored->completed_at != replayed->completed_at)
		what = "completion time";
	else if (stored->flags != replayed->flags)
		what = "contact flags";
	snprintf(b, size, "its %s and its history's differ", what);
}

static int check_end(lc__verify *v, const lc_lead *lead, const lc__replay *r)
{
	char rec[40], why[300];

	snprintf(rec, sizeof rec, "lead %lld", (long long)lead->id);
	if (r->seq == 0)
		return lc__verify_problem(v, "history", rec, lead->id, 0, "lead %lld has no history",
					  (long long)lead->id);
	if (lead->version != r->seq)
		return lc__verify_problem(v, "history", rec, lead->id, 0,
					  "lead %lld is at version %lld but its history ends at "
					  "event %lld: events are missing",
					  (long long)lead->id, (long long)lead->version,
					  (long long)r->seq);
	if (lc__state_same(lead->state, r->state, true))
		return 0;
	describe_difference(why, sizeof why, lead->state, r->state);
	return lc__verify_problem(v, "replay", rec, lead->id, 0,
				  "lead %lld does not equal the replay of its history: %s",
				  (long long)lead->id, why);
}

typedef struct lead_pass {
	lc__replay r;
	lc_state *state;
	lc_event *ev;
} lead_pass;

/* A lead's history: replayed (until the first break) and its values checked. */
static int check_lead(lc__verify *v, lead_pass *p, const lc_lead *lead)
{
	lc_db *db = v->db;
	void *cursor = NULL;
	bool broken = false;
	char rec[40];
	int rc;

	if ((rc = lc__replay_init(db, &p->r, p->state)) == 0)
		rc = db->vt.event_iter_open(db->be, lead->id, 0, &cursor);
	if (rc) {
		lc__replay_free(&p->r);
		return rc == LC_ENOMEM ? rc : lc__store_fail(rc, "reading the history");
	}
	for (;;) {
		lc__event_reset(p->ev);
		rc = db->vt.event_iter_next(db->be, cursor, p->ev);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (fatal(rc))
				break;
			snprintf(rec, sizeof rec, "lead %lld", (long long)lead->id);
			rc = lc__verify_problem(v, "record", rec, lead->id, p->ev->id,
						"lead %lld: an event after %lld does not read back: %s",
						(long long)lead->id, (long long)p->r.seq, lc_error_last());
			broken = true;
			break;
		}
		v->counts[C_EVENTS]++;
		if ((rc = check_event_values(v, p->ev)))
			break;
		if (broken || (rc = lc__replay_event(db, &p->r, p->ev)) == 0)
			continue;
		if (rc != LC_ECORRUPT)
			break;
		broken = true;
		snprintf(rec, sizeof rec, "event %lld", (long long)p->ev->id);
		if ((rc = lc__verify_problem(v, p->r.problem, rec, lead->id, p->ev->id, "%s",
					     lc_error_last())))
			break;
	}
	db->vt.iter_close(db->be, cursor);
	lc__replay_free(&p->r);
	if (rc)
		return rc < 0 && !fatal(rc) ? lc__store_fail(rc, "reading the history") : rc;
	return broken ? 0 : check_end(v, lead, &p->r);
}

/* A lead row that does not read back: reported, and the pass goes on after it. */
static int unreadable_lead(lc__verify *v, lc_id id)
{
	char rec[40];

	snprintf(rec, sizeof rec, "lead %lld", (long long)id);
	return lc__verify_problem(v, "record", id > 0 ? rec : "a lead", id > 0 ? id : 0, 0, "%s",
				  lc_error_last());
}

static int check_leads(lc__verify *v)
{
	lc_db *db = v->db;
	lead_pass p = { 0 };
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	const lc_lead *lead;
	lc_id failed_at = -1;
	size_t total = 0, done = 0;
	int rc;

	if ((rc = lc_query_new(&q)) || (rc = lc_query_set_recycled(q, LC_RECYCLED_INCLUDE)) ||
	    (rc = lc_db_count(db, q, &total)) || (rc = lc_state_new(&p.state, db->model)) ||
	    (rc = lc__event_new(&p.ev, db->model)) || (rc = lc_db_query(db, q, &it)))
		goto out;
	lc__db_progress(db, "verify", 0, total);
	while ((rc = lc_lead_iter_next(it, &lead)) != 0) {
		if (rc < 0) {
			lc_id id = lc__lead_iter_id(it);
			/* The iterator goes on after a damaged row; twice at one row is a loop. */
			if (rc != LC_ECORRUPT || id == failed_at)
				break;
			failed_at = id;
			rc = unreadable_lead(v, id);
		} else {
			v->counts[C_LEADS]++;
			rc = check_lead(v, &p, lead);
		}
		if (rc)
			break;
		lc__db_progress(db, "verify", ++done, total);
	}
out:
	lc_lead_iter_free(it);
	lc__event_free(p.ev);
	lc_state_free(p.state);
	lc_query_free(q);
	return rc;
}

/* ---- agents, units, the modules' records ---- */

/* An agent or unit row that does not read back is a problem; the list
 * still hands the others. */
static int count_party(lc__verify *v, bool agents)
{
	lc_table *t = NULL;
	int rc = agents ? lc_db_agents(v->db, 0, &t) : lc_db_units(v->db, 0, &t);

	v->counts[agents ? C_AGENTS : C_UNITS] = (int64_t)lc_table_row_count(t);
	if (rc == LC_ECORRUPT)
		rc = lc__verify_problem(v, "record", agents ? "agents" : "units", 0, 0, "%s",
					lc_error_last());
	lc_table_free(t);
	return rc;
}

static int count_parties(lc__verify *v)
{
	int rc = count_party(v, true);
	return rc ? rc : count_party(v, false);
}

static int check_plugins(lc__verify *v)
{
	const lc__db_plugin *p;
	int rc = 0;

	for (size_t i = 0; i < MAX_PLUGINS && !rc && (p = plugin_at(i)); i++)
		rc = p->verify(v->db, v, &v->counts[C_BUILTIN + i]);
	return rc;
}

/* ---- the result ---- */

static void add_summary(lc__verify *v)
{
	lc__column cols[LC__TABLE_MAX_COLS];
	size_t n = 0, np = 0;
	const lc__db_plugin *p;

	for (size_t i = 0; i < C_BUILTIN; i++)
		cols[n++] = (lc__column){ count_col[i], LC_COLUMN_INT };
	while (np < MAX_PLUGINS && (p = plugin_at(np)) && n < LC__TABLE_MAX_COLS) {
		cols[n++] = (lc__column){ p->count_name, LC_COLUMN_INT };
		np++;
	}
	cols[n++] = (lc__column){ "problems", LC_COLUMN_INT };
	for (size_t i = 0; i < K_BUILTIN + np && n < LC__TABLE_MAX_COLS; i++)
		cols[n++] = (lc__column){ i < K_BUILTIN ? kind_col[i] : plugin_at(i - K_BUILTIN)->problems_name,
					  LC_COLUMN_INT };
	lc__table_add_summary(v->t, cols, n);
	n = 0;
	for (size_t i = 0; i < C_BUILTIN + np; i++)
		lc__table_put_int(v->t->summary, n++, v->counts[i]);
	lc__table_put_int(v->t->summary, n++, v->total);
	for (size_t i = 0; i < K_BUILTIN + np && n < LC__TABLE_MAX_COLS; i++)
		lc__table_put_int(v->t->summary, n++, v->problems[i]);
}

int lc_db_verify(lc_db *db, lc_table **out)
{
	static const lc__column cols[] = { { "kind", LC_COLUMN_TEXT },
					   { "record", LC_COLUMN_TEXT },
					   { "lead", LC_COLUMN_ID },
					   { "event", LC_COLUMN_ID },
					   { "message", LC_COLUMN_TEXT } };
	lc__verify v = { 0 };
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(db, "db");
	v.db = db;
	if ((rc = lc__table_new(&v.t, "verify", cols, LC_ARRAY_LEN(cols))))
		return rc;
	if ((rc = lc__db_txn_begin(db, false)))
		goto out;
	if (!(rc = check_integrity(&v)) && !(rc = check_models(&v)) && !(rc = count_parties(&v)) &&
	    !(rc = check_plugins(&v)) && db->model)
		rc = check_leads(&v);
	rc = lc__db_txn_end(db, rc);
	if (!rc) {
		add_summary(&v);
		rc = lc__table_finish(v.t, out);
		v.t = NULL;
	}
out:
	lc_table_free(v.t);
	for (int64_t i = 0; i < v.nmodels; i++)
		lc_model_free(v.models[i]);
	lc__free(v.models);
	return rc;
}
