from __future__ import annotations

import pytest

from coop_analysis import UnknownRegionError, find_places, official_partners, resolve_place, resolve_province


@pytest.mark.parametrize(
    "name", ["甘肃", "甘肃省", "甘", "陇", "Gansu", "gansu", " GANSU ", "Gansu Province", 620000, "620000"]
)
def test_resolve_province_any_form(name: object) -> None:
    row = resolve_province(name)  # type: ignore[arg-type]
    assert row["name_en"] == "Gansu" and row["adcode"] == 620000


@pytest.mark.parametrize(("name", "expected"), [
    ("鲁", "Shandong"), ("沪", "Shanghai"), ("滇", "Yunnan"), ("云", "Yunnan"), ("黔", "Guizhou"), ("贵", "Guizhou"),
    ("冀", "Hebei"), ("藏", "Tibet"), ("川", "Sichuan"), ("蜀", "Sichuan"), ("陕", "Shaanxi"), ("秦", "Shaanxi"),
    ("宁", "Ningxia"), ("内蒙古自治区", "Inner Mongolia"), ("inner mongolia", "Inner Mongolia"), ("Xizang", "Tibet"),
])  # fmt: skip
def test_abbreviations(name: str, expected: str) -> None:
    assert resolve_province(name)["name_en"] == expected


def test_unknown_region_suggests_close_matches() -> None:
    with pytest.raises(UnknownRegionError) as err:
        resolve_province("Ningxai")
    assert "did you mean" in str(err.value) and "Ningxia" in err.value.suggestions
    with pytest.raises(UnknownRegionError):
        resolve_province("甬")  # a city abbreviation, not a province
    assert isinstance(err.value, LookupError)


@pytest.mark.parametrize(("place", "province"), [
    ("保山", "Yunnan"), ("闵行", "Shanghai"), ("黔东南", "Guizhou"), ("佛山", "Guangdong"), ("石嘴山", "Ningxia"),
    ("银川", "Ningxia"), ("阿里", "Tibet"), ("札达", "Tibet"), ("日土", "Tibet"), ("噶尔", "Tibet"), ("宁波", "Zhejiang"),
    ("成都", "Sichuan"), ("济南", "Shandong"), ("青岛", "Shandong"), ("杭州", "Zhejiang"), ("深圳", "Guangdong"),
    ("甬", "Zhejiang"), ("闵", "Shanghai"), ("保", "Yunnan"), ("甘肃", "Gansu"),
])  # fmt: skip
def test_resolve_place(place: str, province: str) -> None:
    assert province in set(resolve_place(place)["province_en"])


def test_find_places_in_a_sentence() -> None:
    found = find_places("宁波市科技局联合中国科学院西安光学精密机械研究所，在西安组织召开洽谈会；成都东部新区发布。")
    names = dict(zip(found["name"], found["province"], strict=True))
    assert names["宁波市"] == "Zhejiang"
    assert names["成都东部新区"] == "Sichuan"
    assert "西安" in names  # prefecture-level 西安 is also a district name elsewhere: flagged, province may be missing


def test_official_partners() -> None:
    pairs = official_partners("宁夏")
    assert set(pairs["east_province"]) == {"Fujian"}
    assert "Hebei" in set(official_partners("Tibet")["east_province"])
