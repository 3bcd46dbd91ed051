-- Closures and upvalues, varargs, recursion, tail calls, string building, goto.
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc(); inc()
print(get())
local adders = {}
for i = 1, 3 do adders[i] = function(x) return x + i end end
print(adders[1](10), adders[2](10), adders[3](10))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...) or 0) end
  return s, select("#", ...)
end
print(sum(1, 2, 3, nil, 5))
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + n) end
print(loop(100000, 0))
local function compose(f, g) return function(...) return f(g(...)) end end
print(compose(string.upper, string.reverse)("abc"))
local memo = setmetatable({}, {__mode = "k"})
local function memoized(n)
  if memo[n] then return memo[n] end
  local v = n < 2 and n or memoized(n - 1) + memoized(n - 2)
  memo[n] = v
  return v
end
print(memoized(80))
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    io.write(i, j, " ")
    ::continue::
  end
end
print()
local parts = {}
for i = 1, 5 do parts[#parts + 1] = string.format("<%d>", i * i) end
print(table.concat(parts))
local shadow = 1
do local shadow = 2; print(shadow) end
print(shadow)
local function varargs(...) local a, b = ...; return a, b, ... end
print(varargs(1, 2, 3))
print((varargs(1, 2, 3)))
local x = 0
while true do x = x + 1; if x > 5 then break end end
repeat x = x - 1 local y = x until y < 3
print(x)
for i = 10, 1, -3 do io.write(i, " ") end
for i = 1.0, 2.0, 0.5 do io.write(i, " ") end
print()
