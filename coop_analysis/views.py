"""Analysis views: the curated tables with the columns an analyst reaches for.

The loaders (``load_facts()`` …) return each file as curated and validated,
the frames that validation, profiles and reports work on. A *view* is a copy
of a table for exploration, with derived columns added and nothing removed::

    facts = ca.view("facts")          # or ca.facts_view()
    facts[facts.kind == "money"]
    ca.long_form(facts, "partner")    # one row per fact × partner

What a view adds (``ca.describe(name)`` lists it, ``origin == "view"``):

* every column that references a province by English name gets its Chinese
  short name beside it (``province`` → ``province_zh``, ``partner`` →
  ``partner_zh``, ``east_province`` → ``east_province_zh``, ``province_en`` →
  ``province_zh``); list columns get a list of the same length;
* facts get their metric's ``kind`` (count, money, share, rate, people), their
  period parsed (``period_first`` / ``period_last`` as dates, ``period_precision``,
  ``period_year``: :func:`coop_analysis.periods.add_period_columns`) and their
  amounts in CNY (``value_cny``, ``low_cny``, ``high_cny`` with ``cny_rate``,
  ``rate_year``, ``rate_source`` and ``conversion``: :func:`coop_analysis.money.to_cny`
  at the annual average rate of the period's end year; a missing rate is flagged,
  never guessed);
* events get the days they can have happened on (``date_first``, ``date_last``:
  :func:`coop_analysis.periods.add_event_windows`);
* every column with a vocabulary (``qualifier``, ``kind``, ``type`` …) is a
  ``category`` whose categories are the whole vocabulary, in its order.

List columns (``partner``, ``mechanism``, ``sectors``, ``initiatives`` …)
stay ``|``-joined strings in a view; :func:`long_form` gives one row per
item, with the other columns' dtypes unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_analysis.meta import ColumnMeanings
from coop_analysis.schemas import FOREIGN_KEYS, LIST_SEP, TABLES, VOCABULARIES, ColumnSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["derived_columns", "facts_view", "long_form", "view"]

_PROVINCE_KEY = ("provinces", "name_en")


def _zh_name(column: str) -> str:
    return column.removesuffix("_en") + "_zh"


def derived_columns(name: str) -> dict[str, ColumnSpec]:
    """The columns :func:`view` adds to table ``name``, with their specification."""
    out: dict[str, ColumnSpec] = {}
    spec = TABLES.get(name)
    if spec is None:
        return out
    for fk in FOREIGN_KEYS:
        if fk.table == name and (fk.target, fk.target_column) == _PROVINCE_KEY:
            c = spec.columns[fk.column]
            what = "Chinese short names of" if c.is_list else "Chinese short name of"
            out[_zh_name(fk.column)] = ColumnSpec(
                "string", f"{what} {fk.column} (provinces.short_zh)", nullable=c.nullable, is_list=c.is_list
            )
    if name == "facts":
        out["kind"] = ColumnSpec("category", "kind of the metric (metrics.kind)", vocabulary="metric_kind")
        out |= _FACT_PERIOD | _FACT_CNY
    if name == "events":
        out |= _EVENT_WINDOW
    return out


_FACT_PERIOD = {
    "period_first": ColumnSpec(
        "datetime64", "first day of the period (missing when no start is stated)", nullable=True
    ),
    "period_last": ColumnSpec("datetime64", "last day of the period, or of the date the figure is stated as of"),
    "period_precision": ColumnSpec("string", "year, month or day: the coarser precision of the period's two ends"),
    "period_year": ColumnSpec("Int64", "year of period_last: the year a figure is stated for"),
}
_FACT_CNY = {
    "value_cny": ColumnSpec(
        "float64", "value in CNY (missing when not money or no rate; see conversion)", nullable=True
    ),
    "low_cny": ColumnSpec("float64", "low in CNY", nullable=True),
    "high_cny": ColumnSpec("float64", "high in CNY", nullable=True),
    "cny_rate": ColumnSpec("float64", "CNY per unit used (1 for CNY; annual average of rate_year)", nullable=True),
    "rate_year": ColumnSpec("Int64", "year of the exchange rate used (period_year), when converted", nullable=True),
    "rate_source": ColumnSpec("string", "source of the exchange rate, when converted", nullable=True),
    "conversion": ColumnSpec("string", "cny, converted, no_rate, no_year or not_money (money.CONVERSION_STATUSES)"),
}
_EVENT_WINDOW = {
    "date_first": ColumnSpec("datetime64", "first day the event can have happened on"),
    "date_last": ColumnSpec("datetime64", "last day it can have happened on (missing when only a lower bound is known)",
                            nullable=True),
}  # fmt: skip


def _facts_periods_and_cny(frame: pd.DataFrame) -> pd.DataFrame:
    from coop_analysis.money import to_cny
    from coop_analysis.periods import add_period_columns

    out = to_cny(add_period_columns(frame), year_column="period_year")
    order = [c for c in frame.columns]
    order[order.index("high") + 1 : order.index("high") + 1] = list(_FACT_CNY)
    order[order.index("period_end") + 1 : order.index("period_end") + 1] = list(_FACT_PERIOD)
    return out[order]


def _event_windows(frame: pd.DataFrame) -> pd.DataFrame:
    from coop_analysis.periods import add_event_windows

    out = add_event_windows(frame)
    order = [c for c in frame.columns]
    anchor = order.index("date_bound" if "date_bound" in order else "date_precision") + 1
    order[anchor:anchor] = list(_EVENT_WINDOW)
    return out[order]


def _province_zh() -> dict[str, str]:
    from coop_analysis.datasets import load_provinces

    prov = load_provinces()
    return dict(zip(prov["name_en"], prov["short_zh"], strict=True))


def _to_zh(series: pd.Series, names: dict[str, str], is_list: bool) -> pd.Series:
    """Map English province names (or ``|``-lists of them) to Chinese; unknown names stay as they are."""

    def one(cell: object) -> object:
        if not isinstance(cell, str):
            return cell
        if is_list:
            return LIST_SEP.join(names.get(item, item) for item in cell.split(LIST_SEP))
        return names.get(cell, cell)

    return series.map(one).astype("string")


def _insert_after(frame: pd.DataFrame, anchor: str, column: str, values: pd.Series) -> None:
    frame.insert(frame.columns.get_loc(anchor) + 1, column, values)


def _categorical(series: pd.Series, vocabulary: str) -> pd.Series:
    import pandas as pd

    return series.astype(pd.CategoricalDtype(list(VOCABULARIES[vocabulary])))


def view(name: str) -> pd.DataFrame:
    """The analysis view of table ``name``: the loaded table plus derived columns.

    See the module documentation for what is added. ``df.attrs`` is the
    table's (:func:`coop_analysis.meta.set_attrs`), with the derived columns in
    ``attrs["columns"]`` and ``attrs["view"] = True``.

    Raises:
        KeyError: unknown table (the message lists the known ones).
    """
    from coop_analysis.datasets import load_metrics, load_sources, load_table

    frame = load_sources() if name == "sources" else load_table(name)
    attrs = frame.attrs
    derived = derived_columns(name)
    spec = TABLES.get(name)
    if spec is not None:
        names = _province_zh()
        for column, c in derived.items():
            source = next(
                (fk.column for fk in FOREIGN_KEYS if fk.table == name and _zh_name(fk.column) == column), None
            )
            if source is not None:
                _insert_after(frame, source, column, _to_zh(frame[source], names, c.is_list))
        if name == "facts":
            metrics = load_metrics()
            kinds = frame["metric"].map(dict(zip(metrics["metric"], metrics["kind"], strict=True)))
            _insert_after(frame, "metric", "kind", _categorical(kinds, "metric_kind"))
            frame = _facts_periods_and_cny(frame)
        if name == "events":
            frame = _event_windows(frame)
        for column, c in spec.columns.items():
            if c.vocabulary and not c.is_list:
                frame[column] = _categorical(frame[column], c.vocabulary)
    frame.attrs = attrs | {
        "view": True,
        "columns": ColumnMeanings(attrs.get("columns", {})) | {col: c.description for col, c in derived.items()},
    }
    return frame


def facts_view() -> pd.DataFrame:
    """The analysis view of the facts (:func:`view` ``("facts")``): ``kind``, Chinese province names,
    the period as dates, amounts in CNY, categoricals."""
    return view("facts")


def long_form(frame: pd.DataFrame, column: str, *, dropna: bool = False) -> pd.DataFrame:
    """One row per item of a ``|``-list column (fact × partner, initiative × mechanism …).

    Unlike ``frame[column].str.split("|").explode()``, the other columns keep
    their dtypes and the item column stays ``string`` (a ``category`` with
    the whole vocabulary when the column has one, e.g. ``mechanism``,
    ``sectors``). The Chinese companion column of a view (``partner_zh`` for
    ``partner``) is split alongside, so each row's two names match. The index
    is renumbered; ``attrs`` is kept, with ``attrs["long_form"] = column``.

    Args:
        frame: a table or view holding ``column``.
        column: the list column to split.
        dropna: drop the rows whose list is empty; by default they stay, with
            a missing item, so that no row of ``frame`` disappears.

    Raises:
        KeyError: ``frame`` has no column ``column``.
    """
    import pandas as pd

    if column not in frame.columns:
        raise KeyError(f"no column {column!r}; the list columns here are {_list_columns(frame)}")
    columns = [column]
    companion = _zh_name(column)
    if companion in frame.columns and companion != column:
        columns.append(companion)
    out = frame.copy()
    for c in columns:
        out[c] = out[c].map(lambda cell: cell.split(LIST_SEP) if isinstance(cell, str) else [pd.NA])
    out = out.explode(columns, ignore_index=True)
    vocabulary = _vocabulary_of(frame, column)
    for c in columns:
        out[c] = _categorical(out[c], vocabulary) if vocabulary and c == column else out[c].astype(frame[c].dtype)
    if dropna:
        out = out[out[column].notna()].reset_index(drop=True)
    out.attrs = frame.attrs | {"long_form": column}
    return out


def _list_columns(frame: pd.DataFrame) -> list[str]:
    table = TABLES.get(str(frame.attrs.get("table")))
    if table is None:
        return []
    return [c for c, spec in table.columns.items() if spec.is_list and c in frame.columns]


def _vocabulary_of(frame: pd.DataFrame, column: str) -> str | None:
    table = TABLES.get(str(frame.attrs.get("table")))
    if table is None or column not in table.columns:
        return None
    return table.columns[column].vocabulary
