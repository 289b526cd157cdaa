-- Roles and row-level security (issue 13, PostgreSQL only; the DuckDB twin 013 is empty: one file, one user).
--
-- ntswatch_intake     the public form (its own app, another host): adds online reports and reads nothing of
--                     reports but the narrow views of schema `intake` (duplicate keys, recent public texts,
--                     status by reference number); holds a flood through ntswatch_hold_recent().
-- ntswatch_dashboard  the internal dashboard's group: reads and writes the working tables; on `reports` only
--                     the rows of the member's scope (scope_roles: a login role per scope, ntswatch_geo/pg/roles.py).
-- the owner           `ntswatch init`, migrations, the CLI's administration: not subject to row security.
--
-- Roles are the cluster's, shared by its databases: created once, granted per database.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ntswatch_intake') THEN
        CREATE ROLE ntswatch_intake NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ntswatch_dashboard') THEN
        CREATE ROLE ntswatch_dashboard NOLOGIN;
    END IF;
END
$$;

-- Which scope a login role has: NULL = no limit. A dashboard member without a row sees no report.
CREATE TABLE scope_roles (
    role_name       VARCHAR PRIMARY KEY,
    province_code   VARCHAR,
    district_code   VARCHAR
);

-- Reports are added through this table (no row security, so DuckDB's postgres extension may COPY into it): its
-- trigger inserts each row into reports as the current user, where row security checks it (COPY straight into
-- a table with row security is refused by PostgreSQL). Nothing is ever kept in it.
CREATE TABLE reports_incoming (LIKE reports INCLUDING DEFAULTS);
CREATE FUNCTION reports_incoming_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports SELECT (NEW).*;
    RETURN NULL;
END
$$;
CREATE TRIGGER reports_incoming_insert BEFORE INSERT ON reports_incoming
    FOR EACH ROW EXECUTE FUNCTION reports_incoming_insert();

ALTER TABLE reports ENABLE ROW LEVEL SECURITY;

-- the scope: uncorrelated subqueries, evaluated once per statement (InitPlans), not once per row
CREATE POLICY reports_dashboard_scope ON reports FOR ALL TO ntswatch_dashboard
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

-- the public form adds online reports only, new or held or flagged, never decided ones
CREATE POLICY reports_intake_insert ON reports FOR INSERT TO ntswatch_intake
    WITH CHECK (channel = 'online' AND status IN ('new', 'suspected_spam', 'duplicate') AND NOT is_synthetic);

-- what the public form's checks read, and nothing more (owned by the migrating owner, so they see every row)
CREATE SCHEMA intake;
-- Points only of the last 30 days' reports (the duplicate rule compares a new report with reports of the same
-- category and day: older ones still match by district, never by point); texts only of the last day's public
-- submissions (the near-duplicate rule); no contact, name, place text, officer or agency at all.
CREATE VIEW intake.reports AS
SELECT id, ref_no, category, occurred_date, district_code, province_code, location_precision, status,
       is_synthetic, channel, received_at, client_hash, duplicate_of,
       CASE WHEN received_at > (now() AT TIME ZONE 'Asia/Bangkok') - interval '30 days' THEN lat END AS lat,
       CASE WHEN received_at > (now() AT TIME ZONE 'Asia/Bangkok') - interval '30 days' THEN lon END AS lon,
       CASE WHEN channel = 'online' AND received_at > (now() AT TIME ZONE 'Asia/Bangkok') - interval '25 hours'
            THEN description END AS description
FROM public.reports;

-- layer 3 of the guard: hold the client's reports of the last minutes (reports.guard.hold_recent)
CREATE FUNCTION ntswatch_hold_recent(client VARCHAR, since TIMESTAMP, actor VARCHAR, at TIMESTAMP)
RETURNS INTEGER LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE n INTEGER;
BEGIN
    WITH held AS (
        UPDATE reports SET status = 'suspected_spam', spam_reason = 'client_flood', version = version + 1
        WHERE client_hash = client AND received_at > since AND status = 'new' AND channel = 'online'
        RETURNING id
    ), events AS (
        INSERT INTO audit_events (report_id, actor, acted_at, action, from_status, to_status, note)
        SELECT id, actor, at, 'hold_spam', 'new', 'suspected_spam', 'client_flood' FROM held
        RETURNING 1
    )
    SELECT count(*) INTO n FROM events;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION ntswatch_hold_recent(VARCHAR, TIMESTAMP, VARCHAR, TIMESTAMP) FROM PUBLIC;

-- grants: the geography and the taxonomy are everyone's to read
GRANT USAGE ON SCHEMA public TO ntswatch_intake, ntswatch_dashboard;
GRANT SELECT ON provinces, districts, neighbour_districts, parallel_areas, mwcc_sites, border_crossings,
                geography_meta, categories, channels, schema_migrations TO ntswatch_intake, ntswatch_dashboard;

GRANT USAGE ON SCHEMA intake TO ntswatch_intake;
GRANT SELECT ON intake.reports TO ntswatch_intake;
GRANT INSERT ON reports, reports_incoming, quarantine, audit_events, audit_log TO ntswatch_intake;
GRANT USAGE ON SEQUENCE report_id_seq, quarantine_id_seq, audit_id_seq, audit_log_id_seq TO ntswatch_intake;
GRANT EXECUTE ON FUNCTION ntswatch_hold_recent(VARCHAR, TIMESTAMP, VARCHAR, TIMESTAMP) TO ntswatch_intake;

GRANT SELECT, INSERT, UPDATE ON reports TO ntswatch_dashboard;
GRANT INSERT ON reports_incoming TO ntswatch_dashboard;
GRANT SELECT ON scope_roles TO ntswatch_dashboard;
GRANT SELECT, INSERT, UPDATE, DELETE ON synth_runs, planted_signals, planted_reports, import_batches,
                import_batch_sheets, quarantine, audit_events, swot_notes, sessions, sign_in_counters
    TO ntswatch_dashboard;
GRANT SELECT, INSERT ON audit_log TO ntswatch_dashboard;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ntswatch_dashboard;
