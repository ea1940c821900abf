"""Region profiles and overview tables: the DataFrames the report notebooks show.

Every function here is a small pure transformation of the loaded tables
(DataFrame in, DataFrame out); :func:`region_profile` bundles what one
regional report needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from coop_analysis import attribution
from coop_analysis.datasets import (
    load_events,
    load_facts,
    load_initiatives,
    load_metrics,
    load_organizations,
    load_pairings,
    load_participants,
    load_provinces,
    load_sources,
)
from coop_analysis.overview import flows, mechanism_matrix, mechanism_table, pair_coverage, pairs_table
from coop_analysis.periods import sort_events
from coop_analysis.regions import resolve_province
from coop_analysis.schemas import LIST_SEP

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RegionProfile",
    "chart_facts",
    "context_events",
    "event_place",
    "facts_in_cny",
    "flows",
    "initiatives_table",
    "key_figures",
    "lead_label",
    "mechanism_matrix",
    "mechanism_table",
    "organizations_table",
    "pair_coverage",
    "pairs_table",
    "partner_table",
    "provinces_with_records",
    "region_flows",
    "region_profile",
    "short_label",
    "source_list",
    "source_title",
    "sources_table",
    "timeline",
]


def _has(cell: object, item: str) -> bool:
    return isinstance(cell, str) and item in cell.split(LIST_SEP)


def _split(cell: object) -> list[str]:
    return cell.split(LIST_SEP) if isinstance(cell, str) and cell else []


def initiatives_of(province: str, initiatives: pd.DataFrame) -> pd.DataFrame:
    """Initiatives a province leads (western side) or joins as a partner."""
    mask = (initiatives["province"] == province) | initiatives["partners"].map(lambda c: _has(c, province))
    return initiatives[mask].reset_index(drop=True)


def facts_of(province: str, facts: pd.DataFrame) -> pd.DataFrame:
    """The facts shown for a province, widest first.

    Those counted for it and the cooperation figures it shares as the one
    partner (:func:`coop_analysis.attribution.facts_for`, which adds the column
    ``attribution``: ``own`` or ``partner``), ordered by level (region,
    initiative, event, organization), then the metric's rank, then fact id.
    """
    mine = attribution.facts_for(province, facts)
    ranks = load_metrics().set_index("metric")["rank"]
    level = mine["level"].map({lv: i for i, lv in enumerate(attribution.FACT_LEVELS)})
    order = mine.assign(_level=level, _rank=mine["metric"].map(ranks)).sort_values(
        ["_level", "_rank", "fact_id"], kind="stable"
    )
    return mine.loc[order.index].reset_index(drop=True)


def facts_in_cny(facts: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``facts`` with its period parsed (:func:`coop_analysis.periods.add_period_columns`)
    and its amounts in CNY at the annual average rate of the period's end year
    (:func:`coop_analysis.money.to_cny`: ``value_cny``, ``low_cny``, ``high_cny``,
    ``rate_year``, ``conversion`` …); other units keep NaN."""
    from coop_analysis.money import to_cny
    from coop_analysis.periods import add_period_columns

    return to_cny(add_period_columns(facts), year_column="period_year")


def provinces_with_records() -> list[str]:
    """English names of provinces named in any initiative or fact, in provinces-table order."""
    ini, facts = load_initiatives(), load_facts()
    named = set(ini["province"]) | set(facts["province"])
    for cell in list(ini["partners"]) + list(facts["partner"]):
        named.update(_split(cell))
    return [p for p in load_provinces()["name_en"] if p in named]


@dataclass(frozen=True, repr=False)
class RegionProfile:
    """Everything one regional report shows, as DataFrames (its repr is a one-line summary)."""

    province: pd.Series
    initiatives: pd.DataFrame
    facts: pd.DataFrame
    organizations: pd.DataFrame
    events: pd.DataFrame
    pairings: pd.DataFrame
    sources: pd.DataFrame
    participants: pd.DataFrame

    @property
    def name(self) -> str:
        return str(self.province["name_en"])

    def partner_links(self) -> pd.DataFrame:
        """:func:`coop_analysis.attribution.partner_links` of the participants (worked out once per profile)."""
        return self._partner_links.copy()

    @cached_property
    def _partner_links(self) -> pd.DataFrame:
        return attribution.partner_links(self.participants)

    @property
    def side(self) -> str:
        """``west`` when the province takes part on the western side of an initiative, else ``partner``."""
        p = self.participants
        return "west" if ((p["province"] == self.name) & (p["role"] == "west")).any() else "partner"

    @property
    def has_records(self) -> bool:
        return len(self.initiatives) > 0 or len(self.facts) > 0

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{len(getattr(self, part))} {part}"
            for part in ("initiatives", "facts", "organizations", "events", "pairings", "sources")
        )
        return f"RegionProfile({self.name} {self.province['short_zh']}, {self.side}: {counts})"


def region_profile(region: str | int) -> RegionProfile:
    """Collect the records of one province (any name form :func:`resolve_province` accepts)."""
    prov = resolve_province(region)
    name = str(prov["name_en"])
    ini = initiatives_of(name, load_initiatives())
    facts = facts_of(name, load_facts())
    ids = set(ini["initiative_id"])
    orgs = load_organizations()
    orgs = orgs[orgs["initiatives"].map(lambda c: bool(ids & set(_split(c))))].reset_index(drop=True)
    events = load_events()
    events = sort_events(events[events["initiative_id"].isin(ids)])  # context events go to the overview
    pairs = load_pairings()
    pairs = pairs[(pairs["east_province"] == name) | (pairs["west_province"] == name)].reset_index(drop=True)
    parts = load_participants()
    parts = parts[parts["initiative_id"].isin(ids)].reset_index(drop=True)
    sources = load_sources()
    used = set(ini["doc_id"]) | set(facts["doc_id"]) | set(events["doc_id"]) | set(parts["doc_id"])
    sources = sources[sources["doc_id"].isin(used)].reset_index(drop=True)
    return RegionProfile(prov, ini, facts, orgs, events, pairs, sources, parts)


def key_figures(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """One row per fact shown for the province, widest first: whose it is, with whom, how much, when.

    Columns: ``fact_id``, ``initiative`` (title), ``whose`` (what the figure
    describes: the province as a whole, an initiative, an event, one
    organization or a city), ``with_whom`` (with whom, seen from this province;
    several partners mean one figure they share), ``metric``, ``figure`` (the
    quantity with its qualifier, see :func:`coop_analysis.wording.format_quantity`),
    ``cny`` (a foreign amount's CNY equivalent, labelled as converted; empty for
    CNY and for what is not money), ``period`` (as precise as the source) and
    ``raw`` (as the source writes it).
    """
    import pandas as pd

    from coop_analysis.labels import cny_label, fact_partner_label, period_label, subject_label
    from coop_analysis.wording import format_quantity

    metrics = load_metrics().set_index("metric")
    desc = "description_zh" if lang == "zh" else "description_en"
    title = "title_zh" if lang == "zh" else "title_en"
    initiatives = load_initiatives()
    titles = dict(zip(initiatives["initiative_id"], initiatives[title], strict=True))
    f = profile.facts
    rows = list(f.itertuples(index=False))
    converted = list(facts_in_cny(f).itertuples(index=False))
    return pd.DataFrame(
        {
            "fact_id": f["fact_id"],
            "initiative": f["initiative_id"].map(titles),
            "whose": [subject_label(r, lang) for r in rows],
            "with_whom": [fact_partner_label(r, profile.name, lang) for r in rows],
            "metric": f["metric"].map(metrics[desc]),
            "figure": [format_quantity(r, lang) for r in rows],
            "cny": [cny_label(r, lang) for r in converted],
            "period": [period_label(r.period_start, r.period_end, lang) for r in rows],
            "raw": f["raw"],
        },
        index=f.index,
    ).astype("string")


def partner_table(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """Partners in the sources next to the official pairings of the province.

    A partner is a province on the other side of one of the province's
    initiatives (:func:`coop_analysis.attribution.partner_links`); provinces on
    the same side are not partners. Columns: ``partner`` (English name),
    ``label`` (in ``lang``), ``initiatives`` (count in the sources), ``via``
    (the partner's participants in them), ``kinds`` (``|``-joined pairing kinds,
    empty when not officially paired), ``official`` (the pairing described in
    ``lang``, with the prefecture and, where a city supports in its own right,
    the city), ``in_sources`` (bool).
    """
    import pandas as pd

    from coop_analysis.labels import participant_label
    from coop_analysis.wording import pairing_label

    name = profile.name
    links = profile.partner_links()
    counts: dict[str, int] = {}
    via: dict[str, list[str]] = {}
    rows_by_key = attribution.participant_rows(profile.participants)
    for row in links.itertuples(index=False):
        if name not in (row.west, row.east):
            continue
        other = row.east if row.west == name else row.west
        counts[other] = counts.get(other, 0) + 1
        for who in _split(row.east_via if row.west == name else row.west_via):
            label = participant_label(rows_by_key[(row.initiative_id, who)], lang)
            if label not in via.setdefault(other, []):
                via[other].append(label)
    kinds: dict[str, list[str]] = {}
    official: dict[str, list[str]] = {}
    area_col = "west_area_zh" if lang == "zh" else "west_area_en"
    city_col = "supporter_city_zh" if lang == "zh" else "supporter_city_en"
    for row in profile.pairings.to_dict("records"):
        other = row["west_province"] if row["east_province"] == name else row["east_province"]
        area = row[area_col] if isinstance(row[area_col], str) else ""
        city = row[city_col] if isinstance(row[city_col], str) else ""
        area = f"{area}（{city}）" if city and lang == "zh" else f"{area} ({city})" if city else area
        kinds.setdefault(other, []).append(row["kind"])
        official.setdefault(other, []).append(pairing_label(row["kind"], area, lang))
    provinces = load_provinces().set_index("name_en")
    sep = "；" if lang == "zh" else "; "
    comma = "、" if lang == "zh" else ", "
    rows = []
    for p in sorted(set(counts) | set(official), key=lambda p: (-counts.get(p, 0), p)):
        label = str(provinces.at[p, "short_zh"]) if lang == "zh" else p
        kinds_p, official_p = list(dict.fromkeys(kinds.get(p, []))), list(dict.fromkeys(official.get(p, [])))
        rows.append((p, label, counts.get(p, 0), comma.join(via.get(p, [])), LIST_SEP.join(kinds_p),
                     sep.join(official_p), p in counts))  # fmt: skip
    columns = ["partner", "label", "initiatives", "via", "kinds", "official", "in_sources"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"partner": "string", "label": "string", "initiatives": "int64", "via": "string",
                         "kinds": "string", "official": "string", "in_sources": "bool"})  # fmt: skip


def event_place(place_zh: object, province: object, lang: str = "en") -> str:
    """Where an event happened, for a reader of ``lang``.

    Chinese reports show the place as the source names it (without one, the
    province). English reports show it in English with its province
    (:func:`coop_analysis.regions.place_name_en`: 石嘴山市 → ``Shizuishan, Ningxia``,
    阿里地区札达县 → ``Ali Prefecture and Zanda County, Tibet``); a place that is
    the province itself, or only names it (上海, 浙江省, 上海科创中心 → ``Shanghai``),
    becomes the province's name. Without either, ``""``.
    """
    from coop_analysis.regions import place_name_en, province_names

    place = place_zh if isinstance(place_zh, str) else ""
    prov = province if isinstance(province, str) else ""
    if lang == "zh":
        return place or (province_names("zh").get(prov, prov) if prov else "")
    english = place_name_en(place)
    if not english or english == prov:
        return prov
    return f"{english}, {prov}" if prov else english


def timeline(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """Dated events in time order (:func:`coop_analysis.periods.sort_events`):
    ``date`` (as precise as the source; ``after early Mar 2025`` when it only bounds
    it), ``place``, ``what``, ``event_id``."""
    return _event_table(profile.events, lang)


def _event_table(e: pd.DataFrame, lang: str) -> pd.DataFrame:
    import pandas as pd

    from coop_analysis.labels import event_date_label

    return pd.DataFrame(
        {
            "date": [
                event_date_label(d, p, b, lang)
                for d, p, b in zip(e["date"], e["date_precision"], e["date_bound"], strict=True)
            ],
            "place": [event_place(pl, pr, lang) for pl, pr in zip(e["place_zh"], e["province"], strict=True)],
            "what": e["what_zh" if lang == "zh" else "what_en"],
            "event_id": e["event_id"],
        }
    ).astype("string")


def context_events(lang: str = "en") -> pd.DataFrame:
    """Events that belong to no initiative (national context, such as the April 2024
    Chongqing symposium), in time order, as :func:`timeline` shows them."""
    events = load_events()
    return _event_table(sort_events(events[events["initiative_id"].isna()]), lang)


_TYPE_ORDER = {"province": 0, "city": 1, "organization": 2, "group": 3}
_NATIONAL = ("national", "国家层面")


def lead_label(participants: pd.DataFrame, initiative_id: str, lang: str = "en") -> str:
    """Who runs an initiative: its leading participants, the widest one per province
    (a province before its cities, a city before its organizations), each with its province."""
    from coop_analysis.labels import participant_label

    leads = attribution.lead_participants(participants, initiative_id)
    leads = leads.assign(_order=leads["participant_type"].map(_TYPE_ORDER)).sort_values("_order", kind="stable")
    shown, seen = [], set()
    for row in leads.itertuples(index=False):
        prov = row.province if isinstance(row.province, str) and row.province else ""
        if prov and prov in seen:
            continue
        seen.add(prov)
        if row.participant_type == "province" or not prov:
            label = participant_label(row, lang)
            if not prov:
                label += f"（{_NATIONAL[1]}）" if lang == "zh" else f" ({_NATIONAL[0]})"
        else:
            label = participant_label(row, lang, with_province=True)
        shown.append(label)
    return ("、" if lang == "zh" else "; ").join(shown)


def initiatives_table(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """The province's initiatives: title, status, who runs them, the partners on the other
    side (seen from this province), mechanisms, sectors, start and a summary."""
    import pandas as pd

    from coop_analysis.regions import province_names
    from coop_analysis.wording import mechanism_label, sector_label

    zh = lang == "zh"
    names = province_names(lang)
    sep = "、" if zh else ", "
    ini = profile.initiatives
    sides = attribution.province_sides(profile.participants)
    links = profile.partner_links()

    def partners(iid: str, bodies: object) -> str:
        mine = sides.get((iid, profile.name), set())
        col, other = ("east", "west") if mine == {"west"} else ("west", "east")
        rows = links[links["initiative_id"] == iid]
        if mine == {"west"} or mine == {"east"}:
            rows = rows[rows[other] == profile.name]
        found = list(dict.fromkeys(rows[col]))
        provinces = sep.join(names.get(p, p) for p in found if p != profile.name)
        extra = "" if zh or not isinstance(bodies, str) else bodies.replace(LIST_SEP, sep)
        return sep.join(x for x in (provinces, extra) if x)

    status = {"reported": ("reported", "已开展"), "planned": ("planned", "计划中")}
    return pd.DataFrame(
        {
            "initiative": ini["title_zh" if zh else "title_en"],
            "status": ini["status"].map(lambda v: status[v][1 if zh else 0]),
            "lead": [lead_label(profile.participants, i, lang) for i in ini["initiative_id"]],
            "partners": [partners(i, b) for i, b in zip(ini["initiative_id"], ini["partner_bodies"], strict=True)],
            "mechanisms": [sep.join(mechanism_label(m, lang) for m in _split(c)) for c in ini["mechanism"]],
            "sectors": [sep.join(sector_label(s, lang) for s in _split(c)) for c in ini["sectors"]],
            "since": ini["start_date"].fillna(""),
            "summary": ini["summary_zh" if zh else "summary_en"],
        }
    ).astype("string")


_ORG_TYPES_ZH = {
    "university": "高校",
    "research_institute": "科研院所",
    "enterprise": "企业",
    "government": "政府部门",
    "fund": "基金",
    "bank": "银行",
    "financial_institution": "金融机构",
    "platform": "平台",
    "park": "园区",
    "association": "协会",
}


_ROLES = {
    "west": ("western side", "西部方"),
    "east": ("eastern side", "东部方"),
    "national": _NATIONAL,
    "organizer": ("organizer", "组织方"),
    "foreign": ("foreign", "境外方"),
}


def organizations_table(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """Organizations taking part in the province's initiatives: ``name`` (in ``lang``),
    in English reports also ``name_zh`` (the official Chinese name), ``type``,
    ``province`` (where based), ``role`` (the side, from participants.csv)."""
    import pandas as pd

    from coop_analysis.regions import province_names

    names = province_names(lang)
    o = profile.organizations
    parts = profile.participants
    roles = []
    for oid in o["org_id"]:
        mine = dict.fromkeys(parts.loc[parts["participant"] == oid, "role"])
        roles.append(("、" if lang == "zh" else ", ").join(_ROLES[r][1 if lang == "zh" else 0] for r in mine))
    columns = {"name": o["name_zh"]} if lang == "zh" else {"name": o["name_en"], "name_zh": o["name_zh"]}
    return pd.DataFrame(
        columns
        | {
            "type": o["type"].map(lambda t: _ORG_TYPES_ZH.get(t, t) if lang == "zh" else t.replace("_", " ")),
            "province": o["province"].map(lambda p: names.get(p, "") if isinstance(p, str) else ""),
            "role": roles,
        }
    ).astype("string")


def source_title(source: object, lang: str = "en") -> str:
    """A source's title for readers (a row of :func:`coop_analysis.datasets.load_sources`):
    its English title in English reports, else (and in Chinese ones) its own title."""
    title_en = getattr(source, "title_en", "")
    if lang == "en" and isinstance(title_en, str) and title_en:
        return title_en
    return str(source.title)  # type: ignore[attr-defined]


def _published(published: str, estimated: bool, lang: str) -> str:
    from coop_analysis.periods import precision_of
    from coop_analysis.wording import format_date

    text = format_date(published, precision_of(published), lang)
    if estimated:
        text += "（估计）" if lang == "zh" else " (estimated)"
    return text


def sources_table(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """Provenance of every number in the report: ``fact_id``, ``raw`` (the figure as
    written), ``quote`` (the source's sentence) and ``source`` (its title, see
    :func:`source_title`; the source's id is in the facts' CSV, not here)."""
    import pandas as pd

    titles = {s.doc_id: source_title(s, lang) for s in profile.sources.itertuples(index=False)}
    f = profile.facts
    return pd.DataFrame(
        {"fact_id": f["fact_id"], "raw": f["raw"], "quote": f["quote"], "source": f["doc_id"].map(titles)}
    ).astype("string")


def source_list(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """Every source the report draws on (initiatives, events and facts alike).

    Columns: ``source`` (its title, see :func:`source_title`), in English reports
    ``title_zh`` (the title as published), ``publisher`` (as the metadata gives it;
    ``unknown``/``不详`` when not known), ``published`` (as precise as the metadata:
    ``Apr 2025 (estimated)``, ``2025年4月（估计）``), ``initiatives`` and ``facts``
    (how many of the report's come from it). Source ids stay out of the text readers
    see (they are in the facts' CSV).
    """
    import pandas as pd

    from coop_analysis.wording import check_lang

    check_lang(lang)
    s = profile.sources
    unknown = "不详" if lang == "zh" else "unknown"
    columns = {"source": [source_title(r, lang) for r in s.itertuples(index=False)]}
    if lang == "en":
        columns["title_zh"] = list(s["title"])
    columns |= {
        "publisher": [p if isinstance(p, str) and p and p != "unknown" else unknown for p in s["publisher"]],
        "published": [_published(p, bool(e), lang) for p, e in zip(s["published"], s["date_is_estimate"], strict=True)],
        "initiatives": [int((profile.initiatives["doc_id"] == d).sum()) for d in s["doc_id"]],
        "facts": [int((profile.facts["doc_id"] == d).sum()) for d in s["doc_id"]],
    }
    frame = pd.DataFrame(columns, index=range(len(s)))
    return frame.astype({c: "string" for c in columns if c not in ("initiatives", "facts")}
                        | {"initiatives": "int64", "facts": "int64"})  # fmt: skip


def region_flows(profile: RegionProfile) -> pd.DataFrame:
    """The rows of :func:`flows` that start or end in the province."""
    f = flows()
    return f[(f["source"] == profile.name) | (f["target"] == profile.name)].reset_index(drop=True)


def short_label(text: str) -> str:
    """A metric description up to its first comma outside brackets, for chart labels.

    ``"Export revenue as a share of a company's total revenue, percent"`` →
    ``"Export revenue as a share of a company's total revenue"``; a comma inside
    brackets does not cut (``"… an agreement (tenancy, cooperation or investment)"``
    stays whole), so no label is left with an unclosed bracket.
    """
    depth = 0
    for i, ch in enumerate(text):
        if ch in "(（[【":
            depth += 1
        elif ch in ")）]】":
            depth = max(depth - 1, 0)
        elif ch in ",，" and depth == 0:
            return text[:i].rstrip()
    return text


def chart_facts(facts: pd.DataFrame, kind: str, lang: str = "en") -> pd.DataFrame:
    """Facts of one metric kind ready for a bar chart, sorted descending.

    Columns: ``label`` (metric, the currency as stated for money, fact id),
    ``value``, ``approx`` (not exact), ``text`` (the figure with its qualifier, see
    :func:`coop_analysis.wording.format_quantity`), ``fact_id``, ``province``,
    ``converted`` (bool).

    ``kind`` is ``money`` or ``count`` (counts and people). Amounts are compared on
    one scale: ``value`` is the CNY equivalent (:func:`facts_in_cny`), while the
    label keeps the currency as stated and ``text`` adds the converted amount for
    a foreign currency. An amount without a rate for its year cannot be placed on
    that scale and is left out (logged).
    """
    import logging

    from coop_analysis.labels import cny_label
    from coop_analysis.wording import format_quantity

    metrics = load_metrics().set_index("metric")
    kinds = facts["metric"].map(metrics["kind"])
    wanted = kinds.isin(["count", "people"]) if kind == "count" else kinds == kind
    sel = facts[wanted].copy()
    desc = metrics["description_zh" if lang == "zh" else "description_en"]
    short = sel["metric"].map(desc).map(short_label)
    unit = "" if kind == "count" else " (" + sel["unit"] + ")"
    sel["label"] = short + unit + " [" + sel["fact_id"] + "]"
    sel["approx"] = sel["qualifier"] != "exact"
    sel["text"] = [format_quantity(r, lang) for r in sel.itertuples(index=False)]
    sel["converted"] = False
    if kind == "money" and len(sel):
        cny = facts_in_cny(sel)
        placed = cny["value_cny"].notna()
        for fact_id in cny.loc[~placed, "fact_id"]:
            logging.getLogger(__name__).info("chart_facts: %s has no CNY rate for its year; left out", fact_id)
        sel, cny = sel[placed.to_numpy()].copy(), cny[placed]
        sel["value"] = cny["value_cny"].to_numpy()
        sel["converted"] = (cny["conversion"] == "converted").to_numpy()
        extra = [cny_label(r, lang) for r in cny.itertuples(index=False)]
        sep = "，" if lang == "zh" else ", "
        sel["text"] = [t + (sep + e if e else "") for t, e in zip(sel["text"], extra, strict=True)]
    columns = ["label", "value", "approx", "text", "fact_id", "province", "converted"]
    return sel.sort_values("value", ascending=False)[columns].reset_index(drop=True)
