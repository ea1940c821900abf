"""Run one report notebook: papermill in a kernel, then the files readers open, written atomically.

Used by the batch runner (:mod:`coop_analysis.runner`), from several threads at
once: papermill waits on a kernel process most of the time, so threads cost
less than worker processes (no second interpreter importing papermill and
nbconvert, no pickling). The page exporter (:func:`coop_analysis.pages.make_exporter`)
is built once (:func:`export_html`).

papermill is called with no output path and no working-directory change:
``papermill.execute_notebook(cwd=...)`` changes the *process's* working
directory, which threads share, so the kernel gets its folder through nbclient's
``resources`` instead; and nothing is written until the notebook has run, so
every file is written whole (:mod:`coop_analysis.fileio`) — the
``.failed.ipynb`` of a notebook that raised too.
"""

from __future__ import annotations

import contextlib
import errno
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coop_analysis import fileio
from coop_analysis.errors import OutputError

__all__ = ["ENGINE", "Job", "NotebookFailed", "execute", "export_html", "import_stack", "write_failed", "write_report"]

#: papermill engine name of :class:`_Engine` (registered by :func:`import_stack`).
ENGINE = "coop-analysis"
#: Kernel command-line options: ipykernel >= 7 warns on every start that its local
#: TCP connection is unencrypted (it is HMAC-signed, as always), and logs an ERROR when
#: jupyter_client interrupts it before shutdown. Errors in notebook code still reach the
#: notebook (and a dead kernel fails the report), so the kernel log is kept to CRITICAL.
KERNEL_ARGS: tuple[str, ...] = ("--IPKernelApp.log_level=CRITICAL",)
#: Longest a single cell may run before the notebook counts as failed (seconds).
CELL_TIMEOUT = 600
#: Longest a kernel may take to start (seconds).
START_TIMEOUT = 60
#: errno values that mean "the output folder cannot take files": the build stops.
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG})


@dataclass(frozen=True)
class Job:
    """One notebook to run and the files it becomes."""

    name: str  # English province name or "overview"
    notebook: str
    parameters: dict[str, str]
    out_dir: str
    stem: str
    title: str
    build: dict[str, str] = field(default_factory=dict, compare=False)  # data and code versions (manifest)

    @property
    def ipynb(self) -> Path:
        return Path(self.out_dir) / f"{self.stem}.ipynb"

    @property
    def html(self) -> Path:
        return Path(self.out_dir) / f"{self.stem}.html"

    @property
    def failed(self) -> Path:
        return Path(self.out_dir) / f"{self.stem}.failed.ipynb"


class NotebookFailed(Exception):
    """A notebook raised, timed out or lost its kernel; ``nb`` is what it got to (or None)."""

    def __init__(self, error: str, nb: Any = None) -> None:
        super().__init__(error)
        self.error = error
        self.nb = nb


@dataclass
class Timings:
    """Where one notebook's time went (seconds, from :func:`time.perf_counter`)."""

    started: float = 0.0
    kernel_ready: float | None = None
    cells_done: float | None = None
    executed: float | None = None
    exported: float | None = None
    written: float | None = None
    cells: list[tuple[str, float]] = field(default_factory=list)  # (source, seconds)

    def phases(self) -> dict[str, float]:
        """Kernel start, cells, shutdown, export and write, each in seconds (those measured)."""
        marks = [("kernel", self.kernel_ready), ("cells", self.cells_done), ("shutdown", self.executed),
                 ("export", self.exported), ("write", self.written)]  # fmt: skip
        out, last = {}, self.started
        for name, mark in marks:
            if mark is not None:
                out[name] = mark - last
                last = mark
        return out


# --------------------------------------------------------------------------- the notebook stack

_stack: dict[str, Any] = {}
_stack_lock = threading.Lock()
_export_lock = threading.Lock()


def import_stack() -> dict[str, Any]:
    """Import papermill and nbformat once per process; register the papermill engine.

    ``jsonschema`` imports ``rfc3987_syntax`` (if installed, as with jupyterlab)
    only to check the "iri" format, which builds a grammar and costs ~1.5 s;
    nbformat's schema (draft 4) never uses that format, so the import is skipped
    when nothing has imported jsonschema yet.
    """
    with _stack_lock:
        if _stack:
            return _stack
        import logging

        if "jsonschema" not in sys.modules:
            sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
        logging.getLogger("papermill").setLevel(logging.WARNING)
        import nbformat
        import papermill
        from papermill.engines import NBClientEngine, papermill_engines

        class _Engine(NBClientEngine):  # type: ignore[misc]
            """papermill's nbclient engine that hands the notebook being run to the caller.

            papermill raises on a failed cell without the notebook; the runner keeps
            it to write ``.failed.ipynb`` itself.
            """

            @classmethod
            def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
                kwargs.pop("holder")["nb"] = nb_man.nb
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

        papermill_engines.register(ENGINE, _Engine)
        _stack.update(papermill=papermill, nbformat=nbformat)
        return _stack


def export_html(nb: Any, title: str, *, lang: str = "en", stem: str = "page") -> Any:
    """The report page of an executed notebook (:func:`coop_analysis.pages.render_page`).

    One exporter (:func:`coop_analysis.pages.make_exporter`) serves the process:
    it is built and warmed once (its templates compiled, BeautifulSoup's tables
    loaded: ~0.4 s), and threads take turns, which costs nothing since exporting
    holds the GIL throughout. ``nb`` is changed in place (see ``render_page``).
    """
    from coop_analysis.pages import make_exporter, render_page

    with _export_lock:
        if "exporter" not in _stack:
            import_stack()
            _stack["exporter"] = make_exporter()
        return render_page(nb, title, _stack["exporter"], lang=lang, stem=stem)


def warm_exporter() -> None:
    """Build the exporter and export a one-cell notebook (while kernels start, not during the first report)."""
    nbformat = import_stack()["nbformat"]
    export_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("warm-up")]), "warm-up")


def error_text(exc: BaseException) -> str:
    """One line for a failed notebook: the notebook's own error, or the exception's first line."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename is not None:  # PapermillExecutionError: the notebook raised
        where = getattr(exc, "exec_count", None)
        return f"{ename}: {evalue}" + (f" (cell [{where}])" if where is not None else "")
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


# --------------------------------------------------------------------------- one notebook


def execute(job: Job, *, fork: bool = True, timings: Timings | None = None) -> Any:
    """Run ``job``'s notebook with papermill; returns the executed notebook.

    ``fork``: a kernel forked from the warm server (:mod:`coop_analysis.kernels`;
    fresh where the platform cannot fork), else a fresh kernel of this interpreter.

    Raises:
        NotebookFailed: the notebook raised, timed out or its kernel died (with the
            notebook as far as it ran, when there is one).
    """
    from coop_analysis import kernels

    stack = import_stack()
    timings = timings if timings is not None else Timings(started=time.perf_counter())
    holder: dict[str, Any] = {}
    cwd = str(Path(job.notebook).parent)

    def ready(**_: Any) -> None:
        timings.kernel_ready = time.perf_counter()

    def cell_done(**_: Any) -> None:  # papermill runs the cells itself: nbclient's notebook hooks never fire
        timings.cells_done = time.perf_counter()

    try:
        nb = stack["papermill"].execute_notebook(
            job.notebook,
            None,
            parameters=dict(job.parameters),
            engine_name=ENGINE,
            holder=holder,
            kernel_name=kernels.KERNEL_NAME if fork else kernels.FRESH_KERNEL_NAME,
            kernel_manager_class=kernels.ForkKernelManager,
            resources={"metadata": {"path": cwd}},  # the kernel's working directory
            on_notebook_start=ready,
            on_cell_executed=cell_done,
            progress_bar=False,
            request_save_on_cell_execute=False,
            start_timeout=START_TIMEOUT,
            execution_timeout=CELL_TIMEOUT,
            extra_arguments=list(KERNEL_ARGS),
            shutdown_kernel="immediate",
        )
    except Exception as exc:
        raise NotebookFailed(error_text(exc), holder.get("nb")) from exc
    finally:
        timings.executed = time.perf_counter()
        nb_seen = holder.get("nb")
        if nb_seen is not None:
            timings.cells = _cell_seconds(nb_seen)
    return nb


def _cell_seconds(nb: Any) -> list[tuple[str, float]]:
    """(source, seconds) of each executed code cell, from papermill's cell metadata."""
    from datetime import datetime

    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("papermill", {})
        start, end = meta.get("start_time"), meta.get("end_time")
        if cell.get("cell_type") == "code" and start and end:
            seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
            out.append((cell.get("source", ""), seconds))
    return out


def _output_error(exc: OSError, paths: list[Path]) -> OutputError | None:
    if exc.errno not in OUTPUT_ERRNOS:
        return None
    return OutputError(f"cannot write to {paths[0].parent}: {exc.strerror or exc}")


def _write(files: dict[Path, str | bytes]) -> None:
    try:
        for folder in {path.parent for path in files}:  # a page's <stem>_files/
            folder.mkdir(parents=True, exist_ok=True)
        fileio.atomic_write_all(files)
    except OSError as exc:
        error = _output_error(exc, list(files))
        if error is not None:
            raise error from exc
        raise


def write_report(job: Job, nb: Any, timings: Timings | None = None) -> None:
    """Write ``job``'s ``.ipynb``, facts CSV, images and page, replaced together once all are written in full.

    The page is moved into place last, once everything it links to is there.

    Raises:
        OutputError: the output folder cannot take the files (disk full, read-only …).
    """
    from coop_analysis.pages import facts_csv

    notebook_text = import_stack()["nbformat"].writes(nb)  # before rendering, which drops headline outputs
    rendered = export_html(nb, job.title, lang=str(job.parameters["lang"]), stem=job.stem)
    facts = facts_csv(job.name)
    if timings is not None:
        timings.exported = time.perf_counter()
    out_dir = Path(job.out_dir)
    files: dict[Path, str | bytes] = {job.ipynb: notebook_text, out_dir / f"{job.stem}.facts.csv": facts}
    files.update({out_dir / name: data for name, data in rendered.files.items()})
    files[job.html] = rendered.html
    _write(files)
    with contextlib.suppress(OSError):  # a stale failed copy shows as "an earlier run failed"
        job.failed.unlink(missing_ok=True)
    if timings is not None:
        timings.written = time.perf_counter()


def write_failed(job: Job, nb: Any) -> Path | None:
    """Write the notebook of a failed run to ``<stem>.failed.ipynb`` (whole or not at all).

    Returns the path, or None when there was no notebook to write.

    Raises:
        OutputError: the output folder cannot take the file.
    """
    if nb is None:
        return None
    _write({job.failed: import_stack()["nbformat"].writes(nb)})
    return job.failed
