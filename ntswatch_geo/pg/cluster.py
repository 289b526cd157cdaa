"""A throwaway PostgreSQL cluster in a folder of its own, on 127.0.0.1: for the tests and a try-out on one machine.

`start(folder)` runs `initdb` (password authentication, scram-sha-256, a random superuser password kept in
`<folder>/password`, mode 600), listens on 127.0.0.1 only (and a socket inside the folder), starts the server
with `pg_ctl -w` and creates the database; `stop()` stops it ("fast": open sessions are cut). PostgreSQL refuses
to run as root: as root, the folder is handed to the `postgres` user and every server command runs through
`runuser -u postgres --`. The binaries are Debian's (`/usr/lib/postgresql/<version>/bin`, the newest), else
the first `pg_ctl` on PATH.

This is not how a deployment runs PostgreSQL (docs/deploy.md: a managed primary with a replica); it is how a
test or `make server` gets a real one in seconds without touching the machine's own clusters.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "postgres"
START_TIMEOUT_S = 60


class ClusterError(RuntimeError):
    """The cluster could not be made, started or stopped; the message names the command and its output."""


def bin_dir() -> Path:
    """The folder of Debian's newest PostgreSQL binaries, else the one holding `pg_ctl` on PATH."""
    debian = sorted((p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "pg_ctl").is_file()),
                    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if debian:
        return debian[-1]
    found = shutil.which("pg_ctl")
    if not found:
        raise ClusterError("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/pg_ctl and no pg_ctl on PATH "
                           "(Debian: apt-get install postgresql postgresql-15-postgis-3)")
    return Path(found).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Cluster:
    folder: Path
    port: int
    password: str
    database: str

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def url(self, user: str = SUPERUSER, password: str | None = None, database: str | None = None) -> str:
        """A postgresql:// URL for `user` (the superuser and its password by default) on 127.0.0.1."""
        pw = self.password if password is None and user == SUPERUSER else password
        auth = quote(user, safe="") + (f":{quote(pw, safe='')}" if pw else "")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database or self.database}"


def _as_owner(cmd: list[str]) -> list[str]:
    """The command as the postgres user when running as root (PostgreSQL will not run as root)."""
    return ["runuser", "-u", SUPERUSER, "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str], timeout: float = START_TIMEOUT_S) -> str:
    try:
        r = subprocess.run(_as_owner(cmd), capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise ClusterError(f"{' '.join(cmd)}: no answer within {timeout:g} s") from exc
    if r.returncode != 0:
        raise ClusterError(f"{' '.join(cmd)} failed ({r.returncode}): {(r.stderr or r.stdout).strip()[-2000:]}")
    return r.stdout


# a cluster whose data may be lost in a crash (the tests' own): nothing waits for the disk
THROWAWAY = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def start(folder: Path, port: int | None = None, database: str = "ntswatch", durable: bool = True) -> Cluster:
    """Make (or reuse) the cluster in `folder` and start it on 127.0.0.1:`port` (a free port by default).
    `durable=False`: the THROWAWAY settings (for tests: a crash may lose or corrupt the data)."""
    folder = Path(folder).absolute()
    folder.mkdir(parents=True, exist_ok=True)
    pw_file = folder / "password"
    if os.geteuid() == 0:
        closed = [str(p) for p in folder.parents if not p.stat().st_mode & 0o001]
        if closed:
            raise ClusterError(f"{folder}: the postgres user cannot reach it through {closed[0]} (not searchable by "
                               f"others); use a folder such as tempfile.mkdtemp(dir='/tmp')")
        shutil.chown(folder, SUPERUSER, SUPERUSER)
    folder.chmod(0o700)
    bins = bin_dir()
    cluster_data = folder / "data"
    if not (cluster_data / "PG_VERSION").is_file():
        password = secrets.token_urlsafe(24)
        pw_file.write_text(password + "\n")
        pw_file.chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(pw_file, SUPERUSER, SUPERUSER)
        _run([str(bins / "initdb"), "-D", str(cluster_data), "-U", SUPERUSER, f"--pwfile={pw_file}",
              "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"], timeout=120)
    password = pw_file.read_text().strip()
    port = port or free_port()
    opts = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
    if not durable:
        opts += "".join(f" -c {k}={v}" for k, v in THROWAWAY.items())
    _run([str(bins / "pg_ctl"), "-D", str(cluster_data), "-l", str(folder / "server.log"), "-o", opts,
          "-w", "-t", str(START_TIMEOUT_S), "start"], timeout=START_TIMEOUT_S + 10)
    c = Cluster(folder, port, password, database)
    _create_database(c)
    return c


def _create_database(c: Cluster) -> None:
    import psycopg
    from psycopg import sql

    deadline = time.monotonic() + 20
    while True:
        try:
            with psycopg.connect(c.url(database="postgres"), autocommit=True, connect_timeout=5) as con:
                if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [c.database]).fetchone():
                    con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(c.database)))
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def running(c: Cluster) -> bool:
    r = subprocess.run(_as_owner([str(bin_dir() / "pg_ctl"), "-D", str(c.data_dir), "status"]),
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return r.returncode == 0


def stop(c: Cluster) -> None:
    """Stop the server (open sessions are cut); a cluster already stopped is left as it is."""
    if running(c):
        _run([str(bin_dir() / "pg_ctl"), "-D", str(c.data_dir), "-m", "fast", "-w", "stop"])
