"""Export every table as CSV, Parquet or XLSX with a Frictionless ``datapackage.json``.

::

    coop-analysis export --format csv --out export/     # or parquet, xlsx
    ca.export("export/", format="xlsx")                  # the same from Python
    tables = ca.read_export("export/")                   # back as typed DataFrames

Every table of :data:`coop_analysis.schemas.TABLES` is written, plus
``sources`` (the raw sources' metadata), as loaded and validated: the curated
columns with their dtypes, list columns ``|``-joined as in the data files.

* ``csv``: one ``<table>.csv`` each, UTF-8 with a byte-order mark
  (``utf-8-sig``), so Excel shows the Chinese text right on a double-click;
  empty cell = missing.
* ``parquet``: one ``<table>.parquet`` each (pyarrow); dtypes (``string``,
  ``Int64``, ``boolean`` …) come back as they were.
* ``xlsx``: one workbook ``coop-analysis.xlsx``, a sheet per table and a
  ``dictionary`` sheet with every column's meaning.

``datapackage.json`` (Frictionless Data Package) describes each resource: its
file (and sheet), SHA-256 and size (CSV and XLSX), fields with types, descriptions and
constraints (required, unique, allowed values, patterns), primary key, foreign
keys (list columns name their references in their description: a key cannot
point into a list), the sources each table comes from, and the licence. It
validates with ``frictionless validate export/datapackage.json``.

Files are written atomically, the descriptor last; other files in the folder
are left alone. Parquet and XLSX need the ``export`` extra
(``pip install "coop-analysis[export]"``; the quick start installs it).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_analysis.errors import CoopAnalysisError
from coop_analysis.fileio import atomic_write
from coop_analysis.meta import SOURCES, table_spec
from coop_analysis.schemas import FOREIGN_KEYS, LIST_SEP, TABLES, VOCABULARIES, ColumnSpec, TableSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DESCRIPTOR", "FORMATS", "WORKBOOK", "ExportError", "datapackage", "export", "read_export"]

log = logging.getLogger(__name__)

FORMATS = ("csv", "parquet", "xlsx")
DESCRIPTOR = "datapackage.json"
WORKBOOK = "coop-analysis.xlsx"
CSV_ENCODING = "utf-8-sig"
LICENSE = {"name": "MIT", "title": "MIT License"}
_MEDIATYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_TYPES = {"string": "string", "Int64": "integer", "int64": "integer", "float64": "number", "boolean": "boolean"}
_NEEDS = {"parquet": ("pyarrow", "pyarrow"), "xlsx": ("openpyxl", "openpyxl")}


class ExportError(CoopAnalysisError, ValueError):
    """An export cannot be made or read (unknown format, missing library, unreadable package)."""


def table_names() -> list[str]:
    """Every exported table: those of :data:`TABLES`, then ``sources``."""
    return [*TABLES, SOURCES.name]


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt in _NEEDS:
        module, package = _NEEDS[fmt]
        try:
            __import__(module)
        except ImportError as exc:
            raise ExportError(
                f"the {fmt} export needs {package}, which is not installed: "
                'pip install "coop-analysis[export]" (or conda install pyarrow openpyxl)'
            ) from exc
    return fmt


def _load(name: str) -> pd.DataFrame:
    from coop_analysis.datasets import load_sources, load_table

    return load_sources() if name == SOURCES.name else load_table(name)


# --------------------------------------------------------------------------- descriptor


def _field(column: str, c: ColumnSpec, list_refs: list[str]) -> dict[str, Any]:
    description = c.description
    if c.is_list:
        description += f"; a list, items separated by '{LIST_SEP}'"
    if list_refs:
        description += f"; each item is a {' or '.join(list_refs)}"
    field: dict[str, Any] = {"name": column, "type": _TYPES[c.dtype], "description": description}
    constraints: dict[str, Any] = {}
    if not c.nullable:
        constraints["required"] = True
    if c.unique:
        constraints["unique"] = True
    vocab = VOCABULARIES[c.vocabulary] if c.vocabulary else None
    if vocab and not c.is_list:
        constraints["enum"] = list(vocab)
    elif vocab:
        item = "(?:" + "|".join(map(re.escape, vocab)) + ")"
        constraints["pattern"] = f"{item}(?:\\{LIST_SEP}{item})*"
    elif c.pattern and field["type"] == "string" and not c.is_list:
        constraints["pattern"] = c.pattern.removeprefix("^").removesuffix("$")
    if constraints:
        field["constraints"] = constraints
    return field


def _schema(spec: TableSpec) -> dict[str, Any]:
    fks = [fk for fk in FOREIGN_KEYS if fk.table == spec.name]
    fields = []
    for column, c in spec.columns.items():
        list_refs = [f"{fk.target}.{fk.target_column}" for fk in fks if fk.column == column and c.is_list]
        fields.append(_field(column, c, list_refs))
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if spec.key:
        schema["primaryKey"] = [spec.key]
    foreign = [
        {"fields": [fk.column], "reference": {"resource": fk.target, "fields": [fk.target_column]}}
        for fk in fks
        if not spec.columns[fk.column].is_list
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def _table_sources(name: str, frame: pd.DataFrame) -> list[dict[str, str]]:
    files = [{"title": f} for f in frame.attrs.get("source_files", [])]
    if "source" in frame.columns:  # reference tables name where each row comes from
        files += [{"title": str(s)} for s in sorted(set(frame["source"].dropna()))]
    return files


def datapackage(frames: dict[str, pd.DataFrame], fmt: str, files: dict[str, bytes]) -> dict[str, Any]:
    """The Frictionless descriptor of ``frames`` written as ``files`` (name → bytes) in format ``fmt``."""
    from coop_analysis import __version__
    from coop_analysis.datasets import load_sources

    resources = []
    for name, frame in frames.items():
        spec = table_spec(name)
        path = WORKBOOK if fmt == "xlsx" else f"{name}.{fmt}"
        data = files[path]
        resource: dict[str, Any] = {
            "name": name,
            "path": path,
            "profile": "tabular-data-resource",
            "title": name,
            "description": spec.description,
            "format": fmt,
            "mediatype": _MEDIATYPES[fmt],
        }
        if fmt != "parquet":  # frictionless reads Parquet through pyarrow and cannot check these
            resource |= {"hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        if fmt == "csv":
            resource["encoding"] = CSV_ENCODING
        if fmt == "xlsx":
            resource["dialect"] = {"excel": {"sheet": name}}
        resource["schema"] = _schema(spec)
        resource["sources"] = _table_sources(name, frame)
        resources.append(resource)
    sources = load_sources()
    return {
        "profile": "tabular-data-package",
        "name": "coop-analysis",
        "title": "East–West science and technology cooperation (东西部科技合作): curated facts and reference data",
        "description": (
            "Tables of coop-analysis: every quantity stated in the sources with its qualifier, bounds and "
            "verbatim quote, the initiatives, organizations and events they belong to, and the reference "
            "tables (provinces, official pairings, places). Quotes are excerpts of the named public sources, "
            "whose texts remain their publishers'."
        ),
        "version": __version__,
        "licenses": [LICENSE],
        "sources": [
            {"title": f"{row.title} ({row.publisher}, {row.published}; doc_id {row.doc_id})"}
            for row in sources.itertuples(index=False)
        ],
        "resources": resources,
    }


# --------------------------------------------------------------------------- writing


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode(CSV_ENCODING)


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()


def _dictionary(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    from coop_analysis.meta import describe

    parts = []
    for name in frames:
        d = describe(name)
        d = d[d["origin"] == "file"].drop(columns=["origin"])
        d.insert(0, "table", name)
        parts.append(d)
    return pd.concat(parts, ignore_index=True)


def _xlsx_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
        _dictionary(frames).to_excel(writer, sheet_name="dictionary", index=False)
        for sheet in writer.book.worksheets:  # text is text: a cell starting with "=" is not a formula
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
    return buf.getvalue()


def export(out: str | Path, format: str = "csv", *, tables: Iterable[str] | None = None) -> Path:
    """Write the tables and their ``datapackage.json`` into folder ``out``.

    Args:
        out: output folder (created if needed).
        format: ``"csv"`` (UTF-8 with BOM, for Excel), ``"parquet"`` or ``"xlsx"``.
        tables: names to export (default: every table, see :func:`table_names`).
            A table that another one references must be exported with it for
            the package to validate.

    Returns:
        The path of ``datapackage.json``.

    Raises:
        ExportError: unknown format or table, or a library the format needs is
            missing (the message says what to install).
        DataValidationError: a data file breaks its schema (nothing is written).
    """
    fmt = _check_format(format)
    names = list(tables) if tables is not None else table_names()
    unknown = [n for n in names if n not in table_names()]
    if unknown:
        raise ExportError(f"unknown table(s) {unknown}; known: {', '.join(table_names())}")
    frames = {name: _load(name) for name in names}
    if fmt == "csv":
        files = {f"{name}.csv": _csv_bytes(frame) for name, frame in frames.items()}
    elif fmt == "parquet":
        files = {f"{name}.parquet": _parquet_bytes(frame) for name, frame in frames.items()}
    else:
        files = {WORKBOOK: _xlsx_bytes(frames)}
    descriptor = datapackage(frames, fmt, files)
    folder = Path(out)
    for path, data in files.items():
        atomic_write(folder / path, data)
    target = atomic_write(folder / DESCRIPTOR, json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    log.info("exported %d table(s) as %s to %s", len(frames), fmt, folder)
    return target


# --------------------------------------------------------------------------- reading


def _typed(frame: pd.DataFrame, spec: TableSpec, where: str) -> pd.DataFrame:
    from coop_analysis.datasets import _cast

    typed = _cast(frame, spec, where)
    ints = [c for c, s in spec.columns.items() if s.dtype == "int64"]
    return typed.astype(dict.fromkeys(ints, "int64")) if ints else typed


def read_export(path: str | Path) -> dict[str, pd.DataFrame]:
    """Read an export back: table name → DataFrame with the loaders' dtypes.

    Args:
        path: the export folder or its ``datapackage.json``.

    Raises:
        ExportError: no readable ``datapackage.json`` there.
        DataValidationError: a cell does not fit its column's type.
    """
    import pandas as pd

    descriptor_path = Path(path)
    if descriptor_path.is_dir():
        descriptor_path = descriptor_path / DESCRIPTOR
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(f"{descriptor_path}: not a readable {DESCRIPTOR} ({exc})") from exc
    folder = descriptor_path.parent
    out: dict[str, pd.DataFrame] = {}
    for res in descriptor.get("resources", []):
        name, file = res["name"], folder / res["path"]
        spec = table_spec(name)
        if res["format"] == "parquet":
            frame = pd.read_parquet(file)
        elif res["format"] == "xlsx":
            raw = pd.read_excel(file, sheet_name=res["dialect"]["excel"]["sheet"], dtype=str, keep_default_na=False,
                                na_values=[""])  # fmt: skip
            frame = _typed(raw, spec, f"{file.name}, sheet {name}")
        else:
            raw = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""], encoding=CSV_ENCODING)
            frame = _typed(raw, spec, file.name)
        out[name] = frame
    return out
