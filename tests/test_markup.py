"""markup: data text escaped for Markdown/HTML renders as itself; markup in data is found."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from coop_analysis.markup import find_markup, html_escape, md_escape

#: Text that is markup in Markdown or HTML (the hostile-input catalogue's injection cases).
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    "[click](javascript:alert(1))",
    "[ref][1]",
    "</td></tr></table><b>bold",
    "<!-- hidden -->",
    "<https://example.com>",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "**bold** _em_ `code`",
    "# heading",
    "| a | b |",
    "$x^2$",
    "line one\n# heading\n<script>",
    "javascript:alert(1)",
    "see https://example.com or www.example.com",
    "- a list item",
    "1. first",
    "> quoted",
    "    indented code",
    "title\n===",
]


def _rendered_text(markdown: str) -> str:
    """What a reader sees: nbconvert's Markdown → HTML (as on report pages), tags dropped, entities read."""
    out = markdown2html_mistune(markdown)
    return html.unescape(re.sub(r"</?p>", "", out)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_renders_as_the_text_itself(text: str) -> None:
    rendered = markdown2html_mistune(md_escape(text))
    assert re.sub(r"</?p>", "", rendered).count("<") == 0, rendered  # no element but the paragraph
    assert _rendered_text(md_escape(text)) == " ".join(text.split("\n")).strip()


@given(st.text(alphabet=st.sampled_from(list("<>&[]()!*_`#|$\\-+.:=~'\"{}^ \nax甘1/wht;")), max_size=40))
def test_md_escape_round_trips_through_a_markdown_renderer(text: str) -> None:
    escaped = md_escape(text)
    assert "\n" not in escaped
    rendered = markdown2html_mistune(escaped)
    assert re.sub(r"</?p>", "", rendered).count("<") == 0, rendered
    expected = " ".join(text.split("\n")).strip()
    assert " ".join(_rendered_text(escaped).split()) == " ".join(expected.split())


def test_md_escape_keeps_chinese_and_plain_words() -> None:
    assert md_escape("宁夏（上海）科技创新中心 S&T (R&D), 3.5 a-b") == "宁夏（上海）科技创新中心 S&T (R&D), 3.5 a-b"
    assert md_escape("- 1. x") == "\\- 1. x" and md_escape("12. x") == "12\\. x"
    assert md_escape(None) == ""


@pytest.mark.parametrize("text", HOSTILE)
def test_html_escape(text: str) -> None:
    out = html_escape(text)
    assert "<" not in out and ">" not in out and '"' not in out
    assert html.unescape(out) == text


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("<script>alert(1)</script>", "an HTML tag"),
        ("</td>", "an HTML tag"),
        ("<scr", "an HTML tag"),  # unclosed: browsers still read a tag
        ("<!-- c -->", "an HTML tag"),
        ("![x](javascript:alert(1))", "Markdown link or image"),
        ("[x](http://example.com)", "Markdown link or image"),
        ("JavaScript :alert(1)", "script or data URL"),
        ("data:text/html;base64,xx", "script or data URL"),
        ("&lt;b&gt;", "character reference"),
        ("costs $5 to $6", "math"),
        ("a\x1b[31mred", "control"),
        ("a\u202eb", "bidirectional"),
        ("two\nlines", "line break"),
    ],
)
def test_find_markup_names_what_it_found(text: str, what: str) -> None:
    found = find_markup(text)
    assert found is not None and what in found


@pytest.mark.parametrize(
    "text",
    ["S&T Centre", "a < b and c > d", "Ningxia (Shanghai) [sic]", "US$5", "3 < 5", "F001", "宁夏（上海）", None],
)
def test_find_markup_leaves_plain_text_alone(text: str | None) -> None:
    assert find_markup(text) is None


def test_escaped_text_shows_as_itself_on_report_pages() -> None:
    """The pages' renderer escapes raw HTML itself: escaped data must not come out as '&gt;' (a qualifier lost)."""
    from coop_analysis.pages import markdown_html

    page = markdown_html(md_escape("> 2,000 <b> &gt; a&b"))
    assert "<p>&gt; 2,000 &lt;b&gt; &amp;gt; a&amp;b</p>" in page
    assert "&amp;gt; 2,000" not in page
