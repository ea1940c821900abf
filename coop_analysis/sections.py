"""The fixed text of the report pages — section headings and their one-line intros — per language.

A report notebook shows each section with one call, so a Chinese page reads
Chinese from top to bottom and an English page English::

    sections.show("key_figures", lang)     # "## Key figures" + intro, or "## 主要数字" + 导语

The notebooks' own Markdown cells are for people reading the notebook in
JupyterLab; the pages hide cells tagged ``hide-in-page``.
"""

from __future__ import annotations

from dataclasses import dataclass

from coop_analysis.wording import check_lang

__all__ = ["BARS_NOTE", "SECTIONS", "Section", "section", "show"]


@dataclass(frozen=True)
class Section:
    """A section heading with an optional intro, in one language; displays as Markdown."""

    heading: str
    intro: str = ""

    def markdown(self) -> str:
        return f"## {self.heading}" + (f"\n\n{self.intro}" if self.intro else "")

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __str__(self) -> str:
        return self.markdown()


#: key → (English, Chinese) as (heading, intro).
SECTIONS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # region report
    "key_figures": (
        (
            "Key figures",
            "Each figure says whose it is (the province as a whole, an initiative, an event, one organization or "
            "a city), with whom and for which period; the province's own totals come first. Each keeps the "
            "qualifier of its source, in words (about, nearly, more than, at least, under, up to); ranges stay "
            "ranges (11–19). "
            "A foreign amount also shows its CNY equivalent, labelled as converted. The figure as written is in "
            "the last column.",
        ),
        (
            "主要数字",
            "每项数字注明数据主体（全省整体、合作项目、活动、单个机构或城市）、合作对象和时期，本省整体数字在前；"
            "数字保留原文的限定词（约、近、超过、余、不到等），区间仍为区间；外币金额附折合人民币数（注明为折算）；"
            "最后一列为原文写法。",
        ),
    ),
    "charts": (
        (
            "Charts",
            "The map shows the province's cooperation links: arrows run from the eastern to the western side, "
            "wider for more initiatives; official pairing partners are hatched; a small square marks a city or "
            "prefecture where the sources place one side of a link.",
        ),
        (
            "图表",
            "地图显示本省的合作关系：箭头由东部一方指向西部一方，合作项目越多箭头越宽；斜线标出官方结对省份；"
            "小方块标出资料所载的合作地市。",
        ),
    ),
    "initiatives": (("Initiatives and mechanisms", ""), ("合作项目与机制", "")),
    "partners": (
        (
            "Partners and official pairings",
            "The official East–West cooperation pairs and counterpart support next to the partners the sources name.",
        ),
        ("合作方与官方结对", "官方东西部协作结对和对口支援关系，与资料中出现的合作方对照。"),
    ),
    "organizations": (("Organizations", ""), ("机构", "")),
    "timeline": (("Timeline", ""), ("大事记", "")),
    "sources": (
        (
            "Sources",
            "The sources this report draws on; then each fact with the figure as written and the sentence of "
            "the source it comes from, verbatim.",
        ),
        ("数据来源", "本报告所依据的资料；以及每项数据的原文写法及其出处原句（照录）。"),
    ),
    # national overview
    "flows": (
        (
            "East→West links",
            "Arrows run from the eastern partner to the western province; the wider the arrow, the more initiatives.",
        ),
        ("东西部合作流向", "箭头由东部合作方指向西部省份，合作项目越多，箭头越宽。"),
    ),
    "amounts": (
        (
            "Amounts and counts across provinces",
            "One chart per kind of figure (amounts; firms and institutions; people; projects and other items), "
            "where there are at least four. Log scale; approximate figures hatched; each bar names the province "
            "the figure is counted for. "
            "Amounts are compared in CNY (foreign currencies converted at the annual average rate of their "
            "year); labels keep the stated currency.",
        ),
        (
            "各地金额与数量",
            "每类数字（金额、企业与机构数、人数、项目等）一张图，至少有四项时绘制。对数刻度；约数以斜线标出；每一项标明其所计入的省份。金额按人民币比较（外币按当年年均汇率折算），标注保留原文币种。",
        ),
    ),
    "mechanisms": (
        ("Mechanisms by province", "Initiatives with a western side, by mechanism and western province."),
        ("各省合作机制", "有西部一方参与的合作项目数，按合作机制和西部省份统计。"),
    ),
    "pairs": (
        (
            "Official pairs in the sources",
            "The East–West cooperation pairs and counterpart-support pairs, with the number of initiatives in "
            "which both provinces take part on opposite sides, the supporting side through a public body; links "
            "only through a firm are counted apart and do not make a pair covered.",
        ),
        (
            "官方结对覆盖情况",
            "东西部协作结对与对口支援结对，以及两省分处合作两方、且支援方有政府、城市、高校或院所参与的合作项目数；"
            "仅通过企业建立的关联单独列出，不计为覆盖。",
        ),
    ),
}


#: Added to the "charts" intro on a page that has bar charts (``show("charts", lang, bars=True)``).
BARS_NOTE = (
    " A bar chart compares figures of one kind only — people; firms and institutions; projects and other "
    "items; amounts — and only where there are at least four (every figure is in the table above). "
    "Approximate figures are hatched; a log scale is used where figures span more than 50 times. Amounts are "
    "compared in CNY (foreign currencies converted at the annual average rate of their year); labels keep the "
    "currency the source states.",
    "条形图只比较同一类数字（人数、企业与机构数、项目等、金额），且至少有四项时才绘制（全部数字见上表）；"
    "约数以斜线标出，数字相差超过50倍时采用对数刻度。金额按人民币比较（外币按当年年均汇率折算），标注保留原文币种。",
)


def section(key: str, lang: str = "en") -> Section:
    """The heading and intro of section ``key`` in ``lang``.

    Raises:
        KeyError: an unknown section (the message lists the known ones).
        ValueError: ``lang`` is not ``"en"`` or ``"zh"``.
    """
    lang = check_lang(lang)
    if key not in SECTIONS:
        raise KeyError(f"unknown section {key!r}; known: {', '.join(sorted(SECTIONS))}")
    en, zh = SECTIONS[key]
    return Section(*(zh if lang == "zh" else en))


def show(key: str, lang: str = "en", *, bars: bool = False) -> Section:
    """What a notebook cell returns to show section ``key`` (displays as Markdown).

    ``bars``: the page has bar charts (:func:`coop_analysis.figures.bar_kinds`), so the
    "charts" intro says how to read them; a page without any does not describe them.
    """
    shown = section(key, lang)
    if not bars:
        return shown
    if key != "charts":
        raise ValueError(f"bars=True is for the 'charts' section, not {key!r}")
    return Section(shown.heading, shown.intro + BARS_NOTE[lang == "zh"])
