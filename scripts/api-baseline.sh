#!/usr/bin/env bash
# Builds the library's API baseline, the jar japicmp compares every build against (pom.xml, execution
# api-compatibility), and installs it in the local Maven repository as io.etcdmp:etcd-microprofile:0.1.0-api-baseline.
# There is no release yet: the baseline is the library at the git tag api-baseline-0.1.0. Where the tag is missing
# (a fresh clone of main that did not fetch tags), the commit recorded below is built instead; in a shallow clone
# that lacks it, it is fetched from origin.
#
# The library's build runs this script itself before the check (exec-maven-plugin, phase package), so no one has to
# remember it; it does nothing when the baseline is already installed. By hand:
#   scripts/api-baseline.sh [LOCAL_REPOSITORY [offline]]     (default: -Dmaven.repo.local of .mvn/maven.config,
#                                                             else ~/.m2/repository)
# After a release, the baseline becomes that release: set api.baseline.version in pom.xml to it and delete this script.
set -euo pipefail
cd "$(dirname "$0")/.."

tag=api-baseline-0.1.0
commit=cd8e23ce57868e0f013ee1837e4245322823096a
version=0.1.0-api-baseline

repo="${1:-}"
if [ -z "$repo" ] && [ -f .mvn/maven.config ]; then
  repo=$(tr ' ' '\n' < .mvn/maven.config | sed -n 's/^-Dmaven\.repo\.local=//p' | tail -1)
fi
repo="${repo:-$HOME/.m2/repository}"
offline=()
case "${2:-}" in true | offline | offline=true) offline=(-o) ;; esac

jar="$repo/io/etcdmp/etcd-microprofile/$version/etcd-microprofile-$version.jar"
if [ -f "$jar" ]; then
  exit 0
fi

if rev=$(git rev-parse -q --verify "$tag^{commit}" 2>/dev/null); then
  from="tag $tag"
else
  rev=$commit
  from="commit $commit (tag $tag not in this clone)"
  if ! git cat-file -e "$rev^{commit}" 2>/dev/null; then
    git fetch -q --depth=1 origin "$rev"
  fi
fi
echo "api-baseline.sh: building the API baseline from $from into $repo"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive --format=tar "$rev" | tar -x -C "$work"
# the library alone: its main classes in a jar; no tests, no shaded copy needed (japicmp reads only io.etcdmp classes)
mvn -B -q "${offline[@]}" -f "$work/pom.xml" -Dmaven.repo.local="$repo" -Dmaven.test.skip=true \
  compile org.apache.maven.plugins:maven-jar-plugin:3.4.2:jar
built=$(ls "$work"/target/etcd-microprofile-*.jar | head -1)
# a POM of its own, without dependencies: the jar is only ever read by japicmp
cat > "$work/baseline-pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.etcdmp</groupId>
  <artifactId>etcd-microprofile</artifactId>
  <version>$version</version>
  <description>API baseline of etcd-microprofile: $from, built by scripts/api-baseline.sh</description>
</project>
POM
(cd "$work" && mvn -B -q -N "${offline[@]}" -Dmaven.repo.local="$repo" \
  org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file \
  -Dfile="$built" -DpomFile="$work/baseline-pom.xml")
echo "api-baseline.sh: installed $jar"
