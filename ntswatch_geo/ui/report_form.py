"""The report form, written once: the public "Report an incident" page and the MWCC office form.

Both submit through `reports.submit.submit_report`, the same path imports take; errors come back per field and
are shown under that field in the viewer's language.
"""
from __future__ import annotations

import streamlit as st

from .. import gazetteer
from ..i18n import fmt_date_long, label, t
from ..reports import normalise as nz
from ..reports.validate import bangkok_now
from ..taxonomy import CATEGORY_KEYS
from ..text import plain

INTAKE = ["walk_in", "phone", "line", "headman", "patrol"]
REPORTER = ["citizen", "anonymous", "village_headman", "volunteer", "officer"]
K_ERR, K_DONE = "form_errors", "form_receipt"


def _err(field: str, lang: str) -> None:
    for e in st.session_state.get(K_ERR, {}).get(field, []):
        st.error(plain(e), icon=":material/error:")


def _names(df, lang):
    return {r.code: (r.name_th if lang == "th" else r.name_en) for r in df.itertuples()}


def _location(con, lang: str, office_district: str | None) -> dict:
    """Province → district → subdistrict from the official list (or the officer's own district), place text."""
    prov = gazetteer.provinces(con)
    pnames = _names(prov, lang)
    fixed = office_district is not None
    if fixed:
        st.session_state["rf_prov"] = office_district[:2]
    c1, c2, c3 = st.columns(3)
    pcode = c1.selectbox(t("form.province", lang), list(pnames), key="rf_prov", index=None, disabled=fixed,
                         format_func=pnames.get, placeholder=t("form.choose", lang))
    dnames = _names(gazetteer.districts(con, pcode), lang) if pcode else {}
    if fixed:
        st.session_state["rf_dist"] = office_district
    elif st.session_state.get("rf_dist") not in dnames:
        st.session_state["rf_dist"] = None
    dcode = c2.selectbox(t("form.district", lang), list(dnames), key="rf_dist", index=None, disabled=fixed,
                         format_func=dnames.get, placeholder=t("form.choose", lang))
    snames = _names(gazetteer.subdistricts(dcode), lang) if dcode else {}
    if st.session_state.get("rf_sub") not in snames:
        st.session_state["rf_sub"] = None
    scode = c3.selectbox(t("form.subdistrict", lang), list(snames), key="rf_sub", index=None,
                         format_func=snames.get, placeholder=t("form.optional", lang))
    _err("district", lang)
    _err("province", lang)
    with st.expander(t("form.coordinates", lang)):
        c4, c5 = st.columns(2)
        lat = c4.text_input(t("form.lat", lang), key="rf_lat", placeholder="17.8783 / 17°52'42\"N")
        lon = c5.text_input(t("form.lon", lang), key="rf_lon", placeholder="102.7156")
        st.caption(t("form.coordinates_help", lang))
    _err("lat", lang)
    _err("lon", lang)
    _err("location", lang)
    place = st.text_input(t("form.place", lang), key="rf_place", max_chars=200)
    _err("place_text", lang)
    return {"province": pcode, "district": dcode, "subdistrict": scode, "lat": lat or None, "lon": lon or None,
            "place_text": place or None}


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


SHOWN = {"category", "occurred_date", "occurred_time", "district", "province", "lat", "lon", "location",
         "place_text", "description", "intake_method", "reporter_type", "contact_phone", "contact_consent"}


def render(con, lang: str, submit, office: bool = False, office_district: str | None = None,
           officer: str | None = None) -> None:
    """Draw the form; `submit(fields) -> SubmitResult` stores it. `office` adds how it came in, the reporter type
    and the officer; `office_district` fixes the district (a district officer's own)."""
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
    c1, c2, c3 = st.columns([2, 2, 1])
    day = c1.text_input(t("form.date", lang), key="rf_date", placeholder=t("form.date_placeholder", lang),
                        help=t("form.date_help", lang), max_chars=60)
    when = c2.time_input(t("form.time", lang), key="rf_time", value=None)
    approx = c3.checkbox(t("form.approx", lang), key="rf_approx")
    if not _date_read_back(c1, day, lang):
        _err("occurred_date", lang)
    _err("occurred_time", lang)
    fields = {"category": cat, "occurred_date": day or None, "occurred_time": when, "occurred_approx": approx}
    fields.update(_location(con, lang, office_district))
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
