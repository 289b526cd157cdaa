-- A workbook is imported sheet by sheet (issue 11): after importing sheet A alone, the same file may be imported
-- again for sheet B. What was imported is kept per (file SHA-256, sheet) in import_batch_sheets, whose key makes
-- importing a sheet twice impossible (also for two imports at once); import_batches stays one row per import
-- run, so the same file may now appear in several batches. A CSV or GeoJSON file (no sheets), and a workbook
-- imported before migration 011 (which sheets is not known), is one row with sheet '' (the whole file): its
-- bytes are never imported again. Excel sheet names have 1 to 31 characters, so '' names no sheet.
--
-- DuckDB 1.5 cannot drop a UNIQUE constraint (ALTER TABLE ... DROP CONSTRAINT is not implemented), so
-- import_batches is rebuilt without UNIQUE(file_sha256): every batch is copied with its id.

CREATE TABLE import_batches_012 (
    batch_id        BIGINT PRIMARY KEY DEFAULT nextval('batch_id_seq'),
    file_name       VARCHAR NOT NULL,
    file_sha256     VARCHAR NOT NULL,            -- the file's bytes; which parts: import_batch_sheets
    file_format     VARCHAR NOT NULL,            -- csv | xlsx | geojson
    encoding        VARCHAR,                     -- utf-8 | utf-8-sig | cp874 (CSV only)
    mapping_json    VARCHAR,                     -- source column -> field, as used
    imported_by     VARCHAR,
    imported_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    rows_in         INTEGER NOT NULL,            -- = imported + quarantined + duplicates + skipped
    imported        INTEGER NOT NULL,
    quarantined     INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL,
    skipped         INTEGER DEFAULT 0,
    sheets_json     VARCHAR                      -- [{"sheet", "rows_in", "imported", ...}] (XLSX)
);
INSERT INTO import_batches_012
SELECT batch_id, file_name, file_sha256, file_format, encoding, mapping_json, imported_by, imported_at, rows_in,
       imported, quarantined, duplicates, coalesce(skipped, 0), sheets_json
FROM import_batches;
DROP TABLE import_batches;
ALTER TABLE import_batches_012 RENAME TO import_batches;
CREATE INDEX import_batches_sha ON import_batches (file_sha256);

-- What each batch imported of a file: one row per sheet (workbook) or one row with sheet '' (whole file).
-- rows_in = imported + quarantined + duplicates + skipped, per row; a batch's rows add up to the batch's counts.
CREATE TABLE import_batch_sheets (
    file_sha256     VARCHAR NOT NULL,
    sheet           VARCHAR NOT NULL,            -- the workbook sheet; '' = the whole file
    batch_id        BIGINT NOT NULL,             -- import_batches.batch_id
    rows_in         INTEGER NOT NULL,
    imported        INTEGER NOT NULL,
    quarantined     INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL,
    skipped         INTEGER NOT NULL,
    PRIMARY KEY (file_sha256, sheet)
);

-- The batches of earlier databases: the sheets a batch of migration 011 lists, else the whole file.
INSERT INTO import_batch_sheets
SELECT b.file_sha256, s.sheet, b.batch_id, s.rows_in, s.imported, s.quarantined, s.duplicates,
       coalesce(s.skipped, 0)
FROM (SELECT file_sha256, batch_id,
             unnest(from_json(sheets_json, '[{"sheet": "VARCHAR", "rows_in": "INTEGER", "imported": "INTEGER",
                                              "quarantined": "INTEGER", "duplicates": "INTEGER",
                                              "skipped": "INTEGER"}]')) AS s
      FROM import_batches
      WHERE sheets_json IS NOT NULL AND sheets_json <> '[]') b(file_sha256, batch_id, s)
WHERE s.sheet IS NOT NULL;
INSERT INTO import_batch_sheets
SELECT file_sha256, '', batch_id, rows_in, imported, quarantined, duplicates, coalesce(skipped, 0)
FROM import_batches
WHERE sheets_json IS NULL OR sheets_json = '[]';
