/* leadctl: helpers shared by the commands that work on a store (store.c,
 * lead.c): opening it, finding agents and units, leads as JSON. */
#ifndef LEADCTL_STORE_H
#define LEADCTL_STORE_H

#include "../leadctl.h"

/* Open the store named by --db. With create, a missing store is made;
 * without, it is an error that says to run `leadctl init`. Sets the actor
 * from $LEADCTL_ACTOR or $USER. Prints the error; returns an exit code. */
int store_open(const leadctl_global *g, bool create, lc_db **out);

/* An agent or unit given as a name or a numeric id. */
int store_agent(lc_db *db, const char *flag, const char *text, lc_id *out);
int store_unit(lc_db *db, const char *flag, const char *text, lc_id *out);

/* A lead given as a numeric id or an external id. Returns an exit code. */
int store_lead(lc_db *db, const char *text, lc_lead **out);

/* The lead as JSON: every field, its state, version and flags. */
json_t *lead_json(lc_db *db, const lc_lead *l);

/* show.c: the lead as `lead show` gives it: lead_json() plus the next
 * stage and milestone, the follow-up's action and the unit's and agent's
 * names; printed as JSON or as text a person reads. */
json_t *lead_show_json(lc_db *db, const lc_lead *l);
void lead_show(lc_db *db, const lc_lead *l, bool json);

/* Print violations as `validate` does. */
void print_violations(const lc_violations *v, bool json, json_t *extra);

/* An integer flag; prints a usage error and returns EXIT_USAGE when bad. */
int parse_int_flag(const char *flag, const char *text, int64_t min, int64_t max, int64_t *out);

#endif
