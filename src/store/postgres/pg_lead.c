/*
 * The PostgreSQL backend's leads, events and queries. Records are filled and
 * read with the public getters, setters and `lc_*_sys_*` functions only.
 * Round trips are what costs on a server, so a lead is read with its lists
 * and notes in one pipeline, lists are written in one, iterators read pages
 * of rows, worklists send their three parts at once, and bulk inserts take
 * their ids in one query and send every row in pipelines.
 */
#include <stdio.h>
#include <string.h>

#include "pg_internal.h"

static const lc_axis state_axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
				      LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
static const lc_axis event_axes[] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
				      LC_AXIS_STAGE, LC_AXIS_REASON };

/* List kinds as stored in lead_items.kind (notes live in lead_notes). */
static const char *const item_kinds[LC_LEAD_NOTES] = {
	"product", "team", "competitor", "activity", "attribute",
};

/* Columns of a lead row (PG_LEAD_COLS). */
enum {
	C_ID, C_EXTERNAL_ID, C_VERSION, C_CREATED_AT, C_TOUCHED_AT, C_RECYCLED,
	C_PROBABILITY = 18, C_AMOUNT, C_CURRENCY, C_START, C_EXPECTED, C_ACTUAL, C_UNIT, C_AGENT,
	C_DNC, C_DNE, C_AUTO, C_MILESTONE, C_STATUS, C_PHASE, C_STAGE, C_LIFECYCLE, C_FOLLOW_UP,
	C_COUNTS, C_ITEM_COUNT, C_NOTE_COUNT, C_ACCOUNT
};

static int text_col(int f)
{
	return f == LC_LEAD_EXTERNAL_ID ? C_EXTERNAL_ID : f == LC_LEAD_ACCOUNT ? C_ACCOUNT : 5 + f;
}

/* Rows read from a page per iterator step. */
#define PG_PAGE 256

/* ---- reading leads ---- */

int lc__pg_fill_lead(const PGresult *r, int row, lc_lead *lead)
{
	static const uint32_t flags[] = { LC_LEAD_DO_NOT_CALL, LC_LEAD_DO_NOT_EMAIL,
					  LC_LEAD_AUTOMATION_STOPPED };
	lc_state *st = lc_lead_sys_state(lead);
	const char *v;
	int rc;

	if ((rc = lc_lead_sys_set_meta(lead, lc__pg_i64(r, row, C_ID), lc__pg_i64(r, row, C_VERSION),
				       lc__pg_time(r, row, C_CREATED_AT),
				       lc__pg_time(r, row, C_TOUCHED_AT),
				       lc__pg_bool(r, row, C_RECYCLED))))
		return rc;
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if ((v = lc__pg_text(r, row, text_col(f))) &&
		    (rc = lc_lead_set_text(lead, (lc_lead_text_field)f, v)))
			return rc;
	if (!PQgetisnull(r, row, C_PROBABILITY) &&
	    (rc = lc_lead_set_probability(lead, (int32_t)lc__pg_i64(r, row, C_PROBABILITY))))
		return rc;
	if ((v = lc__pg_text(r, row, C_CURRENCY)) &&
	    (rc = lc_lead_set_amount(lead, lc__pg_i64(r, row, C_AMOUNT), v)))
		return rc;
	if ((rc = lc_lead_set_date(lead, LC_LEAD_START, lc__pg_time(r, row, C_START))) ||
	    (rc = lc_lead_set_date(lead, LC_LEAD_EXPECTED_COMPLETION,
				   lc__pg_time(r, row, C_EXPECTED))) ||
	    (rc = lc_lead_set_date(lead, LC_LEAD_ACTUAL_COMPLETION, lc__pg_time(r, row, C_ACTUAL))) ||
	    (rc = lc_lead_set_unit(lead, lc__pg_i64(r, row, C_UNIT))) ||
	    (rc = lc_lead_set_agent(lead, lc__pg_i64(r, row, C_AGENT))))
		return rc;
	for (size_t i = 0; i < LC_ARRAY_LEN(flags); i++)
		if ((rc = lc_lead_set_flag(lead, flags[i], lc__pg_bool(r, row, C_DNC + (int)i))))
			return rc;
	if (!st)
		return 0;
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++)
		if ((rc = lc_state_set_stored(st, state_axes[i],
					      lc__pg_text(r, row, C_MILESTONE + (int)i), NULL)))
			return rc;
	if ((rc = lc_state_set_time(st, LC_STATE_TIME_FOLLOW_UP, lc__pg_time(r, row, C_FOLLOW_UP))))
		return rc;
	return lc__pg_counts_parse(st, lc__pg_text(r, row, C_COUNTS));
}

/* One row of lead_items (lead_id, kind, a, b, t) into its list. */
int lc__pg_add_item(lc_lead *lead, const PGresult *r, int i)
{
	const char *kind = lc__pg_text(r, i, 1), *a = lc__pg_text(r, i, 2);
	const char *b = lc__pg_text(r, i, 3);

	if (!kind || !a)
		return 0;
	if (strcmp(kind, "product") == 0)
		return lc_lead_product_add(lead, a, b);
	if (strcmp(kind, "team") == 0)
		return lc_lead_name_add(lead, LC_LEAD_TEAM, a);
	if (strcmp(kind, "competitor") == 0)
		return lc_lead_name_add(lead, LC_LEAD_COMPETITORS, a);
	if (strcmp(kind, "activity") == 0)
		return lc_lead_activity_add(lead, a, lc__pg_time(r, i, 4), b);
	if (strcmp(kind, "attribute") == 0)
		return lc_lead_attr_set(lead, a, b ? b : "");
	return 0;
}

/* One row of lead_notes (lead_id, at, author, text). */
int lc__pg_add_note(lc_lead *lead, const PGresult *r, int i)
{
	const char *text = lc__pg_text(r, i, 3);

	return text ? lc_lead_sys_add_note(lead, lc__pg_time(r, i, 1), lc__pg_text(r, i, 2), text) : 0;
}

typedef struct get_ctx {
	lc_lead *lead;
	bool found;
} get_ctx;

static int on_lead(void *ud, const PGresult *r)
{
	get_ctx *g = ud;

	if (PQntuples(r) == 0)
		return 0;
	g->found = true;
	return lc__pg_fill_lead(r, 0, g->lead);
}

static int on_items(void *ud, const PGresult *r)
{
	get_ctx *g = ud;
	int rc = 0;

	for (int i = 0; g->found && i < PQntuples(r) && !rc; i++)
		rc = lc__pg_add_item(g->lead, r, i);
	return rc;
}

static int on_notes(void *ud, const PGresult *r)
{
	get_ctx *g = ud;
	int rc = 0;

	for (int i = 0; g->found && i < PQntuples(r) && !rc; i++)
		rc = lc__pg_add_note(g->lead, r, i);
	return rc;
}

int lc__pg_lead_get(void *be, lc_id id, lc_lead *out)
{
	lc_pg *s = be;
	lc_pg_params p = { 0 };
	get_ctx g = { out, false };
	int rc;

	/* Write-behind answers what it wrote or found. */
	if ((rc = lc__pg_wb_lead_get(s, id, out)) != 1)
		return rc;
	/* The row, its lists and its notes in one round trip. */
	lc__pg_p_i64(&p, id);
	if (!(rc = lc__pg_batch_begin(s))) {
		lc__pg_batch_send(s, s->writing ? PG_LEAD_GET_LOCK : PG_LEAD_GET, &p, on_lead, &g);
		lc__pg_batch_send(s, PG_ITEMS_GET, &p, on_items, &g);
		lc__pg_batch_send(s, PG_NOTES_GET, &p, on_notes, &g);
		rc = lc__pg_batch_end(s, "reading a lead");
	}
	if (rc)
		return rc;
	return g.found ? 0 : LC_ENOTFOUND;
}

int lc__pg_lead_find(void *be, const char *external_id, lc_lead *out)
{
	lc_pg *s = be;
	lc_pg_params p = { 0 };
	PGresult *r = NULL;
	get_ctx g = { out, true };
	bool items, notes;
	int rc;

	lc__pg_p_text(&p, external_id);
	if ((rc = lc__pg_exec(s, s->writing ? PG_LEAD_GET_EXTERNAL_LOCK : PG_LEAD_GET_EXTERNAL, &p,
			      "reading a lead", &r)))
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return LC_ENOTFOUND;
	}
	rc = lc__pg_fill_lead(r, 0, out);
	items = lc__pg_i64(r, 0, C_ITEM_COUNT) > 0;
	notes = lc__pg_i64(r, 0, C_NOTE_COUNT) > 0;
	PQclear(r);
	if (rc || (!items && !notes))
		return rc;
	p.n = 0;
	lc__pg_p_i64(&p, lc_lead_number(out, LC_LEAD_NUM_ID));
	if ((rc = lc__pg_batch_begin(s)))
		return rc;
	if (items)
		lc__pg_batch_send(s, PG_ITEMS_GET, &p, on_items, &g);
	if (notes)
		lc__pg_batch_send(s, PG_NOTES_GET, &p, on_notes, &g);
	return lc__pg_batch_end(s, "reading a lead");
}

int lc__pg_lead_find_many(void *be, lc_lead_text_field field, const char *const *keys, size_t n,
			  lc_id *ids)
{
	lc_pg *s = be;
	lc_pg_params p = { 0 };
	PGresult *r = NULL;
	lc_buf arr;
	int rc;

	for (size_t i = 0; i < n; i++)
		ids[i] = 0;
	lc__buf_init(&arr);
	if (!lc__pg_text_array(&arr, keys, n)) {
		lc__buf_free(&arr);
		return LC_ENOMEM;
	}
	lc__pg_p_text(&p, arr.data);
	rc = lc__pg_exec(s, field == LC_LEAD_EMAIL ? PG_LEAD_FIND_EMAIL : PG_LEAD_FIND_EXTERNAL, &p,
			 "looking leads up", &r);
	lc__buf_free(&arr);
	if (rc)
		return rc;
	for (int row = 0; row < PQntuples(r); row++) {
		int64_t i = lc__pg_i64(r, row, 0);
		if (i >= 1 && (uint64_t)i <= n)
			ids[i - 1] = lc__pg_i64(r, row, 1);
	}
	PQclear(r);
	/* Write-behind reads the leads found whole, for the reads that follow. */
	return lc__pg_wb_prefetch(s, ids, n);
}

/* ---- writing leads ---- */

static size_t item_total(const lc_lead *lead)
{
	size_t n = 0;

	for (int l = 0; l < LC_LEAD_NOTES; l++)
		n += lc_lead_list_count(lead, (lc_lead_list)l);
	return n;
}

void lc__pg_add_list_rows(lc_pg *s, const lc_lead *lead)
{
	lc_pg_params p;

	for (int l = 0; l < LC_LEAD_NOTES; l++)
		for (size_t i = 0; i < lc_lead_list_count(lead, (lc_lead_list)l); i++) {
			lc_lead_entry e = LC_LEAD_ENTRY_INIT;

			lc_lead_list_get(lead, (lc_lead_list)l, i, &e);
			p.n = 0;
			lc__pg_p_i64(&p, lc_lead_number(lead, LC_LEAD_NUM_ID));
			lc__pg_p_text(&p, item_kinds[l]);
			lc__pg_p_i64(&p, (int64_t)i);
			lc__pg_p_text(&p, e.text);
			lc__pg_p_text(&p, e.detail);
			lc__pg_p_time(&p, e.time);
			lc__pg_rows_add(s, &p);
		}
}

/* A new lead's notes, one statement each (rare in imports). */
int lc__pg_send_notes(lc_pg *s, const lc_lead *lead)
{
	lc_pg_params p;
	int rc = 0;

	for (size_t i = 0; !rc && i < lc_lead_list_count(lead, LC_LEAD_NOTES); i++) {
		lc_lead_entry e = LC_LEAD_ENTRY_INIT;

		lc_lead_list_get(lead, LC_LEAD_NOTES, i, &e);
		p.n = 0;
		lc__pg_p_i64(&p, lc_lead_number(lead, LC_LEAD_NUM_ID));
		lc__pg_p_time(&p, e.time);
		lc__pg_p_text(&p, e.detail);
		lc__pg_p_text(&p, e.text);
		rc = lc__pg_batch_send(s, PG_NOTE_INSERT, &p, NULL, NULL);
	}
	return rc;
}

/* Send the insert of a lead's lists (one statement) and, for a new lead,
 * of its notes. */
static void send_lists(lc_pg *s, const lc_lead *lead, bool notes)
{
	lc_pg_params p;

	lc__pg_rows_begin(s, 6);
	lc__pg_add_list_rows(s, lead);
	if (s->rows_n && lc__pg_rows_params(s, &p))
		s->batch_rc = s->batch_rc ? s->batch_rc : LC_ENOMEM;
	else if (s->rows_n)
		lc__pg_batch_send(s, PG_ITEM_INSERT, &p, NULL, NULL);
	if (notes)
		lc__pg_send_notes(s, lead);
}

/* The 38 values of PG_LEAD_INSERT (LEAD_INSERT_COLS); the account, added
 * later, comes last. */
static void bind_new_lead(lc_pg *s, lc_pg_params *p, const lc_lead *lead)
{
	const lc_state *st = lc_lead_state(lead);
	uint32_t flags = (uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS);
	const char *cur = lc_lead_currency(lead);

	p->n = 0;
	lc__pg_p_text(p, lc_lead_text(lead, LC_LEAD_EXTERNAL_ID));
	lc__pg_p_i64(p, lc_lead_number(lead, LC_LEAD_NUM_VERSION));
	lc__pg_p_time(p, lc_lead_number(lead, LC_LEAD_NUM_CREATED_AT));
	lc__pg_p_time(p, lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT));
	lc__pg_p_bool(p, (flags & LC_LEAD_RECYCLED) != 0);
	for (int f = 1; f < LC_LEAD_ACCOUNT; f++)
		lc__pg_p_text(p, lc_lead_text(lead, (lc_lead_text_field)f));
	if ((int32_t)lc_lead_number(lead, LC_LEAD_NUM_PROBABILITY) >= 0)
		lc__pg_p_i64(p, (int32_t)lc_lead_number(lead, LC_LEAD_NUM_PROBABILITY));
	else
		lc__pg_p_text(p, NULL);
	if (cur)
		lc__pg_p_i64(p, lc_lead_number(lead, LC_LEAD_NUM_AMOUNT));
	else
		lc__pg_p_text(p, NULL);
	lc__pg_p_text(p, cur);
	lc__pg_p_time(p, lc_lead_date(lead, LC_LEAD_START));
	lc__pg_p_time(p, lc_lead_date(lead, LC_LEAD_EXPECTED_COMPLETION));
	lc__pg_p_time(p, lc_lead_date(lead, LC_LEAD_ACTUAL_COMPLETION));
	lc__pg_p_id(p, lc_lead_number(lead, LC_LEAD_NUM_UNIT));
	lc__pg_p_id(p, lc_lead_number(lead, LC_LEAD_NUM_AGENT));
	lc__pg_p_bool(p, (flags & LC_LEAD_DO_NOT_CALL) != 0);
	lc__pg_p_bool(p, (flags & LC_LEAD_DO_NOT_EMAIL) != 0);
	lc__pg_p_bool(p, (flags & LC_LEAD_AUTOMATION_STOPPED) != 0);
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++)
		lc__pg_p_text(p, st ? lc_state_get(st, state_axes[i]) : NULL);
	lc__pg_p_time(p, st ? lc_state_time(st, LC_STATE_TIME_FOLLOW_UP) : LC_TIME_NONE);
	lc__pg_p_text(p, st ? lc__pg_counts_format(&s->counts[0], st) : NULL);
	lc__pg_p_i64(p, (int64_t)item_total(lead));
	lc__pg_p_i64(p, (int64_t)lc_lead_list_count(lead, LC_LEAD_NOTES));
	lc__pg_p_text(p, lc_lead_text(lead, LC_LEAD_ACCOUNT));
}

static int external_taken(const lc_lead *lead)
{
	return lc__error(LC_EEXISTS, "a lead with the external id '%s' already exists",
			 lc_lead_text(lead, LC_LEAD_EXTERNAL_ID));
}

void lc__pg_bind_new_lead(lc_pg *s, lc_pg_params *p, const lc_lead *lead)
{
	bind_new_lead(s, p, lead);
	lc__pg_p_i64(p, lc_lead_number(lead, LC_LEAD_NUM_ID));
}

int lc__pg_send_insert(lc_pg *s, const lc_lead *lead)
{
	lc_id id = lc_lead_number(lead, LC_LEAD_NUM_ID);
	lc_pg_params p;
	int rc;

	lc__pg_bind_new_lead(s, &p, lead);
	if ((rc = lc__pg_wb_send(s, PG_LEAD_INSERT_ID, &p, PG_CHECK_ROW, id)))
		return rc;
	send_lists(s, lead, true);
	return 0;
}

int lc__pg_lead_insert(void *be, lc_lead *lead)
{
	lc_pg *s = be;
	lc_pg_params p;
	PGresult *r = NULL;
	int rc;

	if (s->wb) { /* the id from the reserved block; the row sent later */
		lc_id id;
		if ((rc = lc__pg_wb_take_id(s, 0, &id)) || (rc = lc_lead_sys_set_id(lead, id)))
			return rc;
		return lc__pg_wb_wrote(s, lead, LC_STORAGE_PART_ALL, true);
	}
	lc__pg_wb_drop_ids(s, 0); /* ids stay in the order leads are made */
	bind_new_lead(s, &p, lead);
	if ((rc = lc__pg_exec(s, PG_LEAD_INSERT, &p, "storing the lead", &r)))
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return external_taken(lead);
	}
	rc = lc_lead_sys_set_id(lead, lc__pg_i64(r, 0, 0));
	PQclear(r);
	if (rc || (item_total(lead) == 0 && lc_lead_list_count(lead, LC_LEAD_NOTES) == 0))
		return rc;
	if ((rc = lc__pg_batch_begin(s)))
		return rc;
	send_lists(s, lead, true);
	return lc__pg_batch_end(s, "storing the lead's lists");
}

/* Why an UPDATE that checks the replaced version changed no row. */
static int update_missed(lc_pg *s, const lc_lead *lead, int64_t replaced)
{
	lc_pg_params p = { 0 };
	PGresult *r = NULL;
	int64_t now;
	int rc;

	lc__pg_p_i64(&p, lc_lead_number(lead, LC_LEAD_NUM_ID));
	lc__pg_p_text(&p, lc_lead_text(lead, LC_LEAD_EXTERNAL_ID));
	if ((rc = lc__pg_exec(s, PG_LEAD_PROBE, &p, "writing the lead", &r)))
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return lc__error(LC_ENOTFOUND, "the lead to update is not in the store");
	}
	now = lc__pg_i64(r, 0, 0);
	rc = lc__pg_i64(r, 0, 1) > 0 && now == replaced;
	PQclear(r);
	if (rc)
		return external_taken(lead);
	return lc__error(LC_ECONFLICT,
			 "lead %lld was written by another connection meanwhile (it is at version "
			 "%lld, this write replaces version %lld); read it again and retry",
			 (long long)lc_lead_number(lead, LC_LEAD_NUM_ID), (long long)now, (long long)replaced);
}

static int run_update(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, const lc_lead *lead,
		      int64_t replaced)
{
	long changed;
	int rc;

	if (s->wb)
		return lc__pg_wb_send(s, which, p, PG_CHECK_CHANGED,
				      lc_lead_number(lead, LC_LEAD_NUM_ID));
	rc = lc__pg_exec_changed(s, which, p, "writing the lead", &changed);

	if (rc)
		return rc;
	return changed == 1 ? 0 : update_missed(s, lead, replaced);
}

static void bind_meta(lc_pg_params *p, const lc_lead *lead)
{
	p->n = 0;
	lc__pg_p_i64(p, lc_lead_number(lead, LC_LEAD_NUM_ID));
	lc__pg_p_i64(p, lc_lead_number(lead, LC_LEAD_NUM_VERSION));
	lc__pg_p_bool(p, ((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED) != 0);
	lc__pg_p_time(p, lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT));
}

static int update_fields(lc_pg *s, const lc_lead *lead, int64_t replaced)
{
	uint32_t flags = (uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS);
	const char *cur = lc_lead_currency(lead);
	lc_pg_params p;

	bind_meta(&p, lead);
	for (int f = 0; f < LC_LEAD_ACCOUNT; f++)
		lc__pg_p_text(&p, lc_lead_text(lead, (lc_lead_text_field)f));
	if ((int32_t)lc_lead_number(lead, LC_LEAD_NUM_PROBABILITY) >= 0)
		lc__pg_p_i64(&p, (int32_t)lc_lead_number(lead, LC_LEAD_NUM_PROBABILITY));
	else
		lc__pg_p_text(&p, NULL);
	if (cur)
		lc__pg_p_i64(&p, lc_lead_number(lead, LC_LEAD_NUM_AMOUNT));
	else
		lc__pg_p_text(&p, NULL);
	lc__pg_p_text(&p, cur);
	lc__pg_p_time(&p, lc_lead_date(lead, LC_LEAD_START));
	lc__pg_p_time(&p, lc_lead_date(lead, LC_LEAD_EXPECTED_COMPLETION));
	lc__pg_p_id(&p, lc_lead_number(lead, LC_LEAD_NUM_UNIT));
	lc__pg_p_id(&p, lc_lead_number(lead, LC_LEAD_NUM_AGENT));
	lc__pg_p_bool(&p, (flags & LC_LEAD_DO_NOT_CALL) != 0);
	lc__pg_p_bool(&p, (flags & LC_LEAD_DO_NOT_EMAIL) != 0);
	lc__pg_p_bool(&p, (flags & LC_LEAD_AUTOMATION_STOPPED) != 0);
	lc__pg_p_i64(&p, replaced);
	lc__pg_p_text(&p, lc_lead_text(lead, LC_LEAD_ACCOUNT));
	return run_update(s, PG_LEAD_UPDATE_FIELDS, &p, lead, replaced);
}

static int update_state(lc_pg *s, const lc_lead *lead, const lc_state *st, int64_t replaced)
{
	lc_pg_params p;

	bind_meta(&p, lead);
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++)
		lc__pg_p_text(&p, lc_state_get(st, state_axes[i]));
	lc__pg_p_time(&p, lc_state_time(st, LC_STATE_TIME_FOLLOW_UP));
	lc__pg_p_time(&p, lc_state_time(st, LC_STATE_TIME_COMPLETED_AT));
	lc__pg_p_text(&p, lc__pg_counts_format(&s->counts[0], st));
	lc__pg_p_i64(&p, replaced);
	return run_update(s, PG_LEAD_UPDATE_STATE, &p, lead, replaced);
}

/* Write `parts` of a lead whose row holds version `replaced`. */
int lc__pg_send_update(lc_pg *s, const lc_lead *lead, unsigned parts, int64_t replaced)
{
	const lc_state *st = lc_lead_state(lead);
	lc_pg_params p;
	int rc = 0;

	if (parts & LC_STORAGE_PART_FIELDS) {
		if ((rc = update_fields(s, lead, replaced)))
			return rc;
		replaced = lc_lead_number(lead, LC_LEAD_NUM_VERSION);
	}
	if ((parts & LC_STORAGE_PART_STATE) && st) {
		if ((rc = update_state(s, lead, st, replaced)))
			return rc;
		replaced = lc_lead_number(lead, LC_LEAD_NUM_VERSION);
	}
	if (replaced != lc_lead_number(lead, LC_LEAD_NUM_VERSION)) {
		bind_meta(&p, lead);
		lc__pg_p_i64(&p, replaced);
		if ((rc = run_update(s, PG_LEAD_UPDATE_META, &p, lead, replaced)))
			return rc;
	}
	if (parts & LC_STORAGE_PART_LISTS) {
		p.n = 0;
		lc__pg_p_i64(&p, lc_lead_number(lead, LC_LEAD_NUM_ID));
		lc__pg_p_i64(&p, (int64_t)item_total(lead));
		if (s->wb) {
			if ((rc = lc__pg_wb_send(s, PG_ITEMS_DELETE, &p, PG_CHECK_NONE, 0)))
				return rc;
			send_lists(s, lead, false);
		} else {
			if ((rc = lc__pg_batch_begin(s)))
				return rc;
			lc__pg_batch_send(s, PG_ITEMS_DELETE, &p, NULL, NULL);
			send_lists(s, lead, false);
			if ((rc = lc__pg_batch_end(s, "writing the lead's lists")))
				return rc;
		}
	}
	return 0;
}

int lc__pg_lead_update(void *be, const lc_lead *lead, unsigned int parts)
{
	lc_pg *s = be;
	int rc;

	/* Write-behind keeps a lead it knows and sends its last version once. */
	if (s->wb && (rc = lc__pg_wb_wrote(s, lead, parts, false)) != 1)
		return rc;
	/* The core raises the version by one at every write: the row must still
	 * hold the one before, or another connection wrote it meanwhile. */
	return lc__pg_send_update(s, lead, parts, lc_lead_number(lead, LC_LEAD_NUM_VERSION) - 1);
}

int lc__pg_note_append(void *be, lc_id lead, lc_time time, const char *author, const char *text)
{
	lc_pg *s = be;
	lc_pg_params p = { 0 };
	long changed;
	int rc;

	lc__pg_p_i64(&p, lead);
	lc__pg_p_time(&p, time);
	lc__pg_p_text(&p, author);
	lc__pg_p_text(&p, text);
	if (s->wb) {
		lc__pg_wb_forget(s, lead);
		return lc__pg_wb_send(s, PG_NOTE_APPEND, &p, PG_CHECK_CHANGED, lead);
	}
	if ((rc = lc__pg_exec_changed(be, PG_NOTE_APPEND, &p, "storing the note", &changed)))
		return rc;
	return changed == 1 ? 0
			    : lc__error(LC_ENOTFOUND, "the lead to add a note to is not in the store");
}

/* ---- events ---- */

static void bind_state(lc_pg *s, lc_pg_params *p, const lc_state *st, int buf)
{
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++)
		lc__pg_p_text(p, st ? lc_state_get(st, state_axes[i]) : NULL);
	lc__pg_p_time(p, st ? lc_state_time(st, LC_STATE_TIME_FOLLOW_UP) : LC_TIME_NONE);
	lc__pg_p_time(p, st ? lc_state_time(st, LC_STATE_TIME_COMPLETED_AT) : LC_TIME_NONE);
	lc__pg_p_i64(p, st ? lc_state_flags(st) : 0);
	lc__pg_p_text(p, st ? lc__pg_counts_format(&s->counts[buf], st) : NULL);
}

static void bind_event(lc_pg *s, lc_pg_params *p, const lc_event *ev)
{
	lc_outcome o = (lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME);

	p->n = 0;
	lc__pg_p_i64(p, lc_event_number(ev, LC_EVENT_NUM_LEAD));
	lc__pg_p_i64(p, lc_event_number(ev, LC_EVENT_NUM_SEQ));
	lc__pg_p_i64(p, lc_event_number(ev, LC_EVENT_NUM_TIME));
	lc__pg_p_text(p, lc_event_kind_name((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND)));
	lc__pg_p_text(p, lc_event_text(ev, LC_EVENT_TEXT_ACTOR));
	lc__pg_p_id(p, lc_event_number(ev, LC_EVENT_NUM_MODEL_VERSION));
	for (size_t i = 0; i < LC_ARRAY_LEN(event_axes); i++)
		lc__pg_p_text(p, lc_event_value(ev, event_axes[i]));
	lc__pg_p_text(p, o != LC_OUTCOME_NONE ? lc_outcome_name(o) : NULL);
	lc__pg_p_time(p, lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP));
	lc__pg_p_text(p, lc_event_text(ev, LC_EVENT_TEXT_NOTE));
	lc__pg_p_text(p, lc_event_text(ev, LC_EVENT_TEXT_RULE));
	bind_state(s, p, lc_event_state(ev, 0), 0);
	bind_state(s, p, lc_event_state(ev, 1), 1);
}

static int on_event_id(void *ud, const PGresult *r)
{
	lc_event *ev = ud;

	if (PQntuples(r) != 1)
		return lc__error(LC_ECONFLICT,
				 "lead %lld already has event %lld: another connection wrote the "
				 "lead meanwhile; read it again and retry",
				 (long long)lc_event_number(ev, LC_EVENT_NUM_LEAD), (long long)lc_event_number(ev, LC_EVENT_NUM_SEQ));
	return lc_event_sys_set_id(ev, lc__pg_i64(r, 0, 0));
}

int lc__pg_event_append(void *be, lc_event *ev)
{
	lc_pg *s = be;
	lc_pg_params p;
	PGresult *r = NULL;
	int rc;

	if (s->wb) { /* the id from the reserved block, sent without waiting */
		lc_id id, lead = lc_event_number(ev, LC_EVENT_NUM_LEAD);
		if ((rc = lc__pg_wb_take_id(s, 1, &id)))
			return rc;
		bind_event(s, &p, ev);
		lc__pg_p_i64(&p, id);
		/* After its lead's row, when that is held back. */
		if ((rc = lc__pg_wb_event(s, lead, &p)))
			return rc;
		return lc_event_sys_set_id(ev, id);
	}
	lc__pg_wb_drop_ids(s, 1); /* event ids keep increasing */
	bind_event(s, &p, ev);
	if ((rc = lc__pg_exec(s, PG_EVENT_INSERT, &p, "writing the history event", &r)))
		return rc;
	rc = on_event_id(ev, r);
	PQclear(r);
	return rc;
}

static int read_state(const PGresult *r, int row, int first, lc_state *st)
{
	int rc;

	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++)
		if ((rc = lc_state_set_stored(st, state_axes[i], lc__pg_text(r, row, first + (int)i), NULL)))
			return rc;
	if ((rc = lc_state_set_time(st, LC_STATE_TIME_FOLLOW_UP, lc__pg_time(r, row, first + 5))) ||
	    (rc = lc_state_set_time(st, LC_STATE_TIME_COMPLETED_AT,
				    lc__pg_time(r, row, first + 6))) ||
	    (rc = lc_state_set_flags(st, (uint32_t)lc__pg_i64(r, row, first + 7))))
		return rc;
	return lc__pg_counts_parse(st, lc__pg_text(r, row, first + 8));
}

int lc__pg_fill_event(const PGresult *r, int row, lc_event *out)
{
	lc_event_kind kind = LC_EVENT_SYSTEM;
	lc_outcome outcome = LC_OUTCOME_NONE;
	const char *t;
	int rc;

	if ((t = lc__pg_text(r, row, 4)) && lc_event_kind_parse(t, &kind))
		return lc__error(LC_ECORRUPT, "event %lld has an unknown kind '%s'",
				 (long long)lc__pg_i64(r, row, 0), t);
	if ((t = lc__pg_text(r, row, 12)) && lc_outcome_parse(t, &outcome))
		return lc__error(LC_ECORRUPT, "event %lld has an unknown outcome '%s'",
				 (long long)lc__pg_i64(r, row, 0), t);
	if ((rc = lc_event_sys_set_meta(out, lc__pg_i64(r, row, 0), lc__pg_i64(r, row, 1),
					lc__pg_i64(r, row, 2), lc__pg_i64(r, row, 3), kind,
					lc__pg_i64(r, row, 6), outcome, lc__pg_time(r, row, 13))) ||
	    (rc = lc_event_sys_set_text(out, LC_EVENT_TEXT_ACTOR, lc__pg_text(r, row, 5))) ||
	    (rc = lc_event_sys_set_text(out, LC_EVENT_TEXT_NOTE, lc__pg_text(r, row, 14))) ||
	    (rc = lc_event_sys_set_text(out, LC_EVENT_TEXT_RULE, lc__pg_text(r, row, 15))))
		return rc;
	for (size_t i = 0; i < LC_ARRAY_LEN(event_axes); i++)
		if ((rc = lc_event_sys_set_value(out, event_axes[i], lc__pg_text(r, row, 7 + (int)i))))
			return rc;
	if ((rc = read_state(r, row, 16, lc_event_sys_state(out, 0))))
		return rc;
	return read_state(r, row, 25, lc_event_sys_state(out, 1));
}

/* ---- iterators: pages read by key, so that they survive the handle's
 * writes and transactions in between ---- */

typedef struct pg_cursor {
	bool events;
	lc_id lead;          /* events: the lead, or 0 */
	lc_id after;         /* the last id returned */
	const lc_query *q;   /* leads: the core's query, alive until close */
	size_t left;         /* leads: how many more the query's limit allows (0: no limit) */
	bool limited, done;
	char *sql;           /* leads: the page query */
	PGresult *page, *items, *notes;
	int row, item, note;
	/* events: a history write-behind holds (rows [crow, cend) of cres),
	 * valid while the same write-behind (gen) runs */
	bool ctried;
	const PGresult *cres;
	int crow, cend;
	unsigned gen;
} pg_cursor;

int lc__pg_event_iter_open(void *be, lc_id lead, lc_id after, void **cursor)
{
	pg_cursor *c = lc__calloc(1, sizeof *c);

	(void)be;
	*cursor = c;
	if (!c)
		return LC_ENOMEM;
	c->events = true;
	c->lead = lead;
	c->after = after;
	return 0;
}

static void page_clear(pg_cursor *c)
{
	PQclear(c->page);
	PQclear(c->items);
	PQclear(c->notes);
	c->page = c->items = c->notes = NULL;
	c->row = c->item = c->note = 0;
}

/* The next event from write-behind's copy of the lead's history: 1, 0 at
 * its end, an error, or 2 when the copy cannot answer (read the server). */
static int cached_event(lc_pg *s, pg_cursor *c, lc_event *out)
{
	int first, n, rc;
	lc_id id;

	if (!c->ctried) {
		c->ctried = true;
		if (c->lead && !c->page && (c->cres = lc__pg_wb_history(s, c->lead, &first, &n))) {
			c->crow = first;
			c->cend = first + n;
			c->gen = s->wb_gen;
			while (c->crow < c->cend && lc__pg_i64(c->cres, c->crow, 0) <= c->after)
				c->crow++;
		}
	}
	if (!c->cres)
		return 2;
	/* The write-behind ended, or wrote an event of this lead: go on from
	 * the server after the last event returned. */
	if (c->gen != s->wb_gen || !lc__pg_wb_history(s, c->lead, &first, &n)) {
		c->cres = NULL;
		return 2;
	}
	if (c->crow >= c->cend)
		return 0;
	id = lc__pg_i64(c->cres, c->crow, 0);
	c->crow++;
	c->after = id;
	rc = lc__pg_fill_event(c->cres, c->crow - 1, out);
	return rc ? rc : 1;
}

int lc__pg_event_iter_next(void *be, void *cursor, lc_event *out)
{
	lc_pg *s = be;
	pg_cursor *c = cursor;
	lc_pg_params p = { 0 };
	int rc;

	if ((rc = cached_event(s, c, out)) != 2)
		return rc;
	if (!c->page || c->row >= PQntuples(c->page)) {
		if (c->done)
			return 0;
		page_clear(c);
		if (c->lead)
			lc__pg_p_i64(&p, c->lead);
		lc__pg_p_i64(&p, c->after);
		lc__pg_p_i64(&p, PG_PAGE);
		if ((rc = lc__pg_exec(s, c->lead ? PG_EVENTS_OF_LEAD : PG_EVENTS_ALL, &p,
				      "reading the history", &c->page)))
			return rc;
		c->done = PQntuples(c->page) < PG_PAGE;
		if (PQntuples(c->page) == 0)
			return 0;
	}
	if ((rc = lc__pg_fill_event(c->page, c->row, out)))
		return rc;
	c->after = lc__pg_i64(c->page, c->row, 0);
	c->row++;
	return 1;
}

static const char *const state_cols[LC_AXIS_COUNT] = {
	[LC_AXIS_MILESTONE] = "milestone", [LC_AXIS_STATUS] = "status", [LC_AXIS_PHASE] = "phase",
	[LC_AXIS_STAGE] = "stage",         [LC_AXIS_LIFECYCLE] = "lifecycle",
};

static const char *const text_cols[LC_LEAD_TEXT_COUNT] = {
	"external_id", "name",     "email",  "phone",       "company",     "type",    "category",
	"priority",    "importance", "source", "lost_reason", "owner_group", "segment",
	"account",
};

/* " WHERE ..." for a query's conditions (not paging), from fixed fragments;
 * the values go to p, numbered in the order they come. */
static void where(lc_buf *b, lc_pg_params *p, const lc_query *q)
{
	lc_time from, to;
	const char *key, *v;

	lc__buf_puts(b, " WHERE true");
	switch (lc_query_recycled(q)) {
	case LC_RECYCLED_EXCLUDE: lc__buf_puts(b, " AND NOT recycled"); break;
	case LC_RECYCLED_ONLY: lc__buf_puts(b, " AND recycled"); break;
	case LC_RECYCLED_INCLUDE: break;
	}
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		if (state_cols[a] && (v = lc_query_value(q, (lc_axis)a))) {
			lc__pg_p_text(p, v);
			lc__buf_printf(b, " AND %s = $%d", state_cols[a], p->n);
		}
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if ((v = lc_query_text(q, (lc_lead_text_field)f))) {
			lc__pg_p_text(p, v);
			lc__buf_printf(b, " AND %s = $%d", text_cols[f], p->n);
		}
	if (lc_query_agent(q) == LC_QUERY_NONE)
		lc__buf_puts(b, " AND agent_id IS NULL");
	else if (lc_query_agent(q) > 0) {
		lc__pg_p_i64(p, lc_query_agent(q));
		lc__buf_printf(b, " AND agent_id = $%d", p->n);
	}
	if (lc_query_unit(q) == LC_QUERY_NONE)
		lc__buf_puts(b, " AND unit_id IS NULL");
	else if (lc_query_unit(q) > 0) {
		lc__pg_p_i64(p, lc_query_unit(q));
		lc__buf_printf(b, " AND unit_id = $%d", p->n);
	}
	if (lc_query_follow_up(q, &from, &to)) {
		if (from != LC_TIME_NONE) {
			lc__pg_p_i64(p, from);
			lc__buf_printf(b, " AND follow_up >= $%d", p->n);
		}
		if (to != LC_TIME_NONE) {
			lc__pg_p_i64(p, to);
			lc__buf_printf(b, " AND follow_up < $%d", p->n);
		}
	}
	if (lc_query_created(q, &from, &to)) {
		if (from != LC_TIME_NONE) {
			lc__pg_p_i64(p, from);
			lc__buf_printf(b, " AND created_at >= $%d", p->n);
		}
		if (to != LC_TIME_NONE) {
			lc__pg_p_i64(p, to);
			lc__buf_printf(b, " AND created_at < $%d", p->n);
		}
	}
	if ((key = lc_query_attribute(q, &v))) {
		lc__pg_p_text(p, key);
		lc__pg_p_text(p, v);
		lc__buf_printf(b, " AND id IN (SELECT lead_id FROM lead_items WHERE kind = "
				  "'attribute' AND a = $%d AND b = $%d)",
			       p->n - 1, p->n);
	}
}

/* The page query: the conditions, then id > $n ORDER BY id LIMIT $n+1. */
static void page_sql(lc_buf *b, lc_pg_params *p, const lc_query *q)
{
	lc__buf_puts(b, "SELECT " PG_LEAD_COLS " FROM leads");
	where(b, p, q);
	lc__buf_printf(b, " AND id > $%d ORDER BY id LIMIT $%d", p->n + 1, p->n + 2);
}

int lc__pg_lead_iter_open(void *be, const lc_query *q, void **cursor)
{
	pg_cursor *c = lc__calloc(1, sizeof *c);
	lc_pg_params p = { 0 };
	lc_buf b;
	int rc = 0;

	(void)be;
	*cursor = c;
	if (!c)
		return LC_ENOMEM;
	c->q = q;
	c->left = lc_query_page(q, &c->after);
	c->limited = c->left > 0;
	lc__buf_init(&b);
	page_sql(&b, &p, q);
	if ((rc = lc__buf_take(&b, &c->sql, NULL))) {
		lc__free(c);
		*cursor = NULL;
	}
	return rc;
}

/* The ids of a page's leads with lists (col C_ITEM_COUNT) or notes, as an
 * array literal of integers; NULL when none. */
static char *ids_with(const PGresult *r, int col)
{
	lc_buf b;
	char *out = NULL;
	bool any = false;

	lc__buf_init(&b);
	lc__buf_putc(&b, '{');
	for (int i = 0; i < PQntuples(r); i++)
		if (lc__pg_i64(r, i, col) > 0) {
			lc__buf_printf(&b, "%s%lld", any ? "," : "", (long long)lc__pg_i64(r, i, C_ID));
			any = true;
		}
	lc__buf_putc(&b, '}');
	if (!any) {
		lc__buf_free(&b);
		return NULL;
	}
	lc__buf_take(&b, &out, NULL);
	return out;
}

static int read_page(lc_pg *s, pg_cursor *c)
{
	lc_pg_params p = { 0 };
	lc_buf b;
	char *items, *notes;
	size_t want = PG_PAGE;
	int rc;

	page_clear(c);
	if (c->limited && c->left < want)
		want = c->left;
	lc__buf_init(&b);
	where(&b, &p, c->q); /* the values again; the text is already in c->sql */
	lc__buf_free(&b);
	lc__pg_p_i64(&p, c->after);
	lc__pg_p_i64(&p, (int64_t)want);
	if ((rc = lc__pg_exec_sql(s, c->sql, &p, "querying leads", &c->page)))
		return rc;
	c->done = (size_t)PQntuples(c->page) < want;
	items = ids_with(c->page, C_ITEM_COUNT);
	notes = ids_with(c->page, C_NOTE_COUNT);
	if (items || notes) {
		lc_pg_params pi = { 0 }, pn = { 0 };
		lc__pg_p_text(&pi, items);
		lc__pg_p_text(&pn, notes);
		if (items)
			rc = lc__pg_exec(s, PG_ITEMS_OF, &pi, "reading the leads' lists", &c->items);
		if (!rc && notes)
			rc = lc__pg_exec(s, PG_NOTES_OF, &pn, "reading the leads' notes", &c->notes);
	}
	lc__free(items);
	lc__free(notes);
	return rc;
}

int lc__pg_lead_iter_next(void *be, void *cursor, lc_lead *out)
{
	pg_cursor *c = cursor;
	lc_id id;
	int rc;

	if (!c->page || c->row >= PQntuples(c->page)) {
		if (c->done || (c->limited && c->left == 0))
			return 0;
		if ((rc = read_page(be, c)))
			return rc;
		if (PQntuples(c->page) == 0)
			return 0;
	}
	id = lc__pg_i64(c->page, c->row, C_ID);
	rc = lc__pg_fill_lead(c->page, c->row, out);
	/* Lists and notes come ordered by lead id, like the page. */
	for (; c->items && c->item < PQntuples(c->items) && lc__pg_i64(c->items, c->item, 0) <= id;
	     c->item++)
		if (!rc && lc__pg_i64(c->items, c->item, 0) == id)
			rc = lc__pg_add_item(out, c->items, c->item);
	for (; c->notes && c->note < PQntuples(c->notes) && lc__pg_i64(c->notes, c->note, 0) <= id;
	     c->note++)
		if (!rc && lc__pg_i64(c->notes, c->note, 0) == id)
			rc = lc__pg_add_note(out, c->notes, c->note);
	/* A damaged row is reported once; the next call goes on after it, as
	 * on SQLite, so that one bad row does not hide the others. */
	c->after = id;
	c->row++;
	if (c->limited)
		c->left--;
	return rc ? rc : 1;
}

void lc__pg_iter_close(void *be, void *cursor)
{
	pg_cursor *c = cursor;

	(void)be;
	if (!c)
		return;
	page_clear(c);
	lc__free(c->sql);
	lc__free(c);
}

/* ---- native reports ---- */

static const char *group_column(lc_axis k)
{
	switch (k) {
	case LC_AXIS_MILESTONE: return "milestone";
	case LC_AXIS_STATUS: return "status";
	case LC_AXIS_PHASE: return "phase";
	case LC_AXIS_STAGE: return "stage";
	case LC_AXIS_LIFECYCLE: return "lifecycle";
	case LC_AXIS_SOURCE: return "source";
	case LC_AXIS_OWNER_GROUP: return "owner_group";
	case LC_AXIS_SEGMENT: return "segment";
	case LC_AXIS_TYPE: return "type";
	case LC_AXIS_CATEGORY: return "category";
	case LC_AXIS_PRIORITY: return "priority";
	case LC_AXIS_OWNER: return "agent_id::text";
	case LC_AXIS_UNIT: return "unit_id::text";
	default: return NULL;
	}
}

#define MAX_KEYS 16

int lc__pg_count_grouped(void *be, const lc_query *q, const lc_axis *keys, size_t nkeys,
			 lc_group_emit_fn emit, void *ud)
{
	const char *values[MAX_KEYS];
	lc_pg_params p = { 0 };
	PGresult *r = NULL;
	lc_buf b;
	int rc;

	if (nkeys > MAX_KEYS)
		return lc__error(LC_EINVAL, "grouped count: at most %d keys", MAX_KEYS);
	for (size_t i = 0; i < nkeys; i++)
		if (!group_column(keys[i]))
			return lc__error(LC_EINVAL, "grouped count: key %d is not a group key", (int)keys[i]);
	lc__buf_init(&b);
	lc__buf_puts(&b, "SELECT ");
	for (size_t i = 0; i < nkeys; i++)
		lc__buf_printf(&b, "%s, ", group_column(keys[i]));
	lc__buf_puts(&b, "count(*) FROM leads");
	where(&b, &p, q);
	for (size_t i = 0; i < nkeys; i++)
		lc__buf_printf(&b, "%s%zu", i ? ", " : " GROUP BY ", i + 1);
	if (b.failed) {
		lc__buf_free(&b);
		return LC_ENOMEM;
	}
	rc = lc__pg_exec_sql(be, b.data, &p, "running a grouped count", &r);
	lc__buf_free(&b);
	for (int row = 0; !rc && row < PQntuples(r); row++) {
		int64_t n = lc__pg_i64(r, row, (int)nkeys);
		for (size_t i = 0; i < nkeys; i++)
			values[i] = lc__pg_text(r, row, (int)i);
		if (n > 0)
			rc = emit(ud, values, (size_t)n);
	}
	PQclear(r);
	return rc;
}

typedef struct wl_ctx {
	lc_worklist_reason kind;
	lc_worklist_emit_fn emit;
	void *ud;
	size_t *n, limit;
	int *stop;
} wl_ctx;

static int on_worklist(void *ud, const PGresult *r)
{
	wl_ctx *w = ud;

	for (int i = 0; i < PQntuples(r) && !*w->stop; i++) {
		if (w->limit && *w->n >= w->limit)
			return 0;
		*w->stop = w->emit(w->ud, lc__pg_i64(r, i, 0), w->kind, lc__pg_time(r, i, 1));
		(*w->n)++;
	}
	return 0;
}

int lc__pg_worklist(void *be, lc_id agent, lc_time day_start, lc_time day_end, size_t limit,
		    lc_worklist_emit_fn emit, void *ud)
{
	lc_pg *s = be;
	lc_pg_params p[3] = { { 0 }, { 0 }, { 0 } };
	size_t n = 0;
	int stop = 0, rc;
	wl_ctx w[3] = {
		{ LC_WORKLIST_REASON_OVERDUE, emit, ud, &n, limit, &stop },
		{ LC_WORKLIST_REASON_DUE, emit, ud, &n, limit, &stop },
		{ LC_WORKLIST_REASON_NEW, emit, ud, &n, limit, &stop },
	};

	/* The three parts in one round trip, each capped at the limit. */
	for (int i = 0; i < 3; i++) {
		lc__pg_p_i64(&p[i], agent);
		lc__pg_p_i64(&p[i], i == 2 ? day_end : day_start);
		if (i == 1)
			lc__pg_p_i64(&p[i], day_end);
		if (limit)
			lc__pg_p_i64(&p[i], (int64_t)limit);
		else
			lc__pg_p_text(&p[i], NULL); /* LIMIT NULL: no limit */
	}
	if ((rc = lc__pg_batch_begin(s)))
		return rc;
	lc__pg_batch_send(s, PG_WL_OVERDUE, &p[0], on_worklist, &w[0]);
	lc__pg_batch_send(s, PG_WL_DUE, &p[1], on_worklist, &w[1]);
	lc__pg_batch_send(s, PG_WL_NEW, &p[2], on_worklist, &w[2]);
	rc = lc__pg_batch_end(s, "building the worklist");
	return rc ? rc : stop;
}

/* ---- bulk insert: ids in one query, rows in pipelines ---- */

static int on_bulk_lead(void *ud, const PGresult *r)
{
	return PQntuples(r) == 1 ? 0 : external_taken(ud);
}

int lc__pg_bulk_insert(void *be, lc_lead *const *leads, lc_event *const *events, size_t n)
{
	lc_pg *s = be;
	lc_pg_params p = { 0 };
	PGresult *ids = NULL;
	int rc;

	if (n == 0)
		return 0;
	if (n > INT32_MAX)
		return lc__error(LC_ERANGE, "bulk insert: at most %d leads at once", INT32_MAX);
	lc__pg_wb_drop_ids(s, 0);
	lc__pg_p_i64(&p, (int64_t)n);
	if ((rc = lc__pg_exec(s, PG_LEAD_IDS, &p, "reserving lead ids", &ids)))
		return rc;
	if ((size_t)PQntuples(ids) != n) {
		PQclear(ids);
		return lc__error(LC_EIO, "reserving lead ids: the server gave too few");
	}
	for (size_t i = 0; i < n && !rc; i++) {
		rc = lc_lead_sys_set_id(leads[i], lc__pg_i64(ids, (int)i, 0));
		if (!rc)
			rc = lc_event_sys_set_lead(events[i], lc_lead_number(leads[i], LC_LEAD_NUM_ID));
	}
	PQclear(ids);
	if (rc || (rc = lc__pg_batch_begin(s)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		bind_new_lead(s, &p, leads[i]);
		lc__pg_p_i64(&p, lc_lead_number(leads[i], LC_LEAD_NUM_ID));
		if (lc__pg_batch_send(s, PG_LEAD_INSERT_ID, &p, on_bulk_lead, leads[i]))
			break;
		send_lists(s, leads[i], true);
		bind_event(s, &p, events[i]);
		if (lc__pg_batch_send(s, PG_EVENT_INSERT, &p, on_event_id, events[i]))
			break;
	}
	return lc__pg_batch_end(s, "storing the leads");
}
