-- Twin of ntswatch_geo/migrations/015. The cooperation record (issue 14): people-to-people activities of a Thai border district with its parallel
-- areas (the facing Lao / Cambodian districts), who took part on each side, change agents trained, budget and
-- outcome; SWOT notes may name the activity they came from. Written by ntswatch_geo/cooperation/ (entry form,
-- spreadsheet import, demo generator); every activity is in one district and is read within the user's scope.
CREATE SEQUENCE coop_activity_id_seq START 1;
CREATE SEQUENCE coop_batch_id_seq START 1;
CREATE SEQUENCE coop_quarantine_id_seq START 1;

CREATE TABLE coop_activities (
    id              BIGINT PRIMARY KEY DEFAULT nextval('coop_activity_id_seq'),
    activity_type   VARCHAR NOT NULL,         -- cooperation.taxonomy.ACTIVITY_TYPES
    start_date      DATE NOT NULL,
    end_date        DATE NOT NULL,            -- = start_date for a one-day activity
    district_code   VARCHAR NOT NULL,         -- the Thai district
    province_code   VARCHAR NOT NULL,
    title           VARCHAR,
    th_officials    INTEGER NOT NULL DEFAULT 0,   -- participants by side (th, la, kh) and kind
    th_leaders      INTEGER NOT NULL DEFAULT 0,
    th_citizens     INTEGER NOT NULL DEFAULT 0,
    th_youth        INTEGER NOT NULL DEFAULT 0,
    la_officials    INTEGER NOT NULL DEFAULT 0,
    la_leaders      INTEGER NOT NULL DEFAULT 0,
    la_citizens     INTEGER NOT NULL DEFAULT 0,
    la_youth        INTEGER NOT NULL DEFAULT 0,
    kh_officials    INTEGER NOT NULL DEFAULT 0,
    kh_leaders      INTEGER NOT NULL DEFAULT 0,
    kh_citizens     INTEGER NOT NULL DEFAULT 0,
    kh_youth        INTEGER NOT NULL DEFAULT 0,
    change_agents   INTEGER NOT NULL DEFAULT 0,   -- NTS-literacy change agents trained
    budget_thb      DOUBLE PRECISION,
    outcome         VARCHAR,
    source          VARCHAR NOT NULL,         -- entry | import:<batch> | synthetic:<run>
    batch_id        BIGINT,
    source_sheet    VARCHAR,
    source_row      INTEGER,
    content_key     VARCHAR NOT NULL UNIQUE,  -- SHA-256 of the normalised record: the same activity twice adds nothing
    is_synthetic    BOOLEAN NOT NULL DEFAULT false,
    created_by      VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX coop_activities_district ON coop_activities (district_code, start_date);

-- the facing district(s) of an activity: rows of parallel_areas for its district
CREATE TABLE coop_activity_areas (
    activity_id     BIGINT NOT NULL,
    neighbour_id    VARCHAR NOT NULL,
    PRIMARY KEY (activity_id, neighbour_id)
);

CREATE TABLE coop_import_batches (
    batch_id        BIGINT PRIMARY KEY DEFAULT nextval('coop_batch_id_seq'),
    file_name       VARCHAR NOT NULL,
    file_sha256     VARCHAR NOT NULL UNIQUE,  -- re-importing the same bytes adds nothing
    file_format     VARCHAR NOT NULL,
    imported_by     VARCHAR,
    imported_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    rows_in         INTEGER NOT NULL,         -- = imported + quarantined + duplicates + skipped
    imported        INTEGER NOT NULL,
    quarantined     INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL,
    skipped         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE coop_quarantine (
    id              BIGINT PRIMARY KEY DEFAULT nextval('coop_quarantine_id_seq'),
    batch_id        BIGINT,
    sheet           VARCHAR,
    row_no          INTEGER,
    raw_json        VARCHAR NOT NULL,
    reasons_json    VARCHAR NOT NULL,         -- [{"field", "value", "code", "message", "message_th"}]
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- the demo generator's planted effect of an activity on the district's reports, per month (like planted_signals)
CREATE TABLE coop_planted_effects (
    run_id          INTEGER NOT NULL,
    activity_id     BIGINT NOT NULL,
    district_code   VARCHAR NOT NULL,
    activity_type   VARCHAR NOT NULL,
    channel         VARCHAR NOT NULL,
    month           DATE NOT NULL,
    multiplier      DOUBLE PRECISION NOT NULL,
    expected_base   DOUBLE PRECISION NOT NULL,
    extra_reports   INTEGER NOT NULL,
    PRIMARY KEY (run_id, activity_id, channel, month)
);

ALTER TABLE swot_notes ADD COLUMN activity_id BIGINT;

-- scope in the database, as on reports: a dashboard login reads and adds the activities of its scope only;
-- inserts go through coop_activities_incoming (the extension inserts by COPY, refused on a table with row security)
CREATE TABLE coop_activities_incoming (LIKE coop_activities INCLUDING DEFAULTS);
CREATE FUNCTION coop_activities_incoming_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO coop_activities SELECT (NEW).*;
    RETURN NULL;
END
$$;
CREATE TRIGGER coop_activities_incoming_insert BEFORE INSERT ON coop_activities_incoming
    FOR EACH ROW EXECUTE FUNCTION coop_activities_incoming_insert();
ALTER TABLE coop_activities ENABLE ROW LEVEL SECURITY;
CREATE POLICY coop_activities_dashboard_scope ON coop_activities FOR ALL TO ntswatch_dashboard
    USING (
        EXISTS (SELECT 1 FROM scope_roles s WHERE s.role_name = current_user)
        AND province_code = coalesce((SELECT s.province_code FROM scope_roles s WHERE s.role_name = current_user),
                                     province_code)
        AND district_code = coalesce((SELECT s.district_code FROM scope_roles s WHERE s.role_name = current_user),
                                     district_code))
    WITH CHECK (
        EXISTS (SELECT 1 FROM scope_roles s WHERE s.role_name = current_user)
        AND province_code = coalesce((SELECT s.province_code FROM scope_roles s WHERE s.role_name = current_user),
                                     province_code)
        AND district_code = coalesce((SELECT s.district_code FROM scope_roles s WHERE s.role_name = current_user),
                                     district_code));

GRANT SELECT, INSERT, UPDATE, DELETE ON coop_activities, coop_activity_areas, coop_import_batches, coop_quarantine,
                                     coop_planted_effects TO ntswatch_dashboard;
GRANT INSERT ON coop_activities_incoming TO ntswatch_dashboard;
GRANT USAGE ON SEQUENCE coop_activity_id_seq, coop_batch_id_seq, coop_quarantine_id_seq TO ntswatch_dashboard;
