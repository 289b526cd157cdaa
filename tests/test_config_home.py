"""Where the relative defaults live: NTSWATCH_HOME when set, else the checkout (tests run from one); the reference
data (MWCC sites, crossings, scenarios) comes from the package unless NTSWATCH_DATA_DIR names a folder."""
from __future__ import annotations

import shutil

from typer.testing import CliRunner

from ntswatch_geo import auth, config, sessions
from ntswatch_geo.cli import app


def test_relative_defaults_follow_ntswatch_home(tmp_path, monkeypatch):
    for name in ("NTSWATCH_DB", "NTSWATCH_BOUNDARIES_DIR", "NTSWATCH_USERS", "NTSWATCH_SECRET_FILE", "NTSWATCH_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NTSWATCH_HOME", str(tmp_path))
    s = config.settings()
    assert s.db_path == tmp_path / "data" / "ntswatch.duckdb"
    assert s.boundaries_dir == tmp_path / "data" / "boundaries"
    assert auth.users_path() == tmp_path / "data" / "users.toml"
    assert sessions.secret_file() == tmp_path / "data" / "secret_key"
    assert s.data_dir == config.REFERENCE_DIR                       # reference data: the package's
    monkeypatch.delenv("NTSWATCH_HOME")
    assert config.home() == config.PROJECT_ROOT                     # a checkout is its own home


def test_demo_with_a_data_folder_of_ones_own_without_scenarios_uses_the_packaged_scenario(geo_db, tmp_path, monkeypatch):
    own = tmp_path / "mine"
    own.mkdir()
    for name in ("mwcc_sites.csv", "border_crossings.csv"):
        shutil.copy2(config.REFERENCE_DIR / name, own / name)
    monkeypatch.setenv("NTSWATCH_DATA_DIR", str(own))
    res = CliRunner().invoke(app, ["demo", "--db", str(geo_db), "--reports", "300", "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
