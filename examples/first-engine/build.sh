#!/usr/bin/env bash
# Builds the first-engine examples into examples/src/main/resources/dev/hermetic/examples/:
# wordcount.wasm from c/wordcount.c and upper.wasm from the rust/ crate.
#
#   build.sh           rebuild the committed .wasm files in place
#   build.sh --check   rebuild into a temporary folder and fail if either differs
#
# The same toolchain as wasm-engines/build.sh (Debian: clang-16 lld-16 rustc cargo
# libstd-rust-dev-wasm32). By hand, the two builds are:
#
#   clang-16 --target=wasm32 -nostdlib -ffreestanding -O2 -I wasm-engines/sdk/c/include \
#       -Wl,--no-entry -Wl,--stack-first -z stack-size=65536 -Wl,--strip-all \
#       -o wordcount.wasm examples/first-engine/c/wordcount.c
#   (cd examples/first-engine/rust && cargo build --release --target wasm32-unknown-unknown)
#       # -> target/wasm32-unknown-unknown/release/upper_engine.wasm
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
committed="$root/examples/src/main/resources/dev/hermetic/examples"
mode=build
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# shellcheck source=../../wasm-engines/toolchain.sh
. "$root/wasm-engines/toolchain.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"

"$clang" --target=wasm32 -nostdlib -ffreestanding -O2 -Wall -Wextra -Werror \
  "-ffile-prefix-map=$root=." -I "$root/wasm-engines/sdk/c/include" \
  -Wl,--no-entry -Wl,--stack-first -z stack-size=65536 -Wl,--strip-all \
  -o "$out/wordcount.wasm" "$here/c/wordcount.c"

# Cargo derives each crate's -C metadata (and so the .wasm's function order) from its path
# unless the crate lies inside the workspace root. Build in a scratch workspace holding the
# example and the SDK at their repository-relative places, so nothing depends on where the
# checkout lives.
scratch="$work/src"
mkdir -p "$scratch/examples/first-engine" "$scratch/wasm-engines/sdk/rust"
cp -R "$here/rust" "$scratch/examples/first-engine/rust"
cp -R "$root/wasm-engines/sdk/rust/hermetic-engine" "$scratch/wasm-engines/sdk/rust/hermetic-engine"
rm -rf "$scratch/examples/first-engine/rust/target"
cat > "$scratch/Cargo.toml" <<'TOML'
[workspace]
members = ["examples/first-engine/rust", "wasm-engines/sdk/rust/hermetic-engine"]

[profile.release]
opt-level = "s"
lto = true
panic = "abort"
strip = true
codegen-units = 1
TOML
(
  cd "$scratch"
  RUSTC="$rustc" CARGO_TARGET_DIR="$work/target" \
  RUSTFLAGS="--remap-path-prefix=$scratch=. --remap-path-prefix=$work/target=/target" \
    "$cargo" build --quiet --offline --release --target wasm32-unknown-unknown 2> "$work/cargo.log" \
    || { grep -v 'profiles for the non root package' "$work/cargo.log" >&2; exit 1; }
)
cp "$work/target/wasm32-unknown-unknown/release/upper_engine.wasm" "$out/upper.wasm"
chmod 644 "$out"/*.wasm

if [ "$mode" = check ]; then
  status=0
  for f in "$out"/*.wasm; do
    cmp -s "$f" "$committed/$(basename "$f")" || { echo "differs or missing: $(basename "$f")" >&2; status=1; }
  done
  [ "$status" = 0 ] && echo "first-engine examples match the committed .wasm files"
  exit "$status"
fi
mkdir -p "$committed"
cp "$out"/*.wasm "$committed/"
echo "built $(ls "$out"/*.wasm | wc -l) examples into $committed"
