"""Emerging hot spot analysis: space-time Gi* on a location × time cube, Mann-Kendall, 17 categories.

Following ArcGIS Pro, "How Emerging Hot Spot Analysis works" (Space Time Pattern Mining toolbox), and R's
sfdep ``emerging_hotspot_analysis`` / ``classify_hotspot`` (Josiah Parry). esda 2.9 has no emerging hot spot
analysis (nothing that classifies), so the pieces are wrapped here: the weights are a libpysal ``W``, the
statistic is esda's ``G_Local``, the trend test is pymannkendall's ``original_test`` (computed for all locations
at once by ``mannkendall.original_tests``, which gives the same numbers).

The cube. Locations are border districts or H3 cells (``weights``); slices are calendar months (or
quarters). Only complete slices are used: a slice must lie wholly inside the filters' dates and end on or
before the last day with data in the viewer's scope (``data_extent``), so the last, partial month of data is
left out (and a date range starting mid-month drops its first month); months before the first month with
data are dropped too. At least 10 slices are required.

Space-time Gi*. The neighbours of location i in slice t are i itself and its spatial neighbours, in slices
t−L … t (L = ``time_lags``, 1 by default) — sfdep's ``spt_nb`` (the neighbours' values at t and the same
neighbours at t−1 … t−L; in the first slices the missing lags are simply absent). The bins are stacked
(slice-major) into one vector and one libpysal W over the (location, slice) units, and esda's
``G_Local(..., transform="B", star=True)`` runs once on it with conditional permutation (999, seeded).
Values (``adjust``): ``"effort"`` (the default) rescales the counts to constant channel volumes
(``effort.effort_cube``: each location's share of every channel's reports in each slice, channels weighted as
over the whole cube), so the website's and the district offices' uptake — the offices at full rate only in
MWCC districts — do not make locations "intensifying"; ``"slice"`` divides each slice's counts by the slice
mean (the earlier default; it leaves the offices' uneven uptake in); ``"raw"`` is ArcGIS's cube of counts.
Every default against ArcGIS Pro is in ``DEFAULTS`` (shown on the page and in docs/hotspots.md).

Significance per bin: p < ``alpha`` = 0.05, after the False Discovery Rate correction over all bins of the
cube (``fdr=True``, the default; esda's Benjamini–Hochberg threshold) as ArcGIS applies it. The p-value is,
by default (``inference="normal"``), the two-sided p-value of the bin's Gi* z-score under the normal
approximation (``2 · esda p_norm``) — what ArcGIS computes for each bin. ``inference="permutation"`` uses
the permutation p-value ``min(1, 2·p_sim)`` (see ``gistar``) instead; then pair it with ``fdr=False`` or many
permutations: with P permutations no p-value is below 2 / (P + 1), and with thousands of bins the FDR
correction can then reject nothing (measured on 67 districts × 36 months of synthetic reports, 999
permutations, four seeds: not one significant bin), while without any correction 6.5–7.7 % of the bins of
districts with no planted signal are significant and 6–15 of those 55 districts get a category (mostly
sporadic) — against none with the default. A bin is *hot* when significant with a positive z-score, *cold* when
significant with a negative one.

Trend: the Mann-Kendall test (pymannkendall ``original_test``, vectorised in ``mannkendall``) on each location's series of Gi* z-scores (as ArcGIS), significant
at p < 0.05; its sign says whether clustering intensifies.

The categories (n slices; "≥ 90 %" means at least 0.9·n slices; cold spots mirror hot spots with cold for
hot and a falling z-score for a rising one), checked in this order, the first that applies wins:

1. New hot spot — hot in the final slice, and no slice before it significant (hot or cold).
2. Consecutive hot spot — a single uninterrupted run of at least two hot slices ending with the final slice,
   no significant slice before the run, and fewer than 90 % of all slices hot.
3. Intensifying hot spot — hot in ≥ 90 % of slices including the final one, and the z-scores rise
   (Mann-Kendall increasing, p < 0.05).
4. Diminishing hot spot — hot in ≥ 90 % of slices including the final one, and the z-scores fall
   (Mann-Kendall decreasing, p < 0.05).
5. Persistent hot spot — hot in ≥ 90 % of slices including the final one, with no significant trend.
6. Oscillating hot spot — hot in the final slice, cold in at least one earlier slice, and fewer than 90 % of
   slices hot.
7. Historical hot spot — hot in ≥ 90 % of slices, but not in the final one.
8. Sporadic hot spot — hot in the final slice, hot on and off before (at least one earlier hot slice that is
   not part of a new/consecutive pattern), fewer than 90 % of slices hot, and never cold.
9. No pattern detected — none of the above, hot or cold.
(Each rule is tried for hot, then cold, before the next rule: new hot, new cold, consecutive hot, …)

Where ArcGIS and sfdep differ, and what we follow:
* New / consecutive: ArcGIS says "never been a significant *hot* spot before"; taken literally, a location
  with an earlier cold spot would be both new (or consecutive) and oscillating. sfdep requires no significant
  slice at all before (``sum(sigs) == 1``); we follow sfdep, so an earlier cold spot makes it oscillating.
* Consecutive: ArcGIS requires a run of at least two; sfdep gets the same in effect (a run of one is "new").
* Intensifying / diminishing / persistent: we require the final slice hot for all three. ArcGIS says so for
  intensifying and diminishing; for persistent it does not, but a location ≥ 90 % hot and not hot at the end is
  exactly its historical hot spot, so we keep the two apart. sfdep tests persistent (MK not significant)
  before historical, so it calls such a location persistent, and its intensifying counts significant slices of
  either sign.
* Historical: ArcGIS "the most recent time period is not hot"; sfdep requires a negative final z-score. We
  follow ArcGIS.
* Sporadic: current ArcGIS Pro requires the final slice to be hot ("a statistically significant hot spot for
  the final time-step interval with a history of also being an on-again and off-again hot spot"); sfdep (and
  ArcMap 10.x) do not. We follow ArcGIS Pro, so a location hot now and then but not at the end has no pattern.
* Significance: sfdep uses ``threshold`` = 0.01 for both the bins (permutation p-values, no FDR) and the
  trend; ArcGIS uses the z-scores' p-values with the FDR correction on the bins. We follow ArcGIS, at 0.05 for
  both the bins and the trend.
"""
from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd

from ..db import run_query
from ..errors import InputError
from ..filters import Filters
from ..i18n import Bilingual, fmt_date, fmt_month
from ..scope import Scope
from .evidence import add_ehsa_evidence
from ..fdr import q_values
from .gistar import INFERENCE, P_VALUE_NOTE, _check_finite, choose_p, gi_star_values, significant
from . import effort
from .mannkendall import original_tests
from .weights import (MIN_SLICES, HotspotResult, TooManyCells, Units, base_frame, cell_index, check_choice,
                      check_common, check_range, filters_meta, month_label, month_start, prepare, require_units)

INTERVALS = ("month", "quarter")
ADJUSTMENTS = ("effort", "slice", "raw")
ADJUST_NOTES = {
    "effort": {"en": "counts rescaled to constant channel volumes (each location's share of every channel's reports "
                     "in each slice, channels weighted as over the whole cube), so channel uptake does not read as "
                     "change",
               "th": "ปรับจำนวนให้ปริมาณรายงานของแต่ละช่องทางคงที่ทุกช่วงเวลา (สัดส่วนรายงานของแต่ละพื้นที่ในแต่ละช่องทาง) "
                     "การใช้ช่องทางที่เพิ่มขึ้นจึงไม่ถูกอ่านว่าเป็นการเปลี่ยนแปลง"},
    "slice": {"en": "each slice's counts divided by that slice's mean per location",
              "th": "จำนวนของแต่ละช่วงเวลาหารด้วยค่าเฉลี่ยต่อพื้นที่ของช่วงนั้น"},
    "raw": {"en": "raw counts, the whole cube as one (ArcGIS)", "th": "จำนวนดิบ ทั้งลูกบาศก์ (แบบ ArcGIS)"},
}
TREND_ALPHA = 0.05
MAX_CUBE_BINS = 400_000

# (key, English, Thai) in the order the rules are tried
CATEGORIES: list[tuple[str, str, str]] = [
    ("new_hot_spot", "New hot spot", "จุดร้อนใหม่"),
    ("new_cold_spot", "New cold spot", "จุดเย็นใหม่"),
    ("consecutive_hot_spot", "Consecutive hot spot", "จุดร้อนต่อเนื่อง"),
    ("consecutive_cold_spot", "Consecutive cold spot", "จุดเย็นต่อเนื่อง"),
    ("intensifying_hot_spot", "Intensifying hot spot", "จุดร้อนที่ทวีความรุนแรง"),
    ("intensifying_cold_spot", "Intensifying cold spot", "จุดเย็นที่ทวีความรุนแรง"),
    ("diminishing_hot_spot", "Diminishing hot spot", "จุดร้อนที่ลดความรุนแรง"),
    ("diminishing_cold_spot", "Diminishing cold spot", "จุดเย็นที่ลดความรุนแรง"),
    ("persistent_hot_spot", "Persistent hot spot", "จุดร้อนคงที่"),
    ("persistent_cold_spot", "Persistent cold spot", "จุดเย็นคงที่"),
    ("oscillating_hot_spot", "Oscillating hot spot", "จุดร้อนสลับเย็น"),
    ("oscillating_cold_spot", "Oscillating cold spot", "จุดเย็นสลับร้อน"),
    ("historical_hot_spot", "Historical hot spot", "จุดร้อนในอดีต"),
    ("historical_cold_spot", "Historical cold spot", "จุดเย็นในอดีต"),
    ("sporadic_hot_spot", "Sporadic hot spot", "จุดร้อนเป็นครั้งคราว"),
    ("sporadic_cold_spot", "Sporadic cold spot", "จุดเย็นเป็นครั้งคราว"),
    ("no_pattern", "No pattern detected", "ไม่พบรูปแบบ"),
]
CATEGORY_KEYS = [c[0] for c in CATEGORIES]
CATEGORY_LABELS = {k: (en, th) for k, en, th in CATEGORIES}


# Every default of emerging_hotspots against ArcGIS Pro's Emerging Hot Spot Analysis: (setting, here, ArcGIS
# Pro, "same" or the reason it differs), in English and Thai. Shown on the Hotspots page and in
# docs/hotspots.md (a test keeps the two in step).
DEFAULTS: list[dict[str, str]] = [
    {"setting_en": "Time step", "setting_th": "ช่วงเวลา",
     "ours": "1 month (complete months only)", "arcgis": "the cube's time step",
     "why_en": "Differs: a month still running would read as a drop, so the last, partial month is left out.",
     "why_th": "ต่างกัน: เดือนที่ยังไม่จบจะดูเหมือนลดลง จึงตัดเดือนสุดท้ายที่ไม่ครบออก"},
    {"setting_en": "Minimum number of time steps", "setting_th": "จำนวนช่วงเวลาขั้นต่ำ",
     "ours": "10", "arcgis": "10", "why_en": "Same.", "why_th": "เหมือนกัน"},
    {"setting_en": "Neighbourhood in space", "setting_th": "พื้นที่ข้างเคียง",
     "ours": "districts sharing a boundary (100 m); H3: the ring of 1", "arcgis": "a distance band from the bin size",
     "why_en": "Differs: districts and hexagons are polygons, not the cube's square bins; contiguity is their "
               "natural neighbourhood.",
     "why_th": "ต่างกัน: อำเภอและเซลล์หกเหลี่ยมเป็นรูปหลายเหลี่ยม ไม่ใช่ช่องสี่เหลี่ยมของลูกบาศก์ การมีเขตติดกันจึงเป็นพื้นที่ข้างเคียงที่เหมาะสม"},
    {"setting_en": "Neighbourhood time step", "setting_th": "ช่วงเวลาข้างเคียง",
     "ours": "1", "arcgis": "1", "why_en": "Same.", "why_th": "เหมือนกัน"},
    {"setting_en": "Global window", "setting_th": "หน้าต่างรวม",
     "ours": "the whole cube", "arcgis": "entire cube", "why_en": "Same.", "why_th": "เหมือนกัน"},
    {"setting_en": "Values", "setting_th": "ค่าที่วิเคราะห์",
     "ours": "counts rescaled to constant channel volumes (reporting effort)", "arcgis": "the counts",
     "why_en": "Differs: the website's and the district offices' uptake (offices only in some districts) grow "
               "reporting, not crime; on raw counts 12 of 15 categories read as intensifying on the model's "
               "noise-free means. Choose 'raw counts' for ArcGIS's values.",
     "why_th": "ต่างกัน: การใช้เว็บไซต์และศูนย์ประสานงานอำเภอ (มีเฉพาะบางอำเภอ) ที่เพิ่มขึ้นทำให้รายงานเพิ่ม ไม่ใช่อาชญากรรม "
               "เลือก 'จำนวนดิบ' เพื่อใช้ค่าแบบ ArcGIS"},
    {"setting_en": "p-value of each bin", "setting_th": "ค่า p ของแต่ละช่อง",
     "ours": "the Gi* z-score's (normal)", "arcgis": "the Gi* z-score's", "why_en": "Same.", "why_th": "เหมือนกัน"},
    {"setting_en": "False Discovery Rate", "setting_th": "การแก้ไขอัตราการค้นพบผิด (FDR)",
     "ours": "on, over all bins", "arcgis": "on", "why_en": "Same.", "why_th": "เหมือนกัน"},
    {"setting_en": "Significance of a bin / of the trend", "setting_th": "ระดับนัยสำคัญของช่อง / ของแนวโน้ม",
     "ours": "0.05 / 0.05 (Mann-Kendall on the z-scores)", "arcgis": "0.05 / Mann-Kendall on the z-scores",
     "why_en": "Same.", "why_th": "เหมือนกัน"},
    {"setting_en": "Share of time steps for persistent, intensifying, diminishing, historical",
     "setting_th": "สัดส่วนช่วงเวลาสำหรับคงที่ ทวีความรุนแรง ลดความรุนแรง ในอดีต",
     "ours": "90 %", "arcgis": "90 %", "why_en": "Same.", "why_th": "เหมือนกัน"},
    {"setting_en": "New / consecutive after an earlier cold spot", "setting_th": "จุดร้อนใหม่/ต่อเนื่อง หลังเคยเป็นจุดเย็น",
     "ours": "oscillating (as sfdep)", "arcgis": "not stated",
     "why_en": "Differs where ArcGIS is silent: read literally a location would be both new and oscillating.",
     "why_th": "ต่างกันในส่วนที่ ArcGIS ไม่ได้ระบุ: หากอ่านตามตัวอักษร พื้นที่หนึ่งจะเป็นทั้งจุดใหม่และจุดสลับ"},
    {"setting_en": "Cold bins", "setting_th": "ช่องที่เป็นจุดเย็น",
     "ours": "none without reports, or where the month's mean per location is under 5", "arcgis": "any",
     "why_en": "Differs: a zero where almost nothing is expected says nothing; most cold spots were districts "
               "with no reports.",
     "why_th": "ต่างกัน: ค่าศูนย์ในที่ที่แทบไม่คาดว่าจะมีรายงานไม่ได้บอกอะไร จุดเย็นส่วนใหญ่เดิมคืออำเภอที่ไม่มีรายงาน"},
    {"setting_en": "Permutations", "setting_th": "การสุ่มสับเปลี่ยน",
     "ours": "none (z-score p-values)", "arcgis": "none",
     "why_en": "Same; permutation p-values (an option) cannot pass the FDR threshold over thousands of bins.",
     "why_th": "เหมือนกัน ค่า p จากการสุ่ม (ทางเลือก) ไม่สามารถผ่านเกณฑ์ FDR เมื่อมีช่องนับพัน"},
]
# the "ours" and "arcgis" values in Thai, for the page's table in Thai (numbers stay as they are)
_VALUES_TH = {
    "1 month (complete months only)": "1 เดือน (เฉพาะเดือนที่ครบเดือน)",
    "the cube's time step": "ช่วงเวลาของลูกบาศก์ข้อมูล",
    "districts sharing a boundary (100 m); H3: the ring of 1": "อำเภอที่มีเขตติดกัน (100 ม.) ส่วน H3: เซลล์วงที่ 1 รอบเซลล์",
    "a distance band from the bin size": "แถบระยะทางตามขนาดช่อง",
    "the whole cube": "ทั้งลูกบาศก์ข้อมูล", "entire cube": "ทั้งลูกบาศก์ข้อมูล",
    "counts rescaled to constant channel volumes (reporting effort)":
        "จำนวนที่ปรับตามปริมาณรายงานของแต่ละช่องทางให้คงที่ (ระดับการรายงาน)",
    "the counts": "จำนวนรายงาน",
    "the Gi* z-score's (normal)": "จากคะแนน z ของ Gi* (การแจกแจงปกติ)", "the Gi* z-score's": "จากคะแนน z ของ Gi*",
    "on, over all bins": "เปิด ครอบคลุมทุกช่อง", "on": "เปิด",
    "0.05 / 0.05 (Mann-Kendall on the z-scores)": "0.05 / 0.05 (Mann-Kendall บนคะแนน z)",
    "0.05 / Mann-Kendall on the z-scores": "0.05 / Mann-Kendall บนคะแนน z",
    "oscillating (as sfdep)": "แกว่งขึ้นลง (เช่นเดียวกับ sfdep)", "not stated": "ไม่ได้ระบุ",
    "none without reports, or where the month's mean per location is under 5":
        "ไม่มี เมื่อไม่มีรายงาน หรือเมื่อค่าเฉลี่ยต่อพื้นที่ของเดือนนั้นต่ำกว่า 5",
    "any": "ทุกกรณี", "none (z-score p-values)": "ไม่ใช้ (ค่า p จากคะแนน z)", "none": "ไม่ใช้",
}
for _d in DEFAULTS:
    _d["ours_th"], _d["arcgis_th"] = (_VALUES_TH.get(_d[k], _d[k]) for k in ("ours", "arcgis"))
    _d["ours_en"], _d["arcgis_en"] = _d["ours"], _d["arcgis"]


# ------------------------------------------------------------------------------------------ classifier

def _final_run(flags: np.ndarray) -> int:
    """Length of the run of True ending at the last element."""
    run = 0
    for v in flags[::-1]:
        if not v:
            break
        run += 1
    return run


def _side(rule: str, s: np.ndarray, o: np.ndarray, stronger: bool, weaker: bool) -> bool:
    """Whether `rule` holds for one side: s = significant on this side, o = on the other side."""
    n = len(s)
    most = 10 * int(s.sum()) >= 9 * n             # at least 90 % of the slices
    last = bool(s[-1])
    if rule == "new":
        return last and not (s[:-1] | o[:-1]).any()
    if rule == "consecutive":
        run = _final_run(s)
        return last and run >= 2 and not (s[:n - run] | o[:n - run]).any() and not most
    if rule == "intensifying":
        return most and last and stronger
    if rule == "diminishing":
        return most and last and weaker
    if rule == "persistent":
        return most and last and not stronger and not weaker
    if rule == "oscillating":
        return last and bool(o[:-1].any()) and not most
    if rule == "historical":
        return most and not last
    if rule == "sporadic":
        return last and not most and not o.any() and bool(s[:-1].any())
    raise ValueError(rule)


RULES = ("new", "consecutive", "intensifying", "diminishing", "persistent", "oscillating", "historical", "sporadic")


def classify_series(z, sig, alpha: float = TREND_ALPHA, trend=None):
    """The emerging hot spot category of one location.

    z: its Gi* z-scores, one per slice in time order; sig: whether each slice is significant (hot where z > 0,
    cold where z < 0); trend: the Mann-Kendall result on z when already computed for many locations
    (mannkendall.original_tests). Returns (category key, the Mann-Kendall result on z).
    """
    z = np.asarray(z, dtype=float)
    sig = np.asarray(sig, dtype=bool)
    if z.shape != sig.shape or z.ndim != 1:
        raise ValueError("z and sig must be 1-d and of the same length")
    if len(z) < MIN_SLICES:
        raise InputError(f"emerging hot spot analysis needs at least {MIN_SLICES} time slices; got {len(z)}")
    hot, cold = sig & (z > 0), sig & (z < 0)
    if trend is None:
        trend = original_tests(z[None, :], alpha=alpha)[0]
    up = bool(trend.p < alpha and trend.s > 0)
    down = bool(trend.p < alpha and trend.s < 0)
    for rule in RULES:
        if _side(rule, hot, cold, stronger=up, weaker=down):
            return f"{rule}_hot_spot", trend
        if _side(rule, cold, hot, stronger=down, weaker=up):
            return f"{rule}_cold_spot", trend
    return "no_pattern", trend


# ------------------------------------------------------------------------------------------ the cube

def _th_month(month_no: int) -> str:
    return fmt_month(month_start(month_no), "th")


def complete_slices(filters: Filters, first_data: dt.date | None, last_data: dt.date | None,
                    interval: str) -> tuple[list[int], list[str]]:
    """Month numbers of the first month of each complete slice, and notes on what was left out."""
    notes = []
    if last_data is None:
        return [], [Bilingual("there are no reports in the scope", "ไม่มีรายงานในขอบเขตนี้")]
    end = min(filters.date_to, last_data)
    start = filters.date_from
    first_m = start.year * 12 + start.month - 1 + (0 if start.day == 1 else 1)
    if start.day != 1:
        notes.append(Bilingual(f"the partial month {month_label(first_m - 1)} at the start of the date range is left out",
                               f"ไม่นับเดือน {_th_month(first_m - 1)} ต้นช่วงวันที่ เพราะไม่ครบเดือน"))
    nxt = end + dt.timedelta(days=1)
    last_m = end.year * 12 + end.month - 1 - (0 if nxt.month != end.month else 1)
    if nxt.month == end.month:
        why = "data" if last_data < filters.date_to else "the date range"
        why_th = "ข้อมูล" if why == "data" else "ช่วงวันที่"
        notes.append(Bilingual(f"the partial month {month_label(last_m + 1)} ({why} end on {end.isoformat()}) is left out",
                               f"ไม่นับเดือน {_th_month(last_m + 1)} เพราะไม่ครบเดือน ({why_th}สิ้นสุดวันที่ "
                               f"{fmt_date(end, 'th')})"))
    if first_data is not None:
        data_m = first_data.year * 12 + first_data.month - 1
        if data_m > first_m:
            notes.append(Bilingual(f"months before the first report ({month_label(data_m)}) are left out",
                                   f"ไม่นับเดือนก่อนรายงานแรก ({_th_month(data_m)})"))
            first_m = data_m
    if interval == "month":
        return list(range(first_m, last_m + 1)), notes
    q0 = -(-first_m // 3) * 3                       # first quarter start on or after first_m
    starts = list(range(q0, last_m - 1, 3))
    starts = [s for s in starts if s + 2 <= last_m]
    if starts and (q0 != first_m or starts[-1] + 2 != last_m):
        notes.append(Bilingual("months outside whole calendar quarters are left out",
                               "ไม่นับเดือนที่ไม่อยู่ในไตรมาสปฏิทินที่ครบทั้งไตรมาส"))
    return starts, notes


def space_time_neighbors(spatial: dict[int, list[int]], n_locs: int, n_slices: int,
                         time_lags: int) -> dict[int, list[int]]:
    """Neighbours of bin (i, t) = t * n_locs + i: i and its spatial neighbours in slices t − time_lags … t,
    except the bin itself (G_Local star adds it back with weight 1)."""
    out: dict[int, list[int]] = {}
    for t in range(n_slices):
        lags = range(max(0, t - time_lags), t + 1)
        for i in range(n_locs):
            group = [i, *spatial[i]]
            out[t * n_locs + i] = [s * n_locs + j for s in lags for j in group if not (s == t and j == i)]
    return out


def space_time_weights(spatial: dict[int, list[int]], n_locs: int, n_slices: int, time_lags: int):
    """The binary weights of the stacked cube as a libpysal Graph, built from arrays — the same neighbours as
    `space_time_neighbors` (tested), without a Python loop over the bins."""
    from .weights import graph_from_arrays

    sp_f = np.repeat(np.arange(n_locs), [1 + len(spatial[i]) for i in range(n_locs)])
    sp_n = np.fromiter((j for i in range(n_locs) for j in (i, *spatial[i])), dtype=np.int64, count=len(sp_f))
    focal, neighbor = [], []
    for lag in range(time_lags + 1):
        t = np.arange(lag, n_slices)[:, None]
        f = (t * n_locs + sp_f[None, :]).ravel()
        g = ((t - lag) * n_locs + sp_n[None, :]).ravel()
        if lag == 0:
            keep = f != g
            f, g = f[keep], g[keep]
        focal.append(f)
        neighbor.append(g)
    return graph_from_arrays(np.concatenate(focal), np.concatenate(neighbor))


def space_time_gi(cube: np.ndarray, spatial: dict[int, list[int]], *, time_lags: int = 1, permutations: int = 999,
                  seed: int = 0, normalise: bool = True, values: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """esda Gi* on the stacked cube (locations × slices): arrays shaped like `cube` (z, p_sim, p_value, value).
    values: the cube's values to use instead of the counts (the reporting-effort adjustment); normalise:
    divide each slice of the counts by its mean. permutations=0: z-score p-values only."""
    n_locs, n_slices = cube.shape
    value = cube.astype(float) if values is None else np.asarray(values, dtype=float)
    if normalise and values is None:
        means = value.mean(axis=0)
        value = value / np.where(means > 0, means, 1.0)
    y = value.T.reshape(-1)                         # slice-major: bin (i, t) at t * n_locs + i
    w = space_time_weights(spatial, n_locs, n_slices, time_lags)
    g = gi_star_values(y, w, permutations, seed)
    return {k: v.reshape(n_slices, n_locs).T for k, v in {**g, "value": y}.items()}


def emerging_hotspots(con, filters: Filters, scope: Scope, *, unit: str = "district", resolution: int | None = None,
                      k: int = 1, time_lags: int = 1, interval: str = "month", permutations: int = 999,
                      seed: int = 0, fdr: bool = True, alpha: float = 0.05, adjust: str = "effort",
                      inference: str = "normal", cold_rule: bool = True,
                      normalise: bool | None = None) -> HotspotResult:
    """Emerging hot spot analysis (space-time Gi*, Mann-Kendall, 17 categories) per district or H3 cell.

    interval: 'month' or 'quarter' (complete slices only, at least 10). time_lags: 1–3 slices back in the
    space-time neighbourhood. alpha: bin significance (0.001–0.2, default 0.05). fdr: Benjamini–Hochberg over
    all bins. adjust: 'effort' (default: counts rescaled to constant channel volumes, hotspots/effort.py),
    'slice' (each slice divided by its mean count) or 'raw' (the counts, ArcGIS's whole cube); the older
    `normalise` True/False means 'slice'/'raw'. inference: 'normal' (the z-score's p-value, as ArcGIS;
    default; no permutations are run) or 'permutation'. cold_rule: a bin with no reports, or where the
    slice's mean per location is under 5, is never cold. Other parameters as `gi_star`.

    Returns HotspotResult(frame, meta, detail): frame one row per location with `category`, `label_en`,
    `label_th`, `hot_slices`, `cold_slices`, `final_z`, `final_p`, `mk_tau`, `mk_p`, `mk_z`, `mk_slope`, `trend`;
    detail one row per location and slice with `reports`, `value`, `z`, `p_sim`, `p_value`, `hot_cold` (+1/−1/0).
    """
    t0 = time.perf_counter()
    permutations, seed, resolution, k = check_common(permutations, seed, resolution, k)
    time_lags = check_range("time_lags", time_lags, 1, 3)
    interval = check_choice("interval", interval, INTERVALS)
    alpha = check_range("alpha", alpha, 0.001, 0.2, integer=False)
    inference = check_choice("inference", inference, INFERENCE)
    if normalise is not None:
        adjust = "slice" if normalise else "raw"
    adjust = check_choice("adjust", adjust, ADJUSTMENTS)
    first_data, last_data, _, _ = run_query(con, "data_extent", scope.sql_params()).fetchone()
    starts, notes = complete_slices(filters, first_data, last_data, interval)
    if len(starts) < MIN_SLICES:
        have = f" ({month_label(starts[0])} to {month_label(starts[-1] + (2 if interval == 'quarter' else 0))})" \
            if starts else ""
        raise InputError(
            f"emerging hot spot analysis needs at least {MIN_SLICES} complete {interval}s; the dates "
            f"{filters.date_from} to {filters.date_to} give {len(starts)}{have}"
            + (f" — {'; '.join(notes)}" if notes else ""))
    n_slices = len(starts)
    max_cells = MAX_CUBE_BINS // n_slices
    try:
        prep = prepare(con, filters, scope, unit, resolution, k, max_cells=max_cells)
    except TooManyCells as exc:
        raise InputError(f"emerging hot spot analysis: {exc} ({MAX_CUBE_BINS:,} bins / {n_slices} {interval}s); "
                         f"choose a coarser resolution, quarters or fewer months") from None
    units = prep.units
    require_units(units.n, "border districts" if units.kind == "district" else "H3 cells",
                  "Emerging hot spot analysis", scope, filters,
                  "; use unit 'h3' or widen the area" if units.kind == "district" else "")
    if units.n * n_slices > MAX_CUBE_BINS:
        raise InputError(f"emerging hot spot analysis on {units.n:,} units × {n_slices} {interval}s = "
                         f"{units.n * n_slices:,} bins is above the limit of {MAX_CUBE_BINS:,}; choose a coarser "
                         f"H3 resolution, quarters, or fewer months")
    step = 1 if interval == "month" else 3
    first_m, last_m = starts[0], starts[-1] + step - 1
    cube3 = _cube(units, prep, first_m, last_m, step, n_slices)
    cube = cube3.sum(axis=2)
    totals = cube.sum(axis=0)
    if cube.sum() == 0:
        raise InputError(f"emerging hot spot analysis: no reports match the filters in the study area from "
                         f"{month_label(first_m)} to {month_label(last_m)}")
    if adjust != "raw" and (totals == 0).any():
        empty = [month_label(starts[t]) for t in np.flatnonzero(totals == 0)]
        raise InputError(f"emerging hot spot analysis: {len(empty)} {interval}(s) have no report for these filters "
                         f"({', '.join(empty[:6])}{' …' if len(empty) > 6 else ''}); widen the categories or dates, "
                         f"or start after them")
    g = space_time_gi(cube, units.neighbors, time_lags=time_lags,
                      permutations=permutations if inference == "permutation" else 0, seed=seed,
                      normalise=adjust == "slice", values=effort.effort_cube(cube3) if adjust == "effort" else None)
    choose_p(g, inference)
    _check_finite({"z": g["z"], "p_value": g["p_value"]}, "Space-time Gi*")
    sig_flat, thr = significant(g["p_value"].ravel(), alpha, fdr)
    sig = sig_flat.reshape(cube.shape)
    slice_mean = totals / units.n
    withheld = np.zeros(cube.shape, dtype=bool)
    if cold_rule:   # no cold bin without reports, or where a low count means little
        withheld = sig & (g["z"] < 0) & ((cube <= 0) | (slice_mean[None, :] < effort.MIN_EXPECTED_COLD))
        sig = sig & ~withheld
    rows = []
    trends = original_tests(g["z"], alpha=TREND_ALPHA) if units.n else []
    for i in range(units.n):
        cat, mk = classify_series(g["z"][i], sig[i], TREND_ALPHA, trend=trends[i])
        hot = sig[i] & (g["z"][i] > 0)
        cold = sig[i] & (g["z"][i] < 0)
        rows.append({"category": cat, "label_en": CATEGORY_LABELS[cat][0], "label_th": CATEGORY_LABELS[cat][1],
                     "hot_slices": int(hot.sum()), "cold_slices": int(cold.sum()),
                     "final_z": float(g["z"][i, -1]), "final_p": float(g["p_value"][i, -1]),
                     "mk_tau": float(mk.Tau), "mk_p": float(mk.p), "mk_z": float(mk.z), "mk_slope": float(mk.slope),
                     "trend": mk.trend})
    frame = base_frame(units)
    frame["reports"] = cube.sum(axis=1).astype(np.int64)
    frame = frame.join(pd.DataFrame(rows, index=frame.index))
    frame["n_slices"], frame["interval"], frame["time_lags"] = n_slices, interval, time_lags
    used_perms = permutations if inference == "permutation" else 0
    frame["method"], frame["permutations"], frame["seed"], frame["fdr"] = "emerging", used_perms, seed, fdr
    frame["inference"], frame["adjust"] = inference, adjust
    labels = [month_label(s) if interval == "month" else f"{s // 12}-Q{(s % 12) // 3 + 1}" for s in starts]
    hc = np.where(sig, np.sign(g["z"]), 0).astype(np.int64)
    detail = pd.DataFrame({
        "unit_id": np.repeat(np.asarray(units.ids, dtype=object), n_slices),
        "slice": np.tile(np.asarray(labels, dtype=object), units.n),
        "slice_start": np.tile(np.asarray([month_start(s) for s in starts], dtype=object), units.n),
        "reports": cube.ravel().astype(np.int64), "value": g["value"].ravel(), "z": g["z"].ravel(),
        "p_sim": g["p_sim"].ravel(), "p_norm": g["p_norm"].ravel(), "p_value": g["p_value"].ravel(),
        "q_value": q_values(g["p_value"].ravel()) if fdr else np.full(cube.size, np.nan),
        "hot_cold": hc.ravel(),
    })
    add_ehsa_evidence(frame, detail, interval)
    counts = frame["category"].value_counts()
    meta = {
        "method": "emerging", "unit": units.kind, "resolution": units.resolution, "k": units.k,
        "resolution_reason": prep.resolution_reason, "median_reports_per_cell": prep.medians,
        "interval": interval, "n_slices": n_slices, "first_slice": labels[0], "last_slice": labels[-1],
        "time_lags": time_lags, "adjust": adjust, "adjust_note": ADJUST_NOTES[adjust], "cold_rule": cold_rule,
        "cold_withheld": int(withheld.sum()), "permutations": used_perms, "seed": seed, "fdr": fdr,
        "alpha": alpha, "threshold": thr, "inference": inference, "trend_alpha": TREND_ALPHA,
        "weights": units.description + f"; space-time: same and neighbouring locations in slices t-{time_lags}..t, "
                                       f"binary, self-weight 1",
        "p_values": P_VALUE_NOTE, "definitions": "docs/hotspots.md (ArcGIS Pro / sfdep, differences listed)",
        "n_units": units.n, "n_bins": units.n * n_slices, "reports_total": prep.reports_total,
        "reports_used": int(cube.sum()),
        "categories": {key: int(counts.get(key, 0)) for key in CATEGORY_KEYS},
        "filters": filters_meta(filters), "warnings": [*notes, *units.warnings],
        "seconds": round(time.perf_counter() - t0, 3),
    }
    return HotspotResult(frame, meta, detail)


def _cube(units: Units, prep, first_m: int, last_m: int, step: int, n_slices: int) -> np.ndarray:
    """Counts per location × slice × channel for months first_m..last_m."""
    if units.kind == "district":
        m = prep.months
        keep = (m.month_no >= first_m) & (m.month_no <= last_m)
        channels = sorted(set(m.channel[keep].tolist())) or [None]
        pos = {u: i for i, u in enumerate(units.ids)}
        cpos = {c: j for j, c in enumerate(channels)}
        rows = np.array([pos.get(c, -1) for c in m.code[keep]], dtype=np.int64)
        cols = (m.month_no[keep] - first_m) // step
        chan = np.array([cpos[c] for c in m.channel[keep]], dtype=np.int64)
        ok = rows >= 0
        cube = np.zeros((units.n, n_slices, len(channels)))
        np.add.at(cube, (rows[ok], cols[ok], chan[ok]), m.reports[keep][ok])
        return cube
    pts = prep.points
    keep = (pts.month_no >= first_m) & (pts.month_no <= last_m)
    idx = cell_index(units, pts.cells(units.resolution))
    keep &= idx >= 0
    channels, chan = np.unique(pts.channel[keep], return_inverse=True)
    cube = np.zeros((units.n, n_slices, max(len(channels), 1)))
    np.add.at(cube, (idx[keep], (pts.month_no[keep] - first_m) // step, chan.reshape(-1)), 1.0)
    return cube


__all__ = ["CATEGORIES", "CATEGORY_KEYS", "DEFAULTS", "CATEGORY_LABELS", "classify_series", "complete_slices",
           "emerging_hotspots", "space_time_gi", "space_time_neighbors", "space_time_weights"]
