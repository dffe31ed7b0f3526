#!/usr/bin/env bash
# Every benchmark, in one run, each reported against its peer measured in the same run:
#   1. configuration engine, 100 containers: load + validate (+ render) with BenchmarkDotNet (target < 100 ms);
#   2. the Creole template engine against Cheetah with EOLE's settings (Debian's python3-cheetah);
#   3. reconfigure against Debian's docker-compose on 20 services (benchmarks/compose/run.sh).
# Usage: benchmarks/run.sh [--skip-compose]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dpkg-query -W -f='${Status}' python3-cheetah 2>/dev/null | grep -q "ok installed" \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-cheetah >/dev/null

echo "== 1. configuration engine (BenchmarkDotNet, in process)"
dotnet run -c Release --project benchmarks/Portique.Benchmarks -- --filter '*ConfigurationBenchmarks*' --job short --inProcess \
    | grep -E '^\|' || true
echo
echo "== 2. template engine vs Cheetah"
dotnet run -c Release --project benchmarks/Portique.Benchmarks -- compare-cheetah
echo
if [ "${1:-}" != "--skip-compose" ]; then
    echo "== 3. reconfigure vs docker-compose"
    benchmarks/compose/run.sh
fi
