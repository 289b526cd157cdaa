"""NTS-Mekong Watch Geo — minimal dashboard: what the database holds (the app shell replaces this)."""
import streamlit as st

from ntswatch_geo.config import settings
from ntswatch_geo.db import connect
from ntswatch_geo.dbinfo import database_info

st.set_page_config(page_title="NTS-Mekong Watch Geo", layout="wide")
st.title("NTS-Mekong Watch Geo · ศูนย์ประสานงานเฝ้าระวังลุ่มน้ำโขง")

path = settings().db_path
try:
    con = connect(path, read_only=True)
    info = database_info(con)
except Exception as exc:  # show, never a traceback
    st.error(f"{path}: cannot open the database ({exc}). Run `make run` or `ntswatch init` first.")
    st.stop()

if info["reports"]["synthetic_share"] > 0:
    st.warning("ข้อมูลสังเคราะห์ · Synthetic demo data: these reports are generated, not real.")
c = info["counts"]
cols = st.columns(4)
cols[0].metric("Districts · อำเภอ", f"{c['districts']:,}")
cols[1].metric("Border districts · อำเภอชายแดน", f"{c['border_districts']:,}")
cols[2].metric("Named MWCC sites · ศูนย์ฯ", f"{info['mwcc']['named']} / {info['mwcc']['programme_districts']}")
cols[3].metric("Reports · รายงาน", f"{info['reports']['total']:,}")
st.caption(f"Reports {info['reports']['first_date']} – {info['reports']['last_date']}; "
           f"{info['mwcc']['not_public']} MWCC districts are not named in public sources.")
st.dataframe(con.execute("""
    SELECT d.code, d.name_th, d.name_en, p.name_en AS province, d.border_country,
           round(d.border_km_la + d.border_km_kh, 1) AS border_km, m.district_code IS NOT NULL AS mwcc
    FROM districts d JOIN provinces p ON p.code = d.province_code
    LEFT JOIN mwcc_sites m ON m.district_code = d.code
    WHERE d.is_border ORDER BY d.code""").df(), hide_index=True)
