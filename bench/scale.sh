#!/usr/bin/env bash
# sl_sessions at 10,000 and at 10,000,000 rows on PostgreSQL (issue 19): open, find and purge
# through the real JdbcStore beside pgbench running the same statements, and the bytes per session
# of the table and of each index. Writes bench/results/<UTC date>-<commit>-scale.md. See
# docs/benchmarks.md, "10 million sessions".
#
#   bench/scale.sh                       the full run (about 8 minutes on 2 quiet cores)
#   bench/scale.sh --no-build            use bench/target/benchmarks.jar as it is
#   bench/scale.sh --m2                  build only the bench module, against ~/.m2's core,
#                                        store-jdbc and server
#   bench/scale.sh -- --sizes 10000,1000000 --seconds 2 --reps 3 --no-pgbench
#                                        anything after -- goes to BigTableBench
#
# Needs Java 17+, Maven, PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) with pgbench, and
# about 10 GB of free disk where PostgreSQL keeps its data for the 10M-row table. Each size gets a
# scratch database sl_bench_scale_<run>_<random>; at exit every one of this run's is dropped.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1 m2=0 bench_args=()
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    --m2) m2=1 ;;
    --) shift; bench_args=("$@"); break ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

start=$(date +%s)
date_utc="$(date -u +%Y-%m-%dT%H%MZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
if [ -n "$(git status --porcelain -- core/src/main store-jdbc/src/main bench/src/main 2>/dev/null)" ]; then
  commit="$commit+changes"
fi
mkdir -p bench/results
out="bench/results/$date_utc-${commit%+changes}-scale.md"
run_id="sl_bench_scale_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')_"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
pgbench="$(command -v pgbench || echo "$pg_bin/pgbench")"

cleanup_databases() {
  psql -h 127.0.0.1 -U postgres -d postgres -Atc \
    "SELECT datname FROM pg_database WHERE datname LIKE '${run_id}%'" 2>/dev/null |
    while read -r db; do
      [ -n "$db" ] && psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    done
}
trap cleanup_databases EXIT

data_dir="$(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'SHOW data_directory' 2>/dev/null || echo /)"
free_gb="$(df -P -BG "$data_dir" 2>/dev/null | awk 'NR == 2 {sub("G", "", $4); print $4}')"
if [ -n "$free_gb" ] && [ "$free_gb" -lt 10 ]; then
  echo "only ${free_gb} GB free under $data_dir: the 10M-row table and its indexes take about 8 GB" >&2
  exit 1
fi

if ((build)); then
  echo "== building (mvn -o -q -pl bench$( ((m2)) || echo ' -am') package)" >&2
  if ((m2)); then
    mvn -o -q -pl bench package -DskipTests
  else
    mvn -o -q -pl bench -am package -DskipTests
  fi
fi

java -Xms1g -Xmx1g \
  -Dsessionlimits.bench.dbPrefix="$run_id" \
  -Dsessionlimits.bench.pgbench="$pgbench" \
  -Dsessionlimits.bench.commit="$commit" \
  -cp bench/target/benchmarks.jar dev.sessionlimits.bench.BigTableBench "$out" "${bench_args[@]}"
echo "== $out ($(($(date +%s) - start)) s)" >&2
