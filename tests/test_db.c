/* lc_db: models, leads, apply, transactions, history, replay, ownership,
 * queries and model upgrades, through the default (SQLite, in memory) store. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "leadcore/leadcore.h"
#include "support/lead_entry.h"
#include "leadcore/sys/storage.h"
#include "store/db_internal.h"

/* A clock the tests move by hand. */
static lc_time now_value = 1767225600; /* 2026-01-01T00:00:00Z */

static lc_time test_clock(void *ud)
{
	(void)ud;
	return now_value;
}

typedef struct fx {
	lc_db *db;
	const lc_model *m;
	lc_disposition *d;
	lc_violations *v;
} fx;

/* The store under test: SQLite in memory, or $LC_TEST_STORE (memory:, a path). */
static const char *store_uri(void)
{
	const char *uri = getenv("LC_TEST_STORE");
	return uri && uri[0] ? uri : ":memory:";
}

static lc_db *open_store(const char *uri)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;

	o.clock = test_clock;
	assert_int_equal(lc_db_open(&db, uri, &o), 0);
	return db;
}

static void install_preset(lc_db *db, const char *name)
{
	lc_model *m;
	int64_t version = 0;

	assert_int_equal(lc_model_preset(&m, name), 0);
	assert_int_equal(lc_db_install_model(db, m, &version), 0);
	assert_true(version >= 1);
	lc_model_free(m);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);

	now_value = 1767225600;
	f->db = open_store(store_uri());
	install_preset(f->db, "leadmanager");
	f->m = lc_db_model(f->db);
	assert_non_null(f->m);
	assert_int_equal(lc_disposition_new(&f->d, f->m), 0);
	assert_int_equal(lc_violations_new(&f->v), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;

	lc_disposition_free(f->d);
	lc_violations_free(f->v);
	lc_db_close(f->db);
	free(f);
	return 0;
}

static lc_id new_lead(lc_db *db, const char *name)
{
	lc_lead *l;
	lc_id id = 0;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, name), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	assert_true(id > 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), id);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 1);
	lc_lead_free(l);
	return id;
}

static int64_t version_of(lc_db *db, lc_id id)
{
	lc_lead *l;
	int64_t v;

	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	v = lc_lead_number(l, LC_LEAD_NUM_VERSION);
	lc_lead_free(l);
	return v;
}

static size_t event_count(lc_db *db, lc_id id)
{
	lc_event_iter *it;
	const lc_event *ev;
	size_t n = 0;

	assert_int_equal(lc_db_history(db, id, &it), 0);
	while (lc_event_iter_next(it, &ev) == 1)
		n++;
	lc_event_iter_free(it);
	return n;
}

static void contacted_hot(fx *f, lc_time follow_up)
{
	lc_disposition_reset(f->d);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, "call"), 0);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_MILESTONE, "contacted"), 0);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc_disposition_set_follow_up(f->d, follow_up), 0);
}

static const char *ev_state(const lc_event *ev, lc_axis axis, int after)
{
	return lc_state_get(after ? lc_event_state(ev, 1) : lc_event_state(ev, 0), axis);
}

/* ---- opening ---- */

static void test_open_bad_arguments(void **state)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = (lc_db *)1;

	(void)state;
	assert_int_equal(lc_db_open(NULL, ":memory:", NULL), LC_EINVAL);
	assert_int_equal(lc_db_open(&db, NULL, NULL), LC_EINVAL);
	assert_null(db);
	assert_int_equal(lc_db_open(&db, "", NULL), LC_EINVAL);
	assert_int_equal(lc_db_open(&db, "\xff\xfe", NULL), LC_EINVAL);
	o.version = 99;
	assert_int_equal(lc_db_open(&db, ":memory:", &o), LC_EVERSION);
	assert_non_null(strstr(lc_error_last(), "version"));
	o.version = LC_DB_OPTIONS_VERSION;
	o.busy_timeout_ms = -1;
	assert_int_equal(lc_db_open(&db, ":memory:", &o), LC_EINVAL);
	o.busy_timeout_ms = 10;
	o.flags = 0x100;
	assert_int_equal(lc_db_open(&db, ":memory:", &o), LC_EINVAL);
	assert_int_equal(lc_db_open(&db, "nosuchscheme:x", NULL), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "nosuchscheme"));
	assert_null(db);
	assert_int_equal(lc_db_options_init(&o, 0), LC_EVERSION);
	assert_int_equal(lc_db_options_init(NULL, 1), LC_EINVAL);
	assert_int_equal(lc_db_options_init(&o, LC_DB_OPTIONS_VERSION), 0);
	assert_int_equal(o.busy_timeout_ms, 5000);
	assert_int_equal(o.flags, LC_DB_CREATE);
	lc_db_close(NULL);
}

static void test_open_memory_forms(void **state)
{
	lc_db *db;

	(void)state;
	assert_int_equal(lc_db_open(&db, ":memory:", NULL), 0);
	assert_null(lc_db_model(db));
	assert_int_equal(lc_db_model_version(db), 0);
	lc_db_close(db);
	assert_int_equal(lc_db_open(&db, "sqlite::memory:", NULL), 0);
	lc_db_close(db);
}

static void test_clock_and_actor(void **state)
{
	fx *f = *state;
	char big[300];

	assert_int_equal(lc_db_now(f->db), now_value);
	now_value += 10;
	assert_int_equal(lc_db_now(f->db), now_value);
	assert_int_equal(lc_db_now(NULL), LC_TIME_NONE);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(lc_db_set_actor(f->db, big), LC_ERANGE);
	assert_int_equal(lc_db_set_actor(f->db, "\xc3\x28"), LC_EINVAL);
	assert_int_equal(lc_db_set_actor(f->db, "alice"), 0);
	assert_int_equal(lc_db_set_actor(f->db, NULL), 0);
}

/* ---- models ---- */

static void test_models_need_install(void **state)
{
	lc_db *db = open_store(store_uri());
	lc_lead *l;
	lc_query *q;
	lc_lead_iter *it;

	(void)state;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_db_lead_create(db, l, NULL), LC_ESTATE);
	assert_non_null(strstr(lc_error_last(), "model"));
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), 0);
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_db_query(db, q, &it), LC_ESTATE);
	lc_query_free(q);
	lc_lead_free(l);
	lc_db_close(db);
}

/* lc_db_verify() finds nothing, and counts what it checked. */
static void verify_clean(lc_db *db, int64_t leads, int64_t models)
{
	lc_table *t = NULL;
	int rc = lc_db_verify(db, &t);

	if (rc)
		fail_msg("lc_db_verify: %s", lc_error_last());
	for (size_t i = 0; i < lc_table_row_count(t); i++)
		print_error("%s: %s\n", lc_table_text_named(t, i, "record"),
			    lc_table_text_named(t, i, "message"));
	assert_int_equal(lc_table_row_count(t), 0);
	assert_int_equal(lc_table_int_named(lc_table_summary(t), 0, "problems"), 0);
	assert_int_equal(lc_table_int_named(lc_table_summary(t), 0, "leads"), leads);
	assert_int_equal(lc_table_int_named(lc_table_summary(t), 0, "models"), models);
	lc_table_free(t);
}

/* History across model versions: a lead disposed under particle, assigned
 * while crm (which knows none of its values) is installed, then read under
 * particle again replays to its stored state (fuzz finding
 * replay-after-model-change). */
static void test_replay_across_models(void **state)
{
	lc_db *db = open_store(store_uri());
	lc_disposition *d;
	lc_state *st;
	lc_lead *l;
	lc_id id, unit = 0, agent = 0;
	(void)state;

	install_preset(db, "particle");
	id = new_lead(db, "Across");
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, "call"), 0);
	/* A repeatable stage, so that the state carries a counter too. */
	assert_int_equal(lc_disposition_set(d, LC_AXIS_STAGE, "periodic_check_in"), 0);
	assert_int_equal(lc_disposition_set_outcome(d, LC_OUTCOME_PROGRESSING), 0);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	lc_disposition_free(d);

	install_preset(db, "crm");
	assert_int_equal(lc_db_unit_add(db, "east", &unit), 0);
	assert_int_equal(lc_db_agent_add(db, "ann", &agent), 0);
	assert_int_equal(lc_db_unit_join(db, unit, agent), 0);
	if (lc_db_lead_assign(db, id, unit, agent) != 0)
		fail_msg("assign: %s", lc_error_last());
	/* Under crm the particle values are unknown but kept. */
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STAGE), "periodic_check_in");
	lc_lead_free(l);
	assert_int_equal(lc_state_new(&st, lc_db_model(db)), 0);
	assert_int_equal(lc_db_replay(db, id, st), 0);
	/* A lead created next starts from an empty state, not from what the
	 * store's reused event held last (regression: replay-stale-counts). */
	{
		lc_id fresh = new_lead(db, "After");
		assert_int_equal(lc_db_replay(db, fresh, st), 0);
	}
	lc_state_free(st);
	/* Values an older model version recorded are not unknown values. */
	verify_clean(db, 2, 2);

	install_preset(db, "particle");
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_state_new(&st, lc_db_model(db)), 0);
	assert_int_equal(lc_db_replay(db, id, st), 0);
	assert_int_equal(lc_state_equal(st, lc_lead_state(l)), 1);
	assert_string_equal(lc_state_get(st, LC_AXIS_STAGE), "periodic_check_in");
	assert_string_equal(lc_state_get(st, LC_AXIS_PHASE), "customer");
	assert_int_equal(lc_state_stage_entries(st, "periodic_check_in"), 1);
	lc_state_free(st);
	lc_lead_free(l);
	verify_clean(db, 2, 3);
	/* Inside an explicit transaction too: verify joins it and writes nothing. */
	assert_int_equal(lc_db_begin(db), 0);
	assert_int_equal(lc_db_lead_recycle(db, id), 0);
	verify_clean(db, 2, 3);
	assert_int_equal(lc_db_rollback(db), 0);
	lc_db_close(db);
}

static void test_model_versions(void **state)
{
	lc_db *db = open_store(store_uri());
	lc_model *m, *back;
	int64_t v = 0;
	lc_time at = 0;

	(void)state;
	assert_int_equal(lc_db_install_model(db, NULL, &v), LC_EINVAL);
	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_db_install_model(db, m, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(lc_db_model_version(db), 1);
	assert_string_equal(lc_model_name(lc_db_model(db)), lc_model_name(m));
	/* The store keeps its own copy. */
	assert_ptr_not_equal(lc_db_model(db), m);
	lc_model_free(m);
	assert_int_equal(lc_model_preset(&m, "conversica"), 0);
	now_value += 100;
	assert_int_equal(lc_db_install_model(db, m, &v), 0);
	assert_int_equal(v, 2);
	assert_string_equal(lc_model_name(lc_db_model(db)), lc_model_name(m));
	lc_model_free(m);

	assert_int_equal(lc_db_model_get(db, 1, &back, &at), 0);
	assert_string_equal(lc_model_name(back), "leadmanager");
	assert_int_equal(at, now_value - 100);
	lc_model_free(back);
	assert_int_equal(lc_db_model_get(db, 3, &back, NULL), LC_ENOTFOUND);
	assert_null(back);
	assert_int_equal(lc_db_model_get(db, 0, &back, NULL), LC_EINVAL);
	assert_int_equal(lc_db_model_get(db, 1, NULL, NULL), LC_EINVAL);
	lc_db_close(db);
}

/* ---- leads ---- */

static void test_lead_create_get(void **state)
{
	fx *f = *state;
	lc_lead *l, *back;
	lc_id id = 0;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, "crm-1"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, "Ada Lovelace"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EMAIL, "ada@example.org"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SOURCE, "web"), 0);
	assert_int_equal(lc_lead_set_probability(l, 40), 0);
	assert_int_equal(lc_lead_set_amount(l, 123456, "EUR"), 0);
	assert_int_equal(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, now_value + 86400), 0);
	assert_int_equal(lc_lead_product_add(l, "Home policy", "wants a quote"), 0);
	assert_int_equal(lc_lead_name_add(l, LC_LEAD_TEAM, "bob"), 0);
	assert_int_equal(lc_lead_name_add(l, LC_LEAD_COMPETITORS, "Acme"), 0);
	assert_int_equal(lc_lead_activity_add(l, "call back", now_value + 3600, "bob"), 0);
	assert_int_equal(lc_lead_attr_set(l, "region", "north"), 0);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_EMAIL, 1), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), id);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_CREATED_AT), now_value);
	assert_ptr_equal(lc_lead_model(l), f->m);
	/* Creating the same record twice is refused. */
	assert_int_equal(lc_db_lead_create(f->db, l, NULL), LC_ESTATE);

	assert_int_equal(lc_db_lead_get(f->db, id, &back), 0);
	assert_string_equal(lc_lead_text(back, LC_LEAD_NAME), "Ada Lovelace");
	assert_string_equal(lc_lead_text(back, LC_LEAD_EXTERNAL_ID), "crm-1");
	assert_string_equal(lc_lead_text(back, LC_LEAD_EMAIL), "ada@example.org");
	assert_null(lc_lead_text(back, LC_LEAD_PHONE));
	assert_int_equal((int32_t)lc_lead_number(back, LC_LEAD_NUM_PROBABILITY), 40);
	assert_int_equal(lc_lead_number(back, LC_LEAD_NUM_AMOUNT), 123456);
	assert_string_equal(lc_lead_currency(back), "EUR");
	assert_int_equal(lc_lead_date(back, LC_LEAD_EXPECTED_COMPLETION), now_value + 86400);
	/* seed 003: the start is the date the request was first saved */
	assert_int_equal(lc_lead_date(back, LC_LEAD_START), now_value);
	assert_int_equal(lc_lead_duration(back, LC_LEAD_ESTIMATED_COMPLETION_TIME, LC_TIME_NONE), 86400);
	assert_int_equal(lc_lead_list_count(back, LC_LEAD_PRODUCTS), 1);
	assert_string_equal(lead_entry(back, LC_LEAD_PRODUCTS, 0).text, "Home policy");
	assert_string_equal(lead_entry(back, LC_LEAD_PRODUCTS, 0).detail, "wants a quote");
	assert_string_equal(lead_entry(back, LC_LEAD_TEAM, 0).text, "bob");
	assert_string_equal(lead_entry(back, LC_LEAD_COMPETITORS, 0).text, "Acme");
	assert_string_equal(lead_entry(back, LC_LEAD_ACTIVITIES, 0).text, "call back");
	assert_int_equal(lead_entry(back, LC_LEAD_ACTIVITIES, 0).time, now_value + 3600);
	assert_string_equal(lead_entry(back, LC_LEAD_ACTIVITIES, 0).detail, "bob");
	assert_string_equal(lc_lead_attr_get(back, "region"), "north");
	assert_int_equal((uint32_t)lc_lead_number(back, LC_LEAD_NUM_FLAGS), LC_LEAD_DO_NOT_EMAIL);
	assert_int_equal(lc_state_flags(lc_lead_state(back)) & LC_STATE_DO_NOT_EMAIL,
			 LC_STATE_DO_NOT_EMAIL);
	assert_int_equal(lc_lead_number(back, LC_LEAD_NUM_VERSION), 1);
	assert_int_equal(lc_lead_number(back, LC_LEAD_NUM_TOUCHED_AT), LC_TIME_NONE);
	assert_int_equal(lc_lead_duration(back, LC_LEAD_TIME_TO_COMPLETION, lc_db_now(f->db)), 86400);
	lc_lead_free(back);

	assert_int_equal(lc_db_lead_find(f->db, "crm-1", &back), 0);
	assert_int_equal(lc_lead_number(back, LC_LEAD_NUM_ID), id);
	lc_lead_free(back);
	assert_int_equal(lc_db_lead_find(f->db, "nope", &back), LC_ENOTFOUND);
	assert_null(back);
	assert_int_equal(lc_db_lead_get(f->db, id + 100, &back), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "no lead"));
	assert_int_equal(lc_db_lead_get(f->db, 0, &back), LC_EINVAL);
	assert_int_equal(lc_db_lead_get(f->db, id, NULL), LC_EINVAL);

	/* The external id is unique per store. */
	lc_lead_free(l);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, "crm-1"), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), LC_EEXISTS);
	assert_non_null(strstr(lc_error_last(), "crm-1"));
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 0);
	lc_lead_free(l);
}

static void test_lead_create_with_state(void **state)
{
	fx *f = *state;
	lc_lead *l, *back;
	lc_state *s;
	lc_model *other;
	lc_id id;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_bind(l, f->m), 0);
	assert_int_equal(lc_state_new(&s, f->m), 0);
	/* no_milestone + hot is not linked: refused, nothing stored. */
	assert_int_equal(lc_state_set(s, LC_AXIS_MILESTONE, "no_milestone"), 0);
	assert_int_equal(lc_state_set(s, LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc_lead_set_state(l, s), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), LC_EINVALID);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), 0);
	assert_int_equal(lc_state_set(s, LC_AXIS_STATUS, "new"), 0);
	assert_int_equal(lc_lead_set_state(l, s), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &back), 0);
	assert_string_equal(lc_state_get(lc_lead_state(back), LC_AXIS_STATUS), "new");
	assert_string_equal(lc_state_get(lc_lead_state(back), LC_AXIS_MILESTONE), "no_milestone");
	lc_lead_free(back);
	lc_lead_free(l);

	/* A record bound to another model is refused. */
	assert_int_equal(lc_model_preset(&other, "leadmanager"), 0);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_bind(l, other), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), LC_EINVAL);
	lc_lead_free(l);
	lc_model_free(other);
	lc_state_free(s);
}

/* A model that flags initial values puts every new lead there; the create
 * event records it, so replay agrees. A lead created with a state keeps it. */
static void test_lead_create_initial(void **state)
{
	static const char json[] =
		"{\"format\": 1, \"name\": \"start\", \"version\": 1,"
		" \"actions\": [{\"label\": \"Call\", \"flags\": [\"contact\", \"phone\"]}],"
		" \"milestones\": [{\"label\": \"No Milestone\", \"flags\": [\"initial\"]},"
		"                  {\"label\": \"Contacted\"}],"
		" \"statuses\": [{\"label\": \"New\", \"flags\": [\"initial\"]}, {\"label\": \"Hot\"}],"
		" \"links\": {\"contacted\": [\"hot\"]}}";
	lc_db *db = open_store(store_uri());
	lc_model *m;
	lc_lead *l;
	lc_state *replayed;
	lc_event_iter *it;
	const lc_event *ev;
	lc_id id = 0, placed = 0;
	(void)state;

	assert_int_equal(lc_model_load_string(&m, json, "start.json"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	id = new_lead(db, "fresh");
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE), "no_milestone");
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "new");
	lc_lead_free(l);
	assert_int_equal(lc_db_history(db, id, &it), 0);
	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_CREATE);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_LEAD), id);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_SEQ), 1);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP), LC_TIME_NONE);
	assert_int_equal(lc_event_number(ev, (lc_event_number_field)99), 0);
	/* Never fails: a NULL event gives each field's "none". */
	assert_int_equal(lc_event_number(NULL, LC_EVENT_NUM_ID), 0);
	assert_int_equal(lc_event_number(NULL, LC_EVENT_NUM_TIME), LC_TIME_NONE);
	assert_int_equal(lc_event_number(NULL, LC_EVENT_NUM_OUTCOME), LC_OUTCOME_NONE);
	assert_int_equal(lc_event_number(NULL, LC_EVENT_NUM_KIND), LC_EVENT_SYSTEM);
	lc_event_iter_free(it);
	assert_int_equal(lc_state_new(&replayed, lc_db_model(db)), 0);
	assert_int_equal(lc_db_replay(db, id, replayed), 0);
	assert_string_equal(lc_state_get(replayed, LC_AXIS_STATUS), "new");
	lc_state_free(replayed);

	/* A caller's own starting state wins over the model's. */
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_bind(l, lc_db_model(db)), 0);
	assert_int_equal(lc_state_new(&replayed, lc_db_model(db)), 0);
	assert_int_equal(lc_state_set(replayed, LC_AXIS_MILESTONE, "contacted"), 0);
	assert_int_equal(lc_state_set(replayed, LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc_lead_set_state(l, replayed), 0);
	lc_state_free(replayed);
	assert_int_equal(lc_db_lead_create(db, l, &placed), 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_get(db, placed, &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE), "contacted");
	lc_lead_free(l);
	lc_db_close(db);
}

static void test_lead_update(void **state)
{
	fx *f = *state;
	lc_lead *a, *b, *back;
	lc_id id = new_lead(f->db, "Grace");

	assert_int_equal(lc_db_lead_get(f->db, id, &a), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &b), 0);
	assert_int_equal(lc_lead_set_text(a, LC_LEAD_PHONE, "+1 555 0100"), 0);
	assert_int_equal(lc_lead_set_flag(a, LC_LEAD_DO_NOT_CALL, 1), 0);
	assert_int_equal(lc_lead_name_add(a, LC_LEAD_TEAM, "carol"), 0);
	assert_int_equal(lc_db_lead_update(f->db, a, 1), 0);
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_VERSION), 2);
	{
		/* The update event says what changed. */
		lc_event_iter *it;
		const lc_event *ev;
		assert_int_equal(lc_db_history(f->db, id, &it), 0);
		assert_int_equal(lc_event_iter_next(it, &ev), 1);
		assert_int_equal(lc_event_iter_next(it, &ev), 1);
		assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_UPDATE);
		assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_NOTE), "changed: phone, do_not_call, team");
		assert_int_equal(lc_state_flags(lc_event_state(ev, 0)), 0);
		assert_int_equal(lc_state_flags(lc_event_state(ev, 1)), LC_STATE_DO_NOT_CALL);
		lc_event_iter_free(it);
	}
	/* b is stale now. */
	assert_int_equal(lc_lead_set_text(b, LC_LEAD_PHONE, "+1 555 0199"), 0);
	assert_int_equal(lc_db_lead_update(f->db, b, lc_lead_number(b, LC_LEAD_NUM_VERSION)), LC_ECONFLICT);
	assert_non_null(strstr(lc_error_last(), "version 2"));
	assert_int_equal(lc_lead_number(b, LC_LEAD_NUM_VERSION), 1);
	assert_int_equal(lc_db_lead_get(f->db, id, &back), 0);
	assert_string_equal(lc_lead_text(back, LC_LEAD_PHONE), "+1 555 0100");
	assert_int_equal((uint32_t)lc_lead_number(back, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_CALL, LC_LEAD_DO_NOT_CALL);
	assert_string_equal(lead_entry(back, LC_LEAD_TEAM, 0).text, "carol");
	assert_int_equal(lc_lead_number(back, LC_LEAD_NUM_VERSION), 2);
	lc_lead_free(back);
	/* -1: no check, last write wins. */
	assert_int_equal(lc_db_lead_update(f->db, b, -1), 0);
	assert_int_equal(lc_lead_number(b, LC_LEAD_NUM_VERSION), 3);
	assert_int_equal(event_count(f->db, id), 3);

	/* The state changes only through apply. */
	assert_int_equal(lc_state_set((lc_state *)lc_lead_state(b), LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc_db_lead_update(f->db, b, 3), LC_ESTATE);
	assert_int_equal(version_of(f->db, id), 3);

	/* Never stored, bad arguments. */
	assert_int_equal(lc_db_lead_update(f->db, NULL, -1), LC_EINVAL);
	lc_lead_free(a);
	assert_int_equal(lc_lead_new(&a), 0);
	assert_int_equal(lc_db_lead_update(f->db, a, -1), LC_EINVAL);
	assert_int_equal(lc_db_lead_update(f->db, b, -7), LC_EINVAL);
	lc_lead_free(a);
	lc_lead_free(b);
}

/* ---- apply ---- */

static void test_apply_valid(void **state)
{
	fx *f = *state;
	lc_lead *l;
	lc_id id = new_lead(f->db, "Hopper"), ev = 0;

	lc_db_set_actor(f->db, "store-actor");
	contacted_hot(f, now_value + 86400);
	assert_int_equal(lc_disposition_set_note(f->d, "spoke to her"), 0);
	assert_int_equal(lc_disposition_set_actor(f->d, "agent7"), 0);
	now_value += 60;
	assert_int_equal(lc_db_apply(f->db, id, f->d, 1, f->v, &ev), 0);
	assert_true(ev > 0);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 2);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_TOUCHED_AT), now_value);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE), "contacted");
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "hot");
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP),
			 now_value - 60 + 86400);
	lc_lead_free(l);
	/* No version check. */
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, NULL, NULL), 0);
	assert_int_equal(version_of(f->db, id), 3);
}

static void test_apply_invalid_writes_nothing(void **state)
{
	fx *f = *state;
	lc_lead *before, *after;
	lc_id id = new_lead(f->db, "Turing");

	contacted_hot(f, now_value + 86400);
	assert_int_equal(lc_db_apply(f->db, id, f->d, 1, f->v, NULL), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &before), 0);

	/* Hot without a follow-up: refused, with the violation listed. */
	contacted_hot(f, LC_TIME_NONE);
	assert_int_equal(lc_db_apply(f->db, id, f->d, 2, f->v, NULL), LC_EINVALID);
	assert_true(lc_table_row_count(lc_violations_table(f->v)) >= 1);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 1), "follow_up_required");
	assert_non_null(strstr(lc_error_last(), "lead"));
	/* Stale version: refused. */
	contacted_hot(f, now_value + 7200);
	assert_int_equal(lc_db_apply(f->db, id, f->d, 1, f->v, NULL), LC_ECONFLICT);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 0);
	/* Missing lead, bad arguments. */
	assert_int_equal(lc_db_apply(f->db, id + 50, f->d, -1, f->v, NULL), LC_ENOTFOUND);
	assert_int_equal(lc_db_apply(f->db, 0, f->d, -1, f->v, NULL), LC_EINVAL);
	assert_int_equal(lc_db_apply(f->db, id, NULL, -1, f->v, NULL), LC_EINVAL);
	assert_int_equal(lc_db_apply(f->db, id, f->d, -5, f->v, NULL), LC_EINVAL);

	assert_int_equal(lc_db_lead_get(f->db, id, &after), 0);
	assert_int_equal(lc_lead_number(after, LC_LEAD_NUM_VERSION), lc_lead_number(before, LC_LEAD_NUM_VERSION));
	assert_int_equal(lc_state_equal(lc_lead_state(after), lc_lead_state(before)), 1);
	assert_int_equal(event_count(f->db, id), 2);
	lc_lead_free(before);
	lc_lead_free(after);
}

static void test_apply_other_model_refused(void **state)
{
	fx *f = *state;
	lc_model *other;
	lc_disposition *d;
	lc_id id = new_lead(f->db, "Other");

	assert_int_equal(lc_model_preset(&other, "leadmanager"), 0);
	assert_int_equal(lc_disposition_new(&d, other), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, "call"), 0);
	assert_int_equal(lc_db_apply(f->db, id, d, -1, NULL, NULL), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "lc_db_model"));
	lc_disposition_free(d);
	lc_model_free(other);
	assert_int_equal(version_of(f->db, id), 1);
}

/* ---- transactions ---- */

/* A write that fails inside lc_db_begin() after writing rolls the batch back;
 * every later call, reads included, answers LC_ESTATE until lc_db_rollback(),
 * the same on every backend (fuzz finding poisoned-transaction-count). */
static void test_poisoned_transaction(void **state)
{
	fx *f = *state;
	lc_lead *l;
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	lc_event_iter *eit = NULL;
	size_t n = SIZE_MAX;
	lc_id id = new_lead(f->db, "Before");

	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_db_begin(f->db), 0);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(lc_lead_new(&l), 0);
		assert_int_equal(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, "same"), 0);
		assert_int_equal(lc_db_lead_create(f->db, l, NULL), k == 0 ? 0 : LC_EEXISTS);
		lc_lead_free(l);
	}
	assert_int_equal(lc_db_count(f->db, q, &n), LC_ESTATE);
	assert_int_equal(n, -1);
	assert_int_equal(lc_db_query(f->db, q, &it), LC_ESTATE);
	assert_null(it);
	assert_int_equal(lc_db_history(f->db, id, &eit), LC_ESTATE);
	assert_null(eit);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), LC_ESTATE);
	assert_non_null(strstr(lc_error_last(), "lc_db_rollback()"));
	assert_int_equal(lc_db_rollback(f->db), 0);
	/* Ended: the batch left nothing, and the store answers again. */
	assert_int_equal(lc_db_count(f->db, q, &n), 0);
	assert_int_equal(n, 1);
	lc_query_free(q);
}

static void test_explicit_transactions(void **state)
{
	fx *f = *state;
	lc_id id = new_lead(f->db, "Batch");

	assert_int_equal(lc_db_commit(f->db), LC_ESTATE);
	assert_int_equal(lc_db_rollback(f->db), LC_ESTATE);
	assert_int_equal(lc_db_begin(f->db), 0);
	assert_int_equal(lc_db_begin(f->db), LC_ESTATE);
	for (int i = 0; i < 10; i++) {
		contacted_hot(f, now_value + 3600 + i);
		assert_int_equal(lc_db_apply(f->db, id, f->d, 1 + i, f->v, NULL), 0);
	}
	/* A violation inside the batch leaves the batch as it was. */
	contacted_hot(f, LC_TIME_NONE);
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), LC_EINVALID);
	assert_int_equal(lc_db_apply(f->db, id, f->d, 3, f->v, NULL), LC_ECONFLICT);
	assert_int_equal(lc_db_rollback(f->db), 0);
	assert_int_equal(version_of(f->db, id), 1);

	assert_int_equal(lc_db_begin(f->db), 0);
	for (int i = 0; i < 10; i++) {
		contacted_hot(f, now_value + 3600 + i);
		assert_int_equal(lc_db_apply(f->db, id, f->d, 1 + i, f->v, NULL), 0);
	}
	contacted_hot(f, LC_TIME_NONE);
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), LC_EINVALID);
	/* Reads join the transaction and see its writes. */
	assert_int_equal(version_of(f->db, id), 11);
	assert_int_equal(lc_db_commit(f->db), 0);
	assert_int_equal(version_of(f->db, id), 11);
	assert_int_equal(event_count(f->db, id), 11);
	/* Installing a model inside a transaction is refused. */
	assert_int_equal(lc_db_begin(f->db), 0);
	assert_int_equal(lc_db_install_model(f->db, f->m, NULL), LC_ESTATE);
	assert_int_equal(lc_db_rollback(f->db), 0);
}

/* Each event's before is the previous event's after, the lead holds the
 * last event's after, and the replay of its history gives the same. */
static void assert_chain(fx *f, lc_id id, size_t events)
{
	lc_event_iter *it;
	const lc_event *ev;
	lc_state *prev = NULL, *replayed = NULL;
	lc_lead *l;
	size_t n = 0;

	assert_int_equal(lc_state_new(&prev, f->m), 0);
	assert_int_equal(lc_db_history(f->db, id, &it), 0);
	while (lc_event_iter_next(it, &ev) == 1) {
		if (n)
			assert_int_equal(lc_state_equal(prev, lc_event_state(ev, 0)), 1);
		assert_int_equal(lc_state_copy(prev, lc_event_state(ev, 1)), 0);
		n++;
	}
	lc_event_iter_free(it);
	assert_int_equal(n, events);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal(lc_state_equal(prev, lc_lead_state(l)), 1);
	assert_int_equal(lc_state_new(&replayed, f->m), 0);
	assert_int_equal(lc_db_replay(f->db, id, replayed), 0);
	assert_int_equal(lc_state_equal(replayed, lc_lead_state(l)), 1);
	lc_lead_free(l);
	lc_state_free(prev);
	lc_state_free(replayed);
}

/* Applies to two leads in turn inside one transaction, reads in between and
 * a field change between a read and an apply: a backend that remembers what
 * it saved within a transaction (memory:) must keep every state apart, and
 * forget it all on rollback. */
static void test_batch_interleaved(void **state)
{
	fx *f = *state;
	lc_id a = new_lead(f->db, "A"), b = new_lead(f->db, "B");
	lc_lead *l;

	for (int round = 0; round < 2; round++) {
		assert_int_equal(lc_db_begin(f->db), 0);
		for (int i = 0; i < 6; i++) {
			lc_id id = i % 3 == 1 ? b : a;
			contacted_hot(f, now_value + 3600 * (i + 1));
			/* A read of the other lead between this lead's read and write. */
			assert_int_equal(version_of(f->db, id == a ? b : a) >= 1, 1);
			if (i == 4) {
				assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
				assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_EMAIL, 1), 0);
				assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
				lc_lead_free(l);
			}
			assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), 0);
		}
		if (round == 0) {
			assert_int_equal(lc_db_rollback(f->db), 0);
			assert_int_equal(version_of(f->db, a), 1);
			assert_int_equal(version_of(f->db, b), 1);
			assert_chain(f, a, 1);
			assert_chain(f, b, 1);
		} else {
			assert_int_equal(lc_db_commit(f->db), 0);
		}
	}
	assert_chain(f, a, 5);
	assert_chain(f, b, 4); /* with the field change */
	assert_int_equal(lc_db_lead_get(f->db, a, &l), 0);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP),
			 now_value + 3600 * 6);
	assert_false((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_EMAIL);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_get(f->db, b, &l), 0);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP),
			 now_value + 3600 * 5);
	assert_true((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_EMAIL);
	lc_lead_free(l);
}

/* ---- history and replay ---- */

static void test_history_contents(void **state)
{
	fx *f = *state;
	lc_event_iter *it;
	const lc_event *ev;
	lc_id id = new_lead(f->db, "History");
	lc_time t0 = now_value;

	lc_db_set_actor(f->db, "system-user");
	now_value += 5;
	contacted_hot(f, now_value + 999);
	lc_disposition_set_note(f->d, "first call");
	lc_disposition_set_actor(f->d, "agent1");
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), 0);
	assert_int_equal(lc_db_lead_note(f->db, id, "agent2", "likes blue"), 0);

	assert_int_equal(lc_db_history(f->db, id, &it), 0);
	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_CREATE);
	assert_string_equal(lc_event_kind_name((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND)), "create");
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_SEQ), 1);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_LEAD), id);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_TIME), t0);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_MODEL_VERSION), 1);
	assert_null(lc_event_value(ev, LC_AXIS_ACTION));

	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_DISPOSITION);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_SEQ), 2);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_TIME), t0 + 5);
	assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_ACTOR), "agent1");
	assert_string_equal(lc_event_value(ev, LC_AXIS_ACTION), "call");
	assert_string_equal(lc_event_value(ev, LC_AXIS_ACTION), "call");
	assert_null(lc_event_value(ev, LC_AXIS_REASON));
	assert_string_equal(lc_event_value(ev, LC_AXIS_STATUS), "hot");
	assert_null(lc_event_value(ev, LC_AXIS_STAGE));
	assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_NOTE), "first call");
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP), t0 + 5 + 999);
	/* A new lead starts where the model says: No Milestone, New. */
	assert_string_equal(ev_state(ev, LC_AXIS_MILESTONE, 0), "no_milestone");
	assert_string_equal(ev_state(ev, LC_AXIS_STATUS, 0), "new");
	assert_string_equal(ev_state(ev, LC_AXIS_MILESTONE, 1), "contacted");
	assert_string_equal(ev_state(ev, LC_AXIS_STATUS, 1), "hot");
	assert_int_equal((lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME), LC_OUTCOME_NONE);
	assert_null(lc_event_text(ev, LC_EVENT_TEXT_RULE));

	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_NOTE);
	assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_ACTOR), "agent2");
	assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_NOTE), "likes blue");
	assert_int_equal(lc_state_equal(lc_event_state(ev, 0), lc_event_state(ev, 1)), 1);
	assert_int_equal(lc_event_iter_next(it, &ev), 0);
	assert_null(ev);
	assert_int_equal(lc_event_iter_next(it, &ev), 0);
	lc_event_iter_free(it);

	assert_int_equal(lc_db_history(f->db, id + 10, &it), LC_ENOTFOUND);
	assert_null(it);
	assert_int_equal(lc_db_history(f->db, -1, &it), LC_EINVAL);
	/* 0: every lead's events, in the order they were written. */
	assert_int_equal(lc_db_history(f->db, 0, &it), 0);
	{
		lc_id last = 0;
		size_t n = 0;
		while (lc_event_iter_next(it, &ev) == 1) {
			assert_true(lc_event_number(ev, LC_EVENT_NUM_ID) > last);
			last = lc_event_number(ev, LC_EVENT_NUM_ID);
			n++;
		}
		assert_int_equal(n, 3);
	}
	lc_event_iter_free(it);
}

static void test_replay_equals_stored(void **state)
{
	fx *f = *state;
	lc_state *s;
	lc_lead *l;
	lc_model *other;
	lc_id id = new_lead(f->db, "Replay");

	contacted_hot(f, now_value + 100);
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), 0);
	now_value += 10;
	lc_disposition_reset(f->d);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, "email"), 0);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_MILESTONE, "quoted"), 0);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "requote"), 0);
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 1), 0);
	assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
	lc_lead_free(l);

	assert_int_equal(lc_state_new(&s, f->m), 0);
	assert_int_equal(lc_db_replay(f->db, id, s), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal(lc_state_equal(s, lc_lead_state(l)), 1);
	assert_string_equal(lc_state_get(s, LC_AXIS_STATUS), "requote");
	assert_int_equal(lc_state_flags(s) & LC_STATE_DO_NOT_CALL, LC_STATE_DO_NOT_CALL);
	lc_lead_free(l);
	assert_int_equal(lc_db_replay(f->db, id + 9, s), LC_ENOTFOUND);
	assert_int_equal(lc_db_replay(f->db, id, NULL), LC_EINVAL);
	assert_int_equal(lc_model_preset(&other, "leadmanager"), 0);
	lc_state_free(s);
	assert_int_equal(lc_state_new(&s, other), 0);
	assert_int_equal(lc_db_replay(f->db, id, s), LC_EINVAL);
	lc_state_free(s);
	lc_model_free(other);
}

/* ---- agents, units, ownership ---- */

static void test_agents_and_units(void **state)
{
	fx *f = *state;
	lc_table *al;
	lc_table *ul;
	lc_id ann, ben, east, west, found;

	assert_int_equal(lc_db_agent_add(f->db, "ann", &ann), 0);
	assert_int_equal(lc_db_agent_add(f->db, "ben", &ben), 0);
	assert_int_equal(lc_db_agent_add(f->db, "ann", NULL), LC_EEXISTS);
	assert_non_null(strstr(lc_error_last(), "ann"));
	assert_int_equal(lc_db_agent_add(f->db, "", NULL), LC_EINVAL);
	assert_int_equal(lc_db_agent_add(f->db, NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_db_unit_add(f->db, "east", &east), 0);
	assert_int_equal(lc_db_unit_add(f->db, "west", &west), 0);
	assert_int_equal(lc_db_unit_add(f->db, "east", NULL), LC_EEXISTS);
	assert_int_equal(lc_db_unit_join(f->db, east, ann), 0);
	assert_int_equal(lc_db_unit_join(f->db, east, ann), 0);
	assert_int_equal(lc_db_unit_join(f->db, west, ben), 0);
	assert_int_equal(lc_db_unit_join(f->db, west, 999), LC_ENOTFOUND);
	assert_int_equal(lc_db_unit_join(f->db, 999, ben), LC_ENOTFOUND);

	assert_int_equal(lc_db_agents(f->db, 0, &al), 0);
	assert_string_equal(lc_table_kind(al), "agents");
	assert_int_equal(lc_table_column_count(al), 3);
	assert_int_equal(lc_table_row_count(al), 2);
	assert_string_equal(lc_table_text_named(al, 0, "name"), "ann");
	assert_int_equal(lc_table_int_named(al, 1, "id"), ben);
	assert_int_equal(lc_table_int_named(al, 1, "active"), 1);
	assert_null(lc_table_text(al, 2, 1));
	/* The backends' filler refuses a table of another kind. */
	assert_int_equal(lc_table_sys_add_unit(al, 7, "x"), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "lc_table_sys_add_unit"));
	assert_int_equal(lc_table_sys_add_agent(al, 0, "x", 1), LC_EINVAL);
	assert_int_equal(lc_table_row_count(al), 2);
	lc_table_free(al);
	assert_int_equal(lc_db_agents(f->db, east, &al), 0);
	assert_int_equal(lc_table_row_count(al), 1);
	assert_int_equal(lc_table_int(al, 0, 0), ann);
	lc_table_free(al);
	assert_int_equal(lc_db_agents(f->db, 999, &al), LC_ENOTFOUND);
	assert_null(al);
	assert_int_equal(lc_db_units(f->db, ben, &ul), 0);
	assert_string_equal(lc_table_kind(ul), "units");
	assert_int_equal(lc_table_column_count(ul), 2);
	assert_int_equal(lc_table_row_count(ul), 1);
	assert_string_equal(lc_table_text(ul, 0, 1), "west");
	lc_table_free(ul);
	assert_int_equal(lc_db_units(f->db, 0, &ul), 0);
	assert_int_equal(lc_table_row_count(ul), 2);
	lc_table_free(ul);

	assert_int_equal(lc_db_agent_find(f->db, "ben", &found), 0);
	assert_int_equal(found, ben);
	assert_int_equal(lc_db_agent_find(f->db, "zed", &found), LC_ENOTFOUND);
	assert_int_equal(lc_db_unit_find(f->db, "west", &found), 0);
	assert_int_equal(found, west);
	assert_int_equal(lc_db_agent_set_active(f->db, ben, 0), 0);
	assert_int_equal(lc_db_agent_set_active(f->db, 999, 0), LC_ENOTFOUND);
	assert_int_equal(lc_db_agents(f->db, 0, &al), 0);
	assert_int_equal(lc_table_int(al, 1, 2), 0);
	lc_table_free(al);
	assert_int_equal(lc_db_unit_leave(f->db, west, ben), 0);
	assert_int_equal(lc_db_agents(f->db, west, &al), 0);
	assert_int_equal(lc_table_row_count(al), 0);
	lc_table_free(al);
}

static void test_accept_and_assign(void **state)
{
	fx *f = *state;
	lc_lead *l;
	lc_event_iter *it;
	const lc_event *ev;
	lc_id ann, ben, cal, east, west;
	lc_id id = new_lead(f->db, "Acceptable");

	lc_db_agent_add(f->db, "ann", &ann);
	lc_db_agent_add(f->db, "ben", &ben);
	lc_db_agent_add(f->db, "cal", &cal);
	lc_db_unit_add(f->db, "east", &east);
	lc_db_unit_add(f->db, "west", &west);
	lc_db_unit_join(f->db, east, ann);
	lc_db_unit_join(f->db, east, cal);
	lc_db_unit_join(f->db, west, ben);
	lc_db_agent_set_active(f->db, cal, 0);

	/* Not in a unit: nobody can accept it. */
	assert_int_equal(lc_db_lead_accept(f->db, id, ann), LC_ESTATE);
	assert_non_null(strstr(lc_error_last(), "no unit"));
	assert_int_equal(lc_db_lead_assign(f->db, id, east, 0), 0);
	/* Not a member, inactive, unknown: refused. */
	assert_int_equal(lc_db_lead_accept(f->db, id, ben), LC_ESTATE);
	assert_non_null(strstr(lc_error_last(), "not a member"));
	assert_int_equal(lc_db_lead_accept(f->db, id, cal), LC_ESTATE);
	assert_non_null(strstr(lc_error_last(), "inactive"));
	assert_int_equal(lc_db_lead_accept(f->db, id, 999), LC_ENOTFOUND);
	assert_int_equal(lc_db_lead_accept(f->db, id, 0), LC_EINVAL);
	assert_int_equal(version_of(f->db, id), 2);
	/* An active member takes it; then it is no longer unassigned. */
	assert_int_equal(lc_db_lead_accept(f->db, id, ann), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), ann);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_UNIT), east);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 3);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_accept(f->db, id, ann), LC_ESTATE);
	assert_non_null(strstr(lc_error_last(), "already assigned"));

	/* Assign: agent must be active and, with a unit, a member of it. */
	assert_int_equal(lc_db_lead_assign(f->db, id, east, ben), LC_ESTATE);
	assert_int_equal(lc_db_lead_assign(f->db, id, 0, cal), LC_ESTATE);
	assert_int_equal(lc_db_lead_assign(f->db, id, 999, 0), LC_ENOTFOUND);
	assert_int_equal(lc_db_lead_assign(f->db, id, 0, 999), LC_ENOTFOUND);
	assert_int_equal(lc_db_lead_assign(f->db, id, -1, 0), LC_EINVAL);
	assert_int_equal(lc_db_lead_assign(f->db, id, west, ben), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), ben);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_UNIT), west);
	lc_lead_free(l);

	assert_int_equal(lc_db_history(f->db, id, &it), 0);
	assert_int_equal(lc_event_iter_next(it, &ev), 1); /* create */
	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_ASSIGN);
	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_ACCEPT);
	assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_ACTOR), "ann");
	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_ASSIGN);
	assert_int_equal(lc_event_iter_next(it, &ev), 0);
	lc_event_iter_free(it);
}

static void test_recycle_restore_note(void **state)
{
	fx *f = *state;
	lc_lead *l;
	lc_query *q;
	size_t n;
	char *big;
	lc_id id = new_lead(f->db, "Bin");

	new_lead(f->db, "Other");
	assert_int_equal(lc_db_lead_restore(f->db, id), LC_ESTATE);
	assert_int_equal(lc_db_lead_recycle(f->db, id), 0);
	assert_int_equal(lc_db_lead_recycle(f->db, id), LC_ESTATE);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED, LC_LEAD_RECYCLED);
	lc_lead_free(l);
	/* Recycled leads leave queries by default, and take no disposition. */
	assert_int_equal(lc_db_count(f->db, NULL, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_recycled(q, LC_RECYCLED_ONLY), 0);
	assert_int_equal(lc_db_count(f->db, q, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE), 0);
	assert_int_equal(lc_db_count(f->db, q, &n), 0);
	assert_int_equal(n, 2);
	lc_query_free(q);
	contacted_hot(f, now_value + 10);
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), LC_ESTATE);
	/* lc_db_lead_update() never changes the recycle flag. */
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_restore(f->db, id), 0);
	assert_int_equal(lc_db_count(f->db, NULL, &n), 0);
	assert_int_equal(n, 2);

	/* Notes: stamped with the store's time and the author. */
	now_value += 42;
	assert_int_equal(lc_db_lead_note(f->db, id, "dora", "first"), 0);
	lc_db_set_actor(f->db, "eve");
	assert_int_equal(lc_db_lead_note(f->db, id, NULL, "second"), 0);
	assert_int_equal(lc_db_lead_note(f->db, id, NULL, ""), LC_EINVAL);
	assert_int_equal(lc_db_lead_note(f->db, id, NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_db_lead_note(f->db, id, NULL, "\\xff"), 0);
	assert_int_equal(lc_db_lead_note(f->db, id, NULL, "\xc3"), LC_EINVAL);
	assert_int_equal(lc_db_lead_note(f->db, id + 99, NULL, "x"), LC_ENOTFOUND);
	big = malloc(LC_LEAD_NOTE_MAX + 2);
	memset(big, 'n', LC_LEAD_NOTE_MAX + 1);
	big[LC_LEAD_NOTE_MAX + 1] = '\0';
	assert_int_equal(lc_db_lead_note(f->db, id, NULL, big), LC_ERANGE);
	free(big);
	assert_int_equal(lc_db_lead_get(f->db, id, &l), 0);
	assert_int_equal(lc_lead_list_count(l, LC_LEAD_NOTES), 3);
	assert_string_equal(lead_entry(l, LC_LEAD_NOTES, 0).text, "first");
	assert_string_equal(lead_entry(l, LC_LEAD_NOTES, 0).detail, "dora");
	assert_int_equal(lead_entry(l, LC_LEAD_NOTES, 0).time, now_value);
	assert_string_equal(lead_entry(l, LC_LEAD_NOTES, 1).detail, "eve");
	assert_string_equal(lead_entry(l, LC_LEAD_NOTES, 2).text, "\\xff");
	assert_int_equal(lc_lead_list_clear(l, LC_LEAD_NOTES), LC_EINVAL);
	lc_lead_free(l);
}

/* ---- queries ---- */

static lc_id lead_with(fx *f, const char *name, const char *source, const char *segment,
		       const char *attr)
{
	lc_lead *l;
	lc_id id;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, name), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SOURCE, source), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SEGMENT, segment), 0);
	if (attr)
		assert_int_equal(lc_lead_attr_set(l, "tier", attr), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), 0);
	lc_lead_free(l);
	return id;
}

static size_t run_query(fx *f, const lc_query *q, lc_id *ids, size_t max)
{
	lc_lead_iter *it;
	const lc_lead *l;
	size_t n = 0;
	lc_id last = 0;
	int rc;

	assert_int_equal(lc_db_query(f->db, q, &it), 0);
	while ((rc = lc_lead_iter_next(it, &l)) == 1) {
		assert_true(lc_lead_number(l, LC_LEAD_NUM_ID) > last);
		last = lc_lead_number(l, LC_LEAD_NUM_ID);
		if (n < max)
			ids[n] = last;
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(lc_lead_iter_next(it, &l), 0);
	lc_lead_iter_free(it);
	return n;
}

static void test_query_filters(void **state)
{
	fx *f = *state;
	lc_query *q;
	lc_id ids[16], a, b, c, d, ann, east;
	size_t n;

	a = lead_with(f, "a", "web", "cold", "gold");
	b = lead_with(f, "b", "web", "engaged", NULL);
	c = lead_with(f, "c", "fair", "cold", "silver");
	d = lead_with(f, "d", "fair", NULL, "gold");
	lc_db_agent_add(f->db, "ann", &ann);
	lc_db_unit_add(f->db, "east", &east);
	lc_db_unit_join(f->db, east, ann);
	assert_int_equal(lc_db_lead_assign(f->db, b, east, ann), 0);
	assert_int_equal(lc_db_lead_assign(f->db, c, east, 0), 0);
	contacted_hot(f, now_value + 3600);
	assert_int_equal(lc_db_apply(f->db, a, f->d, -1, f->v, NULL), 0);
	contacted_hot(f, now_value + 7200);
	assert_int_equal(lc_db_apply(f->db, b, f->d, -1, f->v, NULL), 0);

	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(run_query(f, q, ids, 16), 4);
	assert_int_equal(run_query(f, NULL, ids, 16), 4);

	assert_int_equal(lc_query_set_text(q, LC_LEAD_SOURCE, "web"), 0);
	assert_int_equal(run_query(f, q, ids, 16), 2);
	assert_int_equal(lc_query_set_text(q, LC_LEAD_SEGMENT, "cold"), 0);
	assert_int_equal(run_query(f, q, ids, 16), 1);
	assert_int_equal(ids[0], a);
	assert_int_equal(lc_query_set_text(q, LC_LEAD_SOURCE, NULL), 0);
	assert_int_equal(run_query(f, q, ids, 16), 2);
	assert_int_equal(lc_query_set_text(q, LC_LEAD_SEGMENT, NULL), 0);

	assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(run_query(f, q, ids, 16), 2);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_MILESTONE, "contacted"), 0);
	assert_int_equal(run_query(f, q, ids, 16), 2);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_MILESTONE, "quoted"), 0);
	assert_int_equal(run_query(f, q, ids, 16), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_MILESTONE, NULL), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, NULL), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_ACTION, "call"), LC_EINVAL);

	assert_int_equal(lc_query_set_agent(q, ann), 0);
	assert_int_equal(run_query(f, q, ids, 16), 1);
	assert_int_equal(ids[0], b);
	assert_int_equal(lc_query_set_agent(q, LC_QUERY_NONE), 0);
	assert_int_equal(run_query(f, q, ids, 16), 3);
	assert_int_equal(lc_query_set_unit(q, east), 0);
	assert_int_equal(run_query(f, q, ids, 16), 1);
	assert_int_equal(ids[0], c);
	assert_int_equal(lc_query_set_agent(q, 0), 0);
	assert_int_equal(lc_query_set_unit(q, LC_QUERY_NONE), 0);
	assert_int_equal(run_query(f, q, ids, 16), 2);
	assert_int_equal(lc_query_set_unit(q, 0), 0);
	assert_int_equal(lc_query_set_agent(q, -5), LC_EINVAL);

	/* Follow-up window [from, to). */
	assert_int_equal(lc_query_set_follow_up(q, now_value, now_value + 3600), 0);
	assert_int_equal(run_query(f, q, ids, 16), 0);
	assert_int_equal(lc_query_set_follow_up(q, now_value, now_value + 3601), 0);
	assert_int_equal(run_query(f, q, ids, 16), 1);
	assert_int_equal(ids[0], a);
	assert_int_equal(lc_query_set_follow_up(q, now_value + 3601, LC_TIME_NONE), 0);
	assert_int_equal(run_query(f, q, ids, 16), 1);
	assert_int_equal(ids[0], b);
	assert_int_equal(lc_query_set_follow_up(q, 10, 10), LC_EINVAL);
	assert_int_equal(lc_query_set_follow_up(q, LC_TIME_NONE, LC_TIME_NONE), 0);

	assert_int_equal(lc_query_set_attribute(q, "tier", "gold"), 0);
	assert_int_equal(run_query(f, q, ids, 16), 2);
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[1], d);
	assert_int_equal(lc_query_set_attribute(q, NULL, NULL), 0);
	assert_int_equal(lc_query_set_attribute(q, "tier", NULL), LC_EINVAL);

	assert_int_equal(lc_query_set_created(q, now_value, now_value + 1), 0);
	assert_int_equal(run_query(f, q, ids, 16), 4);
	assert_int_equal(lc_query_set_created(q, LC_TIME_NONE, now_value), 0);
	assert_int_equal(run_query(f, q, ids, 16), 0);
	assert_int_equal(lc_query_set_created(q, LC_TIME_NONE, LC_TIME_NONE), 0);

	/* Paging: stable id order, the last id is the next cursor. */
	assert_int_equal(lc_query_set_page(q, 0, 3), 0);
	assert_int_equal(run_query(f, q, ids, 16), 3);
	assert_int_equal(ids[2], c);
	assert_int_equal(lc_query_set_page(q, c, 3), 0);
	assert_int_equal(run_query(f, q, ids, 16), 1);
	assert_int_equal(ids[0], d);
	assert_int_equal(lc_db_count(f->db, q, &n), 0);
	assert_int_equal(n, 4); /* paging ignored */
	assert_int_equal(lc_query_set_page(q, -1, 0), LC_EINVAL);
	lc_query_free(q);
	assert_int_equal(lc_db_count(f->db, NULL, NULL), LC_EINVAL);
}

/* Query values are named as everywhere else: a key, a label or an alias, in
 * any case, resolved against the store's model when the query runs; a value
 * the model does not know is refused naming the axis and the value. */
static void test_query_labels(void **state)
{
	fx *f = *state;
	lc_query *q;
	lc_id ids[4], a, b;
	size_t n = SIZE_MAX;
	lc_lead_iter *it = (lc_lead_iter *)1;
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	lc_axis by = LC_AXIS_STATUS;
	lc_table *t = (lc_table *)1;

	a = new_lead(f->db, "a");
	b = new_lead(f->db, "b");
	contacted_hot(f, now_value + 3600);
	assert_int_equal(lc_db_apply(f->db, a, f->d, -1, f->v, NULL), 0);
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, "HOT"), 0);
	assert_int_equal(run_query(f, q, ids, 4), 1);
	assert_int_equal(ids[0], a);
	assert_int_equal(lc_db_count(f->db, q, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(lc_query_value(q, LC_AXIS_STATUS), "HOT"); /* the caller's copy */
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, NULL), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_MILESTONE, "no milestone"), 0);
	assert_int_equal(run_query(f, q, ids, 4), 1);
	assert_int_equal(ids[0], b);
	o.filter = q;
	assert_int_equal(lc_report_pipeline(f->db, &by, 1, &o, &t), 0);
	assert_int_equal(lc_table_row_count(t), 1);
	assert_string_equal(lc_table_text(t, 0, 0), "new");
	lc_table_free(t);

	assert_int_equal(lc_query_set_value(q, LC_AXIS_MILESTONE, "Hott"), 0);
	assert_int_equal(lc_db_query(f->db, q, &it), LC_ENOTFOUND);
	assert_null(it);
	assert_non_null(strstr(lc_error_last(), "lc_db_query"));
	assert_non_null(strstr(lc_error_last(), "milestone 'Hott' is not in model leadmanager"));
	assert_int_equal(lc_db_count(f->db, q, &n), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "lc_db_count"));
	assert_int_equal(lc_report_pipeline(f->db, &by, 1, &o, &t), LC_ENOTFOUND);
	assert_null(t);
	assert_non_null(strstr(lc_error_last(), "milestone 'Hott'"));
	lc_query_free(q);
}

/* An alias names its value in a query, as in a disposition. */
static void test_query_alias(void **state)
{
	lc_model_builder *mb;
	lc_model *m;
	lc_db *db;
	lc_query *q;
	lc_lead_iter *it;
	const lc_lead *l;
	lc_disposition *d;
	int64_t version;

	(void)state;
	assert_int_equal(lc_model_builder_new(&mb, "aliased", 1), 0);
	assert_int_equal(lc_model_builder_add_value(mb, LC_AXIS_ACTION, NULL, "Call", NULL,
						    LC_FLAG_CONTACT | LC_FLAG_PHONE), 0);
	assert_int_equal(lc_model_builder_add_value(mb, LC_AXIS_STATUS, NULL, "Follow Up", NULL, 0),
			 0);
	assert_int_equal(lc_model_builder_alias(mb, LC_AXIS_STATUS, "follow_up", "Call Back"), 0);
	assert_int_equal(lc_model_builder_build(mb, &m), 0);
	lc_model_builder_free(mb);
	db = open_store(store_uri());
	assert_int_equal(lc_db_install_model(db, m, &version), 0);
	lc_model_free(m);
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, "call"), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_STATUS, "follow_up"), 0);
	assert_int_equal(lc_db_apply(db, new_lead(db, "a"), d, -1, NULL, NULL), 0);
	lc_disposition_free(d);
	new_lead(db, "b");
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, "call back"), 0);
	assert_int_equal(lc_db_query(db, q, &it), 0);
	assert_int_equal(lc_lead_iter_next(it, &l), 1);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "follow_up");
	assert_int_equal(lc_lead_iter_next(it, &l), 0);
	lc_lead_iter_free(it);
	lc_query_free(q);
	lc_db_close(db);
}

static void test_query_getters(void **state)
{
	lc_query *q;
	lc_time from, to;
	lc_id after;
	const char *v;

	(void)state;
	assert_int_equal(lc_query_new(NULL), LC_EINVAL);
	assert_int_equal(lc_query_new(&q), 0);
	assert_null(lc_query_value(q, LC_AXIS_STATUS));
	assert_int_equal(lc_query_follow_up(q, &from, &to), 0);
	assert_int_equal(lc_query_recycled(q), LC_RECYCLED_EXCLUDE);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STAGE, "engaged"), 0);
	assert_string_equal(lc_query_value(q, LC_AXIS_STAGE), "engaged");
	assert_int_equal(lc_query_set_text(q, LC_LEAD_OWNER_GROUP, "sales"), 0);
	assert_string_equal(lc_query_text(q, LC_LEAD_OWNER_GROUP), "sales");
	assert_int_equal(lc_query_set_text(q, (lc_lead_text_field)99, "x"), LC_EINVAL);
	assert_int_equal(lc_query_set_text(q, LC_LEAD_SOURCE, "\xc3"), LC_EINVAL);
	assert_int_equal(lc_query_set_follow_up(q, 5, 9), 0);
	assert_int_equal(lc_query_follow_up(q, &from, &to), 1);
	assert_int_equal(from, 5);
	assert_int_equal(to, 9);
	assert_int_equal(lc_query_set_created(q, LC_TIME_NONE, 9), 0);
	assert_int_equal(lc_query_created(q, &from, &to), 1);
	assert_int_equal(from, LC_TIME_NONE);
	assert_int_equal(lc_query_set_attribute(q, "k", "v"), 0);
	assert_string_equal(lc_query_attribute(q, &v), "k");
	assert_string_equal(v, "v");
	assert_int_equal(lc_query_set_invalid(q, 1), 0);
	assert_int_equal(lc_query_invalid(q), 1);
	assert_int_equal(lc_query_set_page(q, 7, 20), 0);
	assert_int_equal(lc_query_page(q, &after), 20);
	assert_int_equal(after, 7);
	assert_int_equal(lc_query_set_recycled(q, (lc_recycled_filter)7), LC_EINVAL);
	assert_int_equal(lc_query_set_unit(q, 3), 0);
	assert_int_equal(lc_query_unit(q), 3);
	lc_query_free(q);
	lc_query_free(NULL);
}

/* ---- model upgrades ---- */

/* leadmanager without the "requote" status. */
/* Version 2 of leadmanager without one status (and its links). */
static lc_model *leadmanager_without(const char *status)
{
	lc_model *m;
	char *text;
	json_t *root, *statuses, *links, *list;
	const char *key;
	size_t i;
	json_t *v;

	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_model_to_json(m, &text, NULL), 0);
	lc_model_free(m);
	root = json_loads(text, 0, NULL);
	lc_free(text);
	assert_non_null(root);
	json_object_set_new(root, "version", json_integer(2));
	statuses = json_object_get(root, "statuses");
	json_array_foreach(statuses, i, v)
		if (strcmp(json_string_value(json_object_get(v, "key")), status) == 0) {
			json_array_remove(statuses, i);
			break;
		}
	links = json_object_get(root, "links");
	json_object_foreach(links, key, list) {
		json_array_foreach(list, i, v)
			if (strcmp(json_string_value(v), status) == 0) {
				json_array_remove(list, i);
				break;
			}
	}
	text = json_dumps(root, 0);
	json_decref(root);
	assert_int_equal(lc_model_load_string(&m, text, "test"), 0);
	free(text);
	return m;
}

static lc_model *leadmanager_without_requote(void)
{
	return leadmanager_without("requote");
}

static void requote(fx *f, lc_id id)
{
	lc_disposition_reset(f->d);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, "call"), 0);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_MILESTONE, "quoted"), 0);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "requote"), 0);
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), 0);
}

/* What lc_db_set_progress's callback was told: calls, and the last of them. */
typedef struct progress_log {
	int calls;
	const char *what;
	uint64_t first_done, done, total;
	bool backwards;
} progress_log;

static void log_progress(void *ud, const char *what, uint64_t done, uint64_t total)
{
	progress_log *p = ud;
	if (p->calls++ == 0)
		p->first_done = done;
	else if (done < p->done || strcmp(what, p->what) != 0)
		p->backwards = true;
	p->what = what;
	p->done = done;
	p->total = total;
}

static void test_model_upgrade(void **state)
{
	fx *f = *state;
	lc_model *next = leadmanager_without_requote();
	lc_table *r;
	lc_migration *map;
	lc_query *q;
	lc_lead *l;
	lc_state *s;
	lc_event_iter *it;
	const lc_event *ev;
	lc_id ids[8], a, b, c;
	size_t n = SIZE_MAX, moved = 0;
	progress_log plog = { 0 };
	bool found = false;

	a = new_lead(f->db, "a");
	b = new_lead(f->db, "b");
	c = new_lead(f->db, "c");
	requote(f, a);
	requote(f, b);
	contacted_hot(f, now_value + 99);
	assert_int_equal(lc_db_apply(f->db, c, f->d, -1, f->v, NULL), 0);
	assert_int_equal(lc_db_lead_recycle(f->db, b), 0);

	assert_int_equal(lc_db_count_invalid(f->db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(lc_db_set_progress(NULL, log_progress, &plog), LC_EINVAL);
	assert_int_equal(lc_db_set_progress(f->db, log_progress, &plog), 0);
	assert_int_equal(lc_db_model_dry_run(f->db, next, &r), 0);
	/* told at the start and after each lead, never backwards */
	assert_string_equal(plog.what, "dry_run");
	assert_int_equal(plog.calls, 4);
	assert_int_equal(plog.first_done, 0);
	assert_int_equal(plog.done, 3);
	assert_int_equal(plog.total, 3);
	assert_false(plog.backwards);
	plog = (progress_log){ 0 };
	assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "checked"), 3);
	assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "invalid"), 2);
	for (size_t i = 0; i < lc_table_row_count(r); i++)
		if (strcmp(lc_table_text_named(r, i, "field"), "status") == 0 &&
		    strcmp(lc_table_text_named(r, i, "value"), "requote") == 0) {
			assert_int_equal(lc_table_int_named(r, i, "leads"), 2);
			assert_string_equal(lc_table_text_named(r, i, "violation"),
					    "unknown_value");
			found = true;
		}
	assert_true(found);
	assert_null(lc_table_text_named(r, 99, "field"));
	lc_table_free(r);
	/* A dry run changes nothing. */
	assert_int_equal(lc_db_model_version(f->db), 1);

	assert_int_equal(lc_db_install_model(f->db, next, NULL), 0);
	f->m = lc_db_model(f->db);
	lc_disposition_free(f->d);
	assert_int_equal(lc_disposition_new(&f->d, f->m), 0);
	/* Leads and history stay as they are; the unknown value is kept. */
	assert_int_equal(lc_db_lead_get(f->db, a, &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "requote");
	lc_lead_free(l);
	assert_int_equal(lc_db_count_invalid(f->db, &n), 0);
	assert_int_equal(n, 1); /* b is recycled */
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_invalid(q, 1), 0);
	assert_int_equal(run_query(f, q, ids, 8), 1);
	assert_int_equal(ids[0], a);
	assert_int_equal(lc_query_set_page(q, 0, 1), 0);
	assert_int_equal(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE), 0);
	assert_int_equal(run_query(f, q, ids, 8), 1);
	lc_query_free(q);

	/* A target the model does not know: nothing moves. */
	assert_int_equal(lc_migration_new(&map), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_STATUS, "requote", "nope"), 0);
	assert_int_equal(lc_db_migrate(f->db, map, &moved), LC_ENOTFOUND);
	lc_migration_free(map);
	assert_int_equal(lc_migration_new(&map), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_STATUS, "requote", "bad_phone_number"), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_STATUS, "requote", "hot"), LC_EEXISTS);
	assert_int_equal(lc_migration_add(map, LC_AXIS_ACTION, "call", "email"), LC_EINVAL);
	assert_int_equal(lc_migration_add(map, LC_AXIS_STATUS, "", "hot"), LC_EINVAL);
	assert_int_equal(lc_migration_add(map, LC_AXIS_SOURCE, "web", ""), LC_EINVAL);
	assert_int_equal(lc_db_migrate(f->db, map, &moved), 0);
	assert_int_equal(moved, 2);
	assert_string_equal(plog.what, "migrate");
	assert_int_equal(plog.calls, 3);
	assert_int_equal(plog.done, 2);
	assert_int_equal(plog.total, 2);
	assert_false(plog.backwards);
	assert_int_equal(lc_db_set_progress(f->db, NULL, NULL), 0);
	lc_migration_free(map);
	assert_int_equal(lc_db_count_invalid(f->db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(lc_db_lead_get(f->db, a, &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "bad_phone_number");
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 3);
	lc_lead_free(l);
	assert_int_equal(lc_db_history(f->db, a, &it), 0);
	while (lc_event_iter_next(it, &ev) == 1)
		if ((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) == LC_EVENT_MIGRATE) {
			assert_string_equal(ev_state(ev, LC_AXIS_STATUS, 0), "requote");
			assert_string_equal(ev_state(ev, LC_AXIS_STATUS, 1), "bad_phone_number");
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_MODEL_VERSION), 2);
			assert_non_null(strstr(lc_event_text(ev, LC_EVENT_TEXT_NOTE), "requote"));
		}
	lc_event_iter_free(it);
	/* The whole history still replays (old-model events as recorded). */
	assert_int_equal(lc_state_new(&s, f->m), 0);
	assert_int_equal(lc_db_replay(f->db, a, s), 0);
	assert_string_equal(lc_state_get(s, LC_AXIS_STATUS), "bad_phone_number");
	lc_state_free(s);
	lc_model_free(next);
}

/* Issue 10 item 1: a new lead is judged where it starts. A status alone
 * starts at the initial milestone (No Milestone + Hot is refused), and Hot
 * needs a future follow-up there as on any disposition. */
static void test_create_judged(void **state)
{
	fx *f = *state;
	lc_lead *l, *back;
	lc_state *s;
	lc_id id = 0;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_bind(l, f->m), 0);
	assert_int_equal(lc_state_new(&s, f->m), 0);
	assert_int_equal(lc_state_set(s, LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc_state_set_time(s, LC_STATE_TIME_FOLLOW_UP, now_value + 86400), 0);
	assert_int_equal(lc_lead_set_state(l, s), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "No Milestone"));
	assert_int_equal(lc_state_set(s, LC_AXIS_MILESTONE, "contacted"), 0);
	assert_int_equal(lc_state_set_time(s, LC_STATE_TIME_FOLLOW_UP, LC_TIME_NONE), 0);
	assert_int_equal(lc_lead_set_state(l, s), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "follow-up"));
	/* now is not the future */
	assert_int_equal(lc_state_set_time(s, LC_STATE_TIME_FOLLOW_UP, now_value), 0);
	assert_int_equal(lc_lead_set_state(l, s), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), LC_EINVALID);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), 0);
	assert_int_equal(lc_state_set_time(s, LC_STATE_TIME_FOLLOW_UP, now_value + 86400), 0);
	assert_int_equal(lc_lead_set_state(l, s), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), 0);
	assert_int_equal(lc_db_lead_get(f->db, id, &back), 0);
	assert_true(lc_state_time(lc_lead_state(back), LC_STATE_TIME_FOLLOW_UP) ==
		    now_value + 86400);
	lc_lead_free(back);
	/* a status only, with a milestone that allows it: the milestone is filled */
	lc_lead_free(l);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_bind(l, f->m), 0);
	lc_state_free(s);
	assert_int_equal(lc_state_new(&s, f->m), 0);
	assert_int_equal(lc_state_set(s, LC_AXIS_STATUS, "attempted_contact"), 0);
	assert_int_equal(lc_lead_set_state(l, s), 0);
	assert_int_equal(lc_db_lead_create(f->db, l, &id), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE), "no_milestone");
	lc_lead_free(l);
	lc_state_free(s);
}

/* Issue 10 item 3 and issue 11 item 1: a lead holding a value a newer model
 * removed takes no disposition or shared note until given a current value,
 * a former Do Not Call Number lead is kept from every contact (and off the
 * worklist), a migration is judged, and the dry run names the leads. */
static void test_removed_values(void **state)
{
	fx *f = *state;
	lc_model *next = leadmanager_without("do_not_call_number");
	lc_table *r;
	lc_migration *map;
	lc_table *w;
	lc_lead *l;
	lc_id dnc, agent;
	size_t moved = SIZE_MAX;
	bool kept = false;

	assert_int_equal(lc_db_agent_add(f->db, "ann", &agent), 0);
	dnc = new_lead(f->db, "dnc");
	assert_int_equal(lc_db_lead_get(f->db, dnc, &l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_PHONE, "555-0100"), 0);
	assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_assign(f->db, dnc, 0, agent), 0);
	lc_disposition_reset(f->d);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, "call"), 0);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "do_not_call_number"), 0);
	assert_int_equal(lc_disposition_set_follow_up(f->d, now_value + 3600), 0);
	assert_int_equal(lc_db_apply(f->db, dnc, f->d, -1, f->v, NULL), 0);

	assert_int_equal(lc_db_model_dry_run(f->db, next, &r), 0);
	for (size_t i = 0; i < lc_table_row_count(r); i++)
		if (!strcmp(lc_table_text_named(r, i, "field"), "kept_from_contact")) {
			assert_string_equal(lc_table_text_named(r, i, "value"), "status:do_not_call_number");
			assert_int_equal((int)lc_table_int_named(r, i, "code"), LC_V_ACTION_BLOCKED);
			assert_int_equal(lc_table_int_named(r, i, "leads"), 1);
			kept = true;
		} else {
			assert_string_not_equal(lc_table_text_named(r, i, "field"), "unblocks");
		}
	assert_true(kept);
	lc_table_free(r);

	assert_int_equal(lc_db_install_model(f->db, next, NULL), 0);
	lc_model_free(next);
	f->m = lc_db_model(f->db);
	lc_disposition_free(f->d);
	assert_int_equal(lc_disposition_new(&f->d, f->m), 0);
	/* off the worklist when the follow-up is due */
	assert_int_equal(lc_worklist_get(f->db, agent, now_value + 7200, &w), 0);
	assert_int_equal(lc_table_row_count(w), 0);
	lc_table_free(w);
	/* a call is refused, even one that picks a current status */
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, "call"), 0);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "new"), 0);
	assert_int_equal(lc_db_apply(f->db, dnc, f->d, -1, f->v, NULL), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_ACTION_BLOCKED);
	/* a note about the lead as it is: refused, shared notes as well */
	lc_disposition_reset(f->d);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, "lead_update"), 0);
	assert_int_equal(lc_disposition_set_note(f->d, "still here"), 0);
	assert_int_equal(lc_db_apply(f->db, dnc, f->d, -1, f->v, NULL), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_UNKNOWN_VALUE);
	assert_int_equal(lc_db_lead_note(f->db, dnc, "ann", "still here"), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "do_not_call_number"));
	/* a migration is judged: a status that breaks the links moves nothing */
	assert_int_equal(lc_migration_new(&map), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_STATUS, "do_not_call_number", "hot"), 0);
	assert_int_equal(lc_db_migrate(f->db, map, &moved), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "Hot"));
	lc_migration_free(map);
	/* a non-contact disposition that replaces it: a lead like any other */
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "bad_phone_number"), 0);
	assert_int_equal(lc_db_apply(f->db, dnc, f->d, -1, f->v, NULL), 0);
	assert_int_equal(lc_db_lead_note(f->db, dnc, "ann", "still here"), 0);
}

/* Issue 10 item 8 (seed 003): the lost reason lives on the record, and only
 * in a Lost life-cycle state: refused on a new open lead, recorded by the
 * disposition that loses the lead, cleared by reopen, never edited apart. */
static void test_lost_reason_on_record(void **state)
{
	lc_db *db = open_store(store_uri());
	lc_disposition *d;
	lc_lead *l;
	lc_id id = 0;
	(void)state;

	install_preset(db, "crm");
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_LOST_REASON, "price"), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "only in a lost life-cycle state"));
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_LOST_REASON, NULL), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);

	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, "lose_lead"), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_STATUS, "lost"), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_REASON, "price"), 0);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_LOST_REASON), "price");
	/* an edit does not change it */
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_LOST_REASON, "timing"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), LC_ESTATE);
	lc_lead_free(l);
	/* reopening clears it */
	lc_disposition_reset(d);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, "reopen"), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_STATUS, "in_progress"), 0);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_null(lc_lead_text(l, LC_LEAD_LOST_REASON));
	lc_lead_free(l);
	lc_disposition_free(d);
	lc_db_close(db);
}

/* Issue 10 item 11 (seed 003): the model's lists, a type's attributes and
 * the required fields hold for the record a lead is created with and for
 * every edit; a refused write stores nothing. */
static const char record_model[] =
	"{\"format\": 1, \"name\": \"rec\", \"version\": 1,\n"
	" \"actions\": [{\"label\": \"Call\"}],\n"
	" \"statuses\": [{\"label\": \"New\", \"flags\": [\"initial\"]}],\n"
	" \"sources\": [{\"key\": \"web\", \"label\": \"Web\", \"aliases\": [\"Website\"]},"
	" {\"key\": \"referral\", \"label\": \"Referral\"}],\n"
	" \"types\": [{\"key\": \"business\", \"label\": \"Business\", \"attributes\":"
	" [{\"key\": \"industry\", \"default\": \"retail\"}, {\"key\": \"employees\"}]},"
	" {\"key\": \"person\", \"label\": \"Person\", \"attributes\": []},"
	" {\"key\": \"other\", \"label\": \"Other\"}],\n"
	" \"required\": [\"name\", \"source\"]}";

static lc_id create_refused(lc_db *db, lc_lead *l, const char *why)
{
	lc_id id = 0;
	size_t n = SIZE_MAX;
	assert_int_equal(lc_db_lead_create(db, l, &id), LC_EINVALID);
	if (!strstr(lc_error_last(), why))
		fail_msg("expected \"%s\" in: %s", why, lc_error_last());
	assert_int_equal(lc_db_count(db, NULL, &n), 0);
	assert_int_equal(n, 0);
	return id;
}

/* A store with record_model installed. */
static lc_db *record_store(void)
{
	lc_db *db = open_store(store_uri());
	lc_model *m = NULL;

	assert_int_equal(lc_model_load_string(&m, record_model, "rec.json"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	return db;
}

/* A lead from the web, named and typed, stored; its id. */
static lc_id web_lead(lc_db *db, const char *name, const char *type, const char *attr)
{
	lc_lead *l;
	lc_id id = 0;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, name), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SOURCE, "web"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_TYPE, type), 0);
	if (attr)
		assert_int_equal(lc_lead_attr_set(l, attr, "red"), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);
	return id;
}

static void test_record_governed(void **state)
{
	lc_db *db = record_store();
	lc_lead *l;
	lc_id id = 0;
	int64_t v;
	(void)state;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SOURCE, "Wbe"), 0);
	create_refused(db, l, "The source 'Wbe' is not in model rec's list; choose one of: web, "
			      "referral");
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SOURCE, "Website"), 0);
	create_refused(db, l, "requires a lead's name");
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, "Ann"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_TYPE, "Business"), 0);
	assert_int_equal(lc_lead_attr_set(l, "colour", "red"), 0);
	create_refused(db, l, "A lead of type Business has no attribute 'colour'; its attributes "
			      "are: industry, employees");
	assert_int_equal(lc_lead_attr_set(l, "colour", NULL), 0);
	assert_int_equal(lc_lead_attr_set(l, "employees", "12"), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);

	/* stored by key, with the type's defaults */
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_SOURCE), "web");
	assert_string_equal(lc_lead_text(l, LC_LEAD_TYPE), "business");
	assert_string_equal(lc_lead_attr_get(l, "industry"), "retail");
	assert_string_equal(lc_lead_attr_get(l, "employees"), "12");
	v = lc_lead_number(l, LC_LEAD_NUM_VERSION);

	/* every edit is judged as the record it would store */
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SOURCE, "fax"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "The source 'fax'"));
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SOURCE, "referral"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, NULL), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "requires a lead's name"));
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, "Ann"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_TYPE, "person"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "A lead of type Person has no attributes"));
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), v);
	assert_string_equal(lc_lead_text(l, LC_LEAD_SOURCE), "web");

	/* a new type brings its defaults; a type without attributes takes none */
	assert_int_equal(lc_lead_list_clear(l, LC_LEAD_ATTRIBUTES), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_TYPE, "Person"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_TYPE), "person");
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_TYPE, "business"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	assert_string_equal(lc_lead_attr_get(l, "industry"), "retail");
	/* a type the model leaves free takes any attribute */
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_TYPE, "other"), 0);
	assert_int_equal(lc_lead_attr_set(l, "colour", "red"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	lc_lead_free(l);
	lc_db_close(db);
}

/* The same model at version 2, without the source web and requiring an
 * email: a lead stored under version 1 is then invalid by its record alone. */
static const char record_model_v2[] =
	"{\"format\": 1, \"name\": \"rec\", \"version\": 2,\n"
	" \"actions\": [{\"label\": \"Call\"}],\n"
	" \"statuses\": [{\"label\": \"New\", \"flags\": [\"initial\"]}],\n"
	" \"sources\": [{\"key\": \"referral\", \"label\": \"Referral\"}],\n"
	" \"types\": [{\"key\": \"other\", \"label\": \"Other\"}],\n"
	" \"required\": [\"name\", \"source\", \"email\"]}";

/* A row of a violations or upgrade table with this field, or SIZE_MAX. */
static size_t row_of_field(const lc_table *t, const char *field)
{
	for (size_t i = 0; i < lc_table_row_count(t); i++)
		if (strcmp(lc_table_text_named(t, i, "field"), field) == 0)
			return i;
	return SIZE_MAX;
}

/* A model that drops a value a stored record holds: the lead is invalid
 * (listed, counted, named by the dry run and by lc_lead_validate) before its
 * next write is refused. */
static void test_record_invalid_after_upgrade(void **state)
{
	lc_db *db = record_store();
	fx qf = { .db = db };
	lc_migration *map = NULL;
	size_t moved = 0;
	lc_model *v2 = NULL;
	lc_violations *v = NULL;
	lc_query *q = NULL;
	lc_table *r = NULL;
	lc_lead *l, *unbound;
	lc_id id = 0, ids[4];
	size_t n = SIZE_MAX;
	size_t row;
	(void)state;

	assert_int_equal(lc_model_load_string(&v2, record_model_v2, "rec2.json"), 0);
	id = web_lead(db, "Ann", "other", NULL);
	assert_int_equal(lc_violations_new(&v), 0);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_lead_validate(l, v), 0);
	assert_int_equal(lc_table_row_count(lc_violations_table(v)), 0);
	lc_lead_free(l);
	assert_int_equal(lc_lead_validate(NULL, v), LC_EINVAL);
	assert_int_equal(lc_lead_new(&unbound), 0);
	assert_int_equal(lc_lead_validate(unbound, v), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "lc_lead_validate"));
	lc_lead_free(unbound);

	/* the dry run names the record's value and its field */
	assert_int_equal(lc_db_model_dry_run(db, v2, &r), 0);
	assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "invalid"), 1);
	assert_true((row = row_of_field(r, "source")) != SIZE_MAX);
	assert_string_equal(lc_table_text_named(r, row, "violation"), "unknown_value");
	assert_string_equal(lc_table_text_named(r, row, "value"), "web");
	assert_int_equal(lc_table_int_named(r, row, "leads"), 1);
	assert_true((row = row_of_field(r, "email")) != SIZE_MAX);
	assert_string_equal(lc_table_text_named(r, row, "violation"), "field_required");
	lc_table_free(r);

	/* installed: counted, listed, and judged with both reasons */
	assert_int_equal(lc_db_install_model(db, v2, NULL), 0);
	assert_int_equal(lc_db_count_invalid(db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_invalid(q, 1), 0);
	assert_int_equal(run_query(&qf, q, ids, 4), 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_lead_validate(l, v), LC_EINVALID);
	assert_int_equal(lc_table_row_count(lc_violations_table(v)), 2);
	assert_non_null(strstr(lc_error_last(), "(2 violations)"));
	assert_int_equal(lc_lead_validate(l, NULL), LC_EINVALID);
	assert_null(strstr(lc_error_last(), "violation")); /* not counted, so not claimed */
	assert_int_equal(lc_db_lead_update(db, l, -1), LC_EINVALID);
	lc_lead_free(l);
	/* a migration moves the source (by label) as it moves a status; the
	 * missing email, which the move did not cause, does not stop it */
	assert_int_equal(lc_migration_new(&map), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_SOURCE, "web", "Referral"), 0);
	assert_int_equal(lc_db_migrate(db, map, &moved), 0);
	assert_int_equal(moved, 1);
	lc_migration_free(map);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_SOURCE), "referral");
	assert_int_equal(lc_lead_validate(l, v), LC_EINVALID);
	assert_int_equal(lc_table_row_count(lc_violations_table(v)), 1);
	assert_string_equal(lc_table_text_named(lc_violations_table(v), 0, "field"), "email");
	/* mended, it is valid again and leaves the list */
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EMAIL, "ann@example.com"), 0);
	assert_int_equal(lc_lead_validate(l, v), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	assert_int_equal(run_query(&qf, q, ids, 4), 0);
	assert_int_equal(lc_db_count_invalid(db, &n), 0);
	assert_int_equal(n, 0);
	lc_lead_free(l);
	lc_query_free(q);
	lc_violations_free(v);
	lc_model_free(v2);
	lc_db_close(db);
}

/* A migration may move a lead's type: the lead gets the new type's default
 * attributes, and a move that leaves it with an attribute the new type does
 * not define is refused, nothing moved. */
static void test_migrate_record_type(void **state)
{
	lc_db *db = record_store();
	lc_migration *map = NULL;
	lc_lead *l;
	lc_id person = web_lead(db, "Ann", "person", NULL);
	size_t moved = SIZE_MAX;
	(void)state;

	web_lead(db, "Bob", "other", "colour");

	assert_int_equal(lc_migration_new(&map), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_TYPE, "other", "business"), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_TYPE, "person", "Business"), 0);
	assert_int_equal(lc_db_migrate(db, map, &moved), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "no attribute 'colour'"));
	assert_non_null(strstr(lc_error_last(), "nothing moved"));
	assert_int_equal(lc_db_lead_get(db, person, &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_TYPE), "person");
	lc_lead_free(l);
	lc_migration_free(map);

	assert_int_equal(lc_migration_new(&map), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_TYPE, "person", "Business"), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_PHASE, "a", "b"), LC_EINVAL);
	assert_int_equal(lc_db_migrate(db, map, &moved), 0);
	assert_int_equal(moved, 1);
	lc_migration_free(map);
	assert_int_equal(lc_db_lead_get(db, person, &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_TYPE), "business");
	assert_string_equal(lc_lead_attr_get(l, "industry"), "retail");
	assert_int_equal(lc_lead_validate(l, NULL), 0);
	lc_lead_free(l);
	lc_db_close(db);
}

/* A store moved to a model without an axis (leadmanager's milestones and
 * statuses under particle, which has stages only): no disposition can set
 * a value on that axis, so a migration to no value ("") is the way out;
 * the engine then judges the lead as for any move. */
static void test_migrate_clears_a_gone_axis(void **state)
{
	lc_db *db = NULL;
	lc_model *lm = NULL, *pt = NULL;
	lc_lead *l = NULL;
	lc_migration *map = NULL;
	lc_id id;
	size_t moved = SIZE_MAX, invalid = SIZE_MAX;
	(void)state;

	assert_int_equal(lc_db_open(&db, "memory:", NULL), 0);
	assert_int_equal(lc_model_preset(&lm, "leadmanager"), 0);
	assert_int_equal(lc_model_preset(&pt, "particle"), 0);
	assert_int_equal(lc_db_install_model(db, lm, NULL), 0);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, "Ana"), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_install_model(db, pt, NULL), 0);
	assert_int_equal(lc_db_count_invalid(db, &invalid), 0);
	assert_int_equal(invalid, 1);

	assert_int_equal(lc_migration_new(&map), 0);
	/* a record field is never cleared by a migration */
	assert_int_equal(lc_migration_add(map, LC_AXIS_SOURCE, "web", ""), LC_EINVAL);
	assert_int_equal(lc_migration_add(map, LC_AXIS_MILESTONE, "no_milestone", ""), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_STATUS, "new", ""), 0);
	assert_int_equal(lc_db_migrate(db, map, &moved), 0);
	assert_int_equal(moved, 1);
	lc_migration_free(map);

	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_null(lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE));
	assert_null(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS));
	lc_lead_free(l);
	assert_int_equal(lc_db_count_invalid(db, &invalid), 0);
	assert_int_equal(invalid, 0);
	lc_model_free(pt);
	lc_model_free(lm);
	lc_db_close(db);
}

/* Issue 10 item 11 (seed 003): "the account details of contact that became
 * a customer through a won lead": the record's account is set once the lead
 * is won (or completed), refused before, and goes when the lead leaves. */
static void apply_action(lc_db *db, lc_disposition *d, lc_id id, const char *action,
			 const char *status, const char *reason)
{
	lc_disposition_reset(d);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, action), 0);
	if (status)
		assert_int_equal(lc_disposition_set(d, LC_AXIS_STATUS, status), 0);
	if (reason)
		assert_int_equal(lc_disposition_set(d, LC_AXIS_REASON, reason), 0);
	assert_int_equal(lc_db_apply(db, id, d, -1, NULL, NULL), 0);
}

static const char *stored_account(lc_db *db, lc_id id, char *buf, size_t size)
{
	lc_lead *l;
	const char *a;
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	a = lc_lead_text(l, LC_LEAD_ACCOUNT);
	snprintf(buf, size, "%s", a ? a : "(none)");
	lc_lead_free(l);
	return buf;
}

/* Moves every lead at status FROM to TO with lc_db_migrate. */
static void migrate_status(lc_db *db, const char *from, const char *to)
{
	lc_migration *map;
	size_t moved = 0;

	assert_int_equal(lc_migration_new(&map), 0);
	assert_int_equal(lc_migration_add(map, LC_AXIS_STATUS, from, to), 0);
	assert_int_equal(lc_db_migrate(db, map, &moved), 0);
	assert_int_equal(moved, 1);
	lc_migration_free(map);
}

static void test_account_of_won_lead(void **state)
{
	lc_db *db = open_store(store_uri());
	lc_disposition *d;
	lc_lead *l;
	lc_id id = 0, other = 0;
	char buf[64];
	(void)state;

	install_preset(db, "crm");
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_ACCOUNT, "Acme"), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "account it converted into only once won"));
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_ACCOUNT, NULL), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_ACCOUNT, "Acme"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), LC_EINVALID);
	lc_lead_free(l);
	assert_string_equal(stored_account(db, id, buf, sizeof buf), "(none)");

	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	apply_action(db, d, id, "win_lead", NULL, NULL);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_ACCOUNT, "Acme"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	lc_lead_free(l);
	assert_string_equal(stored_account(db, id, buf, sizeof buf), "Acme");
	/* completed keeps it; reopening takes it away */
	apply_action(db, d, id, "complete", NULL, NULL);
	assert_string_equal(stored_account(db, id, buf, sizeof buf), "Acme");
	apply_action(db, d, id, "reopen", "in_progress", NULL);
	assert_string_equal(stored_account(db, id, buf, sizeof buf), "(none)");
	/* so does losing a won lead */
	apply_action(db, d, id, "win_lead", NULL, NULL);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_ACCOUNT, "Acme"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	lc_lead_free(l);
	apply_action(db, d, id, "lose_lead", "lost", "price");
	assert_string_equal(stored_account(db, id, buf, sizeof buf), "(none)");
	/* a migration that takes a lead out of won takes the account with it,
	 * and one that takes it out of lost takes the lost reason */
	apply_action(db, d, id, "reopen", "in_progress", NULL);
	apply_action(db, d, id, "win_lead", NULL, NULL);
	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_ACCOUNT, "Acme"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	lc_lead_free(l);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_db_lead_create(db, l, &other), 0);
	lc_lead_free(l);
	apply_action(db, d, other, "lose_lead", "lost", "price");
	assert_int_equal(lc_db_lead_get(db, other, &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_LOST_REASON), "price");
	lc_lead_free(l);
	migrate_status(db, "won", "qualified");
	migrate_status(db, "lost", "in_progress");
	assert_string_equal(stored_account(db, id, buf, sizeof buf), "(none)");
	assert_int_equal(lc_db_lead_get(db, other, &l), 0);
	assert_null(lc_lead_text(l, LC_LEAD_LOST_REASON));
	lc_lead_free(l);
	lc_disposition_free(d);
	lc_db_close(db);

	/* a model without a won state leaves the field free */
	db = open_store(store_uri());
	install_preset(db, "particle");
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_ACCOUNT, "Acme"), 0);
	assert_int_equal(lc_db_lead_create(db, l, &other), 0);
	lc_lead_free(l);
	assert_string_equal(stored_account(db, other, buf, sizeof buf), "Acme");
	lc_db_close(db);
}

/* ---- hostile strings ---- */

static void test_hostile_strings(void **state)
{
	fx *f = *state;
	static const char *const nasty[] = {
		"Robert'); DROP TABLE leads;--",
		"\"quoted\" 'single' `back`",
		"tab\tnewline\ncr\r bell\a esc\x1b",
		"% %s %n %% ?1 :name @x $y",
		"\xe2\x80\xae right-to-left \xf0\x9f\x98\x80 emoji",
		"x' OR '1'='1",
	};
	char *big = malloc(64 * 1024 + 1);
	lc_lead *l, *back;
	lc_id id;

	memset(big, 'z', 64 * 1024);
	big[64 * 1024] = '\0';
	big[100] = '\'';
	for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
		assert_int_equal(lc_lead_new(&l), 0);
		assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, nasty[i]), 0);
		assert_int_equal(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, nasty[i]), 0);
		assert_int_equal(lc_lead_attr_set(l, "k'ey", nasty[i]), 0);
		assert_int_equal(lc_lead_product_add(l, nasty[i], nasty[i]), 0);
		assert_int_equal(lc_db_lead_create(f->db, l, &id), 0);
		assert_int_equal(lc_db_lead_note(f->db, id, nasty[i], nasty[i]), 0);
		assert_int_equal(lc_db_lead_find(f->db, nasty[i], &back), 0);
		assert_int_equal(lc_lead_number(back, LC_LEAD_NUM_ID), id);
		assert_string_equal(lc_lead_text(back, LC_LEAD_NAME), nasty[i]);
		assert_string_equal(lc_lead_attr_get(back, "k'ey"), nasty[i]);
		assert_string_equal(lead_entry(back, LC_LEAD_PRODUCTS, 0).detail, nasty[i]);
		assert_string_equal(lead_entry(back, LC_LEAD_NOTES, 0).text, nasty[i]);
		assert_string_equal(lead_entry(back, LC_LEAD_NOTES, 0).detail, nasty[i]);
		lc_lead_free(back);
		lc_lead_free(l);
	}
	/* A 64 KiB note round-trips through history too. */
	assert_int_equal(lc_db_lead_note(f->db, id, "big", big), 0);
	contacted_hot(f, now_value + 5);
	assert_int_equal(lc_disposition_set_note(f->d, big), 0);
	assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), 0);
	{
		lc_event_iter *it;
		const lc_event *ev;
		int with_big = 0;
		assert_int_equal(lc_db_history(f->db, id, &it), 0);
		while (lc_event_iter_next(it, &ev) == 1)
			if (lc_event_text(ev, LC_EVENT_TEXT_NOTE) && strcmp(lc_event_text(ev, LC_EVENT_TEXT_NOTE), big) == 0)
				with_big++;
		assert_int_equal(with_big, 2); /* the shared note and the disposition's */
		lc_event_iter_free(it);
	}
	/* The queries bind values too. */
	{
		lc_query *q;
		lc_id ids[4];
		assert_int_equal(lc_query_new(&q), 0);
		assert_int_equal(lc_query_set_text(q, LC_LEAD_NAME, nasty[0]), 0);
		assert_int_equal(run_query(f, q, ids, 4), 1);
		assert_int_equal(lc_query_set_text(q, LC_LEAD_NAME, nasty[5]), 0);
		assert_int_equal(run_query(f, q, ids, 4), 1);
		lc_query_free(q);
	}
	free(big);
}

/* Writing while iterating on the same handle (a sweep does this). */
static void test_write_while_iterating(void **state)
{
	fx *f = *state;
	lc_lead_iter *it;
	const lc_lead *l;
	lc_event_iter *eit;
	const lc_event *ev;
	int n = 0;

	for (int i = 0; i < 5; i++)
		new_lead(f->db, "iter");
	assert_int_equal(lc_db_query(f->db, NULL, &it), 0);
	assert_int_equal(lc_db_history(f->db, 0, &eit), 0);
	assert_int_equal(lc_event_iter_next(eit, &ev), 1);
	while (lc_lead_iter_next(it, &l) == 1) {
		/* A refused apply rolls its transaction back; the iterator goes on. */
		contacted_hot(f, LC_TIME_NONE);
		assert_int_equal(lc_db_apply(f->db, lc_lead_number(l, LC_LEAD_NUM_ID), f->d, -1, f->v, NULL), LC_EINVALID);
		assert_int_equal(lc_db_apply(f->db, lc_lead_number(l, LC_LEAD_NUM_ID), f->d, 99, f->v, NULL), LC_ECONFLICT);
		contacted_hot(f, now_value + 500);
		assert_int_equal(lc_db_apply(f->db, lc_lead_number(l, LC_LEAD_NUM_ID), f->d, lc_lead_number(l, LC_LEAD_NUM_VERSION), f->v, NULL), 0);
		assert_int_equal(lc_db_lead_note(f->db, lc_lead_number(l, LC_LEAD_NUM_ID), "x", "during"), 0);
		n++;
	}
	assert_int_equal(n, 5);
	lc_lead_iter_free(it);
	lc_event_iter_free(eit);
	assert_int_equal(event_count(f->db, 3), 3);
}

/* The apply hot path allocates nothing once warm. */
static long allocs;

static void *count_malloc(size_t n, void *ud)
{
	(void)ud;
	allocs++;
	return malloc(n);
}

static void *count_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	allocs++;
	return realloc(p, n);
}

static void count_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

static void test_apply_allocates_nothing(void **state)
{
	lc_allocator a = LC_ALLOCATOR_INIT;
	fx *f;
	lc_id id;

	a.malloc_fn = count_malloc;
	a.realloc_fn = count_realloc;
	a.free_fn = count_free;
	assert_int_equal(lc_set_allocator(&a), 0);
	setup(state);
	f = *state;
	id = new_lead(f->db, "hot path");
	assert_int_equal(lc_disposition_set_note(f->d, "a note that is reused"), 0);
	for (int i = 0; i < 3; i++) {
		contacted_hot(f, now_value + 1000 + i);
		assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), 0);
	}
	/* Steady state: the memory backend keeps the history in arrays that
	 * double, so after 5000 events they have room for 8192. SQLite reuses
	 * every buffer from the first apply. */
	for (int phase = 0; phase < 2; phase++) {
		allocs = 0;
		for (int i = 0; i < (phase ? 3000 : 5000); i++) {
			lc_disposition_reset(f->d);
			lc_disposition_set_index(f->d, LC_AXIS_ACTION, 0);
			lc_disposition_set_index(f->d, LC_AXIS_MILESTONE, 1);
			lc_disposition_set_index(f->d, LC_AXIS_STATUS, 4);
			lc_disposition_set_follow_up(f->d, now_value + 5000 + i);
			assert_int_equal(lc_db_apply(f->db, id, f->d, -1, f->v, NULL), 0);
		}
		/* Growing the history is all the warm-up may allocate. */
		if (phase == 0 && strncmp(store_uri(), "memory:", 7) == 0)
			assert_true(allocs <= 12);
		else
			assert_int_equal(allocs, 0);
	}
	teardown(state);
	assert_int_equal(lc_set_allocator(NULL), 0);
}

/* Worklists: the backend's slot (SQLite) and the core's fallback (memory)
 * give the same list. */
typedef struct wl_row {
	lc_id id;
	lc_worklist_reason kind;
} wl_row;

typedef struct wl_got {
	wl_row rows[16];
	size_t n;
	size_t stop_after;
} wl_got;

static int wl_collect(void *ud, lc_id lead, lc_worklist_reason kind, lc_time follow_up)
{
	wl_got *g = ud;
	(void)follow_up;
	g->rows[g->n].id = lead;
	g->rows[g->n].kind = kind;
	g->n++;
	return g->stop_after && g->n >= g->stop_after ? 7 : 0;
}

static void test_worklist(void **state)
{
	fx *f = *state;
	lc_time day = now_value + 10 * 86400;
	lc_id ann, ben, fresh, later, due2, due1, over, binned, other, fresh2, at_start, at_end;
	wl_got g;

	lc_db_agent_add(f->db, "ann", &ann);
	lc_db_agent_add(f->db, "ben", &ben);
	fresh = new_lead(f->db, "fresh");
	later = new_lead(f->db, "later");
	due2 = new_lead(f->db, "due2");
	due1 = new_lead(f->db, "due1");
	over = new_lead(f->db, "over");
	binned = new_lead(f->db, "binned");
	other = new_lead(f->db, "other");
	fresh2 = new_lead(f->db, "fresh2");
	at_start = new_lead(f->db, "at_start");
	at_end = new_lead(f->db, "at_end");
	/* The day is [day, day + 86400): its first second is due, the next
	 * day's first second is not on the list. */
	contacted_hot(f, day);
	assert_int_equal(lc_db_apply(f->db, at_start, f->d, -1, f->v, NULL), 0);
	contacted_hot(f, day + 86400);
	assert_int_equal(lc_db_apply(f->db, at_end, f->d, -1, f->v, NULL), 0);
	contacted_hot(f, day + 2 * 86400);
	assert_int_equal(lc_db_apply(f->db, later, f->d, -1, f->v, NULL), 0);
	contacted_hot(f, day + 7200);
	assert_int_equal(lc_db_apply(f->db, due2, f->d, -1, f->v, NULL), 0);
	contacted_hot(f, day + 3600);
	assert_int_equal(lc_db_apply(f->db, due1, f->d, -1, f->v, NULL), 0);
	contacted_hot(f, day - 86400);
	assert_int_equal(lc_db_apply(f->db, over, f->d, -1, f->v, NULL), 0);
	assert_int_equal(lc_db_apply(f->db, binned, f->d, -1, f->v, NULL), 0);
	assert_int_equal(lc_db_apply(f->db, other, f->d, -1, f->v, NULL), 0);
	for (lc_id id = fresh; id <= at_end; id++)
		assert_int_equal(lc_db_lead_assign(f->db, id, 0, id == other ? ben : ann), 0);
	assert_int_equal(lc_db_lead_recycle(f->db, binned), 0);

	memset(&g, 0, sizeof g);
	assert_int_equal(lc__db_worklist(f->db, ann, day, day + 86400, 0, wl_collect, &g), 0);
	assert_int_equal(g.n, 6);
	assert_int_equal(g.rows[0].id, over);
	assert_int_equal(g.rows[0].kind, LC_WORKLIST_REASON_OVERDUE);
	assert_int_equal(g.rows[1].id, at_start);
	assert_int_equal(g.rows[1].kind, LC_WORKLIST_REASON_DUE);
	assert_int_equal(g.rows[2].id, due1);
	assert_int_equal(g.rows[2].kind, LC_WORKLIST_REASON_DUE);
	assert_int_equal(g.rows[3].id, due2);
	assert_int_equal(g.rows[4].id, fresh);
	assert_int_equal(g.rows[4].kind, LC_WORKLIST_REASON_NEW);
	assert_int_equal(g.rows[5].id, fresh2);
	/* A limit, and an emit that stops. */
	memset(&g, 0, sizeof g);
	assert_int_equal(lc__db_worklist(f->db, ann, day, day + 86400, 2, wl_collect, &g), 0);
	assert_int_equal(g.n, 2);
	memset(&g, 0, sizeof g);
	g.stop_after = 3;
	assert_int_equal(lc__db_worklist(f->db, ann, day, day + 86400, 0, wl_collect, &g), 7);
	assert_int_equal(g.n, 3);
	assert_int_equal(lc__db_worklist(f->db, 0, day, day + 86400, 0, wl_collect, &g), LC_EINVAL);
}

/* Bulk insert (the importer's path): all or nothing. */
static void test_bulk_insert(void **state)
{
	fx *f = *state;
	lc_lead *l[3];
	size_t n;

	for (int i = 0; i < 3; i++) {
		char ext[16];
		assert_int_equal(lc_lead_new(&l[i]), 0);
		snprintf(ext, sizeof ext, "bulk-%d", i);
		assert_int_equal(lc_lead_set_text(l[i], LC_LEAD_EXTERNAL_ID, ext), 0);
	}
	assert_int_equal(lc_lead_set_text(l[2], LC_LEAD_EXTERNAL_ID, "bulk-0"), 0);
	assert_int_not_equal(lc__db_bulk_insert(f->db, l, 3), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(lc_lead_number(l[i], LC_LEAD_NUM_ID), 0);
	assert_int_equal(lc_db_count(f->db, NULL, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(lc_lead_set_text(l[2], LC_LEAD_EXTERNAL_ID, "bulk-2"), 0);
	assert_int_equal(lc__db_bulk_insert(f->db, l, 3), 0);
	for (int i = 0; i < 3; i++) {
		assert_true(lc_lead_number(l[i], LC_LEAD_NUM_ID) > 0);
		assert_int_equal(lc_lead_number(l[i], LC_LEAD_NUM_VERSION), 1);
		assert_int_equal(event_count(f->db, lc_lead_number(l[i], LC_LEAD_NUM_ID)), 1);
		lc_lead_free(l[i]);
	}
	assert_int_equal(lc_db_count(f->db, NULL, &n), 0);
	assert_int_equal(n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_bad_arguments),
		cmocka_unit_test(test_open_memory_forms),
		cmocka_unit_test_setup_teardown(test_clock_and_actor, setup, teardown),
		cmocka_unit_test(test_models_need_install),
		cmocka_unit_test(test_model_versions),
		cmocka_unit_test_setup_teardown(test_lead_create_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lead_create_with_state, setup, teardown),
		cmocka_unit_test(test_lead_create_initial),
		cmocka_unit_test(test_replay_across_models),
		cmocka_unit_test_setup_teardown(test_lead_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_invalid_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_other_model_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poisoned_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_interleaved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_equals_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agents_and_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_and_assign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recycle_restore_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_labels, setup, teardown),
		cmocka_unit_test(test_query_alias),
		cmocka_unit_test(test_query_getters),
		cmocka_unit_test_setup_teardown(test_model_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_judged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_values, setup, teardown),
		cmocka_unit_test(test_lost_reason_on_record),
		cmocka_unit_test(test_record_governed),
		cmocka_unit_test(test_record_invalid_after_upgrade),
		cmocka_unit_test(test_migrate_record_type),
		cmocka_unit_test(test_migrate_clears_a_gone_axis),
		cmocka_unit_test(test_account_of_won_lead),
		cmocka_unit_test_setup_teardown(test_hostile_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_while_iterating, setup, teardown),
		cmocka_unit_test(test_apply_allocates_nothing),
		cmocka_unit_test_setup_teardown(test_worklist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_insert, setup, teardown),
	};
	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
