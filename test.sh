#!/usr/bin/env bash
# Runs every test against real etcd servers that the tests start themselves:
#  1. the reactor (mvn -f reactor.xml install): every artifact built, tested (the etcd harness's own tests, the
#     library's suite on Weld SE + SmallRye Config), checked (dependency convergence and duplicate classes in every
#     module, the library's API against its baseline: japicmp) and installed;
#     then scripts/check-reproducible.sh: two release builds (sources, Javadoc, SBOMs) give identical files;
#     then scripts/docker-etcd.sh: the harness's Testcontainers path (a Docker engine started here, an etcd image
#     built FROM scratch) for the harness's own tests and the config-source tests;
#  2. it/: the library inside real runtimes, Payara Micro 6, Open Liberty, WildFly and Quarkus on this JDK (17+),
#     then Helidon MP 4 on a JDK 21+ (JAVA21_HOME, else the newest one found under /usr/lib/jvm).
#     it/ builds the whole reactor again as part of its own (clean: a WAR never keeps an older copy of the jar)
#     and skips the reactor's tests there.
# Installs what it needs first (etcd from Debian's etcd-server, openssl for test certificates).
# After the reactor, checks that the benchmark harness runs and produces every row (./bench.sh --quick --installed:
# tiny counts, the numbers mean nothing there; ./bench.sh runs the real benchmarks) but the runtimes row, whose
# test method the it/ runs below run on all five runtimes.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh

seconds() { date +%s; }
only_its=(-Dtest=None -Dsurefire.failIfNoSpecifiedTests=false)
t0=$(seconds)
mvn -B -f reactor.xml install "$@"
t1b=$(seconds)
./bench.sh --quick --installed
t1=$(seconds)
./scripts/check-reproducible.sh
t1r=$(seconds)
# the harness's Docker path (Testcontainers, etcd in a container built here): the harness's tests and the config-source tests
./scripts/docker-etcd.sh -f reactor.xml -pl testing,.
t1d=$(seconds)
mvn -B -f it/pom.xml clean verify "${only_its[@]}"
t2=$(seconds)

jdk21="${JAVA21_HOME:-}"
if [ -z "$jdk21" ]; then
  for candidate in $(ls -d /usr/lib/jvm/*-2[1-9]* /usr/lib/jvm/*-2[1-9]-* 2>/dev/null | sort -r -V); do
    if [ -x "$candidate/bin/javac" ]; then jdk21="$candidate"; break; fi
  done
fi
if [ -z "$jdk21" ]; then
  echo "Helidon MP 4 needs a JDK 21+: none found under /usr/lib/jvm; set JAVA21_HOME" >&2
  exit 1
fi
JAVA_HOME="$jdk21" mvn -B -f it/pom.xml -pl helidon -am clean verify "${only_its[@]}"
t3=$(seconds)
echo "test.sh: reactor $((t1b - t0)) s, bench --quick $((t1 - t1b)) s, reproducibility $((t1r - t1)) s, Docker path $((t1d - t1r)) s, it/ Payara + Liberty + WildFly + Quarkus $((t2 - t1d)) s, it/ Helidon $((t3 - t2)) s"
