/* Reads a store back for tests/leadctl_postgres.sh: prints "LEAD NOTE" for
 * every disposition in history (one line each, in history order), checks
 * that every lead's state equals the replay of its history and that each
 * lead's version counts its events, and exits 1 naming the first lead that
 * does not. usage: store_check STORE */
#include <stdio.h>

#include "leadcore/leadcore.h"

static int fail(const char *what, lc_id lead)
{
	fprintf(stderr, "store_check: lead %lld: %s: %s\n", (long long)lead, what, lc_error_last());
	return 1;
}

static int check_lead(lc_db *db, const lc_lead *l)
{
	lc_id id = lc_lead_number(l, LC_LEAD_NUM_ID);
	lc_event_iter *it = NULL;
	const lc_event *ev;
	lc_state *s = NULL;
	int64_t events = 0;
	int rc, bad = 0;

	if (lc_db_history(db, id, &it))
		return fail("history", id);
	while ((rc = lc_event_iter_next(it, &ev)) == 1) {
		events++;
		if ((lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND) == LC_EVENT_DISPOSITION)
			printf("%lld %s\n", (long long)id, lc_event_text(ev, LC_EVENT_TEXT_NOTE) ? lc_event_text(ev, LC_EVENT_TEXT_NOTE) : "-");
	}
	lc_event_iter_free(it);
	if (rc)
		return fail("history", id);
	if (events != lc_lead_number(l, LC_LEAD_NUM_VERSION)) {
		fprintf(stderr, "store_check: lead %lld: version %lld but %lld events\n",
			(long long)id, (long long)lc_lead_number(l, LC_LEAD_NUM_VERSION), (long long)events);
		return 1;
	}
	if (lc_state_new(&s, lc_db_model(db)) || lc_db_replay(db, id, s))
		bad = fail("replay", id);
	else if (!lc_state_equal(s, lc_lead_state(l)))
		bad = fail("the lead differs from the replay of its history", id);
	lc_state_free(s);
	return bad;
}

int main(int argc, char **argv)
{
	lc_db_options o = LC_DB_OPTIONS_INIT;
	lc_db *db = NULL;
	lc_lead_iter *it = NULL;
	const lc_lead *l;
	int rc, bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: store_check STORE\n");
		return 2;
	}
	o.flags = LC_DB_READONLY;
	if (lc_db_open(&db, argv[1], &o) || lc_db_query(db, NULL, &it)) {
		fprintf(stderr, "store_check: %s: %s\n", argv[1], lc_error_last());
		lc_db_close(db);
		return 1;
	}
	while (!bad && (rc = lc_lead_iter_next(it, &l)) == 1)
		bad = check_lead(db, l);
	if (!bad && rc)
		bad = fail("query", 0);
	lc_lead_iter_free(it);
	lc_db_close(db);
	return bad;
}
