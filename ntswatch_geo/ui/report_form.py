"""The report form, written once: the public "Report an incident" page and the MWCC office form.

Both submit through `reports.submit.submit_report`, the same path imports take; errors come back per field and
are shown under that field in the viewer's language.
"""
from __future__ import annotations

import streamlit as st

from .. import form_map, gazetteer
from ..i18n import fmt_date_long, fmt_int, label, t
from ..reports import normalise as nz
from ..reports.point import PointCheck, check_point
from ..reports.validate import bangkok_now
from ..taxonomy import CATEGORY_KEYS
from ..text import plain
from . import browser_inputs
from .data import pick_geometry
from .session import connection

INTAKE = ["walk_in", "phone", "line", "headman", "patrol"]
REPORTER = ["citizen", "anonymous", "village_headman", "volunteer", "officer"]
K_ERR, K_DONE = "form_errors", "form_receipt"
K_GEO, K_NOTE = "rf_geo", "rf_pick_note"      # the device position's outcome; a note about the last pick


def _err(field: str, lang: str) -> None:
    for e in st.session_state.get(K_ERR, {}).get(field, []):
        st.error(plain(e), icon=":material/error:")


def _names(df, lang):
    return {r.code: (r.name_th if lang == "th" else r.name_en) for r in df.itertuples()}


def _location(con, lang: str, office_district: str | None, scope) -> dict:
    """Where it happened: a map pick of the district, "use my location", province → district → subdistrict
    from the official list (or the officer's own district), the coordinates (read back with their district)
    and the place text."""
    ss = st.session_state
    fixed = office_district is not None
    if fixed:
        ss["rf_prov"], ss["rf_dist"] = office_district[:2], office_district
    prov = gazetteer.provinces(con)
    pnames = _names(prov, lang)
    pcode = ss.get("rf_prov") if ss.get("rf_prov") in pnames else None
    dnames = _names(gazetteer.districts(con, pcode), lang) if pcode else {}
    if ss.get("rf_dist") not in dnames:
        ss["rf_dist"] = None
    point = check_point(con, ss.get("rf_lat"), ss.get("rf_lon"), scope)

    st.markdown(f"**{t('pick.where', lang)}**")
    st.caption(t("pick.where_help_office" if fixed else "pick.where_help", lang))
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    with c1:
        browser_inputs.geolocate("rf_geo_button", lang, lambda v: _on_position(v, fixed, scope))
    c2.button(t("pick.clear", lang), key="rf_clear", icon=":material/close:", on_click=_clear, args=(fixed,),
              disabled=not (ss.get("rf_dist") and not fixed or ss.get("rf_lat") or ss.get("rf_lon")))
    _geo_message(lang)
    if not fixed:
        geom = pick_geometry(con, "geo")
        at = (point.lat, point.lon) if point and point.ok else None
        key = f"rf_map_{ss.get('rf_dist') or 'none'}"
        st.pydeck_chart(form_map.pick_deck(geom, lang, ss.get("rf_dist"), at), on_select=lambda: _on_map(key),
                        selection_mode="single-object", key=key, height=form_map.MAP_HEIGHT)
        st.caption(t("pick.map_legend", lang))
    _picked_summary(con, lang, point)

    c1, c2, c3 = st.columns(3)
    pcode = c1.selectbox(t("form.province", lang), list(pnames), key="rf_prov", index=None, disabled=fixed,
                         format_func=pnames.get, placeholder=t("form.choose", lang))
    dnames = _names(gazetteer.districts(con, pcode), lang) if pcode else {}
    if ss.get("rf_dist") not in dnames:
        ss["rf_dist"] = None
    dcode = c2.selectbox(t("form.district", lang), list(dnames), key="rf_dist", index=None, disabled=fixed,
                         format_func=dnames.get, placeholder=t("form.choose", lang))
    snames = _names(gazetteer.subdistricts(dcode), lang) if dcode else {}
    if ss.get("rf_sub") not in snames:
        ss["rf_sub"] = None
    scode = c3.selectbox(t("form.subdistrict", lang), list(snames), key="rf_sub", index=None,
                         format_func=snames.get, placeholder=t("form.optional", lang))
    live = {e.field for e in point.errors} if point is not None else set()   # shown under the coordinates
    if "district" not in live:
        _err("district", lang)
    _err("province", lang)
    with st.expander(t("form.coordinates", lang), expanded=bool(ss.get("rf_lat") or ss.get("rf_lon"))):
        c4, c5 = st.columns(2)
        lat = c4.text_input(t("form.lat", lang), key="rf_lat", placeholder="17.8783 / 17°52'42\"N")
        lon = c5.text_input(t("form.lon", lang), key="rf_lon", placeholder="102.7156")
        st.caption(t("form.coordinates_help", lang))
        if live:                                      # read as typed, before sending (as the date is)
            for e in point.errors:
                st.error(plain(e.message_th if lang == "th" else e.message_en), icon=":material/error:")
        else:
            _err("lat", lang)
            _err("lon", lang)
    _err("location", lang)
    place = st.text_input(t("form.place", lang), key="rf_place", max_chars=200)
    _err("place_text", lang)
    return {"province": pcode, "district": dcode, "subdistrict": scode, "lat": lat or None, "lon": lon or None,
            "place_text": place or None}


def _district_name(con, code: str, lang: str) -> str:
    """A district and its province as the form names them (อ.เมืองหนองคาย จ.หนองคาย; Mueang Nong Khai
    District, Nong Khai Province)."""
    row = gazetteer.district_names(con, code)
    if row is None:
        return code
    return t("pick.district_in_province", lang, district=row[0 if lang == "th" else 1],
             province=row[2 if lang == "th" else 3])


def _picked_summary(con, lang: str, point: PointCheck | None) -> None:
    """What is picked, in words: the district (from the map or the lists) and the point with its district."""
    ss = st.session_state
    note = ss.pop(K_NOTE, None)
    if note:
        st.info(t(f"pick.note_{note}", lang), icon=":material/info:")
    parts = []
    if ss.get("rf_dist"):
        parts.append(t("pick.picked_district", lang, place=_district_name(con, ss["rf_dist"], lang)))
    if point is not None and point.ok:
        geo = ss.get(K_GEO) or {}
        lat, lon = f"{point.lat:.5f}", f"{point.lon:.5f}"
        where = t("pick.point", lang, lat=lat, lon=lon) if point.district_code == ss.get("rf_dist") else \
            t("pick.point_in", lang, lat=lat, lon=lon, place=_district_name(con, point.district_code, lang))
        if geo.get("accuracy") is not None and geo.get("lat") == ss.get("rf_lat"):
            where += " " + t("pick.from_device", lang, metres=fmt_int(round(geo["accuracy"]), lang))
        parts.append(where)
        if ss.get("rf_dist") and ss["rf_dist"] != point.district_code:
            st.warning(t("pick.point_elsewhere", lang, place=_district_name(con, point.district_code, lang)),
                       icon=":material/warning:")
    if parts:
        st.markdown(" · ".join(plain(p) for p in parts))
    else:
        st.caption(t("pick.nothing_picked", lang))


def _geo_message(lang: str) -> None:
    """Why the device's position could not be used (denied, unavailable, timed out, unsupported)."""
    geo = st.session_state.get(K_GEO) or {}
    if geo.get("error"):
        st.warning(t(f"pick.geo_{geo['error']}", lang), icon=":material/location_off:")


def _on_position(value, fixed: bool, scope) -> None:
    """Callback of "use my location": fill the coordinates, and the province and district holding them."""
    ss = st.session_state
    if not isinstance(value, dict):
        return
    if value.get("error"):
        code = value["error"] if value["error"] in ("denied", "unavailable", "timeout", "unsupported") \
            else "unavailable"
        ss[K_GEO] = {"error": code}
        return
    try:
        lat, lon = float(value["lat"]), float(value["lon"])
    except (KeyError, TypeError, ValueError):
        ss[K_GEO] = {"error": "unavailable"}
        return
    ss["rf_lat"], ss["rf_lon"] = f"{lat:.6f}", f"{lon:.6f}"
    ss[K_GEO] = {"lat": ss["rf_lat"], "accuracy": value.get("accuracy")}
    found = check_point(connection(), lat, lon, scope)
    if found is not None and found.ok and not fixed:
        ss["rf_prov"], ss["rf_dist"], ss["rf_sub"] = found.province_code, found.district_code, None


def _on_map(key: str) -> None:
    """Callback of the pick map: a clicked district sets the province and district (and drops a point that
    lies elsewhere, saying so)."""
    ss = st.session_state
    state = ss.get(key)
    hit = form_map.picked(state.selection.objects.get(form_map.LAYER_PICK) if state else None)
    if not hit:
        return
    ss["rf_prov"], ss["rf_dist"], ss["rf_sub"] = hit[0], hit[1], None
    if ss.get("rf_lat") or ss.get("rf_lon"):
        point = check_point(connection(), ss.get("rf_lat"), ss.get("rf_lon"))
        if point is None or point.district_code != hit[1]:
            ss["rf_lat"] = ss["rf_lon"] = ""
            ss.pop(K_GEO, None)
            ss[K_NOTE] = "point_cleared"


def _clear(fixed: bool) -> None:
    """Forget the picked place: the point (and the device's answer), and the province/district unless fixed."""
    ss = st.session_state
    ss["rf_lat"] = ss["rf_lon"] = ""
    ss.pop(K_GEO, None)
    ss["rf_sub"] = None
    if not fixed:
        ss["rf_prov"] = ss["rf_dist"] = None


def _date_read_back(col, text: str | None, lang: str) -> bool:
    """The typed date as the package reads it ("อ่านได้ว่า: 15 พฤศจิกายน 2569") under the field, or the
    package's error for it; True when an error was shown (the submitted one would repeat it)."""
    if not (text or "").strip():
        return False
    try:
        parsed = nz.parse_occurred(text, bangkok_now().date())
    except nz.Problem as p:
        st.error(plain(p.message_th if lang == "th" else p.message_en), icon=":material/error:")
        return True
    shown = fmt_date_long(parsed.date, lang)
    if parsed.precision == "month":
        shown = shown.split(" ", 1)[1]
    col.caption(t("form.date_read_as", lang, date=shown))
    return False


def _typed_day(text: str | None):
    """The typed date when it reads as one day (for the calendar to open on), else None."""
    try:
        parsed = nz.parse_occurred(text, bangkok_now().date()) if (text or "").strip() else None
    except nz.Problem:
        return None
    return parsed.date if parsed is not None and parsed.precision == "day" else None


def _on_calendar(day, lang: str) -> None:
    """Callback of the calendar: the picked day goes into the typed field, written as Thais write it."""
    st.session_state["rf_date"] = browser_inputs.typed_date(day, lang)
    st.session_state["rf_cal_pop"] = False


SHOWN = {"category", "occurred_date", "occurred_time", "district", "province", "lat", "lon", "location",
         "place_text", "description", "intake_method", "reporter_type", "contact_phone", "contact_consent"}


def render(con, lang: str, submit, office: bool = False, office_district: str | None = None,
           officer: str | None = None, scope=None) -> None:
    """Draw the form; `submit(fields) -> SubmitResult` stores it. `office` adds how it came in, the reporter type
    and the officer; `office_district` fixes the district (a district officer's own); `scope` (the writer's)
    checks a point before sending as the submission will."""
    for field, msgs in st.session_state.get(K_ERR, {}).items():
        if field not in SHOWN:
            for m in msgs:
                st.error(plain(m), icon=":material/error:")
    receipt = st.session_state.get(K_DONE)
    if receipt:
        st.success(t("form.thanks", lang, ref=receipt), icon=":material/check_circle:")
        st.page_link("app_pages/status.py", label=t("form.status_link", lang), icon=":material/search:")
        if st.button(t("form.another", lang)):
            st.session_state.pop(K_DONE, None)
            st.rerun()
        return
    cat = st.selectbox(t("form.category", lang), CATEGORY_KEYS, key="rf_cat", index=None,
                       format_func=lambda k: label("category", k, lang), placeholder=t("form.choose", lang))
    _err("category", lang)
    c1, c2, c3 = st.columns([3, 2, 1])
    typed, calendar = c1.columns([3, 2], vertical_alignment="bottom", gap="small")
    day = typed.text_input(t("form.date", lang), key="rf_date", placeholder=t("form.date_placeholder", lang),
                           help=t("form.date_help", lang), max_chars=60)
    with calendar.popover(t("pick.calendar", lang), icon=":material/calendar_month:", key="rf_cal_pop",
                          width="stretch"):
        browser_inputs.be_calendar("rf_calendar", lang, bangkok_now().date(), _typed_day(day),
                                   lambda d: _on_calendar(d, lang))
    when = c2.time_input(t("form.time", lang), key="rf_time", value=None)
    approx = c3.checkbox(t("form.approx", lang), key="rf_approx")
    if not _date_read_back(c1, day, lang):
        _err("occurred_date", lang)
    _err("occurred_time", lang)
    fields = {"category": cat, "occurred_date": day or None, "occurred_time": when, "occurred_approx": approx}
    fields.update(_location(con, lang, office_district, scope))
    desc = st.text_area(t("form.description", lang), key="rf_desc", max_chars=5000, height=140)
    _err("description", lang)
    fields["description"] = desc or None
    if office:
        c1, c2 = st.columns(2)
        fields["intake_method"] = c1.selectbox(t("form.intake", lang), INTAKE, key="rf_intake",
                                               format_func=lambda k: t(f"intake.{k}", lang))
        fields["reporter_type"] = c2.selectbox(t("form.reporter", lang), REPORTER, key="rf_reporter",
                                               format_func=lambda k: t(f"reporter.{k}", lang))
        fields["officer"] = officer
        _err("intake_method", lang)
        _err("reporter_type", lang)
    else:
        fields["intake_method"] = "web"
    st.markdown(f"**{t('form.contact', lang)}**")
    st.caption(t("form.consent_text", lang))
    c1, c2 = st.columns(2)
    name = c1.text_input(t("form.contact_name", lang), key="rf_cname", max_chars=200)
    phone = c2.text_input(t("form.contact_phone", lang), key="rf_cphone", max_chars=50)
    consent = st.checkbox(t("form.consent", lang), key="rf_consent")
    _err("contact_phone", lang)
    _err("contact_consent", lang)
    fields.update({"contact_name": name or None, "contact_phone": phone or None, "contact_consent": consent})
    if st.button(t("form.submit", lang), type="primary", key="rf_submit"):
        result = submit(fields)
        if result.ok:
            st.session_state[K_ERR] = {}
            st.session_state[K_DONE] = result.ref_no
            for k in [k for k in st.session_state if str(k).startswith("rf_")]:
                del st.session_state[k]
        else:
            errs: dict[str, list[str]] = {}
            for e in result.errors:
                errs.setdefault(e.field, []).append(e.message_th if lang == "th" else e.message_en)
            st.session_state[K_ERR] = errs
            st.session_state["form_error_summary"] = True
        st.rerun()
    if st.session_state.pop("form_error_summary", False):
        st.warning(t("form.fix_errors", lang), icon=":material/warning:")
