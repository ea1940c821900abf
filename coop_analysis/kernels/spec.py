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


def install_kernel_spec(prefix: Path | str | None = None, user: bool = False) -> Path:
    """Write the kernelspec where Jupyter finds it; returns its folder.

    Default: this environment (``<sys.prefix>/share/jupyter/kernels``); ``user=True``:
    the user's Jupyter data folder; ``prefix``: ``<prefix>/share/jupyter/kernels``.
    """
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / KERNEL_NAME
        folder.mkdir()
        (folder / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1) + "\n", encoding="utf-8")
        target = KernelSpecManager().install_kernel_spec(
            str(folder), KERNEL_NAME, user=user, prefix=None if user else str(prefix or sys.prefix)
        )
    return Path(target)
