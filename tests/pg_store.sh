#!/usr/bin/env bash
# Runs a leadctl test script on a store of its own on the PostgreSQL server
# of LC_TEST_PG_URI: `pg_store.sh SCRIPT ARGS...` exports LEADCTL_TEST_DB (the
# server's URI with a new schema=NAME) and LC_TEST_PG_SCHEMA, runs the script
# with bash and drops the schema. Without a server it skips (exit 77), or
# fails when LC_TEST_PG_REQUIRED=1 (scripts/test.sh sets it).
set -uo pipefail
if [ -z "${LC_TEST_PG_URI:-}" ]; then
  if [ "${LC_TEST_PG_REQUIRED:-}" = 1 ]; then
    echo "FAIL: LC_TEST_PG_REQUIRED is set but LC_TEST_PG_URI is not"
    exit 1
  fi
  echo "SKIP: no PostgreSQL server; set LC_TEST_PG_URI (bash scripts/test.sh starts one with scripts/pg-server.sh)"
  exit 77
fi
schema=cli_$$_$RANDOM
case $LC_TEST_PG_URI in *\?*) sep='&' ;; *) sep='?' ;; esac
export LC_TEST_PG_SCHEMA=$schema LEADCTL_TEST_DB="$LC_TEST_PG_URI${sep}schema=$schema"
bash "$@"
rc=$?
# The script may have made more schemas named after its own (NAME_x).
psql "$LC_TEST_PG_URI" -qAt >/dev/null 2>&1 <<SQL
SELECT format('DROP SCHEMA %I CASCADE', nspname) FROM pg_namespace WHERE nspname LIKE '${schema}%' \gexec
SQL
exit $rc
