"""Loaders: one public ``load_*()`` per dataset, returning validated DataFrames.

Each loader reads its CSV (or the source metadata files), gives every column
its declared dtype (``"string"``, ``"Int64"``, ``"float64"``, ``"boolean"``),
validates the frame against its schema (:mod:`coop_analysis.schemas`) and
caches the result: in memory for the process, and on disk under
``.cache/`` as Arrow IPC files keyed by the SHA-256 of the files' content,
the schema and the pandas version (:mod:`coop_analysis.cache`), so that a new
process skips validation when nothing changed. Loaders return a copy, so
callers may modify what they get.

A file that breaks its schema raises :class:`DataValidationError` listing
every problem with file, line, column, what was expected and what was found.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coop_analysis import cache, paths
from coop_analysis.errors import DataValidationError, SourceError
from coop_analysis.markup import find_markup
from coop_analysis.meta import set_attrs, table_docstring
from coop_analysis.schemas import (
    DATE_ERROR,
    DOC_ID_PATTERN,
    DOC_ID_RULE,
    MARKUP_ERROR,
    TABLES,
    TableSpec,
    date_problem,
    pandera_schema,
)

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
    "load_participants",
    "load_places",
    "load_provinces",
    "load_sources",
    "load_table",
    "load_waivers",
    "source_text",
]

log = logging.getLogger(__name__)


def table_path(name: str) -> Path:
    """Path of a table's CSV file."""
    spec = TABLES[name]
    folder = paths.reference_dir() if spec.folder == "reference" else paths.curated_dir()
    return folder / spec.filename


def _dtypes(name: str) -> dict[str, str]:
    """The columns and dtypes table ``name`` has once loaded."""
    return SOURCE_DTYPES if name == "sources" else {c: spec.dtype for c, spec in TABLES[name].columns.items()}


def _cached(name: str, files: list[Path], build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Return ``build()``'s frame, from memory or disk when ``files`` are unchanged (see :mod:`coop_analysis.cache`)."""
    key = cache.files_digest(f"{name}|{TABLES.get(name)!r}", files)
    return cache.cached(name, key, _dtypes(name), build)


def clear_cache() -> None:
    """Forget cached tables, in memory and on disk."""
    cache.clear()
    _source_texts.clear()


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.project_root()))
    except ValueError:
        return str(path)


_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


def _line(lines: Sequence[int] | None, idx: object) -> int:
    """The file line where row ``idx`` of a table read by :func:`read_csv_lines` starts."""
    pos = int(idx)  # type: ignore[call-overload]
    return lines[pos] if lines is not None and 0 <= pos < len(lines) else pos + 2


def _cast(frame: pd.DataFrame, spec: TableSpec, where: str, lines: Sequence[int] | None = None) -> pd.DataFrame:
    """Give every column its declared dtype, collecting a message per bad cell."""
    import pandas as pd

    problems: list[str] = []
    missing = [c for c in spec.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in spec.columns]
    if missing or extra or list(frame.columns) != list(spec.columns):
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
        padded = s.notna() & (s.astype("string").str.strip() != s.astype("string")).fillna(False)
        if padded.any():
            bad |= padded
            what += " without surrounding white space"
        for idx in s.index[bad]:
            problems.append(f"{where}, line {_line(lines, idx)}, column '{col}': expected {what}, got {s[idx]!r}")
        out[col] = conv
    if problems:
        raise DataValidationError(problems)
    return pd.DataFrame(out, index=frame.index)


def _schema_problems(frame: pd.DataFrame, name: str, where: str, lines: Sequence[int] | None = None) -> list[str]:
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
            line = f", line {_line(lines, idx)}" if idx is not None and idx == idx else ""
            column = f", column '{col}'" if col is not None and col == col else ""
            if check == "not_nullable":
                check = "expected a value (this column may not be empty)"
            elif check == "field_uniqueness":
                check = "expected unique values (duplicate)"
            elif check == MARKUP_ERROR:
                check = f"{MARKUP_ERROR}, found {find_markup(got)}"
            elif check == DATE_ERROR:
                check = f"{date_problem(got)}"
            problems.append(f"{where}{line}{column}: {check}, got {got!r}")
        return problems
    return []


def read_csv_lines(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Read a UTF-8 CSV as text cells (empty cells missing) and the file line where each row starts.

    Line numbers count physical lines, so they stay right after blank lines
    (skipped) and cells that span several lines.

    Raises:
        DataValidationError: the file is missing, empty, not UTF-8, badly
            quoted, has a duplicate column name, or a row with the wrong
            number of cells (each problem naming the file and line).
    """
    import pandas as pd

    where = _rel(path)
    if not path.is_file():
        raise DataValidationError([f"{where}: file not found" if not path.exists() else f"{where}: not a file"])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError([f"{where}: not UTF-8 (byte {exc.start} cannot be decoded)"]) from None
    if not text.strip():
        raise DataValidationError([f"{where}: the file is empty; expected a header line and rows"])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[str] = []
    last = 0
    try:
        for record in reader:
            start, last = last + 1, reader.line_num
            if not record:
                continue  # a blank line
            if header is None:
                header = record
                dupes = sorted({c for c in header if header.count(c) > 1})
                if dupes:
                    problems.append(f"{where}, line {start}: the header names column(s) {dupes} more than once")
                continue
            if len(record) != len(header):
                problems.append(
                    f"{where}, line {start}: expected {len(header)} cells (as in the header), got {len(record)}"
                )
                continue
            rows.append(record)
            lines.append(start)
    except csv.Error as exc:
        problems.append(f"{where}, line {reader.line_num}: not a readable CSV row ({exc})")
    if problems:
        raise DataValidationError(problems)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return frame.mask(frame == ""), lines


def read_validated(name: str, path: Path | None = None) -> tuple[pd.DataFrame, list[int]]:
    """:func:`read_and_validate`, also returning the file line where each row starts."""
    spec = TABLES[name]
    path = path or table_path(name)
    where = _rel(path)
    raw, lines = read_csv_lines(path)
    frame = _cast(raw, spec, where, lines)
    problems = _schema_problems(frame, name, where, lines)
    if problems:
        raise DataValidationError(problems)
    log.debug("validated %s: %d rows", where, len(frame))
    return frame, lines


def read_and_validate(name: str, path: Path | None = None) -> pd.DataFrame:
    """Read, type and validate table ``name`` from ``path`` (default: its data file), uncached."""
    return read_validated(name, path)[0]


def table_version(name: str) -> str:
    """A key that changes whenever table ``name``'s file content (or its schema) changes."""
    return cache.files_digest(f"{name}|{TABLES.get(name)!r}", [table_path(name)])


def load_table(name: str) -> pd.DataFrame:
    """Load any table of :data:`coop_analysis.schemas.TABLES` by name (validated, cached)."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; known: {sorted(TABLES)}")
    path = table_path(name)
    if not path.is_file():
        read_csv_lines(path)  # raises, naming the problem
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


def load_participants() -> pd.DataFrame:
    """Who takes part in each initiative: province, city, organization or group, its side and whether it leads."""
    return load_table("participants")


# ---------------------------------------------------------------- sources

#: Columns and dtypes of :func:`load_sources`.
SOURCE_DTYPES = {
    "doc_id": "string", "title": "string", "title_en": "string", "publisher": "string", "published": "string",
    "date_is_estimate": "boolean", "language": "string", "sha256": "string", "path": "string", "n_chars": "int64",
    "notes": "string",
}  # fmt: skip
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
        expected_stem = meta_path.name.removesuffix(".meta.yaml")
        if not re.fullmatch(DOC_ID_PATTERN, expected_stem):
            problems.append(f"{where!r}: the file name is not <source id>.meta.yaml (a source id has {DOC_ID_RULE})")
            continue
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
        if doc_id != expected_stem:
            problems.append(f"{where}, field 'doc_id': expected {expected_stem!r} (the file name), got {doc_id!r}")
        text_path = meta_path.with_name(f"{expected_stem}.txt")
        try:
            data = _raw_file(text_path).read_bytes()
        except SourceError as exc:
            problems.append(f"{where}: {exc}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != meta["sha256"]:
            problems.append(
                f"{where}, field 'sha256': expected the checksum of {_rel(text_path)} ({digest}), "
                f"got {meta['sha256']!r}: raw sources must not be edited"
            )
        if not isinstance(meta["date_is_estimate"], bool):
            problems.append(f"{where}, field 'date_is_estimate': expected true or false")
        bad_date = date_problem(str(meta["published"]))
        if bad_date:
            problems.append(f"{where}, field 'published': {bad_date}, got {str(meta['published'])!r}")
        for key in ("title", "title_en", "publisher", "language", "notes"):
            markup = find_markup(str(meta.get(key) or ""))
            if markup:
                problems.append(f"{where}, field '{key}': {MARKUP_ERROR}, found {markup}")
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
    return pd.DataFrame(rows, columns=list(SOURCE_DTYPES)).astype(SOURCE_DTYPES)


def load_sources() -> pd.DataFrame:
    """Raw sources with their metadata; each text's checksum is verified."""
    files = _source_files()
    return set_attrs(_cached("sources", files, _build_sources), "sources", files)


_source_texts: dict[tuple[str, bool, str], str] = {}


def _raw_file(path: Path) -> Path:
    """``path`` if it is a regular file inside ``data/raw`` (not a link leading elsewhere), else SourceError."""
    raw = paths.raw_dir().resolve()
    if not path.exists():
        raise SourceError(f"{_rel(path)} does not exist")
    real = path.resolve()
    if real.parent != raw or not real.is_file():
        raise SourceError(f"{_rel(path)} leads to {real}, outside {_rel(raw)}; a source must be a file in it")
    return real


def source_text(doc_id: str, *, normalized: bool = True) -> str:
    """The text of source ``doc_id``: normalized (default, what quotes refer to) or raw.

    Raises:
        SourceError: ``doc_id`` is not a source id (``../x`` and the like are
            refused before any file is touched), or no such source exists in
            ``data/raw``.
    """
    from coop_analysis.text import normalize_text

    if not isinstance(doc_id, str) or not re.fullmatch(DOC_ID_PATTERN, doc_id):
        raise SourceError(f"doc_id: expected a source id ({DOC_ID_RULE}), got {doc_id!r}")
    path = paths.raw_dir() / f"{doc_id}.txt"
    if not path.exists():
        raise SourceError(f"no source {doc_id!r}: {_rel(path)} does not exist")
    path = _raw_file(path)
    key = (str(path), normalized, cache.files_digest("text", [path]))
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
