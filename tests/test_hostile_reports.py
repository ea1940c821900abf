"""Hostile-input catalogue, report text: markup in any free-text cell of the data never reaches a
page as markup. ``validate`` refuses such data; this proves the second line of defence, the
escaping (coop_analysis.markup) where narrative, profiles and tables build Markdown and HTML.

The data is a copy with hostile text appended to every free-text column of every table and to
the source titles, loaded with validation switched off (as a forged cache would be). Each
report notebook's code cells then run in this process as a kernel would run them (charts
skipped: they are images), and every Markdown and HTML output is rendered the way report pages
render it (nbconvert's Markdown renderer) and searched for markup that is not the package's own.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from coop_analysis.datasets import table_path
from coop_analysis.schemas import FOREIGN_KEYS, TABLES

from .conftest import PROJECT

HOSTILE = (
    " <script>alert(1)</script> ![x](javascript:alert(2)) [y](javascript:alert(3)) </td></tr></table><b>b</b>"
    " <img src=x onerror=alert(4)> *em* | $x$"
)
#: Markup only hostile data could have put there.
INJECTED = re.compile(r"<script|<img|<b>|</table><|href=\"?javascript:|src=\"?javascript:|<em>em</em>", re.I)


def _free_text_columns() -> dict[str, list[str]]:
    """Per table, the string columns that are text for readers: not keys, ids, vocabularies, dates or lists."""
    linked = {(f.table, f.column) for f in FOREIGN_KEYS} | {(f.target, f.target_column) for f in FOREIGN_KEYS}
    linked |= {
        ("participants", "participant"),
        ("facts", "counterpart"),
        ("facts", "subject"),
    }  # references to one of several tables
    out = {}
    for name, spec in TABLES.items():
        if name == "places":  # the gazetteer's names are lookup keys
            continue
        out[name] = [c for c, col in spec.columns.items() if col.dtype == "string" and not (
            col.unique or col.vocabulary or col.pattern or col.is_date or col.is_list or (name, c) in linked
            or c == spec.key)]  # fmt: skip
    return out


@pytest.fixture
def hostile_data(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, columns in _free_text_columns().items():
        path = table_path(name)
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if not rows or not columns:
            continue
        for row in rows:
            for c in columns:
                if row[c]:
                    row[c] += HOSTILE
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    for meta in (project_copy / "data" / "raw").glob("*.meta.yaml"):
        text = meta.read_text(encoding="utf-8")
        meta.write_text(re.sub(r"^title: (.*)$", lambda m: f"title: {json.dumps(m.group(1) + HOSTILE)}", text,
                               count=1, flags=re.M), encoding="utf-8")  # fmt: skip
    monkeypatch.setattr("coop_analysis.datasets._schema_problems", lambda *a, **k: [])
    monkeypatch.setattr("coop_analysis.datasets.find_markup", lambda text: None)
    return project_copy


def _outputs(notebook: str, parameters: dict[str, Any]) -> list[tuple[str, str]]:
    """Run a notebook's code cells here (charts skipped); every displayed value as (kind, text)."""
    from IPython.display import HTML, Markdown

    shown: list[Any] = []
    namespace: dict[str, Any] = {"display": lambda *objs: shown.extend(objs)}
    nb = json.loads((PROJECT / "notebooks" / notebook).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "figures." in source:
            continue  # images, no markup
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
        lines = source.rstrip().splitlines()
        last = lines[-1] if lines else ""
        if last and not last.startswith((" ", "\t", "#")) and not re.match(r"\w+\s*=|for |if |import |from ", last):
            exec("\n".join(lines[:-1]), namespace)
            shown.append(eval(last, namespace))
        else:
            exec(source, namespace)
    out = []
    for obj in shown:
        if isinstance(obj, Markdown):
            out.append(("markdown", markdown2html_mistune(obj.data)))
        elif isinstance(obj, HTML):
            out.append(("html", obj.data))
        elif hasattr(obj, "_repr_html_"):
            out.append(("html", obj._repr_html_() or ""))
        elif hasattr(obj, "_repr_markdown_"):
            out.append(("markdown", markdown2html_mistune(obj._repr_markdown_() or "")))
    return out


def _check(outputs: list[tuple[str, str]]) -> None:
    for kind, page in outputs:
        bad = INJECTED.search(page)
        assert bad is None, f"{kind} output carries injected markup {bad.group()!r}:\n{page[:2000]}"
        assert page.count("<td") == page.count("</td>"), f"an injected </td> closed a cell:\n{page[:2000]}"


def _regions() -> list[str]:
    from coop_analysis.profiles import provinces_with_records

    return [*provinces_with_records(), "Jilin"]  # every region with records, and one without


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_region_reports_escape_hostile_data(hostile_data: Path, lang: str) -> None:
    seen = 0
    for region in _regions():
        outputs = _outputs("region_report.ipynb", {"region": region, "lang": lang})
        _check(outputs)
        seen += sum("&lt;script&gt;" in html.unescape(page) or "&lt;script" in page for _, page in outputs)
    assert seen > 0, "the hostile text never reached a page: the test proves nothing"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_escapes_hostile_data(hostile_data: Path, lang: str) -> None:
    _check(_outputs("overview.ipynb", {"lang": lang}))


def test_source_audit_escapes_hostile_data(hostile_data: Path) -> None:
    outputs = _outputs("source_audit.ipynb", {"doc_id": ""})
    _check(outputs)
    assert any("&lt;script" in page for _, page in outputs)
