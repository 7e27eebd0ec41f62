/*
 * A store's model drawn with its counts (lc_report_model_dot): the pipeline
 * and matrix reports give each value's leads and each milestone x status
 * cell's, and counted queries the invalid leads a value; the model module
 * draws them (lc__model_dot).
 */

#include "model/model_internal.h"
#include "report_internal.h"

/* Counts a value of one axis, from the pipeline report. */
static int value_counts(lc_db *db, const lc_model *m, lc_axis a, size_t *n)
{
	lc_table *r = NULL;
	int rc = lc_report_pipeline(db, &a, 1, NULL, &r);
	for (size_t i = 0; !rc && i < lc_table_row_count(r); i++) {
		const char *k = lc_table_text(r, i, 0);
		long v = k ? lc__report_value_index(m, a, k) : -1;
		if (v >= 0)
			n[v] += (size_t)lc_table_int_named(r, i, "count");
	}
	lc_table_free(r);
	return rc;
}

/* The leads not recycled that hold each value and that the model finds invalid. */
static int invalid_counts(lc_db *db, const lc_model *m, lc_axis a, size_t *n)
{
	lc_query *q = NULL;
	int rc = lc_query_new(&q);
	if (!rc)
		rc = lc_query_set_invalid(q, 1);
	for (size_t i = 0; !rc && i < m->axes[a].n; i++) {
		rc = lc_query_set_value(q, a, m->axes[a].v[i].key);
		if (!rc)
			rc = lc_db_count(db, q, &n[i]);
	}
	lc_query_free(q);
	return rc;
}

static int cell_counts(lc_db *db, const lc_model *m, size_t *cells)
{
	size_t ns = m->axes[LC_AXIS_STATUS].n;
	lc_table *r = NULL;
	int rc = lc_report_matrix(db, NULL, &r);
	for (size_t i = 0; !rc && i < lc_table_row_count(r); i++) {
		const char *mk = lc_table_text_named(r, i, "milestone");
		const char *sk = lc_table_text_named(r, i, "status");
		long a = mk ? lc__report_value_index(m, LC_AXIS_MILESTONE, mk) : -1;
		long b = sk ? lc__report_value_index(m, LC_AXIS_STATUS, sk) : -1;
		if (a >= 0 && b >= 0)
			cells[(size_t)a * ns + (size_t)b] += (size_t)lc_table_int_named(r, i, "count");
	}
	lc_table_free(r);
	return rc;
}

/* The axes whose values the picture draws as nodes. */
static bool drawn(const lc_model *m, lc_axis a)
{
	return m->axes[a].n &&
	       (a == LC_AXIS_STAGE || a == LC_AXIS_MILESTONE || a == LC_AXIS_LIFECYCLE ||
		(a == LC_AXIS_STATUS && !m->axes[LC_AXIS_MILESTONE].n));
}

static int gather(lc_db *db, const lc_model *m, lc__dot_counts *c, size_t **own)
{
	static const lc_axis axes[] = { LC_AXIS_STAGE, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
					LC_AXIS_LIFECYCLE };
	size_t nm = m->axes[LC_AXIS_MILESTONE].n, ns = m->axes[LC_AXIS_STATUS].n;
	int rc = 0;
	for (size_t k = 0; !rc && k < sizeof axes / sizeof *axes; k++) {
		lc_axis a = axes[k];
		if (!drawn(m, a))
			continue;
		own[2 * k] = lc__calloc(m->axes[a].n, sizeof(size_t));
		own[2 * k + 1] = lc__calloc(m->axes[a].n, sizeof(size_t));
		if (!own[2 * k] || !own[2 * k + 1])
			return LC_ENOMEM;
		c->value[a] = own[2 * k];
		c->invalid[a] = own[2 * k + 1];
		rc = value_counts(db, m, a, own[2 * k]);
		if (!rc)
			rc = invalid_counts(db, m, a, own[2 * k + 1]);
	}
	if (!rc && nm && ns) {
		own[8] = lc__calloc(nm * ns, sizeof(size_t));
		if (!own[8])
			return LC_ENOMEM;
		c->cells = own[8];
		rc = cell_counts(db, m, own[8]);
	}
	return rc;
}

int lc_report_model_dot(lc_db *db, char **out, size_t *len)
{
	lc__dot_counts c = { { 0 }, { 0 }, 0 };
	size_t *own[9] = { 0 };
	const lc_model *m;
	int rc;
	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(db, "db");
	m = lc_db_model(db);
	if (!m)
		return lc__error(LC_ESTATE, "lc_report_model_dot: the store has no model; install one "
					    "with lc_db_install_model()");
	rc = gather(db, m, &c, own);
	if (!rc)
		rc = lc__model_dot(m, &c, out, len);
	for (size_t i = 0; i < 9; i++)
		lc__free(own[i]);
	return rc == LC_ENOMEM ? lc__error(LC_ENOMEM, "lc_report_model_dot: out of memory") : rc;
}
