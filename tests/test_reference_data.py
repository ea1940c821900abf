"""Checks on the repository's reference tables (data/reference/*.csv) themselves."""

from __future__ import annotations

import pandas as pd
import pytest

from coop_analysis.paths import reference_dir

PROVINCE_COLUMNS = [
    "adcode",
    "name_zh",
    "short_zh",
    "abbr_zh",
    "aliases",
    "name_en",
    "macro_region",
    "western_development",
    "capital_zh",
    "capital_en",
    "capital_lon",
    "capital_lat",
    "source",
]
PAIRING_COLUMNS = [
    "pair_id",
    "east_province",
    "supporter_city_zh",
    "supporter_city_en",
    "west_province",
    "west_area_zh",
    "west_area_en",
    "kind",
    "since",
    "source",
]
PLACE_COLUMNS = [
    "place_zh",
    "short_zh",
    "level",
    "parent_zh",
    "adcode",
    "province_adcode",
    "province_en",
    "abbr_zh",
    "lon",
    "lat",
    "ambiguous",
    "source",
]

EAST = {"Beijing", "Tianjin", "Hebei", "Shanghai", "Jiangsu", "Zhejiang", "Fujian", "Shandong", "Guangdong", "Hainan"}
CENTRAL = {"Shanxi", "Anhui", "Jiangxi", "Henan", "Hubei", "Hunan"}
WEST = {
    "Inner Mongolia",
    "Guangxi",
    "Chongqing",
    "Sichuan",
    "Guizhou",
    "Yunnan",
    "Tibet",
    "Shaanxi",
    "Gansu",
    "Qinghai",
    "Ningxia",
    "Xinjiang",
}
NORTHEAST = {"Liaoning", "Jilin", "Heilongjiang"}

EW_2021 = {
    ("Beijing", "Inner Mongolia"),
    ("Tianjin", "Gansu"),
    ("Shanghai", "Yunnan"),
    ("Jiangsu", "Shaanxi"),
    ("Jiangsu", "Qinghai"),
    ("Zhejiang", "Sichuan"),
    ("Fujian", "Ningxia"),
    ("Shandong", "Gansu"),
    ("Shandong", "Chongqing"),
    ("Guangdong", "Guangxi"),
    ("Guangdong", "Guizhou"),
}

SUPPORTED = {"Tibet", "Xinjiang", "Qinghai"}
# Counterpart support (pairings.csv): supported prefecture -> supporting provinces.
TIBET = {
    "Lhasa": {"Beijing", "Jiangsu"},
    "Shigatse": {"Shanghai", "Shandong", "Heilongjiang", "Jilin"},
    "Shannan": {"Hubei", "Hunan", "Anhui"},
    "Nyingchi": {"Guangdong", "Fujian"},
    "Chamdo": {"Tianjin", "Chongqing"},
    "Nagqu": {"Zhejiang", "Liaoning"},
    "Ali Prefecture": {"Hebei", "Shaanxi"},
}
XINJIANG = {
    ("Beijing", "", "Hotan Prefecture"), ("Tianjin", "", "Hotan Prefecture"), ("Anhui", "", "Hotan Prefecture"),
    ("Hebei", "", "Bayingolin Mongol Autonomous Prefecture"),
    ("Shanxi", "", "Changji Hui Autonomous Prefecture"), ("Fujian", "", "Changji Hui Autonomous Prefecture"),
    ("Liaoning", "", "Tacheng Prefecture"), ("Jilin", "", "Altay Prefecture"), ("Heilongjiang", "", "Altay Prefecture"),
    ("Shanghai", "", "Kashgar Prefecture"), ("Shandong", "", "Kashgar Prefecture"),
    ("Guangdong", "", "Kashgar Prefecture"), ("Guangdong", "Shenzhen", "Kashgar Prefecture"),
    ("Jiangsu", "", "Ili Kazakh Autonomous Prefecture"), ("Jiangsu", "", "Kizilsu Kirghiz Autonomous Prefecture"),
    ("Jiangxi", "", "Kizilsu Kirghiz Autonomous Prefecture"), ("Zhejiang", "", "Aksu Prefecture"),
    ("Henan", "", "Hami"), ("Hubei", "", "Bortala Mongol Autonomous Prefecture"), ("Hunan", "", "Turpan"),
}  # fmt: skip
QINGHAI = {
    ("Beijing", "", "Yushu Tibetan Autonomous Prefecture"), ("Tianjin", "", "Huangnan Tibetan Autonomous Prefecture"),
    ("Shanghai", "", "Golog Tibetan Autonomous Prefecture"), ("Jiangsu", "", "Hainan Tibetan Autonomous Prefecture"),
    ("Zhejiang", "", "Haixi Mongol and Tibetan Autonomous Prefecture"), ("Shandong", "", ""),
}  # fmt: skip

# Places the sources name, with the province each must resolve to.
KNOWN_PLACES = {
    "保山": "Yunnan",
    "闵行": "Shanghai",
    "黔东南": "Guizhou",
    "佛山": "Guangdong",
    "石嘴山": "Ningxia",
    "银川": "Ningxia",
    "阿里": "Tibet",
    "札达": "Tibet",
    "日土": "Tibet",
    "噶尔": "Tibet",
    "宁波": "Zhejiang",
    "西安": "Shaanxi",
    "成都": "Sichuan",
    "济南": "Shandong",
    "青岛": "Shandong",
    "杭州": "Zhejiang",
    "深圳": "Guangdong",
    "兰州": "Gansu",
    "石家庄": "Hebei",
    "自贡": "Sichuan",
    "奉化": "Zhejiang",
}
PLACE_ABBREVIATIONS = {"甬": "宁波", "闵": "闵行", "保": "保山"}


def _split(cell: str) -> list[str]:
    return [part for part in cell.split("|") if part] if cell else []


@pytest.fixture(scope="module")
def provinces() -> pd.DataFrame:
    return pd.read_csv(reference_dir() / "provinces.csv", keep_default_na=False, dtype={"adcode": "int64"})


@pytest.fixture(scope="module")
def pairings() -> pd.DataFrame:
    return pd.read_csv(reference_dir() / "pairings.csv", keep_default_na=False, dtype={"since": "string"})


@pytest.fixture(scope="module")
def places() -> pd.DataFrame:
    return pd.read_csv(
        reference_dir() / "places.csv",
        keep_default_na=False,
        na_values={"adcode": [""]},
        dtype={"adcode": "Int64", "province_adcode": "int64"},
    )


# --- provinces ---------------------------------------------------------------


def test_province_columns(provinces):
    assert list(provinces.columns) == PROVINCE_COLUMNS


def test_31_provinces_unique(provinces):
    assert len(provinces) == 31
    for col in ["adcode", "name_zh", "short_zh", "name_en", "capital_zh", "capital_en"]:
        assert provinces[col].is_unique, col
    assert (provinces["adcode"] % 10000 == 0).all()
    assert provinces["adcode"].between(110000, 659999).all()
    assert provinces["source"].str.len().gt(0).all()


def test_known_adcodes_and_capitals(provinces):
    by_en = provinces.set_index("name_en")
    expected = {
        "Beijing": (110000, "Beijing"),
        "Chongqing": (500000, "Chongqing"),
        "Tibet": (540000, "Lhasa"),
        "Inner Mongolia": (150000, "Hohhot"),
        "Guangxi": (450000, "Nanning"),
        "Ningxia": (640000, "Yinchuan"),
        "Xinjiang": (650000, "Urumqi"),
        "Hainan": (460000, "Haikou"),
        "Gansu": (620000, "Lanzhou"),
        "Shaanxi": (610000, "Xi'an"),
    }
    for name, (adcode, capital) in expected.items():
        assert by_en.loc[name, "adcode"] == adcode
        assert by_en.loc[name, "capital_en"] == capital


def test_capital_coordinates_inside_china(provinces):
    assert provinces["capital_lon"].between(73, 135).all()
    assert provinces["capital_lat"].between(18, 54).all()


def test_abbreviations_single_char_and_unambiguous(provinces):
    abbrs = [a for cell in provinces["abbr_zh"] for a in _split(cell)]
    assert all(len(a) == 1 for a in abbrs)
    assert len(abbrs) == len(set(abbrs)), "an abbreviation names two provinces"
    assert provinces["abbr_zh"].map(_split).map(len).gt(0).all()
    first = dict(zip(provinces["name_en"], provinces["abbr_zh"].map(lambda c: _split(c)[0]), strict=False))
    assert first["Gansu"] == "甘" and first["Yunnan"] == "云" and first["Ningxia"] == "宁"
    assert "甬" not in abbrs  # Ningbo, a city


@pytest.mark.parametrize(
    "abbr, name_en",
    [
        ("鲁", "Shandong"),
        ("甘", "Gansu"),
        ("陇", "Gansu"),
        ("沪", "Shanghai"),
        ("滇", "Yunnan"),
        ("云", "Yunnan"),
        ("黔", "Guizhou"),
        ("贵", "Guizhou"),
        ("冀", "Hebei"),
        ("藏", "Tibet"),
        ("川", "Sichuan"),
        ("蜀", "Sichuan"),
        ("陕", "Shaanxi"),
        ("秦", "Shaanxi"),
        ("宁", "Ningxia"),
    ],
)
def test_design_abbreviations(provinces, abbr, name_en):
    owners = provinces.loc[provinces["abbr_zh"].map(lambda c: abbr in _split(c)), "name_en"]
    assert owners.tolist() == [name_en]


def test_all_name_forms_unambiguous(provinces):
    forms: dict[str, str] = {}
    for row in provinces.itertuples():
        names = [row.name_zh, row.short_zh, row.name_en, *_split(row.abbr_zh), *_split(row.aliases)]
        for form in {n.casefold() for n in names}:
            assert forms.setdefault(form, row.name_en) == row.name_en, form


def test_macro_regions(provinces):
    groups = provinces.groupby("macro_region")["name_en"].apply(set).to_dict()
    assert groups == {"east": EAST, "central": CENTRAL, "west": WEST, "northeast": NORTHEAST}
    assert provinces["macro_region"].value_counts().to_dict() == {"west": 12, "east": 10, "central": 6, "northeast": 3}


def test_western_development_is_the_west(provinces):
    assert provinces["western_development"].dtype == bool
    wd = set(provinces.loc[provinces["western_development"], "name_en"])
    assert wd == set(provinces.loc[provinces["macro_region"] == "west", "name_en"]) == WEST


# --- pairings ----------------------------------------------------------------


def test_pairing_columns_and_ids(pairings):
    assert list(pairings.columns) == PAIRING_COLUMNS
    assert pairings["pair_id"].is_unique
    assert pairings["kind"].isin({"east_west_cooperation", "counterpart_support"}).all()
    assert pairings["source"].str.len().gt(0).all()
    years = pairings.loc[pairings["since"] != "", "since"].astype(int)
    assert years.between(1994, 2021).all()


def test_east_west_rows_go_east_to_west_and_support_goes_to_tibet_xinjiang_qinghai(pairings, provinces):
    region = dict(zip(provinces["name_en"], provinces["macro_region"], strict=False))
    for row in pairings.itertuples():
        assert region.get(row.west_province) == "west", row.pair_id
        if row.kind == "east_west_cooperation":
            assert region.get(row.east_province) == "east", row.pair_id
        else:  # supporters may be central, northeastern or western (Chongqing, Shaanxi)
            assert row.west_province in SUPPORTED, row.pair_id
            assert row.east_province in region and row.east_province not in SUPPORTED, row.pair_id


def test_2021_east_west_pairs_exactly(pairings):
    ew = pairings[pairings["kind"] == "east_west_cooperation"]
    pairs = list(zip(ew["east_province"], ew["west_province"], strict=False))
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == EW_2021
    assert (ew["since"] == "2021").all()
    assert ew["pair_id"].str.startswith("EW2021-").all()


def _supporters(pairings, west):
    cs = pairings[(pairings["kind"] == "counterpart_support") & (pairings["west_province"] == west)]
    return {(r.east_province, r.supporter_city_en, r.west_area_en) for r in cs.itertuples()}


def test_tibet_has_its_17_supporters_each_with_its_prefecture(pairings):
    got = _supporters(pairings, "Tibet")
    assert got == {(p, "", area) for area, supporters in TIBET.items() for p in supporters}
    assert len({p for p, _, _ in got}) == 17
    hebei_ali = pairings[(pairings["east_province"] == "Hebei") & (pairings["west_area_zh"] == "阿里地区")]
    assert hebei_ali["since"].item() == "1994"


def test_xinjiang_has_the_19_supporters_of_2010(pairings):
    got = _supporters(pairings, "Xinjiang")
    assert got == XINJIANG
    assert len({(p, city) for p, city, _ in got}) == 19  # 18 provinces and Shenzhen
    xj = pairings[pairings["west_province"] == "Xinjiang"]
    assert (xj["since"] == "2010").all() and xj["pair_id"].str.startswith("CSXJ-").all()
    shenzhen = xj[xj["supporter_city_en"] == "Shenzhen"]
    assert shenzhen[["east_province", "supporter_city_zh"]].values.tolist() == [["Guangdong", "深圳市"]]


def test_qinghai_has_its_six_eastern_supporters(pairings):
    got = _supporters(pairings, "Qinghai")
    assert got == QINGHAI
    cs = pairings[(pairings["kind"] == "counterpart_support") & (pairings["west_province"] == "Qinghai")]
    assert (cs["since"] == "2010").all()


def test_counts_per_kind_and_every_area_is_a_prefecture_of_its_province(pairings, places):
    assert pairings["kind"].value_counts().to_dict() == {"counterpart_support": 43, "east_west_cooperation": 11}
    prefectures = places[places["level"] == "prefecture"]
    known = set(zip(prefectures["place_zh"], prefectures["province_en"], strict=False))
    for row in pairings.itertuples():
        if row.west_area_zh:
            assert (row.west_area_zh, row.west_province) in known, row.pair_id
            assert row.west_area_en, row.pair_id
        elif row.kind == "counterpart_support":  # documented gap: Shandong's prefecture in Qinghai
            assert (row.east_province, row.west_province) == ("Shandong", "Qinghai"), row.pair_id


def test_pairing_table_passes_its_integrity_check():
    from coop_analysis.datasets import read_and_validate
    from coop_analysis.pairings import check_pairings

    assert check_pairings(read_and_validate("pairings"), read_and_validate("places")) == []


# --- places ------------------------------------------------------------------


def test_place_columns_and_types(places):
    assert list(places.columns) == PLACE_COLUMNS
    assert places["level"].isin({"prefecture", "county"}).all()
    assert places["ambiguous"].dtype == bool
    assert places["source"].str.len().gt(0).all()
    assert places["short_zh"].str.len().ge(2).all()
    assert 2500 < len(places) < 5000


def test_place_adcodes(places):
    coded = places.dropna(subset=["adcode"])
    assert coded["adcode"].is_unique
    assert (coded["adcode"] // 10000 * 10000 == coded["province_adcode"]).all()
    assert (coded["adcode"] % 10000 != 0).all()  # no province rows
    is_pref = coded["adcode"] % 100 == 0
    assert ((coded["level"] == "prefecture") == is_pref).all()
    # Uncoded rows must be hand-added and say why.
    uncoded = places[places["adcode"].isna()]
    assert uncoded["source"].str.startswith("hand-added").all()


def test_no_placeholder_rows(places):
    assert not places["place_zh"].isin({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}).any()


def test_every_place_province_exists(places, provinces):
    en = dict(zip(provinces["adcode"], provinces["name_en"], strict=False))
    assert places["province_adcode"].isin(en).all()
    assert (places["province_adcode"].map(en) == places["province_en"]).all()


def test_parents_are_prefectures_of_same_province(places, provinces):
    prefectures = set(
        zip(
            places.loc[places["level"] == "prefecture", "place_zh"],
            places.loc[places["level"] == "prefecture", "province_adcode"],
            strict=False,
        )
    )
    municipalities = set(zip(provinces["name_zh"], provinces["adcode"], strict=False))
    assert (places.loc[places["level"] == "prefecture", "parent_zh"] == "").all()
    counties = places[(places["level"] == "county") & (places["parent_zh"] != "")]
    for row in counties.itertuples():
        key = (row.parent_zh, row.province_adcode)
        assert key in prefectures or key in municipalities, row.place_zh


def test_ambiguous_flag(places):
    n_prov = places.groupby("short_zh")["province_adcode"].transform("nunique")
    assert places.loc[n_prov > 1, "ambiguous"].all()
    assert places.loc[places["short_zh"] == "朝阳", "ambiguous"].all()


def resolve(places: pd.DataFrame, short: str) -> str | None:
    """Province of a short place name: unique province, else unique among prefectures."""
    hits = places[places["short_zh"] == short]
    for candidates in (hits, hits[hits["level"] == "prefecture"]):
        provs = set(candidates["province_en"])
        if len(provs) == 1:
            return provs.pop()
    return None


@pytest.mark.parametrize("short, province", sorted(KNOWN_PLACES.items()))
def test_known_places_resolve(places, short, province):
    assert resolve(places, short) == province


@pytest.mark.parametrize("abbr, short", sorted(PLACE_ABBREVIATIONS.items()))
def test_place_abbreviations(places, abbr, short):
    rows = places[places["abbr_zh"] == abbr]
    assert rows["short_zh"].tolist() == [short]


def test_place_abbreviations_do_not_clash_with_provinces(places, provinces):
    province_abbrs = {a for cell in provinces["abbr_zh"] for a in _split(cell)}
    place_abbrs = [a for a in places["abbr_zh"] if a]
    assert len(place_abbrs) == len(set(place_abbrs))
    assert not set(place_abbrs) & province_abbrs


def test_hand_added_places(places):
    east_new = places[places["place_zh"] == "成都东部新区"]
    assert east_new["short_zh"].tolist() == ["东部新区"]
    assert east_new["province_en"].tolist() == ["Sichuan"]


def test_places_sorted(places):
    key = places[["province_adcode", "adcode"]].copy()
    assert key.equals(key.sort_values(["province_adcode", "adcode"], na_position="last"))


# --- exchange rates ----------------------------------------------------------

RATE_CURRENCIES = {"USD", "EUR", "HKD", "JPY", "GBP"}  # issue 9; TWD and KRW are extra


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    from coop_analysis.datasets import read_and_validate

    return read_and_validate("exchange_rates")


def test_rates_cover_every_year_from_2015_for_each_currency(rates):
    years = set(range(2015, int(rates["year"].max()) + 1))
    assert max(years) >= 2024
    for currency in RATE_CURRENCIES | {"TWD", "KRW"}:
        got = rates.loc[rates["currency"] == currency, "year"]
        assert set(got) == years and got.is_unique, currency
    assert set(rates["currency"]) == RATE_CURRENCIES | {"TWD", "KRW"}
    assert "CNY" not in set(rates["currency"])


def test_rates_are_per_single_unit_and_plausible(rates):
    ranges = {"USD": (6.0, 7.5), "EUR": (6.5, 8.5), "GBP": (8.0, 10.5), "HKD": (0.75, 0.95),
              "JPY": (0.04, 0.07), "KRW": (0.004, 0.007), "TWD": (0.19, 0.25)}  # fmt: skip
    for currency, (low, high) in ranges.items():
        values = rates.loc[rates["currency"] == currency, "cny_per_unit"]
        assert values.between(low, high).all(), (currency, values.tolist())


def test_rates_are_consistent_with_their_published_figures(rates):
    from coop_analysis.money import check_rates

    assert check_rates(rates) == []


# Figures as printed in the Federal Reserve's G.5A releases of 2016-01-04 (2015), 2021-01-04
# (2017-2020) and 2024-02-01 (2021-2023); JPY, KRW and TWD for 2015 at FRED's precision.
PUBLISHED = [
    (2015, "USD", 6.2827), (2015, "EUR", 1.1096), (2015, "GBP", 1.5284), (2015, "HKD", 7.7524),
    (2017, "USD", 6.7569), (2018, "JPY", 110.3974), (2019, "HKD", 7.8351), (2020, "GBP", 1.2829),
    (2021, "EUR", 1.1830), (2022, "JPY", 131.4589), (2023, "USD", 7.0809), (2023, "KRW", 1306.7637),
    (2023, "TWD", 31.1525),
]  # fmt: skip


@pytest.mark.parametrize(("year", "currency", "figure"), PUBLISHED)
def test_rates_match_the_published_release(rates, year, currency, figure):
    row = rates[(rates["year"] == year) & (rates["currency"] == currency)].iloc[0]
    published = row["cny_per_usd"] if currency == "USD" else row["usd_quote"]
    assert published == figure
    assert "Federal Reserve" in row["source"] and "G.5A" in row["source"]
    assert row["method"]


def test_place_points_lie_in_their_province():
    """A place's seat (lon/lat, used to end map arrows at a prefecture) is inside its province
    on the report maps' boundary file, within 0.15° for seats near a border or the coast (the boundary file is simplified)."""
    import numpy as np
    from matplotlib.path import Path as MplPath

    from coop_analysis import load_places
    from coop_analysis.charts.geo import load_boundaries

    b = load_boundaries()
    places = load_places()
    pts = places.dropna(subset=["lon", "lat"])
    assert len(pts) >= len(places) - 10  # only a handful of divisions have no point in cpca
    outside = []
    for code, rows in pts.groupby("province_adcode"):
        feats = [b.province(int(code))] + [f for f in b.of_kind("island") if f.parent_adcode == code]
        paths = [MplPath(poly[0]) for f in feats for poly in f.polygons]
        xy = rows[["lon", "lat"]].to_numpy("float64")
        inside = np.zeros(len(rows), bool)
        for dx, dy in [(0, 0), *((0.15 * np.cos(a), 0.15 * np.sin(a)) for a in np.arange(8) * np.pi / 4)]:
            for path in paths:
                inside |= path.contains_points(xy + np.array([dx, dy]))
        outside += rows.loc[~inside, "place_zh"].tolist()
    assert outside == []
