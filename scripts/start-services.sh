#!/usr/bin/env bash
# Starts the services Portique drives and its integration tests use, when they are not running:
# dockerd (Debian's docker.io) and a local docker-registry on 127.0.0.1:5000 (no Docker Hub here).
#   --swarm  also makes dockerd a single-node swarm manager on 127.0.0.1 (the swarm technology and its
#            tests need it; scripts/test.sh passes it, the demo does not). `docker swarm leave --force` undoes it.
# nginx is not started here: Portique runs its own nginx master per root (see README).
set -euo pipefail
swarm=no
case "${1:-}" in
    --swarm) swarm=yes ;;
    "") ;;
    *) echo "usage: $0 [--swarm]" >&2; exit 2 ;;
esac
state=${PORTIQUE_SERVICES_DIR:-/var/lib/portique-services}
mkdir -p "$state"

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local deadline=$((SECONDS + $1)) what=$2; shift 2
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS > deadline)); then echo "portique: $what did not come up" >&2; return 1; fi
        sleep 0.5
    done
}

if ! docker info >/dev/null 2>&1; then
    echo "portique: starting dockerd"
    # Debian 12 in a container: cgroup v1 + overlay2 work; log to a file for diagnosis.
    nohup dockerd --host unix:///var/run/docker.sock >"$state/dockerd.log" 2>&1 &
    wait_for 60 dockerd docker info || { tail -20 "$state/dockerd.log" >&2; exit 1; }
fi

# The swarm technology needs dockerd to be a swarm manager: a single node, on loopback.
if [ "$swarm" = yes ] && [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
    echo "portique: making dockerd a single-node swarm manager (127.0.0.1)"
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi

if ! curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
    echo "portique: starting docker-registry on 127.0.0.1:5000"
    cat >"$state/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
YML
    nohup docker-registry serve "$state/registry.yml" >"$state/registry.log" 2>&1 &
    wait_for 30 docker-registry curl -fsS http://127.0.0.1:5000/v2/ || { tail -20 "$state/registry.log" >&2; exit 1; }
fi
