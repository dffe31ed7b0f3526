#!/usr/bin/env bash
# The README's main job: on a fresh Debian 12 (root, no Docker Hub), install what the demo uses, start
# dockerd and a local registry, build the Debian package (scripts/package.sh) and install it (the
# `portique` command), then run `portique instance` on a demo root with two services:
#   bonjour  technology docker      image from the local registry (filled here from Debian's busybox)
#   site     technology docker+git  image built from a local git repository's tag v1
# and print their URLs and a status table. Re-running it is safe: nothing changes the second time.
#   scripts/demo.sh --clean   removes the demo's services through Portique (nombre_conteneur=0, reconfigure),
#                             stops the demo's private nginx master and deletes the demo root. It leaves the
#                             portique package installed (apt-get purge portique removes it), dockerd and the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
root=${PORTIQUE_DEMO_ROOT:-$repo/demo/run}
http_port=${PORTIQUE_DEMO_HTTP_PORT:-8080}
https_port=${PORTIQUE_DEMO_HTTPS_PORT:-8443}
portique() { command portique --root "$root" "$@"; }

if [ "${1:-}" = "--clean" ]; then
    if [ -f "$root/etc/eole/config.eol" ] && command -v portique >/dev/null; then
        echo "portique: removing the demo services (nombre_conteneur=0, reconfigure)"
        portique set nombre_conteneur 0
        portique reconfigure
    fi
    if [ -s "$root/run/portique-nginx.pid" ]; then
        echo "portique: stopping the demo's nginx master"
        kill -QUIT "$(cat "$root/run/portique-nginx.pid")" 2>/dev/null || true
        for _ in $(seq 1 50); do [ -e "$root/run/portique-nginx.pid" ] || break; sleep 0.1; done
    fi
    [ "$(realpath -m "$root")" != / ] && rm -rf "$root"
    echo "portique: demo cleaned ($root removed; the package stays: apt-get purge portique)"
    exit 0
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--clean]" >&2
    exit 2
fi

scripts/install-deps.sh
scripts/start-services.sh

echo "portique: building the Debian package"
deb=$(scripts/package.sh | tail -1)
echo "portique: installing $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --reinstall "$deb" >/dev/null

echo "portique: filling the local registry with the demo image"
base=127.0.0.1:5000/portique-demo/busybox-httpd:1.0
scripts/build-busybox-image.sh "$base" demo/image/index.html
docker push -q "$base" >/dev/null

git_dir=$root/srv/git/site
if [ ! -d "$git_dir/.git" ]; then
    echo "portique: creating the demo git repository $git_dir (tag v1)"
    mkdir -p "$git_dir"
    cp demo/site/Dockerfile demo/site/index.html "$git_dir/"
    git -C "$git_dir" init -q -b main
    git -C "$git_dir" add Dockerfile index.html
    git -C "$git_dir" -c user.name=Portique -c user.email=portique@localhost commit -q -m "site v1"
    git -C "$git_dir" tag v1
fi

echo "portique: configuring $root"
portique set \
    nombre_conteneur=2 \
    frontal_port_http="$http_port" frontal_port_https="$https_port" \
    conteneur1_name=bonjour conteneur1_type=docker \
    conteneur1_url=portique-demo/busybox-httpd conteneur1_tag=1.0 conteneur1_repository=127.0.0.1:5000 \
    conteneur1_port_in=8080 conteneur1_port_out=18081 \
    conteneur1_mountpoint_in=/data conteneur1_mountpoint_out="$root/srv/bonjour" \
    conteneur2_name=site conteneur2_type=docker+git \
    conteneur2_url=portique-demo/site conteneur2_tag=v1 conteneur2_repository="file://$git_dir" \
    conteneur2_port_in=8080 conteneur2_port_out=18082

portique instance
portique status

echo
echo "Services:"
for name in bonjour site; do
    echo "  http://127.0.0.1:$http_port/$name/   https://127.0.0.1:$https_port/$name/ (self-signed)"
done
echo
echo "First lines of http://127.0.0.1:$http_port/bonjour/ :"
curl -fsS "http://127.0.0.1:$http_port/bonjour/" | head -3
echo "Try: portique --root $root plan   (exit 0: nothing to do);  man portique"
echo "Clean up: scripts/demo.sh --clean"
