"""Reads, analytics and writes on the PostgreSQL store through DuckDB: one text for every query.

`connect(url)` opens an in-memory DuckDB database, attaches the PostgreSQL database as catalog `pg` with
DuckDB's postgres extension (loaded from the duckdb-extension-postgres wheel, never downloaded) and makes it
the default, so the named queries in queries/ and the code's SQL run unchanged: `reports` is the server's
table. The macros of the DuckDB migrations (filtered_reports, filtered_border_districts) are created in
DuckDB's own catalog `memory`, from the same migration text, and found through the search path. Filters are
pushed down to PostgreSQL (its indexes serve them); joins and aggregates run in DuckDB, on the rows the filters
let through, and results come back as Arrow / NumPy, never row by row in Python.

Why this design (issue 13 asked which and why): the dashboard's analytics are ~50 named DuckDB queries and two
macros; translating them to PostgreSQL would make a second copy of each that drifts. Writes also go through
this gateway, each `db.transaction` being one PostgreSQL transaction (REPEATABLE READ, the extension's
default): a concurrent update of the same row makes the later transaction fail with a serialization error,
which `db.is_conflict` treats as DuckDB's own write conflict (retried where the code retries, else the user is
told), so the version check holds across processes. Schema changes, roles and the few statements the
extension cannot run (RETURNING, sequence draws, the intake role's functions) go to PostgreSQL directly
(psycopg; `execute_pg`).

DuckDB keeps per connection which catalog is the default, so `PgConnection` wraps the DuckDB connection and
makes every `cursor()` (one per dashboard script run, one per thread) use the server's catalog too.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import duckdb

from ..store import mask
from .schema import ServerUnreachable

CATALOG = "pg"
_DUCKDB_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_ext_lock = threading.Lock()
_ext_dir: Path | None = None


def postgres_extension_path() -> Path:
    """The postgres extension of the duckdb-extension-postgres wheel, under the file name DuckDB expects
    (postgres_scanner.duckdb_extension: the entry point is named after the file), via a symlink in a folder
    private to this process."""
    global _ext_dir
    import duckdb_extension_postgres

    base = Path(duckdb_extension_postgres.__file__).resolve().parent / "extensions"
    src = base / f"v{duckdb.__version__}" / "postgres.duckdb_extension"
    if not src.exists():
        found = sorted(p.parent.name for p in base.glob("v*/postgres.duckdb_extension"))
        raise RuntimeError(f"duckdb {duckdb.__version__} needs duckdb-extension-postgres=={duckdb.__version__}; "
                           f"the installed wheel ships {found}")
    with _ext_lock:
        if _ext_dir is None or not (_ext_dir / "postgres_scanner.duckdb_extension").exists():
            _ext_dir = Path(tempfile.mkdtemp(prefix="ntswatch-duckdb-ext-"))     # mode 700, this process's own
            os.symlink(src, _ext_dir / "postgres_scanner.duckdb_extension")
            atexit.register(shutil.rmtree, _ext_dir, True)         # removed when the process ends
        return _ext_dir / "postgres_scanner.duckdb_extension"


@lru_cache(maxsize=None)
def macro_statements() -> tuple[str, ...]:
    """Every `CREATE OR REPLACE MACRO` of the DuckDB migrations, in version order, placed in catalog memory."""
    out = []
    for p in sorted(_DUCKDB_MIGRATIONS.glob("*.sql")):
        text = "\n".join(line for line in p.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("--"))
        for stmt in re.split(r";\s*(?:\n|$)", text):
            m = re.match(r"\s*CREATE\s+OR\s+REPLACE\s+MACRO\s+(\w+)", stmt, re.I)
            if m:
                out.append(re.sub(r"MACRO\s+(\w+)", r"MACRO memory.main.\1", stmt.strip(), count=1, flags=re.I))
    return tuple(out)


def _use(con, intake: bool = False) -> None:
    con.execute(f"USE {CATALOG}")
    path = f"{CATALOG}.intake,{CATALOG}.public,memory.main" if intake else f"{CATALOG}.public,memory.main"
    con.execute(f"SET search_path = '{path}'")


# an INSERT INTO reports or coop_activities (after any comments): redirected to its *_incoming table where row
# security applies (pg/migrations/013, 015)
_INSERT_SCOPED = re.compile(r"^((?:\s|--[^\n]*\n)*INSERT\s+INTO\s+)(reports|coop_activities)(?=[\s(])", re.I)


class PgConnection:
    """A DuckDB connection whose default catalog is the attached PostgreSQL database (see the module doc).

    `rls`: row-level security applies to this login on `reports`. PostgreSQL refuses COPY into such a table,
    which is how the extension inserts, so `INSERT INTO reports ...` goes to `reports_incoming`, whose trigger
    inserts each row into reports as this login (row security checks it). `intake`: the login is the public
    intake's; `reports` then reads the narrow view intake.reports (pg/migrations/013).
    """

    def __init__(self, inner: duckdb.DuckDBPyConnection, url: str, read_only: bool, rls: bool = False,
                 intake: bool = False):
        self._inner = inner
        self.url = url
        self.read_only = read_only
        self.rls = rls
        self.intake = intake

    is_pg = True

    def cursor(self) -> "PgConnection":
        cur = self._inner.cursor()
        _use(cur, self.intake)
        return PgConnection(cur, self.url, self.read_only, self.rls, self.intake)

    def _sql(self, query):
        if (self.rls or self.intake) and isinstance(query, str):
            return _INSERT_SCOPED.sub(rf"\1{CATALOG}.public.\2_incoming", query, count=1)
        return query

    def execute(self, query, parameters=None):
        return self._inner.execute(self._sql(query), parameters)

    def executemany(self, query, parameters=None):
        return self._inner.executemany(self._sql(query), parameters)

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._inner.close()


def connect(url: str, read_only: bool = False, migrate: bool = True) -> PgConnection:
    """The PostgreSQL store at `url` through DuckDB (schema migrated first unless read_only or not migrate)."""
    from ..db import load_spatial
    from .schema import migrate as pg_migrate

    if migrate and not read_only:
        pg_migrate(url)          # nothing to do (and no DDL right needed) when the schema is current
    con = duckdb.connect(":memory:", config={"allow_unsigned_extensions": "false"})
    load_spatial(con)
    con.execute(f"LOAD '{postgres_extension_path().as_posix()}'")
    try:
        con.execute(f"ATTACH {sql_literal(url)} AS {CATALOG} (TYPE postgres{', READ_ONLY' if read_only else ''})")
    except duckdb.Error as exc:
        con.close()
        detail = str(exc).strip().splitlines()[-1]
        raise ServerUnreachable(f"{mask(url)}: cannot attach the PostgreSQL database ({detail})") from None
    rls, intake = (bool(v) for v in con.execute(f"SELECT * FROM postgres_query('{CATALOG}', {sql_literal(_WHO)})")
                   .fetchone())
    _use(con, intake)
    if con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE database_name = '{CATALOG}' "
                   "AND table_name = 'reports'").fetchone()[0]:     # none yet: a new database opened read-only
        for stmt in macro_statements():
            con.execute(stmt)
    return PgConnection(con, url, read_only, rls, intake)


# whether row security applies to this login on reports, and whether it is the public intake's
_WHO = """SELECT CASE WHEN to_regclass('public.reports') IS NULL THEN false
                 ELSE coalesce(row_security_active('public.reports'), false) END AS rls,
                 CASE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ntswatch_intake') THEN false
                 WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN false
                 ELSE pg_has_role(current_user, 'ntswatch_intake', 'MEMBER') END AS intake"""


def sql_literal(text: str) -> str:
    """A SQL string literal (quotes doubled; NUL refused) for the few places that take no bound parameter."""
    if "\x00" in text:
        raise ValueError("NUL in a SQL literal")
    return "'" + text.replace("'", "''") + "'"


def next_ids(con, sequence: str, n: int):
    """`n` values of the server's `sequence` (validated name), ascending."""
    import numpy as np
    inner = f"SELECT nextval('{sequence}') AS id FROM generate_series(1, {int(n)})"
    got = con.execute(f"SELECT id FROM postgres_query('{CATALOG}', {sql_literal(inner)}) ORDER BY id").fetchnumpy()
    return got["id"].astype(np.int64)


def on_server(con, sql: str):
    """Run one read-only `sql` (no parameters) on the PostgreSQL server itself, as the connection's login and so
    under its row security, e.g. an aggregate the extension would otherwise compute in DuckDB from every row."""
    return con.execute(f"SELECT * FROM postgres_query('{CATALOG}', {sql_literal(sql)})")


def _literal(v) -> str:
    import datetime as dt
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, dt.datetime):
        return f"TIMESTAMP {sql_literal(v.isoformat(sep=' '))}"
    if isinstance(v, str):
        return sql_literal(v)
    raise TypeError(f"no SQL literal for {type(v).__name__}")


def call_function(con, name: str, *args):
    """`SELECT name(args...)` on the server, inside the connection's current transaction; its value. The
    arguments become literals (strings quoted, timestamps typed): postgres_query takes no bound parameters."""
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"function name {name!r}")
    inner = f"SELECT {name}({', '.join(_literal(a) for a in args)}) AS v"
    return con.execute(f"SELECT v FROM postgres_query('{CATALOG}', {sql_literal(inner)})").fetchone()[0]


def is_pg(con) -> bool:
    return getattr(con, "is_pg", False) is True
