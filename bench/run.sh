#!/usr/bin/env bash
# Builds the benchmarks and runs them; results go to bench/results/<date>-<commit>.{txt,json}.
# Usage: bench/run.sh [JMH options, e.g. a benchmark regex such as 'InMemoryStoreBenchmark.find']
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl bench -am package
mkdir -p bench/results
stamp="$(date -u +%Y-%m-%dT%H%MZ)-$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
java -jar bench/target/benchmarks.jar -rf json -rff "bench/results/$stamp.json" "$@" \
  | tee "bench/results/$stamp.txt"
echo "results: bench/results/$stamp.txt"
