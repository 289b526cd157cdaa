"""Synthetic cooperation activities for the demo generator (issue 14), and the optional planted effect.

`synth.generate(con, n_reports, seed, scenario, end_date, n_activities=...)` calls `draw` before it draws its
reports and `write` inside its one transaction: the activities are stored with `record.store` (the same
writer as the entry form and the import), `is_synthetic = true`, `source = 'synthetic:<run>'`, `created_by =
'ntswatch demo'`, a title that starts with "[ข้อมูลสังเคราะห์ / synthetic]" and ends with a reference
`SYN-<run>-A<n>`, and an outcome note that says so too. `n_activities=0` (synth's default) draws nothing:
the reports are then byte-identical to a run without this module. Everything here is FICTIONAL.

The model (parameters in the scenario's `[cooperation]` table, defaults in `CoopModel`; the constants below)

Where. Every Thai border district with parallel areas (`parallel_areas`: all 67 border districts) takes part.
District d has an engagement g_d ~ Gamma(shape 2, mean 1), times MWCC_SITE_FACTOR (1.5) where it is a named
MWCC site (the office organises the programme), drawn once per run.

What and when. The activities of type t in district d and month m are drawn with weight

    w[d,t,m] = g_d · rate_t / 12 · open[m]                  (rate per district and year, open = share of the
                                                             month's days on or before end_date)
- rate_t = activities_per_district_year · TYPE_SHARE[t] for the seven types other than NTS literacy training
  (social / cultural events most often, SWOT sessions least);
- NTS literacy training is a programme that reaches a share `training_share` of the districts (drawn per
  district); a district in it has trainings at `trainings_per_district_year` from its programme start, a
  month drawn uniformly from `training_from` to the last month, and none before. So some districts are
  trained early, some late, some never: the staggered roll-out the effect estimate needs, with
  never-trained districts to compare with.
- n_activities given: exactly that many, multinomial over all (d, t, m) cells in proportion to w; None:
  round(Σ w) of them (the model's expected number), the same way.
Within its month an activity starts on a uniform open day and lasts DAYS[t] (a uniform whole number of
days in the range; cut at end_date).

With whom. The facing district(s): one of the district's parallel areas, chosen in proportion to the
length of the shared border (`shared_km`), and each other parallel area joins with probability
EXTRA_FACING_P (0.25). Participants by side and kind are gamma-Poisson (negative binomial, shape 3) counts
with the means in PARTICIPANTS[t]: Thai always; Lao participants only when a facing district is in Laos,
Cambodian only when one is in Cambodia (a district facing both splits the foreign means between the
two). An NTS literacy training is for Thai officers and community leaders: foreign participants only in a
joint training (JOINT_TRAINING_P, 30 %). Change agents: trainings only, Binomial(Thai leaders + citizens +
youth, CHANGE_AGENT_P = 0.6). Budget: BUDGET_MEDIAN[t] × sqrt(participants / the type's mean participants)
× LogNormal(0, 0.35), rounded to 100 baht.

The planted effect (optional: `[[cooperation.effect]]` tables; format in reference/scenarios/README.md).
For effect e (an activity type, a channel or all channels, categories, a multiplier > 1 and a number of
months) and every district in its list (empty = every district) with activities of that type, the months
covered are the calendar month of each such activity's start and the `months − 1` after it (a month
covered by two activities counts once, under the earlier). In each covered month and channel the extra
reports are

    extra ~ Poisson((multiplier − 1) · expected_base),   expected_base = Σ_k mu[d,k,m,c] over e's categories

— mu is the report generator's own background mean of that cell (synth.py), so the cell's reports are
Poisson(multiplier · mu): the multiplier is exactly the rate ratio an estimator should find. (Unlike a
planted signal's deterministic extra, a Poisson extra keeps the count a Poisson count, so the estimate's
standard errors are tested on the distribution they assume.) The extras are split over e's categories
in proportion to mu and written as ordinary synthetic reports of the run (placed, timed and reviewed like
the background, duplicates included); each (activity, channel, month) is recorded in
`coop_planted_effects` with multiplier, expected_base and extra_reports. Effects of different types that
cover the same cell add their extras.

Random numbers: two of synth's PCG64 child streams (SeedSequence(seed) children 6 and 7), one for the
activities and one for the effect's extras, so they shift none of the report streams.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import InputError
from ..taxonomy import CATEGORY_KEYS
from .taxonomy import ACTIVITY_TYPE_BY_KEY, ACTIVITY_TYPE_KEYS, PARTICIPANT_COLUMNS

TRAINING = "nts_literacy_training"
ACTOR = "ntswatch demo"
TITLE_PREFIX = "[ข้อมูลสังเคราะห์ / synthetic]"
ENGAGEMENT_SHAPE = 2.0
MWCC_SITE_FACTOR = 1.5
EXTRA_FACING_P = 0.25
NEGBIN_SHAPE = 3.0
JOINT_TRAINING_P = 0.30
CHANGE_AGENT_P = 0.6
BUDGET_SIGMA = 0.35

# share of activities_per_district_year by type (trainings apart: their own programme)
TYPE_SHARE = {"workshop": 0.15, "swot_session": 0.08, "visit_to_thailand": 0.12, "visit_across": 0.10,
              "social_cultural": 0.22, "security_dialogue": 0.15, "joint_officials": 0.18}
# mean participants: Thai officials, leaders, citizens, youth; foreign officials, leaders, citizens, youth
PARTICIPANTS = {
    "workshop":              (12, 15, 10, 5, 8, 10, 6, 2),
    "swot_session":          (6, 10, 3, 0, 5, 8, 2, 0),
    "visit_to_thailand":     (8, 6, 10, 5, 10, 12, 20, 8),
    "visit_across":          (10, 12, 10, 6, 6, 8, 8, 2),
    "nts_literacy_training": (12, 25, 15, 10, 3, 5, 0, 0),     # foreign only in a joint training
    "social_cultural":       (6, 12, 60, 40, 4, 10, 45, 30),
    "security_dialogue":     (14, 5, 0, 0, 12, 4, 0, 0),
    "joint_officials":       (15, 3, 0, 0, 12, 2, 0, 0),
}
DAYS = {"workshop": (2, 3), "swot_session": (1, 1), "visit_to_thailand": (1, 3), "visit_across": (2, 4),
        "nts_literacy_training": (2, 3), "social_cultural": (1, 2), "security_dialogue": (1, 1),
        "joint_officials": (1, 1)}
BUDGET_MEDIAN = {"workshop": 80_000, "swot_session": 25_000, "visit_to_thailand": 120_000, "visit_across": 150_000,
                 "nts_literacy_training": 60_000, "social_cultural": 100_000, "security_dialogue": 30_000,
                 "joint_officials": 20_000}
OUTCOMES = {
    "workshop": "ตกลงแผนงานร่วมลุ่มน้ำโขงปีถัดไป / agreed a joint Mekong Linkage plan for next year",
    "swot_session": "ได้ผล SWOT ร่วมของพื้นที่คู่ขนาน / a joint SWOT of the parallel areas",
    "visit_to_thailand": "ต้อนรับคณะผู้นำและประชาชนจากฝั่งตรงข้าม / hosted leaders and citizens from across the border",
    "visit_across": "เยือนพื้นที่คู่ขนานและแลกเปลี่ยนข้อมูล / visited the facing district and exchanged information",
    "nts_literacy_training": "อบรมแกนนำเป็นผู้นำการเปลี่ยนแปลง / community leaders trained as change agents",
    "social_cultural": "จัดกิจกรรมประเพณีร่วมกัน / held a shared festival",
    "security_dialogue": "ตกลงช่องทางแจ้งเหตุข้ามแดน / agreed a channel for cross-border alerts",
    "joint_officials": "เจ้าหน้าที่สองฝั่งปฏิบัติงานร่วมกัน / officials of both sides worked together",
}
EFFECT_FIELDS = ("activity_type", "channel", "multiplier", "months", "districts", "categories")
SECTION_FIELDS = ("activities_per_district_year", "trainings_per_district_year", "training_share",
                  "training_from", "effect")
EFFECT_CHANNELS = ("online", "mwcc_office", "all")
MAX_EFFECT_MONTHS = 36


@dataclass(frozen=True)
class Effect:
    """One planted effect; `no` is its 1-based position among the [[cooperation.effect]] tables."""

    no: int
    activity_type: str
    channel: str                          # online | mwcc_office | all
    multiplier: float
    months: int
    districts: tuple[str, ...] = ()       # as written; empty = every district
    categories: tuple[str, ...] = ()      # empty = every category
    district_codes: tuple[str, ...] | None = None   # set by validate_section (None = every district)

    @property
    def channels(self) -> tuple[str, ...]:
        return ("online", "mwcc_office") if self.channel == "all" else (self.channel,)


@dataclass(frozen=True)
class CoopModel:
    """The `[cooperation]` table of a scenario (the activity model's parameters and the planted effects)."""

    activities_per_district_year: float = 3.0
    trainings_per_district_year: float = 1.0
    training_share: float = 0.6
    training_from: dt.date = dt.date(2024, 4, 1)
    effects: tuple[Effect, ...] = ()


@dataclass
class Plan:
    """What `draw` decided: the activities (no ids yet), the planted effect's rows and its extra reports."""

    activities: list[dict]
    effect_rows: list[tuple] = field(default_factory=list)  # (activity position, district, type, channel, month,
    #                                                          multiplier, expected_base, extra_reports)
    cells: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))   # flat mu index of each extra report

    @property
    def n_extra(self) -> int:
        return int(len(self.cells))


# ---------------------------------------------------------------------------------------------- the scenario

def parse_section(raw, source: str) -> CoopModel:
    """The `[cooperation]` table (absent: the defaults), checked as far as the database is not needed."""
    from ..scenario import PERIOD_START, _check_keys, _month, _where_err

    if raw is None:
        return CoopModel()
    _check_keys(source, "[cooperation]", raw, SECTION_FIELDS)
    d = CoopModel()

    def number(key, lo, hi, default):
        v = raw.get(key, default)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise _where_err(source, "[cooperation]", key, v, "is out of range or not a number",
                             f"a number from {lo:g} to {hi:g}")
        return float(v)

    training_from = d.training_from
    if "training_from" in raw:
        training_from = _month(source, "[cooperation]", "training_from", raw["training_from"])
        if training_from < PERIOD_START:
            raise _where_err(source, "[cooperation]", "training_from", raw["training_from"],
                             "is before the generator period", f"a month from {PERIOD_START:%Y-%m}")
    effects = raw.get("effect", [])
    if not isinstance(effects, list) or not all(isinstance(e, dict) for e in effects):
        raise InputError(f"{source}: [cooperation] 'effect' must be tables written as [[cooperation.effect]]")
    out = tuple(_parse_effect(e, i + 1, source) for i, e in enumerate(effects))
    seen: dict[tuple[str, str], int] = {}
    for e in out:
        for c in e.channels:
            if (e.activity_type, c) in seen:
                raise _where_err(source, f"cooperation effect {e.no}", "channel", e.channel,
                                 f"overlaps effect {seen[(e.activity_type, c)]} (same activity type and channel)",
                                 "one effect per activity type and channel")
            seen[(e.activity_type, c)] = e.no
    return CoopModel(activities_per_district_year=number("activities_per_district_year", 0, 100,
                                                         d.activities_per_district_year),
                     trainings_per_district_year=number("trainings_per_district_year", 0, 100,
                                                        d.trainings_per_district_year),
                     training_share=number("training_share", 0, 1, d.training_share),
                     training_from=training_from, effects=out)


def _parse_effect(e: dict, no: int, source: str) -> Effect:
    from ..scenario import _check_keys, _where_err, MAX_MULTIPLIER

    where = f"cooperation effect {no}"
    _check_keys(source, where, e, EFFECT_FIELDS)
    t = e.get("activity_type")
    if t not in ACTIVITY_TYPE_KEYS:
        raise _where_err(source, where, "activity_type", t, "is not an activity type", ", ".join(ACTIVITY_TYPE_KEYS))
    ch = e.get("channel", "mwcc_office")
    if ch not in EFFECT_CHANNELS:
        raise _where_err(source, where, "channel", ch, "is not a channel", ", ".join(EFFECT_CHANNELS))
    m = e.get("multiplier")
    if isinstance(m, bool) or not isinstance(m, (int, float)) or not 1.0 < m <= MAX_MULTIPLIER:
        raise _where_err(source, where, "multiplier", m, "is missing, not a number or out of range",
                         f"a number greater than 1 and at most {MAX_MULTIPLIER:g} (an effect adds reports)")
    months = e.get("months", 6)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_EFFECT_MONTHS:
        raise _where_err(source, where, "months", months, "is not a whole number of months in range",
                         f"a whole number from 1 to {MAX_EFFECT_MONTHS}")
    districts = e.get("districts", [])
    if not isinstance(districts, list) or not all(isinstance(x, (str, int)) and not isinstance(x, bool)
                                                  for x in districts):
        raise _where_err(source, where, "districts", districts, "is not a list of districts",
                         'a list of DOPA codes or district names, e.g. ["2706", "Chiang Khong"]; empty = all')
    cats = e.get("categories", [])
    if not isinstance(cats, list) or any(c not in CATEGORY_KEYS for c in cats):
        raise _where_err(source, where, "categories", cats, "is not a list of categories",
                         f"a list of {', '.join(CATEGORY_KEYS)}; empty = all")
    return Effect(no=no, activity_type=t, channel=ch, multiplier=float(m), months=int(months),
                  districts=tuple(str(x).strip() for x in districts), categories=tuple(cats))


def validate_section(coop: CoopModel, table: list[tuple], end_date: dt.date, source: str) -> CoopModel:
    """The districts of each effect resolved (border districts only). A `training_from` after the period's
    last month means no trainings in this run."""
    from ..scenario import _resolve, _where_err

    border = {r[0] for r in table if r[3]}
    effects = []
    for e in coop.effects:
        codes = []
        for text in e.districts:
            code, why = _resolve(table, text)
            if code is None or code not in border:
                raise _where_err(source, f"cooperation effect {e.no}", "districts", text,
                                 why or f"is {code}, not a border district", "border districts (codes or names)")
            codes.append(code)
        effects.append(replace(e, district_codes=tuple(sorted(set(codes))) if codes else None))
    return replace(coop, effects=tuple(effects))


# ---------------------------------------------------------------------------------------------- drawing

def _pairs(con) -> dict[str, list[tuple[str, str, float, str]]]:
    """Per Thai district its parallel areas: (neighbour id, country, shared km, English name), by id."""
    out: dict[str, list] = {}
    for code, nid, country, km, name in con.execute(
            "SELECT p.district_code, p.neighbour_id, p.country, p.shared_km, n.name_en FROM parallel_areas p "
            "JOIN neighbour_districts n ON n.id = p.neighbour_id ORDER BY 1, 2").fetchall():
        out.setdefault(code, []).append((nid, country, float(km), name))
    return out


def _open_share(months: list[dt.date], end_date: dt.date) -> np.ndarray:
    out = np.zeros(len(months))
    for i, m in enumerate(months):
        nxt = (m + dt.timedelta(days=32)).replace(day=1)
        days = (nxt - m).days
        out[i] = max(0, (min(nxt - dt.timedelta(days=1), end_date) - m).days + 1) / days
    return out


def draw(con, rng_act, rng_effect, coop: CoopModel, codes: list[str], mwcc_site: np.ndarray,
         months: list[dt.date], channels: list[str], mu: np.ndarray, end_date: dt.date,
         n_activities: int | None) -> Plan:
    """The activities of one run and the planted effect's extra reports (see the module text).

    codes, mwcc_site: synth's border districts and which are named MWCC sites; months, channels, mu: synth's
    model means (mu shaped districts × categories × months × channels, reports at the run's rate)."""
    pairs = _pairs(con)
    taking = [i for i, c in enumerate(codes) if c in pairs]
    D, T, M = len(taking), len(ACTIVITY_TYPE_KEYS), len(months)
    g = rng_act.gamma(ENGAGEMENT_SHAPE, 1.0 / ENGAGEMENT_SHAPE, D) * np.where(mwcc_site[taking], MWCC_SITE_FACTOR, 1.0)
    in_programme = rng_act.random(D) < coop.training_share
    first = sum(1 for m in months if m < coop.training_from)      # the programme's first month (M: after the period)
    start = rng_act.integers(first, M, D) if M > first else np.full(D, M)
    open_ = _open_share(months, end_date)
    w = np.zeros((D, T, M))
    for j, t in enumerate(ACTIVITY_TYPE_KEYS):
        if t == TRAINING:
            live = in_programme[:, None] & (np.arange(M)[None, :] >= start[:, None])
            w[:, j, :] = g[:, None] * coop.trainings_per_district_year / 12 * open_[None, :] * live
        else:
            w[:, j, :] = g[:, None] * coop.activities_per_district_year * TYPE_SHARE[t] / 12 * open_[None, :]
    total = float(w.sum())
    n = int(round(total)) if n_activities is None else int(n_activities)
    if n == 0 or total == 0:
        return Plan([])
    cells = np.repeat(np.arange(w.size), rng_act.multinomial(n, w.ravel() / total))
    d_i, t_i, m_i = np.unravel_index(cells, w.shape)
    acts = _attributes(rng_act, [codes[i] for i in taking], pairs, months, end_date, d_i, t_i, m_i)
    acts.sort(key=lambda a: (a["start_date"], a["district_code"], a["activity_type"]))
    plan = Plan(acts)
    _plant(rng_effect, plan, coop.effects, codes, months, channels, mu)
    return plan


def _attributes(rng, dcodes, pairs, months, end_date, d_i, t_i, m_i) -> list[dict]:
    n = len(d_i)
    open_days = np.array([max(1, (min((m + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), end_date)
                                  - m).days + 1) for m in months])
    day = (rng.random(n) * open_days[m_i]).astype(np.int64)
    most = max(len(p) for p in pairs.values())
    u_len, u_pick, u_join, u_joint = rng.random(n), rng.random(n), rng.random((n, most)), rng.random(n)
    gam = rng.gamma(NEGBIN_SHAPE, 1.0 / NEGBIN_SHAPE, (n, 8))
    u_budget = rng.standard_normal(n)
    out = []
    for i in range(n):
        code, t = dcodes[d_i[i]], ACTIVITY_TYPE_KEYS[t_i[i]]
        s = months[m_i[i]] + dt.timedelta(days=int(day[i]))
        lo, hi = DAYS[t]
        e = min(s + dt.timedelta(days=lo + int(u_len[i] * (hi - lo + 1)) - 1), end_date)
        mine = pairs[code]
        km = np.array([p[2] for p in mine]) + 1e-9
        pick = min(int(np.searchsorted(np.cumsum(km / km.sum()), u_pick[i], side="right")), len(mine) - 1)
        facing = [p for j, p in enumerate(mine) if j == pick or u_join[i, j] < EXTRA_FACING_P]
        countries = sorted({p[1] for p in facing})
        means = np.array(PARTICIPANTS[t], float)
        foreign_on = t != TRAINING or u_joint[i] < JOINT_TRAINING_P
        a = {"activity_type": t, "start_date": s, "end_date": e, "district_code": code, "province_code": code[:2],
             "facing": sorted(p[0] for p in facing), "facing_names": [p[3] for p in facing]}
        lam = means * gam[i]
        counts = rng.poisson(lam)
        for j, kind in enumerate(("officials", "leaders", "citizens", "youth")):
            a[f"th_{kind}"] = int(counts[j])
            for side, country in (("la", "LA"), ("kh", "KH")):
                share = 1.0 / len(countries) if country in countries and foreign_on else 0.0
                a[f"{side}_{kind}"] = int(round(counts[4 + j] * share)) if share else 0
        a["change_agents"] = (int(rng.binomial(a["th_leaders"] + a["th_citizens"] + a["th_youth"], CHANGE_AGENT_P))
                              if t == TRAINING else 0)
        people = sum(a[c] for c in PARTICIPANT_COLUMNS)
        scale = np.sqrt(max(people, 1) / max(float(means[:4].sum() + (means[4:].sum() if foreign_on else 0)), 1.0))
        a["budget_thb"] = float(round(BUDGET_MEDIAN[t] * scale * np.exp(BUDGET_SIGMA * u_budget[i]) / 100) * 100)
        a["outcome"] = f"{TITLE_PREFIX} {OUTCOMES[t]}"
        out.append(a)
    return out


def _plant(rng, plan: Plan, effects: tuple[Effect, ...], codes, months, channels, mu) -> None:
    d_index = {c: i for i, c in enumerate(codes)}
    m_index = {m: i for i, m in enumerate(months)}
    cells = []
    for e in effects:
        cats = [CATEGORY_KEYS.index(k) for k in (e.categories or CATEGORY_KEYS)]
        allowed = set(e.district_codes) if e.district_codes is not None else None
        covered: dict[tuple[str, int], int] = {}      # (district, month index) -> the earliest activity covering it
        for pos, a in enumerate(plan.activities):     # in order of start date
            if a["activity_type"] != e.activity_type or (allowed is not None and a["district_code"] not in allowed):
                continue
            m0 = m_index[a["start_date"].replace(day=1)]
            for m in range(m0, min(m0 + e.months, len(months))):
                covered.setdefault((a["district_code"], m), pos)
        for (code, m), pos in sorted(covered.items(), key=lambda kv: (kv[1], kv[0][1])):
            d = d_index[code]
            for ch in e.channels:
                c = channels.index(ch)
                w = mu[d, cats, m, c]
                base = float(w.sum())
                extra = int(rng.poisson((e.multiplier - 1.0) * base)) if base > 0 else 0
                plan.effect_rows.append((pos, code, e.activity_type, ch, months[m], e.multiplier, base, extra))
                if extra:
                    split = rng.multinomial(extra, w / base)
                    flat = np.ravel_multi_index((np.full(len(cats), d), np.array(cats), np.full(len(cats), m),
                                                 np.full(len(cats), c)), mu.shape)
                    cells.append(np.repeat(flat, split))
    plan.cells = np.concatenate(cells).astype(np.int64) if cells else np.empty(0, np.int64)


# ---------------------------------------------------------------------------------------------- writing

def title(a: dict, run_id: int, seq: int) -> str:
    """'[ข้อมูลสังเคราะห์ / synthetic] <Thai type> · <English type> — <facing> (SYN-<run>-A<n>)'."""
    lab = ACTIVITY_TYPE_BY_KEY[a["activity_type"]]
    return f"{TITLE_PREFIX} {lab.th} · {lab.en} — {', '.join(a['facing_names'])} (SYN-{run_id}-A{seq:05d})"


def write(con, plan: Plan, run_id: int) -> pd.DataFrame:
    """Store the plan's activities (record.store) and its coop_planted_effects rows, inside the caller's
    transaction; returns the effect rows written (as the table holds them)."""
    from .record import store

    acts = [{**a, "title": title(a, run_id, i + 1)} for i, a in enumerate(plan.activities)]
    ids = store(con, acts, actor=ACTOR, source=f"synthetic:{run_id}", is_synthetic=True)
    if any(i is None for i in ids):
        raise RuntimeError("a synthetic activity was already stored (its title carries the run's reference)")
    rows = pd.DataFrame(plan.effect_rows, columns=["pos", "district_code", "activity_type", "channel", "month",
                                                   "multiplier", "expected_base", "extra_reports"])
    rows.insert(0, "activity_id", np.array(ids, dtype=np.int64)[rows["pos"].to_numpy(dtype=np.int64)]
                if len(rows) else np.empty(0, np.int64))
    rows.insert(0, "run_id", run_id)
    rows = rows.drop(columns="pos")
    if len(rows):
        con.register("coop_effect_rows_df", rows)
        try:
            con.execute("INSERT INTO coop_planted_effects (run_id, activity_id, district_code, activity_type, channel, "
                        "month, multiplier, expected_base, extra_reports) SELECT run_id, activity_id, district_code, "
                        "activity_type, channel, CAST(month AS DATE), multiplier, expected_base, extra_reports "
                        "FROM coop_effect_rows_df")
        finally:
            con.unregister("coop_effect_rows_df")
    return rows


__all__ = ["ACTOR", "CoopModel", "Effect", "Plan", "TITLE_PREFIX", "draw", "parse_section", "title",
           "validate_section", "write"]
