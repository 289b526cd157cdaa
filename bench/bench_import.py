"""Benchmark: `ntswatch_geo.reports.importer.import_file` on a 1,000,000-row CSV vs DuckDB's own read_csv.

Usage: NTSWATCH_BOUNDARIES_DIR=../shared/boundaries python bench/bench_import.py [--rows 1000000] [--seed 11]

Builds a fresh geography database (build_geography/write_geography from NTSWATCH_BOUNDARIES_DIR, default
../shared/boundaries) in a temp dir, writes a seeded CSV with Thai headers and a realistic mix: BE dates in
several written forms (15/01/2567, 15 ม.ค. 67, ISO, Thai digits), times, Thai and English category words,
district and province names in Thai and English with prefixes and spelling variants, points near the
border districts (90% of rows; the others name only the district), descriptions, and about 1% bad rows
(30 February, future dates, unknown districts, (0,0), points in Laos). It then times

* baseline: `CREATE TABLE t AS SELECT * FROM read_csv(file, all_varchar = true)` in the same database,
* import_file of the same file (read, normalise, locate, dedupe, store in one transaction),

checks rows_in = imported + quarantined + duplicates and prints rows/s and the ratio import / baseline.
The DistrictLocator is built before timing (it is cached per geography; ~2 s once per process).
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.config import REFERENCE_DIR  # noqa: E402
from ntswatch_geo.geography import build_geography, write_geography  # noqa: E402
from ntswatch_geo.reports.importer import import_file  # noqa: E402
from ntswatch_geo.reports.places import geography  # noqa: E402

TH_MONTH_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
CATEGORY_WORDS = ["ยาบ้า", "ยาเสพติด", "ไอซ์", "กัญชา", "drug_trafficking", "ค้ามนุษย์", "human trafficking",
                  "หลบหนีเข้าเมือง", "แรงงานต่างด้าว", "ลักลอบข้ามแดน", "illegal_migration", "สินค้าเถื่อน",
                  "บุหรี่", "สุรา", "smuggling", "แก๊งคอลเซ็นเตอร์", "call center", "อื่น ๆ", "other"]
DESCRIPTIONS = ["", "", "ขนของข้ามโขงกลางคืน", "รถกระบะจอดริมตลิ่ง", "ซื้อขายยาบ้าในหมู่บ้าน",
                "Boat crossing at night", "ต่างด้าวเดินผ่านช่องทางธรรมชาติ", "ข้อความหลอกให้โอนเงิน"]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def make_csv(path: Path, n: int, seed: int, districts: list[tuple], locator) -> None:
    """Write the seeded CSV (see the module docstring)."""
    rng = np.random.default_rng(seed)
    d = rng.integers(0, len(districts), n)
    start = np.datetime64("2019-01-01")
    days = rng.integers(0, (np.datetime64("2026-06-30") - start).astype(int), n)
    dates = (start + days).astype("datetime64[D]").astype(object)
    form = rng.integers(0, 10, n)
    cat = rng.integers(0, len(CATEGORY_WORDS), n)
    has_point = rng.random(n) < 0.9
    jitter = rng.normal(0, 0.01, (n, 2))
    # keep jittered points inside their district (else fall back to the centroid): bad rows are planted below
    cents = np.array([r[6:8] for r in districts])[d]
    pts = cents + jitter
    inside = locator.locate(pts[:, 1], pts[:, 0]) == np.array([r[0] for r in districts], dtype=object)[d]
    jitter[~inside] = 0.0
    hour = rng.integers(0, 24, n)
    minute = rng.integers(0, 60, n)
    name_form = rng.integers(0, 6, n)
    bad = rng.random(n)
    desc = rng.integers(0, len(DESCRIPTIONS), n)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["วันที่เกิดเหตุ", "เวลา", "ประเภท", "อำเภอ", "จังหวัด", "ละติจูด", "ลองจิจูด", "รายละเอียด"])
        for i in range(n):
            code, p_code, name_th, name_en, prov_th, prov_en, lat, lon = districts[d[i]]
            day = dates[i]
            be = day.year + 543
            f = form[i]
            if f < 5:
                ds = f"{day.day:02d}/{day.month:02d}/{be}"
            elif f < 7:
                ds = f"{day.day} {TH_MONTH_ABBR[day.month - 1]} {be % 100:02d}"
            elif f < 9:
                ds = day.isoformat()
            else:
                ds = f"{day.day:02d}/{day.month:02d}/{be}".translate(THAI_DIGITS)
            nf = name_form[i]
            dist, prov = ((f"อ.{name_th}", f"จ.{prov_th}") if nf < 2 else (name_th, prov_th) if nf < 4
                          else (name_en, prov_en) if nf < 5 else (f"Amphoe {name_en}", f"{prov_en} Province"))
            la = lo = ""
            if has_point[i]:
                la, lo = f"{lat + jitter[i, 0]:.5f}", f"{lon + jitter[i, 1]:.5f}"
            b = bad[i]
            if b < 0.002:
                ds = f"30/02/{be}"
            elif b < 0.004:
                ds = "15/01/2657"
            elif b < 0.006:
                dist, la, lo = "ไม่มีอำเภอนี้", "", ""
            elif b < 0.008:
                la, lo = "0", "0"
            elif b < 0.010:
                la, lo = "17.9757", "102.6331"
            w.writerow([ds, f"{hour[i]:02d}.{minute[i]:02d} น.", CATEGORY_WORDS[cat[i]], dist, prov, la, lo,
                        DESCRIPTIONS[desc[i]]])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()
    bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR") or PROJECT_ROOT.parent / "shared" / "boundaries")
    tmp = Path(tempfile.mkdtemp(prefix="bench_import_"))
    try:
        t0 = time.perf_counter()
        geo = build_geography(bdir, REFERENCE_DIR)
        db = tmp / "geo.duckdb"
        con = connect(db)
        write_geography(con, geo)
        rows = con.execute("""
            SELECT d.code, d.province_code, d.name_th, d.name_en, p.name_th, p.name_en,
                   ST_Y(ST_PointOnSurface(d.geom)), ST_X(ST_PointOnSurface(d.geom))
            FROM districts d JOIN provinces p ON p.code = d.province_code WHERE d.is_border ORDER BY d.code
        """).fetchall()
        geography(con)                       # build and cache the locator outside the timings
        print(f"geography database built in {time.perf_counter() - t0:.1f} s ({len(rows)} border districts)")
        path = tmp / "reports.csv"
        t0 = time.perf_counter()
        make_csv(path, args.rows, args.seed, rows, geography(con).locator)
        print(f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        con.execute("CREATE TABLE bench_read_csv AS SELECT * FROM read_csv(?, all_varchar = true)", [str(path)])
        base = time.perf_counter() - t0
        n_base = con.execute("SELECT count(*) FROM bench_read_csv").fetchone()[0]
        con.execute("DROP TABLE bench_read_csv")

        stages: dict[str, float] = {}
        last = [time.perf_counter(), None]

        def progress(name, fraction):
            now = time.perf_counter()
            if last[1] is not None:
                stages[last[1]] = stages.get(last[1], 0.0) + now - last[0]
            last[0], last[1] = now, name

        t0 = time.perf_counter()
        res = import_file(con, path, actor="bench", progress=progress)
        took = time.perf_counter() - t0
        con.close()
        assert res.rows_in == res.imported + res.quarantined + res.duplicates == args.rows, res
        print(f"baseline DuckDB read_csv: {n_base:,} rows in {base:.2f} s ({n_base / base:,.0f} rows/s)")
        print(f"import_file: {res.rows_in:,} rows in {took:.2f} s ({res.rows_in / took:,.0f} rows/s): "
              f"{res.imported:,} imported, {res.duplicates:,} duplicates, {res.quarantined:,} quarantined")
        print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
        print(f"ratio import / read_csv: {took / base:.1f}x (aim: < 5x and < 60 s)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
