-- A runtime error in the middle of a result: the rows before it are printed.
SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT abs(-9223372036854775807 - 1));
