"""The one-page district site sheet (ntswatch_geo.site_sheet)."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from ntswatch_geo import sites
from ntswatch_geo.db import connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope
from ntswatch_geo.site_sheet import district_sheet

NOTE = "ชุมชนริมโขงมีเครือข่ายอาสาสมัครที่เข้มแข็ง"


def _text(pdf_path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _pages(pdf_path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf_path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


@pytest.fixture
def sheet_inputs(demo_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = connect(path)
    crit = sites.criteria(con, Filters(date(2024, 1, 1), date(2026, 10, 31)), Scope("planner"))
    ranked = sites.rank(crit, "balanced", "topsis")
    sens = sites.sensitivity(crit, sites.PRESETS["balanced"], "both", n=50, top_k=5, seed=0)
    yield con, crit, ranked, sens
    con.close()


def test_thai_and_english_sheets_are_one_page(sheet_inputs, tmp_path):
    con, crit, ranked, sens = sheet_inputs
    top = ranked.iloc[0]
    sites.add_note(con, top["code"], "strengths", NOTE, "plan")
    sites.add_note(con, top["code"], "threats", "x" * 3000, "plan")   # long: truncated, still one page

    th = tmp_path / "th.pdf"
    th.write_bytes(district_sheet(con, top["code"], ranked, sens, crit, "th", synthetic=True))
    assert _pages(th) == 1
    text = _text(th)
    assert top["name_th"] in text
    assert NOTE in text
    assert "ข้อมูลสังเคราะห์" in text

    en = tmp_path / "en.pdf"
    en.write_bytes(district_sheet(con, top["code"], ranked, sens, crit, "en", synthetic=False))
    assert _pages(en) == 1
    text = _text(en)
    assert top["name_en"] in text
    assert "SYNTHETIC" not in text
