/**
 * @file lead.h
 * @brief lc_lead: the lead record (seed 003): identity, contact data, commercial
 *        fields, key dates, lists, ownership, flags and the current state.
 *
 * An ::lc_lead is plain data: it knows nothing of storage. Build one with
 * lc_lead_new() and hand it to lc_db_lead_create(), or get one from a store
 * with lc_db_lead_get(), change it and write it back with lc_db_lead_update().
 *
 * Setters validate their input (UTF-8, lengths, ranges) and leave the record
 * unchanged on failure. Strings are copied. Every `const char *` a getter
 * returns is owned by the record and stays valid until that field changes or
 * the record is freed.
 *
 * The current disposition state (lc_lead_state()) is bound to a model
 * (lc_lead_bind()); it changes through lc_db_apply(), never through the
 * record's setters, except for the contact flags, which the record mirrors
 * into the state.
 *
 * Thread safety: one thread at a time per record.
 */
#ifndef LEADCORE_LEAD_H
#define LEADCORE_LEAD_H

#include "common.h"
#include "model.h"
#include "state.h"
#include "validate.h"

LC_BEGIN_DECL

/** A lead record. */
typedef struct lc_lead lc_lead;

/** Longest external id, in bytes. */
#define LC_LEAD_EXTERNAL_ID_MAX 256
/** Longest value of any other text field, list entry or attribute, in bytes. */
#define LC_LEAD_TEXT_MAX 4096
/** Longest attribute key, in bytes. */
#define LC_LEAD_ATTR_KEY_MAX 64
/** Longest shared note, in bytes (1 MiB). */
#define LC_LEAD_NOTE_MAX (1u << 20)

/** The record's text fields, for lc_lead_set_text() and lc_lead_text(). */
typedef enum lc_lead_text_field {
	LC_LEAD_EXTERNAL_ID = 0, /**< The caller's id; unique per store when set. */
	LC_LEAD_NAME = 1,        /**< The contact's name. */
	LC_LEAD_EMAIL = 2,       /**< Contact email address. */
	LC_LEAD_PHONE = 3,       /**< Contact phone number. */
	LC_LEAD_COMPANY = 4,     /**< The contact's company. */
	LC_LEAD_TYPE = 5,        /**< Lead type. */
	LC_LEAD_CATEGORY = 6,    /**< Category (business partner, customer, ...). */
	LC_LEAD_PRIORITY = 7,    /**< Priority level. */
	LC_LEAD_IMPORTANCE = 8,  /**< Importance level. */
	LC_LEAD_SOURCE = 9,      /**< Where the lead came from. */
	LC_LEAD_LOST_REASON = 10, /**< Why the lead was lost. */
	LC_LEAD_OWNER_GROUP = 11, /**< The group that owns the lead. */
	LC_LEAD_SEGMENT = 12,    /**< The segment a workflow put the lead in. */
	LC_LEAD_ACCOUNT = 13,    /**< The account the lead converted into once won (seed 003); governed by a model with a won state. */
	LC_LEAD_TEXT_COUNT = 14  /**< Number of text fields; not a field. */
} lc_lead_text_field;

/** The record's key dates, for lc_lead_set_date() and lc_lead_date(). */
typedef enum lc_lead_date_field {
	LC_LEAD_START = 0,                 /**< The date the request was first saved: lc_db_lead_create() sets the creation time when none is given. */
	LC_LEAD_EXPECTED_COMPLETION = 1,   /**< When it is expected to complete. */
	LC_LEAD_ACTUAL_COMPLETION = 2,     /**< When it completed (the state's completion stamp). */
	LC_LEAD_DATE_COUNT = 3             /**< Number of dates; not a date. */
} lc_lead_date_field;

/** The record's lists, for lc_lead_list_count(), lc_lead_list_remove() and lc_lead_list_clear(). */
typedef enum lc_lead_list {
	LC_LEAD_PRODUCTS = 0,    /**< Products of interest (name and note). */
	LC_LEAD_TEAM = 1,        /**< The lead team (names). */
	LC_LEAD_COMPETITORS = 2, /**< Competitors (names). */
	LC_LEAD_ACTIVITIES = 3,  /**< Planned activities (what, when, who). */
	LC_LEAD_ATTRIBUTES = 4,  /**< Custom attributes (key and value). */
	LC_LEAD_NOTES = 5,       /**< Shared notes (read-only; added with lc_db_lead_note()). */
	LC_LEAD_LIST_COUNT = 6   /**< Number of lists; not a list. */
} lc_lead_list;

/** @name Record flags (lc_lead_number() with LC_LEAD_NUM_FLAGS, lc_lead_set_flag())
 * @{ */
#define LC_LEAD_DO_NOT_CALL LC_STATE_DO_NOT_CALL   /**< Must not be called or texted. */
#define LC_LEAD_DO_NOT_EMAIL LC_STATE_DO_NOT_EMAIL /**< Must not be emailed. */
#define LC_LEAD_AUTOMATION_STOPPED (1u << 2)       /**< Automated outreach stopped. */
#define LC_LEAD_RECYCLED (1u << 3) /**< In the recycle bin (read-only; lc_db_lead_recycle()). */
/** @} */

/** @name Life
 * @{ */

/**
 * Create an empty record: no id (0), version 0, every field unset, not bound
 * to a model.
 * @param[out] out Receives the record; free it with lc_lead_free().
 * @return 0, LC_EINVAL (NULL @p out), LC_ENOMEM.
 */
LC_API int lc_lead_new(lc_lead **out);

/**
 * Copy a record, state and model binding included.
 * @param[out] out Receives the copy; free it with lc_lead_free().
 * @param src The record.
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_lead_clone(lc_lead **out, const lc_lead *src);

/**
 * Free a record. Accepts NULL.
 * @param lead The record.
 */
LC_API void lc_lead_free(lc_lead *lead);

/**
 * Clear every field, list, id and version; keep the model binding, with an
 * empty state.
 * @param lead The record; NULL is ignored.
 */
LC_API void lc_lead_reset(lc_lead *lead);

/** @} */

/** @name Numeric fields: identity and bookkeeping (set by the store), ownership, money, flags
 * @{ */

/** The numeric fields of a record, for lc_lead_number(). */
typedef enum lc_lead_number_field {
	LC_LEAD_NUM_ID = 0,          /**< Its id (an ::lc_id); 0 for a record never stored. */
	LC_LEAD_NUM_VERSION = 1,     /**< Its version, one more with each stored change; 0 for a record never stored. */
	LC_LEAD_NUM_CREATED_AT = 2,  /**< When it was created in its store (an ::lc_time); LC_TIME_NONE for a record never stored. */
	LC_LEAD_NUM_TOUCHED_AT = 3,  /**< When its last disposition was applied (an ::lc_time); LC_TIME_NONE when none was. */
	LC_LEAD_NUM_UNIT = 4,        /**< The assigned unit (an ::lc_id); 0 when none (lc_lead_set_unit()). */
	LC_LEAD_NUM_AGENT = 5,       /**< The assigned agent (an ::lc_id); 0 when none (lc_lead_set_agent()). */
	LC_LEAD_NUM_PROBABILITY = 6, /**< The win probability, 0 to 100; -1 when unset (lc_lead_set_probability()). */
	LC_LEAD_NUM_AMOUNT = 7,      /**< The amount in minor units; 0 when unset (check lc_lead_currency(); lc_lead_set_amount()). */
	LC_LEAD_NUM_FLAGS = 8        /**< The record's flags (`LC_LEAD_*`), LC_LEAD_RECYCLED included. */
} lc_lead_number_field;

/**
 * A numeric field of the record. The function never fails.
 * @param lead The record.
 * @param field The field.
 * @return The value; for a NULL record or an unknown field, the field's
 *         "none" (0, LC_TIME_NONE for the times, -1 for the probability).
 */
LC_API int64_t lc_lead_number(const lc_lead *lead, lc_lead_number_field field);

/** @} */

/** @name Text fields
 * @{ */

/**
 * The key of a text field ("external_id", "email", "lost_reason", "account", ...).
 * @param field The field.
 * @return A static string, or NULL when @p field is not a text field.
 */
LC_API const char *lc_lead_text_name(lc_lead_text_field field);

/**
 * Find a text field by its key (case-insensitive; '-' is read as '_').
 * @param name The key.
 * @param[out] out Receives the field.
 * @return 0, LC_EINVAL (NULL), LC_ENOTFOUND (the message lists the keys).
 */
LC_API int lc_lead_text_parse(const char *name, lc_lead_text_field *out);

/**
 * Set a text field (copied).
 * @param lead The record.
 * @param field The field.
 * @param value UTF-8 text, at most LC_LEAD_TEXT_MAX bytes
 *              (LC_LEAD_EXTERNAL_ID_MAX for the external id); NULL or "" clears it.
 * @return 0, LC_EINVAL (NULL record, unknown field, bad UTF-8), LC_ERANGE (too long),
 *         LC_ENOMEM. On failure the field keeps its value.
 */
LC_API int lc_lead_set_text(lc_lead *lead, lc_lead_text_field field, const char *value);

/**
 * A text field.
 * @param lead The record.
 * @param field The field.
 * @return Owned by the record; NULL when unset (or for a bad argument).
 */
LC_API const char *lc_lead_text(const lc_lead *lead, lc_lead_text_field field);

/** @} */

/** @name Commercial fields
 * @{ */

/**
 * Set the probability to win.
 * @param lead The record.
 * @param percent 0 to 100, or -1 to clear it.
 * @return 0, LC_EINVAL (NULL), LC_ERANGE (outside -1..100).
 */
LC_API int lc_lead_set_probability(lc_lead *lead, int32_t percent);

/**
 * Set the target amount: the sum expected if the lead is won.
 * @param lead The record.
 * @param minor_units The amount in the currency's minor units (cents), >= 0.
 * @param currency An ISO 4217 code, three upper-case letters ("EUR"); NULL
 *                 clears the amount.
 * @return 0, LC_EINVAL (NULL record, a currency that is not [A-Z]{3}),
 *         LC_ERANGE (a negative amount).
 */
LC_API int lc_lead_set_amount(lc_lead *lead, int64_t minor_units, const char *currency);

/**
 * The target amount's currency.
 * @param lead The record.
 * @return Owned by the record; NULL when no amount is set.
 */
LC_API const char *lc_lead_currency(const lc_lead *lead);

/** @} */

/** @name Key dates
 * @{ */

/**
 * Set a key date. The actual completion is normally stamped by the engine
 * when the lead enters a completed life-cycle state; setting it here is for
 * imports of past data.
 * @param lead The record.
 * @param which The date.
 * @param t The time, or LC_TIME_NONE to clear it.
 * @return 0, LC_EINVAL (NULL, unknown date), LC_ERANGE (@p t is neither
 *         LC_TIME_NONE nor within ::LC_TIME_MIN..::LC_TIME_MAX).
 */
LC_API int lc_lead_set_date(lc_lead *lead, lc_lead_date_field which, lc_time t);

/**
 * A key date.
 * @param lead The record.
 * @param which The date.
 * @return The time, or LC_TIME_NONE when unset.
 */
LC_API lc_time lc_lead_date(const lc_lead *lead, lc_lead_date_field which);

/** The durations a record's key dates give, for lc_lead_duration(). */
typedef enum lc_lead_duration_field {
	/** Time left until the expected completion date, against @p now: 0 when
	 * the date has passed or the lead is completed. */
	LC_LEAD_TIME_TO_COMPLETION = 0,
	/** The estimated completion time (seed 003): the expected completion
	 * date minus the start date, which a stored lead has from its creation
	 * on; negative when the expected date is before the start; @p now is
	 * not used. */
	LC_LEAD_ESTIMATED_COMPLETION_TIME = 1,
	/** Time past the expected completion date: against @p now while the
	 * lead is not completed, against the actual completion once it is; 0
	 * when not overdue. */
	LC_LEAD_TIME_OVERDUE = 2
} lc_lead_duration_field;

/**
 * A duration computed from the record's key dates. The function never fails.
 * @param lead The record.
 * @param which The duration.
 * @param now The present (pass lc_db_now() to use the store's clock); a time
 *        outside LC_TIME_MIN..LC_TIME_MAX gives 0 where it is used.
 * @return Seconds, or LC_TIME_NONE when a date it needs is unset (the
 *         expected completion; the start too for the estimated time), for a
 *         NULL record or an unknown duration.
 */
LC_API int64_t lc_lead_duration(const lc_lead *lead, lc_lead_duration_field which, lc_time now);

/** @} */

/** @name Ownership and flags
 * @{ */

/**
 * Set the assigned unit (0 for none). Use lc_db_lead_assign() to record the
 * assignment as an event of its own.
 * @param lead The record.
 * @param unit A unit id, or 0.
 * @return 0, LC_EINVAL (NULL, a negative id).
 */
LC_API int lc_lead_set_unit(lc_lead *lead, lc_id unit);

/**
 * Set the assigned agent (0 for none).
 * @param lead The record.
 * @param agent An agent id, or 0.
 * @return 0, LC_EINVAL (NULL, a negative id).
 */
LC_API int lc_lead_set_agent(lc_lead *lead, lc_id agent);

/**
 * Set or clear one flag: LC_LEAD_DO_NOT_CALL, LC_LEAD_DO_NOT_EMAIL or
 * LC_LEAD_AUTOMATION_STOPPED. The contact flags are mirrored into the state,
 * where the engine reads them.
 * @param lead The record.
 * @param flag One flag.
 * @param on Non-zero to set, 0 to clear.
 * @return 0, LC_EINVAL (NULL, LC_LEAD_RECYCLED, unknown or several bits).
 */
LC_API int lc_lead_set_flag(lc_lead *lead, uint32_t flag, int on);

/** @} */

/** @name Lists
 * @{ */

/**
 * The number of entries in a list.
 * @param lead The record.
 * @param which The list.
 * @return The count; 0 for a bad argument.
 */
LC_API size_t lc_lead_list_count(const lc_lead *lead, lc_lead_list which);

/** Version of ::lc_lead_entry that these headers know. */
#define LC_LEAD_ENTRY_VERSION 1

/**
 * One entry of a lead's list, as lc_lead_list_get() reads it. Every list
 * uses the same three fields:
 *
 * | list | text | detail | time |
 * |---|---|---|---|
 * | LC_LEAD_PRODUCTS | the product | its note | - |
 * | LC_LEAD_TEAM, LC_LEAD_COMPETITORS | the name | - | - |
 * | LC_LEAD_ACTIVITIES | what is planned | who does it | when |
 * | LC_LEAD_ATTRIBUTES | the key | the value | - |
 * | LC_LEAD_NOTES | the note | its author | when it was written |
 *
 * A field a list does not use ("-") or an entry does not have is NULL or
 * ::LC_TIME_NONE. Set @p version (::LC_LEAD_ENTRY_INIT does): the library
 * writes only the fields that version defines, so that fields appended
 * later never overwrite an older caller's memory.
 */
typedef struct lc_lead_entry {
	unsigned int version; /**< ::LC_LEAD_ENTRY_VERSION. */
	const char *text;     /**< The entry's main text; never NULL for an entry read. */
	const char *detail;   /**< Its second text, or NULL. */
	lc_time time;         /**< Its time, or ::LC_TIME_NONE. */
} lc_lead_entry;

/** An ::lc_lead_entry of the current version, empty. */
#define LC_LEAD_ENTRY_INIT { LC_LEAD_ENTRY_VERSION, NULL, NULL, LC_TIME_NONE }

/**
 * Read entry @p i of a list (lists keep the order entries were added in;
 * attributes the order they were first set in; notes are oldest first).
 * @param lead The record.
 * @param which The list.
 * @param i Index, below lc_lead_list_count().
 * @param[in,out] entry Its @c version says which fields to fill. The texts
 *        are owned by the record and valid until it changes or is freed.
 * @return 0, LC_EINVAL (NULL, not a list), LC_EVERSION (version 0 or newer
 *         than this library), LC_ERANGE (no entry @p i).
 */
LC_API int lc_lead_list_get(const lc_lead *lead, lc_lead_list which, size_t i,
			    lc_lead_entry *entry);

/**
 * Remove entry @p i of a list; later entries move down by one.
 * @param lead The record.
 * @param which The list (not LC_LEAD_NOTES).
 * @param i Index.
 * @return 0, LC_EINVAL (NULL, LC_LEAD_NOTES), LC_ERANGE (no such entry).
 */
LC_API int lc_lead_list_remove(lc_lead *lead, lc_lead_list which, size_t i);

/**
 * Empty a list.
 * @param lead The record.
 * @param which The list (not LC_LEAD_NOTES).
 * @return 0, LC_EINVAL.
 */
LC_API int lc_lead_list_clear(lc_lead *lead, lc_lead_list which);

/**
 * Append a product of interest.
 * @param lead The record.
 * @param name The product (non-empty UTF-8, at most LC_LEAD_TEXT_MAX bytes).
 * @param note A note about it, or NULL.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_lead_product_add(lc_lead *lead, const char *name, const char *note);

/**
 * Append a name to the lead team or to the competitors.
 * @param lead The record.
 * @param which LC_LEAD_TEAM or LC_LEAD_COMPETITORS.
 * @param name Non-empty UTF-8, at most LC_LEAD_TEXT_MAX bytes.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_lead_name_add(lc_lead *lead, lc_lead_list which, const char *name);

/**
 * Append a planned activity.
 * @param lead The record.
 * @param what What is planned (non-empty UTF-8, at most LC_LEAD_TEXT_MAX bytes).
 * @param when When, or LC_TIME_NONE.
 * @param who Who does it, or NULL.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_lead_activity_add(lc_lead *lead, const char *what, lc_time when, const char *who);

/**
 * Set a custom attribute (replacing its value when the key exists).
 * @param lead The record.
 * @param key Non-empty UTF-8, at most LC_LEAD_ATTR_KEY_MAX bytes.
 * @param value UTF-8, at most LC_LEAD_TEXT_MAX bytes; NULL removes the attribute.
 * @return 0, LC_EINVAL, LC_ERANGE, LC_ENOMEM.
 */
LC_API int lc_lead_attr_set(lc_lead *lead, const char *key, const char *value);

/**
 * A custom attribute's value.
 * @param lead The record.
 * @param key The key.
 * @return Owned by the record; NULL when absent.
 */
LC_API const char *lc_lead_attr_get(const lc_lead *lead, const char *key);

/** @} */

/** @name State
 * @{ */

/**
 * Bind the record to a model, creating its state. A record already bound to
 * another model keeps its values by key (values the new model does not know
 * are kept as they are, as a store keeps them after a model upgrade).
 * lc_db_lead_create() binds an unbound record to the store's model.
 * @param lead The record.
 * @param model The model; must outlive the record's binding.
 * @return 0, LC_EINVAL, LC_ENOMEM.
 */
LC_API int lc_lead_bind(lc_lead *lead, const lc_model *model);

/**
 * The model the record is bound to.
 * @param lead The record.
 * @return The model (not owned by the record), or NULL when unbound.
 */
LC_API const lc_model *lc_lead_model(const lc_lead *lead);

/**
 * The lead's current disposition state.
 * @param lead The record.
 * @return Owned by the record; NULL when the record is not bound to a model.
 */
LC_API const lc_state *lc_lead_state(const lc_lead *lead);

/**
 * Set the initial state of a new lead (copied), for lc_db_lead_create(),
 * which checks it with lc_validate_state(). A stored lead's state changes
 * only through lc_db_apply(); lc_db_lead_update() refuses a changed state.
 * @param lead The record; it must be bound to the state's model.
 * @param state The state.
 * @return 0, LC_EINVAL (NULL, unbound record, another model).
 */
LC_API int lc_lead_set_state(lc_lead *lead, const lc_state *state);

/**
 * The model's judgement of the whole lead as it stands, under the model the
 * record is bound to: its state, as lc_validate_state() judges it, then the
 * record's fields the model governs (a source, type, category or priority
 * outside the model's lists, a required field left empty, an attribute its
 * type does not define, an account on a lead that is not won). A stored lead
 * that a newer model no longer allows is refused at its next write; this
 * says why beforehand, as lc_query_set_invalid() and lc_db_model_dry_run()
 * find such leads.
 * @param lead The record, bound to a model (lc_lead_bind(); leads read from
 *        a store are).
 * @param out Receives the violations, the state's first (cleared first;
 *        NULL: only the verdict).
 * @return 0 when the model allows the lead, LC_EINVALID when it does not
 *         (see @p out), LC_EINVAL (NULL lead, an unbound record).
 */
LC_API int lc_lead_validate(const lc_lead *lead, lc_violations *out);

/** @} */

LC_END_DECL

#endif
