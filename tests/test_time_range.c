/* The valid range of times (LC_TIME_MIN..LC_TIME_MAX, years 1 to 9999) and
 * of durations (LC_DURATION_MAX), at every public function that takes a
 * time: the range's edges work, a second beyond them and the int64 extremes
 * are LC_ERANGE (or, for functions that return a number, answered without
 * overflow). Run under UBSan (scripts/test.sh's sanitizer stage), any
 * overflow on the way is a failure too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "leadcore/leadcore.h"
#include "leadcore/sys/storage.h"

#define NE 9
static const lc_time edges[NE] = { LC_TIME_MIN, LC_TIME_MIN + 1, 0, LC_TIME_MAX - 1, LC_TIME_MAX,
				   LC_TIME_MIN - 1, LC_TIME_MAX + 1, INT64_MAX, INT64_MIN + 1 };

static bool valid(lc_time t)
{
	return t >= LC_TIME_MIN && t <= LC_TIME_MAX;
}

/* RC is 0 for a valid time and LC_ERANGE for another. */
#define EXPECT(t, rc) assert_int_equal((rc), valid(t) ? 0 : LC_ERANGE)

static lc_time clock_value;
static lc_time test_clock(void *ud)
{
	(void)ud;
	return clock_value;
}

static lc_db *store(void)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_model *m = NULL;
	lc_db *db = NULL;

	o.clock = test_clock;
	clock_value = 1795000000;
	assert_int_equal(lc_db_open(&db, "memory:", &o), 0);
	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	return db;
}

static void test_text(void **state)
{
	char buf[LC_TIME_FORMAT_SIZE];
	lc_time t = 0;

	(void)state;
	for (int i = 0; i < NE; i++) {
		EXPECT(edges[i], lc_time_format(edges[i], buf, sizeof buf));
		if (valid(edges[i])) {
			assert_int_equal(lc_time_parse(buf, &t), 0);
			assert_int_equal(t, edges[i]);
		}
	}
	assert_int_equal(lc_time_parse("0001-01-01", &t), 0);
	assert_int_equal(t, LC_TIME_MIN);
	assert_int_equal(lc_time_parse("9999-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, LC_TIME_MAX);
	assert_int_equal(lc_time_parse("0000-12-31", &t), LC_ERANGE);
	assert_int_equal(lc_time_parse("0001-01-01T00:00:00+00:01", &t), LC_ERANGE);
	assert_int_equal(lc_time_parse("9999-12-31T23:59:59-00:01", &t), LC_ERANGE);
}

static void test_setters(void **state)
{
	lc_model *m = NULL;
	lc_disposition *d = NULL;
	lc_state *st = NULL;
	lc_lead *l = NULL;
	lc_query *q = NULL;

	(void)state;
	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_disposition_new(&d, m), 0);
	assert_int_equal(lc_state_new(&st, m), 0);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_query_new(&q), 0);
	for (int i = 0; i < NE; i++) {
		lc_time t = edges[i];
		EXPECT(t, lc_disposition_set_follow_up(d, t));
		EXPECT(t, lc_state_set_time(st, LC_STATE_TIME_FOLLOW_UP, t));
		EXPECT(t, lc_state_set_time(st, LC_STATE_TIME_COMPLETED_AT, t));
		for (int f = 0; f < LC_LEAD_DATE_COUNT; f++)
			EXPECT(t, lc_lead_set_date(l, (lc_lead_date_field)f, t));
		EXPECT(t, lc_lead_activity_add(l, "call", t, NULL));
		EXPECT(t, lc_query_set_follow_up(q, t, LC_TIME_NONE));
		EXPECT(t, lc_query_set_created(q, LC_TIME_NONE, t));
		EXPECT(t, lc_validate(m, st, d, t, NULL) == LC_ERANGE ? LC_ERANGE : 0);
		EXPECT(t, lc_transition(m, st, d, t, st, NULL) == LC_ERANGE ? LC_ERANGE : 0);
		/* Stored rows read back: a backend's setters refuse them too. */
		EXPECT(t, lc_lead_sys_set_meta(l, 1, 1, t, LC_TIME_NONE, 0));
		EXPECT(t, lc_lead_sys_add_note(l, t, "a", "note"));
		/* Numbers about a lead's dates: answered, never overflowing. */
		assert_int_equal(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, LC_TIME_MAX), 0);
		assert_true(lc_lead_duration(l, LC_LEAD_TIME_TO_COMPLETION, t) >= 0);
		assert_int_equal(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, LC_TIME_MIN), 0);
		assert_true(lc_lead_duration(l, LC_LEAD_TIME_OVERDUE, t) >= 0);
	}
	assert_int_equal(lc_lead_sys_set_meta(l, 1, INT64_MAX, 0, LC_TIME_NONE, 0), LC_ERANGE);
	lc_query_free(q);
	lc_lead_free(l);
	lc_state_free(st);
	lc_disposition_free(d);
	lc_model_free(m);
}

/* Rule set durations are bounded; a follow-up due beyond the valid times is
 * an effect's LC_ERANGE, not a wrapped time. */
static void test_workflow(void **state)
{
	static const char head[] = "{\"format\":1,\"name\":\"t\",\"version\":1,\"rules\":[{\"name\":"
				   "\"later\",\"kind\":\"time\",\"then\":[{\"follow_up\":{\"in\":";
	char json[512];
	lc_ruleset *rs = NULL;
	lc_db *db = store();
	lc_table *t = NULL;
	lc_lead *l = NULL;
	lc_id agent = 0, id = 0;

	(void)state;
	snprintf(json, sizeof json, "%s%lld}}]}]}", head, (long long)INT64_MAX);
	assert_int_equal(lc_ruleset_load_string(&rs, json, "t"), LC_ERANGE);
	assert_non_null(strstr(lc_error_last(), "LC_DURATION_MAX"));
	snprintf(json, sizeof json, "%s\"100000000w\"}}]}]}", head);
	assert_int_equal(lc_ruleset_load_string(&rs, json, "t"), LC_ERANGE);
	snprintf(json, sizeof json, "%s%lld}}]}]}", head, (long long)LC_DURATION_MAX);
	assert_int_equal(lc_ruleset_load_string(&rs, json, "t"), 0);
	assert_int_equal(lc_db_ruleset_install(db, rs, NULL), 0);
	lc_ruleset_free(rs);
	assert_int_equal(lc_db_agent_add(db, "amy", &agent), 0);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_PHONE, "+1 555 0100"), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);
	for (int i = 0; i < NE; i++) {
		int rc = lc_workflow_sweep(db, edges[i], &t);
		if (valid(edges[i])) {
			/* Runs; the effect fails with LC_ERANGE where now + in is beyond. */
			assert_int_equal(rc, 0);
			for (size_t r = 0; r < lc_table_row_count(t); r++) {
				int64_t code = lc_table_int_named(t, r, "code");
				assert_true(code == 0 || code == LC_ERANGE);
			}
		} else {
			assert_int_equal(rc, LC_ERANGE);
		}
		lc_table_free(t);
		t = NULL;
		rc = lc_worklist_get(db, agent, edges[i], &t);
		assert_int_equal(rc == LC_ERANGE, !valid(edges[i]));
		lc_table_free(t);
		t = NULL;
	}
	lc_db_close(db);
}

#define DAY INT64_C(86400)

/* Run report k (0..5) with options o; the table is freed. */
static int report(lc_db *db, int k, const lc_report_options *o)
{
	static const lc_axis axes[] = { LC_AXIS_STATUS };
	lc_table *t = NULL;
	int rc = 0;

	switch (k) {
	case 0: rc = lc_report_pipeline(db, axes, 1, o, &t); break;
	case 1: rc = lc_report_matrix(db, o, &t); break;
	case 2: rc = lc_report_matrix_cell(db, "no_milestone", "new", o, &t); break;
	case 3: rc = lc_report_overdue(db, o, &t); break;
	case 4: rc = lc_report_funnel(db, o, &t); break;
	default: rc = lc_report_followups(db, o, &t); break;
	}
	lc_table_free(t);
	return rc;
}

/* Every report takes its window's ends (lc_report_options.from, .to) in the
 * valid times and names the field it refuses; a store clock outside them is
 * refused, never computed with. */
static void test_reports(void **state)
{
	lc_db *db = store();
	lc_lead *l = NULL;
	lc_id agent = 0;

	(void)state;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, LC_TIME_MIN), 0);
	assert_int_equal(lc_db_lead_create(db, l, NULL), 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_agent_add(db, "amy", &agent), 0);
	for (int i = 0; i < NE; i++) {
		lc_time t = edges[i];
		for (int end = 0; end < 2; end++) {
			lc_report_options o = LC_REPORT_OPTIONS_INIT;
			const char *field = end ? "lc_report_options.to" : "lc_report_options.from";
			*(end ? &o.to : &o.from) = t;
			for (int k = 0; k < 6; k++) {
				int rc = report(db, k, &o);
				if (!valid(t)) {
					assert_int_equal(rc, LC_ERANGE);
					assert_non_null(strstr(lc_error_last(), field));
				} else if (k < 5) {
					assert_int_equal(rc, 0);
				} else if (!end) { /* followups: the default end is from + 7 days */
					assert_int_equal(rc, t <= LC_TIME_MAX - 7 * DAY ? 0 : LC_ERANGE);
				} else { /* the default start is today by the clock */
					assert_int_equal(rc, t > clock_value ? 0 : LC_EINVAL);
				}
			}
		}
	}
	for (int i = 0; i < NE; i++) {
		lc_table *a = NULL, *b = NULL;
		int rc;
		clock_value = edges[i];
		EXPECT(edges[i], report(db, 3, NULL));
		rc = report(db, 5, NULL);
		assert_true(valid(edges[i]) ? rc == 0 || rc == LC_ERANGE : rc == LC_ERANGE);
		if (edges[i] <= 0)
			assert_int_equal(rc, valid(edges[i]) ? 0 : LC_ERANGE);
		EXPECT(edges[i], lc_worklist_get(db, agent, LC_TIME_NONE, &a));
		lc_table_free(a);
		a = NULL;
		rc = lc_assign(db, LC_TIME_NONE, NULL, &a, &b);
		assert_true(valid(edges[i]) ? rc != LC_ERANGE : rc == LC_ERANGE);
		lc_table_free(a);
		lc_table_free(b);
		rc = lc_workflow_sweep(db, LC_TIME_NONE, &a);
		assert_true(valid(edges[i]) ? rc != LC_ERANGE : rc == LC_ERANGE);
		lc_table_free(a);
	}
	lc_db_close(db);
}

static lc_mapping *mapping(const char *json)
{
	lc_mapping *m = NULL;
	int rc = lc_mapping_load_string(&m, json, "t");
	if (rc)
		print_message("mapping: %s\n", lc_error_last());
	assert_int_equal(rc, 0);
	return m;
}

/* Import one data row; rc is the import's, *reason the rejected row's. */
static int import_row(lc_db *db, const lc_mapping *m, const lc_import_options *o,
		      const char *row, char *reason, size_t n)
{
	char csv[256];
	lc_table *r = NULL;
	int rc;

	snprintf(csv, sizeof csv, "Id,When,Start\n%s\n", row);
	rc = lc_import_buffer(db, csv, strlen(csv), m, o, &r);
	reason[0] = '\0';
	if (r && lc_table_row_count(r) > 0)
		snprintf(reason, n, "%s", lc_table_text_named(r, 0, "reason"));
	lc_table_free(r);
	return rc;
}

/* Times an import reads (a row's time, a lead's dates, a follow-up a number
 * of days after it, the mapping's fixed time, lc_import_options.at) are in
 * the valid times: LC_ERANGE naming the column or field. */
static void test_import(void **state)
{
	static const char map[] =
		"{\"format\":1,\"time\":{\"column\":\"When\"},"
		"\"fields\":{\"external_id\":\"Id\",\"start\":\"Start\"},"
		"\"dispositions\":[{\"action\":\"lead_update\",\"milestone\":\"no_milestone\","
		"\"status\":\"new\",\"follow_up_days\":10}]}";
	static const char formatted[] =
		"{\"format\":1,\"time\":{\"column\":\"When\",\"format\":\"%Y-%m-%d\"},"
		"\"fields\":{\"external_id\":\"Id\"}}";
	lc_db *db = store();
	lc_mapping *m = mapping(map), *f = mapping(formatted), *bad = NULL;
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	char why[512];

	(void)state;
	assert_int_equal(import_row(db, m, NULL, "a,3000-01-01,3000-01-01", why, sizeof why), 0);
	assert_int_equal(import_row(db, m, NULL, "b,9999-12-31T23:59:59-01:00,", why, sizeof why),
			 LC_ERANGE);
	assert_non_null(strstr(why, "column 'When'"));
	assert_int_equal(import_row(db, m, NULL, "c,10000-01-01,", why, sizeof why), LC_ERANGE);
	assert_non_null(strstr(why, "column 'When'"));
	assert_int_equal(import_row(db, m, NULL, "d,3000-01-01,0000-12-31", why, sizeof why),
			 LC_ERANGE);
	assert_non_null(strstr(why, "column 'Start'"));
	/* The follow-up ten days after the row's time is beyond year 9999. */
	assert_int_equal(import_row(db, m, NULL, "e,9999-12-30,", why, sizeof why), LC_ERANGE);
	assert_non_null(strstr(why, "follow_up_days"));
	assert_int_equal(import_row(db, f, NULL, "g,0000-01-01,", why, sizeof why), LC_ERANGE);
	assert_non_null(strstr(why, "column 'When'"));
	assert_int_equal(import_row(db, f, NULL, "h,9999-12-31,", why, sizeof why), 0);
	for (int i = 0; i < NE; i++) {
		char row[32];
		snprintf(row, sizeof row, "i%d,3000-01-01,", i);
		o.at = edges[i];
		EXPECT(edges[i], import_row(db, f, &o, row, why, sizeof why));
		if (!valid(edges[i]))
			assert_non_null(strstr(lc_error_last(), "lc_import_options.at"));
	}
	assert_int_equal(lc_mapping_load_string(&bad, "{\"format\":1,\"time\":\"0000-12-31\","
						       "\"fields\":{\"external_id\":\"Id\"}}",
						"t"),
			 LC_ERANGE);
	assert_non_null(strstr(lc_error_last(), "time"));
	/* A store clock outside the valid times imports nothing. */
	clock_value = LC_TIME_MAX + 1;
	assert_int_equal(import_row(db, m, NULL, "j,,", why, sizeof why), LC_ERANGE);
	lc_mapping_free(f);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* A store whose clock leaves the valid times writes nothing: no lead, no
 * model version, no rule set version (their install times come from it). */
static void test_store_clock(void **state)
{
	lc_db *db = store();
	lc_model *m = NULL;
	lc_ruleset *rs = NULL;

	(void)state;
	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_ruleset_preset(&rs, "seed002"), 0);
	for (int i = 0; i < NE; i++) {
		lc_lead *l = NULL;
		int64_t models = lc_db_model_version(db), rulesets = 0, now = 0;
		clock_value = edges[i];
		assert_int_equal(lc_lead_new(&l), 0);
		EXPECT(edges[i], lc_db_lead_create(db, l, NULL));
		lc_lead_free(l);
		assert_int_equal(lc_db_ruleset_latest(db, &rulesets), 0);
		EXPECT(edges[i], lc_db_install_model(db, m, NULL));
		EXPECT(edges[i], lc_db_ruleset_install(db, rs, NULL));
		assert_int_equal(lc_db_ruleset_latest(db, &now), 0);
		assert_int_equal(lc_db_model_version(db), models + valid(edges[i]));
		assert_int_equal(now, rulesets + valid(edges[i]));
		if (!valid(edges[i]))
			assert_non_null(strstr(lc_error_last(), "lc_db_options.clock"));
	}
	lc_ruleset_free(rs);
	lc_model_free(m);
	lc_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_setters),
		cmocka_unit_test(test_workflow),
		cmocka_unit_test(test_store_clock),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_import),
	};
	return cmocka_run_group_tests_name("time_range", tests, NULL, NULL);
}
