"""Batch runner behind ``coop-analysis reports``: parallel notebooks → HTML + index.

One region report is ``notebooks/region_report.ipynb`` executed by papermill
with the parameters ``{"region": <English name>, "lang": "en" | "zh"}``; the
national overview is ``notebooks/overview.ipynb`` with ``{"lang": ...}``.
:func:`build_reports` validates every region name and the language, then runs
the notebooks in worker processes (one kernel per notebook) and writes the
pages and ``index.html`` (layout: :mod:`coop_analysis.pages`), plus
``<out>/<lang>/<Region>.failed.ipynb`` only for a notebook that raised (for
debugging).

Every file is written to a temporary file in its folder and moved into place
with :func:`os.replace`, so a crash or Ctrl-C never leaves a half-written
report. A failing notebook does not stop the others.

The parent process never imports papermill, nbformat or nbconvert (together
~2 s here): the workers do, once each, in :func:`_init_worker`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_analysis import manifest
from coop_analysis.determinism import scrub_notebook
from coop_analysis.fileio import atomic_write
from coop_analysis.headlines import find_headline
from coop_analysis.narrative import check_lang
from coop_analysis.pages import (
    OVERVIEW,
    facts_csv,
    finish_site,
    install_assets,
    make_exporter,
    render_page,
    report_stem,
)

if TYPE_CHECKING:
    import argparse

__all__ = ["BuildResult", "build_reports", "default_regions", "run_cli"]

#: Notebook file names inside ``notebooks_dir``.
REGION_NOTEBOOK = "region_report.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
#: Kernel used for every notebook (jupyter_client runs it with the worker's own
#: interpreter: a kernelspec whose argv[0] is "python" is replaced by sys.executable).
KERNEL_NAME = "python3"
#: Kernel command-line options: ipykernel >= 7 warns on every start that its local
#: TCP connection is unencrypted (it is HMAC-signed, as always), and logs an ERROR when
#: jupyter_client interrupts it before shutdown. Errors in notebook code still reach the
#: notebook (and a dead kernel fails the report), so the kernel log is kept to CRITICAL.
KERNEL_ARGS: tuple[str, ...] = ("--IPKernelApp.log_level=CRITICAL",)
#: Longest a single cell may run before the notebook counts as failed (seconds).
CELL_TIMEOUT = 600
#: Longest a kernel may take to start (seconds).
START_TIMEOUT = 60


# --------------------------------------------------------------------------- small helpers


def _parameter_names(notebook: Path) -> set[str] | None:
    """Names assigned in the cell tagged ``parameters`` (None: no such cell). Plain JSON, no nbformat."""
    with open(notebook, encoding="utf-8") as fh:
        nb = json.load(fh)
    for cell in nb.get("cells", []):
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            return set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)", source, flags=re.M))
    return None


def _check_notebook(notebook: Path, names: Iterable[str]) -> None:
    if not notebook.is_file():
        raise FileNotFoundError(f"report notebook not found: {notebook}")
    declared = _parameter_names(notebook)
    if declared is None:
        raise ValueError(f"{notebook}: no cell tagged 'parameters'")
    missing = sorted(set(names) - declared)
    if missing:
        raise ValueError(f"{notebook}: the parameters cell does not define {missing}")


# --------------------------------------------------------------------------- jobs and workers


@dataclass(frozen=True)
class _Job:
    """One notebook to run: only plain values, so it pickles to a worker."""

    name: str  # English province name or "overview"
    notebook: str
    parameters: dict[str, str]
    out_dir: str
    stem: str
    title: str
    build: dict[str, str] = field(default_factory=dict)  # data and code versions (manifest.build_info)


_worker_state: dict[str, Any] = {}


def _init_worker(stop: Any = None) -> None:
    """Import papermill and nbconvert once per worker process.

    ``stop`` is a multiprocessing Event the parent sets on Ctrl-C: jobs not yet
    started then return at once, without running.

    ``jsonschema`` imports ``rfc3987_syntax`` (if installed, as with
    jupyterlab) only to check the "iri" format, which builds a grammar and
    costs ~1.5 s; nbformat's schema (draft 4) never uses that format, so the
    worker opts out of it. This touches only the worker process.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    logging.getLogger("papermill").setLevel(logging.WARNING)
    import nbformat
    import papermill

    exporter = make_exporter()
    _worker_state.update(papermill=papermill, nbformat=nbformat, exporter=exporter, stop=stop, interrupted=False)


def _error_text(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename is not None:  # PapermillExecutionError: the notebook raised
        where = getattr(exc, "exec_count", None)
        return f"{ename}: {evalue}" + (f" (cell [{where}])" if where is not None else "")
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _run_job(job: _Job) -> dict[str, Any]:
    """Execute one notebook, write .ipynb and .html atomically; never raises (returns the outcome)."""
    if not _worker_state:
        _init_worker()
    papermill, nbformat, exporter = (_worker_state[k] for k in ("papermill", "nbformat", "exporter"))
    stop = _worker_state.get("stop")
    if _worker_state.get("interrupted") or (stop is not None and stop.is_set()):
        return {"name": job.name, "ok": False, "error": "interrupted (not run)", "record": None, "seconds": None}
    started = time.perf_counter()
    out_dir = Path(job.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ipynb, page = out_dir / f"{job.stem}.ipynb", out_dir / f"{job.stem}.html"
    failed_copy = out_dir / f"{job.stem}.failed.ipynb"
    # papermill saves as it goes; let it save to a private temporary file
    scratch = out_dir / f".{job.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp.ipynb"
    outcome: dict[str, Any] = {"name": job.name, "ok": False, "error": None, "record": None}
    try:
        nb = papermill.execute_notebook(
            job.notebook,
            str(scratch),
            parameters=dict(job.parameters),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            request_save_on_cell_execute=False,
            start_timeout=START_TIMEOUT,
            execution_timeout=CELL_TIMEOUT,
            cwd=str(Path(job.notebook).parent),
            extra_arguments=list(KERNEL_ARGS),
            shutdown_kernel="immediate",
        )
        record = find_headline(nb)
        if record is None:  # reported by the parent (a worker's own stderr would break the progress bar)
            outcome["warning"] = "the notebook did not call record_headline(); no headline in the index"
            record = {"region": job.name}
        elif record.get("region") != job.name:
            outcome["warning"] = f"record_headline() names the region {record.get('region')!r}, expected {job.name!r}"
        nb.metadata["coop_analysis"] = record | ({"build": dict(job.build)} if job.build else {})
        scrub_notebook(nb, root=_project_root())  # same inputs, same bytes (no times, random ids, paths)
        notebook_text = nbformat.writes(nb)
        rendered = render_page(nb, job.title, exporter, lang=str(job.parameters["lang"]), stem=job.stem)
        facts = facts_csv(job.name)
        # all rendered before any is written; the page last, once everything it links to is there
        atomic_write(ipynb, notebook_text)
        atomic_write(out_dir / f"{job.stem}.facts.csv", facts)
        for name, data in rendered.files.items():
            (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            atomic_write(out_dir / name, data)
        atomic_write(page, rendered.html)
        failed_copy.unlink(missing_ok=True)
        outcome.update(ok=True, record=record)
    except BaseException as exc:  # a failing notebook must not stop the others
        outcome["error"] = _error_text(exc)
        if scratch.exists() and not isinstance(exc, KeyboardInterrupt):  # kept for debugging, with papermill's banner
            try:
                os.replace(scratch, failed_copy)
                outcome["failed_notebook"] = str(failed_copy)
            except OSError:
                pass
        if isinstance(exc, KeyboardInterrupt):
            # Ctrl-C reaches the workers too (kernels run in their own session and are shut
            # down by nbclient). Report it as this job's outcome rather than raising, so the
            # worker skips the jobs already queued to it instead of running them.
            _worker_state["interrupted"] = True
            outcome["error"] = "interrupted"
            logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # abandoned nbclient tasks
    finally:
        scratch.unlink(missing_ok=True)
        outcome["seconds"] = time.perf_counter() - started
    return outcome


# --------------------------------------------------------------------------- the build


@dataclass
class BuildResult:
    """Outcome of :func:`build_reports`.

    Attributes:
        succeeded: names of the reports written (English province names, ``"overview"``).
        failed: ``(name, error message)`` of each notebook that failed.
        index: path of the ``index.html`` written.
        seconds: wall time of the whole build.
        out: the output folder.
        lang: the language built.
        notebook_seconds: time of each notebook in its worker (kernel start to files written).
        up_to_date: reports not run because their inputs and files are those in
            ``manifest.json`` (see :mod:`coop_analysis.manifest`).
    """

    succeeded: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    index: Path | None = None
    seconds: float = 0.0
    out: Path | None = None
    lang: str = "en"
    notebook_seconds: dict[str, float] = field(default_factory=dict)
    up_to_date: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def _project_root() -> Path:
    from coop_analysis.paths import project_root

    return project_root()


def default_regions() -> list[str]:
    """English names of the provinces with records (initiatives, partners or facts), table order."""
    from coop_analysis.profiles import provinces_with_records

    return provinces_with_records()


def _resolve_regions(regions: Sequence[str] | None, all_provinces: bool) -> list[str]:
    from coop_analysis.datasets import load_provinces
    from coop_analysis.regions import resolve_province

    if all_provinces:
        return [str(n) for n in load_provinces()["name_en"]]
    if not regions:
        return default_regions()
    names: list[str] = []
    for region in regions:  # raises UnknownRegionError ("did you mean …") before anything runs
        name = str(resolve_province(region)["name_en"])
        if name not in names:
            names.append(name)
    return names


def _make_jobs(names: list[str], lang: str, out: Path, nb_dir: Path, overview: bool) -> list[_Job]:
    jobs = []
    lang_dir = str(out / lang)
    if overview:
        title = "全国概览" if lang == "zh" else "National overview"
        jobs.append(_Job(OVERVIEW, str(nb_dir / OVERVIEW_NOTEBOOK), {"lang": lang}, lang_dir, OVERVIEW, title))
    if names:
        from coop_analysis.regions import province_names

        display = province_names(lang)
    for name in names:
        params = {"region": name, "lang": lang}
        if not all(type(v) is str for v in params.values()):  # only plain str reach papermill
            raise TypeError(f"report parameters must be plain str: {params!r}")
        title = f"{display.get(name, name)}{'：地区报告' if lang == 'zh' else ' — regional report'}"
        jobs.append(_Job(name, str(nb_dir / REGION_NOTEBOOK), params, lang_dir, report_stem(name), title))
    return jobs


def build_reports(
    regions: list[str] | None = None,
    *,
    all_provinces: bool = False,
    lang: str = "en",
    out: Path | None = None,
    jobs: int | None = None,
    overview: bool = True,
    notebooks_dir: Path | None = None,
    progress: bool | None = None,
    force: bool = False,
) -> BuildResult:
    """Run the report notebooks in parallel and write HTML, executed notebooks and ``index.html``.

    Args:
        regions: province names in any form (甘肃, 甘, Gansu, 620000). None or
            empty: every province with records.
        all_provinces: all 31 provinces (``regions`` must then be empty).
        lang: ``"en"`` or ``"zh"``.
        out: output folder (default :func:`coop_analysis.paths.reports_dir`).
        jobs: worker processes (default ``os.cpu_count()``, never more than notebooks).
        overview: also build the national overview.
        notebooks_dir: folder holding ``region_report.ipynb`` and
            ``overview.ipynb`` (default :func:`coop_analysis.paths.notebooks_dir`).
        progress: show a tqdm bar on stderr (None: only when stderr is a terminal).
        force: run every notebook; by default a report whose inputs (the data rows it
            reads, notebook, library, lock) and files are those recorded in
            ``<out>/manifest.json`` is left as it is.

    Returns:
        A :class:`BuildResult`; failed notebooks are listed in ``failed``, not raised.

    Raises:
        UnknownRegionError: a region name matches no province (nothing has run).
        ValueError: bad ``lang`` or ``jobs``, region names together with ``all_provinces``,
            or a notebook without the parameters it needs.
        FileNotFoundError: a report notebook is missing.
    """
    from coop_analysis import paths

    started = time.perf_counter()
    lang = check_lang(lang)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs: expected a positive integer, got {jobs!r}")
    if regions is not None and (isinstance(regions, str) or not all(isinstance(r, (str, int)) for r in regions)):
        raise ValueError(f"regions: expected a list of names, got {regions!r}")
    if all_provinces and regions:
        raise ValueError(f"regions: give region names or all_provinces (--all), not both (got {list(regions)!r})")
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    out = Path(out) if out is not None else paths.reports_dir()

    request = manifest.build_request(
        regions, all_provinces, lang, overview, [nb_dir / REGION_NOTEBOOK, nb_dir / OVERVIEW_NOTEBOOK]
    )
    fresh = None if force else manifest.up_to_date_request(out, request)
    if fresh is not None:  # nothing changed since this same build succeeded: no tables loaded, nothing run
        return BuildResult(
            out=out, lang=lang, up_to_date=fresh, index=out / "index.html", seconds=time.perf_counter() - started
        )
    names = _resolve_regions(regions, all_provinces)
    if names:
        _check_notebook(nb_dir / REGION_NOTEBOOK, ["region", "lang"])
    if overview:
        _check_notebook(nb_dir / OVERVIEW_NOTEBOOK, ["lang"])
    planned = _make_jobs(names, lang, out, nb_dir, overview)
    plan = manifest.plan_build(planned, out, force=force)
    todo = [replace(job, build=manifest.build_info(plan.inputs[manifest.entry_id(job)])) for job in plan.run]
    result = BuildResult(out=out, lang=lang, up_to_date=[job.name for job in plan.up_to_date])
    install_assets(out)
    outcomes = _run_jobs(todo, jobs, progress)
    for job in todo:  # report order: overview, then provinces-table order
        outcome = outcomes[job.name]
        if outcome.get("seconds") is not None:
            result.notebook_seconds[job.name] = outcome["seconds"]
        if outcome["ok"]:
            result.succeeded.append(job.name)
        else:
            result.failed.append((job.name, outcome["error"] or "unknown error"))
    result.index = finish_site(out, failures={lang: dict(result.failed)})
    built = [(job, outcomes[job.name]["record"]) for job in todo if outcomes[job.name]["ok"]]
    manifest.record_reports(out, plan, built, request=request if result.ok else None)
    result.seconds = time.perf_counter() - started
    return result


@contextlib.contextmanager
def _spawnable_main() -> Iterator[None]:
    """Let spawned workers start when the parent's ``__main__`` is not a file.

    A spawned worker re-imports the parent's main script from ``__main__.__file__``;
    a script read from standard input (``python - < script.py``) has the file name
    ``<stdin>``, and the worker would die looking for it. The workers need nothing
    from ``__main__`` (the jobs and the worker code live in this module), so the
    name is hidden while they start, as for an interactive session.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not isinstance(path, str) or os.path.isfile(path):
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _run_jobs(todo: list[_Job], jobs: int | None, progress: bool | None) -> dict[str, dict[str, Any]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm import tqdm

    outcomes: dict[str, dict[str, Any]] = {}
    if not todo:
        return outcomes
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    disable = None if progress is None else not progress
    bar = tqdm(total=len(todo), desc="reports", unit="nb", file=sys.stderr, disable=disable, dynamic_ncols=True)
    # spawn: a clean interpreter per worker (no forked pandas/threads state); imports happen in _init_worker
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(stop,))
    try:
        with _spawnable_main():  # the workers start during the first submits
            futures = {pool.submit(_run_job, job): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # a worker died (killed, out of memory …)
                outcome = {"name": job.name, "ok": False, "error": _error_text(exc), "record": None}
            outcomes[job.name] = outcome
            if not outcome["ok"]:
                bar.write(f"reports: {job.name} failed: {outcome['error']}", file=sys.stderr)
            elif outcome.get("warning"):
                bar.write(f"reports: {job.name}: {outcome['warning']}", file=sys.stderr)
            bar.set_postfix_str(job.name, refresh=False)
            bar.update(1)
    except BaseException:
        # Ctrl-C: queued jobs are cancelled or skipped; wait for running notebooks to stop so
        # their temporary files are cleaned up (a second Ctrl-C stops waiting).
        stop.set()
        bar.close()
        print("reports: interrupted; stopping the workers…", file=sys.stderr)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        bar.close()
    pool.shutdown(wait=True)
    return outcomes


# --------------------------------------------------------------------------- CLI


def run_cli(args: argparse.Namespace) -> int:
    """``coop-analysis reports``: build, print a summary; 0 ok, 1 some report failed, 2 bad usage.

    An unknown region raises :class:`~coop_analysis.errors.UnknownRegionError`,
    which ``coop_analysis.cli.main`` turns into exit code 2 with the
    "did you mean …" message.
    """
    out = Path(args.out) if args.out else None
    try:
        result = build_reports(
            list(args.regions or []) or None,
            all_provinces=bool(args.all),
            lang=args.lang,
            out=out,
            jobs=args.jobs,
            overview=not args.no_overview,
            force=bool(getattr(args, "force", False)),
        )
    except ValueError as exc:
        print(f"coop-analysis reports: {exc}", file=sys.stderr)
        return 2
    total = len(result.succeeded) + len(result.failed)
    fresh = f", {len(result.up_to_date)} up to date" if result.up_to_date else ""
    print(
        f"reports: {len(result.succeeded)}/{total} written to {result.out}/{result.lang}{fresh} "
        f"in {result.seconds:.1f} s; index: {result.index}"
    )
    if result.failed:
        print(f"reports: {len(result.failed)} failed:", file=sys.stderr)
        for name, error in result.failed:
            print(f"  {name}: {error}", file=sys.stderr)
        return 1
    return 0
