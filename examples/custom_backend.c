/*
 * custom_backend: how to write a storage backend, shown with the smallest
 * useful one: a wrapper that logs every call to stderr and forwards it to a
 * backend that already exists (SQLite or memory).
 *
 *   custom_backend [sqlite|memory] [LOCATION]
 *
 * It registers the scheme "logging", opens "logging:LOCATION" (":memory:"
 * for SQLite by default), installs a small model, stores a lead, applies a
 * disposition, reads the history back and checks what it got. Only the
 * public headers are used: leadcore.h and, for backend authors,
 * leadcore/sys/storage.h. The wrapper keeps no globals: what it wraps and
 * counts lives in the registration's user_data, which every open receives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leadcore/leadcore.h>
#include <leadcore/sys/storage.h>

/* The registration's own data (the vtable's user_data): the backend it
 * wraps and what it counted. A backend keeps no static state, so the same
 * code can be registered twice, over two backends. */
typedef struct wrapper {
	const lc_storage *inner;
	long calls;
} wrapper;

/* The wrapper's handle: its registration and the inner backend's handle. */
typedef struct logging {
	wrapper *w;
	void *be;
} logging;

#define W(be) (((logging *)(be))->w)
#define INNER(be) (W(be)->inner)
#define IN(be) (((logging *)(be))->be)

/* Log a call and what it returned. */
static int logged(wrapper *w, const char *slot, int rc)
{
	w->calls++;
	if (rc < 0)
		fprintf(stderr, "logging: %s -> %s\n", slot, lc_error_name(rc));
	else
		fprintf(stderr, "logging: %s -> %d\n", slot, rc);
	return rc;
}

static int lg_open(void **be, const char *location, const lc_db_options *opts, void *user_data)
{
	wrapper *w = user_data;
	logging *l = calloc(1, sizeof *l);
	int rc;

	*be = NULL;
	if (!l)
		return LC_ENOMEM;
	l->w = w;
	/* The inner backend gets its own registration's data. */
	rc = w->inner->open(&l->be, location, opts, w->inner->user_data);
	if (rc) {
		free(l);
		return logged(w, "open", rc);
	}
	*be = l;
	return logged(w, "open", 0);
}

static void lg_close(void *be)
{
	wrapper *w;

	if (!be)
		return;
	w = W(be);
	INNER(be)->close(IN(be));
	free(be);
	logged(w, "close", 0);
}

static int lg_begin(void *be, int write)
{
	return logged(W(be), write ? "begin(write)" : "begin(read)", INNER(be)->begin(IN(be), write));
}

static int lg_commit(void *be)
{
	return logged(W(be), "commit", INNER(be)->commit(IN(be)));
}

static int lg_rollback(void *be)
{
	return logged(W(be), "rollback", INNER(be)->rollback(IN(be)));
}

static int lg_lead_get(void *be, lc_id id, lc_lead *out)
{
	return logged(W(be), "lead_get", INNER(be)->lead_get(IN(be), id, out));
}

static int lg_lead_find(void *be, const char *ext, lc_lead *out)
{
	return logged(W(be), "lead_find", INNER(be)->lead_find(IN(be), ext, out));
}

static int lg_lead_insert(void *be, lc_lead *lead)
{
	return logged(W(be), "lead_insert", INNER(be)->lead_insert(IN(be), lead));
}

static int lg_lead_update(void *be, const lc_lead *lead, unsigned int parts)
{
	return logged(W(be), "lead_update", INNER(be)->lead_update(IN(be), lead, parts));
}

static int lg_note_append(void *be, lc_id lead, lc_time t, const char *author, const char *text)
{
	return logged(W(be), "note_append", INNER(be)->note_append(IN(be), lead, t, author, text));
}

static int lg_event_append(void *be, lc_event *ev)
{
	return logged(W(be), "event_append", INNER(be)->event_append(IN(be), ev));
}

static int lg_event_iter_open(void *be, lc_id lead, lc_id after, void **cursor)
{
	return logged(W(be), "event_iter_open", INNER(be)->event_iter_open(IN(be), lead, after, cursor));
}

static int lg_event_iter_next(void *be, void *cursor, lc_event *out)
{
	return logged(W(be), "event_iter_next", INNER(be)->event_iter_next(IN(be), cursor, out));
}

static int lg_lead_iter_open(void *be, const lc_query *q, void **cursor)
{
	return logged(W(be), "lead_iter_open", INNER(be)->lead_iter_open(IN(be), q, cursor));
}

static int lg_lead_iter_next(void *be, void *cursor, lc_lead *out)
{
	return logged(W(be), "lead_iter_next", INNER(be)->lead_iter_next(IN(be), cursor, out));
}

static void lg_iter_close(void *be, void *cursor)
{
	INNER(be)->iter_close(IN(be), cursor);
	logged(W(be), "iter_close", 0);
}

static int lg_model_put(void *be, int64_t version, lc_time at, const char *json)
{
	return logged(W(be), "model_put", INNER(be)->model_put(IN(be), version, at, json));
}

static int lg_model_get(void *be, int64_t version, const char **json, lc_time *at)
{
	return logged(W(be), "model_get", INNER(be)->model_get(IN(be), version, json, at));
}

static int lg_model_latest(void *be, int64_t *version)
{
	return logged(W(be), "model_latest", INNER(be)->model_latest(IN(be), version));
}

static int lg_meta_get(void *be, const char *key, const char **value)
{
	return logged(W(be), "meta_get", INNER(be)->meta_get(IN(be), key, value));
}

static int lg_meta_set(void *be, const char *key, const char *value)
{
	return logged(W(be), "meta_set", INNER(be)->meta_set(IN(be), key, value));
}

static int lg_agent_put(void *be, lc_id *id, const char *name, int active)
{
	return logged(W(be), "agent_put", INNER(be)->agent_put(IN(be), id, name, active));
}

static int lg_agent_list(void *be, lc_id unit, lc_table *out)
{
	return logged(W(be), "agent_list", INNER(be)->agent_list(IN(be), unit, out));
}

static int lg_unit_put(void *be, lc_id *id, const char *name)
{
	return logged(W(be), "unit_put", INNER(be)->unit_put(IN(be), id, name));
}

static int lg_unit_list(void *be, lc_id agent, lc_table *out)
{
	return logged(W(be), "unit_list", INNER(be)->unit_list(IN(be), agent, out));
}

static int lg_member_set(void *be, lc_id unit, lc_id agent, int member)
{
	return logged(W(be), "member_set", INNER(be)->member_set(IN(be), unit, agent, member));
}

static int lg_count_grouped(void *be, const lc_query *q, const lc_axis *keys, size_t nkeys,
			    lc_group_emit_fn emit, void *ud)
{
	return logged(W(be), "count_grouped", INNER(be)->count_grouped(IN(be), q, keys, nkeys, emit, ud));
}

static int lg_worklist(void *be, lc_id agent, lc_time day_start, lc_time day_end, size_t limit,
		       lc_worklist_emit_fn emit, void *ud)
{
	return logged(W(be), "worklist",
		      INNER(be)->worklist(IN(be), agent, day_start, day_end, limit, emit, ud));
}

static int lg_bulk_insert(void *be, lc_lead *const *leads, lc_event *const *events, size_t n)
{
	return logged(W(be), "bulk_insert", INNER(be)->bulk_insert(IN(be), leads, events, n));
}

/* Fill the vtable and register it. An optional slot is set only where the
 * wrapped backend has it: a NULL slot makes the core do the work instead. */
static int register_logging(wrapper *w, const char *inner_scheme)
{
	const lc_storage *inner = lc_storage_get(inner_scheme);
	lc_storage vt;
	int rc;

	w->inner = inner;
	if (!inner) {
		fprintf(stderr, "custom_backend: no backend is registered as '%s'\n", inner_scheme);
		return LC_ENOTFOUND;
	}
	if ((rc = lc_storage_init(&vt, LC_STORAGE_VERSION)))
		return rc;
	vt.user_data = w;
	vt.open = lg_open;
	vt.close = lg_close;
	vt.begin = lg_begin;
	vt.commit = lg_commit;
	vt.rollback = lg_rollback;
	vt.lead_get = lg_lead_get;
	vt.lead_find = lg_lead_find;
	vt.lead_insert = lg_lead_insert;
	vt.lead_update = lg_lead_update;
	vt.note_append = lg_note_append;
	vt.event_append = lg_event_append;
	vt.event_iter_open = lg_event_iter_open;
	vt.event_iter_next = lg_event_iter_next;
	vt.lead_iter_open = lg_lead_iter_open;
	vt.lead_iter_next = lg_lead_iter_next;
	vt.iter_close = lg_iter_close;
	vt.model_put = lg_model_put;
	vt.model_get = lg_model_get;
	vt.model_latest = lg_model_latest;
	vt.meta_get = lg_meta_get;
	vt.meta_set = lg_meta_set;
	vt.agent_put = lg_agent_put;
	vt.agent_list = lg_agent_list;
	vt.unit_put = lg_unit_put;
	vt.unit_list = lg_unit_list;
	vt.member_set = lg_member_set;
	vt.count_grouped = inner->count_grouped ? lg_count_grouped : NULL;
	vt.worklist = inner->worklist ? lg_worklist : NULL;
	vt.bulk_insert = inner->bulk_insert ? lg_bulk_insert : NULL;
	return lc_storage_register("logging", &vt);
}

static const char model_json[] =
	"{\"format\": 1, \"name\": \"example\", \"version\": 1,"
	" \"actions\": [{\"label\": \"Call\"}, {\"label\": \"Email\"}],"
	" \"milestones\": [{\"label\": \"New\"}, {\"label\": \"Contacted\"}],"
	" \"statuses\": [{\"label\": \"Open\", \"lifecycle\": \"open\"}],"
	" \"lifecycles\": [{\"label\": \"Open\"}]}";

static int fail(const char *what, int rc)
{
	fprintf(stderr, "custom_backend: %s: %s (%s)\n", what, lc_error_last(), lc_error_name(rc));
	return 1;
}

int main(int argc, char **argv)
{
	const char *scheme = argc > 1 ? argv[1] : "sqlite";
	const char *location = argc > 2 ? argv[2] : (strcmp(scheme, "sqlite") == 0 ? ":memory:" : "");
	char uri[1024];
	lc_model *model = NULL;
	lc_lead *lead = NULL, *got = NULL;
	lc_disposition *d = NULL;
	lc_event_iter *it = NULL;
	const lc_event *ev;
	wrapper w = { NULL, 0 };
	lc_db *db = NULL;
	lc_id id = 0;
	int rc, events = 0, status = 1;

	if ((rc = register_logging(&w, scheme)))
		return fail("registering the logging backend", rc);
	snprintf(uri, sizeof uri, "logging:%s", location);
	if ((rc = lc_db_open(&db, uri, NULL)))
		return fail("opening the store", rc);
	if ((rc = lc_model_load_string(&model, model_json, "example model")) ||
	    (rc = lc_db_install_model(db, model, NULL))) {
		fail("installing the model", rc);
		goto out;
	}
	if ((rc = lc_lead_new(&lead)) || (rc = lc_lead_set_text(lead, LC_LEAD_NAME, "Ada")) ||
	    (rc = lc_db_lead_create(db, lead, &id))) {
		fail("storing a lead", rc);
		goto out;
	}
	if ((rc = lc_disposition_new(&d, lc_db_model(db))) ||
	    (rc = lc_disposition_set(d, LC_AXIS_ACTION, "Call")) ||
	    (rc = lc_disposition_set(d, LC_AXIS_MILESTONE, "Contacted")) ||
	    (rc = lc_disposition_set(d, LC_AXIS_STATUS, "Open")) ||
	    (rc = lc_db_apply(db, id, d, 1, NULL, NULL))) {
		fail("applying a disposition", rc);
		goto out;
	}
	if ((rc = lc_db_lead_get(db, id, &got))) {
		fail("reading the lead back", rc);
		goto out;
	}
	if ((rc = lc_db_history(db, id, &it))) {
		fail("reading the history", rc);
		goto out;
	}
	while ((rc = lc_event_iter_next(it, &ev)) == 1)
		events++;
	if (rc < 0) {
		fail("reading the history", rc);
		goto out;
	}
	/* What went through the wrapper must be what a plain store gives. */
	if (lc_lead_number(got, LC_LEAD_NUM_VERSION) != 2 || events != 2 ||
	    strcmp(lc_state_get(lc_lead_state(got), LC_AXIS_MILESTONE), "contacted") != 0) {
		fprintf(stderr, "custom_backend: unexpected store contents (version %lld, %d events)\n",
			(long long)lc_lead_number(got, LC_LEAD_NUM_VERSION), events);
		goto out;
	}
	printf("lead %lld: %s, version %lld, %d events, %ld backend calls logged\n", (long long)id,
	       lc_state_get(lc_lead_state(got), LC_AXIS_MILESTONE), (long long)lc_lead_number(got, LC_LEAD_NUM_VERSION),
	       events, w.calls);
	status = 0;
out:
	lc_event_iter_free(it);
	lc_disposition_free(d);
	lc_lead_free(got);
	lc_lead_free(lead);
	lc_model_free(model);
	lc_db_close(db);
	lc_storage_unregister("logging");
	return status;
}
