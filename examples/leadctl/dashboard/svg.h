/* leadctl dashboard: horizontal bar charts drawn as inline SVG, with a value
 * axis, grid lines, labels and an optional group heading above rows. */
#ifndef LEADCTL_SVG_H
#define LEADCTL_SVG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
	CHART_SINGLE,  /* one bar a row: a */
	CHART_PAIR,    /* two bars a row, side by side: a and b */
	CHART_OVERLAY, /* a, with the part b of it drawn over it */
} chart_mode;

typedef struct chart_row {
	const char *label;
	const char *group; /* heading above the first row of a run that shares it; NULL none */
	int64_t a, b;
	const char *note;  /* text after the bar; NULL writes the value(s) */
	bool alert;        /* drawn in the alert colour */
} chart_row;

typedef struct chart {
	const char *title;     /* the picture's accessible name */
	const char *axis;      /* the value axis's title */
	const char *series[2]; /* legend for PAIR and OVERLAY */
	chart_mode mode;
	const chart_row *rows;
	size_t n;
} chart;

/* Write the chart as one <svg> element that scales to its container. */
void svg_bar_chart(FILE *f, const chart *c);

#endif
