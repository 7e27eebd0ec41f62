/* core: errors, allocator hooks, versions, UTF-8, keys, time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "leadcore/leadcore.h"

static void test_version(void **state)
{
	int ma = -1, mi = -1, pa = -1;
	(void)state;
	assert_int_equal(lc_version(&ma, &mi, &pa), 0);
	assert_int_equal(ma, LC_VERSION_MAJOR);
	assert_int_equal(mi, LC_VERSION_MINOR);
	assert_int_equal(pa, LC_VERSION_PATCH);
	assert_string_equal(lc_version_string(), LC_PROJECT_VERSION);
	assert_string_equal(LC_VERSION_STRING, LC_PROJECT_VERSION);
	assert_int_equal(lc_version(NULL, NULL, NULL), 0);
}

static void test_errors(void **state)
{
	(void)state;
	assert_string_equal(lc_error_name(LC_ENOTFOUND), "LC_ENOTFOUND");
	assert_string_equal(lc_error_name(LC_OK), "LC_OK");
	assert_string_equal(lc_error_name(12345), "LC_EUNKNOWN");
	assert_string_equal(lc_strerror(LC_ECONFLICT), "the record changed since it was read");
	assert_string_equal(lc_strerror(-999), "unknown error");
	for (int c = 0; c >= LC__ERROR_LAST; c--)
		assert_string_not_equal(lc_error_name(c), "LC_EUNKNOWN");
	lc_error_clear();
	assert_int_equal(lc_error_last_code(), 0);
	assert_string_equal(lc_error_last(), "");
	assert_int_equal(lc__error(LC_EINVAL, "bad %s", "thing"), LC_EINVAL);
	assert_int_equal(lc_error_last_code(), LC_EINVAL);
	assert_string_equal(lc_error_last(), "bad thing");
	lc__error_prefix(LC_EFORMAT, "file.json:3:4");
	assert_string_equal(lc_error_last(), "file.json:3:4: bad thing");
	/* A message that wraps the last one (overlapping buffers before). */
	lc__error(LC_EFORMAT, "not a store (%s)", lc_error_last());
	assert_string_equal(lc_error_last(), "not a store (file.json:3:4: bad thing)");
	lc_error_clear();
}

static int fail_after;
static int calls;
static void *counting_malloc(size_t n, void *ud)
{
	(void)ud;
	if (fail_after >= 0 && calls++ >= fail_after)
		return NULL;
	return malloc(n);
}
static void *counting_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	if (fail_after >= 0 && calls++ >= fail_after)
		return NULL;
	return realloc(p, n);
}
static void counting_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

/* Route the library's allocations through the counting hooks, the first
 * one failing. */
static void use_failing_allocator(lc_allocator *a)
{
	a->malloc_fn = counting_malloc;
	a->realloc_fn = counting_realloc;
	a->free_fn = counting_free;
	assert_int_equal(lc_set_allocator(a), 0);
	fail_after = 0;
	calls = 0;
}

static void test_allocator(void **state)
{
	lc_allocator a = LC_ALLOCATOR_INIT;
	lc_allocator b;
	(void)state;
	assert_int_equal(lc_set_allocator(&a), LC_EINVAL);
	assert_int_equal(lc_allocator_init(NULL, 1), LC_EINVAL);
	assert_int_equal(lc_allocator_init(&b, 99), LC_EVERSION);
	assert_int_equal(lc_allocator_init(&b, LC_ALLOCATOR_VERSION), 0);
	b.version = 0;
	assert_int_equal(lc_set_allocator(&b), LC_EVERSION);
	use_failing_allocator(&a);
	assert_null(lc__strdup("x"));
	assert_int_equal(lc_error_last_code(), LC_ENOMEM);
	fail_after = -1;
	char *s = lc__strdup("hello");
	assert_string_equal(s, "hello");
	lc_free(s);
	lc_free(NULL);
	assert_int_equal(lc_set_allocator(NULL), 0);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(lc__utf8_valid("plain", 5));
	assert_true(lc__utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
	assert_false(lc__utf8_valid("\xc3", 1));          /* truncated */
	assert_false(lc__utf8_valid("\xc0\xaf", 2));      /* overlong */
	assert_false(lc__utf8_valid("\xed\xa0\x80", 3));  /* surrogate */
	assert_false(lc__utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(lc__utf8_valid("\xff", 1));
	assert_false(lc__utf8_valid("a\0b", 3));
	assert_int_equal(lc__check_text(NULL, 10, "note", true), 0);
	assert_int_equal(lc__check_text(NULL, 10, "note", false), LC_EINVAL);
	assert_int_equal(lc__check_text("0123456789x", 10, "note", false), LC_ERANGE);
	assert_int_equal(lc__check_text("bad \xff", 10, "note", false), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "UTF-8"));
}

static void test_keys(void **state)
{
	char *k;
	(void)state;
	k = lc__key_from_label("Do Not Call Number");
	assert_string_equal(k, "do_not_call_number");
	lc_free(k);
	k = lc__key_from_label("  Cross-Sell Auto ");
	assert_string_equal(k, "cross_sell_auto");
	lc_free(k);
	k = lc__key_from_label("Periodic check-in 1");
	assert_string_equal(k, "periodic_check_in_1");
	lc_free(k);
	assert_null(lc__key_from_label("--"));
	assert_int_equal(lc_error_last_code(), LC_EINVAL);
	assert_true(lc__key_valid("no_milestone"));
	assert_false(lc__key_valid("No_milestone"));
	assert_false(lc__key_valid("1st"));
	assert_false(lc__key_valid(""));
	assert_true(lc__streq_nocase("Follow Up", "follow up"));
	assert_false(lc__streq_nocase("Follow", "follow up"));
}

static void test_time(void **state)
{
	lc_time t;
	char buf[LC_TIME_FORMAT_SIZE];
	(void)state;
	assert_int_equal(lc_time_parse("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(lc_time_parse("2026-11-22T10:00:00Z", &t), 0);
	assert_int_equal(t, 1795341600);
	assert_int_equal(lc_time_format(t, buf, sizeof buf), 0);
	assert_string_equal(buf, "2026-11-22T10:00:00Z");
	assert_int_equal(lc_time_parse("2026-11-22", &t), 0);
	assert_int_equal(t, 1795305600);
	assert_int_equal(lc_time_parse("2026-11-22T12:00:00+02:00", &t), 0);
	assert_int_equal(t, 1795341600);
	assert_int_equal(lc_time_parse("2026-11-22T10:00Z", &t), 0);
	assert_int_equal(t, 1795341600);
	assert_int_equal(lc_time_parse("1960-02-29T00:00:00Z", &t), 0);
	assert_int_equal(lc_time_format(t, buf, sizeof buf), 0);
	assert_string_equal(buf, "1960-02-29T00:00:00Z");
	assert_int_equal(lc_time_parse("2026-02-29", &t), LC_EFORMAT);
	assert_int_equal(lc_time_parse("2026-13-01", &t), LC_EFORMAT);
	assert_int_equal(lc_time_parse("yesterday", &t), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "ISO 8601"));
	assert_int_equal(lc_time_parse("2026-11-22T10:00:00Zjunk", &t), LC_EFORMAT);
	assert_int_equal(lc_time_parse("2026-11-22T25:00:00Z", &t), LC_EFORMAT);
	assert_int_equal(lc_time_parse(NULL, &t), LC_EINVAL);
	assert_int_equal(lc_time_format(0, buf, 5), LC_ERANGE);
	assert_int_equal(lc_time_format(LC_TIME_NONE, buf, sizeof buf), LC_EINVAL);
	assert_int_equal(lc__day_start(1795341600), 1795305600);
	assert_int_equal(lc__day_start(-1), -86400);
}

static void test_buf(void **state)
{
	lc_buf b;
	char *out;
	size_t len;
	(void)state;
	lc__buf_init(&b);
	lc__buf_puts(&b, "a");
	lc__buf_printf(&b, "%d", 42);
	lc__buf_put_json_string(&b, "q\"\\\n\x01");
	assert_int_equal(lc__buf_take(&b, &out, &len), 0);
	assert_string_equal(out, "a42\"q\\\"\\\\\\n\\u0001\"");
	assert_int_equal(len, strlen(out));
	lc_free(out);
}

/* A stand-in for a public call and a helper that gets the call's name. */
static int helper_checks(const char *fn, const int *p)
{
	LC__ARG_IN(fn, p, "value");
	return 0;
}

static int public_call(const int *out, const int *value)
{
	LC__ARG(out, "out");
	return helper_checks(__func__, value);
}

static void test_arg_check(void **state)
{
	int x = 1;
	(void)state;
	lc_error_clear();
	assert_int_equal(public_call(NULL, &x), LC_EINVAL);
	assert_int_equal(lc_error_last_code(), LC_EINVAL);
	assert_string_equal(lc_error_last(), "public_call: out is NULL");
	assert_int_equal(public_call(&x, NULL), LC_EINVAL);
	assert_string_equal(lc_error_last(), "public_call: value is NULL");
	lc_error_clear();
	assert_int_equal(public_call(&x, &x), 0);
	assert_int_equal(lc_error_last_code(), 0);
}

/* lc__grow: the first capacity, then doubling, the added elements zeroed;
 * on overflow or a failed allocation NULL, the old block and capacity kept. */
static void test_grow(void **state)
{
	lc_allocator a = LC_ALLOCATOR_INIT;
	int64_t *v = NULL, *g;
	size_t cap = 0;
	(void)state;

	assert_non_null(v = lc__grow(NULL, &cap, sizeof *v, 4));
	assert_int_equal(cap, 4);
	for (size_t i = 0; i < cap; i++)
		assert_int_equal(v[i], 0);
	v[0] = v[3] = 7;
	assert_non_null(v = lc__grow(v, &cap, sizeof *v, 4));
	assert_int_equal(cap, 8);
	assert_int_equal(v[0], 7);
	assert_int_equal(v[3], 7);
	for (size_t i = 4; i < cap; i++)
		assert_int_equal(v[i], 0);

	cap = SIZE_MAX / sizeof *v; /* doubling would overflow */
	assert_null(lc__grow(v, &cap, sizeof *v, 4));
	assert_int_equal(cap, SIZE_MAX / sizeof *v);
	assert_int_equal(lc_error_last_code(), LC_ENOMEM);

	cap = 8;
	use_failing_allocator(&a);
	g = lc__grow(v, &cap, sizeof *v, 4);
	fail_after = -1;
	assert_int_equal(lc_set_allocator(NULL), 0);
	assert_null(g);
	assert_int_equal(cap, 8);
	assert_int_equal(v[3], 7); /* the old block is still the caller's */
	lc__free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_allocator), cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_keys), cmocka_unit_test(test_time),
		cmocka_unit_test(test_buf), cmocka_unit_test(test_arg_check),
		cmocka_unit_test(test_grow),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
