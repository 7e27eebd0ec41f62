/* leadctl lead, agent and unit: the lead record and the people who work it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* ---- lead ---- */

static const char lead_usage[] =
	"usage: leadctl [--db FILE] lead add FIELDS [--json]\n"
	"       leadctl lead show ID [--json]\n"
	"       leadctl lead edit ID FIELDS [--expect-version N] [--json]\n"
	"       leadctl lead list [FILTERS] [--after ID] [--limit N] [--json]\n"
	"       leadctl lead recycle|restore ID [--json]\n"
	"       leadctl lead note ID TEXT [--author NAME] [--json]\n"
	"       leadctl lead accept ID --agent A [--json]\n"
	"       leadctl lead assign ID [--unit U] [--agent A] [--json]\n\n"
	"ID is a lead's number or its external id; A and U are names or numbers.\n\n"
	"FIELDS: --external-id X --name X --email X --phone X --company X --type X\n"
	"  --category X --priority X --importance X --source X --lost-reason X\n"
	"  --owner-group X --segment X --account X (a won lead's account)\n"
	"  --probability 0-100 --amount MINOR_UNITS\n"
	"  --currency XXX --start TIME --expected-completion TIME --unit U --agent A\n"
	"  --do-not-call --do-not-email --automation-stopped (and --allow-call,\n"
	"  --allow-email, --automation-on to clear them), lists given as\n"
	"  comma-separated items that replace the list: --products NAME[:NOTE],...\n"
	"  --team NAME,... --competitors NAME,... --attributes KEY=VALUE,...\n"
	"  --activity WHAT[@TIME[@WHO]] (adds one). 'lead add' also takes the\n"
	"  initial --milestone, --status, --stage and --follow-up TIME; the model\n"
	"  judges the state the lead starts in (axes left out take its initial values).\n"
	"  Where the model lists sources, types, categories or priorities ('leadctl\n"
	"  model show'), those fields take one of them; a type may fix the attributes\n"
	"  and give defaults; the model may require fields. Refusals exit 1; an add\n"
	"  or edit without a FIELD exits 2.\n\n"
	"FILTERS: --milestone --status --stage --phase --lifecycle --source\n"
	"  --owner-group --segment --agent A --unit U --unassigned --follow-up-from TIME\n"
	"  --follow-up-to TIME --attribute KEY=VALUE --recycled include|only --invalid\n"
	"  --flag NAME[,NAME] (ready_for_contact, reengage_eligible, automation_stopped,\n"
	"  ...: leads whose milestone, status or stage carries it). Values are keys,\n"
	"  labels or aliases; one the model does not know is refused.\n\n"
	"'lead show' starts with the current and next status: the values by label\n"
	"(a repeatable stage with its entry number), the next stage or milestone the\n"
	"model gives, the follow-up with its action and how far off it is, the unit\n"
	"and agent by name; times are UTC with their distance from now.\n\n"
	"--json prints the lead (add, show, edit, ...: with its id, state, version and\n"
	"flags, recycled included; show adds next_stage, next_milestone,\n"
	"follow_up_action, unit_name and agent_name) or {\"leads\": [...]} for list.\n";

typedef struct lflags {
	const char *text[LC_LEAD_TEXT_COUNT];
	const char *probability, *amount, *currency, *start, *expected, *unit, *agent;
	const char *products, *team, *competitors, *attributes, *activity;
	const char *milestone, *status, *stage, *phase, *lifecycle;
	const char *expect, *author, *after, *limit, *follow_from, *follow_to, *recycled;
	const char *attribute, *follow_up, *flag;
	bool dnc, dne, auto_stop, allow_call, allow_email, auto_on, unassigned, invalid, json;
} lflags;

/* Split a comma-separated list; calls fn on each non-empty item. */
typedef int (*item_fn)(lc_lead *l, char *item, const char *flag);

static int each_item(lc_lead *l, const char *text, const char *flag, item_fn fn)
{
	char *copy = strdup(text), *save = NULL;
	int ex = 0;

	if (!copy)
		return fail(LC_ENOMEM, flag);
	for (char *it = strtok_r(copy, ",", &save); it && !ex; it = strtok_r(NULL, ",", &save))
		ex = fn(l, it, flag);
	free(copy);
	return ex;
}

static int check(int rc, const char *flag)
{
	return rc ? usage_error("%s: %s", flag, lc_error_last()) : 0;
}

static int add_product(lc_lead *l, char *item, const char *flag)
{
	char *colon = strchr(item, ':');
	if (colon)
		*colon = '\0';
	return check(lc_lead_product_add(l, item, colon ? colon + 1 : NULL), flag);
}

static int add_team(lc_lead *l, char *item, const char *flag)
{
	return check(lc_lead_name_add(l, LC_LEAD_TEAM, item), flag);
}

static int add_competitor(lc_lead *l, char *item, const char *flag)
{
	return check(lc_lead_name_add(l, LC_LEAD_COMPETITORS, item), flag);
}

static int add_attribute(lc_lead *l, char *item, const char *flag)
{
	char *eq = strchr(item, '=');
	if (!eq)
		return usage_error("%s: '%s' is not KEY=VALUE", flag, item);
	*eq = '\0';
	return check(lc_lead_attr_set(l, item, eq + 1), flag);
}

/* Apply FIELDS to a record. */
static int apply_fields(lc_db *db, lc_lead *l, const lflags *o)
{
	int64_t v;
	lc_time t;
	lc_id id;
	int ex;

	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if (o->text[f] && (ex = check(lc_lead_set_text(l, (lc_lead_text_field)f, o->text[f]),
					      lc_lead_text_name((lc_lead_text_field)f))))
			return ex;
	if (o->probability) {
		if ((ex = parse_int_flag("--probability", o->probability, 0, 100, &v)))
			return ex;
		lc_lead_set_probability(l, (int32_t)v);
	}
	if (o->amount || o->currency) {
		v = lc_lead_number(l, LC_LEAD_NUM_AMOUNT);
		if (o->amount && (ex = parse_int_flag("--amount", o->amount, 0, INT64_MAX, &v)))
			return ex;
		if (!o->currency && !lc_lead_currency(l))
			return usage_error("--amount needs --currency (an ISO 4217 code such as EUR)");
		if ((ex = check(lc_lead_set_amount(l, v, o->currency ? o->currency : lc_lead_currency(l)),
				"--currency")))
			return ex;
	}
	if (o->start) {
		if ((ex = parse_time_flag("--start", o->start, &t)))
			return ex;
		lc_lead_set_date(l, LC_LEAD_START, t);
	}
	if (o->expected) {
		if ((ex = parse_time_flag("--expected-completion", o->expected, &t)))
			return ex;
		lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION, t);
	}
	if (o->unit) {
		if ((ex = store_unit(db, "--unit", o->unit, &id)))
			return ex;
		lc_lead_set_unit(l, id);
	}
	if (o->agent) {
		if ((ex = store_agent(db, "--agent", o->agent, &id)))
			return ex;
		lc_lead_set_agent(l, id);
	}
	if (o->dnc || o->allow_call)
		lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, o->dnc);
	if (o->dne || o->allow_email)
		lc_lead_set_flag(l, LC_LEAD_DO_NOT_EMAIL, o->dne);
	if (o->auto_stop || o->auto_on)
		lc_lead_set_flag(l, LC_LEAD_AUTOMATION_STOPPED, o->auto_stop);
	if (o->products && (lc_lead_list_clear(l, LC_LEAD_PRODUCTS),
			    (ex = each_item(l, o->products, "--products", add_product))))
		return ex;
	if (o->team && (lc_lead_list_clear(l, LC_LEAD_TEAM), (ex = each_item(l, o->team, "--team", add_team))))
		return ex;
	if (o->competitors && (lc_lead_list_clear(l, LC_LEAD_COMPETITORS),
			       (ex = each_item(l, o->competitors, "--competitors", add_competitor))))
		return ex;
	if (o->attributes && (lc_lead_list_clear(l, LC_LEAD_ATTRIBUTES),
			      (ex = each_item(l, o->attributes, "--attributes", add_attribute))))
		return ex;
	if (o->activity) {
		char *copy = strdup(o->activity), *at1, *at2 = NULL;
		t = LC_TIME_NONE;
		if (!copy)
			return fail(LC_ENOMEM, "--activity");
		if ((at1 = strchr(copy, '@'))) {
			*at1++ = '\0';
			if ((at2 = strchr(at1, '@')))
				*at2++ = '\0';
			if (*at1 && (ex = parse_time_flag("--activity", at1, &t))) {
				free(copy);
				return ex;
			}
		}
		ex = check(lc_lead_activity_add(l, copy, t, at2), "--activity");
		free(copy);
		if (ex)
			return ex;
	}
	return 0;
}

static void print_lead(lc_db *db, const lc_lead *l, bool json, const char *verb)
{
	if (json) {
		print_json(lead_json(db, l));
		return;
	}
	if (verb) {
		printf("%s lead %lld (version %lld)\n", verb, (long long)lc_lead_number(l, LC_LEAD_NUM_ID),
		       (long long)lc_lead_number(l, LC_LEAD_NUM_VERSION));
		return;
	}
	{
		json_t *j = lead_json(db, l);
		const char *key;
		json_t *v;
		json_object_foreach(j, key, v) {
			char *text;
			if (json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0) ||
			    (json_is_object(v) && json_object_size(v) == 0))
				continue;
			if (json_is_string(v)) {
				printf("%-20s %s\n", key, json_string_value(v));
				continue;
			}
			text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
			printf("%-20s %s\n", key, text ? text : "?");
			free(text);
		}
		json_decref(j);
	}
}

/* Whether any FIELD flag was given: an add without one makes a lead nobody
 * can find or call, an edit without one an empty 'update' event. */
static bool has_fields(const lflags *o)
{
	const char *const given[] = { o->probability, o->amount,   o->currency,    o->start,
				      o->expected,    o->unit,     o->agent,       o->products,
				      o->team,        o->competitors, o->attributes, o->activity };
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++)
		if (o->text[f])
			return true;
	for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
		if (given[i])
			return true;
	return o->dnc || o->dne || o->auto_stop || o->allow_call || o->allow_email || o->auto_on;
}

static int lead_add(lc_db *db, const lflags *o)
{
	lc_lead *l = NULL;
	lc_state *s = NULL;
	int rc, ex;

	if (!has_fields(o)) /* a lead nobody can find or call again */
		return usage_error("lead add needs a FIELD, such as --name X --phone X (see "
				   "'leadctl lead --help')");

	if ((rc = lc_lead_new(&l)) || (rc = lc_lead_bind(l, lc_db_model(db))) ||
	    (rc = lc_state_new(&s, lc_db_model(db)))) {
		ex = fail(rc, "lead add");
		goto out;
	}
	if ((ex = apply_fields(db, l, o)))
		goto out;
	if ((o->milestone && (ex = check(lc_state_set(s, LC_AXIS_MILESTONE, o->milestone), "--milestone"))) ||
	    (o->status && (ex = check(lc_state_set(s, LC_AXIS_STATUS, o->status), "--status"))) ||
	    (o->stage && (ex = check(lc_state_set(s, LC_AXIS_STAGE, o->stage), "--stage"))))
		goto out;
	if (o->follow_up) {
		lc_time t;
		if ((ex = parse_time_flag("--follow-up", o->follow_up, &t)) ||
		    (ex = check(lc_state_set_time(s, LC_STATE_TIME_FOLLOW_UP, t), "--follow-up")))
			goto out;
	}
	lc_lead_set_state(l, s);
	rc = lc_db_lead_create(db, l, NULL);
	if (rc == LC_EINVALID) {
		fprintf(stderr, "leadctl: lead add: %s\n", lc_error_last());
		ex = EXIT_VIOLATION;
		goto out;
	}
	if (rc) {
		ex = fail(rc, "lead add");
		goto out;
	}
	print_lead(db, l, o->json, "added");
	note_past_follow_up(db, lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP));
	ex = EXIT_OK;
out:
	lc_state_free(s);
	lc_lead_free(l);
	return ex;
}

static int lead_edit(lc_db *db, const char *idtext, const lflags *o)
{
	lc_lead *l = NULL;
	int64_t expect = -1;
	int rc, ex;

	if (o->milestone || o->status || o->stage || o->follow_up)
		return usage_error("lead edit cannot change the state; record a disposition with "
				   "'leadctl dispose'");
	if (!has_fields(o))
		return usage_error("lead edit needs a FIELD to change, such as --phone X (see "
				   "'leadctl lead --help')");
	if (o->expect && (ex = parse_int_flag("--expect-version", o->expect, 0, INT64_MAX, &expect)))
		return ex;
	if ((ex = store_lead(db, idtext, &l)))
		return ex;
	if ((ex = apply_fields(db, l, o)))
		goto out;
	rc = lc_db_lead_update(db, l, expect);
	if (rc == LC_ECONFLICT) {
		fprintf(stderr, "leadctl: %s\n", lc_error_last());
		ex = EXIT_STORE;
		goto out;
	}
	if (rc) {
		ex = fail(rc, "lead edit");
		goto out;
	}
	print_lead(db, l, o->json, "updated");
	ex = EXIT_OK;
out:
	lc_lead_free(l);
	return ex;
}

static int lead_list(lc_db *db, const lflags *o)
{
	lead_filter f = { { o->milestone, o->status, o->stage, o->phase, o->lifecycle },
			  { NULL },
			  o->agent,
			  o->unit,
			  o->follow_from,
			  o->follow_to,
			  o->recycled,
			  o->attribute,
			  o->unassigned,
			  o->invalid,
			  o->flag };
	lc_query *q = NULL;
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	json_t *arr = NULL;
	int64_t after = 0, limit = 0;
	int damaged = 0;
	size_t listed = 0;
	int headed = 0;
	int rc, ex;

	memcpy(f.text, o->text, sizeof f.text);
	if ((ex = filter_query(db, &f, &q)))
		goto out;
	if ((o->after && (ex = parse_int_flag("--after", o->after, 0, INT64_MAX, &after))) ||
	    (o->limit && (ex = parse_int_flag("--limit", o->limit, 0, INT32_MAX, &limit))))
		goto out;
	lc_query_set_page(q, after, (size_t)limit);
	if ((rc = lc_db_query(db, q, &it))) {
		ex = fail(rc, "lead list");
		goto out;
	}
	if (o->json)
		arr = json_array();
	/* A damaged lead is reported (exit 4) and the others are still listed;
	 * the bound stops a backend that would not move past it. */
	while ((rc = lc_lead_iter_next(it, &l)) == 1 || (rc == LC_ECORRUPT && damaged < 100000)) {
		listed++;
		if (rc == LC_ECORRUPT) {
			fail(rc, "lead list");
			damaged++;
			continue;
		}
		if (o->json) {
			json_array_append_new(arr, lead_json(db, l));
		} else {
			const lc_state *s = lc_lead_state(l);
			if (!headed++) /* the header, as the reports have one */
				printf("%6s  %-24.24s %-14.14s %-18.18s %s\n", "id", "name", "milestone",
				       "status or stage", "version");
			printf("%6lld  %-24.24s %-14.14s %-18.18s v%lld%s\n", (long long)lc_lead_number(l, LC_LEAD_NUM_ID),
			       lc_lead_text(l, LC_LEAD_NAME) ? lc_lead_text(l, LC_LEAD_NAME) : "-",
			       lc_state_get(s, LC_AXIS_MILESTONE) ? lc_state_get(s, LC_AXIS_MILESTONE) : "-",
			       lc_state_get(s, LC_AXIS_STATUS) ? lc_state_get(s, LC_AXIS_STATUS)
							      : (lc_state_get(s, LC_AXIS_STAGE) ? lc_state_get(s, LC_AXIS_STAGE) : "-"),
			       (long long)lc_lead_number(l, LC_LEAD_NUM_VERSION),
			       ((uint32_t)lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED) ? " (recycled)" : "");
		}
	}
	if (rc < 0) {
		json_decref(arr);
		ex = fail(rc, "lead list");
		goto out;
	}
	if (o->json)
		print_json(json_pack("{s:o}", "leads", arr));
	else if (!listed) /* say it, as the reports do, rather than print nothing */
		puts("(no leads)");
	ex = damaged ? EXIT_STORE : EXIT_OK;
out:
	lc_lead_iter_free(it);
	lc_query_free(q);
	return ex;
}

/* recycle, restore, note, accept, assign: one call, then the lead. */
static int lead_action(lc_db *db, const char *sub, const char *idtext, const char *text,
		       const lflags *o)
{
	lc_lead *l = NULL, *after = NULL;
	lc_id unit = 0, agent = 0;
	int rc, ex;

	if ((ex = store_lead(db, idtext, &l)))
		return ex;
	if (strcmp(sub, "recycle") == 0) {
		rc = lc_db_lead_recycle(db, lc_lead_number(l, LC_LEAD_NUM_ID));
	} else if (strcmp(sub, "restore") == 0) {
		rc = lc_db_lead_restore(db, lc_lead_number(l, LC_LEAD_NUM_ID));
	} else if (strcmp(sub, "note") == 0) {
		if (!text) {
			ex = usage_error("lead note needs the TEXT");
			goto out;
		}
		rc = lc_db_lead_note(db, lc_lead_number(l, LC_LEAD_NUM_ID), o->author, text);
	} else if (strcmp(sub, "accept") == 0) {
		if (!o->agent) {
			ex = usage_error("lead accept needs --agent A");
			goto out;
		}
		if ((ex = store_agent(db, "--agent", o->agent, &agent)))
			goto out;
		rc = lc_db_lead_accept(db, lc_lead_number(l, LC_LEAD_NUM_ID), agent);
	} else {
		if (!o->unit && !o->agent) {
			ex = usage_error("lead assign needs --unit U and/or --agent A");
			goto out;
		}
		if ((o->unit && (ex = store_unit(db, "--unit", o->unit, &unit))) ||
		    (o->agent && (ex = store_agent(db, "--agent", o->agent, &agent))))
			goto out;
		rc = lc_db_lead_assign(db, lc_lead_number(l, LC_LEAD_NUM_ID), unit, agent);
	}
	if (rc == LC_ESTATE || rc == LC_EINVALID) {
		/* Refused by the rules of ownership, the recycle bin or the model. */
		fprintf(stderr, "leadctl: lead %s: %s\n", sub, lc_error_last());
		if (strstr(lc_error_last(), "not a member of unit"))
			fputs("leadctl: 'leadctl unit join UNIT AGENT' makes the agent a member\n", stderr);
		else if (lc_lead_number(l, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED)
			fprintf(stderr, "leadctl: 'leadctl lead restore %lld' takes it out of the bin\n",
				(long long)lc_lead_number(l, LC_LEAD_NUM_ID));
		ex = EXIT_VIOLATION;
		goto out;
	}
	if (rc) {
		ex = fail(rc, sub);
		goto out;
	}
	if ((rc = lc_db_lead_get(db, lc_lead_number(l, LC_LEAD_NUM_ID), &after))) {
		ex = fail(rc, "reading the lead back");
		goto out;
	}
	print_lead(db, after, o->json,
		   !strcmp(sub, "recycle")   ? "recycled"
		   : !strcmp(sub, "restore") ? "restored"
		   : !strcmp(sub, "note")    ? "added a note to"
		   : !strcmp(sub, "accept")  ? "accepted"
					     : "assigned");
	ex = EXIT_OK;
out:
	lc_lead_free(after);
	lc_lead_free(l);
	return ex;
}

static bool is_lead_sub(const char *sub)
{
	static const char *const subs[] = { "add",     "list", "show",   "edit",  "recycle",
					     "restore", "note", "accept", "assign" };
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(sub, subs[i]) == 0)
			return true;
	return false;
}

int cmd_lead(const leadctl_global *g, int argc, char **argv)
{
	lflags o;
	bool help = false;
	const char *pos[3] = { NULL, NULL, NULL };
	lc_db *db = NULL;
	lc_lead *l = NULL;
	const char *sub;
	int npos, ex;

	memset(&o, 0, sizeof o);
	const opt_spec specs[] = {
		{ "--external-id", OPT_STRING, &o.text[LC_LEAD_EXTERNAL_ID] },
		{ "--name", OPT_STRING, &o.text[LC_LEAD_NAME] },
		{ "--email", OPT_STRING, &o.text[LC_LEAD_EMAIL] },
		{ "--phone", OPT_STRING, &o.text[LC_LEAD_PHONE] },
		{ "--company", OPT_STRING, &o.text[LC_LEAD_COMPANY] },
		{ "--type", OPT_STRING, &o.text[LC_LEAD_TYPE] },
		{ "--category", OPT_STRING, &o.text[LC_LEAD_CATEGORY] },
		{ "--priority", OPT_STRING, &o.text[LC_LEAD_PRIORITY] },
		{ "--importance", OPT_STRING, &o.text[LC_LEAD_IMPORTANCE] },
		{ "--source", OPT_STRING, &o.text[LC_LEAD_SOURCE] },
		{ "--lost-reason", OPT_STRING, &o.text[LC_LEAD_LOST_REASON] },
		{ "--owner-group", OPT_STRING, &o.text[LC_LEAD_OWNER_GROUP] },
		{ "--segment", OPT_STRING, &o.text[LC_LEAD_SEGMENT] },
		{ "--account", OPT_STRING, &o.text[LC_LEAD_ACCOUNT] },
		{ "--probability", OPT_STRING, &o.probability },
		{ "--amount", OPT_STRING, &o.amount },
		{ "--currency", OPT_STRING, &o.currency },
		{ "--start", OPT_STRING, &o.start },
		{ "--expected-completion", OPT_STRING, &o.expected },
		{ "--unit", OPT_STRING, &o.unit },
		{ "--agent", OPT_STRING, &o.agent },
		{ "--products", OPT_STRING, &o.products },
		{ "--team", OPT_STRING, &o.team },
		{ "--competitors", OPT_STRING, &o.competitors },
		{ "--attributes", OPT_STRING, &o.attributes },
		{ "--activity", OPT_STRING, &o.activity },
		{ "--milestone", OPT_STRING, &o.milestone },
		{ "--status", OPT_STRING, &o.status },
		{ "--stage", OPT_STRING, &o.stage },
		{ "--phase", OPT_STRING, &o.phase },
		{ "--lifecycle", OPT_STRING, &o.lifecycle },
		{ "--expect-version", OPT_STRING, &o.expect },
		{ "--author", OPT_STRING, &o.author },
		{ "--after", OPT_STRING, &o.after },
		{ "--limit", OPT_STRING, &o.limit },
		{ "--follow-up-from", OPT_STRING, &o.follow_from },
		{ "--follow-up-to", OPT_STRING, &o.follow_to },
		{ "--recycled", OPT_STRING, &o.recycled },
		{ "--attribute", OPT_STRING, &o.attribute },
		{ "--follow-up", OPT_STRING, &o.follow_up },
		{ "--flag", OPT_STRING, &o.flag },
		{ "--do-not-call", OPT_FLAG, &o.dnc },
		{ "--do-not-email", OPT_FLAG, &o.dne },
		{ "--automation-stopped", OPT_FLAG, &o.auto_stop },
		{ "--allow-call", OPT_FLAG, &o.allow_call },
		{ "--allow-email", OPT_FLAG, &o.allow_email },
		{ "--automation-on", OPT_FLAG, &o.auto_on },
		{ "--unassigned", OPT_FLAG, &o.unassigned },
		{ "--invalid", OPT_FLAG, &o.invalid },
		{ "--json", OPT_FLAG, &o.json },
		{ NULL, 0, NULL },
	};
	if ((ex = opts_parse(argc, argv, 1, specs, pos, 3, &npos, &help)))
		return ex;
	if (help) {
		fputs(lead_usage, stdout);
		return EXIT_OK;
	}
	if (npos == 0)
		return usage_error("lead: say which: add, show, edit, list, recycle, restore, note, "
				   "accept or assign (see --help)");
	sub = pos[0];
	if (!is_lead_sub(sub))
		return usage_error("lead: unknown subcommand '%s'; use add, show, edit, list, recycle, "
				   "restore, note, accept or assign (see --help)", sub);
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && npos < 2)
		return usage_error("lead %s needs the lead's ID (see --help)", sub);
	if ((ex = store_open(g, false, &db)))
		return ex;
	if (!lc_db_model(db)) {
		ex = usage_error("%s has no model; run 'leadctl init --model NAME'", g->db);
	} else if (strcmp(sub, "add") == 0) {
		ex = npos > 1 ? usage_error("lead add takes flags, not '%s'", pos[1]) : lead_add(db, &o);
	} else if (strcmp(sub, "list") == 0) {
		ex = lead_list(db, &o);
	} else if (strcmp(sub, "show") == 0) {
		if (!(ex = store_lead(db, pos[1], &l)))
			lead_show(db, l, o.json);
	} else if (strcmp(sub, "edit") == 0) {
		ex = lead_edit(db, pos[1], &o);
	} else if (strcmp(sub, "recycle") == 0 || strcmp(sub, "restore") == 0 ||
		   strcmp(sub, "note") == 0 || strcmp(sub, "accept") == 0 ||
		   strcmp(sub, "assign") == 0) {
		ex = lead_action(db, sub, pos[1], pos[2], &o);
	} else {
		ex = usage_error("lead: unknown subcommand '%s' (see --help)", sub);
	}
	lc_lead_free(l);
	lc_db_close(db);
	return ex;
}

/* ---- agent and unit ---- */

static const char agent_usage[] =
	"usage: leadctl [--db FILE] agent add NAME [--unit U] [--json]\n"
	"       leadctl agent list [--unit U] [--json]\n"
	"       leadctl agent deactivate|activate NAME [--json]\n\n"
	"Agents work leads; they belong to units, and only active members of a\n"
	"lead's unit can accept it.\n";

static const char unit_usage[] =
	"usage: leadctl [--db FILE] unit add NAME [--json]\n"
	"       leadctl unit list [--json]\n"
	"       leadctl unit join|leave UNIT AGENT [--json]\n\n"
	"Units group agents; a lead assigned to a unit without an agent can be\n"
	"accepted by the unit's active members.\n";

static int print_agents(lc_db *db, lc_id unit, bool json)
{
	lc_table *al;
	json_t *arr = json ? json_array() : NULL;
	int rc = lc_db_agents(db, unit, &al);
	int ex = EXIT_OK;

	/* A damaged agent is reported (exit 4); the others are still listed. */
	if (rc == LC_ECORRUPT && al) {
		ex = fail(rc, "agent list");
	} else if (rc) {
		json_decref(arr);
		return fail(rc, "agent list");
	}
	for (size_t i = 0; i < lc_table_row_count(al); i++) {
		lc_table *ul = NULL;
		json_t *units = json_array();
		lc_db_units(db, lc_table_int(al, i, 0), &ul);
		for (size_t k = 0; k < lc_table_row_count(ul); k++)
			json_array_append_new(units, json_string(lc_table_text(ul, k, 1)));
		lc_table_free(ul);
		if (json) {
			json_array_append_new(arr, json_pack("{s:I,s:s,s:b,s:o}", "id",
							     (json_int_t)lc_table_int(al, i, 0), "name",
							     lc_table_text(al, i, 1), "active",
							     lc_table_int(al, i, 2) != 0, "units", units));
		} else {
			char *text = json_dumps(units, JSON_COMPACT);
			printf("%6lld  %-24s %-8s %s\n", (long long)lc_table_int(al, i, 0),
			       lc_table_text(al, i, 1), lc_table_int(al, i, 2) ? "active" : "inactive",
			       text ? text : "");
			free(text);
			json_decref(units);
		}
	}
	lc_table_free(al);
	if (json)
		print_json(json_pack("{s:o}", "agents", arr));
	return ex;
}

int cmd_agent(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const char *unit = NULL;
	const opt_spec specs[] = { { "--unit", OPT_STRING, &unit }, { "--json", OPT_FLAG, &json },
				   { NULL, 0, NULL } };
	const char *pos[2] = { NULL, NULL };
	lc_db *db = NULL;
	lc_id id = 0, uid = 0;
	int npos, rc, ex;

	if ((ex = opts_parse(argc, argv, 1, specs, pos, 2, &npos, &help)))
		return ex;
	if (help) {
		fputs(agent_usage, stdout);
		return EXIT_OK;
	}
	if (npos == 0)
		return usage_error("agent: say which: add, list, deactivate or activate (see --help)");
	if (strcmp(pos[0], "add") && strcmp(pos[0], "list") && strcmp(pos[0], "deactivate") &&
	    strcmp(pos[0], "activate"))
		return usage_error("agent: unknown subcommand '%s'; use add, list, deactivate or "
				   "activate (see --help)", pos[0]);
	if (strcmp(pos[0], "list") != 0 && npos < 2)
		return usage_error("agent %s needs the agent's NAME (see --help)", pos[0]);
	if ((ex = store_open(g, false, &db)))
		return ex;
	if (unit && (ex = store_unit(db, "--unit", unit, &uid)))
		goto out;
	if (strcmp(pos[0], "list") == 0) {
		ex = print_agents(db, uid, json);
	} else if (strcmp(pos[0], "add") == 0) {
		if ((rc = lc_db_agent_add(db, pos[1], &id)) || (uid && (rc = lc_db_unit_join(db, uid, id)))) {
			ex = fail(rc, "agent add");
			goto out;
		}
		if (json)
			print_json(json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name", pos[1], "active", 1));
		else
			printf("added agent %s (%lld)\n", pos[1], (long long)id);
		ex = EXIT_OK;
	} else if (strcmp(pos[0], "deactivate") == 0 || strcmp(pos[0], "activate") == 0) {
		bool on = strcmp(pos[0], "activate") == 0;
		if ((ex = store_agent(db, "NAME", pos[1], &id)))
			goto out;
		if ((rc = lc_db_agent_set_active(db, id, on))) {
			ex = fail(rc, pos[0]);
			goto out;
		}
		if (json)
			print_json(json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name", pos[1], "active", on));
		else
			printf("%s agent %s\n", on ? "activated" : "deactivated", pos[1]);
		ex = EXIT_OK;
	} else {
		ex = usage_error("agent: unknown subcommand '%s' (see --help)", pos[0]);
	}
out:
	lc_db_close(db);
	return ex;
}

int cmd_unit(const leadctl_global *g, int argc, char **argv)
{
	bool json = false, help = false;
	const opt_spec specs[] = { { "--json", OPT_FLAG, &json }, { NULL, 0, NULL } };
	const char *pos[3] = { NULL, NULL, NULL };
	lc_db *db = NULL;
	lc_table *ul = NULL;
	lc_id id = 0, agent = 0;
	int npos, rc, ex;

	if ((ex = opts_parse(argc, argv, 1, specs, pos, 3, &npos, &help)))
		return ex;
	if (help) {
		fputs(unit_usage, stdout);
		return EXIT_OK;
	}
	if (npos == 0)
		return usage_error("unit: say which: add, list, join or leave (see --help)");
	if ((ex = store_open(g, false, &db)))
		return ex;
	if (strcmp(pos[0], "list") == 0) {
		json_t *arr = json ? json_array() : NULL;
		ex = EXIT_OK;
		if ((rc = lc_db_units(db, 0, &ul)) == LC_ECORRUPT && ul) {
			ex = fail(rc, "unit list"); /* the others are still listed */
		} else if (rc) {
			json_decref(arr);
			ex = fail(rc, "unit list");
			goto out;
		}
		for (size_t i = 0; i < lc_table_row_count(ul); i++) {
			lc_table *al = NULL;
			json_t *members = json_array();
			lc_db_agents(db, lc_table_int(ul, i, 0), &al);
			for (size_t k = 0; k < lc_table_row_count(al); k++)
				json_array_append_new(members, json_string(lc_table_text(al, k, 1)));
			lc_table_free(al);
			if (json) {
				json_array_append_new(arr, json_pack("{s:I,s:s,s:o}", "id",
								     (json_int_t)lc_table_int(ul, i, 0), "name",
								     lc_table_text(ul, i, 1), "members", members));
			} else {
				char *text = json_dumps(members, JSON_COMPACT);
				printf("%6lld  %-24s %s\n", (long long)lc_table_int(ul, i, 0),
				       lc_table_text(ul, i, 1), text ? text : "");
				free(text);
				json_decref(members);
			}
		}
		if (json)
			print_json(json_pack("{s:o}", "units", arr));
	} else if (strcmp(pos[0], "add") == 0) {
		if (npos < 2) {
			ex = usage_error("unit add needs the unit's NAME");
			goto out;
		}
		if ((rc = lc_db_unit_add(db, pos[1], &id))) {
			ex = fail(rc, "unit add");
			goto out;
		}
		if (json)
			print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "name", pos[1]));
		else
			printf("added unit %s (%lld)\n", pos[1], (long long)id);
		ex = EXIT_OK;
	} else if (strcmp(pos[0], "join") == 0 || strcmp(pos[0], "leave") == 0) {
		bool join = strcmp(pos[0], "join") == 0;
		if (npos < 3) {
			ex = usage_error("unit %s needs UNIT and AGENT", pos[0]);
			goto out;
		}
		if ((ex = store_unit(db, "UNIT", pos[1], &id)) || (ex = store_agent(db, "AGENT", pos[2], &agent)))
			goto out;
		rc = join ? lc_db_unit_join(db, id, agent) : lc_db_unit_leave(db, id, agent);
		if (rc) {
			ex = fail(rc, pos[0]);
			goto out;
		}
		if (json)
			print_json(json_pack("{s:s,s:s,s:b}", "unit", pos[1], "agent", pos[2], "member", join));
		else
			printf("%s %s %s\n", pos[2], join ? "joined" : "left", pos[1]);
		ex = EXIT_OK;
	} else {
		ex = usage_error("unit: unknown subcommand '%s' (see --help)", pos[0]);
	}
out:
	lc_table_free(ul);
	lc_db_close(db);
	return ex;
}
