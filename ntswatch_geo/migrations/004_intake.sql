-- Intake: import batches, quarantine, the audit trail, and the report fields the forms and imports fill.
CREATE SEQUENCE batch_id_seq START 1;
CREATE SEQUENCE quarantine_id_seq START 1;
CREATE SEQUENCE audit_id_seq START 1;

CREATE TABLE import_batches (
    batch_id        BIGINT PRIMARY KEY DEFAULT nextval('batch_id_seq'),
    file_name       VARCHAR NOT NULL,
    file_sha256     VARCHAR NOT NULL UNIQUE,     -- re-importing the same bytes adds nothing
    file_format     VARCHAR NOT NULL,            -- csv | xlsx | geojson
    encoding        VARCHAR,                     -- utf-8 | utf-8-sig | cp874 (CSV only)
    mapping_json    VARCHAR,                     -- source column -> field, as used
    imported_by     VARCHAR,
    imported_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    rows_in         INTEGER NOT NULL,
    imported        INTEGER NOT NULL,
    quarantined     INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL
);

-- Rows that could not be stored: the raw row as read, where it came from, and every reason.
CREATE TABLE quarantine (
    id              BIGINT PRIMARY KEY DEFAULT nextval('quarantine_id_seq'),
    batch_id        BIGINT,                      -- NULL for a rejected form submission
    row_no          INTEGER,                     -- 1-based data row in the file (header not counted)
    raw_json        VARCHAR NOT NULL,
    reasons_json    VARCHAR NOT NULL,            -- [{"field", "value", "code", "message"}]
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Who did what to which report, and when (verification queue, imports, forms).
CREATE TABLE audit_events (
    id              BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    report_id       BIGINT NOT NULL,
    actor           VARCHAR NOT NULL,
    acted_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    action          VARCHAR NOT NULL,            -- created | verify | reject | duplicate | forward | flag_duplicate
    from_status     VARCHAR,
    to_status       VARCHAR,
    note            VARCHAR,
    agency          VARCHAR,
    duplicate_of    BIGINT
);

ALTER TABLE reports ADD COLUMN subdistrict_code VARCHAR;
ALTER TABLE reports ADD COLUMN officer VARCHAR;          -- MWCC office form: who logged it
ALTER TABLE reports ADD COLUMN contact_consent BOOLEAN;
ALTER TABLE reports ADD COLUMN duplicate_of BIGINT;      -- likely duplicate of this report (flagged, kept)
ALTER TABLE reports ADD COLUMN source_row INTEGER;       -- row number in the import file
ALTER TABLE reports ADD COLUMN district_confidence DOUBLE; -- name match confidence (1 = exact / point in polygon)
