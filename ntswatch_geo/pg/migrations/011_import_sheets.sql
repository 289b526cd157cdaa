-- Twin of ntswatch_geo/migrations/011.
ALTER TABLE import_batches ADD COLUMN skipped INTEGER DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN sheets_json VARCHAR;
ALTER TABLE quarantine ADD COLUMN sheet VARCHAR;
ALTER TABLE reports ADD COLUMN source_sheet VARCHAR;
