"""Where the data is found: a checkout, COOP_ANALYSIS_ROOT, or a clear hint after a non-editable install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from coop_analysis import paths
from coop_analysis.errors import ProjectRootError

from .conftest import PROJECT


def test_checkout_and_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOP_ANALYSIS_ROOT", raising=False)
    assert paths.project_root() == PROJECT
    monkeypatch.setenv("COOP_ANALYSIS_ROOT", str(tmp_path))
    with pytest.raises(ProjectRootError, match="holds no data/ folder"):  # never an empty project
        paths.project_root()
    (tmp_path / "data").mkdir()
    assert paths.project_root() == tmp_path.resolve()


def test_package_without_data_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOP_ANALYSIS_ROOT", raising=False)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "site-packages" / "coop_analysis")
    with pytest.raises(ProjectRootError, match="COOP_ANALYSIS_ROOT"):
        paths.project_root()


def _installed_copy(tmp_path: Path) -> Path:
    """The package as a non-editable install leaves it: its modules, no data/ beside them."""
    site = tmp_path / "site"
    shutil.copytree(PROJECT / "coop_analysis", site / "coop_analysis", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def test_non_editable_install_fails_with_the_hint_or_works_with_the_root(tmp_path: Path) -> None:
    site = _installed_copy(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "COOP_ANALYSIS_ROOT"} | {"PYTHONPATH": str(site)}
    code = "import coop_analysis as ca; print(ca.__file__); print(len(ca.load_facts()))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "ProjectRootError" in out.stderr and "COOP_ANALYSIS_ROOT" in out.stderr, out.stderr[-500:]
    cli = [sys.executable, "-m", "coop_analysis.cli", "validate"]
    out = subprocess.run(cli, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 2 and "set COOP_ANALYSIS_ROOT" in out.stderr, out.stderr[-500:]
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env | {"COOP_ANALYSIS_ROOT": str(PROJECT)},
                         capture_output=True, text=True, check=True)  # fmt: skip
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(site)) and int(lines[1]) > 0


def test_packaging_metadata_is_warning_free() -> None:
    """setuptools warns about a table-form licence: the SPDX string and licence file avoid it."""
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "MIT"
    assert all((PROJECT / f).is_file() for f in pyproject["project"]["license-files"])
    assert not any("License ::" in c for c in pyproject["project"].get("classifiers", []))


def test_gitignore_covers_jupyter_files() -> None:
    ignored = (PROJECT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {".ipynb_checkpoints/", ".virtual_documents/"} <= set(ignored)
