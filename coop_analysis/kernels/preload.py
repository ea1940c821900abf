"""What the fork server loads before it forks, and the environment it loads it in.

Everything here runs in the server process, once, before the first fork:

* :data:`PRELOAD_MODULES` — an allowlist of modules imported in the server (the
  kernel machinery and the report stack). Nothing on it looks for a running
  IPython at import time; :data:`NEVER_PRELOAD` lists modules that do (they would
  decide "no IPython here" once, in the server, for every kernel) and
  :func:`check_preloaded` refuses a server that has one of them loaded.
* :func:`preload_env` — the server imports under an environment reduced to the
  variables that modules read *at import time* (:func:`import_time_variable`),
  copied from the environment the kernel would get. Two kernels whose
  import-time variables differ never share a server (the variables are the
  server's key). Each forked kernel then gets its full environment.
* :class:`Snapshot` — interpreter state a kernel may change (matplotlib's
  rcParams, pandas' options, warning filters), recorded right after the imports
  and before the warm-up, and put back in every forked kernel.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import io
import logging
import os
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: Modules imported by the server, in this order (:data:`PRELOAD_MODULES`): the kernel's
#: own machinery first (a fresh kernel imports it before any notebook code runs) …
#: matplotlib's pyplot and the inline backend are on neither list: they hook into the
#: running IPython shell when imported, and the server has none.
KERNEL_MODULES: tuple[str, ...] = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",  # imports debugpy: 0.4 s of every kernel start
    "IPython.core.interactiveshell",
    "IPython.display",
)
#: … then what report notebooks import (a fresh kernel imports these after it has started).
REPORT_MODULES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "coop_analysis.datasets",
    "coop_analysis.profiles",
    "coop_analysis.narrative",
    "coop_analysis.figures",
    "coop_analysis.reports",
)
PRELOAD_MODULES: tuple[str, ...] = KERNEL_MODULES + REPORT_MODULES

#: Modules that must not be loaded in the server: each checks for IPython (or
#: registers with the running shell) when it is imported.
NEVER_PRELOAD: tuple[str, ...] = (
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "tqdm.auto",
    "tqdm.autonotebook",
    "tqdm.notebook",
    "ipywidgets",
)

#: Environment variables modules read when imported (exact names) …
_IMPORT_TIME_NAMES = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "SHELL", "IPYTHONDIR",
     "MPLBACKEND", "MPLCONFIGDIR", "JPY_PARENT_PID", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
     "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VIRTUAL_ENV", "CONDA_PREFIX"}
)  # fmt: skip
#: … and prefixes: interpreter, locale, XDG folders, Jupyter, matplotlib, numpy, pandas,
#: the debugger ipykernel loads (debugpy/pydevd), pypinyin (loaded by the warm-up), and
#: this package (data root, cache).
_IMPORT_TIME_PREFIXES = (
    "PYTHON", "LC_", "XDG_", "JUPYTER", "JPY_", "MPL", "NPY_", "NUMPY_", "PANDAS_", "ARROW_", "JE_ARROW_",
    "PYDEVD", "DEBUGPY", "PYPINYIN_", "COOP_ANALYSIS_",
)  # fmt: skip


def import_time_variable(name: str) -> bool:
    """Is ``name`` an environment variable that a preloaded module may read when imported?"""
    return name in _IMPORT_TIME_NAMES or name.startswith(_IMPORT_TIME_PREFIXES)


def preload_env(kernel_env: Mapping[str, str]) -> dict[str, str]:
    """The server's environment for a kernel environment: its import-time variables only.

    Two more rules make the server's imports match a fresh kernel's and keep the
    server forkable:

    * ``MPLBACKEND``: a fresh ipykernel sets it to the inline backend when it is
      unset, before any notebook code imports matplotlib; the server does the same.
    * ``OPENBLAS_NUM_THREADS`` (and OpenMP/MKL): numpy's OpenBLAS starts a thread
      pool when imported, and a process with threads must not fork. Unless the
      kernel's environment sets them, the server imports with one BLAS thread (so
      forked kernels run single-threaded BLAS; reports do no linear algebra).
    * ``JE_ARROW_MALLOC_CONF``: pyarrow (imported by pandas) starts jemalloc's
      background thread when loaded; the server turns it off unless the kernel's
      environment says otherwise (memory is then returned inline, not by a thread).
    """
    env = {k: v for k, v in kernel_env.items() if import_time_variable(k) and k != "PYTHONEXECUTABLE"}
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env["JPY_PARENT_PID"] = str(os.getpid())  # what jupyter_client's launcher gives a kernel of this process
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    env.setdefault("JE_ARROW_MALLOC_CONF", "background_thread:false")  # pyarrow's jemalloc (pandas imports it)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def server_key(kernel_env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Kernels whose environments give the same key may be forked from one server."""
    return tuple(sorted(preload_env(kernel_env).items()))


class Snapshot:
    """State a notebook may change or an import sets up, recorded in the server and put back in each kernel.

    * ``env_set_by_imports``: environment variables the imports set (debugpy sets
      ``PYDEVD_USE_FRAME_EVAL`` when it is unset); a kernel gets them unless its
      own environment has them, as if it had imported the modules itself;
    * matplotlib's rcParams and pandas' options, as right after the imports;
    * warning filters: those of the kernel machinery's imports, and separately
      those the report stack's imports add (numpy's, for one). A fresh kernel
      adds the latter when a notebook imports numpy, after its own start-up, so
      they go back in front of the list only after the kernel has initialised
      (:meth:`add_import_filters`).
    """

    def __init__(self, effects: ImportEffects) -> None:
        import matplotlib
        from pandas._config import config as pd_config

        self.env_set_by_imports = dict(effects.env)
        self.kernel_filters = list(effects.kernel_filters)
        self.report_filters = list(effects.report_filters)
        self.rc = dict(matplotlib.rcParams)  # validated values: restored without re-validation
        self.pandas = copy.deepcopy(pd_config._global_config)

    def restore(self) -> None:
        """rcParams, pandas options and the kernel machinery's warning filters as recorded."""
        import matplotlib
        from pandas._config import config as pd_config

        params = matplotlib.rcParams
        dict.clear(params)
        dict.update(params, self.rc)
        pd_config._global_config.clear()
        pd_config._global_config.update(copy.deepcopy(self.pandas))
        warnings.filters[:] = self.kernel_filters
        warnings._filters_mutated()  # type: ignore[attr-defined]

    def add_import_filters(self) -> None:
        """Put the report stack's import-time warning filters in front, as its imports would."""
        warnings.filters[:0] = self.report_filters
        warnings._filters_mutated()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ImportEffects:
    """What :func:`import_stack` changed besides loading modules."""

    env: dict[str, str]
    kernel_filters: list[Any]
    report_filters: list[Any]


def import_stack() -> ImportEffects:
    """Import :data:`PRELOAD_MODULES` (in the server, under :func:`preload_env`).

    What the imports print (debugpy warns about frozen modules) is logged at
    debug level: in a fresh kernel it goes to the kernel's output channel,
    before any cell runs, where no notebook sees it.
    """
    before = dict(os.environ)
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed), contextlib.redirect_stdout(printed):
        for name in KERNEL_MODULES:
            importlib.import_module(name)
        kernel_filters = list(warnings.filters)
        for name in REPORT_MODULES:
            importlib.import_module(name)
    if printed.getvalue().strip():
        log.debug("fork server: the imports printed: %s", printed.getvalue().strip())
    report_filters = [f for f in warnings.filters if f not in kernel_filters]
    return ImportEffects(
        env={k: v for k, v in os.environ.items() if before.get(k) != v},
        kernel_filters=kernel_filters,
        report_filters=report_filters,
    )


def warm_up() -> None:
    """Load every table, build the place-name lookups and make one map, so kernels start with warm caches.

    Loading the tables reads (and validates, or takes from the on-disk cache) each
    data file; English place names import pypinyin (its dictionaries) and build the
    place-name automaton; drawing the map loads the boundaries, the fonts and
    matplotlib's text caches (unless the chart cache has the map: then no kernel
    of an unchanged build draws either). Any failure here is logged and ignored: a
    kernel then does the work itself.
    """
    try:
        import coop_analysis
        from coop_analysis import figures, profiles, regions

        for name in coop_analysis.__all__:
            if name.startswith("load_"):
                getattr(coop_analysis, name)()
        # built on first use and slow to build (pypinyin's dictionaries 0.3–0.6 s, the
        # place-name automaton 0.1 s): every English timeline names places in English
        regions.place_name_en("札达县")
        regions.romanize("东西部")
        regions.place_matches("上海")
        provinces = profiles.provinces_with_records()
        if provinces:
            # drawn and encoded, and kept in the chart cache for the kernel that shows it; when
            # the cache holds it already, nothing is drawn (kernels take their charts from it too)
            figures.region_map(profiles.region_profile(provinces[0]), "en")._repr_mimebundle_()
    except Exception as exc:  # a data problem is the kernel's to report, not the server's
        log.warning("fork server: warm-up skipped: %s: %s", type(exc).__name__, exc)


def check_preloaded() -> list[str]:
    """Modules of :data:`NEVER_PRELOAD` loaded in this process (must be empty before a fork)."""
    return [name for name in NEVER_PRELOAD if name in sys.modules]


def native_thread_count() -> int:
    """Threads of this process as the OS sees them (Linux), else Python's count."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def fork_blockers() -> list[str]:
    """Why this process must not fork now (empty list: it may)."""
    import asyncio
    import threading

    problems = []
    if threading.active_count() != 1 or native_thread_count() != 1:
        problems.append(f"{native_thread_count()} threads ({threading.active_count()} Python threads)")
    zmq = sys.modules.get("zmq")
    if zmq is not None and getattr(zmq.Context, "_instance", None) is not None:
        problems.append("a zmq context exists")
    if asyncio.events._get_running_loop() is not None:
        problems.append("an asyncio event loop is running")
    loop = getattr(asyncio.events.get_event_loop_policy(), "_local", None)
    if getattr(loop, "_loop", None) is not None:
        problems.append("an asyncio event loop exists")
    problems += [f"{name} is loaded (it checks for IPython at import)" for name in check_preloaded()]
    return problems
