"""Settings from environment variables, with defaults relative to the home folder (`home()`).

| variable                  | default                 | meaning                                  |
|---------------------------|-------------------------|------------------------------------------|
| NTSWATCH_HOME             | the checkout, else the current folder | where the defaults below and the files the system writes live |
| NTSWATCH_DB               | data/ntswatch.duckdb    | the DuckDB file, or a postgresql:// URL (ntswatch_geo/store.py) |
| NTSWATCH_BOUNDARIES_DIR   | data/boundaries         | folder holding the five boundary files   |
| NTSWATCH_DATA_DIR         | the package's reference/ | reference CSVs (MWCC sites, crossings) and scenarios/ |
| NTSWATCH_RETAIN_CONTACT_DAYS    | 365 | days a decided report keeps contact details (`retention()`) |
| NTSWATCH_RETAIN_QUARANTINE_DAYS | 90  | days a refused row stays in quarantine (`retention()`)      |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent       # the checkout, when running from one (tests, `make run`)
REFERENCE_DIR = PACKAGE_DIR / "reference"   # shipped with the package: MWCC sites, crossings, scenarios/
DEFAULT_DB = "data/ntswatch.duckdb"
DEFAULT_BOUNDARIES_DIR = "data/boundaries"


def home() -> Path:
    """Where the default database, prepared boundaries, users file and session key live: NTSWATCH_HOME if set,
    else the checkout when running from one (a source tree or an editable install: `make run` as before), else
    the current folder (an installed package: never inside site-packages)."""
    env = os.environ.get("NTSWATCH_HOME")
    if env:
        return Path(env).expanduser().absolute()
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "app.py").is_file():
        return PROJECT_ROOT
    return Path.cwd()


def _path(value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else (home() / p)


@dataclass(frozen=True)
class Settings:
    """Resolved settings; `boundaries_dir_explicit` tells whether the user named the folder."""

    db_path: Path                 # the DuckDB file (when db_url is set: unused, the default path)
    db_url: str | None            # NTSWATCH_DB when it is a postgresql:// URL
    boundaries_dir: Path
    boundaries_dir_explicit: bool
    data_dir: Path


def settings() -> Settings:
    """Read the settings from the environment now (not cached, so tests can change them)."""
    from .store import is_url

    bdir = os.environ.get("NTSWATCH_BOUNDARIES_DIR")
    raw_db = os.environ.get("NTSWATCH_DB", "").strip()
    url = raw_db if is_url(raw_db) else None
    # relative paths given by the user are relative to where they run the command
    return Settings(
        db_path=Path(raw_db).expanduser().absolute() if raw_db and not url else _path(DEFAULT_DB),
        db_url=url,
        boundaries_dir=Path(bdir).expanduser().absolute() if bdir else _path(DEFAULT_BOUNDARIES_DIR),
        boundaries_dir_explicit=bool(bdir),
        data_dir=Path(os.environ["NTSWATCH_DATA_DIR"]).expanduser().absolute()
        if os.environ.get("NTSWATCH_DATA_DIR")
        else REFERENCE_DIR,
    )


DEFAULT_RETAIN_CONTACT_DAYS = 365
DEFAULT_RETAIN_QUARANTINE_DAYS = 90
MAX_RETAIN_DAYS = 36_500


@dataclass(frozen=True)
class Retention:
    """How long personal data is kept (ntswatch_geo/privacy.py `purge`).

    contact_days (365): a report's contact_name/contact_phone are cleared this many days after it was received,
    once it is decided (not new, verified or held as suspected spam): one year covers verification, the
    agencies' follow-up and the year-on-year comparisons, none of which needs the informant's name later.
    quarantine_days (90): a refused row (raw submission, often with contact details) is deleted after this
    many days: a quarter is time enough for a district centre to correct and re-import it (the rejects CSV
    is handed over at import time).
    """

    contact_days: int
    quarantine_days: int


def _days(name: str, default: int) -> int:
    from .errors import InputError

    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        days = int(raw.strip())
    except ValueError:
        days = None
    if days is None or not 1 <= days <= MAX_RETAIN_DAYS:
        raise InputError(f"{name}: {raw!r} is not allowed; allowed: a whole number of days from 1 to "
                         f"{MAX_RETAIN_DAYS}, e.g. {default}")
    return days


def retention() -> Retention:
    """The retention periods from the environment (InputError naming the variable when one is not valid)."""
    return Retention(contact_days=_days("NTSWATCH_RETAIN_CONTACT_DAYS", DEFAULT_RETAIN_CONTACT_DAYS),
                     quarantine_days=_days("NTSWATCH_RETAIN_QUARANTINE_DAYS", DEFAULT_RETAIN_QUARANTINE_DAYS))
