-- What was imported before of a file with these bytes: one row per sheet ('' = the whole file), with the batch
-- that imported it, when and by whom (first imported first).
SELECT s.sheet, s.batch_id, b.file_name, b.imported_at, b.imported_by
FROM import_batch_sheets s
JOIN import_batches b ON b.batch_id = s.batch_id
WHERE s.file_sha256 = $file_sha256
ORDER BY s.batch_id, s.sheet;
