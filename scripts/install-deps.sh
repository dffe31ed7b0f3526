#!/usr/bin/env bash
# Installs, from Debian's archive only, what Portique needs on a fresh Debian 12 (root).
#   scripts/install-deps.sh          what the demo uses: dockerd, nginx, a registry, busybox, git, mmdebstrap
#                                    (the blog's images), and the tools scripts/package.sh builds the package with
#   scripts/install-deps.sh --tests  also every engine and tool the tests drive (podman, lxc, vagrant, qemu
#                                    with a kernel and syslinux for the test VMs, chromium for genconfig's
#                                    browser tests, lintian for the package test, python3-cheetah
#                                    for the EOLE compatibility tests, socat for a UDP service...)
# Idempotent: packages already present are not reinstalled. The .NET 10 SDK is not in Debian: see README.
set -euo pipefail

packages=(docker.io nginx libnginx-mod-stream docker-registry busybox-static git openssl ca-certificates curl iproute2 procps
    iptables dnsmasq-base dpkg-dev binutils clang mmdebstrap)
case "${1:-}" in
    --tests)
        packages+=(chromium rsync qemu-system-x86 qemu-utils linux-image-amd64 syslinux syslinux-common mtools dosfstools
            lxc skopeo umoci jq vagrant podman catatonit lintian man-db python3-cheetah socat) ;;
    "") ;;
    *) echo "usage: $0 [--tests]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "portique: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v dotnet >/dev/null; then
    echo "portique: the .NET 10 SDK is required to build Portique (dotnet on PATH): see the README's prerequisites" >&2
    exit 1
fi
