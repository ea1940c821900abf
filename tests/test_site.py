"""The site around the pages without a browser: navigation, downloads, font subsets, index."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from coop_analysis.site import _counts, finish_site
from coop_analysis.webfont import Subsetter, cjk_chars

from .conftest import files_under


def _page(lang: str, title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><title>{title}</title>'
        "<!--coop:font--><!--/coop:font--></head><body><!--coop:nav--><!--/coop:nav-->"
        f"<main>{body}</main><!--coop:foot--><!--/coop:foot--></body></html>"
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for lang, stem, body in (
        ("en", "overview", "<p>All provinces</p>"),
        ("en", "Gansu", "<p>Gansu, with a quote: 陇原</p>"),
        ("en", "Beijing", "<p>Beijing only in Latin</p>"),
        ("en", "Ningxia", "<p>Ningxia</p>"),
        ("zh", "Ningxia", "<p>宁夏报告</p>"),
    ):
        (tmp_path / lang).mkdir(exist_ok=True)
        (tmp_path / lang / f"{stem}.html").write_text(_page(lang, stem, body), encoding="utf-8")
    (tmp_path / "en" / "Gansu.facts.csv").write_bytes(b"x")
    return tmp_path


def _nav(page: str) -> str:
    return re.search(r"<!--coop:nav-->(.*?)<!--/coop:nav-->", page, re.S).group(1)


def test_navigation_links_only_to_pages_that_exist(site):
    finish_site(site)
    read = {p: (site / p).read_text(encoding="utf-8") for p in ("en/Ningxia.html", "en/Gansu.html", "zh/Ningxia.html")}
    ningxia = _nav(read["en/Ningxia.html"])
    assert 'href="../index.html"' in ningxia
    assert '<a href="../zh/Ningxia.html" lang="zh" hreflang="zh">中文</a>' in ningxia
    assert 'rel="prev" href="Gansu.html"' in ningxia and 'rel="next"' not in ningxia  # overview, east, west
    gansu = _nav(read["en/Gansu.html"])
    assert "zh/Gansu" not in gansu  # no Chinese Gansu page was built
    assert 'rel="prev" href="Beijing.html"' in gansu and 'rel="next" href="Ningxia.html"' in gansu
    zh = _nav(read["zh/Ningxia.html"])
    assert '<a href="../en/Ningxia.html" lang="en" hreflang="en">English</a>' in zh and "全部报告" in zh
    assert 'rel="prev"' not in zh and 'rel="next"' not in zh
    assert 'href="Gansu.facts.csv" download' in read["en/Gansu.html"]
    assert "facts.csv" not in read["en/Ningxia.html"]  # no CSV there: no link


def test_fonts_only_for_pages_with_chinese_and_only_their_characters(site):
    finish_site(site)
    assert sorted(p for p in files_under(site) if p.endswith(".woff2")) == [
        "assets/fonts/en-Gansu.woff2",  # a quote in Chinese
        "assets/fonts/en-Ningxia.woff2",  # its language link says 中文
        "assets/fonts/index.woff2",
        "assets/fonts/zh-Ningxia.woff2",
    ]  # not en-overview or en-Beijing: no Chinese there
    beijing = (site / "en" / "Beijing.html").read_text(encoding="utf-8")
    assert "@font-face" not in beijing and not (site / "assets/fonts/en-Beijing.woff2").exists()
    gansu = (site / "en" / "Gansu.html").read_text(encoding="utf-8")
    assert 'url("../assets/fonts/en-Gansu.woff2") format("woff2")' in gansu
    from fontTools.ttLib import TTFont

    for page, font in (("en/Gansu.html", "en-Gansu"), ("zh/Ningxia.html", "zh-Ningxia"), ("index.html", "index")):
        cmap = TTFont(io.BytesIO((site / "assets" / "fonts" / f"{font}.woff2").read_bytes())).getBestCmap()
        shown = cjk_chars((site / page).read_text(encoding="utf-8"))
        assert shown and {ord(c) for c in shown} <= set(cmap), page
        assert len(cmap) < len(shown) + 40, page  # a subset: the page's characters, not the whole font


def test_finish_is_deterministic_and_drops_fonts_of_removed_pages(site):
    finish_site(site)
    first = {p: (site / p).read_bytes() for p in files_under(site)}
    finish_site(site)
    assert {p: (site / p).read_bytes() for p in files_under(site)} == first
    (site / "en" / "Gansu.html").unlink()
    finish_site(site)
    assert not (site / "assets" / "fonts" / "en-Gansu.woff2").exists()
    assert 'href="Gansu.html"' not in (site / "en" / "Ningxia.html").read_text(encoding="utf-8")


def test_a_page_from_an_older_version_is_left_alone(site):
    old = "<html><body>old page</body></html>"
    (site / "en" / "Tibet.html").write_text(old, encoding="utf-8")
    finish_site(site)
    assert (site / "en" / "Tibet.html").read_text(encoding="utf-8") == old


def test_index_groups_reports_by_language_and_macro_region(site):
    index = finish_site(site).read_text(encoding="utf-8")
    en = index[index.index('<section lang="en">') : index.index('<section lang="zh">')]
    heads = re.findall(r"<h3>([^<]*)</h3>", en)
    assert heads == ["National", "Eastern provinces", "Western provinces"]
    assert en.index("en/overview.html") < en.index("en/Beijing.html") < en.index("en/Gansu.html")
    zh = index[index.index('<section lang="zh">') :]
    assert re.findall(r"<h3>([^<]*)</h3>", zh) == ["西部地区"] and ">宁夏</a>" in zh
    assert "UTC" not in index and not re.search(r"\d{2}:\d{2}", index)  # no build time: same inputs, same bytes


def test_index_counts_read_like_prose():
    assert _counts({"n_facts": 1, "n_initiatives": 3}, "en") == "1 fact · 3 initiatives"
    assert _counts({"n_facts": 14, "n_initiatives": 1}, "zh") == "14 项数据 · 1 个合作项目"


def test_finish_site_twice_cuts_no_font_the_second_time(site, monkeypatch):
    finish_site(site)
    before = {p.name: p.read_bytes() for p in (site / "assets" / "fonts").glob("*.woff2")}
    assert before
    monkeypatch.setattr(Subsetter, "_cut", lambda *a: pytest.fail("cut although nothing changed"))
    finish_site(site)
    assert {p.name: p.read_bytes() for p in (site / "assets" / "fonts").glob("*.woff2")} == before


def test_finish_removes_figures_a_page_no_longer_shows(site):
    folder = site / "en" / "Gansu_files"
    folder.mkdir()
    (folder / "fig1-0.png").write_bytes(b"used")
    (folder / "fig9-0.png").write_bytes(b"old")
    page = site / "en" / "Gansu.html"
    page.write_text(page.read_text().replace("</main>", '<img src="Gansu_files/fig1-0.png" alt="x"></main>'))
    finish_site(site)
    assert sorted(p.name for p in folder.iterdir()) == ["fig1-0.png"]
