"""The spreadsheet import of cooperation activities (ntswatch_geo/cooperation/importer.py), its export
(cooperation/export.py) and the `ntswatch coop` commands, on a real geography database in both stores.

The messy workbook is built by tests/fixtures/coop/build_activities.py (its docstring describes each row);
EXPECTED below gives every data row's outcome for a planner (unrestricted) importing it on NOW.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ntswatch_geo.cli import app
from ntswatch_geo.cooperation import export, importer, record
from ntswatch_geo.cooperation.importer import header_field, import_file, split_range
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.scope import Scope

FIXTURES = Path(__file__).parent / "fixtures" / "coop"
sys.path.insert(0, str(FIXTURES))
import build_activities  # noqa: E402

NOW = dt.datetime(2025, 10, 1, 10, 0)
PLANNER = Scope("planner", username="plan")
GOV27 = Scope("governor", province_code="27", username="gov27")
OFF2706 = Scope("district_officer", province_code="27", district_code="2706", username="off2706")
SHEET = "กิจกรรม 2568"
PAOY_PAET, MALAI, OU_CHROV = "14789045B48513904069909", "14789045B32583136425943", "14789045B98105174754814"
THMA_PUOK, SVAY_CHEK, HINBOON = "14789045B61404286718051", "14789045B19114929433175", "54806243B74758384260900"


def imp(district):
    return ("imported", district)


def q(*codes):
    return ("quarantined", frozenset(codes))


DUP = ("duplicate",)

EXPECTED = {
    1: imp("2706"), 2: imp("2702"), 3: imp("2703"), 4: imp("2708"), 5: imp("2706"), 6: imp("2706"),
    7: q("unknown_activity_type"), 8: q("future"), 9: imp("4804"), 10: q("not_facing"), 11: DUP,
    12: q("not_a_parallel_area"), 13: q("invalid_date", "not_a_number"), 14: q("not_border"),
}
SKIPPED = 3          # the blank row between rows 6 and 7, the blank row above the totals, the totals row


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """CLI imports write their rejects CSV into the current folder for a PostgreSQL store: keep it here."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def module_con(module_store_copy):
    c = connect(module_store_copy("geo"))
    yield c
    c.close()


@pytest.fixture
def con(module_con):
    """The module's database with no activities, quarantine rows, batches or audit entries."""
    for table in ("coop_activity_areas", "coop_activities", "coop_quarantine", "coop_import_batches", "audit_log"):
        module_con.execute(f"DELETE FROM {table}")
    return module_con


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> bytes:
    return build_activities.build(tmp_path_factory.mktemp("coop") / "activities.xlsx").read_bytes()


def run(con, data: bytes, name: str = "activities.xlsx", scope: Scope = PLANNER, **kw):
    return import_file(con, data, name, actor=scope.username or "tester", scope=scope, now=NOW, **kw)


def outcomes(con, result) -> dict[int, tuple]:
    """Data row number -> outcome, read back from the database (and the rejects, for duplicates)."""
    out = {}
    for row_no, district in con.execute("SELECT source_row, district_code FROM coop_activities WHERE batch_id = ?",
                                        [result.batch_id]).fetchall():
        out[row_no] = imp(district)
    for row_no, reasons in con.execute("SELECT row_no, reasons_json FROM coop_quarantine WHERE batch_id = ?",
                                       [result.batch_id]).fetchall():
        assert row_no not in out, f"row {row_no} both stored and quarantined"
        out[row_no] = q(*{r["code"] for r in json.loads(reasons)})
    for row_no in result.rejects.loc[result.rejects["code"] == "duplicate", "row_no"]:
        assert row_no not in out, f"row {row_no} both a duplicate and stored or quarantined"
        out[int(row_no)] = DUP
    return out


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def counts(con) -> tuple:
    return con.execute("SELECT (SELECT count(*) FROM coop_activities), (SELECT count(*) FROM coop_activity_areas), "
                       "(SELECT count(*) FROM coop_quarantine), (SELECT count(*) FROM coop_import_batches), "
                       "(SELECT count(*) FROM audit_log)").fetchone()


# -- every row accounted for -----------------------------------------------------------------------------------


def test_a_planner_importing_the_messy_workbook_gets_every_row_accounted_for(con, workbook):
    res = run(con, workbook)
    assert not res.already_imported
    assert res.rows_in == res.imported + res.quarantined + res.duplicates + res.skipped == len(EXPECTED) + SKIPPED
    assert (res.imported, res.quarantined, res.duplicates, res.skipped) == (
        sum(o[0] == "imported" for o in EXPECTED.values()), sum(o[0] == "quarantined" for o in EXPECTED.values()),
        sum(o[0] == "duplicate" for o in EXPECTED.values()), SKIPPED)
    assert outcomes(con, res) == EXPECTED
    assert [s.sheet for s in res.sheets] == [SHEET]
    assert [(i.sheet, i.reason) for i in res.ignored_sheets] == [("สรุป", "unusable")]
    assert "Columns found" in res.ignored_sheets[0].detail
    batch = con.execute("SELECT file_name, file_format, imported_by, rows_in, imported, quarantined, duplicates, "
                        "skipped FROM coop_import_batches WHERE batch_id = ?", [res.batch_id]).fetchone()
    assert batch == ("activities.xlsx", "xlsx", "plan", 17, 7, 6, 1, 3)
    sources = {r[0] for r in con.execute("SELECT DISTINCT source FROM coop_activities").fetchall()}
    assert sources == {f"import:{res.batch_id}"}
    action, actor, role, detail = con.execute("SELECT action, actor, role, detail FROM audit_log").fetchone()
    assert (action, actor, role) == ("coop_import", "plan", "planner")
    assert json.loads(detail)["rows_in"] == 17 and "อรัญประเทศ" not in detail      # counts, never values


def test_thai_dates_names_digits_and_facing_districts_are_read_as_written(con, workbook):
    res = run(con, workbook)
    got = {r[0]: r[1:] for r in con.execute(
        "SELECT source_row, activity_type, start_date, end_date, budget_thb, th_officials, kh_citizens, change_agents "
        "FROM coop_activities WHERE batch_id = ?", [res.batch_id]).fetchall()}
    d = dt.date
    assert got == {
        1: ("workshop", d(2025, 3, 15), d(2025, 3, 15), 25000.0, 12, 15, 0),           # 15/03/2568
        2: ("nts_literacy_training", d(2025, 3, 15), d(2025, 3, 15), 48500.0, 5, 0, 30),  # 15 มี.ค. 68, ฿48,500
        3: ("visit_across", d(2025, 5, 23), d(2025, 5, 23), 15000.0, 8, 0, 0),          # Excel serial 45800
        4: ("social_cultural", d(2025, 6, 10), d(2025, 6, 10), 12500.0, 2, 25, 0),      # Thai digits
        5: ("swot_session", d(2025, 7, 1), d(2025, 7, 1), None, 6, 0, 0),                # date cell, year 2568
        6: ("security_dialogue", d(2025, 7, 15), d(2025, 7, 17), 1.2e6, 10, 0, 0),      # 15-17 ก.ค. 68, 1.2 ล้าน
        9: ("joint_officials", d(2025, 8, 5), d(2025, 8, 5), 8000.0, 6, 0, 0),
    }
    facing = {}
    for row, nid in con.execute("SELECT a.source_row, x.neighbour_id FROM coop_activity_areas x JOIN coop_activities a "
                                "ON a.id = x.activity_id WHERE a.batch_id = ?", [res.batch_id]).fetchall():
        facing.setdefault(row, set()).add(nid)
    assert facing == {1: {PAOY_PAET}, 3: {THMA_PUOK, SVAY_CHEK}, 4: {PAOY_PAET}, 5: {MALAI},
                      6: {PAOY_PAET, OU_CHROV}, 9: {HINBOON}}                     # "Poipet" is Paoy Paet
    assert con.execute("SELECT la_officials FROM coop_activities WHERE batch_id = ? AND source_row = 9",
                       [res.batch_id]).fetchone() == (6,)


def test_each_refused_row_keeps_its_raw_cells_and_every_reason_in_both_languages(con, workbook):
    res = run(con, workbook)
    raw, reasons = con.execute("SELECT raw_json, reasons_json FROM coop_quarantine WHERE batch_id = ? AND row_no = 13",
                               [res.batch_id]).fetchone()
    raw, reasons = json.loads(raw), json.loads(reasons)
    assert raw["วันที่จัดกิจกรรม"] == "31/02/2568" and raw["ผู้เข้าร่วมฝั่งไทย (เจ้าหน้าที่)"] == "สิบคน"
    assert raw["ลำดับ"] == 13                                                        # as typed, not 13.0
    assert {(r["field"], r["code"], r["value"]) for r in reasons} == {
        ("start_date", "invalid_date", "31/02/2568"), ("th_officials", "not_a_number", "สิบคน")}
    assert all(r["message"] and r["message_th"] and r["message"] != r["message_th"] for r in reasons)
    rej = res.rejects
    assert list(rej.columns) == importer.REJECT_COLUMNS
    assert set(rej["sheet"]) == {SHEET}
    lao = rej[rej["row_no"] == 10].iloc[0]
    assert (lao["field"], lao["code"], lao["value"]) == ("la_officials", "not_facing", "4")
    assert "Aranyaprathet faces Cambodia only" in lao["message"] and "กัมพูชา" in lao["message_th"]
    wrong = rej[rej["row_no"] == 12].iloc[0]
    assert wrong["value"] == "Vientiane" and "Paoy Paet" in wrong["message"]        # names what is allowed
    dup = rej[rej["row_no"] == 11].iloc[0]
    assert dup["code"] == "duplicate" and "row 1 (sheet 'กิจกรรม 2568')" in dup["message"]
    assert "แถวที่ 1" in dup["message_th"]
    future = rej[rej["row_no"] == 8].iloc[0]
    assert future["field"] == "start_date" and "2025-11-20" in future["message"]
    # the rejects read back from the quarantine (the page's download after the import)
    back = export.batch_rejects(con, res.batch_id)
    assert sorted(set(back["row_no"])) == [7, 8, 10, 12, 13, 14]
    assert len(back) == len(rej[rej["code"] != "duplicate"])


def test_reimporting_the_same_file_adds_nothing_and_names_the_first_batch(con, workbook):
    first = run(con, workbook)
    before = counts(con)
    again = run(con, workbook, scope=GOV27)
    assert again.already_imported and again.batch_id == first.batch_id
    assert (again.rows_in, again.imported, again.quarantined, again.duplicates) == (0, 0, 0, 0)
    assert f"batch {first.batch_id}" in again.message and "by plan" in again.message and "nothing added" in again.message
    assert counts(con) == before
    # the same activities in another file (another sheet name, other bytes) are duplicates: nothing added
    other = build_activities.build(Path("copy.xlsx"))
    from openpyxl import load_workbook
    wb = load_workbook(other)
    wb["กิจกรรม 2568"].title = "สำเนา"
    wb.save(other)
    copy = run(con, other.read_bytes(), "copy.xlsx")
    assert not copy.already_imported
    assert (copy.imported, copy.duplicates, copy.quarantined) == (0, 8, 6)
    assert con.execute("SELECT count(*) FROM coop_activities").fetchone()[0] == before[0]
    stored = copy.rejects[copy.rejects["code"] == "duplicate"]
    assert stored["message"].str.contains(f"already recorded as activity .* \\(import, batch {first.batch_id}\\)",
                                          regex=True).sum() == 8      # row 11 repeats row 1: stored too


def test_an_import_is_one_transaction(con, workbook, monkeypatch):
    real = importer.run_query

    def failing(c, name, params=None):
        if name == "coop_import_insert_batch":
            raise RuntimeError("disk full")
        return real(c, name, params)

    monkeypatch.setattr(importer, "run_query", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run(con, workbook)
    assert counts(con) == (0, 0, 0, 0, 0)
    monkeypatch.setattr(importer, "run_query", real)
    res = run(con, workbook)                    # nothing of the failed try is left: the file imports in full
    assert not res.already_imported and res.imported == 7


# -- scope -------------------------------------------------------------------------------------------------------


def test_a_governor_gets_the_rows_of_another_province_quarantined_as_out_of_scope(con, workbook):
    res = run(con, workbook, scope=GOV27)
    assert outcomes(con, res) == {**EXPECTED, 9: q("out_of_scope")}
    msg = res.rejects.loc[res.rejects["row_no"] == 9, "message"].item()
    assert "Ban Phaeng (4804)" in msg and "outside your province" in msg


def test_a_district_officer_imports_their_own_district_only(con, workbook):
    res = run(con, workbook, scope=OFF2706)
    got = outcomes(con, res)
    assert {r for r, o in got.items() if o[0] == "imported"} == {1, 5, 6}
    assert {r for r, o in got.items() if o == q("out_of_scope")} == {2, 3, 4, 9}
    assert got[14] == q("not_border") and got[11] == DUP
    assert res.rows_in == res.imported + res.quarantined + res.duplicates + res.skipped == 17
    assert set(con.execute("SELECT district_code FROM coop_activities").fetchall()) == {("2706",)}


# -- files and headers ------------------------------------------------------------------------------------------


def test_a_file_without_a_needed_column_is_refused_naming_what_was_found_and_what_is_needed(con):
    data = csv_bytes([["วันที่", "อำเภอ", "หมายเหตุ"], ["15/03/2568", "อรัญประเทศ", "x"]])
    with pytest.raises(InputError) as exc:
        run(con, data, "no_type.csv")
    msg = str(exc.value)
    assert msg.startswith("no_type.csv: cannot import: missing an activity type column")
    assert "'วันที่', 'อำเภอ', 'หมายเหตุ'" in msg and "date column" not in msg
    with pytest.raises(InputError, match="ขาดคอลัมน์ประเภทกิจกรรม"):
        run(con, data, "no_type.csv", lang="th")
    for data, name, words in [(b"", "empty.csv", "empty"), (b"\xff\xfe\x00bad", "x.xlsx", "cannot be read"),
                              (b'{"type": "FeatureCollection"}', "a.geojson", "CSV or XLSX")]:
        with pytest.raises(InputError, match=words):
            run(con, data, name)
    assert counts(con) == (0, 0, 0, 0, 0)


def test_a_cp874_csv_with_a_two_row_header_of_sides_and_kinds(con):
    rows = [["วัน/เดือน/ปี", "ประเภท", "อำเภอ", "จังหวัด", "อำเภอฝั่งตรงข้าม", "ผู้เข้าร่วมฝั่งไทย", "", "ผู้เข้าร่วมฝั่ง สปป.ลาว",
             "", "งบประมาณ (บาท)"],
            ["", "", "", "", "", "เจ้าหน้าที่", "ประชาชน", "เจ้าหน้าที่", "ประชาชน", ""],
            ["1 ม.ค. 2568", "SWOT", "บ้านแพง", "นครพนม", "Hinboon", "4", "10", "3", "๒๐", "5000"],
            ["2 ม.ค. 2568", "อบรม", "อ.บ้านแพง", "นครพนม", "", "12", "0", "0", "0", ""],
            ["รวม", "", "", "", "", "16", "10", "3", "20", "5000"]]
    res = run(con, csv_bytes(rows, "cp874"), "offices.csv")
    assert res.encoding == "cp874" and res.file_format == "csv"
    assert (res.rows_in, res.imported, res.quarantined, res.skipped) == (3, 2, 0, 1)
    got = con.execute("SELECT source_row, th_officials, th_citizens, la_officials, la_citizens, budget_thb "
                      "FROM coop_activities ORDER BY source_row").fetchall()
    assert got == [(1, 4, 10, 3, 20, 5000.0), (2, 12, 0, 0, 0, None)]


def test_duplicates_of_an_activity_entered_on_the_form_are_counted_and_named(con):
    entered = record.add(con, {"activity_type": "workshop", "start_date": "1/2/2568", "district": "อรัญประเทศ",
                               "facing": "Paoy Paet", "th_officials": "5"}, actor="off2706", scope=OFF2706)
    data = csv_bytes([["Date", "Activity type", "District", "Facing district", "Thai officials", "Lao officials"],
                      ["2025-02-01", "Enhancing Mekong Linkage workshop", "Aranyaprathet", "Paoy Paet", "5", ""],
                      ["2025-02-02", "workshop", "Aranyaprathet", "Paoy Paet", "5", ""]])
    res = run(con, data, "english.csv")
    assert (res.rows_in, res.imported, res.duplicates) == (2, 1, 1)
    dup = res.rejects.iloc[0]
    assert (dup["row_no"], dup["code"]) == (1, "duplicate")
    assert dup["message"] == f"already recorded as activity {entered} (entry form); not imported again"
    assert "บันทึกผ่านแบบฟอร์ม" in dup["message_th"]


@pytest.mark.parametrize("header, field", [
    ("วันที่จัดกิจกรรม", "start_date"), ("วันที่จัดกิจกรรม (พ.ศ.)", "start_date"), ("ประเภทกิจกรรม", "activity_type"),
    ("อำเภอ", "district"), ("จังหวัด", "province"), ("พื้นที่คู่ขนาน", "facing"), ("อำเภอฝั่งตรงข้าม", "facing"),
    ("ผู้เข้าร่วมฝั่งไทย (เจ้าหน้าที่)", "th_officials"), ("ผู้เข้าร่วมฝั่ง สปป.ลาว (ผู้นำชุมชน)", "la_leaders"),
    ("ประชาชนกัมพูชา (คน)", "kh_citizens"), ("Cambodian youth", "kh_youth"), ("th_officials", "th_officials"),
    ("ผู้นำการเปลี่ยนแปลง", "change_agents"), ("Change agents", "change_agents"), ("งบประมาณ (บาท)", "budget_thb"),
    ("Budget (THB)", "budget_thb"), ("ผลการดำเนินงาน", "outcome"), ("ชื่อกิจกรรม", "title"), ("ถึงวันที่", "end_date"),
    ("ผู้เข้าร่วมฝั่งไทย (รวม)", None), ("ผู้เข้าร่วมฝั่งไทย", None), ("หมายเหตุ", None),
])
def test_thai_and_english_headers_name_the_record_fields(header, field):
    assert header_field(header) == field


@pytest.mark.parametrize("cell, expected", [
    ("15-17 มี.ค. 68", ("15 มี.ค. 68", "17 มี.ค. 68")),
    ("๑๕ - ๑๗ มีนาคม ๒๕๖๘", ("15 มีนาคม 2568", "17 มีนาคม 2568")),
    ("15/03/2568 - 17/03/2568", ("15/03/2568", "17/03/2568")),
    ("1 มี.ค. 68 ถึง 3 มี.ค. 68", ("1 มี.ค. 68", "3 มี.ค. 68")),
    ("2025-03-15", None), ("15/03/2568", None), ("ประชุม - หารือ", None),
])
def test_a_date_range_in_one_cell_gives_start_and_end(cell, expected):
    assert split_range(cell) == expected


# -- the command line --------------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_coop_import_prints_one_summary_line_and_writes_the_rejects(geo_db, users_file, monkeypatch, tmp_path,
                                                                        workbook):
    from ntswatch_geo.store import target
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    path = tmp_path / "activities.xlsx"
    path.write_bytes(workbook)
    res = runner.invoke(app, ["coop", "import", str(path), "--db", str(geo_db), "--as", "plan"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("ok activities.xlsx → batch 1: 17 rows in: ") and "3 skipped" in lines[0]
    assert any("'สรุป' not imported" in line for line in lines)
    out = target(geo_db).files_dir / "coop_rejects_1.csv"
    rejects = pd.read_csv(out, encoding="utf-8-sig")
    assert list(rejects.columns) == importer.REJECT_COLUMNS
    # today's date: row 8 (20/11/2568) is no longer in the future
    assert sorted(set(rejects["row_no"])) == [7, 10, 11, 12, 13, 14]
    c = connect(geo_db, read_only=True)
    try:
        assert c.execute("SELECT imported_by, rows_in, imported + quarantined + duplicates + skipped "
                         "FROM coop_import_batches").fetchall() == [("plan", 17, 17)]
    finally:
        c.close()
    again = runner.invoke(app, ["coop", "import", str(path), "--db", str(geo_db), "--rejects", "r.csv"],
                          catch_exceptions=False)
    assert again.exit_code == 0 and "already imported as batch 1" in again.output
    assert not (tmp_path / "r.csv").exists()


def test_cli_coop_import_of_a_bad_file_exits_2_with_one_line_and_no_traceback(geo_db, users_file, monkeypatch,
                                                                              tmp_path):
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["Date", "Where", "Notes"], ["2025-01-01", "x", "y"]]))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for args, words in [([str(bad)], ["bad.csv", "missing", "Columns found: 'Date', 'Where', 'Notes'"]),
                        ([str(empty)], ["empty.csv", "empty"]),
                        ([str(tmp_path / "none.xlsx")], ["none.xlsx", "No such file"]),
                        ([str(bad), "--as", "nobody"], ["--as", "not a user"])]:
        res = runner.invoke(app, ["coop", "import", *args, "--db", str(geo_db)])
        assert res.exit_code == 2, res.output
        lines = [line for line in res.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), res.output
        assert all(w in lines[0] for w in words), lines[0]
        assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)


def test_cli_coop_import_as_a_district_officer_takes_the_officers_scope(geo_db, users_file, monkeypatch, tmp_path,
                                                                        workbook):
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    path = tmp_path / "activities.xlsx"
    path.write_bytes(workbook)
    res = runner.invoke(app, ["coop", "import", str(path), "--db", str(geo_db), "--as", "off2706", "--rejects",
                              str(tmp_path / "r.csv"), "--lang", "th"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "นำเข้า 4" in res.output                # rows 1, 5, 6 and (today no longer in the future) 8
    rejects = pd.read_csv(tmp_path / "r.csv", encoding="utf-8-sig")
    assert set(rejects.loc[rejects["code"] == "out_of_scope", "row_no"]) == {2, 3, 4, 9}


# -- the export --------------------------------------------------------------------------------------------------

INJECT = [["วันที่จัดกิจกรรม", "ประเภทกิจกรรม", "ชื่อกิจกรรม", "อำเภอ", "พื้นที่คู่ขนาน", "ผู้เข้าร่วมฝั่งกัมพูชา (ประชาชน)",
           "ผลการดำเนินงาน"],
          ["15/03/2568", "ประชุมเชิงปฏิบัติการ", '=HYPERLINK("http://evil.example","x")', "อรัญประเทศ", "Paoy Paet", "30",
           "+SUM(1,2)"],
          ["2 เม.ย. 2568", "กีฬา", "@cmd", "บ้านแพง", "Hinboon; Pakkading", "", "-1+1"]]


def test_the_xlsx_export_reads_back_with_thai_labels_and_no_formulas(con):
    res = run(con, csv_bytes(INJECT), "inject.csv")
    assert res.imported == 2
    data = export.export_bytes(con, PLANNER, "xlsx", "th", actor="plan")
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["กิจกรรม", "เกี่ยวกับ"]
    ws = wb["กิจกรรม"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 2
    first, second = rows
    assert first["ประเภทกิจกรรม"] == "การประชุมเชิงปฏิบัติการเสริมสร้างความเชื่อมโยงลุ่มน้ำโขง"
    assert first["รหัสประเภทกิจกรรม"] == "workshop"
    assert (first["อำเภอ"], first["จังหวัด"], first["พื้นที่คู่ขนาน"], first["ประเทศฝั่งตรงข้าม"]) == (
        "อรัญประเทศ", "สระแก้ว", "Paoy Paet", "กัมพูชา")
    assert first["ผู้เข้าร่วมฝั่งกัมพูชา (ประชาชน)"] == 30 and first["รวมผู้เข้าร่วมฝั่งกัมพูชา"] == 30
    assert first["วันที่เริ่ม"].date() == dt.date(2025, 3, 15)
    assert (second["พื้นที่คู่ขนาน"], second["ประเภทกิจกรรม"]) == ("Hinboon, Pakkading", "กิจกรรมทางสังคมและวัฒนธรรม")
    assert first["ที่มา"] == f"นำเข้าไฟล์ ชุดที่ {res.batch_id}" and first["ข้อมูลสังเคราะห์"] == "ไม่ใช่"
    # no cell is a formula: text that would run starts with an apostrophe
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    assert first["ชื่อกิจกรรม"] == "'" + INJECT[1][2] and first["ผลการดำเนินงาน"] == "'+SUM(1,2)"
    assert second["ชื่อกิจกรรม"] == "'@cmd" and second["ผลการดำเนินงาน"] == "'-1+1"
    about = dict(wb["เกี่ยวกับ"].iter_rows(min_row=2, values_only=True))
    assert about["จำนวนแถว"] == "2" and about["พื้นที่ของบัญชีผู้ใช้"] == "อำเภอชายแดนทั้งหมด"
    assert "plan" in about["ส่งออกโดย"]
    entry = con.execute("SELECT actor, detail FROM audit_log WHERE action = 'export'").fetchone()
    assert entry[0] == "plan" and json.loads(entry[1])["kind"] == "coop_activities"


def test_the_csv_export_in_english_and_its_scope(con):
    run(con, csv_bytes(INJECT), "inject.csv")
    frame = pd.read_csv(io.BytesIO(export.export_bytes(con, PLANNER, "csv", "en")), encoding="utf-8-sig")
    assert list(frame["Activity type"]) == ["Enhancing Mekong Linkage workshop", "Social / cultural event"]
    assert list(frame["District"]) == ["Aranyaprathet", "Ban Phaeng"]
    assert list(frame["Facing country"]) == ["Cambodia", "Lao PDR"]
    assert frame["Title"].iloc[0].startswith("'=HYPERLINK")
    officer = pd.read_csv(io.BytesIO(export.export_bytes(con, OFF2706, "csv", "en")), encoding="utf-8-sig")
    assert list(officer["District code"]) == [2706]
    gov = export.activities_frame(con, GOV27, "en")
    assert list(gov["District"]) == ["Aranyaprathet"]
    later = export.activities_frame(con, PLANNER, "th", date_from=dt.date(2025, 4, 1))
    assert list(later["อำเภอ"]) == ["บ้านแพง"]
    with pytest.raises(InputError, match="public"):
        export.export_bytes(con, Scope("public"), "csv")


@pytest.mark.parametrize("lang, fmt", [("th", "xlsx"), ("en", "csv")])
def test_an_exported_file_imports_again_adding_nothing(con, workbook, lang, fmt):
    run(con, workbook)
    before = counts(con)[:2]
    data = export.export_bytes(con, PLANNER, fmt, lang)
    again = run(con, data, f"export.{fmt}")
    assert (again.imported, again.quarantined, again.duplicates) == (0, 0, 7), again.rejects
    assert again.unused_columns == []              # every column of the export is known
    assert counts(con)[:2] == before


def test_cli_coop_export_writes_xlsx_and_csv(geo_db, tmp_path, workbook):
    c = connect(geo_db)
    try:
        run(c, workbook)
    finally:
        c.close()
    res = runner.invoke(app, ["coop", "export", "-o", str(tmp_path / "a.xlsx"), "--db", str(geo_db)],
                        catch_exceptions=False)
    assert res.exit_code == 0 and "7 กิจกรรม" in res.output, res.output
    assert pd.read_excel(tmp_path / "a.xlsx", sheet_name=0, engine="openpyxl").shape[0] == 7
    res = runner.invoke(app, ["coop", "export", "-o", str(tmp_path / "a.csv"), "--lang", "en", "--from", "2025-07-01",
                              "--db", str(geo_db)], catch_exceptions=False)
    assert res.exit_code == 0 and "3 activities" in res.output, res.output
    for args, words in [(["-o", "a.pdf"], "unknown format"), (["-o", "a.csv", "--from", "1/1/2568"], "not a date"),
                        (["-o", "a.csv", "--lang", "lo"], "--lang")]:
        res = runner.invoke(app, ["coop", "export", *args, "--db", str(geo_db)])
        assert res.exit_code == 2 and words in res.output and "Traceback" not in res.output, res.output


def test_rejects_csv_defuses_formulas_in_rejected_values(con):
    data = csv_bytes([["วันที่", "ประเภทกิจกรรม", "อำเภอ"], ["=1+1", "workshop", "อรัญประเทศ"]])
    res = run(con, data, "f.csv")
    out = pd.read_csv(io.BytesIO(export.rejects_csv(res.rejects)), encoding="utf-8-sig", dtype=str)
    assert list(out.columns) == importer.REJECT_COLUMNS
    assert out["value"].iloc[0] == "'=1+1"


def test_on_postgresql_a_district_officers_login_imports_under_row_security(pg_templates, workbook):
    """The dashboard's connection of a district officer (a scope login, row security on coop_activities): the
    import stores the district's rows through coop_activities_incoming, and the database itself refuses another
    district's activity even when the app's scope check is skipped."""
    import pg_support

    from ntswatch_geo.db import transaction
    from ntswatch_geo.pg import roles

    name = pg_support.create_database(pg_templates, None, template="geo_template")
    url = pg_templates.url(database=name)
    try:
        off = connect(roles.url_as(url, roles.scope_role(OFF2706)))
        try:
            res = run(off, workbook, scope=OFF2706)
            assert (res.rows_in, res.imported, res.duplicates, res.skipped) == (17, 3, 1, 3)
            assert off.execute("SELECT count(*), min(district_code), max(district_code) FROM coop_activities"
                               ).fetchone() == (3, "2706", "2706")
            other = record.check(off, {"activity_type": "workshop", "start_date": "1/2/2568", "district": "คลองหาด"},
                                 None, NOW.date()).activity
            with pytest.raises(Exception, match="row-level security"):
                transaction(off, lambda: record.store(off, [other], actor="off2706", source="entry"))
        finally:
            off.close()
        owner = connect(url)
        try:
            assert owner.execute("SELECT count(*) FROM coop_activities").fetchone()[0] == 3
            assert owner.execute("SELECT imported_by, rows_in FROM coop_import_batches").fetchall() == [("off2706", 17)]
        finally:
            owner.close()
    finally:
        pg_support.drop_database(pg_templates, name)


def test_one_chosen_sheet_is_its_own_import_and_unknown_sheets_are_named(con, workbook):
    whole = run(con, workbook)
    sheet = run(con, workbook, sheet=SHEET)                 # chosen after the whole file: rows are duplicates
    assert not sheet.already_imported and sheet.batch_id != whole.batch_id
    assert (sheet.imported, sheet.duplicates, sheet.quarantined) == (0, 8, 6)
    assert run(con, workbook, sheet=SHEET).already_imported
    with pytest.raises(InputError, match="no sheet named 'Sheet9'.*'กิจกรรม 2568', 'สรุป'"):
        run(con, workbook, sheet="Sheet9")
    with pytest.raises(InputError, match="activity type column"):
        run(con, workbook, sheet="สรุป")                    # a chosen sheet without the columns: refused
    with pytest.raises(InputError, match="XLSX workbooks only"):
        run(con, csv_bytes(INJECT), "inject.csv", sheet="x")
