/* leadctl: shared declarations for the command files. */
#ifndef LEADCTL_H
#define LEADCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>
#include <leadcore/leadcore.h>

/* Exit codes, documented in docs/leadctl.1. */
enum {
	EXIT_OK = 0,
	EXIT_VIOLATION = 1,
	EXIT_USAGE = 2,
	EXIT_FORMAT = 3,
	EXIT_STORE = 4,
};

/* Global options, parsed before the command name. */
typedef struct leadctl_global {
	const char *db;  /* --db FILE, default ./leads.db, as messages show it (no password) */
	const char *uri; /* --db as given, for lc_db_open() */
	bool read_only; /* --read-only: open the store with LC_DB_READONLY */
	bool db_given;  /* --db was given: model show/export/dot default to its model */
} leadctl_global;

/* A command: name ("model", "lead", ...), a one-line summary, its entry point.
 * argv[0] is the command name; run() returns an exit code. */
typedef struct leadctl_command {
	const char *name;
	const char *summary;
	int (*run)(const leadctl_global *g, int argc, char **argv);
} leadctl_command;

/* Option parsing: a small table per command. */
typedef enum { OPT_FLAG, OPT_STRING } opt_kind;
typedef struct opt_spec {
	const char *name; /* "--model" */
	opt_kind kind;
	void *target; /* bool * for OPT_FLAG, const char ** for OPT_STRING */
} opt_spec;

/* Parses argv[first..argc) against specs; positional arguments are collected
 * into pos (at most max_pos). --help sets *help. Prints a usage error and
 * returns EXIT_USAGE on an unknown option or a missing value, else 0. */
int opts_parse(int argc, char **argv, int first, const opt_spec *specs, const char **pos,
	       int max_pos, int *npos, bool *help);

/* Map a leadcore error code to leadctl's exit code. */
/* A store URI as messages show it: a password in it (postgresql://user:PW@
 * or password=PW) becomes "***". Writes into out and returns it. */
const char *mask_password(const char *uri, char *out, size_t size);

int exit_for_error(int rc);
/* Print "leadctl: what: <last error>" to stderr and return exit_for_error(rc). */
int fail(int rc, const char *what);
/* Print a usage error to stderr and return EXIT_USAGE. */
int usage_error(const char *fmt, ...);
/* Whether the model's links allow a milestone with a status (both indexes
 * of the model; false for an index out of range). */
bool model_linked(const lc_model *m, size_t milestone, size_t status);
/* Print JSON to stdout (compact, sorted as built) with a newline, then free it. */
void print_json(json_t *j);
/* Parse a TIME flag (ISO 8601 or date). Prints an error; returns 0 or EXIT_USAGE. */
int parse_time_flag(const char *flag, const char *text, lc_time *out);
/* After a recorded follow-up earlier than the store's now: say that the lead
 * is overdue at once (the model allows it; a mistyped year is likely). */
void note_past_follow_up(lc_db *db, lc_time follow_up);
/* Format a time as ISO 8601, or "" for LC_TIME_NONE; buf >= LC_TIME_FORMAT_SIZE. */
const char *fmt_time(lc_time t, char *buf);
/* Format seconds (>= 0) as a person reads a duration, its two largest
 * units: "3d 07h", "2h 05m", "4m". Writes into buf and returns it. */
const char *fmt_duration(int64_t seconds, char *buf, size_t n);

/* term.c: colour and bars on a terminal's standard output, progress on its
 * standard error. */
typedef enum { COLOR_AUTO = 0, COLOR_NEVER = 1, COLOR_ALWAYS = 2 } color_mode;
/* Parse --color never|always|auto (NULL: auto); prints a usage error. */
int color_parse(const char *text, color_mode *out);
/* What standard output gets: bars (on a terminal, or --color always) and
 * colour (likewise, unless NO_COLOR is set and not empty). */
typedef struct term_style {
	bool bars, color;
} term_style;
term_style term_style_for(color_mode mode);
/* A bar of part/whole at most width cells wide, in eighths of a cell. */
void bar_text(FILE *f, int64_t part, int64_t whole, int width);

/* One progress bar on standard error, drawn only when it is a terminal. */
typedef struct progress {
	bool on, drawn;
	int last;
} progress;
void progress_start(progress *p, bool on);
void progress_show(progress *p, const char *what, uint64_t done, uint64_t total, uint64_t count,
		   const char *unit);
/* Erase the bar, when one was drawn. */
void progress_done(progress *p);
/* progress_start, and the store's long work (lc_db_set_progress) drawn on it. */
void progress_watch(lc_db *db, progress *p, bool on);

/* commands/validate.c */
int cmd_validate(const leadctl_global *g, int argc, char **argv);

/* commands/model.c */
int cmd_model(const leadctl_global *g, int argc, char **argv);
/* commands/store.c and commands/lead.c: the store commands (issue 3). */
int cmd_init(const leadctl_global *g, int argc, char **argv);
int cmd_lead(const leadctl_global *g, int argc, char **argv);
int cmd_agent(const leadctl_global *g, int argc, char **argv);
int cmd_unit(const leadctl_global *g, int argc, char **argv);
int cmd_dispose(const leadctl_global *g, int argc, char **argv);
int cmd_history(const leadctl_global *g, int argc, char **argv);
int cmd_model_install(const leadctl_global *g, int argc, char **argv);

/* commands/report.c: reports, and `model dot --counts`. */
int cmd_report(const leadctl_global *g, int argc, char **argv);
int cmd_model_dot_counts(const leadctl_global *g, int argc, char **argv);
/* Open the store read-only for reports, its clock reading now (LC_TIME_NONE:
 * the real clock); says what to do when there is no store or no model. */
int report_open_store(const leadctl_global *g, lc_time now, lc_db **db);
/* Print a report as a table, JSON or CSV (report.c); its rows as a JSON array. */
enum { REPORT_TABLE = 0, REPORT_JSON = 1, REPORT_CSV = 2 };
int report_print(const lc_table *r, int format);
json_t *report_rows_json(const lc_table *r);
/* commands/import.c */
int cmd_import(const leadctl_global *g, int argc, char **argv);
/* commands/dashboard.c */
int cmd_dashboard(const leadctl_global *g, int argc, char **argv);
/* commands/demo.c */
int cmd_demo(const leadctl_global *g, int argc, char **argv);

/* commands/verify.c */
int cmd_verify(const leadctl_global *g, int argc, char **argv);

/* commands/workflow.c */
int cmd_workflow(const leadctl_global *g, int argc, char **argv);
int cmd_assign(const leadctl_global *g, int argc, char **argv);
int cmd_worklist(const leadctl_global *g, int argc, char **argv);

#endif
