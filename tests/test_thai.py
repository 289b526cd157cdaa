"""The one module for Thai text conventions: digits, Buddhist-era years, fiscal years, prefixes."""
import datetime as dt

import pytest

from ntswatch_geo import i18n, thai
from ntswatch_geo.reports import normalise


def test_thai_digits_read_as_ascii_and_back():
    assert thai.ascii_digits("๑๕/๑๑/๒๕๖๙") == "15/11/2569"
    assert thai.thai_digits("15/11/2569") == "๑๕/๑๑/๒๕๖๙"


@pytest.mark.parametrize("year, ce", [(2569, 2026), (2401, 1858), (2400, 2400), (2026, 2026)])
def test_four_digit_year_above_2400_is_buddhist_era(year, ce):
    assert thai.ce_year(year) == ce


@pytest.mark.parametrize("day, fy", [(dt.date(2025, 9, 30), 2568), (dt.date(2025, 10, 1), 2569),
                                     (dt.date(2026, 9, 30), 2569), (dt.date(2026, 10, 1), 2570)])
def test_fiscal_year_starts_on_1_october(day, fy):
    assert thai.fiscal_year_be(day) == fy


@pytest.mark.parametrize("name", ["อำเภอเชียงแสน", "อ.เชียงแสน", "อ. เชียงแสน", "กิ่งอำเภอเชียงแสน", "เชียงแสน"])
def test_district_prefixes_are_not_part_of_the_name(name):
    assert thai.strip_district_prefix(name) == "เชียงแสน"


def test_intake_and_interface_share_the_month_names_and_era():
    assert i18n.TH_MONTHS == thai.MONTHS_ABBR
    assert normalise.TH_MONTHS == list(thai.MONTHS_FULL)
    assert i18n.BE_OFFSET == normalise.BE_OFFSET == thai.BE_OFFSET
    assert normalise.parse_date("15 พฤศจิกายน ๒๕๖๙").date == dt.date(2026, 11, 15)
