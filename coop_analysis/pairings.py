"""Official pairings: which programmes the pairing table covers, how far, and grouped views of it.

``data/reference/pairings.csv`` (:func:`coop_analysis.load_pairings`) has one row per
supporter and supported prefecture. Four programmes are recorded, told apart by the
prefix of ``pair_id``; :data:`PROGRAMS` says in English and Chinese what each covers
and leaves out, so that pages can say it (:func:`coverage_notes`), and
:data:`NOT_COVERED_EN` / :data:`NOT_COVERED_ZH` name the programmes not in the table.
:func:`group_pairs` gives one row per province pair (a pair with several prefectures
is one link, e.g. one arrow on a map), and :func:`check_pairings` is the integrity
check behind ``coop-analysis validate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NOT_COVERED_EN",
    "NOT_COVERED_ZH",
    "PROGRAMS",
    "PairingProgram",
    "check_pairings",
    "coverage_notes",
    "group_pairs",
    "program_of",
]


@dataclass(frozen=True)
class PairingProgram:
    """One pairing programme of the table: its rows' ``pair_id`` prefix and what the rows cover."""

    prefix: str
    kind: str
    name_en: str
    name_zh: str
    covers_en: str
    covers_zh: str

    def note(self, lang: str = "en") -> str:
        """``<name>: <what the table covers>`` in ``lang``."""
        return f"{self.name_zh}：{self.covers_zh}" if lang == "zh" else f"{self.name_en}: {self.covers_en}"


PROGRAMS: tuple[PairingProgram, ...] = (
    PairingProgram(
        "EW2021", "east_west_cooperation",
        "East–West cooperation (2021 pairs)", "东西部协作（2021年结对）",
        "all 11 province-to-province pairs set in 2021. The prefectures and counties paired inside a pair "
        "(such as Jiangsu's focus in Qinghai, or how Tianjin and Shandong share Gansu) are not recorded.",
        "2021年确定的全部11对省际结对；结对内部的市州、县结对（如江苏在青海的帮扶重点、天津与山东在甘肃的分工）未收录。",
    ),
    PairingProgram(
        "CSXZ", "counterpart_support",
        "Counterpart support to Tibet (since 1994)", "对口支援西藏（1994年起）",
        "all 17 supporting provinces and municipalities, each with the prefecture it supports; the start year is "
        "not recorded for Jilin, Hubei, Hunan and Anhui. Support by central departments and state-owned "
        "enterprises, and county-level assignments, are not recorded.",
        "全部17个支援省市及其对口支援的地市；吉林、湖北、湖南、安徽的起始年份未收录。中央国家机关和中央企业的援藏、各县的对口安排未收录。",
    ),
    PairingProgram(
        "CSXJ", "counterpart_support",
        "Counterpart support to Xinjiang (2010 scheme)", "对口支援新疆（2010年新一轮）",
        "the 19 supporting provinces and cities of the 2010 scheme (Shenzhen recorded as a city of Guangdong), "
        "each with the prefecture(s) it supports. Support to divisions of the Xinjiang Production and "
        "Construction Corps, county-level assignments and the earlier round begun in 1997 are not recorded.",
        "2010年确定的全部19个支援省市（深圳作为广东省的城市记录）及其对口支援的地州；对兵团各师的支援、各县的对口安排和1997年开始的上一轮援疆未收录。",
    ),
    PairingProgram(
        "CSQH", "counterpart_support",
        "Counterpart support to Qinghai's Tibetan areas (since 2010)", "对口支援青海藏区（2010年起）",
        "the six eastern supporters, five with the prefecture they support; Shandong's prefecture is not "
        "recorded (not verified).",
        "全部6个东部支援省市，其中5个附对口支援的州；山东对口支援的州未收录（未能核实）。",
    ),
)  # fmt: skip

NOT_COVERED_EN = (
    "Not in the pairing table: other programmes, such as the support of Tianjin, Shanghai, Zhejiang and "
    "Guangdong for the Tibetan areas of Sichuan, Yunnan and Gansu, and East–West pairs before 2021."
)
NOT_COVERED_ZH = (
    "结对表未收录其他帮扶安排，例如天津、上海、浙江、广东对口支援四川、云南、甘肃藏区，以及2021年以前的东西部协作结对。"
)


def program_of(pair_id: str) -> PairingProgram:
    """The programme a row belongs to, from its ``pair_id`` prefix (``CSXJ-03`` → Xinjiang)."""
    prefix = str(pair_id).split("-", 1)[0]
    for program in PROGRAMS:
        if program.prefix == prefix:
            return program
    raise KeyError(f"pair_id {pair_id!r}: unknown prefix {prefix!r}; known: {[p.prefix for p in PROGRAMS]}")


def coverage_notes(province: str | None = None, lang: str = "en", pairs: pd.DataFrame | None = None) -> list[str]:
    """What the table covers, one sentence per programme: all programmes, or those with a row for ``province``.

    ``province`` is a ``name_en`` (either side of a pair); ``pairs`` defaults to :func:`load_pairings`.
    The list does not include :data:`NOT_COVERED_EN`; add it where a page needs it.
    """
    if province is None:
        return [p.note(lang) for p in PROGRAMS]
    if pairs is None:
        from coop_analysis.datasets import load_pairings

        pairs = load_pairings()
    mine = pairs[(pairs["east_province"] == province) | (pairs["west_province"] == province)]
    prefixes = {program_of(pid).prefix for pid in mine["pair_id"]}
    return [p.note(lang) for p in PROGRAMS if p.prefix in prefixes]


def group_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per (kind, east_province, west_province), in table order.

    ``pair_id``, ``west_area_zh``, ``west_area_en`` and ``supporter_city_en`` join the
    group's distinct non-empty values with ``"; "`` (empty string when none); ``since``
    is the group's earliest known year.
    """
    import pandas as pd

    keys = ["kind", "east_province", "west_province"]
    rows = []
    for key, group in pairs.groupby(keys, sort=False):
        row = dict(zip(keys, key, strict=True))
        for col in ("pair_id", "west_area_zh", "west_area_en", "supporter_city_en"):
            values = [str(v) for v in group[col] if isinstance(v, str) and v]
            row[col] = "; ".join(dict.fromkeys(values))
        row["since"] = group["since"].min()
        rows.append(row)
    columns = ["pair_id", *keys, "supporter_city_en", "west_area_zh", "west_area_en", "since"]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({c: "string" for c in columns if c != "since"} | {"since": "Int64"})


def check_pairings(pairs: pd.DataFrame, places: pd.DataFrame, where: str = "data/reference/pairings.csv") -> list[str]:
    """Integrity problems of the pairing table beyond its schema; empty when sound.

    Every supported area is a prefecture of the supported province (places.csv), named in
    both languages or neither; a supporting city likewise; no province supports itself; no
    row is repeated; East–West rows are the 2021 pairs; every id has a known prefix whose
    kind is the row's kind.
    """
    import pandas as pd

    problems = []
    prefectures = places[places["level"] == "prefecture"]
    known = set(zip(prefectures["place_zh"], prefectures["province_en"], strict=True))
    fields = ["kind", "east_province", "supporter_city_zh", "west_province", "west_area_zh"]
    for idx in pairs.index[pairs.duplicated(fields, keep="first")]:
        problems.append(f"{where}, line {idx + 2}: repeats an earlier row ({', '.join(fields)})")
    for idx, row in pairs.iterrows():
        line = f"{where}, line {int(idx) + 2} ({row['pair_id']})"
        for zh, en in (("west_area_zh", "west_area_en"), ("supporter_city_zh", "supporter_city_en")):
            if pd.isna(row[zh]) != pd.isna(row[en]):
                problems.append(f"{line}: {zh} and {en} must both be given or both be empty")
        area = row["west_area_zh"]
        if not pd.isna(area) and (area, row["west_province"]) not in known:
            problems.append(f"{line}, column 'west_area_zh': {area!r} is not a prefecture of "
                            f"{row['west_province']} in places.csv")  # fmt: skip
        if row["east_province"] == row["west_province"]:
            problems.append(f"{line}: a province cannot support itself")
        try:
            program = program_of(row["pair_id"])
        except KeyError as exc:
            problems.append(f"{line}, column 'pair_id': {exc.args[0]}")
            continue
        if program.kind != row["kind"]:
            problems.append(f"{line}, column 'kind': {program.prefix} rows are {program.kind}, got {row['kind']!r}")
        if row["kind"] == "east_west_cooperation" and (pd.isna(row["since"]) or int(row["since"]) != 2021):
            problems.append(
                f"{line}, column 'since': East–West cooperation rows are the 2021 pairs, got {row['since']}"
            )
    return problems
