"""Same inputs, same bytes: what an executed notebook and a saved figure must not carry.

Two builds of the same commit differ only where something volatile leaks into a file:
papermill's start and end times and durations, the temporary path it wrote to, the
absolute path of the checkout, the random id of the cell papermill injects, nbclient's
execution timestamps, and matplotlib's date and random ids in SVG and PDF files.
:func:`scrub_notebook` removes them from an executed notebook (the runner calls it in
its post-process step, ``scripts/execute_notebooks.py`` before writing);
:func:`savefig` saves a figure without them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

__all__ = ["FIGURE_METADATA", "SVG_HASHSALT", "savefig", "scrub_notebook"]

#: Id of the cell papermill injects with the parameters (papermill gives it a random one).
PARAMETERS_CELL_ID = "injected-parameters"
#: papermill's notebook metadata that changes from run to run (kept: parameters, version).
_VOLATILE_PAPERMILL = ("start_time", "end_time", "duration", "output_path", "environment_variables", "exception")
#: Cell metadata written by papermill and nbclient while executing (timings, status).
_VOLATILE_CELL = ("execution", "papermill")
_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

#: Metadata given to ``savefig`` per format: no date, no tool versions.
FIGURE_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    "ps": {"Creator": None},
    "eps": {"Creator": None},
}
#: Fixed salt for the ids matplotlib gives SVG elements (random otherwise).
SVG_HASHSALT = "coop-analysis"


def _project_relative(path: str, root: Path | None) -> str:
    if not path or root is None:
        return path
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def scrub_notebook(nb: Any, *, root: Path | None = None) -> Any:
    """Remove what differs between two executions of the same notebook with the same inputs (in place).

    * papermill's times, durations, output path and environment; its input path made
      relative to ``root`` (the project folder), else reduced to the file name;
    * per-cell execution timestamps and papermill status;
    * a deterministic id for papermill's injected parameters cell and for any cell
      without a valid id (derived from its position and source).

    Outputs are left alone: they are the report. Returns ``nb``.
    """
    meta = nb.get("metadata", {})
    papermill = meta.get("papermill")
    if isinstance(papermill, dict):
        for key in _VOLATILE_PAPERMILL:
            papermill.pop(key, None)
        if "input_path" in papermill:
            papermill["input_path"] = _project_relative(str(papermill["input_path"]), root)
    seen: set[str] = set()
    for index, cell in enumerate(nb.get("cells", [])):
        cell_meta = cell.get("metadata", {})
        for key in _VOLATILE_CELL:
            cell_meta.pop(key, None)
        tags = cell_meta.get("tags") or []
        cell_id = cell.get("id")
        if "injected-parameters" in tags:
            cell_id = PARAMETERS_CELL_ID
        elif not isinstance(cell_id, str) or not _CELL_ID.match(cell_id) or cell_id in seen:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            cell_id = hashlib.sha256(f"{index}\0{source}".encode()).hexdigest()[:8]
        if cell_id in seen:  # two injected cells, or a clash: make it unique, deterministically
            cell_id = f"{cell_id}-{index}"
        seen.add(cell_id)
        cell["id"] = cell_id
    return nb


def savefig(figure: Any, fname: Any, **kwargs: Any) -> None:
    """``figure.savefig`` without a date, tool versions or random SVG ids (unless given).

    The format comes from ``format=`` or the file name's suffix (default PNG).
    """
    import matplotlib

    fmt = kwargs.get("format")
    if fmt is None and isinstance(fname, (str, Path)):
        fmt = Path(fname).suffix.lstrip(".") or None
    fmt = str(fmt or matplotlib.rcParams["savefig.format"]).lower()
    metadata = dict(FIGURE_METADATA.get(fmt, {}))
    metadata.update(kwargs.pop("metadata", None) or {})
    if metadata:
        kwargs["metadata"] = metadata
    salt = matplotlib.rcParams["svg.hashsalt"] or SVG_HASHSALT
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        figure.savefig(fname, **kwargs)
