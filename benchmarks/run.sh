#!/usr/bin/env bash
# Every benchmark, in one run, each reported against its peer measured in the same run:
#   1. Portique against Debian's docker-compose: ONE table of ratios (20 services: first apply, no-op, plan, status, one
#      changed service under load; 100 and 500 services: no-op and plan with the per-service cost and the Engine API
#      calls; validate of 100 containers as a whole process) — benchmarks/compose/run.sh; then one service replaced
#      under load (until the new version serves, failed requests) — benchmarks/compose/replacement.sh;
#   2. configuration engine, 100 containers: load + validate (+ render) in process, BenchmarkDotNet (target < 100 ms);
#   3. the Creole template engine against Cheetah with EOLE's settings (Debian's python3-cheetah).
# Usage: benchmarks/run.sh [--quick] [--skip-compose] [--portique DIR]
#   --quick         a few minutes: 3 repetitions, no 500-service rows, no BenchmarkDotNet or Cheetah sections
#   --skip-compose  only sections 2 and 3
#   --portique DIR  measure an already published build (e.g. an older one, for before/after numbers)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false compose=true compose_args=() replacement_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=true; compose_args+=(--quick); replacement_args+=(--runs 1) ;;
        --skip-compose) compose=false ;;
        --portique) compose_args+=(--portique "$2"); replacement_args+=(--portique "$2"); shift ;;
        *) echo "usage: $0 [--quick] [--skip-compose] [--portique DIR]" >&2; exit 2 ;;
    esac
    shift
done

if $compose; then
    echo "== 1. Portique vs docker-compose (ratios measured in this run)"
    benchmarks/compose/run.sh "${compose_args[@]}"
    echo
    echo "== 1b. replacement under load: Portique's two orders vs docker-compose (same run)"
    benchmarks/compose/replacement.sh "${replacement_args[@]}"
    echo
fi
$quick && exit 0

scripts/install-deps.sh >/dev/null
dpkg-query -W -f='${Status}' python3-cheetah 2>/dev/null | grep -q "ok installed" \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-cheetah >/dev/null
echo "== 2. configuration engine (BenchmarkDotNet, in process)"
dotnet run -c Release --project benchmarks/Portique.Benchmarks -- --filter '*ConfigurationBenchmarks*' --job short --inProcess \
    | grep -E '^\|' || true
echo
echo "== 3. template engine vs Cheetah"
dotnet run -c Release --project benchmarks/Portique.Benchmarks -- compare-cheetah
