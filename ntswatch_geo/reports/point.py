"""One point as the forms see it before sending: the typed (or device) latitude and longitude read and placed
by the same stages a submission runs (`validate.prepare`), so the district shown under the fields is the one
the report will get, and an out-of-range value is flagged with the same message it would get on sending.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..scope import Scope
from .validate import FieldError, make_context, prepare

POINT_FIELDS = ("lat", "lon", "coords", "district", "location")


@dataclass(frozen=True)
class PointCheck:
    """A latitude/longitude pair read and placed: the degrees, the district holding the point (code and
    province code) or the errors naming the field and what is allowed."""

    lat: float | None
    lon: float | None
    district_code: str | None
    province_code: str | None
    errors: tuple[FieldError, ...]
    warnings: tuple[FieldError, ...] = ()

    @property
    def ok(self) -> bool:
        return self.district_code is not None and not self.errors


def check_point(con, lat, lon, scope: Scope | None = None, channel: str = "online") -> PointCheck | None:
    """Read and place a point (text as typed: decimal or DMS, Thai digits; or numbers). None when both are
    empty. `scope`: the writer's (a point outside it gets 'outside_scope', as on sending)."""
    if _empty(lat) and _empty(lon):
        return None
    frame = pd.DataFrame({"lat": pd.Series([lat], dtype=object), "lon": pd.Series([lon], dtype=object)})
    prep = prepare(frame, make_context(con, channel, scope=scope))
    row = prep.table.slice(0, 1).to_pylist()[0]
    errors = tuple(e for e in prep.errors_of(0) if e.field in POINT_FIELDS)
    warnings = tuple(w for w in prep.warnings_of(0) if w.field in POINT_FIELDS)
    located = row["location_precision"] == "point" and not errors
    return PointCheck(
        lat=row["lat"] if located else None, lon=row["lon"] if located else None,
        district_code=row["district_code"] if located else None,
        province_code=row["province_code"] if located else None, errors=errors, warnings=warnings)


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)
