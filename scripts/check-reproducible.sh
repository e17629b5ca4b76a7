#!/usr/bin/env bash
# Checks that the build is reproducible: builds every artifact twice (mvn -f reactor.xml -P release package, tests
# skipped) in two copies of this working tree at two different paths, and compares the SHA-256 of every jar (main,
# sources, Javadoc; the library's relocated jar included) and of every CycloneDX SBOM. Exit 1 and the differing files
# when any differ. ./test.sh runs it. project.build.outputTimestamp (parent/pom.xml) is what makes them equal.
#   scripts/check-reproducible.sh [extra Maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build() {
  local dir="$work/$1"
  mkdir -p "$dir"
  # the files git knows (committed or not, ignored ones left out), and the local Maven settings
  git ls-files -z --cached --others --exclude-standard | (cd "$root" && xargs -0 cp --parents -t "$dir" 2>/dev/null || true)
  [ -d .mvn ] && cp -r .mvn "$dir/"
  (cd "$dir" && mvn -B -q -f reactor.xml -P release package -DskipTests -Dapi.check.skip=true "${@:2}")
  (cd "$dir" && find . -path '*/target/*' \( -name '*.jar' -o -name 'bom.json' -o -name 'bom.xml' \) \
      -not -path '*/target/*/*' -print0 | sort -z | xargs -0 sha256sum) > "$work/$1.sha256"
}

start=$(date +%s)
build one "$@"
build two "$@"
count=$(wc -l < "$work/one.sha256")
if diff "$work/one.sha256" "$work/two.sha256" > "$work/diff"; then
  echo "check-reproducible.sh: $count files (jars and SBOMs) identical in two builds ($(( $(date +%s) - start )) s)"
else
  echo "check-reproducible.sh: two builds differ:" >&2
  cat "$work/diff" >&2
  exit 1
fi
