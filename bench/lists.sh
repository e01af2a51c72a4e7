#!/usr/bin/env bash
# The administrators' lists on 1,000,000 live sessions (ListBench): fills a scratch PostgreSQL
# database (1,000,000 live and 100,000 ended sessions of 5,040 users, 1,000,000 audit events) and
# times each page, search and filter through the store. Writes the table to
# bench/results/<UTC date>-<commit>-lists.md and prints it. About 10 minutes on 2 cores, most of it
# the fill. Not part of bench/run.sh or of mvn verify. See docs/benchmarks.md.
#
#   bench/lists.sh [--no-build]
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth, pg_trgm available); the scratch
# database sl_bench_lists_<random> is dropped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
[ "${1:-}" = "--no-build" ] && build=0
if ((build)); then
  mvn -B -q -pl bench -am package -DskipTests -Djacoco.skip=true
fi
db="sl_bench_lists_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
cleanup() { psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; }
trap cleanup EXIT
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db"
mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%MZ)-$(git rev-parse --short HEAD 2>/dev/null || echo nogit)-lists.md"
{
  echo "# Administrators' lists on 1,000,000 live sessions"
  echo
  echo "\`bench/lists.sh\`, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo nogit)," \
    "$(nproc) cores, $(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'SHOW server_version'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  java -Xmx1g -cp bench/target/benchmarks.jar dev.sessionlimits.bench.ListBench \
    "jdbc:postgresql://127.0.0.1:5432/$db?user=postgres"
} | tee "$out"
echo "written to $out" >&2
