"""`ntswatch serve`: the multi-user layout on one machine, for a try-out (docs/deploy.md has the real one).

Starts a PostgreSQL cluster of the project's own in a folder (default data/pg/; kept between runs, so the data
stays), makes the database with the real geography, the login roles and demo reports the first time, then runs
two dashboard processes on the same database (ports 8501 and 8502, as two replicas behind a load balancer would)
and the public app (8503) with the public intake's role. Ctrl+C stops them all and the cluster.

The dashboards get a URL without a password: they sign in to PostgreSQL as the viewer's scope role (the role key
derives its password, pg/roles.py). The public app gets the intake role's URL and its password in PGPASSWORD,
nothing else. The owner's password stays in <folder>/password (mode 600).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ..config import PROJECT_ROOT, home
from . import cluster, roles

DEFAULT_FOLDER = "data/pg"
DEFAULT_PORT = 55432


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def serve(folder: Path | None = None, port: int = DEFAULT_PORT, reports: int = 200_000, dashboards: int = 2,
          first_port: int = 8501, address: str = "127.0.0.1", say=print) -> int:
    folder = Path(folder or home() / DEFAULT_FOLDER).absolute()
    c = cluster.start(folder, port=port)
    owner = c.url()
    env = {k: v for k, v in os.environ.items() if k not in ("NTSWATCH_DEMO_AUTOLOGIN", "PGPASSWORD")}
    procs: list[subprocess.Popen] = []
    root = PROJECT_ROOT if (PROJECT_ROOT / "app.py").exists() else Path.cwd()   # where app.py and public_app.py are
    try:
        setup = {**env, "NTSWATCH_DB": owner}
        for cmd in (["init", "--if-missing", "-q"], ["demo", "--if-empty", "--reports", str(reports), "-q"],
                    ["users", "demo"]):
            r = subprocess.run([_bin("ntswatch"), *cmd], env=setup, cwd=root)
            if r.returncode != 0:
                return r.returncode
        roles.ensure(owner)          # idempotent: a database made before the roles existed gets them too
        app_url = f"postgresql://{roles.APP}@127.0.0.1:{c.port}/{c.database}"
        public_url = f"postgresql://{roles.PUBLIC}@127.0.0.1:{c.port}/{c.database}"
        common = ["--server.headless", "true", "--server.address", address, "--browser.gatherUsageStats", "false"]
        for i in range(dashboards):
            procs.append(subprocess.Popen([_bin("streamlit"), "run", "app.py", "--server.port", str(first_port + i),
                                           *common], cwd=root, env={**env, "NTSWATCH_DB": app_url},
                                          start_new_session=True))
        procs.append(subprocess.Popen([_bin("streamlit"), "run", "public_app.py", "--server.port",
                                       str(first_port + dashboards), *common], cwd=root, start_new_session=True,
                                      env={**env, "NTSWATCH_DB": public_url, "PGPASSWORD": roles.password(roles.PUBLIC)}))
        say(f"PostgreSQL {c.port} on 127.0.0.1 (folder {folder}); dashboards: "
            + ", ".join(f"http://{address}:{first_port + i}" for i in range(dashboards))
            + f"; public form: http://{address}:{first_port + dashboards}. Ctrl+C stops everything.")
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        return next(p.returncode for p in procs if p.poll() is not None) or 0
    except KeyboardInterrupt:
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        cluster.stop(c)
