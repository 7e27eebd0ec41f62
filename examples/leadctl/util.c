#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leadctl.h"

int opts_parse(int argc, char **argv, int first, const opt_spec *specs, const char **pos,
	       int max_pos, int *npos, bool *help)
{
	*npos = 0;
	*help = false;
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		const opt_spec *s;
		const char *eq;
		size_t nlen;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = true;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				if (*npos >= max_pos)
					return usage_error("unexpected argument '%s'", argv[i]);
				pos[(*npos)++] = argv[i];
			}
			break;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (*npos >= max_pos)
				return usage_error("unexpected argument '%s'", a);
			pos[(*npos)++] = a;
			continue;
		}
		eq = strchr(a, '=');
		nlen = eq ? (size_t)(eq - a) : strlen(a);
		for (s = specs; s && s->name; s++)
			if (strlen(s->name) == nlen && strncmp(s->name, a, nlen) == 0)
				break;
		if (!s || !s->name)
			return usage_error("unknown option '%.*s' (see --help)", (int)nlen, a);
		if (s->kind == OPT_FLAG) {
			if (eq)
				return usage_error("option '%s' takes no value", s->name);
			*(bool *)s->target = true;
		} else {
			if (eq) {
				*(const char **)s->target = eq + 1;
			} else {
				if (i + 1 >= argc)
					return usage_error("option '%s' needs a value", s->name);
				*(const char **)s->target = argv[++i];
			}
		}
	}
	return 0;
}

int exit_for_error(int rc)
{
	switch (rc) {
	case 0:
		return EXIT_OK;
	case LC_EINVALID:
		return EXIT_VIOLATION;
	case LC_EREADONLY: /* like every store error; named so that no message decides it */
		return EXIT_STORE;
	case LC_EFORMAT:
		return EXIT_FORMAT;
	case LC_EINVAL:
	case LC_ENOTFOUND:
	case LC_EEXISTS:
	case LC_ERANGE:
		return EXIT_USAGE;
	default:
		return EXIT_STORE;
	}
}

/* leadctl's commands for the library calls its messages name. */
static const struct {
	int code;
	const char *call;
	const char *hint;
} hints[] = {
	{ LC_ECORRUPT, "lc_db_ruleset_install()",
	  "repair it with 'leadctl workflow install FILE' (a valid rule set replaces the "
	  "damaged one)" },
	{ LC_ESTATE, "lc_db_ruleset_install()", "install one with 'leadctl workflow install FILE'" },
	{ LC_ESTATE, "lc_db_install_model()",
	  "install one with 'leadctl init --model NAME' or 'leadctl model install FILE'" },
	{ LC_EFORMAT, "lc_model_check_string()", "'leadctl model check FILE' lists them all" },
	{ LC_ENOTFOUND, "'s condition: ",
	  "check the filter's value ('leadctl model show' lists the model's values); leads "
	  "still holding a value the model no longer knows are listed by 'lead list --invalid'" },
	{ LC_EREADONLY, "LC_DB_READONLY",
	  "to change it, run without --read-only, on a copy of the store on writable media" },
};

int fail(int rc, const char *what)
{
	const char *msg = lc_error_last();
	size_t n = strlen(what);
	/* A message that starts with the file it is about ("FILE:2:0: ...") names it once. */
	if (n && strncmp(msg, what, n) == 0 && msg[n] == ':')
		fprintf(stderr, "leadctl: %s\n", msg);
	else
		fprintf(stderr, "leadctl: %s: %s\n", what, msg[0] ? msg : lc_strerror(rc));
	/* The library names the call that repairs a state; say the command. */
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
		if (rc == hints[i].code && strstr(msg, hints[i].call))
			fprintf(stderr, "leadctl: %s\n", hints[i].hint);
	return exit_for_error(rc);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("leadctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

void print_json(json_t *j)
{
	if (!j) {
		fputs("leadctl: out of memory while building JSON\n", stderr);
		exit(EXIT_STORE);
	}
	json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

int parse_time_flag(const char *flag, const char *text, lc_time *out)
{
	time_t tomorrow = time(NULL) + 86400;
	struct tm tm;
	char day[16];

	if (lc_time_parse(text, out) == 0)
		return 0;
	usage_error("%s: %s", flag, lc_error_last());
	/* An example from today's calendar: a fixed one soon lies in the past. */
	if (gmtime_r(&tomorrow, &tm) && strftime(day, sizeof day, "%Y-%m-%d", &tm))
		fprintf(stderr, "leadctl: tomorrow at 10:00 UTC is %sT10:00:00Z\n", day);
	return EXIT_USAGE;
}

void note_past_follow_up(lc_db *db, lc_time follow_up)
{
	char t[LC_TIME_FORMAT_SIZE];
	if (follow_up != LC_TIME_NONE && follow_up < lc_db_now(db))
		fprintf(stderr, "leadctl: note: the follow-up %s is in the past, so the lead is "
				"overdue now\n", fmt_time(follow_up, t));
}

bool model_linked(const lc_model *m, size_t milestone, size_t status)
{
	int allowed = 0;
	return lc_model_link_allowed(m, milestone, status, &allowed) == 0 && allowed;
}

const char *fmt_time(lc_time t, char *buf)
{
	if (t == LC_TIME_NONE || lc_time_format(t, buf, LC_TIME_FORMAT_SIZE) != 0)
		buf[0] = '\0';
	return buf;
}

const char *mask_password(const char *uri, char *out, size_t size)
{
	const char *auth = strstr(uri, "://"), *p = uri;
	size_t n = 0;

	/* user:PW@host: keep "user:", mask up to the '@'. */
	if (auth) {
		const char *end = auth + 3 + strcspn(auth + 3, "/?");
		const char *at = memchr(auth + 3, '@', (size_t)(end - auth - 3));
		const char *colon = at ? memchr(auth + 3, ':', (size_t)(at - auth - 3)) : NULL;
		if (colon) {
			n = (size_t)snprintf(out, size, "%.*s***", (int)(colon + 1 - uri), uri);
			p = at;
		}
	}
	/* password=PW in the query. */
	while (n < size && *p) {
		const char *pw = strstr(p, "password=");
		if (!pw || !auth || (pw[-1] != '?' && pw[-1] != '&')) {
			n += (size_t)snprintf(out + n, size - n, "%s", p);
			break;
		}
		n += (size_t)snprintf(out + n, size - n, "%.*s***", (int)(pw + 9 - p), p);
		p = pw + 9 + strcspn(pw + 9, "&");
	}
	if (n == 0 && size)
		out[0] = '\0';
	return out;
}

const char *fmt_duration(int64_t s, char *buf, size_t n)
{
	if (s >= 86400)
		snprintf(buf, n, "%lldd %02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, n, "%lldh %02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(buf, n, "%lldm", (long long)(s / 60));
	return buf;
}
