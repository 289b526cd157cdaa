"""What each role's export holds, enforced in ntswatch_geo.exports (below the UI), and the audit entry of every
export: a planner gets counts, or rows without descriptions, places, contacts, officers and times of day with
points rounded to 0.01°; contact details only for roles whose Scope.sees_contacts is true, and only on request.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from ntswatch_geo import exports
from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope

F = Filters(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
PLANNER = Scope("planner", username="plan")
ANALYST = Scope("analyst", username="ana")
GOVERNOR = Scope("governor", province_code="27", username="gov27")
OFFICER = Scope("district_officer", province_code="27", district_code="2706", username="off2706")
SECRET_DESC = "ผู้แจ้งเห็นรถกระบะทะเบียน กข-1234 ที่บ้านนายสมชาย"
SECRET_PLACE = "หลังบ้านเลขที่ 99/1 ซอยวัดใหม่"
PHONE = "081-234-5678"
LAT, LON = 13.6123456, 102.5087654


@pytest.fixture(scope="module")
def db(module_store_copy):
    path = module_store_copy("demo")
    c = connect(path)
    rid = c.execute("SELECT min(id) FROM reports WHERE district_code = '2706' AND occurred_date >= '2026-10-01' "
                    "AND status IN ('new', 'verified', 'forwarded')").fetchone()[0]
    c.execute("""UPDATE reports SET description = ?, place_text = ?, contact_name = 'สมศรี', contact_phone = ?,
                 contact_consent = true, lat = ?, lon = ?, occurred_time = '23:41:07', officer = 'ปลัดสมหมาย'
                 WHERE id = ?""", [SECRET_DESC, SECRET_PLACE, PHONE, LAT, LON, rid])
    c.close()
    return path


@pytest.fixture
def con(db):
    c = connect(db)
    c.execute("DELETE FROM audit_log")
    yield c
    c.close()


def counted_rows(con, scope: Scope) -> int:
    where = "AND province_code = '27'" if scope.province_code else ""
    where += " AND district_code = '2706'" if scope.district_code else ""
    return con.execute(f"""SELECT count(*) FROM reports WHERE occurred_date BETWEEN ? AND ?
                           AND status NOT IN ('duplicate', 'suspected_spam', 'spam') {where}""",
                       [F.date_from, F.date_to]).fetchone()[0]


def export_entries(con) -> list[dict]:
    return [dict(actor=a, role=r, **json.loads(d)) for a, r, d in
            con.execute("SELECT actor, role, detail FROM audit_log WHERE action = 'export' ORDER BY id").fetchall()]


def test_a_planners_row_export_has_no_description_place_contact_officer_or_time_and_rounded_points(con):
    t = exports.export_table(con, F, PLANNER)
    leaked = set(t.column_names) & {"description", "place_text", "contact_name", "contact_phone", "officer",
                                    "occurred_time"}
    assert not leaked
    df = t.to_pandas()
    assert len(df) == counted_rows(con, PLANNER) > 500
    assert ((df["lat"] * 100).round(6) % 1 == 0).all() and ((df["lon"] * 100).round(6) % 1 == 0).all()
    assert ((df["lat"] - 13.61).abs() < 1e-9).any() and not ((df["lat"] - LAT).abs() < 1e-9).any()
    assert set(df["location_precision"]) == {"approx_1km"}
    assert str(t.schema.field("received_at").type) == "date32[day]"     # no time of day
    assert str(t.schema.field("verified_at").type) == "date32[day]"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "geojson"])
def test_no_format_of_a_planners_export_holds_the_informants_words(con, fmt):
    data = exports.export_bytes(con, F, PLANNER, fmt)
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        text = "\n".join(str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v is not None)
    elif fmt == "parquet":
        text = pq.read_table(io.BytesIO(data)).to_pandas().to_csv()
    else:
        text = data.decode("utf-8-sig")
    for secret in (SECRET_DESC, SECRET_PLACE, PHONE, "สมศรี", "ปลัดสมหมาย", "23:41", str(LAT)[:8]):
        assert secret not in text, (fmt, secret)


def test_a_planners_aggregate_export_counts_district_month_and_category(con):
    df = pd.read_csv(io.BytesIO(exports.export_bytes(con, F, PLANNER, "csv", kind="aggregate")), encoding="utf-8-sig",
                     dtype={"province_code": str, "district_code": str})
    assert list(df.columns) == ["province_code", "province_th", "province_en", "district_code", "district_th",
                                "district_en", "month", "category_label", "category_code", "reports", "verified"]
    assert df["reports"].sum() == counted_rows(con, PLANNER)
    assert set(df["month"]) == {"2026-09", "2026-10"}
    assert not df.duplicated(["district_code", "month", "category_code"]).any()
    assert set(df["category_label"]) <= {"Drug trafficking", "Human trafficking", "Illegal migration / entry",
                                         "Smuggling of goods", "Call-centre / online fraud", "Other"}
    with pytest.raises(InputError, match="has no points"):
        exports.export_bytes(con, F, PLANNER, "geojson", kind="aggregate")


def test_a_governor_keeps_rows_and_descriptions_but_never_contacts(con):
    t = exports.export_table(con, F, GOVERNOR).to_pandas()
    assert len(t) == counted_rows(con, GOVERNOR) and set(t["province_code"]) == {"27"}
    assert (t["description"] == SECRET_DESC).sum() == 1 and "contact_phone" not in t.columns
    with pytest.raises(InputError, match="may not export reporters' contact details"):
        exports.export_bytes(con, F, GOVERNOR, "csv", with_contacts=True)


@pytest.mark.parametrize("scope", [PLANNER, ANALYST, GOVERNOR])
def test_contacts_are_refused_to_every_role_that_may_not_see_them(con, scope):
    with pytest.raises(InputError, match="contact details"):
        exports.export_table(con, F, scope, with_contacts=True)
    assert export_entries(con) == []


def test_an_officer_gets_contacts_only_on_request_and_the_export_is_recorded(con):
    plain = pd.read_csv(io.BytesIO(exports.export_bytes(con, F, OFFICER, "csv")), encoding="utf-8-sig")
    assert "contact_phone" not in plain.columns
    full = pd.read_csv(io.BytesIO(exports.export_bytes(con, F, OFFICER, "csv", with_contacts=True,
                                                       client="10.0.0.7")), encoding="utf-8-sig")
    assert (full["contact_phone"] == PHONE).sum() == 1
    entries = export_entries(con)
    assert [(e["actor"], e["role"], e["contacts"], e["rows"]) for e in entries] == [
        ("off2706", "district_officer", False, len(plain)), ("off2706", "district_officer", True, len(full))]
    assert entries[1]["filters"] == F.to_query() and entries[1]["location"] == "exact"
    raw = con.execute("SELECT string_agg(detail, ' ') FROM audit_log").fetchone()[0]
    assert PHONE not in raw and "สมศรี" not in raw                       # counts and flags, never values
    assert con.execute("SELECT client FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "10.0.0.7"


def test_every_export_is_recorded_with_its_kind_rows_and_what_it_held(con):
    exports.export_bytes(con, F, PLANNER, "parquet")
    exports.export_bytes(con, F, PLANNER, "xlsx", kind="aggregate")
    exports.export_bytes(con, F, ANALYST, "csv", hide_location=True)
    got = [(e["actor"], e["kind"], e["format"], e["description"], e["contacts"], e["location"])
           for e in export_entries(con)]
    assert got == [("plan", "rows", "parquet", False, False, "rounded_1km"),
                   ("plan", "aggregate", "xlsx", False, False, "none"),
                   ("ana", "rows", "csv", True, False, "rounded_1km")]


def test_the_public_may_not_export(con):
    with pytest.raises(InputError, match="may not export"):
        exports.export_bytes(con, F, Scope("public"), "csv")


# -- the Data page -------------------------------------------------------------------------------------------


@pytest.fixture
def app_db(db, module_store_copy, users_file, monkeypatch):
    path = module_store_copy(db)
    monkeypatch.setenv("NTSWATCH_DB", str(path))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    return path


def data_page(user: str) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.session_state["auth_user"] = user
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_planners_download_on_the_data_page_holds_no_description_and_is_recorded(app_db):
    at = data_page("plan")
    assert any("Planner exports" in i.value for i in at.info)
    assert not any(c.key == "exp_contacts" for c in at.checkbox)
    at.selectbox(key="exp_fmt").set_value("csv")
    next(b for b in at.button if b.label == "Prepare export").click().run()
    assert not at.exception, [e.value for e in at.exception]
    fmt, data, _ = at.session_state["exp_bytes"]
    df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert fmt == "csv" and len(df) > 0
    assert "description" not in df.columns and "place_text" not in df.columns
    assert SECRET_DESC not in data.decode("utf-8-sig")
    con = connect(app_db)                 # the app's process holds it read-write: the same configuration
    entry = con.execute("SELECT actor, role, detail FROM audit_log WHERE action = 'export'").fetchall()
    con.close()
    assert len(entry) == 1 and entry[0][:2] == ("plan", "planner")
    assert json.loads(entry[0][2])["rows"] == len(df)
