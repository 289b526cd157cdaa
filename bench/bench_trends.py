"""Trends page and provincial briefing with 1,000,000 synthetic reports.

    NTSWATCH_BOUNDARIES_DIR=../shared/boundaries .venv/bin/python bench/bench_trends.py [--reports 1000000]

What a Trends page runs for an analyst over 34 months (January 2024 - October 2026): the monthly series by
category, the change table by district (previous period, same period last year), Mann-Kendall / Sen's slope /
seasonal Mann-Kendall for each category, and the alerts of the latest complete month (402 district × category
cells against their trailing 12 months); then the briefing PDF of one province for one quarter, Thai.

Baseline, named "pandas over fetched rows": the same counts (series, change-table windows, the alerts' monthly
district × category matrix) computed in pandas after fetching the report rows they need from DuckDB — what a
page that pulls rows into pandas would pay per run. The statistics themselves (pymannkendall, scipy) run on the
same small frames either way and are timed apart.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from ntswatch_geo import briefing, trends  # noqa: E402
from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.filters import Filters  # noqa: E402
from ntswatch_geo.config import REFERENCE_DIR  # noqa: E402
from ntswatch_geo.geography import build_geography, write_geography  # noqa: E402
from ntswatch_geo.scenario import DEFAULT_SCENARIO_PATH, load_scenario  # noqa: E402
from ntswatch_geo.scope import Scope  # noqa: E402
from ntswatch_geo.synth import generate  # noqa: E402

END = dt.date(2026, 10, 31)
F = Filters(dt.date(2024, 1, 1), END)
ANALYST = Scope("analyst")
REPEAT = 5


def build(tmp: Path, n: int) -> Path:
    bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR", ROOT.parent / "shared" / "boundaries"))
    db = tmp / "bench.duckdb"
    con = connect(db)
    write_geography(con, build_geography(bdir, REFERENCE_DIR))
    generate(con, n, seed=11, scenario=load_scenario(DEFAULT_SCENARIO_PATH), end_date=END)
    con.close()
    return db


def timed(fn, repeat: int = REPEAT) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def page(con) -> dict:
    return {
        "series": trends.series(con, F, ANALYST, by=("category",), freq="month"),
        "change": trends.change_table(con, F, ANALYST, by=("district",)),
        "tests": trends.trend_tests(con, F, ANALYST, by=("category",)),
        "alerts": trends.alerts(con, F, ANALYST),
    }


def pandas_series(con) -> pd.DataFrame:
    df = con.execute("SELECT occurred_date, category FROM reports WHERE occurred_date BETWEEN ? AND ?",
                     [F.date_from, F.date_to]).df()
    return df.groupby([pd.to_datetime(df["occurred_date"]).dt.to_period("M"), "category"]).size()


def pandas_counts(con) -> None:
    """The counts behind the whole page, from fetched rows (series, change windows, alert matrix)."""
    prev = F.previous_period()
    ly = trends.same_period_last_year(F.date_from, F.date_to)
    lo = min(prev[0], ly[0], trends.add_months(trends.extent(con, ANALYST).last_complete_month, -12))
    df = con.execute("SELECT occurred_date, category, district_code FROM reports WHERE occurred_date BETWEEN ? AND ?",
                     [lo, F.date_to]).df()
    d = pd.to_datetime(df["occurred_date"])
    month = d.dt.to_period("M")
    inside = d.between(pd.Timestamp(F.date_from), pd.Timestamp(F.date_to))
    df[inside].groupby([month[inside], "category"]).size()
    for a, b in ((F.date_from, F.date_to), prev, ly):
        df[d.between(pd.Timestamp(a), pd.Timestamp(b))].groupby("district_code").size()
    df.groupby(["district_code", "category", month]).size().unstack(fill_value=0)


def duckdb_counts(con) -> None:
    """The same counts through the trends queries (no statistics)."""
    trends.series(con, F, ANALYST, by=("category",), freq="month")
    trends.change_table(con, F, ANALYST, by=("district",))
    last = trends.extent(con, ANALYST).last_complete_month
    trends.series(con, Filters(trends.add_months(last, -12), trends.month_end(last)), ANALYST,
                  by=("district", "category"), freq="month")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        db = build(Path(d), args.reports)
        con = connect(db, read_only=True)
        n = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        print(f"database                 {n:,} reports built in {time.perf_counter() - t:.1f} s")
        page(con)  # warm up
        items = {
            "series (month x category)": lambda: trends.series(con, F, ANALYST, by=("category",)),
            "change table by district": lambda: trends.change_table(con, F, ANALYST, by=("district",)),
            "MK + Sen + seasonal MK x6": lambda: trends.trend_tests(con, F, ANALYST, by=("category",)),
            "alerts, latest month": lambda: trends.alerts(con, F, ANALYST),
        }
        for name, fn in items.items():
            s, _ = timed(fn)
            print(f"{name:<26} {s * 1000:7.0f} ms")
        total, out = timed(lambda: page(con))
        print(f"{'Trends page (all four)':<26} {total * 1000:7.0f} ms   (target < 1 s; "
              f"{len(out['series'])} series rows, {len(out['change'])} change rows, {len(out['alerts'])} alerts)")
        ours, _ = timed(lambda: trends.series(con, F, ANALYST, by=("category",)))
        base, _ = timed(lambda: pandas_series(con))
        print(f"series: DuckDB {ours * 1000:.0f} ms; baseline 'pandas over fetched rows' {base * 1000:.0f} ms; "
              f"ratio = {base / ours:.1f}x")
        ours, _ = timed(lambda: duckdb_counts(con))
        base, _ = timed(lambda: pandas_counts(con))
        print(f"page counts: DuckDB {ours * 1000:.0f} ms; baseline 'pandas over fetched rows' {base * 1000:.0f} ms; "
              f"ratio = {base / ours:.1f}x")
        t = time.perf_counter()
        pdf = briefing.build_briefing(con, "48", "2026-Q3", "th", Scope("admin"))
        first = time.perf_counter() - t
        again, pdf = timed(lambda: briefing.build_briefing(con, "48", "2026-Q3", "th", Scope("admin")), repeat=3)
        print(f"briefing PDF (48, 2026-Q3, th)  first {first:.2f} s, then median {again:.2f} s; "
              f"{len(pdf) / 1024:.0f} KB   (target < 5 s)")
        con.close()


if __name__ == "__main__":
    main()
