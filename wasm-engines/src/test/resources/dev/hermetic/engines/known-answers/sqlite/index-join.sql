-- Indexes, joins of every kind SQLite has, subqueries, EXISTS, IN.
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary INTEGER);
CREATE INDEX emp_dept ON emp(dept, salary);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'sales'), (4, 'empty');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO emp SELECT i, 'e' || i, 1 + i % 3, 1000 + (i * 37) % 500 FROM n;
INSERT INTO emp VALUES (41, 'nobody', NULL, 900);
SELECT d.name, count(e.id), min(e.salary), max(e.salary) FROM dept d LEFT JOIN emp e ON e.dept = d.id
  GROUP BY d.id ORDER BY d.id;
SELECT e.name, d.name FROM emp e JOIN dept d ON d.id = e.dept WHERE e.salary > 1450 ORDER BY e.salary DESC, e.id;
SELECT e.name FROM emp e WHERE NOT EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept);
SELECT name FROM dept WHERE id IN (SELECT dept FROM emp WHERE salary < 1050) ORDER BY name;
SELECT a.name, b.name FROM emp a JOIN emp b ON a.salary = b.salary AND a.id < b.id ORDER BY a.id, b.id;
SELECT d.name, e.name FROM dept d CROSS JOIN emp e WHERE e.id <= 2 ORDER BY 1, 2;
SELECT count(*) FROM emp INDEXED BY emp_dept WHERE dept = 2 AND salary BETWEEN 1100 AND 1300;
DROP INDEX emp_dept;
SELECT count(*) FROM emp WHERE dept = 2 AND salary BETWEEN 1100 AND 1300;
