"""The Overview page's data: headline figures, counts by channel, by district and by month, all in DuckDB.

Each function takes a connection, the filters and the viewer's scope and returns a small, aggregated
result whose size does not grow with the number of reports.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .db import run_query
from .filters import Filters
from .scope import Scope


@dataclass(frozen=True)
class Kpis:
    reports: int
    prev_reports: int
    verified: int
    reviewed: int
    median_days_to_verification: float | None
    districts: int

    @property
    def change(self) -> float | None:
        """Relative change against the previous period of equal length (None without a baseline)."""
        return None if self.prev_reports == 0 else (self.reports - self.prev_reports) / self.prev_reports

    @property
    def verified_share(self) -> float | None:
        """Verified or forwarded, out of all reports in the period."""
        return None if self.reports == 0 else self.verified / self.reports


def kpis(con, f: Filters, scope: Scope) -> Kpis:
    """Headline figures for the period and the previous period of equal length."""
    row = run_query(con, "overview_kpis", f.sql_params(scope)).fetchone()
    reports, verified, reviewed, median_days, districts, prev = row
    return Kpis(int(reports), int(prev), int(verified), int(reviewed),
                None if median_days is None else float(median_days), int(districts))


def by_channel(con, f: Filters, scope: Scope) -> pd.DataFrame:
    """channel, label_th, label_en, reports — every channel, zeros included."""
    return run_query(con, "overview_by_channel", f.sql_params(scope)).df()


def by_district(con, f: Filters, scope: Scope) -> pd.DataFrame:
    """One row per border district in scope: names, province, MWCC flag, reports, verified, per 100 km²."""
    return run_query(con, "overview_by_district", f.sql_params(scope)).df()


def monthly_by_category(con, f: Filters, scope: Scope) -> pd.DataFrame:
    """month, category, label_th, label_en, reports — zero-filled over the period's months."""
    return run_query(con, "overview_monthly_by_category", f.sql_params(scope)).df()


def synthetic_in_view(con, f: Filters, scope: Scope) -> tuple[int, int]:
    """(synthetic reports, all reports) that the filters show."""
    s, n = run_query(con, "synthetic_in_view", f.sql_params(scope)).fetchone()
    return int(s), int(n)
