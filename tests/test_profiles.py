"""Region profiles and the tables the reports show, checked against the curated data."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from coop_analysis import attribution, profiles
from coop_analysis.datasets import load_facts, load_initiatives, load_pairings, load_participants, load_provinces
from coop_analysis.errors import UnknownRegionError
from coop_analysis.periods import sort_events

WITH_RECORDS = profiles.provinces_with_records()


def _listed(cell: object) -> list[str]:
    return cell.split("|") if isinstance(cell, str) and cell else []


def test_provinces_with_records_are_exactly_those_named() -> None:
    ini, facts = load_initiatives(), load_facts()
    named = set(ini["province"]) | set(facts["province"])
    for cell in [*ini["partners"], *facts["partner"]]:
        named.update(_listed(cell))
    assert set(WITH_RECORDS) == named
    order = list(load_provinces()["name_en"])
    assert sorted(WITH_RECORDS, key=order.index) == WITH_RECORDS


@pytest.mark.parametrize("form", ["宁夏", "宁", "Ningxia", "宁夏回族自治区", 640000, "640000"])
def test_region_profile_accepts_every_name_form(form: object) -> None:
    profile = profiles.region_profile(form)  # type: ignore[arg-type]
    assert profile.name == "Ningxia"
    assert profile.side == "west" and profile.has_records


def test_region_profile_unknown_region_suggests() -> None:
    with pytest.raises(UnknownRegionError, match="did you mean"):
        profiles.region_profile("Ningxai")


@pytest.mark.parametrize("region", WITH_RECORDS)
def test_profile_holds_every_record_of_the_province(region: str) -> None:
    profile = profiles.region_profile(region)
    ini, facts = load_initiatives(), load_facts()
    mine = ini[(ini["province"] == region) | ini["partners"].map(lambda c: region in _listed(c))]
    assert set(profile.initiatives["initiative_id"]) == set(mine["initiative_id"])
    # its own facts, and the cooperation figures it shares as the one partner (subject: initiative or event)
    own = facts[(facts["province"] == region)
                | ((facts["partner"] == region) & facts["subject_type"].isin(["initiative", "event"]))]  # fmt: skip
    assert set(profile.facts["fact_id"]) == set(own["fact_id"])
    assert set(profile.sources["doc_id"]) >= set(profile.initiatives["doc_id"]) | set(profile.facts["doc_id"])
    assert list(profile.events["event_id"]) == list(sort_events(profile.events)["event_id"])
    assert set(profile.events["initiative_id"]) <= set(profile.initiatives["initiative_id"])
    pairs = profile.pairings
    assert ((pairs["east_province"] == region) | (pairs["west_province"] == region)).all()


@pytest.mark.parametrize("region", WITH_RECORDS)
def test_every_figure_shown_is_the_provinces_own_or_its_cooperation_with_a_named_partner(region: str) -> None:
    profile = profiles.region_profile(region)
    for fact in profile.facts.itertuples(index=False):
        if fact.province == region:
            assert fact.attribution == "own"
        else:  # shown for a partner: a cooperation figure of exactly this pair
            assert fact.attribution == "partner" and _listed(fact.partner) == [region], fact.fact_id
            assert fact.subject_type in ("initiative", "event"), fact.fact_id
    table = profiles.key_figures(profile)
    shared = table[profile.facts["attribution"].to_numpy() == "partner"]
    assert (shared["with_whom"] != "").all()  # a figure shown for a partner names the province it is counted for
    levels = list(profile.facts["level"])
    order = ["region", "initiative", "event", "organization"]
    assert levels == sorted(levels, key=order.index)  # widest first


def test_province_without_records_has_pairings_only() -> None:
    profile = profiles.region_profile("Hainan")
    assert not profile.has_records and profile.side == "partner"
    assert profile.initiatives.empty and profile.facts.empty and profile.events.empty
    assert profiles.key_figures(profile).empty
    assert profiles.chart_facts(profile.facts, "count").empty


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_key_figures_one_row_per_fact_with_the_raw_figure(lang: str) -> None:
    profile = profiles.region_profile("Ningxia")
    table = profiles.key_figures(profile, lang)
    assert list(table.columns) == [
        "fact_id",
        "initiative",
        "whose",
        "with_whom",
        "metric",
        "figure",
        "cny",
        "period",
        "raw",
    ]
    assert list(table["fact_id"]) == list(profile.facts["fact_id"])
    assert list(table["raw"]) == list(profile.facts["raw"])
    assert table["initiative"].notna().all() and table["metric"].notna().all() and (table["whose"] != "").all()
    if lang == "zh":
        assert list(table["figure"]) == list(profile.facts["raw"])  # the source's own wording
    rows = table.set_index("fact_id")
    if lang == "en":
        assert rows.at["F015", "whose"] == "Ningxia as a whole" and rows.at["F015", "period"] == "as of 2025"
        assert rows.at["F004", "whose"] == "Ningxia Caiyan Technology Co., Ltd. (Ningxia)"
        assert rows.at["F004", "with_whom"] == "European customers"  # not Shanghai: a foreign customer
        assert rows.at["F011", "with_whom"] == "Zhejiang, Shanghai and Beijing together"


def test_partner_table_marks_official_pairs_and_counts_initiatives() -> None:
    profile = profiles.region_profile("Ningxia")
    table = profiles.partner_table(profile).set_index("partner")
    # Fujian is Ningxia's 2021 East–West pair; the sources name other partners.
    assert table.at["Fujian", "kinds"] == "east_west_cooperation"
    assert "2021" in table.at["Fujian", "official"]
    links = attribution.partner_links(profile.participants)
    for partner in table.index:
        expected = int(((links["west"] == "Ningxia") & (links["east"] == partner)).sum())
        assert table.at[partner, "initiatives"] == expected
        assert table.at[partner, "in_sources"] == (expected > 0)
    assert table.at["Zhejiang", "via"] == "Hangzhou"
    assert "Ningxia" not in table.index
    counts = list(table["initiatives"])
    assert counts == sorted(counts, reverse=True)


def test_partner_table_in_chinese_uses_short_names() -> None:
    table = profiles.partner_table(profiles.region_profile("Ningxia"), "zh").set_index("partner")
    assert table.at["Fujian", "label"] == "福建"  # short name, without 省


def test_flows_count_initiatives_per_partner_and_mark_official_pairs() -> None:
    f = profiles.flows()
    links = attribution.partner_links(load_participants())
    assert f["weight"].sum() == len(links)
    official = set(zip(load_pairings()["east_province"], load_pairings()["west_province"], strict=True))
    for row in f.itertuples(index=False):
        assert row.official == ((row.source, row.target) in official)
    adcodes = load_provinces().set_index("name_en")["adcode"]
    assert (f["source"].map(adcodes) == f["source_adcode"]).all()
    ningxia = profiles.region_flows(profiles.region_profile("Ningxia"))
    assert set(ningxia["target"]) == {"Ningxia"} and len(ningxia) > 0
    assert "Liaoning" not in set(f["source"]) | set(f["target"])  # CAS institutes there are on no side


def test_pair_coverage_has_every_official_pair_once() -> None:
    cov = profiles.pair_coverage()
    pairs = load_pairings()
    assert len(cov) == len(pairs.drop_duplicates(["kind", "east_province", "west_province"]))
    assert not cov.duplicated(["kind", "east_province", "west_province"]).any()
    kashgar = cov[(cov["east_province"] == "Guangdong") & (cov["west_province"] == "Xinjiang")]
    assert kashgar["west_area_en"].item() == "Kashgar Prefecture"  # Guangdong and Shenzhen: one link
    assert kashgar["pair_id"].item().count(";") == 1
    jiangsu = cov[(cov["east_province"] == "Jiangsu") & (cov["west_province"] == "Xinjiang")]
    assert jiangsu["west_area_en"].item() == "Ili Kazakh Autonomous Prefecture; Kizilsu Kirghiz Autonomous Prefecture"
    assert (cov["covered"] == (cov["initiatives"] > 0)).all()
    shanghai_yunnan = cov[(cov["east_province"] == "Shanghai") & (cov["west_province"] == "Yunnan")]
    assert shanghai_yunnan["covered"].item()  # Minhang District and Baoshan run the biomedicine chain


def test_zhejiang_sichuan_is_not_covered_because_of_geely() -> None:
    cov = profiles.pair_coverage().set_index(["east_province", "west_province"])
    row = cov.loc[("Zhejiang", "Sichuan")]
    assert not row["covered"] and row["initiatives"] == 0 and row["firm_links"] == 1


def test_mechanism_matrix_counts_each_listed_mechanism() -> None:
    matrix = profiles.mechanism_matrix()
    ini = load_initiatives()
    ini = ini[ini["province"] != "Zhejiang"]  # Ningbo–CAS has no western side
    assert int(matrix.to_numpy().sum()) == sum(len(_listed(c)) for c in ini["mechanism"])
    assert "Zhejiang" not in matrix.columns
    assert "science enclaves" in matrix.index


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("Export revenue as a share of a company's total revenue, percent", "Export revenue as a share of a company's total revenue"),
        ("Enterprises that signed an agreement (tenancy, cooperation or investment)", "Enterprises that signed an agreement (tenancy, cooperation or investment)"),
        ("贷款利率相对贷款市场报价利率（LPR）的下浮幅度（基点），此处为最大下浮", "贷款利率相对贷款市场报价利率（LPR）的下浮幅度（基点）"),
        ("Provinces and municipalities cooperating as partners", "Provinces and municipalities cooperating as partners"),
    ],
)  # fmt: skip
def test_short_label_cuts_at_the_first_comma_outside_brackets(text: str, short: str) -> None:
    assert profiles.short_label(text) == short


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", ["count", "money"])
def test_chart_facts_sorted_with_balanced_labels_and_approx_flags(kind: str, lang: str) -> None:
    data = profiles.chart_facts(load_facts(), kind, lang)
    assert not data.empty
    assert list(data["value"]) == sorted(data["value"], reverse=True)
    facts = load_facts().set_index("fact_id")
    assert (data["approx"] == (data["fact_id"].map(facts["qualifier"]) != "exact")).all()
    for label, fact_id in zip(data["label"], data["fact_id"], strict=True):
        assert label.endswith(f"[{fact_id}]")
        assert label.count("(") == label.count(")") and label.count("（") == label.count("）"), label
    if kind == "money":  # compared on one CNY scale; labels keep the currency as stated
        assert data.apply(lambda r: f"({facts.at[r.fact_id, 'unit']})" in r.label, axis=1).all()
        cny = profiles.facts_in_cny(load_facts()).set_index("fact_id")
        assert list(data["value"]) == list(data["fact_id"].map(cny["value_cny"]))
        assert (data["converted"] == (data["fact_id"].map(facts["unit"]) != "CNY")).all()
        converted = data[data["converted"]]
        assert (
            len(converted) and converted["text"].str.contains("年均汇率折算" if lang == "zh" else "average rate").all()
        )


def test_sources_table_quotes_every_fact() -> None:
    profile = profiles.region_profile("Gansu")
    table = profiles.sources_table(profile)
    assert list(table["fact_id"]) == list(profile.facts["fact_id"])
    for raw, quote in zip(table["raw"], table["quote"], strict=True):
        assert raw in quote
    # the source's title in the reader's language; its id is for the CSV and link targets, not the text
    assert set(table["source"]) == {"East–West science and technology cooperation keeps bearing fruit"}
    assert set(profiles.sources_table(profile, "zh")["source"]) == {"持续推动东西部科技合作开新花 结硕果"}


def test_source_list_reads_in_the_report_language_without_ids() -> None:
    profile = profiles.region_profile("Ningxia")
    en, zh = profiles.source_list(profile, "en"), profiles.source_list(profile, "zh")
    assert en.iloc[0][["source", "title_zh", "publisher", "published"]].tolist() == [
        "East–West science and technology cooperation keeps bearing fruit",
        "持续推动东西部科技合作开新花 结硕果",
        "unknown",
        "Apr 2025 (estimated)",
    ]
    assert zh.iloc[0][["source", "publisher", "published"]].tolist() == [
        "持续推动东西部科技合作开新花 结硕果", "不详", "2025年4月（估计）"
    ]  # fmt: skip
    assert "title_zh" not in zh.columns
    for table in (en, zh, profiles.sources_table(profile, "en")):
        assert not table.astype(str).apply(lambda c: c.str.contains("000_f2e234c30898f6af")).any().any()


def test_a_source_without_an_english_title_shows_its_own() -> None:
    row = pd.Series({"title": "标题", "title_en": ""})
    assert profiles.source_title(row, "en") == "标题" and profiles.source_title(row, "zh") == "标题"
    assert profiles.source_title(pd.Series({"title": "标题", "title_en": "Title"}), "en") == "Title"


def test_organizations_keep_their_chinese_name_beside_the_english_one() -> None:
    profile = profiles.region_profile("Ningxia")
    en, zh = profiles.organizations_table(profile, "en"), profiles.organizations_table(profile, "zh")
    assert list(en.columns) == ["name", "name_zh", "type", "province", "role"]
    assert list(zh.columns) == ["name", "type", "province", "role"]
    assert list(en["name_zh"]) == list(zh["name"]) == list(profile.organizations["name_zh"])
    assert not en["name"].str.contains(r"[\u4e00-\u9fff]").any()


def test_pairs_table_reads_in_each_language() -> None:
    cov = profiles.pair_coverage()
    en, zh = profiles.pairs_table("en"), profiles.pairs_table("zh")
    assert len(en) == len(zh) == len(cov) and "pair_id" not in en.columns
    assert set(en["kind"]) == {"East–West cooperation pair (2021)", "counterpart support"}
    assert set(zh["kind"]) == {"东西部协作结对（2021年）", "对口支援"}
    names = load_provinces().set_index("name_en")["short_zh"]
    assert list(zh["east_province"]) == list(cov["east_province"].map(names))
    jiangsu = (cov["east_province"] == "Jiangsu") & (cov["west_province"] == "Xinjiang")
    assert zh.loc[jiangsu, "west_area"].item() == "伊犁哈萨克自治州、克孜勒苏柯尔克孜自治州"
    assert en.loc[jiangsu, "west_area"].item() == (
        "Ili Kazakh Autonomous Prefecture and Kizilsu Kirghiz Autonomous Prefecture"
    )
    cells = " ".join(zh[["kind", "east_province", "west_province", "west_area"]].to_numpy().ravel())
    assert not re.search(r"[A-Za-z_;|]", cells), cells


@pytest.mark.parametrize("region", ["Ningxia", "Shanghai"])
def test_tables_are_strings_and_never_empty_cells_as_nan(region: str) -> None:
    profile = profiles.region_profile(region)
    for make in (profiles.initiatives_table, profiles.organizations_table, profiles.timeline):
        for lang in ("en", "zh"):
            table = make(profile, lang)
            assert isinstance(table, pd.DataFrame) and len(table) > 0
            assert all(str(t) == "string" for t in table.dtypes)
            assert not table.isna().any().any(), f"{make.__name__} {lang}: missing cells"


@pytest.mark.parametrize(
    ("place", "province", "lang", "shown"),
    [
        ("上海", "Shanghai", "en", "Shanghai"),
        ("浙江省", "Zhejiang", "en", "Zhejiang"),
        ("石嘴山市", "Ningxia", "en", "Shizuishan, Ningxia"),
        ("上海科创中心（人才大厦）", "Shanghai", "en", "Shanghai"),  # a venue in Shanghai
        ("阿里地区札达县、日土县", "Tibet", "en", "Ali Prefecture, Zanda County and Rutog County, Tibet"),
        ("宁波", "Zhejiang", "en", "Ningbo, Zhejiang"),
        (pd.NA, "Ningxia", "en", "Ningxia"),
        (pd.NA, pd.NA, "en", ""),
        ("上海", "Shanghai", "zh", "上海"),
        (pd.NA, "Ningxia", "zh", "宁夏"),
        ("佛山大学", pd.NA, "en", "Foshan"),
        ("佛山大学", "Guangdong", "zh", "佛山大学"),
    ],
)
def test_event_place_names_the_province_for_english_readers(place, province, lang, shown) -> None:
    assert profiles.event_place(place, province, lang) == shown


def test_timeline_places_follow_the_events_table() -> None:
    profile = profiles.region_profile("Ningxia")
    table = profiles.timeline(profile, "en")
    assert list(table["event_id"]) == list(profile.events["event_id"])
    events = profile.events
    for place, zh, prov in zip(table["place"], events["place_zh"], events["province"], strict=True):
        if isinstance(zh, str) and isinstance(prov, str):
            assert place == prov or place.endswith(f", {prov}")
            assert not re.search(r"[\u4e00-\u9fff]", place)
    assert "Shizuishan, Ningxia" in set(table["place"])


def test_timeline_reads_in_the_report_language() -> None:
    profile = profiles.region_profile("Shanghai")
    zh, en = profiles.timeline(profile, "zh"), profiles.timeline(profile, "en")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in what) for what in zh["what"])
    assert list(en["what"]) == list(profile.events["what_en"])


def test_organization_types_read_in_chinese() -> None:
    from coop_analysis.schemas import VOCABULARIES

    assert set(profiles._ORG_TYPES_ZH) == set(VOCABULARIES["org_type"])
    table = profiles.organizations_table(profiles.region_profile("Ningxia"), "zh")
    assert set(table["type"]) <= set(profiles._ORG_TYPES_ZH.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mechanism_table_blanks_the_zeros(lang: str) -> None:
    matrix = profiles.mechanism_matrix(lang)
    table = profiles.mechanism_table(lang)
    assert list(table["mechanism"]) == list(matrix.index)
    assert list(table.columns[1:]) == list(matrix.columns)
    for i, (_, counts) in enumerate(matrix.iterrows()):
        for col, n in counts.items():
            assert table.at[i, col] == (str(int(n)) if n else "")
