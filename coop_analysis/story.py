"""The region's story: which figures lead, and who does what with whom (en / zh).

:mod:`coop_analysis.narrative` assembles the report text; this module holds
the attribution-aware parts it calls:

* :func:`headline_facts` chooses the figures a report leads with: never one
  organization's figure; the widest level first (the region's own totals, then
  an initiative's or a city's, then one event's), then the metric's rank; an
  eastern province leads with what it does with a western partner.
* :func:`fact_phrase` writes one figure with its qualifier, with whom and when (the index's
  headline); :func:`headline_sentences` writes the leading figures as sentences, one per
  whose-with-whom-when.
* :func:`role_sentences` says on which side the province takes part, with whom,
  and who runs what; an eastern province's text says what it contributes to
  which western partner, through which participant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coop_analysis import attribution
from coop_analysis.labels import fact_partner_label, join, participant_label, period_label, subject_label
from coop_analysis.markup import md_escape
from coop_analysis.wording import check_lang, count_label, format_quantity

if TYPE_CHECKING:
    from coop_analysis.profiles import RegionProfile

__all__ = [
    "context_sentence",
    "eastern_items",
    "fact_phrase",
    "headline_facts",
    "headline_sentences",
    "no_figures_line",
    "pairing_scope",
    "role_sentences",
]


_ZH_NUMERALS = "〇零一二两三四五六七八九十百千万亿"


def _names(lang: str) -> dict[str, str]:
    from coop_analysis.regions import province_names

    return province_names(lang)


def headline_facts(profile: RegionProfile, n: int = 4) -> list[Any]:
    """Up to ``n`` facts to lead with (see the module rules), one per initiative first."""
    facts = profile.facts  # ordered widest level first, then by metric rank (profiles.facts_of)
    rows = [f for f in facts.itertuples(index=False) if f.level != "organization"]
    if profile.side == "partner":  # an eastern province: its cooperation with a western partner first
        rows.sort(key=lambda f: 0 if f.attribution == "partner" or isinstance(f.partner, str) else 1)
    chosen, seen = [], set()
    for f in rows:
        if f.initiative_id not in seen:
            chosen.append(f)
            seen.add(f.initiative_id)
    chosen += [f for f in rows if f not in chosen]
    return chosen[:n]


def _context(f: Any, lang: str, province: str) -> tuple[str, str, str]:
    """Whose figure (empty when the partner says it), with whom, and when."""
    partner = "" if f.subject_type == "region" else fact_partner_label(f, province, lang)
    whose = subject_label(f, lang) if f.subject_type in ("region", "city", "organization") or not partner else ""
    return whose, partner, period_label(f.period_start, f.period_end, lang)


def _description(f: Any, lang: str) -> tuple[str, str]:
    """The metric's short description (English lower-cased unless a name) and its kind."""
    from coop_analysis.datasets import load_metrics
    from coop_analysis.profiles import short_label

    metrics = load_metrics().set_index("metric")
    desc = short_label(str(metrics.at[f.metric, "description_zh" if lang == "zh" else "description_en"]))
    if lang == "en" and desc[1:2].islower():
        desc = desc[0].lower() + desc[1:]
    return desc, str(metrics.at[f.metric, "kind"])


def fact_phrase(f: Any, lang: str, province: str) -> str:
    """``more than 2,000 — cooperation projects …, Ningxia as a whole, as of 2025 [F015]``;
    in Chinese ``组织实施的…超过2000项（宁夏整体，截至2025年；F015）``."""
    check_lang(lang)
    whose, partner, period = _context(f, lang, province)
    desc, _ = _description(f, lang)
    if lang == "zh":
        context = [x for x in (whose, f"与{partner}" if partner else "", period) if x]
        return f"{desc}{format_quantity(f, lang)}（{'，'.join(context)}；{f.fact_id}）"
    context = [x for x in (whose, f"with {partner}" if partner else "", period) if x]
    return f"{format_quantity(f, lang)} — {desc}, {', '.join(context)} [{f.fact_id}]"


def _item(f: Any, lang: str) -> str:
    """One figure inside a sentence: ``more than 2,000 cooperation projects … [F015]``;
    an amount or share after its description (``total size of a fund of CNY 1 bn``)."""
    desc, kind = _description(f, lang)
    figure = format_quantity(f, lang)
    if lang == "zh":
        link = "为" if figure[:1].isdigit() or figure[:1] in _ZH_NUMERALS else ""  # 人数为61名, 数超过2000项
        return f"{desc}{link}{figure}（{f.fact_id}）"
    text = f"{figure} {desc}" if kind in ("count", "people") else f"{desc} of {figure}"
    return f"{text} [{f.fact_id}]"


def headline_sentences(profile: RegionProfile, lang: str) -> str:
    """The leading figures (:func:`headline_facts`) as sentences, one per whose-with-whom-when:
    ``For Ningxia as a whole, the sources report more than 2,000 … [F015] and about 1,000 …
    [F016] (as of 2025).`` (plain text; the caller escapes it for Markdown)."""
    check_lang(lang)
    groups: dict[tuple[str, str, str], list[str]] = {}
    for f in headline_facts(profile):
        groups.setdefault(_context(f, lang, profile.name), []).append(_item(f, lang))
    out = []
    for (whose, partner, period), items in groups.items():
        if lang == "zh":
            who = "".join(x for x in (whose, f"与{partner}" if partner else "") if x) or "资料"
            out.append(f"{who}（{period}）：{join(items, lang)}。")
            continue
        lead = ", ".join(x for x in (f"for {whose}" if whose else "", f"with {partner}" if partner else "") if x)
        lead = f"{lead}, the sources report" if lead else "the sources report"
        out.append(f"{lead[0].upper()}{lead[1:]} {join(items, lang)} ({period}).")
    return ("" if lang == "zh" else " ").join(out)


def _title(profile: RegionProfile, iid: str, lang: str) -> str:
    ini = profile.initiatives.set_index("initiative_id")
    return str(ini.at[iid, "title_zh" if lang == "zh" else "title_en"])


def _others(profile: RegionProfile, iid: str) -> list[str]:
    """Provinces on the other side of ``iid`` from the profile's province."""
    links = profile.partner_links()
    rows = links[links["initiative_id"] == iid]
    found = list(rows.loc[rows["west"] == profile.name, "east"]) + list(rows.loc[rows["east"] == profile.name, "west"])
    return list(dict.fromkeys(found))


def _contributions(profile: RegionProfile, iid: str, lang: str) -> str:
    parts = profile.participants
    mine = parts[(parts["initiative_id"] == iid) & (parts["province"] == profile.name)]
    what = "part_zh" if lang == "zh" else "part_en"
    items = [f"{participant_label(r, lang)}：{getattr(r, what)}" if lang == "zh"
             else f"{participant_label(r, lang)}: {getattr(r, what)}" for r in mine.itertuples(index=False)][:3]  # fmt: skip
    return "；".join(items) if lang == "zh" else "; ".join(items)


def _firm_only(profile: RegionProfile, ids: list[str], partner: str, lang: str) -> str:
    """`` (through X only)`` when ``partner`` takes part in ``ids`` only through firms."""
    from coop_analysis.datasets import load_organizations

    orgs = load_organizations()
    parts = profile.participants
    theirs = parts[
        parts["initiative_id"].isin(ids) & (parts["province"] == partner) & parts["role"].isin(["west", "east"])
    ]
    if theirs.empty or any(attribution.public_participant(r, orgs) for r in theirs.itertuples(index=False)):
        return ""
    labels = join([participant_label(r, lang) for r in theirs.itertuples(index=False)], lang)
    return f"（仅通过{labels}）" if lang == "zh" else f" (through {labels} only)"


def role_sentences(profile: RegionProfile, lang: str) -> str:
    """On which side the province takes part, with whom, and who runs what (one paragraph)."""
    from coop_analysis.profiles import lead_label

    zh = lang == "zh"
    names = _names(lang)
    sides = attribution.province_sides(profile.participants)
    ids = list(profile.initiatives["initiative_id"])
    west = [i for i in ids if sides.get((i, profile.name)) == {"west"}]
    east = [i for i in ids if sides.get((i, profile.name)) == {"east"}]
    planned = set(profile.initiatives.loc[profile.initiatives["status"] == "planned", "initiative_id"])
    out = []
    if west:
        partners = list(dict.fromkeys(p for i in west for p in _others(profile, i)))
        n_plan = len(planned & set(west))
        plan = (f"（其中{n_plan}项为计划）" if zh else f" ({n_plan} planned)") if n_plan else ""
        shown = [names[p] + _firm_only(profile, west, p, lang) for p in partners]
        noun = "partner" if len(shown) == 1 else "partners"
        with_ = ((f"，东部合作方为{join(shown, lang)}" if zh else f", with eastern {noun} {join(shown, lang)}")
                 if partners else "")  # fmt: skip
        out.append(f"作为西部一方参与资料中的{len(west)}项合作{plan}{with_}。" if zh
                   else f"takes part in {count_label(len(west), 'initiative')} in the sources on the western side{plan}{with_}.")  # fmt: skip
        by_others = []
        for i in west:
            leads = attribution.lead_participants(profile.participants, i)
            if not (leads["province"] == profile.name).any():
                by_others.append(f"{_title(profile, i, lang)}由{lead_label(profile.participants, i, lang)}牵头" if zh
                                 else f"{_title(profile, i, lang)} is run by {lead_label(profile.participants, i, lang)}")  # fmt: skip
        if by_others:
            out.append(("；".join(by_others) + "。") if zh else ("; ".join(by_others) + "."))
    if east:
        partners, one = _eastern_partners(profile, east)
        with_ = (f"与{names[partners[0]]}的" if zh else f" with {partners[0]}") if one else ""
        lead = "It also takes part" if west else "takes part"
        out.append(f"作为东部一方参与{len(east)}项{with_}合作：" if zh
                   else f"{lead} on the eastern side in {count_label(len(east), 'initiative')}{with_}:")  # fmt: skip
    return ("" if zh else " ").join(out)


def _eastern_partners(profile: RegionProfile, east: list[str]) -> tuple[list[str], bool]:
    """Western partners of the province's eastern-side initiatives ``east``, and whether one
    partner serves them all (then the lead sentence names it and the list lines do not)."""
    partners = list(dict.fromkeys(p for i in east for p in _others(profile, i)))
    return partners, len(partners) == 1 and all(_others(profile, i) for i in east)


def eastern_items(profile: RegionProfile, lang: str) -> list[str]:
    """One line per initiative in which the province takes part on the eastern side: the
    initiative and what the province's participants contribute (with the western partner
    when :func:`role_sentences` could not name one partner for all); plain text, shown as
    a list under the role sentences."""
    zh = lang == "zh"
    names = _names(lang)
    sides = attribution.province_sides(profile.participants)
    east = [i for i in profile.initiatives["initiative_id"] if sides.get((i, profile.name)) == {"east"}]
    _, one = _eastern_partners(profile, east)
    items = []
    for i in east:
        others = _others(profile, i)
        who = "" if one else (
            (f"与{join([names[p] for p in others], lang)}：" if zh else f"with {join(others, lang)}: ") if others
            else ("（无西部合作方）" if zh else "(no western partner): "))  # fmt: skip
        items.append(f"{who}{_title(profile, i, lang)}——{_contributions(profile, i, lang)}" if zh
                     else f"{who}{_title(profile, i, lang)} — {_contributions(profile, i, lang)}")  # fmt: skip
    return items


def no_figures_line(profile: RegionProfile, lang: str) -> str:
    """A headline for a province with initiatives but no figure of its own."""
    names = _names(lang)
    ids = list(profile.initiatives["initiative_id"])
    others = list(dict.fromkeys(p for i in ids for p in _others(profile, i)))
    first = _title(profile, ids[0], lang)
    more = "等" if lang == "zh" else "; …"
    titles = first + (more if len(ids) > 1 else "")
    if lang == "zh":
        with_ = f"与{join([names[p] for p in others], lang)}" if others else ""
        return f"{with_}{len(ids)}项合作（{titles}），资料中无本省数字"
    with_ = f" with {join(others, lang)}" if others else ""
    return f"{count_label(len(ids), 'initiative')}{with_} ({titles}); no figures of its own in the sources"


def pairing_scope(province: str, lang: str) -> tuple[str, list[str]]:
    """What the official pairing table covers for ``province`` (every programme when it has
    no pairing), and what it leaves out (:mod:`coop_analysis.pairings`): a lead-in and its
    items (plain text, one per programme, then what is not covered)."""
    from coop_analysis.pairings import NOT_COVERED_EN, NOT_COVERED_ZH, coverage_notes

    notes = coverage_notes(province, lang) or coverage_notes(None, lang)
    end = "。" if lang == "zh" else "."
    notes = [n if n.endswith(end) else n + end for n in notes]
    if lang == "zh":
        return "官方结对表收录：", [*notes, NOT_COVERED_ZH]
    return "The official pairing table records:", [*notes, NOT_COVERED_EN]


def context_sentence(lang: str) -> str:
    """The national context events of the sources (no initiative), in one sentence."""
    from coop_analysis.profiles import context_events

    table = context_events(lang)
    if table.empty:
        return ""
    items = [f"{r.date}，{md_escape(r.what)}（{md_escape(r.place)}；{r.event_id}）" if lang == "zh"
             else f"{r.date}: {md_escape(r.what)} ({md_escape(r.place)}) [{r.event_id}]"
             for r in table.itertuples(index=False)]  # fmt: skip
    return ("背景：" + "；".join(items) + "。") if lang == "zh" else ("Context: " + "; ".join(items) + ".")
