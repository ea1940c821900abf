"""Coverage audit of curated sources: what the extractor finds and how each find is explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_analysis.datasets import load_facts, load_sources, load_waivers, source_text
from coop_analysis.validate import coverage

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["audit_table", "coverage_summary", "curated_sources"]


def curated_sources() -> list[str]:
    """doc_ids of the sources that have curated facts."""
    facts = load_facts()
    return [d for d in load_sources()["doc_id"] if d in set(facts["doc_id"])]


def audit_table(doc_id: str) -> pd.DataFrame:
    """Every extracted mention of a source with its section, status (fact, waived, gap …) and reference."""
    from coop_analysis.text import split_sections

    cov = coverage(doc_id, load_facts(), load_waivers())
    sections = split_sections(source_text(doc_id))

    def section_of(pos: int) -> str:
        return next((s.heading for s in sections if s.start <= pos <= s.end), "") if pos >= 0 else ""

    cov.insert(3, "section", [section_of(int(p)) for p in cov["start"]])
    return cov


def coverage_summary() -> pd.DataFrame:
    """One row per source: mentions found, facts, waived, gaps, missed facts, stale waivers, coverage share."""
    import pandas as pd

    rows = []
    sources = load_sources().set_index("doc_id")
    curated = set(curated_sources())
    for doc_id in sources.index:
        if doc_id not in curated:
            rows.append((doc_id, sources.at[doc_id, "title"], 0, 0, 0, 0, 0, 0, float("nan")))
            continue
        st = audit_table(doc_id)["status"].value_counts()
        found = int(st.get("fact", 0) + st.get("waived", 0) + st.get("gap", 0))
        explained = int(st.get("fact", 0) + st.get("waived", 0))
        rows.append((doc_id, sources.at[doc_id, "title"], found, int(st.get("fact", 0)), int(st.get("waived", 0)),
                     int(st.get("gap", 0)), int(st.get("missed", 0)), int(st.get("stale", 0)),
                     explained / found if found else 1.0))  # fmt: skip
    columns = ["doc_id", "title", "mentions", "facts", "waived", "gaps", "missed", "stale", "coverage"]
    return pd.DataFrame(rows, columns=columns)
