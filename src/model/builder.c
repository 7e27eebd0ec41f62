/*
 * The model builder. It records a JSON model document, exactly what a file
 * would hold, and lc_model_builder_build() hands that document to the reader's
 * checker: one set of rules, one set of messages.
 */
#include <string.h>

#include "model/model_priv.h"

struct lc_model_builder {
	json_t *doc;
};

static int nomem(void)
{
	return lc__error(LC_ENOMEM, "out of memory while building a model");
}

static int check_b(const lc_model_builder *b, const char *fn)
{
	LC__ARG_IN(fn, b, "b");
	return 0;
}

static int check_axis(lc_axis axis, const char *fn)
{
	if (!LC__AXIS_VALUED(axis))
		return lc__error(LC_EINVAL, "%s: %d is not an axis a model holds values on", fn,
				 (int)axis);
	return 0;
}

/* A text argument `name` of fn: not NULL, at most max bytes, UTF-8. */
static int check_arg_text(const char *fn, const char *s, const char *name, size_t max)
{
	LC__ARG_IN(fn, s, name);
	return lc__check_text(s, max, name, false);
}

/* A key argument: text, at most 64 bytes (its form is checked when built). */
static int check_key(const char *fn, const char *key, const char *name)
{
	return check_arg_text(fn, key, name, LC_KEY_MAX);
}

int lc_model_builder_new(lc_model_builder **out, const char *name, int64_t version)
{
	lc_model_builder *b;
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(name, "name");
	rc = lc__check_text(name, LC_MODEL_NAME_MAX, "the model name", false);
	if (rc)
		return rc;
	b = lc__calloc(1, sizeof *b);
	if (!b)
		return LC_ENOMEM;
	b->doc = json_pack("{s:i, s:s, s:I}", "format", 1, "name", name, "version",
			   (json_int_t)version);
	if (!b->doc) {
		lc__free(b);
		return nomem();
	}
	*out = b;
	return 0;
}

void lc_model_builder_free(lc_model_builder *b)
{
	if (!b)
		return;
	json_decref(b->doc);
	lc__free(b);
}

int lc_model_builder_set_description(lc_model_builder *b, const char *description)
{
	int rc;

	LC__ARG(b, "b");
	LC__ARG(description, "description");
	rc = lc__check_text(description, LC_MODEL_DESCRIPTION_MAX, "the description", false);
	if (rc)
		return rc;
	if (json_object_set_new(b->doc, "description", json_string(description)) != 0)
		return nomem();
	return 0;
}

/* The recorded value with this key, or NULL. */
static json_t *find_value(const lc_model_builder *b, lc_axis axis, const char *key)
{
	json_t *arr = json_object_get(b->doc, lc__axis_plural[axis]);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (lc__streq_nocase(json_string_value(json_object_get(v, "key")), key))
			return v;
	}
	return NULL;
}

static json_t *need_value(const lc_model_builder *b, lc_axis axis, const char *key,
			  const char *fn)
{
	json_t *v = find_value(b, axis, key);
	if (!v)
		lc__error(LC_ENOTFOUND, "%s: the builder has no %s \"%s\"; add it first", fn,
			  lc_axis_name(axis), key);
	return v;
}

/* Get or create obj[name] as an array (or object when `object`). */
static json_t *member(json_t *obj, const char *name, bool object)
{
	json_t *m = json_object_get(obj, name);
	if (m)
		return m;
	m = object ? json_object() : json_array();
	if (!m || json_object_set_new(obj, name, m) != 0)
		return NULL;
	return m;
}

/* Append a string to an array unless it is there already. */
static int append_unique(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (strcmp(json_string_value(v), s) == 0)
			return 0;
	}
	return json_array_append_new(arr, json_string(s)) == 0 ? 0 : nomem();
}

int lc_model_builder_add_value(lc_model_builder *b, lc_axis axis, const char *key,
			       const char *label, const char *description, uint32_t flags)
{
	const char *fn = "lc_model_builder_add_value";
	char *derived = NULL;
	json_t *v, *arr, *fl;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_axis(axis, fn)))
		return rc;
	rc = check_arg_text(fn, label, "label", LC_MODEL_LABEL_MAX);
	if (rc)
		return rc;
	if (!*label)
		return lc__error(LC_EINVAL, "%s: the label is empty; give the value a name", fn);
	rc = lc__check_text(description, LC_MODEL_DESCRIPTION_MAX, "the description", true);
	if (rc)
		return rc;
	if (flags >> LC__FLAG_COUNT)
		return lc__error(LC_EINVAL, "%s: flags 0x%x include bits that are not LC_FLAG_*", fn,
				 (unsigned)flags);
	if (key) {
		rc = lc__check_text(key, LC_KEY_MAX, "the key", false);
		if (rc)
			return rc;
		if (!lc__key_valid(key))
			return lc__error(LC_EINVAL,
					 "%s: key \"%s\" is not valid; use lowercase letters, digits "
					 "and '_', starting with a letter",
					 fn, key);
	} else {
		derived = lc__key_from_label(label);
		if (!derived)
			return lc_error_last_code();
		if (!lc__key_valid(derived)) {
			lc__error(LC_EINVAL,
				  "%s: label \"%s\" gives key \"%s\", which is not valid (it must "
				  "start with a letter, at most 64 bytes); pass a key",
				  fn, label, derived);
			lc__free(derived);
			return LC_EINVAL;
		}
		key = derived;
	}
	if (find_value(b, axis, key)) {
		lc__error(LC_EEXISTS, "%s: the %s axis already has key \"%s\"", fn,
			  lc_axis_name(axis), key);
		lc__free(derived);
		return LC_EEXISTS;
	}
	v = json_pack("{s:s, s:s}", "key", key, "label", label);
	lc__free(derived);
	if (!v)
		return nomem();
	if (description && *description &&
	    json_object_set_new(v, "description", json_string(description)) != 0)
		goto oom;
	/* A closed milestone, status, phase or stage says its kind in "closed",
	 * as the JSON does; the reader refuses won or lost left as flags. */
	if ((flags & LC_FLAG_CLOSED) && axis != LC_AXIS_ACTION && axis != LC_AXIS_LIFECYCLE &&
	    axis != LC_AXIS_REASON) {
		if (json_object_set_new(v, "closed",
					json_string(flags & LC_FLAG_WON ? "won" : "lost")) != 0)
			goto oom;
		flags &= ~(uint32_t)(LC_FLAG_CLOSED | (flags & LC_FLAG_WON ? LC_FLAG_WON : LC_FLAG_LOST));
	}
	if (flags) {
		fl = json_array();
		if (!fl || json_object_set_new(v, "flags", fl) != 0)
			goto oom;
		for (int i = 0; i < 15; i++)
			if ((flags & (1u << i)) &&
			    json_array_append_new(fl, json_string(lc__flag_names[i])) != 0)
				goto oom;
	}
	arr = member(b->doc, lc__axis_plural[axis], false);
	if (!arr || json_array_append_new(arr, v) != 0)
		return nomem();
	return 0;
oom:
	json_decref(v);
	return nomem();
}

int lc_model_builder_set_parent(lc_model_builder *b, lc_axis axis, const char *key,
				const char *parent_key)
{
	const char *fn = "lc_model_builder_set_parent", *field;
	json_t *v;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_key(fn, key, "key")) ||
	    (rc = check_key(fn, parent_key, "parent_key")))
		return rc;
	switch (axis) {
	case LC_AXIS_STAGE: field = "phase"; break;
	case LC_AXIS_STATUS: field = "lifecycle"; break;
	case LC_AXIS_REASON: field = "stage"; break;
	default:
		return lc__error(LC_EINVAL,
				 "%s: only stages (phase), statuses (life-cycle state) and reasons "
				 "(stage) have a parent",
				 fn);
	}
	if (!(v = need_value(b, axis, key, fn)))
		return LC_ENOTFOUND;
	if (json_object_set_new(v, field, json_string(parent_key)) != 0)
		return nomem();
	return 0;
}

int lc_model_builder_require(lc_model_builder *b, lc_axis axis, const char *key, uint32_t what)
{
	const char *fn = "lc_model_builder_require";
	json_t *v, *arr;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_axis(axis, fn)) ||
	    (rc = check_key(fn, key, "key")))
		return rc;
	if (what == 0 || (what >> 3))
		return lc__error(LC_EINVAL,
				 "%s: what must be LC_REQUIRE_FOLLOW_UP, LC_REQUIRE_REASON and/or "
				 "LC_REQUIRE_NOTE",
				 fn);
	if (!(v = need_value(b, axis, key, fn)))
		return LC_ENOTFOUND;
	if (!(arr = member(v, "requires", false)))
		return nomem();
	for (int i = 0; i < 3; i++)
		if ((what & (1u << i)) && (rc = append_unique(arr, lc__require_names[i])))
			return rc;
	return 0;
}

int lc_model_builder_block(lc_model_builder *b, lc_axis axis, const char *key,
			   const char *action_key)
{
	const char *fn = "lc_model_builder_block";
	json_t *v, *arr;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_key(fn, key, "key")) ||
	    (rc = check_key(fn, action_key, "action_key")))
		return rc;
	if (axis != LC_AXIS_MILESTONE && axis != LC_AXIS_STATUS && axis != LC_AXIS_STAGE)
		return lc__error(LC_EINVAL, "%s: only milestones, statuses and stages block actions",
				 fn);
	if (!(v = need_value(b, axis, key, fn)))
		return LC_ENOTFOUND;
	if (!(arr = member(v, "blocks", false)))
		return nomem();
	return append_unique(arr, action_key);
}

int lc_model_builder_alias(lc_model_builder *b, lc_axis axis, const char *key, const char *alias)
{
	const char *fn = "lc_model_builder_alias";
	json_t *v, *arr;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_axis(axis, fn)) ||
	    (rc = check_key(fn, key, "key")) ||
	    (rc = check_arg_text(fn, alias, "alias", LC_MODEL_LABEL_MAX)))
		return rc;
	if (!alias[0])
		return lc__error(LC_EINVAL, "%s: the alias is empty", fn);
	if (!(v = need_value(b, axis, key, fn)))
		return LC_ENOTFOUND;
	if (!(arr = member(v, "aliases", false)))
		return nomem();
	return append_unique(arr, alias);
}

int lc_model_builder_reason_use(lc_model_builder *b, const char *reason_key, uint32_t outcomes,
				int lost)
{
	const char *fn = "lc_model_builder_reason_use";
	json_t *v, *arr;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_key(fn, reason_key, "reason_key")))
		return rc;
	if ((outcomes & 1u) || (outcomes >> (LC_OUTCOME_NO_CONTACT + 1)))
		return lc__error(LC_EINVAL, "%s: outcomes must be bits 1u << LC_OUTCOME_* (not NONE)",
				 fn);
	if (!(v = need_value(b, LC_AXIS_REASON, reason_key, fn)))
		return LC_ENOTFOUND;
	arr = json_array();
	if (!arr)
		return nomem();
	for (int o = 1; o <= LC_OUTCOME_NO_CONTACT; o++)
		if ((outcomes & (1u << o)) &&
		    json_array_append_new(arr, json_string(lc_outcome_name((lc_outcome)o))) != 0) {
			json_decref(arr);
			return nomem();
		}
	if (outcomes) {
		if (json_object_set_new(v, "outcomes", arr) != 0)
			return nomem();
	} else {
		json_decref(arr);
		json_object_del(v, "outcomes");
	}
	if (lost) {
		if (json_object_set_new(v, "lost", json_true()) != 0)
			return nomem();
	} else {
		json_object_del(v, "lost");
	}
	return 0;
}

int lc_model_builder_link(lc_model_builder *b, const char *milestone_key, const char *status_key)
{
	const char *fn = "lc_model_builder_link";
	json_t *links, *row;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_key(fn, milestone_key, "milestone_key")) ||
	    (rc = check_key(fn, status_key, "status_key")))
		return rc;
	if (!(links = member(b->doc, "links", true)) || !(row = member(links, milestone_key, false)))
		return nomem();
	return append_unique(row, status_key);
}

int lc_model_builder_cross(lc_model_builder *b, const char *action_key, const char *from_key,
			   const char *to_key)
{
	const char *fn = "lc_model_builder_cross";
	json_t *arr, *x;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_key(fn, action_key, "action_key")) ||
	    (rc = lc__check_text(from_key, LC_KEY_MAX, "the from key", true)) ||
	    (rc = lc__check_text(to_key, LC_KEY_MAX, "the to key", true)))
		return rc;
	x = json_pack("{s:s, s:s, s:s}", "action", action_key, "from", from_key ? from_key : "*",
		      "to", to_key ? to_key : "*");
	if (!x)
		return nomem();
	if (!(arr = member(b->doc, "crossings", false)) || json_array_append_new(arr, x) != 0)
		return nomem();
	return 0;
}

int lc_model_builder_set_outcomes(lc_model_builder *b, lc_axis axis, int32_t max_skip,
				  int required)
{
	const char *fn = "lc_model_builder_set_outcomes";
	json_t *o;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_axis(axis, fn)))
		return rc;
	/* other negative caps go into the document so that build reports them */
	if (max_skip == LC_NO_SKIP_CAP)
		o = json_pack("{s:s, s:n, s:b}", "axis", lc_axis_name(axis), "max_skip", "required",
			      required != 0);
	else
		o = json_pack("{s:s, s:i, s:b}", "axis", lc_axis_name(axis), "max_skip",
			      (int)max_skip, "required", required != 0);
	if (!o || json_object_set_new(b->doc, "outcomes", o) != 0)
		return nomem();
	return 0;
}

int lc_model_builder_allow_transition(lc_model_builder *b, lc_axis axis, const char *from_key,
				      const char *to_key)
{
	const char *fn = "lc_model_builder_allow_transition";
	json_t *t, *arr, *pair;
	int rc;

	if ((rc = check_b(b, fn)) || (rc = check_axis(axis, fn)) ||
	    (rc = check_key(fn, from_key, "from_key")) || (rc = check_key(fn, to_key, "to_key")))
		return rc;
	if (!(t = member(b->doc, "transitions", true)) ||
	    !(arr = member(t, lc_axis_name(axis), false)))
		return nomem();
	/* a pair listed twice is harmless here; keep the document free of it */
	{
		size_t i;
		json_t *p;
		json_array_foreach(arr, i, p)
		{
			if (strcmp(json_string_value(json_array_get(p, 0)), from_key) == 0 &&
			    strcmp(json_string_value(json_array_get(p, 1)), to_key) == 0)
				return 0;
		}
	}
	pair = json_pack("[s, s]", from_key, to_key);
	if (!pair || json_array_append_new(arr, pair) != 0)
		return nomem();
	return 0;
}

int lc_model_builder_build(lc_model_builder *b, lc_model **out)
{
	struct lc_model_problems probs = { 0 };
	int rc;

	LC__ARG(out, "out");
	*out = NULL;
	if ((rc = check_b(b, "lc_model_builder_build")))
		return rc;
	rc = lc__model_from_json(b->doc, NULL, "builder", out, &probs);
	if (rc == LC_EFORMAT)
		lc__problems_raise(&probs);
	lc__problems_clear(&probs);
	return rc;
}
