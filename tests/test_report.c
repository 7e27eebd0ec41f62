/* Reports: pipeline, matrix and drill-down, follow-ups, overdue and funnel,
 * on the SQLite store (native GROUP BY) and on the memory store (the core's
 * fallback by iterating), which must agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leadcore/leadcore.h"
#include "support/alloc_sweep.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static lc_time now_value = T0;

static lc_time test_clock(void *ud)
{
	(void)ud;
	return now_value;
}

static lc_db *open_store(const char *uri, const char *preset)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;

	o.clock = test_clock;
	assert_int_equal(lc_db_open(&db, uri, &o), 0);
	if (preset) {
		assert_int_equal(lc_model_preset(&m, preset), 0);
		assert_int_equal(lc_db_install_model(db, m, NULL), 0);
		lc_model_free(m);
	}
	return db;
}

static lc_id new_lead(lc_db *db, const char *ext, lc_id agent)
{
	lc_lead *l = NULL;
	lc_id id = 0;
	assert_int_equal(lc_lead_new(&l), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, ext), 0);
	assert_int_equal(lc_lead_set_text(l, LC_LEAD_NAME, ext), 0);
	assert_int_equal(lc_db_lead_create(db, l, &id), 0);
	lc_lead_free(l);
	if (agent)
		assert_int_equal(lc_db_lead_assign(db, id, 0, agent), 0);
	return id;
}

/* Apply a disposition; NULL leaves an axis alone. Returns lc_db_apply's code. */
static int apply(lc_db *db, lc_id id, const char *action, const char *milestone, const char *status,
		 const char *stage, const char *outcome, const char *reason, lc_time follow_up)
{
	lc_disposition *d = NULL;
	lc_outcome o;
	int rc;
	assert_int_equal(lc_disposition_new(&d, lc_db_model(db)), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, action), 0);
	if (milestone)
		assert_int_equal(lc_disposition_set(d, LC_AXIS_MILESTONE, milestone), 0);
	if (status)
		assert_int_equal(lc_disposition_set(d, LC_AXIS_STATUS, status), 0);
	if (stage)
		assert_int_equal(lc_disposition_set(d, LC_AXIS_STAGE, stage), 0);
	if (reason)
		assert_int_equal(lc_disposition_set(d, LC_AXIS_REASON, reason), 0);
	if (outcome) {
		assert_int_equal(lc_outcome_parse(outcome, &o), 0);
		assert_int_equal(lc_disposition_set_outcome(d, o), 0);
	}
	if (follow_up != LC_TIME_NONE)
		assert_int_equal(lc_disposition_set_follow_up(d, follow_up), 0);
	rc = lc_db_apply(db, id, d, -1, NULL, NULL);
	lc_disposition_free(d);
	return rc;
}

/* The index of a column, or -1. */
static long measure_index(const lc_table *r, const char *name)
{
	size_t c;
	return lc_table_column_find(r, name, &c) == 0 ? (long)c : -1;
}

/* The row whose keys are (a, b) (b ignored when the report has one column), or -1. */
static long find_row(const lc_table *r, const char *a, const char *b)
{
	size_t nkeys = (size_t)measure_index(r, "count");
	for (size_t i = 0; i < lc_table_row_count(r); i++) {
		const char *ka = lc_table_text(r, i, 0);
		const char *kb = nkeys > 1 ? lc_table_text(r, i, 1) : NULL;
		bool ma = (!a && !ka) || (a && ka && strcmp(a, ka) == 0);
		bool mb = nkeys < 2 || (!b && !kb) || (b && kb && strcmp(b, kb) == 0);
		if (ma && mb)
			return (long)i;
	}
	return -1;
}

static int64_t count_of(const lc_table *r, const char *a, const char *b)
{
	long i = find_row(r, a, b);
	return i < 0 ? 0 : lc_table_int_named(r, (size_t)i, "count");
}


/* A leadmanager store: 3 new, 2 attempted, 2 contacted/hot (agent ann), one
 * recycled contacted/hot, 1 unassigned quoted/follow up. */
static lc_db *leadmanager_store(const char *uri, lc_id *ann, lc_id *bob)
{
	lc_db *db = open_store(uri, "leadmanager");
	lc_id id;
	char ext[32];

	now_value = T0;
	assert_int_equal(lc_db_agent_add(db, "ann", ann), 0);
	assert_int_equal(lc_db_agent_add(db, "bob", bob), 0);
	for (int i = 0; i < 3; i++) {
		snprintf(ext, sizeof ext, "new-%d", i);
		id = new_lead(db, ext, *bob);
		assert_int_equal(apply(db, id, "lead_update", "no_milestone", "new", NULL, NULL, NULL,
				       LC_TIME_NONE),
				 0);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(ext, sizeof ext, "att-%d", i);
		id = new_lead(db, ext, *bob);
		assert_int_equal(apply(db, id, "call", "no_milestone", "attempted_contact", NULL, NULL,
				       NULL, LC_TIME_NONE),
				 0);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(ext, sizeof ext, "hot-%d", i);
		id = new_lead(db, ext, *ann);
		assert_int_equal(apply(db, id, "call", "contacted", "hot", NULL, NULL, NULL,
				       T0 + (i + 1) * DAY + 3600),
				 0);
		if (i == 2)
			assert_int_equal(lc_db_lead_recycle(db, id), 0);
	}
	id = new_lead(db, "quoted-0", 0);
	assert_int_equal(apply(db, id, "email", "quoted", "follow_up", NULL, NULL, NULL, T0 + 2 * DAY),
			 0);
	return db;
}

static void check_pipeline_by_status(lc_db *db)
{
	lc_axis axis = LC_AXIS_STATUS;
	lc_table *r = NULL;

	assert_int_equal(lc_report_pipeline(db, &axis, 1, NULL, &r), 0);
	assert_string_equal(lc_table_kind(r), "pipeline");
	assert_int_equal(lc_table_column_count(r), 2); /* status, count: no measures */
	assert_string_equal(lc_table_column_name(r, 0), "status");
	assert_int_equal(lc_table_column_type(r, 0), LC_COLUMN_TEXT);
	assert_string_equal(lc_table_column_name(r, 1), "count");
	assert_int_equal(lc_table_column_type(r, 1), LC_COLUMN_INT);
	assert_null(lc_table_summary(r));
	assert_int_equal(count_of(r, "new", NULL), 3);
	assert_int_equal(count_of(r, "attempted_contact", NULL), 2);
	assert_int_equal(count_of(r, "hot", NULL), 2); /* the recycled one is left out */
	assert_int_equal(count_of(r, "follow_up", NULL), 1);
	assert_int_equal(lc_table_row_count(r), 4);
	/* Rows in the model's status order: new, attempted_contact, hot, follow_up. */
	assert_string_equal(lc_table_text(r, 0, 0), "new");
	assert_string_equal(lc_table_text(r, 1, 0), "attempted_contact");
	assert_string_equal(lc_table_text(r, 2, 0), "hot");
	assert_string_equal(lc_table_label(r, 1, 0), "Attempted Contact");
	lc_table_free(r);
}

static void pipeline_sqlite(void **state)
{
	lc_id ann, bob;
	lc_db *db = leadmanager_store(":memory:", &ann, &bob);
	(void)state;
	check_pipeline_by_status(db);
	lc_db_close(db);
}

static void pipeline_memory_backend(void **state)
{
	lc_id ann, bob;
	lc_db *db = leadmanager_store("memory:", &ann, &bob);
	(void)state;
	check_pipeline_by_status(db);
	lc_db_close(db);
}

/* Both backends give the same table for every pair of axes. */
static void pipeline_backends_agree(void **state)
{
	lc_id ann, bob;
	lc_db *a = leadmanager_store(":memory:", &ann, &bob);
	lc_db *b = leadmanager_store("memory:", &ann, &bob);
	(void)state;
	static const lc_axis by[] = { LC_AXIS_PHASE,   LC_AXIS_STAGE,     LC_AXIS_MILESTONE,
				      LC_AXIS_STATUS,  LC_AXIS_LIFECYCLE, LC_AXIS_OWNER,
				      LC_AXIS_UNIT,    LC_AXIS_SEGMENT,   LC_AXIS_SOURCE,
				      LC_AXIS_OWNER_GROUP, LC_AXIS_TYPE,  LC_AXIS_CATEGORY,
				      LC_AXIS_PRIORITY };
	for (size_t x = 0; x < sizeof by / sizeof by[0]; x++)
		for (size_t y = 0; y < sizeof by / sizeof by[0]; y++) {
			lc_axis axes[2] = { by[x], by[y] };
			size_t n = x == y ? 1 : 2;
			lc_table *ra = NULL, *rb = NULL;
			assert_int_equal(lc_report_pipeline(a, axes, n, NULL, &ra), 0);
			assert_int_equal(lc_report_pipeline(b, axes, n, NULL, &rb), 0);
			assert_int_equal(lc_table_row_count(ra), lc_table_row_count(rb));
			for (size_t i = 0; i < lc_table_row_count(ra); i++) {
				assert_int_equal(lc_table_int_named(ra, i, "count"), lc_table_int_named(rb, i, "count"));
				for (size_t c = 0; c < n; c++) {
					const char *ka = lc_table_text(ra, i, c), *kb = lc_table_text(rb, i, c);
					assert_true((!ka && !kb) || (ka && kb && strcmp(ka, kb) == 0));
				}
			}
			lc_table_free(ra);
			lc_table_free(rb);
		}
	lc_db_close(a);
	lc_db_close(b);
}

static void pipeline_two_axes_and_owner(void **state)
{
	lc_axis axes[2] = { LC_AXIS_OWNER, LC_AXIS_MILESTONE };
	lc_id ann, bob;
	lc_db *db = leadmanager_store(":memory:", &ann, &bob);
	lc_table *r = NULL;
	int64_t total = 0;
	(void)state;
	assert_int_equal(lc_report_pipeline(db, axes, 2, NULL, &r), 0);
	assert_string_equal(lc_table_column_name(r, 0), "owner");
	assert_string_equal(lc_table_column_name(r, 1), "milestone");
	assert_int_equal(count_of(r, "ann", "contacted"), 2);
	assert_int_equal(count_of(r, "bob", "no_milestone"), 5);
	assert_int_equal(count_of(r, NULL, "quoted"), 1);
	/* Owners by name, the unassigned last. */
	assert_string_equal(lc_table_text(r, 0, 0), "ann");
	assert_null(lc_table_text(r, lc_table_row_count(r) - 1, 0));
	for (size_t i = 0; i < lc_table_row_count(r); i++)
		total += lc_table_int_named(r, i, "count");
	assert_int_equal(total, 8);
	lc_table_free(r);
	lc_db_close(db);
}

/* Particle's Archive is not reportable: archived leads leave pipeline counts. */
static void pipeline_leaves_out_not_reportable(void **state)
{
	lc_axis axis = LC_AXIS_PHASE;
	lc_db *db = open_store(":memory:", "particle");
	lc_table *r = NULL;
	lc_id a, b, c;
	(void)state;
	a = new_lead(db, "a", 0);
	b = new_lead(db, "b", 0);
	c = new_lead(db, "c", 0);
	assert_int_equal(apply(db, a, "call", NULL, NULL, "enquiry", NULL, NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, b, "call", NULL, NULL, "enquiry", NULL, NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, c, "lead_update", NULL, NULL, "enquiry", NULL, NULL, LC_TIME_NONE),
			 0);
	assert_int_equal(apply(db, c, "lead_update", NULL, NULL, NULL, "exiting", "test_lead",
			       LC_TIME_NONE),
			 0);
	assert_int_equal(apply(db, b, "lead_update", NULL, NULL, NULL, "exiting", "not_ready_yet",
			       LC_TIME_NONE),
			 0);
	assert_int_equal(lc_report_pipeline(db, &axis, 1, NULL, &r), 0);
	assert_int_equal(count_of(r, "lead", NULL), 1);
	assert_int_equal(count_of(r, "closed", NULL), 1); /* nurture counts, archive does not */
	assert_int_equal(lc_table_row_count(r), 2);
	lc_table_free(r);
	lc_db_close(db);
}

static void pipeline_bad_arguments(void **state)
{
	lc_axis axes[3] = { LC_AXIS_STATUS, LC_AXIS_STATUS, LC_AXIS_STAGE };
	lc_axis bad = (lc_axis)42;
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	lc_db *db = open_store(":memory:", "leadmanager");
	lc_db *empty = open_store(":memory:", NULL);
	lc_table *r = (lc_table *)1;
	(void)state;
	assert_int_equal(lc_report_pipeline(NULL, axes, 1, NULL, &r), LC_EINVAL);
	assert_null(r);
	assert_int_equal(lc_report_pipeline(db, axes, 1, NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_report_pipeline(db, NULL, 1, NULL, &r), LC_EINVAL);
	assert_int_equal(lc_report_pipeline(db, axes, 0, NULL, &r), LC_EINVAL);
	assert_int_equal(lc_report_pipeline(db, axes, 3, NULL, &r), LC_EINVAL);
	assert_int_equal(lc_report_pipeline(db, axes, 2, NULL, &r), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "twice"));
	assert_int_equal(lc_report_pipeline(db, &bad, 1, NULL, &r), LC_EINVAL);
	bad = LC_AXIS_ACTION;
	assert_int_equal(lc_report_pipeline(db, &bad, 1, NULL, &r), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "not action"));
	bad = LC_AXIS_COUNT;
	assert_int_equal(lc_report_pipeline(db, &bad, 1, NULL, &r), LC_EINVAL);
	/* The model's axis enum is the report's: a milestone groups by milestone. */
	bad = LC_AXIS_MILESTONE;
	assert_int_equal(lc_report_pipeline(db, &bad, 1, NULL, &r), 0);
	assert_string_equal(lc_table_column_name(r, 0), "milestone");
	lc_table_free(r);
	o.version = 99;
	assert_int_equal(lc_report_pipeline(db, axes, 1, &o, &r), LC_EVERSION);
	assert_int_equal(lc_report_pipeline(empty, axes, 1, NULL, &r), LC_ESTATE);
	assert_non_null(strstr(lc_error_last(), "no model"));
	assert_null(r);
	lc_db_close(db);
	lc_db_close(empty);
}

static void axis_names_and_options(void **state)
{
	lc_axis a;
	lc_report_options o;
	(void)state;
	for (int x = 0; x <= LC_AXIS_PRIORITY; x++) {
		if (x == LC_AXIS_COUNT) {
			assert_null(lc_axis_name((lc_axis)x));
			continue;
		}
		assert_int_equal(lc_axis_parse(lc_axis_name((lc_axis)x), &a), 0);
		assert_int_equal(a, x);
	}
	assert_null(lc_axis_name((lc_axis)(LC_AXIS_PRIORITY + 1)));
	assert_int_equal(lc_axis_parse("categories", &a), 0);
	assert_int_equal(a, LC_AXIS_CATEGORY);
	assert_int_equal(lc_axis_parse("Life-Cycle", &a), 0);
	assert_int_equal(a, LC_AXIS_LIFECYCLE);
	assert_int_equal(lc_axis_parse("agent", &a), 0);
	assert_int_equal(a, LC_AXIS_OWNER);
	assert_int_equal(lc_axis_parse("colour", &a), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "phase, stage"));
	assert_int_equal(lc_axis_parse(NULL, &a), LC_EINVAL);
	assert_int_equal(lc_report_options_init(&o, LC_REPORT_OPTIONS_VERSION), 0);
	assert_int_equal(o.from, LC_TIME_NONE);
	assert_int_equal(o.agent, 0);
	assert_int_equal(lc_report_options_init(&o, 0), LC_EVERSION);
	assert_int_equal(lc_report_options_init(NULL, 1), LC_EINVAL);
	/* Getters on NULL and out of range. */
	assert_int_equal(lc_table_row_count(NULL), 0);
	assert_null(lc_table_text(NULL, 0, 0));
	assert_int_equal(lc_table_int(NULL, 0, 0), LC_TABLE_NONE);
	assert_null(lc_table_kind(NULL));
	assert_null(lc_table_summary(NULL));
	lc_table_free(NULL);
}

static void check_matrix(lc_db *db)
{
	const lc_model *m = lc_db_model(db);
	size_t nm = lc_model_value_count(m, LC_AXIS_MILESTONE), ns = lc_model_value_count(m, LC_AXIS_STATUS);
	lc_table *r = NULL;
	long allowed, i;
	bool seen_allowed = false;
	(void)seen_allowed;

	assert_int_equal(lc_report_matrix(db, NULL, &r), 0);
	assert_string_equal(lc_table_kind(r), "matrix");
	allowed = measure_index(r, "allowed");
	assert_true(allowed >= 0);
	assert_int_equal(lc_table_row_count(r), nm * ns);
	/* Invalid cells first. */
	for (size_t k = 0; k < lc_table_row_count(r); k++) {
		int64_t a = lc_table_int(r, k, (size_t)allowed);
		if (a)
			seen_allowed = true;
		else
			assert_false(seen_allowed);
	}
	i = find_row(r, "contacted", "hot");
	assert_true(i >= 0);
	assert_int_equal(lc_table_int_named(r, (size_t)i, "count"), 2);
	assert_int_equal(lc_table_int(r, (size_t)i, (size_t)allowed), 1);
	i = find_row(r, "no_milestone", "hot");
	assert_int_equal(lc_table_int(r, (size_t)i, (size_t)allowed), 0);
	assert_int_equal(lc_table_int_named(r, (size_t)i, "count"), 0);
	assert_int_equal(count_of(r, "no_milestone", "new"), 3);
	lc_table_free(r);
}

static void matrix_every_cell(void **state)
{
	lc_id ann, bob;
	lc_db *a = leadmanager_store(":memory:", &ann, &bob);
	lc_db *b = leadmanager_store("memory:", &ann, &bob);
	(void)state;
	check_matrix(a);
	check_matrix(b);
	lc_db_close(a);
	lc_db_close(b);
}

/* Seed 000: after the links change, leads holding a combination that is no
 * longer allowed show up as an invalid cell with a count, first, and the
 * drill-down lists them. */
static void matrix_after_link_change(void **state)
{
	lc_id ann, bob;
	lc_db *db = leadmanager_store(":memory:", &ann, &bob);
	lc_model *m = NULL;
	lc_table *r = NULL, *cell = NULL;
	char *json = NULL, *p;
	long allowed;
	(void)state;
	assert_int_equal(lc_model_to_json(lc_db_model(db), &json, NULL), 0);
	/* Take Hot off Contacted: the two contacted/hot leads become invalid. */
	p = strstr(json, "\"contacted\": [");
	if (!p)
		p = strstr(json, "\"contacted\":[");
	assert_non_null(p);
	p = strstr(p, "\"hot\"");
	assert_non_null(p);
	memcpy(p, "\"new\"", 5);
	assert_int_equal(lc_model_load_string(&m, json, "changed"), 0);
	lc_free(json);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);

	assert_int_equal(lc_report_matrix(db, NULL, &r), 0);
	allowed = measure_index(r, "allowed");
	{
		long i = find_row(r, "contacted", "hot");
		assert_true(i >= 0);
		assert_int_equal(lc_table_int_named(r, (size_t)i, "count"), 2);
		assert_int_equal(lc_table_int(r, (size_t)i, (size_t)allowed), 0);
	}
	lc_table_free(r);

	assert_int_equal(lc_report_matrix_cell(db, "Contacted", "HOT", NULL, &cell), 0);
	assert_string_equal(lc_table_kind(cell), "cell");
	assert_int_equal(lc_table_row_count(cell), 2);
	assert_string_equal(lc_table_text_named(cell, 0, "external_id"), "hot-0");
	assert_string_equal(lc_table_text_named(cell, 1, "external_id"), "hot-1");
	assert_true(lc_table_int_named(cell, 0, "lead") > 0);
	assert_true(lc_table_int_named(cell, 1, "lead") > lc_table_int_named(cell, 0, "lead"));
	lc_table_free(cell);
	/* An unknown value is taken as a stored key: an empty cell, not an error. */
	assert_int_equal(lc_report_matrix_cell(db, "gone", "hot", NULL, &cell), 0);
	assert_int_equal(lc_table_row_count(cell), 0);
	lc_table_free(cell);
	assert_int_equal(lc_report_matrix_cell(db, NULL, "hot", NULL, &cell), LC_EINVAL);
	assert_int_equal(lc_report_matrix_cell(db, "contacted", "\xff", NULL, &cell), LC_EINVAL);

	/* The store's model drawn with its counts: the refused cell in red. */
	assert_int_equal(lc_report_model_dot(db, &json, NULL), 0);
	assert_non_null(strstr(json, "\"milestone:contacted\" [label=<"));
	assert_non_null(strstr(json, "<I>refused, yet held:</I>"));
	assert_non_null(strstr(json, "<FONT COLOR=\"#b42318\">✖ Hot · 2 invalid</FONT>"));
	assert_non_null(strstr(json, "<FONT COLOR=\"#b42318\">✖ 2 invalid</FONT>"));
	lc_free(json);
	assert_int_equal(lc_report_model_dot(NULL, &json, NULL), LC_EINVAL);
	assert_int_equal(lc_report_model_dot(db, NULL, NULL), LC_EINVAL);
	lc_db_close(db);
}

static void matrix_needs_milestones(void **state)
{
	lc_db *db = open_store(":memory:", "particle");
	lc_table *r = NULL;
	(void)state;
	assert_int_equal(lc_report_matrix(db, NULL, &r), LC_EUNSUPPORTED);
	assert_null(r);
	lc_db_close(db);
}

static void followups_per_agent_per_day(void **state)
{
	lc_id ann, bob;
	lc_db *db = leadmanager_store(":memory:", &ann, &bob);
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	lc_table *r = NULL;
	(void)state;
	/* Default window: today (T0) and six more days. */
	assert_int_equal(lc_report_followups(db, NULL, &r), 0);
	assert_string_equal(lc_table_column_name(r, 0), "owner");
	assert_string_equal(lc_table_column_name(r, 1), "day");
	assert_int_equal(count_of(r, "ann", "2026-01-02"), 1);
	assert_int_equal(count_of(r, "ann", "2026-01-03"), 1);
	assert_int_equal(count_of(r, NULL, "2026-01-03"), 1);
	assert_int_equal(lc_table_row_count(r), 3); /* the recycled lead's follow-up is left out */
	assert_null(lc_table_text(r, 2, 0));          /* unassigned last */
	lc_table_free(r);

	o.from = T0 + 2 * DAY;
	o.to = T0 + 3 * DAY;
	o.agent = ann;
	assert_int_equal(lc_report_followups(db, &o, &r), 0);
	assert_int_equal(lc_table_row_count(r), 1);
	assert_int_equal(count_of(r, "ann", "2026-01-03"), 1);
	lc_table_free(r);

	o.to = o.from;
	assert_int_equal(lc_report_followups(db, &o, &r), LC_EINVAL);
	o.to = LC_TIME_NONE;
	o.agent = 999;
	assert_int_equal(lc_report_followups(db, &o, &r), LC_ENOTFOUND);
	o.agent = -2;
	assert_int_equal(lc_report_followups(db, &o, &r), LC_EINVAL);
	lc_db_close(db);
}

static void overdue_leads(void **state)
{
	lc_db *db = open_store(":memory:", "crm");
	lc_table *r = NULL;
	lc_lead *l = NULL;
	lc_id late, later, done, fine, lost;
	long ms;
	(void)state;
	now_value = T0;
	const struct {
		const char *ext;
		lc_time exp;
		lc_id *id;
	} leads[] = {
		{ "late", T0 + 2 * DAY, &late },
		{ "later", T0 + 1 * DAY, &later },
		{ "done", T0 + 1 * DAY, &done },
		{ "fine", T0 + 30 * DAY, &fine },
		{ "lost", T0 + 1 * DAY, &lost },
	};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(lc_lead_new(&l), 0);
		assert_int_equal(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, leads[i].ext), 0);
		assert_int_equal(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, leads[i].exp), 0);
		assert_int_equal(lc_db_lead_create(db, l, leads[i].id), 0);
		lc_lead_free(l);
		assert_int_equal(apply(db, *leads[i].id, "lead_update", NULL, "in_progress", NULL, NULL,
				       NULL, LC_TIME_NONE),
				 0);
	}
	assert_int_equal(apply(db, done, "win_lead", NULL, "won", NULL, NULL, NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, done, "complete", NULL, "completed", NULL, NULL, NULL, LC_TIME_NONE),
			 0);
	/* a lost lead is not overdue work (seed 003) */
	assert_int_equal(apply(db, lost, "lose_lead", NULL, "lost", NULL, NULL, "price", LC_TIME_NONE),
			 0);
	now_value = T0 + 5 * DAY;
	assert_int_equal(lc_report_overdue(db, NULL, &r), 0);
	assert_string_equal(lc_table_kind(r), "overdue");
	assert_int_equal(lc_table_row_count(r), 2);
	/* Most overdue first. */
	assert_int_equal(lc_table_int_named(r, 0, "lead"), later);
	assert_int_equal(lc_table_int_named(r, 1, "lead"), late);
	assert_string_equal(lc_table_text_named(r, 1, "external_id"), "late");
	assert_string_equal(lc_table_text_named(r, 1, "status"), "in_progress");
	assert_int_equal(lc_table_column_type(r, (size_t)measure_index(r, "expected_completion")),
			 LC_COLUMN_TIME);
	ms = measure_index(r, "overdue_seconds");
	assert_int_equal(lc_table_int(r, 0, (size_t)ms), 4 * DAY);
	assert_int_equal(lc_table_int(r, 1, (size_t)ms), 3 * DAY);
	assert_int_equal(lc_table_int(r, 0, (size_t)measure_index(r, "expected_completion")),
			 T0 + DAY);
	lc_table_free(r);
	(void)fine;
	lc_db_close(db);
}

/* Particle: five leads through the stages, one day or more in each. */
static void funnel_from_history(void **state)
{
	lc_db *db = open_store(":memory:", "particle");
	lc_table *r = NULL;
	lc_id id[5];
	long adv, med, p90;
	(void)state;
	now_value = T0;
	for (int i = 0; i < 5; i++) {
		char ext[8];
		snprintf(ext, sizeof ext, "f%d", i);
		id[i] = new_lead(db, ext, 0);
		assert_int_equal(apply(db, id[i], "call", NULL, NULL, "enquiry", NULL, NULL, LC_TIME_NONE),
				 0);
	}
	/* Enquiry lasts 1, 2, 3, 4 days for leads 0..3; lead 4 stays. */
	for (int i = 0; i < 4; i++) {
		now_value = T0 + (i + 1) * DAY;
		assert_int_equal(apply(db, id[i], "call", NULL, NULL, "contact", "progressing", NULL,
				       LC_TIME_NONE),
				 0);
	}
	/* Two reach Engaged; one of the other two exits to Nurture. */
	now_value = T0 + 10 * DAY;
	assert_int_equal(apply(db, id[0], "meeting", NULL, NULL, "engaged", "progressing", NULL,
			       LC_TIME_NONE),
			 0);
	assert_int_equal(apply(db, id[1], "meeting", NULL, NULL, "engaged", "progressing", NULL,
			       LC_TIME_NONE),
			 0);
	assert_int_equal(apply(db, id[2], "call", NULL, NULL, NULL, "exiting", "not_ready_yet",
			       LC_TIME_NONE),
			 0);

	assert_int_equal(lc_report_funnel(db, NULL, &r), 0);
	assert_string_equal(lc_table_kind(r), "funnel");
	assert_string_equal(lc_table_column_name(r, 0), "stage");
	/* every stage but Archive, which is out of reporting */
	assert_int_equal(lc_table_row_count(r),
			 lc_model_value_count(lc_db_model(db), LC_AXIS_STAGE) - 1);
	assert_int_equal(find_row(r, "archive", NULL), -1);
	adv = measure_index(r, "advanced");
	med = measure_index(r, "median_seconds");
	p90 = measure_index(r, "p90_seconds");
	assert_string_equal(lc_table_text(r, 0, 0), "enquiry");
	assert_int_equal(lc_table_int_named(r, 0, "count"), 5);
	assert_int_equal(lc_table_int(r, 0, (size_t)adv), 4);
	assert_int_equal(lc_table_int(r, 0, (size_t)med), 2 * DAY); /* of 1, 2, 3, 4 days */
	assert_int_equal(lc_table_int(r, 0, (size_t)p90), 4 * DAY);
	assert_string_equal(lc_table_text(r, 1, 0), "contact");
	assert_int_equal(lc_table_int_named(r, 1, "count"), 4);
	assert_int_equal(lc_table_int(r, 1, (size_t)adv), 2);
	assert_int_equal(count_of(r, "engaged", NULL), 2);
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "engaged", NULL), (size_t)med),
			 LC_TABLE_NONE); /* nobody left it yet */
	assert_int_equal(count_of(r, "nurture", NULL), 1);
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "nurture", NULL), (size_t)adv),
			 LC_TABLE_NONE); /* closed: no conversion */
	lc_table_free(r);

	/* Recycled leads leave the funnel. */
	assert_int_equal(lc_db_lead_recycle(db, id[4]), 0);
	assert_int_equal(lc_report_funnel(db, NULL, &r), 0);
	assert_int_equal(lc_table_int_named(r, 0, "count"), 4);
	lc_table_free(r);
	/* So does an archived test lead, from every stage it passed (seed 001:
	 * "test leads are archived and will not appear in reporting"). */
	assert_int_equal(apply(db, id[3], "lead_update", NULL, NULL, NULL, "exiting", "test_lead",
			       LC_TIME_NONE),
			 0);
	assert_int_equal(lc_report_funnel(db, NULL, &r), 0);
	assert_int_equal(lc_table_int_named(r, 0, "count"), 3);
	assert_int_equal(count_of(r, "contact", NULL), 3);
	assert_int_equal(find_row(r, "archive", NULL), -1);
	lc_table_free(r);
	lc_db_close(db);
}

/* The funnel's "advanced" of a value's row. */
static int64_t advanced_of(const lc_table *r, const char *key)
{
	long i = find_row(r, key, NULL);
	assert_true(i >= 0);
	return lc_table_int_named(r, (size_t)i, "advanced");
}

/* Issue 10 item 15, the example of docs/reports.md: on leadmanager, Sold is
 * closed won and Not Interested closed lost. Six leads start at No
 * Milestone on day 0. Day 1: A, B, C and D are Contacted, F goes straight to
 * Not Interested. Day 2: A is Quoted, B Not Interested, D Sold. Day 3: A
 * Sold. A move into Not Interested is no progress; a move into Sold is. */
static void funnel_closed_lost(void **state)
{
	lc_db *db = open_store(":memory:", "leadmanager");
	lc_table *r = NULL;
	lc_id id[6];
	(void)state;
	now_value = T0;
	for (int i = 0; i < 6; i++) {
		char ext[8];
		snprintf(ext, sizeof ext, "%c", 'A' + i);
		id[i] = new_lead(db, ext, 0);
	}
	now_value = T0 + DAY;
	for (int i = 0; i < 4; i++)
		assert_int_equal(apply(db, id[i], "call", "contacted", "follow_up", NULL, NULL, NULL,
				       T0 + 30 * DAY),
				 0);
	assert_int_equal(apply(db, id[5], "call", "not_interested", "not_interested", NULL, NULL,
			       NULL, LC_TIME_NONE),
			 0);
	now_value = T0 + 2 * DAY;
	assert_int_equal(apply(db, id[0], "meeting", "quoted", "hot", NULL, NULL, NULL, T0 + 30 * DAY), 0);
	assert_int_equal(apply(db, id[1], "call", "not_interested", "not_interested", NULL, NULL,
			       NULL, LC_TIME_NONE),
			 0);
	assert_int_equal(apply(db, id[3], "meeting", "sold", "customer", NULL, NULL, NULL, LC_TIME_NONE), 0);
	now_value = T0 + 3 * DAY;
	assert_int_equal(apply(db, id[0], "meeting", "sold", "customer", NULL, NULL, NULL, LC_TIME_NONE), 0);

	assert_int_equal(lc_report_funnel(db, NULL, &r), 0);
	/* No Milestone: 6 entered; A-D went on to Contacted, F only to Not Interested */
	assert_int_equal(count_of(r, "no_milestone", NULL), 6);
	assert_int_equal(advanced_of(r, "no_milestone"), 4);
	/* Contacted: A (Quoted) and D (Sold) advanced, B (Not Interested) did not */
	assert_int_equal(count_of(r, "contacted", NULL), 4);
	assert_int_equal(advanced_of(r, "contacted"), 2);
	assert_int_equal(count_of(r, "quoted", NULL), 1);
	assert_int_equal(advanced_of(r, "quoted"), 1);
	/* closed values, won or lost, have no conversion of their own */
	assert_int_equal(count_of(r, "sold", NULL), 2);
	assert_int_equal(advanced_of(r, "sold"), LC_TABLE_NONE);
	assert_int_equal(count_of(r, "not_interested", NULL), 2);
	assert_int_equal(advanced_of(r, "not_interested"), LC_TABLE_NONE);
	lc_table_free(r);
	lc_db_close(db);
}

/* A later milestone reached with a closed lost status is no progress either;
 * the same lead moving on with an open status is. */
static void funnel_lost_state(void **state)
{
	const char *json = "{\"format\": 1, \"name\": \"xe\", \"version\": 1,"
			   " \"actions\": [{\"label\": \"Call\"}],"
			   " \"milestones\": [{\"label\": \"M0\", \"flags\": [\"initial\"]}, {\"label\": \"M1\"},"
			   "   {\"label\": \"M2\"}],"
			   " \"statuses\": [{\"label\": \"Open\", \"flags\": [\"initial\"]},"
			   "   {\"label\": \"Gone\", \"closed\": \"lost\"}]}";
	lc_db *db = open_store(":memory:", NULL);
	lc_model *m = NULL;
	lc_table *r = NULL;
	lc_id g, h, i;
	(void)state;
	assert_int_equal(lc_model_load_string(&m, json, "xe.json"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	now_value = T0;
	g = new_lead(db, "G", 0);
	h = new_lead(db, "H", 0);
	i = new_lead(db, "I", 0);
	now_value = T0 + DAY;
	assert_int_equal(apply(db, g, "call", "m1", "gone", NULL, NULL, NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, h, "call", "m1", "open", NULL, NULL, NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, i, "call", "m2", "gone", NULL, NULL, NULL, LC_TIME_NONE), 0);
	now_value = T0 + 2 * DAY;
	assert_int_equal(apply(db, g, "call", "m2", "open", NULL, NULL, NULL, LC_TIME_NONE), 0);

	assert_int_equal(lc_report_funnel(db, NULL, &r), 0);
	/* M0: H on day 1, G on day 2 (open again); I reached M2 only as Gone */
	assert_int_equal(count_of(r, "m0", NULL), 3);
	assert_int_equal(advanced_of(r, "m0"), 2);
	/* M1: G and H entered; G went on to M2 as Open */
	assert_int_equal(count_of(r, "m1", NULL), 2);
	assert_int_equal(advanced_of(r, "m1"), 1);
	assert_int_equal(count_of(r, "m2", NULL), 2);
	assert_int_equal(advanced_of(r, "m2"), 0);
	lc_table_free(r);
	lc_db_close(db);
}

/* A model without stages gets a funnel by milestone. */
static void funnel_by_milestone(void **state)
{
	lc_id ann, bob;
	lc_db *db = leadmanager_store("memory:", &ann, &bob);
	lc_table *r = NULL;
	(void)state;
	assert_int_equal(lc_report_funnel(db, NULL, &r), 0);
	assert_string_equal(lc_table_column_name(r, 0), "milestone");
	/* every lead starts at No Milestone (the preset's initial value) */
	assert_int_equal(count_of(r, "no_milestone", NULL), 8);
	assert_int_equal(count_of(r, "contacted", NULL), 2);
	lc_table_free(r);
	lc_db_close(db);
}

/* A status that a newer model dropped: its leads show up as an invalid row
 * after the model's own cells; a lead with a milestone and no status counts
 * in an allowed row. */
static void matrix_unknown_values(void **state)
{
	const char *v1 = "{\"format\": 1, \"name\": \"tiny\", \"version\": 1,"
			 " \"actions\": [{\"key\": \"call\", \"label\": \"Call\"}],"
			 " \"milestones\": [{\"key\": \"m1\", \"label\": \"M1\"}],"
			 " \"statuses\": [{\"key\": \"s1\", \"label\": \"S1\"}, {\"key\": \"gone\", \"label\": \"Gone\"}]}";
	const char *v2 = "{\"format\": 1, \"name\": \"tiny\", \"version\": 2,"
			 " \"actions\": [{\"key\": \"call\", \"label\": \"Call\"}],"
			 " \"milestones\": [{\"key\": \"m1\", \"label\": \"M1\"}],"
			 " \"statuses\": [{\"key\": \"s1\", \"label\": \"S1\"}]}";
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	lc_table *r = NULL;
	lc_id a, b, c;
	long i;
	(void)state;
	o.clock = test_clock;
	assert_int_equal(lc_db_open(&db, ":memory:", &o), 0);
	assert_int_equal(lc_model_load_string(&m, v1, "v1"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	a = new_lead(db, "a", 0);
	b = new_lead(db, "b", 0);
	c = new_lead(db, "c", 0);
	new_lead(db, "untouched", 0);
	assert_int_equal(apply(db, a, "call", "m1", "gone", NULL, NULL, NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, b, "call", "m1", "s1", NULL, NULL, NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, c, "call", "m1", NULL, NULL, NULL, NULL, LC_TIME_NONE), 0);
	assert_int_equal(lc_model_load_string(&m, v2, "v2"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);

	assert_int_equal(lc_report_matrix(db, NULL, &r), 0);
	assert_int_equal(lc_table_row_count(r), 3); /* m1 x s1, m1 x gone, m1 x (none) */
	assert_string_equal(lc_table_text(r, 0, 1), "gone"); /* the only invalid row, first */
	assert_int_equal(lc_table_int_named(r, 0, "allowed"), 0);
	assert_int_equal(lc_table_int_named(r, 0, "count"), 1);
	assert_string_equal(lc_table_label(r, 0, 1), "gone"); /* no label: the key */
	i = find_row(r, "m1", NULL);
	assert_true(i > 0);
	assert_int_equal(lc_table_int_named(r, (size_t)i, "count"), 1);
	assert_int_equal(lc_table_int_named(r, (size_t)i, "allowed"), 1);
	assert_int_equal(count_of(r, "m1", "s1"), 1);
	lc_table_free(r);
	/* The drill-down reaches the stored key the model no longer knows. */
	assert_int_equal(lc_report_matrix_cell(db, "m1", "gone", NULL, &r), 0);
	assert_int_equal(lc_table_row_count(r), 1);
	assert_int_equal(lc_table_int_named(r, 0, "lead"), a);
	lc_table_free(r);
	lc_db_close(db);
}


/* Allocation failures: every allocation point in turn fails; the call
 * returns LC_ENOMEM (or succeeds when it did not need that allocation),
 * leaks nothing (ASan) and writes nothing. */

static void report_allocation_failures(void **state)
{
	lc_id ann, bob;
	lc_db *db;
	(void)state;
	alloc_sweep_on();
	db = leadmanager_store(":memory:", &ann, &bob);
	for (int which = 0; which < 6; which++) {
		bool done = false;
		long swept = 0;
		for (long n = 0; !done && n < 100000; n++, swept++) {
			lc_axis axes[2] = { LC_AXIS_OWNER, LC_AXIS_STATUS };
			lc_report_options o = LC_REPORT_OPTIONS_INIT;
			lc_table *r = NULL;
			int rc;
			o.from = T0;
			alloc_failed = false;
			alloc_budget = n;
			switch (which) {
			case 0: rc = lc_report_pipeline(db, axes, 2, NULL, &r); break;
			case 1: rc = lc_report_matrix(db, NULL, &r); break;
			case 2: rc = lc_report_matrix_cell(db, "contacted", "hot", NULL, &r); break;
			case 3: rc = lc_report_followups(db, &o, &r); break;
			case 4: rc = lc_report_overdue(db, NULL, &r); break;
			default: rc = lc_report_funnel(db, NULL, &r); break;
			}
			alloc_budget = -1;
			if (!alloc_failed) {
				assert_int_equal(rc, 0);
				assert_non_null(r);
				done = true;
			} else if (rc == 0) {
				/* The failed allocation was not needed (a cache, a retry). */
				assert_non_null(r);
			} else {
				assert_null(r);
				assert_true(rc == LC_ENOMEM || rc == LC_EIO);
			}
			lc_table_free(r);
		}
		assert_true(done);
		print_message("report %d: %ld allocation points\n", which, swept);
	}
	lc_db_close(db);
	alloc_sweep_off();
}

/* Every report on a store with a model and no leads: no rows, no error. */
static void reports_on_empty_store(void **state)
{
	lc_db *db = open_store(":memory:", "particle");
	lc_axis axis = LC_AXIS_STAGE;
	lc_table *r = NULL;
	(void)state;
	assert_int_equal(lc_report_pipeline(db, &axis, 1, NULL, &r), 0);
	assert_int_equal(lc_table_row_count(r), 0);
	lc_table_free(r);
	assert_int_equal(lc_report_followups(db, NULL, &r), 0);
	assert_int_equal(lc_table_row_count(r), 0);
	lc_table_free(r);
	assert_int_equal(lc_report_overdue(db, NULL, &r), 0);
	assert_int_equal(lc_table_row_count(r), 0);
	lc_table_free(r);
	assert_int_equal(lc_report_funnel(db, NULL, &r), 0);
	assert_int_equal(lc_table_int_named(r, 0, "count"), 0);
	assert_int_equal(lc_table_int_named(r, 0, "median_seconds"), LC_TABLE_NONE);
	lc_table_free(r);
	lc_db_close(db);
	db = open_store(":memory:", "leadmanager");
	assert_int_equal(lc_report_matrix(db, NULL, &r), 0);
	assert_int_equal(lc_table_int_named(r, 0, "count"), 0);
	lc_table_free(r);
	lc_db_close(db);
}

/* ---- one filter for every report (issue 12, item 10) ---- */

/* Every report takes the lead list's query as its filter, on both backends. */
static void every_report_takes_the_filter(void **state)
{
	const char *uris[] = { ":memory:", "memory:" };
	(void)state;
	for (size_t u = 0; u < 2; u++) {
		lc_id ann, bob;
		lc_db *db = leadmanager_store(uris[u], &ann, &bob);
		lc_report_options o = LC_REPORT_OPTIONS_INIT;
		lc_axis axis = LC_AXIS_STATUS;
		lc_query *q = NULL;
		lc_table *r = NULL;
		lc_lead *l = NULL;
		assert_int_equal(lc_query_new(&q), 0);
		assert_int_equal(lc_query_set_agent(q, ann), 0);
		assert_int_equal(lc_query_set_page(q, 0, 1), 0); /* paging is ignored */
		o.filter = q;
		assert_int_equal(lc_report_pipeline(db, &axis, 1, &o, &r), 0);
		assert_int_equal(lc_table_row_count(r), 1);
		assert_int_equal(count_of(r, "hot", NULL), 2);
		lc_table_free(r);
		assert_int_equal(lc_report_matrix(db, &o, &r), 0);
		assert_int_equal(count_of(r, "contacted", "hot"), 2);
		assert_int_equal(count_of(r, "no_milestone", "new"), 0);
		lc_table_free(r);
		/* The report's own conditions are added to the filter's. */
		assert_int_equal(lc_report_matrix_cell(db, "quoted", "follow_up", &o, &r), 0);
		assert_int_equal(lc_table_row_count(r), 0);
		lc_table_free(r);
		assert_int_equal(lc_report_matrix_cell(db, "contacted", "hot", &o, &r), 0);
		assert_int_equal(lc_table_row_count(r), 2);
		lc_table_free(r);
		assert_int_equal(lc_report_followups(db, &o, &r), 0);
		assert_int_equal(lc_table_row_count(r), 2);
		assert_int_equal(count_of(r, NULL, "2026-01-03"), 0); /* the unassigned one */
		lc_table_free(r);
		/* The filter by status: only the unassigned lead's follow-up. */
		assert_int_equal(lc_query_set_agent(q, 0), 0);
		assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, "follow_up"), 0);
		assert_int_equal(lc_report_followups(db, &o, &r), 0);
		assert_int_equal(lc_table_row_count(r), 1);
		assert_int_equal(count_of(r, NULL, "2026-01-03"), 1);
		lc_table_free(r);
		/* Overdue: a late lead of bob's, kept or left out by the filter. */
		assert_int_equal(lc_db_lead_find(db, "new-0", &l), 0);
		assert_int_equal(lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, T0 - DAY), 0);
		assert_int_equal(lc_db_lead_update(db, l, -1), 0);
		lc_lead_free(l);
		assert_int_equal(lc_report_overdue(db, &o, &r), 0);
		assert_int_equal(lc_table_row_count(r), 0);
		lc_table_free(r);
		assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, NULL), 0);
		assert_int_equal(lc_query_set_agent(q, bob), 0);
		assert_int_equal(lc_report_overdue(db, &o, &r), 0);
		assert_int_equal(lc_table_row_count(r), 1);
		lc_table_free(r);
		/* The recycled lead comes back when the filter includes the bin. */
		assert_int_equal(lc_query_set_agent(q, ann), 0);
		assert_int_equal(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE), 0);
		assert_int_equal(lc_report_pipeline(db, &axis, 1, &o, &r), 0);
		assert_int_equal(count_of(r, "hot", NULL), 3);
		lc_table_free(r);
		/* A filter on a value the model does not know: LC_ENOTFOUND, as
		 * report.h says, from every report, and no table. */
		assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, "no_such_status"), 0);
		r = (lc_table *)&o;
		assert_int_equal(lc_report_pipeline(db, &axis, 1, &o, &r), LC_ENOTFOUND);
		assert_null(r);
		assert_non_null(strstr(lc_error_last(), "no_such_status"));
		assert_int_equal(lc_report_matrix(db, &o, &r), LC_ENOTFOUND);
		assert_null(r);
		assert_int_equal(lc_report_matrix_cell(db, "contacted", "hot", &o, &r), LC_ENOTFOUND);
		assert_null(r);
		assert_int_equal(lc_report_followups(db, &o, &r), LC_ENOTFOUND);
		assert_null(r);
		assert_int_equal(lc_report_overdue(db, &o, &r), LC_ENOTFOUND);
		assert_null(r);
		assert_int_equal(lc_report_funnel(db, &o, &r), LC_ENOTFOUND);
		assert_null(r);
		lc_query_free(q);
		lc_db_close(db);
	}
}

/* Won value per agent: the pipeline by owner, filtered to won leads, with
 * the sum of their amounts per currency; the sums computed here by hand. */
static void pipeline_sums_amounts(void **state)
{
	const char *uris[] = { ":memory:", "memory:" };
	const struct {
		const char *agent, *currency;
		int64_t amount;
		bool won;
	} deals[] = {
		{ "ann", "USD", 105450, true }, { "ann", "USD", 20000, true },
		{ "ann", "EUR", 999, true },    { "ann", "USD", 70000, false },
		{ "bob", "USD", 1, true },      { "bob", NULL, 0, true },
		{ "bob", "USD", 5000, false },
	};
	(void)state;
	for (size_t u = 0; u < 2; u++) {
		lc_db *db = open_store(uris[u], "crm");
		lc_report_options o = LC_REPORT_OPTIONS_INIT;
		lc_axis axis = LC_AXIS_OWNER;
		lc_query *q = NULL;
		lc_table *r = NULL;
		int64_t want_ann_usd = 0, want_ann_eur = 0, want_bob_usd = 0;
		long amount;
		lc_id ann, bob;
		assert_int_equal(lc_db_agent_add(db, "ann", &ann), 0);
		assert_int_equal(lc_db_agent_add(db, "bob", &bob), 0);
		for (size_t i = 0; i < sizeof deals / sizeof deals[0]; i++) {
			lc_lead *l = NULL;
			lc_id id;
			bool is_ann = strcmp(deals[i].agent, "ann") == 0;
			assert_int_equal(lc_lead_new(&l), 0);
			if (deals[i].currency)
				assert_int_equal(lc_lead_set_amount(l, deals[i].amount, deals[i].currency), 0);
			assert_int_equal(lc_lead_set_agent(l, is_ann ? ann : bob), 0);
			assert_int_equal(lc_db_lead_create(db, l, &id), 0);
			lc_lead_free(l);
			if (deals[i].won) {
				assert_int_equal(apply(db, id, "win_lead", NULL, "won", NULL, NULL, NULL,
						       LC_TIME_NONE), 0);
				if (is_ann && deals[i].currency && strcmp(deals[i].currency, "USD") == 0)
					want_ann_usd += deals[i].amount;
				else if (is_ann)
					want_ann_eur += deals[i].amount;
				else if (deals[i].currency)
					want_bob_usd += deals[i].amount;
			}
		}
		assert_int_equal(lc_query_new(&q), 0);
		assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, "won"), 0);
		o.filter = q;
		o.flags = LC_REPORT_SUM_AMOUNT;
		assert_int_equal(lc_report_pipeline(db, &axis, 1, &o, &r), 0);
		assert_string_equal(lc_table_column_name(r, 1), "currency");
		assert_string_equal(lc_table_column_name(r, 2), "count");
		amount = measure_index(r, "amount");
		assert_true(amount >= 0);
		assert_int_equal(lc_table_row_count(r), 4);
		assert_int_equal(count_of(r, "ann", "USD"), 2);
		assert_int_equal(lc_table_int(r, (size_t)find_row(r, "ann", "USD"), (size_t)amount),
				 want_ann_usd);
		assert_int_equal(lc_table_int(r, (size_t)find_row(r, "ann", "EUR"), (size_t)amount),
				 want_ann_eur);
		assert_int_equal(lc_table_int(r, (size_t)find_row(r, "bob", "USD"), (size_t)amount),
				 want_bob_usd);
		/* a won lead with no amount: its own row, no currency, nothing added */
		assert_int_equal(count_of(r, "bob", NULL), 1);
		assert_int_equal(lc_table_int(r, (size_t)find_row(r, "bob", NULL), (size_t)amount), 0);
		lc_table_free(r);
		/* Without the flag, the same counts and no measure. */
		o.flags = 0;
		assert_int_equal(lc_report_pipeline(db, &axis, 1, &o, &r), 0);
		assert_int_equal(measure_index(r, "amount"), -1);
		assert_int_equal(count_of(r, "ann", NULL), 3);
		lc_table_free(r);
		lc_query_free(q);
		lc_db_close(db);
	}
}

/* The funnel over a window counts the entries inside it and the stays that
 * began inside it (docs/reports.md), on the particle example above worked
 * out by hand; and takes the filter like every report. */
static void funnel_window_and_filter(void **state)
{
	lc_db *db = open_store(":memory:", "particle");
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	lc_table *r = NULL;
	lc_query *q = NULL;
	lc_id id[5];
	long adv, med, p90;
	(void)state;
	now_value = T0;
	for (int i = 0; i < 5; i++) {
		char ext[8];
		snprintf(ext, sizeof ext, "w%d", i);
		id[i] = new_lead(db, ext, 0);
		assert_int_equal(apply(db, id[i], "call", NULL, NULL, "enquiry", NULL, NULL, LC_TIME_NONE), 0);
	}
	for (int i = 0; i < 4; i++) { /* contact on days 1, 2, 3, 4 */
		now_value = T0 + (i + 1) * DAY;
		assert_int_equal(apply(db, id[i], "call", NULL, NULL, "contact", "progressing", NULL,
				       LC_TIME_NONE), 0);
	}
	now_value = T0 + 10 * DAY; /* 0 and 1 engaged, 2 to nurture, 3 stays in contact */
	assert_int_equal(apply(db, id[0], "meeting", NULL, NULL, "engaged", "progressing", NULL,
			       LC_TIME_NONE), 0);
	assert_int_equal(apply(db, id[1], "meeting", NULL, NULL, "engaged", "progressing", NULL,
			       LC_TIME_NONE), 0);
	assert_int_equal(apply(db, id[2], "call", NULL, NULL, NULL, "exiting", "not_ready_yet",
			       LC_TIME_NONE), 0);
	now_value = T0 + 20 * DAY;

	/* Window [day 2, day 11). */
	o.from = T0 + 2 * DAY;
	o.to = T0 + 11 * DAY;
	assert_int_equal(lc_report_funnel(db, &o, &r), 0);
	adv = measure_index(r, "advanced");
	med = measure_index(r, "median_seconds");
	p90 = measure_index(r, "p90_seconds");
	/* Every enquiry began on day 0, outside: no entry, no stay counted. */
	assert_int_equal(count_of(r, "enquiry", NULL), 0);
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "enquiry", NULL), (size_t)med),
			 LC_TABLE_NONE);
	/* Contact entered inside on days 2, 3, 4 (leads 1, 2, 3); the stays
	 * that began inside and ended: 2 -> 10 (8 days), 3 -> 10 (7 days). */
	assert_int_equal(count_of(r, "contact", NULL), 3);
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "contact", NULL), (size_t)med), 7 * DAY);
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "contact", NULL), (size_t)p90), 8 * DAY);
	/* Of those three entries, lead 1 went on to Engaged. */
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "contact", NULL), (size_t)adv), 1);
	assert_int_equal(count_of(r, "engaged", NULL), 2);
	assert_int_equal(count_of(r, "nurture", NULL), 1);
	lc_table_free(r);
	/* A window that ends before the stays do still counts them whole. */
	o.to = T0 + 3 * DAY;
	assert_int_equal(lc_report_funnel(db, &o, &r), 0);
	assert_int_equal(count_of(r, "contact", NULL), 1);
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "contact", NULL), (size_t)med), 8 * DAY);
	lc_table_free(r);

	/* The filter: only the leads now in Engaged (0 and 1), no window. */
	o.from = o.to = LC_TIME_NONE;
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STAGE, "engaged"), 0);
	o.filter = q;
	assert_int_equal(lc_report_funnel(db, &o, &r), 0);
	assert_int_equal(count_of(r, "enquiry", NULL), 2);
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "enquiry", NULL), (size_t)med), DAY);
	assert_int_equal(lc_table_int(r, (size_t)find_row(r, "contact", NULL), (size_t)med), 8 * DAY);
	assert_int_equal(count_of(r, "nurture", NULL), 0);
	lc_table_free(r);
	lc_query_free(q);
	lc_db_close(db);
}

/* Seed 001's "check-in 3" in the reports that group by stage: a repeatable
 * stage's row has "entries", the entries of its leads into it. By hand:
 * A checked in 3 times (EUR, agent ann), B once (USD), C twice then renewed
 * twice (now at renewal: 2), D engaged, E archived (left out).
 * check-in: 2 leads, 3 + 1 = 4 entries; renewal: 1 lead, 2; engaged: none. */
static void check_stage_entries(const char *uri)
{
	lc_db *db = open_store(uri, "particle");
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	lc_axis by[2] = { LC_AXIS_STAGE, LC_AXIS_OWNER };
	lc_table *r = NULL;
	lc_query *q = NULL;
	lc_lead *l = NULL;
	lc_id ann, a, b, c, d, e;
	long i;

	assert_int_equal(lc_db_agent_add(db, "ann", &ann), 0);
	a = new_lead(db, "A", ann);
	b = new_lead(db, "B", 0);
	c = new_lead(db, "C", 0);
	d = new_lead(db, "D", 0);
	e = new_lead(db, "E", 0);
	for (int k = 0; k < 3; k++)
		assert_int_equal(apply(db, a, "call", NULL, NULL, "periodic_check_in", "progressing", NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, b, "call", NULL, NULL, "periodic_check_in", "progressing", NULL, LC_TIME_NONE), 0);
	for (int k = 0; k < 2; k++)
		assert_int_equal(apply(db, c, "call", NULL, NULL, "periodic_check_in", "progressing", NULL, LC_TIME_NONE), 0);
	for (int k = 0; k < 2; k++)
		assert_int_equal(apply(db, c, "call", NULL, NULL, "service_renewal", "progressing", NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, d, "call", NULL, NULL, "engaged", "progressing", NULL, LC_TIME_NONE), 0);
	assert_int_equal(apply(db, e, "lead_update", NULL, NULL, NULL, "exiting", "test_lead", LC_TIME_NONE), 0);

	assert_int_equal(lc_report_pipeline(db, by, 1, NULL, &r), 0);
	assert_true(measure_index(r, "entries") > measure_index(r, "count"));
	assert_int_equal(count_of(r, "periodic_check_in", NULL), 2);
	assert_int_equal(lc_table_int_named(r, (size_t)find_row(r, "periodic_check_in", NULL), "entries"), 4);
	assert_int_equal(lc_table_int_named(r, (size_t)find_row(r, "service_renewal", NULL), "entries"), 2);
	assert_int_equal(lc_table_int_named(r, (size_t)find_row(r, "engaged", NULL), "entries"), LC_TABLE_NONE);
	assert_int_equal(find_row(r, "archive", NULL), -1);
	lc_table_free(r);

	/* By stage and agent: the entries split with the leads. */
	assert_int_equal(lc_report_pipeline(db, by, 2, NULL, &r), 0);
	assert_int_equal(lc_table_int_named(r, (size_t)find_row(r, "periodic_check_in", "ann"), "entries"), 3);
	assert_int_equal(lc_table_int_named(r, (size_t)find_row(r, "periodic_check_in", NULL), "entries"), 1);
	lc_table_free(r);

	/* With the amounts: a group per currency, each with its own entries. */
	assert_int_equal(lc_db_lead_get(db, a, &l), 0);
	assert_int_equal(lc_lead_set_amount(l, 500, "EUR"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_get(db, b, &l), 0);
	assert_int_equal(lc_lead_set_amount(l, 700, "USD"), 0);
	assert_int_equal(lc_db_lead_update(db, l, -1), 0);
	lc_lead_free(l);
	o.flags = LC_REPORT_SUM_AMOUNT;
	assert_int_equal(lc_report_pipeline(db, by, 1, &o, &r), 0);
	assert_true(measure_index(r, "entries") > measure_index(r, "amount"));
	i = find_row(r, "periodic_check_in", "EUR");
	assert_true(i >= 0);
	assert_int_equal(lc_table_int_named(r, (size_t)i, "entries"), 3);
	assert_int_equal(lc_table_int_named(r, (size_t)i, "amount"), 500);
	assert_int_equal(lc_table_int_named(r, (size_t)find_row(r, "periodic_check_in", "USD"), "entries"), 1);
	lc_table_free(r);

	/* A filter keeps its leads only; one on another stage reads no entries. */
	o.flags = 0;
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STAGE, "Service Renewal"), 0);
	o.filter = q;
	assert_int_equal(lc_report_pipeline(db, by, 1, &o, &r), 0);
	assert_int_equal(lc_table_row_count(r), 1);
	assert_int_equal(lc_table_int_named(r, 0, "entries"), 2);
	lc_table_free(r);
	lc_query_free(q);

	/* Grouped by phase, or a model without repeatable stages: no entries. */
	by[0] = LC_AXIS_PHASE;
	assert_int_equal(lc_report_pipeline(db, by, 1, NULL, &r), 0);
	assert_int_equal(measure_index(r, "entries"), -1);
	lc_table_free(r);
	lc_db_close(db);
}

static void pipeline_stage_entries(void **state)
{
	(void)state;
	check_stage_entries(":memory:");
	check_stage_entries("memory:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(axis_names_and_options),
		cmocka_unit_test(pipeline_sqlite),
		cmocka_unit_test(pipeline_memory_backend),
		cmocka_unit_test(pipeline_backends_agree),
		cmocka_unit_test(pipeline_stage_entries),
		cmocka_unit_test(pipeline_two_axes_and_owner),
		cmocka_unit_test(pipeline_leaves_out_not_reportable),
		cmocka_unit_test(pipeline_bad_arguments),
		cmocka_unit_test(matrix_every_cell),
		cmocka_unit_test(matrix_after_link_change),
		cmocka_unit_test(matrix_needs_milestones),
		cmocka_unit_test(matrix_unknown_values),
		cmocka_unit_test(followups_per_agent_per_day),
		cmocka_unit_test(overdue_leads),
		cmocka_unit_test(funnel_from_history),
		cmocka_unit_test(funnel_by_milestone),
		cmocka_unit_test(funnel_closed_lost),
		cmocka_unit_test(funnel_lost_state),
		cmocka_unit_test(every_report_takes_the_filter),
		cmocka_unit_test(pipeline_sums_amounts),
		cmocka_unit_test(funnel_window_and_filter),
		cmocka_unit_test(reports_on_empty_store),
		cmocka_unit_test(report_allocation_failures),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
