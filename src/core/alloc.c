#include <stdlib.h>
#include <string.h>

#include "core.h"

#include "versioned.h"

static lc_allocator current; /* version 0: the C library's malloc */

LC_STRUCT_DESC(allocator_desc, lc_allocator, LC_ALLOCATOR_VERSION, LC_ALLOCATOR_INIT,
	       LC_FIELD_END(lc_allocator, ud));

int lc_allocator_init(lc_allocator *alloc, unsigned int version)
{
	LC__ARG(alloc, "alloc");
	return lc__struct_init(&allocator_desc, alloc, version, "lc_allocator_init");
}

int lc_set_allocator(const lc_allocator *alloc)
{
	lc_allocator a;
	int rc;

	if (!alloc) {
		memset(&current, 0, sizeof current);
		return 0;
	}
	if ((rc = lc__struct_copy(&allocator_desc, &a, alloc, "lc_set_allocator")))
		return rc;
	if (!a.malloc_fn || !a.realloc_fn || !a.free_fn)
		return lc__error(LC_EINVAL,
				 "lc_set_allocator: malloc_fn, realloc_fn and free_fn must all be set");
	current = a;
	return 0;
}

void *lc__malloc(size_t size)
{
	void *p;
	if (size == 0)
		size = 1;
	p = current.version ? current.malloc_fn(size, current.ud) : malloc(size);
	if (!p)
		lc__error(LC_ENOMEM, "out of memory (asked for %zu bytes)", size);
	return p;
}

void *lc__calloc(size_t n, size_t size)
{
	void *p;
	if (size && n > SIZE_MAX / size) {
		lc__error(LC_ENOMEM, "out of memory (%zu x %zu bytes overflows)", n, size);
		return NULL;
	}
	p = lc__malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *lc__realloc(void *ptr, size_t size)
{
	void *p;
	if (!ptr)
		return lc__malloc(size);
	if (size == 0)
		size = 1;
	p = current.version ? current.realloc_fn(ptr, size, current.ud) : realloc(ptr, size);
	if (!p)
		lc__error(LC_ENOMEM, "out of memory (asked for %zu bytes)", size);
	return p;
}

void *lc__grow(void *v, size_t *cap, size_t size, size_t first)
{
	size_t want = *cap ? *cap * 2 : first;
	char *nv;

	if (want <= *cap || !size || want > SIZE_MAX / size) {
		lc__error(LC_ENOMEM, "out of memory (an array of %zu elements would overflow)", *cap);
		return NULL;
	}
	if (!(nv = lc__realloc(v, want * size)))
		return NULL;
	memset(nv + *cap * size, 0, (want - *cap) * size);
	*cap = want;
	return nv;
}

void lc__free(void *ptr)
{
	if (!ptr)
		return;
	if (current.version)
		current.free_fn(ptr, current.ud);
	else
		free(ptr);
}

void lc_free(void *ptr)
{
	lc__free(ptr);
}

char *lc__strndup(const char *s, size_t n)
{
	char *p = lc__malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *lc__strdup(const char *s)
{
	return s ? lc__strndup(s, strlen(s)) : NULL;
}
