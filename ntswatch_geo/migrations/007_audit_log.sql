-- The audit trail of everything that is not a report's own status change (those stay in audit_events):
-- sign-ins and failures, user changes, views and exports of personal data, redactions, purges, releases.
CREATE SEQUENCE audit_log_id_seq START 1;

CREATE TABLE audit_log (
    id              BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
    logged_at       TIMESTAMP NOT NULL,          -- Thailand local time, naive (like every stored timestamp)
    actor           VARCHAR NOT NULL,            -- username; 'public' (the report form); 'cli:<os user>'; 'system'
    role            VARCHAR,                     -- the actor's role at the time
    client          VARCHAR,                     -- the client's address when known (browser), else NULL
    action          VARCHAR NOT NULL,            -- see ntswatch_geo/audit.py ACTIONS
    object_type     VARCHAR,                     -- report | user | export | quarantine | session | database
    object_id       VARCHAR,
    detail          VARCHAR                      -- JSON: what exactly (fields, row counts, reason ...)
);
CREATE INDEX audit_log_logged_at ON audit_log (logged_at);
