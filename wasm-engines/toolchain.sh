# Sourced by the engine build scripts (wasm-engines/build.sh, examples/first-engine/build.sh):
# resolves the Wasm toolchain into $clang, $wat2wasm, $objdump, $cargo and $rustc, or stops
# naming what is missing. Debian 12: clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 rustc
# cargo libstd-rust-dev-wasm32 wabt (the full list is .ci/apt-packages).
#
# clang runs binaryen's wasm-opt after linking when it finds one on PATH, and Debian's
# binaryen rejects what clang-16 emits: resolve the tools first, then drop every PATH entry
# that holds a wasm-opt.
need() {
  command -v "$1" || { echo "$(basename "$0"): $1 not found; install the toolchain (see wasm-engines/toolchain.sh)" >&2; exit 1; }
}
clang=$(need clang-16)
wat2wasm=$(need wat2wasm)
objdump=$(need wasm-objdump)
# Debian's cargo and rustc: a rustup toolchain earlier on PATH lacks the wasm32 std.
cargo=$(PATH=/usr/bin need cargo)
rustc=$(PATH=/usr/bin need rustc)
clean_path=""
IFS=: read -ra path_entries <<< "$PATH"
for dir in "${path_entries[@]}"; do
  [ -x "$dir/wasm-opt" ] || clean_path="${clean_path:+$clean_path:}$dir"
done
export PATH="$clean_path"
