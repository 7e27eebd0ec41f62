/*
 * The PostgreSQL backend against hand-written libpq on the same server
 * (docs/performance.md, "PostgreSQL"), each case A B A B ... in one run:
 *  - apply_per_tx: one transaction per lc_db_apply(), against a libpq loop
 *    issuing the statements the backend issues for an apply
 *    (src/store/postgres/: BEGIN with the model version, the lead read for
 *    writing with its lists and notes in one pipeline, the event INSERT, the
 *    state UPDATE with its version check, COMMIT);
 *  - apply_batched: 500 applies per transaction, the same on both sides;
 *  - pipeline: lc_report_pipeline() by status at `--report-leads` leads
 *    (default 1 M, rows written with generate_series) against the raw
 *    GROUP BY;
 *  - writers: 1, 4 and 16 processes applying to leads of their own, one
 *    transaction per apply (throughput of the whole);
 *  - import_first / import_again: a CSV with a dedupe key (one or two
 *    dispositions a row) imported into a new store, then again (a no-op),
 *    against the same import into a new SQLite file.
 * usage: bench_pg URI [--quick] [--report-leads N] [--case apply|pipeline|
 * writers|import]; URI is a server's
 * postgresql:// URI (scripts/bench.sh starts a durable throw-away one).
 */
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define LEADS 200
#define BATCH 500

static const char model_json[] =
	"{\"format\": 1, \"name\": \"bench\", \"version\": 1,"
	" \"actions\": [{\"label\": \"Call\"}, {\"label\": \"Meeting\"}],"
	" \"milestones\": [{\"label\": \"New\"}, {\"label\": \"Contacted\"}],"
	" \"statuses\": [{\"label\": \"Open\", \"lifecycle\": \"open\"},"
	"   {\"label\": \"Nurturing\", \"lifecycle\": \"open\"}, {\"label\": \"Hot\", \"lifecycle\": \"open\"}],"
	" \"lifecycles\": [{\"label\": \"Open\"}]}";

static const char *base;

static void die(const char *what)
{
	fprintf(stderr, "bench_pg: %s: %s\n", what, lc_error_last());
	exit(1);
}

static void store_uri(char *buf, size_t size, const char *schema)
{
	snprintf(buf, size, "%s%cschema=%s", base, strchr(base, '?') ? '&' : '?', schema);
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static PGconn *raw_connect(const char *schema)
{
	PGconn *c = PQconnectdb(base);
	char sql[128];

	PQsetNoticeProcessor(c, quiet, NULL);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bench_pg: %s", PQerrorMessage(c));
		exit(1);
	}
	snprintf(sql, sizeof sql, "SET search_path TO %s", schema);
	PQclear(PQexec(c, sql));
	return c;
}

static void raw_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench_pg: %s: %s", sql, PQerrorMessage(c));
		exit(1);
	}
	PQclear(r);
}

/* A new store in its own schema with the model and `leads` leads. */
static lc_db *make_store(const char *schema, int leads)
{
	char uri[1024], sql[128];
	lc_db *db = NULL;
	lc_model *m = NULL;
	PGconn *c = raw_connect("public");

	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", schema);
	raw_exec(c, sql);
	PQfinish(c);
	store_uri(uri, sizeof uri, schema);
	if (lc_db_open(&db, uri, NULL) || lc_model_load_string(&m, model_json, "bench") ||
	    lc_db_install_model(db, m, NULL))
		die("creating the store");
	lc_model_free(m);
	if (lc_db_begin(db))
		die("begin");
	for (int i = 0; i < leads; i++) {
		lc_lead *l = NULL;
		if (lc_lead_new(&l) || lc_lead_set_text(l, LC_LEAD_NAME, "bench") ||
		    lc_db_lead_create(db, l, NULL))
			die("creating leads");
		lc_lead_free(l);
	}
	if (lc_db_commit(db))
		die("commit");
	return db;
}

static int apply_one(lc_db *db, lc_disposition *const d[2], long i)
{
	return lc_db_apply(db, 1 + i % LEADS, d[i % 2], -1, NULL, NULL);
}

static void dispositions(lc_db *db, lc_disposition *d[2])
{
	static const char *const st[2] = { "nurturing", "open" };

	for (int k = 0; k < 2; k++)
		if (lc_disposition_new(&d[k], lc_db_model(db)) ||
		    lc_disposition_set(d[k], LC_AXIS_ACTION, k ? "call" : "meeting") ||
		    lc_disposition_set(d[k], LC_AXIS_MILESTONE, "contacted") ||
		    lc_disposition_set(d[k], LC_AXIS_STATUS, st[k]))
			die("disposition");
}

/* ---- the hand-written side: the backend's statements, prepared ---- */

typedef struct raw {
	PGconn *c;
	long seq[LEADS + 1];
} raw;

static void raw_prepare(raw *r, const char *schema)
{
	static const char *const stmts[][2] = {
		{ "get", "SELECT id, external_id, version, created_at, touched_at, recycled, name, "
			 "email, phone, company, type, category, priority, importance, source, "
			 "lost_reason, owner_group, segment, probability, amount, currency, "
			 "start_date, expected_completion, actual_completion, unit_id, agent_id, "
			 "do_not_call, do_not_email, automation_stopped, milestone, status, phase, "
			 "stage, lifecycle, follow_up, stage_counts, item_count, note_count FROM "
			 "leads WHERE id = $1 FOR NO KEY UPDATE" },
		{ "items", "SELECT lead_id, kind, a, b, t FROM lead_items WHERE lead_id = $1 "
			   "ORDER BY kind, pos" },
		{ "notes", "SELECT lead_id, at, author, text FROM lead_notes WHERE lead_id = $1 "
			   "ORDER BY id" },
		{ "event", "INSERT INTO events (lead_id, seq, at, kind, actor, model_version, "
			   "action, milestone, status, before_milestone, before_status, "
			   "after_milestone, after_status) VALUES ($1, $2, $3, 'disposition', NULL, "
			   "1, $4, 'contacted', $5, $6, $7, 'contacted', $5) "
			   "ON CONFLICT (lead_id, seq) DO NOTHING RETURNING id" },
		{ "update", "UPDATE leads SET version = $2, recycled = false, touched_at = $3, "
			    "milestone = 'contacted', status = $4, phase = NULL, stage = NULL, "
			    "lifecycle = 'open', follow_up = NULL, actual_completion = NULL, "
			    "stage_counts = NULL WHERE id = $1 AND version = $5" },
	};

	r->c = raw_connect(schema);
	for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
		PGresult *res = PQprepare(r->c, stmts[i][0], stmts[i][1], 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "bench_pg: prepare %s: %s", stmts[i][0], PQerrorMessage(r->c));
			exit(1);
		}
		PQclear(res);
	}
	for (int i = 0; i <= LEADS; i++)
		r->seq[i] = 1;
}

static void raw_apply(raw *r, long i, bool own_txn)
{
	static const char *const st[2] = { "nurturing", "open" };
	int lead = (int)(1 + i % LEADS);
	char id[24], seq[24], now[24], ver[24], old[24];
	const char *get[1] = { id };
	PGresult *res;
	long v;

	if (own_txn)
		PQclear(PQexec(r->c, "BEGIN ISOLATION LEVEL READ COMMITTED; "
				     "SELECT coalesce(max(version), 0) FROM models"));
	snprintf(id, sizeof id, "%d", lead);
	/* The read, its lists and notes in one pipeline, as the backend does. */
	PQenterPipelineMode(r->c);
	PQsendQueryPrepared(r->c, "get", 1, get, NULL, NULL, 0);
	PQsendQueryPrepared(r->c, "items", 1, get, NULL, NULL, 0);
	PQsendQueryPrepared(r->c, "notes", 1, get, NULL, NULL, 0);
	PQpipelineSync(r->c);
	res = PQgetResult(r->c);
	v = strtol(PQgetvalue(res, 0, 2), NULL, 10);
	PQclear(res);
	while ((res = PQgetResult(r->c)) || PQpipelineStatus(r->c) == PQ_PIPELINE_ON) {
		if (res && PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		PQclear(res);
	}
	PQexitPipelineMode(r->c);
	snprintf(seq, sizeof seq, "%ld", v + 1);
	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	{
		const char *p[7] = { id, seq, now, i % 2 ? "call" : "meeting", st[i % 2], "contacted",
				     st[(i + 1) % 2] };
		PQclear(PQexecPrepared(r->c, "event", 7, p, NULL, NULL, 0));
	}
	snprintf(ver, sizeof ver, "%ld", v + 1);
	snprintf(old, sizeof old, "%ld", v);
	{
		const char *p[5] = { id, ver, now, st[i % 2], old };
		PQclear(PQexecPrepared(r->c, "update", 5, p, NULL, NULL, 0));
	}
	if (own_txn)
		PQclear(PQexec(r->c, "COMMIT"));
}

/* ---- cases ---- */

static void case_apply(int reps, long n, bool batched)
{
	const char *name = batched ? "apply_batched" : "apply_per_tx";
	lc_db *db = make_store("bench_lib", LEADS);
	lc_db *rdb = make_store("bench_raw", LEADS);
	lc_disposition *d[2];
	raw r;

	lc_db_close(rdb);
	raw_prepare(&r, "bench_raw");
	dispositions(db, d);
	for (int rep = 0; rep < reps; rep++) {
		double t0 = bench_now();
		for (long i = 0; i < n; i++) {
			if (batched && i % BATCH == 0 && lc_db_begin(db))
				die("begin");
			if (apply_one(db, d, rep * n + i))
				die("apply");
			if (batched && (i % BATCH == BATCH - 1 || i == n - 1) && lc_db_commit(db))
				die("commit");
		}
		bench_emit("postgres", name, "leadcore", rep, n, bench_now() - t0, NULL);
		t0 = bench_now();
		for (long i = 0; i < n; i++) {
			if (batched && i % BATCH == 0)
				raw_exec(r.c, "BEGIN");
			raw_apply(&r, rep * n + i, !batched);
			if (batched && (i % BATCH == BATCH - 1 || i == n - 1))
				raw_exec(r.c, "COMMIT");
		}
		bench_emit("postgres", name, "libpq", rep, n, bench_now() - t0, NULL);
	}
	lc_disposition_free(d[0]);
	lc_disposition_free(d[1]);
	PQfinish(r.c);
	lc_db_close(db);
}

static void case_pipeline(int reps, long leads)
{
	lc_db *db = make_store("bench_report", 0);
	PGconn *c = raw_connect("bench_report");
	lc_axis by = LC_AXIS_STATUS;
	char sql[600];

	/* Rows written straight into the store's schema: the report reads what
	 * any lead row holds, and a million creates would take the run. */
	snprintf(sql, sizeof sql,
		 "INSERT INTO leads (version, created_at, milestone, status, lifecycle) "
		 "SELECT 1, 1790000000, (ARRAY['new','contacted'])[1 + i %% 2], "
		 "(ARRAY['open','nurturing','hot'])[1 + i %% 3], 'open' "
		 "FROM generate_series(1, %ld) i",
		 leads);
	raw_exec(c, sql);
	raw_exec(c, "VACUUM ANALYZE leads");
	for (int rep = 0; rep < reps; rep++) {
		lc_table *t = NULL;
		double t0 = bench_now();
		if (lc_report_pipeline(db, &by, 1, NULL, &t))
			die("pipeline");
		bench_emit("postgres", "pipeline", "leadcore", rep, leads, bench_now() - t0, NULL);
		lc_table_free(t);
		t0 = bench_now();
		raw_exec(c, "SELECT status, count(*) FROM leads WHERE NOT recycled GROUP BY status");
		bench_emit("postgres", "pipeline", "libpq", rep, leads, bench_now() - t0, NULL);
	}
	PQfinish(c);
	lc_db_close(db);
}

static void case_writers(int procs, long per)
{
	char uri[1024], extra[64];
	lc_db *db = make_store("bench_writers", LEADS);
	double t0;

	lc_db_close(db);
	store_uri(uri, sizeof uri, "bench_writers");
	t0 = bench_now();
	for (int p = 0; p < procs; p++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			lc_db_options o = LC_DB_OPTIONS_INIT;
			lc_disposition *d[2];
			lc_db *w = NULL;
			o.busy_timeout_ms = 60000;
			if (lc_db_open(&w, uri, &o))
				die("open");
			dispositions(w, d);
			/* Leads of its own: writers meet only on the tables. */
			for (long i = 0; i < per; i++)
				if (lc_db_apply(w, 1 + (p + (i * procs)) % LEADS, d[i % 2], -1, NULL, NULL))
					die("apply");
			lc_disposition_free(d[0]);
			lc_disposition_free(d[1]);
			lc_db_close(w);
			_exit(0);
		}
	}
	for (int p = 0; p < procs; p++) {
		int status;
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			die("a writer failed");
	}
	snprintf(extra, sizeof extra, "\"processes\":%d", procs);
	bench_emit("postgres", procs == 1 ? "writers_1" : procs == 4 ? "writers_4" : "writers_16",
		   "leadcore", 0, procs * per, bench_now() - t0, extra);
}

static const char import_map[] =
	"{\"format\": 1, \"dedupe\": \"external_id\","
	" \"fields\": {\"external_id\": \"Id\", \"name\": \"Name\"},"
	" \"attributes\": {\"city\": \"City\"},"
	" \"dispositions\": ["
	"  {\"action\": \"call\", \"milestone\": \"contacted\","
	"   \"status\": {\"column\": \"St\", \"values\": {\"o\": \"open\", \"n\": \"nurturing\"}}},"
	"  {\"when\": {\"column\": \"Again\", \"values\": [\"1\"]}, \"action\": \"meeting\","
	"   \"status\": \"hot\"}]}";

static lc_db *import_store(const char *where)
{
	lc_db *db = NULL;
	lc_model *m = NULL;

	if (lc_db_open(&db, where, NULL) || lc_model_load_string(&m, model_json, "bench") ||
	    lc_db_install_model(db, m, NULL))
		die("creating the import store");
	lc_model_free(m);
	return db;
}

static double import_once(lc_db *db, const char *csv, size_t len, const lc_mapping *map)
{
	lc_import_options o = LC_IMPORT_OPTIONS_INIT;
	double t0 = bench_now();

	o.at = 1780304400; /* the same times each pass: again is a no-op */
	if (lc_import_buffer(db, csv, len, map, &o, NULL))
		die("import");
	return bench_now() - t0;
}

/* The same CSV into a new PostgreSQL schema and a new SQLite file, first
 * and again, the sides alternating. */
static void case_import(int reps, long n)
{
	char uri[1024], path[] = "/tmp/bench_pg_import_XXXXXX";
	char *csv = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);
	lc_mapping *map = NULL;
	int fd;

	fprintf(f, "Id,Name,City,St,Again\n");
	for (long i = 0; i < n; i++)
		fprintf(f, "b%07ld,Lead %ld,City %ld,%s,%d\n", i, i, i % 17, i % 2 ? "o" : "n",
			i % 3 == 0);
	fclose(f);
	if (lc_mapping_load_string(&map, import_map, "bench") || (fd = mkstemp(path)) < 0)
		die("import setup");
	close(fd);
	for (int rep = 0; rep < reps; rep++) {
		const char *sides[2] = { "postgresql", "sqlite" };
		for (int side = 0; side < 2; side++) {
			lc_db *db;
			double first, again;
			if (side == 0) {
				lc_db_close(make_store("bench_import", 0));
				store_uri(uri, sizeof uri, "bench_import");
			} else {
				unlink(path);
				snprintf(uri, sizeof uri, "%s", path);
			}
			db = import_store(uri);
			first = import_once(db, csv, len, map);
			again = import_once(db, csv, len, map);
			lc_db_close(db);
			bench_emit("postgres", "import_first", sides[side], rep, n, first, NULL);
			bench_emit("postgres", "import_again", sides[side], rep, n, again, NULL);
		}
	}
	unlink(path);
	lc_mapping_free(map);
	free(csv);
}

int main(int argc, char **argv)
{
	bool quick = false;
	long report_leads = 1000000;
	const char *only = "";

	if (argc < 2) {
		fprintf(stderr, "usage: bench_pg URI [--quick] [--report-leads N] [--case NAME]\n");
		return 2;
	}
	base = argv[1];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--report-leads") == 0 && i + 1 < argc)
			report_leads = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
			only = argv[++i];
	}
#define WANT(name) (!*only || strcmp(only, name) == 0)
	if (WANT("apply")) {
		case_apply(quick ? 2 : 5, quick ? 500 : 3000, false);
		case_apply(quick ? 2 : 5, quick ? 1000 : 10000, true);
	}
	if (WANT("pipeline"))
		case_pipeline(quick ? 2 : 5, quick ? 100000 : report_leads);
	if (WANT("writers")) {
		case_writers(1, quick ? 400 : 2000);
		case_writers(4, quick ? 100 : 500);
		case_writers(16, quick ? 25 : 125);
	}
	if (WANT("import"))
		case_import(quick ? 2 : 3, quick ? 2000 : 20000);
	return 0;
}
