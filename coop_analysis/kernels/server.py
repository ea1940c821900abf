"""The fork server: a process that preloads the report stack and forks one kernel per request.

Run by :class:`coop_analysis.kernels.client.ForkServer` as::

    python -m coop_analysis.kernels.server REPLY_FD CLIENT_PID

Requests arrive on standard input, replies leave on ``REPLY_FD``, one JSON
object per line. Standard output and error are the client's, so forked kernels
write where a kernel started by jupyter_client would.

The server never runs notebook code. After preloading it keeps one *spare*
child forked ahead: a process that has done the generic post-fork work (new
session, death signal, closed descriptors, fresh random seeds) and waits on a
pipe. A ``fork`` request hands the spare its kernel's command line, environment
and working directory; the spare becomes the kernel (:mod:`.child`) and the
server forks the next spare. Forks happen only from the main loop, after
:func:`~coop_analysis.kernels.preload.fork_blockers` finds no thread, event
loop or zmq context.

The server exits, killing every kernel it forked, when its standard input
closes (the client exited or was killed, even by SIGKILL), when the client
process is gone, on SIGTERM, or on a ``stop`` request.

Requests (``op``): ``fork`` (argv, env, cwd) → ``pid``; ``poll`` (pid) →
``status`` (None while running, else the exit code, negative for a signal);
``signal`` (pid, signum); ``reap`` (pid, timeout) waits briefly for a killed
kernel; ``forget`` (pid); ``retire`` (fork no more, exit when the last kernel
has); ``stop``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import sys
import time
from typing import Any

#: Seconds between checks that the client is still there.
_IDLE_POLL = 0.5


class _Server:
    def __init__(self, reply_fd: int, client_pid: int) -> None:
        self.reply_fd = reply_fd
        self.client_pid = client_pid
        self.children: dict[int, int | None] = {}  # pid -> exit status (None: running)
        self.spare: tuple[int, int] | None = None  # (pid, write end of its assignment pipe)
        self.retiring = False
        self.snapshot: Any = None
        self.buffer = b""

    # ------------------------------------------------------------------ forking
    def make_spare(self) -> str | None:
        """Fork the next spare child; returns why it cannot, or None."""
        from coop_analysis.kernels import child, preload

        blockers = preload.fork_blockers()
        if blockers:
            return "the fork server cannot fork safely: " + "; ".join(blockers)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the spare: never returns
            os.close(write_end)
            child.spare_main(read_end, keep=(read_end,), server_pid=os.getppid(), snapshot=self.snapshot)
        os.close(read_end)
        self.spare = (pid, write_end)
        return None

    def assign(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        if self.spare is None:
            reason = self.make_spare()
            if reason:
                raise RuntimeError(reason)
        assert self.spare is not None
        pid, write_end = self.spare
        self.spare = None
        payload = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode()
        try:
            os.write(write_end, payload)  # a pipe takes 64 KiB at once; environments are smaller
        finally:
            os.close(write_end)
        self.children[pid] = None
        return pid

    def drop_spare(self) -> None:
        if self.spare is not None:
            pid, write_end = self.spare
            self.spare = None
            os.close(write_end)  # the spare reads EOF and exits
            self._kill(pid)

    # ------------------------------------------------------------------ children
    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            if self.spare is not None and pid == self.spare[0]:
                os.close(self.spare[1])
                self.spare = None
            else:
                self.children[pid] = code

    def reap_one(self, pid: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.children.get(pid, 0) is None and time.monotonic() < deadline:
            self.reap()
            if self.children.get(pid, 0) is None:
                time.sleep(0.002)

    @staticmethod
    def _kill(pid: int, signum: int = signal.SIGKILL) -> None:
        try:
            os.killpg(pid, signum)  # the kernel and whatever it started
        except OSError:
            with contextlib.suppress(OSError):
                os.kill(pid, signum)  # not yet in its own session

    def stop(self) -> None:
        self.drop_spare()
        for pid, status in list(self.children.items()):
            if status is None:
                self._kill(pid)
        deadline = time.monotonic() + 5
        while any(s is None for s in self.children.values()) and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.005)

    # ------------------------------------------------------------------ requests
    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        pid = request.get("pid")
        if op == "fork":
            if self.retiring:
                return {"ok": False, "error": "the fork server is retiring"}
            try:
                new = self.assign(list(request["argv"]), dict(request["env"]), str(request["cwd"]))
            except (RuntimeError, OSError) as exc:
                return {"ok": False, "error": str(exc)}
            return {"ok": True, "pid": new}
        if op in ("poll", "signal", "reap", "forget") and pid not in self.children:
            return {"ok": False, "error": f"no kernel {pid} in this server"}
        if op == "poll":
            self.reap()
            return {"ok": True, "status": self.children[pid]}
        if op == "signal":
            if self.children[pid] is None:  # never signal a pid that may have been reused
                try:
                    os.killpg(pid, int(request["signum"]))
                except OSError:
                    try:
                        os.kill(pid, int(request["signum"]))
                    except OSError as exc:
                        return {"ok": False, "error": str(exc)}
            return {"ok": True, "status": self.children[pid]}
        if op == "reap":
            self.reap_one(pid, min(float(request.get("timeout", 1.0)), 5.0))
            return {"ok": True, "status": self.children[pid]}
        if op == "forget":
            if self.children[pid] is not None:
                del self.children[pid]
            return {"ok": True}
        if op == "retire":
            self.retiring = True
            self.drop_spare()
            return {"ok": True}
        if op == "ping":
            from coop_analysis.kernels import preload

            return {"ok": True, "pid": os.getpid(), "children": len(self.children), "blockers": preload.fork_blockers()}
        return {"ok": False, "error": f"unknown request {op!r}"}

    def reply(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self.reply_fd, data) :]

    def requests(self) -> list[dict[str, Any]] | None:
        """Requests waiting on stdin (None: stdin closed)."""
        chunk = os.read(0, 65536)
        if not chunk:
            return None
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    def serve(self) -> None:
        while True:
            self.reap()
            if self.retiring and not any(s is None for s in self.children.values()):
                return
            if self.spare is None and not self.retiring:
                self.make_spare()  # failure is reported on the next fork request
            if os.getppid() != self.client_pid:  # the client is gone (its pipe may be shared)
                return
            ready, _, _ = select.select([0], [], [], _IDLE_POLL)
            if not ready:
                continue
            batch = self.requests()
            if batch is None:
                return
            for request in batch:
                if request.get("op") == "stop":
                    self.reply({"ok": True})
                    return
                self.reply(self.handle(request))


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    reply_fd, client_pid = int(argv[1]), int(argv[2])
    # like ipykernel_launcher: the folder the server was started in is not importable
    if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
        del sys.path[0]
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the client, which stops us
    server = _Server(reply_fd, client_pid)
    try:
        from coop_analysis.kernels import preload

        started = time.perf_counter()
        server.snapshot = preload.Snapshot(preload.import_stack())
        preload.warm_up()
        server.snapshot.restore()  # whatever the warm-up changed
        gc.collect()
        gc.freeze()  # forked kernels do not copy the server's objects by collecting them
        blockers = preload.fork_blockers()
        server.reply({"ok": not blockers, "ready": True, "pid": os.getpid(), "error": "; ".join(blockers),
                      "seconds": round(time.perf_counter() - started, 3)})  # fmt: skip
        if blockers:
            return 1
        server.serve()
    except SystemExit:
        pass
    except BaseException as exc:
        with contextlib.suppress(OSError):
            server.reply({"ok": False, "ready": True, "error": f"{type(exc).__name__}: {exc}"})
        raise
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
