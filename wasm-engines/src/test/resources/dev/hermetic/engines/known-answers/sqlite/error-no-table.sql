SELECT 'before';
SELECT * FROM missing;
