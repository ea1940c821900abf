"""``coop-analysis diff``: which records changed between two revisions, and which reports they reach.

Each side is the project's ``data/`` at a git revision (exported with ``git archive``)
or in the work tree, read by the same loaders and validation as everything else
(:func:`coop_analysis.datasets.load_table`, :func:`~coop_analysis.datasets.load_sources`).
Every table of :data:`coop_analysis.schemas.TABLES` is compared row by row on its key
(a table without a key: whole rows added or removed); sources on ``doc_id``.

The reports reached are those whose data inputs differ
(:func:`coop_analysis.inputs.report_data_inputs`: the rows each report reads), the same
rule by which ``coop-analysis reports`` rebuilds; for each, the headline on both
sides. Both sides are read with the current library code: a change to the code, the
notebooks or the lock between the revisions is named in a note, since it rebuilds
every report.

A side whose table does not pass validation (an older layout, say) is still compared,
cell by cell as written, with a note naming the problem.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_analysis import paths
from coop_analysis.errors import CoopAnalysisError, DataValidationError, RevisionError
from coop_analysis.schemas import TABLES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DataDiff", "ReportChange", "RowChange", "diff_revisions", "format_markdown", "format_text"]

#: Files whose change between two revisions rebuilds every report (code, not data).
CODE_PATHS = ("coop_analysis", "notebooks", "requirements-lock.txt")
#: Columns that name a row for a reader, first found first (up to two are shown).
_LABEL_COLUMNS = ("title_en", "name_en", "province", "metric", "date", "what_en", "east_province", "west_province")
#: Columns shown for a row added or removed, when the table has them (else every column).
_BRIEF_COLUMNS = ("raw", "value", "unit", "qualifier", "low", "high", "quote")
WORK_TREE = "work tree"


@dataclass(frozen=True)
class RowChange:
    """One record added, removed or changed.

    Attributes:
        table: table name (``facts`` …, or ``sources``).
        key: the row's key value (several joined by ``/``; the whole row for a keyless table).
        kind: ``added``, ``removed`` or ``changed``.
        old, new: the row on each side (None where it does not exist), values as loaded.
        columns: the columns whose value changed (``changed`` only).
    """

    table: str
    key: str
    kind: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportChange:
    """A report whose inputs differ: ``added``/``removed`` (built on one side only) or ``changed``."""

    name: str
    kind: str
    inputs: tuple[str, ...]
    old_headline: str | None = None
    new_headline: str | None = None


@dataclass
class DataDiff:
    """Result of :func:`diff_revisions`."""

    old: str
    new: str
    rows: list[RowChange] = field(default_factory=list)
    reports: list[ReportChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    n_reports: int = 0
    reports_known: bool = True  # False: a side's data could not be loaded for the reports (see notes)

    @property
    def empty(self) -> bool:
        return not self.rows and not self.reports


# --------------------------------------------------------------------------- git


def _git(repo: Path, *args: str, binary: bool = False) -> Any:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise CoopAnalysisError("git is not installed (needed to read a revision)") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CoopAnalysisError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()


def resolve_revision(repo: Path, rev: str) -> str:
    """The commit id of ``rev``; :class:`RevisionError` (one line, with a hint) when it is not here."""
    if rev.startswith("-"):
        raise RevisionError(f"revision {rev!r}: expected a commit, branch or tag, not an option")
    try:
        _git(repo, "rev-parse", "--git-dir")
    except CoopAnalysisError:
        raise RevisionError(f"{repo} is not a git repository (diff compares git revisions)") from None
    try:
        return str(_git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"))
    except CoopAnalysisError:
        pass
    hint = ""
    with contextlib.suppress(CoopAnalysisError):
        if _git(repo, "rev-parse", "--is-shallow-repository") == "true":
            depth = _git(repo, "rev-list", "--count", "HEAD")
            hint = f"; this is a shallow clone with {depth} {'commit' if depth == 1 else 'commits'}: fetch more history (git fetch --deepen=N)"
    raise RevisionError(f"revision {rev!r} not found in {repo}{hint}")


def _export_data(repo: Path, commit: str, dest: Path) -> None:
    """Write the revision's ``data/`` under ``dest`` (``dest/data/...``)."""
    try:
        archive = _git(repo, "archive", "--format=tar", commit, "--", "data", binary=True)
    except CoopAnalysisError as exc:
        raise RevisionError(f"revision {commit[:12]} has no data/ folder ({exc})") from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: refuse links and paths out of dest
            tar.extractall(dest, filter="data")
        else:  # pragma: no cover - git archive of our own repository
            tar.extractall(dest)


def _code_changed(repo: Path, old: str, new: str | None) -> list[str]:
    args = ["diff", "--name-only", old, *([new] if new else []), "--", *CODE_PATHS]
    return [line for line in str(_git(repo, *args)).splitlines() if line]


# --------------------------------------------------------------------------- reading one side


@contextlib.contextmanager
def _data_root(root: Path, cache: Path | None) -> Iterator[None]:
    """Make the library read ``root/data`` (and cache under ``cache``) inside the block."""
    saved = {k: os.environ.get(k) for k in ("COOP_ANALYSIS_ROOT", "COOP_ANALYSIS_CACHE")}
    os.environ["COOP_ANALYSIS_ROOT"] = str(root)
    if cache is not None:
        os.environ["COOP_ANALYSIS_CACHE"] = str(cache)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _as_written(path: Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def _read_tables(label: str, notes: list[str]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], set[str]]:
    """Every table of the current root: (validated, as written, names that failed validation, with a note)."""
    from coop_analysis.datasets import load_sources, load_table, table_path

    tables: dict[str, pd.DataFrame] = {}
    written: dict[str, pd.DataFrame] = {}
    loose: set[str] = set()
    for name in TABLES:
        path = table_path(name)
        if not path.exists():
            continue  # a table that does not exist on this side: every row is added or removed
        try:
            written[name] = _as_written(path)
        except Exception as exc:  # unreadable even as text
            notes.append(f"{label}: {name} is unreadable ({exc}); left out")
            continue
        try:
            tables[name] = load_table(name)
        except DataValidationError as exc:
            notes.append(f"{label}: {name} does not pass validation ({exc.problems[0]}); compared as written")
            loose.add(name)
    try:
        tables["sources"] = load_sources()
    except DataValidationError as exc:
        notes.append(f"{label}: sources do not pass validation ({exc.problems[0]}); left out")
    return tables, written, loose


# --------------------------------------------------------------------------- comparing tables


def _plain(value: Any) -> Any:
    """A cell as a plain Python value (NA → None; numpy scalars → int/float/bool/str)."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = list(frame.columns)
    return [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in frame.itertuples(index=False)]


def _key_columns(table: str, frame: pd.DataFrame) -> list[str] | None:
    key = "doc_id" if table == "sources" else (TABLES[table].key if table in TABLES else None)
    return [key] if key and key in frame.columns else None


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return bool(a == b)


def diff_table(table: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> list[RowChange]:
    """Rows added, removed and changed between two versions of one table (None: table absent)."""
    old_rows = _records(old) if old is not None else []
    new_rows = _records(new) if new is not None else []
    frame = new if new is not None else old
    key_cols = _key_columns(table, frame) if frame is not None else None
    changes: list[RowChange] = []
    if key_cols is None:  # no key: compare whole rows, as multisets

        def whole(row: dict[str, Any]) -> str:
            return " | ".join("" if row.get(c) is None else str(row.get(c)) for c in row)

        old_keys = [whole(r) for r in old_rows]
        new_keys = [whole(r) for r in new_rows]
        remaining = list(new_keys)
        for k, row in zip(old_keys, old_rows, strict=True):
            if k in remaining:
                remaining.remove(k)
            else:
                changes.append(RowChange(table, k, "removed", row, None))
        remaining_old = list(old_keys)
        for k, row in zip(new_keys, new_rows, strict=True):
            if k in remaining_old:
                remaining_old.remove(k)
            else:
                changes.append(RowChange(table, k, "added", None, row))
        return changes

    def key_of(row: dict[str, Any]) -> str:
        return "/".join(str(row.get(c)) for c in key_cols)

    old_by = {key_of(r): r for r in old_rows}
    new_by = {key_of(r): r for r in new_rows}
    for k, row in old_by.items():
        if k not in new_by:
            changes.append(RowChange(table, k, "removed", row, None))
    for k, row in new_by.items():
        before = old_by.get(k)
        if before is None:
            changes.append(RowChange(table, k, "added", None, row))
            continue
        columns = [c for c in dict.fromkeys([*before, *row]) if not _same(before.get(c), row.get(c))]
        if columns:
            changes.append(RowChange(table, k, "changed", before, row, tuple(columns)))
    return changes


# --------------------------------------------------------------------------- reports reached


def _report_side(label: str, notes: list[str]) -> tuple[dict[str, dict[str, str]], dict[str, str]] | None:
    """(data inputs per report, headline per report) of the current root; None when it cannot be read."""
    from coop_analysis.inputs import report_data_inputs
    from coop_analysis.narrative import headline, overview_headline
    from coop_analysis.pages import OVERVIEW
    from coop_analysis.profiles import provinces_with_records, region_profile

    try:
        names = [OVERVIEW, *provinces_with_records()]
        inputs = report_data_inputs(names)
        heads = {OVERVIEW: str(overview_headline("en")["headline"])}
        for name in names[1:]:
            heads[name] = str(headline(region_profile(name), "en")["headline"])
    except CoopAnalysisError as exc:
        first = exc.problems[0] if isinstance(exc, DataValidationError) else str(exc)
        notes.append(f"{label}: reports cannot be worked out ({first})")
        return None
    return inputs, heads


def _compare_reports(
    old: tuple[dict[str, dict[str, str]], dict[str, str]],
    new: tuple[dict[str, dict[str, str]], dict[str, str]],
) -> list[ReportChange]:
    (old_in, old_head), (new_in, new_head) = old, new
    out: list[ReportChange] = []
    for name in dict.fromkeys([*new_in, *old_in]):
        a, b = old_in.get(name), new_in.get(name)
        if a == b:
            continue
        if a is None or b is None:
            kind = "added" if a is None else "removed"
            out.append(ReportChange(name, kind, (), old_head.get(name), new_head.get(name)))
            continue
        inputs = tuple(k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k))
        out.append(ReportChange(name, "changed", inputs, old_head.get(name), new_head.get(name)))
    return out


# --------------------------------------------------------------------------- the diff


def diff_revisions(old: str = "HEAD", new: str | None = None, *, repo: Path | None = None) -> DataDiff:
    """Compare the data at revision ``old`` with revision ``new`` (None: the work tree).

    Args:
        old: a git revision (commit, branch, tag, ``HEAD~1`` …).
        new: a git revision, or None for the files in the work tree.
        repo: the project folder (default :func:`coop_analysis.paths.project_root`).

    Raises:
        RevisionError: a revision is not in the repository (the message says when the
            clone is shallow), or the folder is not a git repository.
    """
    repo = Path(repo) if repo is not None else paths.project_root()
    old_id = resolve_revision(repo, old)
    new_id = resolve_revision(repo, new) if new is not None else None
    result = DataDiff(old=f"{old} ({old_id[:7]})", new=f"{new} ({new_id[:7]})" if new_id else WORK_TREE)
    code = _code_changed(repo, old_id, new_id)
    if code:
        shown = ", ".join(code[:5]) + (f" and {len(code) - 5} more" if len(code) > 5 else "")
        result.notes.append(f"code changed too ({shown}): every report rebuilds; numbers below use the current code")
    with tempfile.TemporaryDirectory(prefix="coop-diff-") as tmp:
        sides = []
        for label, commit in (("old", old_id), ("new", new_id)):
            if commit is None:
                root, cache = repo, None
            else:
                root, cache = Path(tmp) / label, Path(tmp) / f"{label}-cache"
                _export_data(repo, commit, root)
            with _data_root(root, cache):
                tables, written, loose = _read_tables(result.old if label == "old" else result.new, result.notes)
                reports = _report_side(result.old if label == "old" else result.new, result.notes)
            sides.append((tables, written, loose, reports))
    (old_tables, old_written, old_loose, old_reports), (new_tables, new_written, new_loose, new_reports) = sides
    for name in [*TABLES, "sources"]:
        if name in old_loose | new_loose:  # a side did not validate: compare both as written
            a, b = old_written.get(name), new_written.get(name)
        else:
            a, b = old_tables.get(name), new_tables.get(name)
        if a is None and b is None:
            continue
        result.rows.extend(diff_table(name, a, b))
    if old_reports is None or new_reports is None:
        result.reports_known = False
    else:
        result.reports = _compare_reports(old_reports, new_reports)
        result.n_reports = len(set(old_reports[0]) | set(new_reports[0]))
    return result


# --------------------------------------------------------------------------- output


def _fmt(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return str(value)


def _label(change: RowChange) -> str:
    row = change.new or change.old or {}
    parts = [_fmt(row[c]) for c in _LABEL_COLUMNS if row.get(c) is not None][:2]
    return f" ({' · '.join(parts)})" if parts else ""


def _brief(change: RowChange) -> list[tuple[str, str]]:
    row = change.new or change.old or {}
    columns = [c for c in _BRIEF_COLUMNS if c in row] or list(row)
    return [(c, _fmt(row[c])) for c in columns if row.get(c) is not None]


_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _counts(changes: list[RowChange]) -> str:
    kinds = [k for k in ("added", "removed", "changed") if any(c.kind == k for c in changes)]
    return ", ".join(f"{sum(c.kind == k for c in changes)} {k}" for k in kinds)


def _by_table(diff: DataDiff) -> dict[str, list[RowChange]]:
    grouped: dict[str, list[RowChange]] = {}
    for change in diff.rows:
        grouped.setdefault(change.table, []).append(change)
    return grouped


def format_text(diff: DataDiff) -> str:
    """Plain text for the terminal."""
    lines = [f"data: {diff.old} → {diff.new}"]
    lines += [f"note: {n}" for n in diff.notes]
    if not diff.rows:
        lines.append("no record added, removed or changed")
    for table, changes in _by_table(diff).items():
        lines.append("")
        lines.append(f"{table}: {_counts(changes)}")
        for c in changes:
            key = c.key if len(c.key) <= 80 else c.key[:77] + "…"
            lines.append(f"  {_SIGN[c.kind]} {key}{_label(c)}")
            if c.kind == "changed":
                assert c.old is not None and c.new is not None
                for col in c.columns:
                    lines.append(f"      {col}: {_fmt(c.old.get(col))} → {_fmt(c.new.get(col))}")
                if "quote" in c.new and "quote" not in c.columns:
                    lines.append(f"      quote (unchanged): {_fmt(c.new.get('quote'))}")
            elif TABLES.get(table) is None or TABLES[table].key is not None:
                lines.extend(f"      {col}: {value}" for col, value in _brief(c))
    lines.append("")
    if not diff.reports_known:
        lines.append("reports reached: unknown (a side's data does not load; see the notes)")
    elif not diff.reports:
        lines.append(f"reports reached: none of {diff.n_reports}")
    else:
        lines.append(f"reports reached: {len(diff.reports)} of {diff.n_reports}")
        for r in diff.reports:
            lines.append(f"  {_SIGN[r.kind]} {r.name}" + (f" (inputs: {', '.join(r.inputs)})" if r.inputs else ""))
            if r.old_headline != r.new_headline:
                lines.append(f"      headline: {_fmt(r.old_headline)} → {_fmt(r.new_headline)}")
            elif r.new_headline is not None:
                lines.append(f"      headline (unchanged): {r.new_headline}")
    return "\n".join(lines) + "\n"


def _md(value: str) -> str:
    return "`" + value.replace("`", "'").replace("\n", " ") + "`" if value else "``"


def format_markdown(diff: DataDiff) -> str:
    """Markdown for a pull-request description."""
    out = [f"### Data changes: {diff.old} → {diff.new}", ""]
    out += [f"> **Note:** {n}" for n in diff.notes]
    if diff.notes:
        out.append("")
    if not diff.rows:
        out += ["No record added, removed or changed.", ""]
    for table, changes in _by_table(diff).items():
        out.append(f"**{table}**: {_counts(changes)}")
        out.append("")
        long = len(changes) > 20
        if long:
            out += ["<details><summary>show</summary>", ""]
        for c in changes:
            head = f"- {_SIGN[c.kind]} **{c.key}**{_label(c)}"
            if c.kind == "changed":
                assert c.old is not None and c.new is not None
                parts = [f"{col} {_md(_fmt(c.old.get(col)))} → {_md(_fmt(c.new.get(col)))}" for col in c.columns]
                out.append(f"{head}: " + "; ".join(parts))
                if "quote" in c.new and "quote" not in c.columns:
                    out.append(f"  - quote: {_fmt(c.new.get('quote'))}")
            else:
                out.append(head)
                if TABLES.get(table) is None or TABLES[table].key is not None:
                    out.extend(f"  - {col}: {_md(value)}" for col, value in _brief(c))
        if long:
            out += ["", "</details>"]
        out.append("")
    if not diff.reports_known:
        out.append("**Reports reached**: unknown (a side's data does not load; see the notes)")
    else:
        out.append(f"**Reports reached**: {len(diff.reports)} of {diff.n_reports}")
    out.append("")
    if diff.reports:
        out += ["| report | change | inputs | headline |", "|---|---|---|---|"]
        for r in diff.reports:
            if r.old_headline != r.new_headline:
                head = f"{_fmt(r.old_headline)} → {_fmt(r.new_headline)}"
            else:
                head = f"{_fmt(r.new_headline)} (unchanged)"
            inputs = ", ".join(r.inputs)
            out.append(f"| {r.name} | {r.kind} | {inputs} | {head.replace('|', '/')} |")
        out.append("")
    return "\n".join(out)
