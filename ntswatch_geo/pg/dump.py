"""Backup and restore of the PostgreSQL store with pg_dump / pg_restore (`ntswatch backup|restore` on a URL).

backup: `pg_dump --format=custom` of the whole database (schema, data, row-level security policies, grants; one
consistent snapshot, taken while the dashboards keep working) into an owner-only temporary file beside the
target, checked with `pg_restore --list`, then moved into place (never over an existing file unless --force).

restore: the file must be a pg_dump archive of this project's schema (schema_migrations and reports in its
table of contents; no migration newer than this code knows). The live database is first dumped beside the
backup as `<db>.before-restore-<timestamp>.dump`, then the archive is restored with --clean in one
transaction: a failure leaves the live data as it was. The roles are the cluster's and are kept.

A server deployment adds continuous archiving for point-in-time recovery (docs/deploy.md); these two commands
are the portable, per-database copy.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from .. import audit
from ..errors import InputError
from ..files import make_private
from ..store import mask
from .cluster import bin_dir
from .schema import migrations, pg_connect


def _run(cmd: list[str], what: str, timeout: float = 3600) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise InputError(f"{cmd[0]}: not installed (Debian: apt-get install postgresql-client)") from None
    if r.returncode != 0:
        detail = (r.stderr or r.stdout).strip().splitlines()
        raise InputError(f"{what}: {cmd[0].rsplit('/', 1)[-1]} failed ({detail[-1] if detail else r.returncode})")
    return r.stdout


def _counts(url: str) -> tuple[int, int]:
    with pg_connect(url) as con:
        version = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0
        reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    return int(version), int(reports)


def _toc(path: Path) -> str:
    return _run([str(bin_dir() / "pg_restore"), "--list", str(path)], str(path))


def backup(url: str, out: Path, *, force: bool = False, actor: str | None = None):
    from ..backup import BackupResult
    out = Path(out).absolute()
    if out.exists() and not force:
        raise InputError(f"{out}: the file exists; choose a new name or add --force to replace it")
    if out.exists() and not out.is_file():
        raise InputError(f"{out}: not a file; name a file for the backup")
    version, n = _counts(url)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.backup-{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        _run([str(bin_dir() / "pg_dump"), "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={url}"],
             f"{mask(url)}")
        make_private(tmp)
        _toc(tmp)                                  # readable end to end
        if force:
            os.replace(tmp, out)
        else:
            try:
                os.link(tmp, out)
            except FileExistsError:
                raise InputError(f"{out}: the file exists; choose a new name or add --force to replace it") from None
            tmp.unlink()
    finally:
        tmp.unlink(missing_ok=True)
    size = out.stat().st_size
    _record(url, "backup", actor, out.name, {"file": str(out), "bytes": size, "reports": n, "schema_version": version})
    return BackupResult(out, size, n, version)


def _record(url: str, action: str, actor, object_id: str, detail: dict) -> None:
    from ..db import connect
    con = connect(url)
    try:
        audit.record(con, action, actor=actor or audit.cli_actor(), object_type="database", object_id=object_id,
                     detail=detail)
    finally:
        con.close()


def restore(url: str, src: Path, *, actor: str | None = None, now: dt.datetime | None = None):
    from ..backup import RestoreResult
    src = Path(src).absolute()
    if not src.is_file():
        raise InputError(f"{src}: no such file")
    with open(src, "rb") as fh:
        if fh.read(5) != b"PGDMP":
            raise InputError(f"{src}: not a pg_dump archive; restore a file written by `ntswatch backup` on this "
                             "PostgreSQL store")
    toc = _toc(src)
    if not re.search(r"TABLE public schema_migrations\b", toc) or not re.search(r"TABLE public reports\b", toc):
        raise InputError(f"{src}: a pg_dump archive but not an NTS-Mekong Watch database (no schema_migrations or "
                         "reports table)")
    data = _run([str(bin_dir() / "pg_restore"), "--data-only", "--table=schema_migrations", "--file=-", str(src)],
                str(src))
    versions = [int(m) for m in re.findall(r"^(\d+)\t", data, re.M)]
    newest = migrations()[-1][0]
    if not versions:
        raise InputError(f"{src}: no applied migrations: not a database written by `ntswatch backup`")
    if max(versions) > newest:
        raise InputError(f"{src}: made by a newer version of this software (schema {max(versions)}, this one knows "
                         f"up to {newest}); restore it with that version")
    stamp = (now or audit.now_local()).strftime("%Y%m%dT%H%M%S")
    dbname = mask(url).rsplit("/", 1)[-1].split("?", 1)[0] or "database"
    kept = src.parent / f"{dbname}.before-restore-{stamp}.dump"
    i = 1
    while kept.exists():
        kept = src.parent / f"{dbname}.before-restore-{stamp}-{i}.dump"
        i += 1
    backup(url, kept, actor=actor)
    # one transaction: empty the schemas, then the archive as SQL; any error rolls all of it back (a backup of an
    # older schema version is restored as it was, then migrated below)
    script = src.parent / f".{src.name}.restore-{os.getpid()}.sql"
    try:
        fd = os.open(script, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("DROP SCHEMA IF EXISTS intake CASCADE;\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
        with open(script, "a", encoding="utf-8") as f:
            r = subprocess.run([str(bin_dir() / "pg_restore"), "--no-owner", "--file=-", str(src)], stdout=f,
                               stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise InputError(f"{src}: cannot be read in full, the archive is damaged ({r.stderr.strip()[-200:]})")
        _run([str(bin_dir() / "psql"), "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1",
              f"--dbname={url}", f"--file={script}"], f"{mask(url)}: restore of {src.name} (nothing was changed)")
    finally:
        script.unlink(missing_ok=True)
    version, n = _counts(url)
    from ..pg.schema import migrate
    version = migrate(url)                         # a backup made before later migrations
    from .roles import ensure
    ensure(url)                                    # its scopes recorded again (a backup made before the roles)
    _record(url, "restore", actor, src.name, {"file": str(src), "reports": n, "schema_version": version,
                                              "kept_as": kept.name, "stale_wal": False})
    return RestoreResult(mask(url), n, version, kept, False)
