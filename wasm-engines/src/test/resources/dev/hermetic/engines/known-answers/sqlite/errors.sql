-- The first failing statement stops the script: rows before it are kept.
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL);
INSERT INTO t VALUES (1, 'one');
SELECT * FROM t;
INSERT INTO t VALUES (1, 'again');
SELECT 'never printed';
