#!/usr/bin/env bash
# Prints the path of a fresh Debian 12 root (a tarball made by mmdebstrap) holding what the portique
# package depends on plus man-db, for tests/Portique.Packaging.Tests to install the package into.
# Built once and cached under /var/cache/portique-packaging (PORTIQUE_ROOTFS_CACHE), keyed by its package list.
# Needs root, mmdebstrap and Debian's archive.
set -euo pipefail
suite=bookworm
include=man-db,nginx,libnginx-mod-stream,docker.io,openssl,libicu72,libssl3,ca-certificates
cache=${PORTIQUE_ROOTFS_CACHE:-/var/cache/portique-packaging}
key=$(printf '%s %s' "$suite" "$include" | sha256sum | cut -c1-12)
tarball=$cache/debian12-$key.tar
if [ ! -f "$tarball" ]; then
    command -v mmdebstrap >/dev/null || { echo "portique: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 1; }
    mkdir -p "$cache"
    echo "portique: building a Debian 12 root with mmdebstrap into $tarball (once)" >&2
    partial=$cache/debian12-$key.partial.tar
    mmdebstrap --quiet --variant=apt --mode=root --format=tar --include="$include" "$suite" "$partial" http://deb.debian.org/debian >&2
    mv "$partial" "$tarball"
fi
echo "$tarball"
