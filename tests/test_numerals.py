"""read_number (coop_analysis/numerals.py): numbers with their scale words, strictly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_analysis.errors import QuantityError
from coop_analysis.numerals import read_number


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("1,234.5", 1234.5, 1234.5), ("12，000", 12000, 12000), ("1.17亿", 1.17e8, 1.17e8),
        ("1.5万亿", 1.5e12, 1.5e12), ("3亿5000万", 3.5e8, 3.5e8), ("1万2345", 12345, 12345),
        ("2万5千", 25000, 25000), ("3千5百万", 3.5e7, 3.5e7),
        ("三千零五", 3005, 3005), ("十二", 12, 12), ("一千零十", 1010, 1010), ("三千五", 3500, 3500),
        ("一百二", 120, 120), ("一万五", 15000, 15000), ("三千五十", 3050, 3050), ("一万两百", 10200, 10200),
        ("一亿两千三百", 100002300, 100002300), ("一亿零五百万", 1.05e8, 1.05e8), ("两万亿", 2e12, 2e12),
        ("壹佰贰拾叁", 123, 123), ("拾万", 1e5, 1e5), ("〇", 0, 0),
        ("三点二万", 32000, 32000), ("七点零五亿", 7.05e8, 7.05e8), ("七点五千亿", 7.5e11, 7.5e11),
        ("十几", 11, 19), ("几十", 10, 90), ("一百几十", 110, 190), ("数十亿", 1e9, 9e9),
        ("五六", 5, 6), ("十五六", 15, 16), ("二十七八", 27, 28), ("七八十", 70, 80), ("三四百万", 3e6, 4e6),
        ("一百二三十", 120, 130), ("三五", 3, 5), ("一两", 1, 2),
        ("千", 1000, 1000), ("百万", 1e6, 1e6),  # bare scale words: the caller decides if they may stand alone
    ],
)  # fmt: skip
def test_read_number(text: str, low: float, high: float) -> None:
    assert read_number(text) == (low, high)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("二〇二三", "one by one"), ("五七", "one after another"), ("一二三", "one after another"),
        ("一亿五千", "may be"), ("十万五", "abbreviated"), ("5万3", "ambiguous"), ("1万234", "ambiguous"),
        ("3亿5", "ambiguous"), ("3千5", "abbreviated"), ("1,2345", "separators"), ("二十两", "两"), ("两十", "两十"),
        ("千百", "not a scale word"), ("1" * 16, "significant digits"), ("1" * 400, "longer"), ("九" * 309, "longer"),
        ("点五", "点"), ("一百零", "trailing 零"), ("一百几", "几"),
    ],
)  # fmt: skip
def test_refused(text: str, why: str) -> None:
    with pytest.raises(QuantityError, match=why):
        read_number(text)


@given(st.text(alphabet="0123456789,.万亿千百十零〇一二两三四五六七八九壹贰叁拾佰仟几数点兆", max_size=30))
def test_never_anything_but_a_reading_or_quantity_error(text: str) -> None:
    try:
        low, high = read_number(text)
    except QuantityError:
        return
    assert low <= high and low == low and high != float("inf")
