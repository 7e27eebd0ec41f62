/* Reading and initialising versioned public structs, and reading number
 * fields by table (versioned.h). */
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

int64_t lc__number_read(const void *obj, const lc__number_field *fields, size_t n,
			unsigned int field)
{
	const lc__number_field *f = field < n ? &fields[field] : NULL;
	const unsigned char *p;
	int64_t i64;
	int32_t i32;
	uint32_t u32;

	if (!f || !obj)
		return f ? f->none : 0;
	p = (const unsigned char *)obj + f->at;
	switch (f->size) {
	case 8:
		memcpy(&i64, p, sizeof i64);
		return i64;
	case 4:
		memcpy(&i32, p, sizeof i32);
		memcpy(&u32, p, sizeof u32);
		return f->is_signed ? (int64_t)i32 : (int64_t)u32;
	default:
		return *p;
	}
}
