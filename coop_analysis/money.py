"""Money on one scale: convert amounts to CNY at annual average exchange rates.

The rates are ``data/reference/exchange_rates.csv`` (:func:`load_exchange_rates`):
CNY per 1 unit of a foreign currency, one row per calendar year and currency.

Conversion rule: an amount converts at the rate of **the year of its period**;
for a period spanning several years (a cumulative figure, 2021–2025) that is the
**end year**, the year the figure is reported as of (:func:`rate_year`). CNY
converts at 1. A foreign amount whose year or rate is missing is flagged
(``conversion == "no_rate"`` or ``"no_year"``) and gets no CNY value: a rate is
never guessed, borrowed from a neighbouring year or made up. Converted figures
must be labelled as converted wherever they are shown; the stated amount and
currency stay what the source says.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from coop_analysis.errors import MissingRateError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

__all__ = [
    "CNY",
    "CONVERSION_STATUSES",
    "check_rates",
    "cny_rate",
    "is_money_unit",
    "rate_year",
    "to_cny",
]

CNY = "CNY"
#: values of the ``conversion`` column added by :func:`to_cny`
CONVERSION_STATUSES = {
    "cny": "stated in CNY (rate 1)",
    "converted": "foreign currency converted at the annual average rate of rate_year",
    "no_rate": "foreign currency, but exchange_rates.csv has no rate for it in that year",
    "no_year": "foreign currency, but the figure has no year to take a rate from",
    "not_money": "the unit is not a currency",
}
_ISO = re.compile(r"^[A-Z]{3}$")
_REL_TOL = 1e-5  # cny_per_unit is stored to 6 significant digits


def is_money_unit(unit: object) -> bool:
    """Whether ``unit`` is an ISO 4217 currency code (facts store money as ``CNY``, ``USD`` …)."""
    return isinstance(unit, str) and bool(_ISO.match(unit))


def rate_year(start: int | None, end: int | None = None) -> int | None:
    """The year whose rate converts a figure for the period ``start``–``end``: the end year.

    A one-year period (or one without an end) uses its start; no year at all gives None.
    """
    if end is not None:
        return int(end)
    return None if start is None else int(start)


def _rates(rates: pd.DataFrame | None) -> pd.DataFrame:
    if rates is not None:
        return rates
    from coop_analysis.datasets import load_exchange_rates

    return load_exchange_rates()


def _lookup(rates: pd.DataFrame) -> dict[tuple[str, int], tuple[float, str]]:
    return {
        (str(c), int(y)): (float(r), str(s))
        for c, y, r, s in zip(rates["currency"], rates["year"], rates["cny_per_unit"], rates["source"], strict=True)
    }


def cny_rate(currency: str, year: int, rates: pd.DataFrame | None = None) -> float:
    """CNY per 1 unit of ``currency`` in ``year`` (1.0 for CNY); raises :class:`MissingRateError` if absent."""
    if currency == CNY:
        return 1.0
    table = _rates(rates)
    found = _lookup(table).get((currency, int(year)))
    if found is None:
        years = [int(y) for y in table.loc[table["currency"] == currency, "year"]]
        raise MissingRateError(currency, year, years or None)
    return found[0]


def _convert_one(unit: object, year: int | None, lookup: dict[tuple[str, int], tuple[float, str]]) -> tuple:
    """(CNY per unit or NaN, rate source or None, conversion status) for one row."""
    nan = float("nan")
    if not is_money_unit(unit):
        return nan, None, "not_money"
    if unit == CNY:
        return 1.0, None, "cny"
    if year is None:
        return nan, None, "no_year"
    hit = lookup.get((str(unit), year))
    if hit is None:
        return nan, None, "no_rate"
    return hit[0], hit[1], "converted"


def to_cny(
    frame: pd.DataFrame,
    rates: pd.DataFrame | None = None,
    *,
    year_column: str = "year",
    unit_column: str = "unit",
    value_columns: Sequence[str] = ("value", "low", "high"),
) -> pd.DataFrame:
    """Return a copy of ``frame`` with its amounts in CNY beside the stated ones.

    Args:
        frame: rows with a unit (ISO 4217 code for money) and one or more amount columns.
        rates: the exchange-rate table (default: :func:`load_exchange_rates`).
        year_column: the year whose rate applies (for a period, its end year: :func:`rate_year`).
        unit_column: the currency (or other unit) of each row.
        value_columns: amount columns to convert; each gets a ``<name>_cny`` column.

    Returns:
        The frame plus ``<value>_cny`` (float64; NaN where not converted), ``cny_rate`` (float64,
        CNY per unit used), ``rate_year`` (Int64), ``rate_source`` (string) and ``conversion``
        (string, one of :data:`CONVERSION_STATUSES`). Rows that are not money keep NaN.
    """
    import pandas as pd

    missing = [c for c in [year_column, unit_column, *value_columns] if c not in frame.columns]
    if missing:
        raise KeyError(f"to_cny: frame has no column(s) {missing}; columns are {list(frame.columns)}")
    lookup = _lookup(_rates(rates))
    try:
        years = pd.to_numeric(frame[year_column], errors="raise").astype("Int64")
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"to_cny: column {year_column!r} must hold whole years (e.g. 2024) or be empty: {exc}"
        ) from exc
    year_list = [None if pd.isna(y) else int(y) for y in years]
    found = [_convert_one(unit, year, lookup) for unit, year in zip(frame[unit_column], year_list, strict=True)]
    factor = [f for f, _, _ in found]
    source = [s for _, s, _ in found]
    status = [c for _, _, c in found]
    out = frame.copy()
    rate = pd.Series(factor, index=frame.index, dtype="float64")
    for col in value_columns:
        out[f"{col}_cny"] = pd.to_numeric(frame[col], errors="raise").astype("float64") * rate
    out["cny_rate"] = rate
    out["rate_year"] = years.where(pd.Series(status, index=frame.index) == "converted")
    out["rate_source"] = pd.Series(source, index=frame.index, dtype="string")
    out["conversion"] = pd.Series(status, index=frame.index, dtype="string")
    return out


def check_rates(rates: pd.DataFrame, where: str = "data/reference/exchange_rates.csv") -> list[str]:
    """Integrity problems of the exchange-rate table (beyond its schema); empty when sound.

    One row per (year, currency); no CNY row (CNY converts at 1); a year's rows share one
    ``cny_per_usd``; the USD row's rate is ``cny_per_usd`` itself; every other row's
    ``cny_per_unit`` is the cross rate its published ``usd_quote`` gives (to 6 digits).
    """
    import pandas as pd

    problems: list[str] = []
    dup = rates.duplicated(["year", "currency"], keep=False)
    for idx in rates.index[dup]:
        problems.append(f"{where}, line {idx + 2}: duplicate (year, currency) {rates.at[idx, 'year']}, "
                        f"{rates.at[idx, 'currency']}; expected one row per year and currency")  # fmt: skip
    for year, group in rates.groupby("year"):
        if group["cny_per_usd"].nunique() > 1:
            problems.append(f"{where}: year {year} has different cny_per_usd values {sorted(group['cny_per_usd'])}")
    for idx, row in rates.iterrows():
        line = f"{where}, line {int(idx) + 2} ({row['year']} {row['currency']})"
        if row["currency"] == CNY:
            problems.append(f"{line}: no CNY row expected (CNY converts at 1)")
            continue
        basis, quote = row["usd_quote_basis"], row["usd_quote"]
        if row["currency"] == "USD":
            if not (pd.isna(basis) and pd.isna(quote)):
                problems.append(f"{line}: the USD row takes no usd_quote or usd_quote_basis")
            expected = row["cny_per_usd"]
        elif pd.isna(quote):
            problems.append(f"{line}, column 'usd_quote': expected the published figure for {row['currency']}")
            continue
        elif basis == "usd_per_unit":
            expected = row["cny_per_usd"] * quote
        elif basis == "units_per_usd":
            expected = row["cny_per_usd"] / quote
        else:
            problems.append(f"{line}, column 'usd_quote_basis': expected units_per_usd or usd_per_unit, got {basis!r}")
            continue
        if not abs(row["cny_per_unit"] - expected) <= _REL_TOL * abs(expected):
            problems.append(
                f"{line}, column 'cny_per_unit': expected {expected:.6g} (from cny_per_usd {row['cny_per_usd']} "
                f"and usd_quote {quote} {basis}), got {row['cny_per_unit']}"
            )
    return problems
