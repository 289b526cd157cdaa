"""Importing a workbook sheet by sheet: what was imported is kept per (file SHA-256, sheet), so an officer who
imported one month's sheet can import the same file again for the others, and nothing is ever imported twice;
CSV and GeoJSON files keep the whole-file rule. Every import run is one batch and one audit entry (counts,
never a row's values). A database from before migration 012 keeps its batches and their promises.
On a real geography database, through the package, `ntswatch import` and the Data page.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ntswatch_geo import db as dbmod
from ntswatch_geo.cli import app
from ntswatch_geo.db import _migrations, connect
from ntswatch_geo.reports import importer
from ntswatch_geo.reports.importer import AlreadySheet, import_file
from ntswatch_geo.scope import Scope
from ntswatch_geo.text import plain
from test_import_workbook import (DEC, DEC_ROWS, EXPECTED, HIDDEN, NOV, NOV_ROWS, NOW, counts, data_page_with,
                                  office_workbook)

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
LATER = NOW + dt.timedelta(hours=2)
OFFICER = Scope("district_officer", "27", "2706", "off2706")
TABLES = ("reports", "quarantine", "audit_events", "import_batches", "import_batch_sheets", "audit_log")



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
    for table in TABLES:
        module_con.execute(f"DELETE FROM {table}")
    return module_con


@pytest.fixture
def workbook(tmp_path) -> Path:
    return office_workbook(tmp_path / "รายงานอรัญ_พย-ธค68.xlsx")


def stored(con) -> tuple:
    """(reports by sheet, quarantine rows, batches, sheet rows): what the database holds of the imports."""
    return (dict(con.execute("SELECT source_sheet, count(*) FROM reports GROUP BY 1").fetchall()),
            con.execute("SELECT count(*) FROM quarantine").fetchone()[0],
            con.execute("SELECT count(*) FROM import_batches").fetchone()[0],
            sorted(con.execute("SELECT sheet, batch_id FROM import_batch_sheets").fetchall()))


def audit_entries(con) -> list[tuple]:
    rows = con.execute("SELECT actor, role, client, action, object_type, object_id, detail FROM audit_log "
                       "WHERE action = 'import' ORDER BY id").fetchall()
    return [(*r[:6], json.loads(r[6])) for r in rows]


# -- the package ---------------------------------------------------------------------------------------------


def test_importing_one_sheet_then_the_whole_workbook_imports_only_the_others_and_says_which_were_imported(
        con, workbook):
    first = import_file(con, workbook, actor="off2706", now=NOW, sheets=[NOV])
    assert [s.sheet for s in first.sheets] == [NOV] and counts(first) == EXPECTED[NOV] and not first.already_sheets

    second = import_file(con, workbook, actor="root", now=LATER)
    assert not second.already_imported and second.batch_id != first.batch_id
    assert [s.sheet for s in second.sheets] == [DEC] and counts(second) == EXPECTED[DEC]
    assert second.already_sheets == [AlreadySheet(NOV, first.batch_id, workbook.name, NOW, "off2706")]
    assert second.message == (f"sheet already imported: '{NOV}' (batch {first.batch_id}, 2026-01-10 09:00 by "
                              "off2706); not imported again")
    assert [(i.sheet, i.reason) for i in second.ignored_sheets] == [(HIDDEN, "hidden")]
    # the same rows as one import of the whole file: duplicates stored (flagged), the bad rows in quarantine
    assert stored(con) == ({NOV: 6, DEC: 2}, 2, 2, sorted([(NOV, first.batch_id), (DEC, second.batch_id)]))

    # rows_in = imported + quarantined + duplicates + skipped: per sheet, and per batch over its sheets
    per_sheet = con.execute("SELECT sheet, rows_in, imported, quarantined, duplicates, skipped "
                            "FROM import_batch_sheets").fetchall()
    assert {s: tuple(c) for s, *c in per_sheet} == EXPECTED
    assert all(r == i + q + d + s for _, r, i, q, d, s in per_sheet)
    assert con.execute("""SELECT count(*) FROM import_batches b
                          JOIN (SELECT batch_id, sum(rows_in) r, sum(imported) i, sum(quarantined) q,
                                       sum(duplicates) d, sum(skipped) s FROM import_batch_sheets GROUP BY 1) x
                            ON x.batch_id = b.batch_id
                          WHERE b.rows_in = x.r AND b.imported = x.i AND b.quarantined = x.q
                            AND b.duplicates = x.d AND b.skipped = x.s
                            AND b.rows_in = b.imported + b.quarantined + b.duplicates + b.skipped""").fetchone()[0] == 2


def test_the_same_import_again_adds_nothing_and_names_every_sheet_imported_before(con, workbook):
    first = import_file(con, workbook, actor="off2706", now=NOW, sheets=[NOV])
    second = import_file(con, workbook, actor="root", now=LATER)
    before = stored(con)
    for chosen in (None, [DEC], [NOV, DEC]):
        again = import_file(con, workbook, actor="off2706", now=LATER, sheets=chosen)
        assert again.already_imported and counts(again) == (0, 0, 0, 0, 0) and again.sheets == []
        assert again.batch_id == (first.batch_id if chosen != [DEC] else second.batch_id)
        assert again.message.endswith("; nothing added")
        assert stored(con) == before
    again = import_file(con, workbook, actor="off2706", now=LATER)
    assert [(a.sheet, a.batch_id, a.imported_by) for a in again.already_sheets] == [
        (NOV, first.batch_id, "off2706"), (DEC, second.batch_id, "root")]
    assert again.message == (f"sheets already imported: '{NOV}' (batch {first.batch_id}, 2026-01-10 09:00 by "
                             f"off2706); '{DEC}' (batch {second.batch_id}, 2026-01-10 11:00 by root); nothing added")


def test_choosing_an_imported_sheet_and_a_new_one_imports_only_the_new_one(con, workbook):
    first = import_file(con, workbook, actor="off2706", now=NOW, sheets=[NOV])
    res = import_file(con, workbook, actor="off2706", now=LATER, sheets=[NOV, HIDDEN])
    assert [s.sheet for s in res.sheets] == [HIDDEN] and counts(res) == (2, 1, 0, 0, 1)
    assert [(a.sheet, a.batch_id) for a in res.already_sheets] == [(NOV, first.batch_id)]
    assert stored(con)[0] == {NOV: 6, HIDDEN: 1}


def test_a_summary_sheet_left_over_makes_a_re_import_say_already_imported_not_an_error(con, tmp_path):
    path = office_workbook(tmp_path / "with_summary.xlsx", summary=True)
    first = import_file(con, path, actor="off2706", now=NOW)
    assert counts(first) == (13, 7, 2, 1, 3)
    again = import_file(con, path, actor="off2706", now=LATER)
    assert again.already_imported and again.batch_id == first.batch_id
    assert [a.sheet for a in again.already_sheets] == [NOV, DEC]
    assert {i.sheet: i.reason for i in again.ignored_sheets} == {HIDDEN: "hidden", "สรุป": "unusable"}
    assert stored(con)[2] == 1


def test_a_csv_and_a_geojson_file_are_imported_once_as_a_whole(con):
    for name in ("thai_be_utf8.csv", "points.geojson"):
        first = import_file(con, FIXTURES / name, actor="off2706", now=NOW)
        again = import_file(con, FIXTURES / name, actor="root", now=LATER)
        assert again.already_imported and again.batch_id == first.batch_id and again.already_sheets == []
        assert again.message == (f"already imported as batch {first.batch_id} ({name}, 2026-01-10 09:00 by "
                                 "off2706); nothing added")
        sha = hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest()
        assert con.execute("SELECT sheet, batch_id FROM import_batch_sheets WHERE file_sha256 = ?",
                           [sha]).fetchall() == [("", first.batch_id)]
    assert stored(con)[2] == 2


def test_the_key_refuses_a_sheet_imported_twice_even_past_the_check(con, workbook, monkeypatch):
    """Two imports of one file at once: the second's check saw nothing; the key (file, sheet) stops it, and
    it then imports what the first left (here: nothing)."""
    first = import_file(con, workbook, actor="off2706", now=NOW)
    real = importer._imported_parts
    calls = []

    def blind_once(c, sha):
        calls.append(sha)
        return {} if len(calls) == 1 else real(c, sha)

    monkeypatch.setattr(importer, "_imported_parts", blind_once)
    again = import_file(con, workbook, actor="root", now=LATER)
    assert again.already_imported and again.batch_id == first.batch_id and len(calls) >= 2
    assert stored(con) == ({NOV: 6, DEC: 2}, 2, 1, sorted([(NOV, first.batch_id), (DEC, first.batch_id)]))
    assert len(audit_entries(con)) == 1


# -- the audit trail -----------------------------------------------------------------------------------------


def test_every_import_is_in_the_audit_trail_with_its_counts_and_no_row_values(con, workbook):
    first = import_file(con, workbook, actor="off2706", now=NOW, sheets=[NOV], scope=OFFICER, client="10.1.2.3")
    second = import_file(con, workbook, actor="off2706", now=LATER, scope=OFFICER, client="10.1.2.3")
    import_file(con, workbook, actor="off2706", now=LATER, scope=OFFICER)       # nothing added: no batch
    entries = audit_entries(con)
    assert [e[:6] for e in entries] == [
        ("off2706", "district_officer", "10.1.2.3", "import", "import_batch", str(first.batch_id)),
        ("off2706", "district_officer", "10.1.2.3", "import", "import_batch", str(second.batch_id))]
    d1, d2 = entries[0][6], entries[1][6]
    assert d1 == {"file_name": workbook.name, "file_format": "xlsx", "rows_in": 9, "imported": 5,
                  "quarantined": 1, "duplicates": 1, "skipped": 2, "already_imported_sheets": [],
                  "sheets": [{"sheet": NOV, "rows_in": 9, "imported": 5, "quarantined": 1, "duplicates": 1,
                              "skipped": 2}]}
    assert d2["already_imported_sheets"] == [NOV] and [s["sheet"] for s in d2["sheets"]] == [DEC]
    assert (d2["rows_in"], d2["imported"], d2["quarantined"], d2["duplicates"], d2["skipped"]) == EXPECTED[DEC]
    assert con.execute("SELECT logged_at FROM audit_log ORDER BY id").fetchall() == [(NOW,), (LATER,)]
    text = " ".join(con.execute("SELECT detail FROM audit_log").fetchall()[i][0] for i in range(2))
    personal = {row[i] for row in NOV_ROWS + DEC_ROWS if row for i in (3, 4, 8) if i < len(row) and row[i]}
    assert "นายสมชาย" in personal and not [v for v in personal if v in text], "a row's value is in the audit trail"


def test_a_failed_import_leaves_no_audit_entry(con, workbook, monkeypatch):
    real = importer.run_query

    def failing(c, name, params=None):
        if name == "intake_insert_batch":
            raise RuntimeError("disk full")
        return real(c, name, params)

    monkeypatch.setattr(importer, "run_query", failing)
    with pytest.raises(RuntimeError):
        import_file(con, workbook, actor="off2706", now=NOW)
    assert stored(con) == ({}, 0, 0, []) and audit_entries(con) == []


def test_without_a_scope_the_role_given_goes_in_the_audit_trail(con, workbook):
    res = import_file(con, workbook, actor="cli:admin", role="admin", now=NOW, sheets=[DEC])
    assert audit_entries(con)[0][:6] == ("cli:admin", "admin", None, "import", "import_batch", str(res.batch_id))


# -- a database from before migration 012 --------------------------------------------------------------------


def old_database(path: Path, geography, monkeypatch):
    """A database built by the migrations up to 011 (file SHA-256 unique per batch), with the geography and
    three batches as that version stored them: a CSV, a workbook before sheets were counted (011 added
    sheets_json) and a workbook of which one sheet was imported."""
    from ntswatch_geo.geography import write_geography

    upto_011 = [m for m in dbmod._migrations() if m[0] <= 11]
    with monkeypatch.context() as m:
        m.setattr(dbmod, "_migrations", lambda: upto_011)
        con = connect(path)
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 11
    write_geography(con, geography)
    return con


def _insert_011_batch(con, file: Path, fmt: str, at: dt.datetime, sheets_json, counts_):
    con.execute("""INSERT INTO import_batches (file_name, file_sha256, file_format, encoding, mapping_json,
                                               imported_by, imported_at, rows_in, imported, quarantined,
                                               duplicates, skipped, sheets_json)
                   VALUES (?, ?, ?, NULL, '{}', 'off2706', ?, ?, ?, ?, ?, ?, ?) RETURNING batch_id""",
                [file.name, hashlib.sha256(file.read_bytes()).hexdigest(), fmt, at, *counts_, sheets_json])


def test_a_database_from_before_012_keeps_its_batches_and_refuses_what_they_imported(
        geography, tmp_path, monkeypatch):
    csv = FIXTURES / "thai_be_utf8.csv"
    old_book = office_workbook(tmp_path / "old.xlsx")
    new_book = office_workbook(tmp_path / "one_sheet.xlsx", summary=True)      # other bytes than old.xlsx
    path = tmp_path / "old.duckdb"
    con = old_database(path, geography, monkeypatch)
    _insert_011_batch(con, csv, "csv", NOW, None, (18, 10, 6, 2, 0))
    _insert_011_batch(con, old_book, "xlsx", NOW, None, (9, 5, 1, 1, 2))
    nov = {"sheet": NOV, "rows_in": 9, "imported": 5, "quarantined": 1, "duplicates": 1, "skipped": 2}
    _insert_011_batch(con, new_book, "xlsx", NOW, json.dumps([nov], ensure_ascii=False), (9, 5, 1, 1, 2))
    with pytest.raises(duckdb.ConstraintException):      # what migration 012 lifts: one batch per file
        _insert_011_batch(con, csv, "csv", NOW, None, (0, 0, 0, 0, 0))
    batches = con.execute("SELECT * FROM import_batches ORDER BY batch_id").fetchall()
    con.close()

    con = connect(path)                                  # migration 012 applies
    try:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == _migrations()[-1][0] >= 12
        assert con.execute("SELECT * FROM import_batches ORDER BY batch_id").fetchall() == batches
        assert con.execute("SELECT sheet, batch_id, rows_in, imported, quarantined, duplicates, skipped "
                           "FROM import_batch_sheets ORDER BY batch_id").fetchall() == [
            ("", 1, 18, 10, 6, 2, 0), ("", 2, 9, 5, 1, 1, 2), (NOV, 3, 9, 5, 1, 1, 2)]

        again = import_file(con, csv, actor="root", now=LATER)
        assert again.already_imported and again.batch_id == 1 and "already imported as batch 1" in again.message
        for chosen in (None, [DEC]):                     # which sheets that batch imported is not known: all
            again = import_file(con, old_book, actor="root", now=LATER, sheets=chosen)
            assert again.already_imported and again.batch_id == 2 and counts(again) == (0, 0, 0, 0, 0)
        res = import_file(con, new_book, actor="root", now=LATER)
        assert [s.sheet for s in res.sheets] == [DEC] and counts(res) == EXPECTED[DEC] and res.batch_id > 3
        assert [(a.sheet, a.batch_id) for a in res.already_sheets] == [(NOV, 3)]
        assert con.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 4
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 2
    finally:
        con.close()


# -- the command line and the Data page ----------------------------------------------------------------------

runner = CliRunner()


def test_cli_says_in_one_line_which_sheets_were_imported_before(geo_db, workbook):
    first = runner.invoke(app, ["import", str(workbook), "--sheet", NOV, "--db", str(geo_db), "-q"],
                          catch_exceptions=False)
    assert first.exit_code == 0 and "already" not in first.output, first.output
    second = runner.invoke(app, ["import", str(workbook), "--db", str(geo_db), "-q"], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    lines = [line for line in second.output.splitlines() if "already imported" in line]
    assert len(lines) == 1 and f"'{NOV}' (batch 1, " in lines[0] and lines[0].endswith("not imported again")
    assert "batch 2" in second.output and DEC in second.output          # the table of what was imported
    third = runner.invoke(app, ["import", str(workbook), "--db", str(geo_db), "-q"], catch_exceptions=False)
    out = [line for line in third.output.splitlines() if line.strip()]
    assert third.exit_code == 0 and len(out) == 1
    assert f"'{NOV}' (batch 1, " in out[0] and f"'{DEC}' (batch 2, " in out[0] and out[0].endswith("nothing added")
    con = connect(geo_db, read_only=True)
    try:
        assert con.execute("SELECT object_id, role FROM audit_log WHERE action = 'import' ORDER BY id").fetchall() \
            == [("1", None), ("2", None)]
        assert con.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 2
    finally:
        con.close()


@pytest.fixture
def app_db(geo_db, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(geo_db))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    return geo_db


def test_the_data_page_imports_the_sheets_left_and_names_the_ones_imported_before(app_db, workbook):
    con = connect(app_db)
    first = import_file(con, workbook, actor="off2706", now=NOW, sheets=[NOV], scope=OFFICER)
    con.close()
    at = data_page_with(workbook)
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Rows in"] == "4"
    said = [i.value for i in at.info if "Imported before" in i.value]
    assert said == [f"Imported before, so not imported again: {plain(NOV)} (batch {first.batch_id}, 10 Jan 2026 09:00, "
                    "by off2706)."]           # the sheet's name as literal text (text.plain)
    next(b for b in at.button if b.label == "Import").click().run()
    assert any(i.value.startswith("Every chosen sheet of this file was imported before, so nothing was added: ")
               for i in at.info)
    con = connect(app_db)
    try:
        assert con.execute("SELECT actor, role, object_type FROM audit_log WHERE action = 'import' "
                           "ORDER BY id").fetchall() == [("off2706", "district_officer", "import_batch")] * 2
        assert con.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 2
    finally:
        con.close()
