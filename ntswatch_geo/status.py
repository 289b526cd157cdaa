"""The public status of a report, looked up by its reference number (the status page; no sign-in).

A reference number is all a visitor needs, and reference numbers are sequential (NTS-2569-000123 is followed
by NTS-2569-000124), so the answer must be safe for *anyone* holding one — the reporter, or a person the
report is about who found the receipt. The answer is the date the report was received and one of four
public states, nothing else: no description, place, district, contact, officer or agency.

=================  =====================================================================================
stored status      public state
=================  =====================================================================================
new                received — waiting for a district officer
suspected_spam     received (a held submission looks exactly like a new one: a spammer learns nothing)
verified           verified by the district centre
forwarded          forwarded to the responsible agency (which one is not said: naming the ONCB or the
                   immigration bureau to whoever holds the number could warn the people reported)
rejected, spam     closed
duplicate          the state of the report it was merged into (received when that one is held)
=================  =====================================================================================

Lookups are rate-limited per client (reports.guard.LookupGuard: LOOKUP_LIMITS per client key and a global
cap), counted before the reference is even read, so guessing numbers in a row is slowed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .db import run_query
from .reports import guard as gd
from .reports.normalise import thai_digits

PUBLIC_STATES = ("received", "verified", "forwarded", "closed")
PUBLIC_STATE = {"new": "received", "suspected_spam": "received", "verified": "verified",
                "forwarded": "forwarded", "rejected": "closed", "spam": "closed"}
PROBLEMS = ("malformed", "unknown", "rate_limited")
EXAMPLE = "NTS-2569-000123"
_RX_REF = re.compile(r"^NTS[-\s]*(?P<year>\d{4})[-\s]*(?P<num>\d{1,9})$")


@dataclass(frozen=True)
class StatusAnswer:
    """What the status page may show: a state and the received date, or a problem code (PROBLEMS)."""

    ref_no: str | None = None
    received_on: dt.date | None = None
    state: str | None = None            # one of PUBLIC_STATES
    problem: str | None = None          # one of PROBLEMS
    retry_after_s: int = 0              # rate_limited: seconds until the next lookup is allowed

    @property
    def ok(self) -> bool:
        return self.problem is None


def canonical_ref(text: str | None) -> str | None:
    """'NTS-2569-000123' from what a visitor typed (any case, Thai digits, spaces or missing dashes, fewer
    leading zeros), or None when it is not a reference number."""
    if not text:
        return None
    s = thai_digits(str(text)).strip().upper().replace("–", "-").replace("—", "-")
    m = _RX_REF.match(s)
    if not m:
        return None
    return f"NTS-{m['year']}-{int(m['num']):06d}"


def public_state(status: str, original_status: str | None = None) -> str:
    """The public state of a stored status (see the module docstring)."""
    if status == "duplicate":
        return PUBLIC_STATE.get(original_status or "", "received")
    return PUBLIC_STATE.get(status, "received")


def lookup(con, text: str | None, *, client: str | None = None,
           guard: gd.LookupGuard | None = None) -> StatusAnswer:
    """The public status of the report whose reference number is `text`.

    `client` is the visitor's address (only its keyed hash is used, for the rate limit); `guard` the lookup
    limits (None = this process's). Every call counts, a malformed one too."""
    wait = (guard or gd.default_lookup_guard()).check(gd.client_key(client))
    if wait:
        return StatusAnswer(problem="rate_limited", retry_after_s=wait)
    ref = canonical_ref(text)
    if ref is None:
        return StatusAnswer(problem="malformed")
    row = run_query(con, "report_status", {"ref_no": ref}).fetchone()
    if row is None:
        return StatusAnswer(ref_no=ref, problem="unknown")
    received_on, status, original = row
    return StatusAnswer(ref_no=ref, received_on=received_on, state=public_state(status, original))
