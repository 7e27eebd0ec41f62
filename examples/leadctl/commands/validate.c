/* leadctl validate: judge one disposition against a lead's state, with no
 * store: the model alone decides. */
#include <string.h>
#include <time.h>

#include "leadctl.h"

static const char validate_usage[] =
	"usage: leadctl validate [--model NAME|FILE] [--from-milestone M] [--from-status S]\n"
	"                        [--from-stage G] [--do-not-call] [--do-not-email]\n"
	"                        [--action A] [--milestone M] [--status S] [--stage G]\n"
	"                        [--outcome O] [--reason R] [--follow-up TIME] [--note TEXT]\n"
	"                        [--now TIME] [--json]\n\n"
	"Checks whether a disposition is allowed for a lead whose current values are\n"
	"given with --from-*. The model is a preset name or a JSON file (default\n"
	"leadmanager). Values are keys or labels, in any case. TIME is ISO 8601\n"
	"(2099-12-31T10:00:00Z) or a date; --now defaults to the current time.\n\n"
	"Prints 'valid', or one line per violation: 'code field: message'.\n"
	"--json prints {\"valid\": BOOL, \"violations\": [{\"code\", \"field\", \"message\"}]}.\n"
	"Exit codes: 0 valid, 1 violations, 2 usage (an unknown value names the valid\n"
	"keys), 3 a malformed model file, 4 other errors.\n";

typedef struct vflags {
	const char *model, *from_milestone, *from_status, *from_stage;
	const char *action, *milestone, *status, *stage, *outcome, *reason;
	const char *follow_up, *note, *now;
	bool dnc, dne, json;
} vflags;

/* Setting a value: an unknown one is a usage error that names the keys. */
static int set_state(lc_state *s, lc_axis axis, const char *text, const char *flag)
{
	int rc;
	if (!text)
		return 0;
	rc = lc_state_set(s, axis, text);
	return rc ? usage_error("%s: %s", flag, lc_error_last()) : 0;
}

static int set_disp(lc_disposition *d, lc_axis axis, const char *text, const char *flag)
{
	int rc;
	if (!text)
		return 0;
	rc = lc_disposition_set(d, axis, text);
	return rc ? usage_error("%s: %s", flag, lc_error_last()) : 0;
}

static int print_result(int rc, const lc_violations *v, bool json)
{
	const lc_table *t = lc_violations_table(v);
	int64_t dropped = lc_table_int_named(lc_table_summary(t), 0, "dropped");

	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < lc_table_row_count(t); i++)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "code",
							     lc_table_text(t, i, 1), "field",
							     lc_table_text(t, i, 2), "message",
							     lc_table_text(t, i, 3)));
		print_json(json_pack("{s:b,s:o}", "valid", rc == 0, "violations", arr));
	} else if (rc == 0) {
		puts("valid");
	} else {
		for (size_t i = 0; i < lc_table_row_count(t); i++)
			printf("%s %s: %s\n", lc_table_text(t, i, 1), lc_table_text(t, i, 2),
			       lc_table_text(t, i, 3));
		if (dropped > 0)
			printf("(and %lld more)\n", (long long)dropped);
	}
	return rc == 0 ? EXIT_OK : EXIT_VIOLATION;
}

static int run_validate(const vflags *o)
{
	lc_model *m = NULL;
	lc_state *s = NULL;
	lc_disposition *d = NULL;
	lc_violations *v = NULL;
	lc_time now = (lc_time)time(NULL), fu = LC_TIME_NONE;
	lc_outcome outcome = LC_OUTCOME_NONE;
	uint32_t flags = 0;
	int rc, ex;

	if (o->now && (ex = parse_time_flag("--now", o->now, &now)) != 0)
		return ex;
	if (o->follow_up && (ex = parse_time_flag("--follow-up", o->follow_up, &fu)) != 0)
		return ex;
	if (o->outcome && lc_outcome_parse(o->outcome, &outcome) != 0)
		return usage_error("--outcome: %s", lc_error_last());

	rc = lc_model_load(&m, o->model ? o->model : "leadmanager");
	if (rc)
		return fail(rc, "--model");
	ex = EXIT_STORE;
	if ((rc = lc_state_new(&s, m)) != 0 || (rc = lc_disposition_new(&d, m)) != 0 ||
	    (rc = lc_violations_new(&v)) != 0) {
		ex = fail(rc, "validate");
		goto out;
	}
	if ((ex = set_state(s, LC_AXIS_MILESTONE, o->from_milestone, "--from-milestone")) ||
	    (ex = set_state(s, LC_AXIS_STATUS, o->from_status, "--from-status")) ||
	    (ex = set_state(s, LC_AXIS_STAGE, o->from_stage, "--from-stage")) ||
	    (ex = set_disp(d, LC_AXIS_ACTION, o->action, "--action")) ||
	    (ex = set_disp(d, LC_AXIS_MILESTONE, o->milestone, "--milestone")) ||
	    (ex = set_disp(d, LC_AXIS_STATUS, o->status, "--status")) ||
	    (ex = set_disp(d, LC_AXIS_STAGE, o->stage, "--stage")) ||
	    (ex = set_disp(d, LC_AXIS_REASON, o->reason, "--reason")))
		goto out;
	if (o->dnc)
		flags |= LC_STATE_DO_NOT_CALL;
	if (o->dne)
		flags |= LC_STATE_DO_NOT_EMAIL;
	lc_state_set_flags(s, flags);
	if ((rc = lc_disposition_set_outcome(d, outcome)) != 0) {
		ex = usage_error("--outcome: %s", lc_error_last());
		goto out;
	}
	lc_disposition_set_follow_up(d, fu);
	if (o->note && (rc = lc_disposition_set_note(d, o->note)) != 0) {
		ex = fail(rc, "--note");
		goto out;
	}

	rc = lc_validate(m, s, d, now, v);
	if (rc != 0 && rc != LC_EINVALID)
		ex = fail(rc, "validate");
	else
		ex = print_result(rc, v, o->json);
out:
	lc_violations_free(v);
	lc_disposition_free(d);
	lc_state_free(s);
	lc_model_free(m);
	return ex;
}

int cmd_validate(const leadctl_global *g, int argc, char **argv)
{
	vflags o;
	bool help = false;
	int npos, rc;
	memset(&o, 0, sizeof o);
	const opt_spec specs[] = {
		{ "--model", OPT_STRING, &o.model },
		{ "--from-milestone", OPT_STRING, &o.from_milestone },
		{ "--from-status", OPT_STRING, &o.from_status },
		{ "--from-stage", OPT_STRING, &o.from_stage },
		{ "--action", OPT_STRING, &o.action },
		{ "--milestone", OPT_STRING, &o.milestone },
		{ "--status", OPT_STRING, &o.status },
		{ "--stage", OPT_STRING, &o.stage },
		{ "--outcome", OPT_STRING, &o.outcome },
		{ "--reason", OPT_STRING, &o.reason },
		{ "--follow-up", OPT_STRING, &o.follow_up },
		{ "--note", OPT_STRING, &o.note },
		{ "--now", OPT_STRING, &o.now },
		{ "--do-not-call", OPT_FLAG, &o.dnc },
		{ "--do-not-email", OPT_FLAG, &o.dne },
		{ "--json", OPT_FLAG, &o.json },
		{ NULL, 0, NULL },
	};
	(void)g;
	rc = opts_parse(argc, argv, 1, specs, NULL, 0, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		fputs(validate_usage, stdout);
		return EXIT_OK;
	}
	return run_validate(&o);
}
