"""Coverage audit: every quantity the extractor finds in a curated source is explained."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coop_analysis import audit, clear_cache
from coop_analysis.datasets import load_facts, load_sources, load_waivers, source_text
from tests.conftest import SEED_ID

STATUSES = {"fact", "waived", "gap", "missed", "stale"}


def test_curated_sources_are_those_with_facts() -> None:
    assert audit.curated_sources() == [d for d in load_sources()["doc_id"] if d in set(load_facts()["doc_id"])]
    assert SEED_ID in audit.curated_sources()


def test_audit_table_of_the_seed_explains_every_mention() -> None:
    table = audit.audit_table(SEED_ID)
    assert set(table["status"]) <= STATUSES
    assert set(table["status"]) <= {"fact", "waived"}  # the committed data has no gap, miss or stale waiver
    facts = load_facts()
    seed_facts = set(facts.loc[facts["doc_id"] == SEED_ID, "fact_id"])
    assert set(table.loc[table["status"] == "fact", "ref"]) == seed_facts
    text = source_text(SEED_ID)
    for row in table.itertuples(index=False):
        assert text[row.start : row.end] == row.raw  # offsets into the normalized text
        assert row.section, f"{row.raw} at {row.start} has no section"
    waived = table[table["status"] == "waived"]
    assert len(waived) == (load_waivers()["doc_id"] == SEED_ID).sum()


def test_coverage_summary_one_row_per_source() -> None:
    summary = audit.coverage_summary()
    assert list(summary["doc_id"]) == list(load_sources()["doc_id"])
    seed = summary.set_index("doc_id").loc[SEED_ID]
    assert seed["mentions"] == seed["facts"] + seed["waived"] + seed["gaps"]
    assert (seed["gaps"], seed["missed"], seed["stale"]) == (0, 0, 0)
    assert seed["coverage"] == 1.0
    assert seed["facts"] == (load_facts()["doc_id"] == SEED_ID).sum()


def test_a_dropped_waiver_shows_up_as_a_gap(project_copy: Path) -> None:
    waivers_csv = project_copy / "data" / "curated" / "waivers.csv"
    waivers = pd.read_csv(waivers_csv, dtype=str)
    dropped = waivers.iloc[0]
    waivers.iloc[1:].to_csv(waivers_csv, index=False)
    clear_cache()
    table = audit.audit_table(SEED_ID)
    gaps = table[table["status"] == "gap"]
    assert list(gaps["raw"]) == [dropped["raw"]]
    seed = audit.coverage_summary().set_index("doc_id").loc[SEED_ID]
    assert seed["gaps"] == 1 and seed["coverage"] < 1.0
