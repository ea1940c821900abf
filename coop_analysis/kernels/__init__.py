"""Kernels for report notebooks, forked from a warm server.

A fresh ipykernel spends most of a short report's time starting and importing
pandas, matplotlib and this package. The fork server (:mod:`.server`) does that
once: it imports the report stack, loads every table, draws one map, then forks
one brand-new kernel per notebook. Each kernel is its own process that never ran
another notebook's code, started as ``python -m ipykernel_launcher`` would be
(:mod:`.child`); papermill, nbclient, nbval and JupyterLab drive it through an
ordinary kernelspec whose kernel provisioner (:mod:`.provisioner`) asks the
server instead of starting a process. Where forking is not possible (Windows,
macOS, ``COOP_ANALYSIS_FORK=0``) the same kernelspec starts fresh kernels.

* :data:`KERNEL_NAME` — the kernelspec name (``coop-analysis-fork``);
* :func:`kernel_spec` / :func:`install_kernel_spec` — the spec, and writing it
  where Jupyter finds it (for ``papermill -k``, nbval, JupyterLab);
* :class:`ForkKernelManager` — a kernel manager that knows the spec without any
  installation (what the report runner uses);
* :func:`prestart`, :func:`stop_servers`, :func:`kill_all_kernels`.
"""

from __future__ import annotations

from coop_analysis.kernels.client import ForkServerError, fork_supported, prestart, server_pids
from coop_analysis.kernels.client import stop_all as stop_servers
from coop_analysis.kernels.manager import ForkKernelManager
from coop_analysis.kernels.provisioner import ForkProvisioner, kill_all_kernels
from coop_analysis.kernels.spec import (
    FRESH_KERNEL_NAME,
    KERNEL_NAME,
    PROVISIONER_NAME,
    install_kernel_spec,
    kernel_spec,
)

__all__ = [
    "FRESH_KERNEL_NAME",
    "KERNEL_NAME",
    "PROVISIONER_NAME",
    "ForkKernelManager",
    "ForkProvisioner",
    "ForkServerError",
    "fork_supported",
    "install_kernel_spec",
    "kernel_spec",
    "kill_all_kernels",
    "prestart",
    "server_pids",
    "stop_servers",
]
