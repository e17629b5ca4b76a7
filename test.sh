#!/usr/bin/env bash
# Runs every test against real etcd servers that the tests start themselves.
# Installs what it needs first (etcd from Debian's etcd-server, openssl for test certificates).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
mvn -B verify "$@"
