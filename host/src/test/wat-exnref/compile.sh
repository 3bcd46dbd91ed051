#!/usr/bin/env bash
# Compiles the fixtures that use exnref exception handling (try_table), which wabt's wat2wasm
# does not parse, into ../resources/wat/<name>.wasm with the wat parser of the python wasmtime
# package (pip install wasmtime).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for src in "$here"/*.wat; do
  python3 -c 'import sys, wasmtime; open(sys.argv[2], "wb").write(wasmtime.wat2wasm(open(sys.argv[1]).read()))' \
    "$src" "$here/../resources/wat/$(basename "$src" .wat).wasm"
done
