"""Backup and restore of the DuckDB file (`ntswatch backup FILE`, `ntswatch restore FILE`).

Backup opens the live database for writing (so nothing else writes meanwhile: a running dashboard makes it
`db.DatabaseInUse`) and writes a fresh single-file copy with DuckDB's `COPY FROM DATABASE` into a temporary
owner-only file beside the target, which is then moved into place (never over an existing file unless
`force`). The copy holds every table, sequence, index and macro, no write-ahead log, and none of the freed
blocks where redacted values may linger in the live file. The live database records a `backup` entry.

Restore checks that FILE is this project's database (a DuckDB file with `schema_migrations` whose applied
migrations are this code's, none newer), copies it with `COPY FROM DATABASE` into a temporary file beside
the live one (which reads, and so checks, every block), refuses while the live database is in use, keeps the
live file untouched as `<db>.before-restore-<timestamp>` (a hard link; its WAL, if any, moved beside it as
`….wal`, so opening that pair gives the replaced data exactly), moves the copy into place with os.replace,
and leaves no `<db>.wal`: a stale write-ahead log can never be replayed into the restored data. The restored
database records a `restore` entry. Between the in-use check and the swap a dashboard could start on the
old file; stop the dashboard (and do not start it) while restoring.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import audit
from .db import DatabaseInUse, _migrations, connect, load_spatial
from .errors import InputError
from .files import make_private

MAGIC = b"DUCK"          # bytes 8-11 of every DuckDB database file


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    reports: int
    schema_version: int


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    reports: int
    schema_version: int
    kept_as: Path | None          # the replaced live file, or None when there was none
    stale_wal: bool               # a <db>.wal was moved aside


def _sql_path(p: Path) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def _temp_beside(target: Path, what: str) -> Path:
    tmp = target.parent / f".{target.name}.{what}-{os.getpid()}.tmp"
    for p in (tmp, Path(f"{tmp}.wal")):
        p.unlink(missing_ok=True)
    return tmp


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_database(con, source_alias: str, target: Path) -> None:
    """COPY FROM DATABASE `source_alias` into a new owner-only file `target`, checkpointed, detached."""
    con.execute(f"ATTACH {_sql_path(target)} AS ntswatch_copy")
    try:
        make_private(target)
        con.execute(f'COPY FROM DATABASE "{source_alias}" TO ntswatch_copy')
        con.execute("CHECKPOINT ntswatch_copy")
    except BaseException:
        for sql in ("ROLLBACK", "DETACH ntswatch_copy"):   # keep the first error, not the aborted transaction's
            try:
                con.execute(sql)
            except duckdb.Error:
                pass
        raise
    con.execute("DETACH ntswatch_copy")
    make_private(target)
    Path(f"{target}.wal").unlink(missing_ok=True)   # empty after the checkpoint
    _fsync(target)


def _reports(con, alias: str | None = None) -> int:
    prefix = f'"{alias}".main.' if alias else ""
    return int(con.execute(f"SELECT count(*) FROM {prefix}reports").fetchone()[0])


def backup(db_path: str | Path, out: str | Path, *, force: bool = False, actor: str | None = None) -> BackupResult:
    """Write a consistent owner-only copy of the live database to `out` (see the module); a PostgreSQL store:
    pg/dump.py."""
    from .store import target
    t = target(db_path)
    if t.is_pg:
        from .pg import dump
        return dump.backup(t.url, Path(out), force=force, actor=actor)
    db_path, out = Path(db_path).absolute(), Path(out).absolute()
    if not db_path.exists():
        raise InputError(f"{db_path}: no database; run `ntswatch init` first")
    if out == db_path or (out.exists() and out.samefile(db_path)):
        raise InputError(f"{out}: that is the live database; name another file for the backup")
    if out.exists() and not force:
        raise InputError(f"{out}: the file exists; choose a new name or add --force to replace it")
    if out.exists() and not out.is_file():
        raise InputError(f"{out}: not a file; name a file for the backup")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create its folder ({exc.strerror or exc})") from None
    con = connect(db_path)
    tmp = None
    try:
        alias = con.execute("SELECT current_database()").fetchone()[0]
        tmp = _temp_beside(out, "backup")
        try:
            _copy_database(con, alias, tmp)
        except (duckdb.IOException, OSError) as exc:
            raise InputError(f"{out}: cannot write the backup ({str(exc).splitlines()[0]})") from None
        check = duckdb.connect(str(tmp), read_only=True)
        try:
            load_spatial(check)
            n = _reports(check)
            version = int(check.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0)
        finally:
            check.close()
        if force:
            os.replace(tmp, out)
        else:
            try:
                os.link(tmp, out)            # fails if `out` appeared meanwhile: never overwritten
            except FileExistsError:
                raise InputError(f"{out}: the file exists; choose a new name or add --force to replace it") from None
            tmp.unlink()
        tmp = None
        _fsync(out.parent)
        size = out.stat().st_size
        audit.record(con, "backup", actor=actor or audit.cli_actor(), object_type="database", object_id=out.name,
                     detail={"file": str(out), "bytes": size, "reports": n, "schema_version": version})
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        con.close()
    return BackupResult(out, size, n, version)


def check_backup(con, alias: str, src: Path) -> tuple[int, int]:
    """(schema version, reports) of an attached candidate, or InputError saying why it is not ours."""
    has = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
                      "AND table_name = 'schema_migrations'", [alias]).fetchone()[0]
    if not has:
        raise InputError(f"{src}: a DuckDB file but not an NTS-Mekong Watch database (no schema_migrations "
                         "table); restore a file written by `ntswatch backup`")
    applied = con.execute(f'SELECT version, name FROM "{alias}".main.schema_migrations ORDER BY version').fetchall()
    known = {v: p.stem for v, p in _migrations()}
    newest = max(known)
    for version, name in applied:
        if version > newest:
            raise InputError(f"{src}: made by a newer version of this software (schema {version}, this one knows "
                             f"up to {newest}); restore it with that version")
        if known.get(version) != name:
            raise InputError(f"{src}: not an NTS-Mekong Watch database (migration {version} is {name!r}, expected "
                             f"{known.get(version)!r}); restore a file written by `ntswatch backup`")
    if not applied:
        raise InputError(f"{src}: an empty schema_migrations table: not a database written by `ntswatch backup`")
    try:
        n = _reports(con, alias)
    except duckdb.Error:
        raise InputError(f"{src}: no reports table: not a database written by `ntswatch backup`") from None
    return int(applied[-1][0]), n


def _check_not_in_use(db_path: Path) -> None:
    """DatabaseInUse when another process holds the live database for writing (the dashboard).

    Opened read-only, so the live file is left exactly as it is (a WAL beside it is not merged into it: it
    is kept beside the replaced file instead). A live file that cannot be opened at all (damaged) is not in
    use by anyone: restoring over it is the point.
    """
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseInUse(str(db_path), str(exc)) from None
        return
    except duckdb.Error:
        return
    con.close()


def _keep(path: Path, as_path: Path) -> None:
    """Keep `path` under `as_path` too (a hard link; a copy where links are not possible), owner-only."""
    try:
        os.link(path, as_path)
    except OSError:
        shutil.copy2(path, as_path)
    make_private(as_path)


def restore(db_path: str | Path, src: str | Path, *, actor: str | None = None,
            now: dt.datetime | None = None) -> RestoreResult:
    """Replace the live database with the backup `src` (see the module); the replaced file is kept. A PostgreSQL
    store: pg/dump.py."""
    from .store import target
    t = target(db_path)
    if t.is_pg:
        from .pg import dump
        return dump.restore(t.url, Path(src), actor=actor, now=now)
    db_path, src = Path(db_path).absolute(), Path(src).absolute()
    if not src.is_file():
        raise InputError(f"{src}: no such file")
    if db_path.exists() and src.samefile(db_path):
        raise InputError(f"{src}: that is the live database; name a backup file")
    with open(src, "rb") as fh:
        head = fh.read(12)
    if len(head) < 12 or head[8:12] != MAGIC:
        raise InputError(f"{src}: not a DuckDB database file; restore a file written by `ntswatch backup`")
    if Path(f"{src}.wal").exists():
        raise InputError(f"{src}: has a write-ahead log beside it ({src.name}.wal): it was copied while in use, "
                         "not written by `ntswatch backup`; make a backup with `ntswatch backup` instead")
    if db_path.exists():
        _check_not_in_use(db_path)           # fail early when the dashboard holds it
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_beside(db_path, "restore")
    con = duckdb.connect()
    try:
        load_spatial(con)
        try:
            con.execute(f"ATTACH {_sql_path(src)} AS ntswatch_src (READ_ONLY)")
        except duckdb.Error as exc:
            raise InputError(f"{src}: cannot be opened as a DuckDB database ({str(exc).splitlines()[0]})") from None
        version, n = check_backup(con, "ntswatch_src", src)
        try:
            _copy_database(con, "ntswatch_src", tmp)
        except duckdb.Error as exc:
            raise InputError(f"{src}: cannot be read in full, the file is damaged ({str(exc).splitlines()[0]})") \
                from None
        con.execute("DETACH ntswatch_src")
        con.close()
        con = None
        kept, stale = None, False
        wal = Path(f"{db_path}.wal")
        if db_path.exists():
            _check_not_in_use(db_path)       # again, just before the swap
            stamp = (now or audit.now_local()).strftime("%Y%m%dT%H%M%S")
            kept = db_path.parent / f"{db_path.name}.before-restore-{stamp}"
            i = 1
            while kept.exists():
                kept = db_path.parent / f"{db_path.name}.before-restore-{stamp}-{i}"
                i += 1
            _keep(db_path, kept)
        if wal.exists():                     # never beside the restored file: it would be replayed into it
            stale = True                     # kept beside the replaced file, which it belongs to
            aside = Path(f"{kept}.wal") if kept else db_path.parent / f"{wal.name}.stale-{os.getpid()}"
            os.replace(wal, aside)
            make_private(aside)
        os.replace(tmp, db_path)
        tmp = None
        _fsync(db_path.parent)
    finally:
        if con is not None:
            con.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    live = connect(db_path)                  # migrates a backup made before later migrations
    try:
        audit.record(live, "restore", actor=actor or audit.cli_actor(), object_type="database",
                     object_id=src.name, detail={"file": str(src), "reports": n, "schema_version": version,
                                                 "kept_as": kept.name if kept else None, "stale_wal": stale})
    finally:
        live.close()
    return RestoreResult(db_path, n, version, kept, stale)
