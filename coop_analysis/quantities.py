"""Quantities in Chinese text: parse one (``parse_quantity``) or find them all.

The contract (README, "Quantities"; ``shared/design.md``, "Quantity contract"):

* ``value`` is the stated number, scaled (万 1e4, 亿 1e8, 万亿 1e12), with its
  sign; numbers are read by :mod:`coop_analysis.numerals`.
* ``unit`` is ISO 4217 for money, ``percent`` (also for 成 and ‰), ``pp``,
  ``bp``, or the measure word as written (tables in :mod:`coop_analysis.units`).
* ``qualifier`` is exact, approx, nearly, over, up_to or range, with bounds:
  exact low = high = value; approx none; nearly high; over low; up_to high;
  range low and high (value = midpoint).

**Never a guess.** A form that is not fully understood is rejected by
:func:`parse_quantity` (``QuantityError`` naming the text and the reason) and
reported by :func:`extract_quantities` as an *unparsed* mention (``value``
missing, ``problem`` saying why); it is never read in part. Dates, years,
ordinals, codes, idioms and the indefinite 一 (一批, 一家) are not quantities and
are not reported.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from coop_analysis.errors import QuantityError
from coop_analysis.numerals import CN_DIGITS, CN_NUMERAL_CHARS, FINANCIAL_DIGITS, read_number
from coop_analysis.units import (
    AMBIGUOUS_CURRENCIES,
    COMPOUND_UNITS,
    CURRENCIES,
    CURRENCY_SYMBOLS,
    IDIOMS,
    MEASURE_WORDS,
    PREFIX_QUALIFIER,
    SPECIAL_UNITS,
    SUFFIX_QUALIFIER,
    TRADITIONAL,
)

__all__ = ["CURRENCIES", "QUALIFIERS", "Quantity", "QuantityError", "parse_quantity"]

QUALIFIERS: tuple[str, ...] = ("exact", "approx", "nearly", "over", "up_to", "range")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A parsed quantity; ``low``/``high`` are ``None`` where the contract leaves them open."""

    value: float
    unit: str
    qualifier: str
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        """``{"value", "unit", "qualifier", "low", "high"}`` (also for ``pd.Series(q.to_dict())``)."""
        return asdict(self)


# ------------------------------------------------------------------ the pattern


def _alt(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first, as a trie (``人(?:次|民币元?)?``): one
    branch per first character instead of one per word keeps the large alternations fast."""
    tree: dict[str, dict] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def rx(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + rx(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        inner = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" not in node:
            return inner
        return inner + "?" if len(alts) == 1 and len(alts[0]) == 1 else f"(?:{inner})?"

    return rx(tree)


_CNCH = "".join(sorted(CN_NUMERAL_CHARS - {"点"})) + "拾佰仟"
_DIG = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_D = "0-9一二两三四五六七八九壹贰叁肆伍陆柒捌玖"  # one digit of a money sub-unit
_AR = r"\d+(?:[,，]\d{3})*(?:\.\d+)?(?:[万亿千百]\d+(?:\.\d+)?)*"
_CN = (
    rf"(?:[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]|[几数](?=[十百千万亿拾佰仟])|[百千万亿佰仟])"
    rf"[{_CNCH}]*(?:点[{_DIG}]+[十百千万亿]*)?"
)
_NUM = rf"(?:{_AR}|{_CN})"
_SCALE = r"(?:万亿|亿亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千(?!克|米|瓦)|百(?!分)|兆(?!瓦))"
_UNIT_WORDS = [*CURRENCIES, *AMBIGUOUS_CURRENCIES, *SPECIAL_UNITS, *COMPOUND_UNITS, *MEASURE_WORDS]
# 分 is a unit (0.01 元) only where it cannot be part of 百分点/百分之 or 分钟
_UNIT = f"(?:{_alt(w for w in _UNIT_WORDS if w != '分')}|(?<![百千万])分(?![之钟]))"
_CUR_AFTER = _alt([w for w, (_, f) in CURRENCIES.items() if f == 1.0 and w not in ("元", "块钱")])
_CUR_BEFORE = _alt(
    [w for w, (_, f) in CURRENCIES.items() if f == 1.0 and w not in ("元", "块钱")] + list(CURRENCY_SYMBOLS)
)
_SEP = r"(?:——|--|~~|至|到|[-~～—–－])"
_SIGN = r"(?:负|零下|[-−－])"
_PRE = _alt(PREFIX_QUALIFIER)
_SUFFIX = _alt(w for w in SUFFIX_QUALIFIER if w != "上下") + r"|上下(?![游级])"

# Every character a quantity can start with: a fast first test at each position of a text.
_FIRST = "".join(
    sorted(
        set("从负零−－百千万几数" + _CNCH)
        | {w[0] for w in PREFIX_QUALIFIER}
        | {w[0] for w in CURRENCY_SYMBOLS}
        | {w[0] for w in CURRENCIES}
    )
)
_PATTERN = re.compile(
    rf"""
    (?=[{re.escape(_FIRST)}\d\-])
    (?P<from_>从)?
    (?P<pre>{_PRE})?
    (?:(?P<cur>{_CUR_BEFORE})(?P<pre2>{_PRE})?)?
    (?:
        (?=[负零\-−－]{{0,2}}[百千万]分之)(?P<psign>{_SIGN})?
        (?P<pw>百分之|千分之|万分之)(?P<p1>{_NUM})
        (?:(?P<psep>{_SEP})(?P<psign2>{_SIGN})?(?:百分之|千分之|万分之)?(?P<p2>{_NUM}))?
      |
        (?P<sign>{_SIGN})?
        (?<![\d.{_CNCH}])(?<!\d[,，])
        (?P<n1>{_NUM})(?P<i1>余|多|来)?(?P<s1>{_SCALE})?
        (?:(?=[^至到~～—–－\-]{{0,9}}[至到~～—–－\-])(?P<u1>{_UNIT})?(?P<sep>{_SEP})(?P<sign2>{_SIGN})?(?P<n2>{_NUM})(?P<i2>余|多|来)?(?P<s2>{_SCALE})?)?
        (?P<i3>余|多)?
        (?P<unit>{_UNIT})?(?(unit)|(?(cur)|(?!)))
        (?P<cur2>{_CUR_AFTER})?
        (?P<tail>(?<=[元块角毛])
            (?:(?P<j>零?[{_D}])(?P<jw>[角毛])(?:零?(?P<f>[{_D}])(?:分(?!钟))?)?|零?(?P<f2>[{_D}])分(?!钟)|(?P<bare>[{_D}])(?![分{_DIG}]))?
            (?P<qian>钱|整)?
        )?
        (?P<ctail>(?<=成)[一二三四五六七八九])?
        (?P<post>有余|多|余|半)?
    )
    (?P<suffix>{_SUFFIX})?
    """,
    re.VERBOSE,
)
# A number with a scale word but no unit (两千多万, 5.3万亿), or a round number
# with its marker (上亿, 近万): reported unparsed when nothing else reads it.
_NO_UNIT = re.compile(
    rf"(?=[\d零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾几数上近逾过破超])(?<![\d.{_CNCH}])(?<!\d[,，])"
    rf"(?:(?:{_AR})(?:余|多)?(?:万亿|千亿|百亿|千万|百万|亿|万|兆)|[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾几数][{_CNCH}]*(?:余|多)?[万亿兆]"
    rf"|(?:上|近|逾|过|破|超)[百千万亿]+)(?:余|多)?"
)
_FRACTION = re.compile(
    r"(?=[\d零〇一二两三四五六七八九十])(?<![\d零〇一二两三四五六七八九十])(?:\d+|[零〇一二两三四五六七八九十]+)分之(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千点]+)"
)
_IDIOM = re.compile(_alt(IDIOMS))
_TRADITIONAL_CHAR = re.compile("[" + re.escape("".join(chr(c) for c in TRADITIONAL)) + "]")
_DATE_AFTER_YEAR = re.compile(rf"(?:\d{{1,2}}|[{_DIG}十]{{1,3}})月")

_NEUTRAL = "exact"  # 达/共计 … add nothing to another marker
_SKIP = "skip"  # a sentinel: the match is not a quantity at all


_new_groups = tuple.__new__
_Groups = namedtuple("_Groups", sorted(_PATTERN.groupindex, key=_PATTERN.groupindex.__getitem__))  # type: ignore[misc]


@dataclass(slots=True)
class _Reading:
    """What one match means: a quantity, a problem (unparsed) or nothing (skip)."""

    quantity: tuple[float, str, str, float | None, float | None] | None  # Quantity's fields
    problem: str | None
    start: int
    end: int
    skip: str | None = None
    groups: Any = None


def _bad(start: int, end: int, problem: str) -> _Reading:
    return _Reading(None, problem, start, end)


def _qualifier(g: Any, pre: str | None, in_range: bool) -> tuple[str, str | None]:
    """The qualifier from all markers, or ("", problem) when they disagree."""
    if not (pre or g.pre2 or g.suffix or g.i1 or g.i3 or g.post):
        return ("range" if in_range else "exact"), None
    found = set()
    if pre:
        found.add(PREFIX_QUALIFIER[pre])
    if g.pre2:
        found.add(PREFIX_QUALIFIER[g.pre2])
    if g.suffix:
        found.add(SUFFIX_QUALIFIER[g.suffix])
    if not g.pw:
        if g.i1:
            found.add("approx" if g.i1 == "来" else "over")
        if g.i3 or g.post in ("多", "余", "有余"):
            found.add("over")
    found.discard(_NEUTRAL)
    if in_range:
        if found:
            return "", "a range with a qualifier (an approximate or open range) is not read"
        return "range", None
    if len(found) > 1:
        return "", "qualifiers that disagree (" + " and ".join(sorted(found)) + ")"
    return (found.pop() if found else "exact"), None


def _unit(g: Any) -> tuple[str, float, str | None, float, str | None]:
    """(unit code, factor, qualifier from a compound unit, value to add, problem)."""
    unit, cur = g.unit, g.cur
    cur_code = (CURRENCY_SYMBOLS.get(cur) or CURRENCIES[cur][0]) if cur else None
    if unit is None:
        return (cur_code or ""), 1.0, None, 0.0, None
    extra_q: str | None = None
    extra = 0.0
    if unit in CURRENCIES:
        code, factor = CURRENCIES[unit]
    elif unit in SPECIAL_UNITS:
        code, factor = SPECIAL_UNITS[unit]
    elif unit in COMPOUND_UNITS:
        code, extra_q, extra = COMPOUND_UNITS[unit]
        factor = 1.0
    elif unit in AMBIGUOUS_CURRENCIES:
        return "", 1.0, None, 0.0, AMBIGUOUS_CURRENCIES[unit]
    else:
        code, factor = unit, 1.0
    if g.cur2:
        if unit != "元":
            return "", 1.0, None, 0.0, f"two currencies ({unit}, {g.cur2})"
        code = CURRENCIES[g.cur2][0]  # 5亿元港币: 元 is the unit of the currency named after it
    if cur_code:
        if unit == "元" and not g.cur2 and (cur not in CURRENCY_SYMBOLS or cur_code == "CNY"):
            code = cur_code  # 港币5亿元, ￥5000万元
        elif code != cur_code:
            return "", 1.0, None, 0.0, f"two currencies ({cur}, {unit})"
    return code, factor, extra_q, extra, None


def _digit(d: str) -> int:
    return int(d) if d.isdigit() else CN_DIGITS[d]


def _money_tail(g: Any, following: str) -> tuple[float, str | None]:
    """Sub-units after 元/块 (45元6角 → +0.6) or 角/毛 (九毛九 → +0.9 毛), in units of the unit; or a problem."""
    unit = g.unit
    big = unit in ("元", "块")
    if g.j:
        if not big:
            return 0.0, f"{g.jw} after {unit}"
        return _digit(g.j[-1]) / 10 + (_digit(g.f) / 100 if g.f else 0.0), None
    if g.f2:
        return _digit(g.f2) / (100 if big else 10), None
    if g.bare:
        if unit == "元":
            return 0.0, "a digit after 元 (a sub-unit word is missing)"
        if unit != "块" and "\u4e00" <= following <= "\u9fff":
            return 0.0, _SKIP  # 长三角一体化: not 3.1 角
        return _digit(g.bare) / 10, None  # 5块5, 三块八, 九毛九
    return 0.0, None


def _shared(low_txt: str, high_txt: str, low_neg: bool, high_neg: bool) -> tuple[float, float] | str:
    """Read a range's ends; the high end's trailing scale words may apply to the low end too
    (六千到八千亿 = 6000亿–8000亿, 5到8万 = 5万–8万, but 500到1万 = 500–10,000)."""
    try:
        hi_lo, hi = read_number(high_txt)
    except QuantityError as exc:
        return str(exc)
    if hi_lo != hi:
        return "a range whose end is itself approximate"
    hi = -hi if high_neg else hi
    plain: float | None = None
    try:
        lo_lo, lo_hi = read_number(low_txt)
        if lo_lo != lo_hi:
            return "a range whose end is itself approximate"
        if (-lo_lo if low_neg else lo_lo) < hi:
            plain = -lo_lo if low_neg else lo_lo
    except QuantityError:
        pass
    if not (low_neg or high_neg):
        k = len(high_txt)
        while k > 0 and high_txt[k - 1] in "十百千万亿":
            k -= 1
        suffix = high_txt[k:]
        shared = []  # (suffix used, low) for every way of sharing that reads, longest suffix first
        for i in range(len(suffix)):
            try:
                lo_lo, lo_hi = read_number(low_txt + suffix[i:])
            except QuantityError:
                continue
            if lo_lo == lo_hi and lo_lo < hi:
                shared.append((suffix[i:], lo_lo))
        if shared:
            used, low = shared[0]
            if used[0] in "十拾" and (len(shared) > 1 or plain is not None):
                return f"the low end may or may not share the high end's {used} (三到五十万: 3万 or 30万)"
            return low, hi
    if plain is not None:
        return plain, hi
    return "the range's ends are not in increasing order"


def _percent_words(g: Any, pre: str | None, start: int, end: int) -> _Reading:
    """百分之/千分之/万分之 forms."""
    factor = 1.0 if g.pw == "百分之" else 0.1 if g.pw == "千分之" else 0.01
    try:
        if g.p2 is not None:
            ends = _shared(g.p1, g.p2, bool(g.psign), bool(g.psign2))
            if isinstance(ends, str):
                return _Reading(None, ends, start, end)
            lo, hi = ends
        else:
            lo, hi = read_number(g.p1)
            if g.psign:
                lo, hi = -hi, -lo
    except QuantityError as exc:
        return _Reading(None, str(exc), start, end)
    if g.cur:
        return _Reading(None, f"a currency ({g.cur}) before a percentage", start, end)
    qual, problem = _qualifier(g, pre, lo != hi)
    if problem:
        return _Reading(None, problem, start, end)
    r = _finish(lo * factor, hi * factor, "percent", qual, start, end, factor != 1.0)
    r.groups = g
    return r


def _build(m: re.Match[str]) -> _Reading:
    """Interpret a match of the pattern."""
    g = _new_groups(_Groups, m.groups())
    start, end = m.span()
    pre = g.pre
    if g.from_ and not (g.sep or g.psep):
        start += 1  # 从 belongs to a range only
    if pre in ("上", "过", "破") and not (g.n1 and g.n1[0] in "百千万亿"):
        pre = None  # 上/过/破 only before a bare 百/千/万/亿 (上千, 破亿)
        if g.cur is None and g.pre2 is None:
            first = ("psign", "pw") if g.pw else ("sign", "n1")
            start = m.start(first[0]) if m.group(first[0]) else m.start(first[1])
    if g.pw:
        return _percent_words(g, pre, start, end)

    n1, n2, unit_name = g.n1, g.n2, g.unit
    if unit_name == "年" or g.u1 == "年":
        kind, why = _year_check(m, g, n1, n2)
        if kind == "skip":
            return _Reading(None, None, start, end, skip=why)
        if kind == "problem":
            return _bad(start, end, why)
    if n1[0] in "百千万亿佰仟" and not (pre or g.pre2 or g.i1 or g.i3 or n2):
        return _Reading(None, None, start, end, skip="a bare 百/千/万/亿 without a marker (百年, 万人)")
    if g.i1 and g.i3:
        return _bad(start, end, "余/多 twice")
    if "兆" in n1 or (g.s1 and "兆" in g.s1) or (n2 and "兆" in n2) or (g.s2 and "兆" in g.s2):
        return _bad(start, end, "兆 is 10^6 in mainland usage and 10^12 in Taiwan's; not read")
    if g.s1 and g.i1 and ("万" in n1 or "亿" in n1):
        return _bad(start, end, "two scale words (1万余万)")
    code, factor, extra_q, extra, problem = _unit(g)
    if problem:
        return _bad(start, end, problem)
    if not code:
        return _bad(start, end, "no unit or measure word after the number")
    tail_add = 0.0
    if g.tail:
        tail_add, problem = _money_tail(g, m.string[m.end("tail") : m.end("tail") + 1])
        if problem == _SKIP:
            return _Reading(None, None, start, end, skip="角/毛 without 元 or a further sub-unit (长三角, 五角星)")
        if problem:
            return _bad(start, end, problem)
        if unit_name == "块":
            code, factor = "CNY", 1.0  # 5块5, 两块钱: 块 is the yuan
        elif g.qian == "钱" and unit_name not in CURRENCIES:
            return _bad(start, end, f"钱 after {unit_name}")
    elif unit_name in ("角", "毛", "分") and not set(n1) & FINANCIAL_DIGITS:
        return _Reading(None, None, start, end, skip="角/毛/分 alone (长三角, 五角星, 95分) are not read as money")
    if g.post == "半":
        extra += 0.5
    if g.ctail:
        extra += CN_DIGITS[g.ctail] / 10  # 两成五 = 2.5成
    if n2 is not None:
        if g.u1 and g.u1 != unit_name:
            return _bad(start, end, f"the ends of the range have different units ({g.u1}, {unit_name})")
        if g.i1 or g.i2:
            return _bad(start, end, "a range with 余/多 inside")
        ends = _shared(n1 + (g.s1 or ""), n2 + (g.s2 or ""), bool(g.sign), bool(g.sign2))
        if isinstance(ends, str):
            return _bad(start, end, ends)
        lo, hi = ends
    else:
        try:
            lo, hi = read_number(n1 + g.s1 if g.s1 else n1)
        except QuantityError as exc:
            return _bad(start, end, str(exc))
        if g.sign:
            lo, hi = -hi, -lo
    in_range = lo != hi or n2 is not None
    if extra or tail_add:
        if in_range or g.s1 or not lo.is_integer():
            return _bad(start, end, "半 or a sub-unit after a scaled, decimal or approximate number")
        add = extra + tail_add
        lo = hi = lo - add if lo < 0 else lo + add
    qual, problem = _qualifier(g, pre, in_range)
    if problem:
        return _bad(start, end, problem)
    if extra_q:
        if qual not in ("exact", extra_q):
            return _bad(start, end, f"qualifiers that disagree ({qual} and {extra_q})")
        qual = extra_q
    if factor != 1.0:
        lo, hi = lo * factor, hi * factor
    r = _finish(lo, hi, code, qual, start, end, factor != 1.0 or bool(extra or tail_add))
    r.groups = g
    return r


def _finish(lo: float, hi: float, unit: str, qual: str, start: int, end: int, tidy: bool) -> _Reading:
    if tidy:  # round away float noise from sub-units and factors (0.1 × 3 → 0.30000000000000004)
        lo, hi = float(f"{lo:.15g}"), float(f"{hi:.15g}")
    if qual == "range":
        return _Reading(((lo + hi) / 2, unit, "range", lo, hi), None, start, end)
    if qual == "exact":
        return _Reading((lo, unit, qual, lo, lo), None, start, end)
    low = lo if qual == "over" else None
    high = lo if qual in ("nearly", "up_to") else None
    return _Reading((lo, unit, qual, low, high), None, start, end)


def _year_check(m: re.Match[str], g: Any, n1: str, n2: str | None) -> tuple[str, str]:
    """("skip", why) for a date or year, ("problem", why) when it may be one, else ("", "")."""
    if g.i1 or g.i3 or g.post in ("多", "余", "有余"):
        return "", ""  # 1000多年, 二十余年: durations
    for n in (n1, n2):
        if n is None:
            continue
        if n.isdigit() and ((len(n) == 4 and 1800 <= int(n) <= 2199) or (len(n) == 2 and n[0] == "0")):
            return "skip", "a year"
        if len(n) > 1 and all(c in CN_DIGITS for c in n):
            pair = len(n) == 2 and "零" not in n and "〇" not in n and _is_pair(n)
            if pair and "两" in n:
                return "", ""  # 两三年, 一两年: 两 is never a digit of a year
            if pair:
                return "problem", f"{n}年 may be a year (七八年 = 1978) or a range of years"
            return "skip", "a year written digit by digit"
    text = m.string
    after = text[m.end() : m.end() + 4]
    if _DATE_AFTER_YEAR.match(after) or after[:1] in ("代", "级", "度"):
        return "skip", "a date or decade"
    if text[max(0, m.start() - 3) : m.start()].endswith(("公元", "公元前")):
        return "skip", "a year"
    return "", ""


def _is_pair(n: str) -> bool:
    a, b = CN_DIGITS[n[0]], CN_DIGITS[n[1]]
    return b == a + 1 or (a, b) == (3, 5)


# ------------------------------------------------------------------ parse


# Full-width digits and signs to ASCII, traditional characters to simplified, in one pass.
_CLEAN_TABLE = TRADITIONAL | str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)} | {"％": "%", "．": ".", "＄": "$", "（": "(", "）": ")"}
)


def _clean(text: str) -> str:
    return "".join(text.translate(_CLEAN_TABLE).split())


def parse_quantity(text: str) -> Quantity:
    """Parse one quantity expression such as ``约60万美元`` or ``1.1万余人``.

    Args:
        text: the expression, with its qualifier words; spaces and line breaks
            inside it are ignored, full-width digits and traditional
            characters are accepted.

    Returns:
        The :class:`Quantity`.

    Raises:
        QuantityError: the text, as a whole, is not a quantity (no unit, a
            date or year, an ordinal, trailing words …) or is a form not read
            (兆, a rate such as 元/吨, an ambiguous abbreviation …); the
            message names the text and the reason.

    Examples:
        >>> parse_quantity("近20万美元")
        Quantity(value=200000.0, unit='USD', qualifier='nearly', low=None, high=200000.0)
        >>> parse_quantity("十几批").low, parse_quantity("十几批").high
        (11.0, 19.0)
    """
    if not isinstance(text, str):
        raise QuantityError(f"expected a string, got {type(text).__name__}: {text!r}")
    clean = _clean(text)
    if len(clean) > 200:
        raise QuantityError(f"{text[:40]!r}… ({len(text)} characters) is too long to be one quantity")
    m = _PATTERN.fullmatch(clean)
    if m is not None:
        r = _build(m)
        if r.quantity is not None and (r.start, r.end) == (0, len(clean)):
            return Quantity(*r.quantity)
        if r.skip:
            raise QuantityError(f"{text!r} is not a quantity: {r.skip}")
        if r.problem:
            raise QuantityError(f"{text!r} is not read: {r.problem}")
    if _IDIOM.fullmatch(clean):
        raise QuantityError(f"{text!r} is not a quantity: an idiom")
    if _NO_UNIT.fullmatch(clean) or re.fullmatch(_NUM, clean):
        raise QuantityError(f"{text!r} is not read: no unit or measure word after the number")
    if _FRACTION.fullmatch(clean):
        raise QuantityError(f"{text!r} is not read: fractions (三分之一) are not read")
    raise QuantityError(
        f"{text!r} is not a quantity: expected a number (Arabic or Chinese) with a unit "
        "or measure word, optionally with a qualifier such as 约/近/超过/余/以上"
    )
