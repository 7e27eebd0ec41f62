/**
 * @file report.h
 * @brief Reports over a store: the pipeline, the disposition matrix and its
 *        drill-down, follow-ups due, overdue leads and the funnel.
 *
 * Every report is a query against an open ::lc_db and returns an ::lc_table
 * (table.h). Its columns are: zero or more **key columns** (text: the values
 * a row is grouped by, a stage key, an agent's name, a day; lc_table_label()
 * gives the current model's label of a key), then "count" (an integer: leads
 * in the group), then "lead" (an id) for the reports whose rows are leads,
 * then the report's **measures** (integers: the matrix's "allowed" flag, the
 * funnel's times). Column names are stable keys, so that a program can print
 * any report without knowing which one it is (leadctl does).
 *
 * Recycled leads are left out of every report. Pipeline counts also leave
 * out leads that hold a value flagged `not_reportable` (LC_FLAG_NOT_REPORTABLE:
 * Archive, test leads) on any axis.
 *
 * The SQLite backend answers the pipeline and the matrix with one `GROUP BY`;
 * other backends without a grouped-count slot are answered by iterating.
 *
 * Every report that takes ::lc_report_options returns LC_EVERSION for
 * options of a version this library does not know; LC_ERANGE, naming the
 * field, when @c from or @c to of its options is outside
 * ::LC_TIME_MIN..::LC_TIME_MAX (read by the report or not), or when it needs
 * the store's clock and the clock is; and LC_ENOTFOUND when the options'
 * filter holds a value the current model does not know. Its `@return` lists
 * these as "options and filter, above". Every report may also return the
 * store's errors, which the file comment of db.h lists once.
 *
 * Thread safety: as the ::lc_db the report was made from; a finished report
 * may be read from any one thread.
 */
#ifndef LEADCORE_REPORT_H
#define LEADCORE_REPORT_H

#include "common.h"
#include "db.h"
#include "table.h"

LC_BEGIN_DECL

/** Most axes a pipeline report groups by. */
#define LC_REPORT_MAX_AXES 2

/** Version of ::lc_report_options that these headers know. */
#define LC_REPORT_OPTIONS_VERSION 2

/** Options shared by the reports; each report says which fields it reads. */
typedef struct lc_report_options {
	/** Set to LC_REPORT_OPTIONS_VERSION. */
	unsigned int version;
	/** Start of the window (follow-ups: default the start of today by the
	 *  store's clock; funnel: events at or after it; default no bound). */
	lc_time from;
	/** End of the window, excluded (follow-ups: default @c from + 7 days;
	 *  funnel: default no bound). */
	lc_time to;
	/** Follow-ups and overdue: only this agent's leads; 0 for every lead. */
	lc_id agent;
	/* ---- version 2 ---- */
	/** The leads every report is about: the conditions of a lead query
	 *  (lc_query_set_value(), _text(), _agent(), _unit(), _attribute(),
	 *  _created(), _follow_up(), _recycled(), _invalid(): what
	 *  lc_db_query() and a lead list take), or NULL for every lead not
	 *  recycled. Paging is ignored. A value condition the store's model
	 *  does not know makes the report fail with LC_ENOTFOUND, as
	 *  lc_db_query() does. The report's own conditions (a
	 *  follow-up window, a cell, @c agent) are added to it. Owned by the
	 *  caller and read during the call only. */
	const lc_query *filter;
	/** `LC_REPORT_*` flags (LC_REPORT_SUM_AMOUNT). */
	uint32_t flags;
} lc_report_options;

/** lc_report_options.flags: lc_report_pipeline() adds a "currency" column
 *  and an "amount" measure, the sum of the group's amounts in minor units
 *  (a group per currency; leads with no amount have no currency and 0). */
#define LC_REPORT_SUM_AMOUNT (1u << 0)

/** Static initialiser for ::lc_report_options with the defaults. */
#define LC_REPORT_OPTIONS_INIT { LC_REPORT_OPTIONS_VERSION, LC_TIME_NONE, LC_TIME_NONE, 0, NULL, 0 }

/**
 * Initialise ::lc_report_options with the defaults (for FFI callers that
 * cannot use LC_REPORT_OPTIONS_INIT).
 * @param opts The struct to fill.
 * @param version LC_REPORT_OPTIONS_VERSION.
 * @return 0, LC_EINVAL (NULL), LC_EVERSION (a version this library does not know).
 */
LC_API int lc_report_options_init(lc_report_options *opts, unsigned int version);

/** @name Reports
 * @{ */

/**
 * Pipeline counts: how many leads hold each value (or pair of values) of
 * one or two axes: the state axes (LC_AXIS_MILESTONE, LC_AXIS_STATUS,
 * LC_AXIS_PHASE, LC_AXIS_STAGE, LC_AXIS_LIFECYCLE) or the record axes
 * (LC_AXIS_OWNER and LC_AXIS_UNIT by name, LC_AXIS_SEGMENT, LC_AXIS_SOURCE,
 * LC_AXIS_OWNER_GROUP, LC_AXIS_TYPE, LC_AXIS_CATEGORY, LC_AXIS_PRIORITY). Leads in the recycle bin, and leads holding a value
 * flagged `not_reportable`, are left out. A lead with no value on an axis is
 * counted in a row whose key is NULL there. Rows come in the model's order
 * of the first axis, then of the second (record axes by text; unset last); only
 * non-empty groups are listed.
 *
 * Columns: the axes' keys, then "currency" with LC_REPORT_SUM_AMOUNT.
 * Measures: "amount" (the sum, minor units) with LC_REPORT_SUM_AMOUNT,
 * which is answered by reading every lead the filter keeps; then, when one
 * axis is LC_AXIS_STAGE and the model has a stage flagged LC_FLAG_REPEATABLE,
 * "entries": on a repeatable stage's row, the sum of its leads' entries into
 * that stage (lc_state_stage_entries(): check-in 3 and check-in 1 make 4),
 * read from the leads in repeatable stages only; ::LC_TABLE_NONE on the other
 * rows.
 * @param db The store.
 * @param axes One or two axes.
 * @param naxes 1 or 2.
 * @param opts The filter and LC_REPORT_SUM_AMOUNT; may be NULL.
 * @param[out] out Receives the report; free it with lc_table_free().
 * @return 0, LC_EINVAL (NULL, no axis, too many, an action, reason, unknown or repeated
 *         axis), LC_ESTATE (the store has no model), LC_EVERSION, LC_ERANGE,
 *         LC_ENOTFOUND (options and filter, above).
 */
LC_API int lc_report_pipeline(lc_db *db, const lc_axis *axes, size_t naxes,
			      const lc_report_options *opts, lc_table **out);

/**
 * The disposition matrix (seed 000's dashboard): one row per milestone ×
 * status cell of the current model, with its lead count and whether the
 * model's links allow it, invalid cells first (each group in the model's
 * order). Combinations with a value the model does not know (from an older
 * model) are added as invalid rows when they have leads; a lead with a
 * milestone but no status (or the reverse) is counted in an allowed row whose
 * other key is NULL, as the engine checks links only when both are set.
 * Leads never disposed of (neither value) hold no cell. Recycled leads are
 * left out.
 *
 * Columns: "milestone", "status". Measures: "allowed" (1 or 0).
 * @param db The store.
 * @param opts The filter; may be NULL.
 * @param[out] out Receives the report; free it with lc_table_free().
 * @return 0, LC_EINVAL, LC_ESTATE (no model), LC_EUNSUPPORTED (a model with no
 *         milestones or no statuses), LC_EVERSION, LC_ERANGE, LC_ENOTFOUND (options and
 *         filter, above).
 */
LC_API int lc_report_matrix(lc_db *db, const lc_report_options *opts, lc_table **out);

/**
 * The drill-down of one matrix cell: the leads (not recycled) holding a
 * milestone and a status, in id order.
 *
 * Kind "cell". Columns: "external_id", "name". The count of each row is 1
 * and the "lead" column gives its id. Measures: none.
 * @param db The store.
 * @param milestone The milestone, as stored (a key; a label of the current
 *                  model is accepted too).
 * @param status The status, likewise.
 * @param opts The filter; may be NULL.
 * @param[out] out Receives the report; free it with lc_table_free().
 * @return 0, LC_EINVAL (NULL, bad UTF-8), LC_ERANGE (a key longer than 64 bytes),
 *         LC_ESTATE (no model), LC_EVERSION, LC_ERANGE, LC_ENOTFOUND (options and
 *         filter, above).
 */
LC_API int lc_report_matrix_cell(lc_db *db, const char *milestone, const char *status,
				 const lc_report_options *opts, lc_table **out);

/**
 * Follow-ups due, per agent per day: leads (not recycled) whose follow-up
 * falls in the window [@c opts->from, @c opts->to), grouped by the assigned
 * agent and the UTC day. Rows by agent name (unassigned last), then day.
 *
 * Columns: "owner" (NULL when unassigned), "day" (YYYY-MM-DD). Measures: none.
 * @param db The store.
 * @param opts The window and an optional agent; NULL for the defaults
 *             (today and the six days after, every agent).
 * @param[out] out Receives the report; free it with lc_table_free().
 * @return 0, LC_EINVAL (NULL, a window whose end is not after its start, a negative
 *         agent), LC_ESTATE (no model), LC_ENOTFOUND (no such agent), LC_EVERSION,
 *         LC_ERANGE, LC_ENOTFOUND (options and filter, above).
 */
LC_API int lc_report_followups(lc_db *db, const lc_report_options *opts, lc_table **out);

/**
 * Overdue leads (seed 003's "time overdue"): leads (not recycled) whose
 * expected completion date is before the store's present and that are not
 * completed, most overdue first.
 *
 * Columns: "external_id", "name", "owner", "status"; the "lead" column gives
 * each row's lead; the count is 1. Measures: "expected_completion" (a
 * time), "overdue_seconds".
 * @param db The store.
 * @param opts An optional agent; may be NULL.
 * @param[out] out Receives the report; free it with lc_table_free().
 * @return 0, LC_EINVAL, LC_ESTATE (no model), LC_ENOTFOUND (no such agent), LC_EVERSION,
 *         LC_ERANGE, LC_ENOTFOUND (options and filter, above).
 */
LC_API int lc_report_overdue(lc_db *db, const lc_report_options *opts, lc_table **out);

/**
 * The funnel, computed from history: for each stage of the current model
 * (milestones when it has no stages), in order, how many leads reached it,
 * how many of those went on to a later stage that is not closed, and the
 * median and 90th percentile of the time a lead spent in it (stays that
 * ended; a stay ends when the lead moves to another stage). Recycled leads
 * are left out.
 *
 * Columns: "stage" (or "milestone"). Count: leads that reached it.
 * Measures: "advanced" (leads that reached a later open stage),
 * "median_seconds" and "p90_seconds" (::LC_TABLE_NONE when no stay ended).
 * The conversion to the next stage is advanced / count.
 * @param db The store.
 * @param opts An optional window on the events' times; may be NULL.
 * @param[out] out Receives the report; free it with lc_table_free().
 * @return 0, LC_EINVAL, LC_ESTATE (no model), LC_EUNSUPPORTED (a model with neither
 *         stages nor milestones), LC_EVERSION, LC_ERANGE, LC_ENOTFOUND (options and
 *         filter, above).
 */
LC_API int lc_report_funnel(lc_db *db, const lc_report_options *opts, lc_table **out);

/**
 * The store's current model as a Graphviz DOT digraph that shows its rules
 * (as lc_model_to_dot()) with the store's counts on the nodes: the leads in
 * each stage, milestone, life-cycle state (and status, for a model without
 * milestones), the leads of each status under each milestone, and in red
 * the invalid leads a value holds and the leads in a combination the links
 * refuse. Recycled and not-reportable leads are left out, as in the
 * pipeline report.
 * @param db The store.
 * @param[out] out Receives NUL-terminated text; free it with lc_free().
 * @param[out] len Receives the length without the NUL; may be NULL.
 * @return 0, LC_EINVAL (NULL), LC_ESTATE (no model).
 */
LC_API int lc_report_model_dot(lc_db *db, char **out, size_t *len);

/** @} */

LC_END_DECL

#endif
