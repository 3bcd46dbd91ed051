-- Aggregates and numbers: integer/real arithmetic, overflow to real, division, rounding.
CREATE TABLE v(x);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO v SELECT i FROM n;
SELECT count(*), sum(x), avg(x), min(x), max(x), total(x) FROM v;
SELECT sum(x * x), avg(x * 1.5), sum(1.0 / x) FROM v;
SELECT count(*) FROM v WHERE x % 7 = 0;
SELECT 7 / 2, 7 % 3, 7.0 / 2, -7 / 2, 1 / 0, 2.5 * 4, 1e308 * 10, 9223372036854775807 + 1;
SELECT round(2.5), round(-2.5), round(3.14159, 3), abs(-5), max(1, 2.0, '3'), min(NULL, 1);
SELECT 0.1 + 0.2, 1.0 / 3, 100.0, 1e-7, 123456789012345678, 1.5e15, cast('12abc' AS INTEGER);
SELECT sum(x) FILTER (WHERE x > 990), count(DISTINCT x % 10) FROM v;
SELECT typeof(sum(x)), typeof(avg(x)), typeof(total(x)) FROM v WHERE x < 0;
