-- error, pcall, xpcall, error objects and levels, nested handlers, errors in metamethods.
print(pcall(error, "plain"))
print(pcall(error, "no position", 0))
print(pcall(function() error("with position") end))
print(pcall(function() error("level two", 2) end))
print(pcall(function() local t = nil; return t.x end))
print(pcall(function() return 1 + {} end))
print(pcall(function() return #5 end))
print(pcall(function() return ("x"):bad() end))
local ok, e = pcall(error, {code = 42})
print(ok, type(e), e.code)
print(pcall(error))
print(pcall(error, nil))
print(select("#", pcall(error, nil)))
print(xpcall(function() error("handled") end, function(m) return "handler saw: " .. m end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(pcall(pcall, error, "inner"))
local depth = 0
local function nest(n)
  if n == 0 then error("bottom") end
  local ok, err = pcall(nest, n - 1)
  depth = depth + 1
  error(err, 0)
end
print(pcall(nest, 50), depth)
local mt = {__index = function(t, k) error("no field " .. k) end}
print(pcall(function() return setmetatable({}, mt).missing end))
print(pcall(string.rep))
print(pcall(string.format, "%d", 1.5))
print(pcall(setmetatable, 1, {}))
print(tostring(nil), tostring(false), tonumber("0x10"), tonumber("z", 36), tonumber("1e2"), tonumber(" 12 "), tonumber("12a"))
local closed = {}
do
  local ok, err = pcall(function()
    local x <close> = setmetatable({}, {__close = function(_, err) closed[#closed + 1] = "closed with " .. tostring(err) end})
    error("leaving", 0)
  end)
  print(ok, err, closed[1])
end
print(pcall(load, "return 1 +"))
print(load("return 1 +"))
print(load("syntax error here"))
print(load("return ...", "chunk", "t")(7, 8))
local f = load("local a = ... ; return a * 2")
print(f(21))
print(pcall(function() local a <const> = 1; return a end))
local function thrower() error(setmetatable({}, {__tostring = function() return "custom object" end})) end
print(select(2, pcall(thrower)) ~= nil)
local ok2, obj = pcall(thrower)
print(ok2, tostring(obj))
