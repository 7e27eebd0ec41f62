/* ISO 8601 parsing and formatting over a proleptic Gregorian calendar, so
 * that results do not depend on the host's time zone or timegm(). */
#include <stdio.h>
#include <string.h>

#include "core.h"

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t lc__days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void lc__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int lc__time_check(lc_time t, bool none_ok, const char *what)
{
	if (lc__time_valid(t) || (none_ok && t == LC_TIME_NONE))
		return 0;
	return lc__error(LC_ERANGE,
			 "%s: %lld seconds is outside the valid times, years 1 to 9999 "
			 "(LC_TIME_MIN..LC_TIME_MAX)%s",
			 what, (long long)t, none_ok ? "; LC_TIME_NONE means not set" : "");
}

int lc__time_add(lc_time t, int64_t d, lc_time *out, const char *what)
{
	if (!lc__time_valid(t) || d > LC_DURATION_MAX || d < -LC_DURATION_MAX ||
	    !lc__time_valid(t + d))
		return lc__error(LC_ERANGE, "%s: %lld seconds after %lld is outside the valid "
					    "times, years 1 to 9999",
				 what, (long long)d, (long long)t);
	*out = t + d;
	return 0;
}

lc_time lc__day_start(lc_time t)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	return days * 86400;
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int lc_time_parse(const char *text, lc_time *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h = 0, mi = 0, s = 0, off = 0;
	const char *p;
	size_t len;

	LC__ARG(text, "text");
	LC__ARG(out, "out");
	len = strnlen(text, 64);
	/* 10000-01-01: a date, but after the valid times. */
	if (strspn(text, "0123456789") > 4 && text[strspn(text, "0123456789")] == '-')
		return lc__error(LC_ERANGE, "\"%.64s\": a year of five digits or more is outside "
					    "the valid times, years 1 to 9999",
				 text);
	if (len < 10 || !digits(text, 4, &y) || text[4] != '-' || !digits(text + 5, 2, &mo) ||
	    text[7] != '-' || !digits(text + 8, 2, &d))
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y)))
		return lc__error(LC_EFORMAT, "\"%.64s\" is not a calendar date; check month and day",
				 text);
	p = text + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi))
			goto bad;
		p += 5;
		if (*p == ':') {
			if (!digits(p + 1, 2, &s))
				goto bad;
			p += 3;
			if (*p == '.') { /* fractions of a second are dropped */
				p++;
				if (*p < '0' || *p > '9')
					goto bad;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (h > 23 || mi > 59 || s > 60)
			return lc__error(LC_EFORMAT, "\"%.64s\" has an impossible time of day",
					 text);
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			int sign = *p == '-' ? -1 : 1;
			if (!digits(p + 1, 2, &oh))
				goto bad;
			p += 3;
			if (*p == ':')
				p++;
			if (!digits(p, 2, &om))
				goto bad;
			p += 2;
			if (oh > 23 || om > 59)
				goto bad;
			off = sign * (oh * 3600 + om * 60);
		} else if (*p != '\0') {
			goto bad;
		}
	}
	if (*p != '\0')
		goto bad;
	{
		lc_time t = lc__days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
			    mi * 60 + (s > 59 ? 59 : s) - off;
		if (y < 1 || !lc__time_valid(t))
			return lc__error(LC_ERANGE, "\"%.64s\" is outside the valid times, years 1 "
						    "to 9999",
					 text);
		*out = t;
	}
	return 0;
bad:
	return lc__error(LC_EFORMAT,
			 "\"%.64s\" is not an ISO 8601 time; write 2099-12-31T10:00:00Z or 2099-12-31",
			 text);
}

int lc_time_format(lc_time t, char *buf, size_t size)
{
	int64_t days, y;
	unsigned m, d;
	int64_t secs;

	LC__ARG(buf, "buf");
	if (t == LC_TIME_NONE)
		return lc__error(LC_EINVAL, "lc_time_format: the time is LC_TIME_NONE");
	if (size < LC_TIME_FORMAT_SIZE)
		return lc__error(LC_ERANGE, "lc_time_format: the buffer needs %d bytes",
				 LC_TIME_FORMAT_SIZE);
	if (!lc__time_valid(t))
		return lc__time_check(t, false, "lc_time_format");
	days = t >= 0 ? t / 86400 : -((-(t + 1)) / 86400) - 1;
	secs = t - days * 86400;
	lc__civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return lc__error(LC_ERANGE, "lc_time_format: the year %lld is outside 0..9999",
				 (long long)y);
	snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
	return 0;
}
