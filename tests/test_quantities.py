from __future__ import annotations

import math
import re
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_analysis import Quantity, QuantityError, parse_quantity

N = None
# text, value, unit, qualifier, low, high — one row per form of the contract
PARSE_CASES = [
    # plain numbers, scales, separators, numeral systems
    ("39项", 39, "项", "exact", 39, 39),
    ("39 项", 39, "项", "exact", 39, 39),
    ("39\n项", 39, "项", "exact", 39, 39),
    ("１２家", 12, "家", "exact", 12, 12),
    ("1,200人", 1200, "人", "exact", 1200, 1200),
    ("12，000元", 12000, "CNY", "exact", 12000, 12000),
    ("1.1万人", 11000, "人", "exact", 11000, 11000),
    ("11.7亿元", 1.17e9, "CNY", "exact", 1.17e9, 1.17e9),
    ("2万亿元", 2e12, "CNY", "exact", 2e12, 2e12),
    ("5千万元", 5e7, "CNY", "exact", 5e7, 5e7),
    ("五十家", 50, "家", "exact", 50, 50),
    ("两批", 2, "批", "exact", 2, 2),
    ("七家", 7, "家", "exact", 7, 7),
    ("一万一千名", 11000, "名", "exact", 11000, 11000),
    ("〇个", 0, "个", "exact", 0, 0),
    ("两万人次", 20000, "人次", "exact", 20000, 20000),
    ("三千零五吨", 3005, "吨", "exact", 3005, 3005),
    # money
    ("20万美元", 2e5, "USD", "exact", 2e5, 2e5),
    ("3亿欧元", 3e8, "EUR", "exact", 3e8, 3e8),
    ("500万港元", 5e6, "HKD", "exact", 5e6, 5e6),
    ("100万日元", 1e6, "JPY", "exact", 1e6, 1e6),
    ("50亿人民币", 5e9, "CNY", "exact", 5e9, 5e9),
    # shares, points
    ("30%", 30, "percent", "exact", 30, 30),
    ("３０％", 30, "percent", "exact", 30, 30),
    ("百分之三十", 30, "percent", "exact", 30, 30),
    ("2个百分点", 2, "pp", "exact", 2, 2),
    ("40个基点", 40, "bp", "exact", 40, 40),
    ("25基点", 25, "bp", "exact", 25, 25),
    # other units as written
    ("500亩", 500, "亩", "exact", 500, 500),
    ("3年", 3, "年", "exact", 3, 3),
    ("6个月", 6, "个月", "exact", 6, 6),
    # qualifiers: exact markers
    ("达11.7亿元", 1.17e9, "CNY", "exact", 1.17e9, 1.17e9),
    ("共计86项", 86, "项", "exact", 86, 86),
    # approx
    ("约60万美元", 6e5, "USD", "approx", N, N),
    ("大约3亿元", 3e8, "CNY", "approx", N, N),
    ("5万元左右", 5e4, "CNY", "approx", N, N),
    ("100人上下", 100, "人", "approx", N, N),
    # nearly
    ("近20万美元", 2e5, "USD", "nearly", N, 2e5),
    ("近 20万美元", 2e5, "USD", "nearly", N, 2e5),
    ("将近50人", 50, "人", "nearly", N, 50),
    ("接近3亿元", 3e8, "CNY", "nearly", N, 3e8),
    # over
    ("超过2000项", 2000, "项", "over", 2000, N),
    ("逾百家", 100, "家", "over", 100, N),
    ("1.1万余人", 11000, "人", "over", 11000, N),
    ("20余家", 20, "家", "over", 20, N),
    ("20余万元", 2e5, "CNY", "over", 2e5, N),
    ("300多万美元", 3e6, "USD", "over", 3e6, N),
    ("10余亿元", 1e9, "CNY", "over", 1e9, N),
    ("三十余万人", 3e5, "人", "over", 3e5, N),
    ("100多家", 100, "家", "over", 100, N),
    ("20%以上", 20, "percent", "over", 20, N),
    ("至少5项", 5, "项", "over", 5, N),
    ("不少于10家", 10, "家", "over", 10, N),
    ("逾3000人", 3000, "人", "over", 3000, N),
    # up to
    ("最高可达90%", 90, "percent", "up_to", N, 90),
    ("最高可达 90%", 90, "percent", "up_to", N, 90),
    ("最高500万元", 5e6, "CNY", "up_to", N, 5e6),
    ("最多3家", 3, "家", "up_to", N, 3),
    ("不超过5年", 5, "年", "up_to", N, 5),
    ("不到1万元", 1e4, "CNY", "up_to", N, 1e4),
    ("不足100人", 100, "人", "up_to", N, 100),
    ("50人以内", 50, "人", "up_to", N, 50),
    # ranges (value = midpoint)
    ("3至5家", 4, "家", "range", 3, 5),
    ("1万-5万元", 3e4, "CNY", "range", 1e4, 5e4),
    ("1-5万元", 3e4, "CNY", "range", 1e4, 5e4),
    ("两到三万人", 2.5e4, "人", "range", 2e4, 3e4),
    ("10%-20%", 15, "percent", "range", 10, 20),
    ("十几批", 15, "批", "range", 11, 19),
    ("二十几家", 25, "家", "range", 21, 29),
    ("几十家", 50, "家", "range", 10, 90),
    ("数百人", 500, "人", "range", 100, 900),
    ("十几万元", 1.5e5, "CNY", "range", 1.1e5, 1.9e5),
]


@pytest.mark.parametrize(("text", "value", "unit", "qualifier", "low", "high"),
                         [c for c in PARSE_CASES if c[1] is not None])  # fmt: skip
def test_parse_quantity_contract(text: str, value: float, unit: str, qualifier: str, low: float, high: float) -> None:
    q = parse_quantity(text)
    assert isinstance(q, Quantity)
    assert q.value == pytest.approx(value)
    assert (q.unit, q.qualifier) == (unit, qualifier)
    assert (q.low is None) == (low is None) and (q.high is None) == (high is None)
    if low is not None:
        assert q.low == pytest.approx(low)
    if high is not None:
        assert q.high == pytest.approx(high)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "项目", "2024年", "2023-2025年", "第二届", "首批", "3月26日", "颜料红254", "紫23",
     "39项目标", "约", "5G", "10:30", "1万余万元"],
)  # fmt: skip
def test_not_a_quantity(text: str) -> None:
    with pytest.raises(QuantityError) as err:
        parse_quantity(text)
    assert repr(text) in str(err.value)
    assert isinstance(err.value, ValueError)


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(QuantityError, match="expected a string"):
        parse_quantity(39)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_numerals_round_trip(n: int) -> None:
    words = cn2an.an2cn(n, "low")
    if n >= 10**8 and (n // 10**4) % 10**4 == 0 and n % 10**4 >= 1000:
        # cn2an leaves out the 零 after 亿 here (100,005,000 → 一亿五千, not 一亿零五千), which
        # also reads as 一亿五千万 (150,000,000): refused as ambiguous, never misread
        with pytest.raises(QuantityError, match="may be"):
            parse_quantity(f"{words}家")
        return
    assert parse_quantity(f"{words}家").value == n


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separators(n: int) -> None:
    assert parse_quantity(f"{n:,}元").value == n
    assert parse_quantity(f"{n:,}元".replace(",", "，")).value == n


@given(st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False),
       st.sampled_from([("万", 1e4), ("亿", 1e8), ("万亿", 1e12), ("", 1.0)]))  # fmt: skip
def test_scaling(x: object, scale: tuple[str, float]) -> None:
    word, factor = scale
    q = parse_quantity(f"{x}{word}元")
    assert q.unit == "CNY"
    assert math.isclose(q.value, float(x) * factor, rel_tol=1e-9)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**6))
def test_fullwidth_digits(n: int) -> None:
    full = str(n).translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    assert parse_quantity(f"{full}人").value == n


# ------------------------------------------------------------------ the 2026-11-28 extensions

# one or more rows per form class of the extended contract (README, "Quantities")
EXTENDED_CASES = [
    # 点 decimals
    ("三点二万美元", 32000, "USD", "exact", 32000, 32000),
    ("百分之四点七", 4.7, "percent", "exact", 4.7, 4.7),
    ("十二点五亿元", 1.25e9, "CNY", "exact", 1.25e9, 1.25e9),
    # negatives
    ("-2.1%", -2.1, "percent", "exact", -2.1, -2.1),
    ("负百分之十二", -12, "percent", "exact", -12, -12),
    ("负1200万美元", -1.2e7, "USD", "exact", -1.2e7, -1.2e7),
    ("-3%至-1%", -2, "percent", "range", -3, -1),
    # 成, 百分之百, ‰
    ("两成", 20, "percent", "exact", 20, 20),
    ("三成以上", 30, "percent", "over", 30, N),
    ("两成五", 25, "percent", "exact", 25, 25),
    ("百分之百", 100, "percent", "exact", 100, 100),
    ("千分之五", 0.5, "percent", "exact", 0.5, 0.5),
    # adjacent digits, shared scales
    ("五六吨", 5.5, "吨", "range", 5, 6),
    ("一两个", 1.5, "个", "range", 1, 2),
    ("四五万台", 4.5e4, "台", "range", 4e4, 5e4),
    ("二十七八个", 27.5, "个", "range", 27, 28),
    ("六千到八千亿元", 7e11, "CNY", "range", 6e11, 8e11),
    ("三千到五千万元", 4e7, "CNY", "range", 3e7, 5e7),
    ("500到1万元", 5250, "CNY", "range", 500, 1e4),
    # currencies on either side, symbols, more currencies
    ("人民币5亿元", 5e8, "CNY", "exact", 5e8, 5e8),
    ("8亿元人民币", 8e8, "CNY", "exact", 8e8, 8e8),
    ("约人民币2亿元", 2e8, "CNY", "approx", N, N),
    ("人民币约2亿元", 2e8, "CNY", "approx", N, N),
    ("港币5亿元", 5e8, "HKD", "exact", 5e8, 5e8),
    ("￥1.25", 1.25, "CNY", "exact", 1.25, 1.25),
    ("$5", 5, "USD", "exact", 5, 5),
    ("€3亿", 3e8, "EUR", "exact", 3e8, 3e8),
    ("HK$3亿", 3e8, "HKD", "exact", 3e8, 3e8),
    ("不到2.5万新台币", 2.5e4, "TWD", "up_to", N, 2.5e4),
    ("2亿韩元", 2e8, "KRW", "exact", 2e8, 2e8),
    ("100万卢布", 1e6, "RUB", "exact", 1e6, 1e6),
    ("5000万英镑", 5e7, "GBP", "exact", 5e7, 5e7),
    # round numbers
    ("近千名", 1000, "名", "nearly", N, 1000),
    ("上千项", 1000, "项", "over", 1000, N),
    ("千余人", 1000, "人", "over", 1000, N),
    ("三千多万元", 3e7, "CNY", "over", 3e7, N),
    ("数千家", 5000, "家", "range", 1000, 9000),
    ("破亿元", 1e8, "CNY", "over", 1e8, N),
    ("十来个", 10, "个", "approx", N, N),
    # financial numerals and sub-units
    ("壹佰贰拾叁元肆角伍分", 123.45, "CNY", "exact", 123.45, 123.45),
    ("人民币壹万元整", 1e4, "CNY", "exact", 1e4, 1e4),
    ("45元6角", 45.6, "CNY", "exact", 45.6, 45.6),
    ("两块五", 2.5, "CNY", "exact", 2.5, 2.5),
    ("五毛钱", 0.5, "CNY", "exact", 0.5, 0.5),
    ("九毛九", 0.99, "CNY", "exact", 0.99, 0.99),
    ("5块", 5, "块", "exact", 5, 5),  # pieces: 块 is money only with 钱 or a sub-unit
    # range spellings
    ("1万元-5万元", 3e4, "CNY", "range", 1e4, 5e4),
    ("1万元——5万元", 3e4, "CNY", "range", 1e4, 5e4),
    ("从1万元到5万元", 3e4, "CNY", "range", 1e4, 5e4),
    ("百分之五到百分之十", 7.5, "percent", "range", 5, 10),
    # dropped 零, mixed sections, halves, measure words
    ("一亿两千三百人", 100002300, "人", "exact", 100002300, 100002300),
    ("3亿5000万元", 3.5e8, "CNY", "exact", 3.5e8, 3.5e8),
    ("两年半", 2.5, "年", "exact", 2.5, 2.5),
    ("3个半月", 3.5, "个月", "exact", 3.5, 3.5),
    ("5个多月", 5, "个月", "over", 5, N),
    ("3.5万公斤", 3.5e4, "公斤", "exact", 3.5e4, 3.5e4),
    ("80万千瓦", 8e5, "千瓦", "exact", 8e5, 8e5),
    ("5千克", 5, "千克", "exact", 5, 5),
    ("100兆瓦", 100, "兆瓦", "exact", 100, 100),
    ("1000多年", 1000, "年", "over", 1000, N),
    # markers
    ("约合300万美元", 3e6, "USD", "approx", N, N),
    ("未满18岁", 18, "岁", "up_to", N, 18),
    ("30岁出头", 30, "岁", "over", 30, N),
    ("三年有余", 3, "年", "over", 3, N),
]


@pytest.mark.parametrize(("text", "value", "unit", "qualifier", "low", "high"), EXTENDED_CASES)
def test_extended_contract(text: str, value: float, unit: str, qualifier: str, low: float, high: float) -> None:
    test_parse_quantity_contract(text, value, unit, qualifier, low, high)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("二〇〇二年", "year"), ("二〇二三年6月", ""), ("05年", "year"), ("97年7月", ""),
        ("九八年", "year"), ("80年代", ""), ("七八年", "may be a year"),
        ("3兆元", "兆"), ("2万(含)-8万元", ""), ("500元/吨", ""), ("两千多万", "no unit"), ("5个亿", ""),
        ("约30余家", "disagree"), ("约3至5年", "range with a qualifier"), ("1万元-5万美元", "different units"),
        ("5-3家", "increasing"), ("$5亿元", "two currencies"), ("500万卢比", "several currencies"),
        ("一亿五千", ""), ("5万3元", "ambiguous"), ("一万五", "no unit"), ("百年", "bare"), ("5角", "not read"),
        ("三分之一", "fraction"), ("二〇二三家", "one by one"), ("1" * 400 + "家", ""), ("九" * 309 + "家", ""),
        ("12345678901234567元", "significant digits"), ("45元6", "sub-unit"), ("一成不变", ""),
    ],
)  # fmt: skip
def test_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(QuantityError, match=re.escape(reason) if reason else None) as err:
        parse_quantity(text)
    assert repr(text)[:40].rstrip("'") in str(err.value)


_PREFIXES = [("", "exact"), ("约", "approx"), ("近", "nearly"), ("超过", "over"), ("不到", "up_to"), ("达", "exact")]
_UNITS = [("家", "家"), ("元", "CNY"), ("美元", "USD"), ("%", "percent"), ("个百分点", "pp"), ("吨", "吨")]


@given(
    st.one_of(st.integers(min_value=0, max_value=10**12).map(Decimal), st.decimals(0, 99999, places=2)),
    st.sampled_from(["low", "up"]),
    st.sampled_from([("", 1), ("万", 10**4), ("亿", 10**8), ("万亿", 10**12)]),
    st.sampled_from(_PREFIXES),
    st.sampled_from(_UNITS),
)
def test_round_trip_of_cn2an_renderings(number: Decimal, mode: str, scale: tuple[str, int],
                                        prefix: tuple[str, str], unit: tuple[str, str]) -> None:  # fmt: skip
    """Numbers rendered by cn2an (小写 and 大写) with scales, qualifiers and units parse back."""
    word, factor = scale if 0 < number < 10_000 else ("", 1)
    text = f"{prefix[0]}{cn2an.an2cn(str(number), mode)}{word}{unit[0]}"
    q = parse_quantity(text)
    assert math.isclose(q.value, float(number * factor), rel_tol=1e-12, abs_tol=1e-12), text
    assert (q.unit, q.qualifier) == (unit[1], prefix[1]), text


@given(st.decimals(0, 10**8, places=2))
def test_round_trip_of_rmb_renderings(number: Decimal) -> None:
    """人民币大写 as cn2an writes it (壹佰贰拾叁元肆角伍分, 壹佰元整) reads back."""
    q = parse_quantity(cn2an.an2cn(str(number), "rmb"))
    assert q.unit == "CNY" and math.isclose(q.value, float(number), rel_tol=1e-12, abs_tol=1e-12)


@given(st.integers(min_value=100, max_value=10**12))
def test_digits_one_by_one_are_refused(n: int) -> None:
    """cn2an's direct mode (一二三) is a year or a code, never read as another number."""
    with pytest.raises(QuantityError):
        parse_quantity(cn2an.an2cn(n, "direct") + "家")
