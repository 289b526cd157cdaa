"""Benchmark: concurrent form submissions (16 threads x 250 reports, each thread with its own con.cursor())
against one thread submitting the same 4,000 reports sequentially (the baseline).

Usage: NTSWATCH_BOUNDARIES_DIR=../shared/boundaries python bench/bench_concurrent_submit.py [--threads 16] [--per 250]

Builds a geography database once (build_geography/write_geography), copies it for each run, and checks that
every report was stored exactly once (unique ids and ref_nos, one audit event each) and that no call failed.
Prints reports/s for both runs and the ratio concurrent / sequential throughput.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.config import REFERENCE_DIR  # noqa: E402
from ntswatch_geo.geography import build_geography, write_geography  # noqa: E402
from ntswatch_geo.reports.places import geography  # noqa: E402
from ntswatch_geo.reports.submit import submit_report  # noqa: E402

CATEGORIES = ["ยาบ้า", "ไอซ์", "หลบหนีเข้าเมือง", "สินค้าเถื่อน", "แก๊งคอลเซ็นเตอร์", "ค้ามนุษย์"]
NOW = dt.datetime(2026, 11, 26, 10, 0)


def make_fields(n: int, seed: int, points: np.ndarray, codes: np.ndarray, locator) -> list[dict]:
    """n seeded submissions: points near border-district interiors (kept inside), BE dates, Thai categories."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(points), n)
    jit = rng.normal(0, 0.003, (n, 2))
    p = points[idx] + jit
    jit[locator.locate(p[:, 1], p[:, 0]) != codes[idx]] = 0.0
    day = rng.integers(0, 700, n)
    out = []
    for i in range(n):
        d = dt.date(2024, 1, 1) + dt.timedelta(days=int(day[i]))
        out.append({"category": CATEGORIES[i % len(CATEGORIES)],
                    "occurred_date": f"{d.day:02d}/{d.month:02d}/{d.year + 543}",
                    "lat": f"{points[idx[i], 0] + jit[i, 0]:.5f}", "lon": f"{points[idx[i], 1] + jit[i, 1]:.5f}",
                    "description": f"bench report {i}", "contact_consent": False})
    return out


def run(db: Path, jobs: list[list[dict]]) -> tuple[float, int]:
    """Submit each job list from its own thread and cursor; returns (seconds, failures)."""
    con = connect(db)
    geography(con)                                   # cached lookups built outside the timing
    failures: list[object] = []

    def work(fields: list[dict]) -> None:
        cur = con.cursor()
        try:
            for f in fields:
                res = submit_report(cur, f, channel="online", actor="bench", now=NOW)
                if not res.ok:
                    failures.append(res.errors)
        except Exception as exc:  # noqa: BLE001 - counted and printed
            failures.append(exc)
        finally:
            cur.close()

    threads = [threading.Thread(target=work, args=(j,)) for j in jobs]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    n_jobs = sum(len(j) for j in jobs)
    n, ids, refs, audits = con.execute(
        "SELECT count(*), count(DISTINCT id), count(DISTINCT ref_no), "
        "(SELECT count(DISTINCT report_id) FROM audit_events) FROM reports").fetchone()
    con.close()
    if failures:
        print(f"  {len(failures)} failures, e.g. {failures[0]!r}")
    assert n == ids == refs == audits == n_jobs - len(failures), (n, ids, refs, audits, n_jobs)
    return took, len(failures)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--per", type=int, default=250)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR") or PROJECT_ROOT.parent / "shared" / "boundaries")
    tmp = Path(tempfile.mkdtemp(prefix="bench_submit_"))
    try:
        template = tmp / "geo.duckdb"
        con = connect(template)
        write_geography(con, build_geography(bdir, REFERENCE_DIR))
        rows = con.execute("SELECT code, ST_Y(ST_PointOnSurface(geom)), ST_X(ST_PointOnSurface(geom)) "
                           "FROM districts WHERE is_border ORDER BY code").fetchall()
        points = np.array([r[1:] for r in rows])
        codes = np.array([r[0] for r in rows], dtype=object)
        n = args.threads * args.per
        fields = make_fields(n, args.seed, points, codes, geography(con).locator)
        con.close()

        seq_db = tmp / "sequential.duckdb"
        shutil.copy(template, seq_db)
        t_seq, f_seq = run(seq_db, [fields])
        conc_db = tmp / "concurrent.duckdb"
        shutil.copy(template, conc_db)
        t_conc, f_conc = run(conc_db, [fields[k::args.threads] for k in range(args.threads)])

        print(f"baseline, 1 thread sequential: {n:,} reports in {t_seq:.1f} s ({n / t_seq:,.0f} reports/s), "
              f"{f_seq} failures")
        print(f"{args.threads} threads x {args.per}: {n:,} reports in {t_conc:.1f} s ({n / t_conc:,.0f} reports/s), "
              f"{f_conc} failures")
        print(f"ratio concurrent / sequential throughput: {t_seq / t_conc:.2f}x "
              f"(on {os.cpu_count()} CPUs; each submission is one short DuckDB transaction)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
