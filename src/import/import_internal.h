/*
 * The mapping's insides, shared by the mapping reader and the importer.
 * Nothing here is exported.
 *
 * Every column a mapping names gets a slot (columns[slot]); references hold
 * the slot, and an import resolves slots to the CSV's field positions from
 * its header. So a loaded mapping stays immutable and shareable.
 */
#ifndef LC_IMPORT_INTERNAL_H
#define LC_IMPORT_INTERNAL_H

#include <stdbool.h>

#include "core/core.h"
#include "leadcore/import.h"

/* Where one disposition part comes from. */
typedef enum mp_kind {
	MP_NONE = 0,   /* not given */
	MP_CONST = 1,  /* a fixed value */
	MP_COLUMN = 2  /* a column, translated through `from`/`to` when `nmap` > 0 */
} mp_kind;

typedef struct mp_source {
	mp_kind kind;
	char *constant;   /* MP_CONST */
	int slot;         /* MP_COLUMN */
	size_t nmap;
	char **from;      /* cell texts */
	char **to;        /* values; NULL entry: leave the part unset */
	bool has_default; /* a cell not in the map takes `deflt` (NULL: unset) */
	char *deflt;
} mp_source;

/* The parts of a disposition, in this order. */
enum { MP_ACTION, MP_MILESTONE, MP_STATUS, MP_STAGE, MP_REASON, MP_OUTCOME, MP_NOTE, MP_PARTS };

enum { MP_TIME_IMPORT, MP_TIME_COLUMN, MP_TIME_FIXED };

/* Where a time comes from: the import's, a column (ISO 8601, or `format`),
 * or a fixed time. */
typedef struct mp_time {
	int kind;
	int slot;
	char *format; /* strptime-like; NULL: ISO 8601 */
	lc_time fixed;
} mp_time;

typedef struct mp_step {
	int when_slot; /* -1: always */
	size_t nwhen;
	char **when;   /* the cell must be one of these (case-insensitive) */
	mp_source part[MP_PARTS];
	bool has_follow_up;
	int64_t follow_up_seconds; /* after the disposition's time */
	bool has_time;             /* its own time; an empty cell skips the step */
	mp_time time;
} mp_step;

typedef struct mp_field {
	int field; /* lc_lead_text_field, or one of MP_F_* below */
	int slot;
} mp_field;

#define MP_F_PROBABILITY 1000
#define MP_F_START 1001
#define MP_F_EXPECTED_COMPLETION 1002
#define MP_F_AGENT 1003    /* by name */
#define MP_F_UNIT 1004     /* by name */
#define MP_F_AMOUNT 1005   /* decimal text in major units */
#define MP_F_CURRENCY 1006 /* a column; a fixed code is map->currency */
#define MP_F_PRODUCTS 1007 /* comma-separated names */

typedef struct mp_attr {
	char *key;
	int slot;
} mp_attr;

typedef struct mp_flag {
	uint32_t flag;
	int slot;
	size_t nyes;
	char **yes; /* cell texts that set the flag; any other non-empty text clears it */
} mp_flag;

enum { MP_DEDUPE_NONE, MP_DEDUPE_EXTERNAL_ID, MP_DEDUPE_EMAIL };

struct lc_mapping {
	char *source;
	char **columns; /* slot -> column name */
	size_t ncolumns;
	int dedupe;
	char **placeholders;
	size_t nplaceholders;
	mp_time time;
	char *actor;
	char *currency;          /* a fixed currency code for `amount`, or NULL */
	bool create_agents;      /* an unknown agent name is created, not a bad row */
	bool create_units;
	bool email_keep_local_case; /* email dedupe: the local part's case matters */
	bool update_external_id; /* email dedupe may change a lead's external id */
	mp_field *fields;
	size_t nfields;
	mp_attr *attrs;
	size_t nattrs;
	mp_flag *flags;
	size_t nflags;
	mp_step *steps;
	size_t nsteps;
};

/* Parse `text` by a strptime-like `format` (the subset docs/import.md lists).
 * 0, LC_ERANGE (year 0) or LC_EFORMAT (no message set). */
int lc__import_time_parse(const char *text, const char *format, lc_time *out);
/* Check a format's directives: 0 or LC_EFORMAT naming the bad one in msg. */
int lc__import_time_format_check(const char *format, char *msg, size_t n);

#endif
