"""The chart cache: a hit gives the bytes a miss gives; every input is in the key; bad entries are redrawn."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest

from coop_analysis import chartcache, figures, paths, profiles


@pytest.fixture
def chart_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "charts"
    monkeypatch.setenv(chartcache.ENV, str(folder))
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{chartcache.SUFFIX}"))


def _bundle(chart: figures.Chart) -> tuple[dict, dict]:
    return chart._repr_mimebundle_()


def test_a_hit_is_byte_identical_to_a_miss_and_to_no_cache(chart_dir, monkeypatch):
    profile = profiles.region_profile("Ningxia")
    miss = figures.region_map(profile, "en")
    assert miss._encoded is None  # nothing cached yet
    first = _bundle(miss)
    assert len(_entries(chart_dir)) == 1
    hit = figures.region_map(profile, "en")
    assert hit._encoded is not None  # taken from the cache …
    assert _bundle(hit) == first  # … the same PNG, WebP, metadata and text
    assert hit._figure is None  # without drawing the figure
    assert repr(hit) == repr(miss)
    monkeypatch.setenv(chartcache.ENV, "off")
    uncached = figures.region_map(profile, "en")
    assert uncached._key is None
    assert _bundle(uncached) == first
    assert len(_entries(chart_dir)) == 1


def test_bar_charts_and_the_overview_charts_are_cached_too(chart_dir):
    profile = profiles.region_profile("Ningxia")
    made = [figures.region_bars(profile, "organizations", "zh"), figures.overview_matrix("en")]
    bundles = [_bundle(c) for c in made if c is not None]
    assert len(bundles) == 2 and len(_entries(chart_dir)) == 2
    again = [figures.region_bars(profile, "organizations", "zh"), figures.overview_matrix("en")]
    assert [_bundle(c) for c in again if c is not None] == bundles
    assert all(c is not None and c._figure is None for c in again)


def test_every_input_and_setting_is_in_the_key():
    frame = pd.DataFrame({"value": [1.0, 2.0], "label": ["a", "b"]})
    settings = {"dpi": 100, "scale": 2}
    base = chartcache.key("k", {"data": frame, "lang": "en"}, settings)
    assert chartcache.key("k", {"data": frame.copy(), "lang": "en"}, dict(settings)) == base  # equal inputs
    changed = frame.copy()
    changed.loc[1, "value"] = 2.5
    assert chartcache.key("k", {"data": changed, "lang": "en"}, settings) != base
    assert chartcache.key("k", {"data": frame.astype({"value": "float32"}), "lang": "en"}, settings) != base
    assert chartcache.key("k", {"data": frame.set_axis([5, 6]), "lang": "en"}, settings) != base  # the index
    assert chartcache.key("k", {"data": frame, "lang": "zh"}, settings) != base
    assert chartcache.key("other", {"data": frame, "lang": "en"}, settings) != base
    assert chartcache.key("k", {"data": frame, "lang": "en"}, settings | {"scale": 1}) != base
    with mpl.rc_context({"lines.linewidth": 7.0}):  # a session that changed a default
        assert chartcache.key("k", {"data": frame, "lang": "en"}, settings) != base
    assert chartcache.key("k", {"data": frame, "lang": "en"}, settings) == base


def test_canonical_forms_keep_apart_what_differs():
    def c(value: object) -> str:
        return chartcache._json(chartcache.canonical(value))

    assert c([1, 2]) != c([2, 1])  # order is kept
    assert c({1: "a", 2: "b"}) != c({2: "b", 1: "a"})
    assert c(float("nan")) != c(None) != c(pd.NA)
    assert c(0.1 + 0.2) != c(0.3)  # floats exactly
    assert c(True) != c(1) != c(1.0)
    assert c({"b", "a"}) == c({"a", "b"})
    with pytest.raises(TypeError, match="no canonical form"):
        chartcache.canonical(object())


def test_the_key_covers_the_chart_code_and_the_reference_data(project_copy):
    names = {p.relative_to(paths.PACKAGE_DIR).as_posix() for p in chartcache.code_files()}
    assert {"charts/flows.py", "charts/map.py", "charts/geo.py", "charts/raster.py", "figures.py",
            "determinism.py", "chartcache.py"} <= names  # fmt: skip
    before = chartcache.key("k", {}, {})
    boundaries = paths.reference_dir() / "china_provinces.geojson"
    boundaries.write_bytes(boundaries.read_bytes() + b"\n")
    assert chartcache.key("k", {}, {}) != before


def test_a_damaged_or_foreign_entry_is_ignored_and_redrawn(chart_dir, caplog):
    profile = profiles.region_profile("Gansu")
    good = _bundle(figures.region_map(profile, "en"))
    (entry,) = _entries(chart_dir)
    original = entry.read_bytes()
    damaged = [
        b"",
        original[: len(original) // 2],  # cut short
        original[:-1] + bytes([original[-1] ^ 1]),  # one bit of the image flipped
        original.replace(entry.stem.encode(), b"0" * 64, 1),  # another key's header
        pickle.dumps({"png": b"x"}),  # never unpickled
        b"coop-analysis chart\n" + b"{" * 5000,  # a header that never ends
    ]
    for data in damaged:
        entry.write_bytes(data)
        chart = figures.region_map(profile, "en")
        assert chart._encoded is None  # not taken from the cache
        assert _bundle(chart) == good  # drawn again, the same bytes
        assert entry.read_bytes() == original  # and the entry written again
    assert "not a valid entry" in caplog.text


def test_a_figure_handed_out_is_never_cached(chart_dir):
    profile = profiles.region_profile("Gansu")
    chart = figures.region_map(profile, "en")
    chart.figure.set_facecolor("#000000")  # restyled by the caller
    restyled = _bundle(chart)
    assert _entries(chart_dir) == []
    fresh = figures.region_map(profile, "en")
    assert _bundle(fresh) != restyled
    cached = figures.region_map(profile, "en")
    assert cached._encoded is not None
    cached.figure.set_facecolor("#000000")  # after a hit: drawn, and shown as changed
    assert _bundle(cached) == restyled


def test_clear_and_the_default_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(chartcache.ENV, raising=False)
    assert chartcache.folder() == paths.chart_cache_dir() == paths.cache_dir() / "charts"
    monkeypatch.setenv(chartcache.ENV, "0")
    assert chartcache.folder() is None
    image = chartcache.Image(b"\x89PNG\r\n\x1a\nrest", b"RIFF\x04\x00\x00\x00WEBP", (8.0, 6.3))
    chartcache.store("a" * 64, image, tmp_path)
    assert chartcache.load("a" * 64, tmp_path) == image
    assert chartcache.clear(tmp_path) == 1
    assert chartcache.load("a" * 64, tmp_path) is None


def test_reports_no_chart_cache_turns_it_off_for_the_kernels(monkeypatch):
    from coop_analysis import cli, runner

    seen: list[str | None] = []
    monkeypatch.setattr(runner, "run_cli", lambda args: seen.append(os.environ.get(chartcache.ENV)) or 0)
    monkeypatch.delenv(chartcache.ENV, raising=False)  # restored after the test
    assert cli.main(["reports", "Gansu", "--no-chart-cache"]) == 0
    assert seen == ["off"]  # the kernels get this environment
    assert chartcache.folder() is None


def test_an_image_made_after_its_key_changed_is_not_stored(chart_dir):
    profile = profiles.region_profile("Gansu")
    chart = figures.region_map(profile, "en")
    with mpl.rc_context({"savefig.facecolor": "#000000"}):  # changed between the call and the display
        _bundle(chart)
    assert _entries(chart_dir) == []
