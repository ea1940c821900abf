"""The client side of the fork server: start, ask, restart and stop servers.

One :class:`ForkServer` per *key* (the import-time environment variables of
the kernels it serves, :func:`~coop_analysis.kernels.preload.server_key`) and
per *fingerprint* of the library source and data: when a source file or a data
file changes, the next kernel comes from a new server and the old one retires
(it forks no more and exits once its kernels have). Servers are shared by every
thread of the process; requests are serialised by a lock.

A server that cannot start, or dies, is replaced on the next request, at most
:data:`MAX_STARTS` times per key; after that (and on platforms without a safe
``fork``) kernels start fresh. :func:`stop_all` stops every server (and so every
kernel they forked); it runs at interpreter exit too, and a server whose client
dies — even by SIGKILL — sees its standard input close and stops by itself.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coop_analysis.kernels import preload

log = logging.getLogger(__name__)

#: Environment variable that turns forking off ("0", "no", "false", "off").
FORK_ENV = "COOP_ANALYSIS_FORK"
#: Longest wait for a server to preload (seconds); a slower server is given up.
READY_TIMEOUT = 120.0
#: Longest wait for any other reply (seconds).
REPLY_TIMEOUT = 30.0
#: Servers started per key before falling back to fresh kernels for good.
MAX_STARTS = 3


class ForkServerError(RuntimeError):
    """The fork server could not start a kernel (the caller starts a fresh one instead)."""


def fork_supported() -> bool:
    """True where kernels may be forked: Linux, unless ``COOP_ANALYSIS_FORK`` turns it off.

    macOS is left out on purpose: its system frameworks are not safe to use in a
    forked child once loaded (Python itself defaults to spawn there); Windows has
    no ``fork``.
    """
    if os.environ.get(FORK_ENV, "").strip().lower() in {"0", "no", "false", "off"}:
        return False
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def fingerprint(env: Mapping[str, str]) -> str:
    """Digest of the library's source files and the data files the kernels would read.

    The content (SHA-256) of every ``.py`` file of the package and every file
    under ``<root>/data`` (root from ``COOP_ANALYSIS_ROOT`` in ``env``), with
    its path: any edit is seen, also one of the same size with its modification
    time restored. A file is read again only when its inode, size, modification
    or change time differ from the last call (:func:`coop_analysis.cache.file_digest`),
    so a check without changes costs one ``stat`` per file.
    """
    from coop_analysis import paths
    from coop_analysis.cache import file_digest

    root = env.get("COOP_ANALYSIS_ROOT")
    data = (Path(root).resolve() if root else paths.PACKAGE_DIR.parent) / "data"
    digest = hashlib.sha256()
    for folder, pattern in ((paths.PACKAGE_DIR, "*.py"), (data, "*")):
        for path in sorted(folder.rglob(pattern)):
            try:
                if path.is_file():
                    digest.update(f"{path}\0{file_digest(path)}\n".encode())
            except OSError:
                continue
    return digest.hexdigest()


class ForkServer:
    """One server process; the methods are thread-safe and raise :class:`ForkServerError`."""

    def __init__(self, kernel_env: Mapping[str, str], fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self.key = preload.server_key(kernel_env)
        self._lock = threading.Lock()
        self._ready: dict[str, Any] | None = None
        self._buffer = b""
        self.closed = False
        reply_read, reply_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "coop_analysis.kernels.server", str(reply_write), str(os.getpid())],
                stdin=subprocess.PIPE,
                env=preload.preload_env(kernel_env),
                pass_fds=(reply_write,),
                start_new_session=True,  # Ctrl-C in a terminal reaches the client, which stops the server
            )
        except BaseException:
            os.close(reply_read)
            raise
        finally:
            os.close(reply_write)
        self._replies = reply_read
        self.pid = self.process.pid

    # ------------------------------------------------------------------ protocol
    def _read_line(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._replies], [], [], max(0.0, left))
            if not ready:
                raise ForkServerError(f"the fork server (pid {self.pid}) did not answer within {timeout:.0f} s")
            chunk = os.read(self._replies, 65536)
            if not chunk:
                raise ForkServerError(f"the fork server (pid {self.pid}) exited (code {self.process.poll()})")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def _wait_ready(self) -> None:
        if self._ready is None:
            self._ready = self._read_line(READY_TIMEOUT)
            if self._ready.get("ok"):
                log.debug("fork server %s ready in %s s", self.pid, self._ready.get("seconds"))
        if not self._ready.get("ok"):
            raise ForkServerError(f"the fork server could not start: {self._ready.get('error')}")

    def wait_ready(self) -> None:
        """Wait until the server has preloaded (raises :class:`ForkServerError` if it cannot start)."""
        with self._lock:
            if self.closed:
                raise ForkServerError("the fork server was stopped")
            self._wait_ready()

    def request(self, op: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            if self.closed:
                raise ForkServerError("the fork server was stopped")
            self._wait_ready()
            try:
                assert self.process.stdin is not None
                self.process.stdin.write((json.dumps({"op": op, **fields}) + "\n").encode())
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                raise ForkServerError(f"the fork server (pid {self.pid}) is gone") from exc
            reply = self._read_line(REPLY_TIMEOUT)
        if not reply.get("ok"):
            raise ForkServerError(str(reply.get("error")))
        return reply

    # ------------------------------------------------------------------ kernels
    def fork(self, argv: list[str], env: Mapping[str, str], cwd: str) -> int:
        return int(self.request("fork", argv=list(argv), env=dict(env), cwd=str(cwd))["pid"])

    def poll(self, pid: int) -> int | None:
        """Exit status of a kernel (None while it runs); a dead server's kernels died with it."""
        try:
            return self.request("poll", pid=pid)["status"]
        except ForkServerError:
            return -9

    def signal(self, pid: int, signum: int) -> None:
        try:
            self.request("signal", pid=pid, signum=int(signum))
        except ForkServerError:
            if self.alive():
                raise

    def reap(self, pid: int, timeout: float = 1.0) -> int | None:
        try:
            return self.request("reap", pid=pid, timeout=timeout)["status"]
        except ForkServerError:
            return -9

    def forget(self, pid: int) -> None:
        with contextlib.suppress(ForkServerError):
            self.request("forget", pid=pid)

    # ------------------------------------------------------------------ life
    def alive(self) -> bool:
        return not self.closed and self.process.poll() is None

    def retire(self) -> None:
        """Fork no more; the server exits once its running kernels have."""
        with contextlib.suppress(ForkServerError):
            self.request("retire")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server and every kernel it forked; waits for it to exit."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            try:
                if self.process.stdin is not None:
                    self.process.stdin.close()  # EOF: the server kills its kernels and exits
            except OSError:
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()  # its kernels then die of their death signal
                self.process.wait()
            os.close(self._replies)


# ---------------------------------------------------------------------- the servers of this process

_servers: dict[tuple[tuple[str, str], ...], ForkServer] = {}
_retired: list[ForkServer] = []
_starts: dict[tuple[tuple[str, str], ...], int] = {}
_registry_lock = threading.Lock()


def server_for(kernel_env: Mapping[str, str]) -> ForkServer | None:
    """The server for kernels with this environment (started or replaced as needed); None: start fresh."""
    if not fork_supported():
        return None
    key = preload.server_key(kernel_env)
    current = fingerprint(kernel_env)
    with _registry_lock:
        server = _servers.get(key)
        if server is not None and server.alive() and server.fingerprint == current:
            return server
        if server is not None:
            del _servers[key]
            if server.alive():
                log.info("library or data changed: the fork server restarts")
                server.retire()
                _retired.append(server)
            else:
                log.warning("the fork server (pid %s) died; starting another", server.pid)
                server.stop()
        if _starts.get(key, 0) >= MAX_STARTS:
            return None
        _starts[key] = _starts.get(key, 0) + 1
        server = ForkServer(kernel_env, current)
        _servers[key] = server
        return server


def prestart(kernel_env: Mapping[str, str] | None = None) -> ForkServer | None:
    """Start the server for ``kernel_env`` (default: this process's environment) ahead of the first kernel."""
    return server_for(dict(os.environ if kernel_env is None else kernel_env))


def give_up(server: ForkServer) -> None:
    """Stop using ``server`` for good after it failed (its key falls back to fresh kernels)."""
    with _registry_lock:
        if _servers.get(server.key) is server:
            del _servers[server.key]
        _starts[server.key] = MAX_STARTS
    server.stop()


def stop_all() -> None:
    """Stop every fork server of this process, and so every kernel forked by them."""
    with _registry_lock:
        servers = [*_servers.values(), *_retired]
        _servers.clear()
        _retired.clear()
        _starts.clear()
    for server in servers:
        server.stop()


def server_pids() -> list[int]:
    """Process ids of the running fork servers (for tests and diagnostics)."""
    with _registry_lock:
        return [s.pid for s in [*_servers.values(), *_retired] if s.alive()]


atexit.register(stop_all)
