"""One report page: an executed notebook rendered as offline HTML, with its facts as CSV.

The files of one report, under ``<out>/<lang>/``::

    <Region>.html        the page: code hidden, no scripts, no request to another host
    <Region>_files/      the images it shows (charts as WebP)
    <Region>.ipynb       the executed notebook
    <Region>.facts.csv   the facts the report shows (UTF-8 with BOM, opens in Excel)

``<Region>`` is the English province name with spaces replaced by ``_``
(``Inner_Mongolia``, see :func:`report_stem`); the national overview is
``overview``. Pages and index share one stylesheet, ``<out>/assets/coop.css``
(:func:`install_assets`).

A worker renders each notebook with the ``coop_page`` nbconvert template
(:func:`make_exporter`, :func:`render_page`). Prose and HTML outputs pass
through :func:`markdown_html` and :func:`table_html`, which keep figures and
dates on one line, link fact ids to their quote and label table cells for
phones. The page leaves empty ``<!--coop:…-->`` slots for navigation,
downloads and its font: :mod:`coop_analysis.site` fills them once every page
of a build is there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from coop_analysis.fileio import atomic_write
from coop_analysis.headlines import strip_headlines

__all__ = [
    "OVERVIEW",
    "RenderedPage",
    "facts_csv",
    "install_assets",
    "make_exporter",
    "render_page",
    "report_stem",
]

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
