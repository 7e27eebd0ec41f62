/* lc_table: the one result shape (include/leadcore/table.h). */
#include <string.h>

#include "core.h"
#include "table.h"

int lc__table_new(lc_table **out, const char *kind, const lc__column *cols, size_t ncols)
{
	lc_table *t;

	if (ncols > LC__TABLE_MAX_COLS)
		return lc__error(LC_EINVAL, "a table has at most %d columns", LC__TABLE_MAX_COLS);
	if (!(t = lc__calloc(1, sizeof *t)))
		return LC_ENOMEM;
	lc__table_view_init(t, kind, cols, ncols, NULL, NULL);
	*out = t;
	return 0;
}

void lc__table_view_init(lc_table *t, const char *kind, const lc__column *cols, size_t ncols,
			 const lc__table_view *view, const void *src)
{
	t->kind = kind;
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		t->names[i] = cols[i].name;
		t->types[i] = cols[i].type;
	}
	t->view = view;
	t->src = src;
}

static void clear_cells(lc_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		lc__free(t->cells[i].text);
		lc__free(t->cells[i].label);
	}
	t->nrows = 0;
}

void lc_table_free(lc_table *t)
{
	if (!t)
		return;
	clear_cells(t);
	lc__free(t->cells);
	lc_table_free(t->summary);
	lc__free(t);
}

void lc__table_clear(lc_table *t)
{
	clear_cells(t);
	t->failed = false;
}

void lc__table_row(lc_table *t)
{
	lc__cell *row;

	if (t->failed)
		return;
	if (t->nrows == t->cap) {
		lc__cell *c = lc__grow(t->cells, &t->cap, (t->ncols ? t->ncols : 1) * sizeof *c, 16);
		if (!c) {
			t->failed = true;
			return;
		}
		t->cells = c;
	}
	row = &t->cells[t->nrows++ * t->ncols];
	for (size_t i = 0; i < t->ncols; i++)
		row[i] = (lc__cell){ NULL, NULL, LC_TABLE_NONE };
}

static lc__cell *last(lc_table *t, size_t col)
{
	if (t->failed || !t->nrows || col >= t->ncols)
		return NULL;
	return &t->cells[(t->nrows - 1) * t->ncols + col];
}

static void put_str(lc_table *t, char **slot, const char *s)
{
	char *dup = NULL;
	if (s && !(dup = lc__strdup(s))) {
		t->failed = true;
		return;
	}
	lc__free(*slot);
	*slot = dup;
}

void lc__table_put_text(lc_table *t, size_t col, const char *text)
{
	lc__cell *c = last(t, col);
	if (c)
		put_str(t, &c->text, text);
}

void lc__table_put_label(lc_table *t, size_t col, const char *label)
{
	lc__cell *c = last(t, col);
	if (c && c->text && label && strcmp(label, c->text) != 0)
		put_str(t, &c->label, label);
}

void lc__table_put_int(lc_table *t, size_t col, int64_t v)
{
	lc__cell *c = last(t, col);
	if (c)
		c->num = v;
}

void lc__table_add_summary(lc_table *t, const lc__column *cols, size_t ncols)
{
	if (t->failed)
		return;
	if (lc__table_new(&t->summary, "summary", cols, ncols)) {
		t->failed = true;
		return;
	}
	lc__table_row(t->summary);
	t->failed = t->summary->failed;
}

int lc__table_failed(const lc_table *t)
{
	if (t->failed || (t->summary && t->summary->failed))
		return lc__error(LC_ENOMEM, "out of memory while building a %s table", t->kind);
	return 0;
}

int lc__table_finish(lc_table *t, lc_table **out)
{
	int rc = lc__table_failed(t);

	if (rc) {
		lc_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

long lc__table_col(const lc_table *t, const char *name)
{
	for (size_t i = 0; t && name && i < t->ncols; i++)
		if (strcmp(t->names[i], name) == 0)
			return (long)i;
	return -1;
}

/* ---- reading ---- */

const char *lc_table_kind(const lc_table *t)
{
	return t ? t->kind : NULL;
}

size_t lc_table_row_count(const lc_table *t)
{
	if (!t)
		return 0;
	return t->view ? t->view->rows(t->src) : t->nrows;
}

size_t lc_table_column_count(const lc_table *t)
{
	return t ? t->ncols : 0;
}

const char *lc_table_column_name(const lc_table *t, size_t col)
{
	return t && col < t->ncols ? t->names[col] : NULL;
}

lc_column_type lc_table_column_type(const lc_table *t, size_t col)
{
	return t && col < t->ncols ? t->types[col] : (lc_column_type)0;
}

int lc_table_column_find(const lc_table *t, const char *name, size_t *col)
{
	long i;
	lc_buf b;

	LC__ARG(t, "t");
	LC__ARG(name, "name");
	LC__ARG(col, "col");
	if ((i = lc__table_col(t, name)) >= 0) {
		*col = (size_t)i;
		return 0;
	}
	lc__buf_init(&b);
	for (size_t k = 0; k < t->ncols; k++)
		lc__buf_printf(&b, "%s%s", k ? ", " : "", t->names[k]);
	lc__error(LC_ENOTFOUND, "a %s table has no column '%.64s'; its columns are: %s", t->kind,
		  name, b.failed || !b.data ? "(none)" : b.data);
	lc__buf_free(&b);
	return LC_ENOTFOUND;
}

static const lc__cell *cell(const lc_table *t, size_t row, size_t col)
{
	if (!t || t->view || row >= t->nrows || col >= t->ncols)
		return NULL;
	return &t->cells[row * t->ncols + col];
}

const char *lc_table_text(const lc_table *t, size_t row, size_t col)
{
	const lc__cell *c;

	if (!t || col >= t->ncols || t->types[col] != LC_COLUMN_TEXT)
		return NULL;
	if (t->view)
		return row < t->view->rows(t->src) ? t->view->text(t->src, row, col) : NULL;
	return (c = cell(t, row, col)) ? c->text : NULL;
}

const char *lc_table_label(const lc_table *t, size_t row, size_t col)
{
	const lc__cell *c = cell(t, row, col);

	if (c && c->label && t->types[col] == LC_COLUMN_TEXT)
		return c->label;
	return lc_table_text(t, row, col);
}

int64_t lc_table_int(const lc_table *t, size_t row, size_t col)
{
	const lc__cell *c;

	if (!t || col >= t->ncols || t->types[col] == LC_COLUMN_TEXT)
		return LC_TABLE_NONE;
	if (t->view)
		return row < t->view->rows(t->src) ? t->view->num(t->src, row, col) : LC_TABLE_NONE;
	return (c = cell(t, row, col)) ? c->num : LC_TABLE_NONE;
}

const char *lc_table_text_named(const lc_table *t, size_t row, const char *name)
{
	long col = lc__table_col(t, name);
	return col < 0 ? NULL : lc_table_text(t, row, (size_t)col);
}

int64_t lc_table_int_named(const lc_table *t, size_t row, const char *name)
{
	long col = lc__table_col(t, name);
	return col < 0 ? LC_TABLE_NONE : lc_table_int(t, row, (size_t)col);
}

const lc_table *lc_table_summary(const lc_table *t)
{
	return t ? t->summary : NULL;
}
