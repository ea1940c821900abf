"""Metadata from Python: describe(), df.attrs, and the loaders' docstrings."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import coop_analysis as ca
from coop_analysis import cache
from coop_analysis.meta import SOURCES, ColumnMeanings, tables
from coop_analysis.schemas import FOREIGN_KEYS, TABLES

LOADERS = {name: getattr(ca, f"load_{name}") for name in tables()}


@pytest.mark.parametrize("name", list(LOADERS))
def test_describe_matches_what_the_loader_returns(name: str) -> None:
    frame = LOADERS[name]()
    d = ca.describe(name)
    file_cols = d[d["origin"] == "file"]
    assert list(file_cols["column"]) == list(frame.columns)
    assert list(file_cols["dtype"]) == [str(t) for t in frame.dtypes]
    assert file_cols["description"].str.len().min() > 0
    assert d.attrs["table"] == name
    view_cols = d[d["origin"] == "view"]["column"]
    assert set(view_cols) <= set(ca.view(name).columns)


def test_describe_names_references_and_vocabularies() -> None:
    d = ca.describe("facts").set_index("column")
    assert d.loc["metric", "references"] == "metrics.metric"
    assert d.loc["partner", "references"] == "provinces.name_en" and d.loc["partner", "is_list"]
    assert d.loc["qualifier", "values"].split() == ["exact", "approx", "nearly", "over", "up_to", "range"]
    assert d.loc["fact_id", "unique"] and d.loc["fact_id", "required"] and not d.loc["note", "required"]
    refs = {(fk.table, fk.column) for fk in FOREIGN_KEYS}
    for name in TABLES:
        described = ca.describe(name)
        assert {(name, c) for c in described.loc[described["references"].notna(), "column"]} == {
            r for r in refs if r[0] == name
        }


def test_describe_unknown_table() -> None:
    with pytest.raises(KeyError, match="known"):
        ca.describe("fact")


@pytest.mark.parametrize("name", list(LOADERS))
def test_attrs_describe_the_table(name: str) -> None:
    frame = LOADERS[name]()
    attrs = frame.attrs
    assert attrs["table"] == name
    assert attrs["description"] == tables()[name].description
    assert attrs["source_files"] and all((ca.paths.project_root() / f).is_file() for f in attrs["source_files"])
    assert len(attrs["data_version"]) == 12 and attrs["package_version"] == ca.__version__
    assert list(attrs["columns"]) == list(frame.columns)


def test_attrs_survive_the_disk_cache_and_are_per_copy() -> None:
    first = ca.load_facts()
    cache._memory.clear()  # the next load reads the disk cache
    second = ca.load_facts()
    assert second.attrs == first.attrs
    second.attrs["table"] = "changed"
    assert ca.load_facts().attrs["table"] == "facts"


def test_column_meanings_are_read_only_and_shared_not_copied() -> None:
    facts = ca.load_facts()
    meanings = facts.attrs["columns"]
    with pytest.raises(TypeError, match="read-only"):
        meanings["value"] = "changed"
    with pytest.raises(TypeError, match="read-only"):
        meanings.update(value="changed")
    with pytest.raises(TypeError, match="read-only"):
        meanings |= {"value": "changed"}
    # pandas deep-copies attrs into every result: the meanings travel as the same object
    assert facts.iloc[:3].attrs["columns"] is meanings
    widened = meanings | {"extra": "a derived column"}
    assert isinstance(widened, ColumnMeanings) and widened["extra"] == "a derived column"
    assert "extra" not in meanings
    assert pickle.loads(pickle.dumps(facts)).attrs["columns"] == meanings
    assert ca.facts_view().attrs["columns"]["kind"]  # the view's derived columns added to a new mapping


def test_data_version_follows_the_content(project_copy: Path) -> None:
    facts_csv = project_copy / "data" / "curated" / "facts.csv"
    original = ca.load_facts().attrs["data_version"]
    ca.clear_cache()
    text = facts_csv.read_text(encoding="utf-8")
    edited_text = text.replace("to the time of writing (2025).", "to the time of writing (2025; edited).", 1)
    assert edited_text != text
    facts_csv.write_text(edited_text, encoding="utf-8")
    edited = ca.load_facts().attrs["data_version"]
    assert edited != original
    facts_csv.write_text(text, encoding="utf-8")
    ca.clear_cache()
    assert ca.load_facts().attrs["data_version"] == original  # same bytes, same version


@pytest.mark.parametrize("name", list(LOADERS))
def test_loader_docstrings_list_every_column(name: str) -> None:
    doc = LOADERS[name].__doc__
    assert doc.splitlines()[0].strip()  # the hand-written summary stays first
    for column, spec in tables()[name].columns.items():
        assert f"    {column} ({spec.dtype}): {spec.description}" in doc


def test_sources_spec_matches_the_loader() -> None:
    frame = ca.load_sources()
    assert {c: str(t) for c, t in frame.dtypes.items()} == {c: s.dtype for c, s in SOURCES.columns.items()}
