/**
 * @file model.h
 * @brief lc_model: the axes, values and rules that judge every disposition.
 *
 * A model is immutable once built. It comes from a preset that ships inside
 * the library, from JSON (a file or a string; docs/model-format.md), or from
 * an ::lc_model_builder. Models are plain data: every preset is written in
 * the same rule vocabulary that a user's JSON file can use.
 *
 * Ownership: every `const char *` a query returns is owned by the model and
 * lives as long as it does. Objects bound to a model (::lc_state,
 * ::lc_disposition) must not outlive it.
 *
 * Thread safety: a built model is read-only and may be shared by threads.
 */
#ifndef LEADCORE_MODEL_H
#define LEADCORE_MODEL_H

#include "common.h"
#include "table.h"

LC_BEGIN_DECL

/** An immutable, validated model. */
typedef struct lc_model lc_model;

/** A model under construction. */
typedef struct lc_model_builder lc_model_builder;

/**
 * The axes a lead is described and grouped by: the one vocabulary of the
 * model, the engine, queries, reports and the backend's grouped counts.
 *
 * The first ::LC_AXIS_COUNT are the model's axes, whose values the model
 * defines. The others are record axes: values of the lead record that
 * reports and grouped counts group by (lc_report_pipeline(),
 * lc_storage.count_grouped). A model may also list the values of the record
 * axes source, type, category and priority (its "sources", "types",
 * "categories" and "priorities"): the value queries (lc_model_value_count(),
 * lc_model_value_key(), lc_model_value_find(), ...) accept those four, and
 * a lead's field must then hold one of them. Any other function that needs
 * a model axis refuses record axes with LC_EINVAL.
 */
typedef enum lc_axis {
	LC_AXIS_ACTION = 0,    /**< How a touch was made: call, email, meeting, ... */
	LC_AXIS_MILESTONE = 1, /**< How far the sale is (ordered). */
	LC_AXIS_STATUS = 2,    /**< Interest or contactability. */
	LC_AXIS_PHASE = 3,     /**< Coarse pipeline grouping of stages (ordered). */
	LC_AXIS_STAGE = 4,     /**< Pipeline stage (ordered); each belongs to a phase. */
	LC_AXIS_LIFECYCLE = 5, /**< Life-cycle state (open, won, lost, completed, ...). */
	LC_AXIS_REASON = 6,    /**< Reasons for lost, exiting and problem outcomes. */
	LC_AXIS_COUNT = 7,     /**< Number of model axes (those above); not an axis. */
	LC_AXIS_OWNER = 8,     /**< Record: the assigned agent (reports: its name; grouped counts: its id as decimal text). */
	LC_AXIS_UNIT = 9,      /**< Record: the assigned unit (reports: its name; grouped counts: its id as decimal text). */
	LC_AXIS_SEGMENT = 10,  /**< Record: the segment (::LC_LEAD_SEGMENT). */
	LC_AXIS_SOURCE = 11,   /**< Record: the source (::LC_LEAD_SOURCE). */
	LC_AXIS_OWNER_GROUP = 12, /**< Record: the owner group (::LC_LEAD_OWNER_GROUP). */
	LC_AXIS_TYPE = 13,     /**< Record: the lead type (::LC_LEAD_TYPE). */
	LC_AXIS_CATEGORY = 14, /**< Record: the category (::LC_LEAD_CATEGORY). */
	LC_AXIS_PRIORITY = 15  /**< Record: the priority level (::LC_LEAD_PRIORITY). */
} lc_axis;

/** @name Value flags (lc_model_value_flags())
 * @{ */
#define LC_FLAG_TERMINAL (1u << 0)          /**< No disposition may leave this value. */
#define LC_FLAG_NOT_REPORTABLE (1u << 1)    /**< Left out of pipeline reports (Archive, tests). */
#define LC_FLAG_DEPRECATED (1u << 2)        /**< Valid where it stands; cannot be chosen anew. */
#define LC_FLAG_READY_FOR_CONTACT (1u << 3) /**< A representative should contact the lead. */
#define LC_FLAG_AUTOMATION_STOPPED (1u << 4) /**< Automated outreach stops for the lead. */
#define LC_FLAG_REENGAGE_ELIGIBLE (1u << 5) /**< The lead may join a re-engage campaign. */
#define LC_FLAG_REPEATABLE (1u << 6)        /**< A stage entered again and again; counted. */
#define LC_FLAG_ENDS_CONTACT (1u << 7)      /**< Forbids every contact action (Problem). */
#define LC_FLAG_CONTACT (1u << 8)           /**< Action: a contact attempt. */
#define LC_FLAG_PHONE (1u << 9)             /**< Action: uses the phone (blocked by do-not-call). */
#define LC_FLAG_EMAIL (1u << 10)            /**< Action: uses email (blocked by do-not-email). */
#define LC_FLAG_WON (1u << 11)              /**< Life-cycle state: the sale is won; with ::LC_FLAG_CLOSED, a value closed won. */
#define LC_FLAG_LOST (1u << 12)             /**< Life-cycle state: lost, a lost reason is required; with ::LC_FLAG_CLOSED, a value closed lost. */
#define LC_FLAG_COMPLETED (1u << 13)        /**< Life-cycle state: entering it stamps completion. */
#define LC_FLAG_CLOSED (1u << 14)           /**< Milestone, status, phase or stage: the sale is decided; always with its kind, ::LC_FLAG_WON or ::LC_FLAG_LOST (the prospect did not proceed). */
#define LC_FLAG_INITIAL (1u << 15)          /**< Milestone, status or stage: where a new lead starts (No Milestone, New). */
/** @} */

/** The outcome of an event on an ordered axis (seed 001). */
typedef enum lc_outcome {
	LC_OUTCOME_NONE = 0,        /**< No outcome given. */
	LC_OUTCOME_PROGRESSING = 1, /**< Forward; skipping stages allowed up to the model's cap. */
	LC_OUTCOME_GO_BACK = 2,     /**< Backward. */
	LC_OUTCOME_EXITING = 3,     /**< Into a closed stage, with a reason. */
	LC_OUTCOME_PROBLEM = 4,     /**< Into a closed stage, with a reason; ends contact. */
	LC_OUTCOME_NO_CHANGE = 5,   /**< The stage stays. */
	LC_OUTCOME_NO_CONTACT = 6   /**< The stage stays; nobody was reached. */
} lc_outcome;

/**
 * The key of an axis: "action", "milestone", "status", "phase", "stage",
 * "lifecycle", "reason", "owner", "unit", "segment", "source", "owner_group",
 * "type", "category", "priority".
 * @param axis An axis.
 * @return A static string, or NULL for a value that is not an axis.
 */
LC_API const char *lc_axis_name(lc_axis axis);

/**
 * Find an axis by its key (case-insensitive; plurals such as "statuses",
 * "life_cycle" and "agent" for the owner accepted).
 * @param name The key.
 * @param[out] out Receives the axis.
 * @return 0, LC_EINVAL (NULL), or LC_ENOTFOUND.
 */
LC_API int lc_axis_parse(const char *name, lc_axis *out);

/**
 * The key of an outcome: "progressing", "go_back", "exiting", "problem", "no_change", "no_contact", "none".
 * @param outcome An outcome.
 * @return A static string, or NULL for a value that is not an outcome.
 */
LC_API const char *lc_outcome_name(lc_outcome outcome);

/**
 * Find an outcome by key or label ("Go back", "go_back"), case-insensitively.
 * @param name The text.
 * @param[out] out Receives the outcome.
 * @return 0, LC_EINVAL (NULL), or LC_ENOTFOUND.
 */
LC_API int lc_outcome_parse(const char *name, lc_outcome *out);

/** @name Loading and freeing
 * @{ */

/**
 * The presets that ship inside the library, in a stable order.
 * @param[out] out Receives a table of kind "presets" with one text column,
 *   "name", a row a preset; free it with lc_table_free(). NULL on error.
 * @return 0, LC_EINVAL (NULL @p out), or LC_ENOMEM.
 */
LC_API int lc_model_presets(lc_table **out);

/**
 * Load a preset by name ("leadmanager", "insurance", "particle", "crm", "conversica").
 * @param[out] out Receives a new model; free it with lc_model_free().
 * @param name The preset's name (case-insensitive).
 * @return 0, LC_EINVAL, LC_ERANGE (a name longer than 256 bytes), LC_ENOTFOUND (the
 *         message lists the presets), LC_ENOMEM.
 */
LC_API int lc_model_preset(lc_model **out, const char *name);

/**
 * Load a model from a JSON string (docs/model-format.md).
 *
 * The model is checked: unknown fields, duplicate keys, dangling references,
 * empty axes and contradictory rules are each a problem. On LC_EFORMAT the last
 * error lists every problem, one a line, as `SOURCE:LINE:COLUMN: sentence`.
 *
 * @param[out] out Receives a new model; free it with lc_model_free().
 * @param json NUL-terminated UTF-8 JSON.
 * @param source_name Name used in messages (a file name); NULL means "<string>".
 * @return 0, LC_EINVAL, LC_ERANGE (the text is larger than the 16 MiB a model
 *         may have), LC_EFORMAT, LC_ENOMEM.
 */
LC_API int lc_model_load_string(lc_model **out, const char *json, const char *source_name);

/**
 * Load a model from a JSON file.
 * @param[out] out Receives a new model; free it with lc_model_free().
 * @param path The file.
 * @return As lc_model_load_string() (LC_ERANGE also for a path longer than
 *         4096 bytes), plus LC_EIO (the file cannot be opened or read).
 */
LC_API int lc_model_load_file(lc_model **out, const char *path);

/**
 * Load a preset when @p name_or_path names one, else the JSON file at that path.
 * @param[out] out Receives a new model; free it with lc_model_free().
 * @param name_or_path A preset name or a file path.
 * @return As lc_model_load_file(), plus LC_ENOTFOUND (a name with no '/' and
 *         no '.' that is neither a preset nor a file: the message lists the
 *         presets).
 */
LC_API int lc_model_load(lc_model **out, const char *name_or_path);

/**
 * Free a model. Accepts NULL.
 * @param model The model.
 */
LC_API void lc_model_free(lc_model *model);

/** @} */

/** @name Checking a model file
 * Every problem of a model text, one by one (lc_model_load_string() puts them
 * all in the last error, which has a limited size).
 * @{ */

/**
 * Check a model text without keeping the model.
 * @param json NUL-terminated UTF-8 JSON.
 * @param source_name Name used in messages; NULL means "<string>".
 * @param[out] out Receives the problems (no rows when the model is valid): a
 *                 table of kind "problems" with "text" (`SOURCE:LINE:COLUMN:
 *                 sentence`), "line" and "column" (1-based; 0 when unknown);
 *                 free it with lc_table_free().
 * @return 0 when the text could be checked (whatever it contains), LC_EINVAL,
 *         LC_ERANGE (text too large), LC_ENOMEM.
 */
LC_API int lc_model_check_string(const char *json, const char *source_name, lc_table **out);

/**
 * Check a model file without keeping the model. As lc_model_check_string().
 * @param path The file.
 * @param[out] out Receives the problems; free it with lc_table_free().
 * @return 0, LC_EINVAL, LC_EIO (unreadable file), LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_model_check_file(const char *path, lc_table **out);

/** @} */

/** @name Builder
 * Build a model in code. Each call records one fact; lc_model_builder_build()
 * runs the same checks as the JSON reader and reports problems with
 * "builder" as their source. A failed call changes nothing.
 *
 * @code
 * lc_model_builder *b;
 * lc_model *m;
 * lc_model_builder_new(&b, "mini", 1);
 * lc_model_builder_add_value(b, LC_AXIS_ACTION, NULL, "Call", NULL, LC_FLAG_CONTACT | LC_FLAG_PHONE);
 * lc_model_builder_add_value(b, LC_AXIS_STATUS, NULL, "Hot", NULL, 0);
 * lc_model_builder_require(b, LC_AXIS_STATUS, "hot", LC_REQUIRE_FOLLOW_UP);
 * if (lc_model_builder_build(b, &m) == 0) { ... lc_model_free(m); }
 * lc_model_builder_free(b);
 * @endcode
 * @{ */

/** lc_model_builder_require(): a follow-up time in the future. */
#define LC_REQUIRE_FOLLOW_UP (1u << 0)
/** lc_model_builder_require(): a reason from the model's list. */
#define LC_REQUIRE_REASON (1u << 1)
/** lc_model_builder_require(): a non-empty note. */
#define LC_REQUIRE_NOTE (1u << 2)
/** lc_model_builder_set_outcomes(): no cap on skipped values. */
#define LC_NO_SKIP_CAP (-1)

/**
 * Start a model.
 * @param[out] out Receives the builder; free it with lc_model_builder_free().
 * @param name The model's name ([a-z0-9_-]+, at most 64 bytes; checked when built).
 * @param version The model's version, 1 or more (checked when built).
 * @return 0, LC_EINVAL, LC_ERANGE (name too long), LC_ENOMEM.
 */
LC_API int lc_model_builder_new(lc_model_builder **out, const char *name, int64_t version);

/**
 * Free a builder. Accepts NULL. Models it built stay valid.
 * @param b The builder.
 */
LC_API void lc_model_builder_free(lc_model_builder *b);

/**
 * Set the model's description.
 * @param b The builder.
 * @param description UTF-8 text, copied.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_model_builder_set_description(lc_model_builder *b, const char *description);

/**
 * Append a value to an axis (order of calls is the axis's order): a model
 * axis, or the list of a record axis (LC_AXIS_SOURCE, LC_AXIS_TYPE,
 * LC_AXIS_CATEGORY, LC_AXIS_PRIORITY; a type's attributes and the required
 * fields are written in JSON only).
 * @param b The builder.
 * @param axis The axis.
 * @param key The key ([a-z][a-z0-9_]*, at most 64 bytes), or NULL to derive it from @p label.
 * @param label The label, not empty, at most 256 bytes.
 * @param description The description, or NULL.
 * @param flags `LC_FLAG_*` bits.
 * @return 0, LC_EINVAL (bad key, label, axis or flag), LC_ERANGE, LC_EEXISTS
 *         (the axis already has that key), LC_ENOMEM.
 */
LC_API int lc_model_builder_add_value(lc_model_builder *b, lc_axis axis, const char *key,
				      const char *label, const char *description, uint32_t flags);

/**
 * Set the value one level up: a stage's phase, a status's life-cycle state,
 * or the (closed) stage a reason leads to.
 * @param b The builder.
 * @param axis LC_AXIS_STAGE, LC_AXIS_STATUS or LC_AXIS_REASON.
 * @param key The value's key.
 * @param parent_key The parent's key (checked when built).
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes), LC_ENOTFOUND (no
 *         such value yet), LC_ENOMEM.
 */
LC_API int lc_model_builder_set_parent(lc_model_builder *b, lc_axis axis, const char *key,
				       const char *parent_key);

/**
 * Make choosing a value demand fields of the disposition.
 * @param b The builder.
 * @param axis The axis.
 * @param key The value's key.
 * @param what `LC_REQUIRE_*` bits.
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes), LC_ENOTFOUND, LC_ENOMEM.
 */
LC_API int lc_model_builder_require(lc_model_builder *b, lc_axis axis, const char *key,
				    uint32_t what);

/**
 * Give a value another name that lookups accept, as the JSON field
 * "aliases" does (seed 003 calls Lose Lead "Lost Lead"). An alias may not
 * name another value of the axis (checked when built).
 * @param b The builder.
 * @param axis The axis.
 * @param key The value's key.
 * @param alias The other name (copied); non-empty UTF-8.
 * @return 0, LC_EINVAL, LC_ERANGE (too long), LC_ENOTFOUND, LC_ENOMEM.
 */
LC_API int lc_model_builder_alias(lc_model_builder *b, lc_axis axis, const char *key,
				  const char *alias);

/**
 * Make a milestone, status or stage forbid an action.
 * @param b The builder.
 * @param axis LC_AXIS_MILESTONE, LC_AXIS_STATUS or LC_AXIS_STAGE.
 * @param key The value's key.
 * @param action_key The action (checked when built).
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes), LC_ENOTFOUND, LC_ENOMEM.
 */
LC_API int lc_model_builder_block(lc_model_builder *b, lc_axis axis, const char *key,
				  const char *action_key);

/**
 * Say which outcomes a reason serves and whether it is a lost reason.
 * @param b The builder.
 * @param reason_key The reason's key.
 * @param outcomes Bits `1u << LC_OUTCOME_*` (e.g. `1u << LC_OUTCOME_EXITING`).
 * @param lost Non-zero: the reason serves as a lost reason.
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes), LC_ENOTFOUND, LC_ENOMEM.
 */
LC_API int lc_model_builder_reason_use(lc_model_builder *b, const char *reason_key,
				       uint32_t outcomes, int lost);

/**
 * Allow a status with a milestone. A milestone with no link allows every status.
 * @param b The builder.
 * @param milestone_key The milestone (checked when built).
 * @param status_key The status (checked when built).
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes), LC_ENOMEM.
 */
LC_API int lc_model_builder_link(lc_model_builder *b, const char *milestone_key,
				 const char *status_key);

/**
 * Let an action move a lead between life-cycle states.
 * @param b The builder.
 * @param action_key The action (checked when built).
 * @param from_key Life-cycle state, or NULL / "*" for any.
 * @param to_key Life-cycle state, or NULL / "*" for any.
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes), LC_ENOMEM.
 */
LC_API int lc_model_builder_cross(lc_model_builder *b, const char *action_key,
				  const char *from_key, const char *to_key);

/**
 * Set the outcome axis and its rules.
 * @param b The builder.
 * @param axis LC_AXIS_STAGE or LC_AXIS_MILESTONE (checked when built).
 * @param max_skip How many values one step may skip, or ::LC_NO_SKIP_CAP.
 * @param required Non-zero: changing the axis requires an outcome.
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_model_builder_set_outcomes(lc_model_builder *b, lc_axis axis, int32_t max_skip,
					 int required);

/**
 * Allow one move in the axis's explicit transition table (the first call on
 * an axis creates the table; moves not listed are then refused).
 * @param b The builder.
 * @param axis The axis.
 * @param from_key The value moved from (checked when built).
 * @param to_key The value moved to (checked when built).
 * @return 0, LC_EINVAL, LC_ERANGE (a key longer than 64 bytes), LC_ENOMEM.
 */
LC_API int lc_model_builder_allow_transition(lc_model_builder *b, lc_axis axis,
					     const char *from_key, const char *to_key);

/**
 * Check what was recorded and build the model. The builder is unchanged and
 * may be built again.
 * @param b The builder.
 * @param[out] out Receives a new model; free it with lc_model_free().
 * @return 0, LC_EINVAL, LC_EFORMAT (the last error lists every problem as
 *         `builder: sentence`), LC_ENOMEM.
 */
LC_API int lc_model_builder_build(lc_model_builder *b, lc_model **out);

/** @} */

/** @name Export
 * @{ */

/**
 * Export a model as canonical JSON. Loading the text gives an equal model, and
 * exporting that gives identical text.
 * @param model The model.
 * @param[out] out Receives NUL-terminated text; free it with lc_free().
 * @param[out] len Receives the length without the NUL; may be NULL.
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_model_to_json(const lc_model *model, char **out, size_t *len);

/**
 * Export a picture of the model's rules as a Graphviz DOT digraph: the
 * stages grouped by phase (forward order; go-back edges dashed when outcomes
 * act on stages; repeatable stages with a loop; terminal values with a
 * double border; the exits and problems into the closed stages, labelled
 * with their reasons); the milestones in order, each with the statuses its
 * links allow ("All statuses" when it has none), statuses that block actions
 * marked and deprecated values greyed; the statuses of a model without
 * milestones, with their flags; the life-cycle states with the actions that
 * cross them. Node ids are "AXIS:KEY". lc_report_model_dot() draws a
 * store's model with all its counts.
 * @param model The model.
 * @param counts NULL, or one count per value of the pipeline axis (stages,
 *               or milestones when there are none), shown on its node.
 * @param ncounts Number of entries in @p counts; must match when @p counts is set.
 * @param[out] out Receives NUL-terminated text; free it with lc_free().
 * @param[out] len Receives the length without the NUL; may be NULL.
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_model_to_dot(const lc_model *model, const size_t *counts, size_t ncounts,
			   char **out, size_t *len);

/** @} */

/** @name Queries
 * @{ */

/**
 * The model's name.
 * @param model The model.
 * @return Owned by the model.
 */
LC_API const char *lc_model_name(const lc_model *model);

/**
 * The model's version (an integer >= 1 that its author raises).
 * @param model The model.
 * @return The version, or 0 for NULL.
 */
LC_API int64_t lc_model_version(const lc_model *model);

/**
 * The model's description.
 * @param model The model.
 * @return Owned by the model; "" when it has none.
 */
LC_API const char *lc_model_description(const lc_model *model);

/**
 * How many values an axis has. Values are in the model's order.
 * @param model The model.
 * @param axis The axis.
 * @return The count; 0 for an unknown axis or NULL.
 */
LC_API size_t lc_model_value_count(const lc_model *model, lc_axis axis);

/**
 * The key of value @p i (lowercase snake_case).
 * @param model The model.
 * @param axis The axis.
 * @param i Index in order.
 * @return Owned by the model; NULL when out of range.
 */
LC_API const char *lc_model_value_key(const lc_model *model, lc_axis axis, size_t i);

/**
 * The label of value @p i, as a person reads it.
 * @param model The model.
 * @param axis The axis.
 * @param i Index in order.
 * @return Owned by the model; NULL when out of range.
 */
LC_API const char *lc_model_value_label(const lc_model *model, lc_axis axis, size_t i);

/**
 * The description of value @p i.
 * @param model The model.
 * @param axis The axis.
 * @param i Index in order.
 * @return Owned by the model; "" when it has none; NULL when out of range.
 */
LC_API const char *lc_model_value_description(const lc_model *model, lc_axis axis, size_t i);

/**
 * The flags (`LC_FLAG_*`) of value @p i.
 * @param model The model.
 * @param axis The axis.
 * @param i Index in order.
 * @return The flags; 0 when out of range.
 */
LC_API uint32_t lc_model_value_flags(const lc_model *model, lc_axis axis, size_t i);

/**
 * The value one level up: a stage's phase, or a status's life-cycle state.
 * @param model The model.
 * @param axis LC_AXIS_STAGE or LC_AXIS_STATUS.
 * @param i Index in order.
 * @param[out] parent Receives the index on the parent axis.
 * @return 0, LC_EINVAL, LC_ENOTFOUND when the value has no parent.
 */
LC_API int lc_model_value_parent(const lc_model *model, lc_axis axis, size_t i, size_t *parent);

/**
 * The value that comes next on an ordered axis (seed 001's "next status"):
 * where a lead at value @p i goes when it progresses one step. It is the
 * first later value, in the model's order, that a step forward may choose:
 * not closed lost (itself or through its phase: exits lead there), not
 * deprecated, allowed by the axis's transition table and, on the outcome
 * axis, within the skip cap. A repeatable value is its own next (check-in 3
 * after check-in 2). A closed (won or lost) or terminal value has none: a
 * lead leaves it only as the model says.
 * @param model The model.
 * @param axis LC_AXIS_STAGE or LC_AXIS_MILESTONE.
 * @param i Index of the current value.
 * @param[out] next Receives the index of the next value.
 * @return 0, LC_EINVAL (NULL, another axis, @p i out of range), or
 *         LC_ENOTFOUND when there is no next value (the message says why).
 */
LC_API int lc_model_value_next(const lc_model *model, lc_axis axis, size_t i, size_t *next);

/**
 * Find a value by key or label, case-insensitively.
 * @param model The model.
 * @param axis The axis.
 * @param key_or_label The text.
 * @param[out] index Receives the index.
 * @return 0, LC_EINVAL, LC_ERANGE (@p key_or_label is longer than any label
 *         may be), or LC_ENOTFOUND (the message names the axis and the valid keys).
 */
LC_API int lc_model_value_find(const lc_model *model, lc_axis axis, const char *key_or_label,
			       size_t *index);

/**
 * Whether the links allow a milestone with a status (a milestone with no
 * links allows every status).
 * @param model The model.
 * @param milestone Milestone index.
 * @param status Status index.
 * @param[out] allowed Receives 1 when the pair is allowed, 0 when refused (0 on error).
 * @return 0, or LC_EINVAL (NULL argument, an index out of range).
 */
LC_API int lc_model_link_allowed(const lc_model *model, size_t milestone, size_t status,
				 int *allowed);

/**
 * The model's rules (links, requires, blocks, crossings, ...), each as one
 * English sentence ("Hot requires a follow-up in the future.").
 * @param model The model.
 * @param[out] out Receives a table of kind "rules" with one text column,
 *   "text", a row a rule; free it with lc_table_free(). NULL on error.
 * @return 0, LC_EINVAL (NULL argument), or LC_ENOMEM.
 */
LC_API int lc_model_rules(const lc_model *model, lc_table **out);

/** @} */

LC_END_DECL

#endif
