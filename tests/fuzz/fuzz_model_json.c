/*
 * libFuzzer target: the model JSON reader (lc_model_load_string).
 *
 * Any input must either load or fail with LC_EFORMAT/LC_EINVAL and a message;
 * a model that loads must survive every query and both exports, and its
 * canonical JSON must load again and export to identical text (model.h
 * promises that round trip, so a difference is a finding, not noise).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadcore/leadcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_model_json: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

static void walk(const lc_model *m)
{
	volatile size_t sink = 0;
	if (!lc_model_name(m) || !lc_model_description(m) || lc_model_version(m) < 1)
		fail("a loaded model lacks its name, description or version", NULL);
	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		size_t n = lc_model_value_count(m, (lc_axis)a);
		for (size_t i = 0; i < n; i++) {
			const char *key = lc_model_value_key(m, (lc_axis)a, i);
			const char *label = lc_model_value_label(m, (lc_axis)a, i);
			size_t found = (size_t)-1, parent = 0;
			if (!key || !label || !lc_model_value_description(m, (lc_axis)a, i))
				fail("a value lacks its key, label or description", lc_axis_name((lc_axis)a));
			if (lc_model_value_find(m, (lc_axis)a, key, &found) != 0)
				fail("a value cannot be found by its own key", key);
			sink += found + lc_model_value_flags(m, (lc_axis)a, i);
			if (lc_model_value_parent(m, (lc_axis)a, i, &parent) == 0)
				sink += parent;
		}
		if (lc_model_value_key(m, (lc_axis)a, n) != NULL)
			fail("a key past the end of an axis is not NULL", lc_axis_name((lc_axis)a));
	}
	size_t nm = lc_model_value_count(m, LC_AXIS_MILESTONE);
	size_t ns = lc_model_value_count(m, LC_AXIS_STATUS);
	for (size_t i = 0; i < nm; i++)
		for (size_t j = 0; j < ns; j++) {
			int allowed = 0;
			if (lc_model_link_allowed(m, i, j, &allowed) != 0)
				fail("a link inside the model is refused", lc_error_last());
			sink += (size_t)allowed;
		}
	lc_table *rules = NULL;
	if (lc_model_rules(m, &rules) != 0)
		fail("the rules cannot be listed", lc_error_last());
	for (size_t i = 0; i < lc_table_row_count(rules); i++)
		if (!lc_table_text(rules, i, 0))
			fail("a rule has no text", NULL);
	lc_table_free(rules);
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The reader takes NUL-terminated text; an embedded NUL just ends it. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	lc_model *m = NULL;
	int rc = lc_model_load_string(&m, text, "fuzz.json");
	free(text);
	if (rc != 0) {
		if (m)
			fail("a failed load returned a model", NULL);
		if (rc != LC_EFORMAT && rc != LC_EINVAL && rc != LC_ERANGE)
			fail("unexpected error code", lc_error_name(rc));
		if (lc_error_last()[0] == '\0')
			fail("a failed load left no message", lc_error_name(rc));
		return 0;
	}
	walk(m);

	char *dot = NULL;
	if (lc_model_to_dot(m, NULL, 0, &dot, NULL) != 0)
		fail("DOT export failed", lc_error_last());
	lc_free(dot);

	char *json = NULL, *json2 = NULL;
	size_t len = 0, len2 = 0;
	if (lc_model_to_json(m, &json, &len) != 0)
		fail("JSON export failed", lc_error_last());
	lc_model *m2 = NULL;
	if (lc_model_load_string(&m2, json, "export.json") != 0) {
		fprintf(stderr, "%s\n", json);
		fail("the canonical export does not load again", lc_error_last());
	}
	if (lc_model_to_json(m2, &json2, &len2) != 0)
		fail("JSON export of the reloaded model failed", lc_error_last());
	if (len != len2 || memcmp(json, json2, len) != 0) {
		fprintf(stderr, "first export:\n%s\nsecond export:\n%s\n", json, json2);
		fail("exporting a reloaded model changed its JSON", NULL);
	}
	lc_free(json);
	lc_free(json2);
	lc_model_free(m2);
	lc_model_free(m);
	return 0;
}
