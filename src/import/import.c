/*
 * The CSV importer: libcsv parses, one row at a time, and each row becomes
 * a lead and its dispositions through lc_db's public calls, inside one
 * explicit transaction.
 *
 * Line numbers: libcsv does not count lines, so the input is fed to it one
 * physical line at a time; a row starts on the first non-blank line fed
 * after the previous row ended. That keeps rows with quoted line breaks
 * pointing at the line where they start.
 *
 * Row time: lc_db stamps events with its clock, so while an import runs the
 * store's clock is swapped for one that returns the current row's time, and
 * restored afterwards.
 *
 * A row is judged whole (fields, values, every disposition through
 * lc_transition() from the lead's state) before any of it is written, so a
 * bad row in skip mode leaves nothing behind.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "core/versioned.h"
#include "import_internal.h"
#include "store/db_internal.h"

#define DAY 86400
#define CHUNK 65536

typedef struct reject {
	uint64_t line;
	int code;
	char *reason;
} reject;

struct lc_import_result {
	uint64_t rows, imported, updated, skipped, dispositions, rejected;
	reject *v;
	size_t n, cap;
};

typedef struct imp {
	lc_db *db;
	const lc_mapping *map;
	const lc_model *model;
	lc_import_options opts;
	lc_import_result *res;
	bool skip_bad;
	lc_time import_time;
	lc_time row_time;

	/* The row being read: fields as NUL-terminated text in `arena`, their
	 * offsets in `off`. */
	lc_buf arena;
	size_t *off;
	size_t nfields, capfields;
	bool field_too_long;
	uint64_t line;      /* physical lines fed so far */
	bool cr_pending;    /* the last read ended in CR: an LF next is its CRLF */
	uint64_t row_line;  /* where the current row started; 0: not started */
	bool header_done;
	size_t ncols;       /* header width */
	int *slot_col;      /* mapping slot -> CSV field index */

	/* Reused per row. */
	lc_lead *lead;
	lc_state *state;
	lc_disposition **disp; /* one per step */
	bool *use;             /* whether step i yields a disposition on this row */
	lc_violations *viol;
	lc_buf msg;

	uint64_t bytes, total_bytes;
	int fatal;       /* an error that stops the import */
	int first_bad;   /* code of the first bad row */
} imp;

/* ---- options and results ---- */

LC_STRUCT_DESC(import_options_desc, lc_import_options, LC_IMPORT_OPTIONS_VERSION,
	       LC_IMPORT_OPTIONS_INIT, LC_FIELD_END(lc_import_options, max_rejects));

int lc_import_options_init(lc_import_options *opts, unsigned int version)
{
	return lc__struct_init(&import_options_desc, opts, version, "lc_import_options_init");
}

void lc_import_result_free(lc_import_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		lc__free(r->v[i].reason);
	lc__free(r->v);
	lc__free(r);
}

uint64_t lc_import_result_rows(const lc_import_result *r)
{
	return r ? r->rows : 0;
}

uint64_t lc_import_result_imported(const lc_import_result *r)
{
	return r ? r->imported : 0;
}

uint64_t lc_import_result_updated(const lc_import_result *r)
{
	return r ? r->updated : 0;
}

uint64_t lc_import_result_skipped(const lc_import_result *r)
{
	return r ? r->skipped : 0;
}

uint64_t lc_import_result_dispositions(const lc_import_result *r)
{
	return r ? r->dispositions : 0;
}

uint64_t lc_import_result_rejected(const lc_import_result *r)
{
	return r ? r->rejected : 0;
}

size_t lc_import_result_reject_count(const lc_import_result *r)
{
	return r ? r->n : 0;
}

uint64_t lc_import_result_reject_line(const lc_import_result *r, size_t i)
{
	return r && i < r->n ? r->v[i].line : 0;
}

int lc_import_result_reject_code(const lc_import_result *r, size_t i)
{
	return r && i < r->n ? r->v[i].code : 0;
}

const char *lc_import_result_reject_reason(const lc_import_result *r, size_t i)
{
	return r && i < r->n ? r->v[i].reason : NULL;
}

/* ---- rows ---- */

static const char *cell(const imp *im, int slot)
{
	int col = slot >= 0 ? im->slot_col[slot] : -1;
	const char *s;
	if (col < 0 || (size_t)col >= im->nfields)
		return "";
	s = im->arena.data + im->off[col];
	for (size_t i = 0; i < im->map->nplaceholders; i++)
		if (lc__streq_nocase(s, im->map->placeholders[i]))
			return "";
	return s;
}

/* Record a bad row. The message is built in im->msg. */
static int reject_row(imp *im, int code)
{
	lc_import_result *r = im->res;
	uint32_t max = im->opts.max_rejects ? im->opts.max_rejects : 1000;
	r->rejected++;
	if (!im->first_bad)
		im->first_bad = code;
	if (im->skip_bad)
		r->skipped++;
	if (r->n < max) {
		char *reason;
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 16;
			reject *v = lc__realloc(r->v, cap * sizeof *v);
			if (!v)
				return im->fatal = LC_ENOMEM;
			r->v = v;
			r->cap = cap;
		}
		if (im->msg.failed || !(reason = lc__strndup(im->msg.data ? im->msg.data : "",
							   im->msg.len)))
			return im->fatal = LC_ENOMEM;
		r->v[r->n].line = im->row_line;
		r->v[r->n].code = code;
		r->v[r->n].reason = reason;
		r->n++;
	}
	return 0;
}

static void msg_reset(imp *im)
{
	im->msg.len = 0;
	if (im->msg.data)
		im->msg.data[0] = '\0';
}

/* A row is bad: say why, with the library's last error as the detail. */
static int bad_row(imp *im, int code, const char *fmt, ...) LC_PRINTF(3, 4);
static int bad_row(imp *im, int code, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	msg_reset(im);
	lc__buf_puts(&im->msg, text);
	return reject_row(im, code);
}

static const char *resolve(const imp *im, const mp_source *s, bool *bad_value, const char **cell_out)
{
	const char *v;
	*bad_value = false;
	*cell_out = NULL;
	if (s->kind == MP_NONE)
		return NULL;
	if (s->kind == MP_CONST)
		return s->constant;
	v = cell(im, s->slot);
	*cell_out = v;
	if (s->nmap == 0)
		return *v ? v : (s->has_default ? s->deflt : NULL);
	for (size_t i = 0; i < s->nmap; i++)
		if (strcmp(s->from[i], v) == 0)
			return s->to[i];
	for (size_t i = 0; i < s->nmap; i++)
		if (lc__streq_nocase(s->from[i], v))
			return s->to[i];
	if (s->has_default || !*v)
		return s->has_default ? s->deflt : NULL;
	*bad_value = true;
	return NULL;
}

static const char *const part_names[MP_PARTS] = { "action", "milestone", "status", "stage",
						  "reason", "outcome", "note" };
static const lc_axis part_axis[MP_PARTS] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
					     LC_AXIS_STAGE, LC_AXIS_REASON, LC_AXIS_COUNT,
					     LC_AXIS_COUNT };

/* Fill the step dispositions for this row. 0, or a bad-row code (already
 * recorded). */
static int build_dispositions(imp *im)
{
	const lc_mapping *m = im->map;
	for (size_t i = 0; i < m->nsteps; i++) {
		const mp_step *st = &m->steps[i];
		lc_disposition *d = im->disp[i];
		im->use[i] = false;
		if (st->when_slot >= 0) {
			const char *w = cell(im, st->when_slot);
			bool hit = false;
			for (size_t k = 0; k < st->nwhen && !hit; k++)
				hit = lc__streq_nocase(w, st->when[k]);
			if (!hit)
				continue;
		}
		lc_disposition_reset(d);
		for (int p = 0; p < MP_PARTS; p++) {
			bool badv;
			const char *c, *v = resolve(im, &st->part[p], &badv, &c);
			int rc = 0;
			if (badv) {
				msg_reset(im);
				lc__buf_printf(&im->msg,
					       "column '%s': the value '%.200s' is not in the mapping's %s values "
					       "(add it, or give a \"default\")",
					       m->columns[st->part[p].slot], c, part_names[p]);
				return reject_row(im, LC_EFORMAT) ? im->fatal : LC_EFORMAT;
			}
			if (!v)
				continue;
			if (part_axis[p] != LC_AXIS_COUNT) {
				rc = lc_disposition_set(d, part_axis[p], v);
			} else if (p == MP_OUTCOME) {
				lc_outcome o;
				rc = lc_outcome_parse(v, &o);
				if (!rc)
					rc = lc_disposition_set_outcome(d, o);
			} else {
				rc = lc_disposition_set_note(d, v);
			}
			if (rc) {
				msg_reset(im);
				if (st->part[p].kind == MP_COLUMN)
					lc__buf_printf(&im->msg, "column '%s': %s",
						       m->columns[st->part[p].slot], lc_error_last());
				else
					lc__buf_printf(&im->msg, "%s: %s", part_names[p], lc_error_last());
				return reject_row(im, LC_EFORMAT) ? im->fatal : LC_EFORMAT;
			}
		}
		if (!lc_disposition_get(d, LC_AXIS_ACTION))
			continue; /* nothing to record on this row */
		if (st->has_follow_up)
			lc_disposition_set_follow_up(d, im->row_time + st->follow_up_seconds);
		if (m->actor)
			lc_disposition_set_actor(d, m->actor);
		im->use[i] = true;
	}
	return 0;
}

static bool is_yes(const mp_flag *f, const char *v)
{
	for (size_t i = 0; i < f->nyes; i++)
		if (lc__streq_nocase(v, f->yes[i]))
			return true;
	return false;
}

/* Copy the mapped fields into the record. 0 or a bad-row code. */
static int fill_lead(imp *im, lc_lead *lead)
{
	const lc_mapping *m = im->map;
	for (size_t i = 0; i < m->nfields; i++) {
		const mp_field *f = &m->fields[i];
		const char *v = cell(im, f->slot);
		int rc = 0;
		if (!*v)
			continue;
		if (f->field == MP_F_PROBABILITY) {
			char *end;
			long p = strtol(v, &end, 10);
			if (*end || p < 0 || p > 100) {
				bad_row(im, LC_EFORMAT, "column '%s': probability '%.64s' is not a whole number from 0 to 100",
					m->columns[f->slot], v);
				return LC_EFORMAT;
			}
			rc = lc_lead_set_probability(lead, (int32_t)p);
		} else if (f->field == MP_F_START || f->field == MP_F_EXPECTED_COMPLETION) {
			lc_time t;
			if (lc_time_parse(v, &t) != 0) {
				bad_row(im, LC_EFORMAT, "column '%s': '%.64s' is not an ISO 8601 date or time",
					m->columns[f->slot], v);
				return LC_EFORMAT;
			}
			rc = lc_lead_set_date(lead,
					      f->field == MP_F_START ? LC_LEAD_START
								     : LC_LEAD_EXPECTED_COMPLETION,
					      t);
		} else {
			rc = lc_lead_set_text(lead, (lc_lead_text_field)f->field, v);
		}
		if (rc) {
			msg_reset(im);
			lc__buf_printf(&im->msg, "column '%s': %s", m->columns[f->slot], lc_error_last());
			reject_row(im, rc == LC_ERANGE ? LC_ERANGE : LC_EFORMAT);
			return LC_EFORMAT;
		}
	}
	for (size_t i = 0; i < m->nattrs; i++) {
		const char *v = cell(im, m->attrs[i].slot);
		int rc;
		if (!*v)
			continue;
		if ((rc = lc_lead_attr_set(lead, m->attrs[i].key, v)) != 0) {
			msg_reset(im);
			lc__buf_printf(&im->msg, "column '%s': %s", m->columns[m->attrs[i].slot],
				       lc_error_last());
			reject_row(im, rc == LC_ERANGE ? LC_ERANGE : LC_EFORMAT);
			return LC_EFORMAT;
		}
	}
	for (size_t i = 0; i < m->nflags; i++) {
		const char *v = cell(im, m->flags[i].slot);
		if (*v)
			lc_lead_set_flag(lead, m->flags[i].flag, is_yes(&m->flags[i], v));
	}
	return 0;
}

/* Judge every disposition of the row from the lead's state, in memory. */
static int judge(imp *im, const lc_lead *lead)
{
	const lc_state *cur = lc_lead_state(lead);
	int rc = lc_state_copy(im->state, cur);
	if (rc)
		return im->fatal = rc;
	for (size_t i = 0; i < im->map->nsteps; i++) {
		if (!im->use[i])
			continue;
		rc = lc_transition(im->model, im->state, im->disp[i], im->row_time, im->state, im->viol);
		if (rc == LC_EINVALID) {
			msg_reset(im);
			lc__buf_printf(&im->msg, "disposition %zu (%s): ", i + 1,
				       lc_disposition_get(im->disp[i], LC_AXIS_ACTION));
			for (size_t v = 0; v < lc_violations_count(im->viol); v++)
				lc__buf_printf(&im->msg, "%s%s", v ? " " : "",
					       lc_violations_message(im->viol, v));
			reject_row(im, LC_EINVALID);
			return LC_EINVALID;
		}
		if (rc)
			return im->fatal = rc;
	}
	return 0;
}

static lc_time row_clock(void *ud)
{
	return ((const imp *)ud)->row_time;
}

/* Find the lead a row's dedupe key names: 1 found (in *out), 0 not, <0 error. */
static int find_existing(imp *im, lc_lead **out)
{
	const lc_mapping *m = im->map;
	int want = m->dedupe == MP_DEDUPE_EXTERNAL_ID ? LC_LEAD_EXTERNAL_ID : LC_LEAD_EMAIL;
	const char *key = NULL;
	int rc;

	*out = NULL;
	if (m->dedupe == MP_DEDUPE_NONE)
		return 0;
	for (size_t i = 0; i < m->nfields && !key; i++)
		if (m->fields[i].field == want)
			key = cell(im, m->fields[i].slot);
	if (!key || !*key)
		return 0;
	if (want == LC_LEAD_EXTERNAL_ID) {
		rc = lc_db_lead_get_external(im->db, key, out);
		if (rc == LC_ENOTFOUND) {
			lc_error_clear();
			return 0;
		}
		return rc ? rc : 1;
	} else {
		lc_query *q = NULL;
		lc_lead_iter *it = NULL;
		const lc_lead *l;
		if ((rc = lc_query_new(&q)) == 0 && (rc = lc_query_set_text(q, LC_LEAD_EMAIL, key)) == 0 &&
		    (rc = lc_query_set_recycled(q, LC_RECYCLED_INCLUDE)) == 0 &&
		    (rc = lc_query_set_page(q, 0, 1)) == 0 && (rc = lc_db_query(im->db, q, &it)) == 0) {
			rc = lc_lead_iter_next(it, &l);
			if (rc == 1)
				rc = lc_db_lead_get(im->db, lc_lead_id(l), out) ? -1 : 1;
		}
		if (rc == -1)
			rc = lc_error_last_code();
		lc_lead_iter_free(it);
		lc_query_free(q);
		return rc;
	}
}

static void process_row(imp *im)
{
	const lc_mapping *m = im->map;
	lc_lead *lead = NULL, *existing = NULL;
	lc_id id;
	int rc;

	im->res->rows++;
	if (im->nfields != im->ncols) {
		bad_row(im, LC_EFORMAT, "the row has %zu fields but the header has %zu", im->nfields,
			im->ncols);
		return;
	}
	if (im->field_too_long) {
		bad_row(im, LC_ERANGE, "a field is longer than %d bytes", LC_LEAD_TEXT_MAX);
		return;
	}
	for (size_t i = 0; i < im->nfields; i++) {
		const char *s = im->arena.data + im->off[i];
		size_t len = (i + 1 < im->nfields ? im->off[i + 1] - 1 : im->arena.len - 1) - im->off[i];
		if (!lc__utf8_valid(s, len)) {
			bad_row(im, LC_EFORMAT,
				"field %zu is not valid UTF-8 (or holds a NUL byte); save the file as UTF-8",
				i + 1);
			return;
		}
	}
	/* The row's time. */
	if (im->opts.at != LC_TIME_NONE)
		im->row_time = im->opts.at;
	else if (m->time_kind == MP_TIME_FIXED)
		im->row_time = m->time_fixed;
	else if (m->time_kind == MP_TIME_COLUMN) {
		const char *t = cell(im, m->time_slot);
		if (lc_time_parse(t, &im->row_time) != 0) {
			bad_row(im, LC_EFORMAT, "column '%s': '%.64s' is not an ISO 8601 time",
				m->columns[m->time_slot], t);
			return;
		}
	} else
		im->row_time = im->import_time;

	if ((rc = build_dispositions(im)) != 0)
		return;
	rc = find_existing(im, &existing);
	if (rc < 0) {
		im->fatal = rc;
		return;
	}
	if (existing) {
		lead = existing;
	} else {
		lc_lead_reset(im->lead);
		lead = im->lead;
	}
	if (fill_lead(im, lead) != 0 || judge(im, lead) != 0)
		goto out;

	/* Write: the lead, then each disposition, all stamped with the row's time. */
	if (existing) {
		rc = lc_db_lead_update(im->db, lead, -1);
		id = lc_lead_id(lead);
	} else {
		rc = lc_db_lead_create(im->db, lead, &id);
	}
	if (rc) {
		if (im->db->poisoned || (rc != LC_EEXISTS && rc != LC_EINVAL && rc != LC_ERANGE)) {
			im->fatal = rc;
		} else {
			msg_reset(im);
			lc__buf_printf(&im->msg, "%s", lc_error_last());
			reject_row(im, rc);
		}
		goto out;
	}
	for (size_t i = 0; i < m->nsteps; i++) {
		if (!im->use[i])
			continue;
		rc = lc_db_apply(im->db, id, im->disp[i], -1, im->viol, NULL);
		if (rc) {
			/* Judged valid a moment ago: anything now is the store's trouble. */
			im->fatal = rc;
			goto out;
		}
		im->res->dispositions++;
	}
	if (existing)
		im->res->updated++;
	else
		im->res->imported++;
out:
	lc_lead_free(existing);
}

static int progress(imp *im, bool last)
{
	uint32_t every = im->opts.progress_every ? im->opts.progress_every : 1000;
	if (!im->opts.progress || (!last && im->res->rows % every != 0))
		return 0;
	if (im->opts.progress(im->opts.progress_ud, im->res->rows, im->bytes, im->total_bytes) != 0)
		return im->fatal = lc__error(LC_EUSER, "the import was stopped by its progress callback; "
						       "nothing was written");
	return 0;
}

static int header(imp *im)
{
	const lc_mapping *m = im->map;
	im->ncols = im->nfields;
	for (size_t s = 0; s < m->ncolumns; s++) {
		im->slot_col[s] = -1;
		for (size_t i = 0; i < im->nfields; i++)
			if (strcmp(im->arena.data + im->off[i], m->columns[s]) == 0) {
				im->slot_col[s] = (int)i;
				break;
			}
		if (im->slot_col[s] < 0)
			return im->fatal = lc__error(
				       LC_EFORMAT,
				       "the mapping names the column '%s', which the file's header (line %llu) "
				       "does not have",
				       m->columns[s], (unsigned long long)im->row_line);
	}
	return 0;
}

/* libcsv callbacks. */
static void on_field(void *s, size_t len, void *ud)
{
	imp *im = ud;
	if (im->fatal)
		return;
	if (im->row_line == 0)
		im->row_line = im->line + 1;
	if (im->nfields == im->capfields) {
		size_t cap = im->capfields ? im->capfields * 2 : 64;
		size_t *v = lc__realloc(im->off, cap * sizeof *v);
		if (!v) {
			im->fatal = LC_ENOMEM;
			return;
		}
		im->off = v;
		im->capfields = cap;
	}
	im->off[im->nfields++] = im->arena.len;
	if (len > LC_LEAD_TEXT_MAX) {
		im->field_too_long = true;
		len = 0;
	}
	lc__buf_put(&im->arena, s ? s : "", s ? len : 0);
	/* Keep the NUL inside the arena so that offsets stay valid. */
	lc__buf_putc(&im->arena, '\0');
	if (im->arena.failed)
		im->fatal = LC_ENOMEM;
}

static void on_row(int term, void *ud)
{
	imp *im = ud;
	(void)term;
	if (im->fatal)
		return;
	if (im->row_line == 0)
		im->row_line = im->line + 1;
	if (!im->header_done) {
		im->header_done = true;
		header(im);
	} else {
		process_row(im);
		if (!im->fatal)
			progress(im, false);
	}
	im->nfields = 0;
	im->arena.len = 0;
	im->field_too_long = false;
	im->row_line = 0;
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* keep spaces: "Interested  in full time MBA" is data */
}

static void *csv_realloc(void *p, size_t n)
{
	return lc__realloc(p, n);
}

static void csv_free_fn(void *p)
{
	lc__free(p);
}

/* The end of the first physical line in data[0..len): LF, CRLF, or a bare CR
 * (libcsv ends rows at any of them). 0 when the line goes on past len. A CR
 * that is the last byte may be half of a CRLF split across reads: it ends the
 * line, and *cr_pending makes the LF that may open the next read not count. */
static size_t line_end(const char *data, size_t len, bool *ends_line, bool *cr_pending)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			/* The LF of a CRLF whose CR ended the previous read. */
			*ends_line = !(i == 0 && *cr_pending);
			*cr_pending = false;
			return i + 1;
		}
		if (data[i] == '\r') {
			*ends_line = true;
			*cr_pending = i + 1 == len;
			return i + 1 < len && data[i + 1] == '\n' ? i + 2 : i + 1;
		}
	}
	*ends_line = false;
	*cr_pending = false;
	return len;
}

/* Feed bytes to the parser, one physical line at a time. */
static int feed(imp *im, struct csv_parser *p, const char *data, size_t len)
{
	while (len && !im->fatal) {
		bool nl;
		size_t n = line_end(data, len, &nl, &im->cr_pending);
		/* A row starts on the first line that is not blank (libcsv skips blank ones). */
		if (im->row_line == 0 && !(n == 1 && data[0] == '\n') &&
		    !(n == 2 && data[0] == '\r' && data[1] == '\n') && !(n == 1 && data[0] == '\r'))
			im->row_line = im->line + 1;
		if (csv_parse(p, data, n, on_field, on_row, im) != n) {
			int e = csv_error(p);
			if (im->fatal)
				return im->fatal;
			/* libcsv grows its field buffer through our allocator. */
			return im->fatal = lc__error(e == CSV_ENOMEM ? LC_ENOMEM
						     : e == CSV_ETOOBIG ? LC_ERANGE
									 : LC_EFORMAT,
						     "line %llu: %s", (unsigned long long)im->line + 1,
						     csv_strerror(e));
		}
		if (nl)
			im->line++;
		im->bytes += n;
		data += n;
		len -= n;
	}
	return im->fatal;
}

typedef int (*reader_fn)(void *src, char *buf, size_t cap, size_t *got);

static int run(lc_db *db, const lc_mapping *map, const lc_import_options *opts, reader_fn rd,
	       void *src, uint64_t total, lc_import_result **result)
{
	struct csv_parser p;
	bool parser = false, began = false, clock_set = false;
	lc_time (*old_clock)(void *) = NULL;
	void *old_ud = NULL;
	char *buf = NULL;
	imp im;
	int rc = 0;

	memset(&im, 0, sizeof im);
	im.db = db;
	im.map = map;
	im.model = lc_db_model(db);
	im.total_bytes = total;
	lc__buf_init(&im.arena);
	lc__buf_init(&im.msg);
	im.opts = *opts;
	im.skip_bad = (im.opts.flags & LC_IMPORT_SKIP_BAD_ROWS) != 0;
	im.import_time = lc_db_now(db);

	if (!(im.res = lc__calloc(1, sizeof *im.res)) ||
	    !(im.slot_col = lc__calloc(map->ncolumns + 1, sizeof *im.slot_col)) ||
	    !(im.disp = lc__calloc(map->nsteps + 1, sizeof *im.disp)) ||
	    !(im.use = lc__calloc(map->nsteps + 1, sizeof *im.use)) || !(buf = lc__malloc(CHUNK))) {
		rc = LC_ENOMEM;
		goto out;
	}
	if ((rc = lc_lead_new(&im.lead)) || (rc = lc_lead_bind(im.lead, im.model)) ||
	    (rc = lc_state_new(&im.state, im.model)) || (rc = lc_violations_new(&im.viol)))
		goto out;
	for (size_t i = 0; i < map->nsteps; i++)
		if ((rc = lc_disposition_new(&im.disp[i], im.model)))
			goto out;
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		rc = LC_ENOMEM;
		goto out;
	}
	parser = true;
	csv_set_space_func(&p, no_space);
	csv_set_realloc_func(&p, csv_realloc);
	csv_set_free_func(&p, csv_free_fn);

	if ((rc = lc_db_begin(db)))
		goto out;
	began = true;
	old_clock = db->opts.clock;
	old_ud = db->opts.clock_ud;
	db->opts.clock = row_clock;
	db->opts.clock_ud = &im;
	clock_set = true;

	for (bool first = true;; first = false) {
		size_t got = 0;
		const char *d = buf;
		if ((rc = rd(src, buf, CHUNK, &got)))
			goto out;
		if (got == 0)
			break;
		if (first && got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
			d += 3;
			got -= 3;
			im.bytes += 3;
		}
		if ((rc = feed(&im, &p, d, got)))
			goto out;
	}
	/* A quoted field still open at the end (libcsv's FIELD_BEGUN state, 2,
	 * with the quoted mark): the last row ran to the end of the file. libcsv
	 * reports this only in strict mode, which would also refuse stray quotes
	 * that are harmless, so it is checked here. */
	if (!im.fatal && p.pstate == 2 && p.quoted && !im.header_done) {
		/* It opened in the header, which swallowed the whole file: the
		 * file is malformed, not one of its rows. */
		im.fatal = lc__error(LC_EFORMAT, "line 1: the header has a quoted field that is never "
						 "closed (a '\"' is missing), so no row can be read");
	} else if (!im.fatal && p.pstate == 2 && p.quoted) {
		if (im.row_line == 0)
			im.row_line = im.line + 1;
		im.res->rows++;
		bad_row(&im, LC_EFORMAT, "a quoted field is never closed (a '\"' is missing)");
		csv_fini(&p, NULL, NULL, NULL);
	} else {
		csv_fini(&p, on_field, on_row, &im);
	}
	if ((rc = im.fatal))
		goto out;
	if (!im.header_done) {
		rc = lc__error(LC_EFORMAT, "the file is empty: a CSV import needs a header row naming the columns");
		goto out;
	}
	if ((rc = progress(&im, true)))
		goto out;
	if (im.first_bad && !im.skip_bad) {
		rc = lc__error(im.first_bad,
			       "%llu of %llu rows are bad (the first at line %llu); nothing was imported. "
			       "Fix them, or import with skip-bad-rows to leave them out",
			       (unsigned long long)im.res->rejected, (unsigned long long)im.res->rows,
			       (unsigned long long)(im.res->n ? im.res->v[0].line : 0));
		goto out;
	}
	db->opts.clock = old_clock;
	db->opts.clock_ud = old_ud;
	clock_set = false;
	began = false;
	rc = lc_db_commit(db);
out:
	if (clock_set) {
		db->opts.clock = old_clock;
		db->opts.clock_ud = old_ud;
	}
	if (began) {
		int keep = lc_error_last_code();
		char saved[512];
		snprintf(saved, sizeof saved, "%s", lc_error_last());
		lc_db_rollback(db);
		if (keep)
			lc__error(keep, "%s", saved);
	}
	if (rc && im.res) {
		im.res->imported = im.res->updated = im.res->dispositions = 0;
	}
	if (rc == LC_ENOMEM)
		lc__error(LC_ENOMEM, "out of memory while importing");
	if (parser)
		csv_free(&p);
	if (im.disp)
		for (size_t i = 0; i < map->nsteps; i++)
			lc_disposition_free(im.disp[i]);
	lc__free(im.disp);
	lc__free(im.use);
	lc__free(im.slot_col);
	lc__free(im.off);
	lc__free(buf);
	lc_lead_free(im.lead);
	lc_state_free(im.state);
	lc_violations_free(im.viol);
	lc__buf_free(&im.arena);
	lc__buf_free(&im.msg);
	if (result && im.res && rc != LC_ENOMEM)
		*result = im.res;
	else
		lc_import_result_free(im.res);
	return rc;
}

/* Every value the mapping names must exist in the model; checked before a
 * row is read, so that a typo fails at once with the valid keys. */
static int check_mapping(const lc_mapping *map, const lc_model *model)
{
	for (size_t i = 0; i < map->nsteps; i++)
		for (int p = 0; p < MP_PARTS; p++) {
			const mp_source *s = &map->steps[i].part[p];
			size_t idx;
			lc_outcome o;
			const char *vals[2] = { s->constant, s->deflt };
			if (p == MP_NOTE || s->kind == MP_NONE)
				continue;
			for (size_t k = 0; k < 2 + s->nmap; k++) {
				const char *v = k < 2 ? vals[k] : s->to[k - 2];
				int rc;
				if (!v)
					continue;
				rc = p == MP_OUTCOME ? lc_outcome_parse(v, &o)
						     : lc_model_value_find(model, part_axis[p], v, &idx);
				if (rc)
					return lc__error_prefix(LC_EFORMAT, "%s: dispositions[%zu].%s",
								map->source, i, part_names[p]);
			}
		}
	return 0;
}

static int start(lc_db *db, const lc_mapping *map, const lc_import_options *opts,
		 lc_import_options *o, lc_import_result **result, const char *what)
{
	int rc;

	if (result)
		*result = NULL;
	if (!db || !map)
		return lc__error(LC_EINVAL, "%s: %s is NULL", what, db ? "the mapping" : "db");
	if ((rc = lc__struct_copy(&import_options_desc, o, opts, what)))
		return rc;
	if (!lc_db_model(db))
		return lc__error(LC_ESTATE, "%s: the store has no model yet; install one first "
					    "(leadctl init --model NAME)",
				 what);
	if (db->explicit_txn || db->depth > 0)
		return lc__error(LC_ESTATE, "%s: a transaction is open; an import runs in its own, so "
					    "commit or roll back first",
				 what);
	return check_mapping(map, lc_db_model(db));
}

typedef struct file_src {
	FILE *f;
	const char *path;
} file_src;

static int read_file(void *src, char *buf, size_t cap, size_t *got)
{
	file_src *fs = src;
	*got = fread(buf, 1, cap, fs->f);
	if (*got == 0 && ferror(fs->f))
		return lc__error(LC_EIO, "cannot read '%s': %s", fs->path, strerror(errno));
	return 0;
}

int lc_import_file(lc_db *db, const char *path, const lc_mapping *map, const lc_import_options *opts,
		   lc_import_result **result)
{
	file_src fs;
	lc_import_options o;
	struct stat st;
	int rc;

	if (result)
		*result = NULL;
	if (!path)
		return lc__error(LC_EINVAL, "lc_import_file: path is NULL");
	if ((rc = start(db, map, opts, &o, result, "lc_import_file")))
		return rc;
	fs.path = path;
	fs.f = fopen(path, "rb");
	if (!fs.f)
		return lc__error(LC_EIO, "cannot open '%s': %s", path, strerror(errno));
	rc = run(db, map, &o, read_file, &fs,
		 fstat(fileno(fs.f), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0, result);
	fclose(fs.f);
	return rc;
}

typedef struct mem_src {
	const char *p;
	size_t left;
} mem_src;

static int read_mem(void *src, char *buf, size_t cap, size_t *got)
{
	mem_src *ms = src;
	*got = ms->left < cap ? ms->left : cap;
	if (*got)
		memcpy(buf, ms->p, *got);
	ms->p += *got;
	ms->left -= *got;
	return 0;
}

int lc_import_buffer(lc_db *db, const char *data, size_t len, const lc_mapping *map,
		     const lc_import_options *opts, lc_import_result **result)
{
	lc_import_options o;
	mem_src ms;
	int rc;

	if (result)
		*result = NULL;
	if (!data && len)
		return lc__error(LC_EINVAL, "lc_import_buffer: data is NULL");
	if ((rc = start(db, map, opts, &o, result, "lc_import_buffer")))
		return rc;
	ms.p = data;
	ms.left = len;
	return run(db, map, &o, read_mem, &ms, len, result);
}
