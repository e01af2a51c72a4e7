#!/usr/bin/env bash
# What PostgreSQL itself does on this machine for the statements a session open sends: pgbench (C,
# libpq, prepared statements) runs them, grouped into the same round trips as JdbcSessions.open,
# against a scratch database with the store's schema, each client its own user; and pg_test_fsync
# measures the disk's fdatasync rate (one WAL flush per commit). Writes the numbers as JSON to OUT,
# which bench/run.sh hands to Report.java. The disk is measured before and after the runs; rates far
# apart mean that something else was writing meanwhile, and that the ceiling is low by as much.
#
#   bench/pg-ceiling.sh OUT [--quick] [--db-prefix PREFIX] [--workloads W,W] [--no-fsync]
#
# Workloads, each with 1 and 8 clients for 5 seconds (2 with --quick); --workloads picks some:
#   evict            a login at limit 1 that evicts the user's previous session, in two round trips:
#                    BEGIN ISOLATION LEVEL READ COMMITTED (SessionSql.BEGIN: the store, too, sends
#                    it in the pipeline), SET LOCAL enable_bitmapscan = off
#                    (SessionSql.PLAIN_INDEX_SCANS), the lock of the user's quota row and the read
#                    of its unended sessions;
#                    then the UPDATE that ends it (recording end_xid and end_node, what the other
#                    nodes poll for), the INSERT and COMMIT
#   evict-no-notify  the same UPDATE without end_xid and end_node: what those columns and their
#                    index cost. (Before issue 19 the store's UPDATE also ran pg_notify, which
#                    halved the rate; this baseline never did, hence its name.)
#   unlimited        a login no limit constrains: one INSERT in autocommit mode
# The statements are JdbcLogins' and SessionSql's (keep them in step), with literals and now() where
# the store binds values that pgbench has no variables for. A psql session meanwhile polls every
# 100 ms for the recent ends of other nodes by the end_xid index, as each node's ClusterListener
# does. --no-fsync skips the disk's rate (pg_test_fsync), for repeated runs. The new session's
# token hash is 64 hex digits from SHA-256, as the store's (PgBenchRuns, which OpenCeiling and
# BigTableBench run, sends the same statements).
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); the scratch database
# <PREFIX>ceiling_<random> (PREFIX sl_bench_ unless given) is dropped at exit.
set -euo pipefail

out="" seconds=5 prefix="sl_bench_" workloads="evict,evict-no-notify,unlimited" fsync=1
while (($#)); do
  case "$1" in
    --quick) seconds=2 ;;
    --db-prefix) prefix="$2"; shift ;;
    --workloads) workloads="$2"; shift ;;
    --no-fsync) fsync=0 ;;
    -*) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
    *) out="$1" ;;
  esac
  shift
done
[ -n "$out" ] || { echo "usage: $0 OUT [--quick] [--db-prefix PREFIX] [--workloads W,W] [--no-fsync]" >&2; exit 2; }
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
cd "$(dirname "$0")/.."

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
pgbench="$(command -v pgbench || echo "$pg_bin/pgbench")"
pg_test_fsync="$(command -v pg_test_fsync || echo "$pg_bin/pg_test_fsync")"
[ -x "$pgbench" ] || { echo "pgbench is missing (it comes with PostgreSQL)" >&2; exit 1; }
db="${prefix}ceiling_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
work="$(mktemp -d /tmp/sl-pg-ceiling.XXXXXX)"
sql() { PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -U postgres -d "$db" -qAt -v ON_ERROR_STOP=1 "$@"; }
listener=""
cleanup() {
  set +e
  [ -n "$listener" ] && kill "$listener" 2>/dev/null && wait "$listener" 2>/dev/null
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db"
migrations=store-jdbc/src/main/resources/dev/sessionlimits/store/jdbc/migration/postgresql
for migration in $(ls "$migrations"/V*.sql | sort -V); do
  sql -f "$migration"
done

ua="Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
columns="id, token_hash, user_name, client_ip, user_agent, device, auth_method, created_at,"
columns="$columns last_seen_at, expires_at, absolute_expires_at, ended_at, end_reason, end_scope,"
columns="$columns end_limit, end_login_at, end_login_ip, end_login_user_agent, end_login_device,"
columns="$columns end_login_session_id, end_actor, end_recorded_at"
node="0123456789abcdef"
# Client c is user c; its n-th session has id c * 10^9 + n and is the one its next login evicts.
ids='\set n :n + 1
\set id :client_id * 1000000000 + :n
\set prev :id - 1'
insert="INSERT INTO sl_sessions (id, token_hash, user_name, client_ip, user_agent, device,
  auth_method, created_at, last_seen_at, expires_at, absolute_expires_at)"
# A token hash as the store's: 64 hex digits at a random place in the token_hash index (not the id
# itself, whose next value always lands on the index's rightmost page: that made the INSERT and the
# ending UPDATE, which is not HOT and adds an entry to every index, cheaper than the store's).
token="encode(sha256(convert_to('login ' || :id, 'UTF8')), 'hex')"
evict() { # $1: what the ending UPDATE records besides the end itself
  cat <<EOF
$ids
\startpipeline
BEGIN ISOLATION LEVEL READ COMMITTED;
SET LOCAL enable_bitmapscan = off;
SELECT subject FROM sl_quota_locks WHERE scope = 'user' AND subject = :client_id FOR UPDATE;
SELECT $columns FROM sl_sessions WHERE user_name = :client_id AND ended_at IS NULL;
\endpipeline
\startpipeline
UPDATE sl_sessions SET ended_at = now(), end_reason = 'session_limit_reached',
  end_scope = 'user', end_limit = 1, end_login_at = now(), end_login_ip = '203.0.113.7',
  end_login_user_agent = '$ua', end_login_device = NULL, end_login_session_id = :id,
  end_actor = NULL, end_recorded_at = clock_timestamp()$1 WHERE id = :prev AND ended_at IS NULL
  AND (CAST(NULL AS TIMESTAMP WITH TIME ZONE) IS NULL OR expires_at = NULL);
$insert VALUES (:id, $token, :client_id, '203.0.113.7', '$ua', NULL, 'password', now(), now(),
  now() + interval '3650 days', NULL);
COMMIT;
\endpipeline
EOF
}
evict ", end_xid = pg_current_xact_id(), end_node = '$node'" > "$work/evict.sql"
evict "" > "$work/evict-no-notify.sql"
cat > "$work/unlimited.sql" <<EOF
$ids
$insert VALUES (:id, $token, :id, '203.0.113.7', '$ua', NULL, 'password', now(), now(),
  now() + interval '30 minutes', NULL);
EOF

# Every run starts from the same table: each client's user with its quota row and one live session,
# and, as in the JMH open benchmarks, 10,000 live sessions of other users (2 per user, 100 per
# address), analyzed: PostgreSQL then plans as for a table in use. (On a table analyzed nearly
# empty, its cached plans scan the whole table, which grows with every login of the run.)
reset() {
  sql -c "TRUNCATE sl_sessions, sl_quota_locks CASCADE" -c "INSERT INTO sl_quota_locks
    SELECT 'user', c::text, now() FROM generate_series(0, 7) c" -c "$insert
    SELECT (c::bigint * 1000000000)::text, (c::bigint * 1000000000)::text, c::text, '203.0.113.7',
    '$ua', NULL, 'password', now(), now(), now() + interval '3650 days', NULL
    FROM generate_series(0, 7) c" -c "$insert
    SELECT 'f' || i, encode(sha256(convert_to('t' || i, 'UTF8')), 'hex'), 'fu' || (i / 2),
    '10.' || (i / 100 / 65536 % 256) || '.' || (i / 100 / 256 % 256) || '.' || (i / 100 % 256),
    '$ua', NULL, 'password', now(), now(), now() + interval '30 days', NULL
    FROM generate_series(1, 10000) i"
  sql -c "VACUUM ANALYZE sl_sessions" -c "VACUUM ANALYZE sl_quota_locks" -c "CHECKPOINT"
}
run() { # workload clients seconds: prints the rate
  reset
  "$pgbench" -h 127.0.0.1 -U postgres -n -M prepared -c "$2" -j "$(($2 < 2 ? 1 : 2))" -T "$3" \
    -D n=0 -f "$work/$1.sql" "$db" 2> "$work/$1-$2.err" |
    awk '/^tps = / {print $3}' | grep . || { cat "$work/$1-$2.err" >&2; echo 0; }
}

# The disk's rate before and after the runs: far apart, something else was writing meanwhile.
fdatasync() {
  local rate=""
  if ((fsync)) && [ -x "$pg_test_fsync" ]; then
    rate="$(cd /tmp && timeout 60 "$pg_test_fsync" -s 1 -f "$work/fsync.tmp" 2>/dev/null |
      awk '/^[[:space:]]+fdatasync[[:space:]]+[0-9]/ && !done {print $2; done=1}')"
  fi
  echo "${rate:-null}"
}
fsync_before="$(fdatasync)"
echo "fdatasync before: $fsync_before/s" >&2

psql -h 127.0.0.1 -U postgres -d "$db" -q > /dev/null 2>&1 <<EOF &
SELECT $columns FROM sl_sessions
  WHERE end_xid >= pg_snapshot_xmin(pg_current_snapshot()) AND end_node IS DISTINCT FROM 'poller'
\watch 0.1
EOF
listener=$!

runs=""
for workload in ${workloads//,/ }; do
  run "$workload" 1 1 > /dev/null
  for clients in 1 8; do
    tps="$(run "$workload" "$clients" "$seconds")"
    trips=2
    [ "$workload" = unlimited ] && trips=1
    printf '%-16s %d client(s): %s/s\n' "$workload" "$clients" "$tps" >&2
    runs="$runs${runs:+,}
    {\"workload\": \"$workload\", \"clients\": $clients, \"round_trips\": $trips, \"tps\": $tps}"
  done
done
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null || true
listener=""

# The runs' own writes are flushed first: a checkpoint still writing them would make the disk look
# disturbed by something else.
sql -c "CHECKPOINT"
fsync_after="$(fdatasync)"
echo "fdatasync after: $fsync_after/s" >&2

cat > "$out" <<EOF
{
  "tool": "$("$pgbench" --version), -M prepared, pipelined as the store's round trips",
  "seconds_per_run": $seconds,
  "fdatasync_per_second": $fsync_after,
  "fdatasync_per_second_before": $fsync_before,
  "runs": [$runs
  ]
}
EOF
