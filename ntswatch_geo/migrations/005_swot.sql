-- SWOT notes for "Building Strong Cross-Border Communities": about a border district (neighbour_id NULL)
-- or about a parallel-area pair (district_code × neighbour_id, a row of parallel_areas). Validated in
-- ntswatch_geo/sites.py (add_note); the CHECK keeps the kinds honest for any other writer.
CREATE SEQUENCE swot_note_id_seq START 1;

CREATE TABLE swot_notes (
    id              BIGINT PRIMARY KEY DEFAULT nextval('swot_note_id_seq'),
    district_code   VARCHAR NOT NULL,
    neighbour_id    VARCHAR,                     -- NULL: about the district; else the parallel-area pair
    kind            VARCHAR NOT NULL CHECK (kind IN ('strengths', 'weaknesses', 'opportunities', 'threats')),
    text            VARCHAR NOT NULL,
    author          VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
