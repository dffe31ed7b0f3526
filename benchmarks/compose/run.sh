#!/usr/bin/env bash
# Portique against its peer, Debian's docker-compose (1.29), on 20 equivalent services, in one run:
#   (a) no-op: `portique reconfigure` vs `docker-compose up -d` when nothing changed (median of 5);
#   (b) first apply of the 20 services (images already local for both);
#   (c) one service's tag changed among 20: containers recreated by each, and failed requests seen by a
#       load loop against the 19 others through Portique's nginx during the reconfigure.
# Prints a table with ratios. Traffic goes only to 127.0.0.1. Usage: benchmarks/compose/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
services=20
work=$(mktemp -d /tmp/portique-bench-XXXXXX)
root=$work/root
project=portiquebench
image=127.0.0.1:5000/portique-bench/web
http_port=18880 https_port=18843

scripts/install-deps.sh
for tool in docker-compose bc; do command -v $tool >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $tool >/dev/null; done
scripts/start-services.sh
# ReadyToRun: precompiled, so each `portique` call starts without JIT work.
dotnet publish src/Portique.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o artifacts/portique --nologo -v quiet -clp:ErrorsOnly
portique() { dotnet "$repo/artifacts/portique/portique.dll" --root "$root" "$@"; }

cleanup() {
    (cd "$work" && docker-compose -p "$project" down -t 1 >/dev/null 2>&1) || true
    ids=$(docker ps -aq --filter "label=portique.root=$root")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    [ -f "$root/run/portique-nginx.pid" ] && nginx -c "$root/etc/nginx/nginx.conf" -s quit 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for tag in 1 2; do
    echo "<h1>bench $tag</h1>" >"$work/index-$tag.html"
    scripts/build-busybox-image.sh "$image:$tag" "$work/index-$tag.html"
    docker push -q "$image:$tag" >/dev/null
done

# The same 20 services for both tools: one port, one volume, restart unless-stopped.
assignments=("nombre_conteneur=$services" "frontal_port_http=$http_port" "frontal_port_https=$https_port")
{
    echo "version: '3'"
    echo "services:"
} >"$work/docker-compose.yml"
for n in $(seq 1 $services); do
    assignments+=("conteneur${n}_name=svc$n" "conteneur${n}_url=portique-bench/web" "conteneur${n}_tag=1"
        "conteneur${n}_repository=127.0.0.1:5000" "conteneur${n}_port_in=8080" "conteneur${n}_port_out=$((19000 + n))"
        "conteneur${n}_mountpoint_in=/data" "conteneur${n}_mountpoint_out=$work/data/portique/svc$n")
    cat >>"$work/docker-compose.yml" <<YML
  svc$n:
    image: $image:1
    restart: unless-stopped
    ports: ["$((19100 + n)):8080"]
    volumes: ["$work/data/compose/svc$n:/data"]
YML
done
portique set "${assignments[@]}"

seconds() { local start=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { echo "scale=2; $1 / $2" | bc; }
compose() { (cd "$work" && docker-compose -p "$project" "$@"); }
ids() { docker ps -q --no-trunc --filter "$1" | sort; }

echo "portique: (b) first apply of $services services"
first_portique=$(seconds portique instance)
first_compose=$(seconds compose up -d)

echo "portique: (a) no-op, 5 runs each"
noop_p=() noop_c=()
for _ in 1 2 3 4 5; do
    noop_p+=("$(seconds portique reconfigure)")
    noop_c+=("$(seconds compose up -d)")
done
noop_portique=$(median "${noop_p[@]}")
noop_compose=$(median "${noop_c[@]}")

echo "portique: (c) one service changed among $services, under load"
before_p=$(ids "label=portique.root=$root")
before_c=$(ids "label=com.docker.compose.project=$project")
portique set conteneur7_tag 2 >/dev/null
python3 - "$work/docker-compose.yml" <<'PY'
import sys, re
path = sys.argv[1]
text = open(path).read()
text = re.sub(r'(  svc7:\n    image: [^\n]*):1\n', r'\1:2\n', text)
open(path, 'w').write(text)
PY
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
change_portique=$(seconds portique reconfigure)
rm -f "$stop"
wait "$load"
read -r load_ok load_failed <"$work/load.result"
change_compose=$(seconds compose up -d)
after_p=$(ids "label=portique.root=$root")
after_c=$(ids "label=com.docker.compose.project=$project")
recreated_p=$(comm -13 <(echo "$before_p") <(echo "$after_p") | grep -c . || true)
recreated_c=$(comm -13 <(echo "$before_c") <(echo "$after_c") | grep -c . || true)

echo
echo "| measure ($services services) | Portique | docker-compose 1.29 | compose / Portique |"
echo "| --- | --- | --- | --- |"
echo "| (a) no-op apply, median of 5 (s) | $noop_portique | $noop_compose | $(ratio "$noop_compose" "$noop_portique") (target >= 3) |"
echo "| (b) first apply (s) | $first_portique | $first_compose | $(ratio "$first_compose" "$first_portique") (target >= 1) |"
echo "| (c) one tag changed: apply (s) | $change_portique | $change_compose | $(ratio "$change_compose" "$change_portique") |"
echo "| (c) containers recreated (expected 1) | $recreated_p | $recreated_c | |"
echo "| (c) requests to the 19 others during the apply: ok / failed | $load_ok / $load_failed | n/a | |"
