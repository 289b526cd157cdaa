"""Settings from environment variables, with defaults relative to the project root.

| variable                  | default                 | meaning                                  |
|---------------------------|-------------------------|------------------------------------------|
| NTSWATCH_DB               | data/ntswatch.duckdb    | the DuckDB file                          |
| NTSWATCH_BOUNDARIES_DIR   | data/boundaries         | folder holding the five boundary files   |
| NTSWATCH_DATA_DIR         | data                    | editable CSVs (MWCC sites, crossings)    |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "data/ntswatch.duckdb"
DEFAULT_BOUNDARIES_DIR = "data/boundaries"
DEFAULT_DATA_DIR = "data"


def _path(value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p)


@dataclass(frozen=True)
class Settings:
    """Resolved settings; `boundaries_dir_explicit` tells whether the user named the folder."""

    db_path: Path
    boundaries_dir: Path
    boundaries_dir_explicit: bool
    data_dir: Path


def settings() -> Settings:
    """Read the settings from the environment now (not cached, so tests can change them)."""
    bdir = os.environ.get("NTSWATCH_BOUNDARIES_DIR")
    # relative paths given by the user are relative to where they run the command
    return Settings(
        db_path=Path(os.environ["NTSWATCH_DB"]).expanduser().absolute()
        if os.environ.get("NTSWATCH_DB")
        else _path(DEFAULT_DB),
        boundaries_dir=Path(bdir).expanduser().absolute() if bdir else _path(DEFAULT_BOUNDARIES_DIR),
        boundaries_dir_explicit=bool(bdir),
        data_dir=Path(os.environ["NTSWATCH_DATA_DIR"]).expanduser().absolute()
        if os.environ.get("NTSWATCH_DATA_DIR")
        else _path(DEFAULT_DATA_DIR),
    )
