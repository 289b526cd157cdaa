-- Twin of ntswatch_geo/migrations/004.
CREATE SEQUENCE batch_id_seq START 1;
CREATE SEQUENCE quarantine_id_seq START 1;
CREATE SEQUENCE audit_id_seq START 1;

CREATE TABLE import_batches (
    batch_id        BIGINT PRIMARY KEY DEFAULT nextval('batch_id_seq'),
    file_name       VARCHAR NOT NULL,
    file_sha256     VARCHAR NOT NULL UNIQUE,
    file_format     VARCHAR NOT NULL,
    encoding        VARCHAR,
    mapping_json    VARCHAR,
    imported_by     VARCHAR,
    imported_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    rows_in         INTEGER NOT NULL,
    imported        INTEGER NOT NULL,
    quarantined     INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL
);

CREATE TABLE quarantine (
    id              BIGINT PRIMARY KEY DEFAULT nextval('quarantine_id_seq'),
    batch_id        BIGINT,
    row_no          INTEGER,
    raw_json        VARCHAR NOT NULL,
    reasons_json    VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE audit_events (
    id              BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    report_id       BIGINT NOT NULL,
    actor           VARCHAR NOT NULL,
    acted_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    action          VARCHAR NOT NULL,
    from_status     VARCHAR,
    to_status       VARCHAR,
    note            VARCHAR,
    agency          VARCHAR,
    duplicate_of    BIGINT
);
CREATE INDEX audit_events_report ON audit_events (report_id);

ALTER TABLE reports ADD COLUMN subdistrict_code VARCHAR;
ALTER TABLE reports ADD COLUMN officer VARCHAR;
ALTER TABLE reports ADD COLUMN contact_consent BOOLEAN;
ALTER TABLE reports ADD COLUMN duplicate_of BIGINT;
ALTER TABLE reports ADD COLUMN source_row INTEGER;
ALTER TABLE reports ADD COLUMN district_confidence DOUBLE PRECISION;
CREATE INDEX reports_batch ON reports (batch_id);
