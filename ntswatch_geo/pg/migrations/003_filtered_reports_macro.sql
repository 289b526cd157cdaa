-- Twin of ntswatch_geo/migrations/003: the filtered_reports macro is DuckDB's. On PostgreSQL the dashboard reads
-- through DuckDB with this database attached (ntswatch_geo/pg/gateway.py), which creates the macros of the DuckDB
-- migrations in its own catalog, so the one text of each macro serves both stores. Nothing to do here.
SELECT 1;
