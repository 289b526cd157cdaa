"""Files the product writes hold informants' reports: owner-only by default.

`private_files()` sets the process's umask to 077, so every file the process creates afterwards — the
DuckDB file and its write-ahead log, rejects, exports, PDFs written by the CLI — is readable and writable by
its owner only (the CLI and the dashboard call it at start). `make_private(path)` narrows an existing file
to 0600 (the database when it is opened for writing, whoever created it).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_MODE = 0o600


def private_files() -> None:
    """Owner-only permissions for every file this process creates from now on."""
    os.umask(PRIVATE_UMASK)


def make_private(path: str | Path) -> None:
    """chmod 0600 a file we own, if it exists and is more open than that (other owners' files are left)."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(p, PRIVATE_MODE)


__all__ = ["PRIVATE_MODE", "PRIVATE_UMASK", "make_private", "private_files"]


def env_or_key_file(env: str, default_file: Path) -> str:
    """A secret key: $`env` (at least 32 characters), else the key file (made owner-only on first use)."""
    from .errors import InputError
    value = os.environ.get(env, "").strip()
    if value:
        if len(value) < 32:
            raise InputError(f"{env}: use at least 32 characters, e.g. the output of "
                             "`python -c 'import secrets; print(secrets.token_hex(32))'`")
        return value
    return key_file(default_file)


def key_file(path: Path) -> str:
    """The key kept in `path` (hex text), made owner-only with a fresh random key on first use; when two
    processes start at once, the second one uses the first one's key."""
    import secrets

    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:            # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="ascii").strip()
