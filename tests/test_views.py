"""Analysis views: derived columns, categoricals, long form; the curated tables are untouched."""

from __future__ import annotations

import pandas as pd
import pytest

import coop_analysis as ca
from coop_analysis.datasets import load_table
from coop_analysis.schemas import LIST_SEP, TABLES, VOCABULARIES
from coop_analysis.views import derived_columns


@pytest.mark.parametrize("name", [*TABLES, "sources"])
def test_view_adds_columns_and_changes_no_value(name: str) -> None:
    table = ca.load_sources() if name == "sources" else load_table(name)
    view = ca.view(name)
    assert len(view) == len(table)
    assert [c for c in view.columns if c in table.columns] == list(table.columns)
    assert set(view.columns) - set(table.columns) == set(derived_columns(name))
    for column in table.columns:
        pd.testing.assert_series_equal(view[column].astype(table[column].dtype), table[column])
    assert view.attrs["view"] is True and view.attrs["table"] == name
    assert set(view.attrs["columns"]) == set(view.columns)


def test_loaders_stay_as_curated() -> None:
    """Internal users (profiles, narrative, validate) keep the file's columns and dtypes."""
    facts = ca.load_facts()
    assert list(facts.columns) == list(TABLES["facts"].columns)
    assert facts["qualifier"].dtype == "string"


def test_money_facts_without_a_merge() -> None:
    facts = ca.facts_view()
    merged = ca.load_facts().merge(ca.load_metrics()[["metric", "kind"]], on="metric", how="left")
    assert list(facts["kind"].astype("string")) == list(merged["kind"])
    money = facts[facts["kind"] == "money"]
    assert len(money) > 0 and set(money["unit"]) <= {"CNY", "USD", "EUR", "HKD", "JPY", "GBP"}


def test_vocabulary_columns_are_categoricals_with_the_whole_vocabulary() -> None:
    facts = ca.facts_view()
    assert list(facts["qualifier"].cat.categories) == list(VOCABULARIES["qualifier"])
    assert list(facts["kind"].cat.categories) == list(VOCABULARIES["metric_kind"])
    assert list(ca.view("organizations")["type"].cat.categories) == list(VOCABULARIES["org_type"])
    assert ca.view("events")["date_precision"].dtype == "category"


def test_chinese_province_names() -> None:
    facts = ca.facts_view()
    short = dict(zip(ca.load_provinces()["name_en"], ca.load_provinces()["short_zh"], strict=True))
    assert list(facts["province_zh"]) == [short[p] for p in facts["province"]]
    for en, zh in zip(facts["partner"], facts["partner_zh"], strict=True):
        assert (pd.isna(en) and pd.isna(zh)) or zh == LIST_SEP.join(short[p] for p in en.split(LIST_SEP))
    pairs = ca.view("pairings")
    assert {"east_province_zh", "west_province_zh"} <= set(pairs.columns)
    assert "province_zh" in ca.view("places").columns  # from province_en
    assert ca.describe("facts").set_index("column").loc["province_zh", "origin"] == "view"


def test_long_form_one_row_per_item_with_the_same_dtypes() -> None:
    facts = ca.facts_view()
    long = ca.long_form(facts, "partner")
    n_items = sum(len(p.split(LIST_SEP)) if isinstance(p, str) else 1 for p in facts["partner"])
    assert len(long) == n_items
    assert long.dtypes.drop(["partner", "partner_zh"]).equals(facts.dtypes.drop(["partner", "partner_zh"]))
    assert long["partner"].dtype == "string" and long["partner_zh"].dtype == "string"
    assert not long["partner"].dropna().str.contains(LIST_SEP, regex=False).any()
    short = dict(zip(ca.load_provinces()["name_en"], ca.load_provinces()["short_zh"], strict=True))
    for en, zh in zip(long["partner"], long["partner_zh"], strict=True):
        assert (pd.isna(en) and pd.isna(zh)) or short[en] == zh  # split alongside
    assert set(long["fact_id"]) == set(facts["fact_id"])  # a fact without partner keeps a row
    dropped = ca.long_form(facts, "partner", dropna=True)
    assert len(dropped) == len(long) - int(facts["partner"].isna().sum())
    assert long.attrs["long_form"] == "partner"


def test_long_form_of_a_vocabulary_list_is_categorical() -> None:
    ini = ca.view("initiatives")
    mech = ca.long_form(ini, "mechanism")
    assert list(mech["mechanism"].cat.categories) == list(VOCABULARIES["mechanism"])
    expected = sorted(m for cell in ini["mechanism"] for m in cell.split(LIST_SEP))
    assert sorted(mech["mechanism"].astype(str)) == expected
    sectors = ca.long_form(ca.load_initiatives(), "sectors")  # works on a loaded table too
    assert sectors["sectors"].dtype == "category"


def test_long_form_unknown_column() -> None:
    with pytest.raises(KeyError, match="partner"):
        ca.long_form(ca.facts_view(), "partners")


def test_money_in_cny_from_the_exchange_rates() -> None:
    facts = ca.facts_view()
    money = facts[facts["kind"] == "money"]
    cny = money[money["unit"] == "CNY"]
    assert (cny["conversion"] == "cny").all() and (cny["value_cny"] == cny["value"]).all()
    rates = ca.load_exchange_rates().set_index(["currency", "year"])["cny_per_unit"]
    foreign = money[money["unit"] != "CNY"]
    assert len(foreign) > 0
    for row in foreign.itertuples(index=False):
        assert row.conversion == "converted" and row.rate_year == row.period_year
        assert row.value_cny == row.value * rates[(row.unit, row.period_year)]  # the table's rate, nothing else
    assert facts.loc[facts["kind"] != "money", "value_cny"].isna().all()
    assert set(facts.loc[facts["kind"] != "money", "conversion"]) == {"not_money"}


def test_period_parsed_whatever_its_precision() -> None:
    facts = ca.facts_view()
    assert str(facts["period_last"].dtype).startswith("datetime64")
    assert (facts["period_last"].dt.year == facts["period_year"]).all()
    assert set(facts["period_precision"]) <= {"year", "month", "day"} and facts["period_precision"].nunique() > 1
    for row in facts.itertuples(index=False):
        assert str(row.period_last.date()).startswith(row.period_end)  # 2025 → 2025-12-31, 2025-02 → 2025-02-28
        if isinstance(row.period_start, str):
            assert str(row.period_first.date()).startswith(row.period_start)
        else:
            assert pd.isna(row.period_first)
    facts.sort_values("period_last")  # no mixed-precision error, unlike pd.to_datetime on the strings


def test_event_windows() -> None:
    events = ca.view("events")
    assert (events["date_first"] <= events["date_last"].fillna(events["date_first"])).all()
    assert events["date_first"].notna().all()
