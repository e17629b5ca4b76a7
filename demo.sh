#!/usr/bin/env bash
# Runs the demo: a CDI application whose config comes from etcd and changes live.
# Installs what it needs (etcd from Debian's etcd-server), builds and installs every artifact without their tests
# (mvn -f reactor.xml install: the library, and the etcd harness testing/ which starts the local etcd), then runs the demo
# against ETCD_ENDPOINTS, or against a local etcd it starts when none is configured.
# Extra arguments go to the demo (--wait keeps it running for your own etcdctl changes).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
# Debian's Maven 3.8.7 writes ESC[0m colour resets even with -B: take them out of what the demo prints
nocolour() { sed -u 's/\x1b\[[0-9;]*m//g'; }
mvn -q -B -f reactor.xml install -DskipTests -Dapi.check.skip=true 2>&1 | nocolour
mvn -q -B -f demo/pom.xml compile exec:java -Dexec.args="$*" 2>&1 | nocolour
