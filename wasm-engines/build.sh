#!/usr/bin/env bash
# Builds every engine from source into src/main/resources/dev/hermetic/engines/<name>.wasm.
#
#   build.sh           rebuild the committed .wasm files in place
#   build.sh --check   rebuild into a temporary folder; fail, listing the files, when any
#                      rebuilt engine differs from the committed one (or is missing)
#
# Toolchain (Debian): clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 rustc cargo
# libstd-rust-dev-wasm32 librust-regex-dev librust-serde-json-dev librust-miniz-oxide-dev
# librust-once-cell-dev wabt. Every engine may import from module "vdso" only; the build
# fails otherwise (hostile-wasi-import is the one deliberate exception).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd -P)"
committed="$here/src/main/resources/dev/hermetic/engines"

mode=build
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# shellcheck source=toolchain.sh
. "$here/toolchain.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Everything is built here first; the committed folder changes only after every check passed.
out="$work/out"
mkdir -p "$out"

c_common=(-O2 -ffp-contract=off -Wall -Wextra -Werror "-ffile-prefix-map=$here=."
          -I "$here/sdk/c/include" -Wl,--strip-all)

# Freestanding C engines: no libc at all.
for src in "$here"/engines/c/hc-*.c; do
  name=$(basename "$src" .c)
  "$clang" --target=wasm32 -nostdlib -ffreestanding "${c_common[@]}" \
    -Wl,--no-entry -Wl,--stack-first -z stack-size=65536 -o "$out/$name.wasm" "$src"
done

# Hostile C engines, freestanding like the hc-* ones.
for src in "$here"/engines/c/hostile-*.c; do
  name=$(basename "$src" .c)
  "$clang" --target=wasm32 -nostdlib -ffreestanding "${c_common[@]}" \
    -Wl,--no-entry -Wl,--stack-first -z stack-size=65536 -o "$out/$name.wasm" "$src"
done

# C engines on wasi-libc as a plain library; the SDK's stubs answer every WASI call.
for name in sha256 csv-stats; do
  "$clang" --target=wasm32-wasi -mexec-model=reactor "${c_common[@]}" \
    -o "$out/$name.wasm" "$here/engines/c/$name.c" "$here/sdk/c/src/wasi_stubs.c"
done

# Hostile engines, written in the text format.
for src in "$here"/engines/wat/*.wat; do
  "$wat2wasm" -o "$out/$(basename "$src" .wat).wasm" "$src"
done

# Rust engines: one workspace rooted at wasm-engines/ (Cargo.toml), crates from Debian's
# registry, committed Cargo.lock. The output must not depend on where the checkout lives:
# cargo derives each crate's -C metadata (hence every symbol hash, hence function order and
# size after LTO) from its package id, and a path crate's id holds its absolute path unless
# the crate lies inside the workspace root. So every path dependency must stay under $here;
# the remaining absolute paths (panic locations, build-script outputs) are remapped.
for manifest in "$here"/Cargo.toml "$here"/rust/engines/*/Cargo.toml "$here"/sdk/rust/*/Cargo.toml; do
  dir=$(dirname "$manifest")
  while IFS= read -r dep; do
    resolved=$(realpath -m "$dir/$dep")
    case "$resolved/" in
      "$here"/*) ;;
      *) echo "build.sh: $manifest: path dependency $dep lies outside $here;" \
              "the build would depend on the checkout's location" >&2; exit 1 ;;
    esac
  done < <(sed -n 's/.*path *= *"\([^"]*\)".*/\1/p' "$manifest")
done
need_crates "$here/Cargo.lock"
target_dir="$work/cargo-target"
(
  cd "$here"
  RUSTC="$rustc" CARGO_TARGET_DIR="$target_dir" \
  RUSTFLAGS="--remap-path-prefix=$here=. --remap-path-prefix=/usr/share/cargo/registry=/registry --remap-path-prefix=$target_dir=/target" \
    "$cargo" build --quiet --offline --locked --release --target wasm32-unknown-unknown
)
for crate in "$here"/rust/engines/*/; do
  name=$(basename "$crate")
  cp "$target_dir/wasm32-unknown-unknown/release/${name//-/_}_engine.wasm" "$out/$name.wasm"
done

chmod 644 "$out"/*.wasm
# The index Engines.names() reads: one engine name a line, sorted.
(cd "$out" && ls *.wasm | sed 's/\.wasm$//' | LC_ALL=C sort) > "$out/engines.list"

# The door out is "vdso" and nothing else.
bad_imports=0
for wasm in "$out"/*.wasm; do
  name=$(basename "$wasm" .wasm)
  [ "$name" = hostile-wasi-import ] && continue
  foreign=$("$objdump" -x -j Import "$wasm" 2>/dev/null | grep -E '^ - ' | grep -v ' <- vdso\.' || true)
  if [ -n "$foreign" ]; then
    echo "$name imports outside vdso:" >&2
    echo "$foreign" >&2
    bad_imports=1
  fi
done
[ "$bad_imports" = 0 ] || exit 1

if [ "$mode" = check ]; then
  differ=()
  for file in "$out"/*.wasm "$out/engines.list"; do
    cmp -s "$file" "$committed/$(basename "$file")" || differ+=("$(basename "$file")")
  done
  for wasm in "$committed"/*.wasm; do
    [ -e "$out/$(basename "$wasm")" ] || differ+=("$(basename "$wasm") (no source)")
  done
  if [ "${#differ[@]}" -gt 0 ]; then
    echo "rebuilt engines differ from the committed ones:" >&2
    printf '  %s\n' "${differ[@]}" >&2
    exit 1
  fi
  echo "all $(ls "$out"/*.wasm | wc -l) engines match the committed .wasm files"
else
  mkdir -p "$committed"
  rm -f "$committed"/*.wasm "$committed/engines.list"
  cp "$out"/*.wasm "$out/engines.list" "$committed/"
  echo "built $(ls "$out"/*.wasm | wc -l) engines into $committed"
fi
