"""The audit trail: who signed in, changed users, viewed or exported personal data, redacted or purged it.

One helper, `record`, writes every entry (a single INSERT: inside the caller's transaction when there is
one, else committed at once). A report's own status changes (verify, reject, forward ...) stay in
`audit_events`, next to the report; `events` reads both as one trail for the audit page and `ntswatch audit`.
Entries hold no personal data themselves: which report, which fields, how many rows — never the values.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
from zoneinfo import ZoneInfo

import pandas as pd

TZ = ZoneInfo("Asia/Bangkok")

# action -> (English, Thai) label; every action written anywhere must be listed here (a test checks)
ACTIONS: dict[str, tuple[str, str]] = {
    "sign_in": ("signed in", "เข้าสู่ระบบ"),
    "sign_in_failed": ("failed sign-in", "เข้าสู่ระบบไม่สำเร็จ"),
    "sign_in_locked": ("sign-in refused: locked", "ปฏิเสธการเข้าสู่ระบบ: ถูกล็อก"),
    "sign_out": ("signed out", "ออกจากระบบ"),
    "sign_out_everywhere": ("signed out everywhere", "ออกจากระบบทุกอุปกรณ์"),
    "session_expired": ("session expired", "หมดเวลาการใช้งาน"),
    "totp_enabled": ("two-step sign-in enabled", "เปิดการยืนยันตัวตนสองขั้นตอน"),
    "user_add": ("user added", "เพิ่มผู้ใช้"),
    "user_change": ("user changed", "แก้ไขผู้ใช้"),
    "user_remove": ("user removed", "ลบผู้ใช้"),
    "view_contact": ("viewed contact details", "ดูข้อมูลติดต่อผู้แจ้ง"),
    "export": ("exported reports", "ส่งออกรายงาน"),
    "import": ("imported a file", "นำเข้าไฟล์"),
    "redact": ("redacted personal data", "ลบข้อมูลส่วนบุคคล"),
    "purge": ("retention purge", "ลบข้อมูลตามระยะเวลาเก็บรักษา"),
    "release_spam": ("released a suspected-spam report", "ปล่อยรายงานที่สงสัยว่าเป็นสแปม"),
    "confirm_spam": ("confirmed spam", "ยืนยันว่าเป็นสแปม"),
    "backup": ("database backup", "สำรองฐานข้อมูล"),
    "restore": ("database restore", "กู้คืนฐานข้อมูล"),
    "view_audit": ("viewed the audit trail", "ดูบันทึกการตรวจสอบ"),
    "coop_activity_added": ("recorded a cooperation activity", "บันทึกกิจกรรมความร่วมมือ"),
    "coop_import": ("imported cooperation activities", "นำเข้ากิจกรรมความร่วมมือ"),
}


# the report trail's own actions (audit_events.action: intake, verification queue, spam guard) -> labels
REPORT_ACTIONS: dict[str, tuple[str, str]] = {
    "created": ("report received", "รับรายงาน"),
    "flag_duplicate": ("flagged as a likely duplicate", "ทำเครื่องหมายว่าอาจซ้ำ"),
    "verify": ("report verified", "ยืนยันรายงาน"),
    "reject": ("report rejected", "ปฏิเสธรายงาน"),
    "duplicate": ("marked duplicate", "ระบุว่าเป็นรายงานซ้ำ"),
    "forward": ("forwarded to an agency", "ส่งต่อหน่วยงาน"),
    "hold_spam": ("held as suspected spam", "พักไว้เพราะสงสัยว่าเป็นสแปม"),
    "release": ("released from the spam hold", "ปล่อยจากการพักสแปม"),
    "confirm_spam": ("confirmed spam", "ยืนยันว่าเป็นสแปม"),
}
SOURCES = {"audit_log": ("audit log", "บันทึกการตรวจสอบ"), "report_trail": ("report trail", "ประวัติรายงาน")}


def now_local() -> dt.datetime:
    return dt.datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def cli_actor() -> str:
    """The actor for a command run in a shell: 'cli:<OS user>'."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:   # no user name in this environment
        return "cli:unknown"


def record(con, action: str, *, actor: str, role: str | None = None, client: str | None = None,
           object_type: str | None = None, object_id=None, detail: dict | None = None,
           at: dt.datetime | None = None) -> None:
    """Write one audit entry. `action` must be one of ACTIONS; `detail` is JSON-serialisable, no personal data."""
    if action not in ACTIONS:
        raise ValueError(f"audit action {action!r}: allowed {', '.join(ACTIONS)}")
    con.execute(
        "INSERT INTO audit_log (logged_at, actor, role, client, action, object_type, object_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [at or now_local(), actor, role, client, action, object_type,
         None if object_id is None else str(object_id),
         None if detail is None else json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)])


def label(action: str, lang: str = "en") -> str:
    """The action's label in `lang` (audit log and report-trail actions; an unknown code as itself)."""
    en, th = ACTIONS.get(action) or REPORT_ACTIONS.get(action) or (action, action)
    return th if lang == "th" else en


def all_actions() -> list[str]:
    """Every action the trail can hold: the audit log's, then the report trail's."""
    return list(ACTIONS) + [a for a in REPORT_ACTIONS if a not in ACTIONS]


def events(con, *, date_from: dt.date | None = None, date_to: dt.date | None = None, actor: str | None = None,
           action: str | None = None, limit: int | None = None, lang: str = "en") -> pd.DataFrame:
    """The audit log and the report trail (audit_events) as one time-ordered table, oldest first.

    Filters: days from/to (inclusive, Thailand local time), an exact actor, an action code (see
    `all_actions`); `limit` keeps the latest `limit` entries (still oldest first). Columns: logged_at, source,
    actor, role, client, action, action_label (in `lang`), object_type, object_id, detail (JSON text).
    """
    from .db import run_query

    params = {"date_from": date_from, "date_to": date_to,
              "actor": actor.strip() if actor and actor.strip() else None,
              "action": action or None, "limit": int(limit) if limit else None}
    df = run_query(con, "audit_trail", params).df()
    for c in df.columns.drop("logged_at"):        # NULL is None in every text column (never NaN)
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    df.insert(df.columns.get_loc("action") + 1, "action_label", [label(a, lang) for a in df["action"]])
    return df
