#!/usr/bin/env bash
# Evicting opens on PostgreSQL against their ceiling, in one run (issue 19's target: >= 90% of
# pgbench for the same statements, single-threaded and from 8 threads). Each repetition runs, one
# after the other so that both see the machine alike: the JMH benchmarks StoreOpenBenchmark (1
# thread) and ConcurrentOpenBenchmark (8 threads) at limit 1 (every login evicts one session), and
# bench/pg-ceiling.sh's workloads evict (the store's statements, in its round trips) and
# evict-no-notify (the same without end_xid and end_node) with 1 and 8 clients. Prints, per thread
# count, the median and the spread (min-max) of each, and of the ratio store / pgbench evict taken
# within each repetition. About 4 minutes with 3 repetitions on 2 cores.
#
#   bench/open-ceiling.sh [--reps N] [--no-build] [--ignore-jmh-lock]
#
# --ignore-jmh-lock runs JMH even while another JMH run holds /tmp/jmh.lock (a shared machine,
# where the figures are indicative only).
#
# Needs what bench/run.sh needs for JMH and the ceiling: Java 17+, Maven, PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust auth); scratch databases sl_bench_* are dropped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

reps=3 build=1 lock=()
while (($#)); do
  case "$1" in
    --reps) reps="$2"; shift ;;
    --no-build) build=0 ;;
    --ignore-jmh-lock) lock=(-Djmh.ignoreLock=true) ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done
jar="bench/target/benchmarks.jar"
run_id="sl_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')_"
work="$(mktemp -d /tmp/sl-open-ceiling.XXXXXX)"
cleanup() {
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
[ -f "$jar" ] || { echo "$jar is missing" >&2; exit 1; }

for ((rep = 1; rep <= reps; rep++)); do
  echo "== repetition $rep of $reps" >&2
  java "${lock[@]}" -jar "$jar" 'StoreOpenBenchmark.open$|ConcurrentOpenBenchmark.open$' \
    -p store=postgres -p scenario=1:DESTROY_NEXT_EXPIRING -wi 2 -w 1 -i 3 -r 1 -f 1 \
    -jvmArgsAppend "-Dsessionlimits.bench.dbPrefix=$run_id" -rf json -rff "$work/jmh-$rep.json" \
    > "$work/jmh-$rep.txt" 2>&1 || { tail -20 "$work/jmh-$rep.txt" >&2; exit 1; }
  bench/pg-ceiling.sh "$work/ceiling-$rep.json" --db-prefix "$run_id" --no-fsync \
    --workloads evict,evict-no-notify
done

python3 - "$work" "$reps" <<'PY'
import json, statistics, sys
work, reps = sys.argv[1], int(sys.argv[2])
rows = {1: {"store": [], "evict": [], "evict-no-notify": []},
        8: {"store": [], "evict": [], "evict-no-notify": []}}
for rep in range(1, reps + 1):
    for b in json.load(open(f"{work}/jmh-{rep}.json")):
        threads = 1 if b["benchmark"].endswith("StoreOpenBenchmark.open") else 8
        rows[threads]["store"].append(b["primaryMetric"]["score"])
    for run in json.load(open(f"{work}/ceiling-{rep}.json"))["runs"]:
        rows[run["clients"]][run["workload"]].append(run["tps"])
def show(values, fmt="{:,.0f}"):
    return (f"{fmt.format(statistics.median(values))}"
            f" ({fmt.format(min(values))}-{fmt.format(max(values))})")
print(f"Evicting opens on PostgreSQL, {reps} repetitions: median (min-max), ops/s")
print("| threads | store (JMH) | pgbench evict | pgbench evict-no-notify"
      " | store / evict | store / evict-no-notify |")
print("|---:|---:|---:|---:|---:|---:|")
for threads, r in rows.items():
    ratio = [s / e for s, e in zip(r["store"], r["evict"])]
    ratio_nn = [s / e for s, e in zip(r["store"], r["evict-no-notify"])]
    print(f"| {threads} | {show(r['store'])} | {show(r['evict'])} | {show(r['evict-no-notify'])}"
          f" | {show([100 * x for x in ratio], '{:.0f}%')}"
          f" | {show([100 * x for x in ratio_nn], '{:.0f}%')} |")
PY
