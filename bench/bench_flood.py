"""Benchmark: a flood on the public form, and what the guard costs.

Usage: NTSWATCH_BOUNDARIES_DIR=../shared/boundaries python bench/bench_flood.py [--reports 100000] [--flood 1000]

Builds a geography database with synthetic reports up to 2026-10-31, then, within one minute of wall time:

1. one client sends `--flood` identical public submissions about drug trafficking in one district
   (Bueng Khong Long) dated in October 2026 — the attack the issue saw fire a surge alert (238 vs 6);
2. fifty clients send twenty copies each of one text (a flood spread over addresses);
3. a genuine citizen, from another address, sends one report afterwards.

It prints what was stored, held and refused, and checks with the defaults a user gets that the Overview's
counts, the district's October count, the October alerts and the genuine report's place in the
verification queue (oldest first) are exactly what they were without the flood.

Cost: the guard's check (`IntakeGuard.check`, layer 1) per submission in microseconds, and a whole guarded
public submission against the same submission unguarded (the baseline), as a ratio.
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

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from ntswatch_geo import overview, trends, verification  # noqa: E402
from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.filters import Filters  # noqa: E402
from ntswatch_geo.config import REFERENCE_DIR  # noqa: E402
from ntswatch_geo.geography import build_geography, write_geography  # noqa: E402
from ntswatch_geo.reports import guard as g  # noqa: E402
from ntswatch_geo.reports.places import geography  # noqa: E402
from ntswatch_geo.reports.submit import submit_report  # noqa: E402
from ntswatch_geo.scope import Scope  # noqa: E402
from ntswatch_geo.synth import generate  # noqa: E402

END = dt.date(2026, 10, 31)
NOW = dt.datetime(2026, 11, 5, 10, 0)
DISTRICT = "3806"                 # Bueng Khong Long, Bueng Kan
FLOOD_TEXT = "มีการขายยาบ้าที่ตลาดริมโขง ทุกคืน ตั้งแต่สองทุ่ม ขอให้ตรวจสอบด่วน"
ANALYST = Scope(role="analyst")
OFFICER = Scope(role="district_officer", province_code=DISTRICT[:2], district_code=DISTRICT, username="bench")


def flood_fields(i: int) -> dict:
    return {"category": "ยาบ้า", "occurred_date": f"{1 + i % 28:02d}/10/2569", "province": "บึงกาฬ",
            "district": "บึงโขงหลง", "description": FLOOD_TEXT, "contact_consent": False}


def genuine_fields() -> dict:
    return {"category": "ค้ามนุษย์", "occurred_date": "30/10/2569", "province": "บึงกาฬ", "district": "บึงโขงหลง",
            "description": "มีรถตู้รับแรงงานข้ามแดนกลางดึก หลังวัดริมน้ำ", "contact_consent": False}


def figures(con) -> dict:
    """What users see, with their defaults: the Overview (last 365 days), the district's October count, the
    October alerts (latest complete month), the officer's queue."""
    f = Filters(date_from=END - dt.timedelta(days=364), date_to=END)
    k = overview.kpis(con, f, ANALYST)
    october = Filters(date_from=dt.date(2026, 10, 1), date_to=END, districts=(DISTRICT,))
    alerts = trends.alerts(con, Filters(date_from=dt.date(2023, 1, 1), date_to=END), ANALYST)
    return {"overview_reports": k.reports, "district_october": overview.kpis(con, october, ANALYST).reports,
            "october_alerts": sorted(zip(alerts["district_code"], alerts["category"]))
            if len(alerts) else []}


def queue_position(con, report_id: int) -> int | None:
    q = verification.queue(con, OFFICER, limit=100_000)
    pos = q.index[q["id"] == report_id]
    return int(pos[0]) + 1 if len(pos) else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--flood", type=int, default=1000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_flood_"))
    os.environ.setdefault("NTSWATCH_CLIENT_KEY", "bench")
    try:
        template = tmp / "geo.duckdb"
        with connect(template) as con:
            bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR") or PROJECT_ROOT.parent / "shared" / "boundaries")
            write_geography(con, build_geography(bdir, REFERENCE_DIR))
            generate(con, args.reports, 42, None, END)
        runs = {}
        for name in ("calm", "flood", "unguarded"):
            path = tmp / f"{name}.duckdb"
            shutil.copy(template, path)
            con = connect(path)
            geography(con)
            guard = g.IntakeGuard()
            before = figures(con)
            t0 = time.perf_counter()
            outcome = {"stored": 0, "held": 0, "refused": 0}
            if name != "calm":
                use = guard if name == "flood" else False        # unguarded: what the flood did before
                for i in range(args.flood):
                    r = submit_report(con, flood_fields(i), channel="online", actor="public", now=NOW,
                                      client="203.0.113.66", guard=use)
                    outcome["refused" if not r.ok else "stored"] += 1
                for c in range(50):
                    for i in range(20):
                        r = submit_report(con, flood_fields(i), channel="online", actor="public", now=NOW,
                                          client=f"198.51.100.{c}", guard=use)
                        outcome["refused" if not r.ok else "stored"] += 1
            flood_s = time.perf_counter() - t0
            real = submit_report(con, genuine_fields(), channel="online", actor="public", now=NOW,
                                 client="192.0.2.10", guard=guard)
            held = con.execute("SELECT spam_reason, count(*) FROM reports WHERE status IN ('suspected_spam') "
                               "GROUP BY 1 ORDER BY 1").fetchall()
            outcome["held"] = sum(n for _, n in held)
            status = con.execute("SELECT status FROM reports WHERE id = ?", [real.report_id]).fetchone()[0]
            runs[name] = {"before": before, "after": figures(con), "outcome": outcome, "held": held,
                          "seconds": flood_s, "real_status": status, "queue_pos": queue_position(con, real.report_id)}
            con.close()
        fl, calm, raw = runs["flood"], runs["calm"], runs["unguarded"]
        sent = args.flood + 1000
        print(f"flood: {sent:,} submissions in {fl['seconds']:.1f} s "
              f"({args.flood:,} from one client, 1,000 from 50 clients), then one genuine report from another client")
        print(f"  guarded: stored {fl['outcome']['stored']:,} (held as suspected spam {fl['outcome']['held']:,}: "
              f"{', '.join(f'{r} {n:,}' for r, n in fl['held'])}), refused {fl['outcome']['refused']:,}")
        print(f"  unguarded (the old intake, same flood, {raw['seconds']:.1f} s): stored {raw['outcome']['stored']:,}")
        for key in ("overview_reports", "district_october", "october_alerts"):
            same = fl["after"][key] == calm["after"][key]
            print(f"  {key}: no flood {calm['after'][key]} | guarded flood {fl['after'][key]} "
                  f"({'same' if same else 'DIFFERENT'}) | unguarded flood {raw['after'][key]}")
        print(f"  genuine report: status {fl['real_status']}, queue position {fl['queue_pos']} "
              f"(no flood: {calm['queue_pos']}, unguarded flood: {raw['queue_pos']})")
        ok = fl["after"] == calm["after"] and fl["queue_pos"] == calm["queue_pos"] and fl["real_status"] == "new"
        print(f"  flood left counts, alerts and the queue's reach unchanged: {ok}")

        # the guard's own cost, and a guarded submission against an unguarded one
        guard = g.IntakeGuard(hold="1000000 per minute", refuse="1000000 per minute",
                              global_refuse="1000000 per minute")
        n = 20_000
        t0 = time.perf_counter()
        for i in range(n):
            guard.check(g.client_key(f"10.0.{i % 200}.{i % 250}"))
        check_us = (time.perf_counter() - t0) / n * 1e6
        path = tmp / "cost.duckdb"
        shutil.copy(template, path)
        con = connect(path)
        geography(con)
        timings = {"unguarded": [], "guarded": []}
        for i in range(300):
            fields = genuine_fields() | {"description": f"รายงานทดสอบ {i} รถตู้ข้ามแดน", "occurred_date": f"{1 + i % 28:02d}/09/2569"}
            for mode in ("unguarded", "guarded"):
                t0 = time.perf_counter()
                if mode == "guarded":
                    submit_report(con, fields, channel="online", actor="public", now=NOW, client=f"10.1.{i}.1",
                                  guard=guard)
                else:
                    submit_report(con, fields, channel="online", actor="public", now=NOW)
                timings[mode].append(time.perf_counter() - t0)
        con.close()
        un, gu = statistics.median(timings["unguarded"]), statistics.median(timings["guarded"])
        print(f"rate limiter: {check_us:.1f} µs per check (IntakeGuard.check with a client key, {n:,} calls)")
        print(f"public submission, median of 300: guarded {gu * 1000:.1f} ms vs unguarded (baseline) "
              f"{un * 1000:.1f} ms -> ratio {gu / un:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
