/* leadctl dashboard: seed 000's dashboard as one self-contained HTML page
 * (inline CSS and SVG, no script), written from the library's reports. The
 * page itself is dashboard/'s; this file parses the options and writes the
 * file whole or not at all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../dashboard/dashboard.h"
#include "leadctl.h"

static const char dashboard_usage[] =
	"usage: leadctl [--db FILE] dashboard [--out FILE] [--now TIME] [--rows N] [--json]\n\n"
	"Writes one HTML page (default dashboard.html) that a browser shows offline and\n"
	"that can be attached to an email: the disposition matrix with the invalid\n"
	"combinations in red (each count links to its leads further down: name, id,\n"
	"owner, last touch, why the combination is invalid), the pipeline grouped by\n"
	"phase, the funnel, follow-ups due today and overdue per agent, the segments,\n"
	"and which leads the reports leave out. Every chart has a table beside it.\n\n"
	"  --out FILE  where to write the page (replaced whole; '-' for stdout)\n"
	"  --now TIME  the page's present: 'today' for follow-ups (default: now)\n"
	"  --rows N    list at most N leads a combination (default 100; 0: all)\n"
	"  --json      print {\"out\": FILE, \"leads\": N, \"invalid\": N} when done\n\n"
	"Exit codes: 0 ok, 2 usage, 4 store error or the file cannot be written.\n";

static int parse_rows(const char *text, long *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || errno || v < 0)
		return usage_error("--rows takes a whole number, 0 for every lead");
	*out = v;
	return 0;
}

/* Write the page to path.tmp and rename it over path: never half a page. */
static int write_file(dash *d, const char *path)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 5);
	FILE *f;
	int ex;
	if (!tmp)
		return EXIT_STORE;
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".tmp", 5);
	f = fopen(tmp, "w");
	if (!f) {
		/* The file the user named, not the temporary one beside it. */
		fprintf(stderr, "leadctl: dashboard: cannot write '%s': %s\n", path, strerror(errno));
		free(tmp);
		return EXIT_STORE;
	}
	ex = page_write(f, d);
	if (fclose(f) != 0 && !ex) {
		fprintf(stderr, "leadctl: dashboard: writing '%s': %s\n", tmp, strerror(errno));
		ex = EXIT_STORE;
	}
	if (!ex && rename(tmp, path) != 0) {
		fprintf(stderr, "leadctl: dashboard: cannot replace '%s': %s\n", path, strerror(errno));
		ex = EXIT_STORE;
	}
	if (ex)
		unlink(tmp);
	free(tmp);
	return ex;
}

int cmd_dashboard(const leadctl_global *g, int argc, char **argv)
{
	const char *out = "dashboard.html", *now = NULL, *rows = NULL;
	bool json = false, help = false;
	const opt_spec specs[] = { { "--out", OPT_STRING, &out },   { "--now", OPT_STRING, &now },
				   { "--rows", OPT_STRING, &rows }, { "--json", OPT_FLAG, &json },
				   { NULL, 0, NULL } };
	dash d = { .store = g->db, .rows_max = 100, .now = LC_TIME_NONE };
	int npos, ex;

	if ((ex = opts_parse(argc, argv, 1, specs, NULL, 0, &npos, &help)) != 0)
		return ex;
	if (help) {
		fputs(dashboard_usage, stdout);
		return EXIT_OK;
	}
	if (now && (ex = parse_time_flag("--now", now, &d.now)) != 0)
		return ex;
	if (rows && (ex = parse_rows(rows, &d.rows_max)) != 0)
		return ex;
	if (!*out)
		return usage_error("--out needs a file name");
	if ((ex = report_open_store(g, d.now, &d.db)) != 0)
		return ex;
	d.made = (lc_time)time(NULL);
	if (d.now == LC_TIME_NONE)
		d.now = lc_db_now(d.db);
	if ((ex = dash_gather(&d)) == 0)
		ex = strcmp(out, "-") == 0 ? page_write(stdout, &d) : write_file(&d, out);
	if (!ex && json)
		print_json(json_pack("{s:s,s:I,s:I}", "out", out, "leads", (json_int_t)d.total, "invalid",
				     (json_int_t)dash_invalid_total(&d)));
	else if (!ex && strcmp(out, "-") != 0)
		printf("wrote %s: %lld leads, %lld in an invalid combination\n", out, (long long)d.total,
		       (long long)dash_invalid_total(&d));
	dash_free(&d);
	lc_db_close(d.db);
	return ex;
}
