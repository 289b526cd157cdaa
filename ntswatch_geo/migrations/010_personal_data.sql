-- Personal-data lifecycle (ntswatch_geo/privacy.py): who redacted a report's contact details or description,
-- when and why, and when the retention purge cleared its contact details. The values themselves are gone.
ALTER TABLE reports ADD COLUMN redacted_at TIMESTAMP;          -- last redaction, Thailand local time
ALTER TABLE reports ADD COLUMN redacted_by VARCHAR;            -- username of the admin or district officer
ALTER TABLE reports ADD COLUMN redaction_reason VARCHAR;       -- as typed (required)
ALTER TABLE reports ADD COLUMN redacted_fields VARCHAR;        -- JSON list of every field redacted so far
ALTER TABLE reports ADD COLUMN contacts_purged_at TIMESTAMP;   -- retention purge cleared contact_name/phone
