"""The public form's guard: per-client rate limits, surge holds and flood rules, before and after `prepare`.

A citizen's report must never be lost to a flood, and a flood must never reach a statistic, an alert or the
front of the verification queue. So most of what the guard does is *hold*, not refuse: a held submission is
stored with status 'suspected_spam' (taxonomy.HELD_STATUSES: in no statistic, not in the queue's list of new
reports) until an officer releases it (→ 'new') or confirms it (→ 'spam').

Layer 1 — rate limits on the client (the `limits` library, moving windows), checked before anything is
parsed, keyed on `client_key(address)`, an HMAC of the address (the address itself is never stored):

* HOLD_LIMITS per client: beyond them a submission is stored, held ('client_rate'). Several people behind
  one address (a mobile carrier's CGNAT, a school) lose nothing.
* REFUSE_LIMITS per client: beyond them a submission is refused with a message saying how long to wait and
  that an emergency goes to 191 / 1300 — and the client's reports of the last FLOOD_WINDOW that are still
  'new' are held with it ('client_flood'), so a flood leaves the counts as they were.
* GLOBAL_REFUSE across all clients: a hard cap that protects the store.

Operators may change the limits with NTSWATCH_RATE_HOLD, NTSWATCH_RATE_REFUSE and NTSWATCH_RATE_GLOBAL (the `limits` notation, e.g. "3 per 10 minutes;10 per day"). Limits live in this
process's memory by default; NTSWATCH_RATE_LIMIT_STORAGE (a `limits` storage URI such as
redis://host:6379) shares them between dashboard processes. The second layer needs no shared memory:

Layer 2 — rules on the stored reports (they hold across restarts and processes), checked in the same
transaction as the insert:

* 'client_flood': the same client already sent FLOOD_COUNT reports in the last FLOOD_WINDOW.
* 'surge': SURGE_COUNT public reports about the same district and category arrived in the last SURGE_WINDOW,
  from any clients — a flood spread over many addresses to fire that district's alert (the busiest district
  gets a few public reports of a category a week). A genuine report about anything else passes.
* 'near_duplicate': the description nearly repeats (rapidfuzz ratio ≥ NEAR_DUP_RATIO after folding case and
  spaces) at least NEAR_DUP_COUNT public reports of the same category received in the last 24 hours, from any
  client — a copy-and-paste campaign.

A submission larger than MAX_SUBMISSION_CHARS in all is refused before anything is stored ('too_large');
raw values kept in quarantine are cut to RAW_KEEP_CHARS each.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

HOLD_LIMITS = "3 per 10 minutes;10 per day"
REFUSE_LIMITS = "10 per 10 minutes;30 per day"
GLOBAL_REFUSE = "600 per minute"
FLOOD_COUNT = 5
FLOOD_WINDOW = dt.timedelta(minutes=10)
SURGE_COUNT = 10
SURGE_WINDOW = dt.timedelta(hours=1)
NEAR_DUP_RATIO = 90.0
NEAR_DUP_COUNT = 3
NEAR_DUP_WINDOW = dt.timedelta(hours=24)
NEAR_DUP_MIN_CHARS = 20          # shorter descriptions ("ยาบ้า") repeat innocently
MAX_SUBMISSION_CHARS = 12_000
RAW_KEEP_CHARS = 400

REASONS = ("client_rate", "surge", "client_flood", "near_duplicate")


@dataclass(frozen=True)
class Decision:
    """The guard's answer before a submission is parsed."""

    refused: bool
    hold_reason: str | None = None     # one of REASONS when the submission is to be held
    retry_after_s: int = 0             # refused: seconds until the client may send again
    flood: bool = False                # refused because the client crossed REFUSE_LIMITS (hold its recent ones)


def _secret() -> bytes:
    """The key for client hashes: NTSWATCH_CLIENT_KEY, else the session signing key (sessions.secret_key:
    NTSWATCH_SECRET_KEY or its owner-only key file), so one key file serves both."""
    key = os.environ.get("NTSWATCH_CLIENT_KEY", "").strip()
    if key:
        return key.encode("utf-8")
    from ..sessions import secret_key
    return hashlib.sha256(b"ntswatch client hash\0" + secret_key().encode("utf-8")).digest()


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def client_key(address: str | None) -> str | None:
    """A keyed hash of the client's address (16 hex digits), or None when there is no address or it is this
    machine's: a visitor on localhost, or every visitor when a reverse proxy in front is not named in
    NTSWATCH_TRUSTED_PROXIES — counting them all as one client would hold or refuse the whole public, so
    only the surge and global limits apply to them (docs/security.md)."""
    if not address or address.strip() in LOOPBACK:
        return None
    return hmac.new(_secret(), address.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


class IntakeGuard:
    """The rate limits of layer 1 (one per process, or shared through a `limits` storage URI)."""

    def __init__(self, storage_uri: str | None = None, hold: str = HOLD_LIMITS, refuse: str = REFUSE_LIMITS,
                 global_refuse: str = GLOBAL_REFUSE):
        self.storage = storage_from_string(storage_uri or os.environ.get("NTSWATCH_RATE_LIMIT_STORAGE")
                                           or "memory://")
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.hold, self.refuse = parse_many(hold), parse_many(refuse)
        self.global_refuse = parse_many(global_refuse)
        self._lock = threading.Lock()

    def reset(self) -> None:
        self.storage.reset()

    def _wait(self, item, *ids) -> int:
        reset_at = self.limiter.get_window_stats(item, *ids).reset_time
        return max(1, int(reset_at - time.time() + 0.999))

    def check(self, client: str | None) -> Decision:
        """Count one submission from `client` (a client_key; None = unknown, only the global limits apply)."""
        with self._lock:
            for item in self.global_refuse:
                if not self.limiter.test(item, "all"):
                    return Decision(True, retry_after_s=self._wait(item, "all"))
            if client is not None:
                for item in self.refuse:
                    if not self.limiter.test(item, "client", client):
                        return Decision(True, retry_after_s=self._wait(item, "client", client), flood=True)
                for item in self.refuse:
                    self.limiter.hit(item, "client", client)
            for item in self.global_refuse:
                self.limiter.hit(item, "all")
            reason = None
            if client is not None:
                over = [not self.limiter.hit(item, "hold", client) for item in self.hold]
                if any(over):
                    reason = "client_rate"
            return Decision(False, hold_reason=reason)


ENV_LIMITS = {"hold": "NTSWATCH_RATE_HOLD", "refuse": "NTSWATCH_RATE_REFUSE", "global_refuse": "NTSWATCH_RATE_GLOBAL"}


@lru_cache(maxsize=1)
def default_guard() -> IntakeGuard:
    """The process's guard (the public form's), with the limits of the environment where set."""
    given = {arg: os.environ[var] for arg, var in ENV_LIMITS.items() if os.environ.get(var, "").strip()}
    for arg, text in given.items():
        try:
            parse_many(text)
        except ValueError:
            from ..errors import InputError
            raise InputError(f"{ENV_LIMITS[arg]}={text!r}: not a rate limit; write e.g. "
                             f"'3 per 10 minutes;10 per day'") from None
    return IntakeGuard(**given)


# ------------------------------------------------------------------------ status-page lookups

LOOKUP_LIMITS = "20 per 10 minutes;100 per day"
LOOKUP_GLOBAL = "300 per minute"


class LookupGuard:
    """Rate limits on the public status page (ntswatch_geo.status): reference numbers are sequential, so
    looking them up one after another must be slow. LOOKUP_LIMITS per client key (NTSWATCH_RATE_LOOKUP
    overrides them), LOOKUP_GLOBAL across all visitors (also for those without a key); the same storage
    setting as IntakeGuard."""

    def __init__(self, storage_uri: str | None = None, per_client: str = LOOKUP_LIMITS,
                 global_limit: str = LOOKUP_GLOBAL):
        self.storage = storage_from_string(storage_uri or os.environ.get("NTSWATCH_RATE_LIMIT_STORAGE")
                                           or "memory://")
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.per_client, self.global_limit = parse_many(per_client), parse_many(global_limit)
        self._lock = threading.Lock()

    def reset(self) -> None:
        self.storage.reset()

    def check(self, client: str | None) -> int:
        """Count one lookup from `client` (a client_key or None): 0 when allowed, else seconds to wait."""
        with self._lock:
            keyed = [(item, ("lookup", client)) for item in self.per_client] if client is not None else []
            for item, ids in keyed + [(item, ("lookup", "all")) for item in self.global_limit]:
                if not self.limiter.test(item, *ids):
                    reset_at = self.limiter.get_window_stats(item, *ids).reset_time
                    return max(1, int(reset_at - time.time() + 0.999))
            for item, ids in keyed + [(item, ("lookup", "all")) for item in self.global_limit]:
                self.limiter.hit(item, *ids)
            return 0


@lru_cache(maxsize=1)
def default_lookup_guard() -> LookupGuard:
    """The process's status-page guard, with NTSWATCH_RATE_LOOKUP for the per-client limits where set."""
    text = os.environ.get("NTSWATCH_RATE_LOOKUP", "").strip()
    if text:
        try:
            parse_many(text)
        except ValueError:
            from ..errors import InputError
            raise InputError(f"NTSWATCH_RATE_LOOKUP={text!r}: not a rate limit; write e.g. "
                             f"'20 per 10 minutes;100 per day'") from None
        return LookupGuard(per_client=text)
    return LookupGuard()


# ------------------------------------------------------------------------------------------ layer 2


def _fold(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").casefold()).strip()


def stored_hold_reason(con, *, client: str | None, district: str | None, category: str | None,
                       description: str | None, now: dt.datetime) -> str | None:
    """Layer 2: why this public submission is to be held, judged on what is stored, or None."""
    from ..db import run_query
    client_recent, cell_recent, texts = run_query(con, "intake_guard_recent", {
        "since": now - max(FLOOD_WINDOW, SURGE_WINDOW, NEAR_DUP_WINDOW), "flood_since": now - FLOOD_WINDOW,
        "surge_since": now - SURGE_WINDOW, "client": client, "district": district, "category": category,
        "max_texts": 2000}).fetchone()
    if client is not None and client_recent >= FLOOD_COUNT:
        return "client_flood"
    if district is not None and cell_recent >= SURGE_COUNT:
        return "surge"
    text = _fold(description)
    if texts and len(text) >= NEAR_DUP_MIN_CHARS and len(texts) >= NEAR_DUP_COUNT:
        from rapidfuzz import fuzz, process
        scores = process.cdist([text], [_fold(t) for t in texts], scorer=fuzz.ratio, score_cutoff=NEAR_DUP_RATIO)
        if int((scores[0] > 0).sum()) >= NEAR_DUP_COUNT:
            return "near_duplicate"
    return None


def hold_recent(con, client: str, now: dt.datetime, actor: str = "system:guard") -> int:
    """Hold the client's reports of the last FLOOD_WINDOW that are still 'new' (it crossed REFUSE_LIMITS).
    Runs inside the caller's transaction; returns how many were held (each with an audit event). On
    PostgreSQL, the function ntswatch_hold_recent does it (the public intake's role may not update reports)."""
    from ..pg.gateway import is_pg
    if is_pg(con):
        from ..pg.gateway import call_function
        return int(call_function(con, "ntswatch_hold_recent", client, now - FLOOD_WINDOW, actor, now))
    ids = [r[0] for r in con.execute(
        "SELECT id FROM reports WHERE client_hash = ? AND received_at > ? AND status = 'new' ORDER BY id",
        [client, now - FLOOD_WINDOW]).fetchall()]
    if ids:
        con.execute("UPDATE reports SET status = 'suspected_spam', spam_reason = 'client_flood', version = version + 1 "
                    "WHERE id BETWEEN ? AND ? AND list_contains(?, id) AND status = 'new'", [ids[0], ids[-1], ids])
    if ids:
        con.executemany("INSERT INTO audit_events (report_id, actor, acted_at, action, from_status, to_status, note) "
                        "VALUES (?, ?, ?, 'hold_spam', 'new', 'suspected_spam', 'client_flood')",
                        [(i, actor, now) for i in ids])
    return len(ids)


def submission_size(fields: dict) -> int:
    return sum(len(str(v)) for v in fields.values() if v is not None)


def cut_raw(value):
    """A raw value as kept in quarantine: at most RAW_KEEP_CHARS characters."""
    if isinstance(value, str) and len(value) > RAW_KEEP_CHARS:
        return value[:RAW_KEEP_CHARS] + f"…[{len(value):,} characters, cut]"
    return value
