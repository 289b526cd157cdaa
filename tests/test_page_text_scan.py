"""The rules the every-page browser scan applies (tests/page_text_scan.py), and the table helper the pages use
(ntswatch_geo/ui/tables.py): raw keys, codes, missing values and unformatted numbers are found, and the helper
writes none of them."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from page_text_scan import scan
from ntswatch_geo.ui import tables


def rules(text, lang="th", nouns=()):
    return {(f.rule, f.token) for f in scan(text, lang, nouns)}


def test_the_scan_finds_each_kind_of_raw_value_named_in_the_issue():
    text = ("unit_id | p_sim | no_pattern | too_short | occurred_date | is_home | msdhs | human_trafficking | "
            "None | nan | NaT | hotspots.foo | 14.7292 วัน | 12345 รายงาน | Not significant")
    found = rules(text)
    for rule, token in [("snake_case key", "unit_id"), ("snake_case key", "p_sim"), ("snake_case key", "no_pattern"),
                        ("snake_case key", "too_short"), ("snake_case key", "occurred_date"),
                        ("snake_case key", "is_home"), ("code", "msdhs"), ("snake_case key", "human_trafficking"),
                        ("missing value", "None"), ("missing value", "nan"), ("missing value", "NaT"),
                        ("locale key", "hotspots.foo"), ("unformatted number", "14.7292"),
                        ("no thousands separator", "12345"), ("English in Thai mode", "significant")]:
        assert (rule, token) in found, (rule, token, found)


def test_the_scan_lets_pass_what_a_thai_page_may_show():
    text = ("รายงาน 12,345 เรื่อง · 14.7 วัน · 35% · p = 0.003 · คะแนน 0.798 · NTS-2569-000215 · Gi* · HDBSCAN · "
            "ไฟล์ PDF / XLSX / CSV · ต่อ 100 ตร.กม. · km² · LINE · ภาษา / Language · English · Kampong Trabaek")
    assert scan(text, "th", ("Kampong Trabaek",)) == []


def test_english_words_and_plain_english_codes_pass_in_english_but_codes_that_are_not_words_do_not():
    assert scan("3 new reports verified; Smuggling of goods; Online", "en") == []
    assert ("code", "msdhs") in rules("Forwarded to msdhs", "en")


def test_a_proper_noun_is_taken_out_as_a_whole_word_only():
    # "La" (a place) must not cut "Language" into an unknown word
    assert scan("ภาษา / Language", "th", ("La",)) == []


def test_the_table_helper_writes_labels_formatted_numbers_and_a_dash_for_missing_values():
    df = pd.DataFrame({"unit_id": ["2706", "2707"], "name_th": ["อรัญประเทศ", None], "name_en": ["Aranyaprathet", None],
                       "category": ["human_trafficking", "smuggling"], "reports": [12345, 7],
                       "days": [14.7292, np.nan], "share": [0.1234, None], "p": [0.0004, 0.04123],
                       "when": [pd.Timestamp("2026-11-15 08:30", tz="UTC"), pd.NaT],
                       "day": [dt.date(2026, 11, 15), None]})
    cols = {"name_{lang}": tables.Col("col.district"), "category": tables.Col("form.category", "code",
                                                                            code_kind="category"),
            "reports": tables.Col("col.reports", "int"), "days": tables.Col("kpi.median_days", "float"),
            "share": tables.Col("col.share", "pct", 1), "p": tables.Col("col.p", "p"),
            "when": tables.Col("queue.received", "datetime"), "day": tables.Col("form.date", "date")}
    styler, config = tables.styled(df, cols, "th")
    shown = styler.to_string(delimiter="|")
    assert "unit_id" not in styler.data.columns and "name_en" not in styler.data.columns
    for text in ("อรัญประเทศ", "การค้ามนุษย์", "12,345", "14.7", "12.3%", "< 0.001", "0.041", "15 พ.ย. 2569 15:30",
                 "15 พ.ย. 2569"):
        assert text in shown, (text, shown)
    cells = styler.hide(axis="columns").to_string(delimiter="|")      # the headers are the config's labels
    drawn = cells + "|".join(c["label"] for c in config.values())
    assert scan(drawn, "th") == [], scan(drawn, "th")
    assert shown.count("–") == 5             # name, days, share, when, day of the second row
    assert config["name_th"]["label"] == "อำเภอ" and config["reports"]["label"] == "รายงาน"
    assert pd.api.types.is_numeric_dtype(styler.data["reports"])       # still sorts as a number
    en, config_en = tables.styled(df, cols, "en")
    assert "Human trafficking" in en.to_string() and config_en["name_en"]["label"] == "District"


def test_every_hotspot_results_table_keeps_only_labelled_columns_in_the_viewers_language():
    frame_cols = ["unit_id", "unit", "name_th", "name_en", "province_code", "province_th", "province_en", "area_km2",
                  "reports", "expected", "ratio", "x", "gi", "z", "p_sim", "p_norm", "p_value", "q_value", "bin",
                  "data_status", "label_en", "label_th", "evidence_th", "evidence_en", "method", "permutations"]
    cols = tables.hotspot_columns("gi", "district", frame_cols)
    assert {"p_sim", "data_status", "method", "bin", "x", "gi"}.isdisjoint(cols)
    assert list(cols)[:3] == ["unit_id", "name_{lang}", "province_{lang}"] and "q_value" in cols
    no_fdr = tables.hotspot_columns("gi", "district", [c for c in frame_cols if c != "q_value"])
    assert "q_value" not in no_fdr


def test_a_long_table_is_written_as_text_with_the_same_cells():
    n = tables.STYLER_MAX_ROWS + 1
    df = pd.DataFrame({"reports": np.arange(n) * 1000, "z": np.linspace(-3, 3, n), "p_value": [np.nan] * n})
    cols = {"reports": tables.Col("col.reports", "int"), "z": tables.Col("col.z", "signed", 2),
            "p_value": tables.Col("col.p", "p")}
    out, config = tables.styled(df, cols, "th")
    assert isinstance(out, pd.DataFrame)
    assert out["reports"].iloc[-1] == f"{(n - 1) * 1000:,}" and out["z"].iloc[0] == "-3.00"
    assert set(out["p_value"]) == {"–"} and config["z"]["label"] == "คะแนน z"


def test_a_hotspot_warning_carries_its_thai_through_the_cache_and_reads_without_english():
    import pickle

    from ntswatch_geo.filters import Filters
    from ntswatch_geo.hotspots.ehsa import complete_slices
    from ntswatch_geo.i18n import in_lang

    f = Filters(date_from=dt.date(2025, 11, 5), date_to=dt.date(2026, 10, 20))
    _, notes = complete_slices(f, dt.date(2023, 1, 1), dt.date(2026, 10, 31), "month")
    notes = pickle.loads(pickle.dumps(notes))             # as st.cache_data keeps a result
    assert [str(n) for n in notes] == ["the partial month 2025-11 at the start of the date range is left out",
                                       "the partial month 2026-10 (the date range end on 2026-10-20) is left out"]
    th = [in_lang(n, "th") for n in notes]
    assert th[0] == "ไม่นับเดือน พ.ย. 2568 ต้นช่วงวันที่ เพราะไม่ครบเดือน" and "20 ต.ค. 2569" in th[1]
    assert all(scan(x, "th") == [] for x in th), [scan(x, "th") for x in th]
    assert in_lang(notes[0], "en") == str(notes[0]) and in_lang({"th": "ก", "en": "a"}, "en") == "a"
