/*
 * Times in the forms exports write (`11/02/2016`, `2016-11-02 14:05`), read
 * by a strptime-like format. Only a small, documented subset, the same on
 * every platform and locale (strptime's %b depends on the locale), UTC:
 *
 *   %Y year (4 digits)   %y year 00-99 (2000-2099)   %m month 1-12
 *   %d day 1-31          %H hour 0-23   %M minute 0-59   %S second 0-59
 *   %b month name, English, 3 letters or whole, any case   %% a '%'
 *
 * A space in the format matches one or more spaces; anything else must be
 * there as written. Numbers take 1 or 2 digits (4 for %Y).
 */
#include <stdio.h>
#include <string.h>

#include "import_internal.h"

static const char *const months[] = { "january", "february", "march",     "april",
				      "may",     "june",     "july",      "august",
				      "september", "october", "november", "december" };

static bool num(const char **s, int min_digits, int max_digits, int *out)
{
	int v = 0, n = 0;
	while (n < max_digits && **s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	*out = v;
	return n >= min_digits;
}

/* Whether s starts with the first n letters of a lower-case word, in any case. */
static bool prefix_nocase(const char *s, const char *word, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		if (c != word[i])
			return false;
	}
	return true;
}

static bool month_name(const char **s, int *out)
{
	for (int m = 0; m < 12; m++) {
		size_t full = strlen(months[m]);
		if (prefix_nocase(*s, months[m], full)) {
			*s += full;
			*out = m + 1;
			return true;
		}
		if (prefix_nocase(*s, months[m], 3)) {
			*s += 3;
			*out = m + 1;
			return true;
		}
	}
	return false;
}

int lc__import_time_format_check(const char *format, char *msg, size_t n)
{
	bool year = false, month = false, day = false;
	for (const char *f = format; *f; f++) {
		if (*f != '%')
			continue;
		f++;
		if (!*f || !strchr("YymdHMSb%", *f)) {
			snprintf(msg, n, "format '%s': '%%%c' is not one this library reads; use %%Y %%y %%m "
					 "%%d %%H %%M %%S %%b or %%%%",
				 format, *f ? *f : ' ');
			return LC_EFORMAT;
		}
		year |= *f == 'Y' || *f == 'y';
		month |= *f == 'm' || *f == 'b';
		day |= *f == 'd';
	}
	if (!year || !month || !day) {
		snprintf(msg, n, "format '%s' needs a year, a month and a day (%%Y or %%y, %%m or %%b, %%d)",
			 format);
		return LC_EFORMAT;
	}
	return 0;
}

int lc__import_time_parse(const char *text, const char *format, lc_time *out)
{
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
	const char *s = text;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	for (const char *f = format; *f; f++) {
		bool ok = true;
		if (*f == ' ') {
			if (*s != ' ')
				return LC_EFORMAT;
			while (*s == ' ')
				s++;
			continue;
		}
		if (*f != '%') {
			if (*s++ != *f)
				return LC_EFORMAT;
			continue;
		}
		switch (*++f) {
		case 'Y': ok = num(&s, 4, 4, &y); break;
		case 'y': ok = num(&s, 2, 2, &y); y += 2000; break;
		case 'm': ok = num(&s, 1, 2, &mo); break;
		case 'd': ok = num(&s, 1, 2, &d); break;
		case 'H': ok = num(&s, 1, 2, &h); break;
		case 'M': ok = num(&s, 1, 2, &mi); break;
		case 'S': ok = num(&s, 1, 2, &sec); break;
		case 'b': ok = month_name(&s, &mo); break;
		case '%': ok = *s++ == '%'; break;
		default: return LC_EFORMAT;
		}
		if (!ok)
			return LC_EFORMAT;
	}
	if (!*s && y < 1)
		return LC_ERANGE; /* year 0: before the valid times */
	if (*s || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    sec > 59)
		return LC_EFORMAT;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return LC_EFORMAT;
	*out = lc__days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}
