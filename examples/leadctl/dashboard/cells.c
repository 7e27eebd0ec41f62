/* The disposition matrix (seed 000's dashboard): milestones down, statuses
 * across, each count a link to the list of its leads further down; cells the
 * model refuses that hold leads are red, marked and named "invalid". */
#include <stdlib.h>
#include <string.h>

#include "../leadctl.h"
#include "dashboard.h"
#include "html.h"

#define REASON_SIZE 512

/* The keys of one side of the matrix: the model's values in order, then keys
 * the model does not know (an older model's) and NULL, as the report has them. */
typedef struct side {
	const char **key;
	const char **label;
	size_t n;
} side;

static bool has_key(const side *s, const char *k)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->key[i] && k ? strcmp(s->key[i], k) == 0 : s->key[i] == k)
			return true;
	return false;
}

/* The leads in the matrix whose column col holds key. */
static int64_t line_total(const dash *d, size_t col, const char *key)
{
	int64_t n = 0;
	for (size_t r = 0; r < lc_table_row_count(d->matrix); r++) {
		const char *k = lc_table_text(d->matrix, r, col);
		if (k && strcmp(k, key) == 0)
			n += lc_table_int_named(d->matrix, r, "count");
	}
	return n;
}

/* skip_empty leaves out the model's values that no lead holds, so that a
 * model with many statuses keeps a matrix that fits the page. */
static int side_make(const dash *d, lc_axis axis, size_t col, bool skip_empty, side *s)
{
	size_t nm = lc_model_value_count(d->model, axis), nr = lc_table_row_count(d->matrix);
	s->n = 0;
	s->key = calloc(nm + nr + 1, sizeof *s->key);
	s->label = calloc(nm + nr + 1, sizeof *s->label);
	if (!s->key || !s->label)
		return LC_ENOMEM;
	for (size_t i = 0; i < nm; i++) {
		if (skip_empty && line_total(d, col, lc_model_value_key(d->model, axis, i)) == 0)
			continue;
		s->key[s->n] = lc_model_value_key(d->model, axis, i);
		s->label[s->n++] = lc_model_value_label(d->model, axis, i);
	}
	for (size_t r = 0; r < nr; r++) {
		const char *k = lc_table_text(d->matrix, r, col);
		if (lc_table_int_named(d->matrix, r, "count") == 0 || has_key(s, k))
			continue;
		s->key[s->n] = k;
		s->label[s->n++] = k ? lc_table_label(d->matrix, r, col) : "(none)";
	}
	return 0;
}

static void side_free(side *s)
{
	free(s->key);
	free(s->label);
}

static long column_index(const lc_table *r, const char *name)
{
	for (size_t c = 0; c < lc_table_column_count(r); c++)
		if (strcmp(lc_table_column_name(r, c), name) == 0)
			return (long)c;
	return -1;
}

static bool row_allowed(const dash *d, long row)
{
	return row < 0 || lc_table_int_named(d->matrix, (size_t)row, "allowed") != 0;
}

static void cell_link(FILE *f, const char *ms, const char *st)
{
	fputs("<a href=\"#", f);
	html_id(f, "cell", ms, st);
	fputs("\">", f);
}

static void data_v(FILE *f, const char *report, const char *a, const char *b)
{
	fprintf(f, " data-v=\"%s|", report);
	html_text(f, a ? a : "");
	if (b) {
		fputc('|', f);
		html_text(f, b);
	}
	fputc('"', f);
}

static void matrix_cell(FILE *f, const dash *d, const char *ms, const char *st)
{
	long row = dash_matrix_row(d, ms, st);
	int64_t n = row >= 0 ? lc_table_int_named(d->matrix, (size_t)row, "count") : 0;
	bool ok = row_allowed(d, row), linked = n > 0 && ms && st;
	char why[REASON_SIZE] = "";

	if (!ok)
		dash_cell_reason(d, ms, st, why, sizeof why);
	fprintf(f, "<td class=\"%s\"", !ok && n ? "bad" : !ok ? "no" : n ? "yes" : "zero");
	data_v(f, "matrix", ms ? ms : "", st ? st : "");
	fprintf(f, " data-n=\"%lld\"", (long long)n);
	if (*why) {
		fputs(" title=\"", f);
		html_text(f, why);
		fputc('"', f);
	}
	fputc('>', f);
	if (linked)
		cell_link(f, ms, st);
	if (!ok && n)
		fputs("<span class=\"mark\" aria-hidden=\"true\">✖</span> ", f);
	if (!ok && !n)
		fputs("<span class=\"sr\">not allowed</span><span aria-hidden=\"true\">–</span>", f);
	else
		html_count(f, n);
	if (!ok && n)
		fputs(" <span class=\"tag\">invalid</span>", f);
	if (linked)
		fputs("</a>", f);
	fputs("</td>", f);
}

/* Milestones down and statuses across; transposed (statuses down) when
 * there are many statuses, so that the table fits a page's width. */
static void matrix_table(FILE *f, const dash *d, const side *ms, const side *st, bool transposed)
{
	const side *down = transposed ? st : ms, *across = transposed ? ms : st;
	fprintf(f, "<div class=\"scroll\"><table class=\"matrix\">\n<caption>Leads by %s (rows) and %s "
		   "(columns). Red cells hold leads whose combination the model refuses; hatched cells "
		   "are refused and empty.</caption>\n<thead><tr><th scope=\"col\">%s</th>",
		transposed ? "status" : "milestone", transposed ? "milestone" : "status",
		transposed ? "Status \\ Milestone" : "Milestone \\ Status");
	for (size_t c = 0; c < across->n; c++) {
		fputs("<th scope=\"col\">", f);
		html_text(f, across->label[c]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (size_t r = 0; r < down->n; r++) {
		fputs("<tr><th scope=\"row\">", f);
		html_text(f, down->label[r]);
		fputs("</th>", f);
		for (size_t c = 0; c < across->n; c++)
			matrix_cell(f, d, transposed ? across->key[c] : down->key[r],
				    transposed ? down->key[r] : across->key[c]);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
}

/* Name the statuses the table leaves out because no lead holds them. */
static void empty_statuses(FILE *f, const dash *d, const side *shown)
{
	size_t n = lc_model_value_count(d->model, LC_AXIS_STATUS), left = 0;
	for (size_t i = 0; i < n; i++) {
		const char *k = lc_model_value_key(d->model, LC_AXIS_STATUS, i);
		if (has_key(shown, k))
			continue;
		fputs(left++ ? ", " : "<p class=\"hint\">Statuses no lead holds are not shown: ", f);
		html_text(f, lc_model_value_label(d->model, LC_AXIS_STATUS, i));
	}
	if (left)
		fputs(".</p>\n", f);
}

static const char *label_or_none(const char *s)
{
	return s ? s : "(none)";
}

/* The invalid cells again, one a line, with the model's reason in words. */
static void invalid_table(FILE *f, const dash *d)
{
	char why[REASON_SIZE];
	bool any = false;
	for (size_t r = 0; r < lc_table_row_count(d->matrix); r++) {
		const char *ms = lc_table_text(d->matrix, r, 0), *st = lc_table_text(d->matrix, r, 1);
		if (row_allowed(d, (long)r) || lc_table_int_named(d->matrix, r, "count") == 0)
			continue;
		if (!any)
			fputs("<h3>Invalid combinations</h3>\n<div class=\"scroll\"><table class=\"list\">\n"
			      "<thead><tr><th scope=\"col\">Milestone</th><th scope=\"col\">Status</th>"
			      "<th scope=\"col\" class=\"n\">Leads</th><th scope=\"col\">Why it is invalid</th>"
			      "</tr></thead><tbody>\n",
			      f);
		any = true;
		dash_cell_reason(d, ms, st, why, sizeof why);
		fputs("<tr class=\"bad\"><td>", f);
		html_text(f, label_or_none(lc_table_label(d->matrix, r, 0)));
		fputs("</td><td>", f);
		html_text(f, label_or_none(lc_table_label(d->matrix, r, 1)));
		fputs("</td><td class=\"n\">", f);
		cell_link(f, ms, st);
		fputs("<span class=\"mark\" aria-hidden=\"true\">✖</span> ", f);
		html_count(f, lc_table_int_named(d->matrix, r, "count"));
		fputs(" <span class=\"tag\">invalid</span></a></td><td>", f);
		html_text(f, why);
		fputs("</td></tr>\n", f);
	}
	if (any)
		fputs("</tbody></table></div>\n", f);
	else
		fputs("<p class=\"ok\"><span aria-hidden=\"true\">✔</span> Every lead holds a combination "
		      "the model allows.</p>\n",
		      f);
}

void page_matrix(FILE *f, const dash *d)
{
	side ms = { 0 }, st = { 0 };
	fputs("<section id=\"matrix\" aria-labelledby=\"matrix-h\">\n<h2 id=\"matrix-h\">Dispositions"
	      "</h2>\n",
	      f);
	if (!d->matrix) {
		fputs("<p class=\"hint\">This model has no milestones and statuses to combine, so "
		      "it has no disposition matrix.</p>\n</section>\n",
		      f);
		return;
	}
	fputs("<p class=\"hint\">Click a count to see its leads.</p>\n", f);
	if (side_make(d, LC_AXIS_MILESTONE, 0, false, &ms) == 0 &&
	    side_make(d, LC_AXIS_STATUS, 1, true, &st) == 0) {
		matrix_table(f, d, &ms, &st, st.n > 12 && st.n > ms.n);
		empty_statuses(f, d, &st);
	}
	side_free(&ms);
	side_free(&st);
	invalid_table(f, d);
	if (d->undisposed)
		fprintf(f, "<p class=\"hint\">%lld leads have neither a milestone nor a status yet and "
			   "hold no cell.</p>\n",
			(long long)d->undisposed);
	fputs("</section>\n", f);
}

/* ---- the lists of leads behind the counts ---- */

static void touch_text(FILE *f, lc_time t)
{
	char buf[LC_TIME_FORMAT_SIZE];
	if (t == LC_TIME_NONE || lc_time_format(t, buf, sizeof buf) != 0) {
		fputs("–", f);
		return;
	}
	buf[10] = ' ';
	buf[16] = '\0'; /* YYYY-MM-DD HH:MM */
	fputs(buf, f);
}

/* Every reason the model refuses the lead (its state or its fields), joined. */
static void lead_why(FILE *f, const lc_lead *l)
{
	lc_violations *v = NULL;
	if (lc_violations_new(&v) == 0 && lc_lead_validate(l, v) == LC_EINVALID)
		for (size_t i = 0; i < lc_table_row_count(lc_violations_table(v)); i++) {
			if (i)
				fputs(" ", f);
			html_text(f, lc_table_text(lc_violations_table(v), i, 3));
		}
	else
		fputs("–", f);
	lc_violations_free(v);
}

static int lead_row(FILE *f, const dash *d, const lc_table *c, size_t i)
{
	lc_lead *l = NULL;
	long name = column_index(c, "name"), ext = column_index(c, "external_id");
	const char *owner;
	int rc = lc_db_lead_get(d->db, lc_table_int_named(c, i, "lead"), &l);
	if (rc)
		return rc;
	owner = dash_agent_name(d, lc_lead_number(l, LC_LEAD_NUM_AGENT));
	fputs("<tr><td>", f);
	html_text(f, name >= 0 ? lc_table_text(c, i, (size_t)name) : NULL);
	fprintf(f, "</td><td>%lld", (long long)lc_table_int_named(c, i, "lead"));
	if (ext >= 0 && lc_table_text(c, i, (size_t)ext)) {
		fputs(" <span class=\"ext\">", f);
		html_text(f, lc_table_text(c, i, (size_t)ext));
		fputs("</span>", f);
	}
	fputs("</td><td>", f);
	html_text(f, owner ? owner : "unassigned");
	fputs("</td><td class=\"t\">", f);
	touch_text(f, lc_lead_number(l, LC_LEAD_NUM_TOUCHED_AT));
	fputs("</td><td>", f);
	lead_why(f, l);
	fputs("</td></tr>\n", f);
	lc_lead_free(l);
	return 0;
}

static void list_heading(FILE *f, const dash *d, size_t r, bool ok)
{
	const char *ms = lc_table_text(d->matrix, r, 0), *st = lc_table_text(d->matrix, r, 1);
	fputs("<h3 id=\"", f);
	html_id(f, "cell", ms, st);
	fprintf(f, "\"%s>", ok ? "" : " class=\"bad\"");
	if (!ok)
		fputs("<span class=\"mark\" aria-hidden=\"true\">✖</span> ", f);
	html_text(f, lc_table_label(d->matrix, r, 0));
	fputs(" · ", f);
	html_text(f, lc_table_label(d->matrix, r, 1));
	fputs(" <span class=\"count\">", f);
	html_count(f, lc_table_int_named(d->matrix, r, "count"));
	fputs(lc_table_int_named(d->matrix, r, "count") == 1 ? " lead" : " leads", f);
	fputs("</span>", f);
	if (!ok)
		fputs(" <span class=\"tag\">invalid</span>", f);
	fputs("</h3>\n", f);
}

static int cell_list(FILE *f, const dash *d, size_t r)
{
	const char *ms = lc_table_text(d->matrix, r, 0), *st = lc_table_text(d->matrix, r, 1);
	lc_table *c = NULL;
	size_t n, shown;
	int rc = lc_report_matrix_cell(d->db, ms, st, NULL, &c);
	if (rc)
		return rc;
	list_heading(f, d, r, row_allowed(d, (long)r));
	n = lc_table_row_count(c);
	shown = d->rows_max > 0 && (size_t)d->rows_max < n ? (size_t)d->rows_max : n;
	fputs("<div class=\"scroll\"><table class=\"list\"><thead>", f);
	html_head_row(f, "Name", "Id", "Owner", "Last touch", "Why invalid", NULL);
	fputs("</thead><tbody>\n", f);
	for (size_t i = 0; !rc && i < shown; i++)
		rc = lead_row(f, d, c, i);
	fputs("</tbody></table></div>\n", f);
	if (shown < n) {
		fprintf(f, "<p class=\"hint\">%zu more: <code>leadctl --db ", n - shown);
		html_text(f, d->store);
		fputs(" report matrix --cell ", f);
		html_text(f, ms);
		fputc(',', f);
		html_text(f, st);
		fputs("</code></p>\n", f);
	}
	fputs("<p class=\"back\"><a href=\"#matrix\">↑ back to the matrix</a></p>\n", f);
	lc_table_free(c);
	return rc;
}

int page_cell_lists(FILE *f, const dash *d)
{
	int rc = 0;
	fputs("<section id=\"leads\" aria-labelledby=\"leads-h\">\n<h2 id=\"leads-h\">Leads by "
	      "disposition</h2>\n",
	      f);
	if (d->rows_max > 0)
		fprintf(f, "<p class=\"hint\">At most %ld leads a combination are listed.</p>\n", d->rows_max);
	for (size_t r = 0; !rc && r < lc_table_row_count(d->matrix); r++)
		if (lc_table_int_named(d->matrix, r, "count") && lc_table_text(d->matrix, r, 0) &&
		    lc_table_text(d->matrix, r, 1))
			rc = cell_list(f, d, r);
	fputs("</section>\n", f);
	return rc ? fail(rc, "dashboard") : 0;
}
