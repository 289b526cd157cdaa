"""DuckDB connection, the spatial extension from its wheel, schema migrations, named queries, transactions."""
from __future__ import annotations

import random
import re
import time
from functools import lru_cache
from pathlib import Path

import duckdb
import duckdb_extension_spatial

from .config import PACKAGE_DIR, settings
from .errors import InputError
from .files import make_private

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
QUERIES_DIR = PACKAGE_DIR / "queries"


def spatial_extension_path() -> Path:
    """The spatial extension file shipped inside the duckdb-extension-spatial wheel."""
    base = Path(duckdb_extension_spatial.__file__).resolve().parent / "extensions"
    path = base / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    if not path.exists():
        found = sorted(base.glob("v*/spatial.duckdb_extension"))
        raise RuntimeError(
            f"duckdb {duckdb.__version__} needs duckdb-extension-spatial=={duckdb.__version__}; "
            f"the installed wheel ships {[p.parent.name for p in found]}"
        )
    return path


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """Load the spatial extension from the wheel's file; never download it."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute(f"LOAD '{spatial_extension_path().as_posix()}'")


class DatabaseInUse(InputError):
    """The DuckDB file is held for writing by another process (the dashboard, another command)."""

    def __init__(self, target: str, detail: str):
        m = re.search(r"held in (.+?) \(PID (\d+)\)", detail)
        who = f" ({Path(m.group(1)).name}, PID {m.group(2)})" if m else ""
        super().__init__(f"{target}: the database is in use by another process{who}, which holds it for "
                         f"writing; stop that process (the dashboard: Ctrl+C where `make run` runs) and try "
                         f"again, or import on the dashboard's Data page while it runs")


def connect(path=None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store (default from NTSWATCH_DB) with spatial loaded and schema migrated.

    `path` is a DuckDB file path, `":memory:"` (an in-memory database), a `postgresql://` URL or a
    store.Target. A PostgreSQL store comes back as a DuckDB connection with the server's database attached
    and made the default (ntswatch_geo/pg/gateway.py): the same SQL runs on both.
    """
    from .store import Target, is_url
    if isinstance(path, Target):
        path = path.url or path.path
    if is_url(path) or (path is None and settings().db_url):
        from .pg import gateway
        return gateway.connect(path if path is not None else settings().db_url, read_only=read_only)
    target = str(path) if path is not None else str(settings().db_path)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        raise DatabaseInUse(target, str(exc)) from None
    if target != ":memory:" and not read_only:
        make_private(target)
        make_private(f"{target}.wal")
    load_spatial(con)
    if not read_only:
        migrate(con)
    return con


def numbered_sql(folder: Path) -> list[tuple[int, Path]]:
    """(number, path) of each `NNN_name.sql` in `folder`, in order: the migrations of either store."""
    out = []
    for p in sorted(folder.glob("*.sql")):
        m = re.match(r"(\d+)_", p.name)
        if m:
            out.append((int(m.group(1)), p))
    return out


def _migrations() -> list[tuple[int, Path]]:
    return numbered_sql(MIGRATIONS_DIR)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations not yet applied, each in its own transaction. Returns the schema version."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    for version, path in _migrations():
        if version in done:
            continue

        def apply(version=version, path=path):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, path.stem])

        transaction(con, apply)
    row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


class Rollback(Exception):
    """Raised inside `transaction`'s work: roll back, and `transaction` returns `value` (an early return)."""

    def __init__(self, value=None):
        super().__init__(value)
        self.value = value


CONFLICT_MARKS = ("conflict", "could not serialize access", "deadlock detected")


def is_conflict(exc: BaseException) -> bool:
    """Whether `exc` is a transaction conflict: another writer changed the same rows first (DuckDB's write
    conflict; PostgreSQL's serialization failure or deadlock, as the postgres extension reports them)."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and any(m in text for m in CONFLICT_MARKS)


def is_duplicate_key(exc: BaseException) -> bool:
    """Whether `exc` is a unique-key violation: DuckDB's ConstraintException, or PostgreSQL's "duplicate key
    value violates unique constraint" as the postgres extension passes it on (a plain duckdb.Error)."""
    return isinstance(exc, duckdb.ConstraintException) or (
        isinstance(exc, duckdb.Error) and "duplicate key value violates unique constraint" in str(exc))


def transaction(con: duckdb.DuckDBPyConnection, work, *, attempts: int = 1):
    """Run `work()` between BEGIN and COMMIT and return its result; every write of the package goes here.

    Any exception rolls back and is re-raised, except `Rollback(value)`: rolled back, `value` returned. A
    DuckDB transaction conflict is retried (work() runs again from the start) up to `attempts` times in all,
    with a short random back-off. The connection must not be inside a transaction already (BEGIN then fails
    and nothing is rolled back).
    """
    for attempt in range(1, attempts + 1):
        con.execute("BEGIN")
        try:
            result = work()
            con.execute("COMMIT")
            return result
        except Rollback as rb:
            _rollback(con)
            return rb.value
        except BaseException as exc:
            _rollback(con)
            if attempt < attempts and is_conflict(exc):
                time.sleep(random.uniform(0.001, 0.005) * 2 ** min(attempt, 6))
                continue
            raise


def _rollback(con) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:            # a failed COMMIT has already ended the transaction
        pass


@lru_cache(maxsize=None)
def query_text(name: str) -> str:
    """The text of `ntswatch_geo/queries/<name>.sql`."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"query name {name!r}: only lowercase letters, digits and _ are allowed")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.exists():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def query_params(name: str) -> frozenset[str]:
    """The `$name` parameters a named query uses."""
    return frozenset(re.findall(r"\$([a-z_][a-z0-9_]*)", query_text(name)))


def run_query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None):
    """Run a named query with bound `$name` parameters (extra keys in `params` are ignored)."""
    wanted = query_params(name)
    given = params or {}
    missing = wanted - given.keys()
    if missing:
        raise KeyError(f"query {name!r} needs parameters {sorted(missing)}")
    return con.execute(query_text(name), {k: given[k] for k in wanted})


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table of that name exists in the store's default schema (DuckDB's main, PostgreSQL's public)."""
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = current_schema() AND table_name = ?",
            [name],
        ).fetchone()[0]
    )


def updated_rows(result) -> int:
    """How many rows an UPDATE or DELETE just executed changed (its result row; RETURNING is not used: the
    postgres extension has none)."""
    row = result.fetchone()
    return int(row[0]) if row else 0


def next_ids(con, sequence: str, n: int):
    """`n` new values of `sequence`, ascending, as an int64 NumPy array (DuckDB's nextval, or the server's)."""
    import numpy as np
    if not re.fullmatch(r"[a-z_]+", sequence):
        raise ValueError(f"sequence name {sequence!r}")
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    if getattr(con, "is_pg", False):
        from .pg import gateway
        return gateway.next_ids(con, sequence, n)
    return con.execute(f"SELECT nextval('{sequence}') AS id FROM range(?) ORDER BY id",
                       [n]).fetchnumpy()["id"].astype(np.int64)
