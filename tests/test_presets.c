/* presets: the five models that ship inside the library, checked against
 * the seeds they come from (seed 000, 001, 003, 004), through the public API.
 *
 * The tables below are the specification: docs/model-format.md lists the same
 * links, blocks, crossings and forbidden combinations, with the reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <csv.h>

#include "core/core.h"
#include "leadcore/leadcore.h"
#include "model/model_internal.h"

/* A fixed clock: tests never read the real time. 2026-11-22T10:00:00Z. */
#define NOW ((lc_time)1795341600)
#define DAY ((lc_time)86400)

enum { FU_NONE = 0, FU_FUTURE, FU_PAST, FU_NOW };

/* One disposition, written as text the way a user would type it. */
typedef struct step {
	const char *action;
	const char *milestone;
	const char *status;
	const char *stage;
	const char *reason;
	lc_outcome outcome;
	int follow_up; /* FU_* */
	const char *note;
} step;

/* Whether the preset's links allow a milestone with a status. */
static int linked(const lc_model *m, size_t milestone, size_t status)
{
	int allowed = -1;
	assert_int_equal(lc_model_link_allowed(m, milestone, status, &allowed), 0);
	return allowed;
}

static const char *const preset_names[] = {"leadmanager", "insurance", "particle", "crm",
					   "conversica"};
#define NPRESETS (sizeof(preset_names) / sizeof(preset_names[0]))

/* ------------------------------------------------------------------ */
/* Helpers */

static lc_model *load(const char *name)
{
	lc_model *m = NULL;
	int rc = lc_model_preset(&m, name);
	if (rc != 0)
		print_error("preset %s: %s: %s\n", name, lc_error_name(rc), lc_error_last());
	assert_int_equal(rc, 0);
	assert_non_null(m);
	return m;
}

static lc_state *state_of(const lc_model *m, const char *milestone, const char *status,
			  const char *stage)
{
	lc_state *s = NULL;
	assert_int_equal(lc_state_new(&s, m), 0);
	if (milestone)
		assert_int_equal(lc_state_set(s, LC_AXIS_MILESTONE, milestone), 0);
	if (status)
		assert_int_equal(lc_state_set(s, LC_AXIS_STATUS, status), 0);
	if (stage)
		assert_int_equal(lc_state_set(s, LC_AXIS_STAGE, stage), 0);
	return s;
}

static void set_axis(lc_disposition *d, lc_axis axis, const char *value)
{
	int rc;
	if (!value)
		return;
	rc = lc_disposition_set(d, axis, value);
	if (rc != 0)
		print_error("%s '%s': %s\n", lc_axis_name(axis), value, lc_error_last());
	assert_int_equal(rc, 0);
}

static lc_disposition *disposition_of(const lc_model *m, const step *st)
{
	lc_disposition *d = NULL;
	lc_time fu = LC_TIME_NONE;
	assert_int_equal(lc_disposition_new(&d, m), 0);
	set_axis(d, LC_AXIS_ACTION, st->action);
	set_axis(d, LC_AXIS_MILESTONE, st->milestone);
	set_axis(d, LC_AXIS_STATUS, st->status);
	set_axis(d, LC_AXIS_STAGE, st->stage);
	set_axis(d, LC_AXIS_REASON, st->reason);
	if (st->outcome != LC_OUTCOME_NONE)
		assert_int_equal(lc_disposition_set_outcome(d, st->outcome), 0);
	switch (st->follow_up) {
	case FU_FUTURE: fu = NOW + DAY; break;
	case FU_PAST: fu = NOW - DAY; break;
	case FU_NOW: fu = NOW; break;
	default: break;
	}
	if (fu != LC_TIME_NONE)
		assert_int_equal(lc_disposition_set_follow_up(d, fu), 0);
	if (st->note)
		assert_int_equal(lc_disposition_set_note(d, st->note), 0);
	return d;
}

static void dump(const char *what, const lc_violations *v)
{
	for (size_t i = 0; i < lc_table_row_count(lc_violations_table(v)); i++)
		print_message("  %s: %s [%s] %s\n", what, lc_table_text(lc_violations_table(v), i, 1),
			      lc_table_text(lc_violations_table(v), i, 2), lc_table_text(lc_violations_table(v), i, 3));
}

static bool has_code(const lc_violations *v, int code)
{
	for (size_t i = 0; i < lc_table_row_count(lc_violations_table(v)); i++)
		if ((int)lc_table_int(lc_violations_table(v), i, 0) == code)
			return true;
	return false;
}

/* Validate (next == NULL) or transition the step from `cur` at NOW. */
static int judge(const lc_model *m, const lc_state *cur, const step *st, lc_state *next,
		 lc_violations *v)
{
	lc_disposition *d = disposition_of(m, st);
	int rc = next ? lc_transition(m, cur, d, NOW, next, v)
		      : lc_validate(m, cur, d, NOW, v);
	lc_disposition_free(d);
	return rc;
}

/* The step must be valid from `cur`; on success `next` (if given) holds the result. */
static void expect_ok(const lc_model *m, const lc_state *cur, const step *st, lc_state *next,
		      const char *what)
{
	lc_violations *v = NULL;
	int rc;
	assert_int_equal(lc_violations_new(&v), 0);
	rc = judge(m, cur, st, next, v);
	if (rc != 0) {
		print_error("%s: %s expected valid, got %s\n", lc_model_name(m), what,
			    lc_error_name(rc));
		dump(what, v);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(lc_table_row_count(lc_violations_table(v)), 0);
	lc_violations_free(v);
}

/* The step must be refused with `code` among the violations; with `only`,
 * it must be the only one (so that the test pins the rule it is about). */
static void expect_refused(const lc_model *m, const lc_state *cur, const step *st, int code,
			   bool only, const char *what)
{
	lc_violations *v = NULL;
	lc_state *next = NULL, *before = NULL;
	int rc;
	assert_int_equal(lc_violations_new(&v), 0);
	rc = judge(m, cur, st, NULL, v);
	if (rc != LC_EINVALID || !has_code(v, code) || (only && lc_table_row_count(lc_violations_table(v)) != 1)) {
		print_error("%s: %s expected violation %d%s, got %s\n", lc_model_name(m), what,
			    code, only ? " alone" : "", lc_error_name(rc));
		dump(what, v);
	}
	assert_int_equal(rc, LC_EINVALID);
	assert_true(has_code(v, code));
	if (only)
		assert_int_equal(lc_table_row_count(lc_violations_table(v)), 1);
	for (size_t i = 0; i < lc_table_row_count(lc_violations_table(v)); i++) {
		assert_non_null(lc_table_text(lc_violations_table(v), i, 2));
		assert_true(strlen(lc_table_text(lc_violations_table(v), i, 3)) > 0);
	}

	/* lc_transition refuses the same step and leaves the target alone. */
	assert_int_equal(lc_state_new(&next, m), 0);
	assert_int_equal(lc_state_new(&before, m), 0);
	assert_int_equal(lc_state_copy(next, cur), 0);
	assert_int_equal(lc_state_copy(before, cur), 0);
	assert_int_equal(judge(m, cur, st, next, v), LC_EINVALID);
	assert_true(has_code(v, code));
	assert_int_equal(lc_state_equal(next, before), 1);
	lc_state_free(next);
	lc_state_free(before);
	lc_violations_free(v);
}

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n) {
		bool start = p == list || p[-1] == ' ';
		bool end = p[n] == '\0' || p[n] == ' ';
		if (start && end)
			return true;
	}
	return false;
}

static size_t find(const lc_model *m, lc_axis axis, const char *key)
{
	size_t i = SIZE_MAX;
	int rc = lc_model_value_find(m, axis, key, &i);
	if (rc != 0)
		print_error("%s: %s\n", lc_model_name(m), lc_error_last());
	assert_int_equal(rc, 0);
	return i;
}

static bool has_flag(const lc_model *m, lc_axis axis, const char *key, uint32_t flag)
{
	return (lc_model_value_flags(m, axis, find(m, axis, key)) & flag) == flag;
}

/* ------------------------------------------------------------------ */
/* Every preset */

static void test_preset_list(void **unused)
{
	lc_model *m = NULL;
	(void)unused;
	lc_table *names = NULL;
	assert_int_equal(lc_model_presets(&names), 0);
	assert_int_equal(lc_table_row_count(names), NPRESETS);
	for (size_t i = 0; i < NPRESETS; i++)
		assert_string_equal(lc_table_text(names, i, 0), preset_names[i]);
	assert_null(lc_table_text(names, NPRESETS, 0));
	lc_table_free(names);

	/* Names are case-insensitive; an unknown one lists the presets. */
	assert_int_equal(lc_model_preset(&m, "LeadManager"), 0);
	assert_string_equal(lc_model_name(m), "leadmanager");
	lc_model_free(m);
	m = NULL;
	assert_int_equal(lc_model_preset(&m, "salesforce"), LC_ENOTFOUND);
	assert_null(m);
	assert_non_null(strstr(lc_error_last(), "particle"));
	assert_int_equal(lc_model_preset(&m, NULL), LC_EINVAL);
	assert_int_equal(lc_model_preset(NULL, "crm"), LC_EINVAL);
	assert_int_equal(lc_model_preset(&m, "crm\xff"), LC_EINVAL);
	assert_null(m);

	/* A misspelt value fails at once, naming the axis and the valid keys. */
	{
		lc_model *lm = load("leadmanager");
		lc_disposition *d = NULL;
		lc_state *s = NULL;
		assert_int_equal(lc_disposition_new(&d, lm), 0);
		assert_int_equal(lc_state_new(&s, lm), 0);
		assert_int_equal(lc_disposition_set(d, LC_AXIS_STATUS, "Hott"), LC_ENOTFOUND);
		assert_non_null(strstr(lc_error_last(), "Hott"));
		assert_non_null(strstr(lc_error_last(), "attempted_contact"));
		assert_null(lc_disposition_get(d, LC_AXIS_STATUS));
		assert_int_equal(lc_state_set(s, LC_AXIS_MILESTONE, "Closed Won"), LC_ENOTFOUND);
		assert_non_null(strstr(lc_error_last(), "no_milestone"));
		assert_null(lc_state_get(s, LC_AXIS_MILESTONE));
		/* leadmanager has no stages; particle's are not leadmanager's. */
		assert_int_equal(lc_disposition_set(d, LC_AXIS_STAGE, "Enquiry"), LC_ENOTFOUND);
		lc_state_free(s);
		lc_disposition_free(d);
		lc_model_free(lm);
	}
}

/* Keys follow the labels, every value is described, lookups work by key and
 * by label in any case, and there is something for the rule listing. */
static void test_preset_values(void **unused)
{
	(void)unused;
	for (size_t p = 0; p < NPRESETS; p++) {
		lc_model *m = load(preset_names[p]);
		assert_string_equal(lc_model_name(m), preset_names[p]);
		assert_true(lc_model_version(m) >= 1);
		assert_true(strlen(lc_model_description(m)) > 0);
		assert_true(lc_model_value_count(m, LC_AXIS_ACTION) > 0);
		lc_table *rules = NULL;
		assert_int_equal(lc_model_rules(m, &rules), 0);
		assert_true(lc_table_row_count(rules) > 0);
		for (size_t r = 0; r < lc_table_row_count(rules); r++)
			assert_true(strlen(lc_table_text(rules, r, 0)) > 0);
		lc_table_free(rules);
		for (int a = 0; a < LC_AXIS_COUNT; a++) {
			for (size_t i = 0; i < lc_model_value_count(m, (lc_axis)a); i++) {
				const char *key = lc_model_value_key(m, (lc_axis)a, i);
				const char *label = lc_model_value_label(m, (lc_axis)a, i);
				char *derived = lc__key_from_label(label);
				char upper[128];
				size_t j = SIZE_MAX, n;
				assert_non_null(derived);
				if (strcmp(key, derived) != 0)
					print_error("%s: %s '%s' has key %s, not %s\n", preset_names[p],
						    lc_axis_name((lc_axis)a), label, key, derived);
				assert_string_equal(key, derived);
				lc__free(derived);
				if (strlen(lc_model_value_description(m, (lc_axis)a, i)) == 0)
					print_error("%s: %s %s has no description\n", preset_names[p],
						    lc_axis_name((lc_axis)a), key);
				assert_true(strlen(lc_model_value_description(m, (lc_axis)a, i)) > 0);
				assert_int_equal(lc_model_value_find(m, (lc_axis)a, key, &j), 0);
				assert_int_equal(j, i);
				n = strlen(label);
				assert_true(n < sizeof(upper));
				for (size_t k = 0; k <= n; k++)
					upper[k] = (char)(label[k] >= 'a' && label[k] <= 'z'
								  ? label[k] - 'a' + 'A'
								  : label[k]);
				j = SIZE_MAX;
				assert_int_equal(lc_model_value_find(m, (lc_axis)a, upper, &j), 0);
				assert_int_equal(j, i);
			}
		}
		lc_model_free(m);
	}
}

/* The embedded preset equals the JSON file in the source tree (the build
 * embeds the current files), and exports round-trip. */
static void test_preset_files(void **unused)
{
	const char *root = getenv("LC_SOURCE_ROOT");
	(void)unused;
	if (!root)
		root = LC_SOURCE_ROOT;
	for (size_t p = 0; p < NPRESETS; p++) {
		lc_model *m = load(preset_names[p]), *f = NULL, *again = NULL;
		char path[4096];
		char *a = NULL, *b = NULL, *c = NULL;
		int rc;
		lc_table *problems = NULL;
		snprintf(path, sizeof(path), "%s/src/model/presets/%s.json", root, preset_names[p]);
		/* The file has no problem at all, not merely none that stops loading. */
		assert_int_equal(lc_model_check_file(path, &problems), 0);
		for (size_t i = 0; i < lc_table_row_count(problems); i++)
			print_error("%s\n", lc_table_text_named(problems, i, "text"));
		assert_int_equal(lc_table_row_count(problems), 0);
		lc_table_free(problems);
		rc = lc_model_load_file(&f, path);
		if (rc != 0)
			print_error("%s: %s\n", path, lc_error_last());
		assert_int_equal(rc, 0);
		assert_int_equal(lc_model_to_json(m, &a, NULL), 0);
		assert_int_equal(lc_model_to_json(f, &b, NULL), 0);
		assert_string_equal(a, b);
		assert_int_equal(lc_model_load_string(&again, a, preset_names[p]), 0);
		assert_int_equal(lc_model_to_json(again, &c, NULL), 0);
		assert_string_equal(a, c);
		lc_free(a);
		lc_free(b);
		lc_free(c);
		lc_model_free(m);
		lc_model_free(f);
		lc_model_free(again);
	}
}

/* Every complete model in docs/model-format.md (a ```json block that starts
 * with "format") loads without a single problem: the guide stays true. */
static void test_doc_examples(void **unused)
{
	const char *root = getenv("LC_SOURCE_ROOT");
	char path[4096];
	char *text, *p;
	size_t n = 0, models = 0;
	FILE *f;
	(void)unused;
	snprintf(path, sizeof(path), "%s/docs/model-format.md", root ? root : LC_SOURCE_ROOT);
	f = fopen(path, "rb");
	assert_non_null(f);
	text = malloc(1 << 20);
	assert_non_null(text);
	n = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (p = text; (p = strstr(p, "```json\n{\n  \"format\"")) != NULL;) {
		char *json = p + strlen("```json\n");
		char *end = strstr(json, "\n```");
		lc_table *problems = NULL;
		lc_model *m = NULL;
		assert_non_null(end);
		*end = '\0';
		assert_int_equal(lc_model_check_string(json, "docs/model-format.md", &problems), 0);
		for (size_t i = 0; i < lc_table_row_count(problems); i++)
			print_error("%s\n", lc_table_text_named(problems, i, "text"));
		assert_int_equal(lc_table_row_count(problems), 0);
		lc_table_free(problems);
		assert_int_equal(lc_model_load_string(&m, json, "docs/model-format.md"), 0);
		lc_model_free(m);
		models++;
		p = end + 1;
	}
	free(text);
	assert_true(models >= 2);
}

/* ------------------------------------------------------------------ */
/* leadmanager and insurance (seed 000) */

/* A seed example: milestone and status as the seed spells them, and the
 * action that the example's story implies. */
typedef struct example {
	const char *milestone;
	const char *status;
	const char *action;
} example;

/* "Examples of Milestone and Status Combinations" in seed 000. "The line is
 * dead" is found by a Call, and recorded with it: a status that blocks calls
 * blocks the next one, not the call that records it. */
static const example seed_examples[] = {
	{"No Milestone", "New", "Lead Update"},
	{"No Milestone", "Bad Phone Number", "Call"},
	{"No Milestone", "Attempted Contact", "Call"},
	{"Contacted", "Follow up", "Call"},
	{"Contacted", "Hot", "Email"},
	{"Quoted", "Hot", "Meeting"},
	{"Quoted", "Follow up", "Call"},
	{"Quoted", "Requote", "Email"},
	{"Sold", "Customer", "Meeting"},
	/* "Often combined with" in the milestone definitions. */
	{"Contacted", "Requote", "Call"},
	{"Quoted", "Hot", "Call"},
	{"Sold", "Follow Up", "Call"},
	{"Not Interested", "Not Interested", "Call"},
};

static const example insurance_examples[] = {
	{"Sold", "Cross-Sell Auto", "Call"},
	{"Sold", "Cross-Sell Home", "Email"},
	{"Cancelled Policy", "Winback", "Call"},
	{"Cancelled Policy", "Not Interested", "Call"},
	{"Cancelled Policy", "Do Not Call Number", "Lead Update"},
	{"Cancelled Policy", "Requote", "Email"},
	{"No Milestone", "Do Not Call Number", "Lead Update"},
};

/* The links, milestone by milestone: every status not listed is refused.
 * docs/model-format.md says why each one is left out. */
typedef struct link_row {
	const char *milestone;
	const char *statuses; /* space-separated keys */
} link_row;

static const link_row leadmanager_links[] = {
	{"no_milestone", "new attempted_contact bad_phone_number do_not_call_number"},
	{"contacted", "hot follow_up requote bad_phone_number do_not_call_number"},
	{"quoted", "hot follow_up requote bad_phone_number do_not_call_number"},
	{"sold", "customer follow_up bad_phone_number do_not_call_number"},
	{"not_interested", "not_interested bad_phone_number do_not_call_number"},
	{NULL, NULL},
};

static const link_row insurance_links[] = {
	{"no_milestone", "new attempted_contact bad_phone_number do_not_call_number"},
	{"contacted", "hot follow_up requote bad_phone_number do_not_call_number"},
	{"quoted", "hot follow_up requote bad_phone_number do_not_call_number"},
	{"sold", "customer cross_sell_auto cross_sell_home follow_up bad_phone_number "
		 "do_not_call_number"},
	{"not_interested", "not_interested bad_phone_number do_not_call_number"},
	{"cancelled_policy", "winback requote not_interested bad_phone_number do_not_call_number"},
	{NULL, NULL},
};

/* Pairs the brief names as nonsense; they must stay refused whatever else changes. */
static const example named_forbidden[] = {
	{"Sold", "New", NULL},
	{"Sold", "Attempted Contact", NULL},
	{"Sold", "Not Interested", NULL},
	{"Not Interested", "Hot", NULL},
	{"No Milestone", "Hot", NULL},
	{"No Milestone", "Customer", NULL},
	{"Contacted", "New", NULL},
};

static const example insurance_forbidden[] = {
	{"Cancelled Policy", "Customer", NULL},
	{"Cancelled Policy", "New", NULL},
	{"Sold", "Winback", NULL},
	{"No Milestone", "Cross-Sell Auto", NULL},
	{"Quoted", "Customer", NULL},
};

static bool needs_follow_up(const char *status)
{
	return lc__streq_nocase(status, "hot") || lc__streq_nocase(status, "follow_up") ||
	       lc__streq_nocase(status, "follow up");
}

static void check_examples(const char *preset, const example *ex, size_t n)
{
	lc_model *m = load(preset);
	lc_state *empty = state_of(m, NULL, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		step st = {.action = ex[i].action, .milestone = ex[i].milestone,
			   .status = ex[i].status,
			   .follow_up = needs_follow_up(ex[i].status) ? FU_FUTURE : FU_NONE};
		lc_state *next = state_of(m, NULL, NULL, NULL);
		char what[160];
		snprintf(what, sizeof(what), "%s / %s by %s", ex[i].milestone, ex[i].status,
			 ex[i].action);
		expect_ok(m, empty, &st, next, what);
		assert_int_equal(lc_validate_state(m, next, NULL), 0);
		assert_int_equal(linked(m, find(m, LC_AXIS_MILESTONE, ex[i].milestone),
						       find(m, LC_AXIS_STATUS, ex[i].status)),
				 1);
		assert_string_equal(lc_state_get(next, LC_AXIS_MILESTONE),
				    lc_model_value_key(m, LC_AXIS_MILESTONE,
						       find(m, LC_AXIS_MILESTONE, ex[i].milestone)));
		assert_string_equal(lc_state_get(next, LC_AXIS_STATUS),
				    lc_model_value_key(m, LC_AXIS_STATUS,
						       find(m, LC_AXIS_STATUS, ex[i].status)));
		if (st.follow_up == FU_FUTURE)
			assert_int_equal(lc_state_time(next, LC_STATE_TIME_FOLLOW_UP), NOW + DAY);
		lc_state_free(next);
	}
	lc_state_free(empty);
	lc_model_free(m);
}

static void check_forbidden(const char *preset, const example *ex, size_t n)
{
	lc_model *m = load(preset);
	lc_state *empty = state_of(m, NULL, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		step st = {.action = "Lead Update", .milestone = ex[i].milestone,
			   .status = ex[i].status,
			   .follow_up = needs_follow_up(ex[i].status) ? FU_FUTURE : FU_NONE};
		char what[160];
		snprintf(what, sizeof(what), "%s / %s", ex[i].milestone, ex[i].status);
		assert_int_equal(linked(m, find(m, LC_AXIS_MILESTONE, ex[i].milestone),
						       find(m, LC_AXIS_STATUS, ex[i].status)),
				 0);
		expect_refused(m, empty, &st, LC_V_COMBINATION, true, what);
	}
	lc_state_free(empty);
	lc_model_free(m);
}

/* Every milestone x status pair: allowed exactly when the table lists it,
 * and a disposition choosing a refused pair gets combination_not_allowed alone. */
static void check_link_matrix(const char *preset, const link_row *rows)
{
	lc_model *m = load(preset);
	lc_state *empty = state_of(m, NULL, NULL, NULL);
	size_t nm = lc_model_value_count(m, LC_AXIS_MILESTONE);
	size_t ns = lc_model_value_count(m, LC_AXIS_STATUS);
	size_t nrows = 0;
	while (rows[nrows].milestone)
		nrows++;
	assert_int_equal(nm, nrows);
	for (size_t i = 0; i < nm; i++) {
		const char *mk = lc_model_value_key(m, LC_AXIS_MILESTONE, i);
		assert_string_equal(mk, rows[i].milestone); /* the order is the seed's */
		for (size_t j = 0; j < ns; j++) {
			const char *sk = lc_model_value_key(m, LC_AXIS_STATUS, j);
			bool allowed = word_in(rows[i].statuses, sk);
			step st = {.action = "lead_update", .milestone = mk, .status = sk,
				   .follow_up = needs_follow_up(sk) ? FU_FUTURE : FU_NONE};
			char what[160];
			snprintf(what, sizeof(what), "%s / %s", mk, sk);
			assert_int_equal(linked(m, i, j), allowed ? 1 : 0);
			if (allowed)
				expect_ok(m, empty, &st, NULL, what);
			else
				expect_refused(m, empty, &st, LC_V_COMBINATION, true, what);
		}
	}
	/* Every status the table names exists. */
	for (size_t i = 0; i < nrows; i++) {
		char buf[256];
		char *save = NULL;
		snprintf(buf, sizeof(buf), "%s", rows[i].statuses);
		for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
			(void)find(m, LC_AXIS_STATUS, w);
	}
	lc_state_free(empty);
	lc_model_free(m);
}

static void test_leadmanager_examples(void **unused)
{
	(void)unused;
	check_examples("leadmanager", seed_examples, LC_ARRAY_LEN(seed_examples));
	check_forbidden("leadmanager", named_forbidden, LC_ARRAY_LEN(named_forbidden));
	check_link_matrix("leadmanager", leadmanager_links);
}

static void test_insurance_examples(void **unused)
{
	(void)unused;
	check_examples("insurance", seed_examples, LC_ARRAY_LEN(seed_examples));
	check_examples("insurance", insurance_examples, LC_ARRAY_LEN(insurance_examples));
	check_forbidden("insurance", named_forbidden, LC_ARRAY_LEN(named_forbidden));
	check_forbidden("insurance", insurance_forbidden, LC_ARRAY_LEN(insurance_forbidden));
	check_link_matrix("insurance", insurance_links);
}

/* A status change alone is judged against the milestone the lead keeps. */
static void check_kept_milestone(const char *preset)
{
	lc_model *m = load(preset);
	lc_state *cur = state_of(m, "contacted", "requote", NULL);
	step to_new = {.action = "Lead Update", .status = "New"};
	step to_hot = {.action = "Call", .status = "Hot", .follow_up = FU_FUTURE};
	expect_refused(m, cur, &to_new, LC_V_COMBINATION, true, "contacted, status -> new");
	expect_ok(m, cur, &to_hot, NULL, "contacted, status -> hot");
	lc_state_free(cur);
	lc_model_free(m);
}

/* Hot and Follow Up demand a follow-up after now. */
static void check_follow_up(const char *preset)
{
	lc_model *m = load(preset);
	static const char *const statuses[] = {"Hot", "Follow Up"};
	static const char *const milestones[] = {"Contacted", "Quoted"};
	lc_state *cur = state_of(m, "no_milestone", "attempted_contact", NULL);
	for (size_t i = 0; i < 2; i++) {
		for (size_t k = 0; k < 2; k++) {
			step st = {.action = "Call", .milestone = milestones[k], .status = statuses[i]};
			lc_state *next = state_of(m, NULL, NULL, NULL);
			st.follow_up = FU_NONE;
			expect_refused(m, cur, &st, LC_V_FOLLOW_UP_REQUIRED, true, "no follow-up");
			st.follow_up = FU_PAST;
			expect_refused(m, cur, &st, LC_V_FOLLOW_UP_PAST, true, "follow-up yesterday");
			st.follow_up = FU_NOW;
			expect_refused(m, cur, &st, LC_V_FOLLOW_UP_PAST, true, "follow-up now");
			st.follow_up = FU_FUTURE;
			expect_ok(m, cur, &st, next, "follow-up tomorrow");
			assert_int_equal(lc_state_time(next, LC_STATE_TIME_FOLLOW_UP), NOW + DAY);
			lc_state_free(next);
		}
	}
	/* Other statuses take a follow-up without demanding one. */
	{
		step st = {.action = "Call", .milestone = "Quoted", .status = "Requote"};
		expect_ok(m, cur, &st, NULL, "requote without follow-up");
	}
	lc_state_free(cur);
	lc_model_free(m);
}

/* Do Not Call Number and Bad Phone Number forbid Call and Text on a lead
 * that has them; the call that discovers them records them; email stays. */
static void check_blocks(const char *preset)
{
	lc_model *m = load(preset);
	static const char *const blockers[] = {"do_not_call_number", "bad_phone_number"};
	for (size_t i = 0; i < 2; i++) {
		lc_state *cur = state_of(m, "no_milestone", blockers[i], NULL);
		lc_state *fresh = state_of(m, "no_milestone", "new", NULL);
		step call = {.action = "Call"};
		step text = {.action = "Text"};
		step email = {.action = "Email", .milestone = "Contacted", .status = "Requote"};
		step meeting = {.action = "Meeting"};
		step update = {.action = "Lead Update", .status = "Attempted Contact"};
		step choose = {.action = "Call", .status = blockers[i]};
		step note = {.action = "Lead Update", .status = blockers[i]};
		expect_refused(m, cur, &call, LC_V_ACTION_BLOCKED, true, blockers[i]);
		expect_refused(m, cur, &text, LC_V_ACTION_BLOCKED, true, blockers[i]);
		expect_ok(m, cur, &email, NULL, "email despite a blocked phone");
		expect_ok(m, cur, &meeting, NULL, "meeting despite a blocked phone");
		expect_ok(m, cur, &update, NULL, "lead update");
		expect_ok(m, fresh, &choose, NULL, "the call that finds a blocker records it");
		expect_ok(m, fresh, &note, NULL, "lead update choosing a blocker");
		lc_state_free(cur);
		lc_state_free(fresh);
	}
	lc_model_free(m);
}

/* The actions carry the contact flags that the lead's own do-not-call and
 * do-not-email flags act on. */
static void check_contact_flags(const char *preset)
{
	lc_model *m = load(preset);
	lc_state *cur = state_of(m, "no_milestone", "new", NULL);
	step call = {.action = "Call"}, text = {.action = "Text"}, email = {.action = "Email"};
	step update = {.action = "Lead Update"};
	assert_true(has_flag(m, LC_AXIS_ACTION, "call", LC_FLAG_CONTACT | LC_FLAG_PHONE));
	assert_true(has_flag(m, LC_AXIS_ACTION, "text", LC_FLAG_CONTACT | LC_FLAG_PHONE));
	assert_true(has_flag(m, LC_AXIS_ACTION, "email", LC_FLAG_CONTACT | LC_FLAG_EMAIL));
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_ACTION, find(m, LC_AXIS_ACTION, "lead_update")),
			 0);
	if (lc_model_value_find(m, LC_AXIS_ACTION, "meeting", &(size_t){0}) == 0) {
		assert_true(has_flag(m, LC_AXIS_ACTION, "meeting", LC_FLAG_CONTACT));
		assert_false(has_flag(m, LC_AXIS_ACTION, "meeting", LC_FLAG_PHONE));
	}
	assert_int_equal(lc_state_set_flags(cur, LC_STATE_DO_NOT_CALL), 0);
	expect_refused(m, cur, &call, LC_V_ACTION_BLOCKED, true, "call on do-not-call");
	expect_refused(m, cur, &text, LC_V_ACTION_BLOCKED, true, "text on do-not-call");
	expect_ok(m, cur, &email, NULL, "email on do-not-call");
	assert_int_equal(lc_state_set_flags(cur, LC_STATE_DO_NOT_EMAIL), 0);
	expect_ok(m, cur, &call, NULL, "call on do-not-email");
	expect_refused(m, cur, &email, LC_V_ACTION_BLOCKED, true, "email on do-not-email");
	assert_int_equal(lc_state_set_flags(cur, LC_STATE_DO_NOT_CALL | LC_STATE_DO_NOT_EMAIL), 0);
	expect_ok(m, cur, &update, NULL, "lead update on a lead nobody may contact");
	lc_state_free(cur);
	lc_model_free(m);
}

static void test_leadmanager_rules(void **unused)
{
	(void)unused;
	check_kept_milestone("leadmanager");
	check_follow_up("leadmanager");
	check_blocks("leadmanager");
	check_contact_flags("leadmanager");
}

static void test_insurance_rules(void **unused)
{
	(void)unused;
	check_kept_milestone("insurance");
	check_follow_up("insurance");
	check_blocks("insurance");
	check_contact_flags("insurance");
}

/* ------------------------------------------------------------------ */
/* particle (seed 001) */

static void test_particle_structure(void **unused)
{
	static const char *const stages[] = {
		"enquiry", "contact", "engaged", "selected", "committed", "contracted", "settled",
		"surveyed", "periodic_check_in", "service_renewal", "nurture", "hold", "problem",
		"archive"};
	static const char *const phases[] = {"lead", "lead", "opportunity", "opportunity",
					     "opportunity", "opportunity", "customer", "customer",
					     "customer", "customer", "closed", "closed", "closed",
					     "closed"};
	lc_model *m = load("particle");
	(void)unused;
	assert_int_equal(lc_model_value_count(m, LC_AXIS_PHASE), 4);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_STAGE), LC_ARRAY_LEN(stages));
	for (size_t i = 0; i < LC_ARRAY_LEN(stages); i++) {
		size_t parent = SIZE_MAX;
		uint32_t f = lc_model_value_flags(m, LC_AXIS_STAGE, i);
		bool closed = strcmp(phases[i], "closed") == 0;
		assert_string_equal(lc_model_value_key(m, LC_AXIS_STAGE, i), stages[i]);
		assert_int_equal(lc_model_value_parent(m, LC_AXIS_STAGE, i, &parent), 0);
		assert_string_equal(lc_model_value_key(m, LC_AXIS_PHASE, parent), phases[i]);
		assert_int_equal((f & LC_FLAG_CLOSED) != 0, closed);
	}
	assert_true(has_flag(m, LC_AXIS_PHASE, "closed", LC_FLAG_CLOSED));
	assert_false(has_flag(m, LC_AXIS_PHASE, "customer", LC_FLAG_CLOSED));
	assert_true(has_flag(m, LC_AXIS_STAGE, "periodic_check_in", LC_FLAG_REPEATABLE));
	assert_true(has_flag(m, LC_AXIS_STAGE, "service_renewal", LC_FLAG_REPEATABLE));
	assert_false(has_flag(m, LC_AXIS_STAGE, "surveyed", LC_FLAG_REPEATABLE));
	assert_true(has_flag(m, LC_AXIS_STAGE, "problem", LC_FLAG_ENDS_CONTACT));
	assert_false(has_flag(m, LC_AXIS_STAGE, "nurture", LC_FLAG_ENDS_CONTACT));
	assert_true(has_flag(m, LC_AXIS_STAGE, "archive", LC_FLAG_NOT_REPORTABLE));
	/* Problem and Archive are never left; Nurture and Hold are. */
	assert_true(has_flag(m, LC_AXIS_STAGE, "problem", LC_FLAG_TERMINAL));
	assert_true(has_flag(m, LC_AXIS_STAGE, "archive", LC_FLAG_TERMINAL));
	assert_false(has_flag(m, LC_AXIS_STAGE, "nurture", LC_FLAG_TERMINAL));
	assert_false(has_flag(m, LC_AXIS_STAGE, "hold", LC_FLAG_TERMINAL));
	assert_false(has_flag(m, LC_AXIS_STAGE, "hold", LC_FLAG_NOT_REPORTABLE));
	/* Every reason leads to a closed stage and serves the outcome that goes
	 * there: exits to Nurture and Hold, problems to Problem. The public API
	 * has no query for a reason's stage, so this reads the model itself. */
	assert_true(m->axes[LC_AXIS_REASON].n >= 7);
	for (uint32_t i = 0; i < m->axes[LC_AXIS_REASON].n; i++) {
		const lc_value *r = &m->axes[LC_AXIS_REASON].v[i];
		const lc_value *st;
		assert_true(r->parent >= 0);
		st = &m->axes[LC_AXIS_STAGE].v[r->parent];
		assert_true(st->flags & LC_FLAG_CLOSED);
		assert_false(r->lost_reason);
		if (strcmp(st->key, "nurture") == 0 || strcmp(st->key, "hold") == 0)
			assert_int_equal(r->reason_outcomes, 1u << LC_OUTCOME_EXITING);
		else if (strcmp(st->key, "problem") == 0)
			assert_int_equal(r->reason_outcomes, 1u << LC_OUTCOME_PROBLEM);
		else
			assert_string_equal(r->key, "test_lead");
	}
	lc_model_free(m);
}

static void test_particle_outcomes(void **unused)
{
	lc_model *m = load("particle");
	lc_state *enquiry = state_of(m, NULL, NULL, "enquiry");
	lc_state *committed = state_of(m, NULL, NULL, "committed");
	lc_state *next = state_of(m, NULL, NULL, NULL);
	(void)unused;

	/* Progressing may skip one or more stages (no cap in this preset). */
	{
		step st = {.action = "Meeting", .stage = "Committed",
			   .outcome = LC_OUTCOME_PROGRESSING};
		expect_ok(m, enquiry, &st, next, "enquiry -> committed");
		assert_string_equal(lc_state_get(next, LC_AXIS_STAGE), "committed");
		assert_string_equal(lc_state_get(next, LC_AXIS_PHASE), "opportunity");
		st.stage = "Contact";
		expect_ok(m, enquiry, &st, NULL, "enquiry -> contact");
		st.stage = "Service Renewal";
		expect_ok(m, enquiry, &st, NULL, "enquiry -> service renewal");
	}
	/* Going back. */
	{
		step st = {.action = "Call", .stage = "Engaged", .outcome = LC_OUTCOME_GO_BACK};
		expect_ok(m, committed, &st, next, "committed -> engaged");
		assert_string_equal(lc_state_get(next, LC_AXIS_STAGE), "engaged");
		st.outcome = LC_OUTCOME_PROGRESSING;
		expect_refused(m, committed, &st, LC_V_OUTCOME_DIRECTION, true,
			       "progressing backwards");
		st.stage = "Contracted";
		st.outcome = LC_OUTCOME_GO_BACK;
		expect_refused(m, committed, &st, LC_V_OUTCOME_DIRECTION, true, "going back forwards");
	}
	/* A stage change needs an outcome. */
	{
		step st = {.action = "Call", .stage = "Contracted"};
		expect_refused(m, committed, &st, LC_V_OUTCOME_REQUIRED, true, "no outcome");
	}
	/* No change and no contact leave the stage as it is. */
	{
		step st = {.action = "Call", .outcome = LC_OUTCOME_NO_CONTACT};
		expect_ok(m, committed, &st, next, "no contact");
		assert_string_equal(lc_state_get(next, LC_AXIS_STAGE), "committed");
		st.outcome = LC_OUTCOME_NO_CHANGE;
		expect_ok(m, committed, &st, next, "no change");
		assert_string_equal(lc_state_get(next, LC_AXIS_STAGE), "committed");
		st.stage = "Contracted";
		expect_refused(m, committed, &st, LC_V_OUTCOME_UNCHANGED, true,
			       "no change with a stage change");
		st.outcome = LC_OUTCOME_NO_CONTACT;
		expect_refused(m, committed, &st, LC_V_OUTCOME_UNCHANGED, true,
			       "no contact with a stage change");
	}
	lc_state_free(enquiry);
	lc_state_free(committed);
	lc_state_free(next);
	lc_model_free(m);
}

static void test_particle_closing(void **unused)
{
	lc_model *m = load("particle");
	lc_state *selected = state_of(m, NULL, NULL, "selected");
	lc_state *next = state_of(m, NULL, NULL, NULL);
	(void)unused;

	/* Exiting: a reason picks the closed stage. */
	{
		step st = {.action = "Call", .stage = "Nurture", .reason = "Not Ready Yet",
			   .outcome = LC_OUTCOME_EXITING};
		expect_ok(m, selected, &st, next, "exiting to nurture");
		assert_string_equal(lc_state_get(next, LC_AXIS_STAGE), "nurture");
		assert_string_equal(lc_state_get(next, LC_AXIS_PHASE), "closed");
		st.stage = "Hold";
		st.reason = "Bought Elsewhere";
		expect_ok(m, selected, &st, next, "exiting to hold");
		assert_string_equal(lc_state_get(next, LC_AXIS_STAGE), "hold");
		st.reason = NULL;
		expect_refused(m, selected, &st, LC_V_REASON_REQUIRED, true, "exiting, no reason");
		/* A problem reason does not serve an exit. */
		st.stage = "Problem";
		st.reason = "Not Genuine";
		expect_refused(m, selected, &st, LC_V_REASON_NOT_ALLOWED, false,
			       "exiting with a problem reason");
		/* Exiting goes to a closed stage only. */
		st.stage = "Contracted";
		st.reason = "Not Ready Yet";
		expect_refused(m, selected, &st, LC_V_OUTCOME_DIRECTION, false,
			       "exiting into an open stage");
	}
	/* Progressing does not reach a closed stage. */
	{
		step st = {.action = "Call", .stage = "Nurture", .outcome = LC_OUTCOME_PROGRESSING};
		expect_refused(m, selected, &st, LC_V_OUTCOME_DIRECTION, false,
			       "progressing into nurture");
	}
	/* Problem: the lead leaves contact for good. */
	{
		step st = {.action = "Call", .stage = "Problem", .reason = "Not Genuine",
			   .outcome = LC_OUTCOME_PROBLEM};
		step call = {.action = "Call"};
		step email = {.action = "Email"};
		step update = {.action = "Lead Update", .note = "checked the enquiry source"};
		expect_ok(m, selected, &st, next, "problem");
		assert_string_equal(lc_state_get(next, LC_AXIS_STAGE), "problem");
		expect_refused(m, next, &call, LC_V_CONTACT_ENDED, true, "call after problem");
		expect_refused(m, next, &email, LC_V_CONTACT_ENDED, true, "email after problem");
		expect_ok(m, next, &update, NULL, "lead update after problem");
		/* "will not be available for future contact": a Problem lead is
		 * not moved on, by any outcome (the preset flags it terminal) */
		{
			step on = {.action = "Lead Update", .stage = "Contact",
				   .outcome = LC_OUTCOME_PROGRESSING};
			expect_refused(m, next, &on, LC_V_TERMINAL, true, "progressing out of problem");
			on.outcome = LC_OUTCOME_GO_BACK;
			expect_refused(m, next, &on, LC_V_TERMINAL, true, "going back out of problem");
			on.stage = "Archive";
			on.reason = "Test Lead";
			on.outcome = LC_OUTCOME_EXITING;
			expect_refused(m, next, &on, LC_V_TERMINAL, true, "problem to archive");
		}
		st.reason = NULL;
		expect_refused(m, selected, &st, LC_V_REASON_REQUIRED, true, "problem, no reason");
		st.reason = "Plans on Hold";
		st.stage = "Hold";
		expect_refused(m, selected, &st, LC_V_REASON_NOT_ALLOWED, false,
			       "problem with an exit reason");
	}
	/* Archive: test leads leave reporting. */
	{
		step st = {.action = "Lead Update", .stage = "Archive", .reason = "Test Lead",
			   .outcome = LC_OUTCOME_EXITING};
		size_t i = SIZE_MAX;
		expect_ok(m, selected, &st, next, "archive a test lead");
		assert_string_equal(lc_state_get(next, LC_AXIS_STAGE), "archive");
		assert_int_equal(lc_model_value_find(m, LC_AXIS_STAGE, lc_state_get(next, LC_AXIS_STAGE),
						     &i),
				 0);
		assert_true(lc_model_value_flags(m, LC_AXIS_STAGE, i) & LC_FLAG_NOT_REPORTABLE);
	}
	/* A nurtured lead can come back: a stage before Nurture is a step back. */
	{
		lc_state *nurture = state_of(m, NULL, NULL, "nurture");
		step st = {.action = "Call", .stage = "Engaged", .outcome = LC_OUTCOME_GO_BACK};
		expect_ok(m, nurture, &st, next, "nurture -> engaged");
		assert_string_equal(lc_state_get(next, LC_AXIS_PHASE), "opportunity");
		lc_state_free(nurture);
	}
	lc_state_free(selected);
	lc_state_free(next);
	lc_model_free(m);
}

/* Periodic check-in and service renewal count their entries (check-in 1, 2, ...). */
static void test_particle_repeatable(void **unused)
{
	lc_model *m = load("particle");
	lc_state *s = state_of(m, NULL, NULL, "surveyed");
	step check_in = {.action = "Call", .stage = "Periodic Check-in",
			 .outcome = LC_OUTCOME_PROGRESSING};
	step renewal = {.action = "Meeting", .stage = "Service Renewal",
			.outcome = LC_OUTCOME_PROGRESSING};
	step back = {.action = "Call", .stage = "Periodic Check-in", .outcome = LC_OUTCOME_GO_BACK};
	(void)unused;

	assert_int_equal(lc_state_stage_entries(s, "periodic_check_in"), 0);
	expect_ok(m, s, &check_in, s, "check-in 1");
	assert_string_equal(lc_state_get(s, LC_AXIS_STAGE), "periodic_check_in");
	assert_int_equal(lc_state_stage_entries(s, "periodic_check_in"), 1);
	expect_ok(m, s, &check_in, s, "check-in 2");
	assert_int_equal(lc_state_stage_entries(s, "Periodic Check-in"), 2);
	expect_ok(m, s, &renewal, s, "renewal 1");
	assert_int_equal(lc_state_stage_entries(s, "service_renewal"), 1);
	assert_int_equal(lc_state_stage_entries(s, "periodic_check_in"), 2);
	expect_ok(m, s, &back, s, "check-in 3");
	assert_int_equal(lc_state_stage_entries(s, "periodic_check_in"), 3);
	expect_ok(m, s, &renewal, s, "renewal 2");
	assert_int_equal(lc_state_stage_entries(s, "service_renewal"), 2);
	/* Stages that do not repeat are not counted. */
	assert_int_equal(lc_state_stage_entries(s, "surveyed"), 0);
	assert_int_equal(lc_validate_state(m, s, NULL), 0);
	lc_state_free(s);
	lc_model_free(m);
}

/* ------------------------------------------------------------------ */
/* crm (seed 003) */

static void test_crm_lifecycle(void **unused)
{
	static const struct {
		const char *status, *lifecycle;
	} map[] = {{"new", "open"},	    {"in_progress", "open"}, {"qualified", "open"},
		   {"won", "won"},	    {"lost", "lost"},	     {"completed", "completed"}};
	lc_model *m = load("crm");
	lc_state *open = state_of(m, NULL, "In Progress", NULL);
	lc_state *next = state_of(m, NULL, NULL, NULL);
	(void)unused;

	assert_int_equal(lc_model_value_count(m, LC_AXIS_STATUS), LC_ARRAY_LEN(map));
	for (size_t i = 0; i < LC_ARRAY_LEN(map); i++) {
		size_t lc = SIZE_MAX;
		lc_state *s = state_of(m, NULL, map[i].status, NULL);
		assert_int_equal(lc_model_value_parent(m, LC_AXIS_STATUS,
						       find(m, LC_AXIS_STATUS, map[i].status), &lc),
				 0);
		assert_string_equal(lc_model_value_key(m, LC_AXIS_LIFECYCLE, lc), map[i].lifecycle);
		assert_string_equal(lc_state_get(s, LC_AXIS_LIFECYCLE), map[i].lifecycle);
		lc_state_free(s);
	}
	assert_true(has_flag(m, LC_AXIS_LIFECYCLE, "won", LC_FLAG_WON));
	assert_true(has_flag(m, LC_AXIS_LIFECYCLE, "lost", LC_FLAG_LOST));
	assert_true(has_flag(m, LC_AXIS_LIFECYCLE, "completed", LC_FLAG_COMPLETED));

	/* Within one life-cycle state, editing is enough. */
	{
		step st = {.action = "Lead Update", .status = "Qualified"};
		expect_ok(m, open, &st, next, "in progress -> qualified");
		assert_string_equal(lc_state_get(next, LC_AXIS_LIFECYCLE), "open");
	}
	/* Across states only the named action does it. */
	{
		step edit = {.action = "Lead Update", .status = "Won"};
		step call = {.action = "Call", .status = "Won"};
		step wrong = {.action = "Complete", .status = "Won"};
		step win = {.action = "Win Lead", .status = "Won"};
		expect_refused(m, open, &edit, LC_V_LIFECYCLE_CROSSING, true, "won by editing");
		expect_refused(m, open, &call, LC_V_LIFECYCLE_CROSSING, true, "won by a call");
		expect_refused(m, open, &wrong, LC_V_LIFECYCLE_CROSSING, true, "won by complete");
		expect_ok(m, open, &win, next, "won by win lead");
		assert_string_equal(lc_state_get(next, LC_AXIS_STATUS), "won");
		assert_string_equal(lc_state_get(next, LC_AXIS_LIFECYCLE), "won");
		assert_int_equal(lc_state_time(next, LC_STATE_TIME_COMPLETED_AT), LC_TIME_NONE);
	}
	/* Open cannot jump to completed: complete acts on a won lead. */
	{
		step st = {.action = "Complete", .status = "Completed"};
		expect_refused(m, open, &st, LC_V_LIFECYCLE_CROSSING, true, "open -> completed");
	}
	lc_state_free(open);
	lc_state_free(next);
	lc_model_free(m);
}

/* Seed 003's lead definition: the source is chosen "from the lead source
 * list", a category is "a label ... for example, business partner,
 * customer", and the priority is a level; each is a list of the model. */
static void test_crm_record_lists(void **unused)
{
	static const struct {
		lc_axis axis;
		const char *text, *key;
	} found[] = {
		{ LC_AXIS_SOURCE, "Website", "web" },	     { LC_AXIS_SOURCE, "referral", "referral" },
		{ LC_AXIS_SOURCE, "Trade Show", "event" },  { LC_AXIS_CATEGORY, "business partner",
							       "business_partner" },
		{ LC_AXIS_CATEGORY, "Customer", "customer" }, { LC_AXIS_PRIORITY, "Urgent", "high" },
	};
	lc_model *m = load("crm");
	size_t i;
	(void)unused;

	assert_int_equal(lc_model_value_count(m, LC_AXIS_SOURCE), 8);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_CATEGORY), 3);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_PRIORITY), 3);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_TYPE), 0);
	for (size_t k = 0; k < LC_ARRAY_LEN(found); k++) {
		assert_int_equal(lc_model_value_find(m, found[k].axis, found[k].text, &i), 0);
		assert_string_equal(lc_model_value_key(m, found[k].axis, i), found[k].key);
	}
	assert_int_equal(lc_model_value_find(m, LC_AXIS_SOURCE, "Wbe", &i), LC_ENOTFOUND);
	for (size_t k = 0; k < lc_model_value_count(m, LC_AXIS_SOURCE); k++)
		assert_true(*lc_model_value_description(m, LC_AXIS_SOURCE, k));
	lc_model_free(m);
}

static void test_crm_lost_and_completed(void **unused)
{
	lc_model *m = load("crm");
	lc_state *open = state_of(m, NULL, "qualified", NULL);
	lc_state *won = state_of(m, NULL, "won", NULL);
	lc_state *next = state_of(m, NULL, NULL, NULL);
	(void)unused;

	/* A lost lead needs a lost reason. */
	{
		step st = {.action = "Lose Lead", .status = "Lost"};
		expect_refused(m, open, &st, LC_V_REASON_REQUIRED, true, "lost without a reason");
		st.reason = "Competitor";
		expect_ok(m, open, &st, next, "lost to a competitor");
		assert_string_equal(lc_state_get(next, LC_AXIS_LIFECYCLE), "lost");
		st.reason = "Price";
		expect_ok(m, won, &st, next, "a won deal falls through");
		/* "Other" asks the agent to say which in the note. */
		st.reason = "Other";
		expect_refused(m, open, &st, LC_V_NOTE_REQUIRED, true, "other without a note");
		st.note = "the buyer's company was acquired";
		expect_ok(m, open, &st, NULL, "other with a note");
	}
	/* A lost reason anywhere else is refused. */
	{
		step edit = {.action = "Lead Update", .status = "In Progress", .reason = "Price"};
		step win = {.action = "Win Lead", .status = "Won", .reason = "Price"};
		step call = {.action = "Call", .reason = "No Response"};
		expect_refused(m, open, &edit, LC_V_REASON_NOT_ALLOWED, true, "reason while open");
		expect_refused(m, open, &win, LC_V_REASON_NOT_ALLOWED, true, "reason when winning");
		expect_refused(m, open, &call, LC_V_REASON_NOT_ALLOWED, true, "reason on a call");
	}
	/* Completing stamps the actual completion date. */
	{
		step st = {.action = "Complete", .status = "Completed"};
		expect_ok(m, won, &st, next, "complete");
		assert_string_equal(lc_state_get(next, LC_AXIS_LIFECYCLE), "completed");
		assert_int_equal(lc_state_time(next, LC_STATE_TIME_COMPLETED_AT), NOW);
		assert_int_equal(lc_validate_state(m, next, NULL), 0);
	}
	/* Reopen brings a lost, won or completed lead back to open; nothing else does. */
	{
		lc_state *lost = state_of(m, NULL, NULL, NULL);
		step lose = {.action = "Lose Lead", .status = "Lost", .reason = "No Budget"};
		step reopen = {.action = "Reopen", .status = "In Progress"};
		step edit = {.action = "Lead Update", .status = "In Progress"};
		expect_ok(m, open, &lose, lost, "lose");
		expect_refused(m, lost, &edit, LC_V_LIFECYCLE_CROSSING, true, "reopen by editing");
		expect_ok(m, lost, &reopen, next, "reopen a lost lead");
		assert_string_equal(lc_state_get(next, LC_AXIS_LIFECYCLE), "open");
		expect_ok(m, won, &reopen, NULL, "reopen a won lead");
		lc_state_free(lost);
	}
	lc_state_free(open);
	lc_state_free(won);
	lc_state_free(next);
	lc_model_free(m);
}

/* ------------------------------------------------------------------ */
/* conversica (seed 004) */

static void test_conversica(void **unused)
{
	static const struct {
		const char *status;
		uint32_t flags;
	} want[] = {
		{"hot_lead", LC_FLAG_READY_FOR_CONTACT},
		{"lead_to_review", LC_FLAG_AUTOMATION_STOPPED},
		{"further_action", LC_FLAG_READY_FOR_CONTACT},
		{"satisfied", LC_FLAG_AUTOMATION_STOPPED},
		{"disqualified", LC_FLAG_ENDS_CONTACT | LC_FLAG_AUTOMATION_STOPPED | LC_FLAG_CLOSED | LC_FLAG_LOST},
		{"no_further_action", LC_FLAG_REENGAGE_ELIGIBLE | LC_FLAG_AUTOMATION_STOPPED},
		{"lead_at_risk", LC_FLAG_DEPRECATED | LC_FLAG_READY_FOR_CONTACT},
	};
	lc_model *m = load("conversica");
	lc_state *risk = state_of(m, NULL, "Lead at Risk", NULL);
	lc_state *hot = state_of(m, NULL, "Hot Lead", NULL);
	lc_state *next = state_of(m, NULL, NULL, NULL);
	lc_violations *v = NULL;
	(void)unused;

	assert_int_equal(lc_model_version(m), 2);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_STATUS), LC_ARRAY_LEN(want));
	for (size_t i = 0; i < LC_ARRAY_LEN(want); i++) {
		assert_string_equal(lc_model_value_key(m, LC_AXIS_STATUS, i), want[i].status);
		assert_int_equal(lc_model_value_flags(m, LC_AXIS_STATUS, i), want[i].flags);
	}

	/* A lead that holds the legacy value stays valid. */
	assert_int_equal(lc_violations_new(&v), 0);
	assert_int_equal(lc_validate_state(m, risk, v), 0);
	assert_int_equal(lc_table_row_count(lc_violations_table(v)), 0);
	lc_violations_free(v);
	{
		step touch = {.action = "Email"};
		step move = {.action = "Call", .status = "Further Action"};
		expect_ok(m, risk, &touch, next, "email a lead at risk");
		assert_string_equal(lc_state_get(next, LC_AXIS_STATUS), "lead_at_risk");
		expect_ok(m, risk, &move, next, "lead at risk -> further action");
		assert_string_equal(lc_state_get(next, LC_AXIS_STATUS), "further_action");
	}
	/* ... but nobody chooses it anew. */
	{
		step st = {.action = "Lead Update", .status = "Lead at Risk"};
		expect_refused(m, hot, &st, LC_V_DEPRECATED, true, "choose lead at risk");
		st.status = "lead_at_risk";
		expect_refused(m, hot, &st, LC_V_DEPRECATED, true, "choose lead_at_risk");
	}
	/* Disqualified ends contact; recording a status change still works. */
	{
		lc_state *dq = state_of(m, NULL, "Disqualified", NULL);
		step email = {.action = "Email"}, text = {.action = "Text"};
		step update = {.action = "Lead Update", .status = "No Further Action"};
		expect_refused(m, dq, &email, LC_V_CONTACT_ENDED, true, "email a disqualified lead");
		expect_refused(m, dq, &text, LC_V_CONTACT_ENDED, true, "text a disqualified lead");
		expect_ok(m, dq, &update, NULL, "update a disqualified lead");
		lc_state_free(dq);
	}
	lc_state_free(risk);
	lc_state_free(hot);
	lc_state_free(next);
	lc_model_free(m);
}

/* Version 1 of the conversica preset, as docs/model-format.md describes it:
 * the legacy set alone, nothing deprecated. Not shipped; kept here to prove
 * that version 2 accepts every version 1 lead unchanged. */
static const char conversica_v1[] =
	"{\"format\": 1, \"name\": \"conversica\", \"version\": 1,"
	" \"description\": \"Conversica lead statuses, legacy set.\","
	" \"actions\": ["
	"  {\"key\": \"email\", \"label\": \"Email\", \"description\": \"An email.\","
	"   \"flags\": [\"contact\", \"email\"]},"
	"  {\"key\": \"lead_update\", \"label\": \"Lead Update\", \"description\": \"A status change.\"}],"
	" \"statuses\": ["
	"  {\"key\": \"hot_lead\", \"label\": \"Hot Lead\", \"description\": \"Ready for contact.\","
	"   \"flags\": [\"ready_for_contact\"]},"
	"  {\"key\": \"lead_to_review\", \"label\": \"Lead to Review\", \"description\": \"Review.\","
	"   \"flags\": [\"automation_stopped\"]},"
	"  {\"key\": \"lead_at_risk\", \"label\": \"Lead at Risk\", \"description\": \"At risk.\","
	"   \"flags\": [\"ready_for_contact\"]},"
	"  {\"key\": \"satisfied\", \"label\": \"Satisfied\", \"description\": \"Helped.\","
	"   \"flags\": [\"automation_stopped\"]}]}";

static void test_conversica_versions(void **unused)
{
	lc_model *v1 = NULL, *v2 = load("conversica");
	(void)unused;
	assert_int_equal(lc_model_load_string(&v1, conversica_v1, "conversica-v1"), 0);
	assert_int_equal(lc_model_version(v1), 1);
	for (size_t i = 0; i < lc_model_value_count(v1, LC_AXIS_STATUS); i++) {
		const char *key = lc_model_value_key(v1, LC_AXIS_STATUS, i);
		size_t j = SIZE_MAX;
		lc_state *old = state_of(v1, NULL, key, NULL);
		lc_state *now = state_of(v2, NULL, key, NULL);
		step pick = {.action = "Lead Update", .status = key};
		lc_state *fresh1 = state_of(v1, NULL, NULL, NULL);
		lc_state *fresh2 = state_of(v2, NULL, NULL, NULL);
		/* Same key, same label, and a v1 lead is a valid v2 lead. */
		assert_int_equal(lc_model_value_find(v2, LC_AXIS_STATUS, key, &j), 0);
		assert_string_equal(lc_model_value_label(v2, LC_AXIS_STATUS, j),
				    lc_model_value_label(v1, LC_AXIS_STATUS, i));
		assert_int_equal(lc_validate_state(v1, old, NULL), 0);
		assert_int_equal(lc_validate_state(v2, now, NULL), 0);
		/* Every v1 status could be chosen in v1; in v2 all but Lead at Risk. */
		expect_ok(v1, fresh1, &pick, NULL, key);
		if (strcmp(key, "lead_at_risk") == 0) {
			assert_false(lc_model_value_flags(v1, LC_AXIS_STATUS, i) & LC_FLAG_DEPRECATED);
			assert_true(lc_model_value_flags(v2, LC_AXIS_STATUS, j) & LC_FLAG_DEPRECATED);
			expect_refused(v2, fresh2, &pick, LC_V_DEPRECATED, true, key);
		} else {
			assert_int_equal(lc_model_value_flags(v2, LC_AXIS_STATUS, j),
					 lc_model_value_flags(v1, LC_AXIS_STATUS, i));
			expect_ok(v2, fresh2, &pick, NULL, key);
		}
		lc_state_free(old);
		lc_state_free(now);
		lc_state_free(fresh1);
		lc_state_free(fresh2);
	}
	lc_model_free(v1);
	lc_model_free(v2);
}

/* ------------------------------------------------------------------ */
/* Stories: a lead's life in each preset, one disposition a day, as the seed
 * tells it. Every step must be valid and leave a valid state. */

typedef struct story_step {
	step st;
	const char *want_milestone, *want_status, *want_stage; /* NULL: not checked */
} story_step;

static void run_story(const lc_model *m, const story_step *steps, size_t n, lc_state *s)
{
	const char *preset = lc_model_name(m);
	lc_disposition *d = NULL;
	lc_violations *v = NULL;
	assert_int_equal(lc_violations_new(&v), 0);
	for (size_t i = 0; i < n; i++) {
		lc_time now = NOW + (lc_time)i * DAY;
		const step *st = &steps[i].st;
		int rc;
		d = disposition_of(m, st);
		/* disposition_of() dates follow-ups from NOW; re-date them from this day. */
		if (st->follow_up == FU_FUTURE)
			assert_int_equal(lc_disposition_set_follow_up(d, now + DAY), 0);
		rc = lc_transition(m, s, d, now, s, v);
		if (rc != 0) {
			print_error("%s story, step %zu (%s): %s\n", preset, i + 1, st->action,
				    lc_error_name(rc));
			dump("story", v);
		}
		assert_int_equal(rc, 0);
		assert_int_equal(lc_validate_state(m, s, NULL), 0);
		if (steps[i].want_milestone)
			assert_string_equal(lc_state_get(s, LC_AXIS_MILESTONE), steps[i].want_milestone);
		if (steps[i].want_status)
			assert_string_equal(lc_state_get(s, LC_AXIS_STATUS), steps[i].want_status);
		if (steps[i].want_stage)
			assert_string_equal(lc_state_get(s, LC_AXIS_STAGE), steps[i].want_stage);
		if (st->follow_up == FU_FUTURE)
			assert_int_equal(lc_state_time(s, LC_STATE_TIME_FOLLOW_UP), now + DAY);
		lc_disposition_free(d);
	}
	lc_violations_free(v);
}

static void test_stories(void **unused)
{
	/* Seed 000: from a new lead to a sale. */
	static const story_step sale[] = {
		{{.action = "Lead Update", .milestone = "No Milestone", .status = "New"},
		 "no_milestone", "new", NULL},
		{{.action = "Call", .status = "Attempted Contact"}, "no_milestone",
		 "attempted_contact", NULL},
		{{.action = "Call", .milestone = "Contacted", .status = "Follow Up",
		  .follow_up = FU_FUTURE},
		 "contacted", "follow_up", NULL},
		{{.action = "Email", .status = "Hot", .follow_up = FU_FUTURE}, "contacted", "hot", NULL},
		{{.action = "Meeting", .milestone = "Quoted", .follow_up = FU_FUTURE}, "quoted", "hot",
		 NULL},
		{{.action = "Call", .milestone = "Sold", .status = "Customer"}, "sold", "customer", NULL},
		{{.action = "Call", .status = "Follow Up", .follow_up = FU_FUTURE}, "sold", "follow_up",
		 NULL},
	};
	/* Seed 000, insurance: a customer, a cross-sell, a cancellation, a winback. */
	static const story_step policy[] = {
		{{.action = "Lead Update", .milestone = "No Milestone", .status = "New"},
		 "no_milestone", "new", NULL},
		{{.action = "Call", .milestone = "Quoted", .status = "Hot", .follow_up = FU_FUTURE},
		 "quoted", "hot", NULL},
		{{.action = "Meeting", .milestone = "Sold", .status = "Customer"}, "sold", "customer",
		 NULL},
		{{.action = "Call", .status = "Cross-Sell Home"}, "sold", "cross_sell_home", NULL},
		{{.action = "Lead Update", .milestone = "Cancelled Policy", .status = "Winback"},
		 "cancelled_policy", "winback", NULL},
		{{.action = "Call", .milestone = "Contacted", .status = "Hot", .follow_up = FU_FUTURE},
		 "contacted", "hot", NULL},
		{{.action = "Email", .milestone = "Quoted", .status = "Requote"}, "quoted", "requote",
		 NULL},
	};
	/* Seed 001: through every phase, check-ins counted. */
	static const story_step engagement[] = {
		{{.action = "Lead Update", .stage = "Enquiry", .outcome = LC_OUTCOME_PROGRESSING},
		 NULL, NULL, "enquiry"},
		{{.action = "Call", .outcome = LC_OUTCOME_NO_CONTACT}, NULL, NULL, "enquiry"},
		{{.action = "Call", .stage = "Contact", .outcome = LC_OUTCOME_PROGRESSING}, NULL, NULL,
		 "contact"},
		{{.action = "Meeting", .stage = "Selected", .outcome = LC_OUTCOME_PROGRESSING}, NULL,
		 NULL, "selected"},
		{{.action = "Email", .outcome = LC_OUTCOME_NO_CHANGE}, NULL, NULL, "selected"},
		{{.action = "Meeting", .stage = "Contracted", .outcome = LC_OUTCOME_PROGRESSING}, NULL,
		 NULL, "contracted"},
		{{.action = "Lead Update", .stage = "Settled", .outcome = LC_OUTCOME_PROGRESSING}, NULL,
		 NULL, "settled"},
		{{.action = "Email", .stage = "Surveyed", .outcome = LC_OUTCOME_PROGRESSING}, NULL,
		 NULL, "surveyed"},
		{{.action = "Call", .stage = "Periodic Check-in", .outcome = LC_OUTCOME_PROGRESSING},
		 NULL, NULL, "periodic_check_in"},
		{{.action = "Call", .stage = "Periodic Check-in", .outcome = LC_OUTCOME_PROGRESSING},
		 NULL, NULL, "periodic_check_in"},
		{{.action = "Meeting", .stage = "Service Renewal", .outcome = LC_OUTCOME_PROGRESSING},
		 NULL, NULL, "service_renewal"},
	};
	/* Seed 001: an exit chosen by its reason alone, and a return. */
	static const story_step nurture[] = {
		{{.action = "Lead Update", .stage = "Enquiry", .outcome = LC_OUTCOME_PROGRESSING},
		 NULL, NULL, "enquiry"},
		{{.action = "Call", .stage = "Contact", .outcome = LC_OUTCOME_PROGRESSING}, NULL, NULL,
		 "contact"},
		{{.action = "Call", .reason = "Not Ready Yet", .outcome = LC_OUTCOME_EXITING}, NULL,
		 NULL, "nurture"},
		{{.action = "Email", .outcome = LC_OUTCOME_NO_CHANGE}, NULL, NULL, "nurture"},
		{{.action = "Call", .stage = "Engaged", .outcome = LC_OUTCOME_GO_BACK}, NULL, NULL,
		 "engaged"},
		{{.action = "Call", .reason = "Wrong Details", .outcome = LC_OUTCOME_PROBLEM}, NULL,
		 NULL, "problem"},
	};
	/* Seed 003: worked, won, completed. */
	static const story_step deal[] = {
		{{.action = "Lead Update", .status = "New"}, NULL, "new", NULL},
		{{.action = "Call", .status = "In Progress"}, NULL, "in_progress", NULL},
		{{.action = "Meeting", .status = "Qualified"}, NULL, "qualified", NULL},
		{{.action = "Win Lead", .status = "Won"}, NULL, "won", NULL},
		{{.action = "Complete", .status = "Completed"}, NULL, "completed", NULL},
	};
	/* Seed 004: the assistant's statuses over a conversation. */
	static const story_step conversation[] = {
		{{.action = "Email"}, NULL, NULL, NULL},
		{{.action = "Email", .status = "Lead to Review"}, NULL, "lead_to_review", NULL},
		{{.action = "Lead Update", .status = "Hot Lead"}, NULL, "hot_lead", NULL},
		{{.action = "Call", .status = "Further Action"}, NULL, "further_action", NULL},
		{{.action = "Call", .status = "Satisfied"}, NULL, "satisfied", NULL},
		{{.action = "Lead Update", .status = "No Further Action"}, NULL, "no_further_action",
		 NULL},
	};
	lc_model *m;
	lc_state *s;
	(void)unused;

	m = load("leadmanager");
	s = state_of(m, NULL, NULL, NULL);
	run_story(m, sale, LC_ARRAY_LEN(sale), s);
	lc_state_free(s);
	lc_model_free(m);

	m = load("insurance");
	s = state_of(m, NULL, NULL, NULL);
	run_story(m, sale, LC_ARRAY_LEN(sale), s);
	lc_state_free(s);
	s = state_of(m, NULL, NULL, NULL);
	run_story(m, policy, LC_ARRAY_LEN(policy), s);
	lc_state_free(s);
	lc_model_free(m);

	m = load("particle");
	s = state_of(m, NULL, NULL, NULL);
	run_story(m, engagement, LC_ARRAY_LEN(engagement), s);
	assert_string_equal(lc_state_get(s, LC_AXIS_PHASE), "customer");
	assert_int_equal(lc_state_stage_entries(s, "periodic_check_in"), 2);
	assert_int_equal(lc_state_stage_entries(s, "service_renewal"), 1);
	lc_state_free(s);
	s = state_of(m, NULL, NULL, NULL);
	run_story(m, nurture, LC_ARRAY_LEN(nurture), s);
	assert_string_equal(lc_state_get(s, LC_AXIS_PHASE), "closed");
	lc_state_free(s);
	lc_model_free(m);

	m = load("crm");
	s = state_of(m, NULL, NULL, NULL);
	run_story(m, deal, LC_ARRAY_LEN(deal), s);
	assert_string_equal(lc_state_get(s, LC_AXIS_LIFECYCLE), "completed");
	assert_int_equal(lc_state_time(s, LC_STATE_TIME_COMPLETED_AT), NOW + 4 * DAY);
	lc_state_free(s);
	lc_model_free(m);

	m = load("conversica");
	s = state_of(m, NULL, NULL, NULL);
	run_story(m, conversation, LC_ARRAY_LEN(conversation), s);
	lc_state_free(s);
	lc_model_free(m);
}

/* ------------------------------------------------------------------ */
/* Real data: the X Education leads (../shared/data, not part of the
 * project). Its Tags column reads like call outcomes; mapped onto
 * leadmanager, every tagged lead's disposition must be allowed, except that
 * the lead's own Do Not Call / Do Not Email flags refuse a Call / an Email. */

typedef struct tag_map {
	const char *tag;
	const char *action, *milestone, *status;
} tag_map;

static const tag_map x_education_tags[] = {
	{"Will revert after reading the email", "Email", "Contacted", "Follow Up"},
	{"Ringing", "Call", "No Milestone", "Attempted Contact"},
	{"Busy", "Call", "No Milestone", "Attempted Contact"},
	{"switched off", "Call", "No Milestone", "Attempted Contact"},
	{"opp hangup", "Call", "Contacted", "Follow Up"},
	{"invalid number", "Lead Update", "No Milestone", "Bad Phone Number"},
	{"wrong number given", "Lead Update", "No Milestone", "Bad Phone Number"},
	{"number not provided", "Lead Update", "No Milestone", "Bad Phone Number"},
	{"Closed by Horizzon", "Call", "Sold", "Customer"},
	{"Still Thinking", "Call", "Contacted", "Follow Up"},
	{"in touch with EINS", "Call", "Contacted", "Follow Up"},
	{"In confusion whether part time or DLP", "Call", "Contacted", "Hot"},
	{"Shall take in the next coming month", "Call", "Contacted", "Hot"},
	{"Lateral student", "Call", "Contacted", "Hot"},
	{"Graduation in progress", "Call", "Contacted", "Requote"},
	{"Interested in Next batch", "Call", "Contacted", "Requote"},
	{"Want to take admission but has financial problems", "Call", "Contacted", "Requote"},
	{"Interested in other courses", "Call", "Not Interested", "Not Interested"},
	{"Interested  in full time MBA", "Call", "Not Interested", "Not Interested"},
	{"Already a student", "Call", "Not Interested", "Not Interested"},
	{"Not doing further education", "Call", "Not Interested", "Not Interested"},
	{"Diploma holder (Not Eligible)", "Call", "Not Interested", "Not Interested"},
	{"University not recognized", "Call", "Not Interested", "Not Interested"},
	{"Recognition issue (DEC approval)", "Call", "Not Interested", "Not Interested"},
	{"Lost to EINS", "Call", "Not Interested", "Not Interested"},
	{"Lost to Others", "Call", "Not Interested", "Not Interested"},
};

typedef struct csv_walk {
	const lc_model *m;
	lc_violations *v;
	size_t row, col;
	int tags_col, dnc_col, dne_col;
	char tag[256];
	bool dnc, dne;
	size_t tagged, valid, blocked, unknown_tags;
	bool failed;
} csv_walk;

static void csv_field(void *data, size_t len, void *ud)
{
	csv_walk *w = ud;
	const char *f = data ? data : "";
	if (w->row == 0) {
		if (len == 4 && memcmp(f, "Tags", 4) == 0)
			w->tags_col = (int)w->col;
		else if (len == 11 && memcmp(f, "Do Not Call", 11) == 0)
			w->dnc_col = (int)w->col;
		else if (len == 12 && memcmp(f, "Do Not Email", 12) == 0)
			w->dne_col = (int)w->col;
	} else if ((int)w->col == w->tags_col) {
		snprintf(w->tag, sizeof(w->tag), "%.*s", (int)len, f);
	} else if ((int)w->col == w->dnc_col) {
		w->dnc = len == 3 && memcmp(f, "Yes", 3) == 0;
	} else if ((int)w->col == w->dne_col) {
		w->dne = len == 3 && memcmp(f, "Yes", 3) == 0;
	}
	w->col++;
}

static void csv_row(int c, void *ud)
{
	csv_walk *w = ud;
	const tag_map *t = NULL;
	(void)c;
	if (w->row++ == 0 || !w->tag[0] || w->failed)
		goto next;
	for (size_t i = 0; i < LC_ARRAY_LEN(x_education_tags); i++)
		if (strcmp(w->tag, x_education_tags[i].tag) == 0)
			t = &x_education_tags[i];
	if (!t) {
		print_error("x-education row %zu: tag '%s' has no mapping\n", w->row, w->tag);
		w->unknown_tags++;
		goto next;
	}
	w->tagged++;
	{
		step st = {.action = t->action, .milestone = t->milestone, .status = t->status,
			   .follow_up = needs_follow_up(t->status) ? FU_FUTURE : FU_NONE};
		lc_state *cur = state_of(w->m, NULL, NULL, NULL);
		bool refuse = (w->dnc && (strcmp(t->action, "Call") == 0)) ||
			      (w->dne && (strcmp(t->action, "Email") == 0));
		int rc;
		assert_int_equal(lc_state_set_flags(cur, (w->dnc ? LC_STATE_DO_NOT_CALL : 0) |
							  (w->dne ? LC_STATE_DO_NOT_EMAIL : 0)),
				 0);
		rc = judge(w->m, cur, &st, NULL, w->v);
		if (refuse ? (rc != LC_EINVALID || lc_table_row_count(lc_violations_table(w->v)) != 1 ||
			      (int)lc_table_int(lc_violations_table(w->v), 0, 0) != LC_V_ACTION_BLOCKED)
			   : rc != 0) {
			print_error("x-education row %zu ('%s', dnc %d, dne %d): %s\n", w->row, w->tag,
				    w->dnc, w->dne, lc_error_name(rc));
			dump("row", w->v);
			w->failed = true;
		}
		if (refuse)
			w->blocked++;
		else
			w->valid++;
		lc_state_free(cur);
	}
next:
	w->col = 0;
	w->tag[0] = '\0';
	w->dnc = w->dne = false;
}

static void test_real_data(void **unused)
{
	const char *dir = getenv("LC_DATA_DIR");
	const char *root = getenv("LC_SOURCE_ROOT");
	char path[4096];
	char buf[65536];
	struct csv_parser p;
	csv_walk w = {.tags_col = -1, .dnc_col = -1, .dne_col = -1};
	FILE *f;
	size_t n;
	(void)unused;

	if (dir)
		snprintf(path, sizeof(path), "%s/x-education-leads.csv", dir);
	else
		snprintf(path, sizeof(path), "%s/../shared/data/x-education-leads.csv",
			 root ? root : LC_SOURCE_ROOT);
	f = fopen(path, "rb");
	if (!f) {
		print_message("skipped: %s is absent (set LC_DATA_DIR to the folder holding "
			      "x-education-leads.csv to run this test)\n", path);
		skip();
	}
	w.m = load("leadmanager");
	assert_int_equal(lc_violations_new(&w.v), 0);
	assert_int_equal(csv_init(&p, CSV_APPEND_NULL), 0);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(csv_parse(&p, buf, n, csv_field, csv_row, &w), n);
	assert_int_equal(csv_fini(&p, csv_field, csv_row, &w), 0);
	csv_free(&p);
	fclose(f);
	lc_violations_free(w.v);
	lc_model_free((lc_model *)w.m);

	print_message("x-education: %zu tagged leads, %zu valid, %zu refused by their own "
		      "do-not-call/do-not-email flag\n", w.tagged, w.valid, w.blocked);
	assert_true(w.tags_col >= 0 && w.dnc_col >= 0 && w.dne_col >= 0);
	assert_false(w.failed);
	assert_int_equal(w.unknown_tags, 0);
	assert_true(w.tagged > 5000);
	assert_true(w.blocked > 0);
	assert_int_equal(w.tagged, w.valid + w.blocked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preset_list),
		cmocka_unit_test(test_preset_values),
		cmocka_unit_test(test_preset_files),
		cmocka_unit_test(test_doc_examples),
		cmocka_unit_test(test_leadmanager_examples),
		cmocka_unit_test(test_leadmanager_rules),
		cmocka_unit_test(test_insurance_examples),
		cmocka_unit_test(test_insurance_rules),
		cmocka_unit_test(test_particle_structure),
		cmocka_unit_test(test_particle_outcomes),
		cmocka_unit_test(test_particle_closing),
		cmocka_unit_test(test_particle_repeatable),
		cmocka_unit_test(test_crm_lifecycle),
		cmocka_unit_test(test_crm_lost_and_completed),
		cmocka_unit_test(test_crm_record_lists),
		cmocka_unit_test(test_conversica),
		cmocka_unit_test(test_conversica_versions),
		cmocka_unit_test(test_stories),
		cmocka_unit_test(test_real_data),
	};
	return cmocka_run_group_tests_name("presets", tests, NULL, NULL);
}
