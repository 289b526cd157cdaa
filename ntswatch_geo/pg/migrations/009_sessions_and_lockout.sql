-- Twin of ntswatch_geo/migrations/009.
CREATE TABLE sessions (
    token_hash      VARCHAR PRIMARY KEY,
    username        VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    client          VARCHAR,
    revoked_at      TIMESTAMP,
    revoked_reason  VARCHAR
);
CREATE INDEX sessions_username ON sessions (username);

CREATE TABLE sign_in_counters (
    kind            VARCHAR NOT NULL,
    key             VARCHAR NOT NULL,
    failures        INTEGER NOT NULL,
    window_start    TIMESTAMP NOT NULL,
    last_failure    TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,
    locks           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, key)
);
