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


def _lock_module():  # scripts/ is not a package: load scripts/lock.py by path
    import importlib.util

    spec = importlib.util.spec_from_file_location("coop_lock", PROJECT / "scripts" / "lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lock_is_in_step_with_pyproject() -> None:
    assert _lock_module().stale_reason() is None


def test_lock_pins_every_dependency_with_hashes() -> None:
    lock = _lock_module()
    text = lock.LOCK.read_text(encoding="utf-8")
    entries = re.findall(r"(?m)^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)(.*?)(?=^[A-Za-z0-9]|\Z)", text, flags=re.S)
    pinned = {_name(name) for name, _, _ in entries}
    for name, version, rest in entries:
        assert "--hash=sha256:" in rest, f"{name}=={version} has no hash"
    requirement_lines = [ln for ln in text.splitlines() if ln and not ln.startswith((" ", "#"))]
    assert len(requirement_lines) == len(entries), "every requirement line is name==version"
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in lock.locked_extras():
        wanted |= {_name(r) for r in project["optional-dependencies"][extra]}
    assert wanted <= pinned, f"not in the lock: {sorted(wanted - pinned)}"
    assert {"test", "lock"} <= set(lock.locked_extras()) and not lock.UNLOCKED_EXTRAS & set(lock.locked_extras())


def test_lock_notices_a_dependency_added_without_relocking(tmp_path) -> None:
    lock = _lock_module()
    pyproject = tmp_path / "pyproject.toml"
    text = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text, encoding="utf-8")
    assert lock.stale_reason(pyproject) is None
    pyproject.write_text(text.replace('"pandas>=2.2",', '"pandas>=2.2",\n    "tabulate>=0.9",'), encoding="utf-8")
    reason = lock.stale_reason(pyproject)
    assert reason and "bash scripts/dev.sh lock" in reason
    # tool settings are not lock inputs
    pyproject.write_text(text + "\n[tool.example]\nx = 1\n", encoding="utf-8")
    assert lock.stale_reason(pyproject) is None


def test_lock_pins_uv_for_the_bootstrap() -> None:
    lock = _lock_module()
    block = lock.pinned_block("uv")
    assert block.startswith(f"uv=={lock.pinned_version('uv')} ") and block.count("--hash=sha256:") > 3
    assert "# via" not in block
