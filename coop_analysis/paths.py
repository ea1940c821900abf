"""Every path the package reads or writes, resolved from one project root.

The project root is the folder that holds ``data/``. It is found from this
file's location (an editable install or a checkout); the environment variable
``COOP_ANALYSIS_ROOT`` overrides it, e.g. to point tests at a copy of the data.
The data is not part of the wheel: with a non-editable install (``pip install .``)
set ``COOP_ANALYSIS_ROOT`` to a checkout, or :func:`project_root` raises
:class:`~coop_analysis.errors.ProjectRootError` saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

from coop_analysis.errors import ProjectRootError

PACKAGE_DIR: Path = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project root (the folder that holds ``data/``).

    Raises:
        ProjectRootError: ``COOP_ANALYSIS_ROOT`` is not set and the package is
            not inside a checkout (no ``data/`` beside it), as after
            ``pip install .``; the message says what to set.
    """
    env = os.environ.get("COOP_ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    root = PACKAGE_DIR.parent
    if not (root / "data").is_dir():
        raise ProjectRootError(
            f"coop_analysis is installed at {PACKAGE_DIR} without its data: set COOP_ANALYSIS_ROOT to your "
            "checkout of coop-analysis (the folder holding data/), e.g. `export COOP_ANALYSIS_ROOT=~/coop-analysis`, "
            "or install the checkout in editable mode (`pip install -e .`)"
        )
    return root


def data_dir() -> Path:
    return project_root() / "data"


def raw_dir() -> Path:
    """Immutable raw sources: ``<doc_id>.txt`` with ``<doc_id>.meta.yaml`` beside."""
    return data_dir() / "raw"


def reference_dir() -> Path:
    return data_dir() / "reference"


def curated_dir() -> Path:
    return data_dir() / "curated"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def cache_dir() -> Path:
    """Where validated tables are cached between processes (git-ignored)."""
    env = os.environ.get("COOP_ANALYSIS_CACHE")
    return Path(env).resolve() if env else project_root() / ".cache"


def reports_dir() -> Path:
    return project_root() / "reports"
