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

#include "core/table.h"
#include "core/versioned.h"
#include "import_internal.h"
#include "store/db_internal.h"

#define DAY 86400
#define CHUNK 65536
/* Rows are read ahead in batches, so that a backend with lead_find_many
 * answers a batch's dedupe lookups in one call; a batch ends at this many
 * rows or bytes of fields. */
#define BATCH_ROWS 256
#define BATCH_BYTES ((size_t)1 << 20)

/* The lookups a batch answers at once: the dedupe key (an external id, or an
 * email in its normal form), the email as written, and the external id a
 * row gives a new lead (which must be free). */
enum { PRE_KEY, PRE_RAW, PRE_EXT, PRE_N };

/* A row read ahead: its field offsets start at off[off0]. */
typedef struct batch_row {
	size_t off0, nfields, end; /* end: the arena past its last field */
	uint64_t line;
	bool too_long;
} batch_row;

typedef struct reject {
	uint64_t line;
	int code;
	char *reason;
} reject;

typedef struct import_acc {
	uint64_t rows, imported, updated, skipped, dispositions, rejected;
	uint64_t unchanged, undated, repeats, agents_created, units_created;
	reject *v;
	size_t n, cap;
} import_acc;

typedef struct imp {
	lc_db *db;
	const lc_mapping *map;
	const lc_model *model;
	lc_import_options opts;
	import_acc *res;
	bool skip_bad;
	lc_time import_time;
	lc_time row_time;   /* the row's lead, and dispositions without their own */
	lc_time *when;      /* each step's time on this row */
	lc_time clock_time; /* what the store's clock reads while a row is written */

	/* The rows being read: fields as NUL-terminated text in `arena`, their
	 * offsets in `off` (the current row's from off[row_off0]). */
	lc_buf arena;
	size_t *off;
	size_t row_off0, nfields, capfields;
	bool field_too_long;
	batch_row *rows;    /* rows read ahead, not yet written */
	size_t nrows;
	/* The row being written (a view of rows[cur]). */
	size_t cur;
	const size_t *rv;   /* its field offsets */
	size_t rv_n, rv_end;
	bool rv_long;
	/* The batch's lookups: pre[k][row] is the id found for pre_key[k][row]
	 * (NULL: not asked); `written` lists the keys ("x<id>" or "e<email>",
	 * NUL-separated) of leads this batch wrote, which are asked again. */
	bool pre_ok;
	const char **pre_key[PRE_N];
	lc_id *pre[PRE_N];
	size_t *pre_off;    /* normal emails in pre_text, by row */
	lc_buf pre_text;
	lc_buf written;
	bool field_cut;     /* feed() dropped the field's text past the limit */
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
	char *new_agent, *new_unit;              /* names the row creates */
	const char *amount_text, *currency_text; /* cells, read with every field */
	uint64_t row_undated, row_dispositions, row_agents, row_units;
	char email[LC_LEAD_TEXT_MAX + 1];        /* normal_email()'s result */

	/* Write-behind (lc__db_defer): the batch's writes are answered at its
	 * end; any failure in it sets `redo`, and the batch is undone and
	 * written again row by row, as without it. */
	bool deferred, redo;
	uint64_t reported; /* rows the progress callback was told of */

	uint64_t bytes, total_bytes;
	int fatal;       /* an error that stops the import */
	int first_bad;   /* code of the first bad row */
} imp;

/* ---- options and results ---- */

LC_STRUCT_DESC(import_options_desc, lc_import_options, LC_IMPORT_OPTIONS_VERSION,
	       LC_IMPORT_OPTIONS_INIT, LC_FIELD_END(lc_import_options, max_rejects));

int lc_import_options_init(lc_import_options *opts, unsigned int version)
{
	LC__ARG(opts, "opts");
	return lc__struct_init(&import_options_desc, opts, version, "lc_import_options_init");
}

static void acc_free(import_acc *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		lc__free(r->v[i].reason);
	lc__free(r->v);
	lc__free(r);
}

/* The rejected rows ("line", "code", "reason") with the counts as summary. */
static int result_table(const import_acc *r, lc_table **out)
{
	static const lc__column cols[] = { { "line", LC_COLUMN_INT },
					   { "code", LC_COLUMN_INT },
					   { "reason", LC_COLUMN_TEXT } };
	static const lc__column sums[] = {
		{ "rows", LC_COLUMN_INT },         { "imported", LC_COLUMN_INT },
		{ "updated", LC_COLUMN_INT },      { "unchanged", LC_COLUMN_INT },
		{ "skipped", LC_COLUMN_INT },      { "rejected", LC_COLUMN_INT },
		{ "dispositions", LC_COLUMN_INT }, { "repeats", LC_COLUMN_INT },
		{ "undated", LC_COLUMN_INT },      { "agents_created", LC_COLUMN_INT },
		{ "units_created", LC_COLUMN_INT },
	};
	const uint64_t counts[] = { r->rows,     r->imported,     r->updated,      r->unchanged,
				    r->skipped,  r->rejected,     r->dispositions, r->repeats,
				    r->undated,  r->agents_created, r->units_created };
	lc_table *t;
	int rc;

	if ((rc = lc__table_new(&t, "import", cols, LC_ARRAY_LEN(cols))))
		return rc;
	for (size_t i = 0; i < r->n; i++) {
		lc__table_row(t);
		lc__table_put_int(t, 0, (int64_t)r->v[i].line);
		lc__table_put_int(t, 1, r->v[i].code);
		lc__table_put_text(t, 2, r->v[i].reason);
	}
	lc__table_add_summary(t, sums, LC_ARRAY_LEN(sums));
	for (size_t i = 0; i < LC_ARRAY_LEN(counts) && t->summary; i++)
		lc__table_put_int(t->summary, i, (int64_t)counts[i]);
	return lc__table_finish(t, out);
}

/* ---- rows ---- */

static const char *cell(const imp *im, int slot)
{
	int col = slot >= 0 ? im->slot_col[slot] : -1;
	const char *s;
	if (col < 0 || (size_t)col >= im->rv_n)
		return "";
	s = im->arena.data + im->rv[col];
	for (size_t i = 0; i < im->map->nplaceholders; i++)
		if (lc__streq_nocase(s, im->map->placeholders[i]))
			return "";
	return s;
}

/* Record a bad row. The message is built in im->msg. */
static int reject_row(imp *im, int code)
{
	import_acc *r = im->res;
	uint32_t max = im->opts.max_rejects ? im->opts.max_rejects : 1000;
	r->rejected++;
	if (!im->first_bad)
		im->first_bad = code;
	if (im->skip_bad)
		r->skipped++;
	if (r->n < max) {
		char *reason;
		if (r->n == r->cap) {
			reject *v = lc__grow(r->v, &r->cap, sizeof *v, 16);
			if (!v)
				return im->fatal = LC_ENOMEM;
			r->v = v;
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

/* A row is bad: say why. Returns the code, so that callers can return it. */
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
	reject_row(im, code);
	return code;
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

/* A time from the mapping: 1 set, 0 the cell is empty, or a bad-row code. */
static int read_time(imp *im, const mp_time *t, lc_time *out)
{
	const char *v;
	int rc;
	if (t->kind == MP_TIME_FIXED) {
		*out = t->fixed;
		return 1;
	}
	if (t->kind != MP_TIME_COLUMN)
		return 0;
	v = cell(im, t->slot);
	if (!*v)
		return 0;
	rc = t->format ? lc__import_time_parse(v, t->format, out) : lc_time_parse(v, out);
	if (rc == 0)
		return 1;
	if (rc == LC_ERANGE)
		return bad_row(im, LC_ERANGE,
			       "column '%s': '%.64s' is outside the valid times, years 1 to 9999",
			       im->map->columns[t->slot], v);
	if (t->format)
		return bad_row(im, LC_EFORMAT, "column '%s': '%.64s' does not match the format '%s'",
			       im->map->columns[t->slot], v, t->format);
	return bad_row(im, LC_EFORMAT,
		       "column '%s': '%.64s' is not an ISO 8601 time (give the mapping a \"format\" "
		       "such as \"%%m/%%d/%%Y\" for other forms)",
		       im->map->columns[t->slot], v);
}

/* Set one part of a step's disposition. 0 or a bad-row code. */
static int set_part(imp *im, const mp_step *st, int p, lc_disposition *d)
{
	bool badv;
	const char *c, *v = resolve(im, &st->part[p], &badv, &c);
	int rc;
	if (badv)
		return bad_row(im, LC_EFORMAT,
			       "column '%s': the value '%.200s' is not in the mapping's %s values "
			       "(add it, or give a \"default\")",
			       im->map->columns[st->part[p].slot], c, part_names[p]);
	if (!v)
		return 0;
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
	if (!rc)
		return 0;
	if (st->part[p].kind == MP_COLUMN)
		return bad_row(im, LC_EFORMAT, "column '%s': %s", im->map->columns[st->part[p].slot],
			       lc_error_last());
	return bad_row(im, LC_EFORMAT, "%s: %s", part_names[p], lc_error_last());
}

/* Fill the step dispositions for this row, each with its time. 0, or a
 * bad-row code (already recorded). */
static int build_dispositions(imp *im)
{
	const lc_mapping *m = im->map;
	for (size_t i = 0; i < m->nsteps; i++) {
		const mp_step *st = &m->steps[i];
		lc_disposition *d = im->disp[i];
		int rc;
		im->use[i] = false;
		im->when[i] = im->row_time;
		if (st->when_slot >= 0) {
			const char *w = cell(im, st->when_slot);
			bool hit = false;
			for (size_t k = 0; k < st->nwhen && !hit; k++)
				hit = lc__streq_nocase(w, st->when[k]);
			if (!hit)
				continue;
		}
		if (st->has_time && (rc = read_time(im, &st->time, &im->when[i])) != 1) {
			if (rc)
				return rc;
			im->row_undated++; /* no date, no disposition: not a bad row */
			continue;
		}
		lc_disposition_reset(d);
		for (int p = 0; p < MP_PARTS; p++)
			if ((rc = set_part(im, st, p, d)) != 0)
				return rc;
		if (!lc_disposition_get(d, LC_AXIS_ACTION))
			continue; /* nothing to record on this row */
		if (st->has_follow_up) {
			lc_time fu;
			if (lc__time_add(im->when[i], st->follow_up_seconds, &fu, "follow_up_days") ||
			    lc_disposition_set_follow_up(d, fu))
				return bad_row(im, LC_ERANGE,
					       "disposition %zu: the follow-up %lld days after the "
					       "row's time is beyond the valid times (follow_up_days)",
					       i + 1, (long long)(st->follow_up_seconds / DAY));
		}
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

/* ISO 4217 codes whose minor unit is not the cent. */
static int currency_decimals(const char *code)
{
	static const char *const zero[] = { "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
					    "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
					    "XPF" };
	static const char *const three[] = { "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND" };
	for (size_t i = 0; i < LC_ARRAY_LEN(zero); i++)
		if (strcmp(code, zero[i]) == 0)
			return 0;
	for (size_t i = 0; i < LC_ARRAY_LEN(three); i++)
		if (strcmp(code, three[i]) == 0)
			return 3;
	return 2;
}

/* "1,054.50" in major units -> minor units. 0 or LC_EFORMAT/LC_ERANGE. */
static int parse_amount(const char *s, int decimals, int64_t *out)
{
	int64_t v = 0;
	int frac = -1, digits = 0;
	for (; *s; s++) {
		if (*s == ',' && frac < 0 && digits > 0)
			continue; /* thousands separator */
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return LC_EFORMAT;
		if (frac >= 0 && ++frac > decimals)
			return LC_EFORMAT;
		if (v > (INT64_MAX - 9) / 10)
			return LC_ERANGE;
		v = v * 10 + (*s - '0');
		digits++;
	}
	if (!digits)
		return LC_EFORMAT;
	for (int i = frac < 0 ? 0 : frac; i < decimals; i++) {
		if (v > INT64_MAX / 10)
			return LC_ERANGE;
		v *= 10;
	}
	*out = v;
	return 0;
}

/* An agent or unit by name: its id, 0 when it is missing and the mapping
 * creates it (at write time, see create_owners()), or a bad-row code < 0. */
static int owner_id(imp *im, const mp_field *f, const char *name, lc_id *id)
{
	bool agent = f->field == MP_F_AGENT;
	int rc = agent ? lc_db_agent_find(im->db, name, id) : lc_db_unit_find(im->db, name, id);
	if (rc == 0)
		return 0;
	if (rc != LC_ENOTFOUND)
		return im->fatal = rc;
	lc_error_clear();
	*id = 0;
	if (agent ? im->map->create_agents : im->map->create_units)
		return 0;
	return bad_row(im, LC_ENOTFOUND,
		       "column '%s': there is no %s named '%.200s' (add it first, or let the mapping "
		       "create it with \"%s\": true)",
		       im->map->columns[f->slot], agent ? "agent" : "unit", name,
		       agent ? "create_agents" : "create_units");
}

/* The email as matched and stored by email dedupe: trimmed, the domain in
 * lower case, the local part too unless the mapping keeps its case. */
static const char *normal_email(imp *im, const char *v)
{
	size_t len;
	char *at;
	while (*v == ' ' || *v == '\t')
		v++;
	len = strlen(v);
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len >= sizeof im->email)
		return v; /* too long for an email: the setter refuses it */
	memcpy(im->email, v, len);
	im->email[len] = '\0';
	at = strrchr(im->email, '@');
	if (im->map->email_keep_local_case)
		at = at ? at : im->email + len;
	else
		at = im->email;
	for (char *c = at; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return im->email;
}

static int fill_products(imp *im, lc_lead *lead, const char *v)
{
	char name[LC_LEAD_TEXT_MAX + 1];
	lc_lead_list_clear(lead, LC_LEAD_PRODUCTS);
	while (*v) {
		size_t n = strcspn(v, ",");
		const char *b = v, *e = v + n;
		while (b < e && *b == ' ')
			b++;
		while (e > b && e[-1] == ' ')
			e--;
		if (e > b) {
			memcpy(name, b, (size_t)(e - b));
			name[e - b] = '\0';
			if (lc_lead_product_add(lead, name, NULL) != 0)
				return LC_EFORMAT;
		}
		v += n + (v[n] == ',');
	}
	return 0;
}

/* One mapped field into the record. 0, or a library error code with its
 * message set (the caller names the column), or a bad-row code already
 * recorded (returned as -code... kept simple: *recorded is set). */
static int fill_field(imp *im, lc_lead *lead, const mp_field *f, const char *v, bool *recorded)
{
	const lc_mapping *m = im->map;
	switch (f->field) {
	case MP_F_PROBABILITY: {
		char *end;
		long p = strtol(v, &end, 10);
		if (*end || p < 0 || p > 100) {
			*recorded = true;
			return bad_row(im, LC_EFORMAT,
				       "column '%s': probability '%.64s' is not a whole number from 0 to 100",
				       m->columns[f->slot], v);
		}
		return lc_lead_set_probability(lead, (int32_t)p);
	}
	case MP_F_START:
	case MP_F_EXPECTED_COMPLETION: {
		lc_time t;
		int rc = lc_time_parse(v, &t);
		if (rc == LC_ERANGE) {
			*recorded = true;
			return bad_row(im, LC_ERANGE, "column '%s': %s", m->columns[f->slot],
				       lc_error_last());
		}
		if (rc) {
			*recorded = true;
			return bad_row(im, LC_EFORMAT, "column '%s': '%.64s' is not an ISO 8601 date or time",
				       m->columns[f->slot], v);
		}
		return lc_lead_set_date(lead, f->field == MP_F_START ? LC_LEAD_START
								     : LC_LEAD_EXPECTED_COMPLETION,
					t);
	}
	case MP_F_AGENT:
	case MP_F_UNIT: {
		lc_id id = 0;
		int rc = owner_id(im, f, v, &id);
		if (rc) {
			*recorded = !im->fatal;
			return rc;
		}
		if (!id) { /* created when the row is written */
			char **pending = f->field == MP_F_AGENT ? &im->new_agent : &im->new_unit;
			lc__free(*pending);
			return (*pending = lc__strdup(v)) ? 0 : (im->fatal = LC_ENOMEM);
		}
		return f->field == MP_F_AGENT ? lc_lead_set_agent(lead, id) : lc_lead_set_unit(lead, id);
	}
	case MP_F_AMOUNT:
		im->amount_text = v;
		return 0;
	case MP_F_CURRENCY:
		im->currency_text = v;
		return 0;
	case MP_F_PRODUCTS:
		return fill_products(im, lead, v);
	case LC_LEAD_EMAIL:
		if (m->dedupe == MP_DEDUPE_EMAIL)
			v = normal_email(im, v);
		return lc_lead_set_text(lead, LC_LEAD_EMAIL, v);
	default:
		return lc_lead_set_text(lead, (lc_lead_text_field)f->field, v);
	}
}

/* The amount and its currency, once every field is read. 0 or a bad-row code. */
static int fill_amount(imp *im, lc_lead *lead)
{
	const char *cur = im->currency_text && *im->currency_text ? im->currency_text : im->map->currency;
	int64_t minor;
	int rc;
	if (!im->amount_text)
		return 0;
	if (!cur)
		return bad_row(im, LC_EFORMAT, "the amount '%.64s' has no currency (the currency cell is empty)",
			       im->amount_text);
	if (strlen(cur) != 3 || lc_lead_set_amount(lead, 0, cur) != 0)
		return bad_row(im, LC_EFORMAT, "'%.64s' is not an ISO 4217 currency code (three upper-case letters)",
			       cur);
	rc = parse_amount(im->amount_text, currency_decimals(cur), &minor);
	if (rc)
		return bad_row(im, rc,
			       "the amount '%.64s' is not a decimal number in %s (like 1054 or 1,054.50, "
			       "at most %d decimals)",
			       im->amount_text, cur, currency_decimals(cur));
	return lc_lead_set_amount(lead, minor, cur) ? bad_row(im, LC_ERANGE, "%s", lc_error_last()) : 0;
}

/* Copy the mapped fields into the record. 0 or a bad-row code. */
static int fill_lead(imp *im, lc_lead *lead)
{
	const lc_mapping *m = im->map;
	im->amount_text = im->currency_text = NULL;
	for (size_t i = 0; i < m->nfields; i++) {
		const mp_field *f = &m->fields[i];
		const char *v = cell(im, f->slot);
		bool recorded = false;
		int rc;
		if (!*v)
			continue;
		rc = fill_field(im, lead, f, v, &recorded);
		if (im->fatal)
			return im->fatal;
		if (recorded)
			return rc;
		if (rc)
			return bad_row(im, rc == LC_ERANGE ? LC_ERANGE : LC_EFORMAT, "column '%s': %s",
				       m->columns[f->slot], lc_error_last());
	}
	if (fill_amount(im, lead))
		return LC_EFORMAT;
	for (size_t i = 0; i < m->nattrs; i++) {
		const char *v = cell(im, m->attrs[i].slot);
		int rc;
		if (!*v)
			continue;
		if ((rc = lc_lead_attr_set(lead, m->attrs[i].key, v)) != 0)
			return bad_row(im, rc == LC_ERANGE ? LC_ERANGE : LC_EFORMAT, "column '%s': %s",
				       m->columns[m->attrs[i].slot], lc_error_last());
	}
	for (size_t i = 0; i < m->nflags; i++) {
		const char *v = cell(im, m->flags[i].slot);
		if (*v)
			lc_lead_set_flag(lead, m->flags[i].flag, is_yes(&m->flags[i], v));
	}
	return 0;
}

/* Judge every disposition of the row, in memory, from the state the lead
 * will be written with (a new lead's is the model's initial state). */
static int judge(imp *im, const lc_lead *lead)
{
	const lc_table *vt = lc_violations_table(im->viol);
	int rc = lc_state_copy(im->state, lc_lead_state(lead));
	if (rc)
		return im->fatal = rc;
	for (size_t i = 0; i < im->map->nsteps; i++) {
		if (!im->use[i])
			continue;
		rc = lc_transition(im->model, im->state, im->disp[i], im->when[i], im->state, im->viol);
		if (rc == LC_EINVALID) {
			msg_reset(im);
			lc__buf_printf(&im->msg, "disposition %zu (%s): ", i + 1,
				       lc_disposition_get(im->disp[i], LC_AXIS_ACTION));
			for (size_t v = 0; v < lc_table_row_count(vt); v++)
				lc__buf_printf(&im->msg, "%s%s", v ? " " : "",
					       lc_table_text(vt, v, 3));
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
	return ((const imp *)ud)->clock_time;
}

static const char *mapped_text(const imp *im, int field)
{
	for (size_t i = 0; i < im->map->nfields; i++)
		if (im->map->fields[i].field == field)
			return cell(im, im->map->fields[i].slot);
	return "";
}

/* Whether a row of this batch wrote a lead that had or has this key. */
static bool written(const imp *im, lc_lead_text_field field, const char *key)
{
	char tag = field == LC_LEAD_EMAIL ? 'e' : 'x';
	for (size_t i = 0; i < im->written.len; i += strlen(im->written.data + i) + 1)
		if (im->written.data[i] == tag && strcmp(im->written.data + i + 1, key) == 0)
			return true;
	return false;
}

static void note_key(imp *im, lc_lead_text_field field, const char *key)
{
	if (!key)
		return;
	lc__buf_putc(&im->written, field == LC_LEAD_EMAIL ? 'e' : 'x');
	lc__buf_puts(&im->written, key);
	lc__buf_putc(&im->written, '\0');
	if (im->written.failed)
		im->fatal = LC_ENOMEM;
}

/* A row was written: later rows of the batch ask the store again for the
 * keys the lead had and has. */
static void note_written(imp *im, const lc_lead *before, const lc_lead *lead)
{
	if (!im->pre_ok)
		return;
	note_key(im, LC_LEAD_EXTERNAL_ID, lc_lead_text(lead, LC_LEAD_EXTERNAL_ID));
	note_key(im, LC_LEAD_EMAIL, lc_lead_text(lead, LC_LEAD_EMAIL));
	if (before) {
		note_key(im, LC_LEAD_EXTERNAL_ID, lc_lead_text(before, LC_LEAD_EXTERNAL_ID));
		note_key(im, LC_LEAD_EMAIL, lc_lead_text(before, LC_LEAD_EMAIL));
	}
}

/* The batch's answer for the current row's lookup @p k of @p key: 1 with
 * *id (0: no lead), 0 when the store must be asked. */
static int prefetched(const imp *im, int k, lc_lead_text_field field, const char *key, lc_id *id)
{
	const char *asked = im->pre_ok ? im->pre_key[k][im->cur] : NULL;
	if (!asked || !key || strcmp(asked, key) != 0 || written(im, field, key))
		return 0;
	*id = im->pre[k][im->cur];
	return 1;
}

static int lead_by_id(imp *im, lc_id id, lc_lead **out)
{
	int rc = lc_db_lead_get(im->db, id, out);
	return rc ? rc : 1;
}

/* The lead with this email, if any: 1 found (in *out), 0 not, <0 error. */
static int find_by_email(imp *im, const char *email, lc_lead **out)
{
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	int rc;
	if ((rc = lc_query_new(&q)) == 0 && (rc = lc_query_set_text(q, LC_LEAD_EMAIL, email)) == 0 &&
	    (rc = lc_query_set_recycled(q, LC_RECYCLED_INCLUDE)) == 0 &&
	    (rc = lc_query_set_page(q, 0, 1)) == 0 && (rc = lc_db_query(im->db, q, &it)) == 0) {
		rc = lc_lead_iter_next(it, &l);
		if (rc == 1)
			rc = lc_db_lead_get(im->db, lc_lead_number(l, LC_LEAD_NUM_ID), out) ? lc_error_last_code() : 1;
	}
	lc_lead_iter_free(it);
	lc_query_free(q);
	return rc;
}

/* Find the lead a row's dedupe key names: 1 found (in *out), 0 not, <0 error. */
static int find_existing(imp *im, lc_lead **out)
{
	const lc_mapping *m = im->map;
	const char *key;
	int rc;

	*out = NULL;
	if (m->dedupe == MP_DEDUPE_NONE)
		return 0;
	key = mapped_text(im, m->dedupe == MP_DEDUPE_EXTERNAL_ID ? LC_LEAD_EXTERNAL_ID : LC_LEAD_EMAIL);
	if (!*key)
		return 0;
	if (m->dedupe == MP_DEDUPE_EXTERNAL_ID) {
		lc_id id;
		if (prefetched(im, PRE_KEY, LC_LEAD_EXTERNAL_ID, key, &id))
			return id ? lead_by_id(im, id, out) : 0;
		rc = lc_db_lead_find(im->db, key, out);
		if (rc == LC_ENOTFOUND) {
			lc_error_clear();
			return 0;
		}
		return rc ? rc : 1;
	}
	/* The normalised form, then the text as written (a lead added by hand). */
	lc_id id;
	const char *norm = normal_email(im, key);
	if (prefetched(im, PRE_KEY, LC_LEAD_EMAIL, norm, &id)) {
		if (!id && !prefetched(im, PRE_RAW, LC_LEAD_EMAIL, key, &id))
			return find_by_email(im, key, out);
		return id ? lead_by_id(im, id, out) : 0;
	}
	rc = find_by_email(im, norm, out);
	return rc == 0 ? find_by_email(im, key, out) : rc;
}

/* The row's external id against the store: a new lead's must be free, and
 * a lead found by email keeps its own unless the mapping allows a change.
 * 0 or a bad-row code. */
static int check_external_id(imp *im, const lc_lead *existing, const lc_lead *lead)
{
	const char *want = lc_lead_text(lead, LC_LEAD_EXTERNAL_ID);
	const char *had = existing ? lc_lead_text(existing, LC_LEAD_EXTERNAL_ID) : NULL;
	lc_lead *other = NULL;
	lc_id taken = 0;
	int rc;
	if (!want || (had && strcmp(had, want) == 0))
		return 0;
	if (!existing && im->map->dedupe == MP_DEDUPE_EXTERNAL_ID)
		return 0; /* the dedupe lookup just found no lead with it */
	if (had && !im->map->update_external_id)
		return bad_row(im, LC_ECONFLICT,
			       "the row's email finds lead %lld, whose external id is '%.100s', not "
			       "'%.100s'; the import keeps external ids (set \"update_external_id\": true "
			       "in the mapping to change them)",
			       (long long)lc_lead_number(existing, LC_LEAD_NUM_ID), had, want);
	if (!prefetched(im, PRE_EXT, LC_LEAD_EXTERNAL_ID, want, &taken)) {
		rc = lc_db_lead_find(im->db, want, &other);
		if (rc == LC_ENOTFOUND)
			lc_error_clear();
		else if (rc)
			return im->fatal = rc;
		else
			taken = lc_lead_number(other, LC_LEAD_NUM_ID);
	}
	if (!taken)
		return 0;
	rc = bad_row(im, LC_EEXISTS,
		     "external id '%.100s' is already lead %lld%s", want, (long long)taken,
		     im->map->dedupe == MP_DEDUPE_NONE
			     ? " (a mapping with \"dedupe\": \"external_id\" updates it instead)"
			     : "");
	lc_lead_free(other);
	return rc;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Leave out the row's dispositions already in the lead's history (same
 * action, values, outcome and time): a refreshed export imported again
 * records nothing twice. */
static int drop_recorded(imp *im, lc_id id)
{
	static const lc_axis axes[] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
					LC_AXIS_STAGE, LC_AXIS_REASON };
	lc_event_iter *it = NULL;
	const lc_event *ev;
	int rc = lc_db_history(im->db, id, &it);
	if (rc)
		return im->fatal = rc;
	while ((rc = lc_event_iter_next(it, &ev)) == 1) {
		if ((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) != LC_EVENT_DISPOSITION)
			continue;
		for (size_t i = 0; i < im->map->nsteps; i++) {
			bool same = im->use[i] && lc_event_number(ev, LC_EVENT_NUM_TIME) == im->when[i] &&
				    (lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME) == lc_disposition_outcome(im->disp[i]);
			for (size_t a = 0; same && a < LC_ARRAY_LEN(axes); a++)
				same = same_text(lc_event_value(ev, axes[a]),
						 lc_disposition_get(im->disp[i], axes[a]));
			if (same) {
				im->use[i] = false;
				im->res->repeats++;
			}
		}
	}
	lc_event_iter_free(it);
	return rc < 0 ? (im->fatal = rc) : 0;
}

/* Agents and units the row names that the mapping creates. */
static int create_owners(imp *im, lc_lead *lead)
{
	lc_id id;
	int rc;
	if (im->new_agent) {
		if ((rc = lc_db_agent_find(im->db, im->new_agent, &id)) == LC_ENOTFOUND &&
		    (rc = lc_db_agent_add(im->db, im->new_agent, &id)) == 0)
			im->row_agents++;
		if (rc || (rc = lc_lead_set_agent(lead, id)))
			return rc;
	}
	if (im->new_unit) {
		if ((rc = lc_db_unit_find(im->db, im->new_unit, &id)) == LC_ENOTFOUND &&
		    (rc = lc_db_unit_add(im->db, im->new_unit, &id)) == 0)
			im->row_units++;
		if (rc || (rc = lc_lead_set_unit(lead, id)))
			return rc;
	}
	return 0;
}

/* Write the row: owners, the lead (only when something changed), then each
 * disposition at its time. 0 or the failing call's code (message set). */
static int write_row(imp *im, lc_lead *lead, const lc_lead *before, lc_id *id, bool *wrote)
{
	int rc;
	*wrote = false;
	if ((rc = create_owners(im, lead)))
		return rc;
	im->clock_time = im->row_time;
	if (!before) {
		/* A lead is not created after its own first disposition. */
		for (size_t i = 0; i < im->map->nsteps; i++)
			if (im->use[i] && im->when[i] < im->clock_time)
				im->clock_time = im->when[i];
		if ((rc = lc_db_lead_create(im->db, lead, id)))
			return rc;
		*wrote = true;
	} else {
		*id = lc_lead_number(lead, LC_LEAD_NUM_ID);
		if (lc__db_lead_differs(before, lead)) {
			if ((rc = lc_db_lead_update(im->db, lead, -1)))
				return rc;
			*wrote = true;
		}
	}
	for (size_t i = 0; i < im->map->nsteps; i++) {
		if (!im->use[i])
			continue;
		im->clock_time = im->when[i];
		if ((rc = lc_db_apply(im->db, *id, im->disp[i], -1, im->viol, NULL)))
			return rc;
		im->row_dispositions++;
		*wrote = true;
	}
	return 0;
}

/* A write failed: with a savepoint the row alone is undone and reported;
 * without one (or for the store's own trouble) the import stops. */
static void write_failed(imp *im, int rc, bool marked)
{
	bool row_error = rc == LC_EEXISTS || rc == LC_EINVAL || rc == LC_ERANGE ||
			 rc == LC_EINVALID || rc == LC_ENOTFOUND || rc == LC_ESTATE ||
			 rc == LC_ECONFLICT;
	char why[512];
	snprintf(why, sizeof why, "%s", lc_error_last());
	if (!marked || !row_error || lc__db_savepoint(im->db, LC_STORAGE_SAVEPOINT_ROLLBACK)) {
		im->fatal = rc;
		lc__error(rc, "line %llu: %s", (unsigned long long)im->row_line, why);
		return;
	}
	bad_row(im, rc, "%s", why);
}

/* The time for the row's lead and the dispositions without their own. 0 or
 * a bad-row code. */
static int row_time(imp *im)
{
	const lc_mapping *m = im->map;
	int rc;
	if (im->opts.at != LC_TIME_NONE) {
		im->row_time = im->opts.at;
		return 0;
	}
	im->row_time = im->import_time;
	if (m->time.kind == MP_TIME_COLUMN && !*cell(im, m->time.slot))
		return bad_row(im, LC_EFORMAT, "column '%s' (the row's time) is empty",
			       m->columns[m->time.slot]);
	rc = read_time(im, &m->time, &im->row_time);
	return rc < 0 ? rc : 0;
}

/* The row's shape: its width, field lengths and UTF-8. 0 or a bad-row code. */
static int check_shape(imp *im)
{
	if (im->rv_n != im->ncols)
		return bad_row(im, LC_EFORMAT, "the row has %zu fields but the header has %zu",
			       im->rv_n, im->ncols);
	if (im->rv_long)
		return bad_row(im, LC_ERANGE, "a field is longer than %d bytes", LC_LEAD_TEXT_MAX);
	for (size_t i = 0; i < im->rv_n; i++) {
		const char *s = im->arena.data + im->rv[i];
		size_t len = (i + 1 < im->rv_n ? im->rv[i + 1] - 1 : im->rv_end - 1) - im->rv[i];
		if (!lc__utf8_valid(s, len))
			return bad_row(im, LC_EFORMAT,
				       "field %zu is not valid UTF-8 (or holds a NUL byte); save the file "
				       "as UTF-8",
				       i + 1);
	}
	return 0;
}

static void process_row(imp *im)
{
	lc_lead *lead = NULL, *existing = NULL, *before = NULL;
	bool marked = false, wrote = false;
	lc_id id = 0;
	int rc;

	im->res->rows++;
	im->row_undated = im->row_dispositions = im->row_agents = im->row_units = 0;
	lc__free(im->new_agent);
	lc__free(im->new_unit);
	im->new_agent = im->new_unit = NULL;
	if (check_shape(im) || row_time(im) || build_dispositions(im))
		return;
	rc = find_existing(im, &existing);
	if (rc < 0) {
		im->fatal = rc;
		return;
	}
	if (existing) {
		lead = existing;
		if ((rc = lc_lead_clone(&before, existing))) {
			im->fatal = rc;
			goto out;
		}
	} else {
		/* A new lead starts where the model says; judged from there. */
		lead = im->lead;
		lc_lead_reset(lead);
		if ((rc = lc_state_copy(im->state, lc_lead_state(lead))) ||
		    (rc = lc_state_set_initial(im->state)) || (rc = lc_lead_set_state(lead, im->state))) {
			im->fatal = rc;
			goto out;
		}
	}
	if (fill_lead(im, lead) || check_external_id(im, before, lead) ||
	    (existing && drop_recorded(im, lc_lead_number(existing, LC_LEAD_NUM_ID))) || judge(im, lead))
		goto out;

	/* Written behind, the batch is the unit that is undone. */
	rc = im->deferred ? LC_EUNSUPPORTED : lc__db_savepoint(im->db, LC_STORAGE_SAVEPOINT_BEGIN);
	if (rc && rc != LC_EUNSUPPORTED) {
		im->fatal = rc;
		goto out;
	}
	marked = rc == 0;
	rc = write_row(im, lead, before, &id, &wrote);
	if (rc && im->deferred) {
		im->redo = true; /* maybe a write sent ahead: the batch goes again */
		goto out;
	}
	if (rc) {
		write_failed(im, rc, marked);
		goto out;
	}
	if (marked && (rc = lc__db_savepoint(im->db, LC_STORAGE_SAVEPOINT_RELEASE))) {
		im->fatal = rc;
		goto out;
	}
	note_written(im, before, lead);
	im->res->dispositions += im->row_dispositions;
	im->res->undated += im->row_undated;
	im->res->agents_created += im->row_agents;
	im->res->units_created += im->row_units;
	if (!existing)
		im->res->imported++;
	else if (wrote)
		im->res->updated++;
	else
		im->res->unchanged++;
out:
	lc_lead_free(before);
	lc_lead_free(existing);
}

static int progress(imp *im, bool last)
{
	uint32_t every = im->opts.progress_every ? im->opts.progress_every : 1000;
	if (!im->opts.progress ||
	    (!last && (im->res->rows % every != 0 || im->res->rows <= im->reported)))
		return 0;
	im->reported = im->res->rows;
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
				       "does not have (is the file the CSV export this mapping is for?)",
				       m->columns[s], (unsigned long long)im->row_line);
	}
	return 0;
}

/* The batch's lookups, each kind in one call to the backend (when it has
 * lead_find_many); the rows then use the answers (prefetched()). */
static void prefetch(imp *im)
{
	const lc_mapping *m = im->map;
	bool want[PRE_N] = { m->dedupe != MP_DEDUPE_NONE, m->dedupe == MP_DEDUPE_EMAIL,
			     m->dedupe != MP_DEDUPE_EXTERNAL_ID };
	int rc = 0;

	im->pre_ok = false;
	im->written.len = 0;
	if (!im->db->vt.lead_find_many || (!want[PRE_KEY] && !want[PRE_EXT]))
		return;
	im->pre_text.len = 0;
	for (size_t r = 0; r < im->nrows; r++) {
		const char *ext, *email;
		im->cur = r;
		im->rv = im->off + im->rows[r].off0;
		im->rv_n = im->rows[r].nfields;
		ext = mapped_text(im, LC_LEAD_EXTERNAL_ID);
		email = mapped_text(im, LC_LEAD_EMAIL);
		im->pre_key[PRE_KEY][r] = im->pre_key[PRE_RAW][r] = NULL;
		im->pre_key[PRE_EXT][r] = want[PRE_EXT] && *ext ? ext : NULL;
		im->pre_off[r] = SIZE_MAX;
		if (m->dedupe == MP_DEDUPE_EXTERNAL_ID && *ext)
			im->pre_key[PRE_KEY][r] = ext;
		if (m->dedupe == MP_DEDUPE_EMAIL && *email) {
			im->pre_key[PRE_RAW][r] = email;
			im->pre_off[r] = im->pre_text.len;
			lc__buf_puts(&im->pre_text, normal_email(im, email));
			lc__buf_putc(&im->pre_text, '\0');
		}
	}
	if (im->pre_text.failed) {
		im->fatal = LC_ENOMEM;
		return;
	}
	for (size_t r = 0; r < im->nrows; r++)
		if (im->pre_off[r] != SIZE_MAX)
			im->pre_key[PRE_KEY][r] = im->pre_text.data + im->pre_off[r];
	for (int k = 0; k < PRE_N && !rc; k++) {
		bool any = false;
		for (size_t r = 0; r < im->nrows && !any; r++)
			any = im->pre_key[k][r] != NULL;
		if (any)
			rc = lc__db_lead_find_many(im->db,
						   k == PRE_EXT || m->dedupe == MP_DEDUPE_EXTERNAL_ID
							   ? LC_LEAD_EXTERNAL_ID
							   : LC_LEAD_EMAIL,
						   im->pre_key[k], im->nrows, im->pre[k]);
	}
	if (rc && rc != LC_EUNSUPPORTED)
		im->fatal = rc;
	im->pre_ok = rc == 0;
}

/* Judge and write the rows read ahead, in order. */
static void write_batch(imp *im)
{
	prefetch(im);
	for (size_t r = 0; r < im->nrows && !im->fatal && !im->redo; r++) {
		const batch_row *b = &im->rows[r];
		im->cur = r;
		im->rv = im->off + b->off0;
		im->rv_n = b->nfields;
		im->rv_end = b->end;
		im->rv_long = b->too_long;
		im->row_line = b->line;
		process_row(im);
		if (!im->fatal)
			progress(im, false);
	}
}

/* What a batch changes in the results, restored when it is written again. */
typedef struct batch_mark {
	import_acc acc;
	int first_bad;
} batch_mark;

static void batch_undone(imp *im, const batch_mark *m)
{
	reject *v = im->res->v;
	size_t cap = im->res->cap;

	for (size_t i = m->acc.n; i < im->res->n; i++)
		lc__free(v[i].reason);
	*im->res = m->acc;
	im->res->v = v;
	im->res->cap = cap;
	im->first_bad = m->first_bad;
}

/* The batch written behind (the backend's write-behind, when it has one):
 * a failure anywhere in it, or one of the writes sent ahead, undoes the
 * whole batch, which is then written again row by row, each row with its
 * savepoint, so that a bad row is rejected alone with its line. */
static void write_rows(imp *im)
{
	uint64_t line = im->row_line;
	size_t nfields = im->nfields;
	batch_mark m = { *im->res, im->first_bad };
	int rc;

	if (!im->nrows)
		return;
	rc = lc__db_defer(im->db, LC_STORAGE_DEFER_BEGIN, im->nrows,
			  im->nrows * (1 + im->map->nsteps));
	if (rc && rc != LC_EUNSUPPORTED)
		lc_error_clear(); /* written row by row; a lost store fails there */
	im->deferred = rc == 0;
	im->redo = false;
	write_batch(im);
	if (im->deferred) {
		im->deferred = false;
		if (!im->fatal && !im->redo)
			im->redo = lc__db_defer(im->db, LC_STORAGE_DEFER_END, 0, 0) != 0;
		else if ((rc = lc__db_defer(im->db, LC_STORAGE_DEFER_ABORT, 0, 0))) {
			im->fatal = rc; /* the batch could not be undone */
			im->redo = false;
		} else /* the progress callback's stop stands */
			im->redo = im->fatal != LC_EUSER;
		if (im->redo) {
			batch_undone(im, &m);
			im->fatal = 0;
			im->redo = false;
			lc_error_clear();
			write_batch(im);
		}
	}
	im->nrows = 0;
	im->row_off0 = 0;
	im->arena.len = 0;
	im->pre_ok = false;
	im->row_line = line;
	im->nfields = nfields;
}

/* libcsv callbacks. */
static void on_field(void *s, size_t len, void *ud)
{
	imp *im = ud;
	if (im->fatal)
		return;
	if (im->row_line == 0)
		im->row_line = im->line + 1;
	if (im->header_done && im->nfields >= im->ncols) {
		im->nfields++; /* a ragged row: counted, not kept */
		im->field_cut = false;
		return;
	}
	if (im->row_off0 + im->nfields == im->capfields) {
		size_t *v = lc__grow(im->off, &im->capfields, sizeof *v, 64);
		if (!v) {
			im->fatal = LC_ENOMEM;
			return;
		}
		im->off = v;
	}
	im->off[im->row_off0 + im->nfields++] = im->arena.len;
	if (len > LC_LEAD_TEXT_MAX || im->field_cut) {
		im->field_cut = false;
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
		im->arena.len = 0;
	} else {
		im->rows[im->nrows++] = (batch_row){ im->row_off0, im->nfields, im->arena.len,
						     im->row_line, im->field_too_long };
		/* A ragged row keeps only the header's width of offsets. */
		im->row_off0 += im->nfields < im->ncols ? im->nfields : im->ncols;
		if (im->nrows == BATCH_ROWS || im->arena.len >= BATCH_BYTES)
			write_rows(im);
	}
	im->nfields = 0;
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
		/* A field past the length limit is a bad row anyway: keep none
		 * of it, so that a huge field costs no memory. */
		if (p->entry_pos > LC_LEAD_TEXT_MAX) {
			p->entry_pos = 0;
			im->field_cut = true;
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
	       void *src, uint64_t total, lc_table **result)
{
	struct csv_parser p;
	bool parser = false, began = false, clock_set = false;
	lc_time (*old_clock)(void *) = NULL;
	void *old_ud = NULL;
	char *old_actor = db->actor;
	char *buf = NULL;
	lc_table *table = NULL;
	imp im;
	int rc = 0;

	memset(&im, 0, sizeof im);
	im.db = db;
	im.map = map;
	im.model = lc_db_model(db);
	im.total_bytes = total;
	lc__buf_init(&im.arena);
	lc__buf_init(&im.msg);
	lc__buf_init(&im.pre_text);
	lc__buf_init(&im.written);
	im.opts = *opts;
	im.skip_bad = (im.opts.flags & LC_IMPORT_SKIP_BAD_ROWS) != 0;
	im.import_time = lc_db_now(db);

	if (!(im.res = lc__calloc(1, sizeof *im.res)) ||
	    !(im.slot_col = lc__calloc(map->ncolumns + 1, sizeof *im.slot_col)) ||
	    !(im.disp = lc__calloc(map->nsteps + 1, sizeof *im.disp)) ||
	    !(im.use = lc__calloc(map->nsteps + 1, sizeof *im.use)) ||
	    !(im.when = lc__calloc(map->nsteps + 1, sizeof *im.when)) || !(buf = lc__malloc(CHUNK)) ||
	    !(im.rows = lc__calloc(BATCH_ROWS, sizeof *im.rows)) ||
	    !(im.pre_off = lc__calloc(BATCH_ROWS, sizeof *im.pre_off))) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (int k = 0; k < PRE_N; k++)
		if (!(im.pre_key[k] = lc__calloc(BATCH_ROWS, sizeof *im.pre_key[k])) ||
		    !(im.pre[k] = lc__calloc(BATCH_ROWS, sizeof *im.pre[k]))) {
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
	/* Fields are cut at the length limit (feed()), so the parser's buffer
	 * stays under a few blocks of this size. */
	csv_set_blk_size(&p, CHUNK);

	/* The import's own transaction (not lc_db_begin()'s): a row that fails
	 * after writing is undone to its savepoint without spoiling the rest. */
	if ((rc = lc__db_txn_begin(db, true)))
		goto out;
	began = true;
	/* The mapping's actor is recorded on every event the import writes. */
	if (map->actor && !(db->actor = lc__strdup(map->actor))) {
		db->actor = old_actor;
		rc = LC_ENOMEM;
		goto out;
	}
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
		write_rows(&im); /* the rows before it, in order */
		if (im.row_line == 0)
			im.row_line = im.line + 1;
		im.res->rows++;
		bad_row(&im, LC_EFORMAT, "a quoted field is never closed (a '\"' is missing)");
		csv_fini(&p, NULL, NULL, NULL);
	} else {
		csv_fini(&p, on_field, on_row, &im);
	}
	if (!im.fatal)
		write_rows(&im);
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
			       "Fix them, or import with LC_IMPORT_SKIP_BAD_ROWS to leave them out",
			       (unsigned long long)im.res->rejected, (unsigned long long)im.res->rows,
			       (unsigned long long)(im.res->n ? im.res->v[0].line : 0));
		goto out;
	}
	db->opts.clock = old_clock;
	db->opts.clock_ud = old_ud;
	clock_set = false;
out:
	if (clock_set) {
		db->opts.clock = old_clock;
		db->opts.clock_ud = old_ud;
	}
	if (db->actor != old_actor) {
		lc__free(db->actor);
		db->actor = old_actor;
	}
	/* The result is built before the commit, so that running out of memory
	 * for it still writes nothing. */
	if (!rc && result && im.res)
		rc = result_table(im.res, &table);
	if (began) {
		int keep = rc ? lc_error_last_code() : 0;
		char saved[512];
		snprintf(saved, sizeof saved, "%s", lc_error_last());
		rc = lc__db_txn_end(db, rc); /* commits when rc is 0 */
		if (keep)
			lc__error(keep, "%s", saved); /* the rollback's trouble is not the news */
	}
	if (rc && im.res) {
		im.res->imported = im.res->updated = im.res->dispositions = im.res->unchanged = 0;
		im.res->repeats = im.res->undated = im.res->agents_created = im.res->units_created = 0;
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
	lc__free(im.when);
	lc__free(im.new_agent);
	lc__free(im.new_unit);
	lc__free(im.slot_col);
	lc__free(im.off);
	lc__free(im.rows);
	lc__free(im.pre_off);
	for (int k = 0; k < PRE_N; k++) {
		lc__free(im.pre_key[k]);
		lc__free(im.pre[k]);
	}
	lc__buf_free(&im.pre_text);
	lc__buf_free(&im.written);
	lc__free(buf);
	lc_lead_free(im.lead);
	lc_state_free(im.state);
	lc_violations_free(im.viol);
	lc__buf_free(&im.arena);
	lc__buf_free(&im.msg);
	if (rc && table) { /* the commit failed: nothing was written after all */
		lc_table_free(table);
		table = NULL;
	}
	if (!table && result && im.res && rc != LC_ENOMEM && result_table(im.res, &table))
		table = NULL;
	if (result)
		*result = table;
	else
		lc_table_free(table);
	acc_free(im.res);
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
		 lc_import_options *o, lc_table **result, const char *what)
{
	char field[64];
	lc_time now;
	int rc;

	if (result)
		*result = NULL;
	LC__ARG_IN(what, db, "db");
	LC__ARG_IN(what, map, "map");
	if ((rc = lc__db_writable(db, what)) ||
	    (rc = lc__struct_copy(&import_options_desc, o, opts, what)))
		return rc;
	snprintf(field, sizeof field, "%s: lc_import_options.at", what);
	if ((rc = lc__time_check(o->at, true, field)) || (rc = lc__db_clock(db, &now, what)))
		return rc;
	if ((rc = lc__db_need_model(db, what)))
		return rc;
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
		   lc_table **result)
{
	file_src fs;
	lc_import_options o;
	struct stat st;
	int rc;

	if (result)
		*result = NULL;
	LC__ARG(path, "path");
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
		     const lc_import_options *opts, lc_table **result)
{
	lc_import_options o;
	mem_src ms;
	int rc;

	if (result)
		*result = NULL;
	if (len)
		LC__ARG(data, "data");
	if ((rc = start(db, map, opts, &o, result, "lc_import_buffer")))
		return rc;
	ms.p = data;
	ms.left = len;
	return run(db, map, &o, read_mem, &ms, len, result);
}
