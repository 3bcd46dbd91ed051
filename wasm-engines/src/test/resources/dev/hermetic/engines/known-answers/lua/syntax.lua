print("this chunk does not compile")
local x = = 1
