"""Every path the package reads or writes, resolved from one project root.

The project root is the folder that holds ``data/``. It is found from this
file's location (an editable install or a checkout); the environment variable
``COOP_ANALYSIS_ROOT`` (or ``coop-analysis --root``) overrides it, e.g. to point
tests at a copy of the data. The data is not part of the wheel: with a
non-editable install (``pip install .``) set ``COOP_ANALYSIS_ROOT`` to a checkout.
A root without ``data/`` is an error here, in one place
(:class:`~coop_analysis.errors.ProjectRootError`, saying what to set), so no
command reads an empty tree or creates a new one.
"""

from __future__ import annotations

import os
from pathlib import Path

from coop_analysis.errors import ProjectRootError

PACKAGE_DIR: Path = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project root (the folder that holds ``data/``).

    Raises:
        ProjectRootError: ``COOP_ANALYSIS_ROOT`` names a folder that does not
            exist or holds no ``data/``, or it is not set and the package is not
            inside a checkout (as after ``pip install .``); one line saying
            what to set.
    """
    env = os.environ.get("COOP_ANALYSIS_ROOT")
    root = Path(env).resolve() if env else PACKAGE_DIR.parent
    if (root / "data").is_dir():
        return root
    if env:
        what = "does not exist" if not root.exists() else "holds no data/ folder"
        raise ProjectRootError(
            f"project root {root} {what} (set by COOP_ANALYSIS_ROOT or --root); expected the project folder "
            "holding data/raw, data/reference and data/curated"
        )
    raise ProjectRootError(
        f"coop_analysis is installed at {PACKAGE_DIR} without its data: set COOP_ANALYSIS_ROOT to your "
        "checkout of coop-analysis (the folder holding data/), e.g. `export COOP_ANALYSIS_ROOT=~/coop-analysis`, "
        "or install the checkout in editable mode (`pip install -e .`)"
    )


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


def font_cache_dir() -> Path:
    """Where cut font subsets of the report pages are kept between builds (see ``webfont.Subsetter``)."""
    return cache_dir() / "fonts"


def chart_cache_dir() -> Path:
    """Where report chart images are kept between builds (see ``chartcache``; ``COOP_ANALYSIS_CHART_CACHE``)."""
    return cache_dir() / "charts"


def reports_dir() -> Path:
    return project_root() / "reports"
