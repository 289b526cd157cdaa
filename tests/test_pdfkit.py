"""The PDF kit (ntswatch_geo.pdfkit) the briefing and the site sheet share: fonts, footer, blocks, tables."""
from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from ntswatch_geo import pdfkit
from ntswatch_geo.filters import Filters

AT = dt.datetime(2026, 11, 26, 9, 30)


def text_of(pdf: bytes, tmp_path, layout: bool = False) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [" ".join(p.split()) for p in out.split("\f") if p.strip()]


def three_pages(lang: str, synthetic: bool) -> bytes:
    doc = pdfkit.Document("เอกสารทดสอบ", lang, AT, synthetic=synthetic, footer_label="ชื่อเอกสาร · ไตรมาส 4")
    for i in range(3):
        doc.add_page()
        doc.title_block(f"หัวเรื่อง {i + 1}", ["บรรทัดรอง"])
        doc.heading("ตัวเลขสำคัญ")
        doc.grid([["ประเภท", "รายงาน", "เทียบปีก่อน"], ["การค้ามนุษย์", "1,234", "▲ +12% · เพิ่มขึ้นปานกลาง"],
                  ["อื่น ๆ", "56", "▼ -3% · ทรงตัว"]], (80, 40, 60), ("LEFT", "RIGHT", "LEFT"),
                 colours={(1, 2): (185, 28, 28)}, highlight={2})
        doc.note("หมายเหตุ: ข้อความสีเทา")
    return doc.to_bytes()


@pytest.mark.parametrize("lang, generated, page, synthetic", [
    ("th", "จัดทำเมื่อ 26 พ.ย. 2569 09:30", "หน้า {n} จาก 3", "ข้อมูลจำลอง - ไม่ใช่รายงานจริง"),
    ("en", "generated 26 Nov 2026 09:30", "Page {n} of 3", "SYNTHETIC DATA - not real reports"),
])
def test_every_page_has_the_label_page_number_generated_time_and_synthetic_line(tmp_path, lang, generated, page,
                                                                                synthetic):
    pages = text_of(three_pages(lang, synthetic=True), tmp_path)
    assert len(pages) == 3
    for n, p in enumerate(pages, 1):
        assert "ชื่อเอกสาร · ไตรมาส 4" in p and page.format(n=n) in p and generated in p and synthetic in p


def test_no_synthetic_line_without_synthetic_reports(tmp_path):
    pages = text_of(three_pages("en", synthetic=False), tmp_path)
    assert not any("SYNTHETIC" in p for p in pages)


def test_thai_text_and_arrows_extract_as_written(tmp_path):
    (first, *_) = text_of(three_pages("th", synthetic=False), tmp_path)
    # the arrows come from the fallback font; Thai marks stay in place (/ActualText)
    assert "▲ +12% · เพิ่มขึ้นปานกลาง" in first and "▼ -3% · ทรงตัว" in first
    assert "การค้ามนุษย์ 1,234" in first and "หมายเหตุ: ข้อความสีเทา" in first


def test_a_heading_never_sits_alone_at_the_foot_of_a_page(tmp_path):
    doc = pdfkit.Document("t", "en", AT, synthetic=False, footer_label="t")
    doc.add_page()
    doc.set_y(doc.foot - 10)              # 10 mm left: less than a heading keeps
    doc.heading("Lonely heading")
    assert doc.page_no() == 2 and doc.get_y() < 40


def test_the_filters_are_written_as_labels_and_names():
    f = Filters(dt.date(2024, 1, 1), dt.date(2026, 10, 31), categories=("human_trafficking",), provinces=("27",),
                channels=("online",), mwcc_only=True)
    th = pdfkit.filter_lines(f, "th", {"27": "สระแก้ว"}, {})
    assert th[0] == "ช่วงเวลา (วันที่เกิดเหตุ): 1 ม.ค. 2567 – 31 ต.ค. 2569"
    assert "การค้ามนุษย์" in th[1] and th[2].endswith("สระแก้ว") and "เว็บไซต์ (ออนไลน์)" in th[4]
    assert th[-1] == "เฉพาะอำเภอเป้าหมาย NTS-MWCC"
    en = pdfkit.filter_lines(f, "en", {"27": "Sa Kaeo"}, {})
    assert en[3] == "Districts: All" and en[5] == "Verification status: All"
    everything = " ".join(th + en)
    assert "human_trafficking" not in everything and not re.search(r"\b27\b|: online\b", everything)
