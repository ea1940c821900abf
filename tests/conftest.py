"""Shared fixtures: a private copy of the project's data for tests that break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coop_analysis import clear_cache

PROJECT = Path(__file__).resolve().parents[1]
SEED_ID = "000_f2e234c30898f6af"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty on-disk cache, so none sees another's tables."""
    monkeypatch.setenv("COOP_ANALYSIS_CACHE", str(tmp_path_factory.mktemp("cache")))
    clear_cache()


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ in a temporary project root that the library then reads."""
    shutil.copytree(PROJECT / "data", tmp_path / "data")
    monkeypatch.setenv("COOP_ANALYSIS_ROOT", str(tmp_path))
    clear_cache()
    return tmp_path


def files_under(folder: Path) -> list[str]:
    """Every file under ``folder``, as sorted relative paths (for tests that check what was written)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
