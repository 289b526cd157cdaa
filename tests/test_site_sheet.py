"""The one-page district site sheet (ntswatch_geo.site_sheet): one page, Thai and English, and a Method block
recording the weights, method and filters the ranking was made with."""
from __future__ import annotations

import re
import subprocess
from datetime import date, datetime

import pytest

from ntswatch_geo import sites
from ntswatch_geo.db import connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope
from ntswatch_geo.site_sheet import district_sheet

NOTE = "ชุมชนริมโขงมีเครือข่ายอาสาสมัครที่เข้มแข็ง"
FILTERS = Filters(date(2024, 1, 1), date(2026, 10, 31), categories=("drug_trafficking", "smuggling"))


def _text(pdf_path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _pages(pdf_path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf_path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


@pytest.fixture
def sheet_inputs(store_copy):
    path = store_copy("demo")
    con = connect(path)
    crit = sites.criteria(con, FILTERS, Scope("planner"))
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
    assert "ข้อมูลจำลอง" in text

    en = tmp_path / "en.pdf"
    en.write_bytes(district_sheet(con, top["code"], ranked, sens, crit, "en", synthetic=False))
    assert _pages(en) == 1
    text = _text(en)
    assert top["name_en"] in text
    assert "SYNTHETIC" not in text


def test_the_sheet_records_the_weights_method_and_filters_it_was_made_with(sheet_inputs, tmp_path):
    con, crit, ranked, sens = sheet_inputs
    code = ranked.iloc[1]["code"]
    th = tmp_path / "th.pdf"
    th.write_bytes(district_sheet(con, code, ranked, sens, crit, "th", synthetic=False, preset="balanced",
                                  filters=FILTERS, generated_at=datetime(2026, 11, 26, 9, 30)))
    assert _pages(th) == 1
    flat = " ".join(_text(th).split())
    assert "วิธีการจัดอันดับ" in flat and "ชุดน้ำหนัก: สมดุล" in flat
    share = 100 / len(sites.PRESETS["balanced"])            # balanced: every criterion the same share
    assert f"{share:.0f}%" in flat
    assert "TOPSIS" in flat and "เวกเตอร์" in flat
    # the filters, as labels and Buddhist-era dates, not codes
    assert "1 ม.ค. 2567 – 31 ต.ค. 2569" in flat
    assert "การลักลอบค้า/ขนยาเสพติด" in flat and "drug_trafficking" not in flat
    assert "100 ครั้ง" in flat                               # 50 draws x 2 methods
    assert "จัดทำเมื่อ 26 พ.ย. 2569 09:30" in flat           # the kit's footer: the generated time

    en = tmp_path / "en.pdf"
    en.write_bytes(district_sheet(con, code, ranked, sens, crit, "en", synthetic=True, preset="greatest_need",
                                  filters=FILTERS))
    flat = " ".join(_text(en).split())
    assert "Weights: Greatest need" in flat and "Method: TOPSIS" in flat
    assert "Period (occurred): 1 Jan 2024 – 31 Oct 2026" in flat and "Drug trafficking, Smuggling of goods" in flat
    assert "Provinces: All" in flat
    assert flat.count("SYNTHETIC DATA") >= 2                 # the box under the title and the footer line


def test_custom_weights_are_named_custom_with_their_shares(sheet_inputs, tmp_path):
    con, crit, _, sens = sheet_inputs
    ranked = sites.rank(crit, {"reports_per_100km2": 3, "mwcc_target": 1}, "wsm")
    pdf = tmp_path / "custom.pdf"
    pdf.write_bytes(district_sheet(con, ranked.iloc[0]["code"], ranked, sens, crit, "en", synthetic=False))
    flat = " ".join(_text(pdf).split())
    labels = {c.key: c.label_en for c in sites.CRITERIA}
    assert "Weights: Custom" in flat and "Method: Weighted sum; normalisation: min-max" in flat
    assert f"{labels['reports_per_100km2']} 75%" in flat and f"{labels['mwcc_target']} 25%" in flat
