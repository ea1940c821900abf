"""Two builds of the same inputs in two project folders are byte-identical; a one-fact change rebuilds
only the reports it reaches, and the result is what a full rebuild gives, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from coop_analysis import clear_cache, inputs, reports

from .conftest import PROJECT, files_under

pytestmark = pytest.mark.notebooks
REGIONS = ["Shaanxi", "Gansu"]  # Shaanxi holds F027 (partner Zhejiang, not built here); Gansu is untouched


def _clone(dest: Path) -> Path:
    for folder in ("data", "notebooks"):
        shutil.copytree(PROJECT / folder, dest / folder)
    shutil.copy2(PROJECT / inputs.LOCK_FILE, dest / inputs.LOCK_FILE)
    return dest


def _build(root: Path, monkeypatch: pytest.MonkeyPatch, **kwargs) -> reports.BuildResult:
    monkeypatch.setenv("COOP_ANALYSIS_ROOT", str(root))
    clear_cache()
    result = reports.build_reports(REGIONS, out=root / "reports", jobs=2, progress=False, **kwargs)
    assert result.ok, result.failed
    return result


def _tree(root: Path) -> dict[str, bytes]:
    out = root / "reports"
    return {name: (out / name).read_bytes() for name in files_under(out)}


def _set_fact_value(root: Path, fact_id: str, value: str) -> None:
    path = root / "data" / "curated" / "facts.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["fact_id"] == fact_id, "value"] = value
    frame.to_csv(path, index=False, lineterminator="\n")


def test_builds_are_byte_identical_and_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _clone(tmp_path / "clone-a"), _clone(tmp_path / "clone-b")
    first = _build(a, monkeypatch)
    assert first.succeeded == ["overview", *REGIONS] and first.up_to_date == []
    _build(b, monkeypatch)
    tree_a, tree_b = _tree(a), _tree(b)
    assert sorted(tree_a) == sorted(tree_b)
    different = [name for name in tree_a if tree_a[name] != tree_b[name]]
    assert different == [], f"differ between two builds of the same inputs: {different}"
    for name, data in tree_a.items():  # no trace of the folder it was built in
        assert str(tmp_path).encode() not in data, name
    nb = json.loads(tree_a["en/Gansu.ipynb"])
    assert nb["metadata"]["papermill"]["input_path"] == "notebooks/region_report.ipynb"
    assert "start_time" not in json.dumps(nb) and "Gansu" in nb["metadata"]["coop_analysis"]["region"]
    versions = {k: v["build"] for k, v in json.loads(tree_a["manifest.json"])["reports"].items()}
    footer = "Data version {data_version} · code version {code_version}".format(**versions["en/Gansu"])
    assert footer.encode() in tree_a["en/Gansu.html"]  # every page names what it was built from

    # nothing changed: nothing runs, nothing is rewritten
    again = _build(a, monkeypatch)
    assert again.succeeded == [] and again.up_to_date == ["overview", *REGIONS]
    assert _tree(a) == tree_a

    # one fact: its province and the overview run; Gansu does not
    _set_fact_value(a, "F027", "6900000")
    changed = _build(a, monkeypatch)
    assert changed.succeeded == ["overview", "Shaanxi"] and changed.up_to_date == ["Gansu"]
    after = _tree(a)
    assert after["en/Gansu.html"] == tree_a["en/Gansu.html"]
    assert after["en/Shaanxi.html"] != tree_a["en/Shaanxi.html"]
    now = {k: v["build"] for k, v in json.loads(after["manifest.json"])["reports"].items()}
    assert now["en/Gansu"] == versions["en/Gansu"]
    assert now["en/Shaanxi"]["data_version"] != versions["en/Shaanxi"]["data_version"]
    assert now["en/Shaanxi"]["code_version"] == versions["en/Shaanxi"]["code_version"]

    # ... and the incremental result is what a full rebuild of the changed data gives
    _set_fact_value(b, "F027", "6900000")
    full = _build(b, monkeypatch, force=True)
    assert full.succeeded == ["overview", *REGIONS]
    assert _tree(b) == after
