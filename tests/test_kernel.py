"""The coop-analysis Jupyter kernel: installed by one command, named by every notebook, seen by JupyterLab."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coop_analysis.cli import main
from coop_analysis.kernel import DISPLAY_NAME, KERNEL_NAME, install_kernel, kernelspec_metadata

from .conftest import PROJECT

NOTEBOOKS = sorted((PROJECT / "notebooks").glob("*.ipynb"))


def _spec(prefix: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((prefix / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json").read_text())


def test_install_kernel_for_this_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOP_ANALYSIS_ROOT", raising=False)
    path = install_kernel(prefix=tmp_path)
    assert Path(path) == tmp_path / "share" / "jupyter" / "kernels" / KERNEL_NAME
    spec = _spec(tmp_path)
    assert spec["argv"][0] == sys.executable and "ipykernel_launcher" in spec["argv"]
    assert spec["display_name"] == DISPLAY_NAME and spec["language"] == "python"
    assert "env" not in spec

    from jupyter_client.kernelspec import KernelSpecManager

    found = KernelSpecManager(kernel_dirs=[str(tmp_path / "share" / "jupyter" / "kernels")]).find_kernel_specs()
    assert KERNEL_NAME in found


def test_kernel_carries_the_data_root_when_given(tmp_path: Path) -> None:
    install_kernel(prefix=tmp_path, root=PROJECT)
    assert _spec(tmp_path)["env"] == {"COOP_ANALYSIS_ROOT": str(PROJECT)}


def test_cli_and_module_install(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kernel", "install", "--prefix", str(tmp_path / "a")]) == 0
    assert KERNEL_NAME in capsys.readouterr().out
    assert _spec(tmp_path / "a")["display_name"] == DISPLAY_NAME
    out = subprocess.run([sys.executable, "-m", "coop_analysis.kernel", "install", "--prefix", str(tmp_path / "b")],
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert _spec(tmp_path / "b")["argv"][0] == sys.executable, out.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_ask_for_the_project_kernel(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"] == kernelspec_metadata()


def test_dev_sh_registers_the_kernel_and_starts_lab() -> None:
    script = (PROJECT / "scripts" / "dev.sh").read_text(encoding="utf-8")
    assert script.count("kernel install --sys-prefix") == 2  # at install time and before `lab`
    assert 'exec "$VENV/bin/jupyter" lab' in script


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.mark.notebooks
def test_jupyterlab_offers_the_kernel_the_notebooks_ask_for(tmp_path: Path) -> None:
    """A headless JupyterLab, with the kernel installed as dev.sh does, lists it; the notebooks name it."""
    pytest.importorskip("jupyterlab")
    prefix = tmp_path / "env"
    install_kernel(prefix=prefix)
    port, token = _free_port(), "coop-analysis-test"
    env = os.environ | {
        "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={PROJECT}", "--ServerApp.port_retries=0", "--allow-root"]  # fmt: skip
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 90
        specs = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                specs = _get(f"{base}/kernelspecs?token={token}")
                break
            except OSError:
                time.sleep(0.5)
        assert specs is not None, (tmp_path / "lab.log").read_text()[-3000:]
        assert specs["kernelspecs"][KERNEL_NAME]["spec"]["display_name"] == DISPLAY_NAME
        for path in NOTEBOOKS:
            model = _get(f"{base}/contents/notebooks/{path.name}?token={token}")
            assert model["content"]["metadata"]["kernelspec"]["name"] in specs["kernelspecs"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
