/* engine: states, dispositions, validation and transitions.
 *
 * The models here are built by hand, field by field, so that each rule the
 * engine knows is exercised on a small model made for it; the preset models
 * are covered by the presets suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "engine/engine_internal.h"
#include "leadcore/leadcore.h"
#include "model/model_internal.h"

#define T0 ((lc_time)1795000000) /* the time of every event here */
#define DAY ((lc_time)86400)

/* ---- hand-built models ---- */

typedef struct tval {
	const char *key;
	const char *label;
	uint32_t flags;
	int32_t parent;
	uint32_t requires;
	uint64_t blocks;
	uint32_t outcomes;
	bool lost;
} tval;

#define OUT(o) (1u << LC_OUTCOME_##o)

static lc_model *model_new(const char *name)
{
	lc_model *m = lc__calloc(1, sizeof *m);
	assert_non_null(m);
	m->name = lc__strdup(name);
	m->description = lc__strdup("");
	m->version = 1;
	m->outcome_axis = -1;
	m->max_skip = -1;
	return m;
}

static void axis_set(lc_model *m, lc_axis ax, const tval *vals, size_t n)
{
	lc_axis_values *a = &m->axes[ax];
	a->v = lc__calloc(n, sizeof *a->v);
	a->n = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		lc_value *v = &a->v[i];
		v->key = lc__strdup(vals[i].key);
		v->label = lc__strdup(vals[i].label ? vals[i].label : vals[i].key);
		v->description = lc__strdup("");
		v->flags = vals[i].flags;
		v->parent = vals[i].parent;
		v->requires = vals[i].requires;
		v->blocks = vals[i].blocks;
		v->reason_outcomes = vals[i].outcomes;
		v->lost_reason = vals[i].lost;
	}
}

/* Every milestone allows every status until link_only() says otherwise. */
static void links_all(lc_model *m)
{
	size_t nm = m->axes[LC_AXIS_MILESTONE].n, ns = m->axes[LC_AXIS_STATUS].n;
	m->links = lc__malloc(nm * ns > 0 ? nm * ns : 1);
	memset(m->links, 1, nm * ns);
	m->linked = lc__calloc(nm ? nm : 1, sizeof *m->linked);
}

static void link_only(lc_model *m, int32_t ms, const int32_t *sts, size_t n)
{
	size_t ns = m->axes[LC_AXIS_STATUS].n;
	memset(m->links + (size_t)ms * ns, 0, ns);
	for (size_t i = 0; i < n; i++)
		m->links[(size_t)ms * ns + (size_t)sts[i]] = 1;
	m->linked[ms] = true;
}

/* lm: a lead manager. Actions, milestones and statuses with links, follow-up
 * and note requirements, blocks, deprecated values, a terminal milestone and
 * a transition table on milestones. */
enum { LM_CALL, LM_EMAIL, LM_MEETING, LM_UPDATE, LM_FAX };
enum { MS_NEW, MS_CONTACTED, MS_QUOTED, MS_SOLD };
enum { ST_NEW, ST_HOT, ST_FOLLOW_UP, ST_NOT_INTERESTED, ST_DNC, ST_AT_RISK, ST_CLOSED };

static lc_model *make_lm(void)
{
	static const tval actions[] = {
		{ "call", "Call", LC_FLAG_CONTACT | LC_FLAG_PHONE, -1, 0, 0, 0, false },
		{ "email", "Email", LC_FLAG_CONTACT | LC_FLAG_EMAIL, -1, 0, 0, 0, false },
		{ "meeting", "Meeting", LC_FLAG_CONTACT, -1, 0, 0, 0, false },
		{ "lead_update", "Lead Update", 0, -1, 0, 0, 0, false },
		{ "fax", "Fax", LC_FLAG_CONTACT | LC_FLAG_DEPRECATED, -1, 0, 0, 0, false },
	};
	static const tval milestones[] = {
		{ "new", "New", 0, -1, 0, 0, 0, false },
		{ "contacted", "Contacted", 0, -1, 0, 0, 0, false },
		{ "quoted", "Quoted", 0, -1, 0, 0, 0, false },
		{ "sold", "Sold", LC_FLAG_TERMINAL, -1, 0, 0, 0, false },
	};
	static const tval statuses[] = {
		{ "new", "New", 0, -1, 0, 0, 0, false },
		{ "hot", "Hot", 0, -1, LC_REQ_FOLLOW_UP, 0, 0, false },
		{ "follow_up", "Follow Up", 0, -1, LC_REQ_FOLLOW_UP, 0, 0, false },
		{ "not_interested", "Not Interested", 0, -1, LC_REQ_NOTE, 0, 0, false },
		{ "do_not_call_number", "Do Not Call Number", 0, -1, 0, 1u << LM_CALL, 0, false },
		{ "lead_at_risk", "Lead at Risk", LC_FLAG_DEPRECATED, -1, 0, 0, 0, false },
		{ "closed", "Closed", 0, -1, 0, 0, 0, false },
	};
	static const int32_t quoted[] = { ST_HOT, ST_FOLLOW_UP };
	lc_model *m = model_new("lm");
	uint32_t n;

	axis_set(m, LC_AXIS_ACTION, actions, LC_ARRAY_LEN(actions));
	axis_set(m, LC_AXIS_MILESTONE, milestones, LC_ARRAY_LEN(milestones));
	axis_set(m, LC_AXIS_STATUS, statuses, LC_ARRAY_LEN(statuses));
	links_all(m);
	link_only(m, MS_QUOTED, quoted, LC_ARRAY_LEN(quoted));
	/* Milestones may move anywhere except from contacted back to new. */
	n = m->axes[LC_AXIS_MILESTONE].n;
	m->axes[LC_AXIS_MILESTONE].transitions = lc__malloc(n * n);
	memset(m->axes[LC_AXIS_MILESTONE].transitions, 1, n * n);
	m->axes[LC_AXIS_MILESTONE].transitions[MS_CONTACTED * n + MS_NEW] = 0;
	return m;
}

/* pt: ordered stages in phases, outcomes with a skip cap, reasons that lead
 * to closed stages, a repeatable stage and a stage that ends contact. */
enum { PT_CALL, PT_EMAIL, PT_UPDATE };
enum { PH_LEAD, PH_OPP, PH_CUSTOMER, PH_CLOSED };
enum {
	SG_ENQUIRY,
	SG_CONTACT,
	SG_ENGAGED,
	SG_SELECTED,
	SG_COMMITTED,
	SG_SETTLED,
	SG_CHECK_IN,
	SG_NURTURE,
	SG_PROBLEM,
	SG_LIMBO
};
enum { RS_NOT_READY, RS_NOT_GENUINE, RS_VAGUE };

static lc_model *make_pt(void)
{
	static const tval actions[] = {
		{ "call", "Call", LC_FLAG_CONTACT | LC_FLAG_PHONE, -1, 0, 0, 0, false },
		{ "email", "Email", LC_FLAG_CONTACT | LC_FLAG_EMAIL, -1, 0, 0, 0, false },
		{ "lead_update", "Lead Update", 0, -1, 0, 0, 0, false },
	};
	static const tval phases[] = {
		{ "lead", "Lead", 0, -1, 0, 0, 0, false },
		{ "opportunity", "Opportunity", 0, -1, 0, 0, 0, false },
		{ "customer", "Customer", 0, -1, 0, 0, 0, false },
		{ "closed", "Closed", LC_FLAG_CLOSED, -1, 0, 0, 0, false },
	};
	static const tval stages[] = {
		{ "enquiry", "Enquiry", 0, PH_LEAD, 0, 0, 0, false },
		{ "contact", "Contact", 0, PH_LEAD, 0, 0, 0, false },
		{ "engaged", "Engaged", 0, PH_OPP, 0, 0, 0, false },
		{ "selected", "Selected", 0, PH_OPP, 0, 0, 0, false },
		{ "committed", "Committed", 0, PH_OPP, 0, 0, 0, false },
		{ "settled", "Settled", 0, PH_CUSTOMER, 0, 0, 0, false },
		{ "check_in", "Periodic Check-in", LC_FLAG_REPEATABLE, PH_CUSTOMER, 0, 0, 0, false },
		{ "nurture", "Nurture", 0, PH_CLOSED, 0, 0, 0, false },
		{ "problem", "Problem", LC_FLAG_CLOSED | LC_FLAG_ENDS_CONTACT, PH_CLOSED, 0, 0, 0,
		  false },
		/* no phase, not closed: exiting cannot end here */
		{ "limbo", "Limbo", 0, -1, 0, 0, 0, false },
	};
	static const tval reasons[] = {
		{ "not_ready", "Not Ready Yet", 0, SG_NURTURE, 0, 0, OUT(EXITING), false },
		{ "not_genuine", "Not Genuine", 0, SG_PROBLEM, 0, 0, OUT(PROBLEM), false },
		{ "vague", "Vague", 0, -1, 0, 0, OUT(EXITING) | OUT(PROBLEM), false },
	};
	lc_model *m = model_new("pt");

	axis_set(m, LC_AXIS_ACTION, actions, LC_ARRAY_LEN(actions));
	axis_set(m, LC_AXIS_PHASE, phases, LC_ARRAY_LEN(phases));
	axis_set(m, LC_AXIS_STAGE, stages, LC_ARRAY_LEN(stages));
	axis_set(m, LC_AXIS_REASON, reasons, LC_ARRAY_LEN(reasons));
	links_all(m);
	m->outcome_axis = LC_AXIS_STAGE;
	m->max_skip = 2;
	m->outcome_required = true;
	return m;
}

/* crm: statuses in life-cycle states, action-gated crossings, lost reasons,
 * a completed state that is stamped and a terminal status left by reopen. */
enum { CR_CALL, CR_UPDATE, CR_WIN, CR_LOSE, CR_COMPLETE, CR_REOPEN };
enum { LC_OPEN, LC_WON, LC_LOST, LC_DONE };
enum { CS_NEW, CS_WORKING, CS_WON, CS_LOST, CS_DONE };
enum { CRS_PRICE, CRS_OTHER, CRS_EXIT_ONLY };

static lc_model *make_crm(void)
{
	static const tval actions[] = {
		{ "call", "Call", LC_FLAG_CONTACT | LC_FLAG_PHONE, -1, 0, 0, 0, false },
		{ "lead_update", "Lead Update", 0, -1, 0, 0, 0, false },
		{ "win_lead", "Win Lead", 0, -1, 0, 0, 0, false },
		{ "lose_lead", "Lose Lead", 0, -1, 0, 0, 0, false },
		{ "complete", "Complete", 0, -1, 0, 0, 0, false },
		{ "reopen", "Reopen", 0, -1, 0, 0, 0, false },
	};
	static const tval lifecycles[] = {
		{ "open", "Open", 0, -1, 0, 0, 0, false },
		{ "won", "Won", LC_FLAG_WON, -1, 0, 0, 0, false },
		{ "lost", "Lost", LC_FLAG_LOST, -1, 0, 0, 0, false },
		{ "completed", "Completed", LC_FLAG_COMPLETED, -1, 0, 0, 0, false },
	};
	static const tval statuses[] = {
		{ "new", "New", 0, LC_OPEN, 0, 0, 0, false },
		{ "working", "Working", 0, LC_OPEN, 0, 0, 0, false },
		{ "won", "Won", 0, LC_WON, 0, 0, 0, false },
		{ "lost", "Lost", 0, LC_LOST, LC_REQ_REASON, 0, 0, false },
		{ "done", "Done", LC_FLAG_TERMINAL, LC_DONE, 0, 0, 0, false },
	};
	static const tval reasons[] = {
		{ "price", "Price", 0, -1, 0, 0, 0, true },
		{ "other", "Other", 0, -1, LC_REQ_NOTE, 0, 0, true },
		{ "exit_only", "Exit Only", 0, -1, 0, 0, 0, false },
	};
	static const lc_crossing crossings[] = {
		{ CR_WIN, LC_OPEN, LC_WON },    { CR_LOSE, LC_OPEN, LC_LOST },
		{ CR_LOSE, LC_WON, LC_LOST },   { CR_COMPLETE, LC_WON, LC_DONE },
		{ CR_REOPEN, -1, LC_OPEN },
	};
	lc_model *m = model_new("crm");

	axis_set(m, LC_AXIS_ACTION, actions, LC_ARRAY_LEN(actions));
	axis_set(m, LC_AXIS_LIFECYCLE, lifecycles, LC_ARRAY_LEN(lifecycles));
	axis_set(m, LC_AXIS_STATUS, statuses, LC_ARRAY_LEN(statuses));
	axis_set(m, LC_AXIS_REASON, reasons, LC_ARRAY_LEN(reasons));
	links_all(m);
	m->crossings = lc__malloc(sizeof crossings);
	memcpy(m->crossings, crossings, sizeof crossings);
	m->ncrossings = LC_ARRAY_LEN(crossings);
	return m;
}

/* ---- fixture: one model, a state, a next state, a disposition, a list ---- */

typedef struct fx {
	lc_model *m;
	lc_state *cur, *next;
	lc_disposition *d;
	lc_violations *v;
} fx;

static fx *fx_new(lc_model *m)
{
	fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->m = m;
	assert_int_equal(lc_state_new(&f->cur, m), 0);
	assert_int_equal(lc_state_new(&f->next, m), 0);
	assert_int_equal(lc_disposition_new(&f->d, m), 0);
	assert_int_equal(lc_violations_new(&f->v), 0);
	return f;
}

static void fx_free(fx *f)
{
	lc_violations_free(f->v);
	lc_disposition_free(f->d);
	lc_state_free(f->next);
	lc_state_free(f->cur);
	lc_model_free(f->m);
	free(f);
}

static int setup_lm(void **state)
{
	*state = fx_new(make_lm());
	return 0;
}
static int setup_pt(void **state)
{
	*state = fx_new(make_pt());
	return 0;
}
static int setup_crm(void **state)
{
	*state = fx_new(make_crm());
	return 0;
}
static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

/* Set state/disposition fields; NULL leaves the axis alone. */
static void cur_set(fx *f, const char *ms, const char *st, const char *stage)
{
	if (ms)
		assert_int_equal(lc_state_set(f->cur, LC_AXIS_MILESTONE, ms), 0);
	if (st)
		assert_int_equal(lc_state_set(f->cur, LC_AXIS_STATUS, st), 0);
	if (stage)
		assert_int_equal(lc_state_set(f->cur, LC_AXIS_STAGE, stage), 0);
}

static void d_set(fx *f, const char *action, const char *ms, const char *st, const char *stage)
{
	lc_disposition_reset(f->d);
	if (action)
		assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, action), 0);
	if (ms)
		assert_int_equal(lc_disposition_set(f->d, LC_AXIS_MILESTONE, ms), 0);
	if (st)
		assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, st), 0);
	if (stage)
		assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STAGE, stage), 0);
}

static int validate(fx *f)
{
	return lc_validate(f->m, f->cur, f->d, T0, f->v);
}

/* How many violations of `code` the last validation listed. */
static size_t has(const fx *f, int code)
{
	size_t k = 0;
	for (size_t i = 0; i < lc_table_row_count(lc_violations_table(f->v)); i++)
		if ((int)lc_table_int(lc_violations_table(f->v), i, 0) == code)
			k++;
	return k;
}

static const char *message_of(const fx *f, int code)
{
	for (size_t i = 0; i < lc_table_row_count(lc_violations_table(f->v)); i++)
		if ((int)lc_table_int(lc_violations_table(f->v), i, 0) == code)
			return lc_table_text(lc_violations_table(f->v), i, 3);
	return NULL;
}

static const char *field_of(const fx *f, int code)
{
	for (size_t i = 0; i < lc_table_row_count(lc_violations_table(f->v)); i++)
		if ((int)lc_table_int(lc_violations_table(f->v), i, 0) == code)
			return lc_table_text(lc_violations_table(f->v), i, 2);
	return NULL;
}

/* Valid, with an empty list. */
static void assert_valid(fx *f)
{
	int rc = validate(f);
	if (rc != 0)
		for (size_t i = 0; i < lc_table_row_count(lc_violations_table(f->v)); i++)
			print_message("unexpected: %s %s: %s\n",
				      lc_table_text(lc_violations_table(f->v), i, 1),
				      lc_table_text(lc_violations_table(f->v), i, 2), lc_table_text(lc_violations_table(f->v), i, 3));
	assert_int_equal(rc, 0);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 0);
}

/* Refused with exactly this one violation. */
static void assert_only(fx *f, int code)
{
	int rc = validate(f);
	if (lc_table_row_count(lc_violations_table(f->v)) != 1 || (int)lc_table_int(lc_violations_table(f->v), 0, 0) != code)
		for (size_t i = 0; i < lc_table_row_count(lc_violations_table(f->v)); i++)
			print_message("got: %s %s: %s\n",
				      lc_table_text(lc_violations_table(f->v), i, 1),
				      lc_table_text(lc_violations_table(f->v), i, 2), lc_table_text(lc_violations_table(f->v), i, 3));
	assert_int_equal(rc, LC_EINVALID);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 1);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), code);
	assert_true(strlen(lc_table_text(lc_violations_table(f->v), 0, 3)) > 10);
	assert_non_null(lc_table_text(lc_violations_table(f->v), 0, 2));
}

/* ---- violation lists ---- */

/* The "violation" column holds each code's key from LC_VIOLATION_LIST. */
static void test_violation_keys(void **state)
{
	static const struct {
		int code;
		const char *key;
	} keys[] = {
#define KEY(name, value, key) { value, key },
		LC_VIOLATION_LIST(KEY)
#undef KEY
	};
	lc_violations *v = NULL;
	const lc_table *t;
	(void)state;

	assert_int_equal(lc_violations_new(&v), 0);
	for (size_t i = 0; i < LC_ARRAY_LEN(keys); i++)
		lc__violations_add(v, keys[i].code, "status", "m");
	lc__violations_add(v, LC__V_LAST + 1, "status", "m");
	t = lc_violations_table(v);
	assert_int_equal(lc_table_row_count(t), LC_ARRAY_LEN(keys) + 1);
	for (size_t i = 0; i < LC_ARRAY_LEN(keys); i++) {
		assert_int_equal(lc_table_int_named(t, i, "code"), keys[i].code);
		assert_string_equal(lc_table_text_named(t, i, "violation"), keys[i].key);
	}
	assert_string_equal(lc_table_text(t, 2, 1), "combination_not_allowed");
	assert_string_equal(lc_table_text(t, LC_ARRAY_LEN(keys), 1), "unknown");
	lc_violations_free(v);
}

static void test_violations_list(void **state)
{
	lc_violations *v = NULL;
	(void)state;

	assert_int_equal(lc_violations_new(NULL), LC_EINVAL);
	assert_int_equal(lc_violations_new(&v), 0);
	assert_string_equal(lc_table_kind(lc_violations_table(v)), "violations");
	assert_int_equal(lc_table_column_count(lc_violations_table(v)), 4);
	assert_string_equal(lc_table_column_name(lc_violations_table(v), 3), "message");
	assert_int_equal(lc_table_column_type(lc_violations_table(v), 0), LC_COLUMN_INT);
	assert_string_equal(lc_table_kind(lc_table_summary(lc_violations_table(v))), "summary");
	assert_int_equal(lc_table_row_count(lc_table_summary(lc_violations_table(v))), 1);
	assert_int_equal(lc_table_int_named(lc_table_summary(lc_violations_table(v)), 0, "dropped"), 0);
	assert_int_equal(lc_table_row_count(lc_violations_table(v)), 0);
	assert_null(lc_violations_table(NULL));
	assert_int_equal((int)lc_table_int(lc_violations_table(v), 0, 0), 0);
	assert_null(lc_table_text(lc_violations_table(v), 0, 2));
	assert_null(lc_table_text(lc_violations_table(v), 0, 3));
	assert_int_equal(lc_table_int(lc_violations_table(v), 0, 1), LC_TABLE_NONE); /* text column */

	/* Past the capacity entries are counted, not stored, and nothing overflows. */
	for (int i = 0; i < LC_VIOLATIONS_MAX + 8; i++)
		lc__violations_add(v, LC_V_NOTE_REQUIRED, "note", "violation %d %0300d", i, 7);
	assert_int_equal(lc_table_row_count(lc_violations_table(v)), LC_VIOLATIONS_MAX);
	assert_int_equal((size_t)lc_table_int(lc_table_summary(lc_violations_table(v)), 0, 0), 8);
	assert_int_equal(strlen(lc_table_text(lc_violations_table(v), LC_VIOLATIONS_MAX - 1, 3)),
			 LC_VIOLATION_MESSAGE_MAX - 1);
	assert_string_equal(lc_table_text(lc_violations_table(v), 3, 2), "note");
	assert_int_equal((int)lc_table_int(lc_violations_table(v), LC_VIOLATIONS_MAX, 0), 0);
	lc__violations_clear(v);
	assert_int_equal(lc_table_row_count(lc_violations_table(v)), 0);
	assert_int_equal((size_t)lc_table_int(lc_table_summary(lc_violations_table(v)), 0, 0), 0);
	lc_violations_free(v);
	lc_violations_free(NULL);
}

/* A full list from a previous call is cleared, and a refused disposition is
 * refused even when the caller passes no list at all. */
static void test_list_reuse(void **state)
{
	fx *f = *state;

	for (int i = 0; i < LC_VIOLATIONS_MAX + 3; i++)
		lc__violations_add(f->v, LC_V_TERMINAL, "status", "old");
	d_set(f, NULL, NULL, "hot", NULL);
	assert_int_equal(validate(f), LC_EINVALID);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 2); /* action, follow-up */
	assert_int_equal((size_t)lc_table_int(lc_table_summary(lc_violations_table(f->v)), 0, 0), 0);
	assert_int_equal(lc_validate(f->m, f->cur, f->d, T0, NULL), LC_EINVALID);
	assert_int_equal(lc_error_last_code(), LC_EINVALID);
	d_set(f, "call", NULL, NULL, NULL);
	assert_int_equal(lc_validate(f->m, f->cur, f->d, T0, NULL), 0);
}

/* ---- states ---- */

static void test_state_basics(void **state)
{
	fx *f = *state;
	lc_state *s = NULL;
	char longkey[LC_KEY_MAX + 2];

	assert_int_equal(lc_state_new(NULL, f->m), LC_EINVAL);
	assert_int_equal(lc_state_new(&s, NULL), LC_EINVAL);
	assert_null(s);
	lc_state_free(NULL);

	/* empty */
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		assert_null(lc_state_get(f->cur, (lc_axis)a));
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_FOLLOW_UP) == LC_TIME_NONE);
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_COMPLETED_AT) == LC_TIME_NONE);
	assert_int_equal(lc_state_flags(f->cur), 0);

	/* by key or label, any case */
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_MILESTONE, "QUOTED"), 0);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_MILESTONE), "quoted");
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STATUS, "do not call number"), 0);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_STATUS), "do_not_call_number");
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STATUS, "Hot"), 0);

	/* bad input leaves the value as it was */
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STATUS, "Hott"), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "Hott"));
	assert_non_null(strstr(lc_error_last(), "follow_up"));
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STATUS, "h\xc3"), LC_EINVAL);
	{
		char *big = malloc(LC_TEXT_MAX + 2);
		memset(big, 'h', LC_TEXT_MAX + 1);
		big[LC_TEXT_MAX + 1] = '\0';
		assert_int_equal(lc_state_set(f->cur, LC_AXIS_STATUS, big), LC_ERANGE);
		assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, big), LC_ERANGE);
		free(big);
	}
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_ACTION, "call"), LC_EINVAL);
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_REASON, "x"), LC_EINVAL);
	assert_int_equal(lc_state_set(f->cur, (lc_axis)99, "x"), LC_EINVAL);
	assert_int_equal(lc_state_set(NULL, LC_AXIS_STATUS, "hot"), LC_EINVAL);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_STATUS), "hot");
	assert_null(lc_state_get(NULL, LC_AXIS_STATUS));
	assert_null(lc_state_get(f->cur, LC_AXIS_ACTION));

	/* NULL clears */
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STATUS, NULL), 0);
	assert_null(lc_state_get(f->cur, LC_AXIS_STATUS));

	/* times and flags */
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, T0 + DAY), 0);
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_FOLLOW_UP) == T0 + DAY);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_COMPLETED_AT, T0), 0);
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_COMPLETED_AT) == T0);
	assert_int_equal(lc_state_set_time(NULL, LC_STATE_TIME_FOLLOW_UP, T0), LC_EINVAL);
	assert_int_equal(lc_state_set_time(NULL, LC_STATE_TIME_COMPLETED_AT, T0), LC_EINVAL);
	assert_true(lc_state_time(NULL, LC_STATE_TIME_FOLLOW_UP) == LC_TIME_NONE);
	assert_true(lc_state_time(NULL, LC_STATE_TIME_COMPLETED_AT) == LC_TIME_NONE);
	/* An unknown field is refused naming the call, and reads as no time. */
	assert_int_equal(lc_state_set_time(f->cur, (lc_state_time_field)7, T0), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "lc_state_set_time"));
	assert_true(lc_state_time(f->cur, (lc_state_time_field)7) == LC_TIME_NONE);
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_FOLLOW_UP) == T0 + DAY);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, LC_TIME_MAX + 1), LC_ERANGE);
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_FOLLOW_UP) == T0 + DAY);
	assert_int_equal(lc_state_set_flags(f->cur, LC_STATE_DO_NOT_CALL | LC_STATE_DO_NOT_EMAIL), 0);
	assert_int_equal(lc_state_flags(f->cur), LC_STATE_DO_NOT_CALL | LC_STATE_DO_NOT_EMAIL);
	assert_int_equal(lc_state_set_flags(f->cur, 1u << 7), LC_EINVAL);
	assert_int_equal(lc_state_flags(f->cur), LC_STATE_DO_NOT_CALL | LC_STATE_DO_NOT_EMAIL);
	assert_int_equal(lc_state_set_flags(NULL, 0), LC_EINVAL);
	assert_int_equal(lc_state_flags(NULL), 0);

	/* copy and equal */
	assert_int_equal(lc_state_equal(f->cur, f->next), 0);
	assert_int_equal(lc_state_copy(f->next, f->cur), 0);
	assert_int_equal(lc_state_equal(f->cur, f->next), 1);
	assert_int_equal(lc_state_equal(f->cur, f->cur), 1);
	lc_error_clear();
	assert_int_equal(lc_state_equal(NULL, f->cur), 0); /* never fails */
	assert_int_equal(lc_state_equal(f->cur, NULL), 0);
	assert_int_equal(lc_state_equal(NULL, NULL), 1);
	assert_int_equal(lc_error_last_code(), 0);
	assert_int_equal(lc_state_copy(NULL, f->cur), LC_EINVAL);
	assert_int_equal(lc_state_copy(f->next, NULL), LC_EINVAL);
	assert_int_equal(lc_state_set_time(f->next, LC_STATE_TIME_FOLLOW_UP, T0), 0);
	assert_int_equal(lc_state_equal(f->cur, f->next), 0);

	/* a state of another model */
	{
		lc_model *other = make_lm();
		assert_int_equal(lc_state_new(&s, other), 0);
		assert_int_equal(lc_state_copy(s, f->cur), LC_EINVAL);
		assert_non_null(strstr(lc_error_last(), "different models"));
		assert_int_equal(lc_state_equal(s, f->cur), 0);
		lc_state_free(s);
		lc_model_free(other);
	}

	/* raw keys read back from a store: kept when unknown */
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_STATUS, "legacy_status"), 0);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_STATUS), "legacy_status");
	assert_int_equal(lc__state_index(f->cur, LC_AXIS_STATUS), -1);
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_STATUS, "hot"), 0);
	assert_int_equal(lc__state_index(f->cur, LC_AXIS_STATUS), ST_HOT);
	memset(longkey, 'k', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_STATUS, longkey), LC_ERANGE);
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_STATUS, ""), LC_EINVAL);
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_ACTION, "call"), LC_EINVAL);
	assert_int_equal(lc__state_set_raw(NULL, LC_AXIS_STATUS, "x"), LC_EINVAL);
	assert_int_equal(lc__state_index(f->cur, LC_AXIS_STATUS), ST_HOT);
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_STATUS, NULL), 0);
	assert_null(lc_state_get(f->cur, LC_AXIS_STATUS));
}

static void test_state_derived_axes(void **state)
{
	fx *f = *state;
	lc_model *crm = make_crm();
	lc_state *s;

	/* a stage sets its phase */
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STAGE, "committed"), 0);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_PHASE), "opportunity");
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STAGE, "limbo"), 0);
	assert_null(lc_state_get(f->cur, LC_AXIS_PHASE));
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STAGE, "Periodic Check-in"), 0);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_PHASE), "customer");
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STAGE, NULL), 0);
	assert_null(lc_state_get(f->cur, LC_AXIS_PHASE));
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_PHASE, "closed"), 0);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_PHASE), "closed");

	/* counters of repeatable stages */
	assert_int_equal(lc_state_stage_entries(f->cur, "check_in"), 0);
	assert_int_equal(lc_state_set_stage_entries(f->cur, "check_in", 3), 0);
	assert_int_equal(lc_state_stage_entries(f->cur, "Periodic Check-in"), 3);
	/* a reset state equals a new one */
	assert_int_equal(lc_state_equal(f->cur, f->next), 0);
	lc__state_reset(f->cur);
	assert_int_equal(lc_state_equal(f->cur, f->next), 1);
	assert_int_equal(lc_state_stage_entries(f->cur, "check_in"), 0);
	assert_int_equal(lc_state_set_stage_entries(f->cur, "check_in", 3), 0);
	assert_int_equal(lc_state_set_stage_entries(f->cur, "settled", 1), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "not repeatable"));
	assert_int_equal(lc_state_set_stage_entries(f->cur, "nope", 1), LC_ENOTFOUND);
	assert_int_equal(lc_state_set_stage_entries(f->cur, NULL, 1), LC_EINVAL);
	assert_int_equal(lc_state_set_stage_entries(NULL, "check_in", 1), LC_EINVAL);
	if (SIZE_MAX > UINT32_MAX) { /* more entries than a state keeps: refused, nothing changed */
		assert_int_equal(lc_state_set_stage_entries(f->cur, "check_in", (size_t)UINT32_MAX + 1),
				 LC_ERANGE);
		assert_non_null(strstr(lc_error_last(), "lc_state_set_stage_entries"));
		assert_int_equal(lc_state_stage_entries(f->cur, "check_in"), 3);
	}
	assert_int_equal(lc_state_stage_entries(f->cur, "nope"), 0);
	assert_int_equal(lc_state_stage_entries(f->cur, NULL), 0);
	assert_int_equal(lc_state_stage_entries(NULL, "check_in"), 0);
	assert_int_equal(lc_state_stage_entries(f->cur, "\xff"), 0);

	/* a status sets its life-cycle state; a model without stages has no counters */
	assert_int_equal(lc_state_new(&s, crm), 0);
	assert_int_equal(lc_state_set(s, LC_AXIS_STATUS, "won"), 0);
	assert_string_equal(lc_state_get(s, LC_AXIS_LIFECYCLE), "won");
	assert_int_equal(lc_state_set(s, LC_AXIS_STATUS, NULL), 0);
	assert_null(lc_state_get(s, LC_AXIS_LIFECYCLE));
	assert_int_equal(lc_state_stage_entries(s, "check_in"), 0);
	assert_int_equal(lc_state_set_stage_entries(s, "check_in", 1), LC_ENOTFOUND);
	lc_state_free(s);
	lc_model_free(crm);
}

/* ---- dispositions ---- */

static void test_disposition_basics(void **state)
{
	fx *f = *state;
	lc_disposition *d = NULL;
	char *big;

	assert_int_equal(lc_disposition_new(NULL, f->m), LC_EINVAL);
	assert_int_equal(lc_disposition_new(&d, NULL), LC_EINVAL);
	assert_null(d);
	lc_disposition_free(NULL);
	lc_disposition_reset(NULL);

	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, "CALL"), 0);
	assert_string_equal(lc_disposition_get(f->d, LC_AXIS_ACTION), "call");
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "Follow Up"), 0);
	assert_string_equal(lc_disposition_get(f->d, LC_AXIS_STATUS), "follow_up");
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "Hott"), LC_ENOTFOUND);
	assert_non_null(strstr(lc_error_last(), "Hott"));
	assert_non_null(strstr(lc_error_last(), "not_interested"));
	assert_string_equal(lc_disposition_get(f->d, LC_AXIS_STATUS), "follow_up");
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, "ho\xc0\xaft"), LC_EINVAL);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_PHASE, "lead"), LC_EINVAL);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_LIFECYCLE, "open"), LC_EINVAL);
	assert_int_equal(lc_disposition_set(f->d, (lc_axis)-1, "x"), LC_EINVAL);
	assert_int_equal(lc_disposition_set(NULL, LC_AXIS_STATUS, "hot"), LC_EINVAL);
	assert_null(lc_disposition_get(f->d, LC_AXIS_PHASE));
	assert_null(lc_disposition_get(NULL, LC_AXIS_ACTION));
	assert_null(lc_disposition_get(f->d, LC_AXIS_MILESTONE));
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STATUS, NULL), 0);
	assert_null(lc_disposition_get(f->d, LC_AXIS_STATUS));

	/* by index */
	assert_int_equal(lc_disposition_set_index(f->d, LC_AXIS_MILESTONE, MS_SOLD), 0);
	assert_string_equal(lc_disposition_get(f->d, LC_AXIS_MILESTONE), "sold");
	assert_int_equal(lc_disposition_set_index(f->d, LC_AXIS_MILESTONE, 4), LC_ERANGE);
	assert_int_equal(lc_disposition_set_index(f->d, LC_AXIS_STAGE, 0), LC_ERANGE);
	assert_int_equal(lc_disposition_set_index(f->d, LC_AXIS_PHASE, 0), LC_EINVAL);
	assert_int_equal(lc_disposition_set_index(NULL, LC_AXIS_ACTION, 0), LC_EINVAL);
	assert_string_equal(lc_disposition_get(f->d, LC_AXIS_MILESTONE), "sold");

	/* this model has no outcomes */
	assert_int_equal(lc_disposition_set_outcome(f->d, LC_OUTCOME_PROGRESSING), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "no outcomes"));
	assert_int_equal(lc_disposition_set_outcome(f->d, LC_OUTCOME_NONE), 0);
	assert_int_equal(lc_disposition_set_outcome(f->d, (lc_outcome)42), LC_EINVAL);
	assert_int_equal(lc_disposition_set_outcome(NULL, LC_OUTCOME_NONE), LC_EINVAL);
	assert_int_equal(lc_disposition_outcome(f->d), LC_OUTCOME_NONE);
	assert_int_equal(lc_disposition_outcome(NULL), LC_OUTCOME_NONE);

	/* follow-up, note, actor */
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 + DAY), 0);
	assert_true(lc_disposition_follow_up(f->d) == T0 + DAY);
	assert_int_equal(lc_disposition_set_follow_up(NULL, T0), LC_EINVAL);
	assert_true(lc_disposition_follow_up(NULL) == LC_TIME_NONE);
	assert_null(lc_disposition_note(f->d));
	assert_int_equal(lc_disposition_set_note(f->d, "Called, left a message. Café ☕"), 0);
	assert_string_equal(lc_disposition_note(f->d), "Called, left a message. Café ☕");
	assert_int_equal(lc_disposition_set_note(f->d, "bad \xed\xa0\x80 surrogate"), LC_EINVAL);
	big = malloc(LC_TEXT_MAX + 2);
	memset(big, 'a', LC_TEXT_MAX + 1);
	big[LC_TEXT_MAX + 1] = '\0';
	assert_int_equal(lc_disposition_set_note(f->d, big), LC_ERANGE);
	assert_string_equal(lc_disposition_note(f->d), "Called, left a message. Café ☕");
	big[LC_TEXT_MAX] = '\0';
	assert_int_equal(lc_disposition_set_note(f->d, big), 0);
	assert_int_equal(strlen(lc_disposition_note(f->d)), LC_TEXT_MAX);
	free(big);
	assert_int_equal(lc_disposition_set_note(NULL, "x"), LC_EINVAL);
	assert_null(lc_disposition_note(NULL));
	assert_int_equal(lc_disposition_set_actor(f->d, "agent:ana"), 0);
	assert_string_equal(lc_disposition_actor(f->d), "agent:ana");
	{
		char actor[300];
		memset(actor, 'x', sizeof actor - 1);
		actor[sizeof actor - 1] = '\0';
		assert_int_equal(lc_disposition_set_actor(f->d, actor), LC_ERANGE);
		assert_string_equal(lc_disposition_actor(f->d), "agent:ana");
	}
	assert_int_equal(lc_disposition_set_actor(f->d, "agent:\xc3("), LC_EINVAL);
	assert_string_equal(lc_disposition_actor(f->d), "agent:ana");
	assert_int_equal(lc_disposition_set_actor(NULL, "x"), LC_EINVAL);
	assert_null(lc_disposition_actor(NULL));

	/* reset clears, keeps the binding; a NULL note clears the note */
	lc_disposition_reset(f->d);
	assert_null(lc_disposition_get(f->d, LC_AXIS_ACTION));
	assert_null(lc_disposition_get(f->d, LC_AXIS_MILESTONE));
	assert_null(lc_disposition_note(f->d));
	assert_null(lc_disposition_actor(f->d));
	assert_true(lc_disposition_follow_up(f->d) == LC_TIME_NONE);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_ACTION, "email"), 0);
	assert_int_equal(lc_disposition_set_note(f->d, "short"), 0);
	assert_string_equal(lc_disposition_note(f->d), "short");
	assert_int_equal(lc_disposition_set_note(f->d, NULL), 0);
	assert_null(lc_disposition_note(f->d));
	assert_int_equal(lc_disposition_set_actor(f->d, NULL), 0);
	assert_null(lc_disposition_actor(f->d));
}

static void test_bad_arguments(void **state)
{
	fx *f = *state;
	lc_model *other = make_lm();
	lc_state *os;
	lc_disposition *od;

	assert_int_equal(lc_state_new(&os, other), 0);
	assert_int_equal(lc_disposition_new(&od, other), 0);
	d_set(f, "call", NULL, NULL, NULL);
	lc__violations_add(f->v, LC_V_TERMINAL, "status", "stale");

	assert_int_equal(lc_validate(NULL, f->cur, f->d, T0, f->v), LC_EINVAL);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 0);
	assert_int_equal(lc_validate(f->m, NULL, f->d, T0, f->v), LC_EINVAL);
	assert_int_equal(lc_validate(f->m, f->cur, NULL, T0, f->v), LC_EINVAL);
	assert_int_equal(lc_validate(f->m, os, f->d, T0, f->v), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "state is bound to model"));
	assert_int_equal(lc_validate(f->m, f->cur, od, T0, f->v), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "disposition is bound"));
	assert_int_equal(lc_validate(other, f->cur, f->d, T0, NULL), LC_EINVAL);

	assert_int_equal(lc_validate_state(NULL, f->cur, f->v), LC_EINVAL);
	assert_int_equal(lc_validate_state(f->m, NULL, f->v), LC_EINVAL);
	assert_int_equal(lc_validate_state(f->m, os, f->v), LC_EINVAL);

	assert_int_equal(lc_transition(NULL, f->cur, f->d, T0, f->next, f->v), LC_EINVAL);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, NULL, f->v), LC_EINVAL);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, os, f->v), LC_EINVAL);
	assert_non_null(strstr(lc_error_last(), "next state"));
	assert_int_equal(lc_transition(f->m, f->cur, od, T0, f->next, f->v), LC_EINVAL);
	/* and the valid call works */
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);

	lc_disposition_free(od);
	lc_state_free(os);
	lc_model_free(other);
}

/* ---- allocation ---- */

static int fail_after = -1, calls;
static void *failing_malloc(size_t n, void *ud)
{
	(void)ud;
	if (fail_after >= 0 && calls++ >= fail_after)
		return NULL;
	return malloc(n);
}
static void *failing_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	if (fail_after >= 0 && calls++ >= fail_after)
		return NULL;
	return realloc(p, n);
}
static void plain_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

static void use_failing_allocator(int after)
{
	lc_allocator a = { LC_ALLOCATOR_VERSION, failing_malloc, failing_realloc, plain_free, NULL };
	assert_int_equal(lc_set_allocator(&a), 0);
	fail_after = after;
	calls = 0;
}

/* Every allocation point of the constructors and setters fails cleanly. */
static void test_out_of_memory(void **state)
{
	fx *f = *state;
	bool done = false;

	for (int k = 0; !done; k++) {
		lc_state *s = NULL;
		lc_disposition *d = NULL;
		lc_violations *v = NULL;
		int rs, rd, rv, rn = -1;

		use_failing_allocator(k);
		rs = lc_state_new(&s, f->m);
		rd = lc_disposition_new(&d, f->m);
		rv = lc_violations_new(&v);
		if (rd == 0) {
			rn = lc_disposition_set_note(d, "a note");
			if (rn == LC_ENOMEM)
				assert_null(lc_disposition_note(d));
		}
		done = rs == 0 && rd == 0 && rv == 0 && rn == 0;
		fail_after = -1;
		assert_true(rs == 0 || (rs == LC_ENOMEM && s == NULL));
		assert_true(rd == 0 || (rd == LC_ENOMEM && d == NULL));
		assert_true(rv == 0 || (rv == LC_ENOMEM && v == NULL));
		assert_true(rn == 0 || rn == LC_ENOMEM || rn == -1);
		lc_state_free(s);
		lc_disposition_free(d);
		lc_violations_free(v);
		assert_int_equal(lc_set_allocator(NULL), 0);
		assert_true(k < 20);
	}
}

/* Judging and transitions allocate nothing, valid or not. */
static void test_no_allocation_per_call(void **state)
{
	fx *f = *state;

	cur_set(f, "contacted", "new", NULL);
	use_failing_allocator(0);
	d_set(f, "call", NULL, "hot", NULL);
	assert_int_equal(validate(f), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_FOLLOW_UP_REQUIRED);
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 + DAY), 0);
	assert_int_equal(validate(f), 0);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->cur, f->v), 0);
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), 0);
	assert_int_equal(calls, 0);
	fail_after = -1;
	assert_int_equal(lc_set_allocator(NULL), 0);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_STATUS), "hot");
}

/* ---- lead manager rules ---- */

static void test_action_required(void **state)
{
	fx *f = *state;
	cur_set(f, "new", "new", NULL);
	d_set(f, NULL, "contacted", NULL, NULL);
	assert_only(f, LC_V_ACTION_REQUIRED);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "action");
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "call, email"));
	d_set(f, "call", "contacted", NULL, NULL);
	assert_valid(f);
}

static void test_combination(void **state)
{
	fx *f = *state;
	cur_set(f, "contacted", "new", NULL);
	d_set(f, "call", "quoted", NULL, NULL);
	assert_only(f, LC_V_COMBINATION);
	assert_string_equal(field_of(f, LC_V_COMBINATION), "milestone");
	d_set(f, "call", "quoted", "closed", NULL);
	assert_only(f, LC_V_COMBINATION);
	assert_string_equal(field_of(f, LC_V_COMBINATION), "status");
	assert_non_null(strstr(message_of(f, LC_V_COMBINATION), "Closed"));
	assert_non_null(strstr(message_of(f, LC_V_COMBINATION), "Quoted"));
	d_set(f, "call", "quoted", "follow_up", NULL);
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 + DAY), 0);
	assert_valid(f);
	/* a milestone with no links allows every status */
	d_set(f, "call", "contacted", "closed", NULL);
	assert_valid(f);
}

static void test_follow_up(void **state)
{
	fx *f = *state;
	cur_set(f, "contacted", "new", NULL);
	d_set(f, "call", NULL, "hot", NULL);
	assert_only(f, LC_V_FOLLOW_UP_REQUIRED);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "follow_up");
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "Hot"));
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 - DAY), 0);
	assert_only(f, LC_V_FOLLOW_UP_PAST);
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0), 0); /* now is not the future */
	assert_only(f, LC_V_FOLLOW_UP_PAST);
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 + 1), 0);
	assert_valid(f);

	/* re-affirming Hot needs a new future follow-up, whatever the state holds */
	cur_set(f, NULL, "hot", NULL);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, T0 + DAY), 0);
	d_set(f, "call", NULL, "hot", NULL);
	assert_only(f, LC_V_FOLLOW_UP_REQUIRED);
	/* a disposition that leaves the status alone keeps the future one */
	d_set(f, "email", NULL, NULL, NULL);
	assert_valid(f);
	/* a past follow-up on a status that does not need one is not judged */
	d_set(f, "email", NULL, "new", NULL);
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 - DAY), 0);
	assert_valid(f);
}

/* Seed 000: "Hot leads should always have a future follow up scheduled".
 * The rule holds for the state the lead ends up in, also when the status is
 * kept rather than chosen (issue: a past follow-up on a Hot lead passed). */
static void test_follow_up_kept_value(void **state)
{
	fx *f = *state;

	cur_set(f, "contacted", "hot", NULL);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, T0 + DAY), 0);
	/* a new follow-up in the past, the status kept */
	d_set(f, "call", NULL, NULL, NULL);
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 - DAY), 0);
	assert_only(f, LC_V_FOLLOW_UP_PAST);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "stays Hot"));
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 + 2 * DAY), 0);
	assert_valid(f);
	/* the lead's own follow-up has passed: the next touch sets a new one */
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, T0 - DAY), 0);
	d_set(f, "call", NULL, NULL, NULL);
	assert_only(f, LC_V_FOLLOW_UP_PAST);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "its follow-up"));
	/* none at all (a lead stored before the rule) */
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, LC_TIME_NONE), 0);
	assert_only(f, LC_V_FOLLOW_UP_REQUIRED);
	/* leaving Hot for a status that needs none frees the lead of it */
	d_set(f, "call", NULL, "new", NULL);
	assert_valid(f);
	/* the milestone alone changes: Hot is kept and judged */
	d_set(f, "call", "quoted", NULL, NULL);
	assert_only(f, LC_V_FOLLOW_UP_REQUIRED);
}

/* A state judged whole (a lead created with it): links, a future follow-up
 * where a value needs one, and nothing legacy. */
static void test_validate_new_state(void **state)
{
	fx *f = *state;

	cur_set(f, "contacted", "hot", NULL);
	assert_int_equal(lc__validate_new_state(f->m, f->cur, T0, f->v), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_FOLLOW_UP_REQUIRED);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, T0 - 1), 0);
	assert_int_equal(lc__validate_new_state(f->m, f->cur, T0, f->v), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_FOLLOW_UP_PAST);
	/* a stored lead whose follow-up has passed is overdue, not invalid */
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), 0);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, T0 + DAY), 0);
	assert_int_equal(lc__validate_new_state(f->m, f->cur, T0, f->v), 0);
	cur_set(f, "quoted", "new", NULL);
	assert_int_equal(lc__validate_new_state(f->m, f->cur, T0, f->v), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_COMBINATION);
	cur_set(f, "contacted", "lead_at_risk", NULL);
	assert_int_equal(lc__validate_new_state(f->m, f->cur, T0, f->v), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_DEPRECATED);
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), 0);

	/* a new lead given only a status starts at the initial milestone */
	f->m->axes[LC_AXIS_MILESTONE].v[MS_NEW].flags |= LC_FLAG_INITIAL;
	lc__state_reset(f->cur);
	cur_set(f, NULL, "follow_up", NULL);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, T0 + DAY), 0);
	lc__state_fill_initial(f->cur);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_MILESTONE), "new");
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_STATUS), "follow_up");
}

static void test_note_required(void **state)
{
	fx *f = *state;
	cur_set(f, "contacted", "new", NULL);
	d_set(f, "call", NULL, "not_interested", NULL);
	assert_only(f, LC_V_NOTE_REQUIRED);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "note");
	assert_int_equal(lc_disposition_set_note(f->d, ""), 0);
	assert_only(f, LC_V_NOTE_REQUIRED);
	assert_int_equal(lc_disposition_set_note(f->d, "Bought elsewhere."), 0);
	assert_valid(f);
}

static void test_action_blocked(void **state)
{
	fx *f = *state;

	/* by the current status */
	cur_set(f, "contacted", "do_not_call_number", NULL);
	d_set(f, "call", NULL, NULL, NULL);
	assert_only(f, LC_V_ACTION_BLOCKED);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "Do Not Call Number"));
	d_set(f, "call", NULL, "new", NULL); /* leaving it does not help this call */
	assert_only(f, LC_V_ACTION_BLOCKED);
	d_set(f, "email", NULL, NULL, NULL);
	assert_valid(f);

	/* not by the new status: the call that finds the line dead records it
	 * (seed 000's own example); the status blocks the next call */
	cur_set(f, NULL, "new", NULL);
	d_set(f, "call", NULL, "do_not_call_number", NULL);
	assert_valid(f);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	d_set(f, "call", NULL, NULL, NULL);
	assert_int_equal(lc_validate(f->m, f->next, f->d, T0, f->v), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_ACTION_BLOCKED);
	assert_true(lc__engine_forbids(f->m, f->next, LM_CALL));
	assert_false(lc__engine_forbids(f->m, f->next, LM_EMAIL));
	d_set(f, "email", NULL, "do_not_call_number", NULL);
	assert_valid(f);

	/* by the lead's flags: do not call refuses Call, not Email or a meeting */
	assert_int_equal(lc_state_set_flags(f->cur, LC_STATE_DO_NOT_CALL), 0);
	d_set(f, "call", NULL, NULL, NULL);
	assert_only(f, LC_V_ACTION_BLOCKED);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "do not call"));
	d_set(f, "email", NULL, NULL, NULL);
	assert_valid(f);
	d_set(f, "meeting", NULL, NULL, NULL);
	assert_valid(f);
	assert_int_equal(lc_state_set_flags(f->cur, LC_STATE_DO_NOT_EMAIL), 0);
	d_set(f, "email", NULL, NULL, NULL);
	assert_only(f, LC_V_ACTION_BLOCKED);
	d_set(f, "call", NULL, NULL, NULL);
	assert_valid(f);
	/* both a value and a flag: one violation */
	assert_int_equal(lc_state_set_flags(f->cur, LC_STATE_DO_NOT_CALL), 0);
	cur_set(f, NULL, "do_not_call_number", NULL);
	d_set(f, "call", NULL, NULL, NULL);
	assert_only(f, LC_V_ACTION_BLOCKED);
}

static void test_deprecated(void **state)
{
	fx *f = *state;

	/* a lead that has a legacy status stays valid and can be worked */
	cur_set(f, "contacted", "lead_at_risk", NULL);
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), 0);
	d_set(f, "call", NULL, NULL, NULL);
	assert_valid(f);
	d_set(f, "call", NULL, "lead_at_risk", NULL); /* kept, not chosen anew */
	assert_valid(f);
	/* choosing it anew is refused */
	cur_set(f, NULL, "new", NULL);
	d_set(f, "call", NULL, "lead_at_risk", NULL);
	assert_only(f, LC_V_DEPRECATED);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "status");
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "Lead at Risk"));
	/* and a legacy action always is */
	d_set(f, "fax", NULL, NULL, NULL);
	assert_only(f, LC_V_DEPRECATED);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "action");
}

static void test_terminal_and_transition_table(void **state)
{
	fx *f = *state;

	cur_set(f, "sold", "closed", NULL);
	d_set(f, "call", "quoted", "hot", NULL);
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 + DAY), 0);
	assert_only(f, LC_V_TERMINAL);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "milestone");
	d_set(f, "lead_update", NULL, "new", NULL); /* the milestone stays */
	assert_valid(f);

	cur_set(f, "contacted", "new", NULL);
	d_set(f, "call", "new", NULL, NULL);
	assert_only(f, LC_V_TRANSITION);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "from Contacted to New"));
	d_set(f, "call", "quoted", NULL, NULL); /* the table allows it; links do not */
	assert_only(f, LC_V_COMBINATION);
	d_set(f, "call", "contacted", NULL, NULL); /* unchanged is never a transition */
	assert_valid(f);
	/* a new lead takes any first milestone */
	lc_state_free(f->cur);
	assert_int_equal(lc_state_new(&f->cur, f->m), 0);
	d_set(f, "call", "sold", "new", NULL);
	assert_valid(f);
}

static void test_every_violation_listed(void **state)
{
	fx *f = *state;
	cur_set(f, "sold", "do_not_call_number", NULL);
	d_set(f, "fax", "quoted", "not_interested", NULL);
	assert_int_equal(lc_disposition_set_index(f->d, LC_AXIS_ACTION, LM_CALL), 0);
	assert_int_equal(validate(f), LC_EINVALID);
	/* combination, note, blocked, terminal; nothing else */
	assert_int_equal(has(f, LC_V_COMBINATION), 1);
	assert_int_equal(has(f, LC_V_NOTE_REQUIRED), 1);
	assert_int_equal(has(f, LC_V_ACTION_BLOCKED), 1);
	assert_int_equal(has(f, LC_V_TERMINAL), 1);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 4);
	assert_int_equal(lc_error_last_code(), LC_EINVALID);
	assert_non_null(strstr(lc_error_last(), "4 violations"));
}

static void test_validate_state(void **state)
{
	fx *f = *state;

	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), 0); /* empty is fine */
	cur_set(f, "quoted", "hot", NULL);
	/* Hot needs a follow-up; a passed one is overdue, not invalid */
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_FOLLOW_UP_REQUIRED);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_FOLLOW_UP, T0 - DAY), 0);
	assert_int_equal(lc_validate_state(f->m, f->cur, NULL), 0);
	cur_set(f, NULL, "new", NULL);
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), LC_EINVALID);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 1);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_COMBINATION);
	assert_int_equal(lc_validate_state(f->m, f->cur, NULL), LC_EINVALID);

	/* values a store kept under an older model */
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_STATUS, "warm"), 0);
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_MILESTONE, "lost_contact"), 0);
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), LC_EINVALID);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 2);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_UNKNOWN_VALUE);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "milestone");
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "lost_contact"));
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 1, 2), "status");
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 1, 3), "not_interested"));
}

/* Seed 000: after a change that removes a value, "you will not be able to
 * save a new history note until a correct combination is selected"; and an
 * unknown value never unblocks anything (a removed Do Not Call Number must
 * not make the lead callable): it blocks every contact until replaced. */
static void test_unknown_values(void **state)
{
	fx *f = *state;

	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_MILESTONE, "contacted"), 0);
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_STATUS, "requote"), 0);
	/* a note on the lead as it is: refused, naming the value */
	d_set(f, "lead_update", NULL, NULL, NULL);
	assert_only(f, LC_V_UNKNOWN_VALUE);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "status");
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "'requote'"));
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), LC_EINVALID);
	/* a contact is blocked as well: what the old value forbade is not known */
	d_set(f, "call", NULL, NULL, NULL);
	assert_int_equal(validate(f), LC_EINVALID);
	assert_int_equal(has(f, LC_V_UNKNOWN_VALUE), 1);
	assert_int_equal(has(f, LC_V_ACTION_BLOCKED), 1);
	assert_true(lc__engine_forbids(f->m, f->cur, LM_CALL));
	assert_true(lc__engine_forbids(f->m, f->cur, LM_MEETING));
	assert_false(lc__engine_forbids(f->m, f->cur, LM_UPDATE));
	/* even a call that chooses a current status */
	d_set(f, "call", NULL, "new", NULL);
	assert_only(f, LC_V_ACTION_BLOCKED);
	/* a non-contact action that replaces it is the way out */
	d_set(f, "lead_update", NULL, "new", NULL);
	assert_valid(f);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_string_equal(lc_state_get(f->next, LC_AXIS_STATUS), "new");
	assert_int_equal(lc_validate_state(f->m, f->next, f->v), 0);
	assert_false(lc__engine_forbids(f->m, f->next, LM_CALL));
	/* an unknown milestone must be replaced too */
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_MILESTONE, "gone"), 0);
	assert_only(f, LC_V_UNKNOWN_VALUE);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "milestone");
	d_set(f, "lead_update", "contacted", "new", NULL);
	assert_valid(f);
}

/* A value kept from a model with an axis the current one lacks (leadmanager's
 * milestones under a stages-only model): the message must not offer an empty
 * list of values to choose from, and must say no disposition can replace it. */
static void test_unknown_value_axis_gone(void **state)
{
	fx *f = *state;
	const char *msg;

	assert_int_equal(lc_model_value_count(f->m, LC_AXIS_MILESTONE), 0);
	assert_int_equal(lc__state_set_raw(f->cur, LC_AXIS_MILESTONE, "contacted"), 0);
	d_set(f, "lead_update", NULL, NULL, NULL);
	assert_only(f, LC_V_UNKNOWN_VALUE);
	msg = lc_table_text(lc_violations_table(f->v), 0, 3);
	assert_null(strstr(msg, ": ."));
	assert_non_null(strstr(msg, "'contacted'"));
	assert_non_null(strstr(msg, "has no milestone values"));
}

static void test_transition_follow_up(void **state)
{
	fx *f = *state;
	lc_state *before;

	cur_set(f, "contacted", "new", NULL);
	assert_int_equal(lc_state_new(&before, f->m), 0);

	/* given: stored */
	d_set(f, "call", NULL, "hot", NULL);
	assert_int_equal(lc_disposition_set_follow_up(f->d, T0 + DAY), 0);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_string_equal(lc_state_get(f->next, LC_AXIS_STATUS), "hot");
	assert_true(lc_state_time(f->next, LC_STATE_TIME_FOLLOW_UP) == T0 + DAY);
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_STATUS), "new"); /* untouched */

	/* not given, status still needs one: kept */
	d_set(f, "email", NULL, NULL, NULL);
	assert_int_equal(lc_transition(f->m, f->next, f->d, T0, f->next, f->v), 0);
	assert_true(lc_state_time(f->next, LC_STATE_TIME_FOLLOW_UP) == T0 + DAY);

	/* not given, new status needs none: cleared */
	d_set(f, "call", NULL, "new", NULL);
	assert_int_equal(lc_transition(f->m, f->next, f->d, T0, f->next, f->v), 0);
	assert_true(lc_state_time(f->next, LC_STATE_TIME_FOLLOW_UP) == LC_TIME_NONE);

	/* refused: next is not written */
	assert_int_equal(lc_state_copy(before, f->next), 0);
	d_set(f, "call", NULL, "hot", NULL);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), LC_EINVALID);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 1);
	assert_int_equal(lc_state_equal(before, f->next), 1);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, NULL), LC_EINVALID);
	assert_int_equal(lc_state_equal(before, f->next), 1);
	lc_state_free(before);
}

/* ---- ordered stages and outcomes ---- */

static void pt_d(fx *f, const char *action, const char *stage, lc_outcome o, const char *reason)
{
	d_set(f, action, NULL, NULL, stage);
	assert_int_equal(lc_disposition_set_outcome(f->d, o), 0);
	if (reason)
		assert_int_equal(lc_disposition_set(f->d, LC_AXIS_REASON, reason), 0);
}

static void test_outcome_first_value(void **state)
{
	fx *f = *state;
	pt_d(f, "call", "enquiry", LC_OUTCOME_NONE, NULL);
	assert_valid(f);
	pt_d(f, "call", "committed", LC_OUTCOME_PROGRESSING, NULL); /* no cap from nothing */
	assert_valid(f);
	pt_d(f, "call", "contact", LC_OUTCOME_GO_BACK, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	pt_d(f, "call", NULL, LC_OUTCOME_PROGRESSING, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	pt_d(f, "call", NULL, LC_OUTCOME_NO_CONTACT, NULL);
	assert_valid(f);
}

static void test_outcome_progressing(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, NULL, "enquiry");

	pt_d(f, "call", "contact", LC_OUTCOME_PROGRESSING, NULL);
	assert_valid(f);
	pt_d(f, "call", "selected", LC_OUTCOME_PROGRESSING, NULL); /* skips 2: the cap */
	assert_valid(f);
	pt_d(f, "call", "committed", LC_OUTCOME_PROGRESSING, NULL); /* skips 3 */
	assert_only(f, LC_V_SKIP_TOO_FAR);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "stage");
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "skips 3"));
	pt_d(f, "call", "enquiry", LC_OUTCOME_PROGRESSING, NULL); /* not forward */
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	cur_set(f, NULL, NULL, "engaged");
	pt_d(f, "call", "contact", LC_OUTCOME_PROGRESSING, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);

	/* uncapped */
	f->m->max_skip = -1;
	cur_set(f, NULL, NULL, "enquiry");
	pt_d(f, "call", "settled", LC_OUTCOME_PROGRESSING, NULL);
	assert_valid(f);
}

static void test_outcome_go_back_and_required(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, NULL, "committed");

	pt_d(f, "call", "enquiry", LC_OUTCOME_GO_BACK, NULL); /* going back is not capped */
	assert_valid(f);
	pt_d(f, "call", "settled", LC_OUTCOME_GO_BACK, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	pt_d(f, "call", NULL, LC_OUTCOME_GO_BACK, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);

	/* changing the stage without an outcome */
	pt_d(f, "call", "settled", LC_OUTCOME_NONE, NULL);
	assert_only(f, LC_V_OUTCOME_REQUIRED);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "outcome");
	pt_d(f, "call", "committed", LC_OUTCOME_NONE, NULL); /* the same stage is no change */
	assert_valid(f);
	f->m->outcome_required = false;
	pt_d(f, "call", "settled", LC_OUTCOME_NONE, NULL);
	assert_valid(f);
}

static void test_outcome_no_change(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, NULL, "engaged");

	pt_d(f, "call", NULL, LC_OUTCOME_NO_CONTACT, NULL);
	assert_valid(f);
	pt_d(f, "call", "engaged", LC_OUTCOME_NO_CHANGE, NULL);
	assert_valid(f);
	pt_d(f, "call", "selected", LC_OUTCOME_NO_CONTACT, NULL);
	assert_only(f, LC_V_OUTCOME_UNCHANGED);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "stage");
	pt_d(f, "call", "contact", LC_OUTCOME_NO_CHANGE, NULL);
	assert_only(f, LC_V_OUTCOME_UNCHANGED);
}

static void test_outcome_exiting(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, NULL, "engaged");

	/* without a reason */
	pt_d(f, "call", "nurture", LC_OUTCOME_EXITING, NULL);
	assert_only(f, LC_V_REASON_REQUIRED);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "not_ready"));
	/* a reason with a stage, no stage given: the reason's stage */
	pt_d(f, "call", NULL, LC_OUTCOME_EXITING, "Not Ready Yet");
	assert_valid(f);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_string_equal(lc_state_get(f->next, LC_AXIS_STAGE), "nurture");
	assert_string_equal(lc_state_get(f->next, LC_AXIS_PHASE), "closed");
	/* the stage given must be the reason's */
	pt_d(f, "call", "problem", LC_OUTCOME_EXITING, "not_ready");
	assert_only(f, LC_V_REASON_NOT_ALLOWED);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "Nurture"));
	pt_d(f, "call", "nurture", LC_OUTCOME_EXITING, "not_ready");
	assert_valid(f);
	/* a reason meant for another outcome */
	pt_d(f, "call", NULL, LC_OUTCOME_EXITING, "not_genuine");
	assert_only(f, LC_V_REASON_NOT_ALLOWED);
	pt_d(f, "call", NULL, LC_OUTCOME_PROBLEM, "not_genuine");
	assert_valid(f);
	/* exiting into a stage that is not closed, or nowhere */
	pt_d(f, "call", "settled", LC_OUTCOME_EXITING, "vague");
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	pt_d(f, "call", "limbo", LC_OUTCOME_PROBLEM, "vague");
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	pt_d(f, "call", NULL, LC_OUTCOME_EXITING, "vague");
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	/* a closed phase is enough, and a stageless reason fits any closed stage */
	pt_d(f, "call", "nurture", LC_OUTCOME_EXITING, "vague");
	assert_valid(f);
	/* a reason where none is asked for */
	pt_d(f, "call", "selected", LC_OUTCOME_PROGRESSING, "vague");
	assert_only(f, LC_V_REASON_NOT_ALLOWED);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "reason");
}

static void test_outcome_closed_values(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, NULL, "engaged");

	/* closed stages are reached by exiting or problem only */
	pt_d(f, "call", "nurture", LC_OUTCOME_PROGRESSING, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "closed"));
	cur_set(f, NULL, NULL, "problem");
	pt_d(f, "lead_update", "nurture", LC_OUTCOME_GO_BACK, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	/* a lead coming back from a closed stage may go either way */
	cur_set(f, NULL, NULL, "nurture");
	pt_d(f, "call", "engaged", LC_OUTCOME_PROGRESSING, NULL);
	assert_valid(f);
	pt_d(f, "call", "settled", LC_OUTCOME_GO_BACK, NULL);
	assert_valid(f);
	/* and the first value of a new lead is not closed either */
	lc_state_free(f->cur);
	assert_int_equal(lc_state_new(&f->cur, f->m), 0);
	pt_d(f, "call", "nurture", LC_OUTCOME_PROGRESSING, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);
}

static void test_contact_ended(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, NULL, "problem");
	pt_d(f, "call", NULL, LC_OUTCOME_NO_CONTACT, NULL);
	assert_only(f, LC_V_CONTACT_ENDED);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "Problem"));
	pt_d(f, "email", NULL, LC_OUTCOME_NONE, NULL);
	assert_only(f, LC_V_CONTACT_ENDED);
	pt_d(f, "lead_update", NULL, LC_OUTCOME_NONE, NULL);
	assert_valid(f);
	/* moving into Problem with the call that found it out is fine */
	cur_set(f, NULL, NULL, "contact");
	pt_d(f, "call", NULL, LC_OUTCOME_PROBLEM, "not_genuine");
	assert_valid(f);
}

static void test_repeatable_counter(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, NULL, "settled");

	pt_d(f, "call", "check_in", LC_OUTCOME_PROGRESSING, NULL);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->cur, f->v), 0); /* in place */
	assert_string_equal(lc_state_get(f->cur, LC_AXIS_STAGE), "check_in");
	assert_int_equal(lc_state_stage_entries(f->cur, "check_in"), 1);
	/* again, through progressing to the same stage */
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->cur, f->v), 0);
	assert_int_equal(lc_state_stage_entries(f->cur, "check_in"), 2);
	/* a no-contact event there does not count */
	pt_d(f, "call", NULL, LC_OUTCOME_NO_CONTACT, NULL);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_int_equal(lc_state_stage_entries(f->next, "check_in"), 2);
	/* progressing to the same stage is refused for a stage that is not repeatable */
	cur_set(f, NULL, NULL, "settled");
	pt_d(f, "call", "settled", LC_OUTCOME_PROGRESSING, NULL);
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	assert_int_equal(lc_state_stage_entries(f->cur, "settled"), 0);
	/* entering from another stage counts again, the count is kept */
	pt_d(f, "call", "check_in", LC_OUTCOME_PROGRESSING, NULL);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_int_equal(lc_state_stage_entries(f->next, "check_in"), 3);
	assert_string_equal(lc_state_get(f->next, LC_AXIS_PHASE), "customer");
}

/* ---- life cycle ---- */

static void crm_d(fx *f, const char *action, const char *status, const char *reason)
{
	d_set(f, action, NULL, status, NULL);
	if (reason)
		assert_int_equal(lc_disposition_set(f->d, LC_AXIS_REASON, reason), 0);
}

/* Seed 003: Win Lead makes the lead Won. A crossing action given without a
 * status takes the one status of the state it leads to; a state with
 * several is refused with the list, and an action that leads nowhere from
 * the lead's state is refused rather than recorded as a no-op. */
static void test_crossing_picks_status(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, "working", NULL);

	crm_d(f, "win_lead", NULL, NULL);
	assert_valid(f);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_string_equal(lc_state_get(f->next, LC_AXIS_STATUS), "won");
	assert_string_equal(lc_state_get(f->next, LC_AXIS_LIFECYCLE), "won");
	/* Lose Lead: the Lost status, which needs a lost reason */
	crm_d(f, "lose_lead", NULL, NULL);
	assert_only(f, LC_V_REASON_REQUIRED);
	crm_d(f, "lose_lead", NULL, "price");
	assert_valid(f);
	/* Complete does not leave Open */
	crm_d(f, "complete", NULL, NULL);
	assert_only(f, LC_V_LIFECYCLE_CROSSING);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "moves no lead out of Open"));
	/* a second Won status: the action cannot choose */
	f->m->axes[LC_AXIS_STATUS].v[CS_WORKING].parent = LC_WON;
	cur_set(f, NULL, "new", NULL);
	crm_d(f, "win_lead", NULL, NULL);
	assert_only(f, LC_V_LIFECYCLE_CROSSING);
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "working, won"));
	crm_d(f, "win_lead", "won", NULL);
	assert_valid(f);
}

/* ---- closed values and stages tied to life-cycle states (issue 10 item 15) ---- */

/* A deals pipeline: the stage Won only in the won state, Lost only in lost. */
static const char deals_json[] =
	"{\"format\": 1, \"name\": \"deals\", \"version\": 1,"
	" \"actions\": [{\"label\": \"Lead Update\"}, {\"label\": \"Win Lead\"}, {\"label\": \"Lose Lead\"}],"
	" \"statuses\": [{\"label\": \"Open\", \"lifecycle\": \"open\"},"
	"   {\"label\": \"Won\", \"lifecycle\": \"won\", \"closed\": \"won\"},"
	"   {\"label\": \"Lost\", \"lifecycle\": \"lost\", \"closed\": \"lost\"}],"
	" \"phases\": [{\"label\": \"Pipeline\"}, {\"label\": \"Decided\"}],"
	" \"stages\": [{\"label\": \"Talk\", \"phase\": \"pipeline\"},"
	"   {\"label\": \"Won\", \"phase\": \"decided\", \"closed\": \"won\", \"lifecycles\": [\"won\"]},"
	"   {\"label\": \"Lost\", \"phase\": \"decided\", \"closed\": \"lost\", \"lifecycles\": [\"lost\"]}],"
	" \"lifecycles\": [{\"label\": \"Open\"}, {\"label\": \"Won\", \"flags\": [\"won\"]},"
	"   {\"label\": \"Lost\", \"flags\": [\"lost\"]}],"
	" \"reasons\": [{\"label\": \"Price\", \"lost\": true}],"
	" \"crossings\": [{\"action\": \"win_lead\", \"from\": \"open\", \"to\": \"won\"},"
	"   {\"action\": \"lose_lead\", \"from\": \"*\", \"to\": \"lost\"}]}";

static int setup_deals(void **state)
{
	lc_model *m = NULL;
	assert_int_equal(lc_model_load_string(&m, deals_json, "deals.json"), 0);
	*state = fx_new(m);
	return 0;
}

/* Reaching the Won stage needs the win action, judged on the resulting
 * state whatever the disposition sets; the violation names the stage (or
 * the status that breaks the tie) and the action that would do. */
static void test_stage_tied_to_lifecycle(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, "open", "talk");

	d_set(f, "lead_update", NULL, NULL, "won");
	assert_only(f, LC_V_COMBINATION);
	assert_string_equal(field_of(f, LC_V_COMBINATION), "stage");
	assert_non_null(strstr(message_of(f, LC_V_COMBINATION),
			       "The stage Won is held only in the life-cycle states it lists "
			       "(\"lifecycles\"), and the lead would be in Open; reach it with the "
			       "action Win Lead (key win_lead)"));
	/* the win action, its status chosen by the crossing or given */
	d_set(f, "win_lead", NULL, NULL, "won");
	assert_valid(f);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_string_equal(lc_state_get(f->next, LC_AXIS_LIFECYCLE), "won");
	assert_int_equal(lc_validate_state(f->m, f->next, f->v), 0);
	/* won while the stage stays Talk is fine: Talk is tied to nothing */
	d_set(f, "win_lead", NULL, "won", NULL);
	assert_valid(f);
	/* losing a won deal must move the stage too: the status breaks the tie */
	cur_set(f, NULL, "won", "won");
	d_set(f, "lose_lead", NULL, "lost", NULL);
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_REASON, "price"), 0);
	assert_only(f, LC_V_COMBINATION);
	assert_string_equal(field_of(f, LC_V_COMBINATION), "status");
	assert_non_null(strstr(message_of(f, LC_V_COMBINATION), "The stage Won is held only"));
	assert_int_equal(lc_disposition_set(f->d, LC_AXIS_STAGE, "lost"), 0);
	assert_valid(f);
	/* a state as it stands (a store, an import): the stage without its state */
	cur_set(f, NULL, "open", "won");
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), LC_EINVALID);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 1);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_COMBINATION);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "stage");
	assert_int_equal(lc__validate_new_state(f->m, f->cur, T0, f->v), LC_EINVALID);
	assert_int_equal((int)lc_table_int(lc_violations_table(f->v), 0, 0), LC_V_COMBINATION);
	/* no status at all is no life-cycle state either */
	assert_int_equal(lc_state_set(f->cur, LC_AXIS_STATUS, NULL), 0);
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), LC_EINVALID);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "stage");
}

/* On the outcome axis only a closed lost value is an exit's: progressing
 * reaches a closed won value, and never a closed lost one. */
static void test_outcome_closed_won(void **state)
{
	lc_model *m = NULL;
	(void)state;
	assert_int_equal(lc_model_load_string(&m,
		"{\"format\": 1, \"name\": \"ms\", \"version\": 1,"
		" \"actions\": [{\"label\": \"Call\"}],"
		" \"milestones\": [{\"label\": \"Contacted\"}, {\"label\": \"Quoted\"},"
		"   {\"label\": \"Sold\", \"closed\": \"won\"}, {\"label\": \"Not Interested\", \"closed\": \"lost\"}],"
		" \"outcomes\": {\"axis\": \"milestone\", \"max_skip\": null, \"required\": true}}",
		"ms.json"), 0);
	fx *f = fx_new(m);
	cur_set(f, "contacted", NULL, NULL);
	d_set(f, "call", "sold", NULL, NULL);
	assert_int_equal(lc_disposition_set_outcome(f->d, LC_OUTCOME_PROGRESSING), 0);
	assert_valid(f);
	d_set(f, "call", "not_interested", NULL, NULL);
	assert_int_equal(lc_disposition_set_outcome(f->d, LC_OUTCOME_PROGRESSING), 0);
	assert_only(f, LC_V_OUTCOME_DIRECTION);
	assert_non_null(strstr(message_of(f, LC_V_OUTCOME_DIRECTION), "Not Interested is closed"));
	fx_free(f);
}

static void test_lifecycle_crossing(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, "working", NULL);

	crm_d(f, "lead_update", "won", NULL);
	assert_only(f, LC_V_LIFECYCLE_CROSSING);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 3),
			    "Moving from Open to Won needs the action Win Lead (key win_lead).");
	crm_d(f, "win_lead", "won", NULL);
	assert_valid(f);
	crm_d(f, "lead_update", "new", NULL); /* within one state */
	assert_valid(f);
	crm_d(f, "win_lead", "new", NULL); /* an action that crosses need not cross */
	assert_valid(f);
	/* no action crosses from open to completed */
	crm_d(f, "complete", "done", NULL);
	assert_only(f, LC_V_LIFECYCLE_CROSSING);
	assert_string_equal(lc_table_text(lc_violations_table(f->v), 0, 2), "status");
	/* a new lead takes any first status */
	lc_state_free(f->cur);
	assert_int_equal(lc_state_new(&f->cur, f->m), 0);
	crm_d(f, "lead_update", "won", NULL);
	assert_valid(f);
}

static void test_lost_reasons(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, "working", NULL);

	crm_d(f, "lose_lead", "lost", NULL);
	assert_only(f, LC_V_REASON_REQUIRED); /* once, though status and state both ask */
	assert_non_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "price"));
	assert_null(strstr(lc_table_text(lc_violations_table(f->v), 0, 3), "exit_only"));
	crm_d(f, "lose_lead", "lost", "exit_only");
	assert_only(f, LC_V_REASON_NOT_ALLOWED);
	crm_d(f, "lose_lead", "lost", "price");
	assert_valid(f);
	crm_d(f, "lose_lead", "lost", "other"); /* Other needs a note */
	assert_only(f, LC_V_NOTE_REQUIRED);
	assert_int_equal(lc_disposition_set_note(f->d, "Moved abroad."), 0);
	assert_valid(f);
	crm_d(f, "lead_update", "new", "price"); /* not lost: no reason */
	assert_only(f, LC_V_REASON_NOT_ALLOWED);
	/* a lost lead worked on later keeps its reason; none is asked again */
	cur_set(f, NULL, "lost", NULL);
	crm_d(f, "call", NULL, NULL);
	assert_valid(f);
	/* a lost state is not checked by lc_validate_state (no reason is held) */
	assert_int_equal(lc_validate_state(f->m, f->cur, f->v), 0);
}

static void test_completion_stamp(void **state)
{
	fx *f = *state;
	cur_set(f, NULL, "won", NULL);
	assert_int_equal(lc_state_set_time(f->cur, LC_STATE_TIME_COMPLETED_AT, LC_TIME_NONE), 0);

	crm_d(f, "complete", "done", NULL);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->next, f->v), 0);
	assert_string_equal(lc_state_get(f->next, LC_AXIS_LIFECYCLE), "completed");
	assert_true(lc_state_time(f->next, LC_STATE_TIME_COMPLETED_AT) == T0);
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_COMPLETED_AT) == LC_TIME_NONE);

	/* the terminal status is left only by a crossing out of its state */
	crm_d(f, "lead_update", "working", NULL);
	assert_int_equal(lc_validate(f->m, f->next, f->d, T0 + DAY, f->v), LC_EINVALID);
	assert_int_equal(has(f, LC_V_TERMINAL), 1);
	assert_int_equal(has(f, LC_V_LIFECYCLE_CROSSING), 1);
	assert_int_equal(lc_table_row_count(lc_violations_table(f->v)), 2);
	crm_d(f, "call", NULL, NULL); /* working on it without moving it is fine */
	assert_int_equal(lc_validate(f->m, f->next, f->d, T0 + DAY, f->v), 0);
	crm_d(f, "reopen", "working", NULL);
	assert_int_equal(lc_transition(f->m, f->next, f->d, T0 + DAY, f->next, f->v), 0);
	assert_string_equal(lc_state_get(f->next, LC_AXIS_LIFECYCLE), "open");
	assert_true(lc_state_time(f->next, LC_STATE_TIME_COMPLETED_AT) == LC_TIME_NONE);

	/* staying completed keeps the stamp: nothing to cross */
	lc_state_free(f->cur);
	assert_int_equal(lc_state_new(&f->cur, f->m), 0);
	crm_d(f, "lead_update", "done", NULL); /* first status: no crossing */
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0, f->cur, f->v), 0);
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_COMPLETED_AT) == T0);
	crm_d(f, "lead_update", NULL, NULL);
	assert_int_equal(lc_transition(f->m, f->cur, f->d, T0 + DAY, f->cur, f->v), 0);
	assert_true(lc_state_time(f->cur, LC_STATE_TIME_COMPLETED_AT) == T0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_violation_keys),
		cmocka_unit_test(test_violations_list),
		cmocka_unit_test_setup_teardown(test_list_reuse, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_state_basics, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_state_derived_axes, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_disposition_basics, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_no_allocation_per_call, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_action_required, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_combination, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_follow_up, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_note_required, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_action_blocked, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_deprecated, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_and_transition_table, setup_lm,
						teardown),
		cmocka_unit_test_setup_teardown(test_every_violation_listed, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_validate_state, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_values, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_value_axis_gone, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_follow_up_kept_value, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_validate_new_state, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_transition_follow_up, setup_lm, teardown),
		cmocka_unit_test_setup_teardown(test_outcome_first_value, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_outcome_progressing, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_outcome_go_back_and_required, setup_pt,
						teardown),
		cmocka_unit_test_setup_teardown(test_outcome_no_change, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_outcome_exiting, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_outcome_closed_values, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_contact_ended, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_repeatable_counter, setup_pt, teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle_crossing, setup_crm, teardown),
		cmocka_unit_test_setup_teardown(test_stage_tied_to_lifecycle, setup_deals, teardown),
		cmocka_unit_test(test_outcome_closed_won),
		cmocka_unit_test_setup_teardown(test_crossing_picks_status, setup_crm, teardown),
		cmocka_unit_test_setup_teardown(test_lost_reasons, setup_crm, teardown),
		cmocka_unit_test_setup_teardown(test_completion_stamp, setup_crm, teardown),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
