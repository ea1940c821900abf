"""coop-analysis diff on scratch git repositories holding a copy of the project's data."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from coop_analysis import clear_cache
from coop_analysis.cli import main
from coop_analysis.diff import diff_revisions, diff_table, format_markdown, format_text
from coop_analysis.errors import RevisionError

from .conftest import PROJECT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin:/usr/local/bin"}  # fmt: skip
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def _set_cell(csv: Path, key: str, column: str, value: str) -> str:
    """Replace one cell of a CSV (row found by its first column); returns the old value."""
    import pandas as pd

    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    row = frame.index[frame.iloc[:, 0] == key][0]
    old = frame.at[row, column]
    frame.at[row, column] = value
    frame.to_csv(csv, index=False, lineterminator="\n")
    return str(old)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the project's data/ in one commit; the library reads it."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "data", root / "data")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "data")
    _git(root, "commit", "-q", "-m", "data")
    monkeypatch.setenv("COOP_ANALYSIS_ROOT", str(root))
    clear_cache()
    return root


def test_one_fact_value_shows_that_change_and_the_reports_it_reaches(repo: Path, capsys) -> None:
    facts = repo / "data" / "curated" / "facts.csv"
    old = _set_cell(facts, "F027", "value", "6900000")  # 约680万元, Shaanxi with partner Zhejiang
    _git(repo, "commit", "-q", "-am", "F027 value")

    result = diff_revisions("HEAD~1", "HEAD", repo=repo)
    assert [(c.table, c.key, c.kind, c.columns) for c in result.rows] == [("facts", "F027", "changed", ("value",))]
    change = result.rows[0]
    assert change.old["value"] == float(old) and change.new["value"] == 6900000.0
    # the fact's province, its partner, and the overview: nothing else
    assert {r.name for r in result.reports} == {"Shaanxi", "Zhejiang", "overview"}
    assert all(r.kind == "changed" and r.inputs for r in result.reports)
    assert all(r.inputs == ("rows:facts",) for r in result.reports if r.name != "overview")
    assert result.n_reports == 14 and not result.notes

    assert main(["diff", "HEAD~1", "HEAD"]) == 0
    text = capsys.readouterr().out
    assert "facts: 1 changed" in text and "value: 6800000 → 6900000" in text
    assert "quote (unchanged): " in text and "reports reached: 3 of 14" in text
    assert main(["diff", "HEAD~1", "HEAD", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "- ~ **F027** (Shaanxi · intended_value): value `6800000` → `6900000`" in md
    assert "| Shaanxi | changed | rows:facts |" in md


def test_default_compares_the_last_commit_with_the_work_tree(repo: Path) -> None:
    facts = repo / "data" / "curated" / "facts.csv"
    text = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = next(line for line in text if line.startswith("F038,"))
    facts.write_text("".join(line for line in text if line is not removed), encoding="utf-8")
    result = diff_revisions(repo=repo)
    assert result.new == "work tree"
    assert [(c.key, c.kind) for c in result.rows] == [("F038", "removed")]
    assert result.rows[0].old["raw"] == "最高可达90%" and result.rows[0].new is None
    names = {r.name: r for r in result.reports}
    assert set(names) == {"Sichuan", "overview"}
    assert names["overview"].old_headline == names["overview"].new_headline  # still 13 provinces with records
    out = format_text(result)
    assert "- F038 (Sichuan · premium_subsidy_cap)" in out and "raw: 最高可达90%" in out
    assert "No record" not in format_markdown(result)


def test_no_change(repo: Path) -> None:
    result = diff_revisions("HEAD", repo=repo)
    assert result.empty and result.n_reports == 14
    assert "no record added, removed or changed" in format_text(result)


def test_missing_revision_in_a_shallow_clone_is_one_clear_line(repo: Path, tmp_path: Path, capsys) -> None:
    _git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    with pytest.raises(RevisionError, match=r"not found .*shallow clone with 1 commit.*git fetch --deepen"):
        diff_revisions("HEAD~1", repo=shallow)
    assert main(["--root", str(shallow), "diff", "HEAD~1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("coop-analysis diff: revision 'HEAD~1' not found") and err.count("\n") == 1
    assert main(["--root", str(shallow), "diff", "--", "--all"]) == 2  # an option is not a revision


def test_not_a_repository(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "data", tmp_path / "data")
    with pytest.raises(RevisionError, match="not a git repository"):
        diff_revisions(repo=tmp_path)


def test_added_table_and_keyless_rows() -> None:
    import pandas as pd

    new = pd.DataFrame({"doc_id": ["d"], "raw": ["3项"], "quote": ["q"], "reason": ["repeat"], "note": [None]})
    added = diff_table("waivers", None, new)
    assert [(c.kind, c.key) for c in added] == [("added", "d | 3项 | q | repeat | ")]
    both = pd.concat([new, new.assign(raw="4项")], ignore_index=True)
    assert [(c.kind, c.new["raw"]) for c in diff_table("waivers", new, both)] == [("added", "4项")]
    assert diff_table("waivers", both, both.iloc[::-1]) == []  # order of a keyless table is not a change


def test_an_older_layout_is_compared_as_written_and_says_so(repo: Path) -> None:
    import pandas as pd

    facts = repo / "data" / "curated" / "facts.csv"
    current = facts.read_text(encoding="utf-8")
    frame = pd.read_csv(facts, dtype=str, keep_default_na=False)
    frame.drop(columns=["note"]).to_csv(facts, index=False, lineterminator="\n")  # an "older layout"
    _git(repo, "commit", "-q", "-am", "old layout")
    facts.write_text(current, encoding="utf-8")
    _set_cell(facts, "F001", "value", "40")
    result = diff_revisions("HEAD", repo=repo)
    assert any("facts does not pass validation" in n and "compared as written" in n for n in result.notes)
    assert not result.reports_known and result.reports == []
    f001 = next(c for c in result.rows if c.key == "F001")
    assert f001.old["value"] == "39" and f001.new["value"] == "40" and "value" in f001.columns
    noted = set(frame.loc[frame["note"] != "", "fact_id"])  # the column the old layout lacks
    assert {c.key for c in result.rows} == {"F001"} | noted
    assert all(c.columns == ("note",) for c in result.rows if c.key != "F001")
    assert "reports reached: unknown" in format_text(result)
