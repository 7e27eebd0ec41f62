/* lc_lead: the record's setters, getters, lists, key dates, flags and state
 * binding, with their bad input. No store here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lead/lead_internal.h"
#include "leadcore/leadcore.h"
#include "support/lead_entry.h"
#include "leadcore/sys/storage.h"

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_new_is_empty(void **state)
{
	lc_lead *l;

	(void)state;
	assert_int_equal(lc_lead_new(NULL), LC_EINVAL);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_CREATED_AT), LC_TIME_NONE);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_TOUCHED_AT), LC_TIME_NONE);
	/* Never fails: NULL and unknown fields give the field's "none". */
	assert_int_equal(lc_lead_number(NULL, LC_LEAD_NUM_PROBABILITY), -1);
	assert_int_equal(lc_lead_number(NULL, LC_LEAD_NUM_CREATED_AT), LC_TIME_NONE);
	assert_int_equal(lc_lead_number(NULL, LC_LEAD_NUM_FLAGS), 0);
	assert_int_equal(lc_lead_number(l, (lc_lead_number_field)99), 0);
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		assert_null(lc_lead_text(l, (lc_lead_text_field)f));
	assert_true(lc_lead_number(l, LC_LEAD_NUM_PROBABILITY) == -1); /* widened with its sign */
	assert_int_equal(lc_lead_number(l, (lc_lead_number_field)-1), 0);
	assert_null(lc_lead_currency(l));
	assert_int_equal((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS), 0);
	assert_null(lc_lead_state(l));
	assert_null(lc_lead_model(l));
	for (int i = 0; i < LC_LEAD_LIST_COUNT; i++)
		assert_int_equal(lc_lead_list_count(l, (lc_lead_list)i), 0);
	lc_lead_free(l);
	lc_lead_free(NULL);
	lc_lead_reset(NULL);
	/* NULL records read as empty. */
	assert_int_equal(lc_lead_number(NULL, LC_LEAD_NUM_ID), 0);
	assert_null(lc_lead_text(NULL, LC_LEAD_NAME));
	assert_int_equal(lc_lead_list_count(NULL, LC_LEAD_TEAM), 0);
}

static void test_text_fields(void **state)
{
	lc_lead *l;
	lc_lead_text_field f;
	char *long_ext = repeat('e', LC_LEAD_EXTERNAL_ID_MAX + 1);
	char *long_text = repeat('t', LC_LEAD_TEXT_MAX + 1);

	(void)state;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EMAIL, "a@b.c"), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_EMAIL), "a@b.c");
	/* Bad UTF-8 and overlong values are refused; the old value stays. */
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EMAIL, "\xc3\x28"), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "UTF-8"));
	assert_string_equal(lc_lead_text(l, LC_LEAD_EMAIL), "a@b.c");
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, long_ext), LC_ERANGE);
	long_ext[LC_LEAD_EXTERNAL_ID_MAX] = '\0';
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, long_ext), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, long_text), LC_ERANGE);
	assert_null(lc_lead_text(l, LC_LEAD_NAME));
	assert_int_equal(lc_lead_set_text(l, (lc_lead_text_field)LC_LEAD_TEXT_COUNT, "x"), LC_EINVAL);
	assert_int_equal(lc_lead_set_text(NULL, LC_LEAD_NAME, "x"), LC_EINVAL);
	/* "" and NULL clear. */
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EMAIL, ""), 0);
	assert_null(lc_lead_text(l, LC_LEAD_EMAIL));
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SEGMENT, "cold"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_SEGMENT, NULL), 0);
	assert_null(lc_lead_text(l, LC_LEAD_SEGMENT));
	/* A longer value after a shorter one (buffers are reused). */
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_COMPANY, "A"), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_COMPANY, "A much longer company name, Inc."), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_COMPANY), "A much longer company name, Inc.");

	assert_string_equal(lc_lead_text_name(LC_LEAD_LOST_REASON), "lost_reason");
	assert_null(lc_lead_text_name((lc_lead_text_field)-1));
	assert_int_equal(lc_lead_text_parse("Owner-Group", &f), 0);
	assert_int_equal(f, LC_LEAD_OWNER_GROUP);
	assert_int_equal(lc_lead_text_parse("colour", &f), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "external_id"));
	assert_int_equal(lc_lead_text_parse(NULL, &f), LC_EINVAL);
	for (int i = 0; i < LC_LEAD_TEXT_COUNT; i++) {
		assert_int_equal(lc_lead_text_parse(lc_lead_text_name((lc_lead_text_field)i), &f), 0);
		assert_int_equal(f, i);
	}
	free(long_ext);
	free(long_text);
	lc_lead_free(l);
}

static void test_commercial_fields(void **state)
{
	lc_lead *l;

	(void)state;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_probability(l, 0), 0);
	assert_int_equal(lc_lead_set_probability(l, 100), 0);
	assert_int_equal((int32_t)lc_lead_number(l, LC_LEAD_NUM_PROBABILITY), 100);
	assert_int_equal(lc_lead_set_probability(l, 101), LC_ERANGE);
	assert_int_equal(lc_lead_set_probability(l, -2), LC_ERANGE);
	assert_int_equal((int32_t)lc_lead_number(l, LC_LEAD_NUM_PROBABILITY), 100);
	assert_int_equal(lc_lead_set_probability(l, -1), 0);
	assert_int_equal((int32_t)lc_lead_number(l, LC_LEAD_NUM_PROBABILITY), -1);

	assert_int_equal(lc_lead_set_amount(l, 500, "USD"), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AMOUNT), 500);
	assert_string_equal(lc_lead_currency(l), "USD");
	assert_int_equal(lc_lead_set_amount(l, 5, "usd"), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "ISO 4217"));
	assert_int_equal(lc_lead_set_amount(l, 5, "EURO"), LC_EINVAL);
	assert_int_equal(lc_lead_set_amount(l, 5, "EU"), LC_EINVAL);
	assert_int_equal(lc_lead_set_amount(l, 5, ""), LC_EINVAL);
	assert_int_equal(lc_lead_set_amount(l, -1, "EUR"), LC_ERANGE);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AMOUNT), 500);
	assert_string_equal(lc_lead_currency(l), "USD");
	assert_int_equal(lc_lead_set_amount(l, 0, NULL), 0);
	assert_null(lc_lead_currency(l));
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AMOUNT), 0);
	assert_int_equal(lc_lead_set_amount(l, INT64_MAX, "JPY"), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AMOUNT), INT64_MAX);
	lc_lead_free(l);
}

static void test_key_dates(void **state)
{
	lc_lead *l;
	lc_model *m;

	(void)state;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_duration(l, LC_LEAD_TIME_TO_COMPLETION, 1000), LC_TIME_NONE);
	assert_int_equal(lc_lead_duration(l, LC_LEAD_TIME_OVERDUE, 1000), LC_TIME_NONE);
	assert_int_equal(lc_lead_set_date(l, LC_LEAD_START, 100), 0);
	assert_int_equal(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, 1000), 0);
	assert_int_equal(lc_lead_set_date(l, LC_LEAD_DATE_COUNT, 1), LC_EINVAL);
	assert_int_equal(lc_lead_duration(NULL, LC_LEAD_TIME_OVERDUE, 1000), LC_TIME_NONE);
	assert_int_equal(lc_lead_duration(l, (lc_lead_duration_field)3, 1000), LC_TIME_NONE);
	assert_int_equal(lc_lead_duration(l, LC_LEAD_ESTIMATED_COMPLETION_TIME, LC_TIME_NONE), 900);
	assert_int_equal(lc_lead_date(l, LC_LEAD_START), 100);
	assert_int_equal(lc_lead_date(l, (lc_lead_date_field)9), LC_TIME_NONE);
	/* Before the date: time left, not overdue. */
	assert_int_equal(lc_lead_duration(l, LC_LEAD_TIME_TO_COMPLETION, 400), 600);
	assert_int_equal(lc_lead_duration(l, LC_LEAD_TIME_OVERDUE, 400), 0);
	/* After it: overdue. */
	assert_int_equal(lc_lead_duration(l, LC_LEAD_TIME_TO_COMPLETION, 1500), 0);
	assert_int_equal(lc_lead_duration(l, LC_LEAD_TIME_OVERDUE, 1500), 500);
	/* Completed: overdue is measured at completion, and stops growing. */
	assert_int_equal(lc_lead_set_date(l, LC_LEAD_ACTUAL_COMPLETION, 1200), 0);
	assert_int_equal(lc_lead_duration(l, LC_LEAD_TIME_OVERDUE, 9999), 200);
	assert_int_equal(lc_lead_duration(l, LC_LEAD_TIME_TO_COMPLETION, 400), 0);
	/* The actual completion lives in the state once bound. */
	assert_int_equal(lc_model_preset(&m, "crm"), 0);
	assert_int_equal(lc_lead_bind(l, m), 0);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_COMPLETED_AT), 1200);
	assert_int_equal(lc_lead_set_date(l, LC_LEAD_ACTUAL_COMPLETION, 1100), 0);
	assert_int_equal(lc_state_time(lc_lead_state(l), LC_STATE_TIME_COMPLETED_AT), 1100);
	assert_int_equal(lc_lead_date(l, LC_LEAD_ACTUAL_COMPLETION), 1100);
	lc_lead_free(l);
	lc_model_free(m);
}

static void test_ownership_and_flags(void **state)
{
	lc_lead *l;
	lc_model *m;

	(void)state;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_unit(l, 4), 0);
	assert_int_equal(lc_lead_set_agent(l, 9), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_UNIT), 4);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), 9);
	assert_int_equal(lc_lead_set_unit(l, -3), LC_EINVAL);
	assert_int_equal(lc_lead_set_agent(l, -3), LC_EINVAL);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_UNIT), 4);

	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 1), 0);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_AUTOMATION_STOPPED, 1), 0);
	assert_int_equal((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS), LC_LEAD_DO_NOT_CALL | LC_LEAD_AUTOMATION_STOPPED);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_RECYCLED, 1), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "lc_db_lead_recycle"));
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL | LC_LEAD_DO_NOT_EMAIL, 1),
			 LC_EINVAL);
	assert_int_equal(lc_lead_set_flag(l, 1u << 20, 1), LC_EINVAL);
	/* The contact flags are mirrored into the state once bound, and after. */
	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_lead_bind(l, m), 0);
	assert_int_equal(lc_state_flags(lc_lead_state(l)), LC_STATE_DO_NOT_CALL);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_EMAIL, 1), 0);
	assert_int_equal(lc_state_flags(lc_lead_state(l)),
			 LC_STATE_DO_NOT_CALL | LC_STATE_DO_NOT_EMAIL);
	assert_int_equal(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 0), 0);
	assert_int_equal(lc_state_flags(lc_lead_state(l)), LC_STATE_DO_NOT_EMAIL);
	lc_lead_free(l);
	lc_model_free(m);
}

static void test_lists(void **state)
{
	lc_lead *l;
	char *long_text = repeat('p', LC_LEAD_TEXT_MAX + 1);

	(void)state;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_product_add(l, "Auto", NULL), 0);
	assert_int_equal(lc_lead_product_add(l, "Home", "two floors"), 0);
	assert_int_equal(lc_lead_product_add(l, "", NULL), LC_EINVAL);
	assert_int_equal(lc_lead_product_add(l, NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_lead_product_add(l, long_text, NULL), LC_ERANGE);
	assert_int_equal(lc_lead_product_add(l, "Boat", "\xff"), LC_EINVAL);
	assert_int_equal(lc_lead_list_count(l, LC_LEAD_PRODUCTS), 2);
	assert_null(lead_entry(l, LC_LEAD_PRODUCTS, 0).detail);
	assert_string_equal(lead_entry(l, LC_LEAD_PRODUCTS, 1).detail, "two floors");
	assert_null(lead_entry(l, LC_LEAD_PRODUCTS, 2).text);

	assert_int_equal(lc_lead_name_add(l, LC_LEAD_TEAM, "ann"), 0);
	assert_int_equal(lc_lead_name_add(l, LC_LEAD_TEAM, "ben"), 0);
	assert_int_equal(lc_lead_name_add(l, LC_LEAD_COMPETITORS, "Acme"), 0);
	assert_int_equal(lc_lead_name_add(l, LC_LEAD_PRODUCTS, "x"), LC_EINVAL);
	assert_int_equal(lc_lead_name_add(l, LC_LEAD_TEAM, ""), LC_EINVAL);
	assert_null(lead_entry(l, LC_LEAD_TEAM, 0).detail);
	assert_int_equal(lead_entry(l, LC_LEAD_TEAM, 0).time, LC_TIME_NONE);
	assert_int_equal(lc_lead_list_remove(l, LC_LEAD_TEAM, 0), 0);
	assert_string_equal(lead_entry(l, LC_LEAD_TEAM, 0).text, "ben");
	assert_int_equal(lc_lead_list_remove(l, LC_LEAD_TEAM, 1), LC_ERANGE);
	/* A removed entry's buffers are reused by the next one. */
	assert_int_equal(lc_lead_name_add(l, LC_LEAD_TEAM, "cat"), 0);
	assert_string_equal(lead_entry(l, LC_LEAD_TEAM, 1).text, "cat");

	assert_int_equal(lc_lead_activity_add(l, "demo", 500, "ann"), 0);
	assert_int_equal(lc_lead_activity_add(l, "call", LC_TIME_NONE, NULL), 0);
	assert_int_equal(lc_lead_activity_add(l, "", 5, NULL), LC_EINVAL);
	assert_int_equal(lead_entry(l, LC_LEAD_ACTIVITIES, 0).time, 500);
	assert_null(lead_entry(l, LC_LEAD_ACTIVITIES, 1).detail);
	assert_int_equal(lead_entry(l, LC_LEAD_ACTIVITIES, 7).time, LC_TIME_NONE);

	assert_int_equal(lc_lead_attr_set(l, "tier", "gold"), 0);
	assert_int_equal(lc_lead_attr_set(l, "zone", "3"), 0);
	assert_int_equal(lc_lead_attr_set(l, "tier", "silver"), 0);
	assert_int_equal(lc_lead_list_count(l, LC_LEAD_ATTRIBUTES), 2);
	assert_string_equal(lead_entry(l, LC_LEAD_ATTRIBUTES, 0).text, "tier");
	assert_string_equal(lead_entry(l, LC_LEAD_ATTRIBUTES, 0).detail, "silver");
	assert_int_equal(lc_lead_attr_set(l, "", "x"), LC_EINVAL);
	{
		char *long_key = repeat('k', LC_LEAD_ATTR_KEY_MAX + 1);
		assert_int_equal(lc_lead_attr_set(l, long_key, "x"), LC_ERANGE);
		free(long_key);
	}
	assert_int_equal(lc_lead_attr_set(l, "tier", NULL), 0);
	assert_null(lc_lead_attr_get(l, "tier"));
	assert_string_equal(lc_lead_attr_get(l, "zone"), "3");
	assert_int_equal(lc_lead_attr_set(l, "gone", NULL), 0);
	assert_null(lc_lead_attr_get(l, NULL));

	/* Notes are read-only from the record. */
	assert_int_equal(lc_lead_list_remove(l, LC_LEAD_NOTES, 0), LC_EINVAL);
	assert_int_equal(lc_lead_list_clear(l, LC_LEAD_NOTES), LC_EINVAL);
	assert_int_equal(lc_lead_sys_add_note(l, 77, "ann", "hello"), 0);
	assert_int_equal(lc_lead_list_count(l, LC_LEAD_NOTES), 1);
	assert_int_equal(lead_entry(l, LC_LEAD_NOTES, 0).time, 77);
	assert_null(lead_entry(l, LC_LEAD_NOTES, 1).text);
	assert_int_equal(lc_lead_list_clear(l, LC_LEAD_PRODUCTS), 0);
	assert_int_equal(lc_lead_list_count(l, LC_LEAD_PRODUCTS), 0);
	assert_int_equal(lc_lead_list_clear(l, (lc_lead_list)42), LC_EINVAL);
	free(long_text);
	lc_lead_free(l);
}

/* lc_lead_list_get(): every list through one entry, its failures, and a
 * version that writes no byte past what it defines. */
static void test_list_get(void **state)
{
	lc_lead *l;
	lc_lead_entry e = LC_LEAD_ENTRY_INIT;
	struct {
		lc_lead_entry e;
		unsigned char guard[16];
	} g;

	(void)state;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_activity_add(l, "demo", 500, "ann"), 0);
	assert_int_equal(lc_lead_list_get(l, LC_LEAD_ACTIVITIES, 0, &e), 0);
	assert_string_equal(e.text, "demo");
	assert_string_equal(e.detail, "ann");
	assert_int_equal(e.time, 500);
	assert_int_equal(e.version, LC_LEAD_ENTRY_VERSION);

	/* Failures leave the entry as it was. */
	assert_int_equal(lc_lead_list_get(l, LC_LEAD_ACTIVITIES, 1, &e), LC_ERANGE);
	assert_non_null(strstr(lc_error_last(), "no entry 1"));
	assert_string_equal(e.text, "demo");
	assert_int_equal(lc_lead_list_get(l, LC_LEAD_NOTES, 0, &e), LC_ERANGE);
	assert_int_equal(lc_lead_list_get(l, (lc_lead_list)42, 0, &e), LC_EINVAL);
	assert_int_equal(lc_lead_list_get(NULL, LC_LEAD_ACTIVITIES, 0, &e), LC_EINVAL);
	assert_int_equal(lc_lead_list_get(l, LC_LEAD_ACTIVITIES, 0, NULL), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "lc_lead_list_get"));
	e.version = 0;
	assert_int_equal(lc_lead_list_get(l, LC_LEAD_ACTIVITIES, 0, &e), LC_EVERSION);
	assert_non_null(strstr(lc_error_last(), "LC_LEAD_ENTRY_INIT"));
	e.version = LC_LEAD_ENTRY_VERSION + 1;
	assert_int_equal(lc_lead_list_get(l, LC_LEAD_ACTIVITIES, 0, &e), LC_EVERSION);

	/* Version 1 writes its fields and nothing after them. */
	memset(&g, 0xA5, sizeof g);
	g.e.version = 1;
	assert_int_equal(lc_lead_list_get(l, LC_LEAD_ACTIVITIES, 0, &g.e), 0);
	assert_string_equal(g.e.text, "demo");
	for (size_t i = 0; i < sizeof g.guard; i++)
		assert_int_equal(g.guard[i], 0xA5);
	lc_lead_free(l);
}

static void test_bind_clone_reset(void **state)
{
	lc_model *m, *m2;
	lc_lead *l, *c;
	lc_state *s;

	(void)state;
	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_model_preset(&m2, "leadmanager"), 0);
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_bind(l, NULL), LC_EINVAL);
	assert_int_equal(lc_state_new(&s, m), 0);
	assert_int_equal(lc_lead_set_state(l, s), LC_EINVAL); /* unbound */
	assert_int_equal(lc_lead_bind(l, m), 0);
	assert_ptr_equal(lc_lead_model(l), m);
	assert_non_null(lc_lead_state(l));
	assert_int_equal(lc_state_set(s, LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc_lead_set_state(l, s), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "hot");
	assert_int_equal(lc_lead_set_state(l, NULL), LC_EINVAL);

	/* Rebinding to another model keeps values by key. */
	assert_int_equal(lc_lead_bind(l, m2), 0);
	assert_ptr_equal(lc_lead_model(l), m2);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "hot");
	/* ... and a state of the old model no longer fits. */
	assert_int_equal(lc_lead_set_state(l, s), LC_EINVAL);

	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, "n"), 0);
	assert_int_equal(lc_lead_attr_set(l, "a", "b"), 0);
	assert_int_equal(lc_lead_clone(&c, l), 0);
	assert_string_equal(lc_lead_text(c, LC_LEAD_NAME), "n");
	assert_string_equal(lc_lead_attr_get(c, "a"), "b");
	assert_ptr_equal(lc_lead_model(c), m2);
	assert_int_equal(lc_state_equal(lc_lead_state(c), lc_lead_state(l)), 1);
	assert_int_equal(lc_lead_clone(NULL, l), LC_EINVAL);
	{
		lc_lead *none = (lc_lead *)1;
		assert_int_equal(lc_lead_clone(&none, NULL), LC_EINVAL);
		assert_null(none);
	}

	lc_lead_reset(l);
	assert_null(lc_lead_text(l, LC_LEAD_NAME));
	assert_int_equal(lc_lead_list_count(l, LC_LEAD_ATTRIBUTES), 0);
	assert_ptr_equal(lc_lead_model(l), m2);
	assert_null(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS));

	/* The backend's setters. */
	assert_int_equal(lc_lead_sys_set_id(l, 0), LC_EINVAL);
	assert_int_equal(lc_lead_sys_set_meta(l, 5, 0, 1, 2, 0), LC_EINVAL);
	assert_int_equal(lc_lead_sys_set_meta(l, 5, 3, 10, 20, 1), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), 5);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), 3);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_CREATED_AT), 10);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_TOUCHED_AT), 20);
	assert_int_equal((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS), LC_LEAD_RECYCLED);
	assert_int_equal(lc_state_set_stored(lc_lead_sys_state(l), LC_AXIS_STATUS, "gone_value", NULL), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "gone_value");
	assert_ptr_equal(lc_state_sys_model(lc_lead_state(l)), m2);
	assert_null(lc_lead_sys_state(NULL));

	lc_lead_free(c);
	lc_lead_free(l);
	lc_state_free(s);
	lc_model_free(m);
	lc_model_free(m2);
}

/* lc_lead_sys_copy(): parts copied or left alone, bookkeeping always, the
 * state between records of one model, the completion date of an unbound
 * record, and its bad input. */
static void test_sys_copy(void **state)
{
	lc_model *m, *m2;
	lc_lead *a, *b, *kept;

	(void)state;
	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_model_preset(&m2, "leadmanager"), 0);
	assert_int_equal(lc_lead_new(&a), 0);
	assert_int_equal(lc_lead_new(&b), 0);
	assert_int_equal(lc_lead_new(&kept), 0);
	assert_int_equal(lc_lead_bind(a, m), 0);
	assert_int_equal(lc_lead_bind(b, m), 0);
	assert_int_equal(lc_lead_set_text(a, LC_LEAD_NAME, "Ada"), 0);
	assert_int_equal(lc_lead_set_flag(a, LC_LEAD_DO_NOT_CALL, 1), 0);
	assert_int_equal(lc_lead_product_add(a, "widget", "blue"), 0);
	assert_int_equal(lc_lead_sys_add_note(a, 5, "bob", "called"), 0);
	assert_int_equal(lc_lead_sys_set_meta(a, 7, 3, 10, 20, 0), 0);
	assert_int_equal(lc_state_set(lc_lead_sys_state(a), LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc_lead_set_date(a, LC_LEAD_ACTUAL_COMPLETION, 99), 0);

	/* Only the fields (and the bookkeeping). */
	assert_int_equal(lc_lead_sys_copy(b, a, LC_STORAGE_PART_FIELDS), 0);
	assert_string_equal(lc_lead_text(b, LC_LEAD_NAME), "Ada");
	assert_int_equal(lc_lead_number(b, LC_LEAD_NUM_ID), 7);
	assert_int_equal(lc_lead_number(b, LC_LEAD_NUM_VERSION), 3);
	assert_int_equal(lc_state_flags(lc_lead_state(b)), LC_STATE_DO_NOT_CALL);
	assert_int_equal(lc_lead_list_count(b, LC_LEAD_PRODUCTS), 0);
	assert_int_equal(lc_lead_list_count(b, LC_LEAD_NOTES), 0);
	assert_null(lc_state_get(lc_lead_state(b), LC_AXIS_STATUS));

	/* Everything into an unbound record, and back. */
	assert_int_equal(lc_lead_sys_copy(kept, a, LC_STORAGE_PART_ALL | LC_STORAGE_PART_NOTES), 0);
	assert_string_equal(lead_entry(kept, LC_LEAD_PRODUCTS, 0).detail, "blue");
	assert_string_equal(lead_entry(kept, LC_LEAD_NOTES, 0).detail, "bob");
	assert_int_equal(lc_lead_date(kept, LC_LEAD_ACTUAL_COMPLETION), 99);
	lc_lead_reset(b);
	assert_int_equal(lc_lead_sys_copy(b, kept, LC_STORAGE_PART_LISTS | LC_STORAGE_PART_NOTES |
							   LC_STORAGE_PART_STATE),
			 0);
	assert_string_equal(lead_entry(b, LC_LEAD_PRODUCTS, 0).text, "widget");
	assert_string_equal(lead_entry(b, LC_LEAD_NOTES, 0).text, "called");
	assert_int_equal(lc_lead_date(b, LC_LEAD_ACTUAL_COMPLETION), 99);
	assert_null(lc_lead_text(b, LC_LEAD_NAME));

	/* The state between records of one model. */
	assert_int_equal(lc_lead_sys_copy(b, a, LC_STORAGE_PART_STATE), 0);
	assert_string_equal(lc_state_get(lc_lead_state(b), LC_AXIS_STATUS), "hot");

	assert_int_equal(lc_lead_sys_copy(NULL, a, LC_STORAGE_PART_ALL), LC_EINVAL);
	assert_int_equal(lc_lead_sys_copy(b, NULL, LC_STORAGE_PART_ALL), LC_EINVAL);
	assert_int_equal(lc_lead_sys_copy(b, a, 1u << 9), LC_EINVAL);
	assert_int_equal(lc_lead_bind(b, m2), 0);
	assert_int_equal(lc_lead_sys_copy(b, a, LC_STORAGE_PART_STATE), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "different models"));

	lc_lead_free(kept);
	lc_lead_free(b);
	lc_lead_free(a);
	lc_model_free(m);
	lc_model_free(m2);
}

/* Restoring with remembered positions: a hint that fits is used, a stale or
 * unknown one costs a lookup and is corrected, an unknown key keeps its text
 * and gives -1; the results are those of the plain functions. */
static void test_stored_hints(void **state)
{
	lc_model *m;
	lc_state *a, *b;
	int32_t hint = 12345, at;
	size_t stage;

	(void)state;
	assert_int_equal(lc_model_preset(&m, "particle"), 0);
	assert_int_equal(lc_state_new(&a, m), 0);
	assert_int_equal(lc_state_new(&b, m), 0);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_STAGE, "periodic_check_in", &stage), 0);

	assert_int_equal(lc_state_set_stored(a, LC_AXIS_STAGE, "periodic_check_in", &hint), 0);
	assert_int_equal(hint, (int32_t)stage);
	assert_int_equal(lc_state_set_stored(b, LC_AXIS_STAGE, "periodic_check_in", NULL), 0);
	assert_int_equal(lc_state_equal(a, b), 1);
	/* A fitting hint, then one that points at another value. */
	assert_int_equal(lc_state_set_stored(a, LC_AXIS_STAGE, "periodic_check_in", &hint), 0);
	assert_int_equal(lc_state_equal(a, b), 1);
	at = (int32_t)stage == 0 ? 1 : 0;
	assert_int_equal(lc_state_set_stored(a, LC_AXIS_STAGE, "periodic_check_in", &at), 0);
	assert_int_equal(at, (int32_t)stage);
	assert_int_equal(lc_state_equal(a, b), 1);
	/* A key the model does not know is kept as text. */
	assert_int_equal(lc_state_set_stored(a, LC_AXIS_STATUS, "gone_value", &hint), 0);
	assert_int_equal(hint, -1);
	assert_string_equal(lc_state_get(a, LC_AXIS_STATUS), "gone_value");
	/* NULL clears and leaves the hint alone; bad input as the plain call. */
	assert_int_equal(lc_state_set_stored(a, LC_AXIS_STATUS, NULL, &hint), 0);
	assert_null(lc_state_get(a, LC_AXIS_STATUS));
	assert_int_equal(hint, -1);
	assert_int_equal(lc_state_set_stored(NULL, LC_AXIS_STATUS, "x", &hint), LC_EINVAL);
	assert_int_equal(lc_state_set_stored(a, LC_AXIS_ACTION, "x", &hint), LC_EINVAL);

	/* Counters: a known stage by position, an unknown one by key. */
	hint = -7;
	assert_int_equal(lc_state_set_stored_entries(a, "periodic_check_in", 4, &hint), 0);
	assert_int_equal(hint, (int32_t)stage);
	assert_int_equal(lc_state_stage_entries(a, "periodic_check_in"), 4);
	assert_int_equal(lc_state_set_stored_entries(a, "periodic_check_in", 5, &hint), 0);
	assert_int_equal(lc_state_stage_entries(a, "periodic_check_in"), 5);
	if (SIZE_MAX > UINT32_MAX) {
		assert_int_equal(lc_state_set_stored_entries(a, "periodic_check_in",
							     (size_t)UINT32_MAX + 1, &hint),
				 LC_ERANGE);
		assert_int_equal(lc_state_stage_entries(a, "periodic_check_in"), 5);
	}
	assert_int_equal(lc_state_set_stored_entries(a, "retired_stage", 2, &hint), 0);
	assert_int_equal(hint, -1);
	assert_int_equal(lc_state_set_stored_entries(b, "periodic_check_in", 5, NULL), 0);
	assert_int_equal(lc_state_set_stored_entries(b, "retired_stage", 2, NULL), 0);
	assert_int_equal(lc_state_equal(a, b), 1);
	assert_int_equal(lc_state_set_stored_entries(NULL, "x", 1, &hint), LC_EINVAL);

	lc_state_free(a);
	lc_state_free(b);
	lc_model_free(m);
}

/* Stage counters a store restores: a known stage's counter, an unknown
 * stage's kept by key; both listed back, copied, compared and carried to
 * another model by lc_lead_bind(). */
static void test_stored_counts(void **state)
{
	lc_model *particle, *crm;
	lc_state *a, *b;
	lc_lead *l;
	(void)state;

	assert_int_equal(lc_model_preset(&particle, "particle"), 0);
	assert_int_equal(lc_model_preset(&crm, "crm"), 0);
	assert_int_equal(lc_state_new(&a, crm), 0);
	assert_int_equal(lc_state_new(&b, crm), 0);
	/* crm has no stages: both counters are kept by key. */
	assert_int_equal(lc_state_set_stored_entries(a, "periodic_check_in", 3, NULL), 0);
	assert_int_equal(lc_state_set_stored_entries(a, "service_renewal", 1, NULL), 0);
	{
		/* All at once, in order; then a page at a time from a position. */
		const char *keys[2] = { NULL, NULL };
		size_t counts[2] = { 0, 0 };
		assert_int_equal(lc_state_sys_entries(a, 0, keys, counts, 2), 2);
		assert_string_equal(keys[0], "periodic_check_in");
		assert_int_equal(counts[0], 3);
		assert_string_equal(keys[1], "service_renewal");
		assert_int_equal(counts[1], 1);
		keys[0] = NULL;
		assert_int_equal(lc_state_sys_entries(a, 1, keys, counts, 2), 2);
		assert_string_equal(keys[0], "service_renewal");
		assert_int_equal(counts[0], 1);
		assert_int_equal(lc_state_sys_entries(a, 0, keys, counts, 1), 2);
		assert_string_equal(keys[0], "periodic_check_in");
		keys[0] = keys[1] = NULL;
		assert_int_equal(lc_state_sys_entries(a, 2, keys, counts, 2), 2);
		assert_null(keys[0]); /* past the last: nothing written */
		assert_int_equal(lc_state_sys_entries(a, 0, NULL, NULL, 0), 2);
		assert_int_equal(lc_state_sys_entries(NULL, 0, keys, counts, 2), 0);
		assert_int_equal(lc_state_sys_entries(a, 0, NULL, counts, 2), 0);
	}
	assert_int_equal(lc_state_equal(a, b), 0);
	assert_int_equal(lc_state_copy(b, a), 0);
	assert_int_equal(lc_state_equal(a, b), 1);
	/* Order does not matter; a different count does. */
	assert_int_equal(lc_state_set_stored_entries(b, "periodic_check_in", 0, NULL), 0);
	assert_int_equal(lc_state_set_stored_entries(b, "periodic_check_in", 3, NULL), 0);
	assert_int_equal(lc_state_equal(a, b), 1);
	assert_int_equal(lc_state_set_stored_entries(b, "service_renewal", 2, NULL), 0);
	assert_int_equal(lc_state_equal(a, b), 0);

	/* Carried over by key to a model that knows them. */
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_bind(l, crm), 0);
	assert_int_equal(lc_lead_set_state(l, a), 0);
	assert_int_equal(lc_lead_bind(l, particle), 0);
	assert_int_equal(lc_state_stage_entries(lc_lead_state(l), "periodic_check_in"), 3);
	assert_int_equal(lc_state_stage_entries(lc_lead_state(l), "service_renewal"), 1);
	lc_lead_free(l);

	/* Bad input. */
	assert_int_equal(lc_state_set_stored_entries(NULL, "x", 1, NULL), LC_EINVAL);
	assert_int_equal(lc_state_set_stored_entries(a, NULL, 1, NULL), LC_EINVAL);
	assert_int_equal(lc_state_set_stored_entries(a, "", 1, NULL), LC_ERANGE);
	assert_int_equal(lc_state_set_stored_entries(a, "bad\xff", 1, NULL), LC_ERANGE);
	for (int i = 0; i < 20; i++) {
		char k[16];
		snprintf(k, sizeof k, "gone_%d", i);
		int rc = lc_state_set_stored_entries(b, k, 1, NULL);
		if (rc) {
			assert_int_equal(rc, LC_ERANGE);
			assert_non_null(strstr(lc_error_last(), "migrate"));
			break;
		}
		assert_true(i < 16);
	}
	lc_state_free(a);
	lc_state_free(b);
	lc_model_free(crm);
	lc_model_free(particle);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_is_empty),
		cmocka_unit_test(test_text_fields),
		cmocka_unit_test(test_commercial_fields),
		cmocka_unit_test(test_key_dates),
		cmocka_unit_test(test_ownership_and_flags),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_list_get),
		cmocka_unit_test(test_bind_clone_reset),
		cmocka_unit_test(test_stored_counts),
		cmocka_unit_test(test_sys_copy),
		cmocka_unit_test(test_stored_hints),
	};
	return cmocka_run_group_tests_name("lead", tests, NULL, NULL);
}
