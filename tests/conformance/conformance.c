/* The backend conformance suite (conformance.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <leadcore/leadcore.h>
#include <leadcore/sys/storage.h>

#include "conformance.h"
#include "wrap.h"
#include "../support/lead_entry.h"

/* A small model with every axis, a follow-up rule and a repeatable stage. */
static const char model_json[] =
	"{\"format\": 1, \"name\": \"conformance\", \"version\": 1,"
	" \"actions\": [{\"label\": \"Call\", \"flags\": [\"contact\", \"phone\"]},"
	"   {\"label\": \"Email\", \"flags\": [\"contact\", \"email\"]}, {\"label\": \"Meeting\"}],"
	" \"milestones\": [{\"label\": \"New\"}, {\"label\": \"Contacted\"}, {\"label\": \"Qualified\"}],"
	" \"statuses\": [{\"label\": \"Open\", \"lifecycle\": \"open\"},"
	"   {\"label\": \"Hot\", \"lifecycle\": \"open\", \"requires\": [\"follow_up\"]},"
	"   {\"label\": \"Nurturing\", \"lifecycle\": \"open\"}],"
	" \"phases\": [{\"label\": \"Lead\"}, {\"label\": \"Customer\"}],"
	" \"stages\": [{\"label\": \"Enquiry\", \"phase\": \"lead\"},"
	"   {\"label\": \"Check-in\", \"phase\": \"customer\", \"flags\": [\"repeatable\"]},"
	"   {\"label\": \"Review\", \"phase\": \"customer\"}],"
	" \"lifecycles\": [{\"label\": \"Open\"}]}";

#define T0 ((lc_time)1790000000) /* 2026-09-21 */
#define DAY ((lc_time)86400)

static const lc_conformance_target *target;

typedef struct fx {
	char uri[4200];
	lc_db *db;
	lc_time now;
} fx;

static lc_time fx_clock(void *ud)
{
	return ((fx *)ud)->now;
}

/* ---- checks that say what failed ---- */

static void ok_at(int rc, const char *expr, const char *file, int line)
{
	if (rc != 0) {
		print_error("%s:%d: %s returned %s: %s\n", file, line, expr, lc_error_name(rc),
			    lc_error_last());
		_fail(file, line);
	}
}
#define OK(x) ok_at((x), #x, __FILE__, __LINE__)

static void rc_at(int rc, int want, const char *expr, const char *file, int line)
{
	if (rc != want) {
		print_error("%s:%d: %s returned %s, expected %s (%s)\n", file, line, expr,
			    lc_error_name(rc), lc_error_name(want), lc_error_last());
		_fail(file, line);
	}
}
#define RC(x, want) rc_at((x), (want), #x, __FILE__, __LINE__)

static void streq_at(const char *a, const char *b, const char *what, const char *file, int line)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0)) {
		print_error("%s:%d: %s: \"%s\" != \"%s\"\n", file, line, what, a ? a : "(null)",
			    b ? b : "(null)");
		_fail(file, line);
	}
}
#define STREQ(a, b) streq_at((a), (b), #a, __FILE__, __LINE__)

/* ---- fixture ---- */

static int db_open_fx(fx *f)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;

	o.clock = fx_clock;
	o.clock_ud = f;
	return lc_db_open(&f->db, f->uri, &o);
}

static lc_model *test_model(void)
{
	lc_model *m = NULL;

	OK(lc_model_load_string(&m, model_json, "conformance model"));
	return m;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	lc_model *m;

	if (!f)
		return -1;
	f->now = T0;
	if (target->make_uri(target->ud, f->uri, sizeof f->uri) || db_open_fx(f)) {
		print_error("cannot open a new store: %s\n", lc_error_last());
		free(f);
		return -1;
	}
	m = test_model();
	if (lc_db_install_model(f->db, m, NULL)) {
		print_error("cannot install the model: %s\n", lc_error_last());
		lc_model_free(m);
		lc_db_close(f->db);
		free(f);
		return -1;
	}
	lc_model_free(m);
	*state = f;
	return 0;
}

/* As setup, without a model. */
static int setup_bare(void **state)
{
	fx *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	f->now = T0;
	if (target->make_uri(target->ud, f->uri, sizeof f->uri) || db_open_fx(f)) {
		print_error("cannot open a new store: %s\n", lc_error_last());
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;

	lc_db_close(f->db);
	if (target->remove)
		target->remove(target->ud, f->uri);
	free(f);
	return 0;
}

/* Close and open again (persistent targets only); returns 0 when skipped. */
static int reopen(fx *f)
{
	if (!target->persistent)
		return 0;
	lc_db_close(f->db);
	f->db = NULL;
	OK(db_open_fx(f));
	return 1;
}

/* ---- records ---- */

static lc_lead *full_lead(const char *ext, int variant)
{
	lc_lead *l = NULL;
	char buf[64];

	OK(lc_lead_new(&l));
	if (ext)
		OK(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, ext));
	for (int f = LC_LEAD_NAME; f < LC_LEAD_TEXT_COUNT; f++) {
		snprintf(buf, sizeof buf, "%s %d", lc_lead_text_name((lc_lead_text_field)f), variant);
		OK(lc_lead_set_text(l, (lc_lead_text_field)f, buf));
	}
	OK(lc_lead_set_probability(l, 10 + variant));
	OK(lc_lead_set_amount(l, 123456 + variant, "EUR"));
	OK(lc_lead_set_date(l, LC_LEAD_START, T0 - 10 * DAY));
	OK(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, T0 + 30 * DAY + variant));
	OK(lc_lead_set_flag(l, LC_LEAD_DO_NOT_EMAIL, 1));
	OK(lc_lead_set_flag(l, LC_LEAD_AUTOMATION_STOPPED, variant & 1));
	OK(lc_lead_product_add(l, "Widget", "the blue one"));
	OK(lc_lead_product_add(l, "Gadget", NULL));
	OK(lc_lead_name_add(l, LC_LEAD_TEAM, "Ann"));
	OK(lc_lead_name_add(l, LC_LEAD_TEAM, "Bob"));
	OK(lc_lead_name_add(l, LC_LEAD_COMPETITORS, "Acme"));
	OK(lc_lead_activity_add(l, "Demo", T0 + DAY, "Ann"));
	OK(lc_lead_activity_add(l, "Call back", LC_TIME_NONE, NULL));
	OK(lc_lead_attr_set(l, "tier", variant % 2 ? "gold" : "silver"));
	OK(lc_lead_attr_set(l, "region", "north"));
	return l;
}

static void same_lead(const lc_lead *a, const lc_lead *b)
{
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		streq_at(lc_lead_text(a, (lc_lead_text_field)f), lc_lead_text(b, (lc_lead_text_field)f),
			 lc_lead_text_name((lc_lead_text_field)f), __FILE__, __LINE__);
	assert_int_equal((int32_t)lc_lead_number(a, LC_LEAD_NUM_PROBABILITY), (int32_t)lc_lead_number(b, LC_LEAD_NUM_PROBABILITY));
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_AMOUNT), lc_lead_number(b, LC_LEAD_NUM_AMOUNT));
	STREQ(lc_lead_currency(a), lc_lead_currency(b));
	for (int d = 0; d < LC_LEAD_DATE_COUNT; d++)
		assert_int_equal(lc_lead_date(a, (lc_lead_date_field)d),
				 lc_lead_date(b, (lc_lead_date_field)d));
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_UNIT), lc_lead_number(b, LC_LEAD_NUM_UNIT));
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_AGENT), lc_lead_number(b, LC_LEAD_NUM_AGENT));
	assert_int_equal((uint32_t)lc_lead_number(a, LC_LEAD_NUM_FLAGS), (uint32_t)lc_lead_number(b, LC_LEAD_NUM_FLAGS));
	for (int l = 0; l < LC_LEAD_LIST_COUNT; l++)
		assert_int_equal(lc_lead_list_count(a, (lc_lead_list)l),
				 lc_lead_list_count(b, (lc_lead_list)l));
	for (size_t i = 0; i < lc_lead_list_count(a, LC_LEAD_PRODUCTS); i++) {
		STREQ(lead_entry(a, LC_LEAD_PRODUCTS, i).text, lead_entry(b, LC_LEAD_PRODUCTS, i).text);
		STREQ(lead_entry(a, LC_LEAD_PRODUCTS, i).detail, lead_entry(b, LC_LEAD_PRODUCTS, i).detail);
	}
	for (size_t i = 0; i < lc_lead_list_count(a, LC_LEAD_TEAM); i++)
		STREQ(lead_entry(a, LC_LEAD_TEAM, i).text, lead_entry(b, LC_LEAD_TEAM, i).text);
	for (size_t i = 0; i < lc_lead_list_count(a, LC_LEAD_COMPETITORS); i++)
		STREQ(lead_entry(a, LC_LEAD_COMPETITORS, i).text,
		      lead_entry(b, LC_LEAD_COMPETITORS, i).text);
	for (size_t i = 0; i < lc_lead_list_count(a, LC_LEAD_ACTIVITIES); i++) {
		STREQ(lead_entry(a, LC_LEAD_ACTIVITIES, i).text, lead_entry(b, LC_LEAD_ACTIVITIES, i).text);
		STREQ(lead_entry(a, LC_LEAD_ACTIVITIES, i).detail, lead_entry(b, LC_LEAD_ACTIVITIES, i).detail);
		assert_int_equal(lead_entry(a, LC_LEAD_ACTIVITIES, i).time, lead_entry(b, LC_LEAD_ACTIVITIES, i).time);
	}
	for (size_t i = 0; i < lc_lead_list_count(a, LC_LEAD_ATTRIBUTES); i++) {
		STREQ(lead_entry(a, LC_LEAD_ATTRIBUTES, i).text, lead_entry(b, LC_LEAD_ATTRIBUTES, i).text);
		STREQ(lead_entry(a, LC_LEAD_ATTRIBUTES, i).detail, lead_entry(b, LC_LEAD_ATTRIBUTES, i).detail);
	}
	for (size_t i = 0; i < lc_lead_list_count(a, LC_LEAD_NOTES); i++) {
		STREQ(lead_entry(a, LC_LEAD_NOTES, i).text, lead_entry(b, LC_LEAD_NOTES, i).text);
		STREQ(lead_entry(a, LC_LEAD_NOTES, i).detail, lead_entry(b, LC_LEAD_NOTES, i).detail);
		assert_int_equal(lead_entry(a, LC_LEAD_NOTES, i).time, lead_entry(b, LC_LEAD_NOTES, i).time);
	}
	if (lc_lead_state(a) && lc_lead_state(b) && lc_lead_model(a) == lc_lead_model(b))
		assert_int_equal(lc_state_equal(lc_lead_state(a), lc_lead_state(b)), 1);
}

/* A stored lead, its bookkeeping included. */
static void same_stored(const lc_lead *a, const lc_lead *b)
{
	same_lead(a, b);
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_ID), lc_lead_number(b, LC_LEAD_NUM_ID));
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_VERSION), lc_lead_number(b, LC_LEAD_NUM_VERSION));
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_CREATED_AT), lc_lead_number(b, LC_LEAD_NUM_CREATED_AT));
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_TOUCHED_AT), lc_lead_number(b, LC_LEAD_NUM_TOUCHED_AT));
}

static lc_id create(fx *f, lc_lead *l)
{
	lc_id id = 0;

	OK(lc_db_lead_create(f->db, l, &id));
	assert_true(id > 0);
	return id;
}

static lc_lead *get(fx *f, lc_id id)
{
	lc_lead *l = NULL;

	OK(lc_db_lead_get(f->db, id, &l));
	return l;
}

typedef struct disp {
	const char *action, *milestone, *status, *stage;
	lc_time follow_up;
	const char *note, *actor;
} disp;

static int apply(fx *f, lc_id id, const disp *x, int64_t expected, lc_id *ev)
{
	lc_disposition *d = NULL;
	lc_violations *v = NULL;
	int rc;

	OK(lc_disposition_new(&d, lc_db_model(f->db)));
	if (x->action)
		OK(lc_disposition_set(d, LC_AXIS_ACTION, x->action));
	if (x->milestone)
		OK(lc_disposition_set(d, LC_AXIS_MILESTONE, x->milestone));
	if (x->status)
		OK(lc_disposition_set(d, LC_AXIS_STATUS, x->status));
	if (x->stage)
		OK(lc_disposition_set(d, LC_AXIS_STAGE, x->stage));
	if (x->follow_up != 0)
		OK(lc_disposition_set_follow_up(d, x->follow_up));
	if (x->note)
		OK(lc_disposition_set_note(d, x->note));
	if (x->actor)
		OK(lc_disposition_set_actor(d, x->actor));
	OK(lc_violations_new(&v));
	rc = lc_db_apply(f->db, id, d, expected, v, ev);
	/* Say why when a story step the suite means to be valid is refused. */
	for (size_t i = 0; getenv("LC_CONFORMANCE_VERBOSE") && i < lc_table_row_count(lc_violations_table(v)); i++)
		print_message("violation: %s\n", lc_table_text(lc_violations_table(v), i, 3));
	lc_violations_free(v);
	lc_disposition_free(d);
	return rc;
}

static int64_t count_events(fx *f, lc_id lead)
{
	lc_event_iter *it = NULL;
	const lc_event *ev;
	int64_t n = 0;
	lc_id last = 0;
	int rc;

	OK(lc_db_history(f->db, lead, &it));
	while ((rc = lc_event_iter_next(it, &ev)) == 1) {
		assert_true(lc_event_number(ev, LC_EVENT_NUM_ID) > last);
		last = lc_event_number(ev, LC_EVENT_NUM_ID);
		n++;
	}
	RC(rc, 0);
	lc_event_iter_free(it);
	return n;
}

static int64_t count_all(fx *f)
{
	lc_query *q = NULL;
	size_t n = SIZE_MAX;

	OK(lc_query_new(&q));
	OK(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE));
	OK(lc_db_count(f->db, q, &n));
	lc_query_free(q);
	return n;
}

/* ---- tests ---- */

static void t_models(void **state)
{
	fx *f = *state;
	lc_model *m = test_model(), *got = NULL;
	lc_lead *l = NULL;
	int64_t v = 0;
	lc_time at = 0;

	assert_int_equal(lc_db_model_version(f->db), 0);
	assert_null(lc_db_model(f->db));
	OK(lc_lead_new(&l));
	RC(lc_db_lead_create(f->db, l, NULL), LC_ESTATE);
	OK(lc_db_install_model(f->db, m, &v));
	assert_int_equal(v, 1);
	f->now += 60;
	OK(lc_db_install_model(f->db, m, &v));
	assert_int_equal(v, 2);
	assert_int_equal(lc_db_model_version(f->db), 2);
	OK(lc_db_model_get(f->db, 1, &got, &at));
	STREQ(lc_model_name(got), "conformance");
	assert_int_equal(at, T0);
	lc_model_free(got);
	got = NULL;
	OK(lc_db_model_get(f->db, 2, &got, &at));
	assert_int_equal(at, T0 + 60);
	lc_model_free(got);
	got = NULL;
	RC(lc_db_model_get(f->db, 3, &got, NULL), LC_ENOTFOUND);
	assert_null(got);
	if (reopen(f)) {
		assert_int_equal(lc_db_model_version(f->db), 2);
		STREQ(lc_model_name(lc_db_model(f->db)), "conformance");
	}
	lc_model_free(m);
	lc_lead_free(l);
}

static void t_lead_roundtrip(void **state)
{
	fx *f = *state;
	lc_lead *a = full_lead("ext-1", 1), *b = full_lead(NULL, 2), *got = NULL;
	lc_id ia, ib;

	ia = create(f, a);
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_ID), ia);
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_VERSION), 1);
	assert_int_equal(lc_lead_number(a, LC_LEAD_NUM_CREATED_AT), T0);
	f->now += 5;
	ib = create(f, b);
	assert_true(ib > ia);
	got = get(f, ia);
	same_stored(a, got);
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_TOUCHED_AT), LC_TIME_NONE);
	lc_lead_free(got);
	OK(lc_db_lead_find(f->db, "ext-1", &got));
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_ID), ia);
	same_lead(a, got);
	lc_lead_free(got);
	got = get(f, ib);
	same_stored(b, got);
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_CREATED_AT), T0 + 5);
	lc_lead_free(got);
	got = NULL;
	RC(lc_db_lead_get(f->db, ib + 100, &got), LC_ENOTFOUND);
	RC(lc_db_lead_find(f->db, "ext-2", &got), LC_ENOTFOUND);
	assert_null(got);
	if (reopen(f)) {
		got = get(f, ia);
		same_lead(a, got);
		assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_VERSION), 1);
		lc_lead_free(got);
	}
	lc_lead_free(a);
	lc_lead_free(b);
}

static void t_external_unique(void **state)
{
	fx *f = *state;
	lc_lead *a = full_lead("x1", 1), *b = full_lead("x2", 2), *c = full_lead("x1", 3);
	lc_lead *n1 = full_lead(NULL, 4), *n2 = full_lead(NULL, 5), *got = NULL;
	lc_id ib;

	create(f, a);
	ib = create(f, b);
	RC(lc_db_lead_create(f->db, c, NULL), LC_EEXISTS);
	assert_int_equal(lc_lead_number(c, LC_LEAD_NUM_ID), 0);
	assert_int_equal(count_all(f), 2);
	/* Leads without an external id do not collide. */
	create(f, n1);
	create(f, n2);
	got = get(f, ib);
	OK(lc_lead_set_text(got, LC_LEAD_EXTERNAL_ID, "x1"));
	RC(lc_db_lead_update(f->db, got, -1), LC_EEXISTS);
	lc_lead_free(got);
	got = get(f, ib);
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_VERSION), 1);
	STREQ(lc_lead_text(got, LC_LEAD_EXTERNAL_ID), "x2");
	OK(lc_lead_set_text(got, LC_LEAD_EXTERNAL_ID, "x3"));
	OK(lc_db_lead_update(f->db, got, 1));
	lc_lead_free(got);
	got = NULL;
	RC(lc_db_lead_find(f->db, "x2", &got), LC_ENOTFOUND);
	OK(lc_db_lead_find(f->db, "x3", &got));
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_ID), ib);
	lc_lead_free(got);
	/* The old id is free again. */
	OK(lc_lead_set_text(c, LC_LEAD_EXTERNAL_ID, "x2"));
	create(f, c);
	assert_int_equal(count_all(f), 5);
	lc_lead_free(a);
	lc_lead_free(b);
	lc_lead_free(c);
	lc_lead_free(n1);
	lc_lead_free(n2);
}

static void t_lead_update(void **state)
{
	fx *f = *state;
	lc_lead *a = full_lead("u1", 1), *got, *again;
	lc_event_iter *it = NULL;
	const lc_event *ev;
	lc_id id = create(f, a);

	got = get(f, id);
	OK(lc_lead_set_text(got, LC_LEAD_EMAIL, "new@example.com"));
	OK(lc_lead_set_text(got, LC_LEAD_PHONE, NULL));
	OK(lc_lead_set_probability(got, 77));
	OK(lc_lead_set_amount(got, 5, "USD"));
	OK(lc_lead_set_flag(got, LC_LEAD_DO_NOT_CALL, 1));
	OK(lc_lead_set_flag(got, LC_LEAD_DO_NOT_EMAIL, 0));
	OK(lc_lead_list_remove(got, LC_LEAD_PRODUCTS, 0));
	OK(lc_lead_list_clear(got, LC_LEAD_TEAM));
	OK(lc_lead_activity_add(got, "Visit", T0 + 2 * DAY, "Cy"));
	OK(lc_lead_attr_set(got, "tier", NULL));
	OK(lc_lead_attr_set(got, "size", "large"));
	f->now += 100;
	OK(lc_db_lead_update(f->db, got, 1));
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_VERSION), 2);
	again = get(f, id);
	same_lead(got, again);
	assert_int_equal(lc_lead_number(again, LC_LEAD_NUM_VERSION), 2);
	assert_int_equal(lc_lead_number(again, LC_LEAD_NUM_CREATED_AT), T0);
	assert_true((uint32_t)lc_lead_number(again, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_CALL);
	assert_true(lc_state_flags(lc_lead_state(again)) & LC_STATE_DO_NOT_CALL);
	/* Stale: nothing written. */
	OK(lc_lead_set_text(again, LC_LEAD_NAME, "stale"));
	RC(lc_db_lead_update(f->db, again, 1), LC_ECONFLICT);
	lc_lead_free(again);
	again = get(f, id);
	same_lead(got, again);
	OK(lc_db_history(f->db, id, &it));
	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_CREATE);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_SEQ), 1);
	assert_int_equal(lc_event_iter_next(it, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_UPDATE);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_SEQ), 2);
	assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_TIME), T0 + 100);
	assert_int_equal(lc_event_iter_next(it, &ev), 0);
	lc_event_iter_free(it);
	if (reopen(f)) {
		lc_lead_free(again);
		again = get(f, id);
		same_lead(got, again);
	}
	lc_lead_free(a);
	lc_lead_free(got);
	lc_lead_free(again);
}

static const disp story[] = {
	{ "call", "new", "open", "enquiry", 0, "first call", "ann" },
	{ "call", "contacted", "hot", NULL, T0 + 10 * DAY, "sent the brochure", NULL },
	{ "meeting", "qualified", "open", "check_in", 0, NULL, "bob" },
	{ "call", NULL, "nurturing", "review", 0, "quiet", "ann" },
	{ "meeting", NULL, NULL, "check_in", 0, "second check-in", "bob" },
};

static void t_apply_history(void **state)
{
	fx *f = *state;
	lc_lead *a = full_lead("h1", 1), *b = full_lead("h2", 2), *got = NULL;
	lc_id ia = create(f, a), ib = create(f, b), evid[5], last = 0;
	lc_event_iter *it = NULL;
	const lc_event *ev;
	const lc_state *prev = NULL;
	lc_state *replayed = NULL;
	int64_t n;
	int rc;

	OK(lc_db_set_actor(f->db, "system-actor"));
	for (int i = 0; i < 5; i++) {
		f->now += 3600;
		OK(apply(f, ia, &story[i], 1 + i, &evid[i]));
		assert_true(evid[i] > last);
		last = evid[i];
		if (i == 1)
			OK(apply(f, ib, &story[0], -1, NULL)); /* interleave another lead */
	}
	/* A stale version and a violation write nothing. */
	n = count_events(f, 0);
	RC(apply(f, ia, &story[0], 3, NULL), LC_ECONFLICT);
	{
		disp hot_without_follow_up = { "call", NULL, "hot", NULL, 0, NULL, NULL };
		RC(apply(f, ia, &hot_without_follow_up, -1, NULL), LC_EINVALID);
	}
	assert_int_equal(count_events(f, 0), n);
	RC(apply(f, ia + ib + 10, &story[0], -1, NULL), LC_ENOTFOUND);

	got = get(f, ia);
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_VERSION), 6);
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_TOUCHED_AT), T0 + 5 * 3600);
	STREQ(lc_state_get(lc_lead_state(got), LC_AXIS_MILESTONE), "qualified");
	STREQ(lc_state_get(lc_lead_state(got), LC_AXIS_STATUS), "nurturing");
	STREQ(lc_state_get(lc_lead_state(got), LC_AXIS_STAGE), "check_in");
	STREQ(lc_state_get(lc_lead_state(got), LC_AXIS_PHASE), "customer");
	STREQ(lc_state_get(lc_lead_state(got), LC_AXIS_LIFECYCLE), "open");
	assert_int_equal(lc_state_stage_entries(lc_lead_state(got), "check_in"), 2);

	for (int pass = 0; pass < 2; pass++) {
		OK(lc_db_history(f->db, ia, &it));
		assert_int_equal(lc_event_iter_next(it, &ev), 1);
		assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_CREATE);
		assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_LEAD), ia);
		for (int i = 0; i < 5; i++) {
			prev = lc_event_state(ev, 1);
			lc_state *keep = NULL;
			OK(lc_state_new(&keep, lc_db_model(f->db)));
			OK(lc_state_copy(keep, prev));
			assert_int_equal(lc_event_iter_next(it, &ev), 1);
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_ID), evid[i]);
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_LEAD), ia);
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_SEQ), 2 + i);
			assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_DISPOSITION);
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_TIME), T0 + (i + 1) * 3600);
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_MODEL_VERSION), 1);
			STREQ(lc_event_value(ev, LC_AXIS_ACTION), story[i].action);
			STREQ(lc_event_value(ev, LC_AXIS_MILESTONE), story[i].milestone);
			STREQ(lc_event_value(ev, LC_AXIS_STATUS), story[i].status);
			STREQ(lc_event_value(ev, LC_AXIS_STAGE), story[i].stage);
			STREQ(lc_event_text(ev, LC_EVENT_TEXT_NOTE), story[i].note);
			STREQ(lc_event_text(ev, LC_EVENT_TEXT_ACTOR), story[i].actor ? story[i].actor : "system-actor");
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP),
					 story[i].follow_up ? story[i].follow_up : LC_TIME_NONE);
			/* Each event starts where the one before ended. */
			assert_int_equal(lc_state_equal(keep, lc_event_state(ev, 0)), 1);
			lc_state_free(keep);
		}
		assert_int_equal(lc_state_equal(lc_event_state(ev, 1), lc_lead_state(got)), 1);
		assert_int_equal(lc_state_stage_entries(lc_event_state(ev, 1), "check_in"), 2);
		assert_int_equal(lc_state_stage_entries(lc_event_state(ev, 0), "check_in"), 1);
		assert_int_equal(lc_event_iter_next(it, &ev), 0);
		lc_event_iter_free(it);
		it = NULL;

		OK(lc_state_new(&replayed, lc_db_model(f->db)));
		OK(lc_db_replay(f->db, ia, replayed));
		assert_int_equal(lc_state_equal(replayed, lc_lead_state(got)), 1);
		lc_state_free(replayed);
		replayed = NULL;

		/* Every lead's events, in the order they were written. */
		OK(lc_db_history(f->db, 0, &it));
		last = 0;
		n = 0;
		while ((rc = lc_event_iter_next(it, &ev)) == 1) {
			assert_true(lc_event_number(ev, LC_EVENT_NUM_ID) > last);
			last = lc_event_number(ev, LC_EVENT_NUM_ID);
			n++;
		}
		RC(rc, 0);
		assert_int_equal(n, 8);
		lc_event_iter_free(it);
		it = NULL;
		if (!reopen(f))
			break;
		lc_lead_free(got);
		got = get(f, ia);
	}
	lc_lead_free(a);
	lc_lead_free(b);
	lc_lead_free(got);
}

static void t_notes(void **state)
{
	fx *f = *state;
	lc_lead *a = full_lead(NULL, 1), *got;
	lc_id id = create(f, a);

	OK(lc_db_set_actor(f->db, "desk"));
	f->now += 10;
	OK(lc_db_lead_note(f->db, id, "ann", "first note"));
	f->now += 10;
	OK(lc_db_lead_note(f->db, id, NULL, "second note"));
	RC(lc_db_lead_note(f->db, id + 50, "ann", "nobody"), LC_ENOTFOUND);
	for (int pass = 0; pass < 2; pass++) {
		got = get(f, id);
		assert_int_equal(lc_lead_list_count(got, LC_LEAD_NOTES), 2);
		STREQ(lead_entry(got, LC_LEAD_NOTES, 0).text, "first note");
		STREQ(lead_entry(got, LC_LEAD_NOTES, 0).detail, "ann");
		assert_int_equal(lead_entry(got, LC_LEAD_NOTES, 0).time, T0 + 10);
		STREQ(lead_entry(got, LC_LEAD_NOTES, 1).text, "second note");
		STREQ(lead_entry(got, LC_LEAD_NOTES, 1).detail, "desk");
		assert_int_equal(lead_entry(got, LC_LEAD_NOTES, 1).time, T0 + 20);
		assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_VERSION), 3);
		assert_int_equal(count_events(f, id), 3);
		lc_lead_free(got);
		if (!reopen(f))
			break;
	}
	lc_lead_free(a);
}

/* ---- queries: every filter against a brute-force answer ---- */

typedef bool (*pred_fn)(const lc_lead *l, const void *arg);

#define NQ 24

typedef struct qfx {
	lc_id ids[NQ];
	lc_id agents[2], units[2];
} qfx;

static void build_query_set(fx *f, qfx *s)
{
	static const char *const sources[] = { "web", "fair", "phone" };
	OK(lc_db_agent_add(f->db, "qa", &s->agents[0]));
	OK(lc_db_agent_add(f->db, "qb", &s->agents[1]));
	OK(lc_db_unit_add(f->db, "east", &s->units[0]));
	OK(lc_db_unit_add(f->db, "west", &s->units[1]));
	for (int i = 0; i < NQ; i++) {
		lc_lead *l = NULL;
		OK(lc_lead_new(&l));
		OK(lc_lead_set_text(l, LC_LEAD_NAME, "q"));
		OK(lc_lead_set_text(l, LC_LEAD_SOURCE, sources[i % 3]));
		if (i % 4)
			OK(lc_lead_set_text(l, LC_LEAD_OWNER_GROUP, i % 4 == 1 ? "g1" : "g2"));
		if (i % 5 < 3)
			OK(lc_lead_set_unit(l, s->units[i % 5 == 2]));
		/* Assigned leads with a phone: some followed up, some never worked,
		 * so that worklists have every kind of entry. */
		if (i % 3 != 0)
			OK(lc_lead_set_agent(l, s->agents[i % 2]));
		if (i % 6 != 5)
			OK(lc_lead_set_text(l, LC_LEAD_PHONE, "+1 555 0100"));
		if (i % 2)
			OK(lc_lead_attr_set(l, "tier", i % 4 == 1 ? "gold" : "silver"));
		f->now += 600;
		s->ids[i] = create(f, l);
		lc_lead_free(l);
		if (i % 3 != 2) {
			disp d = { "call", i % 2 ? "contacted" : "new", i % 4 == 0 ? "hot" : "open",
				   i % 5 == 0 ? "check_in" : "enquiry",
				   i % 4 == 0 ? T0 + (i + 1) * DAY : 0, NULL, NULL };
			OK(apply(f, s->ids[i], &d, -1, NULL));
		}
		if (i % 7 == 3)
			OK(lc_db_lead_recycle(f->db, s->ids[i]));
	}
}

static void check_query(fx *f, const qfx *s, const lc_query *q, pred_fn pred, const void *arg,
			const char *what)
{
	lc_id want[NQ], have[NQ + 1];
	size_t nw = 0, nh = 0;
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	size_t count = SIZE_MAX;
	int rc;

	for (int i = 0; i < NQ; i++) {
		lc_lead *g = get(f, s->ids[i]);
		if (pred(g, arg))
			want[nw++] = s->ids[i];
		lc_lead_free(g);
	}
	OK(lc_db_query(f->db, q, &it));
	while ((rc = lc_lead_iter_next(it, &l)) == 1) {
		assert_true(nh < NQ);
		have[nh++] = lc_lead_number(l, LC_LEAD_NUM_ID);
	}
	RC(rc, 0);
	lc_lead_iter_free(it);
	if (nh != nw || memcmp(want, have, nw * sizeof *want) != 0) {
		print_error("query on %s: %zu leads, expected %zu\n", what, nh, nw);
		fail();
	}
	OK(lc_db_count(f->db, q, &count));
	assert_int_equal(count, (int64_t)nw);
}

typedef struct cond {
	lc_axis axis;
	const char *value;
	lc_lead_text_field field;
	lc_id id;
	lc_time from, to;
	lc_recycled_filter recycled;
} cond;

static bool visible(const lc_lead *l, lc_recycled_filter r)
{
	bool rec = ((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED) != 0;
	return r == LC_RECYCLED_INCLUDE || (r == LC_RECYCLED_ONLY) == rec;
}

static bool p_value(const lc_lead *l, const void *arg)
{
	const cond *c = arg;
	const char *v = lc_state_get(lc_lead_state(l), c->axis);
	return visible(l, LC_RECYCLED_EXCLUDE) && v && strcmp(v, c->value) == 0;
}

static bool p_text(const lc_lead *l, const void *arg)
{
	const cond *c = arg;
	const char *v = lc_lead_text(l, c->field);
	return visible(l, LC_RECYCLED_EXCLUDE) && v && strcmp(v, c->value) == 0;
}

static bool id_is(lc_id want, lc_id have)
{
	return want == LC_QUERY_NONE ? have == 0 : have == want;
}

static bool p_agent(const lc_lead *l, const void *arg)
{
	return visible(l, LC_RECYCLED_EXCLUDE) && id_is(((const cond *)arg)->id, lc_lead_number(l, LC_LEAD_NUM_AGENT));
}

static bool p_unit(const lc_lead *l, const void *arg)
{
	return visible(l, LC_RECYCLED_EXCLUDE) && id_is(((const cond *)arg)->id, lc_lead_number(l, LC_LEAD_NUM_UNIT));
}

static bool in_window(lc_time t, lc_time from, lc_time to)
{
	return t != LC_TIME_NONE && (from == LC_TIME_NONE || t >= from) &&
	       (to == LC_TIME_NONE || t < to);
}

static bool p_follow_up(const lc_lead *l, const void *arg)
{
	const cond *c = arg;
	return visible(l, LC_RECYCLED_EXCLUDE) &&
	       in_window(lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP), c->from, c->to);
}

static bool p_created(const lc_lead *l, const void *arg)
{
	const cond *c = arg;
	return visible(l, LC_RECYCLED_EXCLUDE) && in_window(lc_lead_number(l, LC_LEAD_NUM_CREATED_AT), c->from, c->to);
}

static bool p_recycled(const lc_lead *l, const void *arg)
{
	return visible(l, ((const cond *)arg)->recycled);
}

static bool p_attr(const lc_lead *l, const void *arg)
{
	const char *v = lc_lead_attr_get(l, "tier");
	(void)arg;
	return visible(l, LC_RECYCLED_EXCLUDE) && v && strcmp(v, "gold") == 0;
}

static bool p_combined(const lc_lead *l, const void *arg)
{
	const cond *c = arg;
	const char *src = lc_lead_text(l, LC_LEAD_SOURCE);
	const char *ms = lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE);
	return visible(l, LC_RECYCLED_INCLUDE) && src && strcmp(src, "web") == 0 && ms &&
	       strcmp(ms, "contacted") == 0 && id_is(c->id, lc_lead_number(l, LC_LEAD_NUM_UNIT));
}

static void t_query_filters(void **state)
{
	fx *f = *state;
	qfx s;
	lc_query *q = NULL;
	cond c;

	memset(&s, 0, sizeof s);
	build_query_set(f, &s);
	for (int pass = 0; pass < 2; pass++) {
		static const struct {
			lc_axis axis;
			const char *value;
		} values[] = {
			{ LC_AXIS_MILESTONE, "contacted" }, { LC_AXIS_STATUS, "hot" },
			{ LC_AXIS_STAGE, "check_in" },      { LC_AXIS_PHASE, "customer" },
			{ LC_AXIS_LIFECYCLE, "open" },      { LC_AXIS_MILESTONE, "qualified" },
		};
		for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
			OK(lc_query_new(&q));
			OK(lc_query_set_value(q, values[i].axis, values[i].value));
			c = (cond){ .axis = values[i].axis, .value = values[i].value };
			check_query(f, &s, q, p_value, &c, lc_axis_name(values[i].axis));
			lc_query_free(q);
		}
		static const struct {
			lc_lead_text_field field;
			const char *value;
		} texts[] = { { LC_LEAD_SOURCE, "fair" }, { LC_LEAD_OWNER_GROUP, "g1" },
			      { LC_LEAD_NAME, "q" }, { LC_LEAD_EMAIL, "nobody" } };
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
			OK(lc_query_new(&q));
			OK(lc_query_set_text(q, texts[i].field, texts[i].value));
			c = (cond){ .field = texts[i].field, .value = texts[i].value };
			check_query(f, &s, q, p_text, &c, lc_lead_text_name(texts[i].field));
			lc_query_free(q);
		}
		lc_id ids[] = { s.agents[0], s.agents[1], LC_QUERY_NONE };
		for (size_t i = 0; i < 3; i++) {
			OK(lc_query_new(&q));
			OK(lc_query_set_agent(q, ids[i]));
			c = (cond){ .id = ids[i] };
			check_query(f, &s, q, p_agent, &c, "agent");
			lc_query_free(q);
		}
		lc_id uids[] = { s.units[0], s.units[1], LC_QUERY_NONE };
		for (size_t i = 0; i < 3; i++) {
			OK(lc_query_new(&q));
			OK(lc_query_set_unit(q, uids[i]));
			c = (cond){ .id = uids[i] };
			check_query(f, &s, q, p_unit, &c, "unit");
			lc_query_free(q);
		}
		lc_time windows[][2] = { { T0 + 2 * DAY, T0 + 10 * DAY },
					 { LC_TIME_NONE, T0 + 6 * DAY },
					 { T0 + 9 * DAY, LC_TIME_NONE } };
		for (size_t i = 0; i < 3; i++) {
			OK(lc_query_new(&q));
			OK(lc_query_set_follow_up(q, windows[i][0], windows[i][1]));
			c = (cond){ .from = windows[i][0], .to = windows[i][1] };
			check_query(f, &s, q, p_follow_up, &c, "follow-up window");
			lc_query_free(q);
		}
		lc_time cwin[][2] = { { T0 + 3000, T0 + 9000 }, { LC_TIME_NONE, T0 + 4000 },
				      { T0 + 12000, LC_TIME_NONE } };
		for (size_t i = 0; i < 3; i++) {
			OK(lc_query_new(&q));
			OK(lc_query_set_created(q, cwin[i][0], cwin[i][1]));
			c = (cond){ .from = cwin[i][0], .to = cwin[i][1] };
			check_query(f, &s, q, p_created, &c, "created window");
			lc_query_free(q);
		}
		lc_recycled_filter rf[] = { LC_RECYCLED_EXCLUDE, LC_RECYCLED_INCLUDE, LC_RECYCLED_ONLY };
		for (size_t i = 0; i < 3; i++) {
			OK(lc_query_new(&q));
			OK(lc_query_set_recycled(q, rf[i]));
			c = (cond){ .recycled = rf[i] };
			check_query(f, &s, q, p_recycled, &c, "recycled");
			lc_query_free(q);
		}
		OK(lc_query_new(&q));
		OK(lc_query_set_attribute(q, "tier", "gold"));
		check_query(f, &s, q, p_attr, NULL, "attribute");
		lc_query_free(q);
		OK(lc_query_new(&q));
		OK(lc_query_set_text(q, LC_LEAD_SOURCE, "web"));
		OK(lc_query_set_value(q, LC_AXIS_MILESTONE, "contacted"));
		OK(lc_query_set_unit(q, s.units[0]));
		OK(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE));
		c = (cond){ .id = s.units[0] };
		check_query(f, &s, q, p_combined, &c, "source+milestone+unit");
		lc_query_free(q);

		/* Paging: pages of 5 chained by the last id give every lead once, in order. */
		{
			lc_id after = 0, seen[NQ];
			size_t n = 0;
			for (;;) {
				lc_lead_iter *it = NULL;
				const lc_lead *l;
				size_t page = 0;
				OK(lc_query_new(&q));
				OK(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE));
				OK(lc_query_set_page(q, after, 5));
				OK(lc_db_query(f->db, q, &it));
				lc_query_free(q);
				while (lc_lead_iter_next(it, &l) == 1) {
					assert_true(n < NQ);
					seen[n++] = lc_lead_number(l, LC_LEAD_NUM_ID);
					after = lc_lead_number(l, LC_LEAD_NUM_ID);
					page++;
				}
				lc_lead_iter_free(it);
				assert_true(page <= 5);
				if (page < 5)
					break;
			}
			assert_int_equal(n, NQ);
			assert_memory_equal(seen, s.ids, sizeof seen);
		}
		if (!reopen(f))
			break;
	}
}

static void t_agents_units(void **state)
{
	fx *f = *state;
	lc_id a, b, c, u1, u2, found = 0, lid;
	lc_table *al = NULL;
	lc_table *ul = NULL;
	lc_lead *l = NULL, *got;

	OK(lc_db_agent_add(f->db, "alice", &a));
	OK(lc_db_agent_add(f->db, "bruno", &b));
	OK(lc_db_agent_add(f->db, "chen", &c));
	assert_true(a > 0 && b > a && c > b);
	RC(lc_db_agent_add(f->db, "bruno", NULL), LC_EEXISTS);
	OK(lc_db_unit_add(f->db, "north", &u1));
	OK(lc_db_unit_add(f->db, "south", &u2));
	RC(lc_db_unit_add(f->db, "north", NULL), LC_EEXISTS);
	OK(lc_db_unit_join(f->db, u1, a));
	OK(lc_db_unit_join(f->db, u1, a));
	OK(lc_db_unit_join(f->db, u1, c));
	OK(lc_db_unit_join(f->db, u2, a));
	RC(lc_db_unit_join(f->db, u2 + 10, a), LC_ENOTFOUND);
	RC(lc_db_unit_join(f->db, u2, c + 10), LC_ENOTFOUND);
	OK(lc_db_agent_set_active(f->db, b, 0));
	for (int pass = 0; pass < 2; pass++) {
		OK(lc_db_agents(f->db, 0, &al));
		assert_int_equal(lc_table_row_count(al), 3);
		assert_int_equal(lc_table_int(al, 0, 0), a);
		STREQ(lc_table_text(al, 1, 1), "bruno");
		assert_int_equal(lc_table_int(al, 1, 2), 0);
		assert_int_equal(lc_table_int(al, 2, 2), 1);
		lc_table_free(al);
		OK(lc_db_agents(f->db, u1, &al));
		assert_int_equal(lc_table_row_count(al), 2);
		assert_int_equal(lc_table_int(al, 0, 0), a);
		assert_int_equal(lc_table_int(al, 1, 0), c);
		lc_table_free(al);
		OK(lc_db_units(f->db, a, &ul));
		assert_int_equal(lc_table_row_count(ul), 2);
		assert_int_equal(lc_table_int(ul, 0, 0), u1);
		STREQ(lc_table_text(ul, 1, 1), "south");
		lc_table_free(ul);
		OK(lc_db_units(f->db, b, &ul));
		assert_int_equal(lc_table_row_count(ul), 0);
		lc_table_free(ul);
		ul = NULL;
		al = NULL;
		RC(lc_db_agents(f->db, u2 + 10, &al), LC_ENOTFOUND);
		RC(lc_db_units(f->db, c + 10, &ul), LC_ENOTFOUND);
		OK(lc_db_agent_find(f->db, "chen", &found));
		assert_int_equal(found, c);
		RC(lc_db_agent_find(f->db, "nobody", &found), LC_ENOTFOUND);
		OK(lc_db_unit_find(f->db, "south", &found));
		assert_int_equal(found, u2);
		if (!reopen(f))
			break;
	}
	OK(lc_db_unit_leave(f->db, u1, a));
	OK(lc_db_unit_leave(f->db, u1, a));
	OK(lc_db_agents(f->db, u1, &al));
	assert_int_equal(lc_table_row_count(al), 1);
	assert_int_equal(lc_table_int(al, 0, 0), c);
	lc_table_free(al);
	/* Accept: a member of the lead's unit takes it; others are refused. */
	OK(lc_lead_new(&l));
	OK(lc_lead_set_unit(l, u1));
	lid = create(f, l);
	RC(lc_db_lead_accept(f->db, lid, a), LC_ESTATE);
	RC(lc_db_lead_accept(f->db, lid, b), LC_ESTATE);
	OK(lc_db_lead_accept(f->db, lid, c));
	got = get(f, lid);
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_AGENT), c);
	assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_VERSION), 2);
	lc_lead_free(got);
	RC(lc_db_lead_accept(f->db, lid, c), LC_ESTATE);
	lc_lead_free(l);
}

/* ---- iterators stay usable while the same handle writes ---- */

static void t_iter_across_writes(void **state)
{
	fx *f = *state;
	lc_lead *l = full_lead(NULL, 1);
	lc_lead_iter *li = NULL;
	lc_event_iter *ei = NULL;
	const lc_lead *lead;
	const lc_event *ev;
	lc_id ids[4];
	int n = 0, rc;

	for (int i = 0; i < 4; i++) {
		lc_lead *c = full_lead(NULL, i);
		ids[i] = create(f, c);
		lc_lead_free(c);
		OK(apply(f, ids[i], &story[0], -1, NULL));
	}
	OK(lc_db_query(f->db, NULL, &li));
	OK(lc_db_history(f->db, ids[0], &ei));
	assert_int_equal(lc_lead_iter_next(li, &lead), 1);
	assert_int_equal(lc_lead_number(lead, LC_LEAD_NUM_ID), ids[0]);
	assert_int_equal(lc_event_iter_next(ei, &ev), 1);
	/* Writes in their own transactions, one of them rolled back. */
	OK(apply(f, ids[1], &story[1], -1, NULL));
	OK(lc_db_begin(f->db));
	OK(apply(f, ids[0], &story[1], -1, NULL));
	/* Step onto lead 1's last committed event while a newer one exists. */
	assert_int_equal(lc_event_iter_next(ei, &ev), 1);
	assert_int_equal((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND), LC_EVENT_DISPOSITION);
	OK(lc_db_rollback(f->db));
	OK(lc_db_lead_note(f->db, ids[2], "ann", "while iterating"));
	OK(apply(f, ids[3], &story[1], -1, NULL));
	while ((rc = lc_lead_iter_next(li, &lead)) == 1) {
		assert_int_equal(lc_lead_number(lead, LC_LEAD_NUM_ID), ids[1 + n]);
		n++;
	}
	RC(rc, 0);
	assert_int_equal(n, 3);
	/* The rest of lead 1's history is its own: no event of another lead. */
	while ((rc = lc_event_iter_next(ei, &ev)) == 1)
		assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_LEAD), ids[0]);
	RC(rc, 0);
	lc_lead_iter_free(li);
	lc_event_iter_free(ei);
	lc_lead_free(l);
}

/* ---- rollback leaves nothing behind ---- */

typedef struct snapshot {
	int64_t leads, events;
	size_t agents, units, members;
	lc_lead *lead[3];
} snapshot;

static void snap(fx *f, snapshot *s, const lc_id ids[3], lc_id unit)
{
	lc_table *al = NULL;
	lc_table *ul = NULL;

	s->leads = count_all(f);
	s->events = count_events(f, 0);
	OK(lc_db_agents(f->db, 0, &al));
	s->agents = lc_table_row_count(al);
	lc_table_free(al);
	OK(lc_db_agents(f->db, unit, &al));
	s->members = lc_table_row_count(al);
	lc_table_free(al);
	OK(lc_db_units(f->db, 0, &ul));
	s->units = lc_table_row_count(ul);
	lc_table_free(ul);
	for (int i = 0; i < 3; i++)
		s->lead[i] = get(f, ids[i]);
}

static void snap_same(fx *f, snapshot *a, const lc_id ids[3], lc_id unit)
{
	snapshot b;

	snap(f, &b, ids, unit);
	assert_int_equal(a->leads, b.leads);
	assert_int_equal(a->events, b.events);
	assert_int_equal(a->agents, b.agents);
	assert_int_equal(a->units, b.units);
	assert_int_equal(a->members, b.members);
	for (int i = 0; i < 3; i++) {
		same_stored(a->lead[i], b.lead[i]);
		lc_lead_free(b.lead[i]);
	}
}

static void snap_free(snapshot *s)
{
	for (int i = 0; i < 3; i++)
		lc_lead_free(s->lead[i]);
}

static void t_rollback(void **state)
{
	fx *f = *state;
	lc_lead *l0 = full_lead("r0", 0), *l1 = full_lead("r1", 1), *l2 = full_lead("r2", 2);
	lc_lead *nl = full_lead("new", 3), *got = NULL;
	lc_id ids[3], unit, agent, x;
	snapshot before;

	ids[0] = create(f, l0);
	ids[1] = create(f, l1);
	ids[2] = create(f, l2);
	OK(apply(f, ids[0], &story[0], -1, NULL));
	OK(lc_db_unit_add(f->db, "u", &unit));
	OK(lc_db_agent_add(f->db, "a", &agent));
	OK(lc_db_unit_join(f->db, unit, agent));
	snap(f, &before, ids, unit);

	for (int end = 0; end < 2; end++) {
		f->now += 1000;
		OK(lc_db_begin(f->db));
		OK(lc_db_lead_create(f->db, nl, &x));
		OK(apply(f, ids[0], &story[1], -1, NULL));
		OK(apply(f, ids[0], &story[2], -1, NULL));
		OK(apply(f, x, &story[0], -1, NULL));
		/* A lead applied to, then updated, and one updated, then applied to. */
		OK(apply(f, ids[1], &story[0], -1, NULL));
		got = get(f, ids[0]);
		OK(lc_lead_set_text(got, LC_LEAD_EMAIL, "changed@example.com"));
		OK(lc_db_lead_update(f->db, got, -1));
		lc_lead_free(got);
		OK(apply(f, ids[0], &story[3], -1, NULL));
		got = get(f, ids[1]);
		OK(lc_lead_set_text(got, LC_LEAD_EXTERNAL_ID, "r1-renamed"));
		OK(lc_lead_set_text(got, LC_LEAD_COMPANY, "Other Co"));
		OK(lc_lead_product_add(got, "Extra", "x"));
		OK(lc_db_lead_update(f->db, got, -1));
		lc_lead_free(got);
		OK(lc_db_lead_note(f->db, ids[1], "ann", "a note"));
		OK(lc_db_lead_recycle(f->db, ids[2]));
		OK(lc_db_agent_add(f->db, "b", NULL));
		OK(lc_db_unit_add(f->db, "v", NULL));
		OK(lc_db_unit_leave(f->db, unit, agent));
		OK(lc_db_agent_set_active(f->db, agent, 0));
		/* A refused call inside leaves the transaction usable. */
		RC(lc_db_lead_create(f->db, l0, NULL), LC_ESTATE);
		if (end == 0) {
			OK(lc_db_rollback(f->db));
			snap_same(f, &before, ids, unit);
			got = NULL;
			RC(lc_db_lead_find(f->db, "new", &got), LC_ENOTFOUND);
			RC(lc_db_lead_find(f->db, "r1-renamed", &got), LC_ENOTFOUND);
			OK(lc_db_lead_find(f->db, "r1", &got));
			lc_lead_free(got);
			lc_lead_free(nl);
			nl = full_lead("new", 3);
		} else {
			OK(lc_db_commit(f->db));
			assert_int_equal(count_all(f), before.leads + 1);
			OK(lc_db_lead_find(f->db, "new", &got));
			assert_int_equal(lc_lead_number(got, LC_LEAD_NUM_VERSION), 2);
			lc_lead_free(got);
			got = get(f, ids[2]);
			assert_true((uint32_t)lc_lead_number(got, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED);
			lc_lead_free(got);
			if (reopen(f)) {
				OK(lc_db_lead_find(f->db, "r1-renamed", &got));
				assert_int_equal(lc_lead_list_count(got, LC_LEAD_NOTES), 1);
				lc_lead_free(got);
			}
		}
	}
	/* A failing apply in autocommit mode leaves the lead as it was. */
	snap_free(&before);
	snap(f, &before, ids, unit);
	RC(apply(f, ids[0], &story[0], 1, NULL), LC_ECONFLICT);
	snap_same(f, &before, ids, unit);
	snap_free(&before);
	lc_lead_free(l0);
	lc_lead_free(l1);
	lc_lead_free(l2);
	lc_lead_free(nl);
}

/* ---- slots that take plain values, called directly ---- */

/* A state with more stage counters than a backend reads at once (16 kept
 * by key for stages the model does not know, and the model's own) is
 * stored and read back whole. */
static void t_many_stage_counters(void **state)
{
	fx *f = *state;
	lc_lead *l = full_lead("many-counters", 1), *got;
	lc_state *st = NULL;
	char key[16];
	lc_id id;

	OK(lc_lead_bind(l, lc_db_model(f->db)));
	OK(lc_state_new(&st, lc_db_model(f->db)));
	OK(lc_state_copy(st, lc_lead_state(l)));
	OK(lc_state_set_stored_entries(st, "check_in", 7, NULL));
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof key, "gone_%02d", i);
		OK(lc_state_set_stored_entries(st, key, (uint32_t)(100 + i), NULL));
	}
	assert_int_equal(lc_state_sys_entries(st, 0, NULL, NULL, 0), 17);
	OK(lc_lead_set_state(l, st));
	id = create(f, l);
	got = get(f, id);
	assert_int_equal(lc_state_sys_entries(lc_lead_state(got), 0, NULL, NULL, 0), 17);
	assert_int_equal(lc_state_equal(lc_lead_state(got), st), 1);
	/* Bound to the model that closing the store frees. */
	lc_state_free(st);
	lc_lead_free(l);
	lc_lead_free(got);
	got = NULL;
	if (reopen(f)) {
		const char *keys[17];
		size_t counts[17];
		got = get(f, id);
		assert_int_equal(lc_state_sys_entries(lc_lead_state(got), 0, keys, counts, 17), 17);
		STREQ(keys[0], "check_in");
		assert_int_equal(counts[0], 7);
		for (int i = 0; i < 16; i++) {
			snprintf(key, sizeof key, "gone_%02d", i);
			STREQ(keys[1 + i], key);
			assert_int_equal(counts[1 + i], 100 + i);
		}
	}
	lc_lead_free(got);
}

static void t_vtable_direct(void **state)
{
	fx *f = *state;
	const lc_storage *vt = NULL;
	const char *loc, *v = NULL, *json = NULL;
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_table *al = NULL;
	lc_table *ul = NULL;
	void *be = NULL;
	lc_id a = 0, b = 0, u = 0, id;
	int64_t latest = -1;
	lc_time at = 0;

	/* The fixture's store is only used for its URI. */
	if (!target->persistent) {
		lc_db_close(f->db);
		f->db = NULL;
	}
	OK(lc_wrap_resolve(f->uri, &vt, &loc));
	assert_non_null(vt);
	OK(vt->open(&be, loc, &o, vt->user_data));
	OK(vt->begin(be, 1));
	OK(vt->model_latest(be, &latest));
	assert_int_equal(latest, target->persistent ? 1 : 0);
	if (latest == 0) {
		OK(vt->model_put(be, 1, T0, "{\"one\": 1}"));
		RC(vt->model_put(be, 1, T0, "{}"), LC_EEXISTS);
		OK(vt->model_get(be, 1, &json, &at));
		STREQ(json, "{\"one\": 1}");
		assert_int_equal(at, T0);
		RC(vt->model_get(be, 2, &json, &at), LC_ENOTFOUND);
	}
	RC(vt->meta_get(be, "conf.k", &v), LC_ENOTFOUND);
	OK(vt->meta_set(be, "conf.k", "v1"));
	OK(vt->meta_set(be, "conf.k", "v2"));
	OK(vt->meta_get(be, "conf.k", &v));
	STREQ(v, "v2");
	OK(vt->meta_set(be, "conf.gone", "x"));
	OK(vt->meta_set(be, "conf.gone", NULL));
	RC(vt->meta_get(be, "conf.gone", &v), LC_ENOTFOUND);
	OK(vt->agent_put(be, &a, "d-a", 1));
	OK(vt->agent_put(be, &b, "d-b", 1));
	assert_true(a > 0 && b > a);
	id = 0;
	RC(vt->agent_put(be, &id, "d-a", 1), LC_EEXISTS);
	id = a;
	RC(vt->agent_put(be, &id, "d-b", 1), LC_EEXISTS);
	OK(vt->agent_put(be, &id, "d-a2", 0));
	id = b + 100;
	RC(vt->agent_put(be, &id, "zz", 1), LC_ENOTFOUND);
	OK(vt->unit_put(be, &u, "d-u"));
	RC(vt->member_set(be, u + 100, a, 1), LC_ENOTFOUND);
	RC(vt->member_set(be, u, b + 100, 1), LC_ENOTFOUND);
	OK(vt->member_set(be, u, b, 1));
	OK(vt->member_set(be, u, b, 1));
	OK(vt->commit(be));

	/* Rolled back: none of it stays. */
	OK(vt->begin(be, 1));
	OK(vt->meta_set(be, "conf.k", "v3"));
	OK(vt->meta_set(be, "conf.new", "n"));
	id = 0;
	OK(vt->agent_put(be, &id, "d-c", 1));
	id = a;
	OK(vt->agent_put(be, &id, "d-a3", 1));
	OK(vt->member_set(be, u, b, 0));
	OK(vt->member_set(be, u, a, 1));
	if (latest == 0)
		OK(vt->model_put(be, 2, T0, "{}"));
	OK(vt->rollback(be));

	OK(vt->begin(be, 0));
	OK(vt->meta_get(be, "conf.k", &v));
	STREQ(v, "v2");
	RC(vt->meta_get(be, "conf.new", &v), LC_ENOTFOUND);
	OK(vt->model_latest(be, &latest));
	assert_int_equal(latest, 1);
	OK(vt->commit(be));
	/* Names tell which agent writes stayed. */
	OK(vt->begin(be, 1));
	id = 0;
	RC(vt->agent_put(be, &id, "d-a2", 1), LC_EEXISTS);
	id = 0;
	OK(vt->agent_put(be, &id, "d-a3", 1));
	assert_true(id > b);
	id = 0;
	OK(vt->agent_put(be, &id, "d-c", 1));
	OK(vt->rollback(be));
	vt->close(be);
	be = NULL;
	if (target->persistent) {
		/* Check the lists through the public API on the same store. */
		lc_db_close(f->db);
		f->db = NULL;
		OK(db_open_fx(f));
		OK(lc_db_agents(f->db, 0, &al));
		assert_int_equal(lc_table_row_count(al), 2);
		STREQ(lc_table_text(al, 0, 1), "d-a2");
		assert_int_equal(lc_table_int(al, 0, 2), 0);
		lc_table_free(al);
		OK(lc_db_agents(f->db, u, &al));
		assert_int_equal(lc_table_row_count(al), 1);
		assert_int_equal(lc_table_int(al, 0, 0), b);
		lc_table_free(al);
		OK(lc_db_units(f->db, b, &ul));
		assert_int_equal(lc_table_row_count(ul), 1);
		lc_table_free(ul);
	}
	(void)ul;
}

/* ---- optional slots: the core's fallbacks give the same answers ---- */

static void same_report(const lc_table *a, const lc_table *b, const char *what)
{
	size_t rows = lc_table_row_count(a), cols = lc_table_column_count(a);

	if (rows != lc_table_row_count(b) || cols != lc_table_column_count(b)) {
		print_error("%s: %zu x %zu rows and columns, the fallback gives %zu x %zu\n", what,
			    rows, cols, lc_table_row_count(b), lc_table_column_count(b));
		fail();
	}
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			streq_at(lc_table_text(a, r, c), lc_table_text(b, r, c), what, __FILE__,
				 __LINE__);
			assert_int_equal(lc_table_int(a, r, c), lc_table_int(b, r, c));
		}
}

/* Reports and worklists of two stores that hold the same leads. */
static void same_answers(fx *a, fx *b, const qfx *s)
{
	static const lc_axis groupings[][2] = {
		{ LC_AXIS_STAGE, 0 },     { LC_AXIS_PHASE, 0 },
		{ LC_AXIS_MILESTONE, LC_AXIS_STATUS },
		{ LC_AXIS_LIFECYCLE, 0 }, { LC_AXIS_OWNER, LC_AXIS_MILESTONE },
	};
	for (size_t g = 0; g < sizeof groupings / sizeof groupings[0]; g++) {
		lc_table *ra = NULL, *rb = NULL;
		size_t n = groupings[g][1] ? 2 : 1;
		OK(lc_report_pipeline(a->db, groupings[g], n, NULL, &ra));
		OK(lc_report_pipeline(b->db, groupings[g], n, NULL, &rb));
		same_report(ra, rb, lc_axis_name(groupings[g][0]));
		lc_table_free(ra);
		lc_table_free(rb);
	}
	{
		lc_table *ra = NULL, *rb = NULL;
		OK(lc_report_matrix(a->db, NULL, &ra));
		OK(lc_report_matrix(b->db, NULL, &rb));
		same_report(ra, rb, "disposition matrix");
		lc_table_free(ra);
		lc_table_free(rb);
	}
	size_t listed = 0;
	for (int i = 0; i < 6; i++) {
		static const lc_time days[] = { 0, 5, 20 };
		lc_table *wa = NULL, *wb = NULL;
		OK(lc_worklist_get(a->db, s->agents[i % 2], T0 + days[i / 2] * DAY, &wa));
		OK(lc_worklist_get(b->db, s->agents[i % 2], T0 + days[i / 2] * DAY, &wb));
		assert_int_equal(lc_table_row_count(wa), lc_table_row_count(wb));
		listed += lc_table_row_count(wa);
		for (size_t j = 0; j < lc_table_row_count(wa); j++) {
			assert_int_equal(lc_table_int_named(wa, j, "lead"), lc_table_int_named(wb, j, "lead"));
			assert_string_equal(lc_table_text_named(wa, j, "reason"),
					    lc_table_text_named(wb, j, "reason"));
			assert_int_equal(lc_table_int_named(wa, j, "follow_up"), lc_table_int_named(wb, j, "follow_up"));
		}
		lc_table_free(wa);
		lc_table_free(wb);
	}
	/* The comparison means something only if the lists are not all empty. */
	assert_true(listed > 0);
}

static void t_optional_fallback(void **state)
{
	fx *f = *state;
	fx plain;
	qfx s1, s2;
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_wrap_config wc = { NULL, NULL, 1, NULL };
	lc_model *m = test_model();

	memset(&plain, 0, sizeof plain);
	plain.now = T0;
	OK(lc_wrap_register("conformance-plain", &wc));
	{
		char inner[4000];
		OK(target->make_uri(target->ud, inner, sizeof inner));
		snprintf(plain.uri, sizeof plain.uri, "conformance-plain:%s", inner);
	}
	o.clock = fx_clock;
	o.clock_ud = &plain;
	OK(lc_db_open(&plain.db, plain.uri, &o));
	OK(lc_db_install_model(plain.db, m, NULL));
	memset(&s1, 0, sizeof s1);
	memset(&s2, 0, sizeof s2);
	build_query_set(f, &s1);
	build_query_set(&plain, &s2);
	static const char *const ms[] = { "new", "contacted", "qualified", NULL };
	for (int r = 0; r < 3; r++)
		for (int i = 0; i < 4; i++)
			for (int u = 0; u < 3; u++) {
				lc_query *q = NULL;
				size_t n1 = SIZE_MAX, n2 = SIZE_MAX - 1;
				OK(lc_query_new(&q));
				OK(lc_query_set_recycled(q, (lc_recycled_filter)r));
				if (ms[i])
					OK(lc_query_set_value(q, LC_AXIS_MILESTONE, ms[i]));
				if (u < 2)
					OK(lc_query_set_unit(q, s1.units[u]));
				OK(lc_db_count(f->db, q, &n1));
				OK(lc_db_count(plain.db, q, &n2));
				assert_int_equal(n1, n2);
				lc_query_free(q);
			}
	same_answers(f, &plain, &s1);
	lc_db_close(plain.db);
	if (target->remove)
		target->remove(target->ud, plain.uri + strlen("conformance-plain:"));
	lc_storage_unregister("conformance-plain");
	lc_model_free(m);
}

/* ---- the importer's savepoints ---- */

static struct {
	int calls;
	unsigned fail; /* bit n: fail the (n+1)th event_append */
} import_fault;

/* Fails the chosen event_appends, as a store refusing a stale write. */
static int import_hook(void *ud, const char *slot)
{
	(void)ud;
	if (strcmp(slot, "event_append") != 0 || import_fault.calls++ >= 32)
		return 0;
	return import_fault.fail & (1u << (import_fault.calls - 1)) ? LC_ECONFLICT : 0;
}

static lc_table *import_rows(lc_db *db, const lc_mapping *m, const char *csv, int want)
{
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_table *r = NULL;

	o.flags = LC_IMPORT_SKIP_BAD_ROWS;
	RC(lc_import_buffer(db, csv, strlen(csv), m, &o, &r), want);
	assert_non_null(r);
	return r;
}

static int64_t summary(const lc_table *r, const char *name)
{
	return lc_table_int_named(lc_table_summary(r), 0, name);
}

/* The lead with external id @p ext has this name, milestone and version. */
static void stored_as(lc_db *db, const char *ext, const char *name, const char *milestone,
		      int64_t version)
{
	lc_lead *l = NULL;

	OK(lc_db_lead_find(db, ext, &l));
	streq_at(lc_lead_text(l, LC_LEAD_NAME), name, ext, __FILE__, __LINE__);
	streq_at(lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE), milestone, ext, __FILE__,
		 __LINE__);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_VERSION), version);
	lc_lead_free(l);
}

/* A row whose write fails midway (its disposition's event, after the lead
 * and its creation event were written) is left out alone, at its line: the
 * rows around it are in and nothing of it is. Imported again, only that row
 * is new; a third time, nothing changes. */
static void t_import_bad_row(void **state)
{
	static const char csv[] = "Id,Name\nr1,One\nr2,Two\nr3,Three\nr4,Four\nr5,Five\n";
	fx *f = *state;
	fx w;
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_wrap_config wc = { import_hook, NULL, 0, NULL };
	lc_mapping *m = NULL;
	lc_model *model = test_model();
	lc_lead *l = NULL;
	lc_table *r;
	char inner[4000];
	size_t n = 0;

	(void)f;
	memset(&w, 0, sizeof w);
	w.now = T0;
	OK(target->make_uri(target->ud, inner, sizeof inner));
	wc.inner_uri = inner;
	OK(lc_wrap_register("conformance-import", &wc));
	snprintf(w.uri, sizeof w.uri, "conformance-import:%s", inner);
	o.clock = fx_clock;
	o.clock_ud = &w;
	OK(lc_db_open(&w.db, w.uri, &o));
	OK(lc_db_install_model(w.db, model, NULL));
	OK(lc_mapping_load_string(&m,
				  "{\"format\": 1, \"dedupe\": \"external_id\","
				  " \"fields\": {\"external_id\": \"Id\", \"name\": \"Name\"},"
				  " \"dispositions\": [{\"action\": \"call\", \"milestone\": \"contacted\","
				  " \"status\": \"open\"}]}",
				  "conformance mapping"));
	/* Each row appends two events: the third row's second fails. */
	import_fault.calls = 0;
	import_fault.fail = 1u << 5;
	r = import_rows(w.db, m, csv, 0);
	import_fault.fail = 0;
	assert_int_equal(summary(r, "imported"), 4);
	assert_int_equal(summary(r, "rejected"), 1);
	assert_int_equal(lc_table_int_named(r, 0, "line"), 4);
	assert_int_equal(lc_table_int_named(r, 0, "code"), LC_ECONFLICT);
	lc_table_free(r);
	OK(lc_db_count(w.db, NULL, &n));
	assert_int_equal(n, 4);
	RC(lc_db_lead_find(w.db, "r3", &l), LC_ENOTFOUND);
	stored_as(w.db, "r4", "Four", "contacted", 2);

	r = import_rows(w.db, m, csv, 0);
	assert_int_equal(summary(r, "imported"), 1);
	assert_int_equal(summary(r, "unchanged"), 4);
	assert_int_equal(summary(r, "repeats"), 4);
	lc_table_free(r);
	r = import_rows(w.db, m, csv, 0);
	assert_int_equal(summary(r, "imported"), 0);
	assert_int_equal(summary(r, "unchanged"), 5);
	lc_table_free(r);
	OK(lc_db_count(w.db, NULL, &n));
	assert_int_equal(n, 5);
	lc_mapping_free(m);

	/* Rows that change a lead stored before (r2) and one this import
	 * created (r6, its second row) fail at their disposition's event: each
	 * lead stays as it was before its row. */
	OK(lc_mapping_load_string(&m,
				  "{\"format\": 1, \"dedupe\": \"external_id\","
				  " \"fields\": {\"external_id\": \"Id\", \"name\": \"Name\"},"
				  " \"dispositions\": [{\"action\": \"meeting\", \"milestone\": \"qualified\","
				  " \"status\": \"open\", \"time\": {\"column\": \"At\"}}]}",
				  "conformance mapping"));
	import_fault.calls = 0;
	/* r1: update, meeting; r2: update, meeting (fails); r6: create,
	 * meeting; r6 again: update, meeting (fails). */
	import_fault.fail = 1u << 3 | 1u << 7;
	r = import_rows(w.db, m,
			"Id,Name,At\nr1,One b,2026-09-22T10:00:00Z\nr2,Two b,2026-09-22T10:00:00Z\n"
			"r6,Six,2026-09-22T10:00:00Z\nr6,Six b,2026-09-23T10:00:00Z\n",
			0);
	import_fault.fail = 0;
	assert_int_equal(import_fault.calls, 8);
	assert_int_equal(summary(r, "rejected"), 2);
	assert_int_equal(lc_table_int_named(r, 0, "line"), 3);
	assert_int_equal(lc_table_int_named(r, 1, "line"), 5);
	assert_int_equal(summary(r, "updated"), 1);
	assert_int_equal(summary(r, "imported"), 1);
	lc_table_free(r);
	stored_as(w.db, "r2", "Two", "contacted", 2);
	stored_as(w.db, "r6", "Six", "qualified", 2);
	stored_as(w.db, "r1", "One b", "qualified", 4);

	lc_mapping_free(m);
	lc_model_free(model);
	lc_db_close(w.db);
	if (target->remove)
		target->remove(target->ud, inner);
	lc_storage_unregister("conformance-import");
}

/* ---- registration ---- */

int lc_conformance_run(const lc_conformance_target *t)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_models, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(t_lead_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(t_external_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(t_lead_update, setup, teardown),
		cmocka_unit_test_setup_teardown(t_apply_history, setup, teardown),
		cmocka_unit_test_setup_teardown(t_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(t_query_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(t_agents_units, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(t_iter_across_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(t_many_stage_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(t_vtable_direct, setup, teardown),
		cmocka_unit_test_setup_teardown(t_optional_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(t_import_bad_row, setup, teardown),
	};

	target = t;
	return _cmocka_run_group_tests(t->name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
}

typedef struct fixed_uri {
	const char *uri;
} fixed_uri;

static int fixed_make(void *ud, char *buf, size_t size)
{
	const char *uri = ((fixed_uri *)ud)->uri;

	if (strlen(uri) >= size)
		return LC_ERANGE;
	memcpy(buf, uri, strlen(uri) + 1);
	return 0;
}

int lc_conformance_run_uri(const char *name, const char *uri)
{
	fixed_uri u = { uri };
	lc_conformance_target t = { name, fixed_make, NULL, &u, 0 };

	return lc_conformance_run(&t);
}
