/*
 * Reliability (issue 3 §7): a failed call leaves the store as it was.
 *
 * - Fault injection: a forwarding backend (conformance/wrap.c) fails the
 *   k-th vtable call of an operation, for every k, over SQLite files and the
 *   memory backend; the store must be unchanged (SQLite: read through a
 *   fresh handle).
 * - Allocation failures: lc_set_allocator fails the N-th allocation of open,
 *   apply and query, for every N; no crash, no leak (ASan/valgrind), an
 *   error, the store unchanged.
 * - Hostile strings round-trip unchanged through both backends; invalid
 *   UTF-8 is refused with a clear error.
 *
 * Figures are printed ("figures: ...") for docs/reliability.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/store_files.h"

#include "leadcore/leadcore.h"
#include "support/lead_entry.h"
#include "leadcore/sys/storage.h"
#include "conformance/wrap.h"

static const char model_json[] =
	"{\"format\": 1, \"name\": \"reliability\", \"version\": 1,"
	" \"actions\": [{\"label\": \"Call\"}, {\"label\": \"Email\"}, {\"label\": \"Meeting\"}],"
	" \"milestones\": [{\"label\": \"New\"}, {\"label\": \"Contacted\"}, {\"label\": \"Qualified\"}],"
	" \"statuses\": [{\"label\": \"Open\", \"lifecycle\": \"open\"},"
	"   {\"label\": \"Hot\", \"lifecycle\": \"open\", \"requires\": [\"follow_up\"]},"
	"   {\"label\": \"Nurturing\", \"lifecycle\": \"open\"}],"
	" \"phases\": [{\"label\": \"Lead\"}, {\"label\": \"Customer\"}],"
	" \"stages\": [{\"label\": \"Enquiry\", \"phase\": \"lead\"},"
	"   {\"label\": \"Check-in\", \"phase\": \"customer\", \"flags\": [\"repeatable\"]}],"
	" \"lifecycles\": [{\"label\": \"Open\"}]}";

#define T0 ((lc_time)1790000000)
#define NLEADS 4

static lc_time now_value = T0;

static lc_time test_clock(void *ud)
{
	(void)ud;
	return now_value;
}

static char tmpdir[256];

static void ok_at(int rc, const char *expr, const char *file, int line)
{
	if (rc != 0) {
		print_error("%s:%d: %s returned %s: %s\n", file, line, expr, lc_error_name(rc),
			    lc_error_last());
		_fail(file, line);
	}
}
#define OK(x) ok_at((x), #x, __FILE__, __LINE__)

/* ---- a failing allocator, installed once before any other call ---- */

static struct {
	long count;   /* allocations while armed */
	long fail_at; /* 0: never */
	bool failed;
} al;

static void *t_malloc(size_t n, void *ud)
{
	(void)ud;
	if (al.fail_at && ++al.count == al.fail_at) {
		al.failed = true;
		return NULL;
	}
	return malloc(n);
}

static void *t_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	if (al.fail_at && ++al.count == al.fail_at) {
		al.failed = true;
		return NULL;
	}
	return realloc(p, n);
}

static void t_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

static void al_arm(long n)
{
	al.count = 0;
	al.failed = false;
	al.fail_at = n;
}

static void al_disarm(void)
{
	al.fail_at = 0;
}

/* ---- the fault-injecting backend ---- */

static struct {
	long calls;
	long fail_at;
	bool injected;
	const char *slot;
} ft;

static int fault_hook(void *ud, const char *slot)
{
	(void)ud;
	/* rollback, close and iter_close cannot fail: not injection points. */
	if (!strcmp(slot, "rollback") || !strcmp(slot, "close") || !strcmp(slot, "iter_close"))
		return 0;
	ft.calls++;
	if (ft.fail_at && ft.calls == ft.fail_at) {
		ft.injected = true;
		ft.slot = slot;
		return LC_EIO;
	}
	return 0;
}

static void ft_arm(long k)
{
	ft.calls = 0;
	ft.injected = false;
	ft.slot = NULL;
	ft.fail_at = k;
}

/* ---- stores ---- */

static int open_store(lc_db **db, const char *uri)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;

	o.clock = test_clock;
	return lc_db_open(db, uri, &o);
}

static int apply_one(lc_db *db, lc_id lead, const char *action, const char *milestone,
		     const char *status, const char *stage, const char *note, int64_t expected)
{
	lc_disposition *d = NULL;
	int rc = lc_disposition_new(&d, lc_db_model(db));

	if (!rc && action)
		rc = lc_disposition_set(d, LC_AXIS_ACTION, action);
	if (!rc && milestone)
		rc = lc_disposition_set(d, LC_AXIS_MILESTONE, milestone);
	if (!rc && status)
		rc = lc_disposition_set(d, LC_AXIS_STATUS, status);
	if (!rc && stage)
		rc = lc_disposition_set(d, LC_AXIS_STAGE, stage);
	if (!rc && status && strcmp(status, "hot") == 0)
		rc = lc_disposition_set_follow_up(d, now_value + 86400);
	if (!rc && note)
		rc = lc_disposition_set_note(d, note);
	if (!rc)
		rc = lc_db_apply(db, lead, d, expected, NULL, NULL);
	lc_disposition_free(d);
	return rc;
}

/* A model, NLEADS leads with a little history, an agent and a unit. */
static void populate(lc_db *db)
{
	lc_model *m = NULL;

	OK(lc_model_load_string(&m, model_json, "reliability"));
	OK(lc_db_install_model(db, m, NULL));
	lc_model_free(m);
	for (int i = 0; i < NLEADS; i++) {
		lc_lead *l = NULL;
		char ext[32];
		snprintf(ext, sizeof ext, "lead-%d", i);
		OK(lc_lead_new(&l));
		OK(lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, ext));
		OK(lc_lead_set_text(l, LC_LEAD_NAME, "Name"));
		OK(lc_lead_attr_set(l, "k", "v"));
		OK(lc_db_lead_create(db, l, NULL));
		lc_lead_free(l);
		OK(apply_one(db, i + 1, "call", "new", "open", "enquiry", "first", -1));
	}
	OK(lc_db_agent_add(db, "agent", NULL));
	OK(lc_db_unit_add(db, "unit", NULL));
}

/* What must not change when a call fails. */
typedef struct snap {
	size_t leads;
	int64_t events;
	size_t agents;
	struct {
		int64_t version;
		char state[5][72];
		lc_time follow_up;
		uint32_t counts;
		size_t notes, attrs;
		char company[64], ext[64];
		uint32_t flags;
	} l[NLEADS + 2];
} snap;

static void take(lc_db *db, snap *s)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE,
					LC_AXIS_PHASE, LC_AXIS_LIFECYCLE };
	lc_query *q = NULL;
	lc_event_iter *it = NULL;
	lc_table *agents = NULL;
	const lc_event *ev;
	int rc;

	memset(s, 0, sizeof *s);
	OK(lc_query_new(&q));
	OK(lc_query_set_recycled(q, LC_RECYCLED_INCLUDE));
	OK(lc_db_count(db, q, &s->leads));
	lc_query_free(q);
	OK(lc_db_history(db, 0, &it));
	while ((rc = lc_event_iter_next(it, &ev)) == 1)
		s->events++;
	OK(rc);
	lc_event_iter_free(it);
	OK(lc_db_agents(db, 0, &agents));
	s->agents = lc_table_row_count(agents);
	lc_table_free(agents);
	for (lc_id id = 1; (size_t)id <= s->leads && id <= NLEADS + 2; id++) {
		lc_lead *l = NULL;
		const lc_state *st;
		OK(lc_db_lead_get(db, id, &l));
		st = lc_lead_state(l);
		s->l[id - 1].version = lc_lead_number(l, LC_LEAD_NUM_VERSION);
		for (int a = 0; a < 5; a++) {
			const char *v = lc_state_get(st, axes[a]);
			snprintf(s->l[id - 1].state[a], sizeof s->l[id - 1].state[a], "%s", v ? v : "-");
		}
		s->l[id - 1].follow_up = lc_state_time(st, LC_STATE_TIME_FOLLOW_UP);
		s->l[id - 1].counts = lc_state_stage_entries(st, "check_in");
		s->l[id - 1].notes = lc_lead_list_count(l, LC_LEAD_NOTES);
		s->l[id - 1].attrs = lc_lead_list_count(l, LC_LEAD_ATTRIBUTES);
		s->l[id - 1].flags = (uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS);
		snprintf(s->l[id - 1].company, sizeof s->l[id - 1].company, "%s",
			 lc_lead_text(l, LC_LEAD_COMPANY) ? lc_lead_text(l, LC_LEAD_COMPANY) : "-");
		snprintf(s->l[id - 1].ext, sizeof s->l[id - 1].ext, "%s",
			 lc_lead_text(l, LC_LEAD_EXTERNAL_ID) ? lc_lead_text(l, LC_LEAD_EXTERNAL_ID)
							       : "-");
		lc_lead_free(l);
	}
}

static void take_fresh(const char *uri, snap *s)
{
	lc_db *db = NULL;

	OK(open_store(&db, uri));
	take(db, s);
	lc_db_close(db);
}

static void same(const snap *a, const snap *b, const char *what, long k)
{
	if (memcmp(a, b, sizeof *a) != 0) {
		print_error("%s: the store changed after failure point %ld\n", what, k);
		fail();
	}
}

static int mkstore(char *uri, size_t size, const char *name)
{
	int n = snprintf(uri, size, "sqlite:%s/%s.db", tmpdir, name);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* ---- operations swept by both injectors ---- */

typedef int (*op_fn)(lc_db *db, int round);

static int op_apply(lc_db *db, int round)
{
	static const char *const ms[] = { "contacted", "qualified", "new" };
	return apply_one(db, 1 + round % NLEADS, round % 2 ? "meeting" : "call", ms[round % 3],
			 round % 2 ? "hot" : "nurturing", "check_in", "swept", -1);
}

static int op_create(lc_db *db, int round)
{
	lc_lead *l = NULL;
	char ext[32];
	int rc;

	snprintf(ext, sizeof ext, "new-%d", round);
	if ((rc = lc_lead_new(&l)) || (rc = lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, ext)) ||
	    (rc = lc_lead_product_add(l, "p", "n")) || (rc = lc_lead_attr_set(l, "a", "b")))
		goto out;
	rc = lc_db_lead_create(db, l, NULL);
out:
	lc_lead_free(l);
	return rc;
}

static int op_update(lc_db *db, int round)
{
	lc_lead *l = NULL;
	char company[32];
	int rc = lc_db_lead_get(db, 2, &l);

	snprintf(company, sizeof company, "Company %d", round);
	if (!rc && !(rc = lc_lead_set_text(l, LC_LEAD_COMPANY, company)) &&
	    !(rc = lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, company)) &&
	    !(rc = lc_lead_attr_set(l, "k", NULL)))
		rc = lc_db_lead_update(db, l, lc_lead_number(l, LC_LEAD_NUM_VERSION));
	lc_lead_free(l);
	return rc;
}

static int op_note(lc_db *db, int round)
{
	(void)round;
	return lc_db_lead_note(db, 3, "ann", "a shared note");
}

static int op_recycle(lc_db *db, int round)
{
	return round % 2 ? lc_db_lead_restore(db, 4) : lc_db_lead_recycle(db, 4);
}

static int op_batch(lc_db *db, int round)
{
	int rc = lc_db_begin(db);

	if (rc)
		return rc;
	for (int i = 0; i < 3 && !rc; i++)
		rc = op_apply(db, round + i);
	if (!rc)
		rc = lc_db_lead_note(db, 1, NULL, "batched");
	if (rc) {
		lc_db_rollback(db);
		return rc;
	}
	return lc_db_commit(db);
}

static const struct {
	const char *name;
	op_fn fn;
} ops[] = {
	{ "apply", op_apply },   { "create", op_create },   { "update", op_update },
	{ "note", op_note },     { "recycle", op_recycle }, { "batch of applies", op_batch },
};

/* ---- fault injection ---- */

static void fault_sweep(const char *inner, bool file)
{
	char uri[600], inner_uri[560];
	lc_wrap_config wc = { fault_hook, NULL, 0, NULL };
	lc_db *db = NULL;
	long total = 0;
	snap before, after;

	if (file) {
		OK(mkstore(inner_uri, sizeof inner_uri, "fault"));
		remove_store_files(inner_uri);
	} else {
		snprintf(inner_uri, sizeof inner_uri, "%s", inner);
	}
	wc.inner_uri = inner_uri;
	OK(lc_wrap_register("fault", &wc));
	snprintf(uri, sizeof uri, "fault:%s", inner_uri);
	ft_arm(0);
	OK(open_store(&db, uri));
	populate(db);
	for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
		long points = 0;
		for (int round = 0; round < 2; round++) {
			for (long k = 1;; k++) {
				int rc;
				if (file)
					take_fresh(inner_uri, &before);
				else
					take(db, &before);
				now_value += 60;
				ft_arm(k);
				rc = ops[o].fn(db, round);
				ft.fail_at = 0;
				if (!ft.injected) {
					/* k is past the operation's last call: it succeeded. */
					OK(rc);
					break;
				}
				points++;
				if (rc == 0) {
					print_error("%s: a failure in %s (call %ld) was not reported\n",
						    ops[o].name, ft.slot, k);
					fail();
				}
				assert_true(lc_error_last()[0] != '\0');
				if (file)
					take_fresh(inner_uri, &after);
				else
					take(db, &after);
				same(&before, &after, ops[o].name, k);
				assert_true(k < 500);
			}
		}
		print_message("figures: fault injection over %s, %s: %ld failure points\n", inner,
			      ops[o].name, points);
		assert_true(points >= 3);
		total += points;
	}
	print_message("figures: fault injection over %s: %ld faults injected in all\n", inner, total);
	lc_db_close(db);
	if (file)
		remove_store_files(inner_uri);
	lc_storage_unregister("fault");
}

static void test_fault_sqlite(void **state)
{
	(void)state;
	fault_sweep("sqlite-file", true);
}

static void test_fault_memory(void **state)
{
	(void)state;
	fault_sweep("memory:", false);
}

/* ---- allocation failures ---- */

/* Copy a store file (closed, so without -wal). */
static void copy_file(const char *from_uri, const char *to_uri)
{
	const char *from = from_uri + strlen("sqlite:"), *to = to_uri + strlen("sqlite:");
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static int op_query(lc_db *db, int round)
{
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	lc_event_iter *eit = NULL;
	const lc_lead *l;
	const lc_event *ev;
	lc_lead *one = NULL;
	lc_state *st = NULL;
	size_t n = 0;
	int rc, seen = 0, events = 0;

	(void)round;
	if ((rc = lc_query_new(&q)) || (rc = lc_query_set_value(q, LC_AXIS_MILESTONE, "new")) ||
	    (rc = lc_query_set_attribute(q, "k", "v")) || (rc = lc_query_set_page(q, 0, 10)) ||
	    (rc = lc_db_query(db, q, &it)))
		goto out;
	while ((rc = lc_lead_iter_next(it, &l)) == 1)
		seen++;
	if (rc || (rc = lc_db_count(db, q, &n)))
		goto out;
	if ((rc = lc_db_history(db, 0, &eit)))
		goto out;
	while ((rc = lc_event_iter_next(eit, &ev)) == 1)
		events++;
	if (rc || (rc = lc_db_lead_find(db, "lead-2", &one)) ||
	    (rc = lc_state_new(&st, lc_db_model(db))) || (rc = lc_db_replay(db, 2, st)))
		goto out;
	/* A call that reports success must have the whole answer. */
	assert_int_equal(seen, NLEADS);
	assert_int_equal(n, NLEADS);
	assert_int_equal(events, 2 * NLEADS);
	assert_int_equal(lc_lead_number(one, LC_LEAD_NUM_ID), 3);
	assert_int_equal(lc_state_equal(st, lc_lead_state(one)), 1);
out:
	lc_state_free(st);
	lc_lead_free(one);
	lc_event_iter_free(eit);
	lc_lead_iter_free(it);
	lc_query_free(q);
	return rc;
}

typedef enum { SWEEP_OPEN, SWEEP_WRITE, SWEEP_QUERY } sweep_kind;

/* Fail allocation N = 1, 2, ... of an operation until it runs without a
 * failure; returns the number of allocation points. */
static long alloc_sweep(bool file, sweep_kind kind, op_fn op, const char *what)
{
	char base[600], work[600];
	long n;

	if (file) {
		lc_db *db = NULL;
		OK(mkstore(base, sizeof base, "alloc-base"));
		OK(mkstore(work, sizeof work, "alloc-work"));
		remove_store_files(base);
		OK(open_store(&db, base));
		populate(db);
		lc_db_close(db);
	}
	for (n = 1;; n++) {
		lc_db *db = NULL;
		snap before, after;
		bool said = false;
		int rc;

		if (file) {
			remove_store_files(work);
			copy_file(base, work);
			take_fresh(work, &before);
		}
		if (kind == SWEEP_OPEN) {
			al_arm(n);
			rc = open_store(&db, file ? work : "memory:");
			al_disarm();
			said = lc_error_last()[0] != '\0';
			if (rc)
				assert_null(db);
			lc_db_close(db);
		} else {
			OK(open_store(&db, file ? work : "memory:"));
			if (!file) {
				populate(db);
				take(db, &before);
			}
			al_arm(n);
			rc = op(db, 0);
			al_disarm();
			said = lc_error_last()[0] != '\0';
			if (rc || al.failed) {
				take(db, &after);
				if (rc || kind == SWEEP_QUERY)
					same(&before, &after, what, n);
			}
			lc_db_close(db);
			if (file && rc) {
				take_fresh(work, &after);
				same(&before, &after, what, n);
			}
		}
		if (!al.failed) {
			OK(rc);
			break;
		}
		if (rc && !said) {
			print_error("%s: allocation %ld failed with %s and no message\n", what, n,
				    lc_error_name(rc));
			fail();
		}
		assert_true(n < 5000);
	}
	if (file) {
		remove_store_files(base);
		remove_store_files(work);
	}
	print_message("figures: allocation sweep over %s, %s: %ld allocation points\n",
		      file ? "sqlite-file" : "memory:", what, n - 1);
	return n - 1;
}

static void test_alloc_sweep(void **state)
{
	long total = 0;

	(void)state;
	for (int file = 0; file < 2; file++) {
		total += alloc_sweep(file, SWEEP_OPEN, NULL, "open");
		total += alloc_sweep(file, SWEEP_WRITE, op_apply, "apply");
		total += alloc_sweep(file, SWEEP_WRITE, op_batch, "batch of applies");
		total += alloc_sweep(file, SWEEP_WRITE, op_create, "create");
		total += alloc_sweep(file, SWEEP_QUERY, op_query, "query, history, replay");
	}
	print_message("figures: allocation sweep: %ld allocation points in all\n", total);
	assert_true(total > 50);
}

/* ---- hostile strings ---- */

static char *big_note(void)
{
	static const char piece[] = "'); DROP TABLE leads;-- \"quoted\" \\ %s%n \t\r\n 😀 ";
	size_t n = 64 * 1024, len = strlen(piece), at = 0;
	char *s = malloc(n + 1);

	assert_non_null(s);
	/* Whole pieces only, so that every character stays valid UTF-8. */
	while (at + len <= n) {
		memcpy(s + at, piece, len);
		at += len;
	}
	while (at < n)
		s[at++] = 'x';
	s[n] = '\0';
	return s;
}

static const char *const hostile[] = {
	"'",
	"''",
	"\"",
	"'); DROP TABLE leads;--",
	"\"; DELETE FROM events; --",
	"Robert'); DROP TABLE students;--",
	"%s%s%n%x",
	"\\x00\\' \\\" \\\\",
	"\x01\x02\x03\x7f\x1b[31mred\x1b[0m",
	"tab\tnew\nline\r\nend",
	"emoji 😀👍🏽🇩🇪 and ZWJ 👩‍👩‍👧",
	"right-to-left \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\x8f",
	"\xef\xbb\xbf BOM first",
	"NULL",
	"null",
	" ",
	"*",
	"% _ LIKE patterns",
};

static void roundtrip(const char *uri, bool reopen)
{
	lc_db *db = NULL;
	lc_model *m = NULL;
	char *note = big_note();
	char longtext[LC_LEAD_TEXT_MAX + 1], longext[LC_LEAD_EXTERNAL_ID_MAX + 1], key[LC_LEAD_ATTR_KEY_MAX + 1];
	size_t nh = sizeof hostile / sizeof hostile[0];
	lc_id ids[sizeof hostile / sizeof hostile[0] + 1];

	memset(longtext, 'L', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	memcpy(longtext, "é", 2); /* multi-byte at the start, exactly at the limit */
	memset(longext, 'E', sizeof longext - 1);
	longext[sizeof longext - 1] = '\0';
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';

	OK(open_store(&db, uri));
	OK(lc_model_load_string(&m, model_json, "reliability"));
	OK(lc_db_install_model(db, m, NULL));
	lc_model_free(m);
	for (size_t i = 0; i <= nh; i++) {
		const char *h = i < nh ? hostile[i] : longtext;
		lc_lead *l = NULL;
		lc_id agent = 0;
		OK(lc_lead_new(&l));
		for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
			OK(lc_lead_set_text(l, (lc_lead_text_field)f,
					    f == LC_LEAD_EXTERNAL_ID && i == nh ? longext : h));
		OK(lc_lead_product_add(l, h, h));
		OK(lc_lead_name_add(l, LC_LEAD_TEAM, h));
		OK(lc_lead_name_add(l, LC_LEAD_COMPETITORS, h));
		OK(lc_lead_activity_add(l, h, T0, h));
		OK(lc_lead_attr_set(l, i < nh && strlen(h) <= LC_LEAD_ATTR_KEY_MAX ? h : key, h));
		OK(lc_db_lead_create(db, l, &ids[i]));
		lc_lead_free(l);
		OK(lc_db_lead_note(db, ids[i], i < nh ? h : "long", h));
		OK(lc_db_lead_note(db, ids[i], "big", note));
		OK(apply_one(db, ids[i], "call", "new", "open", NULL, h, -1));
		if (i < nh && strlen(h) <= 256 && h[0] != ' ') {
			OK(lc_db_agent_add(db, h, &agent));
			lc_id found = 0;
			OK(lc_db_agent_find(db, h, &found));
			assert_int_equal(found, agent);
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i <= nh; i++) {
			const char *h = i < nh ? hostile[i] : longtext;
			lc_lead *l = NULL;
			lc_event_iter *it = NULL;
			const lc_event *ev;
			lc_query *q = NULL;
			size_t n = 0;
			OK(lc_db_lead_get(db, ids[i], &l));
			for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++) {
				const char *want = f == LC_LEAD_EXTERNAL_ID && i == nh ? longext : h;
				assert_string_equal(lc_lead_text(l, (lc_lead_text_field)f), want);
			}
			assert_string_equal(lead_entry(l, LC_LEAD_PRODUCTS, 0).text, h);
			assert_string_equal(lead_entry(l, LC_LEAD_PRODUCTS, 0).detail, h);
			assert_string_equal(lead_entry(l, LC_LEAD_TEAM, 0).text, h);
			assert_string_equal(lead_entry(l, LC_LEAD_COMPETITORS, 0).text, h);
			assert_string_equal(lead_entry(l, LC_LEAD_ACTIVITIES, 0).text, h);
			assert_string_equal(lead_entry(l, LC_LEAD_ACTIVITIES, 0).detail, h);
			assert_string_equal(lead_entry(l, LC_LEAD_ATTRIBUTES, 0).detail, h);
			assert_string_equal(lead_entry(l, LC_LEAD_NOTES, 0).text, h);
			assert_string_equal(lead_entry(l, LC_LEAD_NOTES, 0).detail, i < nh ? h : "long");
			assert_string_equal(lead_entry(l, LC_LEAD_NOTES, 1).text, note);
			lc_lead_free(l);
			l = NULL;
			OK(lc_db_lead_find(db, i == nh ? longext : h, &l));
			assert_int_equal(lc_lead_number(l, LC_LEAD_NUM_ID), ids[i]);
			lc_lead_free(l);
			/* The hostile text as a filter finds exactly its lead. */
			OK(lc_query_new(&q));
			OK(lc_query_set_text(q, LC_LEAD_SOURCE, h));
			OK(lc_db_count(db, q, &n));
			assert_int_equal(n, 1);
			lc_query_free(q);
			OK(lc_db_history(db, ids[i], &it));
			int seen_note = 0;
			while (lc_event_iter_next(it, &ev) == 1)
				if ((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) == LC_EVENT_DISPOSITION) {
					assert_string_equal(lc_event_text(ev, LC_EVENT_TEXT_NOTE), h);
					seen_note = 1;
				}
			assert_true(seen_note);
			lc_event_iter_free(it);
		}
		if (!reopen)
			break;
		lc_db_close(db);
		db = NULL;
		OK(open_store(&db, uri));
	}
	lc_db_close(db);
	free(note);
}

static void test_hostile_memory(void **state)
{
	(void)state;
	roundtrip("memory:", false);
}

static void test_hostile_sqlite(void **state)
{
	char uri[600];

	(void)state;
	OK(mkstore(uri, sizeof uri, "hostile"));
	remove_store_files(uri);
	roundtrip(uri, true);
	remove_store_files(uri);
}

static const char *const bad_utf8[] = {
	"\xff",                 /* never valid */
	"abc\xc0\xaf",          /* overlong '/' */
	"\xed\xa0\x80",         /* a UTF-16 surrogate */
	"euro \xe2\x82",        /* truncated */
	"\xf4\x90\x80\x80",     /* above U+10FFFF */
	"\x80 continuation",    /* stray continuation byte */
};

static void refuse(int rc, const char *what)
{
	if (rc != LC_EINVAL) {
		print_error("%s: %s instead of LC_EINVAL\n", what, lc_error_name(rc));
		fail();
	}
	if (!strstr(lc_error_last(), "UTF-8")) {
		print_error("%s: the message does not say UTF-8: %s\n", what, lc_error_last());
		fail();
	}
}

static void bad_utf8_on(const char *uri)
{
	lc_db *db = NULL;
	lc_model *m = NULL;
	lc_lead *l = NULL;
	lc_disposition *d = NULL;
	lc_query *q = NULL;
	snap before, after;
	lc_id id = 0;

	OK(open_store(&db, uri));
	populate(db);
	OK(lc_lead_new(&l));
	OK(lc_lead_set_text(l, LC_LEAD_NAME, "good"));
	OK(lc_db_lead_create(db, l, &id));
	take(db, &before);
	OK(lc_disposition_new(&d, lc_db_model(db)));
	OK(lc_query_new(&q));
	for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
		const char *b = bad_utf8[i];
		refuse(lc_lead_set_text(l, LC_LEAD_NAME, b), "lc_lead_set_text");
		assert_string_equal(lc_lead_text(l, LC_LEAD_NAME), "good");
		refuse(lc_lead_product_add(l, b, NULL), "lc_lead_product_add");
		refuse(lc_lead_attr_set(l, "k", b), "lc_lead_attr_set");
		refuse(lc_lead_attr_set(l, b, "v"), "lc_lead_attr_set key");
		refuse(lc_lead_activity_add(l, "x", T0, b), "lc_lead_activity_add");
		refuse(lc_db_lead_note(db, id, NULL, b), "lc_db_lead_note");
		refuse(lc_db_lead_note(db, id, b, "text"), "lc_db_lead_note author");
		refuse(lc_disposition_set_note(d, b), "lc_disposition_set_note");
		refuse(lc_disposition_set_actor(d, b), "lc_disposition_set_actor");
		refuse(lc_db_agent_add(db, b, NULL), "lc_db_agent_add");
		refuse(lc_db_unit_add(db, b, NULL), "lc_db_unit_add");
		refuse(lc_db_set_actor(db, b), "lc_db_set_actor");
		refuse(lc_query_set_text(q, LC_LEAD_SOURCE, b), "lc_query_set_text");
	}
	assert_int_equal(lc_lead_list_count(l, LC_LEAD_PRODUCTS), 0);
	take(db, &after);
	same(&before, &after, "invalid UTF-8", 0);
	lc_query_free(q);
	lc_disposition_free(d);
	lc_lead_free(l);
	lc_db_close(db);
	lc_model_free(m);
}

static void test_bad_utf8(void **state)
{
	char uri[600];

	(void)state;
	bad_utf8_on("memory:");
	OK(mkstore(uri, sizeof uri, "badutf8"));
	remove_store_files(uri);
	bad_utf8_on(uri);
	remove_store_files(uri);
}

/* ---- read-only stores ---- */

/* Every call that writes, on a store opened LC_DB_READONLY, answers
 * LC_EREADONLY before anything else about it (a missing model or lead),
 * names read-only, and writes nothing. */
static void readonly_on(const char *uri, bool populate)
{
	static const char rules[] = "{\"format\":1,\"name\":\"r\",\"version\":1,\"rules\":[{\"name\":"
				    "\"a\",\"kind\":\"time\",\"then\":[{\"segment\":\"x\"}]}]}";
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	lc_lead *l = NULL;
	lc_disposition *d = NULL;
	lc_ruleset *rs = NULL;
	lc_mapping *map = NULL;
	lc_migration *mig = NULL;
	lc_table *t = NULL, *t2 = NULL;
	size_t moved = 0, before = SIZE_MAX, after = SIZE_MAX - 1;

	if (populate) {
		OK(open_store(&db, uri));
		OK(lc_model_load_string(&m, model_json, "reliability"));
		OK(lc_db_install_model(db, m, NULL));
		lc_model_free(m);
		OK(lc_lead_new(&l));
		OK(lc_db_lead_create(db, l, NULL));
		lc_lead_free(l);
		lc_db_close(db);
	}
	o.clock = test_clock;
	o.flags = LC_DB_READONLY;
	OK(lc_db_open(&db, uri, &o));
	if (populate)
		OK(lc_db_count(db, NULL, &before));
	OK(lc_model_load_string(&m, model_json, "reliability"));
	OK(lc_lead_new(&l));
	OK(lc_disposition_new(&d, m));
	OK(lc_disposition_set(d, LC_AXIS_ACTION, "call"));
	OK(lc_ruleset_load_string(&rs, rules, "r"));
	OK(lc_mapping_load_string(&map, "{\"format\":1,\"fields\":{\"external_id\":\"Id\"}}", "m"));
	OK(lc_migration_new(&mig));
	{
		const int rc[] = {
			lc_db_install_model(db, m, NULL),
			lc_db_begin(db),
			lc_db_lead_create(db, l, NULL),
			lc_db_lead_update(db, l, -1),
			lc_db_apply(db, 1, d, -1, NULL, NULL),
			lc_db_lead_accept(db, 1, 1),
			lc_db_lead_assign(db, 1, 0, 1),
			lc_db_lead_recycle(db, 1),
			lc_db_lead_restore(db, 1),
			lc_db_lead_note(db, 1, "a", "note"),
			lc_db_agent_add(db, "amy", NULL),
			lc_db_agent_set_active(db, 1, 0),
			lc_db_unit_add(db, "north", NULL),
			lc_db_unit_join(db, 1, 1),
			lc_db_unit_leave(db, 1, 1),
			lc_db_migrate(db, mig, &moved),
			lc_db_ruleset_install(db, rs, NULL),
			lc_workflow_sweep(db, LC_TIME_NONE, &t),
			lc_assign(db, LC_TIME_NONE, NULL, &t, &t2),
			lc_import_buffer(db, "Id\nx\n", 5, map, NULL, &t),
		};
		for (size_t i = 0; i < sizeof rc / sizeof rc[0]; i++) {
			if (rc[i] != LC_EREADONLY)
				fail_msg("%s: write %zu answered %s, not LC_EREADONLY", uri, i,
					 lc_error_name(rc[i]));
		}
	}
	assert_non_null(strstr(lc_strerror(LC_EREADONLY), "read-only"));
	if (populate) {
		OK(lc_db_count(db, NULL, &after));
		assert_int_equal(after, before);
	}
	lc_migration_free(mig);
	lc_mapping_free(map);
	lc_ruleset_free(rs);
	lc_disposition_free(d);
	lc_lead_free(l);
	lc_model_free(m);
	lc_db_close(db);
}

static void test_readonly(void **state)
{
	char uri[600];

	(void)state;
	readonly_on("memory:", false);
	readonly_on(":memory:", false);
	OK(mkstore(uri, sizeof uri, "readonly"));
	remove_store_files(uri);
	readonly_on(uri, true);
	remove_store_files(uri);
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	lc_allocator a = { LC_ALLOCATOR_VERSION, t_malloc, t_realloc, t_free, NULL };

	(void)state;
	/* Before any other leadcore call, and kept for the whole run. */
	if (lc_set_allocator(&a))
		return -1;
	snprintf(tmpdir, sizeof tmpdir, "%s/leadcore-reliability-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_sqlite),
		cmocka_unit_test(test_fault_memory),
		cmocka_unit_test(test_alloc_sweep),
		cmocka_unit_test(test_hostile_memory),
		cmocka_unit_test(test_hostile_sqlite),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_readonly),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
