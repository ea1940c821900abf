"""Hostile-input catalogue, the cache: nothing in .cache/ runs code or is trusted; any edit is seen."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd
import pytest

import coop_analysis as ca
from coop_analysis import cache, paths
from coop_analysis.datasets import _dtypes, table_path


class _Boom:
    """Unpickling this writes a marker file: proof that a pickle ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path(self.marker).write_text, ("pickle ran",))


def _cache_file(name: str) -> Path:
    files = sorted(paths.cache_dir().glob(f"{name}-*.arrow"))
    assert len(files) == 1, files
    return files[0]


def _fresh_process() -> None:
    """What a new process sees: the files on disk, nothing in memory."""
    cache._memory.clear()
    cache._digests.clear()


@pytest.mark.parametrize("name", ["facts", "sources"])
def test_a_pickle_in_the_cache_never_runs(tmp_path: Path, name: str) -> None:
    expected = ca.load_facts() if name == "facts" else ca.load_sources()
    target = _cache_file(name)
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Boom(str(marker)))
    target.write_bytes(payload)  # under the name the loader reads
    (target.parent / f"{target.stem}.pkl").write_bytes(payload)  # and as the old format's file
    _fresh_process()
    got = ca.load_facts() if name == "facts" else ca.load_sources()
    pd.testing.assert_frame_equal(got, expected)
    assert not marker.exists()
    assert target.read_bytes()[:6] == b"ARROW1"  # rebuilt in place


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00" * 100, b"ARROW1\x00\x00garbage", pickle.dumps(42), pickle.dumps(pd.DataFrame({"x": [1]})),
     b"PAR1 not parquet either", os.urandom(4096)],
)  # fmt: skip
def test_a_garbled_or_foreign_cache_file_is_ignored_and_rebuilt(content: bytes) -> None:
    expected = ca.load_metrics()
    target = _cache_file("metrics")
    target.write_bytes(content)
    _fresh_process()
    pd.testing.assert_frame_equal(ca.load_metrics(), expected)
    assert target.read_bytes()[:6] == b"ARROW1"


def _forge(name: str, frame: pd.DataFrame) -> None:
    """Write ``frame`` as a well-formed cache file under ``name``'s current key and stamp."""
    target = _cache_file(name)
    key = target.stem.split("-", 1)[1]
    target.unlink()
    cache._write(target, name, key, frame)
    assert target.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.drop(columns=["kind"]),  # a column missing
        lambda f: f.assign(extra="x"),  # a column too many
        lambda f: f[list(reversed(f.columns))],  # columns in another order
        lambda f: f.astype({"kind": "category"}),  # another type
        lambda f: f.assign(kind=[1] * len(f)),  # numbers where text belongs
        lambda f: f.rename(columns={"kind": "Kind"}),
    ],
)
def test_a_valid_cache_file_with_wrong_columns_or_types_is_rebuilt(change) -> None:  # type: ignore[no-untyped-def]
    expected = ca.load_metrics()
    _forge("metrics", change(expected))
    _fresh_process()
    got = ca.load_metrics()
    pd.testing.assert_frame_equal(got, expected)
    assert dict(got.dtypes.astype(str)) == _dtypes("metrics")


def test_a_cache_file_of_another_table_or_key_is_rebuilt() -> None:
    expected = ca.load_metrics()
    target = _cache_file("metrics")
    cache._write(target, "metrics", "another-key", expected.head(2))  # right format and columns, wrong stamp
    _fresh_process()
    pd.testing.assert_frame_equal(ca.load_metrics(), expected)


def test_nulls_in_a_non_nullable_int_column_rebuild() -> None:
    expected = ca.load_sources()
    _forge("sources", expected.astype({"n_chars": "Int64"}).assign(n_chars=pd.NA).astype({"n_chars": "Int64"}))
    _fresh_process()
    pd.testing.assert_frame_equal(ca.load_sources(), expected)


def test_same_size_edit_with_mtime_restored_is_seen(project_copy: Path) -> None:
    path = table_path("metrics")
    assert "joint_projects" in set(ca.load_metrics()["metric"])
    st = path.stat()
    data = path.read_bytes()
    edited = data.replace(b"joint_projects", b"joint_projectz", 1)
    assert len(edited) == len(data)
    path.write_bytes(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert "joint_projectz" in set(ca.load_metrics()["metric"])  # same process
    _fresh_process()
    assert "joint_projectz" in set(ca.load_metrics()["metric"])  # a new process


def test_source_text_sees_a_same_size_edit(project_copy: Path) -> None:
    from .conftest import SEED_ID

    path = project_copy / "data" / "raw" / f"{SEED_ID}.txt"
    before = ca.source_text(SEED_ID, normalized=False)
    st = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace("科技".encode(), "技科".encode(), 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert ca.source_text(SEED_ID, normalized=False) != before


def test_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("COOP_ANALYSIS_CACHE", str(blocker / "cache"))
    ca.clear_cache()
    assert len(ca.load_metrics()) > 0
