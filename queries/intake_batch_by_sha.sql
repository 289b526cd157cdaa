-- The import batch that already holds a file with these bytes, if any.
SELECT batch_id, file_name, imported_at, rows_in, imported, quarantined, duplicates
FROM import_batches
WHERE file_sha256 = $file_sha256;
