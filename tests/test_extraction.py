"""extract_quantities, extract_with_positions and parse_quantities (coop_analysis/extraction.py).

``check_extraction`` is the oracle the property tests here and the long fuzz run
(``bench/fuzz_quantities.py``) both apply to any text.
"""

from __future__ import annotations

import math
import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop_analysis import (
    QuantityError,
    extract_quantities,
    load_facts,
    normalize_text,
    parse_quantities,
    parse_quantity,
    source_text,
)
from coop_analysis.extraction import extract_with_positions
from coop_analysis.quantities import QUALIFIERS
from coop_analysis.text import normalize_with_offsets

from .conftest import PROJECT, SEED_ID

# Full-width forms and spaces the normalizer maps one for one.
_FW = {chr(0xFF10 + i): str(i) for i in range(10)} | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
_FW |= {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)} | {"％": "%", "．": "."}
_SQUASH = str.maketrans(_FW | {c: None for c in " \t\n\r\u3000\u00a0\u2002\u2003\u2009\ufeff"})


def check_normalization(text: str) -> None:
    """Every normalized character comes from the raw character its offset names."""
    norm = normalize_with_offsets(text)
    assert len(norm.offsets) == len(norm.text)
    assert list(norm.offsets) == sorted(set(norm.offsets)), "offsets must increase"
    for ch, off in zip(norm.text, norm.offsets, strict=True):
        raw = text[off]
        assert ch == raw or _FW.get(raw) == ch or (ch in " \n" and raw in " \t\n\r\u3000\u00a0\u2002\u2003\u2009"), (
            f"normalized {ch!r} maps to raw {raw!r} at {off}"
        )


def check_extraction(text: str, *, max_seconds: float = 1.0) -> pd.DataFrame:
    """Run the extractor on ``text`` and assert what must hold for any input."""
    # CPU time of this process: on a shared machine the wall clock also counts other processes
    t0 = time.process_time()
    norm, found = extract_with_positions(text)
    elapsed = time.process_time() - t0
    assert elapsed < max_seconds or len(text.encode()) >= 10_000, f"{elapsed:.2f} s on {len(text)} characters"
    for row in found.itertuples(index=False):
        assert text[row.start : row.end] == row.raw
        # the raw slice is the normalized mention, up to spaces, line breaks and full-width forms
        assert row.raw.translate(_SQUASH) == norm.text[row.norm_start : row.norm_end].translate(_SQUASH), row
        assert row.raw.strip() != ""
        if pd.isna(row.problem):
            assert math.isfinite(row.value) and row.qualifier in QUALIFIERS and isinstance(row.unit, str)
            if row.qualifier == "range":
                assert row.low < row.high and row.value == pytest.approx((row.low + row.high) / 2)
            # the mention alone reads the same (what validate relies on)
            q = parse_quantity(norm.text[row.norm_start : row.norm_end])
            assert (q.value, q.unit, q.qualifier) == (row.value, row.unit, row.qualifier), (row.raw, q)
        else:
            assert math.isnan(row.value) and pd.isna(row.unit) and pd.isna(row.qualifier) and row.problem
    starts = found["start"].tolist()
    assert starts == sorted(starts)
    return found


# ------------------------------------------------------------------ properties

_DENSE = st.sampled_from(
    ["签约", "12", "３", "0", "万", "亿", "元", "家", "近", "约", "余", "多", "以上", "\n", " ", "，", "。", "十", "几",
     "两", "五六", "第", "年", "%", "至", "-", "－", "人", "百分之", "点", "成", "角", "块", "半", "$", "￥", "人民币",
     "美元", "兆", "(含)", "/", "吨", "从", "到", "负", "零", "〇", "壹", "拾", "月", "日", "\ufeff", "\r\n", "1,000",
     "台湾", "三角", "分", "钱", "上", "千", "数", "来", "个", "月", "G", "a", "一"]
)  # fmt: skip


@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    check_extraction(text)
    check_normalization(text)


@settings(max_examples=300)
@given(st.lists(_DENSE, max_size=80).map("".join))
def test_dense_quantity_text(text: str) -> None:
    check_extraction(text)
    check_normalization(text)


# ------------------------------------------------------------------ hostile input


@pytest.mark.parametrize(
    "text",
    ["九" * 309 + "家", "1" * 400 + "家", "1" * 400 + "亿元", "9" * 16 + "元", "壹" * 300 + "元", "十" * 500 + "人"],
)
def test_huge_numbers_are_refused_not_overflowed(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)
    found = check_extraction(text)
    assert found["value"].isna().all() and found["problem"].notna().all()


@pytest.mark.parametrize("unit", ["", "家", "万元", "%"])  # 31 KB chains: linear time (a quadratic scan took 15 s here)
def test_long_digit_chains_are_linear(unit: str) -> None:
    times = []
    for n in (2_000, 8_000):
        text = "1" + ",000" * n + unit + "。1.2.3.4" * n + "，" * n + "1，" * n
        best = float("inf")
        for _ in range(2):  # CPU time, best of two: a loaded machine (other processes) does not count
            t0 = time.process_time()
            extract_quantities(text)
            best = min(best, time.process_time() - t0)
        times.append(best)
    assert times[1] < 10 * times[0] + 0.5, times  # 4× the input: far from 16× (quadratic)


def test_bom_keeps_offsets() -> None:
    text = "\ufeff\ufeff共签约项目12项，金额约3.5亿元。"
    found = extract_quantities(text)
    assert found["raw"].tolist() == ["12项", "约3.5亿元"]
    assert all(text[s:e] == r for r, s, e in zip(found["raw"], found["start"], found["end"], strict=True))
    assert normalize_text(text) == "共签约项目12项，金额约3.5亿元。"
    check_normalization(text)


# ------------------------------------------------------------------ behaviour


def test_unparsed_mentions_are_rows_with_a_problem() -> None:
    text = "对单笔2万(含)-8万元的贷款贴息，钢材报价4800元/吨，债务超过3兆元，投资两千多万，占三分之一。"
    found = check_extraction(text)
    assert found["raw"].tolist() == ["2万(含)-8万元", "4800元/吨", "超过3兆元", "两千多万", "三分之一"]
    assert found["value"].isna().all()
    problems = found["problem"].tolist()
    assert "range" in problems[0] and "rate" in problems[1] and "兆" in problems[2]
    assert "no unit" in problems[3] and "fraction" in problems[4]


def test_not_quantities_are_not_mentions() -> None:
    text = (
        "二〇二三年6月、05年3月、97年7月、80年代、2021—2025年，第二届，首批，一批，5G，G20，颜料红254，长三角，"
        "2万台湾青年，城乡二元结构，十一期间，成千上万，一成不变，三番五次。"
    )
    found = check_extraction(text)
    assert found["raw"].tolist() == ["2万"]  # 2万 without a measure word: reported, not read
    assert found["problem"].notna().all()


def test_extraction_reads_in_context() -> None:
    text = "增长-2.1%，约人民币2亿元，花费45元6角，不到2.5万新台币，六千到八千亿元，五六吨，近千名，两成，10年半导体经验，5家多元化企业。"
    found = check_extraction(text)
    got = list(zip(found["raw"], found["value"], found["unit"], found["qualifier"], strict=True))
    assert got == [
        ("-2.1%", -2.1, "percent", "exact"),
        ("约人民币2亿元", 2e8, "CNY", "approx"),
        ("45元6角", 45.6, "CNY", "exact"),
        ("不到2.5万新台币", 25000, "TWD", "up_to"),
        ("六千到八千亿元", 7e11, "CNY", "range"),
        ("五六吨", 5.5, "吨", "range"),
        ("近千名", 1000, "名", "nearly"),
        ("两成", 20, "percent", "exact"),
        ("10年", 10, "年", "exact"),
        ("5家", 5, "家", "exact"),
    ]


def test_columns_and_dtypes() -> None:
    found = extract_quantities("约5万元，3兆元。")
    assert list(found.columns) == [
        "raw", "start", "end", "value", "unit", "qualifier", "low", "high", "sentence", "problem"
    ]  # fmt: skip
    assert {str(found[c].dtype) for c in ("raw", "unit", "qualifier", "sentence", "problem")} == {"string"}
    assert {str(found[c].dtype) for c in ("value", "low", "high")} == {"float64"}
    assert pd.isna(found.at[0, "problem"]) and found.at[1, "problem"].startswith("兆")


def test_seed_source_has_no_unparsed_mention() -> None:
    raw = (PROJECT / "data" / "raw" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    found = check_extraction(raw, max_seconds=5)
    assert found["problem"].isna().all()


# ------------------------------------------------------------------ parse_quantities


def test_parse_quantities_coerce() -> None:
    s = pd.Series(["约5万元", "3兆元", None, "十几家"], index=list("abcd"))
    out = parse_quantities(s, errors="coerce")
    assert list(out.index) == list("abcd")
    assert list(out.columns) == ["value", "unit", "qualifier", "low", "high", "problem"]
    assert out.at["a", "value"] == 5e4 and out.at["a", "qualifier"] == "approx" and pd.isna(out.at["a", "problem"])
    assert pd.isna(out.at["b", "value"]) and "兆" in out.at["b", "problem"]
    assert pd.isna(out.at["c", "value"]) and pd.isna(out.at["c", "problem"])  # missing in, missing out
    assert (out.at["d", "low"], out.at["d", "high"]) == (11, 19)
    assert str(out["value"].dtype) == "float64" and str(out["unit"].dtype) == "string"


def test_parse_quantities_raise_names_the_row() -> None:
    with pytest.raises(QuantityError, match=r"row 1 \(index 'y'\).*'3兆元'"):
        parse_quantities(pd.Series(["5家", "3兆元"], index=["x", "y"]))
    with pytest.raises(ValueError, match="errors"):
        parse_quantities(["5家"], errors="ignore")
    assert parse_quantities(["5家"]).at[0, "value"] == 5


def test_quantity_to_dict() -> None:
    q = parse_quantity("近20万美元")
    d = q.to_dict()
    assert d == {"value": 2e5, "unit": "USD", "qualifier": "nearly", "low": None, "high": 2e5}
    assert pd.Series(q.to_dict())["unit"] == "USD"


# ------------------------------------------------------------------ moved from test_quantities (seed, offsets)


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
