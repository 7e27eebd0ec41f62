/* leadctl workflow, assign, worklist: rule sets, sweeps, daily assignment and
 * an agent's call list (seed 002; docs/workflows.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "leadctl.h"
#include "store.h"

static const char workflow_usage[] =
	"usage: leadctl workflow list [--json]\n"
	"       leadctl workflow install FILE|--preset NAME [--json]\n"
	"       leadctl workflow run [--now TIME] [--json]\n\n"
	"  list     the rule sets installed in the store (each install is a new\n"
	"           version) and the rules of the one in force\n"
	"  install  check a rule set (docs/workflows.md) against the store's model and\n"
	"           install it as the next version; --preset seed002 installs the\n"
	"           rule set that ships with leadcore\n"
	"  run      sweep: run the time rules at TIME (default now) over every lead,\n"
	"           in id order; prints each effect, and each lead whose changes were\n"
	"           rolled back. Events are stamped with TIME.\n\n"
	"TIME is ISO 8601 (2026-03-09T08:00:00Z) or a date (midnight UTC).\n"
	"Exit codes: 0 ok, 1 a lead's effects were refused (run), 2 usage or an\n"
	"unknown value, 3 a malformed rule set, 4 store errors.\n";

static const char assign_usage[] =
	"usage: leadctl assign [--quota N] [--now TIME] [--agents NAME,NAME,...] [--json]\n\n"
	"Tops each active agent (or each agent listed) up to N leads for the day of\n"
	"TIME (default now; N defaults to 50), counting the follow-ups already due\n"
	"and the leads assigned but not yet worked. Leads go by the segment ranks of\n"
	"the rule set (seed002: highly engaged, engaged, other segments, cold), then\n"
	"oldest first. Only leads that will be on the worklist are dealt: callable,\n"
	"and new or with a follow-up due that day, so each list has had + given rows.\n"
	"Prints what was assigned to whom.\n"
	"Exit codes: 0 ok, 2 usage or an unknown agent, 4 an inactive agent or a\n"
	"store error.\n";

static const char worklist_usage[] =
	"usage: leadctl worklist --agent NAME [--now TIME] [--json]\n\n"
	"The agent's call list for the day of TIME (default now): overdue follow-ups,\n"
	"follow-ups due that day, then new leads assigned to it by the segment ranks\n"
	"of the rule set (seed002: highly engaged first), oldest first. Leads that\n"
	"must not be called never appear. --json prints\n"
	"{\"agent\": NAME, \"rows\": [{\"lead\": ID, \"reason\": \"overdue\"|\"due\"|\"new\", ...}]}.\n"
	"Exit codes: 0 ok, 2 usage or an unknown agent, 4 store errors.\n";

static lc_time fixed_clock(void *ud)
{
	return *(const lc_time *)ud;
}

/* Open the store; with a TIME, the store's clock stands still at it so that
 * rules, assignment and the events they write all see the same "now". */
static int open_db(const leadctl_global *g, const lc_time *now, lc_db **db)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	int rc;

	o.flags = g->read_only ? LC_DB_READONLY : 0; /* an existing store only */
	if (now) {
		o.clock = fixed_clock;
		o.clock_ud = (void *)now;
	}
	rc = lc_db_open(db, g->uri, &o);
	if (rc == LC_ENOTFOUND) {
		fprintf(stderr, "leadctl: %s: %s\n", g->db, lc_error_last());
		return EXIT_STORE;
	}
	return rc ? (fail(rc, g->db), EXIT_STORE) : 0;
}

static int get_now(const char *text, lc_time *now, lc_time **pnow)
{
	*pnow = NULL;
	if (!text)
		return 0;
	if (parse_time_flag("--now", text, now))
		return EXIT_USAGE;
	*pnow = now;
	return 0;
}

static const char *agent_name(lc_table *l, lc_id id)
{
	for (size_t i = 0; i < lc_table_row_count(l); i++)
		if (lc_table_int(l, i, 0) == id)
			return lc_table_text(l, i, 1);
	return "?";
}

/* Whether agent id is active (an unreadable list counts as active: the
 * answer only adds a hint). */
static bool agent_active(lc_db *db, lc_id id)
{
	lc_table *all = NULL;
	bool active = true;
	if (lc_db_agents(db, 0, &all) == 0)
		for (size_t i = 0; i < lc_table_row_count(all); i++)
			if (lc_table_int_named(all, i, "id") == id)
				active = lc_table_int_named(all, i, "active") != 0;
	lc_table_free(all);
	return active;
}

/* ---- workflow ---- */

static int wf_list(lc_db *db, bool json)
{
	int64_t latest = 0;
	json_t *j = json ? json_object() : NULL, *vers = json ? json_array() : NULL;
	int rc = lc_db_ruleset_latest(db, &latest);

	if (rc)
		return fail(rc, "workflow list");
	if (!json && latest == 0)
		puts("no rule set installed (leadctl workflow install FILE|--preset seed002)");
	for (int64_t v = 1; v <= latest; v++) {
		lc_ruleset *rs = NULL;
		lc_table *rules = NULL;
		lc_time at = 0;
		char buf[LC_TIME_FORMAT_SIZE];
		if ((rc = lc_db_ruleset_get(db, v, &rs, &at))) {
			json_decref(j);
			json_decref(vers);
			return fail(rc, "workflow list");
		}
		if ((rc = lc_ruleset_rules(rs, &rules))) {
			lc_ruleset_free(rs);
			json_decref(j);
			json_decref(vers);
			return fail(rc, "workflow list");
		}
		if (json) {
			json_t *jrules = json_array();
			for (size_t i = 0; v == latest && i < lc_table_row_count(rules); i++)
				json_array_append_new(jrules, json_pack("{s:s,s:s}", "name",
									lc_table_text(rules, i, 0), "kind",
									lc_table_text(rules, i, 1)));
			json_t *o = json_pack("{s:I,s:s,s:I,s:s,s:b}", "store_version", (json_int_t)v,
					      "name", lc_ruleset_name(rs), "version",
					      (json_int_t)lc_ruleset_version(rs), "installed_at",
					      fmt_time(at, buf), "in_force", v == latest);
			if (o && v == latest)
				json_object_set_new(o, "rules", jrules);
			else
				json_decref(jrules);
			json_array_append_new(vers, o);
		} else {
			printf("%s%lld  %s version %lld, installed %s, %zu rules\n", v == latest ? "*" : " ",
			       (long long)v, lc_ruleset_name(rs), (long long)lc_ruleset_version(rs),
			       fmt_time(at, buf), lc_table_row_count(rules));
			for (size_t i = 0; v == latest && i < lc_table_row_count(rules); i++)
				printf("      %-5s %s\n", lc_table_text(rules, i, 1),
				       lc_table_text(rules, i, 0));
		}
		lc_table_free(rules);
		lc_ruleset_free(rs);
	}
	if (json) {
		json_object_set_new(j, "latest", json_integer(latest));
		json_object_set_new(j, "rulesets", vers);
		print_json(j);
	}
	return 0;
}

static int wf_install(lc_db *db, const char *file, const char *preset, bool json)
{
	lc_ruleset *rs = NULL;
	int64_t v = 0;
	int rc;

	if (!!file == !!preset)
		return usage_error("workflow install: give a FILE or --preset NAME\n\n%s", workflow_usage);
	rc = file ? lc_ruleset_load_file(&rs, file) : lc_ruleset_preset(&rs, preset);
	if (rc)
		return fail(rc, file ? file : preset);
	rc = lc_db_ruleset_install(db, rs, &v);
	if (rc) {
		lc_ruleset_free(rs);
		return fail(rc, "workflow install");
	}
	if (json)
		print_json(json_pack("{s:s,s:I,s:I}", "name", lc_ruleset_name(rs), "version",
				     (json_int_t)lc_ruleset_version(rs), "store_version", (json_int_t)v));
	else
		printf("installed rule set %s (version %lld) as store version %lld\n", lc_ruleset_name(rs),
		       (long long)lc_ruleset_version(rs), (long long)v);
	lc_ruleset_free(rs);
	return 0;
}

/* Agent j of an assignment's agents table: its id, load and leads given. */
static lc_id agent_at(const lc_table *ag, size_t j, int64_t *load, int64_t *given)
{
	if (load)
		*load = lc_table_int_named(ag, j, "load");
	if (given)
		*given = lc_table_int_named(ag, j, "given");
	return j < lc_table_row_count(ag) ? lc_table_int_named(ag, j, "agent") : 0;
}

static int wf_run(lc_db *db, lc_time now, bool json)
{
	lc_table *r = NULL;
	json_t *rows;
	progress bar;
	int rc, ex;

	progress_watch(db, &bar, !json);
	rc = lc_workflow_sweep(db, now, &r);
	progress_done(&bar);

	if (rc)
		return fail(rc, "workflow run");
	rows = json ? json_array() : NULL;
	for (size_t i = 0; i < lc_table_row_count(r); i++) {
		int code = (int)lc_table_int_named(r, i, "code");
		if (json) {
			json_t *o = json_pack("{s:I,s:s,s:s}", "lead", (json_int_t)lc_table_int_named(r, i, "lead"),
					      "rule", lc_table_text_named(r, i, "rule"), "effect",
					      lc_table_text_named(r, i, "effect"));
			if (o && code) {
				json_object_set_new(o, "error", json_string(lc_error_name(code)));
				json_object_set_new(o, "message", json_string(lc_table_text_named(r, i, "message")));
			}
			json_array_append_new(rows, o);
		} else if (code) {
			fprintf(stderr, "leadctl: lead %lld: rolled back (%s): %s\n",
				(long long)lc_table_int_named(r, i, "lead"), lc_error_name(code),
				lc_table_text_named(r, i, "message"));
		} else {
			printf("lead %lld: %s by %s\n", (long long)lc_table_int_named(r, i, "lead"),
			       lc_table_text_named(r, i, "effect"), lc_table_text_named(r, i, "rule"));
		}
	}
	if (json)
		print_json(json_pack("{s:I,s:I,s:o}", "checked", (json_int_t)lc_table_int_named(lc_table_summary(r), 0, "checked"),
				     "failures", (json_int_t)(size_t)lc_table_int_named(lc_table_summary(r), 0, "failures"), "rows", rows));
	else
		printf("%lld leads checked, %zu effects, %zu leads rolled back\n",
		       (long long)lc_table_int_named(lc_table_summary(r), 0, "checked"),
		       lc_table_row_count(r) - (size_t)lc_table_int_named(lc_table_summary(r), 0, "failures"), (size_t)lc_table_int_named(lc_table_summary(r), 0, "failures"));
	ex = (size_t)lc_table_int_named(lc_table_summary(r), 0, "failures") ? EXIT_VIOLATION : EXIT_OK;
	lc_table_free(r);
	return ex;
}

int cmd_workflow(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const char *now_text = NULL, *preset = NULL, *pos[2];
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json },
				   { "--now", OPT_STRING, &now_text },
				   { "--preset", OPT_STRING, &preset },
				   { NULL, 0, NULL } };
	lc_time now = LC_TIME_NONE, *pnow;
	lc_db *db = NULL;
	int npos, rc;

	rc = opts_parse(argc, argv, 1, specs, pos, 2, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		fputs(workflow_usage, stdout);
		return 0;
	}
	if (npos < 1)
		return usage_error("workflow: give list, install or run\n\n%s", workflow_usage);
	if (get_now(now_text, &now, &pnow))
		return EXIT_USAGE;
	if (strcmp(pos[0], "list") && strcmp(pos[0], "install") && strcmp(pos[0], "run"))
		return usage_error("workflow: unknown subcommand '%s'; use list, install or run", pos[0]);
	if (npos > (strcmp(pos[0], "install") ? 1 : 2))
		return usage_error("workflow %s: unexpected argument '%s'", pos[0], pos[npos - 1]);
	if ((rc = open_db(g, pnow, &db)))
		return rc;
	if (!strcmp(pos[0], "list"))
		rc = wf_list(db, json);
	else if (!strcmp(pos[0], "install"))
		rc = wf_install(db, npos > 1 ? pos[1] : NULL, preset, json);
	else
		rc = wf_run(db, now, json);
	lc_db_close(db);
	return rc;
}

/* ---- assign ---- */

int cmd_assign(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const char *now_text = NULL, *quota_text = NULL, *agents_text = NULL;
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json },
				   { "--now", OPT_STRING, &now_text },
				   { "--quota", OPT_STRING, &quota_text },
				   { "--agents", OPT_STRING, &agents_text },
				   { NULL, 0, NULL } };
	lc_assign_options o = LC_ASSIGN_OPTIONS_INIT;
	lc_time now = LC_TIME_NONE, *pnow;
	lc_table *a = NULL, *ag = NULL;
	progress bar;
	lc_table *all = NULL;
	lc_id *ids = NULL;
	lc_db *db = NULL;
	char *list = NULL;
	int npos, rc, ex = EXIT_OK;

	rc = opts_parse(argc, argv, 1, specs, NULL, 0, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		fputs(assign_usage, stdout);
		return 0;
	}
	if (get_now(now_text, &now, &pnow))
		return EXIT_USAGE;
	if (quota_text) {
		char *end;
		errno = 0;
		long q = strtol(quota_text, &end, 10);
		if (end == quota_text || *end || errno || q < 0 || q > 100000)
			return usage_error("--quota: give a number of leads from 0 to 100000, not '%s'",
					   quota_text);
		o.quota = (uint32_t)q;
	}
	if ((rc = open_db(g, pnow, &db)))
		return rc;
	if (agents_text) {
		size_t n = 1;
		for (const char *p = agents_text; *p; p++)
			n += *p == ',';
		list = strdup(agents_text);
		ids = calloc(n, sizeof *ids);
		if (!list || !ids) {
			ex = fail(LC_ENOMEM, "assign");
			goto out;
		}
		n = 0;
		for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if ((ex = store_agent(db, "--agents", tok, &ids[n])))
				goto out;
			n++;
		}
		if (n == 0) {
			ex = usage_error("--agents: give agent names separated by commas");
			goto out;
		}
		o.agents = ids;
		o.nagents = n;
	}
	progress_watch(db, &bar, !json);
	rc = lc_assign(db, now, &o, &a, &ag);
	progress_done(&bar);
	if (rc || (rc = lc_db_agents(db, 0, &all))) {
		ex = fail(rc, "assign");
		goto out;
	}
	if (json) {
		json_t *rows = json_array(), *agents = json_array();
		for (size_t i = 0; i < lc_table_row_count(a); i++)
			json_array_append_new(rows, json_pack("{s:I,s:s}", "lead",
							      (json_int_t)lc_table_int_named(a, i, "lead"), "agent",
							      agent_name(all, lc_table_int_named(a, i, "agent"))));
		for (size_t j = 0; j < lc_table_row_count(ag); j++) {
			int64_t load = 0, given = 0;
			lc_id id = agent_at(ag, j, &load, &given);
			json_array_append_new(agents, json_pack("{s:s,s:I,s:I}", "agent", agent_name(all, id),
								"had", (json_int_t)load, "given",
								(json_int_t)given));
		}
		print_json(json_pack("{s:I,s:o,s:o}", "quota", (json_int_t)o.quota, "agents", agents,
				     "assigned", rows));
	} else {
		for (size_t i = 0; i < lc_table_row_count(a); i++)
			printf("lead %lld -> %s\n", (long long)lc_table_int_named(a, i, "lead"),
			       agent_name(all, lc_table_int_named(a, i, "agent")));
		for (size_t j = 0; j < lc_table_row_count(ag); j++) {
			int64_t load = 0, given = 0;
			lc_id id = agent_at(ag, j, &load, &given);
			printf("%s: had %lld, given %lld, quota %u\n", agent_name(all, id), (long long)load,
			       (long long)given, o.quota);
		}
		/* Nothing printed: say why, and what to do. */
		if (!lc_table_row_count(ag))
			printf("no active agent to assign to: 'leadctl agent add NAME' adds one, "
			       "'leadctl agent activate NAME' brings one back\n");
	}
out:
	lc_table_free(all);
	lc_table_free(a);
	lc_table_free(ag);
	free(ids);
	free(list);
	lc_db_close(db);
	return ex;
}

/* ---- worklist ---- */

int cmd_worklist(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const char *now_text = NULL, *agent_text = NULL;
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json },
				   { "--now", OPT_STRING, &now_text },
				   { "--agent", OPT_STRING, &agent_text },
				   { NULL, 0, NULL } };
	lc_time now = LC_TIME_NONE, *pnow;
	lc_table *w = NULL;
	lc_db *db = NULL;
	lc_id agent = 0;
	json_t *rows = NULL;
	int npos, rc, ex = EXIT_OK;

	rc = opts_parse(argc, argv, 1, specs, NULL, 0, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		fputs(worklist_usage, stdout);
		return 0;
	}
	if (!agent_text)
		return usage_error("worklist: --agent NAME is required\n\n%s", worklist_usage);
	if (get_now(now_text, &now, &pnow))
		return EXIT_USAGE;
	if ((rc = open_db(g, pnow, &db)))
		return rc;
	if ((ex = store_agent(db, "--agent", agent_text, &agent)))
		goto out;
	if ((rc = lc_worklist_get(db, agent, now, &w))) {
		ex = fail(rc, "worklist");
		goto out;
	}
	rows = json ? json_array() : NULL;
	for (size_t i = 0; i < lc_table_row_count(w); i++) {
		lc_lead *l = NULL;
		char buf[LC_TIME_FORMAT_SIZE];
		const char *reason = lc_table_text_named(w, i, "reason");
		lc_time fu = lc_table_int_named(w, i, "follow_up");
		if ((rc = lc_db_lead_get(db, lc_table_int_named(w, i, "lead"), &l))) {
			ex = fail(rc, "worklist");
			goto out;
		}
		const char *name = lc_lead_text(l, LC_LEAD_NAME), *phone = lc_lead_text(l, LC_LEAD_PHONE);
		const char *seg = lc_lead_text(l, LC_LEAD_SEGMENT);
		if (json) {
			json_t *o = json_pack("{s:I,s:s}", "lead", (json_int_t)lc_lead_number(l, LC_LEAD_NUM_ID), "reason", reason);
			if (o && fu != LC_TIME_NONE)
				json_object_set_new(o, "follow_up", json_string(fmt_time(fu, buf)));
			if (o && name)
				json_object_set_new(o, "name", json_string(name));
			if (o && phone)
				json_object_set_new(o, "phone", json_string(phone));
			if (o && seg)
				json_object_set_new(o, "segment", json_string(seg));
			json_array_append_new(rows, o);
		} else {
			printf("%3zu. lead %lld  %-7s %-20s %s %s\n", i + 1, (long long)lc_lead_number(l, LC_LEAD_NUM_ID), reason,
			       fmt_time(fu, buf), name ? name : "", phone ? phone : "");
		}
		lc_lead_free(l);
	}
	if (json) {
		print_json(json_pack("{s:s,s:o}", "agent", agent_text, "rows", rows));
		rows = NULL;
	} else if (lc_table_row_count(w) == 0) {
		char day[LC_TIME_FORMAT_SIZE];
		fmt_time(lc_db_now(db), day);
		day[10] = '\0'; /* the date of --now, or of today */
		printf("nothing to call for %s on %s%s\n", agent_text, day,
		       agent_active(db, agent) ? ""
					       : " (inactive: 'leadctl agent activate NAME' brings it back)");
	}
out:
	json_decref(rows);
	lc_table_free(w);
	lc_db_close(db);
	return ex;
}
