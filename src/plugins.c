/*
 * The library's assembly: the modules above the store that plug into every
 * lc_db. The store calls them through lc__db_plugin without knowing them
 * (dependencies point down), as SQLite's main.c lists its built-in
 * extensions.
 */
#include "store/db_internal.h"
#include "workflow/workflow_internal.h"

const lc__db_plugin lc__db_plugins[] = {
	{ "workflow", lc__wf_db_open }, /* event rules run from the first apply */
	{ NULL, NULL },
};
