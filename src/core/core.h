/*
 * Internal helpers shared by every module: errors, allocation, strings,
 * UTF-8 checks and a growable text buffer. Nothing here is exported.
 */
#ifndef LC_CORE_CORE_H
#define LC_CORE_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leadcore/common.h"
#include "leadcore/error.h"

#if defined(__GNUC__) || defined(__clang__)
#define LC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LC_UNUSED __attribute__((unused))
#else
#define LC_PRINTF(f, a)
#define LC_UNUSED
#endif

#define LC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Longest text field leadcore accepts (notes included): 1 MiB. */
#define LC_TEXT_MAX ((size_t)1 << 20)

/* Errors: set the thread's last error and return the code, so that
 * `return lc__error(LC_EINVAL, "...")` reads naturally. */
int lc__error(int code, const char *fmt, ...) LC_PRINTF(2, 3);
int lc__verror(int code, const char *fmt, va_list ap);
/* Keep the current message but prefix it with context ("lead 42: ..."). */
int lc__error_prefix(int code, const char *fmt, ...) LC_PRINTF(2, 3);

/* Argument checks: the one way a library call refuses a NULL pointer.
 * LC__ARG(ptr, "name") returns LC_EINVAL from the calling function, with
 * the message "<function>: <name> is NULL" (`__func__`, so use it in the
 * public function itself); name is the parameter's documented name (the
 * header's @param). LC__ARG_IN is the same for a helper that receives the
 * public function's name as `fn`. Both always mean LC_EINVAL.
 * lc__arg_null() sets that error and returns LC_EINVAL, for a function that
 * cannot simply return (it must clean up, or it returns a pointer). */
int lc__arg_null(const char *fn, const char *name);
#define LC__ARG_IN(fn, ptr, name)                       \
	do {                                            \
		if (!(ptr))                             \
			return lc__arg_null((fn), (name)); \
	} while (0)
#define LC__ARG(ptr, name) LC__ARG_IN(__func__, ptr, name)

/* Allocation through the host's hooks. Each failure sets LC_ENOMEM. */
void *lc__malloc(size_t size);
void *lc__calloc(size_t n, size_t size);
void *lc__realloc(void *ptr, size_t size);
/* Grow a doubling array of *cap elements of size bytes (first: the first
 * capacity): the new block, its added elements zeroed, with *cap raised; or
 * NULL (LC_ENOMEM set; overflow included) with the old block and *cap kept.
 * The caller stores the result:
 *     if (a->n == a->cap) { T *v = lc__grow(a->v, &a->cap, sizeof *v, 16); ... a->v = v; } */
void *lc__grow(void *v, size_t *cap, size_t size, size_t first);
void lc__free(void *ptr);
char *lc__strdup(const char *s);
char *lc__strndup(const char *s, size_t n);

/* UTF-8: true when s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). NUL bytes are not allowed. */
bool lc__utf8_valid(const char *s, size_t len);

/* True when s (valid UTF-8, or NULL) holds nothing but Unicode white space
 * (White_Space: tabs, line ends, U+0085, U+00A0, U+1680, U+2000..U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000) and the invisible U+200B..U+200D,
 * U+2060 and U+FEFF: a phone number of such text cannot be dialled. */
bool lc__text_blank(const char *s);

/* Check a text: not NULL (unless may_be_null), at most max bytes, valid
 * UTF-8. On failure sets LC_EINVAL/LC_ERANGE naming `what`. A public
 * function refuses a NULL argument with LC__ARG before, so that the message
 * names the call and the parameter. */
int lc__check_text(const char *s, size_t max, const char *what, bool may_be_null);

/* ASCII case-insensitive equality; labels are matched this way. */
bool lc__streq_nocase(const char *a, const char *b);

/* "Do Not Call Number" -> "do_not_call_number". Runs of anything that is
 * not an ASCII letter or digit become one '_'; ends are trimmed. Returns a
 * new string, or NULL (LC_ENOMEM, or LC_EINVAL when nothing is left). */
char *lc__key_from_label(const char *label);

/* True when s is a valid key: [a-z0-9_]+, starting with a letter, <= 64 bytes. */
#define LC_KEY_MAX 64
bool lc__key_valid(const char *s);

/* A growable NUL-terminated text buffer. On allocation failure it goes into
 * a failed state; check lc__buf_failed() once at the end. */
typedef struct lc_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
} lc_buf;

void lc__buf_init(lc_buf *b);
void lc__buf_free(lc_buf *b);
void lc__buf_put(lc_buf *b, const char *s, size_t n);
void lc__buf_puts(lc_buf *b, const char *s);
void lc__buf_putc(lc_buf *b, char c);
void lc__buf_printf(lc_buf *b, const char *fmt, ...) LC_PRINTF(2, 3);
/* Appends s as a JSON string literal, quotes included. */
void lc__buf_put_json_string(lc_buf *b, const char *s);
/* Hands the text to the caller (free with lc__free / lc_free). Returns
 * LC_ENOMEM if any append failed; the buffer is emptied either way. */
int lc__buf_take(lc_buf *b, char **out, size_t *len);

/* The valid range of times (LC_TIME_MIN..LC_TIME_MAX, common.h). */
static inline bool lc__time_valid(lc_time t)
{
	return t >= LC_TIME_MIN && t <= LC_TIME_MAX;
}
/* LC_ERANGE naming `what` unless t is valid (or LC_TIME_NONE when none_ok). */
int lc__time_check(lc_time t, bool none_ok, const char *what);
/* *out = t + d when t is valid, |d| <= LC_DURATION_MAX and the sum is
 * valid (no overflow is possible then); else LC_ERANGE naming `what`. */
int lc__time_add(lc_time t, int64_t d, lc_time *out, const char *what);

/* Civil time helpers (proleptic Gregorian, UTC). */
int64_t lc__days_from_civil(int64_t y, unsigned m, unsigned d);
void lc__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* The start (00:00:00 UTC) of the day containing t. */
lc_time lc__day_start(lc_time t);

#endif
