"""The one path every report takes: validate → normalise → locate → dedupe → store.

`submit_report` (the public and office forms) and `importer.import_file` (CSV/XLSX/GeoJSON) both run
`prepare` on a frame of raw fields — one row for a form, a whole file for an import — and `store` the result
inside one transaction. `prepare` is vectorised: each distinct value of a column is parsed once (see
`normalise`), points are placed by the cached `DistrictLocator`, and names are resolved once per distinct
(province, district, subdistrict) triple (see `places`).

Rules
-----
* **Location.** A point (lat/lon, decimal or DMS, Thai digits; or one "lat, lon" `coords` field) wins: the
  district is the one whose polygon contains it (location_precision 'point', district_confidence 1). A
  latitude/longitude pair that only makes sense swapped (latitude outside Thailand's range but inside its
  longitude range and the other way round, or N/S written on the longitude) is swapped, with a
  'swapped_lat_lon' warning. (0, 0), points outside Thailand's box and points inside it but in no Thai
  district (Vientiane, across the Mekong) are 'outside_thailand'. Names given with a point are only
  checked: a different district is a 'district_mismatch' warning, never an error. Without a point, the
  district name or code (within the province when given; or the subdistrict; or "อ.… จ.…" inside
  place_text) gives the district's centroid with precision 'district' and the name match's confidence.
  Nothing usable → 'no_location'; a district that does not exist → 'unknown_district'; a name shared by
  several districts with no province → 'ambiguous' (candidates named).
* **Duplicates.** A new report is a likely duplicate of an earlier one (lower id: earlier in the same batch,
  or already stored) when both have the same category and occurred_date and either both are points at most
  `DUPLICATE_RADIUS_M` (250 m) apart, or either has precision 'district' and both are in the same district.
  Rejected and synthetic reports are not compared against. A duplicate is stored (never dropped) with
  status 'duplicate' and duplicate_of = the lowest matching id.
* **Reference numbers.** `ref_no` = "NTS-" + Buddhist-era year of received_at + "-" + the report id
  zero-padded to at least 6 digits, e.g. NTS-2569-000123. Unique because the id is.
* **Text.** Every field is trimmed (NUL and zero-width characters removed) and stored as typed, HTML
  included (pages escape on output). description ≤ 5,000 characters, every other field ≤ 200; longer →
  'too_long' naming the limit.
* **Contact details** (contact_name, contact_phone) are stored only when contact_consent is true; otherwise
  they are dropped with a 'contact_dropped' warning, also from the raw row kept in quarantine.
* **Time.** `now` is Thailand local time (Asia/Bangkok, stored naive); "today" for the date checks is its
  date. occurred_precision: 'approximate' when occurred_approx is true, else 'month' for a month-only date,
  'exact' when a time is known, else 'day'.
* **Concurrency.** Each call runs one short transaction on the connection it is given (threads each pass
  their own `con.cursor()`); a DuckDB transaction conflict is retried up to `MAX_ATTEMPTS` times with a
  short random back-off.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)

from ..db import run_query
from ..scope import Scope
from ..taxonomy import CHANNEL_KEYS
from . import normalise as nz
from .places import geography, names_in_text, resolve

TZ = ZoneInfo("Asia/Bangkok")
DUPLICATE_RADIUS_M = 250.0
DUPLICATE_CELL_DEG = 0.0025        # ≥ 250 m in latitude everywhere and in longitude up to 25° N
MAX_ATTEMPTS = 8
DESCRIPTION_LIMIT = 5000
TEXT_LIMIT = 200

FIELDS = ("category", "occurred_date", "occurred_time", "occurred_approx", "lat", "lon", "coords",
          "province", "district", "subdistrict", "place_text", "description", "contact_name",
          "contact_phone", "contact_consent", "intake_method", "reporter_type", "officer")
FORM_FIELDS = tuple(f for f in FIELDS if f != "coords")
STORED_TEXT = ("place_text", "description", "contact_name", "contact_phone", "officer")
CONTACT_FIELDS = ("contact_name", "contact_phone")
SOURCES = {"online": "web", "mwcc_office": "mwcc"}
WITHHELD = "[withheld: no consent]"

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


@dataclass(frozen=True)
class SubmitResult:
    """The outcome of one submission. On failure nothing is in `reports`; the submission is in quarantine."""

    ok: bool
    report_id: int | None
    ref_no: str | None
    errors: tuple[FieldError, ...]
    duplicate_of: int | None
    warnings: tuple[FieldError, ...] = ()


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


# ------------------------------------------------------------------------------------------- prepare


@dataclass
class Prepared:
    """`prepare`'s output: normalised columns for every input row, the errors and warnings, and `ok`."""

    table: pa.Table                   # one row per input row (normalised values; meaningful where ok)
    errors: pd.DataFrame              # pos, field, value, code, message_th, message_en
    warnings: pd.DataFrame            # same columns
    ok: np.ndarray                    # bool per row
    consent: np.ndarray               # bool per row: contact details may be kept

    def errors_of(self, pos: int) -> tuple[FieldError, ...]:
        e = self.errors[self.errors["pos"] == pos]
        return tuple(FieldError(r.field, r.code, r.value, r.message_th, r.message_en) for r in e.itertuples())

    def warnings_of(self, pos: int) -> tuple[FieldError, ...]:
        w = self.warnings[self.warnings["pos"] == pos]
        return tuple(FieldError(r.field, r.code, r.value, r.message_th, r.message_en) for r in w.itertuples())


ISSUE_COLUMNS = ["pos", "field", "value", "code", "message_th", "message_en"]


class _Issues:
    def __init__(self):
        self.rows: list[tuple] = []

    def add(self, pos, field_: str, value, code: str, en: str, th: str) -> None:
        self.rows.append((int(pos), field_, _shown(value), code, th, en))

    def add_many(self, positions, field_: str, values, problems) -> None:
        for p, v, pr in zip(positions, values, problems):
            self.add(p, field_, v, pr.code, pr.message_en, pr.message_th)

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=ISSUE_COLUMNS)
        return df.sort_values(["pos"], kind="stable").reset_index(drop=True)


def _shown(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    s = value.isoformat() if isinstance(value, (dt.date, dt.time)) else str(value)
    return s if len(s) <= TEXT_LIMIT else s[:TEXT_LIMIT] + "…"


def _column(frame: pd.DataFrame, name: str) -> pd.Series | None:
    """The column, or None when absent or entirely empty."""
    if name not in frame.columns:
        return None
    s = frame[name]
    if s.dtype == object or isinstance(s.dtype, pd.StringDtype) or s.dtype == "str":
        if s.isna().all():
            return None
    return s


def _per_unique(series: pd.Series, fn):
    """(codes, results): fn applied once per distinct non-missing value; code -1 = missing."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, [fn(u) for u in uniques]


def _text(series: pd.Series | None, n: int) -> pd.Series:
    """Trimmed text with None for empty, as a pyarrow-backed string Series."""
    if series is None:
        return pd.Series([None] * n, dtype="str")
    if series.dtype == object:
        codes, vals = _per_unique(series, nz.clean_text)
        arr = np.array(vals + [None], dtype=object)[codes]
        return pd.Series(arr, dtype="str", index=range(n))
    s = series.astype("str").reset_index(drop=True)
    if s.str.contains("[\x00\u200b\u200c\u200d\ufeff\u00ad]", regex=True).any():
        s = s.str.replace("[\x00\u200b\u200c\u200d\ufeff\u00ad]", "", regex=True)
    s = s.str.strip()
    return s.mask(s == "")


def _safe(fn, *args):
    try:
        return fn(*args), None
    except nz.Problem as p:
        return None, p


def prepare(frame: pd.DataFrame, ctx: Context) -> Prepared:
    """Validate and normalise every row of `frame` (columns named as FIELDS; missing columns are empty)."""
    n = len(frame)
    frame = frame.reset_index(drop=True)
    unknown = set(frame.columns) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed {', '.join(FIELDS)}")
    errs, warns = _Issues(), _Issues()
    out: dict[str, object] = {}

    def fail(mask, field_, values, code, en_fn, th_fn):
        pos = np.flatnonzero(mask)
        for p in pos:
            v = values[p] if values is not None else ""
            errs.add(p, field_, v, code, en_fn(v), th_fn(v))

    # -- text fields: trimmed, length-limited --------------------------------------------------------
    texts: dict[str, pd.Series] = {}
    too_long: dict[str, np.ndarray] = {}
    no = np.zeros(n, dtype=bool)
    for f in FIELDS:
        col = _column(frame, f)
        if f in ("occurred_date", "occurred_time", "lat", "lon", "occurred_approx", "contact_consent") and (
                col is not None and col.dtype != object and not _is_str(col)):
            continue                                   # numbers / dates / booleans: no length to check
        t = _text(col, n) if col is not None else None
        if t is None:
            continue
        limit = DESCRIPTION_LIMIT if f == "description" else TEXT_LIMIT
        long_ = (t.str.len() > limit).fillna(False).to_numpy(dtype=bool)
        if long_.any():
            too_long[f] = long_
            en_l, th_l = FIELD_LABELS[f]
            lens = t.str.len().to_numpy()
            for p in np.flatnonzero(long_):
                errs.add(p, f, t.iat[p], "too_long",
                         f"{en_l} is {int(lens[p]):,} characters; the limit is {limit:,}",
                         f"{th_l}ยาว {int(lens[p]):,} ตัวอักษร เกินกำหนด {limit:,} ตัวอักษร")
            t = t.mask(long_)
        texts[f] = t

    def raw(f):
        """The column for parsing: native values (XLSX/forms) or trimmed text."""
        col = _column(frame, f)
        if col is None:
            return None
        if f in texts:
            return texts[f]
        return col

    # -- category ------------------------------------------------------------------------------------
    cat = texts.get("category")
    if cat is None:
        cat = pd.Series([None] * n, dtype="str")
    codes, res = _per_unique(cat, lambda v: _safe(nz.parse_category, v))
    cat_u = np.array([r[0] for r in res] + [None], dtype=object)
    category = cat_u[codes]
    prob_u = np.array([r[1] for r in res] + [None], dtype=object)
    probs = prob_u[codes]
    m = probs != None  # noqa: E711
    errs.add_many(np.flatnonzero(m), "category", cat.to_numpy(dtype=object)[m], probs[m])
    missing = (codes == -1) & ~too_long.get("category", no)
    fail(missing, "category", None, "missing", lambda v: "category is required",
         lambda v: "กรุณาระบุประเภทเหตุ")
    out["category"] = category

    # -- date (+ a time written with it) -----------------------------------------------------------
    today = ctx.today
    dcol = raw("occurred_date")
    date_days = np.full(n, -1, dtype=np.int64)
    time_s = np.full(n, -1, dtype=np.int64)
    month_only = np.zeros(n, dtype=bool)
    if dcol is not None:
        codes, res = _per_unique(dcol, lambda v: _safe(nz.parse_occurred, v, today))
        epoch = dt.date(1970, 1, 1)
        d_u = np.array([(r[0].date - epoch).days if r[0] else -1 for r in res] + [-1], dtype=np.int64)
        t_u = np.array([_secs(r[0].time) if r[0] and r[0].time else -1 for r in res] + [-1], dtype=np.int64)
        mo_u = np.array([bool(r[0] and r[0].precision == "month") for r in res] + [False])
        p_u = np.array([r[1] for r in res] + [None], dtype=object)
        date_days, time_s, month_only = d_u[codes], t_u[codes], mo_u[codes]
        probs = p_u[codes]
        m = probs != None  # noqa: E711
        errs.add_many(np.flatnonzero(m), "occurred_date", dcol.to_numpy(dtype=object)[m], probs[m])
        missing = (codes == -1)
    else:
        missing = np.ones(n, dtype=bool)
    fail(missing & ~too_long.get("occurred_date", no), "occurred_date", None, "missing",
         lambda v: "the date is required", lambda v: "กรุณาระบุวันที่เกิดเหตุ")

    # -- time ------------------------------------------------------------------------------------------
    tcol = raw("occurred_time")
    if tcol is not None:
        codes, res = _per_unique(tcol, lambda v: _safe(nz.parse_time, v))
        s_u = np.array([_secs(r[0]) if r[0] is not None else -1 for r in res] + [-1], dtype=np.int64)
        p_u = np.array([r[1] for r in res] + [None], dtype=object)
        probs = p_u[codes]
        m = probs != None  # noqa: E711
        errs.add_many(np.flatnonzero(m), "occurred_time", tcol.to_numpy(dtype=object)[m], probs[m])
        own = s_u[codes]
        time_s = np.where(own >= 0, own, time_s)
    approx = _flags(raw("occurred_approx"), n)
    precision = np.where(approx == 1, "approximate",
                         np.where(month_only, "month", np.where(time_s >= 0, "exact", "day")))
    out["occurred_days"] = date_days
    out["occurred_time_s"] = time_s
    out["occurred_precision"] = precision

    # -- coordinates -------------------------------------------------------------------------------
    lat, lat_hint, lat_err = _coords(raw("lat"), n, "lat")
    lon, lon_hint, lon_err = _coords(raw("lon"), n, "lon")
    for f, e, col in (("lat", lat_err, raw("lat")), ("lon", lon_err, raw("lon"))):
        for p, pr in e.items():
            errs.add(p, f, col.iat[p], pr.code, pr.message_en, pr.message_th)
    coord_bad = np.zeros(n, dtype=bool)
    coord_bad[list(lat_err) + list(lon_err)] = True
    ccol = texts.get("coords")
    if ccol is not None:
        codes, res = _per_unique(ccol, lambda v: _safe(nz.parse_coordinate_pair, v))
        use = (codes >= 0) & np.isnan(lat) & np.isnan(lon) & ~coord_bad
        for p in np.flatnonzero(use):
            pair, pr = res[codes[p]]
            if pr is not None:
                errs.add(p, "coords", ccol.iat[p], pr.code, pr.message_en, pr.message_th)
                coord_bad[p] = True
            else:
                lat[p], lon[p] = pair[0].value, pair[1].value
                lat_hint[p] = _HINT[pair[0].axis_hint]
                lon_hint[p] = _HINT[pair[1].axis_hint]
    has_lat, has_lon = ~np.isnan(lat), ~np.isnan(lon)
    half = (has_lat ^ has_lon) & ~coord_bad
    for p in np.flatnonzero(half):
        f = "lon" if has_lat[p] else "lat"
        errs.add(p, f, "", "invalid_coordinate",
                 "latitude and longitude must be given together",
                 "ต้องระบุทั้งละติจูดและลองจิจูด")
    coord_bad |= half
    point = has_lat & has_lon & ~coord_bad
    swap = point & (((lat_hint == 2) & (lon_hint == 1)) | _looks_swapped(lat, lon))
    if swap.any():
        lat[swap], lon[swap] = lon[swap].copy(), lat[swap].copy()
        for p in np.flatnonzero(swap):
            warns.add(p, "lat", f"{lon[p]}, {lat[p]}", "swapped_lat_lon",
                      f"latitude and longitude were swapped: read as {lat[p]:.6f}, {lon[p]:.6f}",
                      f"สลับละติจูดและลองจิจูดให้แล้ว: {lat[p]:.6f}, {lon[p]:.6f}")
    district = np.full(n, None, dtype=object)
    in_box = point & (lat >= nz.LAT_RANGE[0]) & (lat <= nz.LAT_RANGE[1]) & (lon >= nz.LON_RANGE[0]) & (
        lon <= nz.LON_RANGE[1])
    if in_box.any():
        district[in_box] = ctx.locator.locate(lon[in_box], lat[in_box])
    outside = point & (district == None)  # noqa: E711
    for p in np.flatnonzero(outside):
        zero = lat[p] == 0 and lon[p] == 0
        where = "(0, 0) is not a real location" if zero else "is outside Thailand (in no Thai district)"
        where_th = "(0, 0) ไม่ใช่ตำแหน่งจริง" if zero else "อยู่นอกประเทศไทย (ไม่อยู่ในอำเภอใดของไทย)"
        errs.add(p, "lat", f"{lat[p]}, {lon[p]}", "outside_thailand",
                 f"the point {lat[p]:.6f}, {lon[p]:.6f} {where}",
                 f"พิกัด {lat[p]:.6f}, {lon[p]:.6f} {where_th}")
    coord_bad |= outside
    point &= ~outside

    # -- names -----------------------------------------------------------------------------------------
    prov_t, dist_t, sub_t = (texts.get(f, pd.Series([None] * n, dtype="str")) for f in
                             ("province", "district", "subdistrict"))
    named = (prov_t.notna() | dist_t.notna() | sub_t.notna()).to_numpy()
    need_names = ~point & ~coord_bad
    for f in ("province", "district", "subdistrict", "place_text", "lat", "lon", "coords"):
        need_names &= ~too_long.get(f, no)
    from_place = need_names & ~named & texts.get("place_text", pd.Series([None] * n, dtype="str")).notna().to_numpy()
    if from_place.any():
        prov_t, dist_t, sub_t = prov_t.copy(), dist_t.copy(), sub_t.copy()
        place = texts["place_text"]
        for p in np.flatnonzero(from_place):
            found = names_in_text(place.iat[p])
            prov_t.iat[p], dist_t.iat[p], sub_t.iat[p] = (found.get(k) for k in ("province", "district",
                                                                                  "subdistrict"))
        named = (prov_t.notna() | dist_t.notna() | sub_t.notna()).to_numpy()
    todo = need_names | (named & point)
    subdistrict = np.full(n, None, dtype=object)
    confidence = np.where(point, 1.0, np.nan)
    loc_precision = np.where(point, "point", None).astype(object)
    if todo.any():
        idx = np.flatnonzero(todo)
        key = (prov_t.iloc[idx].fillna("").astype(str) + "\x1f" + dist_t.iloc[idx].fillna("").astype(str)
               + "\x1f" + sub_t.iloc[idx].fillna("").astype(str))
        codes, uniq = pd.factorize(key)
        resolved = [resolve(ctx.places, *(x or None for x in k.split("\x1f"))) for k in uniq]
        r_dist = np.array([r.district_code for r in resolved], dtype=object)[codes]
        r_sub = np.array([r.subdistrict_code for r in resolved], dtype=object)[codes]
        r_sub4 = np.array([r.subdistrict_code[:4] if r.subdistrict_code else None for r in resolved],
                          dtype=object)[codes]
        r_conf = np.array([r.confidence for r in resolved], dtype=float)[codes]
        r_err = np.array([r.error is not None for r in resolved])[codes]
        r_warn = np.array([bool(r.warnings) for r in resolved])[codes]
        pt = point[idx]
        # with a point: names are only checked
        dc = district[idx]
        mismatch = pt & (r_dist != None) & (r_dist != dc)  # noqa: E711
        for j in np.flatnonzero(mismatch):
            p = idx[j]
            warns.add(p, "district", dist_t.iat[p] or sub_t.iat[p] or "", "district_mismatch",
                      f"the point is in {ctx.places.label(dc[j])}, not in {ctx.places.label(r_dist[j])}"
                      "; the point's district was kept",
                      f"พิกัดอยู่ใน {ctx.places.label(dc[j])} ไม่ใช่ {ctx.places.label(r_dist[j])} จึงใช้อำเภอตามพิกัด")
        for j in np.flatnonzero(pt & ~mismatch & (r_err | r_warn)):
            r = resolved[codes[j]]
            if r.error is not None and r.error.code != "no_location":
                warns.add(idx[j], r.error.field, r.error.value, r.error.code,
                          r.error.message_en + " (the point's district was used)",
                          r.error.message_th + " (ใช้อำเภอตามพิกัด)")
            for w in r.warnings:
                if w.code == "unknown_subdistrict":
                    warns.add(idx[j], w.field, w.value, w.code, w.message_en, w.message_th)
        keep_sub = pt & (r_sub4 == dc)
        subdistrict[idx[keep_sub]] = r_sub[keep_sub]
        # without a point: the names place the report at the district's centroid
        for j in np.flatnonzero(~pt & r_err):
            e = resolved[codes[j]].error
            errs.add(idx[j], e.field, e.value, e.code, e.message_en, e.message_th)
        for j in np.flatnonzero(~pt & ~r_err & r_warn):
            for w in resolved[codes[j]].warnings:
                warns.add(idx[j], w.field, w.value, w.code, w.message_en, w.message_th)
        ok_names = ~pt & ~r_err
        rows_ = idx[ok_names]
        district[rows_] = r_dist[ok_names]
        subdistrict[rows_] = r_sub[ok_names]
        confidence[rows_] = r_conf[ok_names]
        loc_precision[rows_] = "district"
        cent = np.array([ctx.centroids.get(r.district_code, (np.nan, np.nan)) if r.district_code else (np.nan, np.nan)
                         for r in resolved], dtype=float).reshape(-1, 2)[codes]
        lat[rows_] = cent[ok_names, 0]
        lon[rows_] = cent[ok_names, 1]
    province = pa.compute.utf8_slice_codeunits(pa.array(district, type=pa.string()), 0, 2)
    out.update(lat=lat, lon=lon, district_code=district, province_code=province, subdistrict_code=subdistrict,
               district_confidence=confidence, location_precision=loc_precision)
    _check_scope(ctx, np.asarray(district, dtype=object), errs)

    # -- choices -----------------------------------------------------------------------------------------
    for f in ("intake_method", "reporter_type"):
        col = texts.get(f)
        vals = np.full(n, None, dtype=object)
        if col is not None:
            codes, res = _per_unique(col, lambda v, f=f: _safe(nz.parse_choice, v, f))
            v_u = np.array([r[0] for r in res] + [None], dtype=object)
            p_u = np.array([r[1] for r in res] + [None], dtype=object)
            vals, probs = v_u[codes], p_u[codes]
            m = probs != None  # noqa: E711
            errs.add_many(np.flatnonzero(m), f, col.to_numpy(dtype=object)[m], probs[m])
        if f == "intake_method" and ctx.channel == "online":
            vals = np.where(vals == None, "web", vals)  # noqa: E711
        out[f] = vals

    # -- consent and contact details --------------------------------------------------------------------
    consent = _flags(raw("contact_consent"), n) == 1
    contact_given = np.zeros(n, dtype=bool)
    for f in CONTACT_FIELDS:
        t = texts.get(f)
        if t is not None:
            contact_given |= t.notna().to_numpy()
    for p in np.flatnonzero(contact_given & ~consent):
        warns.add(p, "contact_consent", "", "contact_dropped",
                  "contact details were not kept: the reporter did not consent",
                  "ไม่ได้เก็บข้อมูลติดต่อ เนื่องจากผู้แจ้งไม่ได้ให้ความยินยอม")
    for f in STORED_TEXT:
        t = texts.get(f)
        if t is None:
            out[f] = pa.nulls(n, type=pa.string())
            continue
        if f in CONTACT_FIELDS:
            t = t.where(consent)
        out[f] = pa.array(t, type=pa.string(), from_pandas=True)
    out["contact_consent"] = consent

    errors = errs.frame()
    warnings = warns.frame()
    notes = np.full(n, None, dtype=object)
    if len(warns.rows):
        by_pos: dict[int, list] = {}
        for pos, f, v, code, _th, en in warns.rows:
            by_pos.setdefault(pos, []).append({"field": f, "code": code, "value": v, "message": en})
        for pos, items in by_pos.items():
            notes[pos] = json.dumps(items, ensure_ascii=False)
    out["note"] = notes
    ok = np.ones(n, dtype=bool)
    if len(errors):
        ok[errors["pos"].to_numpy()] = False
    return Prepared(table=_to_arrow(out, n), errors=errors, warnings=warnings, ok=ok, consent=consent)


def _check_scope(ctx: Context, district: np.ndarray, errs) -> None:
    """A writer limited to a district or province may store reports located there only: every other
    located row fails on 'district' with 'outside_scope', naming where it lies and what is allowed."""
    scope = ctx.scope
    if scope is None or not scope.restricted:
        return
    names = ctx.names or {}
    want = scope.district_code or scope.province_code
    th_area, en_area = names.get(want, (want, want))
    kind_en, kind_th = ("district", "อำเภอ") if scope.district_code else ("province", "จังหวัด")
    for p, code in enumerate(district.tolist()):
        if code is None or (scope.district_code and code == scope.district_code) or \
                (not scope.district_code and str(code)[:2] == scope.province_code):
            continue
        th, en = names.get(code, (code, code))
        errs.add(p, "district", f"{en} ({code})", "outside_scope",
                 f"the report lies in {en} ({code}), outside your {kind_en}; you can store reports for "
                 f"{en_area} ({want}) only",
                 f"เหตุอยู่ในอำเภอ{th} ({code}) นอก{kind_th}ของท่าน ท่านบันทึกได้เฉพาะ{kind_th}{th_area} ({want})")


def _is_str(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) or str(s.dtype) in ("str", "string")


def _secs(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


_HINT = {None: 0, "lat": 1, "lon": 2}


def _flags(col, n) -> np.ndarray:
    """1 true, 0 false, -1 empty/unclear."""
    if col is None:
        return np.full(n, -1, dtype=np.int8)
    codes, res = _per_unique(col, nz.parse_flag)
    u = np.array([(-1 if r is None else int(r)) for r in res] + [-1], dtype=np.int8)
    return u[codes]


def _coords(col, n, axis):
    """(degrees with NaN for empty, axis hints 0/1/2, {pos: Problem})."""
    vals = np.full(n, np.nan)
    hints = np.zeros(n, dtype=np.int8)
    errors: dict[int, nz.Problem] = {}
    if col is None:
        return vals, hints, errors
    if col.dtype.kind == "f":
        vals = col.to_numpy(dtype=float, copy=True)
        rest = np.zeros(n, dtype=bool)
    else:
        num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        vals = num.copy()
        rest = np.isnan(num) & col.notna().to_numpy()
    inf = ~np.isfinite(vals) & ~np.isnan(vals)
    rest |= inf
    vals[inf] = np.nan
    if rest.any():
        idx = np.flatnonzero(rest)
        codes, res = _per_unique(col.iloc[idx], lambda v: _safe(nz.parse_coordinate, v, axis))
        for p, c in zip(idx, codes):
            if c < 0:
                continue
            coord, pr = res[c]
            if pr is not None:
                errors[int(p)] = pr
            elif coord is not None:
                vals[p] = coord.value
                hints[p] = _HINT[coord.axis_hint]
    return vals, hints, errors


def _looks_swapped(lat, lon) -> np.ndarray:
    la0, la1 = nz.LAT_RANGE
    lo0, lo1 = nz.LON_RANGE
    with np.errstate(invalid="ignore"):
        return (~((lat >= la0) & (lat <= la1)) & (lat >= lo0) & (lat <= lo1)
                & (lon >= la0) & (lon <= la1) & ~((lon >= lo0) & (lon <= lo1)))


def _to_arrow(out: dict, n: int) -> pa.Table:
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


# --------------------------------------------------------------------------------------------- store


@dataclass
class Stored:
    """What `store` wrote."""

    ids: np.ndarray                   # report ids of the ok rows, in row order
    duplicate_of: np.ndarray          # per ok row: the earlier report's id, or -1
    quarantined: int
    refs: list[str] = field(default_factory=list)


def store(con, prep: Prepared, *, channel: str, actor: str, now: dt.datetime, source: str,
          batch_id: int | None = None, row_nos: np.ndarray | None = None, raw_rows=None,
          extra_quarantine: list[tuple[int, str, list[dict]]] = ()) -> Stored:
    """Insert the ok rows into reports (with audit events and duplicate flags) and the others into quarantine.

    Runs inside the caller's transaction. `raw_rows(positions)` gives the raw rows (dicts) to keep in
    quarantine; `extra_quarantine` adds rows refused before `prepare` (row_no, raw_json, reasons).
    """
    ok_pos = np.flatnonzero(prep.ok)
    ids = np.empty(0, dtype=np.int64)
    dups = np.empty(0, dtype=np.int64)
    if len(ok_pos):
        ids = con.execute("SELECT nextval('report_id_seq') AS id FROM range(?) ORDER BY id",
                          [len(ok_pos)]).fetchnumpy()["id"].astype(np.int64)
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
            run_query(con, "intake_duplicates", {"radius_m": DUPLICATE_RADIUS_M, "cell_deg": DUPLICATE_CELL_DEG})
            found = con.execute("SELECT id, duplicate_of FROM intake_rows WHERE duplicate_of IS NOT NULL "
                                "ORDER BY id").fetchnumpy()
            dups = np.full(len(ids), -1, dtype=np.int64)
            if len(found["id"]):
                dups[np.searchsorted(ids, found["id"].astype(np.int64))] = found["duplicate_of"].astype(np.int64)
            params = {"received_at": now, "channel": channel, "source": source, "batch_id": batch_id,
                      "actor": actor}
            run_query(con, "intake_insert_reports", params)
            run_query(con, "intake_insert_audit", params)
        finally:
            con.execute("DROP TABLE IF EXISTS temp.intake_rows")
    bad_pos = np.flatnonzero(~prep.ok)
    q_rows: list[tuple] = []
    if len(bad_pos):
        raws = raw_rows(bad_pos) if raw_rows is not None else [{} for _ in bad_pos]
        by_pos = {p: [] for p in bad_pos}
        for r in prep.errors.itertuples():
            by_pos.setdefault(r.pos, []).append({"field": r.field, "value": r.value, "code": r.code,
                                                 "message": r.message_en, "message_th": r.message_th})
        for p, rw in zip(bad_pos, raws):
            rn = int(row_nos[p]) if row_nos is not None else None
            q_rows.append((batch_id, rn, json.dumps(rw, ensure_ascii=False, default=str),
                           json.dumps(by_pos[p], ensure_ascii=False)))
    for rn, raw_json, reasons in extra_quarantine:
        q_rows.append((batch_id, rn, raw_json, json.dumps(reasons, ensure_ascii=False)))
    if q_rows:
        q = pa.table({"batch_id": pa.array([r[0] for r in q_rows], type=pa.int64()),
                      "row_no": pa.array([r[1] for r in q_rows], type=pa.int32()),
                      "raw_json": pa.array([r[2] for r in q_rows], type=pa.string()),
                      "reasons_json": pa.array([r[3] for r in q_rows], type=pa.string())})
        con.register("intake_quarantine_rows", q)
        try:
            run_query(con, "intake_insert_quarantine", {"created_at": now})
        finally:
            con.unregister("intake_quarantine_rows")
    return Stored(ids=ids, duplicate_of=dups, quarantined=len(q_rows))


def ref_no(report_id: int, received_at: dt.datetime) -> str:
    """The reference a reporter can quote: NTS-<BE year of receipt>-<id, zero-padded to 6 digits>."""
    return f"NTS-{received_at.year + nz.BE_OFFSET}-{report_id:06d}"


def _is_conflict(exc: Exception) -> bool:
    return isinstance(exc, duckdb.Error) and "conflict" in str(exc).lower()


def in_transaction(con, work, attempts: int = MAX_ATTEMPTS):
    """Run `work()` between BEGIN and COMMIT, retrying DuckDB transaction conflicts (bounded).

    The connection must not be inside a transaction already (BEGIN then fails and nothing is rolled back).
    """
    for attempt in range(1, attempts + 1):
        con.execute("BEGIN")
        try:
            result = work()
            con.execute("COMMIT")
            return result
        except Exception as exc:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            if attempt < attempts and _is_conflict(exc):
                time.sleep(random.uniform(0.001, 0.005) * 2 ** min(attempt, 6))
                continue
            raise


# ------------------------------------------------------------------------------------ submit_report


def _redacted(fields: dict, consent: bool) -> dict:
    out = {}
    for k, v in fields.items():
        if k in CONTACT_FIELDS and not consent and nz.clean_text(v) is not None:
            out[k] = WITHHELD
        elif isinstance(v, (dt.date, dt.time)):
            out[k] = v.isoformat()
        else:
            out[k] = v if v is None or isinstance(v, (bool, int, float)) else str(v)
    return out


def submit_report(con, fields: dict, *, channel: str, actor: str, now: dt.datetime | None = None,
                  scope: Scope | None = None) -> SubmitResult:
    """Validate, normalise, locate, dedupe and store one report from a form.

    `fields` holds what the person typed or picked (keys in FORM_FIELDS; values text, dates, numbers,
    booleans or None). `channel` is 'online', 'mwcc_office' or 'import'. On success the report is stored with
    status 'new' (or 'duplicate' with duplicate_of set), a ref_no and a 'created' audit event by `actor`. On
    failure nothing goes into `reports`; the submission goes into `quarantine` (batch_id NULL) and the errors
    name the field and the reason in Thai and English. Runs its own transaction on `con`. scope: the
    writer's (the office form passes the officer's); a report located outside it is refused ('outside_scope',
    quarantined like any other failure).
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed {', '.join(FORM_FIELDS)}")
    ctx = make_context(con, channel, now, scope)
    frame = pd.DataFrame({k: pd.Series([fields.get(k)], dtype=object) for k in FIELDS if k in fields})
    if frame.shape[0] == 0:
        frame = pd.DataFrame(index=[0])
    prep = prepare(frame, ctx)
    source = SOURCES.get(channel, "import:form")
    consent = bool(prep.consent[0])

    def work():
        return store(con, prep, channel=channel, actor=actor, now=ctx.now, source=source,
                     raw_rows=lambda pos: [_redacted(fields, consent)])

    stored = in_transaction(con, work)
    warnings = prep.warnings_of(0)
    if not prep.ok[0]:
        return SubmitResult(False, None, None, prep.errors_of(0), None, warnings)
    rid = int(stored.ids[0])
    dup = int(stored.duplicate_of[0]) if stored.duplicate_of[0] >= 0 else None
    return SubmitResult(True, rid, ref_no(rid, ctx.now), (), dup, warnings)
