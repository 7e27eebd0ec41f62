/*
 * libFuzzer target: CSV import with a column mapping (lc_import_buffer), and
 * the mapping reader (lc_mapping_load_string).
 *
 * Input: byte 0 is a control byte, the rest is the CSV text.
 *   bits 0-1  which built-in mapping (below) the CSV is read with;
 *   bit 2     LC_IMPORT_SKIP_BAD_ROWS;
 *   bit 3     a fixed time for every row (lc_import_options.at);
 *   bit 7     the mapping is JSON taken from the input up to its first NUL
 *             byte, and the CSV is what follows (fuzzes the mapping reader).
 * The same import runs into `memory:` and `:memory:` (both with the
 * leadmanager preset).
 *
 * Properties, any breach of which aborts:
 * - every code is 0 or a known LC_E code, and a failure leaves a message;
 * - both stores give the same code and the same counts;
 * - all or nothing: a failed import without SKIP_BAD_ROWS leaves the store
 *   empty; a successful one leaves exactly `imported` leads;
 * - every imported lead's state equals the replay of its history.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadcore/leadcore.h"
#include "leadcore/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Some parts are written as explicit nulls, so that the reader's null path
 * is exercised next to the absent parts of the mapping from the input. */
#define NO_SRO " \"stage\": null, \"reason\": null, \"outcome\": null"
#define NO_SRNO NO_SRO ", \"note\": null"

/* 0: the X Education export (../shared/data), as a sales team would map it. */
static const char map_xedu[] =
	"{\"format\": 1, \"dedupe\": \"external_id\", \"placeholders\": [\"Select\", \"\"],"
	" \"fields\": {\"external_id\": \"Prospect ID\", \"name\": \"Lead Number\","
	"  \"source\": \"Lead Source\", \"category\": \"Lead Origin\"},"
	" \"attributes\": {\"country\": \"Country\", \"quality\": \"Lead Quality\"},"
	" \"flags\": {\"do_not_call\": {\"column\": \"Do Not Call\", \"values\": [\"Yes\"]},"
	"  \"do_not_email\": {\"column\": \"Do Not Email\", \"values\": [\"Yes\"]}},"
	" \"dispositions\": ["
	"  {\"when\": {\"column\": \"Tags\", \"values\": [\"Ringing\", \"Busy\", \"switched off\"]},"
	"   \"action\": \"call\", \"milestone\": \"no_milestone\", \"status\": \"attempted_contact\"," NO_SRNO "},"
	"  {\"when\": {\"column\": \"Tags\", \"values\": [\"invalid number\", \"wrong number given\"]},"
	"   \"action\": \"call\", \"milestone\": null, \"status\": \"bad_phone_number\"," NO_SRNO "},"
	"  {\"when\": {\"column\": \"Tags\", \"values\": [\"Will revert after reading the email\"]},"
	"   \"action\": \"email\", \"milestone\": \"contacted\", \"status\": \"follow_up\","
	"   \"follow_up_days\": 3, \"note\": {\"column\": \"Last Activity\"}," NO_SRO "},"
	"  {\"action\": \"lead_update\", \"milestone\": {\"column\": \"Converted\","
	"   \"values\": {\"1\": \"sold\", \"0\": null}},"
	"   \"status\": {\"column\": \"Converted\", \"values\": {\"1\": \"customer\"}, \"default\": null}," NO_SRNO "}"
	" ]}";

/* 1: a small CRM export with its own times, deduplicated by email. */
static const char map_crm[] =
	"{\"format\": 1, \"dedupe\": \"email\", \"time\": {\"column\": \"when\"}, \"actor\": \"import\","
	" \"fields\": {\"email\": \"email\", \"name\": \"name\", \"phone\": \"phone\","
	"  \"probability\": \"p\", \"expected_completion\": \"due\"},"
	" \"flags\": {\"do_not_call\": \"dnc\"},"
	" \"dispositions\": [{\"action\": {\"column\": \"action\"},"
	"  \"milestone\": {\"column\": \"milestone\", \"default\": null},"
	"  \"status\": {\"column\": \"status\", \"values\": {\"HOT\": \"hot\", \"-\": null}},"
	"  \"note\": {\"column\": \"note\"}, \"follow_up_days\": 7," NO_SRO "}]}";

/* 2: lead fields only. */
static const char map_fields[] =
	"{\"format\": 1, \"fields\": {\"external_id\": \"id\", \"name\": \"name\", \"company\": \"company\","
	" \"start\": \"start\"}, \"attributes\": {\"extra\": \"extra\"}}";

/* 3: three anonymous columns, every part from a cell. */
static const char map_abc[] =
	"{\"format\": 1, \"placeholders\": [\"?\"], \"fields\": {\"name\": \"a\"},"
	" \"dispositions\": [{\"when\": {\"column\": \"c\", \"values\": [\"x\", \"y\"]},"
	"  \"action\": {\"column\": \"b\"}, \"status\": {\"column\": \"c\","
	"  \"values\": {\"x\": \"hot\", \"y\": \"not_interested\"}}, \"milestone\": {\"column\": \"c\","
	"  \"values\": {\"y\": \"not_interested\"}, \"default\": \"contacted\"}, \"follow_up_days\": 1,"
	NO_SRNO "}]}";

static const char *const builtin[4] = { map_xedu, map_crm, map_fields, map_abc };

static lc_time now_value = 1795000000; /* 2026-11-18 */

static lc_time fz_clock(void *ud)
{
	(void)ud;
	return now_value;
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_import_csv: %s%s%s\n  last error: %s\n", what, detail ? ": " : "",
		detail ? detail : "", lc_error_last());
	abort();
}

static void check_rc(const char *what, int rc)
{
	if (rc > 0 || rc < LC__ERROR_LAST)
		die("a code that is not an LC_E code", what);
	if (rc < 0 && lc_error_last()[0] == '\0')
		die("a failure without a message", what);
}

static lc_db *open_store(const char *uri)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	o.clock = fz_clock;
	if (lc_db_open(&db, uri, &o) != 0 || lc_model_preset(&m, "leadmanager") != 0 ||
	    lc_db_install_model(db, m, NULL) != 0)
		die("cannot set up a store", uri);
	lc_model_free(m);
	return db;
}

typedef struct outcome {
	int rc;
	uint64_t counts[7];
	size_t leads;
} outcome;

static void check_replays(lc_db *db)
{
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	int n = 0;
	if (lc_db_query(db, NULL, &it) != 0)
		die("cannot query the imported leads", NULL);
	while (n++ < 32 && lc_lead_iter_next(it, &l) == 1) {
		lc_state *st = NULL;
		int rc;
		if (lc_state_new(&st, lc_db_model(db)) != 0)
			die("lc_state_new failed", NULL);
		rc = lc_db_replay(db, lc_lead_number(l, LC_LEAD_NUM_ID), st);
		check_rc("lc_db_replay", rc);
		if (rc == LC_ECORRUPT || (rc == 0 && lc_state_equal(st, lc_lead_state(l)) != 1))
			die("an imported lead is not the replay of its history",
			    lc_lead_text(l, LC_LEAD_EXTERNAL_ID));
		lc_state_free(st);
	}
	lc_lead_iter_free(it);
}

static void import_into(const char *uri, const char *csv, size_t len, const lc_mapping *map,
			const lc_import_options *o, outcome *out)
{
	lc_db *db = open_store(uri);
	lc_table *r = NULL;
	lc_query *q = NULL;

	memset(out, 0, sizeof *out);
	out->rc = lc_import_buffer(db, csv, len, map, o, &r);
	check_rc("lc_import_buffer", out->rc);
	if (r) {
		out->counts[0] = (uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rows");
		out->counts[1] = (uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported");
		out->counts[2] = (uint64_t)lc_table_int_named(lc_table_summary(r), 0, "updated");
		out->counts[3] = (uint64_t)lc_table_int_named(lc_table_summary(r), 0, "skipped");
		out->counts[4] = (uint64_t)lc_table_int_named(lc_table_summary(r), 0, "dispositions");
		out->counts[5] = (uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected");
		out->counts[6] = lc_table_row_count(r);
		if (out->counts[6] > out->counts[5])
			die("more rejected rows listed than counted", uri);
		for (size_t i = 0; i < lc_table_row_count(r); i++) {
			const char *why = lc_table_text_named(r, i, "reason");
			int code = (int)lc_table_int_named(r, i, "code");
			if (code >= 0 || code < LC__ERROR_LAST)
				die("a rejected row's code is not an LC_E code", why);
			/* A data row starts at line 2 or later, whatever ends its lines
			 * (regressions/fuzz_import_csv/bare-cr-line-number); a broken
			 * header fails the import instead (header-unclosed-quote). */
			if (!why || !*why || (uint64_t)lc_table_int_named(r, i, "line") < 2) {
				fprintf(stderr, "reject %zu: line %llu: %s\n", i,
					(unsigned long long)(uint64_t)lc_table_int_named(r, i, "line"),
					why ? why : "(null)");
				die("a rejected row without a reason or a data line", uri);
			}
		}
	}
	lc_table_free(r);

	if (lc_query_new(&q) != 0 || lc_query_set_recycled(q, LC_RECYCLED_INCLUDE) != 0 ||
	    lc_db_count(db, q, &out->leads) != 0)
		die("cannot count the leads", uri);
	lc_query_free(q);
	if (out->rc != 0 && !(o->flags & LC_IMPORT_SKIP_BAD_ROWS) && out->leads != 0)
		die("a failed all-or-nothing import left leads behind", uri);
	if (out->rc == 0 && (uint64_t)out->leads != out->counts[1])
		die("the store's lead count differs from the import's 'imported'", uri);
	if (out->rc == 0)
		check_replays(db);
	lc_db_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_mapping *map = NULL;
	const char *csv;
	size_t len;
	int rc;

	if (size < 1)
		return 0;
	uint8_t ctl = data[0];
	csv = (const char *)data + 1;
	len = size - 1;
	if (ctl & 0x80) {
		const char *nul = memchr(csv, '\0', len);
		size_t jlen = nul ? (size_t)(nul - csv) : len;
		char *json = malloc(jlen + 1);
		if (!json)
			return 0;
		memcpy(json, csv, jlen);
		json[jlen] = '\0';
		rc = lc_mapping_load_string(&map, json, "fuzz-mapping.json");
		free(json);
		check_rc("lc_mapping_load_string", rc);
		if (rc != 0) {
			if (map)
				die("a failed mapping load returned a mapping", NULL);
			return 0;
		}
		csv += nul ? jlen + 1 : jlen;
		len -= nul ? jlen + 1 : jlen;
	} else if (lc_mapping_load_string(&map, builtin[ctl & 3], "builtin") != 0) {
		die("a built-in mapping does not load", builtin[ctl & 3]);
	}
	if (ctl & 4)
		o.flags |= LC_IMPORT_SKIP_BAD_ROWS;
	if (ctl & 8)
		o.at = now_value - 86400;

	/* An exact-size copy, so that a read past the CSV is caught. */
	char *buf = malloc(len ? len : 1);
	if (!buf) {
		lc_mapping_free(map);
		return 0;
	}
	memcpy(buf, csv, len);
	outcome a, b;
	import_into("memory:", buf, len, map, &o, &a);
	import_into(":memory:", buf, len, map, &o, &b);
	free(buf);
	lc_mapping_free(map);

	if (getenv("LC_FUZZ_VERBOSE")) /* to check that seeds reach the import */
		fprintf(stderr, "mapping %d: %s, rows %llu imported %llu updated %llu skipped %llu "
			"dispositions %llu rejected %llu\n", ctl & 0x80 ? -1 : ctl & 3,
			lc_error_name(a.rc), (unsigned long long)a.counts[0],
			(unsigned long long)a.counts[1], (unsigned long long)a.counts[2],
			(unsigned long long)a.counts[3], (unsigned long long)a.counts[4],
			(unsigned long long)a.counts[5]);
	if (a.rc != b.rc) {
		fprintf(stderr, "memory: %s, :memory: %s\n", lc_error_name(a.rc), lc_error_name(b.rc));
		die("the stores disagree on the import's code", NULL);
	}
	if (memcmp(a.counts, b.counts, sizeof a.counts) != 0 || a.leads != b.leads)
		die("the stores disagree on the import's counts", NULL);
	return 0;
}
