"""Reading the number part of a quantity: Arabic, Chinese and financial numerals.

:func:`read_number` takes the number as written, scale words included
(``1.5万``, ``三千零五``, ``一点二万亿``, ``3亿5000万``, ``壹佰贰拾``) and returns its
``(low, high)`` reading; the two are equal for an exact number and differ for
the forms that mean a range (``十几`` 11–19, ``几十`` 10–90, ``数百`` 100–900,
``五六`` 5–6, ``二十七八`` 27–28, ``三四百万`` 3–4 million).

The reader is strict on purpose: a form it does not fully understand raises
:class:`~coop_analysis.errors.QuantityError` with the reason, it is never read
in part. Rejected, among others: digits written one by one (``二〇二三``,
``五七``: a year or a code, not a count), ``兆`` (10^6 in mainland usage,
10^12 in Taiwan's), an abbreviated last digit that could be read two ways
(``一亿五千`` without a unit word after it, ``5万3``), units out of order, more
significant digits than a float holds exactly (15), and numbers too large to be
finite.

Why not ``cn2an``: its ``smart`` mode reads ``五六`` as 56 and ``二〇二三`` as
2023, and raises ``OverflowError``/``KeyError`` on some inputs; here those
forms must be ranges, years or errors. The tests still use ``cn2an.an2cn`` to
render numbers in its modes and check that they read back.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from coop_analysis.errors import QuantityError

__all__ = ["CN_DIGITS", "CN_NUMERAL_CHARS", "FINANCIAL_DIGITS", "MAX_SIGNIFICANT_DIGITS", "read_number"]

#: Chinese digits, financial forms (大写) included; 〇 and 零 are zero, 两 is two.
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
FINANCIAL_DIGITS = frozenset("壹贰叁肆伍陆柒捌玖拾佰仟")
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10**4, "亿": 10**8}
#: Every character a Chinese numeral may hold (wildcard 几 and decimal 点 included).
CN_NUMERAL_CHARS = frozenset(CN_DIGITS) | frozenset(_SMALL_UNITS) | frozenset(_BIG_UNITS) | frozenset("几点")
#: A float holds 15 significant decimal digits exactly; a longer number is refused, not rounded.
MAX_SIGNIFICANT_DIGITS = 15

_UNIT_VALUE = {**_SMALL_UNITS, **_BIG_UNITS}
_ARABIC_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
# Adjacent digits that mean "this or the next" (五六 = 5 or 6); 三五 is the usual "three to five".
_ADJACENT = {(a, b) for a in range(1, 9) for b in (a + 1,)} | {(3, 5)}


_SIMPLE_ARABIC = re.compile(r"(\d+(?:[,，]\d{3})*)(?:\.(\d+))?([万亿千百]{0,2})")
_SCALE_VALUE = {"": 1, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "千万": 10**7, "百万": 10**6,
                "万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿亿": 10**16}  # fmt: skip


def _simple_arabic(text: str) -> float | None:
    """Fast exact path for ``1,234.5`` with at most a scale word after it (``1.17亿``); None otherwise."""
    m = _SIMPLE_ARABIC.fullmatch(text)
    if m is None or m.group(3) not in _SCALE_VALUE:
        return None
    whole, frac, scale = m.groups()
    if "," in whole or "，" in whole:
        head, *groups = whole.replace("，", ",").split(",")
        if len(head) > 3:
            return None  # the careful path says what is wrong
        whole = head + "".join(groups)
    frac = frac or ""
    digits = (whole + frac).lstrip("0").rstrip("0")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        return None
    mantissa = int(whole + frac) * _SCALE_VALUE[scale]
    # exact integer arithmetic, one correctly rounded division at the end
    return float(mantissa) if not frac else mantissa / 10 ** len(frac)


class _Bad(Exception):
    """Internal: the numeral is malformed (the message says how)."""


def _small_section(s: str) -> int:
    """A Chinese number below 10,000 (``三千零五``, ``十二``, ``一千二百五``), strictly."""
    total = 0
    pending: int | None = None  # a digit waiting for its unit
    last_unit = 10**4
    after_zero = False
    start = True
    prev = ""
    for ch in s:
        if ch in "十拾" and prev == "两":
            raise _Bad("两十 is not a number")
        prev = ch
        if ch in CN_DIGITS:
            d = CN_DIGITS[ch]
            if pending is not None:
                raise _Bad("digits written one after another")
            if d == 0:
                after_zero = True
                start = False
                continue
            pending = d
            if ch == "两" and last_unit == 10:
                raise _Bad("两 as a last digit (二十两 is a weight)")
        elif ch in _SMALL_UNITS:
            u = _SMALL_UNITS[ch]
            if u >= last_unit:
                raise _Bad(f"{ch} out of order")
            if pending is None:
                if u == 10 and (start or after_zero):
                    pending = 1  # 十二 = 12, 一千零十 = 1010
                else:
                    raise _Bad(f"{ch} without a digit")
            total += pending * u
            last_unit = u
            pending = None
            after_zero = False
        else:
            raise _Bad(f"{ch} is not a numeral")
        start = False
    if pending is not None:
        if last_unit == 10**4 or last_unit == 10 or after_zero:
            total += pending  # 五, 二十五, 一百零五
        else:
            if s[-1] == "两":
                raise _Bad("两 as an abbreviated last digit")
            total += pending * last_unit // 10  # 三千五 = 3500, 一百二 = 120
    elif after_zero and total:
        raise _Bad("a trailing 零")
    return total


def _split_big(s: str) -> tuple[str, str, int] | None:
    """Split at the last 亿 (else the last 万): (left, right, unit value)."""
    for big in ("亿", "万"):
        i = s.rfind(big)
        if i >= 0:
            return s[:i], s[i + 1 :], _BIG_UNITS[big]
    return None


def _cn_int(s: str) -> int:
    """A Chinese integer with 万/亿 (``一亿两千三百``, ``两万亿``, ``一万零八百``)."""
    split = _split_big(s)
    if split is None:
        return _small_section(s)
    left, right, unit = split
    if not left:
        raise _Bad("a scale word without a number before it")
    if left[-1] == "零":
        raise _Bad(f"零 before {s[len(left)]}")
    high = _cn_int(left) * unit
    if not right:
        return high
    had_zero = right[0] in "零〇"
    right = right.lstrip("零〇")
    if not right:
        raise _Bad("a trailing 零")
    if len(right) == 1 and right in CN_DIGITS and not had_zero:
        if len(left) != 1 or left not in CN_DIGITS:
            raise _Bad(f"an abbreviated last digit after {left}{s[len(left)]}")
        return high + CN_DIGITS[right] * unit // 10  # 一万五 = 15000, 三亿五 = 3.5亿
    low = _cn_int(right)
    if low >= unit:
        raise _Bad("the part after a scale word is as large as the scale")
    if unit == 10**8 and not had_zero and "万" not in right and len(right) == 2 and right[1] in "千仟":
        raise _Bad("一亿五千 may be 100,005,000 or 150,000,000 (一亿五千万)")
    return high + low


def _arabic_plain(s: str) -> Decimal:
    """``1,234.5`` (``,`` or ``，`` between groups of three digits)."""
    if "," in s or "，" in s:
        head, *groups = s.replace("，", ",").split(",")
        last = groups[-1].split(".")[0]
        if not (1 <= len(head) <= 3 and all(len(g) == 3 for g in groups[:-1]) and len(last) == 3):
            raise _Bad("thousands separators in the wrong places")
        s = s.replace(",", "").replace("，", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        raise _Bad("not a number") from None


def _arabic_small(s: str) -> Decimal:
    """Arabic digits with 千/百 sections below 万 (``3千5百``, ``5000``, ``1.5千``)."""
    if not any(c in "千百十" for c in s):
        return _arabic_plain(s)
    total = Decimal(0)
    last = 10**4
    num = ""
    for ch in s:
        if ch in "千百十":
            u = _ARABIC_UNITS[ch]
            if not num or u >= last:
                raise _Bad(f"{ch} out of order or without a number")
            total += _arabic_plain(num) * u
            last, num = u, ""
        else:
            num += ch
    if num:
        raise _Bad(f"digits {num} after {s[: len(s) - len(num)]} (abbreviated?)")
    return total


def _arabic(s: str) -> Decimal:
    """Arabic digits with scale words (``1.5万``, ``3亿5000万``, ``1万2345``, ``2万5千``)."""
    split = _split_big(s)
    if split is None:
        return _arabic_small(s)
    left, right, unit = split
    if not left:
        raise _Bad("a scale word without a number before it")
    high = _arabic(left) * unit
    if not right:
        return high
    if "." in left:
        raise _Bad("a decimal followed by more digits")
    if right.isdigit():
        digits = 4 if unit == 10**4 else 8
        if len(right) != digits:
            raise _Bad(f"{right} after {s[len(left)]}: abbreviated or with dropped zeros, it is ambiguous")
        return high + int(right)
    low = _arabic(right)
    if low >= unit or "." in right:
        raise _Bad("the part after a scale word does not fit below it")
    return high + low


def _cn_decimal(s: str) -> Decimal:
    """``三点二``, ``十二点五亿``, ``一百二十点五万``, ``七点五千亿``."""
    whole, frac_scale = s.split("点", 1)
    frac = ""
    for i, ch in enumerate(frac_scale):
        if ch in CN_DIGITS and ch != "两":
            frac += str(CN_DIGITS[ch])
        else:
            scale_txt = frac_scale[i:]
            break
    else:
        scale_txt = ""
    if not whole or not frac:
        raise _Bad("点 without digits on both sides")
    scale = 1
    for ch in scale_txt:
        if ch not in _UNIT_VALUE:
            raise _Bad(f"{ch} after a decimal")
        scale *= _UNIT_VALUE[ch]
    if scale_txt in ("十", "拾"):
        raise _Bad("十 after a decimal")
    return (Decimal(_cn_int(whole)) + Decimal("0." + frac)) * scale


def _cn_exact(s: str) -> Decimal:
    if "点" in s:
        return _cn_decimal(s)
    if s[0] in _UNIT_VALUE and s[0] not in "十拾":
        # A bare scale word (千, 百万, 千亿): a round number; whether it may stand
        # alone (上千, 千余, 近百) is the caller's decision.
        if s not in _SCALE_VALUE:
            raise _Bad(f"{s} is not a scale word (百, 千, 万, 亿, 千万, 百万, 千亿, 万亿 …)")
        return Decimal(_SCALE_VALUE[s])
    digits = [c for c in s if c in CN_DIGITS]
    if len(digits) == len(s) and len(s) > 1:
        raise _Bad("digits written one by one (a year or a code, not a count)")
    return Decimal(_cn_int(s))


def _adjacent_pair(s: str) -> int | None:
    """Index of the first of two adjacent digits meaning "this or the next" (五六, 三四百), or None."""
    found = None
    for i in range(len(s) - 1):
        a, b = s[i], s[i + 1]
        if a in CN_DIGITS and b in CN_DIGITS and a not in "零〇" and b not in "零〇":
            if (CN_DIGITS[a], CN_DIGITS[b]) not in _ADJACENT or found is not None:
                raise _Bad("digits written one after another")
            found = i
    return found


def _check(value: Decimal, text: str) -> float:
    digits = value.normalize().as_tuple().digits
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        raise QuantityError(
            f"{text!r} has {len(digits)} significant digits; more than {MAX_SIGNIFICANT_DIGITS} cannot be held "
            "exactly and are refused rather than rounded"
        )
    out = float(value)
    if out in (float("inf"), float("-inf")):
        raise QuantityError(f"{text!r} is too large to be a number")
    return out


@lru_cache(maxsize=8192)
def read_number(text: str) -> tuple[float, float]:
    """Read a number with its scale words; ``(low, high)``, equal when exact.

    Args:
        text: the number as written, without sign, unit or qualifier: Arabic
            (``1,234.5``, ``1.5万``, ``3亿5000万``) or Chinese (``三千零五``,
            ``一点五万``, ``壹佰贰拾``, ``十几``, ``数百``, ``五六``, ``二十七八``);
            traditional characters must be mapped to simplified ones first.

    Raises:
        QuantityError: the form is not fully understood (see the module doc).
    """
    try:
        if not text:
            raise _Bad("no number")
        if len(text) > 200:
            raise _Bad("longer than any number written in a text")
        if text[0].isdigit():
            fast = _simple_arabic(text)
            if fast is not None:
                return fast, fast
            if not text.isascii() and any(c in CN_DIGITS or c in FINANCIAL_DIGITS for c in text):
                raise _Bad("Arabic and Chinese digits mixed")
            v = _arabic(text)
            return (_check(v, text),) * 2  # type: ignore[return-value]
        if text[0] == "数":
            text = "几" + text[1:]
        if "几" in text:
            if text.count("几") > 1 or "点" in text:
                raise _Bad("几 more than once or with a decimal")
            i = text.index("几")
            nxt = text[i + 1 : i + 2]
            if nxt and nxt not in _UNIT_VALUE:
                raise _Bad("几 followed by a digit")
            low, high = _cn_exact(text.replace("几", "一")), _cn_exact(text.replace("几", "九"))
            if i > 0 and text[i - 1] in "十拾" and not nxt:
                pass  # 十几 = 11–19, 二十几 = 21–29
            elif not nxt:
                raise _Bad("几 as a last digit after a non-ten unit")
            return _check(low, text), _check(high, text)
        if "点" not in text:
            pair = _adjacent_pair(text)
            if pair is not None:
                a, b = text[pair], text[pair + 1]
                low = _cn_exact(text[:pair] + a + text[pair + 2 :])
                high = _cn_exact(text[:pair] + b + text[pair + 2 :])
                if not low < high:
                    raise _Bad("adjacent digits that do not form a range")
                return _check(low, text), _check(high, text)
        v = _cn_exact(text)
        return (_check(v, text),) * 2  # type: ignore[return-value]
    except _Bad as exc:
        raise QuantityError(f"{text!r} is not a number we read: {exc}") from None
    except RecursionError:
        raise QuantityError(f"{text!r} is not a number we read: too deeply nested") from None
