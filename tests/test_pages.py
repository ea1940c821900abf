"""Report pages without a browser: markdown without TeX, phone tables, images, CSV; font subsets."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from coop_analysis import pages, profiles
from coop_analysis.webfont import UNICODE_RANGE, Subsetter, cjk_chars, font_face_css

from .conftest import PROJECT


def test_markdown_keeps_dollar_signs_and_escapes_raw_html():
    out = pages.markdown_html("about US$600,000 … under US$200,000 <script>x</script>")
    assert "US$600,000" in out and "US$200,000" in out  # no TeX: "$…$" is text
    assert "<script>" not in out and "&lt;script&gt;" in out


@pytest.mark.parametrize(
    "text",
    ["1.1万余人", "约3.5亿元", "超过2000项", "2021年5月12日", "2025年3月底", "12 May 2021", "3.5 million", "20%以上"],
)
def test_figures_and_dates_are_kept_whole(text):
    out = pages.markdown_html(f"见 {text} 。")
    kept = re.findall(r'<span class="nw">([^<]*)</span>', out)
    assert kept and text.startswith(kept[0][:2]) and len(kept[0]) >= len(text) - 2, out


def test_plain_numbers_and_code_are_left_alone():
    assert "nw" not in pages.markdown_html("In 2021 there were 12 of them.")
    assert "nw" not in pages.markdown_html("`1.1万余人`")


def test_tables_get_labels_for_phones():
    """A table of 3+ columns stacks on phones, each cell labelled by its column through one CSS rule
    per column (not the header repeated in every cell); headers are escaped for CSS and HTML."""
    frame = pd.DataFrame({"fact": ["F1", "F2"], "figure": ["> 2,000", "3"], 'as of "</style>': ["2025-03", "2024"]})
    out = pages.table_html(frame.to_html(index=False, border=0))
    style, table = re.fullmatch(r'<style class="coop-labels">(.*?)</style>(.*)', out, re.S).groups()
    name = re.search(r'<table class="stack (cols-[0-9a-f]+) sc1 sc2">', table).group(1)  # the 3rd header is long
    assert table.startswith(f'<div class="table"><table class="stack {name} sc1 sc2">') and "data-label" not in out
    assert style.startswith("@media (max-width:56rem){") and "</style" not in style
    css = (PROJECT / "coop_analysis" / "templates" / "coop.css").read_text(encoding="utf-8")
    assert f"@media (max-width:{pages.STACK_BELOW}){{\n  table.stack," in css  # one breakpoint for both
    for n, label in ((1, "fact"), (2, "figure"), (3, "as of \\22 \\3c /style\\3e ")):
        assert f'.{name} td:nth-child({n})::before{{content:"{label}"}}' in style, label
    narrow = pages.table_html(frame[["fact", "figure"]].to_html(index=False))
    assert 'class="stack' not in narrow and "<style" not in narrow  # two columns fit a phone as they are


def test_short_columns_keep_to_one_line_on_wide_screens():
    """Beside a long text column, short columns (status, province, year) are not squeezed to one
    character per line (牵/头/省/份) on a wide screen; long ones still wrap."""
    frame = pd.DataFrame(
        {"合作项目": ["冀藏“四方三地”科技合作试点"], "状态": ["已开展"], "牵头省份": ["河北"], "起始": ["2024"],
         "简介": ["在科技部支持和指导下，" * 4]}
    )  # fmt: skip
    out = pages.table_html(frame.to_html(index=False))
    assert re.search(r'<table class="stack cols-[0-9a-f]+ sc2 sc3 sc4">', out)
    wide = pages.table_html(frame.assign(状态=["已开展并完成验收工作"]).to_html(index=False))
    assert re.search(r'<table class="stack cols-[0-9a-f]+ sc3 sc4">', wide)  # nine CJK characters are not short
    css = (PROJECT / "coop_analysis" / "templates" / "coop.css").read_text(encoding="utf-8")
    rule = re.search(r"@media \(min-width:62rem\)\{([^{}]*)\{white-space:nowrap\}\}", css).group(1)
    assert rule.split(",") == [f".sc{i} tr>:nth-child({i})" for i in range(1, pages.SHORT_COLUMN_RULES + 1)]


def test_a_page_holds_its_tables_label_rules_once_in_its_head():
    import nbformat

    frame = pd.DataFrame({"fact": ["F1"], "figure": ["3"], "unit": ["人"]})
    code = nbformat.v4.new_code_cell("show()")
    html = {"text/html": frame.to_html(index=False), "text/plain": "table"}
    code.outputs = [nbformat.v4.new_output("display_data", data=html) for _ in range(2)]
    page = pages.render_page(nbformat.v4.new_notebook(cells=[code]), "T", pages.make_exporter())
    head, body = page.html.split("</head>")
    assert head.count("td:nth-child(1)::before") == 1 and "::before" not in body
    assert body.count('class="stack cols-') == 2


def test_facts_csv_opens_in_excel_and_holds_the_reports_facts():
    data = pages.facts_csv("Ningxia")
    assert data.startswith("\ufeff".encode())
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    facts = profiles.region_profile("Ningxia").facts
    assert list(table["fact_id"]) == list(facts["fact_id"])
    assert {"raw", "quote", "qualifier", "source_title", "source_date"} <= set(table.columns)
    assert table["source_title"].notna().all()
    overview = pd.read_csv(io.BytesIO(pages.facts_csv(pages.OVERVIEW)), encoding="utf-8-sig")
    assert len(overview) > len(table)


@pytest.mark.parametrize("region", ["Ningxia", "宁夏", "Tibet", "Shandong", "Qinghai"])
def test_facts_csv_holds_exactly_the_facts_of_the_report_profile(region):
    table = pd.read_csv(io.BytesIO(pages.facts_csv(region)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    facts = profiles.region_profile(region).facts
    shown = pd.read_csv(io.StringIO(facts.to_csv(index=False)), dtype=str, keep_default_na=False)
    assert table[list(shown.columns)].equals(shown)  # same rows, order and cells as the report's profile


def test_the_font_subset_leaves_out_what_the_font_does_not_draw():
    page = (
        "<html><head><title>标题</title><style>p::before{content:'样'}</style></head><body>"
        '<p>正文</p><img alt="替代文字" src="a.webp"><img alt=\'说明\' src="b.webp"><!-- 注释 --></body></html>'
    )
    assert cjk_chars(page) == {"正", "文"}  # alt text (shown only without the image) and the tab's title left out


def test_subsetter_is_exact_and_refuses_unannounced_characters():
    from fontTools.ttLib import TTFont

    cutter = Subsetter("东西部科技合作宁夏")
    first, again = cutter.font("宁夏"), cutter.font("宁夏")
    assert first == again and first[:4] == b"wOF2"
    cmap = TTFont(io.BytesIO(first)).getBestCmap()
    assert {ord("宁"), ord("夏")} <= set(cmap) and ord("东") not in cmap
    with pytest.raises(ValueError, match="not announced"):
        cutter.font("甘")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
def test_subsetting_leaves_the_font_file_closed():
    """A lazy TTFont keeps its file open; left to the garbage collector, it raised a ResourceWarning
    in whatever test ran next (a flaky failure of tests/test_fonts.py)."""
    import os

    from coop_analysis.webfont import _font_path

    def open_fonts() -> int:
        fds = Path("/proc/self/fd").iterdir()
        return sum(1 for fd in fds if os.path.realpath(fd) == str(_font_path().resolve()))

    before = open_fonts()
    Subsetter("东西部科技合作", cache=None).font("东西")
    assert open_fonts() == before


def test_subsets_come_from_the_cache_until_the_characters_or_the_font_change(tmp_path, monkeypatch):
    """Keyed by (font digest, options, fontTools version, characters): an unchanged page costs a read."""
    import shutil

    from coop_analysis.webfont import _font_path

    cache = tmp_path / "fonts"
    first = Subsetter("东西部宁夏", cache=cache)
    data = first.font("宁夏")
    assert (first.cut, first.cached) == (1, 0) and len(list(cache.glob("*.woff2"))) == 1
    second = Subsetter("东西部宁夏甘", cache=cache)  # another union, same page characters
    monkeypatch.setattr(Subsetter, "_cut", lambda *a: pytest.fail("cut although cached"))
    assert second.font("宁夏") == data and (second.cut, second.cached) == (0, 1)
    monkeypatch.undo()
    assert second.font("东西") != data and second.cut == 1  # other characters: cut
    entry = next(p for p in cache.glob("*.woff2") if p.read_bytes().endswith(data))
    entry.write_bytes(entry.read_bytes()[:-10])  # truncated: not used, cut and written again
    third = Subsetter("宁夏", cache=cache)
    assert third.font("宁夏") == data and third.cut == 1 and entry.read_bytes().endswith(data)
    font = tmp_path / "font.otf"
    shutil.copyfile(_font_path(), font)
    with open(font, "ab") as fh:
        fh.write(b"\0")  # another font file (digest): another key
    other = Subsetter("宁夏", source=font, cache=cache)
    other.font("宁夏")
    assert other.cut == 1 and len(list(cache.glob("*.woff2"))) == 3


def test_font_face_serves_only_cjk():
    assert font_face_css(None) == ""
    css = font_face_css("../assets/fonts/x.woff2")
    assert css.index('local("Noto Sans SC")') < css.index('url("../assets/fonts/x.woff2")')  # reader's own first
    assert f"unicode-range:{UNICODE_RANGE}" in css and "U+0" not in UNICODE_RANGE  # Latin keeps system fonts


def test_render_page_is_lean_and_takes_images_out():
    import nbformat

    png = b"\x89PNG\r\n\x1a\nfake"
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("secret_code_marker()")
    code.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": __import__("base64").b64encode(png).decode(), "text/plain": "<Chart>"},
            metadata={"image/png": {"width": 800, "height": 600, "alt": "Links of Ningxia <&>"}},
        ),
        nbformat.v4.new_output("display_data", data={"text/markdown": "about US$600,000 … under US$200,000"}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nText with 1.1万余人."), code]
    page = pages.render_page(nb, "T <1>", pages.make_exporter(), lang="zh", stem="Ningxia")
    assert page.files == {"Ningxia_files/fig1-0.png": png}
    html = page.html
    assert '<html lang="zh">' in html and "<title>T &lt;1&gt;</title>" in html
    img = re.search(r"<img [^>]*>", html).group(0)
    for attr in ('src="Ningxia_files/fig1-0.png"', 'alt="Links of Ningxia &lt;&amp;&gt;"', 'width="800"'):
        assert attr in img
    assert "US$600,000 … under US$200,000" in html
    for absent in ("secret_code_marker", "<script", "http", "base64", "jp-"):
        assert absent not in html, absent
    assert all(f"<!--coop:{slot}--><!--/coop:{slot}-->" in html for slot in ("nav", "font", "foot"))


def test_a_chart_page_shows_the_webp_of_an_output_that_has_png_and_webp():
    """Charts hold a PNG (Jupyter) and a lossless WebP (pages): the page shows and keeps only the WebP."""
    import base64

    import nbformat

    png, webp = b"\x89PNG\r\n\x1a\nfake", b"RIFF\x00\x00\x00\x00WEBPVP8Lfake"
    meta = {"width": 1200, "height": 300, "alt": "Bar chart"}
    code = nbformat.v4.new_code_cell("chart()")
    code.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={
                "image/png": base64.b64encode(png).decode(),
                "image/webp": base64.b64encode(webp).decode(),
                "text/plain": "<Chart>",
            },
            metadata={"image/png": meta, "image/webp": meta},
            execution_count=1,
        ),
        nbformat.v4.new_output(  # an image someone drew by hand: its PNG
            "display_data", data={"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"}
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=[code])
    page = pages.render_page(nb, "T", pages.make_exporter(), stem="Gansu")
    assert page.files == {"Gansu_files/fig0-0.webp": webp, "Gansu_files/fig0-1.png": png}
    imgs = re.findall(r"<img [^>]*>", page.html)
    assert len(imgs) == 2 and 'src="Gansu_files/fig0-0.webp"' in imgs[0] and 'width="1200"' in imgs[0]
    assert 'alt="Bar chart"' in imgs[0] and 'src="Gansu_files/fig0-1.png"' in imgs[1]
    # each opens alone (a phone reader zooms into the labels)
    links = re.findall(r'<a class="zoom" href="([^"]+)"><img [^>]*src="([^"]+)"', page.html)
    assert links == [("Gansu_files/fig0-0.webp",) * 2, ("Gansu_files/fig0-1.png",) * 2]


def test_fact_ids_link_to_their_quote():
    prose = pages.markdown_html("≈ US$600,000 [F006]; 1.1万余人（F017）; not F0067x or XF006")
    assert '[<a class="fact" href="#F006">F006</a>]' in prose and '（<a class="fact" href="#F017">F017</a>）' in prose
    assert "F0067x" in prose and 'href="#F0067' not in prose and "XF006" in prose
    sources = pd.DataFrame({"fact": ["F006", "F017"], "as written": ["约60万美元", "1.1万余人"], "quote": ["a", "b"]})
    html = pages.table_html(sources.to_html(index=False))
    assert '<tr id="F006">' in html and '<tr id="F017">' in html
    other = pd.DataFrame({"fact": ["F006"], "figure": ["≈ US$600,000"], "as of": ["2024"]})
    html = pages.table_html(other.to_html(index=False))
    assert "<tr id=" not in html and '<a class="fact" href="#F006">F006</a>' in html  # only the quotes are targets
