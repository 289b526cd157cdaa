"""Thai and English catalogues, names, numbers and Buddhist-era dates."""
from __future__ import annotations

import datetime as dt
import re
import string

import pytest

from ntswatch_geo.i18n import LANGS, catalogue, fmt_date, fmt_int, fmt_month, fmt_pct, label, t
from ntswatch_geo.scope import ROLES
from ntswatch_geo.taxonomy import CATEGORY_KEYS, CHANNEL_KEYS, STATUSES


def placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_both_catalogues_have_the_same_keys():
    assert set(catalogue("th")) == set(catalogue("en"))


def test_both_catalogues_use_the_same_placeholders_for_each_key():
    th, en = catalogue("th"), catalogue("en")
    assert {k: placeholders(v) for k, v in th.items()} == {k: placeholders(v) for k, v in en.items()}


def test_thai_catalogue_is_in_thai():
    th = catalogue("th")
    thai = [k for k, v in th.items() if re.search(r"[\u0E00-\u0E7F]", v)]
    assert len(thai) > 0.8 * len(th)


@pytest.mark.parametrize("lang", LANGS)
def test_every_coded_value_has_a_label_in_each_language(lang):
    for kind, keys in (("category", CATEGORY_KEYS), ("channel", CHANNEL_KEYS), ("status", STATUSES),
                       ("role", ROLES), ("country", ["LA", "KH"]), ("crossing", ["permanent", "temporary", "relaxed"])):
        for key in keys:
            text = label(kind, key, lang)
            assert text and text != f"{kind}.{key}", (kind, key, lang)


def test_every_key_the_code_asks_for_exists():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    used = set()
    for path in [root / "app.py", *root.glob("app_pages/*.py"), *root.glob("ntswatch_geo/**/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_0-9.]+)["']""", path.read_text(encoding="utf-8")))
    assert used and used <= set(catalogue("en")), used - set(catalogue("en"))


def test_thai_dates_use_the_buddhist_era_and_thai_month_abbreviations():
    assert fmt_date(dt.date(2025, 1, 15), "th") == "15 ม.ค. 2568"
    assert fmt_date(dt.date(2025, 1, 15), "en") == "15 Jan 2025"
    assert fmt_month(dt.date(2024, 12, 1), "th") == "ธ.ค. 2567"


def test_numbers_and_percentages_are_formatted_alike_in_both_languages():
    assert fmt_int(1234567, "th") == fmt_int(1234567, "en") == "1,234,567"
    assert fmt_pct(0.254, "en", signed=True) == "+25%" and fmt_pct(None, "th") == "–"


def test_translation_fills_placeholders():
    assert t("login.locked", "en", seconds=42) == "Too many failed attempts. Try again in 42 seconds."


def test_thai_names_sort_in_dictionary_order_not_by_code_point():
    from ntswatch_geo.i18n import sort_key
    names = ["อุบลราชธานี", "เชียงราย", "ตราด", "กาญจนบุรี", "ไชยา", "จันทบุรี", "แม่สาย", "มุกดาหาร", "เลย"]
    assert sorted(names, key=sort_key) == ["กาญจนบุรี", "จันทบุรี", "เชียงราย", "ไชยา", "ตราด", "มุกดาหาร",
                                           "แม่สาย", "เลย", "อุบลราชธานี"]
    assert sorted(["Trat", "chiang rai", "Ubon"], key=lambda s: sort_key(s, "en")) == ["chiang rai", "Trat", "Ubon"]
