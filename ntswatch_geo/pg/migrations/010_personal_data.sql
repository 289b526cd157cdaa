-- Twin of ntswatch_geo/migrations/010.
ALTER TABLE reports ADD COLUMN redacted_at TIMESTAMP;
ALTER TABLE reports ADD COLUMN redacted_by VARCHAR;
ALTER TABLE reports ADD COLUMN redaction_reason VARCHAR;
ALTER TABLE reports ADD COLUMN redacted_fields VARCHAR;
ALTER TABLE reports ADD COLUMN contacts_purged_at TIMESTAMP;
