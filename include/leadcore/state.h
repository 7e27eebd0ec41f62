/**
 * @file state.h
 * @brief lc_state: a lead's current disposition state, as the engine sees it.
 *
 * A state holds, for each axis, the current value (milestone, status, stage,
 * phase, life-cycle state), the follow-up time, the actual completion time,
 * the counters of repeatable stages and the lead's do-not-call and
 * do-not-email flags. It is bound to the model it was created with: values
 * are resolved against that model once, when set, so that validation does no
 * lookups. The model must outlive the state.
 *
 * Thread safety: one thread at a time per state.
 */
#ifndef LEADCORE_STATE_H
#define LEADCORE_STATE_H

#include "common.h"
#include "model.h"

LC_BEGIN_DECL

/** A lead's disposition state. */
typedef struct lc_state lc_state;

/**
 * Create an empty state bound to @p model: every axis unset, no follow-up, no
 * completion, no flags. The model's first milestone is NOT applied: an empty
 * state is the state of a lead before its first disposition.
 * @param[out] out Receives the state; free it with lc_state_free().
 * @param model The model; must outlive the state.
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_state_new(lc_state **out, const lc_model *model);

/**
 * Free a state. Accepts NULL.
 * @param state The state.
 */
LC_API void lc_state_free(lc_state *state);

/**
 * Copy @p src into @p dst. Both must be bound to the same model.
 * @param dst The destination.
 * @param src The source.
 * @return 0 or LC_EINVAL.
 */
LC_API int lc_state_copy(lc_state *dst, const lc_state *src);

/**
 * Whether two states hold the same values, times, counters and flags. Never
 * fails and sets no error: a NULL state equals only another NULL.
 * @param a A state, or NULL.
 * @param b A state, or NULL.
 * @return 1 equal, 0 different.
 */
LC_API int lc_state_equal(const lc_state *a, const lc_state *b);

/**
 * Set the value of an axis by key or label (case-insensitive). Setting a stage
 * also sets its phase; setting a status also sets its life-cycle state (and
 * clearing either clears the value derived from it). On failure the state is
 * unchanged.
 * @param state The state.
 * @param axis LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE, LC_AXIS_PHASE or LC_AXIS_LIFECYCLE.
 * @param key_or_label The value; NULL clears the axis.
 * @return 0, LC_EINVAL (NULL state, another axis, bad UTF-8), LC_ERANGE (overlong),
 *         LC_ENOTFOUND (not in the model; the message lists the axis's keys).
 */
LC_API int lc_state_set(lc_state *state, lc_axis axis, const char *key_or_label);

/**
 * The key of an axis's current value. A value that a store read back and the
 * model does not know (after a model upgrade) is returned as it was stored;
 * lc_validate_state() reports it.
 * @param state The state.
 * @param axis The axis.
 * @return Owned by the model or the state (valid until the state changes); NULL when unset.
 */
LC_API const char *lc_state_get(const lc_state *state, lc_axis axis);

/**
 * Put a state where a new lead starts: each of milestone, status and stage
 * that has a value flagged LC_FLAG_INITIAL in the model gets it (with the
 * stage's phase and the status's life-cycle state); the other axes, times,
 * counters and flags are left as they are. lc_db_lead_create() does this for
 * a lead whose state is empty.
 * @param state The state.
 * @return 0, or LC_EINVAL for NULL.
 */
LC_API int lc_state_set_initial(lc_state *state);

/** The times a state holds (lc_state_time(), lc_state_set_time()). */
typedef enum lc_state_time_field {
	/** When the lead is to be contacted next (set by dispositions; some
	 *  statuses require one in the future). */
	LC_STATE_TIME_FOLLOW_UP = 0,
	/** When the lead entered a completed life-cycle state (stamped by the
	 *  engine; cleared when it leaves such a state). */
	LC_STATE_TIME_COMPLETED_AT = 1
} lc_state_time_field;

/**
 * Set one of the state's times.
 * @param state The state.
 * @param field Which time.
 * @param t A time in LC_TIME_MIN..LC_TIME_MAX, or LC_TIME_NONE to clear it.
 * @return 0, LC_EINVAL (NULL state, unknown @p field), LC_ERANGE (a time
 *         outside the range).
 */
LC_API int lc_state_set_time(lc_state *state, lc_state_time_field field, lc_time t);

/**
 * One of the state's times. Never fails.
 * @param state The state (NULL: LC_TIME_NONE).
 * @param field Which time (unknown: LC_TIME_NONE).
 * @return The time, or LC_TIME_NONE when it is not set.
 */
LC_API lc_time lc_state_time(const lc_state *state, lc_state_time_field field);

/** @name Contact flags (lc_state_set_flags())
 * @{ */
#define LC_STATE_DO_NOT_CALL (1u << 0)  /**< The lead must not be called or texted. */
#define LC_STATE_DO_NOT_EMAIL (1u << 1) /**< The lead must not be emailed. */
/** @} */

/**
 * Set the lead's contact flags (`LC_STATE_*`). LC_STATE_DO_NOT_CALL refuses
 * actions flagged as phone actions, LC_STATE_DO_NOT_EMAIL those flagged as email.
 * @param state The state.
 * @param flags The flags.
 * @return 0, or LC_EINVAL (NULL state, or a bit that is not an `LC_STATE_*` flag).
 */
LC_API int lc_state_set_flags(lc_state *state, uint32_t flags);

/**
 * The lead's contact flags.
 * @param state The state.
 * @return The flags (`LC_STATE_*`).
 */
LC_API uint32_t lc_state_flags(const lc_state *state);

/**
 * A repeatable stage's entries: how many times the lead has entered it
 * (periodic check-in N; the pipeline report's "entries" column).
 * @param state The state.
 * @param stage_key The stage's key or label.
 * @return The entries (0 when never entered, not repeatable, or for NULL).
 */
LC_API size_t lc_state_stage_entries(const lc_state *state, const char *stage_key);

/**
 * Set a repeatable stage's entries (a program that builds a state by hand;
 * a backend restoring a lead uses lc_state_set_stored_entries()).
 * @param state The state.
 * @param stage_key The stage's key or label.
 * @param entries The entries; 0 clears them.
 * @return 0, LC_EINVAL (NULL, bad UTF-8, a stage that is not repeatable),
 *         LC_ERANGE (a key longer than 1 MiB, more than 4294967295 entries),
 *         LC_ENOTFOUND.
 */
LC_API int lc_state_set_stage_entries(lc_state *state, const char *stage_key, size_t entries);

LC_END_DECL

#endif
