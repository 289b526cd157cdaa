"""Cached calls into the package: results keyed by database, data version, filters and scope."""
from __future__ import annotations

import streamlit as st

from .. import overview
from ..filters import FilterOptions, Filters, load_options
from ..maps import MapGeometry, load_geometry
from ..scope import Scope
from .session import connection


_VERSION_SQL = ("SELECT count(*) AS n, coalesce(max(id), 0) AS max_id, CAST(coalesce(sum(version), 0) AS BIGINT) "
                "AS changes FROM reports")


def data_version(con) -> tuple:
    """Changes whenever reports are added or change status (cheap: one aggregate). On PostgreSQL the server
    computes it (under the login's row security): through the postgres extension DuckDB would pull the id and
    version of every report on each page run."""
    from ..pg.gateway import is_pg, on_server
    if is_pg(con):
        return tuple(int(v) for v in on_server(con, _VERSION_SQL).fetchone())
    return con.execute(_VERSION_SQL).fetchone()


@st.cache_data(show_spinner=False, max_entries=64)
def options(_con, scope: Scope, version: tuple) -> FilterOptions:
    return load_options(_con, scope)


@st.cache_resource(show_spinner=False)
def geometry(_con, db_key: str) -> MapGeometry:
    return load_geometry(_con)


@st.cache_resource(show_spinner=False)
def pick_geometry(_con, db_key: str):
    """The report form's pick map geometry (form_map.PickGeometry), read once."""
    from ..form_map import load_pick_geometry

    return load_pick_geometry(_con)


@st.cache_data(show_spinner=False, max_entries=256)
def overview_data(_con, f: Filters, scope: Scope, version: tuple) -> dict:
    """Everything the Overview page draws, in one cached bundle."""
    return {
        "kpis": overview.kpis(_con, f, scope),
        "channels": overview.by_channel(_con, f, scope),
        "districts": overview.by_district(_con, f, scope),
        "monthly": overview.monthly_by_category(_con, f, scope),
        "synthetic": overview.synthetic_in_view(_con, f, scope),
    }


@st.cache_data(show_spinner=False, max_entries=256)
def synthetic_in_view(_con, f: Filters, scope: Scope, version: tuple) -> tuple[int, int]:
    return overview.synthetic_in_view(_con, f, scope)


def con_and_version():
    con = connection()
    return con, data_version(con)


@st.cache_data(show_spinner=False, max_entries=64)
def hotspot_result(_con, method: str, params: tuple, f: Filters, scope: Scope, version: tuple):
    """A hotspot result, cached by method, parameters, filters, scope and data version."""
    from .. import hotspots

    return hotspots.run(method, _con, f, scope, **dict(params))


@st.cache_data(show_spinner=False, max_entries=32)
def briefing(_con, province: str, period_key: str, scope: Scope, version: tuple, _lang: str = "en"):
    """The briefing's figures (briefing.BriefingData) for a province and period, cached by data version (errors
    are raised in `_lang` and not cached)."""
    from .. import briefing as br

    return br.briefing_data(_con, province, br.parse_period(period_key, lang=_lang), scope, lang=_lang)


@st.cache_data(show_spinner=False, max_entries=32)
def briefing_map(_data, province: str, period_key: str, scope: Scope, version: tuple, lang: str) -> bytes:
    """The briefing's map image (the PDF's), drawn from the data once per province, period and language."""
    from .. import briefing as br

    return br.map_image(_data, lang)
