"""Workbooks as district centres keep them: a title row and a blank row above the header, Thai header variants,
one sheet per month (and a hidden one), totals rows, Buddhist-era years typed into real date cells, district
names shortened (อรัญฯ, อรัญ), channels in the officers' words. Imported through the package and `ntswatch
import`, on a real geography database; every row of every sheet is accounted for.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ntswatch_geo.cli import app
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.reports.headers import find_header_row, is_totals_row
from ntswatch_geo.reports.importer import import_file
from ntswatch_geo.reports.normalise import Problem, parse_date
from ntswatch_geo.reports.tables import workbook_sheets

NOW = dt.datetime(2026, 1, 10, 9, 0)
TITLE = "สรุปรายงานเหตุ ศูนย์ประสานงาน NTS-Mekong Watch อำเภออรัญประเทศ"
ARANYAPRATHET = "2706"
NOV, DEC, HIDDEN = "พ.ย. 68", "ธ.ค. 68", "ข้อมูลเดิม"

NOV_HEADER = ["ลำดับ", "วัน/เดือน/ปี ที่เกิดเหตุ", "ประเภทคดี", "พฤติการณ์โดยย่อ", "สถานที่เกิดเหตุ", "ตำบล", "อำเภอ",
              "ช่องทาง/ช่องทางการแจ้ง", "ผู้แจ้ง"]
NOV_ROWS = [  # data row no. -> cells; None rows are blank rows between the data
    [1, dt.date(2568, 11, 15), "ยาเสพติด", "ซื้อขายยาบ้าหลังตลาด", "ตลาดโรงเกลือ", "ป่าไร่", "อรัญฯ", "MWCC", "นายสมชาย"],
    [2, dt.date(2568, 11, 16), "ค้ามนุษย์", "ชักชวนไปทำงานฝั่งปอยเปต", "บ้านคลองลึก", "ท่าข้าม", "อรัญ", "ไลน์", None],
    None,
    [3, dt.datetime(2568, 11, 20, 14, 30), "ลักลอบเข้าเมือง", "ข้ามช่องทางธรรมชาติ", "ริมคลองลึก", None, "อรัญฯ",
     "walk in", None],
    [4, dt.date(2568, 11, 22), "ขโมยควาย", "ควายหาย", "บ้านหนองสังข์", "หนองสังข์", "อรัญฯ", "MWCC", None],
    [5, dt.date(2568, 11, 25), "สุรา", "ขนสุราเถื่อน", "ด่านพรมแดน", "บ้านด่าน", "อรัญประเทศ", "โทรศัพท์", None],
    [6, "28/11/2568", "บุหรี่", "บุหรี่หนีภาษี", "ตลาดโรงเกลือ", None, "อรัญ", "เฟซบุ๊ก", None],
    [7, dt.date(2568, 11, 15), "ยาเสพติด", "แจ้งซ้ำเรื่องเดิม", "ตลาดโรงเกลือ", None, "อรัญฯ", "NTS-MWCC", None],
]
NOV_TOTALS = ["รวม 7 เรื่อง"]

DEC_HEADER = ["ที่", "วันที่เกิดเหตุ", "ประเภทเหตุ", "พฤติการณ์", "สถานที่เกิดเหตุ", "อำเภอ", "ช่องทางการแจ้ง"]
DEC_ROWS = [
    [1, dt.date(2568, 12, 1), "ลักลอบขน", "ขนสินค้าข้ามแดน", "ช่องทางบ้านป่าไร่", "อรัญฯ", "LINE"],
    [2, dt.date(2568, 12, 3), "แก๊งคอลเซ็นเตอร์", "โทรหลอกให้โอนเงิน", "หมู่ 3", "อ.อรัญฯ", "โทร"],
    [3, dt.date(2568, 12, 5), "ยาบ้า", "พบการซื้อขาย", "ในหมู่บ้าน", "เมืองฯ", "ศูนย์ประสานงาน"],
]
DEC_TOTALS = ["รวม", 3]

# sheet -> (rows_in, imported, quarantined, duplicates, skipped)
EXPECTED = {NOV: (9, 5, 1, 1, 2), DEC: (4, 2, 1, 0, 1)}


def _sheet(ws, header, rows, totals):
    ws.append([TITLE])
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r if r is not None else [])
    ws.append(totals)
    ws.append([])
    for row in ws.iter_rows(min_row=4):
        for c in row:
            if isinstance(c.value, (dt.date, dt.datetime)):
                c.number_format = "dd/mm/yyyy"


def office_workbook(path: Path, summary: bool = False) -> Path:
    """The workbook an office sends (see the module docstring); `summary` adds a visible summary sheet."""
    wb = openpyxl.Workbook()
    _sheet(wb.active, NOV_HEADER, NOV_ROWS, NOV_TOTALS)
    wb.active.title = NOV
    _sheet(wb.create_sheet(DEC), DEC_HEADER, DEC_ROWS, DEC_TOTALS)
    hidden = wb.create_sheet(HIDDEN)
    _sheet(hidden, DEC_HEADER, [[1, dt.date(2568, 10, 1), "ยาบ้า", "เก่า", "ตลาด", "อรัญประเทศ", "MWCC"]], ["รวม 1 เรื่อง"])
    hidden.sheet_state = "hidden"
    if summary:
        s = wb.create_sheet("สรุป")
        s.append(["อำเภอ", "จำนวน"])
        s.append(["อรัญประเทศ", 10])
    wb.save(path)
    return path



@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """CLI imports write their rejects CSV into the current folder for a PostgreSQL store: keep it here."""
    monkeypatch.chdir(tmp_path)

@pytest.fixture(scope="module")
def module_con(module_store_copy):
    path = module_store_copy("geo")
    c = connect(path)
    yield c
    c.close()


@pytest.fixture
def con(module_con):
    for table in ("reports", "quarantine", "audit_events", "import_batches", "import_batch_sheets", "audit_log"):
        module_con.execute(f"DELETE FROM {table}")
    return module_con


@pytest.fixture
def workbook(tmp_path) -> Path:
    return office_workbook(tmp_path / "รายงานอรัญ_พย-ธค68.xlsx")


def counts(r) -> tuple:
    return (r.rows_in, r.imported, r.quarantined, r.duplicates, r.skipped)


# -- the package ---------------------------------------------------------------------------------------------


def test_an_office_workbook_imports_every_visible_sheet_with_exact_counts(con, workbook):
    res = import_file(con, workbook, actor="off2706", now=NOW)
    assert {s.sheet: counts(s) for s in res.sheets} == EXPECTED
    assert counts(res) == (13, 7, 2, 1, 3)
    assert res.rows_in == res.imported + res.quarantined + res.duplicates + res.skipped
    assert [(i.sheet, i.reason) for i in res.ignored_sheets] == [(HIDDEN, "hidden")]
    batch = con.execute("SELECT rows_in, imported, quarantined, duplicates, skipped, sheets_json "
                        "FROM import_batches").fetchall()
    assert len(batch) == 1 and batch[0][:5] == (13, 7, 2, 1, 3)
    per_sheet = {s["sheet"]: (s["rows_in"], s["imported"], s["quarantined"], s["duplicates"], s["skipped"])
                 for s in json.loads(batch[0][5])}
    assert per_sheet == EXPECTED
    stored = con.execute("SELECT source_sheet, count(*) FROM reports GROUP BY 1").fetchall()
    assert dict(stored) == {NOV: 6, DEC: 2}           # duplicates are stored (flagged), never dropped
    assert con.execute("SELECT count(*) FROM reports WHERE description = 'เก่า'").fetchone()[0] == 0


def test_buddhist_era_date_cells_districts_and_channels_are_read_as_officers_wrote_them(con, workbook):
    res = import_file(con, workbook, actor="off2706", now=NOW)
    rows = con.execute("""SELECT source_sheet, source_row, occurred_date, occurred_time, district_code,
                                 subdistrict_code, intake_method, status
                          FROM reports ORDER BY source_sheet DESC, source_row""").fetchall()
    got = {(s, n): rest for s, n, *rest in rows}
    assert got[(NOV, 1)][:2] == [dt.date(2025, 11, 15), None]
    assert got[(NOV, 3)][:2] == [dt.date(2025, 11, 20), dt.time(14, 30)]
    assert got[(NOV, 6)][0] == dt.date(2025, 11, 28)                 # BE text still works
    assert got[(DEC, 1)][0] == dt.date(2025, 12, 1)
    assert {r[2] for r in got.values()} == {ARANYAPRATHET}
    assert got[(NOV, 1)][3] == "270606" and got[(NOV, 2)][3] == "270605"   # ป่าไร่, ท่าข้าม
    assert {k: v[4] for k, v in got.items()} == {
        (NOV, 1): "walk_in", (NOV, 2): "line", (NOV, 3): "walk_in", (NOV, 5): "phone", (NOV, 6): "web",
        (NOV, 7): "walk_in", (DEC, 1): "line", (DEC, 2): "phone"}
    assert got[(NOV, 7)][5] == "duplicate"
    dup_of = con.execute("SELECT d.source_sheet, d.source_row FROM reports r JOIN reports d ON d.id = r.duplicate_of "
                         "WHERE r.source_sheet = ? AND r.source_row = 7", [NOV]).fetchone()
    assert dup_of == (NOV, 1)
    assert res.warnings > 0                                          # contact without consent: dropped, said


def test_a_bad_row_names_its_sheet_row_and_field(con, workbook):
    res = import_file(con, workbook, actor="off2706", now=NOW)
    rej = res.rejects
    assert list(rej.columns[:3]) == ["sheet", "row_no", "field"]
    assert set(zip(rej["sheet"], rej["row_no"], rej["field"], rej["code"])) == {
        (NOV, 4, "category", "unknown_category"), (DEC, 3, "district", "ambiguous")}
    q = con.execute("SELECT sheet, row_no, reasons_json FROM quarantine ORDER BY sheet DESC").fetchall()
    assert [(s, n) for s, n, _ in q] == [(NOV, 4), (DEC, 3)]
    assert "ขโมยควาย" in json.loads(q[0][2])[0]["message"]


def test_re_importing_the_workbook_adds_nothing(con, workbook):
    first = import_file(con, workbook, actor="off2706", now=NOW)
    again = import_file(con, workbook, actor="off2706", now=NOW)
    assert again.already_imported and again.batch_id == first.batch_id and counts(again) == (0, 0, 0, 0, 0)
    assert con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM quarantine), "
                       "(SELECT count(*) FROM import_batches)").fetchone() == (8, 2, 1)


def test_chosen_sheets_only_and_a_hidden_sheet_when_named(con, workbook):
    res = import_file(con, workbook, actor="off2706", now=NOW, sheets=[DEC])
    assert [s.sheet for s in res.sheets] == [DEC] and counts(res) == EXPECTED[DEC]
    con.execute("DELETE FROM reports; DELETE FROM quarantine; DELETE FROM audit_events; DELETE FROM import_batches; "
                "DELETE FROM import_batch_sheets")
    res = import_file(con, workbook, actor="off2706", now=NOW, sheets=[HIDDEN])
    assert counts(res) == (2, 1, 0, 0, 1) and res.sheets[0].sheet == HIDDEN
    with pytest.raises(InputError, match=r"no sheet named 'มกราคม'; the workbook's sheets are: 'พ.ย. 68', 'ธ.ค. 68'"):
        import_file(con, workbook, actor="off2706", now=NOW, sheets=["มกราคม"])


def test_a_summary_sheet_without_the_needed_columns_is_left_out_and_said_so(con, tmp_path):
    path = office_workbook(tmp_path / "with_summary.xlsx", summary=True)
    res = import_file(con, path, actor="off2706", now=NOW)
    assert counts(res) == (13, 7, 2, 1, 3)
    left = {i.sheet: i for i in res.ignored_sheets}
    assert left["สรุป"].reason == "unusable" and "missing a date column" in left["สรุป"].detail
    con.execute("DELETE FROM reports; DELETE FROM quarantine; DELETE FROM audit_events; DELETE FROM import_batches; "
                "DELETE FROM import_batch_sheets")
    with pytest.raises(InputError, match="sheet 'สรุป': cannot import: missing a date column"):
        import_file(con, path, actor="off2706", now=NOW, sheets=["สรุป"])


def test_a_workbook_with_only_empty_and_hidden_sheets_says_what_it_found(con, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "ว่าง"                              # Excel keeps one sheet visible: this one, empty
    hidden = wb.create_sheet(NOV)
    _sheet(hidden, NOV_HEADER, NOV_ROWS[:1], NOV_TOTALS)
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "hidden.xlsx")
    with pytest.raises(InputError, match=f"the visible sheets are empty; hidden sheets: '{NOV}' — choose"):
        import_file(con, tmp_path / "hidden.xlsx", actor="off2706", now=NOW)
    res = import_file(con, tmp_path / "hidden.xlsx", actor="off2706", now=NOW, sheets=[NOV])
    assert counts(res) == (2, 1, 0, 0, 1)


def test_the_sheets_offered_for_choosing_say_which_are_hidden(workbook):
    assert [(s.name, s.visible) for s in workbook_sheets(workbook)] == [(NOV, True), (DEC, True), (HIDDEN, False)]


def test_a_csv_with_a_title_row_and_a_totals_row_imports_too(con, tmp_path):
    path = tmp_path / "office.csv"
    path.write_text(f"{TITLE},,,\n,,,\nวัน/เดือน/ปี ที่เกิดเหตุ,ประเภทคดี,อำเภอ,ช่องทาง\n"
                    "15/11/2568,ยาบ้า,อรัญฯ,MWCC\n,,,\n16/11/2568,สุรา,อรัญ,ไลน์\nรวม 2 เรื่อง,,,\n,,,\n",
                    encoding="utf-8")
    res = import_file(con, path, actor="off2706", now=NOW)
    assert counts(res) == (4, 2, 0, 0, 2) and res.sheets[0].sheet is None
    assert con.execute("SELECT source_row, district_code FROM reports ORDER BY 1").fetchall() == [
        (1, ARANYAPRATHET), (2, ARANYAPRATHET)]


def test_the_old_failure_message_is_gone_for_a_title_row_workbook(con, tmp_path):
    """The workbook that failed with "missing a date column ... Columns found: 'สรุปรายงานเหตุ ...'"."""
    wb = openpyxl.Workbook()
    _sheet(wb.active, NOV_HEADER, NOV_ROWS[:2], NOV_TOTALS)
    wb.save(tmp_path / "one.xlsx")
    res = import_file(con, tmp_path / "one.xlsx", actor="off2706", now=NOW)
    assert counts(res) == (3, 2, 0, 0, 1)


# -- the parts -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cells, totals", [
    (["รวม 7 เรื่อง"], True), (["รวม", 7], True), ([None, "รวมทั้งสิ้น", None, "12 ราย"], True),
    (["Total: 12 cases"], True), ([7.0], True), (["๗ เรื่อง"], True), (["ยอดรวม", "3", "4"], True),
    (["รวม", None, "ยาบ้า"], False), (["รวมกลุ่มวัยรุ่นมั่วสุม"], False), ([dt.date(2025, 1, 1)], False),
    ([45306], False), (["15/11/2568"], False), ([1, dt.date(2568, 11, 15), "ยาบ้า", "อรัญฯ"], False),
])
def test_totals_rows_are_recognised_and_data_rows_are_not(cells, totals):
    assert is_totals_row(cells) is totals


def test_the_header_row_is_found_below_title_and_blank_rows():
    rows = [[TITLE], [], ["", ""], NOV_HEADER, NOV_ROWS[0]]
    assert find_header_row(rows) == (3, 9)
    assert find_header_row([["a", "b"], ["c", "d"]]) == (0, 0)          # nothing known: the first row
    assert find_header_row([[], [""]]) is None


def test_date_cells_with_a_buddhist_era_year_are_converted():
    assert parse_date(dt.date(2568, 11, 15)).date == dt.date(2025, 11, 15)
    p = parse_date(dt.datetime(2568, 11, 15, 8, 5))
    assert (p.date, p.time) == (dt.date(2025, 11, 15), dt.time(8, 5))
    assert parse_date(dt.date(2025, 11, 15)).date == dt.date(2025, 11, 15)
    with pytest.raises(Problem, match="BE 2568 = 2025 CE, which has no 29 February"):
        parse_date(dt.date(2568, 2, 29))


# -- the command line ----------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_imports_the_workbook_per_sheet_and_writes_rejects_with_sheet_and_row(geo_db, workbook, tmp_path):
    out = tmp_path / "rejects.csv"
    res = runner.invoke(app, ["import", str(workbook), "--db", str(geo_db), "--rejects", str(out), "-q"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "skipped" in res.output and NOV in res.output and DEC in res.output
    assert f"sheet '{HIDDEN}' not imported: hidden sheet" in res.output
    rejects = pd.read_csv(out, encoding="utf-8-sig")
    assert set(zip(rejects["sheet"], rejects["row_no"], rejects["field"])) == {(NOV, 4, "category"),
                                                                               (DEC, 3, "district")}
    con = connect(geo_db, read_only=True)
    assert con.execute("SELECT rows_in, imported, quarantined, duplicates, skipped FROM import_batches").fetchone() \
        == (13, 7, 2, 1, 3)
    con.close()
    again = runner.invoke(app, ["import", str(workbook), "--db", str(geo_db), "-q"], catch_exceptions=False)
    assert again.exit_code == 0 and "nothing added" in again.output


def test_cli_sheet_option_picks_one_sheet_and_an_unknown_sheet_exits_2_with_one_line(geo_db, workbook):
    res = runner.invoke(app, ["import", str(workbook), "--sheet", NOV, "--db", str(geo_db), "-q"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    con = connect(geo_db, read_only=True)
    assert con.execute("SELECT rows_in, skipped FROM import_batches").fetchone() == (9, 2)
    assert con.execute("SELECT DISTINCT source_sheet FROM reports").fetchall() == [(NOV,)]
    con.close()
    bad = runner.invoke(app, ["import", str(workbook), "--sheet", "Sheet9", "--db", str(geo_db), "-q"],
                        catch_exceptions=False)
    lines = [line for line in bad.output.splitlines() if line.strip()]
    assert bad.exit_code == 2 and len(lines) == 1 and "no sheet named 'Sheet9'" in lines[0]


# -- the Data page -------------------------------------------------------------------------------------------


@pytest.fixture
def app_db(geo_db, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(geo_db))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    return geo_db


def data_page_with(workbook: Path):
    from streamlit.testing.v1 import AppTest

    from ntswatch_geo.config import PROJECT_ROOT

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.session_state["auth_user"] = "off2706"
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("app_pages/data.py").run()
    at.file_uploader(key="imp_file").set_value(
        (workbook.name, workbook.read_bytes(),
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_data_page_offers_the_workbooks_sheets_and_imports_the_chosen_one(app_db, workbook):
    at = data_page_with(workbook)
    sheets = at.multiselect(key="imp_sheets")
    assert sheets.options == [NOV, DEC, f"{HIDDEN} (hidden)"] and sheets.value == [NOV, DEC]
    sheets.set_value([DEC]).run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Rows in"] == "4" and shown["Skipped (empty or totals rows)"] == "1"
    per_sheet, rejects = (d.value for d in at.dataframe[-2:])
    assert per_sheet.to_dict("records") == [{"sheet": DEC, "rows_in": 4, "imported": 2, "quarantined": 1,
                                             "duplicates": 0, "skipped": 1}]
    assert rejects[["sheet", "row_no", "field"]].values.tolist() == [[DEC, 3, "District"]]   # the label, not the code
    con = connect(app_db)                 # the app's process holds it read-write: the same configuration
    assert con.execute("SELECT rows_in, skipped FROM import_batches").fetchall() == [(4, 1)]
    assert con.execute("SELECT DISTINCT source_sheet FROM reports").fetchall() == [(DEC,)]


def test_the_data_page_imports_every_visible_sheet_by_default_and_says_which_were_left_out(app_db, workbook):
    at = data_page_with(workbook)
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Rows in"] == "13"
    assert any(f"Sheet {HIDDEN} was not imported: it is hidden" in i.value for i in at.info)
