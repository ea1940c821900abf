"""Atomic writes: the old file or the new one, never half of either, and no temporary files left."""

from __future__ import annotations

import os

import pytest

from coop_analysis.fileio import atomic_write

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
