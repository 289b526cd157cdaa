"""Exports open in their native tools, respect the scope, hide contacts and locations, defuse formulas."""
from __future__ import annotations

import datetime as dt
import io

import geopandas as gpd
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from ntswatch_geo import exports
from ntswatch_geo.db import connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope

F = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
ANALYST = Scope("analyst")
OFFICER = Scope("district_officer", province_code="27", district_code="2706")


@pytest.fixture(scope="module")
def con(module_store_copy):
    c = connect(module_store_copy("demo"))
    rid = c.execute("SELECT min(id) FROM reports WHERE district_code = '2706' AND occurred_date >= '2026-10-01'").fetchone()[0]
    c.execute("""UPDATE reports SET description = '=HYPERLINK("http://evil.example","click")',
                 contact_name = 'สมชาย', contact_phone = '+66 81 234 5678', contact_consent = true WHERE id = ?""", [rid])
    yield c
    c.close()


def expected_rows(con, scope):
    where = "AND district_code = '2706'" if scope.district_code else ""
    # duplicates and held reports are in no export or statistic (taxonomy.HELD_STATUSES)
    return con.execute(f"SELECT count(*) FROM reports WHERE occurred_date BETWEEN ? AND ? {where} "
                       "AND status NOT IN ('duplicate', 'suspected_spam', 'spam')",
                       [F.date_from, F.date_to]).fetchone()[0]


def test_csv_opens_with_pandas_and_defuses_formulas(con):
    df = pd.read_csv(io.BytesIO(exports.export_bytes(con, F, OFFICER, "csv")), encoding="utf-8-sig")
    assert len(df) == expected_rows(con, OFFICER)
    assert df["description"].str.startswith("=").sum() == 0
    assert df["description"].str.startswith("'=HYPERLINK").sum() == 1


def test_xlsx_opens_with_openpyxl_and_holds_no_formula(con):
    wb = openpyxl.load_workbook(io.BytesIO(exports.export_bytes(con, F, OFFICER, "xlsx")))
    ws = wb["reports"]
    assert ws.max_row - 1 == expected_rows(con, OFFICER)
    cells = [c.value for row in ws.iter_rows(min_row=2) for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_geo_formats_read_back_with_geopandas_as_points(con, tmp_path, fmt):
    path = tmp_path / f"x.{fmt}"
    path.write_bytes(exports.export_bytes(con, F, ANALYST, fmt))
    g = gpd.read_file(path)
    assert len(g) == expected_rows(con, ANALYST) and set(g.geom_type) == {"Point"}
    assert g.crs.to_epsg() == 4326


def test_parquet_reads_back_with_the_same_rows(con):
    t = pq.read_table(io.BytesIO(exports.export_bytes(con, F, ANALYST, "parquet")))
    assert t.num_rows == expected_rows(con, ANALYST)


def test_contact_details_only_for_roles_allowed_to_see_them(con):
    analyst = pd.read_csv(io.BytesIO(exports.export_bytes(con, F, ANALYST, "csv")), encoding="utf-8-sig")
    assert "contact_phone" not in analyst.columns and "contact_name" not in analyst.columns
    officer = pd.read_csv(io.BytesIO(exports.export_bytes(con, F, OFFICER, "csv", with_contacts=True)),
                          encoding="utf-8-sig")
    assert (officer["contact_phone"] == "'+66 81 234 5678").sum() == 1  # a leading + is defused too


def test_hide_location_rounds_to_about_a_kilometre_and_drops_the_place(con):
    t = pq.read_table(io.BytesIO(exports.export_bytes(con, F, ANALYST, "parquet", hide_location=True))).to_pandas()
    assert ((t["lat"] * 100).round(6) % 1 == 0).all() and ((t["lon"] * 100).round(6) % 1 == 0).all()
    assert t["place_text"].isna().all() and set(t["location_precision_code"]) == {"approx_1km"}


def test_a_governor_exports_only_their_province(con):
    t = pq.read_table(io.BytesIO(exports.export_bytes(con, F, Scope("governor", province_code="23"), "parquet")))
    assert set(t.column("province_code").to_pylist()) == {"23"}


def test_an_unknown_format_is_refused_with_the_allowed_list(con):
    from ntswatch_geo.errors import InputError

    with pytest.raises(InputError, match="allowed csv, xlsx, geojson, gpkg, parquet"):
        exports.export_bytes(con, F, ANALYST, "docx")


def test_every_spreadsheet_the_product_writes_defuses_formulas_swot_and_rejects_included(tmp_path):
    import io

    import openpyxl
    import pandas as pd

    from ntswatch_geo.exports import csv_bytes, xlsx_bytes

    swot = pd.DataFrame({"kind": ["threats", "strengths"], "text": ["=HYPERLINK(\"http://x\",\"click\")", "+1 patrol"]})
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"ranking": pd.DataFrame({"rank": [1]}), "swot": swot})))
    cells = [c.value for c in wb["swot"]["B"][1:]]
    assert cells == ["'=HYPERLINK(\"http://x\",\"click\")", "'+1 patrol"]
    assert all(c.data_type == "s" for c in wb["swot"]["B"][1:])             # text, not a formula
    rejects = pd.DataFrame({"row_no": [3], "field": ["description"], "value": ["=cmd|' /C calc'!A0"],
                            "code": ["too_long"], "message": ["x"], "message_th": ["x"]})
    raw = csv_bytes(rejects)
    assert raw[:3] == b"\xef\xbb\xbf"
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert back.loc[0, "value"] == "'=cmd|' /C calc'!A0" and back.loc[0, "row_no"] == 3


def test_the_cli_rejects_file_keeps_no_formula_as_typed(geo_db, tmp_path):
    import pandas as pd
    from typer.testing import CliRunner

    from ntswatch_geo.cli import app

    path = tmp_path / "f.csv"
    path.write_text("Date,Type,District,Province,Details\n=1+2,smuggling,Aranyaprathet,Sa Kaeo,x\n", encoding="utf-8")
    out = tmp_path / "rejects.csv"
    res = CliRunner().invoke(app, ["import", str(path), "--rejects", str(out), "--db", str(geo_db), "-q"])
    assert res.exit_code == 0, res.output
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert (back["value"].astype(str).str.startswith("'=")).any(), back


# ------------------------------------------------------------------- labels, codes and the About sheet

def about_of(wb, name: str) -> dict:
    return {r[0]: r[1] for r in wb[name].iter_rows(min_row=2, values_only=True)}


def test_an_xlsx_export_in_thai_has_labels_codes_and_an_about_sheet_that_reads_back(con):
    f = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31), provinces=("27",), categories=("human_trafficking",))
    wb = openpyxl.load_workbook(io.BytesIO(exports.export_bytes(con, f, ANALYST, "xlsx", lang="th")))
    assert wb.sheetnames == ["รายงาน", "เกี่ยวกับ"]
    rows = pd.DataFrame(list(wb["รายงาน"].values)[1:], columns=[c.value for c in wb["รายงาน"][1]])
    header = list(rows.columns)
    for col in ("category", "channel", "status", "forwarded_to", "intake_method", "reporter_type"):
        assert col not in header and header.index(f"{col}_label") + 1 == header.index(f"{col}_code"), col
    assert set(rows["category_code"]) == {"human_trafficking"} and set(rows["category_label"]) == {"การค้ามนุษย์"}
    forwarded = rows[rows["forwarded_to_code"] == "msdhs"]
    assert len(forwarded) and set(forwarded["forwarded_to_label"]) == {
        "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ (พม.)"}
    assert "ส่งต่อหน่วยงานแล้ว" in set(rows["status_label"]) or "ตรวจสอบแล้ว" in set(rows["status_label"])
    assert rows["reporter_type_label"].notna().all() and not set(rows["reporter_type_label"]) & set(rows["reporter_type_code"])
    about = about_of(wb, "เกี่ยวกับ")
    assert about["จังหวัด"] == "สระแก้ว" and about["ประเภท"] == "การค้ามนุษย์"
    assert about["ช่วงวันที่ (วันที่เกิดเหตุ)"] == "1 ต.ค. 2569 – 31 ต.ค. 2569"
    assert about["จำนวนแถว"] == f"{len(rows):,}" and about["รูปแบบไฟล์"] == "XLSX"
    assert about["ข้อมูลสังเคราะห์"].startswith("ใช่:") and "ส่งออกโดย" in about
    total = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert f"{total:,}" in about["รุ่นของข้อมูล"]


def test_a_csv_export_carries_english_labels_next_to_the_codes_and_reads_back_with_pandas(con):
    df = pd.read_csv(io.BytesIO(exports.export_bytes(con, F, ANALYST, "csv", lang="en")), encoding="utf-8-sig")
    assert {"category_label", "category_code", "status_label", "status_code"} <= set(df.columns)
    labels = dict(zip(df["category_code"], df["category_label"]))
    assert labels["human_trafficking"] == "Human trafficking" and labels["smuggling"] == "Smuggling of goods"
    assert dict(zip(df["location_precision_code"], df["location_precision_label"]))["point"] == "Point"


def test_every_coded_value_the_product_writes_has_a_label_in_both_languages():
    from ntswatch_geo.reports.normalise import INTAKE_METHODS, REPORTER_TYPES
    from ntswatch_geo.taxonomy import AGENCIES, CATEGORY_KEYS, CHANNEL_KEYS, STATUSES

    values = {"category": CATEGORY_KEYS, "channel": CHANNEL_KEYS, "status": STATUSES, "agency": list(AGENCIES),
              "intake": list(INTAKE_METHODS), "reporter": list(REPORTER_TYPES),
              "occurred": ["exact", "day", "approximate", "month"], "location": ["point", "district", "approx_1km"],
              "swot": ["strengths", "weaknesses", "opportunities", "threats"]}
    for lang in ("th", "en"):
        for kind, codes in values.items():
            for code in codes:
                text = exports.value_label(kind, code, lang)
                assert text and text != code and "." not in text.split()[0][:-1], (lang, kind, code, text)
    assert exports.value_label("agency", None, "th") is None


def test_the_model_sites_workbook_records_filters_weights_method_and_is_audited(con):
    from ntswatch_geo import sites

    f = Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    plan = Scope("planner", username="plan")
    crit = sites.criteria(con, f, plan)
    ranked = sites.rank(crit, "greatest_need", "topsis")
    sens = sites.sensitivity(crit, "greatest_need", "both", n=30, top_k=5, seed=0)
    code = ranked["code"].iloc[0]
    sites.add_note(con, code, "threats", "=cmd ทางข้ามธรรมชาติ", "plan")
    before = con.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0]
    data = exports.sites_workbook(con, f, plan, "en", ranked, sens, crit, sites.notes(con, [code]),
                                  preset="greatest_need", actor="plan")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["ranking", "swot", "About"]
    ranking = pd.DataFrame(list(wb["ranking"].values)[1:], columns=[c.value for c in wb["ranking"][1]])
    assert len(ranking) == 67 and list(ranking["rank"][:3]) == sorted(ranking["rank"][:3])
    assert {"reports_per_border_km", "reports_per_100km2", "contrib_reports_per_border_km", "acceptability"} <= set(
        ranking.columns)
    swot = pd.DataFrame(list(wb["swot"].values)[1:], columns=[c.value for c in wb["swot"][1]])
    assert list(swot["kind_label"]) == ["Threats"] and list(swot["kind_code"]) == ["threats"]
    assert swot["text"].iloc[0].startswith("'=")                          # formulas defused
    about = about_of(wb, "About")
    assert about["Method"] == "TOPSIS" and about["Weights preset"] == "Greatest need"
    assert about["Weight: Reports per km of international border (reports per km of border)"].startswith("44.4%")
    assert about["Weight: Reports per 100 km² (reports per 100 km²)"].startswith("11.1%")
    assert "outer fence" not in about["Normalisation"] and "vector" in about["Normalisation"]
    assert "Reports per 100 km² ≤" in about["Capped criteria (upper Tukey fence Q3 + 3 × IQR)"]
    assert about["Dates (date of occurrence)"] == "1 Nov 2025 – 31 Oct 2026"
    assert about["Synthetic data"].startswith("Yes:") and "30 random weightings" in about["Robustness check"]
    entry = con.execute("SELECT actor, role, detail FROM audit_log WHERE action = 'export' ORDER BY id DESC "
                        "LIMIT 1").fetchone()
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0] == before + 1
    assert entry[:2] == ("plan", "planner") and '"kind": "model_sites"' in entry[2] and "greatest_need" in entry[2]
    back = pd.read_csv(io.BytesIO(exports.sites_csv(con, f, plan, "th", ranked, sens, crit, actor="plan")),
                       encoding="utf-8-sig", dtype={"code": str})
    assert list(back["code"]) == list(ranking["code"])
