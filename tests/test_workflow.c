/* Workflows (seed 002): rule-set parsing, install and versions, each
 * condition and effect, sweeps (determinism, idempotence, rollback of a
 * failing lead), event rules inside lc_db_apply(), daily assignment
 * (quotas, order, fairness), worklists (order, do-not-call), and a
 * three-week simulation of seed 002's plan with the clock injected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "leadcore/leadcore.h"
#include "store/db_internal.h"
#include "workflow/workflow_internal.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01T00:00:00Z, a Thursday */

static lc_time now_value = T0;

static lc_time test_clock(void *ud)
{
	(void)ud;
	return now_value;
}

typedef struct fx {
	lc_db *db;
	const lc_model *m;
} fx;

static lc_db *open_store_at(const char *uri)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;

	o.clock = test_clock;
	assert_int_equal(lc_db_open(&db, uri, &o), 0);
	assert_int_equal(lc_model_preset(&m, "insurance"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	return db;
}

static lc_db *open_store(void)
{
	return open_store_at(":memory:");
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);

	now_value = T0 + 9 * 3600;
	f->db = open_store();
	f->m = lc_db_model(f->db);
	*state = f;
	return 0;
}

/* The same fixture on the in-memory backend: workflows depend on the store
 * API only, so every backend must give the same results. */
static int setup_memory(void **state)
{
	fx *f = calloc(1, sizeof *f);

	now_value = T0 + 9 * 3600;
	f->db = open_store_at("memory:");
	f->m = lc_db_model(f->db);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;

	lc_db_close(f->db);
	free(f);
	return 0;
}

/* A lead with optional phone, email and source. */
static lc_id add_lead(lc_db *db, const char *phone, const char *email, const char *source)
{
	lc_lead *l = NULL;
	lc_id id = 0;

	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, "Pat"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_PHONE, phone), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EMAIL, email), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SOURCE, source), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);
	return id;
}

static lc_lead *get(lc_db *db, lc_id id)
{
	lc_lead *l = NULL;

	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	return l;
}

static const char *segment_of(lc_db *db, lc_id id, char *buf, size_t n)
{
	lc_lead *l = get(db, id);
	const char *s = lc_lead_text(l, LC_LEAD_SEGMENT);

	snprintf(buf, n, "%s", s ? s : "");
	lc_lead_free(l);
	return buf;
}

static int64_t version_of(lc_db *db, lc_id id)
{
	lc_lead *l = get(db, id);
	int64_t v = lc_lead_number(l, LC_LEAD_NUM_VERSION);

	lc_lead_free(l);
	return v;
}

static uint32_t flags_of(lc_db *db, lc_id id)
{
	lc_lead *l = NULL;
	uint32_t f;

	assert_int_equal(lc_db_lead_get(db, id, &l), 0);
	f = (uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS);
	lc_lead_free(l);
	return f;
}

static char last_violation[512];

/* Apply a disposition: action, milestone, status (NULL: unchanged), follow-up. */
static int dispose(lc_db *db, lc_id id, const char *action, const char *milestone,
		   const char *status, lc_time follow_up, const char *actor)
{
	lc_disposition *d = NULL;
	lc_violations *v = NULL;
	int rc;

	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, action), 0);
	if (milestone)
		assert_int_equal(lc_disposition_set(d, LC_AXIS_MILESTONE, milestone), 0);
	if (status)
		assert_int_equal(lc_disposition_set(d, LC_AXIS_STATUS, status), 0);
	if (follow_up != LC_TIME_NONE)
		assert_int_equal(lc_disposition_set_follow_up(d, follow_up), 0);
	if (actor)
		assert_int_equal(lc_disposition_set_actor(d, actor), 0);
	assert_int_equal(lc_violations_new(&v), 0);
	rc = lc_db_apply(db, id, d, -1, v, NULL);
	/* Every refusal says why, a rule's effect refused inside the apply too. */
	if (rc == LC_EINVALID)
		assert_true(lc_table_row_count(lc_violations_table(v)) > 0);
	snprintf(last_violation, sizeof last_violation, "%s",
		 lc_table_row_count(lc_violations_table(v)) ? lc_table_text(lc_violations_table(v), 0, 3) : lc_error_last());
	lc_violations_free(v);
	lc_disposition_free(d);
	return rc;
}

static void install_text(lc_db *db, const char *json)
{
	lc_ruleset *rs = NULL;

	assert_int_equal(lc_ruleset_load_string(&rs, json, "test"), 0);
	assert_int_equal(lc_db_ruleset_install(db, rs, NULL), 0);
	lc_ruleset_free(rs);
}

/* A rule set with one time rule: IF cond THEN segment "hit". */
static void install_probe(lc_db *db, const char *cond)
{
	char json[2048];

	snprintf(json, sizeof json,
		 "{\"format\":1,\"name\":\"probe\",\"version\":1,\"rules\":[{\"name\":\"probe\","
		 "\"kind\":\"time\",\"if\":%s,\"then\":[{\"segment\":\"hit\"}]}]}",
		 cond);
	install_text(db, json);
}

static size_t sweep(lc_db *db, lc_time at)
{
	lc_table *r = NULL;
	size_t n;

	assert_int_equal(lc_workflow_sweep(db, at, &r), 0);
	assert_int_equal((size_t)lc_table_int_named(lc_table_summary(r), 0, "failures"), 0);
	n = lc_table_row_count(r);
	lc_table_free(r);
	return n;
}

/* ---- parsing ---- */

static void expect_format_error(const char *json, int code, const char *needle)
{
	lc_ruleset *rs = (lc_ruleset *)1;

	assert_int_equal(lc_ruleset_load_string(&rs, json, "t.json"), code);
	assert_null(rs);
	if (needle && !strstr(lc_error_last(), needle))
		fail_msg("message '%s' does not mention '%s'", lc_error_last(), needle);
}

#define HEAD "{\"format\":1,\"name\":\"x\",\"version\":1,"

static void test_parse_errors(void **state)
{
	(void)state;
	expect_format_error("{\"format\":1,\n  \"name\": }", LC_EFORMAT, "t.json:2:");
	expect_format_error("[1]", LC_EFORMAT, "JSON object");
	expect_format_error(HEAD "\"rules\":[],\"colour\":1}", LC_EFORMAT, "colour");
	expect_format_error("{\"format\":2,\"name\":\"x\",\"version\":1,\"rules\":[]}", LC_EVERSION,
			    "format 2");
	expect_format_error("{\"name\":\"x\",\"version\":1,\"rules\":[]}", LC_EFORMAT, "format");
	expect_format_error(HEAD "\"rules\":{}}", LC_EFORMAT, "rules");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"then\":[{\"recycle\":true}],"
			    "\"colour\":1}]}",
			    LC_EFORMAT, "rules[0].colour");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"if\":{\"min_age\":\"3x\"},"
			    "\"then\":[{\"recycle\":true}]}]}",
			    LC_EFORMAT, "rules[0].if.min_age");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"if\":{\"age\":3},"
			    "\"then\":[{\"recycle\":true}]}]}",
			    LC_EFORMAT, "rules[0].if.age");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"then\":[{\"recycle\":true}]}]}", LC_EFORMAT,
			    "kind");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"event\",\"then\":[{\"recycle\":true}]}]}",
			    LC_EFORMAT, "\"on\"");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"on\":{\"status\":\"hot\"},"
			    "\"then\":[{\"recycle\":true}]}]}",
			    LC_EFORMAT, "time rule");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"then\":[]}]}", LC_EFORMAT,
			    "rules[0].then");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"then\":[{\"recycle\":true,"
			    "\"segment\":\"x\"}]}]}",
			    LC_EFORMAT, "exactly one effect");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"then\":[{\"explode\":true}]}]}",
			    LC_EFORMAT, "explode");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"then\":[{\"set\":{}}]}]}",
			    LC_EFORMAT, "set needs");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"then\":[{\"follow_up\":"
			    "{\"in\":0}}]}]}",
			    LC_EFORMAT, "after now");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"Bad Name\",\"kind\":\"time\",\"then\":[{\"recycle\":true}]}]}",
			    LC_EFORMAT, "key");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"then\":[{\"recycle\":true}]},"
			    "{\"name\":\"a\",\"kind\":\"time\",\"then\":[{\"recycle\":true}]}]}",
			    LC_EFORMAT, "unique");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"if\":{\"status\":[3]},"
			    "\"then\":[{\"recycle\":true}]}]}",
			    LC_EFORMAT, "rules[0].if.status[0]");
	expect_format_error(HEAD "\"rules\":[],\"auto_assign\":{\"unit\":null}}", LC_EFORMAT, "enabled");
	expect_format_error(HEAD "\"rules\":[],\"auto_assign\":{\"enabled\":true,\"when\":1}}", LC_EFORMAT,
			    "auto_assign.when");
	expect_format_error("{\"format\":1,\"name\":\"x\",\"name\":\"y\",\"version\":1,\"rules\":[]}",
			    LC_EFORMAT, "duplicate");

	/* Bad arguments. */
	lc_ruleset *rs = NULL;
	lc_table *rules = NULL;
	assert_int_equal(lc_ruleset_load_string(NULL, "{}", NULL), LC_EINVAL);
	assert_int_equal(lc_ruleset_load_string(&rs, NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_ruleset_load_string(&rs, "{\"name\":\"\xff\"}", NULL), LC_EINVAL);
	assert_int_equal(lc_ruleset_load_file(&rs, "/nonexistent/rules.json"), LC_EIO);
	assert_int_equal(lc_ruleset_preset(&rs, "seed999"), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "seed002"));
	assert_null(lc_ruleset_name(NULL));
	assert_int_equal(lc_ruleset_rules(NULL, &rules), LC_EINVAL);
	assert_null(rules);
}

static void test_parse_preset(void **state)
{
	lc_ruleset *rs = NULL;
	lc_table *rules = NULL;
	char path[1024];
	const char *root = getenv("LC_SOURCE_ROOT");

	(void)state;
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_string_equal(lc_ruleset_name(rs), "seed002");
	assert_int_equal(lc_ruleset_version(rs), 1);
	/* auto_assign ships switched off: no rule for it. */
	assert_int_equal(lc_ruleset_rules(rs, NULL), LC_EINVAL);
	assert_int_equal(lc_ruleset_rules(rs, &rules), 0);
	assert_string_equal(lc_table_kind(rules), "rules");
	assert_int_equal(lc_table_row_count(rules), 8);
	assert_string_equal(lc_table_text_named(rules, 0, "name"), "recycle_uncontactable_new");
	assert_string_equal(lc_table_text_named(rules, 0, "kind"), "time");
	assert_string_equal(lc_table_text_named(rules, 6, "kind"), "event");
	assert_null(lc_table_text(rules, 8, 0));
	lc_table_free(rules);
	assert_non_null(strstr(lc_ruleset_json(rs), "\"seed002\""));
	lc_ruleset_free(rs);

	/* The shipped file and the embedded text are the same rule set. */
	snprintf(path, sizeof path, "%s/src/workflow/rulesets/seed002.json", root ? root : LC_SOURCE_ROOT);
	assert_int_equal(lc_ruleset_load_file(&rs, path), 0);
	assert_int_equal(lc_ruleset_rules(rs, &rules), 0);
	assert_int_equal(lc_table_row_count(rules), 8);
	lc_table_free(rules);
	lc_ruleset_free(rs);

	/* Switched on, auto-assignment is a last time rule. */
	assert_int_equal(lc_ruleset_load_string(&rs, HEAD "\"rules\":[],\"auto_assign\":{\"enabled\":true}}",
						NULL),
			 0);
	assert_int_equal(lc_ruleset_rules(rs, &rules), 0);
	assert_int_equal(lc_table_row_count(rules), 1);
	assert_string_equal(lc_table_text_named(rules, 0, "name"), "auto_assign");
	assert_string_equal(lc_table_text_named(rules, 0, "kind"), "time");
	lc_table_free(rules);
	lc_ruleset_free(rs);
}

/* ---- install and versions ---- */

static void test_install_versions(void **state)
{
	fx *f = *state;
	lc_ruleset *rs = NULL, *back = NULL;
	int64_t v = -1;
	lc_time at = 0;

	assert_int_equal(lc_db_ruleset_latest(f->db, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(lc_workflow_sweep(f->db, LC_TIME_NONE, NULL), LC_ESTATE);

	/* A status the model does not know: nothing is installed. */
	assert_int_equal(lc_ruleset_load_string(&rs, HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\","
						"\"if\":{\"status\":\"hott\"},\"then\":[{\"recycle\":true}]}]}",
						NULL),
			 0);
	assert_int_equal(lc_db_ruleset_install(f->db, rs, &v), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "rule a"));
	assert_non_null(strstr(lc_error_last(), "hott"));
	lc_ruleset_free(rs);
	assert_int_equal(lc_db_ruleset_latest(f->db, &v), 0);
	assert_int_equal(v, 0);

	/* An action the model does not know, a unit the store does not have. */
	assert_int_equal(lc_ruleset_load_string(&rs, HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\","
						"\"then\":[{\"set\":{\"status\":\"hot\",\"action\":\"fax\"}}]}]}",
						NULL),
			 0);
	assert_int_equal(lc_db_ruleset_install(f->db, rs, NULL), LC_ENOTFOUND);
	lc_ruleset_free(rs);
	assert_int_equal(lc_ruleset_load_string(&rs, HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\","
						"\"then\":[{\"assign\":{\"unit\":\"Nowhere\"}}]}]}",
						NULL),
			 0);
	assert_int_equal(lc_db_ruleset_install(f->db, rs, NULL), LC_ENOTFOUND);
	lc_ruleset_free(rs);

	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_int_equal(lc_db_ruleset_install(f->db, rs, &v), 0);
	assert_int_equal(v, 1);
	now_value += 60;
	assert_int_equal(lc_db_ruleset_install(f->db, rs, &v), 0);
	assert_int_equal(v, 2);
	lc_ruleset_free(rs);
	assert_int_equal(lc_db_ruleset_latest(f->db, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(lc_db_ruleset_get(f->db, 1, &back, &at), 0);
	assert_string_equal(lc_ruleset_name(back), "seed002");
	assert_int_equal(at, now_value - 60);
	lc_ruleset_free(back);
	assert_int_equal(lc_db_ruleset_get(f->db, 3, &back, NULL), LC_ENOTFOUND);
	assert_null(back);
	assert_int_equal(lc_db_ruleset_get(f->db, 0, &back, NULL), LC_EINVAL);
	assert_int_equal(lc_db_ruleset_install(NULL, rs, NULL), LC_EINVAL);
	assert_int_equal(lc_db_ruleset_install(f->db, NULL, NULL), LC_EINVAL);
}

static void test_install_needs_model(void **state)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_ruleset *rs = NULL;

	(void)state;
	assert_int_equal(lc_db_open(&db, ":memory:", &o), 0);
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_int_equal(lc_db_ruleset_install(db, rs, NULL), LC_ESTATE);
	lc_ruleset_free(rs);
	lc_db_close(db);
}

/* Install survives reopening: the rule set is in the store, and its event
 * rules run from lc_db_open() on. */
static void test_install_persists(void **state)
{
	char path[] = "/tmp/lc_wf_XXXXXX";
	char file[64];
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	lc_ruleset *rs = NULL;
	int64_t v = 0;
	lc_id id;

	(void)state;
	assert_non_null(mkdtemp(path));
	snprintf(file, sizeof file, "%s/s.db", path);
	o.clock = test_clock;
	assert_int_equal(lc_db_open(&db, file, &o), 0);
	assert_int_equal(lc_model_preset(&m, "insurance"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_int_equal(lc_db_ruleset_install(db, rs, NULL), 0);
	lc_ruleset_free(rs);
	id = add_lead(db, "555-0100", NULL, "LAT");
	lc_db_close(db);

	assert_int_equal(lc_db_open(&db, file, &o), 0);
	assert_int_equal(lc_db_ruleset_latest(db, &v), 0);
	assert_int_equal(v, 1);
	/* An attempted contact gets tomorrow's follow-up from the event rule. */
	assert_int_equal(dispose(db, id, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"), 0);
	lc_lead *l = get(db, id);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP), now_value + DAY);
	lc_lead_free(l);
	lc_db_close(db);
	remove(file);
	char side[80];
	snprintf(side, sizeof side, "%s-wal", file);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", file);
	remove(side);
	rmdir(path);
}

/* Two handles on one store file: a rule set installed through one is in
 * force in the other once it sweeps (or reopens), like a model. */
static void test_install_other_handle(void **state)
{
	char path[] = "/tmp/lc_wf2_XXXXXX";
	char file[64], side[80];
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *a = NULL, *b = NULL;
	lc_model *m = NULL;
	lc_ruleset *rs = NULL;
	lc_id id1, id2;
	lc_lead *l;

	(void)state;
	now_value = T0 + 9 * 3600;
	assert_non_null(mkdtemp(path));
	snprintf(file, sizeof file, "%s/s.db", path);
	o.clock = test_clock;
	assert_int_equal(lc_db_open(&a, file, &o), 0);
	assert_int_equal(lc_model_preset(&m, "insurance"), 0);
	assert_int_equal(lc_db_install_model(a, m, NULL), 0);
	lc_model_free(m);
	id1 = add_lead(a, "555-0100", NULL, "LAT");
	id2 = add_lead(a, "555-0101", NULL, "LAT");
	assert_int_equal(lc_db_open(&b, file, &o), 0);
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_int_equal(lc_db_ruleset_install(a, rs, NULL), 0);
	lc_ruleset_free(rs);
	/* b's sweep reads the rule set in force, and its applies follow it. */
	assert_true(sweep(b, now_value) > 0);
	assert_int_equal(dispose(b, id1, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"), 0);
	l = get(b, id1);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP), now_value + DAY);
	lc_lead_free(l);
	/* And a's, which installed it. */
	assert_int_equal(dispose(a, id2, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"), 0);
	l = get(a, id2);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP), now_value + DAY);
	lc_lead_free(l);
	lc_db_close(b);
	lc_db_close(a);
	remove(file);
	snprintf(side, sizeof side, "%s-wal", file);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", file);
	remove(side);
	rmdir(path);
}

/* A rule set installed in a transaction that is rolled back is forgotten,
 * even by the apply hook's cache, and the next install is in force. */
static void test_install_rolled_back(void **state)
{
	fx *f = *state;
	char buf[64];
	lc_id a = add_lead(f->db, "555-0101", NULL, "LAT");

	assert_int_equal(lc_db_begin(f->db), 0);
	install_text(f->db, HEAD "\"rules\":[{\"name\":\"mark\",\"kind\":\"event\","
		     "\"on\":{\"status\":\"attempted_contact\"},\"then\":[{\"segment\":\"a\"}]}]}");
	assert_int_equal(dispose(f->db, a, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"), 0);
	assert_string_equal(segment_of(f->db, a, buf, sizeof buf), "a");
	assert_int_equal(lc_db_rollback(f->db), 0);
	assert_string_equal(segment_of(f->db, a, buf, sizeof buf), "");
	install_text(f->db, HEAD "\"rules\":[{\"name\":\"mark\",\"kind\":\"event\","
		     "\"on\":{\"status\":\"attempted_contact\"},\"then\":[{\"segment\":\"b\"}]}]}");
	assert_int_equal(dispose(f->db, a, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"), 0);
	assert_string_equal(segment_of(f->db, a, buf, sizeof buf), "b");
}

/* ---- conditions ---- */

static void expect_probe(fx *f, const char *cond, lc_id lead, bool hit)
{
	char buf[64];

	install_probe(f->db, cond);
	sweep(f->db, now_value);
	segment_of(f->db, lead, buf, sizeof buf);
	if (hit != (strcmp(buf, "hit") == 0))
		fail_msg("condition %s: expected %s on lead %lld, segment is '%s'", cond,
			 hit ? "a hit" : "no hit", (long long)lead, buf);
	/* Clear the probe's marks for the next condition. */
	for (lc_id id = 1; id <= 2; id++) {
		lc_lead *l = get(f->db, id);
		if (lc_lead_text(l, LC_LEAD_SEGMENT)) {
			assert_int_equal(lc_lead_set_text(l, LC_LEAD_SEGMENT, NULL), 0);
			assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
		}
		lc_lead_free(l);
	}
}

static void test_conditions(void **state)
{
	fx *f = *state;
	lc_id agent = 0;
	lc_id a, b;

	assert_int_equal(lc_db_agent_add(f->db, "amy", &agent), 0);
	a = add_lead(f->db, "555-0100", NULL, "LAT"); /* callable only */
	now_value += 2 * DAY;
	b = add_lead(f->db, NULL, "b@example.com", "Web"); /* emailable only */

	expect_probe(f, "{\"min_age\":\"2d\"}", a, true);
	expect_probe(f, "{\"min_age\":\"2d\"}", b, false);
	expect_probe(f, "{\"max_age\":\"1d\"}", a, false);
	expect_probe(f, "{\"max_age\":\"1d\"}", b, true);
	expect_probe(f, "{\"min_idle\":172800}", a, true);
	expect_probe(f, "{\"max_idle\":\"1h\"}", a, false);
	expect_probe(f, "{\"callable\":true}", a, true);
	expect_probe(f, "{\"callable\":true}", b, false);
	expect_probe(f, "{\"emailable\":true}", b, true);
	expect_probe(f, "{\"contactable\":true}", b, true);
	expect_probe(f, "{\"contactable\":false}", a, false);
	expect_probe(f, "{\"source\":[\"lat\",\"MWI\"]}", a, true);
	expect_probe(f, "{\"source\":[\"MWI\"]}", a, false);
	expect_probe(f, "{\"source\":null}", a, false);
	expect_probe(f, "{\"segment\":null}", a, true);
	expect_probe(f, "{\"segment\":\"cold\"}", a, false);
	expect_probe(f, "{\"worked\":false}", a, true);
	expect_probe(f, "{\"assigned\":false}", a, true);
	/* A new lead's status: unset, or the model's initial value. */
	expect_probe(f, "{\"status\":[null,\"new\"]}", a, true);
	expect_probe(f, "{\"status\":[\"hot\"]}", a, false);
	expect_probe(f, "{\"any\":[{\"source\":\"MWI\"},{\"callable\":false}]}", b, true);
	expect_probe(f, "{\"any\":[{\"source\":\"MWI\"},{\"callable\":false}]}", a, false);
	expect_probe(f, "{\"not\":{\"source\":\"LAT\"}}", a, false);
	expect_probe(f, "{\"not\":{\"source\":\"LAT\"}}", b, true);

	/* Worked, followed up, assigned, milestone, status. */
	assert_int_equal(lc_db_lead_assign(f->db, a, 0, agent), 0);
	now_value += 3600;
	assert_int_equal(dispose(f->db, a, "call", "contacted", "hot", now_value + DAY, "amy"), 0);
	expect_probe(f, "{\"assigned\":true,\"worked\":true}", a, true);
	expect_probe(f, "{\"follow_up\":true,\"overdue\":false}", a, true);
	expect_probe(f, "{\"milestone\":[\"Contacted\",\"quoted\"],\"status\":\"hot\"}", a, true);
	expect_probe(f, "{\"milestone\":\"quoted\"}", a, false);
	expect_probe(f, "{\"max_idle\":\"1h\"}", a, true);
	now_value += 2 * DAY;
	expect_probe(f, "{\"overdue\":true,\"follow_up\":false}", a, true);
	expect_probe(f, "{\"stage\":null}", a, true);

	/* Do not call: a flag, or a status that blocks the call action. */
	lc_lead *l = get(f->db, a);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 1), 0);
	assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
	lc_lead_free(l);
	expect_probe(f, "{\"callable\":false,\"contactable\":false}", a, true);
	assert_int_equal(dispose(f->db, b, "email", "no_milestone", "do_not_call_number", LC_TIME_NONE, NULL), 0);
	expect_probe(f, "{\"emailable\":true,\"callable\":false}", b, true);
}

/* ---- effects ---- */

/* The last event of a lead: its rule and actor. */
static void last_event(lc_db *db, lc_id id, lc_event_kind *kind, char *rule, char *actor, size_t n)
{
	lc_event_iter *it = NULL;
	const lc_event *ev;

	assert_int_equal(lc_db_history(db, id, &it), 0);
	while (lc_event_iter_next(it, &ev) == 1) {
		*kind = (lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND);
		snprintf(rule, n, "%s", lc_event_text(ev, LC_EVENT_TEXT_RULE) ? lc_event_text(ev, LC_EVENT_TEXT_RULE) : "");
		snprintf(actor, n, "%s", lc_event_text(ev, LC_EVENT_TEXT_ACTOR) ? lc_event_text(ev, LC_EVENT_TEXT_ACTOR) : "");
	}
	lc_event_iter_free(it);
}

static void test_effects(void **state)
{
	fx *f = *state;
	lc_id unit = 0, amy = 0, bob = 0, cat = 0;
	lc_id l1, l2, l3, l4;
	lc_event_kind kind = 0;
	char rule[128], actor[128];
	lc_lead *l;

	assert_int_equal(lc_db_unit_add(f->db, "LSPs", &unit), 0);
	assert_int_equal(lc_db_agent_add(f->db, "amy", &amy), 0);
	assert_int_equal(lc_db_agent_add(f->db, "bob", &bob), 0);
	assert_int_equal(lc_db_agent_add(f->db, "cat", &cat), 0);
	assert_int_equal(lc_db_unit_join(f->db, unit, amy), 0);
	assert_int_equal(lc_db_unit_join(f->db, unit, bob), 0);
	assert_int_equal(lc_db_unit_join(f->db, unit, cat), 0);
	assert_int_equal(lc_db_agent_set_active(f->db, bob, 0), 0);
	l1 = add_lead(f->db, "555-0101", NULL, "LAT");
	l2 = add_lead(f->db, "555-0102", NULL, "MWI");
	l3 = add_lead(f->db, "555-0103", NULL, "MWI");
	l4 = add_lead(f->db, NULL, NULL, "junk");

	install_text(f->db, HEAD "\"rules\":["
		     "{\"name\":\"bin\",\"kind\":\"time\",\"if\":{\"contactable\":false},\"then\":[{\"recycle\":true}]},"
		     "{\"name\":\"rr\",\"kind\":\"time\",\"if\":{\"assigned\":false},\"then\":[{\"assign\":{\"unit\":\"LSPs\"}}]},"
		     "{\"name\":\"lat_attempt\",\"kind\":\"time\",\"if\":{\"source\":\"LAT\",\"status\":[null,\"new\"]},"
		     "\"then\":[{\"set\":{\"milestone\":\"no_milestone\",\"status\":\"attempted_contact\"}}]},"
		     "{\"name\":\"lat_follow\",\"kind\":\"time\",\"if\":{\"source\":\"LAT\",\"follow_up\":false},"
		     "\"then\":[{\"follow_up\":{\"in\":\"2d\"}}]},"
		     "{\"name\":\"mwi_stop\",\"kind\":\"time\",\"if\":{\"source\":\"MWI\"},"
		     "\"then\":[{\"segment\":\"warm\"},{\"stop_automation\":true}]},"
		     "{\"name\":\"never\",\"kind\":\"time\",\"if\":{\"source\":\"MWI\"},\"then\":[{\"segment\":\"late\"}]}"
		     "]}");
	lc_table *r = NULL;
	assert_int_equal(lc_workflow_sweep(f->db, now_value, &r), 0);
	assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "checked"), 4);
	assert_int_equal((size_t)lc_table_int_named(lc_table_summary(r), 0, "failures"), 0);
	/* l1: assign, set, follow_up; l2, l3: assign, segment, stop; l4: recycle. Lead order, rule order. */
	assert_int_equal(lc_table_row_count(r), 10);
	assert_int_equal(lc_table_int_named(r, 0, "lead"), l1);
	assert_string_equal(lc_table_text_named(r, 0, "rule"), "rr");
	assert_string_equal(lc_table_text_named(r, 0, "effect"), "assign");
	assert_string_equal(lc_table_text_named(r, 1, "effect"), "set");
	assert_string_equal(lc_table_text_named(r, 2, "effect"), "follow_up");
	assert_string_equal(lc_table_text_named(r, 4, "effect"), "segment");
	assert_string_equal(lc_table_text_named(r, 5, "effect"), "stop_automation");
	assert_int_equal(lc_table_int_named(r, 9, "lead"), l4);
	assert_string_equal(lc_table_text_named(r, 9, "effect"), "recycle");
	assert_int_equal((int)lc_table_int_named(r, 9, "code"), 0);
	assert_string_equal(lc_table_text_named(r, 9, "message"), "");
	assert_null(lc_table_text_named(r, 10, "rule"));
	lc_table_free(r);

	/* Round-robin over the unit's active agents: amy, cat, amy (bob is inactive). */
	l = get(f->db, l1);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), amy);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_UNIT), unit);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "attempted_contact");
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP),
			 now_value + 2 * DAY);
	lc_lead_free(l);
	l = get(f->db, l2);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), cat);
	assert_string_equal(lc_lead_text(l, LC_LEAD_SEGMENT), "warm");
	assert_true((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_AUTOMATION_STOPPED);
	lc_lead_free(l);
	l = get(f->db, l3);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), amy);
	lc_lead_free(l);
	assert_true(flags_of(f->db, l4) & LC_LEAD_RECYCLED);

	/* Every effect is an event naming its rule. */
	last_event(f->db, l4, &kind, rule, actor, sizeof rule);
	assert_int_equal(kind, LC_EVENT_RECYCLE);
	assert_string_equal(rule, "bin");
	last_event(f->db, l2, &kind, rule, actor, sizeof rule);
	assert_int_equal(kind, LC_EVENT_WORKFLOW);
	assert_string_equal(rule, "mwi_stop");
	last_event(f->db, l1, &kind, rule, actor, sizeof rule);
	assert_int_equal(kind, LC_EVENT_DISPOSITION);
	assert_string_equal(actor, "workflow:lat_follow");
	assert_string_equal(rule, "lat_follow");

	/* Idempotent: a second sweep at the same time changes nothing. */
	int64_t v1 = version_of(f->db, l1), v2 = version_of(f->db, l2);
	assert_int_equal(sweep(f->db, now_value), 0);
	assert_int_equal(version_of(f->db, l1), v1);
	assert_int_equal(version_of(f->db, l2), v2);

	/* Deterministic: the same store swept at the same time gives the same
	 * follow-up whatever the wall clock. */
	now_value += 5 * DAY;
	assert_int_equal(sweep(f->db, now_value), 1); /* l1's follow-up is overdue: a new one */
	assert_int_equal(sweep(f->db, now_value), 0);
}

static void test_failure_rolls_back_lead(void **state)
{
	fx *f = *state;
	lc_id a, b;
	lc_table *r = NULL;
	char buf[64];

	a = add_lead(f->db, "555-0101", NULL, "LAT");
	b = add_lead(f->db, "555-0102", NULL, "MWI");
	/* Hot needs a follow-up in the future: the engine refuses the system
	 * disposition on LAT leads, after the segment was written. */
	install_text(f->db, HEAD "\"rules\":["
		     "{\"name\":\"mark\",\"kind\":\"time\",\"then\":[{\"segment\":\"seen\"}]},"
		     "{\"name\":\"heat\",\"kind\":\"time\",\"if\":{\"source\":\"LAT\"},"
		     "\"then\":[{\"stop_automation\":true},{\"set\":{\"milestone\":\"contacted\",\"status\":\"hot\"}}]}]}");
	int64_t va = version_of(f->db, a);
	assert_int_equal(lc_workflow_sweep(f->db, now_value, &r), 0);
	assert_int_equal((size_t)lc_table_int_named(lc_table_summary(r), 0, "failures"), 1);
	assert_int_equal(lc_table_row_count(r), 2);
	assert_int_equal(lc_table_int_named(r, 0, "lead"), a);
	assert_string_equal(lc_table_text_named(r, 0, "rule"), "heat");
	assert_string_equal(lc_table_text_named(r, 0, "effect"), "set");
	assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_EINVALID);
	assert_non_null(strstr(lc_table_text_named(r, 0, "message"), "heat"));
	/* The sweep went on with b. */
	assert_int_equal(lc_table_int_named(r, 1, "lead"), b);
	assert_int_equal((int)lc_table_int_named(r, 1, "code"), 0);
	lc_table_free(r);
	/* a's segment and stopped automation were rolled back with its failing disposition. */
	assert_string_equal(segment_of(f->db, a, buf, sizeof buf), "");
	assert_false(flags_of(f->db, a) & LC_LEAD_AUTOMATION_STOPPED);
	assert_int_equal(version_of(f->db, a), va);
	assert_string_equal(segment_of(f->db, b, buf, sizeof buf), "seen");

	/* A sweep inside an explicit transaction is refused. */
	assert_int_equal(lc_db_begin(f->db), 0);
	assert_int_equal(lc_workflow_sweep(f->db, now_value, NULL), LC_ESTATE);
	assert_int_equal(lc_db_rollback(f->db), 0);
	assert_int_equal(lc_workflow_sweep(NULL, now_value, NULL), LC_EINVAL);
}

/* Issue 10 item 12 (seed 004): a status flagged automation_stopped (Lead to
 * Review: "Conversica will no longer message this Lead") stops automated
 * outreach as the record's flag does; ready_for_contact is queryable. */
static void test_automation_stopped_status(void **state)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	lc_id hot, review;
	size_t n = 0;
	(void)state;

	o.clock = test_clock;
	assert_int_equal(lc_db_open(&db, ":memory:", &o), 0);
	assert_int_equal(lc_model_preset(&m, "conversica"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	hot = add_lead(db, "555-0301", "h@example.com", "web");
	review = add_lead(db, "555-0302", "r@example.com", "web");
	assert_int_equal(dispose(db, hot, "email", NULL, "hot_lead", LC_TIME_NONE, "amy"), 0);
	assert_int_equal(dispose(db, review, "email", NULL, "lead_to_review", LC_TIME_NONE, "amy"), 0);
	install_text(db, "{\"format\":1,\"name\":\"nudge\",\"version\":1,\"rules\":[{\"name\":"
			 "\"nudge\",\"kind\":\"time\",\"then\":[{\"follow_up\":{\"in\":\"1d\","
			 "\"action\":\"email\"}}]}]}");
	sweep(db, now_value);
	l = get(db, hot);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP), now_value + DAY);
	lc_lead_free((lc_lead *)l);
	l = get(db, review);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP), LC_TIME_NONE);
	lc_lead_free((lc_lead *)l);

	/* lead list --flag ready_for_contact: the Hot Lead only */
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_value_flags(q, LC_FLAG_READY_FOR_CONTACT), 0);
	assert_int_equal(lc_query_value_flags(q), LC_FLAG_READY_FOR_CONTACT);
	assert_int_equal(lc_db_query(db, q, &it), 0);
	assert_int_equal(lc_lead_iter_next(it, &l), 1);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), hot);
	assert_int_equal(lc_lead_iter_next(it, &l), 0);
	lc_lead_iter_free(it);
	assert_int_equal(lc_db_count(db, q, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(lc_query_set_value_flags(q, LC_FLAG_AUTOMATION_STOPPED), 0);
	assert_int_equal(lc_db_count(db, q, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(lc_query_set_value_flags(q, LC_FLAG_PHONE), LC_EINVAL);
	assert_int_equal(lc_query_set_value_flags(NULL, 0), LC_EINVAL);
	lc_query_free(q);
	lc_db_close(db);
}

/* ---- event rules ---- */

static void test_event_rules(void **state)
{
	fx *f = *state;
	lc_ruleset *rs = NULL;
	lc_id a, b;
	lc_event_kind kind = 0;
	char rule[128], actor[128];
	lc_lead *l;

	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_int_equal(lc_db_ruleset_install(f->db, rs, NULL), 0);
	lc_ruleset_free(rs);
	a = add_lead(f->db, "555-0101", NULL, "LAT");
	b = add_lead(f->db, "555-0102", NULL, "LAT");

	/* Attempted contact with no follow-up: the rule plans one for tomorrow. */
	assert_int_equal(dispose(f->db, a, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"), 0);
	l = get(f->db, a);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP), now_value + DAY);
	lc_lead_free(l);
	last_event(f->db, a, &kind, rule, actor, sizeof rule);
	assert_int_equal(kind, LC_EVENT_DISPOSITION);
	assert_string_equal(actor, "workflow:follow_up_attempted_contact");
	assert_string_equal(rule, "follow_up_attempted_contact");

	/* With a follow-up already planned, the rule's condition is false. */
	assert_int_equal(dispose(f->db, b, "call", "no_milestone", "attempted_contact", now_value + 3 * DAY, "amy"), 0);
	l = get(f->db, b);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP),
			 now_value + 3 * DAY);
	lc_lead_free(l);

	/* Not interested stops automation: later sweeps leave the lead alone. */
	assert_int_equal(dispose(f->db, b, "call", "not_interested", "not_interested", LC_TIME_NONE, "amy"), 0);
	assert_true(flags_of(f->db, b) & LC_LEAD_AUTOMATION_STOPPED);
	last_event(f->db, b, &kind, rule, actor, sizeof rule);
	assert_string_equal(rule, "stop_when_closed");
	int64_t vb = version_of(f->db, b);
	sweep(f->db, now_value + 10 * DAY);
	assert_int_equal(version_of(f->db, b), vb);

	/* A refused disposition runs no rule and writes nothing. */
	int64_t va = version_of(f->db, a);
	assert_int_equal(dispose(f->db, a, "call", "contacted", "hot", LC_TIME_NONE, "amy"), LC_EINVALID);
	assert_int_equal(version_of(f->db, a), va);
}

/* Event triggers: action, milestone and status lists, null for "not set",
 * several keys together, an "if" on the lead, and groups. */
static void test_event_triggers(void **state)
{
	fx *f = *state;
	char buf[64];
	lc_id a = add_lead(f->db, "555-0101", "a@example.com", "LAT");

	install_text(f->db, HEAD "\"rules\":["
		     "{\"name\":\"by_email\",\"kind\":\"event\",\"group\":\"g\",\"on\":{\"action\":[\"email\"],\"status\":null},"
		     "\"then\":[{\"segment\":\"emailed\"}]},"
		     "{\"name\":\"quoted_call\",\"kind\":\"event\",\"group\":\"g\",\"on\":{\"action\":\"call\",\"milestone\":\"Quoted\"},"
		     "\"if\":{\"source\":\"LAT\"},\"then\":[{\"segment\":\"quoted\"}]},"
		     "{\"name\":\"any_call\",\"kind\":\"event\",\"group\":\"g\",\"on\":{\"action\":\"call\"},"
		     "\"then\":[{\"segment\":\"called\"}]}]}");
	/* Email without a status: by_email. */
	assert_int_equal(dispose(f->db, a, "email", NULL, NULL, LC_TIME_NONE, "amy"), 0);
	assert_string_equal(segment_of(f->db, a, buf, sizeof buf), "emailed");
	/* Email that sets a status: no rule (status is not null). */
	assert_int_equal(dispose(f->db, a, "email", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"), 0);
	assert_string_equal(segment_of(f->db, a, buf, sizeof buf), "emailed");
	/* A call to Quoted: the first matching rule of the group wins. */
	assert_int_equal(dispose(f->db, a, "call", "quoted", "hot", now_value + DAY, "amy"), 0);
	assert_string_equal(segment_of(f->db, a, buf, sizeof buf), "quoted");
	/* Another call: only any_call matches. */
	assert_int_equal(dispose(f->db, a, "call", "contacted", "follow_up", now_value + DAY, "amy"), 0);
	assert_string_equal(segment_of(f->db, a, buf, sizeof buf), "called");
}

/* A failing event rule rolls the whole apply back. */
static void test_event_rule_failure(void **state)
{
	fx *f = *state;
	lc_id a = add_lead(f->db, "555-0101", NULL, "LAT");

	install_text(f->db, HEAD "\"rules\":[{\"name\":\"too_hot\",\"kind\":\"event\","
		     "\"on\":{\"status\":\"attempted_contact\"},"
		     "\"then\":[{\"set\":{\"milestone\":\"contacted\",\"status\":\"hot\"}}]}]}");
	int64_t v = version_of(f->db, a);
	assert_int_equal(dispose(f->db, a, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"),
			 LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "too_hot"));
	/* The violation names the rule and the engine's reason. */
	assert_non_null(strstr(last_violation, "rule too_hot"));
	assert_non_null(strstr(last_violation, "follow-up"));
	assert_int_equal(version_of(f->db, a), v);
	lc_lead *l = get(f->db, a);
	const char *st = lc_state_get(lc_lead_state(l), LC_AXIS_STATUS);
	assert_true(st == NULL || strcmp(st, "attempted_contact") != 0);
	lc_lead_free(l);
}

/* A phone or email made only of Unicode white space (or invisible marks)
 * cannot be used: the lead is not callable, nor emailable (the test that
 * conditions, assignment and worklists share). */
static void test_blank_contacts(void **state)
{
	static const char *blank[] = { "\xc2\xa0\xc2\xa0", "\xe2\x80\x83\xe3\x80\x80", "\xe2\x80\x8b",
				       "\t\r\n\v\f", " \xe2\x80\xaf \xef\xbb\xbf", "\xe2\x80\xa8\xc2\x85" };
	fx *f = *state;

	for (size_t i = 0; i < sizeof blank / sizeof *blank; i++) {
		lc_id a = add_lead(f->db, blank[i], blank[i], "LAT");
		lc_lead *l = get(f->db, a);
		assert_false(lc__wf_callable(l));
		assert_false(lc__wf_emailable(l));
		lc_lead_free(l);
	}
	lc_id b = add_lead(f->db, "\xc2\xa0+1 555 0100\xe2\x80\x83", NULL, "LAT");
	lc_lead *l = get(f->db, b);
	assert_true(lc__wf_callable(l));
	lc_lead_free(l);
}

/* A stored rule set that no longer parses blocks dispositions with
 * LC_ECORRUPT and a message naming the call that repairs it; installing a
 * valid one does. */
static void test_corrupt_stored_ruleset(void **state)
{
	fx *f = *state;
	lc_ruleset *rs = NULL;
	lc_id a = add_lead(f->db, "555-0101", NULL, "LAT");

	install_text(f->db, HEAD "\"rules\":[{\"name\":\"mark\",\"kind\":\"time\",\"then\":[{\"segment\":\"x\"}]}]}");
	assert_int_equal(lc__db_meta_set(f->db, "workflow.ruleset.1", "{\"format\":1,\"rules\":"), 0);
	lc__wf_refresh(f->db); /* as a fresh handle would read it */
	assert_int_equal(dispose(f->db, a, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"),
			 LC_ECORRUPT);
	assert_non_null(strstr(lc_error_last(), "rule set version 1 does not parse"));
	assert_non_null(strstr(lc_error_last(), "lc_db_ruleset_install()"));
	/* Stored text that is not even UTF-8 is damage too, not a bad argument. */
	assert_int_equal(lc__db_meta_set(f->db, "workflow.ruleset.1", "{\"format\":1,\"name\":\"\xff\"}"),
			 0);
	assert_int_equal(lc_db_ruleset_get(f->db, 1, &rs, NULL), LC_ECORRUPT);
	assert_null(rs);
	assert_non_null(strstr(lc_error_last(), "rule set version 1 does not parse"));
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_int_equal(lc_db_ruleset_install(f->db, rs, NULL), 0);
	lc_ruleset_free(rs);
	assert_int_equal(dispose(f->db, a, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, "amy"), 0);
}

/* ---- assignment ---- */

static void set_segment(lc_db *db, lc_id id, const char *seg)
{
	lc_lead *l = get(db, id);

	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SEGMENT, seg), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	lc_lead_free(l);
}

static lc_id agent_of(lc_db *db, lc_id id)
{
	lc_lead *l = get(db, id);
	lc_id a = lc_lead_number(l, LC_LEAD_NUM_AGENT);

	lc_lead_free(l);
	return a;
}

/* Agent j of an assignment's agents table: its id, load and leads given. */
static lc_id agent_at(const lc_table *ag, size_t j, int64_t *load, int64_t *given)
{
	if (load)
		*load = lc_table_int_named(ag, j, "load");
	if (given)
		*given = lc_table_int_named(ag, j, "given");
	return j < lc_table_row_count(ag) ? lc_table_int_named(ag, j, "agent") : 0;
}

static void test_assign_order_and_fairness(void **state)
{
	fx *f = *state;
	lc_id amy = 0, bob = 0, cat = 0, dan = 0;
	lc_id cold1, other, eng1, eng2, high1, high2, nophone, dnc, dnc_status, stopped;
	lc_table *a = NULL, *ag = NULL;
	lc_assign_options o = LC_ASSIGN_OPTIONS_INIT;

	assert_int_equal(lc_db_agent_add(f->db, "amy", &amy), 0);
	assert_int_equal(lc_db_agent_add(f->db, "bob", &bob), 0);
	assert_int_equal(lc_db_agent_add(f->db, "cat", &cat), 0);
	assert_int_equal(lc_db_agent_add(f->db, "dan", &dan), 0);
	assert_int_equal(lc_db_agent_set_active(f->db, dan, 0), 0);
	/* The deal order is the rule set's segment ranks. */
	install_text(f->db, HEAD "\"segments\":[\"highly_engaged\",\"engaged\",null,\"cold\"],"
				 "\"rules\":[]}");

	cold1 = add_lead(f->db, "555-0001", NULL, "x");
	other = add_lead(f->db, "555-0002", NULL, "x");
	eng1 = add_lead(f->db, "555-0003", NULL, "x");
	high1 = add_lead(f->db, "555-0004", NULL, "x");
	eng2 = add_lead(f->db, "555-0005", NULL, "x");
	high2 = add_lead(f->db, "555-0006", NULL, "x");
	nophone = add_lead(f->db, NULL, "e@example.com", "x");
	dnc = add_lead(f->db, "555-0007", NULL, "x");
	dnc_status = add_lead(f->db, "555-0008", NULL, "x");
	stopped = add_lead(f->db, "555-0009", NULL, "x");
	set_segment(f->db, cold1, "cold");
	set_segment(f->db, eng1, "engaged");
	set_segment(f->db, eng2, "engaged");
	set_segment(f->db, high1, "highly_engaged");
	set_segment(f->db, high2, "highly_engaged");
	set_segment(f->db, nophone, "highly_engaged");
	set_segment(f->db, dnc, "highly_engaged");
	lc_lead *l = get(f->db, dnc);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 1), 0);
	assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
	lc_lead_free(l);
	l = get(f->db, stopped);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_AUTOMATION_STOPPED, 1), 0);
	assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
	lc_lead_free(l);
	assert_int_equal(dispose(f->db, dnc_status, "lead_update", "no_milestone", "do_not_call_number",
				 LC_TIME_NONE, NULL),
			 0);

	/* Bad options. */
	o.version = 99;
	assert_int_equal(lc_assign(f->db, now_value, &o, NULL, NULL), LC_EVERSION);
	o = (lc_assign_options)LC_ASSIGN_OPTIONS_INIT;
	o.quota = 1000000;
	assert_int_equal(lc_assign(f->db, now_value, &o, NULL, NULL), LC_EINVAL);
	o = (lc_assign_options)LC_ASSIGN_OPTIONS_INIT;
	lc_id ghosts[] = { 999 };
	o.agents = ghosts;
	o.nagents = 1;
	assert_int_equal(lc_assign(f->db, now_value, &o, NULL, NULL), LC_ENOTFOUND);
	lc_id inactive[] = { dan };
	o.agents = inactive;
	assert_int_equal(lc_assign(f->db, now_value, &o, NULL, NULL), LC_ESTATE);
	assert_int_equal(agent_of(f->db, high1), 0); /* nothing half-done */
	assert_int_equal(lc_assign_options_init(&o, LC_ASSIGN_OPTIONS_VERSION), 0);
	assert_int_equal(o.quota, 50);
	assert_int_equal(lc_assign_options_init(&o, 7), LC_EVERSION);

	/* Pool of 6 callable leads, 3 active agents, quota 50: 2 each. Order:
	 * highly engaged, engaged, others, cold; oldest first. */
	assert_int_equal(lc_assign(f->db, now_value, NULL, &a, &ag), 0);
	assert_int_equal(lc_table_row_count(a), 6);
	lc_id order[] = { high1, high2, eng1, eng2, other, cold1 };
	lc_id dealt[] = { amy, bob, cat, amy, bob, cat };
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(lc_table_int_named(a, i, "lead"), order[i]);
		assert_int_equal(lc_table_int_named(a, i, "agent"), dealt[i]);
		assert_int_equal(agent_of(f->db, order[i]), dealt[i]);
	}
	assert_int_equal(lc_table_row_count(ag), 3);
	int64_t load = -1, given = -1;
	assert_int_equal(agent_at(ag, 0, &load, &given), amy);
	assert_int_equal(load, 0);
	assert_int_equal(given, 2);
	assert_int_equal(agent_at(ag, 3, NULL, NULL), 0);
	assert_int_equal(lc_table_int_named(a, 6, "lead"), LC_TABLE_NONE);
	lc_table_free(a);
	lc_table_free(ag);
	/* Never a lead that cannot be called, never a stopped one, never an inactive agent. */
	assert_int_equal(agent_of(f->db, nophone), 0);
	assert_int_equal(agent_of(f->db, dnc), 0);
	assert_int_equal(agent_of(f->db, dnc_status), 0);
	assert_int_equal(agent_of(f->db, stopped), 0);

	/* Shares differ by at most one; the quota counts what each already has. */
	for (int i = 0; i < 7; i++)
		add_lead(f->db, "555-1000", NULL, "x");
	o = (lc_assign_options)LC_ASSIGN_OPTIONS_INIT;
	o.quota = 5;
	assert_int_equal(lc_assign(f->db, now_value, &o, &a, &ag), 0);
	assert_int_equal(lc_table_row_count(a), 7);
	int64_t g[3];
	for (size_t j = 0; j < 3; j++) {
		agent_at(ag, j, &load, &g[j]);
		assert_int_equal(load, 2);
	}
	assert_int_equal(g[0], 3);
	assert_int_equal(g[1], 2);
	assert_int_equal(g[2], 2);
	lc_table_free(a);
	lc_table_free(ag);

	/* Full: nobody is short, nothing is dealt. */
	add_lead(f->db, "555-2000", NULL, "x");
	o.quota = 4;
	assert_int_equal(lc_assign(f->db, now_value, &o, &a, &ag), 0);
	assert_int_equal(lc_table_row_count(a), 0);
	lc_table_free(a);
	lc_table_free(ag);

	/* Only the listed agents. */
	lc_id just_bob[] = { bob, bob };
	o.quota = 10;
	o.agents = just_bob;
	o.nagents = 2;
	assert_int_equal(lc_assign(f->db, now_value, &o, &a, &ag), 0);
	assert_int_equal(lc_table_row_count(ag), 1);
	assert_int_equal(lc_table_row_count(a), 1);
	assert_int_equal(lc_table_int_named(a, 0, "agent"), bob);
	lc_table_free(a);
	lc_table_free(ag);
}

/* Auto-assignment, switched on by the rule set: round-robin over a unit's
 * active agents, only callable and matching leads, continuing across sweeps. */
static void test_auto_assign(void **state)
{
	fx *f = *state;
	lc_id unit = 0, amy = 0, bob = 0, cat = 0, outsider = 0;
	lc_id l[6];

	assert_int_equal(lc_db_unit_add(f->db, "LSPs", &unit), 0);
	assert_int_equal(lc_db_agent_add(f->db, "amy", &amy), 0);
	assert_int_equal(lc_db_agent_add(f->db, "bob", &bob), 0);
	assert_int_equal(lc_db_agent_add(f->db, "cat", &cat), 0);
	assert_int_equal(lc_db_agent_add(f->db, "zed", &outsider), 0);
	assert_int_equal(lc_db_unit_join(f->db, unit, amy), 0);
	assert_int_equal(lc_db_unit_join(f->db, unit, bob), 0);
	assert_int_equal(lc_db_unit_join(f->db, unit, cat), 0);
	assert_int_equal(lc_db_agent_set_active(f->db, bob, 0), 0);
	install_text(f->db, HEAD "\"rules\":[],\"auto_assign\":{\"enabled\":true,\"unit\":\"LSPs\","
		     "\"if\":{\"source\":[\"LAT\",\"Spreadsheet\"]}}}");
	l[0] = add_lead(f->db, "555-0001", NULL, "LAT");
	l[1] = add_lead(f->db, NULL, NULL, "LAT");          /* not contactable */
	l[2] = add_lead(f->db, "555-0003", NULL, "Web");     /* another source */
	l[3] = add_lead(f->db, NULL, "x@example.com", "Spreadsheet"); /* email only: no call list */
	assert_int_equal(sweep(f->db, now_value), 1);
	assert_int_equal(agent_of(f->db, l[0]), amy);
	assert_int_equal(agent_of(f->db, l[1]), 0);
	assert_int_equal(agent_of(f->db, l[2]), 0);
	assert_int_equal(agent_of(f->db, l[3]), 0);
	/* The next sweep carries on where the last one stopped. */
	l[4] = add_lead(f->db, "555-0005", NULL, "LAT");
	l[5] = add_lead(f->db, "555-0006", NULL, "LAT");
	assert_int_equal(sweep(f->db, now_value), 2);
	assert_int_equal(agent_of(f->db, l[4]), cat);
	assert_int_equal(agent_of(f->db, l[5]), amy);
	assert_int_equal(sweep(f->db, now_value), 0);

	/* Nobody active in the unit: the leads fail, the sweep reports them. */
	assert_int_equal(lc_db_agent_set_active(f->db, amy, 0), 0);
	assert_int_equal(lc_db_agent_set_active(f->db, cat, 0), 0);
	lc_id late = add_lead(f->db, "555-0007", NULL, "LAT");
	lc_table *r = NULL;
	assert_int_equal(lc_workflow_sweep(f->db, now_value, &r), 0);
	assert_int_equal((size_t)lc_table_int_named(lc_table_summary(r), 0, "failures"), 1);
	assert_int_equal(lc_table_int_named(r, 0, "lead"), late);
	assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_ESTATE);
	assert_string_equal(lc_table_text_named(r, 0, "rule"), "auto_assign");
	lc_table_free(r);
	assert_int_equal(agent_of(f->db, late), 0);
}

/* ---- worklists ---- */

static void test_worklist(void **state)
{
	fx *f = *state;
	lc_id amy = 0;
	lc_id n1, n2, due_late, due_early, over, dnc, dnc_status, later;
	lc_table *w = NULL;
	lc_time day = T0 + 9 * 3600;

	assert_int_equal(lc_db_agent_add(f->db, "amy", &amy), 0);
	n1 = add_lead(f->db, "555-0001", NULL, "x");
	n2 = add_lead(f->db, "555-0002", NULL, "x");
	due_late = add_lead(f->db, "555-0003", NULL, "x");
	due_early = add_lead(f->db, "555-0004", NULL, "x");
	over = add_lead(f->db, "555-0005", NULL, "x");
	dnc = add_lead(f->db, "555-0006", NULL, "x");
	dnc_status = add_lead(f->db, "555-0007", NULL, "x");
	later = add_lead(f->db, "555-0008", NULL, "x");
	lc_id all[] = { n1, n2, due_late, due_early, over, dnc, dnc_status, later };
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(lc_db_lead_assign(f->db, all[i], 0, amy), 0);
	/* Yesterday: plan follow-ups. */
	now_value = day - DAY;
	assert_int_equal(dispose(f->db, due_late, "call", "contacted", "follow_up", day + 6 * 3600, "amy"), 0);
	assert_int_equal(dispose(f->db, due_early, "call", "contacted", "follow_up", day + 3600, "amy"), 0);
	assert_int_equal(dispose(f->db, over, "call", "contacted", "hot", day - 3600 * 12, "amy"), 0);
	assert_int_equal(dispose(f->db, dnc, "call", "contacted", "hot", day + 3600, "amy"), 0);
	assert_int_equal(dispose(f->db, dnc_status, "call", "contacted", "follow_up", day + 3600, "amy"), 0);
	assert_int_equal(dispose(f->db, later, "call", "contacted", "follow_up", day + 3 * DAY, "amy"), 0);
	now_value = day;
	lc_lead *l = get(f->db, dnc);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 1), 0);
	assert_int_equal(lc_db_lead_update(f->db, l, -1), 0);
	lc_lead_free(l);
	assert_int_equal(dispose(f->db, dnc_status, "lead_update", "contacted", "do_not_call_number",
				 LC_TIME_NONE, NULL),
			 0);

	assert_int_equal(lc_worklist_get(f->db, amy, day, &w), 0);
	lc_id want[] = { over, due_early, due_late, n1, n2 };
	const char *why[] = { "overdue", "due", "due", "new", "new" };
	assert_int_equal(lc_table_row_count(w), 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(lc_table_int_named(w, i, "lead"), want[i]);
		assert_string_equal(lc_table_text_named(w, i, "reason"), why[i]);
	}
	assert_int_equal(lc_table_int_named(w, 1, "follow_up"), day + 3600);
	assert_int_equal(lc_table_int_named(w, 3, "follow_up"), LC_TIME_NONE);
	assert_int_equal(lc_table_int_named(w, 5, "lead"), LC_TABLE_NONE);
	assert_int_equal(lc_table_column_type(w, 2), LC_COLUMN_TIME);
	assert_string_equal(lc_table_kind(w), "worklist");
	lc_table_free(w);

	/* The engine refuses a call on both do-not-call leads, end to end. */
	assert_int_equal(dispose(f->db, dnc, "call", "contacted", "hot", day + DAY, "amy"), LC_EINVALID);
	assert_int_equal(dispose(f->db, dnc_status, "call", "contacted", "follow_up", day + DAY, "amy"),
			 LC_EINVALID);

	/* Bad input. */
	assert_int_equal(lc_worklist_get(f->db, 999, day, &w), LC_ENOTFOUND);
	assert_int_equal(lc_worklist_get(f->db, 0, day, &w), LC_EINVAL);
	assert_int_equal(lc_worklist_get(NULL, amy, day, &w), LC_EINVAL);
	assert_int_equal(lc_worklist_get(f->db, amy, day, NULL), LC_EINVAL);
}

/* ---- allocation failures ---- */

static long fail_at = -1, alloc_calls, live_allocs;

static void *failing_malloc(size_t n, void *ud)
{
	void *p;
	(void)ud;
	if (fail_at >= 0 && alloc_calls++ == fail_at)
		return NULL;
	p = malloc(n);
	if (p)
		live_allocs++;
	return p;
}

static void *failing_realloc(void *ptr, size_t n, void *ud)
{
	(void)ud;
	if (fail_at >= 0 && alloc_calls++ == fail_at)
		return NULL;
	if (!ptr)
		live_allocs++;
	return realloc(ptr, n);
}

static void counting_free(void *ptr, void *ud)
{
	(void)ud;
	live_allocs--;
	free(ptr);
}

static void use_failing_allocator(void)
{
	lc_allocator a = LC_ALLOCATOR_INIT;
	a.malloc_fn = failing_malloc;
	a.realloc_fn = failing_realloc;
	a.free_fn = counting_free;
	assert_int_equal(lc_set_allocator(&a), 0);
}

/* Every allocation of the reader fails in turn: LC_ENOMEM, nothing leaks. */
static void parse_sweep(const char *json, int want)
{
	use_failing_allocator();
	for (long n = 0;; n++) {
		lc_ruleset *rs = NULL;
		int rc;
		fail_at = n;
		alloc_calls = 0;
		live_allocs = 0;
		rc = lc_ruleset_load_string(&rs, json, "sweep.json");
		if (alloc_calls <= n) {
			assert_int_equal(rc, want);
			lc_ruleset_free(rs);
			assert_int_equal(live_allocs, 0);
			break;
		}
		assert_int_equal(rc, LC_ENOMEM);
		assert_null(rs);
		assert_int_equal(live_allocs, 0);
	}
	fail_at = -1;
	assert_int_equal(lc_set_allocator(NULL), 0);
}

static void test_parse_allocation_failures(void **state)
{
	lc_ruleset *rs = NULL;
	(void)state;
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	char *text = strdup(lc_ruleset_json(rs));
	lc_ruleset_free(rs);
	parse_sweep(text, 0);
	free(text);
	parse_sweep(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"if\":{\"any\":[{\"source\":[\"x\",null]}],"
		    "\"not\":{\"status\":\"new\"}},\"then\":[{\"segment\":\"s\"},{\"explode\":1}]}]}",
		    LC_EFORMAT);
}

/* Sweep, assignment and worklist with an allocation failing at each point in
 * turn: each call fails cleanly or succeeds, and the store stays consistent
 * (a normal sweep afterwards is still idempotent). The whole store lives
 * under the counting allocator, so that every free matches its allocation. */
static void run_allocation_failures(const char *uri)
{
	use_failing_allocator();
	for (long n = 0; n < 4000; n += 7) {
		lc_db *db;
		lc_ruleset *rs = NULL;
		lc_id amy = 0;
		int rc, done = 0;

		fail_at = -1;
		now_value = T0 + 9 * 3600;
		db = open_store_at(uri);
		assert_int_equal(lc_db_agent_add(db, "amy", &amy), 0);
		assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
		assert_int_equal(lc_db_ruleset_install(db, rs, NULL), 0);
		lc_ruleset_free(rs);
		for (int i = 0; i < 4; i++)
			add_lead(db, i % 2 ? "555-0100" : NULL, NULL, i % 3 ? "LAT" : "Web");
		now_value += 4 * DAY;
		alloc_calls = 0;
		fail_at = n;
		rc = lc_workflow_sweep(db, now_value, NULL);
		if (rc != 0 && rc != LC_ENOMEM)
			fail_msg("sweep, allocation %ld: %s: %s", n, lc_error_name(rc), lc_error_last());
		rc = lc_assign(db, now_value, NULL, NULL, NULL);
		assert_true(rc == 0 || rc == LC_ENOMEM);
		lc_table *w = NULL;
		rc = lc_worklist_get(db, amy, now_value, &w);
		assert_true(rc == 0 || rc == LC_ENOMEM);
		lc_table_free(w);
		done = alloc_calls <= n;
		fail_at = -1;
		rc = lc_workflow_sweep(db, now_value, NULL);
		if (rc)
			fail_msg("after a failure at allocation %ld: %s", n, lc_error_last());
		assert_int_equal(sweep(db, now_value), 0);
		lc_db_close(db);
		if (done)
			break;
	}
	fail_at = -1;
	assert_int_equal(lc_set_allocator(NULL), 0);
}

static void test_run_allocation_failures(void **state)
{
	(void)state;
	run_allocation_failures(":memory:");
	run_allocation_failures("memory:");
}

/* ---- the three-week simulation (seed 002) ---- */

/* A small deterministic generator (xorshift). */
static uint64_t rng = 88172645463325252ull;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static const char *const sources[] = { "LAT", "MWI", "Spreadsheet", "Web", "Manually Added",
				       "Referral", "Purchased List" };

/* One simulated day's intake: leads of every kind. */
static void intake(lc_db *db, int n)
{
	for (int i = 0; i < n; i++) {
		uint32_t r = next_rand();
		bool phone = r % 5 != 0, email = r % 3 == 0;
		char ph[32];
		snprintf(ph, sizeof ph, "555-%04u", r % 10000);
		lc_id id = add_lead(db, phone ? ph : NULL, email ? "p@example.com" : NULL,
				    sources[(r >> 8) % (sizeof sources / sizeof sources[0])]);
		if (r % 17 == 0) {
			lc_lead *l = get(db, id);
			assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 1), 0);
			assert_int_equal(lc_db_lead_update(db, l, -1), 0);
			lc_lead_free(l);
		}
	}
}

/* Check every lead's segment against the seed's definitions. */
static void check_segments(lc_db *db, lc_time now)
{
	lc_lead_iter *it = NULL;
	const lc_lead *l;

	assert_int_equal(lc_db_query(db, NULL, &it), 0);
	while (lc_lead_iter_next(it, &l) == 1) {
		const char *src = lc_lead_text(l, LC_LEAD_SOURCE);
		const char *seg = lc_lead_text(l, LC_LEAD_SEGMENT);
		const char *ms = lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE);
		const char *st = lc_state_get(lc_lead_state(l), LC_AXIS_STATUS);
		lc_time t = lc_lead_number(l, LC_LEAD_NUM_TOUCHED_AT) != LC_TIME_NONE ? lc_lead_number(l, LC_LEAD_NUM_TOUCHED_AT) : lc_lead_number(l, LC_LEAD_NUM_CREATED_AT);
		bool fresh = now - t <= 30 * DAY;
		bool high = src && (!strcmp(src, "LAT") || !strcmp(src, "MWI") || !strcmp(src, "Spreadsheet") ||
				    !strcmp(src, "Web") || !strcmp(src, "Manually Added"));
		bool eng = (ms && (!strcmp(ms, "contacted") || !strcmp(ms, "quoted"))) ||
			   (st && (!strcmp(st, "hot") || !strcmp(st, "follow_up") || !strcmp(st, "requote")));
		const char *want;
		if ((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_AUTOMATION_STOPPED)
			continue; /* closed by an event rule: automation no longer touches it */
		if (ms && (!strcmp(ms, "sold") || !strcmp(ms, "not_interested")))
			want = NULL;
		else if (high && fresh)
			want = "highly_engaged";
		else if (eng && fresh)
			want = "engaged";
		else
			want = "cold";
		if (want ? !seg || strcmp(seg, want) : seg != NULL)
			fail_msg("lead %lld (%s, %s/%s): segment %s, expected %s", (long long)lc_lead_number(l, LC_LEAD_NUM_ID),
				 src ? src : "-", ms ? ms : "-", st ? st : "-", seg ? seg : "none",
				 want ? want : "none");
	}
	lc_lead_iter_free(it);
}

/* seed002's rank of a segment: highly engaged, engaged, any other or none, cold. */
static int seed002_rank(const char *seg)
{
	if (seg && !strcmp(seg, "highly_engaged"))
		return 0;
	if (seg && !strcmp(seg, "engaged"))
		return 1;
	return seg && !strcmp(seg, "cold") ? 3 : 2;
}

/* An agent works its list from top to bottom, as the seed asks: its new
 * leads come most engaged first, then oldest first. */
static void work_list(lc_db *db, lc_id agent, const char *name, lc_time day, int *calls)
{
	lc_table *w = NULL;
	int last_rank = -1;
	lc_time last_created = 0;

	assert_int_equal(lc_worklist_get(db, agent, day, &w), 0);
	for (size_t i = 0; i < lc_table_row_count(w); i++) {
		lc_id id = lc_table_int_named(w, i, "lead");
		lc_lead *l = get(db, id);
		const char *ms = lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE);
		uint32_t r = next_rand() % 10;
		int rc;

		if (!strcmp(lc_table_text_named(w, i, "reason"), "new")) {
			int rank = seed002_rank(lc_lead_text(l, LC_LEAD_SEGMENT));
			assert_true(rank > last_rank ||
				    (rank == last_rank && lc_lead_number(l, LC_LEAD_NUM_CREATED_AT) >= last_created));
			last_rank = rank;
			last_created = lc_lead_number(l, LC_LEAD_NUM_CREATED_AT);
		}

		/* Never a do-not-call lead on a call list. */
		assert_false((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_CALL);
		assert_non_null(lc_lead_text(l, LC_LEAD_PHONE));
		assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), agent);
		lc_lead_free(l);
		now_value = day + 3600 + (lc_time)i * 60;
		if (!ms || !strcmp(ms, "no_milestone")) {
			if (r < 4)
				rc = dispose(db, id, "call", "no_milestone", "attempted_contact", LC_TIME_NONE, name);
			else if (r < 7)
				rc = dispose(db, id, "call", "contacted", "follow_up", day + (1 + r % 3) * DAY, name);
			else if (r < 8)
				rc = dispose(db, id, "lead_update", "no_milestone", "do_not_call_number", LC_TIME_NONE, name);
			else
				rc = dispose(db, id, "call", "not_interested", "not_interested", LC_TIME_NONE, name);
		} else {
			if (r < 5)
				rc = dispose(db, id, "call", "quoted", "hot", day + 2 * DAY, name);
			else if (r < 7)
				rc = dispose(db, id, "call", "sold", "customer", LC_TIME_NONE, name);
			else
				rc = dispose(db, id, "call", "not_interested", "not_interested", LC_TIME_NONE, name);
		}
		if (rc)
			fail_msg("lead %lld: %s", (long long)id, last_violation);
		(*calls)++;
	}
	lc_table_free(w);
}

static void test_three_weeks(void **state)
{
	fx *f = *state;
	lc_ruleset *rs = NULL;
	lc_id agents[3];
	const char *names[] = { "amy", "bob", "cat" };
	const uint32_t quota = 12;
	lc_assign_options o = LC_ASSIGN_OPTIONS_INIT;
	int calls = 0;
	lc_id early_bin = 0;
	bool saw_follow_ups = false, ran_dry = false, saw_full = false;

	now_value = T0 + 8 * 3600;
	for (int i = 0; i < 3; i++)
		assert_int_equal(lc_db_agent_add(f->db, names[i], &agents[i]), 0);
	o.quota = quota;

	/* Day one: turn on the workflows (seed002), leads arrive. */
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_int_equal(lc_db_ruleset_install(f->db, rs, NULL), 0);
	lc_ruleset_free(rs);
	now_value = T0 + 6 * 3600;
	early_bin = add_lead(f->db, NULL, NULL, "LAT"); /* can be neither called nor emailed */
	intake(f->db, 60);

	for (int d = 0; d < 21; d++) {
		lc_time day = T0 + (lc_time)d * DAY;
		lc_table *a = NULL, *ag = NULL;
		lc_table *r = NULL;

		now_value = day + 7 * 3600;
		if (d > 0 && d % 7 != 6)
			intake(f->db, 15);
		/* Morning sweep: recycle and segments; a second sweep changes nothing. */
		assert_int_equal(lc_workflow_sweep(f->db, now_value, &r), 0);
		assert_int_equal((size_t)lc_table_int_named(lc_table_summary(r), 0, "failures"), 0);
		lc_table_free(r);
		assert_int_equal(lc_workflow_sweep(f->db, now_value, &r), 0);
		assert_int_equal(lc_table_row_count(r), 0);
		lc_table_free(r);
		check_segments(f->db, now_value);

		/* Recycling happens on day 3 (72 h after creation), not before. */
		if (d < 3)
			assert_false(flags_of(f->db, early_bin) & LC_LEAD_RECYCLED);
		else
			assert_true(flags_of(f->db, early_bin) & LC_LEAD_RECYCLED);

		/* Week two: bob is deactivated; he gets nothing from then on. */
		if (d == 7)
			assert_int_equal(lc_db_agent_set_active(f->db, agents[1], 0), 0);
		if (d == 14)
			assert_int_equal(lc_db_agent_set_active(f->db, agents[1], 1), 0);

		/* Top each active agent up to the quota, counting follow-ups due. */
		now_value = day + 8 * 3600;
		assert_int_equal(lc_assign(f->db, now_value, &o, &a, &ag), 0);
		for (size_t j = 0; j < lc_table_row_count(ag); j++) {
			int64_t load = 0, given = 0;
			lc_id id = agent_at(ag, j, &load, &given);
			assert_true(id != agents[1] || d < 7 || d >= 14);
			assert_true(load + given <= (int64_t)quota || given == 0);
		}
		for (size_t i = 0; i < lc_table_row_count(a); i++) {
			lc_lead *l = get(f->db, lc_table_int_named(a, i, "lead"));
			assert_false((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_CALL);
			assert_non_null(lc_lead_text(l, LC_LEAD_PHONE));
			lc_lead_free(l);
			if (d >= 7 && d < 14)
				assert_int_not_equal(lc_table_int_named(a, i, "agent"), agents[1]);
		}
		/* Quotas hold: every active agent's list reaches the quota unless the
		 * pool of callable, unassigned leads ran dry; then shares differ by at
		 * most one among the agents that were short. */
		int64_t assignable = 0;
		{
			lc_query *q = NULL;
			lc_lead_iter *it = NULL;
			const lc_lead *l;
			assert_int_equal(lc_query_new(&q), 0);
			assert_int_equal(lc_query_set_agent(q, LC_QUERY_NONE), 0);
			assert_int_equal(lc_db_query(f->db, q, &it), 0);
			while (lc_lead_iter_next(it, &l) == 1)
				if (lc__wf_listable(l, day + DAY) && !lc__wf_stopped(l))
					assignable++;
			lc_lead_iter_free(it);
			lc_query_free(q);
		}
		int64_t gmin = INT64_MAX, gmax = 0;
		for (size_t j = 0; j < lc_table_row_count(ag); j++) {
			int64_t load = 0, given = 0;
			lc_id id = agent_at(ag, j, &load, &given);
			lc_table *w = NULL;
			assert_int_equal(lc_worklist_get(f->db, id, now_value, &w), 0);
			int64_t len = (int64_t)lc_table_row_count(w);
			lc_table_free(w);
			/* The list is what it had plus what it got. */
			assert_int_equal(len, load + given);
			if (load > 0 && d > 0)
				saw_follow_ups = true;
			if (assignable > 0)
				assert_true(len >= (int64_t)quota);
			else
				ran_dry = true;
			if (load < (int64_t)quota) {
				if (given < gmin)
					gmin = given;
				if (given > gmax)
					gmax = given;
			}
		}
		/* Fair: an agent that got two fewer than another was full. */
		for (size_t i = 0; i < lc_table_row_count(ag); i++)
			for (size_t j = 0; j < lc_table_row_count(ag); j++) {
				int64_t li = 0, gi = 0, lj = 0, gj = 0;
				agent_at(ag, i, &li, &gi);
				agent_at(ag, j, &lj, &gj);
				if (gi < gj - 1)
					assert_int_equal(gi, (int64_t)quota - li);
			}
		if (assignable > 0 && gmax > 0)
			saw_full = true;
		(void)gmin;
		lc_table_free(a);
	lc_table_free(ag);

		/* Agents work their lists top to bottom. */
		for (int i = 0; i < 3; i++) {
			if (i == 1 && d >= 7 && d < 14) {
				lc_table *w = NULL;
				/* A deactivated agent keeps what it had; it is given nothing new. */
				assert_int_equal(lc_worklist_get(f->db, agents[1], day, &w), 0);
				for (size_t k = 0; k < lc_table_row_count(w); k++)
					assert_non_null(lc_table_text_named(w, k, "reason"));
				lc_table_free(w);
				continue;
			}
			work_list(f->db, agents[i], names[i], day, &calls);
		}
	}
	assert_true(calls > 100);

	/* After three weeks: turn on auto-assignment (seed002 with "enabled":
	 * true). New contactable LAT and spreadsheet leads are dealt round-robin
	 * to the active agents by the next sweep. */
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	char *json = strdup(lc_ruleset_json(rs));
	lc_ruleset_free(rs);
	char *on = strstr(json, "\"enabled\": false");
	assert_non_null(on);
	memcpy(on, "\"enabled\": true ", strlen("\"enabled\": true "));
	install_text(f->db, json);
	free(json);
	now_value = T0 + 21 * DAY + 7 * 3600;
	lc_id fresh[4];
	fresh[0] = add_lead(f->db, "555-7001", NULL, "LAT");
	fresh[1] = add_lead(f->db, "555-7002", NULL, "Spreadsheet");
	fresh[2] = add_lead(f->db, "555-7003", NULL, "Web"); /* not an Allstate source */
	fresh[3] = add_lead(f->db, NULL, NULL, "LAT");         /* not contactable */
	sweep(f->db, now_value);
	assert_true(agent_of(f->db, fresh[0]) != 0);
	assert_true(agent_of(f->db, fresh[1]) != 0);
	assert_int_not_equal(agent_of(f->db, fresh[0]), agent_of(f->db, fresh[1]));
	assert_int_equal(agent_of(f->db, fresh[2]), 0);
	assert_int_equal(agent_of(f->db, fresh[3]), 0);
	assert_int_equal(sweep(f->db, now_value), 0);

	/* Both regimes happened: full quotas, and a pool that ran dry. */
	assert_true(saw_follow_ups);
	assert_true(ran_dry);
	assert_true(saw_full);
}

/* Follow-ups due today count against the quota. */
static void test_assign_counts_follow_ups(void **state)
{
	fx *f = *state;
	lc_id amy = 0;
	lc_assign_options o = LC_ASSIGN_OPTIONS_INIT;
	lc_table *a = NULL, *ag = NULL;
	lc_time day = now_value;

	assert_int_equal(lc_db_agent_add(f->db, "amy", &amy), 0);
	for (int i = 0; i < 3; i++) {
		lc_id id = add_lead(f->db, "555-0001", NULL, "x");
		assert_int_equal(lc_db_lead_assign(f->db, id, 0, amy), 0);
		assert_int_equal(dispose(f->db, id, "call", "contacted", "follow_up", day + DAY + 3600, "amy"), 0);
	}
	for (int i = 0; i < 10; i++)
		add_lead(f->db, "555-0002", NULL, "x");
	o.quota = 5;
	/* Tomorrow: 3 follow-ups due, so 2 new leads. */
	now_value = day + DAY;
	assert_int_equal(lc_assign(f->db, now_value, &o, &a, &ag), 0);
	int64_t load = 0, given = 0;
	agent_at(ag, 0, &load, &given);
	assert_int_equal(load, 3);
	assert_int_equal(given, 2);
	lc_table_free(a);
	lc_table_free(ag);
	/* Same day again: topped up already. */
	assert_int_equal(lc_assign(f->db, now_value, &o, &a, &ag), 0);
	assert_int_equal(lc_table_row_count(a), 0);
	lc_table_free(a);
	lc_table_free(ag);
}

/* ---- issue 10, items 13 and 14: segment ranks, and lists that match assignment ---- */

/* Today at 09:00 UTC, from the real clock: these tests run relative to now. */
static lc_time today_9am(void)
{
	return ((lc_time)time(NULL) / DAY) * DAY + 9 * 3600;
}

static void test_parse_segments(void **state)
{
	lc_ruleset *rs = NULL;

	(void)state;
	assert_int_equal(lc_ruleset_load_string(&rs, HEAD "\"segments\":[\"hot\",null,\"cold\"],"
						"\"rules\":[]}", NULL),
			 0);
	lc_ruleset_free(rs);
	expect_format_error(HEAD "\"segments\":\"hot\",\"rules\":[]}", LC_EFORMAT, "segments");
	expect_format_error(HEAD "\"segments\":[\"hot\",3],\"rules\":[]}", LC_EFORMAT, "segments[1]");
	expect_format_error(HEAD "\"segments\":[\"hot\",\"\"],\"rules\":[]}", LC_EFORMAT, "segments[1]");
	expect_format_error(HEAD "\"segments\":[\"hot\",\"Hot\"],\"rules\":[]}", LC_EFORMAT, "twice");
	expect_format_error(HEAD "\"segments\":[null,\"hot\",null],\"rules\":[]}", LC_EFORMAT,
			    "segments[2]");
	expect_format_error(HEAD "\"rules\":[],\"auto_assign\":{\"enabled\":true,\"quota\":-1}}",
			    LC_EFORMAT, "auto_assign.quota");
	expect_format_error(HEAD "\"rules\":[],\"auto_assign\":{\"enabled\":true,\"quota\":\"50\"}}",
			    LC_EFORMAT, "auto_assign.quota");
	expect_format_error(HEAD "\"rules\":[{\"name\":\"a\",\"kind\":\"time\",\"then\":[{\"assign\":"
			    "{\"quota\":100001}}]}]}",
			    LC_EFORMAT, "rules[0].then[0].assign.quota");
	/* The preset ranks seed 002's segments. */
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	assert_non_null(strstr(lc_ruleset_json(rs), "\"segments\""));
	lc_ruleset_free(rs);
}

/* A new lead assigned to `agent`, created at `created`, in a segment. */
static lc_id new_lead_at(lc_db *db, lc_id agent, lc_time created, const char *segment)
{
	lc_id id;

	now_value = created;
	id = add_lead(db, "555-0100", NULL, "x");
	if (segment)
		set_segment(db, id, segment);
	if (agent)
		assert_int_equal(lc_db_lead_assign(db, id, 0, agent), 0);
	return id;
}

static void expect_worklist(lc_db *db, lc_id agent, lc_time day, const lc_id *want, size_t n)
{
	lc_table *w = NULL;

	assert_int_equal(lc_worklist_get(db, agent, day, &w), 0);
	for (size_t i = 0; i < n && i < lc_table_row_count(w); i++)
		if (lc_table_int_named(w, i, "lead") != want[i])
			fail_msg("row %zu: lead %lld, expected %lld", i,
				 (long long)lc_table_int_named(w, i, "lead"), (long long)want[i]);
	assert_int_equal(lc_table_row_count(w), n);
	lc_table_free(w);
}

/* New leads come by the rule set's segment rank, then age (oldest first);
 * overdue and due follow-ups stay first. */
static void test_worklist_segment_order(void **state)
{
	fx *f = *state;
	lc_time day = today_9am();
	lc_id amy = 0;

	assert_int_equal(lc_db_agent_add(f->db, "amy", &amy), 0);
	install_text(f->db, HEAD "\"segments\":[\"highly_engaged\",\"engaged\",null,\"cold\"],"
				 "\"rules\":[]}");
	lc_id cold_old = new_lead_at(f->db, amy, day - 5 * DAY, "cold");
	lc_id none_mid = new_lead_at(f->db, amy, day - 3 * DAY, NULL);
	lc_id eng_new = new_lead_at(f->db, amy, day - 1 * DAY, "engaged");
	lc_id high_new = new_lead_at(f->db, amy, day - 2 * DAY, "highly_engaged");
	lc_id vip = new_lead_at(f->db, amy, day - 4 * DAY, "vip"); /* not ranked: with "none" */
	lc_id high_old = new_lead_at(f->db, amy, day - 6 * DAY, "highly_engaged");
	lc_id eng_caps = new_lead_at(f->db, amy, day - 2 * DAY + 3600, "ENGAGED");
	lc_id due = new_lead_at(f->db, amy, day - 7 * DAY, "cold");
	lc_id over = new_lead_at(f->db, amy, day - 7 * DAY, "cold");
	now_value = day - DAY;
	assert_int_equal(dispose(f->db, due, "call", "contacted", "follow_up", day + 6 * 3600, "amy"), 0);
	assert_int_equal(dispose(f->db, over, "call", "contacted", "follow_up", day - 3600, "amy"), 0);
	now_value = day;

	lc_id ranked[] = { over, due, high_old, high_new, eng_caps, eng_new, vip, none_mid, cold_old };
	expect_worklist(f->db, amy, day, ranked, LC_ARRAY_LEN(ranked));

	/* Without a null, unlisted segments and none come after the listed ones. */
	install_text(f->db, HEAD "\"segments\":[\"highly_engaged\",\"engaged\",\"cold\"],\"rules\":[]}");
	lc_id listed[] = { over, due, high_old, high_new, eng_caps, eng_new, cold_old, vip, none_mid };
	expect_worklist(f->db, amy, day, listed, LC_ARRAY_LEN(listed));

	/* A rule set that ranks nothing: age alone. */
	install_text(f->db, HEAD "\"rules\":[]}");
	lc_id aged[] = { over, due, high_old, cold_old, vip, none_mid, high_new, eng_caps, eng_new };
	expect_worklist(f->db, amy, day, aged, LC_ARRAY_LEN(aged));
}

/* Whether a lead is a row of an agent's worklist for the day. */
static bool on_worklist(lc_db *db, lc_id agent, lc_time day, lc_id lead)
{
	lc_table *w = NULL;
	bool hit = false;

	assert_int_equal(lc_worklist_get(db, agent, day, &w), 0);
	for (size_t i = 0; i < lc_table_row_count(w); i++)
		hit = hit || lc_table_int_named(w, i, "lead") == lead;
	lc_table_free(w);
	return hit;
}

static int64_t worklist_rows(lc_db *db, lc_id agent, lc_time day)
{
	lc_table *w = NULL;
	int64_t n;

	assert_int_equal(lc_worklist_get(db, agent, day, &w), 0);
	n = (int64_t)lc_table_row_count(w);
	lc_table_free(w);
	return n;
}

/* Every lead dealt for a day is on that day's list: list = load + given, for
 * every agent; nobody goes over the quota; an email-only lead, or a worked
 * one with nothing due, is never dealt to a call list. */
static void test_assign_fills_worklists(void **state)
{
	fx *f = *state;
	lc_time day = today_9am();
	lc_id amy = 0, bob = 0;
	lc_assign_options o = LC_ASSIGN_OPTIONS_INIT;
	lc_table *a = NULL, *ag = NULL;

	assert_int_equal(lc_db_agent_add(f->db, "amy", &amy), 0);
	assert_int_equal(lc_db_agent_add(f->db, "bob", &bob), 0);
	install_text(f->db, HEAD "\"rules\":[]}");
	new_lead_at(f->db, amy, day - 2 * DAY, NULL);
	new_lead_at(f->db, amy, day - 2 * DAY, NULL);
	lc_id fresh[3];
	for (int i = 0; i < 3; i++)
		fresh[i] = new_lead_at(f->db, 0, day - DAY + i * 60, "cold");
	lc_id worked[2], fdue, flater, fover, email[2];
	now_value = day - DAY;
	for (int i = 0; i < 2; i++) {
		worked[i] = add_lead(f->db, "555-0200", NULL, "x");
		set_segment(f->db, worked[i], "highly_engaged");
		assert_int_equal(dispose(f->db, worked[i], "call", "no_milestone", "attempted_contact",
					 LC_TIME_NONE, "ann"),
				 0);
	}
	fdue = add_lead(f->db, "555-0300", NULL, "x");
	assert_int_equal(dispose(f->db, fdue, "call", "contacted", "follow_up", day + 2 * 3600, "ann"), 0);
	flater = add_lead(f->db, "555-0301", NULL, "x");
	assert_int_equal(dispose(f->db, flater, "call", "contacted", "follow_up", day + 5 * DAY, "ann"), 0);
	fover = add_lead(f->db, "555-0302", NULL, "x");
	assert_int_equal(dispose(f->db, fover, "call", "contacted", "follow_up", day - 3600, "ann"), 0);
	for (int i = 0; i < 2; i++) {
		email[i] = add_lead(f->db, NULL, "e@example.com", "LAT");
		set_segment(f->db, email[i], "highly_engaged");
	}
	now_value = day;

	o.quota = 5;
	assert_int_equal(lc_assign(f->db, now_value, &o, &a, &ag), 0);
	assert_int_equal(lc_table_row_count(ag), 2);
	int64_t dealt = 0;
	for (size_t j = 0; j < lc_table_row_count(ag); j++) {
		int64_t load = 0, given = 0;
		lc_id id = agent_at(ag, j, &load, &given);
		assert_int_equal(worklist_rows(f->db, id, day), load + given);
		assert_true(load + given <= (int64_t)o.quota);
		dealt += given;
	}
	/* The three new leads and the two follow-ups due today or overdue. */
	assert_int_equal(dealt, 5);
	assert_int_equal(lc_table_row_count(a), 5);
	for (size_t i = 0; i < lc_table_row_count(a); i++)
		assert_true(on_worklist(f->db, lc_table_int_named(a, i, "agent"), day,
					lc_table_int_named(a, i, "lead")));
	assert_true(agent_of(f->db, fdue) && agent_of(f->db, fover));
	for (int i = 0; i < 3; i++)
		assert_true(agent_of(f->db, fresh[i]) != 0);
	assert_int_equal(agent_of(f->db, worked[0]), 0);
	assert_int_equal(agent_of(f->db, worked[1]), 0);
	assert_int_equal(agent_of(f->db, flater), 0);
	assert_int_equal(agent_of(f->db, email[0]), 0);
	assert_int_equal(agent_of(f->db, email[1]), 0);
	lc_table_free(a);
	lc_table_free(ag);

	/* The day the later follow-up falls due, it is dealt and listed. */
	now_value = day + 5 * DAY;
	assert_int_equal(lc_assign(f->db, now_value, &o, &a, &ag), 0);
	for (size_t j = 0; j < lc_table_row_count(ag); j++) {
		int64_t load = 0, given = 0;
		lc_id id = agent_at(ag, j, &load, &given);
		assert_int_equal(worklist_rows(f->db, id, now_value), load + given);
		assert_true(load + given <= (int64_t)o.quota);
	}
	assert_true(agent_of(f->db, flater) != 0);
	assert_true(on_worklist(f->db, agent_of(f->db, flater), now_value, flater));
	assert_int_equal(agent_of(f->db, email[0]), 0);
	lc_table_free(a);
	lc_table_free(ag);
}

/* Auto-assignment tops call lists up to its quota, round-robin, and never
 * deals an email-only lead or a worked one with nothing due to a call list. */
static void test_auto_assign_quota(void **state)
{
	fx *f = *state;
	lc_time day = today_9am();
	lc_id amy = 0, cat = 0;

	assert_int_equal(lc_db_agent_add(f->db, "amy", &amy), 0);
	assert_int_equal(lc_db_agent_add(f->db, "cat", &cat), 0);
	install_text(f->db, HEAD "\"rules\":[],\"auto_assign\":{\"enabled\":true,\"unit\":null,"
				 "\"quota\":2}}");
	lc_id held = new_lead_at(f->db, amy, day - DAY, NULL);
	now_value = day - DAY;
	lc_id worked = add_lead(f->db, "555-0400", NULL, "x");
	assert_int_equal(dispose(f->db, worked, "call", "no_milestone", "attempted_contact", LC_TIME_NONE,
				 "ann"),
			 0);
	lc_id email = add_lead(f->db, NULL, "e@example.com", "x");
	lc_id l[5];
	for (int i = 0; i < 5; i++)
		l[i] = add_lead(f->db, "555-0401", NULL, "x");
	now_value = day;

	/* amy holds one: she gets one, cat two; the rest wait. */
	assert_int_equal(sweep(f->db, day), 3);
	assert_int_equal(agent_of(f->db, l[0]), amy);
	assert_int_equal(agent_of(f->db, l[1]), cat);
	assert_int_equal(agent_of(f->db, l[2]), cat);
	assert_int_equal(agent_of(f->db, l[3]), 0);
	assert_int_equal(agent_of(f->db, l[4]), 0);
	assert_int_equal(agent_of(f->db, email), 0);
	assert_int_equal(agent_of(f->db, worked), 0);
	assert_int_equal(worklist_rows(f->db, amy, day), 2);
	assert_int_equal(worklist_rows(f->db, cat, day), 2);
	assert_int_equal(sweep(f->db, day), 0);

	/* amy works a lead off her list: the next sweep tops her up again. */
	assert_int_equal(dispose(f->db, held, "call", "no_milestone", "attempted_contact", LC_TIME_NONE,
				 "amy"),
			 0);
	assert_int_equal(sweep(f->db, day), 1);
	assert_int_equal(agent_of(f->db, l[3]), amy);
	assert_int_equal(worklist_rows(f->db, amy, day), 2);
	assert_int_equal(agent_of(f->db, email), 0);
	assert_int_equal(agent_of(f->db, worked), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_preset),
		cmocka_unit_test_setup_teardown(test_install_versions, setup, teardown),
		cmocka_unit_test(test_install_needs_model),
		cmocka_unit_test(test_install_persists),
		cmocka_unit_test(test_install_other_handle),
		cmocka_unit_test_setup_teardown(test_install_rolled_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_effects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_rolls_back_lead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_rules, setup, teardown),
		cmocka_unit_test(test_automation_stopped_status),
		cmocka_unit_test_setup_teardown(test_event_triggers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_rule_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blank_contacts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_stored_ruleset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_order_and_fairness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_counts_follow_ups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_assign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worklist, setup, teardown),
		cmocka_unit_test(test_parse_allocation_failures),
		cmocka_unit_test(test_run_allocation_failures),
		cmocka_unit_test_setup_teardown(test_three_weeks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_effects, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_event_rules, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_assign_order_and_fairness, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_worklist, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_three_weeks, setup_memory, teardown),
		cmocka_unit_test(test_parse_segments),
		cmocka_unit_test_setup_teardown(test_worklist_segment_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worklist_segment_order, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_assign_fills_worklists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_fills_worklists, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_auto_assign_quota, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_assign_quota, setup_memory, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
