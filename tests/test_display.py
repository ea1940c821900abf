"""Readable DataFrame display: options in a block or for the session, data untouched."""

from __future__ import annotations

import pandas as pd
import pytest

import coop_analysis as ca


@pytest.fixture(autouse=True)
def _reset_display():
    yield
    pd.reset_option("display")


def test_readable_display_cuts_long_text_in_the_display_only() -> None:
    facts = ca.facts_view()
    wide = facts.head(3).to_string()
    with ca.readable_display():
        assert pd.get_option("display.max_colwidth") == 30
        short = repr(facts.head(3))
        html = facts.head(3)._repr_html_()
    assert pd.get_option("display.max_colwidth") == 50  # restored
    assert facts["quote"].iloc[0] not in short and facts["quote"].iloc[0][:20] in short
    assert facts["quote"].iloc[0] not in (html or "")
    assert len(short) < len(wide)
    assert facts["quote"].equals(ca.facts_view()["quote"])  # the data is whole


def test_numbers_read_with_thousands_separators() -> None:
    frame = pd.DataFrame({"value": [350_000_000.0, 39.0, 0.5]})
    with ca.readable_display():
        text = frame.to_string()
    assert "350,000,000" in text and "e+08" not in text and "0.5" in text


def test_use_readable_display_and_overrides() -> None:
    ca.use_readable_display(max_colwidth=12)
    assert pd.get_option("display.max_colwidth") == 12
    assert pd.get_option("display.unicode.east_asian_width") is True


def test_import_sets_no_option() -> None:
    import subprocess
    import sys

    code = "import pandas as pd, coop_analysis; print(pd.get_option('display.max_colwidth'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "50"
