-- An error nobody catches ends the script; what was printed stays.
print("before")
local function f() error("uncaught failure") end
f()
print("never")
