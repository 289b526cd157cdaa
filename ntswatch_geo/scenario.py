"""Scenario files for the synthetic report generator: the model's parameters and the planted signals.

A scenario is a TOML file (format and example in ntswatch_geo/reference/scenarios/README.md). It may set the background
model's parameters (`[base]`, `[space]`, `[seasonality]`, `[channels.<key>]`, `[regions.<name>]`) and plants
signals, one `[[signal]]` table each. Anything the file leaves out takes the built-in value from
`DEFAULT_MODEL_TOML` (the same numbers as ntswatch_geo/reference/scenarios/default.toml), except `[regions]`: a file that has
any region replaces the whole regional table.

`load_scenario(path)` checks everything that does not need the database (TOML syntax, fields, types,
categories, shapes, months, multipliers); `validate(scenario, con, end_date)` checks the rest against the
geography (districts by code or name, border districts only, regions covering every border district, months
inside the generator period) and returns the scenario with each signal's district code resolved.
Every problem raises `InputError` with one line naming the file, the signal (or table), the field, the bad
value and what is allowed.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import thai
from .config import REFERENCE_DIR
from .errors import InputError
from .taxonomy import CATEGORY_KEYS, MWCC_OPENED, WEBSITE_OPENED

__all__ = [
    "DEFAULT_SCENARIO_PATH", "PERIOD_START", "SHAPES", "SYNTH_CHANNELS", "Channel", "Model", "Region",
    "Scenario", "Signal", "default_scenario", "last_month", "load_scenario", "parse_scenario",
    "region_of", "resolve_district", "validate",
]

DEFAULT_SCENARIO_PATH = REFERENCE_DIR / "scenarios" / "default.toml"
PERIOD_START = dt.date(2023, 1, 1)     # the month the website was launched
SHAPES = ("step", "ramp", "pulse")
SYNTH_CHANNELS = {"online": WEBSITE_OPENED, "mwcc_office": MWCC_OPENED}
MAX_MULTIPLIER = 100.0
CROSSING_TYPES = ("permanent", "temporary", "relaxed")
SIGNAL_FIELDS = ("district", "category", "start", "end", "multiplier", "shape")

# The built-in model. ntswatch_geo/reference/scenarios/default.toml repeats these numbers (a test keeps them equal) with the
# reasons for each; the README explains the model.
DEFAULT_MODEL_TOML = """
[base]
reports_per_month = 5000

[space]
crossing_share = 0.35
border_share = 0.55
crossing_scale_km = 1.0
border_scale_km = 2.5

[space.crossing_rate_km]
permanent = 40.0
temporary = 20.0
relaxed = 10.0

[seasonality]
peak_month = 2.5
amplitude_la = 0.30
amplitude_kh = 0.10

[channels.online]
share = 0.6
uptake_midpoint_months = 6.0
uptake_scale_months = 2.5
off_site_factor = 1.0

[channels.mwcc_office]
share = 0.4
uptake_midpoint_months = 4.0
uptake_scale_months = 1.5
off_site_factor = 0.3

[regions.golden_triangle]
provinces = ["57"]
rate_factor = 1.6
mix = { drug_trafficking = 0.55, human_trafficking = 0.06, illegal_migration = 0.12, smuggling = 0.12, online_fraud = 0.05, other = 0.10 }

[regions.northern_highlands]
provinces = ["53", "55", "56", "65"]
districts = ["4205", "4206", "4207", "4208"]
rate_factor = 0.7
mix = { drug_trafficking = 0.35, human_trafficking = 0.05, illegal_migration = 0.14, smuggling = 0.28, online_fraud = 0.04, other = 0.14 }

[regions.middle_mekong]
provinces = ["38", "42", "43", "48", "49"]
rate_factor = 1.2
mix = { drug_trafficking = 0.50, human_trafficking = 0.06, illegal_migration = 0.16, smuggling = 0.15, online_fraud = 0.05, other = 0.08 }

[regions.lower_mekong]
provinces = ["34", "37"]
rate_factor = 0.9
mix = { drug_trafficking = 0.40, human_trafficking = 0.07, illegal_migration = 0.18, smuggling = 0.18, online_fraud = 0.07, other = 0.10 }

[regions.cambodia_poipet]
provinces = ["27"]
rate_factor = 1.4
mix = { drug_trafficking = 0.12, human_trafficking = 0.24, illegal_migration = 0.28, smuggling = 0.14, online_fraud = 0.14, other = 0.08 }

[regions.cambodia]
provinces = ["22", "23", "31", "32", "33"]
districts = ["3409"]
rate_factor = 1.0
mix = { drug_trafficking = 0.18, human_trafficking = 0.18, illegal_migration = 0.24, smuggling = 0.18, online_fraud = 0.12, other = 0.10 }
"""

# (section, key) -> (lowest, lowest allowed?, highest); all numbers
_NUMBERS: dict[tuple[str, str], tuple[float, bool, float]] = {
    ("base", "reports_per_month"): (0.0, False, 1e8),
    ("space", "crossing_share"): (0.0, True, 1.0),
    ("space", "border_share"): (0.0, True, 1.0),
    ("space", "crossing_scale_km"): (0.0, False, 50.0),
    ("space", "border_scale_km"): (0.0, False, 50.0),
    ("seasonality", "peak_month"): (1.0, True, 12.99),
    ("seasonality", "amplitude_la"): (0.0, True, 0.95),
    ("seasonality", "amplitude_kh"): (0.0, True, 0.95),
    ("channel", "share"): (0.0, True, 1e6),
    ("channel", "uptake_midpoint_months"): (0.0, True, 120.0),
    ("channel", "uptake_scale_months"): (0.0, False, 120.0),
    ("channel", "off_site_factor"): (0.0, True, 10.0),
    ("region", "rate_factor"): (0.0, False, 100.0),
}
_SECTIONS = {"base": ("reports_per_month",),
             "space": ("crossing_share", "border_share", "crossing_scale_km", "border_scale_km", "crossing_rate_km"),
             "seasonality": ("peak_month", "amplitude_la", "amplitude_kh")}
_CHANNEL_KEYS = ("share", "uptake_midpoint_months", "uptake_scale_months", "off_site_factor")
_REGION_KEYS = ("provinces", "districts", "rate_factor", "mix")
_TOP_KEYS = ("name", "description", "base", "space", "seasonality", "channels", "regions", "signal", "cooperation")


@dataclass(frozen=True)
class Signal:
    """One planted signal; `no` is its 1-based position among the file's [[signal]] tables."""

    no: int
    district: str                    # as written in the file
    category: str
    start: dt.date                   # first day of the first month
    end: dt.date                     # first day of the last month (= start for a pulse)
    multiplier: float
    shape: str
    district_code: str | None = None  # set by validate()

    def months(self) -> list[dt.date]:
        """The months the signal covers (first days), start to end."""
        out, m = [], self.start
        while m <= self.end:
            out.append(m)
            m = _add_months(m, 1)
        return out

    def factors(self) -> list[float]:
        """The multiplier in force each month: step = multiplier throughout; ramp = linear from 1 in the
        first month to the multiplier in the last; pulse = multiplier in its single month."""
        n = len(self.months())
        if self.shape == "ramp":
            return [1.0 + (self.multiplier - 1.0) * i / (n - 1) for i in range(n)]
        return [self.multiplier] * n


@dataclass(frozen=True)
class Region:
    """Districts sharing a rate factor and a category mix (mix normalised to sum 1, all categories)."""

    name: str
    provinces: tuple[str, ...]
    districts: tuple[str, ...]
    rate_factor: float
    mix: dict[str, float]


@dataclass(frozen=True)
class Channel:
    key: str
    opens: dt.date
    share: float
    uptake_midpoint_months: float
    uptake_scale_months: float
    off_site_factor: float


@dataclass(frozen=True)
class Model:
    """The background model's parameters (meanings in ntswatch_geo/reference/scenarios/README.md)."""

    reports_per_month: float
    crossing_share: float
    border_share: float
    crossing_scale_km: float
    border_scale_km: float
    crossing_rate_km: dict[str, float]
    peak_month: float
    amplitude_la: float
    amplitude_kh: float
    channels: tuple[Channel, ...]
    regions: tuple[Region, ...]


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    source: str                      # the file path, or a label for text not read from a file
    text: str                        # the TOML as read (stored in synth_runs)
    model: Model
    signals: tuple[Signal, ...] = field(default_factory=tuple)
    cooperation: object = None       # cooperation.demo.CoopModel: the synthetic activities and planted effects


# ---------------------------------------------------------------------------------------------- reading

def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file (everything that does not need the database)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: scenario file not found")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot be read as UTF-8 text ({exc})") from exc
    return parse_scenario(text, source=str(p), default_name=p.stem)


def default_scenario() -> Scenario:
    """The built-in model with no planted signals."""
    return parse_scenario("", source="<built-in model>", default_name="built-in")


def parse_scenario(text: str, source: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Parse scenario TOML given as text; `source` names it in error messages."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML: {exc}") from exc
    for key in doc:
        if key not in _TOP_KEYS:
            raise InputError(f"{source}: unknown top-level key {key!r}; allowed: {', '.join(_TOP_KEYS)}")
    name = doc.get("name", default_name)
    desc = doc.get("description", "")
    for key, val in (("name", name), ("description", desc)):
        if not isinstance(val, str):
            raise InputError(f"{source}: field {key}: {val!r} is not text; allowed: a quoted string")
    model = _parse_model(doc, source)
    raw = doc.get("signal", [])
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise InputError(f"{source}: 'signal' must be a list of tables written as [[signal]]; got {type(raw).__name__}")
    signals = tuple(_parse_signal(s, i + 1, source) for i, s in enumerate(raw))
    from .cooperation.demo import parse_section     # the [cooperation] table (cooperation/demo.py)
    return Scenario(name=name, description=desc, source=source, text=text, model=model, signals=signals,
                    cooperation=parse_section(doc.get("cooperation"), source))


_MISSING = object()


def _where_err(source: str, where: str, fld: str, value, problem: str, allowed: str) -> InputError:
    shown = "" if value is _MISSING else f"{value!r} "
    return InputError(f"{source}: {where}, field {fld}: {shown}{problem}; allowed: {allowed}")


def _number(source, where, fld, value, kind) -> float:
    lo, lo_ok, hi = _NUMBERS[kind]
    rng = f"a number {'>=' if lo_ok else '>'} {lo:g} and <= {hi:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _where_err(source, where, fld, value, "is not a number", rng)
    if value < lo or (value == lo and not lo_ok) or value > hi:
        raise _where_err(source, where, fld, value, "is out of range", rng)
    return float(value)


def _check_keys(source, where, table, allowed) -> None:
    if not isinstance(table, dict):
        raise InputError(f"{source}: {where} must be a table; got {table!r}")
    for key in table:
        if key not in allowed:
            raise _where_err(source, where, key, table[key], "is not a known field", ", ".join(allowed))


def _parse_model(doc: dict, source: str) -> Model:
    base = tomllib.loads(DEFAULT_MODEL_TOML)
    vals: dict[str, float] = {}
    for section, keys in _SECTIONS.items():
        given = doc.get(section, {})
        _check_keys(source, f"[{section}]", given, keys)
        merged = {**base[section], **given}
        for key in keys:
            if key != "crossing_rate_km":
                vals[key] = _number(source, f"[{section}]", key, merged[key], (section, key))
    if vals["crossing_share"] + vals["border_share"] > 1.0 + 1e-9:
        raise _where_err(source, "[space]", "border_share", vals["border_share"],
                         f"plus crossing_share {vals['crossing_share']:g} exceeds 1",
                         "shares adding up to at most 1 (the rest is spread inland)")
    given_rates = doc.get("space", {}).get("crossing_rate_km", {})
    _check_keys(source, "[space.crossing_rate_km]", given_rates, CROSSING_TYPES)
    rates = {**base["space"]["crossing_rate_km"], **given_rates}
    rate_km = {k: _nonneg(source, "[space.crossing_rate_km]", k, rates[k]) for k in CROSSING_TYPES}
    channels = _parse_channels(doc.get("channels", {}), base["channels"], source)
    regions = _parse_regions(doc.get("regions", base["regions"]), source)
    return Model(reports_per_month=vals["reports_per_month"], crossing_share=vals["crossing_share"],
                 border_share=vals["border_share"], crossing_scale_km=vals["crossing_scale_km"],
                 border_scale_km=vals["border_scale_km"], crossing_rate_km=rate_km,
                 peak_month=vals["peak_month"], amplitude_la=vals["amplitude_la"],
                 amplitude_kh=vals["amplitude_kh"], channels=channels, regions=regions)


def _nonneg(source, where, fld, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value > 1e4:
        raise _where_err(source, where, fld, value, "is not a usable number", "a number from 0 to 10000")
    return float(value)


def _parse_channels(given: dict, defaults: dict, source: str) -> tuple[Channel, ...]:
    _check_keys(source, "[channels]", given, tuple(SYNTH_CHANNELS))
    out = []
    for key, opens in SYNTH_CHANNELS.items():
        where = f"[channels.{key}]"
        _check_keys(source, where, given.get(key, {}), _CHANNEL_KEYS)
        merged = {**defaults[key], **given.get(key, {})}
        v = {k: _number(source, where, k, merged[k], ("channel", k)) for k in _CHANNEL_KEYS}
        out.append(Channel(key=key, opens=opens, **v))
    if sum(c.share for c in out) <= 0:
        raise _where_err(source, "[channels]", "share", [c.share for c in out], "are all zero",
                         "at least one channel with a share above 0")
    return tuple(out)


def _codes(source, where, fld, value, digits) -> tuple[str, ...]:
    example = '"57"' if digits == 2 else '"2706"'
    allowed = f"a list of {digits}-digit DOPA codes as strings, e.g. [{example}]"
    if not isinstance(value, list) or not all(isinstance(v, str) and re.fullmatch(rf"\d{{{digits}}}", v)
                                                for v in value):
        raise _where_err(source, where, fld, value, "is not a list of codes", allowed)
    return tuple(value)


def _parse_regions(given: dict, source: str) -> tuple[Region, ...]:
    if not isinstance(given, dict) or not given:
        raise InputError(f"{source}: [regions] must hold at least one [regions.<name>] table")
    out = []
    for name, tbl in given.items():
        where = f"[regions.{name}]"
        _check_keys(source, where, tbl, _REGION_KEYS)
        for req in ("rate_factor", "mix"):
            if req not in tbl:
                raise _where_err(source, where, req, _MISSING, "is missing", "see ntswatch_geo/reference/scenarios/README.md")
        provinces = _codes(source, where, "provinces", tbl.get("provinces", []), 2)
        districts = _codes(source, where, "districts", tbl.get("districts", []), 4)
        if not provinces and not districts:
            raise _where_err(source, where, "provinces", [], "is empty and so is districts",
                             "at least one province or district code")
        rate = _number(source, where, "rate_factor", tbl["rate_factor"], ("region", "rate_factor"))
        mix = tbl["mix"]
        if not isinstance(mix, dict):
            raise _where_err(source, where, "mix", mix, "is not a table", "{ drug_trafficking = 0.5, ... }")
        for cat, w in mix.items():
            if cat not in CATEGORY_KEYS:
                raise _where_err(source, where, f"mix.{cat}", cat, "is not a category", ", ".join(CATEGORY_KEYS))
            if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0:
                raise _where_err(source, where, f"mix.{cat}", w, "is not a weight", "a number >= 0")
        total = float(sum(mix.values()))
        if total <= 0:
            raise _where_err(source, where, "mix", mix, "has no positive weight", "weights >= 0, at least one > 0")
        out.append(Region(name=name, provinces=provinces, districts=districts, rate_factor=rate,
                          mix={c: float(mix.get(c, 0.0)) / total for c in CATEGORY_KEYS}))
    return tuple(out)


_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def _month(source, where, fld, value) -> dt.date:
    allowed = 'a month written "YYYY-MM" (Buddhist-era years such as "2568-03" are accepted)'
    if not isinstance(value, str):
        raise _where_err(source, where, fld, value, "is not a quoted month", allowed)
    m = _MONTH.fullmatch(thai.ascii_digits(value.strip()))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise _where_err(source, where, fld, value, "is not a month", allowed)
    return dt.date(thai.ce_year(int(m.group(1))), int(m.group(2)), 1)


def _parse_signal(s: dict, no: int, source: str) -> Signal:
    where = f"signal {no}"
    _check_keys(source, where, s, SIGNAL_FIELDS)
    for req in ("district", "category", "start", "multiplier", "shape"):
        if req not in s:
            raise _where_err(source, where, req, _MISSING, "is missing",
                             "every [[signal]] needs district, category, start, multiplier, shape "
                             "(and end unless the shape is pulse)")
    district = s["district"]
    if isinstance(district, bool) or not isinstance(district, (str, int)) or not str(district).strip():
        raise _where_err(source, where, "district", district, "is not a district",
                         "a 4-digit DOPA code or an English or Thai district name")
    if s["category"] not in CATEGORY_KEYS:
        raise _where_err(source, where, "category", s["category"], "is not a category", ", ".join(CATEGORY_KEYS))
    if s["shape"] not in SHAPES:
        raise _where_err(source, where, "shape", s["shape"], "is not a shape", ", ".join(SHAPES))
    mult = s["multiplier"]
    if isinstance(mult, bool) or not isinstance(mult, (int, float)):
        raise _where_err(source, where, "multiplier", mult, "is not a number",
                         f"a number greater than 1 and at most {MAX_MULTIPLIER:g}")
    if not 1.0 < mult <= MAX_MULTIPLIER:
        raise _where_err(source, where, "multiplier", mult, "is out of range",
                         f"a number greater than 1 and at most {MAX_MULTIPLIER:g} (a signal adds reports)")
    start = _month(source, where, "start", s["start"])
    if start < PERIOD_START:
        raise _where_err(source, where, "start", s["start"], "is before the generator period",
                         f"months from {PERIOD_START:%Y-%m} (website launch) to the end date's month")
    shape = s["shape"]
    if "end" not in s:
        if shape != "pulse":
            raise _where_err(source, where, "end", _MISSING, "is missing", f"a month on or after start for a {shape}")
        end = start
    else:
        end = _month(source, where, "end", s["end"])
        if end < start:
            raise _where_err(source, where, "end", s["end"], f"is before start {s['start']!r}",
                             "a month on or after start")
        if shape == "pulse" and end != start:
            raise _where_err(source, where, "end", s["end"], "differs from start for a pulse",
                             "no end, or end equal to start (a pulse lasts one month)")
        if shape == "ramp" and end == start:
            raise _where_err(source, where, "end", s["end"], "equals start for a ramp",
                             "a month after start (a ramp needs at least two months)")
    return Signal(no=no, district=str(district).strip(), category=s["category"], start=start, end=end,
                  multiplier=float(mult), shape=shape)


# ---------------------------------------------------------------------------------------------- checking

def _norm(name: str) -> str:
    s = thai.strip_district_prefix(thai.ascii_digits(name))
    return re.sub(r"\s+", " ", s).casefold()


def _district_table(con) -> list[tuple]:
    return con.execute(
        "SELECT d.code, d.name_en, d.name_th, d.is_border, p.name_en, p.name_th "
        "FROM districts d JOIN provinces p ON p.code = d.province_code ORDER BY d.code").fetchall()


def resolve_district(con, text: str) -> tuple[str | None, str]:
    """Resolve a district written as a DOPA code or an English or Thai name (optionally "name, province").

    Returns (code, "") or (None, reason). A name shared by several districts resolves to the one border
    district among them, if there is exactly one.
    """
    return _resolve(_district_table(con), text)


def _resolve(table: list[tuple], text: str) -> tuple[str | None, str]:
    raw = thai.ascii_digits(text.strip())
    by_code = {r[0]: r for r in table}
    if re.fullmatch(r"\d+", raw):
        if raw in by_code:
            return raw, ""
        return None, "is not a DOPA district code"
    name, _, prov = raw.partition(",")
    n, p = _norm(name), _norm(prov)
    hits = [r for r in table if n in (_norm(r[1]), _norm(r[2]))
            and (not p or p in (_norm(r[4]), _norm(r[5])))]
    if not hits:
        return None, "is not a district name or code"
    if len(hits) > 1:
        border = [r for r in hits if r[3]]
        if len(border) == 1:
            return border[0][0], ""
        return None, ("names several districts (" + ", ".join(f"{r[0]} in {r[4]}" for r in hits)
                      + "); write the code or 'name, province'")
    return hits[0][0], ""


def last_month(end_date: dt.date) -> dt.date:
    return end_date.replace(day=1)


def validate(scenario: Scenario, con, end_date: dt.date | None = None) -> Scenario:
    """Check the scenario against the database's geography and the period ending at `end_date` (default
    yesterday); return it with every signal's `district_code` filled in."""
    from .synth import default_end_date

    end_date = end_date or default_end_date()
    src = scenario.source
    table = _district_table(con)
    if not table:
        raise InputError(f"{src}: the database has no districts; run `ntswatch init` first")
    border = {r[0] for r in table if r[3]}
    names = {r[0]: f"{r[1]} ({r[2]})" for r in table}
    _check_regions(scenario.model.regions, border, {r[0] for r in table}, src)
    period = f"{PERIOD_START:%Y-%m} to {last_month(end_date):%Y-%m} (the generator period ends {end_date})"
    out = []
    for s in scenario.signals:
        where = f"signal {s.no}"
        code, why = _resolve(table, s.district)
        if code is None:
            raise _where_err(src, where, "district", s.district, why,
                             "a 4-digit DOPA code or the English or Thai name of one of the "
                             f"{len(border)} border districts")
        if code not in border:
            raise _where_err(src, where, "district", s.district, f"is {code} {names[code]}, not a border district",
                             f"one of the {len(border)} districts on the Lao or Cambodian border "
                             "(districts.is_border)")
        if s.end > last_month(end_date):
            raise _where_err(src, where, "end", f"{s.end:%Y-%m}", "is after the generator period", period)
        out.append(replace(s, district_code=code))
    from .cooperation.demo import CoopModel, validate_section
    coop = validate_section(scenario.cooperation or CoopModel(), table, end_date, src)
    return replace(scenario, signals=tuple(out), cooperation=coop)


def _check_regions(regions: tuple[Region, ...], border: set[str], known: set[str], src: str) -> None:
    by_district: dict[str, str] = {}
    by_province: dict[str, str] = {}
    for r in regions:
        for code in r.districts:
            if code not in known:
                raise _where_err(src, f"[regions.{r.name}]", "districts", code, "is not a DOPA district code",
                                 "codes from the districts table")
            if code in by_district:
                raise _where_err(src, f"[regions.{r.name}]", "districts", code,
                                 f"is already in region {by_district[code]}", "each district in one region")
            by_district[code] = r.name
        for code in r.provinces:
            if code in by_province:
                raise _where_err(src, f"[regions.{r.name}]", "provinces", code,
                                 f"is already in region {by_province[code]}", "each province in one region")
            by_province[code] = r.name
    missing = sorted(c for c in border if c not in by_district and c[:2] not in by_province)
    if missing:
        raise InputError(f"{src}: [regions]: border district {missing[0]} is in no region "
                         f"({len(missing)} uncovered); allowed: regions whose provinces or districts cover "
                         "every border district")


def region_of(model: Model, code: str) -> Region:
    """The region a district belongs to (its own code listed wins over its province)."""
    for r in model.regions:
        if code in r.districts:
            return r
    for r in model.regions:
        if code[:2] in r.provinces:
            return r
    raise KeyError(code)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)
