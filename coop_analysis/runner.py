"""Batch runner behind ``coop-analysis reports``: parallel notebooks → HTML + index.

One region report is ``notebooks/region_report.ipynb`` executed by papermill
with the parameters ``{"region": <English name>, "lang": "en" | "zh"}``; the
national overview is ``notebooks/overview.ipynb`` with ``{"lang": ...}``.

A build, :func:`build_reports`, goes in steps that can be changed one by one:

1. check the arguments and the output folder (nothing runs if one is wrong);
   a build asked for before that succeeded with nothing changed since stops here
   (:func:`coop_analysis.manifest.up_to_date_request`);
2. :func:`plan_jobs` — the notebooks of the build (:class:`~coop_analysis.execution.Job`),
   then :func:`coop_analysis.manifest.plan_build` keeps those whose inputs or
   files changed (all with ``force``);
3. :func:`run_job` for each, in threads: execute the notebook
   (:func:`coop_analysis.execution.execute`, in a kernel forked from the warm
   server of :mod:`coop_analysis.kernels`), :func:`postprocess_notebook` (headline,
   build versions, :func:`coop_analysis.determinism.scrub_notebook`), write the
   ``.ipynb``, facts CSV, images and page (:mod:`coop_analysis.pages`); a notebook
   that raised is written to ``<Region>.failed.ipynb`` instead (for debugging);
4. navigation, fonts and ``index.html`` (:func:`coop_analysis.site.finish_site`),
   then ``manifest.json`` — written on every way out: success, failures, Ctrl-C,
   SIGTERM, a full disk (as far as the disk allows).

A failing notebook, or a killed kernel, fails its report only. Ctrl-C or SIGTERM
stops the build: queued notebooks do not start, running kernels are killed, the
fork server stops, the index is written, then :class:`KeyboardInterrupt` (or
:class:`Terminated`) is raised. An output folder that cannot take files (disk
full, read-only) stops the build with an :class:`~coop_analysis.errors.OutputError`.
Every file is written to a temporary file in its folder and moved into place
with :func:`os.replace`, so a crash never leaves a half-written report.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_analysis import manifest
from coop_analysis.determinism import scrub_notebook
from coop_analysis.errors import OutputError
from coop_analysis.execution import Job, NotebookFailed, Timings, error_text, execute, write_failed, write_report
from coop_analysis.headlines import find_headline
from coop_analysis.pages import OVERVIEW, install_assets, report_stem
from coop_analysis.site import finish_site
from coop_analysis.wording import check_lang, count_label

if TYPE_CHECKING:
    import argparse

__all__ = [
    "BuildResult",
    "BuildStopped",
    "Job",
    "Outcome",
    "Terminated",
    "build_reports",
    "default_jobs",
    "default_regions",
    "plan_jobs",
    "postprocess_notebook",
    "run_cli",
    "run_job",
]

#: Notebook file names inside ``notebooks_dir``.
REGION_NOTEBOOK = "region_report.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"


class Terminated(KeyboardInterrupt):
    """The build received SIGTERM; it stopped like on Ctrl-C (index written, kernels stopped)."""


class BuildStopped(OutputError):
    """The output folder stopped taking files during the build (disk full …); the build stopped."""


# --------------------------------------------------------------------------- checks before running


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


def _check_out(out: Path | str | None) -> Path:
    """The output folder, created; raises ValueError (bad value) or OutputError (cannot write there)."""
    from coop_analysis import paths

    if out is None:
        return paths.reports_dir()
    if not isinstance(out, (str, os.PathLike)) or not str(out).strip():
        raise ValueError(f"out: expected an output folder, got {out!r}")
    out = Path(out)
    for parent in (out, *out.parents):
        if parent.exists() and not parent.is_dir():
            raise ValueError(f"out: {parent} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from exc
    try:  # permissions, a read-only mount, a full disk: try it (root passes os.access on read-only folders)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write to the output folder {out}: {exc.strerror or exc}") from exc
    return out


def default_jobs() -> int:
    """Default parallelism: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


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


# --------------------------------------------------------------------------- the steps


def plan_jobs(names: list[str], lang: str, out: Path, nb_dir: Path, overview: bool) -> list[Job]:
    """The notebooks a build runs: the overview (if asked), then each region, in this order."""
    jobs = []
    lang_dir = str(out / lang)
    if overview:
        title = "全国概览" if lang == "zh" else "National overview"
        jobs.append(Job(OVERVIEW, str(nb_dir / OVERVIEW_NOTEBOOK), {"lang": lang}, lang_dir, OVERVIEW, title))
    if names:
        from coop_analysis.regions import province_names

        display = province_names(lang)
    for name in names:
        params = {"region": name, "lang": lang}
        if not all(type(v) is str for v in params.values()):  # only plain str reach papermill
            raise TypeError(f"report parameters must be plain str: {params!r}")
        title = f"{display.get(name, name)}{'：地区报告' if lang == 'zh' else ' — regional report'}"
        jobs.append(Job(name, str(nb_dir / REGION_NOTEBOOK), params, lang_dir, report_stem(name), title))
    return jobs


def postprocess_notebook(nb: Any, job: Job) -> str | None:
    """Prepare an executed notebook for writing (in place); returns a warning, or None.

    Stores the notebook's headline record (:func:`coop_analysis.reports.record_headline`)
    and the build's data and code versions in ``nb.metadata["coop_analysis"]``, where
    the index and the page footer read them, and scrubs what differs between runs of
    the same inputs (:func:`coop_analysis.determinism.scrub_notebook`).
    """
    from coop_analysis.paths import project_root

    record = find_headline(nb)
    warning = None
    if record is None:
        warning = "the notebook did not call record_headline(); no headline in the index"
        record = {"region": job.name}
    elif record.get("region") != job.name:
        warning = f"record_headline() names the region {record.get('region')!r}, expected {job.name!r}"
    nb.metadata["coop_analysis"] = record | ({"build": dict(job.build)} if job.build else {})
    scrub_notebook(nb, root=project_root())  # same inputs, same bytes (no times, random ids, paths)
    return warning


@dataclass
class Outcome:
    """What became of one job."""

    name: str
    ok: bool = False
    error: str | None = None
    warning: str | None = None
    record: dict[str, Any] | None = None
    failed_notebook: Path | None = None
    interrupted: bool = False  # stopped by Ctrl-C/SIGTERM or a full disk: not counted as failed
    fatal: str | None = None  # the output folder cannot take files: stop the build
    timings: Timings | None = None

    @property
    def seconds(self) -> float | None:
        """Kernel start to files written (or to the notebook's end, if it failed)."""
        end = self.timings and (self.timings.written or self.timings.executed)
        return None if not end or self.timings is None else end - self.timings.started


def run_job(job: Job, *, fork: bool = True, stop: threading.Event | None = None) -> Outcome:
    """Execute one notebook and write its files; never raises (the outcome says what happened)."""
    outcome = Outcome(job.name)
    if stop is not None and stop.is_set():
        outcome.error, outcome.interrupted = "not run (the build was stopped)", True
        return outcome
    timings = outcome.timings = Timings(started=time.perf_counter())
    try:
        nb = execute(job, fork=fork, timings=timings)
        outcome.warning = postprocess_notebook(nb, job)
        write_report(job, nb, timings)
        outcome.ok, outcome.record = True, nb.metadata["coop_analysis"]
    except NotebookFailed as exc:
        outcome.error = exc.error
        if stop is not None and stop.is_set():  # killed because the build stops: no failed copy
            outcome.interrupted = True
            return outcome
        try:
            outcome.failed_notebook = write_failed(job, exc.nb)
        except OutputError as out_exc:
            outcome.fatal = str(out_exc)  # the notebook's own error stays this report's error
        except Exception as write_exc:  # the failure itself is what matters
            outcome.error += f" (its notebook could not be written: {error_text(write_exc)})"
    except OutputError as exc:
        outcome.error = outcome.fatal = str(exc)
    except Exception as exc:  # export or write failed: the previous report stays in place
        outcome.error = error_text(exc)
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
        notebook_seconds: time of each notebook (kernel start to files written).
        outcomes: every job's :class:`Outcome` (with its timings), in report order.
        not_run: names of the notebooks not run or stopped because the build stopped.
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
    outcomes: list[Outcome] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_run


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
    fork: bool = True,
    force: bool = False,
) -> BuildResult:
    """Run the report notebooks in parallel and write HTML, executed notebooks and ``index.html``.

    Args:
        regions: province names in any form (甘肃, 甘, Gansu, 620000). None or
            empty: every province with records.
        all_provinces: all 31 provinces (``regions`` must then be empty).
        lang: ``"en"`` or ``"zh"``.
        out: output folder (default :func:`coop_analysis.paths.reports_dir`).
        jobs: notebooks run at once (default :func:`default_jobs`, never more than notebooks).
        overview: also build the national overview.
        notebooks_dir: folder holding ``region_report.ipynb`` and
            ``overview.ipynb`` (default :func:`coop_analysis.paths.notebooks_dir`).
        progress: show a tqdm bar on stderr (None: only when stderr is a terminal).
        fork: kernels forked from a warm server (:mod:`coop_analysis.kernels`; fresh
            where the platform cannot fork); False: a fresh kernel per notebook.
        force: run every notebook; by default a report whose inputs (the data rows it
            reads, notebook, library, lock) and files are those recorded in
            ``<out>/manifest.json`` is left as it is.

    Returns:
        A :class:`BuildResult`; failed notebooks are listed in ``failed``, not raised.

    Raises:
        UnknownRegionError: a region name matches no province (nothing has run).
        ValueError: bad ``lang``, ``jobs`` or ``out``, region names together with
            ``all_provinces``, or a notebook without the parameters it needs.
        FileNotFoundError: a report notebook is missing.
        OutputError: the output folder cannot take files (checked before running;
            or the disk filled up during the build, which then stops).
        KeyboardInterrupt: Ctrl-C (:class:`Terminated`: SIGTERM); the index is written first.
    """
    from coop_analysis import kernels, paths

    started = time.perf_counter()
    lang = check_lang(lang)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs: expected a positive integer, got {jobs!r}")
    if regions is not None and (isinstance(regions, str) or not all(isinstance(r, (str, int)) for r in regions)):
        raise ValueError(f"regions: expected a list of names, got {regions!r}")
    if all_provinces and regions:
        raise ValueError(f"regions: give region names or all_provinces (--all), not both (got {list(regions)!r})")
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    if out is not None and (not isinstance(out, (str, os.PathLike)) or not str(out).strip()):
        raise ValueError(f"out: expected an output folder, got {out!r}")

    paths.project_root()  # a wrong root is a usage error before any process starts
    request = manifest.build_request(
        regions, all_provinces, lang, overview, [nb_dir / REGION_NOTEBOOK, nb_dir / OVERVIEW_NOTEBOOK]
    )
    site = Path(out) if out is not None else paths.reports_dir()
    fresh = None if force else manifest.up_to_date_request(site, request)
    if fresh is not None:  # nothing changed since this same build succeeded: no tables loaded, nothing run
        return BuildResult(
            out=site, lang=lang, up_to_date=fresh, index=site / "index.html", seconds=time.perf_counter() - started
        )
    if fork:
        kernels.prestart()  # the server preloads while this process checks, plans and imports papermill
    try:
        names = _resolve_regions(regions, all_provinces)
        if names:
            _check_notebook(nb_dir / REGION_NOTEBOOK, ["region", "lang"])
        if overview:
            _check_notebook(nb_dir / OVERVIEW_NOTEBOOK, ["lang"])
        out = _check_out(out)
        plan = manifest.plan_build(plan_jobs(names, lang, out, nb_dir, overview), out, force=force)
        todo = [replace(job, build=manifest.build_info(plan.inputs[manifest.entry_id(job)])) for job in plan.run]
        result = BuildResult(out=out, lang=lang, up_to_date=[job.name for job in plan.up_to_date])
        outcomes: dict[str, Outcome] = {}
        try:
            try:
                install_assets(out)
            except OSError as exc:
                raise OutputError(f"cannot write to the output folder {out}: {exc.strerror or exc}") from exc
            with _sigterm_stops_the_build():
                _run_jobs(todo, jobs, progress, fork, outcomes)
        finally:
            _collect(result, todo, outcomes)
            result.index = _write_index(out, lang, result)
            _record(out, plan, todo, outcomes, request if result.ok and result.index else None)
            result.seconds = time.perf_counter() - started
    finally:
        kernels.stop_servers()  # the server and every kernel it forked stop with the build
    fatal = next((o.fatal for o in result.outcomes if o.fatal), None)
    if fatal:
        raise BuildStopped(f"{fatal}; the build stopped ({count_label(len(result.not_run), 'report')} not run)")
    return result


def _collect(result: BuildResult, todo: list[Job], outcomes: dict[str, Outcome]) -> None:
    for job in todo:  # report order: overview, then provinces-table order
        outcome = outcomes.get(job.name) or Outcome(job.name, error="not run", interrupted=True)
        result.outcomes.append(outcome)
        if outcome.seconds is not None:
            result.notebook_seconds[job.name] = outcome.seconds
        if outcome.ok:
            result.succeeded.append(job.name)
        elif outcome.interrupted:
            result.not_run.append(job.name)
        else:
            result.failed.append((job.name, outcome.error or "unknown error"))


def _write_index(out: Path, lang: str, result: BuildResult) -> Path | None:
    """Pages' navigation and ``index.html`` for what is on disk now; None if they cannot be written."""
    try:
        return finish_site(out, failures={lang: dict(result.failed)})
    except OSError as exc:
        print(f"reports: the index could not be written: {exc.strerror or exc}", file=sys.stderr)
        return None


def _record(
    out: Path, plan: manifest.BuildPlan, todo: list[Job], outcomes: dict[str, Outcome], request: dict | None
) -> None:
    """``manifest.json`` with the reports written (also after Ctrl-C: those are kept next time)."""
    built = [(job, o.record) for job in todo if (o := outcomes.get(job.name)) is not None and o.ok]
    try:
        manifest.record_reports(out, plan, built, request=request)
    except OSError as exc:  # the next build then runs these reports again
        print(f"reports: manifest.json could not be written: {exc.strerror or exc}", file=sys.stderr)


@contextlib.contextmanager
def _sigterm_stops_the_build() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread (like Ctrl-C)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _job_in_thread(job: Job, *, fork: bool, stop: threading.Event) -> Outcome:
    """:func:`run_job` in a pool thread, then close the asyncio loop jupyter's ``run_sync`` left
    in the thread (the next job makes a new one); left open, it is garbage-collected later
    with its sockets, as ResourceWarnings in whatever runs then."""
    try:
        return run_job(job, fork=fork, stop=stop)
    finally:
        import asyncio

        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:  # this thread has no loop
            loop = None
        if loop is not None and not loop.is_running() and not loop.is_closed():
            loop.close()


def _run_jobs(
    todo: list[Job], jobs: int | None, progress: bool | None, fork: bool, outcomes: dict[str, Outcome]
) -> None:
    """Run ``todo`` in threads, filling ``outcomes`` as notebooks finish (also when interrupted)."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm import tqdm

    from coop_analysis import kernels
    from coop_analysis.execution import warm_exporter

    if not todo:
        return
    workers = max(1, min(jobs or default_jobs(), len(todo)))
    warm_exporter()
    stop = threading.Event()
    disable = None if progress is None else not progress
    bar = tqdm(total=len(todo), desc="reports", unit="nb", file=sys.stderr, disable=disable, dynamic_ncols=True)
    pool = ThreadPoolExecutor(workers, thread_name_prefix="report")
    futures = {pool.submit(_job_in_thread, job, fork=fork, stop=stop): job for job in todo}
    try:
        for future in as_completed(futures):
            job, outcome = futures[future], future.result()
            outcomes[job.name] = outcome
            if outcome.fatal:
                stop.set()  # the disk is full or read-only: the other reports would fail the same way
            if not outcome.ok and not outcome.interrupted:
                bar.write(f"reports: {job.name} failed: {outcome.error}", file=sys.stderr)
            elif outcome.warning:
                bar.write(f"reports: {job.name}: {outcome.warning}", file=sys.stderr)
            bar.set_postfix_str(job.name, refresh=False)
            bar.update(1)
    except BaseException:
        # Ctrl-C or SIGTERM: queued notebooks do not start, running kernels are killed so their
        # notebooks end at once; wait for the threads (a second Ctrl-C stops waiting).
        stop.set()
        bar.close()
        print("reports: stopping…", file=sys.stderr)
        kernels.kill_all_kernels()
        pool.shutdown(wait=True, cancel_futures=True)
        for future, job in futures.items():
            if future.done() and not future.cancelled():
                outcomes.setdefault(job.name, future.result())
        raise
    finally:
        bar.close()
        pool.shutdown(wait=True)


# --------------------------------------------------------------------------- CLI


def run_cli(args: argparse.Namespace) -> int:
    """``coop-analysis reports``: build, print a summary.

    Exit codes: 0 every report written; 1 a report failed, the data cannot be
    loaded or the disk filled up during the build; 2 bad usage (unknown region,
    bad option, a project root without data/, an output folder that is a file or
    cannot be written); 130 Ctrl-C; 143 SIGTERM. Every error is one line on stderr.
    """
    from coop_analysis.errors import CoopAnalysisError, ProjectRootError, UnknownRegionError

    prog = "coop-analysis reports"
    if args.out is not None and not str(args.out).strip():
        print(f"{prog}: --out: expected an output folder, got an empty path", file=sys.stderr)
        return 2
    try:
        result = build_reports(
            list(args.regions or []) or None,
            all_provinces=bool(args.all),
            lang=args.lang,
            out=Path(args.out) if args.out is not None else None,
            jobs=args.jobs,
            overview=not args.no_overview,
            fork=not getattr(args, "fresh_kernels", False),
            force=bool(getattr(args, "force", False)),
        )
    except (UnknownRegionError, ProjectRootError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:  # before running: a bad --out (2); during the build: disk full … (1)
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, BuildStopped) else 2
    except (CoopAnalysisError, FileNotFoundError) as exc:  # data or checkout problems
        print(f"{prog}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except Terminated:
        print(f"{prog}: terminated; the index lists the reports written", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; the index lists the reports written", file=sys.stderr)
        return 130
    total = len(result.outcomes)
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
