"""The repo checks itself: environment.yml and pyproject.toml list the same dependencies (runtime, test, export)."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import PROJECT

# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "brotli-python": "brotli"}


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_matches_pyproject() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    test_extra = {_name(r) for r in project["optional-dependencies"]["test"]}
    export_extra = {_name(r) for r in project["optional-dependencies"]["export"]}
    env = yaml.safe_load((PROJECT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    conda, pip = set(), []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep["pip"]
        else:
            conda.add(CONDA_TO_PYPI.get(_name(dep), _name(dep)))
    pip_names = {_name(p) for p in pip if not p.startswith("-e")}
    listed = conda | pip_names
    assert runtime <= listed, f"in pyproject, not in environment.yml: {sorted(runtime - listed)}"
    assert test_extra <= listed, f"test extra missing from environment.yml: {sorted(test_extra - listed)}"
    assert export_extra <= listed, f"export extra missing from environment.yml: {sorted(export_extra - listed)}"
    extra = listed - runtime - test_extra - export_extra - {"python", "pip"}
    assert not extra, f"in environment.yml, not in pyproject: {sorted(extra)}"
    assert any(p.startswith("-e") for p in pip), "environment.yml should install the package itself (pip: -e .)"
    py = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert "3.11" in py
