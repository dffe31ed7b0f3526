#!/usr/bin/env bash
# The README's main job: on a fresh Debian 12 (root, no Docker Hub), install what the demo uses, start
# dockerd and a local registry, build the Debian package (scripts/package.sh) and install it (the
# `portique` command), then run `portique instance` on a demo root with four services on the root's
# private network (activer_reseau_conteneurs=oui, docs/network.md):
#   bonjour  technology docker      image from the local registry (filled here from Debian's busybox)
#   site     technology docker+git  image built from a local git repository's tag v1
#   blog     technology docker      WordPress from Debian's wordpress package, published at /blog/
#   blog-db  technology docker      MariaDB from Debian's mariadb-server, reached by the blog by its name,
#                                   on the private network only
# (the blog's two images are built from Debian packages by scripts/build-debian-image.sh, once: three
# to four minutes here the first time), and print their URLs and a status table. Re-running it is safe:
# nothing changes the second time.
#   scripts/demo.sh --clean   removes the demo's services and private network through Portique
#                             (nombre_conteneur=0, activer_reseau_conteneurs=non, reconfigure),
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
        echo "portique: removing the demo services and its private network (nombre_conteneur=0, reconfigure)"
        portique set nombre_conteneur=0 activer_reseau_conteneurs=non
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

echo "portique: building the blog's images from Debian packages (WordPress, MariaDB: three to four minutes the first time)"
scripts/build-debian-image.sh images/wordpress 127.0.0.1:5000/portique-demo/wordpress:1.0 --push >/dev/null &
wordpress_build=$!
scripts/build-debian-image.sh images/mariadb 127.0.0.1:5000/portique-demo/mariadb:1.0 --push >/dev/null
wait "$wordpress_build"

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

# The blog's password is a variable of an administrator's own dictionary (type password), beside Portique's
# dictionaries as on an EOLE server (/usr/share/portique is the package's).
mkdir -p "$root/usr/share/eole/creole/dicos" "$root/usr/share"
cp demo/blog/90_demo_blog.xml "$root/usr/share/eole/creole/dicos/"
[ -e "$root/usr/share/portique" ] || ln -s /usr/share/portique "$root/usr/share/portique"

echo "portique: configuring $root"
if [ -z "$(portique get mdp_blog 2>/dev/null)" ]; then
    portique set mdp_blog="$(openssl rand -base64 18)"
fi
portique set \
    nombre_conteneur=4 activer_reseau_conteneurs=oui \
    frontal_port_http="$http_port" frontal_port_https="$https_port" \
    conteneur1_name=bonjour conteneur1_type=docker \
    conteneur1_url=portique-demo/busybox-httpd conteneur1_tag=1.0 conteneur1_repository=127.0.0.1:5000 \
    conteneur1_port_in=8080 conteneur1_port_out=18081 \
    conteneur1_mountpoint_in=/data conteneur1_mountpoint_out="$root/srv/bonjour" \
    conteneur2_name=site conteneur2_type=docker+git \
    conteneur2_url=portique-demo/site conteneur2_tag=v1 conteneur2_repository="file://$git_dir" \
    conteneur2_port_in=8080 conteneur2_port_out=18082 \
    conteneur3_name=blog conteneur3_type=docker \
    conteneur3_url=portique-demo/wordpress conteneur3_tag=1.0 conteneur3_repository=127.0.0.1:5000 \
    conteneur3_port_in=80 conteneur3_chemin_conserve=oui \
    conteneur3_mountpoint_in=/var/lib/wordpress/wp-content/uploads conteneur3_mountpoint_out="$root/srv/blog" \
    conteneur3_environnement=WORDPRESS_DB_HOST=blog-db conteneur3_environnement=WORDPRESS_DB_NAME=blog \
    conteneur3_environnement=WORDPRESS_DB_USER=blog conteneur3_secrets=WORDPRESS_DB_PASSWORD=mdp_blog \
    conteneur4_name=blog-db conteneur4_type=docker \
    conteneur4_url=portique-demo/mariadb conteneur4_tag=1.0 conteneur4_repository=127.0.0.1:5000 \
    conteneur4_port_in=3306 conteneur4_route_web=non \
    conteneur4_mountpoint_in=/var/lib/mysql conteneur4_mountpoint_out="$root/srv/blog-db" \
    conteneur4_environnement=MARIADB_DATABASE=blog conteneur4_environnement=MARIADB_USER=blog \
    conteneur4_secrets=MARIADB_PASSWORD=mdp_blog
# One row whose host port is empty: the blog and its database publish nothing on the host (nginx reaches the
# blog on its private address). `VAR=` alone would empty the whole list.
portique set conteneur3_port_out ""
portique set conteneur4_port_out ""

portique instance
portique status

echo
echo "Services:"
for name in bonjour site blog; do
    echo "  http://127.0.0.1:$http_port/$name/   https://127.0.0.1:$https_port/$name/ (self-signed)"
done
echo
echo "First lines of http://127.0.0.1:$http_port/bonjour/ :"
curl -fsS "http://127.0.0.1:$http_port/bonjour/" | head -3
echo "The blog (WordPress on MariaDB): open http://127.0.0.1:$http_port/blog/ and choose its title and administrator."
echo "Try: portique --root $root plan   (exit 0: nothing to do);  man portique"
echo "Clean up: scripts/demo.sh --clean"
