"""Headlines and who-does-what, pinned to each misattribution issue 9 found in the reports."""

from __future__ import annotations

import pandas as pd
import pytest

from coop_analysis import narrative, profiles, story
from coop_analysis.datasets import load_facts

WITH_RECORDS = profiles.provinces_with_records()


def _headline(region: str, lang: str = "en") -> str:
    return str(narrative.headline(profiles.region_profile(region), lang)["headline"])


def _initiatives(region: str, lang: str = "en") -> pd.DataFrame:
    return profiles.initiatives_table(profiles.region_profile(region), lang).set_index("initiative")


# Why 1 — Zhejiang's headline was the CNY 5 bn Chengdu fund (Geely is one of seven founders).
def test_zhejiang_headline_says_what_zhejiang_itself_does() -> None:
    line = _headline("Zhejiang")
    assert "[F031]" not in line and "fund" not in line
    assert line.startswith("about CNY 6.8 m — value of intended") and "with Shaanxi" in line and "[F027]" in line
    zhejiang = profiles.region_profile("Zhejiang")
    assert not {"F030", "F031", "F032", "F033"} & set(zhejiang.facts["fact_id"])
    text = narrative.summary(zhejiang)
    assert "with Sichuan: Chengdu Jiaozi Zhongying fund" in text
    assert "Zhejiang Geely Industrial Investment Holding Co., Ltd.: one of the seven founding institutions" in text


# Why 2 — F028/F029 hung on the 2025 matchmaking and lost their period.
def test_ningbo_cas_figures_are_three_years_with_all_cas_institutes() -> None:
    facts = load_facts().set_index("fact_id")
    for fact_id in ("F028", "F029"):
        row = facts.loc[fact_id]
        assert row["initiative_id"] == "ningbo-cas-cooperation"
        assert (row["period_start"], row["period_end"]) == ("2022", "2025")
        assert (row["subject_type"], row["subject"], row["province"]) == ("city", "宁波市", "Zhejiang")
        assert pd.isna(row["partner"]) and row["counterpart"] == "中国科学院院属单位"
    table = profiles.key_figures(profiles.region_profile("Zhejiang")).set_index("fact_id")
    assert table.at["F028", "period"] == "2022–2025" and table.at["F028", "with_whom"] == "CAS institutes"
    assert table.at["F028", "whose"] == "Ningbo (Zhejiang)"
    assert not {"F028", "F029"} & set(profiles.region_profile("Shaanxi").facts["fact_id"])


# Why 3 — Shaanxi showed Ningbo's figures, was called the lead, listed Liaoning institutes and Zhejiang events.
def test_shaanxi_shows_only_its_own_and_its_pair_figures() -> None:
    shaanxi = profiles.region_profile("Shaanxi")
    assert set(shaanxi.facts["fact_id"]) == {"F025", "F026", "F027"}  # not the < 50 delegates or the 5 Ningbo firms
    lead = _initiatives("Shaanxi").at[
        "Ningbo – CAS Xi'an Institute of Optics and Precision Mechanics matchmaking", "lead"
    ]
    assert lead == "Ningbo (Zhejiang)"
    assert "is run by Ningbo (Zhejiang)" in narrative.summary(shaanxi)
    assert "Liaoning" not in set(shaanxi.organizations["province"].dropna())
    assert "Zhejiang" not in set(shaanxi.events["province"].dropna())


# Why 4 — Ningxia's headline was one firm's US$ deals with foreign customers; Shanghai reused them.
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ningxia_headline_is_one_of_its_east_west_totals(lang: str) -> None:
    line = _headline("Ningxia", lang)
    assert "F015" in line and ("more than 2,000" in line if lang == "en" else "超过2000项" in line)
    assert "US$" not in line and "美元" not in line


def test_shanghai_shows_its_own_cooperation_not_a_ningxia_firms_dollars() -> None:
    shanghai = profiles.region_profile("Shanghai")
    assert not {"F004", "F005", "F006", "F007", "F008", "F009", "F011"} & set(shanghai.facts["fact_id"])
    line = _headline("Shanghai")
    assert "US$" not in line and "[F020]" in line and "with Yunnan" in line


@pytest.mark.parametrize("region", WITH_RECORDS)
def test_no_headline_is_one_organizations_figure_or_another_provinces(region: str) -> None:
    profile = profiles.region_profile(region)
    for fact in story.headline_facts(profile):
        assert fact.level != "organization", fact.fact_id
        assert fact.province == region or fact.partner == region, fact.fact_id


# Why 5 — co-membership made partners; F011 was credited in full to three provinces; wrong leads.
def test_beijing_partners_are_not_its_fellow_hosts() -> None:
    table = profiles.partner_table(profiles.region_profile("Beijing"))
    assert set(table.loc[table["in_sources"], "partner"]) == {"Ningxia"}
    assert "Ningxia" in _headline("Beijing") and "no figures of its own" in _headline("Beijing")


@pytest.mark.parametrize("region", ["Beijing", "Shanghai", "Zhejiang"])
def test_the_four_enclave_centres_are_not_credited_to_each_host(region: str) -> None:
    profile = profiles.region_profile(region)
    assert "F011" not in set(profile.facts["fact_id"])
    assert "F011" not in set(profiles.chart_facts(profile.facts, "count")["fact_id"])
    ningxia = profiles.key_figures(profiles.region_profile("Ningxia")).set_index("fact_id")
    assert ningxia.at["F011", "with_whom"] == "Zhejiang, Shanghai and Beijing together"


def test_leads_are_the_sides_that_run_them() -> None:
    tibet = _initiatives("Tibet")
    assert tibet.at["Hebei–Tibet 'four parties, three places' S&T pilot in Ali", "lead"] == "Hebei"
    assert "is run by Hebei" in narrative.summary(profiles.region_profile("Tibet"))
    yunnan = _initiatives("Yunnan")
    lead = yunnan.at["Shanghai Minhang – Yunnan Baoshan biomedicine industrial chain", "lead"]
    assert lead == "Baoshan (Yunnan); Minhang District (Shanghai)"  # the city and the district, jointly


# Why 6 — Tibet's Sources said "None"; Guizhou's timeline put a year-only 2025 first.
def test_tibet_sources_list_the_article() -> None:
    tibet = profiles.region_profile("Tibet")
    sources = profiles.source_list(tibet)
    assert len(sources) == 1 and sources["title_zh"].item() == "持续推动东西部科技合作开新花 结硕果"
    assert sources["initiatives"].item() == 1 and sources["facts"].item() == 0
    assert sources["published"].item() == "Apr 2025 (estimated)"


def test_guizhou_timeline_puts_the_visit_after_the_visit_it_followed_up() -> None:
    table = profiles.timeline(profiles.region_profile("Guizhou"))
    ids = list(table["event_id"])
    assert ids.index("E013") < ids.index("E012")
    assert table.set_index("event_id").at["E012", "date"] == "after early Mar 2025"


# Why 8 — pages did not say what the pairing table covers; stories without numbers were in no report.
@pytest.mark.parametrize("region", ["Tibet", "Hainan"])
def test_pages_say_what_the_pairing_table_covers(region: str) -> None:
    text = narrative.pairing_sentence(profiles.region_profile(region), "en")
    assert (
        "The official pairing table records:\n\n- " in text and "\n- Not in the pairing table: other programmes" in text
    )
    assert "官方结对表收录：\n\n- " in narrative.pairing_sentence(profiles.region_profile(region), "zh")


def test_gansu_stories_without_numbers_are_in_its_report() -> None:
    zh = _initiatives("Gansu", "zh")
    for title in ("“甘味出陇”行动", "“科技入陇”行动", "首次智力援助甘肃项目", "鲁甘黄河流域技术转移转化"):
        assert title in zh.index
    assert zh.at["“甘味出陇”行动", "status"] == "计划中"
    events = profiles.timeline(profiles.region_profile("Gansu"))
    agreement = events[events["event_id"] == "E025"]
    assert agreement["what"].item().endswith("S&T support for rural revitalisation")
    assert agreement["date"].item() == "2021 or later"


def test_yunnan_herbs_and_its_cooperation_model_are_in_its_report() -> None:
    zh = _initiatives("Yunnan", "zh")
    assert "保山中药材基地与闵行企业生产线" in zh.index and "闵保绿色食品加工协作" in zh.index
    assert "政府引导、市场主导、企业主体" in zh.at["闵行—保山生物医药产业链协作", "summary"]
    en = _initiatives("Yunnan")
    assert (
        "government-guided, market-led, enterprise-driven"
        in en.at["Shanghai Minhang – Yunnan Baoshan biomedicine industrial chain", "summary"]
    )


def test_the_chongqing_symposium_is_national_context_in_the_overview() -> None:
    assert "[E001]" in narrative.overview_summary("en") and "E001" in narrative.overview_summary("zh")
    for region in [*WITH_RECORDS, "Chongqing"]:
        assert "E001" not in set(profiles.region_profile(region).events["event_id"])


# Why 7 — the overview's amounts chart put CNY and USD on one axis, ranked by the raw number.
def test_amounts_are_compared_in_cny_with_the_currency_as_stated() -> None:
    data = profiles.chart_facts(load_facts(), "money").set_index("fact_id")
    # about US$600,000 is about CNY 4.31 m: it ranks below about CNY 6.8 m, not above it as the raw numbers would
    assert data.at["F006", "value"] < data.at["F027", "value"]
    assert data.at["F006", "value"] == pytest.approx(600_000 * 7.1875)  # the 2025 annual average (Fed G.5A)
    assert "(USD)" in data.at["F006", "label"] and data.at["F006", "text"].startswith(
        "about US$600,000, about CNY 4.31 m"
    )
    table = profiles.key_figures(profiles.region_profile("Ningxia")).set_index("fact_id")
    assert table.at["F004", "cny"] == "nearly CNY 1.44 m (converted at the 2025 average rate)"
    assert table.at["F015", "cny"] == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_eastern_initiatives_are_a_list_not_one_long_run(lang: str) -> None:
    shanghai = profiles.region_profile("Shanghai")
    items = story.eastern_items(shanghai, lang)
    assert len(items) == 6
    text = narrative.summary(shanghai, lang)
    listed = [line for line in text.split("\n") if line.startswith("- ")]
    assert len(listed) == len(items)
    beijing = narrative.summary(profiles.region_profile("Beijing"), lang)
    # one partner for every initiative: said once in the lead sentence, not on each line
    lead = "takes part on the eastern side in 2 initiatives with Ningxia:" if lang == "en" else "参与2项与宁夏的合作："
    assert lead in beijing
    assert not [
        line for line in beijing.split("\n") if line.startswith("- ") and ("with Ningxia" in line or "与宁夏：" in line)
    ]
