/* leadctl model: list the presets, show, check, export and draw a model
 * (install is in commands/store.c). */
#include <string.h>
#include <sys/stat.h>

#include "commands/store.h"
#include "leadctl.h"

static const char model_usage[] =
	"usage: leadctl model list [--json]\n"
	"       leadctl model show [MODEL] [--json]\n"
	"       leadctl model check FILE [--json]\n"
	"       leadctl model export [MODEL]\n"
	"       leadctl model dot [MODEL] [--json]\n"
	"       leadctl [--db FILE] model dot --counts [--json]\n"
	"       leadctl [--db FILE] model install NAME|FILE [--dry-run] [--migrate MAP] [--json]\n\n"
	"MODEL is a preset name (see 'leadctl model list') or a JSON model file\n"
	"(docs/model-format.md). Without one, show, export and dot use the store's\n"
	"current model when the store (--db FILE, default ./leads.db) exists, else\n"
	"leadmanager; a --db FILE that is not a store is an error (exit 4).\n\n"
	"  list    the presets: name, version, description\n"
	"  show    the axes, their values in order (key, label, flags, description),\n"
	"          the statuses each milestone allows ('All statuses' when it is not\n"
	"          linked) and, read only, the milestones each status goes with, the\n"
	"          lists a lead's source, type, category and priority come from, and\n"
	"          the model's rules as sentences\n"
	"  check   prints 'ok', or every problem as FILE:LINE:COLUMN: sentence\n"
	"          (on stderr) and exits 3\n"
	"  export  the model as canonical JSON (the same text for the same model)\n"
	"  dot     the model's rules as a Graphviz digraph: stages by phase with\n"
	"          exits into the closed stages and their reasons, go-back edges\n"
	"          dashed, repeatable loops, terminal values double-bordered;\n"
	"          milestones with the statuses they allow; the life cycle with the\n"
	"          actions that cross it: 'leadctl model dot particle | dot -Tsvg >\n"
	"          particle.svg'. --counts draws the store's model with its counts,\n"
	"          invalid ones in red\n"
	"  install a new model version for the store: 'leadctl model install --help'\n\n"
	"--json prints a JSON object instead of text (export always prints JSON).\n"
	"Exit codes: 0 ok, 2 usage or unknown preset, 3 a malformed model, 4 other errors.\n";

/* Names of the LC_FLAG_* bits, in bit order, as the JSON format spells them. */
static const char *const flag_names[] = {
	"terminal", "not_reportable", "deprecated", "ready_for_contact", "automation_stopped",
	"reengage_eligible", "repeatable", "ends_contact", "contact", "phone",
	"email", "won", "lost", "completed", "closed",
};

/* The axes show lists, in order: the model's, then the record's lists. */
static const struct {
	lc_axis axis;
	const char *title;
} shown[] = {
	{ LC_AXIS_ACTION, "actions" },	   { LC_AXIS_MILESTONE, "milestones" },
	{ LC_AXIS_STATUS, "statuses" },	   { LC_AXIS_PHASE, "phases" },
	{ LC_AXIS_STAGE, "stages" },	   { LC_AXIS_LIFECYCLE, "lifecycles" },
	{ LC_AXIS_REASON, "reasons" },	   { LC_AXIS_SOURCE, "sources" },
	{ LC_AXIS_TYPE, "types" },	   { LC_AXIS_CATEGORY, "categories" },
	{ LC_AXIS_PRIORITY, "priorities" },
};

static int load(const char *arg, lc_model **m)
{
	int rc = lc_model_load(m, arg ? arg : "leadmanager");
	return rc ? fail(rc, "model") : 0;
}

static json_t *flags_json(uint32_t flags)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < sizeof flag_names / sizeof flag_names[0]; i++)
		if (flags & (1u << i))
			json_array_append_new(a, json_string(flag_names[i]));
	return a;
}

/* A closed value's kind ("won" or "lost"); NULL for an open value and for a
 * life-cycle state, whose won and lost are flags of their own. */
static const char *closed_kind(lc_axis a, uint32_t flags)
{
	if (a == LC_AXIS_LIFECYCLE || !(flags & LC_FLAG_CLOSED))
		return NULL;
	return flags & LC_FLAG_WON ? "won" : "lost";
}

static void print_flags(lc_axis a, uint32_t flags)
{
	const char *kind = closed_kind(a, flags);
	bool first = true;
	if (kind)
		flags &= ~(uint32_t)(LC_FLAG_CLOSED | LC_FLAG_WON | LC_FLAG_LOST);
	for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
		if (!(flags & (1u << i)))
			continue;
		printf("%s%s", first ? " [" : ", ", flag_names[i]);
		first = false;
	}
	if (kind) {
		printf("%sclosed %s", first ? " [" : ", ", kind);
		first = false;
	}
	if (!first)
		putchar(']');
}

static int cmd_list(bool json)
{
	json_t *arr = json ? json_array() : NULL;
	lc_table *presets = NULL;
	int rc = lc_model_presets(&presets);
	if (rc)
		return fail(rc, "model list");
	for (size_t i = 0; i < lc_table_row_count(presets); i++) {
		lc_model *m = NULL;
		if ((rc = lc_model_preset(&m, lc_table_text(presets, i, 0)))) {
			json_decref(arr);
			rc = fail(rc, lc_table_text(presets, i, 0));
			lc_table_free(presets);
			return rc;
		}
		if (json)
			json_array_append_new(arr, json_pack("{s:s,s:I,s:s}", "name", lc_model_name(m),
							     "version", (json_int_t)lc_model_version(m),
							     "description", lc_model_description(m)));
		else
			printf("%-12s v%-3lld %s\n", lc_model_name(m), (long long)lc_model_version(m),
			       lc_model_description(m));
		lc_model_free(m);
	}
	lc_table_free(presets);
	if (json)
		print_json(json_pack("{s:o}", "presets", arr));
	return EXIT_OK;
}

/* The parent a value shows: a stage's phase, a status's life-cycle state. */
static const char *parent_key(const lc_model *m, lc_axis a, size_t i)
{
	size_t p;
	if ((a != LC_AXIS_STAGE && a != LC_AXIS_STATUS) || lc_model_value_parent(m, a, i, &p) != 0)
		return NULL;
	return lc_model_value_key(m, a == LC_AXIS_STAGE ? LC_AXIS_PHASE : LC_AXIS_LIFECYCLE, p);
}

/* Seed 000's link view: per milestone the statuses it allows ("All
 * statuses" when every one is), and per status the milestones it goes with. */
static bool all_linked(const lc_model *m, size_t ms)
{
	for (size_t s = 0; s < lc_model_value_count(m, LC_AXIS_STATUS); s++)
		if (!model_linked(m, ms, s))
			return false;
	return true;
}

static json_t *links_json(const lc_model *m, bool by_status)
{
	lc_axis rows = by_status ? LC_AXIS_STATUS : LC_AXIS_MILESTONE;
	lc_axis cols = by_status ? LC_AXIS_MILESTONE : LC_AXIS_STATUS;
	json_t *o = json_object();

	for (size_t r = 0; r < lc_model_value_count(m, rows); r++) {
		json_t *a;
		if (!by_status && all_linked(m, r)) {
			json_object_set_new(o, lc_model_value_key(m, rows, r), json_string("all"));
			continue;
		}
		a = json_array();
		for (size_t c = 0; c < lc_model_value_count(m, cols); c++)
			if (model_linked(m, by_status ? c : r, by_status ? r : c))
				json_array_append_new(a, json_string(lc_model_value_key(m, cols, c)));
		json_object_set_new(o, lc_model_value_key(m, rows, r), a);
	}
	return o;
}

static void print_links(const lc_model *m, bool by_status)
{
	lc_axis rows = by_status ? LC_AXIS_STATUS : LC_AXIS_MILESTONE;
	lc_axis cols = by_status ? LC_AXIS_MILESTONE : LC_AXIS_STATUS;

	printf(by_status ? "\nmilestones of each status (read only; edit the links of the "
			   "milestones):\n"
			 : "\nstatuses of each milestone:\n");
	for (size_t r = 0; r < lc_model_value_count(m, rows); r++) {
		bool first = true;
		printf("  %-24s", lc_model_value_label(m, rows, r));
		if (!by_status && all_linked(m, r)) {
			printf(" All statuses\n");
			continue;
		}
		for (size_t c = 0; c < lc_model_value_count(m, cols); c++)
			if (model_linked(m, by_status ? c : r, by_status ? r : c)) {
				printf("%s%s", first ? " " : ", ", lc_model_value_label(m, cols, c));
				first = false;
			}
		printf("%s\n", first ? " (none)" : "");
	}
}

static bool has_links(const lc_model *m)
{
	return lc_model_value_count(m, LC_AXIS_MILESTONE) && lc_model_value_count(m, LC_AXIS_STATUS);
}

static int cmd_show(const lc_model *m, bool json)
{
	lc_table *rule_list = NULL;
	int rc = lc_model_rules(m, &rule_list);

	if (rc)
		return fail(rc, "model show");
	if (json) {
		json_t *axes = json_object(), *rules = json_array();
		for (size_t x = 0; x < sizeof shown / sizeof shown[0]; x++) {
			lc_axis a = shown[x].axis;
			size_t n = lc_model_value_count(m, a);
			json_t *vals;
			if (!n)
				continue;
			vals = json_array();
			for (size_t i = 0; i < n; i++) {
				const char *pk = parent_key(m, a, i);
				json_t *v = json_pack(
					"{s:s,s:s,s:s,s:o}", "key", lc_model_value_key(m, a, i),
					"label", lc_model_value_label(m, a, i), "description",
					lc_model_value_description(m, a, i), "flags",
					flags_json(lc_model_value_flags(m, a, i)));
				const char *kind = closed_kind(a, lc_model_value_flags(m, a, i));
				if (v && pk)
					json_object_set_new(v, a == LC_AXIS_STAGE ? "phase" : "lifecycle",
							    json_string(pk));
				if (v && kind)
					json_object_set_new(v, "closed", json_string(kind));
				json_array_append_new(vals, v);
			}
			json_object_set_new(axes, shown[x].title, vals);
		}
		for (size_t i = 0; i < lc_table_row_count(rule_list); i++)
			json_array_append_new(rules, json_string(lc_table_text(rule_list, i, 0)));
		lc_table_free(rule_list);
		if (has_links(m)) {
			json_object_set_new(axes, "links", links_json(m, false));
			json_object_set_new(axes, "status_milestones", links_json(m, true));
		}
		print_json(json_pack("{s:s,s:I,s:s,s:o,s:o}", "name", lc_model_name(m), "version",
				     (json_int_t)lc_model_version(m), "description",
				     lc_model_description(m), "axes", axes, "rules", rules));
		return EXIT_OK;
	}
	printf("%s, version %lld\n", lc_model_name(m), (long long)lc_model_version(m));
	if (*lc_model_description(m))
		printf("%s\n", lc_model_description(m));
	for (size_t x = 0; x < sizeof shown / sizeof shown[0]; x++) {
		lc_axis a = shown[x].axis;
		size_t n = lc_model_value_count(m, a);
		if (!n)
			continue;
		printf("\n%s (%zu):\n", shown[x].title, n);
		for (size_t i = 0; i < n; i++) {
			const char *pk = parent_key(m, a, i);
			const char *d = lc_model_value_description(m, a, i);
			printf("  %2zu. %-24s %s", i + 1, lc_model_value_key(m, a, i),
			       lc_model_value_label(m, a, i));
			if (pk)
				printf(" (%s %s)", a == LC_AXIS_STAGE ? "phase" : "lifecycle", pk);
			print_flags(a, lc_model_value_flags(m, a, i));
			putchar('\n');
			if (*d)
				printf("      %s\n", d);
		}
	}
	if (has_links(m)) {
		print_links(m, false);
		print_links(m, true);
	}
	if (lc_table_row_count(rule_list)) {
		printf("\nrules (%zu):\n", lc_table_row_count(rule_list));
		for (size_t i = 0; i < lc_table_row_count(rule_list); i++)
			printf("  - %s\n", lc_table_text(rule_list, i, 0));
	}
	lc_table_free(rule_list);
	return EXIT_OK;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int cmd_check(const char *arg, bool json)
{
	lc_table *p = NULL;
	size_t n;
	int rc;

	if (!is_file(arg)) {
		/* a preset name: it is built in, so checking it means loading it */
		lc_model *m = NULL;
		if ((rc = load(arg, &m)) != 0)
			return rc;
		lc_model_free(m);
		if (json)
			print_json(json_pack("{s:b,s:[]}", "ok", 1, "problems"));
		else
			puts("ok");
		return EXIT_OK;
	}
	rc = lc_model_check_file(arg, &p);
	if (rc)
		return fail(rc, "model check");
	n = lc_table_row_count(p);
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:i,s:i,s:s}", "line",
							     (int)lc_table_int_named(p, i, "line"), "column",
							     (int)lc_table_int_named(p, i, "column"), "message",
							     lc_table_text_named(p, i, "text")));
		print_json(json_pack("{s:b,s:o}", "ok", n == 0, "problems", arr));
	} else if (n == 0) {
		puts("ok");
	} else {
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "%s\n", lc_table_text_named(p, i, "text"));
		fprintf(stderr, "leadctl: model check: %zu problem%s in %s\n", n, n == 1 ? "" : "s",
			arg);
	}
	lc_table_free(p);
	return n ? EXIT_FORMAT : EXIT_OK;
}

static int cmd_export(const lc_model *m)
{
	char *text = NULL;
	size_t len;
	int rc = lc_model_to_json(m, &text, &len);
	if (rc)
		return fail(rc, "model export");
	fwrite(text, 1, len, stdout);
	lc_free(text);
	return EXIT_OK;
}

static int cmd_dot(const lc_model *m, bool json)
{
	char *text = NULL;
	size_t len;
	/* Counts per drawn value (stages, or milestones) go here: a later
	 * `--counts` option fills them from a store's pipeline report. */
	const size_t *counts = NULL;
	size_t ncounts = 0;
	int rc = lc_model_to_dot(m, counts, ncounts, &text, &len);
	if (rc)
		return fail(rc, "model dot");
	if (json)
		print_json(json_pack("{s:s,s:s}", "model", lc_model_name(m), "dot", text));
	else
		fwrite(text, 1, len, stdout);
	lc_free(text);
	return EXIT_OK;
}

static int run_sub(const char *sub, const lc_model *m, bool json)
{
	if (strcmp(sub, "show") == 0)
		return cmd_show(m, json);
	if (strcmp(sub, "export") == 0)
		return cmd_export(m);
	return cmd_dot(m, json);
}

/* show, export or dot of the store's current model. */
static int store_model(const leadctl_global *g, const char *sub, bool json)
{
	lc_db *db = NULL;
	int ex = store_open(g, false, &db);

	if (ex)
		return ex;
	if (!lc_db_model(db))
		ex = usage_error("the store %s has no model yet; install one (leadctl model install)",
				 g->db);
	else
		ex = run_sub(sub, lc_db_model(db), json);
	lc_db_close(db);
	return ex;
}

int cmd_model(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json }, { NULL, 0, NULL } };
	const char *pos[2] = { NULL, NULL };
	const char *sub;
	lc_model *m = NULL;
	int npos, rc;

	/* `model dot --counts` draws the store's model with counts: commands/report.c. */
	for (int i = 2; argc > 1 && strcmp(argv[1], "dot") == 0 && i < argc; i++)
		if (strcmp(argv[i], "--counts") == 0)
			return cmd_model_dot_counts(g, argc - 1, argv + 1);
	/* `model install` works on a store: commands/store.c. */
	if (argc > 1 && strcmp(argv[1], "install") == 0)
		return cmd_model_install(g, argc - 1, argv + 1);
	rc = opts_parse(argc, argv, 1, specs, pos, 2, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		fputs(model_usage, stdout);
		return EXIT_OK;
	}
	if (npos == 0)
		return usage_error("model: say which: list, show, check, export, dot or install (see --help)");
	sub = pos[0];
	if (strcmp(sub, "list") == 0) {
		if (npos > 1)
			return usage_error("model list takes no argument");
		return cmd_list(json);
	}
	if (strcmp(sub, "check") == 0) {
		if (npos < 2)
			return usage_error("model check needs a FILE (or a preset name)");
		return cmd_check(pos[1], json);
	}
	if (strcmp(sub, "show") != 0 && strcmp(sub, "export") != 0 && strcmp(sub, "dot") != 0)
		return usage_error("model: unknown subcommand '%s'; use list, show, check, export, dot or install",
				   sub);
	/* an explicit --db that names no store is an error, never the preset */
	if (npos < 2 && (g->db_given || is_file(g->db)))
		return store_model(g, sub, json);
	if ((rc = load(npos > 1 ? pos[1] : NULL, &m)) != 0)
		return rc;
	rc = run_sub(sub, m, json);
	lc_model_free(m);
	return rc;
}
