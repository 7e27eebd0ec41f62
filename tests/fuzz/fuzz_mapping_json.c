/*
 * libFuzzer target: the column-mapping reader (lc_mapping_load_string) and
 * imports with the mappings it accepts.
 *
 * Input: the mapping JSON. When it loads, a CSV is made from it, whose
 * header is the strings the JSON holds (so the mapping finds its columns)
 * and whose rows cycle through those strings and a few typical cells, and
 * it is imported twice (all or nothing, then skipping bad rows) into the
 * reused memory store (reuse.h) with the leadmanager preset.
 *
 * Properties, any breach of which aborts:
 * - a mapping either loads or fails with LC_EFORMAT, LC_EINVAL, LC_ERANGE,
 *   LC_EVERSION or LC_ENOMEM and a message, never with a mapping returned;
 * - every import code is 0 or a known LC_E code with a message;
 * - all or nothing: a failed import leaves no lead; a successful one
 *   leaves `imported` leads; with skipping, imported + rejected rows and
 *   every rejected row has a code, a reason and a data line;
 * - every imported lead equals the replay of its history.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "leadcore/leadcore.h"
#include "leadcore/import.h"
#include "reuse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_COLS 12

static void die(const char *what)
{
	fprintf(stderr, "fuzz_mapping_json: %s (last error: %s)\n", what, lc_error_last());
	abort();
}

static void check_code(int rc)
{
	if (rc > 0 || rc < LC__ERROR_LAST)
		die("a code that is not an LC_E code");
	if (rc < 0 && !lc_error_last()[0])
		die("a failure without a message");
}

/* Collects the distinct short strings of a JSON value (keys and values). */
static void strings(json_t *j, const char **out, size_t *n)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		const char *s = json_string_value(j);
		if (*n >= MAX_COLS || strlen(s) > 40 || strpbrk(s, "\",\r\n"))
			return;
		for (i = 0; i < *n; i++)
			if (!strcmp(out[i], s))
				return;
		out[(*n)++] = s;
	} else if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			strings(v, out, n);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			strings(v, out, n);
	}
}

/* A header of the JSON's strings and four rows of cells. */
static size_t make_csv(json_t *j, char *buf, size_t cap)
{
	static const char *cells[] = { "Yes", "1", "", "2026-11-22", "call", "hot", "x@example.com" };
	const char *cols[MAX_COLS];
	size_t n = 0, len = 0;

	strings(j, cols, &n);
	if (n == 0)
		cols[n++] = "name";
	for (int row = -1; row < 4; row++) {
		for (size_t c = 0; c < n; c++) {
			const char *cell = row < 0 ? cols[c]
				: ((size_t)row + c) % 3 == 0 ? cols[((size_t)row + c) % n]
						     : cells[((size_t)row * 3 + c) % 7];
			len += (size_t)snprintf(buf + len, cap - len, "%s\"%s\"", c ? "," : "", cell);
		}
		len += (size_t)snprintf(buf + len, cap - len, "\n");
	}
	return len;
}

static int64_t lead_count(lc_db *db)
{
	size_t n = SIZE_MAX;
	if (lc_db_count(db, NULL, &n) != 0)
		die("lc_db_count failed");
	return n;
}

static void check_replays(lc_db *db)
{
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	if (lc_db_query(db, NULL, &it) != 0)
		die("lc_db_query failed");
	while (lc_lead_iter_next(it, &l) == 1) {
		lc_state *st = NULL;
		if (lc_state_new(&st, lc_db_model(db)) != 0)
			die("lc_state_new failed");
		if (lc_db_replay(db, lc_lead_number(l, LC_LEAD_NUM_ID), st) != 0 || lc_state_equal(st, lc_lead_state(l)) != 1)
			die("an imported lead does not equal the replay of its history");
		lc_state_free(st);
	}
	lc_lead_iter_free(it);
}

static void import(lc_db *db, const char *csv, size_t len, const lc_mapping *map, uint32_t flags)
{
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_table *res = NULL;
	int64_t before = lead_count(db);
	int rc;

	o.flags = flags;
	o.at = 1795000000;
	rc = lc_import_buffer(db, csv, len, map, &o, &res);
	check_code(rc);
	if (rc != 0 && !(flags & LC_IMPORT_SKIP_BAD_ROWS) && lead_count(db) != before)
		die("a failed import left leads");
	if (rc == 0 && res &&
	    lead_count(db) != before + (int64_t)(uint64_t)lc_table_int_named(lc_table_summary(res), 0, "imported"))
		die("the store does not hold the imported leads");
	for (size_t i = 0; res && i < lc_table_row_count(res); i++) {
		const char *why = lc_table_text_named(res, i, "reason");
		if ((int)lc_table_int_named(res, i, "code") >= 0 || !why || !why[0] ||
		    (uint64_t)lc_table_int_named(res, i, "line") < 2)
			die("a rejected row without a code, a reason or a data line");
	}
	lc_table_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char csv[8192];
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_mapping *map = NULL;
	char *text = malloc(size + 1);
	json_t *j;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = lc_mapping_load_string(&map, text, "fuzz");
	check_code(rc);
	if (rc != 0) {
		if (map)
			die("a failed load returned a mapping");
		if (rc != LC_EFORMAT && rc != LC_EINVAL && rc != LC_ERANGE && rc != LC_EVERSION &&
		    rc != LC_ENOMEM)
			die("an unexpected code from the mapping reader");
		free(text);
		return 0;
	}
	j = json_loads(text, 0, NULL);
	if (j) {
		size_t len = make_csv(j, csv, sizeof csv);
		lc_db *db = fuzz_reused_open(0, 1795000000, &o);
		import(db, csv, len, map, 0);
		import(db, csv, len, map, LC_IMPORT_SKIP_BAD_ROWS);
		check_replays(db);
		fuzz_reused_done(0);
		json_decref(j);
	}
	lc_mapping_free(map);
	free(text);
	return 0;
}
