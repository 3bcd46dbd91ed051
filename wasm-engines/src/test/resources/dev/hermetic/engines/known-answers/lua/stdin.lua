-- Reads its data from standard input: lines, numbers in them, the rest at once.
local first = io.read("l")
print("first line:", first)
local total, count = 0, 0
for line in io.lines() do
  if line == "" then break end
  local name, value = line:match("^(%w+)%s+(-?%d+)$")
  if name then total = total + tonumber(value); count = count + 1 end
end
print("records", count, "total", total)
local rest = io.read("a")
print("rest bytes", #rest, rest:gsub("\n", "|"))
print(io.read("l"), io.read("a"), io.read(0))
io.stdout:write("via io.stdout\n")
print(io.write("chained "):write("writes\n") == io.stdout)
print(pcall(io.close))
print(io.type(io.stdin), io.type(io.stdout), io.type(42))
