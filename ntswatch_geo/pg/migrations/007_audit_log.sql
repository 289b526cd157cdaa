-- Twin of ntswatch_geo/migrations/007.
CREATE SEQUENCE audit_log_id_seq START 1;

CREATE TABLE audit_log (
    id              BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
    logged_at       TIMESTAMP NOT NULL,
    actor           VARCHAR NOT NULL,
    role            VARCHAR,
    client          VARCHAR,
    action          VARCHAR NOT NULL,
    object_type     VARCHAR,
    object_id       VARCHAR,
    detail          VARCHAR
);
CREATE INDEX audit_log_logged_at ON audit_log (logged_at);
