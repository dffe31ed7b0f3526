#!/bin/bash
# Snapshot formats compared in one run on the same data (docs/snapshots.md): what Portique does (GNU tar + sha256,
# the service stopped meanwhile) against Debian's restic and borgbackup. Prints seconds for two snapshots of unchanged
# data and one restore, the store's size, and the ratios peer/tar (above 1: tar faster or, for size, tar larger).
# Usage: benchmarks/snapshots/run.sh [DATA_DIR]   (default: a copy of /usr/lib/python3 and /usr/share/doc)
# Needs: apt-get install restic borgbackup bc
set -euo pipefail
for tool in restic borg bc; do
    command -v "$tool" >/dev/null || { echo "benchmarks/snapshots: $tool is missing (apt-get install restic borgbackup bc)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/portique-snapbench-XXXXXX)
trap 'rm -rf "$work"' EXIT
data=${1:-}
if [ -z "$data" ]; then
    data=$work/data
    mkdir -p "$data"
    cp -a /usr/lib/python3 /usr/share/doc "$data/"
fi
seconds() { local start; start=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc; }
mkdir -p "$work/restore-tar" "$work/restore-restic" "$work/restore-borg"
export RESTIC_PASSWORD=benchmark
restic init -q -r "$work/restic" >/dev/null
borg init -e none "$work/borg" >/dev/null 2>&1

tar1=$(seconds sh -c 'tar --numeric-owner --sparse --xattrs -C "$1" -cf "$2/s1.tar" . && sha256sum "$2/s1.tar"' _ "$data" "$work")
tar2=$(seconds sh -c 'tar --numeric-owner --sparse --xattrs -C "$1" -cf "$2/s2.tar" . && sha256sum "$2/s2.tar"' _ "$data" "$work")
tarr=$(seconds sh -c 'sha256sum "$1/s1.tar" && tar --numeric-owner -C "$1/restore-tar" -xpf "$1/s1.tar"' _ "$work")
tars=$(du -cb "$work/s1.tar" "$work/s2.tar" | tail -1 | cut -f1)
restic1=$(seconds restic -q -r "$work/restic" backup "$data")
restic2=$(seconds restic -q -r "$work/restic" backup "$data")
resticr=$(seconds restic -q -r "$work/restic" restore latest --target "$work/restore-restic")
restics=$(du -sb "$work/restic" | cut -f1)
borg1=$(seconds borg create "$work/borg::one" "$data")
borg2=$(seconds borg create "$work/borg::two" "$data")
borgr=$(seconds sh -c 'cd "$1/restore-borg" && borg extract "$1/borg::two"' _ "$work")
borgs=$(du -sb "$work/borg" | cut -f1)

ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
echo "data: $(du -sb "$data" | cut -f1) bytes, $(find "$data" -type f | wc -l) files; $(nproc) cores; $(date -u +%F)"
printf '%-8s %10s %10s %10s %14s\n' tool "first s" "second s" "restore s" "store bytes"
printf '%-8s %10.2f %10.2f %10.2f %14s\n' tar "$tar1" "$tar2" "$tarr" "$tars"
printf '%-8s %10.2f %10.2f %10.2f %14s\n' restic "$restic1" "$restic2" "$resticr" "$restics"
printf '%-8s %10.2f %10.2f %10.2f %14s\n' borg "$borg1" "$borg2" "$borgr" "$borgs"
echo "ratios peer/tar: restic first $(ratio "$restic1" "$tar1"), second $(ratio "$restic2" "$tar2"), restore $(ratio "$resticr" "$tarr"), store $(ratio "$restics" "$tars");" \
    "borg first $(ratio "$borg1" "$tar1"), second $(ratio "$borg2" "$tar2"), restore $(ratio "$borgr" "$tarr"), store $(ratio "$borgs" "$tars")"
