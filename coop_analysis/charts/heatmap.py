"""Heatmaps of a small matrix (e.g. mechanisms by province)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from coop_analysis.charts.layout import _fmt_number, _new_figure
from coop_analysis.charts.style import Lang, _check_lang, report_style

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- heatmap


def heatmap(
    matrix: pd.DataFrame,
    *,
    lang: Lang = "en",
    title: str | None = None,
    cmap: str = "Blues",
    xlabel: str | None = None,
    ylabel: str | None = None,
    fmt: Callable[[float], str] | None = None,
    colorbar_label: str | None = None,
) -> Figure:
    """Annotated heatmap of a DataFrame (rows × columns), e.g. mechanism × region counts.

    Args:
        matrix: numeric DataFrame; index labels become rows, columns become columns.
            Missing cells are drawn blank with a dash.
        lang: ``"en"`` or ``"zh"``.
        title: figure title.
        cmap: matplotlib colormap name.
        xlabel: column-axis label.
        ylabel: row-axis label.
        fmt: cell text formatter; default integers with thousands separators,
            otherwise 3 significant digits.
        colorbar_label: colour-bar label.

    Returns:
        The figure; the image is ``ax.images[0]`` and each cell has a text.

    Raises:
        ValueError: ``matrix`` is empty or not numeric.
    """
    import numpy as np

    lang = _check_lang(lang)
    if matrix.size == 0:
        raise ValueError("heatmap: empty matrix")
    try:
        values = matrix.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("heatmap: matrix must be numeric") from exc
    nrow, ncol = values.shape
    fmt = fmt or _fmt_number

    with report_style(lang):
        longest_row = max((len(str(r)) for r in matrix.index), default=4)
        fig, ax = _new_figure((min(11.0, 1.6 + 0.12 * longest_row + 0.75 * ncol), min(9.0, 1.4 + 0.45 * nrow)))
        masked = np.ma.masked_invalid(values)
        im = ax.imshow(masked, cmap=cmap, aspect="auto", interpolation="nearest")
        ax.set_xticks(np.arange(ncol), [str(c) for c in matrix.columns])
        ax.set_yticks(np.arange(nrow), [str(r) for r in matrix.index])
        ax.tick_params(length=0)
        ax.grid(False)
        for s in ax.spines.values():
            s.set_visible(False)
        if ncol > 4 and max(len(str(c)) for c in matrix.columns) > 4:
            for tick in ax.get_xticklabels():
                tick.set(rotation=30, ha="right", rotation_mode="anchor")
        finite = values[np.isfinite(values)]
        vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        norm = im.norm
        cm = im.get_cmap()
        for i in range(nrow):
            for j in range(ncol):
                v = values[i, j]
                if not np.isfinite(v):
                    ax.text(j, i, "–", ha="center", va="center", fontsize=8, color="#999999")
                    continue
                r, g, bl, _ = cm(norm(v)) if vmax > vmin else cm(0.0)
                dark = 0.299 * r + 0.587 * g + 0.114 * bl < 0.55
                ax.text(
                    j, i, fmt(float(v)), ha="center", va="center", fontsize=8.5, color="white" if dark else "#222222"
                )
        cb = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.02)
        cb.outline.set_visible(False)
        cb.ax.tick_params(labelsize=8, length=0)
        if finite.size and np.all(finite == np.round(finite)):
            from matplotlib.ticker import MaxNLocator

            cb.locator = MaxNLocator(integer=True)
            cb.update_ticks()
        if colorbar_label:
            # Horizontal, above the bar: Chinese reads badly when rotated.
            cb.ax.set_title(colorbar_label, fontsize=8, loc="left", color="#333333")
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
    return fig
