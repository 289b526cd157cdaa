"""PostgreSQL + PostGIS: the server store (issue 13). So far: a throwaway cluster for tests and try-outs."""
