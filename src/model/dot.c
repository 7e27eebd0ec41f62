/*
 * Graphviz DOT pictures of a model's rules: the ordered axis (stages grouped
 * by phase, or milestones) with its forward order, go-back edges (dashed),
 * repeatable loops, terminal values (double border) and the exits into the
 * closed stages labelled with their reasons; each milestone with the
 * statuses its links allow ("All statuses" when none), blocking statuses
 * marked and deprecated values greyed; the statuses of a model without
 * milestones; the life cycle with the actions that cross its states. Counts,
 * when given, go on the nodes, invalid ones in red.
 */
#include <string.h>

#include "model/model_priv.h"

#define RED "#b42318"
#define GREY "#8a8f98"
#define BLOCK "#9a3412"

typedef struct dot {
	lc_buf *b;
	const lc_model *m;
	const lc__dot_counts *c; /* never NULL; its arrays may be */
} dot;

/* Text for an HTML-like label: &, <, >, " escaped; control characters dropped. */
static void put_html(lc_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '&')
			lc__buf_puts(b, "&amp;");
		else if (ch == '<')
			lc__buf_puts(b, "&lt;");
		else if (ch == '>')
			lc__buf_puts(b, "&gt;");
		else if (ch == '"')
			lc__buf_puts(b, "&quot;");
		else if (ch >= 0x20)
			lc__buf_putc(b, (char)ch);
	}
}

/* A DOT double-quoted string: quotes and backslashes escaped, line breaks
 * as \n (DOT's centred line break), other control characters dropped. */
static void put_string(lc_buf *b, const char *s)
{
	lc__buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			lc__buf_putc(b, '\\');
			lc__buf_putc(b, (char)ch);
		} else if (ch == '\n') {
			lc__buf_puts(b, "\\n");
		} else if (ch >= 0x20) {
			lc__buf_putc(b, (char)ch);
		}
	}
	lc__buf_putc(b, '"');
}

/* Node ids carry their axis: a status and a life-cycle state may share a key. */
static void put_id(lc_buf *b, lc_axis a, const char *key)
{
	lc__buf_printf(b, "\"%s:%s\"", lc_axis_name(a), key);
}

static const lc_value *val(const dot *d, lc_axis a, uint32_t i)
{
	return &d->m->axes[a].v[i];
}

/* Closed lost (a stage through its phase too): out of the forward order,
 * greyed, where exits lead. A closed won value ends the order, in green. */
static bool closed(const dot *d, lc_axis a, uint32_t i)
{
	return lc__closed_kind(d->m, a, (int32_t)i) == LC_FLAG_LOST;
}

static bool closed_won(const dot *d, lc_axis a, uint32_t i)
{
	return lc__closed_kind(d->m, a, (int32_t)i) == LC_FLAG_WON;
}

/* ---- labels ---- */

static void line_open(lc_buf *b, const char *colour)
{
	lc__buf_puts(b, "<TR><TD ALIGN=\"LEFT\">");
	if (colour)
		lc__buf_printf(b, "<FONT COLOR=\"%s\">", colour);
}

static void line_close(lc_buf *b, const char *colour)
{
	lc__buf_puts(b, colour ? "</FONT></TD></TR>" : "</TD></TR>");
}

/* "N leads" and, in red, "N invalid", when counts are given. */
static void count_lines(const dot *d, lc_axis a, uint32_t i)
{
	const size_t *n = d->c->value[a], *bad = d->c->invalid[a];
	if (n) {
		line_open(d->b, NULL);
		lc__buf_printf(d->b, "%zu lead%s", n[i], n[i] == 1 ? "" : "s");
		line_close(d->b, NULL);
	}
	if (bad && bad[i]) {
		line_open(d->b, RED);
		lc__buf_printf(d->b, "✖ %zu invalid", bad[i]);
		line_close(d->b, RED);
	}
}

/* The actions a value blocks, by label. */
static void put_blocks(const dot *d, const lc_value *v)
{
	bool first = true;
	lc__buf_puts(d->b, "blocks ");
	for (uint32_t k = 0; k < d->m->axes[LC_AXIS_ACTION].n; k++) {
		if (!(v->blocks & ((uint64_t)1 << k)))
			continue;
		lc__buf_puts(d->b, first ? "" : ", ");
		put_html(d->b, val(d, LC_AXIS_ACTION, k)->label);
		first = false;
	}
}

/* One line per rule a flag states, so that the picture shows the rules. */
static void flag_lines(const dot *d, const lc_value *v)
{
	static const struct {
		uint32_t flag;
		const char *text;
	} notes[] = {
		{ LC_FLAG_TERMINAL, "terminal: nothing leaves it" },
		{ LC_FLAG_REPEATABLE, "repeatable: entries counted" },
		{ LC_FLAG_ENDS_CONTACT, "ends contact" },
		{ LC_FLAG_NOT_REPORTABLE, "left out of reports" },
		{ LC_FLAG_READY_FOR_CONTACT, "ready for contact" },
		{ LC_FLAG_AUTOMATION_STOPPED, "automation stopped" },
		{ LC_FLAG_REENGAGE_ELIGIBLE, "may be re-engaged" },
		{ LC_FLAG_INITIAL, "where a new lead starts" },
		{ LC_FLAG_DEPRECATED, "deprecated: not chosen anew" },
	};
	for (size_t k = 0; k < sizeof notes / sizeof *notes; k++) {
		if (!(v->flags & notes[k].flag))
			continue;
		line_open(d->b, GREY);
		lc__buf_printf(d->b, "<I>%s</I>", notes[k].text);
		line_close(d->b, GREY);
	}
	if (v->blocks) {
		line_open(d->b, BLOCK);
		lc__buf_puts(d->b, "⊘ ");
		put_blocks(d, v);
		line_close(d->b, BLOCK);
	}
}

/* The life-cycle states a tied stage is held in. */
static void tie_line(const dot *d, const lc_value *v)
{
	bool first = true;
	line_open(d->b, GREY);
	lc__buf_puts(d->b, "<I>only when ");
	for (uint32_t l = 0; l < d->m->axes[LC_AXIS_LIFECYCLE].n && l < LC_MAX_TIED_LIFECYCLES; l++) {
		if (!(v->lifecycles & ((uint64_t)1 << l)))
			continue;
		lc__buf_puts(d->b, first ? "" : ", ");
		put_html(d->b, val(d, LC_AXIS_LIFECYCLE, l)->label);
		first = false;
	}
	lc__buf_puts(d->b, "</I>");
	line_close(d->b, GREY);
}

static void title_line(const dot *d, const lc_value *v)
{
	const char *colour = v->flags & LC_FLAG_DEPRECATED ? GREY : NULL;
	line_open(d->b, colour);
	lc__buf_puts(d->b, "<B>");
	put_html(d->b, v->label);
	lc__buf_puts(d->b, "</B>");
	line_close(d->b, colour);
}

/* A status line inside a milestone: its count there, and its marks. */
static void status_line(const dot *d, uint32_t ms, uint32_t s, bool allowed)
{
	const lc_value *v = val(d, LC_AXIS_STATUS, s);
	const size_t *cells = d->c->cells;
	size_t n = cells ? cells[(size_t)ms * d->m->axes[LC_AXIS_STATUS].n + s] : 0;
	const char *colour = !allowed ? RED : v->flags & LC_FLAG_DEPRECATED ? GREY : v->blocks ? BLOCK : NULL;
	line_open(d->b, colour);
	if (!allowed)
		lc__buf_puts(d->b, "✖ ");
	put_html(d->b, v->label);
	if (v->blocks)
		lc__buf_puts(d->b, " ⊘");
	if (v->flags & LC_FLAG_DEPRECATED)
		lc__buf_puts(d->b, " (deprecated)");
	if (cells && (n || !allowed))
		lc__buf_printf(d->b, " · %zu%s", n, allowed ? "" : " invalid");
	line_close(d->b, colour);
}

/* The statuses a milestone's links allow, then in red the refused ones that
 * leads hold (when counts are given). */
static void link_lines(const dot *d, uint32_t ms)
{
	uint32_t ns = d->m->axes[LC_AXIS_STATUS].n;
	const uint8_t *ok;
	const size_t *held;
	bool linked, refused = false;
	if (!ns || !d->m->links) /* no statuses: no link table to index */
		return;
	ok = d->m->links + (size_t)ms * ns;
	held = d->c->cells ? d->c->cells + (size_t)ms * ns : NULL;
	linked = d->m->linked && d->m->linked[ms];
	line_open(d->b, GREY);
	lc__buf_puts(d->b, linked ? "<I>allows:</I>" : "<I>All statuses</I>");
	line_close(d->b, GREY);
	for (uint32_t s = 0; s < ns; s++)
		if (ok[s] && (linked || (held && held[s])))
			status_line(d, ms, s, true);
	for (uint32_t s = 0; s < ns; s++) {
		if (ok[s] || !held || !held[s])
			continue;
		if (!refused) {
			line_open(d->b, RED);
			lc__buf_puts(d->b, "<I>refused, yet held:</I>");
			line_close(d->b, RED);
		}
		refused = true;
		status_line(d, ms, s, false);
	}
}

static void node(const dot *d, lc_axis a, uint32_t i, const char *ind)
{
	const lc_value *v = val(d, a, i);
	lc__buf_puts(d->b, ind);
	put_id(d->b, a, v->key);
	lc__buf_puts(d->b, " [label=<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">");
	title_line(d, v);
	count_lines(d, a, i);
	flag_lines(d, v);
	if (a != LC_AXIS_LIFECYCLE && (v->flags & LC_FLAG_CLOSED)) {
		line_open(d->b, GREY);
		lc__buf_puts(d->b, v->flags & LC_FLAG_WON ? "<I>closed won</I>" : "<I>closed lost</I>");
		line_close(d->b, GREY);
	}
	if (v->lifecycles)
		tie_line(d, v);
	if (a == LC_AXIS_MILESTONE)
		link_lines(d, i);
	lc__buf_puts(d->b, "</TABLE>>");
	if (closed(d, a, i))
		lc__buf_puts(d->b, ", style=\"rounded,filled\", fillcolor=\"#eeeeee\", color=\"#888888\"");
	else if (closed_won(d, a, i))
		lc__buf_puts(d->b, ", style=\"rounded,filled\", fillcolor=\"#e3f4e8\"");
	else if (v->flags & LC_FLAG_DEPRECATED)
		lc__buf_puts(d->b, ", style=\"rounded,dashed\", color=\"" GREY "\"");
	if (v->flags & LC_FLAG_TERMINAL)
		lc__buf_puts(d->b, ", peripheries=2");
	if (d->c->invalid[a] && d->c->invalid[a][i])
		lc__buf_puts(d->b, ", color=\"" RED "\", penwidth=2");
	lc__buf_puts(d->b, "];\n");
}

/* ---- edges ---- */

static void edge(const dot *d, lc_axis a, uint32_t from, uint32_t to, const char *attrs)
{
	lc__buf_puts(d->b, "  ");
	put_id(d->b, a, val(d, a, from)->key);
	lc__buf_puts(d->b, " -> ");
	put_id(d->b, a, val(d, a, to)->key);
	lc__buf_puts(d->b, attrs);
	lc__buf_puts(d->b, ";\n");
}

/* The forward order among open values of an ordered axis (nothing leaves a
 * terminal one); when outcomes act on the axis, a dashed go-back edge under
 * each step; repeatable loops; the explicit transitions, dashed blue. */
static void order_edges(const dot *d, lc_axis a)
{
	const lc_axis_values *ax = &d->m->axes[a];
	int32_t prev = -1;
	for (uint32_t i = 0; a != LC_AXIS_STATUS && i < ax->n; i++) {
		if (closed(d, a, i) || (ax->v[i].flags & LC_FLAG_DEPRECATED))
			continue;
		if (prev >= 0 && !(ax->v[prev].flags & LC_FLAG_TERMINAL)) {
			edge(d, a, (uint32_t)prev, i, "");
			if (d->m->outcome_axis == (int32_t)a && !(ax->v[i].flags & LC_FLAG_TERMINAL))
				edge(d, a, i, (uint32_t)prev,
				     " [style=dashed, color=\"#5b6b7f\", constraint=false, label=\"go back\", "
				     "fontsize=9, fontcolor=\"#5b6b7f\"]");
		}
		prev = (int32_t)i;
	}
	for (uint32_t i = 0; i < ax->n; i++)
		if (ax->v[i].flags & LC_FLAG_REPEATABLE)
			edge(d, a, i, i, " [label=\"again\", fontsize=9, color=\"#3e6db5\", fontcolor=\"#3e6db5\"]");
	if (ax->transitions)
		for (uint32_t f = 0; f < ax->n; f++)
			for (uint32_t t = 0; t < ax->n; t++)
				if (ax->transitions[(size_t)f * ax->n + t])
					edge(d, a, f, t, " [style=dashed, color=\"#3366cc\"]");
}

/* Exits: from any open stage into a closed one, one edge per outcome,
 * labelled with the reasons that lead there. */
static void exit_edge(const dot *d, uint32_t stage, lc_outcome o)
{
	const lc_axis_values *rs = &d->m->axes[LC_AXIS_REASON];
	bool any = false;
	for (uint32_t r = 0; r < rs->n; r++) {
		if (rs->v[r].parent != (int32_t)stage || !(rs->v[r].reason_outcomes & (1u << o)))
			continue;
		if (!any) {
			lc__buf_puts(d->b, "  \"stage:*\" -> ");
			put_id(d->b, LC_AXIS_STAGE, val(d, LC_AXIS_STAGE, stage)->key);
			lc__buf_printf(d->b, " [color=\"%s\", fontcolor=\"%s\", fontsize=9, label=<<B>%s</B>",
				       o == LC_OUTCOME_PROBLEM ? RED : "#8a6d00",
				       o == LC_OUTCOME_PROBLEM ? RED : "#8a6d00", lc_outcome_name(o));
		}
		any = true;
		lc__buf_puts(d->b, "<BR/>");
		put_html(d->b, rs->v[r].label);
	}
	if (any)
		lc__buf_puts(d->b, ">];\n");
}

static bool has_exits(const dot *d)
{
	const lc_axis_values *rs = &d->m->axes[LC_AXIS_REASON];
	for (uint32_t r = 0; r < rs->n; r++)
		if (rs->v[r].parent >= 0 && (rs->v[r].reason_outcomes &
					     ((1u << LC_OUTCOME_EXITING) | (1u << LC_OUTCOME_PROBLEM))))
			return true;
	return false;
}

static void exit_edges(const dot *d)
{
	if (!has_exits(d))
		return;
	lc__buf_puts(d->b, "  \"stage:*\" [label=\"from any open stage\", shape=plaintext, "
			   "fontcolor=\"#5b6b7f\"];\n");
	for (uint32_t s = 0; s < d->m->axes[LC_AXIS_STAGE].n; s++)
		if (closed(d, LC_AXIS_STAGE, s)) {
			exit_edge(d, s, LC_OUTCOME_EXITING);
			exit_edge(d, s, LC_OUTCOME_PROBLEM);
		}
}

/* ---- parts ---- */

static void cluster_open(const dot *d, const char *id, const char *label, const char *style)
{
	lc__buf_printf(d->b, "  subgraph \"cluster_%s\" {\n    label=", id);
	put_string(d->b, label);
	lc__buf_printf(d->b, ";\n    style=\"%s\";\n    color=\"#c3ccd6\";\n", style);
}

static void stages(const dot *d)
{
	const lc_axis_values *ax = &d->m->axes[LC_AXIS_STAGE], *ph = &d->m->axes[LC_AXIS_PHASE];
	for (uint32_t p = 0; p < ph->n; p++) {
		lc__buf_printf(d->b, "  subgraph \"cluster_%s\" {\n    label=", ph->v[p].key);
		put_string(d->b, ph->v[p].label);
		lc__buf_puts(d->b, (ph->v[p].flags & LC_FLAG_LOST) ? ";\n    style=dashed;\n" : ";\n");
		for (uint32_t i = 0; i < ax->n; i++)
			if (ax->v[i].parent == (int32_t)p)
				node(d, LC_AXIS_STAGE, i, "    ");
		lc__buf_puts(d->b, "  }\n");
	}
	for (uint32_t i = 0; i < ax->n; i++)
		if (ax->v[i].parent < 0)
			node(d, LC_AXIS_STAGE, i, "  ");
	order_edges(d, LC_AXIS_STAGE);
	exit_edges(d);
}

/* One axis's values in a cluster, then its edges: the milestones with their
 * links, or the statuses of a model with no milestones to hold them. */
static void axis_cluster(const dot *d, lc_axis a, const char *label)
{
	cluster_open(d, lc_axis_name(a), label, "rounded");
	for (uint32_t i = 0; i < d->m->axes[a].n; i++)
		node(d, a, i, "    ");
	lc__buf_puts(d->b, "  }\n");
	order_edges(d, a);
}

/* The statuses that belong to a life-cycle state, on one line. */
static void state_statuses(const dot *d, uint32_t state)
{
	const lc_axis_values *st = &d->m->axes[LC_AXIS_STATUS];
	bool first = true;
	for (uint32_t s = 0; s < st->n; s++) {
		if (st->v[s].parent != (int32_t)state)
			continue;
		if (first)
			line_open(d->b, GREY);
		lc__buf_puts(d->b, first ? "<I>statuses:</I> " : ", ");
		put_html(d->b, st->v[s].label);
		first = false;
	}
	if (!first)
		line_close(d->b, GREY);
}

static void state_node(const dot *d, uint32_t i)
{
	const lc_value *v = val(d, LC_AXIS_LIFECYCLE, i);
	const char *fill = v->flags & LC_FLAG_WON ? "#e3f4e8" : v->flags & LC_FLAG_LOST ? "#fdecea"
							: v->flags & LC_FLAG_COMPLETED ? "#e8eef8" : "#ffffff";
	lc__buf_puts(d->b, "    ");
	put_id(d->b, LC_AXIS_LIFECYCLE, v->key);
	lc__buf_puts(d->b, " [shape=ellipse, style=filled, fillcolor=\"");
	lc__buf_puts(d->b, fill);
	lc__buf_puts(d->b, "\", label=<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">");
	title_line(d, v);
	count_lines(d, LC_AXIS_LIFECYCLE, i);
	state_statuses(d, i);
	if (v->flags & LC_FLAG_LOST) {
		line_open(d->b, GREY);
		lc__buf_puts(d->b, "<I>needs a lost reason</I>");
		line_close(d->b, GREY);
	}
	if (v->flags & LC_FLAG_COMPLETED) {
		line_open(d->b, GREY);
		lc__buf_puts(d->b, "<I>stamps completion</I>");
		line_close(d->b, GREY);
	}
	lc__buf_puts(d->b, "</TABLE>>];\n");
}

static void state_end(const dot *d, int32_t state)
{
	if (state < 0)
		lc__buf_puts(d->b, "\"lifecycle:*\"");
	else
		put_id(d->b, LC_AXIS_LIFECYCLE, val(d, LC_AXIS_LIFECYCLE, (uint32_t)state)->key);
}

/* One edge per pair of states, labelled with every action that crosses it;
 * x is the first crossing of its pair. */
static void crossing_edge(const dot *d, uint32_t x)
{
	const lc_crossing *c = d->m->crossings;
	for (uint32_t y = 0; y < x; y++)
		if (c[y].from == c[x].from && c[y].to == c[x].to)
			return; /* drawn with the first of its pair */
	lc__buf_puts(d->b, "  ");
	state_end(d, c[x].from);
	lc__buf_puts(d->b, " -> ");
	state_end(d, c[x].to);
	lc__buf_puts(d->b, " [fontsize=10, label=<");
	for (uint32_t y = x; y < d->m->ncrossings; y++) {
		if (c[y].from != c[x].from || c[y].to != c[x].to)
			continue;
		if (y != x)
			lc__buf_puts(d->b, "<BR/>");
		put_html(d->b, val(d, LC_AXIS_ACTION, (uint32_t)c[y].action)->label);
	}
	lc__buf_puts(d->b, ">];\n");
}

static void lifecycle(const dot *d)
{
	bool any = false;
	cluster_open(d, "lifecycle", "Life cycle: the actions that cross its states", "rounded");
	for (uint32_t i = 0; i < d->m->axes[LC_AXIS_LIFECYCLE].n; i++)
		state_node(d, i);
	for (uint32_t x = 0; x < d->m->ncrossings; x++)
		any = any || d->m->crossings[x].from < 0 || d->m->crossings[x].to < 0;
	if (any)
		lc__buf_puts(d->b, "    \"lifecycle:*\" [label=\"any state\", shape=plaintext, "
				   "fontcolor=\"#5b6b7f\"];\n");
	lc__buf_puts(d->b, "  }\n");
	for (uint32_t x = 0; x < d->m->ncrossings; x++)
		crossing_edge(d, x);
}

/* Every status belongs to a life-cycle state, whose nodes list them. */
static bool statuses_in_states(const lc_model *m)
{
	for (uint32_t s = 0; s < m->axes[LC_AXIS_STATUS].n; s++)
		if (m->axes[LC_AXIS_STATUS].v[s].parent < 0)
			return false;
	return m->axes[LC_AXIS_LIFECYCLE].n > 0;
}

static void title(const dot *d)
{
	lc_buf t;
	lc__buf_puts(d->b, "digraph ");
	put_string(d->b, d->m->name);
	lc__buf_puts(d->b, " {\n  rankdir=LR;\n  fontname=\"Helvetica,Arial,sans-serif\";\n  label=");
	lc__buf_init(&t);
	lc__buf_printf(&t, "%s (version %lld)", d->m->name, (long long)d->m->version);
	put_string(d->b, t.failed ? "" : t.data);
	if (t.failed)
		d->b->failed = true;
	lc__buf_free(&t);
	lc__buf_puts(d->b, ";\n  labelloc=t;\n  fontsize=16;\n"
			   "  node [shape=box, style=rounded, fontname=\"Helvetica,Arial,sans-serif\", fontsize=11];\n"
			   "  edge [fontname=\"Helvetica,Arial,sans-serif\"];\n");
}

int lc__model_dot(const lc_model *m, const lc__dot_counts *counts, char **out, size_t *len)
{
	static const lc__dot_counts none = { { 0 }, { 0 }, 0 };
	lc_buf b;
	dot d = { &b, m, counts ? counts : &none };
	lc__buf_init(&b);
	title(&d);
	if (m->axes[LC_AXIS_STAGE].n)
		stages(&d);
	if (m->axes[LC_AXIS_MILESTONE].n)
		axis_cluster(&d, LC_AXIS_MILESTONE, "Milestones, with the statuses each allows");
	else if (m->axes[LC_AXIS_STATUS].n && !statuses_in_states(m))
		axis_cluster(&d, LC_AXIS_STATUS, "Statuses");
	if (m->axes[LC_AXIS_LIFECYCLE].n)
		lifecycle(&d);
	lc__buf_puts(&b, "}\n");
	return lc__buf_take(&b, out, len);
}

int lc_model_to_dot(const lc_model *m, const size_t *counts, size_t ncounts, char **out,
		    size_t *len)
{
	lc__dot_counts c = { { 0 }, { 0 }, 0 };
	lc_axis a;
	LC__ARG(out, "out");
	*out = NULL;
	LC__ARG(m, "model");
	a = m->axes[LC_AXIS_STAGE].n ? LC_AXIS_STAGE : LC_AXIS_MILESTONE;
	if (counts && ncounts != m->axes[a].n)
		return lc__error(LC_EINVAL,
				 "lc_model_to_dot: %zu counts given, but model %s draws %u %s; pass "
				 "one count a value",
				 ncounts, m->name, m->axes[a].n, lc__axis_plural[a]);
	if (!counts && ncounts)
		return lc__error(LC_EINVAL, "lc_model_to_dot: ncounts is %zu, so counts must not be NULL",
				 ncounts);
	c.value[a] = counts;
	return lc__model_dot(m, &c, out, len);
}
