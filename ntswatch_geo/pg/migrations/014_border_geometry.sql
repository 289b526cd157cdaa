-- Twin of ntswatch_geo/migrations/014.
CREATE TABLE border_stretches (
    district_code   VARCHAR NOT NULL,
    country         VARCHAR NOT NULL,
    km              DOUBLE PRECISION NOT NULL,
    geom            geometry,
    PRIMARY KEY (district_code, country)
);
ALTER TABLE parallel_areas ADD COLUMN geom geometry;
ALTER TABLE neighbour_districts ADD COLUMN centroid_lat DOUBLE PRECISION;
ALTER TABLE neighbour_districts ADD COLUMN centroid_lon DOUBLE PRECISION;
GRANT SELECT ON border_stretches TO ntswatch_intake, ntswatch_dashboard;
