#include <stdio.h>
#include <string.h>

#include "core.h"

#define LC_MESSAGE_MAX 1024

static _Thread_local int last_code;
static _Thread_local char last_message[LC_MESSAGE_MAX];

const char *lc_strerror(int code)
{
	switch (code) {
#define LC__ERROR_TEXT(name, value, text) \
	case value:                       \
		return text;
		LC_ERROR_LIST(LC__ERROR_TEXT)
#undef LC__ERROR_TEXT
	default:
		return "unknown error";
	}
}

const char *lc_error_name(int code)
{
	switch (code) {
#define LC__ERROR_NAME(name, value, text) \
	case value:                       \
		return "LC_" #name;
		LC_ERROR_LIST(LC__ERROR_NAME)
#undef LC__ERROR_NAME
	default:
		return "LC_EUNKNOWN";
	}
}

int lc_error_last_code(void)
{
	return last_code;
}

const char *lc_error_last(void)
{
	return last_message;
}

void lc_error_clear(void)
{
	last_code = 0;
	last_message[0] = '\0';
}

int lc__verror(int code, const char *fmt, va_list ap)
{
	char text[sizeof last_message];

	/* Formatted aside first: an argument may be the last message itself
	 * (a caller wrapping lc_error_last()), and vsnprintf's source and
	 * destination must not overlap. */
	if (fmt)
		vsnprintf(text, sizeof text, fmt, ap);
	else
		snprintf(text, sizeof text, "%s", lc_strerror(code));
	last_code = code;
	memcpy(last_message, text, strlen(text) + 1);
	return code;
}

int lc__error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lc__verror(code, fmt, ap);
	va_end(ap);
	return code;
}

int lc__arg_null(const char *fn, const char *name)
{
	return lc__error(LC_EINVAL, "%s: %s is NULL", fn, name);
}

int lc__error_prefix(int code, const char *fmt, ...)
{
	char prefix[256];
	char old[LC_MESSAGE_MAX];
	va_list ap;

	memcpy(old, last_message, sizeof old);
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	last_code = code;
	/* "prefix: old", cut at the buffer's end (bounded copies rather than
	 * snprintf, whose truncation gcc warns about at -O0). */
	{
		const char *rest = old[0] ? old : lc_strerror(code);
		size_t cap = sizeof last_message - 1, at, n;

		at = strnlen(prefix, cap);
		memcpy(last_message, prefix, at);
		n = at + 2 <= cap ? 2 : cap - at;
		memcpy(last_message + at, ": ", n);
		at += n;
		n = strnlen(rest, cap - at);
		memcpy(last_message + at, rest, n);
		last_message[at + n] = '\0';
	}
	return code;
}

int lc_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = LC_VERSION_MAJOR;
	if (minor)
		*minor = LC_VERSION_MINOR;
	if (patch)
		*patch = LC_VERSION_PATCH;
	return 0;
}

const char *lc_version_string(void)
{
	return LC_VERSION_STRING;
}
