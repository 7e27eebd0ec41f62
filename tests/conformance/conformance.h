/*
 * The backend conformance suite: every contract of the storage vtable
 * (sys/storage.h), checked through the public API and, for the slots that
 * take plain values, through the vtable itself.
 *
 * To run it against your own backend, register it with lc_storage_register()
 * and call lc_conformance_run() with a target that makes URIs of new, empty
 * stores of your scheme (docs/storage.md, "Conformance suite"). The suite uses
 * cmocka and only the public headers.
 */
#ifndef LC_CONFORMANCE_H
#define LC_CONFORMANCE_H

#include <stddef.h>

typedef struct lc_conformance_target {
	/* Shown in cmocka's output ("memory", "sqlite-file", ...). */
	const char *name;
	/* Write the URI of a new, empty store into buf; return 0 or a negative
	 * LC_E... code. Called once per test. */
	int (*make_uri)(void *ud, char *buf, size_t size);
	/* Remove what make_uri made (files); may be NULL. */
	void (*remove)(void *ud, const char *uri);
	void *ud;
	/* Non-zero when closing and reopening a URI finds what was written
	 * (files); the suite then also checks everything after a reopen. */
	int persistent;
} lc_conformance_target;

/* Run every test against the target. Returns the number of failed tests
 * (0 when the backend conforms). */
int lc_conformance_run(const lc_conformance_target *target);

/* The same for a URI whose every open is a new, empty store (`memory:`,
 * `:memory:`, `yours:`). */
int lc_conformance_run_uri(const char *name, const char *uri);

#endif
