"""Same inputs, same bytes: scrubbing executed notebooks and saving figures without volatile metadata."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import nbformat
import pytest

from coop_analysis.determinism import PARAMETERS_CELL_ID, savefig, scrub_notebook


def _executed(run: int, root: Path) -> nbformat.NotebookNode:
    """A notebook as papermill leaves it, with what differs between two runs ``run``."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('region = "Ningxia"', id="ef16bb3b", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('region = "Gansu"', metadata={"tags": ["injected-parameters"]}),  # random id
        nbformat.v4.new_code_cell("1 + 1", id="e4501a67"),
    ]
    for i, cell in enumerate(nb.cells):
        cell.metadata["papermill"] = {"start_time": f"2026-11-2{run}T10:0{i}:00", "duration": 0.1 * run,
                                      "status": "completed", "exception": False, "end_time": "x"}  # fmt: skip
        cell.metadata["execution"] = {"iopub.execute_input": f"2026-11-2{run}T10:00:0{i}Z"}
    nb.metadata["papermill"] = {
        "start_time": f"2026-11-2{run}T10:00:00", "end_time": f"2026-11-2{run}T10:00:09", "duration": 9.0 + run,
        "input_path": str(root / "notebooks" / "region_report.ipynb"), "output_path": f"/tmp/.x{run}.tmp.ipynb",
        "parameters": {"region": "Gansu"}, "environment_variables": {}, "exception": None, "version": "2.7.0",
    }  # fmt: skip
    return nb


def test_two_runs_scrub_to_the_same_bytes(tmp_path: Path) -> None:
    a = scrub_notebook(_executed(1, tmp_path / "clone-a"), root=tmp_path / "clone-a")
    b = scrub_notebook(_executed(2, tmp_path / "clone-b"), root=tmp_path / "clone-b")
    assert nbformat.writes(a) == nbformat.writes(b)
    assert a.metadata["papermill"] == {
        "input_path": "notebooks/region_report.ipynb",
        "parameters": {"region": "Gansu"},
        "version": "2.7.0",
    }
    assert [c.id for c in a.cells] == ["ef16bb3b", PARAMETERS_CELL_ID, "e4501a67"]
    assert all(set(c.metadata) <= {"tags"} for c in a.cells)
    nbformat.validate(a)


def test_scrub_keeps_outputs_and_fills_missing_or_clashing_ids() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", id="same"), nbformat.v4.new_code_cell("y", id="same")]
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    before = copy.deepcopy(nb.cells[0].outputs)
    del nb.cells[1]["id"]
    scrub_notebook(nb)
    again = scrub_notebook(copy.deepcopy(nb))
    assert nb.cells[0].outputs == before
    assert nb.cells[0].id == "same" and nb.cells[1].id not in ("same", None)
    assert [c.id for c in again.cells] == [c.id for c in nb.cells]  # idempotent


def test_input_path_outside_the_project_keeps_only_its_name(tmp_path: Path) -> None:
    nb = _executed(1, tmp_path / "elsewhere")
    scrub_notebook(nb, root=tmp_path / "project")
    assert nb.metadata["papermill"]["input_path"] == "region_report.ipynb"


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_savefig_gives_the_same_bytes_twice(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    def draw() -> bytes:
        fig = Figure(figsize=(2, 2))
        ax = fig.add_subplot()
        ax.plot([0, 1], [1, 0])
        ax.set_title("same")
        buf = io.BytesIO()
        savefig(fig, buf, format=fmt)
        return buf.getvalue()

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = draw()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # a date would now differ, if one were written
    second = draw()
    assert first == second
    assert b"Matplotlib" not in first  # no tool version in the file
    if fmt == "svg":
        assert b"<dc:date>" not in first


@pytest.mark.notebooks
def test_re_executing_a_committed_notebook_gives_its_committed_bytes() -> None:
    """What scripts/execute_notebooks.py writes for an unchanged notebook is the committed file (git stays clean)."""
    import importlib.util

    from .conftest import PROJECT

    spec = importlib.util.spec_from_file_location("execute_notebooks", PROJECT / "scripts" / "execute_notebooks.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    path = PROJECT / "notebooks" / "overview.ipynb"
    assert script.executed(path) == path.read_text(encoding="utf-8")
