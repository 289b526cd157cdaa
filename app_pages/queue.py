"""Verification queue: a district officer's new reports, oldest first; verify, reject, mark duplicate, forward."""
import streamlit as st

from ntswatch_geo import verification as vq
from ntswatch_geo.i18n import fmt_date, label, t
from ntswatch_geo.taxonomy import AGENCIES
from ntswatch_geo.text import plain
from ntswatch_geo.ui import widgets
from ntswatch_geo.ui.session import connection

ctx = st.session_state["ctx"]
lang, scope = ctx.lang, ctx.user.scope()
con = connection()
st.title(t("queue.title", lang))
show = st.segmented_control(t("queue.show", lang), ["new", "verified"], default="new", key="q_status",
                            format_func=lambda s: label("status", s, lang)) or "new"
df = vq.queue(con, scope, statuses=(show,))
widgets.synthetic_banner(int(df["is_synthetic"].sum()), len(df), lang)
if df.empty:
    st.info(t("queue.empty", lang), icon=":material/inbox:")
    st.stop()
st.caption(t("queue.count", lang, n=len(df)))
view = df.assign(district=df[f"district_{lang}"], category=df["category"].map(lambda k: label("category", k, lang)),
                 received=df["received_at"].dt.strftime("%Y-%m-%d %H:%M"))
st.dataframe(view[["ref_no", "received", "category", "district", "place_text", "description"]], hide_index=True,
             width="stretch", height=260, column_config={
                 "ref_no": t("queue.ref", lang), "received": t("queue.received", lang),
                 "category": t("form.category", lang), "district": t("table.district", lang),
                 "place_text": t("form.place", lang), "description": t("form.description", lang)})
ref = st.selectbox(t("queue.pick", lang), list(df["ref_no"]), key="q_pick")
r = df[df["ref_no"] == ref].iloc[0]
left, right = st.columns([3, 2])
with left:
    st.subheader(ref)
    st.markdown(f"**{label('category', r['category'], lang)}** · {fmt_date(r['occurred_date'], lang)} · "
                f"{plain(r[f'district_{lang}'])} · {label('channel', r['channel'], lang)}")
    st.text(r["description"] or "")
    if scope.sees_contacts and r.get("contact_consent") is True:
        st.caption(t("queue.contact", lang, name=plain(r["contact_name"] or "–"), phone=plain(r["contact_phone"] or "–")))
    st.markdown(f"**{t('queue.history', lang)}**")
    hist = vq.history(con, int(r["id"]))
    st.dataframe(hist, hide_index=True, width="stretch", column_config={
        c: t(f"queue.col_{c}", lang) for c in hist.columns})
with right:
    version = int(r["version"])
    note = st.text_input(t("queue.note", lang), key=f"q_note_{ref}")
    agency = st.selectbox(t("queue.agency", lang), list(AGENCIES), key=f"q_agency_{ref}",
                          format_func=lambda a: AGENCIES[a][0 if lang == "th" else 1])
    dup = st.text_input(t("queue.duplicate_of", lang), key=f"q_dup_{ref}")
    b = st.columns(2)
    action = None
    if r["status"] == "new" and b[0].button(t("queue.verify", lang), type="primary", width="stretch"):
        action = ("verify", {})
    if b[1].button(t("queue.forward", lang), width="stretch"):
        action = ("forward", {"agency": agency})
    if b[0].button(t("queue.reject", lang), width="stretch"):
        action = ("reject", {})
    if b[1].button(t("queue.mark_duplicate", lang), width="stretch"):
        action = ("duplicate", {"duplicate_of": dup})
    if action:
        res = vq.act(con, scope, int(r["id"]), action[0], version, note=note, **action[1])
        if res.ok:
            st.session_state["q_msg"] = ("ok", t("queue.done", lang, ref=ref, status=label("status", res.new_status, lang)))
        else:
            st.session_state["q_msg"] = ("error", t(f"queue.err_{res.code}", lang))
        st.rerun()
msg = st.session_state.pop("q_msg", None)
if msg:
    (st.success if msg[0] == "ok" else st.error)(msg[1])
