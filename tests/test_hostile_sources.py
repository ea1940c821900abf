"""Hostile-input catalogue, sources: ids and paths confined to data/raw, add-source's refusals
(dates, ids, links, encodings, duplicates, a wrong project root) and endless or oversized inputs."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import coop_analysis as ca
from coop_analysis.cli import main
from coop_analysis.ingest import add_source, content_key, decode_source, read_source_bytes, read_source_file

from .conftest import PROJECT, SEED_ID

SAMPLE = Path(__file__).parent / "fixtures" / "sample_source.txt"


# ----------------------------------------------------------------- source ids and paths


@pytest.mark.parametrize(
    "doc_id",
    ["../../README", "../raw/" + SEED_ID, "/etc/passwd", f"{SEED_ID}\n", f" {SEED_ID}", "..", "", "a/b", "x",
     f"{SEED_ID}.txt", "000_f2e234c30898f6af\x00"],
)  # fmt: skip
def test_source_text_refuses_ids_that_are_not_source_ids(doc_id: str) -> None:
    with pytest.raises(ca.SourceError, match="expected a source id"):
        ca.source_text(doc_id)


def test_source_text_reads_a_real_source() -> None:
    assert len(ca.source_text(SEED_ID)) > 1000


def test_source_audit_notebook_refuses_a_path_parameter(tmp_path: Path) -> None:
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(PROJECT / "notebooks" / "source_audit.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"doc_id": "../.."}, progress_bar=False, kernel_name="python3")  # fmt: skip
    assert err.value.ename == "SourceError" and "expected a source id" in err.value.evalue


# ----------------------------------------------------------------- add-source


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"published": "2024-13-45"}, "--date: expected a month"),
        ({"published": "2024-02-30"}, "--date: expected a day that exists in 2024-02"),
        ({"published": "2025-02-30"}, "--date: expected a day"),
        ({"published": "2099-99"}, "--date: expected a month"),
        ({"published": "0000"}, "--date: expected a year"),
        ({"published": "2099"}, "--date: '2099' is in the future"),
        ({"published": "2025\n"}, "--date: expected an ISO date"),
        ({"published": "2025-05 "}, "--date: expected an ISO date"),
        ({"doc_id": "001_abc\n"}, "--doc-id"),
        ({"doc_id": "../evil"}, "--doc-id"),
        ({"doc_id": ".hidden"}, "--doc-id"),
        ({"title": "<script>alert(1)</script>"}, "--title: expected plain text without markup"),
        ({"title": "示例", "notes": "![x](javascript:alert(1))"}, "--notes: expected plain text"),
        ({"title": "   "}, "--title"),
    ],
)
def test_add_source_refuses_bad_options(project_copy: Path, kwargs: dict[str, str], message: str) -> None:
    before = sorted((project_copy / "data" / "raw").iterdir())
    args = {"title": "示例", "published": "2025-05"} | kwargs
    with pytest.raises(ca.SourceError, match=message):
        add_source(SAMPLE, **args)  # type: ignore[arg-type]
    assert sorted((project_copy / "data" / "raw").iterdir()) == before


@pytest.mark.parametrize(
    ("variant", "why"),
    [
        (lambda b: b"\xef\xbb\xbf" + b, "byte-order mark"),
        (lambda b: b.replace(b"\n", b"\r\n"), "line endings"),
        (lambda b: b.replace(b"\n", b"\r"), "line endings"),
        (lambda b: b + b"\n\n  ", "trailing white space"),
    ],
)
def test_bom_or_crlf_variant_of_a_source_is_a_duplicate(project_copy: Path, tmp_path: Path, variant, why) -> None:  # type: ignore[no-untyped-def]
    seed = (project_copy / "data" / "raw" / f"{SEED_ID}.txt").read_bytes()
    copy = tmp_path / "variant.txt"
    copy.write_bytes(variant(seed))
    with pytest.raises(ca.SourceError, match=f"already a source: {SEED_ID}.txt.*{why}"):
        add_source(copy, title="again", published="2025-04")


def test_content_key_ignores_only_encoding_details() -> None:
    assert content_key("\ufeffa\r\nb  \r\n") == content_key("a\nb")
    assert content_key("a\nb") != content_key("a\n\nb") and content_key("a b") != content_key("ab")


def test_add_source_through_a_symlink_records_the_real_file(project_copy: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    link = tmp_path / "link.txt"
    os.symlink(SAMPLE, link)
    assert main(["add-source", str(link), "--title", "示例", "--date", "2025-05"]) == 0
    out = capsys.readouterr().out
    assert "is a symbolic link; copied its target sample_source.txt" in out
    doc_id = out.split("added source ")[1].split(":")[0]
    meta = (project_copy / "data" / "raw" / f"{doc_id}.meta.yaml").read_text(encoding="utf-8")
    assert "received_as: sample_source.txt" in meta and "received_via_link: link.txt" in meta
    copied = project_copy / "data" / "raw" / f"{doc_id}.txt"
    assert not copied.is_symlink() and copied.read_bytes() == SAMPLE.read_bytes()


def test_wrong_project_root_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    root = tmp_path / "no-such-root"
    monkeypatch.setenv("COOP_ANALYSIS_ROOT", str(root))
    for argv in (["add-source", str(SAMPLE), "--title", "t", "--date", "2025"], ["validate"], ["extract", str(SAMPLE)],
                 ["reports", "Gansu"]):  # fmt: skip
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"project root {root} does not exist" in err, err
    assert not root.exists()
    root.mkdir()
    assert main(["validate"]) == 2
    assert "holds no data/ folder" in capsys.readouterr().err
    assert os.listdir(root) == []


# ----------------------------------------------------------------- encodings


def test_utf16_is_recognised_with_a_conversion_hint() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    for codec, iconv in (
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16LE"),
        ("utf-16-be", "UTF-16BE"),
        ("utf-32", "UTF-32"),
    ):
        with pytest.raises(ca.SourceError, match=f"iconv -f {iconv} -t UTF-8") as err:
            decode_source(text.encode(codec), "s.txt")
        assert "binary" not in str(err.value)


def test_big5_is_told_as_big5() -> None:
    trad = "東西部科技合作推進會在寧夏銀川舉行，簽約項目30餘個，金額約3.5億元。"
    with pytest.raises(ca.SourceError, match="Big5") as err:
        decode_source(trad.encode("big5"), "b.txt")
    assert "GB18030" not in str(err.value)
    with pytest.raises(ca.SourceError, match="GB18030") as err:
        decode_source(SAMPLE.read_text(encoding="utf-8").encode("gb18030"), "g.txt")
    assert "Big5" not in str(err.value)


def test_binary_is_still_binary() -> None:
    with pytest.raises(ca.SourceError, match="NUL bytes"):
        decode_source(bytes(range(256)) * 4, "x.bin")


# ----------------------------------------------------------------- endless and oversized inputs


def test_devices_and_pipes_are_refused_at_once(tmp_path: Path) -> None:
    with pytest.raises(ca.SourceError, match="a device or socket, not a regular file"):
        read_source_file("/dev/zero")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(ca.SourceError, match="named pipe"):  # no writer: opening it would block forever
        read_source_file(fifo)
    with pytest.raises(ca.SourceError, match="is a folder"):
        read_source_file(tmp_path)


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes("签约3家。\n".encode() * 1000)
    with pytest.raises(ca.SourceError, match=r"0\.0134 MB is larger than the limit of 0\.01 MB"):
        read_source_bytes(big, max_bytes=2**20 // 100)
    assert len(read_source_bytes(big)[1]) == big.stat().st_size


def test_extract_cli_on_an_endless_stream_ends_with_an_error(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    read_fd, write_fd = os.pipe()

    def endless() -> None:
        chunk = b"\x00" * 65536
        try:
            while True:
                os.write(write_fd, chunk)
        except OSError:  # the reader closed the pipe
            pass
        finally:
            os.close(write_fd)

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    with os.fdopen(read_fd, "rb") as stream:
        monkeypatch.setattr("sys.stdin", type("In", (), {"buffer": stream})())
        assert main(["extract", "-", "--max-mb", "1"]) == 2
    writer.join(timeout=5)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "standard input: larger than the limit of 1 MB" in err


def test_extract_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SAMPLE.read_bytes()), encoding="utf-8"))
    assert main(["extract", "-"]) == 0
    assert "8 candidate(s)" in capsys.readouterr().out


def test_extract_table_shows_control_characters_instead_of_sending_them(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    f = tmp_path / "esc.txt"
    f.write_text("\x1b]0;owned\x07标题\n签约3家企业。\n", encoding="utf-8")
    assert main(["extract", str(f)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "3家" in out
