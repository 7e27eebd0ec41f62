/* NULL arguments across the public API (issue 13, item 9): every module's
 * calls refuse a NULL pointer with LC_EINVAL and the one message shape
 * "<function>: <parameter> is NULL", the parameter named as its header
 * documents it. Each call gets valid values for the arguments before the
 * NULL one, so that the message must name the right parameter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leadcore/leadcore.h"
#include "leadcore/sys/storage.h"

/* The call's text (from the macro) gives the function's name. */
static void expect_null_arg(const char *call, int rc, const char *param)
{
	char want[160];
	int n = (int)strcspn(call, "(");

	snprintf(want, sizeof want, "%.*s: %s is NULL", n, call, param);
	if (rc != LC_EINVAL || lc_error_last_code() != LC_EINVAL ||
	    strcmp(lc_error_last(), want) != 0)
		fail_msg("%s returned %d (%s), message \"%s\"; want LC_EINVAL, \"%s\"", call, rc,
			 lc_error_name(rc), lc_error_last(), want);
}

#define NULL_ARG(param, call)      \
	do {                       \
		lc_error_clear();  \
		expect_null_arg(#call, (call), param); \
	} while (0)

typedef struct fx {
	lc_model *m;
	lc_db *db;
	lc_lead *lead;
	lc_state *st;
	lc_disposition *d;
	lc_query *q;
	lc_table *t;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	assert_int_equal(lc_model_preset(&f->m, "insurance"), 0);
	assert_int_equal(lc_db_open(&f->db, ":memory:", NULL), 0);
	assert_int_equal(lc_db_install_model(f->db, f->m, NULL), 0);
	assert_int_equal(lc_lead_new(&f->lead), 0);
	assert_int_equal(lc_state_new(&f->st, f->m), 0);
	assert_int_equal(lc_disposition_new(&f->d, f->m), 0);
	assert_int_equal(lc_query_new(&f->q), 0);
	assert_int_equal(lc_model_presets(&f->t), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;

	lc_table_free(f->t);
	lc_query_free(f->q);
	lc_disposition_free(f->d);
	lc_state_free(f->st);
	lc_lead_free(f->lead);
	lc_db_close(f->db);
	lc_model_free(f->m);
	free(f);
	return 0;
}

static void test_core(void **state)
{
	fx *f = *state;
	size_t col;
	lc_time t;

	NULL_ARG("text", lc_time_parse(NULL, &t));
	NULL_ARG("out", lc_time_parse("2030-01-01", NULL));
	NULL_ARG("buf", lc_time_format(0, NULL, LC_TIME_FORMAT_SIZE));
	NULL_ARG("alloc", lc_allocator_init(NULL, LC_ALLOCATOR_VERSION));
	NULL_ARG("t", lc_table_column_find(NULL, "name", &col));
	NULL_ARG("name", lc_table_column_find(f->t, NULL, &col));
	NULL_ARG("col", lc_table_column_find(f->t, "name", NULL));
}

static void test_model(void **state)
{
	fx *f = *state;
	lc_model *m;
	lc_model_builder *b;
	lc_table *t;
	lc_axis axis;
	lc_outcome outcome;
	size_t i;
	int allowed;
	char *text;

	NULL_ARG("name", lc_axis_parse(NULL, &axis));
	NULL_ARG("out", lc_axis_parse("stage", NULL));
	NULL_ARG("name", lc_outcome_parse(NULL, &outcome));
	NULL_ARG("out", lc_outcome_parse("won", NULL));
	NULL_ARG("out", lc_model_presets(NULL));
	NULL_ARG("out", lc_model_preset(NULL, "insurance"));
	NULL_ARG("name", lc_model_preset(&m, NULL));
	NULL_ARG("json", lc_model_load_string(&m, NULL, "x"));
	NULL_ARG("path", lc_model_load_file(&m, NULL));
	NULL_ARG("name_or_path", lc_model_load(&m, NULL));
	NULL_ARG("json", lc_model_check_string(NULL, "x", &t));
	NULL_ARG("out", lc_model_check_file("x.json", NULL));
	NULL_ARG("model", lc_model_to_json(NULL, &text, NULL));
	NULL_ARG("out", lc_model_to_dot(f->m, NULL, 0, NULL, NULL));
	NULL_ARG("model", lc_model_value_find(NULL, LC_AXIS_STAGE, "x", &i));
	NULL_ARG("key_or_label", lc_model_value_find(f->m, LC_AXIS_STAGE, NULL, &i));
	NULL_ARG("index", lc_model_value_find(f->m, LC_AXIS_STAGE, "x", NULL));
	NULL_ARG("next", lc_model_value_next(f->m, LC_AXIS_STAGE, 0, NULL));
	NULL_ARG("parent", lc_model_value_parent(f->m, LC_AXIS_STAGE, 0, NULL));
	NULL_ARG("model", lc_model_link_allowed(NULL, 0, 0, &allowed));
	NULL_ARG("allowed", lc_model_link_allowed(f->m, 0, 0, NULL));
	NULL_ARG("out", lc_model_rules(f->m, NULL));
	NULL_ARG("model", lc_model_rules(NULL, &t));
	NULL_ARG("model", lc_model_to_dot(NULL, NULL, 0, &text, NULL));
	NULL_ARG("out", lc_model_to_json(f->m, NULL, NULL));
	NULL_ARG("model", lc_model_value_next(NULL, LC_AXIS_STAGE, 0, &i));
	NULL_ARG("model", lc_model_value_parent(NULL, LC_AXIS_STAGE, 0, &i));
	NULL_ARG("out", lc_model_load(NULL, "insurance"));
	NULL_ARG("out", lc_model_load_file(NULL, "x.json"));
	NULL_ARG("out", lc_model_load_string(NULL, "{}", NULL));
	NULL_ARG("out", lc_model_check_string("{}", NULL, NULL));
	NULL_ARG("path", lc_model_check_file(NULL, &t));

	NULL_ARG("out", lc_model_builder_new(NULL, "m", 1));
	NULL_ARG("name", lc_model_builder_new(&b, NULL, 1));
	NULL_ARG("b", lc_model_builder_set_description(NULL, "d"));
	NULL_ARG("b", lc_model_builder_add_value(NULL, LC_AXIS_STAGE, "k", "K", NULL, 0));
	NULL_ARG("b", lc_model_builder_build(NULL, &m));
	NULL_ARG("b", lc_model_builder_alias(NULL, LC_AXIS_STAGE, "k", "a"));
	NULL_ARG("b", lc_model_builder_reason_use(NULL, "r", 0, 0));
	NULL_ARG("b", lc_model_builder_set_parent(NULL, LC_AXIS_STAGE, "k", "p"));
	NULL_ARG("b", lc_model_builder_require(NULL, LC_AXIS_STAGE, "k", 0));
	NULL_ARG("b", lc_model_builder_block(NULL, LC_AXIS_STAGE, "k", "a"));
	NULL_ARG("b", lc_model_builder_link(NULL, "m", "s"));
	NULL_ARG("b", lc_model_builder_cross(NULL, "a", NULL, NULL));
	NULL_ARG("b", lc_model_builder_set_outcomes(NULL, LC_AXIS_STAGE, -1, 0));
	NULL_ARG("b", lc_model_builder_allow_transition(NULL, LC_AXIS_STAGE, "a", "b"));
	assert_int_equal(lc_model_builder_new(&b, "m", 1), 0);
	NULL_ARG("description", lc_model_builder_set_description(b, NULL));
	NULL_ARG("label", lc_model_builder_add_value(b, LC_AXIS_STAGE, "k", NULL, NULL, 0));
	NULL_ARG("key", lc_model_builder_require(b, LC_AXIS_STAGE, NULL, 0));
	NULL_ARG("action_key", lc_model_builder_cross(b, NULL, NULL, NULL));
	NULL_ARG("key", lc_model_builder_set_parent(b, LC_AXIS_STAGE, NULL, "p"));
	NULL_ARG("parent_key", lc_model_builder_set_parent(b, LC_AXIS_STAGE, "k", NULL));
	NULL_ARG("key", lc_model_builder_alias(b, LC_AXIS_STAGE, NULL, "a"));
	NULL_ARG("alias", lc_model_builder_alias(b, LC_AXIS_STAGE, "k", NULL));
	NULL_ARG("key", lc_model_builder_block(b, LC_AXIS_STAGE, NULL, "a"));
	NULL_ARG("action_key", lc_model_builder_block(b, LC_AXIS_STAGE, "k", NULL));
	NULL_ARG("reason_key", lc_model_builder_reason_use(b, NULL, 0, 0));
	NULL_ARG("milestone_key", lc_model_builder_link(b, NULL, "s"));
	NULL_ARG("status_key", lc_model_builder_link(b, "m", NULL));
	NULL_ARG("from_key", lc_model_builder_allow_transition(b, LC_AXIS_STAGE, NULL, "b"));
	NULL_ARG("to_key", lc_model_builder_allow_transition(b, LC_AXIS_STAGE, "a", NULL));
	NULL_ARG("out", lc_model_builder_build(b, NULL));
	lc_model_builder_free(b);
}

static void test_engine(void **state)
{
	fx *f = *state;
	lc_state *s;
	lc_disposition *d;
	lc_violations *v;

	NULL_ARG("out", lc_state_new(NULL, f->m));
	NULL_ARG("model", lc_state_new(&s, NULL));
	NULL_ARG("src", lc_state_copy(f->st, NULL));
	NULL_ARG("dst", lc_state_copy(NULL, f->st));
	NULL_ARG("state", lc_state_set(NULL, LC_AXIS_STAGE, "x"));
	NULL_ARG("state", lc_state_set_time(NULL, LC_STATE_TIME_FOLLOW_UP, LC_TIME_NONE));
	NULL_ARG("state", lc_state_set_flags(NULL, 0));
	NULL_ARG("state", lc_state_set_stage_entries(NULL, "s", 1));
	NULL_ARG("stage_key", lc_state_set_stage_entries(f->st, NULL, 1));
	NULL_ARG("state", lc_state_set_initial(NULL));
	NULL_ARG("d", lc_disposition_set_outcome(NULL, LC_OUTCOME_PROGRESSING));
	NULL_ARG("d", lc_disposition_set_follow_up(NULL, LC_TIME_NONE));
	NULL_ARG("d", lc_disposition_set_actor(NULL, "a"));
	NULL_ARG("out", lc_disposition_new(NULL, f->m));
	NULL_ARG("model", lc_disposition_new(&d, NULL));
	NULL_ARG("d", lc_disposition_set(NULL, LC_AXIS_STATUS, "x"));
	NULL_ARG("d", lc_disposition_set_index(NULL, LC_AXIS_STATUS, 0));
	NULL_ARG("d", lc_disposition_set_note(NULL, "n"));
	NULL_ARG("out", lc_violations_new(NULL));
	assert_int_equal(lc_violations_new(&v), 0);
	NULL_ARG("model", lc_validate(NULL, f->st, f->d, 0, v));
	NULL_ARG("current", lc_validate(f->m, NULL, f->d, 0, v));
	NULL_ARG("d", lc_validate(f->m, f->st, NULL, 0, v));
	NULL_ARG("model", lc_validate_state(NULL, f->st, v));
	NULL_ARG("state", lc_validate_state(f->m, NULL, v));
	NULL_ARG("model", lc_transition(NULL, f->st, f->d, 0, f->st, v));
	NULL_ARG("current", lc_transition(f->m, NULL, f->d, 0, f->st, v));
	NULL_ARG("d", lc_transition(f->m, f->st, NULL, 0, f->st, v));
	NULL_ARG("next", lc_transition(f->m, f->st, f->d, 0, NULL, v));
	lc_violations_free(v);
}

static void test_lead(void **state)
{
	fx *f = *state;
	lc_lead *l;
	lc_lead_text_field field;
	lc_lead_entry entry = LC_LEAD_ENTRY_INIT;

	NULL_ARG("out", lc_lead_new(NULL));
	NULL_ARG("out", lc_lead_clone(NULL, f->lead));
	NULL_ARG("src", lc_lead_clone(&l, NULL));
	NULL_ARG("lead", lc_lead_list_get(NULL, LC_LEAD_PRODUCTS, 0, &entry));
	NULL_ARG("lead", lc_lead_product_add(NULL, "n", NULL));
	NULL_ARG("lead", lc_lead_name_add(NULL, LC_LEAD_TEAM, "n"));
	NULL_ARG("lead", lc_lead_activity_add(NULL, "w", LC_TIME_NONE, NULL));
	NULL_ARG("lead", lc_lead_attr_set(NULL, "k", "v"));
	NULL_ARG("lead", lc_lead_bind(NULL, f->m));
	NULL_ARG("lead", lc_lead_set_state(NULL, f->st));
	NULL_ARG("lead", lc_lead_set_probability(NULL, 50));
	NULL_ARG("lead", lc_lead_set_amount(NULL, 100, "EUR"));
	NULL_ARG("lead", lc_lead_set_date(NULL, (lc_lead_date_field)0, LC_TIME_NONE));
	NULL_ARG("lead", lc_lead_set_unit(NULL, 0));
	NULL_ARG("lead", lc_lead_set_flag(NULL, 0, 1));
	NULL_ARG("lead", lc_lead_list_remove(NULL, LC_LEAD_PRODUCTS, 0));
	NULL_ARG("lead", lc_lead_validate(NULL, NULL));
	NULL_ARG("name", lc_lead_text_parse(NULL, &field));
	NULL_ARG("out", lc_lead_text_parse("name", NULL));
	NULL_ARG("lead", lc_lead_set_text(NULL, LC_LEAD_NAME, "x"));
	NULL_ARG("lead", lc_lead_set_agent(NULL, 1));
	NULL_ARG("entry", lc_lead_list_get(f->lead, LC_LEAD_PRODUCTS, 0, NULL));
	NULL_ARG("lead", lc_lead_list_clear(NULL, LC_LEAD_PRODUCTS));
	NULL_ARG("name", lc_lead_product_add(f->lead, NULL, NULL));
	NULL_ARG("name", lc_lead_name_add(f->lead, LC_LEAD_TEAM, NULL));
	NULL_ARG("what", lc_lead_activity_add(f->lead, NULL, LC_TIME_NONE, NULL));
	NULL_ARG("key", lc_lead_attr_set(f->lead, NULL, "v"));
	NULL_ARG("model", lc_lead_bind(f->lead, NULL));
	NULL_ARG("state", lc_lead_set_state(f->lead, NULL));
}

static void test_store(void **state)
{
	fx *f = *state;
	lc_db *db;
	lc_model *m;
	lc_table *t;
	lc_lead *l;
	const lc_lead *cl;
	const lc_event *ev;
	lc_event_kind kind;
	lc_lead_iter *it;
	lc_event_iter *eit;
	lc_migration *mig;
	lc_id id;
	size_t n;

	NULL_ARG("opts", lc_db_options_init(NULL, LC_DB_OPTIONS_VERSION));
	NULL_ARG("out", lc_db_open(NULL, ":memory:", NULL));
	NULL_ARG("uri", lc_db_open(&db, NULL, NULL));
	NULL_ARG("db", lc_db_begin(NULL));
	NULL_ARG("db", lc_db_commit(NULL));
	NULL_ARG("db", lc_db_rollback(NULL));
	NULL_ARG("db", lc_db_set_actor(NULL, "a"));
	NULL_ARG("db", lc_db_set_progress(NULL, NULL, NULL));
	NULL_ARG("db", lc_db_count_invalid(NULL, &n));
	NULL_ARG("out", lc_db_count_invalid(f->db, NULL));
	NULL_ARG("db", lc_db_lead_update(NULL, f->lead, -1));
	NULL_ARG("lead", lc_db_lead_update(f->db, NULL, -1));
	NULL_ARG("db", lc_db_lead_assign(NULL, 1, 0, 0));
	NULL_ARG("db", lc_db_lead_recycle(NULL, 1));
	NULL_ARG("db", lc_db_lead_restore(NULL, 1));
	NULL_ARG("db", lc_db_agent_find(NULL, "a", &id));
	NULL_ARG("name", lc_db_agent_find(f->db, NULL, &id));
	NULL_ARG("id", lc_db_agent_find(f->db, "a", NULL));
	NULL_ARG("db", lc_db_agent_set_active(NULL, 1, 1));
	NULL_ARG("db", lc_db_unit_add(NULL, "u", &id));
	NULL_ARG("name", lc_db_unit_add(f->db, NULL, &id));
	NULL_ARG("db", lc_db_unit_leave(NULL, 1, 1));
	NULL_ARG("db", lc_db_units(NULL, 0, &t));
	NULL_ARG("out", lc_db_units(f->db, 0, NULL));
	NULL_ARG("name", lc_event_kind_parse(NULL, &kind));
	NULL_ARG("out", lc_event_kind_parse("disposition", NULL));
	NULL_ARG("out", lc_query_new(NULL));
	NULL_ARG("q", lc_query_set_value(NULL, LC_AXIS_STAGE, "s"));
	NULL_ARG("q", lc_query_set_text(NULL, LC_LEAD_NAME, "n"));
	NULL_ARG("q", lc_query_set_unit(NULL, 1));
	NULL_ARG("q", lc_query_set_follow_up(NULL, LC_TIME_NONE, LC_TIME_NONE));
	NULL_ARG("q", lc_query_set_recycled(NULL, LC_RECYCLED_EXCLUDE));
	NULL_ARG("q", lc_query_set_invalid(NULL, 1));
	NULL_ARG("q", lc_query_set_value_flags(NULL, 0));
	NULL_ARG("q", lc_query_set_page(NULL, 0, 10));
	NULL_ARG("model", lc_db_install_model(f->db, NULL, NULL));
	NULL_ARG("out", lc_db_model_get(f->db, 1, NULL, NULL));
	NULL_ARG("db", lc_db_model_get(NULL, 1, &m, NULL));
	NULL_ARG("new_model", lc_db_model_dry_run(f->db, NULL, &t));
	NULL_ARG("db", lc_db_install_model(NULL, f->m, NULL));
	NULL_ARG("db", lc_db_model_dry_run(NULL, f->m, &t));
	NULL_ARG("out", lc_db_model_dry_run(f->db, f->m, NULL));
	NULL_ARG("db", lc_db_lead_create(NULL, f->lead, &id));
	NULL_ARG("lead", lc_db_lead_create(f->db, NULL, &id));
	NULL_ARG("db", lc_db_lead_get(NULL, 1, &l));
	NULL_ARG("db", lc_db_lead_find(NULL, "x", &l));
	NULL_ARG("out", lc_db_lead_find(f->db, "x", NULL));
	NULL_ARG("db", lc_db_apply(NULL, 1, f->d, -1, NULL, NULL));
	NULL_ARG("db", lc_db_lead_note(NULL, 1, NULL, "t"));
	NULL_ARG("db", lc_db_replay(NULL, 1, f->st));
	NULL_ARG("db", lc_db_verify(NULL, &t));
	NULL_ARG("db", lc_db_count(NULL, NULL, &n));
	NULL_ARG("db", lc_db_history(NULL, 0, &eit));
	NULL_ARG("db", lc_db_agent_add(NULL, "a", &id));
	NULL_ARG("db", lc_db_agents(NULL, 0, &t));
	NULL_ARG("db", lc_db_unit_find(NULL, "u", &id));
	NULL_ARG("name", lc_db_unit_find(f->db, NULL, &id));
	NULL_ARG("db", lc_db_migrate(NULL, NULL, &n));
	NULL_ARG("it", lc_lead_iter_next(NULL, &cl));
	NULL_ARG("it", lc_event_iter_next(NULL, &ev));
	NULL_ARG("q", lc_query_set_attribute(NULL, "k", "v"));
	NULL_ARG("out", lc_db_lead_get(f->db, 1, NULL));
	NULL_ARG("external_id", lc_db_lead_find(f->db, NULL, &l));
	NULL_ARG("d", lc_db_apply(f->db, 1, NULL, -1, NULL, NULL));
	NULL_ARG("db", lc_db_lead_accept(NULL, 1, 1));
	NULL_ARG("text", lc_db_lead_note(f->db, 1, NULL, NULL));
	NULL_ARG("out", lc_db_replay(f->db, 1, NULL));
	NULL_ARG("out", lc_db_verify(f->db, NULL));
	NULL_ARG("out", lc_db_query(f->db, NULL, NULL));
	NULL_ARG("db", lc_db_query(NULL, NULL, &it));
	NULL_ARG("out", lc_db_count(f->db, NULL, NULL));
	NULL_ARG("out", lc_db_history(f->db, 0, NULL));
	NULL_ARG("name", lc_db_agent_add(f->db, NULL, &id));
	NULL_ARG("id", lc_db_unit_find(f->db, "u", NULL));
	NULL_ARG("out", lc_db_agents(f->db, 0, NULL));
	NULL_ARG("db", lc_db_unit_join(NULL, 1, 1));
	NULL_ARG("q", lc_query_set_agent(NULL, 1));
	NULL_ARG("q", lc_query_set_created(NULL, LC_TIME_NONE, LC_TIME_NONE));
	NULL_ARG("value", lc_query_set_attribute(f->q, "k", NULL));
	NULL_ARG("out", lc_migration_new(NULL));
	assert_int_equal(lc_migration_new(&mig), 0);
	NULL_ARG("m", lc_migration_add(NULL, LC_AXIS_STATUS, "a", "b"));
	NULL_ARG("from", lc_migration_add(mig, LC_AXIS_STATUS, NULL, "b"));
	NULL_ARG("to", lc_migration_add(mig, LC_AXIS_STATUS, "a", NULL));
	NULL_ARG("map", lc_db_migrate(f->db, NULL, &n));
	lc_migration_free(mig);

	assert_int_equal(lc_db_query(f->db, NULL, &it), 0);
	NULL_ARG("lead", lc_lead_iter_next(it, NULL));
	lc_lead_iter_free(it);
	assert_int_equal(lc_db_history(f->db, 0, &eit), 0);
	NULL_ARG("ev", lc_event_iter_next(eit, NULL));
	lc_event_iter_free(eit);
}

/* The backend API (sys/storage.h). */
static void test_backend(void **state)
{
	fx *f = *state;
	lc_storage vt = LC_STORAGE_INIT;
	lc_table *t;
	int32_t hint = -1;

	NULL_ARG("st", lc_storage_init(NULL, LC_STORAGE_VERSION));
	NULL_ARG("scheme", lc_storage_register(NULL, &vt));
	NULL_ARG("vtable", lc_storage_register("argtest", NULL));
	NULL_ARG("scheme", lc_storage_unregister(NULL));
	NULL_ARG("state", lc_state_set_stored(NULL, LC_AXIS_STAGE, "x", &hint));
	NULL_ARG("stage_key", lc_state_set_stored_entries(f->st, NULL, 1, &hint));
	NULL_ARG("lead", lc_lead_sys_set_meta(NULL, 1, 1, 0, 0, 0));
	NULL_ARG("lead", lc_lead_sys_set_id(NULL, 1));
	NULL_ARG("state", lc_state_set_stored_entries(NULL, "s", 1, &hint));
	NULL_ARG("dst", lc_lead_sys_copy(NULL, f->lead, LC_STORAGE_PART_ALL));
	NULL_ARG("src", lc_lead_sys_copy(f->lead, NULL, LC_STORAGE_PART_ALL));
	NULL_ARG("lead", lc_lead_sys_add_note(NULL, 0, NULL, "t"));
	NULL_ARG("text", lc_lead_sys_add_note(f->lead, 0, NULL, NULL));
	NULL_ARG("ev", lc_event_sys_set_id(NULL, 1));
	NULL_ARG("ev", lc_event_sys_set_value(NULL, LC_AXIS_STATUS, "x"));
	NULL_ARG("ev", lc_event_sys_set_lead(NULL, 1));
	NULL_ARG("ev", lc_event_sys_set_text(NULL, LC_EVENT_TEXT_NOTE, "n"));
	NULL_ARG("ev", lc_event_sys_set_meta(NULL, 1, 1, 1, 0, LC_EVENT_DISPOSITION, 1,
					     LC_OUTCOME_PROGRESSING, LC_TIME_NONE));
	NULL_ARG("t", lc_table_sys_add_agent(NULL, 1, "a", 1));
	NULL_ARG("t", lc_table_sys_add_unit(NULL, 1, "u"));
	assert_int_equal(lc_db_agents(f->db, 0, &t), 0);
	NULL_ARG("name", lc_table_sys_add_agent(t, 1, NULL, 1));
	lc_table_free(t);
	assert_int_equal(lc_db_units(f->db, 0, &t), 0);
	NULL_ARG("name", lc_table_sys_add_unit(t, 1, NULL));
	lc_table_free(t);
}

static void test_workflow_import_report(void **state)
{
	fx *f = *state;
	lc_ruleset *rs;
	lc_mapping *map;
	lc_table *t;
	lc_axis axes[] = { LC_AXIS_STAGE };
	int64_t v;
	char *text;

	NULL_ARG("out", lc_ruleset_preset(NULL, "seed002"));
	NULL_ARG("name", lc_ruleset_preset(&rs, NULL));
	NULL_ARG("out", lc_ruleset_load_string(NULL, "{}", NULL));
	NULL_ARG("json", lc_ruleset_load_string(&rs, NULL, "x"));
	NULL_ARG("out", lc_ruleset_load_file(NULL, "x.json"));
	NULL_ARG("path", lc_ruleset_load_file(&rs, NULL));
	NULL_ARG("rs", lc_ruleset_rules(NULL, &t));
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	NULL_ARG("out", lc_ruleset_rules(rs, NULL));
	NULL_ARG("db", lc_db_ruleset_install(NULL, rs, &v));
	lc_ruleset_free(rs);
	NULL_ARG("rs", lc_db_ruleset_install(f->db, NULL, &v));
	NULL_ARG("db", lc_db_ruleset_latest(NULL, &v));
	NULL_ARG("version", lc_db_ruleset_latest(f->db, NULL));
	NULL_ARG("db", lc_db_ruleset_get(NULL, 1, &rs, NULL));
	NULL_ARG("out", lc_db_ruleset_get(f->db, 1, NULL, NULL));
	NULL_ARG("db", lc_worklist_get(NULL, 1, 0, &t));
	NULL_ARG("db", lc_workflow_sweep(NULL, 0, &t));
	NULL_ARG("opts", lc_assign_options_init(NULL, LC_ASSIGN_OPTIONS_VERSION));
	NULL_ARG("db", lc_assign(NULL, 0, NULL, NULL, NULL));
	NULL_ARG("out", lc_worklist_get(f->db, 1, 0, NULL));

	NULL_ARG("out", lc_mapping_load_string(NULL, "{}", NULL));
	NULL_ARG("json", lc_mapping_load_string(&map, NULL, "x"));
	NULL_ARG("out", lc_mapping_load_file(NULL, "x.json"));
	NULL_ARG("path", lc_mapping_load_file(&map, NULL));
	NULL_ARG("opts", lc_import_options_init(NULL, LC_IMPORT_OPTIONS_VERSION));
	NULL_ARG("path", lc_import_file(f->db, NULL, NULL, NULL, NULL));
	NULL_ARG("db", lc_import_file(NULL, "x.csv", NULL, NULL, NULL));
	NULL_ARG("map", lc_import_file(f->db, "x.csv", NULL, NULL, NULL));
	NULL_ARG("data", lc_import_buffer(f->db, NULL, 4, NULL, NULL, NULL));
	NULL_ARG("map", lc_import_buffer(f->db, "a,b\n", 4, NULL, NULL, NULL));
	NULL_ARG("db", lc_import_buffer(NULL, "a,b\n", 4, NULL, NULL, NULL));

	NULL_ARG("opts", lc_report_options_init(NULL, LC_REPORT_OPTIONS_VERSION));
	NULL_ARG("out", lc_report_pipeline(f->db, axes, 1, NULL, NULL));
	NULL_ARG("axes", lc_report_pipeline(f->db, NULL, 1, NULL, &t));
	NULL_ARG("db", lc_report_pipeline(NULL, axes, 1, NULL, &t));
	NULL_ARG("db", lc_report_matrix(NULL, NULL, &t));
	NULL_ARG("out", lc_report_matrix(f->db, NULL, NULL));
	NULL_ARG("db", lc_report_matrix_cell(NULL, "m", "s", NULL, &t));
	NULL_ARG("milestone", lc_report_matrix_cell(f->db, NULL, "s", NULL, &t));
	NULL_ARG("status", lc_report_matrix_cell(f->db, "m", NULL, NULL, &t));
	NULL_ARG("out", lc_report_matrix_cell(f->db, "m", "s", NULL, NULL));
	NULL_ARG("db", lc_report_funnel(NULL, NULL, &t));
	NULL_ARG("out", lc_report_funnel(f->db, NULL, NULL));
	NULL_ARG("db", lc_report_model_dot(NULL, &text, NULL));
	NULL_ARG("out", lc_report_model_dot(f->db, NULL, NULL));
	NULL_ARG("db", lc_report_followups(NULL, NULL, &t));
	NULL_ARG("out", lc_report_followups(f->db, NULL, NULL));
	NULL_ARG("db", lc_report_overdue(NULL, NULL, &t));
	NULL_ARG("out", lc_report_overdue(f->db, NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_engine),
		cmocka_unit_test(test_lead),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_workflow_import_report),
	};
	return cmocka_run_group_tests_name("args", tests, setup, teardown);
}
