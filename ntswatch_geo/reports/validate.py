"""Validation: raw fields (one row for a form, a whole file for an import) → normalised columns and errors.

`prepare` is vectorised: each distinct value of a column is parsed once (see `normalise`), points are placed
by the cached `DistrictLocator`, and names are resolved once per distinct (province, district, subdistrict)
triple (see `places`). It runs as a sequence of short stages sharing one `Rows` state: texts, category,
date, time, the location stages (coordinates, names, scope: see `location`), choices, consent, notes.

Rules
-----
* **Location.** A point (lat/lon, decimal or DMS, Thai digits; or one "lat, lon" `coords` field) wins: the
  district is the one whose polygon contains it (location_precision 'point', district_confidence 1). A
  latitude/longitude pair that only makes sense swapped (latitude outside Thailand's range but inside its
  longitude range and the other way round, or N/S written on the longitude) is swapped, with a
  'swapped_lat_lon' warning. (0, 0), points outside Thailand's box and points inside it but in no Thai
  district (Vientiane, across the Mekong) are 'outside_thailand', on the latitude and/or longitude outside
  Thailand's range (5.5–20.6 N, 97.3–105.7 E, named in the message), else on the point. Names given with a
  point are only checked: a different district is a 'district_mismatch' warning, never an error. Without a
  point, the district name or code (within the province when given; or the subdistrict; or "อ.… จ.…" inside
  place_text) gives the district's centroid with precision 'district' and the name match's confidence.
  Nothing usable → 'no_location'; a district that does not exist → 'unknown_district'; a name shared by
  several districts with no province → 'ambiguous' (candidates named).
* **Scope.** A writer limited to a district or province (`Context.scope`) may store reports located there
  only: every other located row fails on 'district' with 'outside_scope', naming where it lies and what is
  allowed.
* **Text.** Every field is trimmed (NUL and zero-width characters removed) and stored as typed, HTML
  included (pages escape on output). description ≤ 5,000 characters, every other field ≤ 200; longer →
  'too_long' naming the limit.
* **Contact details** (contact_name, contact_phone) are stored only when contact_consent is true; otherwise
  they are dropped with a 'contact_dropped' warning (`storage` also drops them from the raw row kept in
  quarantine).
* **Time.** `now` is Thailand local time (Asia/Bangkok, stored naive); "today" for the date checks is its
  date. occurred_precision: 'approximate' when occurred_approx is true, else 'month' for a month-only date,
  'exact' when a time is known, else 'day'.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa

from ..scope import Scope
from ..taxonomy import CHANNEL_KEYS
from . import location
from . import normalise as nz
from .columns import column, flags, is_str, parse_unique, secs, trimmed
from .places import geography

TZ = ZoneInfo("Asia/Bangkok")
DESCRIPTION_LIMIT = 5000
TEXT_LIMIT = 200

FIELDS = ("category", "occurred_date", "occurred_time", "occurred_approx", "lat", "lon", "coords",
          "province", "district", "subdistrict", "place_text", "description", "contact_name",
          "contact_phone", "contact_consent", "intake_method", "reporter_type", "officer")
FORM_FIELDS = tuple(f for f in FIELDS if f != "coords")
STORED_TEXT = ("place_text", "description", "contact_name", "contact_phone", "officer")
CONTACT_FIELDS = ("contact_name", "contact_phone")
NATIVE_FIELDS = ("occurred_date", "occurred_time", "lat", "lon", "occurred_approx", "contact_consent")

FIELD_LABELS = {  # for messages: English, Thai
    "category": ("category", "ประเภทเหตุ"), "occurred_date": ("date", "วันที่เกิดเหตุ"),
    "occurred_time": ("time", "เวลา"), "occurred_approx": ("approximate", "โดยประมาณ"),
    "lat": ("latitude", "ละติจูด"), "lon": ("longitude", "ลองจิจูด"), "coords": ("coordinates", "พิกัด"),
    "province": ("province", "จังหวัด"), "district": ("district", "อำเภอ"), "subdistrict": ("subdistrict", "ตำบล"),
    "place_text": ("place", "สถานที่"), "description": ("description", "รายละเอียด"),
    "contact_name": ("contact name", "ชื่อผู้แจ้ง"), "contact_phone": ("phone", "เบอร์โทร"),
    "contact_consent": ("consent", "ความยินยอม"), "intake_method": ("intake method", "ช่องทางการรับแจ้ง"),
    "reporter_type": ("reporter type", "ประเภทผู้แจ้ง"), "officer": ("officer", "เจ้าหน้าที่"),
    "location": ("location", "ตำแหน่ง"),
}


@dataclass(frozen=True)
class FieldError:
    """Why one field was refused (or, in `SubmitResult.warnings`, what was changed), in Thai and English."""

    field: str
    code: str
    value: str
    message_th: str
    message_en: str


@dataclass
class Context:
    """What `prepare` needs besides the rows: the clock and the cached geography lookups."""

    now: dt.datetime
    channel: str
    places: object
    locator: object
    centroids: dict[str, tuple[float, float]]
    scope: Scope | None = None                         # the writer's scope: rows located outside it are refused
    names: dict[str, tuple[str, str]] | None = None    # district code -> (Thai, English), for those messages

    @property
    def today(self) -> dt.date:
        return self.now.date()


def bangkok_now() -> dt.datetime:
    """Now in Thailand, naive (how timestamps are stored)."""
    return dt.datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def make_context(con, channel: str, now: dt.datetime | None = None, scope: Scope | None = None) -> Context:
    """A Context for this connection's geography (lookups cached per geography). scope: the writer's (a
    district officer's district, a governor's province); rows located outside it fail with 'outside_scope'."""
    if channel not in CHANNEL_KEYS:
        raise ValueError(f"channel {channel!r}: allowed {', '.join(CHANNEL_KEYS)}")
    if now is None:
        now = bangkok_now()
    elif now.tzinfo is not None:
        now = now.astimezone(TZ).replace(tzinfo=None)
    geo = geography(con)
    names = None
    if scope is not None and scope.restricted:
        names = {c: (th, en) for c, th, en in con.execute("SELECT code, name_th, name_en FROM districts").fetchall()}
        names.update({c: (th, en) for c, th, en in
                      con.execute("SELECT code, name_th, name_en FROM provinces").fetchall()})
    return Context(now=now, channel=channel, places=geo.places, locator=geo.locator, centroids=geo.centroids,
                   scope=scope, names=names)


@dataclass
class Prepared:
    """`prepare`'s output: normalised columns for every input row, the errors and warnings, and `ok`."""

    table: pa.Table                   # one row per input row (normalised values; meaningful where ok)
    errors: pd.DataFrame              # pos, field, value, code, message_th, message_en
    warnings: pd.DataFrame            # same columns
    ok: np.ndarray                    # bool per row
    consent: np.ndarray               # bool per row: contact details may be kept

    def errors_of(self, pos: int) -> tuple[FieldError, ...]:
        return _field_errors(self.errors[self.errors["pos"] == pos])

    def warnings_of(self, pos: int) -> tuple[FieldError, ...]:
        return _field_errors(self.warnings[self.warnings["pos"] == pos])


def _field_errors(frame: pd.DataFrame) -> tuple[FieldError, ...]:
    return tuple(FieldError(r.field, r.code, r.value, r.message_th, r.message_en) for r in frame.itertuples())


ISSUE_COLUMNS = ["pos", "field", "value", "code", "message_th", "message_en"]


class _Issues:
    def __init__(self):
        self.rows: list[tuple] = []

    def add(self, pos, field_: str, value, code: str, en: str, th: str) -> None:
        self.rows.append((int(pos), field_, _shown(value), code, th, en))

    def add_many(self, positions, field_: str, values, problems) -> None:
        for p, v, pr in zip(positions, values, problems):
            self.add(p, field_, v, pr.code, pr.message_en, pr.message_th)

    def add_problems(self, field_: str, col: pd.Series, problems: np.ndarray) -> None:
        """One issue per row whose `problems` entry is a Problem (None elsewhere)."""
        m = problems != None  # noqa: E711
        self.add_many(np.flatnonzero(m), field_, col.to_numpy(dtype=object)[m], problems[m])

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=ISSUE_COLUMNS)
        return df.sort_values(["pos"], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------------- prepare


@dataclass
class Rows:
    """What `prepare`'s stages share: the input, the issues so far, the output columns and, between the
    location stages, the coordinates found."""

    frame: pd.DataFrame
    ctx: Context
    n: int
    errs: _Issues = field(default_factory=_Issues)
    warns: _Issues = field(default_factory=_Issues)
    texts: dict[str, pd.Series] = field(default_factory=dict)        # trimmed text, None where too long
    too_long: dict[str, np.ndarray] = field(default_factory=dict)
    out: dict[str, object] = field(default_factory=dict)
    month_only: np.ndarray | None = None
    lat: np.ndarray | None = None
    lon: np.ndarray | None = None
    coord_bad: np.ndarray | None = None       # a coordinate was given but refused
    swap_hint: np.ndarray | None = None       # N/S written on the longitude and E/W on the latitude
    point: np.ndarray | None = None           # a usable point inside a Thai district
    district: np.ndarray | None = None        # district code per row (object, None = not located)
    consent: np.ndarray | None = None

    def text(self, f: str) -> pd.Series:
        """The trimmed text column, all-None when absent."""
        t = self.texts.get(f)
        return t if t is not None else pd.Series([None] * self.n, dtype="str")

    def raw(self, f: str) -> pd.Series | None:
        """The column for parsing: native values (XLSX/forms) or trimmed text."""
        col = column(self.frame, f)
        if col is None:
            return None
        return self.texts.get(f, col)

    def long(self, f: str) -> np.ndarray:
        return self.too_long.get(f, np.zeros(self.n, dtype=bool))

    def missing(self, mask: np.ndarray, field_: str, en: str, th: str) -> None:
        for p in np.flatnonzero(mask):
            self.errs.add(p, field_, "", "missing", en, th)


def prepare(frame: pd.DataFrame, ctx: Context) -> Prepared:
    """Validate and normalise every row of `frame` (columns named as FIELDS; missing columns are empty)."""
    frame = frame.reset_index(drop=True)
    unknown = set(frame.columns) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed {', '.join(FIELDS)}")
    rows = Rows(frame=frame, ctx=ctx, n=len(frame))
    for stage in (_texts, _category, _date, _time, location.coordinates, location.swapped, location.in_thailand,
                  location.names, location.scope, _choices, _consent, _notes):
        stage(rows)
    errors, warnings = rows.errs.frame(), rows.warns.frame()
    ok = np.ones(rows.n, dtype=bool)
    if len(errors):
        ok[errors["pos"].to_numpy()] = False
    return Prepared(table=_to_arrow(rows.out), errors=errors, warnings=warnings, ok=ok, consent=rows.consent)


def _texts(r: Rows) -> None:
    """Every text field trimmed; longer than its limit → 'too_long' (and treated as empty afterwards)."""
    for f in FIELDS:
        col = column(r.frame, f)
        if col is None:
            continue
        if f in NATIVE_FIELDS and col.dtype != object and not is_str(col):
            continue                                   # numbers / dates / booleans: no length to check
        t = trimmed(col, r.n)
        limit = DESCRIPTION_LIMIT if f == "description" else TEXT_LIMIT
        lens = t.str.len()
        long_ = (lens > limit).fillna(False).to_numpy(dtype=bool)
        if long_.any():
            r.too_long[f] = long_
            en_l, th_l = FIELD_LABELS[f]
            lens = lens.to_numpy()
            for p in np.flatnonzero(long_):
                r.errs.add(p, f, t.iat[p], "too_long",
                           f"{en_l} is {int(lens[p]):,} characters; the limit is {limit:,}",
                           f"{th_l}ยาว {int(lens[p]):,} ตัวอักษร เกินกำหนด {limit:,} ตัวอักษร")
            t = t.mask(long_)
        r.texts[f] = t


def _category(r: Rows) -> None:
    cat = r.text("category")
    codes, values, problems = parse_unique(cat, nz.parse_category)
    r.errs.add_problems("category", cat, problems[codes])
    r.missing((codes == -1) & ~r.long("category"), "category", "category is required", "กรุณาระบุประเภทเหตุ")
    r.out["category"] = values[codes]


def _date(r: Rows) -> None:
    """occurred_date (a time written with it is kept for `_time`); required."""
    dcol = r.raw("occurred_date")
    date_days = np.full(r.n, -1, dtype=np.int64)
    time_s = np.full(r.n, -1, dtype=np.int64)
    r.month_only = np.zeros(r.n, dtype=bool)
    missing = np.ones(r.n, dtype=bool)
    if dcol is not None:
        codes, values, problems = parse_unique(dcol, nz.parse_occurred, r.ctx.today)
        found = values[:-1]
        epoch = dt.date(1970, 1, 1)
        d_u = np.array([(d.date - epoch).days if d else -1 for d in found] + [-1], dtype=np.int64)
        t_u = np.array([secs(d.time) if d and d.time else -1 for d in found] + [-1], dtype=np.int64)
        mo_u = np.array([bool(d and d.precision == "month") for d in found] + [False])
        date_days, time_s, r.month_only = d_u[codes], t_u[codes], mo_u[codes]
        r.errs.add_problems("occurred_date", dcol, problems[codes])
        missing = codes == -1
    r.missing(missing & ~r.long("occurred_date"), "occurred_date", "the date is required",
              "กรุณาระบุวันที่เกิดเหตุ")
    r.out["occurred_days"] = date_days
    r.out["occurred_time_s"] = time_s


def _time(r: Rows) -> None:
    """occurred_time (wins over a time written in the date) and occurred_precision."""
    time_s = r.out["occurred_time_s"]
    tcol = r.raw("occurred_time")
    if tcol is not None:
        codes, values, problems = parse_unique(tcol, nz.parse_time)
        s_u = np.array([secs(v) if v is not None else -1 for v in values[:-1]] + [-1], dtype=np.int64)
        r.errs.add_problems("occurred_time", tcol, problems[codes])
        own = s_u[codes]
        time_s = np.where(own >= 0, own, time_s)
    approx = flags(r.raw("occurred_approx"), r.n)
    r.out["occurred_time_s"] = time_s
    r.out["occurred_precision"] = np.where(approx == 1, "approximate",
                                           np.where(r.month_only, "month", np.where(time_s >= 0, "exact", "day")))


def _choices(r: Rows) -> None:
    """intake_method and reporter_type in the words officers use; the public form's intake is 'web'."""
    for f in ("intake_method", "reporter_type"):
        col = r.texts.get(f)
        vals = np.full(r.n, None, dtype=object)
        if col is not None:
            codes, values, problems = parse_unique(col, nz.parse_choice, f)
            vals = values[codes]
            r.errs.add_problems(f, col, problems[codes])
        if f == "intake_method" and r.ctx.channel == "online":
            vals = np.where(vals == None, "web", vals)  # noqa: E711
        r.out[f] = vals


def _consent(r: Rows) -> None:
    """Contact details are kept only with consent; otherwise dropped with a 'contact_dropped' warning."""
    consent = flags(r.raw("contact_consent"), r.n) == 1
    given = np.zeros(r.n, dtype=bool)
    for f in CONTACT_FIELDS:
        if f in r.texts:
            given |= r.texts[f].notna().to_numpy()
    for p in np.flatnonzero(given & ~consent):
        r.warns.add(p, "contact_consent", "", "contact_dropped",
                    "contact details were not kept: the reporter did not consent",
                    "ไม่ได้เก็บข้อมูลติดต่อ เนื่องจากผู้แจ้งไม่ได้ให้ความยินยอม")
    for f in STORED_TEXT:
        t = r.texts.get(f)
        if t is None:
            r.out[f] = pa.nulls(r.n, type=pa.string())
            continue
        if f in CONTACT_FIELDS:
            t = t.where(consent)
        r.out[f] = pa.array(t, type=pa.string(), from_pandas=True)
    r.out["contact_consent"] = consent
    r.consent = consent


def _notes(r: Rows) -> None:
    """The warnings of each row, as JSON in the report's note."""
    notes = np.full(r.n, None, dtype=object)
    by_pos: dict[int, list] = {}
    for pos, f, v, code, _th, en in r.warns.rows:
        by_pos.setdefault(pos, []).append({"field": f, "code": code, "value": v, "message": en})
    for pos, items in by_pos.items():
        notes[pos] = json.dumps(items, ensure_ascii=False)
    r.out["note"] = notes


def _shown(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    s = value.isoformat() if isinstance(value, (dt.date, dt.time)) else str(value)
    return s if len(s) <= TEXT_LIMIT else s[:TEXT_LIMIT] + "…"


def _to_arrow(out: dict) -> pa.Table:
    days = out["occurred_days"]
    cols = {
        "category": pa.array(out["category"], type=pa.string()),
        "occurred_date": pa.array(np.where(days >= 0, days, 0).astype("int32"), type=pa.int32(),
                                  mask=days < 0).cast(pa.date32()),
        "occurred_time_s": pa.array(out["occurred_time_s"], type=pa.int64()),
        "occurred_precision": pa.array(out["occurred_precision"].astype(object), type=pa.string()),
        "lat": pa.array(out["lat"], type=pa.float64()),
        "lon": pa.array(out["lon"], type=pa.float64()),
        "location_precision": pa.array(out["location_precision"], type=pa.string()),
        "district_code": pa.array(out["district_code"], type=pa.string()),
        "province_code": out["province_code"],
        "subdistrict_code": pa.array(out["subdistrict_code"], type=pa.string()),
        "district_confidence": pa.array(out["district_confidence"], type=pa.float64()),
        "intake_method": pa.array(out["intake_method"], type=pa.string()),
        "reporter_type": pa.array(out["reporter_type"], type=pa.string()),
        "contact_consent": pa.array(out["contact_consent"], type=pa.bool_()),
        "note": pa.array(out["note"], type=pa.string()),
    }
    for f in STORED_TEXT:
        cols[f] = out[f]
    return pa.table(cols)
