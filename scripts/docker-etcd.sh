#!/usr/bin/env bash
# The test harness's Docker path, for real: with the etcd binary hidden from the harness, LocalEtcd /
# EtcdCluster fall back to Testcontainers, and the harness's own tests and the library's config-source
# tests run against etcd in a container.
#   1. starts a Docker engine when none answers (as root: dockerd --bridge=none --iptables=false, in the
#      background, log in target/docker-etcd/dockerd.log); no bridge, so containers use the host's network
#   2. builds the image etcdmp/etcd:3.4-local FROM scratch: this machine's /usr/bin/etcd and /usr/bin/etcdctl
#      and the libraries they link (ldd); no registry is needed
#   3. runs the tests with ETCD_BINARY pointing nowhere (the harness's "no etcd installed" case),
#      ETCDMP_TESTING_ETCD_IMAGE=<that image>, TESTCONTAINERS_RYUK_DISABLED=true (Ryuk's image cannot be
#      pulled here; the harness stops its containers itself), TESTCONTAINERS_CHECKS_DISABLE=true (its start-up
#      checks run helper containers), TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 (inside a container, as CI is,
#      Testcontainers looks for the gateway of the default bridge network, which this engine does not
#      have), and checks that containers of the image ran.
# Fails (exit 1) when Docker cannot be used: the Docker path is never skipped.
#   scripts/docker-etcd.sh                  everything above
#   DOCKER_ETCD_TESTS=A,B scripts/docker-etcd.sh   other test classes (surefire -Dtest syntax)
#   scripts/docker-etcd.sh -o -f other/pom.xml     arguments after the script's name go to mvn
set -euo pipefail
cd "$(dirname "$0")/.."
image=${ETCDMP_TESTING_ETCD_IMAGE:-etcdmp/etcd:3.4-local}
tests=${DOCKER_ETCD_TESTS:-LocalEtcdTest,HarnessModeTest,ConfigSourceTest,ConfigStoreTest}
work=target/docker-etcd
mkdir -p "$work"
fail() { echo "docker-etcd: $*" >&2; exit 1; }
# what this script made, removed when it exits however it exits: the image's build folder, and a dockerd it started
# (a daemon left running would outlive ./test.sh and could hold a CI run open)
ctx=""
dockerd_pid=""
cleanup() {
  [ -z "$ctx" ] || rm -rf "$ctx"
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$dockerd_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

command -v docker >/dev/null 2>&1 || fail "no docker client: apt-get install docker.io"
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null 2>&1 || fail "no Docker engine answers and dockerd is not installed: apt-get install docker.io"
  [ "$(id -u)" -eq 0 ] || fail "no Docker engine answers; starting dockerd needs root"
  echo "docker-etcd: starting dockerd (log: $work/dockerd.log)"
  nohup dockerd --bridge=none --iptables=false >"$work/dockerd.log" 2>&1 </dev/null &
  dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || fail "dockerd did not answer within 30 s; see $work/dockerd.log"
fi

if [ "$image" = "etcdmp/etcd:3.4-local" ]; then
  ctx=$(mktemp -d)
  for bin in /usr/bin/etcd /usr/bin/etcdctl; do
    [ -x "$bin" ] || fail "$bin missing: scripts/install-deps.sh installs it"
    mkdir -p "$ctx/usr/bin"
    cp "$bin" "$ctx/usr/bin/"
    # every library the binary links, and the loader, at the paths it was linked against
    for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
      mkdir -p "$ctx$(dirname "$lib")"
      cp -L "$lib" "$ctx$lib"
    done
  done
  printf 'FROM scratch\nCOPY . /\nCMD ["etcd"]\n' >"$ctx/Dockerfile"
  docker build -q -t "$image" "$ctx" >/dev/null 2>"$work/build.log" || fail "docker build of $image failed: $(cat "$work/build.log")"
fi
docker image inspect "$image" >/dev/null 2>&1 || fail "image $image not found locally (and none can be pulled here)"

since=$(date +%s)
echo "docker-etcd: tests $tests with etcd in containers of $image"
ETCD_BINARY=/nonexistent/etcd ETCDMP_TESTING_ETCD_IMAGE="$image" TESTCONTAINERS_RYUK_DISABLED=true \
  TESTCONTAINERS_CHECKS_DISABLE=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 mvn -B -q "$@" test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false
started=$(docker events --since "$since" --until "$(date +%s)" --filter type=container --filter event=start \
  --filter "image=$image" --format '{{.ID}}' | wc -l)
[ "$started" -gt 0 ] || fail "the tests passed but no container of $image started: the Docker path was not taken"
left=$(docker ps -q --filter "ancestor=$image" | wc -l)
[ "$left" -eq 0 ] || fail "$left container(s) of $image still running after the tests: the harness must stop them"
echo "docker-etcd: passed; $started start(s) of etcd containers of $image, none left running"
