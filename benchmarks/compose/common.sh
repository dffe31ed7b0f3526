# Sourced by run.sh and replacement.sh: what both benchmarks do the same way.

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
round() { LC_ALL=C printf '%.2f' "$1"; }

# build_bench_images IMAGE WORK: IMAGE:1 and IMAGE:2, busybox web servers whose page says "bench TAG", pushed to
# the local registry (both tools pull the same images).
build_bench_images() {
    local image=$1 work=$2 tag
    for tag in 1 2; do
        echo "<h1>bench $tag</h1>" >"$work/index-$tag.html"
        scripts/build-busybox-image.sh "$image:$tag" "$work/index-$tag.html" >/dev/null
        docker push -q "$image:$tag" >/dev/null
    done
}

# forget_root ROOT: removes what a Portique root left running: its containers (by their label) and its nginx master.
forget_root() {
    local r=$1 ids
    ids=$(docker ps -aq --filter "label=portique.root=$r")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    [ -f "$r/run/portique-nginx.pid" ] && nginx -c "$r/etc/nginx/nginx.conf" -s quit 2>/dev/null || true
}

# prepare_bench BUILD TOOL...: Portique's dependencies, the Debian packages of the given tools, the services; then
# prints the build to measure: BUILD when given, else a fresh `dotnet publish` (the project file makes it
# a native executable compiled ahead of time, as shipped).
prepare_bench() {
    local build=$1 tool
    shift
    scripts/install-deps.sh >/dev/null
    for tool in "$@"; do
        command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    done
    scripts/start-services.sh >/dev/null
    if [ -z "$build" ]; then
        build=$PWD/artifacts/portique
        dotnet publish src/Portique.Cli -c Release -o "$build" --nologo -v quiet -clp:ErrorsOnly >&2
    fi
    echo "$build"
}
