"""Kernels forked from a warm server: isolation, safety checks, restarts, fallback, kernelspec use.

The probe notebook (``tests/fixtures/notebooks/probe.ipynb``) prints, as JSON,
the process state a kernel starts with; the polluting notebook changes every
piece of it a later kernel could inherit. A forked kernel run after the
polluter must print what a fresh kernel prints (random numbers aside).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from coop_analysis import execution, kernels
from coop_analysis.execution import Job
from coop_analysis.kernels import client, preload

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"


def _run(name: str, *, fork: bool, cwd: Path) -> str:
    """Execute fixture notebook ``name`` (a copy in ``cwd``); returns its stdout."""
    notebook = cwd / f"{name}.ipynb"
    if not notebook.exists():
        notebook.write_bytes((FIXTURES / f"{name}.ipynb").read_bytes())
    job = Job(name, str(notebook), {"region": "Gansu", "lang": "en"}, str(cwd / "out"), name, name)
    nb = execution.execute(job, fork=fork)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout")


def _probe(*, fork: bool, cwd: Path) -> dict:
    return json.loads(_run("probe", fork=fork, cwd=cwd))


@pytest.fixture
def stop_servers():
    yield
    kernels.stop_servers()


def test_a_forked_kernel_starts_as_a_fresh_one_after_a_polluting_notebook(tmp_path, stop_servers):
    fresh = _probe(fork=False, cwd=tmp_path)
    polluted = _run("pollute", fork=True, cwd=tmp_path)
    first = _probe(fork=True, cwd=tmp_path)
    second = _probe(fork=True, cwd=tmp_path)
    assert kernels.server_pids(), "the kernels were not forked"

    assert "LEAKED_GLOBAL" not in first["globals"] and first["globals"] == fresh["globals"]
    assert first["rcParams"] == fresh["rcParams"]  # lines.linewidth, font.size back to the defaults
    assert first["backend"] == fresh["backend"]
    assert first["pandas"] == fresh["pandas"]  # display.max_rows back
    assert "COOP_TEST_LEAKED_ENV" not in first["env"]
    assert first["env"] == fresh["env"]  # incl. MPLBACKEND and debugpy's PYDEVD_USE_FRAME_EVAL
    assert first["cwd"] == fresh["cwd"] == str(tmp_path)
    assert first["sys_path"] == fresh["sys_path"]
    assert first["argv0"] == fresh["argv0"] and first["main_file"] == fresh["main_file"]
    assert not first["leaked_module"]
    assert first["signals"] == fresh["signals"]  # SIGUSR1 handler not inherited
    assert first["warning_filters"] == fresh["warning_filters"]
    assert first["session_leader"] and fresh["session_leader"]
    assert first["stdin"].startswith("pipe:") and fresh["stdin"].startswith("pipe:")

    # random state: fresh seeds in every kernel (the polluter printed its own numbers)
    assert first["random"] != second["random"]
    assert str(first["random"][0]) not in polluted
    # documented: kernels forked from one server share the string-hash seed
    assert first["hash_seed_probe"] == second["hash_seed_probe"]


def test_outputs_are_byte_identical_to_fresh_kernels(tmp_path, monkeypatch):
    """The real report notebooks, forked (chart cache empty, then filled) vs fresh kernels without the
    chart cache: every file of the three builds is the same, byte for byte."""
    from coop_analysis import chartcache, paths
    from coop_analysis.reports import build_reports

    from .conftest import files_under

    def entries() -> dict[str, tuple[int, int]]:
        found = paths.chart_cache_dir().glob(f"*{chartcache.SUFFIX}")
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in found}

    assert entries() == {}
    cold = build_reports(["Ningxia", "Gansu"], out=tmp_path / "cold", jobs=2, progress=False)
    cached = entries()
    assert len(cached) >= 3  # two maps, Ningxia's bar chart, the overview's charts
    warm = build_reports(["Ningxia", "Gansu"], out=tmp_path / "warm", jobs=2, progress=False)
    assert entries() == cached  # every chart a hit: no entry written again
    monkeypatch.setenv(chartcache.ENV, "off")
    fresh = build_reports(["Ningxia", "Gansu"], out=tmp_path / "fresh", jobs=2, progress=False, fork=False)
    assert cold.ok and warm.ok and fresh.ok, (cold.failed, warm.failed, fresh.failed)
    files = files_under(tmp_path / "cold")
    assert files == files_under(tmp_path / "warm") == files_under(tmp_path / "fresh")
    assert {"en/Gansu.ipynb", "en/Gansu.html", "en/overview.ipynb", "index.html", "manifest.json"} <= set(files)
    assert any(f.endswith(".webp") for f in files)  # the charts are compared too
    for name in files:
        data = (tmp_path / "fresh" / name).read_bytes()
        assert (tmp_path / "cold" / name).read_bytes() == data, name
        assert (tmp_path / "warm" / name).read_bytes() == data, name


# ----------------------------------------------------------------------------- safety checks


def test_the_server_preloads_only_the_allowlist_and_is_forkable(stop_servers):
    server = client.prestart()
    assert server is not None
    reply = server.request("ping")
    assert reply["blockers"] == []  # one thread, no zmq context, no event loop, no IPython-checking module
    assert reply["pid"] == server.pid


def test_fork_blockers_see_threads_and_modules_that_check_for_ipython(monkeypatch):
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert any("threads" in b for b in preload.fork_blockers())
    finally:
        stop.set()
        thread.join()
    monkeypatch.setitem(sys.modules, "tqdm.auto", object())
    assert any("tqdm.auto" in b for b in preload.fork_blockers())


def test_preload_environment_keeps_import_time_variables_only():
    env = {"PATH": "/bin", "HOME": "/root", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYDEVD_X": "1",
           "COOP_ANALYSIS_ROOT": "/x", "SECRET_TOKEN": "s", "COOP_TEST_FAULTS": "{}", "PYTHONEXECUTABLE": "/p"}  # fmt: skip
    reduced = preload.preload_env(env)
    assert {"PATH", "HOME", "MPLBACKEND", "PYTHONHASHSEED", "PYDEVD_X", "COOP_ANALYSIS_ROOT"} <= set(reduced)
    assert not {"SECRET_TOKEN", "COOP_TEST_FAULTS", "PYTHONEXECUTABLE"} & set(reduced)
    assert reduced["JPY_PARENT_PID"] == str(os.getpid())
    assert reduced["OPENBLAS_NUM_THREADS"] == "1"  # numpy's BLAS pool would be a thread at fork
    assert preload.preload_env({"PATH": "/bin"})["MPLBACKEND"] == "module://matplotlib_inline.backend_inline"
    # kernels that differ only in variables read after import share a server; others do not
    assert preload.server_key(env) == preload.server_key(env | {"SECRET_TOKEN": "other"})
    assert preload.server_key(env) != preload.server_key(env | {"MPLBACKEND": "svg"})


def test_warm_up_builds_what_every_report_would_build_again(tmp_path):
    code = ("import sys; from coop_analysis.kernels import preload; from coop_analysis import placenames; "
            "preload.warm_up(); print(int('pypinyin' in sys.modules), placenames._matcher_for.cache_info().currsize)")  # fmt: skip
    env = dict(os.environ, COOP_ANALYSIS_CHART_CACHE=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.split() == ["1", "1"]  # pypinyin's dictionaries loaded, the place-name automaton built
    (entry,) = tmp_path.glob("*.chart")  # its map kept for the kernel of that report
    before = entry.stat().st_mtime_ns
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert entry.stat().st_mtime_ns == before  # the next server takes it from the cache


def test_an_unsafe_server_means_fresh_kernels(tmp_path, monkeypatch, stop_servers):
    def refuse(self, argv, env, cwd):
        raise client.ForkServerError("the fork server cannot fork safely: 2 threads (2 Python threads)")

    monkeypatch.setattr(client.ForkServer, "fork", refuse)
    state = _probe(fork=True, cwd=tmp_path)
    assert state["env"]["JPY_PARENT_PID"] == str(os.getpid())
    assert kernels.server_pids() == []  # given up, not retried for every kernel


# ----------------------------------------------------------------------------- restarts and fallback


def test_the_server_restarts_when_data_or_library_change(project_copy, tmp_path, monkeypatch, stop_servers):
    env = dict(os.environ)
    first = client.server_for(env)
    assert client.server_for(env) is first
    facts = project_copy / "data" / "curated" / "facts.csv"
    st = facts.stat()
    os.utime(facts, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert client.server_for(env) is first  # touched, not changed: the same content, the same server
    # a same-size edit with its modification time restored
    data = facts.read_bytes()
    edited = data.replace(b"6800000", b"6900000", 1)
    assert edited != data and len(edited) == len(data)
    facts.write_bytes(edited)
    os.utime(facts, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert facts.stat().st_size == st.st_size and facts.stat().st_mtime_ns == st.st_mtime_ns
    second = client.server_for(env)
    assert second is not first and second is not None
    assert first.process.wait(30) == 0  # retired: no kernels, so it exits at once

    package = tmp_path / "package"
    package.mkdir()
    module = package / "module.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr("coop_analysis.paths.PACKAGE_DIR", package)
    before = client.fingerprint(env)
    st = module.stat()
    module.write_text("x = 2\n")  # the same size
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert client.fingerprint(env) != before


def test_without_fork_kernels_start_fresh(tmp_path, monkeypatch, stop_servers):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not client.fork_supported()
    monkeypatch.undo()
    monkeypatch.setenv(client.FORK_ENV, "0")
    assert not client.fork_supported()
    state = _probe(fork=True, cwd=tmp_path)  # the fork kernelspec, on a platform that cannot fork
    assert state["env"]["JPY_PARENT_PID"] == str(os.getpid())
    assert kernels.server_pids() == []


# ----------------------------------------------------------------------------- through an installed kernelspec


def test_installed_kernelspec_works_like_a_lab_kernel(tmp_path, monkeypatch, stop_servers):
    """What JupyterLab does with the kernelspec: start, run, interrupt, restart, shut down."""
    from jupyter_client.manager import KernelManager

    folder = kernels.install_kernel_spec(prefix=tmp_path)
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == "coop-analysis-fork"
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))

    km = KernelManager(kernel_name=kernels.KERNEL_NAME)
    km.start_kernel(extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)

        def run(code: str, timeout: float = 60) -> tuple[str, dict]:
            out: list[str] = []
            reply = kc.execute_interactive(
                code, timeout=timeout, output_hook=lambda m: out.append(m["content"].get("text", ""))
            )
            return "".join(out), reply["content"]

        text, _ = run("import os; print(os.getpid(), os.getppid())")
        pid, parent = map(int, text.split())
        assert parent in kernels.server_pids()  # forked
        threading.Timer(1.0, km.interrupt_kernel).start()
        _, content = run("import time; time.sleep(60)")
        assert content["status"] == "error" and content["ename"] == "KeyboardInterrupt"
        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=120)
        text, _ = run("import os; print(os.getpid())")
        assert int(text) != pid
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert not km.is_alive()


def test_papermill_and_nbval_use_the_installed_kernelspec(tmp_path, stop_servers):
    """The ordinary route: ``papermill -k coop-analysis-fork`` and ``pytest --nbval-kernel-name``."""
    kernels.install_kernel_spec(prefix=tmp_path)
    env = os.environ | {"JUPYTER_PATH": str(tmp_path / "share" / "jupyter")}
    notebook = tmp_path / "region_report.ipynb"
    notebook.write_bytes((FIXTURES / "region_report.ipynb").read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "papermill", str(notebook), str(tmp_path / "out.ipynb"), "-k", kernels.KERNEL_NAME,
         "-p", "region", "Gansu", "--log-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "REGION=Gansu" in (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval-lax",
         "--nbval-kernel-name", kernels.KERNEL_NAME, "--rootdir", str(tmp_path), "-c", os.devnull, str(notebook)],
        env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " passed" in done.stdout, done.stdout[-500:]


def test_cli_installs_the_fork_kernelspec(tmp_path, capsys):
    from coop_analysis.cli import main

    assert main(["kernel", "install", "--fork", "--prefix", str(tmp_path)]) == 0
    spec = json.loads((tmp_path / "share" / "jupyter" / "kernels" / "coop-analysis-fork" / "kernel.json").read_text())
    assert spec == kernels.kernel_spec()
    assert "coop-analysis-fork" in capsys.readouterr().out
