#!/usr/bin/env bash
# Runs the demo: a CDI application whose config comes from etcd and changes live.
# Installs what it needs (etcd from Debian's etcd-server), builds and installs every artifact without their tests
# (mvn -f reactor.xml install: the library, and the etcd harness testing/ which starts the local etcd), then runs the demo
# against ETCD_ENDPOINTS, or against a local etcd it starts when none is configured.
# Extra arguments go to the demo (--wait keeps it running for your own etcdctl changes).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
mvn -q -B -f reactor.xml install -DskipTests -Dapi.check.skip=true
mvn -q -B -f demo/pom.xml compile exec:java -Dexec.args="$*"
