"""The jupyter_client kernel provisioner that forks kernels from the fork server.

Registered as ``coop-analysis-fork`` in the ``jupyter_client.kernel_provisioners``
entry point group, so any kernelspec naming it in
``metadata.kernel_provisioner.provisioner_name`` gets forked kernels — in
papermill, nbclient, nbval or JupyterLab alike.

It is jupyter_client's :class:`LocalProvisioner` (connection file, command
line) with ports nothing else takes before the kernel binds them
(:mod:`.ports`: outside the ephemeral range, and for a forked kernel chosen
again once its server is ready — starting a server takes seconds), and with
another way to start and watch the process: the command
``python -m ipykernel_launcher …`` of this interpreter is handed to the fork
server (:mod:`coop_analysis.kernels.client`) instead of being executed. Any
other command, a platform without ``fork``, ``COOP_ANALYSIS_FORK=0`` or a
server that cannot serve starts the kernel fresh, exactly as LocalProvisioner
does. The kernel is a child of the server, not of this process: it is polled,
signalled (its process group) and reaped through the server, which never
signals a process it has already reaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import weakref
from typing import Any

from jupyter_client.connect import KernelConnectionInfo, LocalPortCache
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool

from coop_analysis.kernels import client, ports

log = logging.getLogger(__name__)

#: Every provisioner with a live kernel in this process (for :func:`kill_all_kernels`).
_live: weakref.WeakSet[ForkProvisioner] = weakref.WeakSet()


def _is_this_ipykernel(cmd: list[str]) -> bool:
    return (
        len(cmd) >= 3
        and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
        and cmd[1:3] == ["-m", "ipykernel_launcher"]
    )


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Kernels forked from a warm server; fresh kernels where that is not possible."""

    fork = Bool(True, config=True, help="fork kernels from a warm server where the platform allows it")

    _server: client.ForkServer | None = None
    forked = False
    _launched = False  # on its ports: a restart keeps them, as clients expect

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        if km is not None and km.transport == "tcp" and km.cache_ports and not self.ports_cached:
            self._take_ports()
        return await super().pre_launch(**kwargs)

    def _take_ports(self) -> None:
        """Give the kernel manager new ports, held in jupyter_client's cache (returned at cleanup)."""
        km = self.parent
        new = ports.reserve(km.ip, LocalPortCache.instance().currently_used_ports)
        for name, port in zip(ports.CHANNELS, new, strict=True):
            setattr(km, name, port)
        self.ports_cached = True

    def _ports_again(self) -> None:
        """New ports in the written connection file, just before the fork."""
        km = self.parent
        if km is None or km.transport != "tcp" or not self.ports_cached or not os.path.exists(km.connection_file):
            return
        old = [getattr(km, name) for name in ports.CHANNELS]
        self._take_ports()
        ports.rewrite_connection_file(km.connection_file, {name: getattr(km, name) for name in ports.CHANNELS})
        self.connection_info = km.get_connection_info()
        for port in old:
            LocalPortCache.instance().return_port(port)

    @property
    def has_process(self) -> bool:
        return self._server is not None or super().has_process

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
        cwd = str(kwargs.get("cwd") or os.getcwd())
        popen_only = set(kwargs) - {"env", "cwd", "kernel_id", "extra_arguments"}
        server = None
        if self.fork and not popen_only and _is_this_ipykernel(cmd):
            server = await asyncio.to_thread(client.server_for, env)
        if server is not None:
            try:
                if not self._launched:
                    await asyncio.to_thread(server.wait_ready)  # a server starting takes seconds
                    self._ports_again()
                pid = await asyncio.to_thread(server.fork, cmd[3:], env, cwd)
            except client.ForkServerError as exc:
                log.warning("coop-analysis: starting a fresh kernel instead of a forked one: %s", exc)
                if not server.alive() or "cannot fork safely" in str(exc):
                    client.give_up(server) if server.alive() else None
            else:
                self._server, self.pid, self.pgid, self.cwd, self.forked = server, pid, pid, cwd, True
                self._launched = True
                _live.add(self)
                return self.connection_info
        info = await super().launch_kernel(cmd, **kwargs)
        self._launched = True
        _live.add(self)
        return info

    async def poll(self) -> int | None:
        if self._server is not None:
            return self._server.poll(self.pid)
        return await super().poll()

    async def wait(self) -> int | None:
        if self._server is None:
            return await super().wait()
        while (status := self._server.poll(self.pid)) is None:
            await asyncio.sleep(0.02)
        self._server.forget(self.pid)
        self._server = None
        _live.discard(self)
        return status

    async def send_signal(self, signum: int) -> None:
        if self._server is not None:
            self._server.signal(self.pid, signum)
            return
        await super().send_signal(signum)

    async def kill(self, restart: bool = False) -> None:
        if self._server is not None:
            self._server.signal(self.pid, signal.SIGKILL)
            self._server.reap(self.pid, 1.0)  # so the manager's next poll sees it gone, without sleeping
            return
        await super().kill(restart)
        process = self.process
        if process is not None:
            with contextlib.suppress(Exception):
                process.wait(1.0)

    async def terminate(self, restart: bool = False) -> None:
        if self._server is not None:
            self._server.signal(self.pid, signal.SIGTERM)
            return
        await super().terminate(restart)

    async def cleanup(self, restart: bool = False) -> None:
        _live.discard(self)
        await super().cleanup(restart)

    async def get_provisioner_info(self) -> dict[str, Any]:
        info = await super().get_provisioner_info()
        info["forked"] = self.forked
        return info


def kill_all_kernels() -> None:
    """Kill every kernel started in this process (forked or fresh) and stop the fork servers.

    For a build that is being stopped (Ctrl-C, SIGTERM): the running notebooks then
    fail at once instead of running to their end.
    """
    for provisioner in list(_live):
        try:
            if provisioner._server is not None:
                provisioner._server.signal(provisioner.pid, signal.SIGKILL)
            elif provisioner.pgid:
                os.killpg(provisioner.pgid, signal.SIGKILL)
        except (OSError, client.ForkServerError):
            pass
    client.stop_all()
