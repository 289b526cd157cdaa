"""import_file on the messy fixture files in tests/fixtures/imports/, row by row, on a real geography database.

For every fixture the table below gives each data row's outcome: imported in district X ("imported", X),
stored as a likely duplicate of row Z of the same file ("duplicate", Z), or quarantined with reason codes
("quarantined", {codes}). The README.md in that folder describes each file.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """CLI imports write their rejects CSV into the current folder for a PostgreSQL store: keep it here."""
    monkeypatch.chdir(tmp_path)
from typer.testing import CliRunner

from ntswatch_geo.cli import app
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.reports import importer
from ntswatch_geo.reports.importer import ImportResult, import_file, map_columns, read_mapping_file

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
NOW = dt.datetime(2026, 11, 26, 10, 0)
sys.path.insert(0, str(FIXTURES))
import build_xlsx  # noqa: E402


def imp(n):
    return ("imported", n)


def dup(n):
    return ("duplicate", n)


def q(*codes):
    return ("quarantined", frozenset(codes))


EXPECTED = {
    "thai_be_utf8.csv": {
        1: imp("4804"), 2: imp("4301"), 3: q("invalid_date"), 4: q("future"), 5: q("out_of_range"),
        6: q("outside_thailand"), 7: q("outside_thailand"), 8: q("unknown_district"), 9: dup(1), 10: imp("4803"),
        11: imp("4803"), 12: imp("4804"), 13: imp("4804"), 14: q("unknown_category"), 15: q("ambiguous"),
        16: imp("2706"), 17: imp("4803"), 18: dup(1),
    },
    "bom_english.csv": {
        1: imp("4804"), 2: imp("4301"), 3: imp("2706"), 4: imp("4901"), 5: imp("3409"), 6: imp("5708"),
        7: imp("3304"), 8: imp("3801"), 9: q("ambiguous"), 10: q("no_location"), 11: q("out_of_range"),
    },
    "semicolon.csv": {1: imp("4301"), 2: imp("4901"), 3: dup(1)},
    "tab_delimited.csv": {1: imp("2706"), 2: imp("3409")},
    "tis620.csv": {1: imp("5708"), 2: imp("4302"), 3: imp("4203")},
    "ragged.csv": {1: imp("4804"), 2: imp("4302"), 3: q("bad_row"), 4: imp("4203")},
    "points.geojson": {1: imp("4804"), 2: q("outside_thailand"), 3: q("not_a_point"), 4: imp("4803"), 5: dup(1),
                       6: imp("4803")},
    "reports.xlsx": {1: imp("4804"), 2: imp("4301"), 3: dup(1), 4: imp("4301"), 5: q("invalid_date"),
                     6: imp("2706")},
    "header_only.csv": {},
}
ENCODINGS = {"thai_be_utf8.csv": "utf-8", "bom_english.csv": "utf-8-sig", "tis620.csv": "cp874",
             "semicolon.csv": "utf-8", "points.geojson": None, "reports.xlsx": None}


@pytest.fixture(scope="module")
def module_con(module_store_copy):
    path = module_store_copy("geo")
    c = connect(path)
    yield c
    c.close()


@pytest.fixture
def con(module_con):
    """The module's database with no reports, quarantine rows, audit events or batches."""
    for table in ("reports", "quarantine", "audit_events", "import_batches", "import_batch_sheets"):
        module_con.execute(f"DELETE FROM {table}")
    return module_con


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory) -> Path:
    return build_xlsx.build(tmp_path_factory.mktemp("xlsx") / "reports.xlsx")


def fixture_path(name: str, xlsx: Path) -> Path:
    return xlsx if name == "reports.xlsx" else FIXTURES / name


def run(con, path: Path, **kw) -> ImportResult:
    return import_file(con, path, actor="tester", now=NOW, **kw)


def outcomes(con, batch_id: int) -> dict[int, tuple]:
    """Row number -> outcome, read back from the database."""
    out = {}
    rows = con.execute("""SELECT r.source_row, r.district_code, r.status, d.source_row, d.batch_id
                          FROM reports r LEFT JOIN reports d ON d.id = r.duplicate_of
                          WHERE r.batch_id = ?""", [batch_id]).fetchall()
    for row_no, district, status, dup_row, dup_batch in rows:
        if status == "duplicate":
            out[row_no] = dup(dup_row) if dup_batch == batch_id else ("duplicate", f"batch {dup_batch}", dup_row)
        else:
            out[row_no] = imp(district)
    for row_no, reasons in con.execute("SELECT row_no, reasons_json FROM quarantine WHERE batch_id = ?",
                                       [batch_id]).fetchall():
        assert row_no not in out, f"row {row_no} both stored and quarantined"
        out[row_no] = q(*{r["code"] for r in json.loads(reasons)})
    return out


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_row_of_every_fixture_ends_as_expected(con, xlsx, name):
    res = run(con, fixture_path(name, xlsx))
    expected = EXPECTED[name]
    assert not res.already_imported
    assert res.rows_in == res.imported + res.quarantined + res.duplicates + res.skipped
    assert res.rows_in - res.skipped == len(expected)
    assert res.imported == sum(1 for o in expected.values() if o[0] == "imported")
    assert res.duplicates == sum(1 for o in expected.values() if o[0] == "duplicate")
    assert res.quarantined == sum(1 for o in expected.values() if o[0] == "quarantined")
    assert outcomes(con, res.batch_id) == expected
    batch = con.execute("SELECT file_name, file_sha256, rows_in, imported, quarantined, duplicates, imported_by "
                        "FROM import_batches WHERE batch_id = ?", [res.batch_id]).fetchone()
    assert batch == (res.file_name, res.file_sha256, res.rows_in, res.imported, res.quarantined, res.duplicates,
                     "tester")
    assert con.execute("SELECT count(*) FROM audit_events a JOIN reports r ON r.id = a.report_id "
                       "WHERE r.batch_id = ? AND a.action = 'created' AND a.actor = 'tester'",
                       [res.batch_id]).fetchone()[0] == res.imported + res.duplicates
    assert set(res.rejects["row_no"]) == {r for r, o in expected.items() if o[0] == "quarantined"}
    assert list(res.rejects.columns) == ["sheet", "row_no", "field", "value", "code", "message_th", "message_en"]


@pytest.mark.parametrize("name, encoding", list(ENCODINGS.items()))
def test_the_encoding_and_format_are_recorded(con, xlsx, name, encoding):
    res = run(con, fixture_path(name, xlsx))
    fmt, enc = con.execute("SELECT file_format, encoding FROM import_batches WHERE batch_id = ?",
                           [res.batch_id]).fetchone()
    assert enc == encoding and fmt == name.rsplit(".", 1)[1]


def test_thai_file_values_are_stored_as_typed_and_normalised(con):
    res = run(con, FIXTURES / "thai_be_utf8.csv")
    rows = {r[0]: r[1:] for r in con.execute(
        """SELECT source_row, occurred_date, occurred_time, category, description, place_text, contact_name,
                  contact_phone, location_precision, subdistrict_code, source
           FROM reports WHERE batch_id = ?""", [res.batch_id]).fetchall()}
    assert rows[1] == (dt.date(2024, 1, 15), dt.time(13, 45), "drug_trafficking",
                       "ลักลอบขนยาบ้า 2 แสนเม็ด\nข้ามแม่น้ำโขง", "ท่าเรือบ้านแพง", "สมชาย ใจดี", "0812345678",
                       "point", "480401", f"import:{res.batch_id}")
    assert rows[2][3] == "<script>alert(1)</script>" and rows[2][5:7] == (None, None)   # no consent: dropped
    assert rows[16][3] == rows[16][4] == '=HYPERLINK("http://x","y")'
    assert rows[10][7] == "district" and rows[11][0] == dt.date(2024, 1, 21)
    notes = dict(con.execute("SELECT r.source_row, a.note FROM audit_events a JOIN reports r ON r.id = a.report_id "
                             "WHERE a.note IS NOT NULL").fetchall())
    assert "swapped_lat_lon" in notes[12] and "district_mismatch" in notes[17]
    raw = json.loads(con.execute("SELECT raw_json FROM quarantine WHERE row_no = 3").fetchone()[0])
    assert raw["วันที่เกิดเหตุ"] == "30/02/2567" and raw["อำเภอ"] == "บ้านแพง"


def test_xlsx_serial_dates_date_cells_thai_months_and_time_cells(con, xlsx):
    res = run(con, xlsx)
    rows = dict(con.execute("SELECT source_row, occurred_date FROM reports WHERE batch_id = ?",
                            [res.batch_id]).fetchall())
    assert rows == {1: dt.date(2024, 1, 15), 2: dt.date(2024, 1, 16), 3: dt.date(2024, 1, 15),
                    4: dt.date(2024, 2, 16), 6: dt.date(2024, 3, 1)}
    assert con.execute("SELECT occurred_time FROM reports WHERE source_row = 6").fetchone()[0] == dt.time(14, 30)


def test_geojson_takes_coordinates_from_the_geometry(con):
    res = run(con, FIXTURES / "points.geojson")
    assert con.execute("SELECT lat, lon FROM reports WHERE batch_id = ? AND source_row = 1",
                       [res.batch_id]).fetchone() == (17.87651, 104.22671)


def test_reimporting_the_same_file_adds_nothing(con):
    first = run(con, FIXTURES / "thai_be_utf8.csv")
    before = con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM quarantine)").fetchone()
    again = run(con, FIXTURES / "thai_be_utf8.csv")
    assert again.already_imported and again.batch_id == first.batch_id and again.imported == 0
    assert f"already imported as batch {first.batch_id}" in again.message
    assert con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM quarantine)").fetchone() == before
    assert con.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 1


def test_duplicates_are_found_across_batches(con, xlsx):
    first = run(con, FIXTURES / "thai_be_utf8.csv")
    second = run(con, xlsx)
    got = outcomes(con, second.batch_id)
    assert got[1] == ("duplicate", f"batch {first.batch_id}", 1)       # same day, same place, same category
    assert got[2] == ("duplicate", f"batch {first.batch_id}", 2)
    assert second.duplicates == 3


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "the file is empty"),
    ("one_column.csv", "found only one column 'วันที่ ประเภท อำเภอ'"),
    ("no_location.csv", "Columns found: 'วันที่เกิดเหตุ', 'ประเภท', 'รายละเอียด'"),
    ("custom_headers.csv", "missing a date column"),
])
def test_unusable_files_are_refused_with_one_clear_message(con, name, message):
    with pytest.raises(InputError) as e:
        run(con, FIXTURES / name)
    assert message in str(e.value) and name in str(e.value)
    assert con.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 0


def test_a_file_over_the_size_limit_is_refused_before_reading(con, monkeypatch):
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(InputError) as e:
        run(con, FIXTURES / "thai_be_utf8.csv", max_bytes=1000)
    assert "over the limit of 1,000 bytes" in str(e.value)


def test_a_header_only_file_is_a_zero_row_batch(con):
    res = run(con, FIXTURES / "header_only.csv")
    assert (res.rows_in, res.imported, res.quarantined, res.duplicates) == (0, 0, 0, 0) and res.batch_id


def test_a_one_megabyte_description_rejects_that_row_only(con, tmp_path):
    path = tmp_path / "big.csv"
    big = "ก" * 1_000_000
    path.write_text("วันที่,ประเภท,อำเภอ,จังหวัด,รายละเอียด\n01/03/2567,ยาบ้า,บ้านแพง,นครพนม,สั้น\n"
                    f'02/03/2567,ยาบ้า,ท่าอุเทน,นครพนม,"{big}"\n03/03/2567,สุรา,ท่าบ่อ,หนองคาย,\n', encoding="utf-8")
    res = run(con, path)
    assert outcomes(con, res.batch_id) == {1: imp("4804"), 2: q("too_long"), 3: imp("4302")}
    assert res.rows_in == res.imported + res.quarantined + res.duplicates == 3
    assert "1,000,000 characters; the limit is 5,000" in res.rejects.loc[0, "message_en"]
    assert len(res.rejects.loc[0, "value"]) <= 201


def test_a_mapping_file_names_unusual_columns(con):
    mapping = read_mapping_file(FIXTURES / "custom_headers.mapping.toml")
    res = run(con, FIXTURES / "custom_headers.csv", mapping=mapping)
    assert outcomes(con, res.batch_id) == {1: imp("4804"), 2: imp("4302")}
    used = json.loads(con.execute("SELECT mapping_json FROM import_batches").fetchone()[0])
    assert used["when"] == "occurred_date" and used["amphoe name"] == "district"


def test_mapping_files_in_json_and_bad_mappings(tmp_path):
    p = tmp_path / "m.json"
    p.write_text(json.dumps({"columns": {"วันที่แจ้ง": "occurred_date", "x": ""}}), encoding="utf-8")
    assert read_mapping_file(p) == {"วันที่แจ้ง": "occurred_date", "x": ""}
    p.write_text(json.dumps({"a": "colour"}), encoding="utf-8")
    with pytest.raises(InputError, match="unknown field"):
        read_mapping_file(p)
    t = tmp_path / "m.toml"
    t.write_text("a = [", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        read_mapping_file(t)
    with pytest.raises(InputError, match="not in the file"):
        map_columns(["date"], {"วันที่": "occurred_date"})


@pytest.mark.parametrize("header, field", [
    ("วันที่เกิดเหตุ", "occurred_date"), ("วันที่", "occurred_date"), ("Date", "occurred_date"),
    ("OCCURRED_DATE", "occurred_date"), ("วันที่เกิดเหตุ (พ.ศ.)", "occurred_date"), ("เวลา", "occurred_time"),
    ("อำเภอ", "district"), (" Amphoe ", "district"), ("จังหวัด", "province"), ("changwat", "province"),
    ("ตำบล", "subdistrict"), ("Tambon", "subdistrict"), ("ประเภท", "category"), ("ประเภทเหตุ", "category"),
    ("Type", "category"), ("ละติจูด", "lat"), ("Latitude", "lat"), ("ลองจิจูด", "lon"), ("lng", "lon"),
    ("Longitude", "lon"), ("รายละเอียด", "description"), ("Details", "description"), ("สถานที่", "place_text"),
    ("ชื่อผู้แจ้ง", "contact_name"), ("เบอร์โทร", "contact_phone"), ("Phone", "contact_phone"),
    ("ช่องทาง", "intake_method"), ("พิกัด", "coords"),
])
def test_thai_and_english_headers_are_recognised(header, field):
    assert map_columns([header]) == {header: field}


def test_a_file_is_one_transaction(con, monkeypatch):
    real = importer.run_query

    def failing(c, name, params=None):
        if name == "intake_insert_batch":
            raise RuntimeError("disk full")
        return real(c, name, params)

    monkeypatch.setattr(importer, "run_query", failing)
    with pytest.raises(RuntimeError):
        run(con, FIXTURES / "thai_be_utf8.csv")
    assert con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM quarantine), "
                       "(SELECT count(*) FROM audit_events), (SELECT count(*) FROM import_batches)").fetchone() == (
        0, 0, 0, 0)


# -- the command line ----------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_import_prints_a_summary_and_writes_the_rejects_next_to_the_database(geo_db, users_file, monkeypatch,
                                                                               tmp_path):
    """Next to a DuckDB file; in the current folder for a PostgreSQL store (it has no folder here)."""
    from ntswatch_geo.store import target
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["import", str(FIXTURES / "thai_be_utf8.csv"), "--db", str(geo_db), "--as", "ana",
                              "-q"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "rows in" in res.output and "quarantined" in res.output
    rejects = pd.read_csv(target(geo_db).files_dir / "rejects_1.csv", encoding="utf-8-sig")
    assert list(rejects.columns) == ["sheet", "row_no", "field", "value", "code", "message", "message_th"]
    assert sorted(set(rejects["row_no"])) == [3, 4, 5, 6, 7, 8, 14, 15]
    con = connect(geo_db, read_only=True)
    assert con.execute("SELECT imported_by, rows_in FROM import_batches").fetchone() == ("ana", 18)
    con.close()
    again = runner.invoke(app, ["import", str(FIXTURES / "thai_be_utf8.csv"), "--db", str(geo_db), "-q"],
                          catch_exceptions=False)
    assert again.exit_code == 0 and "already imported as batch 1" in again.output


def test_cli_import_of_an_unusable_file_exits_2_with_one_line(geo_db, tmp_path):
    res = runner.invoke(app, ["import", str(FIXTURES / "empty.csv"), "--db", str(geo_db), "-q"],
                        catch_exceptions=False)
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "empty.csv" in lines[0] and "empty" in lines[0]
    out = tmp_path / "r.csv"
    res = runner.invoke(app, ["import", str(FIXTURES / "custom_headers.csv"), "--db", str(geo_db), "-q",
                              "--mapping", str(FIXTURES / "custom_headers.mapping.toml"), "--rejects", str(out)],
                        catch_exceptions=False)
    assert res.exit_code == 0 and "no rejected rows" in res.output


def test_the_office_channel_spelt_as_officers_write_it_imports_as_a_walk_in(con, tmp_path):
    path = tmp_path / "office.csv"
    path.write_text("Date,Type,District,Province,Channel,Reporter type,Details\n"
                    "2024-03-01,drug trafficking,Aranyaprathet,Sa Kaeo,MWCC,citizen,at the counter\n"
                    "2024-03-02,smuggling,Aranyaprathet,Sa Kaeo,walk in,ชรบ.,brought by a volunteer\n"
                    "2024-03-03,illegal migration,Aranyaprathet,Sa Kaeo,ไลน์,citizen,sent on LINE\n",
                    encoding="utf-8")
    r = run(con, path)
    assert (r.imported, r.quarantined) == (3, 0), r
    got = con.execute("SELECT intake_method, reporter_type FROM reports WHERE batch_id = ? ORDER BY source_row",
                      [r.batch_id]).fetchall()
    assert got == [("walk_in", "citizen"), ("walk_in", "volunteer"), ("line", "citizen")]


def area_csv(folder: Path, name: str, rows: list[tuple[str, str, str, str]]) -> Path:
    """A small English CSV of (date, category, district, province) rows, one report each."""
    path = folder / name
    lines = ["Date,Type,District,Province,Details"] + [",".join([*r, f"row {i}"]) for i, r in enumerate(rows, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_officer_importing_rows_of_other_districts_gets_them_quarantined_with_the_reason(con, tmp_path):
    from ntswatch_geo.scope import Scope

    path = area_csv(tmp_path, "mixed.csv", [("2024-03-01", "drug trafficking", "Aranyaprathet", "Sa Kaeo"),
                                             ("2024-03-02", "smuggling", "Si Mueang Mai", "Ubon Ratchathani"),
                                             ("2024-03-03", "smuggling", "Khlong Hat", "Sa Kaeo")])
    r = run(con, path, scope=Scope("district_officer", province_code="27", district_code="2706"))
    assert (r.rows_in, r.imported, r.quarantined) == (3, 1, 2), r
    got = outcomes(con, r.batch_id)
    assert got[1] == imp("2706") and got[2] == q("outside_scope") and got[3] == q("outside_scope")
    msg = con.execute("SELECT reasons_json FROM quarantine WHERE batch_id = ? AND row_no = 2", [r.batch_id]).fetchone()[0]
    reason = json.loads(msg)[0]
    assert reason["field"] == "district" and "Si Mueang Mai" in reason["message"]
    assert "Aranyaprathet (2706) only" in reason["message"] and "อรัญประเทศ" in reason["message_th"]


def test_a_governor_may_import_any_district_of_the_province_and_none_outside(con, tmp_path):
    from ntswatch_geo.scope import Scope

    path = area_csv(tmp_path, "gov.csv", [("2024-04-01", "drug trafficking", "Aranyaprathet", "Sa Kaeo"),
                                           ("2024-04-02", "smuggling", "Khlong Hat", "Sa Kaeo"),
                                           ("2024-04-03", "smuggling", "Mueang Trat", "Trat")])
    r = run(con, path, scope=Scope("governor", province_code="27"))
    assert (r.imported, r.quarantined) == (2, 1), r


def test_cli_import_as_an_unknown_account_is_refused_and_as_an_officer_takes_the_officers_scope(
        geo_db, users_file, monkeypatch, tmp_path):
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    res = runner.invoke(app, ["import", str(FIXTURES / "thai_be_utf8.csv"), "--db", str(geo_db), "--as", "nobody"])
    assert res.exit_code == 2 and "--as" in res.output and "not a user" in res.output
    path = area_csv(tmp_path, "two.csv", [("2024-03-01", "smuggling", "Aranyaprathet", "Sa Kaeo"),
                                           ("2024-03-02", "smuggling", "Mueang Trat", "Trat")])
    res = runner.invoke(app, ["import", str(path), "--db", str(geo_db), "--as", "off2706", "-q"])
    assert res.exit_code == 0, res.output
    c = connect(geo_db, read_only=True)
    try:
        assert c.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
        assert c.execute("SELECT imported_by FROM import_batches").fetchone()[0] == "off2706"
    finally:
        c.close()
