"""Readable DataFrames in a notebook: long texts cut in the display only, CJK aligned.

Curated tables hold long Chinese quotes and notes; shown whole, one row fills
the screen. These helpers change pandas *display* options only (the data is
never touched), and only when called, never on import::

    ca.use_readable_display()          # for the session (a notebook's first cell)
    with ca.readable_display():        # or for one block
        facts.head()

Options set (any can be overridden by keyword, e.g. ``max_colwidth=60``):
``display.max_colwidth`` 30 characters, ``display.max_columns`` 60 (a view
has about 20), ``display.unicode.east_asian_width`` on (Chinese characters count
double, so plain-text columns line up), and ``display.float_format`` with
thousands separators and up to 12 significant digits (3.5亿 shows as
350,000,000, not 3.500000e+08).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["READABLE_OPTIONS", "readable_display", "use_readable_display"]


def _float(x: float) -> str:
    return f"{x:,.12g}"


#: The display options of :func:`readable_display` (short names, without ``display.``).
READABLE_OPTIONS: dict[str, int | bool | Callable[[float], str]] = {
    "max_colwidth": 30,
    "max_columns": 60,
    "unicode.east_asian_width": True,
    "float_format": _float,
}


def _pairs(overrides: dict[str, Any]) -> list[Any]:
    options = READABLE_OPTIONS | {k.replace("__", "."): v for k, v in overrides.items()}
    flat: list[Any] = []
    for key, value in options.items():
        flat += [f"display.{key}", value]
    return flat


def readable_display(**overrides: Any) -> AbstractContextManager[None]:
    """Context manager: readable DataFrame display inside the block (options restored after).

    Keyword arguments override :data:`READABLE_OPTIONS` (``max_colwidth=60``;
    write ``unicode__east_asian_width`` for dotted names).
    """
    import pandas as pd

    return pd.option_context(*_pairs(overrides))


def use_readable_display(**overrides: Any) -> None:
    """Readable DataFrame display for the rest of the session (``pd.reset_option("display")`` undoes it)."""
    import pandas as pd

    pairs = _pairs(overrides)
    for key, value in zip(pairs[::2], pairs[1::2], strict=True):
        pd.set_option(key, value)
