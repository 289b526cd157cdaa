"""Scenario files for the synthetic generator: parsing, district names, and one-line errors for bad input."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ntswatch_geo import scenario as sc
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.scenario import (DEFAULT_SCENARIO_PATH, default_scenario, load_scenario, parse_scenario,
                                   resolve_district, validate)

FIXTURES = Path(__file__).parent / "fixtures" / "scenarios"
END = dt.date(2026, 10, 31)


@pytest.fixture(scope="module")
def con(module_store_copy):
    c = connect(module_store_copy("geo"), read_only=True)
    yield c
    c.close()


def test_default_scenario_validates_and_spells_out_the_built_in_model(con):
    s = load_scenario(DEFAULT_SCENARIO_PATH)
    assert s.name == "default"
    assert s.model == default_scenario().model          # the file and DEFAULT_MODEL_TOML cannot drift
    v = validate(s, con, END)
    assert [x.district_code for x in v.signals] == ["3806", "2706", "4805", "2301", "2302", "2304"]
    assert [x.shape for x in v.signals] == ["step", "ramp", "pulse", "step", "step", "step"]
    border = {r[0] for r in con.execute("SELECT code FROM districts WHERE is_border").fetchall()}
    assert {x.district_code for x in v.signals} <= border


def test_default_smuggling_cluster_is_three_adjacent_districts(con):
    pairs = con.execute("""SELECT a.code, b.code FROM districts a JOIN districts b
                           ON a.code < b.code AND ST_Intersects(a.geom, b.geom)
                           WHERE a.code IN ('2301', '2302', '2304') AND b.code IN ('2301', '2302', '2304')""").fetchall()
    assert sorted(pairs) == [("2301", "2302"), ("2301", "2304")]   # Mueang Trat and its two neighbours


def test_readme_documents_every_scenario_field():
    text = (DEFAULT_SCENARIO_PATH.parent / "README.md").read_text(encoding="utf-8")
    keys = [k for keys in sc._SECTIONS.values() for k in keys] + list(sc._CHANNEL_KEYS) + list(sc._REGION_KEYS)
    keys += list(sc.SIGNAL_FIELDS) + list(sc.SHAPES) + list(sc.CROSSING_TYPES) + ["name", "description"]
    keys += [f"[channels.{c}]" for c in sc.SYNTH_CHANNELS] + [f"[{s}]" for s in sc._SECTIONS]
    missing = [k for k in keys if f"`{k}`" not in text]
    assert missing == []


@pytest.mark.parametrize("written, code", [
    ("2706", "2706"),
    ("Aranyaprathet", "2706"),
    ("  aranyaprathet ", "2706"),
    ("อรัญประเทศ", "2706"),
    ("อำเภออรัญประเทศ", "2706"),
    ("อ.อรัญประเทศ", "2706"),
    ("๒๗๐๖", "2706"),
    ("Mueang Nong Khai", "4301"),
    ("Chaloem Phra Kiat", "5515"),          # five districts share the name; only Nan's is on the border
    ("Wiang Sa", "5507"),
    ("That Phanom, Nakhon Phanom", "4805"),
    ("ธาตุพนม, นครพนม", "4805"),
    ("Chom Thong, Chiang Mai", "5002"),     # resolves (validate then rejects it: not a border district)
])
def test_district_is_found_by_code_english_or_thai_name(con, written, code):
    assert resolve_district(con, written) == (code, "")


@pytest.mark.parametrize("written, why", [
    ("9999", "is not a DOPA district code"),
    ("Atlantis", "is not a district name or code"),
    ("Chom Thong", "names several districts (1035 in Bangkok, 5002 in Chiang Mai)"),
    ("That Phanom, Chiang Rai", "is not a district name or code"),
])
def test_district_that_cannot_be_resolved_says_why(con, written, why):
    code, reason = resolve_district(con, written)
    assert code is None and why in reason


def test_signal_months_and_factors_follow_the_shape():
    s = parse_scenario("""
[[signal]]
district = "2706"
category = "human_trafficking"
start = "2025-11"
end = "2026-03"
multiplier = 3.0
shape = "ramp"
[[signal]]
district = "2706"
category = "smuggling"
start = "2569-02"
multiplier = 4
shape = "pulse"
[[signal]]
district = 4301
category = "smuggling"
start = "2026-01"
end = "2026-02"
multiplier = 1.5
shape = "step"
""")
    ramp, pulse, step = s.signals
    assert ramp.months() == [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1),
                             dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    assert ramp.factors() == pytest.approx([1.0, 1.5, 2.0, 2.5, 3.0])
    assert pulse.months() == [dt.date(2026, 2, 1)] and pulse.factors() == [4.0]   # พ.ศ. 2569 = 2026
    assert step.district == "4301" and step.factors() == [1.5, 1.5]
    assert [x.no for x in s.signals] == [1, 2, 3]


def test_a_file_overrides_single_model_values_and_keeps_the_rest():
    s = load_scenario(FIXTURES / "good_small.toml")
    d = default_scenario().model
    assert s.name == "test-small"
    assert s.model.reports_per_month == 400 and s.model.amplitude_la == 0.4
    assert s.model.amplitude_kh == d.amplitude_kh and s.model.channels == d.channels
    assert [r.name for r in s.model.regions] == ["everywhere"]          # [regions] replaces the table
    assert s.model.regions[0].mix["online_fraud"] == 0.0
    assert sum(s.model.regions[0].mix.values()) == pytest.approx(1.0)


# file, signal number (None: not about a signal), field, bad value as shown, words of the allowed part
BAD_FILES = [
    ("bad_unknown_district.toml", 2, "district", "'Atlantis'", "4-digit DOPA code"),
    ("bad_not_border.toml", 2, "district", "'1001'", "Lao or Cambodian border"),
    ("bad_ambiguous_district.toml", 2, "district", "'Chom Thong'", "4-digit DOPA code"),
    ("bad_category.toml", 2, "category", "'piracy'", "drug_trafficking, human_trafficking"),
    ("bad_shape.toml", 2, "shape", "'spike'", "step, ramp, pulse"),
    ("bad_end_before_start.toml", 2, "end", "'2025-01'", "on or after start"),
    ("bad_before_period.toml", 2, "start", "'2022-11'", "from 2023-01"),
    ("bad_after_period.toml", 2, "end", "'2027-03'", "2023-01 to 2026-10"),
    ("bad_multiplier.toml", 2, "multiplier", "0", "greater than 1"),
    ("bad_unknown_field.toml", 2, "multipler", "2.0", "district, category, start, end, multiplier, shape"),
    ("bad_pulse_end.toml", 2, "end", "'2025-04'", "equal to start"),
    ("bad_month_format.toml", 2, "start", "'March 2025'", "YYYY-MM"),
    ("bad_missing_end.toml", 2, "end", "is missing", "on or after start"),
    ("bad_region_mix.toml", None, "mix.piracy", "'piracy'", "drug_trafficking"),
]


@pytest.mark.parametrize("name, signal, fld, shown, allowed", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_scenario_file_gives_one_line_naming_file_signal_field_and_value(con, name, signal, fld, shown,
                                                                            allowed):
    path = FIXTURES / name
    with pytest.raises(InputError) as err:
        validate(load_scenario(path), con, END)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: ")
    if signal is not None:
        assert f"signal {signal}, " in msg
    assert f"field {fld}: {shown}" in msg
    assert "allowed: " in msg and allowed in msg


def test_malformed_toml_names_the_file_and_the_line():
    path = FIXTURES / "bad_syntax.toml"
    with pytest.raises(InputError, match=r"bad_syntax\.toml: not valid TOML: .*line 9") as err:
        load_scenario(path)
    assert "\n" not in str(err.value)


def test_regions_must_cover_every_border_district(con):
    path = FIXTURES / "bad_region_coverage.toml"
    s = load_scenario(path)                     # fine on its own; the database shows the gap
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}: \[regions\]: border district 2204 is in no region"):
        validate(s, con, END)


def test_missing_scenario_file_is_named(tmp_path):
    with pytest.raises(InputError, match="nope.toml: scenario file not found"):
        load_scenario(tmp_path / "nope.toml")


@pytest.mark.parametrize("toml, fld, shown", [
    ('multiplier = -2', "multiplier", "-2"),
    ('multiplier = 1.0', "multiplier", "1.0"),
    ('multiplier = "3"', "multiplier", "'3'"),
    ('multiplier = 101', "multiplier", "101"),
    ('multiplier = 2\nstart = "2025-13"', "start", "'2025-13'"),
    ('multiplier = 2\nstart = 202501', "start", "202501"),
    ('multiplier = 2\nshape = "ramp"\nend = "2025-01"', "end", "'2025-01'"),    # a one-month ramp
    ('multiplier = 2\ncategory = "Drug_Trafficking"', "category", "'Drug_Trafficking'"),
    ('multiplier = 2\ndistrict = true', "district", "True"),
])
def test_bad_signal_values_are_rejected_with_field_and_value(toml, fld, shown):
    base = {"district": '"2706"', "category": '"smuggling"', "start": '"2025-01"', "end": '"2025-02"',
            "shape": '"step"'}
    lines = dict(line.split(" = ", 1) for line in toml.split("\n"))
    body = "\n".join(f"{k} = {v}" for k, v in {**base, **lines}.items())
    with pytest.raises(InputError) as err:
        parse_scenario(f"[[signal]]\n{body}\n", source="mine.toml")
    assert f"mine.toml: signal 1, field {fld}: {shown} " in str(err.value)


@pytest.mark.parametrize("toml, where", [
    ("[space]\ncrossing_share = 0.7\nborder_share = 0.5", "[space], field border_share"),
    ("[space]\nborder_scale_km = 0", "[space], field border_scale_km: 0 is out of range"),
    ("[seasonality]\namplitude_la = 1.5", "[seasonality], field amplitude_la: 1.5 is out of range"),
    ("[seasonality]\npeak = 3", "[seasonality], field peak: 3 is not a known field"),
    ("[channels.import]\nshare = 1", "[channels], field import"),
    ("[channels.online]\nshare = 0\n[channels.mwcc_office]\nshare = 0", "[channels], field share"),
    ("[regions.x]\nprovinces = [57]\nrate_factor = 1\nmix = { other = 1 }", "[regions.x], field provinces: [57]"),
    ("[regions.x]\nprovinces = ['57']\nrate_factor = -1\nmix = { other = 1 }", "[regions.x], field rate_factor: -1"),
    ("[regions.x]\nprovinces = ['57']\nrate_factor = 1\nmix = { other = 0 }", "[regions.x], field mix"),
    ("[regions.x]\nprovinces = ['57']\nmix = { other = 1 }", "[regions.x], field rate_factor: is missing"),
    ("[[signals]]\ndistrict = '2706'", "unknown top-level key 'signals'"),
    ("[signal]\ndistrict = '2706'", "[[signal]]"),
])
def test_bad_model_values_are_rejected_with_table_and_field(toml, where):
    with pytest.raises(InputError) as err:
        parse_scenario(toml, source="mine.toml")
    assert str(err.value).startswith("mine.toml: ") and where in str(err.value)


def test_a_province_listed_in_two_regions_is_rejected(con):
    text = "[regions.a]\nprovinces = ['57']\nrate_factor = 1\nmix = { other = 1 }\n" \
           "[regions.b]\nprovinces = ['57']\nrate_factor = 1\nmix = { other = 1 }\n"
    with pytest.raises(InputError, match=r"\[regions.b\], field provinces: '57' is already in region a"):
        validate(parse_scenario(text, source="mine.toml"), con, END)
