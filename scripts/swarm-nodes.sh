#!/bin/bash
# A docker swarm of several nodes on this one machine, for the multi-host tests and for trying docs/multi-host.md by hand.
#
#   scripts/swarm-nodes.sh up [COUNT]   COUNT dockerd (default 3), each in its own network namespace (ptqnodeI) on the
#                                       bridge ptqsw0 (10.249.0.0/24, the host at .1, node I at .1I), node 1 the manager,
#                                       the others workers; the local registry (127.0.0.1:5000) is relayed at
#                                       10.249.0.1:5000, which every node trusts. Prints node 1's endpoint.
#   scripts/swarm-nodes.sh down         stops every node and removes what `up` made.
#
# Each dockerd is started with `nsenter --net` (not `ip netns exec`, which remounts /sys and hides the cgroup mounts)
# and `unshare --uts`, so each node has its own host name (ptqnodeI). The host's DOCKER-USER chain lets the bridge's
# traffic through. Needs root, iproute2, util-linux, socat, dockerd. Idempotent: `up` on running nodes only checks them.
set -euo pipefail

readonly BRIDGE=ptqsw0
readonly PREFIX=10.249.0
readonly REGISTRY_RELAY_PID=/run/ptqsw0-registry.pid

node_dir() { echo "/run/ptqnode$1"; }
node_socket() { echo "unix://$(node_dir "$1")/docker.sock"; }
node_docker() { local i=$1; shift; docker -H "$(node_socket "$i")" "$@"; }

start_node() {
    local i=$1 ns=ptqnode$1
    [ -e "/run/netns/$ns" ] || ip netns add "$ns"
    if ! nsenter --net="/run/netns/$ns" ip link show eth0 >/dev/null 2>&1; then
        # A veth left by an earlier namespace (still held by a process) would hide the new one.
        ip link del "ptqv$i" 2>/dev/null || true
        ip link add "ptqv$i" type veth peer name eth0 netns "$ns"
        ip link set "ptqv$i" master "$BRIDGE" up
        nsenter --net="/run/netns/$ns" ip addr add "$PREFIX.1$i/24" dev eth0
        nsenter --net="/run/netns/$ns" ip link set eth0 up
        nsenter --net="/run/netns/$ns" ip link set lo up
        nsenter --net="/run/netns/$ns" ip route add default via "$PREFIX.1"
    fi
    if node_docker "$i" version >/dev/null 2>&1; then
        return
    fi
    mkdir -p "/var/lib/ptqnode$i" "$(node_dir "$i")"
    # setsid: the node outlives this script; its own UTS namespace gives it its own host name.
    setsid unshare --uts sh -c 'hostname "$1"; shift; exec "$@"' sh "$ns" \
        nsenter --net="/run/netns/$ns" dockerd \
        --data-root "/var/lib/ptqnode$i" --exec-root "$(node_dir "$i")" --pidfile "$(node_dir "$i")/dockerd.pid" \
        -H "$(node_socket "$i")" --insecure-registry "$PREFIX.1:5000" \
        >"/var/log/ptqnode$i.log" 2>&1 </dev/null &
}

wait_node() {
    local i=$1
    for _ in $(seq 1 60); do
        node_docker "$i" version >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "swarm-nodes: node $i did not start; last lines of /var/log/ptqnode$i.log:" >&2
    tail -20 "/var/log/ptqnode$i.log" >&2
    return 1
}

up() {
    local count=${1:-3}
    ip link show "$BRIDGE" >/dev/null 2>&1 || {
        ip link add "$BRIDGE" type bridge
        ip addr add "$PREFIX.1/24" dev "$BRIDGE"
        ip link set "$BRIDGE" up
    }
    iptables -C DOCKER-USER -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null \
        || iptables -I DOCKER-USER -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
    if ! { [ -f "$REGISTRY_RELAY_PID" ] && kill -0 "$(cat "$REGISTRY_RELAY_PID")" 2>/dev/null; }; then
        setsid socat "TCP-LISTEN:5000,bind=$PREFIX.1,fork,reuseaddr" TCP:127.0.0.1:5000 </dev/null >/dev/null 2>&1 &
        echo $! >"$REGISTRY_RELAY_PID"
    fi
    for i in $(seq 1 "$count"); do start_node "$i"; done
    for i in $(seq 1 "$count"); do wait_node "$i"; done

    if [ "$(node_docker 1 info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
        node_docker 1 swarm init --advertise-addr "$PREFIX.11" >/dev/null
    fi
    local token
    token=$(node_docker 1 swarm join-token -q worker)
    for i in $(seq 2 "$count"); do
        if [ "$(node_docker "$i" info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
            node_docker "$i" swarm join --token "$token" "$PREFIX.11:2377" >/dev/null
        fi
    done
    for _ in $(seq 1 60); do
        [ "$(node_docker 1 node ls --filter role=worker -q | wc -l)" -ge $((count - 1)) ] \
            && [ "$(node_docker 1 node ls --format '{{.Status}}' | grep -c Ready)" -ge "$count" ] && break
        sleep 0.5
    done
    node_socket 1
}

down() {
    local i dir pids=()
    # Every node is asked to stop at once, then given 20 s together.
    for dir in /run/ptqnode*; do
        if [ -f "$dir/dockerd.pid" ] && pid=$(cat "$dir/dockerd.pid") && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
    done
    for _ in $(seq 1 40); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.5
    done
    for dir in /run/ptqnode*; do
        [ -d "$dir" ] || continue
        i=${dir#/run/ptqnode}
        # Whatever is left in the node's namespace (containerd, shims, tasks of a node killed on purpose).
        if [ -e "/run/netns/ptqnode$i" ]; then
            ip netns pids "ptqnode$i" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        fi
        grep -E " (/var/lib/ptqnode$i|$dir)[/ ]" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
        ip netns del "ptqnode$i" 2>/dev/null || true
        rm -rf "$dir" "/var/lib/ptqnode$i"
    done
    if [ -f "$REGISTRY_RELAY_PID" ]; then
        kill "$(cat "$REGISTRY_RELAY_PID")" 2>/dev/null || true
        rm -f "$REGISTRY_RELAY_PID"
    fi
    while iptables -D DOCKER-USER -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null; do :; done
    ip link del "$BRIDGE" 2>/dev/null || true
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) down ;;
    *) echo "usage: $0 up [COUNT] | down" >&2; exit 2 ;;
esac
