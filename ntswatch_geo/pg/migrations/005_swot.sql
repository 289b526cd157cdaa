-- Twin of ntswatch_geo/migrations/005.
CREATE SEQUENCE swot_note_id_seq START 1;

CREATE TABLE swot_notes (
    id              BIGINT PRIMARY KEY DEFAULT nextval('swot_note_id_seq'),
    district_code   VARCHAR NOT NULL,
    neighbour_id    VARCHAR,
    kind            VARCHAR NOT NULL CHECK (kind IN ('strengths', 'weaknesses', 'opportunities', 'threats')),
    text            VARCHAR NOT NULL,
    author          VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
