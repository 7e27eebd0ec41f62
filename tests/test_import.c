/* CSV import: mappings (good and bad), the CSV dialect (BOM, CRLF, quoted
 * line breaks, ragged rows, bad UTF-8), all-or-nothing and skip-bad-rows,
 * dedupe, row times, flags, the progress callback, and the real X Education
 * file when it is present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <malloc.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <csv.h>
#include <sqlite3.h>

#include "leadcore/leadcore.h"
#include "support/lead_entry.h"
#include "leadcore/sys/storage.h"
#include "store/db_internal.h"
#include "support/alloc_sweep.h"
#include "support/store_files.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static lc_time now_value = T0;

static lc_time test_clock(void *ud)
{
	(void)ud;
	return now_value;
}

static lc_db *open_store(const char *preset)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	o.clock = test_clock;
	assert_int_equal(lc_db_open(&db, ":memory:", &o), 0);
	if (preset) {
		assert_int_equal(lc_model_load(&m, preset), 0);
		assert_int_equal(lc_db_install_model(db, m, NULL), 0);
		lc_model_free(m);
	}
	return db;
}

static lc_mapping *mapping(const char *json)
{
	lc_mapping *m = NULL;
	int rc = lc_mapping_load_string(&m, json, "test");
	if (rc)
		print_message("mapping: %s\n", lc_error_last());
	assert_int_equal(rc, 0);
	return m;
}

static int64_t lead_count(lc_db *db)
{
	size_t n = SIZE_MAX;
	assert_int_equal(lc_db_count(db, NULL, &n), 0);
	return n;
}

/* A leadmanager mapping: id, name, email, a status column through a map,
 * flags, Select as empty. */
static const char *const basic_map =
	"{\"format\": 1, \"dedupe\": \"external_id\", \"placeholders\": [\"Select\"],"
	" \"fields\": {\"external_id\": \"Id\", \"name\": \"Name\", \"email\": \"Email\"},"
	" \"attributes\": {\"note\": \"Note\"},"
	" \"flags\": {\"do_not_call\": \"DNC\"},"
	" \"dispositions\": [{\"action\": \"lead_update\", \"milestone\": \"no_milestone\","
	"   \"status\": {\"column\": \"Outcome\", \"values\": {\"rang\": \"attempted_contact\","
	"     \"fresh\": \"new\", \"bad\": \"bad_phone_number\"}}}]}";

static void import_basic(void **state)
{
	const char csv[] = "Id,Name,Email,Note,DNC,Outcome\n"
			   "a1,Ann,ann@example.com,hello,no,rang\n"
			   "a2,Bob,Select,\"two\nlines\",yes,fresh\n"
			   "a3,Cy,,,,\n";
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(basic_map);
	lc_table *r = NULL;
	lc_lead *l = NULL;
	(void)state;
	assert_int_equal(lc_import_buffer(db, csv, strlen(csv), m, NULL, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rows"), 3);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 3);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "updated"), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected"), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "dispositions"), 3);
	assert_int_equal(lead_count(db), 3);

	assert_int_equal(lc_db_lead_find(db, "a1", &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_NAME), "Ann");
	assert_string_equal(lc_lead_attr_get(l, "note"), "hello");
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "attempted_contact");
	assert_int_equal((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_CALL, 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_find(db, "a2", &l), 0);
	assert_null(lc_lead_text(l, LC_LEAD_EMAIL)); /* Select reads as empty */
	assert_string_equal(lc_lead_attr_get(l, "note"), "two\nlines");
	assert_true((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_CALL);
	lc_lead_free(l);
	/* An empty status cell leaves the status where a new lead starts. */
	assert_int_equal(lc_db_lead_find(db, "a3", &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "new");
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE), "no_milestone");
	lc_lead_free(l);
	lc_table_free(r);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* Bare CR row ends (which libcsv accepts) count as line ends, and a CRLF
 * that straddles the importer's 64 KiB read chunks counts once (fuzz finding
 * bare-cr-line-number). */
static void import_bare_cr_lines(void **state)
{
	const char cr[] = "Id,Name,Email,Note,DNC,Outcome\r"
			  "c1,A,,,,rang\r"
			  "c2,B,,,\r"              /* line 3: too few fields */
			  "c3,C,,,,rang\n";
	const char *head = "Id,Name,Email,Note,DNC,Outcome\r\n";
	const char *tail = "d2,B,,,\r\nd3,C,,,,rang\r\n"; /* d2: too few fields */
	int rows = 0;
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(basic_map);
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_table *r = NULL;
	char *big;
	size_t pad, len = 0;
	(void)state;

	o.flags = LC_IMPORT_SKIP_BAD_ROWS;
	assert_int_equal(lc_import_buffer(db, cr, sizeof cr - 1, m, &o, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 2);
	assert_int_equal(lc_table_row_count(r), 1);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 3);
	lc_table_free(r);

	/* Rows of filler, the last one sized so that its CR is byte 65535 and its
	 * LF byte 65536: the first read's last byte and the second's first. */
	big = malloc(70000);
	assert_non_null(big);
	memcpy(big, head, strlen(head));
	len = strlen(head);
	for (;;) {
		size_t need = 65537 - len, fixed = strlen("f00000,A,,") + strlen(",,rang\r\n");
		pad = need - fixed <= 4000 ? need - fixed : 3000;
		len += (size_t)sprintf(big + len, "f%05d,A,,", rows++);
		memset(big + len, 'n', pad);
		len += pad;
		len += (size_t)sprintf(big + len, ",,rang\r\n");
		if (len == 65537)
			break;
	}
	memcpy(big + len, tail, strlen(tail) + 1);
	len += strlen(tail);
	assert_int_equal(big[65535], '\r');
	assert_int_equal(big[65536], '\n');
	assert_int_equal(lc_import_buffer(db, big, len, m, &o, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), rows + 1);
	assert_int_equal(lc_table_row_count(r), 1);
	/* the header, the filler rows, then d2 */
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 1 + rows + 1);
	lc_table_free(r);
	free(big);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* BOM, CRLF, blank lines, a quoted line break: rows and line numbers stay right. */
static void import_dialect_and_lines(void **state)
{
	const char csv[] = "\xEF\xBB\xBFId,Name,Email,Note,DNC,Outcome\r\n"
			   "b1,A,,,,rang\r\n"
			   "\r\n"
			   "b2,B,,\"multi\r\nline\r\nnote\",,rang\r\n"
			   "b3,C,,,,rang,extra\r\n"   /* line 7: too many fields */
			   "b4,D,,,\r\n"              /* line 8: too few */
			   "b5,E\xff,,,,rang\r\n"     /* line 9: bad UTF-8 */
			   "b6,F,,,,unheard\r\n"      /* line 10: a value the mapping lacks */
			   "b7,G,,,,fresh";           /* no final line end */
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(basic_map);
	lc_table *r = NULL;
	(void)state;
	assert_int_equal(lc_import_buffer(db, csv, sizeof csv - 1, m, NULL, &r), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "4 of 7 rows are bad"));
	assert_non_null(strstr(lc_error_last(), "line 7"));
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rows"), 7);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected"), 4);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 0);
	assert_int_equal(lc_table_row_count(r), 4);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 7);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "7 fields but the header has 6"));
	assert_int_equal((uint64_t)lc_table_int_named(r, 1, "line"), 8);
	assert_int_equal((uint64_t)lc_table_int_named(r, 2, "line"), 9);
	assert_non_null(strstr(lc_table_text_named(r, 2, "reason"), "UTF-8"));
	assert_int_equal((uint64_t)lc_table_int_named(r, 3, "line"), 10);
	assert_non_null(strstr(lc_table_text_named(r, 3, "reason"), "'unheard'"));
	assert_non_null(strstr(lc_table_text_named(r, 3, "reason"), "Outcome"));
	assert_int_equal((int)lc_table_int_named(r, 3, "code"), LC_EFORMAT);
	assert_int_equal(lead_count(db), 0); /* all or nothing */
	lc_table_free(r);

	/* Skip mode: the four good rows go in. */
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	o.flags = LC_IMPORT_SKIP_BAD_ROWS;
	assert_int_equal(lc_import_buffer(db, csv, sizeof csv - 1, m, &o, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 3);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "skipped"), 4);
	assert_int_equal(lead_count(db), 3);
	{
		lc_lead *l = NULL;
		assert_int_equal(lc_db_lead_find(db, "b2", &l), 0);
		assert_string_equal(lc_lead_attr_get(l, "note"), "multi\r\nline\r\nnote");
		lc_lead_free(l);
	}
	lc_table_free(r);
	lc_mapping_free(m);
	lc_db_close(db);
}

static void import_unclosed_quote_and_empty(void **state)
{
	const char csv[] = "Id,Name,Email,Note,DNC,Outcome\nc1,A,,\"never closed,,rang\n";
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(basic_map);
	lc_table *r = NULL;
	(void)state;
	assert_int_equal(lc_import_buffer(db, csv, strlen(csv), m, NULL, &r), LC_EFORMAT);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected"), 1);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 2);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "never closed"));
	lc_table_free(r);
	assert_int_equal(lc_import_buffer(db, "", 0, m, NULL, &r), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "header"));
	lc_table_free(r);
	/* A quote that opens in the header and never closes: the file is
	 * malformed (not a rejected row at line 1), in either mode. */
	{
		const char bad[] = "Id,\"Name,Email,Note,DNC,Outcome\nc1,A,,,,rang\n";
		lc_import_options o = LC_IMPORT_OPTIONS_INIT;
		o.flags = LC_IMPORT_SKIP_BAD_ROWS;
		assert_int_equal(lc_import_buffer(db, bad, strlen(bad), m, &o, &r), LC_EFORMAT);
		assert_non_null(strstr(lc_error_last(), "line 1: the header has a quoted field"));
		assert_int_equal(lc_table_row_count(r), 0);
		lc_table_free(r);
	}
	/* A header that lacks a column the mapping names: nothing is read. */
	assert_int_equal(lc_import_buffer(db, "Id,Name\nx,y\n", 12, m, NULL, &r), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "'Email'"));
	lc_table_free(r);
	assert_int_equal(lead_count(db), 0);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* A disposition the model refuses: the row is rejected with the engine's reason. */
static void import_violation(void **state)
{
	const char *map = "{\"format\": 1, \"fields\": {\"external_id\": \"Id\"},"
			  " \"dispositions\": [{\"action\": \"call\", \"milestone\": {\"column\": \"M\"},"
			  "   \"status\": {\"column\": \"S\"}}]}";
	const char csv[] = "Id,M,S\nv1,Contacted,Hot\nv2,No Milestone,Attempted Contact\n";
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(map);
	lc_table *r = NULL;
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	(void)state;
	assert_int_equal(lc_import_buffer(db, csv, strlen(csv), m, NULL, &r), LC_EINVALID);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 2);
	assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_EINVALID);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "follow-up"));
	assert_int_equal(lead_count(db), 0);
	lc_table_free(r);
	o.flags = LC_IMPORT_SKIP_BAD_ROWS;
	assert_int_equal(lc_import_buffer(db, csv, strlen(csv), m, &o, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 1);
	/* Nothing of the bad row was written: no lead v1. */
	{
		lc_lead *l = NULL;
		assert_int_equal(lc_db_lead_find(db, "v1", &l), LC_ENOTFOUND);
	}
	lc_table_free(r);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* Row times from a column, a fixed time, and --at; history records them. */
static void import_times_and_history(void **state)
{
	const char *map = "{\"format\": 1, \"fields\": {\"external_id\": \"Id\"}, \"time\": {\"column\": \"When\"},"
			  " \"dispositions\": [{\"action\": \"call\", \"milestone\": \"contacted\","
			  "   \"status\": \"follow_up\", \"follow_up_days\": 2}]}";
	const char csv[] = "Id,When\nt1,2026-03-01T10:00:00Z\nt2,2026-03-02\n";
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(map);
	lc_table *r = NULL;
	lc_event_iter *it = NULL;
	const lc_event *ev;
	lc_lead *l = NULL;
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	int n = 0;
	(void)state;
	assert_int_equal(lc_import_buffer(db, csv, strlen(csv), m, NULL, &r), 0);
	lc_table_free(r);
	assert_int_equal(lc_db_lead_find(db, "t1", &l), 0);
	assert_int_equal(lc_db_history(db, lc_lead_number(l, LC_LEAD_NUM_ID), &it), 0);
	while (lc_event_iter_next(it, &ev) == 1) {
		lc_time want;
		lc_time_parse("2026-03-01T10:00:00Z", &want);
		assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_TIME), want);
		if ((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) == LC_EVENT_DISPOSITION) {
			assert_string_equal(lc_event_value(ev, LC_AXIS_STATUS), "follow_up");
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP), want + 2 * 86400);
		}
		n++;
	}
	assert_int_equal(n, 2); /* create, disposition */
	lc_event_iter_free(it);
	lc_lead_free(l);
	/* The store's clock is its own again. */
	assert_int_equal(lc_db_now(db), now_value);

	/* A bad time is a bad row; --at overrides the column. */
	assert_int_equal(lc_import_buffer(db, "Id,When\nt3,yesterday\n", 21, m, NULL, &r), LC_EFORMAT);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "'yesterday'"));
	lc_table_free(r);
	lc_time_parse("2026-04-01T00:00:00Z", &o.at);
	assert_int_equal(lc_import_buffer(db, "Id,When\nt3,yesterday\n", 21, m, &o, &r), 0);
	lc_table_free(r);
	assert_int_equal(lc_db_lead_find(db, "t3", &l), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_CREATED_AT), o.at);
	lc_lead_free(l);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* Dedupe: a second import updates the leads it finds. */
static void import_dedupe(void **state)
{
	const char *map_email = "{\"format\": 1, \"dedupe\": \"email\","
				" \"fields\": {\"email\": \"Email\", \"name\": \"Name\"},"
				" \"dispositions\": [{\"action\": \"lead_update\", \"status\": {\"column\": \"S\"}}]}";
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(basic_map), *me = mapping(map_email);
	lc_table *r = NULL;
	lc_lead *l = NULL;
	const char a[] = "Id,Name,Email,Note,DNC,Outcome\nd1,Ann,ann@x.org,,,fresh\nd1,Ann B,,,,rang\n";
	const char b[] = "Name,Email,S\nAnn C,ann@x.org,Attempted Contact\nZed,zed@x.org,New\n";
	(void)state;
	assert_int_equal(lc_import_buffer(db, a, strlen(a), m, NULL, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 1);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "updated"), 1);
	lc_table_free(r);
	assert_int_equal(lead_count(db), 1);
	assert_int_equal(lc_db_lead_find(db, "d1", &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_NAME), "Ann B");
	assert_string_equal(lc_lead_text(l, LC_LEAD_EMAIL), "ann@x.org"); /* empty cells keep values */
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "attempted_contact");
	lc_lead_free(l);
	assert_int_equal(lc_import_buffer(db, b, strlen(b), me, NULL, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "updated"), 1);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 1);
	lc_table_free(r);
	assert_int_equal(lc_db_lead_find(db, "d1", &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_NAME), "Ann C");
	lc_lead_free(l);
	assert_int_equal(lead_count(db), 2);
	lc_mapping_free(m);
	lc_mapping_free(me);
	lc_db_close(db);
}

/* "default" (a value or null), "when", pass-through columns and outcome/note parts. */
static void import_defaults_and_when(void **state)
{
	const char *map = "{\"format\": 1, \"fields\": {\"external_id\": \"Id\"},"
			  " \"dispositions\": ["
			  "  {\"action\": {\"column\": \"How\", \"values\": {\"phone\": \"call\"}, \"default\": \"lead_update\"},"
			  "   \"milestone\": \"no_milestone\","
			  "   \"status\": {\"column\": \"S\", \"values\": {\"x\": \"new\"}, \"default\": null},"
			  "   \"note\": {\"column\": \"Note\"}},"
			  "  {\"when\": {\"column\": \"Won\", \"values\": [\"YES\"]}, \"action\": \"email\","
			  "   \"milestone\": \"sold\", \"status\": {\"column\": \"S2\"}}]}";
	const char csv[] = "Id,How,S,Note,Won,S2\n"
			   "w1,phone,x,first,no,\n"          /* call, new */
			   "w2,fax,whatever,,yes,Customer\n" /* default action; unmapped status: null; won */
			   "w3,,,,,\n";                      /* empty: the default action, no status */
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(map);
	lc_table *r = NULL;
	lc_lead *l = NULL;
	lc_event_iter *it = NULL;
	const lc_event *ev;
	(void)state;
	assert_int_equal(lc_import_buffer(db, csv, strlen(csv), m, NULL, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "dispositions"), 4);
	lc_table_free(r);
	assert_int_equal(lc_db_lead_find(db, "w1", &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "new");
	assert_int_equal(lc_db_history(db, lc_lead_number(l, LC_LEAD_NUM_ID), &it), 0);
	while (lc_event_iter_next(it, &ev) == 1)
		if ((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) == LC_EVENT_DISPOSITION) {
			assert_string_equal(lc_event_value(ev, LC_AXIS_ACTION), "call");
			assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_NOTE), "first");
		}
	lc_event_iter_free(it);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_find(db, "w2", &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_MILESTONE), "sold");
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "customer");
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_find(db, "w3", &l), 0);
	assert_string_equal(lc_state_get(lc_lead_state(l), LC_AXIS_STATUS), "new");
	lc_lead_free(l);
	lc_mapping_free(m);
	lc_db_close(db);
}


/* Allocation failures: every allocation point in turn fails; the call
 * returns LC_ENOMEM (or succeeds when it did not need that allocation),
 * leaks nothing (ASan) and writes nothing. */

static void import_allocation_failures(void **state)
{
	const char csv[] = "Id,Name,Email,Note,DNC,Outcome\nf1,Ann,a@x.org,\"a\nb\",yes,rang\n"
			   "f2,Bob,,,,fresh\nf3,Cy,,,,bad\n";
	bool done = false;
	(void)state;
	alloc_sweep_on();
	for (long n = 0; !done && n < 100000; n++) {
		lc_db *db = open_store("leadmanager");
		lc_mapping *m = NULL;
		lc_table *r = NULL;
		int rc;
		alloc_failed = false;
		alloc_budget = n;
		rc = lc_mapping_load_string(&m, basic_map, "sweep");
		if (rc == 0)
			rc = lc_import_buffer(db, csv, sizeof csv - 1, m, NULL, &r);
		alloc_budget = -1;
		if (!alloc_failed) {
			assert_int_equal(rc, 0);
			assert_int_equal(lead_count(db), 3);
			done = true;
		} else if (rc != 0) {
			if (rc != LC_ENOMEM && rc != LC_EIO)
				fail_msg("allocation %ld: %s: %s", n, lc_error_name(rc), lc_error_last());
			assert_int_equal(lead_count(db), 0); /* nothing half-written */
		}
		lc_table_free(r);
		lc_mapping_free(m);
		lc_db_close(db);
	}
	assert_true(done);
	alloc_sweep_off();
}

typedef struct prog {
	int calls;
	int stop_at;
	uint64_t last_rows;
} prog;

static int on_progress(void *ud, uint64_t rows, uint64_t bytes, uint64_t total)
{
	prog *p = ud;
	p->calls++;
	assert_true(rows >= p->last_rows);
	assert_true(bytes <= total);
	p->last_rows = rows;
	return p->stop_at && p->calls >= p->stop_at;
}

static void import_progress_and_stop(void **state)
{
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(basic_map);
	lc_table *r = NULL;
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	char *csv = malloc(100000);
	size_t len = 0;
	prog p = { 0, 0, 0 };
	(void)state;
	len += (size_t)sprintf(csv, "Id,Name,Email,Note,DNC,Outcome\n");
	for (int i = 0; i < 1000; i++)
		len += (size_t)sprintf(csv + len, "p%d,N,,,,rang\n", i);
	o.progress = on_progress;
	o.progress_ud = &p;
	o.progress_every = 100;
	assert_int_equal(lc_import_buffer(db, csv, len, m, &o, &r), 0);
	assert_int_equal(p.calls, 11); /* every 100 rows, and at the end */
	assert_int_equal(p.last_rows, 1000);
	lc_table_free(r);
	assert_int_equal(lead_count(db), 1000);

	/* Stopping rolls everything back. */
	lc_db_close(db);
	db = open_store("leadmanager");
	memset(&p, 0, sizeof p);
	p.stop_at = 3;
	assert_int_equal(lc_import_buffer(db, csv, len, m, &o, &r), LC_EUSER);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 0);
	assert_int_equal(lead_count(db), 0);
	assert_int_equal(lc_db_now(db), now_value);
	lc_table_free(r);
	free(csv);
	lc_mapping_free(m);
	lc_db_close(db);
}

static void import_bad_calls(void **state)
{
	lc_db *db = open_store("leadmanager"), *empty = open_store(NULL);
	lc_mapping *m = mapping(basic_map);
	lc_table *r = (lc_table *)1;
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_mapping *wrong = mapping("{\"format\": 1, \"dispositions\": [{\"action\": \"smoke_signal\"}]}");
	(void)state;
	assert_int_equal(lc_import_buffer(NULL, "", 0, m, NULL, &r), LC_EINVAL);
	assert_null(r);
	assert_int_equal(lc_import_buffer(db, "", 0, NULL, NULL, &r), LC_EINVAL);
	assert_int_equal(lc_import_buffer(db, NULL, 3, m, NULL, &r), LC_EINVAL);
	assert_int_equal(lc_import_file(db, NULL, m, NULL, &r), LC_EINVAL);
	assert_int_equal(lc_import_file(db, "/nonexistent/leads.csv", m, NULL, &r), LC_EIO);
	assert_null(r);
	o.version = 7;
	assert_int_equal(lc_import_buffer(db, "", 0, m, &o, &r), LC_EVERSION);
	assert_int_equal(lc_import_buffer(empty, "", 0, m, NULL, &r), LC_ESTATE);
	assert_int_equal(lc_db_begin(db), 0);
	assert_int_equal(lc_import_buffer(db, "", 0, m, NULL, &r), LC_ESTATE);
	assert_int_equal(lc_db_rollback(db), 0);
	/* A value the model lacks fails before any row is read, naming the keys. */
	assert_int_equal(lc_import_buffer(db, "a\n1\n", 4, wrong, NULL, &r), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "smoke_signal"));
	assert_null(r);
	assert_int_equal(lc_import_options_init(&o, LC_IMPORT_OPTIONS_VERSION), 0);
	assert_int_equal(o.at, LC_TIME_NONE);
	assert_int_equal(lc_import_options_init(&o, 0), LC_EVERSION);
	assert_int_equal(lc_import_options_init(NULL, 1), LC_EINVAL);
	assert_int_equal(lc_table_int_named(lc_table_summary(NULL), 0, "rows"), LC_TABLE_NONE);
	assert_null(lc_table_text_named(NULL, 0, "reason"));
	lc_table_free(NULL);
	lc_mapping_free(NULL);
	lc_mapping_free(wrong);
	lc_mapping_free(m);
	lc_db_close(db);
	lc_db_close(empty);
}

static void expect_bad_mapping(const char *json, const char *needle)
{
	lc_mapping *m = (lc_mapping *)1;
	assert_int_equal(lc_mapping_load_string(&m, json, "bad.json"), LC_EFORMAT);
	assert_null(m);
	if (!strstr(lc_error_last(), needle))
		fail_msg("'%s' not in '%s'", needle, lc_error_last());
}

static void mapping_errors(void **state)
{
	lc_mapping *m = NULL;
	(void)state;
	expect_bad_mapping("{", "bad.json:1:");
	expect_bad_mapping("[]", "expected an object");
	expect_bad_mapping("{\"format\": 2}", "'format' must be 1");
	expect_bad_mapping("{\"format\": 1, \"colums\": {}}", "unknown field 'colums'");
	expect_bad_mapping("{\"format\": 1, \"fields\": {\"nmae\": \"Name\"}}", "unknown lead field 'nmae'");
	expect_bad_mapping("{\"format\": 1, \"fields\": {\"name\": 3}}", "column name");
	expect_bad_mapping("{\"format\": 1, \"flags\": {\"vip\": \"V\"}}", "unknown flag 'vip'");
	expect_bad_mapping("{\"format\": 1, \"dedupe\": \"phone\"}", "not a dedupe key");
	expect_bad_mapping("{\"format\": 1, \"dedupe\": \"email\"}", "needs a column");
	expect_bad_mapping("{\"format\": 1, \"time\": \"noon\"}", "ISO 8601");
	expect_bad_mapping("{\"format\": 1, \"dispositions\": [{\"status\": \"new\"}]}", "'action' is required");
	expect_bad_mapping("{\"format\": 1, \"dispositions\": [{\"action\": \"call\", \"mood\": \"x\"}]}",
			   "dispositions[0]: unknown field 'mood'");
	expect_bad_mapping("{\"format\": 1, \"dispositions\": [{\"action\": {\"column\": \"A\", \"vals\": {}}}]}",
			   "unknown field 'vals'");
	expect_bad_mapping("{\"format\": 1, \"dispositions\": [{\"action\": \"call\", \"when\": {\"column\": \"C\"}}]}",
			   "'values' is required");
	expect_bad_mapping("{\"format\": 1, \"a\": 1, \"a\": 2}", "duplicate");
	assert_int_equal(lc_mapping_load_string(NULL, "{}", NULL), LC_EINVAL);
	assert_int_equal(lc_mapping_load_string(&m, NULL, NULL), LC_EINVAL);
	assert_int_equal(lc_mapping_load_string(&m, "{\"format\": 1, \"x\": \"\xff\"}", NULL), LC_EINVAL);
	assert_int_equal(lc_mapping_load_file(&m, "/nonexistent/map.json"), LC_EIO);
	assert_int_equal(lc_mapping_load_file(NULL, "x"), LC_EINVAL);
}

/* The shipped files load, and the mapping's values all exist in the model. */
static char *source_path(const char *rel, char *buf, size_t n)
{
	const char *root = getenv("LC_SOURCE_ROOT");
	snprintf(buf, n, "%s/%s", root ? root : LC_SOURCE_ROOT, rel);
	return buf;
}

static void shipped_x_education_files(void **state)
{
	char mp[4096], mm[4096];
	lc_mapping *map = NULL;
	lc_model *model = NULL;
	lc_db *db = open_store(NULL);
	lc_table *r = NULL;
	(void)state;
	assert_int_equal(lc_model_load_file(&model, source_path("examples/models/x-education.json", mm, sizeof mm)), 0);
	assert_int_equal(lc_mapping_load_file(&map, source_path("examples/mappings/x-education.json", mp, sizeof mp)), 0);
	assert_int_equal(lc_db_install_model(db, model, NULL), 0);
	/* An empty file with the right header: the mapping checks out against the model. */
	{
		const char *hdr = "Prospect ID,Lead Number,Lead Origin,Lead Source,Do Not Email,Do Not Call,"
				  "Converted,TotalVisits,Total Time Spent on Website,Page Views Per Visit,"
				  "Last Activity,Country,Specialization,How did you hear about X Education,"
				  "What is your current occupation,Tags,Lead Quality,Lead Profile,City,"
				  "Last Notable Activity\n";
		assert_int_equal(lc_import_buffer(db, hdr, strlen(hdr), map, NULL, &r), 0);
		assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rows"), 0);
		lc_table_free(r);
	}
	lc_mapping_free(map);
	lc_model_free(model);
	lc_db_close(db);
}

/* The real file: every row in, counts as the file says (read here with
 * libcsv directly, independently of the importer). */
typedef struct xcount {
	int col, tags_col, conv_col, dne_col, dnc_col;
	bool header;
	char tag[128];
	bool conv, dne, dnc;
	int64_t rows, converted, dne_n, dnc_n;
	char tags[64][128];
	int64_t tag_n[64];
	int ntags;
} xcount;

static void x_field(void *s, size_t len, void *ud)
{
	xcount *x = ud;
	char v[256];
	snprintf(v, sizeof v, "%.*s", (int)(len < 255 ? len : 255), (const char *)s);
	if (x->header) {
		if (strcmp(v, "Tags") == 0)
			x->tags_col = x->col;
		if (strcmp(v, "Converted") == 0)
			x->conv_col = x->col;
		if (strcmp(v, "Do Not Email") == 0)
			x->dne_col = x->col;
		if (strcmp(v, "Do Not Call") == 0)
			x->dnc_col = x->col;
	} else {
		if (x->col == x->tags_col)
			snprintf(x->tag, sizeof x->tag, "%.120s", v);
		if (x->col == x->conv_col)
			x->conv = strcmp(v, "1") == 0;
		if (x->col == x->dne_col)
			x->dne = strcmp(v, "Yes") == 0;
		if (x->col == x->dnc_col)
			x->dnc = strcmp(v, "Yes") == 0;
	}
	x->col++;
}

static void x_row(int c, void *ud)
{
	xcount *x = ud;
	int i;
	(void)c;
	if (x->header) {
		x->header = false;
	} else {
		x->rows++;
		x->converted += x->conv;
		x->dne_n += x->dne;
		x->dnc_n += x->dnc;
		for (i = 0; i < x->ntags && strcmp(x->tags[i], x->tag) != 0; i++)
			;
		if (i == x->ntags && x->ntags < 64)
			snprintf(x->tags[x->ntags++], sizeof x->tags[0], "%.120s", x->tag);
		if (i < 64)
			x->tag_n[i]++;
	}
	x->col = 0;
	x->tag[0] = '\0';
	x->conv = x->dne = x->dnc = false;
}

static void real_x_education(void **state)
{
	const char *dir = getenv("LC_DATA_DIR");
	const char *root = getenv("LC_SOURCE_ROOT");
	char path[4096], mp[4096], mm[4096], buf[65536];
	struct csv_parser p;
	xcount x;
	FILE *f;
	size_t n;
	lc_db *db;
	lc_model *model = NULL;
	lc_mapping *map = NULL;
	lc_table *r = NULL;
	lc_table *rep = NULL;
	lc_axis axis = LC_AXIS_LIFECYCLE;
	lc_lead_iter *it = NULL;
	lc_event_iter *eit = NULL;
	const lc_lead *l;
	const lc_event *ev;
	int64_t dne = 0, dnc = 0, won = 0;
	(void)state;

	if (dir)
		snprintf(path, sizeof path, "%s/x-education-leads.csv", dir);
	else
		snprintf(path, sizeof path, "%s/../shared/data/x-education-leads.csv",
			 root ? root : LC_SOURCE_ROOT);
	f = fopen(path, "rb");
	if (!f) {
		print_message("skipped: %s is absent (set LC_DATA_DIR to the folder holding "
			      "x-education-leads.csv to run this test)\n", path);
		skip();
	}
	memset(&x, 0, sizeof x);
	x.header = true;
	x.tags_col = x.conv_col = x.dne_col = x.dnc_col = -1;
	assert_int_equal(csv_init(&p, 0), 0);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		assert_int_equal(csv_parse(&p, buf, n, x_field, x_row, &x), n);
	csv_fini(&p, x_field, x_row, &x);
	csv_free(&p);
	fclose(f);
	assert_int_equal(x.rows, 9237);

	db = open_store(NULL);
	assert_int_equal(lc_model_load_file(&model, source_path("examples/models/x-education.json", mm, sizeof mm)), 0);
	assert_int_equal(lc_db_install_model(db, model, NULL), 0);
	lc_model_free(model);
	assert_int_equal(lc_mapping_load_file(&map, source_path("examples/mappings/x-education.json", mp, sizeof mp)), 0);
	if (lc_import_file(db, path, map, NULL, &r) != 0) {
		for (size_t i = 0; i < lc_table_row_count(r) && i < 5; i++)
			print_message("line %llu: %s\n", (unsigned long long)(uint64_t)lc_table_int_named(r, i, "line"),
				      lc_table_text_named(r, i, "reason"));
		fail_msg("import failed: %s", lc_error_last());
	}
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rows"), 9237);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 9237);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "dispositions"), 9237 + x.converted);
	lc_table_free(r);
	lc_mapping_free(map);

	/* Converted = 1 is the won state. */
	assert_int_equal(x.converted, 3559);
	assert_int_equal(lc_report_pipeline(db, &axis, 1, NULL, &rep), 0);
	for (size_t i = 0; i < lc_table_row_count(rep); i++)
		if (lc_table_text(rep, i, 0) && strcmp(lc_table_text(rep, i, 0), "won") == 0)
			won = lc_table_int_named(rep, i, "count");
	lc_table_free(rep);
	assert_int_equal(won, x.converted);

	/* The flags. */
	assert_int_equal(x.dne_n, 734);
	assert_int_equal(x.dnc_n, 2);
	assert_int_equal(lc_db_query(db, NULL, &it), 0);
	while (lc_lead_iter_next(it, &l) == 1) {
		dne += ((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_EMAIL) != 0;
		dnc += ((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_DO_NOT_CALL) != 0;
	}
	lc_lead_iter_free(it);
	assert_int_equal(dne, x.dne_n);
	assert_int_equal(dnc, x.dnc_n);

	/* Each tag's count: the first disposition of each lead holds its tag's
	 * status (an empty tag reads as untagged). */
	{
		const lc_model *mdl = lc_db_model(db);
		int64_t by_status[64] = { 0 };
		size_t ns = lc_model_value_count(mdl, LC_AXIS_STATUS);
		assert_true(ns <= 64);
		assert_int_equal(lc_db_history(db, 0, &eit), 0);
		while (lc_event_iter_next(eit, &ev) == 1) {
			size_t si;
			const char *st = lc_event_value(ev, LC_AXIS_STATUS);
			if ((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) != LC_EVENT_DISPOSITION || !st || strcmp(st, "enrolled") == 0)
				continue;
			assert_int_equal(lc_model_value_find(mdl, LC_AXIS_STATUS, st, &si), 0);
			by_status[si]++;
		}
		lc_event_iter_free(eit);
		for (int t = 0; t < x.ntags; t++) {
			/* The model's key of the tag: its label, derived as keys are. */
			char key[128];
			size_t k = 0, si;
			bool us = false;
			for (const char *c = x.tags[t][0] ? x.tags[t] : "untagged"; *c && k < sizeof key - 1; c++) {
				char ch = *c;
				if (ch >= 'A' && ch <= 'Z')
					ch = (char)(ch - 'A' + 'a');
				if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
					if (us && k)
						key[k++] = '_';
					key[k++] = ch;
					us = false;
				} else {
					us = true;
				}
			}
			key[k] = '\0';
			assert_int_equal(lc_model_value_find(mdl, LC_AXIS_STATUS, key, &si), 0);
			if (by_status[si] != x.tag_n[t])
				fail_msg("tag '%s': %lld in the file, %lld imported", x.tags[t],
					 (long long)x.tag_n[t], (long long)by_status[si]);
		}
	}
	lc_db_close(db);
}

/* ---- one-pass CRM imports (issue 12) and the attack's import findings ---- */

static lc_db *open_deals(const char *uri)
{
	char path[512];
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	o.clock = test_clock;
	assert_int_equal(lc_db_open(&db, uri, &o), 0);
	assert_int_equal(lc_model_load(&m, source_path("examples/models/deals.json", path, sizeof path)), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	return db;
}

static int import_text(lc_db *db, const lc_mapping *m, const char *csv, uint32_t flags,
		       lc_table **r)
{
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	o.flags = flags;
	return lc_import_buffer(db, csv, strlen(csv), m, &o, r);
}

/* A deal's stage through the model's actions: the stage column says where it
 * ended; the engage step always comes first. */
static const char *const stage_map =
	"{\"format\": 1, \"fields\": {\"external_id\": \"Id\"},"
	" \"dispositions\": [{\"action\": {\"column\": \"Action\"}, \"stage\": {\"column\": \"Stage\"},"
	"   \"status\": {\"column\": \"Status\"}}]}";

/* Bug: a new lead was judged from an empty state and written from the
 * model's initial one, so a move the model forbids from the initial stage
 * passed the check and aborted the whole import while writing. */
static void import_new_lead_judged_from_initial_state(void **state)
{
	const char csv[] = "Id,Action,Stage,Status\n"
			   "n1,engage,engaging,\n"
			   "n2,win_lead,won,won\n" /* prospecting -> won: not a listed move */
			   "n3,engage,engaging,\n";
	lc_db *db = open_deals(":memory:");
	lc_mapping *m = mapping(stage_map);
	lc_table *r = NULL;
	(void)state;
	assert_int_equal(import_text(db, m, csv, 0, &r), LC_EINVALID);
	assert_int_equal(lc_table_row_count(r), 1);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 3);
	assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_EINVALID);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "Prospecting"));
	assert_int_equal(lead_count(db), 0);
	lc_table_free(r);
	assert_int_equal(import_text(db, m, csv, LC_IMPORT_SKIP_BAD_ROWS, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 2);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "skipped"), 1);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 3);
	assert_int_equal(lead_count(db), 2);
	lc_table_free(r);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* Bug: a taken external id without dedupe (twice in a file, or a second
 * import) aborted the whole import with no line. */
static void import_duplicate_external_id(void **state)
{
	const char csv[] = "Id,Action,Stage,Status\n"
			   "e1,engage,engaging,\n"
			   "e2,engage,engaging,\n"
			   "e1,engage,engaging,\n";
	const char *uris[] = { ":memory:", "memory:" };
	(void)state;
	for (size_t u = 0; u < 2; u++) {
		lc_db *db = open_deals(uris[u]);
		lc_mapping *m = mapping(stage_map);
		lc_table *r = NULL;
		assert_int_equal(import_text(db, m, csv, 0, &r), LC_EEXISTS);
		assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 4);
		assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_EEXISTS);
		assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "'e1'"));
		assert_int_equal(lead_count(db), 0);
		lc_table_free(r);
		assert_int_equal(import_text(db, m, csv, LC_IMPORT_SKIP_BAD_ROWS, &r), 0);
		assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 2);
		assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 4);
		lc_table_free(r);
		/* Again: every row is taken, each reported at its line. */
		assert_int_equal(import_text(db, m, csv, LC_IMPORT_SKIP_BAD_ROWS, &r), 0);
		assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 0);
		assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected"), 3);
		for (size_t i = 0; i < 3; i++) {
			assert_int_equal((uint64_t)lc_table_int_named(r, i, "line"), i + 2);
			assert_int_equal((int)lc_table_int_named(r, i, "code"), LC_EEXISTS);
		}
		lc_table_free(r);
		assert_int_equal(lead_count(db), 2);
		lc_mapping_free(m);
		lc_db_close(db);
	}
}

static const char *const email_map =
	"{\"format\": 1, \"dedupe\": \"email\", \"fields\": {\"external_id\": \"Id\", \"email\": \"Email\","
	" \"name\": \"Name\"}}";

/* Email dedupe: matching normalises the email; a row never silently changes
 * a lead's external id, and one that takes another lead's is a bad row that
 * --skip-bad leaves out (attack items 8 and 9). */
static void import_email_dedupe_keeps_ids(void **state)
{
	const char first[] = "Id,Email,Name\nCRM-1,pre@x.io,Pre\nCRM-2,two@x.io,Two\n";
	const char second[] = "Id,Email,Name\n"
			      "WEB-9,pre@x.io,Pre Web\n"   /* would rename CRM-1 */
			      ",\" PRE@X.IO \",Pre Again\n" /* the same person */
			      "CRM-1,two@x.io,Two\n"       /* CRM-1 is another lead's */
			      "WEB-3,new@x.io,New\n";
	lc_db *db = open_store("leadmanager");
	lc_mapping *m = mapping(email_map), *allow = NULL;
	lc_table *r = NULL;
	lc_lead *l = NULL;
	(void)state;
	assert_int_equal(import_text(db, m, first, 0, &r), 0);
	lc_table_free(r);
	assert_int_equal(import_text(db, m, second, 0, &r), LC_ECONFLICT);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected"), 2);
	lc_table_free(r);
	assert_int_equal(import_text(db, m, second, LC_IMPORT_SKIP_BAD_ROWS, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected"), 2);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 2);
	assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_ECONFLICT);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "update_external_id"));
	assert_int_equal((uint64_t)lc_table_int_named(r, 1, "line"), 4);
	assert_int_equal((int)lc_table_int_named(r, 1, "code"), LC_ECONFLICT);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "updated"), 1);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 1);
	lc_table_free(r);
	assert_int_equal(lead_count(db), 3);
	assert_int_equal(lc_db_lead_find(db, "CRM-1", &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_NAME), "Pre Again");
	lc_lead_free(l);

	/* Allowed, the id changes, and a taken one is still refused at its line. */
	allow = mapping("{\"format\": 1, \"dedupe\": \"email\", \"update_external_id\": true,"
			" \"fields\": {\"external_id\": \"Id\", \"email\": \"Email\"}}");
	assert_int_equal(import_text(db, allow, "Id,Email\nWEB-9,Pre@X.io\nWEB-3,two@x.io\n",
				     LC_IMPORT_SKIP_BAD_ROWS, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "updated"), 1);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 3);
	assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_EEXISTS);
	lc_table_free(r);
	assert_int_equal(lc_db_lead_find(db, "WEB-9", &l), 0);
	assert_string_equal(lc_lead_text(l, LC_LEAD_EMAIL), "pre@x.io");
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_find(db, "CRM-2", &l), 0);
	lc_lead_free(l);
	lc_mapping_free(allow);

	/* "keep": the local part's case tells people apart. */
	allow = mapping("{\"format\": 1, \"dedupe\": \"email\", \"email_local_part_case\": \"keep\","
			" \"fields\": {\"email\": \"Email\"}}");
	assert_int_equal(import_text(db, allow, "Email\nPRE@X.IO\nnew@X.IO\n", 0, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 1);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "unchanged"), 1);
	lc_table_free(r);
	lc_mapping_free(allow);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* Rows are read ahead in batches of 256 and a backend with lead_find_many
 * (the memory one) answers a batch's dedupe lookups at once: the results
 * are those of the row-by-row lookups (SQLite), with keys repeated inside a
 * batch and across batches, and a re-import of the last rows is a no-op. */
static void import_batches_on_every_store(void **state)
{
	const char *uris[] = { ":memory:", "memory:" };
	lc_buf csv, tail;
	(void)state;
	lc__buf_init(&csv);
	lc__buf_init(&tail);
	lc__buf_puts(&csv, "Email,Name\n");
	lc__buf_puts(&tail, "Email,Name\n");
	for (int i = 1; i <= 600; i++) {
		char row[64];
		snprintf(row, sizeof row, i % 3 ? "u%d@x.io,n%d\n" : " U%d@X.IO ,n%d\n", i % 250, i);
		lc__buf_puts(&csv, row);
		if (i > 350)
			lc__buf_puts(&tail, row);
	}
	assert_false(csv.failed || tail.failed);
	for (size_t u = 0; u < 2; u++) {
		lc_db *db = open_deals(uris[u]);
		lc_mapping *m = mapping("{\"format\": 1, \"dedupe\": \"email\","
					" \"fields\": {\"email\": \"Email\", \"name\": \"Name\"}}");
		lc_table *r = NULL;
		lc_lead *l = NULL;
		assert_int_equal(import_text(db, m, csv.data, 0, &r), 0);
		assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "imported"), 250);
		assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "updated"), 350);
		lc_table_free(r);
		assert_int_equal(lead_count(db), 250);
		assert_int_equal(lc_db_lead_get(db, 1, &l), 0);
		assert_string_equal(lc_lead_text(l, LC_LEAD_EMAIL), "u1@x.io");
		assert_string_equal(lc_lead_text(l, LC_LEAD_NAME), "n501");
		lc_lead_free(l);
		assert_int_equal(lc_db_lead_get(db, 250, &l), 0);
		assert_string_equal(lc_lead_text(l, LC_LEAD_EMAIL), "u0@x.io");
		assert_string_equal(lc_lead_text(l, LC_LEAD_NAME), "n500");
		lc_lead_free(l);
		assert_int_equal(import_text(db, m, csv.data, 0, &r), 0);
		assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "imported"), 0);
		assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "updated"), 600);
		lc_table_free(r);
		assert_int_equal(import_text(db, m, tail.data, 0, &r), 0);
		assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "unchanged"), 250);
		assert_int_equal(lc_table_int_named(lc_table_summary(r), 0, "updated"), 0);
		lc_table_free(r);
		assert_int_equal(lead_count(db), 250);
		lc_mapping_free(m);
		lc_db_close(db);
	}
	lc__buf_free(&csv);
	lc__buf_free(&tail);
}

/* The importer's per-row savepoint undoes a row that failed after writing
 * and keeps the rows before it. */
static void import_savepoint_undoes_one_row(void **state)
{
	lc_db *db = open_store("leadmanager");
	lc_lead *a = NULL, *b = NULL;
	size_t n = 0;
	(void)state;
	assert_int_equal(lc__db_txn_begin(db, true), 0);
	assert_int_equal(lc_lead_new(&a), 0);
	assert_int_equal(lc_lead_new(&b), 0);
	assert_int_equal(lc_lead_set_text(a, LC_LEAD_EXTERNAL_ID, "kept"), 0);
	assert_int_equal(lc_lead_set_text(b, LC_LEAD_EXTERNAL_ID, "undone"), 0);
	assert_int_equal(lc_db_lead_create(db, a, NULL), 0);
	assert_int_equal(lc__db_savepoint(db, LC_STORAGE_SAVEPOINT_BEGIN), 0);
	assert_int_equal(lc_db_lead_create(db, b, NULL), 0);
	assert_int_equal(lc__db_savepoint(db, LC_STORAGE_SAVEPOINT_ROLLBACK), 0);
	assert_int_equal(lc__db_txn_end(db, 0), 0);
	assert_int_equal(lc_db_count(db, NULL, &n), 0);
	assert_int_equal(n, 1);
	lc_lead_free(a);
	assert_int_equal(lc_db_lead_find(db, "kept", &a), 0);
	lc_lead_free(a);
	lc_lead_free(b);
	lc_db_close(db);
}

/* The mapping's new fields refuse what they cannot read: an unknown agent
 * (unless created), a date not in the format, an amount that is not a
 * number in its currency; and the mapping itself is checked when loaded. */
static void import_owner_time_and_amount_errors(void **state)
{
	const char *map = "{\"format\": 1, \"fields\": {\"external_id\": \"Id\", \"agent\": \"Agent\","
			  " \"amount\": \"Value\", \"currency\": \"Cur\"},"
			  " \"dispositions\": [{\"action\": \"engage\", \"stage\": \"engaging\","
			  "   \"time\": {\"column\": \"Engaged\", \"format\": \"%d %b %Y\"}}]}";
	const char csv[] = "Id,Agent,Value,Cur,Engaged\n"
			   "o1,Ann,\"1,054.50\",USD,20 Oct 2036\n"
			   "o2,Nobody,1,USD,\n"          /* line 3: no such agent */
			   "o3,Ann,1,USD,2036-10-20\n"   /* line 4: not the format */
			   "o4,Ann,1.505,USD,\n"         /* line 5: three decimals in USD */
			   "o5,Ann,1054,JPY,1 jan 2037\n"
			   "o6,Ann,12x,USD,\n";          /* line 7: not a number */
	lc_db *db = open_deals(":memory:");
	lc_mapping *m = mapping(map), *bad = NULL;
	lc_table *r = NULL;
	lc_lead *l = NULL;
	lc_id ann;
	(void)state;
	assert_int_equal(lc_db_agent_add(db, "Ann", &ann), 0);
	assert_int_equal(import_text(db, m, csv, LC_IMPORT_SKIP_BAD_ROWS, &r), 0);
	assert_int_equal(lc_table_row_count(r), 4);
	assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 3);
	assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_ENOTFOUND);
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "'Nobody'"));
	assert_non_null(strstr(lc_table_text_named(r, 0, "reason"), "create_agents"));
	assert_int_equal((uint64_t)lc_table_int_named(r, 1, "line"), 4);
	assert_non_null(strstr(lc_table_text_named(r, 1, "reason"), "'%d %b %Y'"));
	assert_int_equal((uint64_t)lc_table_int_named(r, 2, "line"), 5);
	assert_int_equal((uint64_t)lc_table_int_named(r, 3, "line"), 7);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 2);
	lc_table_free(r);
	assert_int_equal(lc_db_lead_find(db, "o1", &l), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), ann);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AMOUNT), 105450);
	lc_lead_free(l);
	assert_int_equal(lc_db_lead_find(db, "o5", &l), 0);
	assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AMOUNT), 1054); /* yen have no minor unit */
	lc_lead_free(l);
	/* Mappings that cannot work are refused when loaded. */
	assert_int_equal(lc_mapping_load_string(&bad, "{\"format\": 1, \"fields\": {\"amount\": \"V\"}}", NULL),
			 LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "currency"));
	assert_int_equal(lc_mapping_load_string(&bad, "{\"format\": 1, \"time\": {\"column\": \"T\", "
						  "\"format\": \"%Q\"}}", NULL), LC_EFORMAT);
	assert_int_equal(lc_mapping_load_string(&bad, "{\"format\": 1, \"time\": {\"column\": \"T\", "
						  "\"format\": \"%H:%M\"}}", NULL), LC_EFORMAT);
	assert_non_null(strstr(lc_error_last(), "a year, a month and a day"));
	assert_int_equal(lc_mapping_load_string(&bad, "{\"format\": 1, \"fields\": {\"amount\": \"V\","
						  " \"currency\": {\"fixed\": \"usd\"}}}", NULL), LC_EFORMAT);
	lc_mapping_free(m);
	lc_db_close(db);
}

/* ---- the one-pass CRM migration (issue 12, "done when") ---- */

/* A generated export shaped like a CRM's opportunities table: id, agent,
 * product, account, stage, engage and close dates (m/d/Y, blank where the
 * deal has not got there), close value (blank, 0, 1054 or "1,054.50"). The
 * test keeps its own figures while writing it. */
#define CRM_DEALS 240
#define DAY 86400
#define CRM_AGENTS 5

typedef struct crm_deal {
	int agent;      /* index into crm_agents */
	int stage;      /* 0 prospecting, 1 engaging, 2 won, 3 lost */
	lc_time engage; /* LC_TIME_NONE when blank */
	lc_time close;
	int64_t cents;  /* the close value, won deals */
} crm_deal;

static const char *const crm_agents[CRM_AGENTS] = { "Anna Snelling", "Darcel Schlecht",
						    "Moses Frase", "Versie Hillebrand",
						    "Kary Hendrixson" };
static const char *const crm_stages[] = { "Prospecting", "Engaging", "Won", "Lost" };

static const char *const crm_map =
	"{\"format\": 1, \"dedupe\": \"external_id\", \"actor\": \"crm migration\","
	" \"create_agents\": true,"
	" \"fields\": {\"external_id\": \"opportunity_id\", \"agent\": \"sales_agent\","
	"   \"products\": \"product\", \"company\": \"account\", \"amount\": \"close_value\","
	"   \"currency\": {\"fixed\": \"USD\"}},"
	" \"dispositions\": ["
	"  {\"action\": \"engage\", \"stage\": \"engaging\","
	"   \"time\": {\"column\": \"engage_date\", \"format\": \"%m/%d/%Y\"}},"
	"  {\"when\": {\"column\": \"deal_stage\", \"values\": [\"Won\"]},"
	"   \"action\": \"win_lead\", \"stage\": \"won\", \"status\": \"won\","
	"   \"time\": {\"column\": \"close_date\", \"format\": \"%m/%d/%Y\"}},"
	"  {\"when\": {\"column\": \"deal_stage\", \"values\": [\"Lost\"]},"
	"   \"action\": \"lose_lead\", \"stage\": \"lost\", \"status\": \"lost\","
	"   \"reason\": \"not_recorded\","
	"   \"time\": {\"column\": \"close_date\", \"format\": \"%m/%d/%Y\"}}]}";

static void us_date(lc_time t, char *buf, size_t n)
{
	char iso[LC_TIME_FORMAT_SIZE];
	lc_time_format(t, iso, sizeof iso); /* YYYY-MM-DD... */
	snprintf(buf, n, "%.2s/%.2s/%.4s", iso + 5, iso + 8, iso);
}

/* Write the export to `path`; fill `deals`. */
static void crm_export(const char *path, crm_deal *deals)
{
	FILE *f = fopen(path, "w");
	uint32_t seed = 12345;
	lc_time base;
	assert_non_null(f);
	assert_int_equal(lc_time_parse("2031-03-01T00:00:00Z", &base), 0);
	fputs("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n", f);
	for (int i = 0; i < CRM_DEALS; i++) {
		crm_deal *d = &deals[i];
		char e[16] = "", c[16] = "", v[32] = "";
		seed = seed * 1103515245u + 12345u;
		d->agent = (int)(seed >> 16) % CRM_AGENTS;
		d->stage = (int)(seed >> 8) % 4;
		d->engage = d->stage ? base + (int64_t)(i % 90) * DAY : LC_TIME_NONE;
		d->close = d->stage >= 2 ? d->engage + (int64_t)(1 + (seed >> 4) % 60) * DAY : LC_TIME_NONE;
		d->cents = d->stage == 2 ? (int64_t)(100 + (seed >> 3) % 9000) * 100 + (i % 2) * 50 : 0;
		if (d->engage != LC_TIME_NONE)
			us_date(d->engage, e, sizeof e);
		if (d->close != LC_TIME_NONE)
			us_date(d->close, c, sizeof c);
		if (d->stage == 2 && d->cents % 100)
			snprintf(v, sizeof v, "\"%lld,%03lld.%02lld\"", (long long)(d->cents / 100000),
				 (long long)(d->cents / 100 % 1000), (long long)(d->cents % 100));
		else if (d->stage == 2)
			snprintf(v, sizeof v, "%lld", (long long)(d->cents / 100));
		else if (d->stage == 3)
			snprintf(v, sizeof v, "0");
		fprintf(f, "CRM-%04d,%s,%s,%s,%s,%s,%s,%s\n", i, crm_agents[d->agent],
			i % 7 ? "GTX Pro" : "\"GTX Pro, MG Special\"",
			d->stage ? (i % 3 ? "Acme" : "\"Rundofase, Inc.\"") : "", crm_stages[d->stage], e, c, v);
	}
	assert_int_equal(fclose(f), 0);
}

/* Every row of every table of a SQLite store, as text: what "the store is
 * unchanged" means. */
static char *store_content(const char *path)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *tables = NULL;
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	out[0] = '\0';
	assert_int_equal(sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
					    -1, &tables, NULL), SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char sql[256];
		sqlite3_stmt *rows = NULL;
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", (const char *)sqlite3_column_text(tables, 0));
		assert_int_equal(sqlite3_prepare_v2(s, sql, -1, &rows, NULL), SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW)
			for (int c = 0; c < sqlite3_column_count(rows); c++) {
				const unsigned char *t = sqlite3_column_text(rows, c);
				size_t n = (t ? strlen((const char *)t) : 4) + 2;
				if (len + n + 1 > cap) {
					cap = (cap + n) * 2;
					out = realloc(out, cap);
					assert_non_null(out);
				}
				len += (size_t)snprintf(out + len, cap - len, "%s%c", t ? (const char *)t : "NULL",
							c + 1 == sqlite3_column_count(rows) ? '\n' : '|');
			}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	sqlite3_close(s);
	return out;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile, as docs/reports.md defines the funnel's. */
static int64_t nearest_rank(int64_t *v, size_t n, unsigned p)
{
	size_t rank = (n * p + 99) / 100;
	qsort(v, n, sizeof *v, cmp_i64);
	return v[(rank ? rank : 1) - 1];
}

/* The funnel's Engaging row for the leads now in `status`. */
static void check_engaging(lc_db *db, const crm_deal *deals, int stage, const char *status)
{
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	lc_query *q = NULL;
	lc_table *t = NULL;
	int64_t stays[CRM_DEALS];
	size_t n = 0, row = SIZE_MAX;
	for (int i = 0; i < CRM_DEALS; i++)
		if (deals[i].stage == stage)
			stays[n++] = deals[i].close - deals[i].engage;
	assert_true(n > 2);
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, status), 0);
	o.filter = q;
	assert_int_equal(lc_report_funnel(db, &o, &t), 0);
	for (size_t r = 0; r < lc_table_row_count(t); r++)
		if (strcmp(lc_table_text(t, r, 0), "engaging") == 0)
			row = r;
	assert_true(row != SIZE_MAX);
	assert_int_equal(lc_table_int_named(t, row, "count"), (int64_t)n);
	assert_int_equal(lc_table_int_named(t, row, "median_seconds"), nearest_rank(stays, n, 50));
	assert_int_equal(lc_table_int_named(t, row, "p90_seconds"), nearest_rank(stays, n, 90));
	lc_table_free(t);
	lc_query_free(q);
}

/* Won value per agent: report pipeline --by owner --status won --sum amount. */
static void check_won_value(lc_db *db, const crm_deal *deals)
{
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	lc_axis owner = LC_AXIS_OWNER;
	lc_query *q = NULL;
	lc_table *t = NULL;
	int64_t want[CRM_AGENTS] = { 0 }, won[CRM_AGENTS] = { 0 };
	for (int i = 0; i < CRM_DEALS; i++)
		if (deals[i].stage == 2) {
			want[deals[i].agent] += deals[i].cents;
			won[deals[i].agent]++;
		}
	assert_int_equal(lc_query_new(&q), 0);
	assert_int_equal(lc_query_set_value(q, LC_AXIS_STATUS, "won"), 0);
	o.filter = q;
	o.flags = LC_REPORT_SUM_AMOUNT;
	assert_int_equal(lc_report_pipeline(db, &owner, 1, &o, &t), 0);
	assert_int_equal(lc_table_row_count(t), CRM_AGENTS);
	for (size_t r = 0; r < lc_table_row_count(t); r++) {
		int a = 0;
		while (strcmp(crm_agents[a], lc_table_text(t, r, 0)) != 0)
			a++;
		assert_string_equal(lc_table_text_named(t, r, "currency"), "USD");
		assert_int_equal(lc_table_int_named(t, r, "count"), won[a]);
		assert_int_equal(lc_table_int_named(t, r, "amount"), want[a]);
	}
	lc_table_free(t);
	lc_query_free(q);
}

static void crm_migration_in_one_pass(void **state)
{
	char dir[] = "/tmp/lc_crm_XXXXXX", csv[64], store[64], uri[80];
	crm_deal deals[CRM_DEALS];
	lc_mapping *m = mapping(crm_map);
	lc_table *r = NULL;
	lc_db *db;
	lc_lead *l = NULL;
	lc_event_iter *it = NULL;
	const lc_event *ev;
	uint64_t want_disp = 0, prospecting = 0, stage_count[4] = { 0 };
	char *before, *after;
	lc_axis stage = LC_AXIS_STAGE;
	lc_table *t = NULL;
	int first_won = -1;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(csv, sizeof csv, "%s/opportunities.csv", dir);
	snprintf(store, sizeof store, "%s/crm.db", dir);
	snprintf(uri, sizeof uri, "sqlite:%s", store);
	crm_export(csv, deals);
	for (int i = 0; i < CRM_DEALS; i++) {
		stage_count[deals[i].stage]++;
		want_disp += (deals[i].stage > 0) + (deals[i].stage >= 2);
		prospecting += deals[i].stage == 0;
		if (deals[i].stage == 2 && first_won < 0)
			first_won = i;
	}
	db = open_deals(uri);
	assert_int_equal(lc_import_file(db, csv, m, NULL, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rows"), CRM_DEALS);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), CRM_DEALS);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected"), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "dispositions"), want_disp);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "undated"), prospecting);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "agents_created"), CRM_AGENTS);
	lc_table_free(r);

	/* Every count: leads per stage. */
	assert_int_equal(lc_report_pipeline(db, &stage, 1, NULL, &t), 0);
	for (size_t row = 0; row < lc_table_row_count(t); row++)
		for (int s = 0; s < 4; s++)
			if (lc__streq_nocase(lc_table_text(t, row, 0), crm_stages[s]))
				assert_int_equal(lc_table_int_named(t, row, "count"), stage_count[s]);
	lc_table_free(t);
	check_won_value(db, deals);
	check_engaging(db, deals, 2, "won");
	check_engaging(db, deals, 3, "lost");

	/* One won deal in detail: its owner, products, amount, and history
	 * engaged on the engage date, won on the close date, all by the actor. */
	{
		char ext[16];
		lc_id agent = 0;
		int n = 0;
		snprintf(ext, sizeof ext, "CRM-%04d", first_won);
		assert_int_equal(lc_db_lead_find(db, ext, &l), 0);
		assert_int_equal(lc_db_agent_find(db, crm_agents[deals[first_won].agent], &agent), 0);
		assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AGENT), agent);
		assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_AMOUNT), deals[first_won].cents);
		assert_string_equal(lc_lead_currency(l), "USD");
		assert_true(lc_lead_list_count(l, LC_LEAD_PRODUCTS) >= 1);
		assert_string_equal(lead_entry(l, LC_LEAD_PRODUCTS, 0).text, "GTX Pro");
		assert_int_equal(lc_db_history(db, lc_lead_number(l, LC_LEAD_NUM_ID), &it), 0);
		while (lc_event_iter_next(it, &ev) == 1) {
			assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_ACTOR), "crm migration");
			if ((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) != LC_EVENT_DISPOSITION)
				continue;
			assert_int_equal(lc_event_number(ev, LC_EVENT_NUM_TIME), n == 0 ? deals[first_won].engage : deals[first_won].close);
			n++;
		}
		assert_int_equal(n, 2);
		lc_event_iter_free(it);
		lc_lead_free(l);
	}
	lc_db_close(db);

	/* The same export again changes nothing, to the byte. */
	before = store_content(store);
	{
		lc_db_options o = LC_DB_OPTIONS_INIT;
		o.clock = test_clock;
		assert_int_equal(lc_db_open(&db, uri, &o), 0);
	}
	assert_int_equal(lc_import_file(db, csv, m, NULL, &r), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "unchanged"), CRM_DEALS);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "dispositions"), 0);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "repeats"), want_disp);
	assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "agents_created"), 0);
	lc_table_free(r);
	lc_db_close(db);
	after = store_content(store);
	assert_string_equal(before, after);
	free(before);
	free(after);
	lc_mapping_free(m);
	unlink(csv);
	remove_store_files(store);
	rmdir(dir);
}

/* ---- a huge field costs flat memory (attack item 10) ---- */

/* Live and peak bytes the library holds, through lc_set_allocator(). */
static size_t live_bytes, peak_bytes;

static void *count_malloc(size_t n, void *ud)
{
	void *p = malloc(n);
	(void)ud;
	if (p && (live_bytes += malloc_usable_size(p)) > peak_bytes)
		peak_bytes = live_bytes;
	return p;
}

static void *count_realloc(void *p, size_t n, void *ud)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q = realloc(p, n);
	(void)ud;
	if (q) {
		live_bytes = live_bytes - old + malloc_usable_size(q);
		if (live_bytes > peak_bytes)
			peak_bytes = live_bytes;
	}
	return q;
}

static void count_free(void *p, void *ud)
{
	(void)ud;
	live_bytes -= malloc_usable_size(p);
	free(p);
}

typedef struct huge_writer {
	const char *fifo;
	size_t field_bytes;
	bool quoted; /* a quoted field of short lines instead of one long line */
} huge_writer;

/* Stream the file into the pipe: a good row, a row with the huge field, a
 * good row; the huge field is never anywhere whole. */
static void *write_huge(void *arg)
{
	const huge_writer *w = arg;
	FILE *f = fopen(w->fifo, "w");
	static char chunk[65536];
	if (!f)
		return NULL;
	memset(chunk, 'x', sizeof chunk);
	if (w->quoted)
		for (size_t i = 63; i < sizeof chunk; i += 64)
			chunk[i] = '\n';
	fputs("Id,Name\nh1,Ann\nh2,", f);
	if (w->quoted)
		fputc('"', f);
	for (size_t left = w->field_bytes; left;) {
		size_t n = left < sizeof chunk ? left : sizeof chunk;
		if (fwrite(chunk, 1, n, f) != n)
			break;
		left -= n;
	}
	fputs(w->quoted ? "\"\nh3,Cy\n" : "\nh3,Cy\n", f);
	fclose(f);
	return NULL;
}

/* The size of the huge field: LC_TEST_HUGE_FIELD_MB (1024 for the 1 GB run
 * recorded in docs/performance.md), 48 MB by default. */
static size_t huge_field_bytes(void)
{
	const char *mb = getenv("LC_TEST_HUGE_FIELD_MB");
	return (size_t)(mb && atoi(mb) > 0 ? atoi(mb) : 48) << 20;
}

static void import_huge_field_in_flat_memory(void **state)
{
	char dir[] = "/tmp/lc_huge_XXXXXX", fifo[64];
	lc_mapping *m = mapping("{\"format\": 1, \"fields\": {\"external_id\": \"Id\", \"name\": \"Name\"}}");
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_allocator a = LC_ALLOCATOR_INIT;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof fifo, "%s/export.csv", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	o.flags = LC_IMPORT_SKIP_BAD_ROWS;
	a.malloc_fn = count_malloc;
	a.realloc_fn = count_realloc;
	a.free_fn = count_free;
	for (int quoted = 0; quoted < 2; quoted++) {
		huge_writer w = { fifo, quoted ? huge_field_bytes() / 8 : huge_field_bytes(), quoted };
		lc_db *db = open_store("leadmanager");
		lc_table *r = NULL;
		pthread_t t;
		size_t base;
		assert_int_equal(pthread_create(&t, NULL, write_huge, &w), 0);
		assert_int_equal(lc_set_allocator(&a), 0);
		base = live_bytes;
		peak_bytes = live_bytes;
		assert_int_equal(lc_import_file(db, fifo, m, &o, &r), 0);
		/* The import's own buffers stay a few read blocks, whatever the field. */
		print_message("huge field of %zu MB (%s): peak %zu KB over the start\n", w.field_bytes >> 20,
			      quoted ? "quoted, 64-byte lines" : "one line", (peak_bytes - base) >> 10);
		assert_true(peak_bytes - base < ((size_t)1 << 20));
		assert_int_equal(lc_set_allocator(NULL), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rows"), 3);
		assert_int_equal((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "imported"), 2);
		assert_int_equal(lc_table_row_count(r), 1);
		assert_int_equal((uint64_t)lc_table_int_named(r, 0, "line"), 3);
		assert_int_equal((int)lc_table_int_named(r, 0, "code"), LC_ERANGE);
		lc_table_free(r);
		assert_int_equal(lead_count(db), 2);
		lc_db_close(db);
	}
	lc_mapping_free(m);
	unlink(fifo);
	rmdir(dir);
}

/* ---- the write-behind slot (defer), on SQLite through a wrapper ---- */

/* SQLite with a defer slot that marks the batch with SQLite's savepoint and,
 * at END of batch `fail_end`, reports a late failure after undoing it; its
 * lead_insert refuses the external id `refuse` (a "trigger"). */
static struct {
	const lc_storage *inner;
	int begins, ends, aborts, fail_end;
	const char *refuse;
} dw;

static int dw_defer(void *be, int op, size_t leads, size_t events)
{
	if (op == LC_STORAGE_DEFER_BEGIN) {
		assert_true(leads > 0 && events >= leads); /* a batch's rows, and more events */
		dw.begins++;
		return dw.inner->savepoint(be, LC_STORAGE_SAVEPOINT_BEGIN);
	}
	if (op == LC_STORAGE_DEFER_ABORT || ++dw.ends == dw.fail_end) {
		dw.aborts += op == LC_STORAGE_DEFER_ABORT;
		assert_int_equal(dw.inner->savepoint(be, LC_STORAGE_SAVEPOINT_ROLLBACK), 0);
		return op == LC_STORAGE_DEFER_ABORT ? 0 : LC_ECONFLICT;
	}
	return dw.inner->savepoint(be, LC_STORAGE_SAVEPOINT_RELEASE);
}

static int dw_insert(void *be, lc_lead *lead)
{
	const char *ext = lc_lead_text(lead, LC_LEAD_EXTERNAL_ID);
	if (dw.refuse && ext && strcmp(ext, dw.refuse) == 0)
		return LC_EEXISTS;
	return dw.inner->lead_insert(be, lead);
}

static lc_table *defer_import(const char *uri, const char *csv, lc_db **out)
{
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_mapping *m = mapping(basic_map);
	lc_db_options dopts = LC_DB_OPTIONS_INIT;
	lc_model *model = NULL;
	lc_table *r = NULL;

	dopts.clock = test_clock;
	assert_int_equal(lc_db_open(out, uri, &dopts), 0);
	assert_int_equal(lc_model_load(&model, "leadmanager"), 0);
	assert_int_equal(lc_db_install_model(*out, model, NULL), 0);
	lc_model_free(model);
	o.flags = LC_IMPORT_SKIP_BAD_ROWS;
	o.at = T0;
	assert_int_equal(lc_import_buffer(*out, csv, strlen(csv), m, &o, &r), 0);
	lc_mapping_free(m);
	return r;
}

/* A batch whose end reports a late failure is written again row by row:
 * the same result as without the slot; a row whose write fails inside a
 * batch is rejected alone, with its line, after the batch is undone. */
static void import_defer_redo(void **state)
{
	static const char *const cols[] = { "rows", "imported", "rejected", "dispositions" };
	lc_storage st;
	char *csv = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);
	lc_db *plain, *wrapped;
	lc_table *rp, *rw, *v = NULL;
	lc_lead *l = NULL;

	(void)state;
	fprintf(f, "Id,Name,Email,Note,DNC,Outcome\n");
	for (int i = 0; i < 600; i++)
		fprintf(f, "d%03d,Name %d,,note %d,no,%s\n", i, i, i, i % 2 ? "rang" : "fresh");
	fclose(f);
	dw.inner = lc_storage_get("sqlite");
	st = *dw.inner;
	st.version = 1; /* a version-1 backend never has the slot read */
	st.defer = dw_defer;
	assert_int_equal(lc_storage_register("defer-v1", &st), 0);
	assert_null(lc_storage_get("defer-v1")->defer);
	st.version = 2;
	st.lead_insert = dw_insert;
	assert_int_equal(lc_storage_register("defer-sqlite", &st), 0);

	rp = defer_import(":memory:", csv, &plain);
	dw.fail_end = 2;
	rw = defer_import("defer-sqlite::memory:", csv, &wrapped);
	assert_int_equal(dw.begins, 3);
	assert_int_equal(dw.ends, 3);
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		assert_int_equal(lc_table_int_named(lc_table_summary(rw), 0, cols[i]),
				 lc_table_int_named(lc_table_summary(rp), 0, cols[i]));
	assert_int_equal(lead_count(wrapped), 600);
	lc_table_free(rw);
	lc_db_close(wrapped);

	memset(&dw, 0, sizeof dw);
	dw.inner = lc_storage_get("sqlite");
	dw.refuse = "d300";
	rw = defer_import("defer-sqlite::memory:", csv, &wrapped);
	assert_int_equal(dw.aborts, 1);
	assert_int_equal(lc_table_int_named(lc_table_summary(rw), 0, "imported"), 599);
	assert_int_equal(lc_table_row_count(rw), 1);
	assert_int_equal(lc_table_int_named(rw, 0, "line"), 302);
	assert_int_equal(lead_count(wrapped), 599);
	assert_int_equal(lc_db_lead_find(wrapped, "d300", &l), LC_ENOTFOUND);
	assert_int_equal(lc_db_lead_find(wrapped, "d301", &l), 0);
	lc_lead_free(l);
	assert_int_equal(lc_db_verify(wrapped, &v), 0);
	assert_int_equal(lc_table_row_count(v), 0);
	lc_table_free(v);
	lc_table_free(rw);
	lc_table_free(rp);
	lc_db_close(wrapped);
	lc_db_close(plain);
	assert_int_equal(lc_storage_unregister("defer-sqlite"), 0);
	assert_int_equal(lc_storage_unregister("defer-v1"), 0);
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mapping_errors),
		cmocka_unit_test(import_basic),
		cmocka_unit_test(import_defer_redo),
		cmocka_unit_test(import_dialect_and_lines),
		cmocka_unit_test(import_bare_cr_lines),
		cmocka_unit_test(import_unclosed_quote_and_empty),
		cmocka_unit_test(import_violation),
		cmocka_unit_test(import_times_and_history),
		cmocka_unit_test(import_dedupe),
		cmocka_unit_test(import_defaults_and_when),
		cmocka_unit_test(import_progress_and_stop),
		cmocka_unit_test(import_allocation_failures),
		cmocka_unit_test(import_bad_calls),
		cmocka_unit_test(shipped_x_education_files),
		cmocka_unit_test(real_x_education),
		cmocka_unit_test(import_new_lead_judged_from_initial_state),
		cmocka_unit_test(import_duplicate_external_id),
		cmocka_unit_test(import_email_dedupe_keeps_ids),
		cmocka_unit_test(import_batches_on_every_store),
		cmocka_unit_test(import_savepoint_undoes_one_row),
		cmocka_unit_test(import_owner_time_and_amount_errors),
		cmocka_unit_test(crm_migration_in_one_pass),
		cmocka_unit_test(import_huge_field_in_flat_memory),
	};
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
