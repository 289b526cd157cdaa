-- Twin of ntswatch_geo/migrations/002.
CREATE TABLE planted_reports (
    report_id   BIGINT PRIMARY KEY,
    run_id      INTEGER NOT NULL,
    signal_no   INTEGER NOT NULL,
    month       DATE NOT NULL
);
