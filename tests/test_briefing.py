"""The provincial briefing PDF: periods, provinces, A4 pages, Thai text that extracts as written, the CLI."""
from __future__ import annotations

import datetime as dt
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from ntswatch_geo import briefing as br
from ntswatch_geo.cli import app
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.scope import Scope
from test_trends_signals import build_signals_db

ADMIN = Scope("admin")
TODAY = dt.date(2026, 11, 26)
D = dt.date


# ----------------------------------------------------------------------------------------------- periods

@pytest.mark.parametrize("text, kind, start, end", [
    ("2026-09", "month", D(2026, 9, 1), D(2026, 9, 30)),
    ("2569-09", "month", D(2026, 9, 1), D(2026, 9, 30)),            # Buddhist era
    ("๒๕๖๙-๐๒", "month", D(2026, 2, 1), D(2026, 2, 28)),             # Thai digits
    ("2026-Q3", "quarter", D(2026, 7, 1), D(2026, 9, 30)),
    ("2026-q1", "quarter", D(2026, 1, 1), D(2026, 3, 31)),
    ("FY2569", "fiscal_year", D(2025, 10, 1), D(2026, 9, 30)),       # ปีงบประมาณ 2569
    ("FY2026", "fiscal_year", D(2025, 10, 1), D(2026, 9, 30)),       # the same year, named in CE
    ("FY2026-Q1", "fiscal_quarter", D(2025, 10, 1), D(2025, 12, 31)),
    ("FY2569-Q3", "fiscal_quarter", D(2026, 4, 1), D(2026, 6, 30)),
])
def test_periods_parse_to_their_first_and_last_day(text, kind, start, end):
    p = br.parse_period(text, TODAY)
    assert (p.kind, p.start, p.end) == (kind, start, end)


def test_the_comparison_periods_are_of_the_same_kind():
    q = br.parse_period("2026-Q1", TODAY)
    assert (q.previous().start, q.previous().end) == (D(2025, 10, 1), D(2025, 12, 31))
    assert (q.last_year().start, q.last_year().end) == (D(2025, 1, 1), D(2025, 3, 31))
    fq = br.parse_period("FY2026-Q1", TODAY)
    assert fq.previous().label("en") == "Q4 of fiscal year 2025" and fq.label("th") == "ไตรมาส 1 ปีงบประมาณ 2569"
    fy = br.parse_period("FY2569", TODAY)
    assert fy.previous().label("th") == "ปีงบประมาณ 2568" and fy.last_year().start == D(2024, 10, 1)
    m = br.parse_period("2026-03", TODAY)
    assert m.previous().end == D(2026, 2, 28) and m.label("th") == "มี.ค. 2569"


@pytest.mark.parametrize("text, message", [
    ("2026-13", "is not a month"),
    ("2026-Q5", "is not a period"),
    ("Q3 2026", "is not a period"),
    ("FY69", "is not a period"),
    ("2026/09", "is not a period"),
    ("", "is not a period"),
    ("1999-01", "out of range"),
    ("2027-01", "in the future"),
    ("FY2571", "in the future"),       # Oct 2027 - Sep 2028
    ("2026-Q4' OR 1=1", "is not a period"),
])
def test_bad_periods_are_refused_with_the_allowed_forms(text, message):
    with pytest.raises(InputError, match=message):
        br.parse_period(text, TODAY)


# --------------------------------------------------------------------------------------------- database

@pytest.fixture(scope="module")
def db(geo_db_template, tmp_path_factory) -> Path:
    return build_signals_db(geo_db_template, tmp_path_factory)


@pytest.fixture(scope="module")
def con(db):
    c = connect(db, read_only=True)
    yield c
    c.close()


@pytest.mark.parametrize("text", ["48", "นครพนม", "จังหวัดนครพนม", "จ.นครพนม", "Nakhon Phanom", "nakhon phanom", "๔๘"])
def test_a_province_is_found_by_code_or_thai_or_english_name(con, text):
    assert br.resolve_province(con, text) == "48"


def test_an_unknown_province_is_refused_with_examples(con):
    with pytest.raises(InputError, match="'Atlantis' is not a province.*Nakhon Phanom \\(นครพนม, 48\\)"):
        br.resolve_province(con, "Atlantis")


def test_a_period_the_data_does_not_reach_yet_is_refused(con):
    with pytest.raises(InputError, match="starts after the data's last day"):
        br.build_briefing(con, "48", "2026-11", "th", ADMIN, today=TODAY)


def test_a_governor_cannot_brief_another_province(con):
    with pytest.raises(InputError, match="outside your scope"):
        br.build_briefing(con, "48", "2026-Q3", "th", Scope("governor", province_code="27"), today=TODAY)


# --------------------------------------------------------------------------------------------- the PDF

def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def thai_pdf(con, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("brief") / "brief_th.pdf"
    path.write_bytes(br.build_briefing(con, "48", "2026-Q3", "th", ADMIN, today=TODAY,
                                       generated_at=dt.datetime(2026, 11, 26, 9, 30)))
    return path


def test_page_one_renders_as_an_a4_page(thai_pdf, tmp_path):
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", str(thai_pdf), str(tmp_path / "p")],
                   check=True)
    (png,) = tmp_path.glob("p-*.png")
    with Image.open(png) as im:
        # A4 is 595.28 x 841.89 pt; pdftoppm rounds the pixel size up: 827 x 1170 at 100 dpi
        assert im.size == (math.ceil(595.28 * 100 / 72), math.ceil(841.89 * 100 / 72)) == (827, 1170)
        assert im.convert("L").getextrema()[0] < 50   # something dark was drawn
    info = subprocess.run(["pdfinfo", str(thai_pdf)], check=True, capture_output=True, text=True).stdout
    assert "A4" in info


def test_the_thai_text_extracts_exactly_as_written(thai_pdf):
    text = pdftotext(thai_pdf)
    assert "นครพนม" in text
    # tone marks, upper vowels and sara am: these come apart without the /ActualText spans
    for phrase in ("สรุปสถานการณ์จังหวัดนครพนม", "ไตรมาส 3/2569", "ข้อมูลจำลอง", "ตัวเลขสำคัญ",
                   "การลักลอบค้า/ขนยาเสพติด", "เทียบกับช่วงเดียวกันของปีก่อน", "เมืองนครพนม", "ธาตุพนม"):
        assert phrase in text, phrase


def test_the_briefing_holds_period_as_of_kpis_alerts_and_peers(thai_pdf, con):
    text = pdftotext(thai_pdf)
    assert "1 ก.ค. 2569 – 30 ก.ย. 2569" in text              # the period covered, Buddhist era
    assert "ข้อมูล ณ 31 ต.ค. 2569" in text                     # data as of
    total = con.execute("""SELECT count(*) FROM reports WHERE province_code = '48'
                           AND occurred_date BETWEEN '2026-07-01' AND '2026-09-30'
                           AND status NOT IN ('duplicate', 'suspected_spam', 'spam')""").fetchone()[0]
    assert f"{total:,}" in text
    assert "พุ่งสูงและผิดปกติ" in text and "ส.ค. 2569" in text  # the planted pulse, surge and anomaly
    assert "เชียงราย" in text and "จังหวัดนี้" in text          # peers on the Lao border
    assert "สระแก้ว" not in text                               # Cambodian border: not a peer
    assert "หน้า 1 จาก 3" in text


def test_the_english_briefing_says_synthetic_on_every_page(con, tmp_path):
    path = tmp_path / "brief_en.pdf"
    path.write_bytes(br.build_briefing(con, "48", "FY2569", "en", ADMIN, today=TODAY))
    pages = pdftotext(path).split("\f")
    pages = [p for p in pages if p.strip()]
    assert "Provincial briefing: Nakhon Phanom" in pages[0] and "Fiscal year 2026" in pages[0]
    assert "1 Oct 2025 – 30 Sep 2026" in pages[0]
    assert all("SYNTHETIC DATA" in p for p in pages)


def test_no_synthetic_notice_without_synthetic_reports(db, tmp_path):
    real = tmp_path / "real.duckdb"
    shutil.copy(db, real)
    c = connect(real)
    c.execute("UPDATE reports SET is_synthetic = false")
    pdf = tmp_path / "real.pdf"
    pdf.write_bytes(br.build_briefing(c, "48", "2026-09", "en", ADMIN, today=TODAY))
    c.close()
    text = pdftotext(pdf)
    assert "SYNTHETIC" not in text and "Sep 2026" in text


def test_a_running_period_is_cut_at_the_data_and_says_so(con, tmp_path):
    data = br.briefing_data(con, "27", "2026-Q4", ADMIN, today=TODAY)
    assert data.partial and data.covered == (D(2026, 10, 1), D(2026, 10, 31))
    assert data.previous == (D(2026, 7, 1), D(2026, 7, 31)) and data.last_year == (D(2025, 10, 1), D(2025, 10, 31))


# ------------------------------------------------------------------------------------------------ the CLI

def brief(db: Path, *args):
    return CliRunner().invoke(app, ["brief", "--db", str(db), *args], catch_exceptions=False)


def test_the_cli_writes_the_briefing(db, tmp_path):
    out = tmp_path / "out" / "brief.pdf"
    res = brief(db, "--province", "นครพนม", "--period", "2026-Q3", "--lang", "th", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("args, message", [
    (["--province", "Atlantis", "--period", "2026-Q3"], "is not a province name or code"),
    (["--province", "48", "--period", "2026-13"], "is not a month"),
    (["--province", "48", "--period", "Q3/2026"], "is not a period"),
    (["--province", "48", "--period", "2099-01"], "in the future"),
    (["--province", "48", "--period", "2026-Q3", "--lang", "fr"], "language 'fr'"),
])
def test_bad_cli_input_is_one_line_and_exit_2(db, tmp_path, args, message):
    res = brief(db, *args, "-o", str(tmp_path / "x.pdf"))
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in res.output
    assert not (tmp_path / "x.pdf").exists()
