"""The batch report runner: validation before execution, HTML without code, index, failures, atomic writes.

Notebook runs use the tiny fixture notebooks in ``tests/fixtures/notebooks`` (a
kernel start is ~1 s, so these tests run a handful of notebooks with 2 workers).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import pytest

from coop_analysis import reports, runner
from coop_analysis.cli import main
from coop_analysis.errors import UnknownRegionError

from .conftest import files_under

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"


def _leftovers(folder: Path) -> list[str]:
    """Temporary or hidden files anywhere under ``folder``."""
    return [f for f in files_under(folder) if Path(f).name.startswith(".") or f.endswith(".tmp")]


@pytest.fixture
def project_with_notebooks(project_copy: Path) -> Path:
    """A project copy whose notebooks/ holds the fixture notebooks (for runs through the CLI)."""
    nb_dir = project_copy / "notebooks"
    nb_dir.mkdir()
    for name in ("region_report.ipynb", "overview.ipynb"):
        shutil.copy(FIXTURES / name, nb_dir / name)
    return project_copy


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


def test_report_stem():
    assert reports.report_stem("Inner Mongolia") == "Inner_Mongolia"
    assert reports.report_stem("Gansu") == "Gansu"


# ----------------------------------------------------------------------------- headline contract


def test_record_headline_outside_ipython_shows_nothing(capsys):
    assert reports.record_headline(region="Gansu", headline="x", n_facts=1, n_initiatives=2) is None
    assert capsys.readouterr().out == ""


def test_headline_record_checks_and_normalizes():
    np = pytest.importorskip("numpy")
    record = reports.headline_record(region="Gansu", headline="two\n lines", n_facts=np.int64(3), n_initiatives=2)
    assert record == {"region": "Gansu", "headline": "two lines", "n_facts": 3, "n_initiatives": 2}
    assert type(record["n_facts"]) is int
    with pytest.raises(TypeError, match="headline"):
        reports.headline_record(region="Gansu")
    with pytest.raises(TypeError, match="n_facts"):
        reports.headline_record(region="Gansu", headline="x", n_facts="3")
    with pytest.raises(TypeError, match="extra"):
        reports.headline_record(region="Gansu", headline="x", extra=object())


def test_find_headline_takes_the_last_record():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "x"},
            {"outputs": [{"output_type": "stream", "text": "hi"}]},
            {"outputs": [{"output_type": "display_data", "data": {reports.HEADLINE_MIME: {"region": "a"}}}]},
            {"outputs": [{"output_type": "display_data", "data": {reports.HEADLINE_MIME: {"region": "b"}}}]},
        ]
    }
    assert reports.find_headline(nb) == {"region": "b"}
    assert reports.find_headline({"cells": []}) is None


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
    """A crash while writing the HTML (simulated in-process) keeps the old HTML and leaves no temp file."""
    import nbformat  # noqa: F401 - the normal import, before _run_job sets up this process as a worker

    out = tmp_path / "out"
    job = runner._make_jobs(["Gansu"], "en", out, FIXTURES, overview=False)[0]
    (out / "en").mkdir(parents=True)
    (out / "en" / "Gansu.html").write_text("previous")
    real = runner.atomic_write

    def crash_midway(fh):
        fh.write(b"<html>partial")
        raise OSError("crash while writing")

    def atomic_write(path, data):
        return real(path, crash_midway if Path(path).suffix == ".html" else data)

    monkeypatch.setattr(runner, "atomic_write", atomic_write)
    outcome = runner._run_job(job)
    assert not outcome["ok"] and "crash while writing" in outcome["error"]
    assert (out / "en" / "Gansu.html").read_text() == "previous"
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
