"""Informants' personal data: redaction on request, the retention purge, and the record of who saw contacts.

Where a report's personal data lives
------------------------------------
contact_name, contact_phone, description and place_text of a stored report live in `reports` only. The raw
rows kept in `quarantine` are rows that were refused (never a stored report: a form submission or an import
row is either stored or quarantined), so there is no raw copy of a stored report to redact; quarantine rows
are deleted by the retention purge instead. The report trail (`audit_events`) holds decisions and location
warnings, never contact details or the description. Copies outside the database — exports someone
downloaded, PDF briefings, backups, `<db>.before-restore-*` files — are out of reach; the audit trail records
who exported and who viewed contacts. DuckDB does not overwrite freed space in its file, so a redacted
value may linger in the live file's free blocks until they are reused; `ntswatch backup` writes a fresh
file (COPY FROM DATABASE) that holds none, so a backup and restore compacts it away.

Redaction (`redact`)
--------------------
An admin (any report) or the district officer of the report's own district, with a reason, per report,
version-checked like the verification queue, in one transaction with its `redact` audit entry (which names
the fields, never their values). contact_name and contact_phone become NULL; description and place_text
become `REDACTED_TEXT`, a fixed bilingual marker, so every page shows that text was there and was removed.
The report keeps everything else (category, date, district, status) and still counts in the statistics.

Retention (`purge`, `ntswatch purge`)
-------------------------------------
Contacts are cleared from reports received more than `contact_days` ago (config.retention(), default 365)
**once they are decided**: a report still `new`, `verified` (it can still be forwarded) or held as
`suspected_spam` keeps its contacts, because the officer who decides may still need to call the informant;
`purge` counts those as `contacts_kept_open` so the backlog is visible. Quarantine rows created more than
`quarantine_days` ago (default 90) are deleted (their reasons name the rejected values, so clearing only
raw_json would not do). One `purge` audit entry with the counts per run; a second run at the same time
changes nothing (idempotent); `dry_run` counts without changing anything and records nothing.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from . import audit
from .config import retention
from .db import Rollback, is_conflict, run_query, transaction, updated_rows
from .scope import Scope

REDACTABLE = ("contact_name", "contact_phone", "description", "place_text")
DEFAULT_FIELDS = ("contact_name", "contact_phone", "description")
CONTACT_FIELDS = ("contact_name", "contact_phone")
REDACTED_TEXT = "[ลบข้อมูลแล้ว · redacted]"
REDACT_ROLES = ("admin", "district_officer")
OPEN_STATUSES = ("new", "verified", "suspected_spam")
REASON_LIMIT = 500


@dataclass(frozen=True)
class RedactResult:
    ok: bool
    # ok | not_allowed | outside_scope | not_found | conflict | missing_reason | bad_field | nothing_to_redact
    code: str
    fields: tuple[str, ...] = ()
    new_version: int | None = None


def can_redact(scope: Scope) -> bool:
    """Admins, and district officers who have a district."""
    return scope.role == "admin" or (scope.role == "district_officer" and bool(scope.district_code))


def _present(value) -> bool:
    return value is not None and value != REDACTED_TEXT


def redact(con, report_id: int, *, version: int, reason: str | None, scope: Scope,
           fields: tuple[str, ...] | list[str] = DEFAULT_FIELDS, client: str | None = None,
           now: dt.datetime | None = None) -> RedactResult:
    """Remove personal data from one report, with who, when and why, in one transaction (see the module).

    `version` is the report's version as the caller saw it: a report changed since is a 'conflict'.
    Fields already empty or redacted are left; when none of `fields` holds anything: 'nothing_to_redact'.
    """
    if not can_redact(scope):
        return RedactResult(False, "not_allowed")
    fields = tuple(dict.fromkeys(fields or ()))
    if not fields or any(f not in REDACTABLE for f in fields):
        return RedactResult(False, "bad_field")
    reason = (reason or "").strip()[:REASON_LIMIT]
    if not reason:
        return RedactResult(False, "missing_reason")
    at = now or audit.now_local()
    actor = scope.username or scope.role
    cols = ", ".join(REDACTABLE)

    def work():
        row = con.execute(f"SELECT district_code, version, redacted_fields, {cols} FROM reports WHERE id = ?",
                          [int(report_id)]).fetchone()
        if row is None:
            raise Rollback(RedactResult(False, "not_found"))
        district, current, earlier = row[0], row[1], row[2]
        values = dict(zip(REDACTABLE, row[3:]))
        if scope.role != "admin" and district != scope.district_code:
            raise Rollback(RedactResult(False, "outside_scope"))
        if current != version:
            raise Rollback(RedactResult(False, "conflict", new_version=current))
        todo = tuple(f for f in fields if _present(values[f]))
        if not todo:
            raise Rollback(RedactResult(False, "nothing_to_redact", new_version=current))
        sets = ", ".join(f"{f} = {'NULL' if f in CONTACT_FIELDS else '?'}" for f in todo)
        texts = [REDACTED_TEXT for f in todo if f not in CONTACT_FIELDS]
        done = sorted(set(json.loads(earlier) if earlier else []) | set(todo))
        updated = con.execute(
            f"UPDATE reports SET {sets}, redacted_at = ?, redacted_by = ?, redaction_reason = ?, "
            "redacted_fields = ?, version = version + 1 WHERE id = ? AND version = ?",
            [*texts, at, actor, reason, json.dumps(done), int(report_id), int(version)])
        if not updated_rows(updated):
            raise Rollback(RedactResult(False, "conflict"))
        audit.record(con, "redact", actor=actor, role=scope.role, client=client, object_type="report",
                     object_id=int(report_id), detail={"fields": list(todo), "reason": reason}, at=at)
        return RedactResult(True, "ok", todo, int(version) + 1)

    try:
        return transaction(con, work)
    except Exception as exc:
        if is_conflict(exc):
            return RedactResult(False, "conflict")
        raise


def redaction(con, report_id: int) -> dict | None:
    """When, by whom and why the report was redacted, and which fields; None when it never was."""
    row = con.execute("SELECT redacted_at, redacted_by, redaction_reason, redacted_fields FROM reports "
                      "WHERE id = ? AND redacted_at IS NOT NULL", [int(report_id)]).fetchone()
    if row is None:
        return None
    return {"at": row[0], "by": row[1], "reason": row[2], "fields": json.loads(row[3]) if row[3] else []}


def record_contact_view(con, scope: Scope, report_ids, *, client: str | None = None,
                        fields=CONTACT_FIELDS) -> int:
    """One `view_contact` audit entry per report whose contact details were shown; returns how many."""
    ids = [int(i) for i in dict.fromkeys(report_ids)]
    for rid in ids:
        audit.record(con, "view_contact", actor=scope.username or scope.role, role=scope.role, client=client,
                     object_type="report", object_id=rid, detail={"fields": list(fields)})
    return len(ids)


# ------------------------------------------------------------------------------------------------ purge


@dataclass(frozen=True)
class PurgeResult:
    contacts_cleared: int          # reports whose contact_name/contact_phone were (or would be) cleared
    contacts_kept_open: int        # reports older than the limit still holding contacts because still open
    quarantine_deleted: int        # quarantine rows deleted (or that would be)
    contact_cutoff: dt.datetime    # received before this → contacts cleared (when decided)
    quarantine_cutoff: dt.datetime
    dry_run: bool


def purge(con, now: dt.datetime | None = None, contact_days: int | None = None,
          quarantine_days: int | None = None, *, dry_run: bool = False, actor: str = "system",
          role: str | None = None) -> PurgeResult:
    """Apply the retention rule (see the module) in one transaction with one `purge` audit entry.

    `now` (Thailand local time, naive) is the clock; the periods default to config.retention().
    """
    if contact_days is None or quarantine_days is None:
        r = retention()
        contact_days = r.contact_days if contact_days is None else contact_days
        quarantine_days = r.quarantine_days if quarantine_days is None else quarantine_days
    if contact_days < 1 or quarantine_days < 1:
        raise ValueError(f"retention periods must be at least one day: {contact_days}, {quarantine_days}")
    at = now or audit.now_local()
    params = {"contact_cutoff": at - dt.timedelta(days=int(contact_days)),
              "quarantine_cutoff": at - dt.timedelta(days=int(quarantine_days)),
              "open_statuses": list(OPEN_STATUSES), "now": at}

    def counts():
        return run_query(con, "privacy_purge_candidates", params).fetchone()

    def result(cleared, kept, deleted):
        return PurgeResult(int(cleared), int(kept), int(deleted), params["contact_cutoff"],
                           params["quarantine_cutoff"], dry_run)

    if dry_run:
        return result(*counts())

    def work():
        _, kept, _ = counts()
        cleared = updated_rows(run_query(con, "privacy_purge_contacts", params))
        deleted = updated_rows(run_query(con, "privacy_purge_quarantine", params))
        res = result(cleared, kept, deleted)
        audit.record(con, "purge", actor=actor, role=role, object_type="database", at=at, detail={
            "contacts_cleared": res.contacts_cleared, "contacts_kept_open": res.contacts_kept_open,
            "quarantine_deleted": res.quarantine_deleted, "contact_days": int(contact_days),
            "quarantine_days": int(quarantine_days)})
        return res

    return transaction(con, work, attempts=3)
