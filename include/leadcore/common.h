/**
 * @file common.h
 * @brief Export macro, versions, identifiers, time and the library-owned buffer release.
 *
 * Every other leadcore header includes this one. It depends on nothing but the
 * C standard headers, so that an FFI binding can mirror it by hand.
 */
#ifndef LEADCORE_COMMON_H
#define LEADCORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

/** @cond LC_INTERNAL_MACROS */
#if defined(_WIN32)
#  if defined(LC_BUILDING_LIBRARY)
#    define LC_API __declspec(dllexport)
#  else
#    define LC_API
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define LC_API __attribute__((visibility("default")))
#else
#  define LC_API
#endif

#ifdef __cplusplus
#  define LC_BEGIN_DECL extern "C" {
#  define LC_END_DECL }
#else
#  define LC_BEGIN_DECL
#  define LC_END_DECL
#endif
/** @endcond */

/** Major version of the headers in use. */
#define LC_VERSION_MAJOR 0
/** Minor version of the headers in use. */
#define LC_VERSION_MINOR 2
/** Patch version of the headers in use. */
#define LC_VERSION_PATCH 0
/** The version of the headers in use, as a string. */
#define LC_VERSION_STRING "0.2.0"

LC_BEGIN_DECL

/** A lead, agent, unit or event identifier inside one store. Valid ids are > 0. */
typedef int64_t lc_id;

/** A point in time: seconds since the Unix epoch, UTC. */
typedef int64_t lc_time;

/** The value of an ::lc_time that is not set (no follow-up, no completion, ...). */
#define LC_TIME_NONE INT64_MIN

/** The earliest valid ::lc_time, 0001-01-01T00:00:00Z: times are ISO 8601's
 *  years 1 to 9999. Every function that takes a time refuses one outside
 *  LC_TIME_MIN..LC_TIME_MAX (other than ::LC_TIME_NONE where "not set" is
 *  allowed) with LC_ERANGE. */
#define LC_TIME_MIN INT64_C(-62135596800)
/** The latest valid ::lc_time, 9999-12-31T23:59:59Z. */
#define LC_TIME_MAX INT64_C(253402300799)
/** The longest valid duration in seconds (rule sets' durations, offsets):
 *  the span of the valid times, so that a valid time plus or minus a valid
 *  duration never overflows. */
#define LC_DURATION_MAX (LC_TIME_MAX - LC_TIME_MIN)

/** Bytes a buffer needs to hold lc_time_format()'s output, the NUL included. */
#define LC_TIME_FORMAT_SIZE 21

/**
 * Report the version of the library that is linked, which may be newer than the headers.
 *
 * @param[out] major Receives the major version; may be NULL.
 * @param[out] minor Receives the minor version; may be NULL.
 * @param[out] patch Receives the patch version; may be NULL.
 * @return 0 always.
 */
LC_API int lc_version(int *major, int *minor, int *patch);

/**
 * The version of the linked library as a string such as "0.2.0".
 *
 * @return A static string; never NULL; never to be freed.
 */
LC_API const char *lc_version_string(void);

/**
 * Parse an ISO 8601 time: `2099-12-31T10:00:00Z`, `2099-12-31T10:00:00+02:00`,
 * `2099-12-31T10:00Z` or a date alone, `2099-12-31`, which means midnight UTC.
 *
 * @param text NUL-terminated text.
 * @param[out] out Receives the time.
 * @return 0, or LC_EINVAL when an argument is NULL, or LC_EFORMAT when the text
 *         is not such a time (the last error says which part is wrong), or
 *         LC_ERANGE when it is outside ::LC_TIME_MIN..::LC_TIME_MAX (year 0000,
 *         or an offset that moves it out).
 */
LC_API int lc_time_parse(const char *text, lc_time *out);

/**
 * Format a time as `YYYY-MM-DDTHH:MM:SSZ`.
 *
 * @param t The time; must not be ::LC_TIME_NONE.
 * @param[out] buf Receives the text and its NUL.
 * @param size Size of @p buf; at least ::LC_TIME_FORMAT_SIZE.
 * @return 0, or LC_EINVAL (NULL buffer, ::LC_TIME_NONE), or LC_ERANGE
 *         (buffer too small, or a time outside ::LC_TIME_MIN..::LC_TIME_MAX).
 */
LC_API int lc_time_format(lc_time t, char *buf, size_t size);

/**
 * Release a buffer that the library allocated and handed to the caller
 * (an exported model, a report rendered as text, ...). Each function that
 * returns such a buffer says so. Accepts NULL.
 *
 * @param ptr The buffer, or NULL.
 */
LC_API void lc_free(void *ptr);

/** Version of ::lc_allocator that these headers know. */
#define LC_ALLOCATOR_VERSION 1

/**
 * Allocation hooks, so that a host can route leadcore's own allocations (and
 * tests can fail them). Allocations made inside SQLite and jansson are theirs.
 *
 * All three functions must be set. @p ud is passed back to each call.
 */
typedef struct lc_allocator {
	/** Set to ::LC_ALLOCATOR_VERSION. */
	unsigned int version;
	/** Like malloc(3). */
	void *(*malloc_fn)(size_t size, void *ud);
	/** Like realloc(3). */
	void *(*realloc_fn)(void *ptr, size_t size, void *ud);
	/** Like free(3); called with NULL never. */
	void (*free_fn)(void *ptr, void *ud);
	/** Opaque pointer handed to each hook. */
	void *ud;
} lc_allocator;

/** Static initialiser for an ::lc_allocator with no hooks set. */
#define LC_ALLOCATOR_INIT { LC_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL }

/**
 * Initialise an ::lc_allocator for a given version (for FFI callers that cannot
 * use ::LC_ALLOCATOR_INIT).
 *
 * @param alloc The struct to fill.
 * @param version ::LC_ALLOCATOR_VERSION.
 * @return 0, LC_EINVAL for NULL, LC_EVERSION for a version this library does not know.
 */
LC_API int lc_allocator_init(lc_allocator *alloc, unsigned int version);

/**
 * Replace the allocator for all later allocations. Call it before any other
 * leadcore call and while no leadcore object is alive: memory must be freed by
 * the allocator that gave it. Not thread-safe.
 *
 * @param alloc The hooks, copied; NULL restores the C library's malloc.
 * @return 0, LC_EINVAL (a hook is NULL), LC_EVERSION (unknown version).
 */
LC_API int lc_set_allocator(const lc_allocator *alloc);

LC_END_DECL

#endif
