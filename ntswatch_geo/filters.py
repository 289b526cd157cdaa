"""The dashboard's shared filters: defaults, the URL query string, and the bound SQL parameters.

A link reproduces a view: `to_query()` writes the filters into query-string values and `from_query()` reads
them back. Anything in a tampered query string that is not an allowed value (an unknown district code, a
reversed date range, SQL in a parameter) is dropped — the filter falls back to its default — and a notice
says which parameter was ignored. Values never reach SQL except as bound parameters.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from .scope import Scope
from .taxonomy import CATEGORY_KEYS, CHANNEL_KEYS, COUNTED_STATUSES

# query-string names
Q_FROM, Q_TO, Q_CAT, Q_PROV, Q_DIST, Q_MWCC, Q_CHAN, Q_STAT = "from", "to", "cat", "prov", "dist", "mwcc", "ch", "st"
QUERY_KEYS = (Q_FROM, Q_TO, Q_CAT, Q_PROV, Q_DIST, Q_MWCC, Q_CHAN, Q_STAT)
DEFAULT_DAYS = 365
EARLIEST = dt.date(2015, 1, 1)  # the date pickers' lower bound (older events may come in by import)


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects. Empty tuples mean "all"."""

    date_from: dt.date
    date_to: dt.date
    categories: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    mwcc_only: bool = False
    channels: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous_period(self) -> tuple[dt.date, dt.date]:
        """The period of equal length just before this one."""
        prev_to = self.date_from - dt.timedelta(days=1)
        return prev_to - dt.timedelta(days=self.days - 1), prev_to

    def sql_params(self, scope: Scope) -> dict:
        """Bound parameters for the queries that read reports through `filtered_reports`."""
        prev_from, prev_to = self.previous_period()
        return {
            "date_from": self.date_from, "date_to": self.date_to, "prev_from": prev_from, "prev_to": prev_to,
            "cats": list(self.categories), "provs": list(self.provinces), "dists": list(self.districts),
            "mwcc_only": self.mwcc_only, "chans": list(self.channels), "stats": list(self.statuses),
            **scope.sql_params(),
        }

    def to_query(self) -> dict[str, str]:
        """Query-string values (only the ones that differ from "all")."""
        q = {Q_FROM: self.date_from.isoformat(), Q_TO: self.date_to.isoformat()}
        for key, values in ((Q_CAT, self.categories), (Q_PROV, self.provinces), (Q_DIST, self.districts),
                            (Q_CHAN, self.channels), (Q_STAT, self.statuses)):
            if values:
                q[key] = ",".join(values)
        if self.mwcc_only:
            q[Q_MWCC] = "1"
        return q

    def with_district(self, code: str) -> "Filters":
        """The same filters narrowed to one district (a click on the map)."""
        return replace(self, districts=(code,))


@dataclass(frozen=True)
class FilterOptions:
    """The values a viewer may choose from (already limited to their scope)."""

    first_date: dt.date
    last_date: dt.date
    provinces: tuple[str, ...]
    districts: tuple[str, ...]
    district_province: dict[str, str] = field(default_factory=dict)
    min_date: dt.date = EARLIEST
    max_date: dt.date = dt.date(2100, 1, 1)
    categories: tuple[str, ...] = tuple(CATEGORY_KEYS)
    channels: tuple[str, ...] = tuple(CHANNEL_KEYS)
    statuses: tuple[str, ...] = tuple(COUNTED_STATUSES)   # held ones are in no statistic


def default_filters(opts: FilterOptions) -> Filters:
    """The last DEFAULT_DAYS days of data, everything else "all"."""
    start = max(opts.first_date, opts.last_date - dt.timedelta(days=DEFAULT_DAYS - 1))
    return Filters(date_from=start, date_to=opts.last_date)


@dataclass(frozen=True)
class Notice:
    """A query-string value that was ignored: which parameter, the value, and why (a catalogue key)."""

    param: str
    value: str
    reason: str  # 'not_allowed' | 'bad_date' | 'out_of_range' | 'reversed_dates'


def _codes(raw: str | None, allowed: tuple[str, ...], param: str, notices: list[Notice]) -> tuple[str, ...]:
    if not raw:
        return ()
    out = []
    for value in raw.split(","):
        value = value.strip()
        if value in allowed:
            if value not in out:
                out.append(value)
        elif value:
            notices.append(Notice(param, value[:40], "not_allowed"))
    return tuple(out)


def _date(raw: str | None, param: str, opts: FilterOptions, notices: list[Notice]) -> dt.date | None:
    if not raw:
        return None
    try:
        d = dt.date.fromisoformat(raw.strip())
    except ValueError:
        notices.append(Notice(param, raw[:40], "bad_date"))
        return None
    if not opts.min_date <= d <= opts.max_date:
        notices.append(Notice(param, raw[:40], "out_of_range"))
        return None
    return d


def from_query(query: dict[str, str], opts: FilterOptions) -> tuple[Filters, list[Notice]]:
    """Filters from query-string values, checked against `opts`; bad values fall back to defaults."""
    notices: list[Notice] = []
    base = default_filters(opts)
    d_from = _date(query.get(Q_FROM), Q_FROM, opts, notices) or base.date_from
    d_to = _date(query.get(Q_TO), Q_TO, opts, notices) or base.date_to
    if d_from > d_to:
        notices.append(Notice(f"{Q_FROM}/{Q_TO}", f"{d_from}..{d_to}", "reversed_dates"))
        d_from, d_to = base.date_from, base.date_to
    mwcc_raw = query.get(Q_MWCC)
    if mwcc_raw not in (None, "", "0", "1"):
        notices.append(Notice(Q_MWCC, mwcc_raw[:40], "not_allowed"))
    f = Filters(
        date_from=d_from, date_to=d_to,
        categories=_codes(query.get(Q_CAT), opts.categories, Q_CAT, notices),
        provinces=_codes(query.get(Q_PROV), opts.provinces, Q_PROV, notices),
        districts=_codes(query.get(Q_DIST), opts.districts, Q_DIST, notices),
        mwcc_only=mwcc_raw == "1",
        channels=_codes(query.get(Q_CHAN), opts.channels, Q_CHAN, notices),
        statuses=_codes(query.get(Q_STAT), opts.statuses, Q_STAT, notices),
    )
    return f, notices


def load_options(con, scope: Scope, today: dt.date | None = None) -> FilterOptions:
    """The choices for this viewer: border provinces and districts in scope, the data's date range."""
    from .db import run_query

    rows = run_query(con, "filter_options", scope.sql_params()).fetchall()
    first, last, _, _ = run_query(con, "data_extent", scope.sql_params()).fetchone()
    today = today or dt.date.today()
    last = last or today
    first = first or (last - dt.timedelta(days=DEFAULT_DAYS - 1))
    provinces = tuple(dict.fromkeys(r[3] for r in rows))
    return FilterOptions(first_date=first, last_date=last, min_date=min(first, EARLIEST), max_date=max(last, today),
                         provinces=provinces,
                         districts=tuple(r[0] for r in rows), district_province={r[0]: r[3] for r in rows})
