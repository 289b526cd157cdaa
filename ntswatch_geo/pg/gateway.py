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

import os
import re
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


def _use(con) -> None:
    con.execute(f"USE {CATALOG}")
    con.execute(f"SET search_path = '{CATALOG}.public,memory.main'")


class PgConnection:
    """A DuckDB connection whose default catalog is the attached PostgreSQL database (see the module doc)."""

    def __init__(self, inner: duckdb.DuckDBPyConnection, url: str, read_only: bool):
        self._inner = inner
        self.url = url
        self.read_only = read_only

    is_pg = True

    def cursor(self) -> "PgConnection":
        cur = self._inner.cursor()
        _use(cur)
        return PgConnection(cur, self.url, self.read_only)

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
        pg_migrate(url)
    con = duckdb.connect(":memory:", config={"allow_unsigned_extensions": "false"})
    load_spatial(con)
    con.execute(f"LOAD '{postgres_extension_path().as_posix()}'")
    try:
        con.execute(f"ATTACH {sql_literal(url)} AS {CATALOG} (TYPE postgres{', READ_ONLY' if read_only else ''})")
    except duckdb.Error as exc:
        con.close()
        detail = str(exc).strip().splitlines()[-1]
        raise ServerUnreachable(f"{mask(url)}: cannot attach the PostgreSQL database ({detail})") from None
    _use(con)
    for stmt in macro_statements():
        con.execute(stmt)
    return PgConnection(con, url, read_only)


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


def is_pg(con) -> bool:
    return getattr(con, "is_pg", False) is True
