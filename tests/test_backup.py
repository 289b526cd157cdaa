"""`ntswatch backup` / `ntswatch restore`: a consistent owner-only copy, a restore that can never replay a stale
WAL and keeps what it replaced, refusals of files that are not ours (one line, exit 2, live bytes unchanged)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

from ntswatch_geo import audit, privacy
from ntswatch_geo.backup import backup, restore
from ntswatch_geo.cli import app
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.reports.submit import submit_report
from ntswatch_geo.scope import Scope

runner = CliRunner()
SECRET = "SOMCHAI-UNIQUE-NAME-4471"


def add_report(con, day: int, name: str = "ผู้แจ้ง") -> int:
    res = submit_report(con, {"category": "drug_trafficking", "occurred_date": dt.date(2016, 1, 1) + dt.timedelta(days=day),
                              "province": "27", "district": "2706", "description": f"report {day}",
                              "contact_name": name, "contact_phone": "0812345678", "contact_consent": True},
                        channel="mwcc_office", actor="off2706", now=dt.datetime(2026, 11, 1, 9, 0))
    assert res.ok, res.errors
    return res.report_id


@pytest.fixture
def live(demo_db, tmp_path):
    path = tmp_path / "live" / "ntswatch.duckdb"
    path.parent.mkdir()
    shutil.copy(demo_db, path)
    con = connect(path)
    add_report(con, 1)
    con.close()
    return path


def snapshot(path) -> dict[str, list]:
    """Every user table's rows (sorted), geometry as WKB, read without changing the file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        from ntswatch_geo.db import load_spatial

        load_spatial(con)
        out = {}
        for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                "ORDER BY 1").fetchall():
            cols = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
                               "AND table_name = ? ORDER BY column_index", [t]).fetchall()
            sel = ", ".join(f'ST_AsWKB("{c}")' if ty.startswith("GEOMETRY") else f'"{c}"' for c, ty in cols)
            out[t] = sorted(con.execute(f'SELECT {sel} FROM "{t}"').fetchall(), key=repr)
        out["_sequences"] = con.execute("SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1").fetchall()
        return out
    finally:
        con.close()


def without_audit_log(snap: dict) -> dict:
    """The snapshot without the audit log and its sequence (a restore adds its own entry)."""
    out = {k: v for k, v in snap.items() if k != "audit_log"}
    out["_sequences"] = [s for s in snap["_sequences"] if s[0] != "audit_log_id_seq"]
    return out


def kill_mid_write(path, sql: str) -> None:
    """Another process writes `sql` and dies without a checkpoint (kill -9): the change is only in <db>.wal."""
    subprocess.run([sys.executable, "-c", "import duckdb, os, sys; c = duckdb.connect(sys.argv[1]); "
                    "c.execute(sys.argv[2]); os._exit(0)", str(path), sql], check=True)
    assert os.path.exists(f"{path}.wal")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def one_line_error(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error:"), res.output
    assert "Traceback" not in res.output
    return lines[0]


# -- backup ------------------------------------------------------------------------------------------------

def test_backup_writes_an_owner_only_copy_equal_to_the_live_data_and_says_its_size_and_reports(live, tmp_path):
    expected = snapshot(live)
    out = tmp_path / "backups" / "b1.duckdb"
    old = os.umask(0o022)
    try:
        res = runner.invoke(app, ["backup", str(out), "--db", str(live)])
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    n = expected["reports"].__len__()
    assert f"{n:,} reports" in res.output and "MB" in res.output
    assert mode(out) == 0o600 and not os.path.exists(f"{out}.wal")
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]        # no temporary file left
    got = snapshot(out)
    assert got == expected
    con = connect(live)
    entry = audit.events(con, action="backup")
    con.close()
    assert len(entry) == 1 and entry.iloc[0].object_id == "b1.duckdb"


def test_backup_includes_what_only_the_wal_held(live, tmp_path):
    kill_mid_write(live, "UPDATE reports SET description = 'changed after a crash' WHERE NOT is_synthetic")
    out = tmp_path / "b.duckdb"
    backup(live, out)
    con = duckdb.connect(str(out), read_only=True)
    assert con.execute("SELECT description FROM reports WHERE NOT is_synthetic").fetchall() == [
        ("changed after a crash",)]
    con.close()


def test_backup_refuses_to_overwrite_unless_forced(live, tmp_path):
    out = tmp_path / "b.duckdb"
    out.write_bytes(b"an older backup")
    assert "add --force" in one_line_error(runner.invoke(app, ["backup", str(out), "--db", str(live)]))
    assert out.read_bytes() == b"an older backup"
    res = runner.invoke(app, ["backup", str(out), "--force", "--db", str(live)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[8:12] == b"DUCK" and mode(out) == 0o600
    assert "live database" in one_line_error(runner.invoke(app, ["backup", str(live), "--force", "--db", str(live)]))


def test_a_backup_holds_no_trace_of_a_redacted_value_that_lingers_in_the_live_file(live, tmp_path):
    con = connect(live)
    rid = add_report(con, 2, name=SECRET)
    con.execute("CHECKPOINT")
    assert SECRET.encode() in live.read_bytes()
    assert privacy.redact(con, rid, version=1, reason="asked", scope=Scope("admin", username="root")).ok
    con.close()
    assert SECRET.encode() in live.read_bytes()        # DuckDB leaves freed blocks as they were
    out = tmp_path / "b.duckdb"
    backup(live, out)
    assert SECRET.encode() not in out.read_bytes()


# -- restore -----------------------------------------------------------------------------------------------

def test_restore_round_trip_with_a_stale_wal_restores_exactly_the_backup(live, tmp_path):
    out = tmp_path / "b.duckdb"
    backup(live, out)
    expected = snapshot(out)
    con = connect(live)
    later = add_report(con, 3)                              # written after the backup
    con.close()
    kill_mid_write(live, "DELETE FROM reports WHERE is_synthetic")   # and a crash leaves a WAL beside the db
    res = runner.invoke(app, ["restore", str(out), "--db", str(live)])
    assert res.exit_code == 0, res.output
    assert "kept as" in res.output
    assert not os.path.exists(f"{live}.wal")
    got = snapshot(live)
    assert without_audit_log(got) == without_audit_log(expected)      # the WAL's delete was not replayed
    assert [r[5] for r in got["audit_log"] if r not in expected["audit_log"]] == ["restore"]
    kept = sorted(p for p in live.parent.iterdir() if ".before-restore-" in p.name)
    assert [p.name for p in kept] == [kept[0].name, kept[0].name + ".wal"]     # the replaced file and its WAL
    assert mode(kept[0]) == mode(kept[1]) == 0o600
    con = duckdb.connect(str(kept[0]), read_only=True)      # nothing lost: the replaced data is kept, WAL too
    assert con.execute("SELECT count(*) FROM reports WHERE id = ?", [later]).fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM reports WHERE is_synthetic").fetchone()[0] == 0
    con.close()
    assert mode(live) == 0o600


def test_a_stale_wal_that_is_not_the_live_files_own_is_moved_aside_never_replayed(live, tmp_path):
    out = tmp_path / "b.duckdb"
    backup(live, out)
    expected = snapshot(out)
    # the accident of issue 11: a WAL written against the backup's contents, left beside the live file
    other = tmp_path / "other" / "ntswatch.duckdb"
    other.parent.mkdir()
    shutil.copy(out, other)
    kill_mid_write(other, "DELETE FROM reports")
    plain = tmp_path / "plain" / "ntswatch.duckdb"        # copying the backup over the file would replay it
    plain.parent.mkdir()
    shutil.copy(out, plain)
    shutil.copy(f"{other}.wal", f"{plain}.wal")
    c = duckdb.connect(str(plain), read_only=True)
    assert c.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
    c.close()
    shutil.copy(f"{other}.wal", f"{live}.wal")
    res = restore(live, out)
    assert not os.path.exists(f"{live}.wal")
    got = snapshot(live)
    assert res.stale_wal and without_audit_log(got) == without_audit_log(expected)
    assert len(got["reports"]) > 20_000


def test_restore_into_a_missing_database_creates_it(live, tmp_path):
    out = tmp_path / "b.duckdb"
    backup(live, out)
    fresh = tmp_path / "new" / "ntswatch.duckdb"
    res = restore(fresh, out)
    assert res.kept_as is None and res.reports == len(snapshot(out)["reports"]) and mode(fresh) == 0o600


# -- refusals ----------------------------------------------------------------------------------------------

def _text(tmp_path):
    p = tmp_path / "notes.duckdb"
    p.write_text("not a database\n" * 100)
    return p


def _truncated(tmp_path, live):
    p = tmp_path / "half.duckdb"
    p.write_bytes(live.read_bytes()[: 300_000])
    return p


def _corrupt(tmp_path, live):
    p = tmp_path / "corrupt.duckdb"
    backup(live, p)
    data = bytearray(p.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 65536] = bytes(65536)
    p.write_bytes(bytes(data))
    return p


def _foreign(tmp_path, live):
    p = tmp_path / "foreign.duckdb"
    c = duckdb.connect(str(p))
    c.execute("CREATE TABLE invoices (id INTEGER, amount DOUBLE)")
    c.close()
    return p


def _other_project(tmp_path, live):
    p = tmp_path / "other.duckdb"
    c = duckdb.connect(str(p))
    c.execute("CREATE TABLE schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMP)")
    c.execute("INSERT INTO schema_migrations VALUES (1, '001_customers', now())")
    c.close()
    return p


def _newer(tmp_path, live):
    p = tmp_path / "newer.duckdb"
    backup(live, p)
    c = duckdb.connect(str(p))
    c.execute("INSERT INTO schema_migrations (version, name) VALUES (999, '999_from_the_future')")
    c.close()
    return p


def _with_wal(tmp_path, live):
    p = tmp_path / "copied.duckdb"
    backup(live, p)
    kill_mid_write(p, "DELETE FROM reports WHERE id < 10")
    return p


@pytest.mark.parametrize("make, says", [
    (lambda tmp, live: _text(tmp), "not a DuckDB database file"),
    (_truncated, "cannot be opened as a DuckDB database"),
    (_corrupt, "the file is damaged"),
    (_foreign, "not an NTS-Mekong Watch database (no schema_migrations"),
    (_other_project, "migration 1 is '001_customers'"),
    (_newer, "made by a newer version of this software (schema 999"),
    (_with_wal, "write-ahead log beside it"),
    (lambda tmp, live: tmp / "missing.duckdb", "no such file"),
], ids=["text", "truncated", "corrupt", "foreign", "other-project", "newer", "with-wal", "missing"])
def test_restore_refuses_a_file_that_is_not_a_good_backup_in_one_line_and_leaves_the_live_file(live, tmp_path,
                                                                                            make, says):
    src = make(tmp_path, live)
    before = live.read_bytes()
    res = runner.invoke(app, ["restore", str(src), "--db", str(live)])
    assert says in one_line_error(res)
    assert live.read_bytes() == before
    assert sorted(p.name for p in live.parent.iterdir()) == ["ntswatch.duckdb"]     # no temp, no kept copy


# -- the database in use -------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["backup", "{tmp}/b.duckdb"], ["restore", "{backup}"], ["purge"],
                                  ["purge", "--dry-run"], ["audit"]], ids=lambda a: " ".join(a))
def test_with_the_database_in_use_each_command_says_so_in_one_line_and_exits_2(live, tmp_path, args):
    good = tmp_path / "good.duckdb"
    backup(live, good)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(120)", str(live)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        before = live.read_bytes()
        args = [a.replace("{tmp}", str(tmp_path)).replace("{backup}", str(good)) for a in args]
        line = one_line_error(runner.invoke(app, args + ["--db", str(live)]))
        assert "in use by another process" in line and f"PID {holder.pid}" in line
        assert live.read_bytes() == before
        assert not (tmp_path / "b.duckdb").exists()
        assert not [p for p in live.parent.iterdir() if p.name != "ntswatch.duckdb" and not p.name.endswith(".wal")]
    finally:
        holder.kill()
        holder.wait()


def test_the_package_functions_raise_input_errors_not_tracebacks(live, tmp_path):
    with pytest.raises(InputError, match="no database"):
        backup(tmp_path / "none.duckdb", tmp_path / "b.duckdb")
    with pytest.raises(InputError, match="that is the live database"):
        restore(live, live)
