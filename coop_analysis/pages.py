"""What readers open: offline HTML pages of executed report notebooks, and ``index.html``.

Layout of an output folder::

    <out>/index.html                 every report present, by language and macro-region
    <out>/assets/coop.css            the one stylesheet of pages and index
    <out>/assets/fonts/*.woff2       per-page subsets of the CJK font (pages with Chinese only)
    <out>/<lang>/<Region>.html       code hidden, no scripts, no request to another host
    <out>/<lang>/<Region>.ipynb      the executed notebook
    <out>/<lang>/<Region>.facts.csv  the report's facts (UTF-8 with BOM, opens in Excel)
    <out>/<lang>/overview.html, overview.ipynb, overview.facts.csv

``<Region>`` is the English province name with spaces replaced by ``_``
(``Inner_Mongolia``), see :func:`report_stem`.

A page is made in two steps. A worker renders the notebook with the
``coop_page`` nbconvert template (:func:`make_exporter`, :func:`render_page`):
a lean page with empty ``<!--coop:…-->`` slots. When the build is over,
:func:`finish_site` fills the slots of every page present — navigation (index,
the same report in the other language, previous and next report), downloads
and the page's own font subset — and writes the index. So links point only to
pages that exist, whichever reports and languages were built.
"""

from __future__ import annotations

import html
import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from coop_analysis.fileio import atomic_write
from coop_analysis.headlines import strip_headlines
from coop_analysis.paths import font_cache_dir
from coop_analysis.webfont import CJK_FACE, Subsetter, cjk_chars, font_face_css
from coop_analysis.wording import LANGS

__all__ = [
    "CJK_FACE",
    "OVERVIEW",
    "RenderedPage",
    "facts_csv",
    "finish_site",
    "install_assets",
    "make_exporter",
    "render_page",
    "report_stem",
    "write_index",
]

log = logging.getLogger(__name__)

#: Name of the national overview among the reports (regions use their English name).
OVERVIEW = "overview"
TEMPLATE = "coop_page"
STYLESHEET = "assets/coop.css"
#: Image outputs taken out of the page into files beside it.
IMAGE_TYPES = ("image/webp", "image/png", "image/jpeg", "image/svg+xml")
#: Which of an output's representations a page shows: charts as WebP (smaller, same pixels as their PNG).
DISPLAY_PRIORITY = (
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
    "text/markdown",
    "image/webp",
    "image/svg+xml",
    "text/vnd.mermaid",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
)
#: Cells with this tag are left out of the page (they stay in the notebook).
HIDE_TAG = "hide-in-page"
FONT_DIR = "assets/fonts"
_MACRO_ORDER = ("east", "central", "west", "northeast")

#: Every word of the page furniture, per language.
UI: dict[str, dict[str, str]] = {
    "en": {
        "language": "English",
        "index": "All reports",
        "index_title": "East–West science and technology cooperation: reports",
        "overview": "National overview",
        "national": "National",
        "east": "Eastern provinces",
        "central": "Central provinces",
        "west": "Western provinces",
        "northeast": "North-eastern provinces",
        "nav": "Reports",
        "prev": "Previous report",
        "next": "Next report",
        "download": "Download",
        "csv": "facts (CSV)",
        "notebook": "notebook (.ipynb)",
        "failed_earlier": "an earlier run failed",
        "failed_latest": "the latest run failed",
        "showing_previous": "showing the previous report",
        "failed_notebook": "failed notebook",
        "none": "No reports yet: run coop-analysis reports.",
    },
    "zh": {
        "language": "中文",
        "index": "全部报告",
        "index_title": "东西部科技合作：地区报告",
        "overview": "全国概览",
        "national": "全国",
        "east": "东部地区",
        "central": "中部地区",
        "west": "西部地区",
        "northeast": "东北地区",
        "nav": "报告导航",
        "prev": "上一篇",
        "next": "下一篇",
        "download": "下载",
        "csv": "数据（CSV）",
        "notebook": "笔记本（.ipynb）",
        "failed_earlier": "此前一次生成失败",
        "failed_latest": "最近一次生成失败",
        "showing_previous": "显示的是上一版报告",
        "failed_notebook": "失败的笔记本",
        "none": "尚无报告。",
    },
}


def report_stem(name_en: str) -> str:
    """File name (without suffix) of a report: the English name, spaces → ``_``."""
    return re.sub(r"\s+", "_", name_en.strip())


def _asset(name: str) -> bytes:
    return resources.files("coop_analysis").joinpath("templates", name).read_bytes()


def install_assets(out: Path) -> Path:
    """Write ``<out>/assets/coop.css`` (atomically, only when it changed); returns its path."""
    dest = Path(out) / STYLESHEET
    css = _asset("coop.css")
    if not dest.is_file() or dest.read_bytes() != css:
        dest.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(dest, css)
    return dest


# --------------------------------------------------------------------------- rendering (in the workers)


def markdown_html(text: str) -> str:
    """Markdown to HTML without TeX: ``$`` stays a dollar sign; raw HTML is escaped."""
    return _keep_tokens_whole(str(_markdown()(text)))


_md: Any = None


def _markdown() -> Any:
    global _md
    if _md is None:
        import mistune

        _md = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    return _md


# Figures and dates that must not break across lines: 1.1万余人, 约3.5亿元, 2021年5月, 12 May 2021,
# US$600,000, 3.5 million, 2021-05-12. (Latin words and Chinese prose still wrap normally.)
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_TOKEN_RE = re.compile(
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日|[上中下]旬|底|初)?)?"
    rf"|(?:\d{{1,2}}\s)?{_MONTHS}\s\d{{4}}"
    r"|\d{4}[-–]\d{2}(?:[-–]\d{2})?"
    r"|(?:[约近超逾]|超过)?(?:US\$|HK\$|\$|¥|€|CNY\s|USD\s)?\d[\d,.]*(?:\s?[万亿千百]+)?[余多]?[万亿]?"
    r"(?:\s(?:thousand|million|billion|trillion)\b)?"
    r"(?:元|美元|港元|欧元|人次|人|项|家|个|名|批|期|场|亩|吨|%|％)?"
)


def _keep_tokens_whole(fragment: str) -> str:
    """Text nodes of ``fragment``: figures and dates that could break mid-token go in
    ``<span class="nw">``; fact ids (``F006``) become links to their quote (``#F006``)."""
    parts = re.split(r"(<[^>]*>)", fragment)
    skip = 0
    in_link = 0
    for i, part in enumerate(parts):
        if part.startswith("<"):
            tag = part[1:].split(None, 1)[0].lower().rstrip(">") if len(part) > 2 else ""
            if tag in ("pre", "code", "script", "style", "span"):
                skip += 1
            elif tag in ("/pre", "/code", "/script", "/style", "/span"):
                skip = max(0, skip - 1)
            elif tag == "a":
                in_link += 1
            elif tag == "/a":
                in_link = max(0, in_link - 1)
            continue
        if skip or not part:
            continue
        if not in_link:
            part = _FACT_RE.sub(r'<a class="fact" href="#\1">\1</a>', part)
        parts[i] = "".join(
            piece if piece.startswith("<") else _TOKEN_RE.sub(_wrap_token, piece)
            for piece in re.split(r"(<[^>]*>)", part)
        )
    return "".join(parts)


#: A fact id as the reports print it: F006 (also inside [F006] or （F006）).
_FACT_RE = re.compile(r"(?<![\w-])(F\d{2,4})(?![\w-])")
#: Column headers (en, zh) of the table holding each fact's quote: its rows are the link targets.
_QUOTE_HEADERS = {"quote", "原句"}
#: Columns that show the source's own Chinese on any page (quotes, figures as written).
_SOURCE_TEXT_HEADERS = {"quote", "原句", "as written", "原文数字"}
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def _wrap_token(match: re.Match[str]) -> str:
    token = match.group(0)
    breakable = bool(re.search(r"[\s\u3000-\u9fff%％–-]", token)) and len(token) > 1
    return f'<span class="nw">{token}</span>' if breakable else token


def table_html(fragment: str) -> str:
    """Make an HTML output readable on a phone: tables labelled cell by cell, figures kept whole.

    A table of three or more columns gets the class ``stack`` (one card per row
    below :data:`STACK_BELOW`, see ``coop.css``) and a class naming its column headers, with a
    ``<style>`` before it that labels each cell by its column on phones
    (``td:nth-child(n)::before``: one rule per column instead of the header
    repeated in every cell, which was a third of a long table's bytes); every
    table gets a ``<div class="table">`` around it. :func:`render_page` moves those
    styles into the page's head.
    """
    if "<table" not in fragment:
        return _keep_tokens_whole(fragment)
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    styles = []
    for table in soup.find_all("table"):
        header_row = table.find("thead")
        heads = [th.get_text(" ", strip=True) for th in header_row.find_all("th")] if header_row else []
        for tr in table.find_all("tr"):
            if tr.parent is header_row or tr.find_parent("thead") is not None:
                continue
            for i, td in enumerate(tr.find_all(["td", "th"], recursive=False)):
                if i < len(heads) and heads[i] in _SOURCE_TEXT_HEADERS and _CJK_RE.search(td.get_text()):
                    td["lang"] = "zh"  # the source's words, whatever the page's language
        if _QUOTE_HEADERS & set(heads):
            for tr in table.find_all("tr"):
                first = tr.find("td")
                fact_id = first.get_text(strip=True) if first is not None else ""
                if _FACT_RE.fullmatch(fact_id) and soup.find(id=fact_id) is None:
                    tr["id"] = fact_id
        table.attrs.pop("border", None)
        classes = [c for c in table.get("class", []) if c != "dataframe"]
        if len(heads) >= 3:
            name, css = _label_style(heads)
            classes += ["stack", name]
            styles.append(css)
            classes += [f"sc{i}" for i in _short_columns(table, heads)]  # rules in coop.css
        table["class"] = classes
        table.wrap(soup.new_tag("div", attrs={"class": "table"}))
    head = "".join(f'<style class="{LABEL_STYLE}">{css}</style>' for css in dict.fromkeys(styles))
    return head + _keep_tokens_whole(str(soup))


#: Below this width tables of three or more columns stack (one card per row; ``coop.css``): a
#: tablet's 768 px is too narrow for the key-figures table's ten columns.
STACK_BELOW = "56rem"
#: Class of the ``<style>`` elements holding a table's phone labels (moved into the page's head).
LABEL_STYLE = "coop-labels"
_LABEL_STYLE_RE = re.compile(rf'<style class="{LABEL_STYLE}">(.*?)</style>', re.S)


#: A column whose header and cells are all at most this wide (a CJK character counts 2) is kept on
#: one line on wide screens (class ``sc<n>`` on the table, rules in ``coop.css``): beside a long
#: text column, a browser otherwise gives a short column the width of one character, and Chinese
#: then breaks after every character (牵/头/省/份).
SHORT_COLUMN = 12
#: Columns 1 to this have an ``sc<n>`` rule in ``coop.css``.
SHORT_COLUMN_RULES = 12


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _short_columns(table: Any, heads: list[str]) -> list[int]:
    """1-based positions of the columns of ``table`` whose header and cells are all short."""
    widths = [_text_width(h) for h in heads]
    for tr in table.find_all("tr"):
        if tr.find_parent("thead") is not None:
            continue
        for i, td in enumerate(tr.find_all(["td", "th"], recursive=False)[: len(heads)]):
            widths[i] = max(widths[i], _text_width(td.get_text(" ", strip=True)))
    return [i for i, w in enumerate(widths, start=1) if w <= SHORT_COLUMN and i <= SHORT_COLUMN_RULES]


def _label_style(heads: list[str]) -> tuple[str, str]:
    """A class for a table with these column headers, and the CSS labelling its cells on phones."""
    import hashlib

    name = "cols-" + hashlib.sha256("\x1f".join(heads).encode("utf-8")).hexdigest()[:10]
    rules = "".join(
        f'.{name} td:nth-child({i})::before{{content:"{_css_string(head)}"}}'
        for i, head in enumerate(heads, start=1)
        if head
    )
    return name, f"@media (max-width:{STACK_BELOW}){{{rules}}}"


def _css_string(text: str) -> str:
    """``text`` inside a double-quoted CSS string, also safe inside ``<style>`` (no ``<``, no line breaks)."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return "".join(out)


def _styles_to_head(body: str) -> str:
    """The tables' label styles (see :func:`table_html`) moved from the body into one ``<style>`` in the head."""
    found = list(dict.fromkeys(_LABEL_STYLE_RE.findall(body)))
    if not found or "</head>" not in body:
        return body
    body = _LABEL_STYLE_RE.sub("", body)
    return body.replace("</head>", f"<style>{''.join(found)}</style>\n</head>", 1)


def _alt(output: Any, mime: str) -> str:
    """Alt text of an image output: ``metadata[mime]["alt"]`` (set by :class:`~coop_analysis.figures.Chart`)."""
    meta = (output.get("metadata") or {}).get(mime) or {}
    return str(meta.get("alt") or "")


def _src(output: Any, mime: str) -> str:
    """Where an image output is: its extracted file (relative to the page), else a data URI."""
    filenames = (output.get("metadata") or {}).get("filenames") or {}
    if mime in filenames:
        return quote(str(filenames[mime]).replace("\\", "/"))
    data = output["data"][mime]
    if mime == "image/svg+xml":
        import base64

        data = base64.b64encode(str(data).encode("utf-8")).decode("ascii")
    return f"data:{mime};base64,{data}"


def _size(output: Any, mime: str) -> str:
    meta = (output.get("metadata") or {}).get(mime) or {}
    attrs = ""
    for key in ("width", "height"):
        value = meta.get(key)
        if isinstance(value, int | float) and value > 0:
            attrs += f' {key}="{int(value)}"'
    return attrs


def make_exporter() -> Any:
    """An nbconvert exporter for report pages: the ``coop_page`` template, code and prompts hidden.

    Slow to make (~0.3 s): build it once per worker.
    """
    from nbconvert.exporters import HTMLExporter
    from nbconvert.preprocessors import ExtractOutputPreprocessor, TagRemovePreprocessor
    from traitlets.config import Config

    templates = Path(str(resources.files("coop_analysis").joinpath("templates")))
    exporter = HTMLExporter(
        config=Config({"NbConvertBase": {"display_data_priority": list(DISPLAY_PRIORITY)}}),
        template_name=TEMPLATE,
        extra_template_basedirs=[str(templates)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        optimistic_validation=True,  # the notebook validated once, after all preprocessors (not after each)
    )
    extract = ExtractOutputPreprocessor(
        extract_output_types=set(IMAGE_TYPES),
        output_filename_template="fig{cell_index}-{index}{extension}",
    )
    exporter.register_preprocessor(extract, enabled=True)
    # a notebook's own intro for JupyterLab readers (how to run it) is not part of the page
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={HIDE_TAG}), enabled=True)
    exporter.register_filter("coop_markdown", markdown_html)
    exporter.register_filter("coop_src", _src)
    exporter.register_filter("coop_html", table_html)
    exporter.register_filter("coop_alt", _alt)
    exporter.register_filter("coop_size", _size)
    return exporter


@dataclass(frozen=True)
class RenderedPage:
    """A report page as rendered by a worker: its HTML and its image files.

    ``files`` maps paths relative to the page's folder (``<stem>_files/fig3-0.png``)
    to their bytes.
    """

    html: str
    files: dict[str, bytes]


def _image_files(outputs: dict[str, Any], body: str) -> dict[str, bytes]:
    """The extracted images the page shows (an output holding a chart as PNG and WebP shows
    the WebP), as bytes: nbconvert's extractor writes a WebP as its base64 text."""
    import base64

    files = {}
    for path, data in outputs.items():
        name = str(path).replace("\\", "/")
        if f'src="{quote(name)}"' not in body:
            continue
        data = bytes(data)
        if name.endswith(".webp") and not data.startswith(b"RIFF"):
            data = base64.b64decode(data, validate=True)
        files[name] = data
    return files


def render_page(nb: Any, title: str, exporter: Any, *, lang: str = "en", stem: str = "page") -> RenderedPage:
    """The HTML page of an executed report notebook, its slots still empty (see :func:`finish_site`).

    ``exporter`` comes from :func:`make_exporter` (once per worker). Images are
    taken out of the page into ``<stem>_files/`` (no base64 in the HTML, cached
    by browsers, loaded lazily). ``nb`` is changed in place (its headline
    outputs are dropped).
    """
    strip_headlines(nb)
    page = {"lang": lang, "title": title, "root": "../"}
    res = {"metadata": {"name": title}, "page": page, "unique_key": stem, "output_files_dir": f"{stem}_files"}
    body, resources_out = exporter.from_notebook_node(nb, resources=res)
    body = _styles_to_head(str(body))
    return RenderedPage(str(body), _image_files(resources_out.get("outputs") or {}, str(body)))


def facts_csv(name: str) -> bytes:
    """The facts a report shows, as CSV bytes (UTF-8 with BOM, so Excel reads the Chinese).

    ``name`` is an English province name or ``"overview"`` (every fact). Columns
    are those of ``load_facts()`` (see the data dictionary) plus the source's
    title, publisher and date.
    """
    from coop_analysis.datasets import load_facts, load_sources
    from coop_analysis.profiles import facts_of
    from coop_analysis.regions import resolve_province

    # the facts of region_profile(name), without working out the rest of the profile (0.05–0.1 s a report)
    facts = load_facts() if name == OVERVIEW else facts_of(str(resolve_province(name)["name_en"]), load_facts())
    sources = load_sources()[["doc_id", "title", "publisher", "published", "date_is_estimate"]]
    sources = sources.rename(
        columns={
            "title": "source_title",
            "publisher": "source_publisher",
            "published": "source_date",
            "date_is_estimate": "source_date_is_estimate",
        }
    )
    table = facts.merge(sources, on="doc_id", how="left", validate="many_to_one")
    return "\ufeff".encode() + table.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


# --------------------------------------------------------------------------- the site (after a build)


@dataclass(frozen=True)
class _Report:
    lang: str
    stem: str
    name: str  # English province name or "overview"
    group: str  # "national" or a macro-region


def _catalogue() -> tuple[dict[str, str], dict[str, tuple[int, int]], dict[str, dict[str, str]]]:
    """stem → name, name → sort key (group, position), lang → {name: label}."""
    from coop_analysis.datasets import load_provinces
    from coop_analysis.regions import province_names

    prov = load_provinces()
    stems = {report_stem(OVERVIEW): OVERVIEW}
    keys = {OVERVIEW: (-1, -1)}
    for i, (name, macro) in enumerate(zip(prov["name_en"], prov["macro_region"], strict=True)):
        stems[report_stem(str(name))] = str(name)
        keys[str(name)] = (_MACRO_ORDER.index(str(macro)), i)
    labels = {lang: province_names(lang) | {OVERVIEW: UI[lang]["overview"]} for lang in LANGS}
    return stems, keys, labels


def _pages(out: Path) -> dict[str, list[_Report]]:
    """Reports with a page under ``out``, per language, in index order."""
    stems, keys, _ = _catalogue()
    found: dict[str, list[_Report]] = {}
    for lang in LANGS:
        lang_dir = out / lang
        names = []
        for page in sorted(lang_dir.glob("*.html")) if lang_dir.is_dir() else []:
            if page.name.startswith(".") or page.stem not in stems:
                continue
            names.append(stems[page.stem])
        names.sort(key=lambda n: keys[n])
        found[lang] = [
            _Report(lang, report_stem(n), n, "national" if n == OVERVIEW else _MACRO_ORDER[keys[n][0]]) for n in names
        ]
    return found


def _nav(report: _Report, pages: dict[str, list[_Report]], labels: dict[str, dict[str, str]]) -> str:
    esc = html.escape
    ui = UI[report.lang]
    items = [f'<a href="../index.html">{esc(ui["index"])}</a>']
    for other in LANGS:
        if other != report.lang and any(r.stem == report.stem for r in pages.get(other, [])):
            href = esc(quote(f"../{other}/{report.stem}.html"))
            items.append(f'<a href="{href}" lang="{other}" hreflang="{other}">{esc(UI[other]["language"])}</a>')
    items.append('<span class="spacer"></span>')
    same = pages[report.lang]
    at = next(i for i, r in enumerate(same) if r.stem == report.stem)
    if at > 0:
        prev = same[at - 1]
        items.append(
            f'<a rel="prev" href="{esc(quote(prev.stem))}.html" title="{esc(ui["prev"])}">'
            f"← {esc(labels[report.lang].get(prev.name, prev.name))}</a>"
        )
    if at + 1 < len(same):
        nxt = same[at + 1]
        items.append(
            f'<a rel="next" href="{esc(quote(nxt.stem))}.html" title="{esc(ui["next"])}">'
            f"{esc(labels[report.lang].get(nxt.name, nxt.name))} →</a>"
        )
    return f'<nav class="site" aria-label="{esc(ui["nav"])}">' + "".join(items) + "</nav>"


def _downloads(report: _Report, lang_dir: Path) -> str:
    esc = html.escape
    ui = UI[report.lang]
    links = []
    if (lang_dir / f"{report.stem}.facts.csv").is_file():
        links.append(f'<a href="{esc(quote(report.stem))}.facts.csv" download>{esc(ui["csv"])}</a>')
    if (lang_dir / f"{report.stem}.ipynb").is_file():
        links.append(f'<a href="{esc(quote(report.stem))}.ipynb">{esc(ui["notebook"])}</a>')
    if not links:
        return ""
    return f'<p class="downloads">{esc(ui["download"])}: ' + " ".join(links) + "</p>"


_SLOT_RE = {slot: re.compile(rf"<!--coop:{slot}-->.*?<!--/coop:{slot}-->", re.S) for slot in ("nav", "foot", "font")}


def _fill(page: str, slot: str, content: str) -> str:
    return _SLOT_RE[slot].sub(lambda _: f"<!--coop:{slot}-->{content}<!--/coop:{slot}-->", page, count=1)


def _font_slot(font_url: str | None) -> str:
    css = font_face_css(font_url)
    return f"<style>{css}</style>" if css else ""


def finish_site(out: Path, failures: dict[str, dict[str, str]] | None = None) -> Path:
    """Fill every page's navigation, downloads and font under ``out``, then write the index.

    Pages without slots (written by an older version) are left as they are.
    Each page with Chinese characters gets its own WOFF2 subset under
    ``assets/fonts/``; subsets no page uses any more are removed.

    Returns:
        The path of ``index.html``.
    """
    out = Path(out)
    install_assets(out)
    _, _, labels = _catalogue()
    pages = _pages(out)
    texts: dict[Path, str] = {}
    for lang, reports in pages.items():
        for report in reports:
            path = out / lang / f"{report.stem}.html"
            text = path.read_text(encoding="utf-8")
            if "<!--coop:nav-->" not in text:
                log.warning("%s: a page from an older version (no navigation slots); rebuild it", path)
                continue
            nav = _nav(report, pages, labels)
            text = _fill(text, "nav", nav)
            built = _built_from(out / lang / f"{report.stem}.ipynb", lang)
            text = _fill(text, "foot", f'<footer class="site">{_downloads(report, out / lang)}{nav}{built}</footer>')
            texts[path] = text
            _drop_unused_files(path, text)
    index_text = _index_html(out, pages, labels, failures or {})
    texts[out / "index.html"] = index_text

    wanted = {path: cjk_chars(_SLOT_RE["font"].sub("", text)) for path, text in texts.items()}
    subsetter = Subsetter(set().union(*wanted.values()), cache=font_cache_dir())
    fonts_dir = out / FONT_DIR
    kept: set[Path] = set()
    for path, text in texts.items():
        chars = wanted[path]
        font_url = None
        if chars:
            rel = "index" if path.parent == out else f"{path.parent.name}-{path.stem}"
            font_file = fonts_dir / f"{rel}.woff2"
            data = subsetter.font(chars)
            if not font_file.is_file() or font_file.read_bytes() != data:
                font_file.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(font_file, data)
            kept.add(font_file)
            font_url = ("" if path.parent == out else "../") + f"{FONT_DIR}/{rel}.woff2"
        text = _fill(text, "font", _font_slot(font_url))
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            atomic_write(path, text)
    for stale in fonts_dir.glob("*.woff2") if fonts_dir.is_dir() else []:
        if stale not in kept:
            stale.unlink()
    return out / "index.html"


def _built_from(ipynb: Path, lang: str) -> str:
    """The footer line naming the data and code versions the page was built from (see manifest.json)."""
    from coop_analysis.manifest import footer_text

    text = footer_text(_read_record(ipynb).get("build"), lang)
    return f'<p class="built-from">{html.escape(text)}</p>' if text else ""


def _drop_unused_files(page: Path, text: str) -> None:
    """Remove files of ``<stem>_files/`` that the page no longer shows (a chart dropped since)."""
    folder = page.parent / f"{page.stem}_files"
    if not folder.is_dir():
        return
    used = set(re.findall(rf'src="{re.escape(quote(folder.name))}/([^"/]+)"', text))
    for file in folder.iterdir():
        if file.is_file() and quote(file.name) not in used:
            file.unlink()


def write_index(out: Path, failures: dict[str, dict[str, str]] | None = None) -> Path:
    """Write ``<out>/index.html`` (and every page's navigation): the same as :func:`finish_site`."""
    return finish_site(out, failures)


# --------------------------------------------------------------------------- the index


def _read_record(ipynb: Path) -> dict[str, Any]:
    try:
        with open(ipynb, encoding="utf-8") as fh:
            meta = json.load(fh).get("metadata", {})
    except (OSError, ValueError):
        return {}
    return dict(meta.get("coop_analysis") or {})


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _counts(record: dict[str, Any], lang: str) -> str:
    n_facts, n_init = record.get("n_facts"), record.get("n_initiatives")
    parts = []
    if isinstance(n_facts, int):
        parts.append(f"{n_facts} 项数据" if lang == "zh" else _plural(n_facts, "fact", "facts"))
    if isinstance(n_init, int):
        parts.append(f"{n_init} 个合作项目" if lang == "zh" else _plural(n_init, "initiative", "initiatives"))
    return " · ".join(parts)


def _index_item(out: Path, report: _Report | None, name: str, lang: str, label: str, error: str | None) -> str:
    esc = html.escape
    ui = UI[lang]
    stem = report_stem(name)
    failed_nb = esc(quote(f"{lang}/{stem}.failed.ipynb"))
    if report is None:
        head = f'<span class="name">{esc(label)}</span>'
        record: dict[str, Any] = {}
    else:
        head = f'<a class="name" href="{esc(quote(f"{lang}/{stem}.html"))}">{esc(label)}</a>'
        record = _read_record(out / lang / f"{stem}.ipynb")
    lines = [head]
    if record.get("headline"):
        lines.append(f'<span class="headline">{esc(str(record["headline"]))}</span>')
    meta = _counts(record, lang)
    links = []
    if report is not None and (out / lang / f"{stem}.facts.csv").is_file():
        links.append(f'<a href="{esc(quote(f"{lang}/{stem}.facts.csv"))}" download>{esc(ui["csv"])}</a>')
    if report is not None and (out / lang / f"{stem}.ipynb").is_file():
        links.append(f'<a href="{esc(quote(f"{lang}/{stem}.ipynb"))}">{esc(ui["notebook"])}</a>')
    if meta or links:
        lines.append('<span class="meta">' + " · ".join([esc(meta)] * bool(meta) + links) + "</span>")
    failed_copy = (out / lang / f"{stem}.failed.ipynb").is_file()
    if error:
        sep = "；" if lang == "zh" else "; "
        note = ui["failed_latest"] + (sep + ui["showing_previous"] if report is not None else "")
        link = f' (<a href="{failed_nb}">{esc(ui["failed_notebook"])}</a>)' if failed_copy else ""
        lines.append(f'<span class="failed">{esc(note)}: {esc(error)}{link}</span>')
    elif failed_copy:
        lines.append(
            f'<span class="failed">{esc(ui["failed_earlier"])} (<a href="{failed_nb}">{esc(ui["failed_notebook"])}</a>)'
            "</span>"
        )
    return "<li>" + "".join(lines) + "</li>"


def _index_html(
    out: Path, pages: dict[str, list[_Report]], labels: dict[str, dict[str, str]], failures: dict[str, dict[str, str]]
) -> str:
    stems, keys, _ = _catalogue()
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(UI['en']['index_title'])} · {esc(UI['zh']['index_title'])}</title>",
        f'<link rel="stylesheet" href="{STYLESHEET}">',
        "<!--coop:font--><!--/coop:font-->",
        "</head><body><main>",
        f'<h1>{esc(UI["en"]["index_title"])} <span lang="zh">· {esc(UI["zh"]["index_title"])}</span></h1>',
    ]
    any_lang = False
    for lang in LANGS:
        present = {r.name: r for r in pages.get(lang, [])}
        lang_dir = out / lang
        earlier = {
            stems.get(p.name.removesuffix(".failed.ipynb"), p.name.removesuffix(".failed.ipynb"))
            for p in (lang_dir.glob("*.failed.ipynb") if lang_dir.is_dir() else [])
        }
        names = set(present) | set(failures.get(lang, {})) | earlier
        if not names:
            continue
        any_lang = True
        ui = UI[lang]
        parts.append(f'<section lang="{lang}"><h2>{esc(ui["language"])}</h2>')
        ordered = sorted(names, key=lambda n: (keys.get(n, (len(_MACRO_ORDER), 0)), n))
        group = None
        for name in ordered:
            key = keys.get(name, (len(_MACRO_ORDER), 0))[0]
            this = "national" if key < 0 else (_MACRO_ORDER[key] if key < len(_MACRO_ORDER) else "other")
            if this != group:
                if group is not None:
                    parts.append("</ul>")
                parts.append(f'<h3>{esc(ui.get(this, this))}</h3><ul class="reports">')
                group = this
            label = labels[lang].get(name, name)
            parts.append(_index_item(out, present.get(name), name, lang, label, failures.get(lang, {}).get(name)))
        parts.append("</ul></section>")
    if not any_lang:
        parts.append(f"<p>{esc(UI['en']['none'])}</p>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def iter_pages(out: Path) -> Iterable[Path]:
    """Every report page and the index under ``out`` (for checks and benchmarks)."""
    out = Path(out)
    if (out / "index.html").is_file():
        yield out / "index.html"
    for reports in _pages(out).values():
        for report in reports:
            yield out / report.lang / f"{report.stem}.html"
