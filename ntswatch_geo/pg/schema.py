"""The PostgreSQL store's schema: the migrations in pg/migrations/, applied through psycopg.

Each file `NNN_name.sql` is the PostgreSQL + PostGIS twin of the DuckDB migration with the same number
(ntswatch_geo/migrations/), so `schema_migrations` holds the same versions in both stores and a test checks the
two folders list the same numbers. Migrations run under a transaction-level advisory lock: several processes
starting at once (two dashboards, a CLI command) apply each migration once.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..store import mask

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x6E747377       # "ntsw": pg_advisory_xact_lock key for migrations


def migrations() -> list[tuple[int, Path]]:
    from ..db import numbered_sql
    return numbered_sql(MIGRATIONS_DIR)


class ServerUnreachable(InputError):
    """The PostgreSQL server did not answer, or refused the sign-in."""


def pg_connect(url: str, **kw):
    """A psycopg connection, with a message naming the server (password masked) when it fails."""
    import psycopg
    try:
        return psycopg.connect(url, connect_timeout=10, **kw)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ServerUnreachable(f"{mask(url)}: cannot connect to PostgreSQL ({first}); check the URL, that the "
                                f"server runs, and the password (PGPASSWORD or a pgpass file)") from None


def reachable(url: str) -> bool:
    try:
        with pg_connect(url) as con:
            con.execute("SELECT 1")
        return True
    except ServerUnreachable:
        return False


def migrate(url: str) -> int:
    """Apply the migrations not yet applied, each in its own transaction; returns the schema version."""
    latest = migrations()[-1][0]
    with pg_connect(url, autocommit=True) as con:
        if con.execute("SELECT to_regclass('public.schema_migrations') IS NOT NULL").fetchone()[0]:
            current = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0
            if current >= latest:
                return int(current)
            owner = con.execute("SELECT pg_has_role(current_user, (SELECT relowner FROM pg_class "
                                "WHERE oid = 'public.schema_migrations'::regclass), 'USAGE')").fetchone()[0]
            if not owner:
                raise InputError(f"{mask(url)}: the schema is at version {current}, this program needs "
                                 f"{latest}; run `ntswatch init` once as the database's owner to upgrade it")
        con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)")
        for version, path in migrations():
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
                if con.execute("SELECT 1 FROM schema_migrations WHERE version = %s", [version]).fetchone():
                    continue
                con.execute(path.read_text(encoding="utf-8"))
                con.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", [version, path.stem])
        row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)
