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
echo "portique: building the Debian package, the Debian 12 test root and the blog's images"
scripts/debian-rootfs.sh >"$results/rootfs.out" 2>"$results/rootfs.log" &
rootfs_job=$!
# The blog's images (WordPress, MariaDB from Debian packages) for BlogTests, built in the background while the
# package, the solution and the first tests run: BlogTests asks the same script, which waits for this build (a lock
# per recipe) and then finds the image; it builds them itself, and says why it failed, when this did not.
(for recipe in wordpress mariadb; do
    scripts/build-debian-image.sh "images/$recipe" "portique-images/$recipe:latest" || exit 1
done) >"$results/images.log" 2>&1 &
if package=$(scripts/package.sh 2>"$results/package.log" | tail -1) && [ -f "$package" ]; then
    export PORTIQUE_TEST_PACKAGE=$package
    # The tests that start portique as a process run this native executable, the one the package ships: what
    # administrators run, and it starts in milliseconds where the test build's portique.dll compiles itself at each
    # of the hundreds of runs (tests/Portique.TestSupport/PortiqueExecutable.cs).
    export PORTIQUE_TEST_EXECUTABLE=$PWD/artifacts/package/publish/portique
else
    echo "portique: scripts/package.sh failed (see $results/package.log); the packaging tests will say why" >&2
fi
if wait "$rootfs_job" && rootfs=$(tail -1 "$results/rootfs.out") && [ -f "$rootfs" ]; then
    export PORTIQUE_TEST_ROOTFS=$rootfs
else
    echo "portique: scripts/debian-rootfs.sh failed (see $results/rootfs.log); the packaging tests will say why" >&2
fi

# Build once, then run two lanes at once. Each lane starts with half of the end-to-end project's test classes (one
# test at a time in each), then takes the other projects from a shared queue, longest first, until none is left:
# `dotnet test Portique.sln` ran everything one after the other here. Two lanes, never three: the tests that count
# failed requests during a replacement (MultiHostTests, ZeroDowntimeTests) need a core's worth of slack, and one
# request in 2,000 failed when three lanes shared two cores. Lanes never share an engine's names, host ports or
# networks: TestPorts and TestNetworks take machine-wide locks and every test names its containers uniquely.
echo "portique: building the solution"
if ! dotnet build Portique.sln -nologo -v quiet >"$results/build.log" 2>&1; then
    tail -50 "$results/build.log" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi

# The first end-to-end half, by measured time (about 9 minutes each): the second half is every other class, so a
# new class always runs.
e2e_first_half=(ZeroDowntimeTests MultiHostTests SnapshotTests SwarmNetworkTests SecretTests)
e2e_first_filter=$(printf 'FullyQualifiedName~.%s.|' "${e2e_first_half[@]}")
e2e_first_filter=${e2e_first_filter%|}
e2e_second_filter=$(printf 'FullyQualifiedName!~.%s.&' "${e2e_first_half[@]}")
e2e_second_filter=${e2e_second_filter%&}

# The other projects, the longest first (measured) so that the lanes end together; any project not named here follows.
queue=$results/queue
longest_first=(Vagrant Podman Qemu Swarm Docker Lxc Orchestration Cli GenConfig)
: >"$queue"
for name in "${longest_first[@]}"; do
    [ -d "tests/Portique.Technologies.$name.Tests" ] && echo "tests/Portique.Technologies.$name.Tests" >>"$queue"
    [ -d "tests/Portique.$name.Tests" ] && echo "tests/Portique.$name.Tests" >>"$queue"
done
for project in tests/Portique.*.Tests; do
    [ "$project" = tests/Portique.EndToEnd.Tests ] || grep -qxF "$project" "$queue" || echo "$project" >>"$queue"
done

# The next project of the queue, taken under a lock (both lanes ask), or nothing when it is empty.
next_project() {
    (
        flock 9
        head -1 "$queue"
        sed -i 1d "$queue"
    ) 9>"$queue.lock"
}

# One project (or one part of it): its console output goes to its own log (lanes would interleave), one line says
# how it went, and a failing project's log is printed whole at the end.
run_project() {
    local project=$1 name=$2 log started
    shift 2
    log="$results/$name.log"
    started=$SECONDS
    if dotnet test "$project" --no-build --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
        --results-directory "$results" "$@" >"$log" 2>&1; then
        echo "portique: $name passed ($((SECONDS - started)) s)"
    else
        echo "portique: $name FAILED ($((SECONDS - started)) s), log: $log"
        echo "$log" >>"$results/failed-projects"
    fi
}

# A lane: the part of the end-to-end project it is given (none: only the queue), then projects from the queue.
run_lane() {
    local project
    if (($# > 0)); then
        run_project "$@"
    fi
    while project=$(next_project) && [ -n "$project" ]; do
        run_project "$project" "$(basename "$project")" "${extra[@]}"
    done
}

extra=("$@")
started=$SECONDS
e2e=tests/Portique.EndToEnd.Tests
if ((${#extra[@]} == 0)); then
    run_lane "$e2e" Portique.EndToEnd.Tests.1 --filter "$e2e_first_filter" &
    first_lane=$!
    run_lane "$e2e" Portique.EndToEnd.Tests.2 --filter "$e2e_second_filter"
else
    # The caller's own arguments (a --filter, say) cannot be combined with the halves' filters: one process.
    run_lane "$e2e" Portique.EndToEnd.Tests "${extra[@]}" &
    first_lane=$!
    run_lane
fi
wait "$first_lane"
echo "portique: tests ran in $((SECONDS - started)) s"
status=0
if [ -s "$results/failed-projects" ]; then
    status=1
    while read -r log; do
        echo "==== $log"
        cat "$log"
    done <"$results/failed-projects"
fi

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
