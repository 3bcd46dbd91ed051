-- Metatables: arithmetic, comparison, concat, __index/__newindex chains, __call, __len, classes.
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec.__mul(a, k) return Vec.new(a.x * k, a.y * k) end
function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
function Vec.__lt(a, b) return a:len2() < b:len2() end
function Vec.__le(a, b) return a:len2() <= b:len2() end
function Vec.__tostring(v) return "(" .. v.x .. ", " .. v.y .. ")" end
function Vec.__concat(a, b) return tostring(a) .. tostring(b) end
function Vec.__unm(v) return Vec.new(-v.x, -v.y) end
function Vec.__len(v) return 2 end
function Vec:len2() return self.x * self.x + self.y * self.y end
local a, b = Vec.new(1, 2), Vec.new(3, 4)
print(tostring(a + b), tostring(a * 3), a == Vec.new(1, 2), a < b, b <= a, tostring(-a), #a, a .. b)
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({name = name, sound = sound}, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name, "woof"); return setmetatable(d, Dog) end
function Dog:fetch() return self.name .. " fetches" end
local d = Dog.new("rex")
print(d:speak(), d:fetch(), getmetatable(d) == Dog)
local log = {}
local proxy = setmetatable({}, {
  __index = function(t, k) log[#log + 1] = "get " .. k; return k .. "!" end,
  __newindex = function(t, k, v) log[#log + 1] = "set " .. k; rawset(t, k, v) end,
})
print(proxy.foo)
proxy.bar = 1
print(proxy.bar, table.concat(log, ","))
local callable = setmetatable({}, {__call = function(self, a, b) return a * b end})
print(callable(6, 7))
local defaults = setmetatable({}, {__index = {color = "red", size = 3}})
defaults.size = 5
print(defaults.color, defaults.size, rawget(defaults, "color"))
local ro = setmetatable({}, {__newindex = function() error("read-only table", 2) end, __metatable = "locked"})
print(pcall(function() ro.x = 1 end))
print(getmetatable(ro), pcall(setmetatable, ro, {}))
local idiv = setmetatable({}, {__idiv = function() return "idiv" end, __mod = function() return "mod" end,
  __pow = function() return "pow" end, __band = function() return "band" end, __shl = function() return "shl" end})
print(idiv // 1, idiv % 1, idiv ^ 1, idiv & 1, idiv << 1)
local strmt = getmetatable("")
print(type(strmt.__index), ("abc"):len())
local gcCount = 0
do
  local x = setmetatable({}, {__gc = function() gcCount = gcCount + 1 end})
end
collectgarbage()
collectgarbage()
print("gc ran", gcCount)
local inherited = setmetatable({}, {__index = setmetatable({}, {__index = setmetatable({}, {__index = {deep = "found"}})})})
print(inherited.deep)
