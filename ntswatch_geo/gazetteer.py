"""The official list of provinces, districts and subdistricts for the report forms' pickers."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .boundaries import _geothai


@lru_cache(maxsize=1)
def _subdistricts() -> pd.DataFrame:
    rows = _geothai("subdistricts.json")
    df = pd.DataFrame([r[:3] for r in rows], columns=["code", "name_th", "name_en"])
    df["district_code"] = df["code"].str[:4]
    return df


def subdistricts(district_code: str) -> pd.DataFrame:
    """code, name_th, name_en of the subdistricts (tambon) of a district, from DOPA's list (geothai)."""
    df = _subdistricts()
    return df[df["district_code"] == district_code].sort_values("name_th").reset_index(drop=True)


def provinces(con) -> pd.DataFrame:
    return con.execute("SELECT code, name_th, name_en FROM provinces ORDER BY name_th").df()


def district_names(con, code: str) -> tuple[str, str, str, str] | None:
    """(district Thai, district English, province Thai, province English) of a district code, or None."""
    return con.execute("SELECT d.name_th, d.name_en, p.name_th, p.name_en FROM districts d "
                       "JOIN provinces p ON p.code = d.province_code WHERE d.code = ?", [code]).fetchone()


def districts(con, province_code: str) -> pd.DataFrame:
    return con.execute("SELECT code, name_th, name_en, is_border FROM districts WHERE province_code = ? "
                       "ORDER BY name_th", [province_code]).df()
