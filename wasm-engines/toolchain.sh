# Sourced by the engine build scripts (wasm-engines/build.sh, examples/first-engine/build.sh):
# resolves the Wasm toolchain into $clang, $clang_eh (+ $clang_eh_flags), $wat2wasm, $objdump,
# $cargo and $rustc, or stops naming what is missing. Debian 12: clang-16 lld-16 wasi-libc
# libclang-rt-16-dev-wasm32 clang-22 lld-22 libclang-rt-22-dev-wasm32 rustc cargo
# libstd-rust-dev-wasm32 wabt (the full list is .ci/apt-packages).
#
# clang runs binaryen's wasm-opt after linking when it finds one on PATH, and Debian's
# binaryen rejects what clang-16 emits: resolve the tools first, then drop every PATH entry
# that holds a wasm-opt.
#
# Every check names the Debian package that provides what is missing, so a fresh machine
# learns what to install instead of meeting a linker or resolver error halfway through.
missing() {
  echo "$(basename "$0"): $1 is missing: apt-get install $2 (the whole toolchain: .ci/apt-packages)" >&2
  exit 1
}
need() { command -v "$1" || missing "$1" "$2"; }
need_path() { [ -e "$1" ] || missing "$1" "$2"; }
clang=$(need clang-16 clang-16)
need lld-16 lld-16 >/dev/null
need_path /usr/lib/wasm32-wasi/libc.a wasi-libc
need_path /usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a libclang-rt-16-dev-wasm32
# Engines that use setjmp/longjmp (sdk/c/include/setjmp.h) need clang 19+ for the exnref form
# of Wasm exception handling: Debian 12's clang-22 (bookworm-security). The other engines stay
# on clang-16, so their .wasm do not change.
clang_eh=$(need clang-22 clang-22)
need wasm-ld-22 lld-22 >/dev/null
need_path /usr/lib/llvm-22/lib/clang/22/lib/wasi/libclang_rt.builtins-wasm32.a libclang-rt-22-dev-wasm32
# Compile flags for every file of such an engine. clang-22 calls the wasm32-wasi triple
# deprecated but finds Debian's wasi-libc only under that name.
# shellcheck disable=SC2034  # used by the scripts that source this file
clang_eh_flags=(--target=wasm32-wasi -Wno-deprecated -mexception-handling
                -mllvm -wasm-enable-sjlj -mllvm -wasm-use-legacy-eh=false)
wat2wasm=$(need wat2wasm wabt)
objdump=$(need wasm-objdump wabt)
# Debian's cargo and rustc: a rustup toolchain earlier on PATH lacks the wasm32 std.
cargo=$(PATH=/usr/bin need cargo cargo)
rustc=$(PATH=/usr/bin need rustc rustc)
need_path /usr/lib/rustlib/wasm32-unknown-unknown/lib libstd-rust-dev-wasm32
# rustc links wasm32 with rust-lld, which Debian ships as a link to lld-14 (not a dependency
# of rustc: without recommends the link dangles).
need_path "$(readlink -f /usr/bin/rust-lld)" lld-14

# need_crates LOCKFILE: every crate Cargo.lock takes from the registry must be in Debian's
# cargo registry at exactly the locked version (cargo --offline otherwise fails with "no
# matching package"); librust-NAME-dev provides /usr/share/cargo/registry/NAME-VERSION.
need_crates() {
  local name="" version="" absent=()
  while IFS= read -r line; do
    case "$line" in
      'name = '*) name=${line#name = \"}; name=${name%\"} ;;
      'version = '*) version=${line#version = \"}; version=${version%\"} ;;
      'source = "registry+'*)
        [ -d "/usr/share/cargo/registry/$name-$version" ] \
          || absent+=("librust-${name//_/-}-dev (crate $name $version)") ;;
    esac
  done < "$1"
  if [ "${#absent[@]}" -gt 0 ]; then
    echo "$(basename "$0"): crates in $1 are missing from /usr/share/cargo/registry; install:" >&2
    printf '  %s\n' "${absent[@]}" >&2
    exit 1
  fi
}
clean_path=""
IFS=: read -ra path_entries <<< "$PATH"
for dir in "${path_entries[@]}"; do
  [ -x "$dir/wasm-opt" ] || clean_path="${clean_path:+$clean_path:}$dir"
done
export PATH="$clean_path"
