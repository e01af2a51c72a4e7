#!/usr/bin/env bash
# Issue 19's node cache target: at 1,000,000 live sessions on one node, `find` of a random live
# session stays within 2x of its rate at 10,000. Runs TableSizeBenchmark.find on PostgreSQL at
# 10,000 and 1,000,000 rows, 3 forks each (the repetitions; each fork fills its own scratch database
# and warms the node cache with every session, see TableSizeBenchmark), and prints each fork's
# rate, the spread, and the ratio of 1M to 10k: the ceiling here is the same lookup on the small
# table, measured in the same run. Each 1M fork fills 1M rows and warms its cache with 1M lookups
# (about 100 s at 10,000 lookups/s), so a run takes about 6 minutes on a quiet 2-core machine (an
# estimate: on a loaded one, lookups time out, the store clears its cache, and warming may not end).
#
#   bench/cache-scale.sh [--build] [--cache N] [--out FILE.json]
#
# --build    first build bench/target/benchmarks.jar (mvn -o -q -pl bench -am package -DskipTests)
# --cache N  a node cache of N sessions instead of the default (a fifth of the fork's 2 GB heap);
#            --cache 100000 is the fixed size before issue 19
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth), java and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

build=0 cache=default out=""
while (($#)); do
  case "$1" in
    --build) build=1 ;;
    --cache) cache="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done
jar=bench/target/benchmarks.jar
if ((build)); then
  mvn -o -q -pl bench -am package -DskipTests
fi
[ -f "$jar" ] || { echo "no $jar: run with --build" >&2; exit 2; }
[ -n "$out" ] || out="$(mktemp -t sl-cache-scale-XXXXXX.json)"

started=$(date +%s)
java -jar "$jar" 'TableSizeBenchmark.find$' -p rows=10000,1000000 -p cache="$cache" \
  -f 3 -wi 2 -w 1 -i 3 -r 1 -rf json -rff "$out" 2>&1 \
  | grep -E '^# (Parameters|Fork|node cache|warm)|^Iteration|TableSizeBenchmark\.find |rror' || true
echo "# took $(( $(date +%s) - started )) s; load average now: $(cut -d' ' -f1-3 /proc/loadavg); raw: $out"

python3 - "$out" <<'PY'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))
by_rows = {}
for r in runs:
    forks = [statistics.mean(f) for f in r["primaryMetric"]["rawData"]]
    by_rows[int(r["params"]["rows"])] = forks
    med = statistics.median(forks)
    print(f"rows={int(r['params']['rows']):>9,} cache={r['params']['cache']}: forks "
          + ", ".join(f"{x:,.0f}" for x in forks)
          + f" find/s; median {med:,.0f}, spread (max-min)/median {(max(forks)-min(forks))/med:.1%}")
if 10000 in by_rows and 1000000 in by_rows:
    small, big = by_rows[10000], by_rows[1000000]
    ratio = statistics.median(big) / statistics.median(small)
    worst = min(big) / max(small)
    print(f"1M / 10k: {ratio:.2f} of the median (worst fork against best: {worst:.2f});"
          f" target >= 0.50 (within 2x): {'met' if ratio >= 0.5 else 'NOT met'}")
PY
