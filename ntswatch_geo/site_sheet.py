"""One-page A4 PDF "site sheet" for a shortlisted border district (Thai or English).

`district_sheet(con, code, ranked, sens, crit, lang, synthetic)` lays out: the district and province names,
its rank and score (from `sites.rank`), rank acceptability and rank range (from `sites.sensitivity`), its
criteria values with units and contributions, its parallel areas across the border, its SWOT notes grouped
by kind, the date generated and, when `synthetic`, a visible synthetic-data notice. Reuses the fonts, text
shaping and PDF class of `briefing`.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import sites
from .briefing import ALERT_RED, FAMILY, INK, MUTED, _font_paths, _install_actual_text, _pdf_class
from .errors import InputError

NOTE_MAX_CHARS = 220       # a note longer than this is cut with "…"
NOTES_PER_KIND = 4         # at most this many notes per SWOT kind
MAX_PARALLEL_ROWS = 8

LABELS = {
    "th": {
        "title": "เอกสารสรุปพื้นที่: อำเภอ{district} จังหวัด{province}",
        "rank": "อันดับ {rank} จาก {n} อำเภอ · คะแนน {score} ({method})",
        "accept": "อยู่ใน {k} อันดับแรก {share} ของการจำลอง {runs} ครั้ง · ช่วงอันดับ (P5–P95) {lo}–{hi}",
        "generated": "จัดทำเมื่อ {date}",
        "synthetic": "ข้อมูลสังเคราะห์ — ไม่ใช่รายงานจริง ใช้เพื่อการสาธิตและทดสอบเท่านั้น",
        "criteria": "เกณฑ์การคัดเลือก",
        "col_criterion": "เกณฑ์", "col_value": "ค่า", "col_unit": "หน่วย", "col_contrib": "ส่วนร่วมต่อคะแนน",
        "parallel": "พื้นที่คู่ขนานข้ามแดน",
        "col_name": "เขต/เมือง", "col_country": "ประเทศ", "col_lao_province": "แขวง (สปป.ลาว)",
        "col_km": "แนวชายแดนร่วม (กม.)",
        "none": "ไม่มี",
        "swot": "SWOT",
        "strengths": "จุดแข็ง", "weaknesses": "จุดอ่อน", "opportunities": "โอกาส", "threats": "อุปสรรค",
        "LA": "สปป.ลาว", "KH": "กัมพูชา",
        "more": "และอีก {n} รายการ",
        "footer": "NTS-Mekong Watch Geo · เอกสารสรุปพื้นที่",
    },
    "en": {
        "title": "Site sheet: {district} District, {province} Province",
        "rank": "Rank {rank} of {n} districts · score {score} ({method})",
        "accept": "In the top {k} in {share} of {runs} simulated rankings · rank range (P5–P95) {lo}–{hi}",
        "generated": "Generated {date}",
        "synthetic": "SYNTHETIC DATA — not real reports; for demonstration and testing only",
        "criteria": "Selection criteria",
        "col_criterion": "Criterion", "col_value": "Value", "col_unit": "Unit", "col_contrib": "Contribution to score",
        "parallel": "Parallel areas across the border",
        "col_name": "District", "col_country": "Country", "col_lao_province": "Lao province",
        "col_km": "Shared border (km)",
        "none": "None",
        "swot": "SWOT",
        "strengths": "Strengths", "weaknesses": "Weaknesses", "opportunities": "Opportunities", "threats": "Threats",
        "LA": "Lao PDR", "KH": "Cambodia",
        "more": "and {n} more",
        "footer": "NTS-Mekong Watch Geo · site sheet",
    },
}


def _num(x) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)) or pd.isna(x):
        return "–"
    x = float(x)
    if x == int(x) and abs(x) < 1e9:
        return f"{int(x):,}"
    return f"{x:,.2f}" if abs(x) >= 1 else f"{x:.3f}"


def _cut(text: str, n: int = NOTE_MAX_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _row(df: pd.DataFrame, code: str, what: str) -> pd.Series:
    hit = df[df["code"] == code]
    if hit.empty:
        raise InputError(f"code: {code!r} is not in the {what} table")
    return hit.iloc[0]


def district_sheet(con, code: str, ranked: pd.DataFrame, sens: pd.DataFrame, crit: pd.DataFrame, lang: str,
                   synthetic: bool, generated_at: dt.datetime | None = None) -> bytes:
    """A one-page A4 PDF about the shortlisted district `code` in `lang` ('th' | 'en')."""
    from fpdf.fonts import FontFace

    if lang not in LABELS:
        raise InputError(f"lang: {lang!r} is not allowed; allowed: th, en")
    L = LABELS[lang]
    r_rank, r_sens, r_crit = _row(ranked, code, "ranking"), _row(sens, code, "sensitivity"), _row(crit, code, "criteria")
    generated_at = generated_at or dt.datetime.now()
    district, province = r_crit[f"name_{lang}"], r_crit[f"province_{lang}"]
    title = L["title"].format(district=district, province=province)

    parallel = con.execute(
        "SELECT n.name_en, p.country, n.province_en, p.shared_km FROM parallel_areas p "
        "JOIN neighbour_districts n ON n.id = p.neighbour_id WHERE p.district_code = ? "
        "ORDER BY p.shared_km DESC, n.name_en", [code]).df()
    swot = sites.notes(con, [code])

    _install_actual_text()
    pdf = _pdf_class()(orientation="portrait", unit="mm", format="A4")
    for style, path in _font_paths().items():
        pdf.add_font(FAMILY, style, path)
    pdf.set_text_shaping(True)
    pdf.set_margins(14, 12, 14)
    pdf.set_auto_page_break(False)   # one page: content is cut to fit, never spills onto a second page
    pdf.set_title(title)
    pdf.set_author("NTS-Mekong Watch Geo")
    pdf.set_lang(lang)
    pdf.footer_left = L["footer"]
    pdf.footer_right = L["generated"].format(date=generated_at.strftime("%Y-%m-%d %H:%M"))
    if synthetic:
        pdf.footer_alert = L["synthetic"]
    pdf.add_page()
    W = pdf.epw
    bottom = pdf.h - 16

    def heading(text: str) -> None:
        pdf.ln(2)
        pdf.set_font(FAMILY, "B", 10.5)
        pdf.set_text_color(*INK)
        pdf.cell(W, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    def line(text: str, size: float = 8.5, colour=INK, bold: bool = False, h: float = 4.4) -> None:
        pdf.set_font(FAMILY, "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(W, h, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)

    def table(rows, widths, aligns, size=7.5):
        pdf.set_font(FAMILY, "", size)
        head = FontFace(emphasis="BOLD", fill_color=(241, 245, 249))
        with pdf.table(col_widths=widths, text_align=aligns, headings_style=head, line_height=3.9,
                       borders_layout="HORIZONTAL_LINES", width=W, padding=(0.5, 1)) as tab:
            for r in rows:
                row = tab.row()
                for c in r:
                    row.cell(c)

    # --- title, rank, robustness, notice
    pdf.set_font(FAMILY, "B", 15)
    pdf.set_text_color(*INK)
    pdf.multi_cell(W, 7, title, new_x="LMARGIN", new_y="NEXT")
    line(L["generated"].format(date=generated_at.strftime("%Y-%m-%d")), size=8, colour=MUTED)
    pdf.ln(1)
    line(L["rank"].format(rank=int(r_rank["rank"]), n=len(ranked), score=f"{float(r_rank['score']):.3f}",
                          method=str(ranked.attrs.get("method", "")).upper() or "–"), size=10, bold=True, h=5.5)
    runs = sens.attrs.get("n", 0) * len(sens.attrs.get("methods", [1]))
    line(L["accept"].format(k=sens.attrs.get("top_k", "?"), share=f"{float(r_sens['acceptability']):.0%}",
                            runs=runs or "?", lo=_num(r_sens["rank_p05"]), hi=_num(r_sens["rank_p95"])), size=9)
    if synthetic:
        pdf.ln(1.5)
        pdf.set_draw_color(*ALERT_RED)
        pdf.set_fill_color(254, 242, 242)
        pdf.set_text_color(*ALERT_RED)
        pdf.set_font(FAMILY, "B", 9)
        pdf.set_line_width(0.4)
        pdf.multi_cell(W, 5, L["synthetic"], border=1, fill=True, padding=1.5, align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_line_width(0.2)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_text_color(*INK)

    # --- criteria
    heading(L["criteria"])
    rows = [[L["col_criterion"], L["col_value"], L["col_unit"], L["col_contrib"]]]
    for c in sites.CRITERIA:
        contrib = r_rank.get(f"contrib_{c.key}")
        rows.append([c.label_th if lang == "th" else c.label_en, _num(r_crit.get(c.key)), c.unit,
                     "–" if contrib is None or pd.isna(contrib) else f"{float(contrib):.3f}"])
    table(rows, (80, 25, 45, 32), ("LEFT", "RIGHT", "LEFT", "RIGHT"))

    # --- parallel areas
    heading(L["parallel"])
    if parallel.empty:
        line(L["none"], size=8, colour=MUTED)
    else:
        rows = [[L["col_name"], L["col_country"], L["col_lao_province"], L["col_km"]]]
        for _, p in parallel.head(MAX_PARALLEL_ROWS).iterrows():
            rows.append([p["name_en"], L.get(p["country"], p["country"]),
                         p["province_en"] if isinstance(p["province_en"], str) else "–", f"{p['shared_km']:.1f}"])
        table(rows, (62, 35, 50, 35), ("LEFT", "LEFT", "LEFT", "RIGHT"))
        if len(parallel) > MAX_PARALLEL_ROWS:
            line(L["more"].format(n=len(parallel) - MAX_PARALLEL_ROWS), size=7, colour=MUTED)

    # --- SWOT notes, grouped by kind; stop before the footer
    heading(L["swot"])
    for kind in sites.SWOT_KINDS:
        if pdf.get_y() + 9 > bottom:
            break
        group = swot[swot["kind"] == kind] if not swot.empty else swot
        line(L[kind], size=8.5, bold=True, h=4.4)
        if group.empty:
            line("  " + L["none"], size=7.5, colour=MUTED, h=3.7)
            continue
        for i, (_, n) in enumerate(group.iterrows()):
            if i >= NOTES_PER_KIND or pdf.get_y() + 8 > bottom:
                line("  " + L["more"].format(n=len(group) - i), size=7, colour=MUTED, h=3.5)
                break
            when = pd.Timestamp(n["created_at"]).strftime("%Y-%m-%d")
            line(f"• {_cut(n['text'])} — {n['author']}, {when}", size=7.5, h=3.7)
    return bytes(pdf.output())
