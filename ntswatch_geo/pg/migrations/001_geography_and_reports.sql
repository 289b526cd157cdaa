-- PostgreSQL + PostGIS twin of ntswatch_geo/migrations/001 (same version number, same tables and columns).
-- Geometry columns are plain `geometry` (SRID 4326 by convention, as in the DuckDB file), with GiST indexes.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE provinces (
    code        VARCHAR PRIMARY KEY,
    name_th     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL,
    area_km2    DOUBLE PRECISION,
    geom        geometry
);

CREATE TABLE districts (
    code            VARCHAR PRIMARY KEY,
    province_code   VARCHAR NOT NULL,
    name_th         VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    source_name_th  VARCHAR,
    area_km2        DOUBLE PRECISION NOT NULL,
    border_country  VARCHAR,
    border_km_la    DOUBLE PRECISION NOT NULL DEFAULT 0,
    border_km_kh    DOUBLE PRECISION NOT NULL DEFAULT 0,
    is_border       BOOLEAN NOT NULL DEFAULT false,
    centroid_lat    DOUBLE PRECISION,
    centroid_lon    DOUBLE PRECISION,
    geom_fixed      BOOLEAN NOT NULL DEFAULT false,
    geom            geometry
);
CREATE INDEX districts_geom ON districts USING gist (geom);
CREATE INDEX districts_province ON districts (province_code);

CREATE TABLE neighbour_districts (
    id          VARCHAR PRIMARY KEY,
    country     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL,
    province_en VARCHAR,
    geom        geometry
);

CREATE TABLE parallel_areas (
    district_code   VARCHAR NOT NULL,
    neighbour_id    VARCHAR NOT NULL,
    country         VARCHAR NOT NULL,
    shared_km       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (district_code, neighbour_id)
);

CREATE TABLE mwcc_sites (
    district_code   VARCHAR PRIMARY KEY,
    border          VARCHAR NOT NULL,
    source_url      VARCHAR NOT NULL
);

CREATE TABLE border_crossings (
    id              VARCHAR PRIMARY KEY,
    name_en         VARCHAR NOT NULL,
    name_th         VARCHAR,
    crossing_type   VARCHAR NOT NULL,
    district_code   VARCHAR NOT NULL,
    country         VARCHAR NOT NULL,
    lat             DOUBLE PRECISION NOT NULL,
    lon             DOUBLE PRECISION NOT NULL,
    approximate     BOOLEAN NOT NULL,
    source          VARCHAR,
    geom            geometry
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
    ref_no              VARCHAR UNIQUE NOT NULL,
    occurred_date       DATE NOT NULL,
    occurred_time       TIME,
    occurred_precision  VARCHAR NOT NULL,
    received_at         TIMESTAMP NOT NULL,
    category            VARCHAR NOT NULL,
    channel             VARCHAR NOT NULL,
    intake_method       VARCHAR,
    reporter_type       VARCHAR,
    lat                 DOUBLE PRECISION,
    lon                 DOUBLE PRECISION,
    geom                geometry,
    location_precision  VARCHAR NOT NULL,
    place_text          VARCHAR,
    district_code       VARCHAR NOT NULL,
    province_code       VARCHAR NOT NULL,
    description         VARCHAR,
    status              VARCHAR NOT NULL,
    verified_at         TIMESTAMP,
    forwarded_to        VARCHAR,
    contact_name        VARCHAR,
    contact_phone       VARCHAR,
    source              VARCHAR NOT NULL,
    batch_id            BIGINT,
    is_synthetic        BOOLEAN NOT NULL DEFAULT false,
    version             INTEGER NOT NULL DEFAULT 1
);
-- the filters of filtered_reports: period, place, category, status (the dashboard's every query)
CREATE INDEX reports_occurred ON reports (occurred_date);
CREATE INDEX reports_province_occurred ON reports (province_code, occurred_date);
CREATE INDEX reports_district_occurred ON reports (district_code, occurred_date);
CREATE INDEX reports_category_occurred ON reports (category, occurred_date);
CREATE INDEX reports_status ON reports (status);
CREATE INDEX reports_received ON reports (received_at);
CREATE INDEX reports_geom ON reports USING gist (geom);

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

CREATE TABLE planted_signals (
    run_id          INTEGER NOT NULL,
    signal_no       INTEGER NOT NULL,
    district_code   VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    shape           VARCHAR NOT NULL,
    multiplier      DOUBLE PRECISION NOT NULL,
    month           DATE NOT NULL,
    expected_base   DOUBLE PRECISION NOT NULL,
    factor          DOUBLE PRECISION NOT NULL,
    extra_reports   INTEGER NOT NULL,
    PRIMARY KEY (run_id, signal_no, month)
);
