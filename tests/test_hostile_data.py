"""Hostile-input catalogue, data files: markup, padded keys, repeated list items, impossible dates,
empty or malformed CSVs, line numbers, source metadata — each refused naming file, line and column."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

import coop_analysis as ca
from coop_analysis.datasets import load_table, read_and_validate, table_path
from coop_analysis.markup import find_markup
from coop_analysis.schemas import TABLES, date_problem
from coop_analysis.validate import validate_all

from .conftest import SEED_ID
from .test_markup import HOSTILE


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])


def _problems(name: str) -> list[str]:
    with pytest.raises(ca.DataValidationError) as err:
        read_and_validate(name)
    return err.value.problems


STRING_COLUMNS = [(t, c) for t, spec in TABLES.items() for c, col in spec.columns.items() if col.dtype == "string"]
KEY_COLUMNS = [(t, c) for t, spec in TABLES.items() for c, col in spec.columns.items() if col.unique or c == spec.key]
LIST_COLUMNS = [(t, c) for t, spec in TABLES.items() for c, col in spec.columns.items() if col.is_list]
DATE_COLUMNS = [(t, c) for t, spec in TABLES.items() for c, col in spec.columns.items() if col.is_date]


@pytest.mark.parametrize(("table", "column"), STRING_COLUMNS, ids=[f"{t}.{c}" for t, c in STRING_COLUMNS])
def test_markup_in_any_text_column_is_refused(project_copy: Path, table: str, column: str) -> None:
    path = table_path(table)
    header, rows = _rows(path)
    j = header.index(column)
    hostile = [h for h in HOSTILE if "\n" not in h and find_markup(h)][: len(rows)]
    assert len(hostile) >= min(len(rows), 10)
    for i, text in enumerate(hostile):
        rows[i][j] = text
    _write(path, header, rows)
    problems = [p for p in _problems(table) if "expected plain text without markup" in p]
    assert len(problems) == len(hostile), problems
    for i in range(len(hostile)):
        assert any(f"{path.name}, line {i + 2}, column '{column}'" in p for p in problems), (i, problems)


@pytest.mark.parametrize(("table", "column"), KEY_COLUMNS, ids=[f"{t}.{c}" for t, c in KEY_COLUMNS])
def test_keys_with_surrounding_space_are_refused(project_copy: Path, table: str, column: str) -> None:
    path = table_path(table)
    header, rows = _rows(path)
    j = header.index(column)
    rows[0][j] += " "
    rows[1][j] = " " + rows[1][j]
    rows[2][j] += "\t"
    _write(path, header, rows)
    problems = _problems(table)
    for line in (2, 3, 4):
        assert any(f"line {line}, column '{column}'" in p for p in problems), problems


def test_padded_key_breaks_no_foreign_key_silently(project_copy: Path) -> None:
    path = table_path("facts")
    header, rows = _rows(path)
    rows[0][header.index("fact_id")] = "F001 "
    _write(path, header, rows)
    report = validate_all()
    assert any("facts.csv, line 2, column 'fact_id'" in p and "white space" in p for p in report.problems)


@pytest.mark.parametrize(("table", "column"), LIST_COLUMNS, ids=[f"{t}.{c}" for t, c in LIST_COLUMNS])
def test_repeated_list_items_are_refused(project_copy: Path, table: str, column: str) -> None:
    path = table_path(table)
    header, rows = _rows(path)
    j = header.index(column)
    i = next(k for k, r in enumerate(rows) if r[j])
    first = rows[i][j].split("|")[0]
    rows[i][j] = f"{first}|{first}"
    _write(path, header, rows)
    assert any(f"line {i + 2}, column '{column}'" in p and "each once" in p for p in _problems(table))


IMPOSSIBLE_DATES = ["2024-13-45", "2024-02-30", "2023-02-29", "2099-99", "0000", "9999", "2024-00", "2024-1",
                    "2024\n", " 2024", "2024 ", "２０２４", "2024-02-30T00:00", "24-01-01"]  # fmt: skip


@pytest.mark.parametrize(("table", "column"), DATE_COLUMNS, ids=[f"{t}.{c}" for t, c in DATE_COLUMNS])
def test_impossible_dates_are_refused_in_every_date_column(project_copy: Path, table: str, column: str) -> None:
    path = table_path(table)
    header, rows = _rows(path)
    j = header.index(column)
    rows = (rows * (len(IMPOSSIBLE_DATES) // len(rows) + 1))[: len(IMPOSSIBLE_DATES)]
    for i, date in enumerate(IMPOSSIBLE_DATES):
        rows[i][j] = date
    _write(path, header, rows)
    problems = [p for p in _problems(table) if f"column '{column}'" in p]
    line = 2
    for date in IMPOSSIBLE_DATES:
        assert any(f"line {line}, column '{column}'" in p for p in problems), (date, line, problems)
        line += 1 + date.count("\n")  # a cell with a line break spans two lines of the file


def test_date_problem_names_the_reason() -> None:
    assert date_problem("2024-02-29") is None and date_problem("2024") is None and date_problem("2024-12") is None
    assert "day that exists in 2024-02" in str(date_problem("2024-02-30"))
    assert "month" in str(date_problem("2099-99"))
    assert "year" in str(date_problem("0000"))
    assert "ISO date" in str(date_problem("2024\n"))


def test_pattern_columns_match_in_full(project_copy: Path) -> None:
    """A trailing newline no longer slips through a `$` anchor."""
    path = table_path("metrics")
    header, rows = _rows(path)
    rows[0][0] = rows[0][0] + "\n"
    _write(path, header, rows)
    assert any("line 2, column 'metric'" in p and "in full" in p for p in _problems("metrics"))


@pytest.mark.parametrize("table", list(TABLES))
def test_empty_csv_is_a_clear_data_error(project_copy: Path, table: str) -> None:
    table_path(table).write_bytes(b"")
    with pytest.raises(ca.DataValidationError, match=rf"{TABLES[table].filename}: the file is empty"):
        load_table(table)
    report = validate_all()
    assert any("the file is empty" in p for p in report.problems)


def test_line_numbers_count_blank_lines_and_multiline_cells(project_copy: Path) -> None:
    path = table_path("facts")
    header, rows = _rows(path)
    note = header.index("note")
    rows[0][note] = "first line\nsecond line\nthird line"  # starts on line 3, ends on line 5
    rows[1][header.index("qualifier")] = "roughly"  # line 7, after a blank line
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n\n")  # line 1 header, line 2 blank
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(rows[0])  # lines 3–5
        fh.write("\n")  # line 6 blank
        w.writerows(rows[1:])  # line 7 …
    problems = _problems("facts")
    assert any("line 3, column 'note'" in p and "line break" in p for p in problems), problems
    assert any("line 7, column 'qualifier'" in p for p in problems), problems
    report = validate_all()  # validate's own checks (quotes, parses) use the same line numbers
    assert any("facts.csv, line 7" in p for p in report.problems)


def test_line_numbers_of_validate_checks_after_blank_lines(project_copy: Path) -> None:
    path = table_path("facts")
    header, rows = _rows(path)
    rows[2][header.index("raw")] = "40项"  # not in its quote: a validate check, not a schema check
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\n" + ",".join(header) + "\n\n\n")  # header on line 2, blank 3–4
        csv.writer(fh, lineterminator="\n").writerows(rows)  # rows from line 5
    report = validate_all()
    assert any("facts.csv, line 7 (fact_id F003), column 'raw'" in p for p in report.problems), report.problems


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"fact_id,doc_id\nF1,x,extra\n", "expected 2 cells"),
        (b'a,b\n"unclosed,1\n', "not a readable CSV row"),
        (b"a,a\n1,2\n", "more than once"),
        (b"\xff\xfe\x00a", "not UTF-8"),
        (b"\n\n  \n", "the file is empty"),
    ],
)
def test_malformed_csv_is_named(project_copy: Path, content: bytes, message: str) -> None:
    table_path("facts").write_bytes(content)
    with pytest.raises(ca.DataValidationError, match=message):
        ca.load_facts()


def test_csv_with_bom_and_crlf_reads(project_copy: Path) -> None:
    path = table_path("metrics")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert len(ca.load_metrics()) == len(read_and_validate("metrics"))


def test_folder_in_place_of_a_csv(project_copy: Path) -> None:
    path = table_path("events")
    path.unlink()
    path.mkdir()
    with pytest.raises(ca.DataValidationError, match=r"events\.csv: not a file"):
        ca.load_events()


# ----------------------------------------------------------------- source metadata


def _meta(project: Path) -> Path:
    return project / "data" / "raw" / f"{SEED_ID}.meta.yaml"


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ('published: "2025-04"', 'published: "2025-02-30"', "field 'published'"),
        ('published: "2025-04"', "published: '0000'", "field 'published'"),
        ('published: "2025-04"', 'published: "2025-04\\n"', "field 'published'"),
        ("title: 持续", "title: <script>alert(1)</script>持续", "field 'title'"),
    ],
)
def test_source_metadata_is_checked(project_copy: Path, old: str, new: str, fragment: str) -> None:
    meta = _meta(project_copy)
    text = meta.read_text(encoding="utf-8")
    assert old in text, text[:400]
    meta.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = validate_all()
    assert any(fragment in p and f"{SEED_ID}.meta.yaml" in p for p in report.problems), report.problems


def test_source_id_with_a_newline_is_named_not_fatal(project_copy: Path) -> None:
    raw = project_copy / "data" / "raw"
    bad = "001_bad\n"
    (raw / f"{bad}.txt").write_text("签约3家。", encoding="utf-8")
    (raw / f"{bad}.meta.yaml").write_text(f"doc_id: {bad!r}\n", encoding="utf-8")
    report = validate_all()
    assert any("is not <source id>.meta.yaml" in p for p in report.problems), report.problems


def test_raw_text_linked_from_outside_is_refused(project_copy: Path, tmp_path: Path) -> None:
    raw = project_copy / "data" / "raw"
    outside = tmp_path / "outside.txt"
    outside.write_bytes((raw / f"{SEED_ID}.txt").read_bytes())
    (raw / f"{SEED_ID}.txt").unlink()
    os.symlink(outside, raw / f"{SEED_ID}.txt")
    with pytest.raises(ca.SourceError, match="outside"):
        ca.source_text(SEED_ID)
    assert any("outside" in p for p in validate_all().problems)
