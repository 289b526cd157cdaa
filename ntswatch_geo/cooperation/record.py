"""Checking and storing cooperation activities: one set of rules for the entry form, the spreadsheet import and
the demo generator.

`check(con, raw, scope, today)` reads one activity as typed (strings from a form or a spreadsheet cell, or typed
values) and returns a `Checked`: the activity as stored, or every problem found (field, code, the value, and
what is allowed, in English and Thai). `store(con, activities, ...)` writes checked activities inside the
caller's transaction and returns how many were new: an activity whose content key (SHA-256 of the normalised
record) is already stored adds nothing. `add(con, raw, actor, scope)` is the entry form's one call: check,
store in one transaction, or InputError naming every problem.

Rules
- activity_type: a key of taxonomy.ACTIVITY_TYPES, its Thai or English label, or a common word for it.
- start_date (required) and end_date (optional, = start): any date form the report import reads (Buddhist-era
  years, Thai months and digits, Excel serials), between 2015-01-01 and today; end on or after start and at
  most taxonomy.MAX_DAYS later.
- district (and optional province): a Thai border district by DOPA code or name, in the writer's scope (a
  district officer: their own district; a governor: their province).
- facing: the facing district(s) across the border, by geoBoundaries id or English name, each a parallel area
  of the district (separated by comma, semicolon, '/', or new line); empty = the district's own activity.
- participants (th/la/kh × officials/leaders/citizens/youth), change_agents: whole numbers 0 to 100,000;
  Lao or Cambodian participants only where the district faces that country.
- budget_thb: a number of baht, 0 to 1,000,000,000 ('12,500', '12500 บาท', '฿12,500', Thai digits).
- title, outcome: text of at most 2,000 characters.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

import pandas as pd

from ..db import next_ids, transaction
from ..errors import InputError
from ..reports.normalise import Problem, check_date_range, clean_text, parse_date
from ..reports.places import Issue, PlaceIndex, fold, resolve
from ..scope import Scope
from ..thai import ascii_digits
from .taxonomy import (ACTIVITY_TYPE_KEYS, ACTIVITY_TYPE_WORDS, ACTIVITY_TYPES,
                       MAX_BUDGET_THB, MAX_DAYS, MAX_PARTICIPANTS, MAX_TEXT, PARTICIPANT_COLUMNS, SIDE_COUNTRY,
                       participant_label)

FIELDS = ("activity_type", "start_date", "end_date", "province", "district", "facing", "title",
          *PARTICIPANT_COLUMNS, "change_agents", "budget_thb", "outcome")
STORED = ("activity_type", "start_date", "end_date", "district_code", "province_code", "title",
          *PARTICIPANT_COLUMNS, "change_agents", "budget_thb", "outcome")


@dataclass
class Checked:
    """One activity as checked: `activity` (the stored fields, plus `facing`: neighbour ids) or `issues`."""

    activity: dict | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.activity is not None


def _key(text: str) -> str:
    return re.sub(r"[\s_\-–—/().,]+", "", str(text).lower())


def _type_lookup() -> dict[str, str]:
    out = {}
    for a in ACTIVITY_TYPES:
        for word in (a.key, a.th, a.en, *ACTIVITY_TYPE_WORDS.get(a.key, ())):
            out[_key(word)] = a.key
    return out


_TYPES = _type_lookup()


def allowed_types_text(lang: str = "en") -> str:
    return ", ".join(f"{a.key} ({a.label(lang)})" for a in ACTIVITY_TYPES)


def parse_activity_type(value) -> str | None:
    """The activity type key for what was written; None when empty; Problem when unknown."""
    text = clean_text(value)
    if text is None:
        return None
    hit = _TYPES.get(_key(text))
    if hit is None:                       # a longer phrase naming one type, e.g. "อบรม NTS Literacy รุ่นที่ 2"
        hits = {k for w, k in _TYPES.items() if len(w) >= 4 and w in _key(text)}
        hit = hits.pop() if len(hits) == 1 else None
    if hit is None:
        raise Problem("unknown_activity_type", f"{text:.60} is not an activity type; allowed: {allowed_types_text('en')}",
                      f"{text:.60} ไม่ใช่ประเภทกิจกรรมที่รู้จัก ประเภทที่ใช้ได้: {allowed_types_text('th')}")
    return hit


def parse_count(value, what_en: str, what_th: str, top: int = MAX_PARTICIPANTS) -> int:
    """A whole number 0..top ('1,200', Thai digits, '35 คน'); empty = 0. Raises Problem."""
    text = clean_text(value)
    if text is None:
        return 0
    t = re.sub(r"\s*(คน|persons?|people|pax)\s*$", "", ascii_digits(text), flags=re.I).replace(",", "").strip()
    try:
        x = float(t)
    except ValueError:
        raise Problem("not_a_number", f"{text:.40} is not a number of {what_en}; write a whole number 0 to {top:,}",
                      f"{text:.40} ไม่ใช่จำนวน{what_th} กรุณาระบุจำนวนเต็ม 0 ถึง {top:,}") from None
    if not x.is_integer() or x < 0 or x > top:
        raise Problem("out_of_range", f"{text:.40}: {what_en} must be a whole number 0 to {top:,}",
                      f"{text:.40}: จำนวน{what_th}ต้องเป็นจำนวนเต็ม 0 ถึง {top:,}")
    return int(x)


def parse_budget(value) -> float | None:
    """Baht as a number ('12,500', '฿12,500', '12500 บาท', '1.2 ล้าน'); None when empty. Raises Problem."""
    text = clean_text(value)
    if text is None:
        return None
    t = ascii_digits(text).replace(",", "").replace("฿", "").strip()
    factor = 1.0
    m = re.fullmatch(r"(.*?)\s*(ล้านบาท|ล้าน|million)\s*", t, flags=re.I)
    if m:
        t, factor = m.group(1), 1e6
    t = re.sub(r"\s*(บาท|thb|baht)\.?\s*$", "", t, flags=re.I).strip()
    try:
        x = float(t) * factor
    except ValueError:
        raise Problem("not_a_number", f"{text:.40} is not an amount of baht; write a number, e.g. 12,500",
                      f"{text:.40} ไม่ใช่จำนวนเงินบาท กรุณาระบุตัวเลข เช่น 12,500") from None
    if x < 0 or x > MAX_BUDGET_THB:
        raise Problem("out_of_range", f"{text:.40}: the budget must be 0 to {MAX_BUDGET_THB:,.0f} baht",
                      f"{text:.40}: งบประมาณต้องอยู่ระหว่าง 0 ถึง {MAX_BUDGET_THB:,.0f} บาท")
    return round(x, 2)


def _text(value, fld: str, issues: list[Issue]) -> str | None:
    text = clean_text(value)
    if text is not None and len(text) > MAX_TEXT:
        issues.append(Issue(fld, "too_long", text[:40], f"{len(text):,} characters; at most {MAX_TEXT:,}",
                            f"{len(text):,} ตัวอักษร ได้ไม่เกิน {MAX_TEXT:,}"))
        return None
    return text


def _problem(fld: str, value, p: Problem) -> Issue:
    return Issue(fld, p.code, "" if value is None else f"{value!s:.80}", p.message_en, p.message_th)


def split_facing(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [t for v in value if (t := clean_text(v))]
    text = clean_text(value)
    return [p.strip() for p in re.split(r"[,;/\n]+|\s+และ\s+|\s+and\s+", text)] if text else []


class _Geo:
    """What checking needs of the geography, read once per connection and batch."""

    def __init__(self, con):
        from ..reports.places import geography
        self.places: PlaceIndex = geography(con).places
        rows = con.execute("SELECT d.code, d.province_code, d.is_border, d.border_country, d.name_th, d.name_en "
                           "FROM districts d").fetchall()
        self.districts = {r[0]: r for r in rows}
        self.pairs: dict[str, dict[str, tuple[str, str]]] = {}
        for code, nid, country, name in con.execute(
                "SELECT p.district_code, p.neighbour_id, p.country, n.name_en FROM parallel_areas p "
                "JOIN neighbour_districts n ON n.id = p.neighbour_id ORDER BY 1, 2").fetchall():
            self.pairs.setdefault(code, {})[nid] = (country, name)


def _facing_match(pairs: dict[str, tuple[str, str]], name: str) -> str | None:
    """The parallel area named `name`: its English name as in the boundary file, or the one spelling close to it
    among this district's few parallel areas ("Poipet" for "Paoy Paet")."""
    import difflib
    key = {nid: re.sub(r"[^a-z]", "", fold(n)) for nid, (_c, n) in pairs.items()}
    want = re.sub(r"[^a-z]", "", fold(name))
    exact = [nid for nid, k in key.items() if k == want]
    if exact or not want:
        return exact[0] if exact else None
    close = [nid for nid, k in key.items() if difflib.SequenceMatcher(None, k, want).ratio() >= 0.7]
    return close[0] if len(close) == 1 else None


def geo(con) -> _Geo:
    return _Geo(con)


def check(con, raw: dict, scope: Scope | None = None, today: dt.date | None = None, g: _Geo | None = None) -> Checked:
    """Check one activity as typed (see the module doc). `g`: the geography lookups (built when not given)."""
    from ..reports.validate import bangkok_now
    g = g or _Geo(con)
    today = today or bangkok_now().date()
    issues: list[Issue] = []
    out: dict = {}

    v = raw.get("activity_type")
    try:
        out["activity_type"] = parse_activity_type(v)
        if out["activity_type"] is None:
            issues.append(Issue("activity_type", "required", "", f"required; allowed: {allowed_types_text('en')}",
                                f"ต้องระบุ ประเภทที่ใช้ได้: {allowed_types_text('th')}"))
    except Problem as p:
        issues.append(_problem("activity_type", v, p))

    for fld in ("start_date", "end_date"):
        v = raw.get(fld)
        if clean_text(v) is None:
            if fld == "start_date":
                issues.append(Issue(fld, "required", "", "required: the day the activity began (e.g. 15/03/2568)",
                                    "ต้องระบุวันที่เริ่มกิจกรรม (เช่น 15/03/2568)"))
            out[fld] = None
            continue
        try:
            pd_ = parse_date(v)
            check_date_range(pd_.date, today, v, pd_.note)
            out[fld] = pd_.date
        except Problem as p:
            issues.append(_problem(fld, v, p))
            out[fld] = None
    s, e = out.get("start_date"), out.get("end_date")
    if s and not e and clean_text(raw.get("end_date")) is None:
        out["end_date"] = e = s
    if s and e:
        if e < s:
            issues.append(Issue("end_date", "before_start", e.isoformat(),
                                f"the end {e.isoformat()} is before the start {s.isoformat()}",
                                f"วันสิ้นสุด {e.isoformat()} อยู่ก่อนวันเริ่ม {s.isoformat()}"))
        elif (e - s).days > MAX_DAYS:
            issues.append(Issue("end_date", "too_long", e.isoformat(),
                                f"the activity lasts {(e - s).days} days; at most {MAX_DAYS}",
                                f"กิจกรรมยาว {(e - s).days} วัน ได้ไม่เกิน {MAX_DAYS} วัน"))

    code = _district(g, raw, scope, issues)
    out["district_code"] = code
    out["province_code"] = g.districts[code][1] if code else None

    facing = []
    pairs = g.pairs.get(code, {}) if code else {}
    for name in (split_facing(raw.get("facing")) if code else []):
        hit = name if name in pairs else _facing_match(pairs, name)
        if hit is None:
            allowed = ", ".join(f"{n} ({nid})" for nid, (_c, n) in pairs.items()) or "none"
            issues.append(Issue("facing", "not_a_parallel_area", name,
                                f"{name:.60} is not a parallel area of this district; allowed: {allowed}",
                                f"{name:.60} ไม่ใช่พื้นที่คู่ขนานของอำเภอนี้ ที่ใช้ได้: {allowed}"))
        elif hit not in facing:
            facing.append(hit)
    out["facing"] = sorted(facing)

    countries = {c for (c, _n) in pairs.values()}
    for col in PARTICIPANT_COLUMNS:
        v = raw.get(col)
        try:
            out[col] = parse_count(v, "participants", "ผู้เข้าร่วม")
        except Problem as p:
            issues.append(_problem(col, v, p))
            out[col] = 0
        side = col.split("_", 1)[0]
        if out[col] and code and side in SIDE_COUNTRY and SIDE_COUNTRY[side] not in countries:
            names = {"LA": ("Laos", "สปป.ลาว", "Lao"), "KH": ("Cambodia", "กัมพูชา", "Cambodian")}
            faces_en = " and ".join(names[c][0] for c in sorted(countries)) or "no district across the border"
            faces_th = " และ ".join(names[c][1] for c in sorted(countries)) or "ไม่มีพื้นที่คู่ขนาน"
            other = names[SIDE_COUNTRY[side]]
            issues.append(Issue(col, "not_facing", str(out[col]),
                                f"{out[col]} {participant_label(col, 'en')}: {g.districts[code][5]} faces "
                                f"{faces_en} only, not {other[0]}; leave the {other[2]} columns empty",
                                f"{participant_label(col, 'th')} {out[col]} คน: อำเภอ{g.districts[code][4]}ติดกับ"
                                f"{faces_th}เท่านั้น ไม่ใช่{other[1]} ให้เว้นช่องผู้เข้าร่วมฝั่ง{other[1]}ว่างไว้"))
    v = raw.get("change_agents")
    try:
        out["change_agents"] = parse_count(v, "change agents", "ผู้นำการเปลี่ยนแปลง")
    except Problem as p:
        issues.append(_problem("change_agents", v, p))
    v = raw.get("budget_thb")
    try:
        out["budget_thb"] = parse_budget(v)
    except Problem as p:
        issues.append(_problem("budget_thb", v, p))
    out["title"] = _text(raw.get("title"), "title", issues)
    out["outcome"] = _text(raw.get("outcome"), "outcome", issues)
    if issues:
        return Checked(None, issues)
    return Checked(out, [])


def _district(g: _Geo, raw: dict, scope: Scope | None, issues: list[Issue]) -> str | None:
    d_txt, p_txt = clean_text(raw.get("district")), clean_text(raw.get("province"))
    if d_txt is None:
        issues.append(Issue("district", "required", "", "required: the Thai border district (name or DOPA code)",
                            "ต้องระบุอำเภอชายแดนฝั่งไทย (ชื่อหรือรหัส)"))
        return None
    code = d_txt if d_txt in g.districts else None
    if code is None:
        res = resolve(g.places, province=p_txt, district=d_txt)
        if res.error is not None:
            issues.append(Issue("district", res.error.code, d_txt, res.error.message_en, res.error.message_th))
            return None
        code = res.district_code
    row = g.districts[code]
    if not row[2]:
        issues.append(Issue("district", "not_border", d_txt,
                            f"{row[5]} ({code}) is not a border district; cooperation activities are recorded for "
                            "the districts along the Lao and Cambodian borders",
                            f"{row[4]} ({code}) ไม่ใช่อำเภอชายแดน บันทึกกิจกรรมได้เฉพาะอำเภอชายแดนติด สปป.ลาว และกัมพูชา"))
        return None
    if scope is not None and scope.restricted and not (
            code == scope.district_code if scope.district_code else row[1] == scope.province_code):
        where = scope.district_code or scope.province_code
        issues.append(Issue("district", "out_of_scope", d_txt,
                            f"{row[5]} ({code}) is outside your {'district' if scope.district_code else 'province'}"
                            f"; you can record activities of {where} only",
                            f"{row[4]} ({code}) อยู่นอกพื้นที่ของคุณ บันทึกได้เฉพาะ {where}"))
        return None
    return code


def content_key(a: dict) -> str:
    """SHA-256 of the normalised activity: the same activity entered or imported twice is stored once."""
    doc = {k: (a[k].isoformat() if isinstance(a[k], dt.date) else a[k]) for k in STORED}
    doc["facing"] = sorted(a.get("facing") or [])
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def store(con, activities: list[dict], *, actor: str, source: str, batch_id: int | None = None,
          is_synthetic: bool = False, now: dt.datetime | None = None) -> list[int | None]:
    """Insert checked activities (inside the caller's transaction). Returns each one's new id, or None where
    the same activity was already stored (or came twice in `activities`)."""
    from ..reports.validate import bangkok_now
    if not activities:
        return []
    keys = [content_key(a) for a in activities]
    have = set()
    for i in range(0, len(keys), 5000):
        chunk = keys[i:i + 5000]
        have |= {r[0] for r in con.execute("SELECT content_key FROM coop_activities WHERE content_key IN "
                                           "(SELECT unnest(?::VARCHAR[]))", [chunk]).fetchall()}
    new_idx, seen = [], set()
    for i, k in enumerate(keys):
        if k not in have and k not in seen:
            new_idx.append(i)
            seen.add(k)
    ids = [int(x) for x in next_ids(con, "coop_activity_id_seq", len(new_idx))]
    out: list[int | None] = [None] * len(activities)
    rows, areas = [], []
    at = now or bangkok_now()
    for i, new_id in zip(new_idx, ids):
        a = activities[i]
        out[i] = new_id
        rows.append({"id": new_id, **{k: a[k] for k in STORED}, "source": source, "batch_id": batch_id,
                     "source_sheet": a.get("source_sheet"), "source_row": a.get("source_row"),
                     "content_key": keys[i], "is_synthetic": is_synthetic, "created_by": actor, "created_at": at})
        areas += [{"activity_id": new_id, "neighbour_id": n} for n in a.get("facing") or []]
    if rows:
        cols = list(rows[0])
        frame = pd.DataFrame(rows, columns=cols)
        for c in ("start_date", "end_date"):
            frame[c] = pd.to_datetime(frame[c]).dt.date
        con.register("coop_new_df", frame)
        try:
            con.execute(f"INSERT INTO coop_activities ({', '.join(cols)}) SELECT {', '.join(cols)} FROM coop_new_df")
        finally:
            con.unregister("coop_new_df")
        if areas:
            af = pd.DataFrame(areas)
            con.register("coop_areas_df", af)
            try:
                con.execute("INSERT INTO coop_activity_areas (activity_id, neighbour_id) "
                            "SELECT activity_id, neighbour_id FROM coop_areas_df")
            finally:
                con.unregister("coop_areas_df")
    return out


def issues_text(issues: list[Issue], lang: str = "en") -> str:
    """Every problem on one line each: field, the value, what is wrong and what is allowed."""
    lines = []
    for i in issues:
        msg = i.message_th if lang == "th" else i.message_en
        lines.append(f"{i.field}: {msg}")
    return "\n".join(lines)


def add(con, raw: dict, *, actor: str, scope: Scope | None = None, today: dt.date | None = None,
        lang: str = "en", swot: dict[str, str] | None = None, swot_neighbour: str | None = None) -> int | None:
    """Check and store one activity from the entry form, in one transaction; its id, or None when the same
    activity is already recorded (its SWOT notes are then not added again). `swot`: {kind: text} SWOT notes
    written with it (sites.add_note, naming the activity; `swot_neighbour`: the parallel area they are about),
    stored in the same transaction: a note refused leaves nothing stored. InputError lists every problem."""
    from .. import audit
    checked = check(con, raw, scope, today)
    if not checked.ok:
        raise InputError(issues_text(checked.issues, lang))

    notes = {k: v for k, v in (swot or {}).items() if isinstance(v, str) and v.strip()}

    def work():
        from ..sites import add_note
        new_id = store(con, [checked.activity], actor=actor, source="entry")[0]
        if new_id is not None:
            for kind, text in notes.items():
                try:
                    add_note(con, checked.activity["district_code"], kind, text, actor, scope=scope,
                             activity_id=new_id, neighbour_id=swot_neighbour)
                except InputError as exc:
                    raise InputError(f"swot_{kind}: {exc}") from None
            audit.record(con, "coop_activity_added", actor=actor, role=scope.role if scope else None,
                         object_type="coop_activity", object_id=new_id,
                         detail={"district_code": checked.activity["district_code"],
                                 "activity_type": checked.activity["activity_type"]})
        return new_id

    return transaction(con, work)


__all__ = ["Checked", "FIELDS", "STORED", "ACTIVITY_TYPE_KEYS", "check", "store", "add", "content_key",
           "parse_activity_type", "parse_count", "parse_budget", "split_facing", "issues_text", "geo"]
