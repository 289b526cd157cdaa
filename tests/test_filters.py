"""Filters from and to the URL: defaults, round trips, and tampered values."""
from __future__ import annotations

import datetime as dt

import pytest

from ntswatch_geo.filters import FilterOptions, Filters, default_filters, from_query
from ntswatch_geo.scope import Scope

OPTS = FilterOptions(first_date=dt.date(2023, 1, 15), last_date=dt.date(2026, 10, 31),
                     max_date=dt.date(2026, 11, 26), provinces=("27", "23"),
                     districts=("2706", "2703", "2302"), district_province={"2706": "27", "2703": "27", "2302": "23"})


def test_default_filters_cover_the_last_365_days_of_data():
    f = default_filters(OPTS)
    assert (f.date_from, f.date_to) == (dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert f.days == 365 and not f.categories and not f.mwcc_only


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    f = Filters(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert f.previous_period() == (dt.date(2026, 3, 31), dt.date(2026, 6, 30))


def test_query_string_round_trip_reproduces_the_filters():
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 6, 30), categories=("smuggling", "drug_trafficking"),
                provinces=("27",), districts=("2706",), mwcc_only=True, channels=("online",), statuses=("new",))
    back, notices = from_query(f.to_query(), OPTS)
    assert back == f and notices == []


@pytest.mark.parametrize("query, param, reason", [
    ({"dist": "9999"}, "dist", "not_allowed"),
    ({"prov": "10"}, "prov", "not_allowed"),
    ({"cat": "drug_trafficking';DROP TABLE reports;--"}, "cat", "not_allowed"),
    ({"from": "15/01/2567"}, "from", "bad_date"),
    ({"to": "1900-01-01"}, "to", "out_of_range"),
    ({"from": "2026-05-01", "to": "2026-01-01"}, "from/to", "reversed_dates"),
    ({"mwcc": "yes"}, "mwcc", "not_allowed"),
    ({"st": "<script>alert(1)</script>"}, "st", "not_allowed"),
])
def test_a_tampered_value_is_dropped_with_a_notice_and_the_default_kept(query, param, reason):
    f, notices = from_query(query, OPTS)
    assert [(n.param, n.reason) for n in notices] == [(param, reason)]
    base = default_filters(OPTS)
    assert (f.date_from, f.date_to) == (base.date_from, base.date_to) or param in ("dist", "prov", "cat", "mwcc", "st")
    assert not f.districts and not f.provinces and not f.categories and not f.statuses and not f.mwcc_only


def test_allowed_values_survive_next_to_a_bad_one():
    f, notices = from_query({"dist": "2706,9999,2706"}, OPTS)
    assert f.districts == ("2706",) and [n.value for n in notices] == ["9999"]


def test_sql_params_carry_the_scope_whatever_the_filters_say():
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31), provinces=("23",))
    p = f.sql_params(Scope("governor", province_code="27"))
    assert p["scope_province"] == "27" and p["provs"] == ["23"] and p["scope_district"] is None
    assert (p["prev_from"], p["prev_to"]) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
