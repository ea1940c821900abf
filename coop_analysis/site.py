"""The site around the pages: navigation, downloads, font subsets and ``index.html``.

What a finished output folder holds::

    <out>/index.html                 every report present, by language and macro-region
    <out>/assets/coop.css            the stylesheet shared by pages and index
    <out>/assets/fonts/*.woff2       a subset of the CJK font for each page (and the index) showing Chinese
    <out>/<lang>/<Region>.html       a report page (:mod:`coop_analysis.pages`), and beside it
                                     its ``_files/`` charts, ``.ipynb`` and ``.facts.csv``
    <out>/<lang>/overview.html       the national overview, with the same companions

Workers write pages whose ``<!--coop:…-->`` slots are still empty. When the
build is over, :func:`finish_site` looks at what is actually there and fills
each page's slots: a bar linking the index, the same report in the other
language and the previous and next report; the download links; and the
``@font-face`` of the page's own font subset. Then it writes the index. Links
therefore lead only to pages that exist, however few reports or languages
were built; font subsets and chart files no page shows any more are deleted.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from coop_analysis.fileio import atomic_write
from coop_analysis.pages import OVERVIEW, STYLESHEET, install_assets, report_stem
from coop_analysis.paths import font_cache_dir
from coop_analysis.webfont import Subsetter, cjk_chars, font_face_css
from coop_analysis.wording import LANGS

__all__ = ["finish_site", "iter_pages", "write_index"]

log = logging.getLogger(__name__)

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
