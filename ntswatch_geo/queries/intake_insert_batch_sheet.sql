-- Record what one batch imported of a file: a sheet, or '' for the whole file (same transaction as its rows).
-- The key (file_sha256, sheet) refuses importing the same sheet, or the same whole file, twice.
INSERT INTO import_batch_sheets (file_sha256, sheet, batch_id, rows_in, imported, quarantined, duplicates, skipped)
VALUES ($file_sha256, $sheet, $batch_id, $rows_in, $imported, $quarantined, $duplicates, $skipped);
