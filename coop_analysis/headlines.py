"""The headline contract between a report notebook and the batch runner.

A report notebook calls :func:`record_headline` once; the runner finds that
output in the executed notebook (:func:`find_headline`), stores it as
``nb.metadata["coop_analysis"]`` and shows it in ``index.html``.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["HEADLINE_MIME", "find_headline", "headline_record", "record_headline", "strip_headlines"]

#: MIME type of the display output that carries a report's headline fields.
HEADLINE_MIME = "application/vnd.coop-analysis+json"
_HEADLINE_TYPES: dict[str, type] = {"region": str, "headline": str, "n_facts": int, "n_initiatives": int}


def record_headline(**fields: Any) -> None:
    """Record a report's headline figures for ``index.html`` (call it once in a report notebook).

    Contract between a report notebook and the batch runner:

    * The notebook calls ``coop_analysis.reports.record_headline(region=...,
      headline=..., n_facts=..., n_initiatives=...)`` (e.g.
      ``record_headline(**narrative.headline(profile, lang))``).
    * This emits the fields as a display output of MIME type
      ``application/vnd.coop-analysis+json`` only (``display(..., raw=True)``):
      no visible output in Jupyter, and the runner leaves it out of the HTML.
    * After execution the runner takes the last such output of the notebook,
      stores it in the executed notebook as
      ``nb.metadata["coop_analysis"] = {"region": str, "headline": str,
      "n_facts": int, "n_initiatives": int}`` and shows it in ``index.html``.

    Fields: ``region`` (English province name, or ``"overview"``) and
    ``headline`` (one line of plain text) are required; ``n_facts`` and
    ``n_initiatives`` are counts (ints, numpy ints accepted). Extra fields must
    be JSON values; they are kept in the metadata but not shown.

    It returns None on purpose: a returned value, as the last expression of a
    cell, would be shown as the cell's result. Outside IPython (plain Python,
    tests) nothing is displayed; :func:`headline_record` gives the checked
    fields without displaying them.

    Raises:
        TypeError: a required field is missing, or a value has the wrong type.
    """
    record = headline_record(**fields)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    if get_ipython() is not None:
        from IPython.display import display

        display({HEADLINE_MIME: record}, raw=True)


def headline_record(**fields: Any) -> dict[str, Any]:
    """The fields of :func:`record_headline`, checked and made plain (``str``/``int``/JSON values).

    Raises:
        TypeError: a required field is missing, or a value has the wrong type.
    """
    missing = [k for k in ("region", "headline") if k not in fields]
    if missing:
        raise TypeError(f"record_headline: missing field(s) {missing}")
    record: dict[str, Any] = {}
    for key, value in fields.items():
        want = _HEADLINE_TYPES.get(key)
        if want is int:
            if isinstance(value, bool) or not hasattr(value, "__index__"):
                raise TypeError(f"record_headline: {key} must be an int, got {value!r}")
            value = int(value.__index__())
        elif want is str:
            if not isinstance(value, str):
                raise TypeError(f"record_headline: {key} must be a str, got {value!r}")
            value = " ".join(str(value).split())  # one line
        else:
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                raise TypeError(f"record_headline: {key} must be a JSON value, got {value!r}") from None
        record[key] = value
    return record


def find_headline(nb: Any) -> dict[str, Any] | None:
    """The last :func:`record_headline` record in a notebook (dict or NotebookNode), if any."""
    found = None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            if HEADLINE_MIME in data:
                value = data[HEADLINE_MIME]
                found = json.loads(value) if isinstance(value, str) else dict(value)
    return found


def strip_headlines(nb: Any) -> None:
    """Remove the headline outputs from a notebook in place (data for the index, not for readers)."""
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if set(o.get("data", {})) - {HEADLINE_MIME} or "data" not in o]
