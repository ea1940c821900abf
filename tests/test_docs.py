"""The README documents what the code does: data dictionary, quick start, walkthrough."""

from __future__ import annotations

import re

from coop_analysis.docs import BEGIN, END, data_dictionary_markdown

from .conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_readme_data_dictionary_is_current() -> None:
    current = README[README.index(BEGIN) : README.index(END) + len(END)]
    assert current == data_dictionary_markdown(), "regenerate with: python -m coop_analysis.docs"


def test_quick_start_has_exactly_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.S)
    assert blocks, "no fenced block in Quick start"
    commands = [ln for ln in blocks[0].splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert len(commands) == 2, commands
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].split("#")[0].strip() in ci, ".ci/run must run the README's test command"
