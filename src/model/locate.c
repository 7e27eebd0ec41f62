/*
 * The position locator. jansson keeps no positions for values, so after a
 * text has parsed we scan it once more and remember, for every object member
 * and array element, where it starts. Paths are JSON pointers (RFC 6901):
 * "/stages/2/phase". Columns count characters (UTF-8 sequences), as jansson's
 * own error columns do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_priv.h"

typedef struct loc_entry {
	char *path;
	uint32_t kline, kcol, vline, vcol;
} loc_entry;

struct lc_locator {
	loc_entry *v;
	size_t n, cap;
};

typedef struct scan {
	const char *s;
	size_t i;
	uint32_t line, col;
	lc_buf path;
	lc_buf key;
	bool nomem;
	lc_locator *loc;
} scan;

static void adv(scan *sc)
{
	unsigned char c = (unsigned char)sc->s[sc->i];
	if (!c)
		return;
	sc->i++;
	if (c == '\n') {
		sc->line++;
		sc->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		sc->col++;
	}
}

static char peek(const scan *sc)
{
	return sc->s[sc->i];
}

static void skip_ws(scan *sc)
{
	for (;;) {
		char c = peek(sc);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			adv(sc);
		else
			return;
	}
}

static void add_entry(scan *sc, uint32_t kl, uint32_t kc, uint32_t vl, uint32_t vc)
{
	lc_locator *loc = sc->loc;
	loc_entry *e;

	if (sc->nomem || sc->path.failed) {
		sc->nomem = true;
		return;
	}
	if (loc->n == loc->cap) {
		loc_entry *v = lc__grow(loc->v, &loc->cap, sizeof *v, 64);
		if (!v) {
			sc->nomem = true;
			return;
		}
		loc->v = v;
	}
	e = &loc->v[loc->n];
	e->path = lc__strdup(sc->path.data ? sc->path.data : "");
	if (!e->path) {
		sc->nomem = true;
		return;
	}
	e->kline = kl;
	e->kcol = kc;
	e->vline = vl;
	e->vcol = vc;
	loc->n++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static uint32_t read_hex4(scan *sc)
{
	uint32_t v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hexval(peek(sc));
		if (h < 0)
			return 0xFFFD;
		v = v * 16 + (uint32_t)h;
		adv(sc);
	}
	return v;
}

static void put_utf8(lc_buf *b, uint32_t cp)
{
	char o[4];
	size_t n;
	if (cp < 0x80) {
		o[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		o[0] = (char)(0xF0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	lc__buf_put(b, o, n);
}

/* Reads a string token; when `out` is set, its decoded text goes there. */
static void read_string(scan *sc, lc_buf *out)
{
	adv(sc); /* opening quote */
	for (;;) {
		char c = peek(sc);
		if (!c)
			return;
		if (c == '"') {
			adv(sc);
			return;
		}
		if (c == '\\') {
			adv(sc);
			c = peek(sc);
			adv(sc);
			if (c == 'u') {
				uint32_t cp = read_hex4(sc);
				if (cp >= 0xD800 && cp <= 0xDBFF && peek(sc) == '\\' &&
				    sc->s[sc->i + 1] == 'u') {
					uint32_t lo;
					adv(sc);
					adv(sc);
					lo = read_hex4(sc);
					if (lo >= 0xDC00 && lo <= 0xDFFF)
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				}
				if (out)
					put_utf8(out, cp);
				continue;
			}
			if (out) {
				char d = c;
				switch (c) {
				case 'b': d = '\b'; break;
				case 'f': d = '\f'; break;
				case 'n': d = '\n'; break;
				case 'r': d = '\r'; break;
				case 't': d = '\t'; break;
				default: break; /* '"', '\\', '/' stand for themselves */
				}
				lc__buf_putc(out, d);
			}
			continue;
		}
		if (out)
			lc__buf_putc(out, c);
		adv(sc);
	}
}

/* Appends "/" and a member name or index to the path, escaped as RFC 6901 says. */
static void path_push_name(lc_buf *path, const char *name, size_t n)
{
	lc__buf_putc(path, '/');
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '~')
			lc__buf_puts(path, "~0");
		else if (name[i] == '/')
			lc__buf_puts(path, "~1");
		else
			lc__buf_putc(path, name[i]);
	}
}

static void path_truncate(lc_buf *path, size_t len)
{
	if (path->data && !path->failed) {
		path->len = len;
		path->data[len] = '\0';
	}
}

static void scan_value(scan *sc, uint32_t kl, uint32_t kc)
{
	char c;

	skip_ws(sc);
	add_entry(sc, kl, kc, sc->line, sc->col);
	if (sc->nomem)
		return;
	c = peek(sc);
	if (c == '{') {
		adv(sc);
		for (;;) {
			uint32_t l, col;
			size_t plen = sc->path.len;
			skip_ws(sc);
			if (peek(sc) == '}' || !peek(sc)) {
				adv(sc);
				return;
			}
			if (peek(sc) == ',') {
				adv(sc);
				continue;
			}
			l = sc->line;
			col = sc->col;
			sc->key.len = 0;
			read_string(sc, &sc->key);
			if (sc->key.failed) {
				sc->nomem = true;
				return;
			}
			path_push_name(&sc->path, sc->key.data ? sc->key.data : "", sc->key.len);
			skip_ws(sc);
			if (peek(sc) == ':')
				adv(sc);
			scan_value(sc, l, col);
			path_truncate(&sc->path, plen);
			if (sc->nomem)
				return;
		}
	} else if (c == '[') {
		size_t idx = 0;
		adv(sc);
		for (;;) {
			size_t plen = sc->path.len;
			char num[24];
			skip_ws(sc);
			if (peek(sc) == ']' || !peek(sc)) {
				adv(sc);
				return;
			}
			if (peek(sc) == ',') {
				adv(sc);
				continue;
			}
			int k = snprintf(num, sizeof num, "%zu", idx++);
			path_push_name(&sc->path, num, (size_t)k);
			scan_value(sc, 0, 0);
			path_truncate(&sc->path, plen);
			if (sc->nomem)
				return;
		}
	} else if (c == '"') {
		read_string(sc, NULL);
	} else {
		/* number or literal */
		while (peek(sc) && !strchr(",]} \t\r\n", peek(sc)))
			adv(sc);
	}
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const loc_entry *)a)->path, ((const loc_entry *)b)->path);
}

void lc__locator_free(lc_locator *loc)
{
	if (!loc)
		return;
	for (size_t i = 0; i < loc->n; i++)
		lc__free(loc->v[i].path);
	lc__free(loc->v);
	lc__free(loc);
}

int lc__locator_new(lc_locator **out, const char *text)
{
	scan sc;
	lc_locator *loc = lc__calloc(1, sizeof *loc);

	*out = NULL;
	if (!loc)
		return LC_ENOMEM;
	memset(&sc, 0, sizeof sc);
	sc.s = text;
	sc.line = 1;
	sc.col = 1;
	sc.loc = loc;
	lc__buf_init(&sc.path);
	lc__buf_init(&sc.key);
	lc__buf_puts(&sc.path, "");
	scan_value(&sc, 0, 0);
	lc__buf_free(&sc.path);
	lc__buf_free(&sc.key);
	if (sc.nomem) {
		lc__locator_free(loc);
		return lc__error(LC_ENOMEM, "out of memory while locating model problems");
	}
	/* sorted once, so that each problem's lookup is a binary search */
	if (loc->n > 1)
		qsort(loc->v, loc->n, sizeof *loc->v, entry_cmp);
	*out = loc;
	return 0;
}

bool lc__locator_find(const lc_locator *loc, const char *path, uint32_t *kline, uint32_t *kcol,
		      uint32_t *vline, uint32_t *vcol)
{
	loc_entry key;
	const loc_entry *e;

	if (!loc || !loc->n)
		return false;
	key.path = (char *)path;
	e = bsearch(&key, loc->v, loc->n, sizeof *loc->v, entry_cmp);
	if (!e)
		return false;
	*kline = e->kline;
	*kcol = e->kcol;
	*vline = e->vline;
	*vcol = e->vcol;
	return true;
}
