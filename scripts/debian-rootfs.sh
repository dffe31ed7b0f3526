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
    # The host's own apt sources: the root comes from the archive this machine already uses.
    sources=
    for candidate in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
        if [ -s "$candidate" ]; then sources=$candidate; break; fi
    done
    [ -n "$sources" ] || { echo "portique: no apt sources on this host (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list)" >&2; exit 1; }
    mmdebstrap --quiet --variant=apt --mode=root --format=tar --include="$include" "$suite" "$partial" "$sources" >&2
    mv "$partial" "$tarball"
fi
echo "$tarball"
