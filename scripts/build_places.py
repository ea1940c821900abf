"""Derive ``data/reference/places.csv`` (the place gazetteer) from cpca's adcode table.

Run once by a maintainer when the gazetteer needs rebuilding::

    python scripts/build_places.py            # writes data/reference/places.csv

``cpca`` (https://github.com/DQinYuan/chinese_province_city_area_mapper, MIT) is a
development-only dependency: this script reads the CSV that ships inside the package
(``cpca/resources/adcodes.csv``, derived from the MCA administrative division codes)
without importing cpca itself (importing it builds a matcher and needs
``pkg_resources``). The package at run time only reads the generated CSV.

Steps (load, process, save):

1. load cpca's table and the hand-written ``provinces.csv``;
2. keep prefecture- and county-level rows of the 31 provincial divisions, dropping
   the placeholder rows (市辖区, 县, 省直辖县级行政区划 ...) that are not places;
3. apply the few hand corrections in ``RENAMED`` (cpca's table predates them);
4. derive ``short_zh``, ``parent_zh``, ``abbr_zh``, ``ambiguous``; add ``HAND_ADDED``;
5. sort and write.

The output is deterministic (sorted, fixed column order, ``\\n`` line endings).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import logging
import re
import sys
from pathlib import Path

import pandas as pd

try:
    from coop_analysis.paths import reference_dir
    from coop_analysis.schemas import TABLES
except ImportError:  # run from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from coop_analysis.paths import reference_dir
    from coop_analysis.schemas import TABLES

logger = logging.getLogger("build_places")

COLUMNS = list(TABLES["places"].columns)  # the schema the loader validates against

# Rows of the adcode table that are grouping placeholders, not places.
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Municipalities: their districts/counties get the municipality as parent.
MUNICIPALITY_PREFIXES = {"11", "12", "31", "50"}

# Administrative suffixes, longest first; only the first that leaves a stem of at
# least two characters is removed (清新区 -> 清新 via 区, not 新区).
SUFFIXES = [
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "特区",
    "地区",
    "盟",
    "市",
    "区",
    "县",
    "旗",
]
# Short names the suffix rules cannot derive. 林区 is not a general suffix: in
# 万柏林区, 碑林区, 西林区, 北林区 the 林 belongs to the name.
SHORT_OVERRIDES = {"神农架林区": "神农架"}
AUTONOMOUS_SUFFIXES = ("自治州", "自治县", "自治旗")
# Banners such as 土默特左旗 / 察哈尔右翼中旗 / 达尔罕茂明安联合旗 keep their full
# name: dropping only 旗 gives an unnatural form, dropping more collides (左旗/右旗).
DIRECTIONAL_BANNER = re.compile(r"(左|右|前|中|后|联合)旗$")

# Press abbreviations of a few cities/districts (design.md), keyed by adcode.
CITY_ABBREVIATIONS = {
    330200: "甬",  # 宁波市
    310112: "闵",  # 闵行区 (Shanghai)
    530500: "保",  # 保山市 (Yunnan)
}

# Changes after cpca's table was compiled (it is roughly of 2016 vintage) that the
# project's sources or pairings need; not a full update of the table.
# old adcode -> (new adcode, new name or None to keep, note)
_NAGQU = "Nagqu prefecture became 那曲市 (2017; recoded 5424xx -> 5406xx)"
RENAMED: dict[int, tuple[int, str | None, str]] = {
    330283: (330213, "奉化区", "奉化市 became a district of 宁波市 (2016)"),
    542400: (540600, "那曲市", _NAGQU),
    542421: (540602, "色尼区", _NAGQU + "; 那曲县 renamed 色尼区"),
    **{542400 + k: (540620 + k - 21, None, _NAGQU) for k in range(22, 32)},
}

# Non-administrative places the sources use, absent from cpca's table.
HAND_ADDED = [
    {
        "place_zh": "成都东部新区",
        "short_zh": "东部新区",
        "level": "county",
        "parent_zh": "成都市",
        "adcode": pd.NA,
        "province_adcode": 510000,
        "abbr_zh": "",
        "source": (
            "hand-added: functional zone of Chengdu (Sichuan) named in the seed "
            "article; not an administrative division, so no GB/T 2260 code"
        ),
    },
]


def locate_cpca_table() -> tuple[Path, str]:
    """Return the path of cpca's bundled ``adcodes.csv`` and cpca's version."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "build_places.py needs the dev-only package cpca "
            "(pip install cpca==0.5.5); it is not installed in this environment."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    if not path.is_file():
        raise SystemExit(f"cpca is installed but its adcode table is missing: {path}")
    return path, importlib.metadata.version("cpca")


def load_adcodes(path: Path) -> pd.DataFrame:
    """Read cpca's table as (adcode: int, name: str, lon: str, lat: str), 6-digit codes.

    The coordinates (the seat of each division's government, decimal degrees) are
    kept as the strings cpca writes, so the gazetteer repeats them digit for digit.
    """
    raw = pd.read_csv(path, dtype=str, encoding="utf-8", keep_default_na=False)
    bad = raw[~raw["adcode"].str.fullmatch(r"\d{6}0{6}")]
    if not bad.empty:
        raise ValueError(f"unexpected adcodes in {path}: {bad['adcode'].tolist()[:5]}")
    coord = r"-?\d{1,3}\.\d+"
    given = (raw["longitude"] != "") | (raw["latitude"] != "")  # placeholders (市辖区) have none
    odd = raw[given & (~raw["longitude"].str.fullmatch(coord) | ~raw["latitude"].str.fullmatch(coord))]
    if not odd.empty:
        raise ValueError(f"unexpected coordinates in {path} for adcodes {odd['adcode'].tolist()[:5]}")
    return pd.DataFrame(
        {
            "adcode": raw["adcode"].str[:6].astype(int),
            "name": raw["name"].str.strip(),
            "lon": raw["longitude"],
            "lat": raw["latitude"],
        }
    )


def _ethnic_pattern(nations: list[str]) -> re.Pattern[str]:
    """Regex for trailing ethnic names (苗族, 蒙古, 哈萨克, 各族 ...) before 自治X."""
    alternatives = {"各族"}
    for nation in nations:
        alternatives.add(nation)
        base = nation.removesuffix("族")
        if len(base) >= 2:  # 蒙古自治州, 哈萨克自治州: 族 is often dropped
            alternatives.add(base)
    ordered = sorted(alternatives, key=lambda s: (-len(s), s))
    return re.compile("(?:" + "|".join(map(re.escape, ordered)) + ")$")


def short_name(name: str, ethnic: re.Pattern[str]) -> str:
    """Strip one administrative suffix (and ethnic names before 自治X).

    The result must keep at least two characters, otherwise less is stripped:
    义县 stays 义县, 东乡族自治县 becomes 东乡, 鄂伦春自治旗 becomes 鄂伦春.
    """
    if name in SHORT_OVERRIDES:
        return SHORT_OVERRIDES[name]
    if DIRECTIONAL_BANNER.search(name):
        return name
    for suffix in SUFFIXES:
        if not name.endswith(suffix):
            continue
        stem = name[: -len(suffix)]
        if len(stem) < 2:
            continue
        if suffix in AUTONOMOUS_SUFFIXES:
            core = stem
            while (m := ethnic.search(core)) and len(core) - len(m.group()) >= 2:
                core = core[: m.start()]
            if core == stem and stem.endswith("族") and len(stem) >= 3:
                core = stem[:-1]  # 东乡族 -> 东乡, 鄂温克族 -> 鄂温克
            return core
        return stem
    return name


def build(cpca_table: Path, cpca_version: str, provinces: pd.DataFrame) -> pd.DataFrame:
    """Return the gazetteer as a DataFrame with ``COLUMNS``."""
    nations_path = cpca_table.with_name("56_nations.csv")
    nations = [n.strip() for n in nations_path.read_text("utf-8").split() if n.strip()]
    ethnic = _ethnic_pattern(nations)

    ad = load_adcodes(cpca_table)
    ad["province_adcode"] = ad["adcode"] // 10000 * 10000
    ad = ad[ad["province_adcode"].isin(provinces["adcode"])]
    names = dict(zip(ad["adcode"], ad["name"], strict=False))
    places = ad[(ad["adcode"] % 10000 != 0) & ~ad["name"].isin(PLACEHOLDERS)].copy()
    places["source"] = f"cpca {cpca_version} adcodes table (derived from MCA administrative division codes)"

    for old, (new, new_name, note) in RENAMED.items():
        hit = places["adcode"] == old
        if hit.sum() != 1:
            raise ValueError(f"RENAMED entry {old} not found once in cpca's table")
        places.loc[hit, "adcode"] = new
        if new_name:
            places.loc[hit, "name"] = new_name
        places.loc[hit, "source"] += f"; hand-updated: {note}"
    names.update(zip(places["adcode"], places["name"], strict=False))

    places["level"] = ["prefecture" if c % 100 == 0 else "county" for c in places["adcode"]]
    province_name = dict(zip(provinces["adcode"], provinces["name_zh"], strict=False))

    def parent(code: int) -> str:
        if code % 100 == 0:
            return ""
        pref = names.get(code // 100 * 100)
        if pref is None:
            raise ValueError(f"county {code} has no prefecture row in cpca's table")
        if pref not in PLACEHOLDERS:
            return pref
        if str(code)[:2] in MUNICIPALITY_PREFIXES:
            return province_name[code // 10000 * 10000]
        return ""  # county-level unit administered directly by the province

    places["parent_zh"] = [parent(c) for c in places["adcode"]]
    places["place_zh"] = places["name"]
    places["short_zh"] = [short_name(n, ethnic) for n in places["name"]]
    places["abbr_zh"] = places["adcode"].map(CITY_ABBREVIATIONS).fillna("")
    missing = set(CITY_ABBREVIATIONS) - set(places["adcode"])
    if missing:
        raise ValueError(f"CITY_ABBREVIATIONS name unknown adcodes: {sorted(missing)}")

    out = pd.concat([places, pd.DataFrame(HAND_ADDED)], ignore_index=True)
    out["adcode"] = out["adcode"].astype("Int64")
    out["province_adcode"] = out["province_adcode"].astype(int)
    out["province_en"] = out["province_adcode"].map(dict(zip(provinces["adcode"], provinces["name_en"], strict=False)))

    # Ambiguous: the short name occurs in more than one province, or equals the
    # short name of another province (河北区 in Tianjin, 河南县 in Qinghai).
    n_prov = out.groupby("short_zh")["province_adcode"].transform("nunique")
    prov_short = dict(zip(provinces["short_zh"], provinces["adcode"], strict=False))
    clash = [
        s in prov_short and prov_short[s] != p for s, p in zip(out["short_zh"], out["province_adcode"], strict=False)
    ]
    out["ambiguous"] = (n_prov > 1) | pd.Series(clash, index=out.index)
    out["ambiguous"] = out["ambiguous"].map({True: "true", False: "false"})

    out = out.sort_values(["province_adcode", "adcode", "place_zh"], na_position="last", kind="mergesort").reset_index(
        drop=True
    )
    if out.duplicated("adcode").loc[out["adcode"].notna()].any():
        raise ValueError("duplicate adcodes in the gazetteer")
    return out[COLUMNS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output CSV (default: data/reference/places.csv)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    ref = reference_dir()
    out_path = args.out or ref / "places.csv"
    cpca_table, version = locate_cpca_table()
    provinces = pd.read_csv(ref / "provinces.csv", dtype={"adcode": int})
    places = build(cpca_table, version, provinces)
    places.to_csv(out_path, index=False, encoding="utf-8", lineterminator="\n")
    logger.info(
        "wrote %d places (%d prefecture, %d county, %d ambiguous) from cpca %s to %s",
        len(places),
        (places["level"] == "prefecture").sum(),
        (places["level"] == "county").sum(),
        (places["ambiguous"] == "true").sum(),
        version,
        out_path,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
