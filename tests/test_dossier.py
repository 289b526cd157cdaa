"""The one-page model-site dossier (ntswatch_geo/dossier.py), its CLI, and the briefing's cross-border cooperation
section (ntswatch_geo/briefing.py), read back from the PDFs with pdftotext (poppler-utils)."""
from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ntswatch_geo import briefing as br
from ntswatch_geo import dossier, sites
from ntswatch_geo.cli import app
from ntswatch_geo.cooperation.effects import EffectEstimate
from ntswatch_geo.cooperation.taxonomy import type_label
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.i18n import t
from ntswatch_geo.scope import Scope

from test_coop_sites import F, YEARS, seed_activities

PLANNER = Scope("planner")
NOTE_TH = "ผู้ใหญ่บ้านทั้งสองฝั่งประชุมร่วมกันทุกเดือน"
NOTE_EN = "Joint market day with Thakhek every month"
AT = dt.datetime(2026, 11, 26, 9, 30)


def text_of(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def pages(pdf: bytes, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)), info


@pytest.fixture
def coop(store_copy):
    """The demo store with the known record (test_coop_sites.seed_activities) and SWOT notes for 4801."""
    path = store_copy("demo")
    con = connect(path)
    seed_activities(con)
    sites.add_note(con, "4801", "strengths", NOTE_TH, "plan")
    sites.add_note(con, "4801", "opportunities", NOTE_EN, "plan")
    sites.add_note(con, "4801", "threats", "ยาเสพติดข้ามแดนตามลำน้ำโขง " * 140, "plan")     # long: cut, one page
    yield con, path
    con.close()


def test_the_dossier_is_one_a4_page_in_thai_and_english_with_the_cooperation_record(coop, tmp_path):
    con, _ = coop
    d = dossier.dossier_data(con, "4801", scope=PLANNER, weights="cooperation_record", filters=F)
    assert d.record["activities"] == 2 and d.record["joint_activities"] == 1
    assert (d.record["people_th"], d.record["people_la"], d.record["change_agents"]) == (40, 30, 25)
    assert d.to_date["change_agents"] == 35 and d.to_date["months_since_last"] == 2
    assert d.to_date["last_activity"] == dt.date(2026, 8, 20)
    assert d.types == ["nts_literacy_training", "visit_across", "workshop"]
    ranked = sites.rank(sites.criteria(con, F, PLANNER), "cooperation_record", "topsis").set_index("code")
    assert d.rank == ranked.loc["4801", "rank"] and d.score == pytest.approx(ranked.loc["4801", "score"])
    assert 1 <= d.rank_p05 <= d.rank_p95 <= 67 and 0 <= d.acceptability <= 1
    for lang in ("th", "en"):
        pdf = dossier.render_dossier(d, lang, AT)
        n, info = pages(pdf, tmp_path)
        assert n == 1 and "A4" in info, (lang, info)
        text = text_of(pdf, tmp_path, lang)
        assert "เมืองนครพนม" in text and "Mueang Nakhon Phanom" in text           # both names, both languages
        assert "นครพนม" in text and "Nakhon Phanom" in text
        for c in sites.CRITERIA:
            if c.group == "cooperation":
                assert c.label(lang) in text, (lang, c.key)
        assert f"{(1 + math.log10(31)) / YEARS:.2f}" in text                       # partnership strength
        assert t("dossier.rank", lang, rank=d.rank, n=67, score=f"{d.score:.3f}",
                 method=t("sites.method_topsis", lang), preset=t("sites.preset_cooperation_record", lang)) in text
        assert "Thakhek" in text                                                    # the facing district
        assert t("dossier.record_period", lang, activities=2, joint=1, th=40, la=30, kh=0, agents=25,
                 budget="100,000") in text
        assert NOTE_TH in text and NOTE_EN in text                                  # SWOT notes
        assert t("dossier.effects", lang) in text
        for kind in d.types:                                                        # one line per type had
            assert type_label(kind, lang) in text, (lang, kind)
        assert t("dossier.synthetic", lang, reports=f"{d.synthetic_reports:,}", total=f"{d.total_reports:,}",
                 activities=0, total_activities=6) in text
    assert "ข้อมูลจำลอง" in text_of(dossier.render_dossier(d, "th", AT), tmp_path, "th2")


def _estimate(kind: str, treated=("4801", "4802", "4803", "4804", "4805"), **kw) -> EffectEstimate:
    base = dict(activity_type=kind, channel=None, category=None, n_treated=len(treated), n_control=30, n_months=46,
                rate_ratio=1.28, ci_low=1.05, ci_high=1.56, p_value=0.013, event_study=pd.DataFrame(),
                pre_trend_p=0.62, estimable=True, reason_en="", reason_th="",
                caveat_en="More reports after NTS literacy training may mean more awareness, not more crime.",
                caveat_th="รายงานที่เพิ่มขึ้นหลังการอบรม NTS Literacy อาจหมายถึงการรับรู้ที่มากขึ้น ไม่ใช่อาชญากรรมที่มากขึ้น",
                method_en="", method_th="", treated_districts=tuple(treated))
    return EffectEstimate(**{**base, **kw})


def test_the_effect_lines_give_the_rate_ratio_interval_districts_and_caveat_or_why_not(coop, tmp_path):
    con, _ = coop
    d = dossier.dossier_data(con, "4801", scope=PLANNER, filters=F)
    d = replace(d, effects=[
        _estimate("nts_literacy_training"),
        _estimate("workshop", treated=("4801", "2706"), estimable=False, rate_ratio=None, ci_low=None, ci_high=None,
                  p_value=None, pre_trend_p=None, reason_en="Not estimable: 2 district(s) had a first workshop …",
                  reason_th="ประมาณไม่ได้: …")])
    rows, lines, caveats = dossier.effect_rows(d, "en")
    assert rows == [["NTS literacy training *", "1.28", "1.05–1.56", "0.013", "5 / 30", "0.620"]]
    assert lines == ["Enhancing Mekong Linkage workshop * (2 / 30): 2 treated district(s); at least 5 needed"]
    assert caveats[0].startswith("More reports after NTS literacy training")
    for lang in ("en", "th"):
        text = text_of(dossier.render_dossier(d, lang, AT), tmp_path, f"fx_{lang}")
        assert "1.28" in text and "1.05–1.56" in text and "5 / 30" in text
        assert t("dossier.in_treated", lang) in text
        assert (caveats[0] if lang == "en" else d.effects[0].caveat_th) in text
        assert t("dossier.few_treated", lang, n=2, min=5) in text


def test_a_district_without_any_activity_says_so_and_counts_the_worst_continuity(coop, tmp_path):
    con, _ = coop
    d = dossier.dossier_data(con, "2301", scope=PLANNER, filters=F)
    assert d.types == [] and d.record["activities"] == 0 and d.to_date["last_activity"] is None
    row = d.criteria.set_index("key").loc["months_since_activity"]
    assert row["value"] == sites.CONTINUITY_CAP_MONTHS and row["cooperation"]
    text = text_of(dossier.render_dossier(d, "en", AT), tmp_path, "none")
    assert t("dossier.record_never", "en", end="31 Oct 2026", cap=36) in text
    assert t("dossier.effects_none", "en", end="31 Oct 2026") in text


def test_a_district_officer_gets_the_own_district_only_and_bad_input_is_named(coop):
    con, _ = coop
    officer = Scope("district_officer", province_code="48", district_code="4801")
    d = dossier.dossier_data(con, "เมืองนครพนม", scope=officer, filters=F)
    assert d.code == "4801" and d.n_ranked == 1 and d.rank == 1
    with pytest.raises(InputError, match="outside your district"):
        dossier.dossier_data(con, "2706", scope=officer, filters=F)
    with pytest.raises(InputError, match="อยู่นอกพื้นที่ของคุณ"):
        dossier.dossier_pdf(con, "2706", scope=Scope("governor", province_code="48"), filters=F, lang="th")
    with pytest.raises(InputError, match="not a border district"):
        dossier.dossier_data(con, "1001", scope=PLANNER, filters=F)
    with pytest.raises(InputError, match="'Atlantis' is not a district"):
        dossier.dossier_data(con, "Atlantis", scope=PLANNER, filters=F)
    with pytest.raises(InputError, match="method"):
        dossier.dossier_data(con, "4801", scope=PLANNER, filters=F, method="vikor")
    with pytest.raises(InputError, match="not among the districts ranked"):
        dossier.dossier_data(con, "4801", scope=PLANNER, filters=replace(F, provinces=("27",)))


def test_no_synthetic_notice_without_synthetic_data(coop, tmp_path):
    con, _ = coop
    con.execute("UPDATE reports SET is_synthetic = false")
    d = dossier.dossier_data(con, "4801", scope=PLANNER, filters=F)
    assert not d.synthetic
    text = text_of(dossier.render_dossier(d, "en", AT), tmp_path, "real")
    assert "SYNTHETIC" not in text and "Mueang Nakhon Phanom" in text


# ------------------------------------------------------------------------------------------------- the CLI

def test_the_cli_writes_the_dossier_and_refuses_a_bad_district_in_one_line(coop, tmp_path):
    con, path = coop
    con.close()                # the CLI opens the store read-only (DuckDB: one configuration per file)
    out = tmp_path / "out" / "dossier.pdf"
    res = CliRunner().invoke(app, ["dossier", "--db", str(path), "--district", "Mueang Nakhon Phanom", "-o", str(out),
                                   "--lang", "en", "--preset", "greatest_need"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "Model-site dossier: Mueang Nakhon Phanom District" in text and "weights: Greatest need" in text
    for args, message in ((["--district", "Atlantis", "--lang", "en"], "is not a district"),
                          (["--district", "Atlantis"], "'Atlantis' ไม่ใช่อำเภอที่รู้จัก"),
                          (["--district", "1001"], "ไม่ใช่อำเภอชายแดน"),
                          (["--district", "2706", "--preset", "nope"], "--preset: 'nope' is not a preset"),
                          (["--district", "2706", "--lang", "fr"], "--lang: 'fr'")):
        bad = tmp_path / "bad.pdf"
        res = CliRunner().invoke(app, ["dossier", "--db", str(path), *args, "-o", str(bad)], catch_exceptions=False)
        lines = [ln for ln in res.output.splitlines() if ln.strip()]
        assert res.exit_code == 2 and len(lines) == 1 and message in lines[0], res.output
        assert "Traceback" not in res.output and not bad.exists()


# -------------------------------------------------------------------------------------------- the briefing

def test_the_briefing_has_a_cooperation_section_for_the_province(coop, tmp_path):
    con, _ = coop
    admin = Scope("admin")
    d = br.briefing_data(con, "48", "FY2569-Q4", admin, today=dt.date(2026, 11, 26))     # Jul-Sep 2026
    c = d.cooperation
    assert c.activities == 1 and c.activities_to_date == 4                            # the August training
    row = c.districts.set_index("code").loc["4801"]
    assert (row["activities"], row["change_agents"], row["months_since_last"]) == (1, 25, 1)
    assert set(c.districts["code"]) == set(d.districts["code"])                       # every border district
    assert c.types == ["nts_literacy_training", "visit_across", "workshop"]
    table = br.cooperation_table(d, "en")
    first = table.rows[0]
    assert first[:2] == ["Mueang Nakhon Phanom", "1"] and first[5] == "25" and first[7] == "1"
    assert all(r[7] == "never" for r in table.rows[1:])
    lines, caveats = br.cooperation_effect_lines(d, "en")
    assert len(lines) == 3 and all(type_label(k, "en") in " ".join(lines) for k in c.types)
    assert caveats and "awareness" in caveats[0]
    for lang in ("th", "en"):
        text = text_of(br.render_pdf(d, lang, AT), tmp_path, f"brief_{lang}")
        assert t("briefcoop.title", lang) in text
        assert br.cooperation_lines(d, lang)[0] in text
        assert t("briefcoop.note", lang, end=br.fmt_date(dt.date(2026, 9, 30), lang)) in text     # under the table
        assert t("briefcoop.effects_title", lang) in text
        assert br.cooperation_effect_lines(d, lang)[0][0].split(":")[0] in text          # the first type's line
    # a province without any activity: said plainly, no table, no estimate
    trat = br.briefing_data(con, "23", "FY2569-Q4", admin, today=dt.date(2026, 11, 26))
    assert trat.cooperation.activities_to_date == 0 and br.cooperation_effect_lines(trat, "en") == ([], [])
    text = text_of(br.render_pdf(trat, "en", AT), tmp_path, "trat")
    assert t("briefcoop.none", "en", province="Trat", end="30 Sep 2026") in text
    assert t("briefcoop.note", "en", end="30 Sep 2026") not in text                  # no table
    # a period without activity in a province that has some: the latest one is named
    q3 = br.briefing_data(con, "48", "FY2569-Q3", admin, today=dt.date(2026, 11, 26))   # Apr-Jun 2026
    assert br.cooperation_lines(q3, "en") == [t("briefcoop.none_period", "en", dates="1 Apr 2026 – 30 Jun 2026",
                                                  last="10 Mar 2026")]


def test_a_governor_briefing_counts_the_own_province_only(coop):
    con, _ = coop
    gov = Scope("governor", province_code="27")
    d = br.briefing_data(con, "27", "FY2569-Q4", gov, today=dt.date(2026, 11, 26))
    c = d.cooperation
    assert c.activities == 1 and c.activities_to_date == 1 and c.types == ["workshop"]
    assert c.districts.set_index("code").loc["2706", "people_across"] == 5
    assert c.activities_in_view == 1                          # the Nakhon Phanom activities are not in view
