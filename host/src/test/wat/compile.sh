#!/usr/bin/env bash
# Compiles the host's WAT test fixtures into ../resources/wat/<name>.wasm (committed, so the
# tests need no toolchain). --check compiles into a temporary folder and fails when a
# committed fixture differs or is missing. Needs wat2wasm (Debian: wabt).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../resources/wat"
check=false
[ "${1:-}" = --check ] && check=true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for src in "$here"/*.wat; do
  name=$(basename "$src" .wat)
  wat2wasm -o "$tmp/$name.wasm" "$src"
  if $check; then
    cmp -s "$tmp/$name.wasm" "$out/$name.wasm" || { echo "fixture differs or is missing: $name.wasm" >&2; status=1; }
  else
    cp "$tmp/$name.wasm" "$out/$name.wasm"
  fi
done
exit $status
