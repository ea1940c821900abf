"""Metadata from Python: the data dictionary, ``df.attrs`` and the loaders' docstrings.

Everything here is read from :data:`coop_analysis.schemas.TABLES` (and the
derived columns of the analysis views), the same specification that validates
the files and writes the README's data dictionary::

    ca.describe("facts")          # one row per column: dtype, meaning, rules, references
    facts = ca.load_facts()
    facts.attrs["table"], facts.attrs["data_version"], facts.attrs["columns"]["qualifier"]
    help(ca.load_facts)           # what the table is and what each column means

``df.attrs`` is set by the loaders on the copy they return (never inside the
cached frame), so it does not depend on the cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_analysis.schemas import FOREIGN_KEYS, TABLES, VOCABULARIES, ColumnSpec, TableSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SOURCES", "ColumnMeanings", "describe", "set_attrs", "table_docstring", "table_spec", "tables"]

#: The sources table (``load_sources``): built from ``data/raw/*.meta.yaml``,
#: not from a CSV, so it is not in :data:`TABLES`; described here for
#: :func:`describe`, ``df.attrs`` and the export.
SOURCES = TableSpec(
    "sources",
    "raw",
    "*.meta.yaml",
    "Raw sources (data/raw/<doc_id>.txt) with their metadata; each text's checksum is verified.",
    {
        "doc_id": ColumnSpec("string", "identifier, also the file name", unique=True),
        "title": ColumnSpec("string", "title as published"),
        "title_en": ColumnSpec("string", "title in English (may be empty)"),
        "publisher": ColumnSpec("string", "who published it"),
        "published": ColumnSpec("string", "publication date, ISO, possibly partial"),
        "date_is_estimate": ColumnSpec("boolean", "the publication date is our estimate"),
        "language": ColumnSpec("string", "language code of the text"),
        "sha256": ColumnSpec("string", "checksum of the raw text file"),
        "path": ColumnSpec("string", "the raw text file, relative to the project root"),
        "n_chars": ColumnSpec("int64", "length of the raw text in characters"),
        "notes": ColumnSpec("string", "notes on the source (may be empty)"),
    },
    key="doc_id",
)


def tables() -> dict[str, TableSpec]:
    """Every table a user can load, by name: :data:`TABLES` and ``sources``."""
    return {**TABLES, SOURCES.name: SOURCES}


def table_spec(name: str) -> TableSpec:
    """The specification of table ``name``; a ``KeyError`` lists the known names."""
    known = tables()
    if name not in known:
        raise KeyError(f"unknown table {name!r}; known: {sorted(known)}")
    return known[name]


def _references(name: str) -> dict[str, str]:
    return {fk.column: f"{fk.target}.{fk.target_column}" for fk in FOREIGN_KEYS if fk.table == name}


def _rules(c: ColumnSpec, reference: str | None = None) -> str:
    notes = []
    if not c.nullable:
        notes.append("required")
    if c.unique:
        notes.append("unique")
    if c.is_list:
        notes.append("list, items separated by '|'")
    if c.vocabulary:
        notes.append(f"one of vocabulary {c.vocabulary!r}")
    if c.pattern:
        notes.append(f"matches {c.pattern}")
    if reference:
        notes.append(f"references {reference}")
    return "; ".join(notes)


def _derived(name: str) -> dict[str, ColumnSpec]:
    from coop_analysis.views import derived_columns

    return derived_columns(name)


def describe(name: str) -> pd.DataFrame:
    """The data dictionary of table ``name`` as a DataFrame, one row per column.

    Columns of the result: ``column``, ``dtype``, ``description``,
    ``required``, ``unique``, ``is_list``, ``vocabulary``, ``values`` (the
    allowed values of a vocabulary column), ``pattern``, ``references``
    (``table.column`` a value must exist in) and ``origin``: ``"file"`` for a
    column of the file (what the loader returns) or ``"view"`` for a column
    the analysis view adds (:func:`coop_analysis.views.view`).

    Raises:
        KeyError: unknown table (the message lists the known ones).
    """
    import pandas as pd

    spec = table_spec(name)
    refs = _references(name)
    rows: list[dict[str, Any]] = []
    for origin, columns in (("file", spec.columns), ("view", _derived(name))):
        for col, c in columns.items():
            rows.append(
                {
                    "column": col,
                    "dtype": c.dtype,
                    "description": c.description,
                    "required": not c.nullable,
                    "unique": c.unique,
                    "is_list": c.is_list,
                    "vocabulary": c.vocabulary,
                    "values": " ".join(VOCABULARIES[c.vocabulary]) if c.vocabulary else None,
                    "pattern": c.pattern,
                    "references": refs.get(col),
                    "origin": origin,
                }
            )
    frame = pd.DataFrame(rows)
    dtypes = {c: "string" for c in frame.columns} | {"required": "bool", "unique": "bool", "is_list": "bool"}
    frame = frame.astype(dtypes)
    frame.attrs = {"table": name, "description": spec.description}
    return frame


# --------------------------------------------------------------------------- attrs


class ColumnMeanings(dict):  # type: ignore[type-arg]
    """``attrs["columns"]``: column → meaning, read-only.

    pandas deep-copies ``attrs`` into the result of nearly every operation (each
    ``iloc``, each column of ``itertuples``); a copy of a read-only mapping is the
    mapping itself, so a report's few thousand operations do not copy every
    column's text each time (≈ 0.06 s of a warm report's 0.45 s of CPU in its
    kernel). ``|`` gives a new one; anything that would change it in place raises
    ``TypeError``.
    """

    def _read_only(self, *args: object, **kwargs: object) -> None:
        raise TypeError("attrs['columns'] is read-only; build a new mapping with | {...}")

    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def __or__(self, other: object) -> ColumnMeanings:  # type: ignore[override]
        return ColumnMeanings({**self, **dict(other)})  # type: ignore[call-overload]

    def __copy__(self) -> ColumnMeanings:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> ColumnMeanings:
        return self  # immutable, and its keys and values are strings

    def __reduce__(self) -> tuple[type[ColumnMeanings], tuple[dict[str, str]]]:
        return (ColumnMeanings, (dict(self),))


def data_version(files: list[Path]) -> str:
    """A short content hash of ``files`` (same bytes, same version, on any machine)."""
    from coop_analysis.cache import file_digest  # by content: also a same-size edit with its mtime restored

    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f"{f.name}:{file_digest(f)}\n".encode())
    return h.hexdigest()[:12]


def set_attrs(frame: pd.DataFrame, name: str, files: list[Path]) -> pd.DataFrame:
    """Describe ``frame`` (table ``name`` read from ``files``) in ``frame.attrs``; returns ``frame``.

    Keys: ``table``, ``description``, ``source_files`` (paths relative to the
    project root), ``data_version`` (content hash of those files),
    ``package_version`` and ``columns`` (column → meaning, with its rules).
    """
    from coop_analysis import __version__, paths

    root = paths.project_root()
    spec = table_spec(name)
    refs = _references(name)
    columns = {
        col: c.description + (f" ({rules})" if (rules := _rules(c, refs.get(col))) else "")
        for col, c in spec.columns.items()
    }

    def rel(f: Path) -> str:
        try:
            return f.resolve().relative_to(root).as_posix()
        except ValueError:
            return str(f)

    frame.attrs = {
        "table": name,
        "description": spec.description,
        "source_files": tuple(rel(f) for f in sorted(files)),
        "data_version": data_version(files),
        "package_version": __version__,
        "columns": ColumnMeanings(columns),
    }
    return frame


# --------------------------------------------------------------------------- docstrings


def table_docstring(name: str, summary: str | None) -> str:
    """A loader's docstring: its one-line summary, then the table and each column's meaning."""
    spec = table_spec(name)
    where = f"data/{spec.folder}/{spec.filename}"
    lines = [(summary or spec.description).strip().splitlines()[0], ""]
    lines += [f"Table ``{name}`` ({where}): {spec.description}", "", "Columns:"]
    refs = _references(name)
    for col, c in spec.columns.items():
        rules = _rules(c, refs.get(col))
        lines.append(f"    {col} ({c.dtype}): {c.description}" + (f" [{rules}]" if rules else ""))
    lines += [
        "",
        "Returns:",
        "    A new DataFrame (yours to modify) with these columns and dtypes, validated",
        "    against the schema. ``df.attrs`` holds the table name, source files, data",
        f"    version and this column dictionary; ``coop_analysis.describe({name!r})`` gives",
        "    it as a DataFrame.",
        "",
        "Raises:",
        "    DataValidationError: the file breaks its schema (every problem, with file,",
        "        line, column and what was expected).",
    ]
    return "\n".join(lines)
