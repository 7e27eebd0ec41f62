/* lc_violations: a fixed-capacity list, so that validating never allocates. */
#include <stdio.h>

#include "engine_internal.h"

const char *lc_violation_key(int code)
{
	switch (code) {
#define LC__VIOLATION_KEY(name, value, key) \
	case value:                         \
		return key;
		LC_VIOLATION_LIST(LC__VIOLATION_KEY)
#undef LC__VIOLATION_KEY
	default:
		return "unknown";
	}
}

int lc_violations_new(lc_violations **out)
{
	lc_violations *v;

	if (!out)
		return lc__error(LC_EINVAL,
				 "lc_violations_new: out is NULL; pass the address of an lc_violations *");
	*out = NULL;
	v = lc__calloc(1, sizeof *v);
	if (!v)
		return LC_ENOMEM;
	*out = v;
	return 0;
}

void lc_violations_free(lc_violations *v)
{
	lc__free(v);
}

size_t lc_violations_count(const lc_violations *v)
{
	return v ? v->n : 0;
}

size_t lc_violations_dropped(const lc_violations *v)
{
	return v ? v->dropped : 0;
}

int lc_violations_code(const lc_violations *v, size_t i)
{
	return v && i < v->n ? v->v[i].code : 0;
}

const char *lc_violations_field(const lc_violations *v, size_t i)
{
	return v && i < v->n ? v->v[i].field : NULL;
}

const char *lc_violations_message(const lc_violations *v, size_t i)
{
	return v && i < v->n ? v->v[i].message : NULL;
}

void lc__violations_clear(lc_violations *v)
{
	if (v) {
		v->n = 0;
		v->dropped = 0;
	}
}

void lc__violations_add(lc_violations *v, int code, const char *field, const char *fmt, ...)
{
	lc_violation *e;
	va_list ap;

	if (!v)
		return;
	if (v->n >= LC_VIOLATIONS_MAX) {
		v->dropped++;
		return;
	}
	e = &v->v[v->n++];
	e->code = code;
	e->field = field;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
}
