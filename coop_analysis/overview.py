"""The national overview's tables: East→West links, official pair coverage, mechanisms.

Pure transformations of the loaded tables; :mod:`coop_analysis.profiles`
re-exports them for the reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_analysis import attribution
from coop_analysis.datasets import (
    load_initiatives,
    load_organizations,
    load_pairings,
    load_participants,
    load_places,
    load_provinces,
)
from coop_analysis.schemas import LIST_SEP

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["flow_ends", "flows", "mechanism_matrix", "mechanism_table", "pair_coverage", "pairs_table"]


def _split(cell: object) -> list[str]:
    return cell.split(LIST_SEP) if isinstance(cell, str) and cell else []


def _prefecture(place_zh: str, province: str, places: pd.DataFrame) -> str | None:
    """The prefecture a place of ``province`` lies in (itself for a prefecture), or ``None``
    (not in the gazetteer, a district of a municipality, a county under the province)."""
    rows = places[(places["place_zh"] == place_zh) & (places["province_en"] == province)]
    if len(rows) != 1:
        return None
    row = rows.iloc[0]
    if row["level"] == "prefecture":
        return str(row["place_zh"])
    parent = places[
        (places["place_zh"] == row["parent_zh"])
        & (places["province_en"] == province)
        & (places["level"] == "prefecture")
    ]
    return str(parent["place_zh"].iloc[0]) if len(parent) == 1 else None


def flow_ends(links: pd.DataFrame, participants: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Where in each province the sources place each East→West link: one prefecture, or none.

    A side of a link (``east``, ``west``) ends in prefecture P when, in every initiative
    behind the link, that province takes part on that side through named places only
    (cities, counties: participant type ``city``) besides its organizations — never as
    the province itself — and all those places lie in P (a county counts for its
    prefecture). Otherwise the side stays at the province: a link is never drawn to a
    prefecture the sources do not name for every initiative behind it.

    Args:
        links: :func:`coop_analysis.attribution.partner_links`.
        participants: the participants table.
        places: the gazetteer (:func:`coop_analysis.datasets.load_places`).

    Returns:
        One row per (``east``, ``west``) pair of ``links`` with ``east_place_zh`` and
        ``west_place_zh`` (the prefecture's full name, or ``""``).
    """
    import pandas as pd

    side_places: dict[tuple[str, str, str], set[str | None]] = {}
    for row in participants.itertuples(index=False):
        key = (str(row.initiative_id), str(row.role), str(row.province))
        if row.participant_type == "province":
            side_places.setdefault(key, set()).add(None)  # the province itself takes part
        elif row.participant_type == "city":
            side_places.setdefault(key, set()).add(_prefecture(str(row.participant), str(row.province), places))
    ends: dict[tuple[str, str], dict[str, set[str | None]]] = {}
    for row in links.itertuples(index=False):
        pair = ends.setdefault((str(row.east), str(row.west)), {"east": set(), "west": set()})
        for side in ("east", "west"):
            found = side_places.get((str(row.initiative_id), side, str(getattr(row, side))), {None})
            pair[side] |= found
    rows = []
    for (east, west), found in sorted(ends.items()):
        one = {side: next(iter(p)) if len(p) == 1 and None not in p else "" for side, p in found.items()}
        rows.append((east, west, one["east"], one["west"]))
    return pd.DataFrame(rows, columns=["east", "west", "east_place_zh", "west_place_zh"]).astype("string")


def flows() -> pd.DataFrame:
    """East→West links: one row per (eastern, western province) with the number of initiatives.

    Links come from participants on opposite sides of an initiative
    (:func:`coop_analysis.attribution.partner_links`). Columns: ``source``,
    ``target`` (English names), ``source_adcode``, ``target_adcode``, ``weight``
    (initiatives), ``official`` (bool: an official pairing of the two), and where
    the sources place a side in one prefecture (:func:`flow_ends`): ``source_place_zh``,
    ``target_place_zh`` (full name or ``""``), ``source_lon``, ``source_lat``,
    ``target_lon``, ``target_lat`` (the prefecture's seat, from ``places.csv``; NaN
    when the side stays at the province).
    """
    import pandas as pd

    participants, places = load_participants(), load_places()
    links = attribution.partner_links(participants)
    prov = load_provinces().set_index("name_en")
    pairs = load_pairings()
    official = set(zip(pairs["east_province"], pairs["west_province"], strict=True))
    counts = links.groupby(["east", "west"]).size()
    rows = [
        (s, t, int(prov.at[s, "adcode"]), int(prov.at[t, "adcode"]), float(n), (s, t) in official)
        for (s, t), n in sorted(counts.items())
    ]
    out = pd.DataFrame(rows, columns=["source", "target", "source_adcode", "target_adcode", "weight", "official"])
    ends = flow_ends(links, participants, places).set_index(["east", "west"])
    keys = list(zip(out["source"], out["target"], strict=True))
    seat = places[places["level"] == "prefecture"].set_index(["province_en", "place_zh"])
    for end, side in (("source", "east"), ("target", "west")):
        names = [str(ends.at[k, f"{side}_place_zh"]) for k in keys]
        out[f"{end}_place_zh"] = pd.Series(names, dtype="string")
        where = list(zip(out[end], names, strict=True))
        for axis in ("lon", "lat"):
            out[f"{end}_{axis}"] = [float(seat.at[w, axis]) if w in seat.index else float("nan") for w in where]
    return out


def pair_coverage() -> pd.DataFrame:
    """Which official pairs the sources cover.

    One row per province pair and kind (:func:`coop_analysis.pairings.group_pairs`:
    ids and prefectures (``west_area_en``, ``west_area_zh``) joined with ``"; "``), plus ``initiatives``: initiatives in which the two provinces
    take part on opposite sides and the eastern side acts through a public body (a
    province, city, government body, university, institute, platform or park);
    ``firm_links``: initiatives that link them only through enterprises or
    financial firms (Geely, one of seven founders of a Sichuan fund, links Zhejiang
    and Sichuan but does not make their official pair covered); ``covered``:
    ``initiatives > 0``.
    """
    from coop_analysis.pairings import group_pairs

    parts, orgs = load_participants(), load_organizations()
    public: dict[tuple[str, str], set[str]] = {}
    linked: dict[tuple[str, str], set[str]] = {}
    links = attribution.partner_links(parts)
    for row in links.itertuples(index=False):
        key = (row.east, row.west)
        linked.setdefault(key, set()).add(row.initiative_id)
        east = parts[(parts["initiative_id"] == row.initiative_id) & (parts["participant"].isin(_split(row.east_via)))]
        east = east[east["province"] == row.east]
        if any(attribution.public_participant(p, orgs) for p in east.itertuples(index=False)):
            public.setdefault(key, set()).add(row.initiative_id)
    pairs = group_pairs(load_pairings())
    out = pairs[["pair_id", "kind", "east_province", "west_province", "west_area_en", "west_area_zh"]].copy()
    keys = list(zip(pairs["east_province"], pairs["west_province"], strict=True))
    out["initiatives"] = [len(public.get(k, set())) for k in keys]
    out["firm_links"] = [len(linked.get(k, set()) - public.get(k, set())) for k in keys]
    out["covered"] = out["initiatives"] > 0
    return out


def pairs_table(lang: str = "en") -> pd.DataFrame:
    """:func:`pair_coverage` for readers of ``lang``: ``kind`` (the pairing kind's label),
    ``east_province``, ``west_province`` (names in ``lang``), ``west_area`` (the supported
    prefectures, :func:`coop_analysis.labels.area_label`), ``initiatives``, ``firm_links``,
    ``covered``. Pair ids stay out (they are in pairings.csv)."""
    from coop_analysis.labels import area_label
    from coop_analysis.regions import province_names
    from coop_analysis.wording import check_lang, pairing_label

    check_lang(lang)
    cov = pair_coverage()
    names = province_names(lang)
    out = cov[["kind", "east_province", "west_province", "initiatives", "firm_links", "covered"]].copy()
    out["kind"] = [pairing_label(k, "", lang) for k in cov["kind"]]
    for col in ("east_province", "west_province"):
        out[col] = cov[col].map(lambda p: names.get(p, p))
    areas = [area_label(zh, en, lang) for zh, en in zip(cov["west_area_zh"], cov["west_area_en"], strict=True)]
    out.insert(3, "west_area", areas)
    return out.astype({c: "string" for c in ("kind", "east_province", "west_province", "west_area")})


def mechanism_matrix(lang: str = "en") -> pd.DataFrame:
    """Initiatives with a western side counted by mechanism (rows) and western province (columns)."""
    import pandas as pd

    from coop_analysis.regions import province_names
    from coop_analysis.wording import mechanism_label

    ini = load_initiatives()
    parts = load_participants()
    west = set(zip(parts.loc[parts["role"] == "west", "initiative_id"], parts.loc[parts["role"] == "west", "province"],
                   strict=True))  # fmt: skip
    ini = ini[[(i, p) in west for i, p in zip(ini["initiative_id"], ini["province"], strict=True)]]
    rows = [(m, p) for p, cell in zip(ini["province"], ini["mechanism"], strict=True) for m in _split(cell)]
    frame = pd.DataFrame(rows, columns=["mechanism", "province"])
    matrix = pd.crosstab(frame["mechanism"], frame["province"])
    names = province_names(lang)
    matrix.index = [mechanism_label(m, lang) for m in matrix.index]
    matrix.columns = [names[c] for c in matrix.columns]
    matrix.index.name, matrix.columns.name = None, None
    return matrix


def mechanism_table(lang: str = "en") -> pd.DataFrame:
    """:func:`mechanism_matrix` for readers: a ``mechanism`` column, then one column per
    western province holding its number of initiatives, blank where there are none (a grid
    of mostly zeros reads better as a table than as a heatmap)."""
    matrix = mechanism_matrix(lang)
    table = matrix.astype(int).astype(str).where(matrix > 0, "")
    table.insert(0, "mechanism", list(matrix.index))
    return table.reset_index(drop=True).astype("string")
