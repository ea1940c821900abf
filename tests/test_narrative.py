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


def _fact(
    value: float, unit: str, qualifier: str, low: float = NAN, high: float = NAN, raw: str = ""
) -> SimpleNamespace:
    return SimpleNamespace(value=value, unit=unit, qualifier=qualifier, low=low, high=high, raw=raw)


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        (_fact(2000, "项", "over", 2000), "> 2,000"),
        (_fact(600_000, "USD", "approx"), "≈ US$600,000"),
        (_fact(200_000, "USD", "nearly", high=200_000), "< US$200,000"),
        (_fact(1.17e9, "CNY", "exact"), "CNY 1.17 bn"),
        (_fact(6.8e6, "CNY", "approx"), "≈ CNY 6.8 m"),
        (_fact(15, "批", "range", 11, 19), "11–19"),
        (_fact(20, "percent", "over", 20), "> 20%"),
        (_fact(40, "bp", "up_to", high=40), "≤ 40 bp"),
        (_fact(7, "名", "exact"), "7"),
        (_fact(8800.5, "人", "exact"), "8,800.5"),
    ],
)
def test_format_quantity_keeps_the_qualifier_in_english(fact: SimpleNamespace, text: str) -> None:
    assert narrative.format_quantity(fact, "en") == text


def test_format_quantity_in_chinese_is_the_source_wording() -> None:
    assert narrative.format_quantity(_fact(11000, "人", "over", 11000, raw="1.1万余人"), "zh") == "1.1万余人"


def test_every_curated_fact_formats_with_its_qualifier() -> None:
    signs = {"approx": "≈ ", "nearly": "< ", "over": "> ", "up_to": "≤ "}
    for fact in load_facts().itertuples(index=False):
        text = narrative.format_quantity(fact, "en")
        if fact.qualifier in signs:
            assert text.startswith(signs[fact.qualifier]), (fact.fact_id, text)
        elif fact.qualifier == "range":
            assert "–" in text, (fact.fact_id, text)
        else:
            assert not text.startswith(("≈", "<", ">", "≤")), (fact.fact_id, text)
        assert narrative.format_quantity(fact, "zh") == fact.raw


@pytest.mark.parametrize(
    ("date", "precision", "en", "zh"),
    [
        ("2025-03-26", "day", "26 Mar 2025", "2025年3月26日"),
        ("2025-03", "month", "Mar 2025", "2025年3月"),
        ("2025-03", "early_month", "early Mar 2025", "2025年3月初"),
        ("2024-11", "end_month", "end of Nov 2024", "2024年11月底"),
        ("2025", "year", "2025", "2025年"),
    ],
)
def test_format_date_is_as_precise_as_the_source(date: str, precision: str, en: str, zh: str) -> None:
    assert narrative.format_date(date, precision, "en") == en
    assert narrative.format_date(date, precision, "zh") == zh


@pytest.mark.parametrize("lang", ["fr", "", None, "EN"])
def test_check_lang_names_the_parameter(lang: object) -> None:
    with pytest.raises(ValueError, match=r"lang: expected one of \['en', 'zh'\]"):
        narrative.check_lang(lang)


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
    assert "Official pairings: Fujian (East–West cooperation pair (2021))" in text
    assert "Cooperation beyond the official pairs:" in text
    shanghai = narrative.pairing_sentence(profiles.region_profile("Shanghai"), "en")
    assert "Yunnan" in shanghai


def test_pairing_sentence_without_any_pairing() -> None:
    paired = set(load_pairings()["east_province"]) | set(load_pairings()["west_province"])
    unpaired = next(p for p in ("Hainan", "Hunan", "Henan", "Anhui") if p not in paired)
    text = narrative.pairing_sentence(profiles.region_profile(unpaired), "en")
    assert text.startswith("The province has no official East–West or counterpart-support pairing. ")
    assert "The official pairing table covers — East–West cooperation (2021 pairs): all 11" in text


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
        profiles.pair_coverage(),
    ]
    for table in tables:
        assert set(table.columns) <= set(narrative.HEADERS), set(table.columns) - set(narrative.HEADERS)
        zh = narrative.for_readers(table, "zh")
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in col) for col in zh.columns), list(zh.columns)


def test_counts_in_english_prose_agree_in_number() -> None:
    assert narrative.count_label(1, "initiative") == "1 initiative"
    assert narrative.count_label(0, "source") == "0 sources"
    assert narrative.count_label(3, "city", "cities") == "3 cities"
    tibet = narrative.headline(profiles.region_profile("Tibet"), "en")["headline"]
    assert tibet.startswith("1 initiative with Hebei") and "(s)" not in tibet
    assert "(s)" not in narrative.overview_summary("en")
    assert "(s)" not in narrative.summary(profiles.region_profile("Ningxia"), "en")
