"""Figure layout without a layout engine: margins measured from the texts, compact numbers."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from coop_analysis.charts.style import Lang

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)


def _fmt_number(v: float) -> str:
    """``12,000``, ``8,800.5`` → ``8,800``, ``0.125`` → ``0.125``; minus sign U+2212."""
    v = float(v)
    if v.is_integer():
        out = f"{int(v):,}"
    elif abs(v) >= 1000:
        out = f"{v:,.0f}"
    else:
        out = f"{v:.3g}"
    return out.replace("-", "\u2212")


def _text_size_pt(s: str, fontsize: float) -> tuple[float, float]:
    """Rough width/height of a one-line label in points (CJK ≈ 1 em, Latin ≈ 0.6 em)."""
    w = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in s) * fontsize
    return w + 4, fontsize * 1.35


def _new_figure(figsize: tuple[float, float], *, layout: str | None = "constrained") -> tuple[Figure, Axes]:
    """A figure outside pyplot (no global state, nothing shown twice), with one axes.

    Call inside :func:`report_style` so that the style applies. ``layout=None``
    gives a figure without a layout engine, for :func:`_set_margins` (a
    constrained layout costs an extra pass over every text at each save).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout=layout if layout is not None else "none")
    FigureCanvasAgg(fig)  # one renderer for measuring texts and for the PNG
    return fig, fig.subplots()


def _text_extent(fig: Figure, texts: Iterable[str], fontsize: float) -> tuple[float, float]:
    """Widest width and tallest height (inches) of one-line ``texts`` drawn at ``fontsize``.

    Measured with the figure's own renderer and the current style's fonts
    (CJK fallback included), so call it inside :func:`report_style`.
    """
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()  # reused when the figure is saved at its own dpi
    prop = FontProperties(size=fontsize)
    width = height = 0.0
    for text in texts:
        if text:
            w, h, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
            width, height = max(width, w), max(height, h)
    return width / fig.dpi, height / fig.dpi


def _set_margins(fig: Figure, *, left: float, bottom: float, right: float, top: float) -> None:
    """Place the figure's subplot area with margins given in inches."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h)


def _title_margin(fig: Figure, title: str | None) -> float:
    """Top margin (inches) for an axes title in the house style (13 pt, 8 pt pad)."""
    if not title:
        return 0.12
    return _text_extent(fig, [title], 13)[1] + 8 / 72 + 0.16


def _compact_number(v: float, lang: Lang) -> str:
    """Axis tick text: ``1``, ``100``, ``10k``, ``1M``, ``1B`` (en) or ``1,000``, ``10万``, ``1亿`` (zh)."""
    if v <= 0 or not math.isfinite(v):
        return _fmt_number(v)
    steps = (
        ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
        if lang == "zh"
        else ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
    )
    for size, suffix in steps:
        if v >= size:
            q = v / size
            number = (f"{q:.0f}" if lang == "zh" else f"{q:,.0f}") if q.is_integer() else f"{q:.3g}"
            return number + suffix
    return f"{v:.3g}" if v < 1 else _fmt_number(v)


def set_map_margins(fig: Figure, title: str | None = None) -> None:
    """Fixed margins for a one-map figure without a layout engine: room for ``title`` only.

    A map has no tick labels, so its margins are known before drawing; the map
    keeps its aspect ratio and is centred in the space left.
    """
    _set_margins(fig, left=0.08, bottom=0.08, right=0.08, top=_title_margin(fig, title))
