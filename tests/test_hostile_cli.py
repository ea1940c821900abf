"""Hostile-input catalogue, the command line: every error is one line on stderr naming what was
wrong, exit 2 for usage and 1 for data or run failures, and no traceback unless asked for."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from coop_analysis import cli
from coop_analysis.cli import main

from .conftest import PROJECT, SEED_ID

SAMPLE = Path(__file__).parent / "fixtures" / "sample_source.txt"
ADD = ["add-source", str(SAMPLE), "--title", "示例", "--date", "2025-05"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own exits (usage errors, --help)
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


# (argv, exit code, fragment of the one-line error)
USAGE_ERRORS = [
    ([], 2, "the following arguments are required: command"),
    (["bogus"], 2, "invalid choice: 'bogus'"),
    (["validate", "--bogus"], 2, "unrecognized arguments: --bogus"),
    (["extract"], 2, "the following arguments are required: file"),
    (["extract", "/no/such/file.txt"], 2, "/no/such/file.txt: no such file"),
    (["extract", str(PROJECT / "data")], 2, "is a folder"),
    (["extract", "/dev/zero"], 2, "not a regular file"),
    (["extract", str(SAMPLE), "--format", "xml"], 2, "invalid choice: 'xml'"),
    (["extract", str(SAMPLE), "--max-mb", "0"], 2, "--max-mb: expected a positive number"),
    (["extract", str(SAMPLE), "--max-mb", "-1"], 2, "--max-mb: expected a positive number"),
    (["extract", str(SAMPLE), "--max-mb", "lots"], 2, "invalid float value: 'lots'"),
    (["extract", str(SAMPLE), "--max-mb", "0.0001"], 2, "larger than the limit"),
    (["add-source", str(SAMPLE), "--date", "2025"], 2, "the following arguments are required: --title"),
    ([*ADD[:-1], "2025-02-30"], 2, "--date: expected a day that exists in 2025-02"),
    ([*ADD[:-1], "2025-5"], 2, "--date: expected an ISO date"),
    ([*ADD, "--doc-id", "../x"], 2, "--doc-id: expected 3–64 letters"),
    ([*ADD, "--doc-id", "abc\n"], 2, "--doc-id"),
    (["add-source", str(PROJECT / "data" / "raw" / f"{SEED_ID}.txt"), "--title", "t", "--date", "2025"], 2,
     "already a source"),
    (["--root", "", "validate"], 2, "--root: expected the project folder"),
    (["--root", "/no/such/root", "validate"], 2, "project root /no/such/root does not exist"),
    (["reports", "宁厦"], 2, "did you mean Ningxia"),
    (["reports", "--jobs", "many"], 2, "invalid int value"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "code", "fragment"), USAGE_ERRORS, ids=[" ".join(a[:3]) for a, _, _ in USAGE_ERRORS])
def test_usage_errors_exit_2_with_one_line(project_copy: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                           code: int, fragment: str) -> None:  # fmt: skip
    got, err = _run(argv, capsys)
    assert got == code, err
    assert fragment in err, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("coop-analysis")


def test_data_error_during_extract_exits_1_with_one_line(project_copy: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    facts = project_copy / "data" / "curated" / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace(",exact,", ",roughly,"), encoding="utf-8")
    code, err = _run(["extract", str(project_copy / "data" / "raw" / f"{SEED_ID}.txt")], capsys)
    assert code == 1
    assert err.count("\n") == 1 and "facts.csv, line 2, column 'qualifier'" in err and "more problem" in err


def test_validate_with_problems_exits_1(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_copy / "data" / "curated" / "events.csv").write_bytes(b"")
    code, err = _run(["validate"], capsys)
    assert code == 1 and "events.csv: the file is empty" in err and "Traceback" not in err


def test_disk_full_during_add_source_exits_1_with_one_line(project_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    def full(path: Path, data: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("coop_analysis.ingest.atomic_write", full)
    code, err = _run(ADD, capsys)
    assert code == 1
    assert err.count("\n") == 1 and "No space left on device: " in err and "data/raw" in err
    assert sorted(p.name for p in (project_copy / "data" / "raw").iterdir()) == [
        f"{SEED_ID}.meta.yaml",
        f"{SEED_ID}.txt",
    ]


def test_permission_error_exits_1_with_one_line(project_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    def denied(*args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", "data/raw/x.txt")

    monkeypatch.setattr("coop_analysis.ingest.atomic_write", denied)
    code, err = _run(ADD, capsys)
    assert code == 1 and err == "coop-analysis add-source: Permission denied: data/raw/x.txt\n"


def _crash(*args: object, **kwargs: object) -> object:
    raise TypeError("a bug\nover two lines")


def test_unexpected_error_is_one_line_with_a_hint(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setattr("coop_analysis.ingest.candidates", _crash)
    code, err = _run(["extract", str(SAMPLE)], capsys)
    assert code == 1
    assert (
        err
        == "coop-analysis extract: TypeError: a bug over two lines (an unexpected error: run with --debug for the traceback)\n"
    )


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    monkeypatch.setattr("coop_analysis.ingest.candidates", _crash)
    argv = ["extract", str(SAMPLE)]
    if how == "flag":
        argv.insert(0, "--debug")
    else:
        monkeypatch.setenv("COOP_ANALYSIS_DEBUG", "1")
    with pytest.raises(TypeError, match="a bug"):
        main(argv)
    assert "coop-analysis extract: TypeError: a bug" in capsys.readouterr().err


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("coop_analysis.ingest.candidates", interrupted)
    assert main(["extract", str(SAMPLE)]) == 130
    assert capsys.readouterr().err == "coop-analysis: interrupted\n"


def test_no_traceback_reaches_a_user_through_the_real_command(tmp_path: Path) -> None:
    """The installed entry point, in a fresh process: one line on stderr for each failure."""
    bad = tmp_path / "big5.txt"
    bad.write_bytes("東西部科技合作推進會，簽約項目30餘個。".encode("big5"))
    for argv, code in ((["extract", str(bad)], 2), (["--root", str(tmp_path), "validate"], 2)):
        run = subprocess.run([sys.executable, "-m", "coop_analysis.cli", *argv], capture_output=True, text=True,
                             timeout=120, check=False)  # fmt: skip
        assert run.returncode == code, run.stderr
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr


def test_exit_codes_are_documented() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "| 2 | bad usage" in readme and "| 1 | data problems" in readme and "coop-analysis --debug" in readme
    assert "--debug" in (cli.__doc__ or "")
