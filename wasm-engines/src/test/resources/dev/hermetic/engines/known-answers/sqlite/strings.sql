-- String functions, LIKE/GLOB, printf, unicode, blobs as text, quoting.
SELECT upper('hello'), lower('WoRlD'), length('héllo'), length(x'00ff'), substr('abcdef', 2, 3), substr('abcdef', -2);
SELECT replace('a-b-c', '-', '+'), trim('  pad  '), ltrim('xxy', 'x'), rtrim('yxx', 'x'), instr('hello', 'll');
SELECT 'it''s', quote('it''s'), quote(NULL), quote(1.5), quote(x'0102'), hex('AB');
SELECT printf('%05d|%-5s|%.3f|%x|%q|%c', 42, 'ab', 3.14159, 255, 'o''k', 'z');
SELECT 'abc' LIKE 'A%', 'abc' GLOB 'A*', 'a_c' LIKE 'a\_c' ESCAPE '\', 'x' || 1 || 2.5 || NULL;
SELECT unicode('€'), char(72, 105), 'naïve ☃' = 'naïve ☃', length(CAST('naïve' AS BLOB));
SELECT group_concat(value, ';') FROM json_each('[1, "two", 3.5, null]');
SELECT json_extract('{"a": {"b": [10, 20]}}', '$.a.b[1]'), json_object('k', 1, 'l', 'v'), json_array(1, 'x');
SELECT 'line one
line two';
SELECT coalesce(NULL, NULL, 'third'), nullif(3, 3), iif(1 < 2, 'yes', 'no'), ifnull(NULL, 'dflt');
