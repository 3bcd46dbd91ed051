#!/usr/bin/env bash
# Fetches the pinned Debian source packages the ported engines are built from and prints the
# folder they are unpacked in. Nothing third-party lives in the repository: only the pins and
# checksums (sources.lock) and our own small patches (*.patch) beside this script.
#
#   fetch.sh [CACHE]    CACHE defaults to $HERMETIC_THIRD_PARTY_CACHE, else
#                       ${XDG_CACHE_HOME:-~/.cache}/hermetic/third-party
#
# For each "package version dsc-sha256" line of sources.lock:
#   1. apt-get source --download-only package=version (a deb-src entry for bookworm is
#      added under /etc/apt/sources.list.d/ first when none exists; that needs root);
#   2. the .dsc's SHA-256 must equal the committed one;
#   3. dpkg-source -x unpacks it, verifying every tarball against the checksums in the .dsc
#      (it refuses to unpack on a mismatch) and applying Debian's own patches.
# A package already unpacked from a .dsc with the committed checksum is reused.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd -P)"
cache="${1:-${HERMETIC_THIRD_PARTY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hermetic/third-party}}"
me="third-party/fetch.sh"

fail() { echo "$me: $*" >&2; exit 1; }
for tool in apt-get dpkg-source sha256sum xz; do
  command -v "$tool" >/dev/null ||
    fail "$tool not found; install Debian's $(case $tool in dpkg-source) echo dpkg-dev;; xz) echo xz-utils;; sha256sum) echo coreutils;; *) echo apt;; esac)"
done

has_deb_src() {
  grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

ensure_deb_src() {
  has_deb_src && return 0
  [ "$(id -u)" = 0 ] || fail "no deb-src entry in /etc/apt; as root, add one for bookworm (this script does so when run as root)"
  cat > /etc/apt/sources.list.d/hermetic-deb-src.sources <<'SOURCES'
# Added by hermetic's wasm-engines/third-party/fetch.sh: the engines are built from source packages.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  echo "$me: added /etc/apt/sources.list.d/hermetic-deb-src.sources; running apt-get update" >&2
  apt-get update -qq >&2 || fail "apt-get update failed after adding the deb-src entry"
}

mkdir -p "$cache"
while read -r package version sha256; do
  case "$package" in ''|'#'*) continue ;; esac
  upstream=${version#*:}
  upstream=${upstream%-*}
  dsc="${package}_${version#*:}.dsc"
  dir="$cache/$package-$upstream"
  if [ -f "$dir/.hermetic-dsc-sha256" ] && [ "$(cat "$dir/.hermetic-dsc-sha256")" = "$sha256" ]; then
    continue
  fi
  ensure_deb_src
  download="$cache/download"
  rm -rf "$download" "$dir"
  mkdir -p "$download"
  # apt drops root to _apt for downloads; let it write there instead of warning.
  if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$download"; fi
  # apt verifies what it downloads against the signed Sources index.
  if ! (cd "$download" && apt-get source -qq --download-only "$package=$version" >/dev/null); then
    fail "apt-get source $package=$version failed: the pinned version is no longer served by" \
         "the configured mirror (see sources.lock; snapshot.debian.org keeps every version)"
  fi
  actual=$(sha256sum "$download/$dsc" | cut -d' ' -f1)
  [ "$actual" = "$sha256" ] || fail "$dsc: SHA-256 $actual, expected $sha256 (sources.lock)"
  # Its log is shown only on failure: without Debian's keyring it warns that it cannot check
  # the .dsc's signature, which apt's signed index and sources.lock already vouch for.
  (cd "$download" && dpkg-source --no-copy -x "$dsc" "$dir" >"$download/dpkg-source.log" 2>&1) ||
    { cat "$download/dpkg-source.log" >&2
      fail "dpkg-source refused $dsc (a tarball does not match the checksums in the .dsc)"; }
  echo "$me: $package $version unpacked into $dir" >&2
  echo "$sha256" > "$dir/.hermetic-dsc-sha256"
  rm -rf "$download"
done < "$here/sources.lock"
echo "$cache"
