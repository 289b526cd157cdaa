-- Sign-in sessions that survive a reload or a new tab, and the sign-in lock-out, both kept in the database so
-- a restart forgets neither (ntswatch_geo/sessions.py, ntswatch_geo/lockout.py).

-- One row per sign-in. The browser holds a signed cookie with a random token; only its SHA-256 is stored, so
-- a copy of the database signs nobody in. A session ends at expires_at (absolute), after the idle timeout
-- without a run (last_seen_at), or when revoked (sign-out, sign-out everywhere, user removed, idle).
CREATE TABLE sessions (
    token_hash      VARCHAR PRIMARY KEY,         -- sha256 hex of the token
    username        VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL,          -- Thailand local time, naive (like every stored timestamp)
    last_seen_at    TIMESTAMP NOT NULL,          -- updated at most every 30 s while the session is used
    expires_at      TIMESTAMP NOT NULL,          -- absolute end, created_at + the session lifetime
    client          VARCHAR,                     -- the client's address at sign-in
    revoked_at      TIMESTAMP,
    revoked_reason  VARCHAR                      -- sign_out | sign_out_everywhere | idle | user_removed | password_changed
);
CREATE INDEX sessions_username ON sessions (username);

-- Failed sign-ins counted per (username, client), per client and per username; one row per counter.
CREATE TABLE sign_in_counters (
    kind            VARCHAR NOT NULL,            -- pair | client | user
    key             VARCHAR NOT NULL,            -- 'username client' | client | username (as typed, normalised)
    failures        INTEGER NOT NULL,            -- failures in the current window
    window_start    TIMESTAMP NOT NULL,          -- first failure of the window
    last_failure    TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,                   -- refused until then, even with the right password
    locks           INTEGER NOT NULL DEFAULT 0,  -- locks so far: each doubles the next lock's length
    PRIMARY KEY (kind, key)
);
