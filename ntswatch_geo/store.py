"""Which store a command or page uses: the DuckDB file (the embedded default) or a PostgreSQL server.

`NTSWATCH_DB` (or a command's `--db`) is either a DuckDB file path or a `postgresql://` URL. The URL's password
is best kept out of it: libpq reads `PGPASSWORD`, or a pgpass file (`PGPASSFILE`, or `?passfile=` in the URL),
so the secret lives in the environment or a file of mode 600, never in the repository or the shell history.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(value) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith(URL_SCHEMES)


def mask(url: str) -> str:
    """The URL with its password (if any) replaced by ***: for messages and `info`."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@]*@", r"\1:***@", url)


@dataclass(frozen=True)
class Target:
    """A store: `path` (DuckDB file) or `url` (PostgreSQL)."""

    path: Path | None = None
    url: str | None = None

    @property
    def kind(self) -> str:
        return "postgresql" if self.url else "duckdb"

    @property
    def is_pg(self) -> bool:
        return self.url is not None

    def __str__(self) -> str:
        return mask(self.url) if self.url else str(self.path)

    @property
    def name(self) -> str:
        """A short name for titles: the file's name, or the server's database (password never shown)."""
        if self.path is not None:
            return self.path.name
        return mask(self.url).rsplit("/", 1)[-1].split("?", 1)[0] or mask(self.url)

    def __fspath__(self) -> str:          # so a DuckDB target still works where a path is expected
        if self.url:
            raise TypeError(f"{self}: a PostgreSQL store has no file")
        return str(self.path)

    def exists(self) -> bool:
        """Whether the store is there: the DuckDB file exists, or the server answers (the database exists)."""
        if self.path is not None:
            return self.path.exists()
        from .pg.schema import reachable
        return reachable(self.url)

    @property
    def files_dir(self) -> Path:
        """Where commands put files beside the store (rejects CSVs): the DuckDB file's folder, else (a server
        has no folder here) the current folder."""
        if self.path is not None:
            return self.path.parent
        return Path.cwd()


def target(db=None) -> Target:
    """The store named by `db` (a path, a URL, a Target), else by NTSWATCH_DB (settings)."""
    if isinstance(db, Target):
        return db
    if db is not None:
        s = str(db)
        if is_url(s):
            return Target(url=s.strip())
        return Target(path=Path(db).expanduser().absolute())
    from .config import settings
    s = settings()
    return Target(url=s.db_url) if s.db_url else Target(path=s.db_path)
