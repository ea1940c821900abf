"""Section headings and intros: one language per page."""

from __future__ import annotations

import re

import pytest

from coop_analysis import sections


def test_every_section_reads_in_one_language():
    for key in sections.SECTIONS:
        en, zh = sections.section(key, "en").markdown(), sections.section(key, "zh").markdown()
        assert en.startswith("## ") and zh.startswith("## ")
        assert not re.search(r"[\u4e00-\u9fff]", en), key
        assert not re.search(r"[A-Za-z]{3,}", zh), key


def test_show_displays_as_markdown_and_unknown_keys_are_named():
    shown = sections.show("key_figures", "zh")
    assert shown._repr_markdown_().startswith("## 主要数字\n\n")
    assert sections.show("timeline", "en")._repr_markdown_() == "## Timeline"
    with pytest.raises(KeyError, match="known: amounts"):
        sections.section("nope", "en")
    with pytest.raises(ValueError):
        sections.section("timeline", "fr")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_intro_describes_bar_charts_only_on_pages_that_have_them(lang: str):
    plain = sections.show("charts", lang).intro
    with_bars = sections.show("charts", lang, bars=True).intro
    assert with_bars == plain + sections.BARS_NOTE[lang == "zh"]
    assert ("bar chart" in plain.lower()) is False and "条形图" not in plain
    assert ("square" in plain) if lang == "en" else ("小方块" in plain)  # the map's prefecture marks
    with pytest.raises(ValueError, match="'timeline'"):
        sections.show("timeline", lang, bars=True)
