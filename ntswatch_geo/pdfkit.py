"""The PDF kit shared by the briefing (`briefing.py`) and the model-site sheet (`site_sheet.py`).

    doc = Document(title, lang, generated_at, synthetic=True, footer_label=title)
    doc.add_page(); doc.title_block(title, [line, ...]); doc.heading("…"); doc.grid(rows, widths, aligns)
    pdf: bytes = doc.to_bytes()

What it gives: A4 portrait pages in millimetres; the Thai font (Noto Sans Thai, ntswatch_geo/fonts, SIL OFL 1.1) in
regular and bold, with DejaVu Sans (shipped with matplotlib) as a fallback for the few symbols the Thai font
lacks (▲ ▼ ² →); HarfBuzz text shaping; a footer on every page with the document's label, "page x of y", the
generated time and, when synthetic reports are behind the document, a red "synthetic data" line; helpers for a
title block, headings that never sit alone at the foot of a page, lines, notes, a red notice box, tables (`grid`)
with a bold labelled header row (per-cell colours, highlighted rows) and images (PNG bytes).

Text extraction: shaped Thai places marks with their own text positioning, which makes text extractors
(pdftotext, copy and paste) break words apart; every shaped run is therefore wrapped in an /ActualText span
carrying its Unicode text (PDF 32000-1, 14.9.4), so extracted text is exactly what was written. fpdf2 has no
option for this; `install_actual_text` wraps its renderer.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from .config import PACKAGE_DIR
from .filters import Filters
from .i18n import fmt_date, label, t

__all__ = ["Document", "FONT_DIR", "FAMILY", "INK", "MUTED", "ALERT_RED", "font_paths", "install_actual_text",
           "fmt_generated", "filter_lines"]

FONT_DIR = PACKAGE_DIR / "fonts"
FONT_FILES = {"": "NotoSansThai-Regular.ttf", "B": "NotoSansThai-Bold.ttf"}
FAMILY = "NotoSansThai"
SYMBOL_FAMILY = "DejaVuSans"
SYMBOL_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
INK = (17, 24, 39)
MUTED = (100, 116, 139)
ALERT_RED = (185, 28, 28)
HEAD_FILL = (241, 245, 249)
HIGHLIGHT_FILL = (254, 249, 195)
PRODUCT = "NTS-Mekong Watch Geo"


def font_paths() -> dict[str, str]:
    """The Thai font's files by style ('' regular, 'B' bold); RuntimeError naming a missing file."""
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise RuntimeError(f"the PDF font is missing: {', '.join(missing)} (Noto Sans Thai TTF, see "
                           f"ntswatch_geo/fonts/NotoSansThai-TTF-SOURCE.txt)")
    return {s: str(p) for s, p in paths.items()}


def symbol_font_paths() -> dict[str, str]:
    """DejaVu Sans from matplotlib's data (a dependency already): arrows and other symbols; {} if absent."""
    import matplotlib

    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    paths = {s: base / n for s, n in SYMBOL_FILES.items()}
    return {s: str(p) for s, p in paths.items()} if all(p.is_file() for p in paths.values()) else {}


def install_actual_text() -> None:
    """Wrap fpdf2's shaped-text output in /ActualText spans so text extraction gives the text as written."""
    from fpdf import line_break

    frag = line_break.Fragment
    if getattr(frag.render_with_text_shaping, "_ntswatch_actual_text", False):
        return
    original = frag.render_with_text_shaping

    def render_with_text_shaping(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        text = self.string
        if not out or not text or isinstance(self, line_break.TotalPagesSubstitutionFragment):
            return out
        utf16 = "FEFF" + text.encode("utf-16-be").hex().upper()
        return f"/Span <</ActualText <{utf16}>>> BDC {out} EMC"

    render_with_text_shaping._ntswatch_actual_text = True
    frag.render_with_text_shaping = render_with_text_shaping


def fmt_generated(ts: dt.datetime, lang: str) -> str:
    """26 พ.ย. 2569 09:30 / 26 Nov 2026 09:30."""
    return f"{fmt_date(ts.date(), lang)} {ts:%H:%M}"


def filter_lines(f: Filters, lang: str, province_names: dict[str, str] | None = None,
                 district_names: dict[str, str] | None = None) -> list[str]:
    """The filters a document was made with, one labelled line each, in `lang` (names, not codes; "all" for an
    empty choice). Names come from the caller (no database access here)."""
    pn, dn = province_names or {}, district_names or {}
    every = t("filters.all", lang)

    def names(values, fn) -> str:
        return ", ".join(fn(v) for v in values) if values else every

    out = [f"{t('filters.dates', lang)}: {fmt_date(f.date_from, lang)} – {fmt_date(f.date_to, lang)}",
           f"{t('filters.categories', lang)}: {names(f.categories, lambda k: label('category', k, lang))}",
           f"{t('filters.provinces', lang)}: {names(f.provinces, lambda c: pn.get(c, c))}",
           f"{t('filters.districts', lang)}: {names(f.districts, lambda c: dn.get(c, c))}",
           f"{t('filters.channels', lang)}: {names(f.channels, lambda k: label('channel', k, lang))}",
           f"{t('filters.statuses', lang)}: {names(f.statuses, lambda k: label('status', k, lang))}"]
    if f.mwcc_only:
        out.append(t("filters.mwcc_only", lang))
    return out


def _document_class():
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Document(FPDF):
        """An A4 document in Thai or English with the project's fonts, footer and layout helpers."""

        def __init__(self, title: str, lang: str, generated_at: dt.datetime, *, synthetic: bool,
                     footer_label: str, margins: tuple[float, float, float] = (15, 14, 15),
                     auto_break: bool = True, bottom: float = 17):
            super().__init__(orientation="portrait", unit="mm", format="A4")
            install_actual_text()
            for style, path in font_paths().items():
                self.add_font(FAMILY, style, path)
            symbols = symbol_font_paths()
            for style, path in symbols.items():
                self.add_font(SYMBOL_FAMILY, style, path)
            if symbols:
                self.set_fallback_fonts([SYMBOL_FAMILY])
            self.set_text_shaping(True)
            self.set_margins(*margins)
            self.set_auto_page_break(auto_break, margin=bottom)
            self.lang_code = lang
            self.footer_label = footer_label
            self.generated_text = t("pdf.generated", lang, at=fmt_generated(generated_at, lang))
            self.synthetic = synthetic
            self.set_title(title)
            self.set_author(PRODUCT)
            self.set_lang(lang)
            self.set_creation_date(generated_at.astimezone())
            self.alias_nb_pages()

        @property
        def foot(self) -> float:
            """The lowest y content may reach on a page (above the footer)."""
            return self.h - self.b_margin

        # ---------------------------------------------------------------- footer on every page
        def footer(self):
            self.set_y(-13)
            self.set_font(FAMILY, "", 7.5)
            self.set_text_color(*MUTED)
            self.cell(0, 4, self.footer_label, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, t("pdf.page", self.lang_code, page=self.page_no(), pages="{nb}"), align="R")
            self.set_xy(self.l_margin, -9)
            self.cell(0, 4, f"{PRODUCT} · {self.generated_text}", align="L")
            if self.synthetic:
                self.set_x(self.l_margin)
                self.set_text_color(*ALERT_RED)
                self.set_font(FAMILY, "B", 7.5)
                self.cell(0, 4, t("pdf.synthetic_footer", self.lang_code), align="R")
            self.set_text_color(*INK)

        # ---------------------------------------------------------------- blocks
        def title_block(self, title: str, lines: list[str], size: float = 17) -> None:
            self.set_font(FAMILY, "B", size)
            self.set_text_color(*INK)
            self.multi_cell(self.epw, size * 0.47, title, new_x="LMARGIN", new_y="NEXT")
            self.set_font(FAMILY, "", 9.5)
            self.set_text_color(*MUTED)
            for text in lines:
                self.multi_cell(self.epw, 5, text, new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(*INK)

        def heading(self, text: str, size: float = 11.5, gap: float = 2.5, keep: float = 28) -> None:
            """A bold heading; a new page first when less than `keep` mm are left (never alone at the foot)."""
            if self.auto_page_break and self.get_y() + keep > self.foot:
                self.add_page()
                gap = 0
            self.ln(gap)
            self.set_font(FAMILY, "B", size)
            self.set_text_color(*INK)
            self.multi_cell(self.epw, size * 0.52, text, new_x="LMARGIN", new_y="NEXT")
            self.ln(0.5)

        def line(self, text: str, size: float = 8.5, colour=INK, bold: bool = False, h: float = 4.4,
                 w: float | None = None) -> None:
            self.set_font(FAMILY, "B" if bold else "", size)
            self.set_text_color(*colour)
            self.multi_cell(w or self.epw, h, text, align="L", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(*INK)

        def note(self, text: str, size: float = 7.5, w: float | None = None) -> None:
            self.line(text, size=size, colour=MUTED, h=size * 0.5, w=w)

        def alert_box(self, text: str, size: float = 9.5) -> None:
            """A red bordered notice (the synthetic-data box)."""
            self.ln(1.5)
            self.set_draw_color(*ALERT_RED)
            self.set_fill_color(254, 242, 242)
            self.set_text_color(*ALERT_RED)
            self.set_font(FAMILY, "B", size)
            self.set_line_width(0.45)
            self.multi_cell(self.epw, size * 0.55, text, border=1, fill=True, padding=1.8, align="L",
                            new_x="LMARGIN", new_y="NEXT")
            self.set_line_width(0.2)
            self.set_draw_color(0, 0, 0)
            self.set_text_color(*INK)

        def grid(self, rows: list[list[str]], widths: tuple, aligns: tuple, *, colours: dict | None = None,
                  highlight: set | frozenset = frozenset(), size: float = 8, line_height: float = 4.6,
                  width: float | None = None, align: str = "CENTER", padding=(0.8, 1.2)) -> None:
            """rows[0] is the header (bold on grey). colours: {(row, col): rgb}; highlight: rows in bold on
            yellow (e.g. the province itself among its peers)."""
            self.set_font(FAMILY, "", size)
            head = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
            with self.table(col_widths=widths, text_align=aligns, headings_style=head, line_height=line_height,
                            borders_layout="HORIZONTAL_LINES", width=width or self.epw, align=align,
                            padding=padding) as tab:
                for i, r in enumerate(rows):
                    row = tab.row()
                    for j, cell in enumerate(r):
                        colour = (colours or {}).get((i, j))
                        if i in highlight:
                            style = FontFace(emphasis="BOLD", fill_color=HIGHLIGHT_FILL, color=colour)
                        else:
                            style = FontFace(color=colour) if colour else None
                        row.cell(str(cell), style=style)

        def png(self, data: bytes, w: float, h: float | None = None, x: float | None = None,
                y: float | None = None) -> None:
            kw = {"w": w, "x": self.l_margin if x is None else x}
            if h is not None:
                kw["h"] = h
            if y is not None:
                kw["y"] = y
            self.image(io.BytesIO(data), **kw)

        def to_bytes(self) -> bytes:
            return bytes(self.output())

    return Document


_CLASS = None


def Document(*args, **kwargs):
    """A new `Document` (the fpdf2 subclass is built on first use, so importing this module stays cheap)."""
    global _CLASS
    if _CLASS is None:
        _CLASS = _document_class()
    return _CLASS(*args, **kwargs)
