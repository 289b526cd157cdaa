-- Twin of ntswatch_geo/migrations/012: PostgreSQL can drop the UNIQUE constraint in place (DuckDB rebuilds).
ALTER TABLE import_batches DROP CONSTRAINT import_batches_file_sha256_key;
CREATE INDEX import_batches_sha ON import_batches (file_sha256);

CREATE TABLE import_batch_sheets (
    file_sha256     VARCHAR NOT NULL,
    sheet           VARCHAR NOT NULL,
    batch_id        BIGINT NOT NULL,
    rows_in         INTEGER NOT NULL,
    imported        INTEGER NOT NULL,
    quarantined     INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL,
    skipped         INTEGER NOT NULL,
    PRIMARY KEY (file_sha256, sheet)
);

INSERT INTO import_batch_sheets
SELECT b.file_sha256, s.sheet, b.batch_id, s.rows_in, s.imported, s.quarantined, s.duplicates, coalesce(s.skipped, 0)
FROM import_batches b,
     jsonb_to_recordset(b.sheets_json::jsonb) AS s(sheet VARCHAR, rows_in INTEGER, imported INTEGER,
                                                  quarantined INTEGER, duplicates INTEGER, skipped INTEGER)
WHERE b.sheets_json IS NOT NULL AND b.sheets_json <> '[]' AND s.sheet IS NOT NULL;
INSERT INTO import_batch_sheets
SELECT file_sha256, '', batch_id, rows_in, imported, quarantined, duplicates, coalesce(skipped, 0)
FROM import_batches
WHERE sheets_json IS NULL OR sheets_json = '[]';
