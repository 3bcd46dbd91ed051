-- Coroutines: resume/yield values, wrap, status, errors inside, yield across pcall, generators.
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "end", a
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.status(co))
print(coroutine.resume(co))
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
print(gen(), gen(), gen())
local bad = coroutine.create(function() error("inside") end)
print(coroutine.resume(bad))
print(coroutine.status(bad))
local bad2 = coroutine.wrap(function() error({}) end)
local okBad2, errBad2 = pcall(bad2)
print(okBad2, type(errBad2))
local main, isMain = coroutine.running()
print(coroutine.isyieldable(), type(main), isMain)
local acrossPcall = coroutine.wrap(function()
  local ok, v = pcall(function()
    local got = coroutine.yield("from inside pcall")
    error("after yield: " .. got)
  end)
  coroutine.yield(tostring(ok) .. " " .. v)
  return "finished"
end)
print(acrossPcall())
print(acrossPcall("resumed"))
print(acrossPcall())
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local count = 0
for p in coroutine.wrap(function() permgen({1, 2, 3, 4}) end) do
  count = count + 1
  if count <= 3 then print(table.concat(p, " ")) end
end
print("permutations", count)
local producer = coroutine.create(function()
  for _, w in ipairs({"alpha", "beta", "gamma"}) do coroutine.yield(w) end
end)
local words = {}
while true do
  local ok, w = coroutine.resume(producer)
  if not w then break end
  words[#words + 1] = w:upper()
end
print(table.concat(words, ","))
local closing = coroutine.create(function()
  local r <close> = setmetatable({}, {__close = function() print("closed by coroutine.close") end})
  coroutine.yield()
end)
coroutine.resume(closing)
print(coroutine.close(closing), coroutine.status(closing))
print(coroutine.resume(coroutine.running()))
local deep = 0
local function chain(n)
  if n == 0 then return coroutine.yield("deep") end
  return chain(n - 1)
end
local c2 = coroutine.wrap(function() return chain(10000) end)
print(c2(), c2("back"))
