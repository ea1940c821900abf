"""The batch report runner: checks before running, HTML without code, index, failures, faults.

Notebook runs use the tiny fixture notebooks in ``tests/fixtures/notebooks``;
``region_report_faults.ipynb`` does what ``COOP_TEST_FAULTS`` (JSON, region →
fault) asks — kill its kernel, kill the fork server, sleep, raise — and writes
``<region>.pid`` (kernel pid, parent pid) into ``COOP_TEST_PIDS``, so the tests
can check which processes are left. Signals to a whole build run a CLI
subprocess. Disk-full and read-only cases use a small or read-only tmpfs where
this machine lets the tests mount one (root), and monkeypatched OS errors always.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coop_analysis import fileio, kernels, reports, runner
from coop_analysis.cli import main
from coop_analysis.errors import UnknownRegionError

from .conftest import files_under

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"


def _leftovers(folder: Path) -> list[str]:
    """Temporary or hidden files anywhere under ``folder``."""
    return [f for f in files_under(folder) if Path(f).name.startswith(".") or f.endswith(".tmp")]


def _index_matches_files(out: Path) -> list[str]:
    """The links of ``out/index.html``; asserts each names a file that exists and is complete."""
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"#:]+)"', index)
    for link in links:
        target = out / link
        assert target.is_file(), f"index.html links {link}, which does not exist"
        if target.suffix == ".ipynb":
            json.loads(target.read_text(encoding="utf-8"))  # whole, not truncated
        elif target.suffix == ".html":
            assert target.read_text(encoding="utf-8").rstrip().endswith("</html>")
    return links


def _alive(pid: int) -> bool:
    """Is ``pid`` a running process (a zombie waiting to be reaped counts as gone)?"""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _wait(condition, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _pids(folder: Path) -> dict[str, tuple[int, int]]:
    """``{region: (kernel pid, its parent's pid)}`` written by the faults fixture."""
    return {p.name.removesuffix(".pid"): tuple(map(int, p.read_text().split())) for p in folder.glob("*.pid")}


@pytest.fixture
def project_with_notebooks(project_copy: Path) -> Path:
    """A project copy whose notebooks/ holds the fixture notebooks (for runs through the CLI)."""
    nb_dir = project_copy / "notebooks"
    nb_dir.mkdir()
    for name in ("region_report.ipynb", "overview.ipynb"):
        shutil.copy(FIXTURES / name, nb_dir / name)
    return project_copy


@pytest.fixture
def faults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Folder of fixture notebooks whose region report does the faults the test sets; returns a setter."""
    nb_dir = tmp_path / "faulty_notebooks"
    nb_dir.mkdir()
    shutil.copy(FIXTURES / "region_report_faults.ipynb", nb_dir / "region_report.ipynb")
    shutil.copy(FIXTURES / "overview.ipynb", nb_dir / "overview.ipynb")
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    monkeypatch.setenv("COOP_TEST_PIDS", str(pid_dir))

    def set_faults(**by_region: str) -> tuple[Path, Path]:
        monkeypatch.setenv("COOP_TEST_FAULTS", json.dumps(by_region))
        return nb_dir, pid_dir

    return set_faults


def _cli(args: list[str], env: dict[str, str], sigint: bool = False) -> subprocess.Popen[str]:
    """``coop-analysis ARGS`` in a subprocess (with Python's own Ctrl-C handling, even if ours ignores it)."""
    code = (
        "import signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from coop_analysis.cli import main\n"
        f"sys.exit(main({args!r}))\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


# ----------------------------------------------------------------------------- validation before running


def test_unknown_region_exits_2_with_suggestions_and_runs_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["reports", "Ningxia", "Gansx", "--out", str(out), "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 2
    assert "did you mean" in err and "Gansu" in err
    assert not out.exists()  # validated before anything ran


def test_unknown_region_from_python_raises():
    with pytest.raises(UnknownRegionError, match="did you mean"):
        reports.build_reports(["Shangai"], notebooks_dir=FIXTURES)


@pytest.mark.parametrize("lang", ["fr", "EN", "", None, 1])
def test_bad_lang_is_rejected(lang, tmp_path):
    with pytest.raises(ValueError, match="lang"):
        reports.build_reports(["Gansu"], lang=lang, out=tmp_path, notebooks_dir=FIXTURES)
    assert list(tmp_path.iterdir()) == []


def test_all_with_region_names_is_ambiguous(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["reports", "Gansu", "--all", "--out", str(out)]) == 2
    assert "not both" in capsys.readouterr().err
    assert not out.exists()


def test_bad_lang_through_cli(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:  # argparse choices
        main(["reports", "Gansu", "--lang", "fr", "--out", str(tmp_path)])
    assert exc.value.code == 2
    args = argparse.Namespace(regions=["Gansu"], all=False, lang="fr", out=str(tmp_path), jobs=None, no_overview=False)
    assert reports.run_cli(args) == 2  # run_cli validates on its own too
    assert "lang" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jobs": 0}, "jobs"),
        ({"jobs": 1.5}, "jobs"),
        ({"regions": "Gansu"}, "regions"),
        ({"regions": [None]}, "regions"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, message, tmp_path):
    kwargs = {"regions": ["Gansu"]} | kwargs
    with pytest.raises(ValueError, match=message):
        reports.build_reports(out=tmp_path, notebooks_dir=FIXTURES, **kwargs)


def test_missing_or_unparameterized_notebook_fails_before_running(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"region_report\.ipynb"):
        reports.build_reports(["Gansu"], out=tmp_path / "out", notebooks_dir=tmp_path)
    nb = json.loads((FIXTURES / "region_report.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = 'lang = "en"\n'
    (tmp_path / "region_report.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ValueError, match="region"):
        reports.build_reports(["Gansu"], out=tmp_path / "out", notebooks_dir=tmp_path, overview=False)
    assert not (tmp_path / "out").exists()


def test_region_selection():
    from coop_analysis.datasets import load_facts, load_initiatives, load_provinces

    ini, facts = load_initiatives(), load_facts()
    named = set(ini["province"]) | set(facts["province"])
    for cell in ini["partners"].dropna():
        named.update(cell.split("|"))
    default = runner._resolve_regions(None, False)
    assert named <= set(default)
    assert default == [n for n in load_provinces()["name_en"] if n in default]  # table order
    assert len(runner._resolve_regions(None, True)) == 31
    assert runner._resolve_regions(["甘肃", "陇", "Ningxia", "640000"], False) == ["Gansu", "Ningxia"]


# ----------------------------------------------------------------------------- runs over fixture notebooks


def test_build_writes_html_without_code_executed_notebooks_and_index(tmp_path):
    out = tmp_path / "out"
    result = reports.build_reports(["甘肃", "Ningxia"], out=out, jobs=2, notebooks_dir=FIXTURES, progress=False)
    assert result.failed == []
    assert result.succeeded == ["overview", "Gansu", "Ningxia"]
    assert result.index == out / "index.html"
    assert result.seconds > 0
    assert files_under(out) == [
        "assets/coop.css",
        "assets/fonts/index.woff2",
        "en/Gansu.facts.csv",
        "en/Gansu.html",
        "en/Gansu.ipynb",
        "en/Ningxia.facts.csv",
        "en/Ningxia.html",
        "en/Ningxia.ipynb",
        "en/overview.facts.csv",
        "en/overview.html",
        "en/overview.ipynb",
        "index.html",
        "manifest.json",
    ]  # fixture pages show no Chinese: no font subset for them (the index has a Chinese title)

    page = (out / "en" / "Gansu.html").read_text(encoding="utf-8")
    assert "REGION=Gansu LANG=en" in page  # outputs are there
    assert "Markdown stays visible" in page  # markdown cells are there
    assert "fixture_source_marker" not in page  # code is not
    assert '<html lang="en">' in page
    for marker in ("In&nbsp;[", "Out[", "<script", "mathjax", "require.js", "jp-Cell", "http://", "https://"):
        assert marker.lower() not in page.lower(), marker
    assert '<link href="../assets/coop.css" rel="stylesheet"/>' in page
    assert "Fixture headline" not in page  # the headline record is index data, not shown
    assert "<title>Gansu — regional report</title>" in page

    nb = json.loads((out / "en" / "Gansu.ipynb").read_text(encoding="utf-8"))
    build = nb["metadata"]["coop_analysis"].pop("build")  # the versions in the footer (test_manifest)
    assert sorted(build) == ["code_version", "data_version"]
    assert nb["metadata"]["coop_analysis"] == {
        "region": "Gansu", "headline": "Fixture headline for Gansu <&>", "n_facts": 3, "n_initiatives": 2,
    }  # fmt: skip
    assert nb["metadata"]["papermill"]["parameters"] == {"region": "Gansu", "lang": "en"}
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert f"KERNEL_PREFIX={sys.prefix}" in text  # the kernel ran in this environment
    overview = json.loads((out / "en" / "overview.ipynb").read_text(encoding="utf-8"))
    assert overview["metadata"]["papermill"]["parameters"] == {"lang": "en"}

    index = (out / "index.html").read_text(encoding="utf-8")
    for href in ("en/overview.html", "en/Gansu.html", "en/Ningxia.html", "en/Gansu.ipynb"):
        assert f'href="{href}"' in index
    assert "Fixture headline for Gansu &lt;&amp;&gt;" in index  # escaped
    assert "Fixture overview" in index
    assert index.index("en/overview.html") < index.index("en/Gansu.html") < index.index("en/Ningxia.html")
    assert _leftovers(out) == []


def test_cli_run_in_chinese(project_with_notebooks, capsys):
    out = project_with_notebooks / "reports"  # the default --out: <root>/reports
    code = main(["--root", str(project_with_notebooks), "reports", "宁", "--lang", "zh", "--no-overview"])
    assert code == 0, capsys.readouterr().err
    assert files_under(out) == [
        "assets/coop.css",
        "assets/fonts/index.woff2",
        "assets/fonts/zh-Ningxia.woff2",
        "index.html",
        "manifest.json",
        "zh/Ningxia.facts.csv",
        "zh/Ningxia.html",
        "zh/Ningxia.ipynb",
    ]  # the Chinese page's navigation is Chinese
    page = (out / "zh" / "Ningxia.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'url("assets/fonts/index.woff2")' in index  # Chinese renders without a system CJK font
    assert '<section lang="zh"><h2>中文</h2>' in index
    nb = json.loads((out / "zh" / "Ningxia.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"] == {"region": "Ningxia", "lang": "zh"}
    assert "REGION=Ningxia LANG=zh" in (out / "zh" / "Ningxia.html").read_text(encoding="utf-8")
    assert "1/1 written" in capsys.readouterr().out


def test_a_failing_notebook_does_not_stop_the_others(project_with_notebooks, capsys):
    shutil.copy(FIXTURES / "region_report_failing.ipynb", project_with_notebooks / "notebooks" / "region_report.ipynb")
    out = project_with_notebooks / "out"
    code = main(
        ["--root", str(project_with_notebooks), "reports", "Gansu", "Ningxia", "--out", str(out), "--jobs", "2"]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "1 failed" in captured.err
    assert "Gansu: RuntimeError: fixture failure for Gansu" in captured.err
    assert "2/3 written" in captured.out
    assert (out / "en" / "Ningxia.html").is_file() and (out / "en" / "overview.html").is_file()
    assert not (out / "en" / "Gansu.html").exists() and not (out / "en" / "Gansu.ipynb").exists()
    failed = json.loads((out / "en" / "Gansu.failed.ipynb").read_text(encoding="utf-8"))
    assert any(o.get("ename") == "RuntimeError" for c in failed["cells"] for o in c.get("outputs", []))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "fixture failure for Gansu" in index and 'href="en/Ningxia.html"' in index
    assert 'href="en/Gansu.html"' not in index
    assert _leftovers(out) == []

    # the Python API reports the same; a later success removes the failed copy
    shutil.copy(FIXTURES / "region_report.ipynb", project_with_notebooks / "notebooks" / "region_report.ipynb")
    result = reports.build_reports(["Gansu"], out=out, jobs=1, overview=False, progress=False)
    assert result.failed == [] and result.succeeded == ["Gansu"]
    assert not (out / "en" / "Gansu.failed.ipynb").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="en/Gansu.html"' in index and 'href="en/Ningxia.html"' in index  # every report present


# ----------------------------------------------------------------------------- atomic writes


def test_export_crash_keeps_previous_report(tmp_path, monkeypatch):
    """A crash while writing the HTML keeps the old HTML *and* the old notebook (the pair), no temp file."""
    out = tmp_path / "out"
    job = runner.plan_jobs(["Gansu"], "en", out, FIXTURES, overview=False)[0]
    (out / "en").mkdir(parents=True)
    (out / "en" / "Gansu.html").write_text("previous")
    (out / "en" / "Gansu.ipynb").write_text("previous notebook")
    real = fileio._write_temporary

    def crash_midway(fh):
        fh.write(b"<html>partial")
        raise OSError("crash while writing")

    def write_temporary(path, data, *mode):
        return real(path, crash_midway if Path(path).suffix == ".html" else data, *mode)

    monkeypatch.setattr(fileio, "_write_temporary", write_temporary)
    outcome = runner.run_job(job)
    kernels.stop_servers()
    assert not outcome.ok and "crash while writing" in outcome.error
    assert (out / "en" / "Gansu.html").read_text() == "previous"
    assert (out / "en" / "Gansu.ipynb").read_text() == "previous notebook"
    assert _leftovers(out) == []


def test_build_from_a_script_on_standard_input(tmp_path):
    """`python - < script.py`: spawned workers must not look for a main file named <stdin>."""
    out = tmp_path / "out"
    script = (
        "from pathlib import Path\n"
        "from coop_analysis.reports import build_reports\n"
        f"r = build_reports(['Gansu'], out=Path({str(out)!r}), notebooks_dir=Path({str(FIXTURES)!r}), "
        "overview=False, jobs=1, progress=False)\n"
        "print('ok' if r.ok else r.failed)\n"
    )
    import subprocess

    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok", done.stdout + done.stderr
    assert (out / "en" / "Gansu.html").is_file()


# ----------------------------------------------------------------------------- faults (issue 11)


def test_a_killed_kernel_fails_only_its_report(faults, tmp_path):
    nb_dir, pid_dir = faults(Gansu="kill-kernel")
    out = tmp_path / "out"
    result = reports.build_reports(
        ["Gansu", "Ningxia", "Yunnan"], out=out, jobs=2, notebooks_dir=nb_dir, overview=False
    )
    assert result.succeeded == ["Ningxia", "Yunnan"]
    assert [name for name, _ in result.failed] == ["Gansu"]
    assert "DeadKernelError" in result.failed[0][1] or "died" in result.failed[0][1]
    assert "fixture failure" not in result.failed[0][1]
    links = _index_matches_files(out)
    assert "en/Ningxia.html" in links and "en/Gansu.html" not in links
    assert _leftovers(out) == []
    assert not any(_alive(pid) for pair in _pids(pid_dir).values() for pid in pair)  # kernels and servers gone


def test_a_killed_fork_server_fails_the_running_report_and_is_replaced(faults, tmp_path):
    nb_dir, pid_dir = faults(Ningxia="kill-server")
    out = tmp_path / "out"
    result = reports.build_reports(
        ["Gansu", "Ningxia", "Yunnan"], out=out, jobs=1, notebooks_dir=nb_dir, overview=False
    )
    assert result.succeeded == ["Gansu", "Yunnan"]
    assert [name for name, _ in result.failed] == ["Ningxia"]
    pids = _pids(pid_dir)
    assert pids["Gansu"][1] == pids["Ningxia"][1] != pids["Yunnan"][1]  # a new server after the first died
    assert pids["Gansu"][1] != os.getpid()  # forked kernels, not fresh ones
    _index_matches_files(out)
    assert not any(_alive(pid) for pair in pids.values() for pid in pair)


def test_the_fork_server_and_its_kernels_are_gone_after_a_build(faults, tmp_path):
    nb_dir, pid_dir = faults()
    result = reports.build_reports(["Gansu", "Ningxia"], out=tmp_path / "out", jobs=2, notebooks_dir=nb_dir)
    assert result.ok, result.failed
    pids = _pids(pid_dir)
    servers = {parent for _, parent in pids.values()}
    assert len(servers) == 1 and os.getpid() not in servers  # one server forked every kernel
    assert kernels.server_pids() == []
    assert not any(_alive(pid) for pair in pids.values() for pid in pair)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGKILL", "SIGKILL fresh"])
def test_a_stopped_build_leaves_no_process_and_an_index_that_matches(how, faults, project_copy):
    """SIGTERM/SIGINT: exit 143/130, one line, index written; SIGKILL: kernels and server die with the runner."""
    nb_dir, pid_dir = faults(Gansu="sleep")
    root = project_copy
    shutil.copytree(nb_dir, root / "notebooks")
    out = root / "out"  # empty: the index must appear all the same
    args = ["--root", str(root), "reports", "Gansu", "Ningxia", "--out", str(out), "--jobs", "2", "--no-overview"]
    if how.endswith("fresh"):
        args.append("--fresh-kernels")
    proc = _cli(args, dict(os.environ))
    try:
        assert _wait(lambda: "Gansu" in _pids(pid_dir) and (out / "en" / "Ningxia.html").is_file()), (
            "build did not start"
        )
        kernel, parent = _pids(pid_dir)["Gansu"]
        assert (parent == proc.pid) == how.endswith("fresh")
        proc.send_signal(getattr(signal, how.split()[0]))
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert _wait(lambda: not _alive(kernel) and not _alive(parent), 15), f"left running: {kernel}, {parent}"
    if how == "SIGTERM":
        assert proc.returncode == 143
    elif how == "SIGINT":
        assert proc.returncode == 130
    else:
        assert proc.returncode == -signal.SIGKILL
        return  # nothing can run after SIGKILL: no index, but no process left writing either
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("coop-analysis reports: ")
    links = _index_matches_files(out)
    assert "en/Ningxia.html" in links and not any("Gansu" in link for link in links)
    assert not (out / "en" / "Gansu.failed.ipynb").exists()  # stopped, not failed
    assert _leftovers(out) == []


def test_out_that_cannot_be_used_is_one_line_and_exit_2(project_with_notebooks, tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for out in (str(a_file), str(a_file / "below"), "", "  "):
        code = main(["--root", str(project_with_notebooks), "reports", "Gansu", "--out", out, "--no-overview"])
        err = capsys.readouterr().err
        assert code == 2, (out, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert err.startswith("coop-analysis reports: ")
    assert a_file.read_text() == "x"
    assert not (project_with_notebooks / "reports").exists()  # --out "" is not the default folder
    with pytest.raises(ValueError, match="out"):
        reports.build_reports(["Gansu"], out="", notebooks_dir=FIXTURES)


def _enospc_when(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Writes of report files ending in ``suffix`` fail as on a full disk, once the data is half written."""
    real = fileio._write_temporary

    def write_temporary(path, data, *mode):
        if Path(path).parent.name == "en" and str(path).endswith(suffix):

            def half_then_full(fh):
                fh.write(b"{half")
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            return real(path, half_then_full, *mode)
        return real(path, data, *mode)

    monkeypatch.setattr(fileio, "_write_temporary", write_temporary)


def test_disk_full_stops_the_build_with_one_line(faults, tmp_path, monkeypatch, capsys):
    """ENOSPC (monkeypatched at the OS write): exit 1, one line, nothing half written, index consistent."""
    nb_dir, _ = faults()
    _enospc_when(monkeypatch, ".html")
    out = tmp_path / "out"
    args = argparse.Namespace(regions=["Gansu", "Ningxia", "Yunnan"], all=False, lang="en", out=str(out), jobs=1,
                              no_overview=True, fresh_kernels=False)  # fmt: skip
    monkeypatch.setattr(runner, "plan_jobs", _with_notebooks(runner.plan_jobs, nb_dir))
    code = runner.run_cli(args)
    err = capsys.readouterr().err
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("coop-analysis reports: cannot write to ") and "No space left on device" in last
    assert "the build stopped" in last and "Traceback" not in err
    assert files_under(out / "en") == []  # neither half of a pair, no temporary file
    assert _leftovers(out) == []
    _index_matches_files(out)


def _with_notebooks(plan, nb_dir):
    def plan_jobs(names, lang, out, _nb_dir, overview):
        return plan(names, lang, out, nb_dir, overview)

    return plan_jobs


def test_a_failed_notebook_on_a_full_disk_leaves_no_partial_copy(faults, tmp_path, monkeypatch):
    nb_dir, _ = faults(Gansu="raise")
    _enospc_when(monkeypatch, ".failed.ipynb")
    out = tmp_path / "out"
    with pytest.raises(runner.BuildStopped, match="No space left on device"):
        reports.build_reports(["Gansu", "Ningxia"], out=out, jobs=1, notebooks_dir=nb_dir, overview=False)
    assert not (out / "en" / "Gansu.failed.ipynb").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "fixture failure for Gansu" in index  # the failure is listed …
    assert "failed.ipynb" not in index  # … without a link to a copy that was never written
    _index_matches_files(out)
    assert _leftovers(out) == []


def test_a_failed_notebook_copy_is_whole(faults, tmp_path):
    nb_dir, _ = faults(Gansu="raise")
    out = tmp_path / "out"
    result = reports.build_reports(["Gansu"], out=out, jobs=1, notebooks_dir=nb_dir, overview=False)
    assert [name for name, _ in result.failed] == ["Gansu"]
    failed = json.loads((out / "en" / "Gansu.failed.ipynb").read_text(encoding="utf-8"))
    assert any(o.get("ename") == "RuntimeError" for c in failed["cells"] for o in c.get("outputs", []))
    assert "en/Gansu.failed.ipynb" in _index_matches_files(out)


# ----------------------------------------------------------------------------- real full and read-only disks


def _mount_tmpfs(where: Path, options: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(
            f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}); the monkeypatched tests cover it"
        )


@pytest.fixture
def tmpfs(tmp_path: Path):
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        where = tmp_path / name
        _mount_tmpfs(where, options)
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_read_only_output_folder_is_one_line_and_exit_2(tmpfs, capsys):
    disk = tmpfs("ro", "size=1m")
    (disk / "existing").mkdir()
    done = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot remount read-only: {done.stderr.strip()}")
    for out in (disk / "new", disk / "existing"):
        code = main(["reports", "Gansu", "--out", str(out), "--no-overview"])
        err = capsys.readouterr().err
        assert code == 2
        assert err.strip() == err.strip().splitlines()[0] and "Read-only file system" in err, err


def test_a_really_full_disk_stops_the_build_with_one_line(tmpfs, faults, tmp_path, monkeypatch, capsys):
    """A small tmpfs, nearly full: the build stops at the first report that does not fit."""
    from coop_analysis.pages import install_assets

    nb_dir, _ = faults(Gansu="big", Ningxia="big")
    disk = tmpfs("full", "size=2m")
    out = disk / "out"
    install_assets(out)  # the stylesheet is there already
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / "filler").write_bytes(b"\0" * max(0, free - 150 * 1024))  # room for an index, not for a page
    monkeypatch.setattr(runner, "plan_jobs", _with_notebooks(runner.plan_jobs, nb_dir))
    code = main(["reports", "Gansu", "Ningxia", "--out", str(out), "--no-overview", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "No space left on device" in err.strip().splitlines()[-1] and "Traceback" not in err
    for path in (out / "en").glob("*") if (out / "en").exists() else []:
        assert path.stat().st_size > 0 and not path.name.startswith(".")
    assert _leftovers(out) == []
    if (out / "index.html").exists():
        _index_matches_files(out)
