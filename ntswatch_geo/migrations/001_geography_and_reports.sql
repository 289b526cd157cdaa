-- Geography (rebuilt by `ntswatch init`), taxonomy, reports and the demo generator's records.
CREATE TABLE provinces (
    code        VARCHAR PRIMARY KEY,          -- DOPA 2-digit
    name_th     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL,
    area_km2    DOUBLE,
    geom        GEOMETRY
);

CREATE TABLE districts (
    code            VARCHAR PRIMARY KEY,      -- DOPA 4-digit
    province_code   VARCHAR NOT NULL,
    name_th         VARCHAR NOT NULL,         -- without the อำเภอ/เขต prefix
    name_en         VARCHAR NOT NULL,
    source_name_th  VARCHAR,                  -- as in the boundary file (may be cut to 16 characters)
    area_km2        DOUBLE NOT NULL,
    border_country  VARCHAR,                  -- NULL, 'LA', 'KH' or 'LA,KH'
    border_km_la    DOUBLE NOT NULL DEFAULT 0,
    border_km_kh    DOUBLE NOT NULL DEFAULT 0,
    is_border       BOOLEAN NOT NULL DEFAULT false,
    centroid_lat    DOUBLE,
    centroid_lon    DOUBLE,
    geom_fixed      BOOLEAN NOT NULL DEFAULT false,  -- geometry was invalid as published and repaired
    geom            GEOMETRY
);

CREATE TABLE neighbour_districts (
    id          VARCHAR PRIMARY KEY,          -- geoBoundaries shapeID
    country     VARCHAR NOT NULL,             -- 'LA' or 'KH'
    name_en     VARCHAR NOT NULL,
    province_en VARCHAR,                      -- Lao province (from the ADM1 file); NULL for Cambodia
    geom        GEOMETRY
);

CREATE TABLE parallel_areas (
    district_code   VARCHAR NOT NULL,
    neighbour_id    VARCHAR NOT NULL,
    country         VARCHAR NOT NULL,
    shared_km       DOUBLE NOT NULL,
    PRIMARY KEY (district_code, neighbour_id)
);

CREATE TABLE mwcc_sites (
    district_code   VARCHAR PRIMARY KEY,
    border          VARCHAR NOT NULL,         -- 'LA' or 'KH'
    source_url      VARCHAR NOT NULL
);

CREATE TABLE border_crossings (
    id              VARCHAR PRIMARY KEY,
    name_en         VARCHAR NOT NULL,
    name_th         VARCHAR,
    crossing_type   VARCHAR NOT NULL,         -- permanent | temporary | relaxed
    district_code   VARCHAR NOT NULL,
    country         VARCHAR NOT NULL,         -- 'LA' or 'KH'
    lat             DOUBLE NOT NULL,
    lon             DOUBLE NOT NULL,
    approximate     BOOLEAN NOT NULL,         -- true: placed on the district's border stretch
    source          VARCHAR,
    geom            GEOMETRY
);

CREATE TABLE geography_meta (
    key     VARCHAR PRIMARY KEY,
    value   VARCHAR
);

CREATE TABLE categories (
    key         VARCHAR PRIMARY KEY,
    label_th    VARCHAR NOT NULL,
    label_en    VARCHAR NOT NULL,
    sort_order  INTEGER NOT NULL
);

CREATE TABLE channels (
    key         VARCHAR PRIMARY KEY,
    label_th    VARCHAR NOT NULL,
    label_en    VARCHAR NOT NULL,
    opened_on   DATE
);

CREATE SEQUENCE report_id_seq START 1;

CREATE TABLE reports (
    id                  BIGINT PRIMARY KEY DEFAULT nextval('report_id_seq'),
    ref_no              VARCHAR UNIQUE NOT NULL,   -- reference a reporter can quote
    occurred_date       DATE NOT NULL,
    occurred_time       TIME,
    occurred_precision  VARCHAR NOT NULL,          -- exact | day | approximate | month
    received_at         TIMESTAMP NOT NULL,
    category            VARCHAR NOT NULL,
    channel             VARCHAR NOT NULL,          -- online | mwcc_office | import
    intake_method       VARCHAR,                   -- walk_in | phone | line | headman | patrol | web
    reporter_type       VARCHAR,
    lat                 DOUBLE,
    lon                 DOUBLE,
    geom                GEOMETRY,
    location_precision  VARCHAR NOT NULL,          -- point | district
    place_text          VARCHAR,
    district_code       VARCHAR NOT NULL,
    province_code       VARCHAR NOT NULL,
    description         VARCHAR,
    status              VARCHAR NOT NULL,          -- new | verified | forwarded | rejected | duplicate
    verified_at         TIMESTAMP,
    forwarded_to        VARCHAR,
    contact_name        VARCHAR,
    contact_phone       VARCHAR,
    source              VARCHAR NOT NULL,          -- synthetic:<run> | web | mwcc | import:<batch>
    batch_id            BIGINT,
    is_synthetic        BOOLEAN NOT NULL DEFAULT false,
    version             INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE synth_runs (
    run_id          INTEGER PRIMARY KEY,
    seed            BIGINT NOT NULL,
    reports_target  BIGINT NOT NULL,
    reports_made    BIGINT NOT NULL,
    start_date      DATE NOT NULL,
    end_date        DATE NOT NULL,
    scenario_name   VARCHAR,
    scenario_toml   VARCHAR,
    created_at      TIMESTAMP DEFAULT current_timestamp
);

-- What the generator planted: one row per signal and month, with the exact extra reports added.
CREATE TABLE planted_signals (
    run_id          INTEGER NOT NULL,
    signal_no       INTEGER NOT NULL,
    district_code   VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    shape           VARCHAR NOT NULL,
    multiplier      DOUBLE NOT NULL,
    month           DATE NOT NULL,
    expected_base   DOUBLE NOT NULL,           -- background mean for this district, category, month
    factor          DOUBLE NOT NULL,           -- multiplier in force this month (shape applied)
    extra_reports   INTEGER NOT NULL,
    PRIMARY KEY (run_id, signal_no, month)
);
