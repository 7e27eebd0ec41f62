/**
 * @file disposition.h
 * @brief lc_disposition: one event to validate and apply.
 *
 * A disposition records what an agent (or a workflow) did: an action, and
 * optionally a new milestone, status, stage, an outcome, a reason, a
 * follow-up time, a note and the actor. An axis left unset stays as it is.
 *
 * A disposition is bound to a model: values are resolved when set, so an
 * unknown value fails at once with LC_ENOTFOUND and a message listing the
 * model's keys, and validation does no lookups. Reuse one disposition for
 * many events with lc_disposition_reset(). The model must outlive it.
 *
 * Strings are copied. Thread safety: one thread at a time per disposition.
 */
#ifndef LEADCORE_DISPOSITION_H
#define LEADCORE_DISPOSITION_H

#include "common.h"
#include "model.h"

LC_BEGIN_DECL

/** One event to apply. */
typedef struct lc_disposition lc_disposition;

/**
 * Create an empty disposition bound to @p model.
 * @param[out] out Receives it; free it with lc_disposition_free().
 * @param model The model; must outlive the disposition.
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_disposition_new(lc_disposition **out, const lc_model *model);

/**
 * Free a disposition. Accepts NULL.
 * @param d The disposition.
 */
LC_API void lc_disposition_free(lc_disposition *d);

/**
 * Clear every field, keeping the model binding and the memory.
 * @param d The disposition.
 */
LC_API void lc_disposition_reset(lc_disposition *d);

/**
 * Set the value of an axis by key or label (case-insensitive).
 * @param d The disposition.
 * @param axis LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE or LC_AXIS_REASON.
 * @param key_or_label The value; NULL clears it (the axis stays unchanged when applied).
 * @return 0, LC_EINVAL (NULL disposition, bad UTF-8, an axis a disposition cannot set),
 *         LC_ERANGE (text longer than 1 MiB), LC_ENOTFOUND (not in the model; the
 *         message lists the keys).
 */
LC_API int lc_disposition_set(lc_disposition *d, lc_axis axis, const char *key_or_label);

/**
 * Set an axis's value by its index in the model (the fast path for programs
 * that resolved keys once).
 * @param d The disposition.
 * @param axis As lc_disposition_set().
 * @param index Index in the model's order.
 * @return 0, LC_EINVAL, LC_ERANGE.
 */
LC_API int lc_disposition_set_index(lc_disposition *d, lc_axis axis, size_t index);

/**
 * The key of an axis's value in the disposition.
 * @param d The disposition.
 * @param axis The axis.
 * @return Owned by the model; NULL when unset.
 */
LC_API const char *lc_disposition_get(const lc_disposition *d, lc_axis axis);

/**
 * Set the outcome.
 * @param d The disposition.
 * @param outcome The outcome (LC_OUTCOME_NONE clears it).
 * @return 0 or LC_EINVAL.
 */
LC_API int lc_disposition_set_outcome(lc_disposition *d, lc_outcome outcome);

/**
 * The outcome.
 * @param d The disposition.
 * @return The outcome.
 */
LC_API lc_outcome lc_disposition_outcome(const lc_disposition *d);

/**
 * Set the follow-up time.
 * @param d The disposition.
 * @param t A time, or LC_TIME_NONE.
 * @return 0, LC_EINVAL, LC_ERANGE (@p t is neither LC_TIME_NONE nor within
 *         ::LC_TIME_MIN..::LC_TIME_MAX).
 */
LC_API int lc_disposition_set_follow_up(lc_disposition *d, lc_time t);

/**
 * The follow-up time.
 * @param d The disposition.
 * @return The time, or LC_TIME_NONE.
 */
LC_API lc_time lc_disposition_follow_up(const lc_disposition *d);

/**
 * Set the note (copied; at most 1 MiB of UTF-8).
 * @param d The disposition.
 * @param note The note, or NULL.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_disposition_set_note(lc_disposition *d, const char *note);

/**
 * The note.
 * @param d The disposition.
 * @return Owned by the disposition; NULL when unset.
 */
LC_API const char *lc_disposition_note(const lc_disposition *d);

/**
 * Set the actor: who made the disposition (an agent's name, or "system:RULE").
 * @param d The disposition.
 * @param actor The actor (copied, at most 256 bytes), or NULL.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_disposition_set_actor(lc_disposition *d, const char *actor);

/**
 * The actor.
 * @param d The disposition.
 * @return Owned by the disposition; NULL when unset.
 */
LC_API const char *lc_disposition_actor(const lc_disposition *d);

LC_END_DECL

#endif
