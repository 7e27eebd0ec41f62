/*
 * The report object (an opaque table) and the reports built on the store's
 * grouped counts and queries. Reports read the store through lc_db's public
 * API and its grouped-count dispatch (lc__db_count_grouped), which a backend
 * may answer natively; nothing here knows a backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/versioned.h"
#include "report_internal.h"

#define DAY 86400


LC_STRUCT_DESC(report_options_desc, lc_report_options, LC_REPORT_OPTIONS_VERSION,
	       LC_REPORT_OPTIONS_INIT, LC_FIELD_END(lc_report_options, agent),
	       LC_FIELD_END(lc_report_options, flags));

int lc_report_options_init(lc_report_options *opts, unsigned int version)
{
	LC__ARG(opts, "opts");
	return lc__struct_init(&report_options_desc, opts, version, "lc_report_options_init");
}

/* ---- the table ---- */

/* Columns: "lead" for the reports whose rows are leads, the keys (text),
 * "count", then the measures (integers; a time for "expected_completion"). */
int lc__rreport_new(lc_table **out, const char *kind, const char *const *cols, size_t ncols,
		    const char *const *measures, size_t nmeasures)
{
	lc__column c[LC__TABLE_MAX_COLS];
	size_t n = 0;

	if (ncols + nmeasures + 2 > LC__TABLE_MAX_COLS)
		return lc__error(LC_EINVAL, "report: too many columns");
	if (strcmp(kind, "cell") == 0 || strcmp(kind, "overdue") == 0)
		c[n++] = (lc__column){ "lead", LC_COLUMN_ID };
	for (size_t i = 0; i < ncols; i++)
		c[n++] = (lc__column){ cols[i], LC_COLUMN_TEXT };
	c[n++] = (lc__column){ "count", LC_COLUMN_INT };
	for (size_t i = 0; i < nmeasures; i++)
		c[n++] = (lc__column){ measures[i], strcmp(measures[i], "expected_completion") == 0
							    ? LC_COLUMN_TIME
							    : LC_COLUMN_INT };
	return lc__table_new(out, kind, c, n);
}

/* Append a row; keys and labels are copied (a NULL label means "as the key"). */
int lc__rreport_add(lc_table *r, const char *const *keys, const char *const *labels, int64_t count,
		    lc_id lead, const int64_t *measures)
{
	size_t k0 = r->ncols && r->types[0] == LC_COLUMN_ID, nc = (size_t)lc__table_col(r, "count");

	lc__table_row(r);
	if (k0)
		lc__table_put_int(r, 0, lead);
	for (size_t c = k0; c < nc; c++) {
		lc__table_put_text(r, c, keys ? keys[c - k0] : NULL);
		lc__table_put_label(r, c, labels ? labels[c - k0] : NULL);
	}
	lc__table_put_int(r, nc, count);
	for (size_t m = nc + 1; m < r->ncols; m++)
		lc__table_put_int(r, m, measures ? measures[m - nc - 1] : LC_TABLE_NONE);
	return r->failed ? LC_ENOMEM : 0;
}

/* ---- shared helpers ---- */

int lc__report_begin(lc_db *db, const lc_report_options *opts, lc_report_options *o,
		     lc_table **out, const char *what, const lc_model **model)
{
	int rc;

	*model = NULL; /* set on every path: callers read it only when 0 is returned, but -O3 cannot see that */
	if (out)
		*out = NULL;
	LC__ARG_IN(what, db, "db");
	LC__ARG_IN(what, out, "out");
	if ((rc = lc__struct_copy(&report_options_desc, o, opts, what)))
		return rc;
	/* Every report refuses a window end outside the valid times, read or not. */
	for (int i = 0; i < 2; i++) {
		char field[96];
		snprintf(field, sizeof field, "%s: lc_report_options.%s", what, i ? "to" : "from");
		if ((rc = lc__time_check(i ? o->to : o->from, true, field)))
			return rc;
	}
	*model = lc_db_model(db);
	return lc__db_need_model(db, what);
}

int lc__report_query(const lc_report_options *o, lc_query **out)
{
	int rc = lc_query_new(out);
	if (!rc && o->filter && (rc = lc__query_copy(*out, o->filter)) == 0)
		rc = lc_query_set_page(*out, 0, 0);
	if (rc) {
		lc_query_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Index of a key on a model axis, or -1 (a plain scan: axes are short, and
 * lc_model_value_find() would set the last error on a miss). */
long lc__report_value_index(const lc_model *m, lc_axis axis, const char *key)
{
	size_t n = lc_model_value_count(m, axis);
	if (!key)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(lc_model_value_key(m, axis, i), key) == 0)
			return (long)i;
	return -1;
}

/* The index of a key or, failing that, a label (any case), or -1. */
static long value_index_loose(const lc_model *m, lc_axis axis, const char *text)
{
	long i = lc__report_value_index(m, axis, text);
	size_t n = lc_model_value_count(m, axis);
	if (i >= 0 || !text)
		return i;
	for (size_t j = 0; j < n; j++)
		if (lc__streq_nocase(lc_model_value_key(m, axis, j), text) ||
		    lc__streq_nocase(lc_model_value_label(m, axis, j), text))
			return (long)j;
	return -1;
}

const char *lc__report_value_label(const lc_model *m, lc_axis axis, const char *key)
{
	long i = lc__report_value_index(m, axis, key);
	return i >= 0 ? lc_model_value_label(m, axis, (size_t)i) : key;
}

/* ---- pipeline ---- */

typedef struct pl_group {
	char *keys[LC_REPORT_MAX_AXES + 1]; /* the axes, then the currency when summing */
	int64_t count;
	int64_t sum;
	int64_t entries; /* into a repeatable stage (seed 001's check-in 3) */
} pl_group;

typedef struct pl_ctx {
	const lc_model *model;
	bool sum;                  /* LC_REPORT_SUM_AMOUNT: the currency is key naxes - 1 */
	size_t naxes;              /* requested (and the currency) */
	size_t nkeys;              /* requested + added for the reportable check */
	lc_axis check_axis[8];     /* model axis of key i, or LC_AXIS_COUNT for owner */
	long stage_key;            /* the key that is the stage, when entries are counted; else -1 */
	pl_group *v;
	size_t n, cap;
} pl_ctx;

/* The axis whose model order and flags apply to a grouped key, or
 * LC_AXIS_COUNT for a record axis (sorted by text). */
static lc_axis model_axis_of(lc_axis a)
{
	return a >= LC_AXIS_MILESTONE && a <= LC_AXIS_LIFECYCLE ? a : LC_AXIS_COUNT;
}

static bool pipeline_axis(lc_axis a)
{
	return model_axis_of(a) != LC_AXIS_COUNT || (a >= LC_AXIS_OWNER && a <= LC_AXIS_PRIORITY);
}

static bool axis_has_unreportable(const lc_model *m, lc_axis axis)
{
	size_t n = lc_model_value_count(m, axis);
	for (size_t i = 0; i < n; i++)
		if (lc_model_value_flags(m, axis, i) & LC_FLAG_NOT_REPORTABLE)
			return true;
	return false;
}

/* Whether a group's values hold one flagged not_reportable. */
static bool pl_unreportable(const pl_ctx *c, const char *const *values)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		long idx;
		if (c->check_axis[i] == LC_AXIS_COUNT || !values[i])
			continue;
		idx = lc__report_value_index(c->model, c->check_axis[i], values[i]);
		if (idx >= 0 && (lc_model_value_flags(c->model, c->check_axis[i], (size_t)idx) &
				 LC_FLAG_NOT_REPORTABLE))
			return true;
	}
	return false;
}

static int pl_add(pl_ctx *c, const char *const *values, int64_t count, int64_t sum)
{
	pl_group *g;

	if (pl_unreportable(c, values))
		return 0;
	if (c->n == c->cap) {
		pl_group *v = lc__grow(c->v, &c->cap, sizeof *v, 32);
		if (!v)
			return LC_ENOMEM;
		c->v = v;
	}
	g = &c->v[c->n];
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < c->naxes; i++)
		if (values[i] && !(g->keys[i] = lc__strdup(values[i]))) {
			for (size_t j = 0; j < i; j++)
				lc__free(g->keys[j]);
			return LC_ENOMEM;
		}
	g->count = count;
	g->sum = sum;
	c->n++;
	return 0;
}

static int pl_emit(void *ud, const char *const *values, size_t count)
{
	return pl_add(ud, values, (int64_t)count, 0); /* a table cell */
}

/* The sum's values come as the keys, then the currency: put the currency
 * after the requested axes, where the report shows it. */
static void pl_order(const pl_ctx *c, const char *const *values, const char **v)
{
	size_t axes = c->naxes - 1;
	for (size_t i = 0, k = 0; i < c->nkeys; i++)
		v[i] = !c->sum ? values[i] : i == axes ? values[c->nkeys - 1] : values[k++];
}

static int pl_emit_sum(void *ud, const char *const *values, size_t count, int64_t sum)
{
	pl_ctx *c = ud;
	const char *v[8];
	pl_order(c, values, v);
	return pl_add(c, v, (int64_t)count, sum);
}

/* A group's entries into its repeatable stage go to the group counted with
 * the same keys (rows are merged over the added keys later). */
static int pl_emit_entries(void *ud, const char *const *values, size_t count, int64_t entries)
{
	pl_ctx *c = ud;
	const char *v[8];

	(void)count;
	pl_order(c, values, v);
	if (pl_unreportable(c, v))
		return 0;
	for (size_t i = 0; i < c->n; i++) {
		bool same = true;
		for (size_t k = 0; k < c->naxes && same; k++)
			same = (!v[k] && !c->v[i].keys[k]) ||
			       (v[k] && c->v[i].keys[k] && strcmp(v[k], c->v[i].keys[k]) == 0);
		if (same) {
			c->v[i].entries += entries;
			break;
		}
	}
	return 0;
}

/* Whether entries are counted: the report groups by stage and the model has
 * a repeatable one. Returns the stage's key index, or -1. */
static long entries_key(const lc_model *m, const lc_axis *axes, size_t naxes)
{
	bool repeatable = false;
	for (size_t i = 0; i < lc_model_value_count(m, LC_AXIS_STAGE); i++)
		repeatable |= (lc_model_value_flags(m, LC_AXIS_STAGE, i) & LC_FLAG_REPEATABLE) != 0;
	for (size_t i = 0; repeatable && i < naxes; i++)
		if (axes[i] == LC_AXIS_STAGE)
			return (long)i;
	return -1;
}

/* A row's measures: the amount, then the entries, which only a repeatable
 * stage's row has. */
static void pl_measures(const pl_ctx *c, const pl_group *g, int64_t sum, int64_t entries,
			int64_t *out)
{
	size_t n = 0;
	if (c->sum)
		out[n++] = sum;
	if (c->stage_key >= 0) {
		long i = lc__report_value_index(c->model, LC_AXIS_STAGE, g->keys[c->stage_key]);
		bool rep = i >= 0 && (lc_model_value_flags(c->model, LC_AXIS_STAGE, (size_t)i) &
				      LC_FLAG_REPEATABLE);
		out[n] = rep ? entries : LC_TABLE_NONE;
	}
}

/* Sort ranks: a model value by its index, an unknown value after every known
 * one (then by text), an unset value last. */
typedef struct pl_sort {
	const lc_model *model;
	lc_axis axis[LC_REPORT_MAX_AXES + 1];
	size_t naxes;
} pl_sort;

static _Thread_local pl_sort *g_sort; /* qsort has no user pointer */

static int cmp_cell(const pl_sort *s, size_t i, const char *a, const char *b)
{
	long ia, ib;
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	if (s->axis[i] == LC_AXIS_COUNT)
		return strcmp(a, b);
	ia = lc__report_value_index(s->model, s->axis[i], a);
	ib = lc__report_value_index(s->model, s->axis[i], b);
	if (ia >= 0 && ib >= 0)
		return (ia > ib) - (ia < ib);
	if ((ia >= 0) != (ib >= 0))
		return ia >= 0 ? -1 : 1;
	return strcmp(a, b);
}

static int cmp_group(const void *pa, const void *pb)
{
	const pl_group *a = pa, *b = pb;
	for (size_t i = 0; i < g_sort->naxes; i++) {
		int c = cmp_cell(g_sort, i, a->keys[i], b->keys[i]);
		if (c)
			return c;
	}
	return 0;
}

static void pl_free(pl_ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->naxes; k++)
			lc__free(c->v[i].keys[k]);
	lc__free(c->v);
}

/* Agent names by id, for the owner axis (NULL list: none loaded). */
const char *lc__report_agent_name(const lc_table *agents, const char *id_text)
{
	char *end;
	long long id;
	if (!agents || !id_text)
		return id_text;
	id = strtoll(id_text, &end, 10);
	if (*end)
		return id_text;
	for (size_t i = 0; i < lc_table_row_count(agents); i++)
		if (lc_table_int(agents, i, 0) == (lc_id)id)
			return lc_table_text(agents, i, 1);
	return id_text;
}

/* Unit names by id, for the unit axis. */
static const char *unit_name(const lc_table *units, const char *id_text)
{
	char *end;
	long long id = strtoll(id_text, &end, 10);
	for (size_t i = 0; !*end && i < lc_table_row_count(units); i++)
		if (lc_table_int(units, i, 0) == (lc_id)id)
			return lc_table_text(units, i, 1);
	return id_text;
}

int lc_report_pipeline(lc_db *db, const lc_axis *axes, size_t naxes,
		       const lc_report_options *opts, lc_table **out)
{
	lc_report_options o;
	const lc_model *m = NULL;
	const char *cols[LC_REPORT_MAX_AXES + 1];
	const char *measures[2];
	size_t nmeasures = 0;
	lc_axis keys[8], gkeys[8];
	lc_table *agents = NULL;
	lc_table *units = NULL;
	lc_query *q = NULL;
	lc_table *r = NULL;
	pl_ctx c;
	pl_sort s;
	bool owner = false;
	int rc;

	rc = lc__report_begin(db, opts, &o, out, "lc_report_pipeline", &m);
	if (rc)
		return rc;
	if (naxes == 0 || naxes > LC_REPORT_MAX_AXES)
		return lc__error(LC_EINVAL, "lc_report_pipeline: give one or two axes (got %zu)", naxes);
	LC__ARG(axes, "axes");
	memset(&c, 0, sizeof c);
	memset(&s, 0, sizeof s);
	c.model = m;
	c.naxes = naxes;
	c.stage_key = entries_key(m, axes, naxes);
	s.model = m;
	s.naxes = naxes;
	for (size_t i = 0; i < naxes; i++) {
		if (!pipeline_axis(axes[i]))
			return lc__error(LC_EINVAL,
					 "lc_report_pipeline: a pipeline groups by milestone, status, "
					 "phase, stage, lifecycle, owner, unit, segment, source or "
					 "owner_group, not %s",
					 lc_axis_name(axes[i]) ? lc_axis_name(axes[i]) : "that axis");
		for (size_t j = 0; j < i; j++)
			if (axes[j] == axes[i])
				return lc__error(LC_EINVAL, "lc_report_pipeline: axis '%s' is given twice",
						 lc_axis_name(axes[i]));
		cols[i] = lc_axis_name(axes[i]);
		c.check_axis[i] = model_axis_of(axes[i]);
		s.axis[i] = c.check_axis[i];
		keys[i] = axes[i];
		owner |= axes[i] == LC_AXIS_OWNER || axes[i] == LC_AXIS_UNIT;
	}
	c.nkeys = naxes;
	if ((c.sum = (o.flags & LC_REPORT_SUM_AMOUNT) != 0)) {
		/* The currency is one more key (not a model axis: sorted by text). */
		cols[naxes] = "currency";
		c.check_axis[naxes] = s.axis[naxes] = LC_AXIS_COUNT;
		keys[naxes] = LC_AXIS_COUNT;
		c.naxes = s.naxes = c.nkeys = naxes + 1;
	}
	/* Group by the axes that hold a not-reportable value too, so that those
	 * leads can be left out; for most models there are none and the query
	 * is the plain GROUP BY. */
	for (int a = LC_AXIS_MILESTONE; a <= LC_AXIS_LIFECYCLE; a++) {
		bool have = false;
		for (size_t i = 0; i < c.nkeys; i++)
			have |= c.check_axis[i] == (lc_axis)a;
		if (!have && axis_has_unreportable(m, (lc_axis)a)) {
			c.check_axis[c.nkeys] = (lc_axis)a;
			keys[c.nkeys++] = (lc_axis)a;
		}
	}
	if ((rc = lc__report_query(&o, &q)) != 0)
		goto out;
	for (size_t i = 0, k = 0; i < c.nkeys; i++)
		if (!(c.sum && i == naxes))
			gkeys[k++] = keys[i];
	rc = c.sum ? lc__db_sum_grouped(db, q, gkeys, c.nkeys - 1, pl_emit_sum, &c)
		   : lc__db_count_grouped(db, q, gkeys, c.nkeys, pl_emit, &c);
	if (!rc && c.stage_key >= 0)
		rc = lc__db_stage_entries(db, q, gkeys, c.nkeys - c.sum, c.sum, pl_emit_entries, &c);
	if (rc)
		goto out;
	if (owner && ((rc = lc_db_agents(db, 0, &agents)) != 0 ||
		      (rc = lc_db_units(db, 0, &units)) != 0))
		goto out;
	/* Owners and units sort by name: translate ids to names first. */
	if (owner)
		for (size_t i = 0; i < c.n; i++)
			for (size_t k = 0; k < naxes; k++)
				if ((axes[k] == LC_AXIS_OWNER || axes[k] == LC_AXIS_UNIT) &&
				    c.v[i].keys[k]) {
					const char *nm =
						axes[k] == LC_AXIS_OWNER
							? lc__report_agent_name(agents, c.v[i].keys[k])
							: unit_name(units, c.v[i].keys[k]);
					char *dup = lc__strdup(nm);
					if (!dup) {
						rc = LC_ENOMEM;
						goto out;
					}
					lc__free(c.v[i].keys[k]);
					c.v[i].keys[k] = dup;
				}
	g_sort = &s;
	if (c.n)
		qsort(c.v, c.n, sizeof *c.v, cmp_group);
	g_sort = NULL;
	if (c.sum)
		measures[nmeasures++] = "amount";
	if (c.stage_key >= 0)
		measures[nmeasures++] = "entries";
	if ((rc = lc__rreport_new(&r, "pipeline", cols, c.naxes, measures, nmeasures)) != 0)
		goto out;
	for (size_t i = 0; i < c.n;) {
		int64_t total = 0, sum = 0, entries = 0, mv[2];
		size_t j = i;
		const char *labels[LC_REPORT_MAX_AXES + 1];
		/* Merge the groups that differed only on the added keys. */
		while (j < c.n) {
			bool same = true;
			for (size_t k = 0; k < c.naxes && same; k++) {
				const char *a = c.v[i].keys[k], *b = c.v[j].keys[k];
				same = (!a && !b) || (a && b && strcmp(a, b) == 0);
			}
			if (!same)
				break;
			if (__builtin_add_overflow(sum, c.v[j].sum, &sum)) {
				rc = lc__error(LC_ERANGE, "lc_report_pipeline: a sum of amounts overflows");
				goto out;
			}
			entries += c.v[j].entries;
			total += c.v[j++].count;
		}
		for (size_t k = 0; k < c.naxes; k++)
			labels[k] = s.axis[k] == LC_AXIS_COUNT
					    ? c.v[i].keys[k]
					    : lc__report_value_label(m, s.axis[k], c.v[i].keys[k]);
		pl_measures(&c, &c.v[i], sum, entries, mv);
		if ((rc = lc__rreport_add(r, (const char *const *)c.v[i].keys, labels, total, 0, mv)) != 0)
			goto out;
		i = j;
	}
	*out = r;
	r = NULL;
out:
	if (rc == LC_ENOMEM)
		lc__error(LC_ENOMEM, "lc_report_pipeline: out of memory");
	lc_table_free(r);
	lc_table_free(agents);
	lc_table_free(units);
	lc_query_free(q);
	pl_free(&c);
	return rc;
}

/* ---- matrix ---- */

typedef struct mx_extra {
	char *milestone, *status;
	int64_t count;
} mx_extra;

typedef struct mx_ctx {
	const lc_model *model;
	size_t nm, ns;
	int64_t *counts; /* nm * ns */
	mx_extra *extra;
	size_t n, cap;
} mx_ctx;

static int mx_emit(void *ud, const char *const *values, size_t n)
{
	mx_ctx *c = ud;
	long mi = lc__report_value_index(c->model, LC_AXIS_MILESTONE, values[0]);
	long si = lc__report_value_index(c->model, LC_AXIS_STATUS, values[1]);
	int64_t count = (int64_t)n; /* a table cell */
	mx_extra *e;

	/* A lead never disposed of holds no cell; nor does one out of reporting. */
	if ((!values[0] && !values[1]) ||
	    (mi >= 0 && (lc_model_value_flags(c->model, LC_AXIS_MILESTONE, (size_t)mi) &
			 LC_FLAG_NOT_REPORTABLE)) ||
	    (si >= 0 && (lc_model_value_flags(c->model, LC_AXIS_STATUS, (size_t)si) &
			 LC_FLAG_NOT_REPORTABLE)))
		return 0;
	if (mi >= 0 && si >= 0) {
		c->counts[(size_t)mi * c->ns + (size_t)si] += count;
		return 0;
	}
	if (c->n == c->cap) {
		mx_extra *v = lc__grow(c->extra, &c->cap, sizeof *v, 8);
		if (!v)
			return LC_ENOMEM;
		c->extra = v;
	}
	e = &c->extra[c->n];
	memset(e, 0, sizeof *e);
	if ((values[0] && !(e->milestone = lc__strdup(values[0]))) ||
	    (values[1] && !(e->status = lc__strdup(values[1])))) {
		lc__free(e->milestone);
		return LC_ENOMEM;
	}
	e->count = count;
	c->n++;
	return 0;
}

int lc_report_matrix(lc_db *db, const lc_report_options *opts, lc_table **out)
{
	lc_report_options o;
	static const char *const cols[] = { "milestone", "status" };
	static const char *const meas[] = { "allowed" };
	const lc_axis keys[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS };
	const lc_model *m = NULL;
	lc_query *q = NULL;
	lc_table *r = NULL;
	mx_ctx c;
	int rc;

	rc = lc__report_begin(db, opts, &o, out, "lc_report_matrix", &m);
	if (rc)
		return rc;
	memset(&c, 0, sizeof c);
	c.model = m;
	c.nm = lc_model_value_count(m, LC_AXIS_MILESTONE);
	c.ns = lc_model_value_count(m, LC_AXIS_STATUS);
	if (c.nm == 0 || c.ns == 0)
		return lc__error(LC_EUNSUPPORTED,
				 "lc_report_matrix: model '%s' has no %s; the matrix is milestones by statuses",
				 lc_model_name(m), c.nm == 0 ? "milestones" : "statuses");
	c.counts = lc__calloc(c.nm * c.ns, sizeof *c.counts);
	if (!c.counts) {
		rc = LC_ENOMEM;
		goto out;
	}
	if ((rc = lc__report_query(&o, &q)) != 0)
		goto out;
	if ((rc = lc__db_count_grouped(db, q, keys, 2, mx_emit, &c)) != 0)
		goto out;
	if ((rc = lc__rreport_new(&r, "matrix", cols, 2, meas, 1)) != 0)
		goto out;
	/* Invalid cells first: the dashboard shows them before anything else. */
	for (int pass = 0; pass < 2; pass++) {
		int64_t want = pass == 0 ? 0 : 1;
		for (size_t mi = 0; mi < c.nm; mi++)
			for (size_t si = 0; si < c.ns; si++) {
				int ok = 0;
				int64_t allowed;
				const char *k[2], *l[2];
				(void)lc_model_link_allowed(m, mi, si, &ok); /* indexes in range */
				allowed = ok;
				if (allowed != want)
					continue;
				k[0] = lc_model_value_key(m, LC_AXIS_MILESTONE, mi);
				k[1] = lc_model_value_key(m, LC_AXIS_STATUS, si);
				l[0] = lc_model_value_label(m, LC_AXIS_MILESTONE, mi);
				l[1] = lc_model_value_label(m, LC_AXIS_STATUS, si);
				if ((rc = lc__rreport_add(r, k, l, c.counts[mi * c.ns + si], 0, &allowed)) != 0)
					goto out;
			}
		for (size_t i = 0; i < c.n; i++) {
			/* A value the model does not know is invalid; a missing one is
			 * not (the engine checks links only when both are set). */
			const char *ek[2] = { c.extra[i].milestone, c.extra[i].status };
			int64_t ok = (!ek[0] || lc__report_value_index(m, LC_AXIS_MILESTONE, ek[0]) >= 0) &&
				     (!ek[1] || lc__report_value_index(m, LC_AXIS_STATUS, ek[1]) >= 0);
			if (ok == want) {
				const char *k[2] = { c.extra[i].milestone, c.extra[i].status };
				const char *l[2] = {
					lc__report_value_label(m, LC_AXIS_MILESTONE, k[0]),
					lc__report_value_label(m, LC_AXIS_STATUS, k[1]),
				};
				if ((rc = lc__rreport_add(r, k, l, c.extra[i].count, 0, &ok)) != 0)
					goto out;
			}
		}
	}
	*out = r;
	r = NULL;
out:
	if (rc == LC_ENOMEM)
		lc__error(LC_ENOMEM, "lc_report_matrix: out of memory");
	lc_table_free(r);
	lc_query_free(q);
	for (size_t i = 0; i < c.n; i++) {
		lc__free(c.extra[i].milestone);
		lc__free(c.extra[i].status);
	}
	lc__free(c.extra);
	lc__free(c.counts);
	return rc;
}

int lc_report_matrix_cell(lc_db *db, const char *milestone, const char *status,
			  const lc_report_options *opts, lc_table **out)
{
	lc_report_options o;
	static const char *const cols[] = { "external_id", "name" };
	const lc_model *m = NULL;
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	lc_table *r = NULL;
	const lc_lead *lead;
	long mi, si;
	int rc;

	rc = lc__report_begin(db, opts, &o, out, "lc_report_matrix_cell", &m);
	if (rc)
		return rc;
	LC__ARG(milestone, "milestone");
	LC__ARG(status, "status");
	if ((rc = lc__check_text(milestone, LC_KEY_MAX, "milestone", false)) != 0 ||
	    (rc = lc__check_text(status, LC_KEY_MAX, "status", false)) != 0)
		return rc;
	/* A label of the current model names its key; anything else is taken
	 * as a stored key (a value an older model had). */
	mi = value_index_loose(m, LC_AXIS_MILESTONE, milestone);
	si = value_index_loose(m, LC_AXIS_STATUS, status);
	if (mi >= 0)
		milestone = lc_model_value_key(m, LC_AXIS_MILESTONE, (size_t)mi);
	if (si >= 0)
		status = lc_model_value_key(m, LC_AXIS_STATUS, (size_t)si);
	/* The filter's values are resolved now: the cell's are stored keys. */
	if ((rc = lc__report_query(&o, &q)) != 0 ||
	    (rc = lc__query_resolve(q, m, "lc_report_matrix_cell: the report's condition")) != 0)
		goto out;
	lc__query_stored_values(q);
	if ((rc = lc_query_set_value(q, LC_AXIS_MILESTONE, milestone)) != 0 ||
	    (rc = lc_query_set_value(q, LC_AXIS_STATUS, status)) != 0 ||
	    (rc = lc_db_query(db, q, &it)) != 0 ||
	    (rc = lc__rreport_new(&r, "cell", cols, 2, NULL, 0)) != 0)
		goto out;
	while ((rc = lc_lead_iter_next(it, &lead)) == 1) {
		const char *k[2] = { lc_lead_text(lead, LC_LEAD_EXTERNAL_ID),
				     lc_lead_text(lead, LC_LEAD_NAME) };
		if ((rc = lc__rreport_add(r, k, NULL, 1, lc_lead_number(lead, LC_LEAD_NUM_ID), NULL)) != 0)
			goto out;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	*out = r;
	r = NULL;
out:
	if (rc == LC_ENOMEM)
		lc__error(LC_ENOMEM, "lc_report_matrix_cell: out of memory");
	lc_table_free(r);
	lc_lead_iter_free(it);
	lc_query_free(q);
	return rc;
}

/* ---- follow-ups and overdue ---- */

typedef struct fu_item {
	lc_id agent;
	int64_t day;
} fu_item;

static int cmp_fu(const void *pa, const void *pb)
{
	const fu_item *a = pa, *b = pb;
	if (a->agent != b->agent)
		return (a->agent > b->agent) - (a->agent < b->agent);
	return (a->day > b->day) - (a->day < b->day);
}

typedef struct fu_row {
	const char *agent; /* owned by the agent list; NULL unassigned */
	int64_t day;
	int64_t count;
} fu_row;

static int cmp_fu_row(const void *pa, const void *pb)
{
	const fu_row *a = pa, *b = pb;
	int c;
	if (!a->agent || !b->agent)
		c = (a->agent == NULL) - (b->agent == NULL);
	else
		c = strcmp(a->agent, b->agent);
	if (c)
		return c;
	return (a->day > b->day) - (a->day < b->day);
}

static int check_agent(lc_db *db, lc_id agent, lc_table *agents, const char *what)
{
	if (agent < 0)
		return lc__error(LC_EINVAL, "%s: agent id %lld is negative", what, (long long)agent);
	if (agent > 0 && lc__party_index(agents, agent) < 0)
		return lc__error(LC_ENOTFOUND, "%s: there is no agent %lld in this store", what,
				 (long long)agent);
	(void)db;
	return 0;
}

int lc_report_followups(lc_db *db, const lc_report_options *opts, lc_table **out)
{
	static const char *const cols[] = { "owner", "day" };
	const lc_model *m = NULL;
	lc_table *agents = NULL;
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	lc_table *r = NULL;
	fu_item *v = NULL;
	fu_row *rows = NULL;
	size_t n = 0, cap = 0, nrows = 0;
	lc_time from, to;
	lc_report_options o;
	lc_id agent;
	const lc_lead *lead;
	int rc;

	rc = lc__report_begin(db, opts, &o, out, "lc_report_followups", &m);
	if (rc)
		return rc;
	agent = o.agent;
	from = o.from;
	to = o.to;
	if (from == LC_TIME_NONE) {
		if ((rc = lc__db_clock(db, &from, "lc_report_followups")))
			return rc;
		from = lc__day_start(from);
	}
	if (to == LC_TIME_NONE &&
	    (rc = lc__time_add(from, 7 * DAY, &to,
			       "lc_report_followups: the default end, lc_report_options.from + 7 days")))
		return rc;
	if (to <= from)
		return lc__error(LC_EINVAL,
				 "lc_report_followups: the window's end must be after its start");
	if ((rc = lc_db_agents(db, 0, &agents)) != 0 ||
	    (rc = check_agent(db, agent, agents, "lc_report_followups")) != 0)
		goto out;
	if ((rc = lc__report_query(&o, &q)) != 0 || (rc = lc_query_set_follow_up(q, from, to)) != 0 ||
	    (agent && (rc = lc_query_set_agent(q, agent)) != 0) || (rc = lc_db_query(db, q, &it)) != 0)
		goto out;
	while ((rc = lc_lead_iter_next(it, &lead)) == 1) {
		lc_time fu = lc_state_time(lc_lead_state(lead), LC_STATE_TIME_FOLLOW_UP);
		if (fu == LC_TIME_NONE ||
		    lc__state_has_flag(lc_lead_state(lead), LC_FLAG_NOT_REPORTABLE))
			continue;
		if (n == cap) {
			fu_item *nv = lc__grow(v, &cap, sizeof *nv, 64);
			if (!nv) {
				rc = LC_ENOMEM;
				goto out;
			}
			v = nv;
		}
		v[n].agent = lc_lead_number(lead, LC_LEAD_NUM_AGENT);
		v[n].day = lc__day_start(fu);
		n++;
	}
	if (rc < 0)
		goto out;
	if (n)
		qsort(v, n, sizeof *v, cmp_fu);
	rows = lc__calloc(n ? n : 1, sizeof *rows);
	if (!rows) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		long ai = v[i].agent ? lc__party_index(agents, v[i].agent) : -1;
		while (j < n && v[j].agent == v[i].agent && v[j].day == v[i].day)
			j++;
		rows[nrows].agent = ai >= 0 ? lc_table_text(agents, (size_t)ai, 1) : NULL;
		rows[nrows].day = v[i].day;
		rows[nrows].count = (int64_t)(j - i);
		nrows++;
		i = j;
	}
	if (nrows)
		qsort(rows, nrows, sizeof *rows, cmp_fu_row);
	if ((rc = lc__rreport_new(&r, "followups", cols, 2, NULL, 0)) != 0)
		goto out;
	for (size_t i = 0; i < nrows; i++) {
		char day[LC_TIME_FORMAT_SIZE];
		const char *k[2];
		lc_time_format(rows[i].day, day, sizeof day);
		day[10] = '\0';
		k[0] = rows[i].agent;
		k[1] = day;
		if ((rc = lc__rreport_add(r, k, NULL, rows[i].count, 0, NULL)) != 0)
			goto out;
	}
	rc = 0;
	*out = r;
	r = NULL;
out:
	if (rc == LC_ENOMEM)
		lc__error(LC_ENOMEM, "lc_report_followups: out of memory");
	lc_table_free(r);
	lc__free(rows);
	lc__free(v);
	lc_lead_iter_free(it);
	lc_query_free(q);
	lc_table_free(agents);
	return rc;
}

typedef struct od_item {
	lc_id lead;
	lc_time expected;
} od_item;

static int cmp_od(const void *pa, const void *pb)
{
	const od_item *a = pa, *b = pb;
	if (a->expected != b->expected)
		return (a->expected > b->expected) - (a->expected < b->expected);
	return (a->lead > b->lead) - (a->lead < b->lead);
}

int lc_report_overdue(lc_db *db, const lc_report_options *opts, lc_table **out)
{
	static const char *const cols[] = { "external_id", "name", "owner", "status" };
	static const char *const meas[] = { "expected_completion", "overdue_seconds" };
	const lc_model *m = NULL;
	lc_table *agents = NULL;
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	lc_table *r = NULL;
	lc_lead *lead = NULL;
	od_item *v = NULL;
	size_t n = 0, cap = 0;
	lc_report_options o;
	lc_id agent;
	lc_time now;
	const lc_lead *cur;
	int rc;

	rc = lc__report_begin(db, opts, &o, out, "lc_report_overdue", &m);
	if (rc)
		return rc;
	agent = o.agent;
	if ((rc = lc__db_clock(db, &now, "lc_report_overdue")))
		return rc;
	if ((rc = lc_db_agents(db, 0, &agents)) != 0 ||
	    (rc = check_agent(db, agent, agents, "lc_report_overdue")) != 0)
		goto out;
	if ((rc = lc__report_query(&o, &q)) != 0 || (agent && (rc = lc_query_set_agent(q, agent)) != 0) ||
	    (rc = lc_db_query(db, q, &it)) != 0)
		goto out;
	/* First the ids (constant memory per lead), then the few overdue leads
	 * are read again for their text. */
	while ((rc = lc_lead_iter_next(it, &cur)) == 1) {
		lc_time exp = lc_lead_date(cur, LC_LEAD_EXPECTED_COMPLETION);
		/* Work that is done, lost or out of reporting is not overdue. */
		if (exp == LC_TIME_NONE || exp >= now ||
		    lc_lead_date(cur, LC_LEAD_ACTUAL_COMPLETION) != LC_TIME_NONE ||
		    lc__state_has_flag(lc_lead_state(cur),
					 LC_FLAG_NOT_REPORTABLE | LC_FLAG_LOST | LC_FLAG_COMPLETED))
			continue;
		if (n == cap) {
			od_item *nv = lc__grow(v, &cap, sizeof *nv, 64);
			if (!nv) {
				rc = LC_ENOMEM;
				goto out;
			}
			v = nv;
		}
		v[n].lead = lc_lead_number(cur, LC_LEAD_NUM_ID);
		v[n].expected = exp;
		n++;
	}
	if (rc < 0)
		goto out;
	lc_lead_iter_free(it);
	it = NULL;
	if (n)
		qsort(v, n, sizeof *v, cmp_od);
	if ((rc = lc__rreport_new(&r, "overdue", cols, 4, meas, 2)) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *k[4], *l[4];
		int64_t ms[2];
		long ai;
		if ((rc = lc_db_lead_get(db, v[i].lead, &lead)) != 0)
			goto out;
		ai = lc_lead_number(lead, LC_LEAD_NUM_AGENT) ? lc__party_index(agents, lc_lead_number(lead, LC_LEAD_NUM_AGENT)) : -1;
		k[0] = l[0] = lc_lead_text(lead, LC_LEAD_EXTERNAL_ID);
		k[1] = l[1] = lc_lead_text(lead, LC_LEAD_NAME);
		k[2] = l[2] = ai >= 0 ? lc_table_text(agents, (size_t)ai, 1) : NULL;
		k[3] = lc_state_get(lc_lead_state(lead), LC_AXIS_STATUS);
		l[3] = lc__report_value_label(m, LC_AXIS_STATUS, k[3]);
		ms[0] = v[i].expected;
		ms[1] = now - v[i].expected;
		rc = lc__rreport_add(r, k, l, 1, v[i].lead, ms);
		lc_lead_free(lead);
		lead = NULL;
		if (rc)
			goto out;
	}
	*out = r;
	r = NULL;
out:
	if (rc == LC_ENOMEM)
		lc__error(LC_ENOMEM, "lc_report_overdue: out of memory");
	lc_table_free(r);
	lc_lead_free(lead);
	lc__free(v);
	lc_lead_iter_free(it);
	lc_query_free(q);
	lc_table_free(agents);
	return rc;
}
