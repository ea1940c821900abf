from __future__ import annotations

import math

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_analysis import Quantity, QuantityError, extract_quantities, load_facts, parse_quantity, source_text

from .conftest import PROJECT, SEED_ID

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


# ------------------------------------------------------------------ extraction


def test_extraction_finds_every_curated_fact_of_the_seed() -> None:
    norm = source_text(SEED_ID)
    found = extract_quantities(norm)
    facts = load_facts()
    for fact in facts[facts["doc_id"] == SEED_ID].itertuples():
        at = norm.find(fact.quote) + fact.quote.find(fact.raw)
        hits = found[(found["start"] <= at) & (found["end"] > at)]
        assert len(hits) == 1, f"{fact.fact_id} {fact.raw!r} not extracted"
        assert hits.iloc[0]["value"] == pytest.approx(fact.value)
        assert hits.iloc[0]["unit"] == fact.unit


def test_extraction_skips_dates_ordinals_codes_and_articles() -> None:
    text = "2024年11月底投产，第二届大会，首批企业，颜料红254产品，紫23颜料，一年来，一批项目，3月初，5G网络。签约3家。"
    found = extract_quantities(text)
    assert found["raw"].tolist() == ["3家"]


def test_extraction_on_raw_text_maps_offsets_back() -> None:
    raw = (PROJECT / "data" / "raw" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    found = extract_quantities(raw)
    assert "39\n项" in found["raw"].tolist()  # split over a line break in the raw text
    assert all(raw[s:e] == r for r, s, e in zip(found["raw"], found["start"], found["end"], strict=True))
    norm_found = extract_quantities(source_text(SEED_ID))
    assert found["value"].tolist() == norm_found["value"].tolist()


def test_extraction_columns_and_empty_result() -> None:
    empty = extract_quantities("没有数字的句子。")
    assert list(empty.columns) == [
        "raw", "start", "end", "value", "unit", "qualifier", "low", "high", "sentence", "problem"
    ]  # fmt: skip
    assert len(empty) == 0
    assert str(empty["value"].dtype) == "float64"


def test_extraction_false_prefixes() -> None:
    found = extract_quantities("已签约5个项目，最近3年增长，大约2万元。")
    assert found["raw"].tolist() == ["5个", "3年", "大约2万元"]
    assert found["qualifier"].tolist() == ["exact", "exact", "approx"]


@given(st.text(max_size=400))
def test_extract_never_raises_and_offsets_hold(text: str) -> None:
    found = extract_quantities(text)
    for raw, s, e in zip(found["raw"], found["start"], found["end"], strict=True):
        assert text[s:e] == raw


@given(st.lists(st.sampled_from(["签约", "12", "３", "万", "亿", "元", "家", "近", "约", "余", "以上", "\n", " ", "，",
                                 "。", "十", "几", "两", "第", "年", "%", "至", "-", "人"]), max_size=60).map("".join))  # fmt: skip
def test_extract_dense_quantity_text(text: str) -> None:
    found = extract_quantities(text)
    for raw, s, e in zip(found["raw"], found["start"], found["end"], strict=True):
        assert text[s:e] == raw
        assert raw.strip() != ""
