"""Reads of the cooperation record, always within the viewer's scope (named queries coop_*.sql).

- `activities(con, scope, ...)`: the activities (one row each, with facing district names), newest first.
- `district_summary(con, scope, asof, ...)`: per border district: activities, joint activities, people reached on
  each side, change agents, budget, the last activity and months since it (continuity), partnership strength.
- `partnerships(con, scope, ...)`: per parallel-area pair, the two ends and the pair's joint activities (the map).
- `yearly(con, scope, ...)`: activities, people and budget per district and year.
- `area_summary(district_frame)`: the same figures per parallel area (Thai district × facing district).

Partnership strength (docs/cooperation.md): Σ over the joint activities (with at least one facing district) of
1 + log10(1 + participants from across the border): one point for each joint activity, more when the other side
comes in numbers, with diminishing returns (10 people across: 2.04 points; 100: 3.00).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..db import run_query
from ..scope import Scope


def _scope(scope: Scope) -> dict:
    return scope.sql_params()


def activities(con, scope: Scope, date_from: dt.date | None = None, date_to: dt.date | None = None,
               types=None, districts=None) -> pd.DataFrame:
    """The activities overlapping [date_from, date_to] (None = open), of `types` and `districts` (None = all)."""
    return run_query(con, "coop_activities", {
        "date_from": date_from, "date_to": date_to, "types": list(types) if types else None,
        "dists": list(districts) if districts else None, **_scope(scope)}).df()


def district_summary(con, scope: Scope, asof: dt.date, date_from: dt.date | None = None, provinces=None,
                     districts=None, mwcc_only: bool = False, types=None) -> pd.DataFrame:
    """One row per border district in scope (and the province/district filters): the record (activities of `types`,
    None = all) from date_from (None: from the start) to asof; months_since_last is NULL for a district without any
    activity."""
    return run_query(con, "coop_district_summary", {
        "asof": asof, "date_from": date_from, "types": list(types) if types else None, "provs": list(provinces or []),
        "dists": list(districts or []), "mwcc_only": bool(mwcc_only), **_scope(scope)}).df()


def partnerships(con, scope: Scope, date_from: dt.date | None = None, date_to: dt.date | None = None,
                 types=None, districts=None) -> pd.DataFrame:
    """One row per parallel-area pair in scope with its ends (from_lon/lat: the Thai district, to_lon/lat: the
    facing one) and the pair's joint activities in the period."""
    return run_query(con, "coop_partnerships", {
        "date_from": date_from, "date_to": date_to, "types": list(types) if types else None,
        "dists": list(districts) if districts else None, **_scope(scope)}).df()


def yearly(con, scope: Scope, districts=None, types=None) -> pd.DataFrame:
    """Per district and calendar year: activities (of `types`, None = all), people each side, change agents, budget."""
    return run_query(con, "coop_yearly", {"dists": list(districts) if districts else None,
                                          "types": list(types) if types else None, **_scope(scope)}).df()


def area_summary(pairs: pd.DataFrame) -> pd.DataFrame:
    """The partnership rows as a table per parallel area: activities, people each side, last activity."""
    cols = ["district_code", "district_th", "district_en", "neighbour_id", "neighbour_en", "country", "shared_km",
            "activities", "people_th", "people_across", "last_activity"]
    return pairs[cols].sort_values(["activities", "people_across"], ascending=False).reset_index(drop=True)
