"""Periods and event dates as calendar windows; timelines in time order."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_analysis import periods
from coop_analysis.datasets import load_events, load_facts
from coop_analysis.errors import PeriodError

D = dt.date


@pytest.mark.parametrize(
    ("date", "precision", "first", "last"),
    [
        ("2025", None, D(2025, 1, 1), D(2025, 12, 31)),
        ("2024-02", None, D(2024, 2, 1), D(2024, 2, 29)),
        ("2025-02", None, D(2025, 2, 1), D(2025, 2, 28)),
        ("2025-03-11", None, D(2025, 3, 11), D(2025, 3, 11)),
        ("2025-03", "early_month", D(2025, 3, 1), D(2025, 3, 10)),
        ("2024-11", "end_month", D(2024, 11, 21), D(2024, 11, 30)),
        ("2025-03-11", "month", D(2025, 3, 1), D(2025, 3, 31)),
        ("2025-03-11", "year", D(2025, 1, 1), D(2025, 12, 31)),
    ],
)
def test_date_window(date: str, precision: str | None, first: dt.date, last: dt.date) -> None:
    assert periods.date_window(date, precision) == (first, last)


@pytest.mark.parametrize(
    ("date", "precision", "message"),
    [
        ("2025-02-30", None, "'2025-02-30': expected a day that exists in 2025-02"),
        ("2025-13", None, "expected a month from 01 to 12"),
        ("2025-00-10", None, "expected a month from 01 to 12"),
        ("0000", None, "expected a year from"),
        ("2025-03\n", None, "expected an ISO date"),
        ("Feb 2025", None, "expected an ISO date"),
        ("2025", "day", "cannot have precision 'day'"),
        ("2025", "early_month", "is a year"),
        ("2025-03", "day", "has no day"),
        ("2025-03", "fortnight", "precision: expected one of"),
        (None, None, "expected an ISO date"),
    ],
)
def test_bad_dates_are_refused_with_the_reason(date: object, precision: str | None, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        periods.date_window(date, precision)  # type: ignore[arg-type]


def test_period_error_is_a_value_error() -> None:
    assert issubclass(PeriodError, ValueError)


@pytest.mark.parametrize(
    ("start", "end", "window", "precision"),
    [
        ("2022", "2025", (D(2022, 1, 1), D(2025, 12, 31)), "year"),
        ("2021", "2025", (D(2021, 1, 1), D(2025, 12, 31)), "year"),
        (None, "2025-02-14", (None, D(2025, 2, 14)), "day"),
        (pd.NA, "2025", (None, D(2025, 12, 31)), "year"),
        ("2024-02", "2025-02-14", (D(2024, 2, 1), D(2025, 2, 14)), "month"),
        ("2025-03-27", "2025-03-27", (D(2025, 3, 27), D(2025, 3, 27)), "day"),
    ],
)
def test_period_window_and_precision(start: object, end: str, window: tuple, precision: str) -> None:
    assert periods.period_window(start, end) == window
    assert periods.period_precision(start, end) == precision


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [("2026", "2025", "is after period_end"), ("2025", None, "period_end: expected a date"),
     ("2025", "2025-02-29", "expected a day that exists in 2025-02")],
)  # fmt: skip
def test_period_window_refuses_bad_periods(start: object, end: object, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        periods.period_window(start, end)


def test_add_period_columns_is_pure_and_typed() -> None:
    facts = load_facts()
    before = facts.copy()
    out = periods.add_period_columns(facts)
    pd.testing.assert_frame_equal(facts, before)  # the input is not changed
    assert list(out.columns) == [*facts.columns, "period_first", "period_last", "period_precision", "period_year"]
    assert str(out["period_first"].dtype).startswith("datetime64") and str(out["period_year"].dtype) == "Int64"
    row = out.set_index("fact_id").loc["F028"]  # 近三年: the past three years, 2022–2025
    assert (row["period_first"], row["period_last"]) == (pd.Timestamp(2022, 1, 1), pd.Timestamp(2025, 12, 31))
    assert row["period_precision"] == "year" and row["period_year"] == 2025
    f001 = out.set_index("fact_id").loc["F001"]  # cumulative since 2021 keeps its start
    assert f001["period_first"] == pd.Timestamp(2021, 1, 1)
    assert pd.isna(out.set_index("fact_id").loc["F015", "period_first"])  # as of 2025, start not stated


def test_add_period_columns_names_the_fact() -> None:
    facts = pd.DataFrame({"fact_id": ["X1"], "period_start": ["2025-03"], "period_end": ["2025-02"]})
    with pytest.raises(PeriodError, match=r"fact X1: period_start '2025-03' is after period_end '2025-02'"):
        periods.add_period_columns(facts)


@pytest.mark.parametrize(
    ("bound", "window"),
    [("on", (D(2025, 3, 1), D(2025, 3, 10))), ("since", (D(2025, 3, 1), None)), ("after", (D(2025, 3, 11), None)),
     (pd.NA, (D(2025, 3, 1), D(2025, 3, 10)))],
)  # fmt: skip
def test_event_window_bounds(bound: object, window: tuple) -> None:
    assert periods.event_window("2025-03", "early_month", bound) == window


def test_event_window_refuses_an_unknown_bound() -> None:
    with pytest.raises(PeriodError, match="date_bound: expected 'on', 'since' or 'after', got 'before'"):
        periods.event_window("2025", "year", "before")


def _events(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["event_id", "date", "date_precision", "date_bound"])


def test_sort_events_puts_an_event_after_what_it_follows() -> None:
    # Guizhou: the Foshan visit (only known to follow the early-March visit) must not come first.
    events = _events(("E012", "2025-03", "early_month", "after"), ("E013", "2025-03", "early_month", "on"),
                     ("E014", "2025", "year", "on"))  # fmt: skip
    assert list(periods.sort_events(events)["event_id"]) == ["E014", "E013", "E012"]


def test_sort_events_finer_before_coarser_on_the_same_start() -> None:
    events = _events(("B", "2025-03", "month", "on"), ("A", "2025-03-01", "day", "on"),
                     ("C", "2025-03", "early_month", "on"), ("D", "2025-03", "early_month", "since"))  # fmt: skip
    assert list(periods.sort_events(events)["event_id"]) == ["A", "C", "B", "D"]


def test_shipped_events_sort_and_guizhou_follows_the_source() -> None:
    ordered = periods.sort_events(load_events())
    ids = list(ordered["event_id"])
    assert ids.index("E013") < ids.index("E012")  # the visit after the early-March visit it followed up
    assert ids.index("E004") < ids.index("E007") < ids.index("E005")  # early 2024, Feb 2024, end of Nov 2024


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)), st.sampled_from(["day", "month", "year"]))
def test_every_real_date_has_a_window_containing_it(day: dt.date, precision: str) -> None:
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
    first, last = periods.date_window(text)
    assert first <= day <= last and periods.precision_of(text) == precision
