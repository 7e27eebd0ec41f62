/* leadctl demo: a store full of synthetic but plausible leads, two weeks of
 * agents working their worklists through the engine, then the pipeline, the
 * disposition matrix and one agent's next day.
 *
 * Deterministic: its own PRNG (splitmix64) seeded by --seed, and the store's
 * clock injected (lc_db_options.clock) so that every event is stamped with
 * the simulated time, starting on a fixed Monday. The same seed gives the
 * same store and the same output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leadctl.h"

#define DAY 86400
#define START 1767571200 /* Monday 2026-01-05T00:00:00Z */

static const char demo_usage[] =
	"usage: leadctl demo [--db FILE] [--seed N] [--leads N] [--preset NAME] [--force] [--json]\n\n"
	"Creates a store (default demo.db) with a preset model (default leadmanager),\n"
	"agents, units and N synthetic leads (default 200), then simulates two weeks\n"
	"of agents working their worklists: every disposition goes through the\n"
	"engine, which refuses the ones the model does not allow (the agent then\n"
	"picks another). Prints the pipeline, the disposition matrix and one agent's\n"
	"worklist for the next day. The same --seed gives the same store and output.\n\n"
	"--db names the store to create (a global --db is used when this is not given\n"
	"and it is not the default leads.db); an existing file is refused unless\n"
	"--force is given. Afterwards explore it: 'leadctl --db demo.db report matrix'.\n"
	"Exit codes: 0 ok, 2 usage, 4 store error.\n";

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* An integer flag within [min, max]; prints a usage error. */
static int parse_int_flag_demo(const char *flag, const char *text, int64_t min, int64_t max,
			       int64_t *out)
{
	char *end;
	long long v;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (!*text || *end || errno || v < min || v > max)
		return usage_error("%s takes a whole number from %lld to %lld", flag, (long long)min,
				   (long long)max);
	*out = v;
	return 0;
}

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rnd(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t pick(rng *r, size_t n)
{
	return n ? (size_t)(rnd(r) % n) : 0;
}

static bool chance(rng *r, unsigned percent)
{
	return rnd(r) % 100 < percent;
}

static lc_time sim_now;

static lc_time sim_clock(void *ud)
{
	(void)ud;
	return sim_now;
}

static lc_time day_of(lc_time t)
{
	return t - ((t % DAY) + DAY) % DAY;
}

static const char *const first_names[] = { "Ada",   "Ben",   "Carla", "Dev",   "Elif", "Femi",
					   "Grace", "Hugo",  "Ines",  "Jonas", "Kofi", "Lena",
					   "Mira",  "Nils",  "Omar",  "Pia",   "Quinn", "Rosa",
					   "Sami",  "Tara",  "Umar",  "Vera",  "Wim",  "Yara" };
static const char *const last_names[] = { "Adler", "Baker",  "Costa", "Diaz",   "Ekberg",
					  "Fox",   "Garcia", "Haas",  "Ito",    "Jansen",
					  "Khan",  "Lopez",  "Moreau", "Novak", "Okafor",
					  "Park",  "Rossi",  "Silva", "Tanaka", "Weber" };
static const char *const sources[] = { "Google", "Referral", "Web Form", "Trade Show",
				       "Partner", "Cold List" };
static const char *const agent_names[] = { "alice", "bruno", "chen", "dana" };
static const char *const unit_names[] = { "north", "south" };

typedef struct demo_opts {
	const char *db, *preset;
	int64_t seed, leads;
	bool force, json;
} demo_opts;

typedef struct sim {
	lc_db *db;
	const lc_model *m;
	rng r;
	lc_disposition *d;
	lc_violations *v;
	int64_t applied, refused;
	bool *callable; /* per status: a Call is not blocked by it */
} sim;

/* A lead's source: one of the model's list when it has one (crm), else a
 * made-up one. */
static const char *demo_source(sim *s)
{
	size_t n = lc_model_value_count(s->m, LC_AXIS_SOURCE);
	if (n)
		return lc_model_value_key(s->m, LC_AXIS_SOURCE, pick(&s->r, n));
	return sources[pick(&s->r, N_OF(sources))];
}

/* Which statuses leave a lead callable, found by asking the engine whether a
 * phone action would be blocked on a lead holding each status. */
static int find_callable(sim *s)
{
	const lc_model *m = s->m;
	size_t ns = lc_model_value_count(m, LC_AXIS_STATUS), na = lc_model_value_count(m, LC_AXIS_ACTION);
	long phone = -1;
	lc_state *st = NULL;
	int rc;

	s->callable = calloc(ns ? ns : 1, sizeof *s->callable);
	if (!s->callable)
		return LC_ENOMEM;
	for (size_t a = 0; a < na && phone < 0; a++)
		if (lc_model_value_flags(m, LC_AXIS_ACTION, a) & LC_FLAG_PHONE)
			phone = (long)a;
	if ((rc = lc_state_new(&st, m)) != 0)
		return rc;
	for (size_t i = 0; i < ns; i++) {
		s->callable[i] = true;
		if (phone < 0 || lc_state_set(st, LC_AXIS_STATUS, lc_model_value_key(m, LC_AXIS_STATUS, i)))
			continue;
		lc_disposition_reset(s->d);
		lc_disposition_set_index(s->d, LC_AXIS_ACTION, (size_t)phone);
		if (lc_validate(m, st, s->d, START, s->v) != LC_EINVALID)
			continue;
		for (size_t k = 0; k < lc_table_row_count(lc_violations_table(s->v)); k++) {
			int64_t code = lc_table_int(lc_violations_table(s->v), k, 0);
			if (code == LC_V_ACTION_BLOCKED || code == LC_V_CONTACT_ENDED)
				s->callable[i] = false;
		}
	}
	lc_state_free(st);
	return 0;
}

/* Whether status i ends the sale: its life-cycle state is won, lost or completed. */
static bool final_status(const lc_model *m, size_t st)
{
	size_t lc;
	if (lc_model_value_parent(m, LC_AXIS_STATUS, st, &lc) != 0)
		return false;
	return (lc_model_value_flags(m, LC_AXIS_LIFECYCLE, lc) &
		(LC_FLAG_WON | LC_FLAG_LOST | LC_FLAG_COMPLETED)) != 0;
}

/* One random, plausible disposition for the lead: mostly the next step on
 * the ordered axis, sometimes a step back or out. The engine judges it. */
static void candidate(sim *s, const lc_state *st, bool *final)
{
	const lc_model *m = s->m;
	size_t na = lc_model_value_count(m, LC_AXIS_ACTION);
	size_t nm = lc_model_value_count(m, LC_AXIS_MILESTONE);
	size_t ns = lc_model_value_count(m, LC_AXIS_STATUS);
	size_t ng = lc_model_value_count(m, LC_AXIS_STAGE);
	size_t nr = lc_model_value_count(m, LC_AXIS_REASON);
	long mi = -1, gi = -1;
	size_t i;

	*final = false;
	lc_disposition_reset(s->d);
	lc_disposition_set_index(s->d, LC_AXIS_ACTION, pick(&s->r, na));
	if (lc_state_get(st, LC_AXIS_MILESTONE) &&
	    lc_model_value_find(m, LC_AXIS_MILESTONE, lc_state_get(st, LC_AXIS_MILESTONE), &i) == 0)
		mi = (long)i;
	if (lc_state_get(st, LC_AXIS_STAGE) &&
	    lc_model_value_find(m, LC_AXIS_STAGE, lc_state_get(st, LC_AXIS_STAGE), &i) == 0)
		gi = (long)i;
	if (nm) {
		unsigned roll = (unsigned)pick(&s->r, 100);
		long next = mi < 0 ? 0 : roll < 45 ? mi : roll < 85 ? mi + 1 : (long)pick(&s->r, nm);
		if (next >= (long)nm)
			next = mi;
		lc_disposition_set_index(s->d, LC_AXIS_MILESTONE, (size_t)next);
		mi = next;
		*final |= (size_t)mi + 1 == nm; /* the last milestone: out of the sale */
	}
	if (ns) {
		size_t tries = 0, st_i;
		/* Most touches leave the lead reachable: a status that blocks calls
		 * (a bad or do-not-call number) is a rare outcome. */
		bool want_callable = chance(&s->r, 94);
		do
			st_i = pick(&s->r, ns);
		while (((nm && mi >= 0 && !model_linked(m, (size_t)mi, st_i)) ||
			(want_callable && !s->callable[st_i])) &&
		       ++tries < 80);
		if (!nm || !lc_state_get(st, LC_AXIS_STATUS) || chance(&s->r, 85))
			lc_disposition_set_index(s->d, LC_AXIS_STATUS, st_i);
		*final |= final_status(m, st_i);
	}
	if (ng) {
		unsigned roll = (unsigned)pick(&s->r, 100);
		if (gi < 0) {
			lc_disposition_set_index(s->d, LC_AXIS_STAGE, 0);
		} else if (roll < 45) {
			lc_disposition_set_outcome(s->d, chance(&s->r, 50) ? LC_OUTCOME_NO_CHANGE
									  : LC_OUTCOME_NO_CONTACT);
		} else if (roll < 88) {
			lc_disposition_set_index(s->d, LC_AXIS_STAGE, (size_t)gi + 1 < ng ? (size_t)gi + 1 : (size_t)gi);
			lc_disposition_set_outcome(s->d, LC_OUTCOME_PROGRESSING);
		} else if (nr) {
			lc_disposition_set_outcome(s->d, chance(&s->r, 80) ? LC_OUTCOME_EXITING
									  : LC_OUTCOME_PROBLEM);
			lc_disposition_set_index(s->d, LC_AXIS_REASON, pick(&s->r, nr));
			*final = true;
		}
	}
}

/* Work one lead: try plausible dispositions until the model accepts one. */
static int touch(sim *s, lc_id id)
{
	lc_lead *lead = NULL;
	int rc;

	if ((rc = lc_db_lead_get(s->db, id, &lead)) != 0)
		return fail(rc, "demo");
	for (int attempt = 0; attempt < 40; attempt++) {
		bool final;
		candidate(s, lc_lead_state(lead), &final);
		if (!final)
			lc_disposition_set_follow_up(s->d, day_of(sim_now) + DAY * (1 + (lc_time)pick(&s->r, 4)) +
							       9 * 3600 + 1800 * (lc_time)pick(&s->r, 16));
		rc = lc_validate(s->m, lc_lead_state(lead), s->d, sim_now, s->v);
		if (rc == LC_EINVALID) {
			/* A reason the value asks for: try again with one. */
			bool wants_reason = false;
			const lc_table *vt = lc_violations_table(s->v);
			for (size_t k = 0; k < lc_table_row_count(vt); k++)
				wants_reason |= lc_table_int(vt, k, 0) == LC_V_REASON_REQUIRED;
			if (wants_reason && lc_model_value_count(s->m, LC_AXIS_REASON)) {
				lc_disposition_set_index(s->d, LC_AXIS_REASON,
							 pick(&s->r, lc_model_value_count(s->m, LC_AXIS_REASON)));
				rc = lc_validate(s->m, lc_lead_state(lead), s->d, sim_now, s->v);
			}
		}
		if (rc == LC_EINVALID) {
			s->refused++;
			continue;
		}
		if (rc)
			break;
		rc = lc_db_apply(s->db, id, s->d, lc_lead_number(lead, LC_LEAD_NUM_VERSION), s->v, NULL);
		if (rc == 0)
			s->applied++;
		break;
	}
	lc_lead_free(lead);
	return rc && rc != LC_EINVALID ? fail(rc, "demo: applying a disposition") : 0;
}

static int create_store(const demo_opts *o, lc_db **out)
{
	lc_db_options dopts = LC_DB_OPTIONS_INIT;
	lc_model *m = NULL;
	struct stat st;
	int rc;

	if (stat(o->db, &st) == 0) {
		if (!o->force) {
			fprintf(stderr,
				"leadctl: demo: '%s' exists; remove it, pass --force to replace it, or "
				"choose another --db\n",
				o->db);
			return EXIT_USAGE;
		}
		if (unlink(o->db) != 0) {
			fprintf(stderr, "leadctl: demo: cannot remove '%s': %s\n", o->db, strerror(errno));
			return EXIT_STORE;
		}
		for (int i = 0; i < 2; i++) {
			char side[4096];
			snprintf(side, sizeof side, "%s%s", o->db, i ? "-shm" : "-wal");
			unlink(side);
		}
	}
	rc = lc_model_preset(&m, o->preset);
	if (rc)
		return fail(rc, "--preset");
	dopts.clock = sim_clock;
	sim_now = START;
	rc = lc_db_open(out, o->db, &dopts);
	if (rc) {
		lc_model_free(m);
		return fail(rc, o->db);
	}
	lc_db_set_actor(*out, "demo");
	rc = lc_db_install_model(*out, m, NULL);
	lc_model_free(m);
	if (rc) {
		lc_db_close(*out);
		*out = NULL;
		return fail(rc, "demo: installing the model");
	}
	return 0;
}

/* Agents, units and leads; leads are assigned round-robin. */
static int populate(sim *s, const demo_opts *o, lc_id *agents)
{
	lc_id units[2];
	lc_lead *l = NULL;
	int rc;

	for (size_t u = 0; u < 2; u++)
		if ((rc = lc_db_unit_add(s->db, unit_names[u], &units[u])) != 0)
			return fail(rc, "demo: adding a unit");
	for (size_t a = 0; a < 4; a++) {
		if ((rc = lc_db_agent_add(s->db, agent_names[a], &agents[a])) != 0 ||
		    (rc = lc_db_unit_join(s->db, units[a / 2], agents[a])) != 0)
			return fail(rc, "demo: adding an agent");
	}
	if ((rc = lc_lead_new(&l)) != 0)
		return fail(rc, "demo");
	if ((rc = lc_db_begin(s->db)) != 0) {
		lc_lead_free(l);
		return fail(rc, "demo");
	}
	for (int64_t i = 0; i < o->leads && !rc; i++) {
		const char *fn = first_names[pick(&s->r, N_OF(first_names))];
		const char *ln = last_names[pick(&s->r, N_OF(last_names))];
		char ext[32], name[96], email[128], phone[32];
		lc_id id;
		size_t a = (size_t)i % 4;

		snprintf(ext, sizeof ext, "demo-%05lld", (long long)i + 1);
		snprintf(name, sizeof name, "%s %s", fn, ln);
		snprintf(email, sizeof email, "%s.%s%lld@example.com", fn, ln, (long long)i + 1);
		for (char *c = email; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		snprintf(phone, sizeof phone, "+1 555 %03u %04u", (unsigned)pick(&s->r, 1000),
			 (unsigned)pick(&s->r, 10000));
		/* Leads arrive over the first days, a few each morning. */
		sim_now = START + (lc_time)(i * 5 * DAY / (o->leads ? o->leads : 1)) + 8 * 3600;
		lc_lead_reset(l);
		if ((rc = lc_lead_set_text(l, LC_LEAD_EXTERNAL_ID, ext)) ||
		    (rc = lc_lead_set_text(l, LC_LEAD_NAME, name)) ||
		    (rc = lc_lead_set_text(l, LC_LEAD_EMAIL, email)) ||
		    (rc = lc_lead_set_text(l, LC_LEAD_PHONE, phone)) ||
		    (rc = lc_lead_set_text(l, LC_LEAD_SOURCE, demo_source(s))) ||
		    (rc = lc_lead_set_date(l, LC_LEAD_EXPECTED_COMPLETION,
					   sim_now + DAY * (7 + (lc_time)pick(&s->r, 21)))) ||
		    (rc = lc_lead_set_flag(l, LC_LEAD_DO_NOT_CALL, chance(&s->r, 3))) ||
		    (rc = lc_lead_set_flag(l, LC_LEAD_DO_NOT_EMAIL, chance(&s->r, 5))) ||
		    (rc = lc_db_lead_create(s->db, l, &id)) ||
		    (rc = lc_db_lead_assign(s->db, id, units[a / 2], agents[a])))
			break;
	}
	lc_lead_free(l);
	if (rc) {
		lc_db_rollback(s->db);
		return fail(rc, "demo: creating leads");
	}
	if ((rc = lc_db_commit(s->db)) != 0)
		return fail(rc, "demo");
	return 0;
}

/* Two weeks: every working day each agent works the top of their worklist. */
static int simulate(sim *s, const lc_id *agents)
{
	for (int day = 0; day < 14; day++) {
		lc_time d0 = START + (lc_time)day * DAY;
		if (day % 7 >= 5)
			continue; /* the weekend */
		for (size_t a = 0; a < 4; a++) {
			lc_table *w = NULL;
			size_t n;
			int rc, ex;
			sim_now = d0 + 9 * 3600;
			if ((rc = lc_worklist_get(s->db, agents[a], sim_now, &w)) != 0)
				return fail(rc, "demo: worklist");
			n = lc_table_row_count(w);
			if ((rc = lc_db_begin(s->db)) != 0) {
				lc_table_free(w);
				return fail(rc, "demo");
			}
			for (size_t i = 0; i < n && i < 18; i++) {
				sim_now = d0 + 9 * 3600 + (lc_time)i * 1500 + (lc_time)pick(&s->r, 600);
				if ((ex = touch(s, lc_table_int_named(w, i, "lead"))) != 0) {
					lc_table_free(w);
					lc_db_rollback(s->db);
					return ex;
				}
			}
			lc_table_free(w);
			if ((rc = lc_db_commit(s->db)) != 0)
				return fail(rc, "demo");
		}
	}
	return 0;
}

/* The matrix without its empty cells, which would drown the dashboard. */
static int matrix_nonempty(lc_db *db, lc_table **out, size_t *empty)
{
	lc_table *r = NULL;
	int rc = lc_report_matrix(db, NULL, &r);
	*empty = 0;
	*out = r;
	if (rc)
		return rc;
	for (size_t i = 0; i < lc_table_row_count(r); i++)
		*empty += lc_table_int_named(r, i, "count") == 0;
	return 0;
}

static void print_matrix_text(const lc_table *r)
{
	size_t w0 = strlen("milestone"), w1 = strlen("status");
	for (size_t i = 0; i < lc_table_row_count(r); i++) {
		const char *a = lc_table_label(r, i, 0), *b = lc_table_label(r, i, 1);
		if (!lc_table_int_named(r, i, "count"))
			continue;
		if (a && strlen(a) > w0)
			w0 = strlen(a);
		if (b && strlen(b) > w1)
			w1 = strlen(b);
	}
	printf("%-*s  %-*s  %6s  %s\n", (int)w0, "milestone", (int)w1, "status", "count", "allowed");
	for (size_t i = 0; i < lc_table_row_count(r); i++) {
		const char *a = lc_table_label(r, i, 0), *b = lc_table_label(r, i, 1);
		if (!lc_table_int_named(r, i, "count"))
			continue;
		printf("%-*s  %-*s  %6lld  %s\n", (int)w0, a ? a : "-", (int)w1, b ? b : "-",
		       (long long)lc_table_int_named(r, i, "count"), lc_table_int_named(r, i, "allowed") ? "yes" : "NO (invalid)");
	}
}

static json_t *worklist_json(lc_db *db, const lc_table *w, bool print)
{
	json_t *rows = json_array();
	/* The column shows the status, or the stage when the model has no statuses. */
	lc_axis col = lc_model_value_count(lc_db_model(db), LC_AXIS_STATUS) ? LC_AXIS_STATUS
									    : LC_AXIS_STAGE;
	if (print)
		printf("%-8s  %-11s  %-20s  %-18s  %s\n", "why", "lead", "name", lc_axis_name(col),
		       "follow-up");
	for (size_t i = 0; i < lc_table_row_count(w); i++) {
		lc_lead *l = NULL;
		char t[LC_TIME_FORMAT_SIZE];
		const char *why = lc_table_text_named(w, i, "reason");
		const char *status, *label;
		size_t si;
		if (lc_db_lead_get(db, lc_table_int_named(w, i, "lead"), &l) != 0)
			continue;
		status = lc_state_get(lc_lead_state(l), col);
		label = status && lc_model_value_find(lc_db_model(db), col, status, &si) == 0
				? lc_model_value_label(lc_db_model(db), col, si)
				: (status ? status : "-");
		fmt_time(lc_table_int_named(w, i, "follow_up"), t);
		if (print)
			printf("%-8s  %-11s  %-20s  %-18s  %s\n", why,
			       lc_lead_text(l, LC_LEAD_EXTERNAL_ID), lc_lead_text(l, LC_LEAD_NAME), label,
			       t[0] ? t : "-");
		json_array_append_new(rows, json_pack("{s:s,s:I,s:s,s:s?,s:s?,s:s?}", "reason", why, "lead",
						      (json_int_t)lc_lead_number(l, LC_LEAD_NUM_ID), "external_id",
						      lc_lead_text(l, LC_LEAD_EXTERNAL_ID), "name",
						      lc_lead_text(l, LC_LEAD_NAME), "status", status,
						      "follow_up", t[0] ? t : NULL));
		lc_lead_free(l);
	}
	return rows;
}

int cmd_demo(const leadctl_global *g, int argc, char **argv)
{
	const char *seed = NULL, *leads = NULL, *db_flag = NULL, *preset = NULL;
	demo_opts o = { "demo.db", "leadmanager", 1, 200, false, false };
	const opt_spec specs[] = {
		{ "--db", OPT_STRING, &db_flag }, { "--seed", OPT_STRING, &seed },
		{ "--leads", OPT_STRING, &leads }, { "--preset", OPT_STRING, &preset },
		{ "--force", OPT_FLAG, &o.force }, { "--json", OPT_FLAG, &o.json },
		{ NULL, 0, NULL },
	};
	lc_axis axes[2] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS };
	lc_table *pipe = NULL, *mx = NULL;
	lc_table *w = NULL;
	lc_id agents[4];
	size_t empty = 0;
	sim s;
	bool help = false;
	int npos, rc, ex;
	char day[LC_TIME_FORMAT_SIZE];

	rc = opts_parse(argc, argv, 1, specs, NULL, 0, &npos, &help);
	if (rc)
		return rc;
	if (help) {
		fputs(demo_usage, stdout);
		return EXIT_OK;
	}
	if (seed && parse_int_flag_demo("--seed", seed, 0, INT64_MAX, &o.seed) != 0)
		return EXIT_USAGE;
	if (leads && parse_int_flag_demo("--leads", leads, 1, 1000000, &o.leads) != 0)
		return EXIT_USAGE;
	if (db_flag)
		o.db = db_flag;
	else if (strcmp(g->uri, "leads.db") != 0)
		o.db = g->uri;
	if (preset)
		o.preset = preset;

	memset(&s, 0, sizeof s);
	s.r.s = (uint64_t)o.seed;
	if ((ex = create_store(&o, &s.db)) != 0)
		return ex;
	s.m = lc_db_model(s.db);
	if ((rc = lc_disposition_new(&s.d, s.m)) || (rc = lc_violations_new(&s.v)) ||
	    (rc = find_callable(&s))) {
		ex = fail(rc, "demo");
		goto out;
	}
	if ((ex = populate(&s, &o, agents)) != 0 || (ex = simulate(&s, agents)) != 0)
		goto out;

	/* The morning after: the pipeline, the matrix, and alice's day. */
	sim_now = START + 14 * DAY + 8 * 3600;
	if (!lc_model_value_count(s.m, LC_AXIS_MILESTONE) || !lc_model_value_count(s.m, LC_AXIS_STATUS))
		axes[0] = lc_model_value_count(s.m, LC_AXIS_STAGE) ? LC_AXIS_PHASE : LC_AXIS_STATUS,
		axes[1] = lc_model_value_count(s.m, LC_AXIS_STAGE) ? LC_AXIS_STAGE : LC_AXIS_LIFECYCLE;
	if ((rc = lc_report_pipeline(s.db, axes, 2, NULL, &pipe)) != 0) {
		ex = fail(rc, "demo: pipeline");
		goto out;
	}
	rc = matrix_nonempty(s.db, &mx, &empty);
	if (rc && rc != LC_EUNSUPPORTED) {
		ex = fail(rc, "demo: matrix");
		goto out;
	}
	if ((rc = lc_worklist_get(s.db, agents[0], sim_now, &w)) != 0) {
		ex = fail(rc, "demo: worklist");
		goto out;
	}
	fmt_time(sim_now, day);
	day[10] = '\0';
	if (o.json) {
		json_t *root = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:o}", "db", o.db, "preset", o.preset,
					 "seed", (json_int_t)o.seed, "leads", (json_int_t)o.leads,
					 "dispositions", (json_int_t)s.applied, "refused",
					 (json_int_t)s.refused, "pipeline", report_rows_json(pipe));
		if (root && mx)
			json_object_set_new(root, "matrix", report_rows_json(mx));
		if (root)
			json_object_set_new(root, "day",
					    json_pack("{s:s,s:s,s:o}", "agent", agent_names[0], "date", day,
						      "worklist", worklist_json(s.db, w, false)));
		print_json(root);
	} else {
		printf("== leadcore demo: %lld leads, 4 agents in 2 units, model '%s', seed %lld ==\n",
		       (long long)o.leads, o.preset, (long long)o.seed);
		printf("Two weeks from 2026-01-05: %lld dispositions applied through the engine; "
		       "%lld candidates refused by the model and picked again.\n",
		       (long long)s.applied, (long long)s.refused);
		/* The matrix is milestones by statuses: a model without them has none. */
		printf("Store: %s (explore it: leadctl --db %s report %s)\n\n", o.db, o.db,
		       mx ? "matrix" : "pipeline --by owner");
		printf("== pipeline by %s and %s ==\n", lc_axis_name(axes[0]),
		       lc_axis_name(axes[1]));
		report_print(pipe, REPORT_TABLE);
		if (mx) {
			printf("\n== disposition matrix: cells with leads, invalid first (%zu empty cells not shown) ==\n",
			       empty);
			print_matrix_text(mx);
		}
		printf("\n== %s's day, %s: %zu leads on the worklist ==\n", agent_names[0], day,
		       lc_table_row_count(w));
		json_decref(worklist_json(s.db, w, true));
	}
	ex = EXIT_OK;
out:
	lc_table_free(w);
	lc_table_free(pipe);
	lc_table_free(mx);
	lc_disposition_free(s.d);
	lc_violations_free(s.v);
	free(s.callable);
	lc_db_close(s.db);
	return ex;
}
