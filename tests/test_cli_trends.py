"""`ntswatch alerts` and `ntswatch trends`: the files they write read back, bad input is one line and exit 2."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from ntswatch_geo import trends as tr
from ntswatch_geo.cli import app
from ntswatch_geo.db import connect
from ntswatch_geo.exports import neutralise_frame
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope


def run(db, *args):
    return CliRunner().invoke(app, [*args, "--db", str(db)], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_db(module_store_copy):
    """Its own database: 60,000 synthetic reports to 2026-10-31 with the planted pulses of
    tests/fixtures/scenarios/alerts_pulse.toml, so that there are alerts to write (on background only the
    effort-adjusted alerts rightly find none). Opened read-only by the CLI."""
    from ntswatch_geo.config import PROJECT_ROOT
    from ntswatch_geo.scenario import load_scenario
    from ntswatch_geo.synth import generate

    path = module_store_copy("geo")
    con = connect(path)
    generate(con, 60_000, seed=3, end_date=dt.date(2026, 10, 31),
             scenario=load_scenario(PROJECT_ROOT / "tests" / "fixtures" / "scenarios" / "alerts_pulse.toml"))
    con.close()
    return path


@pytest.fixture(scope="module")
def want_alerts(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        return tr.alerts(con, Filters(dt.date(2023, 1, 1), dt.date(2026, 10, 31)), Scope("analyst"), month="all")
    finally:
        con.close()


@pytest.mark.parametrize("ext", ["csv", "json", "parquet"])
def test_alerts_for_every_month_are_written_and_read_back(demo_db, tmp_path, want_alerts, ext):
    out = tmp_path / f"alerts.{ext}"
    res = run(demo_db, "alerts", "--month", "all", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "expected false alerts" in res.output and "ok" in res.output
    if ext == "csv":
        assert out.read_bytes()[:3] == b"\xef\xbb\xbf"                   # UTF-8 BOM for Excel
        got = pd.read_csv(out, encoding="utf-8-sig", dtype={"district_code": str, "province_code": str})
    elif ext == "json":
        got = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    else:
        got = pd.read_parquet(out)
    assert len(got) == len(want_alerts) > 0
    assert {"district_th", "district_en", "category", "month", "observed", "expected", "limit", "p_value",
            "q_value", "small_count", "evidence_en", "evidence_th"} <= set(got.columns)
    assert list(got["observed"]) == list(want_alerts["observed"])
    assert list(got["evidence_th"]) == list(want_alerts["evidence_th"])


def test_alerts_default_to_the_latest_complete_month_and_print_a_summary(demo_db):
    res = run(demo_db, "alerts")
    assert res.exit_code == 0, res.output
    assert "2026-10" in res.output and "402 cell-months judged" in res.output
    assert "expected false alerts" in res.output


def test_alerts_take_the_filters_of_the_other_commands(demo_db, tmp_path):
    out = tmp_path / "a.json"
    res = run(demo_db, "alerts", "--month", "2569-09", "--province", "สระแก้ว", "--category", "smuggling",
              "--category", "online_fraud", "--from", "2026-01-01", "--to", "2026-10-31", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "2026-09" in res.output
    n_districts = 0
    con = connect(demo_db, read_only=True)
    try:
        n_districts = con.execute("SELECT count(*) FROM districts WHERE province_code = '27' AND is_border").fetchone()[0]
    finally:
        con.close()
    assert f"{n_districts * 2} cell-months judged" in res.output      # Sa Kaeo's border districts x 2 categories
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert all(r["province_code"] == "27" and r["category"] in ("smuggling", "online_fraud") for r in rows)


def test_trends_are_written_per_district_and_category(demo_db, tmp_path):
    out = tmp_path / "trends.parquet"
    res = run(demo_db, "trends", "--by", "district,category", "--from", "2024-11-01", "--to", "2026-10-31",
              "--out", str(out))
    assert res.exit_code == 0, res.output
    got = pd.read_parquet(out)
    assert len(got) == 402 and (got["months"] == 24).all()
    assert (got["test"] == "seasonal_mann_kendall").all() and (got["trend"] == got["seasonal_trend"]).all()
    assert {"mk_trend", "mk_p_value", "small_count", "note"} <= set(got.columns)


def test_trends_say_when_the_window_is_too_short(demo_db, tmp_path):
    out = tmp_path / "trends.csv"
    res = run(demo_db, "trends", "--from", "2025-11-01", "--to", "2026-10-31", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "Only 12" not in res.output                    # 12 complete months: the plain test runs
    assert "does not account for seasonality" in " ".join(res.output.split())
    got = pd.read_csv(out, encoding="utf-8-sig")
    assert len(got) == 6 and (got["test"] == "mann_kendall").all()
    res = run(demo_db, "trends", "--from", "2026-01-01")
    assert "--from" in res.output and "need at least 12" in " ".join(res.output.split()) and "Only 10 complete months" in " ".join(res.output.split())


@pytest.mark.parametrize("args, message", [
    (["alerts", "--month", "2026-13"], "--month: '2026-13' is not a month"),
    (["alerts", "--month", "latest"], "--month: 'latest' is not a month"),
    (["alerts", "--category", "fish"], "--category: 'fish' is not a category"),
    (["alerts", "--from", "2026-02-30"], "--from: '2026-02-30' is not a date"),
    (["alerts", "--from", "2026-09-01", "--to", "2026-01-01"], "is after --to"),
    (["alerts", "--province", "Atlantis"], "--province: province 'Atlantis' is not a province"),
    (["alerts", "--district", "Atlantis"], "--district: 'Atlantis' is not a district"),
    (["alerts", "--out", "x.xlsx"], "unknown output format '.xlsx'"),
    (["alerts", "--adjust", "none"], "--adjust: 'none' is not allowed"),
    (["trends", "--by", "colour"], "--by: 'colour' is not a group"),
    (["trends", "--out", "x"], "unknown output format '(no extension)'"),
])
def test_bad_input_is_one_line_and_exit_2(demo_db, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = run(demo_db, *args)
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in res.output
    assert not list(tmp_path.iterdir())                  # nothing written


def test_a_missing_database_is_one_line_and_exit_2(tmp_path):
    res = CliRunner().invoke(app, ["alerts", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "no database" in res.output


def test_text_that_a_spreadsheet_would_run_is_neutralised():
    df = pd.DataFrame({"a": ["=1+1", "+x", "-y", "@z", "plain", None], "n": [1, 2, 3, 4, 5, 6]})
    got = neutralise_frame(df)
    assert list(got["a"][:5]) == ["'=1+1", "'+x", "'-y", "'@z", "plain"] and list(got["n"]) == list(df["n"])


def test_alerts_without_the_effort_offset_are_the_raw_baselines_and_say_so_in_their_expectations(demo_db, tmp_path):
    eff, raw = tmp_path / "eff.csv", tmp_path / "raw.csv"
    assert run(demo_db, "alerts", "--month", "all", "--out", str(eff)).exit_code == 0
    assert run(demo_db, "alerts", "--month", "all", "--adjust", "raw", "--out", str(raw)).exit_code == 0
    a = pd.read_csv(eff, encoding="utf-8-sig", dtype={"district_code": str})
    b = pd.read_csv(raw, encoding="utf-8-sig", dtype={"district_code": str})
    # the planted pulses are alerted either way; the expectations differ (the offset moves them)
    keys = ["district_code", "category", "month"]
    both = a.merge(b, on=keys, suffixes=("_eff", "_raw"))
    assert len(both) > 0 and not (both["expected_eff"].round(6) == both["expected_raw"].round(6)).all()
