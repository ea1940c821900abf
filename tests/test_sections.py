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
