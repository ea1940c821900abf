"""The place-name lookup: meanings from the validated tables, kept as untrusted JSON keyed by content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coop_analysis import paths, placenames
from coop_analysis.placenames import PlaceMeaning, place_matches


@pytest.fixture
def fresh() -> None:
    placenames._matcher_for.cache_clear()


def _cache_file() -> Path:
    return paths.cache_dir() / placenames.CACHE_FILE


def test_the_cached_meanings_are_those_of_the_tables(fresh: None) -> None:
    from_tables = placenames._from_tables()
    assert placenames.meanings() == from_tables  # the first call builds the file …
    placenames._matcher_for.cache_clear()
    assert placenames._read_cache(placenames._versions()) == from_tables  # … which reads back the same
    assert placenames.meanings() == from_tables
    assert from_tables["阿坝州"] == PlaceMeaning("prefecture", "Sichuan", "四川", "阿坝藏族羌族自治州", 513200, False)
    ambiguous = [m for m in from_tables.values() if m.ambiguous]  # a name of places in several provinces
    assert ambiguous and all(m.canonical is None and m.province_en is None for m in ambiguous)


_GOOD = ["prefecture", "Sichuan", "四川", "阿坝藏族羌族自治州", 513200, False]


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"\x80\x04\x95",  # a pickle's start
        b"[]",
        "{{}}",
        '{{"format": 1, "key": "another", "names": {{"阿坝州": {good}}}}}',
        '{{"format": 99, "key": "{key}", "names": {{"阿坝州": {good}}}}}',
        '{{"format": 1, "key": "{key}", "names": {{}}}}',
        '{{"format": 1, "key": "{key}", "names": {{"阿坝州": ["prefecture", "Sichuan"]}}}}',
        '{{"format": 1, "key": "{key}", "names": {{"阿坝州": ["prefecture", "Sichuan", "四川", "x", "513200", false]}}}}',
        '{{"format": 1, "key": "{key}", "names": {{"阿坝州": ["prefecture", "Sichuan", "四川", "x", true, false]}}}}',
        '{{"format": 1, "key": "{key}", "names": {{"阿坝州": ["prefecture", "Sichuan", "四川", "x", 513200, 0]}}}}',
        '{{"format": 1, "key": "{key}", "names": {{"": {good}}}}}',
    ],
)
def test_a_damaged_or_foreign_cache_file_is_rebuilt(fresh: None, content: str | bytes) -> None:
    key = placenames._versions()
    data = content if isinstance(content, bytes) else content.format(key=key, good=json.dumps(_GOOD)).encode()
    _cache_file().parent.mkdir(parents=True, exist_ok=True)
    _cache_file().write_bytes(data)
    assert placenames._read_cache(key) is None
    assert placenames.meanings() == placenames._from_tables()
    assert placenames._read_cache(key) == placenames._from_tables()  # rewritten


def test_a_cache_file_that_decodes_is_used_as_it_is(fresh: None) -> None:
    """The file is what a later process reads instead of the tables (so its key must cover their content)."""
    key = placenames._versions()
    _cache_file().parent.mkdir(parents=True, exist_ok=True)
    _cache_file().write_text(json.dumps({"format": 1, "key": key, "names": {"阿坝州": _GOOD}}), encoding="utf-8")
    assert place_matches("在阿坝州和兰州") == [("阿坝州", 1, 4, PlaceMeaning(*_GOOD))]


def test_an_edit_of_the_gazetteer_is_seen(project_copy: Path, fresh: None) -> None:
    before = placenames._versions()
    assert placenames.meanings()["札达县"].canonical == "札达县"
    places = project_copy / "data" / "reference" / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("札达县,札达,", "札达新县,札达,"), encoding="utf-8")
    assert placenames._versions() != before
    assert "札达县" not in placenames.meanings()
    assert placenames.meanings()["札达新县"].canonical == "札达新县"
