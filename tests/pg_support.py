"""A throwaway PostgreSQL + PostGIS cluster for the tests (ntswatch_geo.pg.cluster), started once per session on
127.0.0.1 in a folder under /tmp (the postgres user must reach it) and stopped, folder removed, at the end."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

import pytest


@contextlib.contextmanager
def throwaway_cluster():
    """A started cluster in a fresh folder under /tmp; stopped and removed afterwards."""
    from ntswatch_geo.pg import cluster

    folder = Path(tempfile.mkdtemp(prefix="ntswatch-pg-", dir="/tmp"))
    try:
        c = cluster.start(folder, durable=False)        # throwaway: nothing waits for the disk
        try:
            yield c
        finally:
            cluster.stop(c)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster():
    with throwaway_cluster() as c:
        yield c


def create_database(cluster, name: str | None, template: str | None = None) -> str:
    """A new database on `cluster` (a fresh name when None), optionally copied from `template`."""
    import uuid

    import psycopg
    from psycopg import sql

    name = name or f"t_{uuid.uuid4().hex[:12]}"
    q = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        q = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    with psycopg.connect(cluster.url(database="postgres"), autocommit=True) as con:
        con.execute(q)
    return name


def drop_database(cluster, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(cluster.url(database="postgres"), autocommit=True) as con:
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def content_digest(url: str) -> str:
    """A SHA-256 over every row of every table in the public schema (in a fixed order): equal digests mean
    nothing was written."""
    import hashlib

    import psycopg
    from psycopg import sql

    h = hashlib.sha256()
    with psycopg.connect(url) as con:
        tables = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                            "ORDER BY tablename").fetchall()]
        for t in tables:
            q = sql.SQL("SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM {} x").format(
                sql.Identifier(t))
            h.update(f"{t}:{con.execute(q).fetchone()[0]};".encode())
    return h.hexdigest()


def store_digest(db) -> str:
    """A DuckDB file's SHA-256, or a PostgreSQL store's content digest: equal before and after = nothing written."""
    import hashlib
    from pathlib import Path

    if isinstance(db, str):
        return content_digest(db)
    return hashlib.sha256(Path(db).read_bytes()).hexdigest()
