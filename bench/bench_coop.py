"""The cooperation effect estimate at 1,000,000 synthetic reports and 5,000 synthetic activities.

    NTSWATCH_BOUNDARIES_DIR=../shared/boundaries .venv/bin/python bench/bench_coop.py [--reports 1000000]
        [--activities 5000] [--repeat 5] [--pg]

What the Cooperation page and the dossier run for "what changes" (cooperation/effects.py): for NTS literacy
training, the estimate on all channels (each compared with itself) and on each channel alone
(`estimate_by_channel`: one read of the counts, three fits), and the office channel alone with its event study
(`estimate`), as an analyst over all the data. The default scenario plants office reports × 1.3 in the six
months from each training, so the printed rate ratio should cover 1.3.

Baseline, named "pandas over fetched rows": the same monthly district × channel counts computed in pandas
after fetching the report rows they need from DuckDB (district, date, channel of every report in scope) —
what a page that pulls rows into pandas would pay per run — against the named queries' aggregation in DuckDB
(`read_panel`). The model fit is the same in both and is timed apart.

--pg: the same on PostgreSQL (a throwaway cluster under /tmp; the analyst's scope role, row security on),
read through DuckDB with the database attached; ratio PostgreSQL / DuckDB file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NTSWATCH_PG_ROLE_KEY", "bench-role-key-" + "0" * 40)

import pandas as pd  # noqa: E402

from ntswatch_geo.config import REFERENCE_DIR  # noqa: E402
from ntswatch_geo.cooperation import effects  # noqa: E402
from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.geography import build_geography, write_geography  # noqa: E402
from ntswatch_geo.scenario import DEFAULT_SCENARIO_PATH, load_scenario  # noqa: E402
from ntswatch_geo.scope import Scope  # noqa: E402
from ntswatch_geo.synth import generate  # noqa: E402

END = dt.date(2026, 10, 31)
ANALYST = Scope("analyst")
TRAINING = "nts_literacy_training"


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def build(con, n: int, activities: int) -> float:
    t = time.perf_counter()
    r = generate(con, n, seed=11, scenario=load_scenario(DEFAULT_SCENARIO_PATH), end_date=END, n_activities=activities)
    print(f"   {r.summary()}")
    return time.perf_counter() - t


def pandas_counts(con) -> pd.DataFrame:
    """The baseline: every report row's district, date and channel fetched, counted in pandas."""
    df = con.execute("SELECT district_code, occurred_date, channel FROM reports "
                     "WHERE occurred_date <= ? AND status NOT IN ('duplicate', 'suspected_spam', 'spam') "
                     "AND district_code IN (SELECT code FROM districts WHERE is_border)", [END]).df()
    d = pd.to_datetime(df["occurred_date"])
    df["month_no"] = d.dt.year * 12 + d.dt.month - 1
    return df.groupby(["district_code", "month_no", "channel"]).size().rename("reports").reset_index()


def measure(con, label: str, repeat: int) -> dict:
    """Median times of the page's calls on one connection; prints them and the estimate."""
    effects.estimate_by_channel(con, TRAINING, scope=ANALYST, end_date=END)        # warm-up (imports, caches)
    out = {}
    out["read"], (counts, districts) = timed(
        lambda: effects.read_panel(con, TRAINING, scope=ANALYST, end_date=END), repeat)
    office_counts = counts[counts["channel"] == "mwcc_office"]
    out["fit_all"], _ = timed(lambda: effects.fit_panel(counts, districts, activity_type=TRAINING), repeat)
    out["fit_office"], est = timed(lambda: effects.fit_panel(office_counts, districts, activity_type=TRAINING,
                                                             channel="mwcc_office"), repeat)
    out["by_channel"], rows = timed(lambda: effects.estimate_by_channel(con, TRAINING, scope=ANALYST, end_date=END),
                                    repeat)
    out["office"], est = timed(lambda: effects.estimate(con, TRAINING, scope=ANALYST, channel="mwcc_office",
                                                        end_date=END), repeat)
    print(f"   {label}: {int(counts['reports'].sum()):,} reports counted into {len(counts):,} district x month x "
          f"channel numbers; {est.n_treated} trained districts, {est.n_control} comparison districts")
    print(f"   {'read_panel (counts in the database)':<44} {out['read'] * 1000:8.0f} ms")
    print(f"   {'fit, all channels (pooled + event study)':<44} {out['fit_all'] * 1000:8.0f} ms")
    print(f"   {'fit, office channel (pooled + event study)':<44} {out['fit_office'] * 1000:8.0f} ms")
    print(f"   {'estimate_by_channel (all, online, office)':<44} {out['by_channel'] * 1000:8.0f} ms   (target < 5 s)")
    print(f"   {'estimate, office channel':<44} {out['office'] * 1000:8.0f} ms   (target < 2 s)")
    print(f"   office rate ratio {est.rate_ratio:.3f} (95% {est.ci_low:.3f}-{est.ci_high:.3f}), planted 1.3; "
          f"pre-trend p {est.pre_trend_p:.2f}; all channels {rows[0].rate_ratio:.3f}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--activities", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pg", action="store_true", help="also on PostgreSQL (a throwaway cluster)")
    args = ap.parse_args()
    bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR", ROOT.parent / "shared" / "boundaries"))
    geo = build_geography(bdir, REFERENCE_DIR)
    tmp = Path(tempfile.mkdtemp(prefix="bench_coop_"))
    try:
        print(f"machine: {os.cpu_count()} cores; {args.reports:,} reports, {args.activities:,} activities, "
              f"median of {args.repeat}")
        db = tmp / "bench.duckdb"
        con = connect(db)
        write_geography(con, geo)
        print(f"1. DuckDB file: built in {build(con, args.reports, args.activities):.1f} s")
        con.close()
        con = connect(db, read_only=True)
        duck = measure(con, "DuckDB file", args.repeat)
        base, frame = timed(lambda: pandas_counts(con), args.repeat)
        ours, (counts, _) = timed(lambda: effects.read_panel(con, TRAINING, scope=ANALYST, end_date=END), args.repeat)
        assert int(frame["reports"].sum()) == int(counts["reports"].sum())          # the same counts either way
        print(f"   counts: DuckDB {ours * 1000:.0f} ms; baseline 'pandas over fetched rows' {base * 1000:.0f} ms; "
              f"ratio = {base / ours:.1f}x")
        con.close()
        if args.pg:
            run_pg(geo, args, duck)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_pg(geo, args, duck: dict) -> None:
    import psycopg
    from ntswatch_geo.pg import cluster, roles

    folder = Path(tempfile.mkdtemp(prefix="bench-coop-pg-", dir="/tmp"))
    c = cluster.start(folder)
    try:
        with psycopg.connect(c.url(database="postgres"), autocommit=True) as p:
            p.execute("CREATE DATABASE coop")
        url = c.url(database="coop")
        con = connect(url)
        write_geography(con, geo)
        con.close()
        roles.ensure(url)
        con = connect(url)
        print(f"2. PostgreSQL (throwaway cluster, port {c.port}): built in {build(con, args.reports, args.activities):.1f} s")
        con.close()
        with psycopg.connect(url, autocommit=True) as p:
            p.execute("VACUUM ANALYZE reports")
        con = connect(roles.url_as(url, roles.SCOPE_ALL))
        pg = measure(con, "PostgreSQL via DuckDB, analyst's scope role", args.repeat)
        con.close()
        for k in ("read", "by_channel", "office"):
            print(f"   {k:<11} PostgreSQL {pg[k]:6.2f} s   DuckDB file {duck[k]:6.2f} s   "
                  f"ratio PostgreSQL/DuckDB = {pg[k] / duck[k]:.1f}")
    finally:
        cluster.stop(c)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
