/* lc_db_verify() for the reliability suites: a store that went through a
 * crash or a race must still check clean. */
#ifndef LC_TESTS_VERIFY_CHECK_H
#define LC_TESTS_VERIFY_CHECK_H

#include <stdint.h>

#include "leadcore/leadcore.h"

/* Verify the store, print each problem found, and return how many there
 * are (-1 when the check could not run, with the error printed). *leads
 * (may be NULL) receives the number of leads checked. */
int64_t verify_check(lc_db *db, int64_t *leads);

#endif
