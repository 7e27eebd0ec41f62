/*
 * Write-behind, the `defer` slot (docs/storage.md, "Write-behind"). Around
 * a batch of the importer's rows, writes go into an open pipeline without
 * waiting for their answers; a lead this mode knows is written once with
 * its last version (its events held back behind its row) when a read must
 * see it or the batch ends; new leads and events take their ids from
 * blocks reserved from the sequences in one query; reads of the leads this
 * mode wrote, or that lead_find_many() found (read whole, locked, with
 * their histories), are answered from memory. The answers are read when a
 * read must go to the server (behind the writes, in the same round trip),
 * when PG_BATCH_MAX statements are in flight, and at the end. The first
 * failure makes every later call fail, and the end (or an abort) rolls back
 * to the savepoint taken at the start, so that the core can write the batch
 * again without the mode, row by row.
 */
#include <stdio.h>
#include <string.h>

#include "pg_internal.h"

/* Events the prefetch reads at most; past it, histories are read as usual. */
#define PG_HISTORY_MAX 65536
/* Ids reserved at least, and at most, at once. */
#define PG_IDS_MIN 16
#define PG_IDS_MAX 65536

static const lc_axis state_axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
				      LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };

/* Remember the first failure. LC_ENOTFOUND becomes LC_ECONFLICT: a read
 * must not take a failed write for "there is none". */
static int failed(lc_pg *s, int rc)
{
	char why[512];

	if (s->wb_rc)
		return s->wb_rc;
	if (rc == LC_ENOTFOUND) {
		snprintf(why, sizeof why, "%s", lc_error_last());
		rc = lc__error(LC_ECONFLICT, "%s", why);
	}
	return s->wb_rc = rc;
}

static int open_pipeline(lc_pg *s)
{
	int rc;

	if (s->wb_rc || s->wb_open)
		return s->wb_rc;
	if ((rc = lc__pg_batch_begin(s)))
		return failed(s, rc);
	s->wb_open = true;
	return 0;
}

int lc__pg_wb_send(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, int check, int64_t lead)
{
	int rc = open_pipeline(s);

	if (!rc && (rc = lc__pg_batch_check(s, which, p, check, lead, 1)))
		return failed(s, rc);
	return rc;
}

int lc__pg_wb_send_rows(lc_pg *s, lc_pg_stmt which, const lc_pg_params *p, int check,
			long want)
{
	int rc = open_pipeline(s);

	if (!rc && (rc = lc__pg_batch_check(s, which, p, check, 0, want)))
		return failed(s, rc);
	return rc;
}

int lc__pg_wb_flush(lc_pg *s)
{
	int rc;

	lc__pg_wb_emit(s);
	if (!s->wb_open)
		return s->wb_rc;
	s->wb_open = false;
	rc = lc__pg_batch_end(s, "writing behind");
	return rc ? failed(s, rc) : s->wb_rc;
}

/* ---- the cache ---- */

static lc_pg_cached *entry_find(lc_pg *s, lc_id id)
{
	for (size_t i = s->ncache; i-- > 0;)
		if (s->cache[i].id == id)
			return &s->cache[i];
	return NULL;
}

static lc_pg_cached *entry_new(lc_pg *s, lc_id id)
{
	lc_pg_cached *e;
	lc_lead *rec;

	if (s->ncache == s->capcache) {
		lc_pg_cached *grown = lc__grow(s->cache, &s->capcache, sizeof *grown, 64);
		if (!grown)
			return NULL;
		s->cache = grown;
	}
	e = &s->cache[s->ncache++];
	rec = e->rec; /* records are reused from batch to batch */
	memset(e, 0, sizeof *e);
	e->rec = rec;
	e->id = id;
	e->completed = LC_TIME_NONE;
	return e;
}

static int emit_entry(lc_pg *s, lc_pg_cached *e)
{
	e->dirty = false;
	s->ndirty--;
	return e->inserted ? lc__pg_send_insert(s, e->rec)
			   : lc__pg_send_update(s, e->rec, e->parts, e->replaced);
}

/* The rows gathered with lc__pg_rows_add() in one statement, which must
 * return (PG_CHECK_ROW) or change (PG_CHECK_CHANGED) them all. */
static int send_rows(lc_pg *s, lc_pg_stmt which, int check)
{
	lc_pg_params p;

	if (!s->rows_n)
		return 0;
	if (lc__pg_rows_params(s, &p))
		return failed(s, LC_ENOMEM);
	return lc__pg_wb_send_rows(s, which, &p, check, s->rows_n);
}

/* The new leads held back: their rows in one statement, their lists in
 * another, their notes one by one. */
static int emit_new(lc_pg *s)
{
	lc_pg_params p;
	int rc;

	lc__pg_rows_begin(s, 39);
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].dirty && s->cache[i].inserted) {
			lc__pg_bind_new_lead(s, &p, s->cache[i].rec);
			lc__pg_rows_add(s, &p);
		}
	if ((rc = send_rows(s, PG_LEADS_INSERT, PG_CHECK_ROW)))
		return rc;
	lc__pg_rows_begin(s, 6);
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].dirty && s->cache[i].inserted)
			lc__pg_add_list_rows(s, s->cache[i].rec);
	if ((rc = send_rows(s, PG_ITEM_INSERT, PG_CHECK_CHANGED)))
		return rc;
	for (size_t i = 0; i < s->ncache && !rc; i++)
		if (s->cache[i].dirty && s->cache[i].inserted) {
			rc = lc__pg_send_notes(s, s->cache[i].rec);
			s->cache[i].dirty = false;
			s->ndirty--;
		}
	return rc ? failed(s, rc) : 0;
}

int lc__pg_wb_emit(lc_pg *s)
{
	lc_pg_params p;
	int rc = 0;

	if (!s->wb || s->emitting || (!s->ndirty && !s->nheld))
		return s->wb_rc;
	s->emitting = true; /* the pipeline it opens must not emit again */
	if (!(rc = open_pipeline(s)))
		rc = emit_new(s);
	for (size_t i = 0; i < s->ncache && s->ndirty && !rc; i++)
		if (s->cache[i].dirty)
			rc = emit_entry(s, &s->cache[i]);
	/* The events held behind those rows, in one statement. */
	lc__pg_rows_begin(s, 34);
	for (size_t i = 0; i < s->nheld && !rc; i++) {
		const char *v = s->held.data + s->heldq[i].off;
		p.n = 0;
		for (int k = 0; k < s->heldq[i].n; k++) {
			lc__pg_p_text(&p, *v ? v + 1 : NULL);
			v += *v ? strlen(v + 1) + 2 : 1;
		}
		lc__pg_rows_add(s, &p);
	}
	if (!rc)
		rc = send_rows(s, PG_EVENTS_INSERT, PG_CHECK_ROW);
	s->nheld = 0;
	s->held.len = 0;
	s->emitting = false;
	return rc ? failed(s, rc) : s->wb_rc;
}

void lc__pg_wb_forget(lc_pg *s, lc_id id)
{
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].id == id) {
			if (s->cache[i].dirty) /* its row goes out first */
				emit_entry(s, &s->cache[i]);
			s->cache[i].id = 0;
		}
}

int lc__pg_wb_event(lc_pg *s, lc_id lead, const lc_pg_params *p)
{
	lc_pg_cached *e = entry_find(s, lead);
	lc_pg_held *h;

	if (e)
		e->history = false;
	if (!e || !e->dirty)
		return lc__pg_wb_send(s, PG_EVENT_INSERT_ID, p, PG_CHECK_ROW, lead);
	if (s->nheld == s->capheld) {
		lc_pg_held *grown = lc__grow(s->heldq, &s->capheld, sizeof *grown, 256);
		if (!grown)
			return failed(s, LC_ENOMEM);
		s->heldq = grown;
	}
	h = &s->heldq[s->nheld];
	h->which = PG_EVENT_INSERT_ID;
	h->n = p->n;
	h->off = s->held.len;
	h->lead = lead;
	for (int k = 0; k < p->n; k++) {
		lc__buf_putc(&s->held, p->v[k] ? 1 : 0);
		if (p->v[k]) {
			lc__buf_puts(&s->held, p->v[k]);
			lc__buf_putc(&s->held, '\0');
		}
	}
	if (s->held.failed)
		return failed(s, LC_ENOMEM);
	s->nheld++;
	return 0;
}

/* An empty record bound to @p m (kept in the entry for the next batch). */
static int rec_ready(lc_pg_cached *e, const lc_model *m)
{
	int rc;

	if (!e->rec && (rc = lc_lead_new(&e->rec)))
		return rc;
	lc_lead_reset(e->rec);
	return m ? lc_lead_bind(e->rec, m) : 0;
}

/* What a read from the server gives for a lead found by the prefetch. */
static int fill_prefetched(const lc_pg_cached *e, lc_lead *out)
{
	int rc = lc__pg_fill_lead(e->rows, e->row, out);

	for (int i = 0; !rc && i < e->nitems; i++)
		rc = lc__pg_add_item(out, e->items, e->item0 + i);
	for (int i = 0; !rc && i < e->nnotes; i++)
		rc = lc__pg_add_note(out, e->notes, e->note0 + i);
	return rc;
}

/* What a read from the server gives for a lead written here: the record's
 * columns, and of its state only what the columns keep (as fill_lead()). */
static int fill_written(const lc_pg_cached *e, lc_lead *out)
{
	const lc_state *st = lc_lead_state(e->rec);
	lc_state *o = lc_lead_sys_state(out);
	const char *keys[16];
	size_t entries[16];
	int rc = lc_lead_sys_copy(out, e->rec,
				  LC_STORAGE_PART_FIELDS | LC_STORAGE_PART_LISTS | LC_STORAGE_PART_NOTES);

	if (rc || (rc = lc_lead_set_date(out, LC_LEAD_ACTUAL_COMPLETION, e->completed)))
		return rc;
	if (!o || !st)
		return 0;
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++)
		if ((rc = lc_state_set_stored(o, state_axes[i], lc_state_get(st, state_axes[i]), NULL)))
			return rc;
	if ((rc = lc_state_set_time(o, LC_STATE_TIME_FOLLOW_UP,
				    lc_state_time(st, LC_STATE_TIME_FOLLOW_UP))))
		return rc;
	for (size_t first = 0, total = 1; first < total; first += LC_ARRAY_LEN(keys)) {
		total = lc_state_sys_entries(st, first, keys, entries, LC_ARRAY_LEN(keys));
		for (size_t i = 0; i < LC_ARRAY_LEN(keys) && first + i < total; i++)
			if ((rc = lc_state_set_stored_entries(o, keys[i], entries[i], NULL)))
				return rc;
	}
	return 0;
}

int lc__pg_wb_lead_get(lc_pg *s, lc_id id, lc_lead *out)
{
	const lc_pg_cached *e;

	if (!s->wb)
		return 1;
	if (s->wb_rc)
		return s->wb_rc;
	if (!(e = entry_find(s, id)))
		return 1;
	return e->written ? fill_written(e, out) : fill_prefetched(e, out);
}

int lc__pg_wb_wrote(lc_pg *s, const lc_lead *lead, unsigned parts, bool inserted)
{
	lc_id id = lc_lead_number(lead, LC_LEAD_NUM_ID);
	const lc_state *st = lc_lead_state(lead);
	const lc_model *m = st ? lc_state_sys_model(st) : NULL;
	lc_pg_cached *e = inserted ? entry_new(s, id) : entry_find(s, id);
	int rc = 0;

	if (!e)
		return inserted ? failed(s, LC_ENOMEM) : 1; /* not cached: sent now */
	if (!e->dirty) {
		e->dirty = true;
		e->inserted = inserted;
		e->parts = 0;
		e->replaced = lc_lead_number(lead, LC_LEAD_NUM_VERSION) - 1;
		s->ndirty++;
	}
	e->parts |= parts;
	if (inserted) {
		rc = rec_ready(e, m);
		if (!rc)
			rc = lc_lead_sys_copy(e->rec, lead, LC_STORAGE_PART_ALL | LC_STORAGE_PART_NOTES);
		e->completed = lc_lead_date(lead, LC_LEAD_ACTUAL_COMPLETION);
		e->written = true;
	} else {
		if (!e->written) { /* from the prefetch rows to a record, once */
			if (!(rc = rec_ready(e, m)) && !(rc = fill_prefetched(e, e->rec)))
				e->completed = lc_lead_date(e->rec, LC_LEAD_ACTUAL_COMPLETION);
			e->written = true;
		}
		if (!rc)
			rc = lc_lead_sys_copy(e->rec, lead, parts & LC_STORAGE_PART_ALL);
		if (!rc && (parts & LC_STORAGE_PART_STATE) && st)
			e->completed = lc_state_time(st, LC_STATE_TIME_COMPLETED_AT);
		if (!rc)
			rc = lc_lead_sys_set_meta(e->rec, id, lc_lead_number(lead, LC_LEAD_NUM_VERSION),
						  lc_lead_number(e->rec, LC_LEAD_NUM_CREATED_AT),
						  lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT),
						  ((uint32_t)lc_lead_number(lead, LC_LEAD_NUM_FLAGS) &
						   LC_LEAD_RECYCLED) != 0);
	}
	return rc ? failed(s, rc) : 0; /* the row held back cannot be written */
}

const PGresult *lc__pg_wb_history(lc_pg *s, lc_id lead, int *first, int *n)
{
	const lc_pg_cached *e = s->wb && !s->wb_rc ? entry_find(s, lead) : NULL;

	if (!e || !e->history)
		return NULL;
	*first = e->ev0;
	*n = e->nev;
	return e->events;
}

/* ---- the prefetch: the leads lead_find_many() found, whole ---- */

static int keep_results(lc_pg *s, PGresult *const *r, size_t n)
{
	if (s->nres + n > s->capres) {
		size_t cap = s->capres ? 2 * s->capres : 16;
		PGresult **grown;
		while (cap < s->nres + n)
			cap *= 2;
		if (!(grown = lc__realloc(s->res, cap * sizeof *grown)))
			return LC_ENOMEM;
		s->res = grown;
		s->capres = cap;
	}
	memcpy(s->res + s->nres, r, n * sizeof *r);
	s->nres += n;
	return 0;
}

/* Rows of @p r from *at whose first column is @p id (r is ordered by it). */
static int rows_of(const PGresult *r, int *at, lc_id id, int *first)
{
	int n = 0;

	while (r && *at < PQntuples(r) && lc__pg_i64(r, *at, 0) < id)
		(*at)++;
	*first = *at;
	while (r && *at < PQntuples(r) && lc__pg_i64(r, *at, 0) == id) {
		(*at)++;
		n++;
	}
	return n;
}

static int index_prefetch(lc_pg *s, PGresult *const *r)
{
	bool history = PQntuples(r[3]) <= PG_HISTORY_MAX;
	int item = 0, note = 0, ev = 0;

	for (int i = 0; i < PQntuples(r[0]); i++) {
		lc_id id = lc__pg_i64(r[0], i, 0);
		lc_pg_cached *e = entry_new(s, id);
		if (!e)
			return LC_ENOMEM;
		e->rows = r[0];
		e->row = i;
		e->items = r[1];
		e->nitems = rows_of(r[1], &item, id, &e->item0);
		e->notes = r[2];
		e->nnotes = rows_of(r[2], &note, id, &e->note0);
		/* Event rows start with their id; the lead is the second column. */
		e->events = r[3];
		e->history = history;
		e->ev0 = ev;
		while (ev < PQntuples(r[3]) && lc__pg_i64(r[3], ev, 1) < id)
			e->ev0 = ++ev;
		while (ev < PQntuples(r[3]) && lc__pg_i64(r[3], ev, 1) == id)
			ev++;
		e->nev = ev - e->ev0;
	}
	return 0;
}

int lc__pg_wb_prefetch(lc_pg *s, const lc_id *ids, size_t n)
{
	static const lc_pg_stmt stmts[4] = { PG_LEADS_GET_LOCK, PG_ITEMS_OF, PG_NOTES_OF,
					     PG_EVENTS_OF };
	PGresult *r[4] = { NULL, NULL, NULL, NULL };
	lc_pg_params p = { 0 }, pe = { 0 };
	bool any = false;
	lc_buf b;
	int rc;

	if (!s->wb || s->wb_rc)
		return s->wb_rc;
	lc__buf_init(&b);
	lc__buf_putc(&b, '{');
	for (size_t i = 0; i < n; i++)
		if (ids[i] > 0 && !entry_find(s, ids[i])) {
			lc__buf_printf(&b, "%s%lld", any ? "," : "", (long long)ids[i]);
			any = true;
		}
	lc__buf_putc(&b, '}');
	if (!any || b.failed) {
		lc__buf_free(&b);
		return any ? LC_ENOMEM : 0;
	}
	lc__pg_p_text(&p, b.data);
	lc__pg_p_text(&pe, b.data);
	lc__pg_p_i64(&pe, PG_HISTORY_MAX + 1);
	if (!(rc = lc__pg_batch_begin(s))) {
		for (int i = 0; i < 4; i++)
			lc__pg_batch_keep(s, stmts[i], i == 3 ? &pe : &p, &r[i]);
		rc = lc__pg_batch_end(s, "reading the leads found");
	}
	lc__buf_free(&b);
	if (!rc && !(rc = keep_results(s, r, 4)))
		return index_prefetch(s, r);
	for (int i = 0; i < 4; i++)
		PQclear(r[i]);
	return rc == LC_ENOMEM ? rc : failed(s, rc);
}

/* ---- ids ---- */

void lc__pg_wb_drop_ids(lc_pg *s, int which)
{
	s->ids[which].n = s->ids[which].next = 0;
}

/* Reserve ids: what the batch may still use (its hint), in one query. */
static int refill(lc_pg *s, int which)
{
	lc_pg_ids *b = &s->ids[which];
	size_t want = s->wb_hint[which] > b->taken ? s->wb_hint[which] - b->taken : 0;
	lc_pg_params p = { 0 };
	PGresult *r = NULL;
	int rc;

	want = want < PG_IDS_MIN ? PG_IDS_MIN : want > PG_IDS_MAX ? PG_IDS_MAX : want;
	if (want > b->cap) {
		int64_t *grown = lc__realloc(b->v, want * sizeof *grown);
		if (!grown)
			return LC_ENOMEM;
		b->v = grown;
		b->cap = want;
	}
	lc__pg_p_i64(&p, (int64_t)want);
	if ((rc = lc__pg_exec(s, which ? PG_EVENT_IDS : PG_LEAD_IDS, &p, "reserving ids", &r)))
		return failed(s, rc);
	if ((size_t)PQntuples(r) != want) {
		PQclear(r);
		return failed(s, lc__error(LC_EIO, "reserving ids: the server gave too few"));
	}
	for (size_t i = 0; i < want; i++)
		b->v[i] = lc__pg_i64(r, (int)i, 0);
	PQclear(r);
	b->n = want;
	b->next = 0;
	return 0;
}

int lc__pg_wb_take_id(lc_pg *s, int which, lc_id *id)
{
	lc_pg_ids *b = &s->ids[which];
	int rc;

	if (s->wb_rc)
		return s->wb_rc;
	if (b->next == b->n && (rc = refill(s, which)))
		return rc;
	*id = b->v[b->next++];
	b->taken++;
	return 0;
}

/* ---- the slot ---- */

static void leave(lc_pg *s)
{
	for (size_t i = 0; i < s->nres; i++)
		PQclear(s->res[i]);
	s->nres = 0;
	s->ncache = 0;
	s->ndirty = 0;
	s->nheld = 0;
	s->held.len = 0;
	s->emitting = false;
	s->wb = false;
	s->wb_rc = 0;
	s->wb_gen++;
}

/* Drop what was held back (the batch is undone). */
static void leave_rows(lc_pg *s)
{
	for (size_t i = 0; i < s->ncache; i++)
		s->cache[i].dirty = false;
	s->ndirty = 0;
	s->nheld = 0;
	s->held.len = 0;
}

/* Undo every write since the mark; keep the failure's message (why). */
static int undo(lc_pg *s, int why)
{
	char msg[512];
	int rc;

	snprintf(msg, sizeof msg, "%s", lc_error_last());
	leave_rows(s); /* nothing held back goes out after the failure */
	s->wb_rc = 0;
	rc = lc__pg_exec_text(s, "ROLLBACK TO SAVEPOINT lc_batch; RELEASE SAVEPOINT lc_batch",
			      "undoing the writes of a batch");
	if (rc)
		return rc;
	return why ? lc__error(why, "%s", msg) : 0;
}

int lc__pg_defer(void *be, int op, size_t leads, size_t events)
{
	lc_pg *s = be;
	int rc;

	if (op == LC_STORAGE_DEFER_BEGIN) {
		if (!s->writing || s->wb)
			return lc__error(LC_ESTATE, "defer: %s",
					 s->wb ? "already writing behind" : "not in a write transaction");
		leave(s);
		s->wb = true;
		s->wb_hint[0] = leads;
		s->wb_hint[1] = events;
		s->ids[0].taken = s->ids[1].taken = 0;
		/* The mark rides the batch's first round trip. */
		if (!(rc = open_pipeline(s)) && (rc = lc__pg_batch_text(s, "SAVEPOINT lc_batch")))
			rc = failed(s, rc);
		if (rc)
			lc__pg_wb_reset(s);
		return rc;
	}
	if (!s->wb || (op != LC_STORAGE_DEFER_END && op != LC_STORAGE_DEFER_ABORT))
		return lc__error(LC_ESTATE, "defer: %s", s->wb ? "unknown op" : "not writing behind");
	rc = 0;
	if (op == LC_STORAGE_DEFER_END && !lc__pg_wb_emit(s) && !(rc = open_pipeline(s)) &&
	    (rc = lc__pg_batch_text(s, "RELEASE SAVEPOINT lc_batch")))
		rc = failed(s, rc);
	if (op == LC_STORAGE_DEFER_ABORT)
		leave_rows(s);
	rc = lc__pg_wb_flush(s);
	if (rc || op == LC_STORAGE_DEFER_ABORT)
		rc = undo(s, op == LC_STORAGE_DEFER_END ? rc : 0);
	leave(s);
	return rc;
}

void lc__pg_wb_reset(lc_pg *s)
{
	if (s->wb_open) {
		/* Answers dropped: keep the message the caller is reporting. */
		int code = lc_error_last_code();
		char msg[512];
		snprintf(msg, sizeof msg, "%s", lc_error_last());
		s->wb_open = false;
		(void)lc__pg_batch_end(s, "writing behind");
		if (code)
			lc__error(code, "%s", msg);
	}
	leave(s);
	lc__pg_wb_drop_ids(s, 0);
	lc__pg_wb_drop_ids(s, 1);
}

void lc__pg_wb_free(lc_pg *s)
{
	for (size_t i = 0; i < s->capcache; i++)
		lc_lead_free(s->cache[i].rec);
	lc__free(s->cache);
	lc__free(s->res);
	lc__free(s->heldq);
	lc__buf_free(&s->held);
	s->heldq = NULL;
	s->capheld = 0;
	lc__free(s->ids[0].v);
	lc__free(s->ids[1].v);
	s->cache = NULL;
	s->res = NULL;
	s->capcache = s->capres = 0;
}
