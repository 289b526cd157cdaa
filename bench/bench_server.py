"""Benchmark: the PostgreSQL store against the DuckDB file (baseline), measured in the same run.

1. Public submissions per second with 1, 4 and 16 concurrent writers: on PostgreSQL each writer is a process of
   its own signed in as the public intake role (row-level security on, as deployed); on the DuckDB file, which
   one process holds for writing, each writer is a thread with its own cursor (the best the file allows).
2. The Overview and Trends queries of the pages at --reports synthetic reports (default 1,000,000), as an
   analyst with the pages' default period (the last 365 days of data): on PostgreSQL through DuckDB with the
   database attached (ntswatch_geo/pg/gateway.py, the analyst's scope role, row-level security on) against the
   DuckDB file. Median of --repeat runs, after one warm-up run.

Usage: NTSWATCH_BOUNDARIES_DIR=../shared/boundaries .venv/bin/python bench/bench_server.py [--reports 1000000]
       [--per 100] [--repeat 3]

Starts a throwaway PostgreSQL cluster under /tmp (stopped and removed at the end). Prints each figure and the
ratio PostgreSQL / DuckDB.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("NTSWATCH_PG_ROLE_KEY", "bench-role-key-" + "0" * 40)
os.environ.setdefault("NTSWATCH_CLIENT_KEY", "bench-client-key")

from ntswatch_geo.config import REFERENCE_DIR  # noqa: E402
from ntswatch_geo.db import connect  # noqa: E402

NOW = dt.datetime(2026, 11, 26, 10, 0)
END = dt.date(2026, 11, 30)
DISTRICTS = [("นครพนม", "บ้านแพง"), ("นครพนม", "ท่าอุเทน"), ("สระแก้ว", "อรัญประเทศ"), ("หนองคาย", "เมืองหนองคาย"),
             ("บึงกาฬ", "บึงโขงหลง"), ("มุกดาหาร", "เมืองมุกดาหาร"), ("เชียงราย", "เชียงแสน"), ("ตราด", "คลองใหญ่")]
CATEGORIES = ["ยาบ้า", "ไอซ์", "หลบหนีเข้าเมือง", "สินค้าเถื่อน", "แก๊งคอลเซ็นเตอร์", "ค้ามนุษย์"]


def fields(w: int, i: int) -> dict:
    prov, dist = DISTRICTS[(w + i) % len(DISTRICTS)]
    return {"category": CATEGORIES[i % len(CATEGORIES)], "occurred_date": f"{1 + i % 28:02d}/10/2569",
            "province": prov, "district": dist, "description": f"bench writer {w} report {i}",
            "contact_consent": False}


def _submit_all(con, w: int, per: int) -> int:
    from ntswatch_geo.reports.submit import submit_report
    bad = 0
    for i in range(per):
        res = submit_report(con, fields(w, i), channel="online", actor="public", now=NOW + dt.timedelta(seconds=i),
                            client=f"198.51.100.{w}", guard=False)
        bad += not res.ok
    return bad


def _pg_writer(url: str, w: int, per: int, ready, go, out) -> None:
    from ntswatch_geo.reports.places import geography
    con = connect(url)
    geography(con)                      # the lookups every process builds once, outside the timing
    ready.wait()
    go.wait()
    out.put(_submit_all(con, w, per))
    con.close()


def pg_writers(url: str, n: int, per: int) -> float:
    ctx = mp.get_context("spawn")
    ready, go, out = ctx.Barrier(n + 1), ctx.Barrier(n + 1), ctx.Queue()
    procs = [ctx.Process(target=_pg_writer, args=(url, w, per, ready, go, out)) for w in range(n)]
    for p in procs:
        p.start()
    ready.wait()
    t0 = time.perf_counter()
    go.wait()
    bad = sum(out.get(timeout=3600) for _ in procs)
    took = time.perf_counter() - t0
    for p in procs:
        p.join()
    assert bad == 0, f"{bad} submissions failed"
    return n * per / took


def duckdb_writers(path: Path, n: int, per: int) -> float:
    from ntswatch_geo.reports.places import geography
    con = connect(path)
    geography(con)
    bad: list[int] = []
    threads = [threading.Thread(target=lambda w=w: bad.append(_submit_all(con.cursor(), w, per))) for w in range(n)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    con.close()
    assert sum(bad) == 0
    return n * per / took


def page_queries(con) -> dict[str, float]:
    """Seconds per group of the pages' queries (median of the repeats is taken by the caller)."""
    from ntswatch_geo import overview as ov
    from ntswatch_geo import trends as tr
    from ntswatch_geo.filters import Filters
    from ntswatch_geo.scope import Scope

    analyst = Scope("analyst", username="bench")
    f = Filters(END - dt.timedelta(days=364), END)
    out = {}
    t = time.perf_counter()
    ov.kpis(con, f, analyst), ov.by_district(con, f, analyst), ov.by_channel(con, f, analyst)
    ov.monthly_by_category(con, f, analyst), ov.synthetic_in_view(con, f, analyst)
    out["overview"] = time.perf_counter() - t
    t = time.perf_counter()
    tr.series(con, f, analyst), tr.by_channel(con, f, analyst), tr.change_table(con, f, analyst)
    tr.trend_tests(con, tr.test_window(con, f, analyst), analyst)
    out["trends"] = time.perf_counter() - t
    return out


def median_queries(con, repeat: int) -> dict[str, float]:
    page_queries(con)                                       # warm-up
    runs = [page_queries(con) for _ in range(repeat)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--per", type=int, default=100, help="submissions per writer")
    ap.add_argument("--writers", default="1,4,16")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from ntswatch_geo.geography import build_geography, write_geography
    from ntswatch_geo.pg import cluster, roles
    from ntswatch_geo.synth import generate

    bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR") or PROJECT_ROOT.parent / "shared" / "boundaries")
    tmp = Path(tempfile.mkdtemp(prefix="bench_server_"))
    pg_folder = Path(tempfile.mkdtemp(prefix="bench-pg-", dir="/tmp"))
    c = cluster.start(pg_folder)
    try:
        import psycopg
        geo = build_geography(bdir, REFERENCE_DIR)
        template = tmp / "geo.duckdb"
        con = connect(template)
        write_geography(con, geo)
        con.close()

        def pg_database(name: str) -> str:
            with psycopg.connect(c.url(database="postgres"), autocommit=True) as p:
                p.execute(f"CREATE DATABASE {name}")
            url = c.url(database=name)
            con = connect(url)
            write_geography(con, geo)
            con.close()
            roles.ensure(url)
            return url

        print(f"machine: {os.cpu_count()} cores; PostgreSQL {c.port} on 127.0.0.1 (throwaway), DuckDB file in {tmp}")
        print("\n1. public submissions per second (PostgreSQL: writer processes as the intake role; "
              "DuckDB: threads of one process)")
        for n in (int(x) for x in args.writers.split(",")):
            url = pg_database(f"w{n}")
            pg_rate = pg_writers(roles.url_as(url, roles.PUBLIC), n, args.per)
            path = tmp / f"w{n}.duckdb"
            shutil.copy(template, path)
            duck_rate = duckdb_writers(path, n, args.per)
            print(f"   {n:>2} writer(s) x {args.per}: PostgreSQL {pg_rate:7.1f}/s   DuckDB file {duck_rate:7.1f}/s   "
                  f"ratio PostgreSQL/DuckDB = {pg_rate / duck_rate:.2f}")

        print(f"\n2. page queries at {args.reports:,} reports (analyst, last 365 days; median of {args.repeat})")
        url = pg_database("q")
        t = time.perf_counter()
        con = connect(url)
        generate(con, args.reports, seed=1, scenario=None, end_date=END)
        con.close()
        with psycopg.connect(url, autocommit=True) as p:
            p.execute("VACUUM ANALYZE reports")
        pg_build = time.perf_counter() - t
        path = tmp / "q.duckdb"
        shutil.copy(template, path)
        t = time.perf_counter()
        con = connect(path)
        generate(con, args.reports, seed=1, scenario=None, end_date=END)
        con.close()
        duck_build = time.perf_counter() - t
        print(f"   demo data written: PostgreSQL {pg_build:.1f} s, DuckDB file {duck_build:.1f} s")
        con = connect(roles.url_as(url, roles.SCOPE_ALL))
        pg = median_queries(con, args.repeat)
        con.close()
        con = connect(path, read_only=True)
        duck = median_queries(con, args.repeat)
        con.close()
        for k in pg:
            print(f"   {k:<9} PostgreSQL via DuckDB {pg[k]:6.2f} s   DuckDB file {duck[k]:6.2f} s   "
                  f"ratio PostgreSQL/DuckDB = {pg[k] / duck[k]:.1f}")
    finally:
        cluster.stop(c)
        shutil.rmtree(pg_folder, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
