#!/usr/bin/env bash
# Installs libchdb (ClickHouse as a library) from the npm package
# @chdb/lib-linux-x64-gnu into .cache/chdb/<version>/ inside the checkout and
# prints the path of libchdb.so. Idempotent: does nothing when it is there.
set -euo pipefail
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
