-- Tables: constructors, length, insert/remove/concat/sort/move/unpack, nested, integer keys.
local t = {10, 20, 30, x = 1, ["y z"] = 2, [100] = 3}
print(#t, t[1], t.x, t["y z"], t[100], t[4])
table.insert(t, 40)
table.insert(t, 1, 5)
print(#t, table.concat(t, ","))
print(table.remove(t), table.remove(t, 1), #t, table.concat(t, ","))
local names = {"pear", "apple", "fig", "banana", "cherry", "date"}
table.sort(names)
print(table.concat(names, " "))
table.sort(names, function(a, b) return #a < #b or (#a == #b and a > b) end)
print(table.concat(names, " "))
local nums = {}
for i = 1, 200 do nums[i] = (i * 7919) % 1009 end
table.sort(nums)
print(nums[1], nums[2], nums[100], nums[200])
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(select("#", table.unpack({}, 1, 3)))
local packed = table.pack(1, nil, 3)
print(packed.n, packed[1], packed[2], packed[3])
print(table.concat(table.move({1, 2, 3, 4, 5}, 2, 4, 1), ","))
local counts = {}
for _, w in ipairs({"a", "b", "a", "c", "b", "a"}) do counts[w] = (counts[w] or 0) + 1 end
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do io.write(k, "=", counts[k], " ") end
print()
local matrix = {}
for i = 1, 3 do matrix[i] = {} for j = 1, 3 do matrix[i][j] = i * j end end
print(matrix[2][3], matrix[3][3], #matrix, #matrix[1])
local sparse = {}
sparse[1] = "a"; sparse[2] = "b"; sparse[4] = "d"
print(sparse[3], rawlen({1, 2}), rawequal(t, t), rawget(t, "x"), next({}))
print(pcall(table.sort, {3, 1, "x"}))
print(pcall(table.insert, {}, 5, 1))
print(table.concat({}, ","), table.concat({1, 2.5, "s"}, "-", 2))
local ks = {}
for k, v in pairs({1, 2, 3}) do ks[#ks + 1] = k .. "=" .. v end
print(table.concat(ks, " "))
local big = {}
for i = 1, 10000 do big[i] = i * i end
local sum = 0
for i, v in ipairs(big) do sum = sum + v end
print(#big, sum)
local set = {[1.0] = "float key one", [2] = "two"}
print(set[1], set[2.0], math.type(next(set)))
