"""Loaders: one public ``load_*()`` per dataset, returning validated DataFrames.

Each loader reads its CSV (or the source metadata files), gives every column
its declared dtype (``"string"``, ``"Int64"``, ``"float64"``, ``"boolean"``),
validates the frame against its schema (:mod:`coop_analysis.schemas`) and
caches the result: in memory for the process, and on disk under
``.cache/`` (keyed by the files' size and modification time, the schema and
the pandas version) so that a new process skips validation when nothing
changed. Loaders return a copy, so callers may modify what they get.

A file that breaks its schema raises :class:`DataValidationError` listing
every problem with file, line, column, what was expected and what was found.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from coop_analysis import paths
from coop_analysis.errors import DataValidationError, SourceError
from coop_analysis.fileio import atomic_write
from coop_analysis.meta import set_attrs, table_docstring
from coop_analysis.schemas import TABLES, TableSpec, pandera_schema

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "clear_cache",
    "load_events",
    "load_exchange_rates",
    "load_facts",
    "load_initiatives",
    "load_metrics",
    "load_organizations",
    "load_pairings",
    "load_places",
    "load_provinces",
    "load_sources",
    "load_table",
    "load_waivers",
    "source_text",
]

log = logging.getLogger(__name__)
_CACHE_FORMAT = 1
_memory: dict[str, pd.DataFrame] = {}


def table_path(name: str) -> Path:
    """Path of a table's CSV file."""
    spec = TABLES[name]
    folder = paths.reference_dir() if spec.folder == "reference" else paths.curated_dir()
    return folder / spec.filename


def _fingerprint(name: str, files: list[Path]) -> str:
    import pandas as pd

    h = hashlib.sha256(f"{_CACHE_FORMAT}|{name}|{pd.__version__}|{TABLES.get(name)!r}".encode())
    for f in sorted(files):
        st = f.stat()
        h.update(f"|{f.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:24]


def _cached(name: str, files: list[Path], build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Return ``build()``'s frame, from memory or disk when ``files`` are unchanged."""
    key = _fingerprint(name, files)
    if key in _memory:
        return _memory[key].copy()
    cache_file = paths.cache_dir() / f"{name}-{key}.pkl"
    frame = None
    if cache_file.exists():
        try:
            with cache_file.open("rb") as fh:
                frame = pickle.load(fh)
            log.debug("loaded %s from cache %s", name, cache_file)
        except Exception as exc:  # a corrupt or foreign cache is rebuilt, never trusted
            log.warning("ignoring unreadable cache file %s (%s)", cache_file, exc)
            frame = None
    if frame is None:
        frame = build()
        _write_cache(cache_file, name, frame)
    _memory[key] = frame
    return frame.copy()


def _write_cache(cache_file: Path, name: str, frame: pd.DataFrame) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        for old in cache_file.parent.glob(f"{name}-*.pkl"):
            old.unlink(missing_ok=True)
        atomic_write(cache_file, lambda fh: pickle.dump(frame, fh, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        log.info("could not write cache %s (%s); continuing without it", cache_file, exc)


def clear_cache() -> None:
    """Forget cached tables, in memory and on disk."""
    _memory.clear()
    _source_texts.clear()
    folder = paths.cache_dir()
    if folder.is_dir():
        for f in folder.glob("*.pkl"):
            f.unlink(missing_ok=True)


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.project_root()))
    except ValueError:
        return str(path)


_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


def _cast(frame: pd.DataFrame, spec: TableSpec, where: str) -> pd.DataFrame:
    """Give every column its declared dtype, collecting a message per bad cell."""
    import pandas as pd

    problems: list[str] = []
    missing = [c for c in spec.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in spec.columns]
    if missing or extra:
        problems.append(
            f"{where}: header has {list(frame.columns)}; expected exactly {list(spec.columns)}"
            + (f" (missing {missing})" if missing else "")
            + (f" (unexpected {extra})" if extra else "")
        )
        raise DataValidationError(problems)
    out = {}
    for col, c in spec.columns.items():
        s = frame[col]
        if c.dtype == "string":
            out[col] = s.astype("string")
            continue
        if c.dtype == "boolean":
            bad = s.notna() & ~s.isin(_TRUE | _FALSE)
            conv = s.map(lambda v: None if v is None or v != v else v in _TRUE).astype("boolean")
            what = "true or false"
        else:
            conv = pd.to_numeric(s, errors="coerce")
            bad = s.notna() & conv.isna()
            if c.dtype == "Int64":
                frac = conv.notna() & (conv != conv.round())
                bad |= frac
                conv = conv.where(~bad).astype("Int64")
                what = "a whole number"
            else:
                conv = conv.astype("float64")
                what = "a number"
        for idx in s.index[bad]:
            problems.append(f"{where}, line {idx + 2}, column '{col}': expected {what}, got {s[idx]!r}")
        out[col] = conv
    if problems:
        raise DataValidationError(problems)
    return pd.DataFrame(out, index=frame.index)


def _schema_problems(frame: pd.DataFrame, name: str, where: str) -> list[str]:
    import pandera.errors

    try:
        pandera_schema(name).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        problems = []
        cases = err.failure_cases
        for row in cases.itertuples(index=False):
            col = getattr(row, "column", None)
            idx = getattr(row, "index", None)
            check = str(getattr(row, "check", ""))
            got = getattr(row, "failure_case", None)
            line = f", line {int(idx) + 2}" if idx is not None and idx == idx else ""
            column = f", column '{col}'" if col is not None and col == col else ""
            if check == "not_nullable":
                check = "expected a value (this column may not be empty)"
            elif check == "field_uniqueness":
                check = "expected unique values (duplicate)"
            problems.append(f"{where}{line}{column}: {check}, got {got!r}")
        return problems
    return []


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    if not path.exists():
        raise DataValidationError([f"{_rel(path)}: file not found"])
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataValidationError([f"{_rel(path)}: not UTF-8 ({exc})"]) from exc
    except pd.errors.ParserError as exc:
        raise DataValidationError([f"{_rel(path)}: not a readable CSV ({exc})"]) from exc


def read_and_validate(name: str, path: Path | None = None) -> pd.DataFrame:
    """Read, type and validate table ``name`` from ``path`` (default: its data file), uncached."""
    spec = TABLES[name]
    path = path or table_path(name)
    where = _rel(path)
    frame = _cast(_read_csv(path), spec, where)
    problems = _schema_problems(frame, name, where)
    if problems:
        raise DataValidationError(problems)
    log.debug("validated %s: %d rows", where, len(frame))
    return frame


def table_version(name: str) -> str:
    """A key that changes whenever table ``name``'s file (or its schema) changes."""
    return _fingerprint(name, [table_path(name)])


def load_table(name: str) -> pd.DataFrame:
    """Load any table of :data:`coop_analysis.schemas.TABLES` by name (validated, cached)."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; known: {sorted(TABLES)}")
    path = table_path(name)
    if not path.exists():
        raise DataValidationError([f"{_rel(path)}: file not found"])
    return set_attrs(_cached(name, [path], lambda: read_and_validate(name, path)), name, [path])


def load_provinces() -> pd.DataFrame:
    """The 31 provincial-level divisions: codes, names in every form, macro-region, capital."""
    return load_table("provinces")


def load_pairings() -> pd.DataFrame:
    """Official East–West cooperation pairs (2021) and counterpart-support pairs."""
    return load_table("pairings")


def load_places() -> pd.DataFrame:
    """Gazetteer of prefectures, counties and districts with their provinces."""
    return load_table("places")


def load_exchange_rates() -> pd.DataFrame:
    """Annual average exchange rates, CNY per unit of USD, EUR, HKD, JPY, GBP … (see :mod:`coop_analysis.money`)."""
    return load_table("exchange_rates")


def load_metrics() -> pd.DataFrame:
    """Vocabulary of the metrics used in :func:`load_facts`."""
    return load_table("metrics")


def load_initiatives() -> pd.DataFrame:
    """One row per cooperation story (province, partners, mechanisms, sectors, quote)."""
    return load_table("initiatives")


def load_facts() -> pd.DataFrame:
    """Every curated quantity with its qualifier, bounds and verbatim source quote."""
    return load_table("facts")


def load_waivers() -> pd.DataFrame:
    """Quantity mentions in sources that are deliberately not facts, with reasons."""
    return load_table("waivers")


def load_organizations() -> pd.DataFrame:
    """Organizations named in the sources, with type and province."""
    return load_table("organizations")


def load_events() -> pd.DataFrame:
    """Dated events of the initiatives."""
    return load_table("events")


# ---------------------------------------------------------------- sources

SOURCE_KEYS = ("doc_id", "title", "publisher", "published", "date_is_estimate", "language", "sha256")


def _source_files() -> list[Path]:
    folder = paths.raw_dir()
    return sorted(folder.glob("*.meta.yaml")) + sorted(folder.glob("*.txt"))


def _build_sources() -> pd.DataFrame:
    import pandas as pd
    import yaml

    rows, problems = [], []
    for meta_path in sorted(paths.raw_dir().glob("*.meta.yaml")):
        where = _rel(meta_path)
        try:
            meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{where}: not readable YAML ({exc})")
            continue
        if not isinstance(meta, dict):
            problems.append(f"{where}: expected a mapping of metadata fields")
            continue
        missing = [k for k in SOURCE_KEYS if k not in meta]
        if missing:
            problems.append(f"{where}: missing field(s) {missing}")
            continue
        doc_id = str(meta["doc_id"])
        expected_stem = meta_path.name.removesuffix(".meta.yaml")
        if doc_id != expected_stem:
            problems.append(f"{where}, field 'doc_id': expected {expected_stem!r} (the file name), got {doc_id!r}")
        text_path = meta_path.with_name(f"{expected_stem}.txt")
        if not text_path.exists():
            problems.append(f"{where}: its text {_rel(text_path)} is missing")
            continue
        data = text_path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != meta["sha256"]:
            problems.append(
                f"{where}, field 'sha256': expected the checksum of {_rel(text_path)} ({digest}), "
                f"got {meta['sha256']!r}: raw sources must not be edited"
            )
        if not isinstance(meta["date_is_estimate"], bool):
            problems.append(f"{where}, field 'date_is_estimate': expected true or false")
        rows.append(
            {
                "doc_id": doc_id,
                "title": str(meta["title"]),
                "title_en": str(meta.get("title_en") or ""),
                "publisher": str(meta["publisher"]),
                "published": str(meta["published"]),
                "date_is_estimate": bool(meta["date_is_estimate"]),
                "language": str(meta["language"]),
                "sha256": digest,
                "path": _rel(text_path),
                "n_chars": len(data.decode("utf-8", errors="replace")),
                "notes": str(meta.get("notes") or ""),
            }
        )
    for text_path in sorted(paths.raw_dir().glob("*.txt")):
        if not text_path.with_name(text_path.stem + ".meta.yaml").exists():
            problems.append(f"{_rel(text_path)}: has no metadata file {text_path.stem}.meta.yaml beside it")
    if problems:
        raise DataValidationError(problems)
    columns = ["doc_id", "title", "title_en", "publisher", "published", "date_is_estimate", "language"]
    columns += ["sha256", "path", "n_chars", "notes"]
    frame = pd.DataFrame(rows, columns=columns)
    dtypes = {c: "string" for c in columns} | {"date_is_estimate": "boolean", "n_chars": "int64"}
    return frame.astype(dtypes)


def load_sources() -> pd.DataFrame:
    """Raw sources with their metadata; each text's checksum is verified."""
    files = _source_files()
    return set_attrs(_cached("sources", files, _build_sources), "sources", files)


_source_texts: dict[tuple[str, bool, str], str] = {}


def source_text(doc_id: str, *, normalized: bool = True) -> str:
    """The text of source ``doc_id``: normalized (default, what quotes refer to) or raw."""
    from coop_analysis.text import normalize_text

    path = paths.raw_dir() / f"{doc_id}.txt"
    if not path.exists():
        raise SourceError(f"no source {doc_id!r}: {_rel(path)} does not exist")
    key = (str(path), normalized, str(path.stat().st_mtime_ns))
    if key not in _source_texts:
        raw = path.read_text(encoding="utf-8")
        _source_texts[key] = normalize_text(raw) if normalized else raw
    return _source_texts[key]


def _document_loaders() -> None:
    """Give each ``load_<table>`` a docstring listing its table's columns (readable with help())."""
    for name in [*TABLES, "sources"]:
        loader = globals().get(f"load_{name}")
        if loader is not None:
            loader.__doc__ = table_docstring(name, loader.__doc__)


_document_loaders()
