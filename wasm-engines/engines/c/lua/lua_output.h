/*
 * Included into every Lua source file of the engine (-include): print writes to the running
 * call's standard output (lua.c), not to the libc's stdout.
 */
#ifndef HERMETIC_LUA_OUTPUT_H
#define HERMETIC_LUA_OUTPUT_H

#include <stdio.h>

/* The stream print and io.write share while engine_start runs. */
extern FILE *hermetic_lua_stdout;

#define lua_writestring(s, l) fwrite((s), sizeof(char), (l), hermetic_lua_stdout)
#define lua_writeline() lua_writestring("\n", 1)

#endif
