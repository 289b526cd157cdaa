-- Twin of ntswatch_geo/migrations/008 (its new filtered_reports macro is created by the gateway).
ALTER TABLE reports ADD COLUMN client_hash VARCHAR;
ALTER TABLE reports ADD COLUMN spam_reason VARCHAR;
CREATE INDEX reports_client_received ON reports (client_hash, received_at);
