/*
 * Building lc_table results (include/leadcore/table.h). Column names are
 * static strings. A table is filled row by row; a failed allocation puts it
 * in a failed state that lc__table_failed() reports once at the end, as
 * lc_buf does. A view reads its rows from a source through callbacks, so
 * that an object that must not allocate (a violation list) can still be read
 * as a table.
 */
#ifndef LC_CORE_TABLE_H
#define LC_CORE_TABLE_H

#include <stdbool.h>

#include "leadcore/table.h"

#define LC__TABLE_MAX_COLS 16

typedef struct lc__column {
	const char *name;
	lc_column_type type;
} lc__column;

typedef struct lc__cell {
	char *text;
	char *label; /* NULL: the text is its own label */
	int64_t num;
} lc__cell;

typedef struct lc__table_view {
	size_t (*rows)(const void *src);
	const char *(*text)(const void *src, size_t row, size_t col);
	int64_t (*num)(const void *src, size_t row, size_t col);
} lc__table_view;

struct lc_table {
	const char *kind;
	const char *names[LC__TABLE_MAX_COLS];
	lc_column_type types[LC__TABLE_MAX_COLS];
	size_t ncols;
	lc__cell *cells; /* nrows * ncols */
	size_t nrows, cap;
	lc_table *summary;
	const lc__table_view *view;
	const void *src;
	bool failed;
};

/* A new empty table (LC_ENOMEM, or LC_EINVAL for too many columns). */
int lc__table_new(lc_table **out, const char *kind, const lc__column *cols, size_t ncols);
/* Make @p t (embedded in its source) a view of @p src. Allocates nothing. */
void lc__table_view_init(lc_table *t, const char *kind, const lc__column *cols, size_t ncols,
			 const lc__table_view *view, const void *src);
/* Append a row whose cells have no value; the put functions fill it. */
void lc__table_row(lc_table *t);
void lc__table_put_text(lc_table *t, size_t col, const char *text);
void lc__table_put_label(lc_table *t, size_t col, const char *label);
void lc__table_put_int(lc_table *t, size_t col, int64_t v);
/* Give @p t a one-row summary with these (integer) columns; fill it with
 * lc__table_put_int(t->summary, ...). */
void lc__table_add_summary(lc_table *t, const lc__column *cols, size_t ncols);
/* Drop every row, keeping the columns and the memory. */
void lc__table_clear(lc_table *t);
/* LC_ENOMEM (with a message) when any append failed, else 0. */
int lc__table_failed(const lc_table *t);
/* Hand a finished table to *out, or free it and return LC_ENOMEM when an
 * append failed. */
int lc__table_finish(lc_table *t, lc_table **out);
/* Column index by name, or -1. */
long lc__table_col(const lc_table *t, const char *name);

#endif
