/*
 * A forwarding storage backend for tests: "SCHEME:INNER-URI" opens INNER-URI
 * with its own backend and forwards every slot to it. A hook sees each call
 * first and may fail it (fault injection) or count it; the optional slots
 * can be hidden so that the core's fallbacks answer instead.
 *
 * Uses only the public API and sys/storage.h, so that it works against any
 * registered backend. One configuration per process (tests are sequential).
 */
#ifndef LC_TEST_WRAP_H
#define LC_TEST_WRAP_H

#include <leadcore/leadcore.h>
#include <leadcore/sys/storage.h>

/* Called before each slot with its name; a non-zero return is returned by the
 * slot instead of calling the inner backend (void slots ignore it). */
typedef int (*lc_wrap_hook_fn)(void *ud, const char *slot);

typedef struct lc_wrap_config {
	lc_wrap_hook_fn hook; /* NULL: forward everything */
	void *ud;
	/* Non-zero: count_grouped, worklist, bulk_insert and lead_find_many are
	 * NULL. Otherwise they are forwarded where the backend of `inner_uri` has
	 * them (savepoint always is). */
	int hide_optional;
	const char *inner_uri;
} lc_wrap_config;

/* Register the wrapper under `scheme`, replacing an earlier registration. */
int lc_wrap_register(const char *scheme, const lc_wrap_config *cfg);

/* Give the most recently opened wrapper store a new, empty inner store at
 * the same location, holding `model_json` (if not NULL) as model version 1
 * installed at `at`: what a fresh open and install would leave, without
 * their cost. The lc_db over it must hold that model and no transaction
 * (a fuzz target resets its reused store this way between inputs). */
int lc_wrap_renew(const char *model_json, lc_time at);

/* Split a store URI as lc_db_open() does: the backend and its location. */
int lc_wrap_resolve(const char *uri, const lc_storage **vt, const char **location);

#endif
