from __future__ import annotations

import pandas as pd
import pytest

import coop_analysis as ca
from coop_analysis import paths
from coop_analysis.schemas import TABLES

LOADERS = {
    "provinces": ca.load_provinces,
    "pairings": ca.load_pairings,
    "places": ca.load_places,
    "metrics": ca.load_metrics,
    "initiatives": ca.load_initiatives,
    "facts": ca.load_facts,
    "waivers": ca.load_waivers,
    "organizations": ca.load_organizations,
    "events": ca.load_events,
    "exchange_rates": ca.load_exchange_rates,
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_returns_declared_columns_and_dtypes(name: str) -> None:
    frame = LOADERS[name]()
    spec = TABLES[name]
    assert list(frame.columns) == list(spec.columns)
    for col, c in spec.columns.items():
        assert str(frame[col].dtype) == c.dtype, (name, col)
    assert len(frame) > 0


def test_load_sources_verifies_checksums() -> None:
    sources = ca.load_sources()
    assert list(sources["doc_id"]) == ["000_f2e234c30898f6af"]
    text = (paths.raw_dir() / "000_f2e234c30898f6af.txt").read_text(encoding="utf-8")
    assert sources.loc[0, "n_chars"] == len(text)
    assert str(sources["date_is_estimate"].dtype) == "boolean"


def test_loaders_return_copies() -> None:
    facts = ca.load_facts()
    facts.loc[0, "value"] = -1
    assert ca.load_facts().loc[0, "value"] != -1


def test_facts_carry_every_seed_quantity_with_bounds() -> None:
    facts = ca.load_facts()
    exact = facts[facts["qualifier"] == "exact"]
    assert (exact["low"] == exact["value"]).all() and (exact["high"] == exact["value"]).all()
    approx = facts[facts["qualifier"] == "approx"]
    assert approx["low"].isna().all() and approx["high"].isna().all()
    nearly = facts[facts["qualifier"] == "nearly"]
    assert nearly["low"].isna().all() and (nearly["high"] == nearly["value"]).all()
    over = facts[facts["qualifier"] == "over"]
    assert (over["low"] == over["value"]).all() and over["high"].isna().all()
    assert set(facts["unit"]) >= {"CNY", "USD", "percent", "bp", "项", "家", "名", "人", "批"}


def test_disk_cache_is_used_and_invalidated(project_copy) -> None:  # type: ignore[no-untyped-def]
    from coop_analysis import cache

    first = ca.load_metrics()
    cached = list(paths.cache_dir().glob("metrics-*.arrow"))
    assert len(cached) == 1
    cache._memory.clear()  # a new process reads the file: simulate by clearing memory only
    pd.testing.assert_frame_equal(ca.load_metrics(), first)
    # editing the file changes the key: the edit is seen, the old cache file replaced
    path = project_copy / "data/curated/metrics.csv"
    path.write_text(path.read_text(encoding="utf-8") + "extra_metric,count,An extra,额外,99\n", encoding="utf-8")
    assert "extra_metric" in set(ca.load_metrics()["metric"])
    assert len(list(paths.cache_dir().glob("metrics-*.arrow"))) == 1


def test_unknown_table_name() -> None:
    from coop_analysis.datasets import load_table

    with pytest.raises(KeyError, match="unknown table 'nope'"):
        load_table("nope")
