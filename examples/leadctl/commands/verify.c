/* leadctl verify: the store checked end to end (lc_db_verify()). */
#include <string.h>

#include "store.h"

static const char verify_usage[] =
	"usage: leadctl verify [--json]\n\n"
	"Checks the store end to end without writing to it: the backend's own integrity\n"
	"check (SQLite's integrity_check and foreign_key_check), every stored model and\n"
	"rule set, and every lead, recycled ones included, against the replay of its\n"
	"history (no missing event, each disposition giving the state it recorded, the\n"
	"lead's version and state those its history ends in), with every value it\n"
	"recorded known to the model version that judged it. Prints each problem with\n"
	"the record it names, then the records checked and the problems by kind.\n"
	"Works on a store opened with --read-only. A progress bar is drawn on stderr\n"
	"when it is a terminal.\n\n"
	"  --json   one JSON object: store, clean, counts (records and problems by kind),\n"
	"           problems (kind, record, lead, event, message)\n\n"
	"Exit status: 0 when the store is clean, 4 when a problem is found or the store\n"
	"cannot be read.\n";

/* The summary's columns as one JSON object. */
static json_t *counts_json(const lc_table *s)
{
	json_t *o = json_object();

	for (size_t c = 0; c < lc_table_column_count(s); c++)
		json_object_set_new(o, lc_table_column_name(s, c), json_integer(lc_table_int(s, 0, c)));
	return o;
}

/* "12 leads, 40 events, ..., 1 rule_sets" up to "problems", as a person reads it. */
static void print_counts(const lc_table *s)
{
	size_t c = 0;
	const char *name;

	printf("checked");
	for (; (name = lc_table_column_name(s, c)) && strcmp(name, "problems") != 0; c++) {
		int64_t n = lc_table_int(s, 0, c);
		char word[32];
		snprintf(word, sizeof word, "%s", name);
		for (char *u = word; *u; u++)
			if (*u == '_')
				*u = ' ';
		if (n == 1 && strlen(word) > 1)
			word[strlen(word) - 1] = '\0'; /* "leads" -> "lead" */
		printf("%s %lld %s", c ? "," : "", (long long)n, word);
	}
	printf("\n");
	if (!name)
		return;
	int64_t total = lc_table_int(s, 0, c);
	if (total == 0) {
		printf("clean: no problems found\n");
		return;
	}
	printf("%lld problem%s:", (long long)total, total == 1 ? "" : "s");
	for (size_t k = c + 1, first = 1; k < lc_table_column_count(s); k++) {
		int64_t n = lc_table_int(s, 0, k);
		if (n) {
			printf("%s %lld %s", first ? "" : ",", (long long)n,
			       lc_table_column_name(s, k) + strlen("problems_"));
			first = 0;
		}
	}
	printf("\n");
}

static void print_problems(const lc_table *r)
{
	for (size_t i = 0; i < lc_table_row_count(r); i++)
		printf("%s [%s]: %s\n", lc_table_text_named(r, i, "record"),
		       lc_table_text_named(r, i, "kind"), lc_table_text_named(r, i, "message"));
}

int cmd_verify(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json }, { NULL, 0, NULL } };
	lc_table *r = NULL;
	lc_db *db = NULL;
	progress bar;
	int npos, rc, ex;

	if ((ex = opts_parse(argc, argv, 1, specs, NULL, 0, &npos, &help)))
		return ex;
	if (help) {
		fputs(verify_usage, stdout);
		return EXIT_OK;
	}
	if ((ex = store_open(g, false, &db)))
		return ex;
	progress_watch(db, &bar, !json);
	rc = lc_db_verify(db, &r);
	progress_done(&bar);
	if (rc) {
		ex = fail(rc, "verifying the store");
		goto out;
	}
	const lc_table *s = lc_table_summary(r);
	bool clean = lc_table_int_named(s, 0, "problems") == 0;
	if (json) {
		print_json(json_pack("{s:s,s:b,s:o,s:o}", "store", g->db, "clean", clean, "counts",
				     counts_json(s), "problems", report_rows_json(r)));
	} else {
		print_problems(r);
		print_counts(s);
	}
	ex = clean ? EXIT_OK : EXIT_STORE;
out:
	lc_table_free(r);
	lc_db_close(db);
	return ex;
}
