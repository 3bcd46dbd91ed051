/*
 * Lua 5.4 as a filter engine. The input is a Lua script, optionally followed by a NUL byte and
 * data: `script [NUL data]`. The script runs as the main chunk of a fresh Lua state, named
 * "script" in messages (as `lua script` names a file of that name); the data is its standard
 * input (io.read, io.lines(), io.stdin). The output is what the script writes to its standard
 * output: print, io.write, io.stdout:write, in order.
 *
 * When the script raises an error nobody catches, the output ends with one more line,
 * "error: <message>\n" (the message as the standalone `lua` reports it: a non-string error
 * object with __tostring is converted, any other as "(error object is a <type> value)"; no
 * traceback). A syntax error in the script is reported the same way.
 *
 * The status is the number of bytes written, HERMETIC_ERR_BUFFER_TOO_SMALL when the output
 * does not fit, or HERMETIC_ERR_NO_MEMORY when no Lua state can be created.
 *
 * The libraries: base, coroutine, table, string, math, utf8 and io without open, popen and
 * tmpfile; no os, package or debug. The SDK's libc has no files to open, so the sandbox is
 * empty anyway; the functions that exist only to reach files or processes are left out.
 * pcall, error and coroutines unwind with setjmp/longjmp (Lua's C-mode LUAI_THROW), which the
 * SDK builds on Wasm exception handling.
 *
 * The answer never depends on earlier calls: each call runs in a new state and closes it.
 * engine_init creates the first one ahead of time, so a zygote snapshot holds a state with its
 * libraries open.
 */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lua_output.h" /* before lauxlib.h, as in the library's own files */
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

#define HERMETIC_SPAN_WINDOW_SIZE (8 * 1024 * 1024)
#include <hermetic/engine.h>

/* A state that has run no script yet, or NULL: every call closes the state it used. */
static lua_State *lua;

/* A byte cursor over a span; len never exceeds cap; overflow is sticky. */
struct cursor {
    unsigned char *data;
    size_t cap;
    size_t len;
    int overflow;
};

/* The output span of the running call: where stdout's bytes go. */
static struct cursor output;

/* The data part of the input: what stdin reads; len is the read position. */
static struct cursor input;

/* stdout of the running call (lua_output.h routes print here), or NULL between calls. */
FILE *hermetic_lua_stdout;

static ssize_t output_write(void *cookie, const char *bytes, size_t len) {
    struct cursor *c = cookie;
    size_t fits = len <= c->cap - c->len ? len : c->cap - c->len;
    if (fits < len) {
        c->overflow = 1;
    }
    memcpy(c->data + c->len, bytes, fits);
    c->len += fits;
    return (ssize_t)len; /* all of it: stdio would retry a short write; overflow tells the loss */
}

static ssize_t input_read(void *cookie, char *bytes, size_t len) {
    struct cursor *c = cookie;
    size_t left = c->cap - c->len;
    if (len > left) {
        len = left;
    }
    memcpy(bytes, c->data + c->len, len);
    c->len += len;
    return (ssize_t)len;
}

/* wasi-libc declares tmpfile and has none; liolib refers to it for io.tmpfile, left out here. */
FILE *tmpfile(void) {
    errno = ENOSYS;
    return NULL;
}

/* Closing a standard stream is refused, as liolib does for the real ones. */
static int std_stream_noclose(lua_State *L) {
    luaL_Stream *stream = (luaL_Stream *)luaL_checkudata(L, 1, LUA_FILEHANDLE);
    stream->closef = &std_stream_noclose;
    luaL_pushfail(L);
    lua_pushliteral(L, "cannot close standard file");
    return 2;
}

/* Makes `file` the io library's default stream registry[key] and io[field]. */
static void set_std_stream(lua_State *L, FILE *file, const char *key, const char *field) {
    luaL_Stream *stream = (luaL_Stream *)lua_newuserdatauv(L, sizeof *stream, 0);
    stream->closef = NULL; /* a closed stream until it is complete */
    luaL_setmetatable(L, LUA_FILEHANDLE);
    stream->f = file;
    stream->closef = &std_stream_noclose;
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, key);
    lua_getglobal(L, LUA_IOLIBNAME);
    lua_insert(L, -2);
    lua_setfield(L, -2, field);
    lua_pop(L, 1);
}

/* Opens library `open` as global `name`, then removes the listed functions from it. */
static void open_library(lua_State *L, const char *name, lua_CFunction open, const char *const *removed) {
    luaL_requiref(L, name, open, 1);
    for (; removed && *removed; removed++) {
        lua_pushnil(L);
        lua_setfield(L, -2, *removed);
    }
    lua_pop(L, 1);
}

static const char *const io_removed[] = {"open", "popen", "tmpfile", NULL};

static int make_fresh_state(void) {
    if (lua) {
        return HERMETIC_OK;
    }
    lua = luaL_newstate();
    if (!lua) {
        return HERMETIC_ERR_NO_MEMORY;
    }
    open_library(lua, LUA_GNAME, luaopen_base, NULL);
    open_library(lua, LUA_COLIBNAME, luaopen_coroutine, NULL);
    open_library(lua, LUA_TABLIBNAME, luaopen_table, NULL);
    open_library(lua, LUA_STRLIBNAME, luaopen_string, NULL);
    open_library(lua, LUA_MATHLIBNAME, luaopen_math, NULL);
    open_library(lua, LUA_UTF8LIBNAME, luaopen_utf8, NULL);
    open_library(lua, LUA_IOLIBNAME, luaopen_io, io_removed);
    return HERMETIC_OK;
}

HERMETIC_ENGINE_INIT void engine_init(void) {
    make_fresh_state();
}

/* The standalone interpreter's message handler, without the traceback. */
static int message_handler(lua_State *L) {
    if (lua_tostring(L, 1) == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            return 1;
        }
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    return 1;
}

HERMETIC_ENGINE_START int64_t engine_start(int32_t in_ptr, int32_t in_len, int32_t out_ptr, int32_t out_cap) {
    const char *script = (const char *)HERMETIC_SPAN_PTR(in_ptr);
    const char *nul = memchr(script, 0, (size_t)in_len);
    size_t script_len = nul ? (size_t)(nul - script) : (size_t)in_len;
    int status = make_fresh_state();
    if (status != HERMETIC_OK) {
        return status;
    }
    output = (struct cursor){HERMETIC_SPAN_PTR(out_ptr), (size_t)out_cap, 0, 0};
    input = (struct cursor){(unsigned char *)(nul ? nul + 1 : script + script_len),
                            nul ? (size_t)in_len - script_len - 1 : 0, 0, 0};
    FILE *out = fopencookie(&output, "w", (cookie_io_functions_t){.write = output_write});
    FILE *in = fopencookie(&input, "r", (cookie_io_functions_t){.read = input_read});
    if (!out || !in) {
        if (out) fclose(out);
        if (in) fclose(in);
        return HERMETIC_ERR_NO_MEMORY;
    }
    hermetic_lua_stdout = out;
    set_std_stream(lua, in, "_IO_input", "stdin");
    set_std_stream(lua, out, "_IO_output", "stdout");

    lua_pushcfunction(lua, message_handler);
    int rc = luaL_loadbufferx(lua, script, script_len, "=script", "t");
    if (rc == LUA_OK) {
        rc = lua_pcall(lua, 0, 0, -2);
    }
    if (rc != LUA_OK) {
        const char *message = lua_tostring(lua, -1);
        fprintf(out, "error: %s\n", message ? message : "(error object is not a string)");
    }
    fflush(out);
    /* Its streams end with this call, and so does the state. */
    fclose(out);
    fclose(in);
    hermetic_lua_stdout = NULL;
    lua_close(lua);
    lua = NULL;
    return output.overflow ? HERMETIC_ERR_BUFFER_TOO_SMALL : (int64_t)output.len;
}
