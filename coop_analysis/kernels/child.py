"""What a forked child does to become a kernel indistinguishable from a fresh one.

Runs only in children of the fork server (:mod:`.server`), and never returns:
the child ends with :func:`os._exit`. In order:

1. generic work, done while the child waits as the server's *spare*: a new
   session (its own process group, no controlling terminal — as jupyter_client
   starts kernels), a death signal so it dies with the server (Linux
   ``PR_SET_PDEATHSIG``), default signal handlers, only standard input, output
   and error left open (standard input a pipe with no writer, as jupyter_client
   leaves it), fresh seeds for ``random`` and numpy's global generator;
2. on assignment: its own working directory, its own environment (replacing the
   server's reduced one), ``sys.argv``, ``__main__`` and ``sys.path`` as
   ``python -m ipykernel_launcher`` has them, matplotlib rcParams, pandas
   options and warning filters as recorded after the imports;
3. ``ipykernel``'s kernel application, with the server as the parent it
   watches; once it has initialised, the warning filters the report stack's
   imports add go in front, where a notebook's imports would put them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import random
import signal
import sys
import traceback
import types
from typing import Any, NoReturn

#: prctl option: signal to receive when the parent thread exits (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def _die_with_parent(server_pid: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != server_pid:  # the server died before the death signal was armed
        os._exit(70)


def _reset_signals() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as the interpreter starts


def _close_inherited(keep: tuple[int, ...]) -> None:
    """Standard input: a pipe with no writer (as jupyter_client leaves a kernel's); nothing above 2 but ``keep``."""
    read_end, write_end = os.pipe()
    os.dup2(read_end, 0)
    os.close(read_end)
    os.close(write_end)
    for fd in sorted(_open_fds()):
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 256))


def _reseed() -> None:
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # the legacy global RandomState, from OS entropy


def _read_assignment(fd: int) -> dict[str, Any] | None:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return json.loads(b"".join(chunks)) if chunks else None


def _as_launcher(argv: list[str], cwd: str, env: dict[str, str]) -> None:
    """Process state as ``python -m ipykernel_launcher ARGV`` started in ``cwd`` with ``env`` has it."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    spec = importlib.util.find_spec("ipykernel_launcher")
    main = types.ModuleType("__main__")
    main.__file__ = spec.origin if spec else None  # type: ignore[assignment]
    main.__spec__ = spec
    main.__loader__ = spec.loader if spec else None
    main.__package__ = ""
    main.__builtins__ = __builtins__  # type: ignore[attr-defined]
    sys.modules["__main__"] = main
    sys.argv = [main.__file__ or "ipykernel_launcher", *argv]


def spare_main(assignment_fd: int, keep: tuple[int, ...], server_pid: int, snapshot: Any) -> NoReturn:
    """Entry of a freshly forked child; becomes a kernel once assigned, or exits."""
    code = 1
    try:
        os.setsid()
        _die_with_parent(server_pid)
        _reset_signals()
        _close_inherited(keep)
        _reseed()
        job = _read_assignment(assignment_fd)
        if job is None:  # the server dropped its spare
            os._exit(0)
        env = dict(job["env"])
        if snapshot is not None:
            env = snapshot.env_set_by_imports | env
        _as_launcher(list(job["argv"]), str(job["cwd"]), env)
        if snapshot is not None:
            snapshot.restore()
        argv = [*job["argv"], f"--IPKernelApp.parent_handle={server_pid}"]
        sys.argv = [sys.argv[0], *argv]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()  # what ipykernel's launch_new_instance does, in two steps
        app.initialize(argv)
        if snapshot is not None:
            snapshot.add_import_filters()
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
