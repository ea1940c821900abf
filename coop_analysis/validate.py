"""Provenance and integrity checks behind ``coop-analysis validate``.

Checks, each problem naming file, line, column and what was expected:

* every table matches its schema (dtypes, vocabularies, unique ids);
* every raw source matches the checksum in its metadata;
* every foreign key resolves (doc, initiative, province, partner, metric);
* every quote occurs verbatim in the normalized text of its source;
* every fact's ``raw`` occurs in its quote and parses to the recorded
  value, unit, qualifier and bounds;
* coverage: in every curated source, each quantity the extractor finds is a
  fact or a waiver, and each fact is found by the extractor;
* attribution and periods (:mod:`coop_analysis.attribution_checks`): who takes
  part on which side, what each fact is about and for whom it is counted, no
  partner link without opposite sides, real dates and well-formed periods.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coop_analysis.attribution_checks import attribution_problems
from coop_analysis.datasets import _rel, read_validated, source_text, table_path
from coop_analysis.errors import DataValidationError, QuantityError, SourceError
from coop_analysis.extraction import extract_quantities
from coop_analysis.quantities import parse_quantity
from coop_analysis.schemas import FOREIGN_KEYS, LIST_SEP, TABLES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ValidationReport", "coverage", "validate_all"]

log = logging.getLogger(__name__)


@dataclass
class ValidationReport:
    """What :func:`validate_all` found: problems fail, warnings inform."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        if self.problems:
            raise DataValidationError(self.problems)


def _where(table: str, idx: int, frame: pd.DataFrame, column: str) -> str:
    """Where a cell is: row ``idx`` is on file line ``idx + 2`` (see :func:`validate_all`)."""
    spec = TABLES[table]
    key = f" ({spec.key} {frame.at[idx, spec.key]})" if spec.key else ""
    return f"{_rel(table_path(table))}, line {idx + 2}{key}, column '{column}'"


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _items(value: object) -> list[str]:
    return value.split(LIST_SEP) if isinstance(value, str) and value else []


def _check_fk(report: ValidationReport, tables: dict[str, pd.DataFrame], table: str, column: str,
              target: str, target_col: str) -> None:  # fmt: skip
    if table not in tables or target not in tables:
        return
    frame = tables[table]
    allowed = set(tables[target][target_col].dropna())
    is_list = TABLES[table].columns[column].is_list if table in TABLES else False
    for idx, value in frame[column].items():
        values = _items(value) if is_list else ([] if _missing(value) else [value])
        for v in values:
            if v not in allowed:
                report.problems.append(
                    f"{_where(table, idx, frame, column)}: {v!r} is not a {target}.{target_col} "
                    f"(expected one of the {len(allowed)} values in {target})"
                )


def _close(a: float | None, b: float | None) -> bool:
    a_missing, b_missing = _missing(a), _missing(b)
    if a_missing or b_missing:
        return a_missing and b_missing
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)  # type: ignore[arg-type]


def _check_quotes(report: ValidationReport, tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> None:
    for table in ("initiatives", "facts", "waivers", "organizations", "events", "participants"):
        if table not in tables:
            continue
        frame = tables[table]
        for idx, row in frame.iterrows():
            text = texts.get(row["doc_id"])
            if text is None:
                continue  # reported as a foreign-key problem
            if row["quote"] not in text:
                report.problems.append(
                    f"{_where(table, idx, frame, 'quote')}: expected a verbatim sentence of the normalized "
                    f"text of source {row['doc_id']}, not found: {row['quote'][:60]!r}"
                )


def _check_facts(report: ValidationReport, facts: pd.DataFrame) -> None:
    for idx, row in facts.iterrows():
        if row["raw"] not in row["quote"]:
            report.problems.append(f"{_where('facts', idx, facts, 'raw')}: {row['raw']!r} does not occur in its quote")
        try:
            q = parse_quantity(row["raw"])
        except QuantityError as exc:
            report.problems.append(f"{_where('facts', idx, facts, 'raw')}: expected a quantity: {exc}")
            continue
        for col in ("value", "unit", "qualifier", "low", "high"):
            expected, got = getattr(q, col), row[col]
            same = expected == got if col in ("unit", "qualifier") else _close(expected, got)
            if not same:
                report.problems.append(
                    f"{_where('facts', idx, facts, col)}: {row['raw']!r} parses to {col}={expected!r}, "
                    f"the table says {got!r}"
                )


def _claims(text: str, quote: str, raw: str) -> list[tuple[int, int]]:
    """Spans in ``text`` where ``raw`` occurs inside an occurrence of ``quote``."""
    spans = []
    q = text.find(quote)
    while q != -1:
        r = quote.find(raw)
        while r != -1:
            spans.append((q + r, q + r + len(raw)))
            r = quote.find(raw, r + 1)
        q = text.find(quote, q + 1)
    return spans


def coverage(doc_id: str, facts: pd.DataFrame, waivers: pd.DataFrame) -> pd.DataFrame:
    """Match every quantity the extractor finds in a source to a fact or a waiver.

    Args:
        doc_id: the source.
        facts: curated facts (any sources; this one's rows are used).
        waivers: curated waivers (idem).

    Returns:
        One row per extracted mention and per curated row the extractor did not
        find: ``doc_id, start, end, raw, value, unit, qualifier, sentence,
        status`` (``fact``, ``waived``, ``gap`` for an unexplained mention,
        ``missed`` for a fact the extractor does not find, ``stale`` for a
        waiver that matches nothing), ``ref`` (fact_id or waiver reason) and
        ``note`` (for a mention the extractor reports unparsed, ``unparsed:``
        and why; such a mention is a gap unless waived).
    """
    import pandas as pd

    text = source_text(doc_id)
    mentions = extract_quantities(text)
    candidates: list[tuple[int, int, str, str, str, int]] = []  # start, end, kind, ref, note, order
    doc_facts = facts[facts["doc_id"] == doc_id]
    doc_waivers = waivers[waivers["doc_id"] == doc_id]
    for order, row in enumerate(doc_facts.itertuples(index=False)):
        for s, e in _claims(text, row.quote, row.raw):
            candidates.append((s, e, "fact", row.fact_id, "", order))
    for order, row in enumerate(doc_waivers.itertuples(index=False)):
        note = "" if _missing(row.note) else str(row.note)
        for s, e in _claims(text, row.quote, row.raw):
            candidates.append((s, e, "waived", row.reason, note, 10_000 + order))
    candidates.sort(key=lambda c: (c[2] != "fact", c[5]))  # facts first, in table order
    used: set[tuple[str, int]] = set()
    rows = []
    for m in mentions.itertuples(index=False):
        match = None
        for s, e, kind, ref, note, order in candidates:
            if s < m.end and m.start < e and (kind, order) not in used:
                match = (kind, ref, note, order)
                break
        status, ref, note = ("gap", "", "") if match is None else match[:3]
        if match is not None:
            used.add((match[0], match[3]))
        if isinstance(m.problem, str) and status != "waived":
            # An unparsed mention (value missing) is a gap to waive or fix like any other;
            # a fact on it fails its own parse check.
            note = f"unparsed: {m.problem}"
        rows.append((doc_id, m.start, m.end, m.raw, m.value, m.unit, m.qualifier, m.sentence, status, ref, note))
    for order, row in enumerate(doc_facts.itertuples(index=False)):
        if ("fact", order) not in used:
            rows.append((doc_id, -1, -1, row.raw, row.value, row.unit, row.qualifier, row.quote, "missed",
                         row.fact_id, "the extractor does not find this fact in its quote"))  # fmt: skip
    for order, row in enumerate(doc_waivers.itertuples(index=False)):
        if ("waived", 10_000 + order) not in used:
            rows.append((doc_id, -1, -1, row.raw, math.nan, "", "", row.quote, "stale", row.reason,
                         "no extracted mention matches this waiver"))  # fmt: skip
    columns = ["doc_id", "start", "end", "raw", "value", "unit", "qualifier", "sentence", "status", "ref", "note"]
    return pd.DataFrame(rows, columns=columns)


def validate_all() -> ValidationReport:
    """Run every check on the project's data and return the report (never raises for data problems)."""
    report = ValidationReport()
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        try:
            frame, lines = read_validated(name)
            # Every check names row idx as line idx + 2 (header on line 1): with this index that is the
            # row's own line in the file, also after blank lines and cells spanning lines.
            frame.index = [n - 2 for n in lines]
            tables[name] = frame
            report.counts[name] = len(tables[name])
        except DataValidationError as exc:
            report.problems.extend(exc.problems)
    try:
        from coop_analysis.datasets import _build_sources

        sources = _build_sources()
        tables["sources"] = sources
        report.counts["sources"] = len(sources)
    except DataValidationError as exc:
        report.problems.extend(exc.problems)
        return report

    for fk in FOREIGN_KEYS:
        _check_fk(report, tables, fk.table, fk.column, fk.target, fk.target_column)
    if "pairings" in tables and "places" in tables:
        from coop_analysis.pairings import check_pairings

        report.problems.extend(check_pairings(tables["pairings"], tables["places"]))
    if "exchange_rates" in tables:
        from coop_analysis.money import check_rates

        report.problems.extend(check_rates(tables["exchange_rates"]))

    texts: dict[str, str] = {}
    for doc_id in tables["sources"]["doc_id"]:
        try:
            texts[doc_id] = source_text(doc_id)
        except (SourceError, UnicodeDecodeError) as exc:
            report.problems.append(f"source {doc_id}: cannot read its text ({exc})")
    _check_quotes(report, tables, texts)
    if "facts" in tables:
        _check_facts(report, tables["facts"])
    report.problems.extend(attribution_problems(tables, _where))

    if "facts" in tables and "waivers" in tables:
        for doc_id in sorted(set(tables["facts"]["doc_id"]) & set(texts)):
            cov = coverage(doc_id, tables["facts"], tables["waivers"])
            for row in cov.itertuples(index=False):
                if row.status == "gap":
                    report.problems.append(
                        f"coverage of source {doc_id}: {row.raw!r} at offset {row.start} is neither a fact nor "
                        f"waived (add a row to data/curated/facts.csv or waivers.csv)"
                        + (f" ({row.note})" if row.note else "")
                        + f"; sentence: {row.sentence[:60]!r}"
                    )
                elif row.status == "missed":
                    report.problems.append(f"coverage of source {doc_id}: fact {row.ref} ({row.raw!r}): {row.note}")
                elif row.status == "stale":
                    report.problems.append(
                        f"coverage of source {doc_id}: waiver {row.raw!r} ({row.ref}) in {row.sentence[:40]!r}: "
                        f"{row.note}; remove it from data/curated/waivers.csv"
                    )
            report.counts[f"coverage:{doc_id}"] = int(cov["status"].isin(["fact", "waived"]).sum())
    return report
