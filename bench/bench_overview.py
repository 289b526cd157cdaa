"""Overview page with 1,000,000 synthetic reports: first load, re-run after a filter change, map payload.

    NTSWATCH_BOUNDARIES_DIR=../shared/boundaries .venv/bin/python bench/bench_overview.py [--reports 1000000]

Measured through streamlit's AppTest (the whole script: sidebar, queries, map, chart). Baseline, named
"pandas over fetched rows": the same KPIs, district counts and monthly series computed in pandas after
fetching the filtered report rows from DuckDB — what a page that pulls rows into pandas would pay per run.
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

from ntswatch_geo import auth, maps, overview as ov  # noqa: E402
from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.filters import Filters  # noqa: E402
from ntswatch_geo.config import REFERENCE_DIR  # noqa: E402
from ntswatch_geo.geography import build_geography, write_geography  # noqa: E402
from ntswatch_geo.scope import Scope  # noqa: E402
from ntswatch_geo.synth import generate  # noqa: E402

END = dt.date(2026, 10, 31)
CHANGES = [("f_cats", ["drug_trafficking"]), ("f_cats", ["smuggling", "online_fraud"]), ("f_provs", ["27"]),
           ("f_provs", ["34", "48"]), ("f_mwcc", True), ("f_chans", ["online"]), ("f_stats", ["new"]),
           ("f_cats", []), ("f_provs", []), ("f_dates", (dt.date(2024, 1, 1), dt.date(2024, 12, 31)))]


def build(tmp: Path, n: int) -> tuple[Path, Path]:
    bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR", ROOT.parent / "shared" / "boundaries"))
    db = tmp / "bench.duckdb"
    con = connect(db)
    write_geography(con, build_geography(bdir, REFERENCE_DIR))
    generate(con, n, seed=11, end_date=END)
    con.close()
    users = tmp / "users.toml"
    auth.BCRYPT_ROUNDS = 4
    auth.UserStore(users).add("bench", "bench-password-1", "analyst")
    return db, users


def pandas_baseline(con, f: Filters) -> float:
    t = time.perf_counter()
    df = con.execute("SELECT * FROM reports WHERE occurred_date BETWEEN ? AND ?", [f.date_from, f.date_to]).df()
    df.groupby("district_code").size()
    df.groupby([df["occurred_date"].dt.to_period("M"), "category"]).size()
    (df["status"].isin(["verified", "forwarded"])).mean()
    (df["verified_at"] - df["received_at"]).median()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1_000_000)
    args = ap.parse_args()
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        db, users = build(Path(d), args.reports)
        print(f"database               {args.reports:,} reports built in {time.perf_counter() - t:.1f} s")
        os.environ.update(NTSWATCH_DB=str(db), NTSWATCH_USERS=str(users))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["auth_user"] = "bench"
        t = time.perf_counter()
        at.run()
        first = time.perf_counter() - t
        assert not at.exception, at.exception
        times = []
        for key, value in CHANGES:
            widget = next(w for w in at.sidebar if getattr(w, "key", None) == key)
            widget.set_value(value)
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
            assert not at.exception, at.exception
        con = connect(db)
        f = Filters(dt.date(2025, 11, 1), END)
        deck, _ = maps.overview_deck(maps.load_geometry(con), ov.by_district(con, f, Scope("analyst")), "th")
        payload = maps.deck_payload_bytes(deck)
        t = time.perf_counter()
        ov.kpis(con, f, Scope("analyst")), ov.by_district(con, f, Scope("analyst"))
        ov.monthly_by_category(con, f, Scope("analyst")), ov.by_channel(con, f, Scope("analyst"))
        ours = time.perf_counter() - t
        base = min(pandas_baseline(con, f) for _ in range(3))
        print(f"first load (AppTest)   {first:.2f} s   (target < 5 s)")
        print(f"filter change re-run   median {statistics.median(times):.3f} s, worst {max(times):.3f} s over "
              f"{len(times)} changes   (target < 1 s)")
        print(f"map payload            {payload / 1024:.0f} KiB   (target < 1 MiB; independent of report count)")
        print(f"overview queries       {ours:.3f} s in DuckDB; baseline 'pandas over fetched rows' {base:.3f} s; "
              f"ratio = {base / ours:.1f}x")


if __name__ == "__main__":
    main()
