#!/usr/bin/env bash
# One node against three nodes on one PostgreSQL database, on this machine: /auth/verify (one valid
# session cookie per node) and logins (cheap test-only hash, users without a limit), each for 10 s
# with wrk on 127.0.0.1 only. Three nodes share the machine's cores with PostgreSQL and the load
# generators, so on a small machine this shows the cluster's overhead, not its scaling.
# Usage: bench/cluster.sh   (after bench/run.sh or `mvn -q -DskipTests package` built the bench jar)
set -uo pipefail
cd "$(dirname "$0")/.."
jar=bench/target/benchmarks.jar
[ -f "$jar" ] || mvn -q -B -DskipTests -pl bench -am package
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
work="$(mktemp -d /tmp/sl-cluster-bench.XXXXXX)"
db="sl_bench_cluster_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db" || exit 1
url="jdbc:postgresql://127.0.0.1:5432/$db?user=postgres"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/login.lua" <<'LUA'
local i = 0
request = function()
  i = (i + 1) % 64
  local body = '{"username":"unlimited-' .. i .. '","password":"bench-password-1"}'
  return wrk.format("POST", "/api/v1/login", {["Content-Type"] = "application/json"}, body)
end
LUA
for n in 1 2 3; do
  java -Xms512m -Xmx512m -cp "$jar" dev.sessionlimits.bench.BenchServer "postgres:$url" cheap \
    "$work/ready$n" 16 > "$work/node$n.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do [ -f "$work/ready$n" ] && break; sleep 0.5; done
  [ -f "$work/ready$n" ] || { echo "node $n did not start:" >&2; cat "$work/node$n.log" >&2; exit 1; }
done
port() { grep '^port=' "$work/ready$1" | cut -d= -f2; }
cookie() { grep '^cookie=' "$work/ready$1" | head -1 | cut -d= -f2; }
rate() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '/ 99%/ {print $2}' "$1"; }
verify() { wrk -t1 -c16 -d"$2" --latency -H "Cookie: sl_session=$(cookie "$1")" "http://127.0.0.1:$(port "$1")/auth/verify"; }
login() { wrk -t1 -c16 -d"$2" -s "$work/login.lua" "http://127.0.0.1:$(port "$1")"; }
for n in 1 2 3; do verify "$n" 4s > /dev/null; done
verify 1 10s > "$work/v1"
for n in 1 2 3; do verify "$n" 10s > "$work/v3-$n" & done; wait "${!}"; sleep 1
login 1 10s > "$work/l1"
for n in 1 2 3; do login "$n" 10s > "$work/l3-$n" & done; wait "${!}"; sleep 1
echo "$(date -u +%Y-%m-%dT%H:%MZ) commit $(git rev-parse --short HEAD), $(nproc) cores, bench/cluster.sh"
echo "| | one node | three nodes (sum) |"
echo "|---|---:|---:|"
echo "| /auth/verify req/s | $(rate "$work/v1") (p99 $(p99 "$work/v1")) | $(rate "$work/v3-1") + $(rate "$work/v3-2") + $(rate "$work/v3-3") |"
echo "| logins/s (cheap hash) | $(rate "$work/l1") | $(rate "$work/l3-1") + $(rate "$work/l3-2") + $(rate "$work/l3-3") |"
grep -h "Non-2xx\|Socket errors" "$work"/v* "$work"/l* || true
