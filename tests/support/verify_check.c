#include "verify_check.h"

#include <stdio.h>

int64_t verify_check(lc_db *db, int64_t *leads)
{
	lc_table *t = NULL;
	int64_t n;
	int rc = lc_db_verify(db, &t);

	if (rc) {
		fprintf(stderr, "lc_db_verify: %s: %s\n", lc_error_name(rc), lc_error_last());
		return -1;
	}
	for (size_t i = 0; i < lc_table_row_count(t); i++)
		fprintf(stderr, "verify: %s [%s]: %s\n", lc_table_text_named(t, i, "record"),
			lc_table_text_named(t, i, "kind"), lc_table_text_named(t, i, "message"));
	n = lc_table_int_named(lc_table_summary(t), 0, "problems");
	if (leads)
		*leads = lc_table_int_named(lc_table_summary(t), 0, "leads");
	lc_table_free(t);
	return n;
}
