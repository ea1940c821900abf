"""money.to_cny and its helpers, on a tiny invented rate table (tests/fixtures/exchange_rates_small.csv)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from coop_analysis import money
from coop_analysis.datasets import read_and_validate
from coop_analysis.errors import MissingRateError

FIXTURE = Path(__file__).parent / "fixtures" / "exchange_rates_small.csv"


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    return read_and_validate("exchange_rates", FIXTURE)


def _frame(**columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame(columns, index=[f"r{i}" for i in range(len(next(iter(columns.values()))))])


def test_fixture_is_a_sound_rate_table(rates: pd.DataFrame) -> None:
    assert money.check_rates(rates) == []


def test_converts_value_and_bounds_at_the_year_rate(rates: pd.DataFrame) -> None:
    facts = _frame(unit=["USD", "EUR", "JPY"], value=[600000.0, 10.0, 1000.0], low=[600000.0, None, None],
                   high=[None, 10.0, 2000.0], year=[2024, 2023, 2023])  # fmt: skip
    out = money.to_cny(facts, rates)
    assert out["value_cny"].tolist() == pytest.approx([4_320_000.0, 77.0, 50.0])
    assert out["low_cny"].iloc[0] == pytest.approx(4_320_000.0)
    assert out["low_cny"].iloc[1:].isna().all()
    assert out["high_cny"].tolist()[1:] == pytest.approx([77.0, 100.0])
    assert out["cny_rate"].tolist() == pytest.approx([7.2, 7.7, 0.05])
    assert out["rate_year"].tolist() == [2024, 2023, 2023]
    assert out["rate_source"].tolist() == ["test fixture"] * 3
    assert out["conversion"].tolist() == ["converted"] * 3


def test_cny_converts_at_one_and_other_units_are_not_money(rates: pd.DataFrame) -> None:
    facts = _frame(unit=["CNY", "项", "percent"], value=[3e8, 39.0, 20.0], low=[3e8, 39.0, 20.0],
                   high=[None, 39.0, 20.0], year=[None, 2023, 2023])  # fmt: skip
    out = money.to_cny(facts, rates)
    assert out["value_cny"].iloc[0] == 3e8
    assert out["cny_rate"].iloc[0] == 1.0
    assert out["conversion"].tolist() == ["cny", "not_money", "not_money"]
    assert out[["value_cny", "cny_rate"]].iloc[1:].isna().all().all()
    assert out["rate_year"].isna().all()  # no rate was looked up for any of them


def test_missing_rate_or_year_is_flagged_never_guessed(rates: pd.DataFrame) -> None:
    facts = _frame(unit=["EUR", "GBP", "USD", "USD"], value=[1.0, 1.0, 1.0, 1.0], low=[1.0] * 4,
                   high=[1.0] * 4, year=[2024, 2023, None, 2019])  # fmt: skip
    out = money.to_cny(facts, rates)
    assert out["conversion"].tolist() == ["no_rate", "no_rate", "no_year", "no_rate"]
    assert out[["value_cny", "low_cny", "high_cny", "cny_rate"]].isna().all().all()
    assert out["rate_source"].isna().all()


def test_input_is_untouched_and_index_kept(rates: pd.DataFrame) -> None:
    facts = _frame(unit=["USD"], value=[1.0], low=[1.0], high=[1.0], year=[2023])
    before = facts.copy()
    out = money.to_cny(facts, rates)
    pd.testing.assert_frame_equal(facts, before)
    assert list(out.index) == ["r0"]
    assert list(out.columns[: len(facts.columns)]) == list(facts.columns)


def test_other_column_names(rates: pd.DataFrame) -> None:
    frame = _frame(currency=["JPY"], amount=[200.0], period_end=[2023])
    out = money.to_cny(frame, rates, year_column="period_end", unit_column="currency", value_columns=["amount"])
    assert out["amount_cny"].item() == pytest.approx(10.0)


def test_bad_columns_are_named(rates: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="'year'"):
        money.to_cny(_frame(unit=["USD"], value=[1.0], low=[1.0], high=[1.0]), rates)
    with pytest.raises(ValueError, match="'year' must hold whole years"):
        money.to_cny(_frame(unit=["USD"], value=[1.0], low=[1.0], high=[1.0], year=["2023-05"]), rates)


def test_cny_rate(rates: pd.DataFrame) -> None:
    assert money.cny_rate("CNY", 1990, rates) == 1.0
    assert money.cny_rate("EUR", 2023, rates) == pytest.approx(7.7)
    with pytest.raises(MissingRateError, match=r"'EUR' in 2024.*EUR for 2023–2023"):
        money.cny_rate("EUR", 2024, rates)
    with pytest.raises(LookupError, match="'RUB' in 2023"):
        money.cny_rate("RUB", 2023, rates)


@pytest.mark.parametrize(("start", "end", "year"), [(2021, 2025, 2025), (2024, None, 2024), (None, None, None)])
def test_rate_year_is_the_end_year(start: int | None, end: int | None, year: int | None) -> None:
    assert money.rate_year(start, end) == year


@pytest.mark.parametrize(
    ("unit", "money_"), [("USD", True), ("CNY", True), ("pp", False), ("项", False), (None, False)]
)
def test_is_money_unit(unit: object, money_: bool) -> None:
    assert money.is_money_unit(unit) is money_


def test_check_rates_finds_each_kind_of_problem(rates: pd.DataFrame) -> None:
    broken = pd.concat([rates, rates.iloc[[0]]], ignore_index=True)
    broken.loc[2, "cny_per_unit"] = 0.07  # JPY: 7.0 / 140 is 0.05
    broken.loc[1, "cny_per_usd"] = 7.1  # EUR row disagrees with its year's USD base
    cny = rates.iloc[[0]].assign(currency="CNY")
    problems = money.check_rates(pd.concat([broken, cny], ignore_index=True), where="x.csv")
    text = "\n".join(problems)
    assert "duplicate (year, currency) 2023, USD" in text
    assert "line 4 (2023 JPY), column 'cny_per_unit': expected 0.05" in text
    assert "year 2023 has different cny_per_usd values" in text
    assert "no CNY row expected" in text
