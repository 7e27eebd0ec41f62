/**
 * @file error.h
 * @brief Error codes and the thread-local last error.
 *
 * Every function that can fail returns 0 on success or a negative `LC_E...`
 * code, and sets the calling thread's last error to a sentence a person can
 * act on. The last error stays until the next failure or lc_error_clear().
 */
#ifndef LEADCORE_ERROR_H
#define LEADCORE_ERROR_H

#include "common.h"

LC_BEGIN_DECL

/**
 * The one list of error codes: X(NAME, value, description).
 * Values are stable across releases; new codes are only ever added.
 */
#define LC_ERROR_LIST(X)                                                              \
	X(OK, 0, "success")                                                           \
	X(EINVAL, -1, "invalid argument")                                             \
	X(ENOMEM, -2, "out of memory")                                                \
	X(ENOTFOUND, -3, "not found")                                                 \
	X(EEXISTS, -4, "already exists")                                              \
	X(EINVALID, -5, "the model does not allow this")                              \
	X(ECONFLICT, -6, "the record changed since it was read")                      \
	X(EBUSY, -7, "the store is busy")                                             \
	X(EIO, -8, "input/output error")                                              \
	X(ECORRUPT, -9, "the store is corrupt")                                       \
	X(EFORMAT, -10, "malformed input")                                            \
	X(EUSER, -11, "a callback asked to stop")                                     \
	X(EVERSION, -12, "unsupported version")                                       \
	X(ERANGE, -13, "value out of range")                                          \
	X(EUNSUPPORTED, -14, "not supported by this store")                           \
	X(ESTATE, -15, "not allowed in the current state")                            \
	X(EREADONLY, -16, "the store is open read-only")

/** Error codes. @see LC_ERROR_LIST */
typedef enum lc_error_code {
/** @cond LC_X_MACRO */
#define LC__ERROR_ENUM(name, value, text) LC_##name = value,
	LC_ERROR_LIST(LC__ERROR_ENUM)
#undef LC__ERROR_ENUM
/** @endcond */
	LC__ERROR_LAST = -16 /**< The lowest code in use; for range checks. */
} lc_error_code;

/**
 * A short description of an error code, such as "not found".
 *
 * @param code A code returned by a leadcore function.
 * @return A static string; "unknown error" for a code not in the list.
 */
LC_API const char *lc_strerror(int code);

/**
 * The symbolic name of an error code, such as "LC_ENOTFOUND".
 *
 * @param code A code returned by a leadcore function.
 * @return A static string; "LC_EUNKNOWN" for a code not in the list.
 */
LC_API const char *lc_error_name(int code);

/**
 * The code of the calling thread's last error, or 0 (LC_OK) when there is none.
 * @return The code.
 */
LC_API int lc_error_last_code(void);

/**
 * The message of the calling thread's last error: a sentence that says what
 * went wrong and what to do about it.
 *
 * @return A thread-local string, valid until the thread's next leadcore call;
 *         "" when there is no error. Never NULL.
 */
LC_API const char *lc_error_last(void);

/** Forget the calling thread's last error. */
LC_API void lc_error_clear(void);

LC_END_DECL

#endif
