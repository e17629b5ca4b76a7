#!/usr/bin/env bash
# Runs every test against real etcd servers that the tests start themselves.
# Installs what it needs first (etcd from Debian's etcd-server, openssl for test certificates).
# First checks that the benchmark harness runs and produces every row (./bench.sh --quick: tiny counts,
# the numbers mean nothing there; ./bench.sh runs the real benchmarks).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
./bench.sh --quick
mvn -B verify "$@"
