/*
 * libFuzzer target: the core's text handling, which every module trusts with
 * caller input: ISO 8601 times, UTF-8 checks, label-to-key folding and JSON
 * string escaping.
 *
 * Properties: a parsed time formats and parses back to itself; a key made
 * from a label has the shape of a key; escaping never fails on valid UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "leadcore/leadcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_core_text: %s: %s\n", what, detail);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	lc_time t = 0, back = 0;
	if (lc_time_parse(text, &t) == 0) {
		char buf[LC_TIME_FORMAT_SIZE];
		int rc = lc_time_format(t, buf, sizeof buf);
		if (rc == 0) {
			if (lc_time_parse(buf, &back) != 0 || back != t)
				fail("a formatted time does not parse back", buf);
		} else if (rc != LC_ERANGE) {
			fail("formatting a parsed time failed", text);
		}
	}

	/* An embedded NUL ends the text, as it does for every caller. */
	bool valid = lc__utf8_valid(text, strlen(text));
	if (valid != (lc__check_text(text, LC_TEXT_MAX, "text", false) == 0))
		fail("lc__utf8_valid and lc__check_text disagree", text);
	if (valid) {
		char *key = lc__key_from_label(text);
		/* Keys are [a-z0-9_] with no '_' at either end (a leading digit
		 * or an overlong key is for the caller to refuse). */
		if (key) {
			size_t kl = strlen(key);
			if (kl == 0 || key[0] == '_' || key[kl - 1] == '_' ||
			    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != kl)
				fail("a key made from a label has a bad shape", key);
		}
		lc__free(key);

		lc_buf b;
		char *json = NULL;
		lc__buf_init(&b);
		lc__buf_put_json_string(&b, text);
		if (lc__buf_take(&b, &json, NULL) != 0 || !json || json[0] != '"')
			fail("escaping valid UTF-8 as JSON failed", text);
		if (!lc__utf8_valid(json, strlen(json)))
			fail("escaped JSON is not valid UTF-8", json);
		lc__free(json);
	}
	free(text);
	return 0;
}
