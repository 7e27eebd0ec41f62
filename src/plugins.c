/*
 * The library's assembly: the modules above the store that plug into every
 * lc_db. The store calls them through lc__db_plugin without knowing them
 * (dependencies point down), as SQLite's main.c lists its built-in
 * extensions.
 */
#include "store/db_internal.h"
#include "workflow/workflow_internal.h"

const lc__db_plugin lc__db_plugins[] = {
	/* event rules run from the first apply; lc_db_verify() loads every rule set */
	{ "workflow", lc__wf_db_open, lc__wf_verify, "rule_sets", "rule_set", "problems_rule_set" },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};
