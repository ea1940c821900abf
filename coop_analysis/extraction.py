"""Finding quantities in running text, and tables of quantities for pandas.

:func:`extract_quantities` finds every mention in a raw or normalized text with
the reader of :mod:`coop_analysis.quantities` and the context around each one:
dates, ordinals, codes, idioms and the indefinite 一 are not mentions; a mention
whose form is not fully understood (a rate such as 元/吨, an inclusive mark 含,
a number without a unit, a fraction …) is reported with its ``problem`` and no
value, never read in part. :func:`parse_quantities` parses a whole Series.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from coop_analysis.errors import QuantityError
from coop_analysis.numerals import FINANCIAL_DIGITS
from coop_analysis.quantities import (
    _CNCH,
    _FRACTION,
    _IDIOM,
    _NO_UNIT,
    _PATTERN,
    _TRADITIONAL_CHAR,
    _UNIT,
    Quantity,
    _bad,
    _build,
    _Reading,
    parse_quantity,
)
from coop_analysis.text import NormalizedText, normalize_with_offsets, split_sentences
from coop_analysis.units import COUNT_WORDS, CURRENCIES, NOT_A_UNIT_BEFORE, TRADITIONAL

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["extract_quantities", "extract_with_positions", "parse_quantities"]


# A one-character marker that is really the end of a word: 签约5个 is "signed 5",
# not "about 5"; 最近 is "recently"; 想不到 is "did not expect" (but 资料不到3份 is "fewer than 3").
_FALSE_PREFIX = frozenset([
    "签约", "合约", "公约", "制约", "节约", "预约", "条约", "邀约", "契约", "特约", "履约", "违约", "相约", "如约", "誓约", "婉约",
    "最近", "附近", "临近", "靠近", "亲近", "就近", "邻近", "贴近", "远近", "走近", "到达", "抵达", "下达", "传达", "发达", "表达",
    "通达", "送达", "直达", "转达", "赶超", "高超", "公共", "中共", "不仅", "想不到", "意想不到", "意料不到", "以上", "之上", "线上", "网上",
    "向上", "马上", "加上", "路上", "会上", "晚上", "早上", "跟上", "走上", "登上", "超过", "经过", "通过", "不过", "度过", "越过",
    "错过", "打破",
])  # fmt: skip
_ARITH = frozenset("+×*/÷=")
# What ends the first part of a range the reader could not take whole (2万(含)-8万元, 1万元-5万美元)
_BEFORE_SEP = re.compile(rf"(?:[\d{_CNCH}%‰)）][余多]?(?:{_UNIT})?|[含])[)）]?$")
_ENDS_IN_DIGIT = re.compile(rf"[\d{_CNCH}]$")
_NUMBERISH = frozenset(_CNCH + ".,，(（含)）%‰")
_LEFT_TRIGGER = frozenset("-−－~～—–至到或、") | _ARITH
_RIGHT_TRIGGER = frozenset("/(（0123456789")


def _left_problem(text: str, start: int) -> tuple[str, int] | None:
    """A separator or operator just before the mention, after a number: part of a longer form."""
    at = start if text[start : start + 1] in "-−－" else start - 1  # a leading minus may be a dash
    prev = text[at : at + 1] if at >= 0 else ""
    if not prev or not (prev in "-−－~～—–至到或、" or prev in _ARITH):
        return None
    base = max(0, at - 14)
    head = text[base:at]
    m = (_ENDS_IN_DIGIT if prev in "或、" else _BEFORE_SEP).search(head)
    if m is None:
        return None
    j = base + m.start()  # the first part: back over its number (2万(含)-8万元, 1万元-5万美元)
    while j > 0 and (text[j - 1].isdigit() or text[j - 1] in _NUMBERISH):
        j -= 1
    what = "arithmetic" if prev in _ARITH else "a range or list whose first part is not understood"
    return what, j


def _right_problem(text: str, end: int, unit: str | None) -> tuple[str, int] | None:
    nxt = text[end : end + 2]
    if nxt[:1] == "/" and len(nxt) > 1 and (nxt[1].isalpha()):
        j = end + 1
        while j < len(text) and j < end + 6 and text[j].isalpha():
            j += 1
        return "a rate (a unit per unit, such as 元/吨)", j
    if nxt in ("(含", "（含"):
        close = text.find(")" if nxt[0] == "(" else "）", end, end + 5)
        return "an inclusive mark (含) the contract does not model", (close + 1 if close > 0 else end + 2)
    if nxt[:1].isdigit():
        return "followed directly by another number", end
    if unit == "个" and nxt[:1] in ("万", "亿"):
        return "个亿/个万 without a unit", end + 1
    return None


def _context_skip(text: str, m: re.Match[str], r: _Reading) -> str | None:
    """Why a well-formed reading is still not a quantity in this text (or None)."""
    g = r.groups
    prev = text[r.start - 1 : r.start]
    nxt = text[r.end : r.end + 1]
    if (prev.isascii() and prev.isalnum() and not g.cur) or (nxt.isascii() and nxt.isalpha()):
        return "part of a code (5G, G20)"
    if prev == "第" and not (g.pre or g.pre2):
        return "an ordinal"
    unit = g.unit
    if (
        unit
        and not (g.post or g.tail or g.suffix or g.cur2)
        and text.startswith(NOT_A_UNIT_BEFORE.get(unit, ()), m.end("unit"))
    ):
        return f"{unit} starts another word (台湾, 年代, 期间 …)"
    n1 = g.n1
    if n1 is not None and not (g.n2 or g.pre or g.pre2 or g.cur or g.sign or g.post or g.i1):
        if n1 in ("一", "壹") and unit in COUNT_WORDS and not g.tail and not g.suffix:
            return "the indefinite 一 (一批, 一家)"
        if len(n1) == 1 and n1 in FINANCIAL_DIGITS and unit not in CURRENCIES:
            return "a single financial numeral before a measure word (陆家嘴)"
    return None


def _post_cut(text: str, m: re.Match[str]) -> int | None:
    """For 半/多/余 after the unit that start another word (半导体, 多元化, 余额): the end without them."""
    post = m.group("post")
    if not post or post == "有余":
        return None
    after = text[m.end("post") : m.end("post") + 1]
    starts = {
        "半": "导岛径成自决山壁边数价工夜场身球封年月天日",
        "多": "元功边样方种层极重头语媒措部地家项次个名位彩数少年半用维国点线渠领学式模类民人处",
        "余": "额下量热数款地粮波震生",
    }
    if after and after in starts[post]:
        return m.start("post")
    if post == "半" and after and "\u4e00" <= after <= "\u9fff" and after not in "以左多后前来的时之内中里":
        return -1  # 半 followed by a word we cannot tell apart: unparsed
    return None


class _Spans:
    """Sorted, possibly overlapping ``[start, end)`` spans; overlap queries in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        self.max_end: list[int] = []
        top = -1
        for _, b in self.spans:
            top = max(top, b)
            self.max_end.append(top)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_left(self.starts, max(e, s + 1))  # spans starting before e (before s + 1 for an empty span)
        return i > 0 and self.max_end[i - 1] > s


def _false_prefix(text: str, start: int, prefix: str) -> bool:
    end = start + len(prefix)
    return any(text[start - k : end] in _FALSE_PREFIX for k in (1, 2, 3) if start >= k)


def _readings(text: str) -> Iterator[_Reading]:
    """Every mention in ``text`` (already normalized and mapped to simplified characters)."""
    idioms = _Spans(mm.span() for mm in _IDIOM.finditer(text))
    pos = 0
    covered: list[tuple[int, int]] = []
    while (m := _PATTERN.search(text, pos)) is not None:
        start = m.start()
        prefix = m.group("pre")
        if prefix and _false_prefix(text, start, prefix):
            # 签约5个, 最近3年: read again after the would-be marker
            m = _PATTERN.match(text, start + len(prefix))  # type: ignore[assignment]
            if m is None:
                pos = start + 1
                continue
            start = m.start()
        if m.end() == start:
            pos = start + 1
            continue
        cut = _post_cut(text, m) if m.group("post") else None
        if cut is not None and cut > 0:
            m = _PATTERN.match(text, start, cut) or m  # 5家多元化: 5家
        r = _build(m)
        if cut == -1 and r.quantity is not None:
            r = _bad(r.start, r.end, "半 followed by a word: half, or the start of another word")
        if idioms.spans and idioms.overlaps(r.start, r.end):
            covered.append((r.start, r.end))
            pos = m.end()
            continue
        if r.skip is None and r.quantity is not None:
            r.skip = _context_skip(text, m, r)
        if r.skip is not None:
            if r.skip.startswith(("a year", "a date")):
                covered.append((r.start, r.end))
                pos = m.end()
            else:
                pos = start + 1  # 2万台湾: the number alone is looked at again
            continue
        if r.start and (text[r.start - 1] in _LEFT_TRIGGER or text[r.start] in "-−－"):
            left = _left_problem(text, r.start)
            if left is not None:
                r = _bad(left[1], r.end, left[0])
        if text[r.end : r.end + 1] in _RIGHT_TRIGGER or m.group("unit") == "个":
            right = _right_problem(text, r.end, m.group("unit"))
            if right is not None:
                r = _bad(r.start, max(r.end, right[1]), right[0])
        covered.append((r.start, r.end))
        pos = max(m.end(), r.end)
        yield r
    # Numbers nothing above read: with a scale word but no unit (两千多万), fractions (三分之一).
    done = _Spans(covered)
    extra = sorted(
        [(mm.start(), mm.end(), "no unit or measure word after the number") for mm in _NO_UNIT.finditer(text)]
        + [(mm.start(), mm.end(), "fractions (三分之一) are not read") for mm in _FRACTION.finditer(text)]
    )
    last_end = -1
    for s, e, problem in extra:
        if s < last_end or done.overlaps(s, e) or idioms.overlaps(s, e):
            continue
        prev, nxt = text[s - 1 : s], text[e : e + 1]
        if prev == "第" or (prev.isascii() and prev.isalnum()) or (nxt.isascii() and nxt.isalpha()):
            continue
        last_end = e
        yield _Reading(None, problem, s, e)


# ------------------------------------------------------------------ frames

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
    "problem": "string",
    "norm_start": "int64",
    "norm_end": "int64",
}


def extraction_columns(text: str, norm: NormalizedText, start: int = 0, end: int | None = None) -> dict[str, list[Any]]:
    """The mentions in ``norm.text[start:end]`` as columns (``_EXTRACT_DTYPES``' names, in text order).

    ``norm`` is ``text`` normalized. A part of a text reads as the whole does when it starts at a
    line start and ends just after a line break (or at the end): mentions, their context and
    sentences never run across a line break of the normalized text, except the closing bracket of
    an inclusive mark (``(含`` ending a line), which callers cutting a text keep with its line.
    Offsets (``start``, ``end`` in ``text``; ``norm_start``, ``norm_end`` in ``norm.text``) are
    those of the whole text.
    """
    end = len(norm.text) if end is None else end
    part = norm.text if (start, end) == (0, len(norm.text)) else norm.text[start:end]
    sentences = split_sentences(part)
    simplified = part.translate(TRADITIONAL) if _TRADITIONAL_CHAR.search(part) else part
    readings = sorted(_readings(simplified), key=lambda r: (r.start, r.end))
    nan = math.nan
    no_reading = (nan, None, None, nan, nan)
    rows = []
    si, n_sent = 0, len(sentences)
    offsets, raw_length, n_norm = norm.offsets, norm.raw_length, len(norm.text)
    for r in readings:
        while si + 1 < n_sent and sentences[si].end <= r.start:
            si += 1
        a, b = start + r.start, start + r.end
        raw_start = offsets[a] if a < n_norm else raw_length
        raw_end = offsets[b - 1] + 1 if b > a else raw_start
        q = r.quantity
        value, unit, qualifier, low, high = no_reading if q is None else q
        rows.append((text[raw_start:raw_end], raw_start, raw_end, value, unit, qualifier, nan if low is None else low,
                     nan if high is None else high, sentences[si].text if sentences else "", r.problem, a, b))  # fmt: skip
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in _EXTRACT_DTYPES]
    return {name: list(col) for name, col in zip(_EXTRACT_DTYPES, columns, strict=True)}


def _extract_columns(text: str) -> tuple[NormalizedText, dict[str, list[Any]]]:
    if not isinstance(text, str):
        raise TypeError(f"extract_quantities expects str, got {type(text).__name__}")
    norm = normalize_with_offsets(text)
    return norm, extraction_columns(text, norm)


def extraction_frame(cols: dict[str, list[Any]]) -> pd.DataFrame:
    """:func:`extraction_columns`' columns as the typed frame of :func:`extract_with_positions`."""
    return _frame(cols, list(_EXTRACT_DTYPES))


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
    lines, a leading byte-order mark): it is normalized first and each
    mention's offsets are mapped back, so ``text[start:end] == raw`` always
    holds for the text passed in.

    Args:
        text: raw or normalized text.

    Returns:
        A DataFrame with columns ``raw, start, end, value, unit, qualifier,
        low, high, sentence`` (the normalized sentence the mention sits in)
        and ``problem``, one row per mention in text order; empty (with those
        columns) when there is none. A mention the reader does not fully
        understand (兆, a rate such as 元/吨, a number without a unit, an
        ambiguous form …) is a row with ``value`` missing (NaN), ``unit`` and
        ``qualifier`` missing, and ``problem`` saying why; ``problem`` is
        missing on every read mention.

    Raises:
        TypeError: ``text`` is not a string.
    """
    _, cols = _extract_columns(text)
    return _frame(cols, [n for n in _EXTRACT_DTYPES if not n.startswith("norm_")])


def parse_quantities(values: pd.Series | list[Any], errors: str = "raise") -> pd.DataFrame:
    """Parse a Series (or list) of expressions into a DataFrame, one row each.

    Args:
        values: the expressions (missing values give a row of missing values).
        errors: ``"raise"`` (the first expression that is not a quantity
            raises :class:`QuantityError`, naming its position) or
            ``"coerce"`` (its row has missing values and ``problem`` says why).

    Returns:
        Columns ``value`` (float64), ``unit``, ``qualifier`` (string), ``low``,
        ``high`` (float64) and ``problem`` (string, missing where the
        expression was read), with the index of ``values``.
    """
    import numpy as np
    import pandas as pd

    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors: expected 'raise' or 'coerce', got {errors!r}")
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    cols: dict[str, list[Any]] = {k: [] for k in ("value", "unit", "qualifier", "low", "high", "problem")}
    for pos, (idx, v) in enumerate(series.items()):
        q: Quantity | None = None
        problem: str | None = None
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            problem = None
        else:
            try:
                q = parse_quantity(v)
            except QuantityError as exc:
                if errors == "raise":
                    raise QuantityError(f"row {pos} (index {idx!r}): {exc}") from None
                problem = str(exc)
        cols["value"].append(math.nan if q is None else q.value)
        cols["unit"].append(None if q is None else q.unit)
        cols["qualifier"].append(None if q is None else q.qualifier)
        cols["low"].append(math.nan if q is None or q.low is None else q.low)
        cols["high"].append(math.nan if q is None or q.high is None else q.high)
        cols["problem"].append(problem)
    string = pd.StringDtype()
    return pd.DataFrame(
        {
            k: pd.array(v, dtype=string) if k in ("unit", "qualifier", "problem") else np.array(v, dtype="float64")
            for k, v in cols.items()
        },
        index=series.index,
    )
