"""Province, district and subdistrict names (Thai or English, any common spelling) to DOPA codes.

The official lists are the database's `provinces` and `districts` (DOPA codes and names from geothai) and
geothai's `subdistricts.json`. A name is looked up in this order; the first step that finds exactly one
unit wins, and `Match.confidence` says how sure it is:

| step | example | confidence | how |
|---|---|---|---|
| a DOPA code (Thai digits allowed) | `4804`, `๔๘๐๔` | 1.0 | code |
| the exact Thai or English name, prefixes removed | `อ.บ้านแพง`, `Ban Phaeng District` | 1.0 | exact |
| the same *folded* key (below) | `Nakorn Panom`, `Mukdaharn`, `Srisaket` | 0.95 | folded |
| "Mueang"/"เมือง" alone within a province: its capital district (DOPA code PP01) | `อ.เมือง` + จ.นครพนม | 0.95 | mueang |
| a known short name or a unique first word (provinces) | `Ubon`, `อุบล`, `Korat`, `กทม` | 0.9 | alias |
| the start of exactly one name in the pool (Thai 3+ letters, English 5+) | `อรัญ`, `อรัญฯ`, `Aranya` | 0.9 | prefix |
| fuzzy (rapidfuzz `fuzz.ratio` on folded keys) | `Nakhon Phanon`, `นครพนน` | ratio / 100 | fuzzy |

**Truncated names.** "ฯ" at the end of a name marks it as shortened (อรัญฯ = อรัญประเทศ, เมืองฯ = เมือง):
the ฯ is dropped and the rest must start exactly one name of the pool (the province's districts when a
province is given); several → 'ambiguous', naming them. Without ฯ a unique prefix is still taken (อรัญ);
several fall through to the fuzzy step.

**Threshold**: a fuzzy match below `FUZZY_THRESHOLD` (0.80) is not a match ('not_found'), and a fuzzy best
match less than `FUZZY_MARGIN` (0.05) ahead of a different unit is 'ambiguous'. Districts are searched within
the province when one is given; without a province, a name shared by districts of several provinces
(จอมทอง, Chaloem Phra Kiat, "เมือง") is 'ambiguous' and the candidates are named.

Prefixes removed: อำเภอ อ. เขต กิ่งอำเภอ จังหวัด จ. ตำบล ต. แขวง, and in English Amphoe/Amphur/District/
Khet/King Amphoe/Changwat/Province/Tambon/Subdistrict. A parenthesised part ("บ้านแพง (Ban Phaeng)") is
tried on its own when the whole does not match.

**Folding** (English, per word, then words joined): lower case, letters only; "sri"→"si"; "ue", "eu",
"oe"→"u"; "ie"→"ia"; "kh"→"k", "ph"→"p", "th"→"t"; "rn"→"n"; a final "l" or "r"→"n" (Ubol → Ubon);
doubled letters once ("aa"→"a", "ee"→"e", "tt"→"t"), then "ee"→"i" and "oo"→"u" before that. So Nakhon
Phanom = Nakorn Panom = Nakhonphanom, Si Sa Ket = Sisaket = Srisaket, Bueng Kan = Bung Kan = Beung Kan,
Chiang Rai = Chiengrai. Thai keys drop spaces, dots and zero-width characters.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from importlib import resources

from rapidfuzz import fuzz, process

from .normalise import clean_text, thai_digits

FUZZY_THRESHOLD = 0.80
FUZZY_MARGIN = 0.05

_TH_PREFIX = re.compile(r"^(?:กิ่ง\s*อำเภอ|กิ่ง\s*อ\.|อำเภอ|อ\.|เขต|จังหวัด|จ\.|ตำบล|ต\.|แขวง)\s*")
_EN_WORDS = re.compile(
    r"\b(?:king\s+amphoe|amphoe|amphur|amphor|amp\.|district|khet|changwat|province|prov\.|tambon|tambol|"
    r"sub[\s-]?district|khwaeng)\b\.?", re.I)
_MUEANG = {"mueang", "muang", "meuang", "mueng", "muong", "mu-ang", "muaeng", "mueaeng", "เมือง"}
_THAI = re.compile(r"[ก-๛]")

PROVINCE_ALIASES = {
    "korat": "30", "khorat": "30", "โคราช": "30",
    "bkk": "10", "krungthep": "10", "กทม": "10", "กรุงเทพ": "10", "กรุงเทพฯ": "10",
    "ayutthaya": "14", "อยุธยา": "14",
}


def strip_prefix(text: str) -> str:
    """Name without Thai or English administrative prefixes and suffixes."""
    s = text.strip()
    while True:
        t = _TH_PREFIX.sub("", s)
        if t == s:
            break
        s = t
    s = _EN_WORDS.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip(" ,.-")


def _fold_word(w: str) -> str:
    w = re.sub(r"[^a-z]", "", w.lower())
    w = re.sub(r"^sri", "si", w)
    w = w.replace("ue", "u").replace("eu", "u").replace("oe", "u").replace("ie", "ia")
    w = w.replace("kh", "k").replace("ph", "p").replace("th", "t")
    w = w.replace("ee", "i").replace("oo", "u")
    w = w.replace("rn", "n")
    w = re.sub(r"(.)\1+", r"\1", w)
    w = re.sub(r"[lr]$", "n", w)
    return w


def fold(text: str) -> str:
    """The spelling-insensitive key of a name (Thai: letters only; English: folded words joined)."""
    s = strip_prefix(thai_digits(text))
    if _THAI.search(s):
        return re.sub(r"[^ก-๛a-z0-9]", "", s.lower())
    return "".join(_fold_word(w) for w in re.split(r"[\s\-_'’.,/]+", s) if w)


def _plain(text: str) -> str:
    """Case- and space-insensitive exact form (no spelling folds)."""
    return re.sub(r"[\s\-_'’.]+", "", strip_prefix(text).lower())


@dataclass(frozen=True)
class Match:
    """The result of a lookup: a code or None, a confidence 0..1, how it was found, and candidates."""

    code: str | None
    confidence: float
    how: str                                  # code exact folded mueang alias fuzzy | not_found ambiguous empty
    candidates: tuple[str, ...] = ()          # codes when 'ambiguous'; the nearest names when 'not_found'


@dataclass
class _Units:
    codes: list[str]
    parent: dict[str, str]                    # code -> parent code ('' for provinces)
    label: dict[str, str]                     # code -> "name_th / name_en"
    plain: dict[str, set[str]] = field(default_factory=dict)   # plain name -> codes
    keys: dict[str, set[str]] = field(default_factory=dict)    # folded key -> codes

    def add(self, code: str, parent: str, name_th: str, name_en: str, extra: tuple[str, ...] = ()):
        self.codes.append(code)
        self.parent[code] = parent
        self.label[code] = f"{name_th} / {name_en}"
        for n in (name_th, name_en, *extra):
            if n:
                self.plain.setdefault(_plain(n), set()).add(code)
                self.keys.setdefault(fold(n), set()).add(code)


class PlaceIndex:
    """Lookup of provinces, districts and subdistricts by code or name (see the module docstring)."""

    def __init__(self, provinces: list[tuple[str, str, str]], districts: list[tuple[str, str, str, str]],
                 subdistricts: list[tuple[str, str, str]]):
        """`provinces` (code, name_th, name_en); `districts` (code, province_code, name_th, name_en);
        `subdistricts` (6-digit code, name_th, name_en) — only those whose district is listed are used."""
        self.provinces = _Units([], {}, {})
        for code, th, en in provinces:
            self.provinces.add(code, "", th, en)
        self.province_name = {c: self.provinces.label[c] for c in self.provinces.codes}
        self.districts = _Units([], {}, {})
        for code, pc, th, en in districts:
            self.districts.add(code, pc, th, en)
        self.subdistricts = _Units([], {}, {})
        known = set(self.districts.codes)
        for code, th, en in subdistricts:
            if code[:4] in known:
                self.subdistricts.add(code, code[:4], th, en)
        self._children: dict[tuple[int, str], list[str]] = {}
        for level, units in ((1, self.districts), (2, self.subdistricts)):
            for c in units.codes:
                self._children.setdefault((level, units.parent[c]), []).append(c)
        # provinces by unique first word ("Ubon", "Udon", "อุบล" is a unique Thai prefix)
        self._province_alias = {k: v for k, v in PROVINCE_ALIASES.items() if v in self.provinces.parent}
        first: dict[str, set[str]] = {}
        for c in self.provinces.codes:
            th, en = self.provinces.label[c].split(" / ")
            first.setdefault(_fold_word(en.split()[0]), set()).add(c)
        for k, cs in first.items():
            if len(cs) == 1 and len(k) >= 4:
                self._province_alias.setdefault(k, next(iter(cs)))
        self._lock = threading.Lock()

    @classmethod
    def from_connection(cls, con) -> PlaceIndex:
        """Built from the database's provinces and districts and geothai's subdistricts."""
        provinces = con.execute("SELECT code, name_th, name_en FROM provinces ORDER BY code").fetchall()
        districts = con.execute(
            "SELECT code, province_code, name_th, name_en FROM districts ORDER BY code").fetchall()
        raw = json.loads(resources.files("geothai").joinpath("_data", "subdistricts.json")
                         .read_text(encoding="utf-8"))
        return cls(provinces, districts, [(r[0], r[1], r[2]) for r in raw])

    # ------------------------------------------------------------------------------------- lookups

    def province(self, text) -> Match:
        """Province code for a code or name."""
        s = clean_text(text)
        if s is None:
            return Match(None, 0.0, "empty")
        m = self._lookup(self.provinces, s, self.provinces.codes, code_len=2)
        if m.code is None and m.how == "not_found":
            k = fold(s)
            alias = self._province_alias.get(k) or self._province_alias.get(_plain(s))
            if alias is None and _THAI.search(k) and len(k) >= 3:
                pref = {c for key, cs in self.provinces.keys.items() if key.startswith(k) for c in cs}
                alias = next(iter(pref)) if len(pref) == 1 else None
            if alias:
                return Match(alias, 0.9, "alias")
        return m

    def district(self, text, province_code: str | None = None) -> Match:
        """District code for a code or name, searched within the province when one is given."""
        s = clean_text(text)
        if s is None:
            return Match(None, 0.0, "empty")
        if fold(s).rstrip("ฯ") in {fold(w) for w in _MUEANG} or _plain(s).rstrip("ฯ") in _MUEANG:
            if province_code:
                cap = province_code + "01"
                return Match(cap, 0.95, "mueang") if cap in self.districts.parent else Match(None, 0.0, "not_found")
            caps = tuple(c for c in self.districts.codes if c.endswith("01") and c[:2] != "10")
            return Match(None, 0.0, "ambiguous", caps)
        pool = self._children.get((1, province_code)) if province_code else self.districts.codes
        return self._lookup(self.districts, s, pool or [], code_len=4)

    def subdistrict(self, text, district_code: str | None = None, province_code: str | None = None) -> Match:
        """Subdistrict (tambon) code for a code or name, within the district or province when given."""
        s = clean_text(text)
        if s is None:
            return Match(None, 0.0, "empty")
        if district_code:
            pool = self._children.get((2, district_code), [])
        elif province_code:
            pool = [c for d in self._children.get((1, province_code), []) for c in self._children.get((2, d), [])]
        else:
            pool = self.subdistricts.codes
        return self._lookup(self.subdistricts, s, pool, code_len=6)

    def label(self, code: str) -> str:
        """'name_th / name_en (province)' for messages."""
        for level, units in enumerate((self.provinces, self.districts, self.subdistricts)):
            if code in units.label:
                if level == 0:
                    return f"{code} {units.label[code]}"
                return f"{code} {units.label[code]} ({self.province_name.get(code[:2], code[:2])})"
        return code

    def _lookup(self, units: _Units, text: str, pool, code_len: int) -> Match:
        digits = thai_digits(text).strip()
        if re.fullmatch(r"\d+", digits):
            if len(digits) == code_len and digits in units.parent and digits in set(pool):
                return Match(digits, 1.0, "code")
            return Match(None, 0.0, "not_found")
        pool_set = set(pool)
        attempts = [text]
        paren = re.match(r"^(.*?)\s*[(\[](.*?)[)\]]\s*$", text)
        if paren:
            attempts += [paren[1], paren[2]]
        best: Match | None = None
        for t in attempts:
            if not t.strip():
                continue
            m = self._lookup_one(units, t, pool_set)
            if m.code is not None or m.how == "ambiguous":
                return m
            best = best or m
        return best or Match(None, 0.0, "not_found")

    def _lookup_one(self, units: _Units, text: str, pool: set[str]) -> Match:
        for table, conf, how in ((units.plain, 1.0, "exact"), (units.keys, 0.95, "folded")):
            key = _plain(text) if how == "exact" else fold(text)
            hits = sorted(table.get(key, set()) & pool)
            if len(hits) == 1:
                return Match(hits[0], conf, how)
            if len(hits) > 1:
                return Match(None, 0.0, "ambiguous", tuple(hits))
        key = fold(text)
        if not key:
            return Match(None, 0.0, "not_found")
        m = self._prefix(units, key, pool)
        if m is not None:
            return m
        key = key.rstrip("ฯ")
        if not key:
            return Match(None, 0.0, "not_found")
        thai = bool(_THAI.search(key))
        choices = {k: cs & pool for k, cs in units.keys.items() if bool(_THAI.search(k)) == thai and cs & pool}
        if not choices:
            return Match(None, 0.0, "not_found")
        found = process.extract(key, list(choices), scorer=fuzz.ratio, limit=8,
                                score_cutoff=(FUZZY_THRESHOLD - FUZZY_MARGIN) * 100)
        if not found or found[0][1] < FUZZY_THRESHOLD * 100:
            near = tuple(c for k, _, _ in found[:3] for c in sorted(choices[k]))
            return Match(None, 0.0, "not_found", near)
        top_key, top_score, _ = found[0]
        top = choices[top_key]
        rivals = {c for k, s, _ in found[1:] if s > top_score - FUZZY_MARGIN * 100 for c in choices[k]} - top
        if len(top) > 1 or rivals:
            return Match(None, 0.0, "ambiguous", tuple(sorted(top | rivals)))
        return Match(next(iter(top)), round(top_score / 100, 3), "fuzzy")

    @staticmethod
    def _prefix(units: _Units, key: str, pool: set[str]) -> Match | None:
        """A shortened name (see the module docstring): the one unit of the pool whose name starts with it."""
        truncated = key.endswith("ฯ")
        stem = key.rstrip("ฯ")
        if not stem or "ฯ" in stem:
            return None
        if truncated:
            hits = sorted(units.plain.get(stem, set()) & pool) or sorted(units.keys.get(stem, set()) & pool)
            if len(hits) == 1:
                return Match(hits[0], 0.95, "exact")
        if len(stem) < (3 if _THAI.search(stem) else 5):
            return None
        hits = sorted({c for k, cs in units.keys.items() if k.startswith(stem) for c in cs & pool})
        if len(hits) == 1:
            return Match(hits[0], 0.9, "prefix")
        if len(hits) > 1 and truncated:
            return Match(None, 0.0, "ambiguous", tuple(hits))
        return None


# ----------------------------------------------------------------------------- combined resolution


@dataclass(frozen=True)
class Issue:
    """A problem found while resolving names: field, code and messages (an error or a warning)."""

    field: str
    code: str
    value: str
    message_en: str
    message_th: str


@dataclass(frozen=True)
class Resolved:
    """Codes found for one (province, district, subdistrict) triple, with the problems."""

    province_code: str | None
    district_code: str | None
    subdistrict_code: str | None
    confidence: float
    how: str
    error: Issue | None = None
    warnings: tuple[Issue, ...] = ()


_ADMIN_IN_TEXT = {
    "subdistrict": re.compile(r"(?:ตำบล|ต\.)\s*([ก-๛]+)"),
    "district": re.compile(r"(?:กิ่งอำเภอ|อำเภอ|อ\.|เขต)\s*([ก-๛]+)"),
    "province": re.compile(r"(?:จังหวัด|จ\.)\s*([ก-๛]+)"),
}


def names_in_text(text) -> dict[str, str]:
    """Subdistrict, district and province names written with their prefixes inside free text,
    e.g. 'ริมโขง บ.ท่าเรือ ต.บ้านแพง อ.บ้านแพง จ.นครพนม'."""
    s = clean_text(text)
    if s is None:
        return {}
    out = {}
    for f, rx in _ADMIN_IN_TEXT.items():
        m = rx.search(s)
        if m:
            out[f] = m[1]
    return out


def _cands(index: PlaceIndex, codes, n: int = 6) -> str:
    shown = [index.label(c) for c in list(codes)[:n]]
    more = len(codes) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def resolve(index: PlaceIndex, province=None, district=None, subdistrict=None) -> Resolved:
    """Province, district and subdistrict codes from what was typed; an Issue when the district cannot be
    found (unknown_district, unknown_province, ambiguous, no_location) and warnings for lesser problems."""
    p_txt, d_txt, s_txt = clean_text(province), clean_text(district), clean_text(subdistrict)
    warnings: list[Issue] = []
    pc = None
    if p_txt:
        pm = index.province(p_txt)
        if not d_txt and not s_txt:
            return Resolved(pm.code, None, None, 0.0, "none", Issue(
                "province", "no_location", p_txt,
                f"a province ({p_txt:.60}) alone does not place a report; give the district or coordinates",
                f"ระบุเพียงจังหวัด ({p_txt:.60}) ไม่พอ กรุณาระบุอำเภอหรือพิกัด"))
        if pm.code:
            pc = pm.code
        else:
            warnings.append(Issue("province", "unknown_province", p_txt,
                                  f"{p_txt:.60} is not a province name; the district was looked up in all provinces",
                                  f"ไม่พบจังหวัด {p_txt:.60} จึงค้นหาอำเภอจากทุกจังหวัด"))
    if d_txt:
        dm = index.district(d_txt, pc)
        if dm.code is None and pc and dm.how == "not_found":
            elsewhere = index.district(d_txt, None)
            if elsewhere.code or elsewhere.how == "ambiguous":
                codes = (elsewhere.code,) if elsewhere.code else elsewhere.candidates
                return Resolved(pc, None, None, 0.0, "none", Issue(
                    "district", "unknown_district", d_txt,
                    f"{d_txt:.60} is not a district of {index.label(pc)}; a district of that name is in: "
                    f"{_cands(index, codes)}",
                    f"{d_txt:.60} ไม่ใช่อำเภอของจังหวัด {index.label(pc)} อำเภอชื่อนี้อยู่ใน: {_cands(index, codes)}"))
        if dm.code is None:
            if dm.how == "ambiguous" and pc:      # a shortened name (ฯ) that starts several names
                return Resolved(pc, None, None, 0.0, "none", Issue(
                    "district", "ambiguous", d_txt,
                    f"{d_txt:.60} matches several districts of {index.label(pc)}; write the full name: "
                    f"{_cands(index, dm.candidates)}",
                    f"{d_txt:.60} ตรงกับหลายอำเภอในจังหวัด {index.label(pc)} กรุณาเขียนชื่อเต็ม: "
                    f"{_cands(index, dm.candidates)}"))
            if dm.how == "ambiguous":
                return Resolved(pc, None, None, 0.0, "none", Issue(
                    "district", "ambiguous", d_txt,
                    f"{d_txt:.60} matches several districts; give the province: {_cands(index, dm.candidates)}",
                    f"{d_txt:.60} ตรงกับหลายอำเภอ กรุณาระบุจังหวัด: {_cands(index, dm.candidates)}"))
            near = f"; nearest: {_cands(index, dm.candidates, 3)}" if dm.candidates else ""
            near_th = f" ชื่อที่ใกล้เคียง: {_cands(index, dm.candidates, 3)}" if dm.candidates else ""
            where = f" in {index.label(pc)}" if pc else ""
            return Resolved(pc, None, None, 0.0, "none", Issue(
                "district", "unknown_district", d_txt,
                f"{d_txt:.60} is not a district{where}{near}",
                f"ไม่พบอำเภอ {d_txt:.60}{(' ในจังหวัด ' + index.label(pc)) if pc else ''}{near_th}"))
        dc = dm.code
        if pc and dc[:2] != pc:
            warnings.append(Issue("province", "province_mismatch", p_txt or "",
                                  f"district {index.label(dc)} is not in province {index.label(pc)}; "
                                  "the district was kept",
                                  f"อำเภอ {index.label(dc)} ไม่ได้อยู่ในจังหวัด {index.label(pc)} ใช้อำเภอตามที่ระบุ"))
        sc = None
        if s_txt:
            sm = index.subdistrict(s_txt, dc)
            if sm.code:
                sc = sm.code
            else:
                warnings.append(Issue("subdistrict", "unknown_subdistrict", s_txt,
                                      f"{s_txt:.60} is not a subdistrict of {index.label(dc)}; left empty",
                                      f"ไม่พบตำบล {s_txt:.60} ในอำเภอ {index.label(dc)} จึงเว้นว่างไว้"))
        return Resolved(dc[:2], dc, sc, dm.confidence, dm.how, None, tuple(warnings))
    if s_txt:
        sm = index.subdistrict(s_txt, None, pc)
        if sm.code:
            return Resolved(sm.code[:2], sm.code[:4], sm.code, sm.confidence, "subdistrict:" + sm.how, None,
                            tuple(warnings))
        if sm.how == "ambiguous":
            return Resolved(pc, None, None, 0.0, "none", Issue(
                "subdistrict", "ambiguous", s_txt,
                f"{s_txt:.60} matches several subdistricts; give the district: {_cands(index, sm.candidates)}",
                f"{s_txt:.60} ตรงกับหลายตำบล กรุณาระบุอำเภอ: {_cands(index, sm.candidates)}"))
        return Resolved(pc, None, None, 0.0, "none", Issue(
            "subdistrict", "unknown_district", s_txt,
            f"{s_txt:.60} is not a subdistrict{' of ' + index.label(pc) if pc else ''}; give the district",
            f"ไม่พบตำบล {s_txt:.60} กรุณาระบุอำเภอ"))
    return Resolved(pc, None, None, 0.0, "none", Issue(
        "location", "no_location", "",
        "no location: give coordinates (latitude and longitude) or the district",
        "ไม่มีตำแหน่ง กรุณาระบุพิกัด (ละติจูดและลองจิจูด) หรืออำเภอ"))


# ------------------------------------------------------------------------------------------ cache

_CACHE: dict[tuple, Geo] = {}
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Geo:
    """The lookups built from one geography: names, the point locator and the district centroids."""

    places: PlaceIndex
    locator: object                                   # ntswatch_geo.locate.DistrictLocator
    centroids: dict[str, tuple[float, float]]


def geography_key(con) -> tuple:
    """What identifies a geography: the district file's SHA-256 and the number of districts."""
    return tuple(con.execute(
        "SELECT (SELECT value FROM geography_meta WHERE key = 'sha256:tha_adm2_districts.geojson'), "
        "(SELECT count(*) FROM districts)").fetchone())


def geography(con) -> Geo:
    """The lookups of this connection's geography, built once (under a lock; the locator takes about 2 s)
    and shared by every connection and thread that sees the same geography."""
    from ..locate import DistrictLocator

    key = geography_key(con)
    if key[0] is None:          # no fingerprint (a hand-made database): one per connection object
        key = (*key, id(con))
    geo = _CACHE.get(key)
    if geo is not None:
        return geo
    with _CACHE_LOCK:
        geo = _CACHE.get(key)
        if geo is None:
            cents = {c: (la, lo) for c, la, lo in
                     con.execute("SELECT code, centroid_lat, centroid_lon FROM districts").fetchall()}
            geo = Geo(PlaceIndex.from_connection(con), DistrictLocator.from_connection(con), cents)
            _CACHE[key] = geo
    return geo
