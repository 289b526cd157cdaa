"""What a page's visible text must not hold: raw keys, codes, "None", unformatted numbers, English in Thai mode.

Used by tests/test_browser_every_page.py on the text Chromium shows (main area, sidebar and the cells of every
dataframe); kept apart so the rules themselves are tested without a browser (tests/test_page_text_scan.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ntswatch_geo.i18n import catalogue
from ntswatch_geo.taxonomy import AGENCIES, CATEGORY_KEYS, CHANNEL_KEYS, STATUSES

# ASCII words a Thai page may show: proper nouns, product and method names, units, file formats
THAI_ALLOWED = {
    "NTS", "MWCC", "LINE", "Gi", "HDBSCAN", "DBSCAN", "PDF", "XLSX", "CSV", "GeoJSON", "GPKG", "Parquet",
    "Mekong", "Watch", "Geo", "English", "Language", "TOPSIS", "WSM", "STL", "FDR", "DOPA", "ArcGIS",
    "Moran", "Mann", "Kendall", "LISA", "EHSA", "OpenStreetMap", "CARTO", "Plotly", "Streamlit", "km²",
    "Getis", "Ord", "Benjamini", "Hochberg", "Poisson", "DSI", "Facebook", "sfdep", "esda", "Tukey",
}
# Streamlit's own texts that version 1.67 offers no parameter for (st.file_uploader's drop zone): not ours to
# translate; every other widget text (placeholders of selectboxes, multiselects and text fields) is set in Thai
STREAMLIT_FIXED = re.compile(r"(?:Upload\s+|Limit\s+)?200MB per file|Drag and drop file here|Browse files")
# a machine record shown as it is stored (the audit trail's JSON detail; a dataframe cell may be cut short)
JSON_CELL = re.compile(r'\{"[^|\n]*')
# names of statistics and tools, written as their authors do (like Gi*): whole phrases a Thai page may cite
THAI_ALLOWED_PHRASES = re.compile(r"Local Moran's I|Moran's I|Mann-Kendall|Getis-Ord|ArcGIS Pro|ArcGIS Hot Spot "
                                  r"Analysis|Sen's slope|Kendall's|NTS Literacy")
MISSING = ("None", "nan", "NaN", "NaT", "<NA>", "null", "undefined")
CODES = sorted({*CATEGORY_KEYS, *CHANNEL_KEYS, *STATUSES, *AGENCIES, "is_home", "unit_id", "p_sim", "no_pattern",
                "too_short", "occurred_date", "mwcc_office"}, key=len, reverse=True)
# codes that are not also plain English words: flagged in English mode too
ENGLISH_WORDS = {"new", "verified", "forwarded", "rejected", "duplicate", "spam", "online", "import", "other",
                 "smuggling", "customs", "immigration"}

REF_NO = re.compile(r"NTS-\d{4}-\d+")
SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
KEY = re.compile(r"(?<![\w.@/-])([a-z_]+)\.([a-z0-9_]+)(?:\.[a-z0-9_]+)*(?![\w@/-])")
LONG_DECIMAL = re.compile(r"(?<![\d.,])(\d+)\.(\d{3,})(?![\d])")
BIG_INT = re.compile(r"(?<![\w.,:/-])\d{5,}(?![\w,./:-])")   # not inside an id such as e3df016223b7
ASCII_WORD = re.compile(r"(?<![A-Za-z0-9_@.-])[A-Za-z][A-Za-z'’-]*[A-Za-z](?![A-Za-z0-9_@-])")


@dataclass(frozen=True)
class Finding:
    rule: str
    token: str
    context: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.token!r} in «{self.context}»"


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40):end + 40].split())


def _key_prefixes() -> set[str]:
    return {k.split(".", 1)[0] for k in catalogue("en")}


def scan(text: str, lang: str, proper_nouns: tuple[str, ...] = ()) -> list[Finding]:
    """Every rule broken in `text` (the visible text of a page in `lang`); `proper_nouns` (place and user names
    that have no Thai form) are taken out first."""
    for noun in sorted(proper_nouns, key=len, reverse=True):
        if noun:
            text = re.sub(rf"(?<!\w){re.escape(noun)}(?!\w)", " ", text)
    text = REF_NO.sub(" ", text)
    text = STREAMLIT_FIXED.sub(" ", text)
    text = JSON_CELL.sub(" ", text)
    out: list[Finding] = []

    def add(rule, m, token=None):
        out.append(Finding(rule, token or m.group(0), _context(text, m.start(), m.end())))

    for m in SNAKE.finditer(text):
        add("snake_case key", m)
    prefixes = _key_prefixes()
    keys = set(catalogue("en"))
    for m in KEY.finditer(text):
        if m.group(0) in keys or m.group(1) in prefixes:
            add("locale key", m)
    for word in MISSING:
        for m in re.finditer(rf"(?<![\w<]){re.escape(word)}(?![\w>])", text):
            add("missing value", m)
    for code in CODES:
        if "_" in code:
            continue                                 # the snake_case rule has it
        if lang == "en" and code in ENGLISH_WORDS:
            continue
        for m in re.finditer(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
            add("code", m)
    for m in LONG_DECIMAL.finditer(text):
        whole, frac = m.group(1), m.group(2)
        if len(frac) == 3 and (whole == "0" or m.group(0) == "1.000"):
            continue                                 # p-values, scores in [0, 1] and tau are shown to 3 places
        add("unformatted number", m)
    for m in BIG_INT.finditer(text):
        add("no thousands separator", m)
    if lang == "th":
        allowed = {w.casefold() for w in THAI_ALLOWED}
        text = THAI_ALLOWED_PHRASES.sub(" ", text)
        for m in ASCII_WORD.finditer(text):
            w = m.group(0)
            letters = re.sub(r"[^A-Za-z]", "", w)
            if len(letters) < 4 or w.casefold() in allowed or (w.isupper() and len(w) <= 6):
                continue
            if any(part.casefold() in allowed for part in re.split(r"[-'’]", w)) and "-" in w:
                continue
            add("English in Thai mode", m)
    return out


def dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        if (f.rule, f.token) not in seen:
            seen.add((f.rule, f.token))
            out.append(f)
    return out
