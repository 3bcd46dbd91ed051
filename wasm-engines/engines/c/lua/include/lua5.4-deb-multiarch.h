/*
 * Debian's lua5.4 makes luaconf.h include this header, which its build generates; it names the
 * multiarch folder in package.cpath. The engine opens no package library, so any name does.
 */
#define DEB_HOST_MULTIARCH "wasm32-wasi"
