#!/usr/bin/env bash
# Runs the fault suite and the lifecycle test, then renders their measurements into docs/RELIABILITY.md.
#   scripts/reliability-report.sh                      # the CI-sized run (1500 writes per scenario)
#   scripts/reliability-report.sh -Dfaults.writes=20000  # the long run
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B test -Dtest='FaultSuiteTest,LifecycleHygieneTest' -Dsurefire.failIfNoSpecifiedTests=false "$@"
java -cp target/test-classes io.etcdmp.faults.ReliabilityReport docs/RELIABILITY.md
