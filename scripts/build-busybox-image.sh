#!/usr/bin/env bash
# Builds a tiny web server image with no registry access: FROM scratch + Debian's static busybox,
# serving /www on port 8080. Usage: build-busybox-image.sh IMAGE_REF [INDEX_HTML]
set -euo pipefail
ref=$1
index=${2:-}
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/rootfs/bin" "$context/rootfs/etc" "$context/rootfs/tmp" "$context/rootfs/www"
cp /bin/busybox "$context/rootfs/bin/busybox"
for applet in sh httpd ls cat echo sleep wget; do ln -s busybox "$context/rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$context/rootfs/etc/passwd"
echo 'root:x:0:' >"$context/rootfs/etc/group"
if [ -n "$index" ]; then cp "$index" "$context/rootfs/www/index.html"; else echo "<h1>$ref</h1>" >"$context/rootfs/www/index.html"; fi
cat >"$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
EXPOSE 8080
CMD ["/bin/httpd", "-f", "-p", "8080", "-h", "/www"]
DOCKERFILE
docker build -q -t "$ref" "$context" >/dev/null
