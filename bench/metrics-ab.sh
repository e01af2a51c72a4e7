#!/usr/bin/env bash
# GET /auth/verify throughput with metrics recorded (the default Prometheus registry) and without
# (SL_BENCH_METRICS=off: a registry that records nothing), alternating A and B so that drift of a
# shared machine falls on both. Issue 16 allows metrics to cost at most 5% of verify throughput.
#
#   bench/metrics-ab.sh [rounds] [seconds]     defaults: 3 rounds of 15 s each, per side
#
# The embedded (H2) store, cheap hashing, 64 sessions, 32 keep-alive connections, the bench
# module's LoadGen (Java) as the load generator. SL_AB_NO_BUILD=1 uses
# bench/target/benchmarks.jar as it is. Everything listens on 127.0.0.1 and is sent load there only;
# each server gets its own temporary data directory, removed at exit. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}" seconds="${2:-15}"
jar=bench/target/benchmarks.jar
if [[ "${SL_AB_NO_BUILD:-0}" != 1 ]]; then
  mvn -q -B -DskipTests -pl bench -am package
fi
work="$(mktemp -d /tmp/sl-metrics-ab.XXXXXX)"
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# As HttpBench: the server on CPU 1, the load generator on CPU 0, when there are two and taskset.
pin_server=() pin_load=()
if command -v taskset >/dev/null && (($(nproc) >= 2)); then
  pin_server=(taskset -c 1) pin_load=(taskset -c 0)
fi

# One measurement: a fresh server (metrics on|off), a warm-up, then $seconds of load; prints req/s.
measure() {
  local mode="$1" dir="$work/$1-$RANDOM" ready
  mkdir -p "$dir"; ready="$dir/ready"
  SL_BENCH_METRICS="$mode" "${pin_server[@]}" java -Xmx512m -cp "$jar" dev.sessionlimits.bench.BenchServer \
    "h2:$dir/data" cheap "$ready" 64 >"$dir/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do [[ -s "$ready" ]] && break; sleep 0.1; done
  [[ -s "$ready" ]] || { echo "the server did not start: $dir/server.log" >&2; cat "$dir/server.log" >&2; exit 1; }
  local port; port="$(sed -n 's/^port=//p' "$ready")"
  load "$port" "$ready" 10 >/dev/null
  load "$port" "$ready" "$seconds"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

load() {
  local port="$1" ready="$2" secs="$3"
  "${pin_load[@]}" java -Xmx256m -cp "$jar" dev.sessionlimits.bench.LoadGen 127.0.0.1 "$port" verify "$ready" 32 "$secs" \
    | sed -n 's/^JSON //p' \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print(round(r["requests"]/(r["duration_us"]/1e6)))'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
on=() off=()
for r in $(seq 1 "$rounds"); do
  if ((r % 2)); then order="on off"; else order="off on"; fi
  for mode in $order; do
    rps="$(measure "$mode")"
    echo "round $r metrics $mode: $rps req/s"
    if [[ "$mode" == on ]]; then on+=("$rps"); else off+=("$rps"); fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "${on[*]}" "${off[*]}" <<'PY'
import statistics, sys
on = [float(x) for x in sys.argv[1].split()]
off = [float(x) for x in sys.argv[2].split()]
m_on, m_off = statistics.median(on), statistics.median(off)
print(f"median req/s: metrics on {m_on:.0f}, off {m_off:.0f}; on/off = {m_on / m_off:.3f}"
      f" ({(m_on / m_off - 1) * 100:+.1f}%)")
PY
