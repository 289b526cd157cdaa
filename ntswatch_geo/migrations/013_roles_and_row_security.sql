-- Roles and row-level security are the PostgreSQL store's (ntswatch_geo/pg/migrations/013): a DuckDB file has one
-- user, the process that holds it, and the scope of each viewer is applied by the queries (filtered_reports).
-- The version is kept so both stores count the same migrations.
SELECT 1;
