"""The location stages of `validate.prepare`: coordinates, swapped pairs, the district holding a point,
names (checked against a point, or placing the report at the district's centroid), and the writer's scope.

See `validate` for the rules. Each stage takes the shared `validate.Rows` state and updates it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)

from . import normalise as nz
from .columns import per_unique, safe
from .places import names_in_text, resolve

if TYPE_CHECKING:
    from .validate import Context, Rows

NAME_FIELDS = ("province", "district", "subdistrict")
_HINT = {None: 0, "lat": 1, "lon": 2}


def coordinates(r: Rows) -> None:
    """lat/lon (or one `coords` field when both are empty); a lone latitude or longitude is refused."""
    lat_col, lon_col = r.raw("lat"), r.raw("lon")
    lat, lat_hint, lat_err = _coords(lat_col, r.n, "lat")
    lon, lon_hint, lon_err = _coords(lon_col, r.n, "lon")
    for f, e, col in (("lat", lat_err, lat_col), ("lon", lon_err, lon_col)):
        for p, pr in e.items():
            r.errs.add(p, f, col.iat[p], pr.code, pr.message_en, pr.message_th)
    bad = np.zeros(r.n, dtype=bool)
    bad[list(lat_err) + list(lon_err)] = True
    ccol = r.texts.get("coords")
    if ccol is not None:
        codes, res = per_unique(ccol, lambda v: safe(nz.parse_coordinate_pair, v))
        for p in np.flatnonzero((codes >= 0) & np.isnan(lat) & np.isnan(lon) & ~bad):
            pair, pr = res[codes[p]]
            if pr is not None:
                r.errs.add(p, "coords", ccol.iat[p], pr.code, pr.message_en, pr.message_th)
                bad[p] = True
            else:
                lat[p], lon[p] = pair[0].value, pair[1].value
                lat_hint[p] = _HINT[pair[0].axis_hint]
                lon_hint[p] = _HINT[pair[1].axis_hint]
    has_lat, has_lon = ~np.isnan(lat), ~np.isnan(lon)
    half = (has_lat ^ has_lon) & ~bad
    for p in np.flatnonzero(half):
        r.errs.add(p, "lon" if has_lat[p] else "lat", "", "invalid_coordinate",
                   "latitude and longitude must be given together", "ต้องระบุทั้งละติจูดและลองจิจูด")
    r.coord_bad = bad | half
    r.point = has_lat & has_lon & ~r.coord_bad
    r.lat, r.lon = lat, lon
    r.swap_hint = (lat_hint == 2) & (lon_hint == 1)


def swapped(r: Rows) -> None:
    """A pair that only makes sense swapped (or N/S written on the longitude) is swapped, with a warning."""
    lat, lon = r.lat, r.lon
    swap = r.point & (r.swap_hint | _looks_swapped(lat, lon))
    if not swap.any():
        return
    lat[swap], lon[swap] = lon[swap].copy(), lat[swap].copy()
    for p in np.flatnonzero(swap):
        r.warns.add(p, "lat", f"{lon[p]}, {lat[p]}", "swapped_lat_lon",
                    f"latitude and longitude were swapped: read as {lat[p]:.6f}, {lon[p]:.6f}",
                    f"สลับละติจูดและลองจิจูดให้แล้ว: {lat[p]:.6f}, {lon[p]:.6f}")


def in_thailand(r: Rows) -> None:
    """The district whose polygon holds each point; (0, 0) and points in no Thai district are refused."""
    lat, lon, point = r.lat, r.lon, r.point
    r.district = np.full(r.n, None, dtype=object)
    in_box = point & (lat >= nz.LAT_RANGE[0]) & (lat <= nz.LAT_RANGE[1]) & (lon >= nz.LON_RANGE[0]) & (
        lon <= nz.LON_RANGE[1])
    if in_box.any():
        r.district[in_box] = r.ctx.locator.locate(lon[in_box], lat[in_box])
    outside = point & (r.district == None)  # noqa: E711
    for p in np.flatnonzero(outside):
        for field_, value, en, th in _outside(lat[p], lon[p]):
            r.errs.add(p, field_, value, "outside_thailand", en, th)
    r.coord_bad |= outside
    r.point = point & ~outside


def _deg(v: float) -> str:
    return f"{v:.6f}".rstrip("0").rstrip(".")


def _outside(lat: float, lon: float) -> list[tuple[str, str, str, str]]:
    """(field, value, English, Thai) for a point in no Thai district, each naming what is allowed: the
    latitude and/or longitude outside Thailand's range, else the point (inside the box, across a border)."""
    (la0, la1), (lo0, lo1) = nz.LAT_RANGE, nz.LON_RANGE
    either = ("leave the coordinates empty and choose the province and district",
              "หรือเว้นพิกัดว่างไว้แล้วเลือกจังหวัดและอำเภอแทน")
    if lat == 0 and lon == 0:
        return [("lat", "0, 0", f"(0, 0) is not a real location: give a point in Thailand (latitude {la0}–{la1}, "
                                f"longitude {lo0}–{lo1}), or {either[0]}",
                 f"(0, 0) ไม่ใช่ตำแหน่งจริง กรุณาระบุพิกัดในประเทศไทย (ละติจูด {la0}–{la1} ลองจิจูด {lo0}–{lo1}) "
                 f"{either[1]}")]
    out = []
    if not la0 <= lat <= la1:
        out.append(("lat", _deg(lat), f"latitude {_deg(lat)} is outside Thailand: latitudes in Thailand run from "
                                      f"{la0} to {la1} (degrees north)",
                    f"ละติจูด {_deg(lat)} อยู่นอกประเทศไทย ละติจูดในประเทศไทยอยู่ระหว่าง {la0} ถึง {la1} (องศาเหนือ)"))
    if not lo0 <= lon <= lo1:
        out.append(("lon", _deg(lon), f"longitude {_deg(lon)} is outside Thailand: longitudes in Thailand run from "
                                      f"{lo0} to {lo1} (degrees east)",
                    f"ลองจิจูด {_deg(lon)} อยู่นอกประเทศไทย ลองจิจูดในประเทศไทยอยู่ระหว่าง {lo0} ถึง {lo1} (องศาตะวันออก)"))
    if out:
        return out
    point = f"{_deg(lat)}, {_deg(lon)}"
    return [("lat", point, f"the point {point} is outside Thailand (in no Thai district): give a point inside a "
                           f"Thai district, or {either[0]}",
             f"พิกัด {point} อยู่นอกประเทศไทย (ไม่อยู่ในอำเภอใดของไทย) กรุณาระบุพิกัดในอำเภอของไทย {either[1]}")]


def names(r: Rows) -> None:
    """Province/district/subdistrict names: checked against a point, or placing the report at the district's
    centroid without one; then the location columns of the output."""
    point = r.point
    need = _needs_names(r)
    prov_t, dist_t, sub_t = _place_names(r, need)
    named = (prov_t.notna() | dist_t.notna() | sub_t.notna()).to_numpy()
    todo = need | (named & point)
    subdistrict = np.full(r.n, None, dtype=object)
    confidence = np.where(point, 1.0, np.nan)
    precision = np.where(point, "point", None).astype(object)
    if todo.any():
        idx = np.flatnonzero(todo)
        res = _Resolved.of(r.ctx, prov_t.iloc[idx], dist_t.iloc[idx], sub_t.iloc[idx])
        pt = point[idx]
        _check_names_at_point(r, idx, pt, res, dist_t, sub_t)
        keep_sub = pt & (res.sub4 == r.district[idx])
        subdistrict[idx[keep_sub]] = res.sub[keep_sub]
        located = _locate_by_names(r, idx, ~pt, res)
        rows_ = idx[located]
        subdistrict[rows_] = res.sub[located]
        confidence[rows_] = res.conf[located]
        precision[rows_] = "district"
    province = pa.compute.utf8_slice_codeunits(pa.array(r.district, type=pa.string()), 0, 2)
    r.out.update(lat=r.lat, lon=r.lon, district_code=r.district, province_code=province,
                 subdistrict_code=subdistrict, district_confidence=confidence, location_precision=precision)


def _needs_names(r: Rows) -> np.ndarray:
    """Rows without a point (and no refused coordinate) whose location fields are all within their limits."""
    need = ~r.point & ~r.coord_bad
    for f in ("province", "district", "subdistrict", "place_text", "lat", "lon", "coords"):
        need &= ~r.long(f)
    return need


def _place_names(r: Rows, need: np.ndarray) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The province, district and subdistrict texts; read from "อ.… จ.…" in place_text for a row that needs
    names and has none."""
    prov_t, dist_t, sub_t = (r.text(f) for f in NAME_FIELDS)
    named = (prov_t.notna() | dist_t.notna() | sub_t.notna()).to_numpy()
    from_place = need & ~named & r.text("place_text").notna().to_numpy()
    if from_place.any():
        prov_t, dist_t, sub_t = prov_t.copy(), dist_t.copy(), sub_t.copy()
        place = r.texts["place_text"]
        for p in np.flatnonzero(from_place):
            found = names_in_text(place.iat[p])
            prov_t.iat[p], dist_t.iat[p], sub_t.iat[p] = (found.get(k) for k in NAME_FIELDS)
    return prov_t, dist_t, sub_t


@dataclass
class _Resolved:
    """Name resolution for some rows: once per distinct (province, district, subdistrict) triple, then per
    row (`codes` indexes `results`)."""

    results: list
    codes: np.ndarray
    dist: np.ndarray
    sub: np.ndarray
    sub4: np.ndarray
    conf: np.ndarray
    err: np.ndarray
    warn: np.ndarray
    cent: np.ndarray                  # (rows, 2): the district's centroid lat, lon (NaN when unresolved)

    @classmethod
    def of(cls, ctx: Context, prov: pd.Series, dist: pd.Series, sub: pd.Series) -> "_Resolved":
        key = (prov.fillna("").astype(str) + "\x1f" + dist.fillna("").astype(str)
               + "\x1f" + sub.fillna("").astype(str))
        codes, uniq = pd.factorize(key)
        results = [resolve(ctx.places, *(x or None for x in k.split("\x1f"))) for k in uniq]
        nowhere = (np.nan, np.nan)
        cent = np.array([ctx.centroids.get(x.district_code, nowhere) if x.district_code else nowhere
                         for x in results], dtype=float).reshape(-1, 2)
        return cls(
            results=results, codes=codes,
            dist=np.array([x.district_code for x in results], dtype=object)[codes],
            sub=np.array([x.subdistrict_code for x in results], dtype=object)[codes],
            sub4=np.array([x.subdistrict_code[:4] if x.subdistrict_code else None for x in results],
                          dtype=object)[codes],
            conf=np.array([x.confidence for x in results], dtype=float)[codes],
            err=np.array([x.error is not None for x in results])[codes],
            warn=np.array([bool(x.warnings) for x in results])[codes],
            cent=cent[codes])

    def at(self, j: int):
        return self.results[self.codes[j]]


def _check_names_at_point(r: Rows, idx: np.ndarray, pt: np.ndarray, res: _Resolved, dist_t, sub_t) -> None:
    """With a point, names are only checked: a different district is a 'district_mismatch' warning, an
    unresolved name or unknown subdistrict a warning too; never an error."""
    dc = r.district[idx]
    label = r.ctx.places.label
    mismatch = pt & (res.dist != None) & (res.dist != dc)  # noqa: E711
    for j in np.flatnonzero(mismatch):
        p = idx[j]
        r.warns.add(p, "district", dist_t.iat[p] or sub_t.iat[p] or "", "district_mismatch",
                    f"the point is in {label(dc[j])}, not in {label(res.dist[j])}; the point's district was kept",
                    f"พิกัดอยู่ใน {label(dc[j])} ไม่ใช่ {label(res.dist[j])} จึงใช้อำเภอตามพิกัด")
    for j in np.flatnonzero(pt & ~mismatch & (res.err | res.warn)):
        x = res.at(j)
        if x.error is not None and x.error.code != "no_location":
            r.warns.add(idx[j], x.error.field, x.error.value, x.error.code,
                        x.error.message_en + " (the point's district was used)",
                        x.error.message_th + " (ใช้อำเภอตามพิกัด)")
        for w in x.warnings:
            if w.code == "unknown_subdistrict":
                r.warns.add(idx[j], w.field, w.value, w.code, w.message_en, w.message_th)


def _locate_by_names(r: Rows, idx: np.ndarray, no_point: np.ndarray, res: _Resolved) -> np.ndarray:
    """Without a point, the names place the report at the district's centroid; a name that does not
    resolve is an error. Returns, per entry of idx, whether it was so located."""
    for j in np.flatnonzero(no_point & res.err):
        e = res.at(j).error
        r.errs.add(idx[j], e.field, e.value, e.code, e.message_en, e.message_th)
    for j in np.flatnonzero(no_point & ~res.err & res.warn):
        for w in res.at(j).warnings:
            r.warns.add(idx[j], w.field, w.value, w.code, w.message_en, w.message_th)
    located = no_point & ~res.err
    rows_ = idx[located]
    r.district[rows_] = res.dist[located]
    r.lat[rows_] = res.cent[located, 0]
    r.lon[rows_] = res.cent[located, 1]
    return located


def scope(r: Rows) -> None:
    """A writer limited to a district or province may store reports located there only: every other
    located row fails on 'district' with 'outside_scope', naming where it lies and what is allowed."""
    scope = r.ctx.scope
    if scope is None or not scope.restricted:
        return
    names = r.ctx.names or {}
    want = scope.district_code or scope.province_code
    th_area, en_area = names.get(want, (want, want))
    kind_en, kind_th = ("district", "อำเภอ") if scope.district_code else ("province", "จังหวัด")
    for p, code in enumerate(r.district.tolist()):
        if code is None or (scope.district_code and code == scope.district_code) or \
                (not scope.district_code and str(code)[:2] == scope.province_code):
            continue
        th, en = names.get(code, (code, code))
        r.errs.add(p, "district", f"{en} ({code})", "outside_scope",
                   f"the report lies in {en} ({code}), outside your {kind_en}; you can store reports for "
                   f"{en_area} ({want}) only",
                   f"เหตุอยู่ในอำเภอ{th} ({code}) นอก{kind_th}ของท่าน ท่านบันทึกได้เฉพาะ{kind_th}{th_area} ({want})")


def _coords(col, n, axis):
    """(degrees with NaN for empty, axis hints 0/1/2, {pos: Problem})."""
    vals = np.full(n, np.nan)
    hints = np.zeros(n, dtype=np.int8)
    errors: dict[int, nz.Problem] = {}
    if col is None:
        return vals, hints, errors
    if col.dtype.kind == "f":
        vals = col.to_numpy(dtype=float, copy=True)
        rest = np.zeros(n, dtype=bool)
    else:
        num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        vals = num.copy()
        rest = np.isnan(num) & col.notna().to_numpy()
    inf = ~np.isfinite(vals) & ~np.isnan(vals)
    rest |= inf
    vals[inf] = np.nan
    if rest.any():
        idx = np.flatnonzero(rest)
        codes, res = per_unique(col.iloc[idx], lambda v: safe(nz.parse_coordinate, v, axis))
        for p, c in zip(idx, codes):
            if c < 0:
                continue
            coord, pr = res[c]
            if pr is not None:
                errors[int(p)] = pr
            elif coord is not None:
                vals[p] = coord.value
                hints[p] = _HINT[coord.axis_hint]
    return vals, hints, errors


def _looks_swapped(lat, lon) -> np.ndarray:
    la0, la1 = nz.LAT_RANGE
    lo0, lo1 = nz.LON_RANGE
    with np.errstate(invalid="ignore"):
        return (~((lat >= la0) & (lat <= la1)) & (lat >= lo0) & (lat <= lo1)
                & (lon >= la0) & (lon <= la1) & ~((lon >= lo0) & (lon <= lo1)))
