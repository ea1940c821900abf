"""``<out>/manifest.json``: what every report was built from, what it wrote, and whether it is up to date.

For each report (``"<lang>/<stem>"``) the manifest records its notebook and
parameters, the digests of its inputs — the notebook, the data rows it reads
(:mod:`coop_analysis.inputs`), the library source, the lock file, the Python version
— the digests of the files it wrote, and its headline numbers. A report is **up to
date** when its inputs are those recorded and its files are still the ones written;
``coop-analysis reports`` runs only the others (``--force``: all).

Checking is cheap when nothing changed: each entry also records the digest of all
of ``data/`` at build time, and while that digest, the code and the notebook are
unchanged the per-row digests need not be recomputed (no tables are loaded). When
some data file changed, the rows each report reads decide: a corrected fact of Gansu
rebuilds Gansu, its partners and the overview, not every report.

The file is written with sorted keys and no times, so two builds of the same
commit write the same manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from coop_analysis import inputs, paths
from coop_analysis.fileio import atomic_write

__all__ = [
    "MANIFEST_NAME",
    "BuildPlan",
    "ReportInputs",
    "build_info",
    "build_request",
    "footer_text",
    "plan_build",
    "read_manifest",
    "record_reports",
    "up_to_date_request",
]

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
FORMAT = 1
#: Length of the versions shown in page footers (hex digits of a sha256).
SHORT = 12


class JobLike(Protocol):
    """What the manifest needs of a runner job."""

    name: str
    notebook: str
    parameters: dict[str, str]
    out_dir: str
    stem: str


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def entry_id(job: JobLike) -> str:
    """The manifest key of a job's report: ``<lang folder>/<stem>``."""
    return f"{Path(job.out_dir).name}/{job.stem}"


def _relative(path: str | Path) -> str:
    p = Path(path).resolve()
    try:
        return p.relative_to(paths.project_root().resolve()).as_posix()
    except ValueError:  # outside the project: the full path
        return p.as_posix()


@dataclass(frozen=True)
class ReportInputs:
    """The inputs of one report, as digests (``data`` empty until the rows are computed)."""

    notebook: str
    parameters: dict[str, str]
    code: dict[str, str]
    data_files: str
    data: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Changes whenever anything the report is built from changes."""
        return _digest({"notebook": self.notebook, "parameters": self.parameters, "code": self.code, "data": self.data})

    @property
    def data_version(self) -> str:
        """Short digest of the data rows the report reads (shown in its footer)."""
        return _digest(self.data)[:SHORT]

    @property
    def code_version(self) -> str:
        """Short digest of the notebook, library, lock and Python it is built with (shown in its footer)."""
        return _digest({"notebook": self.notebook, **self.code})[:SHORT]


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of an output folder; an empty one when missing, unreadable or of another format."""
    path = Path(out) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": FORMAT, "reports": {}}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s (%s); every report is rebuilt", path, exc)
        return {"format": FORMAT, "reports": {}}
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("reports"), dict)
    ):
        return {"format": FORMAT, "reports": {}}
    return manifest


def _outputs(job: JobLike) -> list[Path]:
    """The files of a report: ``<stem>.*`` (page, notebook, facts CSV), ``<stem>_files/`` (its images)
    and its font subset ``assets/fonts/<lang>-<stem>.woff2``; not failed copies or temporary files."""
    folder = Path(job.out_dir)
    if not folder.is_dir():
        return []
    files = [*folder.glob(f"{job.stem}.*"), *(folder / f"{job.stem}_files").rglob("*")]
    files.append(folder.parent / "assets" / "fonts" / f"{folder.name}-{job.stem}.woff2")
    return sorted(
        p
        for p in files
        if p.is_file() and not p.name.endswith((".failed.ipynb", ".tmp")) and not p.name.startswith(".")
    )


def _site_files(out: Path) -> dict[str, str]:
    """Digests of the files every page shares: ``index.html`` and ``assets/``."""
    out = Path(out)
    files = [out / "index.html", *(p for p in (out / "assets").rglob("*") if p.is_file())]
    return {p.relative_to(out).as_posix(): inputs.file_digest(p) for p in sorted(files)}


def _outputs_intact(entry: dict[str, Any] | None, out: Path) -> bool:
    """The files an entry records (paths relative to ``out``) are all there, unchanged."""
    recorded = (entry or {}).get("outputs") or {}
    if not recorded:
        return False
    folder = Path(out)
    return all(inputs.file_digest(folder / name) == digest for name, digest in recorded.items())


@dataclass
class BuildPlan:
    """Which jobs run and which are up to date, with the inputs of each."""

    jobs: list[Any] = field(default_factory=list)  # every job planned, in order
    run: list[Any] = field(default_factory=list)
    up_to_date: list[Any] = field(default_factory=list)
    inputs: dict[str, ReportInputs] = field(default_factory=dict)  # by entry id
    manifest: dict[str, Any] = field(default_factory=dict)


def plan_build(jobs: Sequence[JobLike], out: Path, *, force: bool = False) -> BuildPlan:
    """Split ``jobs`` into those to run and those whose report is up to date.

    The rows each report reads are computed only when the cheap check (all of
    ``data/``, code and notebook unchanged) cannot tell.
    """
    manifest = read_manifest(out)
    plan = BuildPlan(jobs=list(jobs), manifest=manifest)
    if not jobs:
        return plan
    code = inputs.code_inputs()
    data_files = inputs.data_digest()
    notebooks: dict[str, str] = {}
    pending: list[JobLike] = []
    for job in jobs:
        nb = notebooks.setdefault(job.notebook, inputs.file_digest(Path(job.notebook)))
        ri = ReportInputs(nb, dict(job.parameters), code, data_files)
        plan.inputs[entry_id(job)] = ri
        entry = manifest["reports"].get(entry_id(job))
        same_code = (
            entry is not None
            and entry.get("inputs", {}).get("notebook") == nb
            and entry.get("parameters") == ri.parameters
            and entry.get("inputs", {}).get("code") == code
        )
        if not force and same_code and entry.get("data_files") == data_files and _outputs_intact(entry, out):
            plan.up_to_date.append(job)
            plan.inputs[entry_id(job)] = ReportInputs(nb, ri.parameters, code, data_files, entry["inputs"]["data"])
        else:
            pending.append(job)
    if not pending:
        return plan
    rows = inputs.report_data_inputs(dict.fromkeys(job.name for job in pending))
    for job in pending:
        ri = plan.inputs[entry_id(job)]
        ri = ReportInputs(ri.notebook, ri.parameters, ri.code, ri.data_files, rows[job.name])
        plan.inputs[entry_id(job)] = ri
        entry = manifest["reports"].get(entry_id(job))
        if not force and entry is not None and entry.get("key") == ri.key and _outputs_intact(entry, out):
            entry["data_files"] = data_files  # same rows under new data: cheap check next time
            plan.up_to_date.append(job)
        else:
            plan.run.append(job)
    return plan


def build_request(
    regions: Sequence[str | int] | None, all_provinces: bool, lang: str, overview: bool, notebooks: Sequence[Path]
) -> dict[str, Any]:
    """What a ``coop-analysis reports`` call asks for, as recorded in the manifest (no absolute paths)."""
    return {
        "regions": [str(r) for r in regions or []],
        "all": bool(all_provinces),
        "lang": lang,
        "overview": bool(overview),
        "notebooks": [_relative(p) for p in notebooks],
    }


def _state(notebooks: Iterable[str]) -> str:
    """Digest of everything any report is built from: all data, code, the notebooks."""
    root = paths.project_root()
    nbs = {nb: inputs.file_digest(root / nb) for nb in notebooks}  # root / an absolute path is that path
    return _digest({"data": inputs.data_digest(), "code": inputs.code_inputs(), "notebooks": nbs})


def up_to_date_request(out: Path, request: dict[str, Any]) -> list[str] | None:
    """Names of the reports of ``request`` when the last such build succeeded and nothing changed since.

    Nothing changed: all of ``data/``, the code and the notebooks are as they were, and every
    file the build wrote (reports, ``index.html``, ``assets/``) is still there unchanged. This needs no
    table to be loaded, so a no-change rebuild costs well under a second. None: plan as usual.
    """
    manifest = read_manifest(out)
    recorded = (manifest.get("requests") or {}).get(_digest(request)[:SHORT])
    if not isinstance(recorded, dict) or recorded.get("state") != _state(request["notebooks"]):
        return None
    if _site_files(out) != recorded.get("site"):
        return None
    reports = manifest["reports"]
    if not all(_outputs_intact(reports.get(e), out) for e in recorded.get("reports", [])):
        return None
    return [str(reports[e]["name"]) for e in recorded["reports"]]


def build_info(ri: ReportInputs) -> dict[str, str]:
    """What an executed notebook records of its build (``metadata.coop_analysis.build``), for its footer."""
    return {"data_version": ri.data_version, "code_version": ri.code_version}


def footer_text(build: dict[str, Any] | None, lang: str = "en") -> str:
    """The line every page's footer shows: the data and code versions it was built from (plain text)."""
    if not build:
        return ""
    data, code = build.get("data_version", "?"), build.get("code_version", "?")
    if lang == "zh":
        return f"数据版本 {data} · 代码版本 {code}（见 manifest.json）"
    return f"Data version {data} · code version {code} (see manifest.json)"


def record_reports(
    out: Path,
    plan: BuildPlan,
    built: Iterable[tuple[JobLike, dict[str, Any]]],
    request: dict[str, Any] | None = None,
) -> Path:
    """Write ``<out>/manifest.json``: the reports built now (with their headline records) and earlier ones.

    ``built``: ``(job, record)`` of every report written in this build (the record is
    the notebook's ``metadata.coop_analysis``). Up-to-date reports keep their entries
    (with a refreshed ``data_files``); entries of reports not in this build stay as they were.
    ``request`` (:func:`build_request`), given when every report of the build is written
    or up to date and ``index.html`` is written, lets the same call skip all planning
    next time while nothing changes (:func:`up_to_date_request`).
    """
    manifest = plan.manifest or read_manifest(out)
    reports = manifest.setdefault("reports", {})
    folder = Path(out)
    for job, record in built:
        ri = plan.inputs[entry_id(job)]
        reports[entry_id(job)] = {
            "name": job.name,
            "notebook": _relative(job.notebook),
            "parameters": ri.parameters,
            "key": ri.key,
            "data_files": ri.data_files,
            "inputs": {"notebook": ri.notebook, "code": ri.code, "data": ri.data},
            "build": build_info(ri),
            "outputs": {p.relative_to(folder).as_posix(): inputs.file_digest(p) for p in _outputs(job)},
            "headline": {k: v for k, v in (record or {}).items() if k != "build"},
        }
    if request is not None:
        requests = manifest.setdefault("requests", {})
        requests[_digest(request)[:SHORT]] = {
            "request": request,
            "state": _state(request["notebooks"]),
            "site": _site_files(folder),
            "reports": [entry_id(j) for j in plan.jobs],
        }
    manifest["format"] = FORMAT
    text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    return atomic_write(folder / MANIFEST_NAME, text)
