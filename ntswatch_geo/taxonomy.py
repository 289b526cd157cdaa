"""Report categories and intake channels, with Thai and English labels (GLOSSARY.md)."""
from __future__ import annotations

import datetime as dt

CATEGORIES: list[tuple[str, str, str]] = [
    ("drug_trafficking", "การลักลอบค้า/ขนยาเสพติด", "Drug trafficking"),
    ("human_trafficking", "การค้ามนุษย์", "Human trafficking"),
    ("illegal_migration", "การลักลอบเข้าเมืองผิดกฎหมาย", "Illegal migration / entry"),
    ("smuggling", "การลักลอบขนสินค้าผิดกฎหมาย / หนีภาษี", "Smuggling of goods"),
    ("online_fraud", "แก๊งคอลเซ็นเตอร์ / การฉ้อโกงออนไลน์", "Call-centre / online fraud"),
    ("other", "อื่น ๆ", "Other"),
]
CATEGORY_KEYS = [c[0] for c in CATEGORIES]

# The website was announced in January 2023; the district MWCC offices follow the DOPA order of 25 Dec 2023.
WEBSITE_OPENED = dt.date(2023, 1, 15)
MWCC_OPENED = dt.date(2023, 12, 25)

CHANNELS: list[tuple[str, str, str, dt.date | None]] = [
    ("online", "เว็บไซต์ (ออนไลน์)", "Website (online)", WEBSITE_OPENED),
    ("mwcc_office", "ศูนย์ประสานงาน NTS-MWCC อำเภอ", "District NTS-MWCC office", MWCC_OPENED),
    ("import", "นำเข้าจากไฟล์", "Imported from a file", None),
]
CHANNEL_KEYS = [c[0] for c in CHANNELS]

STATUSES = ["new", "verified", "forwarded", "rejected", "duplicate", "suspected_spam", "spam"]
# Held back from every statistic (the filtered_reports macro, migration 008): a likely or confirmed duplicate,
# a public submission held as suspected spam until an officer releases it, and confirmed spam.
HELD_STATUSES = ("duplicate", "suspected_spam", "spam")
COUNTED_STATUSES = [s for s in STATUSES if s not in HELD_STATUSES]

# Agencies a verified report is forwarded to (GLOSSARY.md)
AGENCIES: dict[str, tuple[str, str]] = {
    "provincial_police": ("ตำรวจภูธรจังหวัด", "Provincial Police"),
    "immigration": ("สำนักงานตรวจคนเข้าเมือง (ตม.)", "Immigration Bureau"),
    "customs": ("ด่านศุลกากร", "Customs House"),
    "oncb": ("สำนักงาน ป.ป.ส.", "Office of the Narcotics Control Board"),
    "msdhs": ("กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ (พม.)", "Ministry of Social Development and Human Security"),
    "border_patrol_police": ("ตำรวจตระเวนชายแดน (ตชด.)", "Border Patrol Police"),
    "army_task_force": ("กองกำลังป้องกันชายแดน", "Army border task force"),
    "dsi": ("กรมสอบสวนคดีพิเศษ (DSI)", "Department of Special Investigation"),
    "other": ("หน่วยงานอื่น", "Other agency"),
}



def write_taxonomy(con) -> None:
    """Replace the categories and channels tables with the lists above."""
    con.execute("DELETE FROM categories")
    con.executemany("INSERT INTO categories VALUES (?, ?, ?, ?)",
                    [(k, th, en, i) for i, (k, th, en) in enumerate(CATEGORIES)])
    con.execute("DELETE FROM channels")
    con.executemany("INSERT INTO channels VALUES (?, ?, ?, ?)", CHANNELS)
