#!/usr/bin/env bash
# Installs the etcd server and client (Debian package etcd-server / etcd-client) and openssl when missing.
set -euo pipefail
missing=()
[ -x /usr/bin/etcd ] || missing+=(etcd-server)
[ -x /usr/bin/etcdctl ] || missing+=(etcd-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian package starts a system etcd on :2379 where systemd runs; the tests never use it.
/usr/bin/etcd --version | sed -n 1p   # sed reads everything: no SIGPIPE under pipefail (head -1 gave exit 141)
