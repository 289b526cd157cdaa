"""The verification queue: district officers decide on new reports; every decision is audited.

Transitions (anything else is refused with a message):

| action    | from            | to         | needs                       |
|-----------|-----------------|------------|-----------------------------|
| verify    | new             | verified   |                             |
| reject    | new, verified   | rejected   | a reason (note)             |
| duplicate | new, verified   | duplicate  | the id or ref_no of another report in scope |
| forward   | new, verified   | forwarded  | an agency (taxonomy.AGENCIES) |
| release   | suspected_spam  | new        | (genuine: it enters the queue; 'duplicate' when it repeats one) |
| confirm_spam | suspected_spam | spam     | (held for good: in no statistic) |

Optimistic concurrency: the caller passes the report's `version` as it saw it; the update only applies while
the version is unchanged (and the report is inside the viewer's scope), so two officers cannot both act on the
same report unknowingly — the second gets a conflict and reloads.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from . import audit
from .db import Rollback, is_conflict, run_query, transaction, updated_rows
from .scope import Scope
from .reports.normalise import clean_text, thai_digits
from .reports.places import strip_prefix
from .taxonomy import AGENCIES

ACTIONS = {
    "verify": ({"new"}, "verified"),
    "reject": ({"new", "verified"}, "rejected"),
    "duplicate": ({"new", "verified"}, "duplicate"),
    "forward": ({"new", "verified"}, "forwarded"),
    "release": ({"suspected_spam"}, "new"),
    "confirm_spam": ({"suspected_spam"}, "spam"),
}
QUEUE_ROLES = ("district_officer", "admin")
CONTACT_COLUMNS = ["contact_name", "contact_phone", "contact_consent"]


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    code: str          # ok | conflict | not_found | not_allowed | bad_transition | missing_reason | bad_agency | bad_duplicate
    new_status: str | None = None
    new_version: int | None = None


def can_use_queue(scope: Scope) -> bool:
    return scope.role in QUEUE_ROLES


@dataclass(frozen=True)
class QueueSearch:
    """What an officer looks for in the queue; every part is optional and they combine (AND).

    ref: a reference number, whole or part ("NTS-2569-000215", "0215", "nts 2569"; dashes, spaces, case and Thai
    digits do not matter); district: a 4-digit code or part of the Thai or English name ("อ.อรัญประเทศ",
    "aranya"); date_from / date_to: the day of the incident, inclusive (swapped if given the wrong way round);
    text: words in the description or the place (%, _ and \\ are literal).
    """
    ref: str | None = None
    district: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str | None = None

    def cleaned(self) -> "QueueSearch":
        """The same search with text trimmed (empty = absent) and the dates in order."""
        lo, hi = self.date_from, self.date_to
        if lo and hi and lo > hi:
            lo, hi = hi, lo
        return QueueSearch(_clean(self.ref), _clean(self.district), lo, hi, _clean(self.text))

    @property
    def empty(self) -> bool:
        c = self.cleaned()
        return not (c.ref or c.district or c.date_from or c.date_to or c.text)


def _clean(value) -> str | None:
    text = clean_text(value)
    return thai_digits(text) if text else None


def like_pattern(text: str) -> str:
    """`text` as an ILIKE 'contains' pattern with '\\' as the escape: %, _ and \\ typed by a user are literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_params(search: QueueSearch | None) -> dict:
    s = (search or QueueSearch()).cleaned()
    ref = re.sub(r"[\s\-]+", "", s.ref).upper() if s.ref else None
    code = s.district if s.district and re.fullmatch(r"\d{4}", s.district) else None
    name = strip_prefix(s.district) if s.district and not code else None
    return {"ref_pattern": like_pattern(ref) if ref else None,
            "district_code": code, "district_pattern": like_pattern(name) if name else None,
            "date_from": s.date_from, "date_to": s.date_to,
            "text_pattern": like_pattern(s.text) if s.text else None}


def queue(con, scope: Scope, statuses=("new",), page_size: int = 200, newest_first: bool = False, *,
          page: int = 1, search: QueueSearch | None = None, limit: int | None = None) -> pd.DataFrame:
    """One page of the reports in the viewer's scope with one of `statuses` that match `search`, oldest first
    (newest first when asked: decided reports, looked up to redact them); contact details only where allowed.

    The scope is always applied and a search only narrows it. `page` counts from 1; a page past the last gives
    the last page. `df.attrs` holds total (all that match, on every page), page (the page returned), page_size
    and pages. `limit` is the former name of `page_size`.
    """
    if not can_use_queue(scope):
        raise PermissionError(f"role {scope.role!r} has no verification queue; allowed: {', '.join(QUEUE_ROLES)}")
    size = max(1, int(limit if limit is not None else page_size))
    df = run_query(con, "verification_queue", {
        "statuses": list(statuses), "page": max(1, int(page)), "page_size": size, "newest_first": newest_first,
        **_search_params(search), **scope.sql_params()}).df()
    total = int(df["total"].iloc[0]) if len(df) else 0
    shown = int(df["page_no"].iloc[0]) if len(df) else 1
    df = df.drop(columns=["total", "page_no"])
    if not scope.sees_contacts:
        df = df.drop(columns=CONTACT_COLUMNS)
    df.attrs.update(total=total, page=shown, page_size=size, pages=max(1, -(-total // size)))
    return df


def history_labelled(hist: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The trail as a reader sees it: actions, statuses and agencies as labels in `lang`, "–" for nothing."""
    from .audit import label as action_label
    from .i18n import label

    out = hist.copy()
    out["action"] = out["action"].map(lambda a: action_label(a, lang))
    for col in ("from_status", "to_status"):
        out[col] = out[col].map(lambda s: label("status", s, lang) if isinstance(s, str) else "–")
    if "agency" in out:
        out["agency"] = out["agency"].map(lambda a: AGENCIES[a][0 if lang == "th" else 1] if a in AGENCIES else "–")
    if "duplicate_of" in out:
        out["duplicate_of"] = out["duplicate_of"].map(lambda d: "–" if pd.isna(d) else str(int(d)))
    for col in ("actor", "note"):
        if col in out:
            out[col] = out[col].fillna("–")
    return out


def history(con, report_id: int) -> pd.DataFrame:
    """The audit events of one report, oldest first."""
    return run_query(con, "report_history", {"report_id": int(report_id)}).df()


def _resolve_duplicate(con, ref: str | int | None, report_id: int, scope: Scope) -> int | None:
    if ref is None or str(ref).strip() == "":
        return None
    ref = str(ref).strip()
    row = con.execute(
        """SELECT id FROM reports WHERE (CAST(id AS VARCHAR) = ? OR ref_no = ?) AND id <> ?
           AND (? IS NULL OR province_code = ?) AND (? IS NULL OR district_code = ?)""",
        [ref, ref, report_id, scope.province_code, scope.province_code, scope.district_code, scope.district_code],
    ).fetchone()
    return int(row[0]) if row else None


def act(con, scope: Scope, report_id: int, action: str, expected_version: int, note: str | None = None,
        agency: str | None = None, duplicate_of: str | int | None = None) -> ActionResult:
    """Apply one decision to one report in one transaction, with its audit event."""
    if not can_use_queue(scope):
        return ActionResult(False, "not_allowed")
    if action not in ACTIONS:
        return ActionResult(False, "bad_transition")
    allowed_from, to_status = ACTIONS[action]
    note = (note or "").strip()[:2000] or None
    if action == "reject" and not note:
        return ActionResult(False, "missing_reason")
    if action == "forward" and agency not in AGENCIES:
        return ActionResult(False, "bad_agency")
    dup_id = None
    if action == "duplicate":
        dup_id = _resolve_duplicate(con, duplicate_of, report_id, scope)
        if dup_id is None:
            return ActionResult(False, "bad_duplicate")

    now = audit.now_local()

    def work():
        row = con.execute(
            """SELECT status, version, duplicate_of FROM reports WHERE id = ?
               AND (? IS NULL OR province_code = ?) AND (? IS NULL OR district_code = ?)""",
            [report_id, scope.province_code, scope.province_code, scope.district_code, scope.district_code],
        ).fetchone()
        if row is None:
            raise Rollback(ActionResult(False, "not_found"))
        status, version, flagged_dup = row
        target = to_status
        if action == "release" and flagged_dup is not None:
            target = "duplicate"           # a held submission that also repeats a report: released as what it is
        if version != expected_version:
            raise Rollback(ActionResult(False, "conflict", status, version))
        if status not in allowed_from:
            raise Rollback(ActionResult(False, "bad_transition", status, version))
        updated = con.execute(
            """UPDATE reports SET status = ?, version = version + 1,
                   verified_at = CASE WHEN ? IN ('verified', 'forwarded') THEN coalesce(verified_at, ?::TIMESTAMP)
                                      ELSE verified_at END,
                   forwarded_to = CASE WHEN ? = 'forwarded' THEN ? ELSE forwarded_to END,
                   duplicate_of = coalesce(?, duplicate_of)
               WHERE id = ? AND version = ?""",
            [target, target, now, target, agency, dup_id, report_id, expected_version],
        )
        if not updated_rows(updated):
            raise Rollback(ActionResult(False, "conflict"))
        con.execute(
            """INSERT INTO audit_events (report_id, actor, acted_at, action, from_status, to_status, note, agency,
                                         duplicate_of)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [report_id, scope.username or scope.role, now, action, status, target, note,
             agency if action == "forward" else None, dup_id],
        )
        return ActionResult(True, "ok", target, int(expected_version) + 1)

    try:
        return transaction(con, work)
    except Exception as exc:
        if is_conflict(exc):
            return ActionResult(False, "conflict")
        raise
