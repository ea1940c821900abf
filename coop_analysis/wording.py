"""Words for readers, in English or Chinese: labels of ids, figures with their qualifier, dates.

Pure formatting over single values (no tables loaded): the report tables
(:mod:`coop_analysis.profiles`), sentences (:mod:`coop_analysis.narrative`,
:mod:`coop_analysis.story`) and names (:mod:`coop_analysis.labels`) all use it,
so it imports none of them.

A figure never reads more precise than its source. In English the qualifier is
written as words chosen from the source's own marker — ``about`` (约),
``nearly`` (近), ``more than`` (超过, 余, 以上), ``at least`` (至少, 不少于),
``under`` (不到, 不足), ``up to`` (最高, 最多, 不超过, 以内) — and a range stays
a range (``11–19``); in Chinese the figure is the source's own wording.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "LANGS",
    "check_lang",
    "count_label",
    "format_date",
    "format_quantity",
    "join",
    "mechanism_label",
    "pairing_label",
    "qualifier_words",
    "region_label",
    "sector_label",
]

LANGS = ("en", "zh")

_MECHANISMS = {
    "tech_commissioners": ("science and technology commissioners", "科技特派员"),
    "joint_projects": ("joint projects", "联合项目"),
    "science_enclave": ("science enclaves", "科创飞地"),
    "co_built_park": ("co-built industrial park", "共建产业园区"),
    "industrial_chain": ("industrial chain cooperation", "产业链协作"),
    "matchmaking_fair": ("matchmaking fair", "对接洽谈会"),
    "study_visit": ("study visit", "考察调研"),
    "pilot_program": ("pilot programme", "合作试点"),
    "fund": ("fund", "基金"),
    "financial_services": ("financial services", "金融服务"),
    "university_partnership": ("university partnership", "校地合作"),
    "platform": ("shared platform", "合作平台"),
    "academy_partnership": ("academy–locality partnership", "院地合作"),
    "agreement": ("cooperation agreement", "合作协议"),
    "expert_aid": ("intellectual aid", "智力援助"),
}
_SECTORS = {
    "agriculture": ("agriculture", "农业"),
    "biomedicine": ("biomedicine", "生物医药"),
    "chemicals": ("chemicals", "化工"),
    "new_materials": ("new materials", "新材料"),
    "energy": ("energy", "能源"),
    "optoelectronics": ("optoelectronics", "光电"),
    "advanced_manufacturing": ("advanced manufacturing", "先进制造"),
    "information_technology": ("information technology", "信息技术"),
    "finance": ("finance", "金融"),
    "food_processing": ("food processing", "食品加工"),
    "general": ("general", "综合"),
}
_REGIONS = {
    "east": ("eastern", "东部"),
    "central": ("central", "中部"),
    "west": ("western", "西部"),
    "northeast": ("north-eastern", "东北"),
}
_PAIR_KIND = {
    "east_west_cooperation": ("East–West cooperation pair (2021)", "东西部协作结对（2021年）"),
    "counterpart_support": ("counterpart support", "对口支援"),
}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_CURRENCY_EN = {"CNY": "CNY", "USD": "US$", "EUR": "€", "HKD": "HK$", "JPY": "¥", "GBP": "£"}
#: The English words of a qualifier: the default, then (marker in the source's wording, words).
_QUAL_WORDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "approx": ("about", ()),
    "nearly": ("nearly", ()),
    "over": ("more than", (("至少", "at least"), ("不少于", "at least"), ("不低于", "at least"))),
    "up_to": ("up to", (("不到", "under"), ("不足", "under"), ("未满", "under"))),
}


def check_lang(lang: object) -> str:
    """Return ``lang`` if it is ``en`` or ``zh``, else raise ValueError naming the parameter."""
    if not isinstance(lang, str) or lang not in LANGS:
        raise ValueError(f"lang: expected one of {list(LANGS)}, got {lang!r}")
    return lang


def _pick(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    return key.replace("_", " ") if pair is None else pair[1 if lang == "zh" else 0]


def mechanism_label(mechanism: str, lang: str = "en") -> str:
    """Display label of a mechanism id."""
    return _pick(_MECHANISMS, mechanism, lang)


def sector_label(sector: str, lang: str = "en") -> str:
    """Display label of a sector id."""
    return _pick(_SECTORS, sector, lang)


def _num(v: float) -> str:
    if v >= 1e9:
        return f"{v / 1e9:.3g} bn"
    if v >= 1e6:
        return f"{v / 1e6:.3g} m"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def _amount(v: float, unit: str) -> str:
    if unit in _CURRENCY_EN:
        sym = _CURRENCY_EN[unit]
        return f"{sym} {_num(v)}" if sym.isalpha() else f"{sym}{_num(v)}"
    if unit == "percent":
        return f"{_num(v)}%"
    if unit in ("pp", "bp"):
        return f"{_num(v)} {unit}"
    return _num(v)


def qualifier_words(qualifier: str, raw: object = "") -> str:
    """The English words of a qualifier (``""`` for exact), chosen by the marker in ``raw``:
    ``over`` is "more than" unless the source says 至少/不少于 ("at least"); ``up_to`` is
    "up to" unless it says 不到/不足 ("under")."""
    if qualifier not in _QUAL_WORDS:
        return ""
    default, markers = _QUAL_WORDS[qualifier]
    text = str(raw) if isinstance(raw, str) else ""
    return next((words for marker, words in markers if marker in text), default)


def format_quantity(fact: Any, lang: str = "en") -> str:
    """A fact's figure for display, never more precise than the source.

    In Chinese the figure is the source's own wording (``raw``). In English the
    qualifier is written as words (see the module docstring) and a range stays
    a range: ``more than 2,000``, ``about US$600,000``, ``under 50``, ``11–19``,
    ``CNY 1.17 bn``.

    Args:
        fact: a row with ``value, unit, qualifier, low, high`` (and ``raw``: the
            Chinese text, and the marker that picks the English words).
        lang: ``en`` or ``zh``.
    """
    check_lang(lang)
    raw = getattr(fact, "raw", "")
    if lang == "zh":
        return str(raw)
    if fact.qualifier == "range":
        return f"{_amount(fact.low, fact.unit)}–{_amount(fact.high, fact.unit)}"
    words = qualifier_words(str(fact.qualifier), raw)
    body = _amount(fact.value, fact.unit)
    return f"{words} {body}" if words else body


def format_date(date: str, precision: str = "day", lang: str = "en") -> str:
    """An ISO (possibly partial) date as precise as the source: ``early Mar 2025``, ``2025年3月初``."""
    check_lang(lang)
    parts = str(date).split("-")
    y = parts[0]
    m = int(parts[1]) if len(parts) > 1 else None
    d = int(parts[2]) if len(parts) > 2 else None
    if lang == "zh":
        out = f"{y}年"
        if m:
            out += f"{m}月"
        if d and precision == "day":
            out += f"{d}日"
        return out + {"early_month": "初", "end_month": "底"}.get(precision, "")
    if m is None:
        return y
    month = f"{_MONTHS[m - 1]} {y}"
    if d and precision == "day":
        return f"{d} {month}"
    return {"early_month": f"early {month}", "end_month": f"end of {month}"}.get(precision, month)


def join(items: list[str], lang: str, *, together: bool = False) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``a、b、c`` in Chinese); ``together`` adds
    that one figure is shared (``… together`` / ``…合计``) when there are several."""
    if lang == "zh":
        text = "、".join(items)
        return text + ("合计" if together and len(items) > 1 else "")
    text = " and ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + " and " + items[-1]
    return text + (" together" if together and len(items) > 1 else "")


def region_label(macro_region: str, lang: str = "en") -> str:
    """``western``, ``东部`` … for a macro-region id."""
    return _pick(_REGIONS, macro_region, lang)


def pairing_label(kind: str, area: str = "", lang: str = "en") -> str:
    """A pairing kind for display, with the supported prefecture if any."""
    label = _pick(_PAIR_KIND, kind, lang)
    if not area:
        return label
    return f"{label}：{area}" if lang == "zh" else f"{label}: {area}"


def count_label(n: int, singular: str, plural: str | None = None) -> str:
    """``1 initiative``, ``3 initiatives`` (English prose; ``plural`` for irregular nouns)."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
