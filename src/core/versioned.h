/*
 * Versioned public structs (options, lc_allocator, lc_storage): one place
 * that knows how big each version of each struct is, so that a caller built
 * against older headers is never over-read or overwritten. Modelled on
 * libgit2's GIT_INIT_STRUCTURE_FROM_TEMPLATE and SQLite's iVersion.
 */
#ifndef LC_CORE_VERSIONED_H
#define LC_CORE_VERSIONED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The end of a field: the size a struct version ending with it has. */
#define LC_FIELD_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

typedef struct lc__struct_desc {
	const char *name;        /* "lc_db_options", for messages */
	const char *init_hint;   /* "LC_DB_OPTIONS_INIT or lc_db_options_init()" */
	const size_t *sizes;     /* sizes[v - 1]: bytes that version v defines */
	unsigned int latest;     /* the newest version these sources know */
	const void *defaults;    /* a whole struct (latest version) of defaults */
	size_t size;             /* sizeof the struct in these sources */
} lc__struct_desc;

/* Define `static const lc__struct_desc var` for @p type: its defaults are
 * @p init (the header's LC_X_INIT), its versions end where the
 * LC_FIELD_END(type, field) arguments say, one per version, and their number
 * must be the header's @p latest. */
#define LC_STRUCT_DESC(var, type, latest, init, ...)                                    \
	static const size_t var##_sizes[] = { __VA_ARGS__ };                              \
	_Static_assert(sizeof var##_sizes / sizeof var##_sizes[0] == (latest),             \
		       #type ": one size per version");                                     \
	static const type var##_defaults = init;                                           \
	static const lc__struct_desc var = { #type, #init " or " #type "_init()",          \
					     var##_sizes, (latest), &var##_defaults,          \
					     sizeof(type) }

/* Bytes that version @p version of the struct defines, or 0 when the version
 * is 0 or newer than this library (with LC_EVERSION set). */
size_t lc__struct_size(const lc__struct_desc *d, unsigned int version, const char *caller);

/* lc_x_init(): write the defaults of version @p version into @p dst (not
 * NULL: the public function checks it), and not one byte more than that
 * version defines. */
int lc__struct_init(const lc__struct_desc *d, void *dst, unsigned int version,
		    const char *caller);

/* Read a caller's struct into @p dst (a whole struct of these sources): the
 * defaults, overwritten by min(caller's version size, ours) bytes of @p src.
 * @p src NULL gives the defaults. Refuses version 0 and newer versions. */
int lc__struct_copy(const lc__struct_desc *d, void *dst, const void *src, const char *caller);

/* One number field of an internal struct, for the getters that read a
 * field by a public enum (lc_lead_number(), lc_event_number()): a table of
 * these in the enum's order replaces a switch of one case a field. */
typedef struct lc__number_field {
	size_t at;           /* offsetof the field */
	unsigned char size;  /* sizeof the field: 4 or 8 bytes */
	bool is_signed;
	int64_t none;        /* what a NULL object answers */
} lc__number_field;

/* The width is checked when the table is compiled: a field that is neither 4
 * nor 8 bytes makes an array of negative size. */
#define LC__SIZE_4_OR_8(x) (sizeof(x) + 0 * sizeof(char[sizeof(x) == 4 || sizeof(x) == 8 ? 1 : -1]))
#define LC_NUMBER_FIELD(type, field, is_signed, none) \
	{ offsetof(type, field), LC__SIZE_4_OR_8(((type *)0)->field), (is_signed), (none) }

/* fields[field] read from @p obj, widened to int64_t; its `none` when @p obj
 * is NULL, and 0 for a field past the @p n of the table. Never fails. Inline:
 * the record getters run on every backend write. */
static inline int64_t lc__number_read(const void *obj, const lc__number_field *fields, size_t n,
				      unsigned int field)
{
	const lc__number_field *f;
	int64_t i64;
	uint32_t u32;

	if (field >= n)
		return 0;
	f = &fields[field];
	if (!obj)
		return f->none;
	if (f->size == sizeof i64) {
		memcpy(&i64, (const char *)obj + f->at, sizeof i64);
		return i64;
	}
	memcpy(&u32, (const char *)obj + f->at, sizeof u32);
	return f->is_signed ? (int64_t)(int32_t)u32 : (int64_t)u32;
}

#endif
