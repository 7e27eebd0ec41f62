/* What a terminal gets that a pipe does not: colour and bars on standard
 * output (--color, NO_COLOR), and one progress bar on standard error for
 * every long piece of work (import, sweeps, assignment, model migrations). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leadctl.h"

int color_parse(const char *text, color_mode *out)
{
	static const char *const names[] = { "auto", "never", "always" };
	*out = COLOR_AUTO;
	if (!text)
		return 0;
	for (int i = 0; i < 3; i++)
		if (strcmp(text, names[i]) == 0) {
			*out = (color_mode)i;
			return 0;
		}
	return usage_error("--color takes never, always or auto (not '%s')", text);
}

/* no-color.org: a NO_COLOR that is set and not empty turns colour off,
 * unless the command line asks for it. */
term_style term_style_for(color_mode mode)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	bool tty = isatty(STDOUT_FILENO) && !(term && strcmp(term, "dumb") == 0);
	term_style s = { false, false };
	if (mode == COLOR_ALWAYS)
		s.bars = s.color = true;
	else if (mode == COLOR_AUTO && tty) {
		s.bars = true;
		s.color = !(no && *no);
	}
	return s;
}

void bar_text(FILE *f, int64_t part, int64_t whole, int width)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	int64_t units = whole > 0 && part > 0 ? part * width * 8 / whole : 0;
	for (int64_t i = 0; i < units / 8; i++)
		fputs("█", f);
	fputs(eighths[units % 8], f);
}

/* ---- progress ---- */

void progress_start(progress *p, bool on)
{
	p->on = on && isatty(STDERR_FILENO);
	p->last = -1;
	p->drawn = false;
}

void progress_show(progress *p, const char *what, uint64_t done, uint64_t total, uint64_t count,
		   const char *unit)
{
	int pct = total ? (int)(done * 100 / total) : 0;
	if (!p->on || !total || pct == p->last)
		return;
	p->last = pct;
	p->drawn = true;
	fprintf(stderr, "\r%s [%-30.*s] %3d%%  %llu %s", what, pct * 30 / 100,
		"##############################", pct, (unsigned long long)count, unit);
	fflush(stderr);
}

void progress_done(progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
	p->last = -1;
}

static void progress_cb(void *ud, const char *what, size_t done, size_t total)
{
	progress_show(ud, what, done, total, done, total == 1 ? "lead" : "leads");
}

void progress_watch(lc_db *db, progress *p, bool on)
{
	progress_start(p, on);
	if (p->on)
		lc_db_set_progress(db, progress_cb, p);
}
