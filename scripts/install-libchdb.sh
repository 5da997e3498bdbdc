#!/usr/bin/env bash
# Installs libchdb (ClickHouse as a library) from the npm package
# @chdb/lib-linux-x64-gnu into .cache/chdb/<version>/ inside the checkout and
# prints the path of libchdb.so. Idempotent: does nothing when it is there.
set -euo pipefail
# The npm package holds a Linux x86-64 (glibc) build only: say so plainly
# anywhere else rather than fail later with a loader error.
platform="$(uname -s)/$(uname -m)"
if [ "$platform" != "Linux/x86_64" ]; then
  echo "install-libchdb: the embedded engine (libchdb) needs Linux on x86-64 (linux/amd64); this machine is $platform." >&2
  echo "install-libchdb: run the distributed mode instead (docker compose up --build), or the services with clickhouse.engine=clickhouse." >&2
  exit 1
fi
version="${CHDB_VERSION:-26.5.3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/chdb/$version"
lib="$dir/libchdb.so"
if [ -s "$lib" ]; then
  echo "$lib"
  exit 0
fi
command -v npm >/dev/null || { echo "install-libchdb: npm is needed to fetch @chdb/lib-linux-x64-gnu" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "install-libchdb: fetching @chdb/lib-linux-x64-gnu@$version (~170 MB)…" >&2
(cd "$tmp" && npm pack --silent "@chdb/lib-linux-x64-gnu@$version" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp"
mkdir -p "$dir"
mv "$tmp/package/libchdb.so" "$lib.partial"
mv "$lib.partial" "$lib"
echo "$lib"
