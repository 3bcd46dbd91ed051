#!/usr/bin/env bash
# Builds every engine from source into src/main/resources/dev/hermetic/engines/<name>.wasm.
#
#   build.sh           rebuild the committed .wasm files in place
#   build.sh --check   rebuild into a temporary folder; fail, listing the files, when any
#                      rebuilt engine differs from the committed one (or is missing)
#
# Toolchain (Debian): clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 clang-22 lld-22
# libclang-rt-22-dev-wasm32 rustc cargo libstd-rust-dev-wasm32 librust-regex-dev
# librust-serde-json-dev librust-miniz-oxide-dev librust-once-cell-dev wabt; for the ported
# programs (third-party/) also gcc make tcl dpkg-dev xz-utils. Every engine may import from
# module "vdso" only; the build fails otherwise (hostile-wasi-import is the one deliberate
# exception).
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

# libc-probe tests the SDK's WASI layer, signal.h and clock() included (GUIDE.md, "Porting").
"$clang" --target=wasm32-wasi -mexec-model=reactor "${c_common[@]}" \
  -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -o "$out/libc-probe.wasm" \
  "$here/engines/c/libc-probe.c" "$here/sdk/c/src/wasi_stubs.c" \
  -lwasi-emulated-signal -lwasi-emulated-process-clocks

# C engines with setjmp/longjmp: clang-22 and the SDK's setjmp runtime (sdk/c/include/setjmp.h).
for name in sjlj; do
  "$clang_eh" "${clang_eh_flags[@]}" -mexec-model=reactor "${c_common[@]}" \
    -o "$out/$name.wasm" "$here/engines/c/$name.c" "$here/sdk/c/src/wasi_stubs.c" \
    "$here/sdk/c/src/setjmp.c" "$here/sdk/c/src/setjmp_tag.s"
done

# Ported C programs, built from Debian's source packages (third-party/fetch.sh pins and
# verifies them; nothing of theirs is committed). Each also builds natively with gcc, and the
# native program's output on the committed known-answer scripts becomes the expected output
# the tests check the engine against.
need gcc gcc >/dev/null
need make make >/dev/null
need tclsh tcl >/dev/null
third_party=$("$here/third-party/fetch.sh")
known_answers="$here/src/test/resources/dev/hermetic/engines/known-answers"
expected="$work/known-answers"
third_party_flags=(-O2 -ffp-contract=off -w "-ffile-prefix-map=$third_party=/third-party")

# SQLite: the amalgamation (sqlite3.c, sqlite3.h, shell.c) is generated from the source tree
# by its own makefile (tclsh), once per verified source, inside the cache.
sqlite_src="$third_party/sqlite3-3.40.1"
sqlite_amalgamation="$sqlite_src/.hermetic-amalgamation"
if [ ! -f "$sqlite_amalgamation/shell.c" ]; then
  rm -rf "$sqlite_amalgamation"
  mkdir -p "$sqlite_amalgamation"
  (cd "$sqlite_amalgamation" && "$sqlite_src/configure" --disable-tcl --disable-readline >configure.log 2>&1 &&
     make sqlite3.c shell.c >make.log 2>&1) ||
    { echo "build.sh: generating the SQLite amalgamation failed; see $sqlite_amalgamation/*.log" >&2; exit 1; }
fi
# A flags or list file of ours: one item a line, '#' starts a comment.
items() { sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$1"; }
# Options shared by the engine and the native shell; the engine adds its OS layer.
mapfile -t sqlite_options < <(items "$here/engines/c/sqlite/sqlite.flags")
"$clang" --target=wasm32-wasi "${third_party_flags[@]}" "${sqlite_options[@]}" -DSQLITE_OS_OTHER=1 \
  -c -o "$work/sqlite3.o" "$sqlite_amalgamation/sqlite3.c"
"$clang" --target=wasm32-wasi -mexec-model=reactor "${c_common[@]}" -I "$sqlite_amalgamation" \
  -z stack-size=1048576 -o "$out/sqlite.wasm" \
  "$here/engines/c/sqlite/sqlite.c" "$work/sqlite3.o" "$here/sdk/c/src/wasi_stubs.c"
gcc -O1 -w "${sqlite_options[@]}" -o "$work/sqlite3-native" \
  "$sqlite_amalgamation/shell.c" "$sqlite_amalgamation/sqlite3.c" -lm
# Expected output: the shell's list-mode stdout, then its first error's message as the
# engine writes it ("Parse error near line 4: no such table: x" -> "Error: no such table: x").
# cases.list names the cases for the tests, which read them as resources.
mkdir -p "$expected/sqlite"
(cd "$known_answers/sqlite" && ls -- *.sql | sed 's/\.sql$//' | LC_ALL=C sort) >"$expected/sqlite/cases.list"
for script in "$known_answers/sqlite"/*.sql; do
  name=$(basename "$script" .sql)
  "$work/sqlite3-native" -init /dev/null -bail -batch :memory: \
    <"$script" >"$expected/sqlite/$name.out" 2>"$work/sqlite.err" || true
  sed -n '1s/^[A-Za-z ]*error near line [0-9]*: /Error: /p' "$work/sqlite.err" >>"$expected/sqlite/$name.out"
done

# Lua: pcall, error and coroutines unwind with setjmp/longjmp, hence clang-22 and the SDK's
# setjmp runtime. lua_output.h routes print to the engine's output; the seeds that would come
# from the clock are fixed (lua.flags); os, package and debug are not built (lua.c says why).
lua_src="$third_party/lua5.4-5.4.4/src"
lua_engine="$here/engines/c/lua"
mapfile -t lua_library < <(items "$lua_engine/library.list")
mapfile -t lua_options < <(items "$lua_engine/lua.flags")
mkdir -p "$work/lua"
for file in "${lua_library[@]}"; do
  "$clang_eh" "${clang_eh_flags[@]}" "${third_party_flags[@]}" -D_WASI_EMULATED_SIGNAL \
    -I "$here/sdk/c/include" -I "$lua_engine/include" -include "$lua_engine/lua_output.h" \
    "${lua_options[@]}" -c -o "$work/lua/$file.o" "$lua_src/$file.c"
done
"$clang_eh" "${clang_eh_flags[@]}" -mexec-model=reactor "${c_common[@]}" -D_WASI_EMULATED_SIGNAL \
  -I "$lua_engine/include" -I "$lua_src" -z stack-size=1048576 -o "$out/lua.wasm" \
  "$lua_engine/lua.c" "$work/lua"/*.o "$here/sdk/c/src/wasi_stubs.c" \
  "$here/sdk/c/src/setjmp.c" "$here/sdk/c/src/setjmp_tag.s"
# The native interpreter: the standalone lua from the same source, every library in.
gcc -O1 -w -I "$lua_engine/include" -o "$work/lua-native" \
  $(ls "$lua_src"/*.c | grep -v '/luac\.c$') -lm 2>/dev/null
# Expected output: each script runs as ./script with its .data (if any) on stdin; an error
# report on stderr ("lua-native: <message>" and a traceback) becomes "error: <message>".
mkdir -p "$expected/lua" "$work/lua-run"
(cd "$known_answers/lua" && ls -- *.lua | sed 's/\.lua$//' | LC_ALL=C sort) >"$expected/lua/cases.list"
for script in "$known_answers/lua"/*.lua; do
  name=$(basename "$script" .lua)
  data="$known_answers/lua/$name.data"
  [ -f "$data" ] || data=/dev/null
  cp "$script" "$work/lua-run/script"
  (cd "$work/lua-run" && ../lua-native script <"$data" >"$expected/lua/$name.out" 2>../lua.err) || true
  sed -e '/^stack traceback:$/,$d' -e '1s|^\.\./lua-native: |error: |' "$work/lua.err" >>"$expected/lua/$name.out"
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
  # wabt 1.0.32 reads every section header, but not every code section clang-22 emits (exnref
  # locals): a module without an import section needs no listing; one whose listing fails
  # fails the build rather than passing unchecked.
  headers=$("$objdump" -h "$wasm" 2>/dev/null || true)
  grep -q '^ *Import ' <<< "$headers" || continue
  if ! listing=$("$objdump" -x -j Import "$wasm" 2>&1); then
    echo "$name: wasm-objdump cannot list its imports: $(echo "$listing" | grep error | head -1)" >&2
    bad_imports=1
    continue
  fi
  foreign=$(echo "$listing" | grep -E '^ - ' | grep -v ' <- vdso\.' || true)
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
  for answer in "$expected"/*/*.out "$expected"/*/cases.list; do
    relative=${answer#"$expected"/}
    cmp -s "$answer" "$known_answers/$relative" || differ+=("known-answers/$relative")
  done
  if [ "${#differ[@]}" -gt 0 ]; then
    echo "rebuilt engines or known answers differ from the committed ones:" >&2
    printf '  %s\n' "${differ[@]}" >&2
    exit 1
  fi
  echo "all $(ls "$out"/*.wasm | wc -l) engines match the committed .wasm files"
else
  mkdir -p "$committed"
  rm -f "$committed"/*.wasm "$committed/engines.list"
  cp "$out"/*.wasm "$out/engines.list" "$committed/"
  for answer in "$expected"/*/*.out "$expected"/*/cases.list; do
    cp "$answer" "$known_answers/${answer#"$expected"/}"
  done
  echo "built $(ls "$out"/*.wasm | wc -l) engines into $committed"
fi
