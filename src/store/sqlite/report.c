/*
 * The SQLite backend's grouped counts (the vtable's count_grouped slot): one
 * GROUP BY over the leads table, so that pipeline and matrix reports cost
 * what a hand-written query costs. The SQL is assembled from fixed column
 * names chosen by enum value and the query's fixed WHERE fragments; every
 * user value is bound, never spliced in.
 */
#include <string.h>

#include "sqlite_internal.h"

/* The column for each lc_axis; agent and unit ids come back as text. */
static const char *group_column(lc_axis k)
{
	switch (k) {
	case LC_AXIS_MILESTONE:
		return "milestone";
	case LC_AXIS_STATUS:
		return "status";
	case LC_AXIS_PHASE:
		return "phase";
	case LC_AXIS_STAGE:
		return "stage";
	case LC_AXIS_LIFECYCLE:
		return "lifecycle";
	case LC_AXIS_SOURCE:
		return "source";
	case LC_AXIS_OWNER_GROUP:
		return "owner_group";
	case LC_AXIS_SEGMENT:
		return "segment";
	case LC_AXIS_TYPE:
		return "type";
	case LC_AXIS_CATEGORY:
		return "category";
	case LC_AXIS_PRIORITY:
		return "priority";
	case LC_AXIS_OWNER:
		return "CAST(agent_id AS TEXT)";
	case LC_AXIS_UNIT:
		return "CAST(unit_id AS TEXT)";
	default:
		return NULL;
	}
}

#define MAX_KEYS 16

int lc__sq_count_grouped(void *be, const lc_query *q, const lc_axis *keys, size_t nkeys,
			 lc_group_emit_fn emit, void *ud)
{
	lc_sq *s = be;
	sqlite3_stmt *st = NULL;
	const char *values[MAX_KEYS];
	lc_buf sql;
	int rc, idx = 1;

	if (nkeys > MAX_KEYS)
		return lc__error(LC_EINVAL, "grouped count: at most %d keys", MAX_KEYS);
	for (size_t i = 0; i < nkeys; i++)
		if (!group_column(keys[i]))
			return lc__error(LC_EINVAL, "grouped count: key %d is not a group key", (int)keys[i]);
	lc__buf_init(&sql);
	lc__buf_puts(&sql, "SELECT ");
	for (size_t i = 0; i < nkeys; i++)
		lc__buf_printf(&sql, "%s, ", group_column(keys[i]));
	lc__buf_puts(&sql, "COUNT(*) FROM leads");
	lc__sq_where(&sql, q, "", false);
	if (nkeys) {
		lc__buf_puts(&sql, " GROUP BY ");
		for (size_t i = 0; i < nkeys; i++)
			lc__buf_printf(&sql, "%s%zu", i ? ", " : "", i + 1);
	}
	if (sql.failed) {
		lc__buf_free(&sql);
		return lc__error(LC_ENOMEM, "grouped count: out of memory");
	}
	rc = sqlite3_prepare_v2(s->db, sql.data, -1, &st, NULL);
	lc__buf_free(&sql);
	if (rc != SQLITE_OK)
		return lc__sq_error(s, rc, "preparing a grouped count");
	lc__sq_bind_where(st, q, &idx, false);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, (int)nkeys);
		int urc;
		for (size_t i = 0; i < nkeys; i++)
			values[i] = (const char *)sqlite3_column_text(st, (int)i);
		if (n <= 0)
			continue;
		if ((urc = emit(ud, values, (size_t)n)) != 0) {
			sqlite3_finalize(st);
			return urc;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = lc__sq_error(s, rc, "running a grouped count");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return 0;
}
