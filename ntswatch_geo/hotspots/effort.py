"""Reporting effort: expected counts, so that more reporting does not read as more crime.

Reports grow where and when people report more, not only where crime grows: the website's uptake in 2023,
the district MWCC offices from December 2023 (at full rate only in the districts that host an office), a
district's habit of reporting. Two adjustments, one for each kind of analysis; ``adjust="raw"`` switches
both off.

**One period (Gi*, local Moran): expected counts from the unit's own earlier share.** For unit i (district or
H3 cell) and intake channel c, π[i,c] is the unit's share of channel c's reports in a *reference period*,
with the same filters (categories, channels, statuses, area, scope) but other dates; the unit's expected
count in the analysed dates is

    E[i] = Σ_c π[i,c] · O[·,c]

where O[·,c] is the study area's count of channel c in the analysed dates. So every channel is compared with
itself: a channel's growth (uptake) raises every unit's E in proportion to how much that unit used the
channel before, and a district that always reports a lot has a large E. The statistic then runs on the
excess over expectation, the Pearson residual ``(O − E) / sqrt(max(E, 1))`` (the floor keeps units with
almost nothing expected from dominating). Gi*'s z-score is unchanged by adding a constant, so Gi* runs on the
residuals shifted to be positive (esda's G needs non-negative values; tests check the z-scores equal the
textbook form). A channel absent from the reference period (a channel launched in the analysed dates) takes
the unit's share of all channels instead.

The reference period: the data in scope before the analysed dates, when there are at least
``MIN_REFERENCE_MONTHS`` (6) months of it; otherwise all the data outside the analysed dates (before and
after). When the analysed dates hold all the data there is nothing to compare with: the counts are used raw
and the result says so.

**Space-time (emerging hot spots): counts rescaled to constant channel volumes.** Each location's share of a
channel's reports in each slice, ``(O[i,t,c] + K·π[i,c]) / (V[t,c] + K)`` with V[t,c] the study area's count
of channel c in slice t and π[i,c] the location's share of channel c over the whole cube (K =
``SHRINK_REPORTS`` = 20 pseudo-reports shrink the share towards π while a channel has few reports, and give
π where it has none yet), is averaged over the channels with fixed weights (each channel's share of the
cube) and scaled to the mean slice volume. Every slice then has the same total, and the mixture of
channels is the same in every slice, so neither a channel's uptake nor an office that only some districts
have can make a location look "intensifying"; differences in level between locations (a busy crossing)
remain, as the 17 categories need.

**Cold spots need something to be low against.** A unit with no report in the analysed dates is shown as
"no reports", never as a cold spot; a unit with reports is a cold spot only when its expected count is at
least ``MIN_EXPECTED_COLD`` (5: a count of 0 then has a Poisson probability under 1 %). Expected count: E
above with the effort adjustment, the study area's mean per unit with raw counts (the null hypothesis of
Gi*). ``cold_rule=False`` in the statistics shows every cold spot Gi* finds, as ArcGIS does.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

ADJUSTMENTS = ("effort", "raw")
MIN_EXPECTED_COLD = 5.0
MIN_REFERENCE_MONTHS = 6
SHRINK_REPORTS = 20.0
RESIDUAL_FLOOR = 1.0

# data_status of a unit: why it is (not) allowed to be a cold spot
STATUS_OK = "ok"
STATUS_NO_REPORTS = "no_reports"
STATUS_FEW_EXPECTED = "few_expected"
STATUS_LABELS = {
    STATUS_OK: ("", ""),
    STATUS_NO_REPORTS: ("No reports (not a cold spot)", "ไม่มีรายงาน (ไม่ใช่จุดเย็น)"),
    STATUS_FEW_EXPECTED: ("Low, but too few reports expected to call it a cold spot",
                          "ต่ำ แต่จำนวนที่คาดไว้น้อยเกินกว่าจะเรียกว่าจุดเย็น"),
}


@dataclass(frozen=True)
class Reference:
    """The reference period of the one-period adjustment: date ranges (possibly two), what they are."""

    periods: tuple[tuple[dt.date, dt.date], ...]
    kind: str                      # "before" | "outside" | "none"

    def describe(self) -> dict[str, str]:
        from ..i18n import fmt_period

        if self.kind == "none":
            return {"en": "the dates analysed hold all the data, so there is no earlier period to compare with: "
                          "raw counts",
                    "th": "ช่วงวันที่ที่วิเคราะห์ครอบคลุมข้อมูลทั้งหมด จึงไม่มีช่วงก่อนหน้าให้เปรียบเทียบ: ใช้จำนวนดิบ"}
        span = {lang: (" and " if lang == "en" else " และ ").join(fmt_period(a, b, lang) for a, b in self.periods)
                for lang in ("en", "th")}
        if self.kind == "before":
            return {"en": f"expected counts from each unit's share of each channel's reports before the dates "
                          f"analysed ({span['en']})",
                    "th": f"จำนวนที่คาดไว้จากสัดส่วนรายงานของแต่ละพื้นที่ในแต่ละช่องทางก่อนช่วงที่วิเคราะห์ ({span['th']})"}
        return {"en": f"expected counts from each unit's share of each channel's reports outside the dates analysed "
                      f"({span['en']}; fewer than {MIN_REFERENCE_MONTHS} months of data before them)",
                "th": f"จำนวนที่คาดไว้จากสัดส่วนรายงานของแต่ละพื้นที่ในแต่ละช่องทางนอกช่วงที่วิเคราะห์ ({span['th']}; "
                      f"ข้อมูลก่อนหน้าไม่ถึง {MIN_REFERENCE_MONTHS} เดือน)"}


def _months_between(a: dt.date, b: dt.date) -> float:
    return ((b - a).days + 1) / 30.44


def reference_periods(date_from: dt.date, date_to: dt.date, first_data: dt.date | None,
                      last_data: dt.date | None) -> Reference:
    """The reference period for analysed dates `date_from`..`date_to` and the data's first and last day."""
    if first_data is None or last_data is None:
        return Reference((), "none")
    before = (first_data, date_from - dt.timedelta(days=1)) if first_data < date_from else None
    if before and _months_between(*before) >= MIN_REFERENCE_MONTHS:
        return Reference((before,), "before")
    after = (date_to + dt.timedelta(days=1), last_data) if last_data > date_to else None
    periods = tuple(p for p in (before, after) if p)
    return Reference(periods, "outside" if periods else "none")


def channel_matrix(unit_index: np.ndarray, channel: np.ndarray, counts: np.ndarray, n_units: int,
                   channels: list) -> np.ndarray:
    """Counts per unit × channel (units by position; rows with unit_index < 0 are dropped)."""
    pos = {c: j for j, c in enumerate(channels)}
    uniq, inv = np.unique(channel, return_inverse=True)        # no Python loop over a million points
    col = np.array([pos[c] for c in uniq.tolist()], dtype=np.int64)[inv.reshape(-1)]
    out = np.zeros((n_units, len(channels)))
    ok = unit_index >= 0
    np.add.at(out, (unit_index[ok], col[ok]), counts[ok])
    return out


def expected_counts(window: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """E[i] = Σ_c π[i,c] · O[·,c] for window and reference counts shaped units × channels."""
    window = np.asarray(window, dtype=float)
    reference = np.asarray(reference, dtype=float)
    ref_c = reference.sum(axis=0)
    ref_all = reference.sum()
    share_all = reference.sum(axis=1) / ref_all if ref_all > 0 else np.full(len(reference), 1.0 / len(reference))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(ref_c > 0, reference / np.where(ref_c > 0, ref_c, 1.0), share_all[:, None])
    return share @ window.sum(axis=0)


def pearson_residuals(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """(O − E) / sqrt(max(E, 1))."""
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    return (o - e) / np.sqrt(np.maximum(e, RESIDUAL_FLOOR))


def positive_shift(x: np.ndarray) -> np.ndarray:
    """x moved to be ≥ 1 (Gi*'s z-scores do not change when a constant is added)."""
    x = np.asarray(x, dtype=float)
    return x - x.min() + 1.0


def effort_cube(counts: np.ndarray) -> np.ndarray:
    """Locations × slices values from counts shaped locations × slices × channels (see the module text)."""
    counts = np.asarray(counts, dtype=float)
    n, n_t, _ = counts.shape
    vol = counts.sum(axis=0)                                    # slices × channels
    total_c = vol.sum(axis=0)                                   # channels
    if total_c.sum() == 0:
        return counts.sum(axis=2)
    keep = total_c > 0
    counts, vol, total_c = counts[:, :, keep], vol[:, keep], total_c[keep]
    pi = counts.sum(axis=1) / total_c                           # locations × channels
    weight = total_c / total_c.sum()
    share = (counts + SHRINK_REPORTS * pi[:, None, :]) / (vol[None, :, :] + SHRINK_REPORTS)
    return (share * weight).sum(axis=2) * (total_c.sum() / n_t)


def data_status(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Per unit: 'no_reports', 'few_expected' or 'ok' (may be a cold spot)."""
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    return np.where(o <= 0, STATUS_NO_REPORTS, np.where(e < MIN_EXPECTED_COLD, STATUS_FEW_EXPECTED, STATUS_OK))


__all__ = ["ADJUSTMENTS", "MIN_EXPECTED_COLD", "MIN_REFERENCE_MONTHS", "SHRINK_REPORTS", "STATUS_LABELS",
           "Reference", "channel_matrix", "data_status", "effort_cube", "expected_counts", "pearson_residuals",
           "positive_shift", "reference_periods"]
