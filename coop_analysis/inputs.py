"""What each report reads, as digests: the data rows it selects, its notebook, the library, the lock.

A report is rebuilt when one of these digests changes (:mod:`coop_analysis.manifest`),
and ``coop-analysis diff`` names the reports a data change reaches by comparing them
(:mod:`coop_analysis.diff`). The rows come from the library's own selection, not from a
copy of its logic:

* a **region report** reads the frames of :func:`coop_analysis.profiles.region_profile`
  (each :class:`~coop_analysis.profiles.RegionProfile` field that is a table: its rows,
  in order), the rows of those tables that the selected rows point to
  (:data:`coop_analysis.schemas.FOREIGN_KEYS`: e.g. the initiative whose title is shown
  beside a fact), and every other data file whole (provinces, places, metrics,
  boundaries …). A province without records says how many facts and sources there are
  (:func:`coop_analysis.narrative.summary`), so those counts are inputs of its report.
* the **overview** reads every data file whole.

A data file that no profile field selects from is read whole, so a new table
(added to :data:`coop_analysis.schemas.TABLES`) rebuilds every report until a
profile field selects its rows: a safe default, never a stale report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from coop_analysis import paths
from coop_analysis.schemas import TABLES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LOCK_FILE",
    "code_inputs",
    "data_files",
    "frame_digest",
    "library_digest",
    "report_data_inputs",
]

#: The lock file (see scripts/lock.py), relative to the project root.
LOCK_FILE = "requirements-lock.txt"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes (``"missing"`` when it does not exist)."""
    try:
        return sha256_bytes(Path(path).read_bytes())
    except FileNotFoundError:
        return "missing"


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 of a frame's rows as CSV, in their order (the index is not part of it)."""
    text = frame.to_csv(index=False, lineterminator="\n")
    return sha256_bytes(text.encode("utf-8"))


def _tree_digest(root: Path, files: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f"{f.relative_to(root).as_posix()}\0{file_digest(f)}\0".encode())
    return h.hexdigest()


def library_digest() -> str:
    """Digest of the library's source: every ``.py`` file of the installed ``coop_analysis``."""
    return _library_digest(tuple(sorted(paths.PACKAGE_DIR.rglob("*.py"))))


@cache
def _library_digest(files: tuple[Path, ...]) -> str:
    return _tree_digest(paths.PACKAGE_DIR, files)


def code_inputs() -> dict[str, str]:
    """Inputs every report shares: library source, lock file, Python version."""
    return {
        "library": library_digest(),
        "lock": file_digest(paths.project_root() / LOCK_FILE),
        "python": "{}.{}".format(*sys.version_info[:2]),
    }


def data_files() -> list[Path]:
    """Every data file under ``data/`` (documentation ``*.md`` excluded), sorted."""
    root = paths.data_dir()
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".md" and not p.name.startswith("."))


def _profile_tables() -> list[str]:
    """Names of the RegionProfile fields that are tables (their rows are selected per region)."""
    from coop_analysis.profiles import RegionProfile

    hints = {f.name: str(f.type) for f in dataclasses.fields(RegionProfile)}
    return [name for name, hint in hints.items() if "DataFrame" in hint]


def _profile_files(tables: Iterable[str]) -> set[Path]:
    """Data files whose rows reach a region report only through its profile."""
    from coop_analysis.datasets import table_path

    files: set[Path] = set()
    for name in tables:
        if name in TABLES:
            files.add(table_path(name).resolve())
        elif name == "sources":  # data/raw: metadata and texts (the rows carry each text's sha256)
            files.update(p.resolve() for p in paths.raw_dir().glob("*") if p.is_file())
    return files


def whole_file_inputs(exclude: set[Path] = frozenset()) -> dict[str, str]:  # type: ignore[assignment]
    """``{"file:<path under data/>": sha256}`` for every data file not in ``exclude``."""
    root = paths.data_dir()
    return {
        f"file:{p.relative_to(root).as_posix()}": file_digest(p) for p in data_files() if p.resolve() not in exclude
    }


def _with_referenced(table: str, frame: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``frame``'s rows plus those of its table the other selected frames point to (schemas.FOREIGN_KEYS).

    A report shows things a row points to (the title of a fact's initiative, say), and
    the profile need not have selected those rows itself. Rows come in table order.
    """
    from coop_analysis.datasets import load_sources, load_table
    from coop_analysis.schemas import FOREIGN_KEYS, LIST_SEP

    key, wanted = None, set()
    for fk in FOREIGN_KEYS:
        if fk.target != table or fk.table == table or fk.table not in frames:
            continue
        key = fk.target_column
        is_list = fk.table in TABLES and TABLES[fk.table].columns[fk.column].is_list
        for cell in frames[fk.table][fk.column].dropna():
            wanted.update(str(cell).split(LIST_SEP) if is_list else [str(cell)])
    if key is None or key not in frame.columns or wanted <= set(frame[key].astype(str)):
        return frame
    everything = load_sources() if table == "sources" else load_table(table)
    return everything[everything[key].isin(wanted | set(frame[key].astype(str)))]


def region_data_inputs(name: str, whole: dict[str, str] | None = None) -> dict[str, str]:
    """Digests of the data one region's report reads (see the module docstring).

    ``whole`` is :func:`whole_file_inputs` of the non-profile files, when the caller
    computes it once for many regions.
    """
    from coop_analysis.datasets import load_facts, load_sources
    from coop_analysis.profiles import region_profile

    profile = region_profile(name)
    tables = _profile_tables()
    if whole is None:
        whole = whole_file_inputs(_profile_files(tables))
    inputs = dict(whole)
    frames = {table: getattr(profile, table) for table in tables}
    for table, frame in frames.items():
        inputs[f"rows:{table}"] = frame_digest(_with_referenced(table, frame, frames))
    if not profile.has_records:  # narrative.summary counts every fact and source for such a province
        inputs["count:facts"] = str(len(load_facts()))
        inputs["count:sources"] = str(len(load_sources()))
    return dict(sorted(inputs.items()))


def report_data_inputs(names: Iterable[str]) -> dict[str, dict[str, str]]:
    """Data inputs of several reports at once (``"overview"`` or English province names)."""
    from coop_analysis.pages import OVERVIEW

    names = list(names)
    out: dict[str, dict[str, str]] = {}
    everything = whole_file_inputs()
    whole = None
    for name in names:
        if name == OVERVIEW:
            out[name] = everything
            continue
        if whole is None:
            exclude = _profile_files(_profile_tables())
            whole = {k: v for k, v in everything.items() if (paths.data_dir() / k[5:]).resolve() not in exclude}
        out[name] = region_data_inputs(name, whole)
    return out


def data_digest() -> str:
    """Digest of every data file (:func:`data_files`): changes when any of ``data/`` changes."""
    return _tree_digest(paths.data_dir(), data_files())
