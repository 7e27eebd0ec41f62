/* The forwarding test backend (wrap.h). */
#include <stdlib.h>
#include <string.h>

#include "wrap.h"

typedef struct wrap {
	const lc_storage *vt;
	void *be;
} wrap;

static lc_wrap_config cfg;
static struct wrap *current; /* the most recently opened, for lc_wrap_renew() */
static char *current_loc;
static lc_db_options current_opts;

#define HOOK(name)                                                                         \
	do {                                                                               \
		if (cfg.hook) {                                                            \
			int hrc_ = cfg.hook(cfg.ud, name);                                 \
			if (hrc_)                                                          \
				return hrc_;                                               \
		}                                                                          \
	} while (0)

int lc_wrap_resolve(const char *uri, const lc_storage **vt, const char **location)
{
	const char *colon = strchr(uri, ':');
	char scheme[40];
	size_t n;

	*vt = lc_storage_get("sqlite");
	*location = uri;
	if (strcmp(uri, ":memory:") == 0 || !colon || colon == uri)
		return 0;
	n = (size_t)(colon - uri);
	if (n < 2 || n >= sizeof scheme)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = uri[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '-' || c == '.'))
			return 0;
	}
	memcpy(scheme, uri, n);
	scheme[n] = '\0';
	*vt = lc_storage_get(scheme);
	*location = colon + 1;
	return *vt ? 0 : LC_ENOTFOUND;
}

static int w_open(void **be, const char *location, const lc_db_options *opts, void *ud)
{
	const char *inner_loc;
	const lc_storage *vt;
	wrap *w;
	int rc;

	HOOK("open");
	*be = NULL;
	if ((rc = lc_wrap_resolve(location, &vt, &inner_loc)))
		return rc;
	if (!(w = calloc(1, sizeof *w)))
		return LC_ENOMEM;
	w->vt = vt;
	(void)ud;
	if ((rc = vt->open(&w->be, inner_loc, opts, vt->user_data))) {
		free(w);
		return rc;
	}
	*be = w;
	free(current_loc);
	current = w;
	current_loc = strdup(inner_loc);
	current_opts = *opts;
	return current_loc ? 0 : LC_ENOMEM;
}

int lc_wrap_renew(const char *model_json, lc_time at)
{
	void *fresh = NULL;
	int rc;

	if (!current || !current_loc)
		return LC_ESTATE;
	if ((rc = current->vt->open(&fresh, current_loc, &current_opts, current->vt->user_data)))
		return rc;
	current->vt->close(current->be);
	current->be = fresh;
	if (!model_json)
		return 0;
	if ((rc = current->vt->begin(fresh, 1)))
		return rc;
	if ((rc = current->vt->model_put(fresh, 1, at, model_json))) {
		current->vt->rollback(fresh);
		return rc;
	}
	return current->vt->commit(fresh);
}

static void w_close(void *be)
{
	wrap *w = be;

	if (cfg.hook)
		cfg.hook(cfg.ud, "close");
	if (!w)
		return;
	if (w == current)
		current = NULL;
	w->vt->close(w->be);
	free(w);
}

#define W ((wrap *)be)

static int w_begin(void *be, int write)
{
	HOOK("begin");
	return W->vt->begin(W->be, write);
}

static int w_commit(void *be)
{
	/* A failed commit leaves no transaction open (the contract). */
	if (cfg.hook) {
		int rc = cfg.hook(cfg.ud, "commit");
		if (rc) {
			W->vt->rollback(W->be);
			return rc;
		}
	}
	return W->vt->commit(W->be);
}

static int w_rollback(void *be)
{
	/* Rollback must succeed: the hook sees it but cannot fail it. */
	if (cfg.hook)
		cfg.hook(cfg.ud, "rollback");
	return W->vt->rollback(W->be);
}

static int w_lead_get(void *be, lc_id id, lc_lead *out)
{
	HOOK("lead_get");
	return W->vt->lead_get(W->be, id, out);
}

static int w_lead_find(void *be, const char *ext, lc_lead *out)
{
	HOOK("lead_find");
	return W->vt->lead_find(W->be, ext, out);
}

static int w_lead_insert(void *be, lc_lead *lead)
{
	HOOK("lead_insert");
	return W->vt->lead_insert(W->be, lead);
}

static int w_lead_update(void *be, const lc_lead *lead, unsigned int parts)
{
	HOOK("lead_update");
	return W->vt->lead_update(W->be, lead, parts);
}

static int w_note_append(void *be, lc_id lead, lc_time t, const char *author, const char *text)
{
	HOOK("note_append");
	return W->vt->note_append(W->be, lead, t, author, text);
}

static int w_event_append(void *be, lc_event *ev)
{
	HOOK("event_append");
	return W->vt->event_append(W->be, ev);
}

static int w_event_iter_open(void *be, lc_id lead, lc_id after, void **cursor)
{
	HOOK("event_iter_open");
	return W->vt->event_iter_open(W->be, lead, after, cursor);
}

static int w_event_iter_next(void *be, void *cursor, lc_event *out)
{
	HOOK("event_iter_next");
	return W->vt->event_iter_next(W->be, cursor, out);
}

static int w_lead_iter_open(void *be, const lc_query *q, void **cursor)
{
	HOOK("lead_iter_open");
	return W->vt->lead_iter_open(W->be, q, cursor);
}

static int w_lead_iter_next(void *be, void *cursor, lc_lead *out)
{
	HOOK("lead_iter_next");
	return W->vt->lead_iter_next(W->be, cursor, out);
}

static void w_iter_close(void *be, void *cursor)
{
	if (cfg.hook)
		cfg.hook(cfg.ud, "iter_close");
	W->vt->iter_close(W->be, cursor);
}

static int w_model_put(void *be, int64_t version, lc_time at, const char *json)
{
	HOOK("model_put");
	return W->vt->model_put(W->be, version, at, json);
}

static int w_model_get(void *be, int64_t version, const char **json, lc_time *at)
{
	HOOK("model_get");
	return W->vt->model_get(W->be, version, json, at);
}

static int w_model_latest(void *be, int64_t *version)
{
	HOOK("model_latest");
	return W->vt->model_latest(W->be, version);
}

static int w_meta_get(void *be, const char *key, const char **value)
{
	HOOK("meta_get");
	return W->vt->meta_get(W->be, key, value);
}

static int w_meta_set(void *be, const char *key, const char *value)
{
	HOOK("meta_set");
	return W->vt->meta_set(W->be, key, value);
}

static int w_agent_put(void *be, lc_id *id, const char *name, int active)
{
	HOOK("agent_put");
	return W->vt->agent_put(W->be, id, name, active);
}

static int w_agent_list(void *be, lc_id unit, lc_table *out)
{
	HOOK("agent_list");
	return W->vt->agent_list(W->be, unit, out);
}

static int w_unit_put(void *be, lc_id *id, const char *name)
{
	HOOK("unit_put");
	return W->vt->unit_put(W->be, id, name);
}

static int w_unit_list(void *be, lc_id agent, lc_table *out)
{
	HOOK("unit_list");
	return W->vt->unit_list(W->be, agent, out);
}

static int w_member_set(void *be, lc_id unit, lc_id agent, int member)
{
	HOOK("member_set");
	return W->vt->member_set(W->be, unit, agent, member);
}

static int w_count_grouped(void *be, const lc_query *q, const lc_axis *keys, size_t nkeys,
			   lc_group_emit_fn emit, void *ud)
{
	HOOK("count_grouped");
	return W->vt->count_grouped(W->be, q, keys, nkeys, emit, ud);
}

static int w_worklist(void *be, lc_id agent, lc_time day_start, lc_time day_end, size_t limit,
		      lc_worklist_emit_fn emit, void *ud)
{
	HOOK("worklist");
	return W->vt->worklist(W->be, agent, day_start, day_end, limit, emit, ud);
}

static int w_bulk_insert(void *be, lc_lead *const *leads, lc_event *const *events, size_t n)
{
	HOOK("bulk_insert");
	return W->vt->bulk_insert(W->be, leads, events, n);
}

static int w_savepoint(void *be, int op)
{
	HOOK("savepoint");
	return W->vt->savepoint(W->be, op);
}

static int w_lead_find_many(void *be, lc_lead_text_field field, const char *const *keys, size_t n,
			    lc_id *ids)
{
	HOOK("lead_find_many");
	return W->vt->lead_find_many(W->be, field, keys, n, ids);
}

int lc_wrap_register(const char *scheme, const lc_wrap_config *c)
{
	lc_storage vt = LC_STORAGE_INIT;
	const lc_storage *inner = NULL;
	const char *loc;

	cfg = *c;
	if (c->inner_uri && lc_wrap_resolve(c->inner_uri, &inner, &loc))
		inner = NULL;
	vt.open = w_open;
	vt.close = w_close;
	vt.begin = w_begin;
	vt.commit = w_commit;
	vt.rollback = w_rollback;
	vt.lead_get = w_lead_get;
	vt.lead_find = w_lead_find;
	vt.lead_insert = w_lead_insert;
	vt.lead_update = w_lead_update;
	vt.note_append = w_note_append;
	vt.event_append = w_event_append;
	vt.event_iter_open = w_event_iter_open;
	vt.event_iter_next = w_event_iter_next;
	vt.lead_iter_open = w_lead_iter_open;
	vt.lead_iter_next = w_lead_iter_next;
	vt.iter_close = w_iter_close;
	vt.model_put = w_model_put;
	vt.model_get = w_model_get;
	vt.model_latest = w_model_latest;
	vt.meta_get = w_meta_get;
	vt.meta_set = w_meta_set;
	vt.agent_put = w_agent_put;
	vt.agent_list = w_agent_list;
	vt.unit_put = w_unit_put;
	vt.unit_list = w_unit_list;
	vt.member_set = w_member_set;
	if (!c->hide_optional && inner) {
		vt.count_grouped = inner->count_grouped ? w_count_grouped : NULL;
		vt.worklist = inner->worklist ? w_worklist : NULL;
		vt.bulk_insert = inner->bulk_insert ? w_bulk_insert : NULL;
		vt.lead_find_many = inner->lead_find_many ? w_lead_find_many : NULL;
	}
	/* Not an answer the core can make itself: forwarded whenever there is one. */
	if (inner)
		vt.savepoint = inner->savepoint ? w_savepoint : NULL;
	if (lc_storage_get(scheme))
		lc_storage_unregister(scheme);
	return lc_storage_register(scheme, &vt);
}
