#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "alloc_sweep.h"
#include "leadcore/leadcore.h"

long alloc_budget = -1;
bool alloc_failed;

/* One more allocation: false once the budget is spent. */
static bool take(void)
{
	if (alloc_budget == 0) {
		alloc_failed = true;
		return false;
	}
	if (alloc_budget > 0)
		alloc_budget--;
	return true;
}

static void *sweep_malloc(size_t n, void *ud)
{
	(void)ud;
	return take() ? malloc(n) : NULL;
}

static void *sweep_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	return take() ? realloc(p, n) : NULL;
}

static void sweep_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

void alloc_sweep_on(void)
{
	lc_allocator a = LC_ALLOCATOR_INIT;
	a.malloc_fn = sweep_malloc;
	a.realloc_fn = sweep_realloc;
	a.free_fn = sweep_free;
	alloc_budget = -1;
	alloc_failed = false;
	assert_int_equal(lc_set_allocator(&a), 0);
}

void alloc_sweep_off(void)
{
	alloc_budget = -1;
	assert_int_equal(lc_set_allocator(NULL), 0);
}
