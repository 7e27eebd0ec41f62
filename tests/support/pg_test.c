/* Tests against a PostgreSQL server (pg_test.h). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_test.h"

const char *pg_test_uri(void)
{
	const char *u = getenv("LC_TEST_PG_URI");

	return u && u[0] ? u : NULL;
}

int pg_test_skip(const char *suite)
{
	const char *required = getenv("LC_TEST_PG_REQUIRED");

	if (required && required[0] == '1') {
		printf("FAIL %s: LC_TEST_PG_REQUIRED is set but LC_TEST_PG_URI is not\n", suite);
		return 1;
	}
	printf("SKIP %s: no PostgreSQL server; set LC_TEST_PG_URI to a postgresql:// URI "
	       "(bash scripts/test.sh starts one with scripts/pg-server.sh)\n",
	       suite);
	return PG_TEST_SKIP;
}

int pg_test_store_uri(char *buf, size_t size, const char *tag)
{
	static int n;
	const char *u = pg_test_uri();
	int w;

	if (!u)
		return -1;
	w = snprintf(buf, size, "%s%cschema=%s_%ld_%d", u, strchr(u, '?') ? '&' : '?', tag,
		     (long)getpid(), n++);
	return w < 0 || (size_t)w >= size ? -1 : 0;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static PGconn *connect_base(void)
{
	PGconn *c = PQconnectdb(pg_test_uri());

	if (c)
		PQsetNoticeProcessor(c, quiet, NULL);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg_test: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

long long pg_test_exec(const char *sql)
{
	PGconn *c = connect_base();
	PGresult *r;
	long long v = -1;

	if (!c)
		return -1;
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else if (PQresultStatus(r) == PGRES_COMMAND_OK)
		v = 0;
	else
		fprintf(stderr, "pg_test: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return v;
}

int pg_test_drop(const char *store_uri)
{
	const char *s = strstr(store_uri, "schema=");
	char sql[160];
	size_t n;

	if (!s)
		return -1;
	s += 7;
	n = strcspn(s, "&");
	if (n == 0 || n > 100 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") < n)
		return -1;
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS \"%.*s\" CASCADE", (int)n, s);
	return pg_test_exec(sql) < 0 ? -1 : 0;
}
