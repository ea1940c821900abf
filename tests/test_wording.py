"""Words for readers: qualifiers as words chosen by the source's marker, dates as precise as the source."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from coop_analysis import wording
from coop_analysis.datasets import load_facts

NAN = math.nan


def _fact(
    value: float, unit: str, qualifier: str, low: float = NAN, high: float = NAN, raw: str = ""
) -> SimpleNamespace:
    return SimpleNamespace(value=value, unit=unit, qualifier=qualifier, low=low, high=high, raw=raw)


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        (_fact(2000, "项", "over", 2000, raw="超过2000项"), "more than 2,000"),
        (_fact(11000, "人", "over", 11000, raw="1.1万余人"), "more than 11,000"),
        (_fact(50, "家", "over", 50, raw="至少50家"), "at least 50"),
        (_fact(600_000, "USD", "approx", raw="约60万美元"), "about US$600,000"),
        (_fact(200_000, "USD", "nearly", high=200_000, raw="近20万美元"), "nearly US$200,000"),
        (_fact(1.17e9, "CNY", "exact"), "CNY 1.17 bn"),
        (_fact(6.8e6, "CNY", "approx"), "about CNY 6.8 m"),
        (_fact(15, "批", "range", 11, 19, raw="十几批"), "11–19"),
        (_fact(20, "percent", "over", 20, raw="20%以上"), "more than 20%"),
        (_fact(40, "bp", "up_to", high=40, raw="最高40个基点"), "up to 40 bp"),
        (_fact(100, "家", "up_to", high=100, raw="不到100家"), "under 100"),
        (_fact(7, "名", "exact"), "7"),
        (_fact(8800.5, "人", "exact"), "8,800.5"),
    ],
)
def test_format_quantity_writes_the_qualifier_as_words(fact: SimpleNamespace, text: str) -> None:
    assert wording.format_quantity(fact, "en") == text


def test_format_quantity_in_chinese_is_the_source_wording() -> None:
    assert wording.format_quantity(_fact(11000, "人", "over", 11000, raw="1.1万余人"), "zh") == "1.1万余人"


def test_qualifier_words_default_without_a_marker() -> None:
    assert wording.qualifier_words("over") == "more than"
    assert wording.qualifier_words("up_to", float("nan")) == "up to"
    assert wording.qualifier_words("exact", "共计5项") == ""
    assert wording.qualifier_words("range", "3至5") == ""


def test_every_curated_fact_formats_with_its_qualifier() -> None:
    words = {"approx": ("about ",), "nearly": ("nearly ",), "over": ("more than ", "at least "),
             "up_to": ("up to ", "under ")}  # fmt: skip
    for fact in load_facts().itertuples(index=False):
        text = wording.format_quantity(fact, "en")
        if fact.qualifier in words:
            assert text.startswith(words[fact.qualifier]), (fact.fact_id, text)
        elif fact.qualifier == "range":
            assert "–" in text, (fact.fact_id, text)
        else:
            assert not text.startswith(("about", "nearly", "more", "at least", "up to", "under")), (fact.fact_id, text)
        assert not text.startswith(("≈", "<", ">", "≤")), (fact.fact_id, text)
        assert wording.format_quantity(fact, "zh") == fact.raw


@pytest.mark.parametrize(
    ("date", "precision", "en", "zh"),
    [
        ("2025-03-26", "day", "26 Mar 2025", "2025年3月26日"),
        ("2025-03", "month", "Mar 2025", "2025年3月"),
        ("2025-03", "early_month", "early Mar 2025", "2025年3月初"),
        ("2024-11", "end_month", "end of Nov 2024", "2024年11月底"),
        ("2025", "year", "2025", "2025年"),
    ],
)
def test_format_date_is_as_precise_as_the_source(date: str, precision: str, en: str, zh: str) -> None:
    assert wording.format_date(date, precision, "en") == en
    assert wording.format_date(date, precision, "zh") == zh


@pytest.mark.parametrize("lang", ["fr", "", None, "EN"])
def test_check_lang_names_the_parameter(lang: object) -> None:
    with pytest.raises(ValueError, match=r"lang: expected one of \['en', 'zh'\]"):
        wording.check_lang(lang)


def test_counts_agree_in_number() -> None:
    assert wording.count_label(1, "initiative") == "1 initiative"
    assert wording.count_label(0, "source") == "0 sources"
    assert wording.count_label(3, "city", "cities") == "3 cities"


def test_join_and_labels() -> None:
    assert wording.join(["a", "b", "c"], "en") == "a, b and c"
    assert wording.join(["甲", "乙"], "zh", together=True) == "甲、乙合计"
    assert wording.region_label("west", "en") == "western"
    assert wording.mechanism_label("science_enclave", "zh") == "科创飞地"
    assert wording.sector_label("unknown_sector", "en") == "unknown sector"
