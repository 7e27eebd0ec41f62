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
		EXPECT(t, lc_state_set_follow_up(st, t));
		EXPECT(t, lc_state_set_completed_at(st, t));
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
		assert_true(lc_lead_time_to_completion(l, t) >= 0);
		assert_int_equal(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, LC_TIME_MIN), 0);
		assert_true(lc_lead_time_overdue(l, t) >= 0);
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
			for (size_t r = 0; r < lc_table_rows(t); r++) {
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

/* A store whose clock leaves the valid times writes nothing. */
static void test_store_clock(void **state)
{
	lc_db *db = store();

	(void)state;
	for (int i = 0; i < NE; i++) {
		lc_lead *l = NULL;
		clock_value = edges[i];
		assert_int_equal(lc_lead_new(&l), 0);
		EXPECT(edges[i], lc_db_lead_create(db, l, NULL));
		lc_lead_free(l);
	}
	lc_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_setters),
		cmocka_unit_test(test_workflow),
		cmocka_unit_test(test_store_clock),
	};
	return cmocka_run_group_tests_name("time_range", tests, NULL, NULL);
}
