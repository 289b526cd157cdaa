-- Which reports the demo generator planted for a signal (the rest of a synthetic run is background).
-- Ground truth for testing hotspot and trend detection; kept apart from `reports` so the intake schema
-- stays as it is. A run's planted reports per signal and month add up to planted_signals.extra_reports.
CREATE TABLE planted_reports (
    report_id   BIGINT PRIMARY KEY,           -- reports.id
    run_id      INTEGER NOT NULL,             -- synth_runs.run_id
    signal_no   INTEGER NOT NULL,             -- planted_signals.signal_no (position in the scenario file)
    month       DATE NOT NULL                 -- planted_signals.month
);
