#!/usr/bin/env bash
# Portique against its peer, Debian's docker-compose (1.29), on equivalent services, in ONE run, ONE table:
#   20 services (one port, one volume each): first apply (median of several, each on an empty dockerd), no-op apply, plan, status, one service's tag changed
#   (containers recreated, failed requests to the 19 others through Portique's nginx during the apply);
#   100 and 500 services (no port, no volume: what grows is observation): no-op apply and plan, cost per service,
#   and the Engine API calls each tool makes, counted by a relay in front of dockerd (count-calls.py), not by either tool;
#   `validate` of 100 containers as a whole process (target < 150 ms) against `docker-compose config` of 100 services.
# The machine may be shared: compare the ratios measured in this run, not absolute times across runs.
# Traffic goes only to 127.0.0.1; every container, network and file made here is removed at the end.
# Usage: benchmarks/compose/run.sh [--quick] [--portique DIR]
#   --quick          3 repetitions instead of 5, no 500-service rows (a few minutes)
#   --portique DIR   use the build already published in DIR (default: `dotnet publish src/Portique.Cli -c Release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/compose/common.sh
quick=false build=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=true ;;
        --portique) build=$(realpath "$2"); shift ;;
        *) echo "usage: $0 [--quick] [--portique DIR]" >&2; exit 2 ;;
    esac
    shift
done
reps=5 scales=(100 500)
if $quick; then reps=3 scales=(100); fi
services=20
work=$(mktemp -d /tmp/portique-bench-XXXXXX)
root=$work/root scale_root=$work/scale-root valid_root=$work/validate-root
project=portiquebench scale_project=portiquebenchscale
image=127.0.0.1:5000/portique-bench/web
http_port=18880 https_port=18843 scale_http=18881 scale_https=18844

build=$(prepare_bench "$build" docker-compose bc python3)
portique_in() { local r=$1; shift; "$build/portique" --root "$r" "$@"; }
portique() { portique_in "$root" "$@"; }

relay=$work/docker.sock calls=$work/calls.log
python3 benchmarks/compose/count-calls.py "$relay" /var/run/docker.sock "$calls" &
relay_pid=$!

cleanup() {
    kill "$relay_pid" 2>/dev/null || true
    (cd "$work" && docker-compose -p "$project" down -t 1 >/dev/null 2>&1) || true
    (cd "$work/scale" 2>/dev/null && docker-compose -p "$scale_project" down -t 1 >/dev/null 2>&1) || true
    for r in "$root" "$scale_root" "$work"/first-*; do
        forget_root "$r"
    done
    rm -rf "$work"
}
trap cleanup EXIT

build_bench_images "$image" "$work"

seconds() { local start; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; echo "$(date +%s.%N) - $start" | bc; }
median_of() { local runs=() _; for _ in $(seq 1 "$reps"); do runs+=("$(seconds "$@")"); done; round "$(median "${runs[@]}")"; }
ratio() { LC_ALL=C printf '%.2f' "$(echo "scale=3; $1 / $2" | bc)"; }
per_service_ms() { echo "scale=1; 1000 * $1 / $2" | bc; }
# docker-compose 1.29 hangs here now and then (dockerd 20.10, Debian 12): an `up -d` creating 100 services stopped
# after 31, idle, its 134 threads all waiting on a lock. Every call is bounded; one that runs out is written down
# under the table, never silently counted as a time.
bounded_compose() {
    local status=0 limit=${COMPOSE_TIMEOUT:-900}
    timeout --kill-after=10 "$limit" docker-compose "$@" || status=$?
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        echo "docker-compose ${*:1:4}... ran out of $limit s (in $PWD)" | tee -a "$work/incidents" >&2
    fi
    return "$status"
}
compose() { (cd "$work" && bounded_compose -p "$project" "$@"); }
scale_compose() { (cd "$work/scale" && bounded_compose -p "$scale_project" "$@"); }
# converge_scale COUNT: the scale project's COUNT services created and running (a setup, not a measure). Fifty at a
# time: one `up -d` of 400 new services hung here twice, after 10 and 13, where batches of 50 never did. A batch that
# runs out of its bound is run again (at most 3 times): `up -d` goes on from where the last one stopped.
converge_scale() {
    local want=$1 first n attempt batch
    for ((first = 1; first <= want; first += 50)); do
        batch=()
        for ((n = first; n < first + 50 && n <= want; n++)); do batch+=("sc$n"); done
        for attempt in 1 2 3; do
            COMPOSE_TIMEOUT=300 scale_compose up -d "${batch[@]}" >/dev/null 2>&1 && break
        done
    done
}
ids() { docker ps -q --no-trunc --filter "$1" | sort; }
# Engine API calls of one command through the relay: "total (lists L, inspects I)".
counted() {
    : >"$calls"
    DOCKER_HOST=unix://$relay "$@" >/dev/null 2>&1 || true
    sleep 0.2
    local total lists inspects
    total=$(grep -c . "$calls" || true)
    lists=$(grep -cE ' /(containers|images|networks|volumes|services|tasks)/json$' "$calls" || true)
    inspects=$(grep -cE ' /(containers|images|networks|volumes)/[^/]+/json$' "$calls" || true)
    echo "$total ($lists list, $inspects inspect)"
}
# The table is written row by row outside the work directory, so a run stopped part-way keeps what it measured.
mkdir -p artifacts/benchmarks
table=$PWD/artifacts/benchmarks/compose-$(date -u +%Y%m%dT%H%M%SZ).md
row() { { printf '| %s ' "$@"; echo '|'; } >>"$table"; }

# ---------------------------------------------------------------- 20 services, one port and one volume each
assignments=("nombre_conteneur=$services" "frontal_port_http=$http_port" "frontal_port_https=$https_port")
printf 'version: "3"\nservices:\n' >"$work/docker-compose.yml"
for n in $(seq 1 $services); do
    assignments+=("conteneur${n}_name=svc$n" "conteneur${n}_url=portique-bench/web" "conteneur${n}_tag=1"
        "conteneur${n}_repository=127.0.0.1:5000" "conteneur${n}_port_in=8080" "conteneur${n}_port_out=$((19000 + n))"
        "conteneur${n}_mountpoint_in=/data" "conteneur${n}_mountpoint_out=$work/data/portique/svc$n")
    printf '  svc%s:\n    image: %s:1\n    restart: unless-stopped\n    ports: ["%s:8080"]\n    volumes: ["%s:/data"]\n' \
        "$n" "$image" "$((19100 + n))" "$work/data/compose/svc$n" >>"$work/docker-compose.yml"
done
portique set "${assignments[@]}" >/dev/null

# A first apply is one sample of dockerd creating 20 containers, which varies by a quarter from one run to the next
# here: the median of $reps, each tool on an empty dockerd, taking turns at going first. Portique's trials use roots of
# their own (their own nginx ports too: the last master may still be quitting); the measured root is applied after.
echo "20 services: first apply ($reps runs each)" >&2
firsts_p=() firsts_c=()
for rep in $(seq 1 "$reps"); do
    trial=$work/first-$rep
    # The same services as the measured root, behind nginx ports of their own (the first three assignments are
    # nombre_conteneur and the root's ports).
    portique_in "$trial" set "nombre_conteneur=$services" "frontal_port_http=$((http_port + 10 + rep))" \
        "frontal_port_https=$((https_port + 10 + rep))" "${assignments[@]:3}" >/dev/null
    if ((rep % 2 == 1)); then
        firsts_p+=("$(seconds portique_in "$trial" instance)")
        forget_root "$trial"
        firsts_c+=("$(seconds compose up -d)")
        compose down -t 1 >/dev/null 2>&1
    else
        firsts_c+=("$(seconds compose up -d)")
        compose down -t 1 >/dev/null 2>&1
        firsts_p+=("$(seconds portique_in "$trial" instance)")
        forget_root "$trial"
    fi
done
first_p=$(round "$(median "${firsts_p[@]}")")
first_c=$(round "$(median "${firsts_c[@]}")")
portique instance >/dev/null 2>&1
compose up -d >/dev/null 2>&1
echo "20 services: no-op, plan, status ($reps runs each)" >&2
noop_p=$(median_of portique reconfigure)
noop_c=$(median_of compose up -d)
plan_p=$(median_of portique plan)
status_p=$(median_of portique status)
status_c=$(median_of compose ps)
noop_calls_p=$(counted portique reconfigure)
noop_calls_c=$(counted compose up -d)
plan_calls_p=$(counted portique plan)
status_calls_p=$(counted portique status)
status_calls_c=$(counted compose ps)

echo "20 services: one tag changed, under load" >&2
before_p=$(ids "label=portique.root=$root")
before_c=$(ids "label=com.docker.compose.project=$project")
portique set conteneur7_tag 2 >/dev/null
sed -i "/^  svc7:/,/^  svc8:/ s|image: $image:1|image: $image:2|" "$work/docker-compose.yml"
stop=$work/load.run
touch "$stop"
(
    ok=0 failed=0 deadline=$((SECONDS + 120))
    while [ -e "$stop" ] && ((SECONDS < deadline)); do
        for n in $(seq 1 $services); do
            [ "$n" = 7 ] && continue
            if curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$http_port/svc$n/"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
        done
    done
    echo "$ok $failed" >"$work/load.result"
) &
load=$!
sleep 1
change_p=$(round "$(seconds portique reconfigure)")
rm -f "$stop"
wait "$load"
read -r load_ok load_failed <"$work/load.result"
change_c=$(round "$(seconds compose up -d)")
recreated_p=$(comm -13 <(echo "$before_p") <(ids "label=portique.root=$root") | grep -c . || true)
recreated_c=$(comm -13 <(echo "$before_c") <(ids "label=com.docker.compose.project=$project") | grep -c . || true)

# ---------------------------------------------------------------- validate, 100 containers, whole process
valid=("nombre_conteneur=100")
mkdir -p "$work/valid"
printf 'version: "3"\nservices:\n' >"$work/valid/docker-compose.yml"
for n in $(seq 1 100); do
    valid+=("conteneur${n}_name=svc$n" "conteneur${n}_url=portique-bench/web" "conteneur${n}_tag=1"
        "conteneur${n}_repository=127.0.0.1:5000" "conteneur${n}_port_in=8080" "conteneur${n}_port_out=$((20000 + n))")
    printf '  svc%s:\n    image: %s:1\n    ports: ["%s:8080"]\n' "$n" "$image" "$((20000 + n))" >>"$work/valid/docker-compose.yml"
done
portique_in "$valid_root" set "${valid[@]}" >/dev/null
echo "validate, 100 containers" >&2
validate_p=$(median_of portique_in "$valid_root" validate)  # seconds, 2 decimals
validate_c=$(median_of bash -c "cd '$work/valid' && docker-compose config -q")

{
    echo "| measure | services | Portique (s) | docker-compose 1.29 (s) | compose / Portique | target | Engine API calls: Portique | compose |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} >"$table"
row "first apply, median of $reps" "$services" "$first_p" "$first_c" "$(ratio "$first_c" "$first_p")" ">= 1" "" ""
row "no-op apply (reconfigure / up -d), median of $reps" "$services" "$noop_p" "$noop_c" "$(ratio "$noop_c" "$noop_p")" ">= 3" "$noop_calls_p" "$noop_calls_c"
row "plan (against compose's no-op up -d)" "$services" "$plan_p" "$noop_c" "$(ratio "$noop_c" "$plan_p")" ">= 3" "$plan_calls_p" ""
row "status / ps, median of $reps" "$services" "$status_p" "$status_c" "$(ratio "$status_c" "$status_p")" ">= 3" "$status_calls_p" "$status_calls_c"
row "one tag changed: apply" "$services" "$change_p" "$change_c" "$(ratio "$change_c" "$change_p")" ">= 1" "" ""
row "one tag changed: containers recreated" "$services" "$recreated_p" "$recreated_c" "" "1" "" ""
row "one tag changed: requests to the 19 others, ok / failed" "$services" "$load_ok / $load_failed" "n/a" "" "0 failed" "" ""
row "validate / config -q, whole process, median of $reps" 100 "$validate_p" "$validate_c" "$(ratio "$validate_c" "$validate_p")" "< 0.150 s" "" ""

# ---------------------------------------------------------------- 100 and 500 services: observation cost
mkdir -p "$work/scale"
previous=0
for count in "${scales[@]}"; do
    echo "$count services: apply, then no-op and plan ($reps runs each)" >&2
    scale=("nombre_conteneur=$count" "frontal_port_http=$scale_http" "frontal_port_https=$scale_https")
    printf 'version: "3"\nservices:\n' >"$work/scale/docker-compose.yml"
    for n in $(seq 1 "$count"); do
        [ "$n" -gt "$previous" ] && scale+=("conteneur${n}_name=sc$n" "conteneur${n}_url=portique-bench/web" "conteneur${n}_tag=1" "conteneur${n}_repository=127.0.0.1:5000")
        printf '  sc%s:\n    image: %s:1\n    restart: unless-stopped\n' "$n" "$image" >>"$work/scale/docker-compose.yml"
    done
    portique_in "$scale_root" set "${scale[@]}" >/dev/null
    if [ "$previous" = 0 ]; then portique_in "$scale_root" instance >/dev/null 2>&1 || true; else portique_in "$scale_root" reconfigure >/dev/null 2>&1 || true; fi
    converge_scale "$count"
    previous=$count
    s_noop_p=$(median_of portique_in "$scale_root" reconfigure)
    s_noop_c=$(median_of scale_compose up -d)
    s_plan_p=$(median_of portique_in "$scale_root" plan)
    row "no-op apply, median of $reps; per service: $(per_service_ms "$s_noop_p" "$count") ms vs $(per_service_ms "$s_noop_c" "$count") ms" "$count" "$s_noop_p" "$s_noop_c" "$(ratio "$s_noop_c" "$s_noop_p")" ">= 3" \
        "$(counted portique_in "$scale_root" reconfigure)" "$(counted scale_compose up -d)"
    row "plan, median of $reps; per service: $(per_service_ms "$s_plan_p" "$count") ms" "$count" "$s_plan_p" "$s_noop_c" "$(ratio "$s_noop_c" "$s_plan_p")" ">= 3" \
        "$(counted portique_in "$scale_root" plan)" ""
done

echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(docker version -f 'dockerd {{.Server.Version}}' 2>/dev/null), $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /'), build: $build"
cat "$table"
if [ -s "$work/incidents" ]; then
    echo
    echo "docker-compose incidents in this run (a row timed through a call that ran out measures the bound, not compose):"
    cat "$work/incidents"
fi
echo "(kept in $table)" >&2
