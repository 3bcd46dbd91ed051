# Sourced by the engine build scripts (wasm-engines/build.sh, examples/first-engine/build.sh):
# resolves the Wasm toolchain into $clang, $wat2wasm, $objdump, $cargo and $rustc, or stops
# naming what is missing. Debian 12: clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 rustc
# cargo libstd-rust-dev-wasm32 wabt (the full list is .ci/apt-packages).
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
