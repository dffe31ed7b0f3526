#!/usr/bin/env bash
# The test command of the README: installs what is missing, starts the services the integration
# tests talk to (dockerd, registry; nginx masters are started by the tests), runs every test project
# and ends with one line "N passed, N failed, N skipped" summed from the real TRX results.
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Planning).
set -uo pipefail
cd "$(dirname "$0")/.."
# One language for every run: the tests set --lang where they check wording, and this keeps the rest (tool
# output, dates) the same on every machine, whatever the caller's locale.
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
# Goldens are compared, never rewritten, by a test run (scripts/update-goldens.sh rewrites them).
unset PORTIQUE_GOLDEN_OUTPUT

scripts/install-deps.sh --tests || exit 1
# The swarm tests need dockerd to be a swarm manager: this turns it into one (single node, 127.0.0.1).
scripts/start-services.sh --swarm || exit 1

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

# The Debian package and the Debian 12 root it is installed into are built before the tests, not during
# them: the package build takes both cores for minutes and would slow the engines' health deadlines.
# Portique.Packaging.Tests reuses them (and builds them itself, and fails, when these steps failed).
echo "portique: building the Debian package and the Debian 12 test root"
scripts/debian-rootfs.sh >"$results/rootfs.out" 2>"$results/rootfs.log" &
rootfs_job=$!
if package=$(scripts/package.sh 2>"$results/package.log" | tail -1) && [ -f "$package" ]; then
    export PORTIQUE_TEST_PACKAGE=$package
else
    echo "portique: scripts/package.sh failed (see $results/package.log); the packaging tests will say why" >&2
fi
if wait "$rootfs_job" && rootfs=$(tail -1 "$results/rootfs.out") && [ -f "$rootfs" ]; then
    export PORTIQUE_TEST_ROOTFS=$rootfs
else
    echo "portique: scripts/debian-rootfs.sh failed (see $results/rootfs.log); the packaging tests will say why" >&2
fi

dotnet test Portique.sln --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

passed=0 failed=0 skipped=0 found=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    found=1
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    passed=$((passed + $(value passed)))
    failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
    skipped=$((skipped + $(value notExecuted)))
done
if ((found == 0)); then
    echo "no test results were written" >&2
    failed=$((failed + 1))
fi
if ((status != 0 && failed == 0)); then
    # The build or a test host broke before results were written: count it, never hide it.
    failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
