/* leadctl import: a CSV file into the store, with a column mapping. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "leadctl.h"
#include "store.h"

static const char import_usage[] =
	"usage: leadctl [--db FILE] import FILE --mapping MAP [--at TIME] [--skip-bad]\n"
	"                                    [--rejects FILE] [--json]\n\n"
	"Imports a CSV file (UTF-8, comma-separated, a header row; a BOM, CRLF line\n"
	"ends and quoted line breaks are fine) into the store, one lead per row. The\n"
	"mapping (a JSON file, see docs/import.md and examples/mappings/) says which\n"
	"column feeds which lead field, which column values become which disposition,\n"
	"which values mean 'empty' (\"Select\"), where each row's time comes from, and\n"
	"how a row finds a lead that is already there (external id or email).\n"
	"Each row's dispositions go through the model like any other and are recorded\n"
	"in history.\n\n"
	"  --mapping MAP  the mapping file (required)\n"
	"  --at TIME      stamp every row with this time (ISO 8601), instead of the\n"
	"                 mapping's time column or the import's time\n"
	"  --skip-bad     leave bad rows out and import the rest; without it, any bad\n"
	"                 row rolls the whole import back (every bad row is listed)\n"
	"  --rejects FILE write the bad rows to FILE as CSV (line,code,reason) instead\n"
	"                 of listing them on stderr\n"
	"  --json         print the result as a JSON object (bad rows included)\n\n"
	"Bad rows are listed on stderr, one per line with its line number; stdout\n"
	"only says what was imported. With a dedupe key, importing a refreshed\n"
	"export again records only what is new: rows that bring nothing are\n"
	"counted as unchanged.\n\n"
	"A progress bar is drawn on stderr when it is a terminal.\n"
	"Exit codes: 0 imported, 1 a row's disposition is not allowed by the model,\n"
	"2 usage, 3 a malformed file or mapping (or a bad row), 4 store error.\n";

static int on_rows(void *ud, size_t rows, uint64_t bytes, uint64_t total)
{
	progress_show(ud, "import", bytes, total, rows, "rows");
	return 0;
}

/* A CSV field, quoted when it needs to be. */
static void csv_put(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* --rejects FILE can be created or replaced: its directory (or the file,
 * when it exists) is writable. */
static int check_writable(const char *path)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
	int ok;

	if (!dir)
		return fail(LC_ENOMEM, "--rejects");
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	ok = access(path, F_OK) == 0 ? access(path, W_OK) == 0 : access(slash ? dir : ".", W_OK) == 0;
	free(dir);
	if (ok)
		return 0;
	fprintf(stderr, "leadctl: --rejects: cannot write '%s': %s (nothing imported)\n", path,
		strerror(errno));
	return EXIT_USAGE;
}

/* The bad rows: to --rejects FILE as CSV, or to stderr. */
static int print_rejects(const lc_table *r, const char *path)
{
	size_t n = lc_table_row_count(r);
	FILE *f = path ? fopen(path, "w") : stderr;
	if (!f) {
		fprintf(stderr, "leadctl: --rejects: cannot write '%s': %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (path)
		fputs("line,code,reason\n", f);
	for (size_t i = 0; i < n; i++) {
		if (!path) {
			fprintf(f, "line %llu: %s\n", (unsigned long long)(uint64_t)lc_table_int_named(r, i, "line"),
				lc_table_text_named(r, i, "reason"));
			continue;
		}
		fprintf(f, "%llu,%s,", (unsigned long long)(uint64_t)lc_table_int_named(r, i, "line"),
			lc_error_name((int)lc_table_int_named(r, i, "code")));
		csv_put(f, lc_table_text_named(r, i, "reason"));
		fputc('\n', f);
	}
	if ((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected") > n)
		fprintf(stderr, "leadctl: import: %llu more bad rows were counted but not kept\n",
			(unsigned long long)((uint64_t)lc_table_int_named(lc_table_summary(r), 0, "rejected") - n));
	if (path && fclose(f) != 0) {
		fprintf(stderr, "leadctl: --rejects: cannot write '%s': %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

/* One of the import's counts (its summary's columns). */
static uint64_t count(const lc_table *r, const char *which)
{
	return (uint64_t)lc_table_int_named(lc_table_summary(r), 0, which);
}

static void print_result(const lc_table *r, int rc, bool json)
{
	size_t n = lc_table_row_count(r);
	if (json) {
		json_t *rej = json_array();
		for (size_t i = 0; rej && i < n; i++)
			json_array_append_new(
				rej, json_pack("{s:I,s:s,s:s}", "line",
					       (json_int_t)(uint64_t)lc_table_int_named(r, i, "line"), "code",
					       lc_error_name((int)lc_table_int_named(r, i, "code")), "reason",
					       lc_table_text_named(r, i, "reason")));
		print_json(json_pack(
			"{s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "ok", rc == 0, "rows",
			(json_int_t)count(r, "rows"), "imported",
			(json_int_t)count(r, "imported"), "updated",
			(json_int_t)count(r, "updated"), "unchanged",
			(json_int_t)count(r, "unchanged"), "skipped",
			(json_int_t)count(r, "skipped"), "dispositions",
			(json_int_t)count(r, "dispositions"), "repeats",
			(json_int_t)count(r, "repeats"), "undated",
			(json_int_t)count(r, "undated"), "agents_created",
			(json_int_t)count(r, "agents_created"), "units_created",
			(json_int_t)count(r, "units_created"), "rejected",
			(json_int_t)count(r, "rejected"), "rejects", rej));
		return;
	}
	if (rc)
		return;
	printf("%llu rows read: %llu leads imported, %llu updated, %llu unchanged, %llu bad rows "
	       "skipped; %llu dispositions recorded",
	       (unsigned long long)count(r, "rows"),
	       (unsigned long long)count(r, "imported"),
	       (unsigned long long)count(r, "updated"),
	       (unsigned long long)count(r, "unchanged"),
	       (unsigned long long)count(r, "skipped"),
	       (unsigned long long)count(r, "dispositions"));
	if (count(r, "repeats"))
		printf(", %llu already in history", (unsigned long long)count(r, "repeats"));
	if (count(r, "undated"))
		printf(", %llu left out for an empty date",
		       (unsigned long long)count(r, "undated"));
	if (count(r, "agents_created") || count(r, "units_created"))
		printf("; %llu agents and %llu units created",
		       (unsigned long long)count(r, "agents_created"),
		       (unsigned long long)count(r, "units_created"));
	putchar('\n');
}

int cmd_import(const leadctl_global *g, int argc, char **argv)
{
	const char *mapping = NULL, *at = NULL, *rejects = NULL;
	bool skip = false, json = false, help = false;
	const opt_spec specs[] = { { "--mapping", OPT_STRING, &mapping },
				   { "--at", OPT_STRING, &at },
				   { "--skip-bad", OPT_FLAG, &skip },
				   { "--rejects", OPT_STRING, &rejects },
				   { "--json", OPT_FLAG, &json },
				   { NULL, 0, NULL } };
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	lc_table *res = NULL;
	lc_mapping *map = NULL;
	lc_db *db = NULL;
	const char *pos[1];
	progress bar;
	int npos, rc, ex;

	rc = opts_parse(argc, argv, 1, specs, pos, 1, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		fputs(import_usage, stdout);
		return EXIT_OK;
	}
	if (npos != 1)
		return usage_error("import needs the CSV FILE to read (see --help)");
	if (!mapping)
		return usage_error("import needs --mapping MAP (for example examples/mappings/x-education.json)");
	if (at && (ex = parse_time_flag("--at", at, &o.at)) != 0)
		return ex;
	if (access(pos[0], R_OK) != 0) {
		fprintf(stderr, "leadctl: import: cannot read '%s': %s\n", pos[0], strerror(errno));
		return EXIT_FORMAT;
	}
	rc = lc_mapping_load_file(&map, mapping);
	if (rc)
		/* The file is bad (unreadable, a time out of range): input format. */
		return rc == LC_EIO || rc == LC_ERANGE ? (fail(rc, "--mapping"), EXIT_FORMAT)
						       : fail(rc, "--mapping");
	/* Found unwritable after the import, the bad rows would be lost. */
	if (rejects && (ex = check_writable(rejects)))
		goto out;
	if ((ex = store_open(g, false, &db)) != 0)
		goto out;
	if (skip)
		o.flags |= LC_IMPORT_SKIP_BAD_ROWS;
	progress_start(&bar, !json);
	o.progress = on_rows;
	o.progress_ud = &bar;
	o.progress_every = 200;
	rc = lc_import_file(db, pos[0], map, &o, &res);
	progress_done(&bar);
	if (res && (!json || rejects) && (ex = print_rejects(res, rejects)) != 0)
		goto out;
	if (res)
		print_result(res, rc, json);
	if (rc && res && lc_table_row_count(res) && !skip &&
	    rc == (int)lc_table_int_named(res, 0, "code")) {
		/* The library names its flag; say the command line's. */
		fprintf(stderr,
			"leadctl: import: %llu of %llu rows are bad (the first at line %llu); nothing was "
			"imported. Fix them, or run again with --skip-bad to import the others\n",
			(unsigned long long)(uint64_t)lc_table_int_named(lc_table_summary(res), 0, "rejected"),
			(unsigned long long)(uint64_t)lc_table_int_named(lc_table_summary(res), 0, "rows"),
			(unsigned long long)(uint64_t)lc_table_int_named(res, 0, "line"));
		ex = rc == LC_EINVALID ? EXIT_VIOLATION : EXIT_FORMAT;
		goto out;
	}
	if (rc) {
		/* LC_EIO is the CSV file when the message names it, else the store
		 * (a full disk); a row's bad value or taken id is bad input. */
		bool csv_io = rc == LC_EIO && (!res || strstr(lc_error_last(), pos[0]));
		ex = fail(rc, "import");
		if (csv_io || rc == LC_ERANGE || rc == LC_EEXISTS)
			ex = EXIT_FORMAT;
		goto out;
	}
	ex = EXIT_OK;
out:
	lc_table_free(res);
	lc_mapping_free(map);
	lc_db_close(db);
	return ex;
}
