#!/usr/bin/env bash
# Installs the etcd server and client (Debian package etcd-server / etcd-client), openssl, Maven, the Docker engine
# (docker.io, for the harness's Testcontainers path), and
# Node.js with npm (Debian's nodejs, npm: the seed interop test runs the npm etcd3 client), Debian's chromium and
# chromium-driver (the console's browser test) when missing,
# then the Node fixture's packages (npm ci) when they are missing or older than its lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/bin/etcd ] || missing+=(etcd-server)
[ -x /usr/bin/etcdctl ] || missing+=(etcd-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# the Docker engine for the harness's Testcontainers path (scripts/docker-etcd.sh); a docker client alone is not enough
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
# the console's browser test (cli/ ConsoleBrowserTest): Selenium drives Debian's headless chromium through its chromedriver
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian package starts a system etcd on :2379 where systemd runs; the tests never use it.
# sed reads to the end; head -1 could leave etcd a broken pipe (exit 141 under pipefail)
/usr/bin/etcd --version | sed -n 1p
# The seed service (src/test/node/seed-service): etcd3 pinned in package.json, exact tree in package-lock.json.
# npm writes node_modules/.package-lock.json after installing: a lock file newer than it means re-install.
seed=src/test/node/seed-service
if [ ! -f "$seed/node_modules/.package-lock.json" ] || [ "$seed/package-lock.json" -nt "$seed/node_modules/.package-lock.json" ]; then
  echo "Installing the seed service's npm packages (npm ci in $seed) ..."
  (cd "$seed" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "node $(node --version), etcd3 $(node -p "require('./$seed/node_modules/etcd3/package.json').version")"
