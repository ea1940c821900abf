"""Export: every table as CSV, Parquet or XLSX with a datapackage.json that frictionless validates."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import coop_analysis as ca
from coop_analysis import exports
from coop_analysis.cli import main
from coop_analysis.schemas import TABLES

frictionless = pytest.importorskip("frictionless", reason="the export extra is not installed")
pytest.importorskip("pyarrow", reason="the export extra is not installed")
pytest.importorskip("openpyxl", reason="the export extra is not installed")

ALL_TABLES = [*TABLES, "sources"]


def _loaded(name: str) -> pd.DataFrame:
    return ca.load_sources() if name == "sources" else ca.datasets.load_table(name)


def _errors(report) -> list:  # type: ignore[no-untyped-def]
    return report.flatten(["rowNumber", "type", "note"])


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_export_validates_and_round_trips_with_dtypes(fmt: str, tmp_path: Path) -> None:
    descriptor = ca.export(tmp_path, fmt)
    assert descriptor == tmp_path / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == ALL_TABLES  # every table, from the schemas
    report = frictionless.validate(str(descriptor))
    assert report.valid, _errors(report)
    back = ca.read_export(tmp_path)
    assert list(back) == ALL_TABLES
    for name in ALL_TABLES:
        pd.testing.assert_frame_equal(back[name], _loaded(name), check_exact=True, check_flags=False)


def test_descriptor_says_types_constraints_keys_sources_and_licence(tmp_path: Path) -> None:
    package = json.loads(ca.export(tmp_path, "csv").read_text(encoding="utf-8"))
    assert package["licenses"] == [{"name": "MIT", "title": "MIT License"}]
    assert package["sources"] and all("doc_id" in s["title"] for s in package["sources"])
    res = {r["name"]: r for r in package["resources"]}
    facts = res["facts"]
    fields = {f["name"]: f for f in facts["schema"]["fields"]}
    assert facts["schema"]["primaryKey"] == ["fact_id"]
    assert fields["value"]["type"] == "number" and fields["fact_id"]["constraints"] == {
        "required": True,
        "unique": True,
    }
    assert fields["qualifier"]["constraints"]["enum"][0] == "exact"
    assert "provinces.name_en" in fields["partner"]["description"]  # a list column names its reference
    assert {"fields": ["metric"], "reference": {"resource": "metrics", "fields": ["metric"]}} in facts["schema"][
        "foreignKeys"
    ]
    assert res["places"]["schema"]["fields"][4] == {**res["places"]["schema"]["fields"][4], "type": "integer"}
    assert facts["sources"][0] == {"title": "data/curated/facts.csv"}
    assert facts["encoding"] == "utf-8-sig" and facts["hash"].startswith("sha256:")
    ini_mech = next(f for f in res["initiatives"]["schema"]["fields"] if f["name"] == "mechanism")
    assert "science_enclave" in ini_mech["constraints"]["pattern"]


def test_csv_opens_in_excel(tmp_path: Path) -> None:
    ca.export(tmp_path, "csv")
    data = (tmp_path / "facts.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert "山东" in data.decode("utf-8-sig")


def test_frictionless_finds_a_broken_export(tmp_path: Path) -> None:
    """The validation in the test above is not vacuous: a bad value or a changed file is reported."""
    descriptor = ca.export(tmp_path, "csv")
    facts = tmp_path / "facts.csv"
    facts.write_bytes(facts.read_bytes().replace(b",joint_projects,", b",no_such_metric,", 1))
    errors = _errors(frictionless.validate(str(descriptor)))
    assert any(e[1] == "hash-count" for e in errors)
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    for r in package["resources"]:
        r.pop("hash"), r.pop("bytes")
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    errors = _errors(frictionless.validate(str(descriptor)))
    assert [e[1] for e in errors] == ["foreign-key"] and "no_such_metric" in errors[0][2], errors


def test_frictionless_command_line(tmp_path: Path) -> None:
    descriptor = ca.export(tmp_path, "csv")
    cli = shutil.which("frictionless", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("no frictionless command beside this Python")
    out = subprocess.run([cli, "validate", str(descriptor)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:]


def test_xlsx_keeps_text_that_looks_like_a_formula(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    real = exports._load

    def load(name: str) -> pd.DataFrame:
        frame = real(name)
        if name == "waivers":
            frame.loc[0, "note"] = "=SUM(1,2)"
        return frame

    monkeypatch.setattr(exports, "_load", load)
    ca.export(tmp_path, "xlsx", tables=["waivers"])
    sheet = openpyxl.load_workbook(tmp_path / exports.WORKBOOK)["waivers"]
    cell = sheet.cell(row=2, column=list(TABLES["waivers"].columns).index("note") + 1)
    assert (cell.value, cell.data_type) == ("=SUM(1,2)", "s")
    assert ca.read_export(tmp_path)["waivers"].loc[0, "note"] == "=SUM(1,2)"


def test_export_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(exports.ExportError, match="csv, parquet, xlsx"):
        ca.export(tmp_path, "xls")
    with pytest.raises(exports.ExportError, match="unknown table"):
        ca.export(tmp_path, "csv", tables=["fact"])
    monkeypatch.setitem(exports._NEEDS, "parquet", ("no_such_module_for_the_test", "pyarrow"))
    with pytest.raises(exports.ExportError, match=r"coop-analysis\[export\]"):
        ca.export(tmp_path, "parquet")
    assert not list(tmp_path.iterdir())  # nothing half-written
    with pytest.raises(exports.ExportError, match=r"datapackage\.json"):
        ca.read_export(tmp_path)


def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "parquet", "--out", str(tmp_path / "out")]) == 0
    assert "exported 10 tables as parquet" in capsys.readouterr().out.replace(str(len(ALL_TABLES)), "10")
    assert (tmp_path / "out" / "facts.parquet").is_file() and (tmp_path / "out" / "datapackage.json").is_file()
    assert main(["export", "--tables", "nope", "--out", str(tmp_path / "x")]) == 2
    assert "unknown table" in capsys.readouterr().err
