/**
 * @file import.h
 * @brief CSV import with a column mapping.
 *
 * A **mapping** (JSON, see docs/import.md) says which CSV column feeds which
 * lead field, which column values become which disposition (action,
 * milestone, status, stage, outcome, reason), which values are placeholders
 * to read as empty ("Select"), where each row's time comes from (a column, a
 * fixed time, or the import's time), and how rows find an existing lead (the
 * dedupe key: the external id or the email).
 *
 * lc_import_file() reads the file one row at a time, in constant memory,
 * inside one write transaction. Each row creates a lead (or updates the lead
 * its dedupe key finds) and applies its dispositions with lc_db_apply(), so
 * that they are validated by the model and recorded in history, stamped with
 * the row's time. A row is judged whole before anything of it is written.
 *
 * - All or nothing (the default): any bad row rolls the whole import back;
 *   every bad row is still reported, with its line number and the reason.
 * - LC_IMPORT_SKIP_BAD_ROWS: bad rows are left out and reported; the others
 *   are imported.
 *
 * The CSV dialect is RFC 4180: comma-separated, `"` quoting, quoted fields may
 * hold commas, quotes (doubled) and line breaks. A UTF-8 byte-order mark is
 * skipped, LF and CRLF line ends are both read, blank lines are ignored. The
 * first row is the header. A row with fewer or more fields than the header,
 * or with text that is not UTF-8, is a bad row. Line numbers are the file's
 * physical lines (1 is the header), so a row with a quoted line break still
 * points at the line where it starts.
 *
 * Thread safety: as the ::lc_db; a loaded mapping is immutable and may be
 * shared between threads.
 *
 * Errors: an import may also return the store's errors, which the file
 * comment of db.h lists once.
 */
#ifndef LEADCORE_IMPORT_H
#define LEADCORE_IMPORT_H

#include "common.h"
#include "db.h"
#include "table.h"

LC_BEGIN_DECL

/** A loaded column mapping. */
typedef struct lc_mapping lc_mapping;

/** @name Mappings
 * @{ */

/**
 * Load a mapping from JSON text.
 * @param[out] out Receives the mapping; free it with lc_mapping_free().
 * @param json NUL-terminated UTF-8 JSON.
 * @param source_name A name for messages (a file name), or NULL.
 * @return 0, LC_EINVAL (NULL, not UTF-8), LC_ERANGE (text larger than 16 MiB),
 *         LC_EFORMAT (malformed JSON, an unknown or
 *         misspelt field, a wrong type, a missing column name; the message
 *         says where and what), LC_ENOMEM.
 */
LC_API int lc_mapping_load_string(lc_mapping **out, const char *json, const char *source_name);

/**
 * Load a mapping from a JSON file. As lc_mapping_load_string().
 * @param[out] out Receives the mapping; free it with lc_mapping_free().
 * @param path The file.
 * @return As lc_mapping_load_string() (LC_ERANGE: a file larger than 16 MiB),
 *         plus LC_EIO (the file cannot be opened or read).
 */
LC_API int lc_mapping_load_file(lc_mapping **out, const char *path);

/**
 * Free a mapping. Accepts NULL.
 * @param map The mapping.
 */
LC_API void lc_mapping_free(lc_mapping *map);

/** @} */

/** @name Importing
 * @{ */

/**
 * Called as rows are read, so that a program can show progress.
 * @param ud The options' @c progress_ud.
 * @param rows Data rows read so far.
 * @param bytes Bytes of the file read so far.
 * @param total_bytes The file's size, or 0 when unknown (a buffer's length for lc_import_buffer()).
 * @return 0 to go on; anything else stops the import, which is rolled back
 *         and fails with LC_EUSER.
 */
typedef int (*lc_import_progress_fn)(void *ud, size_t rows, uint64_t bytes, uint64_t total_bytes);

/** lc_import_options.flags: leave bad rows out instead of rolling everything back. */
#define LC_IMPORT_SKIP_BAD_ROWS (1u << 0)

/** Version of ::lc_import_options that these headers know. */
#define LC_IMPORT_OPTIONS_VERSION 1

/** Options for lc_import_file() and lc_import_buffer(). */
typedef struct lc_import_options {
	/** Set to LC_IMPORT_OPTIONS_VERSION. */
	unsigned int version;
	/** `LC_IMPORT_*` flags. */
	uint32_t flags;
	/** A fixed time for every row, overriding the mapping's; LC_TIME_NONE for the mapping's.
	 *  Outside ::LC_TIME_MIN..::LC_TIME_MAX: LC_ERANGE before any row is read. */
	lc_time at;
	/** Progress callback, or NULL. */
	lc_import_progress_fn progress;
	/** Passed to @c progress. */
	void *progress_ud;
	/** Call @c progress every this many rows (0: every 1000); it is also called at the end. */
	uint32_t progress_every;
	/** Keep at most this many rejected rows in the result (0: 1000); the rest are only counted. */
	uint32_t max_rejects;
} lc_import_options;

/** Static initialiser for ::lc_import_options with the defaults. */
#define LC_IMPORT_OPTIONS_INIT { LC_IMPORT_OPTIONS_VERSION, 0, LC_TIME_NONE, NULL, NULL, 0, 0 }

/**
 * Initialise ::lc_import_options with the defaults (for FFI callers that
 * cannot use LC_IMPORT_OPTIONS_INIT).
 * @param opts The struct to fill.
 * @param version LC_IMPORT_OPTIONS_VERSION.
 * @return 0, LC_EINVAL (NULL), LC_EVERSION.
 */
LC_API int lc_import_options_init(lc_import_options *opts, unsigned int version);

/**
 * Import a CSV file into a store with a mapping.
 *
 * The store must have a model, and every value the mapping names must exist
 * in it (checked before any row is read). The import runs in one write
 * transaction, so the store must not be inside lc_db_begin().
 *
 * @param db The store.
 * @param path The CSV file.
 * @param map The mapping.
 * @param opts Options, or NULL for the defaults.
 * @param[out] result Receives what happened whenever the file could be
 *                    opened, on success and on failure (bad rows, a stop
 *                    from the callback); free it with lc_table_free().
 *                    A table of kind "import": a row per rejected row
 *                    kept (at most the options' @c max_rejects) with "line"
 *                    (the physical line where it starts; the header is 1),
 *                    "code" (LC_EFORMAT: ragged, bad UTF-8, an unmapped
 *                    value, a bad time or number; LC_EINVALID: the model
 *                    refuses a disposition; LC_ERANGE: a value too long,
 *                    a time outside years 1 to 9999 or a follow-up
 *                    beyond them;
 *                    LC_EEXISTS) and "reason" (a sentence naming the column
 *                    or the rule). Its summary counts "rows" (data rows
 *                    read), "imported" (leads created), "updated" (rows that
 *                    changed a lead they found), "unchanged" (rows that found
 *                    a lead and had nothing new), "skipped" (bad rows left
 *                    out), "rejected" (bad rows found), "dispositions"
 *                    (applied), "repeats" (dispositions already in the
 *                    history), "undated" (dispositions whose own time cell
 *                    was empty), "agents_created", "units_created"; the
 *                    counts of writes are 0 when the import was rolled back.
 *                    Set to NULL otherwise. May be NULL.
 * @return 0 (everything imported, or in skip mode every good row), LC_EINVAL (NULL
 *         arguments, bad options), LC_EVERSION (options of an unknown version),
 *         LC_ERANGE (the options' @c at outside ::LC_TIME_MIN..::LC_TIME_MAX), LC_ESTATE
 *         (no model, inside an explicit transaction), LC_EREADONLY, LC_EIO (cannot read
 *         the file), LC_EFORMAT (no header, a column the mapping names is missing, a
 *         value the model does not know), LC_EUSER (the progress callback stopped it);
 *         in all-or-nothing mode also the code of the first bad row, as the result lists
 *         it (LC_EFORMAT, LC_EINVALID, LC_ERANGE, LC_EEXISTS). On any failure nothing is
 *         written.
 */
LC_API int lc_import_file(lc_db *db, const char *path, const lc_mapping *map,
			  const lc_import_options *opts, lc_table **result);

/**
 * Import CSV text held in memory. As lc_import_file().
 * @param db The store.
 * @param data The CSV bytes (need not be NUL-terminated).
 * @param len Their length.
 * @param map The mapping.
 * @param opts Options, or NULL.
 * @param[out] result As lc_import_file(); may be NULL.
 * @return As lc_import_file().
 */
LC_API int lc_import_buffer(lc_db *db, const char *data, size_t len, const lc_mapping *map,
			    const lc_import_options *opts, lc_table **result);

/** @} */

LC_END_DECL

#endif
