-- Twin of ntswatch_geo/migrations/006: a DuckDB macro, created by the gateway (see 003). Nothing to do here.
SELECT 1;
