/* leadctl dashboard: what the page shows, gathered from the store through
 * the library's reports and queries (data.c), and the page's parts that
 * write it (page.c: the frame and the charts; cells.c: the disposition
 * matrix and the lists of leads behind its counts). */
#ifndef LEADCTL_DASHBOARD_H
#define LEADCTL_DASHBOARD_H

#include <stdio.h>

#include <leadcore/leadcore.h>

/* A named count: a value whose leads reports leave out. */
typedef struct dash_count {
	char *label;
	int64_t n;
} dash_count;

typedef struct dash {
	lc_db *db;
	const lc_model *model;
	const char *store;  /* as given to --db */
	lc_time now;        /* the page's present (--now) */
	lc_time day;        /* the start of now's UTC day */
	lc_time made;       /* when the page was written */
	long rows_max;      /* leads listed per matrix cell; 0 every one */
	lc_axis pipe_axis;  /* stage, or milestone when the model has none */
	lc_table *matrix, *pipeline, *funnel, *segments;
	lc_table *due, *overdue; /* follow-ups in now's day, and before it */
	lc_table *agents;
	int64_t total;      /* leads not recycled */
	int64_t recycled;
	int64_t undisposed; /* neither milestone nor status: in no cell */
	dash_count *hidden;
	size_t nhidden;
} dash;

/* data.c. Fill d from d->db; prints the failure and returns an exit code. */
int dash_gather(dash *d);
void dash_free(dash *d);
/* The agent's name, or NULL for 0 or an unknown id. */
const char *dash_agent_name(const dash *d, lc_id id);
/* Why the model refuses a milestone with a status, in one sentence; "" when
 * it allows them. */
void dash_cell_reason(const dash *d, const char *milestone, const char *status, char *buf,
		      size_t n);
/* Sum of the counts of rows whose column 0 is key (NULL matches NULL). */
int64_t dash_sum_by_key(const lc_table *r, const char *key);
/* Measure name of a report's row; LC_TABLE_NONE when the report has none. */
/* Leads in a combination the model refuses. */
int64_t dash_invalid_total(const dash *d);
/* The matrix row of a milestone and status, or -1. */
long dash_matrix_row(const dash *d, const char *milestone, const char *status);

/* page.c: the whole page. Returns 0 or an exit code. */
int page_write(FILE *f, dash *d);

/* cells.c: the matrix section and, further down, the lead lists. */
void page_matrix(FILE *f, const dash *d);
int page_cell_lists(FILE *f, const dash *d);

#endif
