"""Data-driven report text in English or Chinese.

Nothing here is written per region: every sentence is assembled from the
curated tables, and every number keeps its qualifier as the source states it
(≈ 约, < 近, > 超过/余, ≤ 最高/不到, ranges as ranges) with its fact id, so a
reader can follow it back to the quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coop_analysis.markup import md_escape
from coop_analysis.schemas import LIST_SEP

if TYPE_CHECKING:
    from coop_analysis.profiles import RegionProfile

__all__ = [
    "HEADERS",
    "LANGS",
    "Table",
    "check_lang",
    "count_label",
    "for_readers",
    "format_date",
    "format_quantity",
    "headline",
    "mechanism_label",
    "overview_headline",
    "overview_summary",
    "pairing_label",
    "pairing_sentence",
    "report_title",
    "sector_label",
    "show",
    "summary",
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
_QUAL_EN = {"exact": "", "approx": "≈", "nearly": "<", "over": ">", "up_to": "≤"}


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


def format_quantity(fact: Any, lang: str = "en") -> str:
    """A fact's figure for display, never more precise than the source.

    In Chinese the figure is the source's own wording (``raw``). In English
    the qualifier becomes a sign (≈ approx, < nearly, > over, ≤ up to) and a
    range stays a range: ``> 2,000``, ``≈ US$600,000``, ``11–19``,
    ``CNY 1.17 bn``.

    Args:
        fact: a row with ``value, unit, qualifier, low, high`` (and ``raw`` for zh).
        lang: ``en`` or ``zh``.
    """
    check_lang(lang)
    if lang == "zh":
        return str(fact.raw)
    if fact.qualifier == "range":
        return f"{_amount(fact.low, fact.unit)}–{_amount(fact.high, fact.unit)}"
    sign = _QUAL_EN.get(fact.qualifier, "")
    body = _amount(fact.value, fact.unit)
    return f"{sign} {body}" if sign else body


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


def _join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _labels(items: list[str], lang: str) -> list[str]:
    if lang == "en":
        return items
    from coop_analysis.regions import province_names

    names = province_names("zh")
    return [names.get(i, i) for i in items]


def summary(profile: RegionProfile, lang: str = "en") -> str:
    """The report's opening text (Markdown), built from the profile's tables only."""
    check_lang(lang)
    zh = lang == "zh"
    p = profile.province
    name = str(p["short_zh"] if zh else p["name_en"])
    region = _pick(_REGIONS, str(p["macro_region"]), lang)
    wd = ("，属西部大开发地区" if zh else "; Western Development area") if bool(p["western_development"]) else ""
    intro = f"**{name}**（{region}地区{wd}）" if zh else f"**{name}** ({region} region{wd})"
    paras = []
    if not profile.has_records:
        from coop_analysis.datasets import load_facts, load_sources

        n_src, n_facts = len(load_sources()), len(load_facts())
        paras.append(
            f"{intro}在现有资料（{n_src}份来源、{n_facts}条数据）中没有东西部科技合作记录。"
            if zh
            else f"{intro}: the current sources ({count_label(n_src, 'source')}, {count_label(n_facts, 'fact')}) hold no record of East–West "
            "science and technology cooperation for this province."
        )
    else:
        from coop_analysis import story

        ini = profile.initiatives
        mech = sorted({m for cell in ini["mechanism"] for m in cell.split(LIST_SEP)})
        sectors = sorted({s for cell in ini["sectors"] for s in cell.split(LIST_SEP)} - {"general"})
        paras.append(intro + ("" if zh else " ") + md_escape(story.role_sentences(profile, lang)))
        mech_txt = _join([mechanism_label(m, lang) for m in mech], lang)
        sec_txt = _join([sector_label(s, lang) for s in sectors], lang)
        paras.append(
            (f"合作机制：{mech_txt}。" + (f"涉及领域：{sec_txt}。" if sectors else ""))
            if zh
            else f"Mechanisms: {mech_txt}." + (f" Sectors: {sec_txt}." if sectors else "")
        )
        top = story.headline_facts(profile)
        if top:
            items = [md_escape(story.fact_phrase(f, lang, profile.name)) for f in top]
            paras.append(
                ("主要数字：" + "；".join(items) + "。") if zh else ("Headline figures: " + "; ".join(items) + ".")
            )
    paras.append(pairing_sentence(profile, lang))
    return "\n\n".join(paras)


def pairing_label(kind: str, area: str = "", lang: str = "en") -> str:
    """A pairing kind for display, with the supported prefecture if any."""
    label = _pick(_PAIR_KIND, kind, lang)
    if not area:
        return label
    return f"{label}：{area}" if lang == "zh" else f"{label}: {area}"


def pairing_sentence(profile: RegionProfile, lang: str = "en") -> str:
    """Official pairings of the province and which cooperation in the sources goes beyond them
    (Markdown: the data's text escaped)."""
    from coop_analysis.profiles import partner_table

    zh = lang == "zh"
    table = partner_table(profile, lang)
    official = table[table["kinds"] != ""]
    beyond = table[(table["kinds"] == "") & table["in_sources"]]
    if len(official):
        items = [f"{r.label}（{r.official}）" if zh else f"{r.label} ({r.official})" for r in official.itertuples()]
        text = ("官方结对：" + "；".join(items) + "。") if zh else ("Official pairings: " + "; ".join(items) + ".")
        if profile.has_records and not official["in_sources"].any():
            text += (
                "资料中的合作均不在官方结对之内。"
                if zh
                else " None of the cooperation in the sources is with an official partner."
            )
    else:
        text = (
            "该省无东西部协作或对口支援结对。"
            if zh
            else "The province has no official East–West or counterpart-support pairing."
        )
    if len(beyond):
        labels = _join(list(beyond["label"]), lang)
        text += f"超出官方结对的合作方：{labels}。" if zh else f" Cooperation beyond the official pairs: {labels}."
    from coop_analysis.story import pairing_scope

    return md_escape(text + ("" if zh else " ") + pairing_scope(profile.name, lang))


def headline(profile: RegionProfile, lang: str = "en") -> dict[str, Any]:
    """Fields for the report index: region, one-line headline, fact and initiative counts.

    The headline is the region's leading figure (:func:`coop_analysis.story.headline_facts`:
    its own cooperation totals first, never one organization's figure; for an eastern
    province, what it does with a western partner), with whom and when; without one,
    its initiatives and partners.
    """
    from coop_analysis import story

    check_lang(lang)
    top = story.headline_facts(profile, 1)
    if top:
        line = story.fact_phrase(top[0], lang, profile.name)
    elif len(profile.initiatives):
        line = story.no_figures_line(profile, lang)
    else:
        line = "资料中暂无记录" if lang == "zh" else "no records in the current sources"
    return {
        "region": profile.name,
        "headline": line,
        "n_facts": len(profile.facts),
        "n_initiatives": len(profile.initiatives),
    }


def report_title(profile: RegionProfile, lang: str = "en") -> str:
    """The report's title line (Markdown)."""
    check_lang(lang)
    if lang == "zh":
        return f"# {profile.province['short_zh']}：东西部科技合作报告"
    return f"# {profile.name}: East–West science and technology cooperation"


class Table:
    """A DataFrame shown whole: every row and the full text of every cell, no index.

    Notebooks display it as HTML; its plain-text form (what nbval compares) is
    deterministic. The frame itself is ``.frame``.
    """

    def __init__(self, frame: Any) -> None:
        self.frame = frame

    def _shown(self) -> Any:
        """The frame with every missing cell blank: ``na_rep`` does not reach pd.NA in string columns."""
        return self.frame.astype(object).where(self.frame.notna(), "")

    def _repr_html_(self) -> str:
        import pandas as pd

        with pd.option_context("display.max_colwidth", None, "display.max_rows", None):
            table = str(self._shown().to_html(index=False, border=0, classes="coop-table"))
        # Text reads best left-aligned (notebook CSS right-aligns cells).
        return table.replace("<td>", '<td style="text-align:left">').replace("<th>", '<th style="text-align:left">')

    def __repr__(self) -> str:
        import pandas as pd

        with pd.option_context("display.max_colwidth", None, "display.max_rows", None, "display.width", 10_000):
            return str(self._shown().to_string(index=False))

    def __len__(self) -> int:
        return len(self.frame)


#: Column headers for readers (English, Chinese); other columns keep their names.
HEADERS: dict[str, tuple[str, str]] = {
    "fact_id": ("fact", "编号"),
    "event_id": ("event", "编号"),
    "initiative": ("initiative", "合作项目"),
    "metric": ("metric", "指标"),
    "figure": ("figure", "数值"),
    "whose": ("whose figure", "数据主体"),
    "with_whom": ("with", "合作对象"),
    "period": ("period", "时期"),
    "cny": ("in CNY", "折合人民币"),
    "raw": ("as written", "原文数字"),
    "quote": ("quote", "原句"),
    "source": ("source", "来源"),
    "label": ("partner", "合作方"),
    "initiatives": ("initiatives", "合作项目数"),
    "official": ("official pairing", "官方结对"),
    "in_sources": ("in the sources", "资料中有合作"),
    "lead": ("lead", "牵头省份"),
    "partners": ("partners", "合作方"),
    "mechanisms": ("mechanisms", "合作机制"),
    "sectors": ("sectors", "领域"),
    "since": ("since", "起始"),
    "status": ("status", "状态"),
    "summary": ("summary", "简介"),
    "via": ("through", "参与方"),
    "role": ("side", "角色"),
    "published": ("published", "发布时间"),
    "facts": ("facts", "数据条数"),
    "firm_links": ("firm-only links", "仅企业层面关联"),
    "name": ("name", "名称"),
    "type": ("type", "类型"),
    "province": ("province", "省份"),
    "date": ("date", "日期"),
    "place": ("place", "地点"),
    "what": ("what happened", "事件"),
    "pair_id": ("pair", "结对"),
    "kind": ("kind", "类型"),
    "east_province": ("east / supporter", "东部/支援方"),
    "west_province": ("west / supported", "西部/受援方"),
    "west_area_en": ("area", "地区"),
    "covered": ("covered", "资料覆盖"),
}
_YES_NO = {"en": ("yes", "no"), "zh": ("是", "否")}


def for_readers(table: Any, lang: str = "en", hide: Sequence[str] = ()) -> Any:
    """A copy of ``table`` for display: ``hide`` columns dropped, headers from
    :data:`HEADERS` in ``lang``, true/false written as yes/no (是/否).

    Raises:
        ValueError: a column in ``hide`` is not in the table, or a bad ``lang``.
    """
    check_lang(lang)
    missing = [c for c in hide if c not in table.columns]
    if missing:
        raise ValueError(f"hide: no column(s) {missing} in the table (it has {list(table.columns)})")
    out = table.drop(columns=list(hide))
    yes, no = _YES_NO[lang]
    for col in out.columns:
        if str(out[col].dtype) in ("bool", "boolean"):
            out[col] = out[col].map(lambda v: "" if v is None or v != v else (yes if v else no)).astype("string")
    i = 1 if lang == "zh" else 0
    return out.rename(columns={c: HEADERS[c][i] for c in out.columns if c in HEADERS})


def count_label(n: int, singular: str, plural: str | None = None) -> str:
    """``1 initiative``, ``3 initiatives`` (English prose; ``plural`` for irregular nouns)."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def show(table: Any, lang: str = "en", empty: str | None = None, hide: Sequence[str] = ()) -> Any:
    """A table for display in full (:class:`Table`) with readers' headers (see :func:`for_readers`),
    or a short note when it has no rows."""
    from IPython.display import Markdown

    if table is None or len(table) == 0:
        note = empty or ("资料中暂无。" if lang == "zh" else "None in the current sources.")
        return Markdown(f"_{note}_")
    return Table(for_readers(table, lang, hide))


def overview_summary(lang: str = "en") -> str:
    """The national overview's opening text (Markdown)."""
    from coop_analysis.datasets import load_facts, load_initiatives, load_sources
    from coop_analysis.profiles import pair_coverage, provinces_with_records
    from coop_analysis.story import context_sentence

    check_lang(lang)
    n_src, n_ini, n_facts = len(load_sources()), len(load_initiatives()), len(load_facts())
    with_records = provinces_with_records()
    west = sorted(set(load_initiatives()["province"]) & set(_western()))
    cov = pair_coverage()
    ew = cov[cov["kind"] == "east_west_cooperation"]
    covered = int(ew["covered"].sum())
    firm_only = ew[~ew["covered"] & (ew["firm_links"] > 0)]
    context = context_sentence(lang)
    if lang == "zh":
        from coop_analysis.regions import province_names

        names = province_names("zh")
        firms = "、".join(f"{names[r.east_province]}—{names[r.west_province]}" for r in firm_only.itertuples())
        return (
            f"现有资料共{n_src}份来源，整理出{n_ini}项合作、{n_facts}条量化数据，涉及{len(with_records)}个省份；"
            f"西部参与省份：{_join([names[w] for w in west], lang)}。"
            f"2021年确定的{len(ew)}对东西部协作结对中，资料覆盖{covered}对（东部一方有政府、城市、高校或院所参与）"
            + (f"；{firms}仅有企业层面的关联，不计为覆盖" if firms else "")
            + "。"
            + (f"\n\n{context}" if context else "")
        )
    firms = _join([f"{r.east_province}–{r.west_province}" for r in firm_only.itertuples()], lang)
    return (
        f"The {count_label(n_src, 'source')} {'holds' if n_src == 1 else 'hold'} {count_label(n_ini, 'cooperation initiative')} and {count_label(n_facts, 'quantified fact')}, naming "
        f"{len(with_records)} provinces; the western provinces taking part are {_join(west, lang)}. "
        f"Of the {len(ew)} East–West cooperation pairs set in 2021, the sources cover {covered}"
        " (a government, city, university or institute of the eastern side takes part)"
        + (f"; {firms} is linked only through a firm and not counted as covered" if firms else "")
        + "."
        + (f"\n\n{context}" if context else "")
    )


def _western() -> list[str]:
    from coop_analysis.datasets import load_provinces

    prov = load_provinces()
    return list(prov.loc[prov["macro_region"] == "west", "name_en"])


def overview_headline(lang: str = "en") -> dict[str, Any]:
    """Index fields of the national overview (same keys as :func:`headline`)."""
    from coop_analysis.datasets import load_facts, load_initiatives
    from coop_analysis.profiles import provinces_with_records

    n = len(provinces_with_records())
    return {
        "region": "overview",
        "headline": f"全国概览：{n}个省份有记录" if lang == "zh" else f"National overview: {n} provinces with records",
        "n_facts": len(load_facts()),
        "n_initiatives": len(load_initiatives()),
    }
