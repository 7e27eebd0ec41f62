/*
 * libFuzzer target: the workflow rule-set reader (lc_ruleset_load_string),
 * and, for rule sets that load, install and one sweep on a small in-memory
 * store of the insurance model.
 *
 * Any input must load or fail with LC_EFORMAT/LC_EVERSION/LC_EINVAL and a
 * message; an install may be refused with LC_ENOTFOUND (values the model
 * does not know); a sweep must return 0 and report every failing lead with a
 * message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadcore/leadcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_ruleset_json: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

static lc_time fixed(void *ud)
{
	(void)ud;
	return 1767225600 + 5 * 86400;
}

static void run(const lc_ruleset *rs)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	lc_table *r = NULL;
	static const char *const src[] = { "LAT", "Web", NULL };
	int rc;

	o.clock = fixed;
	if (lc_db_open(&db, "memory:", &o) || lc_model_preset(&m, "insurance") ||
	    lc_db_install_model(db, m, NULL))
		fail("cannot set up the store", lc_error_last());
	lc_model_free(m);
	lc_db_unit_add(db, "LSPs", NULL);
	lc_db_agent_add(db, "amy", NULL);
	rc = lc_db_ruleset_install(db, rs, NULL);
	if (rc && rc != LC_ENOTFOUND)
		fail("install failed other than with LC_ENOTFOUND", lc_error_last());
	if (rc == 0) {
		for (int i = 0; i < 3; i++) {
			lc_lead *l = NULL;
			if (lc_lead_new(&l) || lc_lead_set_text(l, LC_LEAD_PHONE, i ? "555-0100" : NULL) ||
			    lc_lead_set_text(l, LC_LEAD_SOURCE, src[i]) || lc_db_lead_create(db, l, NULL))
				fail("cannot create a lead", lc_error_last());
			lc_lead_free(l);
		}
		if ((rc = lc_workflow_sweep(db, LC_TIME_NONE, &r)))
			fail("the sweep failed", lc_error_last());
		for (size_t i = 0; i < lc_table_row_count(r); i++)
			if (!lc_table_text_named(r, i, "rule") || !lc_table_text_named(r, i, "effect") ||
			    ((int)lc_table_int_named(r, i, "code") && !lc_table_text_named(r, i, "message")[0]))
				fail("a sweep row lacks its rule, effect or message", NULL);
		lc_table_free(r);
	}
	lc_db_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lc_ruleset *rs = NULL;
	char *text = malloc(size + 1);
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = lc_ruleset_load_string(&rs, text, "fuzz");
	if (rc == 0) {
		if (!lc_ruleset_name(rs) || lc_ruleset_version(rs) < 1 || !lc_ruleset_json(rs))
			fail("a loaded rule set lacks its name, version or text", NULL);
		lc_table *rules = NULL;
		if (lc_ruleset_rules(rs, &rules) != 0)
			fail("the rules cannot be listed", lc_error_last());
		for (size_t i = 0; i < lc_table_row_count(rules); i++)
			if (!lc_table_text(rules, i, 0) || !lc_table_text(rules, i, 1))
				fail("a rule lacks its name or kind", NULL);
		lc_table_free(rules);
		run(rs);
		lc_ruleset_free(rs);
	} else if (rc != LC_EFORMAT && rc != LC_EVERSION && rc != LC_EINVAL && rc != LC_ERANGE) {
		fail("unexpected error", lc_error_name(rc));
	} else if (!lc_error_last()[0]) {
		fail("a refused rule set has no message", NULL);
	}
	free(text);
	return 0;
}
