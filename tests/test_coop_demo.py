"""The demo generator's synthetic cooperation activities (issue 14): seeded, on the real parallel areas, marked
synthetic, with the planted effect recorded from the report model's own means; clear_synthetic removes them."""
from __future__ import annotations

import datetime as dt
import math
import re
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from ntswatch_geo import synth
from ntswatch_geo.cli import app
from ntswatch_geo.cooperation import demo, record
from ntswatch_geo.cooperation.taxonomy import ACTIVITY_TYPE_KEYS
from ntswatch_geo.db import connect, next_ids, transaction
from ntswatch_geo.dbinfo import clear_synthetic
from ntswatch_geo.errors import InputError
from ntswatch_geo.scenario import DEFAULT_SCENARIO_PATH, load_scenario, parse_scenario
from ntswatch_geo.scope import Scope

END = dt.date(2026, 10, 31)
SEED = 314
EFFECT = """
name = "coop-demo-test"
[[cooperation.effect]]
activity_type = "nts_literacy_training"
channel = "mwcc_office"
multiplier = 1.3
months = 6
"""


@pytest.fixture(scope="module")
def run(module_store_copy):
    """One run with 4,000 background reports and the model's expected number of activities, with the planted
    training effect, in each store."""
    con = connect(module_store_copy("geo"))
    scenario = parse_scenario(EFFECT, source="<test>")
    result = synth.generate(con, 4_000, SEED, scenario, END, n_activities=None)
    yield SimpleNamespace(con=con, result=result, scenario=scenario)
    con.close()


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def test_activities_are_marked_synthetic_and_say_so_in_title_and_outcome(run):
    con, r = run.con, run.result
    n = one(con, "SELECT count(*) FROM coop_activities")
    assert n == r.n_activities and 500 < n < 2000                  # the model's ~1,000
    assert one(con, "SELECT count(*) FROM coop_activities WHERE NOT is_synthetic") == 0
    assert {x[0] for x in con.execute("SELECT DISTINCT source FROM coop_activities").fetchall()} == {f"synthetic:{r.run_id}"}
    assert one(con, "SELECT count(*) FROM coop_activities WHERE created_by <> 'ntswatch demo'") == 0
    titles = [x[0] for x in con.execute("SELECT title FROM coop_activities").fetchall()]
    assert all(t.startswith("[ข้อมูลสังเคราะห์ / synthetic] ") for t in titles)
    refs = [re.search(r"\(SYN-(\d+)-A(\d{5})\)$", t) for t in titles]
    assert all(refs) and {m.group(1) for m in refs} == {str(r.run_id)} and len({m.group(2) for m in refs}) == n
    assert one(con, "SELECT count(*) FROM coop_activities WHERE outcome NOT LIKE '[ข้อมูลสังเคราะห์ / synthetic]%'") == 0
    assert "cooperation activities" in r.summary()


def test_activities_lie_on_the_real_parallel_areas_of_border_districts(run):
    con = run.con
    assert one(con, """SELECT count(*) FROM coop_activity_areas a JOIN coop_activities c ON c.id = a.activity_id
                       WHERE NOT EXISTS (SELECT 1 FROM parallel_areas p WHERE p.district_code = c.district_code
                                                                        AND p.neighbour_id = a.neighbour_id)""") == 0
    assert one(con, """SELECT count(*) FROM coop_activities c
                       WHERE NOT EXISTS (SELECT 1 FROM coop_activity_areas a WHERE a.activity_id = c.id)""") == 0
    assert one(con, """SELECT count(*) FROM coop_activities c JOIN districts d ON d.code = c.district_code
                       WHERE NOT d.is_border OR c.province_code <> d.province_code""") == 0
    assert one(con, "SELECT count(DISTINCT district_code) FROM coop_activities") >= 55        # of 67
    assert {x[0] for x in con.execute("SELECT DISTINCT activity_type FROM coop_activities").fetchall()} \
        == set(ACTIVITY_TYPE_KEYS)
    assert one(con, "SELECT count(*) FROM coop_activities WHERE end_date < start_date OR end_date > ?", [END]) == 0


def test_lao_and_cambodian_participants_only_where_the_activity_faces_that_country(run):
    con = run.con
    sides = con.execute("""
        WITH faces AS (SELECT a.activity_id, bool_or(p.country = 'LA') AS la, bool_or(p.country = 'KH') AS kh
                       FROM coop_activity_areas a JOIN coop_activities c ON c.id = a.activity_id
                       JOIN parallel_areas p ON p.district_code = c.district_code AND p.neighbour_id = a.neighbour_id
                       GROUP BY 1)
        SELECT count(*) FILTER (WHERE la_officials + la_leaders + la_citizens + la_youth > 0 AND NOT f.la),
               count(*) FILTER (WHERE kh_officials + kh_leaders + kh_citizens + kh_youth > 0 AND NOT f.kh),
               count(*) FILTER (WHERE la_officials + la_leaders + la_citizens + la_youth > 0),
               count(*) FILTER (WHERE kh_officials + kh_leaders + kh_citizens + kh_youth > 0),
               count(*) FILTER (WHERE th_officials + th_leaders + th_citizens + th_youth = 0)
        FROM coop_activities c JOIN faces f ON f.activity_id = c.id""").fetchone()
    wrong_la, wrong_kh, with_la, with_kh, no_thai = sides
    assert (wrong_la, wrong_kh) == (0, 0)
    assert with_la > 100 and with_kh > 30 and no_thai < 10          # both borders take part; Thai side nearly always


def test_change_agents_only_from_trainings_and_never_more_than_the_thai_trainees(run):
    con = run.con
    assert one(con, "SELECT count(*) FROM coop_activities WHERE change_agents > 0 "
                    "AND activity_type <> 'nts_literacy_training'") == 0
    assert one(con, "SELECT count(*) FROM coop_activities WHERE change_agents > th_leaders + th_citizens + th_youth") == 0
    agents, trainees = con.execute("SELECT sum(change_agents), sum(th_leaders + th_citizens + th_youth) "
                                   "FROM coop_activities WHERE activity_type = 'nts_literacy_training'").fetchone()
    assert abs(agents / trainees - demo.CHANGE_AGENT_P) < 0.05
    assert one(con, "SELECT count(*) FROM coop_activities WHERE budget_thb IS NULL OR budget_thb <= 0 "
                    "OR budget_thb % 100 <> 0") == 0


def test_trainings_are_a_programme_reaching_some_districts_from_its_start_month(run):
    con = run.con
    first, districts = con.execute("SELECT min(start_date), count(DISTINCT district_code) FROM coop_activities "
                                   "WHERE activity_type = 'nts_literacy_training'").fetchone()
    assert first >= dt.date(2024, 4, 1)
    assert 8 <= districts <= 0.75 * 67                               # 60 % in the programme; some never trained


def test_generated_activities_pass_the_rules_of_the_entry_form(run):
    con = run.con
    rows = con.execute("""SELECT c.*, (SELECT string_agg(neighbour_id, ',') FROM coop_activity_areas a
                                       WHERE a.activity_id = c.id) AS facing
                          FROM coop_activities c ORDER BY id LIMIT 60""").df()
    g = record.geo(con)
    for row in rows.to_dict("records"):
        raw = {k: (None if row[k] is None else str(row[k])) for k in record.STORED if k not in ("district_code",
                                                                                              "province_code")}
        raw["start_date"], raw["end_date"] = row["start_date"].date().isoformat(), row["end_date"].date().isoformat()
        raw["district"], raw["facing"] = row["district_code"], row["facing"]
        checked = record.check(con, raw, None, END, g)
        assert checked.ok, (row["id"], record.issues_text(checked.issues))
        assert checked.activity["facing"] == sorted(row["facing"].split(","))


def test_planted_effect_is_recorded_from_the_report_model_s_own_means(run):
    con, r = run.con, run.result
    eff = r.effects
    assert len(eff) > 0 and int(eff["extra_reports"].sum()) == r.n_effect > 0
    assert set(eff["channel"]) == {"mwcc_office"} and set(eff["multiplier"]) == {1.3}
    stored = con.execute("SELECT count(*), sum(extra_reports) FROM coop_planted_effects WHERE run_id = ?",
                         [r.run_id]).fetchone()
    assert stored == (len(eff), r.n_effect)
    # each month lies in the six months from the start of a training of that district
    assert one(con, """SELECT count(*) FROM coop_planted_effects e JOIN coop_activities c ON c.id = e.activity_id
                       WHERE c.activity_type <> 'nts_literacy_training' OR c.district_code <> e.district_code
                          OR e.month < date_trunc('month', c.start_date)
                          OR e.month > date_trunc('month', c.start_date) + INTERVAL 5 MONTH""") == 0
    # expected_base is synth's background mean of that district x month x office (all categories)
    means = synth.background_means(con, 4_000, run.scenario, END)
    office = means[means["channel"] == "mwcc_office"].groupby(["district_code", "month"])["mean"].sum()
    for row in eff.itertuples():
        assert math.isclose(row.expected_base, office[(row.district_code, row.month)], rel_tol=1e-9)
    # extras ~ Poisson(0.3 x base): their total within 5 sigma of 0.3 x the bases' total
    base = eff["expected_base"].sum()
    assert abs(r.n_effect - 0.3 * base) < 5 * math.sqrt(0.3 * base)
    assert one(con, "SELECT count(*) FROM reports") == r.n_total


def test_same_seed_gives_the_same_activities_and_another_seed_others(store_copy):
    def activities(seed):
        con = connect(store_copy("geo"))
        synth.generate(con, 500, seed, None, END, n_activities=300)
        rows = con.execute("""SELECT c.* EXCLUDE (id, created_at),
                                     (SELECT string_agg(neighbour_id, ',' ORDER BY neighbour_id)
                                      FROM coop_activity_areas a WHERE a.activity_id = c.id) AS facing
                              FROM coop_activities c ORDER BY c.id""").fetchall()
        con.close()
        return rows

    first = activities(11)
    assert len(first) == 300                                        # exactly as many as asked
    assert activities(11) == first
    assert activities(12) != first


def test_activities_without_an_effect_leave_every_report_as_without_activities(store_copy):
    def reports(n_activities):
        con = connect(store_copy("geo"))
        synth.generate(con, 800, 21, None, END, n_activities=n_activities)
        h = one(con, """SELECT md5(string_agg(CAST(r AS VARCHAR), chr(10) ORDER BY r.id))
                        FROM (SELECT * EXCLUDE (geom) FROM reports) r""")
        con.close()
        return h

    assert reports(0) == reports(250)


def test_clear_synthetic_removes_the_synthetic_activities_their_areas_and_planted_effects(geo_db):
    con = connect(geo_db)
    synth.generate(con, 1_000, 5, parse_scenario(EFFECT), END, n_activities=400)
    real = record.add(con, {"activity_type": "workshop", "start_date": "2025-05-01", "district": "2706",
                            "facing": "Poipet", "th_officials": "5"}, actor="plan", scope=Scope("planner"))
    synthetic_id = one(con, "SELECT min(id) FROM coop_activities WHERE is_synthetic")
    note_id = int(next_ids(con, "swot_note_id_seq", 1)[0])
    transaction(con, lambda: con.execute(
        "INSERT INTO swot_notes (id, district_code, kind, text, author, activity_id) "
        "VALUES (?, '2706', 'strengths', 'ผู้นำสองฝั่งรู้จักกัน', 'plan', ?)", [note_id, synthetic_id]))
    assert one(con, "SELECT count(*) FROM coop_planted_effects") > 0
    clear_synthetic(con)
    assert con.execute("SELECT id, is_synthetic FROM coop_activities").fetchall() == [(real, False)]
    assert one(con, "SELECT count(*) FROM coop_activity_areas WHERE activity_id <> ?", [real]) == 0
    assert one(con, "SELECT count(*) FROM coop_activity_areas WHERE activity_id = ?", [real]) == 1
    assert one(con, "SELECT count(*) FROM coop_planted_effects") == 0
    assert con.execute("SELECT text, activity_id FROM swot_notes").fetchall() == [("ผู้นำสองฝั่งรู้จักกัน", None)]
    con.close()


def test_ntswatch_demo_writes_activities_by_default_and_none_with_zero(geo_db):
    runner = CliRunner()
    base = ["demo", "--db", str(geo_db), "--reports", "1500", "--seed", "2", "--end-date", "2026-10-31", "-q"]
    res = runner.invoke(app, base)
    assert res.exit_code == 0, res.output
    con = connect(geo_db, read_only=True)
    n, effects = con.execute("SELECT (SELECT count(*) FROM coop_activities), "
                             "(SELECT count(*) FROM coop_planted_effects)").fetchone()
    con.close()
    assert n > 500 and effects > 0                       # the default scenario plants the training effect
    assert "synthetic cooperation activities" in " ".join(res.output.split())
    res = runner.invoke(app, [*base, "--activities", "120"])
    assert res.exit_code == 0, res.output
    con = connect(geo_db, read_only=True)
    assert one(con, "SELECT count(*) FROM coop_activities") == 120   # replaced, exactly as many as asked
    con.close()
    assert runner.invoke(app, [*base, "--activities", "0"]).exit_code == 0
    con = connect(geo_db, read_only=True)
    assert one(con, "SELECT count(*) FROM coop_activities") == 0
    con.close()


def test_default_scenario_plants_office_reports_times_1_3_after_trainings():
    coop = load_scenario(DEFAULT_SCENARIO_PATH).cooperation
    assert coop == demo.CoopModel(effects=coop.effects)               # the file repeats the built-in model
    (e,) = coop.effects
    assert (e.activity_type, e.channel, e.multiplier, e.months, e.districts, e.categories) == \
        ("nts_literacy_training", "mwcc_office", 1.3, 6, (), ())


@pytest.mark.parametrize("text, field, allowed", [
    ('[[cooperation.effect]]\nactivity_type = "party"\nmultiplier = 1.3', "activity_type", "nts_literacy_training"),
    ('[[cooperation.effect]]\nactivity_type = "workshop"\nmultiplier = 0.8', "multiplier", "greater than 1"),
    ('[[cooperation.effect]]\nactivity_type = "workshop"\nmultiplier = 2\nchannel = "fax"', "channel", "mwcc_office"),
    ('[[cooperation.effect]]\nactivity_type = "workshop"\nmultiplier = 2\nmonths = 0', "months", "1 to 36"),
    ('[[cooperation.effect]]\nactivity_type = "workshop"\nmultiplier = 2\ncategories = ["theft"]', "categories",
     "drug_trafficking"),
    ('[[cooperation.effect]]\nactivity_type = "workshop"\nmultiplier = 2\n[[cooperation.effect]]\n'
     'activity_type = "workshop"\nmultiplier = 3\nchannel = "all"', "channel", "one effect per activity type"),
    ('[cooperation]\ntraining_share = 1.5', "training_share", "0 to 1"),
    ('[cooperation]\ntraining_from = "2020-01"', "training_from", "2023-01"),
    ('[cooperation]\nvisits = 3', "visits", "activities_per_district_year"),
])
def test_a_bad_cooperation_table_is_refused_naming_the_field_and_what_is_allowed(text, field, allowed):
    with pytest.raises(InputError) as exc:
        parse_scenario(text, source="mine.toml")
    msg = str(exc.value)
    assert msg.startswith("mine.toml: ") and field in msg and allowed in msg and "\n" not in msg


def test_an_effect_in_a_district_that_is_not_on_the_border_is_refused(module_store_copy):
    from ntswatch_geo.scenario import validate
    con = connect(module_store_copy("geo"), read_only=True)
    s = parse_scenario('[[cooperation.effect]]\nactivity_type = "workshop"\nmultiplier = 2\ndistricts = ["1001"]')
    with pytest.raises(InputError, match="districts: '1001'"):
        validate(s, con, END)
    ok = validate(parse_scenario('[[cooperation.effect]]\nactivity_type = "workshop"\nmultiplier = 2\n'
                                 'districts = ["Aranyaprathet", "2301"]'), con, END)
    assert ok.cooperation.effects[0].district_codes == ("2301", "2706")
    con.close()


def test_readme_documents_every_cooperation_field():
    text = (DEFAULT_SCENARIO_PATH.parent / "README.md").read_text(encoding="utf-8")
    missing = [k for k in (*demo.SECTION_FIELDS[:-1], *demo.EFFECT_FIELDS, "[cooperation]", "[[cooperation.effect]]")
               if f"`{k}`" not in text]
    assert missing == []
