#!/usr/bin/env bash
# Builds an OCI image from Debian 12 packages, offline from Docker Hub: mmdebstrap makes the root from the
# recipe's package list, the recipe's rootfs/ files are laid over it, `docker import` makes the image with
# the recipe's Dockerfile instructions (CMD, EXPOSE, ENV...). A recipe is a folder under images/:
#   packages   Debian packages, one per line (their dependencies come with them)
#   changes    instructions for `docker import --change`, one per line
#   rootfs/    files copied over the root (owned by root, modes kept)
# Usage: scripts/build-debian-image.sh RECIPE REFERENCE [--push]
#   e.g. scripts/build-debian-image.sh images/wordpress 127.0.0.1:5000/portique-demo/wordpress:1.0 --push
# Built once: the image is kept as portique-images/NAME:KEY, KEY a digest of the recipe, and only tagged
# REFERENCE afterwards (a few seconds). The first build takes one to two and a half minutes per image here.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ] || { [ $# -eq 3 ] && [ "$3" != --push ]; }; then
    echo "usage: $0 RECIPE REFERENCE [--push]" >&2
    exit 2
fi
recipe=${1%/}
reference=$2
push=${3:-}
for file in packages changes; do
    [ -f "$recipe/$file" ] || { echo "portique: $recipe/$file is missing (see the top of $0)" >&2; exit 2; }
done
name=$(basename "$recipe")
case $name in *[!a-z0-9_.-]* | '') echo "portique: $recipe: a recipe's folder name is lowercase letters, digits, '.', '_' or '-'" >&2; exit 2 ;; esac
suite=bookworm

# The key covers everything the image is made from: suite, packages, instructions, and each overlay file's
# path, mode and content.
key=$( {
    echo "$suite"
    cat "$recipe/packages" "$recipe/changes"
    if [ -d "$recipe/rootfs" ]; then
        (cd "$recipe/rootfs" && find . \( -type f -o -type l \) -printf '%p %m %l\n' | LC_ALL=C sort)
        (cd "$recipe/rootfs" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
    fi
} | sha256sum | cut -c1-12)
cached=portique-images/$name:$key

# One build of a recipe at a time: a second caller (the test suite's prebuild and a test, two demos) waits for the
# first, then finds its image.
mkdir -p /run/lock
exec 9>"/run/lock/portique-image-$name.lock"
flock 9

if docker image inspect "$cached" >/dev/null 2>&1; then
    echo "portique: $name image already built ($cached)" >&2
else
    command -v mmdebstrap >/dev/null || { echo "portique: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 1; }
    sources=
    for candidate in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
        if [ -s "$candidate" ]; then sources=$candidate; break; fi
    done
    [ -n "$sources" ] || { echo "portique: no apt sources on this host (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list)" >&2; exit 1; }
    work=$(mktemp -d /var/tmp/portique-image-XXXXXX)
    trap 'rm -rf "$work"' EXIT
    packages=$(grep -v '^[[:space:]]*\(#\|$\)' "$recipe/packages" | paste -sd, -)
    started=$SECONDS
    echo "portique: building the $name image from Debian packages ($packages), once: one to two minutes" >&2
    # No documentation, manual pages or translations in the image: a third of its size, never read there.
    # The overlay is copied by a hook, in the root before it is packed (the path reaches the hook through
    # the environment, never pasted into its command): root-owned, modes and symbolic links kept.
    overlay=
    [ -d "$recipe/rootfs" ] && overlay=$(realpath "$recipe/rootfs")
    PORTIQUE_OVERLAY=$overlay mmdebstrap --quiet --variant=apt --mode=root --format=tar \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --customize-hook='[ -z "$PORTIQUE_OVERLAY" ] || cp -R --preserve=mode "$PORTIQUE_OVERLAY"/. "$1"/' \
        --include="$packages" "$suite" "$work/root.tar" "$sources" >&2
    changes=()
    while IFS= read -r line; do
        [ -n "${line//[[:space:]]/}" ] && [ "${line#\#}" = "$line" ] && changes+=(--change "$line")
    done <"$recipe/changes"
    docker import "${changes[@]}" "$work/root.tar" "$cached" >/dev/null
    echo "portique: $name image built in $((SECONDS - started)) s ($cached)" >&2
fi

docker tag "$cached" "$reference"
if [ "$push" = --push ]; then
    docker push -q "$reference" >/dev/null
fi
echo "$reference"
