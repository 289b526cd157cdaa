"""Thai and English: one string catalogue per language, names, numbers and dates.

Catalogues are `locales/th.toml` and `locales/en.toml`, plus one pair per topic `locales/th.<topic>.toml` /
`locales/en.<topic>.toml` merged in (a key defined twice is an error; flat keys; a test checks both languages
have the same keys and the same {placeholders}). Thai mode shows Buddhist-era years (พ.ศ. = ค.ศ. + 543) and Thai month
abbreviations; numbers use Arabic digits with thousands separators in both languages, as Thai government
documents usually do.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from functools import lru_cache
from pathlib import Path

from . import thai

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGS = ("th", "en")
DEFAULT_LANG = "th"
BE_OFFSET = thai.BE_OFFSET
TH_MONTHS = thai.MONTHS_ABBR
EN_MONTHS = thai.EN_MONTHS_ABBR


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """The flat key → text mapping of one language."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: allowed {', '.join(LANGS)}")
    out = _flatten(tomllib.loads((LOCALES_DIR / f"{lang}.toml").read_text(encoding="utf-8")))
    for path in sorted(LOCALES_DIR.glob(f"{lang}.*.toml")):
        more = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
        twice = sorted(set(more) & set(out))
        if twice:
            raise ValueError(f"{path.name}: keys already defined: {', '.join(twice[:5])}")
        out.update(more)
    return out


def _flatten(d: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out


def t(key: str, lang: str, **kwargs) -> str:
    """The text for `key` in `lang`, formatted with `kwargs`; the key itself if it is missing."""
    text = catalogue(lang).get(key, key)
    return text.format(**kwargs) if kwargs else text


def fmt_int(n: int | float | None, lang: str = "en") -> str:
    """1,234 (both languages); '–' for None."""
    return "–" if n is None else f"{int(round(n)):,}"


def fmt_float(x: float | None, lang: str = "en", digits: int = 1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def fmt_pct(x: float | None, lang: str = "en", digits: int = 0, signed: bool = False) -> str:
    """A share or change as a percentage: 12% or +12%."""
    if x is None:
        return "–"
    if 0 < abs(x) < 0.01 and digits == 0:
        digits = 1  # +0.2%, not a misleading +0%
    return f"{x * 100:+.{digits}f}%" if signed else f"{x * 100:.{digits}f}%"


def year(y: int, lang: str) -> int:
    """The year as shown: Buddhist era in Thai."""
    return y + BE_OFFSET if lang == "th" else y


def fmt_date(d: dt.date | None, lang: str) -> str:
    """15 ม.ค. 2568 (Thai, Buddhist era) or 15 Jan 2025."""
    if d is None:
        return "–"
    months = TH_MONTHS if lang == "th" else EN_MONTHS
    return f"{d.day} {months[d.month - 1]} {year(d.year, lang)}"


def fmt_date_long(d: dt.date | None, lang: str) -> str:
    """15 พฤศจิกายน 2569 (Thai, Buddhist era) or 15 November 2026: a date read back to the person who typed it."""
    if d is None:
        return "–"
    from .reports.normalise import EN_MONTHS as EN_FULL, TH_MONTHS as TH_FULL
    month = TH_FULL[d.month - 1] if lang == "th" else EN_FULL[d.month - 1].capitalize()
    return f"{d.day} {month} {year(d.year, lang)}"


def fmt_month(d: dt.date, lang: str) -> str:
    """ม.ค. 2568 or Jan 2025."""
    months = TH_MONTHS if lang == "th" else EN_MONTHS
    return f"{months[d.month - 1]} {year(d.year, lang)}"


def fmt_period(d_from: dt.date, d_to: dt.date, lang: str) -> str:
    return f"{fmt_date(d_from, lang)} – {fmt_date(d_to, lang)}"


class Bilingual(str):
    """A sentence made in the package (a warning, a note): the str is the English text, as logs, the CLI and
    JSON see it; `.th` holds the Thai. `in_lang(text, lang)` picks the one to show."""

    th: str

    def __new__(cls, en: str, th: str):
        obj = super().__new__(cls, en)
        obj.th = th
        return obj

    def __getnewargs__(self):          # pickled (st.cache_data) with its Thai
        return str(self), self.th


def in_lang(text, lang: str) -> str:
    """The Thai of a Bilingual in Thai, else the text itself; a {"th": ..., "en": ...} mapping by language."""
    if isinstance(text, dict):
        return text.get(lang) or text.get("en") or ""
    return text.th if lang == "th" and isinstance(text, Bilingual) else str(text)


def pick(row, lang: str, stem: str = "name") -> str:
    """row[f'{stem}_th'] or row[f'{stem}_en'] (mapping or attribute access)."""
    key = f"{stem}_{lang}"
    return row[key] if hasattr(row, "__getitem__") else getattr(row, key)


def label(kind: str, key: str, lang: str) -> str:
    """Label of a category or channel (from taxonomy) or of another coded value (catalogue `{kind}.{key}`)."""
    from .taxonomy import CATEGORIES, CHANNELS

    table = {"category": {k: (th, en) for k, th, en in CATEGORIES},
             "channel": {k: (th, en) for k, th, en, _ in CHANNELS}}.get(kind)
    if table is not None and key in table:
        return table[key][0 if lang == "th" else 1]
    return t(f"{kind}.{key}", lang)


def fmt_p(x: float | None, lang: str = "en") -> str:
    """A p- or q-value as written after 'p': '< 0.001' below one in a thousand, else '= 0.012'; '–' if unknown."""
    if x is None or x != x:
        return "–"
    return "< 0.001" if x < 0.001 else f"= {x:.3f}"


_LEADING_VOWELS = "\u0e40\u0e41\u0e42\u0e43\u0e44"          # เ แ โ ใ ไ: written before the consonant
_MARKS = dict.fromkeys(map(ord, "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"))   # ็ ่ ้ ๊ ๋ ์ ํ ๎


def sort_key(text: str | None, lang: str = "th") -> tuple:
    """A key that sorts names as a Thai reader expects (dictionary order): a leading vowel (เ แ โ ใ ไ) sorts
    after the consonant it precedes, tone and other marks only break ties. English: case-insensitive."""
    s = text or ""
    if lang != "th":
        return (s.casefold(), s)
    chars = list(s)
    i = 0
    while i < len(chars) - 1:
        if chars[i] in _LEADING_VOWELS and "\u0e01" <= chars[i + 1] <= "\u0e2e":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 2
        else:
            i += 1
    swapped = "".join(chars)
    return (swapped.translate(_MARKS), swapped, s)
