/*
 * The model reader: checks a JSON model document (format 1) and builds the
 * in-memory model. The same checker serves the builder, which hands it a
 * document without text (so its problems carry no line and column).
 *
 * The check never stops at the first problem: every problem is collected,
 * with the position of the member or element it is about.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/table.h"
#include "model/model_priv.h"

#define PATH_MAX_LEN 384
/* A file with more problems than this is not worth listing further. */
#define MAX_PROBLEMS 500

typedef struct ctx {
	const char *source;
	const char *text; /* NULL for the builder */
	lc_locator *loc;
	bool loc_tried;
	struct lc_model_problems *probs;
	size_t first_problem; /* probs->n when this check began */
	bool nomem;
	lc_model *m;
	const json_t *ax[LC__AXIS_SLOTS];
	/* The axis was given but is broken (wrong type, bad values): references
	 * into it that fail are not reported again. */
	bool incomplete[LC__AXIS_SLOTS];
} ctx;

/* ---- problems ---- */

void lc__problems_clear(struct lc_model_problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		lc__free(p->v[i].text);
	lc__free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

int lc__problems_add(struct lc_model_problems *p, uint32_t line, uint32_t column, char *text)
{
	if (p->n == p->cap) {
		lc_problem *v = lc__grow(p->v, &p->cap, sizeof *v, 8);
		if (!v) {
			lc__free(text);
			return LC_ENOMEM;
		}
		p->v = v;
	}
	p->v[p->n].line = line;
	p->v[p->n].column = column;
	p->v[p->n].text = text;
	p->n++;
	return 0;
}

int lc__problems_raise(const struct lc_model_problems *p)
{
	/* The last error holds about 1 KiB: list what fits, then say how many
	 * more there are and where to get them all. */
	char msg[1024];
	size_t len = 0, shown = 0;
	const size_t budget = 880;

	msg[0] = '\0';
	for (size_t i = 0; i < p->n; i++) {
		size_t t = strlen(p->v[i].text);
		if (len + t + 1 > budget && shown > 0)
			break;
		len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%.*s", shown ? "\n" : "",
					(int)(budget - len > t ? t : budget - len), p->v[i].text);
		shown++;
	}
	if (shown < p->n)
		snprintf(msg + len, sizeof msg - len,
			 "\n... and %zu more problem%s (lc_model_check_string() lists them all)",
			 p->n - shown, p->n - shown == 1 ? "" : "s");
	return lc__error(LC_EFORMAT, "%s", msg);
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *s;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	s = lc__malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *format(const char *fmt, ...) LC_PRINTF(1, 2);
static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	return s;
}

static void add_problem(ctx *c, uint32_t line, uint32_t col, const char *msg)
{
	char *text;

	if (c->nomem)
		return;
	if (c->probs->n - c->first_problem > MAX_PROBLEMS)
		return;
	if (c->probs->n - c->first_problem == MAX_PROBLEMS) {
		line = col = 0;
		msg = "too many problems; fix the ones above and check again";
	}
	if (line)
		text = format("%s:%u:%u: %s", c->source, line, col, msg);
	else
		text = format("%s: %s", c->source, msg);
	if (!text || lc__problems_add(c->probs, line, col, text) != 0)
		c->nomem = true;
}

/* A problem about the value at `path`; at_key points at the member's name
 * (unknown fields, duplicates) instead of its value. */
static void problem(ctx *c, const char *path, bool at_key, const char *fmt, ...) LC_PRINTF(4, 5);
static void problem(ctx *c, const char *path, bool at_key, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	uint32_t line = 0, col = 0;

	if (c->nomem || c->probs->n - c->first_problem > MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	if (!msg) {
		c->nomem = true;
		return;
	}
	if (c->text) {
		if (!c->loc_tried) {
			c->loc_tried = true;
			if (lc__locator_new(&c->loc, c->text) != 0) {
				c->nomem = true;
				lc__free(msg);
				return;
			}
		}
		/* Walk up to the nearest located ancestor (a missing member is
		 * reported at its object). */
		char p[PATH_MAX_LEN];
		snprintf(p, sizeof p, "%s", path);
		for (;;) {
			uint32_t kl, kc, vl, vc;
			if (lc__locator_find(c->loc, p, &kl, &kc, &vl, &vc)) {
				if (at_key && kl) {
					line = kl;
					col = kc;
				} else {
					line = vl;
					col = vc;
				}
				break;
			}
			char *slash = strrchr(p, '/');
			if (!slash) {
				line = col = 1;
				break;
			}
			*slash = '\0';
			at_key = false;
		}
	}
	add_problem(c, line, col, msg);
	lc__free(msg);
}

/* ---- paths ---- */

static void pjoin(char *out, size_t size, const char *base, const char *name)
{
	size_t o = (size_t)snprintf(out, size, "%s/", base);
	for (; *name && o + 3 < size; name++) {
		if (*name == '~') {
			out[o++] = '~';
			out[o++] = '0';
		} else if (*name == '/') {
			out[o++] = '~';
			out[o++] = '1';
		} else {
			out[o++] = *name;
		}
	}
	if (o < size)
		out[o] = '\0';
}

static void pidx(char *out, size_t size, const char *base, size_t i)
{
	/* paths are for positions only: a cut one falls back to its ancestor */
	int n = snprintf(out, size, "%s/%zu", base, i);
	if (n < 0 || (size_t)n >= size)
		out[size - 1] = '\0';
}

/* ---- field names and suggestions ---- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];
	if (la > 64 || lb > 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *closest(const char *name, const char *const *known, size_t n)
{
	const char *best = NULL;
	size_t bd = 99;
	for (size_t i = 0; i < n; i++) {
		if (!known[i])
			continue;
		size_t d = edit_distance(name, known[i]);
		if (d < bd) {
			bd = d;
			best = known[i];
		}
	}
	/* only a near miss is worth suggesting: at most half the longer name differs */
	if (best && bd <= 3 && bd * 2 <= (strlen(best) > strlen(name) ? strlen(best) : strlen(name)))
		return best;
	return NULL;
}

static void list_names(char *out, size_t size, const char *const *known, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++)
		if (known[i])
			o += (size_t)snprintf(out + o, size - o, "%s%s", o ? ", " : "", known[i]);
}

/* Reports every member of obj that is not in known[]. */
static void check_fields(ctx *c, const json_t *obj, const char *path, const char *what,
			 const char *const *known, size_t n)
{
	const char *k;
	const json_t *v;
	char p[PATH_MAX_LEN], list[512];

	json_object_foreach((json_t *)obj, k, v)
	{
		bool ok = false;
		for (size_t i = 0; i < n && !ok; i++)
			ok = known[i] && strcmp(k, known[i]) == 0;
		if (ok)
			continue;
		pjoin(p, sizeof p, path, k);
		const char *s = closest(k, known, n);
		if (s) {
			problem(c, p, true, "unknown field \"%.64s\" in %s; did you mean \"%s\"?", k,
				what, s);
		} else {
			list_names(list, sizeof list, known, n);
			problem(c, p, true, "unknown field \"%.64s\" in %s; the fields are: %s", k,
				what, list);
		}
	}
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* A string member: NULL when absent or bad (problems reported). */
static const char *get_string(ctx *c, const json_t *obj, const char *path, const char *name,
			      const char *what, bool required, size_t max)
{
	const json_t *v = json_object_get(obj, name);
	char p[PATH_MAX_LEN];
	const char *s;

	pjoin(p, sizeof p, path, name);
	if (!v) {
		if (required)
			problem(c, path, false, "%s has no \"%s\"; add it (a string)", what, name);
		return NULL;
	}
	if (!json_is_string(v)) {
		problem(c, p, false, "\"%s\" of %s must be a string, not %s", name, what,
			type_name(v));
		return NULL;
	}
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s)) {
		problem(c, p, false, "\"%s\" of %s contains a NUL character; remove it", name, what);
		return NULL;
	}
	if (strlen(s) > max) {
		problem(c, p, false, "\"%s\" of %s is %zu bytes long; shorten it to at most %zu",
			name, what, strlen(s), max);
		return NULL;
	}
	return s;
}

/* ---- values ---- */

#define VALUE_FIELDS_MAX 12
static const char *const value_fields[LC__AXIS_SLOTS][VALUE_FIELDS_MAX] = {
	[LC_AXIS_ACTION] = { "key", "label", "aliases", "description", "flags", "requires" },
	[LC_AXIS_MILESTONE] = { "key", "label", "aliases", "description", "flags", "requires",
				"blocks", "closed" },
	[LC_AXIS_STATUS] = { "key", "label", "aliases", "description", "flags", "requires",
			     "blocks", "lifecycle", "closed" },
	[LC_AXIS_PHASE] = { "key", "label", "aliases", "description", "flags", "closed" },
	[LC_AXIS_STAGE] = { "key", "label", "aliases", "description", "flags", "requires",
			    "blocks", "phase", "closed", "lifecycles" },
	[LC_AXIS_LIFECYCLE] = { "key", "label", "aliases", "description", "flags" },
	[LC_AXIS_REASON] = { "key", "label", "aliases", "description", "flags", "requires",
			     "stage", "outcomes", "lost" },
	/* The record's lists: plain values, and a type's attributes. */
	[LC_AXIS_SOURCE] = { "key", "label", "aliases", "description" },
	[LC_AXIS_TYPE] = { "key", "label", "aliases", "description", "attributes" },
	[LC_AXIS_CATEGORY] = { "key", "label", "aliases", "description" },
	[LC_AXIS_PRIORITY] = { "key", "label", "aliases", "description" },
};

/* "aliases": other names lookups accept, each a non-empty string. */
static void read_aliases(ctx *c, lc_value *v, const json_t *arr, const char *path,
			 const char *what)
{
	const json_t *e;
	size_t i;
	char p[PATH_MAX_LEN];

	if (!json_is_array(arr) || json_array_size(arr) > LC_MAX_ALIASES) {
		problem(c, path, false, "\"aliases\" of %s must be an array of at most %d strings",
			what, LC_MAX_ALIASES);
		return;
	}
	v->aliases = lc__calloc(json_array_size(arr) + 1, sizeof *v->aliases);
	if (!v->aliases) {
		c->nomem = true;
		return;
	}
	json_array_foreach((json_t *)arr, i, e)
	{
		const char *t = json_string_value(e);
		char num[24];
		snprintf(num, sizeof num, "%zu", i);
		pjoin(p, sizeof p, path, num);
		if (!t || !*t || strlen(t) > LC_MODEL_LABEL_MAX ||
		    !lc__utf8_valid(t, strlen(t))) {
			problem(c, p, false,
				"an alias of %s must be a non-empty UTF-8 string of at most %d bytes",
				what, LC_MODEL_LABEL_MAX);
			continue;
		}
		if (!(v->aliases[v->naliases] = lc__strdup(t))) {
			c->nomem = true;
			return;
		}
		v->naliases++;
	}
}

/* Where a field that is not allowed on this axis belongs, for a clearer message. */
static const char *field_home(const char *field)
{
	if (strcmp(field, "phase") == 0)
		return "stages";
	if (strcmp(field, "lifecycle") == 0)
		return "statuses";
	if (strcmp(field, "stage") == 0 || strcmp(field, "outcomes") == 0 ||
	    strcmp(field, "lost") == 0)
		return "reasons";
	if (strcmp(field, "blocks") == 0)
		return "milestones, statuses and stages";
	if (strcmp(field, "attributes") == 0)
		return "types";
	if (strcmp(field, "closed") == 0)
		return "milestones, statuses, phases and stages (life-cycle states say won or lost "
		       "with their flags)";
	if (strcmp(field, "lifecycles") == 0)
		return "stages";
	/* nothing chooses a phase or a life-cycle state directly: the engine
	 * would never look at their requirements */
	if (strcmp(field, "requires") == 0)
		return "actions, milestones, statuses, stages and reasons";
	return NULL;
}

static uint32_t name_bits(ctx *c, const json_t *arr, const char *path, const char *field,
			  const char *what, const char *const *names, size_t n)
{
	uint32_t bits = 0;
	size_t i;
	const json_t *e;
	char p[PATH_MAX_LEN], list[512];

	if (!json_is_array(arr)) {
		problem(c, path, false, "\"%s\" of %s must be an array of strings, not %s", field,
			what, type_name(arr));
		return 0;
	}
	json_array_foreach((json_t *)arr, i, e)
	{
		size_t k;
		pidx(p, sizeof p, path, i);
		if (!json_is_string(e)) {
			problem(c, p, false, "each entry of \"%s\" must be a string, not %s", field,
				type_name(e));
			continue;
		}
		for (k = 0; k < n; k++)
			if (strcmp(json_string_value(e), names[k]) == 0)
				break;
		if (k < n) {
			bits |= 1u << k;
			continue;
		}
		const char *s = closest(json_string_value(e), names, n);
		list_names(list, sizeof list, names, n);
		if (s)
			problem(c, p, false, "unknown %s \"%.64s\" in %s; did you mean \"%s\"?",
				field, json_string_value(e), what, s);
		else
			problem(c, p, false, "unknown %s \"%.64s\" in %s; use: %s", field,
				json_string_value(e), what, list);
	}
	return bits;
}

static const char *axis1(lc_axis a)
{
	return lc_axis_name(a);
}

/* A type's "attributes": [{"key": ..., "default": ...}], each key once. */
static void read_attribute(ctx *c, lc_type_attr *t, const json_t *o, const char *path,
			   const char *what)
{
	static const char *const fields[] = { "key", "default" };
	const char *key, *def;

	if (!json_is_object(o)) {
		problem(c, path, false, "each attribute of %s must be an object with a \"key\", not %s",
			what, type_name(o));
		return;
	}
	check_fields(c, o, path, "an attribute", fields, LC_ARRAY_LEN(fields));
	key = get_string(c, o, path, "key", "an attribute", true, LC_KEY_MAX);
	def = get_string(c, o, path, "default", "an attribute", false, LC_LEAD_TEXT_MAX);
	if (key && !lc__key_valid(key)) {
		char p[PATH_MAX_LEN];
		pjoin(p, sizeof p, path, "key");
		problem(c, p, false,
			"attribute key \"%.80s\" of %s is not a valid key; use lowercase letters, "
			"digits and '_', starting with a letter",
			key, what);
		return;
	}
	if (!key)
		return;
	t->key = lc__strdup(key);
	t->def = def ? lc__strdup(def) : NULL;
	if (!t->key || (def && !t->def))
		c->nomem = true;
}

static void read_attributes(ctx *c, lc_value *v, const json_t *arr, const char *path,
			    const char *what)
{
	const json_t *e;
	size_t i;
	char p[PATH_MAX_LEN];

	if (!json_is_array(arr) || json_array_size(arr) > LC_MAX_TYPE_ATTRS) {
		problem(c, path, false,
			"\"attributes\" of %s must be an array of at most %d {\"key\", \"default\"} "
			"objects",
			what, LC_MAX_TYPE_ATTRS);
		return;
	}
	v->has_attrs = true;
	v->attrs = lc__calloc(json_array_size(arr) + 1, sizeof *v->attrs);
	if (!v->attrs) {
		c->nomem = true;
		return;
	}
	json_array_foreach((json_t *)arr, i, e)
	{
		lc_type_attr *t = &v->attrs[v->nattrs];
		pidx(p, sizeof p, path, i);
		read_attribute(c, t, e, p, what);
		if (!t->key)
			continue;
		for (uint32_t k = 0; k < v->nattrs; k++)
			if (strcmp(v->attrs[k].key, t->key) == 0) {
				problem(c, p, false, "%s lists attribute \"%s\" twice; keep one", what,
					t->key);
				break;
			}
		v->nattrs++;
	}
}

static bool closable(lc_axis a)
{
	return a == LC_AXIS_MILESTONE || a == LC_AXIS_STATUS || a == LC_AXIS_PHASE ||
	       a == LC_AXIS_STAGE;
}

/* A closed value carries its kind: "closed": "won" or "lost". The flag
 * "closed" (how phases and stages said it first) is "closed": "lost"; the
 * flags won and lost belong to life-cycle states. */
static void read_closed(ctx *c, lc_axis a, lc_value *v, const json_t *o, const char *path,
			const char *what)
{
	const json_t *f = json_object_get(o, "closed");
	char p[PATH_MAX_LEN];
	const char *kind;

	pjoin(p, sizeof p, path, "flags");
	if (a != LC_AXIS_LIFECYCLE && (v->flags & (LC_FLAG_WON | LC_FLAG_LOST))) {
		kind = v->flags & LC_FLAG_WON ? "won" : "lost";
		if (closable(a))
			problem(c, p, false,
				"flag \"%s\" of %s is for life-cycle states; write \"closed\": "
				"\"%s\" to say the %s closes the sale",
				kind, what, kind, axis1(a));
		else
			problem(c, p, false, "flag \"%s\" of %s is for life-cycle states; drop it",
				kind, what);
		v->flags &= ~(uint32_t)(LC_FLAG_WON | LC_FLAG_LOST);
	}
	if ((v->flags & LC_FLAG_CLOSED) && !closable(a)) {
		problem(c, p, false,
			"flag \"closed\" of %s is for milestones, statuses, phases and stages; drop "
			"it",
			what);
		v->flags &= ~(uint32_t)LC_FLAG_CLOSED;
	}
	if (v->flags & LC_FLAG_CLOSED)
		v->flags |= LC_FLAG_LOST;
	if (!f || !closable(a))
		return;
	pjoin(p, sizeof p, path, "closed");
	kind = json_string_value(f);
	if (!kind || (strcmp(kind, "won") != 0 && strcmp(kind, "lost") != 0)) {
		if (kind)
			problem(c, p, false,
				"\"closed\" of %s is \"%.64s\"; a closed value is \"won\" or "
				"\"lost\"",
				what, kind);
		else
			problem(c, p, false,
				"\"closed\" of %s must be the string \"won\" or \"lost\", not %s",
				what, type_name(f));
		return;
	}
	if (strcmp(kind, "won") == 0 && (v->flags & LC_FLAG_CLOSED))
		problem(c, p, false,
			"%s is closed \"won\" and flagged \"closed\", which means lost; drop the "
			"flag",
			what);
	v->flags |= LC_FLAG_CLOSED | (strcmp(kind, "won") == 0 ? LC_FLAG_WON : LC_FLAG_LOST);
}

/* Phase 1: key, label, description, flags, requires. */
static void read_value(ctx *c, lc_axis a, size_t i, const json_t *o, const char *path)
{
	lc_value *v = &c->m->axes[a].v[i];
	const char *label, *key, *desc;
	char what[96], p[PATH_MAX_LEN];
	const json_t *f;

	v->parent = -1;
	snprintf(what, sizeof what, "%s %zu", axis1(a), i + 1);
	if (!json_is_object(o)) {
		problem(c, path, false,
			"each entry of \"%s\" must be an object with at least a \"label\", not %s",
			lc__axis_plural[a], type_name(o));
		c->incomplete[a] = true;
		return;
	}
	label = get_string(c, o, path, "label", what, true, LC_MODEL_LABEL_MAX);
	if (label) {
		snprintf(what, sizeof what, "%s \"%.64s\"", axis1(a), label);
		if (!*label) {
			pjoin(p, sizeof p, path, "label");
			problem(c, p, false, "the label of %s %zu is empty; give it a name", axis1(a),
				i + 1);
			label = NULL;
		}
	}
	/* unknown fields, with a pointer to the axis a misplaced field belongs to */
	{
		const char *k;
		const json_t *x;
		size_t nf = 0;
		while (nf < VALUE_FIELDS_MAX && value_fields[a][nf])
			nf++;
		json_object_foreach((json_t *)o, k, x)
		{
			bool ok = false;
			for (size_t j = 0; j < nf && !ok; j++)
				ok = strcmp(k, value_fields[a][j]) == 0;
			if (ok)
				continue;
			const char *home = field_home(k);
			pjoin(p, sizeof p, path, k);
			if (home) {
				problem(c, p, true, "field \"%s\" is not allowed on %s; only %s have it",
					k, lc__axis_plural[a], home);
			} else {
				const char *s = closest(k, value_fields[a], nf);
				char list[256];
				list_names(list, sizeof list, value_fields[a], nf);
				if (s)
					problem(c, p, true,
						"unknown field \"%.64s\" in %s; did you mean \"%s\"?", k,
						what, s);
				else
					problem(c, p, true,
						"unknown field \"%.64s\" in %s; the fields are: %s", k,
						what, list);
			}
		}
	}
	key = get_string(c, o, path, "key", what, false, 1024);
	desc = get_string(c, o, path, "description", what, false, LC_MODEL_DESCRIPTION_MAX);

	if (key) {
		if (!lc__key_valid(key)) {
			pjoin(p, sizeof p, path, "key");
			problem(c, p, false,
				"key \"%.80s\" of %s is not a valid key; use lowercase letters, digits "
				"and '_', starting with a letter, at most %d bytes",
				key, what, LC_KEY_MAX);
			key = NULL;
		} else {
			v->key = lc__strdup(key);
			if (!v->key)
				c->nomem = true;
		}
	} else if (label && !json_object_get(o, "key")) {
		v->key = lc__key_from_label(label);
		if (!v->key) {
			if (lc_error_last_code() == LC_ENOMEM) {
				c->nomem = true;
			} else {
				pjoin(p, sizeof p, path, "label");
				problem(c, p, false,
					"label \"%.80s\" has no letters or digits to make a key from; "
					"add a \"key\"",
					label);
			}
		} else if (!lc__key_valid(v->key)) {
			pjoin(p, sizeof p, path, "label");
			problem(c, p, false,
				"the key \"%.80s\" made from label \"%.80s\" is not a valid key (it "
				"must start with a letter and be at most %d bytes); add a \"key\"",
				v->key, label, LC_KEY_MAX);
			lc__free(v->key);
			v->key = NULL;
		}
	}
	if (label) {
		v->label = lc__strdup(label);
		if (!v->label)
			c->nomem = true;
	}
	v->description = lc__strdup(desc ? desc : "");
	if (!v->description)
		c->nomem = true;
	if (!v->key || !v->label) {
		c->incomplete[a] = true;
		/* keep the index consistent: a value without key/label is not indexed */
		lc__free(v->key);
		lc__free(v->label);
		v->key = v->label = NULL;
	}

	if ((f = json_object_get(o, "aliases")) && v->key) {
		pjoin(p, sizeof p, path, "aliases");
		read_aliases(c, v, f, p, what);
	}
	if ((f = json_object_get(o, "flags"))) {
		pjoin(p, sizeof p, path, "flags");
		v->flags = name_bits(c, f, p, "flags", what, lc__flag_names, LC__FLAG_COUNT);
	}
	if ((f = json_object_get(o, "requires")) && a != LC_AXIS_PHASE && a != LC_AXIS_LIFECYCLE) {
		pjoin(p, sizeof p, path, "requires");
		v->requires = name_bits(c, f, p, "requires", what, lc__require_names, 3);
	}
	if ((f = json_object_get(o, "attributes")) && a == LC_AXIS_TYPE) {
		pjoin(p, sizeof p, path, "attributes");
		read_attributes(c, v, f, p, what);
	}
	read_closed(c, a, v, o, path, what);
}

static void first_keys(const lc_model *m, lc_axis a, char *out, size_t size)
{
	size_t o = 0;
	out[0] = '\0';
	for (uint32_t i = 0; i < m->axes[a].n && o < size; i++) {
		if (!m->axes[a].v[i].key)
			continue;
		if (i >= 12) {
			snprintf(out + o, size - o, ", ...");
			return;
		}
		o += (size_t)snprintf(out + o, size - o, "%s%s", o ? ", " : "", m->axes[a].v[i].key);
	}
}

/* A reference by key to a value of axis a: the index or -1 (reported). */
static int32_t ref_text(ctx *c, lc_axis a, const char *text, const char *path, bool at_key,
			const char *what)
{
	const lc_model *m = c->m;
	bool is_label = false;
	int32_t j;
	char list[400];

	if (m->axes[a].n == 0) {
		if (!c->incomplete[a])
			problem(c, path, at_key, "%s refers to %s \"%.80s\", but the model has no %s",
				what, axis1(a), text, lc__axis_plural[a]);
		return -1;
	}
	j = lc__model_find_entry(m, a, text, &is_label);
	if (j < 0) {
		if (c->incomplete[a])
			return -1;
		const char *keys[LC_MAX_VALUES];
		size_t nk = 0;
		for (uint32_t i = 0; i < m->axes[a].n; i++)
			keys[nk++] = m->axes[a].v[i].key;
		const char *s = closest(text, keys, nk);
		first_keys(m, a, list, sizeof list);
		if (s)
			problem(c, path, at_key, "%s refers to unknown %s \"%.80s\"; did you mean \"%s\"?",
				what, axis1(a), text, s);
		else
			problem(c, path, at_key, "%s refers to unknown %s \"%.80s\"; use one of: %s",
				what, axis1(a), text, list);
		return -1;
	}
	if (is_label && !lc__streq_nocase(text, m->axes[a].v[j].key)) {
		problem(c, path, at_key, "%s refers to %s \"%.80s\" by its label; use its key \"%s\"",
			what, axis1(a), text, m->axes[a].v[j].key);
		return -1;
	}
	return j;
}

static int32_t ref(ctx *c, lc_axis a, const json_t *s, const char *path, const char *what)
{
	if (!json_is_string(s)) {
		problem(c, path, false, "%s must be a %s key (a string), not %s", what, axis1(a),
			type_name(s));
		return -1;
	}
	return ref_text(c, a, json_string_value(s), path, false, what);
}

/* A stage's "lifecycles": the life-cycle states it may be held in. */
static void read_stage_lifecycles(ctx *c, lc_value *v, const json_t *f, const char *path,
				  const char *what)
{
	char q[PATH_MAX_LEN];
	const json_t *e;
	size_t k;

	if (!json_is_array(f) || json_array_size(f) == 0) {
		problem(c, path, false,
			"\"lifecycles\" of %s must be a non-empty array of life-cycle keys, not %s",
			what, json_is_array(f) ? "an empty array" : type_name(f));
		return;
	}
	json_array_foreach((json_t *)f, k, e)
	{
		pidx(q, sizeof q, path, k);
		int32_t l = ref(c, LC_AXIS_LIFECYCLE, e, q, "the life-cycle states of a stage");
		if (l < 0)
			continue;
		if (l >= LC_MAX_TIED_LIFECYCLES)
			problem(c, q, false,
				"%s is tied to life-cycle state \"%s\", but a stage can be tied only "
				"to the first %d; move it up",
				what, c->m->axes[LC_AXIS_LIFECYCLE].v[l].key, LC_MAX_TIED_LIFECYCLES);
		else if (v->lifecycles & ((uint64_t)1 << l))
			problem(c, q, false, "life-cycle state \"%s\" is listed twice; remove one",
				c->m->axes[LC_AXIS_LIFECYCLE].v[l].key);
		else
			v->lifecycles |= (uint64_t)1 << l;
	}
}

/* Phase 2: references from a value. */
static void read_value_refs(ctx *c, lc_axis a, size_t i, const json_t *o, const char *path)
{
	lc_value *v = &c->m->axes[a].v[i];
	char what[128], p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	const json_t *f, *e;
	size_t k;

	if (!json_is_object(o))
		return;
	if (v->key)
		snprintf(what, sizeof what, "%s \"%s\"", axis1(a), v->key);
	else
		snprintf(what, sizeof what, "%s %zu", axis1(a), i + 1);

	if ((f = json_object_get(o, "blocks")) &&
	    (a == LC_AXIS_MILESTONE || a == LC_AXIS_STATUS || a == LC_AXIS_STAGE)) {
		pjoin(p, sizeof p, path, "blocks");
		if (!json_is_array(f)) {
			problem(c, p, false, "\"blocks\" of %s must be an array of action keys, not %s",
				what, type_name(f));
		} else {
			json_array_foreach((json_t *)f, k, e)
			{
				pidx(q, sizeof q, p, k);
				int32_t ai = ref(c, LC_AXIS_ACTION, e, q, "a block");
				if (ai >= 0 && ai < LC_MAX_ACTIONS)
					v->blocks |= (uint64_t)1 << ai;
			}
		}
	}
	if (a == LC_AXIS_STAGE) {
		f = json_object_get(o, "phase");
		pjoin(p, sizeof p, path, "phase");
		if (f)
			v->parent = ref(c, LC_AXIS_PHASE, f, p, "the phase of a stage");
		else if (c->m->axes[LC_AXIS_PHASE].n > 0) {
			first_keys(c->m, LC_AXIS_PHASE, q, sizeof q);
			problem(c, path, false, "%s has no \"phase\"; add one of: %s", what, q);
		}
	}
	if (a == LC_AXIS_STAGE && (f = json_object_get(o, "lifecycles"))) {
		pjoin(p, sizeof p, path, "lifecycles");
		read_stage_lifecycles(c, v, f, p, what);
	}
	if (a == LC_AXIS_STATUS && (f = json_object_get(o, "lifecycle"))) {
		pjoin(p, sizeof p, path, "lifecycle");
		v->parent = ref(c, LC_AXIS_LIFECYCLE, f, p, "the life-cycle state of a status");
	}
	if (a == LC_AXIS_REASON) {
		if ((f = json_object_get(o, "stage"))) {
			pjoin(p, sizeof p, path, "stage");
			v->parent = ref(c, LC_AXIS_STAGE, f, p, "the stage of a reason");
		}
		if ((f = json_object_get(o, "outcomes"))) {
			pjoin(p, sizeof p, path, "outcomes");
			if (!json_is_array(f)) {
				problem(c, p, false, "\"outcomes\" of %s must be an array of outcome keys, not %s",
					what, type_name(f));
			} else {
				json_array_foreach((json_t *)f, k, e)
				{
					lc_outcome oc;
					pidx(q, sizeof q, p, k);
					if (!json_is_string(e) ||
					    lc_outcome_parse(json_string_value(e), &oc) != 0 ||
					    oc == LC_OUTCOME_NONE) {
						problem(c, q, false,
							"%s lists an unknown outcome; use progressing, go_back, "
							"exiting, problem, no_change or no_contact",
							what);
						continue;
					}
					v->reason_outcomes |= 1u << oc;
				}
			}
		}
		if ((f = json_object_get(o, "lost"))) {
			pjoin(p, sizeof p, path, "lost");
			if (!json_is_boolean(f))
				problem(c, p, false, "\"lost\" of %s must be true or false, not %s", what,
					type_name(f));
			else
				v->lost_reason = json_is_true(f);
		}
	}
}

/* Duplicate keys and labels that would make lookups ambiguous. */
static void check_duplicates(ctx *c, lc_axis a)
{
	const lc_model *m = c->m;
	char p[PATH_MAX_LEN];

	for (uint32_t i = 0; i < m->axes[a].n; i++) {
		const lc_value *v = &m->axes[a].v[i];
		const json_t *o = json_array_get(c->ax[a], i);
		bool is_label = false;
		int32_t j;

		if (!v->key)
			continue;
		j = lc__model_find_entry(m, a, v->key, &is_label);
		if (j >= 0 && (uint32_t)j != i) {
			const lc_value *w = &m->axes[a].v[j];
			if (json_object_get(o, "key")) {
				snprintf(p, sizeof p, "/%s/%u/key", lc__axis_plural[a], i);
				problem(c, p, false,
					"duplicate %s key \"%s\": %s %d has it too; keys must be unique "
					"within an axis",
					axis1(a), v->key, axis1(a), j + 1);
			} else {
				snprintf(p, sizeof p, "/%s/%u/label", lc__axis_plural[a], i);
				problem(c, p, false,
					"duplicate %s key \"%s\": label \"%.80s\" gives the same key as "
					"%s %d (\"%.80s\"); give one of them an explicit \"key\"",
					axis1(a), v->key, v->label, axis1(a), j + 1, w->label);
			}
			continue;
		}
		for (uint32_t k = 0; k < v->naliases; k++) {
			j = lc__model_find_entry(m, a, v->aliases[k], NULL);
			if (j >= 0 && (uint32_t)j != i) {
				snprintf(p, sizeof p, "/%s/%u/aliases/%u", lc__axis_plural[a], i, k);
				problem(c, p, false,
					"alias \"%.80s\" of %s \"%s\" already names %s %d; lookups "
					"would be ambiguous",
					v->aliases[k], axis1(a), v->key, axis1(a), j + 1);
			}
		}
		j = lc__model_find_entry(m, a, v->label, &is_label);
		if (j >= 0 && (uint32_t)j != i) {
			snprintf(p, sizeof p, "/%s/%u/label", lc__axis_plural[a], i);
			if (is_label)
				problem(c, p, false,
					"duplicate %s label \"%.80s\": %s %d has it too; labels must be "
					"unique within an axis (case does not count)",
					axis1(a), v->label, axis1(a), j + 1);
			else
				problem(c, p, false,
					"label \"%.80s\" of %s \"%s\" is the key of %s %d; lookups would "
					"be ambiguous, rename one of them",
					v->label, axis1(a), v->key, axis1(a), j + 1);
		}
	}
}

/* ---- model-level sections ---- */

static void read_links(ctx *c, const json_t *links)
{
	lc_model *m = c->m;
	uint32_t ns = m->axes[LC_AXIS_STATUS].n;
	const char *k;
	const json_t *row;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];

	if (!json_is_object(links)) {
		problem(c, "/links", false,
			"\"links\" must be an object mapping milestone keys to arrays of status "
			"keys, not %s",
			type_name(links));
		return;
	}
	if (json_object_size(links) && (m->axes[LC_AXIS_MILESTONE].n == 0 || ns == 0)) {
		if (!c->incomplete[LC_AXIS_MILESTONE] && !c->incomplete[LC_AXIS_STATUS])
			problem(c, "/links", false,
				"\"links\" needs both milestones and statuses; add them or remove "
				"\"links\"");
		return;
	}
	json_object_foreach((json_t *)links, k, row)
	{
		int32_t mi;
		size_t i;
		const json_t *e;
		pjoin(p, sizeof p, "/links", k);
		mi = ref_text(c, LC_AXIS_MILESTONE, k, p, true, "a link");
		if (!json_is_array(row)) {
			problem(c, p, false,
				"the links of milestone \"%.80s\" must be an array of status keys, not %s",
				k, type_name(row));
			continue;
		}
		if (mi < 0)
			continue;
		m->linked[mi] = true;
		memset(m->links + (size_t)mi * ns, 0, ns);
		json_array_foreach((json_t *)row, i, e)
		{
			pidx(q, sizeof q, p, i);
			int32_t si = ref(c, LC_AXIS_STATUS, e, q, "a link");
			if (si < 0)
				continue;
			if (m->links[(size_t)mi * ns + (size_t)si])
				problem(c, q, false, "status \"%s\" is linked to milestone \"%s\" twice; "
					"remove one", m->axes[LC_AXIS_STATUS].v[si].key,
					m->axes[LC_AXIS_MILESTONE].v[mi].key);
			m->links[(size_t)mi * ns + (size_t)si] = 1;
		}
	}
}

static int32_t lifecycle_or_any(ctx *c, const json_t *o, const char *path, const char *name)
{
	const json_t *v = json_object_get(o, name);
	char p[PATH_MAX_LEN];
	pjoin(p, sizeof p, path, name);
	if (!v) {
		problem(c, path, false, "a crossing has no \"%s\"; add a life-cycle key or \"*\"",
			name);
		return -2;
	}
	if (json_is_string(v) && strcmp(json_string_value(v), "*") == 0)
		return -1;
	int32_t r = ref(c, LC_AXIS_LIFECYCLE, v, p, "a crossing");
	return r < 0 ? -2 : r;
}

static void read_crossings(ctx *c, const json_t *arr)
{
	static const char *const fields[] = { "action", "from", "to" };
	lc_model *m = c->m;
	size_t i;
	const json_t *o;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];

	if (!json_is_array(arr)) {
		problem(c, "/crossings", false,
			"\"crossings\" must be an array of {\"action\", \"from\", \"to\"} objects, "
			"not %s",
			type_name(arr));
		return;
	}
	m->crossings = lc__calloc(json_array_size(arr) + 1, sizeof *m->crossings);
	if (!m->crossings) {
		c->nomem = true;
		return;
	}
	json_array_foreach((json_t *)arr, i, o)
	{
		lc_crossing x;
		const json_t *act;
		pidx(p, sizeof p, "/crossings", i);
		if (!json_is_object(o)) {
			problem(c, p, false,
				"each crossing must be an object {\"action\", \"from\", \"to\"}, not %s",
				type_name(o));
			continue;
		}
		check_fields(c, o, p, "a crossing", fields, 3);
		act = json_object_get(o, "action");
		pjoin(q, sizeof q, p, "action");
		x.action = -1;
		if (!act)
			problem(c, p, false, "a crossing has no \"action\"; add an action key");
		else
			x.action = ref(c, LC_AXIS_ACTION, act, q, "a crossing");
		if (x.action >= 0 && (m->axes[LC_AXIS_ACTION].v[x.action].flags & LC_FLAG_DEPRECATED))
			problem(c, q, false,
				"a crossing needs action \"%s\", which is deprecated and cannot be "
				"chosen; use another action or undeprecate it",
				m->axes[LC_AXIS_ACTION].v[x.action].key);
		x.from = lifecycle_or_any(c, o, p, "from");
		x.to = lifecycle_or_any(c, o, p, "to");
		if (x.action >= 0 && x.from >= -1 && x.to >= -1)
			m->crossings[m->ncrossings++] = x;
	}
}

static void read_outcomes(ctx *c, const json_t *o)
{
	static const char *const fields[] = { "axis", "max_skip", "required" };
	lc_model *m = c->m;
	const json_t *v;
	lc_axis a;

	if (!json_is_object(o)) {
		problem(c, "/outcomes", false,
			"\"outcomes\" must be an object {\"axis\", \"max_skip\", \"required\"}, not %s",
			type_name(o));
		return;
	}
	check_fields(c, o, "/outcomes", "\"outcomes\"", fields, 3);
	v = json_object_get(o, "axis");
	if (!v) {
		problem(c, "/outcomes", false,
			"\"outcomes\" has no \"axis\"; add \"axis\": \"stage\" or \"milestone\"");
	} else if (!json_is_string(v) || lc_axis_parse(json_string_value(v), &a) != 0 ||
		   (a != LC_AXIS_STAGE && a != LC_AXIS_MILESTONE)) {
		problem(c, "/outcomes/axis", false,
			"outcomes act on an ordered axis; set \"axis\" to \"stage\" or \"milestone\"");
	} else if (m->axes[a].n == 0) {
		if (!c->incomplete[a])
			problem(c, "/outcomes/axis", false,
				"outcomes are set on the %s axis, but the model has no %s; add them or "
				"remove \"outcomes\"",
				axis1(a), lc__axis_plural[a]);
	} else {
		m->outcome_axis = (int32_t)a;
	}
	v = json_object_get(o, "max_skip");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v)) {
			problem(c, "/outcomes/max_skip", false,
				"\"max_skip\" must be an integer (0 or more) or null, not %s", type_name(v));
		} else if (json_integer_value(v) < 0) {
			problem(c, "/outcomes/max_skip", false,
				"\"max_skip\" is %lld; a step cannot skip a negative number of values, use 0 "
				"or more, or null for no cap",
				(long long)json_integer_value(v));
		} else if (json_integer_value(v) > LC_MAX_VALUES) {
			problem(c, "/outcomes/max_skip", false,
				"\"max_skip\" is %lld; use at most %d, or null for no cap",
				(long long)json_integer_value(v), LC_MAX_VALUES);
		} else {
			m->max_skip = (int32_t)json_integer_value(v);
		}
	}
	v = json_object_get(o, "required");
	if (v) {
		if (!json_is_boolean(v))
			problem(c, "/outcomes/required", false,
				"\"required\" must be true or false, not %s", type_name(v));
		else
			m->outcome_required = json_is_true(v);
	}
}

static void read_transitions(ctx *c, const json_t *o)
{
	lc_model *m = c->m;
	const char *k;
	const json_t *arr;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN], r[PATH_MAX_LEN];

	if (!json_is_object(o)) {
		problem(c, "/transitions", false,
			"\"transitions\" must be an object mapping an axis to [from, to] pairs, not %s",
			type_name(o));
		return;
	}
	json_object_foreach((json_t *)o, k, arr)
	{
		lc_axis a;
		size_t i;
		const json_t *pair;
		uint32_t n;

		pjoin(p, sizeof p, "/transitions", k);
		if (lc_axis_parse(k, &a) != 0 || a >= LC_AXIS_COUNT) {
			problem(c, p, true,
				"\"%.64s\" is not an axis; transitions are keyed by action, milestone, "
				"status, phase, stage, lifecycle or reason",
				k);
			continue;
		}
		n = m->axes[a].n;
		if (m->axes[a].transitions) {
			problem(c, p, true, "the %s axis has two transition tables; merge them", axis1(a));
			continue;
		}
		if (n == 0) {
			if (!c->incomplete[a])
				problem(c, p, true,
					"transitions are given for %s, but the model has no %s; add them "
					"or remove the table",
					lc__axis_plural[a], lc__axis_plural[a]);
			continue;
		}
		if (!json_is_array(arr)) {
			problem(c, p, false, "the %s transitions must be an array of [from, to] pairs, not %s",
				axis1(a), type_name(arr));
			continue;
		}
		if (json_array_size(arr) == 0) {
			problem(c, p, false,
				"the %s transition table is empty, which forbids every move; list "
				"[from, to] pairs or remove it",
				axis1(a));
			continue;
		}
		m->axes[a].transitions = lc__calloc((size_t)n * n, 1);
		if (!m->axes[a].transitions) {
			c->nomem = true;
			return;
		}
		json_array_foreach((json_t *)arr, i, pair)
		{
			int32_t from, to;
			pidx(q, sizeof q, p, i);
			if (!json_is_array(pair) || json_array_size(pair) != 2) {
				problem(c, q, false,
					"each transition must be a pair [\"from\", \"to\"] of %s keys",
					axis1(a));
				continue;
			}
			pidx(r, sizeof r, q, 0);
			from = ref(c, a, json_array_get(pair, 0), r, "a transition");
			pidx(r, sizeof r, q, 1);
			to = ref(c, a, json_array_get(pair, 1), r, "a transition");
			if (from < 0 || to < 0)
				continue;
			if (m->axes[a].transitions[(size_t)from * n + (size_t)to])
				problem(c, q, false, "the transition %s -> %s is listed twice; remove one",
					m->axes[a].v[from].key, m->axes[a].v[to].key);
			m->axes[a].transitions[(size_t)from * n + (size_t)to] = 1;
		}
	}
}

/* ---- contradictions ---- */



/* `initial` marks where a new lead starts: at most one value an axis, only on
 * the axes a lead's state starts from, never deprecated, and the initial
 * milestone and status must be a pair the links allow. */
static void check_initial(ctx *c)
{
	const lc_model *m = c->m;
	char p[PATH_MAX_LEN];
	int32_t first[LC_AXIS_COUNT];

	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		first[a] = -1;
		for (uint32_t i = 0; i < m->axes[a].n; i++) {
			const lc_value *v = &m->axes[a].v[i];
			if (!v->key || !(v->flags & LC_FLAG_INITIAL))
				continue;
			snprintf(p, sizeof p, "/%s/%u/flags", lc__axis_plural[a], i);
			if (a != LC_AXIS_MILESTONE && a != LC_AXIS_STATUS && a != LC_AXIS_STAGE)
				problem(c, p, false,
					"%s \"%s\" is flagged initial, but only a milestone, a status or "
					"a stage can be where a new lead starts; drop the flag",
					axis1((lc_axis)a), v->key);
			else if (v->flags & LC_FLAG_DEPRECATED)
				problem(c, p, false,
					"%s \"%s\" is flagged both initial and deprecated, so new leads "
					"would start on a value that cannot be chosen; keep one",
					axis1((lc_axis)a), v->key);
			else if (first[a] >= 0)
				problem(c, p, false,
					"%s \"%s\" is flagged initial, but \"%s\" already is; a new "
					"lead starts on one value, so keep the flag on one",
					axis1((lc_axis)a), v->key, m->axes[a].v[first[a]].key);
			else
				first[a] = (int32_t)i;
		}
	}
	if (first[LC_AXIS_MILESTONE] >= 0 && first[LC_AXIS_STATUS] >= 0 && m->links &&
	    !m->links[(size_t)first[LC_AXIS_MILESTONE] * m->axes[LC_AXIS_STATUS].n +
		      (size_t)first[LC_AXIS_STATUS]]) {
		snprintf(p, sizeof p, "/statuses/%d/flags", first[LC_AXIS_STATUS]);
		problem(c, p, false,
			"the initial milestone \"%s\" and the initial status \"%s\" are not "
			"linked, so every new lead would start invalid; link them",
			m->axes[LC_AXIS_MILESTONE].v[first[LC_AXIS_MILESTONE]].key,
			m->axes[LC_AXIS_STATUS].v[first[LC_AXIS_STATUS]].key);
	}
	if (first[LC_AXIS_STAGE] >= 0 && m->axes[LC_AXIS_STAGE].v[first[LC_AXIS_STAGE]].lifecycles) {
		const lc_value *g = &m->axes[LC_AXIS_STAGE].v[first[LC_AXIS_STAGE]];
		int32_t l = first[LC_AXIS_STATUS] >= 0
				    ? m->axes[LC_AXIS_STATUS].v[first[LC_AXIS_STATUS]].parent
				    : -1;
		snprintf(p, sizeof p, "/stages/%d/lifecycles", first[LC_AXIS_STAGE]);
		if (l < 0 || l >= LC_MAX_TIED_LIFECYCLES || !(g->lifecycles & ((uint64_t)1 << l)))
			problem(c, p, false,
				"the initial stage \"%s\" is held only in the life-cycle states it "
				"lists, and a new lead starts %s%s; list that state or start elsewhere",
				g->key, l < 0 ? "without one" : "in ",
				l < 0 ? "" : m->axes[LC_AXIS_LIFECYCLE].v[l].key);
	}
}

static void check_contradictions(ctx *c)
{
	const lc_model *m = c->m;
	char p[PATH_MAX_LEN];
	static const char *const req_text[3] = { "a follow-up", "a reason", "a note" };

	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		for (uint32_t i = 0; i < m->axes[a].n; i++) {
			const lc_value *v = &m->axes[a].v[i];
			if (!v->key)
				continue;
			if (a == LC_AXIS_LIFECYCLE && (v->flags & LC_FLAG_WON) &&
			    (v->flags & LC_FLAG_LOST)) {
				snprintf(p, sizeof p, "/lifecycles/%u/flags", i);
				problem(c, p, false,
					"life-cycle state \"%s\" is flagged both won and lost; keep one",
					v->key);
			}
			if ((v->requires & LC_REQ_REASON) && m->axes[LC_AXIS_REASON].n == 0 &&
			    !c->incomplete[LC_AXIS_REASON]) {
				snprintf(p, sizeof p, "/%s/%u/requires", lc__axis_plural[a], i);
				problem(c, p, false,
					"%s \"%s\" requires %s, but the model has no reasons; add "
					"\"reasons\" or drop the requirement",
					axis1((lc_axis)a), v->key, req_text[1]);
			}
			if (a == LC_AXIS_REASON && v->parent >= 0) {
				const lc_value *s = &m->axes[LC_AXIS_STAGE].v[v->parent];
				snprintf(p, sizeof p, "/reasons/%u/stage", i);
				if (s->flags & LC_FLAG_DEPRECATED)
					problem(c, p, false,
						"reason \"%s\" leads to stage \"%s\", which is deprecated and "
						"cannot be entered anew; pick another stage or undeprecate it",
						v->key, s->key);
				else if (lc__closed_kind(m, LC_AXIS_STAGE, v->parent) != LC_FLAG_LOST)
					problem(c, p, false,
						"reason \"%s\" leads to stage \"%s\", which is not closed "
						"lost; make the stage (or its phase) \"closed\": \"lost\" "
						"or pick such a stage",
						v->key, s->key);
			}
			if (a == LC_AXIS_STAGE && (v->flags & LC_FLAG_WON) && v->parent >= 0 &&
			    (m->axes[LC_AXIS_PHASE].v[v->parent].flags & LC_FLAG_LOST)) {
				snprintf(p, sizeof p, "/stages/%u/closed", i);
				problem(c, p, false,
					"stage \"%s\" is closed won, but its phase \"%s\" is closed "
					"lost; put the stage in another phase or leave the phase open",
					v->key, m->axes[LC_AXIS_PHASE].v[v->parent].key);
			}
			if (a == LC_AXIS_MILESTONE && m->linked && m->linked[i] &&
			    !(v->flags & LC_FLAG_DEPRECATED)) {
				uint32_t ns = m->axes[LC_AXIS_STATUS].n;
				bool any = false;
				for (uint32_t s = 0; s < ns && !any; s++)
					any = m->links[(size_t)i * ns + s] != 0;
				if (!any) {
					pjoin(p, sizeof p, "/links", v->key);
					problem(c, p, true,
						"milestone \"%s\" is linked to no status, so no disposition "
						"could choose it; link at least one status, remove its row "
						"(all statuses) or flag it deprecated",
						v->key);
				}
			}
		}
	}
	check_initial(c);
	for (int a = 0; a < LC_AXIS_COUNT; a++) {
		const lc_axis_values *ax = &m->axes[a];
		if (!ax->transitions)
			continue;
		for (uint32_t to = 0; to < ax->n; to++) {
			bool target = false;
			if (!(ax->v[to].flags & LC_FLAG_DEPRECATED))
				continue;
			for (uint32_t from = 0; from < ax->n && !target; from++)
				target = ax->transitions[(size_t)from * ax->n + to] != 0;
			if (target) {
				snprintf(p, sizeof p, "/transitions/%s", axis1((lc_axis)a));
				problem(c, p, true,
					"the %s transitions lead into \"%s\", which is deprecated and cannot "
					"be entered anew; remove those pairs or undeprecate it",
					axis1((lc_axis)a), ax->v[to].key);
			}
		}
	}
}

/* ---- the whole document ---- */

static const char *const top_fields[] = {
	"format",   "name",	"version",  "description", "actions",     "milestones",
	"statuses", "phases",	"stages",   "lifecycles",  "reasons",     "sources",
	"types",    "categories", "priorities", "required", "links",       "crossings",
	"outcomes", "transitions",
};

/* "required": the record's text fields every lead must have. The lost
 * reason (and the account) belong to a life-cycle state, so no model can
 * demand them of every lead. */
static void read_required(ctx *c, const json_t *arr)
{
	const json_t *e;
	size_t i;
	char p[PATH_MAX_LEN], list[512];

	if (!json_is_array(arr)) {
		problem(c, "/required", false,
			"\"required\" must be an array of lead field keys, not %s", type_name(arr));
		return;
	}
	list_names(list, sizeof list, lc__lead_text_keys, LC_LEAD_TEXT_COUNT);
	json_array_foreach((json_t *)arr, i, e)
	{
		const char *f = json_string_value(e);
		int k = 0;
		pidx(p, sizeof p, "/required", i);
		while (f && k < LC_LEAD_TEXT_COUNT && strcmp(f, lc__lead_text_keys[k]) != 0)
			k++;
		if (!f || k == LC_LEAD_TEXT_COUNT)
			problem(c, p, false, "\"required\" lists \"%.64s\", which is not a lead field; use: %s",
				f ? f : "(not a string)", list);
		else if (k == LC_LEAD_LOST_REASON)
			problem(c, p, false,
				"\"required\" lists %s, which a lead has only in a life-cycle state; "
				"remove it",
				f);
		else if (c->m->required_fields & (1u << k))
			problem(c, p, false, "\"required\" lists %s twice; keep one", f);
		else
			c->m->required_fields |= 1u << k;
	}
}

static bool name_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

static void read_header(ctx *c, const json_t *root)
{
	lc_model *m = c->m;
	const json_t *v;
	const char *s;

	v = json_object_get(root, "format");
	if (!v)
		problem(c, "", false, "the model has no \"format\"; add \"format\": 1");
	else if (!json_is_integer(v))
		problem(c, "/format", false, "\"format\" must be the integer 1, not %s", type_name(v));
	else if (json_integer_value(v) != 1)
		problem(c, "/format", false,
			"format %lld is not supported; this version of leadcore reads format 1",
			(long long)json_integer_value(v));

	s = get_string(c, root, "", "name", "the model", true, LC_MODEL_NAME_MAX);
	if (s && !name_valid(s))
		problem(c, "/name", false,
			"model name \"%.80s\" may only use lowercase letters, digits, '_' and '-'", s);
	m->name = lc__strdup(s && name_valid(s) ? s : "");
	if (!m->name)
		c->nomem = true;

	v = json_object_get(root, "version");
	if (!v)
		problem(c, "", false, "the model has no \"version\"; add \"version\": 1 (an integer "
			"you raise with each change)");
	else if (!json_is_integer(v))
		problem(c, "/version", false, "\"version\" must be an integer, not %s", type_name(v));
	else if (json_integer_value(v) < 1)
		problem(c, "/version", false, "\"version\" is %lld; use an integer of 1 or more",
			(long long)json_integer_value(v));
	else
		m->version = json_integer_value(v);

	s = get_string(c, root, "", "description", "the model", false, LC_MODEL_DESCRIPTION_MAX);
	m->description = lc__strdup(s ? s : "");
	if (!m->description)
		c->nomem = true;
}

static void read_axes(ctx *c, const json_t *root)
{
	lc_model *m = c->m;
	char p[PATH_MAX_LEN];

	for (int a = 0; a < LC__AXIS_SLOTS && !c->nomem; a++) {
		const json_t *arr;
		if (!LC__AXIS_VALUED(a))
			continue;
		arr = json_object_get(root, lc__axis_plural[a]);
		size_t n, max = a == LC_AXIS_ACTION ? LC_MAX_ACTIONS : LC_MAX_VALUES;
		pjoin(p, sizeof p, "", lc__axis_plural[a]);
		if (!arr)
			continue;
		if (!json_is_array(arr)) {
			problem(c, p, false, "\"%s\" must be an array of values, not %s",
				lc__axis_plural[a], type_name(arr));
			c->incomplete[a] = true;
			continue;
		}
		n = json_array_size(arr);
		if (n == 0) {
			problem(c, p, false,
				"\"%s\" is empty; list at least one value or leave the axis out",
				lc__axis_plural[a]);
			continue;
		}
		if (n > max) {
			problem(c, p, false, "\"%s\" has %zu values; a model may have at most %zu %s",
				lc__axis_plural[a], n, max, lc__axis_plural[a]);
			c->incomplete[a] = true;
			continue;
		}
		m->axes[a].v = lc__calloc(n, sizeof(lc_value));
		if (!m->axes[a].v) {
			c->nomem = true;
			return;
		}
		m->axes[a].n = (uint32_t)n;
		c->ax[a] = arr;
		for (size_t i = 0; i < n; i++) {
			char q[PATH_MAX_LEN];
			pidx(q, sizeof q, p, i);
			read_value(c, (lc_axis)a, i, json_array_get(arr, i), q);
		}
	}
}

/* File order; problems without a position (line 0) go last. */
static bool pos_after(const lc_problem *a, const lc_problem *b)
{
	uint64_t pa = a->line ? ((uint64_t)a->line << 32) | a->column : UINT64_MAX;
	uint64_t pb = b->line ? ((uint64_t)b->line << 32) | b->column : UINT64_MAX;
	return pa > pb;
}

int lc__model_from_json(const json_t *root, const char *text, const char *source, lc_model **out,
			struct lc_model_problems *probs)
{
	ctx c;
	lc_model *m;
	size_t before = probs->n;
	const json_t *v;

	*out = NULL;
	memset(&c, 0, sizeof c);
	c.source = source;
	c.text = text;
	c.probs = probs;
	c.first_problem = before;
	m = c.m = lc__calloc(1, sizeof *m);
	if (!m)
		return LC_ENOMEM;
	m->outcome_axis = -1;
	m->max_skip = -1;

	if (!json_is_object(root)) {
		problem(&c, "", false,
			"a model must be a JSON object {\"format\": 1, \"name\": ..., \"version\": ...}, "
			"not %s",
			type_name(root));
		goto done;
	}
	check_fields(&c, root, "", "the model", top_fields, LC_ARRAY_LEN(top_fields));
	read_header(&c, root);
	read_axes(&c, root);
	if (c.nomem || lc__model_index_build(m) != 0) {
		c.nomem = true;
		goto done;
	}
	for (int a = 0; a < LC__AXIS_SLOTS; a++)
		if (c.ax[a])
			check_duplicates(&c, (lc_axis)a);

	/* links: every milestone allows every status until its row says otherwise */
	{
		size_t nm = m->axes[LC_AXIS_MILESTONE].n, ns = m->axes[LC_AXIS_STATUS].n;
		if (nm && ns) {
			m->links = lc__malloc(nm * ns);
			m->linked = lc__calloc(nm, sizeof(bool));
			if (!m->links || !m->linked) {
				c.nomem = true;
				goto done;
			}
			memset(m->links, 1, nm * ns);
		}
	}
	for (int a = 0; a < LC_AXIS_COUNT && !c.nomem; a++) {
		char p[PATH_MAX_LEN];
		for (uint32_t i = 0; c.ax[a] && i < m->axes[a].n; i++) {
			snprintf(p, sizeof p, "/%s/%u", lc__axis_plural[a], i);
			read_value_refs(&c, (lc_axis)a, i, json_array_get(c.ax[a], i), p);
		}
	}
	if ((v = json_object_get(root, "required")))
		read_required(&c, v);
	if ((v = json_object_get(root, "links")))
		read_links(&c, v);
	if ((v = json_object_get(root, "crossings")))
		read_crossings(&c, v);
	if ((v = json_object_get(root, "outcomes")))
		read_outcomes(&c, v);
	if ((v = json_object_get(root, "transitions")))
		read_transitions(&c, v);
	if (c.nomem)
		goto done;
	check_contradictions(&c);

done:
	lc__locator_free(c.loc);
	if (c.nomem) {
		lc_model_free(m);
		return lc__error(LC_ENOMEM, "out of memory while reading model %s", source);
	}
	if (probs->n > before) {
		/* in file order, as a reader fixes them; stable so that problems at
		 * one position keep the order they were found in */
		for (size_t i = before + 1; i < probs->n; i++) {
			lc_problem x = probs->v[i];
			size_t j = i;
			while (j > before && pos_after(&probs->v[j - 1], &x)) {
				probs->v[j] = probs->v[j - 1];
				j--;
			}
			probs->v[j] = x;
		}
		lc_model_free(m);
		return LC_EFORMAT;
	}
	if (lc__model_rules_build(m) != 0) {
		lc_model_free(m);
		return lc__error(LC_ENOMEM, "out of memory while reading model %s", source);
	}
	*out = m;
	return 0;
}

int lc__model_check_text(const char *text, size_t len, const char *source, lc_model **out,
			 struct lc_model_problems *probs)
{
	json_error_t err;
	json_t *root;
	int rc;

	*out = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		char *t;
		int line = err.line > 0 ? err.line : 1, col = err.column > 0 ? err.column : 1;
		t = format("%s:%d:%d: %s (the file is not valid JSON; fix this first)", source, line,
			   col, err.text);
		if (!t || lc__problems_add(probs, (uint32_t)line, (uint32_t)col, t) != 0)
			return lc__error(LC_ENOMEM, "out of memory while reading model %s", source);
		return LC_EFORMAT;
	}
	rc = lc__model_from_json(root, text, source, out, probs);
	json_decref(root);
	return rc;
}

/* ---- public loading ---- */

int lc_model_load_string(lc_model **out, const char *json, const char *source_name)
{
	struct lc_model_problems probs = { 0 };
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(json, "json");
	rc = lc__check_text(source_name, 1024, "the source name", true);
	if (rc)
		return rc;
	if (strnlen(json, LC_MODEL_TEXT_MAX + 1) > LC_MODEL_TEXT_MAX)
		return lc__error(LC_ERANGE, "the model text is larger than %zu bytes",
				 LC_MODEL_TEXT_MAX);
	rc = lc__model_check_text(json, strlen(json), source_name ? source_name : "<string>", out,
				  &probs);
	if (rc == LC_EFORMAT)
		lc__problems_raise(&probs);
	lc__problems_clear(&probs);
	return rc;
}

/* Reads a whole file through the allocator hooks. */
static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f;
	lc_buf b;
	char chunk[8192];
	size_t n;

	*text = NULL;
	f = fopen(path, "rb");
	if (!f)
		return lc__error(LC_EIO, "cannot open model file %s: %s", path, strerror(errno));
	lc__buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		lc__buf_put(&b, chunk, n);
		if (b.len > LC_MODEL_TEXT_MAX) {
			fclose(f);
			lc__buf_free(&b);
			return lc__error(LC_ERANGE, "model file %s is larger than %zu bytes", path,
					 LC_MODEL_TEXT_MAX);
		}
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		lc__buf_free(&b);
		return lc__error(LC_EIO, "cannot read model file %s: %s", path, strerror(e));
	}
	fclose(f);
	return lc__buf_take(&b, text, len);
}

static int load_file_problems(lc_model **out, const char *path, struct lc_model_problems *probs)
{
	char *text;
	size_t len;
	int rc = read_file(path, &text, &len);
	if (rc)
		return rc;
	rc = lc__model_check_text(text, len, path, out, probs);
	lc__free(text);
	return rc;
}

int lc_model_load_file(lc_model **out, const char *path)
{
	struct lc_model_problems probs = { 0 };
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(path, "path");
	rc = lc__check_text(path, 4096, "the model file path", false);
	if (rc)
		return rc;
	rc = load_file_problems(out, path, &probs);
	if (rc == LC_EFORMAT)
		lc__problems_raise(&probs);
	lc__problems_clear(&probs);
	return rc;
}

static int preset_index(const char *name)
{
	for (size_t i = 0; i < lc__npresets; i++)
		if (lc__streq_nocase(name, lc__presets[i].name))
			return (int)i;
	return -1;
}

static int preset_not_found(const char *name)
{
	char list[256];
	size_t o = 0;
	list[0] = '\0';
	for (size_t i = 0; i < lc__npresets && o < sizeof list; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
				      lc__presets[i].name);
	return lc__error(LC_ENOTFOUND, "'%.80s' is not a preset; the presets are: %s", name,
			 lc__npresets ? list : "(none built in)");
}

int lc_model_preset(lc_model **out, const char *name)
{
	struct lc_model_problems probs = { 0 };
	char source[96];
	int rc, i;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(name, "name");
	rc = lc__check_text(name, 256, "the preset name", false);
	if (rc)
		return rc;
	i = preset_index(name);
	if (i < 0)
		return preset_not_found(name);
	snprintf(source, sizeof source, "presets/%s.json", lc__presets[i].name);
	rc = lc__model_check_text(lc__presets[i].json, strlen(lc__presets[i].json), source, out,
				  &probs);
	if (rc == LC_EFORMAT)
		lc__problems_raise(&probs);
	lc__problems_clear(&probs);
	return rc;
}

int lc_model_load(lc_model **out, const char *name_or_path)
{
	FILE *f;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(name_or_path, "name_or_path");
	rc = lc__check_text(name_or_path, 4096, "the preset name or file path", false);
	if (rc)
		return rc;
	if (preset_index(name_or_path) >= 0)
		return lc_model_preset(out, name_or_path);
	f = fopen(name_or_path, "rb");
	if (!f && errno == ENOENT && !strchr(name_or_path, '/') && !strchr(name_or_path, '.')) {
		/* looks like a preset name, not a path */
		return preset_not_found(name_or_path);
	}
	if (f)
		fclose(f);
	return lc_model_load_file(out, name_or_path);
}

/* ---- public problem lists ---- */

/* The problems as a table ("text", "line", "column"); clears the list. */
static int problems_table(struct lc_model_problems *p, lc_table **out)
{
	static const lc__column cols[] = { { "text", LC_COLUMN_TEXT },
					   { "line", LC_COLUMN_INT },
					   { "column", LC_COLUMN_INT } };
	lc_table *t;
	int rc = lc__table_new(&t, "problems", cols, LC_ARRAY_LEN(cols));

	for (size_t i = 0; !rc && i < p->n; i++) {
		lc__table_row(t);
		lc__table_put_text(t, 0, p->v[i].text);
		lc__table_put_int(t, 1, p->v[i].line);
		lc__table_put_int(t, 2, p->v[i].column);
	}
	lc__problems_clear(p);
	return rc ? rc : lc__table_finish(t, out);
}

int lc_model_check_string(const char *json, const char *source_name, lc_table **out)
{
	struct lc_model_problems p = { 0 };
	lc_model *m = NULL;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(json, "json");
	rc = lc__check_text(source_name, 1024, "the source name", true);
	if (rc)
		return rc;
	if (strnlen(json, LC_MODEL_TEXT_MAX + 1) > LC_MODEL_TEXT_MAX)
		return lc__error(LC_ERANGE, "the model text is larger than %zu bytes",
				 LC_MODEL_TEXT_MAX);
	rc = lc__model_check_text(json, strlen(json), source_name ? source_name : "<string>", &m, &p);
	lc_model_free(m);
	if (rc != 0 && rc != LC_EFORMAT) {
		lc__problems_clear(&p);
		return rc;
	}
	return problems_table(&p, out);
}

int lc_model_check_file(const char *path, lc_table **out)
{
	struct lc_model_problems p = { 0 };
	lc_model *m = NULL;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(path, "path");
	rc = lc__check_text(path, 4096, "the model file path", false);
	if (rc)
		return rc;
	rc = load_file_problems(&m, path, &p);
	lc_model_free(m);
	if (rc != 0 && rc != LC_EFORMAT) {
		lc__problems_clear(&p);
		return rc;
	}
	return problems_table(&p, out);
}
