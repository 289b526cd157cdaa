"""Sign-in sessions kept on the server, named by a signed cookie in the browser.

On sign-in `create` makes a row in `sessions` (migration 009) and returns the cookie value: a random 256-bit
token signed with the server's key (itsdangerous). Only the token's SHA-256 is stored, so neither a copy of
the database nor a guessed value signs anybody in, and a cookie not signed with this server's key is refused
before the database is asked. On every script run the session is checked (`check`), server-side:

- absolute lifetime: `NTSWATCH_SESSION_HOURS` (default 12 h) from sign-in, whatever the activity;
- idle timeout: `NTSWATCH_IDLE_MINUTES` (default 30; fractions allowed, e.g. 0.05 = 3 s) since the last run;
  `last_seen_at` is written at most every `TOUCH_EVERY_S` (30 s, less for short timeouts), so the timeout is
  exact to within that;
- revocation: sign-out ends one session, "sign out everywhere" all of a user's sessions; an idle session is
  revoked when found, so it cannot come back.

The key: `NTSWATCH_SECRET_KEY`, else the file `NTSWATCH_SECRET_FILE` (default data/secret_key, git-ignored),
created owner-only with a random key on first use. Changing the key signs everybody out.

The cookie is written by JavaScript in the page (Streamlit has no response to set headers on), so it cannot be
HttpOnly: a script running in the page could read it. Mitigations: the value is an opaque token worth nothing
once revoked or expired (all checks are on the server), the cookie is SameSite=Strict (and Secure on https),
and every user-derived value is rendered as text, never HTML (text.plain), so no injected script runs there.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .db import updated_rows
from .files import env_or_key_file
from .config import home
from .errors import InputError

COOKIE_NAME = "ntswatch_session"
DEFAULT_SECRET_FILE = "data/secret_key"
DEFAULT_IDLE_MINUTES = 30.0
DEFAULT_LIFETIME_HOURS = 12.0
TOUCH_EVERY_S = 30.0
KEEP_ENDED_DAYS = 30          # ended sessions are deleted after this
_SALT = "ntswatch-session-v1"


# -- settings ----------------------------------------------------------------------------------------------

def _positive_env(name: str, default: float, unit: str, example: str) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise InputError(f"{name}={raw!r}: use a number of {unit} greater than 0, e.g. {example}")
    return value


def idle_timeout() -> dt.timedelta:
    """$NTSWATCH_IDLE_MINUTES (default 30 minutes; fractional minutes allowed)."""
    return dt.timedelta(minutes=_positive_env("NTSWATCH_IDLE_MINUTES", DEFAULT_IDLE_MINUTES, "minutes", "30"))


def lifetime() -> dt.timedelta:
    """$NTSWATCH_SESSION_HOURS (default 12 hours): a session's absolute length."""
    return dt.timedelta(hours=_positive_env("NTSWATCH_SESSION_HOURS", DEFAULT_LIFETIME_HOURS, "hours", "12"))


def secret_file() -> Path:
    env = os.environ.get("NTSWATCH_SECRET_FILE", "").strip()
    return Path(env).expanduser().absolute() if env else home() / DEFAULT_SECRET_FILE


def secret_key() -> str:
    """The signing key: $NTSWATCH_SECRET_KEY, else the key file (created owner-only on first use)."""
    return env_or_key_file("NTSWATCH_SECRET_KEY", secret_file())


def _serializer(key: str | None = None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key or secret_key(), salt=_SALT)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def cookie_token_hash(cookie: str | None, key: str | None = None) -> str | None:
    """The token hash named by a cookie value, or None when it is missing, not signed with this key or older
    than the session lifetime."""
    if not cookie or len(cookie) > 512:
        return None
    try:
        token = _serializer(key).loads(cookie, max_age=int(lifetime().total_seconds()) + 60)
    except BadSignature:                  # includes SignatureExpired
        return None
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return token_hash(token)


# -- the store ---------------------------------------------------------------------------------------------

def _now(now: dt.datetime | None) -> dt.datetime:
    from .audit import now_local

    return now or now_local()


@dataclass(frozen=True)
class NewSession:
    cookie: str           # the signed value for the browser
    token_hash: str       # what the server keeps (and the page keeps in its session state)
    expires_at: dt.datetime


@dataclass(frozen=True)
class Check:
    """The answer for one session: `username` when it may continue, else None and the reason.

    reason: ok | unknown (no such row) | revoked | expired (absolute lifetime) | idle (idle timeout: the
    session was revoked just now, so this answer is given once).
    """
    username: str | None
    reason: str
    token_hash: str | None = None
    expires_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


def create(con, username: str, client: str | None = None, now: dt.datetime | None = None,
           key: str | None = None) -> NewSession:
    """Start a session for `username`; returns the cookie value (the token itself is stored nowhere)."""
    now = _now(now).replace(microsecond=0)
    token = secrets.token_urlsafe(32)
    th = token_hash(token)
    expires = now + lifetime()
    con.execute("INSERT INTO sessions (token_hash, username, created_at, last_seen_at, expires_at, client) "
                "VALUES (?, ?, ?, ?, ?, ?)", [th, username, now, now, expires, client])
    con.execute("DELETE FROM sessions WHERE coalesce(revoked_at, expires_at) < ?",
                [now - dt.timedelta(days=KEEP_ENDED_DAYS)])
    return NewSession(_serializer(key).dumps(token), th, expires)


def touch_interval(idle: dt.timedelta) -> dt.timedelta:
    return min(dt.timedelta(seconds=TOUCH_EVERY_S), idle / 10)


def check(con, th: str | None, now: dt.datetime | None = None, idle: dt.timedelta | None = None) -> Check:
    """Whether the session `th` (a token hash) may continue now; records this run as activity."""
    if not th:
        return Check(None, "unknown")
    now = _now(now)
    idle = idle or idle_timeout()
    row = con.execute("SELECT username, last_seen_at, expires_at, revoked_at FROM sessions WHERE token_hash = ?",
                      [th]).fetchone()
    if row is None:
        return Check(None, "unknown", th)
    username, last_seen, expires, revoked = row
    if revoked is not None:
        return Check(None, "revoked", th)
    if now >= expires:
        return Check(None, "expired", th)
    if now - last_seen > idle:
        if revoke(con, th, "idle", now):
            from . import audit

            audit.record(con, "session_expired", actor=username, object_type="session", object_id=th[:12],
                         detail={"reason": "idle", "idle_minutes": round(idle.total_seconds() / 60, 3)}, at=now)
        return Check(None, "idle", th)
    if now - last_seen >= touch_interval(idle):
        try:
            con.execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
                        [now, th, now])
        except duckdb.TransactionException:   # another tab of the same session wrote it at the same moment
            pass
    return Check(username, "ok", th, expires)


def check_cookie(con, cookie: str | None, now: dt.datetime | None = None, idle: dt.timedelta | None = None,
                 key: str | None = None) -> Check:
    """`check` for a cookie value; a missing, forged or tampered cookie is 'unknown'."""
    th = cookie_token_hash(cookie, key)
    return check(con, th, now, idle) if th else Check(None, "unknown")


def revoke(con, th: str, reason: str, now: dt.datetime | None = None) -> bool:
    """End one session. Returns whether it was still open."""
    now = _now(now)
    return updated_rows(con.execute("UPDATE sessions SET revoked_at = ?, revoked_reason = ? "
                                    "WHERE token_hash = ? AND revoked_at IS NULL", [now, reason, th])) > 0


def revoke_all(con, username: str, reason: str = "sign_out_everywhere", now: dt.datetime | None = None) -> int:
    """End every open session of `username`. Returns how many were open."""
    now = _now(now)
    return updated_rows(con.execute("UPDATE sessions SET revoked_at = ?, revoked_reason = ? "
                                    "WHERE username = ? AND revoked_at IS NULL AND expires_at > ?",
                                    [now, reason, username, now]))


def open_sessions(con, username: str, now: dt.datetime | None = None) -> int:
    """How many sessions of `username` are open now (not revoked, not past their absolute end)."""
    now = _now(now)
    return con.execute("SELECT count(*) FROM sessions WHERE username = ? AND revoked_at IS NULL "
                       "AND expires_at > ?", [username, now]).fetchone()[0]


# -- sign-in and sign-out, with their audit entries --------------------------------------------------------

def start(con, username: str, role: str | None = None, client: str | None = None, now: dt.datetime | None = None,
          key: str | None = None) -> NewSession:
    """A password sign-in succeeded: start a session and record 'sign_in'."""
    from . import audit

    new = create(con, username, client, now, key)
    audit.record(con, "sign_in", actor=username, role=role, client=client, object_type="session",
                 object_id=new.token_hash[:12], at=now)
    return new


def end(con, th: str, username: str, role: str | None = None, client: str | None = None,
        now: dt.datetime | None = None) -> None:
    """Sign out of one session: revoke it and record 'sign_out'."""
    from . import audit

    revoke(con, th, "sign_out", now)
    audit.record(con, "sign_out", actor=username, role=role, client=client, object_type="session",
                 object_id=th[:12], at=now)


def end_everywhere(con, username: str, role: str | None = None, client: str | None = None,
                   now: dt.datetime | None = None) -> int:
    """Sign out of every session of `username` (all browsers); records 'sign_out_everywhere' with the count."""
    from . import audit

    n = revoke_all(con, username, "sign_out_everywhere", now)
    audit.record(con, "sign_out_everywhere", actor=username, role=role, client=client, object_type="user",
                 object_id=username, detail={"sessions": n}, at=now)
    return n


# -- the cookie in the browser -----------------------------------------------------------------------------

def set_cookie_script(cookie: str, max_age_s: int) -> str:
    """A <script> that stores the cookie (Path=/, SameSite=Strict, Max-Age; Secure on https)."""
    value = _js_safe(cookie)
    return ("<script>(function(){var s=location.protocol==='https:'?'; Secure':'';"
            f"document.cookie='{COOKIE_NAME}={value}; Path=/; Max-Age={int(max_age_s)}; SameSite=Strict'+s;"
            "})();</script>")


def clear_cookie_script(cookie: str | None = None) -> str:
    """A <script> that deletes the cookie; with `cookie`, only while the browser still holds that value (a
    newer sign-in in another tab keeps its cookie)."""
    cond = f"document.cookie.split('; ').indexOf('{COOKIE_NAME}={_js_safe(cookie)}')>=0" if cookie else "true"
    return ("<script>(function(){var s=location.protocol==='https:'?'; Secure':'';"
            f"if({cond}){{document.cookie='{COOKIE_NAME}=; Path=/; Max-Age=0; SameSite=Strict'+s;}}"
            "})();</script>")


def _js_safe(value: str) -> str:
    # itsdangerous' URL-safe values hold only these characters; anything else is refused, not escaped
    if not value or not all(c.isascii() and (c.isalnum() or c in "-_.") for c in value):
        raise ValueError("cookie value: only letters, digits, '-', '_' and '.'")
    return value
