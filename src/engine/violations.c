/* lc_violations: a fixed-capacity list, so that validating never allocates. */
#include <stdio.h>

#include "engine_internal.h"

const char *lc__violation_key(int code)
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

/* ---- the table views ---- */

static size_t v_rows(const void *src)
{
	return ((const lc_violations *)src)->n;
}

static const char *v_text(const void *src, size_t row, size_t col)
{
	const lc_violation *e = &((const lc_violations *)src)->v[row];
	return col == 1 ? lc__violation_key(e->code) : col == 2 ? e->field : e->message;
}

static int64_t v_num(const void *src, size_t row, size_t col)
{
	(void)col;
	return ((const lc_violations *)src)->v[row].code;
}

static size_t s_rows(const void *src)
{
	(void)src;
	return 1;
}

static int64_t s_num(const void *src, size_t row, size_t col)
{
	(void)row;
	(void)col;
	return (int64_t)((const lc_violations *)src)->dropped;
}

static const lc__table_view list_view = { v_rows, v_text, v_num };
static const lc__table_view summary_view = { s_rows, NULL, s_num };

int lc_violations_new(lc_violations **out)
{
	static const lc__column cols[] = { { "code", LC_COLUMN_INT },
					   { "violation", LC_COLUMN_TEXT },
					   { "field", LC_COLUMN_TEXT },
					   { "message", LC_COLUMN_TEXT } };
	static const lc__column sums[] = { { "dropped", LC_COLUMN_INT } };
	lc_violations *v;

	LC__ARG(out, "out");
	*out = NULL;
	v = lc__calloc(1, sizeof *v);
	if (!v)
		return LC_ENOMEM;
	lc__table_view_init(&v->table, "violations", cols, LC_ARRAY_LEN(cols), &list_view, v);
	lc__table_view_init(&v->summary, "summary", sums, LC_ARRAY_LEN(sums), &summary_view, v);
	v->table.summary = &v->summary;
	*out = v;
	return 0;
}

void lc_violations_free(lc_violations *v)
{
	lc__free(v);
}

const lc_table *lc_violations_table(const lc_violations *v)
{
	return v ? &v->table : NULL;
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
