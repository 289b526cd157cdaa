"""A throwaway PostgreSQL + PostGIS cluster for the tests (ntswatch_geo.pg.cluster), started once per session on
127.0.0.1 in a folder under /tmp (the postgres user must reach it) and stopped, folder removed, at the end."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def pg_cluster():
    from ntswatch_geo.pg import cluster

    folder = Path(tempfile.mkdtemp(prefix="ntswatch-pg-", dir="/tmp"))
    c = cluster.start(folder)
    try:
        yield c
    finally:
        cluster.stop(c)
        shutil.rmtree(folder, ignore_errors=True)
