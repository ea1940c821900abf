"""Atomic file writes: a reader never sees a half-written file, even after a crash or Ctrl-C."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = ["atomic_write"]


def atomic_write(path: Path, data: str | bytes | Callable[[IO[bytes]], object]) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder + ``os.replace``.

    ``data`` is text (UTF-8), bytes, or a function that writes to the binary
    file object it is given. If anything fails the temporary file is removed
    and an existing ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "xb") as fh:  # mode 0o666 & ~umask, like any new file
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
