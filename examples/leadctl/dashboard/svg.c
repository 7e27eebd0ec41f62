/* Horizontal bar charts: labels on the left, bars on a value axis with
 * ticks at 1, 2 or 5 times a power of ten, values at the bars' ends. The
 * colours come from the page's CSS classes (bar, bar2, alert, ...). */
#include <string.h>

#include "html.h"
#include "svg.h"

#define W 640     /* viewBox width */
#define ROW 24    /* height of a row */
#define PAIR_ROW 32
#define GROUP 24  /* height of a group heading */
#define LEGEND 24 /* height of the legend line */
#define AXIS 40   /* height under the plot: tick labels and the axis title */
#define NOTE_W 104 /* room right of the plot for the value text */

typedef struct layout {
	int label_w, plot_x, plot_w, top, height;
	int64_t max, step;
} layout;

/* A tick step of 1, 2 or 5 times a power of ten giving at most 5 steps. */
static int64_t tick_step(int64_t max)
{
	int64_t mag = 1;
	for (;;) {
		static const int m[] = { 1, 2, 5 };
		for (int i = 0; i < 3; i++)
			if (m[i] * mag * 5 >= max)
				return m[i] * mag;
		mag *= 10;
	}
}

static int row_height(const chart *c)
{
	return c->mode == CHART_PAIR ? PAIR_ROW : ROW;
}

static bool starts_group(const chart *c, size_t i)
{
	const char *g = c->rows[i].group;
	return g && (i == 0 || !c->rows[i - 1].group || strcmp(c->rows[i - 1].group, g) != 0);
}

static layout plan(const chart *c)
{
	layout l = { 0 };
	size_t longest = 0;
	int64_t max = 0;
	for (size_t i = 0; i < c->n; i++) {
		size_t len = strlen(c->rows[i].label);
		if (len > longest)
			longest = len;
		if (c->rows[i].a > max)
			max = c->rows[i].a;
		if (c->mode == CHART_PAIR && c->rows[i].b > max)
			max = c->rows[i].b;
		l.height += row_height(c) + (starts_group(c, i) ? GROUP : 0);
	}
	l.label_w = (int)longest * 7 + 16;
	l.label_w = l.label_w < 80 ? 80 : l.label_w > 210 ? 210 : l.label_w;
	l.plot_x = l.label_w;
	l.plot_w = W - l.label_w - NOTE_W;
	l.top = c->mode == CHART_SINGLE ? 8 : LEGEND + 8;
	l.step = tick_step(max ? max : 1);
	l.max = (max + l.step - 1) / l.step * l.step;
	if (l.max == 0)
		l.max = l.step;
	return l;
}

static double x_of(const layout *l, int64_t v)
{
	return l->plot_x + (double)l->plot_w * (double)v / (double)l->max;
}

static void legend(FILE *f, const chart *c)
{
	static const char *const cls[2] = { "bar", "bar2" };
	int x = 0;
	if (c->mode == CHART_SINGLE)
		return;
	for (int s = 0; s < 2; s++) {
		fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"6\" width=\"12\" height=\"12\" rx=\"2\"/>", cls[s], x);
		fprintf(f, "<text class=\"lbl\" x=\"%d\" y=\"16\">", x + 17);
		html_text(f, c->series[s]);
		fputs("</text>", f);
		x += 30 + (int)strlen(c->series[s]) * 7;
	}
	fputc('\n', f);
}

static void axis(FILE *f, const chart *c, const layout *l)
{
	int bottom = l->top + l->height;
	for (int64_t v = 0; v <= l->max; v += l->step) {
		double x = x_of(l, v);
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, l->top, x,
			bottom);
		fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%d\">", x, bottom + 16);
		html_count(f, v);
		fputs("</text>", f);
	}
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", l->plot_x, l->top,
		l->plot_x, bottom);
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", l->plot_x, bottom,
		l->plot_x + l->plot_w, bottom);
	fprintf(f, "<text class=\"axtitle\" x=\"%d\" y=\"%d\">", l->plot_x + l->plot_w / 2, bottom + 34);
	html_text(f, c->axis);
	fputs("</text>\n", f);
}

static void bar(FILE *f, const layout *l, const char *cls, int64_t v, double y, double h)
{
	double w = x_of(l, v) - l->plot_x;
	fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"2\"/>", cls,
		l->plot_x, y, w > 0 ? w : 0, h);
}

static void value_text(FILE *f, const chart_row *r, chart_mode mode)
{
	if (r->note) {
		html_text(f, r->note);
		return;
	}
	html_count(f, r->a);
	if (mode != CHART_SINGLE) {
		fputs(" / ", f);
		html_count(f, r->b);
	}
}

static void row(FILE *f, const chart *c, const layout *l, const chart_row *r, int y)
{
	int h = row_height(c);
	double right;
	fprintf(f, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", l->plot_x - 8, y + h / 2 + 4);
	html_text(f, r->label);
	fputs("</text>", f);
	if (c->mode == CHART_PAIR) {
		bar(f, l, "bar", r->a, y + 3, 12);
		bar(f, l, "bar2", r->b, y + 16, 12);
		right = x_of(l, r->a > r->b ? r->a : r->b);
	} else {
		bar(f, l, r->alert ? "bar alert" : "bar", r->a, y + 4, h - 8);
		if (c->mode == CHART_OVERLAY)
			bar(f, l, "bar2", r->b, y + 8, h - 16);
		right = x_of(l, r->a);
	}
	fprintf(f, "<text class=\"val\" x=\"%.1f\" y=\"%d\">", right + 6, y + h / 2 + 4);
	value_text(f, r, c->mode);
	fputs("</text>\n", f);
}

void svg_bar_chart(FILE *f, const chart *c)
{
	layout l = plan(c);
	int y = l.top;
	fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W,
		l.top + l.height + AXIS);
	html_text(f, c->title);
	fputs("\"><title>", f);
	html_text(f, c->title);
	fputs("</title>\n", f);
	legend(f, c);
	axis(f, c, &l);
	for (size_t i = 0; i < c->n; i++) {
		if (starts_group(c, i)) {
			fprintf(f, "<text class=\"grp\" x=\"4\" y=\"%d\">", y + 17);
			html_text(f, c->rows[i].group);
			fprintf(f, "</text><line class=\"sep\" x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", y + 1, W, y + 1);
			y += GROUP;
		}
		row(f, c, &l, &c->rows[i], y);
		y += row_height(c);
	}
	fputs("</svg>\n", f);
}
