"""Report text: qualifiers kept, dates as precise as the source, nothing written per region."""

from __future__ import annotations

import html
import math
import re
from types import SimpleNamespace

import pytest

from coop_analysis import narrative, profiles, story
from coop_analysis.datasets import load_facts, load_pairings

NAN = math.nan


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_is_built_from_the_profile(lang: str) -> None:
    profile = profiles.region_profile("Ningxia")
    text = narrative.summary(profile, lang)
    names = {"en": "Ningxia", "zh": "宁夏"}
    assert text.startswith(f"**{names[lang]}**")
    assert "\\[F0" in text or lang == "zh"  # the data's phrases are escaped for Markdown
    text = html.unescape(re.sub(r"\\(.)", r"\1", text))  # as a reader sees it
    # headline figures: each cited fact with its figure as formatted (qualifier kept) and its id
    cited = re.findall(r"\[(F\d+)\]|[；（](F\d+)）", text)
    ids = {a or b for a, b in cited}
    assert ids and ids <= set(profile.facts["fact_id"])
    facts = profile.facts.set_index("fact_id")
    for fact_id in ids:
        row = SimpleNamespace(**facts.loc[fact_id].to_dict())
        assert narrative.format_quantity(row, lang) in text

    for fact in load_facts().itertuples(index=False):  # descriptions are never cut inside brackets
        phrase = story.fact_phrase(fact, lang, fact.province)
        assert phrase.count("(") == phrase.count(")") and phrase.count("（") == phrase.count("）"), phrase


def test_summary_for_a_province_without_records_says_so() -> None:
    en = narrative.summary(profiles.region_profile("Hainan"), "en")
    zh = narrative.summary(profiles.region_profile("海南"), "zh")
    assert "hold no record" in en and "没有东西部科技合作记录" in zh


def test_pairing_sentence_names_official_partners_and_those_beyond() -> None:
    text = narrative.pairing_sentence(profiles.region_profile("Ningxia"), "en")
    assert text.startswith("Ningxia's official East–West cooperation partner, paired in 2021, is Fujian. ")
    assert "None of the cooperation in the sources is with an official partner." in text
    assert "beyond the official pairs, with Beijing, Shanghai, Guangdong and Zhejiang." in text
    assert "((" not in text and "))" not in text  # no nested brackets
    shanghai = narrative.pairing_sentence(profiles.region_profile("Shanghai"), "en")
    assert "Yunnan" in shanghai
    gansu = narrative.pairing_sentence(profiles.region_profile("Gansu"), "zh")
    assert (
        gansu.startswith("甘肃的东西部协作结对省份（2021年确定）：天津、山东。")
        and "资料中有与官方结对方山东的合作" in gansu
    )


def test_pairing_sentence_groups_counterpart_support_by_partner() -> None:
    tibet = narrative.pairing_sentence(profiles.region_profile("Tibet"), "en")
    assert tibet.startswith("Tibet receives counterpart support from Beijing (Lhasa), Jiangsu (Lhasa), ")
    assert "The sources record cooperation with the official partner Hebei." in tibet
    guangdong = narrative.pairing_sentence(profiles.region_profile("Guangdong"), "en")
    # Xinjiang once, with the prefecture and the city that supports in its own right
    assert "gives counterpart support to Tibet (Nyingchi) and Xinjiang (Kashgar Prefecture; Shenzhen: " in guangdong


def test_pairing_sentence_without_any_pairing() -> None:
    paired = set(load_pairings()["east_province"]) | set(load_pairings()["west_province"])
    unpaired = next(p for p in ("Hainan", "Hunan", "Henan", "Anhui") if p not in paired)
    text = narrative.pairing_sentence(profiles.region_profile(unpaired), "en")
    assert text.startswith(f"{unpaired} has no official East–West or counterpart-support pairing.\n\n")
    assert "The official pairing table records:\n\n- East–West cooperation (2021 pairs): all 11" in text


@pytest.mark.parametrize("region", profiles.provinces_with_records())
def test_headline_fields_and_types(region: str) -> None:
    profile = profiles.region_profile(region)
    fields = narrative.headline(profile, "en")
    assert fields["region"] == region
    assert fields["n_facts"] == len(profile.facts) and fields["n_initiatives"] == len(profile.initiatives)
    assert isinstance(fields["headline"], str) and fields["headline"] and "\n" not in fields["headline"]


def test_overview_texts_count_the_tables() -> None:
    fields = narrative.overview_headline("en")
    assert fields["n_facts"] == len(load_facts())
    assert str(len(profiles.provinces_with_records())) in fields["headline"]
    text = narrative.overview_summary("en")
    covered = int(profiles.pair_coverage().query("kind == 'east_west_cooperation'")["covered"].sum())
    assert f"the sources cover {covered} (" in text


def test_table_shows_every_row_and_full_cells_left_aligned() -> None:
    import pandas as pd

    long = "很长的单元格" * 30
    frame = pd.DataFrame({"a": [long] + [str(i) for i in range(99)], "b": [None] + ["x"] * 99})
    table = narrative.Table(frame)
    html = table._repr_html_()
    assert long in html and html.count("<tr") == 101 and "NaN" not in html and "None" not in html
    assert '<td style="text-align:left">' in html
    assert long in repr(table) and len(repr(table).splitlines()) == 101
    typed = narrative.Table(frame.astype({"b": "string"}))  # pd.NA, which na_rep does not reach
    assert "NA&gt;" not in typed._repr_html_() and "<NA>" not in repr(typed)


def test_chinese_originals_are_marked_on_english_pages_and_escaped() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {"name": ["Gansu Agricultural University", "<b>x</b>"], "name_zh": ["甘肃农业大学", "<b>甘</b>"],
         "type": ["大学", "university"], "quote": ["", "原句"]}
    )  # fmt: skip
    html = narrative.show(frame, "en")._repr_html_()
    assert '<td style="text-align:left" lang="zh">甘肃农业大学</td>' in html
    assert '<td style="text-align:left" lang="zh">&lt;b&gt;甘&lt;/b&gt;</td>' in html and "<b>" not in html
    assert '<td style="text-align:left" lang="zh">原句</td>' in html
    assert html.count('lang="zh"') == 3  # "type" is no original: not marked; an empty quote neither
    assert 'lang="zh"' not in narrative.show(frame, "zh")._repr_html_()
    assert 'lang="zh"' not in narrative.show(frame, "en", hide=["name_zh", "quote"])._repr_html_()


def test_show_gives_a_note_for_an_empty_table() -> None:
    import pandas as pd

    assert narrative.show(pd.DataFrame({"a": []}), "zh").data == "_资料中暂无。_"
    assert narrative.show(None, "en", empty="Nothing yet.").data == "_Nothing yet._"
    assert isinstance(narrative.show(pd.DataFrame({"a": [1]})), narrative.Table)


def test_for_readers_renames_hides_and_writes_yes_no() -> None:
    import pandas as pd

    table = pd.DataFrame({"partner": ["Beijing"], "label": ["北京"], "kinds": [""], "in_sources": [True], "x": [1]})
    en = narrative.for_readers(table, "en", hide=["partner", "kinds"])
    assert list(en.columns) == ["partner", "in the sources", "x"] and en.iloc[0].tolist() == ["北京", "yes", 1]
    zh = narrative.for_readers(table, "zh", hide=["kinds"])
    assert list(zh.columns) == ["partner", "合作方", "资料中有合作", "x"] and zh.iloc[0, 2] == "是"
    assert list(table.columns) == ["partner", "label", "kinds", "in_sources", "x"]  # the input is not changed
    with pytest.raises(ValueError, match=r"hide: no column\(s\) \['kind'\]"):
        narrative.for_readers(table, "en", hide=["kind"])


def test_every_report_table_has_readers_headers_in_both_languages() -> None:
    profile = profiles.region_profile("Ningxia")
    tables = [
        profiles.key_figures(profile),
        profiles.partner_table(profile).drop(columns=["partner", "kinds"]),
        profiles.initiatives_table(profile),
        profiles.organizations_table(profile),
        profiles.timeline(profile),
        profiles.sources_table(profile),
        profiles.source_list(profile),
        profiles.pairs_table(),
    ]
    for table in tables:
        assert set(table.columns) <= set(narrative.HEADERS), set(table.columns) - set(narrative.HEADERS)
        zh = narrative.for_readers(table, "zh")
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in col) for col in zh.columns), list(zh.columns)


def test_counts_in_english_prose_agree_in_number() -> None:
    tibet = narrative.headline(profiles.region_profile("Tibet"), "en")["headline"]
    assert tibet.startswith("1 initiative with Hebei") and "(s)" not in tibet
    assert "(s)" not in narrative.overview_summary("en")
    assert "(s)" not in narrative.summary(profiles.region_profile("Ningxia"), "en")
    tibet_summary = re.sub(r"\\(.)", r"\1", narrative.summary(profiles.region_profile("Tibet"), "en"))
    assert "with eastern partner Hebei." in tibet_summary  # one partner, singular
    assert "Forms of cooperation: joint projects and pilot programme; sector: agriculture." in tibet_summary
    ningxia = re.sub(r"\\(.)", r"\1", narrative.summary(profiles.region_profile("Ningxia"), "en"))
    assert "with eastern partners Beijing, Guangdong, Shanghai and Zhejiang" in ningxia
    assert "Forms of cooperation: joint projects and science enclaves; sectors: " in ningxia


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_states_figures_as_sentences_and_leaves_pairings_to_their_section(lang: str) -> None:
    profile = profiles.region_profile("Ningxia")
    text = re.sub(r"\\(.)", r"\1", narrative.summary(profile, lang))
    assert "Headline figures" not in text and "主要数字" not in text
    assert "（西部地区" not in text and "region;" not in text
    pairing = re.sub(r"\\(.)", r"\1", narrative.pairing_sentence(profile, lang))
    assert pairing[:40] not in text  # the pairings paragraph is shown once, in its section
    if lang == "en":
        assert (
            "For Ningxia as a whole, the sources report more than 2,000 cooperation projects jointly implemented "
            "or organised (cumulative count) [F015], about 1,000 " in text
        )
        assert "(as of 2025). With Zhejiang, Shanghai and Beijing together, the sources report 4 enterprises" in text
    else:
        assert "宁夏整体（截至2025年）：共同实施或组织实施的科技合作项目数超过2000项（F015）" in text
    for symbol in ("≈", "> ", "< ", "≤"):
        assert symbol not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_source_line_names_title_publisher_and_date(lang: str) -> None:
    line = narrative.source_line(profiles.region_profile("Ningxia"), lang)
    if lang == "en":
        assert line == (
            "Source: “East–West science and technology cooperation keeps bearing fruit” (publisher not named; "
            "published Apr 2025, date estimated). Each figure is given with its own period."
        )
    else:
        assert line.startswith(
            "来源：《持续推动东西部科技合作开新花 结硕果》（发布者不详；约2025年4月发布，日期为估计）"
        )
    assert narrative.source_line(None, lang) == line  # the overview: every source (here the same one)
    assert narrative.source_line(profiles.region_profile("Hainan"), lang) == ""
