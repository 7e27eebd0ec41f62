/* leadctl report: the pipeline, the disposition matrix and its drill-down,
 * follow-ups due, overdue leads and the funnel, as a table, JSON or CSV;
 * and `model dot --counts`, the pipeline drawn with each stage's count. */
#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* The axes --by takes (lc_report_pipeline(): a lead's state and record). */
static const char by_axes[] = "use phase, stage, milestone, status, lifecycle, owner, unit, "
			      "segment, source, owner_group, type, category or priority";

static const char report_usage[] =
	"usage: leadctl [--db FILE] report pipeline [--by AXIS[,AXIS]] [--sum amount] [FILTERS]\n"
	"                                           [--color WHEN]\n"
	"       leadctl [--db FILE] report matrix [--cell MILESTONE,STATUS] [--all] [FILTERS]\n"
	"       leadctl [--db FILE] report followups [--from TIME] [--to TIME] [--now TIME] [FILTERS]\n"
	"       leadctl [--db FILE] report overdue [--now TIME] [FILTERS]\n"
	"       leadctl [--db FILE] report funnel [--from TIME] [--to TIME] [FILTERS]\n"
	"       (each also takes --json or --csv)\n\n"
	"Reports over the store (default ./leads.db). Leads in the recycle bin are left\n"
	"out of every report.\n\n"
	"FILTERS, the same as 'lead list': --milestone --status --stage --phase\n"
	"  --lifecycle --source --owner-group --segment --agent A --unit U --unassigned\n"
	"  --follow-up-from TIME --follow-up-to TIME --attribute KEY=VALUE\n"
	"  --recycled include|only --invalid. A report counts only the leads they\n"
	"  keep, by their present state: 'report funnel --status won' is the funnel\n"
	"  of the deals that were won.\n\n"
	"  pipeline   how many leads hold each value of one or two axes: phase, stage,\n"
	"             milestone, status, lifecycle, owner, unit, segment, source,\n"
	"             owner_group, type, category, priority (default: stage, or status\n"
	"             when the model has no stages). Values flagged not_reportable\n"
	"             (Archive, test leads) are left out. --sum amount adds the sum of\n"
	"             the leads' amounts (minor units) per currency: the won value per\n"
	"             agent is 'report pipeline --by owner --status won --sum amount'.\n"
	"  matrix     every milestone x status cell with its count and whether the\n"
	"             model allows it, invalid cells first. --cell lists the leads in\n"
	"             one cell (keys or labels: --cell contacted,hot). The table\n"
	"             leaves out empty cells (--all keeps them); --json and --csv\n"
	"             always hold every cell.\n"
	"  followups  follow-ups due per agent per day in [--from, --to) (default:\n"
	"             today and the next six days).\n"
	"  overdue    leads past their expected completion date and not completed,\n"
	"             most overdue first.\n"
	"  --now TIME reads the store as of TIME: 'today' for followups, the present\n"
	"             for overdue (leadctl --db demo.db report followups --now 2026-01-19).\n"
	"  funnel     per stage (milestone when the model has no stages), from history:\n"
	"             leads that reached it, how many went on to a later open stage\n"
	"             (conversion), the median and 90th percentile time in the stage.\n"
	"             With --from/--to: the entries inside the window, and the time\n"
	"             of the stays that began inside it (docs/reports.md).\n\n"
	"On a terminal the table marks the matrix's invalid cells in red and gives\n"
	"the pipeline and the funnel a bar a row; --color never|always|auto (default\n"
	"auto: only when standard output is a terminal; NO_COLOR turns colour off)\n"
	"decides. Piped output is plain.\n"
	"Output: a table (labels), or --json: {\"report\": KIND, \"rows\": [{KEY..., \"count\"}]}\n"
	"with keys, or --csv: a header line, then one line per row. TIME is ISO 8601.\n"
	"Exit codes: 0 ok, 2 usage, 4 store error (no store: run 'leadctl init').\n";

typedef enum { OUT_TABLE = REPORT_TABLE, OUT_JSON = REPORT_JSON, OUT_CSV = REPORT_CSV } out_kind;

static int print_report(const lc_table *r, out_kind out, bool hide_empty, term_style st);

/* --now: the store's clock reads this time, so that reports can look at the
 * store as of another day (the demo's store lives in January 2026). */
static lc_time report_now = LC_TIME_NONE;

static lc_time fixed_clock(void *ud)
{
	(void)ud;
	return report_now;
}

int report_open_store(const leadctl_global *g, lc_time now, lc_db **db)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	int rc;
	report_now = now;
	o.flags = LC_DB_READONLY;
	if (report_now != LC_TIME_NONE)
		o.clock = fixed_clock;
	rc = lc_db_open(db, g->uri, &o);
	if (rc == LC_ENOTFOUND) {
		fprintf(stderr, "leadctl: no store at '%s'; create one with 'leadctl --db %s init'\n", g->db,
			g->db);
		return EXIT_STORE;
	}
	if (rc) {
		fail(rc, g->db);
		return EXIT_STORE;
	}
	if (!lc_db_model(*db)) {
		fprintf(stderr, "leadctl: the store '%s' has no model; run 'leadctl --db %s init'\n", g->db,
			g->db);
		lc_db_close(*db);
		*db = NULL;
		return EXIT_STORE;
	}
	return 0;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* A cell's text for the table (labels, durations, "-") or CSV (keys,
 * seconds, ""); NULL for an empty text cell. */
static const char *cell_text(const lc_table *r, size_t row, size_t col, bool table, char *buf,
			     size_t n)
{
	const char *name = lc_table_column_name(r, col);
	lc_column_type type = lc_table_column_type(r, col);
	int64_t v = lc_table_int(r, row, col);
	char t[LC_TIME_FORMAT_SIZE];

	if (type == LC_COLUMN_TEXT)
		return table ? lc_table_label(r, row, col) : lc_table_text(r, row, col);
	if (strcmp(name, "allowed") == 0)
		snprintf(buf, n, "%s", v ? "yes" : (table ? "NO" : "no"));
	else if (v == LC_TABLE_NONE)
		snprintf(buf, n, "%s", table ? "-" : "");
	else if (ends_with(name, "_seconds") && table)
		fmt_duration(v, buf, n);
	else if (type == LC_COLUMN_TIME)
		snprintf(buf, n, "%s", fmt_time(v, t));
	else
		snprintf(buf, n, "%lld", (long long)v);
	return buf;
}

static bool is_funnel(const lc_table *r)
{
	return strcmp(lc_table_kind(r), "funnel") == 0;
}

/* The funnel's conversion: advanced / reached, or negative when it does not apply. */
static double conversion(const lc_table *r, size_t row)
{
	int64_t adv = lc_table_int_named(r, row, "advanced"), n = lc_table_int_named(r, row, "count");
	if (adv == LC_TABLE_NONE || n == 0)
		return -1;
	return (double)adv / (double)n;
}

/* Rows about one lead start with its id (drill-down, overdue). */
static bool has_leads(const lc_table *r)
{
	return lc_table_column_count(r) && strcmp(lc_table_column_name(r, 0), "lead") == 0;
}

json_t *report_rows_json(const lc_table *r)
{
	json_t *rows = json_array();
	size_t nc = lc_table_column_count(r);
	for (size_t i = 0; rows && i < lc_table_row_count(r); i++) {
		json_t *o = json_object();
		for (size_t c = 0; c < nc; c++) {
			const char *name = lc_table_column_name(r, c);
			lc_column_type type = lc_table_column_type(r, c);
			int64_t v = lc_table_int(r, i, c);
			json_t *j;
			char t[LC_TIME_FORMAT_SIZE];
			if (type == LC_COLUMN_TEXT) {
				const char *k = lc_table_text(r, i, c);
				j = k ? json_string(k) : json_null();
			} else if (strcmp(name, "allowed") == 0) {
				j = json_boolean(v);
			} else if (v == LC_TABLE_NONE) {
				j = json_null();
			} else if (type == LC_COLUMN_TIME) {
				j = json_string(fmt_time(v, t));
			} else {
				j = json_integer(v);
			}
			json_object_set_new(o, name, j);
		}
		if (is_funnel(r)) {
			double cv = conversion(r, i);
			json_object_set_new(o, "conversion", cv < 0 ? json_null() : json_real(cv));
		}
		json_array_append_new(rows, o);
	}
	return rows;
}

static void print_report_json(const lc_table *r)
{
	print_json(json_pack("{s:s,s:o}", "report", lc_table_kind(r), "rows", report_rows_json(r)));
}

static void csv_field(const char *s)
{
	if (!s)
		return;
	if (strpbrk(s, ",\"\r\n")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
}

static void print_report_csv(const lc_table *r)
{
	size_t nc = lc_table_column_count(r);
	char buf[64];

	for (size_t c = 0; c < nc; c++) {
		if (c)
			putchar(',');
		csv_field(lc_table_column_name(r, c));
	}
	if (is_funnel(r))
		fputs(",conversion", stdout);
	putchar('\n');
	for (size_t i = 0; i < lc_table_row_count(r); i++) {
		for (size_t c = 0; c < nc; c++) {
			if (c)
				putchar(',');
			csv_field(cell_text(r, i, c, false, buf, sizeof buf));
		}
		if (is_funnel(r)) {
			double cv = conversion(r, i);
			if (cv >= 0)
				printf(",%.4f", cv);
			else
				putchar(',');
		}
		putchar('\n');
	}
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

/* A refused matrix cell that holds leads: red on a terminal. */
static bool invalid_row(const lc_table *r, size_t row)
{
	size_t col;
	return lc_table_column_find(r, "allowed", &col) == 0 && lc_table_int(r, row, col) == 0 &&
	       lc_table_int_named(r, row, "count") > 0;
}

/* The pipeline and the funnel get a bar a row on a terminal, scaled to the
 * largest count shown. */
static int64_t bar_scale(const lc_table *r, const size_t *vis, size_t nrows)
{
	int64_t max = 0;
	if (strcmp(lc_table_kind(r), "pipeline") != 0 && !is_funnel(r))
		return 0;
	for (size_t i = 0; i < nrows; i++)
		if (lc_table_int_named(r, vis[i], "count") > max)
			max = lc_table_int_named(r, vis[i], "count");
	return max;
}

/* One line of the table; row < 0 is the header. */
static void print_line(const lc_table *r, char **cells, const size_t *w, const bool *right,
		       size_t ncols, long row, int64_t scale, term_style st)
{
	bool red = st.color && row >= 0 && invalid_row(r, (size_t)row);
	if (red)
		fputs("\033[31m", stdout);
	for (size_t c = 0; c < ncols; c++) {
		const char *s = cells[c];
		int pad = (int)w[c];
		if (c)
			fputs("  ", stdout);
		if (right[c])
			printf("%*s", pad, s);
		else if (c + 1 == ncols && !scale)
			fputs(s, stdout);
		else
			printf("%-*s", pad, s);
	}
	if (scale && row >= 0) {
		fputs(st.color ? "  \033[34m" : "  ", stdout);
		bar_text(stdout, lc_table_int_named(r, (size_t)row, "count"), scale, 24);
		if (st.color)
			fputs("\033[0m", stdout);
	}
	if (red)
		fputs("\033[0m", stdout);
	putchar('\n');
}

/* A plain text table: labels, counts, measures; widths fitted to the data.
 * hide_empty leaves out rows whose count is 0 (the matrix's empty cells,
 * which would drown the cells that hold leads) and says how many. st says
 * what a terminal gets: invalid cells in red, bars. */
static int print_report_table(const lc_table *r, bool hide_empty, term_style st)
{
	size_t nc = lc_table_column_count(r);
	/* A row about one lead has a count of 1: the table leaves it out. */
	long skip = has_leads(r) ? (long)(nc - 1) : -1;
	size_t ncols = 0, all = lc_table_row_count(r), nrows = 0;
	size_t *vis = calloc(all ? all : 1, sizeof *vis);
	char **cells;
	size_t *w;
	bool *right;
	int64_t scale;
	char buf[128];

	for (size_t c = 0; c < nc; c++)
		if (strcmp(lc_table_column_name(r, c), "count") == 0 && has_leads(r))
			skip = (long)c;
	ncols = nc - (skip >= 0) + (is_funnel(r) ? 1 : 0);
	cells = calloc((all + 1) * ncols, sizeof *cells);
	w = calloc(ncols, sizeof *w);
	right = calloc(ncols, sizeof *right);
	if (!vis || !cells || !w || !right) {
		free(vis);
		free(cells);
		free(w);
		free(right);
		fputs("leadctl: out of memory\n", stderr);
		return EXIT_STORE;
	}
	for (size_t i = 0; i < all; i++)
		if (!hide_empty || lc_table_int_named(r, i, "count") != 0)
			vis[nrows++] = i;
	for (size_t i = 0; i <= nrows; i++) {
		size_t c = 0;
		bool head = i == 0;
		size_t row = head ? 0 : vis[i - 1];
		for (size_t k = 0; k < nc; k++) {
			if ((long)k == skip)
				continue;
			const char *name = lc_table_column_name(r, k);
			/* The table shows durations ("3d 04h"), not seconds: say so in the header. */
			cells[i * ncols + c] =
				head && ends_with(name, "_seconds")
					? strndup(name, strlen(name) - strlen("_seconds"))
					: strdup(or_dash(head ? name
							      : cell_text(r, row, k, true, buf, sizeof buf)));
			right[c++] = lc_table_column_type(r, k) != LC_COLUMN_TEXT;
		}
		if (is_funnel(r)) {
			double cv = head ? 0 : conversion(r, row);
			if (cv >= 0)
				snprintf(buf, sizeof buf, "%.1f%%", cv * 100);
			else
				snprintf(buf, sizeof buf, "-");
			cells[i * ncols + c] = strdup(head ? "conversion" : buf);
			right[c++] = true;
		}
	}
	for (size_t k = 0; k < (nrows + 1) * ncols; k++) {
		size_t len;
		if (!cells[k]) {
			fputs("leadctl: out of memory\n", stderr);
			goto out;
		}
		len = strlen(cells[k]);
		if (len > w[k % ncols])
			w[k % ncols] = len;
	}
	scale = st.bars ? bar_scale(r, vis, nrows) : 0;
	for (size_t i = 0; i <= nrows; i++)
		print_line(r, cells + i * ncols, w, right, ncols, i ? (long)vis[i - 1] : -1, scale, st);
	if (nrows == 0)
		puts("(no rows)");
	if (all > nrows)
		printf("(%zu empty cells not shown; --all shows them)\n", all - nrows);
out:
	for (size_t k = 0; k < (nrows + 1) * ncols; k++)
		free(cells[k]);
	free(vis);
	free(cells);
	free(w);
	free(right);
	return 0;
}

int report_print(const lc_table *r, int format)
{
	return print_report(r, (out_kind)format, false, term_style_for(COLOR_NEVER));
}

static int print_report(const lc_table *r, out_kind out, bool hide_empty, term_style st)
{
	if (out == OUT_JSON)
		print_report_json(r);
	else if (out == OUT_CSV)
		print_report_csv(r);
	else
		return print_report_table(r, hide_empty, st);
	return 0;
}

int cmd_report(const leadctl_global *g, int argc, char **argv)
{
	const char *by = NULL, *cell = NULL, *from = NULL, *to = NULL, *now = NULL, *sum = NULL;
	const char *color = NULL;
	bool json = false, csv = false, help = false, all = false;
	color_mode cm;
	opt_spec specs[11 + FILTER_SPECS] = {
		{ "--all", OPT_FLAG, &all },     { "--by", OPT_STRING, &by },
		{ "--cell", OPT_STRING, &cell }, { "--from", OPT_STRING, &from },
		{ "--to", OPT_STRING, &to },     { "--json", OPT_FLAG, &json },
		{ "--now", OPT_STRING, &now },   { "--csv", OPT_FLAG, &csv },
		{ "--sum", OPT_STRING, &sum },   { "--color", OPT_STRING, &color },
	};
	lead_filter filter;
	lc_query *q = NULL;
	lc_report_options o = LC_REPORT_OPTIONS_INIT;
	const char *pos[2];
	const char *kind;
	lc_db *db = NULL;
	lc_table *r = NULL;
	int npos, rc, ex;

	memset(&filter, 0, sizeof filter);
	specs[10 + filter_specs(&filter, specs + 10)] = (opt_spec){ NULL, 0, NULL };
	rc = opts_parse(argc, argv, 1, specs, pos, 2, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		fputs(report_usage, stdout);
		return EXIT_OK;
	}
	if (npos > 1)
		return usage_error("report %s: unexpected argument '%s' (options start with --; see "
				   "--help)", pos[0], pos[1]);
	if (npos != 1)
		return usage_error("report: say which: pipeline, matrix, followups, overdue or funnel "
				   "(see --help)");
	if ((ex = color_parse(color, &cm)) != 0)
		return ex;
	kind = pos[0];
	if (json && csv)
		return usage_error("report: choose one of --json and --csv");
	if (strcmp(kind, "pipeline") != 0 && strcmp(kind, "matrix") != 0 &&
	    strcmp(kind, "followups") != 0 && strcmp(kind, "overdue") != 0 &&
	    strcmp(kind, "funnel") != 0)
		return usage_error("report: unknown report '%s'; use pipeline, matrix, followups, "
				   "overdue or funnel",
				   kind);
	if (by && strcmp(kind, "pipeline") != 0)
		return usage_error("report %s: --by is for 'report pipeline'", kind);
	if (cell && strcmp(kind, "matrix") != 0)
		return usage_error("report %s: --cell is for 'report matrix'", kind);
	if ((from || to) && strcmp(kind, "followups") != 0 && strcmp(kind, "funnel") != 0)
		return usage_error("report %s: --from and --to are for followups and funnel", kind);
	if (sum && strcmp(kind, "pipeline") != 0)
		return usage_error("report %s: --sum is for 'report pipeline'", kind);
	if (sum && strcmp(sum, "amount") != 0)
		return usage_error("--sum: the one sum is 'amount' (the leads' amounts, per currency)");
	if (sum)
		o.flags |= LC_REPORT_SUM_AMOUNT;
	if (now && strcmp(kind, "followups") != 0 && strcmp(kind, "overdue") != 0)
		return usage_error("report %s: --now is for followups and overdue", kind);
	if (now && (ex = parse_time_flag("--now", now, &report_now)) != 0)
		return ex;
	if (from && (ex = parse_time_flag("--from", from, &o.from)) != 0)
		return ex;
	if (to && (ex = parse_time_flag("--to", to, &o.to)) != 0)
		return ex;
	if (o.from != LC_TIME_NONE && o.to != LC_TIME_NONE && o.to <= o.from)
		return usage_error("--to must be after --from");

	/* Parse --by and --cell before touching the store: usage errors first. */
	lc_axis axes[LC_REPORT_MAX_AXES];
	size_t naxes = 0;
	char ms[128] = "", st[128] = "";
	if (by) {
		char tmp[128];
		char *save = NULL, *tok;
		if (strlen(by) >= sizeof tmp)
			return usage_error("--by: too long");
		strcpy(tmp, by);
		for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (naxes == LC_REPORT_MAX_AXES)
				return usage_error("--by: at most two axes (--by stage,owner)");
			if (lc_axis_parse(tok, &axes[naxes]) != 0 || axes[naxes] == LC_AXIS_ACTION ||
			    axes[naxes] == LC_AXIS_REASON)
				return usage_error("--by: '%s' is not an axis a lead holds; %s", tok,
						   by_axes);
			naxes++;
		}
		if (naxes == 0)
			return usage_error("--by needs an axis; %s", by_axes);
		if (naxes == 2 && axes[0] == axes[1])
			return usage_error("--by: '%s' is given twice", lc_axis_name(axes[0]));
	}
	if (cell) {
		const char *comma = strchr(cell, ',');
		if (!comma || comma == cell || !comma[1] || strchr(comma + 1, ',') ||
		    (size_t)(comma - cell) >= sizeof ms || strlen(comma + 1) >= sizeof st)
			return usage_error("--cell takes MILESTONE,STATUS (for example --cell contacted,hot)");
		memcpy(ms, cell, (size_t)(comma - cell));
		ms[comma - cell] = '\0';
		strcpy(st, comma + 1);
	}

	if ((ex = report_open_store(g, report_now, &db)) != 0)
		return ex;
	if ((ex = filter_query(db, &filter, &q)) != 0)
		goto out;
	o.filter = q;
	if (strcmp(kind, "pipeline") == 0) {
		if (naxes == 0) {
			axes[0] = lc_model_value_count(lc_db_model(db), LC_AXIS_STAGE) ? LC_AXIS_STAGE
										       : LC_AXIS_STATUS;
			naxes = 1;
		}
		rc = lc_report_pipeline(db, axes, naxes, &o, &r);
	} else if (strcmp(kind, "matrix") == 0) {
		rc = cell ? lc_report_matrix_cell(db, ms, st, &o, &r) : lc_report_matrix(db, &o, &r);
	} else if (strcmp(kind, "followups") == 0) {
		rc = lc_report_followups(db, &o, &r);
	} else if (strcmp(kind, "overdue") == 0) {
		rc = lc_report_overdue(db, &o, &r);
	} else {
		rc = lc_report_funnel(db, &o, &r);
	}
	if (rc) {
		ex = rc == LC_EUNSUPPORTED ? (fail(rc, "report"), EXIT_USAGE) : fail(rc, "report");
		goto out;
	}
	ex = print_report(r, json ? OUT_JSON : csv ? OUT_CSV : OUT_TABLE,
			  strcmp(kind, "matrix") == 0 && !cell && !all, term_style_for(cm));
out:
	lc_table_free(r);
	lc_query_free(q);
	lc_db_close(db);
	return ex;
}

/* `leadctl model dot --counts`: the store's model drawn with its counts. */
int cmd_model_dot_counts(const leadctl_global *g, int argc, char **argv)
{
	bool counts = false, json = false, help = false;
	const opt_spec specs[] = { { "--counts", OPT_FLAG, &counts },
				   { "--json", OPT_FLAG, &json },
				   { NULL, 0, NULL } };
	const char *pos[1];
	lc_db *db = NULL;
	char *text = NULL;
	size_t len;
	int npos, rc, ex;

	rc = opts_parse(argc, argv, 1, specs, pos, 0, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		puts("usage: leadctl [--db FILE] model dot --counts [--json]\n\n"
		     "Draws the store's current model and its rules as a Graphviz digraph\n"
		     "(see 'leadctl model --help') with the store's counts on the nodes: the\n"
		     "leads in each stage, milestone and life-cycle state, each status under\n"
		     "each milestone, and in red the invalid leads and the combinations the\n"
		     "links refuse (recycled and not-reportable leads left out):\n"
		     "'leadctl model dot --counts | dot -Tsvg > pipeline.svg'.");
		return EXIT_OK;
	}
	if ((ex = report_open_store(g, LC_TIME_NONE, &db)) != 0)
		return ex;
	if ((rc = lc_report_model_dot(db, &text, &len)) != 0) {
		ex = fail(rc, "model dot --counts");
	} else {
		if (json)
			print_json(json_pack("{s:s,s:s}", "model", lc_model_name(lc_db_model(db)), "dot", text));
		else
			fwrite(text, 1, len, stdout);
		ex = EXIT_OK;
	}
	lc_free(text);
	lc_db_close(db);
	return ex;
}
