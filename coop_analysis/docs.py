"""The README's data dictionary, generated from the schemas and the metric vocabulary.

``python -m coop_analysis.docs`` prints it; tests/test_docs.py checks that the
README holds the current version between its ``<!-- data-dictionary -->`` markers.
"""

from __future__ import annotations

from coop_analysis.markup import md_escape
from coop_analysis.schemas import TABLES, VOCABULARIES

__all__ = ["data_dictionary_markdown"]

BEGIN, END = "<!-- data-dictionary:begin -->", "<!-- data-dictionary:end -->"

_UNITS = [
    ("CNY, USD, EUR, HKD, JPY, GBP", "money, ISO 4217 (元/人民币 → CNY, 美元 → USD …); value in units, not 万 or 亿"),
    ("percent", "a share in percent (20 means 20%)"),
    ("pp", "percentage points (个百分点)"),
    ("bp", "basis points (基点)"),
    (
        "项 家 名 人 人次 个 批 期 场 …",
        "the Chinese measure word as written (projects, firms/institutions, people, batches …)",
    ),
]


def data_dictionary_markdown() -> str:
    """Markdown of every table and column, every vocabulary, unit and metric."""
    from coop_analysis.datasets import load_metrics

    out = [BEGIN, ""]
    for spec in TABLES.values():
        out += [f"#### `{spec.folder}/{spec.filename}` — {spec.description}", ""]
        out += ["| column | dtype | meaning |", "|---|---|---|"]
        for col, c in spec.columns.items():
            notes = []
            if c.nullable:
                notes.append("may be empty")
            if c.unique:
                notes.append("unique")
            if c.is_list:
                notes.append("list, items separated by `\\|`")
            if c.vocabulary:
                notes.append(f"vocabulary `{c.vocabulary}`")
            extra = f" ({'; '.join(notes)})" if notes else ""
            out.append(f"| `{col}` | {c.dtype} | {md_escape(c.description)}{extra} |")
        out.append("")
    out += ["#### Vocabularies", "", "| vocabulary | values |", "|---|---|"]
    out += [f"| `{name}` | {', '.join(f'`{v}`' for v in values)} |" for name, values in VOCABULARIES.items()]
    out += ["", "#### Units (`facts.unit`)", "", "| unit | meaning |", "|---|---|"]
    out += [f"| {u} | {m} |" for u, m in _UNITS]
    out += [
        "",
        "#### Metrics (`facts.metric`, from `curated/metrics.csv`)",
        "",
        "| metric | kind | rank | meaning | 含义 |",
        "|---|---|---|---|---|",
    ]
    for row in load_metrics().sort_values("rank").itertuples(index=False):
        out.append(
            f"| `{row.metric}` | {row.kind} | {row.rank} | {md_escape(row.description_en)} "
            f"| {md_escape(row.description_zh)} |"
        )
    out += ["", END]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(data_dictionary_markdown())
