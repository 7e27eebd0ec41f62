/*
 * Tests against a PostgreSQL server: scripts/test.sh starts a throw-away one
 * (scripts/pg-server.sh) and exports its URI as LC_TEST_PG_URI. Each test
 * store gets a schema of its own (?schema=NAME), dropped when done.
 */
#ifndef LC_TESTS_PG_TEST_H
#define LC_TESTS_PG_TEST_H

#include <stddef.h>

/* Exit status meson reads as "skipped". */
#define PG_TEST_SKIP 77

/* The server's URI, or NULL: then say why and skip (exit PG_TEST_SKIP), or
 * fail (exit 1) when LC_TEST_PG_REQUIRED=1, as scripts/test.sh sets it. */
const char *pg_test_uri(void);
int pg_test_skip(const char *suite);

/* A new store URI on the server: the base URI with schema=TAG_PID_N. */
int pg_test_store_uri(char *buf, size_t size, const char *tag);

/* Drop the schema of a store URI made by pg_test_store_uri (0 or -1). */
int pg_test_drop(const char *store_uri);

/* Run SQL on the server beside the library (as the cluster's superuser):
 * returns the first value of the first row as a number, or -1 on failure. */
long long pg_test_exec(const char *sql);

#endif
