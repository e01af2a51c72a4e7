#!/usr/bin/env bash
# Evicting opens on PostgreSQL against their ceiling, paired (issue 19's target: >= 90% of pgbench
# for the same statements, single-threaded and from 8 threads). One JVM (OpenCeiling) warms the
# store's login path up once, then runs rounds: in each, the store's evicting open (limit 1, every
# login ends its user's previous session) and pgbench's workloads evict (the store's statements, in
# its round trips) and evict-no-notify (the same without end_xid and end_node), 1 and 8 clients,
# back to back for 5 s each on the same scratch database, in an order that reverses every round.
# Prints, per thread count, the median and the spread (min-max) of each rate, and of the ratio
# store / pgbench taken within each round. About 4 minutes with 5 rounds on 2 cores.
#
#   bench/open-ceiling.sh [--reps N] [--no-build] [--pinned] [--java PATH] [--virtual] [--json FILE]
#
# --reps sets the number of rounds (5); --json keeps every run's rate in FILE. --java runs the JVM on another JDK (the Docker image runs
# Java 21); --virtual runs the store's openers on virtual threads (Java 21+), as the server runs its
# requests on a JDK that has them.
#
# Until 2026-12-07 each repetition ran JMH (StoreOpenBenchmark, ConcurrentOpenBenchmark) and then
# bench/pg-ceiling.sh, a minute apart: on this shared 2-core host the machine's speed drifted by
# more than the gap measured between them (one repetition's ratio 62%, the next 112%). Paired runs
# seconds apart take the ratio where both saw the same machine.
#
# --pinned runs both clients against a PostgreSQL of the run's own (initdb in a scratch directory,
# a free port) whose processes are bound to CPU 0, with the client (the JVM, and pgbench, which it
# starts) bound to CPU 1. On 2 shared cores the Java client's CPU (the JDBC driver, the store) is
# taken from PostgreSQL's backends while pgbench's C client costs almost nothing; pinned, each
# client has a core of its own and the database the other.
#
# Needs Java 17+, Maven, pgbench and PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth);
# scratch databases sl_bench_* are dropped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

reps=5 build=1 pinned=0 java_bin=java virtual= json=
while (($#)); do
  case "$1" in
    --reps) reps="$2"; shift ;;
    --no-build) build=0 ;;
    --pinned) pinned=1 ;;
    --java) java_bin="$2"; shift ;;
    --virtual) virtual=virtual ;;
    --json) json="$2"; shift ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done
jar="bench/target/benchmarks.jar"
run_id="sl_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')_"
work="$(mktemp -d /tmp/sl-open-ceiling.XXXXXX)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
as_postgres=()
[ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)
pgdata="$work/pg"
cleanup() {
  set +e
  if [ -f "$pgdata/postmaster.pid" ]; then
    "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -m immediate stop > /dev/null 2>&1
  fi
  psql -h 127.0.0.1 -U postgres -d postgres -Atc \
    "SELECT datname FROM pg_database WHERE datname LIKE '${run_id}%'" 2>/dev/null |
    while read -r db; do
      [ -n "$db" ] && psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
    done
  rm -rf "$work"
}
trap cleanup EXIT

if ((build)); then
  mvn -q -B -DskipTests -pl bench -am package
fi

client=() pg_url=()
if ((pinned)); then
  (($(nproc) >= 2)) || { echo "--pinned needs 2 CPUs" >&2; exit 2; }
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  mkdir -p "$pgdata"
  [ ${#as_postgres[@]} -gt 0 ] && chown postgres "$work" "$pgdata"
  "${as_postgres[@]}" "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 > "$work/initdb.log"
  # The postmaster's affinity is inherited by every backend it forks.
  taskset -c 0 "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
    -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c autovacuum=off" start > /dev/null
  export PGPORT="$port"
  client=(taskset -c 1)
  pg_url=("-Dsessionlimits.bench.pg=jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres")
  echo "pinned: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on CPU 0 (port $port), clients on CPU 1" >&2
fi
[ -f "$jar" ] || { echo "$jar is missing" >&2; exit 1; }

"${client[@]}" "$java_bin" -Xms2g -Xmx2g -Dsessionlimits.bench.dbPrefix="$run_id" "${pg_url[@]}" \
  -cp "$jar" dev.sessionlimits.bench.OpenCeiling "$work/open-ceiling.json" "$reps" 5 60 $virtual \
  > "$work/table.md" 2> "$work/log.txt" || { tail -20 "$work/log.txt" >&2; exit 1; }
cat "$work/log.txt" >&2
[ -n "$json" ] && cp "$work/open-ceiling.json" "$json"
mode="shared: the clients and the database on the same 2 cores"
((pinned)) && mode="pinned: the database on CPU 0, each client on CPU 1"
echo "Evicting opens on PostgreSQL, $reps paired rounds, $mode;" \
  "$("$java_bin" -version 2>&1 | head -1)${virtual:+, virtual threads}: median (min-max), ops/s"
cat "$work/table.md"
