/* model: the JSON reader and its problems, lookups, links, builder, export
 * (canonical JSON and DOT), presets and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "leadcore/leadcore.h"
#include "model/model_internal.h"

/* ---- helpers ---- */

/* lc_model_link_allowed()'s answer: 1 or 0, or its error code (and then
 * the out-parameter must read 0). */
static int linked(const lc_model *m, size_t milestone, size_t status)
{
	int allowed = -1;
	int rc = lc_model_link_allowed(m, milestone, status, &allowed);
	if (rc != 0) {
		assert_int_equal(allowed, m ? 0 : -1);
		return rc;
	}
	assert_true(allowed == 0 || allowed == 1);
	return allowed;
}

static const char *source_root(void)
{
	const char *r = getenv("LC_SOURCE_ROOT");
	return r && *r ? r : LC_SOURCE_ROOT;
}

static char *fixture_path(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/models/%s", source_root(), name);
	return path;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *s;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static lc_model *load_ok(const char *json)
{
	lc_model *m = NULL;
	int rc = lc_model_load_string(&m, json, "t.json");
	if (rc != 0)
		fail_msg("load failed (%d): %s", rc, lc_error_last());
	return m;
}

/* Loading must fail with LC_EFORMAT and the last error must contain `want`
 * (a "t.json:L:C: ..." prefix and a phrase). */
static void expect_problem(const char *json, const char *want)
{
	lc_model *m = (lc_model *)1;
	int rc = lc_model_load_string(&m, json, "t.json");
	assert_int_equal(rc, LC_EFORMAT);
	assert_null(m);
	if (!strstr(lc_error_last(), want))
		fail_msg("expected \"%s\" in:\n%s", want, lc_error_last());
}

/* A model text with the given members after the header. */
#define HDR "{\"format\": 1, \"name\": \"t\", \"version\": 1,\n"

static void assert_models_equal(const lc_model *a, const lc_model *b)
{
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->description, b->description);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->required_fields, b->required_fields);
	for (int x = 0; x < LC__AXIS_SLOTS; x++) {
		const lc_axis_values *p = &a->axes[x], *q = &b->axes[x];
		assert_int_equal(p->n, q->n);
		for (uint32_t i = 0; i < p->n; i++) {
			assert_int_equal(p->v[i].has_attrs, q->v[i].has_attrs);
			assert_int_equal(p->v[i].nattrs, q->v[i].nattrs);
			for (uint32_t k = 0; k < p->v[i].nattrs; k++) {
				assert_string_equal(p->v[i].attrs[k].key, q->v[i].attrs[k].key);
				assert_int_equal(p->v[i].attrs[k].def != NULL, q->v[i].attrs[k].def != NULL);
				if (p->v[i].attrs[k].def)
					assert_string_equal(p->v[i].attrs[k].def, q->v[i].attrs[k].def);
			}
			assert_string_equal(p->v[i].key, q->v[i].key);
			assert_string_equal(p->v[i].label, q->v[i].label);
			assert_string_equal(p->v[i].description, q->v[i].description);
			assert_int_equal(p->v[i].flags, q->v[i].flags);
			assert_int_equal(p->v[i].parent, q->v[i].parent);
			assert_int_equal(p->v[i].requires, q->v[i].requires);
			assert_true(p->v[i].blocks == q->v[i].blocks);
			assert_int_equal(p->v[i].reason_outcomes, q->v[i].reason_outcomes);
			assert_int_equal(p->v[i].lost_reason, q->v[i].lost_reason);
		}
		assert_int_equal(p->transitions != NULL, q->transitions != NULL);
		if (p->transitions)
			assert_memory_equal(p->transitions, q->transitions, (size_t)p->n * p->n);
	}
	{
		size_t nm = a->axes[LC_AXIS_MILESTONE].n, ns = a->axes[LC_AXIS_STATUS].n;
		assert_int_equal(a->links != NULL, b->links != NULL);
		if (a->links) {
			assert_memory_equal(a->links, b->links, nm * ns);
			assert_memory_equal(a->linked, b->linked, nm * sizeof(bool));
		}
	}
	assert_int_equal(a->ncrossings, b->ncrossings);
	for (uint32_t i = 0; i < a->ncrossings; i++) {
		assert_int_equal(a->crossings[i].action, b->crossings[i].action);
		assert_int_equal(a->crossings[i].from, b->crossings[i].from);
		assert_int_equal(a->crossings[i].to, b->crossings[i].to);
	}
	assert_int_equal(a->outcome_axis, b->outcome_axis);
	assert_int_equal(a->max_skip, b->max_skip);
	assert_int_equal(a->outcome_required, b->outcome_required);
	assert_int_equal(a->nrules, b->nrules);
	for (uint32_t i = 0; i < a->nrules; i++)
		assert_string_equal(a->rules[i], b->rules[i]);
}

/* export -> load -> equal -> export again is byte-identical */
static void round_trip(const lc_model *m)
{
	char *j1 = NULL, *j2 = NULL;
	size_t l1 = 0, l2 = 0;
	lc_model *m2;

	assert_int_equal(lc_model_to_json(m, &j1, &l1), 0);
	assert_int_equal(strlen(j1), l1);
	assert_true(l1 > 2 && j1[l1 - 1] == '\n');
	m2 = load_ok(j1);
	assert_models_equal(m, m2);
	assert_int_equal(lc_model_to_json(m2, &j2, &l2), 0);
	assert_int_equal(l1, l2);
	assert_string_equal(j1, j2);
	lc_free(j1);
	lc_free(j2);
	lc_model_free(m2);
}

static bool has_rule(const lc_model *m, const char *text)
{
	lc_table *rules = NULL;
	bool found = false;

	assert_int_equal(lc_model_rules(m, &rules), 0);
	assert_string_equal(lc_table_kind(rules), "rules");
	for (size_t i = 0; i < lc_table_row_count(rules) && !found; i++)
		found = strcmp(lc_table_text(rules, i, 0), text) == 0;
	lc_table_free(rules);
	return found;
}

/* The presets' names, read from lc_model_presets() (freed by the caller). */
static lc_table *preset_names(void)
{
	lc_table *t = NULL;

	assert_int_equal(lc_model_presets(&t), 0);
	assert_string_equal(lc_table_kind(t), "presets");
	return t;
}

/* ---- tests ---- */

static void test_axis_and_outcome_names(void **state)
{
	lc_axis a;
	lc_outcome o;
	(void)state;
	assert_string_equal(lc_axis_name(LC_AXIS_STAGE), "stage");
	assert_string_equal(lc_axis_name(LC_AXIS_LIFECYCLE), "lifecycle");
	assert_null(lc_axis_name(LC_AXIS_COUNT));
	assert_null(lc_axis_name((lc_axis)-1));
	assert_int_equal(lc_axis_parse("Statuses", &a), 0);
	assert_int_equal(a, LC_AXIS_STATUS);
	assert_int_equal(lc_axis_parse("REASON", &a), 0);
	assert_int_equal(a, LC_AXIS_REASON);
	assert_int_equal(lc_axis_parse("colour", &a), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "milestone"));
	assert_int_equal(lc_axis_parse(NULL, &a), LC_EINVAL);
	assert_int_equal(lc_axis_parse("stage", NULL), LC_EINVAL);

	assert_string_equal(lc_outcome_name(LC_OUTCOME_GO_BACK), "go_back");
	assert_string_equal(lc_outcome_name(LC_OUTCOME_NONE), "none");
	assert_null(lc_outcome_name((lc_outcome)7));
	assert_int_equal(lc_outcome_parse("Go back", &o), 0);
	assert_int_equal(o, LC_OUTCOME_GO_BACK);
	assert_int_equal(lc_outcome_parse("NO-CONTACT", &o), 0);
	assert_int_equal(o, LC_OUTCOME_NO_CONTACT);
	assert_int_equal(lc_outcome_parse("forward", &o), LC_ENOTFOUND);
	assert_int_equal(lc_outcome_parse(NULL, &o), LC_EINVAL);
	assert_int_equal(lc_outcome_parse("none", NULL), LC_EINVAL);
}

static void test_load_full_fixture(void **state)
{
	lc_model *m = NULL;
	size_t i, p;
	(void)state;
	assert_int_equal(lc_model_load_file(&m, fixture_path("full.json")), 0);
	assert_string_equal(lc_model_name(m), "full-test");
	assert_int_equal(lc_model_version(m), 3);
	assert_string_equal(lc_model_description(m), "Every rule kind once, for the model suite.");
	assert_int_equal(lc_model_value_count(m, LC_AXIS_ACTION), 5);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_STAGE), 5);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_COUNT), 0);
	assert_int_equal(lc_model_value_count(NULL, LC_AXIS_STAGE), 0);

	/* order, derived and explicit keys, labels, descriptions */
	assert_string_equal(lc_model_value_key(m, LC_AXIS_MILESTONE, 0), "no_milestone");
	assert_string_equal(lc_model_value_label(m, LC_AXIS_MILESTONE, 1), "Quoted");
	assert_string_equal(lc_model_value_description(m, LC_AXIS_MILESTONE, 1), "A quote was sent.");
	assert_string_equal(lc_model_value_description(m, LC_AXIS_MILESTONE, 0), "");
	assert_string_equal(lc_model_value_key(m, LC_AXIS_ACTION, 2), "win");
	assert_string_equal(lc_model_value_label(m, LC_AXIS_ACTION, 2), "Win Lead");
	assert_null(lc_model_value_key(m, LC_AXIS_MILESTONE, 3));
	assert_null(lc_model_value_label(m, LC_AXIS_MILESTONE, 3));
	assert_null(lc_model_value_description(m, LC_AXIS_MILESTONE, 3));
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_ACTION, 0), LC_FLAG_CONTACT | LC_FLAG_PHONE);
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_LIFECYCLE, 1), LC_FLAG_WON | LC_FLAG_COMPLETED);
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_ACTION, 99), 0);

	/* lookups by key and by label, any case */
	assert_int_equal(lc_model_value_find(m, LC_AXIS_STATUS, "do_not_call_number", &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_STATUS, "DO NOT CALL NUMBER", &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_STATUS, "hOt", &i), 0);
	assert_int_equal(i, 1);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_STATUS, "Won", &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_STATUS, "WON_STATUS", &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_ACTION, "win lead", &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(lc__model_find(m, LC_AXIS_STAGE, "CONTACT \"DIRECT\""), 1);
	assert_int_equal(lc__model_find(m, LC_AXIS_STAGE, "nope"), -1);
	assert_int_equal(lc__model_find(m, LC_AXIS_STAGE, NULL), -1);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_STATUS, "Hott", &i), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "status 'Hott' is not in model full-test; use one of: new, hot,"));
	assert_int_equal(lc__model_not_found(m, LC_AXIS_STAGE, "x"), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "stage 'x'"));

	/* parents */
	assert_int_equal(lc_model_value_parent(m, LC_AXIS_STAGE, 2, &p), 0);
	assert_string_equal(lc_model_value_key(m, LC_AXIS_PHASE, p), "customer");
	assert_int_equal(lc_model_value_parent(m, LC_AXIS_STATUS, 4, &p), 0);
	assert_string_equal(lc_model_value_key(m, LC_AXIS_LIFECYCLE, p), "lost");
	assert_int_equal(m->axes[LC_AXIS_REASON].v[1].parent, 4);
	assert_int_equal(m->axes[LC_AXIS_REASON].v[0].reason_outcomes, 1u << LC_OUTCOME_EXITING);
	assert_true(m->axes[LC_AXIS_REASON].v[2].lost_reason);
	assert_int_equal(m->axes[LC_AXIS_STATUS].v[4].requires, LC_REQ_REASON | LC_REQ_NOTE);
	assert_true(m->axes[LC_AXIS_STATUS].v[2].blocks == 1);

	/* links: quoted and sold have rows, no_milestone allows every status */
	for (size_t s = 0; s < 5; s++)
		assert_int_equal(linked(m, 0, s), 1);
	assert_int_equal(linked(m, 1, 1), 1);
	assert_int_equal(linked(m, 1, 3), 0);
	assert_int_equal(linked(m, 2, 3), 1);
	assert_int_equal(linked(m, 2, 0), 0);
	assert_int_equal(linked(m, 3, 0), LC_EINVAL);
	assert_int_equal(linked(m, 0, 5), LC_EINVAL);

	/* crossings, outcomes, transitions */
	assert_int_equal(m->ncrossings, 2);
	assert_int_equal(m->crossings[1].from, -1);
	assert_int_equal(m->crossings[1].to, 2);
	assert_int_equal(m->outcome_axis, LC_AXIS_STAGE);
	assert_int_equal(m->max_skip, 2);
	assert_true(m->outcome_required);
	assert_non_null(m->axes[LC_AXIS_MILESTONE].transitions);
	assert_int_equal(m->axes[LC_AXIS_MILESTONE].transitions[1 * 3 + 0], 1);
	assert_int_equal(m->axes[LC_AXIS_MILESTONE].transitions[0 * 3 + 2], 0);

	/* rules as sentences */
	assert_true(has_rule(m, "Milestone Quoted allows the statuses New, Hot, Do Not Call Number."));
	assert_true(has_rule(m, "Status Hot requires a follow-up in the future."));
	assert_true(has_rule(m, "Status Lost requires a non-empty note."));
	assert_true(has_rule(m, "Status Do Not Call Number forbids the action Call."));
	assert_true(has_rule(m, "Action Lose Lead moves a lead from any life-cycle state to life-cycle state Lost."));
	assert_true(has_rule(m, "A progressing or go-back step may skip at most 2 stages."));
	assert_true(has_rule(m, "Changing the stage requires an outcome."));
	assert_true(has_rule(m, "Action Fax is deprecated: it stays valid where it stands but cannot be chosen anew."));
	assert_true(has_rule(m, "Milestone Sold is terminal: no disposition may leave it."));
	assert_true(has_rule(m, "Milestone changes are limited to: No Milestone -> Quoted, Quoted -> No Milestone, Quoted -> Sold."));
	{
		lc_table *rules = NULL;
		assert_int_equal(lc_model_rules(NULL, &rules), LC_EINVAL);
		assert_null(rules);
		assert_int_equal(lc_model_rules(m, NULL), LC_EINVAL);
		assert_int_equal(lc_model_presets(NULL), LC_EINVAL);
	}
	lc_model_free(m);
}

/* `initial`: where a new lead starts. One value an axis, never deprecated,
 * only on milestones, statuses and stages, and a linked pair. */
static void test_initial_flag(void **state)
{
	lc_model *m = NULL;
	lc_state *st = NULL;
	(void)state;

	assert_int_equal(lc_model_load_string(&m,
		"{\"format\": 1, \"name\": \"t\", \"version\": 1,\n"
		" \"milestones\": [{\"label\": \"None\", \"flags\": [\"initial\"]}, {\"label\": \"Won\"}],\n"
		" \"statuses\": [{\"label\": \"New\", \"flags\": [\"initial\"]}, {\"label\": \"Hot\"}],\n"
		" \"links\": {\"won\": [\"hot\"]}}", "t.json"), 0);
	assert_true(lc_model_value_flags(m, LC_AXIS_MILESTONE, 0) & LC_FLAG_INITIAL);
	assert_false(lc_model_value_flags(m, LC_AXIS_MILESTONE, 1) & LC_FLAG_INITIAL);
	assert_int_equal(lc_state_new(&st, m), 0);
	assert_null(lc_state_get(st, LC_AXIS_MILESTONE));
	assert_int_equal(lc_state_set_initial(st), 0);
	assert_string_equal(lc_state_get(st, LC_AXIS_MILESTONE), "none");
	assert_string_equal(lc_state_get(st, LC_AXIS_STATUS), "new");
	assert_null(lc_state_get(st, LC_AXIS_STAGE));
	assert_int_equal(lc_validate_state(m, st, NULL), 0);
	assert_int_equal(lc_state_set_initial(NULL), LC_EINVAL);
	{ /* the flag survives the canonical round trip */
		char *json = NULL;
		lc_model *again = NULL;
		assert_int_equal(lc_model_to_json(m, &json, NULL), 0);
		assert_non_null(strstr(json, "\"initial\""));
		assert_int_equal(lc_model_load_string(&again, json, "export"), 0);
		assert_true(lc_model_value_flags(again, LC_AXIS_STATUS, 0) & LC_FLAG_INITIAL);
		lc_model_free(again);
		lc_free(json);
	}
	lc_state_free(st);
	lc_model_free(m);

	expect_problem("{\"format\": 1, \"name\": \"t\", \"version\": 1,\n"
		       " \"statuses\": [{\"label\": \"A\", \"flags\": [\"initial\"]},\n"
		       "   {\"label\": \"B\", \"flags\": [\"initial\"]}]}",
		       "t.json:3:28: status \"b\" is flagged initial, but \"a\" already is");
	expect_problem("{\"format\": 1, \"name\": \"t\", \"version\": 1,\n"
		       " \"actions\": [{\"label\": \"Call\", \"flags\": [\"initial\"]}]}",
		       "only a milestone, a status or a stage can be where a new lead starts");
	expect_problem("{\"format\": 1, \"name\": \"t\", \"version\": 1,\n"
		       " \"statuses\": [{\"label\": \"A\", \"flags\": [\"initial\", \"deprecated\"]}]}",
		       "flagged both initial and deprecated");
	expect_problem("{\"format\": 1, \"name\": \"t\", \"version\": 1,\n"
		       " \"milestones\": [{\"label\": \"None\", \"flags\": [\"initial\"]}],\n"
		       " \"statuses\": [{\"label\": \"New\", \"flags\": [\"initial\"]}, {\"label\": \"Hot\"}],\n"
		       " \"links\": {\"none\": [\"hot\"]}}",
		       "the initial milestone \"none\" and the initial status \"new\" are not linked");
}

/* "aliases": other names lookups accept (seed 003's "Lost Lead"); they
 * round-trip through the export and the builder, and never shadow another
 * value. */
static void test_aliases(void **state)
{
	static const char json[] =
		HDR " \"actions\": [{\"key\": \"lose_lead\", \"label\": \"Lose Lead\","
		" \"aliases\": [\"Lost Lead\", \"Lose\"]}, {\"label\": \"Call\"}]}";
	lc_model *m = load_ok(json), *again = NULL, *built = NULL;
	lc_model_builder *b = NULL;
	lc_disposition *d = NULL;
	char *out = NULL;
	size_t i = 99;
	(void)state;

	assert_int_equal(lc_model_value_find(m, LC_AXIS_ACTION, "lost lead", &i), 0);
	assert_int_equal(i, 0);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_ACTION, "LOSE", &i), 0);
	assert_int_equal(lc_disposition_new(&d, m), 0);
	assert_int_equal(lc_disposition_set(d, LC_AXIS_ACTION, "Lost Lead"), 0);
	assert_string_equal(lc_disposition_get(d, LC_AXIS_ACTION), "lose_lead");
	lc_disposition_free(d);
	assert_int_equal(lc_model_to_json(m, &out, NULL), 0);
	assert_non_null(strstr(out, "\"aliases\": [\"Lost Lead\", \"Lose\"]"));
	assert_int_equal(lc_model_load_string(&again, out, "export"), 0);
	assert_int_equal(lc_model_value_find(again, LC_AXIS_ACTION, "Lost Lead", &i), 0);
	lc_model_free(again);
	lc_free(out);
	lc_model_free(m);

	assert_int_equal(lc_model_builder_new(&b, "t", 1), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_ACTION, "lose_lead", "Lose Lead",
						    NULL, 0),
			 0);
	assert_int_equal(lc_model_builder_alias(b, LC_AXIS_ACTION, "lose_lead", "Lost Lead"), 0);
	assert_int_equal(lc_model_builder_alias(b, LC_AXIS_ACTION, "nope", "X"), LC_ENOTFOUND);
	assert_int_equal(lc_model_builder_alias(b, LC_AXIS_ACTION, "lose_lead", ""), LC_EINVAL);
	assert_int_equal(lc_model_builder_alias(NULL, LC_AXIS_ACTION, "lose_lead", "Y"), LC_EINVAL);
	assert_int_equal(lc_model_builder_build(b, &built), 0);
	assert_int_equal(lc_model_value_find(built, LC_AXIS_ACTION, "lost lead", &i), 0);
	lc_model_free(built);
	lc_model_builder_free(b);

	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}, {\"label\": \"Ring\","
		       " \"aliases\": [\"call\"]}]}",
		       "alias \"call\" of action \"ring\" already names action 1");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\", \"aliases\": \"Ring\"}]}",
		       "\"aliases\" of action \"Call\" must be an array");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\", \"aliases\": [\"\"]}]}",
		       "an alias of action \"Call\" must be a non-empty");
}

/* Issue 10 item 11 (seed 003): a model may list a lead's sources, types,
 * categories and priorities, give a type its attributes with defaults, and
 * name the fields every lead must have. */
static void test_record_lists(void **state)
{
	static const char json[] =
		HDR " \"actions\": [{\"label\": \"Call\"}],\n"
		" \"sources\": [{\"key\": \"web\", \"label\": \"Web\", \"aliases\": [\"Website\"]},"
		" {\"key\": \"referral\", \"label\": \"Referral\", \"description\": \"Told by a customer.\"}],\n"
		" \"types\": [{\"key\": \"business\", \"label\": \"Business\", \"attributes\":"
		" [{\"key\": \"industry\", \"default\": \"retail\"}, {\"key\": \"employees\"}]},"
		" {\"key\": \"person\", \"label\": \"Person\", \"attributes\": []},"
		" {\"key\": \"other\", \"label\": \"Other\"}],\n"
		" \"categories\": [{\"label\": \"Business Partner\"}, {\"label\": \"Customer\"}],\n"
		" \"priorities\": [{\"label\": \"High\"}, {\"label\": \"Low\"}],\n"
		" \"required\": [\"name\", \"source\"]}";
	lc_model *m = load_ok(json), *built = NULL;
	lc_model_builder *b = NULL;
	char *out = NULL;
	size_t i = 99;
	(void)state;

	assert_int_equal(lc_model_value_count(m, LC_AXIS_SOURCE), 2);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_TYPE), 3);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_CATEGORY), 2);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_PRIORITY), 2);
	assert_int_equal(lc_model_value_count(m, LC_AXIS_SEGMENT), 0);
	assert_string_equal(lc_model_value_key(m, LC_AXIS_CATEGORY, 0), "business_partner");
	assert_string_equal(lc_model_value_description(m, LC_AXIS_SOURCE, 1), "Told by a customer.");
	assert_int_equal(lc_model_value_find(m, LC_AXIS_SOURCE, "website", &i), 0);
	assert_int_equal(i, 0);
	assert_int_equal(lc_model_value_find(m, LC_AXIS_SOURCE, "Wbe", &i), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "use one of: web, referral"));
	assert_int_equal(lc_model_value_find(m, LC_AXIS_OWNER, "ann", &i), LC_EINVAL);
	assert_true(has_rule(m, "A lead's source is one of: Web, Referral."));
	assert_true(has_rule(m, "A lead of type Business has only the attributes industry "
				"(default \"retail\"), employees."));
	assert_true(has_rule(m, "A lead of type Person has no attributes."));
	assert_true(has_rule(m, "A lead must have name, source."));
	assert_int_equal(lc_model_to_json(m, &out, NULL), 0);
	assert_non_null(strstr(out, "\"required\": [\"name\", \"source\"]"));
	assert_non_null(strstr(out, "{\"key\": \"industry\", \"default\": \"retail\"}"));
	lc_free(out);
	round_trip(m);
	lc_model_free(m);

	/* the builder lists values too; other record axes hold none */
	assert_int_equal(lc_model_builder_new(&b, "t", 1), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_ACTION, NULL, "Call", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_PRIORITY, NULL, "High", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_SEGMENT, NULL, "Warm", NULL, 0),
			 LC_EINVAL);
	assert_int_equal(lc_model_builder_build(b, &built), 0);
	assert_int_equal(lc_model_value_find(built, LC_AXIS_PRIORITY, "HIGH", &i), 0);
	lc_model_free(built);
	lc_model_builder_free(b);

	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}], \"sources\": [{\"label\": \"Web\","
		       " \"attributes\": []}]}",
		       "field \"attributes\" is not allowed on sources; only types have it");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}], \"sources\": []}",
		       "\"sources\" is empty");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}], \"priorities\": [{\"label\": \"High\"},"
		       " {\"label\": \"high\"}]}",
		       "duplicate priority");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}], \"types\": [{\"label\": \"B\","
		       " \"attributes\": [{\"key\": \"x\"}, {\"key\": \"x\", \"default\": \"1\"}]}]}",
		       "lists attribute \"x\" twice");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}], \"types\": [{\"label\": \"B\","
		       " \"attributes\": [{\"key\": \"Bad Key\"}]}]}",
		       "attribute key \"Bad Key\" of type \"B\" is not a valid key");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}], \"required\": [\"nmae\"]}",
		       "\"required\" lists \"nmae\", which is not a lead field");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}], \"required\": [\"lost_reason\"]}",
		       "only in a life-cycle state");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}], \"required\": \"name\"}",
		       "\"required\" must be an array");
}

static void test_problem_positions(void **state)
{
	(void)state;
	/* JSON syntax: jansson's own position */
	expect_problem("{\"format\": 1,\n  \"name\": \"t\"\n  \"version\": 1}", "t.json:3:11: ");
	/* duplicate JSON member */
	expect_problem("{\"format\": 1, \"format\": 1}", "duplicate object key");
	/* not an object */
	expect_problem("[1, 2]", "t.json:1:1: a model must be a JSON object");
	/* missing required fields: reported at the object */
	expect_problem("{\"format\": 1,\n \"version\": 1}", "t.json:1:1: the model has no \"name\"");
	expect_problem("{\"name\": \"t\", \"version\": 1}", "t.json:1:1: the model has no \"format\"");
	expect_problem("{\"name\": \"t\", \"format\": 1}", "t.json:1:1: the model has no \"version\"");
	/* unsupported format, bad version, bad name */
	expect_problem("{\"format\": 2, \"name\": \"t\", \"version\": 1}", "t.json:1:12: format 2 is not supported");
	expect_problem("{\"format\": 1, \"name\": \"t\", \"version\": 0}", "t.json:1:39: \"version\" is 0");
	expect_problem("{\"format\": 1, \"name\": \"t\", \"version\": \"1\"}", "\"version\" must be an integer, not a string");
	expect_problem("{\"format\": 1, \"name\": \"Bad Name\", \"version\": 1}", "t.json:1:23: model name \"Bad Name\" may only use");
	/* unknown fields, with a suggestion, at the member name */
	expect_problem(HDR "  \"milestone\": []}", "t.json:2:3: unknown field \"milestone\" in the model; did you mean \"milestones\"?");
	expect_problem(HDR "\"stages\": [{\"label\": \"A\", \"lable\": \"x\"}]}", "t.json:2:27: unknown field \"lable\" in stage \"A\"; did you mean \"label\"?");
	expect_problem(HDR "\"statuses\": [{\"label\": \"A\", \"phase\": \"x\"}]}", "field \"phase\" is not allowed on statuses; only stages have it");
	expect_problem(HDR "\"phases\": [{\"label\": \"A\", \"requires\": [\"note\"]}]}", "t.json:2:27: field \"requires\" is not allowed on phases");
	expect_problem(HDR "\"outcomes\": {\"axis\": \"stage\", \"maxskip\": 1}, \"stages\": [{\"label\": \"A\"}]}", "did you mean \"max_skip\"?");
	/* wrong types */
	expect_problem(HDR "\"actions\": {\"label\": \"x\"}}", "t.json:2:12: \"actions\" must be an array of values, not an object");
	expect_problem(HDR "\"actions\": [\"call\"]}", "t.json:2:13: each entry of \"actions\" must be an object");
	expect_problem(HDR "\"actions\": [{\"label\": 5}]}", "t.json:2:23: \"label\" of action 1 must be a string, not an integer");
	expect_problem(HDR "\"actions\": [{\"label\": \"A\", \"flags\": \"contact\"}]}", "\"flags\" of action \"A\" must be an array of strings");
	expect_problem(HDR "\"actions\": [{\"label\": \"A\", \"flags\": [\"contakt\"]}]}", "t.json:2:38: unknown flags \"contakt\" in action \"A\"; did you mean \"contact\"?");
	expect_problem(HDR "\"statuses\": [{\"label\": \"A\", \"requires\": [\"followup\"]}]}", "did you mean \"follow_up\"?");
	expect_problem(HDR "\"reasons\": [{\"label\": \"A\", \"lost\": 1}]}", "\"lost\" of reason \"a\" must be true or false");
	/* missing label, bad keys */
	expect_problem(HDR "\"actions\": [{\"key\": \"call\"}]}", "t.json:2:13: action 1 has no \"label\"");
	expect_problem(HDR "\"actions\": [{\"label\": \"Call\", \"key\": \"Call Now\"}]}", "t.json:2:38: key \"Call Now\" of action \"Call\" is not a valid key");
	expect_problem(HDR "\"actions\": [{\"label\": \"!!!\"}]}", "has no letters or digits to make a key from");
	expect_problem(HDR "\"actions\": [{\"label\": \"1st Call\"}]}", "the key \"1st_call\" made from label \"1st Call\" is not a valid key");
	/* duplicates within an axis */
	expect_problem(HDR "\"actions\": [{\"label\": \"Call\"},\n {\"label\": \"Phone\", \"key\": \"call\"}]}",
		       "t.json:3:28: duplicate action key \"call\": action 1 has it too");
	expect_problem(HDR "\"actions\": [{\"label\": \"Call back\"},\n {\"label\": \"Call-Back\"}]}",
		       "t.json:3:12: duplicate action key \"call_back\": label \"Call-Back\" gives the same key as action 1");
	expect_problem(HDR "\"actions\": [{\"label\": \"Call\", \"key\": \"a\"},\n {\"label\": \"CALL\", \"key\": \"b\"}]}",
		       "t.json:3:12: duplicate action label \"CALL\"");
	expect_problem(HDR "\"actions\": [{\"label\": \"Call\", \"key\": \"phone\"},\n {\"label\": \"Phone\", \"key\": \"ring\"}]}",
		       "label \"Phone\" of action \"ring\" is the key of action 1");
	/* empty axes, too many actions */
	expect_problem(HDR "\"reasons\": []}", "t.json:2:12: \"reasons\" is empty");
	/* dangling references */
	expect_problem(HDR "\"milestones\": [{\"label\": \"M\"}], \"statuses\": [{\"label\": \"S\"}],\n"
			   "\"links\": {\"mm\": [\"s\"]}}", "t.json:3:11: a link refers to unknown milestone \"mm\"; did you mean \"m\"?");
	expect_problem(HDR "\"milestones\": [{\"label\": \"M\"}], \"statuses\": [{\"label\": \"S\"}],\n"
			   "\"links\": {\"m\": [\"s\", \"zzz\"]}}", "t.json:3:22: a link refers to unknown status \"zzz\"; use one of: s");
	expect_problem(HDR "\"phases\": [{\"label\": \"P\"}],\n\"stages\": [{\"label\": \"S\", \"phase\": \"q\"}]}",
		       "t.json:3:36: the phase of a stage refers to unknown phase \"q\"");
	expect_problem(HDR "\"phases\": [{\"label\": \"P\"}],\n\"stages\": [{\"label\": \"S\"}]}",
		       "t.json:3:12: stage \"s\" has no \"phase\"; add one of: p");
	expect_problem(HDR "\"actions\": [{\"label\": \"Win\"}], \"lifecycles\": [{\"label\": \"Open\"}],\n"
			   "\"crossings\": [{\"action\": \"wim\", \"from\": \"*\", \"to\": \"open\"}]}",
		       "t.json:3:26: a crossing refers to unknown action \"wim\"");
	expect_problem(HDR "\"actions\": [{\"label\": \"Win\"}], \"lifecycles\": [{\"label\": \"Open\"}],\n"
			   "\"crossings\": [{\"action\": \"win\", \"from\": \"*\", \"to\": \"won\"}]}",
		       "t.json:3:52: a crossing refers to unknown lifecycle \"won\"");
	expect_problem(HDR "\"actions\": [{\"label\": \"Win\"}],\n"
			   "\"crossings\": [{\"action\": \"win\", \"to\": \"*\"}]}",
		       "t.json:3:15: a crossing has no \"from\"");
	expect_problem(HDR "\"actions\": [{\"label\": \"Call\"}],\n\"statuses\": [{\"label\": \"DNC\", \"blocks\": [\"cal\"]}]}",
		       "t.json:3:42: a block refers to unknown action \"cal\"; did you mean \"call\"?");
	expect_problem(HDR "\"stages\": [{\"label\": \"Lost\", \"flags\": [\"closed\"]}],\n\"reasons\": [{\"label\": \"R\", \"stage\": \"los\"}]}",
		       "t.json:3:37: the stage of a reason refers to unknown stage \"los\"");
	expect_problem(HDR "\"stages\": [{\"label\": \"A\"}, {\"label\": \"B\"}],\n\"transitions\": {\"stage\": [[\"a\", \"c\"]]}}",
		       "t.json:3:33: a transition refers to unknown stage \"c\"");
	expect_problem(HDR "\"stages\": [{\"label\": \"A\"}],\n\"transitions\": {\"colour\": [[\"a\", \"a\"]]}}",
		       "t.json:3:17: \"colour\" is not an axis");
	expect_problem(HDR "\"stages\": [{\"label\": \"A\"}],\n\"transitions\": {\"milestone\": [[\"a\", \"a\"]]}}",
		       "t.json:3:17: transitions are given for milestones, but the model has no milestones");
	expect_problem(HDR "\"stages\": [{\"label\": \"A\"}],\n\"transitions\": {\"stage\": []}}",
		       "t.json:3:26: the stage transition table is empty");
	expect_problem(HDR "\"milestones\": [{\"label\": \"Not Sold\"}], \"statuses\": [{\"label\": \"S\"}],\n"
			   "\"links\": {\"Not Sold\": [\"s\"]}}", "refers to milestone \"Not Sold\" by its label; use its key \"not_sold\"");
	expect_problem(HDR "\"links\": {\"m\": [\"s\"]}}", "\"links\" needs both milestones and statuses");
	/* contradictions */
	expect_problem(HDR "\"lifecycles\": [{\"label\": \"Odd\", \"flags\": [\"won\", \"lost\"]}]}",
		       "t.json:2:42: life-cycle state \"odd\" is flagged both won and lost");
	expect_problem(HDR "\"statuses\": [{\"label\": \"Lost\", \"requires\": [\"reason\"]}]}",
		       "t.json:2:44: status \"lost\" requires a reason, but the model has no reasons");
	expect_problem(HDR "\"outcomes\": {\"axis\": \"stage\"}}",
		       "t.json:2:22: outcomes are set on the stage axis, but the model has no stages");
	expect_problem(HDR "\"stages\": [{\"label\": \"A\"}],\n\"outcomes\": {\"axis\": \"status\"}}",
		       "t.json:3:22: outcomes act on an ordered axis");
	expect_problem(HDR "\"stages\": [{\"label\": \"A\"}],\n\"outcomes\": {\"axis\": \"stage\", \"max_skip\": -1}}",
		       "t.json:3:43: \"max_skip\" is -1");
	expect_problem(HDR "\"milestones\": [{\"label\": \"M\"}, {\"label\": \"N\"}], \"statuses\": [{\"label\": \"S\"}],\n"
			   "\"links\": {\"m\": []}}", "t.json:3:11: milestone \"m\" is linked to no status");
	expect_problem(HDR "\"stages\": [{\"label\": \"Gone\", \"flags\": [\"closed\", \"deprecated\"]}],\n"
			   "\"reasons\": [{\"label\": \"R\", \"stage\": \"gone\"}]}",
		       "t.json:3:37: reason \"r\" leads to stage \"gone\", which is deprecated");
	expect_problem(HDR "\"stages\": [{\"label\": \"Open\"}],\n\"reasons\": [{\"label\": \"R\", \"stage\": \"open\"}]}",
		       "reason \"r\" leads to stage \"open\", which is not closed");
	expect_problem(HDR "\"actions\": [{\"label\": \"Fax\", \"flags\": [\"deprecated\"]}],\n"
			   "\"crossings\": [{\"action\": \"fax\", \"from\": \"*\", \"to\": \"*\"}]}",
		       "t.json:3:26: a crossing needs action \"fax\", which is deprecated");
	expect_problem(HDR "\"stages\": [{\"label\": \"A\"}, {\"label\": \"Old\", \"flags\": [\"deprecated\"]}],\n"
			   "\"transitions\": {\"stage\": [[\"a\", \"old\"]]}}",
		       "t.json:3:17: the stage transitions lead into \"old\", which is deprecated");
	{
		/* more than 64 actions */
		char big[8192];
		size_t o = (size_t)snprintf(big, sizeof big, "%s\"actions\": [", HDR);
		for (int i = 0; i < 65; i++)
			o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"label\": \"A%d\"}", i ? "," : "", i);
		snprintf(big + o, sizeof big - o, "]}");
		expect_problem(big, "t.json:2:12: \"actions\" has 65 values; a model may have at most 64 actions");
	}
}

static void test_positions_utf8_and_escapes(void **state)
{
	(void)state;
	/* columns count characters, not bytes; escapes in member names are decoded */
	expect_problem(HDR "\"actions\": [{\"label\": \"Ça \\\"va\\\"\", \"flagz\": []}]}",
		       "t.json:2:36: unknown field \"flagz\"");
	expect_problem(HDR "\"actions\": [{\"description\": \"日本語\", \"label\": 1}]}",
		       "t.json:2:45: \"label\" of action 1 must be a string");
	expect_problem(HDR "\"actions\": [{\"label\": \"A\", \"fl\\u0061gs\": [\"nope\"]}]}",
		       "t.json:2:43: unknown flags \"nope\"");
	expect_problem(HDR "\"actions\": [{\"label\": \"A\", \"a/b~c\": 1}]}", "t.json:2:28: unknown field \"a/b~c\"");
	/* invalid UTF-8 in the text is a format problem with a position */
	expect_problem(HDR "\"description\": \"\xff\"}", "t.json:2:");
}

static void test_all_problems_at_once(void **state)
{
	const char *json = "{\"format\": 1, \"name\": \"t\", \"version\": 1,\n"
			   "\"actoins\": [],\n"
			   "\"statuses\": [{\"label\": \"Hot\", \"requires\": [\"soon\"]}],\n"
			   "\"stages\": [{\"label\": \"A\", \"phase\": \"x\"}]}";
	lc_table *p = NULL;
	lc_model *m = NULL;
	const char *msg;
	(void)state;
	assert_int_equal(lc_model_load_string(&m, json, "many.json"), LC_EFORMAT);
	msg = lc_error_last();
	assert_non_null(strstr(msg, "many.json:2:1: unknown field \"actoins\""));
	assert_non_null(strstr(msg, "\nmany.json:3:44: unknown requires \"soon\" in status \"Hot\"; use: follow_up, reason, note"));
	assert_non_null(strstr(msg, "\nmany.json:4:36: the phase of a stage refers to phase \"x\", but the model has no phases"));

	assert_int_equal(lc_model_check_string(json, "many.json", &p), 0);
	assert_int_equal(lc_table_row_count(p), 3);
	assert_int_equal(lc_table_int_named(p, 1, "line"), 3);
	assert_int_equal(lc_table_int_named(p, 1, "column"), 44);
	assert_non_null(strstr(lc_table_text_named(p, 2, "text"), "many.json:4:36: "));
	assert_null(lc_table_text_named(p, 3, "text"));
	assert_int_equal(lc_table_int_named(p, 3, "line"), LC_TABLE_NONE);
	assert_int_equal(lc_table_int_named(p, 3, "column"), LC_TABLE_NONE);
	lc_table_free(p);

	/* a valid model has no problems */
	assert_int_equal(lc_model_check_file(fixture_path("full.json"), &p), 0);
	assert_int_equal(lc_table_row_count(p), 0);
	lc_table_free(p);
	assert_int_equal(lc_table_row_count(NULL), 0);
	lc_table_free(NULL);

	/* so many problems that the last error cannot hold them: it says how many more */
	{
		char big[16384];
		size_t o = (size_t)snprintf(big, sizeof big, "%s\"actions\": [", HDR);
		for (int i = 0; i < 60; i++)
			o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"label\": \"A%d\", \"x\": 1}", i ? "," : "", i);
		snprintf(big + o, sizeof big - o, "]}");
		assert_int_equal(lc_model_load_string(&m, big, NULL), LC_EFORMAT);
		assert_non_null(strstr(lc_error_last(), "<string>:2:"));
		assert_non_null(strstr(lc_error_last(), "more problems (lc_model_check_string()"));
		assert_int_equal(lc_model_check_string(big, NULL, &p), 0);
		assert_int_equal(lc_table_row_count(p), 60);
		lc_table_free(p);
	}
	/* a flood of problems is cut short, with a last line that says so */
	{
		size_t cap = 1 << 20, o;
		char *big = malloc(cap);
		assert_non_null(big);
		o = (size_t)snprintf(big, cap, "%s\"actions\": [{\"label\": \"A\"", HDR);
		for (int i = 0; i < 2000; i++)
			o += (size_t)snprintf(big + o, cap - o, ", \"x%d\": 1", i);
		snprintf(big + o, cap - o, "}]}");
		assert_int_equal(lc_model_check_string(big, NULL, &p), 0);
		assert_int_equal(lc_table_row_count(p), 501);
		assert_non_null(strstr(lc_table_text_named(p, 0, "text"), "<string>:2:28: unknown field \"x0\""));
		assert_string_equal(lc_table_text_named(p, 500, "text"),
				    "<string>: too many problems; fix the ones above and check again");
		lc_table_free(p);
		free(big);
	}
}

static void test_round_trip_fixtures(void **state)
{
	const char *names[] = { "full.json", "minimal.json" };
	(void)state;
	for (size_t i = 0; i < LC_ARRAY_LEN(names); i++) {
		lc_model *m = NULL;
		assert_int_equal(lc_model_load_file(&m, fixture_path(names[i])), 0);
		round_trip(m);
		lc_model_free(m);
	}
}

static void test_canonical_json_shape(void **state)
{
	lc_model *m = load_ok("{\"version\": 2, \"name\": \"tiny\", \"format\": 1,\n"
			      "\"statuses\": [{\"label\": \"Say \\\"hi\\\"\\n\"}]}");
	char *j = NULL;
	(void)state;
	assert_int_equal(lc_model_to_json(m, &j, NULL), 0);
	assert_string_equal(j, "{\n"
			       "  \"format\": 1,\n"
			       "  \"name\": \"tiny\",\n"
			       "  \"version\": 2,\n"
			       "  \"description\": \"\",\n"
			       "  \"statuses\": [\n"
			       "    {\n"
			       "      \"key\": \"say_hi\",\n"
			       "      \"label\": \"Say \\\"hi\\\"\\n\"\n"
			       "    }\n"
			       "  ]\n"
			       "}\n");
	lc_free(j);
	assert_int_equal(lc_model_to_json(NULL, &j, NULL), LC_EINVAL);
	assert_null(j);
	assert_int_equal(lc_model_to_json(m, NULL, NULL), LC_EINVAL);
	lc_model_free(m);
}

static void test_presets(void **state)
{
	static const char *const order[] = { "leadmanager", "insurance", "particle", "crm", "conversica" };
	lc_model *m = NULL;
	(void)state;
	lc_table *names = preset_names();
	assert_int_equal(lc_table_row_count(names), 5);
	for (size_t i = 0; i < lc_table_row_count(names); i++) {
		assert_string_equal(lc_table_text(names, i, 0), order[i]);
		if (lc_model_preset(&m, lc_table_text(names, i, 0)) != 0)
			fail_msg("preset %s: %s", order[i], lc_error_last());
		assert_string_equal(lc_model_name(m), order[i]);
		assert_true(lc_model_version(m) >= 1);
		round_trip(m);
		lc_model_free(m);
	}
	assert_null(lc_table_text(names, 5, 0));
	lc_table_free(names);
	/* names are case-insensitive; lc_model_load takes presets too */
	assert_int_equal(lc_model_preset(&m, "Particle"), 0);
	lc_model_free(m);
	assert_int_equal(lc_model_load(&m, "CRM"), 0);
	assert_string_equal(lc_model_name(m), "crm");
	lc_model_free(m);
	assert_int_equal(lc_model_preset(&m, "nosuch"), LC_ENOTFOUND);
	assert_null(m);
	assert_non_null(strstr(lc_error_last(), "leadmanager, insurance, particle, crm, conversica"));
	assert_int_equal(lc_model_load(&m, "nosuch"), LC_ENOTFOUND);
	assert_int_equal(lc_model_load(&m, fixture_path("full.json")), 0);
	assert_string_equal(lc_model_name(m), "full-test");
	lc_model_free(m);
	assert_int_equal(lc_model_load(&m, "/nonexistent/model.json"), LC_EIO);
	assert_non_null(strstr(lc_error_last(), "/nonexistent/model.json"));
}

/* Issue 10 item 15: milestones, statuses, phases and stages are closed won or
 * lost; a stage may be tied to life-cycle states. WON is the rest of the
 * stage Won, on line 9. */
#define CLOSED_MODEL(WON)                                                                       \
	HDR " \"actions\": [{\"label\": \"Call\"}, {\"label\": \"Win Lead\"}],\n"                  \
	    " \"milestones\": [{\"label\": \"Open\"}, {\"label\": \"Sold\", \"closed\": \"won\"},\n" \
	    "   {\"label\": \"Not Interested\", \"closed\": \"lost\"}],\n"                            \
	    " \"statuses\": [{\"label\": \"New\", \"lifecycle\": \"open\", \"flags\": [\"initial\"]},\n" \
	    "   {\"label\": \"Customer\", \"lifecycle\": \"won\", \"closed\": \"won\"}],\n"           \
	    " \"phases\": [{\"label\": \"Pipeline\"}, {\"label\": \"Gone\", \"flags\": [\"closed\"]}],\n" \
	    " \"stages\": [{\"label\": \"Talk\", \"phase\": \"pipeline\", \"flags\": [\"initial\"]},\n" \
	    "   {\"label\": \"Won\", " WON "},\n"                                                      \
	    "   {\"label\": \"Nurture\", \"phase\": \"gone\"}],\n"                                     \
	    " \"lifecycles\": [{\"label\": \"Open\"}, {\"label\": \"Won\", \"flags\": [\"won\"]}],\n" \
	    " \"crossings\": [{\"action\": \"win_lead\", \"from\": \"open\", \"to\": \"won\"}]}"

static void test_closed_values(void **state)
{
	lc_model *m;
	char *j = NULL;
	(void)state;

	m = load_ok(CLOSED_MODEL("\"phase\": \"pipeline\", \"closed\": \"won\", \"lifecycles\": [\"won\"]"));
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_MILESTONE, 0), 0);
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_MILESTONE, 1), LC_FLAG_CLOSED | LC_FLAG_WON);
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_MILESTONE, 2), LC_FLAG_CLOSED | LC_FLAG_LOST);
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_STATUS, 1), LC_FLAG_CLOSED | LC_FLAG_WON);
	/* the flag "closed" is "closed": "lost", and a stage takes its phase's kind */
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_PHASE, 1), LC_FLAG_CLOSED | LC_FLAG_LOST);
	assert_int_equal(lc__closed_kind(m, LC_AXIS_STAGE, 2), LC_FLAG_LOST);
	assert_int_equal(lc__closed_kind(m, LC_AXIS_STAGE, 1), LC_FLAG_WON);
	assert_int_equal(lc__closed_kind(m, LC_AXIS_STAGE, 0), 0);
	assert_true(m->axes[LC_AXIS_STAGE].v[1].lifecycles == 2u);
	assert_true(has_rule(m, "Milestone Not Interested is closed lost: reaching it is no progress."));
	assert_true(has_rule(m, "Status Customer is closed won: the sale is made."));
	assert_true(has_rule(m, "Stage Won is held only in the life-cycle state Won."));
	/* exported with its kind, never as the flags won or lost */
	assert_int_equal(lc_model_to_json(m, &j, NULL), 0);
	assert_non_null(strstr(j, "\"closed\": \"won\",\n      \"phase\": \"pipeline\",\n"
				  "      \"lifecycles\": [\"won\"]"));
	assert_null(strstr(j, "\"won\", \"closed\""));
	lc_free(j);
	round_trip(m);
	lc_model_free(m);

	/* malformed values: the field and its line are named */
	expect_problem(CLOSED_MODEL("\"phase\": \"pipeline\", \"closed\": \"maybe\""),
		       "t.json:9:52: \"closed\" of stage \"Won\" is \"maybe\"; a closed value is "
		       "\"won\" or \"lost\"");
	expect_problem(CLOSED_MODEL("\"phase\": \"pipeline\", \"closed\": true"),
		       "t.json:9:52: \"closed\" of stage \"Won\" must be the string \"won\" or "
		       "\"lost\", not a boolean");
	expect_problem(CLOSED_MODEL("\"phase\": \"pipeline\", \"flags\": [\"closed\"], \"closed\": \"won\""),
		       "t.json:9:73: stage \"Won\" is closed \"won\" and flagged \"closed\", which "
		       "means lost; drop the flag");
	/* closed on a kind of value that cannot be closed */
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\", \"closed\": \"won\"}]}",
		       "t.json:2:32: field \"closed\" is not allowed on actions; only milestones, "
		       "statuses, phases and stages");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}],\n"
			   " \"reasons\": [{\"label\": \"X\", \"flags\": [\"closed\"]}]}",
		       "t.json:3:38: flag \"closed\" of reason \"X\" is for milestones, statuses, "
		       "phases and stages; drop it");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}],\n"
			   " \"statuses\": [{\"label\": \"Won\", \"flags\": [\"won\"]}]}",
		       "t.json:3:41: flag \"won\" of status \"Won\" is for life-cycle states; write "
		       "\"closed\": \"won\"");
	/* a won stage in a lost phase; ties name real states, once, and fit the start */
	expect_problem(CLOSED_MODEL("\"phase\": \"gone\", \"closed\": \"won\""),
		       "stage \"won\" is closed won, but its phase \"gone\" is closed lost");
	expect_problem(CLOSED_MODEL("\"phase\": \"pipeline\", \"lifecycles\": [\"wonn\"]"),
		       "t.json:9:57: the life-cycle states of a stage refers to unknown lifecycle "
		       "\"wonn\"; did you mean \"won\"?");
	expect_problem(CLOSED_MODEL("\"phase\": \"pipeline\", \"lifecycles\": [\"won\", \"won\"]"),
		       "life-cycle state \"won\" is listed twice");
	expect_problem(CLOSED_MODEL("\"phase\": \"pipeline\", \"lifecycles\": []"),
		       "t.json:9:56: \"lifecycles\" of stage \"won\" must be a non-empty array of life-cycle keys");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}],\n"
			   " \"statuses\": [{\"label\": \"New\", \"lifecycle\": \"open\", \"flags\": [\"initial\"]}],\n"
			   " \"phases\": [{\"label\": \"P\"}],\n"
			   " \"stages\": [{\"label\": \"Won\", \"phase\": \"p\", \"flags\": [\"initial\"], "
			   "\"lifecycles\": [\"won\"]}],\n"
			   " \"lifecycles\": [{\"label\": \"Open\"}, {\"label\": \"Won\"}]}",
		       "the initial stage \"won\" is held only in the life-cycle states it lists, and "
		       "a new lead starts in open");
	expect_problem(HDR " \"actions\": [{\"label\": \"Call\"}],\n"
			   " \"milestones\": [{\"label\": \"M\", \"lifecycles\": [\"won\"]}]}",
		       "field \"lifecycles\" is not allowed on milestones; only stages have it");
}

/* The builder says a closed value's kind as the JSON does. */
static void test_builder_closed(void **state)
{
	lc_model_builder *b = NULL;
	lc_model *m = NULL;
	(void)state;

	assert_int_equal(lc_model_builder_new(&b, "c", 1), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_ACTION, NULL, "Call", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "Customer", NULL,
						    LC_FLAG_CLOSED | LC_FLAG_WON), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "Gone", NULL,
						    LC_FLAG_CLOSED), 0);
	assert_int_equal(lc_model_builder_build(b, &m), 0);
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_STATUS, 0), LC_FLAG_CLOSED | LC_FLAG_WON);
	assert_int_equal(lc_model_value_flags(m, LC_AXIS_STATUS, 1), LC_FLAG_CLOSED | LC_FLAG_LOST);
	lc_model_free(m);
	m = NULL;
	/* won without closed, on a status, is refused as in JSON */
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "Half", NULL, LC_FLAG_WON), 0);
	assert_int_equal(lc_model_builder_build(b, &m), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "flag \"won\" of status \"Half\" is for life-cycle states"));
	assert_null(m);
	lc_model_builder_free(b);
}

static bool dot_available(void)
{
	return system("command -v dot >/dev/null 2>&1") == 0;
}

static void check_with_graphviz(const char *dot)
{
	char path[] = "/tmp/lc_model_dot_XXXXXX";
	char cmd[256];
	int fd;
	FILE *f;

	if (!dot_available()) {
		print_message("Graphviz 'dot' is not installed; skipping the dot -Tsvg check\n");
		return;
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(dot, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "dot -Tsvg '%s' -o /dev/null 2>/dev/null", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

static void test_dot(void **state)
{
	lc_model *m = NULL;
	char *dot = NULL;
	size_t len = 0;
	size_t counts[5] = { 12, 3, 0, 7, 1 };
	(void)state;

	/* Milestones without statuses have no link table (UBSan found it). */
	assert_int_equal(lc_model_load_string(&m, "{\"format\": 1, \"name\": \"minimal\", \"version\": 1, "
						  "\"milestones\": [{\"label\": \"Only\"}]}", "t.json"),
			 0);
	assert_int_equal(lc_model_to_dot(m, NULL, 0, &dot, &len), 0);
	assert_non_null(strstr(dot, "Only"));
	lc_free(dot);
	lc_model_free(m);
	m = NULL;
	assert_int_equal(lc_model_load_file(&m, fixture_path("full.json")), 0);
	assert_int_equal(lc_model_to_dot(m, NULL, 0, &dot, &len), 0);
	assert_int_equal(strlen(dot), len);
	assert_non_null(strstr(dot, "digraph \"full-test\" {"));
	assert_non_null(strstr(dot, "subgraph \"cluster_lead\" {\n    label=\"Lead\";"));
	assert_non_null(strstr(dot, "subgraph \"cluster_closed\" {\n    label=\"Closed\";\n    style=dashed;"));
	/* labels are HTML-like: quotes escaped */
	assert_non_null(strstr(dot, "<B>Contact &quot;direct&quot;</B>"));
	/* forward order among open stages, go back dashed; closed stages styled, not chained */
	assert_non_null(strstr(dot, "\"stage:enquiry\" -> \"stage:contact\";"));
	assert_non_null(strstr(dot, "\"stage:contact\" -> \"stage:check_in\";"));
	assert_non_null(strstr(dot, "\"stage:contact\" -> \"stage:enquiry\" [style=dashed"));
	assert_null(strstr(dot, "\"stage:check_in\" -> \"stage:nurture\""));
	assert_non_null(strstr(dot, "<B>Nurture</B></TD></TR></TABLE>>, style=\"rounded,filled\""));
	/* a repeatable stage loops; exits and problems carry their reasons */
	assert_non_null(strstr(dot, "\"stage:check_in\" -> \"stage:check_in\" [label=\"again\""));
	assert_non_null(strstr(dot, "\"stage:*\" -> \"stage:nurture\" [color=\"#8a6d00\""));
	assert_non_null(strstr(dot, "label=<<B>exiting</B><BR/>Not Ready>];"));
	assert_non_null(strstr(dot, "label=<<B>problem</B><BR/>Not Genuine>];"));
	/* milestones with their links: all statuses, a linked list, a blocking status */
	assert_non_null(strstr(dot, "<B>No Milestone</B></TD></TR><TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"#8a8f98\"><I>All statuses</I>"));
	assert_non_null(strstr(dot, "<I>allows:</I></FONT></TD></TR><TR><TD ALIGN=\"LEFT\">New</TD></TR>"));
	assert_non_null(strstr(dot, "<FONT COLOR=\"#9a3412\">Do Not Call Number ⊘</FONT>"));
	assert_non_null(strstr(dot, "<I>terminal: nothing leaves it</I>"));
	check_with_graphviz(dot);
	lc_free(dot);

	assert_int_equal(lc_model_to_dot(m, counts, 5, &dot, NULL), 0);
	assert_non_null(strstr(dot, "<B>Enquiry</B></TD></TR><TR><TD ALIGN=\"LEFT\">12 leads</TD>"));
	assert_non_null(strstr(dot, "<B>Problem</B></TD></TR><TR><TD ALIGN=\"LEFT\">1 lead</TD>"));
	check_with_graphviz(dot);
	lc_free(dot);

	assert_int_equal(lc_model_to_dot(m, counts, 4, &dot, NULL), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "4 counts given"));
	assert_null(dot);
	assert_int_equal(lc_model_to_dot(m, NULL, 3, &dot, NULL), LC_EINVAL);
	assert_int_equal(lc_model_to_dot(NULL, NULL, 0, &dot, NULL), LC_EINVAL);
	assert_int_equal(lc_model_to_dot(m, NULL, 0, NULL, NULL), LC_EINVAL);
	lc_model_free(m);

	/* milestones when there are no stages, with the transition table; terminal styled */
	m = load_ok(HDR "\"milestones\": [{\"label\": \"A \\\\ B\"}, {\"label\": \"Done\", \"flags\": [\"terminal\"]}, {\"label\": \"After\"}],\n"
		    "\"transitions\": {\"milestone\": [[\"a_b\", \"done\"]]}}");
	assert_int_equal(lc_model_to_dot(m, NULL, 0, &dot, NULL), 0);
	assert_non_null(strstr(dot, "<B>A \\ B</B>"));
	assert_non_null(strstr(dot, "<I>terminal: nothing leaves it</I></FONT></TD></TR></TABLE>>, peripheries=2];"));
	assert_non_null(strstr(dot, "\"milestone:a_b\" -> \"milestone:done\";"));
	assert_non_null(strstr(dot, "\"milestone:a_b\" -> \"milestone:done\" [style=dashed"));
	assert_null(strstr(dot, "\"milestone:done\" -> \"milestone:after\""));
	check_with_graphviz(dot);
	lc_free(dot);
	lc_model_free(m);

	/* every preset draws and Graphviz accepts it */
	lc_table *names = preset_names();
	for (size_t i = 0; i < lc_table_row_count(names); i++) {
		assert_int_equal(lc_model_preset(&m, lc_table_text(names, i, 0)), 0);
		assert_int_equal(lc_model_to_dot(m, NULL, 0, &dot, NULL), 0);
		check_with_graphviz(dot);
		lc_free(dot);
		lc_model_free(m);
	}
	lc_table_free(names);
}

static void test_builder(void **state)
{
	lc_model_builder *b = NULL;
	lc_model *m = NULL, *f = NULL;
	(void)state;

	assert_int_equal(lc_model_builder_new(&b, "built", 2), 0);
	assert_int_equal(lc_model_builder_set_description(b, "Made in code."), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_ACTION, NULL, "Call", NULL, LC_FLAG_CONTACT | LC_FLAG_PHONE), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_ACTION, "win", "Win Lead", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_MILESTONE, NULL, "Quoted", "A quote was sent.", 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "Hot", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "Won", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_LIFECYCLE, NULL, "Open", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_LIFECYCLE, NULL, "Won", NULL, LC_FLAG_WON), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_PHASE, NULL, "Lead", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_PHASE, NULL, "Closed", NULL, LC_FLAG_CLOSED), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, "Enquiry", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, "Hold", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_REASON, NULL, "Later", NULL, 0), 0);
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_STAGE, "enquiry", "lead"), 0);
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_STAGE, "hold", "closed"), 0);
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_STATUS, "hot", "open"), 0);
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_STATUS, "won", "won"), 0);
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_REASON, "later", "hold"), 0);
	assert_int_equal(lc_model_builder_reason_use(b, "later", 1u << LC_OUTCOME_EXITING, 1), 0);
	assert_int_equal(lc_model_builder_require(b, LC_AXIS_STATUS, "hot", LC_REQUIRE_FOLLOW_UP | LC_REQUIRE_NOTE), 0);
	assert_int_equal(lc_model_builder_require(b, LC_AXIS_STATUS, "hot", LC_REQUIRE_NOTE), 0);
	assert_int_equal(lc_model_builder_block(b, LC_AXIS_STATUS, "won", "call"), 0);
	assert_int_equal(lc_model_builder_link(b, "quoted", "hot"), 0);
	assert_int_equal(lc_model_builder_cross(b, "win", NULL, "won"), 0);
	assert_int_equal(lc_model_builder_set_outcomes(b, LC_AXIS_STAGE, LC_NO_SKIP_CAP, 1), 0);
	assert_int_equal(lc_model_builder_allow_transition(b, LC_AXIS_STAGE, "enquiry", "hold"), 0);
	assert_int_equal(lc_model_builder_allow_transition(b, LC_AXIS_STAGE, "enquiry", "hold"), 0);
	assert_int_equal(lc_model_builder_build(b, &m), 0);

	assert_string_equal(lc_model_name(m), "built");
	assert_int_equal(lc_model_version(m), 2);
	assert_string_equal(lc_model_description(m), "Made in code.");
	assert_int_equal(m->axes[LC_AXIS_STATUS].v[0].requires, LC_REQ_FOLLOW_UP | LC_REQ_NOTE);
	assert_true(m->axes[LC_AXIS_STATUS].v[1].blocks == 1);
	assert_int_equal(m->axes[LC_AXIS_STATUS].v[1].parent, 1);
	assert_int_equal(m->axes[LC_AXIS_REASON].v[0].parent, 1);
	assert_true(m->axes[LC_AXIS_REASON].v[0].lost_reason);
	assert_int_equal(m->crossings[0].from, -1);
	assert_int_equal(m->max_skip, -1);
	assert_true(m->outcome_required);
	assert_int_equal(linked(m, 0, 1), 0);
	assert_int_equal(m->axes[LC_AXIS_STAGE].transitions[0 * 2 + 1], 1);
	round_trip(m);

	/* the builder and the reader agree: the export loads to an equal model */
	{
		char *j = NULL;
		assert_int_equal(lc_model_to_json(m, &j, NULL), 0);
		assert_int_equal(lc_model_load_string(&f, j, NULL), 0);
		assert_models_equal(m, f);
		lc_free(j);
		lc_model_free(f);
	}
	lc_model_free(m);

	/* failing calls change nothing */
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "HOT!", NULL, 0), LC_EEXISTS);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, "Bad Key", "X", NULL, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "", NULL, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "***", NULL, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "X", NULL, 1u << 20), LC_EINVAL);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_COUNT, NULL, "X", NULL, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_STAGE, "nope", "lead"), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "no stage \"nope\""));
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_ACTION, "call", "x"), LC_EINVAL);
	assert_int_equal(lc_model_builder_require(b, LC_AXIS_STATUS, "hot", 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_require(b, LC_AXIS_STATUS, "hot", 8), LC_EINVAL);
	assert_int_equal(lc_model_builder_require(b, LC_AXIS_STATUS, "cold", LC_REQUIRE_NOTE), LC_ENOTFOUND);
	assert_int_equal(lc_model_builder_block(b, LC_AXIS_ACTION, "call", "call"), LC_EINVAL);
	assert_int_equal(lc_model_builder_block(b, LC_AXIS_STATUS, "cold", "call"), LC_ENOTFOUND);
	assert_int_equal(lc_model_builder_reason_use(b, "later", 1u, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_reason_use(b, "nope", 0, 0), LC_ENOTFOUND);
	assert_int_equal(lc_model_builder_build(b, &m), 0);
	lc_model_free(m);

	/* problems surface at build, with "builder" as the source, all at once */
	assert_int_equal(lc_model_builder_link(b, "quoted", "cold"), 0);
	assert_int_equal(lc_model_builder_cross(b, "lose", "*", "*"), 0);
	assert_int_equal(lc_model_builder_set_outcomes(b, LC_AXIS_STAGE, -5, 0), 0);
	assert_int_equal(lc_model_builder_build(b, &m), LC_EFORMAT);
	assert_null(m);
	assert_non_null(strstr(lc_error_last(), "builder: a link refers to unknown status \"cold\""));
	assert_non_null(strstr(lc_error_last(), "\nbuilder: a crossing refers to unknown action \"lose\""));
	assert_non_null(strstr(lc_error_last(), "\nbuilder: \"max_skip\" is -5"));
	lc_model_builder_free(b);

	/* a bad name or version is found when built */
	assert_int_equal(lc_model_builder_new(&b, "Bad Name", 0), 0);
	assert_int_equal(lc_model_builder_build(b, &m), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "builder: model name \"Bad Name\""));
	assert_non_null(strstr(lc_error_last(), "builder: \"version\" is 0"));
	lc_model_builder_free(b);
	lc_model_builder_free(NULL);
}

static void test_bad_arguments(void **state)
{
	lc_model *m = NULL, *good;
	lc_model_builder *b = NULL;
	lc_table *p = NULL;
	char *s = NULL;
	size_t i;
	char longname[300];
	(void)state;

	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	good = load_ok(HDR "\"stages\": [{\"label\": \"A\"}]}");

	assert_int_equal(lc_model_load_string(NULL, "{}", NULL), LC_EINVAL);
	assert_int_equal(lc_model_load_string(&m, NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_model_load_string(&m, "{}", "bad\xc3("), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "UTF-8"));
	assert_int_equal(lc_model_load_string(&m, "", NULL), LC_EFORMAT);
	assert_int_equal(lc_model_load_file(NULL, "x"), LC_EINVAL);
	assert_int_equal(lc_model_load_file(&m, NULL), LC_EINVAL);
	assert_int_equal(lc_model_load_file(&m, "\xff"), LC_EINVAL);
	assert_int_equal(lc_model_load(NULL, "crm"), LC_EINVAL);
	assert_int_equal(lc_model_load(&m, NULL), LC_EINVAL);
	assert_int_equal(lc_model_preset(NULL, "crm"), LC_EINVAL);
	assert_int_equal(lc_model_preset(&m, NULL), LC_EINVAL);
	assert_int_equal(lc_model_preset(&m, longname), LC_ERANGE);
	assert_int_equal(lc_model_preset(&m, "cr\x80"), LC_EINVAL);
	assert_null(m);
	lc_model_free(NULL);

	assert_null(lc_model_name(NULL));
	assert_null(lc_model_description(NULL));
	assert_int_equal(lc_model_version(NULL), 0);
	assert_null(lc_model_value_key(NULL, LC_AXIS_STAGE, 0));
	assert_null(lc_model_value_key(good, (lc_axis)99, 0));
	assert_null(lc_model_value_label(good, LC_AXIS_STAGE, 1));
	assert_int_equal(lc_model_value_flags(NULL, LC_AXIS_STAGE, 0), 0);
	assert_int_equal(lc_model_value_parent(NULL, LC_AXIS_STAGE, 0, &i), LC_EINVAL);
	assert_int_equal(lc_model_value_parent(good, LC_AXIS_STAGE, 0, NULL), LC_EINVAL);
	assert_int_equal(lc_model_value_parent(good, LC_AXIS_ACTION, 0, &i), LC_EINVAL);
	assert_int_equal(lc_model_value_parent(good, LC_AXIS_STAGE, 5, &i), LC_EINVAL);
	assert_int_equal(lc_model_value_parent(good, LC_AXIS_STAGE, 0, &i), LC_ENOTFOUND);
	assert_int_equal(lc_model_value_find(NULL, LC_AXIS_STAGE, "a", &i), LC_EINVAL);
	assert_int_equal(lc_model_value_find(good, LC_AXIS_STAGE, NULL, &i), LC_EINVAL);
	assert_int_equal(lc_model_value_find(good, LC_AXIS_STAGE, "a", NULL), LC_EINVAL);
	assert_int_equal(lc_model_value_find(good, (lc_axis)-1, "a", &i), LC_EINVAL);
	assert_int_equal(lc_model_value_find(good, LC_AXIS_STAGE, "\xc0\xaf", &i), LC_EINVAL);
	assert_int_equal(lc_model_value_find(good, LC_AXIS_STAGE, longname, &i), LC_ERANGE);
	assert_int_equal(lc_model_value_find(good, LC_AXIS_ACTION, "a", &i), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "it has no actions"));
	assert_int_equal(linked(NULL, 0, 0), LC_EINVAL);
	assert_int_equal(linked(good, 0, 0), LC_EINVAL);
	assert_int_equal(lc_model_link_allowed(good, 0, 0, NULL), LC_EINVAL);

	assert_int_equal(lc_model_check_string(NULL, NULL, &p), LC_EINVAL);
	assert_int_equal(lc_model_check_string("{}", NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_model_check_string("{}", "\xfe", &p), LC_EINVAL);
	assert_int_equal(lc_model_check_file(NULL, &p), LC_EINVAL);
	assert_int_equal(lc_model_check_file("x", NULL), LC_EINVAL);
	assert_int_equal(lc_model_check_file("/nonexistent/x.json", &p), LC_EIO);
	assert_null(p);

	assert_int_equal(lc_model_builder_new(NULL, "x", 1), LC_EINVAL);
	assert_int_equal(lc_model_builder_new(&b, NULL, 1), LC_EINVAL);
	assert_int_equal(lc_model_builder_new(&b, longname, 1), LC_ERANGE);
	assert_int_equal(lc_model_builder_new(&b, "\xff", 1), LC_EINVAL);
	assert_null(b);
	assert_int_equal(lc_model_builder_set_description(NULL, "x"), LC_EINVAL);
	assert_int_equal(lc_model_builder_add_value(NULL, LC_AXIS_STAGE, NULL, "x", NULL, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_set_parent(NULL, LC_AXIS_STAGE, "a", "b"), LC_EINVAL);
	assert_int_equal(lc_model_builder_require(NULL, LC_AXIS_STAGE, "a", 1), LC_EINVAL);
	assert_int_equal(lc_model_builder_block(NULL, LC_AXIS_STAGE, "a", "b"), LC_EINVAL);
	assert_int_equal(lc_model_builder_reason_use(NULL, "a", 0, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_link(NULL, "a", "b"), LC_EINVAL);
	assert_int_equal(lc_model_builder_cross(NULL, "a", NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_model_builder_set_outcomes(NULL, LC_AXIS_STAGE, 0, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_allow_transition(NULL, LC_AXIS_STAGE, "a", "b"), LC_EINVAL);
	assert_int_equal(lc_model_builder_build(NULL, &m), LC_EINVAL);

	assert_int_equal(lc_model_builder_new(&b, "x", 1), 0);
	assert_int_equal(lc_model_builder_set_description(b, NULL), LC_EINVAL);
	assert_int_equal(lc_model_builder_set_description(b, "\xff"), LC_EINVAL);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, NULL, NULL, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, longname, NULL, 0), LC_ERANGE);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, "A", "\xff", 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, longname, "A", NULL, 0), LC_ERANGE);
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_STAGE, NULL, "b"), LC_EINVAL);
	assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_STAGE, "a", NULL), LC_EINVAL);
	assert_int_equal(lc_model_builder_require(b, (lc_axis)9, "a", 1), LC_EINVAL);
	assert_int_equal(lc_model_builder_block(b, LC_AXIS_STAGE, "a", NULL), LC_EINVAL);
	assert_int_equal(lc_model_builder_reason_use(b, NULL, 0, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_link(b, NULL, "b"), LC_EINVAL);
	assert_int_equal(lc_model_builder_link(b, "a", "\xff"), LC_EINVAL);
	assert_int_equal(lc_model_builder_cross(b, NULL, NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_model_builder_cross(b, "a", longname, NULL), LC_ERANGE);
	assert_int_equal(lc_model_builder_set_outcomes(b, (lc_axis)-3, 0, 0), LC_EINVAL);
	assert_int_equal(lc_model_builder_allow_transition(b, LC_AXIS_STAGE, NULL, "b"), LC_EINVAL);
	assert_int_equal(lc_model_builder_build(b, NULL), LC_EINVAL);
	/* nothing was recorded by the failed calls: the model is just its header */
	assert_int_equal(lc_model_builder_build(b, &m), 0);
	assert_int_equal(lc_model_to_json(m, &s, NULL), 0);
	assert_string_equal(s, "{\n  \"format\": 1,\n  \"name\": \"x\",\n  \"version\": 1,\n  \"description\": \"\"\n}\n");
	lc_free(s);
	lc_model_free(m);
	lc_model_builder_free(b);
	lc_model_free(good);
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
	return realloc(ptr, n);
}

static void counting_free(void *ptr, void *ud)
{
	(void)ud;
	live_allocs--;
	free(ptr);
}

static void sweep(const char *json, int want_on_success)
{
	lc_allocator a = LC_ALLOCATOR_INIT;
	a.malloc_fn = failing_malloc;
	a.realloc_fn = failing_realloc;
	a.free_fn = counting_free;
	assert_int_equal(lc_set_allocator(&a), 0);
	for (long n = 0;; n++) {
		lc_model *m = NULL;
		int rc;
		fail_at = n;
		alloc_calls = 0;
		live_allocs = 0;
		rc = lc_model_load_string(&m, json, "sweep.json");
		if (alloc_calls <= n) {
			/* nothing failed: this is the normal result */
			assert_int_equal(rc, want_on_success);
			lc_model_free(m);
			assert_int_equal(live_allocs, 0);
			break;
		}
		assert_int_equal(rc, LC_ENOMEM);
		assert_int_equal(lc_error_last_code(), LC_ENOMEM);
		assert_null(m);
		assert_int_equal(live_allocs, 0);
	}
	fail_at = -1;
	assert_int_equal(lc_set_allocator(NULL), 0);
}

static void test_allocation_failures(void **state)
{
	char *full = slurp(fixture_path("full.json"));
	(void)state;
	sweep(full, 0);
	/* the problem path allocates too (messages, the locator) */
	sweep(HDR "\"actoins\": [], \"stages\": [{\"label\": \"A\", \"phase\": \"x\"}]}", LC_EFORMAT);
	free(full);
}

/* The next value on an ordered axis (seed 001's "current / next status"). */
static size_t next_of(const lc_model *m, lc_axis axis, const char *key)
{
	size_t i, n = (size_t)-1;
	assert_int_equal(lc_model_value_find(m, axis, key, &i), 0);
	if (lc_model_value_next(m, axis, i, &n) != 0)
		return (size_t)-1;
	return n;
}

static const char *next_key(const lc_model *m, lc_axis axis, const char *key)
{
	size_t n = next_of(m, axis, key);
	return n == (size_t)-1 ? NULL : lc_model_value_key(m, axis, n);
}

static void test_value_next(void **state)
{
	lc_model *m;
	lc_model_builder *b;
	size_t n;

	(void)state;
	assert_int_equal(lc_model_preset(&m, "particle"), 0);
	assert_string_equal(next_key(m, LC_AXIS_STAGE, "enquiry"), "contact");
	assert_string_equal(next_key(m, LC_AXIS_STAGE, "contracted"), "settled");
	assert_string_equal(next_key(m, LC_AXIS_STAGE, "surveyed"), "periodic_check_in");
	/* Repeatable: entered once more. */
	assert_string_equal(next_key(m, LC_AXIS_STAGE, "periodic_check_in"), "periodic_check_in");
	assert_string_equal(next_key(m, LC_AXIS_STAGE, "service_renewal"), "service_renewal");
	/* Closed stages have none: Nurture (closed), Problem (terminal). */
	assert_null(next_key(m, LC_AXIS_STAGE, "nurture"));
	assert_non_null(strstr(lc_error_last(), "closed"));
	assert_null(next_key(m, LC_AXIS_STAGE, "problem"));
	assert_non_null(strstr(lc_error_last(), "terminal"));
	assert_int_equal(lc_model_value_next(m, LC_AXIS_STAGE, 0, &n), 0);
	assert_int_equal(lc_model_value_next(m, LC_AXIS_STAGE, 99, &n), LC_EINVAL);
	assert_int_equal(lc_model_value_next(m, LC_AXIS_STATUS, 0, &n), LC_EINVAL);
	assert_int_equal(lc_model_value_next(m, LC_AXIS_STAGE, 0, NULL), LC_EINVAL);
	assert_int_equal(lc_model_value_next(NULL, LC_AXIS_STAGE, 0, &n), LC_EINVAL);
	lc_model_free(m);

	/* A deprecated value is skipped, the transition table and the skip cap
	 * are obeyed; with no open later value there is none. */
	assert_int_equal(lc_model_builder_new(&b, "steps", 1), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_ACTION, NULL, "Call", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_PHASE, NULL, "Open", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, "A", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, "B", NULL,
						    LC_FLAG_DEPRECATED), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, "C", NULL, 0), 0);
	assert_int_equal(lc_model_builder_add_value(b, LC_AXIS_STAGE, NULL, "D", NULL, 0), 0);
	for (const char *k = "abcd"; *k; k++) {
		char key[2] = { *k, 0 };
		assert_int_equal(lc_model_builder_set_parent(b, LC_AXIS_STAGE, key, "open"), 0);
	}
	assert_int_equal(lc_model_builder_build(b, &m), 0);
	assert_string_equal(next_key(m, LC_AXIS_STAGE, "a"), "c");
	assert_null(next_key(m, LC_AXIS_STAGE, "d"));
	assert_non_null(strstr(lc_error_last(), "no later value"));
	lc_model_free(m);
	assert_int_equal(lc_model_builder_set_outcomes(b, LC_AXIS_STAGE, 0, 0), 0);
	assert_int_equal(lc_model_builder_build(b, &m), 0);
	assert_null(next_key(m, LC_AXIS_STAGE, "a")); /* c would skip b */
	lc_model_free(m);
	assert_int_equal(lc_model_builder_set_outcomes(b, LC_AXIS_STAGE, LC_NO_SKIP_CAP, 0), 0);
	assert_int_equal(lc_model_builder_allow_transition(b, LC_AXIS_STAGE, "a", "d"), 0);
	assert_int_equal(lc_model_builder_build(b, &m), 0);
	assert_string_equal(next_key(m, LC_AXIS_STAGE, "a"), "d");
	lc_model_free(m);
	lc_model_builder_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_axis_and_outcome_names),
		cmocka_unit_test(test_value_next),
		cmocka_unit_test(test_load_full_fixture),
		cmocka_unit_test(test_problem_positions),
		cmocka_unit_test(test_positions_utf8_and_escapes),
		cmocka_unit_test(test_all_problems_at_once),
		cmocka_unit_test(test_round_trip_fixtures),
		cmocka_unit_test(test_canonical_json_shape),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_dot),
		cmocka_unit_test(test_initial_flag),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_record_lists),
		cmocka_unit_test(test_closed_values),
		cmocka_unit_test(test_builder_closed),
		cmocka_unit_test(test_builder),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
