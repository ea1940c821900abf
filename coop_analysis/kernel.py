"""A named Jupyter kernel for the project's environment.

The notebooks ask for the kernel ``coop-analysis`` (display name "Python
(coop-analysis)"). Registering it makes any JupyterLab, this environment's or
one installed elsewhere, run them with the Python that has ``coop_analysis``
and its dependencies::

    coop-analysis kernel install              # for your user (any JupyterLab finds it)
    coop-analysis kernel install --sys-prefix # inside this environment only (what dev.sh does)
    python -m coop_analysis.kernel install    # the same without the console script

The kernel runs :data:`sys.executable` of the environment that installed it,
so install it from the environment you want the notebooks to use.
Batch runs (``coop-analysis reports``, the tests, ``scripts/execute_notebooks.py``)
do not depend on it: they name the interpreter's own ``python3`` kernel
explicitly.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

__all__ = ["DISPLAY_NAME", "KERNEL_NAME", "install_kernel", "kernelspec_metadata"]

log = logging.getLogger(__name__)

#: Name of the kernelspec the notebooks ask for.
KERNEL_NAME = "coop-analysis"
#: Name JupyterLab shows in its launcher and kernel menu.
DISPLAY_NAME = "Python (coop-analysis)"


def kernelspec_metadata() -> dict[str, str]:
    """The ``kernelspec`` entry of a notebook's metadata that selects this kernel."""
    return {"display_name": DISPLAY_NAME, "language": "python", "name": KERNEL_NAME}


def install_kernel(
    *,
    user: bool = True,
    sys_prefix: bool = False,
    prefix: str | os.PathLike[str] | None = None,
    root: str | os.PathLike[str] | None = None,
) -> str:
    """Register the ``coop-analysis`` kernel for this Python environment.

    Args:
        user: install for the current user (Jupyter's user data folder); the
            default, so a JupyterLab installed elsewhere finds the kernel.
        sys_prefix: install into this environment (``sys.prefix``) instead;
            only a Jupyter running from this environment sees it.
        prefix: install under another prefix (``PREFIX/share/jupyter/kernels``).
        root: project folder holding ``data/``; stored as
            ``COOP_ANALYSIS_ROOT`` in the kernel's environment (needed with a
            non-editable install, see :mod:`coop_analysis.paths`). Default: the
            value of ``COOP_ANALYSIS_ROOT`` if set, else nothing.

    Returns:
        The folder the kernelspec was written to (replaced if it existed).
    """
    from ipykernel.kernelspec import install

    if sys_prefix and prefix is not None:
        raise ValueError("give sys_prefix or prefix, not both")
    where = sys.prefix if sys_prefix else (os.fspath(prefix) if prefix is not None else None)
    root = root if root is not None else os.environ.get("COOP_ANALYSIS_ROOT")
    env = {"COOP_ANALYSIS_ROOT": os.path.abspath(root)} if root else None
    path = install(
        user=user and where is None,
        kernel_name=KERNEL_NAME,
        display_name=DISPLAY_NAME,
        prefix=where,
        env=env,
    )
    log.info("installed kernel %r (%s) in %s", KERNEL_NAME, sys.executable, path)
    return path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kernel install`` (shared by the CLI and ``python -m coop_analysis.kernel``)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for the current user (default)")
    where.add_argument("--sys-prefix", action="store_true", help="inside this Python environment only")
    where.add_argument("--prefix", help="under another prefix (PREFIX/share/jupyter/kernels)")


def run(args: argparse.Namespace) -> int:
    """Install the kernel as ``args`` say and print where; returns the exit code."""
    path = install_kernel(sys_prefix=args.sys_prefix, prefix=args.prefix)
    print(f"installed Jupyter kernel {KERNEL_NAME!r} ({DISPLAY_NAME}, {sys.executable}) in {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coop_analysis.kernel", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    add_arguments(sub.add_parser("install", help="register the coop-analysis kernel"))
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
