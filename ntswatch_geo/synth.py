"""Synthetic NTS-Mekong Watch reports: a documented, seeded model on the real border districts.

`generate(con, n_reports, seed, scenario, end_date, progress)` writes one *run*: `n_reports` background
reports (exactly that many) plus the extra reports of the scenario's planted signals (on top, recorded
in `planted_signals` per signal and month, and report by report in `planted_reports`), one row in
`synth_runs`, all in one transaction. Every row has `is_synthetic = true` and `source = 'synthetic:<run>'`.
The same seed, scenario, end date and geography give byte-identical rows (ids included, on the same
database state).

The model (parameters in the scenario; defaults and reasons in ntswatch_geo/reference/scenarios/default.toml and README.md)

Period and cells. Months from January 2023 (website launch) to the month of `end_date` (default yesterday;
`end_date` is the last day with reports, the last month may be partial). The background mean of a cell —
border district d × category k × month m × channel c — is

    mu[d,k,m,c] = R · W[d,c] · mix[region(d),k] · s[d,m] · u[c,m] · e[c,m]

- W[d,c] ∝ (border_km_la + border_km_kh + Σ crossing_rate_km of the district's crossings)
  × rate_factor[region(d)] × share[c] × (1, or off_site_factor[c] where d is not a named MWCC site);
  normalised so that Σ W = 1. Only the 67 districts with `is_border` get reports.
- mix: the region's category mix (drugs heaviest on the northern and Mekong border, trafficking,
  illegal entry and online fraud heavier on the Cambodian border, most of all in Sa Kaeo facing Poipet).
- s[d,m] = 1 + A_d · cos(2π (month_of_year − peak_month) / 12): above 1 from December to May (low
  Mekong water, easier crossings), below 1 in the wet season; A_d is the border-length-weighted mean of
  amplitude_la and amplitude_kh (the Lao border swings more). The factor averages to 1 over a year.
- u[c,m] = 1 / (1 + exp(−(t − midpoint_c) / scale_c)), t = months since the channel opened, evaluated
  at the middle of the month's open days: the logistic uptake of the website (open 2023-01-15) and of the
  district MWCC offices (open 2023-12-25, DOPA order).
- e[c,m] = open days of the channel in the month (on or after its opening, on or before end_date) /
  days in the month. No mwcc_office report can occur before 2023-12-25, none online before 2023-01-15.
- R: the rate per month across all border districts at full uptake. With `n_reports` given,
  R = n_reports / Σ mu(R = 1); with `n_reports=None`, R is the scenario's `base.reports_per_month` and
  the background total is round(Σ mu).

Counts. The background cell counts are multinomial(n_reports, mu / Σ mu): independent Poisson(mu)
counts conditioned on their total, so the total is exactly `n_reports` and any one cell is Binomial,
practically Poisson(mu).

Planted signals. For signal s and month m the factor f(m) is the multiplier (step), 1 → multiplier
linearly over the months (ramp), or the multiplier in its one month (pulse). The extra reports are the
deterministic number round_half_up((f(m) − 1) · expected_base), expected_base = Σ_c mu[d,k,m,c],
split over the channels multinomially in proportion to mu[d,k,m,c]. Extras come on top of the
background, which stays multinomial/Poisson.

Space. Each report is placed inside its district: an anchor is chosen — a crossing of the district
(probability crossing_share, crossings weighted by crossing_rate_km of their type), a point on the
district's international border stretch (border_share; anchor candidates every 250 m along the part of
the district boundary that lies on Thailand's outer boundary within border.BUFFER_M of Laos or Cambodia),
or a uniform point of the district's bounding box (the rest) — then moved a distance drawn from an
exponential (crossing_scale_km, border_scale_km; 0 for inland) in a uniform direction. Points outside
the district polygon (over the river, across the border, into a neighbouring district) are redrawn,
anchor included, until all lie inside (vectorised rounds, checked with shapely.contains_xy on the
coordinates as stored, rounded to 6 decimals). The result is the anchor mixture truncated to the polygon.

Attributes (constants below): occurred date uniform over the channel's open days of the month; hour of
day from HOUR_WEIGHTS (evenings and nights busier); precision exact / day / approximate = 25/65/10 %,
only `exact` keeps `occurred_time`; intake web for online and walk_in / phone / line / headman / patrol
for the office; received_at = occurrence + a log-normal lag (median by intake, hours to days; clipped to
end_date); review after 2 h + Exponential(REVIEW_MEAN_DAYS) — reviews that would fall after end_date leave
the report `new`, as do 3 % never reviewed — then forwarded / verified / rejected = 60/27/13 % with
`verified_at` = review time (≥ received_at) and `forwarded_to` an agency key (AGENCIES) routed by category;
for DUPLICATE_SHARE (8 %) of the reviewed reports a second report of the same event arrives (same category,
date, district and point, received Exponential(DUPLICATE_LAG_HOURS) later, clipped to end_date) with status
`duplicate` and duplicate_of = the first: these copies come on top of the modelled counts (the background
and planted numbers above count first reports only) and, like every duplicate, count in no statistic; description from Thai/English templates naming the category (ยาบ้า, แรงงานต่างด้าว,
ช่องทางธรรมชาติ …); place_text from the anchor; no contact details.

Cooperation activities (issue 14). `n_activities` (default 0: none) adds synthetic cooperation activities on
the real parallel areas and the scenario's planted effects of an activity type on the district's reports
(extra reports drawn from the same mu, recorded in coop_planted_effects); model and records in
ntswatch_geo/cooperation/demo.py.

Random numbers come from numpy's PCG64 seeded by SeedSequence(seed), one child stream per part, so the
parts do not shift one another.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from dataclasses import dataclass
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .boundaries import METRIC_CRS
from .db import next_ids, transaction
from .errors import InputError
from .scenario import (PERIOD_START, Model, Scenario, default_scenario, last_month, region_of, validate)
from .taxonomy import AGENCIES, CATEGORY_KEYS, WEBSITE_OPENED

__all__ = ["SynthResult", "generate", "background_means", "AGENCIES", "INTAKE_METHODS", "REPORTER_TYPES"]

Progress = Callable[[str, float], None]

ANCHOR_SPACING_M = 250.0
MAX_ROUNDS = 200
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQ = 111.320

INTAKE_METHODS = ["web", "walk_in", "phone", "line", "headman", "patrol"]
OFFICE_INTAKE_P = [0.0, 0.40, 0.20, 0.20, 0.12, 0.08]
LAG_MEDIAN_HOURS = [3.0, 26.0, 6.0, 4.0, 60.0, 12.0]        # by intake method, log-normal
LAG_SIGMA = 1.0
REPORTER_TYPES = ["citizen", "anonymous", "village_headman", "volunteer"]
REPORTER_P = [[0.70, 0.30, 0, 0], [0.95, 0.05, 0, 0], [0.80, 0.20, 0, 0], [0.75, 0.25, 0, 0],
              [0, 0, 1.0, 0], [0, 0, 0, 1.0]]                 # by intake method
PRECISIONS = ["exact", "day", "approximate"]
PRECISION_P = [0.25, 0.65, 0.10]
HOUR_WEIGHTS = [4, 3, 3, 3, 4, 5, 6, 5, 4, 4, 4, 4, 4, 4, 4, 4, 5, 6, 7, 7, 7, 6, 5, 5]
REVIEW_MIN_HOURS = 2.0
REVIEW_MEAN_DAYS = {"online": 25.0, "mwcc_office": 15.0}
NEVER_REVIEWED = 0.03
STATUSES = ["new", "verified", "forwarded", "rejected", "duplicate"]
OUTCOME_P = [0.0, 0.27, 0.60, 0.13, 0.0]                      # once reviewed (duplicates are extra copies)
DUPLICATE_SHARE = 0.08                                        # of reviewed reports: a second report arrives
DUPLICATE_LAG_HOURS = 6.0

_AG = [a for a in AGENCIES if a != "other"]  # the generator never forwards to "other"
ROUTING: dict[str, dict[str, float]] = {
    "drug_trafficking": {"oncb": 0.45, "provincial_police": 0.35, "border_patrol_police": 0.15, "army_task_force": 0.05},
    "human_trafficking": {"msdhs": 0.40, "provincial_police": 0.30, "dsi": 0.20, "immigration": 0.10},
    "illegal_migration": {"immigration": 0.60, "border_patrol_police": 0.20, "army_task_force": 0.15,
                          "provincial_police": 0.05},
    "smuggling": {"customs": 0.65, "provincial_police": 0.15, "army_task_force": 0.10, "border_patrol_police": 0.10},
    "online_fraud": {"provincial_police": 0.55, "dsi": 0.35, "immigration": 0.10},
    "other": {"provincial_police": 0.60, "border_patrol_police": 0.25, "army_task_force": 0.15},
}

DESCRIPTIONS: dict[str, list[str]] = {
    "drug_trafficking": [
        "พบการลักลอบขนยาบ้าผ่านช่องทางธรรมชาติ / ya ba (methamphetamine) carried through a natural crossing",
        "มีการซื้อขายยาเสพติด (ยาบ้า ไอซ์) ในหมู่บ้าน / drugs (ya ba, ice) sold in the village",
        "พบกลุ่มบุคคลขนกัญชาข้ามแดนช่วงกลางคืน / group carrying cannabis across the border at night",
        "พบไอซ์ซุกซ่อนในรถกระบะใกล้จุดผ่านแดน / crystal meth hidden in a pickup near the checkpoint",
    ],
    "human_trafficking": [
        "สงสัยการค้ามนุษย์ ชักชวนหญิงสาวไปทำงานต่างประเทศ / suspected trafficking: young women recruited for work abroad",
        "แรงงานต่างด้าวถูกกักขังและยึดเอกสาร สงสัยค้ามนุษย์ / foreign workers confined, papers taken",
        "นายหน้าพาคนข้ามแดนไปทำงานแก๊งคอลเซ็นเตอร์ (ค้ามนุษย์) / broker taking people across to a call-centre gang",
        "เด็กถูกพามาขอทานใกล้ตลาดชายแดน สงสัยค้ามนุษย์ / children brought to beg near the border market",
    ],
    "illegal_migration": [
        "พบแรงงานต่างด้าวลักลอบข้ามแดนทางช่องทางธรรมชาติ / foreign workers crossing at a natural crossing",
        "ลักลอบเข้าเมืองโดยเรือข้ามฟากช่วงกลางคืน / illegal entry by boat at night",
        "พบคนต่างด้าวหลบหนีเข้าเมืองพักอยู่ในสวนยาง / undocumented migrants staying in a rubber plantation",
        "รถตู้รับคนต่างด้าวหลบหนีเข้าเมืองใกล้ชายแดน / van picking up migrants who entered illegally",
    ],
    "smuggling": [
        "ลักลอบขนบุหรี่และสุราหนีภาษี / cigarettes and liquor smuggled past customs",
        "พบการลักลอบขนโคกระบือข้ามแดน / cattle and buffalo smuggled across the border",
        "ลักลอบนำสินค้าเถื่อนผ่านจุดผ่อนปรน / contraband brought through a relaxed crossing point",
        "พบรถยนต์ต้องสงสัยลักลอบขนข้ามแดน / suspicious vehicle being smuggled across",
    ],
    "online_fraud": [
        "ถูกแก๊งคอลเซ็นเตอร์หลอกให้โอนเงิน / call-centre gang tricked a villager into a transfer",
        "บัญชีม้าและซิมการ์ดส่งข้ามแดนให้แก๊งคอลเซ็นเตอร์ / mule accounts and SIM cards sent across to a call-centre gang",
        "สงสัยมีฐานแก๊งคอลเซ็นเตอร์ฝั่งตรงข้าม / suspected call-centre base across the border",
        "สายอินเทอร์เน็ตลักลอบพาดข้ามแดนให้แก๊งคอลเซ็นเตอร์ / internet cable strung across the border for a scam centre",
    ],
    "other": [
        "พบบุคคลต้องสงสัยเคลื่อนไหวบริเวณชายแดน / suspicious persons moving along the border",
        "ลักลอบตัดไม้พะยูงบริเวณชายแดน / Siamese rosewood felled near the border",
        "ลักลอบค้าสัตว์ป่าข้ามแดน / cross-border wildlife trade",
        "มีการพนันออนไลน์ในหมู่บ้านชายแดน / online gambling in a border village",
    ],
}


def default_end_date() -> dt.date:
    """Yesterday: the last whole day, so no synthetic report is received after the time of generation."""
    return dt.date.today() - dt.timedelta(days=1)


@dataclass(frozen=True)
class SynthResult:
    """What one `generate` call wrote."""

    run_id: int
    seed: int
    n_background: int          # background reports (= n_reports when given)
    n_planted: int             # extra reports of the planted signals, on top
    start_date: dt.date
    end_date: dt.date
    scenario_name: str
    base_rate_per_month: float  # R: reports per month, all border districts, full uptake
    planted: pd.DataFrame      # the planted_signals rows of this run
    seconds: float
    n_duplicates: int = 0      # second reports of an event (status duplicate), on top of both
    n_activities: int = 0      # synthetic cooperation activities (cooperation/demo.py)
    n_effect: int = 0          # extra reports of the planted cooperation effects, on top
    effects: pd.DataFrame | None = None   # the coop_planted_effects rows of this run

    @property
    def n_total(self) -> int:
        """All reports written: background + planted + planted effects + duplicates."""
        return self.n_background + self.n_planted + self.n_effect + self.n_duplicates

    def summary(self) -> str:
        """One line for the CLI."""
        coop = (f"; {self.n_activities:,} synthetic cooperation activities"
                + (f" (+{self.n_effect:,} reports of planted effects)" if self.n_effect else "")
                if self.n_activities else "")
        return (f"run {self.run_id}: {self.n_total:,} synthetic reports ({self.n_background:,} background + "
                f"{self.n_planted:,} planted by scenario {self.scenario_name!r} + {self.n_duplicates:,} duplicates), {self.start_date} to {self.end_date}, "
                f"seed {self.seed}, {self.seconds:.1f} s{coop}")


# ------------------------------------------------------------------------------------------- geography

@dataclass
class _Geo:
    codes: list[str]
    name_th: list[str]
    province_th: list[str]
    km_la: np.ndarray
    km_kh: np.ndarray
    mwcc_site: np.ndarray
    polys: list                  # shapely polygons, lon/lat, prepared
    bbox: np.ndarray             # (D, 4)
    b_lon: np.ndarray            # border anchor candidates, by district
    b_lat: np.ndarray
    b_off: np.ndarray
    b_cnt: np.ndarray
    x_lon: np.ndarray            # crossings, by district
    x_lat: np.ndarray
    x_type: list[str]
    x_name: list[str]
    x_off: np.ndarray
    x_cnt: np.ndarray


_GEO_CACHE: dict[str, _Geo] = {}


def _load_geo(con) -> _Geo:
    """The border districts with their polygons, border anchors and crossings (cached per geography)."""
    dist = con.execute("""
        SELECT d.code, d.name_th, p.name_th, d.border_km_la, d.border_km_kh,
               m.district_code IS NOT NULL, ST_AsWKB(d.geom)
        FROM districts d JOIN provinces p ON p.code = d.province_code
        LEFT JOIN mwcc_sites m ON m.district_code = d.code
        WHERE d.is_border ORDER BY d.code""").fetchall()
    if not dist:
        raise InputError("the database has no border districts: run `ntswatch init` first")
    stretch_rows = con.execute("SELECT district_code, country, ST_AsWKB(geom) FROM border_stretches "
                               "ORDER BY district_code, country").fetchall()
    if not stretch_rows:
        raise InputError("the database has no border stretches (stored by `ntswatch init` since schema 14): "
                         "run `ntswatch init` again")
    xs = con.execute("SELECT district_code, id, coalesce(nullif(name_th, ''), name_en), crossing_type, lon, lat "
                     "FROM border_crossings ORDER BY district_code, id").fetchall()
    h = hashlib.sha256()
    for rows in (dist, stretch_rows, xs):
        for r in rows:
            h.update(repr(r).encode())
    key = h.hexdigest()
    if key not in _GEO_CACHE:
        if len(_GEO_CACHE) > 4:
            _GEO_CACHE.clear()
        _GEO_CACHE[key] = _build_geo(dist, stretch_rows, xs)
    return _GEO_CACHE[key]


def _build_geo(dist, stretch_rows, xs) -> _Geo:
    codes = [r[0] for r in dist]
    polys = list(shapely.from_wkb([bytes(r[6]) for r in dist]))
    stretches = _anchor_lines(polys, codes, stretch_rows)
    b_lon, b_lat, b_cnt = [], [], []
    for line in stretches:
        pts = _points_along(line)
        b_lon.append(pts[:, 0])
        b_lat.append(pts[:, 1])
        b_cnt.append(len(pts))
    shapely.prepare(polys)
    by_d = {c: [] for c in codes}
    for r in xs:
        if r[0] in by_d:
            by_d[r[0]].append(r)
    xrows = [r for c in codes for r in by_d[c]]
    x_cnt = np.array([len(by_d[c]) for c in codes], dtype=np.int64)
    b_cnt = np.array(b_cnt, dtype=np.int64)
    return _Geo(
        codes=codes, name_th=[r[1] for r in dist], province_th=[r[2] for r in dist],
        km_la=np.array([r[3] for r in dist], float), km_kh=np.array([r[4] for r in dist], float),
        mwcc_site=np.array([bool(r[5]) for r in dist]), polys=polys, bbox=shapely.bounds(polys),
        b_lon=np.concatenate(b_lon), b_lat=np.concatenate(b_lat),
        b_off=np.concatenate([[0], np.cumsum(b_cnt)[:-1]]), b_cnt=b_cnt,
        x_lon=np.array([r[4] for r in xrows], float), x_lat=np.array([r[5] for r in xrows], float),
        x_type=[r[3] for r in xrows], x_name=[r[2] for r in xrows],
        x_off=np.concatenate([[0], np.cumsum(x_cnt)[:-1]]), x_cnt=x_cnt,
    )


def _anchor_lines(polys, codes, stretch_rows) -> list:
    """Each border district's international border stretch (UTM 48N), as `ntswatch init` stored it in
    border_stretches (ntswatch_geo/border.py: the part of its boundary on Thailand's outer boundary within
    border.BUFFER_M of Laos or Cambodia, so not the sea coast); the district boundary where it is shorter
    than one anchor spacing."""
    by_code: dict[str, list] = {c: [] for c in codes}
    for code, _country, wkb in stretch_rows:
        if code in by_code and wkb is not None:
            by_code[code].append(shapely.from_wkb(bytes(wkb)))
    mine = gpd.GeoSeries(polys, crs=4326).to_crs(METRIC_CRS).values
    out = []
    for code, g in zip(codes, mine):
        parts = by_code[code]
        line = (gpd.GeoSeries([shapely.union_all(parts)], crs=4326).to_crs(METRIC_CRS).values[0]
                if parts else shapely.LineString())
        out.append(line if shapely.length(line) >= ANCHOR_SPACING_M else g.boundary)
    return out


def _points_along(line) -> np.ndarray:
    """Points every ANCHOR_SPACING_M along the linear parts of `line` (UTM), as lon/lat rows."""
    parts = [p for p in shapely.get_parts(shapely.line_merge(shapely.union_all(
        [q for q in shapely.get_parts(line) if q.geom_type in ("LineString", "LinearRing", "MultiLineString")])))]
    pts = []
    for p in parts:
        n = max(1, int(p.length // ANCHOR_SPACING_M))
        pts.extend(shapely.line_interpolate_point(p, (np.arange(n) + 0.5) * p.length / n))
    ll = gpd.GeoSeries(pts, crs=METRIC_CRS).to_crs(4326)
    return np.column_stack([ll.x.values, ll.y.values])


# ------------------------------------------------------------------------------------------- the model

@dataclass
class _Means:
    months: list[dt.date]
    win_start: np.ndarray        # (M, C) epoch day of the first open day
    win_days: np.ndarray         # (M, C) open days
    mu: np.ndarray               # (D, K, M, C) at R = 1
    channels: list[str]


def _epoch_day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _model_means(model: Model, geo: _Geo, end_date: dt.date) -> _Means:
    months, m = [], PERIOD_START
    while m <= last_month(end_date):
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    chans = model.channels
    M, C = len(months), len(chans)
    win_start = np.zeros((M, C), np.int64)
    win_days = np.zeros((M, C), np.int64)
    uptake = np.zeros((M, C))
    expo = np.zeros((M, C))
    for i, ms in enumerate(months):
        me = (ms + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        for j, ch in enumerate(chans):
            lo, hi = max(ms, ch.opens), min(me, end_date)
            n = (hi - lo).days + 1
            if n <= 0:
                continue
            win_start[i, j], win_days[i, j] = _epoch_day(lo), n
            expo[i, j] = n / me.day
            t = ((lo - ch.opens).days + n / 2) / 30.4375
            uptake[i, j] = 1.0 / (1.0 + math.exp(-(t - ch.uptake_midpoint_months) / ch.uptake_scale_months))
    regions = [region_of(model, c) for c in geo.codes]
    ncross = np.zeros(len(geo.codes))
    for d in range(len(geo.codes)):
        o, n = geo.x_off[d], geo.x_cnt[d]
        ncross[d] = sum(model.crossing_rate_km[t] for t in geo.x_type[o:o + n])
    w = (geo.km_la + geo.km_kh + ncross) * np.array([r.rate_factor for r in regions])
    share = np.array([c.share for c in chans])
    site = np.where(geo.mwcc_site[:, None], 1.0, np.array([c.off_site_factor for c in chans])[None, :])
    W = w[:, None] * share[None, :] * site
    W = W / W.sum()
    mix = np.array([[r.mix[k] for k in CATEGORY_KEYS] for r in regions])
    km = geo.km_la + geo.km_kh
    amp = (geo.km_la * model.amplitude_la + geo.km_kh * model.amplitude_kh) / km
    moy = np.array([ms.month for ms in months], float)
    season = 1.0 + amp[:, None] * np.cos(2 * np.pi * (moy[None, :] - model.peak_month) / 12.0)
    mu = (W[:, None, None, :] * mix[:, :, None, None] * season[:, None, :, None]
          * (uptake * expo)[None, None, :, :])
    return _Means(months, win_start, win_days, mu, [c.key for c in chans])


def background_means(con, n_reports: int | None, scenario: Scenario | None = None,
                     end_date: dt.date | None = None) -> pd.DataFrame:
    """The model's background mean per border district × category × month × channel for these settings:
    columns district_code, category, month, channel, mean (sums to n_reports)."""
    end_date = end_date or default_end_date()
    scenario = validate(scenario or default_scenario(), con, end_date)
    geo = _load_geo(con)
    mm = _model_means(scenario.model, geo, end_date)
    R = _rate(mm.mu, n_reports, scenario.model)
    D, K, M, C = mm.mu.shape
    idx = np.indices(mm.mu.shape).reshape(4, -1)
    return pd.DataFrame({
        "district_code": np.array(geo.codes)[idx[0]], "category": np.array(CATEGORY_KEYS)[idx[1]],
        "month": np.array(mm.months)[idx[2]], "channel": np.array(mm.channels)[idx[3]],
        "mean": (mm.mu * R).ravel(),
    })


def _rate(mu: np.ndarray, n_reports: int | None, model: Model) -> float:
    return model.reports_per_month if n_reports is None else n_reports / mu.sum()


# ------------------------------------------------------------------------------------------- sampling

def _cat_draw(rng, cum: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each row, an index drawn from the cumulative distribution `cum[groups[row]]`."""
    u = rng.random(len(groups))
    return (u[:, None] >= cum[groups]).sum(axis=1)


def _cum(p) -> np.ndarray:
    a = np.asarray(p, float)
    c = np.cumsum(a / a.sum(axis=-1, keepdims=True), axis=-1)
    c[..., -1] = 1.0 + 1e-12
    return c


def _sample_points(rng, geo: _Geo, model: Model, d: np.ndarray, tick: Callable[[float], None]):
    """Points inside each row's district polygon; returns lon, lat, kind (0 crossing, 1 border, 2 inland),
    crossing index (into geo.x_*, -1 if none)."""
    n = len(d)
    D = len(geo.codes)
    has_x = geo.x_cnt > 0
    pc = np.where(has_x, model.crossing_share, 0.0)
    pb = np.where(has_x, model.border_share, model.border_share + model.crossing_share)
    xcum = np.zeros(len(geo.x_type))
    for i in range(D):                                   # crossing weights within each district
        o, k = geo.x_off[i], geo.x_cnt[i]
        wts = np.array([model.crossing_rate_km[t] for t in geo.x_type[o:o + k]]) + 1e-9
        xcum[o:o + k] = i + np.cumsum(wts / wts.sum())
        if k:
            xcum[o + k - 1] = i + 1.0
    lon, lat = np.empty(n), np.empty(n)
    kind_out = np.empty(n, np.int8)
    xi_out = np.full(n, -1, np.int64)
    todo = np.arange(n)
    for _ in range(MAX_ROUNDS):
        if not len(todo):
            break
        k = len(todo)
        dd = d[todo]
        u = rng.random(k)
        kind = np.where(u < pc[dd], 0, np.where(u < pc[dd] + pb[dd], 1, 2)).astype(np.int8)
        ax, ay = np.empty(k), np.empty(k)
        xi = np.full(k, -1, np.int64)
        c = kind == 0
        if c.any():
            xi[c] = np.minimum(np.searchsorted(xcum, dd[c] + rng.random(c.sum()), side="right"), len(xcum) - 1)
            ax[c], ay[c] = geo.x_lon[xi[c]], geo.x_lat[xi[c]]
        b = kind == 1
        if b.any():
            j = geo.b_off[dd[b]] + np.minimum((rng.random(b.sum()) * geo.b_cnt[dd[b]]).astype(np.int64),
                                              geo.b_cnt[dd[b]] - 1)
            ax[b], ay[b] = geo.b_lon[j], geo.b_lat[j]
        i_ = kind == 2
        if i_.any():
            bb = geo.bbox[dd[i_]]
            ax[i_] = bb[:, 0] + rng.random(i_.sum()) * (bb[:, 2] - bb[:, 0])
            ay[i_] = bb[:, 1] + rng.random(i_.sum()) * (bb[:, 3] - bb[:, 1])
        scale = np.select([kind == 0, kind == 1], [model.crossing_scale_km, model.border_scale_km], 0.0)
        r = rng.exponential(1.0, k) * scale
        theta = rng.random(k) * 2 * np.pi
        y = np.round(ay + r * np.cos(theta) / KM_PER_DEG_LAT, 6)
        x = np.round(ax + r * np.sin(theta) / (KM_PER_DEG_LON_EQ * np.cos(np.radians(ay))), 6)
        inside = np.zeros(k, bool)
        order = np.argsort(dd, kind="stable")
        bounds = np.searchsorted(dd[order], np.arange(D + 1))
        for g in range(D):
            sl = order[bounds[g]:bounds[g + 1]]
            if len(sl):
                inside[sl] = shapely.contains_xy(geo.polys[g], x[sl], y[sl])
        ok = todo[inside]
        lon[ok], lat[ok], kind_out[ok], xi_out[ok] = x[inside], y[inside], kind[inside], xi[inside]
        todo = todo[~inside]
        tick(1.0 - len(todo) / max(n, 1))
    if len(todo):  # practically unreachable: a point inside the polygon, deterministic
        for t in todo:
            p = shapely.point_on_surface(geo.polys[d[t]])
            lon[t], lat[t], kind_out[t] = round(p.x, 6), round(p.y, 6), 2
    return lon, lat, kind_out, xi_out


# ------------------------------------------------------------------------------------------- generate

def _check_args(n_reports, seed, end_date: dt.date, n_activities=0) -> None:
    if n_reports is not None and (isinstance(n_reports, bool) or not isinstance(n_reports, (int, np.integer))
                                  or n_reports < 0):
        raise InputError(f"number of reports: {n_reports!r} is not allowed; allowed: a whole number >= 0")
    if n_activities is not None and (isinstance(n_activities, bool) or not isinstance(n_activities, (int, np.integer))
                                     or not 0 <= n_activities <= 1_000_000):
        raise InputError(f"number of activities: {n_activities!r} is not allowed; allowed: a whole number from 0 "
                         "to 1,000,000, or None (the model's expected number)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise InputError(f"seed: {seed!r} is not allowed; allowed: a whole number from 0 to 2^63-1")
    first = WEBSITE_OPENED
    if end_date < first:
        raise InputError(f"end date: {end_date} is before the website opened; allowed: {first} to {default_end_date()}")
    if end_date > default_end_date():
        raise InputError(f"end date: {end_date} is today or in the future (reports would be received after now); "
                         f"allowed: {first} to {default_end_date()}")


def generate(con, n_reports: int | None, seed: int, scenario: Scenario | None = None,
             end_date: dt.date | None = None, progress: Progress | None = None,
             n_activities: int | None = 0) -> SynthResult:
    """Write one synthetic run into `reports`, `synth_runs`, `planted_signals` and `planted_reports`.

    n_reports: the background total, exactly. None: the scenario's base.reports_per_month sets the rate and
        the total is the model's expected total. The planted signals' extra reports come on top, recorded.
    seed: any whole number >= 0; with the same scenario, end_date and geography the rows are identical.
    scenario: a loaded scenario (validated here); None = the built-in model without signals.
    end_date: the last day with reports (default yesterday); the period starts in January 2023.
    progress: optional callable(step, fraction) with the overall fraction done in [0, 1]; steps are
        'geography', 'model', 'locations', 'attributes', 'writing', 'done'.
    n_activities: synthetic cooperation activities to add (cooperation/demo.py, the scenario's [cooperation]
        table): 0 = none (and no planted effects), None = the model's expected number, else exactly that many.
    """
    t0 = time.perf_counter()
    end_date = end_date or default_end_date()
    _check_args(n_reports, seed, end_date, n_activities)
    report = progress or (lambda step, frac: None)
    scenario = validate(scenario or default_scenario(), con, end_date)
    model = scenario.model

    report("geography", 0.0)
    geo = _load_geo(con)
    report("model", 0.05)
    mm = _model_means(model, geo, end_date)
    R = _rate(mm.mu, n_reports, model)
    mu = mm.mu * R
    n_bg = int(n_reports) if n_reports is not None else int(round(mu.sum()))
    streams = [np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(int(seed)).spawn(8)]
    rng_count, rng_plant, rng_space, rng_time, rng_status, rng_text, rng_act, rng_effect = streams
    cells, signal_no, planted_rows = _draw_cells(rng_count, rng_plant, geo, mm, mu, n_bg, scenario)
    n_planted = int(len(cells) - n_bg)
    coop = None
    if n_activities != 0:               # the cooperation activities and their planted effects' extra reports
        from .cooperation import demo
        coop = demo.draw(con, rng_act, rng_effect, scenario.cooperation, geo.codes, geo.mwcc_site, mm.months,
                         mm.channels, mu, end_date, n_activities)
        cells = np.concatenate([cells, coop.cells])
        signal_no = np.concatenate([signal_no, np.zeros(coop.n_extra, np.int32)])
    d_i, k_i, m_i, c_i = np.unravel_index(cells, mu.shape)

    report("locations", 0.10)
    shown = [0.0]

    def tick(f: float) -> None:           # at most about a hundred updates
        if f - shown[0] >= 0.01 or f >= 1.0:
            shown[0] = f
            report("locations", 0.10 + 0.45 * f)

    lon, lat, kind, xi = _sample_points(rng_space, geo, model, d_i, tick)
    report("attributes", 0.55)
    rows = _attributes(rng_time, rng_status, rng_text, geo, mm, end_date, d_i, k_i, m_i, c_i, kind, xi)
    rows["lon"], rows["lat"], rows["signal_no"] = lon, lat, signal_no
    rows["month"] = np.array(mm.months, dtype="datetime64[D]")[m_i].astype("datetime64[s]")
    rows, source = _with_duplicates(rows, rng_status, end_date)
    n_dup = int((source >= 0).sum())

    order = np.argsort(rows["received_at"], kind="stable")     # ids and ref numbers in order of receipt
    frame = pd.DataFrame({k: v[order] for k, v in rows.items()})
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    frame["dup_pos"] = np.where(source >= 0, position[np.maximum(source, 0)], -1)[order]
    report("writing", 0.70)
    run_id, effects = _write(con, frame, planted_rows, scenario, seed, n_bg, n_reports, end_date, report, coop)
    planted = pd.DataFrame(planted_rows, columns=["signal_no", "district_code", "category", "shape", "multiplier",
                                                  "month", "expected_base", "factor", "extra_reports"])
    planted.insert(0, "run_id", run_id)
    report("done", 1.0)
    return SynthResult(run_id=run_id, seed=int(seed), n_background=n_bg, n_planted=n_planted,
                       start_date=PERIOD_START, end_date=end_date, scenario_name=scenario.name,
                       base_rate_per_month=float(R), planted=planted, seconds=time.perf_counter() - t0,
                       n_duplicates=n_dup, n_activities=len(coop.activities) if coop else 0,
                       n_effect=coop.n_extra if coop else 0, effects=effects)


def _draw_cells(rng_count, rng_plant, geo: _Geo, mm: _Means, mu: np.ndarray, n_bg: int, scenario: Scenario):
    """The flat cell index of every report (background, then planted), its signal number (0 = background)
    and the planted_signals rows (without run_id)."""
    p = mm.mu.ravel() / mm.mu.sum()
    counts = rng_count.multinomial(n_bg, p) if n_bg else np.zeros(p.size, np.int64)
    cells = [np.repeat(np.arange(p.size), counts)]
    signal_no = [np.zeros(n_bg, np.int32)]
    planted_rows = []
    d_index = {c: i for i, c in enumerate(geo.codes)}
    m_index = {m: i for i, m in enumerate(mm.months)}
    C = mu.shape[3]
    for s in scenario.signals:
        d, k = d_index[s.district_code], CATEGORY_KEYS.index(s.category)
        for month, f in zip(s.months(), s.factors()):
            m = m_index[month]
            base = float(mu[d, k, m, :].sum())
            extra = int(math.floor((f - 1.0) * base + 0.5))           # round half up, deterministic
            planted_rows.append((s.no, s.district_code, s.category, s.shape, s.multiplier, month, base, f, extra))
            if extra:
                split = rng_plant.multinomial(extra, mu[d, k, m, :] / base)
                flat = np.ravel_multi_index((np.full(C, d), np.full(C, k), np.full(C, m), np.arange(C)), mu.shape)
                cells.append(np.repeat(flat, split))
                signal_no.append(np.full(extra, s.no, np.int32))
    return np.concatenate(cells), np.concatenate(signal_no), planted_rows


def _attributes(rng_time, rng_status, rng_text, geo: _Geo, mm: _Means, end_date: dt.date,
                d_i, k_i, m_i, c_i, kind, xi) -> dict:
    n = len(d_i)
    # when it happened
    day = mm.win_start[m_i, c_i] + (rng_time.random(n) * mm.win_days[m_i, c_i]).astype(np.int64)
    hour = _cat_draw(rng_time, _cum([HOUR_WEIGHTS]), np.zeros(n, np.int64))
    minute_of_day = hour * 60 + rng_time.integers(0, 60, n)
    occurred = day * 86400 + minute_of_day * 60
    precision = _cat_draw(rng_time, _cum([PRECISION_P]), np.zeros(n, np.int64))
    tod = np.where(precision == 0, minute_of_day * 60, -1)
    # how it came in
    online = np.array(mm.channels)[c_i] == "online"
    intake = np.where(online, 0, _cat_draw(rng_time, _cum([OFFICE_INTAKE_P]), np.zeros(n, np.int64)))
    lag = np.exp(np.log(np.array(LAG_MEDIAN_HOURS)[intake] * 3600) + LAG_SIGMA * rng_time.standard_normal(n))
    end_ts = (_epoch_day(end_date) + 1) * 86400 - 1
    received = occurred + np.round(lag).astype(np.int64)
    late = received > end_ts
    received[late] = occurred[late] + (rng_time.random(late.sum()) * (end_ts - occurred[late] + 1)).astype(np.int64)
    reporter = _cat_draw(rng_time, _cum(REPORTER_P), intake)
    # what happened to it
    mean_days = np.array([REVIEW_MEAN_DAYS[c] for c in mm.channels])[c_i]
    review = received + np.round(REVIEW_MIN_HOURS * 3600 + rng_status.exponential(1.0, n) * mean_days * 86400
                                 ).astype(np.int64)
    never = rng_status.random(n) < NEVER_REVIEWED
    outcome = _cat_draw(rng_status, _cum([OUTCOME_P]), np.zeros(n, np.int64))
    status = np.where(never | (review > end_ts), 0, outcome)
    verified = np.where(status > 0, review, np.iinfo(np.int64).min)
    route = _cum([[ROUTING[c].get(a, 0.0) for a in _AG] for c in CATEGORY_KEYS])
    agency = np.where(status == 2, _cat_draw(rng_status, route, k_i), -1)
    # text
    n_tpl = len(DESCRIPTIONS[CATEGORY_KEYS[0]])
    desc = k_i * n_tpl + rng_text.integers(0, n_tpl, n)
    D = len(geo.codes)
    place = np.where(kind == 0, 2 * D + xi, 2 * d_i + (kind == 2))
    places = [t for d in range(D) for t in (f"แนวชายแดน อ.{geo.name_th[d]} จ.{geo.province_th[d]}",
                                            f"อ.{geo.name_th[d]} จ.{geo.province_th[d]}")]
    places += [f"ใกล้{geo.x_name[j]} อ.{geo.name_th[int(np.searchsorted(geo.x_off, j, side='right') - 1)]}"
               for j in range(len(geo.x_name))]
    verified_at = verified.astype("datetime64[s]")
    verified_at[status == 0] = np.datetime64("NaT")
    return {
        "occurred": (day * 86400).astype("datetime64[s]"), "tod": tod.astype(np.int64),
        "received_at": received.astype("datetime64[s]"), "verified_at": verified_at,
        "precision": pd.Categorical.from_codes(precision, PRECISIONS),
        "category": pd.Categorical.from_codes(k_i, CATEGORY_KEYS),
        "channel": pd.Categorical.from_codes(c_i, mm.channels),
        "intake": pd.Categorical.from_codes(intake, INTAKE_METHODS),
        "reporter": pd.Categorical.from_codes(reporter, REPORTER_TYPES),
        "district_code": pd.Categorical.from_codes(d_i, geo.codes),
        "status": pd.Categorical.from_codes(status, STATUSES),
        "forwarded_to": pd.Categorical.from_codes(agency, _AG),
        "description": pd.Categorical.from_codes(desc, [t for c in CATEGORY_KEYS for t in DESCRIPTIONS[c]]),
        "place_text": pd.Categorical.from_codes(place, places),
    }


def _with_duplicates(rows: dict, rng_status, end_date: dt.date) -> tuple[dict, np.ndarray]:
    """The rows plus a second report of the event for DUPLICATE_SHARE of the reviewed ones (drawn after every
    other draw of rng_status, so nothing else shifts), and per row the index of the first report (-1 = none)."""
    n = len(rows["received_at"])
    reviewed = np.asarray(rows["status"].codes) > 0
    src = np.flatnonzero(reviewed & (rng_status.random(n) < DUPLICATE_SHARE))
    lag = np.round(rng_status.exponential(DUPLICATE_LAG_HOURS * 3600, len(src))).astype("timedelta64[s]")
    take = np.concatenate([np.arange(n), src])
    out = {k: (v.take(take) if isinstance(v, pd.Categorical) else v[take]) for k, v in rows.items()}
    end_ts = np.datetime64(end_date + dt.timedelta(days=1)) - np.timedelta64(1, "s")
    received = out["received_at"]
    received[n:] = np.minimum(received[n:] + lag, end_ts)
    verified = out["verified_at"]
    verified[n:] = np.maximum(verified[n:], received[n:])
    status = np.asarray(out["status"].codes).copy()
    status[n:] = STATUSES.index("duplicate")
    out["status"] = pd.Categorical.from_codes(status, STATUSES)
    agency = np.asarray(out["forwarded_to"].codes).copy()
    agency[n:] = -1
    out["forwarded_to"] = pd.Categorical.from_codes(agency, out["forwarded_to"].categories)
    out["signal_no"] = out["signal_no"].copy()
    out["signal_no"][n:] = 0
    return out, np.concatenate([np.full(n, -1, dtype=np.int64), src])


def _write(con, frame: pd.DataFrame, planted_rows, scenario: Scenario, seed, n_bg, n_reports, end_date,
           report, coop=None) -> tuple[int, pd.DataFrame | None]:
    n = len(frame)
    bar = con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0]
    con.execute("SET enable_progress_bar = false")   # the caller shows progress; DuckDB's bar would mix in

    def work():
        run_id = int(con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM synth_runs").fetchone()[0])
        first = 0
        if n:
            got = next_ids(con, "report_id_seq", n)
            lo, hi, cnt = int(got[0]), int(got[-1]), len(got)
            if hi - lo + 1 != cnt:
                raise RuntimeError("report ids from report_id_seq are not contiguous (another writer?)")
            first = int(lo)
        frame["id"] = np.arange(first, first + n, dtype=np.int64)
        frame["seq"] = np.arange(1, n + 1, dtype=np.int64)
        con.register("synth_rows_df", frame)
        report("writing", 0.75)
        con.execute("""
            INSERT INTO reports (id, ref_no, occurred_date, occurred_time, occurred_precision, received_at,
                category, channel, intake_method, reporter_type, lat, lon, geom, location_precision, place_text,
                district_code, province_code, description, status, verified_at, forwarded_to, contact_name,
                contact_phone, source, batch_id, is_synthetic, version, duplicate_of)
            SELECT id, printf('SYN-%d-%07d', $run, seq), CAST(occurred AS DATE),
                   CASE WHEN tod < 0 THEN NULL ELSE make_time(tod // 3600, (tod % 3600) // 60, 0) END,
                   CAST(precision AS VARCHAR), CAST(received_at AS TIMESTAMP), CAST(category AS VARCHAR),
                   CAST(channel AS VARCHAR), CAST(intake AS VARCHAR), CAST(reporter AS VARCHAR), lat, lon,
                   ST_Point(lon, lat), 'point', CAST(place_text AS VARCHAR), CAST(district_code AS VARCHAR),
                   left(CAST(district_code AS VARCHAR), 2), CAST(description AS VARCHAR), CAST(status AS VARCHAR),
                   CAST(verified_at AS TIMESTAMP), CAST(forwarded_to AS VARCHAR), NULL, NULL,
                   'synthetic:' || $run, NULL, true, 1,
                   CASE WHEN dup_pos < 0 THEN NULL ELSE $first + dup_pos END
            FROM synth_rows_df""", {"run": run_id, "first": first})
        report("writing", 0.92)
        con.execute("INSERT INTO planted_reports SELECT id, $run, signal_no, CAST(month AS DATE) "
                    "FROM synth_rows_df WHERE signal_no > 0", {"run": run_id})
        if planted_rows:
            con.executemany("INSERT INTO planted_signals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [(run_id, *r) for r in planted_rows])
        con.execute("INSERT INTO synth_runs (run_id, seed, reports_target, reports_made, start_date, end_date, "
                    "scenario_name, scenario_toml) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, int(seed), n_bg if n_reports is None else int(n_reports), n, PERIOD_START, end_date,
                     scenario.name, scenario.text])
        effects = None
        if coop is not None:
            from .cooperation import demo
            effects = demo.write(con, coop, run_id)
        return run_id, effects

    try:
        return transaction(con, work)
    finally:
        con.unregister("synth_rows_df")
        con.execute(f"SET enable_progress_bar = {'true' if bar else 'false'}")
