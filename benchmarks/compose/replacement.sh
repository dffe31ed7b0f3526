#!/usr/bin/env bash
# Replacement under load (issue #13), Portique against docker-compose 1.29 in ONE run, ONE table: one web service
# changes its tag while a loop of requests (curl, one connection each) reaches it; measured: the time from the apply's
# start until the new version answers, the apply's own time, and the requests that failed during it.
#   Portique, sans_coupure (the default without volumes, private network on): new instance beside the old one, switch;
#   Portique, arret_prealable: the old instance stops first;
#   docker-compose up -d: compose stops the old container, then starts the new one.
# Each is measured RUNS times (default 3), alternating tags 1 → 2 → 1...; the table gives medians and the failed total.
# Traffic goes only to 127.0.0.1; every container, network and file made here is removed at the end.
# Usage: benchmarks/compose/replacement.sh [--runs N] [--portique DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/compose/common.sh
runs=3 build=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift ;;
        --portique) build=$(realpath "$2"); shift ;;
        *) echo "usage: $0 [--runs N] [--portique DIR]" >&2; exit 2 ;;
    esac
    shift
done
case "$runs" in '' | *[!0-9]* | 0) echo "--runs takes a number from 1" >&2; exit 2 ;; esac
work=$(mktemp -d /tmp/portique-replace-XXXXXX)
project=portiquereplace
image=127.0.0.1:5000/portique-bench/web
http_port=18890 https_port=18853 start_port=19890 stop_port=19891 compose_port=19892
network=10.250.0.0/24

build=$(prepare_bench "$build" docker-compose bc curl)
portique() { local r=$1; shift; "$build/portique" --root "$r" "$@"; }
compose() { (cd "$work" && docker-compose -p "$project" "$@"); }

cleanup() {
    compose down -t 1 >/dev/null 2>&1 || true
    for r in "$work/start" "$work/stop"; do
        portique "$r" set nombre_conteneur=0 activer_reseau_conteneurs=non >/dev/null 2>&1 && portique "$r" reconfigure >/dev/null 2>&1 || true
        forget_root "$r"
    done
    rm -rf "$work"
}
trap cleanup EXIT

build_bench_images "$image" "$work"

now() { date +%s.%N; }

# One replacement under load: $1 label, $2 new tag, $3 the apply command (a function name), $4... URLs to load.
# Prints "seconds-until-new-version apply-seconds ok failed".
measure() {
    local tag=$1 apply=$2; shift 2
    local stop=$work/load.run result=$work/load.result
    touch "$stop"
    (
        ok=0 failed=0
        while [ -e "$stop" ]; do
            for url in "$@"; do
                if curl -fs -o /dev/null --max-time 5 -H 'Connection: close' "$url"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
            done
        done
        echo "$ok $failed" >"$result"
    ) &
    local load=$! start served="" done_at
    sleep 1
    start=$(now)
    "$apply" "$tag" >"$work/apply.log" 2>&1 &
    local job=$!
    while [ -z "$served" ]; do
        if curl -fsS --max-time 2 "$1" 2>/dev/null | grep -q "bench $tag"; then served=$(now); fi
        if ! kill -0 "$job" 2>/dev/null && [ -z "$served" ] && ! curl -fsS --max-time 2 "$1" 2>/dev/null | grep -q "bench $tag"; then
            wait "$job" || { echo "apply failed:" >&2; cat "$work/apply.log" >&2; exit 1; }
        fi
        sleep 0.05
    done
    wait "$job" || { echo "apply failed:" >&2; cat "$work/apply.log" >&2; exit 1; }
    done_at=$(now)
    sleep 1
    rm -f "$stop"
    wait "$load"
    read -r ok failed <"$result"
    echo "$(echo "$served - $start" | bc) $(echo "$done_at - $start" | bc) $ok $failed"
}

# Portique roots: the private network on, one service without volumes; one root per replacement order.
# Container names are the host's, not the root's: each root names its service differently.
setup_root() {
    local r=$1 order=$2 port=$3 http=$4 https=$5 cidr=$6 name=$7
    portique "$r" set "frontal_port_http=$http" "frontal_port_https=$https" activer_reseau_conteneurs=oui "reseau_conteneurs=$cidr" \
        "conteneur1_name=web-$name" conteneur1_url=portique-bench/web conteneur1_tag=1 conteneur1_repository=127.0.0.1:5000 \
        conteneur1_port_in=8080 "conteneur1_port_out=$port" "conteneur1_remplacement=$order" >/dev/null
    portique "$r" instance >/dev/null
}
setup_root "$work/start" sans_coupure "$start_port" "$http_port" "$https_port" "$network" start
setup_root "$work/stop" arret_prealable "$stop_port" $((http_port + 1)) $((https_port + 1)) 10.250.1.0/24 stop
apply_start() { portique "$work/start" set conteneur1_tag "$1" >/dev/null && portique "$work/start" reconfigure; }
apply_stop() { portique "$work/stop" set conteneur1_tag "$1" >/dev/null && portique "$work/stop" reconfigure; }

printf 'version: "3"\nservices:\n  web:\n    image: %s:1\n    restart: unless-stopped\n    ports: ["127.0.0.1:%s:8080"]\n' "$image" "$compose_port" >"$work/docker-compose.yml"
compose up -d >/dev/null 2>&1
apply_compose() { sed -i "s|image: $image:.*|image: $image:$1|" "$work/docker-compose.yml" && compose up -d; }

declare -A served applied ok failed
for tool in start stop compose; do served[$tool]="" applied[$tool]="" ok[$tool]=0 failed[$tool]=0; done
tag=1
for run in $(seq 1 "$runs"); do
    tag=$((3 - tag))
    echo "run $run: tag → $tag" >&2
    for tool in start stop compose; do
        case $tool in
            start) urls=("http://127.0.0.1:$http_port/web-start/" "http://127.0.0.1:$start_port/") ;;
            stop) urls=("http://127.0.0.1:$((http_port + 1))/web-stop/" "http://127.0.0.1:$stop_port/") ;;
            compose) urls=("http://127.0.0.1:$compose_port/") ;;
        esac
        read -r s a o f < <(measure "$tag" "apply_$tool" "${urls[@]}")
        served[$tool]="${served[$tool]} $s" applied[$tool]="${applied[$tool]} $a"
        ok[$tool]=$((ok[$tool] + o)) failed[$tool]=$((failed[$tool] + f))
    done
done

echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(docker version -f 'dockerd {{.Server.Version}}' 2>/dev/null), $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /'), $runs runs, build: $build"
echo "| replacement under load (one service, tag change) | until the new version serves, median (s) | apply, median (s) | requests ok / failed (all runs) | target |"
echo "| --- | --- | --- | --- | --- |"
row() { echo "| $1 | $(round "$(median ${served[$2]})") | $(round "$(median ${applied[$2]})") | ${ok[$2]} / ${failed[$2]} | $3 |"; }
row "Portique, sans_coupure (nginx route and port_out)" start "0 failed"
row "Portique, arret_prealable (nginx route and port_out)" stop ""
row "docker-compose 1.29 up -d (its published port)" compose ""
