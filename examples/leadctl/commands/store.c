/* leadctl init, dispose, history, model install, and the helpers every
 * store command shares (store.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* ---- shared helpers ---- */

int store_open(const leadctl_global *g, bool create, lc_db **out)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	const char *actor = getenv("LEADCTL_ACTOR");
	int rc;

	if (!create)
		o.flags = g->read_only ? LC_DB_READONLY : 0;
	rc = lc_db_open(out, g->uri, &o);
	if (rc == LC_ENOTFOUND && !create) {
		fprintf(stderr, "leadctl: no store at %s; create one with 'leadctl --db %s init "
				"--model NAME'\n",
			g->db, g->db);
		return EXIT_STORE;
	}
	if (rc) {
		fail(rc, g->db);
		return EXIT_STORE; /* a file that is not a store is a store error, not input */
	}
	if (actor && lc_db_set_actor(*out, actor) != 0) {
		usage_error("LEADCTL_ACTOR: %s; set it to the name to record on events, in UTF-8",
			    lc_error_last());
		lc_db_close(*out);
		*out = NULL;
		return EXIT_USAGE;
	}
	/* $USER is only a default: one the store cannot take records no actor. */
	if (!actor && (actor = getenv("USER")) && lc_db_set_actor(*out, actor) != 0)
		lc_db_set_actor(*out, NULL);
	return 0;
}

int parse_int_flag(const char *flag, const char *text, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return usage_error("%s: '%s' is not a whole number from %lld to %lld", flag, text,
				   (long long)min, (long long)max);
	*out = v;
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* "id:12" names a record by number; "ext:12" (leads) and "name:12"
 * (agents, units) by what a person gave it. */
static const char *after_prefix(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(text, prefix, n) == 0 ? text + n : NULL;
}

/* Whether agent (or unit) ID exists, and its name into *name. */
static bool person_exists(lc_db *db, lc_id id, bool agent, char *name, size_t cap)
{
	lc_table *a = NULL;
	lc_table *u = NULL;
	bool found = false;

	if (agent ? lc_db_agents(db, 0, &a) : lc_db_units(db, 0, &u)) {
		lc_table_free(a); /* a damaged store still hands the other records */
		lc_table_free(u);
		return false;
	}
	size_t n = agent ? lc_table_row_count(a) : lc_table_row_count(u);
	for (size_t i = 0; i < n && !found; i++) {
		if ((agent ? lc_table_int(a, i, 0) : lc_table_int(u, i, 0)) == id) {
			found = true;
			snprintf(name, cap, "%s", agent ? lc_table_text(a, i, 1) : lc_table_text(u, i, 1));
		}
	}
	lc_table_free(a);
	lc_table_free(u);
	return found;
}

static int resolve(lc_db *db, const char *flag, const char *text, lc_id *out, bool agent)
{
	const char *what = agent ? "agent" : "unit", *rest;
	char name[256];
	lc_id named = 0;
	int64_t v = 0;
	int rc;

	if ((rest = after_prefix(text, "id:")))
		return parse_int_flag(flag, rest, 1, INT64_MAX, out);
	if ((rest = after_prefix(text, "name:")))
		text = rest;
	else if (all_digits(text)) {
		if ((rc = parse_int_flag(flag, text, 1, INT64_MAX, &v)))
			return rc;
		rc = agent ? lc_db_agent_find(db, text, &named) : lc_db_unit_find(db, text, &named);
		bool by_id = person_exists(db, v, agent, name, sizeof name);
		if (rc == 0 && named != v && by_id)
			return usage_error("%s: '%s' names two %ss: %s id %lld ('%s') and %s id %lld, "
					   "whose name is '%s'; write %s id:%s or %s name:%s",
					   flag, text, what, what, (long long)v, name, what,
					   (long long)named, text, flag, text, flag, text);
		*out = rc == 0 && !by_id ? named : v;
		return 0;
	}
	rc = agent ? lc_db_agent_find(db, text, out) : lc_db_unit_find(db, text, out);
	if (rc == LC_ENOTFOUND)
		return usage_error("%s: %s; 'leadctl %s list' lists them, 'leadctl %s add NAME' adds one",
				   flag, lc_error_last(), what, what);
	return rc ? fail(rc, flag) : 0;
}

int store_agent(lc_db *db, const char *flag, const char *text, lc_id *out)
{
	return resolve(db, flag, text, out, true);
}

int store_unit(lc_db *db, const char *flag, const char *text, lc_id *out)
{
	return resolve(db, flag, text, out, false);
}

int store_lead(lc_db *db, const char *text, lc_lead **out)
{
	lc_lead *ext = NULL;
	const char *rest;
	int64_t id = 0;
	int rc;

	*out = NULL;
	if ((rest = after_prefix(text, "id:")) || all_digits(text)) {
		if ((rc = parse_int_flag("ID", rest ? rest : text, 1, INT64_MAX, &id)))
			return rc;
		rc = lc_db_lead_get(db, id, out);
		/* Digits may also be another lead's external id. */
		if (!rest && (rc == 0 || rc == LC_ENOTFOUND) &&
		    lc_db_lead_find(db, text, &ext) == 0) {
			if (rc == 0 && lc_lead_number(ext, LC_LEAD_NUM_ID) != id) {
				fprintf(stderr,
					"leadctl: '%s' names two leads: lead id %s and lead %lld, whose "
					"external id is '%s'; write id:%s or ext:%s\n",
					text, text, (long long)lc_lead_number(ext, LC_LEAD_NUM_ID), text, text, text);
				lc_lead_free(ext);
				lc_lead_free(*out);
				*out = NULL;
				return EXIT_USAGE;
			}
			lc_lead_free(*out);
			*out = ext;
			rc = 0;
		}
	} else {
		rest = after_prefix(text, "ext:");
		rc = lc_db_lead_find(db, rest ? rest : text, out);
	}
	if (rc == LC_ENOTFOUND) {
		if (id && !rest)
			fprintf(stderr, "leadctl: there is no lead %s: no lead has the id %s or the "
					"external id '%s'", text, text, text);
		else
			fprintf(stderr, "leadctl: %s", lc_error_last());
		fputs("; 'leadctl lead list' lists the leads\n", stderr);
		return EXIT_STORE;
	}
	return rc ? fail(rc, "reading the lead") : 0;
}

static json_t *opt_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *opt_time(lc_time t)
{
	char buf[LC_TIME_FORMAT_SIZE];
	return t == LC_TIME_NONE ? json_null() : json_string(fmt_time(t, buf));
}

static json_t *opt_id(lc_id id)
{
	return id ? json_integer(id) : json_null();
}

/* Seed 001's "check-in 3", "2nd renewal": the entries into each repeatable
 * stage the lead has entered. */
static json_t *stage_counts(const lc_lead *l)
{
	const lc_model *m = lc_lead_model(l);
	json_t *o = json_object();

	for (size_t i = 0; m && i < lc_model_value_count(m, LC_AXIS_STAGE); i++) {
		const char *key = lc_model_value_key(m, LC_AXIS_STAGE, i);
		size_t n = lc_state_stage_entries(lc_lead_state(l), key);
		if ((lc_model_value_flags(m, LC_AXIS_STAGE, i) & LC_FLAG_REPEATABLE) && n)
			json_object_set_new(o, key, json_integer((json_int_t)n));
	}
	return o;
}

/* A lead's list as JSON: an array of names or objects, attributes an object. */
static json_t *list_json(const lc_lead *l, lc_lead_list which)
{
	json_t *a = which == LC_LEAD_ATTRIBUTES ? json_object() : json_array();

	for (size_t i = 0; i < lc_lead_list_count(l, which); i++) {
		lc_lead_entry e = LC_LEAD_ENTRY_INIT;
		lc_lead_list_get(l, which, i, &e);
		switch (which) {
		case LC_LEAD_PRODUCTS:
			json_array_append_new(a, json_pack("{s:s,s:o}", "name", e.text, "note",
							   opt_string(e.detail)));
			break;
		case LC_LEAD_ACTIVITIES:
			json_array_append_new(a, json_pack("{s:s,s:o,s:o}", "what", e.text, "when",
							   opt_time(e.time), "who", opt_string(e.detail)));
			break;
		case LC_LEAD_ATTRIBUTES:
			json_object_set_new(a, e.text, json_string(e.detail));
			break;
		case LC_LEAD_NOTES:
			json_array_append_new(a, json_pack("{s:o,s:o,s:s}", "time", opt_time(e.time),
							   "author", opt_string(e.detail), "text", e.text));
			break;
		default:
			json_array_append_new(a, json_string(e.text));
		}
	}
	return a;
}

json_t *lead_json(lc_db *db, const lc_lead *l)
{
	const lc_state *s = lc_lead_state(l);
	uint32_t flags = (uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS);
	lc_time now = lc_db_now(db);
	int64_t left = lc_lead_duration(l, LC_LEAD_TIME_TO_COMPLETION, now), over = lc_lead_duration(l, LC_LEAD_TIME_OVERDUE, now);
	int64_t est = lc_lead_duration(l, LC_LEAD_ESTIMATED_COMPLETION_TIME, LC_TIME_NONE);
	json_t *j = json_object();

	json_object_set_new(j, "id", json_integer(lc_lead_number(l, LC_LEAD_NUM_ID)));
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		json_object_set_new(j, lc_lead_text_name((lc_lead_text_field)f),
				    opt_string(lc_lead_text(l, (lc_lead_text_field)f)));
	json_object_set_new(j, "milestone", opt_string(lc_state_get(s, LC_AXIS_MILESTONE)));
	json_object_set_new(j, "status", opt_string(lc_state_get(s, LC_AXIS_STATUS)));
	json_object_set_new(j, "stage", opt_string(lc_state_get(s, LC_AXIS_STAGE)));
	json_object_set_new(j, "phase", opt_string(lc_state_get(s, LC_AXIS_PHASE)));
	json_object_set_new(j, "lifecycle", opt_string(lc_state_get(s, LC_AXIS_LIFECYCLE)));
	json_object_set_new(j, "follow_up", opt_time(lc_state_time(s, LC_STATE_TIME_FOLLOW_UP)));
	json_object_set_new(j, "version", json_integer(lc_lead_number(l, LC_LEAD_NUM_VERSION)));
	json_object_set_new(j, "do_not_call", json_boolean(flags & LC_LEAD_DO_NOT_CALL));
	json_object_set_new(j, "do_not_email", json_boolean(flags & LC_LEAD_DO_NOT_EMAIL));
	json_object_set_new(j, "automation_stopped", json_boolean(flags & LC_LEAD_AUTOMATION_STOPPED));
	json_object_set_new(j, "recycled", json_boolean(flags & LC_LEAD_RECYCLED));
	json_object_set_new(j, "probability",
			    (int32_t)lc_lead_number(l, LC_LEAD_NUM_PROBABILITY) < 0 ? json_null() : json_integer((int32_t)lc_lead_number(l, LC_LEAD_NUM_PROBABILITY)));
	json_object_set_new(j, "amount", lc_lead_currency(l) ? json_integer(lc_lead_number(l, LC_LEAD_NUM_AMOUNT)) : json_null());
	json_object_set_new(j, "currency", opt_string(lc_lead_currency(l)));
	json_object_set_new(j, "start", opt_time(lc_lead_date(l, LC_LEAD_START)));
	json_object_set_new(j, "expected_completion", opt_time(lc_lead_date(l, LC_LEAD_EXPECTED_COMPLETION)));
	json_object_set_new(j, "actual_completion", opt_time(lc_lead_date(l, LC_LEAD_ACTUAL_COMPLETION)));
	json_object_set_new(j, "estimated_completion_time",
			    est == LC_TIME_NONE ? json_null() : json_integer(est));
	json_object_set_new(j, "time_to_completion", left == LC_TIME_NONE ? json_null() : json_integer(left));
	json_object_set_new(j, "time_overdue", over == LC_TIME_NONE ? json_null() : json_integer(over));
	json_object_set_new(j, "unit", opt_id(lc_lead_number(l, LC_LEAD_NUM_UNIT)));
	json_object_set_new(j, "agent", opt_id(lc_lead_number(l, LC_LEAD_NUM_AGENT)));
	json_object_set_new(j, "created_at", opt_time(lc_lead_number(l, LC_LEAD_NUM_CREATED_AT)));
	json_object_set_new(j, "touched_at", opt_time(lc_lead_number(l, LC_LEAD_NUM_TOUCHED_AT)));
	json_object_set_new(j, "stage_counts", stage_counts(l));

	json_object_set_new(j, "products", list_json(l, LC_LEAD_PRODUCTS));
	json_object_set_new(j, "team", list_json(l, LC_LEAD_TEAM));
	json_object_set_new(j, "competitors", list_json(l, LC_LEAD_COMPETITORS));
	json_object_set_new(j, "activities", list_json(l, LC_LEAD_ACTIVITIES));
	json_object_set_new(j, "attributes", list_json(l, LC_LEAD_ATTRIBUTES));
	json_object_set_new(j, "notes", list_json(l, LC_LEAD_NOTES));
	return j;
}

void print_violations(const lc_violations *v, bool json, json_t *extra)
{
	const lc_table *t = lc_violations_table(v);

	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < lc_table_row_count(t); i++)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "code",
							     lc_table_text(t, i, 1), "field",
							     lc_table_text(t, i, 2), "message",
							     lc_table_text(t, i, 3)));
		if (!extra)
			extra = json_object();
		json_object_set_new(extra, "valid", json_false());
		json_object_set_new(extra, "violations", arr);
		print_json(extra);
		return;
	}
	json_decref(extra);
	for (size_t i = 0; i < lc_table_row_count(t); i++) {
		printf("%s %s: %s\n", lc_table_text(t, i, 1), lc_table_text(t, i, 2),
		       lc_table_text(t, i, 3));
		/* The library names its call; say the command. */
		if (strstr(lc_table_text(t, i, 3), "lc_db_migrate()"))
			printf("  leadctl: 'leadctl model install MODEL --migrate %s:OLD=' clears it\n",
			       lc_table_text(t, i, 2));
	}
}

/* ---- init ---- */

static const char init_usage[] =
	"usage: leadctl [--db FILE] init --model NAME|FILE [--json]\n\n"
	"Creates the store (default ./leads.db) and installs its first model: a preset\n"
	"name (leadmanager, insurance, particle, crm, conversica) or a JSON model file.\n"
	"A store that already has a model is left alone; use 'leadctl model install'.\n";

int cmd_init(const leadctl_global *g, int argc, char **argv)
{
	const char *model = NULL;
	bool json = false, help = false;
	const opt_spec specs[] = { { "--model", OPT_STRING, &model },
				   { "--json", OPT_FLAG, &json },
				   { NULL, 0, NULL } };
	lc_model *m = NULL;
	lc_db *db = NULL;
	int64_t version = 0;
	int npos, rc, ex;

	if ((ex = opts_parse(argc, argv, 1, specs, NULL, 0, &npos, &help)))
		return ex;
	if (help) {
		fputs(init_usage, stdout);
		return EXIT_OK;
	}
	if (!model)
		return usage_error("init needs --model NAME|FILE (see --help)");
	if ((rc = lc_model_load(&m, model)))
		return fail(rc, "--model");
	if ((ex = store_open(g, true, &db)))
		goto out;
	if (lc_db_model(db)) {
		fprintf(stderr, "leadctl: %s already has a model (%s, store version %lld); use "
				"'leadctl model install' to change it\n",
			g->db, lc_model_name(lc_db_model(db)), (long long)lc_db_model_version(db));
		ex = EXIT_USAGE;
		goto out;
	}
	if ((rc = lc_db_install_model(db, m, &version))) {
		ex = fail(rc, "installing the model");
		goto out;
	}
	if (json)
		print_json(json_pack("{s:s,s:s,s:I}", "db", g->db, "model", lc_model_name(m),
				     "model_version", (json_int_t)version));
	else
		printf("created %s with model %s (store version %lld)\n", g->db, lc_model_name(m),
		       (long long)version);
	ex = EXIT_OK;
out:
	lc_db_close(db);
	lc_model_free(m);
	return ex;
}

/* ---- dispose ---- */

static const char dispose_usage[] =
	"usage: leadctl [--db FILE] dispose ID [--action A] [--milestone M] [--status S]\n"
	"                [--stage G] [--outcome O] [--reason R] [--follow-up TIME]\n"
	"                [--note TEXT] [--actor NAME] [--expect-version N] [--json]\n\n"
	"Records a disposition on lead ID (a number or an external id), atomically:\n"
	"the store's model judges it, and a refused disposition writes nothing.\n"
	"Values are keys or labels. TIME is ISO 8601 or a date.\n"
	"--expect-version N refuses the write when someone changed the lead since\n"
	"you read version N.\n\n"
	"Prints the lead's new state, or one line per violation as 'validate' does.\n"
	"Exit codes: 0 recorded, 1 violations, 2 usage, 4 store error (a stale\n"
	"version included).\n";

typedef struct dflags {
	const char *action, *milestone, *status, *stage, *outcome, *reason;
	const char *follow_up, *note, *actor, *expect;
	bool json;
} dflags;

static int set_value(lc_disposition *d, lc_axis axis, const char *text, const char *flag)
{
	if (!text)
		return 0;
	if (lc_disposition_set(d, axis, text) != 0)
		return usage_error("%s: %s", flag, lc_error_last());
	return 0;
}

int cmd_dispose(const leadctl_global *g, int argc, char **argv)
{
	dflags o;
	bool help = false;
	const char *pos[1] = { NULL };
	lc_db *db = NULL;
	lc_lead *lead = NULL, *after = NULL;
	lc_disposition *d = NULL;
	lc_violations *v = NULL;
	lc_outcome outcome = LC_OUTCOME_NONE;
	lc_time fu = LC_TIME_NONE;
	int64_t expect = -1;
	lc_id ev = 0;
	int npos, rc, ex;

	memset(&o, 0, sizeof o);
	const opt_spec specs[] = {
		{ "--action", OPT_STRING, &o.action },
		{ "--milestone", OPT_STRING, &o.milestone },
		{ "--status", OPT_STRING, &o.status },
		{ "--stage", OPT_STRING, &o.stage },
		{ "--outcome", OPT_STRING, &o.outcome },
		{ "--reason", OPT_STRING, &o.reason },
		{ "--follow-up", OPT_STRING, &o.follow_up },
		{ "--note", OPT_STRING, &o.note },
		{ "--actor", OPT_STRING, &o.actor },
		{ "--expect-version", OPT_STRING, &o.expect },
		{ "--json", OPT_FLAG, &o.json },
		{ NULL, 0, NULL },
	};
	if ((ex = opts_parse(argc, argv, 1, specs, pos, 1, &npos, &help)))
		return ex;
	if (help) {
		fputs(dispose_usage, stdout);
		return EXIT_OK;
	}
	if (npos != 1)
		return usage_error("dispose needs the lead's ID (see --help)");
	if (o.follow_up && (ex = parse_time_flag("--follow-up", o.follow_up, &fu)))
		return ex;
	if (o.expect && (ex = parse_int_flag("--expect-version", o.expect, 0, INT64_MAX, &expect)))
		return ex;
	if (o.outcome && lc_outcome_parse(o.outcome, &outcome) != 0)
		return usage_error("--outcome: %s", lc_error_last());
	if ((ex = store_open(g, false, &db)))
		return ex;
	if (!lc_db_model(db)) {
		ex = usage_error("%s has no model; run 'leadctl init --model NAME'", g->db);
		goto out;
	}
	if ((ex = store_lead(db, pos[0], &lead)))
		goto out;
	if ((rc = lc_disposition_new(&d, lc_db_model(db))) || (rc = lc_violations_new(&v))) {
		ex = fail(rc, "dispose");
		goto out;
	}
	if ((ex = set_value(d, LC_AXIS_ACTION, o.action, "--action")) ||
	    (ex = set_value(d, LC_AXIS_MILESTONE, o.milestone, "--milestone")) ||
	    (ex = set_value(d, LC_AXIS_STATUS, o.status, "--status")) ||
	    (ex = set_value(d, LC_AXIS_STAGE, o.stage, "--stage")) ||
	    (ex = set_value(d, LC_AXIS_REASON, o.reason, "--reason")))
		goto out;
	if (lc_disposition_set_outcome(d, outcome) != 0) {
		ex = usage_error("--outcome: %s", lc_error_last());
		goto out;
	}
	lc_disposition_set_follow_up(d, fu);
	if ((o.note && (rc = lc_disposition_set_note(d, o.note))) ||
	    (o.actor && (rc = lc_disposition_set_actor(d, o.actor)))) {
		ex = usage_error("%s: %s", o.note ? "--note" : "--actor", lc_error_last());
		goto out;
	}
	rc = lc_db_apply(db, lc_lead_number(lead, LC_LEAD_NUM_ID), d, expect, v, &ev);
	if (rc == LC_EINVALID) {
		print_violations(v, o.json, o.json ? json_pack("{s:I}", "id", (json_int_t)lc_lead_number(lead, LC_LEAD_NUM_ID)) : NULL);
		ex = EXIT_VIOLATION;
		goto out;
	}
	if (rc == LC_ECONFLICT) {
		fprintf(stderr, "leadctl: %s\n", lc_error_last());
		ex = EXIT_STORE;
		goto out;
	}
	if (rc == LC_ESTATE) {
		/* A recycled lead: refused by the rules, like a violation. */
		fprintf(stderr, "leadctl: dispose: %s\n", lc_error_last());
		if (lc_lead_number(lead, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED)
			fprintf(stderr, "leadctl: 'leadctl lead restore %lld' takes it out of the bin\n",
				(long long)lc_lead_number(lead, LC_LEAD_NUM_ID));
		ex = EXIT_VIOLATION;
		goto out;
	}
	if (rc) {
		ex = fail(rc, "dispose");
		goto out;
	}
	if ((rc = lc_db_lead_get(db, lc_lead_number(lead, LC_LEAD_NUM_ID), &after))) {
		ex = fail(rc, "reading the lead back");
		goto out;
	}
	if (o.json) {
		json_t *j = lead_json(db, after);
		json_object_set_new(j, "event", json_integer(ev));
		json_object_set_new(j, "valid", json_true());
		print_json(j);
	} else {
		const lc_state *s = lc_lead_state(after);
		printf("lead %lld: milestone %s, status %s, stage %s (version %lld)\n",
		       (long long)lc_lead_number(after, LC_LEAD_NUM_ID), lc_state_get(s, LC_AXIS_MILESTONE) ? lc_state_get(s, LC_AXIS_MILESTONE) : "-",
		       lc_state_get(s, LC_AXIS_STATUS) ? lc_state_get(s, LC_AXIS_STATUS) : "-",
		       lc_state_get(s, LC_AXIS_STAGE) ? lc_state_get(s, LC_AXIS_STAGE) : "-",
		       (long long)lc_lead_number(after, LC_LEAD_NUM_VERSION));
	}
	note_past_follow_up(db, fu);
	ex = EXIT_OK;
out:
	lc_lead_free(after);
	lc_lead_free(lead);
	lc_violations_free(v);
	lc_disposition_free(d);
	lc_db_close(db);
	return ex;
}

/* ---- history ---- */

static const char history_usage[] =
	"usage: leadctl [--db FILE] history ID [--json]\n\n"
	"Prints lead ID's history, oldest first: time, kind, actor, the action, the\n"
	"state after it (with a repeatable stage's entry number), the outcome,\n"
	"reason and follow-up, and the note. --json prints one object per event\n"
	"with the state before and after.\n";

static json_t *state_json(const lc_state *s)
{
	char buf[LC_TIME_FORMAT_SIZE];
	json_t *j = json_object();
	lc_time follow;

	json_object_set_new(j, "milestone", opt_string(lc_state_get(s, LC_AXIS_MILESTONE)));
	json_object_set_new(j, "status", opt_string(lc_state_get(s, LC_AXIS_STATUS)));
	json_object_set_new(j, "stage", opt_string(lc_state_get(s, LC_AXIS_STAGE)));
	json_object_set_new(j, "phase", opt_string(lc_state_get(s, LC_AXIS_PHASE)));
	json_object_set_new(j, "lifecycle", opt_string(lc_state_get(s, LC_AXIS_LIFECYCLE)));
	follow = lc_state_time(s, LC_STATE_TIME_FOLLOW_UP);
	json_object_set_new(j, "follow_up",
			    follow == LC_TIME_NONE ? json_null() : json_string(fmt_time(follow, buf)));
	return j;
}

int cmd_history(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json }, { NULL, 0, NULL } };
	const char *pos[1] = { NULL };
	lc_db *db = NULL;
	lc_lead *lead = NULL;
	lc_event_iter *it = NULL;
	const lc_event *ev;
	json_t *arr = NULL;
	char buf[LC_TIME_FORMAT_SIZE];
	int npos, rc, ex, damaged = 0;

	if ((ex = opts_parse(argc, argv, 1, specs, pos, 1, &npos, &help)))
		return ex;
	if (help) {
		fputs(history_usage, stdout);
		return EXIT_OK;
	}
	if (npos != 1)
		return usage_error("history needs the lead's ID (see --help)");
	if ((ex = store_open(g, false, &db)))
		return ex;
	if ((ex = store_lead(db, pos[0], &lead)))
		goto out;
	if ((rc = lc_db_history(db, lc_lead_number(lead, LC_LEAD_NUM_ID), &it))) {
		ex = fail(rc, "reading the history");
		goto out;
	}
	if (json)
		arr = json_array();
	/* A damaged event is reported (exit 4) and the others are still listed;
	 * the bound stops a backend that would not move past it. */
	while ((rc = lc_event_iter_next(it, &ev)) == 1 || (rc == LC_ECORRUPT && damaged < 100000)) {
		static const lc_axis chosen[] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
						  LC_AXIS_STAGE, LC_AXIS_REASON };
		if (rc == LC_ECORRUPT) {
			fail(rc, "history");
			damaged++;
			continue;
		}
		if (json) {
			json_t *j = json_object();
			json_object_set_new(j, "id", json_integer(lc_event_number(ev, LC_EVENT_NUM_ID)));
			json_object_set_new(j, "seq", json_integer(lc_event_number(ev, LC_EVENT_NUM_SEQ)));
			json_object_set_new(j, "time", json_string(fmt_time(lc_event_number(ev, LC_EVENT_NUM_TIME), buf)));
			json_object_set_new(j, "kind", json_string(lc_event_kind_name((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND))));
			json_object_set_new(j, "actor", opt_string(lc_event_text(ev, LC_EVENT_TEXT_ACTOR)));
			for (size_t i = 0; i < sizeof chosen / sizeof chosen[0]; i++)
				json_object_set_new(j, lc_axis_name(chosen[i]), opt_string(lc_event_value(ev, chosen[i])));
			json_object_set_new(j, "outcome", (lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME) == LC_OUTCOME_NONE
								  ? json_null()
								  : json_string(lc_outcome_name((lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME))));
			json_object_set_new(j, "follow_up", lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP) == LC_TIME_NONE
								    ? json_null()
								    : json_string(fmt_time(lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP), buf)));
			json_object_set_new(j, "note", opt_string(lc_event_text(ev, LC_EVENT_TEXT_NOTE)));
			json_object_set_new(j, "rule", opt_string(lc_event_text(ev, LC_EVENT_TEXT_RULE)));
			json_object_set_new(j, "model_version", json_integer(lc_event_number(ev, LC_EVENT_NUM_MODEL_VERSION)));
			json_object_set_new(j, "before", state_json(lc_event_state(ev, 0)));
			json_object_set_new(j, "after", state_json(lc_event_state(ev, 1)));
			json_array_append_new(arr, j);
		} else {
			const lc_state *s = lc_event_state(ev, 1);
			printf("%s  #%lld %-11s %-12s", fmt_time(lc_event_number(ev, LC_EVENT_NUM_TIME), buf),
			       (long long)lc_event_number(ev, LC_EVENT_NUM_SEQ), lc_event_kind_name((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND)),
			       lc_event_text(ev, LC_EVENT_TEXT_ACTOR) ? lc_event_text(ev, LC_EVENT_TEXT_ACTOR) : "-");
			if (lc_event_value(ev, LC_AXIS_ACTION))
				printf(" %s", lc_event_value(ev, LC_AXIS_ACTION));
			printf(" -> %s/%s", lc_state_get(s, LC_AXIS_MILESTONE) ? lc_state_get(s, LC_AXIS_MILESTONE) : "-",
			       lc_state_get(s, LC_AXIS_STATUS) ? lc_state_get(s, LC_AXIS_STATUS) : "-");
			if (lc_state_get(s, LC_AXIS_STAGE)) {
				/* a repeatable stage's entry number: check-in 3 */
				size_t n = lc_state_stage_entries(s, lc_state_get(s, LC_AXIS_STAGE));
				printf("/%s", lc_state_get(s, LC_AXIS_STAGE));
				if (n)
					printf(" %zu", n);
			}
			if ((lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME) != LC_OUTCOME_NONE)
				printf(" outcome %s", lc_outcome_name((lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME)));
			if (lc_event_value(ev, LC_AXIS_REASON))
				printf(" reason %s", lc_event_value(ev, LC_AXIS_REASON));
			if (lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP) != LC_TIME_NONE)
				printf(" follow-up %s", fmt_time(lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP), buf));
			if (lc_event_text(ev, LC_EVENT_TEXT_NOTE))
				printf("  \"%.60s\"", lc_event_text(ev, LC_EVENT_TEXT_NOTE));
			putchar('\n');
		}
	}
	if (rc < 0) {
		json_decref(arr);
		ex = fail(rc, "reading the history");
		goto out;
	}
	if (json)
		print_json(json_pack("{s:I,s:o}", "id", (json_int_t)lc_lead_number(lead, LC_LEAD_NUM_ID), "events", arr));
	ex = damaged ? EXIT_STORE : EXIT_OK;
out:
	lc_event_iter_free(it);
	lc_lead_free(lead);
	lc_db_close(db);
	return ex;
}

/* ---- model install ---- */

static const char install_usage[] =
	"usage: leadctl [--db FILE] model install NAME|FILE [--dry-run] [--migrate MAP] [--json]\n\n"
	"Installs a model as the store's new current version; leads and history stay\n"
	"as they are. It lists, per value or combination, how many leads the new model\n"
	"finds invalid (run 'lead list --invalid' for them), and how many leads kept\n"
	"from a contact (do not call) it would unblock or keep from every contact\n"
	"because they hold a value it removes. --dry-run lists and installs nothing.\n"
	"--migrate MAP then moves leads from old values to new ones, with a\n"
	"'migrate' event each, in one transaction. MAP is\n"
	"'axis:old=new[,axis:old=new...]' (axis: milestone, status, stage, or the\n"
	"record's source, type, category or priority), or a JSON file\n"
	"{\"status\": {\"old\": \"new\"}, ...}; a new value the new model does not\n"
	"have is refused before anything is installed. An empty new value\n"
	"(milestone:old=) clears a milestone, status or stage: the way out for leads\n"
	"holding one on an axis the new model does not have (particle has no\n"
	"milestones or statuses), which no disposition can replace.\n"
	"Exit codes: 0 installed (or listed), 1 a migrated lead would be invalid (the\n"
	"model is installed, nothing moved), 2 usage, an unknown preset or value,\n"
	"3 a malformed model or map file, 4 a store error.\n";

/* A state value the new model lacks is refused here, before the install, so
 * that a typo does not leave the model installed and nothing moved. */
static int add_rule(lc_migration *map, const lc_model *m, const char *axis_name, const char *from,
		    const char *to)
{
	lc_axis axis;
	size_t i;

	if (lc_axis_parse(axis_name, &axis) != 0)
		return usage_error("--migrate: %s", lc_error_last());
	if ((axis == LC_AXIS_MILESTONE || axis == LC_AXIS_STATUS || axis == LC_AXIS_STAGE) && to[0] &&
	    lc_model_value_find(m, axis, to, &i) != 0)
		return usage_error("--migrate: %s (nothing installed)", lc_error_last());
	if (lc_migration_add(map, axis, from, to) != 0)
		return usage_error("--migrate: %s", lc_error_last());
	return 0;
}

static int parse_map(const char *text, const lc_model *m, lc_migration *map)
{
	json_t *root;
	json_error_t err;
	FILE *f = fopen(text, "r");
	int ex;

	if (f) {
		const char *axis, *from;
		json_t *pairs, *to;
		root = json_loadf(f, 0, &err);
		fclose(f);
		if (!root || !json_is_object(root)) {
			json_decref(root);
			fprintf(stderr, "leadctl: --migrate: %s:%d: %s\n", text, err.line,
				root ? "expected an object of axes" : err.text);
			return EXIT_FORMAT;
		}
		json_object_foreach(root, axis, pairs) {
			if (!json_is_object(pairs)) {
				json_decref(root);
				fprintf(stderr, "leadctl: --migrate: %s: '%s' must map old values to new ones\n",
					text, axis);
				return EXIT_FORMAT;
			}
			json_object_foreach(pairs, from, to) {
				if (!json_is_string(to)) {
					json_decref(root);
					fprintf(stderr, "leadctl: --migrate: %s: %s '%s' must map to a string\n",
						text, axis, from);
					return EXIT_FORMAT;
				}
				if ((ex = add_rule(map, m, axis, from, json_string_value(to)))) {
					json_decref(root);
					return ex;
				}
			}
		}
		json_decref(root);
		return 0;
	}
	{
		char *copy = strdup(text), *save = NULL;
		ex = 0;
		for (char *item = strtok_r(copy, ",", &save); item && !ex; item = strtok_r(NULL, ",", &save)) {
			char *colon = strchr(item, ':'), *eq = colon ? strchr(colon, '=') : NULL;
			if (!colon || !eq) {
				ex = usage_error("--migrate: '%s' is not axis:old=new (and no such file)", item);
				break;
			}
			*colon = *eq = '\0';
			ex = add_rule(map, m, item, colon + 1, eq + 1);
		}
		free(copy);
		return ex;
	}
}

/* The report's rows as JSON. */
static json_t *report_rows(const lc_table *r)
{
	json_t *rows = json_array();

	for (size_t i = 0; i < lc_table_row_count(r); i++)
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:I}", "code",
						      lc_table_text_named(r, i, "violation"),
						      "field", lc_table_text_named(r, i, "field"), "value",
						      lc_table_text_named(r, i, "value"), "leads",
						      (json_int_t)lc_table_int_named(r, i, "leads")));
	return rows;
}

/* One line a row; rows about contact say what they mean for the leads. */
static void print_rows(const lc_table *r)
{
	for (size_t i = 0; i < lc_table_row_count(r); i++) {
		const char *field = lc_table_text_named(r, i, "field");
		printf("  %6lld  %s %s = %s%s\n", (long long)lc_table_int_named(r, i, "leads"),
		       lc_table_text_named(r, i, "violation"), field,
		       lc_table_text_named(r, i, "value"),
		       !strcmp(field, "unblocks") ? "  (kept from it now; the new model would allow it)"
		       : !strcmp(field, "kept_from_contact")
			       ? "  (no contact at all until given a current value)"
			       : "");
	}
}

static void print_report(const lc_table *r, bool json, const char *model)
{
	if (json) {
		print_json(json_pack("{s:s,s:b,s:I,s:I,s:o}", "model", model, "dry_run", 1, "checked",
				     (json_int_t)lc_table_int_named(lc_table_summary(r), 0, "checked"), "invalid",
				     (json_int_t)lc_table_int_named(lc_table_summary(r), 0, "invalid"), "rows", report_rows(r)));
		return;
	}
	printf("%lld of %lld leads would be invalid under %s\n",
	       (long long)lc_table_int_named(lc_table_summary(r), 0, "invalid"), (long long)lc_table_int_named(lc_table_summary(r), 0, "checked"), model);
	print_rows(r);
	if (lc_table_int_named(lc_table_summary(r), 0, "invalid") > 0)
		printf("to move them as it installs: --migrate axis:old=new[,...] (axis:old= clears a "
		       "value the new model has no place for)\n");
}

int cmd_model_install(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false, dry = false;
	const char *migrate = NULL;
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json },
				   { "--dry-run", OPT_FLAG, &dry },
				   { "--migrate", OPT_STRING, &migrate },
				   { NULL, 0, NULL } };
	const char *pos[1] = { NULL };
	lc_model *m = NULL;
	lc_db *db = NULL;
	lc_migration *map = NULL;
	progress bar;
	lc_table *r = NULL;
	int64_t version = 0;
	size_t moved = 0, invalid = 0;
	int npos, rc, ex;

	if ((ex = opts_parse(argc, argv, 1, specs, pos, 1, &npos, &help)))
		return ex;
	if (help) {
		fputs(install_usage, stdout);
		return EXIT_OK;
	}
	if (npos != 1)
		return usage_error("model install needs a preset NAME or a FILE (see --help)");
	if ((rc = lc_model_load(&m, pos[0]))) {
		if (rc != LC_EFORMAT) /* a format error's message starts with FILE:LINE */
			return fail(rc, pos[0]);
		fprintf(stderr, "leadctl: %s\nleadctl: 'leadctl model check %s' lists every problem\n",
			lc_error_last(), pos[0]);
		return EXIT_FORMAT;
	}
	if (migrate) {
		if ((rc = lc_migration_new(&map))) {
			ex = fail(rc, "--migrate");
			goto out;
		}
		if ((ex = parse_map(migrate, m, map)))
			goto out;
	}
	if ((ex = store_open(g, false, &db)))
		goto out;
	/* What the new model does to the leads, before installing it. */
	progress_watch(db, &bar, !json);
	rc = lc_db_model_dry_run(db, m, &r);
	progress_done(&bar);
	if (rc) {
		ex = fail(rc, "dry run");
		goto out;
	}
	if (dry) {
		print_report(r, json, lc_model_name(m));
		ex = EXIT_OK;
		goto out;
	}
	if ((rc = lc_db_install_model(db, m, &version))) {
		ex = fail(rc, "installing the model");
		goto out;
	}
	rc = map ? lc_db_migrate(db, map, &moved) : 0;
	progress_done(&bar);
	if (rc) {
		ex = fail(rc, "migrating (the model is installed; nothing moved)");
		goto out;
	}
	if ((rc = lc_db_count_invalid(db, &invalid))) {
		ex = fail(rc, "counting invalid leads");
		goto out;
	}
	if (json) {
		print_json(json_pack("{s:s,s:I,s:I,s:I,s:o}", "model", lc_model_name(m),
				     "model_version", (json_int_t)version, "migrated", (json_int_t)moved,
				     "invalid", (json_int_t)invalid, "rows",
				     map ? json_array() : report_rows(r)));
	} else {
		printf("installed %s as store version %lld; %zu leads migrated, %zu invalid\n",
		       lc_model_name(m), (long long)version, moved, invalid);
		/* A map that moves nothing is most often a misspelt old value. */
		if (map && moved == 0)
			fprintf(stderr, "leadctl: --migrate moved no lead: no lead holds any of its old "
					"values (check their keys with 'leadctl lead list --invalid')\n");
		if (!map)
			print_rows(r);
	}
	ex = EXIT_OK;
out:
	lc_table_free(r);
	lc_migration_free(map);
	lc_db_close(db);
	lc_model_free(m);
	return ex;
}
