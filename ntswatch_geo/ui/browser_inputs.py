"""Two small browser inputs for the report form, as Streamlit v2 components (st.components.v2.component:
plain JavaScript and CSS in ui/static/, passed inline; no npm build, no network):

- "use my location": asks the browser for its position (navigator.geolocation) and returns it, or why not;
- a month calendar with Buddhist-era years (Thai month names in Thai) whose days after today are disabled.

v2 rather than v1's declare_component: a v2 component lives in the page (no iframe to size, no postMessage
protocol to speak by hand) and takes the theme's colours. Each returns its value as a one-shot trigger to a
callback (`on_change(value)`), which runs before the script so it may set the form's widgets.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import streamlit as st

from .. import thai
from ..i18n import t

STATIC = Path(__file__).parent / "static"
YEARS_BACK = 5            # the calendar's year list: this year and the five before
WEEKDAYS = {"th": ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"], "en": ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"]}


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _component(name: str, js: str):
    return st.components.v2.component(name, js=_asset(js), css=_asset("inputs.css"))


def geolocate(key: str, lang: str, on_change) -> None:
    """The "use my location" button. `on_change(value)` gets {lat, lon, accuracy} or {error: code} with code
    'denied', 'unavailable', 'timeout' or 'unsupported' (no geolocation, or not a secure page)."""
    labels = {"button": t("pick.use_my_location", lang), "help": t("pick.use_my_location_help", lang),
              "locating": t("pick.locating", lang)}
    _component("ntswatch_geolocate", "geolocate.js")(
        key=key, data={"labels": labels}, height="content",
        on_position_change=lambda: on_change(_trigger(key, "position")))


def be_calendar(key: str, lang: str, today: dt.date, selected: dt.date | None, on_change) -> None:
    """A month calendar with Buddhist-era years. `on_change(date)` gets the picked day (never after today)."""
    years = [(y, year_label(y, lang)) for y in range(today.year, today.year - YEARS_BACK - 1, -1)]
    data = {"today": today.isoformat(), "selected": selected.isoformat() if selected else None,
            "months": list(thai.MONTHS_FULL if lang == "th" else thai.EN_MONTHS_FULL),
            "weekdays": WEEKDAYS[lang], "years": years, "title": t("pick.calendar_title", lang),
            "labels": {"prev": t("pick.calendar_prev", lang), "next": t("pick.calendar_next", lang),
                       "year": t("pick.calendar_year", lang), "future": t("pick.calendar_future", lang)}}

    def picked():
        value = _trigger(key, "picked")
        if value:
            on_change(dt.date.fromisoformat(value))

    _component("ntswatch_be_calendar", "be_calendar.js")(key=key, data=data, height="content",
                                                         on_picked_change=picked)


def year_label(ce: int, lang: str) -> str:
    """A year as the calendar names it: the Buddhist-era year (with the Christian-era one in English)."""
    return str(thai.be_year(ce)) if lang == "th" else f"{thai.be_year(ce)} BE ({ce})"


def typed_date(day: dt.date, lang: str) -> str:
    """A picked day as the form's date field shows it: 15/11/2569 in Thai, 15/11/2026 in English."""
    return f"{day.day}/{day.month}/{thai.be_year(day.year) if lang == 'th' else day.year}"


def _trigger(key: str, event: str):
    state = st.session_state.get(key)
    return state.get(event) if isinstance(state, dict) or hasattr(state, "get") else None
