"""The provincial briefing: periods (fiscal and calendar, as typed and as picked), one computation for the page
and the PDF, arrows that follow the sign, readable tables, A4 pages, Thai text that extracts as written, the CLI."""
from __future__ import annotations

import datetime as dt
import math
import re
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

ADMIN = Scope("admin")
TODAY = dt.date(2026, 11, 26)
D = dt.date
COUNTED = "status NOT IN ('duplicate', 'suspected_spam', 'spam')"


# ----------------------------------------------------------------------------------------------- periods

@pytest.mark.parametrize("text, kind, start, end", [
    ("2026-09", "month", D(2026, 9, 1), D(2026, 9, 30)),
    ("2569-09", "month", D(2026, 9, 1), D(2026, 9, 30)),            # Buddhist era
    ("๒๕๖๙-๐๒", "month", D(2026, 2, 1), D(2026, 2, 28)),             # Thai digits
    ("ก.ย. 2569", "month", D(2026, 9, 1), D(2026, 9, 30)),            # Thai month abbreviation
    ("กันยายน ๒๕๖๙", "month", D(2026, 9, 1), D(2026, 9, 30)),
    ("Sep 2026", "month", D(2026, 9, 1), D(2026, 9, 30)),
    ("2026-Q3", "quarter", D(2026, 7, 1), D(2026, 9, 30)),
    ("2026-q1", "quarter", D(2026, 1, 1), D(2026, 3, 31)),
    ("ไตรมาสที่ 3 ปฏิทิน 2569", "quarter", D(2026, 7, 1), D(2026, 9, 30)),
    ("ไตรมาส 3 ปีปฏิทิน 2569", "quarter", D(2026, 7, 1), D(2026, 9, 30)),
    ("FY2569", "fiscal_year", D(2025, 10, 1), D(2026, 9, 30)),       # ปีงบประมาณ 2569
    ("FY2026", "fiscal_year", D(2025, 10, 1), D(2026, 9, 30)),       # the same year, named in CE
    ("ปีงบประมาณ 2569", "fiscal_year", D(2025, 10, 1), D(2026, 9, 30)),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๙", "fiscal_year", D(2025, 10, 1), D(2026, 9, 30)),
    ("FY2026-Q1", "fiscal_quarter", D(2025, 10, 1), D(2025, 12, 31)),
    ("FY2569-Q3", "fiscal_quarter", D(2026, 4, 1), D(2026, 6, 30)),
    ("FY 2569 Q4", "fiscal_quarter", D(2026, 7, 1), D(2026, 9, 30)),
    ("ไตรมาส 1/2570", "fiscal_quarter", D(2026, 10, 1), D(2026, 12, 31)),   # officials' reading: fiscal
    ("ไตรมาสที่ 4/2569", "fiscal_quarter", D(2026, 7, 1), D(2026, 9, 30)),
    ("ไตรมาส 4 ปีงบประมาณ 2569", "fiscal_quarter", D(2026, 7, 1), D(2026, 9, 30)),
])
def test_periods_parse_to_their_first_and_last_day(text, kind, start, end):
    p = br.parse_period(text, TODAY)
    assert (p.kind, p.start, p.end) == (kind, start, end)
    assert br.parse_period(p.key, TODAY) == p                       # the canonical key reads back


def test_fiscal_and_calendar_quarters_are_labelled_apart_with_their_months():
    fq = br.parse_period("ไตรมาส 4/2569", TODAY)
    assert fq.long_label("th") == "ไตรมาส 4 ปีงบประมาณ 2569 (ก.ค.–ก.ย. 2569)"
    assert fq.long_label("en") == "Q4 of fiscal year 2026 (Jul–Sep 2026)"
    cq = br.parse_period("2026-Q3", TODAY)
    assert cq.long_label("th") == "ไตรมาสที่ 3 ปีปฏิทิน 2569 (ก.ค.–ก.ย. 2569)"
    assert cq.long_label("en") == "Calendar Q3 2026 (Jul–Sep 2026)"
    fy = br.parse_period("FY2569", TODAY)
    assert fy.long_label("th") == "ปีงบประมาณ 2569 (ต.ค. 2568–ก.ย. 2569)"
    assert br.parse_period("ไตรมาส 1/2570", TODAY).long_label("th") == "ไตรมาส 1 ปีงบประมาณ 2570 (ต.ค.–ธ.ค. 2569)"


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
    ("ไตรมาส 2/2570", "in the future"),  # Jan-Mar 2027
    ("2026-Q4' OR 1=1", "is not a period"),
])
def test_bad_periods_are_refused_with_the_allowed_forms(text, message):
    with pytest.raises(InputError, match=message):
        br.parse_period(text, TODAY)


def test_a_bad_period_is_refused_in_thai_naming_the_value_and_the_forms():
    with pytest.raises(InputError) as exc:
        br.parse_period("ไตรมาส 5/2570", TODAY, lang="th")
    msg = str(exc.value)
    assert "'ไตรมาส 5/2570'" in msg and "รูปแบบที่รับได้" in msg and "ปีงบประมาณ 2569" in msg
    assert not re.search(r"\b(is not|allowed|period)\b", msg)       # no English sentence in Thai mode
    with pytest.raises(InputError, match="ยังมาไม่ถึง"):
        br.parse_period("ไตรมาส 2/2570", TODAY, lang="th")


def test_the_picker_offers_the_periods_the_data_reaches_newest_first():
    first, last = D(2023, 1, 1), D(2026, 10, 31)
    fq = br.period_choices("fiscal_quarter", first, last)
    assert fq[0].key == "FY2027-Q1" and fq[-1].key == "FY2023-Q2"        # Oct-Dec 2026 … Jan-Mar 2023
    assert all(a.start > b.start for a, b in zip(fq, fq[1:]))
    assert br.default_period("fiscal_quarter", first, last).key == "FY2026-Q4"   # the newest complete one
    assert br.default_period("month", first, last).key == "2026-10"
    assert [p.key for p in br.period_choices("fiscal_year", first, last)] == ["FY2027", "FY2026", "FY2025",
                                                                             "FY2024", "FY2023"]
    assert br.default_period("fiscal_year", D(2026, 10, 1), D(2026, 10, 31)).key == "FY2027"   # none complete


@pytest.mark.parametrize("current, baseline, arrow", [(12, 10, "▲"), (8, 10, "▼"), (10, 10, ""), (3, 0, "▲"),
                                                      (0, 4, "▼"), (0, 0, "")])
def test_arrows_follow_the_sign_of_the_change(current, baseline, arrow):
    change = (current - baseline) / baseline if baseline else float("nan")
    text = br.change_text(current, baseline, change, "little_change", "en")
    assert text.startswith(arrow) if arrow else not any(a in text for a in "▲▼")
    assert ("▲" in text) == (current > baseline) and ("▼" in text) == (current < baseline)


# --------------------------------------------------------------------------------------------- database

@pytest.fixture(scope="module")
def db(signals_store):
    return signals_store


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
    with pytest.raises(InputError, match="'Atlantis' ไม่ใช่ชื่อหรือรหัสจังหวัด"):
        br.resolve_province(con, "Atlantis", "th")


def test_a_period_the_data_does_not_reach_yet_is_refused(con):
    with pytest.raises(InputError, match="starts after the data's last day"):
        br.build_briefing(con, "48", "2026-11", "en", ADMIN, today=TODAY)
    with pytest.raises(InputError, match="เริ่มหลังวันสุดท้ายที่มีข้อมูล"):
        br.build_briefing(con, "48", "2026-11", "th", ADMIN, today=TODAY)


def test_a_governor_cannot_brief_another_province(con):
    with pytest.raises(InputError, match="outside your scope"):
        br.build_briefing(con, "48", "2026-Q3", "en", Scope("governor", province_code="27"), today=TODAY)


def count(con, province: str, first: dt.date, last: dt.date) -> int:
    return con.execute(f"SELECT count(*) FROM reports WHERE province_code = ? AND occurred_date BETWEEN ? AND ? "
                       f"AND {COUNTED}", [province, first, last]).fetchone()[0]


@pytest.fixture(scope="module")
def fiscal_q4(con) -> br.BriefingData:
    return br.briefing_data(con, "48", "ไตรมาส 4/2569", ADMIN, today=TODAY)


def test_the_data_compares_the_fiscal_quarter_with_the_quarter_before_and_a_year_before(con, fiscal_q4):
    d = fiscal_q4
    assert d.covered == (D(2026, 7, 1), D(2026, 9, 30)) and not d.partial
    assert d.previous == (D(2026, 4, 1), D(2026, 6, 30)) and d.last_year == (D(2025, 7, 1), D(2025, 9, 30))
    h = d.headline
    assert h["current"] == count(con, "48", *d.covered)
    assert h["previous"] == count(con, "48", *d.previous)
    assert h["last_year"] == count(con, "48", *d.last_year)
    assert br.compared_text(d, "en") == ("Compared: this period 1 Jul 2026 – 30 Sep 2026 · previous period "
                                         "1 Apr 2026 – 30 Jun 2026 · same period last year 1 Jul 2025 – 30 Sep 2025")


def test_headline_cards_carry_the_counts_and_arrows_by_sign(fiscal_q4):
    d = fiscal_q4
    cards = {c.key: c for c in br.headline_cards(d, "th")}
    assert cards["reports"].value == f"{d.headline['current']:,}"
    for base in ("previous", "last_year"):
        c, was = cards[base], d.headline[base]
        assert f"{was:,} รายงาน" in c.sub
        assert c.direction == ("up" if d.headline["current"] > was else "down" if d.headline["current"] < was
                               else "flat")
        assert c.value.startswith("-") == (c.direction == "down")


def test_tables_have_labelled_headers_names_and_formatted_numbers(fiscal_q4):
    d = fiscal_q4
    dist = br.district_table(d, "th")
    assert dist.header == ["#", "อำเภอ", "รายงาน", "ต่อ 100 ตร.กม.", "ปีก่อน", "เทียบปีก่อน"]
    names = [r[1].rstrip(" *") for r in dist.rows]
    assert "เมืองนครพนม" in names and not any(re.fullmatch(r"\d{4}", n) for n in names)
    assert [int(r[2].replace(",", "")) for r in dist.rows] == sorted(d.districts["reports"], reverse=True)
    for r, (_, row) in zip(dist.rows, d.districts.iterrows()):       # the arrow follows the sign
        if r[5] != "–":
            assert ("▲" in r[5]) == (row["reports"] > row["last_year"]) and ("▼" in r[5]) == (
                row["reports"] < row["last_year"])
    peers = br.peer_table(d, "en")
    assert peers.header == ["Province", "Border with", "Border districts", "Reports", "per 100 sq km",
                            "per km of border"]
    flat = " ".join(" ".join(r) for r in peers.rows)
    assert "Nakhon Phanom (this province)" in flat and "Lao PDR" in flat
    assert not re.search(r"\b(LA|KH|True|False|is_home|None|nan)\b", flat)
    assert len(peers.highlight) == 1
    cats = br.category_table(d, "th")
    assert cats.rows[0][0] == "การลักลอบค้า/ขนยาเสพติด"
    for r, (_, row) in zip(cats.rows, d.by_category.iterrows()):
        assert ("▲" in r[3]) == (row["current"] > row["previous"]) and ("▼" in r[3]) == (
            row["current"] < row["previous"])


# --------------------------------------------------------------------------------------------- the PDF

def pdftotext(pdf: Path, layout: bool = True) -> str:
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def flat_text(pdf: Path) -> str:
    """The text in reading order (not laid out in columns), whitespace runs as one space."""
    return " ".join(pdftotext(pdf, layout=False).split())


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
    for phrase in ("สรุปสถานการณ์จังหวัดนครพนม", "ไตรมาสที่ 3 ปีปฏิทิน 2569", "ข้อมูลจำลอง", "ตัวเลขสำคัญ",
                   "การลักลอบค้า/ขนยาเสพติด", "เทียบกับช่วงเดียวกันของปีก่อน", "เมืองนครพนม", "ธาตุพนม"):
        assert phrase in text, phrase


def test_the_briefing_holds_period_as_of_kpis_alerts_and_peers(thai_pdf, con):
    text = pdftotext(thai_pdf)
    assert "1 ก.ค. 2569 – 30 ก.ย. 2569" in text              # the period covered, Buddhist era
    assert "ข้อมูล ณ 31 ต.ค. 2569" in text                     # data as of
    assert f"{count(con, '48', D(2026, 7, 1), D(2026, 9, 30)):,}" in text
    assert "พุ่งสูงและผิดปกติ" in text and "ส.ค. 2569" in text  # the planted pulse, surge and anomaly
    assert "เชียงราย" in text and "จังหวัดนี้" in text          # peers on the Lao border
    assert "สระแก้ว" not in text                               # Cambodian border: not a peer
    assert "สปป. ลาว" in text and not re.search(r"\bLA\b", text)  # countries by name
    assert "หน้า 1 จาก 3" in text
    assert "จัดทำเมื่อ 26 พ.ย. 2569 09:30" in text              # the kit's footer


def test_the_pdf_is_drawn_from_the_data_alone_with_the_page_numbers(db, tmp_path):
    """Same numbers as the page: the renderer gets the data object and no connection (closed here)."""
    c = connect(db, read_only=True)
    d = br.briefing_data(c, "48", "FY2569-Q4", ADMIN, today=TODAY)
    c.close()
    pdf = tmp_path / "fq4.pdf"
    pdf.write_bytes(br.render_pdf(d, "en", dt.datetime(2026, 11, 26, 9, 30)))
    flat = flat_text(pdf)
    assert "Q4 of fiscal year 2026 (Jul–Sep 2026)" in flat
    assert ("Compared: this period 1 Jul 2026 – 30 Sep 2026 · previous period 1 Apr 2026 – 30 Jun 2026 · "
            "same period last year 1 Jul 2025 – 30 Sep 2025") in flat
    for card in br.headline_cards(d, "en"):
        assert card.value in flat and card.sub in flat, card
        if card.direction in ("up", "down"):
            assert f"{br.ARROWS[card.direction]} {card.value}" in flat
    for row in br.district_table(d, "en").rows[:5]:
        assert " ".join(row[1:4]) in flat, row


def test_the_english_briefing_says_synthetic_on_every_page(con, tmp_path):
    path = tmp_path / "brief_en.pdf"
    path.write_bytes(br.build_briefing(con, "48", "FY2569", "en", ADMIN, today=TODAY))
    pages = pdftotext(path).split("\f")
    pages = [p for p in pages if p.strip()]
    assert "Provincial briefing: Nakhon Phanom" in pages[0] and "Fiscal year 2026 (Oct 2025–Sep 2026)" in pages[0]
    assert "1 Oct 2025 – 30 Sep 2026" in pages[0]
    assert all("SYNTHETIC DATA" in p for p in pages)


def test_no_synthetic_notice_without_synthetic_reports(db, tmp_path):
    from ntswatch_geo.store import is_url

    real = db                        # PostgreSQL: the change is rolled back; a DuckDB file is copied (it is open
    if not is_url(db):               # read-only in this process, and DuckDB holds one configuration per file)
        real = tmp_path / "real.duckdb"
        shutil.copy(db, real)
    c = connect(real)
    c.execute("BEGIN")
    c.execute("UPDATE reports SET is_synthetic = false")
    pdf = tmp_path / "real.pdf"
    pdf.write_bytes(br.build_briefing(c, "48", "2026-09", "en", ADMIN, today=TODAY))
    c.execute("ROLLBACK")
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


def test_the_cli_writes_the_briefing_and_says_which_reading_of_the_period_it_used(db, tmp_path):
    out = tmp_path / "out" / "brief.pdf"
    res = brief(db, "--province", "นครพนม", "--period", "ไตรมาส 4/2569", "--lang", "th", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "ไตรมาส 4 ปีงบประมาณ 2569 (ก.ค.–ก.ย. 2569)" in res.output and "[FY2026-Q4]" in res.output
    assert "1 ก.ค. 2569 – 30 ก.ย. 2569" in flat_text(out)


@pytest.mark.parametrize("args, message", [
    (["--province", "Atlantis", "--period", "2026-Q3", "--lang", "en"], "is not a province name or code"),
    (["--province", "48", "--period", "2026-13", "--lang", "en"], "is not a month"),
    (["--province", "48", "--period", "Q3/2026", "--lang", "en"], "is not a period"),
    (["--province", "48", "--period", "2099-01", "--lang", "en"], "in the future"),
    (["--province", "48", "--period", "2026-Q3", "--lang", "fr"], "language 'fr'"),
    (["--province", "48", "--period", "ไตรมาส 9/2570"], "'ไตรมาส 9/2570' ไม่อยู่ในรูปแบบที่รับได้"),
    (["--province", "48", "--period", "ไตรมาส 2/2570"], "ยังมาไม่ถึง"),
    (["--province", "Atlantis", "--period", "2026-Q3"], "ไม่ใช่ชื่อหรือรหัสจังหวัด"),
])
def test_bad_cli_input_is_one_line_and_exit_2(db, tmp_path, args, message):
    res = brief(db, *args, "-o", str(tmp_path / "x.pdf"))
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in res.output
    assert not (tmp_path / "x.pdf").exists()
