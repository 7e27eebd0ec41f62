/* The reused fuzz store (reuse.h). */
#include <stdio.h>
#include <stdlib.h>

#include "reuse.h"
#include "../conformance/wrap.h"

static lc_db *reused;
static size_t reused_preset;
static lc_time reused_at;

static void die(const char *what, int rc)
{
	fprintf(stderr, "fuzz store: %s: %s: %s\n", what, lc_error_name(rc), lc_error_last());
	abort();
}

/* The library's presets table, read once. */
static const lc_table *presets(void)
{
	static lc_table *t;
	int rc;
	if (!t && (rc = lc_model_presets(&t)) != 0)
		die("listing the presets", rc);
	return t;
}

size_t fuzz_preset_count(void)
{
	return lc_table_row_count(presets());
}

const lc_model *fuzz_preset(size_t i)
{
	static lc_model *cache[32];
	int rc;
	if (i >= 32)
		die("more presets than the cache holds", LC_ERANGE);
	if (!cache[i] && (rc = lc_model_preset(&cache[i], lc_table_text(presets(), i, 0))) != 0)
		die("loading a preset", rc);
	return cache[i];
}

static const char *preset_json(size_t i)
{
	static char *cache[32];
	int rc;
	if (!cache[i] && (rc = lc_model_to_json(fuzz_preset(i), &cache[i], NULL)) != 0)
		die("exporting a preset", rc);
	return cache[i];
}

lc_db *fuzz_reused_open(size_t preset, lc_time at, const lc_db_options *opts)
{
	static int registered;
	int rc;
	if (!registered) {
		lc_wrap_config c = { NULL, NULL, 0, "memory:" };
		if ((rc = lc_wrap_register("fuzzmem", &c)) != 0)
			die("registering the wrapper backend", rc);
		registered = 1;
	}
	if (reused && (reused_preset != preset || reused_at != at)) {
		lc_db_close(reused);
		reused = NULL;
	}
	if (!reused) {
		if ((rc = lc_db_open(&reused, "fuzzmem:memory:", opts)) != 0)
			die("opening the store", rc);
		if ((rc = lc_db_install_model(reused, fuzz_preset(preset), NULL)) != 0)
			die("installing the preset", rc);
		reused_preset = preset;
		reused_at = at;
	}
	return reused;
}

void fuzz_reused_done(int dirty)
{
	int rc;
	if (!reused)
		return;
	if (!dirty && (lc_db_begin(reused) != 0 || lc_db_rollback(reused) != 0))
		dirty = 1;
	if (dirty) {
		lc_db_close(reused);
		reused = NULL;
	} else if ((rc = lc_wrap_renew(preset_json(reused_preset), reused_at)) != 0) {
		die("renewing the store", rc);
	}
}
