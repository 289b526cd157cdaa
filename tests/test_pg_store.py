"""The PostgreSQL store (issue 13): roles and row-level security tried in SQL below the app, concurrent writers
from separate processes, two officers deciding one report from two processes, the public intake role."""
from __future__ import annotations

import datetime as dt
import multiprocessing as mp

import psycopg
import pytest

from ntswatch_geo import verification as vq
from ntswatch_geo.db import connect
from ntswatch_geo.pg import roles
from ntswatch_geo.reports import guard as gd
from ntswatch_geo.reports.submit import submit_report
from ntswatch_geo.scope import Scope

NOW = dt.datetime(2026, 11, 5, 10, 0)
GOVERNOR = Scope("governor", province_code="48", username="gov48")          # Nakhon Phanom
OFFICER = Scope("district_officer", province_code="48", district_code="4804", username="off4804")


@pytest.fixture
def demo_pg(pg_templates, request):
    """A fresh copy of the PostgreSQL demo database (20,000 reports, roles recorded); its URL as the owner."""
    import pg_support
    name = pg_support.create_database(pg_templates, None, template="demo_template")
    yield pg_templates.url(database=name)
    pg_support.drop_database(pg_templates, name)


def as_role(url: str, role: str) -> str:
    return roles.url_as(url, role)


def report_fields(i: int, district: str = "บ้านแพง", province: str = "นครพนม") -> dict:
    return {"category": "ยาบ้า", "occurred_date": f"{1 + i % 28:02d}/10/2569", "province": province,
            "district": district, "description": f"รายงานทดสอบหมายเลข {i} เรือข้ามโขงกลางดึก", "contact_consent": False}


# -- roles, tried in SQL -------------------------------------------------------------------------------------


def test_the_public_intake_role_cannot_read_reports_in_sql(demo_pg):
    with psycopg.connect(as_role(demo_pg, roles.PUBLIC), autocommit=True) as con:
        for q in ("SELECT * FROM public.reports", "SELECT count(*) FROM public.reports",
                  "SELECT description, contact_phone FROM public.reports WHERE id = 1",
                  "SELECT * FROM reports_incoming", "UPDATE public.reports SET status = 'verified'",
                  "DELETE FROM public.reports", "SELECT * FROM audit_events", "SELECT * FROM sessions"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(q)
        # the narrow view carries no contact, no name, no place text, no old description
        cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_schema = 'intake' AND table_name = 'reports'")}
        assert not cols & {"contact_name", "contact_phone", "place_text", "officer", "forwarded_to"}
        assert con.execute("SELECT count(*) FROM intake.reports WHERE description IS NOT NULL").fetchone()[0] == 0
        # the demo's reports were all received before the last 30 days: none shows its point
        assert con.execute("SELECT count(*), count(lat) FROM intake.reports").fetchone() == (21_500, 0)
        # and it cannot become a wider role
        for q in ("SET ROLE ntswatch_dashboard", "SET ROLE ntswatch_scope_all",
                  "SELECT set_config('role', 'ntswatch_scope_all', false)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(q)


def test_the_public_intake_role_adds_online_reports_only(demo_pg):
    with psycopg.connect(as_role(demo_pg, roles.PUBLIC), autocommit=True) as con:
        row = ("NTS-X-1", dt.date(2026, 10, 1), "day", NOW, "drugs", "{channel}", "district", "4804", "48", "{status}",
               "web")
        sql = ("INSERT INTO public.reports (ref_no, occurred_date, occurred_precision, received_at, category, channel, "
               "location_precision, district_code, province_code, status, source) VALUES "
               "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
        for channel, status in (("mwcc_office", "new"), ("online", "verified"), ("import", "new")):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                con.execute(sql, [*row[:5], channel, *row[6:9], status, row[10]])
        con.execute(sql, [*row[:5], "online", *row[6:9], "new", row[10]])     # the one it may add
    with psycopg.connect(demo_pg) as owner:
        assert owner.execute("SELECT count(*) FROM reports WHERE ref_no = 'NTS-X-1'").fetchone()[0] == 1


def test_row_level_security_keeps_a_governors_session_to_the_province_even_with_hand_written_sql(demo_pg):
    with psycopg.connect(demo_pg) as owner:
        total, in48 = owner.execute("SELECT count(*), count(*) FILTER (WHERE province_code = '48') "
                                    "FROM reports").fetchone()
        other = owner.execute("SELECT id FROM reports WHERE province_code <> '48' ORDER BY id LIMIT 1").fetchone()[0]
    assert 0 < in48 < total
    with psycopg.connect(as_role(demo_pg, roles.scope_role(GOVERNOR)), autocommit=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == in48
        assert con.execute("SELECT count(*) FROM reports WHERE province_code <> '48'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM reports WHERE true OR province_code <> '48'").fetchone()[0] == in48
        assert con.execute("SELECT count(*) FROM reports r JOIN districts d ON d.code = r.district_code "
                           "WHERE d.province_code <> '48'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM reports WHERE id = %s", [other]).fetchone()[0] == 0
        # it may not change another province's report, nor move its own out of the province
        assert con.execute("UPDATE reports SET status = 'rejected' WHERE id = %s", [other]).rowcount == 0
        mine = con.execute("SELECT id FROM reports ORDER BY id LIMIT 1").fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute("UPDATE reports SET province_code = '23' WHERE id = %s", [mine])
        # switching roles or settings does not widen it
        for q in ("SET ROLE ntswatch_scope_all", "SELECT set_config('role', 'ntswatch_scope_all', false)",
                  "RESET ROLE; SET SESSION AUTHORIZATION postgres", "ALTER TABLE reports DISABLE ROW LEVEL SECURITY",
                  "DELETE FROM scope_roles", "INSERT INTO scope_roles VALUES ('x', NULL, NULL)"):
            with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.WrongObjectType)):
                con.execute(q)
        con.execute("SELECT set_config('app.scope', 'all', false)")
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == in48


def test_the_dashboard_through_duckdb_sees_only_the_scope_and_a_district_officer_only_the_district(demo_pg):
    with psycopg.connect(demo_pg) as owner:
        in48, in4804 = owner.execute("SELECT count(*) FILTER (WHERE province_code = '48'), "
                                     "count(*) FILTER (WHERE district_code = '4804') FROM reports").fetchone()
    gov = connect(as_role(demo_pg, roles.scope_role(GOVERNOR)))
    off = connect(as_role(demo_pg, roles.scope_role(OFFICER)))
    app = connect(as_role(demo_pg, roles.APP))
    try:
        # the same macro the pages use, called with no scope at all: the database still applies it
        q = ("SELECT count(*), count(DISTINCT province_code) FROM filtered_reports(DATE '2000-01-01', "
             "DATE '2100-01-01', [], [], [], false, [], [], NULL, NULL)")
        stats = "('duplicate', 'suspected_spam', 'spam')"
        with psycopg.connect(demo_pg) as owner:
            want48 = owner.execute(f"SELECT count(*) FROM reports WHERE province_code = '48' AND status NOT IN {stats}"
                                   ).fetchone()[0]
        assert gov.execute(q).fetchone() == (want48, 1)
        assert gov.execute("SELECT count(*) FROM reports").fetchone()[0] == in48
        assert off.execute("SELECT count(*), min(district_code), max(district_code) FROM reports").fetchone() == (
            in4804, "4804", "4804")
        assert app.execute("SELECT count(*) FROM reports").fetchone()[0] == 0     # before sign-in: nothing
        # the pages' data version, computed on the server: under the same row security
        from ntswatch_geo.ui.data import data_version
        assert data_version(gov)[0] == in48 and data_version(off)[0] == in4804 and data_version(app) == (0, 0, 0)
    finally:
        for c in (gov, off, app):
            c.close()


def test_an_officer_cannot_file_a_report_outside_the_district_even_past_the_app(demo_pg):
    off = connect(as_role(demo_pg, roles.scope_role(OFFICER)))
    try:
        # the app refuses it (scope check) ...
        res = submit_report(off, report_fields(1, district="ท่าอุเทน"), channel="mwcc_office", actor="off4804",
                            now=NOW, scope=OFFICER)
        assert not res.ok and {e.code for e in res.errors} == {"outside_scope"}
        # ... and with the scope check skipped (a bug), the database refuses it, nothing stored
        with pytest.raises(Exception, match="row-level security"):
            submit_report(off, report_fields(2, district="ท่าอุเทน"), channel="mwcc_office", actor="off4804",
                          now=NOW, scope=None)
        ok = submit_report(off, report_fields(3), channel="mwcc_office", actor="off4804", now=NOW, scope=OFFICER)
        assert ok.ok and ok.ref_no.startswith("NTS-2569-")
    finally:
        off.close()
    with psycopg.connect(demo_pg) as owner:
        assert dict(owner.execute("SELECT district_code, count(*) FROM reports WHERE NOT is_synthetic "
                                  "GROUP BY 1").fetchall()) == {"4804": 1}


def test_the_public_form_through_the_intake_role_stores_a_report_checks_duplicates_and_holds_a_flood(demo_pg,
                                                                                                  monkeypatch):
    monkeypatch.setenv("NTSWATCH_CLIENT_KEY", "test-key")
    pub = connect(as_role(demo_pg, roles.PUBLIC))
    now = dt.datetime.now().replace(microsecond=0)     # the intake view shows the last day's texts only
    try:
        assert pub.intake and pub.rls
        first = submit_report(pub, report_fields(1), channel="online", actor="public", now=now, client="192.0.2.1",
                              guard=False)
        again = submit_report(pub, report_fields(1), channel="online", actor="public", now=now, client="192.0.2.2",
                              guard=False)
        assert first.ok and again.ok and again.duplicate_of == first.report_id
        g = gd.IntakeGuard()
        results = [submit_report(pub, report_fields(10 + i), channel="online", actor="public", now=now,
                                 client="203.0.113.66", guard=g) for i in range(30)]
        assert sum(r.ok for r in results) == 10                   # REFUSE_LIMITS: 10 per 10 minutes
    finally:
        pub.close()
    with psycopg.connect(demo_pg) as owner:
        rows = owner.execute("SELECT status, count(*) FROM reports WHERE NOT is_synthetic GROUP BY 1 ORDER BY 1"
                             ).fetchall()
        held_events = owner.execute("SELECT count(*) FROM audit_events WHERE action = 'hold_spam'").fetchone()[0]
    assert dict(rows) == {"duplicate": 1, "new": 1, "suspected_spam": 10}
    assert held_events > 0


# -- concurrency, from separate processes --------------------------------------------------------------------

WRITERS, EACH = 16, 250


def _writer(url: str, w: int, start, out) -> None:
    import os
    os.environ["NTSWATCH_CLIENT_KEY"] = "test-key"
    con = connect(url)
    start.wait()
    ids = []
    for i in range(EACH):
        res = submit_report(con, report_fields(w * EACH + i), channel="online", actor="public",
                            now=NOW + dt.timedelta(seconds=i), client=f"198.51.100.{w}", guard=False)
        assert res.ok, res.errors
        ids.append(res.report_id)
    con.close()
    out.put(ids)


@pytest.mark.slow
def test_sixteen_writer_processes_store_four_thousand_submissions_once_each(demo_pg):
    ctx = mp.get_context("spawn")
    start, out = ctx.Barrier(WRITERS), ctx.Queue()
    url = as_role(demo_pg, roles.PUBLIC)
    procs = [ctx.Process(target=_writer, args=(url, w, start, out)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    got = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    ids = [i for chunk in got for i in chunk]
    assert len(ids) == len(set(ids)) == WRITERS * EACH
    with psycopg.connect(demo_pg) as owner:
        n, refs, distinct_ids, created = owner.execute(
            "SELECT count(*), count(DISTINCT ref_no), count(DISTINCT id), "
            "(SELECT count(*) FROM audit_events WHERE action = 'created') FROM reports WHERE channel = 'online' "
            "AND NOT is_synthetic").fetchone()
    assert n == refs == distinct_ids == created == WRITERS * EACH


def _decide(url: str, scope: Scope, report_id: int, version: int, start, out) -> None:
    con = connect(url)
    start.wait()
    res = vq.act(con, scope, report_id, "verify", version, note=f"by {scope.username}")
    con.close()
    out.put((scope.username, res.ok, res.code))


def test_two_officers_deciding_one_report_from_two_processes_one_wins_one_is_told(demo_pg):
    other = Scope("district_officer", province_code="48", district_code="4804", username="off4804b")
    con = connect(as_role(demo_pg, roles.scope_role(OFFICER)))
    r = vq.queue(con, OFFICER).iloc[0]
    con.close()
    ctx = mp.get_context("spawn")
    for attempt in range(3):        # the race is real: either order must give one win and one conflict
        start, out = ctx.Barrier(2), ctx.Queue()
        url = as_role(demo_pg, roles.scope_role(OFFICER))
        procs = [ctx.Process(target=_decide, args=(url, s, int(r.id), int(r.version), start, out))
                 for s in (OFFICER, other)]
        for p in procs:
            p.start()
        results = sorted(out.get(timeout=120) for _ in procs)
        for p in procs:
            p.join(timeout=30)
        oks = [ok for _, ok, _ in results]
        assert sorted(oks) == [False, True], results
        assert [code for _, ok, code in results if not ok] == ["conflict"]
        with psycopg.connect(demo_pg) as owner:
            status, version = owner.execute("SELECT status, version FROM reports WHERE id = %s",
                                            [int(r.id)]).fetchone()
            events = owner.execute("SELECT actor FROM audit_events WHERE report_id = %s AND action = 'verify'",
                                   [int(r.id)]).fetchall()
        assert status == "verified" and version == int(r.version) + 1 and len(events) == 1
        break


# -- backup and restore (pg_dump / pg_restore) ----------------------------------------------------------------


def test_backup_and_restore_on_postgresql_round_trip_keep_the_replaced_data_and_refuse_bad_files(demo_pg, tmp_path):
    from typer.testing import CliRunner

    from ntswatch_geo.cli import app
    from pg_support import store_digest
    run = CliRunner()
    out = tmp_path / "b.dump"
    res = run.invoke(app, ["backup", str(out), "--db", demo_pg])
    assert res.exit_code == 0 and "21,500 reports" in res.output.replace("\n", " "), res.output
    assert out.stat().st_mode & 0o777 == 0o600
    con = connect(demo_pg)
    added = submit_report(con, report_fields(1), channel="mwcc_office", actor="off4804", now=NOW)
    con.close()
    assert added.ok
    # not an archive, a damaged one: one line each, and the live data is untouched
    before = store_digest(demo_pg)
    (tmp_path / "x.dump").write_text("not a dump")
    broken = tmp_path / "cut.dump"
    broken.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    for bad, says in ((tmp_path / "x.dump", "not a pg_dump archive"), (broken, "")):
        res = run.invoke(app, ["restore", str(bad), "--db", demo_pg])
        lines = [l for l in res.output.splitlines() if l.strip()]
        assert res.exit_code == 2 and len(lines) <= 3 and "Traceback" not in res.output and says in res.output
    assert store_digest(demo_pg) == before
    res = run.invoke(app, ["restore", str(out), "--db", demo_pg])
    assert res.exit_code == 0, res.output
    with psycopg.connect(demo_pg) as owner:
        assert owner.execute("SELECT count(*) FROM reports WHERE id = %s", [added.report_id]).fetchone()[0] == 0
        assert owner.execute("SELECT count(*) FROM reports").fetchone()[0] == 21_500
        assert owner.execute("SELECT count(*) FROM scope_roles").fetchone()[0] > 1000
    kept = list(tmp_path.glob("*.before-restore-*.dump"))
    assert kept and all(k.stat().st_mode & 0o777 == 0o600 for k in kept)
    # the restored store still keeps a governor to the province
    with psycopg.connect(as_role(demo_pg, roles.scope_role(GOVERNOR))) as gov:
        assert gov.execute("SELECT count(DISTINCT province_code) FROM reports").fetchone()[0] == 1



def test_both_stores_count_the_same_migrations():
    from ntswatch_geo.db import _migrations
    from ntswatch_geo.pg.schema import migrations
    assert [v for v, _ in _migrations()] == [v for v, _ in migrations()] == list(range(1, len(migrations()) + 1))
    assert [p.stem for _, p in _migrations()] == [p.stem for _, p in migrations()]


def test_pg_password_prints_the_password_a_public_host_signs_in_with_and_refuses_other_names(demo_pg):
    from typer.testing import CliRunner

    from ntswatch_geo.cli import app
    from ntswatch_geo.store import mask
    res = CliRunner().invoke(app, ["pg-password", roles.PUBLIC])
    assert res.exit_code == 0
    password = res.stdout.strip()
    host = mask(demo_pg).split("@", 1)[1]
    with psycopg.connect(f"postgresql://{roles.PUBLIC}@{host}", password=password) as con:
        assert con.execute("SELECT current_user").fetchone()[0] == roles.PUBLIC
    bad = CliRunner().invoke(app, ["pg-password", "postgres"])
    assert bad.exit_code == 2 and "not a login role" in bad.output and "Traceback" not in bad.output


def test_a_process_that_opened_the_store_leaves_no_extension_folder_behind(demo_pg):
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; from ntswatch_geo.db import connect; from ntswatch_geo.pg import gateway; "
            "c = connect(sys.argv[1], read_only=True); c.execute('SELECT count(*) FROM reports').fetchone(); "
            "print(gateway._ext_dir); c.close()")
    out = subprocess.run([sys.executable, "-c", code, demo_pg], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    folder = Path(out.stdout.strip().splitlines()[-1])
    assert folder.name.startswith("ntswatch-duckdb-ext-") and not folder.exists()


def _sent(capfd, con, work) -> str:
    """What the postgres extension sends to the server while `work()` runs (its debug echo, read from stdout)."""
    capfd.readouterr()
    con.execute("SET pg_debug_show_queries = true")
    try:
        work()
    finally:
        con.execute("SET pg_debug_show_queries = false")
    out = capfd.readouterr()
    return out.out + out.err


def test_a_submission_and_a_page_run_read_only_the_rows_they_need_from_the_server(demo_pg, capfd):
    """A public submission's duplicate check asks the server for the reports of the days being stored only (the
    index on category, occurred_date serves it), not for every report; the pages' data version is one aggregate
    computed on the server, not every report's id and version pulled into DuckDB."""
    from ntswatch_geo.ui.data import data_version

    con = connect(as_role(demo_pg, roles.PUBLIC))
    try:
        sent = _sent(capfd, con, lambda: submit_report(con, report_fields(3), channel="online", actor="public",
                                                       now=NOW, client="198.51.100.7", guard=False))
    finally:
        con.close()
    scans = [q for q in sent.splitlines() if q.startswith("COPY (SELECT") and '"reports"' in q]
    assert scans and all('"occurred_date" >= \'2026-10-04\' AND "occurred_date" <= \'2026-10-04\'' in q
                         for q in scans), scans
    gov = connect(as_role(demo_pg, roles.scope_role(GOVERNOR)))
    try:
        version = []
        sent = _sent(capfd, gov, lambda: version.append(data_version(gov)))
    finally:
        gov.close()
    assert 'FROM "public"."reports"' not in sent and "sum(version)" in sent, sent
    with psycopg.connect(demo_pg) as owner:
        want = owner.execute("SELECT count(*), max(id), sum(version) FROM reports WHERE province_code = '48'"
                             ).fetchone()
    assert version == [tuple(int(v) for v in want)]
