#!/usr/bin/env bash
# Issue 19's node cache target: at 1,000,000 live sessions on one node, `find` of a random live
# session stays within 2x of its rate at 10,000. Runs TableSizeBenchmark.find on PostgreSQL at
# 10,000 and 1,000,000 rows, 3 forks each (the repetitions; each fork fills its own scratch database
# and warms the node cache with every session, see TableSizeBenchmark), and prints each fork's
# rate, the spread, and the ratio of 1M to 10k, for the store and for its ceiling, a bare map
# (findCeiling, below), measured in the same run. Each 1M fork fills 1M rows and warms its cache with 1M lookups
# (about 100 s at 10,000 lookups/s), so a run takes about 6 minutes on a quiet 2-core machine (an
# estimate: on a loaded one, lookups time out, the store clears its cache, and warming may not end).
#
#   bench/cache-scale.sh [--build] [--cache N] [--thp] [--out FILE.json]
#
# --build    first build bench/target/benchmarks.jar (mvn -o -q -pl bench -am package -DskipTests)
# --cache N  a node cache of N sessions instead of the default (a fifth of the fork's 2 GB heap);
#            --cache 100000 is the fixed size before issue 19
# --thp      the forks' heaps on transparent huge pages (-XX:+UseTransparentHugePages; Linux with
#            THP "madvise" or "always"): fewer TLB misses for lookups spread over a large heap
#
# Each size also runs findCeiling: the same sessions in a bare ConcurrentHashMap (no database, no
# cache policy), the lookup's ceiling on this machine; its fill takes seconds, not minutes. And
# findFloor: the same sessions in LookupFloor, a table where a hit reads two objects and nothing
# else, the least memory a lookup returning a session can touch: how far any such lookup falls from
# 10,000 to 1,000,000 sessions on this machine. The forks' heaps are touched before they start
# (-XX:+AlwaysPreTouch): without it, and with one warm-up iteration fewer, the bare map's rate at
# 1M fell by half within a fork (likely the heap's pages being touched first; not isolated).
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth), java and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

build=0 cache=default out="" jmh=()
while (($#)); do
  case "$1" in
    --build) build=1 ;;
    --cache) cache="$2"; shift ;;
    --out) out="$2"; shift ;;
    --thp) jmh=(-jvmArgsAppend "-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages") ;;
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
java -jar "$jar" 'TableSizeBenchmark.find$|TableSizeBenchmark.findCeiling$|TableSizeBenchmark.findFloor$' \
  -p rows=10000,1000000 -p cache="$cache" ${jmh[@]+"${jmh[@]}"} \
  -f 3 -wi 3 -w 1 -i 3 -r 1 -rf json -rff "$out" 2>&1 \
  | grep -E '^# (Benchmark:|Parameters|Fork|node cache|warm)|^Iteration|TableSizeBenchmark\.find|rror' || true
echo "# took $(( $(date +%s) - started )) s; load average now: $(cut -d' ' -f1-3 /proc/loadavg); raw: $out"

python3 - "$out" <<'PY'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))
by = {"find": {}, "findCeiling": {}, "findFloor": {}}
labels = {"find": "store find", "findCeiling": "bare map", "findFloor": "floor"}
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    forks = [statistics.mean(f) for f in r["primaryMetric"]["rawData"]]
    by[name][int(r["params"]["rows"])] = forks
    med = statistics.median(forks)
    print(f"{labels[name]:<11} rows={int(r['params']['rows']):>9,} cache={r['params']['cache']}: forks "
          + ", ".join(f"{x:,.0f}" for x in forks)
          + f" /s; median {med:,.0f}, spread (max-min)/median {(max(forks)-min(forks))/med:.1%}")
ratios = {}
for name, rows in by.items():
    if 10000 in rows and 1000000 in rows:
        small, big = rows[10000], rows[1000000]
        ratios[name] = statistics.median(big) / statistics.median(small)
        worst = min(big) / max(small)
        print(f"{labels[name]}: 1M / 10k = {ratios[name]:.2f} of the median (worst fork against best:"
              f" {worst:.2f})")
if "find" in ratios:
    print(f"target >= 0.50 (within 2x): {'met' if ratios['find'] >= 0.5 else 'NOT met'}")
def at_1m(name):
    return statistics.median(by[name][1000000])
for other in ("findCeiling", "findFloor"):
    if "find" in ratios and other in ratios:
        print(f"the store's ratio is {ratios['find'] / ratios[other]:.0%} of the {labels[other]}'s;"
              f" at 1M the store finds at {at_1m('find') / at_1m(other):.0%} of its rate")
if "findFloor" in ratios:
    print(f"the floor (two objects a hit): 1M / 10k = {ratios['findFloor']:.2f}: "
          + ("a lookup returning a session can stay within 2x here" if ratios["findFloor"] >= 0.5
             else "no lookup returning a session stays within 2x on this machine"))
PY
