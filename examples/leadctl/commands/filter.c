/* leadctl: the lead list's filters, shared by 'lead list' and every report:
 * one set of flags, one lc_query (the library's one filter type). */
#include <stdlib.h>
#include <string.h>

#include "filter.h"

static const lc_axis value_axes[FILTER_VALUES] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS,
						   LC_AXIS_STAGE, LC_AXIS_PHASE,
						   LC_AXIS_LIFECYCLE };

size_t filter_specs(lead_filter *f, opt_spec *specs)
{
	static const char *const value_flags[FILTER_VALUES] = { "--milestone", "--status", "--stage",
								"--phase", "--lifecycle" };
	size_t n = 0;
	for (size_t i = 0; i < FILTER_VALUES; i++)
		specs[n++] = (opt_spec){ value_flags[i], OPT_STRING, &f->value[i] };
	specs[n++] = (opt_spec){ "--source", OPT_STRING, &f->text[LC_LEAD_SOURCE] };
	specs[n++] = (opt_spec){ "--owner-group", OPT_STRING, &f->text[LC_LEAD_OWNER_GROUP] };
	specs[n++] = (opt_spec){ "--segment", OPT_STRING, &f->text[LC_LEAD_SEGMENT] };
	specs[n++] = (opt_spec){ "--agent", OPT_STRING, &f->agent };
	specs[n++] = (opt_spec){ "--unit", OPT_STRING, &f->unit };
	specs[n++] = (opt_spec){ "--unassigned", OPT_FLAG, &f->unassigned };
	specs[n++] = (opt_spec){ "--follow-up-from", OPT_STRING, &f->follow_from };
	specs[n++] = (opt_spec){ "--follow-up-to", OPT_STRING, &f->follow_to };
	specs[n++] = (opt_spec){ "--attribute", OPT_STRING, &f->attribute };
	specs[n++] = (opt_spec){ "--recycled", OPT_STRING, &f->recycled };
	specs[n++] = (opt_spec){ "--invalid", OPT_FLAG, &f->invalid };
	specs[n++] = (opt_spec){ "--flag", OPT_STRING, &f->flag };
	return n;
}

static int check(int rc, const char *flag)
{
	return rc ? usage_error("%s: %s", flag, lc_error_last()) : 0;
}

/* --flag NAME[,NAME...]: leads whose state carries every flag named. */
static int query_flags(lc_query *q, const char *names)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} flags[] = {
		{ "ready_for_contact", LC_FLAG_READY_FOR_CONTACT },
		{ "automation_stopped", LC_FLAG_AUTOMATION_STOPPED },
		{ "reengage_eligible", LC_FLAG_REENGAGE_ELIGIBLE },
		{ "ends_contact", LC_FLAG_ENDS_CONTACT },
		{ "not_reportable", LC_FLAG_NOT_REPORTABLE },
		{ "closed", LC_FLAG_CLOSED },
		{ "terminal", LC_FLAG_TERMINAL },
		{ "deprecated", LC_FLAG_DEPRECATED },
		{ "won", LC_FLAG_WON },
		{ "lost", LC_FLAG_LOST },
		{ "completed", LC_FLAG_COMPLETED },
	};
	char *copy = strdup(names), *save = NULL;
	uint32_t bits = 0;
	int ex = 0;

	if (!copy)
		return fail(LC_ENOMEM, "--flag");
	for (char *it = strtok_r(copy, ",", &save); it && !ex; it = strtok_r(NULL, ",", &save)) {
		size_t k = 0;
		while (k < sizeof flags / sizeof flags[0] && strcmp(flags[k].name, it) != 0)
			k++;
		if (k == sizeof flags / sizeof flags[0])
			ex = usage_error("--flag: '%s' is not a flag a lead's values carry; use "
					 "ready_for_contact, automation_stopped, reengage_eligible, "
					 "ends_contact, not_reportable, closed, terminal, deprecated, "
					 "won, lost or completed",
					 it);
		else
			bits |= flags[k].bit;
	}
	free(copy);
	return ex ? ex : check(lc_query_set_value_flags(q, bits), "--flag");
}

static int set_attribute(lc_query *q, const char *text)
{
	char *copy = strdup(text), *eq = copy ? strchr(copy, '=') : NULL;
	int ex;
	if (!eq) {
		free(copy);
		return usage_error("--attribute: give KEY=VALUE");
	}
	*eq = '\0';
	ex = check(lc_query_set_attribute(q, copy, eq + 1), "--attribute");
	free(copy);
	return ex;
}

static int set_owners(lc_db *db, const lead_filter *f, lc_query *q)
{
	lc_id id;
	int ex;
	if (f->agent && f->unassigned)
		return usage_error("--agent and --unassigned exclude each other");
	if (f->agent) {
		if ((ex = store_agent(db, "--agent", f->agent, &id)))
			return ex;
		lc_query_set_agent(q, id);
	} else if (f->unassigned) {
		lc_query_set_agent(q, LC_QUERY_NONE);
	}
	if (f->unit) {
		if ((ex = store_unit(db, "--unit", f->unit, &id)))
			return ex;
		lc_query_set_unit(q, id);
	}
	return 0;
}

static int set_rest(const lead_filter *f, lc_query *q)
{
	lc_time from = LC_TIME_NONE, to = LC_TIME_NONE;
	int ex;
	if ((f->follow_from && (ex = parse_time_flag("--follow-up-from", f->follow_from, &from))) ||
	    (f->follow_to && (ex = parse_time_flag("--follow-up-to", f->follow_to, &to))))
		return ex;
	if ((f->follow_from || f->follow_to) &&
	    (ex = check(lc_query_set_follow_up(q, from, to), "--follow-up-from/--follow-up-to")))
		return ex;
	if (f->recycled) {
		if (strcmp(f->recycled, "include") == 0)
			lc_query_set_recycled(q, LC_RECYCLED_INCLUDE);
		else if (strcmp(f->recycled, "only") == 0)
			lc_query_set_recycled(q, LC_RECYCLED_ONLY);
		else
			return usage_error("--recycled: use include or only");
	}
	if (f->attribute && (ex = set_attribute(q, f->attribute)))
		return ex;
	if (f->invalid)
		lc_query_set_invalid(q, 1);
	return 0;
}

int filter_query(lc_db *db, const lead_filter *f, lc_query **out)
{
	lc_query *q = NULL;
	int rc, ex = 0;

	*out = NULL;
	if ((rc = lc_query_new(&q)))
		return fail(rc, "filter");
	for (size_t i = 0; i < FILTER_VALUES && !ex; i++)
		if (f->value[i]) /* a key, label or alias: the library resolves it */
			ex = check(lc_query_set_value(q, value_axes[i], f->value[i]),
				   lc_axis_name(value_axes[i]));
	if (!ex && f->flag)
		ex = query_flags(q, f->flag);
	for (int t = 0; t < LC_LEAD_TEXT_COUNT && !ex; t++)
		if (f->text[t])
			ex = check(lc_query_set_text(q, (lc_lead_text_field)t, f->text[t]),
				   lc_lead_text_name((lc_lead_text_field)t));
	if (!ex)
		ex = set_owners(db, f, q);
	if (!ex)
		ex = set_rest(f, q);
	if (ex) {
		lc_query_free(q);
		return ex;
	}
	*out = q;
	return 0;
}
