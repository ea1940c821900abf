"""The ``coop-analysis-fork`` kernelspec: ipykernel of this interpreter, started by the fork provisioner."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager

#: Name of the kernelspec (and of the provisioner entry point).
KERNEL_NAME = "coop-analysis-fork"
PROVISIONER_NAME = "coop-analysis-fork"
#: The same kernel always started fresh (known to :class:`~.manager.ForkKernelManager` only, never installed).
FRESH_KERNEL_NAME = "coop-analysis-fresh"


def kernel_spec(python: str | None = None, *, fork: bool = True) -> dict[str, Any]:
    """The kernelspec (``kernel.json`` content): ipykernel of ``python``, started by the fork provisioner.

    ``fork=False``: the same provisioner told to start every kernel fresh.
    """
    provisioner: dict[str, Any] = {"provisioner_name": PROVISIONER_NAME}
    if not fork:
        provisioner["config"] = {"fork": False}
    return {
        "argv": [python or sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (coop-analysis, forked)",
        "language": "python",
        "interrupt_mode": "signal",
        "env": {},
        "metadata": {"debugger": True, "kernel_provisioner": provisioner},
    }


def install_kernel_spec(*, user: bool = True, sys_prefix: bool = False, prefix: Path | str | None = None) -> Path:
    """Write the kernelspec where Jupyter finds it; returns its folder (replaced if it existed).

    As ``coop-analysis kernel install``: for the current user by default;
    ``sys_prefix``: inside this environment; ``prefix``: ``<prefix>/share/jupyter/kernels``.
    """
    import tempfile

    if sys_prefix and prefix is not None:
        raise ValueError("give sys_prefix or prefix, not both")
    where = sys.prefix if sys_prefix else (str(prefix) if prefix is not None else None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / KERNEL_NAME
        folder.mkdir()
        (folder / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1) + "\n", encoding="utf-8")
        target = KernelSpecManager().install_kernel_spec(
            str(folder), KERNEL_NAME, user=user and where is None, prefix=where
        )
    return Path(target)
