-- GROUP BY / HAVING / ORDER BY, window functions, DISTINCT, LIMIT/OFFSET, collation.
CREATE TABLE sale(region TEXT, item TEXT, qty INTEGER, price REAL);
INSERT INTO sale VALUES ('north', 'apple', 3, 0.5), ('north', 'pear', 1, 0.75), ('south', 'apple', 10, 0.45),
  ('south', 'Apple', 2, 0.5), ('east', 'fig', 7, 1.25), ('east', 'apple', NULL, 0.5), ('north', 'apple', 4, 0.55);
SELECT region, sum(qty), round(sum(qty * price), 2) FROM sale GROUP BY region ORDER BY region;
SELECT item, count(*) FROM sale GROUP BY item COLLATE NOCASE HAVING count(*) > 1 ORDER BY 1;
SELECT DISTINCT region FROM sale ORDER BY region DESC;
SELECT item, qty FROM sale ORDER BY qty NULLS FIRST, item LIMIT 3 OFFSET 1;
SELECT region, item, qty, rank() OVER (PARTITION BY region ORDER BY qty DESC) FROM sale ORDER BY region, 4, item;
SELECT region, sum(qty) OVER (ORDER BY rowid ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sale;
SELECT group_concat(item, ',') FROM (SELECT item FROM sale ORDER BY item);
SELECT item FROM sale ORDER BY item COLLATE NOCASE, item;
