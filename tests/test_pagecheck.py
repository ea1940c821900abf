"""pagecheck: what a reader would flag on a page, found without a browser."""

from __future__ import annotations

from pathlib import Path

from coop_analysis.pagecheck import BUDGET_KB, check_page, check_site, page_weight
from coop_analysis.site import iter_pages


def _page(lang: str, body: str) -> str:
    title = "<h1>主要数字报告</h1>" if lang == "zh" else "<h1>A report</h1>"
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>标题 title</title></head><body>{title}{body}</body></html>'


def test_a_clean_page_in_each_language_passes():
    en = _page(
        "en",
        '<h2>Key figures</h2><p>About US$600,000.</p><td lang="zh">约60万美元</td>'
        '<a lang="zh" href="x">中文</a><img src="a.png" alt="Map of links">',
    )
    zh = _page(
        "zh", '<h2>主要数字</h2><p>约60万美元（F006），CSV 下载。</p><a lang="en" href="x">English version here</a>'
    )
    assert check_page(en) == [] and check_page(zh) == []


def test_a_page_has_one_title_heading():
    untitled = '<!DOCTYPE html><html lang="en"><body><h2>Key figures</h2><p>Text.</p></body></html>'
    assert check_page(untitled) == ["expected one title heading (h1), found 0: []"]
    (problem,) = check_page(_page("en", "<h1>Another title</h1>"))
    assert problem.startswith("expected one title heading (h1), found 2")


def test_each_kind_of_problem_is_named():
    problems = check_page(
        _page(
            "en",
            "<h2>Key figures · 主要数字</h2><p>kind: east_west_cooperation</p><p>Beijing|Shanghai</p>"
            '<img src="a.png"><img src="b.png" alt="No description has been provided for this image">'
            "<style>.x_y{}</style><!-- 中文 comment -->",
        )
    )
    assert problems == [
        "Chinese in English text: 'Key figures · 主要数字'",
        "identifier shown to readers: 'east_west_cooperation' in 'kind: east_west_cooperation'",
        "'|' in visible text: 'Beijing|Shanghai'",
        "image without alt text: 'a.png'",
        "image without alt text: 'b.png'",
    ]
    zh = check_page(_page("zh", "<p>Each fact with the figure as written.</p>"))
    assert zh == [
        "English in Chinese text: 'Each fact with the figure as written' in 'Each fact with the figure as written.'"
    ]
    assert check_page("<html><body><h1>x</h1></body></html>") == ["the page declares lang='', expected 'en' or 'zh'"]


def test_weight_counts_each_asset_once_and_flags_a_page_over_budget(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "map.webp").write_bytes(b"x" * 1000)
    (tmp_path / "a" / "other.html").write_text("<p>linked, not loaded</p>", encoding="utf-8")
    body = '<img src="map.webp" alt="Map"><img src="map.webp" alt="Map"><a href="other.html">o</a>'
    page = tmp_path / "a" / "p.html"
    page.write_text(_page("en", body), encoding="utf-8")
    size = len(page.read_bytes())
    assert page_weight(page) == (size + 1000, ["map.webp"], [])
    assert check_site([page]) == {}
    (tmp_path / "a" / "map.webp").write_bytes(b"x" * (BUDGET_KB * 1024))
    (problem,) = check_site([page])[page]
    assert problem.startswith("weighs 250.") and problem.endswith(f"over the {BUDGET_KB} KB budget")


def test_every_built_page_reads_in_one_language_without_internals(built_site: Path) -> None:
    """The whole site as built (conftest.built_site): English and Chinese reports, overviews, index."""
    found = list(iter_pages(built_site))
    langs = {p.parent.name for p in found}
    assert {"en", "zh"} <= langs and sum(p.parent.name == "zh" for p in found) >= 10, found
    problems = [
        f"{page.relative_to(built_site)}: {problem}" for page, ps in check_site(found).items() for problem in ps
    ]
    assert problems == [], f"{len(problems)} problems, the first:\n" + "\n".join(problems[:20])
