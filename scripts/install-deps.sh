#!/usr/bin/env bash
# Installs, from Debian's archive only, what Portique and its tests need on a fresh Debian 12 (root).
# Idempotent: packages already present are not reinstalled.
set -euo pipefail

packages=(docker.io nginx libnginx-mod-stream docker-registry busybox-static git openssl ca-certificates curl iproute2 procps chromium rsync
    qemu-system-x86 qemu-utils linux-image-amd64 syslinux syslinux-common mtools dosfstools
    lxc skopeo umoci jq vagrant podman python3-cheetah)
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
    echo "portique: the .NET 10 SDK is required (dotnet on PATH)" >&2
    exit 1
fi
