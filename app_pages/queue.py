"""Verification queue: a district officer's reports by status, oldest (or newest) first, a page at a time, searchable
by reference number, district, incident date and text; verify, reject, mark duplicate, forward, redact."""

import pandas as pd
import streamlit as st

from ntswatch_geo import privacy
from ntswatch_geo import verification as vq
from ntswatch_geo.i18n import fmt_date, fmt_int, label, t
from ntswatch_geo.taxonomy import AGENCIES
from ntswatch_geo.text import plain
from ntswatch_geo.ui import tables, widgets
from ntswatch_geo.ui.session import client_address, connection

PAGE_SIZE = 50
SEARCH_KEYS = {"q_ref": "", "q_district": "", "q_from": "", "q_to": "", "q_text": ""}

ctx = st.session_state["ctx"]
lang, scope = ctx.lang, ctx.user.scope()
con = connection()
st.title(t("queue.title", lang))


def _turn(step: int) -> None:
    st.session_state["q_page"] = max(1, int(st.session_state.get("q_page", 1)) + step)


def _clear_search() -> None:
    for key, empty in SEARCH_KEYS.items():
        st.session_state[key] = empty


ACTIONS = {"verify": "verify", "forward": "forward", "reject": "reject", "mark_duplicate": "duplicate",
           "release": "release", "confirm_spam": "confirm_spam"}


def _decide(report_id: int, ref: str, seen_version: int, kind: str) -> None:
    """A decision button's callback. It runs with the report and the version this officer was shown (bound when
    the button was drawn), before the page runs again: when another officer decided the report meanwhile (in
    another tab or dashboard process) the version no longer matches and the officer is told; the click is never
    applied to whichever report the refreshed page would show in its place."""
    ss = st.session_state
    extra = {}
    if kind == "forward":
        extra["agency"] = ss.get(f"q_agency_{ref}")
    elif kind == "mark_duplicate":
        extra["duplicate_of"] = ss.get(f"q_dup_{ref}")
    res = vq.act(connection(), scope, report_id, ACTIONS[kind], seen_version, note=ss.get(f"q_note_{ref}"), **extra)
    if res.ok:
        ss["q_msg"] = ("ok", t("queue.done", lang, ref=ref, status=label("status", res.new_status, lang)))
    else:
        ss["q_msg"] = ("error", t(f"queue.err_{res.code}", lang))


def _redact(report_id: int, ref: str, seen_version: int) -> None:
    """The redaction button's callback, bound like _decide to the report and version shown."""
    ss = st.session_state
    res = privacy.redact(connection(), report_id, version=seen_version, reason=ss.get(f"q_red_reason_{ref}") or "",
                         scope=scope, fields=tuple(ss.get(f"q_red_fields_{ref}") or ()), client=client_address())
    if res.ok:
        names = ", ".join(t(f"privacy.field_{f}", lang) for f in res.fields)
        ss["q_msg"] = ("ok", t("privacy.done", lang, ref=ref, fields=names))
    else:
        ss["q_msg"] = ("error", t(f"privacy.err_{res.code}", lang))


# decided reports (forwarded, rejected) are listed too: their personal data can still be redacted
show = st.segmented_control(t("queue.show", lang), ["new", "verified", "forwarded", "rejected", "suspected_spam"],
                            default="new", key="q_status",
                            format_func=lambda s: label("status", s, lang)) or "new"
decided = show in ("forwarded", "rejected")
sort_default = "newest" if decided else "oldest"
sort = st.segmented_control(t("queue.sort", lang), ["oldest", "newest"], default=sort_default, key=f"q_sort_{show}",
                            format_func=lambda s: t(f"queue.sort_{s}", lang)) or sort_default
with st.container(border=True):
    wide = scope.district_code is None          # an officer's scope is one district: no district box
    cols = st.columns([3, 3, 2, 2, 4] if wide else [3, 2, 2, 4])
    ref_q = cols[0].text_input(t("queue.search_ref", lang), key="q_ref", placeholder="NTS-2569-000215")
    district_q = cols[1].text_input(t("queue.search_district", lang), key="q_district") if wide else ""
    # typed as Thais write dates (15/11/2569): Streamlit's picker shows only Christian-era years
    date_from = widgets.typed_date(cols[-3], t("queue.search_from", lang), "q_from", lang)
    date_to = widgets.typed_date(cols[-2], t("queue.search_to", lang), "q_to", lang)
    text_q = cols[-1].text_input(t("queue.search_text", lang), key="q_text")
    search = vq.QueueSearch(ref=ref_q, district=district_q, date_from=date_from, date_to=date_to, text=text_q)
    if not search.empty:
        st.button(t("queue.search_clear", lang), key="q_clear", icon=":material/close:", on_click=_clear_search)
signature = (show, sort, search.cleaned())
if st.session_state.get("q_sig") != signature:   # a new status, order or search starts at its first page
    st.session_state["q_sig"] = signature
    st.session_state["q_page"] = 1
df = vq.queue(con, scope, statuses=(show,), page_size=PAGE_SIZE, newest_first=sort == "newest",
              page=st.session_state.get("q_page", 1), search=search)
st.session_state["q_page"] = page = df.attrs["page"]
msg = st.session_state.pop("q_msg", None)      # the last decision's outcome, also when the list is now empty
if msg:
    (st.success if msg[0] == "ok" else st.error)(msg[1])
widgets.synthetic_banner(int(df["is_synthetic"].sum()), len(df), lang)
if df.empty:
    if search.empty:
        st.info(t("queue.empty", lang), icon=":material/inbox:")
    else:
        c = search.cleaned()
        what = [t(f"queue.what_{k}", lang, v=plain(v)) for k, v in (("ref", c.ref), ("district", c.district),
                                                                   ("text", c.text)) if v]
        what += [t(f"queue.what_{k}", lang, d=fmt_date(d, lang)) for k, d in (("from", c.date_from),
                                                                            ("to", c.date_to)) if d]
        st.info(t("queue.no_match", lang, status=label("status", show, lang), what=", ".join(what)),
                icon=":material/search_off:")
    st.stop()
first = (page - 1) * df.attrs["page_size"] + 1
st.caption(t("queue.count_newest" if sort == "newest" else "queue.count", lang, first=fmt_int(first, lang),
             last=fmt_int(first + len(df) - 1, lang), total=fmt_int(df.attrs["total"], lang)))
held = show == "suspected_spam"
if held:
    st.info(t("queue.held_help", lang), icon=":material/block:")
tables.show(df, tables.QUEUE_COLUMNS, lang, width="stretch", height=min(260, 38 + 35 * len(df)))
if df.attrs["pages"] > 1:
    nav = st.columns([2, 3, 2])
    nav[0].button(t("queue.prev", lang), key="q_prev", icon=":material/chevron_left:", width="stretch",
                  disabled=page <= 1, on_click=_turn, args=(-1,))
    nav[1].caption(t("queue.page", lang, page=fmt_int(page, lang), pages=fmt_int(df.attrs["pages"], lang)))
    nav[2].button(t("queue.next", lang), key="q_next", icon=":material/chevron_right:", width="stretch",
                  disabled=page >= df.attrs["pages"], on_click=_turn, args=(1,))
ref = st.selectbox(t("queue.pick", lang), list(df["ref_no"]), key="q_pick")
r = df[df["ref_no"] == ref].iloc[0]
left, right = st.columns([3, 2])
with left:
    st.subheader(ref)
    st.markdown(f"**{label('category', r['category'], lang)}** · {fmt_date(r['occurred_date'], lang)} · "
                f"{plain(r[f'district_{lang}'])} · {label('channel', r['channel'], lang)}")
    st.text(r["description"] or "")
    if held and isinstance(r.get("spam_reason"), str):
        st.caption(t("queue.held_reason", lang, reason=t(f"queue.spam_{r['spam_reason']}", lang)))
    consent = r.get("contact_consent")   # a nullable boolean: numpy True, False or <NA>
    if scope.sees_contacts and pd.notna(consent) and bool(consent) and any(
            isinstance(r[c], str) and r[c] for c in privacy.CONTACT_FIELDS):
        st.caption(t("queue.contact", lang, name=plain(r["contact_name"] or "–"), phone=plain(r["contact_phone"] or "–")))
        seen = st.session_state.setdefault("q_contacts_seen", set())
        if int(r["id"]) not in seen:    # one view_contact entry per report and session
            privacy.record_contact_view(con, scope, [int(r["id"])], client=client_address())
            seen.add(int(r["id"]))
    red = privacy.redaction(con, int(r["id"]))
    if red:
        st.caption(t("privacy.redacted_note", lang, date=fmt_date(red["at"], lang), who=plain(red["by"]),
                     fields=", ".join(t(f"privacy.field_{f}", lang) for f in red["fields"]),
                     reason=plain(red["reason"])))
    st.markdown(f"**{t('queue.history', lang)}**")
    hist = vq.history_labelled(vq.history(con, int(r["id"])), lang)
    if hist.empty:        # an empty grid would say "empty", in English
        st.caption(t("queue.history_empty", lang))
    else:
        tables.show(hist, {c: tables.Col(f"queue.col_{c}", "datetime" if c == "acted_at" else "text")
                           for c in hist.columns}, lang, width="stretch")
with right:
    version = int(r["version"])
    rid = int(r["id"])

    def decision(col, kind: str, **kw) -> None:
        """A decision button, bound to the report and version this view shows (see _decide)."""
        col.button(t(f"queue.{kind}", lang), key=f"q_{kind}_{ref}", width="stretch", on_click=_decide,
                   args=(rid, ref, version, kind), **kw)

    if held:                 # a held public submission: genuine (release) or spam, nothing else
        st.text_input(t("queue.note", lang), key=f"q_note_{ref}")
        h = st.columns(2)
        decision(h[0], "release", type="primary")
        decision(h[1], "confirm_spam")
    elif r["status"] in ("new", "verified"):
        st.text_input(t("queue.note", lang), key=f"q_note_{ref}")
        st.selectbox(t("queue.agency", lang), list(AGENCIES), key=f"q_agency_{ref}",
                     format_func=lambda a: AGENCIES[a][0 if lang == "th" else 1])
        st.text_input(t("queue.duplicate_of", lang), key=f"q_dup_{ref}")
        b = st.columns(2)
        if r["status"] == "new":
            decision(b[0], "verify", type="primary")
        decision(b[1], "forward")
        decision(b[0], "reject")
        decision(b[1], "mark_duplicate")
    else:                                          # forwarded or rejected: decided; redaction only
        st.caption(t("queue.decided", lang, status=label("status", r["status"], lang)))
    if privacy.can_redact(scope):
        with st.expander(t("privacy.redact_title", lang), icon=":material/person_remove:"):
            st.caption(t("privacy.redact_help", lang))
            st.multiselect(t("privacy.fields", lang), list(privacy.REDACTABLE),
                           default=list(privacy.DEFAULT_FIELDS), key=f"q_red_fields_{ref}",
                           format_func=lambda f: t(f"privacy.field_{f}", lang),
                           placeholder=t("form.choose", lang))
            st.text_input(t("privacy.reason", lang), key=f"q_red_reason_{ref}", max_chars=privacy.REASON_LIMIT)
            st.button(t("privacy.redact", lang), key="q_redact", width="stretch", on_click=_redact,
                      args=(rid, ref, version))
