-- Record one imported file (inside the same transaction as its reports and quarantine rows).
INSERT INTO import_batches (batch_id, file_name, file_sha256, file_format, encoding, mapping_json, imported_by,
                            imported_at, rows_in, imported, quarantined, duplicates, skipped, sheets_json)
VALUES ($batch_id, $file_name, $file_sha256, $file_format, $encoding, $mapping_json, $imported_by,
        CAST($imported_at AS TIMESTAMP), $rows_in, $imported, $quarantined, $duplicates, $skipped,
        $sheets_json);
