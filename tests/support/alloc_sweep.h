/* Allocation-failure sweeps for the test suites: lc_set_allocator() hooks
 * that fail every allocation once `alloc_budget` more have been made.
 *
 *   alloc_sweep_on();
 *   for (long n = 0;; n++) {
 *           alloc_failed = false;
 *           alloc_budget = n;          // the n-th allocation fails
 *           rc = call_under_test();
 *           alloc_budget = -1;
 *           if (!alloc_failed) break;  // it needed fewer than n: done
 *           assert LC_ENOMEM, nothing written, nothing leaked (ASan)
 *   }
 *   alloc_sweep_off();
 */
#ifndef LC_TESTS_ALLOC_SWEEP_H
#define LC_TESTS_ALLOC_SWEEP_H

#include <stdbool.h>

/* Allocations left before every one fails; -1: never fail. */
extern long alloc_budget;
/* Set when an allocation was refused. */
extern bool alloc_failed;

/* Route leadcore's allocations through the hooks (budget -1), or back to malloc. */
void alloc_sweep_on(void);
void alloc_sweep_off(void);

#endif
