/*
 * libFuzzer target: a byte-driven sequence of public API calls (open, install
 * a model, create leads, apply dispositions, recycle and restore, notes,
 * agents and units, transactions, queries, history, replay, reports).
 *
 * Two targets are built from this file:
 * - fuzz_api_sequence runs on the in-memory backend (`memory:`) alone, fast
 *   enough for a million inputs in ten minutes on one core: the store is
 *   reused (renewed after each input), presets are parsed once, sequences
 *   stop at 32 steps, and an install of another model is rare;
 * - fuzz_api_lockstep (-DLC_FUZZ_LOCKSTEP) runs each input in lockstep on
 *   two fresh stores, `memory:` (the reference semantics) and SQLite in
 *   memory (`:memory:`), with up to 64 steps: ten times slower, it is the
 *   differential test of the backends.
 * Both read the same inputs and replay each other's regressions.
 *
 * Properties, any breach of which aborts (a finding):
 * - in lockstep, both stores answer every call with the same code, and their leads stay
 *   equal (version, flags, state);
 * - every code is 0 or a known LC_E code, and every failure leaves a message;
 * - a failed write leaves every lead as it was;
 * - a lead's state equals the replay of its history;
 * - a query yields as many leads as lc_db_count() counts.
 * Fault injection: a step may make the library's allocations fail from the
 * Nth one on, during one write on the memory store; the write must then fail
 * cleanly and change nothing (the SQLite store skips that step).
 *
 * Input: byte 0 picks the preset; then one byte an operation, followed by
 * its arguments. Running out of bytes reads zeros.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadcore/leadcore.h"
#include "reuse.h"
#ifdef LC_FUZZ_REPORTS
#include "leadcore/report.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LEADS 24
#define MAX_PEOPLE 4
#define MAX_STEPS 64      /* in lockstep; alone, half as many */
#define STR_MAX 48

/* ---- input ---- */

typedef struct rd {
	const uint8_t *p;
	size_t n;
} rd;

static uint8_t u8(rd *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

/* A string of up to STR_MAX - 1 input bytes, NUL-terminated; it may be bad
 * UTF-8 on purpose. */
static const char *str(rd *r, char buf[STR_MAX])
{
	size_t len = u8(r) % STR_MAX, i = 0;
	for (; i < len && r->n; i++)
		buf[i] = (char)u8(r);
	buf[i] = '\0';
	return buf;
}

/* ---- failures ---- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "fuzz_api_sequence: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  last error: %s\n", lc_error_last());
	abort();
}

static int check_rc(const char *what, int rc)
{
	if (rc > 0 || rc < LC__ERROR_LAST)
		die("%s returned %d, not an LC_E code", what, rc);
	if (rc < 0 && lc_error_last()[0] == '\0')
		die("%s failed with %s and left no message", what, lc_error_name(rc));
	return rc;
}

static void same_rc(const char *what, int a, int b)
{
	check_rc(what, a);
	check_rc(what, b);
	if (a != b) {
		fprintf(stderr, "memory: %s, :memory: %s\n", lc_error_name(a), lc_error_name(b));
		die("the stores disagree on %s: %d vs %d", what, a, b);
	}
}

/* ---- fault injection through the allocator hooks ---- */

static long fail_from = -1; /* < 0: never fail; else allocations left before failing */
static long armed = -1;     /* what fail_from becomes when the store call starts */
static int fault_hit;

/* Faults hit the store call only, never the setters that build its
 * arguments, so that both stores always get the same arguments. */
#define STORE_CALL(expr) (fail_from = armed, rc = (expr), fail_from = -1, rc)

static int should_fail(void)
{
	if (fail_from < 0)
		return 0;
	if (fail_from == 0) {
		fault_hit = 1;
		return 1;
	}
	fail_from--;
	return 0;
}
static void *fz_malloc(size_t n, void *ud)
{
	(void)ud;
	return should_fail() ? NULL : malloc(n);
}
static void *fz_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	return should_fail() ? NULL : realloc(p, n);
}
static void fz_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

/* ---- the two stores ---- */

typedef struct side {
	const char *uri;
	lc_db *db;
	lc_id leads[MAX_LEADS];
	lc_id agents[MAX_PEOPLE];
	lc_id units[MAX_PEOPLE];
} side;

static side S[2] = { { .uri = "memory:" }, { .uri = ":memory:" } };
static size_t nleads, nagents, nunits;
static int in_txn;
static int lockstep; /* fuzz_api_lockstep: SQLite runs too, full sequences */
static lc_time now_value;

static lc_time fz_clock(void *ud)
{
	(void)ud;
	return now_value;
}

/* ---- one step's arguments, decoded once and replayed on each store ---- */

typedef struct step {
	int op;
	size_t lead;        /* slot */
	size_t who, unit;   /* agent and unit slots; MAX_PEOPLE means "none" */
	uint8_t axis_sel[5];
	char axis_text[5][STR_MAX];
	uint8_t outcome, follow, expect, flags, qaxis, recycled, page;
	char s1[STR_MAX], s2[STR_MAX];
	const char *p1, *p2; /* s1/s2 or NULL */
} step;

static const lc_axis disp_axes[5] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
				      LC_AXIS_STAGE, LC_AXIS_REASON };

static lc_id agent_id(const side *s, size_t slot)
{
	return slot < nagents ? s->agents[slot] : 0;
}
static lc_id unit_id(const side *s, size_t slot)
{
	return slot < nunits ? s->units[slot] : 0;
}

/* Builds the step's disposition against the store's current model. The
 * setters' codes are compared across stores by the caller through *setrc. */
static int build_disposition(side *s, const step *st, lc_disposition **out, int *setrc)
{
	const lc_model *m = lc_db_model(s->db);
	lc_disposition *d = NULL;
	int rc = lc_disposition_new(&d, m);
	*setrc = 0;
	if (rc != 0)
		return rc;
	for (int i = 0; i < 5; i++) {
		uint8_t b = st->axis_sel[i];
		size_t n = lc_model_value_count(m, disp_axes[i]);
		if (b & 0x80)
			continue;
		if (b & 0x40)
			rc = lc_disposition_set(d, disp_axes[i], st->axis_text[i]);
		else
			rc = lc_disposition_set_index(d, disp_axes[i], n ? b % (n + 1) : b);
		*setrc = *setrc * 3 + (rc != 0); /* a fingerprint of which setters failed */
	}
	if (st->outcome < 8)
		*setrc = *setrc * 3 + (lc_disposition_set_outcome(d, (lc_outcome)st->outcome) != 0);
	if (st->follow)
		lc_disposition_set_follow_up(d, now_value + ((lc_time)st->follow - 128) * 3600);
	if (st->p1)
		*setrc = *setrc * 3 + (lc_disposition_set_note(d, st->p1) != 0);
	if (st->p2)
		*setrc = *setrc * 3 + (lc_disposition_set_actor(d, st->p2) != 0);
	*out = d;
	return 0;
}

static int64_t expected_version(side *s, const step *st)
{
	lc_lead *l = NULL;
	int64_t v = -1;
	if (st->expect == 0)
		return -1;
	if (lc_db_lead_get(s->db, s->leads[st->lead], &l) == 0)
		v = lc_lead_number(l, LC_LEAD_NUM_VERSION);
	lc_lead_free(l);
	return st->expect == 1 ? v : v + (int64_t)st->expect - 3;
}

#ifdef LC_FUZZ_REPORTS
static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static uint64_t mix_text(uint64_t h, const char *t)
{
	if (!t)
		return mix(h, 0xff);
	for (; *t; t++)
		h = mix(h, (unsigned char)*t);
	return mix(h, 0);
}

/* One report, fingerprinted (rows, keys, counts, measures) so that both
 * stores must produce the same table. */
static int report(side *s, const step *st, int64_t *aux)
{
	lc_db *db = s->db;
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	lc_table *r = NULL;
	int rc;
	if (st->flags & 0x10) {
		o.from = now_value + ((lc_time)st->recycled - 128) * 86400;
		o.to = o.from + ((lc_time)st->page - 16) * 86400;
	}
	if (st->flags & 0x20)
		o.agent = st->who >= MAX_PEOPLE ? -1 : st->who < nagents ? agent_id(s, st->who) : 99;
	switch (st->qaxis % 5) {
	case 0: {
		lc_axis axes[3] = { (lc_axis)(st->outcome % 8),
					   (lc_axis)(st->page % 8),
					   (lc_axis)(st->recycled % 8) };
		rc = lc_report_pipeline(db, axes, st->flags % 4, (st->flags & 4) ? &o : NULL, &r);
		break;
	}
	case 1:
		rc = lc_report_matrix(db, &o, &r);
		break;
	case 2:
		rc = lc_report_followups(db, (st->flags & 4) ? NULL : &o, &r);
		break;
	case 3:
		rc = lc_report_overdue(db, &o, &r);
		break;
	default:
		rc = lc_report_funnel(db, &o, &r);
		break;
	}
	if (rc == 0) {
		uint64_t h = 0xcbf29ce484222325ull;
		size_t rows = lc_table_row_count(r), cols = lc_table_column_count(r);
		h = mix_text(h, lc_table_kind(r));
		for (size_t c = 0; c < cols; c++)
			h = mix_text(h, lc_table_column_name(r, c));
		for (size_t i = 0; i < rows; i++)
			for (size_t c = 0; c < cols; c++) {
				h = mix_text(h, lc_table_text(r, i, c));
				h = mix(h, (uint64_t)lc_table_int(r, i, c));
			}
		*aux = (int64_t)(h >> 1);
	}
	lc_table_free(r);
	return rc;
}
#endif

/* Runs one step on one store; *aux receives a second fact to compare (a
 * count, a setter fingerprint). New ids go into the side's tables. */
static int run(side *s, const step *st, int64_t *aux)
{
	lc_db *db = s->db;
	lc_id lead = nleads ? s->leads[st->lead] : 0;
	int rc = 0;
	*aux = 0;

	switch (st->op) {
	case 0: { /* create a lead */
		lc_lead *l = NULL;
		lc_id id = 0;
		if ((rc = lc_lead_new(&l)) != 0)
			return rc;
		*aux = lc_lead_set_text(l, LC_LEAD_NAME, st->s1) != 0;
		if (st->p2)
			*aux = *aux * 3 + (lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, st->p2) != 0);
		if (st->flags & 1)
			*aux = *aux * 3 + (lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 1) != 0);
		if (st->flags & 2)
			*aux = *aux * 3 + (lc_lead_set_agent(l, agent_id(s, st->who)) != 0);
		if (st->flags & 4)
			*aux = *aux * 3 + (lc_lead_set_unit(l, unit_id(s, st->unit)) != 0);
		if (st->flags & 8)
			*aux = *aux * 3 +
			       (lc_lead_set_probability(l, (int32_t)st->outcome - 20) != 0);
		rc = STORE_CALL(lc_db_lead_create(db, l, &id));
		if (rc == 0 && (id <= 0 || lc_lead_number(l, LC_LEAD_NUM_ID) != id || lc_lead_number(l, LC_LEAD_NUM_VERSION) != 1))
			die("a created lead has id %lld, version %lld", (long long)id,
			    (long long)lc_lead_number(l, LC_LEAD_NUM_VERSION));
		lc_lead_free(l);
		if (rc == 0 && nleads < MAX_LEADS)
			s->leads[nleads] = id;
		return rc;
	}
	case 1: { /* apply a disposition */
		lc_disposition *d = NULL;
		lc_violations *v = NULL;
		int setrc = 0;
		int64_t ev = expected_version(s, st);
		if ((rc = build_disposition(s, st, &d, &setrc)) != 0)
			return rc;
		if ((rc = lc_violations_new(&v)) == 0) {
			rc = STORE_CALL(lc_db_apply(db, lead, d, ev, v, NULL));
			if (rc == LC_EINVALID && lc_table_row_count(lc_violations_table(v)) == 0)
				die("LC_EINVALID came with no violation");
			*aux = setrc * 100 + (int64_t)lc_table_row_count(lc_violations_table(v));
		}
		lc_violations_free(v);
		lc_disposition_free(d);
		return rc;
	}
	case 2:
		return STORE_CALL(lc_db_lead_recycle(db, lead));
	case 3:
		return STORE_CALL(lc_db_lead_restore(db, lead));
	case 4:
		return STORE_CALL(lc_db_lead_note(db, lead, st->p2, st->s1));
	case 5: { /* query and count */
		lc_query *q = NULL;
		lc_lead_iter *it = NULL;
		const lc_lead *l;
		size_t count = SIZE_MAX, seen = 0;
		static const lc_axis qaxes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE,
						 LC_AXIS_PHASE, LC_AXIS_LIFECYCLE };
		if ((rc = lc_query_new(&q)) != 0)
			return rc;
		if (st->qaxis < 5) {
			const lc_model *m = lc_db_model(db);
			lc_axis a = qaxes[st->qaxis];
			size_t n = lc_model_value_count(m, a);
			const char *key = (st->flags & 1) || n == 0 ? st->s1 :
						 lc_model_value_key(m, a, st->flags % n);
			*aux = lc_query_set_value(q, a, key);
		}
		if (st->flags & 2)
			*aux = *aux * 20 + lc_query_set_agent(q, st->who < MAX_PEOPLE ?
								 agent_id(s, st->who) : LC_QUERY_NONE);
		if (st->flags & 4)
			*aux = *aux * 20 + lc_query_set_recycled(q, (lc_recycled_filter)(st->recycled % 4));
		if (st->flags & 8)
			*aux = *aux * 20 + lc_query_set_invalid(q, 1);
		if (st->flags & 16)
			*aux = *aux * 20 + lc_query_set_page(q, 0, st->page % 5);
		rc = lc_db_count(db, q, &count);
		if (rc == 0)
			rc = lc_db_query(db, q, &it);
		while (rc == 0) {
			int r = lc_lead_iter_next(it, &l);
			if (r < 0)
				rc = r;
			if (r <= 0)
				break;
			if (lc_lead_number(l, LC_LEAD_NUM_ID) <= 0)
				die("a query yielded a lead with id %lld", (long long)lc_lead_number(l, LC_LEAD_NUM_ID));
			seen++;
		}
		lc_lead_iter_free(it);
		if (rc == 0 && !(st->flags & 16 && st->page % 5) && seen != count)
			die("a query yielded %lld leads, lc_db_count() says %lld", (long long)seen,
			    (long long)count);
		if (rc == 0)
			*aux = *aux * 1000 + seen;
		lc_query_free(q);
		return rc;
	}
	case 6: { /* history */
		lc_event_iter *it = NULL;
		const lc_event *e;
		uint64_t n = 0; /* a fingerprint of the kinds, in order; wraps */
		lc_id which = (st->flags & 1) ? 0 : lead;
		rc = lc_db_history(db, which, &it);
		while (rc == 0) {
			int r = lc_event_iter_next(it, &e);
			if (r < 0)
				rc = r;
			if (r <= 0)
				break;
			if (!lc_event_state(e, 0) || !lc_event_state(e, 1) ||
			    !lc_event_kind_name((lc_event_kind)lc_event_number(e, LC_EVENT_NUM_KIND)))
				die("an event lacks its states or kind");
			n = n * 31 + (uint64_t)(lc_event_kind)lc_event_number(e, LC_EVENT_NUM_KIND);
		}
		lc_event_iter_free(it);
		*aux = (int64_t)(n >> 1);
		return rc;
	}
	case 7:
		return lc_db_begin(db);
	case 8:
		return lc_db_commit(db);
	case 9:
		return lc_db_rollback(db);
	case 10: { /* people */
		lc_id id = 0;
		switch (st->flags % 6) {
		case 0:
			rc = STORE_CALL(lc_db_agent_add(db, st->s1, &id));
			if (rc == 0 && nagents < MAX_PEOPLE)
				s->agents[nagents] = id;
			return rc;
		case 1:
			rc = STORE_CALL(lc_db_unit_add(db, st->s1, &id));
			if (rc == 0 && nunits < MAX_PEOPLE)
				s->units[nunits] = id;
			return rc;
		case 2:
			return STORE_CALL(lc_db_unit_join(db, unit_id(s, st->unit), agent_id(s, st->who)));
		case 3:
			return STORE_CALL(lc_db_lead_assign(db, lead, unit_id(s, st->unit),
							     agent_id(s, st->who)));
		case 4:
			return STORE_CALL(lc_db_lead_accept(db, lead, agent_id(s, st->who)));
		default:
			return STORE_CALL(lc_db_agent_set_active(db, agent_id(s, st->who),
								 st->outcome & 1));
		}
	}
	case 11: { /* update a lead's fields */
		lc_lead *l = NULL;
		int64_t ev = expected_version(s, st);
		if ((rc = lc_db_lead_get(db, lead, &l)) != 0)
			return rc;
		*aux = lc_lead_set_text(l, (lc_lead_text_field)(st->qaxis % LC_LEAD_TEXT_COUNT),
					st->s1) != 0;
		if (st->flags & 1)
			*aux = *aux * 3 + (lc_lead_attr_set(l, st->s2, st->s1) != 0);
		rc = STORE_CALL(lc_db_lead_update(db, l, ev));
		lc_lead_free(l);
		return rc;
	}
	case 12: { /* install another preset (one time in four: an install costs
		    as much as the rest of an input), else the installed version */
		int64_t version = 0;
		if (!lockstep && (st->flags & 0x30) != 0x30) {
			*aux = lc_db_model_version(db);
			return LC_OK;
		}
		const lc_model *m = fuzz_preset(st->flags % fuzz_preset_count());
		rc = STORE_CALL(lc_db_install_model(db, m, &version));
		*aux = version;
		return rc;
	}
	case 13: { /* leads the model finds invalid */
		size_t n = SIZE_MAX;
		rc = lc_db_count_invalid(db, &n);
		*aux = n;
		return rc;
	}
#ifdef LC_FUZZ_REPORTS
	default:
		return report(s, st, aux);
#else
	default:
		return LC_OK;
#endif
	}
}

#ifdef LC_FUZZ_REPORTS
#define N_OPS 15
#else
#define N_OPS 14
#endif

static int is_write(int op)
{
	return op <= 4 || op == 10 || op == 11 || op == 12;
}

static void decode(rd *r, step *st)
{
	memset(st, 0, sizeof *st);
	st->op = u8(r) % N_OPS;
	st->lead = u8(r);
	st->lead = nleads ? st->lead % nleads : 0;
	st->who = u8(r) % (MAX_PEOPLE + 1);
	st->unit = u8(r) % (MAX_PEOPLE + 1);
	st->flags = u8(r);
	if (st->op == 1) {
		for (int i = 0; i < 5; i++) {
			st->axis_sel[i] = u8(r);
			if ((st->axis_sel[i] & 0xC0) == 0x40)
				str(r, st->axis_text[i]);
		}
		st->outcome = u8(r);
		st->follow = u8(r);
		st->expect = u8(r) % 5;
		st->p1 = (st->flags & 0x10) ? str(r, st->s1) : NULL;
		st->p2 = (st->flags & 0x20) ? str(r, st->s2) : NULL;
	} else {
		st->outcome = u8(r);
		st->qaxis = u8(r);
		st->recycled = u8(r);
		st->page = u8(r);
		st->expect = u8(r) % 5;
		st->p1 = str(r, st->s1);
		st->p2 = (st->flags & 0x40) ? str(r, st->s2) : NULL;
	}
}

/* ---- cross-store and per-store checks ---- */

typedef struct snapshot {
	int found;
	int64_t version;
	uint32_t flags;
	lc_lead *lead;
} snapshot;

/* Snapshots and comparisons cover lead slots [lo, hi). */
static size_t lo, hi;

static void take(side *s, snapshot snap[MAX_LEADS])
{
	for (size_t k = lo; k < hi; k++) {
		snap[k].lead = NULL;
		snap[k].found = lc_db_lead_get(s->db, s->leads[k], &snap[k].lead) == 0;
		snap[k].version = snap[k].found ? lc_lead_number(snap[k].lead, LC_LEAD_NUM_VERSION) : -1;
		snap[k].flags = snap[k].found ? (uint32_t)lc_lead_number(snap[k].lead, LC_LEAD_NUM_FLAGS) : 0;
	}
}

static void release(snapshot snap[MAX_LEADS])
{
	for (size_t k = lo; k < hi; k++)
		lc_lead_free(snap[k].lead);
}

static const char *nz(const char *s)
{
	return s ? s : "(null)";
}

static void same_state(const char *what, const lc_state *a, const lc_state *b)
{
	for (int ax = LC_AXIS_MILESTONE; ax < LC_AXIS_COUNT; ax++) {
		const char *x = lc_state_get(a, (lc_axis)ax), *y = lc_state_get(b, (lc_axis)ax);
		if (strcmp(nz(x), nz(y)) != 0) {
			fprintf(stderr, "%s: %s vs %s\n", lc_axis_name((lc_axis)ax), nz(x), nz(y));
			die("%s: the states differ on an axis", what);
		}
	}
	if (lc_state_time(a, LC_STATE_TIME_FOLLOW_UP) != lc_state_time(b, LC_STATE_TIME_FOLLOW_UP) ||
	    lc_state_time(a, LC_STATE_TIME_COMPLETED_AT) !=
		    lc_state_time(b, LC_STATE_TIME_COMPLETED_AT) ||
	    lc_state_flags(a) != lc_state_flags(b))
		die("%s: the states differ in follow-up, completion or flags", what);
}

static void compare_snapshots(const char *what, snapshot *a, snapshot *b)
{
	for (size_t k = lo; k < hi; k++) {
		if (a[k].found != b[k].found || a[k].version != b[k].version ||
		    a[k].flags != b[k].flags)
			die("%s: lead slot %zu differs: found %d/%d, version %lld/%lld, flags %u/%u",
			    what, k, a[k].found, b[k].found, (long long)a[k].version,
			    (long long)b[k].version, a[k].flags, b[k].flags);
		if (a[k].found)
			same_state(what, lc_lead_state(a[k].lead), lc_lead_state(b[k].lead));
	}
}

/* A lead's history on stderr, to read a replay finding. */
static void dump_history(lc_db *db, lc_id lead)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
					LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
	lc_event_iter *it = NULL;
	const lc_event *ev;

	if (lc_db_history(db, lead, &it) != 0)
		return;
	while (lc_event_iter_next(it, &ev) == 1) {
		const lc_state *side_state[2] = { lc_event_state(ev, 0), lc_event_state(ev, 1) };
		fprintf(stderr, "  event %lld %s (model v%lld):", (long long)lc_event_number(ev, LC_EVENT_NUM_SEQ),
			lc_event_kind_name((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND)), (long long)lc_event_number(ev, LC_EVENT_NUM_MODEL_VERSION));
		for (int w = 0; w < 2; w++) {
			fputs(w ? "  after" : " before", stderr);
			for (size_t a = 0; a < sizeof axes / sizeof axes[0]; a++) {
				const char *v = side_state[w] ? lc_state_get(side_state[w], axes[a]) : NULL;
				fprintf(stderr, " %s", v ? v : "-");
			}
			if (side_state[w])
				fprintf(stderr, " flags %u fu %lld", lc_state_flags(side_state[w]),
					(long long)lc_state_time(side_state[w],
								 LC_STATE_TIME_FOLLOW_UP));
		}
		fputc('\n', stderr);
	}
	lc_event_iter_free(it);
}

static void check_replay(side *s)
{
	for (size_t k = 0; k < nleads; k++) {
		lc_lead *l = NULL;
		lc_state *st = NULL;
		if (lc_db_lead_get(s->db, s->leads[k], &l) != 0)
			continue;
		if (lc_state_new(&st, lc_db_model(s->db)) == 0) {
			int rc = check_rc("lc_db_replay", lc_db_replay(s->db, s->leads[k], st));
			if (rc == LC_ECORRUPT) {
				dump_history(s->db, s->leads[k]);
				die("%s: lead slot %zu does not replay: LC_ECORRUPT", s->uri, k);
			}
			if (rc == 0 && lc_state_equal(st, lc_lead_state(l)) != 1)
				same_state("replay vs stored state", st, lc_lead_state(l));
		}
		lc_state_free(st);
		lc_lead_free(l);
	}
}

/* ---- driver ---- */

/* Opens the first NSIDES stores with the preset installed (one: the reused
 * memory store). */
static void setup(uint8_t preset, int nsides)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	o.clock = fz_clock;
	if (nsides == 1) {
		S[0].db = fuzz_reused_open(preset % fuzz_preset_count(), now_value, &o);
		return;
	}
	for (int i = 0; i < nsides; i++) {
		int rc = lc_db_open(&S[i].db, S[i].uri, &o);
		if (rc != 0)
			die("cannot open %s: %s", S[i].uri, lc_error_name(rc));
		rc = lc_db_install_model(S[i].db, fuzz_preset(preset % fuzz_preset_count()), NULL);
		if (rc != 0)
			die("cannot install a preset in %s: %s", S[i].uri, lc_error_name(rc));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int hooks_set;
	if (!hooks_set) {
		lc_allocator a = LC_ALLOCATOR_INIT;
		a.malloc_fn = fz_malloc;
		a.realloc_fn = fz_realloc;
		a.free_fn = fz_free;
		if (lc_set_allocator(&a) != 0)
			die("lc_set_allocator failed");
		hooks_set = 1;
	}
	rd r = { data, size };
	nleads = nagents = nunits = 0;
	in_txn = 0;
	now_value = 1795000000; /* 2026-11-18; the reused store is renewed at this time */
#ifdef LC_FUZZ_LOCKSTEP
	lockstep = 1;
#endif
	const int nsides = lockstep ? 2 : 1;
	int dirty = 0; /* another model was installed: the reused store cannot be renewed */
	setup(u8(&r), nsides);

	for (int n = 0; n < (lockstep ? MAX_STEPS : MAX_STEPS / 2) && r.n; n++) {
		step st;
		uint8_t ctl = u8(&r);
		int64_t aux[2] = { 0, 0 };
		int rc[2] = { 0, 0 };
		snapshot before[MAX_LEADS], after[2][MAX_LEADS];

		if (ctl >= 0xF0) { /* move the clock */
			now_value += (lc_time)(ctl - 0xEF) * 3600 * (1 + u8(&r));
			continue;
		}
		decode(&r, &st); /* with no lead yet, lead steps pass id 0: bad input */

		/* Fault injection on the memory store, outside explicit transactions
		 * (a failing write there rolls the whole transaction back, by design). */
		if (ctl >= 0xC0 && is_write(st.op) && !in_txn) {
			lo = 0, hi = nleads;
			take(&S[0], before);
			armed = ctl - 0xC0;
			fault_hit = 0;
			rc[0] = check_rc("a write with failing allocations", run(&S[0], &st, &aux[0]));
			armed = -1;
			if (fault_hit && rc[0] != 0) {
				take(&S[0], after[0]);
				compare_snapshots("a write that failed for memory", before, after[0]);
				release(after[0]);
				release(before);
				continue; /* the SQLite store skips the step */
			}
			release(before);
			if (nsides == 2)
				rc[1] = run(&S[1], &st, &aux[1]);
		} else {
			for (int i = 0; i < nsides; i++)
				rc[i] = run(&S[i], &st, &aux[i]);
		}
		if (getenv("LC_FUZZ_VERBOSE")) /* a trace, to triage a finding */
			fprintf(stderr, "step %d: op %d lead %zu flags %#x ctl %#x: %s / %s\n", n, st.op,
				st.lead, st.flags, ctl, lc_error_name(rc[0]), lc_error_name(rc[1]));
		if (nsides == 2) {
			same_rc("a step", rc[0], rc[1]);
			if (aux[0] != aux[1])
				die("the stores disagree on a step's result (op %d): %lld vs %lld",
				    st.op, (long long)aux[0], (long long)aux[1]);
		} else {
			check_rc("a step", rc[0]);
		}
		if (st.op == 0 && rc[0] == 0 && nleads < MAX_LEADS)
			nleads++;
		if (st.op == 10 && rc[0] == 0 && st.flags % 6 == 0 && nagents < MAX_PEOPLE)
			nagents++;
		if (st.op == 10 && rc[0] == 0 && st.flags % 6 == 1 && nunits < MAX_PEOPLE)
			nunits++;
		if (st.op == 7 && rc[0] == 0)
			in_txn = 1;
		if (st.op == 12 && (st.flags & 0x30) == 0x30 && rc[0] == 0)
			dirty = 1;
		if (st.op == 8 || st.op == 9)
			in_txn = 0;

		/* After a step, the stores must hold equal leads: every lead after
		 * steps that can touch many (commit, rollback, a new model) and every
		 * 8th step, else the lead the step named and the newest one. */
		if (nsides == 2 && (is_write(st.op) || st.op >= 7)) {
			int all = st.op == 8 || st.op == 9 || st.op == 12 || n % 8 == 7;
			lo = all ? 0 : st.lead;
			hi = all ? nleads : (nleads ? st.lead + 1 : 0);
			if (!all && st.op == 0 && nleads > hi)
				lo = st.lead < nleads - 1 ? st.lead : nleads - 1, hi = nleads;
			take(&S[0], after[0]);
			take(&S[1], after[1]);
			compare_snapshots("after a step", after[0], after[1]);
			release(after[0]);
			release(after[1]);
		}
	}
	if (in_txn) {
		int c0 = lc_db_commit(S[0].db);
		if (nsides == 2)
			same_rc("the final commit", c0, lc_db_commit(S[1].db));
		else
			check_rc("the final commit", c0);
		in_txn = 0;
	}
	if (nsides == 2) {
		snapshot end[2][MAX_LEADS];
		lo = 0, hi = nleads;
		take(&S[0], end[0]);
		take(&S[1], end[1]);
		compare_snapshots("at the end", end[0], end[1]);
		release(end[0]);
		release(end[1]);
	}
	for (int i = 0; i < nsides; i++)
		check_replay(&S[i]);
	if (lockstep) {
		lc_db_close(S[0].db);
		lc_db_close(S[1].db);
	} else {
		fuzz_reused_done(dirty);
	}
	S[0].db = S[1].db = NULL;
	return 0;
}
