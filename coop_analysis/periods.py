"""Periods: when a figure or an event holds, as calendar windows (pure functions).

The curated tables write dates as ISO dates, possibly partial: ``2025``,
``2025-03``, ``2025-03-11``. Their form is their precision (year, month,
day); events may also say ``early_month`` (days 1–10) or ``end_month``
(days 21 to the end).

A **fact's period** is two such dates, ``period_start`` and ``period_end``:

* ``period_start == period_end``: a figure of one date (a meeting, a signing);
* ``period_start < period_end``: a figure over a span, or cumulative since
  ``period_start`` (近三年 → 2022–2025; 自2021年以来 → 2021–2025);
* ``period_start`` empty: a figure as of ``period_end``, start not stated.

An **event's date** is ``date`` with its ``date_precision``; ``date_bound``
``since`` says it happened at that date or later (签署 … 自2021年以来), ``after``
only after it (黔东南's visit to Foshan followed up the early-March visit).

Everything here takes and returns plain values or DataFrames, never reads a
file: :func:`add_period_columns` (facts) and :func:`add_event_windows` /
:func:`sort_events` (events) are what loaders and reports call.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from coop_analysis.errors import PeriodError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PRECISIONS",
    "add_event_windows",
    "add_period_columns",
    "date_window",
    "event_window",
    "period_precision",
    "period_window",
    "precision_of",
    "sort_events",
]

#: Precisions, finest first (their order breaks ties between windows that start on the same day).
PRECISIONS = ("day", "early_month", "end_month", "month", "year")
_RANK = {"day": 0, "month": 1, "year": 2}


def _missing(value: object) -> bool:
    """None, an empty string, NaN or pd.NA."""
    if value is None or isinstance(value, str):
        return not value
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or other container is a value, not missing
        return False


def _parts(date: object) -> tuple[int, int | None, int | None]:
    """Year, month and day of a partial ISO date, checked as the tables' schemas check dates
    (:func:`coop_analysis.schemas.date_problem`: one calendar rule, one wording)."""
    from coop_analysis.schemas import date_problem

    problem = date_problem(date)
    if problem is not None:
        raise PeriodError(f"{date!r}: {problem}")
    year, *rest = (int(p) for p in str(date).split("-"))
    return year, rest[0] if rest else None, rest[1] if len(rest) > 1 else None


def precision_of(date: str) -> str:
    """``year``, ``month`` or ``day``: the precision a partial ISO date's form gives it.

    Raises:
        PeriodError: not a real calendar date in one of the three forms.
    """
    _, month, day = _parts(date)
    return "day" if day else "month" if month else "year"


def date_window(date: str, precision: str | None = None) -> tuple[dt.date, dt.date]:
    """First and last calendar day a partial date can mean.

    ``2025`` → 1 Jan–31 Dec 2025; ``2025-03`` → 1–31 Mar; with ``precision``
    ``early_month`` → 1–10 Mar, ``end_month`` → 21–31 Mar; ``2025-03-11`` → that day.

    Args:
        date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
        precision: one of :data:`PRECISIONS`; default the form's own. It may be
            coarser than the form (``2025-03-11`` read as ``month``), never finer.

    Raises:
        PeriodError: not a real date, an unknown precision, or one finer than the date.
    """
    year, month, day = _parts(date)
    form = precision_of(date)
    precision = precision or form
    if precision not in PRECISIONS:
        raise PeriodError(f"precision: expected one of {list(PRECISIONS)}, got {precision!r}")
    if precision == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if month is None:
        raise PeriodError(f"{date!r} is a year; it cannot have precision {precision!r}")
    last = calendar.monthrange(year, month)[1]
    if precision == "day":
        if day is None:
            raise PeriodError(f"{date!r} has no day; it cannot have precision 'day'")
        return dt.date(year, month, day), dt.date(year, month, day)
    if precision == "early_month":
        return dt.date(year, month, 1), dt.date(year, month, 10)
    if precision == "end_month":
        return dt.date(year, month, 21), dt.date(year, month, last)
    return dt.date(year, month, 1), dt.date(year, month, last)


def period_window(start: object, end: object) -> tuple[dt.date | None, dt.date]:
    """First and last day of a fact's period; the first is ``None`` when no start is stated.

    Raises:
        PeriodError: a bad date, no end, or a start after the end.
    """
    if _missing(end):
        raise PeriodError(f"period_end: expected a date, got {end!r}")
    _, last = date_window(end)  # type: ignore[arg-type]
    if _missing(start):
        return None, last
    if not isinstance(start, str):
        raise PeriodError(f"period_start: expected a date or nothing, got {start!r}")
    first, _ = date_window(start)
    end_first, _ = date_window(end)  # type: ignore[arg-type]
    if first > end_first:
        raise PeriodError(f"period_start {start!r} is after period_end {end!r}")
    return first, last


def period_precision(start: object, end: str) -> str:
    """The coarser precision of a period's two ends (the end's alone without a start)."""
    ends = [end] + ([] if _missing(start) else [start])
    return max((precision_of(d) for d in ends), key=_RANK.__getitem__)


def add_period_columns(facts: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``facts`` with its period parsed.

    Adds ``period_first`` and ``period_last`` (``datetime64``; ``period_first`` is
    missing when the period has no start), ``period_precision`` (``year``,
    ``month`` or ``day``, the coarser end) and ``period_year`` (``Int64``, the
    end's year: the year a figure is stated for, e.g. the exchange-rate year).

    Raises:
        PeriodError: naming the fact (``fact_id``, else the row) and the bad value.
    """
    import pandas as pd

    firsts, lasts, precisions = [], [], []
    ids = facts["fact_id"] if "fact_id" in facts.columns else pd.Series(facts.index, index=facts.index)
    for key, start, end in zip(ids, facts["period_start"], facts["period_end"], strict=True):
        try:
            first, last = period_window(start, end)
            precisions.append(period_precision(start, end))
        except PeriodError as exc:
            raise PeriodError(f"fact {key}: {exc}") from None
        firsts.append(first)
        lasts.append(last)
    out = facts.copy()
    out["period_first"] = pd.to_datetime(pd.Series(firsts, index=facts.index, dtype=object))
    out["period_last"] = pd.to_datetime(pd.Series(lasts, index=facts.index, dtype=object))
    out["period_precision"] = pd.Series(precisions, index=facts.index, dtype="string")
    out["period_year"] = out["period_last"].dt.year.astype("Int64")
    return out


def event_window(date: str, precision: str, bound: object = "on") -> tuple[dt.date, dt.date | None]:
    """The days an event can have happened on: ``(first, last)``; ``last`` is ``None`` when open.

    ``bound`` ``on`` (or missing): within the date's window. ``since``: from the
    window's first day on; ``after``: from the day after the window; both with
    no known end.
    """
    first, last = date_window(date, precision)
    if _missing(bound) or bound == "on":
        return first, last
    if bound == "since":
        return first, None
    if bound == "after":
        return last + dt.timedelta(days=1), None
    raise PeriodError(f"date_bound: expected 'on', 'since' or 'after', got {bound!r}")


def add_event_windows(events: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``events`` with ``date_first`` and ``date_last`` (``datetime64``; ``date_last``
    missing for an event known only to be after its date)."""
    import pandas as pd

    bounds = events["date_bound"] if "date_bound" in events.columns else pd.Series("on", index=events.index)
    windows = []
    for key, date, precision, bound in zip(events.get("event_id", events.index), events["date"],
                                           events["date_precision"], bounds, strict=True):  # fmt: skip
        try:
            windows.append(event_window(date, precision, bound))
        except PeriodError as exc:
            raise PeriodError(f"event {key}: {exc}") from None
    out = events.copy()
    out["date_first"] = pd.to_datetime(pd.Series([w[0] for w in windows], index=events.index, dtype=object))
    out["date_last"] = pd.to_datetime(pd.Series([w[1] for w in windows], index=events.index, dtype=object))
    return out


def sort_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events in time order: by the first day they can have happened, then the last
    (of two dates that start the same day the finer one, which ends sooner, comes first;
    an open end comes last), then ``event_id``.

    So ``2024`` (1 Jan–31 Dec) precedes ``Feb 2024``, ``early Mar 2025`` precedes
    ``Mar 2025``, and an event the source places only *after* early March 2025
    (``date_bound`` ``after``) follows every event of early March.

    Returns a copy with a fresh index; the input's columns only.
    """
    import pandas as pd

    windows = add_event_windows(events)
    far = pd.Timestamp.max.normalize()
    keys = windows.assign(_first=windows["date_first"], _last=windows["date_last"].fillna(far))
    order = keys.sort_values(["_first", "_last", "event_id"], kind="stable").index
    return events.loc[order].reset_index(drop=True)
