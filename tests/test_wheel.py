"""The package installs from its wheel, not only from the checkout (`pip install .`): the named queries,
migrations, locales, fonts and reference data ship inside it, and an installed `ntswatch` keeps its files in
the folder it runs in, never inside site-packages."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from ntswatch_geo.config import PACKAGE_DIR, PROJECT_ROOT


def _source_data_files() -> set[str]:
    """Every file of the package that is not Python source: what a wheel must carry besides the modules."""
    return {p.relative_to(PROJECT_ROOT).as_posix() for p in PACKAGE_DIR.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the sources (the checkout stays clean: no build/ folder)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, src / name)
    shutil.copytree(PACKAGE_DIR, src / "ntswatch_geo", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                        "-q", "-w", str(out), str(src)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return next(out.glob("ntswatch_geo-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed (its dependencies are the test environment's,
    reached through a .pth line: the registry is not needed, and the checkout is not on the path)."""
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                        "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return env


def _run(env: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NTSWATCH_") and k != "PYTHONPATH"}
    clean["NTSWATCH_BOUNDARIES_DIR"] = os.environ.get("NTSWATCH_BOUNDARIES_DIR",
                                                      str(PROJECT_ROOT / "data" / "boundaries"))
    return subprocess.run([str(env / "bin" / args[0]), *args[1:]], cwd=cwd, env=clean, capture_output=True,
                          text=True, timeout=600)


def test_the_wheel_carries_every_data_file_of_the_package(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    missing = sorted(_source_data_files() - names)
    assert not missing, missing
    for must in ("ntswatch_geo/queries/audit_trail.sql", "ntswatch_geo/migrations/001_geography_and_reports.sql",
                 "ntswatch_geo/locales/th.toml", "ntswatch_geo/fonts/NotoSansThai-Regular.ttf",
                 "ntswatch_geo/reference/mwcc_sites.csv", "ntswatch_geo/reference/scenarios/default.toml"):
        assert must in names, must


def test_an_installed_wheel_runs_init_and_info_outside_the_checkout(installed, tmp_path):
    where = _run(installed, ["python", "-c", "import ntswatch_geo; print(ntswatch_geo.__file__)"], tmp_path)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stdout          # not the checkout's

    init = _run(installed, ["ntswatch", "init"], tmp_path)
    assert init.returncode == 0, init.stdout[-2000:] + init.stderr[-3000:]
    assert "Traceback" not in init.stdout + init.stderr
    assert (tmp_path / "data" / "ntswatch.duckdb").is_file()                            # the folder it ran in

    info = _run(installed, ["ntswatch", "info", "--json"], tmp_path)
    assert info.returncode == 0, info.stderr[-3000:]
    counts = json.loads(info.stdout)["counts"]
    assert (counts["provinces"], counts["districts"], counts["border_districts"]) == (77, 928, 67), counts
    assert counts["mwcc_sites_named"] == 37 and counts["border_crossings"] == 15, counts   # the reference data

    fonts = _run(installed, ["python", "-c", "from ntswatch_geo.pdfkit import font_paths; print(font_paths()[''])"],
                 tmp_path)
    assert fonts.returncode == 0 and Path(fonts.stdout.strip()).is_relative_to(installed), fonts.stderr
    pkg = Path(where.stdout.strip()).parent
    assert not (pkg / "data").exists() and not (pkg.parent / "data").exists()          # nothing written there
