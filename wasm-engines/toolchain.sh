# Sourced by the engine build scripts (wasm-engines/build.sh, examples/first-engine/build.sh):
# resolves the Wasm toolchain into $clang, $clang_eh (+ $clang_eh_flags), $wat2wasm, $objdump,
# $cargo and $rustc, or stops naming what is missing. Debian 12: clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 rustc
# cargo libstd-rust-dev-wasm32 wabt (the full list is .ci/apt-packages).
#
# clang runs binaryen's wasm-opt after linking when it finds one on PATH, and Debian's
# binaryen rejects what clang-16 emits: resolve the tools first, then drop every PATH entry
# that holds a wasm-opt.
need() {
  command -v "$1" || { echo "$(basename "$0"): $1 not found; install the toolchain (see wasm-engines/toolchain.sh)" >&2; exit 1; }
}
clang=$(need clang-16)
# Engines that use setjmp/longjmp (sdk/c/include/setjmp.h) need clang 19+ for the exnref form
# of Wasm exception handling: Debian 12's clang-22 lld-22 libclang-rt-22-dev-wasm32
# (bookworm-security). The other engines stay on clang-16, so their .wasm do not change.
clang_eh=$(need clang-22)
need wasm-ld-22 >/dev/null
[ -e /usr/lib/llvm-22/lib/clang/22/lib/wasi/libclang_rt.builtins-wasm32.a ] || {
  echo "$(basename "$0"): clang-22's wasm32 builtins not found; install libclang-rt-22-dev-wasm32" >&2; exit 1; }
# Compile flags for every file of such an engine. clang-22 calls the wasm32-wasi triple
# deprecated but finds Debian's wasi-libc only under that name.
# shellcheck disable=SC2034  # used by the scripts that source this file
clang_eh_flags=(--target=wasm32-wasi -Wno-deprecated -mexception-handling
                -mllvm -wasm-enable-sjlj -mllvm -wasm-use-legacy-eh=false)
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
