"""The table cache: validated tables kept in memory and in ``.cache/`` as Arrow IPC files.

A new process skips validation (and importing pandera) when a table's files are
unchanged. The cache is treated as untrusted input:

* The format cannot run code: Arrow IPC (the Feather v2 file format), read with
  pyarrow, never pickle. Anything else in the folder — a pickle, a garbled or
  foreign file — is ignored and rebuilt.
* Each file is keyed by the SHA-256 of its source files' bytes, the table's
  schema, the cache format and the pandas version, so any edit is seen (also
  one of the same size with its modification time restored). The key is also
  stored inside the file and must match.
* On read the columns, their order and their Arrow types must be exactly what
  the caller expects, and the frame is given the expected dtypes; any
  mismatch rebuilds the table from its source.

Within one process a file's digest is remembered while its inode, size,
modification and change times stay the same (the change time cannot be set
back by hand), except for a file changed in the last :data:`RACY_SECONDS`: a
second write within one tick of the file system's clock could leave all four
the same, so such a file is read again each time (as git does with "racily
clean" files). :func:`file_digest` is shared with the fork server's staleness
check and the tables' ``data_version``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_analysis import paths
from coop_analysis.fileio import atomic_write

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cached", "clear", "file_digest", "files_digest"]

log = logging.getLogger(__name__)

FORMAT = 2  # 1 was pickle files keyed by size and mtime
SUFFIX = ".arrow"
_STAMP = b"coop_analysis"
#: Arrow type names a column of each pandas dtype may have in a cache file.
_ARROW_TYPES = {
    "string": {"string", "large_string"},
    "Int64": {"int64"},
    "int64": {"int64"},
    "float64": {"double"},
    "boolean": {"bool"},
    "bool": {"bool"},
}
_memory: dict[str, pd.DataFrame] = {}
_digests: dict[str, tuple[tuple[int, int, int, int], str]] = {}
#: A file whose modification or change time is this recent is hashed again on every call.
RACY_SECONDS = 2.0


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (read again only when its stat changed; see the module's notes).

    Raises:
        OSError: the file cannot be read.
    """
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        return f"not a file ({st.st_mode:o})"  # the loader reports it
    stamp = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _digests.get(str(path))
    if known is not None and known[0] == stamp:
        return known[1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_SECONDS * 1e9:
        _digests[str(path)] = (stamp, digest)
    else:
        _digests.pop(str(path), None)
    return digest


def files_digest(label: str, files: Iterable[Path]) -> str:
    """A key that changes whenever the content of ``files`` (or ``label``: schema, versions) changes."""
    import pandas as pd

    h = hashlib.sha256(f"{FORMAT}|{pd.__version__}|{label}".encode())
    for f in sorted(files):
        h.update(f"|{f.name}|{file_digest(f)}".encode())
    return h.hexdigest()[:32]


def cached(name: str, key: str, dtypes: dict[str, str], build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``build()``'s frame for table ``name``, from memory or ``.cache/`` when ``key`` is unchanged.

    Args:
        name: the table (file name prefix in the cache folder).
        key: :func:`files_digest` of its sources and schema.
        dtypes: the exact columns, in order, and their pandas dtypes; a cache
            file that does not have them is rebuilt.
        build: reads and validates the table from its sources.

    Returns:
        A copy (callers may modify it).
    """
    if key in _memory:
        return _memory[key].copy()
    cache_file = paths.cache_dir() / f"{name}-{key}{SUFFIX}"
    frame = None
    if cache_file.exists():
        try:
            frame = _read(cache_file, name, key, dtypes)
            log.debug("loaded %s from cache %s", name, cache_file)
        except Exception as exc:  # a garbled, foreign or outdated file: rebuilt, never trusted
            log.info("ignoring cache file %s (%s); rebuilding it", cache_file, exc)
    if frame is None:
        frame = build()
        _write(cache_file, name, key, frame)
    _memory[key] = frame
    return frame.copy()


def _read(path: Path, name: str, key: str, dtypes: dict[str, str]) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.ipc

    # From bytes in memory and without threads: the tables are small, and Arrow's file reader
    # and to_pandas(use_threads=True) start thread pools that would keep the report kernels'
    # fork server (coop_analysis.kernels) from forking.
    with open(path, "rb") as fh:
        data = fh.read()
    reader = pa.ipc.open_file(pa.py_buffer(data))
    schema = reader.schema
    stamp = json.loads((schema.metadata or {}).get(_STAMP, b"null"))
    if stamp != {"format": FORMAT, "table": name, "key": key}:
        raise ValueError(f"stamp {stamp!r} is not this table's")
    found = [(f.name, str(f.type)) for f in schema]
    if [n for n, _ in found] != list(dtypes):
        raise ValueError(f"columns {[n for n, _ in found]}, expected {list(dtypes)}")
    wrong = [(n, t) for n, t in found if t not in _ARROW_TYPES[dtypes[n]]]
    if wrong:
        raise ValueError(f"column types {wrong} do not hold {[dtypes[n] for n, _ in wrong]}")
    table = reader.read_all()
    mapper = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(),
              pa.bool_(): pd.BooleanDtype()}.get  # fmt: skip
    frame = table.replace_schema_metadata(None).to_pandas(types_mapper=mapper, use_threads=False)
    frame = frame.astype(dtypes)  # int64/bool columns holding nulls raise here
    return frame


def _write(path: Path, name: str, key: str, frame: pd.DataFrame) -> None:
    import pyarrow as pa
    import pyarrow.ipc

    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        stamp = json.dumps({"format": FORMAT, "table": name, "key": key}).encode()
        table = table.replace_schema_metadata({_STAMP: stamp})

        def write(fh: Any) -> None:
            with pa.ipc.new_file(fh, table.schema) as writer:
                writer.write_table(table)

        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{name}-*"):
            if old.suffix in (SUFFIX, ".pkl"):
                old.unlink(missing_ok=True)
        atomic_write(path, write)
    except OSError as exc:
        log.info("could not write cache %s (%s); continuing without it", path, exc)


def clear() -> None:
    """Forget cached tables, in memory and on disk (also the pickle files of earlier versions)."""
    _memory.clear()
    _digests.clear()
    folder = paths.cache_dir()
    if folder.is_dir():
        for f in folder.iterdir():
            if f.suffix in (SUFFIX, ".pkl") and f.is_file():
                f.unlink(missing_ok=True)
