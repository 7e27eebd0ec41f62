/* leadctl: the lead list's filters (FILTERS in 'lead --help'), shared by
 * 'lead list' and every report, so that both take the same flags and build
 * the same lc_query. */
#ifndef LEADCTL_FILTER_H
#define LEADCTL_FILTER_H

#include "store.h"

/* milestone, status, stage, phase, lifecycle */
#define FILTER_VALUES 5
/* How many option-table entries filter_specs() writes. */
#define FILTER_SPECS (FILTER_VALUES + 12)

typedef struct lead_filter {
	const char *value[FILTER_VALUES];     /* keys, labels or aliases, by the axes above */
	const char *text[LC_LEAD_TEXT_COUNT]; /* text fields matched exactly */
	const char *agent, *unit, *follow_from, *follow_to, *recycled, *attribute;
	bool unassigned, invalid;
	const char *flag; /* --flag NAME,...: values carrying these flags */
} lead_filter;

/* Write the filter's flags into specs[0..FILTER_SPECS); returns the count. */
size_t filter_specs(lead_filter *f, opt_spec *specs);

/* The query the flags describe (agents and units by name or id). Prints the
 * error; returns 0 or an exit code. */
int filter_query(lc_db *db, const lead_filter *f, lc_query **out);

#endif
