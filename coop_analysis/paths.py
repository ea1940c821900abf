"""Every path the package reads or writes, resolved from one project root.

The project root is the folder that holds ``data/``. It is found from this
file's location (an editable install or a checkout); the environment variable
``COOP_ANALYSIS_ROOT`` overrides it, e.g. to point tests at a copy of the data.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project root (the folder that holds ``data/``)."""
    env = os.environ.get("COOP_ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    return PACKAGE_DIR.parent


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
