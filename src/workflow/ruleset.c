/* Rule sets: the JSON reader (shape only; values are checked against a
 * store's model at install), accessors and the shipped presets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "workflow/workflow_internal.h"

/* Embedded at build time from rulesets/<name>.json (gen_rulesets.py). */
typedef struct wf_preset {
	const char *name;
	const char *json;
} wf_preset;
extern const wf_preset lc__wf_presets[];

#define WF_PATH_MAX 256
/* auto_assign's quota when it names none: seed 002's 50 leads a day, as lc_assign(). */
#define AUTO_ASSIGN_QUOTA 50

/* Reader state: the path of the node being read, for messages. */
typedef struct rd {
	const char *source;
	char path[WF_PATH_MAX];
} rd;

static const char *const effect_names[] = { NULL,	 "set",	    "recycle",	      "assign",
					    "follow_up", "segment", "stop_automation" };

const char *lc__wf_effect_name(wf_effect_kind k)
{
	return (k >= WF_SET && k <= WF_STOP_AUTOMATION) ? effect_names[k] : NULL;
}

static int bad(const rd *r, const char *what)
{
	return lc__error(LC_EFORMAT, "%s: %s: %s", r->source, r->path[0] ? r->path : "(top)", what);
}

/* Push a path element; returns the old length to pop back to. */
static size_t push(rd *r, const char *key, long idx)
{
	size_t len = strlen(r->path);
	if (idx >= 0)
		snprintf(r->path + len, sizeof r->path - len, "[%ld]", idx);
	else
		snprintf(r->path + len, sizeof r->path - len, "%s%s", len ? "." : "", key ? key : "");
	return len;
}

static void pop(rd *r, size_t len)
{
	r->path[len] = '\0';
}

/* Refuse keys outside `allowed` (NULL-terminated). */
static int only_keys(rd *r, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = true;
		if (!ok) {
			size_t l = push(r, key, -1);
			lc_buf b;
			lc__buf_init(&b);
			lc__buf_puts(&b, "unknown field; use one of:");
			for (const char *const *a = allowed; *a; a++)
				lc__buf_printf(&b, " %s", *a);
			int rc = b.failed ? lc__error(LC_ENOMEM, "out of memory") : bad(r, b.data);
			lc__buf_free(&b);
			pop(r, l);
			return rc;
		}
	}
	return 0;
}

static int get_string(rd *r, json_t *v, const char *key, size_t max, char **out)
{
	size_t l = push(r, key, -1);
	int rc = 0;

	if (!json_is_string(v))
		rc = bad(r, "expected a string");
	else if (json_string_length(v) == 0 || json_string_length(v) > max ||
		 strlen(json_string_value(v)) != json_string_length(v))
		rc = bad(r, "expected a non-empty string without NUL bytes, not too long");
	else if (!(*out = lc__strdup(json_string_value(v))))
		rc = LC_ENOMEM;
	pop(r, l);
	return rc;
}

/* A duration: integer seconds >= 0, or "<n>s|m|h|d|w". */
static int get_duration(rd *r, json_t *v, const char *key, int64_t *out)
{
	size_t l = push(r, key, -1);
	int rc = 0;

	if (json_is_integer(v) && json_integer_value(v) > LC_DURATION_MAX) {
		rc = lc__error(LC_ERANGE, "%s: %s: %lld seconds is longer than any valid span of "
					  "time (LC_DURATION_MAX, about 10,000 years)",
			       r->source, r->path, (long long)json_integer_value(v));
	} else if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		errno = 0;
		long long n = strtoll(s, &end, 10);
		int64_t unit = 0;
		if (end != s && s[0] != '-' && s[0] != '+' && end[0] && !end[1]) {
			switch (end[0]) {
			case 's': unit = 1; break;
			case 'm': unit = 60; break;
			case 'h': unit = 3600; break;
			case 'd': unit = 86400; break;
			case 'w': unit = 7 * 86400; break;
			default: break;
			}
		}
		if (unit && !errno && n >= 0 && n > LC_DURATION_MAX / unit)
			rc = lc__error(LC_ERANGE, "%s: %s: \"%s\" is longer than any valid span "
						  "of time (LC_DURATION_MAX, about 10,000 years)",
				       r->source, r->path, s);
		else if (!unit || errno || n < 0)
			rc = bad(r, "expected a duration: seconds, or a number followed by s, m, h, d "
				    "or w (\"3d\")");
		else
			*out = n * unit;
	} else {
		rc = bad(r, "expected a duration: seconds, or a string such as \"3d\"");
	}
	pop(r, l);
	return rc;
}

static int get_bool(rd *r, json_t *v, const char *key, int *out)
{
	size_t l = push(r, key, -1);
	int rc = 0;

	if (!json_is_boolean(v))
		rc = bad(r, "expected true or false");
	else
		*out = json_is_true(v) ? 1 : 0;
	pop(r, l);
	return rc;
}

/* A quota: an integer from 0 to WF_QUOTA_MAX leads a day. */
static int get_quota(rd *r, json_t *v, int64_t *out)
{
	size_t l = push(r, "quota", -1);
	int rc = 0;

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > WF_QUOTA_MAX)
		rc = bad(r, "expected a number of leads a day from 0 to 100000");
	else
		*out = json_integer_value(v);
	pop(r, l);
	return rc;
}

static void strs_free(wf_strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		lc__free(s->v[i]);
	lc__free(s->v);
	memset(s, 0, sizeof *s);
}

/* A string, null, or a list of strings and nulls. */
static int get_strs(rd *r, json_t *v, const char *key, wf_strs *out)
{
	size_t l = push(r, key, -1);
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	int rc = 0;

	out->present = true;
	if (!json_is_array(v) && !json_is_string(v) && !json_is_null(v)) {
		rc = bad(r, "expected a string, null, or a list of them");
		goto done;
	}
	out->v = lc__calloc(n ? n : 1, sizeof *out->v);
	if (!out->v) {
		rc = LC_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
		if (json_is_null(e)) {
			out->has_null = true;
			continue;
		}
		size_t l2 = strlen(r->path);
		if (json_is_array(v))
			push(r, NULL, (long)i);
		if (!json_is_string(e) || json_string_length(e) == 0 ||
		    json_string_length(e) > LC_LEAD_TEXT_MAX ||
		    strlen(json_string_value(e)) != json_string_length(e)) {
			rc = bad(r, "expected a non-empty string or null");
			pop(r, l2);
			goto done;
		}
		pop(r, l2);
		if (!(out->v[out->n] = lc__strdup(json_string_value(e)))) {
			rc = LC_ENOMEM;
			goto done;
		}
		out->n++;
	}
done:
	pop(r, l);
	return rc;
}

static void cond_init(wf_cond *c)
{
	memset(c, 0, sizeof *c);
	c->min_age = c->max_age = c->min_idle = c->max_idle = -1;
	c->assigned = c->contactable = c->callable = c->emailable = -1;
	c->worked = c->follow_up = c->overdue = -1;
}

static void cond_free(wf_cond *c)
{
	strs_free(&c->source);
	strs_free(&c->segment);
	strs_free(&c->milestone);
	strs_free(&c->status);
	strs_free(&c->stage);
	for (size_t i = 0; i < c->nany; i++)
		cond_free(&c->any[i]);
	lc__free(c->any);
	if (c->not) {
		cond_free(c->not);
		lc__free(c->not);
	}
	cond_init(c);
}

static int read_cond(rd *r, json_t *obj, wf_cond *c, int depth)
{
	static const char *const keys[] = { "min_age", "max_age", "min_idle", "max_idle",
					    "assigned", "contactable", "callable", "emailable",
					    "worked", "follow_up", "overdue", "source", "segment",
					    "milestone", "status", "stage", "any", "not", NULL };
	const char *key;
	json_t *v;
	int rc;

	if (!json_is_object(obj))
		return bad(r, "expected an object of conditions");
	if (depth > 8)
		return bad(r, "conditions nest more than 8 deep");
	if ((rc = only_keys(r, obj, keys)))
		return rc;
	json_object_foreach(obj, key, v) {
		if (!strcmp(key, "min_age"))
			rc = get_duration(r, v, key, &c->min_age);
		else if (!strcmp(key, "max_age"))
			rc = get_duration(r, v, key, &c->max_age);
		else if (!strcmp(key, "min_idle"))
			rc = get_duration(r, v, key, &c->min_idle);
		else if (!strcmp(key, "max_idle"))
			rc = get_duration(r, v, key, &c->max_idle);
		else if (!strcmp(key, "assigned"))
			rc = get_bool(r, v, key, &c->assigned);
		else if (!strcmp(key, "contactable"))
			rc = get_bool(r, v, key, &c->contactable);
		else if (!strcmp(key, "callable"))
			rc = get_bool(r, v, key, &c->callable);
		else if (!strcmp(key, "emailable"))
			rc = get_bool(r, v, key, &c->emailable);
		else if (!strcmp(key, "worked"))
			rc = get_bool(r, v, key, &c->worked);
		else if (!strcmp(key, "follow_up"))
			rc = get_bool(r, v, key, &c->follow_up);
		else if (!strcmp(key, "overdue"))
			rc = get_bool(r, v, key, &c->overdue);
		else if (!strcmp(key, "source"))
			rc = get_strs(r, v, key, &c->source);
		else if (!strcmp(key, "segment"))
			rc = get_strs(r, v, key, &c->segment);
		else if (!strcmp(key, "milestone"))
			rc = get_strs(r, v, key, &c->milestone);
		else if (!strcmp(key, "status"))
			rc = get_strs(r, v, key, &c->status);
		else if (!strcmp(key, "stage"))
			rc = get_strs(r, v, key, &c->stage);
		else if (!strcmp(key, "any")) {
			size_t l = push(r, key, -1);
			if (!json_is_array(v) || json_array_size(v) == 0) {
				rc = bad(r, "expected a non-empty list of condition objects");
			} else if (!(c->any = lc__calloc(json_array_size(v), sizeof *c->any))) {
				rc = LC_ENOMEM;
			} else {
				for (size_t i = 0; !rc && i < json_array_size(v); i++) {
					size_t l2 = push(r, NULL, (long)i);
					cond_init(&c->any[i]);
					c->nany++;
					rc = read_cond(r, json_array_get(v, i), &c->any[i], depth + 1);
					pop(r, l2);
				}
			}
			pop(r, l);
		} else if (!strcmp(key, "not")) {
			size_t l = push(r, key, -1);
			if (!(c->not = lc__malloc(sizeof *c->not))) {
				rc = LC_ENOMEM;
			} else {
				cond_init(c->not);
				rc = read_cond(r, v, c->not, depth + 1);
			}
			pop(r, l);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static void effect_free(wf_effect *e)
{
	lc__free(e->action);
	lc__free(e->milestone);
	lc__free(e->status);
	lc__free(e->stage);
	lc__free(e->note);
	lc__free(e->segment);
	lc__free(e->unit);
	memset(e, 0, sizeof *e);
}

static int read_effect(rd *r, json_t *obj, wf_effect *e)
{
	static const char *const kinds[] = { "set", "recycle", "assign", "follow_up",
					     "segment", "stop_automation", NULL };
	const char *key;
	json_t *v;
	int rc;

	e->quota = -1;
	if (!json_is_object(obj) || json_object_size(obj) != 1)
		return bad(r, "expected an object with exactly one effect: set, recycle, assign, "
			      "follow_up, segment or stop_automation");
	if ((rc = only_keys(r, obj, kinds)))
		return rc;
	json_object_foreach(obj, key, v) {
		size_t l = push(r, key, -1);
		if (!strcmp(key, "set")) {
			static const char *const keys[] = { "milestone", "status", "stage",
							    "action", "note", NULL };
			e->kind = WF_SET;
			if (!json_is_object(v))
				rc = bad(r, "expected an object: {\"status\": ..., \"action\": ...}");
			else if (!(rc = only_keys(r, v, keys))) {
				json_t *x;
				if ((x = json_object_get(v, "milestone")))
					rc = get_string(r, x, "milestone", LC_KEY_MAX * 4, &e->milestone);
				if (!rc && (x = json_object_get(v, "status")))
					rc = get_string(r, x, "status", LC_KEY_MAX * 4, &e->status);
				if (!rc && (x = json_object_get(v, "stage")))
					rc = get_string(r, x, "stage", LC_KEY_MAX * 4, &e->stage);
				if (!rc && (x = json_object_get(v, "action")))
					rc = get_string(r, x, "action", LC_KEY_MAX * 4, &e->action);
				if (!rc && (x = json_object_get(v, "note")))
					rc = get_string(r, x, "note", LC_LEAD_TEXT_MAX, &e->note);
				if (!rc && !e->milestone && !e->status && !e->stage)
					rc = bad(r, "set needs a milestone, a status or a stage");
			}
		} else if (!strcmp(key, "recycle") || !strcmp(key, "stop_automation")) {
			e->kind = key[0] == 'r' ? WF_RECYCLE : WF_STOP_AUTOMATION;
			if (!json_is_true(v))
				rc = bad(r, "expected true");
		} else if (!strcmp(key, "assign")) {
			static const char *const keys[] = { "unit", "quota", NULL };
			json_t *x;
			e->kind = WF_ASSIGN;
			if (!json_is_object(v))
				rc = bad(r, "expected an object: {\"unit\": NAME or null, \"quota\": N}");
			else if (!(rc = only_keys(r, v, keys)) && (x = json_object_get(v, "unit")) &&
				 !json_is_null(x))
				rc = get_string(r, x, "unit", 256, &e->unit);
			if (!rc && json_is_object(v) && (x = json_object_get(v, "quota")))
				rc = get_quota(r, x, &e->quota);
		} else if (!strcmp(key, "follow_up")) {
			static const char *const keys[] = { "in", "action", "note", NULL };
			json_t *x;
			e->kind = WF_FOLLOW_UP;
			if (!json_is_object(v))
				rc = bad(r, "expected an object: {\"in\": \"1d\"}");
			else if (!(rc = only_keys(r, v, keys))) {
				if (!(x = json_object_get(v, "in")))
					rc = bad(r, "follow_up needs \"in\": a duration such as \"1d\"");
				else
					rc = get_duration(r, x, "in", &e->offset);
				if (!rc && e->offset <= 0)
					rc = bad(r, "follow_up.in must be after now (> 0)");
				if (!rc && (x = json_object_get(v, "action")))
					rc = get_string(r, x, "action", LC_KEY_MAX * 4, &e->action);
				if (!rc && (x = json_object_get(v, "note")))
					rc = get_string(r, x, "note", LC_LEAD_TEXT_MAX, &e->note);
			}
		} else if (!strcmp(key, "segment")) {
			e->kind = WF_SEGMENT;
			if (!json_is_null(v)) {
				pop(r, l);
				rc = get_string(r, v, key, LC_LEAD_TEXT_MAX, &e->segment);
				l = strlen(r->path);
			}
		}
		pop(r, l);
	}
	return rc;
}

static void rule_free(wf_rule *ru)
{
	lc__free(ru->name);
	lc__free(ru->group);
	strs_free(&ru->on_action);
	strs_free(&ru->on_milestone);
	strs_free(&ru->on_status);
	strs_free(&ru->on_stage);
	cond_free(&ru->cond);
	for (size_t i = 0; i < ru->neffects; i++)
		effect_free(&ru->effects[i]);
	lc__free(ru->effects);
}

static int read_effects(rd *r, json_t *v, wf_rule *ru)
{
	size_t l = push(r, "then", -1);
	int rc = 0;

	if (!json_is_array(v) || json_array_size(v) == 0) {
		rc = bad(r, "expected a non-empty list of effects");
	} else if (!(ru->effects = lc__calloc(json_array_size(v), sizeof *ru->effects))) {
		rc = LC_ENOMEM;
	} else {
		for (size_t i = 0; !rc && i < json_array_size(v); i++) {
			size_t l2 = push(r, NULL, (long)i);
			ru->neffects++;
			rc = read_effect(r, json_array_get(v, i), &ru->effects[i]);
			pop(r, l2);
		}
	}
	pop(r, l);
	return rc;
}

static int read_rule(rd *r, json_t *obj, wf_rule *ru)
{
	static const char *const keys[] = { "name", "description", "kind", "group",
					    "on", "if", "then", NULL };
	json_t *v;
	int rc;

	cond_init(&ru->cond);
	if (!json_is_object(obj))
		return bad(r, "expected a rule object");
	if ((rc = only_keys(r, obj, keys)))
		return rc;
	if (!(v = json_object_get(obj, "name")))
		return bad(r, "a rule needs a \"name\"");
	if ((rc = get_string(r, v, "name", LC_KEY_MAX, &ru->name)))
		return rc;
	if (!lc__key_valid(ru->name)) {
		size_t l = push(r, "name", -1);
		rc = bad(r, "a rule name is a key: lowercase letters, digits and '_', starting "
			    "with a letter, at most 64 bytes");
		pop(r, l);
		return rc;
	}
	if ((v = json_object_get(obj, "description")) && !json_is_string(v)) {
		size_t l = push(r, "description", -1);
		rc = bad(r, "expected a string");
		pop(r, l);
		return rc;
	}
	if (!(v = json_object_get(obj, "kind")) || !json_is_string(v) ||
	    (strcmp(json_string_value(v), "event") && strcmp(json_string_value(v), "time"))) {
		size_t l = push(r, "kind", -1);
		rc = bad(r, "a rule needs \"kind\": \"event\" or \"time\"");
		pop(r, l);
		return rc;
	}
	ru->event = strcmp(json_string_value(v), "event") == 0;
	if ((v = json_object_get(obj, "group")) && (rc = get_string(r, v, "group", LC_KEY_MAX, &ru->group)))
		return rc;
	v = json_object_get(obj, "on");
	if (ru->event) {
		static const char *const on_keys[] = { "action", "milestone", "status", "stage", NULL };
		size_t l = push(r, "on", -1);
		json_t *x;
		if (!v || !json_is_object(v) || json_object_size(v) == 0)
			rc = bad(r, "an event rule needs \"on\": an object naming an action, "
				    "milestone, status or stage");
		else if (!(rc = only_keys(r, v, on_keys))) {
			if ((x = json_object_get(v, "action")))
				rc = get_strs(r, x, "action", &ru->on_action);
			if (!rc && (x = json_object_get(v, "milestone")))
				rc = get_strs(r, x, "milestone", &ru->on_milestone);
			if (!rc && (x = json_object_get(v, "status")))
				rc = get_strs(r, x, "status", &ru->on_status);
			if (!rc && (x = json_object_get(v, "stage")))
				rc = get_strs(r, x, "stage", &ru->on_stage);
		}
		pop(r, l);
		if (rc)
			return rc;
	} else if (v) {
		size_t l = push(r, "on", -1);
		rc = bad(r, "a time rule has no \"on\"; use \"kind\": \"event\"");
		pop(r, l);
		return rc;
	}
	if ((v = json_object_get(obj, "if"))) {
		size_t l = push(r, "if", -1);
		rc = read_cond(r, v, &ru->cond, 0);
		pop(r, l);
		if (rc)
			return rc;
	}
	if (!(v = json_object_get(obj, "then")))
		return bad(r, "a rule needs \"then\": a list of effects");
	return read_effects(r, v, ru);
}

void lc_ruleset_free(lc_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nrules; i++)
		rule_free(&rs->rules[i]);
	lc__free(rs->rules);
	for (size_t i = 0; i < rs->nsegments; i++)
		lc__free(rs->segments[i]);
	lc__free(rs->segments);
	lc__free(rs->name);
	lc__free(rs->json);
	lc__free(rs);
}

/* auto_assign: {"enabled": bool, "unit": NAME|null, "quota": N, "if": {...}}
 * becomes a last time rule named auto_assign, so that it runs in file order. */
static int read_auto_assign(rd *r, json_t *v, lc_ruleset *rs)
{
	static const char *const keys[] = { "enabled", "unit", "quota", "if", NULL };
	size_t l = push(r, "auto_assign", -1);
	wf_rule *ru = &rs->rules[rs->nrules];
	json_t *x;
	int enabled = 0;
	int rc;

	cond_init(&ru->cond);
	if (!json_is_object(v)) {
		rc = bad(r, "expected an object: {\"enabled\": true, \"unit\": NAME or null, \"if\": {...}}");
		goto out;
	}
	if ((rc = only_keys(r, v, keys)))
		goto out;
	if (!(x = json_object_get(v, "enabled"))) {
		rc = bad(r, "auto_assign needs \"enabled\": true or false");
		goto out;
	}
	if ((rc = get_bool(r, x, "enabled", &enabled)))
		goto out;
	rs->nrules++; /* owned from here, so that a failure frees it */
	if (!(ru->name = lc__strdup("auto_assign")) ||
	    !(ru->effects = lc__calloc(1, sizeof *ru->effects))) {
		rc = LC_ENOMEM;
		goto out;
	}
	ru->neffects = 1;
	ru->effects[0].kind = WF_ASSIGN;
	ru->effects[0].quota = AUTO_ASSIGN_QUOTA;
	if ((x = json_object_get(v, "unit")) && !json_is_null(x) &&
	    (rc = get_string(r, x, "unit", 256, &ru->effects[0].unit)))
		goto out;
	if ((x = json_object_get(v, "quota")) && (rc = get_quota(r, x, &ru->effects[0].quota)))
		goto out;
	if ((x = json_object_get(v, "if"))) {
		size_t l2 = push(r, "if", -1);
		rc = read_cond(r, x, &ru->cond, 0);
		pop(r, l2);
		if (rc)
			goto out;
	}
	/* Only unassigned leads that can be called are dealt, whatever "if" says:
	 * an agent's list is a call list. */
	ru->cond.assigned = 0;
	ru->cond.callable = 1;
	if (!enabled) {
		rs->nrules--;
		rule_free(ru);
		memset(ru, 0, sizeof *ru);
	}
out:
	pop(r, l);
	return rc;
}

/* "segments": the segments ranked best first, as a list of distinct names;
 * one null marks the rank of every other segment and of none. */
static int read_segments(rd *r, json_t *v, lc_ruleset *rs)
{
	size_t l = push(r, "segments", -1), n = json_is_array(v) ? json_array_size(v) : 0;
	bool other = false;
	int rc = 0;

	if (!json_is_array(v)) {
		rc = bad(r, "expected a list of segment names, best first (null: every other "
			    "segment and none)");
		goto out;
	}
	if (!(rs->segments = lc__calloc(n ? n : 1, sizeof *rs->segments))) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *e = json_array_get(v, i);
		size_t l2 = strlen(r->path);
		push(r, NULL, (long)i);
		if (json_is_null(e) && other) {
			rc = bad(r, "a second null; null stands once for every other segment");
		} else if (json_is_null(e)) {
			other = true;
			rs->other_rank = i;
		} else if (!json_is_string(e) || json_string_length(e) == 0 ||
			   json_string_length(e) > LC_LEAD_TEXT_MAX ||
			   strlen(json_string_value(e)) != json_string_length(e)) {
			rc = bad(r, "expected a segment name (a non-empty string) or null");
		} else {
			const char *name = json_string_value(e);
			for (size_t j = 0; j < rs->nsegments && !rc; j++)
				if (lc__streq_nocase(rs->segments[j], name))
					rc = bad(r, "this segment is listed twice");
			if (!rc && !(rs->segments[rs->nsegments++] = lc__strdup(name)))
				rc = LC_ENOMEM;
		}
		pop(r, l2);
	}
	if (!other)
		rs->other_rank = n;
out:
	pop(r, l);
	return rc;
}

size_t lc__wf_segment_rank(const lc_ruleset *rs, const char *segment)
{
	if (!rs || !rs->nsegments)
		return 0;
	/* The rank is the place in the JSON list, where the null took one. */
	for (size_t i = 0; segment && segment[0] && i < rs->nsegments; i++)
		if (lc__streq_nocase(rs->segments[i], segment))
			return i + (i >= rs->other_rank);
	return rs->other_rank;
}

int lc_ruleset_load_string(lc_ruleset **out, const char *json, const char *source_name)
{
	static const char *const keys[] = { "format", "name", "version", "description",
					    "segments", "rules", "auto_assign", NULL };
	json_error_t jerr;
	json_t *root = NULL, *v, *rules;
	lc_ruleset *rs = NULL;
	rd r = { source_name ? source_name : "rule set", "" };
	int rc;

	LC__ARG(out, "out");
	LC__ARG(json, "json");
	*out = NULL;
	if ((rc = lc__check_text(json, (size_t)16 << 20, "the rule set's text", false)))
		return rc;
	root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return lc__error(LC_EFORMAT, "%s:%d:%d: %s", r.source, jerr.line, jerr.column,
				 jerr.text);
	if (!json_is_object(root)) {
		rc = bad(&r, "a rule set is a JSON object");
		goto fail;
	}
	if ((rc = only_keys(&r, root, keys)))
		goto fail;
	v = json_object_get(root, "format");
	if (!v || !json_is_integer(v)) {
		rc = bad(&r, "\"format\": 1 is required");
		goto fail;
	}
	if (json_integer_value(v) != 1) {
		rc = lc__error(LC_EVERSION, "%s: rule set format %lld is not supported; this "
					    "library reads format 1",
			       r.source, (long long)json_integer_value(v));
		goto fail;
	}
	if (!(rs = lc__calloc(1, sizeof *rs))) {
		rc = LC_ENOMEM;
		goto fail;
	}
	if (!(v = json_object_get(root, "name"))) {
		rc = bad(&r, "\"name\" is required");
		goto fail;
	}
	if ((rc = get_string(&r, v, "name", 256, &rs->name)))
		goto fail;
	v = json_object_get(root, "version");
	if (!v || !json_is_integer(v) || json_integer_value(v) < 1) {
		size_t l = push(&r, "version", -1);
		rc = bad(&r, "\"version\" is required: an integer >= 1");
		pop(&r, l);
		goto fail;
	}
	rs->version = json_integer_value(v);
	if ((v = json_object_get(root, "description")) && !json_is_string(v)) {
		size_t l = push(&r, "description", -1);
		rc = bad(&r, "expected a string");
		pop(&r, l);
		goto fail;
	}
	if ((v = json_object_get(root, "segments")) && (rc = read_segments(&r, v, rs)))
		goto fail;
	rules = json_object_get(root, "rules");
	if (!rules || !json_is_array(rules)) {
		rc = bad(&r, "\"rules\" is required: a list of rules");
		goto fail;
	}
	if (!(rs->rules = lc__calloc(json_array_size(rules) + 1, sizeof *rs->rules))) {
		rc = LC_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < json_array_size(rules); i++) {
		size_t l = push(&r, "rules", -1);
		push(&r, NULL, (long)i);
		rs->nrules++;
		rc = read_rule(&r, json_array_get(rules, i), &rs->rules[i]);
		if (!rc) {
			for (size_t j = 0; j < i; j++)
				if (!strcmp(rs->rules[j].name, rs->rules[i].name))
					rc = bad(&r, "two rules have this name; names are unique");
		}
		pop(&r, l);
		if (rc)
			goto fail;
	}
	if ((v = json_object_get(root, "auto_assign"))) {
		for (size_t j = 0; j < rs->nrules; j++)
			if (!strcmp(rs->rules[j].name, "auto_assign")) {
				rc = bad(&r, "a rule named auto_assign clashes with the auto_assign "
					     "section; rename the rule");
				goto fail;
			}
		if ((rc = read_auto_assign(&r, v, rs)))
			goto fail;
	}
	if (!(rs->json = lc__strdup(json))) {
		rc = LC_ENOMEM;
		goto fail;
	}
	json_decref(root);
	*out = rs;
	return 0;
fail:
	json_decref(root);
	lc_ruleset_free(rs);
	return rc;
}

int lc_ruleset_load_file(lc_ruleset **out, const char *path)
{
	lc_buf b;
	char chunk[8192];
	size_t n;
	FILE *f;
	char *text = NULL;
	int rc;

	LC__ARG(out, "out");
	LC__ARG(path, "path");
	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return lc__error(LC_EIO, "cannot open rule set file '%s': %s", path, strerror(errno));
	lc__buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lc__buf_put(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		lc__buf_free(&b);
		return lc__error(LC_EIO, "cannot read rule set file '%s'", path);
	}
	fclose(f);
	if ((rc = lc__buf_take(&b, &text, &n)))
		return rc;
	if (strlen(text) != n)
		rc = lc__error(LC_EFORMAT, "%s: the file contains a NUL byte", path);
	else
		rc = lc_ruleset_load_string(out, text, path);
	lc__free(text);
	return rc;
}

int lc_ruleset_preset(lc_ruleset **out, const char *name)
{
	lc_buf b;
	int rc;

	LC__ARG(out, "out");
	LC__ARG(name, "name");
	*out = NULL;
	for (const wf_preset *p = lc__wf_presets; p->name; p++)
		if (lc__streq_nocase(p->name, name))
			return lc_ruleset_load_string(out, p->json, p->name);
	lc__buf_init(&b);
	for (const wf_preset *p = lc__wf_presets; p->name; p++)
		lc__buf_printf(&b, "%s%s", p == lc__wf_presets ? "" : ", ", p->name);
	rc = lc__error(LC_ENOTFOUND, "there is no shipped rule set named '%.64s'; use one of: %s",
		       name, b.failed || !b.data ? "seed002" : b.data);
	lc__buf_free(&b);
	return rc;
}

const char *lc_ruleset_name(const lc_ruleset *rs)
{
	return rs ? rs->name : NULL;
}

int64_t lc_ruleset_version(const lc_ruleset *rs)
{
	return rs ? rs->version : 0;
}

int lc_ruleset_rules(const lc_ruleset *rs, lc_table **out)
{
	static const lc__column cols[] = { { "name", LC_COLUMN_TEXT }, { "kind", LC_COLUMN_TEXT } };
	lc_table *t;
	int rc;

	LC__ARG(rs, "rs");
	LC__ARG(out, "out");
	*out = NULL;
	if ((rc = lc__table_new(&t, "rules", cols, 2)))
		return rc;
	for (size_t i = 0; i < rs->nrules; i++) {
		lc__table_row(t);
		lc__table_put_text(t, 0, rs->rules[i].name);
		lc__table_put_text(t, 1, rs->rules[i].event ? "event" : "time");
	}
	return lc__table_finish(t, out);
}

const char *lc_ruleset_json(const lc_ruleset *rs)
{
	return rs ? rs->json : NULL;
}
