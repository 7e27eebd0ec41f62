/**
 * @file validate.h
 * @brief The engine: validate a disposition against a model, and compute the next state.
 *
 * These functions are pure: they read a model, a state and a disposition, and
 * know nothing of storage. They allocate nothing: an ::lc_violations list is
 * created once and reused.
 */
#ifndef LEADCORE_VALIDATE_H
#define LEADCORE_VALIDATE_H

#include "common.h"
#include "disposition.h"
#include "model.h"
#include "state.h"
#include "table.h"

LC_BEGIN_DECL

/** A reusable list of violations. */
typedef struct lc_violations lc_violations;

/**
 * Stable violation codes: X(NAME, value, key). The key is what JSON output and
 * leadctl print.
 */
#define LC_VIOLATION_LIST(X)                                                         \
	X(UNKNOWN_VALUE, 1, "unknown_value")                                         \
	X(ACTION_REQUIRED, 2, "action_required")                                     \
	X(COMBINATION, 3, "combination_not_allowed")                                 \
	X(FOLLOW_UP_REQUIRED, 4, "follow_up_required")                               \
	X(FOLLOW_UP_PAST, 5, "follow_up_in_past")                                    \
	X(REASON_REQUIRED, 6, "reason_required")                                     \
	X(REASON_NOT_ALLOWED, 7, "reason_not_allowed")                               \
	X(NOTE_REQUIRED, 8, "note_required")                                         \
	X(ACTION_BLOCKED, 9, "action_blocked")                                       \
	X(DEPRECATED, 10, "deprecated_value")                                        \
	X(OUTCOME_DIRECTION, 11, "outcome_direction")                                \
	X(SKIP_TOO_FAR, 12, "skip_too_far")                                          \
	X(OUTCOME_REQUIRED, 13, "outcome_required")                                  \
	X(OUTCOME_UNCHANGED, 14, "outcome_keeps_stage")                              \
	X(LIFECYCLE_CROSSING, 15, "lifecycle_crossing")                              \
	X(TRANSITION, 16, "transition_not_allowed")                                  \
	X(TERMINAL, 17, "terminal_value")                                            \
	X(CONTACT_ENDED, 18, "contact_ended")                                        \
	X(FIELD_REQUIRED, 19, "field_required")                                      \
	X(FIELD_NOT_ALLOWED, 20, "field_not_allowed")

/** Violation codes. @see LC_VIOLATION_LIST */
typedef enum lc_violation_code {
/** @cond LC_X_MACRO */
#define LC__VIOLATION_ENUM(name, value, key) LC_V_##name = value,
	LC_VIOLATION_LIST(LC__VIOLATION_ENUM)
#undef LC__VIOLATION_ENUM
/** @endcond */
	LC__V_LAST = 20 /**< The highest code in use. */
} lc_violation_code;

/**
 * Create an empty violation list.
 * @param[out] out Receives it; free it with lc_violations_free().
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_violations_new(lc_violations **out);

/**
 * Free a violation list. Accepts NULL.
 * @param v The list.
 */
LC_API void lc_violations_free(lc_violations *v);

/**
 * The violations as a table of kind "violations", one row a violation, with
 * the columns "code" (an ::lc_violation_code), "violation" (its key from
 * ::LC_VIOLATION_LIST, "unknown" for a code not in it), "field" (the field it
 * is about: "status", "follow_up", ...) and "message" (a sentence a person
 * can act on). Its summary has one column, "dropped": how many violations did
 * not fit. A list holds at most 32 (so that validating never allocates); a
 * disposition with dropped violations is still refused with LC_EINVALID.
 *
 * The table is a view of the list: reading it allocates nothing, it shows
 * what the list holds now, and its texts are valid until the list is reused.
 * @param v The list.
 * @return Owned by @p v (never free it); NULL for NULL.
 */
LC_API const lc_table *lc_violations_table(const lc_violations *v);

/**
 * Validate a disposition against a lead's current state.
 *
 * Every violation is listed, not only the first. A current state that holds a
 * deprecated value stays valid; choosing a deprecated value anew is a violation.
 * A value's requirements (a future follow-up, a reason, a note) apply whenever
 * the disposition sets it, even to the value the lead already has; a kept
 * value that requires a follow-up needs the resulting follow-up in the future.
 * Blocks are those of @p current. A value of @p current unknown to the model
 * (LC_V_UNKNOWN_VALUE) must be replaced by the disposition, and blocks every
 * contact action. Nothing is allocated; a message is formatted only for
 * a violation. The rules are described in docs/engine.md.
 *
 * @param model The model that judges; @p current and @p d must be bound to it.
 * @param current The lead's state before the event.
 * @param d The disposition.
 * @param now The time of the event (follow-ups must be after it).
 * @param out Cleared, then filled with the violations; may be NULL.
 * @return 0 when valid, LC_EINVALID when not (see @p out), LC_EINVAL for bad
 *         arguments (NULL, or a state or disposition bound to another model),
 *         LC_ERANGE (@p now is neither LC_TIME_NONE nor within
 *         ::LC_TIME_MIN..::LC_TIME_MAX).
 */
LC_API int lc_validate(const lc_model *model, const lc_state *current, const lc_disposition *d,
		       lc_time now, lc_violations *out);

/**
 * Check a lead's current state against a model: values the model does not
 * know (LC_V_UNKNOWN_VALUE), a milestone and status the links do not allow
 * (LC_V_COMBINATION) and a value that requires a follow-up on a state that has
 * none (LC_V_FOLLOW_UP_REQUIRED; a passed one is overdue, not invalid).
 * Deprecated values are valid here. A lost state's reason
 * is not held by the state, so it is not checked. This is how leads made
 * invalid by a model upgrade are found.
 * @param model The model.
 * @param state The state.
 * @param out Cleared, then filled; may be NULL.
 * @return 0 valid, LC_EINVALID, LC_EINVAL.
 */
LC_API int lc_validate_state(const lc_model *model, const lc_state *state, lc_violations *out);

/**
 * Validate, then compute the state after the disposition: milestone, status,
 * stage, phase, life-cycle state, stage counters, completion stamp, follow-up.
 * @p next is written only when the disposition is valid.
 *
 * - Each axis the disposition sets is set; a stage sets its phase, a status
 *   its life-cycle state; exiting or problem with a reason and no stage moves
 *   the lead to the reason's stage.
 * - Entering a repeatable stage from another one, or again with the outcome
 *   progressing, adds one to its count.
 * - The follow-up becomes the disposition's when it has one; otherwise it is
 *   kept while a new value requires a follow-up, and cleared when none does.
 * - Entering a life-cycle state flagged completed stamps the completion time
 *   with @p now; leaving it clears the stamp.
 * - The contact flags are kept.
 * @param model The model.
 * @param current The state before.
 * @param d The disposition.
 * @param now The time of the event.
 * @param next Receives the state after; may be the same object as @p current.
 * @param out Violations as in lc_validate(); may be NULL.
 * @return 0, LC_EINVALID, LC_EINVAL, LC_ERANGE, each as lc_validate() says.
 */
LC_API int lc_transition(const lc_model *model, const lc_state *current, const lc_disposition *d,
			 lc_time now, lc_state *next, lc_violations *out);

LC_END_DECL

#endif
