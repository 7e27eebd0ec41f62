/* The dashboard's data: the library's reports and lead counts over the
 * store; nothing here reads SQL. */
#include <stdlib.h>
#include <string.h>

#include "../leadctl.h"
#include "dashboard.h"

#define DAY 86400

static int count_leads(dash *d, lc_recycled_filter rf, lc_axis axis, const char *key, int64_t *out)
{
	lc_query *q = NULL;
	size_t n = 0;
	int rc = lc_query_new(&q);
	if (!rc)
		rc = lc_query_set_recycled(q, rf);
	if (!rc && key)
		rc = lc_query_set_value(q, axis, key);
	if (!rc)
		rc = lc_db_count(d->db, q, &n);
	lc_query_free(q);
	*out = (int64_t)n; /* the dashboard adds and draws counts as numbers */
	return rc;
}

/* Add n to the count named label (a new entry when it is not there yet). */
static int tally(dash_count **list, size_t *len, const char *label, int64_t n)
{
	dash_count *grown;
	for (size_t i = 0; i < *len; i++)
		if (strcmp((*list)[i].label, label) == 0) {
			(*list)[i].n += n;
			return 0;
		}
	grown = realloc(*list, (*len + 1) * sizeof **list);
	if (!grown)
		return LC_ENOMEM;
	*list = grown;
	grown[*len].label = strdup(label);
	grown[*len].n = n;
	if (!grown[*len].label)
		return LC_ENOMEM;
	(*len)++;
	return 0;
}

/* Values flagged not_reportable, with the leads that hold them. */
static int gather_hidden(dash *d)
{
	static const lc_axis axes[] = { LC_AXIS_STAGE, LC_AXIS_STATUS, LC_AXIS_MILESTONE };
	char label[256];
	int rc = 0;
	for (size_t a = 0; !rc && a < sizeof axes / sizeof *axes; a++)
		for (size_t i = 0; !rc && i < lc_model_value_count(d->model, axes[a]); i++) {
			int64_t n = 0;
			if (!(lc_model_value_flags(d->model, axes[a], i) & LC_FLAG_NOT_REPORTABLE))
				continue;
			rc = count_leads(d, LC_RECYCLED_EXCLUDE, axes[a], lc_model_value_key(d->model, axes[a], i), &n);
			snprintf(label, sizeof label, "%s (%s)", lc_model_value_label(d->model, axes[a], i),
				 lc_axis_name(axes[a]));
			if (!rc)
				rc = tally(&d->hidden, &d->nhidden, label, n);
		}
	return rc;
}

static int gather_followups(dash *d)
{
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	int rc;
	o.from = d->day;
	o.to = d->day + DAY;
	rc = lc_report_followups(d->db, &o, &d->due);
	o.from = 0;
	o.to = d->day;
	if (!rc)
		rc = lc_report_followups(d->db, &o, &d->overdue);
	return rc;
}

static int gather_reports(dash *d)
{
	const lc_axis segment = LC_AXIS_SEGMENT;
	int64_t in_cells = 0;
	int rc;
	d->pipe_axis = lc_model_value_count(d->model, LC_AXIS_STAGE) ? LC_AXIS_STAGE : LC_AXIS_MILESTONE;
	rc = lc_report_pipeline(d->db, &d->pipe_axis, 1, NULL, &d->pipeline);
	if (!rc)
		rc = lc_report_pipeline(d->db, &segment, 1, NULL, &d->segments);
	/* a model without milestones or statuses has no matrix: the page says so */
	if (!rc && lc_model_value_count(d->model, LC_AXIS_MILESTONE) &&
	    lc_model_value_count(d->model, LC_AXIS_STATUS))
		rc = lc_report_matrix(d->db, NULL, &d->matrix);
	if (!rc)
		rc = lc_report_funnel(d->db, NULL, &d->funnel);
	if (!rc)
		rc = gather_followups(d);
	for (size_t i = 0; !rc && i < lc_table_row_count(d->matrix); i++)
		in_cells += lc_table_int_named(d->matrix, i, "count");
	d->undisposed = d->matrix ? d->total - in_cells : 0;
	return rc;
}

int dash_gather(dash *d)
{
	int rc;
	d->model = lc_db_model(d->db);
	d->day = d->now - ((d->now % DAY) + DAY) % DAY;
	rc = count_leads(d, LC_RECYCLED_EXCLUDE, LC_AXIS_STATUS, NULL, &d->total);
	if (!rc)
		rc = count_leads(d, LC_RECYCLED_ONLY, LC_AXIS_STATUS, NULL, &d->recycled);
	if (!rc)
		rc = lc_db_agents(d->db, 0, &d->agents);
	if (!rc)
		rc = gather_reports(d);
	if (!rc)
		rc = gather_hidden(d);
	return rc ? fail(rc, "dashboard") : 0;
}

static void free_counts(dash_count *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].label);
	free(c);
}

void dash_free(dash *d)
{
	lc_table_free(d->matrix);
	lc_table_free(d->pipeline);
	lc_table_free(d->funnel);
	lc_table_free(d->due);
	lc_table_free(d->overdue);
	lc_table_free(d->segments);
	lc_table_free(d->agents);
	free_counts(d->hidden, d->nhidden);
}

const char *dash_agent_name(const dash *d, lc_id id)
{
	for (size_t i = 0; id && i < lc_table_row_count(d->agents); i++)
		if (lc_table_int(d->agents, i, 0) == id)
			return lc_table_text(d->agents, i, 1);
	return NULL;
}


int64_t dash_invalid_total(const dash *d)
{
	int64_t n = 0;
	for (size_t i = 0; i < lc_table_row_count(d->matrix); i++)
		if (lc_table_int_named(d->matrix, i, "allowed") == 0)
			n += lc_table_int_named(d->matrix, i, "count");
	return n;
}

static bool same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

int64_t dash_sum_by_key(const lc_table *r, const char *key)
{
	int64_t n = 0;
	for (size_t i = 0; i < lc_table_row_count(r); i++)
		if (same(lc_table_text(r, i, 0), key))
			n += lc_table_int_named(r, i, "count");
	return n;
}

long dash_matrix_row(const dash *d, const char *milestone, const char *status)
{
	for (size_t i = 0; i < lc_table_row_count(d->matrix); i++)
		if (same(lc_table_text(d->matrix, i, 0), milestone) &&
		    same(lc_table_text(d->matrix, i, 1), status))
			return (long)i;
	return -1;
}

void dash_cell_reason(const dash *d, const char *milestone, const char *status, char *buf, size_t n)
{
	lc_state *s = NULL;
	lc_violations *v = NULL;
	int rc = lc_state_new(&s, d->model);
	buf[0] = '\0';
	if (!rc && milestone)
		rc = lc_state_set(s, LC_AXIS_MILESTONE, milestone);
	if (!rc && status)
		rc = lc_state_set(s, LC_AXIS_STATUS, status);
	if (rc == LC_ENOTFOUND) {
		snprintf(buf, n, "%s is not a value of model %s version %lld.",
			 lc_model_value_find(d->model, LC_AXIS_MILESTONE, milestone, &(size_t){ 0 }) ? milestone
												  : status,
			 lc_model_name(d->model), (long long)lc_model_version(d->model));
	} else if (!rc && lc_violations_new(&v) == 0 &&
		   lc_validate_state(d->model, s, v) == LC_EINVALID &&
		   lc_table_row_count(lc_violations_table(v))) {
		snprintf(buf, n, "%s", lc_table_text(lc_violations_table(v), 0, 3));
	}
	lc_violations_free(v);
	lc_state_free(s);
}
