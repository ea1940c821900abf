"""`coop-analysis validate` passes on the shipped data and fails precisely on broken copies."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

import coop_analysis as ca
from coop_analysis.cli import main
from coop_analysis.validate import validate_all


def test_shipped_data_passes() -> None:
    report = validate_all()
    assert report.problems == []
    assert report.counts["facts"] >= 38
    assert report.counts["coverage:000_f2e234c30898f6af"] == report.counts["facts"] + report.counts["waivers"]


def _edit(path: Path, row: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    rows[row][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _edit_where(path: Path, key: str, value: str, column: str, new: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    _edit(path, next(i for i, r in enumerate(rows) if r[key] == value), column, new)


def _append_copy_of_row(path: Path, row: int) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines) + lines[row + 1], encoding="utf-8")


CUR, REF = "data/curated", "data/reference"
# (file, mutation, fragments the message must contain) — one or more per curated file
BREAKAGES: list[tuple[str, Callable[[Path], None], list[str]]] = [
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 2, "unit", "items"),
        ["facts.csv", "line 4", "column 'unit'", "parses to unit='名'"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "value", "forty"),
        ["facts.csv", "line 2", "column 'value'", "expected a number"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 5, "qualifier", "roughly"),
        ["facts.csv", "line 7", "column 'qualifier'", "expected one of"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 1, "quote", "一句不存在的话。"),
        ["facts.csv", "line 3", "column 'quote'", "not found"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "raw", "九" * 309 + "家"),  # once an OverflowError
        ["facts.csv", "line 2", "column 'raw'", "expected a quantity", "too long"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "raw", "40项"),
        ["facts.csv", "line 2", "column 'raw'", "does not occur in its quote"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "province", "Atlantis"),
        ["facts.csv", "line 2", "column 'province'", "'Atlantis'"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "metric", "made_up"),
        ["facts.csv", "line 2", "column 'metric'", "'made_up'"],
    ),
    (f"{CUR}/facts.csv", lambda p: _append_copy_of_row(p, 0), ["facts.csv", "column 'fact_id'", "unique"]),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 3, "period_end", "Feb 2025"),
        ["facts.csv", "line 5", "column 'period_end'", "expected an ISO date"],
    ),
    # attribution and periods (issue 9)
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "partner", "Beijing"),
        ["facts.csv", "line 2 (fact_id F001)", "column 'partner'", "no partner link", "'Beijing'", "opposite Gansu"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "province", "Tibet"),
        ["facts.csv", "line 2", "column 'province'", "'Tibet' takes part in shandong-gansu-st-cooperation on no side"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 3, "subject", "ORG099"),
        ["facts.csv", "line 5 (fact_id F004)", "column 'subject'", "'ORG099' is not a participant"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 3, "subject_type", "region"),
        ["facts.csv", "line 5", "column 'subject'", "a region subject is the province counted for"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 3, "counterpart", "火星客户"),
        ["facts.csv", "line 5", "column 'counterpart'", "'火星客户' is not a participant"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "period_start", "2026"),
        ["facts.csv", "line 2", "column 'period_start'", "is after period_end"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 3, "period_end", "2025-02-30"),
        ["facts.csv", "line 5", "column 'period_end'", "expected a day that exists in 2025-02, got '2025-02-30'"],
    ),
    (
        f"{CUR}/facts.csv",
        lambda p: _edit(p, 0, "period_end", "2026"),
        ["facts.csv", "line 2", "column 'period_end'", "after its source was published"],
    ),
    (
        f"{CUR}/events.csv",
        lambda p: _edit(p, 0, "date", "2024-02-30"),
        ["events.csv", "line 2", "column 'date'", "expected a day that exists in 2024-02"],
    ),
    (
        f"{CUR}/participants.csv",
        lambda p: _edit(p, 0, "participant", "Atlantis"),
        ["participants.csv", "line 2", "column 'participant'", "'Atlantis' is not a provinces.name_en"],
    ),
    (
        f"{CUR}/participants.csv",
        lambda p: (_edit(p, 0, "leads", "false"), _edit(p, 1, "leads", "false")),
        ["initiatives.csv", "line 2", "shandong-gansu-st-cooperation", "no participant leads it"],
    ),
    (
        f"{CUR}/participants.csv",
        lambda p: _edit(p, 2, "role", "east"),
        ["facts.csv", "line 2", "column 'province'", "'Gansu' is on both sides"],
    ),
    (
        f"{CUR}/participants.csv",
        lambda p: _edit_where(p, "participant", "兰州市", "province", "Shandong"),
        ["participants.csv", "column 'province'", "兰州市 is in ['Gansu']"],
    ),
    (
        f"{CUR}/initiatives.csv",
        lambda p: _edit(p, 0, "partners", "Shandong|Beijing"),
        ["initiatives.csv", "line 2", "column 'partners'", "expected the provinces on the side opposite Gansu"],
    ),
    (
        f"{CUR}/organizations.csv",
        lambda p: _edit(p, 0, "initiatives", "shandong-gansu-intellectual-aid"),
        ["participants.csv", "column 'initiative_id'", "does not list 'shandong-gansu-st-cooperation'"],
    ),
    (
        f"{CUR}/initiatives.csv",
        lambda p: _edit(p, 0, "mechanism", "joint_projects|magic"),
        ["initiatives.csv", "line 2", "column 'mechanism'"],
    ),
    (
        f"{CUR}/initiatives.csv",
        lambda p: _edit(p, 0, "partners", "Shandong|Mars"),
        ["initiatives.csv", "line 2", "column 'partners'", "'Mars'"],
    ),
    (
        f"{CUR}/organizations.csv",
        lambda p: _edit(p, 0, "type", "club"),
        ["organizations.csv", "line 2", "column 'type'"],
    ),
    (
        f"{CUR}/organizations.csv",
        lambda p: _edit(p, 0, "initiatives", "no-such-initiative"),
        ["organizations.csv", "line 2", "column 'initiatives'"],
    ),
    (f"{CUR}/events.csv", lambda p: _edit(p, 0, "date", "2024-13-45x"), ["events.csv", "line 2", "column 'date'"]),
    (
        f"{CUR}/events.csv",
        lambda p: _edit(p, 0, "doc_id", "999_missing"),
        ["events.csv", "line 2", "column 'doc_id'", "'999_missing'"],
    ),
    (f"{CUR}/metrics.csv", lambda p: _edit(p, 0, "kind", "volume"), ["metrics.csv", "line 2", "column 'kind'"]),
    (f"{CUR}/waivers.csv", lambda p: _edit(p, 0, "reason", "because"), ["waivers.csv", "line 2", "column 'reason'"]),
    (
        f"{CUR}/waivers.csv",
        lambda p: p.write_text(p.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"),
        ["coverage", "neither a fact nor waived"],
    ),
    (
        f"{REF}/provinces.csv",
        lambda p: _edit(p, 0, "macro_region", "middle"),
        ["provinces.csv", "line 2", "column 'macro_region'"],
    ),
    (
        f"{REF}/pairings.csv",
        lambda p: _edit(p, 0, "west_province", "Narnia"),
        ["pairings.csv", "line 2", "column 'west_province'"],
    ),
    (
        f"{REF}/pairings.csv",
        lambda p: _edit(p, 11, "west_area_zh", "札达县"),
        ["pairings.csv", "line 13 (CSXZ-01)", "column 'west_area_zh'", "not a prefecture of Tibet"],
    ),
    (
        f"{REF}/exchange_rates.csv",
        lambda p: _edit(p, 4, "cny_per_unit", "0.06"),
        ["exchange_rates.csv", "line 6", "(2015 JPY)", "column 'cny_per_unit'", "expected 0.0519021"],
    ),
    (
        f"{REF}/exchange_rates.csv",
        lambda p: _append_copy_of_row(p, 0),
        ["exchange_rates.csv", "duplicate (year, currency) 2015, USD"],
    ),
    (
        f"{REF}/exchange_rates.csv",
        lambda p: _edit(p, 1, "usd_quote_basis", "per_euro"),
        ["exchange_rates.csv", "line 3", "column 'usd_quote_basis'"],
    ),
    (
        f"{REF}/places.csv",
        lambda p: _edit(p, 0, "ambiguous", "maybe"),
        ["places.csv", "line 2", "column 'ambiguous'", "true or false"],
    ),
    (
        "data/raw/000_f2e234c30898f6af.txt",
        lambda p: p.write_bytes(p.read_bytes() + b"x"),
        ["sha256", "must not be edited"],
    ),
]


@pytest.mark.parametrize(
    ("relpath", "mutate", "fragments"), BREAKAGES, ids=[f"{b[0].split('/')[-1]}-{i}" for i, b in enumerate(BREAKAGES)]
)
def test_broken_copy_is_rejected_with_a_precise_message(project_copy: Path, relpath: str,
                                                        mutate: Callable[[Path], None], fragments: list[str],
                                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    mutate(project_copy / relpath)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    problem_lines = [line for line in err.splitlines() if all(f in line for f in fragments)]
    assert problem_lines, f"no problem line with {fragments} in:\n{err}"


def test_missing_column_names_the_file_and_columns(project_copy: Path) -> None:
    path = project_copy / CUR / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("what_en", "what", 1), encoding="utf-8")
    with pytest.raises(ca.DataValidationError) as err:
        ca.load_events()
    assert "events.csv" in str(err.value) and "missing ['what_en']" in str(err.value)


def test_loader_rejects_a_broken_file(project_copy: Path) -> None:
    _edit(project_copy / CUR / "facts.csv", 0, "qualifier", "about")
    with pytest.raises(ca.DataValidationError, match=r"facts.csv, line 2, column 'qualifier'"):
        ca.load_facts()


def test_validate_cli_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "all checks passed" in capsys.readouterr().out


def test_coverage_makes_an_unparsed_mention_a_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mention the extractor cannot read is not dropped: it is a gap with its reason (or waived)."""
    import pandas as pd

    from coop_analysis import validate

    monkeypatch.setattr(validate, "source_text", lambda doc_id: "签约项目12项，债务超过3兆元。")
    facts = pd.DataFrame(columns=["doc_id", "fact_id", "quote", "raw", "value", "unit", "qualifier"])
    waivers = pd.DataFrame(columns=["doc_id", "raw", "quote", "reason", "note"])
    cov = validate.coverage("x", facts, waivers)
    assert cov["status"].tolist() == ["gap", "gap"]
    assert cov["note"].tolist() == ["", "unparsed: 兆 is 10^6 in mainland usage and 10^12 in Taiwan's; not read"]
    waivers.loc[0] = ["x", "超过3兆元", "签约项目12项，债务超过3兆元。", "not_a_measure", ""]
    assert validate.coverage("x", facts, waivers)["status"].tolist() == ["gap", "waived"]
