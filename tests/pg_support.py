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
        c = cluster.start(folder)
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
