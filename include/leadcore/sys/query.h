/**
 * @file sys/query.h
 * @brief Reading an ::lc_query's conditions, for backend authors only.
 *
 * A backend's lead_iter_open and count_grouped slots receive the caller's
 * query and apply its conditions; these getters are how they read them.
 * Programs that only use a store build queries with the setters of db.h.
 */
#ifndef LEADCORE_SYS_QUERY_H
#define LEADCORE_SYS_QUERY_H

#include "../common.h"
#include "../db.h"

LC_BEGIN_DECL

/**
 * The query's value condition on an axis (for backends): a key of the
 * store's model, as the backend stores it (the core has resolved the
 * caller's label or alias before a slot sees the query).
 * @param q The query.
 * @param axis The axis.
 * @return Owned by the query; NULL when there is no condition.
 */
LC_API const char *lc_query_value(const lc_query *q, lc_axis axis);

/**
 * The query's condition on a text field (for backends).
 * @param q The query.
 * @param field The field.
 * @return Owned by the query; NULL when there is no condition.
 */
LC_API const char *lc_query_text(const lc_query *q, lc_lead_text_field field);

/**
 * The query's agent condition.
 * @param q The query.
 * @return An agent id, LC_QUERY_NONE, or 0 for none.
 */
LC_API lc_id lc_query_agent(const lc_query *q);

/**
 * The query's unit condition.
 * @param q The query.
 * @return A unit id, LC_QUERY_NONE, or 0 for none.
 */
LC_API lc_id lc_query_unit(const lc_query *q);

/**
 * The query's follow-up window.
 * @param q The query.
 * @param[out] from Receives the start or LC_TIME_NONE; may be NULL.
 * @param[out] to Receives the end or LC_TIME_NONE; may be NULL.
 * @return 1 when the query has the condition, 0 when not.
 */
LC_API int lc_query_follow_up(const lc_query *q, lc_time *from, lc_time *to);

/**
 * The query's creation window.
 * @param q The query.
 * @param[out] from Receives the start or LC_TIME_NONE; may be NULL.
 * @param[out] to Receives the end or LC_TIME_NONE; may be NULL.
 * @return 1 when the query has the condition, 0 when not.
 */
LC_API int lc_query_created(const lc_query *q, lc_time *from, lc_time *to);

/**
 * The query's recycle-bin filter.
 * @param q The query.
 * @return The filter.
 */
LC_API lc_recycled_filter lc_query_recycled(const lc_query *q);

/**
 * The query's attribute condition.
 * @param q The query.
 * @param[out] value Receives the value (owned by the query); may be NULL.
 * @return The key (owned by the query), or NULL when there is no condition.
 */
LC_API const char *lc_query_attribute(const lc_query *q, const char **value);

/**
 * Whether the query keeps only invalid leads (the core applies this condition;
 * backends ignore it).
 * @param q The query.
 * @return 1 or 0.
 */
LC_API int lc_query_invalid(const lc_query *q);

/**
 * The flags set by lc_query_set_value_flags() (the core applies this
 * condition; backends ignore it).
 * @param q The query.
 * @return The flags; 0 for none or NULL.
 */
LC_API uint32_t lc_query_value_flags(const lc_query *q);

/**
 * The query's paging.
 * @param q The query.
 * @param[out] after Receives the cursor (0 for none); may be NULL.
 * @return The limit, 0 for none.
 */
LC_API size_t lc_query_page(const lc_query *q, lc_id *after);

LC_END_DECL

#endif
