#!/usr/bin/env bash
# Enforcement's CPU per login (issue 20): a limit-1 login (each one evicts) minus an unlimited one,
# cheap hash, A B B A, three repetitions with their spread, on H2 and PostgreSQL, as a fraction of
# an Argon2id login measured in the same run. 8 to 12 minutes on 2 quiet cores. See docs/benchmarks.md.
#
#   bench/login-cost.sh [--no-build] [--m2] [LoginCost options: --reps N --seconds S --stores h2,postgres --profile DIR]
#
# Writes bench/results/<UTC date>-<commit>-login-cost.json. Needs PostgreSQL on 127.0.0.1:5432 (user
# postgres, trust); the scratch database sl_bench_login_<random> is dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
build=1 m2=0 args=()
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    --m2) m2=1 ;;
    *) args+=("$1") ;;
  esac
  shift
done
if ((build)); then
  if ((m2)); then mvn -q -B -DskipTests -pl bench package; else mvn -q -B -DskipTests -pl bench -am package; fi
fi
mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%MZ)-$(git rev-parse --short HEAD 2>/dev/null || echo nogit)-login-cost.json"
java -cp bench/target/benchmarks.jar dev.sessionlimits.bench.LoginCost "$out" ${args[@]+"${args[@]}"}
