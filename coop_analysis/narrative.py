"""Data-driven report text in English or Chinese.

Nothing here is written per region: every sentence is assembled from the
curated tables, and every number keeps its qualifier as the source states it
(≈ 约, < 近, > 超过/余, ≤ 最高/不到, ranges as ranges) with its fact id, so a
reader can follow it back to the quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coop_analysis.markup import md_escape
from coop_analysis.schemas import LIST_SEP
from coop_analysis.wording import (
    LANGS,
    check_lang,
    count_label,
    format_date,
    format_quantity,
    join,
    mechanism_label,
    pairing_label,
    region_label,
    sector_label,
)

if TYPE_CHECKING:
    from coop_analysis.profiles import RegionProfile

__all__ = [
    "HEADERS",
    "LANGS",
    "ZH_ORIGINAL_COLUMNS",
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
    "source_line",
    "summary",
]


def summary(profile: RegionProfile, lang: str = "en") -> str:
    """The report's opening text (Markdown), built from the profile's tables only: who takes
    part on which side with whom, the mechanisms and sectors, and the leading figures as
    sentences. (The official pairings have their own section: :func:`pairing_sentence`.)"""
    check_lang(lang)
    zh = lang == "zh"
    p = profile.province
    name = str(p["short_zh"] if zh else p["name_en"])
    if not profile.has_records:
        from coop_analysis.datasets import load_facts, load_sources

        region = region_label(str(p["macro_region"]), lang)
        n_src, n_facts = len(load_sources()), len(load_facts())
        return (
            f"**{name}**（{region}）在现有资料（{n_src}份来源、{n_facts}条数据）中没有东西部科技合作记录。"
            if zh
            else f"The current sources ({count_label(n_src, 'source')}, {count_label(n_facts, 'fact')}) hold no "
            f"record of East–West science and technology cooperation for **{name}** ({region} China)."
        )
    from coop_analysis import story

    ini = profile.initiatives
    mech = sorted({m for cell in ini["mechanism"] for m in cell.split(LIST_SEP)})
    sectors = sorted({s for cell in ini["sectors"] for s in cell.split(LIST_SEP)} - {"general"})
    paras = [f"**{name}**" + ("" if zh else " ") + md_escape(story.role_sentences(profile, lang))]
    listed = story.eastern_items(profile, lang)  # a list, not one long run (a phone shows it readably)
    if listed:
        paras.append("\n".join(f"- {md_escape(item)}" for item in listed))
    mech_txt = join([mechanism_label(m, lang) for m in mech], lang)
    sec_txt = join([sector_label(s, lang) for s in sectors], lang)
    if zh:
        paras.append(f"合作方式：{mech_txt}" + (f"；涉及{sec_txt}等领域。" if sectors else "。"))
    else:
        # Labels of kinds (dictionary entries), not counted things: a list after a colon reads right
        # whether one initiative or many stand behind a label ("pilot programme", "science enclaves").
        forms = "Form of cooperation" if len(mech) == 1 else "Forms of cooperation"
        field = "sector" if len(sectors) == 1 else "sectors"
        paras.append(f"{forms}: {mech_txt}" + (f"; {field}: {sec_txt}." if sectors else "."))
    figures = story.headline_sentences(profile, lang)
    if figures:
        paras.append(md_escape(figures))
    return "\n\n".join(paras)


def _official(profile: RegionProfile, lang: str) -> dict[str, list[tuple[str, str, str]]]:
    """The province's official pairings by kind: (partner, its areas, since) — the areas with
    the city that supports in its own right (``Kashgar Prefecture; Shenzhen: Kashgar Prefecture``)."""
    zh = lang == "zh"
    from coop_analysis.regions import province_names

    names = province_names(lang)
    areas: dict[tuple[str, str], list[str]] = {}
    years: dict[tuple[str, str], set[str]] = {}
    for row in profile.pairings.to_dict("records"):
        other = row["west_province"] if row["east_province"] == profile.name else row["east_province"]
        key = (str(row["kind"]), names.get(other, other))
        area = row["west_area_zh" if zh else "west_area_en"]
        city = row["supporter_city_zh" if zh else "supporter_city_en"]
        area = area if isinstance(area, str) else ""
        if isinstance(city, str) and city:
            area = (f"{city}：{area}" if zh else f"{city}: {area}") if area else city
        if area and area not in areas.setdefault(key, []):
            areas[key].append(area)
        areas.setdefault(key, [])
        years.setdefault(key, set()).update([str(row["since"])] if row["since"] == row["since"] else [])
    found: dict[str, list[tuple[str, str, str]]] = {}
    for (kind, partner), items in areas.items():
        since = min(years[(kind, partner)]) if years[(kind, partner)] else ""
        found.setdefault(kind, []).append((partner, ("；" if zh else "; ").join(items), since))
    return found


def _pairing_clauses(profile: RegionProfile, lang: str) -> list[str]:
    zh = lang == "zh"
    name = str(profile.province["short_zh"] if zh else profile.name)
    receives = profile.name in set(profile.pairings["west_province"])
    out = []
    for kind, items in _official(profile, lang).items():
        years = sorted({since for _, _, since in items if since})
        when = (f"{years[0]}年" if zh else f"in {years[0]}") if len(years) == 1 else ""
        if kind == "east_west_cooperation":
            partners = join([p for p, _, _ in items], lang)
            if zh:
                out.append(f"{name}的东西部协作结对省份{('（' + when + '确定）') if when else ''}：{partners}。")
            else:
                noun = "partner" if len(items) == 1 else "partners"
                paired = f", paired {when}," if when else ""
                out.append(
                    f"{name}'s official East–West cooperation {noun}{paired} {'is' if len(items) == 1 else 'are'} {partners}."
                )
        else:
            shown = [(f"{p}（{a}）" if zh else f"{p} ({a})") if a else p for p, a, _ in items]
            listing = join(shown, lang)
            if zh:
                out.append(f"{name}{'接受' if receives else '开展'}对口支援：{listing}。")
            else:
                verb = "receives counterpart support from" if receives else "gives counterpart support to"
                out.append(f"{name} {verb} {listing}.")
    return out


def pairing_sentence(profile: RegionProfile, lang: str = "en") -> str:
    """The province's official pairings, whether the cooperation in the sources is with them,
    which goes beyond them, and what the pairing table leaves out (Markdown: the data's text
    escaped)."""
    from coop_analysis.profiles import partner_table
    from coop_analysis.story import pairing_scope

    check_lang(lang)
    zh = lang == "zh"
    name = str(profile.province["short_zh"] if zh else profile.name)
    table = partner_table(profile, lang)
    official = table[table["kinds"] != ""]
    beyond = table[(table["kinds"] == "") & table["in_sources"]]
    clauses = _pairing_clauses(profile, lang)
    if not clauses:
        clauses = [f"{name}没有东西部协作或对口支援结对。" if zh
                   else f"{name} has no official East–West or counterpart-support pairing."]  # fmt: skip
    if profile.has_records and len(official):
        with_official = join(list(official.loc[official["in_sources"], "label"]), lang)
        if with_official:
            clauses.append(f"资料中有与官方结对方{with_official}的合作。" if zh
                           else f"The sources record cooperation with the official partner {with_official}.")  # fmt: skip
        else:
            clauses.append("资料中的合作均不在官方结对之内。" if zh
                           else "None of the cooperation in the sources is with an official partner.")  # fmt: skip
    if len(beyond):
        labels = join(list(beyond["label"]), lang)
        clauses.append(f"资料还记录了官方结对之外的合作：{labels}。" if zh
                       else f"The sources also record cooperation beyond the official pairs, with {labels}.")  # fmt: skip
    lead, items = pairing_scope(profile.name, lang)  # a list: each programme on a line of its own
    scope = md_escape(lead) + "\n\n" + "\n".join(f"- {md_escape(item)}" for item in items)
    return md_escape(("" if zh else " ").join(clauses)) + "\n\n" + scope


def _published(date: str, estimate: bool, lang: str) -> str:
    from coop_analysis.periods import precision_of

    when = format_date(str(date), precision_of(str(date)), lang)
    if lang == "zh":
        return f"约{when}发布，日期为估计" if estimate else f"{when}发布"
    return f"published {when}, date estimated" if estimate else f"published {when}"


def source_line(profile: RegionProfile | None = None, lang: str = "en") -> str:
    """Where the report's records come from, in one line (Markdown, escaped): each source's
    title (English title on English pages), publisher and date or estimate; each figure
    keeps its own period. Without a profile: every source (the national overview)."""
    check_lang(lang)
    zh = lang == "zh"
    if profile is None:
        from coop_analysis.datasets import load_sources

        sources = load_sources()
    else:
        sources = profile.sources
    items = []
    for row in sources.itertuples(index=False):
        publisher = str(row.publisher) if isinstance(row.publisher, str) and row.publisher != "unknown" else ""
        published = _published(str(row.published), bool(row.date_is_estimate), lang)
        if zh:
            items.append(f"《{row.title}》（{publisher or '发布者不详'}；{published}）")
        else:
            title = row.title_en if isinstance(row.title_en, str) and row.title_en else "untitled in English"
            items.append(f"“{title}” ({publisher or 'publisher not named'}; {published})")
    if not items:
        return ""
    if zh:
        return md_escape("来源：" + "；".join(items) + "。各数字的时期见其说明。")
    label = "Source" if len(items) == 1 else "Sources"
    return md_escape(f"{label}: " + "; ".join(items) + ". Each figure is given with its own period.")


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


def overview_title(lang: str = "en") -> str:
    """The national overview's title line (Markdown)."""
    check_lang(lang)
    if lang == "zh":
        return "# 全国概览：东西部科技合作"
    return "# National overview: East–West science and technology cooperation"


class Table:
    """A DataFrame shown whole: every row and the full text of every cell, no index.

    Notebooks display it as HTML; its plain-text form (what nbval compares) is
    deterministic. The frame itself is ``.frame``. ``zh_columns`` name the columns
    that hold Chinese as the source or the organization writes it (a quote, an
    official name, a title): their cells with Chinese text carry ``lang="zh"`` in the
    HTML, so an English page declares them (see :func:`show`). Every cell is escaped.
    """

    def __init__(self, frame: Any, zh_columns: Sequence[str] = ()) -> None:
        self.frame = frame
        self.zh_columns = tuple(c for c in zh_columns if c in frame.columns)

    def _shown(self) -> Any:
        """The frame with every missing cell blank: ``na_rep`` does not reach pd.NA in string columns."""
        return self.frame.astype(object).where(self.frame.notna(), "")

    def _repr_html_(self) -> str:
        import pandas as pd

        with pd.option_context("display.max_colwidth", None, "display.max_rows", None):
            table = str(self._shown().to_html(index=False, border=0, classes="coop-table", escape=True))
        marked = {i for i, c in enumerate(self.frame.columns) if c in self.zh_columns}
        if marked:
            table = _ROW.sub(lambda row: _mark_cells(row.group(), marked), table)
        # Text reads best left-aligned (notebook CSS right-aligns cells).
        return table.replace("<td>", '<td style="text-align:left">').replace("<th>", '<th style="text-align:left">')

    def __repr__(self) -> str:
        import pandas as pd

        with pd.option_context("display.max_colwidth", None, "display.max_rows", None, "display.width", 10_000):
            return str(self._shown().to_string(index=False))

    def __len__(self) -> int:
        return len(self.frame)


_ROW = re.compile(r"<tr>.*?</tr>", re.S)
_CELL = re.compile(r"<td>(.*?)</td>", re.S)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _mark_cells(row: str, marked: set[int]) -> str:
    """``lang="zh"`` on the cells at positions ``marked`` of one escaped ``<tr>`` that hold Chinese.

    pandas escaped every cell's text, so ``<td>`` and ``</td>`` here are its own tags."""
    position = iter(range(len(row)))

    def cell(match: re.Match[str]) -> str:
        i = next(position)
        return (
            f'<td style="text-align:left" lang="zh">{match.group(1)}</td>'
            if i in marked and _CJK.search(match.group(1))
            else match.group()
        )

    return _CELL.sub(cell, row)


#: Column headers for readers (English, Chinese); other columns keep their names.
HEADERS: dict[str, tuple[str, str]] = {
    "fact_id": ("fact", "编号"),
    "name_zh": ("name in Chinese", "中文名称"),
    "title_zh": ("title in Chinese", "中文标题"),
    "publisher": ("publisher", "发布单位"),
    "west_area": ("area", "地区"),
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
    "mechanism": ("mechanism", "合作机制"),
}
_YES_NO = {"en": ("yes", "no"), "zh": ("是", "否")}
#: Columns whose text is Chinese as the source, the organization or the publisher writes it, in any
#: report language (a quote, the figure as written, an official name, a title): on an English page
#: their cells with Chinese are marked ``lang="zh"`` (:class:`Table`), on purpose and per column.
ZH_ORIGINAL_COLUMNS = ("raw", "quote", "name_zh", "title_zh", "publisher", "source")


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


def show(table: Any, lang: str = "en", empty: str | None = None, hide: Sequence[str] = ()) -> Any:
    """A table for display in full (:class:`Table`) with readers' headers (see :func:`for_readers`),
    or a short note when it has no rows. On an English page the columns of
    :data:`ZH_ORIGINAL_COLUMNS` mark their Chinese cells ``lang="zh"``."""
    from IPython.display import Markdown

    if table is None or len(table) == 0:
        note = empty or ("资料中暂无。" if lang == "zh" else "None in the current sources.")
        return Markdown(f"_{note}_")
    shown = for_readers(table, lang, hide)
    zh_columns = [] if lang == "zh" else [
        HEADERS[c][0] if c in HEADERS else c for c in table.columns if c in ZH_ORIGINAL_COLUMNS and c not in hide
    ]  # fmt: skip
    return Table(shown, zh_columns)


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
            f"西部参与省份：{join([names[w] for w in west], lang)}。"
            f"2021年确定的{len(ew)}对东西部协作结对中，资料覆盖{covered}对（东部一方有政府、城市、高校或院所参与）"
            + (f"；{firms}仅有企业层面的关联，不计为覆盖" if firms else "")
            + "。"
            + (f"\n\n{context}" if context else "")
        )
    firms = join([f"{r.east_province}–{r.west_province}" for r in firm_only.itertuples()], lang)
    return (
        f"The {count_label(n_src, 'source')} {'holds' if n_src == 1 else 'hold'} {count_label(n_ini, 'cooperation initiative')} and {count_label(n_facts, 'quantified fact')}, naming "
        f"{len(with_records)} provinces; the western provinces taking part are {join(west, lang)}. "
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
