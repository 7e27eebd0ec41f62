/* The dashboard page: the frame (head, header, navigation, summary cards),
 * the pipeline, funnel, follow-up and segment charts each with its table,
 * and what the numbers leave out. The matrix and lead lists are cells.c's. */
#include <stdlib.h>
#include <string.h>

#include "../leadctl.h"
#include "dashboard.h"
#include "html.h"
#include "style.css.h"
#include "svg.h"

static void when(FILE *f, lc_time t)
{
	char buf[LC_TIME_FORMAT_SIZE];
	if (lc_time_format(t, buf, sizeof buf) != 0) {
		fputs("–", f);
		return;
	}
	buf[10] = ' ';
	buf[16] = '\0';
	fprintf(f, "<time datetime=\"%.10sT%sZ\">%s UTC</time>", buf, buf + 11, buf);
}

static void head(FILE *f, const dash *d)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"leadctl dashboard\">\n<title>Leads dashboard · ",
	      f);
	html_text(f, lc_model_name(d->model));
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_css);
}

static void banner(FILE *f, const dash *d)
{
	fputs("<header>\n<h1>Leads dashboard</h1>\n<p class=\"meta\">Model <b>", f);
	html_text(f, lc_model_name(d->model));
	fprintf(f, "</b> version %lld (store model version %lld) · Store <b>",
		(long long)lc_model_version(d->model), (long long)lc_db_model_version(d->db));
	html_text(f, d->store);
	fputs("</b> · As of <b>", f);
	when(f, d->now);
	fputs("</b> · Made ", f);
	when(f, d->made);
	fputs("</p>\n</header>\n<nav aria-label=\"Sections\"><a href=\"#matrix\">Dispositions</a>"
	      "<a href=\"#pipeline\">Pipeline</a><a href=\"#funnel\">Funnel</a>"
	      "<a href=\"#followups\">Follow-ups</a><a href=\"#segments\">Segments</a>"
	      "<a href=\"#leads\">Leads</a><a href=\"#about\">About these numbers</a></nav>\n<main>\n",
	      f);
}

static int64_t report_total(const lc_table *r)
{
	int64_t n = 0;
	for (size_t i = 0; i < lc_table_row_count(r); i++)
		n += lc_table_int_named(r, i, "count");
	return n;
}

static void card(FILE *f, const char *id, int64_t n, const char *what, const char *href, bool bad)
{
	fprintf(f, "<a class=\"card%s\" href=\"%s\" style=\"text-decoration:none;color:inherit\">"
		   "<span class=\"n\" data-v=\"summary|%s\" data-n=\"%lld\">",
		bad ? " bad" : "", href, id, (long long)n);
	if (bad)
		fputs("<span aria-hidden=\"true\">✖ </span>", f);
	html_count(f, n);
	fputs("</span><span class=\"what\">", f);
	html_text(f, what);
	fputs("</span></a>\n", f);
}

static void cards(FILE *f, const dash *d)
{
	int64_t bad = dash_invalid_total(d), hidden = d->recycled;
	for (size_t i = 0; i < d->nhidden; i++)
		hidden += d->hidden[i].n;
	fputs("<div class=\"cards\">\n", f);
	card(f, "leads", d->total, "leads (recycle bin not counted)", "#pipeline", false);
	card(f, "invalid", bad, bad ? "leads hold an invalid combination" : "invalid combinations",
	     "#matrix", bad > 0);
	card(f, "due", report_total(d->due), "follow-ups due today", "#followups", false);
	card(f, "overdue", report_total(d->overdue), "follow-ups overdue", "#followups", false);
	card(f, "left_out", hidden, "leads left out of reports", "#about", false);
	fputs("</div>\n", f);
}

static void section_open(FILE *f, const char *id, const char *title, const char *hint)
{
	fprintf(f, "<section id=\"%s\" aria-labelledby=\"%s-h\">\n<h2 id=\"%s-h\">", id, id, id);
	html_text(f, title);
	fputs("</h2>\n", f);
	if (hint) {
		fputs("<p class=\"hint\">", f);
		html_text(f, hint);
		fputs("</p>\n", f);
	}
}

/* The chart, and the table behind it beside it (under it when wide). */
static void chart_box(FILE *f, const chart *c, bool wide)
{
	if (c->n == 0) {
		fputs("<p class=\"hint\">Nothing to draw yet.</p>\n<div><div><table>\n", f);
		return;
	}
	fputs(wide ? "<div class=\"pair wide\"><div class=\"scroll\">\n" : "<div class=\"pair\"><div class=\"scroll\">\n", f);
	svg_bar_chart(f, c);
	fputs("</div>\n<div class=\"scroll\"><table>\n", f);
}

/* A number cell, labelled for the test that checks it against the JSON
 * reports: data-v="REPORT|KEY[|MEASURE]", data-n the exact value. */
static void chart_box_close(FILE *f)
{
	fputs("</tbody></table></div></div>\n</section>\n", f);
}

static void num_open(FILE *f, const char *report, const char *key, const char *measure, int64_t n)
{
	fprintf(f, "<td class=\"n\" data-v=\"%s|", report);
	html_text(f, key ? key : "");
	if (measure)
		fprintf(f, "|%s", measure);
	fprintf(f, "\" data-n=\"%lld\">", (long long)n);
}

static void num_cell(FILE *f, const char *report, const char *key, const char *measure, int64_t n)
{
	num_open(f, report, key, measure, n);
	html_count(f, n);
	fputs("</td>", f);
}

static void text_cell(FILE *f, const char *tag, const char *s)
{
	fprintf(f, "<%s%s>", tag, strcmp(tag, "th") == 0 ? " scope=\"row\"" : "");
	html_text(f, s);
	fprintf(f, "</%s>", tag);
}

/* ---- pipeline ---- */

static const char *phase_of(const dash *d, size_t i)
{
	size_t p;
	if (d->pipe_axis != LC_AXIS_STAGE || lc_model_value_parent(d->model, LC_AXIS_STAGE, i, &p) != 0)
		return NULL;
	return lc_model_value_label(d->model, LC_AXIS_PHASE, p);
}

static bool in_model(const dash *d, const char *key)
{
	size_t i;
	return key && lc_model_value_find(d->model, d->pipe_axis, key, &i) == 0 &&
	       strcmp(lc_model_value_key(d->model, d->pipe_axis, i), key) == 0;
}

/* The model's values in order (those left out of reports skipped), then the
 * report's keys the model does not know and the leads with none. */
static size_t pipeline_rows(const dash *d, chart_row *rows, const char **keys)
{
	size_t n = 0, nv = lc_model_value_count(d->model, d->pipe_axis);
	for (size_t i = 0; i < nv; i++) {
		if (lc_model_value_flags(d->model, d->pipe_axis, i) & LC_FLAG_NOT_REPORTABLE)
			continue;
		keys[n] = lc_model_value_key(d->model, d->pipe_axis, i);
		rows[n] = (chart_row){ .label = lc_model_value_label(d->model, d->pipe_axis, i),
				       .group = phase_of(d, i),
				       .a = dash_sum_by_key(d->pipeline, keys[n]) };
		n++;
	}
	for (size_t r = 0; r < lc_table_row_count(d->pipeline); r++) {
		const char *k = lc_table_text(d->pipeline, r, 0);
		if (in_model(d, k))
			continue;
		keys[n] = k;
		rows[n++] = (chart_row){ .label = k ? lc_table_label(d->pipeline, r, 0) : "(none)",
					 .group = d->pipe_axis == LC_AXIS_STAGE ? "Other" : NULL,
					 .a = lc_table_int_named(d->pipeline, r, "count") };
	}
	return n;
}

/* A repeatable stage's entries (seed 001's check-in 3), or LC_TABLE_NONE. */
static int64_t entries_of(const lc_table *t, const char *key)
{
	size_t col;
	if (!key || lc_table_column_find(t, "entries", &col) != 0)
		return LC_TABLE_NONE;
	for (size_t r = 0; r < lc_table_row_count(t); r++)
		if (lc_table_text(t, r, 0) && strcmp(lc_table_text(t, r, 0), key) == 0)
			return lc_table_int(t, r, col);
	return LC_TABLE_NONE;
}

static int page_pipeline(FILE *f, const dash *d)
{
	size_t entries_col;
	bool entries = lc_table_column_find(d->pipeline, "entries", &entries_col) == 0;
	size_t cap = lc_model_value_count(d->model, d->pipe_axis) + lc_table_row_count(d->pipeline);
	chart_row *rows = calloc(cap + 1, sizeof *rows);
	const char **keys = calloc(cap + 1, sizeof *keys);
	const char *what = d->pipe_axis == LC_AXIS_STAGE ? "Stage" : "Milestone";
	size_t n;
	if (!rows || !keys) {
		free(rows);
		free(keys);
		return LC_ENOMEM;
	}
	n = pipeline_rows(d, rows, keys);
	section_open(f, "pipeline", "Pipeline",
		     d->pipe_axis == LC_AXIS_STAGE ? "Leads in each stage now, grouped by phase."
						   : "Leads at each milestone now.");
	chart_box(f,
		  &(chart){ .title = d->pipe_axis == LC_AXIS_STAGE ? "Leads per stage" : "Leads per milestone",
			    .axis = "leads", .rows = rows, .n = n },
		  false);
	fputs("<thead>", f);
	if (entries)
		html_head_row(f, "Phase", what, "#Leads", "#Entries", NULL);
	else if (d->pipe_axis == LC_AXIS_STAGE)
		html_head_row(f, "Phase", what, "#Leads", NULL);
	else
		html_head_row(f, what, "#Leads", NULL);
	fputs("</thead><tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", f);
		if (d->pipe_axis == LC_AXIS_STAGE)
			text_cell(f, "td", rows[i].group ? rows[i].group : "");
		text_cell(f, "th", rows[i].label);
		num_cell(f, "pipeline", keys[i], NULL, rows[i].a);
		if (entries && entries_of(d->pipeline, keys[i]) != LC_TABLE_NONE)
			num_cell(f, "pipeline", keys[i], "entries", entries_of(d->pipeline, keys[i]));
		else if (entries)
			fputs("<td></td>", f);
		fputs("</tr>\n", f);
	}
	chart_box_close(f);
	free(rows);
	free(keys);
	return 0;
}

/* ---- funnel ---- */

static void percent(char *buf, size_t n, int64_t part, int64_t whole)
{
	if (whole <= 0 || part == LC_TABLE_NONE)
		snprintf(buf, n, "–");
	else
		snprintf(buf, n, "%.1f%%", 100.0 * (double)part / (double)whole);
}

static void duration_cell(FILE *f, const lc_table *r, size_t i, const char *name)
{
	int64_t v = lc_table_int_named(r, i, name);
	num_open(f, "funnel", lc_table_text(r, i, 0), name, v == LC_TABLE_NONE ? -1 : v);
	html_duration(f, v);
	fputs("</td>", f);
}

static void funnel_table_row(FILE *f, const lc_table *r, size_t i, const char *conv)
{
	const char *key = lc_table_text(r, i, 0);
	fputs("<tr>", f);
	text_cell(f, "th", lc_table_label(r, i, 0));
	num_cell(f, "funnel", key, "count", lc_table_int_named(r, i, "count"));
	if (lc_table_int_named(r, i, "advanced") == LC_TABLE_NONE) {
		num_open(f, "funnel", key, "advanced", -1);
		fputs("–</td>", f);
	} else {
		num_cell(f, "funnel", key, "advanced", lc_table_int_named(r, i, "advanced"));
	}
	fprintf(f, "<td class=\"n\">%s</td>", conv);
	duration_cell(f, r, i, "median_seconds");
	duration_cell(f, r, i, "p90_seconds");
	fputs("</tr>\n", f);
}

static int page_funnel(FILE *f, const dash *d)
{
	const lc_table *r = d->funnel;
	size_t n = lc_table_row_count(r);
	chart_row *rows = calloc(n + 1, sizeof *rows);
	char (*notes)[40] = calloc(n + 1, sizeof *notes);
	if (!rows || !notes) {
		free(rows);
		free(notes);
		return LC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t adv = lc_table_int_named(r, i, "advanced");
		percent(notes[i], sizeof notes[i], adv, lc_table_int_named(r, i, "count"));
		rows[i] = (chart_row){ .label = lc_table_label(r, i, 0), .a = lc_table_int_named(r, i, "count"),
				       .b = adv == LC_TABLE_NONE ? 0 : adv, .note = notes[i] };
	}
	section_open(f, "funnel", "Funnel",
		     "From history: how many leads reached each step, how many of them went on to a "
		     "later open step, and how long they stayed.");
	chart_box(f, &(chart){ .title = "Leads that reached each step and went on", .axis = "leads",
			       .series = { "reached", "went on" }, .mode = CHART_OVERLAY,
			       .rows = rows, .n = n }, true);
	fputs("<thead>", f);
	html_head_row(f, lc_table_column_name(r, 0)[0] == 's' ? "Stage" : "Milestone", "#Reached",
		      "#Went on", "#Conversion", "#Median time", "#90th percentile", NULL);
	fputs("</thead><tbody>\n", f);
	for (size_t i = 0; i < n; i++)
		funnel_table_row(f, r, i, notes[i]);
	chart_box_close(f);
	free(rows);
	free(notes);
	return 0;
}

/* ---- follow-ups per agent ---- */

/* Active agents, and any other owner or the unassigned leads with follow-ups. */
static size_t followup_rows(const dash *d, chart_row *rows, const char **keys)
{
	size_t n = 0;
	for (size_t i = 0; i < lc_table_row_count(d->agents); i++) {
		const char *name = lc_table_text(d->agents, i, 1);
		int64_t due = dash_sum_by_key(d->due, name), late = dash_sum_by_key(d->overdue, name);
		if (!lc_table_int(d->agents, i, 2) && !due && !late)
			continue;
		keys[n] = name;
		rows[n++] = (chart_row){ .label = name, .a = due, .b = late };
	}
	keys[n] = NULL;
	if (dash_sum_by_key(d->due, NULL) || dash_sum_by_key(d->overdue, NULL))
		rows[n++] = (chart_row){ .label = "unassigned", .a = dash_sum_by_key(d->due, NULL),
					 .b = dash_sum_by_key(d->overdue, NULL) };
	return n;
}

static int page_followups(FILE *f, const dash *d)
{
	size_t n = lc_table_row_count(d->agents) + 2;
	chart_row *rows = calloc(n, sizeof *rows);
	const char **keys = calloc(n, sizeof *keys);
	if (!rows || !keys) {
		free(rows);
		free(keys);
		return LC_ENOMEM;
	}
	n = followup_rows(d, rows, keys);
	section_open(f, "followups", "Follow-ups today",
		     "Per agent: follow-ups due on the day of the page's present, and follow-ups "
		     "whose time passed before that day.");
	chart_box(f, &(chart){ .title = "Follow-ups due today and overdue per agent", .axis = "leads",
			       .series = { "due today", "overdue" }, .mode = CHART_PAIR, .rows = rows,
			       .n = n }, false);
	fputs("<thead>", f);
	html_head_row(f, "Agent", "#Due today", "#Overdue", NULL);
	fputs("</thead><tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", f);
		text_cell(f, "th", rows[i].label);
		num_cell(f, "due", keys[i], NULL, rows[i].a);
		num_cell(f, "overdue", keys[i], NULL, rows[i].b);
		fputs("</tr>\n", f);
	}
	if (!n)
		fputs("<tr><td colspan=\"3\">No agents yet.</td></tr>\n", f);
	chart_box_close(f);
	free(rows);
	free(keys);
	return 0;
}

/* ---- segments ---- */

static int page_segments(FILE *f, const dash *d)
{
	const lc_table *r = d->segments;
	size_t n = lc_table_row_count(r);
	chart_row *rows = calloc(n + 1, sizeof *rows);
	if (!rows)
		return LC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		rows[i] = (chart_row){ .label = lc_table_text(r, i, 0) ? lc_table_label(r, i, 0) : "(no segment)",
				       .a = lc_table_int_named(r, i, "count") };
	section_open(f, "segments", "Segments",
		     "The segment workflow rules put each lead in (leadctl workflow run).");
	chart_box(f, &(chart){ .title = "Leads per segment", .axis = "leads", .rows = rows, .n = n },
		  false);
	fputs("<thead>", f);
	html_head_row(f, "Segment", "#Leads", NULL);
	fputs("</thead><tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", f);
		text_cell(f, "th", rows[i].label);
		num_cell(f, "segment", lc_table_text(r, i, 0), NULL, rows[i].a);
		fputs("</tr>\n", f);
	}
	chart_box_close(f);
	free(rows);
	return 0;
}

/* ---- what the numbers leave out ---- */

static void page_about(FILE *f, const dash *d)
{
	section_open(f, "about", "About these numbers", NULL);
	fputs("<table class=\"list\"><caption>Leads the reports leave out</caption><thead>", f);
	html_head_row(f, "Left out", "#Leads", "Why", NULL);
	fputs("</thead><tbody>\n<tr><th scope=\"row\">Recycle bin</th>", f);
	num_cell(f, "left_out", "recycled", NULL, d->recycled);
	fputs("<td>Recycled leads are left out of every report.</td></tr>\n", f);
	for (size_t i = 0; i < d->nhidden; i++) {
		fputs("<tr>", f);
		text_cell(f, "th", d->hidden[i].label);
		num_cell(f, "left_out", d->hidden[i].label, NULL, d->hidden[i].n);
		fputs("<td>Flagged not_reportable: left out of the pipeline.</td></tr>\n", f);
	}
	fputs("</tbody></table>\n<p class=\"hint\">Every number on this page comes from the "
	      "library's reports: <code>leadctl report pipeline|matrix|funnel|followups --json</code> "
	      "give the same figures.</p>\n</section>\n",
	      f);
}

int page_write(FILE *f, dash *d)
{
	int rc = 0;
	head(f, d);
	banner(f, d);
	cards(f, d);
	page_matrix(f, d);
	rc = page_pipeline(f, d);
	if (!rc)
		rc = page_funnel(f, d);
	if (!rc)
		rc = page_followups(f, d);
	if (!rc)
		rc = page_segments(f, d);
	if (rc)
		return fail(rc, "dashboard");
	if ((rc = page_cell_lists(f, d)) != 0)
		return rc;
	page_about(f, d);
	fprintf(f, "</main>\n<footer>Made by leadctl with libleadcore %s.</footer>\n</body>\n</html>\n",
		lc_version_string());
	return 0;
}
