"""`ntswatch init` and `info` from the command line: the download path, bad input, exit codes."""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ntswatch_geo import config
from ntswatch_geo.cli import app
from ntswatch_geo.sources import BOUNDARY_FILES

runner = CliRunner()


def invoke(*args, env=None):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def digest(db) -> str:
    """The DuckDB file's SHA-256, or, for a PostgreSQL store, one over every table's rows (tests/pg_support.py)."""
    from pg_support import store_digest
    return store_digest(db)


@pytest.fixture
def serve():
    """Serve a folder over HTTP on a free local port; yields a function folder -> base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *a, **k: None
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    yield start
    for s in servers:
        s.shutdown()


@pytest.fixture
def default_dir(tmp_path, monkeypatch):
    """NTSWATCH_BOUNDARIES_DIR unset, the default boundary folder empty (a fresh clone)."""
    monkeypatch.delenv("NTSWATCH_BOUNDARIES_DIR", raising=False)
    folder = tmp_path / "boundaries"
    monkeypatch.setattr(config, "DEFAULT_BOUNDARIES_DIR", str(folder))
    return folder


def test_init_downloads_missing_boundaries_and_verifies_their_checksums(bdir, default_dir, serve, tmp_path):
    db = tmp_path / "n.duckdb"
    res = invoke("init", "--db", str(db), "--mirror", serve(bdir), "-q")
    assert res.exit_code == 0, res.output
    for name, spec in BOUNDARY_FILES.items():
        assert digest(default_dir / name) == spec.sha256
    info = json.loads(invoke("info", "--json", "--db", str(db)).stdout)
    assert info["counts"]["districts"] == 928


def test_init_refuses_a_download_whose_checksum_does_not_match(bdir, default_dir, serve, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(bdir, mirror)
    (mirror / "lao_adm1_provinces.geojson").write_bytes(b'{"type": "FeatureCollection", "features": []}')
    db = tmp_path / "n.duckdb"
    res = invoke("init", "--db", str(db), "--mirror", serve(mirror), "-q")
    assert res.exit_code == 2
    assert "lao_adm1_provinces.geojson" in res.output and "hash" in res.output.lower()
    assert not db.exists()


def test_init_without_network_says_what_to_do(default_dir, tmp_path):
    db = tmp_path / "n.duckdb"
    res = invoke("init", "--db", str(db), "--mirror", "http://127.0.0.1:9", "-q")
    assert res.exit_code == 2
    assert "no network" in res.output and "NTSWATCH_BOUNDARIES_DIR" in res.output
    assert "Traceback" not in res.output


@pytest.fixture
def existing_db(geo_db):
    """A database built before the bad run, with its bytes recorded."""
    return geo_db, digest(geo_db)


def _broken_copy(bdir: Path, tmp_path: Path, name: str, mutate) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(bdir, folder)
    path = folder / name
    path.write_bytes(mutate(path.read_bytes()))
    return folder


@pytest.mark.parametrize("case, name, mutate, expected", [
    ("wrong columns", "tha_adm1_provinces.geojson",
     lambda b: b.replace(b'"ADM1_TH"', b'"NAME_TH"'), "missing columns ADM1_TH"),
    ("truncated", "khm_adm2_districts.geojson", lambda b: b[: len(b) // 2], "cannot be read as GeoJSON"),
    ("features missing", "lao_adm2_districts.geojson",
     lambda b: b'{"type":"FeatureCollection","features":[]}', "0 features, expected 148"),
])
def test_init_with_a_bad_boundary_file_names_it_exits_2_and_leaves_the_database_untouched(
        bdir, tmp_path, monkeypatch, existing_db, case, name, mutate, expected):
    db, before = existing_db
    monkeypatch.setenv("NTSWATCH_BOUNDARIES_DIR", str(_broken_copy(bdir, tmp_path, name, mutate)))
    res = invoke("init", "--db", str(db), "-q")
    assert res.exit_code == 2, res.output
    lines = [l for l in res.output.splitlines() if l.strip()]
    assert len(lines) == 1 and name in lines[0] and expected in lines[0], res.output
    assert digest(db) == before


def test_init_with_a_missing_boundary_folder_exits_2(tmp_path, monkeypatch, existing_db):
    db, before = existing_db
    monkeypatch.setenv("NTSWATCH_BOUNDARIES_DIR", str(tmp_path / "nowhere"))
    res = invoke("init", "--db", str(db), "-q")
    assert res.exit_code == 2
    assert "nowhere" in res.output and "does not exist" in res.output
    assert digest(db) == before


def test_init_if_missing_skips_a_database_that_has_the_geography(existing_db):
    db, before = existing_db
    res = invoke("init", "--db", str(db), "--if-missing")
    assert res.exit_code == 0 and "already holds" in res.output
    assert digest(db) == before


def test_info_json_reports_the_geography_counts(geo_db):
    data = json.loads(invoke("info", "--json", "--db", str(geo_db)).stdout)
    c = data["counts"]
    assert (c["districts"], c["districts_with_dopa_code"], c["provinces"], c["neighbour_districts"]) == (928, 928, 77, 345)
    assert c["border_districts"] == 67 and c["parallel_areas"] > 67
    assert c["border_stretches"] == 68                       # one district faces both Laos and Cambodia
    assert (c["coop_activities"], c["coop_activities_synthetic"]) == (0, 0)
    assert data["mwcc"] == {"programme_districts": 44, "named": 37, "not_public": 7}


def test_info_without_a_database_exits_2(tmp_path):
    res = invoke("info", "--db", str(tmp_path / "none.duckdb"))
    assert res.exit_code == 2 and "run `ntswatch init` first" in res.output


FIXTURES = Path(__file__).parent / "fixtures" / "scenarios"


def test_demo_writes_synthetic_reports_and_info_shows_their_share(geo_db):
    res = invoke("demo", "--db", str(geo_db), "--reports", "3000", "--seed", "1", "--end-date", "2026-10-31", "-q")
    assert res.exit_code == 0, res.output
    data = json.loads(invoke("info", "--json", "--db", str(geo_db)).stdout)
    assert data["reports"]["total"] > 3000 and data["reports"]["synthetic_share"] == 1.0
    assert data["reports"]["first_date"] >= "2023-01-01" and data["reports"]["last_date"] <= "2026-10-31"


def test_demo_twice_replaces_the_earlier_synthetic_reports(geo_db):
    args = ["demo", "--db", str(geo_db), "--reports", "2000", "--seed", "3", "--end-date", "2026-10-31", "-q"]
    invoke(*args)
    first = json.loads(invoke("info", "--json", "--db", str(geo_db)).stdout)["reports"]["total"]
    assert invoke(*args).exit_code == 0
    assert json.loads(invoke("info", "--json", "--db", str(geo_db)).stdout)["reports"]["total"] == first


def test_demo_with_an_unknown_district_in_the_scenario_exits_2_and_leaves_the_database_untouched(existing_db):
    db, before = existing_db
    bad = FIXTURES / "bad_unknown_district.toml"
    res = invoke("demo", "--db", str(db), "--reports", "100", "--scenario", str(bad), "-q")
    assert res.exit_code == 2, res.output
    lines = [l for l in res.output.splitlines() if l.strip()]
    assert len(lines) == 1 and "bad_unknown_district.toml" in lines[0] and "district" in lines[0]
    assert digest(db) == before


def test_demo_before_init_says_to_run_init(tmp_path):
    res = invoke("demo", "--db", str(tmp_path / "none.duckdb"), "--reports", "10", "-q")
    assert res.exit_code == 2 and "ntswatch init" in res.output


# -- the database in use by another process (the dashboard) ----------------------------------------------

@pytest.fixture
def held_db(demo_db, tmp_path):
    """A copy of the demo database held open for writing by another process, as the dashboard holds it."""
    import subprocess
    import sys

    path = tmp_path / "held.duckdb"
    shutil.copy(demo_db, path)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(120)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield path, holder.pid
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("args", [
    ["info"], ["info", "--json"],
    ["import", "{root}/tests/fixtures/imports/bom_english.csv"],
    ["brief", "--province", "27", "--period", "2026-Q3", "-o", "{tmp}/brief.pdf"],
    ["hotspots", "--method", "gi", "--out", "{tmp}/gi.csv"],
    ["alerts"], ["trends"], ["demo", "--reports", "10"],
], ids=lambda a: " ".join(a[:2]))
def test_every_command_says_in_one_line_that_the_database_is_in_use_and_exits_2(held_db, tmp_path, args):
    path, pid = held_db
    before = path.read_bytes()
    args = [a.replace("{tmp}", str(tmp_path)).replace("{root}", str(config.PROJECT_ROOT)) for a in args]
    res = runner.invoke(app, args + ["--db", str(path)])
    assert res.exit_code == 2, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "in use by another process" in lines[0] and f"PID {pid}" in lines[0], res.output
    assert "Traceback" not in res.output
    assert path.read_bytes() == before                                  # nothing written


# -- files private by default ----------------------------------------------------------------------------

def test_the_database_its_wal_rejects_and_outputs_are_owner_only(demo_db, tmp_path):
    import os
    import stat

    path = tmp_path / "open.duckdb"
    shutil.copy(demo_db, path)
    os.chmod(path, 0o644)                                     # as an older version left it
    old = os.umask(0o022)
    try:
        rejects = tmp_path / "rejects.csv"
        res = runner.invoke(app, ["import", str(config.PROJECT_ROOT / "tests" / "fixtures" / "imports" /
                                             "thai_be_utf8.csv"), "--rejects", str(rejects), "--db", str(path)])
        assert res.exit_code == 0, res.output
        out = tmp_path / "gi.geojson"
        res = runner.invoke(app, ["hotspots", "--method", "gi", "--out", str(out), "--db", str(path)])
        assert res.exit_code == 0, res.output
        written = [path, rejects, out] + [p for p in (tmp_path / "open.duckdb.wal",) if p.exists()]
        for p in written:
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, (p, oct(p.stat().st_mode))
    finally:
        os.umask(old)


def test_connect_narrows_a_world_readable_database_file_to_its_owner(tmp_path):
    import os
    import stat

    from ntswatch_geo.db import connect

    path = tmp_path / "new.duckdb"
    old = os.umask(0o022)
    try:
        connect(path).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
