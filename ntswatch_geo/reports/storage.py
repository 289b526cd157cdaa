"""Storage: a `Prepared` batch into reports (with audit events and duplicate flags) and quarantine.

Rules
-----
* **Duplicates.** A new report is a likely duplicate of an earlier one (lower id: earlier in the same batch,
  or already stored) when both have the same category and occurred_date and either both are points at most
  `DUPLICATE_RADIUS_M` (250 m) apart, or either has precision 'district' and both are in the same district.
  Rejected and synthetic reports are not compared against. A duplicate is stored (never dropped) with
  status 'duplicate' and duplicate_of = the lowest matching id.
* **Reference numbers.** `ref_no` = "NTS-" + Buddhist-era year of received_at + "-" + the report id
  zero-padded to at least 6 digits, e.g. NTS-2569-000123. Unique because the id is.
* **Quarantine.** Refused rows are kept with their reasons; contact details given without consent are
  replaced by `WITHHELD` in the raw row kept (`redacted_raw`).
* **Concurrency.** Each intake write is one short transaction on the connection it is given (threads each
  pass their own `con.cursor()`); `in_transaction` retries a DuckDB transaction conflict up to
  `MAX_ATTEMPTS` times with a short random back-off (`db.transaction`).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..db import next_ids, run_query, transaction
from . import normalise as nz
from .validate import CONTACT_FIELDS, Prepared

DUPLICATE_RADIUS_M = 250.0
DUPLICATE_CELL_DEG = 0.0025        # ≥ 250 m in latitude everywhere and in longitude up to 25° N
MAX_ATTEMPTS = 8
WITHHELD = "[withheld: no consent]"


@dataclass
class Stored:
    """What `store` wrote."""

    ids: np.ndarray                   # report ids of the ok rows, in row order
    duplicate_of: np.ndarray          # per ok row: the earlier report's id, or -1
    quarantined: int
    refs: list[str] = field(default_factory=list)


def in_transaction(con, work):
    """`db.transaction` with the intake's retry budget: concurrent submissions conflict now and then."""
    return transaction(con, work, attempts=MAX_ATTEMPTS)


def store(con, prep: Prepared, *, channel: str, actor: str, now: dt.datetime, source: str,
          batch_id: int | None = None, row_nos: np.ndarray | None = None, raw_rows=None,
          extra_quarantine: list[tuple[int, str, list[dict]]] = (), client_hash: str | None = None,
          spam_reason: str | None = None) -> Stored:
    """Insert the ok rows into reports (with audit events and duplicate flags) and the others into quarantine.

    Runs inside the caller's transaction. `raw_rows(positions)` gives the raw rows (dicts) to keep in
    quarantine; `extra_quarantine` adds rows refused before `prepare` (row_no, raw_json, reasons).
    `client_hash` (the public form's keyed client hash) is stored with the reports; `spam_reason` holds them
    as 'suspected_spam' (reports.guard).
    """
    ok_pos = np.flatnonzero(prep.ok)
    ids, dups = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if len(ok_pos):
        ids, dups = _insert_reports(con, prep, ok_pos, row_nos, {
            "received_at": now, "channel": channel, "source": source, "batch_id": batch_id, "actor": actor,
            "client_hash": client_hash, "spam_reason": spam_reason})
    q_rows = _quarantine_rows(prep, batch_id, row_nos, raw_rows)
    q_rows += [(batch_id, rn, raw_json, json.dumps(reasons, ensure_ascii=False))
               for rn, raw_json, reasons in extra_quarantine]
    if q_rows:
        _insert_quarantine(con, q_rows, now)
    return Stored(ids=ids, duplicate_of=dups, quarantined=len(q_rows))


def _insert_reports(con, prep: Prepared, ok_pos: np.ndarray, row_nos, params: dict):
    """(ids, duplicate_of per ok row, -1 for none): the ok rows inserted with their audit events."""
    ids = next_ids(con, "report_id_seq", len(ok_pos))
    rows = prep.table.filter(pa.array(prep.ok))
    src_rows = row_nos[ok_pos] if row_nos is not None else np.full(len(ok_pos), -1)
    rows = rows.append_column("id", pa.array(ids)).append_column(
        "source_row", pa.array(src_rows.astype(np.int64), mask=src_rows < 0)).append_column(
        "duplicate_of", pa.nulls(len(ids), type=pa.int64()))
    # a connection-local temp table: scanned several times, much cheaper than re-scanning the Arrow table
    con.register("intake_rows_arrow", rows)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE intake_rows AS SELECT * FROM intake_rows_arrow")
    finally:
        con.unregister("intake_rows_arrow")
    try:
        days = pc.min_max(rows["occurred_date"]).as_py()
        run_query(con, "intake_duplicates", {"radius_m": DUPLICATE_RADIUS_M, "cell_deg": DUPLICATE_CELL_DEG,
                                             "date_from": days["min"], "date_to": days["max"]})
        found = con.execute("SELECT id, duplicate_of FROM intake_rows WHERE duplicate_of IS NOT NULL "
                            "ORDER BY id").fetchnumpy()
        dups = np.full(len(ids), -1, dtype=np.int64)
        if len(found["id"]):
            dups[np.searchsorted(ids, found["id"].astype(np.int64))] = found["duplicate_of"].astype(np.int64)
        run_query(con, "intake_insert_reports", params)
        run_query(con, "intake_insert_audit", params)
    finally:
        try:
            con.execute("DROP TABLE IF EXISTS temp.intake_rows")
        except duckdb.Error:        # the transaction failed: its rollback drops the table, keep the first error
            pass
    return ids, dups


def _quarantine_rows(prep: Prepared, batch_id, row_nos, raw_rows) -> list[tuple]:
    """(batch_id, row_no, raw_json, reasons_json) for every refused row."""
    bad_pos = np.flatnonzero(~prep.ok)
    if not len(bad_pos):
        return []
    raws = raw_rows(bad_pos) if raw_rows is not None else [{} for _ in bad_pos]
    by_pos = {p: [] for p in bad_pos}
    for r in prep.errors.itertuples():
        by_pos.setdefault(r.pos, []).append({"field": r.field, "value": r.value, "code": r.code,
                                             "message": r.message_en, "message_th": r.message_th})
    out = []
    for p, rw in zip(bad_pos, raws):
        rn = int(row_nos[p]) if row_nos is not None else None
        out.append((batch_id, rn, json.dumps(rw, ensure_ascii=False, default=str),
                    json.dumps(by_pos[p], ensure_ascii=False)))
    return out


def _insert_quarantine(con, q_rows: list[tuple], now: dt.datetime) -> None:
    q = pa.table({"batch_id": pa.array([r[0] for r in q_rows], type=pa.int64()),
                  "row_no": pa.array([r[1] for r in q_rows], type=pa.int32()),
                  "raw_json": pa.array([r[2] for r in q_rows], type=pa.string()),
                  "reasons_json": pa.array([r[3] for r in q_rows], type=pa.string())})
    con.register("intake_quarantine_rows", q)
    try:
        run_query(con, "intake_insert_quarantine", {"created_at": now})
    finally:
        con.unregister("intake_quarantine_rows")


def redacted_raw(fields: dict, consent: bool) -> dict:
    """A form's fields as kept in quarantine: contact details without consent replaced by `WITHHELD`,
    dates and times as ISO text."""
    out = {}
    for k, v in fields.items():
        if k in CONTACT_FIELDS and not consent and nz.clean_text(v) is not None:
            out[k] = WITHHELD
        elif isinstance(v, (dt.date, dt.time)):
            out[k] = v.isoformat()
        else:
            out[k] = v if v is None or isinstance(v, (bool, int, float)) else str(v)
    return out


def ref_no(report_id: int, received_at: dt.datetime) -> str:
    """The reference a reporter can quote: NTS-<BE year of receipt>-<id, zero-padded to 6 digits>."""
    return f"NTS-{received_at.year + nz.BE_OFFSET}-{report_id:06d}"
