/* Reading and initialising versioned public structs (versioned.h). */
#include <string.h>

#include "core.h"
#include "versioned.h"

size_t lc__struct_size(const lc__struct_desc *d, unsigned int version, const char *caller)
{
	if (version == 0 || version > d->latest) {
		lc__error(LC_EVERSION,
			  "%s: %s version %u is not supported; this library knows versions 1 to "
			  "%u (initialise it with %s)",
			  caller, d->name, version, d->latest, d->init_hint);
		return 0;
	}
	return d->sizes[version - 1];
}

int lc__struct_init(const lc__struct_desc *d, void *dst, unsigned int version,
		    const char *caller)
{
	size_t n;

	if (!(n = lc__struct_size(d, version, caller)))
		return LC_EVERSION;
	memcpy(dst, d->defaults, n);
	memcpy(dst, &version, sizeof version); /* every versioned struct starts with it */
	return 0;
}

int lc__struct_copy(const lc__struct_desc *d, void *dst, const void *src, const char *caller)
{
	unsigned int version;
	size_t n;

	memcpy(dst, d->defaults, d->size);
	if (!src)
		return 0;
	memcpy(&version, src, sizeof version);
	if (!(n = lc__struct_size(d, version, caller)))
		return LC_EVERSION;
	memcpy(dst, src, n < d->size ? n : d->size);
	return 0;
}
