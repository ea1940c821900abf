"""overview: where the sources place each East→West link (flow_ends, flows)."""

from __future__ import annotations

import pandas as pd

from coop_analysis import attribution, load_participants, load_places, profiles
from coop_analysis.overview import flow_ends

COLS = ["initiative_id", "participant", "participant_type", "province", "role"]


def _ends(rows: list[tuple[str, str, str, str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    parts = pd.DataFrame(rows, columns=COLS)
    out = flow_ends(attribution.partner_links(parts), parts, load_places())
    return {(r.east, r.west): (r.east_place_zh, r.west_place_zh) for r in out.itertuples(index=False)}


def test_counties_of_one_prefecture_end_the_link_there() -> None:
    ends = _ends(
        [
            ("a", "ORG1", "organization", "Hebei", "east"),
            ("a", "札达县", "city", "Tibet", "west"),
            ("a", "日土县", "city", "Tibet", "west"),
        ]
    )
    assert ends == {("Hebei", "Tibet"): ("", "阿里地区")}


def test_a_province_taking_part_itself_keeps_its_side_at_the_province() -> None:
    ends = _ends(
        [
            ("a", "深圳市", "city", "Guangdong", "east"),
            ("a", "Ningxia", "province", "Ningxia", "west"),
            ("a", "银川市", "city", "Ningxia", "west"),
        ]
    )
    assert ends == {("Guangdong", "Ningxia"): ("深圳市", "")}


def test_every_initiative_behind_a_link_must_name_the_same_prefecture() -> None:
    one_without = [
        ("a", "ORG1", "organization", "Shandong", "east"),
        ("a", "兰州市", "city", "Gansu", "west"),
        ("b", "ORG2", "organization", "Shandong", "east"),
        ("b", "ORG3", "organization", "Gansu", "west"),
    ]
    assert _ends(one_without) == {("Shandong", "Gansu"): ("", "")}
    two_prefectures = [
        ("a", "ORG1", "organization", "Shandong", "east"),
        ("a", "兰州市", "city", "Gansu", "west"),
        ("a", "天水市", "city", "Gansu", "west"),
    ]
    assert _ends(two_prefectures) == {("Shandong", "Gansu"): ("", "")}


def test_a_district_of_a_municipality_or_an_unknown_place_stays_at_the_province() -> None:
    ends = _ends(
        [
            ("a", "闵行区", "city", "Shanghai", "east"),
            ("a", "不存在市", "city", "Yunnan", "west"),
        ]
    )
    assert ends == {("Shanghai", "Yunnan"): ("", "")}


def test_flows_carry_the_prefectures_and_their_seats_from_the_gazetteer() -> None:
    f = profiles.flows().set_index(["source", "target"])
    tibet = f.loc[("Hebei", "Tibet")]
    assert (tibet["source_place_zh"], tibet["target_place_zh"]) == ("", "阿里地区")
    places = load_places().set_index("place_zh")
    assert (tibet["target_lon"], tibet["target_lat"]) == (places.at["阿里地区", "lon"], places.at["阿里地区", "lat"])
    assert pd.isna(tibet["source_lon"])
    assert f.loc[("Shanghai", "Yunnan"), "target_place_zh"] == "保山市"  # all four Minhang–Baoshan initiatives
    assert f.loc[("Shandong", "Gansu"), "target_place_zh"] == ""  # only one of four names Lanzhou
    named = f[f["target_place_zh"] != ""]
    assert named["target_lon"].notna().all() and f[f["target_place_zh"] == ""]["target_lon"].isna().all()
    links = attribution.partner_links(load_participants())
    assert len(f) == len(links.drop_duplicates(["east", "west"]))
