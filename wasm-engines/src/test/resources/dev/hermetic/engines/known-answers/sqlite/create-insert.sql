-- Tables, typed and untyped columns, NULLs, affinity, rowids.
CREATE TABLE person(id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER, score REAL, note);
INSERT INTO person(name, age, score, note) VALUES
  ('ada', 36, 91.5, NULL), ('brian', 29, 78.25, 'x'), ('chen', NULL, 88, 42), ('dana', 41, -3.5, x'6869');
INSERT INTO person VALUES (10, 'eve', '27', '1e2', 3.0);
SELECT * FROM person;
SELECT id, typeof(age), typeof(score), typeof(note) FROM person ORDER BY id;
SELECT last_insert_rowid(), changes(), total_changes();
UPDATE person SET age = age + 1 WHERE age IS NOT NULL;
SELECT changes();
DELETE FROM person WHERE id = 2;
SELECT count(*), sum(age), max(name) FROM person;
INSERT INTO person(name) VALUES ('finn') RETURNING id, name, age IS NULL;
