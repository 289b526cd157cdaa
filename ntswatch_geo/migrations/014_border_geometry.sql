-- Border geometry stored at `ntswatch init` (issue 14), so the demo generator's anchors, the cooperation map's
-- partnership lines and the model-site criteria use one source (ntswatch_geo/border.py):
-- border_stretches: each border district's international border stretch per country (lon/lat lines, the part
--                   of its boundary on Thailand's outer boundary within border.BUFFER_M of that country);
-- parallel_areas.geom: the pair's shared stretch; neighbour_districts: a point inside each facing district.
-- A database migrated from an older version has none of these until `ntswatch init` runs again.
CREATE TABLE border_stretches (
    district_code   VARCHAR NOT NULL,
    country         VARCHAR NOT NULL,         -- 'LA' or 'KH'
    km              DOUBLE NOT NULL,
    geom            GEOMETRY,
    PRIMARY KEY (district_code, country)
);
ALTER TABLE parallel_areas ADD COLUMN geom GEOMETRY;
ALTER TABLE neighbour_districts ADD COLUMN centroid_lat DOUBLE;
ALTER TABLE neighbour_districts ADD COLUMN centroid_lon DOUBLE;
