/*
 * libFuzzer target: the bytes of a SQLite store file, as a damaged disk, a
 * bad copy or a hostile file would give them. The file is opened (read-only
 * for inputs of even length, read-write for odd ones, never created) and
 * read through every public reader: count, query, each lead, its history
 * and replay, agents, units, models, reports, lc_db_verify(); a read-write handle also
 * tries an apply, a create and a note.
 *
 * Properties, any breach of which aborts (or a sanitizer report):
 * - every call returns 0 or a known LC_E code, and a failure leaves a message;
 * - an open that fails returns no handle; reads never crash, whatever the
 *   file holds;
 * - whatever a reader hands back keeps the library's invariants (text is
 *   UTF-8 within its limit, keys at most LC_KEY_MAX bytes, times in
 *   LC_TIME_MIN..LC_TIME_MAX, names not empty): a row that breaks them is
 *   LC_ECORRUPT, never data, for leads, events, agents and units alike;
 * - the lead and event iterators go on after an LC_ECORRUPT and end.
 * - lc_db_verify() answers with a table whose rows name a kind, a record
 *   and a message, and it finds a problem whenever a reader met damage
 *   (LC_ECORRUPT from a lead, its replay or an old model version).
 * Seeds: tests/fuzz/seeds/store_bytes/ (a small store, 512-byte pages, and
 * the same with damaged leads, events, agents and units).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leadcore/leadcore.h"
#include "core/core.h" /* lc__utf8_valid: the library's own test of UTF-8 */
#include "../support/store_files.h"
#ifdef LC_FUZZ_REPORTS
#include "leadcore/report.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(const char *what, int rc)
{
	if (rc > 0 || rc < LC__ERROR_LAST || (rc < 0 && !lc_error_last()[0])) {
		fprintf(stderr, "fuzz_store_bytes: %s returned %d (%s), message '%s'\n", what, rc,
			lc_error_name(rc), lc_error_last());
		abort();
	}
	return rc;
}

/* A breach of an invariant in data handed back (not an error) aborts. */
static void expect(bool ok, const char *what, long long id)
{
	if (!ok) {
		fprintf(stderr, "fuzz_store_bytes: %s %lld was handed back breaking the library's "
				"rules, not as LC_ECORRUPT\n",
			what, id);
		abort();
	}
}

static bool text_ok(const char *s, size_t max)
{
	return !s || (strlen(s) <= max && lc__utf8_valid(s, strlen(s)));
}

static bool time_ok(lc_time t, bool none_ok)
{
	return (t >= LC_TIME_MIN && t <= LC_TIME_MAX) || (none_ok && t == LC_TIME_NONE);
}

static void check_lead(const lc_lead *l)
{
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		expect(text_ok(lc_lead_text(l, (lc_lead_text_field)f), LC_LEAD_TEXT_MAX), "lead",
		       lc_lead_number(l, LC_LEAD_NUM_ID));
	for (int f = 0; f < LC_LEAD_DATE_COUNT; f++)
		expect(time_ok(lc_lead_date(l, (lc_lead_date_field)f), true), "lead", lc_lead_number(l, LC_LEAD_NUM_ID));
}

static void check_event(const lc_event *ev)
{
	expect(time_ok(lc_event_number(ev, LC_EVENT_NUM_TIME), false) && time_ok(lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP), true) &&
		       text_ok(lc_event_text(ev, LC_EVENT_TEXT_ACTOR), 256) &&
		       text_ok(lc_event_text(ev, LC_EVENT_TEXT_NOTE), LC_TEXT_MAX) &&
		       text_ok(lc_event_text(ev, LC_EVENT_TEXT_RULE), LC_TEXT_MAX),
	       "event", lc_event_number(ev, LC_EVENT_NUM_ID));
	static const lc_axis chosen[] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
					  LC_AXIS_STAGE, LC_AXIS_REASON };
	for (size_t i = 0; i < sizeof chosen / sizeof chosen[0]; i++)
		expect(text_ok(lc_event_value(ev, chosen[i]), LC_KEY_MAX), "event", lc_event_number(ev, LC_EVENT_NUM_ID));
}

/* Agents or units: every row named, UTF-8, at most 256 bytes. */
static void check_parties(const char *what, int rc, const lc_table *t)
{
	check(what, rc);
	for (size_t i = 0; (rc == 0 || rc == LC_ECORRUPT) && i < lc_table_row_count(t); i++) {
		const char *name = lc_table_text(t, i, 1);
		expect(name && name[0] && text_ok(name, 256), what, lc_table_int(t, i, 0));
	}
}

/* A reader met damage (LC_ECORRUPT): lc_db_verify() must find a problem. */
static int damage_seen;

static int seen(int rc)
{
	damage_seen |= rc == LC_ECORRUPT;
	return rc;
}

static void read_lead(lc_db *db, lc_id id)
{
	lc_lead *l = NULL;
	lc_state *st = NULL;
	lc_event_iter *it = NULL;
	const lc_event *ev;
	int rc, reads = 0;

	if (seen(check("lc_db_lead_get", lc_db_lead_get(db, id, &l))) == 0) {
		check_lead(l);
		if (check("lc_state_new", lc_state_new(&st, lc_db_model(db))) == 0)
			seen(check("lc_db_replay", lc_db_replay(db, id, st)));
	}
	lc_state_free(st);
	lc_lead_free(l);
	if (check("lc_db_history", lc_db_history(db, id, &it)) == 0)
		while ((rc = lc_event_iter_next(it, &ev)) == 1 ||
		       check("lc_event_iter_next", rc) == LC_ECORRUPT) {
			expect(++reads < 100000, "an event iterator that does not end, lead", id);
			if (rc == 1)
				check_event(ev);
		}
	lc_event_iter_free(it);
}

static void read_all(lc_db *db)
{
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	lc_id ids[32];
	size_t n = 0;
	size_t count = 0;
	int rc;

	check("lc_db_count", lc_db_count(db, NULL, &count));
	check("lc_db_count_invalid", lc_db_count_invalid(db, &count));
	if (check("lc_db_query", lc_db_query(db, NULL, &it)) == 0) {
		int reads = 0;
		while ((rc = lc_lead_iter_next(it, &l)) == 1 ||
		       check("lc_lead_iter_next", rc) == LC_ECORRUPT) {
			expect(++reads < 100000, "a lead iterator that does not end, after lead",
			       (long long)n);
			if (rc == 1) {
				check_lead(l);
				if (n < 32)
					ids[n++] = lc_lead_number(l, LC_LEAD_NUM_ID);
			}
		}
	}
	lc_lead_iter_free(it);
	for (size_t i = 0; i < n; i++)
		read_lead(db, ids[i]);
	read_lead(db, 1);
	{
		lc_table *a = NULL;
		lc_table *u = NULL;
		lc_model *m = NULL;
		check_parties("agent", seen(lc_db_agents(db, 0, &a)), a);
		check_parties("unit", seen(lc_db_units(db, 0, &u)), u);
		seen(check("lc_db_model_get", lc_db_model_get(db, 1, &m, NULL)));
		lc_table_free(a);
		lc_table_free(u);
		lc_model_free(m);
	}
#ifdef LC_FUZZ_REPORTS
	if (lc_db_model(db)) {
		lc_table *r = NULL;
		check("lc_report_matrix", lc_report_matrix(db, NULL, &r));
		lc_table_free(r);
		r = NULL;
		check("lc_report_funnel", lc_report_funnel(db, NULL, &r));
		lc_table_free(r);
	}
#endif
}

/* After read_all(): verify answers, and finds the damage the readers met. */
static void verify_all(lc_db *db)
{
	lc_table *t = NULL;
	int64_t problems;

	if (check("lc_db_verify", lc_db_verify(db, &t)) != 0)
		return;
	problems = lc_table_int_named(lc_table_summary(t), 0, "problems");
	if (problems < (int64_t)lc_table_row_count(t) || (damage_seen && problems == 0)) {
		fprintf(stderr, "fuzz_store_bytes: lc_db_verify found %lld problems (%zu rows) after "
				"the readers %s damage\n",
			(long long)problems, lc_table_row_count(t), damage_seen ? "met" : "met no");
		abort();
	}
	for (size_t i = 0; i < lc_table_row_count(t); i++)
		if (!lc_table_text_named(t, i, "kind") || !lc_table_text_named(t, i, "record") ||
		    !lc_table_text_named(t, i, "message"))
			abort();
	lc_table_free(t);
}

static void write_some(lc_db *db)
{
	lc_disposition *d = NULL;
	lc_lead *l = NULL;

	if (!lc_db_model(db))
		return;
	if (check("lc_disposition_new", lc_disposition_new(&d, lc_db_model(db))) == 0 &&
	    check("lc_disposition_set_index", lc_disposition_set_index(d, LC_AXIS_ACTION, 1)) == 0)
		check("lc_db_apply", lc_db_apply(db, 1, d, -1, NULL, NULL));
	lc_disposition_free(d);
	if (check("lc_lead_new", lc_lead_new(&l)) == 0 &&
	    check("lc_lead_set_text", lc_lead_set_text(l, LC_LEAD_NAME, "Fuzz")) == 0)
		check("lc_db_lead_create", lc_db_lead_create(db, l, NULL));
	lc_lead_free(l);
	check("lc_db_lead_note", lc_db_lead_note(db, 1, "fuzz", "a note"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	FILE *f;
	int rc;

	if (!path[0])
		snprintf(path, sizeof path, "/tmp/lc-fuzz-store-%ld.db", (long)getpid());
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
	o.flags = size % 2 ? 0 : LC_DB_READONLY;
	o.busy_timeout_ms = 0;
	rc = check("lc_db_open", lc_db_open(&db, path, &o));
	if (rc != 0 && db)
		abort();
	if (rc == 0) {
		damage_seen = 0;
		read_all(db);
		verify_all(db);
		if (size % 2)
			write_some(db);
		lc_db_close(db);
	}
	remove_store_files(path);
	return 0;
}
