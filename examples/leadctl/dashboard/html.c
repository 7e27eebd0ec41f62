/* HTML escaping and the few formats the dashboard repeats. */
#include <stdarg.h>
#include <string.h>

#include <leadcore/leadcore.h>

#include "html.h"

void html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void id_part(FILE *f, const char *s)
{
	if (!s) {
		fputs("none", f);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
			fputc(c, f);
		else
			fprintf(f, ".%02x", c);
	}
}

void html_id(FILE *f, const char *prefix, const char *a, const char *b)
{
	fputs(prefix, f);
	fputc('-', f);
	id_part(f, a);
	if (b) {
		fputs("--", f);
		id_part(f, b);
	}
}

void html_count(FILE *f, int64_t n)
{
	char digits[32];
	int len, lead;
	if (n < 0) {
		fputc('-', f);
		n = -n;
	}
	len = snprintf(digits, sizeof digits, "%lld", (long long)n);
	lead = len % 3 ? len % 3 : 3;
	fwrite(digits, 1, (size_t)lead, f);
	for (int i = lead; i < len; i += 3) {
		fputc(',', f);
		fwrite(digits + i, 1, 3, f);
	}
}

void html_duration(FILE *f, int64_t s)
{
	if (s == LC_TABLE_NONE || s < 0)
		fputs("–", f);
	else if (s >= 86400)
		fprintf(f, "%lldd %02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		fprintf(f, "%lldh %02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		fprintf(f, "%lldm", (long long)(s / 60));
}

void html_head_row(FILE *f, const char *first, ...)
{
	va_list ap;
	fputs("<tr>", f);
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		/* "#Leads": a column of numbers, aligned right */
		fputs(*s == '#' ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">", f);
		html_text(f, *s == '#' ? s + 1 : s);
		fputs("</th>", f);
	}
	va_end(ap);
	fputs("</tr>\n", f);
}
