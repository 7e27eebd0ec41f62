/*
 * The conformance driver: `conformance memory|sqlite-memory|sqlite-file|postgres|URI`.
 * memory and sqlite-memory open a new store at each test (memory:,
 * :memory:); sqlite-file makes one file per test in a temporary folder and
 * also checks everything after reopening; postgres gives each test a schema
 * of its own on the server named by LC_TEST_PG_URI (and skips without it).
 * Any other argument is a URI whose
 * every open is a new, empty store (a backend registered by a wrapper).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <leadcore/leadcore.h>

#include "conformance.h"
#include "../support/store_files.h"
#ifdef LC_TEST_HAVE_LIBPQ
#include "../support/pg_test.h"
#endif

typedef struct files {
	char dir[256];
	int n;
} files;

static int file_make(void *ud, char *buf, size_t size)
{
	files *fs = ud;
	int n = snprintf(buf, size, "sqlite:%s/store-%d.db", fs->dir, fs->n++);

	return n < 0 || (size_t)n >= size ? LC_ERANGE : 0;
}

static void file_remove(void *ud, const char *uri)
{
	(void)ud;
	remove_store_files(uri);
}

#ifdef LC_TEST_HAVE_LIBPQ
/* A schema of its own on the test server for each test, dropped after. */
static int pg_make(void *ud, char *buf, size_t size)
{
	(void)ud;
	return pg_test_store_uri(buf, size, "conf") ? LC_ERANGE : 0;
}

static void pg_remove(void *ud, const char *uri)
{
	(void)ud;
	pg_test_drop(uri);
}
#endif

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "memory";
	int failed;

	if (strcmp(what, "memory") == 0)
		return lc_conformance_run_uri("conformance-memory", "memory:") ? 1 : 0;
	if (strcmp(what, "sqlite-memory") == 0)
		return lc_conformance_run_uri("conformance-sqlite-memory", ":memory:") ? 1 : 0;
	if (strcmp(what, "sqlite-file") == 0) {
		const char *tmp = getenv("TMPDIR");
		files fs = { "", 0 };
		lc_conformance_target t = { "conformance-sqlite-file", file_make, file_remove, &fs, 1 };
		snprintf(fs.dir, sizeof fs.dir, "%s/leadcore-conformance-XXXXXX",
			 tmp && tmp[0] ? tmp : "/tmp");
		if (!mkdtemp(fs.dir)) {
			perror("mkdtemp");
			return 1;
		}
		failed = lc_conformance_run(&t);
		rmdir(fs.dir);
		return failed ? 1 : 0;
	}
#ifdef LC_TEST_HAVE_LIBPQ
	if (strcmp(what, "postgres") == 0) {
		lc_conformance_target t = { "conformance-postgres", pg_make, pg_remove, NULL, 1 };
		if (!pg_test_uri())
			return pg_test_skip("conformance-postgres");
		return lc_conformance_run(&t) ? 1 : 0;
	}
#endif
	return lc_conformance_run_uri(what, what) ? 1 : 0;
}
