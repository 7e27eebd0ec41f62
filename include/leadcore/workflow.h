/**
 * @file workflow.h
 * @brief Workflow rules, sweeps, segments, daily assignment and worklists (seed 002).
 *
 * A **rule set** is JSON data (docs/workflows.md): event rules, which run
 * inside lc_db_apply() when a disposition matches a milestone, status, stage
 * or action, and time rules, which lc_workflow_sweep() evaluates at a given
 * time. Their effects (a system disposition, the recycle bin, a round-robin
 * assignment, a follow-up, a segment, stopping automation) are each written as
 * an event that names the rule. A store keeps every rule set installed in it,
 * numbered 1, 2, ... like models; the newest one is in force.
 *
 * lc_assign() tops each active agent up to a daily quota, most engaged leads
 * first; lc_worklist_get() gives an agent's call list for a day.
 *
 * Ownership: every `const char *` returned is owned by the object it came
 * from and lives as long as it does. Thread safety: as ::lc_db; a rule set is
 * read-only once loaded and may be shared by threads.
 *
 * Errors: a function that takes an ::lc_db may also return the store's
 * errors, which the file comment of db.h lists once.
 */
#ifndef LEADCORE_WORKFLOW_H
#define LEADCORE_WORKFLOW_H

#include "common.h"
#include "db.h"
#include "table.h"

LC_BEGIN_DECL

/** A parsed, immutable rule set. */
typedef struct lc_ruleset lc_ruleset;

/** @name Rule sets
 * @{ */

/**
 * Parse a rule set from JSON text. The text is checked for its shape only
 * (unknown fields, wrong types, bad durations); values such as statuses are
 * checked against a model by lc_db_ruleset_install().
 * @param[out] out Receives the rule set; free it with lc_ruleset_free().
 * @param json NUL-terminated UTF-8 JSON.
 * @param source_name A name for messages (a file name), or NULL.
 * @return 0, LC_EINVAL (NULL, not UTF-8), LC_ERANGE (text larger than 16 MiB),
 *         LC_EFORMAT (not JSON, unknown or missing
 *         field, wrong type; the message gives the line and column or the
 *         path, such as `rules[2].if.min_age`), LC_EVERSION (a format other
 *         than 1), LC_ENOMEM.
 */
LC_API int lc_ruleset_load_string(lc_ruleset **out, const char *json, const char *source_name);

/**
 * Parse a rule set from a file. As lc_ruleset_load_string().
 * @param[out] out Receives the rule set; free it with lc_ruleset_free().
 * @param path The file.
 * @return As lc_ruleset_load_string(), plus LC_EIO (the file cannot be read).
 */
LC_API int lc_ruleset_load_file(lc_ruleset **out, const char *path);

/**
 * Load a rule set that ships inside the library: "seed002" (seed 002's
 * workflows for the insurance and leadmanager presets; docs/workflows.md).
 * @param[out] out Receives the rule set; free it with lc_ruleset_free().
 * @param name The rule set's name.
 * @return 0, LC_EINVAL, LC_ENOTFOUND (the message lists the names), LC_ENOMEM.
 */
LC_API int lc_ruleset_preset(lc_ruleset **out, const char *name);

/**
 * Free a rule set. Accepts NULL.
 * @param rs The rule set.
 */
LC_API void lc_ruleset_free(lc_ruleset *rs);

/**
 * The rule set's name.
 * @param rs The rule set.
 * @return Owned by the rule set; NULL for NULL.
 */
LC_API const char *lc_ruleset_name(const lc_ruleset *rs);

/**
 * The version its author gave the rule set (the "version" field).
 * @param rs The rule set.
 * @return The version, or 0 for NULL.
 */
LC_API int64_t lc_ruleset_version(const lc_ruleset *rs);

/**
 * The rule set's rules, in file order (an enabled auto-assignment is listed
 * as a last time rule named "auto_assign").
 * @param rs The rule set.
 * @param[out] out Receives a table of kind "rules" with two text columns,
 *   "name" and "kind" ("event" or "time"), a row a rule; free it with
 *   lc_table_free(). NULL on error.
 * @return 0, LC_EINVAL (NULL argument), or LC_ENOMEM.
 */
LC_API int lc_ruleset_rules(const lc_ruleset *rs, lc_table **out);

/**
 * The rule set's JSON text as it was loaded.
 * @param rs The rule set.
 * @return Owned by the rule set; NULL for NULL.
 */
LC_API const char *lc_ruleset_json(const lc_ruleset *rs);

/**
 * Install a rule set into a store as its next version (1, 2, ...), after
 * checking every value it names (milestones, statuses, stages, actions,
 * units) against the store's current model and units. From then on its event
 * rules run inside lc_db_apply() and lc_workflow_sweep() runs its time rules.
 * @param db The store.
 * @param rs The rule set (its text is copied).
 * @param[out] version Receives the new store version; may be NULL.
 * @return 0, LC_EINVAL (NULL), LC_ESTATE (no model), LC_EREADONLY, LC_ENOTFOUND (a value
 *         or unit the store does not know; nothing is installed).
 */
LC_API int lc_db_ruleset_install(lc_db *db, const lc_ruleset *rs, int64_t *version);

/**
 * The store version of the rule set in force.
 * @param db The store.
 * @param[out] version Receives the version, or 0 when none was installed.
 * @return 0, LC_EINVAL, LC_ECORRUPT (the stored version is not a number).
 */
LC_API int lc_db_ruleset_latest(lc_db *db, int64_t *version);

/**
 * Read an installed rule set back.
 * @param db The store.
 * @param version A store version, 1 .. lc_db_ruleset_latest().
 * @param[out] out Receives the rule set; free it with lc_ruleset_free().
 * @param[out] installed_at Receives the install time; may be NULL.
 * @return 0, LC_EINVAL, LC_ENOTFOUND, LC_ECORRUPT (the stored text does not parse).
 */
LC_API int lc_db_ruleset_get(lc_db *db, int64_t version, lc_ruleset **out, lc_time *installed_at);

/** @} */

/** @name Sweeps
 * @{ */

/**
 * Run the time rules of the rule set in force (and its auto-assignment) at
 * @p now: leads in increasing id order, rules in file order. Each lead is one
 * transaction: when an effect fails, that lead's changes are rolled back, the
 * failure is reported in the result and the sweep goes on with the next lead.
 * A sweep is idempotent: a second sweep at the same time changes nothing.
 * Events are stamped with the store's clock.
 * @param db The store; not inside an explicit transaction.
 * @param now The time the rules are judged at, or LC_TIME_NONE for lc_db_now().
 * @param[out] out Receives the result, a table of kind "sweep" with a row per
 *                 effect written and per lead whose changes were rolled back:
 *                 "lead" (id), "rule", "effect" ("set", "recycle", "assign",
 *                 "follow_up", "segment" or "stop_automation"), "code" (0 for
 *                 an effect written, the error of a lead rolled back) and
 *                 "message" ("" or the error's message); its summary has
 *                 "checked" (leads looked at) and "failures" (leads rolled
 *                 back). Free it with lc_table_free(). May be NULL.
 * @return 0 (even when some leads failed; see the result), LC_EINVAL, LC_ERANGE (@p now
 *         is neither LC_TIME_NONE nor within ::LC_TIME_MIN..::LC_TIME_MAX), LC_ESTATE
 *         (no model, no rule set installed, inside an explicit transaction),
 *         LC_EREADONLY, LC_ECORRUPT (the stored rule set does not parse).
 */
LC_API int lc_workflow_sweep(lc_db *db, lc_time now, lc_table **out);

/** @} */

/** @name Daily assignment
 * @{ */

/** Version of ::lc_assign_options that these headers know. */
#define LC_ASSIGN_OPTIONS_VERSION 1

/** Options for lc_assign(). */
typedef struct lc_assign_options {
	/** Set to LC_ASSIGN_OPTIONS_VERSION. */
	unsigned int version;
	/** Leads each agent should have for the day, follow-ups due included; default 50. */
	uint32_t quota;
	/** The agents to top up (their ids), or NULL for every active agent. */
	const lc_id *agents;
	/** The number of ids in @c agents. */
	size_t nagents;
} lc_assign_options;

/** Static initialiser for ::lc_assign_options with the defaults. */
#define LC_ASSIGN_OPTIONS_INIT { LC_ASSIGN_OPTIONS_VERSION, 50, NULL, 0 }

/**
 * Initialise ::lc_assign_options with the defaults (for FFI callers).
 * @param opts The struct to fill.
 * @param version LC_ASSIGN_OPTIONS_VERSION.
 * @return 0, LC_EINVAL (NULL), LC_EVERSION (an unknown version).
 */
LC_API int lc_assign_options_init(lc_assign_options *opts, unsigned int version);

/**
 * Top each active agent up to the quota for the day that contains @p now.
 * An agent's load is its follow-ups due that day (overdue ones included) plus
 * the leads assigned to it and never worked: the length of its worklist
 * (lc_worklist_get()). It receives quota minus load leads from the pool:
 * unassigned leads that would be on a worklist that day (callable, and never
 * worked or with a follow-up due by the day's end), not recycled, whose
 * automation is not stopped, ordered by the segment ranks of the rule set in
 * force ("segments"), then oldest first. Every lead dealt is on its agent's
 * worklist for the day, so that its length is load plus given. Leads are dealt
 * one at a time to the agent with the fewest so far (ties: lowest id), so
 * when the pool runs short shares differ by at most one. Inactive agents get
 * nothing. One transaction; each lead gets an `assign` event.
 * @param db The store.
 * @param now The day, or LC_TIME_NONE for lc_db_now().
 * @param opts Options, or NULL for the defaults.
 * @param[out] leads Receives the leads dealt, in order: a table of kind
 *                   "assignment" with "lead" and "agent" (ids); free it with
 *                   lc_table_free(). May be NULL.
 * @param[out] agents Receives the agents topped up, in id order: a table of
 *                    kind "assignment_agents" with "agent" (id), "load" (its
 *                    follow-ups due and leads not yet worked before) and
 *                    "given"; free it with lc_table_free(). May be NULL.
 * @return 0, LC_EINVAL (NULL db, bad options, a quota above 100000), LC_EVERSION,
 *         LC_ERANGE (@p now is neither LC_TIME_NONE nor within
 *         ::LC_TIME_MIN..::LC_TIME_MAX), LC_ENOTFOUND (an agent in @c agents does not
 *         exist), LC_ESTATE (no model, an agent in @c agents is inactive), LC_EREADONLY,
 *         LC_ECORRUPT (the stored rule set does not parse). On failure nothing is
 *         assigned.
 */
LC_API int lc_assign(lc_db *db, lc_time now, const lc_assign_options *opts, lc_table **leads,
		     lc_table **agents);

/** @} */

/** @name Worklists
 * @{ */

/** Why a lead is on a worklist (a backend's worklist slot; lc_worklist_get()'s "reason" column gives its key). */
typedef enum lc_worklist_reason {
	LC_WORKLIST_REASON_OVERDUE = 1, /**< Its follow-up is before the day starts. */
	LC_WORKLIST_REASON_DUE = 2,     /**< Its follow-up falls within the day. */
	LC_WORKLIST_REASON_NEW = 3      /**< Assigned and never disposed of (no touched_at). */
} lc_worklist_reason;

/**
 * An agent's call list for the day that contains @p now: overdue follow-ups
 * (oldest first), then follow-ups due that day (earliest first), then leads
 * assigned and never worked, by the segment ranks of the rule set in force
 * ("segments"), then oldest first; ties by id. A worklist is a call list: a
 * lead that must not be called (a do-not-call flag, a current value that
 * blocks the model's phone action, or no phone number) never appears on it.
 * Recycled leads never appear.
 * @param db The store.
 * @param agent The agent.
 * @param now The day, or LC_TIME_NONE for lc_db_now().
 * @param[out] out Receives the list: a table of kind "worklist" with "lead"
 *                 (id), "reason" ("overdue", "due" or "new") and
 *                 "follow_up" (a time; ::LC_TABLE_NONE for a new lead); free
 *                 it with lc_table_free().
 * @return 0, LC_EINVAL, LC_ERANGE (@p now is neither LC_TIME_NONE nor within
 *         ::LC_TIME_MIN..::LC_TIME_MAX), LC_ENOTFOUND (no such agent), LC_ESTATE (no
 *         model), LC_ECORRUPT (the stored rule set does not parse).
 */
LC_API int lc_worklist_get(lc_db *db, lc_id agent, lc_time now, lc_table **out);

/** @} */

LC_END_DECL

#endif
