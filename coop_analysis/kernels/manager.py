"""A kernel manager for the report runner: the fork kernelspec without installing it, a quicker ready check."""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async
from traitlets import DottedObjectName, Type, default

from coop_analysis.kernels.spec import FRESH_KERNEL_NAME, KERNEL_NAME, kernel_spec


class _SpecManager(KernelSpecManager):  # type: ignore[misc]
    """Knows ``coop-analysis-fork`` and ``coop-analysis-fresh`` without a kernel.json; other names as usual."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name in (KERNEL_NAME, FRESH_KERNEL_NAME):
            return KernelSpec(resource_dir="", **kernel_spec(fork=kernel_name == KERNEL_NAME))
        return super().get_kernel_spec(kernel_name)


class ReadyClient(AsyncKernelClient):  # type: ignore[misc]
    """A kernel client whose ready check ends when the kernel has answered, not after 0.2 s of silence.

    jupyter_client's ``wait_for_ready`` asks for ``kernel_info`` until the reply and
    an IOPub message arrive, then reads IOPub until nothing has come for 0.2 s, so
    that no start-up message is taken for a cell's output. A kernel publishes
    ``status: idle`` for a request after everything else it publishes for it, in
    order, so this client reads IOPub until the ``idle`` of one of its
    ``kernel_info`` requests instead. IOPub is a subscription that connects a
    moment after the kernel starts, and what the kernel publishes before that is
    lost (often the ``idle`` of the first request): after :data:`RETRY` seconds
    without it, the client asks again rather than waiting out 0.2 s of silence.
    """

    #: Seconds to wait for an ``idle`` on IOPub before asking for ``kernel_info`` again.
    RETRY = 0.05

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        requests: set[str] = set()
        reply = None
        while True:
            last = self.kernel_info()
            requests.add(last)
            try:
                while True:  # this request's reply (an earlier request's may come first)
                    msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
                    if msg["msg_type"] == "kernel_info_reply":
                        reply = msg
                        if msg["parent_header"].get("msg_id") == last:
                            break
            except Empty:
                pass
            if reply is not None and await self._idle_after(requests):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _idle_after(self, requests: set[str]) -> bool:
        """Read IOPub up to the ``idle`` status of one of ``requests``; False after :data:`RETRY` s of silence."""
        while True:
            try:
                msg = await ensure_async(self.iopub_channel.get_msg(timeout=self.RETRY))
            except Empty:
                return False
            if (
                msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
                and msg["parent_header"].get("msg_id") in requests
            ):
                return True

    wait_for_ready = _async_wait_for_ready


class ForkKernelManager(AsyncKernelManager):  # type: ignore[misc]
    """An async kernel manager for ``kernel_name="coop-analysis-fork"`` that needs no installed spec.

    Its clients are :class:`ReadyClient`.
    """

    client_class = DottedObjectName("coop_analysis.kernels.manager.ReadyClient")
    client_factory = Type(klass=ReadyClient)

    @default("kernel_spec_manager")
    def _default_kernel_spec_manager(self) -> KernelSpecManager:
        return _SpecManager(data_dir=self.data_dir)
