"""What readers open: HTML pages of executed report notebooks, their fonts, and ``index.html``.

Layout of an output folder::

    <out>/index.html              every report present, with its headline figures
    <out>/assets/                 the CJK font the pages fall back on
    <out>/<lang>/<Region>.html    code hidden (no input cells, no prompts)
    <out>/<lang>/<Region>.ipynb   the executed notebook
    <out>/<lang>/overview.html, overview.ipynb

``<Region>`` is the English province name with spaces replaced by ``_``
(``Inner_Mongolia``), see :func:`report_stem`.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from coop_analysis.fileio import atomic_write
from coop_analysis.headlines import strip_headlines
from coop_analysis.narrative import LANGS

__all__ = [
    "CJK_FACE",
    "OVERVIEW",
    "PAGE_FONTS",
    "font_css",
    "install_font",
    "render_page",
    "report_stem",
    "write_index",
]

#: Name of the national overview among the reports (regions use their English name).
OVERVIEW = "overview"


def report_stem(name_en: str) -> str:
    """File name (without suffix) of a report: the English name, spaces → ``_``."""
    return re.sub(r"\s+", "_", name_en.strip())


FONT_ASSET = "assets/NotoSansSC-Regular.otf"


#: Family name of the pages' CJK face: a reader's installed CJK font if it has one of
#: these names, else the shipped copy.
CJK_FACE = "coop-analysis CJK"
_LOCAL_CJK = ("Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei")
#: CJK punctuation and ideographs, full-width forms: the characters the CJK face serves.
_CJK_RANGES = "U+2E80-2FDF,U+3000-303F,U+31C0-31EF,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF"
#: Font stack of every page: the CJK face first (it serves only _CJK_RANGES), then Latin fonts.
PAGE_FONTS = f'"{CJK_FACE}", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


def font_css(prefix: str) -> str:
    """CSS that gives pages a CJK font on every machine (no missing-glyph boxes).

    Chinese characters come from a face limited to the CJK ranges: the reader's
    own Noto Sans SC, Source Han Sans, PingFang or YaHei if installed, else the
    copy in ``<out>/assets/``; Latin text keeps the reader's system fonts. The face
    is first in the stack on purpose: with the shipped font as a late fallback,
    Chromium (seen with 156) drew boxes for some Chinese text runs even after the
    font had loaded. ``prefix`` leads from the page to the output folder.
    """
    local = ",".join(f'local("{name}")' for name in _LOCAL_CJK)
    stack = PAGE_FONTS
    return (
        f'@font-face{{font-family:"{CJK_FACE}";src:{local},url("{prefix}{FONT_ASSET}") format("opentype");'
        f"unicode-range:{_CJK_RANGES};}}"
        f":root{{--jp-content-font-family:{stack};--jp-ui-font-family:{stack};--jp-content-heading-font-family:{stack};}}"
        f"body,h1,h2,h3,h4,h5,h6{{font-family:{stack};}}"
        f'code,pre,kbd{{font-family:"{CJK_FACE}",var(--jp-code-font-family,monospace),monospace;}}'
    )


def install_font(out: Path) -> Path:
    """Copy the CJK font into ``<out>/assets/`` once (atomically), for the pages' CSS."""
    from coop_analysis.plots import cjk_font_path

    src = cjk_font_path()
    dest = Path(out) / FONT_ASSET
    if not dest.exists() or dest.stat().st_size != src.stat().st_size:
        dest.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(dest, src.read_bytes())
    return dest


def render_page(nb: Any, title: str, exporter: Any) -> str:
    """The HTML page of an executed report notebook (headline outputs removed, fonts added).

    ``exporter`` is an nbconvert ``HTMLExporter`` (built once per worker: it is slow to make).
    ``nb`` is changed in place (its headline outputs are dropped).
    """
    strip_headlines(nb)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body.replace("</head>", f"<style>{font_css('../')}</style></head>", 1)


_LANG_TITLES = {"en": "English", "zh": "中文"}
_CSS = """
body{max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}th,td{text-align:left;padding:.35rem .6rem;
border-bottom:1px solid #ddd;vertical-align:top}th{background:#f4f4f4}td.n{text-align:right}
.failed{color:#a00}.muted{color:#777;font-size:.9em}
"""


def _read_report(ipynb: Path) -> dict[str, Any] | None:
    try:
        with open(ipynb, encoding="utf-8") as fh:
            meta = json.load(fh).get("metadata", {})
    except (OSError, ValueError):
        return None
    record = dict(meta.get("coop_analysis") or {})
    record["generated"] = (meta.get("papermill") or {}).get("end_time")
    return record


def write_index(out: Path, failures: dict[str, dict[str, str]] | None = None) -> Path:
    """Write ``<out>/index.html`` linking every report found under ``out`` (each language folder).

    Rows come from the executed notebooks' ``metadata["coop_analysis"]``;
    ``failures`` (``{lang: {name: error}}``, from the latest run) are shown too.
    """
    from coop_analysis.datasets import load_provinces
    from coop_analysis.regions import province_names

    out = Path(out)
    failures = failures or {}
    order = {OVERVIEW: -1} | {str(n): i for i, n in enumerate(load_provinces()["name_en"])}
    stem_to_name = {report_stem(n): n for n in order}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>East–West S&amp;T cooperation: reports</title>",
        f"<style>{font_css('')}{_CSS}</style></head><body>",
        "<h1>East–West science and technology cooperation: reports</h1>",
        f'<p class="muted">Index written {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}.</p>',
    ]
    langs = [lang for lang in LANGS if (out / lang).is_dir() or failures.get(lang)]
    for lang in langs:
        rows: dict[str, dict[str, Any]] = {}
        lang_dir = out / lang
        for ipynb in sorted(lang_dir.glob("*.ipynb")) if lang_dir.is_dir() else []:
            if ipynb.name.startswith(".") or ipynb.name.endswith(".failed.ipynb"):
                continue
            if not ipynb.with_suffix(".html").is_file():
                continue
            record = _read_report(ipynb)
            if record is None:
                continue
            name = stem_to_name.get(ipynb.stem, str(record.get("region") or ipynb.stem))
            rows[name] = record | {"stem": ipynb.stem}
        for failed in sorted(lang_dir.glob("*.failed.ipynb")) if lang_dir.is_dir() else []:
            stem = failed.name.removesuffix(".failed.ipynb")
            name = stem_to_name.get(stem, stem)
            rows.setdefault(name, {"stem": None})["failed_earlier"] = True
        for name in failures.get(lang, {}):
            row = rows.setdefault(name, {"stem": None})
            row["failed_copy"] = (lang_dir / f"{report_stem(name)}.failed.ipynb").is_file()
        if not rows:
            continue
        labels = province_names(lang) | {OVERVIEW: "全国概览" if lang == "zh" else "Overview"}
        parts.append(f'<h2 lang="{lang}">{_LANG_TITLES[lang]}</h2>')
        parts.append(
            "<table><thead><tr><th>Report</th><th>Headline</th><th>Facts</th><th>Initiatives</th>"
            "<th>Notebook</th><th>Generated</th></tr></thead><tbody>"
        )
        for name in sorted(rows, key=lambda n: (order.get(n, len(order)), n)):
            label = labels.get(name, name)
            parts.append(_index_row(lang, name, label, rows[name], failures.get(lang, {}).get(name)))
        parts.append("</tbody></table>")
    if not langs:
        parts.append("<p>No reports yet: run <code>coop-analysis reports</code>.</p>")
    parts.append("</body></html>\n")
    return atomic_write(out / "index.html", "\n".join(parts))


def _index_row(lang: str, name: str, label: str, row: dict[str, Any], error: str | None) -> str:
    esc = html.escape
    stem = row.get("stem")
    if stem:
        cell = f'<a href="{esc(quote(f"{lang}/{stem}.html"))}">{esc(label)}</a>'
        nb = f'<a href="{esc(quote(f"{lang}/{stem}.ipynb"))}">.ipynb</a>'
    else:
        cell, nb = esc(label), ""
    headline = esc(str(row.get("headline") or "")) if stem else ""
    if not error and row.get("failed_earlier"):
        failed_nb = quote(f"{lang}/{report_stem(name)}.failed.ipynb")
        headline += f'<div class="failed">an earlier run failed (<a href="{esc(failed_nb)}">failed notebook</a>)</div>'
    if error:
        failed_nb = quote(f"{lang}/{report_stem(name)}.failed.ipynb")
        note = "latest run failed" + ("; showing the previous report" if stem else "")
        link = f' (<a href="{esc(failed_nb)}">failed notebook</a>)' if row.get("failed_copy") else ""
        headline += f'<div class="failed">{esc(note)}: {esc(error)}{link}</div>'

    def num(key: str) -> str:
        value = row.get(key)
        return "" if value is None or not stem else esc(str(value))

    generated = esc(str(row.get("generated") or "")[:16].replace("T", " ")) if stem else ""
    return (
        f'<tr><td lang="{lang}">{cell}</td><td lang="{lang}">{headline}</td><td class="n">{num("n_facts")}</td>'
        f'<td class="n">{num("n_initiatives")}</td><td>{nb}</td><td class="muted">{generated}</td></tr>'
    )
