/* Builds a small store for tests/leadctl_workflow.sh: the insurance model,
 * three agents (bob inactive), and leads of every kind created on
 * 2026-03-02 (a Monday). usage: workflow_fixture STORE */
#include <stdio.h>
#include <stdlib.h>

#include "leadcore/leadcore.h"

#define T0 1772409600 /* 2026-03-02T00:00:00Z */

static lc_time clock_now = T0 + 8 * 3600;

static lc_time fixed(void *ud)
{
	(void)ud;
	return clock_now;
}

static int check(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "workflow_fixture: %s: %s\n", what, lc_error_last());
		exit(1);
	}
	return 0;
}

static lc_id lead(lc_db *db, const char *name, const char *phone, const char *email,
		  const char *source, int dnc)
{
	lc_lead *l = NULL;
	lc_id id = 0;

	check(lc_lead_new(&l), "lead");
	check(lc_lead_set_text(l, LC_LEAD_NAME, name), "name");
	check(lc_lead_set_text(l, LC_LEAD_PHONE, phone), "phone");
	check(lc_lead_set_text(l, LC_LEAD_EMAIL, email), "email");
	check(lc_lead_set_text(l, LC_LEAD_SOURCE, source), "source");
	if (dnc)
		check(lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, 1), "flag");
	check(lc_db_lead_create(db, l, &id), "create");
	lc_lead_free(l);
	return id;
}

int main(int argc, char **argv)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_model *m = NULL;
	lc_id amy, bob, cat;

	if (argc != 2) {
		fputs("usage: workflow_fixture STORE\n", stderr);
		return 2;
	}
	o.clock = fixed;
	check(lc_db_open(&db, argv[1], &o), argv[1]);
	check(lc_model_preset(&m, "insurance"), "model");
	check(lc_db_install_model(db, m, NULL), "install");
	lc_model_free(m);
	check(lc_db_agent_add(db, "amy", &amy), "agent");
	check(lc_db_agent_add(db, "bob", &bob), "agent");
	check(lc_db_agent_add(db, "cat", &cat), "agent");
	check(lc_db_agent_set_active(db, bob, 0), "deactivate");
	lead(db, "Ann", "555-0101", NULL, "LAT", 0);           /* 1 highly engaged */
	lead(db, "Ben", "555-0102", NULL, "Referral", 0);      /* 2 cold */
	lead(db, "Cy", NULL, NULL, "LAT", 0);                  /* 3 uncontactable: recycled on day 3 */
	lead(db, "Di", "555-0104", NULL, "Web", 1);            /* 4 do not call */
	lead(db, "Ed", NULL, "ed@example.com", "MWI", 0);      /* 5 email only */
	lead(db, "Flo", "555-0106", NULL, "Manually Added", 0); /* 6 highly engaged */
	lc_db_close(db);
	return 0;
}
