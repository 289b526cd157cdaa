"""Shared fixtures: the real boundaries, a geography database built once per session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ntswatch_geo.config import PROJECT_ROOT


def boundaries_dir() -> Path:
    """Where the tests read the real boundary files (NTSWATCH_BOUNDARIES_DIR or data/boundaries)."""
    env = os.environ.get("NTSWATCH_BOUNDARIES_DIR")
    return Path(env).absolute() if env else PROJECT_ROOT / "data" / "boundaries"


@pytest.fixture(scope="session")
def bdir() -> Path:
    d = boundaries_dir()
    if not (d / "tha_adm2_districts.geojson").is_file():
        pytest.fail(f"boundary files not found in {d}: set NTSWATCH_BOUNDARIES_DIR (CI: ../shared/boundaries) "
                    "or run `ntswatch init` once to download them")
    return d


@pytest.fixture(scope="session")
def geography(bdir):
    """The in-memory Geography (read and computed once per session)."""
    from ntswatch_geo.geography import build_geography

    return build_geography(bdir, PROJECT_ROOT / "data")


@pytest.fixture(scope="session")
def geo_db_template(geography, tmp_path_factory) -> Path:
    """A DuckDB file holding the geography and no reports, built once; copy it, never write to it."""
    from ntswatch_geo.db import connect
    from ntswatch_geo.geography import write_geography

    path = tmp_path_factory.mktemp("template") / "geo.duckdb"
    con = connect(path)
    write_geography(con, geography)
    con.close()
    return path


@pytest.fixture
def geo_db(geo_db_template, tmp_path) -> Path:
    """A fresh copy of the geography database for one test."""
    path = tmp_path / "ntswatch.duckdb"
    shutil.copy(geo_db_template, path)
    return path
