"""Quantities in Chinese text: parse one (``parse_quantity``) or find them all.

The contract (``shared/design.md``, "Quantity contract") in short:

* ``value`` is the stated number, scaled (万 1e4, 亿 1e8, 万亿 1e12); Arabic,
  full-width and Chinese numerals; ``,`` and ``，`` thousands separators.
* ``unit`` is ISO 4217 for money (``CNY`` for 元/人民币, ``USD``, ``EUR``,
  ``HKD``, ``JPY``, ``GBP``), ``percent``, ``pp`` (个百分点), ``bp`` (基点), or
  the measure word as written (项 家 名 人 人次 个 批 …).
* ``qualifier`` with its bounds:

  ========  ==============================================  =====  =====
  exact     (none) 达 达到 共计                               value  value
  approx    约 大约 … 左右 上下                               –      –
  nearly    近 将近 接近                                      –      value
  over      超过 逾 至少 不少于 … 余 多 以上                  value  –
  up_to     最高 最多 最高可达 不超过 不到 不足 … 以内 以下   –      value
  range     3至5, 1万-5万, 两到三万, 十几, 几十, 数百        low    high
  ========  ==============================================  =====  =====

  A range's ``value`` is its midpoint; 几/数 stands for any digit 1–9
  (十几 = 11–19, 几十 = 10–90).

Dates and years (2024年, 3月26日), times, ordinals (第二届, 首批) and codes
(颜料红254) are not quantities. In running text a bare 一 before a measure
word (一批, 一家, 一年来) is the indefinite article and is not extracted, but
``parse_quantity("一家")`` still reads it as 1 家.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from coop_analysis.errors import QuantityError
from coop_analysis.text import NormalizedText, normalize_with_offsets, split_sentences

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CURRENCIES", "QUALIFIERS", "Quantity", "QuantityError", "extract_quantities", "parse_quantity"]

QUALIFIERS: tuple[str, ...] = ("exact", "approx", "nearly", "over", "up_to", "range")

_PREFIX_QUALIFIER = {
    "达": "exact",
    "达到": "exact",
    "共计": "exact",
    "约": "approx",
    "大约": "approx",
    "约为": "approx",
    "近": "nearly",
    "将近": "nearly",
    "接近": "nearly",
    "超过": "over",
    "逾": "over",
    "至少": "over",
    "不少于": "over",
    "不低于": "over",
    "最高": "up_to",
    "最多": "up_to",
    "最高可达": "up_to",
    "最高可至": "up_to",
    "最高达": "up_to",
    "最多可达": "up_to",
    "不超过": "up_to",
    "不到": "up_to",
    "不足": "up_to",
}
_INFIX_QUALIFIER = {"余": "over", "多": "over"}
_SUFFIX_QUALIFIER = {
    "左右": "approx",
    "上下": "approx",
    "以上": "over",
    "以内": "up_to",
    "以下": "up_to",
}

CURRENCIES: dict[str, str] = {
    "元": "CNY",
    "人民币": "CNY",
    "美元": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "英镑": "GBP",
}
_SPECIAL_UNITS = {"%": "percent", "个百分点": "pp", "百分点": "pp", "个基点": "bp", "基点": "bp"}
#: Measure words and units kept as written, longest first in the pattern.
MEASURE_WORDS: tuple[str, ...] = (
    "平方公里", "平方米", "公顷", "公里", "千米", "人次", "个月", "周年",
    "人", "名", "位", "项", "家", "个", "批", "期", "场", "亩", "吨", "年", "天",
    "次", "件", "台", "套", "条", "座", "所", "户", "款", "种", "类", "支", "只",
    "篇", "份", "倍", "辆", "架", "艘", "株",
)  # fmt: skip

_SCALES = {"百": 1e2, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "万亿": 1e12}
_CN_DIGITS = "零〇一二两三四五六七八九"


def _alt(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_AR = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
_AR_SCALE = r"(?:万亿|千万|百万|十万|亿|万|千|百)"
_CN = rf"(?:[{_CN_DIGITS}十]|[几数](?=[十百千万亿]))(?:[{_CN_DIGITS}十百千万亿几])*"
_NUM = rf"(?:{_AR}{_AR_SCALE}?|{_CN})"
_UNIT = _alt(list(CURRENCIES) + list(_SPECIAL_UNITS) + list(MEASURE_WORDS))
_RANGE_SEP = r"(?:至|到|-|~|～|—|－|–)"
_AR_NUMBER = re.compile(rf"({_AR})({_AR_SCALE})?")

_PATTERN = re.compile(
    rf"""
    (?P<prefix>{_alt(_PREFIX_QUALIFIER)})?
    (?:
        百分之(?P<pct>{_NUM}(?:{_RANGE_SEP}(?:百分之)?{_NUM})?)
      |
        (?<![\d.{_CN_DIGITS}十百千万亿几])
        (?P<low>{_NUM})(?P<lowpct>%)?
        (?:(?P<sep>{_RANGE_SEP})(?P<high>{_NUM}))?
        (?P<infix>余|多)?
        (?P<scale>{_AR_SCALE})?
        (?P<unit>{_UNIT})
    )
    (?P<suffix>左右|上下(?![游级])|以上|以内|以下)?
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A parsed quantity; ``low``/``high`` are ``None`` where the contract leaves them open."""

    value: float
    unit: str
    qualifier: str
    low: float | None
    high: float | None


@lru_cache(maxsize=4096)
def _cn_to_float(text: str) -> float:
    import cn2an  # lazy: only Chinese numerals need it, and it is slow to import

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError) as exc:
        raise QuantityError(f"{text!r} is not a Chinese numeral cn2an can read") from exc


def _number(text: str) -> tuple[float, float]:
    """Read one number (possibly with 几) as its ``(low, high)`` reading."""
    if text[0].isdigit():
        m = _AR_NUMBER.fullmatch(text)
        if m is None:
            raise QuantityError(f"{text!r} is not a number")
        v = float(m.group(1).replace(",", "").replace("，", "")) * _SCALES.get(m.group(2) or "", 1.0)
        return v, v
    if "几" in text or text[0] == "数":
        base = "几" + text[1:] if text[0] == "数" else text
        return _cn_to_float(base.replace("几", "一")), _cn_to_float(base.replace("几", "九"))
    v = _cn_to_float(text)
    return v, v


def _scale_suffix(text: str) -> str:
    for s in ("万亿", "亿", "万", "千", "百"):
        if text.endswith(s):
            return s
    return ""


def _unit_code(unit: str) -> str:
    return CURRENCIES.get(unit) or _SPECIAL_UNITS.get(unit) or unit


def _build(m: re.Match[str]) -> Quantity | None:
    """Turn a pattern match into a Quantity, or None for a date/ordinal look-alike."""
    g = m.groupdict()
    if g["pct"] is not None:
        parts = re.split(_RANGE_SEP, g["pct"], maxsplit=1)
        low_txt = parts[0]
        high_txt = parts[1].removeprefix("百分之") if len(parts) > 1 else None
        unit = "percent"
    else:
        low_txt, high_txt = g["low"], g["high"]
        unit = _unit_code(g["unit"])
        if g["lowpct"] and unit != "percent":
            return None  # "5%-10个" is no quantity
        if unit == "年" and high_txt is None and re.fullmatch(r"(1[89]|2[01])\d\d", low_txt):
            return None  # a year, e.g. 2024年
        if unit == "年" and high_txt and re.fullmatch(r"\d{4}", low_txt):
            return None  # a span of years, e.g. 2023-2025年
    if g.get("scale"):
        if _scale_suffix(low_txt) or (high_txt and _scale_suffix(high_txt)):
            return None  # 1万余万元 is no quantity
        low_txt += g["scale"]  # 20余万元: the scale follows 余/多
        high_txt = high_txt + g["scale"] if high_txt else None
    if high_txt is not None:
        scale = _scale_suffix(high_txt)
        if scale and not _scale_suffix(low_txt):
            low_txt += scale  # 1-5万, 两到三万: the scale is shared
        lo, _ = _number(low_txt)
        _, hi = _number(high_txt)
        if hi < lo:
            return None
        return Quantity((lo + hi) / 2, unit, "range", lo, hi)
    lo, hi = _number(low_txt)
    if lo != hi:
        return Quantity((lo + hi) / 2, unit, "range", lo, hi)
    value = lo
    qualifier = "exact"
    if g["prefix"]:
        qualifier = _PREFIX_QUALIFIER[g["prefix"]]
    elif g.get("infix"):
        qualifier = _INFIX_QUALIFIER[g["infix"]]
    elif g["suffix"]:
        qualifier = _SUFFIX_QUALIFIER[g["suffix"]]
    low = value if qualifier in ("exact", "over") else None
    high = value if qualifier in ("exact", "nearly", "up_to") else None
    return Quantity(value, unit, qualifier, low, high)


_FULLWIDTH_TABLE = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"％": "%", "．": "."})
# Traditional forms of the characters numbers, units and qualifiers use, mapped
# one-for-one to simplified ones so that offsets do not move.
_TRADITIONAL = str.maketrans(
    dict(
        zip(
            "萬億兩個項場條臺種類隻輛約餘幾數達過將計內點幣歐圓噸畝筆貳參陸簽",
            "万亿两个项场条台种类只辆约余几数达过将计内点币欧元吨亩笔贰参陆签",
            strict=True,
        )
    )
)
_WS = re.compile(r"\s+")


def parse_quantity(text: str) -> Quantity:
    """Parse one quantity expression such as ``约60万美元`` or ``1.1万余人``.

    Args:
        text: the expression, with its qualifier words; spaces and line breaks
            inside it are ignored, full-width digits are accepted.

    Returns:
        The :class:`Quantity`.

    Raises:
        QuantityError: the text, as a whole, is not a quantity (no unit, a
            date or year, an ordinal, trailing words …).

    Examples:
        >>> parse_quantity("近20万美元")
        Quantity(value=200000.0, unit='USD', qualifier='nearly', low=None, high=200000.0)
        >>> parse_quantity("十几批").low, parse_quantity("十几批").high
        (11.0, 19.0)
    """
    if not isinstance(text, str):
        raise QuantityError(f"expected a string, got {type(text).__name__}: {text!r}")
    clean = _WS.sub("", text.translate(_FULLWIDTH_TABLE).translate(_TRADITIONAL))
    m = _PATTERN.fullmatch(clean)
    if m is None:
        raise QuantityError(
            f"{text!r} is not a quantity: expected a number (Arabic or Chinese) with a unit "
            "or measure word, optionally with a qualifier such as 约/近/超过/余/以上"
        )
    q = _build(m)
    if q is None:
        raise QuantityError(f"{text!r} is not a quantity: a year, a date, or a malformed number (e.g. two scales)")
    return q


# A one-character qualifier that is really the end of a word: 签约5个 is
# "signed 5", not "about 5"; 最近 is "recently".
_FALSE_PREFIX = frozenset(
    [
        "签约",
        "合约",
        "公约",
        "制约",
        "节约",
        "预约",
        "条约",
        "邀约",
        "契约",
        "特约",
        "履约",
        "违约",
        "相约",
        "如约",
        "誓约",
        "婉约",
        "大约",
        "最近",
        "附近",
        "临近",
        "靠近",
        "亲近",
        "就近",
        "邻近",
        "贴近",
        "将近",
        "接近",
        "远近",
        "到达",
        "抵达",
        "下达",
        "传达",
        "发达",
        "表达",
        "通达",
        "送达",
        "直达",
        "转达",
    ]
)


def _iter_matches(text: str) -> Iterator[tuple[re.Match[str], Quantity]]:
    pos = 0
    while True:
        m = _PATTERN.search(text, pos)
        if m is None:
            return
        start = m.start()
        prefix = m.group("prefix")
        if prefix and len(prefix) == 1 and text[start - 1 : start + 1] in _FALSE_PREFIX:
            # Read again without the prefix (大约/将近/接近 are real markers, matched whole).
            m = _PATTERN.match(text, start + 1)
            if m is None:
                pos = start + 1
                continue
            start = m.start()
        pos = m.end()
        if start > 0 and text[start - 1] == "第" and not m.group("prefix"):
            continue  # ordinal: 第二届
        if m.group("pct") is None:
            nxt = text[m.end() : m.end() + 1]
            prev = text[start - 1 : start] if start else ""
            if (prev.isascii() and prev.isalpha()) or (nxt.isascii() and nxt.isalpha() and nxt):
                continue  # part of a code such as G20 or 5G
            if m.group("low") == "一" and not m.group("high") and not m.group("prefix"):
                continue  # indefinite article: 一批, 一家, 一年来
        try:
            q = _build(m)
        except QuantityError:
            continue
        if q is not None:
            yield m, q


_EXTRACT_DTYPES = {
    "raw": "string",
    "start": "int64",
    "end": "int64",
    "value": "float64",
    "unit": "string",
    "qualifier": "string",
    "low": "float64",
    "high": "float64",
    "sentence": "string",
    "norm_start": "int64",
    "norm_end": "int64",
}


def _extract_columns(text: str) -> tuple[NormalizedText, dict[str, list[Any]]]:
    if not isinstance(text, str):
        raise TypeError(f"extract_quantities expects str, got {type(text).__name__}")
    norm = normalize_with_offsets(text)
    sentences = split_sentences(norm.text)
    cols: dict[str, list[Any]] = {name: [] for name in _EXTRACT_DTYPES}
    si = 0
    for m, q in _iter_matches(norm.text.translate(_TRADITIONAL)):
        while si + 1 < len(sentences) and sentences[si].end <= m.start():
            si += 1
        start, end = norm.raw_span(m.start(), m.end())
        cols["raw"].append(text[start:end])
        cols["start"].append(start)
        cols["end"].append(end)
        cols["value"].append(q.value)
        cols["unit"].append(q.unit)
        cols["qualifier"].append(q.qualifier)
        cols["low"].append(math.nan if q.low is None else q.low)
        cols["high"].append(math.nan if q.high is None else q.high)
        cols["sentence"].append(sentences[si].text if sentences else "")
        cols["norm_start"].append(m.start())
        cols["norm_end"].append(m.end())
    return norm, cols


def _frame(cols: dict[str, list[Any]], names: list[str]) -> pd.DataFrame:
    """Typed columns built directly (much faster than ``astype`` on a frame of objects)."""
    import numpy as np
    import pandas as pd

    string = pd.StringDtype()
    data = {
        name: pd.array(cols[name], dtype=string)
        if _EXTRACT_DTYPES[name] == "string"
        else np.array(cols[name], dtype=_EXTRACT_DTYPES[name])
        for name in names
    }
    return pd.DataFrame(data, copy=False)


def extract_with_positions(text: str) -> tuple[NormalizedText, pd.DataFrame]:
    """Like :func:`extract_quantities`, also returning the normalized text and,
    per mention, its ``norm_start``/``norm_end`` offsets in it."""
    norm, cols = _extract_columns(text)
    return norm, _frame(cols, list(_EXTRACT_DTYPES))


def extract_quantities(text: str) -> pd.DataFrame:
    """Find every quantity mention in a Chinese text.

    The text may be raw (PDF-extracted, with numbers and units split over
    lines): it is normalized first and each mention's offsets are mapped back,
    so ``text[start:end] == raw`` always holds for the text passed in.

    Args:
        text: raw or normalized text.

    Returns:
        A DataFrame with columns ``raw, start, end, value, unit, qualifier,
        low, high, sentence`` (the normalized sentence the mention sits in),
        one row per mention in text order; empty (with those columns) when
        there is none.

    Raises:
        TypeError: ``text`` is not a string.
    """
    _, cols = _extract_columns(text)
    return _frame(cols, [n for n in _EXTRACT_DTYPES if not n.startswith("norm_")])
