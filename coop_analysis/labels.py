"""Names for readers: participants, what a fact is about, with whom, and when (en / zh).

Small functions over the curated tables; the reports' tables
(:mod:`coop_analysis.profiles`) and sentences (:mod:`coop_analysis.narrative`)
use them so every figure says whose it is, with which partner and for which period.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

from coop_analysis.periods import precision_of
from coop_analysis.schemas import LIST_SEP
from coop_analysis.wording import check_lang, format_date, join

__all__ = [
    "area_label",
    "cny_label",
    "event_date_label",
    "fact_partner_label",
    "join",
    "participant_label",
    "period_label",
    "subject_label",
]


def _items(cell: object) -> list[str]:
    return cell.split(LIST_SEP) if isinstance(cell, str) and cell else []


def area_label(names_zh: object, names_en: object, lang: str = "en") -> str:
    """Prefectures named in both languages (``"; "``-joined cells, as
    :func:`coop_analysis.pairings.group_pairs` gives them) as one phrase in ``lang``:
    ``Ili … Prefecture and Kizilsu … Prefecture``, ``伊犁哈萨克自治州、克孜勒苏柯尔克孜自治州``;
    ``""`` when there are none."""
    check_lang(lang)
    cell = names_zh if lang == "zh" else names_en
    items = [i for i in cell.split("; ") if i] if isinstance(cell, str) else []
    return join(items, lang)


def period_label(start: object, end: str, lang: str = "en") -> str:
    """A fact's period as precise as the source: ``2021–2025``, ``Feb 2024 – 2025``,
    ``11 Mar 2025``, ``as of 2025`` (``2021年至2025年``, ``截至2025年`` in Chinese)."""
    check_lang(lang)
    end_text = format_date(end, precision_of(end), lang)
    if not isinstance(start, str) or not start:
        return f"截至{end_text}" if lang == "zh" else f"as of {end_text}"
    if start == end:
        return end_text
    start_text = format_date(start, precision_of(start), lang)
    if lang == "zh":
        return f"{start_text}至{end_text}"
    sep = "–" if "-" not in start and "-" not in end else " – "
    return f"{start_text}{sep}{end_text}"


def event_date_label(date: str, precision: str, bound: object = "on", lang: str = "en") -> str:
    """An event's date: ``early Mar 2025``, ``after early Mar 2025``, ``2021 or later``
    (``2025年3月初之后``, ``2021年以来``)."""
    text = format_date(date, precision, lang)
    if bound == "after":
        return f"{text}之后" if lang == "zh" else f"after {text}"
    if bound == "since":
        return f"{text}以来" if lang == "zh" else f"{text} or later"
    return text


def _province_names(lang: str) -> dict[str, str]:
    from coop_analysis.regions import province_names

    return province_names(lang)


def _participants() -> dict[tuple[str, str], Any]:
    from coop_analysis.datasets import table_version

    return _participants_for(table_version("participants"))


@cache
def _participants_for(version: str) -> dict[tuple[str, str], Any]:
    from coop_analysis.attribution import participant_rows
    from coop_analysis.datasets import load_participants

    return participant_rows(load_participants())


@cache
def _org_names(version: str, lang: str) -> dict[str, str]:
    """Organization names by id (cached per version of organizations.csv)."""
    from coop_analysis.datasets import load_organizations

    orgs = load_organizations()
    return dict(zip(orgs["org_id"], orgs["name_zh" if lang == "zh" else "name_en"], strict=True))


def participant_label(row: Any, lang: str = "en", *, with_province: bool = False) -> str:
    """A participant's name for readers (row of participants.csv): a province's name, an
    organization's name, a city's or group's English label (its Chinese words in ``zh``)."""
    from coop_analysis.datasets import table_version

    check_lang(lang)
    names = _province_names(lang)
    ptype, who = row.participant_type, row.participant
    if ptype == "province":
        return names.get(who, who)
    if ptype == "organization":
        name = _org_names(table_version("organizations"), lang).get(who, who)
    elif lang == "zh":
        name = who
    else:
        name = row.label_en if isinstance(row.label_en, str) and row.label_en else who
    prov = row.province if isinstance(row.province, str) and row.province else ""
    if with_province and prov:
        return f"{name}（{names.get(prov, prov)}）" if lang == "zh" else f"{name} ({prov})"
    return name


def subject_label(fact: Any, lang: str = "en") -> str:
    """What a fact describes: ``Ningxia as a whole``, an initiative's title, an event,
    an organization, or a city with its province (``Ningbo (Zhejiang)``)."""
    from coop_analysis.datasets import load_events, load_initiatives

    check_lang(lang)
    zh = lang == "zh"
    stype, subject = fact.subject_type, fact.subject
    if stype == "region":
        name = _province_names(lang).get(subject, subject)
        return f"{name}整体" if zh else f"{name} as a whole"
    if stype == "initiative":
        ini = load_initiatives().set_index("initiative_id")
        return str(ini.at[subject, "title_zh" if zh else "title_en"])
    if stype == "event":
        ev = load_events().set_index("event_id")
        return str(ev.at[subject, "what_zh" if zh else "what_en"])
    row = _participants().get((fact.initiative_id, subject))
    return str(subject) if row is None else participant_label(row, lang, with_province=True)


def fact_partner_label(fact: Any, province: str, lang: str = "en") -> str:
    """With whom, seen from ``province``'s report: the fact's partner provinces (several:
    one shared figure, ``… together``) and its counterpart; from the partner's side, the
    province the fact is counted for."""
    check_lang(lang)
    names = _province_names(lang)
    if fact.province != province:
        return names.get(fact.province, fact.province)
    items = [names.get(p, p) for p in _items(fact.partner)]
    text = join(items, lang, together=True) if items else ""
    counterpart = fact.counterpart if isinstance(fact.counterpart, str) and fact.counterpart else ""
    if counterpart:
        row = _participants().get((fact.initiative_id, counterpart))
        label = counterpart if row is None else participant_label(row, lang)
        text = join([text, label], lang) if text else label
    return text


_QUAL_ZH = {"approx": "约", "nearly": "近", "over": "超过", "up_to": "最多", "exact": ""}


def _yuan(value: float) -> str:
    if value >= 1e8:
        return f"{value / 1e8:.3g}亿元"
    if value >= 1e4:
        return f"{value / 1e4:.3g}万元"
    return f"{value:,.0f}元"


def cny_label(fact: Any, lang: str = "en") -> str:
    """A foreign-currency figure's CNY equivalent, labelled as converted; ``""`` when
    the figure is stated in CNY or is not money.

    ``fact`` carries the columns :func:`coop_analysis.money.to_cny` adds (``value_cny``,
    ``low_cny``, ``high_cny``, ``rate_year``, ``conversion``) and the fact's ``qualifier``,
    which the equivalent keeps: ``≈ CNY 4.31 m (converted at the 2025 average rate)``,
    ``折合人民币约431万元（按2025年年均汇率折算）``. A figure without a rate says so.
    """
    from coop_analysis.wording import format_quantity

    check_lang(lang)
    status = getattr(fact, "conversion", "")
    if status in ("no_rate", "no_year"):
        return "无可用汇率，未折算" if lang == "zh" else "not converted (no rate for its year)"
    if status != "converted":
        return ""
    year = int(fact.rate_year)
    if lang == "zh":
        if fact.qualifier == "range":
            amount = f"{_yuan(fact.low_cny)}至{_yuan(fact.high_cny)}"
        else:
            amount = _QUAL_ZH.get(fact.qualifier, "") + _yuan(fact.value_cny)
        return f"折合人民币{amount}（按{year}年年均汇率折算）"
    equivalent = SimpleNamespace(value=fact.value_cny, low=fact.low_cny, high=fact.high_cny, unit="CNY",
                                 qualifier=fact.qualifier, raw="")  # fmt: skip
    return f"{format_quantity(equivalent, 'en')} (converted at the {year} average rate)"
