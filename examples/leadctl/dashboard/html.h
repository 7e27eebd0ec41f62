/* leadctl dashboard: small writers for HTML text and attributes. */
#ifndef LEADCTL_HTML_H
#define LEADCTL_HTML_H

#include <stdint.h>
#include <stdio.h>

/* Write text escaped for HTML content or a double-quoted attribute. NULL
 * writes nothing. */
void html_text(FILE *f, const char *s);

/* Write "prefix-a--b" as a fragment id: keys are [a-z0-9_], anything else
 * (an unknown key from an older model) is written as its hex code; NULL is
 * "none". b may be NULL to leave it out. */
void html_id(FILE *f, const char *prefix, const char *a, const char *b);

/* A count with thousands separators (9,237). */
void html_count(FILE *f, int64_t n);

/* A duration in seconds as "4d 02h", "3h 05m" or "12m"; "–" for none. */
void html_duration(FILE *f, int64_t seconds);

/* <th scope="col"> cells for a header row, each label escaped; a label
 * starting with '#' heads a column of numbers. The list ends with NULL. */
void html_head_row(FILE *f, const char *first, ...);

#endif
