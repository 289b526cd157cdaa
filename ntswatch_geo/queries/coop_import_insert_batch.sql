-- Record one imported activities file (inside the same transaction as its activities and quarantine rows).
-- rows_in = imported + quarantined + duplicates + skipped.
insert into coop_import_batches (batch_id, file_name, file_sha256, file_format, imported_by, imported_at,
                                 rows_in, imported, quarantined, duplicates, skipped)
values ($batch_id, $file_name, $file_sha256, $file_format, $imported_by, cast($imported_at as timestamp),
        $rows_in, $imported, $quarantined, $duplicates, $skipped)
