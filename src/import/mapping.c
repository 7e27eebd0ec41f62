/*
 * The mapping reader: JSON (jansson) into struct lc_mapping. Strict: an
 * unknown field is an error that names it and lists the known ones, because
 * a misspelt field silently ignored would import the wrong data.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "import_internal.h"

#define DAY 86400

typedef struct mp_ctx {
	lc_mapping *m;
	const char *src;
} mp_ctx;

static int bad(mp_ctx *c, const char *where, const char *fmt, ...) LC_PRINTF(3, 4);
static int bad(mp_ctx *c, const char *where, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return lc__error(LC_EFORMAT, "%s: %s: %s", c->src, where, msg);
}

/* Refuse fields not in `known` (a NULL-terminated list). */
static int only_known(mp_ctx *c, json_t *obj, const char *where, const char *const *known)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		bool ok = false;
		char list[512] = "";
		for (size_t i = 0; known[i]; i++) {
			ok |= strcmp(k, known[i]) == 0;
			if (strlen(list) + strlen(known[i]) + 3 < sizeof list) {
				if (i)
					strcat(list, ", ");
				strcat(list, known[i]);
			}
		}
		if (!ok)
			return bad(c, where, "unknown field '%s'; the known fields are %s", k, list);
	}
	return 0;
}

static int slot_of(mp_ctx *c, const char *column, int *slot)
{
	lc_mapping *m = c->m;
	char **v;
	for (size_t i = 0; i < m->ncolumns; i++)
		if (strcmp(m->columns[i], column) == 0) {
			*slot = (int)i;
			return 0;
		}
	v = lc__realloc(m->columns, (m->ncolumns + 1) * sizeof *v);
	if (!v)
		return LC_ENOMEM;
	m->columns = v;
	if (!(v[m->ncolumns] = lc__strdup(column)))
		return LC_ENOMEM;
	*slot = (int)m->ncolumns++;
	return 0;
}

/* A column name: a non-empty UTF-8 string. */
static int column_ref(mp_ctx *c, json_t *j, const char *where, int *slot)
{
	const char *s;
	if (!json_is_string(j) || !*(s = json_string_value(j)))
		return bad(c, where, "expected a column name (a non-empty string)");
	return slot_of(c, s, slot);
}

static int string_list(mp_ctx *c, json_t *j, const char *where, char ***out, size_t *n)
{
	size_t i;
	json_t *e;
	if (json_is_string(j)) {
		*out = lc__calloc(1, sizeof **out);
		if (!*out || !((*out)[0] = lc__strdup(json_string_value(j))))
			return LC_ENOMEM;
		*n = 1;
		return 0;
	}
	if (!json_is_array(j))
		return bad(c, where, "expected a string or an array of strings");
	*out = lc__calloc(json_array_size(j) + 1, sizeof **out);
	if (!*out)
		return LC_ENOMEM;
	json_array_foreach(j, i, e) {
		if (!json_is_string(e))
			return bad(c, where, "expected an array of strings");
		if (!((*out)[i] = lc__strdup(json_string_value(e))))
			return LC_ENOMEM;
		*n = i + 1;
	}
	return 0;
}

/* A disposition part: "key", null, or {"column": C, "values": {...}, "default": V}. */
static int source(mp_ctx *c, json_t *j, const char *where, mp_source *s)
{
	static const char *const known[] = { "column", "values", "default", NULL };
	json_t *vals, *def;
	int rc;

	if (!j || json_is_null(j))
		return 0;
	if (json_is_string(j)) {
		s->kind = MP_CONST;
		return (s->constant = lc__strdup(json_string_value(j))) ? 0 : LC_ENOMEM;
	}
	if (!json_is_object(j))
		return bad(c, where, "expected a value (a string), null, or {\"column\": ..., \"values\": {...}}");
	if ((rc = only_known(c, j, where, known)))
		return rc;
	s->kind = MP_COLUMN;
	if ((rc = column_ref(c, json_object_get(j, "column"), where, &s->slot)))
		return rc;
	if ((vals = json_object_get(j, "values"))) {
		const char *k;
		json_t *v;
		size_t i = 0;
		if (!json_is_object(vals))
			return bad(c, where, "'values' must be an object: cell text -> value");
		s->from = lc__calloc(json_object_size(vals) + 1, sizeof *s->from);
		s->to = lc__calloc(json_object_size(vals) + 1, sizeof *s->to);
		if (!s->from || !s->to)
			return LC_ENOMEM;
		json_object_foreach(vals, k, v) {
			if (!json_is_string(v) && !json_is_null(v))
				return bad(c, where, "the value for '%s' must be a string or null", k);
			if (!(s->from[i] = lc__strdup(k)))
				return LC_ENOMEM;
			s->nmap = ++i; /* counted at once, so that a failure below frees it */
			if (json_is_string(v) && !(s->to[i - 1] = lc__strdup(json_string_value(v))))
				return LC_ENOMEM;
		}
	}
	if ((def = json_object_get(j, "default"))) {
		if (!json_is_string(def) && !json_is_null(def))
			return bad(c, where, "'default' must be a string or null");
		s->has_default = true;
		if (json_is_string(def) && !(s->deflt = lc__strdup(json_string_value(def))))
			return LC_ENOMEM;
	}
	return 0;
}

/* A time: a fixed ISO 8601 time, or {"column": C} with an optional
 * strptime-like "format". */
static int time_spec(mp_ctx *c, json_t *j, const char *where, mp_time *t)
{
	if (json_is_string(j)) {
		int rc = lc_time_parse(json_string_value(j), &t->fixed);
		if (rc == LC_ERANGE)
			return lc__error(LC_ERANGE, "%s: %s: '%s' is outside the valid times, years 1 "
						    "to 9999",
					 c->src, where, json_string_value(j));
		if (rc)
			return bad(c, where, "'%s' is not an ISO 8601 time (2099-12-31T10:00:00Z)",
				   json_string_value(j));
		t->kind = MP_TIME_FIXED;
		return 0;
	}
	if (json_is_object(j)) {
		static const char *const known[] = { "column", "format", NULL };
		json_t *f = json_object_get(j, "format");
		char msg[160];
		int rc;
		if ((rc = only_known(c, j, where, known)))
			return rc;
		t->kind = MP_TIME_COLUMN;
		if (f) {
			if (!json_is_string(f) || !*json_string_value(f))
				return bad(c, where, "'format' must be a non-empty string such as \"%%m/%%d/%%Y\"");
			if (lc__import_time_format_check(json_string_value(f), msg, sizeof msg))
				return bad(c, where, "%s", msg);
			if (!(t->format = lc__strdup(json_string_value(f))))
				return LC_ENOMEM;
		}
		return column_ref(c, json_object_get(j, "column"), where, &t->slot);
	}
	return bad(c, where, "expected a fixed time (a string) or {\"column\": ..., \"format\": ...}");
}

static int step(mp_ctx *c, json_t *j, size_t idx, mp_step *st)
{
	static const char *const known[] = { "when", "action", "milestone", "status", "stage",
					     "reason", "outcome", "note", "follow_up_days", "time",
					     NULL };
	static const char *const parts[MP_PARTS] = { "action", "milestone", "status", "stage",
						     "reason", "outcome", "note" };
	char where[64];
	json_t *w, *fu, *t;
	int rc;

	snprintf(where, sizeof where, "dispositions[%zu]", idx);
	st->when_slot = -1;
	st->time.slot = -1;
	if (!json_is_object(j))
		return bad(c, where, "expected an object");
	if ((rc = only_known(c, j, where, known)))
		return rc;
	for (int p = 0; p < MP_PARTS; p++) {
		char pw[96];
		snprintf(pw, sizeof pw, "%s.%s", where, parts[p]);
		if ((rc = source(c, json_object_get(j, parts[p]), pw, &st->part[p])))
			return rc;
	}
	if (st->part[MP_ACTION].kind == MP_NONE)
		return bad(c, where, "'action' is required: every disposition names an action");
	if ((w = json_object_get(j, "when"))) {
		static const char *const wk[] = { "column", "values", NULL };
		char ww[96];
		snprintf(ww, sizeof ww, "%s.when", where);
		if (!json_is_object(w))
			return bad(c, ww, "expected {\"column\": ..., \"values\": [...]}");
		if ((rc = only_known(c, w, ww, wk)) ||
		    (rc = column_ref(c, json_object_get(w, "column"), ww, &st->when_slot)))
			return rc;
		if (!json_object_get(w, "values"))
			return bad(c, ww, "'values' is required: the cell texts that select this disposition");
		if ((rc = string_list(c, json_object_get(w, "values"), ww, &st->when, &st->nwhen)))
			return rc;
	}
	if ((fu = json_object_get(j, "follow_up_days"))) {
		if (!json_is_integer(fu) || json_integer_value(fu) < 0 || json_integer_value(fu) > 3650)
			return bad(c, where, "'follow_up_days' must be an integer from 0 to 3650");
		st->has_follow_up = true;
		st->follow_up_seconds = (int64_t)json_integer_value(fu) * DAY;
	}
	if ((t = json_object_get(j, "time"))) {
		char tw[96];
		snprintf(tw, sizeof tw, "%s.time", where);
		st->has_time = true;
		if ((rc = time_spec(c, t, tw, &st->time)))
			return rc;
	}
	return 0;
}

static int fields(mp_ctx *c, json_t *j)
{
	const char *k;
	json_t *v;
	size_t i = 0;
	if (!json_is_object(j))
		return bad(c, "fields", "expected an object: lead field -> column");
	c->m->fields = lc__calloc(json_object_size(j) + 1, sizeof *c->m->fields);
	if (!c->m->fields)
		return LC_ENOMEM;
	json_object_foreach(j, k, v) {
		mp_field *f = &c->m->fields[i];
		lc_lead_text_field tf;
		int rc;
		static const struct {
			const char *name;
			int field;
		} extra[] = { { "probability", MP_F_PROBABILITY },
			      { "start", MP_F_START },
			      { "expected_completion", MP_F_EXPECTED_COMPLETION },
			      { "agent", MP_F_AGENT },
			      { "unit", MP_F_UNIT },
			      { "amount", MP_F_AMOUNT },
			      { "currency", MP_F_CURRENCY },
			      { "products", MP_F_PRODUCTS } };
		f->field = -1;
		for (size_t e = 0; e < LC_ARRAY_LEN(extra); e++)
			if (strcmp(k, extra[e].name) == 0)
				f->field = extra[e].field;
		if (f->field == MP_F_CURRENCY && json_is_object(v)) {
			/* {"fixed": "USD"}: one currency for every row. */
			json_t *fx = json_object_get(v, "fixed");
			const char *code = json_is_string(fx) ? json_string_value(fx) : "";
			if (json_object_size(v) != 1 || strlen(code) != 3 || code[0] < 'A' ||
			    code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' || code[2] < 'A' || code[2] > 'Z')
				return bad(c, "fields", "'currency' is a column name or {\"fixed\": \"USD\"} "
							"(an ISO 4217 code, three upper-case letters)");
			if (!(c->m->currency = lc__strdup(code)))
				return LC_ENOMEM;
			continue;
		}
		if (f->field < 0 && lc_lead_text_parse(k, &tf) == 0)
			f->field = (int)tf;
		if (f->field < 0)
			return bad(c, "fields",
				   "unknown lead field '%s'; use external_id, name, email, phone, company, "
				   "type, category, priority, importance, source, lost_reason, owner_group, "
				   "segment, account, probability, start, expected_completion, agent, unit, amount, "
				   "currency or products (or 'attributes' for anything else)",
				   k);
		if ((rc = column_ref(c, v, "fields", &f->slot)))
			return rc;
		c->m->nfields = ++i;
	}
	return 0;
}

static int attributes(mp_ctx *c, json_t *j)
{
	const char *k;
	json_t *v;
	size_t i = 0;
	if (!json_is_object(j))
		return bad(c, "attributes", "expected an object: attribute key -> column");
	c->m->attrs = lc__calloc(json_object_size(j) + 1, sizeof *c->m->attrs);
	if (!c->m->attrs)
		return LC_ENOMEM;
	json_object_foreach(j, k, v) {
		int rc;
		if (!*k || strlen(k) > LC_LEAD_ATTR_KEY_MAX)
			return bad(c, "attributes", "attribute key '%s' must be 1 to 64 bytes", k);
		if (!(c->m->attrs[i].key = lc__strdup(k)))
			return LC_ENOMEM;
		c->m->nattrs = i + 1;
		if ((rc = column_ref(c, v, "attributes", &c->m->attrs[i].slot)))
			return rc;
		i++;
	}
	return 0;
}

static int flags(mp_ctx *c, json_t *j)
{
	static const char *const known[] = { "column", "values", NULL };
	const char *k;
	json_t *v;
	size_t i = 0;
	if (!json_is_object(j))
		return bad(c, "flags", "expected an object: flag -> column");
	c->m->flags = lc__calloc(json_object_size(j) + 1, sizeof *c->m->flags);
	if (!c->m->flags)
		return LC_ENOMEM;
	json_object_foreach(j, k, v) {
		mp_flag *f = &c->m->flags[i];
		int rc;
		if (strcmp(k, "do_not_call") == 0)
			f->flag = LC_LEAD_DO_NOT_CALL;
		else if (strcmp(k, "do_not_email") == 0)
			f->flag = LC_LEAD_DO_NOT_EMAIL;
		else if (strcmp(k, "automation_stopped") == 0)
			f->flag = LC_LEAD_AUTOMATION_STOPPED;
		else
			return bad(c, "flags",
				   "unknown flag '%s'; use do_not_call, do_not_email or automation_stopped",
				   k);
		c->m->nflags = ++i;
		if (json_is_string(v)) {
			static const char *const yes[] = { "yes", "y", "true", "1" };
			if ((rc = column_ref(c, v, "flags", &f->slot)))
				return rc;
			f->yes = lc__calloc(LC_ARRAY_LEN(yes), sizeof *f->yes);
			if (!f->yes)
				return LC_ENOMEM;
			for (size_t y = 0; y < LC_ARRAY_LEN(yes); y++)
				if (!(f->yes[f->nyes++] = lc__strdup(yes[y])))
					return LC_ENOMEM;
			continue;
		}
		if (!json_is_object(v))
			return bad(c, "flags",
				   "flag '%s' needs a column name or {\"column\": ..., \"values\": [...]}", k);
		if ((rc = only_known(c, v, "flags", known)) ||
		    (rc = column_ref(c, json_object_get(v, "column"), "flags", &f->slot)))
			return rc;
		if (!json_object_get(v, "values"))
			return bad(c, "flags", "flag '%s' needs 'values': the cell texts that set it", k);
		if ((rc = string_list(c, json_object_get(v, "values"), "flags", &f->yes, &f->nyes)))
			return rc;
	}
	return 0;
}

static int load(mp_ctx *c, json_t *root)
{
	static const char *const known[] = { "format", "description", "dedupe", "placeholders",
					     "time", "actor", "fields", "attributes", "flags",
					     "dispositions", "create_agents", "create_units",
					     "email_local_part_case", "update_external_id", NULL };
	static const char *const bools[] = { "create_agents", "create_units", "update_external_id" };
	bool *const bool_dst[] = { &c->m->create_agents, &c->m->create_units,
				   &c->m->update_external_id };
	json_t *v;
	int rc;

	if (!json_is_object(root))
		return bad(c, "top level", "expected an object");
	if ((rc = only_known(c, root, "top level", known)))
		return rc;
	v = json_object_get(root, "format");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return bad(c, "format", "'format' must be 1 (the mapping format this library reads)");
	if ((v = json_object_get(root, "description")) && !json_is_string(v))
		return bad(c, "description", "expected a string");
	if ((v = json_object_get(root, "dedupe")) && !json_is_null(v)) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";
		if (strcmp(s, "external_id") == 0)
			c->m->dedupe = MP_DEDUPE_EXTERNAL_ID;
		else if (strcmp(s, "email") == 0)
			c->m->dedupe = MP_DEDUPE_EMAIL;
		else
			return bad(c, "dedupe", "'%s' is not a dedupe key; use \"external_id\" or \"email\"",
				   s);
	}
	for (size_t i = 0; i < LC_ARRAY_LEN(bools); i++)
		if ((v = json_object_get(root, bools[i]))) {
			if (!json_is_boolean(v))
				return bad(c, bools[i], "expected true or false");
			*bool_dst[i] = json_is_true(v);
		}
	if ((v = json_object_get(root, "email_local_part_case"))) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";
		if (strcmp(s, "fold") != 0 && strcmp(s, "keep") != 0)
			return bad(c, "email_local_part_case",
				   "expected \"fold\" (the default: Ann@x.io matches ann@x.io) or \"keep\"");
		c->m->email_keep_local_case = strcmp(s, "keep") == 0;
	}
	if ((v = json_object_get(root, "placeholders")) &&
	    (rc = string_list(c, v, "placeholders", &c->m->placeholders, &c->m->nplaceholders)))
		return rc;
	if ((v = json_object_get(root, "time")) && (rc = time_spec(c, v, "time", &c->m->time)))
		return rc;
	if ((v = json_object_get(root, "actor"))) {
		if (!json_is_string(v) || !*json_string_value(v) || strlen(json_string_value(v)) > 256)
			return bad(c, "actor", "expected a name of 1 to 256 bytes");
		if (!(c->m->actor = lc__strdup(json_string_value(v))))
			return LC_ENOMEM;
	}
	if ((v = json_object_get(root, "fields")) && (rc = fields(c, v)))
		return rc;
	if ((v = json_object_get(root, "attributes")) && (rc = attributes(c, v)))
		return rc;
	if ((v = json_object_get(root, "flags")) && (rc = flags(c, v)))
		return rc;
	if ((v = json_object_get(root, "dispositions"))) {
		size_t i;
		json_t *e;
		if (!json_is_array(v))
			return bad(c, "dispositions", "expected an array of dispositions");
		c->m->steps = lc__calloc(json_array_size(v) + 1, sizeof *c->m->steps);
		if (!c->m->steps)
			return LC_ENOMEM;
		json_array_foreach(v, i, e) {
			c->m->nsteps = i + 1;
			if ((rc = step(c, e, i, &c->m->steps[i])))
				return rc;
		}
	}
	{
		bool amount = false, currency = c->m->currency != NULL;
		for (size_t i = 0; i < c->m->nfields; i++) {
			amount |= c->m->fields[i].field == MP_F_AMOUNT;
			currency |= c->m->fields[i].field == MP_F_CURRENCY;
		}
		if (amount != currency)
			return bad(c, "fields", amount ? "'amount' needs 'currency': a column, or {\"fixed\": \"USD\"}"
						       : "'currency' is the currency of 'amount', which is not mapped");
	}
	if (c->m->dedupe == MP_DEDUPE_EXTERNAL_ID || c->m->dedupe == MP_DEDUPE_EMAIL) {
		int want = c->m->dedupe == MP_DEDUPE_EXTERNAL_ID ? LC_LEAD_EXTERNAL_ID : LC_LEAD_EMAIL;
		bool have = false;
		for (size_t i = 0; i < c->m->nfields; i++)
			have |= c->m->fields[i].field == want;
		if (!have)
			return bad(c, "dedupe", "dedupe by %s needs a column for it in 'fields'",
				   want == LC_LEAD_EXTERNAL_ID ? "external_id" : "email");
	}
	return 0;
}

static void free_strings(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		lc__free(v[i]);
	lc__free(v);
}

void lc_mapping_free(lc_mapping *m)
{
	if (!m)
		return;
	lc__free(m->source);
	free_strings(m->columns, m->ncolumns);
	free_strings(m->placeholders, m->nplaceholders);
	lc__free(m->actor);
	lc__free(m->currency);
	lc__free(m->time.format);
	lc__free(m->fields);
	if (m->attrs)
		for (size_t i = 0; i < m->nattrs; i++)
			lc__free(m->attrs[i].key);
	lc__free(m->attrs);
	if (m->flags)
		for (size_t i = 0; i < m->nflags; i++)
			free_strings(m->flags[i].yes, m->flags[i].nyes);
	lc__free(m->flags);
	if (m->steps)
		for (size_t i = 0; i < m->nsteps; i++) {
			mp_step *st = &m->steps[i];
			free_strings(st->when, st->nwhen);
			lc__free(st->time.format);
			for (int p = 0; p < MP_PARTS; p++) {
				mp_source *s = &st->part[p];
				lc__free(s->constant);
				lc__free(s->deflt);
				free_strings(s->from, s->nmap);
				free_strings(s->to, s->nmap);
			}
		}
	lc__free(m->steps);
	lc__free(m);
}

int lc_mapping_load_string(lc_mapping **out, const char *json, const char *source_name)
{
	json_error_t err;
	json_t *root;
	mp_ctx c;
	int rc;

	if (out)
		*out = NULL;
	LC__ARG(out, "out");
	LC__ARG(json, "json");
	if ((rc = lc__check_text(json, (size_t)16 << 20, "mapping text", false)))
		return rc;
	c.src = source_name ? source_name : "mapping";
	root = json_loads(json, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return lc__error(LC_EFORMAT, "%s:%d:%d: %s", c.src, err.line, err.column, err.text);
	c.m = lc__calloc(1, sizeof *c.m);
	if (!c.m) {
		json_decref(root);
		return LC_ENOMEM;
	}
	c.m->time.slot = -1;
	rc = load(&c, root);
	if (!rc && !(c.m->source = lc__strdup(c.src)))
		rc = LC_ENOMEM;
	json_decref(root);
	if (rc) {
		if (rc == LC_ENOMEM)
			lc__error(LC_ENOMEM, "%s: out of memory while reading the mapping", c.src);
		lc_mapping_free(c.m);
		return rc;
	}
	*out = c.m;
	return 0;
}

int lc_mapping_load_file(lc_mapping **out, const char *path)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (out)
		*out = NULL;
	LC__ARG(out, "out");
	LC__ARG(path, "path");
	f = fopen(path, "rb");
	if (!f)
		return lc__error(LC_EIO, "cannot open mapping '%s': %s", path, strerror(errno));
	for (;;) {
		size_t got;
		if (cap - len < 4096) {
			char *t;
			if (cap > ((size_t)16 << 20)) {
				fclose(f);
				lc__free(text);
				return lc__error(LC_ERANGE, "mapping '%s' is larger than 16 MiB", path);
			}
			t = lc__realloc(text, cap ? cap * 2 : 8192);
			if (!t) {
				fclose(f);
				lc__free(text);
				return LC_ENOMEM;
			}
			text = t;
			cap = cap ? cap * 2 : 8192;
		}
		got = fread(text + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		lc__free(text);
		return lc__error(LC_EIO, "cannot read mapping '%s'", path);
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		lc__free(text);
		return lc__error(LC_EFORMAT, "%s: the mapping holds a NUL byte; it must be UTF-8 JSON text",
				 path);
	}
	rc = lc_mapping_load_string(out, text, path);
	lc__free(text);
	return rc;
}
