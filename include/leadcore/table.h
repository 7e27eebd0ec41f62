/**
 * @file table.h
 * @brief lc_table: the one shape of every result the library hands back.
 *
 * Reports, sweep results, assignments, worklists, model upgrade dry runs,
 * import results, agent and unit lists, a model's values and rules, a rule
 * set's rules, the problems of a model text and the violations of a
 * disposition are all tables: a number of rows, named and typed columns,
 * and cells read by row and column index or column name. A table may carry a
 * one-row **summary** table of totals (the leads a sweep checked, the rows an
 * import read).
 *
 * Column names are stable keys, so a program can print any table without
 * knowing which one it is (leadctl does). Each function that returns a table
 * lists its kind and columns.
 *
 * Ownership: a table a function gives to the caller is freed with
 * lc_table_free(); a table a getter returns as `const lc_table *` (a
 * summary, a model's values, a violation list's view) is owned by its
 * source. Every `const char *` a getter returns is owned by the table and
 * lives as long as it does. Thread safety: a finished table may be read from
 * any one thread at a time; tables owned by a model may be shared.
 */
#ifndef LEADCORE_TABLE_H
#define LEADCORE_TABLE_H

#include "common.h"

LC_BEGIN_DECL

/** A result table. */
typedef struct lc_table lc_table;

/** What a column holds, and so which getter reads it. */
typedef enum lc_column_type {
	LC_COLUMN_TEXT = 1, /**< Text: lc_table_text(), and lc_table_label() for a person. */
	LC_COLUMN_INT = 2,  /**< A count, code or measure: lc_table_int(). */
	LC_COLUMN_TIME = 3, /**< An ::lc_time (seconds, UTC): lc_table_int(). */
	LC_COLUMN_ID = 4    /**< An ::lc_id (0: none): lc_table_int(). */
} lc_column_type;

/** An integer cell with no value (a median with no data, a time not set). */
#define LC_TABLE_NONE INT64_MIN

/**
 * Free a table the caller owns. Accepts NULL.
 * @param t The table.
 */
LC_API void lc_table_free(lc_table *t);

/**
 * The table's kind: "pipeline", "matrix", "cell", "followups", "overdue",
 * "funnel", "sweep", "assignment", "assignment_agents", "worklist",
 * "upgrade", "import", "verify", "agents", "units", "values", "rules",
 * "ruleset_rules", "problems", "violations" or "summary".
 * @param t The table.
 * @return A static string; NULL for NULL.
 */
LC_API const char *lc_table_kind(const lc_table *t);

/**
 * The number of rows.
 * @param t The table.
 * @return The count; 0 for NULL.
 */
LC_API size_t lc_table_row_count(const lc_table *t);

/**
 * The number of columns.
 * @param t The table.
 * @return The count; 0 for NULL.
 */
LC_API size_t lc_table_column_count(const lc_table *t);

/**
 * The name of column @p col ("stage", "lead", "follow_up", ...).
 * @param t The table.
 * @param col Column index.
 * @return Owned by the table; NULL when out of range.
 */
LC_API const char *lc_table_column_name(const lc_table *t, size_t col);

/**
 * The type of column @p col.
 * @param t The table.
 * @param col Column index.
 * @return The type; 0 when out of range.
 */
LC_API lc_column_type lc_table_column_type(const lc_table *t, size_t col);

/**
 * Find a column by name.
 * @param t The table.
 * @param name The column's name (exact).
 * @param[out] col Receives its index.
 * @return 0, LC_EINVAL (NULL), LC_ENOTFOUND (the message lists the columns).
 */
LC_API int lc_table_column_find(const lc_table *t, const char *name, size_t *col);

/**
 * The text in row @p row, column @p col (a text column).
 * @param t The table.
 * @param row Row index.
 * @param col Column index.
 * @return Owned by the table; NULL when the cell has no value, for a column
 *         that is not text, or out of range.
 */
LC_API const char *lc_table_text(const lc_table *t, size_t row, size_t col);

/**
 * The text of a cell as a person reads it: a model value's label where the
 * cell holds a key the current model knows, the text itself otherwise.
 * @param t The table.
 * @param row Row index.
 * @param col Column index.
 * @return Owned by the table; NULL where lc_table_text() is NULL.
 */
LC_API const char *lc_table_label(const lc_table *t, size_t row, size_t col);

/**
 * The integer in row @p row, column @p col (an int, time or id column).
 * @param t The table.
 * @param row Row index.
 * @param col Column index.
 * @return The value; ::LC_TABLE_NONE when the cell has no value, for a text
 *         column, or out of range.
 */
LC_API int64_t lc_table_int(const lc_table *t, size_t row, size_t col);

/**
 * lc_table_text() by column name.
 * @param t The table.
 * @param row Row index.
 * @param name The column's name.
 * @return As lc_table_text(); NULL for an unknown name.
 */
LC_API const char *lc_table_text_named(const lc_table *t, size_t row, const char *name);

/**
 * lc_table_int() by column name.
 * @param t The table.
 * @param row Row index.
 * @param name The column's name.
 * @return As lc_table_int(); ::LC_TABLE_NONE for an unknown name.
 */
LC_API int64_t lc_table_int_named(const lc_table *t, size_t row, const char *name);

/**
 * The table's totals: a table of kind "summary" with one row (the leads a
 * sweep checked, the rows an import read, ...), or NULL when the table has
 * none. Each function that returns a table with a summary lists its columns.
 * @param t The table.
 * @return Owned by @p t; NULL when it has no summary.
 */
LC_API const lc_table *lc_table_summary(const lc_table *t);

LC_END_DECL

#endif
