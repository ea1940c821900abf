"""Horizontal bar charts of quantities (log or linear axis, approximate values hatched)."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from coop_analysis.charts.layout import (
    _compact_number,
    _fmt_number,
    _new_figure,
    _set_margins,
    _text_extent,
    _title_margin,
)
from coop_analysis.charts.style import _TEXT, PALETTE, Lang, _check_lang, _lighten, report_style

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

logger = logging.getLogger(__name__)  # (not "log": bar_chart has a parameter of that name)


# --------------------------------------------------------------------------- bar chart


def bar_chart(
    df: pd.DataFrame,
    *,
    value: str,
    label: str,
    approx: str | None = None,
    log: bool = False,
    lang: Lang = "en",
    title: str | None = None,
    xlabel: str | None = None,
    color: str = PALETTE[0],
    annotate: bool = True,
    text: str | None = None,
) -> Figure:
    """Horizontal bar chart, one bar per row, first row at the top.

    Args:
        df: the data; rows are drawn in their order (sort before calling).
        value: numeric column for bar length. Rows where it is missing are skipped
            (logged).
        label: column of bar labels (Chinese is fine).
        approx: name of a boolean column; rows where it is true are approximate
            (约, 近, 超过 …) and drawn lighter and hatched, with a legend entry
            ("approximate" / "约数") and a ``≈``/``约`` prefix on the value.
        log: logarithmic value axis (values must then be > 0).
        lang: ``"en"`` or ``"zh"``.
        title: figure title.
        xlabel: value-axis label (default: the ``value`` column name).
        color: bar colour.
        annotate: write each value at the end of its bar.
        text: column of annotation texts to write instead of the plain value
            (e.g. ``> 2,000`` or ``11–19``, keeping the source's qualifier).

    Returns:
        The figure; bars are the axes' ``patches`` (gid ``"bar"``), hatched
        ones for approximate rows. It has no layout engine: the margins are
        measured from the labels, the title and the value texts, and the value
        axis is widened so every value text ends inside it. Axis ticks read
        ``1, 10, 1k, 1M`` (``1万, 1亿`` in Chinese); a log axis has no minor ticks.

    Raises:
        ValueError: missing columns, or non-positive values with ``log=True``.
    """
    import numpy as np
    import pandas as pd
    from matplotlib.patches import Patch

    lang = _check_lang(lang)
    txt = _TEXT[lang]
    cols = [value, label] + ([approx] if approx else []) + ([text] if text else [])
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"bar_chart: missing column(s) {missing}")
    data = df[cols].copy()
    vals = pd.to_numeric(data[value], errors="coerce")
    if vals.isna().any():
        logger.warning("bar_chart: skipping %d row(s) without a numeric %r", int(vals.isna().sum()), value)
    data = data[vals.notna()]
    vals = vals[vals.notna()].to_numpy(dtype=float)
    if log and (vals <= 0).any():
        raise ValueError("bar_chart: log=True needs values > 0")
    is_approx = data[approx].fillna(False).astype(bool).to_numpy() if approx else np.zeros(len(data), dtype=bool)
    names = [str(v) for v in data[label]]
    n = len(names)
    notes = [str(t) for t in data[text]] if text else None

    with report_style(lang):
        # Fixed margins measured from the texts themselves (no layout engine: see _new_figure).
        fig, ax = _new_figure((7.0, 3.0), layout=None)
        label_w = _text_extent(fig, names, 9)[0]
        tick_h = _text_extent(fig, ["0123456789,.k万亿MB"], 9)[1]
        xlabel_h = _text_extent(fig, [xlabel if xlabel is not None else value], 10)[1]
        left = label_w + 3.5 / 72 + 0.18
        bottom = tick_h + xlabel_h + (3.5 + 3.5 + 4) / 72 + 0.14
        top = _title_margin(fig, title)
        right = 0.25
        title_w = _text_extent(fig, [title or ""], 13)[0]  # the title starts at the axes' left edge
        width, height = max(7.0, left + 4.5, left + title_w + right), max(2.2, 0.32 * n + 1.3)
        fig.set_size_inches(width, height)

        y = np.arange(n)
        left_value = 0.0
        if log and n:
            left_value = 10 ** math.floor(math.log10(float(vals.min())))
        face = [_lighten(color, 0.55) if a else color for a in is_approx]
        bars = ax.barh(
            y,
            vals - left_value if log else vals,
            left=left_value,
            color=face,
            edgecolor=color,
            linewidth=0.6,
            height=0.7,
            zorder=2,
        )
        for rect, a in zip(bars.patches, is_approx, strict=True):
            rect.set_gid("bar")
            if a:
                rect.set_hatch("////")
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        from matplotlib.ticker import FuncFormatter, NullLocator

        if log:
            ax.set_xscale("log")
            ax.xaxis.set_minor_locator(NullLocator())  # bars carry their values; minor ticks add only cost
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _compact_number(v, lang)))
        ax.set_xlabel(xlabel if xlabel is not None else value)
        notes = [
            notes[i] if notes is not None else (txt["approx_prefix"] if a else "") + _fmt_number(v)
            for i, (v, a) in enumerate(zip(vals, is_approx, strict=True))
        ]
        if annotate and n:
            for yi, v, note in zip(y, vals, notes, strict=True):
                neg = v < 0
                ax.annotate(
                    note,
                    (v, yi),
                    xytext=(-3 if neg else 3, 0),
                    textcoords="offset points",
                    va="center",
                    ha="right" if neg else "left",
                    fontsize=8,
                    color="#333333",
                )
        if n:
            axis_w = width - left - right
            # Each value label must end inside the axes: widen the value range for the longest one.
            widths = [(_text_extent(fig, [t], 8)[0] + 7 / 72) / axis_w if annotate else 0.0 for t in notes]
            top_v, low_v = float(vals.max()), float(vals.min())
            if log:
                lo = math.log10(left_value)
                hi = math.log10(top_v * 4)
                for v, k in zip(vals, widths, strict=True):
                    hi = max(hi, lo + (math.log10(v) - lo) / max(1 - k, 0.2))
                ax.set_xlim(left_value, 10**hi)
            else:
                span = max(top_v, 0.0) - min(low_v, 0.0) or 1.0
                lo = min(low_v, 0.0) - (0.1 * span if low_v < 0 else 0.0)
                hi = max(top_v, 0.0) + 0.16 * span
                for v, k in zip(vals, widths, strict=True):
                    if v >= 0:
                        hi = max(hi, lo + (v - lo) / max(1 - k, 0.2))
                for v, k in zip(vals, widths, strict=True):
                    if v < 0:
                        lo = min(lo, (v - k * hi) / max(1 - k, 0.2))
                ax.set_xlim(lo, hi)
            if (vals < 0).any() and not log:
                ax.axvline(0, color="#888888", lw=0.8, zorder=3)
        if title:
            ax.set_title(title)
        if is_approx.any():
            legend = fig.legend(
                handles=[
                    Patch(facecolor=color, edgecolor=color, label=txt["exact"]),
                    Patch(facecolor=_lighten(color, 0.55), edgecolor=color, hatch="////", label=txt["approx"]),
                ],
                loc="upper right",
                bbox_to_anchor=(1 - 0.05 / width, 1 - 0.02 / height),
                ncols=2,
            )
            legend_in = legend.get_window_extent(fig.canvas.get_renderer())
            if left + title_w + 0.25 + legend_in.width / fig.dpi > width:  # no room beside the title
                top += legend_in.height / fig.dpi
        _set_margins(fig, left=left, bottom=bottom, right=right, top=top)
    return fig
