"""Failed sign-ins, counted in the database (table sign_in_counters, migration 009), so a restart forgets none.

Three counters answer three attacks without locking the real person out from their own address:

| counter               | limit                                 | then                                          |
|-----------------------|---------------------------------------|-----------------------------------------------|
| username + client     | 5 failures in a row (forgotten 15 min | that pair is locked 60 s, doubling with each  |
|                       | after the last)                       | further lock (at most 1 h); a success resets  |
| client (all names)    | 20 failures within an hour            | the client is locked 5 min, doubling (≤ 1 h)  |
| username (all clients)| 50 failures within an hour            | every further failure locks the name 30 s     |

Someone guessing from one address locks that address (for that name, then for every name), never the
account elsewhere: the real admin signs in from their own address. Guessing one name from many addresses is
slowed to one guess per 30 s for that name (the real user may have to wait that long too). A locked attempt
is refused without checking the password and is not counted again. The client is the address Streamlit sees
(behind a reverse proxy: the forwarded address, only when the proxy is configured as trusted; see
ntswatch_geo/ui/session.py client_address).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from .db import updated_rows

PAIR_MAX, PAIR_MEMORY = 5, dt.timedelta(minutes=15)
PAIR_LOCK, PAIR_LOCK_MAX = dt.timedelta(seconds=60), dt.timedelta(hours=1)
CLIENT_MAX, CLIENT_WINDOW = 20, dt.timedelta(hours=1)
CLIENT_LOCK, CLIENT_LOCK_MAX = dt.timedelta(minutes=5), dt.timedelta(hours=1)
USER_SLOW_AFTER, USER_WINDOW, USER_DELAY = 50, dt.timedelta(hours=1), dt.timedelta(seconds=30)
FORGET_AFTER = dt.timedelta(days=1)   # counters with no failure and no lock for this long are deleted


@dataclass(frozen=True)
class Limits:
    pair_max: int = PAIR_MAX
    pair_lock: dt.timedelta = PAIR_LOCK
    client_max: int = CLIENT_MAX
    client_lock: dt.timedelta = CLIENT_LOCK
    user_slow_after: int = USER_SLOW_AFTER
    user_delay: dt.timedelta = USER_DELAY


LOCAL = "127.0.0.1"


def client_address(peer: str | None, forwarded_for: str | None = None, trusted: list[str] | tuple = ()) -> str:
    """The address to count a sign-in against.

    `peer` is the connection's address (Streamlit reports this machine as None: 127.0.0.1). Only when `peer`
    is a trusted proxy (NTSWATCH_TRUSTED_PROXIES) is X-Forwarded-For used: its right-most address that is
    not itself a trusted proxy (the left-most entries are whatever the client chose to send).
    """
    peer = (peer or LOCAL).strip()
    if peer not in trusted or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop[:64]
    return peer


def locked_for(con, username: str, client: str, now: dt.datetime) -> int:
    """Seconds the next attempt for (username, client) must wait; 0 when it may go ahead."""
    rows = con.execute(
        "SELECT max(locked_until) FROM sign_in_counters WHERE (kind, key) IN (SELECT * FROM (VALUES "
        "('pair', ?), ('client', ?), ('user', ?))) AND locked_until > ?",
        [f"{username} {client}", client, username, now]).fetchone()
    until = rows[0] if rows else None
    return max(1, math.ceil((until - now).total_seconds())) if until else 0


def _get(con, kind: str, key: str):
    return con.execute("SELECT failures, window_start, last_failure, locked_until, locks FROM sign_in_counters "
                       "WHERE kind = ? AND key = ?", [kind, key]).fetchone()


def _put(con, kind, key, failures, window_start, last_failure, locked_until, locks) -> None:
    # update, else insert (no ON CONFLICT ... DO UPDATE: the postgres extension has none); two first failures
    # at once make the second insert fail on the key, a conflict the caller's transaction retries
    changed = updated_rows(con.execute(
        "UPDATE sign_in_counters SET failures = ?, window_start = ?, last_failure = ?, locked_until = ?, locks = ? "
        "WHERE kind = ? AND key = ?", [failures, window_start, last_failure, locked_until, locks, kind, key]))
    if not changed:
        con.execute("INSERT INTO sign_in_counters (kind, key, failures, window_start, last_failure, locked_until, "
                    "locks) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [kind, key, failures, window_start, last_failure, locked_until, locks])


def _doubling(base: dt.timedelta, locks: int, cap: dt.timedelta) -> dt.timedelta:
    return min(base * 2 ** min(locks, 20), cap)


def _restarted(con, kind: str, key: str, now: dt.datetime, window: dt.timedelta, from_last: bool):
    """(failures counting this one, window start, locks) of one counter; the count starts again once `window`
    has passed since the last failure (from_last) or since the window's start, the locks after FORGET_AFTER."""
    row = _get(con, kind, key)
    failures, start, locks = 0, now, 0
    if row:
        failures, start, last, _, locks = row
        if now - (last if from_last else start) > window:
            failures, start = 0, now
        if now - last > FORGET_AFTER:
            locks = 0
    return failures + 1, start, locks


def _count_and_lock(con, kind: str, key: str, now: dt.datetime, window: dt.timedelta, from_last: bool,
                    max_failures: int, base: dt.timedelta, cap: dt.timedelta) -> dt.timedelta:
    """Count one failure on a doubling counter (pair, client); returns the lock it starts (0 for none)."""
    failures, start, locks = _restarted(con, kind, key, now, window, from_last)
    until, span = None, dt.timedelta(0)
    if failures >= max_failures:
        span = _doubling(base, locks, cap)
        until, locks, failures, start = now + span, locks + 1, 0, now
    _put(con, kind, key, failures, start, now, until, locks)
    return span


def record_failure(con, username: str, client: str, now: dt.datetime, limits: Limits = Limits()) -> int:
    """Count one failed sign-in; returns the seconds of the lock it starts (0: no lock). Call inside a
    transaction (the three counters change together)."""
    # (username, client): consecutive failures; the client, across usernames, within CLIENT_WINDOW
    wait = max(_count_and_lock(con, "pair", f"{username} {client}", now, PAIR_MEMORY, True,
                               limits.pair_max, limits.pair_lock, PAIR_LOCK_MAX),
               _count_and_lock(con, "client", client, now, CLIENT_WINDOW, False,
                               limits.client_max, limits.client_lock, CLIENT_LOCK_MAX))
    # the username, across clients: past user_slow_after in USER_WINDOW, every failure waits user_delay
    failures, start, locks = _restarted(con, "user", username, now, USER_WINDOW, False)
    until = None
    if failures > limits.user_slow_after:
        until, locks = now + limits.user_delay, locks + 1
        wait = max(wait, limits.user_delay)
    _put(con, "user", username, failures, start, now, until, locks)
    return math.ceil(wait.total_seconds())


def record_success(con, username: str, client: str, now: dt.datetime) -> None:
    """A right password (and code): the (username, client) pair starts again from zero."""
    con.execute("DELETE FROM sign_in_counters WHERE kind = 'pair' AND key = ?", [f"{username} {client}"])
    con.execute("DELETE FROM sign_in_counters WHERE last_failure < ? AND coalesce(locked_until, last_failure) < ?",
                [now - FORGET_AFTER, now])


def counters(con) -> list[tuple]:
    """All counters (kind, key, failures, locked_until, locks), for the admin and tests."""
    return con.execute("SELECT kind, key, failures, locked_until, locks FROM sign_in_counters "
                       "ORDER BY kind, key").fetchall()
