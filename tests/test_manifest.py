"""Build manifest and incremental planning: which reports a change reaches (no notebook runs here)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from coop_analysis import clear_cache, inputs, manifest
from coop_analysis.profiles import provinces_with_records

from .conftest import PROJECT


@dataclass(frozen=True)
class FakeJob:
    name: str
    notebook: str
    parameters: dict[str, str]
    out_dir: str
    stem: str


def _jobs(root: Path, out: Path) -> list[FakeJob]:
    names = ["overview", *provinces_with_records()]
    jobs = []
    for name in names:
        nb = "overview.ipynb" if name == "overview" else "region_report.ipynb"
        params = {"lang": "en"} if name == "overview" else {"region": name, "lang": "en"}
        jobs.append(FakeJob(name, str(root / "notebooks" / nb), params, str(out / "en"), name.replace(" ", "_")))
    return jobs


def _write_outputs(jobs: list[FakeJob], plan: manifest.BuildPlan, out: Path) -> None:
    """Stand-in for running the notebooks: write each job's files, then record them."""
    for job in jobs:
        for suffix in (".ipynb", ".html"):
            (Path(job.out_dir) / f"{job.stem}{suffix}").parent.mkdir(parents=True, exist_ok=True)
            (Path(job.out_dir) / f"{job.stem}{suffix}").write_text(f"{job.name}{suffix}", encoding="utf-8")
    manifest.record_reports(out, plan, [(j, {"region": j.name, "headline": "h", "n_facts": 1}) for j in jobs])


@pytest.fixture
def built(project_copy: Path, tmp_path: Path) -> tuple[Path, Path, list[FakeJob]]:
    """A project copy with notebooks, whose every report is 'built' and recorded."""
    (project_copy / "notebooks").mkdir()
    for nb in ("overview.ipynb", "region_report.ipynb"):
        (project_copy / "notebooks" / nb).write_bytes((PROJECT / "notebooks" / nb).read_bytes())
    (project_copy / inputs.LOCK_FILE).write_bytes((PROJECT / inputs.LOCK_FILE).read_bytes())
    out = tmp_path / "reports"
    jobs = _jobs(project_copy, out)
    plan = manifest.plan_build(jobs, out)
    assert plan.run == jobs and not plan.up_to_date
    _write_outputs(jobs, plan, out)
    return project_copy, out, jobs


def _names(jobs: list[FakeJob]) -> list[str]:
    return [j.name for j in jobs]


def _edit_csv(path: Path, key: str, column: str, value: str | None) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = frame.index[frame.iloc[:, 0] == key][0]
    frame.at[row, column] = value if value is not None else ""
    frame.to_csv(path, index=False, lineterminator="\n")
    clear_cache()


def test_nothing_changed_nothing_runs(built) -> None:
    _, out, jobs = built
    plan = manifest.plan_build(jobs, out)
    assert plan.run == [] and plan.up_to_date == jobs
    assert manifest.plan_build(jobs, out, force=True).run == jobs


def test_one_fact_rebuilds_its_province_its_partner_and_the_overview(built) -> None:
    root, out, jobs = built
    _edit_csv(root / "data" / "curated" / "facts.csv", "F027", "value", "6900000")  # Shaanxi, partner Zhejiang
    plan = manifest.plan_build(jobs, out)
    assert sorted(_names(plan.run)) == ["Shaanxi", "Zhejiang", "overview"]
    assert len(plan.up_to_date) == len(jobs) - 3
    # after writing them, nothing is left to do, and the cheap check holds again
    _write_outputs(plan.run, plan, out)
    again = manifest.plan_build(jobs, out)
    assert again.run == []
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert {e["data_files"] for e in recorded.values()} == {inputs.data_digest()}


def test_an_initiative_title_reaches_the_reports_showing_it(built) -> None:
    root, out, jobs = built
    ini = pd.read_csv(root / "data" / "curated" / "initiatives.csv", dtype=str)
    target = ini.iloc[0]
    _edit_csv(root / "data" / "curated" / "initiatives.csv", target["initiative_id"], "title_en", "A new title")
    expected = {"overview", target["province"], *str(target["partners"]).split("|")} - {"nan"}
    facts = pd.read_csv(root / "data" / "curated" / "facts.csv", dtype=str, keep_default_na=False)
    for _, fact in facts[facts["initiative_id"] == target["initiative_id"]].iterrows():
        expected |= {fact["province"], *[p for p in fact["partner"].split("|") if p]}  # titles beside facts
    events = pd.read_csv(root / "data" / "curated" / "events.csv", dtype=str, keep_default_na=False)
    expected |= {p for p in events[events["initiative_id"] == target["initiative_id"]]["province"] if p}
    assert set(_names(manifest.plan_build(jobs, out).run)) == expected


def test_reference_and_code_changes_rebuild_everything(built, monkeypatch) -> None:
    root, out, jobs = built
    _edit_csv(root / "data" / "curated" / "metrics.csv", "joint_projects", "description_en", "Joint projects")
    assert manifest.plan_build(jobs, out).run == jobs  # metrics are read whole by every report
    plan = manifest.plan_build(jobs, out)
    _write_outputs(jobs, plan, out)
    monkeypatch.setattr(inputs, "library_digest", lambda: "another library")
    assert manifest.plan_build(jobs, out).run == jobs


def test_lock_and_notebook_changes(built) -> None:
    root, out, jobs = built
    nb = root / "notebooks" / "overview.ipynb"
    nb.write_bytes(nb.read_bytes() + b"\n")
    assert _names(manifest.plan_build(jobs, out).run) == ["overview"]
    (root / inputs.LOCK_FILE).write_text("# another lock\n", encoding="utf-8")
    assert manifest.plan_build(jobs, out).run == jobs


def test_missing_or_edited_output_is_rebuilt(built) -> None:
    _, out, jobs = built
    (Path(jobs[1].out_dir) / f"{jobs[1].stem}.html").unlink()
    (Path(jobs[2].out_dir) / f"{jobs[2].stem}.ipynb").write_text("edited", encoding="utf-8")
    assert _names(manifest.plan_build(jobs, out).run) == [jobs[1].name, jobs[2].name]


def test_unreadable_or_foreign_manifest_rebuilds_all(built) -> None:
    _, out, jobs = built
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    assert manifest.plan_build(jobs, out).run == jobs
    (out / "manifest.json").write_text(json.dumps({"format": 99, "reports": {}}), encoding="utf-8")
    assert manifest.plan_build(jobs, out).run == jobs


def test_manifest_records_inputs_outputs_and_headline(built) -> None:
    root, out, _ = built
    text = (out / "manifest.json").read_text(encoding="utf-8")
    entry = json.loads(text)["reports"]["en/Gansu"]
    assert entry["notebook"] == "notebooks/region_report.ipynb"
    assert entry["parameters"] == {"region": "Gansu", "lang": "en"}
    assert set(entry["inputs"]) == {"notebook", "code", "data"}
    assert set(entry["inputs"]["code"]) == {"library", "lock", "python"}
    assert {"rows:facts", "rows:initiatives", "file:reference/provinces.csv"} <= set(entry["inputs"]["data"])
    assert entry["outputs"] == {
        "en/Gansu.html": inputs.file_digest(out / "en" / "Gansu.html"),
        "en/Gansu.ipynb": inputs.file_digest(out / "en" / "Gansu.ipynb"),
    }
    assert entry["headline"] == {"region": "Gansu", "headline": "h", "n_facts": 1}
    assert len(entry["build"]["data_version"]) == len(entry["build"]["code_version"]) == 12
    assert "time" not in text and str(root) not in text  # nothing that differs between two clones


def test_a_province_without_records_depends_on_the_counts(project_copy: Path) -> None:
    before = inputs.region_data_inputs("Hainan")
    assert before["count:facts"] == str(len(pd.read_csv(project_copy / "data" / "curated" / "facts.csv")))
    _edit_csv(project_copy / "data" / "curated" / "facts.csv", "F027", "value", "6900000")
    assert inputs.region_data_inputs("Hainan") == before  # a changed value is not in its text
    facts = project_copy / "data" / "curated" / "facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    facts.write_text("".join(lines[:-1]), encoding="utf-8")  # one fact fewer: its count changes
    clear_cache()
    assert inputs.region_data_inputs("Hainan")["count:facts"] == str(int(before["count:facts"]) - 1)


def test_footer_text() -> None:
    build = {"data_version": "0123456789ab", "code_version": "ba9876543210"}
    assert manifest.footer_text(build) == "Data version 0123456789ab · code version ba9876543210 (see manifest.json)"
    assert manifest.footer_text(build, "zh").startswith("数据版本 0123456789ab")
    assert manifest.footer_text(None) == ""
