#!/usr/bin/env bash
# Builds and installs every artifact without running their tests (the reactor: mvn -f reactor.xml install), then the
# benchmarks, then runs them against a local etcd
# that the run starts (with the harness) on
# free 127.0.0.1 ports, and prints one table: figure, baseline measured in the same run, ratio, bar.
#   ./bench.sh           the full run (~10 minutes on 2 cores); table also in bench/target/bench-results.md
#   ./bench.sh --quick   tiny counts: checks that the harness works and produces every row but the runtimes one (CI;
#                        its test method runs in it/ on all five runtimes); --installed: the reactor was just installed
#   ./bench.sh --only=lookup,metrics,change,startup,cache,registry,threads,restclient,grpc,registry-scale,cli,runtimes   a subset of the figures
#   (cli: etcdmp plan/apply against same-run baselines, cli/'s CliBenchmark run through the cli build; --quick: tiny counts)
#   (runtimes: Config lookups inside the it/ runtimes, through the it/ build; Helidon on a JDK 21+, JAVA21_HOME or the newest
#   under /usr/lib/jvm; ~3 minutes on 2 cores; not in --quick)
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
args=()
installed=false
for arg in "$@"; do
  if [ "$arg" = "--installed" ]; then installed=true; else args+=("$arg"); fi
done
if [ "$installed" = false ]; then
  mvn -q -B -f reactor.xml install -DskipTests -Dapi.check.skip=true
fi
mvn -q -B -f bench/pom.xml compile
cd bench
# the library's freshly built classes first, so a concurrent install of another version cannot win; the installed
# jar itself left out: it carries jetcd with a relocated transport, the run uses plain jetcd (bench/pom.xml)
classpath=$(tr ':' '\n' < target/classpath.txt | grep -v '/io/etcdmp/etcd-microprofile/' | paste -sd:)
exec java -Xms2g -Xmx2g -cp "../target/classes:target/classes:$classpath" io.etcdmp.bench.BenchMain "${args[@]}"
