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
if [ ! -s "$tarball" ]; then
    command -v mmdebstrap >/dev/null || { echo "portique: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 1; }
    mkdir -p "$cache"
    echo "portique: building a Debian 12 root with mmdebstrap into $tarball (once)" >&2
    mmdebstrap --quiet --variant=apt --mode=root --include="$include" "$suite" "$tarball.partial" http://deb.debian.org/debian >&2
    mv "$tarball.partial" "$tarball"
fi
echo "$tarball"
