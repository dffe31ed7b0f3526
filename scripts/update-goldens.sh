#!/usr/bin/env bash
# Rewrites the golden files after a deliberate change of a template or of the rendering, then shows the diff to
# review. The tests themselves never rewrite a golden file: a mismatch always fails the test run. This script runs
# the golden tests once with PORTIQUE_GOLDEN_OUTPUT set (the tests then also write what they rendered), copies those
# renderings over the golden files, and runs the tests again: they must now pass.
set -uo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8 LC_ALL=C.UTF-8

projects=(tests/Portique.Orchestration.Tests tests/Portique.Frontend.Nginx.Tests)
filter="FullyQualifiedName~GoldenTests|FullyQualifiedName~ShippedTemplateTests"
output=$(mktemp -d)
trap 'rm -rf "$output"' EXIT

for project in "${projects[@]}"; do
    PORTIQUE_GOLDEN_OUTPUT="$output" dotnet test "$project" --filter "$filter" >/dev/null 2>&1 || true
done
if [ -z "$(find "$output" -type f)" ]; then
    echo "no golden file was rendered: do the projects build? (dotnet build ${projects[*]})" >&2
    exit 1
fi
cp -r "$output"/. .
git --no-pager diff --stat -- 'tests/*/Golden'
for project in "${projects[@]}"; do
    dotnet test "$project" --filter "$filter" || { echo "golden tests still fail in $project" >&2; exit 1; }
done
echo "golden files rewritten: review 'git diff -- tests/*/Golden' before committing"
