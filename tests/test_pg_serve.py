"""`ntswatch serve` (make server): a PostgreSQL cluster in a folder, two dashboards and the public form, all
answering; Ctrl+C stops every one of them and the cluster."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

from conftest import boundaries_dir
from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.pg import cluster, roles

pytestmark = pytest.mark.slow


def _ports_free(first: int, n: int) -> bool:
    for p in range(first, first + n):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                return False
    return True


def _free_run(n: int) -> int:
    for _ in range(50):
        first = cluster.free_port()
        if first + n < 65000 and _ports_free(first, n):
            return first
    raise RuntimeError("no run of free ports")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _health(port: int, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                return r.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_serve_runs_two_dashboards_and_the_public_form_on_one_cluster_and_ctrl_c_stops_them_all(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="ntswatch-serve-", dir="/tmp"))      # the postgres user must reach it
    pg_port, web = cluster.free_port(), _free_run(3)
    env = {**os.environ, "NTSWATCH_BOUNDARIES_DIR": str(boundaries_dir()), "NTSWATCH_USERS": str(tmp_path / "u.toml")}
    env.pop("NTSWATCH_DB", None)
    proc = subprocess.Popen([str(Path(sys.executable).parent / "ntswatch"), "serve", "--folder", str(folder),
                             "--port", str(pg_port), "--reports", "2000", "--first-port", str(web)],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        said = []
        deadline = time.monotonic() + 240
        while not any("Ctrl+C stops everything" in line for line in said):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(said)
            said.append(line)
            assert time.monotonic() < deadline, "".join(said)
        text = " ".join("".join(said).split())          # rich wraps the line
        for p in (web, web + 1, web + 2):
            assert f"http://127.0.0.1:{p}" in text
            assert _health(p, time.monotonic() + 90) == "ok"
        # one database behind them: the geography, the demo reports, the login roles
        password = (folder / "password").read_text().strip()
        owner = f"postgresql://postgres:{password}@127.0.0.1:{pg_port}/ntswatch"
        with psycopg.connect(owner) as con:
            assert con.execute("SELECT count(*) FROM districts").fetchone()[0] == 928
            assert con.execute("SELECT count(*) FROM reports").fetchone()[0] >= 2000
            assert con.execute("SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)",
                               [[roles.PUBLIC, roles.APP, roles.SCOPE_ALL]]).fetchone()[0] == 3
        # Ctrl+C: every process and the cluster stop
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        deadline = time.monotonic() + 20
        while any(_answers(p) for p in (pg_port, web, web + 1, web + 2)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not [p for p in (pg_port, web, web + 1, web + 2) if _answers(p)]
        assert not cluster.running(cluster.Cluster(folder, pg_port, password, "ntswatch"))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        c = cluster.Cluster(folder, pg_port, "", "ntswatch")
        if cluster.running(c):
            cluster.stop(c)
        shutil.rmtree(folder, ignore_errors=True)
