io.write("partial line ")
error(setmetatable({}, {__tostring = function() return "an object with __tostring" end}))
