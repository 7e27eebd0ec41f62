#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests and benchmarks, on a unix socket
# only (no TCP port):
#
#   scripts/pg-server.sh start DIR [durable]   initdb into DIR, start, create
#                                              the database leadcore_test and
#                                              print its URI
#   scripts/pg-server.sh stop DIR              stop the server, remove DIR
#
# Run as root, the cluster belongs to an unprivileged user (postgres, made by
# Debian's package, else nobody): PostgreSQL refuses to run as root. Without
# "durable" the server skips fsync (a test cluster dies with its run);
# benchmarks pass "durable" to measure a real commit.
set -euo pipefail
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [durable]" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] && command -v initdb >/dev/null; then
	bindir=$(dirname "$(command -v initdb)")
fi
[ -x "$bindir/initdb" ] || { echo "pg-server: no PostgreSQL server found (install the Debian package postgresql)" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		local user=postgres
		id -u "$user" >/dev/null 2>&1 || user=nobody
		runuser -u "$user" -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
start)
	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		user=postgres
		id -u "$user" >/dev/null 2>&1 || user=nobody
		chown "$user" "$dir"
	fi
	chmod 0755 "$dir"
	as_owner "$bindir/initdb" -D "$dir/data" --username=leadcore --auth=trust \
		--encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	opts="-c listen_addresses='' -k $dir -c max_connections=100"
	[ "${3:-}" = durable ] || opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null ||
		{ cat "$dir/server.log" >&2; exit 1; }
	"$bindir/createdb" -h "$dir" -U leadcore leadcore_test
	echo "postgresql://leadcore@/leadcore_test?host=$dir"
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop DIR [durable]" >&2
	exit 2
	;;
esac
