"""The one path every report takes: validate → normalise → locate → dedupe → store.

`submit_report` (the public and office forms) and `importer.import_file` (CSV/XLSX/GeoJSON) both run
`validate.prepare` on a frame of raw fields — one row for a form, a whole file for an import — and
`storage.store` the result inside one transaction (`storage.in_transaction`, which retries DuckDB conflicts).
The rules for fields, location, scope, text, contacts and time are in `validate`; those for duplicates,
reference numbers, quarantine and concurrency in `storage`.

The names other modules import from here (`FIELDS`, `prepare`, `store`, the limits …) are re-exported.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..scope import Scope
from . import guard as gd
from .storage import (DUPLICATE_RADIUS_M, MAX_ATTEMPTS, WITHHELD, Stored, in_transaction, redacted_raw,
                      ref_no, store)
from .validate import (CONTACT_FIELDS, DESCRIPTION_LIMIT, FIELDS, FORM_FIELDS, TEXT_LIMIT, TZ, Context,
                       FieldError, Prepared, bangkok_now, make_context, prepare)

__all__ = ["CONTACT_FIELDS", "DESCRIPTION_LIMIT", "DUPLICATE_RADIUS_M", "FIELDS", "FORM_FIELDS", "MAX_ATTEMPTS",
           "SOURCES", "TEXT_LIMIT", "TZ", "WITHHELD", "Context", "FieldError", "Prepared", "Stored",
           "SubmitResult", "bangkok_now", "in_transaction", "make_context", "prepare", "ref_no", "store",
           "submit_report"]

SOURCES = {"online": "web", "mwcc_office": "mwcc"}


@dataclass(frozen=True)
class SubmitResult:
    """The outcome of one submission. On failure nothing is in `reports`; the submission is in quarantine."""

    ok: bool
    report_id: int | None
    ref_no: str | None
    errors: tuple[FieldError, ...]
    duplicate_of: int | None
    warnings: tuple[FieldError, ...] = ()
    retry_after_s: int = 0             # refused by the public form's rate limit: seconds to wait


def submit_report(con, fields: dict, *, channel: str, actor: str, now: dt.datetime | None = None,
                  scope: Scope | None = None, client: str | None = None,
                  guard: gd.IntakeGuard | None | bool = None) -> SubmitResult:
    """Validate, normalise, locate, dedupe and store one report from a form.

    `fields` holds what the person typed or picked (keys in FORM_FIELDS; values text, dates, numbers,
    booleans or None). `channel` is 'online', 'mwcc_office' or 'import'. On success the report is stored with
    status 'new' (or 'duplicate' with duplicate_of set), a ref_no and a 'created' audit event by `actor`. On
    failure nothing goes into `reports`; the submission goes into `quarantine` (batch_id NULL) and the errors
    name the field and the reason in Thai and English. Runs its own transaction on `con`. scope: the
    writer's (the office form passes the officer's); a report located outside it is refused ('outside_scope',
    quarantined like any other failure).

    The public form (channel 'online') is guarded (reports.guard): `client` is the sender's address (only
    its keyed hash is stored), `guard` the rate limits (None = this process's; False = none, for benchmarks).
    Beyond the limits a submission is refused with `retry_after_s` and nothing stored ('rate_limited'), or
    stored but held as 'suspected_spam' — the caller cannot tell, and neither can the sender: both get a
    reference number. A submission over guard.MAX_SUBMISSION_CHARS is refused ('too_large'), nothing stored.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed {', '.join(FORM_FIELDS)}")
    size = gd.submission_size(fields)
    if size > gd.MAX_SUBMISSION_CHARS:
        return _refused("too_large", f"{size:,} characters",
                        f"the submission is {size:,} characters long; at most {gd.MAX_SUBMISSION_CHARS:,} are accepted",
                        f"ข้อมูลที่ส่งยาว {size:,} ตัวอักษร รับได้ไม่เกิน {gd.MAX_SUBMISSION_CHARS:,} ตัวอักษร")
    ctx = make_context(con, channel, now, scope)
    guarded = channel == "online" and guard is not False
    key = gd.client_key(client) if guarded else None
    decision = (guard or gd.default_guard()).check(key) if guarded else gd.Decision(False)
    if decision.refused:
        if decision.flood and key is not None:     # the client's recent reports are held with it
            in_transaction(con, lambda: gd.hold_recent(con, key, ctx.now))
        return _throttled(decision.retry_after_s)
    prep = prepare(_one_row(fields), ctx)
    raw = {k: gd.cut_raw(v) for k, v in redacted_raw(fields, bool(prep.consent[0])).items()}

    def work():
        hold = decision.hold_reason
        if guarded and hold is None and prep.ok[0]:
            row = prep.table.slice(0, 1).to_pylist()[0]
            hold = gd.stored_hold_reason(con, client=key, district=row["district_code"], category=row["category"],
                                         description=row["description"], now=ctx.now)
        return store(con, prep, channel=channel, actor=actor, now=ctx.now, source=SOURCES.get(channel, "import:form"),
                     raw_rows=lambda pos: [raw], client_hash=key, spam_reason=hold)

    stored = in_transaction(con, work)
    return _result(prep, stored, ctx.now)


def _refused(code: str, value: str, en: str, th: str, retry_after_s: int = 0) -> SubmitResult:
    return SubmitResult(False, None, None, (FieldError("submission", code, value, th, en),), None,
                        retry_after_s=retry_after_s)


def _throttled(seconds: int) -> SubmitResult:
    minutes = max(1, -(-seconds // 60))
    wait_en = f"{seconds} seconds" if seconds < 120 else f"about {minutes} minutes"
    wait_th = f"{seconds} วินาที" if seconds < 120 else f"ประมาณ {minutes} นาที"
    return _refused(
        "rate_limited", f"{seconds} s",
        f"Too many reports were sent from this connection in a short time. Please wait {wait_en} and send again: "
        "what you typed is kept on this page. This form is not an emergency line: in an emergency call "
        "191 (police) or 1300 (social assistance, trafficking victims).",
        f"มีการส่งรายงานจากการเชื่อมต่อนี้ถี่เกินไป กรุณารอ{wait_th}แล้วส่งอีกครั้ง ข้อมูลที่กรอกไว้ยังอยู่ในหน้านี้ "
        "แบบฟอร์มนี้ไม่ใช่สายด่วนเหตุฉุกเฉิน หากเป็นเหตุฉุกเฉิน โทร 191 (ตำรวจ) หรือ 1300 "
        "(ศูนย์ช่วยเหลือสังคม ผู้เสียหายจากการค้ามนุษย์)", seconds)


def _one_row(fields: dict) -> pd.DataFrame:
    """The form's fields as a one-row frame for `prepare`."""
    frame = pd.DataFrame({k: pd.Series([fields.get(k)], dtype=object) for k in FIELDS if k in fields})
    return frame if frame.shape[0] else pd.DataFrame(index=[0])


def _result(prep: Prepared, stored: Stored, now: dt.datetime) -> SubmitResult:
    warnings = prep.warnings_of(0)
    if not prep.ok[0]:
        return SubmitResult(False, None, None, prep.errors_of(0), None, warnings)
    rid = int(stored.ids[0])
    dup = int(stored.duplicate_of[0]) if stored.duplicate_of[0] >= 0 else None
    return SubmitResult(True, rid, ref_no(rid, now), (), dup, warnings)
