/*
 * The report table's insides, shared by the report files. Nothing here is
 * exported.
 */
#ifndef LC_REPORT_INTERNAL_H
#define LC_REPORT_INTERNAL_H

#include "core/core.h"
#include "core/table.h"
#include "leadcore/report.h"
#include "engine/engine_internal.h"
#include "store/db_internal.h"

int lc__rreport_new(lc_table **out, const char *kind, const char *const *cols, size_t ncols,
		   const char *const *measures, size_t nmeasures);
/* Append a row (keys and labels copied; labels may be NULL). */
int lc__rreport_add(lc_table *r, const char *const *keys, const char *const *labels, int64_t count,
		   lc_id lead, const int64_t *measures);

/* Check the common arguments and fetch the store's model. */
int lc__report_begin(lc_db *db, const lc_report_options *opts, lc_report_options *o,
		     lc_table **out, const char *what,
		     const lc_model **model);
/* A new query holding the options' filter (unpaged), to which a report adds
 * its own conditions. */
int lc__report_query(const lc_report_options *o, lc_query **out);
long lc__report_value_index(const lc_model *m, lc_axis axis, const char *key);

const char *lc__report_value_label(const lc_model *m, lc_axis axis, const char *key);
const char *lc__report_agent_name(const lc_table *agents, const char *id_text);

#endif
