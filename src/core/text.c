/* Strings, UTF-8 checks, keys and the growable buffer. */
#include <stdio.h>
#include <string.h>

#include "core.h"

bool lc__utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t need;
		uint32_t cp;

		if (c < 0x80) {
			if (c == 0)
				return false;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += need + 1;
	}
	return true;
}

static bool blank_cp(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF;
}

bool lc__text_blank(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (s && *s) {
		uint32_t c = *s;
		int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
		if (n)
			c &= 0x3F >> n;
		for (int k = 1; k <= n; k++) {
			if ((s[k] & 0xC0) != 0x80)
				return false; /* not UTF-8: something, at least */
			c = (c << 6) | (s[k] & 0x3F);
		}
		if (!blank_cp(c))
			return false;
		s += n + 1;
	}
	return true;
}

int lc__check_text(const char *s, size_t max, const char *what, bool may_be_null)
{
	size_t len;

	if (!s) {
		if (may_be_null)
			return 0;
		return lc__error(LC_EINVAL, "%s is missing; a UTF-8 text is required", what);
	}
	len = strnlen(s, max + 1);
	if (len > max)
		return lc__error(LC_ERANGE, "%s is longer than %zu bytes; shorten it", what, max);
	if (!lc__utf8_valid(s, len))
		return lc__error(LC_EINVAL, "%s is not valid UTF-8; convert it to UTF-8 first",
				 what);
	return 0;
}

static int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

bool lc__streq_nocase(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	while (*a && *b) {
		if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
	return *a == *b;
}

static bool is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char *lc__key_from_label(const char *label)
{
	size_t n, o = 0;
	char *key;
	bool gap = false;

	if (!label) {
		lc__arg_null(__func__, "label");
		return NULL;
	}
	n = strlen(label);
	key = lc__malloc(n + 1);
	if (!key)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)label[i];
		if (is_alnum(c)) {
			if (gap && o > 0)
				key[o++] = '_';
			gap = false;
			key[o++] = (char)ascii_lower(c);
		} else {
			gap = true;
		}
	}
	key[o] = '\0';
	if (o == 0) {
		lc__free(key);
		lc__error(LC_EINVAL, "label \"%s\" has no letters or digits to make a key from",
			  label);
		return NULL;
	}
	return key;
}

bool lc__key_valid(const char *s)
{
	size_t n = 0;
	if (!s || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
		if (n >= LC_KEY_MAX)
			return false;
	}
	return true;
}

void lc__buf_init(lc_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = false;
}

void lc__buf_free(lc_buf *b)
{
	lc__free(b->data);
	lc__buf_init(b);
}

static bool buf_reserve(lc_buf *b, size_t extra)
{
	size_t want;
	char *p;

	if (b->failed)
		return false;
	if (extra > SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return false;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return true;
	if (want < 256)
		want = 256;
	if (want < b->cap * 2)
		want = b->cap * 2;
	p = lc__realloc(b->data, want);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = want;
	return true;
}

void lc__buf_put(lc_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void lc__buf_puts(lc_buf *b, const char *s)
{
	lc__buf_put(b, s, strlen(s));
}

void lc__buf_putc(lc_buf *b, char c)
{
	lc__buf_put(b, &c, 1);
}

void lc__buf_printf(lc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void lc__buf_put_json_string(lc_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	lc__buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':
			lc__buf_puts(b, "\\\"");
			break;
		case '\\':
			lc__buf_puts(b, "\\\\");
			break;
		case '\n':
			lc__buf_puts(b, "\\n");
			break;
		case '\r':
			lc__buf_puts(b, "\\r");
			break;
		case '\t':
			lc__buf_puts(b, "\\t");
			break;
		default:
			if (c < 0x20) {
				char esc[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
				lc__buf_puts(b, esc);
			} else {
				lc__buf_putc(b, (char)c);
			}
		}
	}
	lc__buf_putc(b, '"');
}

int lc__buf_take(lc_buf *b, char **out, size_t *len)
{
	if (b->failed) {
		lc__buf_free(b);
		return lc__error(LC_ENOMEM, "out of memory while building text");
	}
	if (!b->data && !buf_reserve(b, 0)) {
		lc__buf_free(b);
		return lc__error(LC_ENOMEM, "out of memory while building text");
	}
	*out = b->data;
	if (len)
		*len = b->len;
	lc__buf_init(b);
	return 0;
}
