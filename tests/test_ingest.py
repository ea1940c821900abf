"""Adding sources: robust reading, candidate listing, add-source, and the README walkthrough."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coop_analysis as ca
from coop_analysis.cli import main
from coop_analysis.ingest import (
    add_source,
    candidates,
    decode_source,
    iter_candidates,
    read_source_file,
    text_parts,
    write_candidates_csv,
)
from coop_analysis.text import normalize_text, split_sections

from .conftest import PROJECT, SEED_ID
from .test_extraction import _DENSE

SAMPLE = Path(__file__).parent / "fixtures" / "sample_source.txt"


# ----------------------------------------------------------------- robustness


def test_empty_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    with pytest.raises(ca.SourceError, match="empty"):
        read_source_file(f)
    f.write_bytes(b"  \n\n ")
    with pytest.raises(ca.SourceError, match="empty"):
        read_source_file(f)


def test_non_utf8_file_names_the_encoding_problem(tmp_path: Path) -> None:
    f = tmp_path / "gbk.txt"
    f.write_bytes("签约12家企业".encode("gb18030"))
    with pytest.raises(ca.SourceError) as err:
        read_source_file(f)
    assert "not UTF-8" in str(err.value) and "byte " in str(err.value) and "GB18030" in str(err.value)


def test_binary_file(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(b"\x00\x01abc")
    with pytest.raises(ca.SourceError, match="NUL bytes"):
        read_source_file(f)


def test_bom_is_accepted() -> None:
    assert decode_source("\ufeff签约12家".encode()) == "签约12家"


def test_traditional_characters_and_fullwidth() -> None:
    found = ca.extract_quantities("兩岸簽約１２家企業，總額約３億元，佔比２０％以上。")
    assert found["value"].tolist() == [12, 3e8, 20]
    assert found["qualifier"].tolist() == ["exact", "approx", "over"]


def test_very_long_line_and_no_quantities() -> None:
    assert len(ca.extract_quantities("合作" * 100_000)) == 0
    long = "，".join(["签约3家企业"] * 5_000)
    found = ca.extract_quantities(long)
    assert len(found) == 5_000
    assert all(long[s:e] == r for r, s, e in zip(found["raw"], found["start"], found["end"], strict=True))


def test_extract_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        ca.extract_quantities(b"12\xe5\xae\xb6")  # type: ignore[arg-type]


@settings(deadline=None)  # the first text with a mention loads the place gazetteer (~1 s on a loaded machine)
@given(st.text(max_size=200))
def test_candidates_never_raise(text: str) -> None:
    frame = candidates(text, doc_id=None)
    assert len(frame) == len(ca.extract_quantities(text))


# ----------------------------------------------------------------- candidates


def test_candidates_of_the_seed_are_all_curated() -> None:
    raw = (PROJECT / "data" / "raw" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    frame = candidates(raw)
    assert frame["curated"].all()
    assert set(frame["status"]) == {"fact", "waived"}
    ningxia = frame[frame["ref"] == "F015"].iloc[0]
    assert ningxia["raw_normalized"] == "超过2000项" and "Ningxia" in ningxia["provinces"]
    assert ningxia["section"] == "宁夏科创“飞地”种出新试验田"


def test_candidates_of_a_new_text_are_new() -> None:
    frame = candidates(read_source_file(SAMPLE))
    assert not frame["curated"].any()
    assert frame["raw_normalized"].tolist()[:3] == ["12项", "约3.5亿元", "超过2亿元"]
    assert "Gansu" in frame.iloc[0]["provinces"] and "Shandong" in frame.iloc[0]["provinces"]


# ----------------------------------------------------------------- add-source and the walkthrough


def test_add_source_copies_unchanged_and_refuses_to_overwrite(project_copy: Path) -> None:
    meta = add_source(SAMPLE, title="示例", published="2025-05", date_is_estimate=True)
    doc = project_copy / "data" / "raw" / f"{meta['doc_id']}.txt"
    assert doc.read_bytes() == SAMPLE.read_bytes()
    assert meta["doc_id"].startswith("001_")
    assert meta["doc_id"] in set(ca.load_sources()["doc_id"])
    with pytest.raises(ca.SourceError, match="already a source"):
        add_source(SAMPLE, title="again", published="2025-05")
    other = project_copy / "other.txt"
    other.write_text("另一篇：签约3家。", encoding="utf-8")
    with pytest.raises(ca.SourceError, match="exists already"):
        add_source(other, title="x", published="2025", doc_id=meta["doc_id"])
    assert not list((project_copy / "data" / "raw").glob(".*.tmp"))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"title": "", "published": "2025"}, "--title"),
    ({"title": "t", "published": "May 2025"}, "--date"),
    ({"title": "t", "published": "2025-13"}, "--date"),
    ({"title": "t", "published": "2025", "doc_id": "../evil"}, "--doc-id"),
])  # fmt: skip
def test_add_source_validates_arguments(project_copy: Path, kwargs: dict[str, str], message: str) -> None:
    before = sorted((project_copy / "data" / "raw").iterdir())
    with pytest.raises(ca.SourceError, match=message):
        add_source(SAMPLE, **kwargs)  # type: ignore[arg-type]
    assert sorted((project_copy / "data" / "raw").iterdir()) == before


def _append(path: Path, row: dict[str, str]) -> None:
    """Append ``row`` to a CSV, in the file's column order (missing columns empty)."""
    with path.open(encoding="utf-8", newline="") as fh:
        fields = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=fields, lineterminator="\n", restval="").writerow(row)


def test_walkthrough(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's "Add a new source" steps, as a user runs them."""
    # 1. add the source
    assert main(["add-source", str(SAMPLE), "--title", "示例：鲁甘科技协作推进会", "--date", "2025-05",
                 "--date-is-estimate"]) == 0  # fmt: skip
    doc_id = capsys.readouterr().out.split()[2].rstrip(":")
    raw_file = project_copy / "data" / "raw" / f"{doc_id}.txt"
    # 2. list candidates as CSV
    assert main(["extract", str(raw_file), "--format", "csv"]) == 0
    cands = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(cands) == 8 and {c["status"] for c in cands} == {"new"}
    # 3. curate: an initiative, who takes part, and one fact per candidate but the last, which we forget
    cur = project_copy / "data" / "curated"
    _append(cur / "initiatives.csv", {
        "initiative_id": "sample-lugan-meeting", "doc_id": doc_id, "title_en": "Sample meeting",
        "title_zh": "示例会议", "province": "Gansu", "partners": "Shandong", "mechanism": "joint_projects",
        "sectors": "general", "start_date": "2025-05", "status": "reported", "section": cands[0]["section"],
        "summary_en": "Invented sample text for the walkthrough.", "summary_zh": "演示用的虚构文本。",
        "quote": cands[0]["sentence"],
    })  # fmt: skip
    for province, role in (("Gansu", "west"), ("Shandong", "east")):
        _append(cur / "participants.csv", {
            "initiative_id": "sample-lugan-meeting", "participant": province, "participant_type": "province",
            "province": province, "role": role, "leads": "true", "part_en": "runs the meeting",
            "part_zh": "共同召开会议", "doc_id": doc_id, "quote": cands[0]["sentence"],
        })  # fmt: skip
    for i, c in enumerate(cands[:-1]):
        _append(cur / "facts.csv", {
            "fact_id": f"S{i:03d}", "doc_id": doc_id, "initiative_id": "sample-lugan-meeting",
            "subject_type": "initiative", "subject": "sample-lugan-meeting", "level": "initiative",
            "province": "Gansu", "partner": "Shandong", "metric": "joint_projects", "raw": c["raw_normalized"],
            "value": c["value"], "unit": c["unit"], "qualifier": c["qualifier"], "low": c["low"], "high": c["high"],
            "period_start": "2025-05", "period_end": "2025-05", "quote": c["sentence"],
        })  # fmt: skip
    # 4. validate names the forgotten candidate
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "不少于100名" in err and "neither a fact nor waived" in err
    # 5. waive it with a reason: validation passes
    with (cur / "waivers.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow([doc_id, cands[-1]["raw_normalized"], cands[-1]["sentence"],
                                                      "not_a_measure", "a plan, not a result"])  # fmt: skip
    assert main(["validate"]) == 0, capsys.readouterr().err
    assert len(ca.load_facts()) == 38 + 7


def test_cli_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_bytes("数据".encode("gb18030"))
    assert main(["extract", str(bad)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_extract_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "约3.5亿元" in out and "8 candidate(s); 0 already curated" in out


def _candidates_reference(text: str) -> tuple[list[str], list[str], list[str]]:
    """Sections, places and provinces as candidates() found them before it went linear: a scan of
    every section and sentence per candidate and find_places on each sentence and section."""
    from coop_analysis.extraction import extract_with_positions
    from coop_analysis.regions import find_places
    from coop_analysis.text import split_sections, split_sentences

    norm, frame = extract_with_positions(text)
    sections, sentences = split_sections(norm.text), split_sentences(norm.text)
    sec_col, places_col, prov_col = [], [], []
    for pos in frame["norm_start"]:
        sec = next((s for s in sections if s.start <= pos <= s.end), None)
        sent = next((s for s in sentences if s.start <= pos < s.end), None)
        sec_col.append(sec.heading if sec else "")
        found = find_places(norm.text[sent.start : sent.end]) if sent else None
        names = list(dict.fromkeys(found["name"])) if found is not None else []
        provs = list(dict.fromkeys(found["province"].dropna())) if found is not None else []
        if not provs and sec is not None:
            provs = list(dict.fromkeys(find_places(norm.text[sec.start : sec.end])["province"].dropna()))
        places_col.append("|".join(names))
        prov_col.append("|".join(provs))
    return sec_col, places_col, prov_col


@pytest.mark.parametrize("which", ["seed", "sample"])
def test_candidates_places_and_sections_as_before(which: str) -> None:
    text = ca.source_text(SEED_ID, normalized=False) if which == "seed" else SAMPLE.read_text(encoding="utf-8")
    frame = candidates(text)
    sections, places, provinces = _candidates_reference(text)
    assert frame["section"].tolist() == sections
    assert frame["places"].tolist() == places
    assert frame["provinces"].tolist() == provinces
    assert any(provinces)


# ----------------------------------------------------------------- part by part

_PARTS_PIECES = ["甘肃", "兰州", "宁夏", "上海市", "阿坝州", "\n一、合作成果\n", "\n下一步\n", "5万元(含", "（含", ")", "）",
                 "含", "\n", "\n\n", "。\n"]  # fmt: skip
# Dense quantity text with headings, place names, line breaks and inclusive marks cut at a line end
_PARTS_TEXT = st.lists(
    st.one_of(
        _DENSE,
        st.sampled_from(_PARTS_PIECES),
    ),
    max_size=300,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(_PARTS_TEXT, st.integers(min_value=1, max_value=40))
def test_candidates_part_by_part_read_as_the_whole_text(text: str, size: int) -> None:
    check_parts(text, size)


def check_parts(text: str, size: int) -> None:
    """Cut into parts of ``size`` characters, a text gives the same candidates as in one piece
    (also applied by ``bench/fuzz_quantities.py``)."""
    whole = pd.concat(list(iter_candidates(text, part_chars=len(text) + 1)), ignore_index=True)
    by_parts = pd.concat(list(iter_candidates(text, part_chars=size)), ignore_index=True)
    pd.testing.assert_frame_equal(by_parts, whole)


def test_an_inclusive_mark_at_a_line_end_keeps_its_bracket() -> None:
    text = "一、概况\n资助2万元(含\n)以下项目5个。\n二、成果\n甘肃签约3家。"
    whole = candidates(text)
    assert "2万元(含\n)" in whole["raw"].tolist()
    for size in range(1, 12):
        pd.testing.assert_frame_equal(pd.concat(list(iter_candidates(text, part_chars=size)), ignore_index=True), whole)


@given(_PARTS_TEXT, st.integers(min_value=1, max_value=30))
def test_text_parts_cover_the_text_at_line_starts(raw: str, size: int) -> None:
    text = normalize_text(raw)
    parts = list(text_parts(text, size, [sec.start for sec in split_sections(text)]))
    assert [a for a, _ in parts[1:]] == [b for _, b in parts[:-1]]  # contiguous
    assert (parts[0][0], parts[-1][1]) == (0, len(text)) if text else parts == []
    for _, end in parts[:-1]:
        assert text[end - 1] == "\n" and "含" not in text[max(0, end - 5) : end - 1]


def test_csv_part_by_part_is_the_whole_frame_as_csv() -> None:
    text = SAMPLE.read_text(encoding="utf-8") * 40
    out = io.StringIO()
    rows = write_candidates_csv(text, out)
    assert rows == len(candidates(text)) > 300
    assert out.getvalue() == candidates(text).drop(columns=["norm_start", "norm_end"]).to_csv(index=False)
    empty = io.StringIO()
    assert write_candidates_csv("没有数字。", empty) == 0
    assert empty.getvalue() == candidates("没有数字。").drop(columns=["norm_start", "norm_end"]).to_csv(index=False)


def test_extract_of_a_new_text_loads_no_curated_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a text as long as a source in data/raw can be one; any other is new without loading sources."""
    import coop_analysis.datasets as datasets

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a curated table was loaded")

    for name in ("load_sources", "load_facts", "load_waivers"):
        monkeypatch.setattr(datasets, name, refuse)
    frame = candidates(read_source_file(SAMPLE))
    assert set(frame["status"]) == {"new"}
