/* leadctl: the command-line face of leadcore. Each command group lives in
 * commands/; this file parses the global options and dispatches. */
#include <stdlib.h>
#include <string.h>

#include "leadctl.h"

/* Registered commands. Each file in commands/ defines its entry points; add
 * a row here when you add a group. */
static int cmd_version(const leadctl_global *g, int argc, char **argv);

static const leadctl_command commands[] = {
	{ "version", "print the library version", cmd_version },
	{ "model", "list, show, check, export, draw and install models", cmd_model },
	{ "validate", "check a disposition against a model, without a store", cmd_validate },
	{ "init", "create a store and install its first model", cmd_init },
	{ "lead", "add, show, edit, list, recycle, restore, note, accept, assign leads", cmd_lead },
	{ "dispose", "record a disposition on a lead", cmd_dispose },
	{ "history", "a lead's history of events", cmd_history },
	{ "agent", "add, list, deactivate and activate agents", cmd_agent },
	{ "unit", "add and list units; agents join and leave them", cmd_unit },
	{ "import", "import a CSV file of leads with a column mapping", cmd_import },
	{ "report", "pipeline, matrix, follow-ups, overdue and funnel reports", cmd_report },
	{ "dashboard", "write the dashboard: one HTML page of charts and tables", cmd_dashboard },
	{ "demo", "build a demo store and simulate two weeks of agents' work", cmd_demo },
	{ "workflow", "list, install and run workflow rule sets", cmd_workflow },
	{ "assign", "top agents up to their daily quota of leads", cmd_assign },
	{ "worklist", "an agent's call list for a day", cmd_worklist },
	{ "verify", "check the store end to end: integrity, models, every lead's history", cmd_verify },
	{ NULL, NULL, NULL },
};

static void print_usage(FILE *f)
{
	fputs("usage: leadctl [--db FILE] [--read-only] COMMAND [ARGS] [--json] [--help]\n\n"
	      "Keeps sales leads and their disposition history in a store (default ./leads.db).\n\n"
	      "commands:\n",
	      f);
	for (const leadctl_command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs("\nRun 'leadctl COMMAND --help' for a command's options. Exit codes: 0 ok,\n"
	      "1 rule violation, 2 usage, 3 input format, 4 store error.\n",
	      f);
}

static int cmd_version(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json }, { NULL, 0, NULL } };
	int npos, rc;
	(void)g;
	rc = opts_parse(argc, argv, 1, specs, NULL, 0, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		puts("usage: leadctl version [--json]\n\nPrints the version of libleadcore in use.");
		return 0;
	}
	if (json)
		print_json(json_pack("{s:s}", "version", lc_version_string()));
	else
		printf("leadctl %s\n", lc_version_string());
	return 0;
}

int main(int argc, char **argv)
{
	leadctl_global g = { "leads.db", "leads.db", false, false };
	int i = 1;

	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			g.db = argv[i + 1];
			g.db_given = true;
			i += 2;
		} else if (strcmp(argv[i], "--read-only") == 0) {
			g.read_only = true;
			i++;
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			g.db = argv[i] + 5;
			g.db_given = true;
			i++;
		} else if (strcmp(argv[i], "--db") == 0) {
			fputs("leadctl: --db needs a FILE: leadctl --db FILE COMMAND ...\n", stderr);
			return EXIT_USAGE;
		} else {
			fprintf(stderr, "leadctl: unknown global option '%s'\n", argv[i]);
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	static char shown[4200];
	g.uri = g.db;
	g.db = mask_password(g.db, shown, sizeof shown);
	for (const leadctl_command *c = commands; c->name; c++)
		if (strcmp(c->name, argv[i]) == 0)
			return c->run(&g, argc - i, argv + i);
	fprintf(stderr, "leadctl: unknown command '%s'\n", argv[i]);
	print_usage(stderr);
	return EXIT_USAGE;
}
