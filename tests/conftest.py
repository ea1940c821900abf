"""Shared fixtures: a private copy of the project's data for tests that break it; the built site."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.connect import LocalPortCache

from coop_analysis import clear_cache
from coop_analysis.kernels import ports

PROJECT = Path(__file__).resolve().parents[1]
SEED_ID = "000_f2e234c30898f6af"


def _port_outside_the_ephemeral_range(cache: LocalPortCache, ip: str) -> int:
    return ports.reserve(ip, cache.currently_used_ports, 1)[0]


# Kernels that jupyter_client starts itself in this test process (nbval's, with the python3
# kernelspec) get the ports the project's kernelspec gives its kernels: ports the system cannot
# hand to another socket while the kernel starts (coop_analysis/kernels/ports.py). Imported while
# collecting tests/, so before any notebook or test runs.
LocalPortCache.find_available_port = _port_outside_the_ephemeral_range  # type: ignore[method-assign]


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


def build_site(out: Path) -> Path:
    """Every report with records and the overview, in English and Chinese, built into ``out``."""
    from coop_analysis import reports

    for lang in reports.LANGS:
        result = reports.build_reports(lang=lang, out=out, jobs=2, progress=False)
        assert result.failed == [], result.failed
    return out


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    import fcntl

    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site (:func:`build_site`) built once per test run, shared by every module that reads
    built pages — across pytest-xdist workers too (the first builds, the others wait for it).
    ``COOP_PAGES_DIR`` names a finished build to use instead."""
    given = os.environ.get("COOP_PAGES_DIR")
    if given:
        return Path(given)
    if not os.environ.get("PYTEST_XDIST_WORKER") or os.name != "posix":
        return build_site(tmp_path_factory.mktemp("site"))
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, common to its workers
    out, done = shared / "built-site", shared / "built-site.done"
    with _exclusive(shared / "built-site.lock"):
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)  # what a failed attempt left
            build_site(out)
            done.touch()
    return out
