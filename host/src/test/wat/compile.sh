#!/usr/bin/env bash
# Compiles the host's WAT test fixtures into ../resources/wat/<name>.wasm (committed, so the
# tests need no toolchain). --check compiles into a temporary folder and fails when a
# committed fixture differs or is missing. Needs wat2wasm (Debian: wabt). Fixtures compile with
# wabt's default features unless their first line reads ";; wat2wasm-flags: FLAGS".
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
  flags=""
  first=$(head -n 1 "$src")
  case "$first" in ";; wat2wasm-flags: "*) flags=${first#";; wat2wasm-flags: "} ;; esac
  # shellcheck disable=SC2086
  wat2wasm $flags -o "$tmp/$name.wasm" "$src"
  if $check; then
    cmp -s "$tmp/$name.wasm" "$out/$name.wasm" || { echo "fixture differs or is missing: $name.wasm" >&2; status=1; }
  else
    cp "$tmp/$name.wasm" "$out/$name.wasm"
  fi
done
exit $status
