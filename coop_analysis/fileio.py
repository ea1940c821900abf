"""Atomic file writes: a reader never sees a half-written file, even after a crash or Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

__all__ = ["atomic_write", "atomic_write_all"]

Data = str | bytes | Callable[[IO[bytes]], object]


def _write_temporary(path: Path, data: Data, mode: int = 0o666) -> Path:
    """``data`` in a new temporary file beside ``path``, flushed to disk; removed again if anything fails.

    The file is created with ``mode & ~umask`` (0o666: like any new file; 0o600 for a secret).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _discard(tmp: Path) -> None:
    """Remove a temporary file; never raises (on a read-only or full disk the real error is the caller's)."""
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


def atomic_write(path: Path, data: Data, *, mode: int = 0o666) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder + ``os.replace``.

    ``data`` is text (UTF-8), bytes, or a function that writes to the binary
    file object it is given; the file gets ``mode & ~umask`` (0o600 keeps a
    secret to its owner from the start). If anything fails the temporary file is
    removed and an existing ``path`` is left as it was; the error raised is the
    one that made the write fail, never one from the cleanup.
    """
    path = Path(path)
    tmp = _write_temporary(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise
    return path


def atomic_write_all(files: Mapping[Path, Data]) -> list[Path]:
    """Write several files so that each is replaced only once all of them are written in full.

    Every file goes to a temporary file first; only when all are on disk are
    they moved into place (renames need no space), so a full disk or an error
    leaves every target as it was.
    """
    written: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            written.append((Path(path), _write_temporary(Path(path), data)))
        for path, tmp in written:
            os.replace(tmp, path)
    except BaseException:
        for _, tmp in written:
            _discard(tmp)
        raise
    return [path for path, _ in written]
