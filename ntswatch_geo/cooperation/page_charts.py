"""The Cooperation page's figures and the numbers it shows: pure functions, frames in, figures and dicts out.

- `period_bounds(choice, today, ...)`: the period a choice of the page's period control means (all records,
  the last 12 months, a Thai fiscal year — 1 October to 30 September, named by its Buddhist-era year — or
  typed dates).
- `kpis(activities)`: the headline figures of the activities in view (the rows of summary.activities).
- `timeline(activities, lang)`: activities by date per district, coloured by type, labels and hover text in
  the viewer's language (Buddhist-era dates in Thai); one point per district, type and month above
  TIMELINE_MAX_POINTS activities.
- `yearly_columns(yearly, lang)`: activities per district and year, one column per year (the district table).
- `pair_activities(activities, district_code, neighbour_id)`: the activities of one parallel-area pair.
"""
from __future__ import annotations

import datetime as dt
import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..charts import FONT, month_ticks
from ..i18n import fmt_date, fmt_int, fmt_month, sort_key, t, year
from .taxonomy import ACTIVITY_TYPE_KEYS, type_label

# one colour per activity type (Okabe-Ito, with an indigo and a grey instead of the yellow): tell apart
# also for colour-blind readers
TYPE_COLOURS = dict(zip(ACTIVITY_TYPE_KEYS, ["#0072B2", "#E69F00", "#009E73", "#56B4E9", "#D55E00", "#CC79A7",
                                             "#332288", "#6B7280"]))
PERIODS = ("all", "12m", "36m")        # then one "fy<CE year>" per fiscal year, and "custom"
FIRST_DAY = dt.date(2015, 1, 1)        # the record's first allowed day (record.check)


# -------------------------------------------------------------------------------------------- the period

def fiscal_year(d: dt.date) -> int:
    """The Thai fiscal year (Christian-era number) holding `d`: FY 2026 (พ.ศ. 2569) is 1 Oct 2025 – 30 Sep 2026."""
    return d.year + 1 if d.month >= 10 else d.year


def fiscal_years(first: dt.date | None, today: dt.date) -> list[int]:
    """The fiscal years from the one holding `first` (none: the current one only) to the current, newest first."""
    start = fiscal_year(first) if first else fiscal_year(today)
    return list(range(fiscal_year(today), min(start, fiscal_year(today)) - 1, -1))


def period_options(first: dt.date | None, today: dt.date) -> list[str]:
    return [*PERIODS, *(f"fy{y}" for y in fiscal_years(first, today)), "custom"]


def period_label(choice: str, lang: str) -> str:
    if choice.startswith("fy"):
        return t("coop_page.period_fy", lang, year=year(int(choice[2:]), lang))
    return t(f"coop_page.period_{choice}", lang)


def period_bounds(choice: str, today: dt.date, date_from: dt.date | None = None,
                  date_to: dt.date | None = None) -> tuple[dt.date | None, dt.date]:
    """(first day or None for the record's start, last day) of a period choice. "custom" takes the typed
    dates (either may be None: open); an end before the start is swapped."""
    if choice == "all":
        return None, today
    if choice == "12m":
        return today - dt.timedelta(days=364), today
    if choice == "36m":
        back = dt.date(today.year - 3, today.month, 28 if (today.month, today.day) == (2, 29) else today.day)
        return back + dt.timedelta(days=1), today
    if choice.startswith("fy"):
        y = int(choice[2:])
        return dt.date(y - 1, 10, 1), min(dt.date(y, 9, 30), today)
    if choice == "custom":
        a, b = date_from, date_to or today
        if a is not None and a > b:
            a, b = b, a
        return a, b
    raise ValueError(f"period {choice!r}: allowed {', '.join(PERIODS)}, fy<year>, custom")


# -------------------------------------------------------------------------------------------- headline figures

KPI_KEYS = ("activities", "joint_activities", "people_th", "people_across", "change_agents", "budget_thb")


def _ids(x) -> list:
    """An activity's facing ids (a list, an array, or missing: none)."""
    return list(x) if isinstance(x, (list, tuple, np.ndarray)) else []


def kpis(acts: pd.DataFrame) -> dict[str, float]:
    """Activities, joint activities (with at least one facing district), people reached on the Thai side and
    from across the border, change agents trained and budget (THB) of the activities in view."""
    if not len(acts):
        return dict.fromkeys(KPI_KEYS, 0)
    joint = acts["facing_ids"].map(lambda x: len(_ids(x)) > 0)
    return {
        "activities": int(len(acts)),
        "joint_activities": int(joint.sum()),
        "people_th": int(acts["people_th"].sum()),
        "people_across": int(acts["people_la"].sum() + acts["people_kh"].sum()),
        "change_agents": int(acts["change_agents"].sum()),
        "budget_thb": float(acts["budget_thb"].fillna(0).sum()),
    }


# -------------------------------------------------------------------------------------------- the timeline

def marker_size(people, n: int) -> np.ndarray:
    """Marker diameter (px) by participants, growing with the square root; smaller the more activities are
    drawn (`n`), so a busy timeline stays readable: 9 to 28 px up to 60 activities, 7 to 18 up to 300, 6 to 12
    above."""
    lo, hi = (9, 28) if n <= 60 else ((7, 18) if n <= 300 else (6, 12))
    p = np.asarray(people, dtype=float)
    return np.clip(lo + (hi - lo) * np.sqrt(p) / 15, lo, hi)


def _esc(text) -> str:
    """User text for a plotly hover: tags shown as text (plotly reads a few tags and entities)."""
    return html.escape("" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text))


TIMELINE_MAX_POINTS = 1500     # above this many activities, one point per district, type and month


def _activity_traces(fig: go.Figure, d: pd.DataFrame, lang: str) -> None:
    """One point per activity; hover: type, dates, district, title, facing districts, people on each side."""
    for key in [k for k in ACTIVITY_TYPE_KEYS if k in set(d["activity_type"])]:
        s = d[d["activity_type"] == key]
        when = [fmt_date(a.date(), lang) if a == b else f"{fmt_date(a.date(), lang)} – {fmt_date(b.date(), lang)}"
                for a, b in zip(s["start_date"], s["end_date"])]
        custom = np.column_stack([
            when, [_esc(x) or "–" for x in s["title"]], [_esc(x) or "–" for x in s["facing_names"]],
            [fmt_int(x) for x in s["people_th"]], [fmt_int(x) for x in s["across"]], s["id"].astype(str)])
        name = type_label(key, lang)
        fig.add_trace(go.Scatter(
            x=s["start_date"], y=s["district"], mode="markers", name=name, customdata=custom,
            marker={"color": TYPE_COLOURS[key], "size": marker_size(s["people_th"] + s["across"], len(d)),
                    "line": {"color": "white", "width": 1}, "opacity": 0.9},
            hovertemplate=(f"<b>{_esc(name)}</b><br>%{{customdata[0]}} · %{{y}}<br>"
                           f"{_esc(t('coop_page.tip_title', lang))}: %{{customdata[1]}}<br>"
                           f"{_esc(t('coop_page.tip_facing', lang))}: %{{customdata[2]}}<br>"
                           f"{_esc(t('coop_page.tip_people_th', lang))}: %{{customdata[3]}} · "
                           f"{_esc(t('coop_page.tip_people_across', lang))}: %{{customdata[4]}}<extra></extra>")))


def _month_traces(fig: go.Figure, d: pd.DataFrame, lang: str) -> None:
    """One point per district, type and month (drawn mid-month), as large as its number of activities; hover:
    type, month, district, activities, people on each side. The figure's size then follows districts × types
    × months, not the number of activities."""
    d = d.assign(month=d["start_date"].dt.to_period("M").dt.to_timestamp())
    g = (d.groupby(["activity_type", "district", "month"], sort=False)
         .agg(n=("id", "size"), people_th=("people_th", "sum"), across=("across", "sum")).reset_index())
    for key in [k for k in ACTIVITY_TYPE_KEYS if k in set(g["activity_type"])]:
        s = g[g["activity_type"] == key]
        custom = np.column_stack([[fmt_month(m.date(), lang) for m in s["month"]], [fmt_int(x) for x in s["n"]],
                                  [fmt_int(x) for x in s["people_th"]], [fmt_int(x) for x in s["across"]]])
        name = type_label(key, lang)
        fig.add_trace(go.Scatter(
            x=s["month"] + pd.Timedelta(days=14), y=s["district"], mode="markers", name=name, customdata=custom,
            marker={"color": TYPE_COLOURS[key], "size": np.clip(5 + 3 * np.sqrt(s["n"]), 6, 18),
                    "line": {"color": "white", "width": 0.5}, "opacity": 0.85},
            hovertemplate=(f"<b>{_esc(name)}</b><br>%{{customdata[0]}} · %{{y}}<br>"
                           f"{_esc(t('coop_page.tip_activities', lang))}: %{{customdata[1]}}<br>"
                           f"{_esc(t('coop_page.tip_people_th', lang))}: %{{customdata[2]}} · "
                           f"{_esc(t('coop_page.tip_people_across', lang))}: %{{customdata[3]}}<extra></extra>")))


def timeline(acts: pd.DataFrame, lang: str, max_points: int = TIMELINE_MAX_POINTS) -> go.Figure:
    """Activities by date (x: the start day) per district (y), one colour per type, marker size by
    participants (hover: type, dates, district, title, facing districts, people on each side); above
    `max_points` activities one point per district, type and month, sized by its activities. Ticks are
    months (Buddhist-era years in Thai). `acts`: rows of summary.activities."""
    fig = go.Figure()
    if len(acts):
        d = acts.copy()
        d["start_date"] = pd.to_datetime(d["start_date"])
        d["end_date"] = pd.to_datetime(d["end_date"])
        d["district"] = d[f"district_{lang}"]
        d["across"] = d["people_la"] + d["people_kh"]
        order = sorted(d["district"].unique(), key=lambda n: sort_key(n, lang))
        (_activity_traces if len(d) <= max_points else _month_traces)(fig, d, lang)
        lo, hi = d["start_date"].min(), d["start_date"].max()
        pad = max(pd.Timedelta(days=20), (hi - lo) * 0.03)
        vals, text = month_ticks(pd.date_range(lo - pad, hi + pad, freq="D"), lang, max_ticks=10)
        fig.update_xaxes(range=[lo - pad, hi + pad], tickvals=vals, ticktext=text)
        fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], type="category")
        n, n_types = len(order), d["activity_type"].nunique()
    else:
        n, n_types = 1, 0
    # the legend sits in the bottom margin (container coordinates), below the axis title, at two types a row
    legend_px = 28 + 22 * ((n_types + 1) // 2)
    title = t("coop_page.timeline_title" if len(acts) <= max_points else "coop_page.timeline_title_monthly", lang)
    fig.update_layout(title=title, font={"family": FONT}, plot_bgcolor="white",
                      showlegend=True,                   # a single type too: the colour is named
                      height=int(min(760, 120 + 30 * n) + legend_px + 60), hovermode="closest",
                      margin={"l": 10, "r": 10, "t": 50, "b": legend_px + 60},
                      legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
                              "title": {"text": t("coop_page.type", lang), "side": "top"}},
                      xaxis_title=t("coop_page.timeline_x", lang))
    fig.update_xaxes(gridcolor="#e5e7eb", showgrid=True)
    fig.update_yaxes(gridcolor="#f1f5f9")
    return fig


# -------------------------------------------------------------------------------------------- tables

def yearly_columns(yearly: pd.DataFrame, lang: str, last: int = 5) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Activities per district and year, wide: one column `y<CE year>` per year, the `last` years up to the
    newest with any (none before the first), 0 where none; and (column, year as shown: Buddhist era in Thai)
    for the headers."""
    if not len(yearly):
        return pd.DataFrame({"district_code": pd.Series([], dtype=object)}), []
    present = [int(y) for y in yearly["year"].unique()]
    years = list(range(max(min(present), max(present) - last + 1), max(present) + 1))   # a year without any: 0
    wide = (yearly[yearly["year"].isin(years)].pivot_table(index="district_code", columns="year",
                                                           values="activities", aggfunc="sum", fill_value=0)
            .reindex(columns=years, fill_value=0))
    wide.columns = [f"y{y}" for y in years]
    return wide.reset_index(), [(f"y{y}", str(year(y, lang))) for y in years]


def pair_activities(acts: pd.DataFrame, district_code: str, neighbour_id: str) -> pd.DataFrame:
    """The activities of one parallel-area pair: the district's activities naming that facing district."""
    if not len(acts):
        return acts
    hit = acts["district_code"].eq(district_code) & acts["facing_ids"].map(lambda x: neighbour_id in _ids(x))
    return acts[hit]
