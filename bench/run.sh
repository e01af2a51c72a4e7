#!/usr/bin/env bash
# Runs every benchmark and writes the results table: bench/results/<UTC date>-<commit>.md, plus the
# combined raw results as .json next to it. See docs/benchmarks.md.
#
#   bench/run.sh            the full run (about 15 minutes on 2 cores)
#   bench/run.sh --quick    a smoke run (about 5 minutes): shorter runs, fewer parameters
#   bench/run.sh --verify   only /auth/verify on H2 and PostgreSQL next to nginx and the Jetty floor,
#                           three repetitions (about 5 minutes, plus the build unless --no-build)
#
# Options: --no-build (use bench/target/benchmarks.jar as it is), --m2 (build only the bench module,
# against core, store-jdbc and server as installed in ~/.m2, instead of building them from this
# tree), --no-http, --no-jmh, --no-memory, --no-profile, --no-ceiling (skip bench/pg-ceiling.sh:
# what PostgreSQL does for an open's statements from pgbench), --jmh-filter REGEX (JMH benchmarks to
# run).
#
# Needs: Java 17+, Maven, PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth; the run creates
# scratch databases sl_bench_* and drops them), and, installed here with apt-get when missing, wrk
# and nginx. Everything it starts listens on 127.0.0.1 only (the server binds the wildcard address,
# having no option for the host; it is sent load only on 127.0.0.1), and every load run is bounded
# in time. JFR recordings go to /tmp, never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

args="$*"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
quick=0 build=1 m2=0 http=1 jmh=1 memory=1 profile=1 ceiling=1 filter="" verify=0
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --verify) verify=1 jmh=0 memory=0 ceiling=0 profile=0 ;;
    --no-build) build=0 ;;
    --m2) m2=1 ;;
    --no-http) http=0 ;;
    --no-jmh) jmh=0 ;;
    --no-memory) memory=0 ;;
    --no-profile) profile=0 ;;
    --no-ceiling) ceiling=0 ;;
    --jmh-filter) filter="$2"; shift ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done
command_line="bench/run.sh${args:+ $args}"
start=$(date +%s)
date_utc="$(date -u +%Y-%m-%dT%H%MZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
dirty=""
if [ -n "$(git status --porcelain -- core/src/main store-jdbc/src/main server/src/main 2>/dev/null)" ]; then
  dirty=" (with uncommitted changes to core, store-jdbc or server main sources)"
fi
results="bench/results"
mkdir -p "$results"
base="$results/$date_utc-$commit"
raw="$(mktemp -d /tmp/sl-bench-raw.XXXXXX)"
jfr_dir="/tmp/sl-bench-jfr-$date_utc"
run_id="sl_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')_"
jar="bench/target/benchmarks.jar"

log() { printf '\n== %s (%ds)\n' "$*" "$(($(date +%s) - start))"; }

cleanup_databases() {
  # Drop whatever scratch databases of this run are left (a fork that crashed cannot drop its own).
  psql -h 127.0.0.1 -U postgres -d postgres -Atc \
    "SELECT datname FROM pg_database WHERE datname LIKE '${run_id}%'" 2>/dev/null |
    while read -r db; do
      [ -n "$db" ] && psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    done
}
trap cleanup_databases EXIT

# ---- tools
if ((http)); then
  missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx-light)
  if ((${#missing[@]})) && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]}"
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } ||
      echo "could not install ${missing[*]}: the Java load generator stands in for wrk; no nginx ceiling"
  fi
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "PostgreSQL does not answer on 127.0.0.1:5432; start it (see .ci/run)" >&2
  exit 1
fi

# ---- build
if ((build)); then
  log "building"
  if ((m2)); then
    mvn -q -B -DskipTests -pl bench package
  else
    mvn -q -B -DskipTests -pl bench -am package
  fi
fi
[ -f "$jar" ] || { echo "$jar is missing" >&2; exit 1; }

# ---- JMH
props=(-Dsessionlimits.bench.dbPrefix="$run_id")
if ((jmh)); then
  log "JMH"
  if ((quick)); then
    jmh_opts=(-wi 1 -w 1 -i 2 -r 1 -f 1
      -p scenario=1:DENY_ACCESS,1:DESTROY_NEXT_EXPIRING,-1:DESTROY_NEXT_EXPIRING
      -p sessions=1,1000 -p rows=10000)
  else
    jmh_opts=(-wi 2 -w 1 -i 3 -r 1 -f 1)
  fi
  java -jar "$jar" "${jmh_opts[@]}" -jvmArgsAppend "${props[*]}" -rf json -rff "$raw/jmh.json" \
    ${filter:+"$filter"} 2>&1 | tee "$raw/jmh.txt" | grep -E '^(# Benchmark:|# Parameters:|Benchmark )|Benchmark\.[a-zA-Z]+ |rror' || true
fi

# ---- PostgreSQL's ceiling for an open (pgbench: the same statements in the same round trips) and
# the disk's fdatasync rate, right after JMH so that both see the machine alike
fsync_rate="?"
if ((ceiling)); then
  log "PostgreSQL ceiling"
  ceiling_opts=(--db-prefix "$run_id")
  ((quick)) && ceiling_opts+=(--quick)
  if bench/pg-ceiling.sh "$raw/ceiling.json" "${ceiling_opts[@]}"; then
    fsync_rate="$(sed -n 's/.*"fdatasync_per_second": \([0-9.]*\).*/\1/p' "$raw/ceiling.json")"
  else
    echo "bench/pg-ceiling.sh failed: the report has no PostgreSQL ceiling"
  fi
fi

# ---- memory
if ((memory)); then
  log "memory"
  java -Xms3g -Xmx3g -XX:+UseG1GC -cp "$jar" dev.sessionlimits.bench.MemoryFootprint 1000000 \
    "$raw/memory.json" | tee "$raw/memory.txt"
  if ((!quick)); then
    java -Xms3g -Xmx3g -XX:+UseG1GC -cp "$jar" dev.sessionlimits.bench.MemoryFootprint 1000000 \
      "$raw/memory-unique-ua.json" --unique-user-agents | head -1
  fi
  java -Xms3g -Xmx3g -XX:+UseG1GC "${props[@]}" -cp "$jar" dev.sessionlimits.bench.MemoryFootprint \
    --cache "$( ((quick)) && echo 20000 || echo 100000)" "$raw/cache.json"
fi

# ---- HTTP
if ((http)); then
  log "HTTP"
  http_opts=()
  ((quick)) && http_opts+=(--quick)
  ((verify)) && http_opts+=(--verify-only)
  ((profile && !quick)) && http_opts+=(--profile "$jfr_dir")
  java "${props[@]}" -cp "$jar" dev.sessionlimits.bench.HttpBench "$jar" "$raw/http.json" "${http_opts[@]}"
fi

# ---- the disk's limit, unless the ceiling measured it: one WAL flush per commit
pg_test_fsync="$(ls /usr/lib/postgresql/*/bin/pg_test_fsync 2>/dev/null | tail -1)"
if [ -n "$pg_test_fsync" ] && [ "${fsync_rate:-?}" = "?" ]; then
  fsync_rate="$(cd /tmp && timeout 60 "$pg_test_fsync" -s 1 -f "/tmp/sl-bench-fsync-$$.tmp" 2>/dev/null |
    awk '/^[[:space:]]+fdatasync[[:space:]]+[0-9]/ && !done {print $2; done=1}')"
  rm -f "/tmp/sl-bench-fsync-$$.tmp"
fi

# ---- report
log "report"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) CPUs), $(free -g | awk '/Mem:/{print $2}') GiB"
java -cp "$jar" dev.sessionlimits.bench.Report "$raw" "$base" \
  "date=$date_utc" "commit=$commit$dirty" "command=$command_line" \
  "machine=$cpu" "java=$(java -version 2>&1 | head -1)" \
  "postgresql=$(psql -h 127.0.0.1 -U postgres -Atc 'show server_version' 2>/dev/null || echo '?') (fsync $(psql -h 127.0.0.1 -U postgres -Atc 'show fsync' 2>/dev/null), synchronous_commit $(psql -h 127.0.0.1 -U postgres -Atc 'show synchronous_commit' 2>/dev/null))" \
  "load_before=$load_before (1, 5, 15-minute load averages at the start)" \
  "load_after=$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15-minute load averages at the end)" \
  "disk=fdatasync of one 8 kB write (pg_test_fsync, same file system as /tmp): ${fsync_rate:-?}/s" \
  "duration=$(($(date +%s) - start)) s" \
  ${SL_BENCH_NOTES:+"notes=$SL_BENCH_NOTES"}
echo
echo "results: $base.md and $base.json (raw files in $raw; JFR recordings, if any, in $jfr_dir)"
