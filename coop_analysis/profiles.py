"""Region profiles and overview tables: the DataFrames the report notebooks show.

Every function here is a small pure transformation of the loaded tables
(DataFrame in, DataFrame out); :func:`region_profile` bundles what one
regional report needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from coop_analysis.datasets import (
    load_events,
    load_facts,
    load_initiatives,
    load_metrics,
    load_organizations,
    load_pairings,
    load_provinces,
    load_sources,
)
from coop_analysis.regions import resolve_province
from coop_analysis.schemas import LIST_SEP

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RegionProfile",
    "chart_facts",
    "event_place",
    "flows",
    "initiatives_table",
    "key_figures",
    "mechanism_matrix",
    "organizations_table",
    "pair_coverage",
    "partner_table",
    "provinces_with_records",
    "region_flows",
    "region_profile",
    "short_label",
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
    """Facts that concern a province, as the subject or as a partner."""
    mask = (facts["province"] == province) | facts["partner"].map(lambda c: _has(c, province))
    return facts[mask].reset_index(drop=True)


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

    @property
    def name(self) -> str:
        return str(self.province["name_en"])

    @property
    def side(self) -> str:
        """``west`` when the province leads initiatives of its own, else ``partner``."""
        return "west" if (self.initiatives["province"] == self.name).any() else "partner"

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
    events = events[events["initiative_id"].isin(ids) | (events["province"] == name)]
    events = events.sort_values(["date", "event_id"]).reset_index(drop=True)
    pairs = load_pairings()
    pairs = pairs[(pairs["east_province"] == name) | (pairs["west_province"] == name)].reset_index(drop=True)
    sources = load_sources()
    used = set(ini["doc_id"]) | set(facts["doc_id"])
    return RegionProfile(prov, ini, facts, orgs, events, pairs, sources[sources["doc_id"].isin(used)])


def key_figures(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """One row per fact: what, how much (qualifier kept), when, initiative and fact id.

    Columns: ``fact_id, initiative, metric, figure, as_of, raw`` where
    ``figure`` is the formatted quantity (see :func:`coop_analysis.narrative.format_quantity`)
    and ``raw`` the number as the source writes it.
    """
    import pandas as pd

    from coop_analysis.narrative import format_quantity

    metrics = load_metrics().set_index("metric")
    desc = "description_zh" if lang == "zh" else "description_en"
    title = "title_zh" if lang == "zh" else "title_en"
    initiatives = load_initiatives()
    titles = dict(zip(initiatives["initiative_id"], initiatives[title], strict=True))
    f = profile.facts
    return pd.DataFrame(
        {
            "fact_id": f["fact_id"],
            "initiative": f["initiative_id"].map(titles),
            "metric": f["metric"].map(metrics[desc]),
            "figure": [format_quantity(r, lang) for r in f.itertuples(index=False)],
            "as_of": f["as_of"].fillna(""),
            "raw": f["raw"],
        }
    ).astype("string")


def partner_table(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """Partners in the sources next to the official pairings of the province.

    Columns: ``partner`` (English name), ``label`` (in ``lang``), ``initiatives``
    (count in the sources), ``kinds`` (``|``-joined pairing kinds, empty when
    not officially paired), ``official`` (the pairing described in ``lang``,
    with the prefecture and, where a city supports in its own right, the city),
    ``in_sources`` (bool).
    """
    import pandas as pd

    from coop_analysis.narrative import pairing_label

    name = profile.name
    counts: dict[str, int] = {}
    for row in profile.initiatives.itertuples(index=False):
        for p in [row.province, *_split(row.partners)]:
            if p != name:
                counts[p] = counts.get(p, 0) + 1
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
    rows = []
    for p in sorted(set(counts) | set(official), key=lambda p: (-counts.get(p, 0), p)):
        label = str(provinces.at[p, "short_zh"]) if lang == "zh" else p
        sep = "；" if lang == "zh" else "; "
        kinds_p, official_p = list(dict.fromkeys(kinds.get(p, []))), list(dict.fromkeys(official.get(p, [])))
        rows.append((p, label, counts.get(p, 0), LIST_SEP.join(kinds_p), sep.join(official_p),
                     p in counts))  # fmt: skip
    frame = pd.DataFrame(rows, columns=["partner", "label", "initiatives", "kinds", "official", "in_sources"])
    return frame.astype({"partner": "string", "label": "string", "initiatives": "int64", "kinds": "string",
                         "official": "string", "in_sources": "bool"})  # fmt: skip


def event_place(place_zh: object, province: object, lang: str = "en") -> str:
    """Where an event happened, for a reader of ``lang``.

    The place as the source names it, with its province in English reports:
    ``石嘴山市, Ningxia``; a place that is the province itself becomes its name
    (上海 → ``Shanghai``, 浙江省 → ``Zhejiang``; ``上海``/``浙江省`` stay in Chinese
    reports). Without a place, the province alone; without either, ``""``.
    """
    from coop_analysis.errors import UnknownRegionError
    from coop_analysis.regions import province_names

    place = place_zh if isinstance(place_zh, str) else ""
    prov = province if isinstance(province, str) else ""
    if lang == "zh":
        return place or (province_names("zh").get(prov, prov) if prov else "")
    if not place:
        return prov
    try:
        if str(resolve_province(place, suggest=False)["name_en"]) == prov:  # a city: no suggestions needed
            return prov
    except UnknownRegionError:
        pass
    return f"{place}, {prov}" if prov else place


def timeline(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """Dated events in order: ``date`` (as precise as the source), ``place``, ``what``, ``event_id``."""
    import pandas as pd

    from coop_analysis.narrative import format_date

    e = profile.events
    return pd.DataFrame(
        {
            "date": [format_date(d, p, lang) for d, p in zip(e["date"], e["date_precision"], strict=True)],
            "place": [event_place(pl, pr, lang) for pl, pr in zip(e["place_zh"], e["province"], strict=True)],
            "what": e["what_zh" if lang == "zh" else "what_en"],
            "event_id": e["event_id"],
        }
    ).astype("string")


# ------------------------------------------------------------------ national overview


def flows() -> pd.DataFrame:
    """East→West links: one row per (partner, western province) with the number of initiatives.

    Columns: ``source``, ``target`` (English names), ``source_adcode``,
    ``target_adcode``, ``weight`` (initiatives), ``official`` (bool: an
    official pairing of the two).
    """
    import pandas as pd

    ini = load_initiatives()
    prov = load_provinces().set_index("name_en")
    pairs = load_pairings()
    official = set(zip(pairs["east_province"], pairs["west_province"], strict=True))
    counts: dict[tuple[str, str], int] = {}
    for row in ini.itertuples(index=False):
        for partner in _split(row.partners):
            key = (partner, row.province)
            counts[key] = counts.get(key, 0) + 1
    rows = [
        (s, t, int(prov.at[s, "adcode"]), int(prov.at[t, "adcode"]), float(n), (s, t) in official)
        for (s, t), n in sorted(counts.items())
    ]
    return pd.DataFrame(rows, columns=["source", "target", "source_adcode", "target_adcode", "weight", "official"])


def pair_coverage() -> pd.DataFrame:
    """Which official pairs the sources cover: one row per province pair and kind
    (:func:`coop_analysis.pairings.group_pairs`: ids and prefectures joined with ``"; "``),
    plus ``initiatives`` (count) and ``covered``."""
    from coop_analysis.pairings import group_pairs

    ini = load_initiatives()
    pairs = group_pairs(load_pairings())
    counts = []
    for row in pairs.itertuples(index=False):
        mask = (ini["province"] == row.west_province) & ini["partners"].map(lambda c, e=row.east_province: _has(c, e))
        counts.append(int(mask.sum()))
    out = pairs[["pair_id", "kind", "east_province", "west_province", "west_area_en"]].copy()
    out["initiatives"] = counts
    out["covered"] = out["initiatives"] > 0
    return out


def mechanism_matrix(lang: str = "en") -> pd.DataFrame:
    """Initiatives counted by mechanism (rows) and western province (columns)."""
    import pandas as pd

    from coop_analysis.narrative import mechanism_label
    from coop_analysis.regions import province_names

    ini = load_initiatives()
    rows = [(m, p) for p, cell in zip(ini["province"], ini["mechanism"], strict=True) for m in _split(cell)]
    frame = pd.DataFrame(rows, columns=["mechanism", "province"])
    matrix = pd.crosstab(frame["mechanism"], frame["province"])
    names = province_names(lang)
    matrix.index = [mechanism_label(m, lang) for m in matrix.index]
    matrix.columns = [names[c] for c in matrix.columns]
    matrix.index.name, matrix.columns.name = None, None
    return matrix


def initiatives_table(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """The province's initiatives: title, lead province, partners, mechanisms, sectors, start."""
    import pandas as pd

    from coop_analysis.narrative import mechanism_label, sector_label
    from coop_analysis.regions import province_names

    names = province_names(lang)
    sep = "、" if lang == "zh" else ", "
    ini = profile.initiatives

    def provinces(cell: object) -> str:
        return sep.join(names.get(p, p) for p in _split(cell))

    return pd.DataFrame(
        {
            "initiative": ini["title_zh" if lang == "zh" else "title_en"],
            "lead": ini["province"].map(names),
            "partners": [
                sep.join(x for x in (provinces(p), "" if lang == "zh" else (b if isinstance(b, str) else "")) if x)
                for p, b in zip(ini["partners"], ini["partner_bodies"], strict=True)
            ],
            "mechanisms": [sep.join(mechanism_label(m, lang) for m in _split(c)) for c in ini["mechanism"]],
            "sectors": [sep.join(sector_label(s, lang) for s in _split(c)) for c in ini["sectors"]],
            "since": ini["start_date"].fillna(""),
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


def organizations_table(profile: RegionProfile, lang: str = "en") -> pd.DataFrame:
    """Organizations in the province's initiatives: name, type, province."""
    import pandas as pd

    from coop_analysis.regions import province_names

    names = province_names(lang)
    o = profile.organizations
    return pd.DataFrame(
        {
            "name": o["name_zh"] if lang == "zh" else o["name_en"] + " (" + o["name_zh"] + ")",
            "type": o["type"].map(lambda t: _ORG_TYPES_ZH.get(t, t) if lang == "zh" else t.replace("_", " ")),
            "province": o["province"].map(lambda p: names.get(p, "") if isinstance(p, str) else ""),
        }
    ).astype("string")


def sources_table(profile: RegionProfile) -> pd.DataFrame:
    """Provenance of every number in the report: fact id, the figure as written, the quote, the source."""
    import pandas as pd

    titles = dict(zip(profile.sources["doc_id"], profile.sources["title"], strict=True))
    f = profile.facts
    return pd.DataFrame(
        {
            "fact_id": f["fact_id"],
            "raw": f["raw"],
            "quote": f["quote"],
            "source": f["doc_id"].map(lambda d: f"{titles.get(d, '')} [{d}]"),
        }
    ).astype("string")


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

    Columns: ``label`` (metric, currency for money, fact id), ``value``,
    ``approx`` (not exact), ``text`` (the figure with its qualifier, see
    :func:`coop_analysis.narrative.format_quantity`), ``fact_id``, ``province``.

    ``kind`` is ``money`` (labels carry the currency, since currencies are not
    converted) or ``count`` (counts and people).
    """
    metrics = load_metrics().set_index("metric")
    kinds = facts["metric"].map(metrics["kind"])
    wanted = kinds.isin(["count", "people"]) if kind == "count" else kinds == kind
    sel = facts[wanted].copy()
    desc = metrics["description_zh" if lang == "zh" else "description_en"]
    short = sel["metric"].map(desc).map(short_label)
    unit = "" if kind == "count" else " (" + sel["unit"] + ")"
    sel["label"] = short + unit + " [" + sel["fact_id"] + "]"
    sel["approx"] = sel["qualifier"] != "exact"
    from coop_analysis.narrative import format_quantity

    sel["text"] = [format_quantity(r, lang) for r in sel.itertuples(index=False)]
    columns = ["label", "value", "approx", "text", "fact_id", "province"]
    return sel.sort_values("value", ascending=False)[columns].reset_index(drop=True)
