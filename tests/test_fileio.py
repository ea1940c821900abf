"""Atomic writes: the old file or the new one, never half of either, and no temporary files left."""

from __future__ import annotations

import os

import pytest

from coop_analysis.fileio import atomic_write, atomic_write_all

from .conftest import files_under


def test_atomic_write_leaves_nothing_half_written(tmp_path):
    target = tmp_path / "report.html"
    atomic_write(target, "old report")

    def crash_midway(fh):
        fh.write(b"<html>half a rep")
        raise OSError("disk on fire")

    with pytest.raises(OSError, match="disk on fire"):
        atomic_write(target, crash_midway)
    assert target.read_text() == "old report"
    assert files_under(tmp_path) == ["report.html"]

    def interrupted(fh):
        fh.write(b"<html>half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "new.html", interrupted)
    assert files_under(tmp_path) == ["report.html"]

    atomic_write(target, b"new report")
    assert target.read_bytes() == b"new report"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not the 0600 of a mkstemp file


def test_atomic_write_creates_folders_and_writes_utf8(tmp_path):
    target = tmp_path / "a" / "b" / "页.txt"
    assert atomic_write(target, "宁夏 ≈ 60万") == target
    assert target.read_bytes() == "宁夏 ≈ 60万".encode()
    assert files_under(tmp_path) == ["a/b/页.txt"]


def test_cleanup_never_hides_the_real_error(tmp_path, monkeypatch):
    """On a read-only or full disk removing the temporary file fails too; the error raised is the write's."""
    import errno
    from pathlib import Path

    def unlink_fails(self, missing_ok=False):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    def disk_full(fh):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "unlink", unlink_fails)
    with pytest.raises(OSError) as caught:
        atomic_write(tmp_path / "report.html", disk_full)
    assert caught.value.errno == errno.ENOSPC
    with pytest.raises(OSError) as caught:
        atomic_write_all({tmp_path / "a.ipynb": "a", tmp_path / "a.html": disk_full})
    assert caught.value.errno == errno.ENOSPC


def test_atomic_write_all_replaces_all_or_nothing(tmp_path):
    pair = {tmp_path / "r.ipynb": "old notebook", tmp_path / "r.html": "old page"}
    atomic_write_all(pair)

    def crash(fh):
        fh.write(b"<html>half")
        raise OSError("crash")

    with pytest.raises(OSError, match="crash"):
        atomic_write_all({tmp_path / "r.ipynb": "new notebook", tmp_path / "r.html": crash})
    assert {p.name: p.read_text() for p in pair} == {"r.ipynb": "old notebook", "r.html": "old page"}
    assert files_under(tmp_path) == ["r.html", "r.ipynb"]
    assert atomic_write_all({tmp_path / "r.ipynb": "new", tmp_path / "r.html": b"new"}) == list(pair)
    assert (tmp_path / "r.html").read_text() == "new"


def test_a_secret_is_owner_only_from_the_start(tmp_path):
    import stat

    path = tmp_path / "kernel.json"
    atomic_write(path, '{"key": "secret"}', mode=0o600)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == '{"key": "secret"}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kernel.json"]
